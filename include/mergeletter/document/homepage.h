/*
 * homepage.h: the newsletter's site repository, a clone in Zola's layout
 * (content/this-month/YYYY-MM/index.md), read with libgit2 without
 * checking anything out.
 *
 * Strings returned through char ** are heap-allocated and owned by the
 * caller. Errors: ML_EXIT_SOURCE for the repository (not one, no such ref,
 * no issue before the month), ML_EXIT_USAGE for a draft file with
 * uncommitted changes.
 */
#ifndef MERGELETTER_HOMEPAGE_H
#define MERGELETTER_HOMEPAGE_H

#include <stddef.h>

#include "mergeletter/util/range.h"

struct ml_error;

/* The latest issue published on `ref` (NULL: the default branch, i.e. the
 * origin remote's HEAD, else HEAD) in a month before range's: its text
 * (NUL-terminated, *len bytes) and a name for messages
 * ("SITE[:REF]:content/this-month/2023-07/index.md"). */
int homepage_previous(const char *site, const char *ref, const struct ml_range *range, char **text,
		      size_t *len, char **name, struct ml_error *err);

/* The month's draft in the work tree, SITE/content/this-month/YYYY-MM/index.md.
 * Refused when that file has
 * uncommitted changes (modified, staged, untracked or deleted) unless
 * allow_changes: the hook for --update, which merges into the file instead. */
int homepage_draft_path(const char *site, const struct ml_range *range, int allow_changes,
			char **path, struct ml_error *err);

/* Make the directory of the draft at path (its parent must exist). */
int homepage_make_dir(const char *path, struct ml_error *err);

#endif
