/*
 * github.h: GitHub REST endpoints on top of the HTTP engine.
 */
#ifndef MERGELETTER_GITHUB_H
#define MERGELETTER_GITHUB_H

#include <stddef.h>
#include "mergeletter/draft.h"
#include "mergeletter/http.h"
#include "mergeletter/pr.h"
#include "mergeletter/range.h"

struct ml_error;

struct ml_github {
	struct ml_http *http; /* borrowed */
	const char *api_url;  /* "https://api.github.com" or a test server */
	const char *config_path; /* for messages, or NULL */
	int authenticated;    /* a token is sent */
};

/* Fill every repository of the draft that has no local clone configured
 * with its PRs merged in the draft's range, fetching concurrently. */
int github_fetch_draft(struct ml_github *gh, struct ml_draft *d, struct ml_error *err);

/* Parse one page of GET /repos/{o}/{r}/pulls, appending the PRs merged in
 * the range to out. *older is set to 1 when the page's oldest updated_at
 * lies before the range (no later page can matter). */
int github_parse_pulls(const char *body, size_t len, const char *repo,
		       const struct ml_range *range, struct ml_pr_list *out, int *older,
		       struct ml_error *err);
/* The rel="next" URL of a Link header, newly allocated, or NULL. */
char *github_link_next(const char *link);
/* Build "{api}/repos/{repo}/pulls?..." (newly allocated) or NULL. */
char *github_pulls_url(const char *api_url, const char *repo);

#endif
