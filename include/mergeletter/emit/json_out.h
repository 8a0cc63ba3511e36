/*
 * json_out.h: the --format json emitter: the draft's data, machine-readable.
 */
#ifndef MERGELETTER_JSON_OUT_H
#define MERGELETTER_JSON_OUT_H

#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"

int json_out_draft(struct ml_buf *out, const struct ml_draft *d);

#endif
