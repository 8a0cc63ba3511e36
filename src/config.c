/* config.c: load and validate the JSON config, with file:line:column errors.
 *
 * jansson gives positions for syntax errors only; for a semantic error the
 * offending value is located again in the raw text (its first occurrence
 * after the enclosing entry), which is good enough to send the user to the
 * right line.
 */
#include "mergeletter/config.h"

#include <ctype.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/buf.h"
#include "mergeletter/error.h"
#include "mergeletter/file.h"
#include "mergeletter/range.h"
#include "mergeletter/str.h"

struct loader {
	const char *text;
	size_t len;
	const char *path;
	size_t cursor; /* text offset of the entry being read */
	struct ml_error *err;
};

/* Line number of the first occurrence of "needle" (quoted) at or after the
 * cursor; the cursor moves there. 0 when not found. */
static int locate(struct loader *ld, const char *needle)
{
	struct ml_buf q = ML_BUF_INIT;
	const char *hit;
	int line = 1;

	if (buf_printf(&q, "\"%s\"", needle) < 0)
		return 0;
	hit = ld->cursor < ld->len ? strstr(ld->text + ld->cursor, q.data) : NULL;
	buf_release(&q);
	if (!hit)
		return 0;
	ld->cursor = (size_t)(hit - ld->text);
	for (const char *p = ld->text; p < hit; p++)
		line += *p == '\n';
	return line;
}

static int fail_at(struct loader *ld, const char *needle, const char *fmt, const char *what)
{
	int line = needle ? locate(ld, needle) : 0;

	if (line)
		return error_set(ld->err, ML_EXIT_USAGE, "%s:%d: %s", ld->path, line,
				 fmt ? fmt : what);
	return error_set(ld->err, ML_EXIT_USAGE, "%s: %s", ld->path, fmt ? fmt : what);
}

static void warn_unknown(struct loader *ld, json_t *obj, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		int ok = 0;

		for (const char *const *k = known; *k; k++)
			ok |= strcmp(*k, key) == 0;
		if (!ok) {
			size_t save = ld->cursor;
			int line = locate(ld, key);

			ld->cursor = save;
			fprintf(stderr, "warning: %s:%d: unknown key \"%s\" ignored\n", ld->path,
				line, key);
		}
	}
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
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			goto bad;
		if (strv_push(out, json_string_value(v)) < 0)
			return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	return 0;
bad: {
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
	static const char *const keys[] = { "since", "until" };

	for (int i = 0; i < 2; i++) {
		json_t *v = json_object_get(obj, keys[i]);
		struct ml_error ignore = ML_ERROR_INIT;
		struct ml_range r;

		if (!v)
			continue;
		if (!json_is_string(v) || range_from_month(&r, json_string_value(v), &ignore) < 0) {
			error_clear(&ignore);
			return fail_at(ld, keys[i], "a maintainer's \"since\" and \"until\" must be months, \"YYYY-MM\"", NULL);
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
	json_array_foreach(arr, i, v) {
		struct ml_maintainer *m = &rc->maintainers[rc->nmaintainers];
		const char *login = NULL, *url = NULL;

		if (json_is_string(v)) {
			login = json_string_value(v);
		} else if (json_is_object(v)) {
			static const char *const known[] = { "login", "url", "since", "until", NULL };

			warn_unknown(ld, v, known);
			login = json_string_value(json_object_get(v, "login"));
			url = json_string_value(json_object_get(v, "url"));
			if (maintainer_months(ld, v, m) < 0)
				return -1;
		}
		if (!login || !*login)
			return fail_at(ld, "maintainers",
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

/* A relative "git" path is relative to the config file's directory. */
static int git_path_from_config(struct loader *ld, struct ml_repo_cfg *rc)
{
	const char *slash = strrchr(ld->path, '/');
	struct ml_buf full = ML_BUF_INIT;

	if (!rc->git || rc->git[0] == '/' || !slash)
		return 0;
	if (buf_add(&full, ld->path, (size_t)(slash - ld->path) + 1) < 0 ||
	    buf_puts(&full, rc->git) < 0) {
		buf_release(&full);
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	}
	free(rc->git);
	rc->git = buf_detach(&full);
	return 0;
}

static int load_repo(struct loader *ld, json_t *obj, struct ml_repo_cfg *rc)
{
	static const char *const known[] = { "repo", "name", "intro", "maintainers", "git",
					     "ref", NULL };
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
	warn_unknown(ld, obj, known);
	if (get_string(ld, obj, "repo", &rc->repo) < 0 ||
	    get_string(ld, obj, "name", &rc->name) < 0 ||
	    get_string(ld, obj, "intro", &rc->intro) < 0 ||
	    get_string(ld, obj, "git", &rc->git) < 0 || get_string(ld, obj, "ref", &rc->ref) < 0 ||
	    git_path_from_config(ld, rc) < 0 || load_maintainers(ld, json_object_get(obj, "maintainers"), rc) < 0)
		return -1;
	rc->maintainers_known = json_object_get(obj, "maintainers") != NULL;
	return 0;
}

static int load_section(struct loader *ld, json_t *obj, struct ml_section_cfg *s)
{
	static const char *const known[] = { "heading", "intro", "org", "repos", NULL };
	json_t *repos, *v;
	size_t i;

	if (!json_is_object(obj))
		return fail_at(ld, "sections", "each entry of \"sections\" must be an object", NULL);
	if (!json_is_string(json_object_get(obj, "heading")))
		return fail_at(ld, "sections", "a section has no \"heading\" string", NULL);
	s->line = locate(ld, json_string_value(json_object_get(obj, "heading")));
	warn_unknown(ld, obj, known);
	if (get_string(ld, obj, "heading", &s->heading) < 0 ||
	    get_string(ld, obj, "intro", &s->intro) < 0 || get_string(ld, obj, "org", &s->org) < 0)
		return -1;
	repos = json_object_get(obj, "repos");
	if (!repos || json_is_null(repos))
		return 0;
	if (!json_is_array(repos))
		return fail_at(ld, "repos", "\"repos\" must be a list", NULL);
	s->repos = calloc(json_array_size(repos) + 1, sizeof *s->repos);
	if (!s->repos)
		return error_set(ld->err, ML_EXIT_FAILURE, "out of memory");
	json_array_foreach(repos, i, v) {
		if (load_repo(ld, v, &s->repos[s->nrepos++]) < 0)
			return -1;
	}
	return 0;
}

#define PATTERN_MAX_LEN 256     /* bytes of one title pattern */
#define PATTERN_MAX_WEIGHT 1000 /* its size with every repetition expanded */
#define PATTERN_MAX_NESTING 3   /* repetitions of repetitions, "((a*)+){2}" */

/* 1 when regcomp() could take long or much memory for the pattern (at
 * most PATTERN_MAX_LEN bytes). Roughly how glibc builds it: atoms weigh 1,
 * a group the sum of its contents, and a repetition multiplies what it
 * repeats (by 2 for * + ?, by the bound for {m,n}): "a+++++++++++++++++++"
 * weighs 2^20 and takes gigabytes. Apart from the size, repetitions nested
 * in repetitions cost time exponential in their depth ("^x*+++++e": 7 s). */
static int pattern_too_big(const char *p)
{
	long sum[PATTERN_MAX_LEN + 2] = { 0 }, last[PATTERN_MAX_LEN + 2] = { 0 };
	int hmax[PATTERN_MAX_LEN + 2] = { 0 }, hlast[PATTERN_MAX_LEN + 2] = { 0 };
	int depth = 0;

	for (; *p; p++) {
		long w = 1, times = 0, hi;
		int h = 0; /* repetitions nested in this atom */

		switch (*p) {
		case '(':
			depth++;
			sum[depth] = last[depth] = 0;
			hmax[depth] = hlast[depth] = 0;
			continue;
		case ')':
			if (depth > 0) { /* else a literal ")" */
				w = sum[depth];
				h = hmax[depth--];
			}
			break;
		case '*':
		case '+':
		case '?':
			times = 2;
			break;
		case '{': /* {m}, {m,} (m + 1) or {m,n}; anything else is left to regcomp */
			if (!isdigit((unsigned char)p[1]))
				break;
			for (p++; isdigit((unsigned char)*p); p++)
				times = times < PATTERN_MAX_WEIGHT ? times * 10 + (*p - '0') : times;
			if (*p == ',') {
				hi = isdigit((unsigned char)*++p) ? 0 : times + 1;
				for (; isdigit((unsigned char)*p); p++)
					hi = hi < PATTERN_MAX_WEIGHT ? hi * 10 + (*p - '0') : hi;
				times = hi > times ? hi : times;
			}
			times = times > 1 ? times : 1;
			if (*p != '}')
				p--;
			break;
		case '\\':
			if (p[1])
				p++;
			break;
		case '[': /* one atom: "[]x]", "[^]x]", "[[:alpha:]]" */
			p += p[1] == '^' ? 2 : 1;
			if (*p == ']')
				p++;
			while (*p && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
					const char *end = strchr(p + 2, p[1]);

					p = end && end[1] == ']' ? end + 1 : p;
				}
				p++;
			}
			if (!*p)
				p--;
			break;
		default:
			break;
		}
		if (times) { /* the last atom, repeated */
			w = last[depth] * times;
			h = hlast[depth] + 1;
			sum[depth] -= last[depth];
		}
		last[depth] = w > PATTERN_MAX_WEIGHT ? PATTERN_MAX_WEIGHT + 1 : w;
		sum[depth] += last[depth];
		hlast[depth] = h;
		hmax[depth] = h > hmax[depth] ? h : hmax[depth];
		if (sum[depth] > PATTERN_MAX_WEIGHT || h > PATTERN_MAX_NESTING)
			return 1;
	}
	return 0;
}

/* Compile each title pattern once to check it, within the bounds. */
static int check_patterns(struct loader *ld, const struct ml_strv *patterns)
{
	for (size_t i = 0; i < patterns->n; i++) {
		const char *pat = patterns->v[i];
		struct ml_buf m = ML_BUF_INIT;
		regex_t re;

		if (strlen(pat) > PATTERN_MAX_LEN)
			buf_printf(&m, "title pattern \"%.40s...\" is longer than %d characters; shorten it",
				   pat, PATTERN_MAX_LEN);
		else if (pattern_too_big(pat))
			buf_printf(&m, "title pattern \"%s\" repeats too much (limits: %d atoms with its repetitions expanded, repetitions nested %d deep); simplify it",
				   pat, PATTERN_MAX_WEIGHT, PATTERN_MAX_NESTING);
		else if (regcomp(&re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
			buf_printf(&m, "invalid title pattern \"%s\"; write a POSIX extended regular expression",
				   pat);
		else {
			regfree(&re);
			continue;
		}
		fail_at(ld, "title_patterns", m.data, "invalid title pattern");
		buf_release(&m);
		return -1;
	}
	return 0;
}

static int load_bumps(struct loader *ld, json_t *obj, struct ml_config *cfg)
{
	static const char *const known[] = { "mode", "title_patterns", "labels", "authors", NULL };
	char *mode = NULL;
	int rc = -1;

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return fail_at(ld, "dependency_bumps", "\"dependency_bumps\" must be an object",
			       NULL);
	warn_unknown(ld, obj, known);
	if (get_string(ld, obj, "mode", &mode) < 0)
		goto done;
	if (mode) {
		cfg->deps_mode = deps_mode_parse(mode);
		if (cfg->deps_mode == ML_DEPS_UNSET) {
			fail_at(ld, "mode", "\"mode\" must be \"comment\", \"drop\" or \"keep\"", NULL);
			goto done;
		}
	}
	if (get_strv(ld, obj, "title_patterns", &cfg->bumps.title_patterns) < 0 ||
	    get_strv(ld, obj, "labels", &cfg->bumps.labels) < 0 ||
	    get_strv(ld, obj, "authors", &cfg->bumps.authors) < 0)
		goto done;
	if (check_patterns(ld, &cfg->bumps.title_patterns) < 0)
		goto done;
	rc = 0;
done:
	free(mode);
	return rc;
}

int config_parse(struct ml_config *cfg, const char *text, size_t len, const char *path,
		 struct ml_error *err)
{
	static const char *const known[] = { "title", "editors", "sections", "dependency_bumps",
					     NULL };
	struct loader ld = { text, len, path, 0, err };
	json_error_t jerr;
	json_t *root, *sections, *v;
	size_t i;
	int rc = -1;

	memset(cfg, 0, sizeof *cfg);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return error_set(err, ML_EXIT_USAGE, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				 jerr.text);
	cfg->path = ml_strdup(path);
	if (!json_is_object(root)) {
		error_set(err, ML_EXIT_USAGE, "%s:1:1: the config must be a JSON object", path);
		goto done;
	}
	warn_unknown(&ld, root, known);
	if (get_string(&ld, root, "title", &cfg->title) < 0 ||
	    get_strv(&ld, root, "editors", &cfg->editors) < 0)
		goto done;
	sections = json_object_get(root, "sections");
	if (!json_is_array(sections) || json_array_size(sections) == 0) {
		fail_at(&ld, "sections",
			"the config needs a non-empty \"sections\" list; see config/rust-osdev.json",
			NULL);
		goto done;
	}
	cfg->sections = calloc(json_array_size(sections), sizeof *cfg->sections);
	if (!cfg->sections) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	json_array_foreach(sections, i, v) {
		if (load_section(&ld, v, &cfg->sections[cfg->nsections++]) < 0)
			goto done;
	}
	ld.cursor = 0;
	if (load_bumps(&ld, json_object_get(root, "dependency_bumps"), cfg) < 0)
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

void repo_cfg_release(struct ml_repo_cfg *rc)
{
	if (!rc)
		return;
	free(rc->repo);
	free(rc->name);
	free(rc->intro);
	free(rc->git);
	free(rc->ref);
	for (size_t i = 0; i < rc->nmaintainers; i++) {
		free(rc->maintainers[i].login);
		free(rc->maintainers[i].url);
	}
	free(rc->maintainers);
	memset(rc, 0, sizeof *rc);
}

int repo_cfg_copy(struct ml_repo_cfg *dst, const struct ml_repo_cfg *src)
{
	memset(dst, 0, sizeof *dst);
	dst->line = src->line;
	dst->maintainers_known = src->maintainers_known;
	if ((src->repo && !(dst->repo = ml_strdup(src->repo))) ||
	    (src->name && !(dst->name = ml_strdup(src->name))) ||
	    (src->intro && !(dst->intro = ml_strdup(src->intro))) ||
	    (src->git && !(dst->git = ml_strdup(src->git))) ||
	    (src->ref && !(dst->ref = ml_strdup(src->ref))))
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

enum ml_deps_mode deps_mode_parse(const char *s)
{
	if (!s)
		return ML_DEPS_UNSET;
	if (strcmp(s, "comment") == 0)
		return ML_DEPS_COMMENT;
	if (strcmp(s, "drop") == 0)
		return ML_DEPS_DROP;
	if (strcmp(s, "keep") == 0)
		return ML_DEPS_KEEP;
	return ML_DEPS_UNSET;
}

void config_release(struct ml_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->title);
	strv_release(&cfg->editors);
	for (size_t i = 0; i < cfg->nsections; i++) {
		struct ml_section_cfg *s = &cfg->sections[i];

		free(s->heading);
		free(s->intro);
		free(s->org);
		for (size_t j = 0; j < s->nrepos; j++)
			repo_cfg_release(&s->repos[j]);
		free(s->repos);
	}
	free(cfg->sections);
	strv_release(&cfg->bumps.title_patterns);
	strv_release(&cfg->bumps.labels);
	strv_release(&cfg->bumps.authors);
	memset(cfg, 0, sizeof *cfg);
}
