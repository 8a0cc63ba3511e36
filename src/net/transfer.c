/* transfer.c: one request on its libcurl easy handle (transfer.h): its
 * headers and bounds, the body as it arrives (cut off past max_body, or
 * past the run's body budget, counted in h->body_held), the
 * Link header told to on_link as soon as it arrives. */
#include "mergeletter/net/transfer.h"

#include "mergeletter/net/origin.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"

void transfer_reset(struct transfer *t)
{
	if (t->easy) {
		if (t->h && t->h->multi)
			curl_multi_remove_handle(t->h->multi, t->easy);
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
	}
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	if (t->h)
		t->h->body_held -= t->body.cap;
	buf_release(&t->body);
	buf_release(&t->keep);
	cache_entry_release(&t->cached);
	free(t->link);
	free(t->etag);
	free(t->resource);
	free(t->modified);
	t->link = t->etag = t->resource = t->modified = NULL;
	if (t->pj.parsed && t->req.parsed_free)
		t->req.parsed_free(t->pj.parsed);
	t->pj.parsed = NULL;
	t->errbuf[0] = '\0';
}

void transfer_free(struct transfer *t)
{
	if (!t)
		return;
	transfer_reset(t);
	free(t->url);
	free(t->accept);
	free(t->why);
	free(t);
}

void transfer_list_free(struct transfer **head)
{
	while (*head) {
		struct transfer *t = *head;

		*head = t->next;
		transfer_free(t);
	}
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;
	struct ml_http *h = t->h;
	size_t n = size * nmemb, cap = buf_cap_for(&t->body, n), before = t->body.cap;
	long long max = h->opts.max_body;

	if (t->req.max_bytes && (long long)t->req.max_bytes < max)
		max = (long long)t->req.max_bytes;
	if ((long long)(t->body.len + n) > max) {
		t->too_big = ML_TOO_BIG_BODY; /* abort now, without reading the rest */
		return 0;
	}
	/* the run's budget: what this body would hold, with every other one */
	if (cap == 0 || (h->opts.body_budget && cap > before &&
			 h->body_held - before + cap > h->opts.body_budget)) {
		t->too_big = ML_TOO_BIG_RUN;
		return 0;
	}
	if (buf_add(&t->body, data, n) < 0)
		return 0;
	h->body_held += t->body.cap - before;
	return n;
}

/* A header line: a 200's Link header goes to req.on_link at once (once);
 * so does, at the end of a 304's headers, the Link of the cached page it
 * confirms (the page is unchanged, and so is its Link). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;
	size_t n = size * nmemb;
	long status = 0;
	char *v = NULL;
	const char *link = NULL;
	int is_link = n >= 5 && strncasecmp(data, "link:", 5) == 0;
	int is_end = n > 0 && (data[0] == '\r' || data[0] == '\n'); /* the blank line after them */

	if (t->link_seen || (!is_link && !is_end))
		return n;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200 && is_link && (v = ml_strndup(data + 5, n - 5)) != NULL) {
		v[strcspn(v, "\r\n")] = '\0';
		link = v + strspn(v, " \t");
	} else if (status == 304 && is_end && t->cached.body && t->cached.link) {
		link = t->cached.link;
	}
	if (link) {
		t->link_seen = 1;
		t->h->in_callback = 1;
		t->link_followed = t->req.on_link(t->ud, link);
		t->h->in_callback = 0;
	}
	free(v);
	return n;
}

int transfer_start(struct ml_http *h, struct transfer *t, struct ml_error *err)
{
	struct ml_buf line = ML_BUF_INIT;
	CURL *e = curl_easy_init();
	long timeout = t->req.timeout_ms > 0 ? t->req.timeout_ms : h->opts.timeout_ms;

	if (h->deadline) {
		int64_t left = h->deadline - progress_now_ms();

		if (left < timeout)
			timeout = left < 1 ? 1 : (long)left;
	}
	if (!e)
		goto oom;
	t->easy = e;
	if (buf_printf(&line, "Accept: %s", t->accept) < 0 ||
	    !(t->headers = curl_slist_append(NULL, line.data)) ||
	    (!t->req.no_auth &&
	     !curl_slist_append(t->headers, "X-GitHub-Api-Version: 2022-11-28")) ||
	    (h->auth && !t->req.no_auth && origin_same(h->origin, t->url) &&
	     !curl_slist_append(t->headers, h->auth)))
		goto oom;
	if (t->cached.etag) {
		buf_reset(&line);
		if (buf_printf(&line, "If-None-Match: %s", t->cached.etag) < 0 ||
		    !curl_slist_append(t->headers, line.data))
			goto oom;
	}
	if (t->cached.modified) {
		buf_reset(&line);
		if (buf_printf(&line, "If-Modified-Since: %s", t->cached.modified) < 0 ||
		    !curl_slist_append(t->headers, line.data))
			goto oom;
	}
	buf_release(&line);
	curl_easy_setopt(e, CURLOPT_URL, t->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	if (t->req.on_link) {
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	}
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* redirects are followed in transfer_finish(), same origin only */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, (long)ML_HTTP_STALL_BYTES_PER_S);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->opts.stall_s);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->opts.max_body);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Over TLS, wait for a connection that may multiplex rather than open another. */
	if (strncmp(t->url, "https:", 6) == 0)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		return error_set(err, ML_EXIT_FAILURE, "cannot start a transfer of %s", t->url);
	t->next = h->active;
	h->active = t;
	h->nactive++;
	t->attempts++;
	t->started = progress_now_ms();
	ratelimit_started(&h->rl, t->res, t->started);
	return 0;
oom:
	buf_release(&line);
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}

char *transfer_header(CURL *e, const char *name)
{
	struct curl_header *hdr;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK)
		return NULL;
	return ml_strdup(hdr->value);
}

/* Remember why t is retried, for the message when it fails for good. */
void transfer_set_why(struct transfer *t, const char *why)
{
	char *copy = ml_strdup(why);

	t->why_transport = 0;
	if (copy) {
		free(t->why);
		t->why = copy;
	}
}

/* An empty answer about t: no status, no body, no headers. */
void transfer_response_init(struct ml_http_response *r, const struct transfer *t)
{
	memset(r, 0, sizeof *r);
	r->url = t->url;
	r->body = "";
	r->rl_remaining = -1;
	r->retry_after = -1;
}

/* The answer is t's cached entry, with the given status. */
void transfer_response_cached(struct ml_http_response *r, const struct transfer *t, long status)
{
	r->status = status;
	r->body = t->cached.body;
	r->len = t->cached.len;
	r->link = t->cached.link;
	r->etag = t->cached.etag;
	r->last_modified = t->cached.modified;
	r->from_cache = 1;
	r->records = t->cached.records;
}
