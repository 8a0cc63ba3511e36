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
 */
#include "mergeletter/net/http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/pool.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

enum resource { RES_CORE = 0, RES_SEARCH = 1, RES_COUNT };

#define SECONDARY_DEFAULT_WAIT 60 /* seconds, when a secondary limit gives no Retry-After */
#define BACKOFF_CAP_MS 30000
#define PRIMARY_WAITS_MAX 2 /* rate-limit resets one request may wait for */
#define SEARCH_WINDOW_MS 60000
#define POLL_MAX_MS 1000
#define MAX_REDIRECTS 5
#define ANNOUNCE_WAIT_MS 5000 /* waits longer than this are announced */

struct transfer {
	struct ml_http *h;
	CURL *easy;
	char *url;
	char *accept;
	enum resource res;
	struct ml_buf body;
	struct ml_buf keep; /* records the callback hands to the cache */
	struct curl_slist *headers;
	struct ml_cache_entry cached; /* loaded at start when a cache is set */
	ml_http_done_fn done;
	int link_seen;	   /* req.on_link was called (never twice, retries included) */
	int link_followed; /* and said it followed the link */
	void *ud;
	struct ml_http_req req;			 /* its options (accept points to the copy above) */
	char *link, *etag, *resource, *modified; /* the answer's headers */
	/* While a worker runs the parse hook (job is the pool's), the answer
	 * waits in resp; the hook's result goes to parsed. */
	struct ml_http_response resp;
	void *parsed;
	struct ml_pool_job job;
	int attempts;	    /* sent so far */
	int waits;	    /* primary-limit waits so far */
	int redirects;	    /* same-origin redirects followed */
	int too_big;	    /* the body passed max_body: the transfer was aborted */
	int skip_cache;	    /* the cached body was broken: ask for a fresh one */
	char *why;	    /* the last retried failure, e.g. "HTTP 502" */
	int why_transport;  /* why is libcurl's: the request got no answer */
	int64_t not_before; /* monotonic ms */
	int64_t started;
	char errbuf[CURL_ERROR_SIZE];
	struct transfer *next;
};

/* The search budget as GitHub last reported it; until it does, the
 * search_per_minute ring paces the search requests. */
struct search_budget {
	int known;
	int64_t newest; /* the latest reset any answer reported: its window is the current one */
	long left;	/* requests that may still start before the reset */
	int64_t reset;	/* epoch seconds */
	long limit;
};

struct ml_http {
	CURLM *multi;
	struct ml_http_opts opts;
	int parallel; /* current bound on transfers in flight */
	char *user_agent;
	char *auth;		/* "Authorization: Bearer …" or NULL */
	CURLU *origin;		/* the parsed API URL, or NULL */
	int64_t deadline;	/* monotonic ms the run ends at, 0: none */
	struct transfer *queue; /* not started yet, FIFO */
	struct transfer *queue_tail;
	/* The last follow-up in the queue: follow-ups are its prefix, in the
	 * order queued (first come, first sent), ahead of the rest. */
	struct transfer *urgent_tail;
	int in_callback;
	struct transfer *active; /* in flight */
	int nactive;
	int64_t hold_until[RES_COUNT]; /* monotonic ms: a rate limit holds the resource */
	char *blocked[RES_COUNT];      /* a rate limit beyond --max-wait closed it: why */
	int64_t *search_starts;	       /* ring of the last search_per_minute start times */
	int search_next;
	struct search_budget budget; /* from the search answers' X-RateLimit-* headers */
	uint64_t rng;
	struct ml_pool *pool; /* parse hooks' workers, started at the first hook */
	int pool_failed;      /* none could start: the callbacks parse */
	int nparsing;	      /* transfers the pool holds */
};

static void transfer_reset(struct transfer *t)
{
	if (t->easy) {
		if (t->h && t->h->multi)
			curl_multi_remove_handle(t->h->multi, t->easy);
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
	}
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	buf_release(&t->body);
	buf_release(&t->keep);
	cache_entry_release(&t->cached);
	free(t->link);
	free(t->etag);
	free(t->resource);
	free(t->modified);
	t->link = t->etag = t->resource = t->modified = NULL;
	if (t->parsed && t->req.parsed_free)
		t->req.parsed_free(t->parsed);
	t->parsed = NULL;
	t->errbuf[0] = '\0';
}

static void transfer_free(struct transfer *t)
{
	if (!t)
		return;
	transfer_reset(t);
	free(t->url);
	free(t->accept);
	free(t->why);
	free(t);
}

static void list_free(struct transfer **head)
{
	while (*head) {
		struct transfer *t = *head;

		*head = t->next;
		transfer_free(t);
	}
}

static int loopback(const char *host)
{
	struct in_addr a4;

	if (ml_strcaseeq(host, "localhost") || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* A URL's scheme, host and port, newly allocated by libcurl; 0 or -1. */
static int url_origin(CURLU *u, char **scheme, char **host, char **port)
{
	*scheme = *host = *port = NULL;
	if (curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		curl_free(*scheme);
		curl_free(*host);
		curl_free(*port);
		*scheme = *host = *port = NULL;
		return -1;
	}
	return 0;
}

/* Parse the API URL; with a token, refuse plain http to anything but a
 * loopback address. */
static int origin_parse(struct ml_http *h, const char *api_url, struct ml_error *err)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	if (!(h->origin = curl_url()) ||
	    curl_url_set(h->origin, CURLUPART_URL, api_url, 0) != CURLUE_OK ||
	    url_origin(h->origin, &scheme, &host, &port) < 0) {
		error_set(err, ML_EXIT_USAGE,
			  "invalid API URL '%s'; give --api-url as https://host[/path]", api_url);
		goto done;
	}
	if (h->opts.token && ml_strcaseeq(scheme, "http") && !loopback(host)) {
		error_set(err, ML_EXIT_USAGE,
			  "refusing to send the token in cleartext to %s: --api-url is plain http "
			  "and not a loopback address; use https://",
			  host);
		goto done;
	}
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return rc;
}

int http_same_origin(const struct ml_http *h, const char *url)
{
	char *s1 = NULL, *h1 = NULL, *p1 = NULL, *s2 = NULL, *h2 = NULL, *p2 = NULL;
	CURLU *u = curl_url();
	int same = 0;

	if (!h->origin)
		return 1;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    url_origin(u, &s1, &h1, &p1) == 0 && url_origin(h->origin, &s2, &h2, &p2) == 0)
		same = ml_strcaseeq(s1, s2) && ml_strcaseeq(h1, h2) && strcmp(p1, p2) == 0;
	curl_free(s1);
	curl_free(h1);
	curl_free(p1);
	curl_free(s2);
	curl_free(h2);
	curl_free(p2);
	curl_url_cleanup(u);
	return same;
}

int http_expired(const struct ml_http *h)
{
	return h->deadline && progress_now_ms() >= h->deadline;
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
	if (h->opts.max_retries < 0)
		h->opts.max_retries = 0;
	h->parallel = h->opts.max_parallel;
	if (h->opts.run_timeout_s > 0)
		h->deadline = progress_now_ms() + h->opts.run_timeout_s * 1000;
	if (opts->api_url && origin_parse(h, opts->api_url, err) < 0) {
		http_free(h);
		return -1;
	}
	h->multi = curl_multi_init();
	h->user_agent = ml_strdup(opts->user_agent ? opts->user_agent : "mergeletter");
	if (opts->token && buf_printf(&auth, "Authorization: Bearer %s", opts->token) == 0)
		h->auth = buf_detach(&auth);
	if (h->opts.search_per_minute > 0)
		h->search_starts =
		    calloc((size_t)h->opts.search_per_minute, sizeof *h->search_starts);
	if (!h->multi || !h->user_agent || (opts->token && !h->auth) ||
	    (h->opts.search_per_minute > 0 && !h->search_starts)) {
		http_free(h);
		return error_set(err, ML_EXIT_FAILURE, "cannot start libcurl");
	}
	h->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)h;
	if (!h->rng)
		h->rng = 0x9e3779b97f4a7c15ULL;
	curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.max_parallel);
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->opts.max_parallel);
	curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	*out = h;
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;
	size_t n = size * nmemb;

	long long max = t->h->opts.max_body;

	if (t->req.max_bytes && (long long)t->req.max_bytes < max)
		max = (long long)t->req.max_bytes;
	if ((long long)(t->body.len + n) > max) {
		t->too_big = 1; /* abort now, without reading the rest */
		return 0;
	}
	return buf_add(&t->body, data, n) < 0 ? 0 : n;
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

static enum resource resource_of(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p && strstr(p, "/search/") && strstr(p, "/search/") < p + strcspn(p, "?")
		   ? RES_SEARCH
		   : RES_CORE;
}

int http_get(struct ml_http *h, const char *url, const char *accept, ml_http_done_fn done, void *ud,
	     struct ml_error *err)
{
	struct ml_http_req req = ML_HTTP_REQ_INIT;

	req.accept = accept;
	return http_get_opts(h, url, &req, done, ud, err);
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
	t->res = resource_of(url);
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

/* A search answer's X-RateLimit-* headers: the budget it leaves. Searches
 * still in flight were counted by GitHub before or after this answer; the
 * count left assumes after (it may wait a little early, never overspend). */
static void search_budget_note(struct ml_http *h, const struct ml_http_response *r)
{
	long inflight = 0;

	if (r->rl_remaining < 0 || r->rl_reset <= 0 ||
	    (r->rl_resource && strcmp(r->rl_resource, "search") != 0))
		return;
	/* a late answer of a window that has since reset says nothing of this one */
	if (r->rl_reset < h->budget.newest)
		return;
	h->budget.newest = r->rl_reset;
	for (const struct transfer *a = h->active; a; a = a->next)
		inflight += a->res == RES_SEARCH;
	h->budget.known = 1;
	h->budget.left = r->rl_remaining > inflight ? r->rl_remaining - inflight : 0;
	h->budget.reset = r->rl_reset;
	h->budget.limit = r->rl_limit;
}

/* When the budget is spent, a search waits for the reset (monotonic ms). */
static int64_t search_budget_ready_at(const struct ml_http *h, int64_t at)
{
	int64_t now = (int64_t)time(NULL), reset_at;

	if (h->budget.left > 0 || now >= h->budget.reset ||
	    h->budget.reset - now > h->opts.max_wait) /* then GitHub's answer says why */
		return at;
	reset_at = progress_now_ms() + (h->budget.reset - now + 1) * 1000;
	return reset_at > at ? reset_at : at;
}

/* A search starts: one request less in the window (a new window after the
 * reset holds the limit). */
static void search_budget_take(struct ml_http *h)
{
	int64_t now = (int64_t)time(NULL);

	if (!h->budget.known)
		return;
	if (now >= h->budget.reset) {
		h->budget.left = h->budget.limit > 0 ? h->budget.limit : 1;
		h->budget.reset = now + SEARCH_WINDOW_MS / 1000;
	}
	if (h->budget.left > 0)
		h->budget.left--;
}

int http_parallel(const struct ml_http *h)
{
	return h->parallel;
}

int http_search_budget(const struct ml_http *h, long *remaining, long *limit, int64_t *reset)
{
	if (!h || !h->budget.known)
		return 0;
	*remaining = h->budget.left;
	*limit = h->budget.limit;
	*reset = h->budget.reset;
	return 1;
}

static int transfer_start(struct ml_http *h, struct transfer *t, struct ml_error *err)
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
	    (h->auth && !t->req.no_auth && http_same_origin(h, t->url) &&
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
	if (t->res == RES_SEARCH)
		search_budget_take(h);
	if (t->res == RES_SEARCH && h->search_starts) {
		h->search_starts[h->search_next] = t->started;
		h->search_next = (h->search_next + 1) % h->opts.search_per_minute;
	}
	return 0;
oom:
	buf_release(&line);
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
			t->next = NULL;
			h->nactive--;
			return;
		}
}

static uint64_t rng_next(struct ml_http *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

/* Exponential backoff with jitter: a random delay in [d/2, d], d = base * 2^(n-1). */
static long backoff_ms(struct ml_http *h, int attempt)
{
	long d = h->opts.retry_base_ms > 0 ? h->opts.retry_base_ms : 1;

	for (int i = 1; i < attempt && d < BACKOFF_CAP_MS; i++)
		d *= 2;
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	return d / 2 + (long)(rng_next(h) % (uint64_t)(d / 2 + 1));
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

/* Remember why t is retried, for the message when it fails for good. */
static void set_why(struct transfer *t, const char *why)
{
	char *copy = ml_strdup(why);

	t->why_transport = 0;
	if (copy) {
		free(t->why);
		t->why = copy;
	}
}

static int retryable(CURLcode code)
{
	switch (code) {
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

static int is_secondary(const struct ml_http_response *r)
{
	if (r->status != 403 && r->status != 429)
		return 0;
	if (r->retry_after >= 0)
		return 1;
	return strstr(r->body, "secondary rate limit") != NULL ||
	       strstr(r->body, "abuse detection") != NULL;
}

static const char *resource_name(enum resource res)
{
	return res == RES_SEARCH ? "search" : "core";
}

/* A rate limit closes resource res for the rest of the run: its requests
 * fail without being sent, with the message in why (the first one stays). */
static int block(struct ml_http *h, int res, const struct ml_buf *why, struct ml_error *err)
{
	if (h->blocked[res])
		return 0;
	if (!why->data || !(h->blocked[res] = ml_strdup(why->data)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	progress_warn(h->opts.progress, "%s", h->blocked[res]);
	return 0;
}

/* 1: the transfer was rescheduled (a wait or a retry); 0: deliver it;
 * 2: it failed for good (t->why); -1: stop. */
static int rate_limit(struct ml_http *h, struct transfer *t, const struct ml_http_response *r,
		      struct ml_error *err)
{
	struct ml_buf why = ML_BUF_INIT;
	int64_t now = progress_now_ms();
	int rc = 0;

	if (is_secondary(r)) {
		long wait = r->retry_after >= 0 ? r->retry_after : SECONDARY_DEFAULT_WAIT;

		if (wait > h->opts.max_wait) {
			buf_printf(
			    &why,
			    "GitHub's secondary rate limit (HTTP %ld) asks to wait %ld s, more "
			    "than --max-wait %ld; try again in a few minutes, with fewer --jobs",
			    r->status, wait, h->opts.max_wait);
			for (int i = 0; i < RES_COUNT; i++)
				if (block(h, i, &why, err) < 0)
					rc = -1;
			goto blocked;
		}
		if (t->attempts > h->opts.max_retries) {
			set_why(t, "GitHub's secondary rate limit");
			return 2; /* a failure of this request */
		}
		if (h->parallel > 1)
			h->parallel /= 2;
		for (int i = 0; i < RES_COUNT; i++)
			if (h->hold_until[i] < now + wait * 1000)
				h->hold_until[i] = now + wait * 1000;
		reschedule(h, t, wait * 1000, "secondary rate limit; concurrency lowered");
		return 1;
	}
	if (r->rl_remaining == 0 && t->res == RES_SEARCH && h->opts.search_spent_answers)
		return 0;
	if (r->rl_remaining == 0) {
		int64_t wait = r->rl_reset - (int64_t)time(NULL) + 1;
		char reset[32];

		if (wait < 1)
			wait = 1;
		if (wait <= h->opts.max_wait && t->waits < PRIMARY_WAITS_MAX) {
			enum resource res = r->rl_resource && strcmp(r->rl_resource, "search") == 0
						? RES_SEARCH
						: t->res;

			t->waits++;
			if (h->hold_until[res] < now + wait * 1000)
				h->hold_until[res] = now + wait * 1000;
			reschedule(h, t, (long)wait * 1000,
				   "primary rate limit; waiting for the reset");
			return 1;
		}
		range_format_iso(r->rl_reset, reset, sizeof reset);
		buf_printf(
		    &why,
		    "GitHub API rate limit (%s) exhausted (HTTP %ld); it resets at %s, in %lld s, "
		    "beyond --max-wait %ld; %s",
		    r->rl_resource ? r->rl_resource : resource_name(t->res), r->status, reset,
		    (long long)wait, h->opts.max_wait,
		    h->auth
			? "try again after the reset, or raise --max-wait"
			: "set GH_TOKEN for 5000 requests an hour, or try again after the reset");
		if (block(h, t->res, &why, err) < 0)
			rc = -1;
		goto blocked;
	}
	return 0;
blocked:
	buf_release(&why);
	if (rc == 0)
		set_why(t, h->blocked[t->res]);
	return rc < 0 ? -1 : 2;
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

/* An empty answer about t: no status, no body, no headers. */
static void response_init(struct ml_http_response *r, const struct transfer *t)
{
	memset(r, 0, sizeof *r);
	r->url = t->url;
	r->body = "";
	r->rl_remaining = -1;
	r->retry_after = -1;
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

	response_init(&r, t);
	buf_printf(&why, "not finished within --timeout %ld s", h->opts.run_timeout_s);
	set_why(t, why.data ? why.data : "not finished within --timeout");
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
		t->res = resource_of(copy);
		reschedule(h, t, 0, "redirect");
		return 1;
	}
	set_why(t, why.data ? why.data : "out of memory");
	buf_release(&why);
	return 2;
}

static void wake_loop(void *ud)
{
	struct ml_http *h = ud;

	curl_multi_wakeup(h->multi);
}

static struct transfer *transfer_of_job(struct ml_pool_job *job)
{
	return (struct transfer *)(void *)((char *)job - offsetof(struct transfer, job));
}

/* On a worker: the parse hook on the body that waits in resp. */
static void parse_run(struct ml_pool_job *job)
{
	struct transfer *t = transfer_of_job(job);

	t->parsed = t->req.parse(t->resp.body, t->resp.len);
}

static int parsers_of(const struct ml_http *h)
{
	long n = h->opts.parsers;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > ML_HTTP_PARSERS_MAX ? ML_HTTP_PARSERS_MAX : (int)n;
}

/* Hand t's answer r (a 200 of JSON) to a worker to parse while the loop
 * goes on; its completion runs when the worker is done (http_run). 1 when
 * handed over; 0 when the callback is to parse it (no hook, no workers). */
static int parse_later(struct ml_http *h, struct transfer *t, const struct ml_http_response *r)
{
	struct ml_error err = ML_ERROR_INIT;

	if (!t->req.parse || r->records || r->len < h->opts.parse_min || h->opts.parsers < 0 ||
	    h->pool_failed)
		return 0;
	if (!h->pool && pool_new(&h->pool, parsers_of(h), wake_loop, h, &err) < 0) {
		h->pool_failed = 1; /* the callbacks parse, as without hooks */
		error_clear(&err);
		return 0;
	}
	t->resp = *r;
	t->job.run = parse_run;
	h->nparsing++;
	pool_submit(h->pool, &t->job);
	return 1;
}

/* Every transfer the workers hold, waited for and freed (the run stops). */
static void parsing_drop(struct ml_http *h)
{
	struct ml_pool_job *job;

	if (!h->pool)
		return;
	pool_wait(h->pool);
	while ((job = pool_take(h->pool)) != NULL)
		transfer_free(transfer_of_job(job));
	h->nparsing = 0;
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
		set_why(t, err->msg ? err->msg : "a broken answer");
		error_clear(err);
		if (t->attempts <= retries_of(h, t)) {
			reschedule(h, t, backoff_ms(h, t->attempts), t->why);
			return 1;
		}
		response_init(&failed, t);
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

	response_init(&r, t);
	if (code != CURLE_OK) {
		progress_request(h->opts.progress, "GET", t->url, 0, t->body.len, ms,
				 ML_CACHE_NONE);
		if (http_expired(h)) {
			rc = fail_expired(h, t, err);
			goto done;
		}
		if ((t->too_big || code == CURLE_FILESIZE_EXCEEDED) && t->req.max_bytes)
			buf_printf(&why, "the answer is larger than the limit of %zu bytes",
				   t->req.max_bytes);
		else if (t->too_big || code == CURLE_FILESIZE_EXCEEDED)
			buf_printf(&why, "the answer is larger than the limit of %lld MB",
				   h->opts.max_body / (1024 * 1024));
		else if (code == CURLE_OPERATION_TIMEDOUT && strstr(t->errbuf, "too slow"))
			buf_printf(&why, "stalled (under %d bytes/s for %ld s)",
				   ML_HTTP_STALL_BYTES_PER_S, h->opts.stall_s);
		else if (code == CURLE_OPERATION_TIMEDOUT)
			buf_puts(&why, "timed out"); /* libcurl's text counts milliseconds */
		else
			buf_puts(&why, t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
		set_why(t, why.data ? why.data : curl_easy_strerror(code));
		t->why_transport = !t->too_big && code != CURLE_FILESIZE_EXCEEDED;
		if (!t->too_big && retryable(code) && t->attempts <= retries_of(h, t)) {
			reschedule(h, t, backoff_ms(h, t->attempts), t->why);
			rc = 1;
			goto done;
		}
		rc = deliver_failure(h, t, &r, 0, err);
		goto done;
	}
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
	r.body = t->body.data ? t->body.data : "";
	r.len = t->body.len;
	r.link = t->link = header_copy(t->easy, "Link");
	r.etag = t->etag = header_copy(t->easy, "ETag");
	r.rl_resource = t->resource = header_copy(t->easy, "x-ratelimit-resource");
	r.link_followed = t->link_followed;
	r.rl_remaining = header_long(t->easy, "x-ratelimit-remaining", -1);
	r.rl_reset = header_long(t->easy, "x-ratelimit-reset", 0);
	r.rl_limit = header_long(t->easy, "x-ratelimit-limit", -1);
	r.retry_after = header_long(t->easy, "Retry-After", -1);
	if (t->res == RES_SEARCH)
		search_budget_note(h, &r);
	r.last_modified = t->modified = header_copy(t->easy, "Last-Modified");
	progress_request(h->opts.progress, "GET", t->url, r.status, r.len, ms,
			 r.status == 304 && t->cached.body ? ML_CACHE_REVALIDATED : ML_CACHE_NONE);
	if (r.status == 304 && t->cached.body) {
		r.status = 200;
		r.body = t->cached.body;
		r.len = t->cached.len;
		r.link = t->cached.link;
		r.etag = t->cached.etag;
		r.last_modified = t->cached.modified;
		r.from_cache = 1;
		r.records = t->cached.records;
		if (h->opts.cache && !t->cached.records)
			r.keep =
			    &t->keep; /* an entry of whole bodies: the callback may compact it */
	} else if (r.status >= 300 && r.status <= 399) {
		rc = redirect(h, t);
		if (rc == 2)
			rc = deliver_failure(h, t, &r, 0, err);
		goto done;
	} else if (r.status >= 500 && r.status <= 599) {
		long delay = backoff_ms(h, t->attempts);

		buf_printf(&why, "HTTP %ld", r.status);
		set_why(t, why.data ? why.data : "server error");
		if (t->attempts > retries_of(h, t)) {
			rc = deliver_failure(h, t, &r, 0, err);
			goto done;
		}
		if (r.retry_after > 0 && r.retry_after <= h->opts.max_wait &&
		    r.retry_after * 1000 > delay)
			delay = r.retry_after * 1000;
		reschedule(h, t, delay, "server error");
		rc = 1;
		goto done;
	} else if ((r.status == 403 || r.status == 429) && !t->req.no_auth) {
		int limit = rate_limit(h, t, &r, err);

		if (limit == 2) {
			rc = deliver_failure(h, t, &r, 0, err);
			goto done;
		}
		if (limit != 0) {
			rc = limit;
			goto done;
		}
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
		set_why(t, "offline, and not in the cache");
		response_init(&r, t);
		return deliver_failure(h, t, &r, 0, err);
	}
	if (!t->cached.body)
		return error_set(err, ML_EXIT_NETWORK,
				 "offline: no cached response for GET %s; run once without "
				 "--offline to fill the cache",
				 t->url);
	response_init(&r, t);
	r.status = t->cached.status;
	r.body = t->cached.body;
	r.len = t->cached.len;
	r.link = t->cached.link;
	r.etag = t->cached.etag;
	r.records = t->cached.records;
	r.last_modified = t->cached.modified;
	r.from_cache = 1;
	progress_request(h->opts.progress, "GET", t->url, r.status, r.len, 0, ML_CACHE_OFFLINE);
	rc = deliver(h, t, &r, err);
	if (rc == ML_HTTP_BROKEN) { /* no other copy to try */
		set_why(t, err->msg ? err->msg : "a broken answer in the cache");
		error_clear(err);
		response_init(&r, t);
		rc = deliver_failure(h, t, &r, 0, err);
	}
	return rc;
}

/* The time from which t may start (monotonic ms). */
static int64_t ready_at(const struct ml_http *h, const struct transfer *t)
{
	int64_t at = t->not_before;

	if (h->hold_until[t->res] > at)
		at = h->hold_until[t->res];
	if (t->res == RES_SEARCH && h->budget.known)
		return search_budget_ready_at(h, at);
	if (t->res == RES_SEARCH && h->search_starts) {
		/* the oldest of the last N starts must be a minute old */
		int64_t oldest = h->search_starts[h->search_next];

		if (oldest && oldest + SEARCH_WINDOW_MS > at)
			at = oldest + SEARCH_WINDOW_MS;
	}
	return at;
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

		if (!h->opts.offline && h->nactive >= h->parallel)
			break;
		at = h->opts.offline ? 0 : ready_at(h, t);
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
		if (h->opts.offline || h->blocked[t->res]) {
			int rc;

			if (h->opts.offline) {
				rc = answer_offline(h, t, err);
			} else { /* fails without a request */
				struct ml_http_response r;

				set_why(t, h->blocked[t->res]);
				response_init(&r, t);
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
		struct ml_pool_job *job;

		if (http_expired(h) && expire_all(h, err) < 0)
			goto done;
		if (start_ready(h, &wake, err) < 0)
			goto done;
		if (h->nactive == 0 && !h->queue && h->nparsing == 0)
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
		while (h->pool && (job = pool_take(h->pool)) != NULL) {
			struct transfer *t = transfer_of_job(job);

			h->nparsing--;
			t->resp.parsed = t->parsed;
			timeout = 0;
			if (completed(h, t, transfer_deliver(h, t, &t->resp, err), err) < 0)
				goto done;
		}
		if (timeout && wake >= 0) {
			int64_t until = wake - progress_now_ms();

			if (until < timeout)
				timeout = until < 0 ? 0 : (long)until;
		}
		if (timeout && h->queue && h->nactive < h->parallel && wake < 0)
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
		list_free(&h->active);
		h->nactive = 0;
		list_free(&h->queue);
		h->queue_tail = h->urgent_tail = NULL;
		parsing_drop(h);
	}
	return rc;
}

void http_free(struct ml_http *h)
{
	if (!h)
		return;
	list_free(&h->active);
	list_free(&h->queue);
	parsing_drop(h);
	pool_free(h->pool);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	curl_url_cleanup(h->origin);
	for (int i = 0; i < RES_COUNT; i++)
		free(h->blocked[i]);
	free(h->search_starts);
	free(h->user_agent);
	free(h->auth);
	free(h);
}
