/*
 * http.h: the HTTP engine on libcurl's multi interface.
 *
 * Callers queue GET requests with a completion callback; http_run() drives
 * every transfer to its end, at most `max_parallel` at once, and a callback
 * may queue further requests (the next page). Requests queued from a
 * callback are follow-ups: they start before every request queued earlier,
 * so a repository's next page goes out as soon as its previous page is
 * parsed. Response bodies are owned by the engine and valid only during
 * the callback.
 *
 * The engine, not its callers, deals with the transport's weather:
 *  - 5xx answers and connection failures are retried up to max_retries
 *    times, with exponential backoff and jitter;
 *  - a primary rate limit (403/429, x-ratelimit-remaining 0) holds that
 *    resource's requests (core or search) until the reset when it is at
 *    most max_wait seconds away, else the run stops with the reset time;
 *  - a secondary rate limit (403/429 with Retry-After or a "secondary rate
 *    limit" message) holds every request for Retry-After (60 s when
 *    absent), halves the concurrency, and retries a bounded number of times;
 *  - /search/ requests keep to search_per_minute starts a minute;
 *  - with a cache, a stored ETag is sent as If-None-Match and a 304 reuses
 *    the stored body (the callback sees status 200 and from_cache 1);
 *    offline, requests are answered from the cache alone.
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

struct ml_http_opts {
	const char *user_agent;
	const char *token;   /* sent as "Authorization: Bearer TOKEN"; NULL: none */
	int max_parallel;    /* transfers in flight at most (--jobs) */
	long timeout_ms;     /* per transfer */
	struct ml_cache *cache; /* borrowed; NULL: no conditional requests */
	int offline;         /* answer from the cache only; a miss is an error */
	long max_wait;       /* seconds a rate-limit wait may last (--max-wait) */
	int max_retries;     /* retries of one request (5xx, connection, secondary) */
	long retry_base_ms;  /* the first backoff delay; doubles each retry */
	int search_per_minute; /* client-side pace of /search/ requests; 0: none */
	struct ml_progress *progress; /* borrowed, may be NULL: log and counters */
};

#define ML_HTTP_OPTS_INIT { "mergeletter", NULL, 8, 60000, NULL, 0, 60, 3, 500, 0, NULL }

struct ml_http_response {
	long status;          /* HTTP status (200 for a revalidated cache entry) */
	const char *url;      /* the URL requested */
	const char *body;     /* NUL-terminated, decoded (gzip) */
	size_t len;
	const char *link;     /* Link header or NULL */
	const char *etag;     /* ETag header or NULL */
	long rl_remaining;    /* x-ratelimit-remaining, -1 when absent */
	int64_t rl_reset;     /* x-ratelimit-reset (epoch seconds), 0 when absent */
	const char *rl_resource; /* x-ratelimit-resource or NULL */
	long retry_after;     /* Retry-After seconds, -1 when absent */
	int from_cache;       /* the body came from the cache (304 or offline) */
	const char *last_modified; /* Last-Modified header or NULL */
	const char *error;    /* soft requests: why the transfer failed (status 0), else NULL */
};

/* Per-request options of http_get_opts(). */
struct ml_http_req {
	const char *accept;
	int no_auth;       /* send neither the token nor GitHub's headers, and leave
			      403/429 answers to the callback (a non-GitHub origin) */
	int soft;          /* a transport failure, an oversized body or an offline
			      miss is delivered to the callback as status 0 with
			      `error` set, instead of stopping the run */
	long timeout_ms;   /* 0: the engine's */
	size_t max_bytes;  /* a longer body fails the transfer; 0: unbounded */
	int max_retries;   /* -1: the engine's */
};

#define ML_HTTP_REQ_INIT { NULL, 0, 0, 0, 0, -1 }

struct ml_http_stats {
	unsigned long requests;     /* sent over the network (retries included) */
	unsigned long not_modified; /* 304s: stored bodies reused */
	unsigned long offline_hits; /* answered from the cache without a request */
	unsigned long retries;      /* 5xx, connection failures, secondary limits */
	unsigned long rate_waits;   /* primary-limit waits */
	int peak_parallel;          /* most transfers in flight at once */
	int parallel;               /* the concurrency at the end (lowered by limits) */
};

/* Completion callback: return 0 to go on, -1 (with err set) to stop the run. */
typedef int (*ml_http_done_fn)(void *ud, const struct ml_http_response *resp,
			       struct ml_error *err);

int http_new(struct ml_http **out, const struct ml_http_opts *opts, struct ml_error *err);
/* Queue a GET of url with the given Accept header. */
int http_get(struct ml_http *h, const char *url, const char *accept,
	     ml_http_done_fn done, void *ud, struct ml_error *err);
/* Queue a GET with per-request options. Conditional requests send the
 * stored ETag as If-None-Match and Last-Modified as If-Modified-Since. */
int http_get_opts(struct ml_http *h, const char *url, const struct ml_http_req *req,
		  ml_http_done_fn done, void *ud, struct ml_error *err);
/* Run until no request is queued or in flight, or a callback fails. */
int http_run(struct ml_http *h, struct ml_error *err);
/* Requests sent so far (for --verbose and benchmarks). */
unsigned long http_request_count(const struct ml_http *h);
void http_stats(const struct ml_http *h, struct ml_http_stats *out);
void http_free(struct ml_http *h);

#endif
