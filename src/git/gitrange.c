/* gitrange.c: the commits of FROM..TO by reachability, less the PRs' own
 * commits (see gitrange.h).
 *
 * One revwalk lists the range (push TO, hide FROM, every parent), children
 * before parents, so a merge comes before its own commits. Each merge that
 * the caller calls a PR's has its own commits found with one more revwalk
 * (push its other parents, hide its first parent and FROM), bounded by the
 * PR's commits; those are then skipped unless the caller trusts them. */
#include "mergeletter/git/gitrange.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/git/gitwalk.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

struct oidv {
	git_oid *v;
	size_t n, cap;
};

static int oidv_push(struct oidv *s, const git_oid *id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		git_oid *v = realloc(s->v, cap * sizeof *v);

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	git_oid_cpy(&s->v[s->n++], id);
	return 0;
}

/* A set of commit ids (open addressing; the ids are hashes already): the
 * own commits of the merges seen so far, asked once per commit of the
 * range. */
struct oidset {
	git_oid *slot;
	unsigned char *used;
	size_t n, cap; /* cap: 0 or a power of two */
};

static size_t oidset_home(const struct oidset *s, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof h);
	return h & (s->cap - 1);
}

static int oidset_has(const struct oidset *s, const git_oid *id)
{
	for (size_t i = s->cap ? oidset_home(s, id) : 0; s->cap && s->used[i];
	     i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->slot[i], id))
			return 1;
	return 0;
}

static void oidset_put(struct oidset *s, const git_oid *id)
{
	size_t i;

	for (i = oidset_home(s, id); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (git_oid_equal(&s->slot[i], id))
			return;
	s->used[i] = 1;
	git_oid_cpy(&s->slot[i], id);
	s->n++;
}

static void oidset_release(struct oidset *s)
{
	free(s->slot);
	free(s->used);
}

/* Add id, the table kept at most half full: 0, or -1 when out of memory. */
static int oidset_add(struct oidset *s, const git_oid *id)
{
	struct oidset big = {NULL, NULL, 0, s->cap ? 2 * s->cap : 1024}, old = *s;
	int rc = -1;

	if (2 * (s->n + 1) <= s->cap) {
		oidset_put(s, id);
		return 0;
	}
	big.slot = malloc(big.cap * sizeof *big.slot);
	big.used = calloc(big.cap, 1);
	if (big.slot && big.used) {
		for (size_t k = 0; k < old.cap; k++)
			if (old.used[k])
				oidset_put(&big, &old.slot[k]);
		oidset_put(&big, id);
		*s = big;
		big = old; /* released below */
		rc = 0;
	}
	oidset_release(&big);
	return rc;
}

/* Every commit that rw yields, appended to out: 0, or -1 (*oom_out set
 * when out of memory, else libgit2's error). */
static int collect(git_revwalk *rw, struct oidv *out, int *oom_out)
{
	git_oid id;
	int e;

	while ((e = git_revwalk_next(&id, rw)) == 0)
		if (oidv_push(out, &id) < 0) {
			*oom_out = 1;
			return -1;
		}
	return e == GIT_ITEROVER ? 0 : -1;
}

static int walk_fail(const struct ml_gitrange *r, struct ml_error *err)
{
	return gitwalk_fail(err, r->path,
			    git_repository_is_shallow(r->git) == 1
				? "cannot walk the history (the shallow clone may not reach back "
				  "to the start ref; fetch more with git fetch --deepen)"
				: "cannot walk the history (damaged repository? try git fsck)");
}

/* The line of single-parent commits from tip down to stop, each into own:
 * 1 once it gets there; 0 (own as it was) when it meets another shape,
 * OWN_LINE_MAX commits, or a commit committed before floor; -1 when out of
 * memory. A revwalk with hidden commits re-reads the history below the
 * merge, where this reads the line alone. */
#define OWN_LINE_MAX 256
static int follow_line(const struct ml_gitrange *r, const git_oid *tip, const git_oid *stop,
		       int64_t floor, struct oidv *own, int *oom_out)
{
	git_oid id;
	size_t start = own->n;
	int rc = 1;

	git_oid_cpy(&id, tip);
	for (int i = 0; rc == 1 && !git_oid_equal(&id, stop); i++) {
		git_commit *k = NULL;

		if (i == OWN_LINE_MAX || git_commit_lookup(&k, r->git, &id) < 0 ||
		    git_commit_parentcount(k) != 1 || (int64_t)git_commit_time(k) < floor) {
			git_error_clear();
			rc = 0;
		} else if (oidv_push(own, &id) < 0) {
			*oom_out = 1;
			rc = -1;
		} else {
			git_oid_cpy(&id, git_commit_parent_id(k, 0));
		}
		git_commit_free(k);
	}
	if (rc == 0)
		own->n = start; /* another shape: the revwalk decides */
	return rc;
}

/* The usual PR merge: two parents, the second a line of single-parent
 * commits down to the merge base of the two. Those commits into own: 1;
 * 0 for another shape (nothing added), -1 on failure. Most often the line
 * comes down to the first parent itself, which is then the merge base: that
 * is tried first, and given up at the first commit of the line older than
 * the first parent (below the fork point, most likely); then the merge
 * base is asked for. */
static int own_line(const struct ml_gitrange *r, git_commit *c, struct oidv *own, int *oom_out)
{
	git_commit *first = NULL;
	git_oid base;
	int rc = 0;

	if (git_commit_parentcount(c) != 2)
		return 0;
	if (git_commit_parent(&first, c, 0) == 0)
		rc = follow_line(r, git_commit_parent_id(c, 1), git_commit_id(first),
				 (int64_t)git_commit_time(first), own, oom_out);
	git_error_clear();
	git_commit_free(first);
	if (rc != 0)
		return rc;
	if (git_merge_base(&base, r->git, git_commit_parent_id(c, 0), git_commit_parent_id(c, 1)) <
	    0) {
		git_error_clear();
		return 0;
	}
	return follow_line(r, git_commit_parent_id(c, 1), &base, INT64_MIN, own, oom_out);
}

/* The own commits of merge c (its other parents' side) into own. */
static int own_of(const struct ml_gitrange *r, git_commit *c, const git_oid *from, struct oidv *own,
		  int *oom_out)
{
	git_revwalk *rw = NULL;
	unsigned np = git_commit_parentcount(c);
	int rc = own_line(r, c, own, oom_out);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = git_revwalk_new(&rw, r->git);

	if (rc == 0)
		rc = git_revwalk_hide(rw, git_commit_parent_id(c, 0));
	if (rc == 0)
		rc = git_revwalk_hide(rw, from);
	for (unsigned i = 1; rc == 0 && i < np; i++)
		rc = git_revwalk_push(rw, git_commit_parent_id(c, i));
	if (rc == 0)
		rc = collect(rw, own, oom_out);
	git_revwalk_free(rw);
	return rc;
}

int gitrange_walk(const struct ml_gitrange *r, const git_oid *from, const git_oid *to,
		  struct ml_error *err)
{
	git_revwalk *rw = NULL;
	git_commit *c = NULL;
	struct oidv own = {0};
	struct oidset skip = {0};
	git_oid id;
	size_t added = 0;
	int rc = -1, failed_oom = 0, e;

	/* children before parents: a merge comes before its own commits */
	if (git_revwalk_new(&rw, r->git) < 0 ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(rw, to) < 0 || git_revwalk_hide(rw, from) < 0)
		goto fail;
	while ((e = git_revwalk_next(&id, rw)) == 0) {
		for (; added < own.n; added++) /* what the last merge added */
			if (oidset_add(&skip, &own.v[added]) < 0) {
				failed_oom = 1;
				goto fail;
			}
		if (git_commit_lookup(&c, r->git, &id) < 0)
			goto fail;
		if (oidset_has(&skip, &id) && !r->trusted(r->ud, c)) {
			git_commit_free(c);
			c = NULL;
			continue;
		}
		if (git_commit_parentcount(c) > 1 && r->own_commits(r->ud, c) &&
		    own_of(r, c, from, &own, &failed_oom) != 0)
			goto fail;
		if (r->visit(r->ud, c, err) < 0)
			goto done;
		git_commit_free(c);
		c = NULL;
	}
	if (e == GIT_ITEROVER) {
		rc = 0;
		goto done;
	}
fail:
	if (failed_oom)
		error_set(err, ML_EXIT_FAILURE, "out of memory");
	else
		walk_fail(r, err);
done:
	git_commit_free(c);
	free(own.v);
	oidset_release(&skip);
	git_revwalk_free(rw);
	return rc;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort v (strcmp) and keep each string once. */
static void sort_unique(struct ml_strv *v)
{
	size_t kept = 0;

	if (v->n > 1)
		qsort(v->v, v->n, sizeof *v->v, by_str);
	for (size_t i = 0; i < v->n; i++) { /* each once */
		if (kept && strcmp(v->v[kept - 1], v->v[i]) == 0)
			free(v->v[i]);
		else
			v->v[kept++] = v->v[i];
	}
	v->n = kept;
}

/* The author address of a commit's raw object, lowercase, newly
 * allocated in *email ("" for none): 0, or -1 when the object has no
 * author line that libgit2 would parse (git_signature__parse(): the last
 * '<' and the last '>' of the line, what is between them trimmed). The
 * revwalk has the object in libgit2's cache: reading it costs no
 * inflating, and no commit to parse whole (message, signatures, parents),
 * a third of what git_commit_lookup() would. */
static int raw_author(const char *data, size_t len, char **email)
{
	const char *p = data, *end = data + len, *eol, *lt = NULL, *gt = NULL;

	*email = NULL;
	for (; p < end && *p != '\n'; p = eol + 1) { /* the header, to the blank line */
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			return -1;
		if ((size_t)(eol - p) <= 7 || memcmp(p, "author ", 7) != 0)
			continue;
		for (const char *q = p + 7; q < eol; q++) {
			lt = *q == '<' ? q : lt;
			gt = *q == '>' ? q : gt;
		}
		if (!lt || !gt || gt <= lt)
			return -1;
		for (lt++; lt < gt && isspace((unsigned char)*lt); lt++)
			;
		while (gt > lt && isspace((unsigned char)gt[-1]))
			gt--;
		if (!(*email = ml_strndup(lt, (size_t)(gt - lt))))
			return -2;
		for (char *c = *email; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		return 0;
	}
	return -1;
}

int gitrange_identities(git_repository *git, const git_oid *from, const git_oid *hide, size_t max,
			const struct ml_strv *wanted, struct ml_strv *out, struct ml_strv *all,
			size_t *nread)
{
	git_revwalk *rw = NULL;
	git_odb *odb = NULL;
	struct ml_strmap seen = {0}; /* all's addresses, when all is kept */
	git_oid id;
	size_t n = 0, found = 0, need = 0;
	int rc = 0, early = 0, e = 0;

	*nread = 0;
	for (size_t i = 0; wanted && i < wanted->n; i++) /* distinct addresses wanted */
		need += i == 0 || strcmp(wanted->v[i - 1], wanted->v[i]) != 0;
	if (git_repository_odb(&odb, git) < 0 || git_revwalk_new(&rw, git) < 0 ||
	    git_revwalk_push(rw, from) < 0 || (hide && git_revwalk_hide(rw, hide) < 0)) {
		git_error_clear();
		git_revwalk_free(rw);
		git_odb_free(odb);
		return 0;
	}
	while (rc == 0 && n < max && !(early = wanted && found == need) &&
	       (e = git_revwalk_next(&id, rw)) == 0) {
		git_odb_object *obj = NULL;
		char *low = NULL;

		if ((e = git_odb_read(&obj, odb, &id)) < 0)
			break;
		e = raw_author(git_odb_object_data(obj), git_odb_object_size(obj), &low);
		git_odb_object_free(obj);
		if (e == -2)
			rc = -1;
		if (e < 0)
			break;
		n++;
		if (*low && !wanted) {
			rc = strv_push(out, low);
		} else if (*low && bsearch(&low, wanted->v, wanted->n, sizeof *wanted->v, by_str) &&
			   !strv_contains_case(out, low)) {
			rc = strv_push(out, low);
			found += rc == 0;
		}
		if (rc == 0 && *low && all && !strmap_get(&seen, low))
			rc = strv_push(all, low) < 0 ||
				     strmap_put(&seen, all->v[all->n - 1], all->v[all->n - 1]) < 0
				 ? -1
				 : 0;
		free(low);
	}
	*nread = n;
	git_error_clear();
	git_revwalk_free(rw);
	git_odb_free(odb);
	strmap_release(&seen);
	if (rc < 0)
		return -1;
	sort_unique(out);
	if (all)
		sort_unique(all);
	/* not early, and not cut short by what could not be read (a shallow
	 * clone may be deepened later): every address of the range (within
	 * max commits) */
	return !early && (e == 0 || e == GIT_ITEROVER);
}
