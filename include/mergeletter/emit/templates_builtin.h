/*
 * templates_builtin.h: the files of templates/, built into the binary
 * (the table is generated at build time by cmake/embed_templates.cmake).
 */
#ifndef MERGELETTER_TEMPLATES_BUILTIN_H
#define MERGELETTER_TEMPLATES_BUILTIN_H

#include <stddef.h>

struct ml_builtin_template {
	const char *name; /* the file name without ".md" */
	const char *text; /* NUL-terminated */
	size_t len;
};

extern const struct ml_builtin_template ml_builtin_templates[];
extern const size_t ml_builtin_template_count;

#endif
