/* config_model.c: the config model's own operations: repository entries
 * (copy, overlay, maintainers by month), categories, the login map, the
 * bump modes, and releasing it all. config.c loads the model from JSON. */
#include "mergeletter/model/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/util/str.h"

void repo_cfg_release(struct ml_repo_cfg *rc)
{
	if (!rc)
		return;
	free(rc->repo);
	free(rc->name);
	free(rc->intro);
	free(rc->intro_sep);
	free(rc->maintainers_line);
	free(rc->git);
	free(rc->ref);
	categories_release(&rc->categories);
	for (size_t i = 0; i < rc->nmaintainers; i++) {
		free(rc->maintainers[i].login);
		free(rc->maintainers[i].url);
	}
	free(rc->maintainers);
	memset(rc, 0, sizeof *rc);
}

const struct ml_repo_cfg *config_find_repo(const struct ml_config *cfg, const char *repo)
{
	const struct ml_repo_cfg *found = NULL;

	for (size_t i = 0; i < cfg->nsections; i++)
		for (size_t j = 0; j < cfg->sections[i].nrepos; j++) {
			const struct ml_repo_cfg *rc = &cfg->sections[i].repos[j];

			if (repo && rc->repo && ml_strcaseeq(rc->repo, repo))
				return rc;
			if (!repo && found)
				return NULL; /* several */
			if (!repo)
				found = rc;
		}
	return found;
}

int repo_cfg_overlay(struct ml_repo_cfg *dst, const struct ml_repo_cfg *base,
		     const struct ml_repo_cfg *over)
{
	struct ml_repo_cfg tmp = *over; /* borrowed fields only: copied below */

	if (base) {
		tmp = *base;
		tmp.repo = over->repo ? over->repo : base->repo;
		tmp.name = over->name ? over->name : base->name;
		tmp.intro = over->intro ? over->intro : base->intro;
		tmp.git = over->git ? over->git : base->git;
		tmp.ref = over->ref ? over->ref : base->ref;
		if (over->nmaintainers) {
			tmp.maintainers = over->maintainers;
			tmp.nmaintainers = over->nmaintainers;
			tmp.maintainers_known = 1;
		}
	}
	return repo_cfg_copy(dst, &tmp);
}

int repo_cfg_copy(struct ml_repo_cfg *dst, const struct ml_repo_cfg *src)
{
	memset(dst, 0, sizeof *dst);
	dst->line = src->line;
	dst->maintainers_known = src->maintainers_known;
	if ((src->repo && !(dst->repo = ml_strdup(src->repo))) ||
	    (src->name && !(dst->name = ml_strdup(src->name))) ||
	    (src->intro && !(dst->intro = ml_strdup(src->intro))) ||
	    (src->intro_sep && !(dst->intro_sep = ml_strdup(src->intro_sep))) ||
	    (src->maintainers_line &&
	     !(dst->maintainers_line = ml_strdup(src->maintainers_line))) ||
	    (src->git && !(dst->git = ml_strdup(src->git))) ||
	    (src->ref && !(dst->ref = ml_strdup(src->ref))) ||
	    categories_copy(&dst->categories, &src->categories) < 0)
		goto oom;
	if (src->nmaintainers) {
		dst->maintainers = calloc(src->nmaintainers, sizeof *dst->maintainers);
		if (!dst->maintainers)
			goto oom;
		for (size_t i = 0; i < src->nmaintainers; i++) {
			dst->nmaintainers++;
			dst->maintainers[i].login = ml_strdup(src->maintainers[i].login);
			dst->maintainers[i].url = ml_strdup(src->maintainers[i].url);
			dst->maintainers[i].since = src->maintainers[i].since;
			dst->maintainers[i].until = src->maintainers[i].until;
			if (!dst->maintainers[i].login ||
			    (src->maintainers[i].url && !dst->maintainers[i].url))
				goto oom;
		}
	}
	return 0;
oom:
	repo_cfg_release(dst);
	return -1;
}

void repo_cfg_maintainers_during(struct ml_repo_cfg *rc, int64_t since, int64_t until)
{
	size_t keep = 0;

	for (size_t i = 0; i < rc->nmaintainers; i++) {
		struct ml_maintainer *m = &rc->maintainers[i];

		if ((m->since == 0 || m->since < until) && (m->until == 0 || m->until > since)) {
			rc->maintainers[keep++] = *m;
			continue;
		}
		free(m->login);
		free(m->url);
	}
	rc->nmaintainers = keep;
}

int repo_cfg_is_maintainer(const struct ml_repo_cfg *rc, const char *login)
{
	for (size_t i = 0; i < rc->nmaintainers; i++)
		if (ml_strcaseeq(rc->maintainers[i].login, login))
			return 1;
	return 0;
}

/* "fix: ...", "fix(scope): ...", "fix!: ..." for the prefix "fix". */
static int has_prefix(const char *title, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = title;

	if (!n || strncasecmp(p, prefix, n) != 0)
		return 0;
	p += n;
	if (*p == '(') {
		const char *close = strchr(p, ')');

		if (!close)
			return 0;
		p = close + 1;
	}
	if (*p == '!')
		p++;
	return *p == ':';
}

size_t categories_match(const struct ml_categories *c, const struct ml_pr *pr)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < pr->labels.n; j++)
			if (strv_contains_case(&c->v[i].labels, pr->labels.v[j]))
				return i;
		for (size_t j = 0; pr->title && j < c->v[i].prefixes.n; j++)
			if (has_prefix(pr->title, c->v[i].prefixes.v[j]))
				return i;
	}
	return c->n;
}

const char *categories_title(const struct ml_categories *c, size_t i)
{
	if (i < c->n)
		return c->v[i].title;
	return c->default_title ? c->default_title : "Other changes";
}

int categories_copy(struct ml_categories *dst, const struct ml_categories *src)
{
	memset(dst, 0, sizeof *dst);
	if (src->default_title && !(dst->default_title = ml_strdup(src->default_title)))
		goto oom;
	if (!src->n)
		return 0;
	if (!(dst->v = calloc(src->n, sizeof *dst->v)))
		goto oom;
	for (size_t i = 0; i < src->n; i++) {
		dst->n++;
		if (!(dst->v[i].title = ml_strdup(src->v[i].title)))
			goto oom;
		for (size_t j = 0; j < src->v[i].labels.n; j++)
			if (strv_push(&dst->v[i].labels, src->v[i].labels.v[j]) < 0)
				goto oom;
		for (size_t j = 0; j < src->v[i].prefixes.n; j++)
			if (strv_push(&dst->v[i].prefixes, src->v[i].prefixes.v[j]) < 0)
				goto oom;
	}
	return 0;
oom:
	categories_release(dst);
	return -1;
}

void categories_release(struct ml_categories *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].title);
		strv_release(&c->v[i].labels);
		strv_release(&c->v[i].prefixes);
	}
	free(c->v);
	free(c->default_title);
	memset(c, 0, sizeof *c);
}

int repo_name_valid(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t i;

	if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
		return 0;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (c == '/')
			continue;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return strcmp(slash + 1, ".") != 0 && strcmp(slash + 1, "..") != 0;
}

static const char *const deps_mode_names[] = {
    [ML_DEPS_COMMENT] = "comment",
    [ML_DEPS_DROP] = "drop",
    [ML_DEPS_KEEP] = "keep",
};

enum ml_deps_mode deps_mode_parse(const char *s)
{
	for (int m = ML_DEPS_COMMENT; s && m <= ML_DEPS_KEEP; m++)
		if (strcmp(s, deps_mode_names[m]) == 0)
			return (enum ml_deps_mode)m;
	return ML_DEPS_UNSET;
}

const char *deps_mode_name(enum ml_deps_mode m)
{
	return m >= ML_DEPS_COMMENT && m <= ML_DEPS_KEEP ? deps_mode_names[m] : "comment";
}

void config_release(struct ml_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->title);
	strv_release(&cfg->editors);
	login_map_release(&cfg->logins);
	for (size_t i = 0; i < cfg->nsections; i++) {
		struct ml_section_cfg *s = &cfg->sections[i];

		free(s->heading);
		free(s->intro);
		free(s->org);
		strv_release(&s->exclude);
		for (size_t j = 0; j < s->nrepos; j++)
			repo_cfg_release(&s->repos[j]);
		free(s->repos);
		categories_release(&s->categories);
	}
	free(cfg->sections);
	free(cfg->template_path);
	categories_release(&cfg->categories);
	strv_release(&cfg->bumps.title_patterns);
	strv_release(&cfg->bumps.labels);
	strv_release(&cfg->bumps.authors);
	free(cfg->tooling.heading);
	for (size_t i = 0; i < cfg->tooling.nsources; i++) {
		free(cfg->tooling.sources[i].repo);
		strv_release(&cfg->tooling.sources[i].labels);
		strv_release(&cfg->tooling.sources[i].title_words);
	}
	free(cfg->tooling.sources);
	free(cfg->news.heading);
	for (size_t i = 0; i < cfg->news.nfeeds; i++)
		free(cfg->news.feeds[i].url);
	free(cfg->news.feeds);
	strv_release(&cfg->warnings);
	memset(cfg, 0, sizeof *cfg);
}

const char *login_map_find(const struct ml_login_map *m, const char *email)
{
	for (size_t i = 0; m && email && i < m->emails.n; i++)
		if (ml_strcaseeq(m->emails.v[i], email))
			return m->logins.v[i];
	return NULL;
}

int login_map_add(struct ml_login_map *m, const char *email, const char *login)
{
	if (strv_push(&m->emails, email) < 0)
		return -1;
	if (strv_push(&m->logins, login) < 0) {
		free(m->emails.v[--m->emails.n]);
		return -1;
	}
	return 0;
}

int login_map_copy(struct ml_login_map *dst, const struct ml_login_map *src)
{
	for (size_t i = 0; src && i < src->emails.n; i++)
		if (login_map_add(dst, src->emails.v[i], src->logins.v[i]) < 0)
			return -1;
	return 0;
}

void login_map_release(struct ml_login_map *m)
{
	strv_release(&m->emails);
	strv_release(&m->logins);
}
