/* doc.c: a draft as lines: comments, code fences, headings, sections; and
 * the edits an update makes to it (insertions, replacements, drops). */
#include "mergeletter/document/doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/util/str.h"

int doc_eq_ci(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* The first case-insensitive occurrence of needle in s[0..n), or NULL. */
const char *doc_find_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (doc_eq_ci(s + i, needle, m))
			return s + i;
	return NULL;
}

int doc_prefix(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && memcmp(s, prefix, m) == 0;
}

int doc_suffix(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* The text with LF line ends when every line ends in CRLF (*crlf set; the
 * conversion is undone by doc_from_lf()); any other text is copied as it
 * is, and doc_open() keeps each line's own ending, so that a draft whose
 * line ends are mixed reads the same and gets back every byte. */
int doc_to_lf(struct ml_buf *out, const char *s, size_t n, int *crlf)
{
	size_t from = 0, lines = 0;

	*crlf = 1;
	for (size_t i = 0; i < n && *crlf; i++)
		if (s[i] == '\n') {
			*crlf = i > 0 && s[i - 1] == '\r';
			lines++;
		}
	*crlf = *crlf && lines > 0;
	for (size_t i = 0; *crlf && i + 1 < n; i++)
		if (s[i] == '\r' && s[i + 1] == '\n') {
			if (buf_add(out, s + from, i - from) < 0)
				return -1;
			from = i + 1;
		}
	return buf_add(out, s + from, n - from) < 0 || buf_grow(out, 1) < 0 ? -1 : 0;
}

int doc_from_lf(struct ml_buf *out, const char *s, size_t n, int crlf)
{
	size_t from = 0;

	if (!crlf)
		return buf_add(out, s, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n') {
			if (buf_add(out, s + from, i - from) < 0 || buf_add(out, "\r\n", 2) < 0)
				return -1;
			from = i + 1;
		}
	return buf_add(out, s + from, n - from);
}

/* ---- the text as lines, with insertions and replacements ---- */

void doc_release(struct ml_doc *d)
{
	for (size_t i = 0; d->ins && d->late && i <= d->n; i++) {
		buf_release(&d->ins[i]);
		buf_release(&d->late[i]);
	}
	if (d->repl)
		for (size_t i = 0; i < d->n; i++)
			free(d->repl[i]);
	free(d->l);
	free(d->ins);
	free(d->late);
	free(d->repl);
	free(d->drop);
	memset(d, 0, sizeof *d);
}

/* s must end with a newline (or be empty) and outlive the doc. */
int doc_open(struct ml_doc *d, const char *s, size_t n)
{
	size_t count = 0, k = 0, from = 0;
	int in_comment = 0, fence = 0;

	memset(d, 0, sizeof *d);
	d->s = s;
	d->len = n;
	for (size_t i = 0; i < n; i++)
		count += s[i] == '\n';
	d->l = calloc(count + 1, sizeof *d->l);
	d->ins = calloc(count + 1, sizeof *d->ins);
	d->late = calloc(count + 1, sizeof *d->late);
	d->repl = calloc(count + 1, sizeof *d->repl);
	d->drop = calloc(count + 1, 1);
	if (!d->l || !d->ins || !d->late || !d->repl || !d->drop) {
		doc_release(d);
		return -1;
	}
	d->n = count;
	for (size_t i = 0; i < n; i++) {
		struct ml_doc_line *l;
		const char *open;

		if (s[i] != '\n')
			continue;
		l = &d->l[k++];
		l->off = from;
		l->len = i - from;
		l->cr = l->len && s[i - 1] == '\r';
		l->len -= (size_t)l->cr;
		from = i + 1;
		if (in_comment) {
			l->hidden = 1;
			in_comment = !doc_find_ci(s + l->off, l->len, "-->");
			continue;
		}
		if (doc_prefix(s + l->off, l->len, "```") ||
		    doc_prefix(s + l->off, l->len, "~~~")) {
			fence = !fence;
			l->hidden = 1;
			continue;
		}
		if (fence) {
			l->hidden = 1;
			continue;
		}
		open = NULL;
		for (const char *p = s + l->off;
		     (p = doc_find_ci(p, l->len - (size_t)(p - s - l->off), "<!--")); p += 4)
			open = p;
		if (open && !doc_find_ci(open + 4, l->len - (size_t)(open + 4 - s - l->off), "-->"))
			l->opens = in_comment = 1;
	}
	return 0;
}

const char *doc_line(const struct ml_doc *d, size_t i, size_t *len)
{
	*len = d->l[i].len;
	return d->s + d->l[i].off;
}

int doc_blank(const struct ml_doc *d, size_t i)
{
	size_t n;
	const char *s = doc_line(d, i, &n);

	for (size_t k = 0; k < n; k++)
		if (s[k] != ' ' && s[k] != '\t')
			return 0;
	return 1;
}

int doc_starts(const struct ml_doc *d, size_t i, const char *prefix)
{
	size_t n;
	const char *s = doc_line(d, i, &n);

	return doc_prefix(s, n, prefix);
}

int doc_is(const struct ml_doc *d, size_t i, const char *text)
{
	size_t n;
	const char *s = doc_line(d, i, &n);

	return n == strlen(text) && memcmp(s, text, n) == 0;
}

int doc_has(const struct ml_doc *d, size_t i, const char *needle)
{
	size_t n;
	const char *s = doc_line(d, i, &n);

	return doc_find_ci(s, n, needle) != NULL;
}

/* 1..6 for a markdown heading outside comments and code, else 0. */
int doc_heading(const struct ml_doc *d, size_t i)
{
	size_t n;
	const char *s = doc_line(d, i, &n);
	int level = 0;

	if (d->l[i].hidden)
		return 0;
	while ((size_t)level < n && s[level] == '#' && level < 7)
		level++;
	return level >= 1 && level <= 6 && (size_t)level < n && s[level] == ' ' ? level : 0;
}

/* A bookkeeping note of ours on a line of its own. */
int doc_note(const struct ml_doc *d, size_t i, const char *prefix)
{
	size_t n;
	const char *s = doc_line(d, i, &n);

	return !d->l[i].hidden && doc_prefix(s, n, prefix) && doc_suffix(s, n, DOC_NOTE_END);
}

/* Where the block of a repository heading at h ends: the next heading of
 * its level or above, or a multi-line comment after a blank line (an
 * "only dependency updates" block, a template), or limit. */
size_t doc_section_end(const struct ml_doc *d, size_t h, size_t limit)
{
	int level = doc_heading(d, h);

	for (size_t i = h + 1; i < limit; i++) {
		int lv = doc_heading(d, i);

		if (lv && lv <= level)
			return i;
		if (d->l[i].opens && doc_is(d, i, "<!--") && doc_blank(d, i - 1))
			return i;
	}
	return limit;
}

/* Just past the last non-blank line in [from, to), at least from. */
size_t doc_content_end(const struct ml_doc *d, size_t from, size_t to)
{
	while (to > from && doc_blank(d, to - 1))
		to--;
	return to;
}

/* ---- parts and the repositories' blocks in them ---- */

int doc_part(const struct ml_doc *d, const char *heading, size_t *p, size_t *end)
{
	size_t i;

	for (*p = d->n, i = 0; heading && i < d->n && *p == d->n; i++)
		if (doc_heading(d, i) == 2 && doc_starts(d, i, "## ") &&
		    d->l[i].len == 3 + strlen(heading) && doc_has(d, i, heading))
			*p = i;
	if (*p == d->n)
		return 0;
	for (*end = d->n, i = *p + 1; i < d->n && *end == d->n; i++) {
		int lv = doc_heading(d, i);

		if (lv && lv <= 2)
			*end = i;
	}
	return 1;
}

/* Past the block at line i: a paragraph, or a comment or code block whole. */
static size_t block_end(const struct ml_doc *d, size_t i, size_t end)
{
	while (i < end && (!doc_blank(d, i) || d->l[i].hidden))
		i++;
	return i;
}

/* 1 when the block at line i is a repository's: its heading, its "only
 * dependency updates" comment, a note of ours. */
static int block_is_repo(const struct ml_doc *d, size_t i)
{
	return doc_heading(d, i) >= 3 || doc_note(d, i, DOC_NOTE_START) ||
	       (d->l[i].opens && i + 1 < d->n && doc_has(d, i + 1, DOC_ONLY_BUMPS));
}

size_t doc_part_lead(const struct ml_doc *d, size_t p, size_t end)
{
	size_t n = 0;

	for (size_t i = p + 1; i < end && !block_is_repo(d, i);) {
		if (doc_blank(d, i)) {
			i++;
			continue;
		}
		n++;
		i = block_end(d, i, end);
	}
	return n;
}

size_t doc_part_after_lead(const struct ml_doc *d, size_t p, size_t end, size_t lead)
{
	size_t i = p + 1, at = p + 1;

	while (lead && i < end) {
		if (doc_blank(d, i))
			i++;
		else if (doc_heading(d, i) >= 3)
			i = doc_section_end(d, i, end);
		else if (block_is_repo(d, i))
			i = block_end(d, i, end);
		else {
			at = i = block_end(d, i, end);
			lead--;
		}
	}
	return at;
}

int doc_bumps_block(const struct ml_doc *d, const char *link, size_t from, size_t to, size_t *start,
		    size_t *stop)
{
	for (size_t i = from; i + 2 < to; i++) {
		size_t k = i + 2;
		int ours = 0;

		if (!d->l[i].opens || !doc_is(d, i, "<!--") || !doc_has(d, i + 1, DOC_ONLY_BUMPS) ||
		    !doc_starts(d, i + 1, "    "))
			continue;
		for (; k < to && doc_starts(d, k, "    - ["); k++)
			ours |= doc_has(d, k, link);
		if (ours && k < to && doc_is(d, k, "-->")) {
			*start = i;
			*stop = k + 1;
			return 1;
		}
	}
	return 0;
}

int doc_repo_block(const struct ml_doc *d, const char *heading, const char *link, size_t from,
		   size_t to, size_t *start, size_t *stop)
{
	for (size_t i = from; i < to; i++)
		if (doc_heading(d, i) && doc_has(d, i, heading)) {
			*start = i;
			*stop = doc_content_end(d, i + 1, doc_section_end(d, i, to));
			return 1;
		}
	return doc_bumps_block(d, link, from, to, start, stop);
}

int doc_front_date(const struct ml_doc *d, size_t *line, size_t *off, size_t *len)
{
	const char *fence = d->n && doc_is(d, 0, "+++")	  ? "+++"
			    : d->n && doc_is(d, 0, "---") ? "---"
							  : NULL;

	for (size_t i = 1; fence && i < d->n && !doc_is(d, i, fence); i++) {
		size_t n, k;
		const char *s = doc_line(d, i, &n);

		if (!doc_prefix(s, n, "date = ") && !doc_prefix(s, n, "date: "))
			continue;
		k = s[4] == ':' ? 6 : 7;
		while (k < n && s[k] == ' ')
			k++;
		*line = i;
		*off = k + (k < n && (s[k] == '"' || s[k] == '\''));
		for (*len = 0; *off + *len < n && s[*off + *len] != '"' && s[*off + *len] != '\'' &&
			       s[*off + *len] != ' ' && s[*off + *len] != '#';)
			++*len;
		return 1;
	}
	return 0;
}

int doc_insert(struct ml_doc *d, size_t slot, const char *text)
{
	return buf_puts(&d->ins[slot], text);
}

int doc_replace(struct ml_doc *d, size_t i, const char *text, size_t len)
{
	free(d->repl[i]);
	d->repl[i] = ml_strndup(text, len);
	return d->repl[i] ? 0 : -1;
}

int doc_render(struct ml_buf *out, const struct ml_doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t n;
		const char *s = doc_line(d, i, &n);

		if (buf_add(out, d->ins[i].data, d->ins[i].len) < 0 ||
		    buf_add(out, d->late[i].data, d->late[i].len) < 0)
			return -1;
		if (d->drop[i])
			continue;
		if (d->repl[i] ? buf_puts(out, d->repl[i]) < 0 : buf_add(out, s, n) < 0)
			return -1;
		if (d->l[i].cr ? buf_add(out, "\r\n", 2) < 0 : buf_add(out, "\n", 1) < 0)
			return -1;
	}
	return buf_add(out, d->ins[d->n].data, d->ins[d->n].len) < 0 ||
		       buf_add(out, d->late[d->n].data, d->late[d->n].len) < 0 ||
		       buf_grow(out, 1) < 0
		   ? -1
		   : 0;
}
