/* test_ratelimit.c: Retry-After in both forms, and rate-limit verdicts on
 * absurd headers. */
#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mergeletter/net/http.h"
#include "mergeletter/net/ratelimit.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

static void retry_after_both_forms(void)
{
	time_t now = curl_getdate("Wed, 21 Oct 2015 07:28:00 GMT", NULL);

	CHECK(now > 0);
	CHECK(ratelimit_retry_after("120", now) == 120);
	CHECK(ratelimit_retry_after(" 0", now) == 0);
	CHECK(ratelimit_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30);
	CHECK(ratelimit_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", now) == 60); /* RFC 850 */
	CHECK(ratelimit_retry_after("Wed Oct 21 07:28:05 2015", now) == 5);	      /* asctime */
	CHECK(ratelimit_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", now) == 0);      /* past */
	CHECK(ratelimit_retry_after("soon", now) == -1);
	CHECK(ratelimit_retry_after(NULL, now) == -1);
	CHECK(ratelimit_retry_after("99999999999999999999", now) == 1000000000L);
	CHECK(ratelimit_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == 1000000000L ||
	      ratelimit_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == -1);
}

/* One judgement's inputs and outputs: the engine's defaults (--max-wait 60). */
struct fixture {
	struct ml_ratelimit rl;
	struct ml_http_response r;
	struct ml_buf why;
	long delay;
};

static void fixture_init(struct fixture *f, long status, long remaining, long retry_after)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;

	memset(f, 0, sizeof *f);
	CHECK(ratelimit_init(&f->rl, &o, 1, &err) == 0);
	f->r.status = status;
	f->r.body = "{\"message\":\"API rate limit exceeded\"}";
	f->r.rl_remaining = remaining;
	f->r.retry_after = retry_after;
	f->delay = -1;
}

static int judge(struct fixture *f)
{
	struct ml_error err = ML_ERROR_INIT;
	int waits = 0;
	int rc = ratelimit_judge(&f->rl, ML_RES_CORE, 1, &waits, &f->r, &f->why, &f->delay, &err);

	error_clear(&err);
	return rc;
}

static void fixture_release(struct fixture *f)
{
	buf_release(&f->why);
	ratelimit_release(&f->rl);
}

/* a reset that is no time: "later than" a sane date, never year 0000 or
 * an overflowed count of seconds */
static void absurd_reset(void)
{
	static const long long resets[] = {LLONG_MAX, LLONG_MIN, -5, 253402300800LL};

	for (size_t i = 0; i < sizeof resets / sizeof *resets; i++) {
		struct fixture f;

		fixture_init(&f, 403, 0, -1);
		f.r.rl_reset = resets[i];
		CHECK(judge(&f) == ML_RL_FAIL);
		CHECK(strstr(buf_str(&f.why), "resets later than 2") != NULL);
		CHECK(strstr(buf_str(&f.why), "more than --max-wait 60 s") != NULL);
		CHECK(strstr(buf_str(&f.why), "0000-") == NULL);
		CHECK(strstr(buf_str(&f.why), "922337") == NULL);
		fixture_release(&f);
	}
}

/* a far but sane reset names its date; a near one is waited for */
static void sane_reset(void)
{
	struct fixture f;

	fixture_init(&f, 403, 0, -1);
	f.r.rl_reset = (long long)time(NULL) + 10;
	CHECK(judge(&f) == ML_RL_RETRY && f.delay >= 10000 && f.delay <= 12000);
	f.r.rl_reset = (long long)time(NULL) + 3600;
	CHECK(judge(&f) == ML_RL_FAIL);
	CHECK(strstr(buf_str(&f.why), "resets at 20") != NULL);
	CHECK(strstr(buf_str(&f.why), "more than --max-wait 60 s") != NULL);
	fixture_release(&f);
}

/* a secondary limit's Retry-After (as read from either form): waited when
 * within --max-wait, refused naming it when beyond */
static void secondary_waits_or_refuses(void)
{
	struct fixture f;

	fixture_init(&f, 429, 10, 7);
	CHECK(judge(&f) == ML_RL_RETRY && f.delay == 7000);
	f.r.retry_after = 3600;
	CHECK(judge(&f) == ML_RL_FAIL);
	CHECK(strstr(buf_str(&f.why), "asks to wait 3600 s, more than --max-wait 60") != NULL);
	fixture_release(&f);
}

int main(void)
{
	RUN(retry_after_both_forms);
	RUN(absurd_reset);
	RUN(sane_reset);
	RUN(secondary_waits_or_refuses);
	return DONE();
}
