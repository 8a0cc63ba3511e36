/* str.c: small string helpers. */
#include "mergeletter/util/str.h"

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

int strv_push_all(struct ml_strv *sv, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strv_push(sv, v[i]) < 0)
			return -1;
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

/* FNV-1a of the lowercased bytes. */
static size_t hash_case(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * (size_t)1099511628211ULL;
	return h;
}

/* The slot of key, or the empty slot where it would go (cap > n). */
static struct ml_strmap_slot *slot_of(const struct ml_strmap *m, const char *key)
{
	size_t i = hash_case(key) & (m->cap - 1);

	while (m->slots[i].key && !ml_strcaseeq(m->slots[i].key, key))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

void *strmap_get(const struct ml_strmap *m, const char *key)
{
	return m->n ? slot_of(m, key)->value : NULL;
}

int strmap_put(struct ml_strmap *m, const char *key, void *value)
{
	struct ml_strmap_slot *s;

	if (2 * (m->n + 1) > m->cap) { /* at most half full */
		struct ml_strmap bigger = {NULL, 0, m->cap ? m->cap * 2 : 16};

		if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
			return -1;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*slot_of(&bigger, m->slots[i].key) = m->slots[i];
		bigger.n = m->n;
		free(m->slots);
		*m = bigger;
	}
	s = slot_of(m, key);
	if (!s->key)
		m->n++;
	s->key = key;
	s->value = value;
	return 0;
}

void strmap_release(struct ml_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

size_t ml_utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len;
	unsigned long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}
