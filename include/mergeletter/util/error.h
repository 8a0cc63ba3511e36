/*
 * error.h: exit codes and the error record that carries one message up to
 * main.c.
 *
 * Functions that can fail return 0, or -1 after filling a caller-owned
 * `struct ml_error` with the exit code (enum ml_exit) and the message.
 * The message is heap-allocated by error_set() and released by
 * error_clear(); cli.c prints it once.
 */
#ifndef MERGELETTER_ERROR_H
#define MERGELETTER_ERROR_H

/* Process exit codes (documented in --help). */
enum ml_exit {
	ML_EXIT_OK = 0,
	ML_EXIT_FAILURE = 1, /* I/O or internal error (cannot write output, out of memory) */
	ML_EXIT_USAGE = 2,   /* bad command line or config */
	ML_EXIT_NETWORK = 3, /* network or GitHub API error */
	ML_EXIT_SOURCE = 4,  /* local git repository error */
	ML_EXIT_PARTIAL = 5, /* a partial draft: some parts could not be fetched */
};

struct ml_error {
	int exit_code; /* one of enum ml_exit, ML_EXIT_OK when no error */
	char *msg;     /* owned; NULL when no error */
};

#define ML_ERROR_INIT                                                                              \
	{                                                                                          \
		ML_EXIT_OK, NULL                                                                   \
	}

/* Record an error (replacing none: the first error wins) and return -1. */
int error_set(struct ml_error *err, int exit_code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* error_set(err, ML_EXIT_FAILURE, "out of memory"): returns -1. */
int error_oom(struct ml_error *err);
/* Prefix the current message with "PREFIX: ". */
void error_prefix(struct ml_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void error_clear(struct ml_error *err);

#endif
