/* gitrelease.c: the previous and the latest release from a clone's tags
 * (see gitrelease.h). */
#include "mergeletter/git/gitrelease.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/git/gitwalk.h"
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
	const char *name; /* borrowed from the tag list */
	struct ml_semver v;
	git_oid id;   /* the tagged commit */
	int64_t time; /* its committer time */
};

/* The commit a tag names (peeled), with its time: 0, or -1 when it names
 * no commit. */
static int tag_commit(git_repository *git, const char *name, git_oid *id, int64_t *time)
{
	git_object *obj = NULL, *peeled = NULL;
	char ref[1024];
	int rc = -1;

	if ((size_t)snprintf(ref, sizeof ref, "refs/tags/%s", name) < sizeof ref &&
	    git_revparse_single(&obj, git, ref) == 0 &&
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(id, git_object_id(peeled));
		*time = (int64_t)git_commit_time((git_commit *)peeled);
		rc = 0;
	}
	git_error_clear();
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

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

/* The release tags that may answer for to (to_name's prefix, prereleases
 * as gitrelease_previous() says) into *out (n of them), each with its
 * commit when peel is set (the tip's question orders them by its time;
 * one that names no commit is left out). 0, or -1 when out of memory. */
static int candidates(git_repository *git, const git_strarray *names, const char *to_name, int peel,
		      struct cand **out, size_t *n)
{
	struct ml_semver tv;
	const int named = gitrelease_parse(to_name, &tv);
	struct cand c;

	*n = 0;
	if (!(*out = malloc((names->count ? names->count : 1) * sizeof **out)))
		return -1;
	for (size_t i = 0; i < names->count; i++) {
		c.name = names->strings[i];
		if (!gitrelease_parse(c.name, &c.v) || (c.v.pre && !(named && tv.pre)))
			continue;
		if (named && (c.v.prefix_len != tv.prefix_len ||
			      strncasecmp(c.name, to_name, tv.prefix_len) != 0 ||
			      strcmp(c.name, to_name) == 0))
			continue;
		if (peel && tag_commit(git, c.name, &c.id, &c.time) < 0)
			continue;
		(*out)[(*n)++] = c;
	}
	return 0;
}

int gitrelease_previous(git_repository *git, const git_oid *to, const char *to_name, char **tag,
			struct ml_error *err)
{
	git_strarray names = {NULL, 0};
	struct ml_semver tv;
	const int named = gitrelease_parse(to_name, &tv);
	struct cand *cands = NULL;
	size_t n = 0;
	int rc = -1;

	*tag = NULL;
	if (git_tag_list(&names, git) < 0)
		return gitwalk_fail(err, git_repository_path(git), "cannot list the tags");
	if (candidates(git, &names, to_name, !named, &cands, &n) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	if (n > 1)
		qsort(cands, n, sizeof *cands, named ? by_version : by_time);
	/* the best that to reaches: asking the graph from the best down, the
	 * first yes is the answer, and no tag is asked about that the answer
	 * beats (each question may walk deep into the history) */
	for (size_t i = 0; i < n && !*tag; i++) {
		struct cand *c = &cands[i];

		if (named && tag_commit(git, c->name, &c->id, &c->time) < 0)
			continue;
		if (git_oid_equal(&c->id, to) ? named
					      : git_graph_descendant_of(git, to, &c->id) != 1)
			continue;
		git_error_clear();
		if (!(*tag = ml_strdup(c->name))) {
			error_set(err, ML_EXIT_FAILURE, "out of memory");
			goto done;
		}
	}
	git_error_clear();
	rc = 0;
done:
	free(cands);
	git_strarray_dispose(&names);
	return rc;
}
