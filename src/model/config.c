/* config.c: load and validate the JSON config, with file:line:column errors.
 *
 * jansson gives positions for syntax errors only; for a semantic error the
 * offending value is located again in the raw text (its first occurrence
 * after the enclosing entry), which is good enough to send the user to the
 * right line.
 */
#include "mergeletter/model/config.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/model/filter.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/libcurl.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

struct loader {
	const char *text;
	size_t len;
	const char *path;
	size_t cursor;	 /* text offset of the entry being read */
	int cursor_line; /* its line: lines are counted from the cursor on, once */
	struct ml_strv *warnings;
	struct ml_error *err;
};

/* 1 when the JSON string token that opens at p (a quote) is needle: as
 * written, or once its escapes are decoded ("\u001b" for ESC). */
static int token_is(const char *p, const char *end, const char *needle, size_t n)
{
	const char *q = p + 1;
	json_t *v;
	int same;

	if ((size_t)(end - p) >= n + 2 && memcmp(p + 1, needle, n) == 0 && p[n + 1] == '"')
		return 1;
	while (q < end && *q != '"')
		q += *q == '\\' && q + 1 < end ? 2 : 1;
	if (q >= end || !memchr(p, '\\', (size_t)(q - p)))
		return 0;
	v = json_loadb(p, (size_t)(q + 1 - p), JSON_DECODE_ANY, NULL);
	same = json_is_string(v) && json_string_length(v) == n &&
	       memcmp(json_string_value(v), needle, n) == 0;
	json_decref(v);
	return same;
}

/* Line number of the first occurrence of "needle" (quoted, escapes
 * decoded) at or after the cursor; the cursor moves there. When it is not
 * found, the cursor's line: a position is never line 0. */
static int locate(struct loader *ld, const char *needle)
{
	const char *p = ld->text + ld->cursor, *end = ld->text + ld->len;
	size_t n = strlen(needle);
	int line = ld->cursor_line;

	/* each step reads only up to the next quote (strstr would read the
	 * rest of the text under a sanitizer, every time) */
	for (; p < end && (p = memchr(p, '"', (size_t)(end - p))) != NULL; p++)
		if (token_is(p, end, needle, n))
			break;
	if (!p || p >= end)
		return line > 0 ? line : 1;
	for (const char *q = ld->text + ld->cursor; q < p; q++)
		line += *q == '\n';
	ld->cursor = (size_t)(p - ld->text);
	ld->cursor_line = line;
	return line;
}

static int warn(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning for the caller to show; 0, or -1 when out of memory. */
static int warn(struct loader *ld, const char *fmt, ...)
{
	struct ml_buf m = ML_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(&m, fmt, ap);
	va_end(ap);
	if (rc == 0)
		rc = strv_push(ld->warnings, buf_str(&m));
	buf_release(&m);
	return rc < 0 ? error_set(ld->err, ML_EXIT_FAILURE, "out of memory") : 0;
}

/* Levenshtein distance of a and b, ASCII case-insensitive; keys are short
 * (anything past 63 characters counts as far). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t sub = diag + (tolower((unsigned char)a[i - 1]) !=
					     tolower((unsigned char)b[j - 1]));

			row[j] = sub < up + 1 ? sub : up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* The known key closest to key, when it is close enough to be a typo:
 * at most 2 edits, and fewer than half of key's length. */
static const char *closest_key(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (const char *const *k = known; *k; k++) {
		size_t d = edit_distance(key, *k);

		if (d < best_d && 2 * d < strlen(key)) {
			best = *k;
			best_d = d;
		}
	}
	return best;
}

static int fail_at(struct loader *ld, const char *needle, const char *fmt, const char *what)
{
	int line = needle ? locate(ld, needle) : 0;

	if (line)
		return error_set(ld->err, ML_EXIT_USAGE, "%s:%d: %s", ld->path, line,
				 fmt ? fmt : what);
	return error_set(ld->err, ML_EXIT_USAGE, "%s: %s", ld->path, fmt ? fmt : what);
}

static int warn_unknown(struct loader *ld, json_t *obj, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		size_t save = ld->cursor;
		int save_line = ld->cursor_line, ok = 0, line, rc;
		const char *near;

		for (const char *const *k = known; *k; k++)
			ok |= strcmp(*k, key) == 0;
		if (ok)
			continue;
		line = locate(ld, key);
		ld->cursor = save;
		ld->cursor_line = save_line;
		near = closest_key(key, known);
		if (near)
			rc = warn(ld, "%s:%d: unknown key \"%s\" ignored; did you mean \"%s\"?",
				  ld->path, line, key, near);
		else
			rc = warn(ld, "%s:%d: unknown key \"%s\" ignored", ld->path, line, key);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Optional string member: NULL when absent; error when present but not a string. */
static int get_string(struct loader *ld, json_t *obj, const char *key, char **out)
{
	json_t *v = json_object_get(obj, key);
	struct ml_buf m = ML_BUF_INIT;
	int rc;

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		*out = ml_strndup(json_string_value(v), json_string_length(v));
		return *out ? 0 : error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	buf_printf(&m, "\"%s\" must be a string", key);
	rc = fail_at(ld, key, m.data, "wrong type");
	buf_release(&m);
	return rc;
}

static int get_strv(struct loader *ld, json_t *obj, const char *key, struct ml_strv *out)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t i;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		goto bad;
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v))
			goto bad;
		if (strv_push(out, json_string_value(v)) < 0)
			return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	return 0;
bad : {
	struct ml_buf m = ML_BUF_INIT;
	int rc;

	buf_printf(&m, "\"%s\" must be a list of strings", key);
	rc = fail_at(ld, key, m.data, "wrong type");
	buf_release(&m);
	return rc;
}
}

/* "since"/"until": inclusive months "YYYY-MM" bounding a maintainer's term. */
static int maintainer_months(struct loader *ld, json_t *obj, struct ml_maintainer *m)
{
	static const char *const keys[] = {"since", "until"};

	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(obj, keys[i]);
		struct ml_error ignore = ML_ERROR_INIT;
		struct ml_range r;

		if (!v)
			continue;
		if (!json_is_string(v) || range_from_month(&r, json_string_value(v), &ignore) < 0) {
			error_clear(&ignore);
			return fail_at(
			    ld, keys[i],
			    "a maintainer's \"since\" and \"until\" must be months, \"YYYY-MM\"",
			    NULL);
		}
		if (i == 0)
			m->since = r.since;
		else
			m->until = r.until;
	}
	return 0;
}

static int load_maintainers(struct loader *ld, json_t *arr, struct ml_repo_cfg *rc)
{
	size_t i, n;
	json_t *v;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fail_at(ld, "maintainers", "\"maintainers\" must be a list of logins", NULL);
	n = json_array_size(arr);
	rc->maintainers = calloc(n ? n : 1, sizeof *rc->maintainers);
	if (!rc->maintainers)
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	json_array_foreach(arr, i, v)
	{
		struct ml_maintainer *m = &rc->maintainers[rc->nmaintainers];
		const char *login = NULL, *url = NULL;

		if (json_is_string(v)) {
			login = json_string_value(v);
		} else if (json_is_object(v)) {
			static const char *const known[] = {"login", "url", "since", "until", NULL};

			if (warn_unknown(ld, v, known) < 0)
				return -1;
			login = json_string_value(json_object_get(v, "login"));
			url = json_string_value(json_object_get(v, "url"));
			if (maintainer_months(ld, v, m) < 0)
				return -1;
		}
		if (!login || !*login)
			return fail_at(
			    ld, "maintainers",
			    "each maintainer must be a login or {\"login\": ..., \"url\": ...}",
			    NULL);
		m->login = ml_strdup(login);
		m->url = ml_strdup(url);
		rc->nmaintainers++;
		if (!m->login || (url && !m->url))
			return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

/* A relative path in the config ("git", "template") is relative to the
 * config file's directory. */
static int path_from_config(struct loader *ld, char **path)
{
	const char *slash = strrchr(ld->path, '/');
	struct ml_buf full = ML_BUF_INIT;

	if (!*path || (*path)[0] == '/' || !slash)
		return 0;
	if (buf_add(&full, ld->path, (size_t)(slash - ld->path) + 1) < 0 ||
	    buf_puts(&full, *path) < 0) {
		buf_release(&full);
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	free(*path);
	*path = buf_detach(&full);
	return 0;
}

/* "template": a file (a path, or a name ending in ".md"), relative to the
 * config, or the name of a built-in template ("release-notes"). */
static int template_is_file(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	return n && (strchr(t, '/') || (n > 3 && strcmp(t + n - 3, ".md") == 0));
}

/* "categories": [{"title", "labels", "prefixes"}], "default_category". */
static int load_categories(struct loader *ld, json_t *obj, struct ml_categories *c)
{
	static const char *const known[] = {"title", "labels", "prefixes", NULL};
	json_t *arr = json_object_get(obj, "categories"), *v;
	size_t i;

	if (get_string(ld, obj, "default_category", &c->default_title) < 0)
		return -1;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return fail_at(ld, "categories", "\"categories\" must be a list of objects", NULL);
	c->v = calloc(json_array_size(arr) + 1, sizeof *c->v);
	if (!c->v)
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	json_array_foreach(arr, i, v)
	{
		struct ml_category *cat = &c->v[c->n];

		if (!json_is_object(v) || !json_is_string(json_object_get(v, "title")))
			return fail_at(
			    ld, "categories",
			    "each category needs a \"title\" string, e.g. {\"title\": \"Bug "
			    "fixes\", \"labels\": [\"bug\"], \"prefixes\": [\"fix\"]}",
			    NULL);
		if (warn_unknown(ld, v, known) < 0)
			return -1;
		c->n++;
		if (get_string(ld, v, "title", &cat->title) < 0 ||
		    get_strv(ld, v, "labels", &cat->labels) < 0 ||
		    get_strv(ld, v, "prefixes", &cat->prefixes) < 0)
			return -1;
	}
	return 0;
}

static int load_repo(struct loader *ld, json_t *obj, struct ml_repo_cfg *rc)
{
	static const char *const known[] = {"repo", "name", "intro",	  "maintainers",
					    "git",  "ref",  "categories", "default_category",
					    NULL};
	json_t *repo = json_object_get(obj, "repo");

	if (!json_is_object(obj))
		return fail_at(ld, "repos", "each entry of \"repos\" must be an object", NULL);
	if (!json_is_string(repo)) {
		if (json_is_string(json_object_get(obj, "git")))
			goto named; /* a clone can name its repository through origin */
		return fail_at(ld, "repos", "a repository entry has no \"repo\": \"owner/name\"",
			       NULL);
	}
	rc->line = locate(ld, json_string_value(repo));
	if (!repo_name_valid(json_string_value(repo)))
		return error_set(ld->err, ML_EXIT_USAGE,
				 "%s:%d: invalid repository \"%s\"; write it as \"owner/name\"",
				 ld->path, rc->line, json_string_value(repo));
named:
	if (warn_unknown(ld, obj, known) < 0 || get_string(ld, obj, "repo", &rc->repo) < 0 ||
	    get_string(ld, obj, "name", &rc->name) < 0 ||
	    get_string(ld, obj, "intro", &rc->intro) < 0 ||
	    get_string(ld, obj, "git", &rc->git) < 0 || get_string(ld, obj, "ref", &rc->ref) < 0 ||
	    path_from_config(ld, &rc->git) < 0 ||
	    load_maintainers(ld, json_object_get(obj, "maintainers"), rc) < 0 ||
	    load_categories(ld, obj, &rc->categories) < 0)
		return -1;
	rc->maintainers_known = json_object_get(obj, "maintainers") != NULL;
	return 0;
}

/* "org": NAME or "user": NAME, the owner whose repositories a section
 * lists, and its "exclude": repositories of it left out, as "NAME" or
 * "OWNER/NAME" (kept as NAME). */
static int load_owner(struct loader *ld, json_t *obj, struct ml_section_cfg *s)
{
	json_t *exclude = json_object_get(obj, "exclude"), *v;
	size_t save = ld->cursor, i;
	int save_line = ld->cursor_line, rc = -1;
	struct ml_buf full = ML_BUF_INIT;
	char *user = NULL;

	if (get_string(ld, obj, "org", &s->org) < 0 || get_string(ld, obj, "user", &user) < 0)
		goto done;
	if (s->org && user) {
		fail_at(
		    ld, "user",
		    "a section lists one owner's repositories: give \"org\" or \"user\", not both",
		    NULL);
		goto done;
	}
	if (user) {
		s->org = user;
		s->user = 1;
		user = NULL;
	}
	if (s->org && (buf_printf(&full, "%s/x", s->org) < 0 || !repo_name_valid(full.data))) {
		error_set(
		    ld->err, ML_EXIT_USAGE,
		    "%s:%d: invalid %s \"%s\"; write the account's login, e.g. \"rust-osdev\"",
		    ld->path, locate(ld, s->org), s->user ? "user" : "org", s->org);
		goto done;
	}
	if (!exclude || json_is_null(exclude)) {
		rc = 0;
		goto done;
	}
	if (!s->org) {
		fail_at(ld, "exclude",
			"\"exclude\" leaves out repositories of the section's \"org\" or \"user\"; "
			"give one, or remove \"exclude\"",
			NULL);
		goto done;
	}
	if (get_strv(ld, obj, "exclude", &s->exclude) < 0)
		goto done;
	locate(ld, "exclude");
	json_array_foreach(exclude, i, v)
	{
		const char *e = json_string_value(v), *slash = strchr(e, '/');
		size_t n = strlen(s->org);
		int line = locate(ld, e);

		if (slash && (size_t)(slash - e) == n && strncasecmp(e, s->org, n) == 0)
			e = slash + 1;
		buf_reset(&full);
		if (buf_printf(&full, "%s/%s", s->org, e) < 0 || !repo_name_valid(full.data)) {
			error_set(ld->err, ML_EXIT_USAGE,
				  "%s:%d: \"exclude\" entry \"%s\" is not a repository of %s '%s'; "
				  "write it as \"NAME\" or \"%s/NAME\"",
				  ld->path, line, json_string_value(v), s->user ? "user" : "org",
				  s->org, s->org);
			goto done;
		}
		memmove(s->exclude.v[i], e, strlen(e) + 1);
	}
	rc = 0;
done:
	free(user);
	buf_release(&full);
	ld->cursor = save;
	ld->cursor_line = save_line;
	return rc;
}

static int load_section(struct loader *ld, json_t *obj, struct ml_section_cfg *s)
{
	static const char *const known[] = {"heading", "intro", "org",	      "user",
					    "exclude", "repos", "categories", "default_category",
					    NULL};
	json_t *repos, *v;
	size_t i;

	if (!json_is_object(obj))
		return fail_at(ld, "sections", "each entry of \"sections\" must be an object",
			       NULL);
	if (!json_is_string(json_object_get(obj, "heading")))
		return fail_at(ld, "sections", "a section has no \"heading\" string", NULL);
	s->line = locate(ld, json_string_value(json_object_get(obj, "heading")));
	if (warn_unknown(ld, obj, known) < 0 || get_string(ld, obj, "heading", &s->heading) < 0 ||
	    get_string(ld, obj, "intro", &s->intro) < 0 || load_owner(ld, obj, s) < 0 ||
	    load_categories(ld, obj, &s->categories) < 0)
		return -1;
	repos = json_object_get(obj, "repos");
	if (!repos || json_is_null(repos))
		return 0;
	if (!json_is_array(repos))
		return fail_at(ld, "repos", "\"repos\" must be a list", NULL);
	s->repos = calloc(json_array_size(repos) + 1, sizeof *s->repos);
	if (!s->repos)
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	json_array_foreach(repos, i, v)
	{
		if (load_repo(ld, v, &s->repos[s->nrepos++]) < 0)
			return -1;
	}
	return 0;
}

static int load_bumps(struct loader *ld, json_t *obj, struct ml_config *cfg)
{
	static const char *const known[] = {"mode", "title_patterns", "labels", "authors", NULL};
	char *mode = NULL;
	int rc = -1;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return fail_at(ld, "dependency_bumps", "\"dependency_bumps\" must be an object",
			       NULL);
	if (warn_unknown(ld, obj, known) < 0 || get_string(ld, obj, "mode", &mode) < 0)
		goto done;
	if (mode) {
		cfg->deps_mode = deps_mode_parse(mode);
		if (cfg->deps_mode == ML_DEPS_UNSET) {
			fail_at(ld, "mode", "\"mode\" must be \"comment\", \"drop\" or \"keep\"",
				NULL);
			goto done;
		}
	}
	if (get_strv(ld, obj, "title_patterns", &cfg->bumps.title_patterns) < 0 ||
	    get_strv(ld, obj, "labels", &cfg->bumps.labels) < 0 ||
	    get_strv(ld, obj, "authors", &cfg->bumps.authors) < 0)
		goto done;
	for (size_t i = 0; i < cfg->bumps.title_patterns.n; i++) {
		regex_t re;
		const char *pat = cfg->bumps.title_patterns.v[i], *why = NULL;

		if (filter_pattern_compile(&re, pat, &why) != 0) {
			struct ml_buf m = ML_BUF_INIT;

			buf_printf(&m, "title pattern \"%.60s%s\": %s", pat,
				   strlen(pat) > 60 ? "..." : "", why);
			fail_at(ld, "title_patterns", m.data, NULL);
			buf_release(&m);
			goto done;
		}
		regfree(&re);
	}
	rc = 0;
done:
	free(mode);
	return rc;
}

/* A repository without categories (or a default title) of its own takes
 * its section's, else the config's. */
static int inherit_categories(struct ml_config *cfg)
{
	for (size_t i = 0; i < cfg->nsections; i++) {
		struct ml_section_cfg *sc = &cfg->sections[i];
		const struct ml_categories *list =
		    sc->categories.n ? &sc->categories : &cfg->categories;
		const char *title = sc->categories.default_title ? sc->categories.default_title
								 : cfg->categories.default_title;

		for (size_t j = 0; j < sc->nrepos; j++) {
			struct ml_categories *c = &sc->repos[j].categories, copy;

			if (!c->n && list->n) {
				if (categories_copy(&copy, list) < 0)
					return -1;
				free(copy.default_title);
				copy.default_title = c->default_title;
				free(c->v); /* an empty list of its own */
				*c = copy;
			}
			if (!c->default_title && title && !(c->default_title = ml_strdup(title)))
				return -1;
		}
	}
	return 0;
}

/* A heading: a non-empty string on one line, dflt when absent. */
static int get_heading(struct loader *ld, json_t *obj, const char *dflt, char **out)
{
	if (get_string(ld, obj, "heading", out) < 0)
		return -1;
	if (*out && (!**out || strpbrk(*out, "\r\n")))
		return fail_at(ld, "heading", "\"heading\" must be one non-empty line", NULL);
	if (!*out && !(*out = ml_strdup(dflt)))
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

/* Title words become quoted search terms: no quotes, no control characters. */
static int title_word_valid(const char *w)
{
	int letters = 0;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		if (*p == '"' || *p < 0x20 || *p == 0x7F)
			return 0;
		letters |= *p != ' ';
	}
	return letters && w[0] != ' ' && w[strlen(w) - 1] != ' ';
}

static int load_tooling_source(struct loader *ld, json_t *obj, struct ml_tooling_source *src)
{
	static const char *const known[] = {"repo", "labels", "title_words", NULL};

	if (!json_is_object(obj))
		return fail_at(ld, "sources", "each of \"tooling\".\"sources\" must be an object",
			       NULL);
	if (warn_unknown(ld, obj, known) < 0)
		return -1;
	if (get_string(ld, obj, "repo", &src->repo) < 0)
		return -1;
	if (!src->repo || !repo_name_valid(src->repo))
		return fail_at(ld, src->repo ? src->repo : "sources",
			       "a tooling source needs \"repo\": \"OWNER/NAME\"", NULL);
	if (get_strv(ld, obj, "labels", &src->labels) < 0 ||
	    get_strv(ld, obj, "title_words", &src->title_words) < 0)
		return -1;
	for (size_t i = 0; i < src->labels.n; i++)
		if (!src->labels.v[i][0] || strpbrk(src->labels.v[i], "\",\r\n"))
			return fail_at(
			    ld, "labels",
			    "a tooling label must be non-empty, without quotes or commas", NULL);
	for (size_t i = 0; i < src->title_words.n; i++)
		if (!title_word_valid(src->title_words.v[i]))
			return fail_at(
			    ld, "title_words",
			    "a title word must be non-empty, without quotes or outer spaces", NULL);
	if (src->labels.n == 0 && src->title_words.n == 0)
		return fail_at(ld, src->repo,
			       "a tooling source needs \"labels\" or \"title_words\"", NULL);
	return 0;
}

static int load_tooling(struct loader *ld, json_t *obj, struct ml_tooling_cfg *t)
{
	static const char *const known[] = {"heading", "sources", NULL};
	json_t *sources, *v;
	size_t i;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return fail_at(ld, "tooling", "\"tooling\" must be an object", NULL);
	if (warn_unknown(ld, obj, known) < 0)
		return -1;
	if (get_heading(ld, obj, ML_TOOLING_HEADING, &t->heading) < 0)
		return -1;
	sources = json_object_get(obj, "sources");
	if (!sources || json_is_null(sources))
		return 0;
	if (!json_is_array(sources))
		return fail_at(ld, "sources", "\"tooling\".\"sources\" must be a list", NULL);
	if (json_array_size(sources) &&
	    !(t->sources = calloc(json_array_size(sources), sizeof *t->sources)))
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	json_array_foreach(sources, i, v)
	{
		if (load_tooling_source(ld, v, &t->sources[t->nsources++]) < 0)
			return -1;
	}
	return 0;
}

/* An absolute http(s) URL, checked by libcurl's URL parser. */
static int feed_url_valid(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		 (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);

	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

static int load_feed(struct loader *ld, json_t *v, struct ml_feed_cfg *f)
{
	static const char *const known[] = {"url", "offer", NULL};

	if (json_is_string(v)) {
		if (!(f->url = ml_strdup(json_string_value(v))))
			return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	} else if (json_is_object(v)) {
		json_t *offer = json_object_get(v, "offer");

		if (warn_unknown(ld, v, known) < 0)
			return -1;
		if (get_string(ld, v, "url", &f->url) < 0)
			return -1;
		if (offer && !json_is_boolean(offer))
			return fail_at(ld, "offer", "\"offer\" must be true or false", NULL);
		f->offer = json_is_true(offer);
	} else {
		return fail_at(ld, "feeds", "a feed is a URL or {\"url\": URL, \"offer\": true}",
			       NULL);
	}
	if (!f->url || !feed_url_valid(f->url)) {
		struct ml_buf m = ML_BUF_INIT;
		int rc;

		if (f->url && libcurl_load(ld->err) < 0)
			return -1; /* not the URL's fault: its parser is missing */

		buf_printf(&m, "feed \"%s\" is not an http(s) URL", f->url ? f->url : "");
		rc = fail_at(ld, f->url ? f->url : "feeds", m.data, "bad feed URL");
		buf_release(&m);
		return rc;
	}
	return 0;
}

static int load_news(struct loader *ld, json_t *obj, struct ml_news_cfg *n)
{
	static const char *const known[] = {"heading", "feeds", "timeout_seconds", NULL};
	json_t *feeds, *v;
	size_t i;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return fail_at(ld, "news", "\"news\" must be an object", NULL);
	if (warn_unknown(ld, obj, known) < 0)
		return -1;
	if (get_heading(ld, obj, ML_NEWS_HEADING, &n->heading) < 0)
		return -1;
	n->timeout_ms = 20000;
	v = json_object_get(obj, "timeout_seconds");
	if (v && (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) > 600))
		return fail_at(
		    ld, "timeout_seconds",
		    "\"timeout_seconds\" must be a number of seconds, above 0, at most 600", NULL);
	if (v)
		n->timeout_ms = (long)(json_number_value(v) * 1000);
	feeds = json_object_get(obj, "feeds");
	if (!feeds || json_is_null(feeds))
		return 0;
	if (!json_is_array(feeds))
		return fail_at(ld, "feeds", "\"news\".\"feeds\" must be a list", NULL);
	if (json_array_size(feeds) &&
	    !(n->feeds = calloc(json_array_size(feeds), sizeof *n->feeds)))
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	json_array_foreach(feeds, i, v)
	{
		if (load_feed(ld, v, &n->feeds[n->nfeeds++]) < 0)
			return -1;
	}
	return 0;
}

/* A repository listed twice (in any sections): a warning naming both lines. */
static int warn_duplicates(struct loader *ld, const struct ml_config *cfg)
{
	struct ml_strmap seen = {0};
	int rc = -1;

	for (size_t i = 0; i < cfg->nsections; i++)
		for (size_t j = 0; j < cfg->sections[i].nrepos; j++) {
			const struct ml_repo_cfg *entry = &cfg->sections[i].repos[j];
			const struct ml_repo_cfg *first;

			if (!entry->repo)
				continue;
			first = strmap_get(&seen, entry->repo);
			if (first && warn(ld,
					  "%s:%d: repository \"%s\" is listed twice (also on line "
					  "%d); remove one of the entries",
					  ld->path, entry->line, entry->repo, first->line) < 0)
				goto done;
			if (!first && strmap_put(&seen, entry->repo, (void *)entry) < 0) {
				error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
				goto done;
			}
		}
	rc = 0;
done:
	strmap_release(&seen);
	return rc;
}

/* "logins": {"e-mail": "login", ...} */
static int load_logins(struct loader *ld, json_t *obj, struct ml_login_map *m)
{
	const char *email;
	json_t *v;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return fail_at(ld, "logins",
			       "\"logins\" must be an object of \"e-mail\": \"login\"", NULL);
	json_object_foreach(obj, email, v)
	{
		const char *login = json_string_value(v);

		if (!login || !pr_login_valid(login, strlen(login)) || !strchr(email, '@')) {
			struct ml_buf msg = ML_BUF_INIT;
			int rc;

			buf_printf(
			    &msg, "\"logins\": \"%s\" must map an e-mail address to a GitHub login",
			    email);
			rc = fail_at(ld, email, msg.data, NULL);
			buf_release(&msg);
			return rc;
		}
		if (login_map_add(m, email, login) < 0)
			return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

int config_parse(struct ml_config *cfg, const char *text, size_t len, const char *path,
		 struct ml_error *err)
{
	static const char *const known[] = {"title",
					    "editors",
					    "sections",
					    "dependency_bumps",
					    "template",
					    "categories",
					    "default_category",
					    "tooling",
					    "news",
					    "logins",
					    NULL};
	struct loader ld = {text, len, path, 0, 1, NULL, err};
	json_error_t jerr;
	json_t *root, *sections, *v;
	size_t i;
	int rc = -1;

	memset(cfg, 0, sizeof *cfg);
	ld.warnings = &cfg->warnings;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return error_set(err, ML_EXIT_USAGE, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				 jerr.text);
	cfg->path = ml_strdup(path);
	if (!json_is_object(root)) {
		error_set(err, ML_EXIT_USAGE, "%s:1:1: the config must be a JSON object", path);
		goto done;
	}
	if (warn_unknown(&ld, root, known) < 0 || get_string(&ld, root, "title", &cfg->title) < 0 ||
	    get_strv(&ld, root, "editors", &cfg->editors) < 0 ||
	    get_string(&ld, root, "template", &cfg->template_path) < 0 ||
	    (template_is_file(cfg->template_path) &&
	     path_from_config(&ld, &cfg->template_path) < 0) ||
	    load_categories(&ld, root, &cfg->categories) < 0)
		goto done;
	sections = json_object_get(root, "sections");
	if (!json_is_array(sections) || json_array_size(sections) == 0) {
		fail_at(
		    &ld, "sections",
		    "the config needs a non-empty \"sections\" list; see config/rust-osdev.json",
		    NULL);
		goto done;
	}
	cfg->sections = calloc(json_array_size(sections), sizeof *cfg->sections);
	if (!cfg->sections) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	json_array_foreach(sections, i, v)
	{
		if (load_section(&ld, v, &cfg->sections[cfg->nsections++]) < 0)
			goto done;
	}
	if (warn_duplicates(&ld, cfg) < 0)
		goto done;
	ld.cursor = 0;
	ld.cursor_line = 1;
	if (load_bumps(&ld, json_object_get(root, "dependency_bumps"), cfg) < 0 ||
	    inherit_categories(cfg) < 0)
		goto done;
	ld.cursor = 0;
	ld.cursor_line = 1;
	if (load_logins(&ld, json_object_get(root, "logins"), &cfg->logins) < 0)
		goto done;
	ld.cursor = 0;
	ld.cursor_line = 1;
	if (load_tooling(&ld, json_object_get(root, "tooling"), &cfg->tooling) < 0)
		goto done;
	ld.cursor = 0;
	ld.cursor_line = 1;
	if (load_news(&ld, json_object_get(root, "news"), &cfg->news) < 0)
		goto done;
	rc = 0;
done:
	json_decref(root);
	if (rc < 0)
		config_release(cfg);
	return rc;
}

int config_load(struct ml_config *cfg, const char *path, struct ml_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(cfg, 0, sizeof *cfg);
	if (file_read(path, &text, &len, err) < 0) {
		error_prefix(err, "cannot read config");
		return -1;
	}
	rc = config_parse(cfg, text, len, path, err);
	free(text);
	return rc;
}
