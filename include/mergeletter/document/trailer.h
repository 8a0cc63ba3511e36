/*
 * trailer.h: the bookkeeping line that ends a draft mergeletter wrote (see
 * update.h): the PRs the file has ever offered, "edited", the digest of
 * the text above it, and the date mergeletter wrote in its front matter
 * ("date YYYY-MM-DD", after the digest; none in files of older versions). A struct ml_trailer owns
 * its list; zeroed is empty; trailer_release() frees it.
 */
#ifndef MERGELETTER_TRAILER_H
#define MERGELETTER_TRAILER_H

#include <stddef.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/sha256.h"

struct ml_offered {
	char *repo; /* "owner/name" */
	long number;
};

struct ml_trailer {
	struct ml_offered *v;
	size_t n, cap;
	int edited;
	char digest[ML_SHA256_HEX_LEN + 1];
	char date[11]; /* the front matter's date as mergeletter wrote it, or "" */
};

void trailer_release(struct ml_trailer *t);
/* 1 when the PR is in the list (the repository compared without case). */
int trailer_has(const struct ml_trailer *t, const char *repo, long number);
int trailer_add(struct ml_trailer *t, const char *repo, size_t repolen, long number);
/* Split text (LF) into body (appended) and trailer: 1 with a trailer, 0
 * without (body is the text), -1 when the trailer is damaged, -2 when out
 * of memory. */
int trailer_parse(const char *s, size_t n, struct ml_buf *body, struct ml_trailer *t);
/* Append "\n<!-- mergeletter: offered ...; digest sha256:HEX -->\n" for
 * body[0..len); sorts the list and drops its duplicates. */
int trailer_write(struct ml_buf *out, struct ml_trailer *t, const char *body, size_t len);

#endif
