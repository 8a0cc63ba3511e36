/* plan.c: the search-or-pulls cost model (see plan.h). */
#include "mergeletter/github/plan.h"

#include <stdio.h>
#include <time.h>

#include "mergeletter/github/search.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/progress.h"

static const char *via_name(enum ml_via v)
{
	return v == ML_VIA_PULLS ? "pulls" : "search";
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

static long ceil_div(long a, long b)
{
	return b > 0 ? (a + b - 1) / b : a;
}

void plan_budget_default(struct ml_plan_budget *b, int authenticated, int64_t now)
{
	b->limit = authenticated ? PLAN_SEARCH_LIMIT : PLAN_SEARCH_LIMIT_ANON;
	b->remaining = b->limit;
	b->reset = now + PLAN_SEARCH_WINDOW;
	b->known = 0;
	b->max_wait = 0;
}

long plan_search_requests(long total)
{
	long queries = 1, firsts = 0;

	if (total <= 0)
		return 1;
	/* search.c halves a query until each half holds at most 1,000; every
	 * query on the way costs its first page, every leaf rounds up */
	while (total > (long)SEARCH_RESULTS_MAX * queries && queries < 1024) {
		firsts += queries;
		queries *= 2;
	}
	return firsts + ceil_div(total, SEARCH_PER_PAGE) + (queries > 1 ? queries / 2 : 0);
}

long plan_pulls_requests(long merged, long nrepos)
{
	if (nrepos < 1)
		nrepos = 1;
	/* each listing ends with a page that reaches before the range */
	return ceil_div(merged, 100) + nrepos;
}

long plan_search_ms(long requests, const struct ml_plan_budget *b, int jobs, long rtt_ms,
		    int64_t now, long *wait_s)
{
	long wait = 0, over = requests - (b->remaining > 0 ? b->remaining : 0);

	if (jobs < 1)
		jobs = 1;
	if (over > 0) {
		long limit = b->limit > 0 ? b->limit : 1;
		long first = (long)(b->reset - now);

		if (first < 1)
			first = 1;
		wait = first + PLAN_SEARCH_WINDOW * (ceil_div(over, limit) - 1);
	}
	if (wait_s)
		*wait_s = wait;
	return wait * 1000 + ceil_div(requests, jobs) * rtt_ms;
}

long plan_pulls_ms(long requests, long chain, int jobs, long rtt_ms)
{
	long rounds = ceil_div(requests, jobs < 1 ? 1 : jobs);

	return (chain > rounds ? chain : rounds) * rtt_ms;
}

enum ml_via plan_choose(const struct ml_plan_cost *c, const struct ml_plan_budget *b, int jobs,
			long rtt_ms, int64_t now, struct ml_plan_choice *out)
{
	struct ml_plan_choice ch;

	if (rtt_ms < 1)
		rtt_ms = PLAN_DEFAULT_RTT_MS;
	ch.search_ms = plan_search_ms(c->search_requests, b, jobs, rtt_ms, now, &ch.wait_s);
	ch.pulls_ms = plan_pulls_ms(c->pulls_requests, c->pulls_chain, jobs, rtt_ms);
	ch.via = ch.search_ms <= ch.pulls_ms ? ML_VIA_SEARCH : ML_VIA_PULLS;
	ch.bounded = ch.via == ML_VIA_PULLS && !c->search_guessed &&
		     c->pulls_requests > PLAN_MAX_RATIO * (c->search_requests + 1) &&
		     c->search_requests <= b->limit && ch.wait_s <= b->max_wait;
	if (ch.bounded)
		ch.via = ML_VIA_SEARCH;
	if (out)
		*out = ch;
	return ch.via;
}

void planner_init(struct ml_planner *p, struct ml_github *gh)
{
	p->gh = gh;
	p->start_ms = progress_now_ms();
	p->committed = 0;
	p->log = gh->progress && gh->progress->verbose ? gh->progress : NULL;
}

static int planner_jobs(const struct ml_planner *p)
{
	int n;

	if (!p->gh->http)
		return GITHUB_DEFAULT_JOBS;
	n = http_parallel(p->gh->http);
	return n > 0 ? n : 1;
}

/* The budget GitHub reported (less what this run has accepted since), or
 * the default. */
static void planner_budget(const struct ml_planner *p, struct ml_plan_budget *b, int64_t now)
{
	plan_budget_default(b, p->gh->authenticated, now);
	if (p->gh->http && http_search_budget(p->gh->http, &b->remaining, &b->limit, &b->reset)) {
		b->known = 1;
		if (b->limit < 1)
			b->limit = b->remaining > 0 ? b->remaining : 1;
	}
	b->max_wait = p->gh->max_wait;
	b->remaining -= p->committed;
	if (b->remaining < 0)
		b->remaining = 0;
}

static const char *strategy_note(const struct ml_planner *p, enum ml_via via)
{
	if (p->gh->via != ML_VIA_DEFAULT)
		return " (--via)";
	if (via == ML_VIA_SEARCH)
		return ", but a query whose pages would wait on the search budget longer than the "
		       "pulls listing takes is listed instead";
	return "";
}

enum ml_via planner_run(struct ml_planner *p, long queries, long nrepos, long norgs,
			const char *range_text)
{
	struct ml_plan_budget b;
	struct ml_plan_cost c;
	struct ml_plan_choice ch;
	int64_t now = (int64_t)time(NULL);
	int jobs = planner_jobs(p);

	planner_budget(p, &b, now);
	c.search_requests = queries;
	c.pulls_requests = nrepos + norgs; /* an org: its listing, then its repositories */
	c.pulls_chain = 1 + (norgs > 0);
	c.search_guessed = 0;
	plan_choose(&c, &b, jobs, PLAN_DEFAULT_RTT_MS, now, &ch);
	/* an org's repositories are known only to search until discovery ends */
	if (norgs > 0 || p->gh->via != ML_VIA_DEFAULT)
		ch.via = p->gh->via == ML_VIA_PULLS ? ML_VIA_PULLS : ML_VIA_SEARCH;
	if (p->log)
		progress_log(
		    p->log,
		    "plan: %s, %ld repositor%s, %ld org%s; search: %ld quer%s, at least %ld "
		    "request%s (~%ld ms, %ld s of it waiting; budget %ld of %ld a minute%s); "
		    "pulls: at least %ld request%s (~%ld ms); strategy: %s%s",
		    range_text, nrepos, nrepos == 1 ? "y" : "ies", norgs, plural(norgs), queries,
		    queries == 1 ? "y" : "ies", queries, plural(queries), ch.search_ms, ch.wait_s,
		    b.remaining, b.limit, b.known ? "" : ", assumed", c.pulls_requests,
		    plural(c.pulls_requests), ch.pulls_ms, via_name(ch.via),
		    strategy_note(p, ch.via));
	return ch.via;
}

/* The round trip as judged from the first answer: it took a connection's
 * setup and its round trip, about two of the round trips that the requests
 * after it take (on a loaded machine or server, more: hence the cap). */
static long planner_rtt(const struct ml_planner *p)
{
	long rtt = (long)(progress_now_ms() - p->start_ms) / 2;

	if (rtt < 20)
		rtt = 20;
	return rtt > PLAN_MAX_RTT_MS ? PLAN_MAX_RTT_MS : rtt;
}

/* GitHub refused a page of the query: the budget is spent until the reset
 * its answer reported. Wait for it, or list the pulls now. */
static enum ml_via planner_spent(struct ml_planner *p, const char *first_scope, size_t nscopes,
				 long total, long nrepos)
{
	struct ml_plan_budget b;
	struct ml_plan_cost c;
	struct ml_plan_choice ch;
	int64_t now = (int64_t)time(NULL);
	char size[40];

	planner_budget(p, &b, now);
	b.remaining = 0;
	/* the refused page is asked again: every page counts */
	c.search_requests = total >= 0 ? plan_search_requests(total) : 1;
	c.search_guessed = total < 0;
	c.pulls_requests = plan_pulls_requests(total > 0 ? total : 0, nrepos);
	c.pulls_chain = (total > 0 ? total : 0) / (100 * nrepos) + 2;
	plan_choose(&c, &b, planner_jobs(p), planner_rtt(p), now, &ch);
	if (!b.known || ch.wait_s > b.max_wait) { /* the engine would not wait */
		ch.via = ML_VIA_PULLS;
		ch.bounded = 0;
	}
	if (total >= 0)
		snprintf(size, sizeof size, "%ld results", total);
	else
		snprintf(size, sizeof size, "results not known yet");
	if (p->log)
		progress_log(
		    p->log,
		    "plan: the search budget is spent, its reset in %ld s; the query of %s%s (%s): "
		    "wait and search %ld request%s (~%ld ms) or pulls at least %ld request%s "
		    "(~%ld ms): %s%s",
		    ch.wait_s, first_scope, nscopes > 1 ? " and more" : "", size, c.search_requests,
		    plural(c.search_requests), ch.search_ms, c.pulls_requests,
		    plural(c.pulls_requests), ch.pulls_ms, via_name(ch.via),
		    ch.bounded ? " (waiting for the budget's reset: the pulls listing "
				 "would send more than ten times the requests)"
		    : ch.wait_s > b.max_wait ? " (the reset is further away than --max-wait)"
					     : "");
	return ch.via;
}

enum ml_via planner_query(struct ml_planner *p, const char *first_scope, size_t nscopes, long total,
			  long nrepos, int spent)
{
	struct ml_plan_budget b;
	struct ml_plan_cost c;
	struct ml_plan_choice ch;
	int64_t now = (int64_t)time(NULL);

	if (p->gh->via != ML_VIA_DEFAULT)
		return p->gh->via;
	if (nrepos < 1)
		nrepos = 1;
	if (spent)
		return planner_spent(p, first_scope, nscopes, total, nrepos);
	planner_budget(p, &b, now);
	c.search_requests = plan_search_requests(total) - 1;
	c.search_guessed = 0;
	c.pulls_requests = plan_pulls_requests(total, nrepos);
	c.pulls_chain = (total + 100 * nrepos - 1) / (100 * nrepos) + 1;
	plan_choose(&c, &b, planner_jobs(p), planner_rtt(p), now, &ch);
	if (ch.via == ML_VIA_SEARCH)
		p->committed += c.search_requests;
	if (p->log && (c.search_requests > 0 || ch.via != ML_VIA_SEARCH))
		progress_log(
		    p->log,
		    "plan: the query of %s%s holds %ld results: search %ld more request%s "
		    "(~%ld ms, %ld s of it waiting; budget %ld of %ld%s) or pulls at least "
		    "%ld request%s (~%ld ms): %s%s",
		    first_scope, nscopes > 1 ? " and more" : "", total, c.search_requests,
		    plural(c.search_requests), ch.search_ms, ch.wait_s, b.remaining, b.limit,
		    b.known ? "" : ", assumed", c.pulls_requests, plural(c.pulls_requests),
		    ch.pulls_ms, via_name(ch.via),
		    ch.bounded ? " (waiting for the budget's reset: the pulls listing would send "
				 "more than ten times the requests)"
			       : "");
	return ch.via;
}
