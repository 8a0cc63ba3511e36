/*
 * pool.h: a few worker threads that run jobs off the caller's thread.
 *
 * The HTTP engine hands a finished transfer's body to a worker to parse
 * while its own thread goes on driving the other transfers. A job is a
 * struct ml_pool_job embedded in the caller's object: pool_submit() gives
 * it to a worker, which runs job->run(job), puts the job on the finished
 * list and calls wake(wake_ud) from the worker's thread (so wake must be
 * safe to call from any thread: curl_multi_wakeup() is). The caller takes
 * finished jobs back with pool_take(), on its own thread.
 *
 * Between pool_submit() and the pool_take() that returns it, a job and
 * whatever its run() touches belong to the worker; the caller must not
 * read or write them. Nothing else is shared. The pool owns its threads;
 * jobs are always the caller's memory.
 */
#ifndef MERGELETTER_POOL_H
#define MERGELETTER_POOL_H

struct ml_error;
struct ml_pool;

struct ml_pool_job {
	void (*run)(struct ml_pool_job *job);
	struct ml_pool_job *next; /* the pool's */
};

/* Start `threads` workers (at least 1). 0, or -1 with err set (a thread
 * could not be started: the caller may do the work itself instead). */
int pool_new(struct ml_pool **out, int threads, void (*wake)(void *), void *wake_ud,
	     struct ml_error *err);
/* Queue job for a worker; jobs start in the order submitted. */
void pool_submit(struct ml_pool *p, struct ml_pool_job *job);
/* A finished job, oldest first, or NULL when none has finished. */
struct ml_pool_job *pool_take(struct ml_pool *p);
/*
 * Block until every submitted job has finished and the wake() of each has
 * returned (the jobs stay to be taken). A job counts as running from the
 * moment a worker takes it until its wake returns, so after pool_wait() no
 * worker is inside wake() on behalf of a job submitted before the call, and
 * a caller that counts wakes sees every one. A job can be on the finished
 * list (pool_take() returns it) while its wake is still running; that is
 * the only overlap, and the pool touches no field of a job after it is on
 * that list.
 */
void pool_wait(struct ml_pool *p);
/* Wait for every submitted job, stop the workers, free the pool. Jobs not
 * taken stay the caller's to free. Accepts NULL. */
void pool_free(struct ml_pool *p);

#endif
