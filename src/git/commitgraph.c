/* commitgraph.c: read-only access to git's commit-graph file (see the header).
 *
 * Layout (all integers big-endian):
 *   header   "CGPH", version (1), hash version (1 = SHA-1), chunk count C,
 *            base graph count B
 *   table    C + 1 entries of (4-byte id, 8-byte offset); the last has id 0
 *            and the offset where the chunks end
 *   OIDF     256 x 4: commits whose first id byte is <= i (N = the last)
 *   OIDL     N x 20: the ids, sorted
 *   CDAT     N x 36: tree id (20), first parent, second parent (4 each:
 *            a position, 0x70000000 for none, or 0x80000000 | an index into
 *            EDGE for three or more parents), then 8 bytes whose low 34
 *            bits are the committer time (the high 30: the topological
 *            level, git's generation number v1)
 *   ...      other chunks (EDGE, GDAT, bloom filters), unused here
 *   trailer  the file's checksum (20)
 */
#include "mergeletter/git/commitgraph.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergeletter/util/buf.h"

#define CG_HEADER 8
#define CG_TABLE_ENTRY 12
#define CG_DATA_WIDTH (ML_CG_OID_LEN + 16)
#define CG_PARENT_NONE 0x70000000u
#define CG_EXTRA_EDGES 0x80000000u

#define CHUNK(a, b, c, d)                                                                          \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

struct ml_commit_graph {
	unsigned char *map;
	size_t size;
	uint32_t n;		     /* commits */
	const unsigned char *fanout; /* OIDF */
	const unsigned char *oids;   /* OIDL */
	const unsigned char *data;   /* CDAT */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Find the chunks and check that they fit: 0, or -1 for an unusable file. */
static int parse(struct ml_commit_graph *g)
{
	const unsigned char *m = g->map;
	size_t oidf = 0, oidl = 0, cdat = 0, oidl_len = 0, cdat_len = 0, end;
	unsigned nchunks;
	uint64_t prev;

	if (g->size < CG_HEADER + CG_TABLE_ENTRY + ML_CG_OID_LEN ||
	    be32(m) != CHUNK('C', 'G', 'P', 'H') || m[4] != 1 || m[5] != 1 || m[7] != 0)
		return -1; /* not version 1, not SHA-1, or a layer of a split graph */
	nchunks = m[6];
	end = g->size - ML_CG_OID_LEN;
	if (CG_HEADER + ((size_t)nchunks + 1) * CG_TABLE_ENTRY > end)
		return -1;
	prev = CG_HEADER + ((size_t)nchunks + 1) * CG_TABLE_ENTRY;
	for (unsigned i = 0; i <= nchunks; i++) {
		const unsigned char *e = m + CG_HEADER + (size_t)i * CG_TABLE_ENTRY;
		uint32_t id = be32(e);
		uint64_t off = be64(e + 4), next;

		if (off < prev || off > end || (i == nchunks) != (id == 0))
			return -1;
		if (i == nchunks)
			break;
		next = be64(e + CG_TABLE_ENTRY + 4);
		if (next < off || next > end)
			return -1;
		if (id == CHUNK('O', 'I', 'D', 'F') && !oidf) {
			if (next - off != 256 * 4)
				return -1;
			oidf = (size_t)off;
		} else if (id == CHUNK('O', 'I', 'D', 'L') && !oidl) {
			oidl = (size_t)off;
			oidl_len = (size_t)(next - off);
		} else if (id == CHUNK('C', 'D', 'A', 'T') && !cdat) {
			cdat = (size_t)off;
			cdat_len = (size_t)(next - off);
		} else if (id == CHUNK('B', 'A', 'S', 'E')) {
			return -1; /* positions would count the base graphs too */
		}
		prev = off;
	}
	if (!oidf || !oidl || !cdat)
		return -1;
	g->fanout = m + oidf;
	g->oids = m + oidl;
	g->data = m + cdat;
	for (unsigned i = 1; i < 256; i++)
		if (be32(g->fanout + 4 * i) < be32(g->fanout + 4 * (i - 1)))
			return -1;
	g->n = be32(g->fanout + 4 * 255);
	if (g->n >= CG_PARENT_NONE || oidl_len != (size_t)g->n * ML_CG_OID_LEN ||
	    cdat_len != (size_t)g->n * CG_DATA_WIDTH)
		return -1;
	return 0;
}

int commit_graph_open(struct ml_commit_graph **out, const char *objects_dir)
{
	struct ml_buf path = ML_BUF_INIT;
	struct ml_commit_graph *g = NULL;
	struct stat st;
	void *map;
	int fd = -1, rc = -1;

	*out = NULL;
	if (buf_printf(&path, "%s/info/commit-graph", objects_dir) < 0)
		goto done;
	rc = 0;
	if ((fd = open(path.data, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > SIZE_MAX)
		goto done;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		goto done;
	if (!(g = calloc(1, sizeof *g))) {
		munmap(map, (size_t)st.st_size);
		rc = -1;
		goto done;
	}
	g->map = map;
	g->size = (size_t)st.st_size;
	if (parse(g) < 0) {
		commit_graph_free(g);
		goto done;
	}
	*out = g;
done:
	if (fd >= 0)
		close(fd);
	buf_release(&path);
	return rc;
}

void commit_graph_free(struct ml_commit_graph *g)
{
	if (!g)
		return;
	munmap(g->map, g->size);
	free(g);
}

int commit_graph_find(const struct ml_commit_graph *g, const unsigned char id[ML_CG_OID_LEN],
		      uint32_t *pos)
{
	uint32_t lo = id[0] ? be32(g->fanout + 4 * (id[0] - 1)) : 0;
	uint32_t hi = be32(g->fanout + 4 * id[0]);

	if (hi > g->n || lo > hi)
		return 0; /* a fanout past N: checked monotonic, so only the last could lie */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(g->oids + (size_t)mid * ML_CG_OID_LEN, id, ML_CG_OID_LEN);

		if (c == 0) {
			*pos = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

const unsigned char *commit_graph_id(const struct ml_commit_graph *g, uint32_t pos)
{
	return g->oids + (size_t)pos * ML_CG_OID_LEN;
}

int commit_graph_entry(const struct ml_commit_graph *g, uint32_t pos, struct ml_cg_entry *e)
{
	const unsigned char *d = g->data + (size_t)pos * CG_DATA_WIDTH + ML_CG_OID_LEN;
	uint32_t p1 = be32(d), p2 = be32(d + 4);

	e->time = (int64_t)(be64(d + 8) & (((uint64_t)1 << 34) - 1));
	e->generation = be32(d + 8) >> 2;
	if (p1 == CG_PARENT_NONE) {
		e->parent = ML_CG_NONE;
		e->nparents = 0;
		return p2 == CG_PARENT_NONE ? 0 : -1;
	}
	if (p1 >= g->n)
		return -1;
	e->parent = p1;
	e->nparents = p2 == CG_PARENT_NONE ? 1 : 2;
	if (!(p2 & CG_EXTRA_EDGES) && p2 != CG_PARENT_NONE && p2 >= g->n)
		return -1;
	return 0;
}
