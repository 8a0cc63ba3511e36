/* trailer.c: the bookkeeping line at the end of a draft: the PRs offered,
 * "edited", the digest. */
#include "mergeletter/document/trailer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/util/str.h"

#include "mergeletter/document/doc.h"
#include "mergeletter/util/sha256.h"

void trailer_release(struct ml_trailer *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].repo);
	free(t->v);
	memset(t, 0, sizeof *t);
}

int trailer_has(const struct ml_trailer *t, const char *repo, long number)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].number == number && ml_strcaseeq(t->v[i].repo, repo))
			return 1;
	return 0;
}

int trailer_add(struct ml_trailer *t, const char *repo, size_t repolen, long number)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct ml_offered *v = realloc(t->v, cap * sizeof *v);

		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].repo = ml_strndup(repo, repolen);
	t->v[t->n].number = number;
	if (!t->v[t->n].repo)
		return -1;
	t->n++;
	return 0;
}

static int offered_cmp(const void *a, const void *b)
{
	const struct ml_offered *x = a, *y = b;
	int c = strcmp(x->repo, y->repo);

	if (c)
		return c;
	return (x->number > y->number) - (x->number < y->number);
}

/* 1 when s[0..n) can be a repository: "owner/name", one slash inside,
 * letters, digits, '-', '_' and '.' around it. */
static int repo_name(const char *s, size_t n)
{
	size_t slashes = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '/')
			slashes++;
		else if (!isalnum((unsigned char)s[i]) && (!s[i] || !strchr("-_.", s[i])))
			return 0;
	}
	return slashes == 1 && n > 2 && s[0] != '/' && s[n - 1] != '/';
}

/* One token of the offered list: "owner/name#1,2,3" (or "nothing"). */
static int parse_offered(struct ml_trailer *t, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n), *p, *end = s + n;

	if (n == 7 && memcmp(s, "nothing", 7) == 0)
		return 0;
	if (!hash || !repo_name(s, (size_t)(hash - s)))
		return -1;
	for (p = hash + 1; p < end;) {
		long v = 0;
		const char *q = p;

		while (q < end && isdigit((unsigned char)*q) && v < 100000000)
			v = v * 10 + (*q++ - '0');
		if (q == p || (q < end && *q != ',') ||
		    trailer_add(t, s, (size_t)(hash - s), v) < 0)
			return -1;
		p = q < end ? q + 1 : q;
	}
	return 0;
}

/* Split text (LF) into body (appended) and trailer: 1 with a trailer, 0
 * without (body is the text), -1 when the trailer is damaged, -2 when out
 * of memory. */
int trailer_parse(const char *s, size_t n, struct ml_buf *body, struct ml_trailer *t)
{
	size_t end = n, start = n, next, pos;
	int first = 1;

	memset(t, 0, sizeof *t);
	/* the last line that is a trailer: normally the last line, but text a
	 * merge or an editor put after it stays the editor's */
	while (start > 0) {
		end = start;
		if (end > 0 && s[end - 1] == '\n')
			end--;
		start = end;
		while (start > 0 && s[start - 1] != '\n')
			start--;
		while (end > start &&
		       (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
			end--;
		if (doc_prefix(s + start, end - start, DOC_TRAILER_START) &&
		    doc_suffix(s + start, end - start, DOC_NOTE_END))
			break;
	}
	if (!doc_prefix(s + start, end - start, DOC_TRAILER_START) ||
	    !doc_suffix(s + start, end - start, DOC_NOTE_END)) {
		return buf_add(body, s, n) < 0 ? -2 : 0;
	}
	pos = start + strlen(DOC_NOTE_START);
	end -= strlen(DOC_NOTE_END);
	while (pos < end) {
		const char *tok = s + pos, *semi = NULL;
		size_t len;

		for (size_t i = pos; i + 1 < end && !semi; i++)
			if (s[i] == ';' && s[i + 1] == ' ')
				semi = s + i;
		len = semi ? (size_t)(semi - tok) : end - pos;
		pos += len + (semi ? 2 : 0);
		if (first) {
			first = 0;
			if (!doc_prefix(tok, len, "offered ") ||
			    parse_offered(t, tok + 8, len - 8) < 0)
				goto bad;
		} else if (len == 6 && memcmp(tok, "edited", 6) == 0) {
			t->edited = 1;
		} else if (len == 15 && doc_prefix(tok, len, "date ")) {
			for (size_t i = 0; i < 10; i++)
				if (i == 4 || i == 7 ? tok[5 + i] != '-'
						     : !isdigit((unsigned char)tok[5 + i]))
					goto bad;
			memcpy(t->date, tok + 5, 10);
			t->date[10] = '\0';
		} else if (doc_prefix(tok, len, "digest sha256:")) {
			if (len != 14 + ML_SHA256_HEX_LEN)
				goto bad;
			memcpy(t->digest, tok + 14, ML_SHA256_HEX_LEN);
			t->digest[ML_SHA256_HEX_LEN] = '\0';
		} else if (parse_offered(t, tok, len) < 0) {
			goto bad;
		}
	}
	if (!t->digest[0])
		goto bad;
	if (start >= 2 && s[start - 1] == '\n' && s[start - 2] == '\n')
		start--; /* the blank line before the trailer */
	for (next = end; next < n && s[next] != '\n';)
		next++;
	next += next < n;
	if (buf_add(body, s, start) < 0 || buf_add(body, s + next, n - next) < 0 ||
	    buf_grow(body, 1) < 0) {
		trailer_release(t);
		return -2;
	}
	return 1;
bad:
	trailer_release(t);
	return -1;
}

/* Append "\n<!-- mergeletter: offered ...; digest sha256:HEX[; date D] -->\n" for body. */
int trailer_write(struct ml_buf *out, struct ml_trailer *t, const char *body, size_t len)
{
	char hex[ML_SHA256_HEX_LEN + 1];
	size_t w = 0;

	for (size_t i = 0; i < t->n; i++)
		for (char *p = t->v[i].repo; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	if (t->n) /* qsort() must not be given NULL, even for no items */
		qsort(t->v, t->n, sizeof *t->v, offered_cmp);
	for (size_t i = 0; i < t->n; i++) { /* drop duplicates */
		if (w && offered_cmp(&t->v[w - 1], &t->v[i]) == 0) {
			free(t->v[i].repo);
			continue;
		}
		t->v[w++] = t->v[i];
	}
	t->n = w;
	sha256_hex(body, len, hex);
	if (buf_puts(out, "\n" DOC_TRAILER_START) < 0 ||
	    (t->n == 0 && buf_puts(out, "nothing") < 0))
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		int same = i && strcmp(t->v[i - 1].repo, t->v[i].repo) == 0;

		if ((same ? buf_printf(out, ",%ld", t->v[i].number)
			  : buf_printf(out, "%s%s#%ld", i ? "; " : "", t->v[i].repo,
				       t->v[i].number)) < 0)
			return -1;
	}
	return buf_printf(out, "; %sdigest sha256:%s%s%s" DOC_NOTE_END "\n",
			  t->edited ? "edited; " : "", hex, t->date[0] ? "; date " : "", t->date);
}
