/* buf.c: growable byte buffer and small string helpers. */
#include "mergeletter/util/buf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t buf_cap_for(const struct ml_buf *b, size_t extra)
{
	size_t need, cap;

	if (extra > (size_t)-1 - b->len - 1)
		return 0;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return b->cap;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	return cap;
}

int buf_grow(struct ml_buf *b, size_t extra)
{
	size_t cap = buf_cap_for(b, extra);
	char *p;

	if (cap == 0)
		return -1;
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p)
		return -1;
	p[b->len] = '\0'; /* a fresh allocation holds the empty string too */
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_add(struct ml_buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct ml_buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_vprintf(struct ml_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct ml_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void buf_setlen(struct ml_buf *b, size_t n)
{
	if (!b->data)
		return;
	if (n >= b->cap)
		n = b->cap - 1;
	b->len = n;
	b->data[n] = '\0';
}

const char *buf_str(const struct ml_buf *b)
{
	return b->data ? b->data : "";
}

char *buf_detach(struct ml_buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_reset(struct ml_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_release(struct ml_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
