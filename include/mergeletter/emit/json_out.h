/*
 * json_out.h: the --format json emitter: the draft's data, machine-readable.
 */
#ifndef MERGELETTER_JSON_OUT_H
#define MERGELETTER_JSON_OUT_H

#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"

/* The draft as JSON, appended to out. With flush, the text so far goes to
 * flush(ud, data, len) whenever some 64 KB have gathered (between two PRs)
 * and out starts again from empty: what out holds at the end follows what
 * flush was given. 0, or -1 when out of memory or flush returned -1. */
int json_out_draft(struct ml_buf *out, const struct ml_draft *d,
		   int (*flush)(void *ud, const char *data, size_t len), void *ud);

#endif
