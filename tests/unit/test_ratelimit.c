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

static int judge(struct ml_ratelimit *rl, struct ml_http_response *r, struct ml_buf *why,
		 long *delay)
{
	struct ml_error err = ML_ERROR_INIT;
	int waits = 0, rc = ratelimit_judge(rl, ML_RES_CORE, 1, &waits, r, why, delay, &err);

	error_clear(&err);
	return rc;
}

static void absurd_reset(void)
{
	static const long long resets[] = {LLONG_MAX, LLONG_MIN, -5, 253402300800LL};
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;

	for (size_t i = 0; i < sizeof resets / sizeof *resets; i++) {
		struct ml_ratelimit rl;
		struct ml_error err = ML_ERROR_INIT;
		struct ml_http_response r = {0};
		struct ml_buf why = ML_BUF_INIT;
		long delay = -1;

		CHECK(ratelimit_init(&rl, &o, 1, &err) == 0);
		r.status = 403;
		r.body = "{\"message\":\"API rate limit exceeded\"}";
		r.rl_remaining = 0;
		r.rl_reset = resets[i];
		r.retry_after = -1;
		CHECK(judge(&rl, &r, &why, &delay) == ML_RL_FAIL);
		CHECK(strstr(buf_str(&why), "resets later than 2") != NULL);
		CHECK(strstr(buf_str(&why), "more than --max-wait 60 s") != NULL);
		CHECK(strstr(buf_str(&why), "0000-") == NULL);
		CHECK(strstr(buf_str(&why), "922337") == NULL);
		buf_release(&why);
		ratelimit_release(&rl);
	}
}

/* a far but sane reset names its date; a near one is waited for */
static void sane_reset(void)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_ratelimit rl;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http_response r = {0};
	struct ml_buf why = ML_BUF_INIT;
	long delay = -1;

	CHECK(ratelimit_init(&rl, &o, 1, &err) == 0);
	r.status = 403;
	r.body = "";
	r.rl_remaining = 0;
	r.retry_after = -1;
	r.rl_reset = (long long)time(NULL) + 10;
	CHECK(judge(&rl, &r, &why, &delay) == ML_RL_RETRY && delay >= 10000 && delay <= 12000);
	r.rl_reset = (long long)time(NULL) + 3600;
	CHECK(judge(&rl, &r, &why, &delay) == ML_RL_FAIL);
	CHECK(strstr(buf_str(&why), "resets at 20") != NULL);
	CHECK(strstr(buf_str(&why), "more than --max-wait 60 s") != NULL);
	buf_release(&why);
	ratelimit_release(&rl);
}

/* a secondary limit's Retry-After as an HTTP date: waited when within
 * --max-wait, refused naming it when beyond */
static void secondary_with_date(void)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_ratelimit rl;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http_response r = {0};
	struct ml_buf why = ML_BUF_INIT;
	long delay = -1;

	CHECK(ratelimit_init(&rl, &o, 1, &err) == 0);
	r.status = 429;
	r.body = "";
	r.rl_remaining = 10;
	r.retry_after = 7;
	CHECK(judge(&rl, &r, &why, &delay) == ML_RL_RETRY && delay == 7000);
	r.retry_after = 3600;
	CHECK(judge(&rl, &r, &why, &delay) == ML_RL_FAIL);
	CHECK(strstr(buf_str(&why), "asks to wait 3600 s, more than --max-wait 60") != NULL);
	buf_release(&why);
	ratelimit_release(&rl);
}

int main(void)
{
	RUN(retry_after_both_forms);
	RUN(absurd_reset);
	RUN(sane_reset);
	RUN(secondary_with_date);
	return DONE();
}
