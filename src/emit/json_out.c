/* json_out.c: --format json, the draft's data for scripts.
 *
 * jansson ownership: json_object_set_new()/json_array_append_new() steal
 * the new reference they are given; the root is released here.
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

static json_t *pr_json(const struct ml_draft *d, const struct ml_pr *pr, int *ok)
{
	json_t *o = json_object();
	char url[1024];

	snprintf(url, sizeof url, "%s/%s/pull/%ld", draft_web(d), pr->repo, pr->number);
	put(o, "number", json_integer(pr->number), ok);
	put(o, "title", json_string(pr->title ? pr->title : ""), ok);
	put(o, "url", json_string(url), ok);
	put(o, "author", str_or_null(pr->author), ok);
	put(o, "author_is_bot", json_boolean(pr->author_is_bot), ok);
	put(o, "merged_at", time_json(pr->merged_at), ok);
	put(o, "labels", strv_json(&pr->labels, ok), ok);
	put(o, "author_association", str_or_null(pr->association), ok);
	put(o, "coauthors", strv_json(&pr->coauthors, ok), ok);
	put(o, "bump", json_boolean(pr->is_bump), ok);
	put(o, "listed", json_boolean(draft_pr_listed(pr, d->deps_mode)), ok);
	return o;
}

static json_t *repo_json(const struct ml_draft *d, const struct ml_draft_repo *r, int *ok)
{
	json_t *o = json_object(), *m = json_array(), *prs = json_array(), *thanks = json_array();
	struct ml_strref who = {0};

	put(o, "repo", json_string(r->info.repo), ok);
	put(o, "name", str_or_null(r->info.name), ok);
	put(o, "intro", str_or_null(r->info.intro), ok);
	for (size_t i = 0; i < r->info.nmaintainers; i++) {
		json_t *mm = json_object();

		put(mm, "login", json_string(r->info.maintainers[i].login), ok);
		put(mm, "url", str_or_null(r->info.maintainers[i].url), ok);
		push(m, mm, ok);
	}
	put(o, "maintainers", m, ok);
	for (size_t i = 0; i < r->prs.len; i++)
		push(prs, pr_json(d, &r->prs.items[i], ok), ok);
	put(o, "prs", prs, ok);
	if (draft_thanks(r, d->deps_mode, &who) < 0)
		*ok = 0;
	for (size_t i = 0; i < who.n; i++)
		push(thanks, json_string(who.v[i]), ok);
	strref_release(&who);
	put(o, "thanks", thanks, ok);
	if (r->failure)
		put(o, "failure", json_string(r->failure), ok);
	return o;
}

/* json_dump_callback() straight into the output buffer: no second copy of
 * the document. */
static int dump_to_buf(const char *text, size_t len, void *ud)
{
	return buf_add(ud, text, len);
}

static int add_failure(void *ud, const char *failure)
{
	return json_array_append_new(ud, json_string(failure));
}

/* "tooling" and "news", only when the config has them. */
static void parts_json(json_t *root, const struct ml_draft *d, int *ok)
{
	if (d->tooling_heading) {
		json_t *o = json_object(), *c = json_array();

		put(o, "heading", json_string(d->tooling_heading), ok);
		for (size_t i = 0; i < d->tooling.len; i++) {
			json_t *pr = pr_json(d, &d->tooling.items[i], ok);

			put(pr, "repo", json_string(d->tooling.items[i].repo), ok);
			push(c, pr, ok);
		}
		put(o, "candidates", c, ok);
		put(root, "tooling", o, ok);
	}
	if (d->news.heading) {
		json_t *o = json_object(), *e = json_array();

		put(o, "heading", json_string(d->news.heading), ok);
		for (size_t i = 0; i < d->news.nentries; i++) {
			const struct ml_news_entry *ne = &d->news.entries[i];
			json_t *eo = json_object();

			put(eo, "title", json_string(ne->title), ok);
			put(eo, "url", json_string(ne->link), ok);
			put(eo, "date", time_json(ne->date), ok);
			put(eo, "offer", json_boolean(ne->offer), ok);
			push(e, eo, ok);
		}
		put(o, "entries", e, ok);
		put(o, "failures", strv_json(&d->news.failures, ok), ok);
		put(root, "news", o, ok);
	}
}

int json_out_draft(struct ml_buf *out, const struct ml_draft *d)
{
	json_t *root = json_object(), *range = json_object(), *secs = json_array();
	char label[160], date[16];
	int ok = 1, rc = -1;

	range_format_date(d->date, date, sizeof date);
	put(root, "title", str_or_null(d->title), &ok);
	put(root, "date", json_string(date), &ok);
	put(root, "editors", strv_json(&d->editors, &ok), &ok);
	put(range, "since", time_json(d->range.since), &ok);
	put(range, "until", time_json(d->range.until), &ok);
	put(range, "label", json_string(draft_range_label(d, label, sizeof label)), &ok);
	if (d->from_ref)
		put(range, "from", json_string(d->from_ref), &ok);
	if (d->to_ref)
		put(range, "to", json_string(d->to_ref), &ok);
	put(root, "range", range, &ok);
	put(root, "deps", json_string(deps_mode_name(d->deps_mode)), &ok);
	for (size_t i = 0; i < d->nsections; i++) {
		const struct ml_draft_section *s = &d->sections[i];
		json_t *so = json_object(), *repos = json_array();

		put(so, "heading", str_or_null(s->heading), &ok);
		for (size_t j = 0; j < s->nrepos; j++)
			push(repos, repo_json(d, &s->repos[j], &ok), &ok);
		put(so, "repos", repos, &ok);
		if (s->failure)
			put(so, "failure", json_string(s->failure), &ok);
		push(secs, so, &ok);
	}
	put(root, "sections", secs, &ok);
	if (draft_each_failure(d, NULL, NULL) > 0) {
		json_t *failures = json_array();

		if (draft_each_failure(d, add_failure, failures) < 0)
			ok = 0;
		put(root, "failures", failures, &ok);
	}
	parts_json(root, d, &ok);
	if (ok &&
	    json_dump_callback(root, dump_to_buf, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
	    buf_puts(out, "\n") == 0)
		rc = 0;
	json_decref(root);
	return rc;
}
