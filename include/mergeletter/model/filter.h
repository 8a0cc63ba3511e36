/*
 * filter.h: which merged PRs are dependency bumps.
 *
 * Default rules: bot authors (type "Bot" or a "[bot]" login), the
 * "dependencies" label, and the usual bump titles; a config's
 * bump rules add to them. A PR whose title says it changes the bump
 * bots' own configuration ("Configure Renovate", "chore(config): migrate
 * renovate config", "Update dependabot.yml") is not a bump, even by a bot,
 * unless a bump title rule matches it.
 *
 * Release notes (a ref range) also set aside a release's housekeeping,
 * in the same way as bumps (the same comment/drop/keep mode): the release
 * PR itself ("Release v0.14.11", "chore(release): 1.2.0", "bump version to
 * 1.2.0"), branch syncs (a PR whose head is a long-lived branch of the
 * same repository, "OWNER/next", or titled "Update `next` with ...",
 * "Merge main into next"), and a PR and its revert when both are in the
 * list ('Revert "TITLE"', GitHub's revert button; both set aside). The
 * config's bump title_patterns add to these rules too. A monthly
 * newsletter lists release PRs: filter_apply() leaves them alone.
 */
#ifndef MERGELETTER_FILTER_H
#define MERGELETTER_FILTER_H

#include <regex.h>

#include "mergeletter/model/config.h"
#include "mergeletter/model/pr.h"

struct ml_error;
struct ml_filter; /* opaque; owns compiled patterns */

/* Compile a title pattern (POSIX extended, case-insensitive) within bounds
 * checked on its text first: at most 200 characters, 20 repetitions, and
 * 1000 steps (atoms) once nested and stacked repetitions are expanded, so that no
 * pattern can make regcomp() take long or much memory. 0 with *re to
 * regfree(), or -1 with *why, a reason ending in what to do. */
int filter_pattern_compile(regex_t *re, const char *pat, const char **why);
int filter_new(struct ml_filter **out, const struct ml_bump_rules *extra, struct ml_error *err);
int filter_is_bump(const struct ml_filter *f, const struct ml_pr *pr);
/* Set is_bump on every item, and shorten an overlong title (pr_title_bound). */
void filter_apply(const struct ml_filter *f, struct ml_pr_list *l);
/* 1 when the PR alone is a release's housekeeping (the release PR, a
 * branch sync); revert pairs need the list. */
int filter_is_housekeeping(const struct ml_filter *f, const struct ml_pr *pr);
/* filter_apply() for release notes: is_bump also on housekeeping and on
 * both PRs of every revert pair of the list. */
void filter_apply_release(const struct ml_filter *f, struct ml_pr_list *l);
/* The built-in title patterns are tried only on titles that hold what
 * each needs (a word it begins with or contains), which saves most calls
 * to regexec(); off (on 0), every title goes to regexec(), for the tests
 * to compare. On by default. */
void filter_use_needles(struct ml_filter *f, int on);
void filter_free(struct ml_filter *f);

#endif
