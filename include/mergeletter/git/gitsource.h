/*
 * gitsource.h: merged PRs from a local clone's history, with libgit2.
 *
 * The clone is read, never written, and nothing goes over the network.
 * Only the first-parent history of one ref is walked, from its tip back
 * to a little before the range (see gitsource.c for the stop rule). Two
 * kinds of commits are PRs:
 *   "Merge pull request #906 from LOGIN/BRANCH" + a body whose first line
 *   is the title (GitHub's merge commit), and
 *   "TITLE (#906)" (GitHub's squash commit).
 * A PR's merged_at is the commit's committer time. Its author login comes
 * from LOGIN, or from a users.noreply.github.com address, else from what
 * gitlogins.h can tell (.mailmap, the config's "logins", agreeing merge
 * commits); when it cannot be known it stays NULL (the emitter says so),
 * never guessed.
 *
 * Ownership: every string stored in the appended records is owned by
 * them (pr_list_release() releases it); *repo_out and the results of the
 * helpers below are newly allocated and freed by the caller.
 */
#ifndef MERGELETTER_GITSOURCE_H
#define MERGELETTER_GITSOURCE_H

#include "mergeletter/model/draft.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/util/range.h"

struct ml_error;

/* Read the PRs merged in range from the clone at path (a work tree, its
 * .git directory, or a bare repository; ref may be NULL: the origin
 * remote's default branch, else HEAD), appending them to out with
 * pr->repo set to repo (NULL: derived from the origin remote). When
 * repo_out is not NULL it receives the "owner/name" used. libgit2 must be
 * initialised (git_libgit2_init()). Errors: ML_EXIT_SOURCE. */
int gitsource_fetch(const char *path, const char *ref, const char *repo,
		    const struct ml_range *range, struct ml_pr_list *out, char **repo_out,
		    struct ml_error *err);

/* What a read cost (added to: zero it first). */
struct ml_git_stats {
	size_t identity_commits; /* read for the new contributors' addresses */
};

/* What to read from a clone. */
struct ml_git_query {
	const char *path;	      /* a work tree, its .git directory, or a bare repository */
	const char *ref;	      /* the tip (TO); NULL: origin's default branch, else HEAD */
	const char *from;	      /* NULL: the PRs merged in range (first parents); else
				       * the PRs reachable from ref and not from FROM
				       * (gitrange.h) */
	const char *repo;	      /* "owner/name" for the records; NULL: from the origin */
	const struct ml_range *range; /* used when from is NULL */
	const struct ml_login_map *logins; /* the config's "logins", or NULL */
	const char *cache_dir;		   /* the login evidence's cache (gitlogins.h); NULL: */
	int no_cache;			   /* the default directory; no_cache: none */
	struct ml_git_stats *stats;	   /* NULL, or what the read cost is added to */
};

/* gitsource_fetch() with a query; a ref that does not resolve is an
 * ML_EXIT_SOURCE error naming it. */
int gitsource_read(const struct ml_git_query *q, struct ml_pr_list *out, char **repo_out,
		   struct ml_error *err);

/* libgit2 for a run: gitsource_begin() before using it (each entry point
 * here does), gitsource_end() once the run is over: libgit2 starts once
 * however many clones and calls the run has. */
void gitsource_begin(void);
void gitsource_end(void);

/* Keep the clone that the calls below open open for the next call on the
 * same path, until gitsource_end() (one clone at a time: another takes its
 * place). For a run, whose questions of one clone follow each other;
 * without it each call opens and closes its clone, and sees what changed
 * in it since the last. */
void gitsource_keep(void);

/* The committer times of the commits that from and to (NULL: the default
 * tip) name in the clone at path: what a ref range means in time. */
int gitsource_ref_times(const char *path, const char *from, const char *to, int64_t *from_time,
			int64_t *to_time, struct ml_error *err);

/* The release before to (NULL: the tip; see gitrelease_previous()): the
 * highest release tag that to reaches, of to's prefix, prereleases
 * skipped unless to is one; for a tip, the latest release it reaches (what
 * its tags name kept in the cache: cache_dir as for ml_git_query). *tag
 * newly allocated; none is an ML_EXIT_SOURCE error that says to give
 * --from. */
int gitsource_previous_release(const char *path, const char *to, const char *cache_dir,
			       int no_cache, char **tag, struct ml_error *err);

/* Fill every repository of the draft that has a clone configured; a
 * repository without "repo" gets the one its origin remote names.
 * cache_dir and no_cache are the login evidence's cache (--cache-dir,
 * --no-cache; NULL: the default directory). */
int gitsource_fetch_draft(struct ml_draft *d, const char *cache_dir, int no_cache,
			  struct ml_error *err);

/* "owner/name" of a github.com remote URL (https://github.com/o/r(.git),
 * git@github.com:o/r.git, ssh://git@github.com/o/r, git://...), or NULL. */
char *gitsource_repo_from_url(const char *url);

#endif
