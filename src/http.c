/* http.c: the HTTP engine on libcurl's multi interface.
 *
 * One event loop drives every transfer; at most opts.max_parallel are in
 * flight. The multi handle keeps a connection cache, so transfers to the
 * same host reuse connections (and multiplex over HTTP/2 where offered).
 */
#include "mergeletter/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/buf.h"
#include "mergeletter/error.h"

struct transfer {
	struct ml_http *h;
	CURL *easy;
	char *url;
	char *accept;
	struct ml_buf body;
	struct curl_slist *headers;
	ml_http_done_fn done;
	void *ud;
	char errbuf[CURL_ERROR_SIZE];
	struct transfer *next;
};

struct ml_http {
	CURLM *multi;
	struct ml_http_opts opts;
	char *user_agent;
	char *auth;            /* "Authorization: Bearer …" or NULL */
	struct transfer *queue; /* not started yet, FIFO */
	struct transfer *queue_tail;
	struct transfer *active; /* in flight */
	int nactive;
	unsigned long nrequests;
};

static void transfer_free(struct transfer *t)
{
	if (!t)
		return;
	if (t->easy) {
		if (t->h && t->h->multi)
			curl_multi_remove_handle(t->h->multi, t->easy);
		curl_easy_cleanup(t->easy);
	}
	curl_slist_free_all(t->headers);
	buf_release(&t->body);
	free(t->url);
	free(t->accept);
	free(t);
}

int http_new(struct ml_http **out, const struct ml_http_opts *opts, struct ml_error *err)
{
	struct ml_http *h = calloc(1, sizeof *h);
	struct ml_buf auth = ML_BUF_INIT;

	*out = NULL;
	if (!h)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	h->opts = *opts;
	if (h->opts.max_parallel < 1)
		h->opts.max_parallel = 1;
	h->multi = curl_multi_init();
	h->user_agent = ml_strdup(opts->user_agent ? opts->user_agent : "mergeletter");
	if (opts->token && buf_printf(&auth, "Authorization: Bearer %s", opts->token) == 0)
		h->auth = buf_detach(&auth);
	if (!h->multi || !h->user_agent || (opts->token && !h->auth)) {
		http_free(h);
		return error_set(err, ML_EXIT_FAILURE, "cannot start libcurl");
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.max_parallel);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	*out = h;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;

	return buf_add(&t->body, data, size * nmemb) < 0 ? 0 : size * nmemb;
}

int http_get(struct ml_http *h, const char *url, const char *accept, ml_http_done_fn done,
	     void *ud, struct ml_error *err)
{
	struct transfer *t = calloc(1, sizeof *t);

	if (!t || !(t->url = ml_strdup(url)) || !(t->accept = ml_strdup(accept))) {
		transfer_free(t);
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	t->h = h;
	t->done = done;
	t->ud = ud;
	if (h->queue_tail)
		h->queue_tail->next = t;
	else
		h->queue = t;
	h->queue_tail = t;
	return 0;
}

static int transfer_start(struct ml_http *h, struct transfer *t, struct ml_error *err)
{
	struct ml_buf accept = ML_BUF_INIT;
	CURL *e = curl_easy_init();

	if (!e)
		goto oom;
	t->easy = e;
	if (buf_printf(&accept, "Accept: %s", t->accept) < 0 ||
	    !(t->headers = curl_slist_append(NULL, accept.data)) ||
	    !curl_slist_append(t->headers, "X-GitHub-Api-Version: 2022-11-28") ||
	    (h->auth && !curl_slist_append(t->headers, h->auth)))
		goto oom;
	buf_release(&accept);
	curl_easy_setopt(e, CURLOPT_URL, t->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		return error_set(err, ML_EXIT_FAILURE, "cannot start a transfer of %s", t->url);
	t->next = h->active;
	h->active = t;
	h->nactive++;
	h->nrequests++;
	return 0;
oom:
	buf_release(&accept);
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}

static char *header_copy(CURL *e, const char *name)
{
	struct curl_header *hdr;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK)
		return NULL;
	return ml_strdup(hdr->value);
}

static long header_long(CURL *e, const char *name, long dflt)
{
	char *v = header_copy(e, name), *end;
	long n = dflt;

	if (v) {
		n = strtol(v, &end, 10);
		if (end == v)
			n = dflt;
	}
	free(v);
	return n;
}

static void unlink_active(struct ml_http *h, struct transfer *t)
{
	for (struct transfer **p = &h->active; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			h->nactive--;
			return;
		}
}

static int transfer_finish(struct ml_http *h, struct transfer *t, CURLcode code,
			   struct ml_error *err)
{
	struct ml_http_response r;
	char *link = NULL, *etag = NULL, *resource = NULL;
	curl_off_t total_us = 0;
	int rc;

	if (code != CURLE_OK)
		return error_set(err, ML_EXIT_NETWORK,
				 "GET %s failed: %s; check --api-url and your network connection",
				 t->url, t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
	memset(&r, 0, sizeof r);
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &total_us);
	r.url = t->url;
	r.body = t->body.data ? t->body.data : "";
	r.len = t->body.len;
	r.link = link = header_copy(t->easy, "Link");
	r.etag = etag = header_copy(t->easy, "ETag");
	r.rl_resource = resource = header_copy(t->easy, "x-ratelimit-resource");
	r.rl_remaining = header_long(t->easy, "x-ratelimit-remaining", -1);
	r.rl_reset = header_long(t->easy, "x-ratelimit-reset", 0);
	r.retry_after = header_long(t->easy, "Retry-After", -1);
	if (h->opts.verbose)
		fprintf(stderr, "GET %s -> %ld (%zu bytes, %ld ms)\n", t->url, r.status, r.len,
			(long)(total_us / 1000));
	rc = t->done(t->ud, &r, err);
	free(link);
	free(etag);
	free(resource);
	return rc;
}

int http_run(struct ml_http *h, struct ml_error *err)
{
	int rc = -1;

	for (;;) {
		int still = 0, left;
		CURLMsg *msg;

		while (h->queue && h->nactive < h->opts.max_parallel) {
			struct transfer *t = h->queue;

			h->queue = t->next;
			if (!h->queue)
				h->queue_tail = NULL;
			t->next = NULL;
			if (transfer_start(h, t, err) < 0) {
				transfer_free(t);
				goto done;
			}
		}
		if (h->nactive == 0)
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
			transfer_free(t);
			if (frc < 0)
				goto done;
		}
		if (h->nactive > 0 && !(h->queue && h->nactive < h->opts.max_parallel))
			curl_multi_poll(h->multi, NULL, 0, 1000, NULL);
	}
	rc = 0;
done:
	if (rc < 0) { /* abandon everything still queued or in flight */
		while (h->active) {
			struct transfer *t = h->active;

			h->active = t->next;
			transfer_free(t);
		}
		h->nactive = 0;
		while (h->queue) {
			struct transfer *t = h->queue;

			h->queue = t->next;
			transfer_free(t);
		}
		h->queue_tail = NULL;
	}
	return rc;
}

unsigned long http_request_count(const struct ml_http *h)
{
	return h->nrequests;
}

void http_free(struct ml_http *h)
{
	if (!h)
		return;
	while (h->active) {
		struct transfer *t = h->active;

		h->active = t->next;
		transfer_free(t);
	}
	while (h->queue) {
		struct transfer *t = h->queue;

		h->queue = t->next;
		transfer_free(t);
	}
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h->user_agent);
	free(h->auth);
	free(h);
}
