/* pool.c: worker threads for jobs run off the caller's thread (see pool.h). */
#include "mergeletter/util/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "mergeletter/util/error.h"

struct ml_pool {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was submitted, or the pool stops */
	pthread_cond_t idle; /* a job finished */
	struct ml_pool_job *queue, *queue_tail;
	struct ml_pool_job *finished, *finished_tail;
	int running; /* jobs a worker has taken and not finished */
	int stop;
	void (*wake)(void *);
	void *wake_ud;
	pthread_t *threads;
	int nthreads;
};

static void list_append(struct ml_pool_job **head, struct ml_pool_job **tail,
			struct ml_pool_job *job)
{
	job->next = NULL;
	if (*tail)
		(*tail)->next = job;
	else
		*head = job;
	*tail = job;
}

static struct ml_pool_job *list_pop(struct ml_pool_job **head, struct ml_pool_job **tail)
{
	struct ml_pool_job *job = *head;

	if (job) {
		*head = job->next;
		if (!*head)
			*tail = NULL;
		job->next = NULL;
	}
	return job;
}

static void *worker(void *arg)
{
	struct ml_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct ml_pool_job *job;

		while (!p->queue && !p->stop)
			pthread_cond_wait(&p->work, &p->lock);
		if (!(job = list_pop(&p->queue, &p->queue_tail)))
			break; /* stopping, and nothing left to run */
		p->running++;
		pthread_mutex_unlock(&p->lock);
		job->run(job);
		pthread_mutex_lock(&p->lock);
		list_append(&p->finished, &p->finished_tail, job);
		if (p->wake) {
			/*
			 * Outside the lock: wake may take locks of its own. The
			 * job still counts as running, so pool_wait() cannot
			 * return before its wake has returned (pool.h). The job
			 * itself may already have been taken back: only the
			 * pool's own fields are touched from here on.
			 */
			pthread_mutex_unlock(&p->lock);
			p->wake(p->wake_ud);
			pthread_mutex_lock(&p->lock);
		}
		p->running--;
		pthread_cond_broadcast(&p->idle);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void stop_workers(struct ml_pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	p->nthreads = 0;
}

static void pool_destroy(struct ml_pool *p)
{
	stop_workers(p);
	pthread_cond_destroy(&p->idle);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

int pool_new(struct ml_pool **out, int threads, void (*wake)(void *), void *wake_ud,
	     struct ml_error *err)
{
	struct ml_pool *p;

	*out = NULL;
	if (threads < 1)
		threads = 1;
	if (!(p = calloc(1, sizeof *p)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	if (!(p->threads = calloc((size_t)threads, sizeof *p->threads))) {
		free(p);
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->wake = wake;
	p->wake_ud = wake_ud;
	for (; p->nthreads < threads; p->nthreads++)
		if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0)
			break;
	if (p->nthreads == 0) {
		pool_destroy(p);
		return error_set(err, ML_EXIT_FAILURE, "could not start a worker thread");
	}
	*out = p;
	return 0;
}

void pool_submit(struct ml_pool *p, struct ml_pool_job *job)
{
	pthread_mutex_lock(&p->lock);
	list_append(&p->queue, &p->queue_tail, job);
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

struct ml_pool_job *pool_take(struct ml_pool *p)
{
	struct ml_pool_job *job;

	pthread_mutex_lock(&p->lock);
	job = list_pop(&p->finished, &p->finished_tail);
	pthread_mutex_unlock(&p->lock);
	return job;
}

void pool_wait(struct ml_pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->queue || p->running)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void pool_free(struct ml_pool *p)
{
	if (p)
		pool_destroy(p);
}
