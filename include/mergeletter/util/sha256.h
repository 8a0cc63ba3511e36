/*
 * sha256.h: SHA-256 (FIPS 180-4), for cache keys and entry checksums.
 *
 * libcurl and jansson have no public hash; this is a small, plain one.
 * Everything is caller-owned: the context lives on the caller's stack.
 */
#ifndef MERGELETTER_SHA256_H
#define MERGELETTER_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define ML_SHA256_HEX_LEN 64

struct ml_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct ml_sha256 *s);
void sha256_update(struct ml_sha256 *s, const void *data, size_t len);
void sha256_final(struct ml_sha256 *s, unsigned char out[32]);
/* One call: the lowercase hex digest of data into out (65 bytes, NUL-terminated). */
void sha256_hex(const void *data, size_t len, char out[ML_SHA256_HEX_LEN + 1]);

#endif
