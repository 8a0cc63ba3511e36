/*
 * records.h: what one page of a listing yielded, in the compact form the
 * response cache keeps beside the ETag.
 *
 * A page's records are every merged PR on it, whatever the range (only
 * the fields struct ml_pr needs), and what its parse decides: the oldest
 * and newest updated_at among its items and how many items it held. A 304 restores
 * them without parsing JSON; records_take() then filters by the run's
 * range, so one cache entry serves every range.
 *
 * struct ml_page_records is caller-owned; records_release() empties it.
 * records_encode() appends a serialization (uncompressed: the cache
 * compresses what it stores) to a caller-owned buffer.
 */
#ifndef MERGELETTER_RECORDS_H
#define MERGELETTER_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "mergeletter/model/pr.h"
#include "mergeletter/util/range.h"

struct ml_buf;

struct ml_page_records {
	struct ml_pr_list prs;	/* every merged PR of the page (repo unset) */
	int64_t oldest_updated; /* of the page's items; INT64_MAX when none */
	int64_t newest_updated; /* of the page's items; INT64_MIN when none */
	long items;		/* items on the page */
};

#define ML_PAGE_RECORDS_INIT                                                                       \
	{                                                                                          \
		{NULL, 0, 0}, INT64_MAX, INT64_MIN, 0                                              \
	}

void records_release(struct ml_page_records *r);
/* 0, or -1 when out of memory (the buffer may hold part of it). */
int records_encode(const struct ml_page_records *r, struct ml_buf *out);
/* 0, or -1 when data is not a whole serialization (r left empty). */
int records_decode(const char *data, size_t len, struct ml_page_records *r);
/* Copy the PRs merged in range to out, with repo set (copied); *older is
 * 1 when the page held items and the oldest lies before the range. 0, or
 * -1 when out of memory. */
int records_take(const struct ml_page_records *r, const struct ml_range *range, const char *repo,
		 struct ml_pr_list *out, int *older);

#endif
