/* http.c: the HTTP engine on libcurl's multi interface.
 *
 * One event loop drives every transfer; at most `parallel` are in flight
 * (opts.max_parallel, halved by secondary rate limits). The multi handle
 * keeps a connection cache, so transfers to the same host reuse
 * connections (and multiplex over HTTP/2 where offered).
 *
 * A transfer waiting for a retry or a rate-limit reset stays in the queue
 * with the time before which it may not start; the loop polls with a
 * timeout that ends at the earliest such time, so waits never block the
 * transfers that can go on.
 *
 * The engine is split by responsibility: this file is the queue and the
 * loop; transfer.c one request on its easy handle; ratelimit.c the policy
 * (what a failure or a 403/429 means, backoff, holds, the search budget);
 * parsers.c the parse workers; origin.c the token's origin.
 */
#include "mergeletter/net/http.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mergeletter/net/cache.h"
#include "mergeletter/net/origin.h"
#include "mergeletter/net/parsers.h"
#include "mergeletter/net/ratelimit.h"
#include "mergeletter/net/transfer.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/libcurl.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

#define POLL_MAX_MS 1000
#define MAX_REDIRECTS 5
#define ANNOUNCE_WAIT_MS 5000 /* waits longer than this are announced */

int http_same_origin(const struct ml_http *h, const char *url)
{
	return origin_same(h->origin, url);
}

int http_expired(const struct ml_http *h)
{
	return h->deadline && progress_now_ms() >= h->deadline;
}

static void wake_loop(void *ud)
{
	struct ml_http *h = ud;

	curl_multi_wakeup(h->multi);
}

int http_new(struct ml_http **out, const struct ml_http_opts *opts, struct ml_error *err)
{
	struct ml_http *h = calloc(1, sizeof *h);
	struct ml_buf auth = ML_BUF_INIT;

	*out = NULL;
	if (!h)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	if (libcurl_load(err) < 0) {
		free(h);
		return -1;
	}
	h->opts = *opts;
	if (h->opts.max_parallel < 1)
		h->opts.max_parallel = 1;
	if (h->opts.max_retries < 0)
		h->opts.max_retries = 0;
	if (h->opts.run_timeout_s > 0)
		h->deadline = progress_now_ms() + h->opts.run_timeout_s * 1000;
	if (opts->api_url &&
	    origin_parse(&h->origin, opts->api_url, opts->token != NULL, err) < 0) {
		http_free(h);
		return -1;
	}
	h->multi = curl_multi_init();
	parsers_init(&h->parsers, h->opts.parsers, h->opts.parse_min, wake_loop, h);
	h->user_agent = ml_strdup(opts->user_agent ? opts->user_agent : "mergeletter");
	if (opts->token && buf_printf(&auth, "Authorization: Bearer %s", opts->token) == 0)
		h->auth = buf_detach(&auth);
	if (!h->multi || !h->user_agent || (opts->token && !h->auth)) {
		http_free(h);
		return error_set(err, ML_EXIT_FAILURE, "cannot start libcurl");
	}
	if (ratelimit_init(&h->rl, &h->opts,
			   (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
			       (uint64_t)(uintptr_t)h,
			   err) < 0) {
		http_free(h);
		return -1;
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.max_parallel);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->opts.max_parallel);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	*out = h;
	return 0;
}

static void queue_append(struct ml_http *h, struct transfer *t)
{
	t->next = NULL;
	if (h->queue_tail)
		h->queue_tail->next = t;
	else
		h->queue = t;
	h->queue_tail = t;
}

int http_get(struct ml_http *h, const char *url, const char *accept, ml_http_done_fn done, void *ud,
	     struct ml_error *err)
{
	struct ml_http_req req = ML_HTTP_REQ_INIT;

	req.accept = accept;
	return http_get_opts(h, url, &req, done, ud, err);
}

int http_get_opts(struct ml_http *h, const char *url, const struct ml_http_req *req,
		  ml_http_done_fn done, void *ud, struct ml_error *err)
{
	struct transfer *t = calloc(1, sizeof *t);

	if (!t || !(t->url = ml_strdup(url)) || !(t->accept = ml_strdup(req->accept))) {
		transfer_free(t);
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	t->req = *req;
	t->req.accept = t->accept;
	t->h = h;
	t->done = done;
	t->ud = ud;
	t->res = ratelimit_resource_of(url);
	if (!h->in_callback) {
		queue_append(h, t);
		return 0;
	}
	/* A follow-up (the next page) goes after the follow-ups queued before
	 * it and ahead of everything else: chains of pages proceed at one
	 * round trip per page, and none waits behind newer ones. */
	if (h->urgent_tail) {
		t->next = h->urgent_tail->next;
		h->urgent_tail->next = t;
	} else {
		t->next = h->queue;
		h->queue = t;
	}
	if (!t->next)
		h->queue_tail = t;
	h->urgent_tail = t;
	return 0;
}

int http_parallel(const struct ml_http *h)
{
	return h->rl.parallel;
}

int http_search_budget(const struct ml_http *h, long *remaining, long *limit, int64_t *reset)
{
	if (!h || !h->rl.budget.known)
		return 0;
	*remaining = h->rl.budget.left;
	*limit = h->rl.budget.limit;
	*reset = h->rl.budget.reset;
	return 1;
}

static void unlink_active(struct ml_http *h, struct transfer *t)
{
	for (struct transfer **p = &h->active; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			t->next = NULL;
			h->nactive--;
			return;
		}
}

/* Put t back in the queue, to start no earlier than delay_ms from now. */
static void reschedule(struct ml_http *h, struct transfer *t, long delay_ms, const char *why)
{
	progress_retry(h->opts.progress, t->url, why, delay_ms);
	if (delay_ms > ANNOUNCE_WAIT_MS)
		progress_wait(h->opts.progress, progress_now_ms() + delay_ms, why);
	transfer_reset(t);
	t->too_big = 0;
	t->not_before = progress_now_ms() + delay_ms;
	queue_append(h, t);
}

static int deliver(struct ml_http *h, struct transfer *t, struct ml_http_response *r,
		   struct ml_error *err)
{
	int rc;

	h->in_callback = 1;
	rc = t->done(t->ud, r, err);
	h->in_callback = 0;
	return rc;
}

/* After the callback: the records it kept, else the body (a 200). */
static void cache_store(struct ml_http *h, struct transfer *t, const struct ml_http_response *r)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;

	e.status = 200;
	e.etag = (char *)r->etag;
	e.link = (char *)r->link;
	e.modified = (char *)r->last_modified;
	e.records = t->keep.len > 0;
	e.body = e.records ? t->keep.data : t->body.data;
	e.len = e.records ? t->keep.len : t->body.len;
	cache_put(h->opts.cache, t->url, t->accept, &e);
}

/* Deliver t as failed for good: "WHY after N tries". 0 or -1. */
static int deliver_failure(struct ml_http *h, struct transfer *t, struct ml_http_response *r,
			   int timed_out, struct ml_error *err)
{
	struct ml_buf msg = ML_BUF_INIT;
	const char *why = t->why ? t->why : "failed";
	int rc;

	if (t->why_transport && t->attempts > 1)
		buf_printf(&msg, "GET %s failed after %d tries: %s", t->url, t->attempts, why);
	else if (t->why_transport)
		buf_printf(&msg, "GET %s failed: %s", t->url, why);
	else if (t->attempts > 1 && !timed_out)
		buf_printf(&msg, "%s after %d tries", why, t->attempts);
	else
		buf_puts(&msg, why);
	r->failed = msg.data ? msg.data : why;
	r->timed_out = timed_out;
	rc = deliver(h, t, r, err);
	buf_release(&msg);
	return rc < 0 ? -1 : 0;
}

static int retries_of(const struct ml_http *h, const struct transfer *t)
{
	return t->req.max_retries >= 0 ? t->req.max_retries : h->opts.max_retries;
}

/* The run's deadline passed: t fails without a further try. 0 or -1. */
static int fail_expired(struct ml_http *h, struct transfer *t, struct ml_error *err)
{
	struct ml_http_response r;
	struct ml_buf why = ML_BUF_INIT;
	int rc;

	transfer_response_init(&r, t);
	buf_printf(&why, "not finished within --timeout %ld s", h->opts.run_timeout_s);
	transfer_set_why(t, why.data ? why.data : "not finished within --timeout");
	buf_release(&why);
	rc = deliver_failure(h, t, &r, 1, err);
	return rc;
}

/* A redirect: follow it to the API's own origin, refuse it elsewhere.
 * 1: rescheduled; 2: failed for good (t->why). */
static int redirect(struct ml_http *h, struct transfer *t)
{
	char *to = NULL, *copy;
	struct ml_buf why = ML_BUF_INIT;

	curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &to);
	if (!to)
		buf_puts(&why, "a redirect without a Location");
	else if (!http_same_origin(h, to))
		buf_printf(&why, "a redirect to %s, which is not the API's origin, refused", to);
	else if (t->redirects >= MAX_REDIRECTS)
		buf_printf(&why, "more than %d redirects", MAX_REDIRECTS);
	else if ((copy = ml_strdup(to)) != NULL) {
		t->redirects++;
		free(t->url);
		t->url = copy;
		t->res = ratelimit_resource_of(copy);
		reschedule(h, t, 0, "redirect");
		return 1;
	}
	transfer_set_why(t, why.data ? why.data : "out of memory");
	buf_release(&why);
	return 2;
}

static struct transfer *transfer_of_job(struct ml_parse_job *job)
{
	return (struct transfer *)(void *)((char *)job - offsetof(struct transfer, pj));
}

static void parsed_drop(struct ml_parse_job *job)
{
	transfer_free(transfer_of_job(job));
}

/* Hand t's answer r (a 200 of JSON) to a worker to parse while the loop
 * goes on; its completion runs when the worker is done (http_run). 1 when
 * handed over; 0 when the callback is to parse it. */
static int parse_later(struct ml_http *h, struct transfer *t, const struct ml_http_response *r)
{
	if (r->records || !parsers_submit(&h->parsers, &t->pj, t->req.parse, r->body, r->len))
		return 0;
	t->resp = *r;
	return 1;
}

/* The callback on t's answer r, then the cache. 1: rescheduled (a broken
 * body, t now belongs to the queue); 0: done; -1: stop the run. */
static int transfer_deliver(struct ml_http *h, struct transfer *t, struct ml_http_response *r,
			    struct ml_error *err)
{
	struct ml_http_response failed;
	int rc = deliver(h, t, r, err);

	if (rc == ML_HTTP_BROKEN) {
		/* a 200 whose body the caller cannot read: a fault, retried like a 5xx */
		t->skip_cache |= r->from_cache;
		buf_release(&t->keep);
		transfer_set_why(t, err->msg ? err->msg : "a broken answer");
		error_clear(err);
		if (t->attempts <= retries_of(h, t)) {
			reschedule(h, t, ratelimit_backoff_ms(&h->rl, t->attempts), t->why);
			return 1;
		}
		transfer_response_init(&failed, t);
		return deliver_failure(h, t, &failed, 0, err);
	}
	if (rc == 0 && r->keep && (!r->from_cache || t->keep.len))
		cache_store(h, t, r);
	return rc;
}

/* 1: rescheduled (t now belongs to the queue); 2: a worker parses it (t
 * belongs to the pool); 0: done; -1: stop the run. */
static int transfer_finish(struct ml_http *h, struct transfer *t, CURLcode code,
			   struct ml_error *err)
{
	struct ml_http_response r;
	struct ml_buf why = ML_BUF_INIT;
	long ms = (long)(progress_now_ms() - t->started);
	int rc = -1;

	transfer_response_init(&r, t);
	if (code != CURLE_OK) {
		progress_request(h->opts.progress, "GET", t->url, 0, t->body.len, ms,
				 ML_CACHE_NONE);
		if (http_expired(h)) {
			rc = fail_expired(h, t, err);
			goto done;
		}
		ratelimit_transport_why(&why, code, t->errbuf, t->too_big, t->req.max_bytes,
					&h->opts);
		transfer_set_why(t, why.data ? why.data : curl_easy_strerror(code));
		t->why_transport = !t->too_big && code != CURLE_FILESIZE_EXCEEDED;
		if (!t->too_big && ratelimit_retryable(code) && t->attempts <= retries_of(h, t)) {
			reschedule(h, t, ratelimit_backoff_ms(&h->rl, t->attempts), t->why);
			rc = 1;
			goto done;
		}
		rc = deliver_failure(h, t, &r, 0, err);
		goto done;
	}
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
	r.body = t->body.data ? t->body.data : "";
	r.len = t->body.len;
	r.link = t->link = transfer_header(t->easy, "Link");
	r.etag = t->etag = transfer_header(t->easy, "ETag");
	r.rl_resource = t->resource = transfer_header(t->easy, "x-ratelimit-resource");
	r.link_followed = t->link_followed;
	ratelimit_read_headers(&r, t->easy);
	if (t->res == ML_RES_SEARCH) {
		long inflight = 0;

		for (const struct transfer *a = h->active; a; a = a->next)
			inflight += a->res == ML_RES_SEARCH;
		ratelimit_note_search(&h->rl, &r, inflight);
	}
	r.last_modified = t->modified = transfer_header(t->easy, "Last-Modified");
	progress_request(h->opts.progress, "GET", t->url, r.status, r.len, ms,
			 r.status == 304 && t->cached.body ? ML_CACHE_REVALIDATED : ML_CACHE_NONE);
	if (r.status == 304 && t->cached.body) {
		transfer_response_cached(&r, t, 200);
		if (h->opts.cache && !t->cached.records)
			r.keep =
			    &t->keep; /* an entry of whole bodies: the callback may compact it */
	} else if (r.status >= 300 && r.status <= 399) {
		rc = redirect(h, t);
		if (rc == 2)
			rc = deliver_failure(h, t, &r, 0, err);
		goto done;
	} else if (r.status >= 500 && r.status <= 599) {
		buf_printf(&why, "HTTP %ld", r.status);
		transfer_set_why(t, why.data ? why.data : "server error");
		if (t->attempts > retries_of(h, t)) {
			rc = deliver_failure(h, t, &r, 0, err);
			goto done;
		}
		reschedule(h, t, ratelimit_server_error_ms(&h->rl, t->attempts, r.retry_after),
			   "server error");
		rc = 1;
		goto done;
	} else if ((r.status == 403 || r.status == 429) && !t->req.no_auth) {
		long delay;

		rc = ratelimit_judge(&h->rl, t->res, t->attempts, &t->waits, &r, &why, &delay, err);
		if (rc == ML_RL_RETRY) {
			reschedule(h, t, delay, why.data);
			goto done;
		}
		if (rc == ML_RL_FAIL) {
			transfer_set_why(t, why.data ? why.data : "rate limited");
			rc = deliver_failure(h, t, &r, 0, err);
			goto done;
		}
		if (rc < 0)
			goto done;
	} else if (r.status == 200 && h->opts.cache) {
		r.keep = &t->keep;
	}
	rc = r.status == 200 && parse_later(h, t, &r) ? 2 : transfer_deliver(h, t, &r, err);
done:
	buf_release(&why);
	return rc;
}

/* Offline: answer t from the cache alone. */
static int answer_offline(struct ml_http *h, struct transfer *t, struct ml_error *err)
{
	struct ml_http_response r;
	int rc;

	if (!cache_get(h->opts.cache, t->url, t->accept, &t->cached) && t->req.no_auth) {
		/* another origin's answer (a feed) costs only its own part */
		transfer_set_why(t, "offline, and not in the cache");
		transfer_response_init(&r, t);
		return deliver_failure(h, t, &r, 0, err);
	}
	if (!t->cached.body)
		return error_set(err, ML_EXIT_NETWORK,
				 "offline: no cached response for GET %s; run once without "
				 "--offline to fill the cache",
				 t->url);
	transfer_response_init(&r, t);
	transfer_response_cached(&r, t, t->cached.status);
	progress_request(h->opts.progress, "GET", t->url, r.status, r.len, 0, ML_CACHE_OFFLINE);
	rc = deliver(h, t, &r, err);
	if (rc == ML_HTTP_BROKEN) { /* no other copy to try */
		transfer_set_why(t, err->msg ? err->msg : "a broken answer in the cache");
		error_clear(err);
		transfer_response_init(&r, t);
		rc = deliver_failure(h, t, &r, 0, err);
	}
	return rc;
}

/* Start every queued transfer that may start now, within the bound.
 * *wake is set to the earliest time a waiting one may start (or -1). */
static int start_ready(struct ml_http *h, int64_t *wake, struct ml_error *err)
{
	struct transfer *prev = NULL, *t = h->queue;

	*wake = -1;
	while (t) {
		struct transfer *next = t->next;
		int64_t now = progress_now_ms(), at;

		if (!h->opts.offline && h->nactive >= h->rl.parallel)
			break;
		at = h->opts.offline ? 0 : ratelimit_ready_at(&h->rl, t->res, t->not_before);
		if (at > now) {
			if (*wake < 0 || at < *wake)
				*wake = at;
			prev = t;
			t = next;
			continue;
		}
		if (prev)
			prev->next = next;
		else
			h->queue = next;
		if (h->queue_tail == t)
			h->queue_tail = prev;
		if (h->urgent_tail == t) /* the follow-ups are a prefix: prev is one */
			h->urgent_tail = prev;
		t->next = NULL;
		if (h->opts.offline || ratelimit_blocked(&h->rl, t->res)) {
			int rc;

			if (h->opts.offline) {
				rc = answer_offline(h, t, err);
			} else { /* fails without a request */
				struct ml_http_response r;

				transfer_set_why(t, ratelimit_blocked(&h->rl, t->res));
				transfer_response_init(&r, t);
				rc = deliver_failure(h, t, &r, 0, err);
			}
			transfer_free(t);
			if (rc < 0)
				return -1;
			/* the callback may have queued more after prev */
			t = prev ? prev->next : h->queue;
			continue;
		}
		if (h->opts.cache && !t->skip_cache &&
		    cache_get(h->opts.cache, t->url, t->accept, &t->cached) &&
		    t->cached.status != 200)
			cache_entry_release(&t->cached);
		if (transfer_start(h, t, err) < 0) {
			transfer_free(t);
			return -1;
		}
		t = next;
	}
	return 0;
}

/* The deadline passed: every transfer queued or in flight fails, and so
 * does whatever their callbacks queue. 0 or -1. */
static int expire_all(struct ml_http *h, struct ml_error *err)
{
	while (h->active || h->queue) {
		struct transfer *t = h->active;

		if (t) {
			unlink_active(h, t);
		} else {
			t = h->queue;
			h->queue = t->next;
			if (!h->queue)
				h->queue_tail = NULL;
			if (h->urgent_tail == t)
				h->urgent_tail = NULL;
			t->next = NULL;
		}
		transfer_reset(t);
		if (fail_expired(h, t, err) < 0) {
			transfer_free(t);
			return -1;
		}
		transfer_free(t);
	}
	return 0;
}

/* After t's completion (frc as from transfer_finish): free it when done,
 * and send what the callback queued before the next completion runs. */
static int completed(struct ml_http *h, struct transfer *t, int frc, struct ml_error *err)
{
	int64_t wake;
	int still;

	if (frc == 0 || frc < 0)
		transfer_free(t);
	if (frc < 0 || start_ready(h, &wake, err) < 0)
		return -1;
	curl_multi_perform(h->multi, &still);
	return 0;
}

int http_run(struct ml_http *h, struct ml_error *err)
{
	int rc = -1;

	for (;;) {
		int still = 0, left;
		int64_t wake;
		long timeout = POLL_MAX_MS;
		CURLMsg *msg;
		struct ml_parse_job *job;

		if (http_expired(h) && expire_all(h, err) < 0)
			goto done;
		if (start_ready(h, &wake, err) < 0)
			goto done;
		if (h->nactive == 0 && !h->queue && h->parsers.busy == 0)
			break;
		if (curl_multi_perform(h->multi, &still) != CURLM_OK) {
			error_set(err, ML_EXIT_NETWORK, "libcurl failed to drive the transfers");
			goto done;
		}
		while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
			struct transfer *t = NULL;
			int frc;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
			unlink_active(h, t);
			frc = transfer_finish(h, t, msg->data.result, err);
			timeout = 0; /* callbacks may have queued more: start them first */
			if (completed(h, t, frc, err) < 0)
				goto done;
		}
		while ((job = parsers_take(&h->parsers)) != NULL) {
			struct transfer *t = transfer_of_job(job);

			t->resp.parsed = t->pj.parsed;
			timeout = 0;
			if (completed(h, t, transfer_deliver(h, t, &t->resp, err), err) < 0)
				goto done;
		}
		if (timeout && wake >= 0) {
			int64_t until = wake - progress_now_ms();

			if (until < timeout)
				timeout = until < 0 ? 0 : (long)until;
		}
		if (timeout && h->queue && h->nactive < h->rl.parallel && wake < 0)
			timeout = 0;
		if (timeout && h->deadline) {
			int64_t until = h->deadline - progress_now_ms();

			if (until < timeout)
				timeout = until < 0 ? 0 : (long)until;
		}
		if (timeout)
			curl_multi_poll(h->multi, NULL, 0, (int)timeout, NULL);
	}
	rc = 0;
done:
	if (rc < 0) { /* abandon everything still queued or in flight */
		transfer_list_free(&h->active);
		h->nactive = 0;
		transfer_list_free(&h->queue);
		h->queue_tail = h->urgent_tail = NULL;
		parsers_drop(&h->parsers, parsed_drop);
	}
	return rc;
}

void http_free(struct ml_http *h)
{
	if (!h)
		return;
	transfer_list_free(&h->active);
	transfer_list_free(&h->queue);
	parsers_drop(&h->parsers, parsed_drop);
	parsers_release(&h->parsers);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	curl_url_cleanup(h->origin);
	ratelimit_release(&h->rl);
	free(h->user_agent);
	free(h->auth);
	free(h);
}
