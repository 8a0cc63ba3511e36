/*
 * relnotes.h: what release notes show that a newsletter does not: titles
 * without their conventional-commit type, breaking changes first, the
 * version and the tag's date, new contributors, the compare link.
 *
 * Conventional commits: "feat(msr)!: add X" is listed as "msr: add X"
 * under its category (the scope is kept, as the part it changes; the type
 * is what the category says), and "fix: y" as "y". A PR is a breaking
 * change when its title has the "!" ("feat!:", "feat(x)!:"), says
 * "BREAKING CHANGE", has a "breaking" label, or its source found
 * "BREAKING CHANGE" in its commit; breaking changes are listed first,
 * under the config's category titled "Breaking changes" if it has one,
 * else under one of that title.
 *
 * Ownership: nothing is kept; strings are written into the caller's
 * buffers.
 */
#ifndef MERGELETTER_RELNOTES_H
#define MERGELETTER_RELNOTES_H

#include <stddef.h>

#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"

#define RELNOTES_BREAKING_TITLE "Breaking changes"

/* The title to list under category k of c (see above), appended to out:
 * the type is dropped when it is a conventional one (feat, fix, docs,
 * chore, refactor, perf, test, build, ci, style, revert, deps) or one of
 * the category's prefixes ("uefi-raw: x" under the `uefi-raw` category). */
int relnotes_title(struct ml_buf *out, const char *title, const struct ml_categories *c, size_t k);
/* 1 when the PR is a breaking change. */
int relnotes_breaking(const struct ml_pr *pr);
/* The category of a PR with breaking changes first: categories_match(),
 * or the breaking category: the config's "Breaking changes" one, or c->n + 1
 * (a category of its own, shown first). */
size_t relnotes_category(const struct ml_categories *c, const struct ml_pr *pr);
/* The order categories are shown in: the i-th shown is returned (0 <= i <=
 * c->n + 1); the breaking one first. */
size_t relnotes_category_at(const struct ml_categories *c, size_t i);
/* Its title (c->n + 1: RELNOTES_BREAKING_TITLE). */
const char *relnotes_category_title(const struct ml_categories *c, size_t k);

/* The repository part's release placeholders: "version" (the TO ref, else
 * "Unreleased"), "date" (the TO ref's commit date, else the draft's),
 * "compare" ("**Full Changelog**: WEB/OWNER/REPO/compare/FROM...TO"; empty
 * without a ref range), "new_contributors" (a "### New contributors" list,
 * each author once at the first PR: empty when none). 1 when name is one
 * of them (value appended), 0 when it is not, -1 when out of memory. */
int relnotes_value(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r,
		   const char *name);

#endif
