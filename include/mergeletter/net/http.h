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

#include "mergeletter/net/http_types.h"

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
