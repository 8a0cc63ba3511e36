/*
 * gitlogins.h: who wrote a commit, from a clone alone: e-mail address to
 * GitHub login.
 *
 * In this order, for an author (name, e-mail) whose login the commit does
 * not name:
 *  1. .mailmap (libgit2's git_mailmap_from_repository()): the canonical
 *     address, which may be a users.noreply.github.com one;
 *  2. the config's "logins" map, for the canonical or the given address;
 *  3. what the history says: a merge commit "Merge pull request #N from
 *     LOGIN/BRANCH" (LOGIN not the repository's owner) is evidence that
 *     the authors of the PR's commits are LOGIN: the second parent and
 *     its first parents down to the merge base with the first parent (a
 *     git_merge_base() each: a revwalk with hide per merge cost 4 times as
 *     much), at most GITLOGINS_PR_COMMITS of them. An address maps to a
 *     login when the history agrees: every PR that carries commits of the
 *     address comes from the same LOGIN, or a clear majority does (at
 *     least GITLOGINS_MAJORITY percent of at least GITLOGINS_MIN_PRS such
 *     PRs: one stray co-authored PR does not undo a contributor's record);
 *     and the address never merged a PR of that LOGIN (a maintainer who
 *     pushes a fix onto a contributor's branch and merges it is not the
 *     contributor). Merges of the repository's own branches give no vote. The
 *     author of a merge commit (who merged) is never evidence for the
 *     PR's LOGIN. The first-parent history is read once, at the first
 *     address that needs it, at most GITLOGINS_MAX_COMMITS commits of it,
 *     from the newer of the clone's HEAD and the tip: who an address is
 *     does not depend on the range asked for, so an old release's notes
 *     know what this month's do, from the same cached read.
 * Nothing is guessed: without agreeing evidence the login stays unknown.
 *
 * Ownership: gitlogins_new() returns an object that gitlogins_free()
 * frees; it borrows the repository, the names and the map, which must
 * outlive it. gitlogins_resolve() returns a newly allocated login.
 */
#ifndef MERGELETTER_GITLOGINS_H
#define MERGELETTER_GITLOGINS_H

#include <git2.h>
#include <stddef.h>

#include "mergeletter/model/config.h"

#define GITLOGINS_MAX_COMMITS 20000 /* first-parent commits read for evidence */
#define GITLOGINS_PR_COMMITS 250    /* commits of one PR read for evidence */
#define GITLOGINS_MIN_PRS 3	    /* PRs for a majority that is not unanimous */
#define GITLOGINS_MAJORITY 80	    /* percent of them that must agree */

struct ml_gitlogins;

/* Where the evidence is kept between runs: in the response cache's
 * directory (dir NULL: the default one), one entry per clone (and repo,
 * origin), holding the votes as read to a commit. A later run whose
 * evidence tip (HEAD, or a newer range tip) descends from that commit
 * along first parents reads only the newer commits; another tip reads
 * everything (and keeps that). use 0: no cache. */
struct ml_gitlogins_cache {
	const char *dir;
	int use;
};

/* repo and origin: "owner/name" (either may be NULL), whose owners' branches
 * are same-repository branches, not logins; config and cache may be NULL. */
int gitlogins_new(struct ml_gitlogins **out, git_repository *git, const git_oid *tip,
		  const char *repo, const char *origin, const struct ml_login_map *config,
		  const struct ml_gitlogins_cache *cache);
/* The login of an author, newly allocated in *login, or *login = NULL when
 * nothing agrees on one. -1 only when out of memory. */
int gitlogins_resolve(struct ml_gitlogins *l, const char *name, const char *email, char **login);
void gitlogins_free(struct ml_gitlogins *l);

/* 1 when login[0..n) is the owner of "owner/name" repo (case-insensitive). */
int gitlogins_is_owner(const char *repo, const char *login, size_t n);

#endif
