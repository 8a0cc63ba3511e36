/*
 * orgs.h: org discovery: an organisation's source repositories that can
 * have merged something in a range.
 *
 * GET /orgs/{org}/repos?type=sources&sort=pushed&direction=desc lists the
 * most recently pushed first, so paging stops at the first repository
 * pushed before the range. Archived repositories and forks are skipped.
 */
#ifndef MERGELETTER_ORGS_H
#define MERGELETTER_ORGS_H

#include "mergeletter/github/github.h"
#include <stddef.h>
#include <stdint.h>

struct ml_error;

struct ml_org_repo {
	char *repo;	   /* "owner/name" as GitHub spells it */
	char *description; /* NULL when none */
	int64_t pushed_at;
};

/* A list that owns its items; orgs_repos_release() releases them. */
struct ml_org_repos {
	struct ml_org_repo *v;
	size_t n;
};

/* Parse one page, appending the kept repositories to out. *older is set
 * when the page reaches a repository pushed before `since`; *skipped
 * counts archived repositories and forks left out. Returns 0, -1 for a
 * malformed answer, ML_HTTP_BROKEN when the body is not JSON. */
int orgs_parse_repos(const char *body, size_t len, const char *org, int64_t since,
		     struct ml_org_repos *out, int *older, int *skipped, struct ml_error *err);
void orgs_repos_release(struct ml_org_repos *l);
/* "{api}/orgs/{org}/repos?type=sources&sort=pushed&direction=desc&per_page=100" or NULL. */
char *orgs_repos_url(const char *api_url, const char *org);

/* Listing one organisation; the caller owns the struct and keeps it alive
 * until http_run() returns. Once the first page's Link names the last
 * page, the pages up to it go out side by side (github_listing_more()). */
struct ml_org_fetch {
	struct ml_github *gh; /* borrowed */
	const char *org;      /* borrowed */
	int line;	      /* the section's config line, 0: none */
	int64_t since;
	/* Called for every kept repository, in listing order. */
	int (*found)(void *ud, const struct ml_org_repo *r, struct ml_error *err);
	void *ud;
	struct ml_listing listing; /* listing.failure: why it ended early */
	char *subject;		   /* "org 'NAME'", for messages */
	int skipped, done;
	int older; /* the first page that reached a repository pushed before
		    * the range (its page number), or 0 */
};

int orgs_fetch_start(struct ml_org_fetch *f, struct ml_error *err);
void orgs_fetch_release(struct ml_org_fetch *f);

#endif
