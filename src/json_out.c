/* json_out.c: --format json, the draft's data for scripts.
 *
 * jansson ownership: json_object_set_new()/json_array_append_new() steal
 * the new reference they are given; the root is released here.
 */
#include "mergeletter/json_out.h"
#include "mergeletter/str.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *strv_json(const struct ml_strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *time_json(int64_t t)
{
	char iso[32];

	range_format_iso(t, iso, sizeof iso);
	return json_string(iso);
}

static json_t *pr_json(const struct ml_pr *pr, enum ml_deps_mode mode)
{
	json_t *o = json_object();
	char url[512];

	snprintf(url, sizeof url, "https://github.com/%s/pull/%ld", pr->repo, pr->number);
	json_object_set_new(o, "number", json_integer(pr->number));
	json_object_set_new(o, "title", json_string(pr->title ? pr->title : ""));
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "author", pr->author ? json_string(pr->author) : json_null());
	json_object_set_new(o, "author_is_bot", json_boolean(pr->author_is_bot));
	json_object_set_new(o, "merged_at", time_json(pr->merged_at));
	json_object_set_new(o, "labels", strv_json(&pr->labels));
	json_object_set_new(o, "author_association",
			    pr->association ? json_string(pr->association) : json_null());
	json_object_set_new(o, "coauthors", strv_json(&pr->coauthors));
	json_object_set_new(o, "bump", json_boolean(pr->is_bump));
	json_object_set_new(o, "listed", json_boolean(draft_pr_listed(pr, mode)));
	return o;
}

static json_t *repo_json(const struct ml_draft *d, const struct ml_draft_repo *r)
{
	json_t *o = json_object(), *m = json_array(), *prs = json_array(), *thanks = json_array();
	struct ml_strref who;

	json_object_set_new(o, "repo", json_string(r->info.repo));
	json_object_set_new(o, "name", r->info.name ? json_string(r->info.name) : json_null());
	json_object_set_new(o, "intro", r->info.intro ? json_string(r->info.intro) : json_null());
	for (size_t i = 0; i < r->info.nmaintainers; i++) {
		json_t *mm = json_object();

		json_object_set_new(mm, "login", json_string(r->info.maintainers[i].login));
		json_object_set_new(mm, "url", r->info.maintainers[i].url
						       ? json_string(r->info.maintainers[i].url)
						       : json_null());
		json_array_append_new(m, mm);
	}
	json_object_set_new(o, "maintainers", m);
	for (size_t i = 0; i < r->prs.len; i++)
		json_array_append_new(prs, pr_json(&r->prs.items[i], d->deps_mode));
	json_object_set_new(o, "prs", prs);
	if (draft_thanks(r, d->deps_mode, &who) == 0) {
		for (size_t i = 0; i < who.n; i++)
			json_array_append_new(thanks, json_string(who.v[i]));
		strref_release(&who);
	}
	json_object_set_new(o, "thanks", thanks);
	if (r->failure)
		json_object_set_new(o, "failure", json_string(r->failure));
	return o;
}

static int add_failure(void *ud, const char *failure)
{
	return json_array_append_new(ud, json_string(failure));
}

int json_out_draft(struct ml_buf *out, const struct ml_draft *d)
{
	static const char *const modes[] = { "comment", "comment", "drop", "keep" };
	json_t *root = json_object(), *range = json_object(), *secs = json_array();
	char label[64], date[16];
	char *text = NULL;
	int rc = -1;

	range_format_date(d->date, date, sizeof date);
	json_object_set_new(root, "title", d->title ? json_string(d->title) : json_null());
	json_object_set_new(root, "date", json_string(date));
	json_object_set_new(root, "editors", strv_json(&d->editors));
	json_object_set_new(range, "since", time_json(d->range.since));
	json_object_set_new(range, "until", time_json(d->range.until));
	json_object_set_new(range, "label", json_string(range_month_label(&d->range, label, sizeof label)));
	json_object_set_new(root, "range", range);
	json_object_set_new(root, "deps", json_string(modes[d->deps_mode]));
	for (size_t i = 0; i < d->nsections; i++) {
		const struct ml_draft_section *s = &d->sections[i];
		json_t *so = json_object(), *repos = json_array();

		json_object_set_new(so, "heading", s->heading ? json_string(s->heading) : json_null());
		for (size_t j = 0; j < s->nrepos; j++)
			json_array_append_new(repos, repo_json(d, &s->repos[j]));
		json_object_set_new(so, "repos", repos);
		if (s->failure)
			json_object_set_new(so, "failure", json_string(s->failure));
		json_array_append_new(secs, so);
	}
	json_object_set_new(root, "sections", secs);
	if (draft_each_failure(d, NULL, NULL) > 0) {
		json_t *failures = json_array();

		draft_each_failure(d, add_failure, failures);
		json_object_set_new(root, "failures", failures);
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text && buf_puts(out, text) == 0 && buf_puts(out, "\n") == 0)
		rc = 0;
	free(text);
	json_decref(root);
	return rc;
}
