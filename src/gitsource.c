/* gitsource.c: merged PRs from a local clone's history (libgit2). */
#include "mergeletter/gitsource.h"

#include <git2.h>

#include "mergeletter/error.h"

int gitsource_fetch(const char *path, const char *ref, const char *repo,
		    const struct ml_range *range, struct ml_pr_list *out, struct ml_error *err)
{
	(void)ref;
	(void)repo;
	(void)range;
	(void)out;
	return error_set(err, ML_EXIT_SOURCE, "%s: reading a local clone is not implemented yet",
			 path);
}

int gitsource_fetch_draft(struct ml_draft *d, struct ml_error *err)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			struct ml_draft_repo *r = &d->sections[i].repos[j];

			if (!r->info.git)
				continue;
			if (gitsource_fetch(r->info.git, r->info.ref, r->info.repo, &d->range, &r->prs,
					    err) < 0)
				return -1;
			pr_list_sort(&r->prs);
			r->fetched = 1;
		}
	return 0;
}
