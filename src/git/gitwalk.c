/* gitwalk.c: the commits of a time range on a clone's first-parent line
 * (libgit2 and the commit-graph; see gitwalk.h).
 *
 *
 * The walk follows first parents from the tip by hand. For each commit it
 * needs the committer time and the first parent, and it takes them from
 * the commit-graph file (objects/info/commit-graph, see commitgraph.h)
 * when that covers the commit, else from the raw header of the object
 * (git_odb_read). libgit2 1.5's git_revwalk does not read the commit-graph
 * (measured: a first-parent revwalk of 200k commits takes 2.5 s with or
 * without one) and would need a git_commit_lookup() for the time anyway;
 * the hand walk also tells a shallow clone's boundary from a damaged
 * repository. Commits inside the range are read whole (git_commit_lookup),
 * once each but for the first of a run that the graph does not cover. See
 * bench/README.md for figures.
 *
 * The graph changes where the facts come from, never the steps: the same
 * loop and the same stop rule run on them, so the walk finds the same PRs
 * with or without it. Its facts are checked against the objects for the
 * first commit it answers for and for every commit of the range (read
 * anyway); on any difference the walk starts again without the graph.
 * It is not used in a shallow clone, nor with core.commitGraph=false.
 * Like git, the reader trusts a well-formed graph for the commits outside
 * the range (their objects are not read at all).
 *
 * Where it stops: committer times along the first-parent chain are not
 * strictly monotonic (a pusher's skewed clock; a fast-forwarded branch
 * that brings older commits along). So the walk goes on past the start of
 * the range and stops only after STOP_RUN consecutive first-parent commits
 * that are all older than since - STOP_SLACK. A PR commit of the range
 * behind a longer run of older commits would be missed; on repositories
 * that merge through GitHub every merge and squash commit carries the
 * time of the merge, so there is none. */
#include "mergeletter/git/gitwalk.h"

#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mergeletter/git/commitgraph.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"

#define STOP_SLACK (24 * 60 * 60)      /* one day of clock skew */
#define STOP_RUN 32		       /* consecutive commits that old */
#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z: later is damage */
#define TIME_ERROR "committer time out of range (malformed commit)"

int gitwalk_fail(struct ml_error *err, const char *path, const char *what)
{
	const git_error *e = git_error_last();

	return error_set(err, ML_EXIT_SOURCE, "'%s': %s: %s", path, what,
			 e && e->message ? e->message : "unknown libgit2 error");
}

/* 1 when id is listed in the repository's "shallow" file (a grafted root). */
static int is_grafted(git_repository *git, const git_oid *id)
{
	struct ml_buf path = ML_BUF_INIT;
	char line[128], hex[GIT_OID_HEXSZ + 1];
	FILE *fp = NULL;
	int found = 0;

	git_oid_tostr(hex, sizeof hex, id);
	if (buf_printf(&path, "%sshallow", git_repository_commondir(git)) < 0 ||
	    !(fp = fopen(path.data, "r")))
		goto done;
	while (!found && fgets(line, sizeof line, fp))
		found = strncmp(line, hex, GIT_OID_HEXSZ) == 0;
done:
	if (fp)
		fclose(fp);
	buf_release(&path);
	return found;
}

static int shallow_error(const struct ml_gitwalk *w, int64_t ends, struct ml_error *err)
{
	char end[16], since[16];

	range_format_date(ends, end, sizeof end);
	range_format_date(w->range->since, since, sizeof since);
	return error_set(err, ML_EXIT_SOURCE,
			 "'%s': the shallow clone does not reach back to %s: history ends at %s; "
			 "fetch more with git fetch --deepen (or --unshallow)",
			 w->path, since, end);
}

int gitwalk_read_head(git_odb *odb, const git_oid *id, struct ml_commit_head *h)
{
	git_odb_object *obj = NULL;
	const char *p, *end;
	int have_time = 0, rc;

	memset(h, 0, sizeof *h);
	if ((rc = git_odb_read(&obj, odb, id)) < 0)
		return rc;
	rc = -1;
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT)
		goto done;
	p = git_odb_object_data(obj);
	end = p + git_odb_object_size(obj);
	while (p < end && *p != '\n') { /* header lines, up to the blank line */
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;

		if (!eol)
			eol = end;
		if (eol - p > 7 && memcmp(p, "parent ", 7) == 0) {
			if (h->nparents++ == 0 &&
			    git_oid_fromstrn(&h->parent, p + 7, (size_t)(eol - p - 7)) < 0)
				goto done;
		} else if (eol - p > 10 && memcmp(p, "committer ", 10) == 0) {
			for (q = eol; q > p && q[-1] != '>'; q--)
				;
			while (q < eol && *q == ' ')
				q++;
			for (h->time = 0; q < eol && *q >= '0' && *q <= '9'; q++) {
				if (h->time > (TIME_MAX - (*q - '0')) / 10) {
					git_error_set_str(GIT_ERROR_OBJECT, TIME_ERROR);
					rc = -2; /* not "malformed commit" below */
					goto done;
				}
				h->time = h->time * 10 + (*q - '0');
			}
			have_time = q < eol && *q == ' ';
		}
		p = eol + 1;
	}
	rc = have_time ? 0 : -1;
done:
	if (rc == -1)
		git_error_set_str(GIT_ERROR_OBJECT, "malformed commit");
	rc = rc < 0 ? -1 : rc;
	git_odb_object_free(obj);
	return rc;
}

/* The facts of one commit from the graph, when it has them: 1, else 0
 * (a commit whose time git could not parse is stored with time 0; it is
 * read from its object instead). -1 for a malformed entry. */
static int graph_head(const struct ml_commit_graph *g, uint32_t pos, struct ml_commit_head *h,
		      uint32_t *parent_pos)
{
	struct ml_cg_entry e;

	if (commit_graph_entry(g, pos, &e) < 0)
		return -1;
	if (e.time == 0)
		return 0;
	memset(h, 0, sizeof *h);
	h->time = e.time;
	h->nparents = e.nparents;
	if (e.nparents > 0)
		git_oid_fromraw(&h->parent, commit_graph_id(g, e.parent));
	*parent_pos = e.parent;
	return 1;
}

/* 1 when what the graph says of a commit is what its object says. */
static int graph_agrees(const struct ml_commit_head *h, int64_t time, unsigned nparents,
			const git_oid *parent)
{
	return h->time == time && h->nparents == (nparents > 2 ? 2 : nparents) &&
	       (nparents == 0 || git_oid_equal(&h->parent, parent));
}

static int head_from_commit(git_commit *c, struct ml_commit_head *h)
{
	memset(h, 0, sizeof *h);
	if (git_commit_time(c) < 0 || git_commit_time(c) > TIME_MAX) {
		git_error_set_str(GIT_ERROR_OBJECT, TIME_ERROR);
		return -1;
	}
	h->time = (int64_t)git_commit_time(c);
	h->nparents = git_commit_parentcount(c);
	if (h->nparents > 0)
		git_oid_cpy(&h->parent, git_commit_parent_id(c, 0));
	return 0;
}

#define GRAPH_MISMATCH 1 /* walk_first_parent(): the graph is not to be trusted */

/* Walk from tip. With a commit-graph (g not NULL), the facts of the
 * commits it covers come from it: no object is read outside the range.
 * The steps and the stop rule are the same either way; a commit that the
 * graph does not cover (newer than the graph) is read from its object.
 * What the graph says is checked against the objects for the first commit
 * it answers and for every commit of the range (which is read anyway);
 * on a difference the walk returns GRAPH_MISMATCH and the caller walks
 * again without the graph. */
static int walk_first_parent(const struct ml_gitwalk *w, const git_oid *tip,
			     const struct ml_commit_graph *g, struct ml_error *err)
{
	const int shallow = git_repository_is_shallow(w->git) == 1;
	const int64_t since = w->range->since, old = since - STOP_SLACK;
	struct ml_commit_head h, check;
	git_odb *odb = NULL;
	git_commit *c = NULL;
	git_oid id;
	int64_t child = 0; /* committer time of the commit whose parent id is */
	uint32_t pos = 0, parent_pos = 0;
	int run = 0, rc = -1, e, in_graph, from_graph, checked = 0, was_in_range = 0;

	/* each commit is read once: caching them only costs memory and time */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, (size_t)0);
	if (git_repository_odb(&odb, w->git) < 0) {
		gitwalk_fail(err, w->path, "cannot open the object database");
		goto done;
	}
	git_oid_cpy(&id, tip);
	in_graph = g && commit_graph_find(g, id.id, &pos);
	for (;;) {
		from_graph = in_graph ? graph_head(g, pos, &h, &parent_pos) : 0;
		if (from_graph < 0) {
			rc = GRAPH_MISMATCH;
			goto done;
		}
		if (from_graph &&
		    !checked) { /* one object read: is this graph about these commits? */
			checked = 1;
			if (gitwalk_read_head(odb, &id, &check) < 0) {
				git_error_clear();
				rc = GRAPH_MISMATCH;
				goto done;
			}
			if (!graph_agrees(&h, check.time, check.nparents, &check.parent)) {
				rc = GRAPH_MISMATCH;
				goto done;
			}
		}
		if (!from_graph) {
			/* the previous commit was in the range: this one likely is too,
			 * so read it whole at once rather than its header and then it */
			if (was_in_range && git_commit_lookup(&c, w->git, &id) == 0) {
				e = head_from_commit(c, &h);
			} else {
				git_error_clear();
				e = gitwalk_read_head(odb, &id, &h);
			}
			if (e == GIT_ENOTFOUND && shallow && !git_oid_equal(&id, tip)) {
				git_error_clear(); /* beyond the boundary (libgit2 < 1.7 keeps its
						      parent) */
				if (child >= since) {
					shallow_error(w, child, err);
					goto done;
				}
				break;
			}
			if (e < 0) {
				gitwalk_fail(
				    err, w->path,
				    "cannot read the history (damaged repository? try git fsck)");
				goto done;
			}
		}
		was_in_range = range_contains(w->range, h.time);
		if (was_in_range) {
			if (!c && git_commit_lookup(&c, w->git, &id) < 0) {
				/* from the graph, this is the first read of the object */
				gitwalk_fail(err, w->path,
					     from_graph ? "cannot read the history (damaged "
							  "repository? try git fsck)"
							: "cannot read a commit");
				goto done;
			}
			if (from_graph &&
			    !graph_agrees(&h, (int64_t)git_commit_time(c),
					  git_commit_parentcount(c), git_commit_parent_id(c, 0))) {
				rc = GRAPH_MISMATCH;
				goto done;
			}
			if (w->visit(w->ud, c, err) < 0)
				goto done;
		}
		git_commit_free(c);
		c = NULL;
		run = h.time < old ? run + 1 : 0;
		if (run >= STOP_RUN)
			break;
		if (h.nparents == 0) {
			if (shallow && h.time >= since && is_grafted(w->git, &id)) {
				shallow_error(w, h.time, err);
				goto done;
			}
			break; /* the root commit */
		}
		child = h.time;
		git_oid_cpy(&id, &h.parent);
		if (from_graph)
			pos = parent_pos; /* a parent of a graph commit is in the graph */
		else
			in_graph = g && commit_graph_find(g, id.id, &pos);
	}
	rc = 0;
done:
	git_commit_free(c);
	git_odb_free(odb);
	return rc;
}

int gitwalk_open_graph(git_repository *git, int allowed, struct ml_commit_graph **g)
{
	struct ml_buf objects = ML_BUF_INIT;
	int rc;

	*g = NULL;
	if (!allowed || git_repository_is_shallow(git) != 0)
		return 0;
	if (buf_printf(&objects, "%sobjects", git_repository_commondir(git)) < 0)
		return -1;
	rc = commit_graph_open(g, objects.data);
	buf_release(&objects);
	return rc;
}

int gitwalk_range(const struct ml_gitwalk *w, const git_oid *tip, struct ml_error *err)
{
	struct ml_commit_graph *graph = NULL;
	int e;

	if (gitwalk_open_graph(w->git, w->graph_allowed, &graph) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	e = walk_first_parent(w, tip, graph, err);
	if (e == GRAPH_MISMATCH) { /* a damaged or foreign commit-graph: without it */
		w->restart(w->ud);
		e = walk_first_parent(w, tip, NULL, err);
	}
	commit_graph_free(graph);
	return e < 0 ? -1 : 0;
}
