/*
 * fetch.h: filling a draft from the GitHub API.
 *
 * The plan of one run: every configured repository without a local clone,
 * plus the repositories that org discovery finds for sections with an
 * "org", fetched either by one search for every scope (ML_VIA_SEARCH,
 * falling back to the pulls listing for a scope whose results are
 * incomplete) or by each repository's pulls listing (ML_VIA_PULLS), all
 * concurrently on one http_run(). By default the planner (plan.h) chooses:
 * before the run, and again on each search query's first page, where the
 * total and the search budget in GitHub's headers are known. Discovered repositories that merged
 * something are appended to their org's section, sorted by name, with the
 * API description as intro and maintainers unknown.
 */
#ifndef MERGELETTER_FETCH_H
#define MERGELETTER_FETCH_H

#include "mergeletter/github/github.h"
#include "mergeletter/model/draft.h"

struct ml_error;

int fetch_run(struct ml_github *gh, struct ml_draft *d, struct ml_error *err);

#endif
