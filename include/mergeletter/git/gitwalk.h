/*
 * gitwalk.h: the commits of a time range on a clone's first-parent line,
 * read fast (the commit-graph file where there is one; see gitwalk.c for
 * the stop rule and how the graph is checked). What a commit means is the
 * caller's: the walk hands each commit of the range to a visitor.
 *
 * Ownership: the walk borrows everything in its options; the commit given
 * to the visitor is valid during the call only.
 */
#ifndef MERGELETTER_GITWALK_H
#define MERGELETTER_GITWALK_H

#include <git2.h>
#include <stdint.h>

#include "mergeletter/util/range.h"

struct ml_error;

struct ml_gitwalk {
	git_repository *git;
	const char *path; /* as given, for messages */
	const struct ml_range *range;
	int graph_allowed; /* core.commitGraph is not false */
	/* each commit of the range, newest first; 0, or -1 with err set */
	int (*visit)(void *ud, git_commit *c, struct ml_error *err);
	/* the walk starts again (a commit-graph that the objects belie): forget
	 * what was visited */
	void (*restart)(void *ud);
	void *ud;
};

/* Walk first parents from tip through w->range. 0, or -1 with err set
 * (ML_EXIT_SOURCE for a damaged repository or a shallow clone that does
 * not reach back to the range). */
int gitwalk_range(const struct ml_gitwalk *w, const git_oid *tip, struct ml_error *err);

/* The commit-graph of git's objects to walk with, into *g, or NULL: none
 * when not allowed (core.commitGraph false), in a shallow clone (git
 * writes none there, and a walk must find the boundary by reading
 * objects), or when there is no usable file. 0, or -1 when out of memory. */
struct ml_commit_graph;
int gitwalk_open_graph(git_repository *git, int allowed, struct ml_commit_graph **g);

/* What a walk needs of a commit, read from its raw header: no full parse
 * (git_odb_read(): the raw object stays in libgit2's cache, where a later
 * git_commit_lookup() or revwalk of the same commit finds it). */
struct ml_commit_head {
	int64_t time;	/* committer time */
	git_oid parent; /* the first parent, when nparents > 0 */
	unsigned nparents;
};

/* id's head into h: 0; -1 for a commit without a committer time that
 * parses (libgit2's error set), or libgit2's error (GIT_ENOTFOUND). */
int gitwalk_read_head(git_odb *odb, const git_oid *id, struct ml_commit_head *h);

/* err set to "'path': what: libgit2's last error" (ML_EXIT_SOURCE); -1. */
int gitwalk_fail(struct ml_error *err, const char *path, const char *what);

#endif
