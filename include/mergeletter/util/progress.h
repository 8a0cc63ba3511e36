/*
 * progress.h: what a run tells the person watching it, on stderr.
 *
 * Sources never print; they report through a struct ml_progress:
 *  - a one-line progress display, redrawn in place, only when `tty` is set
 *    (stderr is a terminal and --quiet was not given);
 *  - with `verbose`, one log line per request (method, URL, status, bytes,
 *    milliseconds, cache use); URLs carry no token and headers are never
 *    logged;
 *  - warnings, always.
 * The struct is caller-owned (no allocation); every function accepts NULL
 * and then does nothing.
 */
#ifndef MERGELETTER_PROGRESS_H
#define MERGELETTER_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ml_cache_use {
	ML_CACHE_NONE = 0,    /* answered by the network */
	ML_CACHE_REVALIDATED, /* 304: the stored body was reused */
	ML_CACHE_OFFLINE,     /* --offline: answered from the cache alone */
};

struct ml_progress {
	FILE *out;
	int tty;
	int verbose;
	size_t repos_total, repos_done;
	unsigned long pages, requests, cache_hits;
	int drawn;		 /* a progress line is on screen */
	int64_t wait_told_until; /* the end of the last wait announced */
	int64_t last_draw_ms;
};

void progress_init(struct ml_progress *p, FILE *out, int tty, int verbose);
/* One request ended (for the log and the counters). */
void progress_request(struct ml_progress *p, const char *method, const char *url, long status,
		      size_t bytes, long ms, enum ml_cache_use cache);
/* A retry or a wait is scheduled (verbose only). */
void progress_retry(struct ml_progress *p, const char *url, const char *why, long delay_ms);
/* A wait until until_ms (monotonic) begins: announced once on stderr,
 * terminal or not, unless an announced wait already covers it. */
void progress_wait(struct ml_progress *p, int64_t until_ms, const char *why);
void progress_repos(struct ml_progress *p, size_t done, size_t total);
void progress_page(struct ml_progress *p);
/* "warning: ..." on its own line, whatever the mode. */
void progress_warn(struct ml_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "note: ..." on its own line, whatever the mode. */
void progress_note(struct ml_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A line of the --verbose log (nothing without --verbose). */
void progress_log(struct ml_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Erase the progress line (call once the fetching is over). */
void progress_finish(struct ml_progress *p);
/* Monotonic milliseconds, for durations and schedules. */
int64_t progress_now_ms(void);

#endif
