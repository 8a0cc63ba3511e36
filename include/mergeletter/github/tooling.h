/*
 * tooling.h: "Infrastructure and Tooling" candidates: the merged PRs of
 * toolchain repositories (rust-lang/rust, rust-lang/cargo) that an editor
 * may want to mention.
 *
 * A PR of a source is a candidate when it carries one of the source's
 * labels or its title holds one of its title words (whole words, ASCII
 * case-insensitive; a space in a phrase matches any run of whitespace);
 * rollups ("Rollup of N pull requests") and dependency bumps never are.
 *
 * Fetching asks search for as little as the rules allow: one query with
 * every label ("label:a,b" is an OR) and one query per six title words
 * ('"a" OR "b" in:title': at most five operators), each within GitHub's
 * 256 characters; results are merged by number and the exact rule applied
 * here, since search stems and matches more. A query that search cannot
 * answer falls back to the source's pulls listing.
 *
 * struct ml_tooling_fetch is caller-owned; tooling_fetch_release() frees
 * what tooling_fetch_start() allocated. The config is borrowed.
 */
#ifndef MERGELETTER_TOOLING_H
#define MERGELETTER_TOOLING_H

#include "mergeletter/github/github.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

struct ml_error;
struct ml_filter;
struct tooling_source; /* private */

/* 1 when title holds word (a word or a phrase) as whole words. */
int tooling_title_has(const char *title, const char *word);
/* 1 for "Rollup of N pull requests" (case-insensitive). */
int tooling_is_rollup(const char *title);
/* 1 when pr is a candidate of src; filter (may be NULL) tells bumps. */
int tooling_is_candidate(const struct ml_tooling_source *src, const struct ml_filter *filter,
			 const struct ml_pr *pr);
/* The search scopes of src over range, each a whole query's qualifiers
 * after "is:pr is:merged merged:A..B": "repo:X label:a,b",
 * "repo:X \"a\" OR \"b\" in:title". Appended to out; 0 or -1 (err set). */
int tooling_scopes(const struct ml_tooling_source *src, const struct ml_range *range,
		   struct ml_strv *out, struct ml_error *err);

struct ml_tooling_fetch {
	struct ml_github *gh;		  /* borrowed */
	const struct ml_tooling_cfg *cfg; /* borrowed */
	const struct ml_range *range;	  /* borrowed */
	/* owned */
	struct tooling_source *sources;
	size_t nsources;
	unsigned long queries; /* search queries started (first pages) */
};

/* Queue every source's queries on gh's engine; http_run() drives them. */
int tooling_fetch_start(struct ml_tooling_fetch *tf, struct ml_error *err);
/* After http_run(): the candidates, each source in turn in merge order,
 * appended to out. */
int tooling_fetch_finish(struct ml_tooling_fetch *tf, const struct ml_filter *filter,
			 struct ml_pr_list *out, struct ml_error *err);
void tooling_fetch_release(struct ml_tooling_fetch *tf);

#endif
