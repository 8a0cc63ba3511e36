/*
 * orgs.h: discovery: an organisation's (or a user account's) source
 * repositories that can have merged something in a range.
 *
 * GET /orgs/{org}/repos?type=sources&sort=pushed&direction=desc (a user's:
 * /users/{user}/repos?type=owner&...) lists the most recently pushed
 * first, so paging stops at the first repository pushed before the range.
 * Archived repositories, forks and the config's exclusions are skipped.
 */
#ifndef MERGELETTER_ORGS_H
#define MERGELETTER_ORGS_H

#include "mergeletter/github/github.h"
#include <stddef.h>
#include <stdint.h>

struct ml_error;
struct ml_strv;

/* Whose repositories a listing holds, and which of them are left out. */
struct ml_owner {
	const char *name;	       /* borrowed */
	int user;		       /* a user account, not an organisation */
	const struct ml_strv *exclude; /* repository names (borrowed), or NULL */
};

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
 * counts archived repositories, forks and exclusions left out. Returns 0,
 * -1 for a malformed answer, ML_HTTP_BROKEN when the body is not JSON. */
int orgs_parse_repos(const char *body, size_t len, const struct ml_owner *owner, int64_t since,
		     struct ml_org_repos *out, int *older, int *skipped, struct ml_error *err);
void orgs_repos_release(struct ml_org_repos *l);
/* "{api}/orgs/{org}/repos?type=sources&sort=pushed&direction=desc&per_page=100"
 * ("{api}/users/{user}/repos?type=owner&..." for a user), or NULL. */
char *orgs_repos_url(const char *api_url, const struct ml_owner *owner);

/* Listing one organisation; the caller owns the struct and keeps it alive
 * until http_run() returns. Once the first page's Link names the last
 * page, the pages up to it go out side by side (github_listing_more()). */
struct ml_org_fetch {
	struct ml_github *gh;  /* borrowed */
	struct ml_owner owner; /* its strings borrowed */
	int line;	       /* the section's config line, 0: none */
	int64_t since;
	/* Called for every kept repository, in listing order. */
	int (*found)(void *ud, const struct ml_org_repo *r, struct ml_error *err);
	void *ud;
	struct ml_listing listing; /* listing.failure: why it ended early */
	char *subject;		   /* "org 'NAME'" or "user 'NAME'", for messages */
	int skipped, done;
	int older; /* the first page that reached a repository pushed before
		    * the range (its page number), or 0 */
};

int orgs_fetch_start(struct ml_org_fetch *f, struct ml_error *err);
void orgs_fetch_release(struct ml_org_fetch *f);

#endif
