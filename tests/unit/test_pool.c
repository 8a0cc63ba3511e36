/*
 * test_pool.c: every job runs once, on a worker, and comes back; when
 * pool_wait() returns, every wake has returned (pool.h's contract).
 *
 * Nothing here waits by sleeping: the jobs and wakes yield the CPU to make
 * the workers overlap and to widen the window between a job's finish and
 * its wake's return (where the old pool let pool_wait() return early), but
 * every check holds whatever the scheduler does.
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mergeletter/util/error.h"
#include "mergeletter/util/pool.h"
#include "testutil.h"

struct job {
	struct ml_pool_job job; /* first: a job is its struct */
	int runs;
	pthread_t ran_on;
};

static atomic_int wakes;

static void run(struct ml_pool_job *j)
{
	struct job *job = (struct job *)(void *)j;

	for (int i = 0; i < 20; i++)
		sched_yield(); /* let the other workers in: jobs overlap */
	job->runs++;
	job->ran_on = pthread_self();
}

static void wake(void *ud)
{
	(void)ud;
	for (int i = 0; i < 5; i++)
		sched_yield(); /* a wake that takes its time, like a real one */
	atomic_fetch_add(&wakes, 1);
}

static void every_job_once_off_the_caller(void)
{
	enum { N = 200 };
	struct job *jobs = calloc(N, sizeof *jobs);
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pool *p = NULL;
	struct ml_pool_job *j;
	int taken = 0, ok = 1;

	CHECK(jobs != NULL);
	if (!jobs)
		return;
	atomic_store(&wakes, 0);
	CHECK(pool_new(&p, 3, wake, NULL, &err) == 0);
	if (!p) {
		free(jobs);
		return;
	}
	CHECK(pool_take(p) == NULL); /* nothing submitted, nothing finished */
	for (int i = 0; i < N; i++) {
		jobs[i].job.run = run;
		pool_submit(p, &jobs[i].job);
	}
	pool_wait(p);
	while ((j = pool_take(p)) != NULL)
		taken++;
	CHECK(taken == N);
	CHECK(atomic_load(&wakes) == N);
	for (int i = 0; i < N; i++) {
		ok &= jobs[i].runs == 1;
		ok &= !pthread_equal(jobs[i].ran_on, pthread_self());
	}
	CHECK(ok);
	pool_free(p);
	free(jobs);
}

/* Many short rounds of submit, wait, count: each round sees all its wakes. */
static void wait_sees_every_wake(void)
{
	enum { ROUNDS = 300, N = 4 };
	struct job jobs[N];
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pool *p = NULL;
	int short_rounds = 0;

	CHECK(pool_new(&p, 2, wake, NULL, &err) == 0);
	if (!p)
		return;
	for (int r = 0; r < ROUNDS; r++) {
		atomic_store(&wakes, 0);
		memset(jobs, 0, sizeof jobs);
		for (int i = 0; i < N; i++) {
			jobs[i].job.run = run;
			pool_submit(p, &jobs[i].job);
		}
		pool_wait(p);
		short_rounds += atomic_load(&wakes) != N;
		while (pool_take(p) != NULL)
			;
	}
	CHECK(short_rounds == 0);
	pool_free(p);
}

/* As the HTTP engine does: take jobs back while the workers still run
 * others, woken by a byte on a pipe (waited for at most 10 s each). */
static void wake_by_pipe(void *ud)
{
	int fd = *(int *)ud;

	if (write(fd, "w", 1) != 1)
		perror("test_pool: wake");
}

static void take_while_others_run(void)
{
	enum { N = 100 };
	struct job jobs[N];
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pool *p = NULL;
	struct ml_pool_job *j;
	int fds[2], taken = 0, ok = 1;

	memset(jobs, 0, sizeof jobs);
	CHECK(pipe(fds) == 0);
	CHECK(pool_new(&p, 3, wake_by_pipe, &fds[1], &err) == 0);
	if (!p)
		return;
	for (int i = 0; i < N; i++) {
		jobs[i].job.run = run;
		pool_submit(p, &jobs[i].job);
	}
	while (taken < N) {
		struct pollfd pf = {fds[0], POLLIN, 0};
		char drain[64];

		if (poll(&pf, 1, 10000) != 1) {
			fprintf(stderr, "test_pool: no wake for 10 s (hang guard)\n");
			break;
		}
		if (read(fds[0], drain, sizeof drain) <= 0)
			break;
		while ((j = pool_take(p)) != NULL) {
			ok &= ((struct job *)(void *)j)->runs == 1;
			taken++;
		}
	}
	CHECK(taken == N);
	CHECK(ok);
	pool_free(p);
	close(fds[0]);
	close(fds[1]);
}

static void free_waits_for_submitted_jobs(void)
{
	struct job jobs[20];
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pool *p = NULL;
	int ok = 1;

	memset(jobs, 0, sizeof jobs);
	CHECK(pool_new(&p, 1, NULL, NULL, &err) == 0);
	if (!p)
		return;
	for (int i = 0; i < 20; i++) {
		jobs[i].job.run = run;
		pool_submit(p, &jobs[i].job);
	}
	pool_free(p); /* no take: the jobs stay the caller's, but all have run */
	for (int i = 0; i < 20; i++)
		ok &= jobs[i].runs == 1;
	CHECK(ok);
	pool_free(NULL);
}

int main(void)
{
	RUN(every_job_once_off_the_caller);
	RUN(wait_sees_every_wake);
	RUN(take_while_others_run);
	RUN(free_waits_for_submitted_jobs);
	return DONE();
}
