/* template.c: markdown templates with placeholders (see template.h). */
#include "mergeletter/emit/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/emit/templates_builtin.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/str.h"

#define PLACEHOLDER_MAX 200 /* characters between the braces */

/* The first "{{" in [p, end), or NULL. */
static const char *find_open(const char *p, const char *end)
{
	while (p < end && (p = memchr(p, '{', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && p[1] == '{')
			return p;
		p++;
	}
	return NULL;
}

/* The line that starts at p (within end): its length without the line
 * break, and where the next line starts. */
static size_t line_at(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

/* Is the line exactly "{{WORD}}" or "{{WORD ARG}}"? Then the inside. */
static int marker(const char *line, size_t n, const char *word, const char **arg, size_t *arglen)
{
	size_t w = strlen(word);

	if (n < w + 4 || memcmp(line, "{{", 2) != 0 || memcmp(line + n - 2, "}}", 2) != 0 ||
	    memcmp(line + 2, word, w) != 0)
		return 0;
	*arg = line + 2 + w;
	*arglen = n - 4 - w;
	if (*arglen == 0)
		return 1;
	if (**arg != ' ')
		return 0;
	while (*arglen && **arg == ' ')
		(*arg)++, (*arglen)--;
	return 1;
}

static int add_part(struct ml_template *t, const char *name, size_t namelen, const char *text,
		    size_t len, int line)
{
	struct ml_template_part *v = realloc(t->parts, (t->nparts + 1) * sizeof *v);

	if (!v)
		return -1;
	t->parts = v;
	v[t->nparts].name = name ? ml_strndup(name, namelen) : NULL;
	if (name && !v[t->nparts].name)
		return -1;
	v[t->nparts].text = text;
	v[t->nparts].len = len;
	v[t->nparts].line = line;
	t->nparts++;
	return 0;
}

int template_parse(struct ml_template *t, const char *text, size_t len, const char *path,
		   struct ml_error *err)
{
	const char *p, *end, *next, *body = NULL, *name = NULL, *arg;
	size_t namelen = 0, arglen;
	int line = 1, body_line = 0, in_main = 1;

	memset(t, 0, sizeof *t);
	if (!(t->path = ml_strdup(path)) || !(t->text = ml_strndup(text, len)))
		goto oom;
	p = t->text;
	end = t->text + len;
	for (; p < end; p = next, line++) {
		size_t n = line_at(p, end, &next);

		if (marker(p, n, "define", &arg, &arglen)) {
			if (in_main && add_part(t, NULL, 0, t->text, (size_t)(p - t->text), 1) < 0)
				goto oom;
			if (!in_main && body) {
				error_set(err, ML_EXIT_USAGE,
					  "%s:%d: {{define}} inside {{define %.*s}}; close it with "
					  "{{end}} first",
					  path, line, (int)namelen, name);
				goto fail;
			}
			if (arglen == 0 || memchr(arg, ' ', arglen)) {
				error_set(err, ML_EXIT_USAGE, "%s:%d: write {{define NAME}}", path,
					  line);
				goto fail;
			}
			in_main = 0;
			name = arg;
			namelen = arglen;
			body = next;
			body_line = line + 1;
		} else if (marker(p, n, "end", &arg, &arglen) && arglen == 0) {
			if (!body) {
				error_set(err, ML_EXIT_USAGE,
					  "%s:%d: {{end}} without {{define NAME}}", path, line);
				goto fail;
			}
			if (add_part(t, name, namelen, body, (size_t)(p - body), body_line) < 0)
				goto oom;
			body = NULL;
		}
	}
	if (body) {
		error_set(err, ML_EXIT_USAGE, "%s:%d: {{define %.*s}} is never closed; add {{end}}",
			  path, body_line - 1, (int)namelen, name);
		goto fail;
	}
	if (in_main && add_part(t, NULL, 0, t->text, len, 1) < 0)
		goto oom;
	return 0;
oom:
	error_set(err, ML_EXIT_FAILURE, "out of memory");
fail:
	template_release(t);
	return -1;
}

int template_load(struct ml_template *t, const char *path, struct ml_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(t, 0, sizeof *t);
	if (file_read(path, &text, &len, err) < 0)
		return -1;
	rc = template_parse(t, text, len, path, err);
	free(text);
	return rc;
}

int template_builtin(struct ml_template *t, const char *name, struct ml_error *err)
{
	for (size_t i = 0; i < ml_builtin_template_count; i++) {
		const struct ml_builtin_template *b = &ml_builtin_templates[i];

		if (strcmp(b->name, name) == 0) {
			char path[128];

			snprintf(path, sizeof path, "templates/%s.md (built in)", name);
			return template_parse(t, b->text, b->len, path, err);
		}
	}
	memset(t, 0, sizeof *t);
	return error_set(err, ML_EXIT_USAGE, "no built-in template '%s'", name);
}

void template_release(struct ml_template *t)
{
	for (size_t i = 0; i < t->nparts; i++)
		free(t->parts[i].name);
	free(t->parts);
	free(t->text);
	free(t->path);
	memset(t, 0, sizeof *t);
}

const struct ml_template_part *template_part(const struct ml_template *t, const char *name)
{
	for (size_t i = 0; i < t->nparts; i++) {
		const char *pn = t->parts[i].name;

		if (name ? pn && strcmp(pn, name) == 0 : !pn)
			return &t->parts[i];
	}
	return NULL;
}

/* The placeholder that starts at p ("{{"), within end: its name and
 * argument. 0, or -1 when it is not closed on its line or too long. */
static int placeholder(const char *p, const char *end, const char **name, size_t *namelen,
		       const char **arg, size_t *arglen, const char **after)
{
	const char *q = p + 2, *close = NULL, *colon;

	for (const char *r = q; r + 1 < end && *r != '\n' && r - q <= PLACEHOLDER_MAX; r++)
		if (r[0] == '}' && r[1] == '}') {
			close = r;
			break;
		}
	if (!close)
		return -1;
	while (q < close && *q == ' ')
		q++;
	colon = memchr(q, ':', (size_t)(close - q));
	*name = q;
	*namelen = (size_t)((colon ? colon : close) - q);
	while (*namelen && (*name)[*namelen - 1] == ' ')
		(*namelen)--;
	*arg = colon ? colon + 1 : close;
	*arglen = (size_t)(close - *arg);
	while (*arglen && (*arg)[*arglen - 1] == ' ')
		(*arglen)--;
	*after = close + 2;
	return 0;
}

/* 1 when names holds name (with a ':' when it takes an argument). */
static int known(const char *const *names, const char *name, size_t n, int has_arg)
{
	for (; *names; names++) {
		size_t k = strlen(*names);
		int takes_arg = k && (*names)[k - 1] == ':';

		if (takes_arg == has_arg && k - (size_t)takes_arg == n &&
		    memcmp(*names, name, n) == 0)
			return 1;
	}
	return 0;
}

static int line_of(const struct ml_template_part *part, const char *p)
{
	int line = part->line;

	for (const char *q = part->text; q < p; q++)
		line += *q == '\n';
	return line;
}

int template_check(const struct ml_template *t, const struct ml_template_part *part,
		   const char *const *names, struct ml_error *err)
{
	const char *p = part->text, *end = part->text + part->len;

	while ((p = find_open(p, end)) != NULL) {
		const char *name, *arg, *after;
		size_t namelen, arglen;

		if (placeholder(p, end, &name, &namelen, &arg, &arglen, &after) < 0)
			return error_set(err, ML_EXIT_USAGE,
					 "%s:%d: '{{' is not closed by '}}' on its line", t->path,
					 line_of(part, p));
		if (!known(names, name, namelen, arg != after - 2 || arglen)) {
			struct ml_buf list = ML_BUF_INIT;

			for (const char *const *n = names; *n; n++)
				buf_printf(&list, "%s{{%s%s}}", n == names ? "" : ", ", *n,
					   (*n)[strlen(*n) - 1] == ':' ? "ARG" : "");
			error_set(err, ML_EXIT_USAGE,
				  "%s:%d: unknown placeholder '%.*s'; known: %s", t->path,
				  line_of(part, p), (int)(after - p), p,
				  list.data ? list.data : "");
			buf_release(&list);
			return -1;
		}
		p = after;
	}
	return 0;
}

/* Render one placeholder into out. */
static int render_one(struct ml_buf *out, const char *name, size_t namelen, const char *arg,
		      size_t arglen, int has_arg, int toml, ml_template_fn fn, void *ud,
		      struct ml_error *err)
{
	char *n = ml_strndup(name, namelen), *a = ml_strndup(arg, has_arg ? arglen : 0);
	int rc = -1;

	if (!n || !a)
		error_set(err, ML_EXIT_FAILURE, "out of memory");
	else
		rc = fn(ud, out, n, a, toml, err);
	free(n);
	free(a);
	return rc;
}

int template_render(struct ml_buf *out, const struct ml_template_part *part, ml_template_fn fn,
		    void *ud, struct ml_error *err)
{
	const char *p = part->text, *end = part->text + part->len, *next;
	int front = 0, first = 1;

	for (; p < end; p = next, first = 0) {
		size_t n = line_at(p, end, &next);
		const char *name, *arg, *after, *q, *eol = p + n;
		size_t namelen, arglen;

		if (n == 3 && memcmp(p, "+++", 3) == 0 && (first || front))
			front = first;
		if (n >= 4 && memcmp(p, "{{", 2) == 0 &&
		    placeholder(p, end, &name, &namelen, &arg, &arglen, &after) == 0 &&
		    after == eol) {
			size_t before = out->len;

			if (render_one(out, name, namelen, arg, arglen, arg != after - 2, front, fn,
				       ud, err) < 0)
				return -1;
			if (out->len != before && out->data[out->len - 1] != '\n' &&
			    buf_add(out, next > eol ? eol : "\n",
				    next > eol ? (size_t)(next - eol) : 1) < 0)
				goto oom;
			continue;
		}
		for (q = p; q < eol;) {
			const char *ph = find_open(q, eol);

			if (!ph ||
			    placeholder(ph, end, &name, &namelen, &arg, &arglen, &after) < 0) {
				if (buf_add(out, q, (size_t)(eol - q)) < 0)
					goto oom;
				break;
			}
			if (buf_add(out, q, (size_t)(ph - q)) < 0)
				goto oom;
			if (render_one(out, name, namelen, arg, arglen, arg != after - 2, front, fn,
				       ud, err) < 0)
				return -1;
			q = after;
		}
		if (buf_add(out, eol, (size_t)(next - eol)) < 0)
			goto oom;
	}
	return 0;
oom:
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}
