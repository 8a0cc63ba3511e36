/*
 * github.h: GitHub REST endpoints on top of the HTTP engine.
 */
#ifndef MERGELETTER_GITHUB_H
#define MERGELETTER_GITHUB_H

#include "mergeletter/model/draft.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/range.h"
#include <jansson.h>
#include <stddef.h>

struct ml_error;
struct ml_progress;

#define GITHUB_ACCEPT "application/vnd.github+json"

#define GITHUB_API_URL "https://api.github.com"

/* How merged PRs are found: one search for every scope, or each
 * repository's pulls listing; ML_VIA_DEFAULT lets the planner (plan.h)
 * choose per query. */
enum ml_via { ML_VIA_DEFAULT = 0, ML_VIA_PULLS, ML_VIA_SEARCH };

/* What a run asks of the client; zeroed fields take the defaults. */
struct ml_github_opts {
	const char *api_url;	 /* --api-url; NULL: as ghenv.h says */
	const char *config_path; /* for messages, or NULL */
	enum ml_via via;	 /* ML_VIA_DEFAULT: default_via */
	enum ml_via default_via;
	int jobs;	       /* transfers in flight at most; 0: GITHUB_DEFAULT_JOBS */
	long max_wait;	       /* seconds a rate-limit wait may last; -1: the default */
	const char *cache_dir; /* NULL: the XDG default */
	int no_cache, offline, quiet;
	struct ml_progress *progress; /* borrowed, may be NULL */
	long run_timeout_s;	      /* the whole run (--timeout); 0: none */
	long stall_s;		      /* --stall-timeout; 0: the engine's default */
	int max_pages;		      /* pages of one listing at most; 0: ML_GITHUB_MAX_PAGES */
	long cache_max_mb;	      /* the cache's bound; 0: ML_CACHE_DEFAULT_MAX_MB */
};

#define ML_GITHUB_OPTS_INIT                                                                        \
	{                                                                                          \
		NULL, NULL, ML_VIA_DEFAULT, ML_VIA_DEFAULT, 0, -1, NULL, 0, 0, 0, NULL, 0, 0, 0, 0 \
	}
#define GITHUB_DEFAULT_JOBS 8
#define GITHUB_MAX_JOBS 64 /* GitHub asks clients to stay well under 100 */
#define GITHUB_DEFAULT_MAX_WAIT 60

/* A client: the HTTP engine, its cache and what every request needs.
 * github_open() fills it; github_close() releases what it owns. */
struct ml_github {
	struct ml_http *http;	 /* owned (NULL in unit tests that parse only) */
	struct ml_cache *cache;	 /* owned, or NULL */
	const char *api_url;	 /* the API's URL (ghenv.h) */
	char *api_url_owned;	 /* what api_url points to, when github_open() made it */
	const char *config_path; /* borrowed, for messages, or NULL */
	int authenticated;	 /* a token is sent */
	int offline;		 /* answers come from the cache alone */
	enum ml_via via;
	int max_pages;		      /* pages of one listing at most; 0: ML_GITHUB_MAX_PAGES */
	struct ml_progress *progress; /* borrowed, may be NULL */
	long max_wait;		      /* seconds a rate-limit wait may last (--max-wait) */
};

/* Open a client: the API URL and the token as ghenv.h says (without a
 * token a note says requests are unauthenticated), the response
 * cache (a failure to open the default cache is a warning; an explicit
 * --cache-dir or --offline makes it an error) and the HTTP engine. */
int github_open(struct ml_github *gh, const struct ml_github_opts *opts, struct ml_error *err);
void github_close(struct ml_github *gh);

#define ML_GITHUB_MAX_PAGES 1000

/* The paging of one listing (pulls, org repositories): the URLs fetched,
 * so that a Link back to one of them ends it, and the failure that ended
 * it. Caller-owned, zero-initialised; github_listing_release() empties it. */
struct ml_listing {
	struct ml_strv seen;
	int pages;     /* pages parsed */
	char *failure; /* "SUBJECT: not fetched: WHY", or NULL */
	/* github_listing_more(): */
	int outstanding;	  /* pages queued or in flight */
	int next_page, last_page; /* numbered pages: the next to ask, the last one */
	char *paged;		  /* the URL the pages are numbered in, or NULL */
};

/* One repository's pulls listing, page after page, as far as the range
 * reaches. The caller owns the struct and keeps it alive until http_run()
 * returns; repo, range and out are borrowed. */
struct ml_pulls_fetch {
	struct ml_github *gh;
	const char *repo;
	int line; /* its config line for messages, 0: none */
	const struct ml_range *range;
	struct ml_pr_list *out;	    /* PRs merged in the range are appended */
	void (*finished)(void *ud); /* after the last page or the failure, or NULL */
	void *ud;
	struct ml_listing listing;	  /* listing.failure: why it ended early */
	int outstanding;		  /* pages queued or in flight */
	int older;			  /* a page reached before the range */
	long last_items;		  /* of the last page parsed: its items and */
	int64_t last_oldest, last_newest; /* the span of their updated_at */
	int pages_known;		  /* pages to ask at once once the first Link is known */
	int side_by_side;		  /* pages went out at once: the next is judged after the
					   * last of them is parsed, never at its headers (whose
					   * timing would make the pages asked differ from run to run) */
};

/* Queue the first page; the rest follow as pages are parsed. */
int github_pulls_start(struct ml_pulls_fetch *f, struct ml_error *err);
/* The same, knowing that the first `pages` pages are needed (the planner
 * learnt it from search): as soon as the first page's Link header names
 * the listing's URLs, pages 2..pages go out at once; the pages after them
 * follow the last one's Link as above. */
int github_pulls_start_pages(struct ml_pulls_fetch *f, int pages, struct ml_error *err);
/* Queue a GET of url (taken over and freed; NULL means the API URL could
 * not be joined, which is reported as a usage error). A worker thread
 * parses the JSON of its 200 while the loop goes on: the callback finds
 * it in r->parsed (github_json_load() takes it from there). */
int github_get(struct ml_github *gh, char *url, ml_http_done_fn done, void *ud,
	       struct ml_error *err);
void github_pulls_release(struct ml_pulls_fetch *f);

/* Load a JSON answer: 0 with *root (a new reference), or ML_HTTP_BROKEN
 * with err set when the body is not JSON (a fault of the transport,
 * retried by the engine). parsed: what a worker already parsed of body
 * (an ml_http_response's parsed), or NULL to parse it here. */
int github_json_load(const char *body, size_t len, void *parsed, json_t **root,
		     struct ml_error *err);
/* The flags of every json_loadb() of an answer: a "\u0000" in one PR's
 * body must not cost the whole page (github_json_text() reads strings). */
#define GITHUB_JSON_FLAGS JSON_ALLOW_NUL
/* A copy of a JSON string (NULL: not a string, or out of memory) in which
 * each NUL byte is U+FFFD: a C string, never cut short, so that "ev\u0000il"
 * can pass for no login or name but its own. */
char *github_json_text(json_t *v);
/* 1 when v is a JSON string holding no NUL byte: a name or URL read as a C
 * string is then the whole of it. */
int github_json_is_text(json_t *v);
/* github_json_load(), then a JSON array or -1 with err set: "SUBJECT:
 * GitHub's answer is not a list of ITEMS; check --api-url". */
int github_json_list(const char *body, size_t len, void *parsed, json_t **root, const char *subject,
		     const char *items, struct ml_error *err);
/* The answer r to a page of listing l about subject ("what" is found by
 * it: "repository", "org"; line: its config line or 0): 0 when it is a 200
 * to parse; 1 when it is a failure, now recorded in l; -1 (err set) when
 * it stops the run (the token is rejected). */
int github_listing_answer(const struct ml_github *gh, struct ml_listing *l, const char *subject,
			  const char *what, int line, const struct ml_http_response *r,
			  struct ml_error *err);
/* After a page's parser returned rc (not 0) with err set: ML_HTTP_BROKEN
 * to retry the page, -1 to stop the run (out of memory), or 0 when the
 * answer is malformed: a failure, now recorded in l and err cleared. */
int github_listing_parse_failed(struct ml_listing *l, const char *subject, int rc,
				struct ml_error *err);
/* Follow the rel="next" Link of page r: 1 when the next page is queued;
 * 0 when the listing ends here (no next page, or a failure recorded in l:
 * a Link back to a page fetched, to another origin, or past max_pages);
 * -1 to stop the run. */
int github_listing_next(struct ml_github *gh, struct ml_listing *l, const char *subject,
			const struct ml_http_response *r, ml_http_done_fn done, void *ud,
			struct ml_error *err);
/* After page r of listing l was parsed and the listing goes on: ask the
 * pages after it. When the first page's Link names a next and a last
 * page, the pages up to the last go out side by side, as many at once as
 * the engine's --jobs (each further call tops them up); else the next page
 * follows, as github_listing_next(). l->outstanding counts the pages
 * queued (the caller takes one off as each is answered); the bounds of
 * github_listing_next() hold (--max-pages: only once the pages in flight
 * have not ended the listing). 0, or -1 to stop the run. */
int github_listing_more(struct ml_github *gh, struct ml_listing *l, const char *subject,
			const struct ml_http_response *r, ml_http_done_fn done, void *ud,
			struct ml_error *err);
void github_listing_release(struct ml_listing *l);
/* A 401 about subject (msg: GitHub's message, may be NULL): the token was
 * rejected, or, when none is set, the server requires one. Returns -1
 * with err set (exit code 3). */
int github_unauthorized(const struct ml_github *gh, const char *subject, const char *msg,
			struct ml_error *err);
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
 * lies before the range (no later page can matter). Returns 0, -1 for a
 * malformed answer, ML_HTTP_BROKEN when the body is not JSON. */
int github_parse_pulls(const char *body, size_t len, const char *repo, const struct ml_range *range,
		       struct ml_pr_list *out, int *older, struct ml_error *err);
/* Parse one page into its records: every merged PR (a broken one is an
 * error only when merged in the range), the oldest updated_at, the count. */
struct ml_page_records;
int github_parse_pulls_page(const char *body, size_t len, const char *repo,
			    const struct ml_range *range, struct ml_page_records *pg,
			    struct ml_error *err);
/* Append a PR numbered number, merged at merged_at, filled from item
 * (github_item_fill): 0 with *bad NULL, or the field it lacks (the PR is
 * appended all the same); -1 (err set) when out of memory. */
int github_item_add(struct ml_pr_list *out, json_t *item, long number, int64_t merged_at,
		    const char **bad, struct ml_error *err);
/* Fill pr's title, author, bot flag, association and labels from a pulls
 * listing or search item (borrowed). NULL on success; else the name of the
 * field that is missing or of the wrong type, or "" when out of memory. */
const char *github_item_fill(struct ml_pr *pr, json_t *item);
/* A page of a listing with no items whose Link names a next page: GitHub
 * never ends a page early, so the page is broken (ML_HTTP_BROKEN, err
 * set: retried, then the listing's failure), not the listing's end; else 0. */
int github_page_hollow(size_t items, const char *link, struct ml_error *err);
/* The rel="next" URL of a Link header, newly allocated, or NULL. */
char *github_link_next(const char *link);
/* The URL of rel (e.g. "last") in a Link header, newly allocated, or NULL. */
char *github_link_rel(const char *link, const char *rel);
/* The page=N of url's query, or 0 (none, or not a page number). */
int github_url_page(const char *url);
/* api_url + the path before + name + after + the query parts, newly
 * allocated, or NULL. */
char *github_named_url(const char *api_url, const char *before, const char *name, const char *after,
		       const char *const *query, size_t nquery);
/* Build "{api}/repos/{repo}/pulls?..." (newly allocated) or NULL. */
char *github_pulls_url(const char *api_url, const char *repo);

#endif
