/*
 * plan.h: the cost model that chooses, per search query, between GitHub's
 * search and the repositories' pulls listings.
 *
 * Search answers a query's merged PRs in ceil(total / 100) pages (more
 * when total passes the 1,000 reachable results and the query is halved),
 * fetched concurrently, but out of a small budget (30 requests a minute
 * with a token) whose state GitHub reports in the X-RateLimit-* headers of
 * every search answer. The pulls listing costs at least one page per
 * repository and pages one repository's listing one after another, out of
 * the large core budget. plan_choose() estimates the wall time of both,
 * waits on the search budget included, and picks the faster; a tie goes
 * to search (fewer requests). One bound on requests: when search fits in
 * one window of the budget and waiting for its reset stays within
 * --max-wait, the pulls listing is not chosen if it sends more than
 * PLAN_MAX_RATIO times search's requests (so a warm re-run, whose budget
 * the cold run spent, does not turn 30 searches into 1,000 listings; the
 * wait is at most one reset). Everything here is arithmetic on the caller's
 * numbers: no I/O, no allocation.
 */
#ifndef MERGELETTER_PLAN_H
#define MERGELETTER_PLAN_H

#include <stdint.h>

#include "mergeletter/github/github.h"

struct ml_progress;

#define PLAN_SEARCH_WINDOW 60 /* seconds of GitHub's search budget window */
#define PLAN_SEARCH_LIMIT 30  /* its requests a window with a token */
#define PLAN_SEARCH_LIMIT_ANON 10
#define PLAN_DEFAULT_RTT_MS 300 /* a round trip, before one is measured */
#define PLAN_MAX_RTT_MS 150	/* a round trip, as judged from the first answer, at most */
#define PLAN_MAX_RATIO 10	/* pulls requests / search requests past which search waits */

/* The search budget: from the answers' headers, or the documented default. */
struct ml_plan_budget {
	long remaining; /* requests left in this window */
	long limit;	/* requests a window */
	int64_t reset;	/* epoch seconds when the window resets */
	int known;	/* read from GitHub's headers (else the default) */
	long max_wait;	/* seconds a wait on it may last (--max-wait); 0: none */
};

/* What a strategy would still cost, in requests. */
struct ml_plan_cost {
	long search_requests; /* search pages still to send */
	long pulls_requests;  /* pulls pages in all (at least one per repository) */
	long pulls_chain;     /* the most pages one repository pages in a row */
	int search_guessed;   /* search_requests is only a lower bound (the query's
			       * size is unknown): no bound on requests, time alone */
};

/* The outcome, for --verbose. */
struct ml_plan_choice {
	enum ml_via via;	  /* ML_VIA_SEARCH or ML_VIA_PULLS */
	long search_ms, pulls_ms; /* estimated wall time of each */
	long wait_s;		  /* of search_ms, seconds waiting on the budget */
	int bounded;		  /* search, though slower: pulls pass PLAN_MAX_RATIO */
};

/* The default budget (a full window, resetting a minute from now). */
void plan_budget_default(struct ml_plan_budget *b, int authenticated, int64_t now);
/* Search requests that fetch a query of `total` results, its first page
 * included: ceil(total / 100), plus the first pages of the halved queries
 * past 1,000 results. */
long plan_search_requests(long total);
/* Pulls pages that list at least `merged` PRs of n repositories. */
long plan_pulls_requests(long merged, long nrepos);
/* Estimated wall time (ms) of `requests` search requests, `jobs` at once. */
long plan_search_ms(long requests, const struct ml_plan_budget *b, int jobs, long rtt_ms,
		    int64_t now, long *wait_s);
/* Estimated wall time (ms) of the pulls listing. */
long plan_pulls_ms(long requests, long chain, int jobs, long rtt_ms);
/* The faster of the two; *out (may be NULL) receives the estimates. */
enum ml_via plan_choose(const struct ml_plan_cost *c, const struct ml_plan_budget *b, int jobs,
			long rtt_ms, int64_t now, struct ml_plan_choice *out);

/* A run's planner: the caller-owned state of one fetch (no allocation). */
struct ml_planner {
	struct ml_github *gh;	 /* borrowed */
	int64_t start_ms;	 /* monotonic, when the run started */
	long committed;		 /* search pages accepted so far (counted against the
				  * budget the headers report: some twice, so the
				  * estimate errs towards the pulls listing) */
	struct ml_progress *log; /* --verbose lines, or NULL */
};

void planner_init(struct ml_planner *p, struct ml_github *gh);
/* Before the run: `queries` search queries or the pulls listings of nrepos
 * configured repositories (norgs organisations' repositories are not known
 * yet). Prints the plan with --verbose. A forced --via is returned as is. */
enum ml_via planner_run(struct ml_planner *p, long queries, long nrepos, long norgs,
			const char *range_text);
/* A query's first page says it holds `total` results (nrepos: the
 * repositories its scopes are known to cover): go on with search, or list
 * the pulls instead. Uses the budget of the answers' headers and the round
 * trip measured so far. With `spent`, GitHub refused one of the query's
 * pages because the search budget is spent (its X-RateLimit-Reset says
 * when it comes back) and total is what the query holds as far as known
 * (its first page, or the previous run's copy of it), -1 when unknown:
 * ML_VIA_SEARCH means wait for the reset and ask again (never past
 * --max-wait), ML_VIA_PULLS list the pulls now. */
enum ml_via planner_query(struct ml_planner *p, const char *first_scope, size_t nscopes, long total,
			  long nrepos, int spent);

#endif
