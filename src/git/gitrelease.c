/* gitrelease.c: the previous and the latest release from a clone's tags
 * (see gitrelease.h). */
#include "mergeletter/git/gitrelease.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/git/commitgraph.h"
#include "mergeletter/git/gitwalk.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

/* Digits at *p as a number (at most 9 of them): 1 with *p past them. */
static int read_num(const char **p, unsigned long *n)
{
	const char *q = *p;

	*n = 0;
	while (isdigit((unsigned char)*q) && q - *p < 9)
		*n = *n * 10 + (unsigned long)(*q++ - '0');
	if (q == *p || isdigit((unsigned char)*q))
		return 0;
	*p = q;
	return 1;
}

/* MAJOR.MINOR[.PATCH][-PRE][+BUILD] from s to its end. */
static int parse_version(const char *s, struct ml_semver *v)
{
	const char *p = s;

	if (!read_num(&p, &v->major) || *p++ != '.' || !read_num(&p, &v->minor))
		return 0;
	v->patch = 0;
	if (*p == '.' && (p++, !read_num(&p, &v->patch)))
		return 0;
	v->pre = NULL;
	v->pre_len = 0;
	if (*p == '-') {
		v->pre = ++p;
		while (*p && *p != '+')
			p++;
		v->pre_len = (size_t)(p - v->pre);
		if (!v->pre_len)
			return 0;
	}
	return *p == '\0' || *p == '+';
}

int gitrelease_parse(const char *name, struct ml_semver *v)
{
	size_t n = name ? strlen(name) : 0;

	/* the version starts at a digit after the start or a separator */
	for (size_t i = 0; i < n; i++) {
		size_t pre;

		if (!isdigit((unsigned char)name[i]) || (i > 0 && !strchr("vV-_/@", name[i - 1])) ||
		    !parse_version(name + i, v))
			continue;
		pre = i;
		if (pre > 0 && (name[pre - 1] == 'v' || name[pre - 1] == 'V'))
			pre--;
		v->prefix_len = pre;
		return 1;
	}
	return 0;
}

/* Compare dot-separated prerelease identifiers (numeric below alphanumeric). */
static int compare_pre(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && bn) {
		size_t al = strcspn(a, ".+"), bl = strcspn(b, ".+");
		int anum = 1, bnum = 1, c;

		al = al < an ? al : an;
		bl = bl < bn ? bl : bn;
		for (size_t i = 0; i < al; i++)
			anum &= isdigit((unsigned char)a[i]) != 0;
		for (size_t i = 0; i < bl; i++)
			bnum &= isdigit((unsigned char)b[i]) != 0;
		if (anum != bnum)
			return anum ? -1 : 1;
		if (anum && al != bl)
			return al < bl ? -1 : 1;
		if ((c = strncmp(a, b, al < bl ? al : bl)) != 0)
			return c;
		if (al != bl)
			return al < bl ? -1 : 1;
		a += al + (al < an);
		an -= al + (al < an);
		b += bl + (bl < bn);
		bn -= bl + (bl < bn);
	}
	return an ? 1 : bn ? -1 : 0;
}

int gitrelease_compare(const struct ml_semver *a, const struct ml_semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (!a->pre || !b->pre) /* a prerelease comes before its release */
		return a->pre ? -1 : b->pre ? 1 : 0;
	return compare_pre(a->pre, a->pre_len, b->pre, b->pre_len);
}

struct cand {
	char *name; /* under refs/tags/ */
	struct ml_semver v;
	git_oid target; /* what the tag names */
	git_oid id;	/* once peeled, the tagged commit */
	int64_t time;	/* the commit's committer time, once peeled */
	int peeled;	/* 1: id and time are set; -1: names no commit; 0: not known yet */
};

/* The better answer first: the later version (for a release name), then
 * the name, so that equal versions ("v1.2", "v1.2.0") always give the same
 * answer. */
static int by_version(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = gitrelease_compare(&y->v, &x->v);

	return c ? c : strcmp(x->name, y->name);
}

/* The better answer first for the tip: the later commit, then as
 * by_version(). */
static int by_time(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return by_version(a, b);
}

/* c->target peeled to the commit it names, with its time, into c: 0, or
 * -1 when it names no commit. */
static int peel(git_repository *git, struct cand *c)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = -1;

	if (c->peeled)
		return c->peeled > 0 ? 0 : -1;
	c->peeled = -1;
	if (git_object_lookup(&obj, git, &c->target, GIT_OBJECT_ANY) == 0 &&
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(&c->id, git_object_id(peeled));
		c->time = (int64_t)git_commit_time((git_commit *)peeled);
		c->peeled = 1;
		rc = 0;
	}
	git_error_clear();
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void cands_release(struct cands *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
}

/* The tag ref's candidate into l when its name may answer for to
 * (to_name's prefix, prereleases as gitrelease_previous() says; tv is
 * to_name's version when named): 0, or -1 when out of memory. */
static int add_cand(struct cands *l, git_reference *ref, const char *to_name, int named,
		    const struct ml_semver *tv)
{
	git_reference *direct = NULL;
	const git_oid *target = git_reference_target_peel(ref);
	struct cand c;

	c.name = (char *)git_reference_name(ref) + strlen("refs/tags/");
	if (!gitrelease_parse(c.name, &c.v) || (c.v.pre && !(named && tv->pre)))
		return 0;
	if (named &&
	    (c.v.prefix_len != tv->prefix_len ||
	     strncasecmp(c.name, to_name, tv->prefix_len) != 0 || strcmp(c.name, to_name) == 0))
		return 0;
	if (!target)
		target = git_reference_target(ref);
	if (!target && git_reference_resolve(&direct, ref) == 0) /* a symbolic ref */
		target = git_reference_target(direct);
	git_error_clear();
	c.peeled = 0;
	if (target)
		git_oid_cpy(&c.target, target);
	git_reference_free(direct);
	if (!target)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct cand *v = realloc(l->v, cap * sizeof *v);

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (!(c.name = ml_strdup(c.name))) /* gitrelease_parse() again: pre points into it */
		return -1;
	gitrelease_parse(c.name, &c.v);
	l->v[l->n++] = c;
	return 0;
}

/* The release tags that may answer for to into l, read from the refs
 * once (the names and what they name, without a lookup per tag): 0, or
 * -1 (*oom_out set when out of memory, else libgit2's error). */
static int candidates(git_repository *git, const char *to_name, struct cands *l, int *oom_out)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	struct ml_semver tv;
	const int named = gitrelease_parse(to_name, &tv);
	int e;

	if (git_reference_iterator_glob_new(&it, git, "refs/tags/*") < 0)
		return -1;
	while ((e = git_reference_next(&ref, it)) == 0) {
		int rc = add_cand(l, ref, to_name, named, &tv);

		git_reference_free(ref);
		if (rc < 0) {
			*oom_out = 1;
			break;
		}
	}
	git_reference_iterator_free(it);
	return e == GIT_ITEROVER ? 0 : -1;
}

/* What the tip's question peels is kept in the cache: every release tag's
 * target, the commit it names and that commit's time, "TARGET COMMIT
 * TIME" a line (COMMIT all zeros: it names no commit). Facts about
 * objects, which never change (a tag moved names another target); each
 * tag peeled is a read of an object somewhere in the pack, 1.5 ms for the
 * 51 tags of a history of 100,000 commits, where the entry is one small
 * file. */
static int peels_key(git_repository *git, struct ml_buf *key)
{
	return buf_printf(key, "mergeletter-git-tag-commits:%s", git_repository_commondir(git));
}

static int by_target(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct cand *)a)->target, &((const struct cand *)b)->target);
}

/* The kept peels of l's tags into them (l sorted by_target): 1 when every
 * tag of l had one, else 0. A line that does not parse is skipped. */
static int peels_load(struct ml_cache *cache, const char *key, struct cands *l)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	size_t found = 0;

	if (!cache || cache_get(cache, key, "", &e) != 1)
		return 0;
	for (char *line = e.body, *next; line && *line; line = next) {
		struct cand k, *c;
		char *end;
		long long t;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (strlen(line) < 2 * GIT_OID_HEXSZ + 3 || line[GIT_OID_HEXSZ] != ' ' ||
		    line[2 * GIT_OID_HEXSZ + 1] != ' ' ||
		    git_oid_fromstrn(&k.target, line, GIT_OID_HEXSZ) < 0 ||
		    git_oid_fromstrn(&k.id, line + GIT_OID_HEXSZ + 1, GIT_OID_HEXSZ) < 0)
			continue;
		t = strtoll(line + 2 * GIT_OID_HEXSZ + 2, &end, 10);
		if (*end || !(c = bsearch(&k, l->v, l->n, sizeof *l->v, by_target)))
			continue;
		for (; c > l->v && git_oid_equal(&c[-1].target, &k.target); c--)
			; /* the first of the tags that name it */
		for (; c < l->v + l->n && git_oid_equal(&c->target, &k.target); c++) {
			found += !c->peeled;
			git_oid_cpy(&c->id, &k.id);
			c->time = (int64_t)t;
			c->peeled = git_oid_is_zero(&k.id) ? -1 : 1;
		}
	}
	git_error_clear();
	cache_entry_release(&e);
	return found == l->n;
}

static void peels_store(struct ml_cache *cache, const char *key, const struct cands *l)
{
	struct ml_buf body = ML_BUF_INIT;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	int bad = 0;

	for (size_t i = 0; !bad && i < l->n; i++) {
		if (i > 0 && git_oid_equal(&l->v[i - 1].target, &l->v[i].target))
			continue;
		git_oid_tostr(a, sizeof a, &l->v[i].target);
		if (l->v[i].peeled > 0)
			git_oid_tostr(b, sizeof b, &l->v[i].id);
		else
			memset(b, '0', GIT_OID_HEXSZ);
		bad = buf_printf(&body, "%s %s %lld\n", a, b,
				 l->v[i].peeled > 0 ? (long long)l->v[i].time : 0LL) < 0;
	}
	if (!bad && body.len) /* a failure only costs the next run */
		cache_put_text(cache, key, body.data, body.len);
	buf_release(&body);
}

/* Every tag of l peeled (the tip's question orders them by time), from the
 * cache where it has them; one that names no commit is dropped. 0, or -1
 * when out of memory. */
static int peel_all(git_repository *git, struct ml_cache *cache, struct cands *l)
{
	struct ml_buf key = ML_BUF_INIT;
	size_t kept = 0;
	int all = 0;

	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, by_target);
	if (cache && peels_key(git, &key) < 0)
		return -1;
	if (cache)
		all = peels_load(cache, key.data, l);
	for (size_t i = 0; i < l->n; i++)
		peel(git, &l->v[i]);
	if (cache && !all)
		peels_store(cache, key.data, l);
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].peeled > 0)
			l->v[kept++] = l->v[i];
		else
			free(l->v[i].name);
	}
	l->n = kept;
	buf_release(&key);
	return 0;
}

/* 1 when the commit id, committed at time, is to's ancestor, else 0. The
 * first-parent line from to is read first, down to id's time: a release
 * is most often on it, and a step of it is one commit (which the range's
 * walk then finds read), where libgit2 1.5's git_graph_descendant_of()
 * looks for merge bases at several times the cost (20 ms for 2,500
 * commits). Only when the line does not meet id does libgit2 answer: a
 * skewed clock costs time, never the answer. */
static int reaches(git_repository *git, const git_oid *to, const git_oid *id, int64_t time)
{
	struct ml_commit_head h;
	git_odb *odb = NULL;
	git_oid at;
	int met = 0;

	git_oid_cpy(&at, to);
	if (git_repository_odb(&odb, git) == 0) /* raw heads: the range's walk finds them read */
		while (!(met = git_oid_equal(&at, id)) && gitwalk_read_head(odb, &at, &h) == 0 &&
		       h.nparents > 0 && h.time >= time)
			git_oid_cpy(&at, &h.parent);
	git_odb_free(odb);
	git_error_clear();
	if (met)
		return 1;
	met = git_graph_descendant_of(git, to, id) == 1;
	git_error_clear();
	return met;
}

int gitrelease_reaches(git_repository *git, const git_oid *to, const git_oid *id)
{
	git_commit *c = NULL;
	int64_t time;

	if (git_commit_lookup(&c, git, id) < 0) {
		git_error_clear();
		return 0;
	}
	time = (int64_t)git_commit_time(c);
	git_commit_free(c);
	return reaches(git, to, id, time);
}

/* to's generation in g, or 0 when it has none to compare with (no graph,
 * not in it, a graph without generations, or one capped: a capped
 * commit's ancestors may be capped too). */
static uint32_t generation_of(const struct ml_commit_graph *g, const git_oid *id)
{
	struct ml_cg_entry e;
	uint32_t pos;

	if (!g || !commit_graph_find(g, id->id, &pos) || commit_graph_entry(g, pos, &e) < 0 ||
	    e.generation >= ML_CG_GENERATION_MAX)
		return 0;
	return e.generation;
}

/* 1 when the graph says id is not an ancestor of a commit of generation
 * to_gen (from generation_of()): a commit's ancestors all have lower
 * generations. 0 when it cannot say. */
static int graph_rules_out(const struct ml_commit_graph *g, uint32_t to_gen, const git_oid *id)
{
	struct ml_cg_entry e;
	uint32_t pos;

	return to_gen && commit_graph_find(g, id->id, &pos) &&
	       commit_graph_entry(g, pos, &e) == 0 && e.generation >= to_gen;
}

int gitrelease_previous(git_repository *git, const git_oid *to, const char *to_name,
			struct ml_cache *cache, int graph_allowed, char **tag, struct ml_error *err)
{
	struct cands l = {NULL, 0, 0};
	struct ml_semver tv;
	const int named = gitrelease_parse(to_name, &tv);
	struct ml_commit_graph *g = NULL;
	uint32_t to_gen;
	int rc = -1, oom = 0;

	*tag = NULL;
	if (gitwalk_open_graph(git, graph_allowed, &g) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	to_gen = generation_of(g, to);
	if (candidates(git, to_name, &l, &oom) < 0) {
		if (oom)
			error_set(err, ML_EXIT_FAILURE, "out of memory");
		else
			gitwalk_fail(err, git_repository_path(git), "cannot list the tags");
		goto done;
	}
	if (!named && peel_all(git, cache, &l) < 0) { /* the tip's order is by time */
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, named ? by_version : by_time);
	/* the best that to reaches: asking from the best down, the first yes
	 * is the answer, and no tag is asked about that the answer beats
	 * (a question may walk deep into the history) */
	for (size_t i = 0; i < l.n && !*tag; i++) {
		struct cand *c = &l.v[i];

		if (named && peel(git, c) < 0)
			continue;
		if (git_oid_equal(&c->id, to)
			? named
			: graph_rules_out(g, to_gen, &c->id) || !reaches(git, to, &c->id, c->time))
			continue;
		if (!(*tag = ml_strdup(c->name))) {
			error_set(err, ML_EXIT_FAILURE, "out of memory");
			goto done;
		}
	}
	rc = 0;
done:
	commit_graph_free(g);
	cands_release(&l);
	return rc;
}
