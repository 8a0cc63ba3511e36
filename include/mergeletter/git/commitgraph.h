/*
 * commitgraph.h: read-only access to git's commit-graph file.
 *
 * objects/info/commit-graph (git's Documentation/gitformat-commit-graph.txt)
 * holds, for every commit it covers, the parents (as positions in the
 * file), the committer time and the generation number, so a walk along
 * first parents reads no object, and a commit whose generation is not below
 * another's is known not to be its ancestor. libgit2 1.5 has no public lookup into it, hence this
 * reader.
 *
 * Only what is certain is used: a single file of version 1 with SHA-1 ids
 * and no base graphs. A split graph (objects/info/commit-graphs/), another
 * hash, a file that fails any structural check, or core.commitGraph=false
 * (checked by the caller) all mean "no graph", and the caller walks the
 * objects instead. The trailing checksum is not verified (git does not
 * either when reading); every offset and position is bounds-checked, so a
 * damaged file cannot make a reader go out of the mapping.
 */
#ifndef MERGELETTER_COMMITGRAPH_H
#define MERGELETTER_COMMITGRAPH_H

#include <stddef.h>
#include <stdint.h>

#define ML_CG_OID_LEN 20      /* SHA-1 */
#define ML_CG_NONE UINT32_MAX /* "no parent" as a position */

struct ml_commit_graph;

/* What the graph says of one commit. */
struct ml_cg_entry {
	int64_t time;	     /* committer time (34 bits in the file) */
	uint32_t parent;     /* position of the first parent, or ML_CG_NONE */
	unsigned nparents;   /* 0, 1, or 2 for "two or more" */
	uint32_t generation; /* the topological level: 1 for a root, else 1 +
				its parents' highest; 0 when the file has none,
				ML_CG_GENERATION_MAX for that or more */
};

#define ML_CG_GENERATION_MAX 0x3FFFFFFFu

/* Open objects_dir/info/commit-graph. 0 with *out set, or 0 with *out
 * NULL when there is no usable graph (absent, split, another version or
 * hash, malformed); -1 only when out of memory. */
int commit_graph_open(struct ml_commit_graph **out, const char *objects_dir);
void commit_graph_free(struct ml_commit_graph *g);

/* 1 with *pos set when the commit is in the graph, else 0. */
int commit_graph_find(const struct ml_commit_graph *g, const unsigned char id[ML_CG_OID_LEN],
		      uint32_t *pos);

/* The id of the commit at pos (a position from commit_graph_find() or an
 * entry's parent). */
const unsigned char *commit_graph_id(const struct ml_commit_graph *g, uint32_t pos);

/* The entry at pos (as for commit_graph_id()): 0, or -1 when it is malformed (a
 * parent position out of the file). */
int commit_graph_entry(const struct ml_commit_graph *g, uint32_t pos, struct ml_cg_entry *e);

#endif
