/*
 * search.h: merged PRs of many repositories and organisations at once,
 * through GET /search/issues.
 *
 * A scope is a search qualifier, "repo:OWNER/NAME" or "org:ORG". The scopes
 * are packed into as few queries as fit GitHub's 256-character limit; a
 * query whose total_count passes the 1000 reachable results is split by
 * halving its date range; once a query's first page gives total_count, its
 * other pages are fetched concurrently. A query answered with
 * incomplete_results: true, an error answer, a request that failed after
 * its retries, or a total_count that cannot be true (more than 1000 with a
 * first page that is not full, or past SEARCH_SPLITS_MAX halvings) is
 * reported scope by scope to the caller, who falls back to the pulls
 * listing for them.
 *
 * Items are appended to `out` with pr->repo set from repository_url, as
 * GitHub spells it; mapping them to configured names is the caller's.
 */
#ifndef MERGELETTER_SEARCH_H
#define MERGELETTER_SEARCH_H

#include "mergeletter/github/github.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/util/range.h"
#include <stddef.h>
#include <stdint.h>

struct ml_error;
struct search_query; /* private */

#define SEARCH_QUERY_MAX 256	/* characters of q that GitHub accepts */
#define SEARCH_RESULTS_MAX 1000 /* results a query can reach */
#define SEARCH_PER_PAGE 100
#define SEARCH_SPLITS_MAX 64 /* halvings in one run; past it, list pulls */

struct ml_search_fetch {
	struct ml_github *gh;	   /* borrowed */
	const char *const *scopes; /* borrowed */
	size_t nscopes;
	const struct ml_range *range; /* borrowed */
	struct ml_pr_list *out;	      /* borrowed; items are appended */
	/* Search cannot answer a scope: incomplete results or an unbelievable
	 * total_count (why NULL), an error answer or a failed request (why says
	 * which): fetch it another way. May be NULL. */
	int (*fallback)(void *ud, const char *scope, const char *why, struct ml_error *err);
	/* The first page of a query over the whole range says it holds `total`
	 * results (spent 0); or (spent 1) GitHub refused one of a query's
	 * pages because the search budget is spent, and total is what the
	 * query holds as far as known (its first page, or the copy of it in
	 * the cache that an earlier run left), -1 when unknown. Return 1 to
	 * fetch its n scopes another way (each is then passed to `fallback`
	 * with why NULL), 0 to go on with search (a refused page is asked
	 * again, which the engine holds until the budget's reset; twice a
	 * page at most, then it fails), -1 (err set) to stop. May be NULL. */
	int (*planned)(void *ud, const char *const *scopes, size_t n, long total, int spent,
		       struct ml_error *err);
	void *ud;
	/* owned, released by search_fetch_release() */
	struct search_query **queries;
	size_t nqueries;
	int pages;  /* pages parsed */
	int splits; /* queries halved for passing 1000 results */
};

/* The q of scopes [first, first + n) over [since, until): "is:pr is:merged
 * merged:A..B repo:X/Y org:O". Dates are whole days when the bounds are
 * midnights, else ISO times. Newly allocated, or NULL. */
char *search_query_string(const char *const *scopes, size_t first, size_t n, int64_t since,
			  int64_t until);
/* How many scopes from `first` fit into one query (at least 1). */
size_t search_query_fit(const char *const *scopes, size_t first, size_t nscopes, int64_t since,
			int64_t until);
/* "{api}/search/issues?q=...&per_page=100&page=N", newly allocated, or NULL. */
char *search_url(const char *api_url, const char *q, int page);
/* Parse one page: append the items merged in range to out; *total and
 * *incomplete from the answer. Returns 0, -1 for a malformed answer,
 * ML_HTTP_BROKEN when the body is not JSON. */
int search_parse(const char *body, size_t len, const struct ml_range *range, struct ml_pr_list *out,
		 long *total, int *incomplete, struct ml_error *err);
/* The midpoint at which to halve [since, until): a midnight when the range
 * spans two days or more; since when it cannot be halved. */
int64_t search_split_point(int64_t since, int64_t until);

/* Queue the first page of every query. */
int search_fetch_start(struct ml_search_fetch *f, struct ml_error *err);
void search_fetch_release(struct ml_search_fetch *f);

#endif
