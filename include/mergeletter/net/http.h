/*
 * http.h: the HTTP engine on libcurl's multi interface.
 *
 * Callers queue GET requests with a completion callback; http_run() drives
 * every transfer to its end, at most `max_parallel` at once, and a callback
 * may queue further requests (the next page). Requests queued from a
 * callback are follow-ups: they start before every request that is not,
 * first queued first sent, so a repository's next page goes out as soon as
 * its previous page is parsed and no listing waits behind newer ones. Response bodies are owned by
 * the engine and valid only during the callback.
 *
 * The engine, not its callers, deals with the transport's weather:
 *  - 5xx answers and connection failures are retried up to max_retries
 *    times, with exponential backoff and jitter;
 *  - a primary rate limit (403/429, x-ratelimit-remaining 0) holds that
 *    resource's requests (core or search) until the reset when it is at
 *    most max_wait seconds away, else that resource's requests fail from
 *    then on, without being sent, with the reset time;
 *  - a secondary rate limit (403/429 with Retry-After or a "secondary rate
 *    limit" message) holds every request for Retry-After (60 s when
 *    absent), halves the concurrency, and retries a bounded number of times
 *    (a wait beyond max_wait fails every request from then on);
 *  - /search/ requests keep to the budget that the search answers'
 *    X-RateLimit-* headers report (remaining, reset), never waiting past
 *    max_wait for it; until one has, to search_per_minute starts a minute;
 *  - with a cache, a stored ETag is sent as If-None-Match and a 304 reuses
 *    the stored body, or the records the callback kept in its place (the
 *    callback sees status 200, from_cache 1, and records 1 for records);
 *    offline, requests are answered from the cache alone;
 *  - a callback that finds a 200 body broken (truncated, not JSON) returns
 *    ML_HTTP_BROKEN with err set: the request is retried like a 5xx;
 *  - a request with a parse hook has its 200 body parsed by a worker
 *    thread while the loop drives the other transfers; the completion then
 *    runs on the loop's thread, as every callback does, with the result in
 *    resp->parsed (see struct ml_http_req).
 * A request that still fails after its retries (5xx, connection, broken
 * body, a body past max_body, a redirect, the run's deadline) is delivered
 * to its callback with `failed` set: the caller records the failure of
 * what it fetched and the run goes on. Only a callback's -1 (and rate
 * limits beyond max_wait) stops the run.
 *
 * Every transfer is bounded: connect_timeout_ms to connect, timeout_ms in
 * all, stall_s seconds below STALL_BYTES_PER_S, max_body bytes of body,
 * and the run's deadline. The run is bounded too: the memory the response
 * bodies of every transfer in flight (or being parsed) hold stays within
 * body_budget bytes, whatever max_parallel; a transfer whose body would
 * pass it is cut off and fails for good, naming the budget (its
 * repository fails; the others go on). Redirects are not followed by libcurl: one to
 * the API's own origin is followed here, one elsewhere is a failure.
 * The token is sent only to the scheme, host and port of api_url, and
 * over plain http only to a loopback address (http_new refuses otherwise).
 * Waits are scheduled by time: other transfers go on meanwhile.
 */
#ifndef MERGELETTER_HTTP_H
#define MERGELETTER_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct ml_error;
struct ml_http;
struct ml_cache;
struct ml_progress;
struct ml_buf;

struct ml_http_opts {
	const char *user_agent;
	const char *token;   /* sent as "Authorization: Bearer TOKEN"; NULL: none */
	const char *api_url; /* the token's origin (scheme, host, port); NULL: none */
	int max_parallel;    /* transfers in flight at most (--jobs) */
	long timeout_ms;     /* per transfer */
	long connect_timeout_ms;
	long stall_s;		      /* abort a transfer this long below STALL_BYTES_PER_S */
	long long max_body;	      /* bytes of one response body at most */
	size_t body_budget;	      /* bytes all bodies in flight may hold (allocated); 0: none */
	long run_timeout_s;	      /* the whole run (--timeout); 0: none */
	struct ml_cache *cache;	      /* borrowed; NULL: no conditional requests */
	int offline;		      /* answer from the cache only; a miss is an error */
	long max_wait;		      /* seconds a rate-limit wait may last (--max-wait) */
	int max_retries;	      /* retries of one request (5xx, connection, secondary) */
	long retry_base_ms;	      /* the first backoff delay; doubles each retry */
	int search_per_minute;	      /* client-side pace of /search/ requests; 0: none */
	struct ml_progress *progress; /* borrowed, may be NULL: log and counters */
	int search_spent_answers;     /* a spent search budget is answered to the callback
				       * (403/429, rl_remaining 0) instead of waited for */
	int parsers;		      /* worker threads for parse hooks; 0: one per CPU (at most
				       * ML_HTTP_PARSERS_MAX); -1: none, the callbacks parse */
	size_t parse_min;	      /* a shorter body is left to its callback: parsing it
				       * costs less than handing it over (and no thread starts
				       * for a run of small answers) */
};

#define ML_HTTP_PARSERS_MAX 4
#define ML_HTTP_PARSE_MIN (32 * 1024)

#define ML_HTTP_STALL_BYTES_PER_S 100
#define ML_HTTP_MAX_BODY (50LL * 1024 * 1024)
#define ML_HTTP_BODY_BUDGET ((size_t)160 * 1024 * 1024)

#define ML_HTTP_OPTS_INIT                                                                          \
	{                                                                                          \
		.user_agent = "mergeletter", .max_parallel = 8, .timeout_ms = 60000,               \
		.connect_timeout_ms = 15000, .stall_s = 30, .max_body = ML_HTTP_MAX_BODY,          \
		.body_budget = ML_HTTP_BODY_BUDGET, .max_wait = 60, .max_retries = 3,              \
		.retry_base_ms = 500, .parse_min = ML_HTTP_PARSE_MIN                               \
	}

struct ml_http_response {
	long status;	  /* HTTP status (200 for a revalidated cache entry); 0: none */
	const char *url;  /* the URL requested */
	const char *body; /* NUL-terminated, decoded (gzip) */
	size_t len;
	const char *link;	 /* Link header or NULL */
	const char *etag;	 /* ETag header or NULL */
	long rl_remaining;	 /* x-ratelimit-remaining, -1 when absent */
	int64_t rl_reset;	 /* x-ratelimit-reset (epoch seconds), 0 when absent */
	long rl_limit;		 /* x-ratelimit-limit, -1 when absent */
	const char *rl_resource; /* x-ratelimit-resource or NULL */
	long retry_after;	 /* Retry-After seconds, -1 when absent */
	int from_cache;		 /* the body came from the cache (304 or offline) */
	int records;		 /* body holds the records a callback kept (records.h), not JSON */
	int link_followed;	 /* the request's on_link followed this answer's Link */
	struct ml_buf *keep;	 /* NULL, or where the callback may put the records to cache
				  * instead of the body (a 200, or a 304 of an old entry) */
	/* NULL, or why the request failed for good, e.g. "HTTP 502 after 4
	 * tries"; status and body are then the last answer's, if any. */
	const char *failed;
	int timed_out;		   /* failed because the run's deadline passed */
	const char *last_modified; /* Last-Modified header or NULL */
	/* The parse hook's result for this body (borrowed: the engine frees it
	 * after the callback), or NULL when there is none: no hook, no worker,
	 * a records body, an answer other than 200, or the hook's own NULL
	 * (a body it could not parse). A callback must then do the work
	 * itself, from body. */
	void *parsed;
};

/* A parse hook: runs on a worker thread, so it may read only body (the
 * response's, NUL-terminated) and touch nothing shared; returns its result
 * or NULL. */
typedef void *(*ml_http_parse_fn)(const char *body, size_t len);
typedef void (*ml_http_parsed_free_fn)(void *parsed);

/* Per-request options of http_get_opts(). */
struct ml_http_req {
	const char *accept;
	int no_auth;	  /* another origin (a feed): neither the token nor GitHub's
			     headers, 403/429 left to the callback, and an offline
			     miss delivered as a failure */
	long timeout_ms;  /* 0: the engine's */
	size_t max_bytes; /* a longer body fails the transfer; 0: the engine's bound */
	int max_retries;  /* -1: the engine's */
	/* told a 200's Link header as soon as the headers arrive (or NULL) */
	int (*on_link)(void *ud, const char *link);
	ml_http_parse_fn parse;		    /* NULL: the callback parses on the loop */
	ml_http_parsed_free_fn parsed_free; /* frees what parse returned */
};

#define ML_HTTP_REQ_INIT                                                                           \
	{                                                                                          \
		.max_retries = -1                                                                  \
	}

/* A callback's verdict on a 200 whose body it cannot parse: retry it. */
#define ML_HTTP_BROKEN 1

/* Completion callback: return 0 to go on, -1 (with err set) to stop the
 * run, or ML_HTTP_BROKEN (with err set to what is broken) to retry. */
typedef int (*ml_http_done_fn)(void *ud, const struct ml_http_response *resp, struct ml_error *err);

/* A request's on_link: a 200's Link header, as soon as the headers arrive
 * (before the body); it may queue requests, which are follow-ups as from a
 * completion. Returns 1 when it followed the link itself (the completion
 * is told so through link_followed), else 0. */

int http_new(struct ml_http **out, const struct ml_http_opts *opts, struct ml_error *err);
/* Queue a GET of url with the given Accept header. */
int http_get(struct ml_http *h, const char *url, const char *accept, ml_http_done_fn done, void *ud,
	     struct ml_error *err);
/* Queue a GET with per-request options. Conditional requests send the
 * stored ETag as If-None-Match and Last-Modified as If-Modified-Since. */
int http_get_opts(struct ml_http *h, const char *url, const struct ml_http_req *req,
		  ml_http_done_fn done, void *ud, struct ml_error *err);
/* Run until no request is queued or in flight, or a callback fails. */
int http_run(struct ml_http *h, struct ml_error *err);
/* 1 when url has the scheme, host and port of the API URL. */
int http_same_origin(const struct ml_http *h, const char *url);
/* 1 once the run's deadline (--timeout) has passed. */
int http_expired(const struct ml_http *h);
/* The search budget GitHub last reported: 1 and the fields filled, or 0
 * when no search answer has carried X-RateLimit-* headers yet. */
int http_search_budget(const struct ml_http *h, long *remaining, long *limit, int64_t *reset);
/* The bound on transfers in flight now (--jobs, halved by secondary limits). */
int http_parallel(const struct ml_http *h);
void http_free(struct ml_http *h);

#endif
