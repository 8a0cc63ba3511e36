/*
 * parsers.h: the HTTP engine's parse workers.
 *
 * A 200 of JSON whose request has a parse hook (http.h) is parsed on a
 * worker thread (util/pool.h) while the event loop drives the other
 * transfers; the loop takes the finished jobs back and runs their
 * completions on its own thread. The workers start at the first job; when
 * none can start, the callbacks parse, as without hooks.
 *
 * A struct ml_parse_job is embedded in the engine's transfer; between
 * parsers_submit() and the parsers_take() that returns it, it and its body
 * belong to a worker. struct ml_parsers is the engine's.
 */
#ifndef MERGELETTER_PARSERS_H
#define MERGELETTER_PARSERS_H

#include <stddef.h>

#include "mergeletter/net/http.h"
#include "mergeletter/util/pool.h"

struct ml_parse_job {
	struct ml_pool_job job;
	ml_http_parse_fn parse;
	const char *body; /* NUL-terminated */
	size_t len;
	void *parsed; /* parse's result */
};

struct ml_parsers {
	struct ml_pool *pool;
	int threads; /* ml_http_opts.parsers: 0 one per CPU, -1 none */
	size_t min;  /* a shorter body is left to its callback */
	int failed;  /* no worker could start: the callbacks parse */
	int busy;    /* jobs the workers hold */
	void (*wake)(void *);
	void *wake_ud;
};

void parsers_init(struct ml_parsers *p, int threads, size_t min, void (*wake)(void *),
		  void *wake_ud);
/* Hand job (body, len) to a worker for parse: 1 when handed over; 0 when
 * the caller's callback is to parse it (no hook, a short body, no workers). */
int parsers_submit(struct ml_parsers *p, struct ml_parse_job *job, ml_http_parse_fn parse,
		   const char *body, size_t len);
/* A finished job, or NULL. */
struct ml_parse_job *parsers_take(struct ml_parsers *p);
/* Wait for every job and give each to drop (the run stops). */
void parsers_drop(struct ml_parsers *p, void (*drop)(struct ml_parse_job *job));
/* Stop the workers (after parsers_drop()). */
void parsers_release(struct ml_parsers *p);

#endif
