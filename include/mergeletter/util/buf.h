/*
 * buf.h: a growable, always NUL-terminated byte buffer.
 *
 * A zeroed struct ml_buf (ML_BUF_INIT) is an empty buffer; buf_release()
 * frees it and leaves it empty again. Appends return 0 or -1 on allocation
 * failure, after which the buffer is unchanged.
 *
 * The invariant, at every moment: a buffer with storage (data != NULL)
 * holds a NUL-terminated string of len bytes (data[len] == '\0', len <
 * cap); one without has len == cap == 0. Every function here keeps it,
 * buf_grow() included, so data may be passed to strcmp() or "%s" whenever
 * it is not NULL. Code that writes into data directly (after buf_grow())
 * must end with buf_setlen(), which writes the NUL. buf_str() gives a
 * string for any buffer, "" for one without storage.
 */
#ifndef MERGELETTER_BUF_H
#define MERGELETTER_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ml_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define ML_BUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

int buf_grow(struct ml_buf *b, size_t extra);
/* The capacity b would have after buf_grow(b, extra) (its cap when there
 * is room already); 0 when that size cannot be. */
size_t buf_cap_for(const struct ml_buf *b, size_t extra);
int buf_add(struct ml_buf *b, const void *data, size_t len);
int buf_puts(struct ml_buf *b, const char *s);
int buf_printf(struct ml_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct ml_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Set len to n (at most the length grown to) and terminate the string. */
void buf_setlen(struct ml_buf *b, size_t n);
/* The contents as a string: data, or "" when the buffer has no storage. */
const char *buf_str(const struct ml_buf *b);
/* Hand the contents to the caller (who frees them); the buffer is reset. */
char *buf_detach(struct ml_buf *b);
void buf_reset(struct ml_buf *b);
void buf_release(struct ml_buf *b);

#endif
