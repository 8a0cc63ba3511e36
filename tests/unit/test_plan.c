/* test_plan.c: the search-or-pulls cost model. */
#include "mergeletter/github/plan.h"

#include "testutil.h"

#define NOW 1730000000

static void test_search_requests(void)
{
	CHECK(plan_search_requests(0) == 1);
	CHECK(plan_search_requests(36) == 1);
	CHECK(plan_search_requests(100) == 1);
	CHECK(plan_search_requests(101) == 2);
	CHECK(plan_search_requests(1000) == 10);
	/* halved once: the first page of the whole, two halves of ~13 pages */
	CHECK(plan_search_requests(2500) == 3 + 25 + 2);
	/* 5,000: halved three times (7 first pages of queries dropped), 8 leaves */
	CHECK(plan_search_requests(5000) == 7 + 50 + 4);
}

static void test_default_budget(void)
{
	struct ml_plan_budget b;

	plan_budget_default(&b, 1, NOW);
	CHECK(b.remaining == 30 && b.limit == 30 && b.reset == NOW + 60 && !b.known);
	plan_budget_default(&b, 0, NOW);
	CHECK(b.remaining == 10 && b.limit == 10);
}

static void test_small_month_stays_on_search(void)
{
	struct ml_plan_budget b;
	struct ml_plan_cost c = {0, 2, 2, 0}; /* the first page answered everything */
	struct ml_plan_choice ch;

	plan_budget_default(&b, 1, NOW);
	CHECK(plan_choose(&c, &b, 8, 100, NOW, &ch) == ML_VIA_SEARCH);
	CHECK(ch.search_ms == 0 && ch.wait_s == 0);
}

static void test_big_month_goes_to_pulls(void)
{
	/* 5,000 merged in one repository, 29 searches left this minute */
	struct ml_plan_budget b = {29, 30, NOW + 58, 1, 0};
	struct ml_plan_cost c = {plan_search_requests(5000) - 1, plan_pulls_requests(5000, 1), 51,
				 0};
	struct ml_plan_choice ch;

	CHECK(plan_choose(&c, &b, 8, 150, NOW, &ch) == ML_VIA_PULLS);
	CHECK(ch.wait_s == 58 + 60); /* 60 over budget: two more windows */
	CHECK(ch.pulls_ms == 51 * 150);
	/* with a budget that holds them, search is faster (8 at once) */
	b.remaining = 1000;
	b.limit = 1000;
	CHECK(plan_choose(&c, &b, 8, 150, NOW, &ch) == ML_VIA_SEARCH);
	CHECK(ch.wait_s == 0 && ch.search_ms == 8 * 150);
}

static void test_many_queries_over_budget(void)
{
	/* 1,000 configured repositories: 80 queries against 30 a minute, or
	 * 1,000 listings 8 at a time */
	struct ml_plan_budget b;
	struct ml_plan_cost c = {80, 1000, 1, 0};

	plan_budget_default(&b, 1, NOW);
	CHECK(plan_choose(&c, &b, 8, 100, NOW, NULL) == ML_VIA_PULLS);
	/* 20 queries fit: search */
	c.search_requests = 20;
	CHECK(plan_choose(&c, &b, 8, 100, NOW, NULL) == ML_VIA_SEARCH);
}

static void test_spent_budget_reset_in_the_past(void)
{
	struct ml_plan_budget b = {0, 30, NOW - 5, 1, 0};
	long wait = -1;

	/* a reset already passed still counts one second */
	CHECK(plan_search_ms(3, &b, 8, 100, NOW, &wait) == 1000 + 100);
	CHECK(wait == 1);
}

/* Property: for budgets, costs and round trips drawn from a seed, a choice
 * of the pulls listing never sends more than PLAN_MAX_RATIO times search's
 * requests when search fits in one window and its wait is within
 * --max-wait; and the bound never turns a faster search into pulls. */
static void test_warm_never_ten_times(void)
{
	unsigned long seed = 23;

	for (int i = 0; i < 500; i++) {
		struct ml_plan_budget b;
		struct ml_plan_cost c;
		struct ml_plan_choice ch;
		long rtt;
		int jobs;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		b.limit = 10 + (long)(seed >> 33) % 30;
		b.remaining = (long)(seed >> 40) % (b.limit + 1);
		b.reset = NOW + (long)(seed >> 20) % 61;
		b.known = 1;
		b.max_wait = (long)(seed >> 45) % 90;
		c.search_requests = (long)(seed >> 13) % 60;
		c.pulls_requests = 1 + (long)(seed >> 27) % 2000;
		c.pulls_chain = 1 + (long)(seed >> 50) % 20;
		c.search_guessed = 0;
		rtt = 1 + (long)(seed >> 37) % 400;
		jobs = 1 + (int)((seed >> 55) % 16);
		plan_choose(&c, &b, jobs, rtt, NOW, &ch);
		if (c.search_requests <= b.limit && ch.wait_s <= b.max_wait)
			CHECK(ch.via == ML_VIA_SEARCH ||
			      c.pulls_requests <= PLAN_MAX_RATIO * (c.search_requests + 1));
		if (ch.search_ms <= ch.pulls_ms)
			CHECK(ch.via == ML_VIA_SEARCH && !ch.bounded);
		CHECK(!ch.bounded || ch.via == ML_VIA_SEARCH);
	}
}

/* The second organisation: the cold run searched 27 requests and
 * left 3; the warm re-run's pulls listing would take 971. */
static void test_warm_waits_for_reset(void)
{
	struct ml_plan_budget b = {3, 30, NOW + 50, 1, 60};
	struct ml_plan_cost c = {26, 971, 2, 0};
	struct ml_plan_choice ch;

	CHECK(plan_choose(&c, &b, 8, 100, NOW, &ch) == ML_VIA_SEARCH);
	CHECK(ch.bounded && ch.wait_s == 50);
	CHECK(ch.pulls_ms < ch.search_ms);
	/* --max-wait shorter than the reset: search cannot wait, pulls */
	b.max_wait = 10;
	CHECK(plan_choose(&c, &b, 8, 100, NOW, &ch) == ML_VIA_PULLS && !ch.bounded);
	/* more than one window of searches: the bound does not hold */
	b.max_wait = 60;
	c.search_requests = 42;
	c.pulls_requests = 1000;
	CHECK(plan_choose(&c, &b, 8, 100, NOW, &ch) == ML_VIA_PULLS);
}

/* A budget found spent before the query's size is known: one request is
 * only a lower bound, so the bound on requests does not hold; time alone
 * decides. */
static void test_spent_unknown_size_goes_by_time(void)
{
	struct ml_plan_budget b = {0, 30, NOW + 50, 1, 60};
	struct ml_plan_cost c = {1, 1001, 2, 1};
	struct ml_plan_choice ch;

	CHECK(plan_choose(&c, &b, 64, 100, NOW, &ch) == ML_VIA_PULLS && !ch.bounded);
	CHECK(ch.wait_s == 50);
	/* its size known (a previous run's first page): 22 requests, wait */
	c.search_requests = 22;
	c.search_guessed = 0;
	CHECK(plan_choose(&c, &b, 64, 100, NOW, &ch) == ML_VIA_SEARCH && ch.bounded);
	/* a reset close by: waiting is faster anyway */
	b.reset = NOW + 1;
	c.search_guessed = 1;
	c.pulls_requests = 5000;
	CHECK(plan_choose(&c, &b, 8, 100, NOW, &ch) == ML_VIA_SEARCH && !ch.bounded);
}

int main(void)
{
	RUN(test_search_requests);
	RUN(test_default_budget);
	RUN(test_small_month_stays_on_search);
	RUN(test_big_month_goes_to_pulls);
	RUN(test_many_queries_over_budget);
	RUN(test_spent_budget_reset_in_the_past);
	RUN(test_warm_never_ten_times);
	RUN(test_warm_waits_for_reset);
	RUN(test_spent_unknown_size_goes_by_time);
	return DONE();
}
