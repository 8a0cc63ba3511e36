/*
 * http.h: the HTTP engine on libcurl's multi interface.
 *
 * Callers queue GET requests with a completion callback; http_run() drives
 * every transfer to its end, at most `max_parallel` at once, and a callback
 * may queue further requests (the next page). Response bodies are owned by
 * the engine and valid only during the callback.
 */
#ifndef MERGELETTER_HTTP_H
#define MERGELETTER_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct ml_error;
struct ml_http;

struct ml_http_opts {
	const char *user_agent;
	const char *token;   /* sent as "Authorization: Bearer TOKEN"; NULL: none */
	int max_parallel;    /* transfers in flight at most */
	int verbose;         /* log each request on stderr (never the token) */
	long timeout_ms;     /* per transfer */
};

#define ML_HTTP_OPTS_INIT { "mergeletter", NULL, 8, 0, 60000 }

struct ml_http_response {
	long status;          /* HTTP status */
	const char *url;      /* the URL requested */
	const char *body;     /* NUL-terminated, decoded (gzip) */
	size_t len;
	const char *link;     /* Link header or NULL */
	const char *etag;     /* ETag header or NULL */
	long rl_remaining;    /* x-ratelimit-remaining, -1 when absent */
	int64_t rl_reset;     /* x-ratelimit-reset (epoch seconds), 0 when absent */
	const char *rl_resource; /* x-ratelimit-resource or NULL */
	long retry_after;     /* Retry-After seconds, -1 when absent */
};

/* Completion callback: return 0 to go on, -1 (with err set) to stop the run. */
typedef int (*ml_http_done_fn)(void *ud, const struct ml_http_response *resp,
			       struct ml_error *err);

int http_new(struct ml_http **out, const struct ml_http_opts *opts, struct ml_error *err);
/* Queue a GET of url with the given Accept header. */
int http_get(struct ml_http *h, const char *url, const char *accept,
	     ml_http_done_fn done, void *ud, struct ml_error *err);
/* Run until no request is queued or in flight, or a callback fails. */
int http_run(struct ml_http *h, struct ml_error *err);
/* Requests sent so far (for --verbose and benchmarks). */
unsigned long http_request_count(const struct ml_http *h);
void http_free(struct ml_http *h);

#endif
