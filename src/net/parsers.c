/* parsers.c: parse hooks on worker threads (parsers.h). */
#include "mergeletter/net/parsers.h"

#include <stddef.h>
#include <unistd.h>

#include "mergeletter/util/error.h"

void parsers_init(struct ml_parsers *p, int threads, size_t min, void (*wake)(void *),
		  void *wake_ud)
{
	*p = (struct ml_parsers){.threads = threads, .min = min, .wake = wake, .wake_ud = wake_ud};
}

static struct ml_parse_job *job_of(struct ml_pool_job *job)
{
	return (struct ml_parse_job *)(void *)((char *)job - offsetof(struct ml_parse_job, job));
}

/* On a worker: the parse hook on the body. */
static void parse_run(struct ml_pool_job *job)
{
	struct ml_parse_job *j = job_of(job);

	j->parsed = j->parse(j->body, j->len);
}

static int threads_of(const struct ml_parsers *p)
{
	long n = p->threads;

	if (n == 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > ML_HTTP_PARSERS_MAX ? ML_HTTP_PARSERS_MAX : (int)n;
}

int parsers_submit(struct ml_parsers *p, struct ml_parse_job *job, ml_http_parse_fn parse,
		   const char *body, size_t len)
{
	struct ml_error err = ML_ERROR_INIT;

	if (!parse || len < p->min || p->threads < 0 || p->failed)
		return 0;
	if (!p->pool && pool_new(&p->pool, threads_of(p), p->wake, p->wake_ud, &err) < 0) {
		p->failed = 1; /* the callbacks parse, as without hooks */
		error_clear(&err);
		return 0;
	}
	job->parse = parse;
	job->body = body;
	job->len = len;
	job->parsed = NULL;
	job->job.run = parse_run;
	p->busy++;
	pool_submit(p->pool, &job->job);
	return 1;
}

struct ml_parse_job *parsers_take(struct ml_parsers *p)
{
	struct ml_pool_job *job = p->pool ? pool_take(p->pool) : NULL;

	if (!job)
		return NULL;
	p->busy--;
	return job_of(job);
}

void parsers_drop(struct ml_parsers *p, void (*drop)(struct ml_parse_job *job))
{
	struct ml_pool_job *job;

	if (!p->pool)
		return;
	pool_wait(p->pool);
	while ((job = pool_take(p->pool)) != NULL)
		drop(job_of(job));
	p->busy = 0;
}

void parsers_release(struct ml_parsers *p)
{
	pool_free(p->pool);
	p->pool = NULL;
}
