/*
 * template.h: markdown templates with a small set of placeholders.
 *
 * A template is markdown text in which `{{name}}` or `{{name:ARG}}` is
 * replaced by what the emitter gives for it. Two rules keep the output
 * free of stray blank lines:
 *  - a placeholder that stands alone on its line is a block: its value
 *    replaces the whole line (a newline is added when the value lacks
 *    one), and a block whose value is empty removes its line;
 *  - within the TOML front matter (the text between a leading `+++` line
 *    and the next), placeholders are told so, and their values are
 *    escaped for a TOML basic string by the emitter.
 * Named parts are written `{{define NAME}}` ... `{{end}}`, each marker on
 * a line of its own, after the main part: the main part is the text
 * before the first `{{define}}`.
 *
 * A struct ml_template owns its text and parts; template_release() frees
 * them. Parts point into the text.
 */
#ifndef MERGELETTER_TEMPLATE_H
#define MERGELETTER_TEMPLATE_H

#include "mergeletter/util/buf.h"
#include <stddef.h>

struct ml_error;

struct ml_template_part {
	char *name;	  /* NULL for the main part */
	const char *text; /* borrowed from the template's text */
	size_t len;
	int line; /* the part's first line in the file */
};

struct ml_template {
	char *path; /* for messages */
	char *text;
	struct ml_template_part *parts;
	size_t nparts;
};

/* Parse a template from memory; path names it in messages. */
int template_parse(struct ml_template *t, const char *text, size_t len, const char *path,
		   struct ml_error *err);
/* Read and parse a template file. */
int template_load(struct ml_template *t, const char *path, struct ml_error *err);
/* One of the templates built into the binary (the files of templates/):
 * "rust-osdev" or "release-notes". */
int template_builtin(struct ml_template *t, const char *name, struct ml_error *err);
void template_release(struct ml_template *t);

/* The named part (NULL: the main part), or NULL when it is not defined. */
const struct ml_template_part *template_part(const struct ml_template *t, const char *name);

/* Every placeholder of the part must be one of names (NULL-terminated; a
 * name ending in ':' takes an argument); else an error naming the file
 * and line. */
int template_check(const struct ml_template *t, const struct ml_template_part *part,
		   const char *const *names, struct ml_error *err);

/* A placeholder's value, appended to out: 0, or -1 with err set. `toml`
 * is set within the front matter. */
typedef int (*ml_template_fn)(void *ud, struct ml_buf *out, const char *name, const char *arg,
			      int toml, struct ml_error *err);

int template_render(struct ml_buf *out, const struct ml_template_part *part, ml_template_fn fn,
		    void *ud, struct ml_error *err);

#endif
