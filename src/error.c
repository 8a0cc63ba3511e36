/* error.c: the error record carried up to main. */
#include "mergeletter/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mergeletter/buf.h"
#include "mergeletter/str.h"

int error_set(struct ml_error *err, int exit_code, const char *fmt, ...)
{
	struct ml_buf b = ML_BUF_INIT;
	va_list ap;
	int n;

	if (!err || err->msg)
		return -1; /* the first error wins */
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && buf_grow(&b, (size_t)n) == 0) {
		va_start(ap, fmt);
		vsnprintf(b.data, (size_t)n + 1, fmt, ap);
		va_end(ap);
		b.len = (size_t)n;
	}
	err->msg = b.data ? buf_detach(&b) : ml_strdup("out of memory");
	err->exit_code = exit_code;
	return -1;
}

void error_prefix(struct ml_error *err, const char *fmt, ...)
{
	struct ml_buf b = ML_BUF_INIT;
	va_list ap;
	int n;

	if (!err || !err->msg)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(&b, (size_t)n + 2) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	if (buf_puts(&b, ": ") < 0 || buf_puts(&b, err->msg) < 0) {
		buf_release(&b);
		return;
	}
	free(err->msg);
	err->msg = buf_detach(&b);
}

void error_clear(struct ml_error *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->exit_code = ML_EXIT_OK;
}
