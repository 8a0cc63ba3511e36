/* ratelimit.c: what a failure or a 403/429 means, backoff, holds and the
 * search budget (ratelimit.h). The engine (http.c) acts on the verdicts. */
#include "mergeletter/net/ratelimit.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

#define SECONDARY_DEFAULT_WAIT 60 /* seconds, when a secondary limit gives no Retry-After */
#define BACKOFF_CAP_MS 30000
#define PRIMARY_WAITS_MAX 2 /* rate-limit resets one request may wait for */
#define SEARCH_WINDOW_MS 60000
#define WAIT_MAX_S 1000000000L	       /* a longer Retry-After is as good as for ever */
#define RESET_MAX_EPOCH 253402300799LL /* 9999-12-31T23:59:59Z: later is not a time */

int ratelimit_init(struct ml_ratelimit *rl, const struct ml_http_opts *opts, uint64_t seed,
		   struct ml_error *err)
{
	memset(rl, 0, sizeof *rl);
	rl->max_wait = opts->max_wait;
	rl->max_retries = opts->max_retries < 0 ? 0 : opts->max_retries;
	rl->retry_base_ms = opts->retry_base_ms;
	rl->search_per_minute = opts->search_per_minute;
	rl->spent_answers = opts->search_spent_answers;
	rl->has_token = opts->token != NULL;
	rl->progress = opts->progress;
	rl->parallel = opts->max_parallel < 1 ? 1 : opts->max_parallel;
	rl->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	if (rl->search_per_minute > 0 &&
	    !(rl->search_starts = calloc((size_t)rl->search_per_minute, sizeof *rl->search_starts)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

void ratelimit_release(struct ml_ratelimit *rl)
{
	for (int i = 0; i < ML_RES_COUNT; i++) {
		free(rl->blocked[i]);
		rl->blocked[i] = NULL;
	}
	free(rl->search_starts);
	rl->search_starts = NULL;
}

enum ml_resource ratelimit_resource_of(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p && strstr(p, "/search/") && strstr(p, "/search/") < p + strcspn(p, "?")
		   ? ML_RES_SEARCH
		   : ML_RES_CORE;
}

int ratelimit_retryable(int curl_code)
{
	switch ((CURLcode)curl_code) {
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_WRITE_ERROR:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return 0;
	default:
		return 1;
	}
}

static uint64_t rng_next(struct ml_ratelimit *rl)
{
	rl->rng ^= rl->rng << 13;
	rl->rng ^= rl->rng >> 7;
	rl->rng ^= rl->rng << 17;
	return rl->rng;
}

/* A random delay in [d/2, d], d = base * 2^(n-1). */
long ratelimit_backoff_ms(struct ml_ratelimit *rl, int attempt)
{
	long d = rl->retry_base_ms > 0 ? rl->retry_base_ms : 1;

	for (int i = 1; i < attempt && d < BACKOFF_CAP_MS; i++)
		d *= 2;
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	return d / 2 + (long)(rng_next(rl) % (uint64_t)(d / 2 + 1));
}

long ratelimit_server_error_ms(struct ml_ratelimit *rl, int attempt, long retry_after)
{
	long delay = ratelimit_backoff_ms(rl, attempt);

	if (retry_after > 0 && retry_after <= rl->max_wait && retry_after * 1000 > delay)
		delay = retry_after * 1000;
	return delay;
}

static int is_secondary(const struct ml_http_response *r)
{
	if (r->status != 403 && r->status != 429)
		return 0;
	if (r->retry_after >= 0)
		return 1;
	return strstr(r->body, "secondary rate limit") != NULL ||
	       strstr(r->body, "abuse detection") != NULL;
}

static const char *resource_name(enum ml_resource res)
{
	return res == ML_RES_SEARCH ? "search" : "core";
}

/* A rate limit closes resource res for the rest of the run: its requests
 * fail without being sent, with the message in why (the first one stays). */
static int block(struct ml_ratelimit *rl, int res, const struct ml_buf *why, struct ml_error *err)
{
	if (rl->blocked[res])
		return 0;
	if (!why->data || !(rl->blocked[res] = ml_strdup(why->data)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	progress_warn(rl->progress, "%s", rl->blocked[res]);
	return 0;
}

static void hold(struct ml_ratelimit *rl, int res, int64_t until)
{
	if (rl->hold_until[res] < until)
		rl->hold_until[res] = until;
}

int ratelimit_judge(struct ml_ratelimit *rl, enum ml_resource res, int attempts, int *waits,
		    const struct ml_http_response *r, struct ml_buf *why, long *delay_ms,
		    struct ml_error *err)
{
	struct ml_buf msg = ML_BUF_INIT;
	int64_t now = progress_now_ms();
	int rc = 0;

	buf_reset(why);
	*delay_ms = 0;
	if (is_secondary(r)) {
		long wait = r->retry_after >= 0 ? r->retry_after : SECONDARY_DEFAULT_WAIT;

		if (wait > rl->max_wait) {
			buf_printf(
			    &msg,
			    "GitHub's secondary rate limit (HTTP %ld) asks to wait %ld s, more "
			    "than --max-wait %ld; try again in a few minutes, with fewer --jobs",
			    r->status, wait, rl->max_wait);
			for (int i = 0; i < ML_RES_COUNT; i++)
				if (block(rl, i, &msg, err) < 0)
					rc = -1;
			goto blocked;
		}
		if (attempts > rl->max_retries) {
			buf_puts(why, "GitHub's secondary rate limit");
			return ML_RL_FAIL;
		}
		if (rl->parallel > 1)
			rl->parallel /= 2;
		for (int i = 0; i < ML_RES_COUNT; i++)
			hold(rl, i, now + wait * 1000);
		*delay_ms = wait * 1000;
		buf_puts(why, "secondary rate limit; concurrency lowered");
		return ML_RL_RETRY;
	}
	if (r->rl_remaining == 0 && res == ML_RES_SEARCH && rl->spent_answers)
		return ML_RL_DELIVER;
	if (r->rl_remaining == 0) {
		int64_t now_s = (int64_t)time(NULL);
		int sane = r->rl_reset > 0 && r->rl_reset <= RESET_MAX_EPOCH;
		int64_t wait = sane ? r->rl_reset - now_s + 1 : (int64_t)rl->max_wait + 1;
		char reset[32];

		if (wait < 1)
			wait = 1;
		if (wait <= rl->max_wait && *waits < PRIMARY_WAITS_MAX) {
			enum ml_resource held =
			    r->rl_resource && strcmp(r->rl_resource, "search") == 0 ? ML_RES_SEARCH
										    : res;

			(*waits)++;
			hold(rl, held, now + wait * 1000);
			*delay_ms = (long)wait * 1000;
			buf_puts(why, "primary rate limit; waiting for the reset");
			return ML_RL_RETRY;
		}
		/* a reset that is no time (past year 9999, negative) is only "later" */
		range_format_iso(sane ? r->rl_reset : now_s + rl->max_wait, reset, sizeof reset);
		buf_printf(
		    &msg,
		    "GitHub API rate limit (%s) exhausted (HTTP %ld); it resets %s %s, %s%lld s, "
		    "more than --max-wait %ld s away; %s",
		    r->rl_resource ? r->rl_resource : resource_name(res), r->status,
		    sane ? "at" : "later than", reset, sane ? "in " : "after ",
		    (long long)(sane ? wait : rl->max_wait), rl->max_wait,
		    rl->has_token
			? "try again after the reset, or raise --max-wait"
			: "set GH_TOKEN for 5000 requests an hour, or try again after the reset");
		if (block(rl, res, &msg, err) < 0)
			rc = -1;
		goto blocked;
	}
	return ML_RL_DELIVER;
blocked:
	buf_release(&msg);
	if (rc < 0)
		return -1;
	buf_puts(why, rl->blocked[res]);
	return ML_RL_FAIL;
}

/* When the budget is spent, a search waits for the reset (ms). */
static int64_t search_budget_ready_at(const struct ml_ratelimit *rl, int64_t at)
{
	int64_t now = (int64_t)time(NULL), reset_at;

	if (rl->budget.left > 0 || now >= rl->budget.reset ||
	    rl->budget.reset - now > rl->max_wait) /* then GitHub's answer says why */
		return at;
	reset_at = progress_now_ms() + (rl->budget.reset - now + 1) * 1000;
	return reset_at > at ? reset_at : at;
}

int64_t ratelimit_ready_at(const struct ml_ratelimit *rl, enum ml_resource res, int64_t not_before)
{
	int64_t at = not_before;

	if (rl->hold_until[res] > at)
		at = rl->hold_until[res];
	if (res == ML_RES_SEARCH && rl->budget.known)
		return search_budget_ready_at(rl, at);
	if (res == ML_RES_SEARCH && rl->search_starts) {
		/* the oldest of the last N starts must be a minute old */
		int64_t oldest = rl->search_starts[rl->search_next];

		if (oldest && oldest + SEARCH_WINDOW_MS > at)
			at = oldest + SEARCH_WINDOW_MS;
	}
	return at;
}

/* A search starts: one request less in the window (a new window after the
 * reset holds the limit). */
static void search_budget_take(struct ml_ratelimit *rl)
{
	int64_t now = (int64_t)time(NULL);

	if (!rl->budget.known)
		return;
	if (now >= rl->budget.reset) {
		rl->budget.left = rl->budget.limit > 0 ? rl->budget.limit : 1;
		rl->budget.reset = now + SEARCH_WINDOW_MS / 1000;
	}
	if (rl->budget.left > 0)
		rl->budget.left--;
}

void ratelimit_started(struct ml_ratelimit *rl, enum ml_resource res, int64_t now_ms)
{
	if (res != ML_RES_SEARCH)
		return;
	search_budget_take(rl);
	if (rl->search_starts) {
		rl->search_starts[rl->search_next] = now_ms;
		rl->search_next = (rl->search_next + 1) % rl->search_per_minute;
	}
}

/* Searches still in flight were counted by GitHub before or after this
 * answer; the count left assumes after (it may wait a little early, never
 * overspend). */
void ratelimit_note_search(struct ml_ratelimit *rl, const struct ml_http_response *r, long inflight)
{
	if (r->rl_remaining < 0 || r->rl_reset <= 0 || r->rl_reset > RESET_MAX_EPOCH ||
	    (r->rl_resource && strcmp(r->rl_resource, "search") != 0))
		return;
	/* a late answer of a window that has since reset says nothing of this one */
	if (r->rl_reset < rl->budget.newest)
		return;
	rl->budget.newest = r->rl_reset;
	rl->budget.known = 1;
	rl->budget.left = r->rl_remaining > inflight ? r->rl_remaining - inflight : 0;
	rl->budget.reset = r->rl_reset;
	rl->budget.limit = r->rl_limit;
}

const char *ratelimit_blocked(const struct ml_ratelimit *rl, enum ml_resource res)
{
	return rl->blocked[res];
}

/* A header's value as a number, dflt when absent or not a number. */
static long long header_number(CURL *e, const char *name, long long dflt)
{
	struct curl_header *hdr;
	char *end;
	long long n;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK)
		return dflt;
	n = strtoll(hdr->value, &end, 10); /* saturates: 1e20 reads as LLONG_MAX */
	return end == hdr->value ? dflt : n;
}

long ratelimit_retry_after(const char *value, time_t now)
{
	char *end;
	long long n;
	time_t at;

	if (!value)
		return -1;
	value += strspn(value, " \t");
	if (*value >= '0' && *value <= '9') {
		n = strtoll(value, &end, 10);
		return n > WAIT_MAX_S ? WAIT_MAX_S : (long)n;
	}
	/* RFC 9110: an HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" */
	if ((at = curl_getdate(value, NULL)) == (time_t)-1)
		return -1;
	if (at <= now)
		return 0;
	return at - now > WAIT_MAX_S ? WAIT_MAX_S : (long)(at - now);
}

void ratelimit_read_headers(struct ml_http_response *r, void *easy)
{
	struct curl_header *hdr;
	long long n = header_number(easy, "x-ratelimit-remaining", -1);

	r->rl_remaining = n > LONG_MAX ? LONG_MAX : n < -1 ? -1 : (long)n;
	n = header_number(easy, "x-ratelimit-limit", -1);
	r->rl_limit = n > LONG_MAX ? LONG_MAX : n < -1 ? -1 : (long)n;
	r->rl_reset = header_number(easy, "x-ratelimit-reset", 0);
	r->retry_after =
	    curl_easy_header(easy, "Retry-After", 0, CURLH_HEADER, -1, &hdr) == CURLHE_OK
		? ratelimit_retry_after(hdr->value, time(NULL))
		: -1;
}

void ratelimit_transport_why(struct ml_buf *why, int curl_code, const char *errbuf, int too_big,
			     size_t max_bytes, const struct ml_http_opts *opts)
{
	CURLcode code = (CURLcode)curl_code;

	if (too_big == ML_TOO_BIG_RUN)
		buf_printf(why,
			   "the answers in flight passed the run's memory budget of %zu MB "
			   "(--jobs %d at once); nothing more of this one was read",
			   opts->body_budget / (1024 * 1024), opts->max_parallel);
	else if ((too_big || code == CURLE_FILESIZE_EXCEEDED) && max_bytes)
		buf_printf(why, "the answer is larger than the limit of %zu bytes", max_bytes);
	else if (too_big || code == CURLE_FILESIZE_EXCEEDED)
		buf_printf(why, "the answer is larger than the limit of %lld MB",
			   opts->max_body / (1024 * 1024));
	else if (code == CURLE_OPERATION_TIMEDOUT && strstr(errbuf, "too slow"))
		buf_printf(why, "stalled (under %d bytes/s for %ld s)", ML_HTTP_STALL_BYTES_PER_S,
			   opts->stall_s);
	else if (code == CURLE_OPERATION_TIMEDOUT)
		buf_puts(why, "timed out"); /* libcurl's text counts milliseconds */
	else
		buf_puts(why, errbuf[0] ? errbuf : curl_easy_strerror(code));
}
