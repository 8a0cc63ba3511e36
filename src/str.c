/* str.c: small string helpers. */
#include "mergeletter/str.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Room for one more pointer in *v (of *cap); amortised doubling. */
static int grow(void *vp, size_t n, size_t *cap)
{
	void **v = vp;
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	nv = realloc(*v, ncap * sizeof(char *));
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int strv_push(struct ml_strv *sv, const char *s)
{
	char *copy = ml_strdup(s);

	if (!copy || grow(&sv->v, sv->n, &sv->cap) < 0) {
		free(copy);
		return -1;
	}
	sv->v[sv->n++] = copy;
	return 0;
}

int strv_contains_case(const struct ml_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (ml_strcaseeq(sv->v[i], s))
			return 1;
	return 0;
}

void strv_release(struct ml_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int strref_push(struct ml_strref *sr, const char *s)
{
	if (grow(&sr->v, sr->n, &sr->cap) < 0)
		return -1;
	sr->v[sr->n++] = s;
	return 0;
}

int strref_contains_case(const struct ml_strref *sr, const char *s)
{
	for (size_t i = 0; i < sr->n; i++)
		if (ml_strcaseeq(sr->v[i], s))
			return 1;
	return 0;
}

void strref_release(struct ml_strref *sr)
{
	free(sr->v);
	sr->v = NULL;
	sr->n = sr->cap = 0;
}

char *ml_strdup(const char *s)
{
	return s ? ml_strndup(s, strlen(s)) : NULL;
}

char *ml_strndup(const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int ml_strcaseeq(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}
