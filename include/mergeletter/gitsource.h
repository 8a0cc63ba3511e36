/*
 * gitsource.h: merged PRs from a local clone's history, with libgit2.
 */
#ifndef MERGELETTER_GITSOURCE_H
#define MERGELETTER_GITSOURCE_H

#include "mergeletter/draft.h"
#include "mergeletter/pr.h"
#include "mergeletter/range.h"

struct ml_error;

/* Read the PRs merged in range from the clone at path (ref may be NULL:
 * the remote's default branch, else HEAD), appending them to out with
 * pr->repo set to repo (NULL: derived from the origin remote). */
int gitsource_fetch(const char *path, const char *ref, const char *repo,
		    const struct ml_range *range, struct ml_pr_list *out,
		    struct ml_error *err);

/* Fill every repository of the draft that has a clone configured. */
int gitsource_fetch_draft(struct ml_draft *d, struct ml_error *err);

#endif
