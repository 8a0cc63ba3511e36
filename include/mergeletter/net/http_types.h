/*
 * http_types.h: the HTTP engine's public types and bounds (http.h): its
 * options, a request, an answer and the callbacks. Apart from http.h's
 * functions, so that the engine's own parts (transfer.c) use the types
 * without depending on the loop that drives them.
 */
#ifndef MERGELETTER_HTTP_TYPES_H
#define MERGELETTER_HTTP_TYPES_H

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

#endif
