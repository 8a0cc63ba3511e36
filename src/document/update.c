/* update.c: the living draft: the trailer, never clobbering, merging what
 * is new into the editor's text (--update), and --finalize. */
#include "mergeletter/document/update.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/emit/markdown.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/sha256.h"

#define NOTE_START "<!-- mergeletter: "
#define TRAILER_START "<!-- mergeletter: offered "
#define DRAFTED_START "<!-- mergeletter: drafted "
#define THANK_START "<!-- mergeletter: also thank "
#define NOTE_END " -->"

/* ---- small text helpers ---- */

static int lower_eq_n(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* The first case-insensitive occurrence of needle in s[0..n), or NULL. */
static const char *find_ci(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (lower_eq_n(s + i, needle, m))
			return s + i;
	return NULL;
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && memcmp(s, prefix, m) == 0;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int login_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '[' || c == ']';
}

/* 1 when s[0..n) names "@login" (case-insensitive, whole login). */
static int mentions(const char *s, size_t n, const char *login)
{
	size_t m = strlen(login);

	for (size_t i = 0; i + m < n; i++)
		if (s[i] == '@' && lower_eq_n(s + i + 1, login, m) &&
		    (i + 1 + m == n || !login_char(s[i + 1 + m])))
			return 1;
	return 0;
}

/* The text with LF line ends; *crlf is set when its first line ends in CRLF. */
static int text_to_lf(struct ml_buf *out, const char *s, size_t n, int *crlf)
{
	const char *nl = memchr(s, '\n', n);
	size_t from = 0;

	*crlf = nl && nl > s && nl[-1] == '\r';
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '\r' && s[i + 1] == '\n') {
			if (buf_add(out, s + from, i - from) < 0)
				return -1;
			from = i + 1;
		}
	return buf_add(out, s + from, n - from) < 0 || buf_grow(out, 1) < 0 ? -1 : 0;
}

static int text_from_lf(struct ml_buf *out, const char *s, size_t n, int crlf)
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

/* ---- the trailer ---- */

struct offered {
	char *repo; /* "owner/name" */
	long number;
};

struct trailer {
	struct offered *v;
	size_t n, cap;
	int edited;
	char digest[ML_SHA256_HEX_LEN + 1];
};

static void trailer_release(struct trailer *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].repo);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static int offered_has(const struct trailer *t, const char *repo, long number)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].number == number && ml_strcaseeq(t->v[i].repo, repo))
			return 1;
	return 0;
}

static int offered_add(struct trailer *t, const char *repo, size_t repolen, long number)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct offered *v = realloc(t->v, cap * sizeof *v);

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
	const struct offered *x = a, *y = b;
	int c = strcmp(x->repo, y->repo);

	if (c)
		return c;
	return (x->number > y->number) - (x->number < y->number);
}

/* One token of the offered list: "owner/name#1,2,3" (or "nothing"). */
static int parse_offered(struct trailer *t, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n), *p, *end = s + n;

	if (n == 7 && memcmp(s, "nothing", 7) == 0)
		return 0;
	if (!hash || hash == s || !memchr(s, '/', (size_t)(hash - s)))
		return -1;
	for (p = hash + 1; p < end;) {
		long v = 0;
		const char *q = p;

		while (q < end && isdigit((unsigned char)*q) && v < 100000000)
			v = v * 10 + (*q++ - '0');
		if (q == p || (q < end && *q != ',') ||
		    offered_add(t, s, (size_t)(hash - s), v) < 0)
			return -1;
		p = q < end ? q + 1 : q;
	}
	return 0;
}

/* Split text (LF) into body (appended) and trailer: 1 with a trailer, 0
 * without (body is the text), -1 when the trailer is damaged, -2 when out
 * of memory. */
static int trailer_parse(const char *s, size_t n, struct ml_buf *body, struct trailer *t)
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
		while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (starts_with(s + start, end - start, TRAILER_START) &&
		    ends_with(s + start, end - start, NOTE_END))
			break;
	}
	if (!starts_with(s + start, end - start, TRAILER_START) ||
	    !ends_with(s + start, end - start, NOTE_END)) {
		return buf_add(body, s, n) < 0 ? -2 : 0;
	}
	pos = start + strlen(NOTE_START);
	end -= strlen(NOTE_END);
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
			if (!starts_with(tok, len, "offered ") ||
			    parse_offered(t, tok + 8, len - 8) < 0)
				goto bad;
		} else if (len == 6 && memcmp(tok, "edited", 6) == 0) {
			t->edited = 1;
		} else if (starts_with(tok, len, "digest sha256:")) {
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

/* Append "\n<!-- mergeletter: offered ...; digest sha256:HEX -->\n" for body. */
static int trailer_write(struct ml_buf *out, struct trailer *t, const char *body, size_t len)
{
	char hex[ML_SHA256_HEX_LEN + 1];
	size_t w = 0;

	for (size_t i = 0; i < t->n; i++)
		for (char *p = t->v[i].repo; *p; p++)
			*p = (char)tolower((unsigned char)*p);
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
	if (buf_puts(out, "\n" TRAILER_START) < 0 || (t->n == 0 && buf_puts(out, "nothing") < 0))
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		int same = i && strcmp(t->v[i - 1].repo, t->v[i].repo) == 0;

		if ((same ? buf_printf(out, ",%ld", t->v[i].number)
			  : buf_printf(out, "%s%s#%ld", i ? "; " : "", t->v[i].repo,
				       t->v[i].number)) < 0)
			return -1;
	}
	return buf_printf(out, "; %sdigest sha256:%s" NOTE_END "\n", t->edited ? "edited; " : "",
			  hex);
}

/* ---- the text as lines, with insertions and replacements ---- */

struct line {
	size_t off, len;
	int hidden; /* inside a multi-line comment or a fenced code block */
	int opens;  /* opens a multi-line comment */
};

struct doc {
	const char *s;
	size_t len;
	struct line *l;
	size_t n;
	struct ml_buf *ins;  /* n + 1: text inserted before line i */
	struct ml_buf *late; /* n + 1: new sections, after ins[i] */
	char **repl;	     /* n: a replacement line (without newline), or NULL */
	unsigned char *drop;
};

static void doc_release(struct doc *d)
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
static int doc_open(struct doc *d, const char *s, size_t n)
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
		struct line *l;
		const char *open;

		if (s[i] != '\n')
			continue;
		l = &d->l[k++];
		l->off = from;
		l->len = i - from;
		from = i + 1;
		if (in_comment) {
			l->hidden = 1;
			in_comment = !find_ci(s + l->off, l->len, "-->");
			continue;
		}
		if (starts_with(s + l->off, l->len, "```") ||
		    starts_with(s + l->off, l->len, "~~~")) {
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
		     (p = find_ci(p, l->len - (size_t)(p - s - l->off), "<!--")); p += 4)
			open = p;
		if (open && !find_ci(open + 4, l->len - (size_t)(open + 4 - s - l->off), "-->"))
			l->opens = in_comment = 1;
	}
	return 0;
}

static const char *line_at(const struct doc *d, size_t i, size_t *len)
{
	*len = d->l[i].len;
	return d->s + d->l[i].off;
}

static int line_blank(const struct doc *d, size_t i)
{
	size_t n;
	const char *s = line_at(d, i, &n);

	for (size_t k = 0; k < n; k++)
		if (s[k] != ' ' && s[k] != '\t')
			return 0;
	return 1;
}

static int line_starts(const struct doc *d, size_t i, const char *prefix)
{
	size_t n;
	const char *s = line_at(d, i, &n);

	return starts_with(s, n, prefix);
}

static int line_is(const struct doc *d, size_t i, const char *text)
{
	size_t n;
	const char *s = line_at(d, i, &n);

	return n == strlen(text) && memcmp(s, text, n) == 0;
}

static int line_has(const struct doc *d, size_t i, const char *needle)
{
	size_t n;
	const char *s = line_at(d, i, &n);

	return find_ci(s, n, needle) != NULL;
}

/* 1..6 for a markdown heading outside comments and code, else 0. */
static int heading_level(const struct doc *d, size_t i)
{
	size_t n;
	const char *s = line_at(d, i, &n);
	int level = 0;

	if (d->l[i].hidden)
		return 0;
	while ((size_t)level < n && s[level] == '#' && level < 7)
		level++;
	return level >= 1 && level <= 6 && (size_t)level < n && s[level] == ' ' ? level : 0;
}

/* A bookkeeping note of ours on a line of its own. */
static int line_note(const struct doc *d, size_t i, const char *prefix)
{
	size_t n;
	const char *s = line_at(d, i, &n);

	return !d->l[i].hidden && starts_with(s, n, prefix) && ends_with(s, n, NOTE_END);
}

/* Where the block of a repository heading at h ends: the next heading of
 * its level or above, or a multi-line comment after a blank line (an
 * "only dependency updates" block, a template), or limit. */
static size_t section_end(const struct doc *d, size_t h, size_t limit)
{
	int level = heading_level(d, h);

	for (size_t i = h + 1; i < limit; i++) {
		int lv = heading_level(d, i);

		if (lv && lv <= level)
			return i;
		if (d->l[i].opens && line_is(d, i, "<!--") && line_blank(d, i - 1))
			return i;
	}
	return limit;
}

/* Just past the last non-blank line in [from, to), at least from. */
static size_t content_end(const struct doc *d, size_t from, size_t to)
{
	while (to > from && line_blank(d, to - 1))
		to--;
	return to;
}

static int doc_insert(struct doc *d, size_t slot, const char *text)
{
	return buf_puts(&d->ins[slot], text);
}

static int doc_replace(struct doc *d, size_t i, const char *text, size_t len)
{
	free(d->repl[i]);
	d->repl[i] = ml_strndup(text, len);
	return d->repl[i] ? 0 : -1;
}

static int doc_render(struct ml_buf *out, const struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t n;
		const char *s = line_at(d, i, &n);

		if (buf_add(out, d->ins[i].data, d->ins[i].len) < 0 ||
		    buf_add(out, d->late[i].data, d->late[i].len) < 0)
			return -1;
		if (d->drop[i])
			continue;
		if (d->repl[i] ? buf_puts(out, d->repl[i]) < 0 : buf_add(out, s, n) < 0)
			return -1;
		if (buf_add(out, "\n", 1) < 0)
			return -1;
	}
	return buf_add(out, d->ins[d->n].data, d->ins[d->n].len) < 0 ||
		       buf_add(out, d->late[d->n].data, d->late[d->n].len) < 0 ||
		       buf_grow(out, 1) < 0
		   ? -1
		   : 0;
}

/* ---- the draft side ---- */

/* 1 when the draft writes the PR somewhere (list or bump comment). */
static int pr_shown(const struct ml_pr *pr, enum ml_deps_mode mode)
{
	return draft_pr_listed(pr, mode) || mode == ML_DEPS_COMMENT;
}

/* A shallow view of r holding the PRs for which keep() is true; free its
 * prs.items alone. */
struct view_ctx {
	const struct trailer *offered;
	const struct ml_pr_list *extra;
};

static int view_keep(const struct view_ctx *c, const struct ml_pr *pr)
{
	if (c->offered && offered_has(c->offered, pr->repo, pr->number))
		return 1;
	for (size_t i = 0; c->extra && i < c->extra->len; i++)
		if (c->extra->items[i].number == pr->number)
			return 1;
	return 0;
}

static int repo_view(struct ml_draft_repo *v, const struct ml_draft_repo *r,
		     const struct view_ctx *c)
{
	*v = *r;
	memset(&v->prs, 0, sizeof v->prs);
	v->prs.items = calloc(r->prs.len ? r->prs.len : 1, sizeof *v->prs.items);
	if (!v->prs.items)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++)
		if (view_keep(c, &r->prs.items[i]))
			v->prs.items[v->prs.len++] = r->prs.items[i];
	v->prs.cap = v->prs.len;
	return 0;
}

/* Where the draft's links go, without the scheme: "github.com" (an
 * editor's http:// or www. link to a page says the same). */
static const char *web_host(const struct ml_draft *d)
{
	const char *web = draft_web(d), *p = strstr(web, "://");

	return p ? p + 3 : web;
}

/* Every PR the text links to anywhere ("HOST/OWNER/REPO/pull/N"), an
 * editor's hand-written items too, into a set. */
static int text_links(struct trailer *set, const struct ml_draft *d, const char *s, size_t n)
{
	char host[256];
	const char *p = s, *end = s + n;
	size_t hn = (size_t)snprintf(host, sizeof host, "%s/", web_host(d));

	if (hn >= sizeof host)
		return 0; /* no link of such a host is recognised */
	while ((p = find_ci(p, (size_t)(end - p), host)) != NULL) {
		const char *repo = p + hn, *q = repo, *pull;
		long v = 0;
		int slashes = 0;

		p = repo;
		while (q < end && slashes < 3 && (isalnum((unsigned char)*q) || strchr("-_./", *q)))
			slashes += *q++ == '/';
		pull = q - 1;
		if (slashes < 3 || pull - repo < 6 || memcmp(pull - 5, "/pull/", 6) != 0 ||
		    q == end || !isdigit((unsigned char)*q))
			continue;
		pull -= 5;
		while (q < end && isdigit((unsigned char)*q) && v < 100000000)
			v = v * 10 + (*q++ - '0');
		if (offered_add(set, repo, (size_t)(pull - repo), v) < 0)
			return -1;
	}
	return 0;
}

/* The first heading that links to the repository, or d->n. */
static size_t find_repo_heading(const struct doc *d, const char *web, const char *repo)
{
	char needle[600];

	snprintf(needle, sizeof needle, "](%s/%s)", web, repo);
	for (size_t i = 0; i < d->n; i++)
		if (heading_level(d, i) && line_has(d, i, needle))
			return i;
	return d->n;
}

/* Where a new repository block goes: after the last repository of its
 * part ("## HEADING"), else after the part's introduction, else at the end. */
static size_t part_slot(const struct doc *d, const char *heading)
{
	size_t p = d->n, end = d->n, last = d->n, i;

	for (i = 0; heading && i < d->n && p == d->n; i++)
		if (heading_level(d, i) == 2 && line_starts(d, i, "## ") &&
		    d->l[i].len == 3 + strlen(heading) && line_has(d, i, heading))
			p = i;
	if (p == d->n)
		return content_end(d, 0, d->n);
	for (i = p + 1; i < d->n && end == d->n; i++) {
		int lv = heading_level(d, i);

		if (lv && lv <= 2)
			end = i;
		else if (lv == 3)
			last = i;
	}
	if (last != d->n)
		return content_end(d, last, section_end(d, last, end));
	for (i = p + 1; i < end && line_blank(d, i); i++)
		;
	if (i == end)
		return p + 1;
	while (i < end && !line_blank(d, i) && !heading_level(d, i))
		i++;
	return i;
}

struct merge {
	struct doc *doc;
	const struct ml_draft *d;
	const struct ml_update_opts *o;
	const struct trailer *old;
	struct trailer *now;
	struct trailer linked; /* the PRs the text links to */
};

/* The thanks line of a view, without its newline ("" when none). */
static int thanks_of(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *v)
{
	if (markdown_thanks(out, d, v) < 0 || buf_grow(out, 1) < 0)
		return -1;
	if (out->len && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	return 0;
}

/* "<!-- mergeletter: also thank @a, @b -->" naming who `all` thanks and
 * `prev` did not, unless the text already names them; "" when no one. */
static int also_thank(struct ml_buf *out, const struct ml_draft *d,
		      const struct ml_draft_repo *prev, const struct ml_draft_repo *all,
		      const char *seen, size_t seenlen)
{
	struct ml_strref was, is;
	size_t k = 0;
	int rc = -1;

	memset(&was, 0, sizeof was);
	memset(&is, 0, sizeof is);
	if (draft_thanks(prev, d->deps_mode, &was) < 0 || draft_thanks(all, d->deps_mode, &is) < 0)
		goto done;
	for (size_t i = 0; i < is.n; i++) {
		if (strref_contains_case(&was, is.v[i]) || mentions(seen, seenlen, is.v[i]))
			continue;
		if (buf_printf(out, "%s@%s", k++ ? ", " : THANK_START, is.v[i]) < 0)
			goto done;
	}
	rc = k ? buf_puts(out, NOTE_END) : 0;
done:
	strref_release(&was);
	strref_release(&is);
	return rc;
}

/* The thanks line of an existing section: regenerate it where the editor
 * left it as generated, else name the newcomers in a note beside it. */
static int merge_thanks(struct merge *m, const struct ml_draft_repo *r,
			const struct ml_pr_list *fresh, size_t h, size_t end, size_t tail)
{
	struct view_ctx cprev = {m->old, NULL}, call = {m->old, fresh};
	struct ml_draft_repo prev, all;
	struct ml_buf pt = ML_BUF_INIT, at = ML_BUF_INIT, note = ML_BUF_INIT;
	size_t t = end, n = 0;
	const char *s = "";
	int rc = -1;

	memset(&prev, 0, sizeof prev);
	memset(&all, 0, sizeof all);
	for (size_t i = h + 1; i < end && t == end; i++)
		if (!m->doc->l[i].hidden && line_starts(m->doc, i, "Thanks to "))
			t = i;
	if (repo_view(&prev, r, &cprev) < 0 || repo_view(&all, r, &call) < 0 ||
	    thanks_of(&pt, m->d, &prev) < 0 || thanks_of(&at, m->d, &all) < 0)
		goto done;
	if (strcmp(buf_str(&pt), buf_str(&at)) == 0) {
		rc = 0;
		goto done;
	}
	if (t != end)
		s = line_at(m->doc, t, &n);
	if (t != end && n == pt.len && memcmp(s, pt.data, n) == 0) {
		rc = doc_replace(m->doc, t, at.data, at.len);
		goto done;
	}
	if (t == end && pt.len == 0) { /* no one to thank before: the line is new */
		rc = buf_printf(&note, "\n%s\n", buf_str(&at)) < 0
			 ? -1
			 : doc_insert(m->doc, tail, note.data);
		goto done;
	}
	if (t != end && t + 1 < m->doc->n && line_note(m->doc, t + 1, THANK_START)) {
		size_t nn;
		const char *ns = line_at(m->doc, t + 1, &nn);
		struct ml_buf seen = ML_BUF_INIT;

		if (buf_add(&seen, s, n) < 0 || buf_add(&seen, ns, nn) < 0 ||
		    also_thank(&note, m->d, &prev, &all, seen.data, seen.len) < 0) {
			buf_release(&seen);
			goto done;
		}
		buf_release(&seen);
		rc = 0;
		if (note.len) { /* one note: the old names, then the new ones */
			struct ml_buf merged = ML_BUF_INIT;

			rc = buf_add(&merged, ns, nn - strlen(NOTE_END)) < 0 ||
				     buf_printf(&merged, ", %s",
						buf_str(&note) + strlen(THANK_START)) < 0 ||
				     doc_replace(m->doc, t + 1, merged.data, merged.len) < 0
				 ? -1
				 : 0;
			buf_release(&merged);
		}
		goto done;
	}
	if (also_thank(&note, m->d, &prev, &all, s, n) < 0)
		goto done;
	rc = 0;
	if (note.len && t != end) /* beside the editor's line */
		rc = buf_puts(&note, "\n") < 0 ? -1 : doc_insert(m->doc, t + 1, buf_str(&note));
	else if (note.len) /* the editor removed the line: where it stood */
		rc = buf_puts(&note, "\n") < 0 || doc_insert(m->doc, tail, "\n") < 0
			 ? -1
			 : doc_insert(m->doc, tail, note.data);
done:
	free(prev.prs.items);
	free(all.prs.items);
	buf_release(&pt);
	buf_release(&at);
	buf_release(&note);
	return rc;
}

/* The PR lines of fresh in one style; listed selects list items or bumps. */
static int items_of(struct ml_buf *out, const struct ml_draft *d, const struct ml_pr_list *fresh,
		    int listed, enum ml_item_style style)
{
	for (size_t i = 0; i < fresh->len; i++)
		if (draft_pr_listed(&fresh->items[i], d->deps_mode) == listed &&
		    (listed || d->deps_mode == ML_DEPS_COMMENT) &&
		    markdown_pr_item(out, draft_web(d), &fresh->items[i], style) < 0)
			return -1;
	return 0;
}

/* "We merged the following PR ..." as generated for one PR, now that there are more. */
static int plural_sentence(struct doc *doc, size_t h, size_t end)
{
	static const char one[] = "We merged the following PR ";

	for (size_t i = h + 1; i < end; i++) {
		size_t n;
		const char *s = line_at(doc, i, &n);
		const char *p = doc->l[i].hidden || doc->repl[i] ? NULL : find_ci(s, n, one);
		struct ml_buf b = ML_BUF_INIT;
		int rc;

		if (!p || memcmp(p, one, sizeof one - 1) != 0)
			continue;
		rc = buf_add(&b, s, (size_t)(p - s) + sizeof one - 2) < 0 ||
			     buf_puts(&b, "s ") < 0 ||
			     buf_add(&b, p + sizeof one - 1,
				     n - (size_t)(p - s) - (sizeof one - 1)) < 0 ||
			     doc_replace(doc, i, b.data, b.len) < 0
			 ? -1
			 : 0;
		buf_release(&b);
		return rc;
	}
	return 0;
}

/* New PRs (fresh) into the repository's existing section at heading h;
 * known adds the PRs the editor linked by hand, for the thanks line. */
static int merge_into_section(struct merge *m, const struct ml_draft_repo *r,
			      const struct ml_pr_list *fresh, const struct ml_pr_list *known,
			      size_t h)
{
	struct doc *doc = m->doc;
	size_t end = section_end(doc, h, doc->n), tail = content_end(doc, h + 1, end);
	size_t last_item = end, last_bump = end, first_other = end, listed;
	struct ml_buf items = ML_BUF_INIT, bumps = ML_BUF_INIT, block = ML_BUF_INIT;
	char link[600];
	int rc = -1;

	snprintf(link, sizeof link, "%s/%s/pull/", web_host(m->d), r->info.repo);
	for (size_t i = h + 1; i < end; i++) {
		if (doc->l[i].hidden)
			continue;
		if (line_starts(doc, i, "- ") || line_starts(doc, i, "* ") ||
		    line_starts(doc, i, "+ "))
			last_item = i;
		else if (line_starts(doc, i, "<!-- - [") && line_has(doc, i, link))
			last_bump = i;
		if ((line_starts(doc, i, "<!-- - [") || line_starts(doc, i, "Thanks to ")) &&
		    first_other == end)
			first_other = i;
	}
	if (items_of(&items, m->d, fresh, 1, ML_ITEM_LIST) < 0 ||
	    items_of(&bumps, m->d, fresh, 0, ML_ITEM_COMMENT) < 0 || buf_grow(&items, 1) < 0)
		goto done;
	listed = items.len;
	if (last_bump != end && bumps.len && doc_insert(doc, last_bump + 1, bumps.data) < 0)
		goto done;
	/* bumps without a comment yet: after the list and a blank line */
	if (last_bump == end && bumps.len &&
	    (((items.len || last_item != end) && buf_puts(&items, "\n") < 0) ||
	     buf_puts(&items, buf_str(&bumps)) < 0))
		goto done;
	if (last_item != end) {
		size_t slot = last_item + 1;

		while (slot < end && !line_blank(doc, slot) && !doc->l[slot].hidden &&
		       (line_starts(doc, slot, " ") || line_starts(doc, slot, "\t")))
			slot++;
		if (items.len && doc_insert(doc, slot, items.data) < 0)
			goto done;
	} else if (items.len) { /* no list yet: before the bumps and thanks */
		size_t at = first_other != end ? first_other : tail;

		if (buf_printf(&block, "%s%s%s", at > 0 && !line_blank(doc, at - 1) ? "\n" : "",
			       items.data, at < end && !line_blank(doc, at) ? "\n" : "") < 0 ||
		    doc_insert(doc, at, block.data) < 0)
			goto done;
	}
	if (listed && plural_sentence(doc, h, end) < 0)
		goto done;
	rc = merge_thanks(m, r, known, h, end, tail);
done:
	buf_release(&items);
	buf_release(&bumps);
	buf_release(&block);
	return rc;
}

/* New bumps of a repository without a section: after its last bump line
 * anywhere (a one-line comment, or inside an "only dependency updates"
 * block), in the same style. Returns 1 when placed, 0 when there is none. */
static int merge_bumps_only(struct merge *m, const struct ml_draft_repo *r,
			    const struct ml_pr_list *fresh)
{
	struct ml_buf bumps = ML_BUF_INIT;
	char link[600];
	size_t at = m->doc->n;
	int rc;

	snprintf(link, sizeof link, "%s/%s/pull/", web_host(m->d), r->info.repo);
	for (size_t i = 0; i < m->doc->n; i++)
		if (line_has(m->doc, i, link) &&
		    ((m->doc->l[i].hidden && line_starts(m->doc, i, "    - [")) ||
		     (!m->doc->l[i].hidden && line_starts(m->doc, i, "<!-- - ["))))
			at = i;
	if (at == m->doc->n)
		return 0;
	rc = items_of(&bumps, m->d, fresh, 0,
		      m->doc->l[at].hidden ? ML_ITEM_IN_COMMENT : ML_ITEM_COMMENT) < 0 ||
		     buf_grow(&bumps, 1) < 0 || doc_insert(m->doc, at + 1, bumps.data) < 0
		 ? -1
		 : 1;
	buf_release(&bumps);
	return rc;
}

static int merge_repo(struct merge *m, const struct ml_draft_section *s,
		      const struct ml_draft_repo *r)
{
	struct ml_pr_list fresh, known;
	struct ml_draft_repo v;
	struct ml_buf block = ML_BUF_INIT;
	size_t h, listed = 0;
	int rc = -1;

	memset(&fresh, 0, sizeof fresh);
	memset(&known, 0, sizeof known);
	memset(&v, 0, sizeof v);
	fresh.items = calloc(r->prs.len ? r->prs.len : 1, sizeof *fresh.items);
	known.items = calloc(r->prs.len ? r->prs.len : 1, sizeof *known.items);
	if (!fresh.items || !known.items)
		goto done;
	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (!pr_shown(pr, m->d->deps_mode) || offered_has(m->old, pr->repo, pr->number))
			continue;
		/* new to the file, or linked by the editor already: offered from now on */
		known.items[known.len++] = *pr;
		if (offered_add(m->now, pr->repo, strlen(pr->repo), pr->number) < 0)
			goto done;
		if (offered_has(&m->linked, pr->repo, pr->number))
			continue;
		fresh.items[fresh.len++] = *pr;
		listed += draft_pr_listed(pr, m->d->deps_mode);
	}
	rc = 0;
	if (known.len == 0)
		goto done;
	h = find_repo_heading(m->doc, draft_web(m->d), r->info.repo);
	if (h != m->doc->n) {
		rc = merge_into_section(m, r, &fresh, &known, h);
		goto done;
	}
	if (fresh.len == 0)
		goto done;
	if (!listed && (rc = merge_bumps_only(m, r, &fresh)) != 0) {
		rc = rc < 0 ? -1 : 0;
		goto done;
	}
	/* a section (or a block of bumps) of its own, at the end of its part,
	 * after what the other repositories add there */
	v = *r;
	v.prs = fresh;
	rc = buf_puts(&block, "\n") < 0 || markdown_section(&block, m->d, &v) < 0 ||
		     buf_puts(&m->doc->late[part_slot(m->doc, m->o->issue ? markdown_part_heading(s)
									  : NULL)],
			      block.data) < 0
		 ? -1
		 : 0;
done:
	free(fresh.items);
	free(known.items);
	buf_release(&block);
	return rc;
}

int update_month_open(const struct ml_draft *d, int64_t now, const char *hint,
		      struct ml_strv *notes)
{
	struct ml_buf msg = ML_BUF_INIT;
	char day[16], label[64];
	int rc;

	if (d->range.until <= now)
		return 0;
	range_format_date(now, day, sizeof day);
	range_month_label(&d->range, label, sizeof label);
	rc = buf_printf(&msg, "%s is not over: the draft holds the PRs merged until %s%s",
			d->range.month ? label : "the range", day, hint ? hint : "") < 0 ||
		     (notes && strv_push(notes, buf_str(&msg)) < 0)
		 ? -1
		 : 1;
	buf_release(&msg);
	return rc;
}

/* The note of a month that is not over, under the front matter; gone once it is. */
static int note_month(struct doc *doc, const struct ml_draft *d, const struct ml_update_opts *o,
		      struct ml_strv *notes)
{
	struct ml_buf note = ML_BUF_INIT;
	char day[16];
	size_t k = doc->n, close = doc->n;
	int rc = -1;

	for (size_t i = 0; i < doc->n && k == doc->n; i++)
		if (line_note(doc, i, DRAFTED_START))
			k = i;
	if (d->range.until <= o->now) {
		if (k != doc->n) {
			doc->drop[k] = 1;
			if (k + 1 < doc->n && line_blank(doc, k + 1))
				doc->drop[k + 1] = 1;
		}
		return 0;
	}
	range_format_date(o->now, day, sizeof day);
	if (buf_printf(&note,
		       DRAFTED_START "%s; PRs merged later will be added by --update" NOTE_END,
		       day) < 0 ||
	    update_month_open(d, o->now, "; run the same command with --update after it ends",
			      notes) < 0)
		goto done;
	if (k != doc->n) {
		rc = doc_replace(doc, k, note.data, note.len);
		goto done;
	}
	if (doc->n && line_is(doc, 0, "+++"))
		for (size_t i = 1; i < doc->n && close == doc->n; i++)
			if (line_is(doc, i, "+++"))
				close = i;
	if (buf_puts(&note, "\n\n") < 0)
		goto done;
	if (close == doc->n) /* no front matter: at the top */
		rc = doc_insert(doc, 0, note.data);
	else
		rc = doc_insert(doc, close + 1 + (close + 1 < doc->n && line_blank(doc, close + 1)),
				note.data);
done:
	buf_release(&note);
	return rc;
}

/* ---- the three ways to write ---- */

static int oom(struct ml_error *err)
{
	return error_set(err, ML_EXIT_FAILURE, "out of memory while writing the draft");
}

/* body (LF, newline-terminated) + the trailer, with the file's line ends. */
static int finish(struct ml_buf *out, const struct doc *doc, struct trailer *t, int crlf)
{
	struct ml_buf text = ML_BUF_INIT;
	size_t body;
	int rc = -1;

	if (doc_render(&text, doc) < 0)
		goto done;
	body = text.len;
	if (trailer_write(&text, t, text.data, body) < 0 ||
	    text_from_lf(out, text.data, text.len, crlf) < 0)
		goto done;
	rc = 0;
done:
	buf_release(&text);
	return rc;
}

/* The file's new text from a body: a fresh draft's (old NULL: everything
 * shown is offered), or the existing file's, merged with what is new. */
static int render_body(struct ml_buf *out, const char *text, size_t len, const struct trailer *old,
		       const struct ml_draft *d, const struct ml_update_opts *o, int crlf,
		       struct ml_strv *notes)
{
	struct ml_buf body = ML_BUF_INIT;
	struct trailer now;
	struct doc doc;
	char hex[ML_SHA256_HEX_LEN + 1];
	struct merge m;
	int rc = -1;

	memset(&now, 0, sizeof now);
	memset(&doc, 0, sizeof doc);
	memset(&m, 0, sizeof m);
	m.doc = &doc;
	m.d = d;
	m.o = o;
	m.old = old;
	m.now = &now;
	if (buf_add(&body, text, len) < 0 ||
	    (body.len && body.data[body.len - 1] != '\n' && buf_puts(&body, "\n") < 0) ||
	    buf_grow(&body, 1) < 0 || doc_open(&doc, body.data, body.len) < 0 ||
	    (old && text_links(&m.linked, d, body.data, body.len) < 0))
		goto done;
	for (size_t i = 0; old && i < old->n; i++)
		if (offered_add(&now, old->v[i].repo, strlen(old->v[i].repo), old->v[i].number) < 0)
			goto done;
	if (old) {
		sha256_hex(text, len, hex);
		now.edited = old->edited || strcmp(hex, old->digest) != 0;
	}
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			const struct ml_draft_repo *r = &d->sections[i].repos[j];

			if (old && merge_repo(&m, &d->sections[i], r) < 0)
				goto done;
			for (size_t k = 0; !old && k < r->prs.len; k++)
				if (pr_shown(&r->prs.items[k], d->deps_mode) &&
				    offered_add(&now, r->info.repo, strlen(r->info.repo),
						r->prs.items[k].number) < 0)
					goto done;
		}
	if (note_month(&doc, d, o, notes) < 0 || finish(out, &doc, &now, crlf) < 0)
		goto done;
	rc = 0;
done:
	doc_release(&doc);
	buf_release(&body);
	trailer_release(&now);
	trailer_release(&m.linked);
	return rc;
}

static int render_fresh(struct ml_buf *out, const struct ml_draft *d,
			const struct ml_update_opts *o, int crlf, struct ml_strv *notes,
			struct ml_error *err)
{
	struct ml_buf body = ML_BUF_INIT;
	int rc = o->issue ? markdown_issue(&body, d)
			  : markdown_section(&body, d, &d->sections[0].repos[0]);

	if (rc == 0)
		rc =
		    render_body(out, body.data ? body.data : "", body.len, NULL, d, o, crlf, notes);
	buf_release(&body);
	return rc < 0 ? oom(err) : 0;
}

int update_render(struct ml_buf *out, const char *old, size_t oldlen, const struct ml_draft *d,
		  const struct ml_update_opts *o, struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf lf = ML_BUF_INIT, body = ML_BUF_INIT;
	struct trailer t;
	char hex[ML_SHA256_HEX_LEN + 1];
	int crlf = 0, found, rc = -1;

	memset(&t, 0, sizeof t);
	if (!old)
		return render_fresh(out, d, o, 0, notes, err);
	if (text_to_lf(&lf, old, oldlen, &crlf) < 0)
		return oom(err);
	if (o->force) {
		rc = render_fresh(out, d, o, crlf, notes, err);
		goto done;
	}
	found = trailer_parse(lf.data, lf.len, &body, &t);
	if (found == -2) {
		rc = oom(err);
		goto done;
	}
	if (found < 0) {
		error_set(err, ML_EXIT_USAGE,
			  "its mergeletter trailer (the line \"<!-- mergeletter: offered ...\") is "
			  "damaged; repair it from the "
			  "file's history, or use --force to overwrite the file");
		goto done;
	}
	if (!found) {
		error_set(err, ML_EXIT_USAGE,
			  o->update
			      ? "it has no mergeletter trailer (it was finalized, or mergeletter "
				"did not write it), so --update cannot merge into it; use --force "
				"to overwrite it, or write to another file"
			      : "it exists and mergeletter did not write it (no mergeletter "
				"trailer; finalized?); --update cannot merge into it; use --force "
				"to overwrite it, or write to another file");
		goto done;
	}
	if (o->update) {
		rc =
		    render_body(out, body.data, body.len, &t, d, o, crlf, notes) < 0 ? oom(err) : 0;
		goto done;
	}
	sha256_hex(body.data, body.len, hex);
	if (t.edited || strcmp(hex, t.digest) != 0) {
		error_set(err, ML_EXIT_USAGE,
			  "it has changed since mergeletter wrote it; use --update to add the new "
			  "PRs and keep the edits, or --force to overwrite it");
		goto done;
	}
	rc = render_fresh(out, d, o, crlf, notes, err);
done:
	buf_release(&lf);
	buf_release(&body);
	trailer_release(&t);
	return rc;
}

int update_finalize(struct ml_buf *out, const char *text, size_t len, struct ml_strv *notes,
		    struct ml_error *err)
{
	struct ml_buf lf = ML_BUF_INIT, body = ML_BUF_INIT;
	struct trailer t;
	struct doc doc;
	int crlf, found, rc = -1;

	memset(&doc, 0, sizeof doc);
	memset(&t, 0, sizeof t);
	if (text_to_lf(&lf, text, len, &crlf) < 0)
		return oom(err);
	found = trailer_parse(lf.data, lf.len, &body, &t);
	if (found == -2)
		goto fail;
	if (found < 0) {
		error_set(err, ML_EXIT_USAGE,
			  "its mergeletter trailer (the line \"<!-- mergeletter: offered ...\") is "
			  "damaged; repair it, or "
			  "remove it and the \"<!-- mergeletter: \" notes by hand");
		goto done;
	}
	if (found == 0) {
		rc = buf_add(out, text, len) < 0 ? oom(err) : 0;
		goto done;
	}
	if ((body.len && body.data[body.len - 1] != '\n' && buf_puts(&body, "\n") < 0) ||
	    doc_open(&doc, body.data, body.len) < 0)
		goto fail;
	for (size_t i = 0; i < doc.n; i++) {
		struct ml_buf msg = ML_BUF_INIT;
		size_t n;
		const char *s = line_at(&doc, i, &n);
		int w;

		if (!line_note(&doc, i, NOTE_START))
			continue;
		doc.drop[i] = 1;
		if (line_note(&doc, i, DRAFTED_START)) {
			if (i + 1 < doc.n && line_blank(&doc, i + 1))
				doc.drop[i + 1] = 1;
			w = buf_printf(&msg,
				       "line %zu: the draft was made before its month ended "
				       "(%.*s); PRs merged since are not in it",
				       i + 1, (int)(n - strlen(DRAFTED_START) - strlen(NOTE_END)),
				       s + strlen(DRAFTED_START));
		} else {
			w = buf_printf(&msg, "line %zu: removed \"%.*s\"", i + 1, (int)n, s);
		}
		if (w < 0 || (notes && strv_push(notes, buf_str(&msg)) < 0)) {
			buf_release(&msg);
			goto fail;
		}
		buf_release(&msg);
	}
	{
		struct ml_buf plain = ML_BUF_INIT;

		if (doc_render(&plain, &doc) < 0 ||
		    text_from_lf(out, plain.data, plain.len, crlf) < 0) {
			buf_release(&plain);
			goto fail;
		}
		buf_release(&plain);
	}
	rc = 1;
	goto done;
fail:
	oom(err);
done:
	doc_release(&doc);
	buf_release(&lf);
	buf_release(&body);
	trailer_release(&t);
	return rc;
}

int update_write(const char *path, const struct ml_draft *d, const struct ml_update_opts *o,
		 struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	char *old = NULL;
	size_t oldlen = 0;
	int rc = file_read_optional(path, &old, &oldlen, err);

	if (rc < 0)
		return -1;
	rc = update_render(&out, rc ? old : NULL, oldlen, d, o, notes, err);
	if (rc < 0)
		error_prefix(err, "'%s'", path);
	else if (rc == 0 && (!old || oldlen != out.len || memcmp(old, out.data, oldlen) != 0))
		rc = file_write_atomic(path, out.data ? out.data : "", out.len, err);
	free(old);
	buf_release(&out);
	return rc;
}

int update_finalize_file(const char *path, struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	char *text = NULL;
	size_t len = 0;
	int rc = file_read(path, &text, &len, err);

	if (rc == 0) {
		rc = update_finalize(&out, text, len, notes, err);
		if (rc == 0 && notes &&
		    strv_push(notes,
			      "it has no mergeletter trailer: already final; left as it is") < 0)
			rc = oom(err);
		else if (rc == 1)
			rc = file_write_atomic(path, out.data ? out.data : "", out.len, err);
		if (rc < 0)
			error_prefix(err, "'%s'", path);
	}
	free(text);
	buf_release(&out);
	return rc;
}
