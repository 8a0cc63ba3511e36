/*
 * str.h: small string helpers shared by every module.
 *
 * A struct ml_strv owns its strings and its vector: strv_push() copies,
 * strv_release() frees both and leaves it empty. A struct ml_strref only
 * borrows its strings from something that outlives it; strref_release()
 * frees the vector alone.
 *
 * A struct ml_strmap maps strings, compared ASCII case-insensitively, to
 * pointers: a hash table that borrows its keys and values (both must
 * outlive it); strmap_release() frees the table alone. Zeroed is empty.
 */
#ifndef MERGELETTER_STR_H
#define MERGELETTER_STR_H

#include <stddef.h>

struct ml_strv {
	char **v;
	size_t n;
	size_t cap;
};

struct ml_strref {
	const char **v;
	size_t n;
	size_t cap;
};

int strv_push(struct ml_strv *sv, const char *s); /* copies s; 0 or -1 */
/* strv_push() each of the n strings of v; 0 or -1. */
int strv_push_all(struct ml_strv *sv, const char *const *v, size_t n);
int strv_contains_case(const struct ml_strv *sv, const char *s);
void strv_release(struct ml_strv *sv);

int strref_push(struct ml_strref *sr, const char *s); /* borrows s; 0 or -1 */
int strref_contains_case(const struct ml_strref *sr, const char *s);
void strref_release(struct ml_strref *sr);

struct ml_strmap_slot {
	const char *key; /* NULL: empty */
	void *value;
};

struct ml_strmap {
	struct ml_strmap_slot *slots;
	size_t n;
	size_t cap; /* 0 or a power of two */
};

/* The value of key, or NULL. */
void *strmap_get(const struct ml_strmap *m, const char *key);
/* Set key (borrowed) to value (replacing the value); 0 or -1. */
int strmap_put(struct ml_strmap *m, const char *key, void *value);
void strmap_release(struct ml_strmap *m);

char *ml_strdup(const char *s); /* NULL-safe strdup */
char *ml_strndup(const char *s, size_t n);
int ml_strcaseeq(const char *a, const char *b); /* ASCII case-insensitive equality */
/* The length of the well-formed UTF-8 sequence at s (at most n bytes,
 * n >= 1), its code point in *cp; 0 when the bytes there are not UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF are not). */
size_t ml_utf8_seq(const unsigned char *s, size_t n, unsigned long *cp);

#endif
