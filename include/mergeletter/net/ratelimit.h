/*
 * ratelimit.h: the retry and rate-limit policy of the HTTP engine (http.h).
 *
 * The engine moves bytes; this module decides what an answer or a failure
 * means for the run: which failures are retried and after what backoff,
 * what a 403/429 is (a primary limit to wait out, a secondary one that
 * lowers concurrency, a limit beyond --max-wait that closes a resource),
 * when a queued request may start (holds, the search budget), and how
 * Retry-After and X-RateLimit-* headers read.
 *
 * struct ml_ratelimit is owned by the engine (one per struct ml_http);
 * ratelimit_init() fills it, ratelimit_release() frees what it holds.
 * Times: "ms" are monotonic milliseconds (progress_now_ms()), "epoch"
 * seconds are wall-clock time.
 */
#ifndef MERGELETTER_RATELIMIT_H
#define MERGELETTER_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct ml_buf;
struct ml_error;
struct ml_progress;
struct ml_http_opts;
struct ml_http_response;

/* The rate-limit resources GitHub counts apart. */
enum ml_resource { ML_RES_CORE = 0, ML_RES_SEARCH = 1, ML_RES_COUNT };

/* The search budget as GitHub last reported it; until it does, the
 * search_per_minute ring paces the search requests. */
struct ml_search_budget {
	int known;
	int64_t newest; /* the latest reset any answer reported: its window is the current one */
	long left;	/* requests that may still start before the reset */
	int64_t reset;	/* epoch seconds */
	long limit;
};

struct ml_ratelimit {
	long max_wait;	    /* --max-wait, seconds */
	int max_retries;    /* the engine's retries of one request */
	long retry_base_ms; /* the first backoff delay */
	int search_per_minute;
	int spent_answers; /* a spent search budget is answered, not waited for */
	int has_token;
	struct ml_progress *progress;	  /* borrowed, may be NULL */
	int parallel;			  /* current bound on transfers in flight */
	int64_t hold_until[ML_RES_COUNT]; /* ms: a rate limit holds the resource */
	char *blocked[ML_RES_COUNT];	  /* a limit beyond --max-wait closed it: why */
	int64_t *search_starts;		  /* ring of the last search_per_minute start times */
	int search_next;
	struct ml_search_budget budget;
	uint64_t rng;
};

/* Why a transfer was cut off (struct transfer's too_big). */
enum ml_too_big { ML_TOO_BIG_NO = 0, ML_TOO_BIG_BODY = 1, ML_TOO_BIG_RUN = 2 };

/* Verdicts of ratelimit_judge(). */
enum ml_rl_verdict {
	ML_RL_DELIVER = 0, /* not a rate limit: the caller gets the answer */
	ML_RL_RETRY = 1,   /* retry after *delay_ms (why: the reason, for the log) */
	ML_RL_FAIL = 2,	   /* the request fails for good (why: the message) */
};

int ratelimit_init(struct ml_ratelimit *rl, const struct ml_http_opts *opts, uint64_t seed,
		   struct ml_error *err);
void ratelimit_release(struct ml_ratelimit *rl);

/* The resource a URL counts against (search or core). */
enum ml_resource ratelimit_resource_of(const char *url);
/* 1 when a transport failure (a CURLcode) is worth another try. */
int ratelimit_retryable(int curl_code);
/* Exponential backoff with jitter before retry number `attempt`. */
long ratelimit_backoff_ms(struct ml_ratelimit *rl, int attempt);
/* The delay before retrying a 5xx: the backoff, or the answer's
 * Retry-After when it is longer and within --max-wait. */
long ratelimit_server_error_ms(struct ml_ratelimit *rl, int attempt, long retry_after);
/* A 403/429 of a request to resource res, sent `attempts` times, having
 * waited *waits times for a reset: one of enum ml_rl_verdict, with why and
 * *delay_ms filled; -1 (err set) when out of memory. */
int ratelimit_judge(struct ml_ratelimit *rl, enum ml_resource res, int attempts, int *waits,
		    const struct ml_http_response *r, struct ml_buf *why, long *delay_ms,
		    struct ml_error *err);
/* The time (ms) from which a request to res, not before not_before, may start. */
int64_t ratelimit_ready_at(const struct ml_ratelimit *rl, enum ml_resource res, int64_t not_before);
/* A request to res starts at now_ms. */
void ratelimit_started(struct ml_ratelimit *rl, enum ml_resource res, int64_t now_ms);
/* A search answer's X-RateLimit-* headers, with `inflight` searches still
 * out: the budget it leaves. */
void ratelimit_note_search(struct ml_ratelimit *rl, const struct ml_http_response *r,
			   long inflight);
/* A Retry-After value in seconds from now (RFC 9110: seconds, or an
 * HTTP-date read with curl_getdate()): at most 10^9, 0 for a date past,
 * -1 when it is neither. */
long ratelimit_retry_after(const char *value, time_t now);
/* The answer's x-ratelimit-remaining, -reset, -limit and Retry-After
 * headers into r (easy: a CURL * whose transfer is done). */
void ratelimit_read_headers(struct ml_http_response *r, void *easy);
/* Why a transfer failed (curl_code, libcurl's errbuf; too_big: the body
 * passed max_bytes, or the engine's max_body when 0, or the run's
 * body_budget), appended to why. */
void ratelimit_transport_why(struct ml_buf *why, int curl_code, const char *errbuf, int too_big,
			     size_t max_bytes, const struct ml_http_opts *opts);
/* Why resource res is closed for the rest of the run, or NULL. */
const char *ratelimit_blocked(const struct ml_ratelimit *rl, enum ml_resource res);

#endif
