/* error.c: the error record carried up to main. */
#include "mergeletter/util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/str.h"

int error_set(struct ml_error *err, int exit_code, const char *fmt, ...)
{
	struct ml_buf b = ML_BUF_INIT;
	va_list ap;
	int rc;

	if (!err || err->msg)
		return -1; /* the first error wins */
	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0)
		buf_release(&b);
	err->msg = b.data ? buf_detach(&b) : ml_strdup("out of memory");
	err->exit_code = exit_code;
	return -1;
}

int error_oom(struct ml_error *err)
{
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}

void error_prefix(struct ml_error *err, const char *fmt, ...)
{
	struct ml_buf b = ML_BUF_INIT;
	va_list ap;
	int rc;

	if (!err || !err->msg)
		return;
	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc < 0 || buf_puts(&b, ": ") < 0 || buf_puts(&b, err->msg) < 0) {
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
