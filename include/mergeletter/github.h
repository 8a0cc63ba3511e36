/*
 * github.h: GitHub REST endpoints on top of the HTTP engine.
 */
#ifndef MERGELETTER_GITHUB_H
#define MERGELETTER_GITHUB_H

#include <jansson.h>
#include <stddef.h>
#include "mergeletter/draft.h"
#include "mergeletter/http.h"
#include "mergeletter/pr.h"
#include "mergeletter/range.h"

struct ml_error;
struct ml_progress;

#define GITHUB_ACCEPT "application/vnd.github+json"

#define GITHUB_API_URL "https://api.github.com"

/* How merged PRs are found: one search for every scope, or each
 * repository's pulls listing; ML_VIA_DEFAULT lets the command choose. */
enum ml_via { ML_VIA_DEFAULT = 0, ML_VIA_PULLS, ML_VIA_SEARCH };

/* What a run asks of the client; zeroed fields take the defaults. */
struct ml_github_opts {
	const char *api_url;     /* --api-url; NULL: as ghenv.h says */
	const char *config_path; /* for messages, or NULL */
	enum ml_via via;         /* ML_VIA_DEFAULT: default_via */
	enum ml_via default_via;
	int jobs;                /* transfers in flight at most; 0: GITHUB_DEFAULT_JOBS */
	long max_wait;           /* seconds a rate-limit wait may last; -1: the default */
	const char *cache_dir;   /* NULL: the XDG default */
	int no_cache, offline, quiet;
	struct ml_progress *progress; /* borrowed, may be NULL */
};

#define ML_GITHUB_OPTS_INIT { NULL, NULL, ML_VIA_DEFAULT, ML_VIA_PULLS, 0, -1, NULL, 0, 0, 0, NULL }
#define GITHUB_DEFAULT_JOBS 8
#define GITHUB_MAX_JOBS 64 /* GitHub asks clients to stay well under 100 */
#define GITHUB_DEFAULT_MAX_WAIT 60

/* A client: the HTTP engine, its cache and what every request needs.
 * github_open() fills it; github_close() releases what it owns. */
struct ml_github {
	struct ml_http *http;    /* owned (NULL in unit tests that parse only) */
	struct ml_cache *cache;  /* owned, or NULL */
	const char *api_url;     /* the API's URL (ghenv.h) */
	char *api_url_owned;     /* what api_url points to, when github_open() made it */
	const char *config_path; /* borrowed, for messages, or NULL */
	int authenticated;       /* a token is sent */
	enum ml_via via;
	struct ml_progress *progress; /* borrowed, may be NULL */
};

/* Open a client: the API URL and the token as ghenv.h says (without a
 * token a note says requests are unauthenticated), the response
 * cache (a failure to open the default cache is a warning; an explicit
 * --cache-dir or --offline makes it an error) and the HTTP engine. */
int github_open(struct ml_github *gh, const struct ml_github_opts *opts, struct ml_error *err);
void github_close(struct ml_github *gh);

/* One repository's pulls listing, page after page, as far as the range
 * reaches. The caller owns the struct and keeps it alive until http_run()
 * returns; repo, range and out are borrowed. */
struct ml_pulls_fetch {
	struct ml_github *gh;
	const char *repo;
	int line;                     /* its config line for messages, 0: none */
	const struct ml_range *range;
	struct ml_pr_list *out;       /* PRs merged in the range are appended */
	void (*finished)(void *ud);   /* after the last page, or NULL */
	void *ud;
	int pages;                    /* pages parsed */
};

/* Queue the first page; the rest follow as pages are parsed. */
int github_pulls_start(struct ml_pulls_fetch *f, struct ml_error *err);
/* Queue a GET of url (taken over and freed; NULL means the API URL could
 * not be joined, which is reported as a usage error). */
int github_get(struct ml_github *gh, char *url, ml_http_done_fn done, void *ud,
	       struct ml_error *err);
/* An error for a non-200 answer about repo (line: its config line or 0). */
int github_status_error(const struct ml_github *gh, const char *repo, int line,
			const struct ml_http_response *r, struct ml_error *err);
/* The "message" of a GitHub error body, newly allocated ("" when none). */
char *github_api_message(const char *body, size_t len);
/* api_url + path + "?" + the query parts (each "k=v", already encoded),
 * newly allocated, or NULL when api_url is not a URL. */
char *github_api_url(const char *api_url, const char *path, const char *const *query,
		     size_t nquery);

/* The committer times of n refs (tags, branches, SHAs; "HEAD": the
 * default branch) of repo, through GET /repos/{repo}/commits/{ref}, each
 * into times[i]; runs the HTTP engine until they are answered. A ref
 * that GitHub does not know is an ML_EXIT_NETWORK error naming it. */
int github_resolve_refs(struct ml_github *gh, const char *repo, const char *const *refs,
			int64_t *times, size_t n, struct ml_error *err);

/* Parse one page of GET /repos/{o}/{r}/pulls, appending the PRs merged in
 * the range to out. *older is set to 1 when the page's oldest updated_at
 * lies before the range (no later page can matter). */
int github_parse_pulls(const char *body, size_t len, const char *repo,
		       const struct ml_range *range, struct ml_pr_list *out, int *older,
		       struct ml_error *err);
/* Fill pr's title, author, bot flag, association and labels from a pulls
 * listing or search item (borrowed). NULL on success; else the name of the
 * field that is missing or of the wrong type, or "" when out of memory. */
const char *github_item_fill(struct ml_pr *pr, json_t *item);
/* The rel="next" URL of a Link header, newly allocated, or NULL. */
char *github_link_next(const char *link);
/* Build "{api}/repos/{repo}/pulls?..." (newly allocated) or NULL. */
char *github_pulls_url(const char *api_url, const char *repo);

#endif
