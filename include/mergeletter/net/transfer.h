/*
 * transfer.h: one request of the HTTP engine (http.c) and its libcurl
 * easy handle. Private to src/net: the engine's structs, shared by the
 * engine's loop (http.c) and the transfer's own code (transfer.c).
 *
 * A struct transfer is owned by one list at a time: the engine's queue,
 * its active list, or the parse workers (parsers.h). transfer_reset()
 * returns it to the state of a queued request (no easy handle, no answer)
 * for a retry; transfer_free() frees it.
 */
#ifndef MERGELETTER_TRANSFER_H
#define MERGELETTER_TRANSFER_H

#include <curl/curl.h>
#include <stdint.h>

#include "mergeletter/net/cache.h"
#include "mergeletter/net/http_types.h"
#include "mergeletter/net/parsers.h"
#include "mergeletter/net/ratelimit.h"
#include "mergeletter/util/buf.h"

struct ml_error;

struct transfer {
	struct ml_http *h;
	CURL *easy;
	char *url;
	char *accept;
	enum ml_resource res;
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
	/* While a worker runs the parse hook (pj is the workers'), the answer
	 * waits in resp; the hook's result goes to pj.parsed. */
	struct ml_http_response resp;
	struct ml_parse_job pj;
	int attempts;	/* sent so far */
	int waits;	/* primary-limit waits so far */
	int redirects;	/* same-origin redirects followed */
	int too_big;	/* the transfer was aborted: ML_TOO_BIG_BODY (max_body) or _RUN (budget) */
	int skip_cache; /* the cached body was broken: ask for a fresh one */
	char *why;	/* the last retried failure, e.g. "HTTP 502" */
	int why_transport;  /* why is libcurl's: the request got no answer */
	int64_t not_before; /* monotonic ms */
	int64_t started;
	char errbuf[CURL_ERROR_SIZE];
	struct transfer *next;
};

struct ml_http {
	CURLM *multi;
	struct ml_http_opts opts;
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
	struct ml_ratelimit rl;	   /* the retry and rate-limit policy, parallel included */
	struct ml_parsers parsers; /* parse hooks' workers */
	size_t body_held;	   /* bytes the bodies of the transfers hold (allocated) */
};

void transfer_reset(struct transfer *t);
void transfer_free(struct transfer *t); /* accepts NULL */
void transfer_list_free(struct transfer **head);
/* Give t an easy handle with its headers and bounds and add it to h's
 * multi handle and active list. 0 or -1. */
int transfer_start(struct ml_http *h, struct transfer *t, struct ml_error *err);
/* The answer's header name, newly allocated, or NULL. */
char *transfer_header(CURL *e, const char *name);
/* Remember why t is retried, for the message when it fails for good. */
void transfer_set_why(struct transfer *t, const char *why);
/* An empty answer about t: no status, no body, no headers. */
void transfer_response_init(struct ml_http_response *r, const struct transfer *t);
/* The answer is t's cached entry, with the given status. */
void transfer_response_cached(struct ml_http_response *r, const struct transfer *t, long status);

#endif
