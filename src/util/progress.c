/* progress.c: the progress line, the verbose request log and warnings;
 * every line from data goes out through term.h. */
#include "mergeletter/util/progress.h"

#include <stdarg.h>
#include <time.h>

#include "mergeletter/util/term.h"

#define REDRAW_MS 100

int64_t progress_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void progress_init(struct ml_progress *p, FILE *out, int tty, int verbose)
{
	*p = (struct ml_progress){0};
	p->out = out;
	p->tty = tty;
	p->verbose = verbose;
}

static void erase(struct ml_progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", p->out);
		p->drawn = 0;
	}
}

static void draw(struct ml_progress *p, int force)
{
	int64_t now;

	if (!p->tty)
		return;
	now = progress_now_ms();
	if (!force && p->drawn && now - p->last_draw_ms < REDRAW_MS)
		return;
	p->last_draw_ms = now;
	fprintf(p->out,
		"\r\033[Kfetching: %zu/%zu repositories, %lu pages, %lu requests, %lu cache hits",
		p->repos_done, p->repos_total, p->pages, p->requests, p->cache_hits);
	fflush(p->out);
	p->drawn = 1;
}

void progress_request(struct ml_progress *p, const char *method, const char *url, long status,
		      size_t bytes, long ms, enum ml_cache_use cache)
{
	static const char *const use[] = {"", ", 304: cache reused", ", offline: from cache"};

	if (!p)
		return;
	if (cache != ML_CACHE_OFFLINE)
		p->requests++;
	if (cache != ML_CACHE_NONE)
		p->cache_hits++;
	if (p->verbose) {
		erase(p);
		term_print(p->out, "", "%s %s -> %ld (%zu bytes, %ld ms%s)", method, url, status,
			   bytes, ms, use[cache]);
	}
	draw(p, 0);
}

void progress_retry(struct ml_progress *p, const char *url, const char *why, long delay_ms)
{
	if (!p || !p->verbose)
		return;
	erase(p);
	term_print(p->out, "retry ", "%s in %ld ms: %s", url, delay_ms, why);
	draw(p, 1);
}

void progress_wait(struct ml_progress *p, int64_t until_ms, const char *why)
{
	int64_t now = progress_now_ms();

	/* waits ending within a second of the one announced are the same wait */
	if (!p || until_ms <= p->wait_told_until + 1000)
		return;
	p->wait_told_until = until_ms;
	erase(p);
	term_print(p->out, "note: ", "waiting %lld s: %s",
		   (long long)((until_ms - now + 999) / 1000), why);
	fflush(p->out);
	draw(p, 1);
}

void progress_repos(struct ml_progress *p, size_t done, size_t total)
{
	if (!p)
		return;
	p->repos_done = done;
	p->repos_total = total;
	draw(p, 0);
}

void progress_page(struct ml_progress *p)
{
	if (!p)
		return;
	p->pages++;
	draw(p, 0);
}

__attribute__((format(printf, 3, 0))) static void say(struct ml_progress *p, const char *what,
						      const char *fmt, va_list ap)
{
	erase(p);
	term_vprint(p->out, what, fmt, ap);
	draw(p, 1);
}

void progress_warn(struct ml_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!p)
		return;
	va_start(ap, fmt);
	say(p, "warning: ", fmt, ap);
	va_end(ap);
}

void progress_note(struct ml_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!p)
		return;
	va_start(ap, fmt);
	say(p, "note: ", fmt, ap);
	va_end(ap);
}

void progress_log(struct ml_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (!p || !p->verbose)
		return;
	va_start(ap, fmt);
	say(p, "", fmt, ap);
	va_end(ap);
}

void progress_finish(struct ml_progress *p)
{
	if (!p)
		return;
	erase(p);
	fflush(p->out);
}
