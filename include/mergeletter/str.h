/*
 * str.h: small string helpers shared by every module.
 *
 * A struct ml_strv owns its strings and its vector: strv_push() copies,
 * strv_release() frees both and leaves it empty. A struct ml_strref only
 * borrows its strings from something that outlives it; strref_release()
 * frees the vector alone.
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
int strv_contains_case(const struct ml_strv *sv, const char *s);
void strv_release(struct ml_strv *sv);

int strref_push(struct ml_strref *sr, const char *s); /* borrows s; 0 or -1 */
int strref_contains_case(const struct ml_strref *sr, const char *s);
void strref_release(struct ml_strref *sr);

char *ml_strdup(const char *s); /* NULL-safe strdup */
char *ml_strndup(const char *s, size_t n);
int ml_strcaseeq(const char *a, const char *b); /* ASCII case-insensitive equality */

#endif
