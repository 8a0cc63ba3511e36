/* json_out.c: --format json, the draft's data for scripts.
 *
 * The document's frame (the root, the sections, the repositories, their
 * PR lists and each PR's fields) is written here the way jansson lays out
 * a whole document with JSON_INDENT(2); every other value is built and
 * dumped by jansson where it sits, then freed, and a PR's strings and
 * number are dumped by jansson one by one into the output: a release of
 * thousands of PRs never holds them as jansson values (their few MB of
 * small allocations, each page touched once, cost more than writing
 * them). Text the frame writes itself is our own ASCII: keys, brackets,
 * true/false/null, dates, the digits of a number jansson has dumped.
 *
 * jansson ownership: json_object_set_new()/json_array_append_new() steal
 * the new reference they are given; so does w_value().
 */
#include "mergeletter/emit/json_out.h"
#include "mergeletter/util/str.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Building a document: every helper takes the new value (NULL when its
 * allocation failed), steals it, and clears *ok on any failure, so one
 * check at the end covers every allocation. */
static void put(json_t *o, const char *key, json_t *v, int *ok)
{
	if (json_object_set_new_nocheck(o, key, v) < 0) /* keys: our own ASCII literals */
		*ok = 0;
}

static void push(json_t *a, json_t *v, int *ok)
{
	if (json_array_append_new(a, v) < 0)
		*ok = 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *strv_json(const struct ml_strv *sv, int *ok)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		push(a, json_string(sv->v[i]), ok);
	return a;
}

static json_t *time_json(int64_t t)
{
	char iso[32];

	range_format_iso(t, iso, sizeof iso);
	return json_string_nocheck(iso);
}

/* The frame's writer: depth open containers, empty[k] while the k-th has
 * nothing in it yet; ok cleared by any failure. */
#define W_DEPTH 8
struct writer {
	struct ml_buf *out;
	int depth;
	int empty[W_DEPTH];
	int ok;
	json_t *str, *num;    /* a string and an integer, reset for each leaf */
	const char *url_repo; /* the repo whose address w_url() holds, or NULL */
	struct ml_buf url;    /* its text as jansson dumps it, no closing quote */
	int (*flush)(void *ud, const char *data, size_t len); /* or NULL */
	void *flush_ud;
};

/* What gathers in out before it goes to flush: a few pages, written again
 * and again, rather than the whole document's fresh pages (a first write
 * to a page is a page fault: 11-30 us each on the bench VM). */
#define W_FLUSH_AT (64 * 1024)

/* Between two items: hand what gathered to flush, when there is one. */
static void w_flush(struct writer *w)
{
	if (!w->flush || !w->ok || w->out->len < W_FLUSH_AT)
		return;
	if (w->flush(w->flush_ud, w->out->data, w->out->len) < 0)
		w->ok = 0;
	w->out->len = 0;
}

/* A comma, a newline and 2 * W_DEPTH spaces: depth never exceeds W_DEPTH. */
static const char w_indent[] = ",\n                ";
_Static_assert(sizeof w_indent == 3 + 2 * W_DEPTH, "an indent for every depth");

static void w_newline(struct writer *w, int depth)
{
	if (buf_add(w->out, w_indent + 1, 1 + 2 * (size_t)depth) < 0)
		w->ok = 0;
}

static void w_open(struct writer *w, const char *bracket)
{
	if (w->depth == W_DEPTH || buf_puts(w->out, bracket) < 0) {
		w->ok = 0;
		return;
	}
	w->empty[w->depth++] = 1;
}

static void w_close(struct writer *w, const char *bracket)
{
	if (w->depth == 0) {
		w->ok = 0;
		return;
	}
	if (!w->empty[--w->depth])
		w_newline(w, w->depth);
	if (buf_puts(w->out, bracket) < 0)
		w->ok = 0;
}

/* The next item of the open container: its separator and indent. */
static void w_item(struct writer *w)
{
	int first;

	if (w->depth == 0) {
		w->ok = 0;
		return;
	}
	first = w->empty[w->depth - 1];
	w->empty[w->depth - 1] = 0;
	if (buf_add(w->out, w_indent + first, 2 - (size_t)first + 2 * (size_t)w->depth) < 0)
		w->ok = 0;
}

/* "s": our own ASCII text (a key, a date), nothing to escape. */
static void w_ascii(struct writer *w, const char *s, const char *after)
{
	size_t n = strlen(s), m = strlen(after);
	char *p;

	if (buf_grow(w->out, n + 2 + m) < 0) {
		w->ok = 0;
		return;
	}
	p = w->out->data + w->out->len;
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	memcpy(p + n + 2, after, m);
	buf_setlen(w->out, w->out->len + n + 2 + m);
}

static void w_key(struct writer *w, const char *key)
{
	w_item(w);
	w_ascii(w, key, ": ");
}

/* jansson's text of a value, each line after the first indented to
 * where the value sits. */
static int dump_indented(const char *text, size_t len, void *ud)
{
	struct writer *w = ud;
	const char *nl;

	while ((nl = memchr(text, '\n', len))) {
		size_t n = (size_t)(nl - text);

		if (buf_add(w->out, text, n) < 0)
			return -1;
		w_newline(w, w->depth);
		text += n + 1;
		len -= n + 1;
	}
	return w->ok && buf_add(w->out, text, len) == 0 ? 0 : -1;
}

/* Dump v (stolen; NULL: an allocation failed) where the writer stands. */
static void w_value(struct writer *w, json_t *v)
{
	if (!v || json_dump_callback(v, dump_indented, w,
				     JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) < 0)
		w->ok = 0;
	json_decref(v);
}

/* Append jansson's text of leaf v (a string or a number: one line). */
static int dump_leaf(struct ml_buf *out, const json_t *v)
{
	size_t room, n;

	if (buf_grow(out, 64) < 0)
		return -1;
	room = out->cap - out->len - 1;
	n = json_dumpb(v, out->data + out->len, room, JSON_ENCODE_ANY);
	if (n > room &&
	    (buf_grow(out, n) < 0 || json_dumpb(v, out->data + out->len, n, JSON_ENCODE_ANY) != n))
		return -1;
	if (n == 0)
		return -1;
	buf_setlen(out, out->len + n);
	return 0;
}

/* Dump leaf v (kept) straight into the buffer where the writer stands. */
static void w_leaf(struct writer *w, const json_t *v)
{
	if (!w->ok || dump_leaf(w->out, v) < 0)
		w->ok = 0;
}

static void w_lit(struct writer *w, const char *lit)
{
	if (buf_puts(w->out, lit) < 0)
		w->ok = 0;
}

static void w_str(struct writer *w, const char *s)
{
	if (!s)
		w_lit(w, "null");
	else if (json_string_set(w->str, s) < 0)
		w->ok = 0;
	else
		w_leaf(w, w->str);
}

static void w_bool(struct writer *w, int b)
{
	w_lit(w, b ? "true" : "false");
}

/* An array of the n strings of v. */
static void w_strs(struct writer *w, char *const *v, size_t n)
{
	w_open(w, "[");
	for (size_t i = 0; i < n; i++) {
		w_item(w);
		w_str(w, v[i]);
	}
	w_close(w, "]");
}

static void w_strv(struct writer *w, const struct ml_strv *sv)
{
	w_strs(w, sv->v, sv->n);
}

/* A PR's address, web/repo/pull/number: jansson's text of web/repo/pull/
 * is kept for the run of PRs of one repo, and the number's digits, as
 * jansson dumped them (ASCII), are added to it. */
static void w_url(struct writer *w, const char *web, const char *repo, const char *digits, size_t n)
{
	if (!w->url_repo || strcmp(w->url_repo, repo) != 0) {
		struct ml_buf pre = ML_BUF_INIT;
		int rc = 0;

		w->url_repo = NULL;
		buf_reset(&w->url);
		if (buf_printf(&pre, "%s/%s/pull/", web, repo) < 0 ||
		    json_string_set(w->str, buf_str(&pre)) < 0 || dump_leaf(&w->url, w->str) < 0)
			rc = -1;
		buf_release(&pre);
		if (rc < 0) {
			w->ok = 0;
			return;
		}
		buf_setlen(&w->url, w->url.len - 1); /* the closing quote */
		w->url_repo = repo;
	}
	if (buf_add(w->out, w->url.data, w->url.len) < 0 || buf_add(w->out, digits, n) < 0 ||
	    buf_add(w->out, "\"", 1) < 0)
		w->ok = 0;
}

/* A PR's fields, and its repo when with_repo. */
static void pr_write(struct writer *w, const struct ml_draft *d, const struct ml_pr *pr,
		     int with_repo)
{
	char digits[32], iso[32];
	size_t at, n = 0;

	range_format_iso(pr->merged_at, iso, sizeof iso);
	w_open(w, "{");
	w_key(w, "number");
	at = w->out->len;
	if (json_integer_set(w->num, pr->number) < 0)
		w->ok = 0;
	w_leaf(w, w->num);
	n = w->ok ? w->out->len - at : 0;
	if (n == 0 || n >= sizeof digits) {
		w->ok = 0;
		n = 0;
	} else {
		memcpy(digits, w->out->data + at, n);
	}
	w_key(w, "title");
	w_str(w, pr->title ? pr->title : "");
	w_key(w, "url");
	w_url(w, draft_web(d), pr->repo, digits, n);
	w_key(w, "author");
	w_str(w, pr->author);
	w_key(w, "author_is_bot");
	w_bool(w, pr->author_is_bot);
	w_key(w, "merged_at");
	w_ascii(w, iso, "");
	w_key(w, "labels");
	w_strv(w, &pr->labels);
	w_key(w, "author_association");
	w_str(w, pr->association);
	w_key(w, "coauthors");
	w_strv(w, &pr->coauthors);
	w_key(w, "bump");
	w_bool(w, pr->is_bump);
	w_key(w, "listed");
	w_bool(w, draft_pr_listed(pr, d->deps_mode));
	if (with_repo) {
		w_key(w, "repo");
		w_str(w, pr->repo);
	}
	w_close(w, "}");
}

static void prs_write(struct writer *w, const struct ml_draft *d, const struct ml_pr_list *l,
		      int with_repo)
{
	w_open(w, "[");
	for (size_t i = 0; w->ok && i < l->len; i++) {
		w_item(w);
		pr_write(w, d, &l->items[i], with_repo);
		w_flush(w);
	}
	w_close(w, "]");
}

static void repo_write(struct writer *w, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	json_t *m = json_array();
	struct ml_strref who = {0};

	w_open(w, "{");
	w_key(w, "repo");
	w_str(w, r->info.repo);
	w_key(w, "name");
	w_str(w, r->info.name);
	w_key(w, "intro");
	w_str(w, r->info.intro);
	for (size_t i = 0; i < r->info.nmaintainers; i++) {
		json_t *mm = json_object();

		put(mm, "login", json_string(r->info.maintainers[i].login), &w->ok);
		put(mm, "url", str_or_null(r->info.maintainers[i].url), &w->ok);
		push(m, mm, &w->ok);
	}
	w_key(w, "maintainers");
	w_value(w, m);
	w_key(w, "prs");
	prs_write(w, d, &r->prs, 0);
	if (draft_thanks(r, d->deps_mode, &who) < 0)
		w->ok = 0;
	w_key(w, "thanks");
	w_strs(w, (char *const *)who.v, who.n);
	strref_release(&who);
	if (r->failure) {
		w_key(w, "failure");
		w_str(w, r->failure);
	}
	w_close(w, "}");
}

static int add_failure(void *ud, const char *failure)
{
	return json_array_append_new(ud, json_string(failure));
}

/* "tooling" and "news", only when the config has them. */
static void parts_write(struct writer *w, const struct ml_draft *d)
{
	if (d->tooling_heading) {
		w_key(w, "tooling");
		w_open(w, "{");
		w_key(w, "heading");
		w_str(w, d->tooling_heading);
		w_key(w, "candidates");
		prs_write(w, d, &d->tooling, 1);
		w_close(w, "}");
	}
	if (d->news.heading) {
		json_t *o = json_object(), *e = json_array();

		put(o, "heading", json_string(d->news.heading), &w->ok);
		for (size_t i = 0; i < d->news.nentries; i++) {
			const struct ml_news_entry *ne = &d->news.entries[i];
			json_t *eo = json_object();

			put(eo, "title", json_string(ne->title), &w->ok);
			put(eo, "url", json_string(ne->link), &w->ok);
			put(eo, "date", time_json(ne->date), &w->ok);
			put(eo, "offer", json_boolean(ne->offer), &w->ok);
			push(e, eo, &w->ok);
		}
		put(o, "entries", e, &w->ok);
		put(o, "failures", strv_json(&d->news.failures, &w->ok), &w->ok);
		w_key(w, "news");
		w_value(w, o);
	}
}

int json_out_draft(struct ml_buf *out, const struct ml_draft *d,
		   int (*flush)(void *ud, const char *data, size_t len), void *ud)
{
	struct writer w = {out,	 0,	      {0},   1, json_string(""), json_integer(0),
			   NULL, ML_BUF_INIT, flush, ud};
	json_t *range = json_object();
	char label[160], date[16];

	if (!w.str || !w.num)
		w.ok = 0;
	range_format_date(d->date, date, sizeof date);
	w_open(&w, "{");
	w_key(&w, "title");
	w_str(&w, d->title);
	w_key(&w, "date");
	w_str(&w, date);
	w_key(&w, "editors");
	w_strv(&w, &d->editors);
	put(range, "since", time_json(d->range.since), &w.ok);
	put(range, "until", time_json(d->range.until), &w.ok);
	put(range, "label", json_string(draft_range_label(d, label, sizeof label)), &w.ok);
	if (d->from_ref)
		put(range, "from", json_string(d->from_ref), &w.ok);
	if (d->to_ref)
		put(range, "to", json_string(d->to_ref), &w.ok);
	w_key(&w, "range");
	w_value(&w, range);
	w_key(&w, "deps");
	w_str(&w, deps_mode_name(d->deps_mode));
	w_key(&w, "sections");
	w_open(&w, "[");
	for (size_t i = 0; w.ok && i < d->nsections; i++) {
		const struct ml_draft_section *s = &d->sections[i];

		w_item(&w);
		w_open(&w, "{");
		w_key(&w, "heading");
		w_str(&w, s->heading);
		w_key(&w, "repos");
		w_open(&w, "[");
		for (size_t j = 0; w.ok && j < s->nrepos; j++) {
			w_item(&w);
			repo_write(&w, d, &s->repos[j]);
		}
		w_close(&w, "]");
		if (s->failure) {
			w_key(&w, "failure");
			w_str(&w, s->failure);
		}
		w_close(&w, "}");
	}
	w_close(&w, "]");
	if (draft_each_failure(d, NULL, NULL) > 0) {
		json_t *failures = json_array();

		if (draft_each_failure(d, add_failure, failures) < 0)
			w.ok = 0;
		w_key(&w, "failures");
		w_value(&w, failures);
	}
	parts_write(&w, d);
	w_close(&w, "}");
	if (buf_puts(out, "\n") < 0)
		w.ok = 0;
	json_decref(w.str);
	json_decref(w.num);
	buf_release(&w.url);
	return w.ok ? 0 : -1;
}
