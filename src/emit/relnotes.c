/* relnotes.c: the parts of release notes (see relnotes.h). */
#include "mergeletter/emit/relnotes.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/emit/markdown.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

/* "type(scope)!: rest": 1 with the scope (or NULL), the bang and the rest. */
static int conventional(const char *t, const char **scope, size_t *scopelen, int *bang,
			const char **rest)
{
	const char *p = t;

	while (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
		p++;
	if (p == t || p - t > 32)
		return 0;
	*scope = NULL;
	*scopelen = 0;
	if (*p == '(') {
		const char *close = strchr(p, ')');

		if (!close || close == p + 1)
			return 0;
		*scope = p + 1;
		*scopelen = (size_t)(close - p - 1);
		p = close + 1;
	}
	*bang = *p == '!';
	p += *bang;
	if (*p != ':' || p[1] != ' ')
		return 0;
	for (p += 2; *p == ' ';)
		p++;
	*rest = p;
	return *p != '\0';
}

/* 1 when title[0..n) is a conventional-commit type, or a prefix of
 * category k. */
static int known_type(const char *t, size_t n, const struct ml_categories *c, size_t k)
{
	static const char *const types[] = {"feat",	"fix",	 "docs",   "doc",   "chore",
					    "refactor", "perf",	 "test",   "tests", "build",
					    "ci",	"style", "revert", "deps"};

	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (strlen(types[i]) == n && strncasecmp(t, types[i], n) == 0)
			return 1;
	for (size_t i = 0; k < c->n && i < c->v[k].prefixes.n; i++)
		if (strlen(c->v[k].prefixes.v[i]) == n &&
		    strncasecmp(t, c->v[k].prefixes.v[i], n) == 0)
			return 1;
	return 0;
}

int relnotes_title(struct ml_buf *out, const char *title, const struct ml_categories *c, size_t k)
{
	const char *scope, *rest;
	size_t scopelen;
	int bang;

	if (!title || !conventional(title, &scope, &scopelen, &bang, &rest) ||
	    !known_type(title, strcspn(title, "(!:"), c, k))
		return buf_puts(out, title ? title : "");
	if (scope && (buf_add(out, scope, scopelen) < 0 || buf_puts(out, ": ") < 0))
		return -1;
	return buf_puts(out, rest);
}

int relnotes_breaking(const struct ml_pr *pr)
{
	const char *scope, *rest;
	size_t scopelen;
	int bang = 0;

	if (pr->breaking || strv_contains_case(&pr->labels, "breaking") ||
	    strv_contains_case(&pr->labels, "breaking change"))
		return 1;
	if (!pr->title)
		return 0;
	if (conventional(pr->title, &scope, &scopelen, &bang, &rest) && bang)
		return 1;
	return strstr(pr->title, "BREAKING CHANGE") != NULL;
}

/* The config's own breaking category, or c->n + 1. */
static size_t breaking_index(const struct ml_categories *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].title && strcasecmp(c->v[i].title, RELNOTES_BREAKING_TITLE) == 0)
			return i;
	return c->n + 1;
}

size_t relnotes_category(const struct ml_categories *c, const struct ml_pr *pr)
{
	return relnotes_breaking(pr) ? breaking_index(c) : categories_match(c, pr);
}

size_t relnotes_category_at(const struct ml_categories *c, size_t i)
{
	size_t b = breaking_index(c);

	if (i == 0)
		return b;
	i--;			 /* the others in their order, b left out */
	if (b <= c->n && i >= b) /* b is a configured one: skip it */
		i++;
	return i;
}

const char *relnotes_category_title(const struct ml_categories *c, size_t k)
{
	return k == c->n + 1 ? RELNOTES_BREAKING_TITLE : categories_title(c, k);
}

static int new_contributors(struct ml_buf *out, const struct ml_draft *d,
			    const struct ml_draft_repo *r)
{
	struct ml_strv seen = {0};
	int rc = 0;

	for (size_t i = 0; i < r->prs.len && rc == 0; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (!pr->first_contribution || !pr->author || pr->author_is_bot ||
		    strv_contains_case(&seen, pr->author) ||
		    !pr_login_valid(pr->author, strlen(pr->author)))
			continue;
		if ((!seen.n && buf_puts(out, "\n### New contributors\n\n") < 0) ||
		    strv_push(&seen, pr->author) < 0 ||
		    buf_printf(out,
			       "- [@%s](%s/%s) made their first contribution in "
			       "[#%ld](%s/%s/pull/%ld)\n",
			       pr->author, draft_web(d), pr->author, pr->number, draft_web(d),
			       pr->repo, pr->number) < 0)
			rc = -1;
	}
	strv_release(&seen);
	return rc;
}

int relnotes_value(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r,
		   const char *name)
{
	char day[16];
	int rc = 1;

	if (strcmp(name, "version") == 0) {
		rc = buf_puts(out, d->to_ref ? d->to_ref : "Unreleased");
	} else if (strcmp(name, "date") == 0) {
		range_format_date(d->from_ref && d->range.until ? d->range.until - 1 : d->date, day,
				  sizeof day);
		rc = buf_puts(out, day);
	} else if (strcmp(name, "compare") == 0) {
		if (d->from_ref)
			rc = buf_printf(out, "**Full Changelog**: %s/%s/compare/%s...%s",
					draft_web(d), r->info.repo, d->from_ref,
					d->to_ref     ? d->to_ref
					: r->info.ref ? r->info.ref
						      : "HEAD");
	} else if (strcmp(name, "new_contributors") == 0) {
		rc = new_contributors(out, d, r);
	} else {
		return 0;
	}
	return rc < 0 ? -1 : 1;
}
