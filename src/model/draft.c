/* draft.c: the draft model: sections, repositories, thanks lists. */
#include "mergeletter/model/draft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/model/ghenv.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

struct ml_draft_repo *draft_add_repo(struct ml_draft_section *s, const struct ml_repo_cfg *rc)
{
	struct ml_draft_repo *repos = realloc(s->repos, (s->nrepos + 1) * sizeof *repos), *r;

	if (!repos)
		return NULL;
	s->repos = repos;
	r = &repos[s->nrepos];
	memset(r, 0, sizeof *r);
	if (repo_cfg_copy(&r->info, rc) < 0)
		return NULL;
	s->nrepos++;
	return r;
}

static struct ml_draft_section *add_section(struct ml_draft *d, const char *heading,
					    const char *intro, const char *org)
{
	struct ml_draft_section *v = realloc(d->sections, (d->nsections + 1) * sizeof *v), *s;

	if (!v)
		return NULL;
	d->sections = v;
	s = &v[d->nsections++];
	memset(s, 0, sizeof *s);
	s->heading = ml_strdup(heading);
	s->intro = ml_strdup(intro);
	s->org = ml_strdup(org);
	if ((heading && !s->heading) || (intro && !s->intro) || (org && !s->org))
		return NULL;
	return s;
}

int draft_from_config(struct ml_draft *d, const struct ml_config *cfg, const struct ml_range *range,
		      struct ml_error *err)
{
	memset(d, 0, sizeof *d);
	d->range = *range;
	d->date = range_now();
	d->deps_mode = cfg->deps_mode ? cfg->deps_mode : ML_DEPS_COMMENT;
	if (cfg->title && !(d->title = ml_strdup(cfg->title)))
		goto oom;
	if (cfg->tooling.heading && !(d->tooling_heading = ml_strdup(cfg->tooling.heading)))
		goto oom;
	if (cfg->news.heading && !(d->news.heading = ml_strdup(cfg->news.heading)))
		goto oom;
	for (size_t i = 0; i < cfg->editors.n; i++)
		if (strv_push(&d->editors, cfg->editors.v[i]) < 0)
			goto oom;
	if (login_map_copy(&d->logins, &cfg->logins) < 0)
		goto oom;
	for (size_t i = 0; i < cfg->nsections; i++) {
		const struct ml_section_cfg *sc = &cfg->sections[i];
		struct ml_draft_section *s = add_section(d, sc->heading, sc->intro, sc->org);

		if (!s || strv_push_all(&s->exclude, (const char *const *)sc->exclude.v,
					sc->exclude.n) < 0)
			goto oom;
		s->user = sc->user;
		for (size_t j = 0; j < sc->nrepos; j++) {
			struct ml_draft_repo *r = draft_add_repo(s, &sc->repos[j]);

			if (!r)
				goto oom;
			repo_cfg_maintainers_during(&r->info, range->since, range->until);
		}
	}
	return 0;
oom:
	draft_release(d);
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}

int draft_single(struct ml_draft *d, const struct ml_repo_cfg *rc, const struct ml_range *range,
		 struct ml_error *err)
{
	struct ml_draft_section *s;

	memset(d, 0, sizeof *d);
	d->range = *range;
	d->date = range_now();
	d->deps_mode = ML_DEPS_COMMENT;
	s = add_section(d, NULL, NULL, NULL);
	if (!s || !draft_add_repo(s, rc)) {
		draft_release(d);
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

int draft_set_refs(struct ml_draft *d, const char *from, const char *to, struct ml_error *err)
{
	free(d->from_ref);
	free(d->to_ref);
	d->from_ref = ml_strdup(from);
	d->to_ref = ml_strdup(to);
	if ((from && !d->from_ref) || (to && !d->to_ref))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

const char *draft_range_label(const struct ml_draft *d, char *out, size_t outlen)
{
	if (d->from_ref && d->to_ref)
		snprintf(out, outlen, "Changes in %s", d->to_ref);
	else if (d->from_ref)
		snprintf(out, outlen, "Changes since %s", d->from_ref);
	else
		range_month_label(&d->range, out, outlen);
	return out;
}

struct ml_draft_repo *draft_find_repo(struct ml_draft *d, const char *repo)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			if (ml_strcaseeq(d->sections[i].repos[j].info.repo, repo))
				return &d->sections[i].repos[j];
	return NULL;
}

const char *draft_web(const struct ml_draft *d)
{
	return d->web ? d->web : GHENV_DEFAULT_WEB;
}

void draft_release(struct ml_draft *d)
{
	if (!d)
		return;
	free(d->web);
	free(d->title);
	free(d->from_ref);
	free(d->to_ref);
	strv_release(&d->editors);
	login_map_release(&d->logins);
	for (size_t i = 0; i < d->nsections; i++) {
		struct ml_draft_section *s = &d->sections[i];

		for (size_t j = 0; j < s->nrepos; j++) {
			repo_cfg_release(&s->repos[j].info);
			pr_list_release(&s->repos[j].prs);
			free(s->repos[j].description);
			free(s->repos[j].failure);
		}
		free(s->repos);
		free(s->heading);
		free(s->intro);
		free(s->org);
		strv_release(&s->exclude);
		free(s->failure);
	}
	free(d->sections);
	free(d->tooling_heading);
	pr_list_release(&d->tooling);
	news_release(&d->news);
	memset(d, 0, sizeof *d);
}

int draft_each_failure(const struct ml_draft *d, int (*fn)(void *ud, const char *failure), void *ud)
{
	int n = 0;

	for (size_t i = 0; i < d->nsections; i++) {
		const struct ml_draft_section *s = &d->sections[i];

		if (s->failure && (n++, fn && fn(ud, s->failure) < 0))
			return -1;
		for (size_t j = 0; j < s->nrepos; j++)
			if (s->repos[j].failure && (n++, fn && fn(ud, s->repos[j].failure) < 0))
				return -1;
	}
	return n;
}

int draft_pr_listed(const struct ml_pr *pr, enum ml_deps_mode mode)
{
	return !pr->is_bump || mode == ML_DEPS_KEEP;
}

/* login thanked once (seen: the logins already in out, a hash set: a
 * month of thousands of PRs by hundreds of people stays linear). */
static int thank(const struct ml_draft_repo *r, struct ml_strref *out, struct ml_strmap *seen,
		 const char *login)
{
	if (!*login || pr_login_is_bot(login) || repo_cfg_is_maintainer(&r->info, login) ||
	    strmap_get(seen, login))
		return 0;
	return strref_push(out, login) < 0 || strmap_put(seen, login, (void *)login) < 0 ? -1 : 0;
}

int draft_thanks(const struct ml_draft_repo *r, enum ml_deps_mode mode, struct ml_strref *out)
{
	struct ml_strmap seen = {0};
	int rc = 0;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; rc == 0 && i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (!draft_pr_listed(pr, mode) || pr->author_is_bot)
			continue;
		if (pr->author)
			rc = thank(r, out, &seen, pr->author);
		for (size_t j = 0; rc == 0 && j < pr->coauthors.n; j++)
			rc = thank(r, out, &seen, pr->coauthors.v[j]);
	}
	strmap_release(&seen);
	if (rc < 0)
		strref_release(out);
	return rc;
}

/* s quoted for a message on a terminal: control and non-ASCII bytes as
 * \xNN, at most 60 characters of it. */
static int quote(struct ml_buf *out, const char *s)
{
	size_t n = 0;

	if (buf_puts(out, "\"") < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		int rc;

		if (n == 60)
			return buf_puts(out, "...\"");
		if (*p < 0x20 || *p >= 0x7F || *p == '"' || *p == '\\')
			rc = buf_printf(out, "\\x%02X", *p);
		else
			rc = buf_add(out, p, 1);
		if (rc < 0)
			return -1;
	}
	return buf_puts(out, "\"");
}

int draft_check(const struct ml_draft *d, struct ml_strv *warnings)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			const struct ml_draft_repo *r = &d->sections[i].repos[j];
			struct ml_strref who;

			for (size_t k = 0; k < r->prs.len; k++) {
				const struct ml_pr *pr = &r->prs.items[k];
				struct ml_buf m = ML_BUF_INIT;
				int rc;

				if (!pr->title_cut)
					continue;
				rc = buf_printf(&m,
						"%s#%ld: the title is %zu characters long; it is "
						"shortened to %d, with an ellipsis",
						r->info.repo, pr->number, pr->title_cut,
						ML_PR_TITLE_MAX) < 0 ||
				     strv_push(warnings, buf_str(&m)) < 0;
				buf_release(&m);
				if (rc)
					return -1;
			}
			if (draft_thanks(r, d->deps_mode, &who) < 0)
				return -1;
			for (size_t k = 0; k < who.n; k++) {
				struct ml_buf m = ML_BUF_INIT;
				int rc;

				if (pr_login_valid(who.v[k], strlen(who.v[k])))
					continue;
				rc = buf_printf(&m, "%s: login ", r->info.repo) < 0 ||
				     quote(&m, who.v[k]) < 0 ||
				     buf_puts(&m, " is not a valid GitHub login; the thanks line "
						  "shows it as plain text, without a link") < 0 ||
				     strv_push(warnings, buf_str(&m)) < 0;
				buf_release(&m);
				if (rc) {
					strref_release(&who);
					return -1;
				}
			}
			strref_release(&who);
		}
	return 0;
}
