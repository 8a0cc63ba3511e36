/*
 * gitrange.h: what a ref range FROM..TO of a clone means: reachability.
 *
 * The commits of `git log FROM..TO` (every parent, as git: a commit that
 * FROM reaches is hidden with all its parents), newest first by committer
 * time, each once. The commits that a PR's merge brings in as that PR's
 * own (those reachable from the merge's other parents and not from its
 * first) are handed on only when the caller trusts them (GitHub made them:
 * another PR's merge or squash that the branch brought along), since a
 * contributor's own commit may end like a squash ("Fix x (#123)", an
 * issue). Which merges have own commits is the caller's to say (a merge
 * from a contributor's fork does; a merge of the long-lived `next` branch
 * into `main` does not: its PRs are in the range, and the merge itself
 * lists nothing).
 *
 * Ownership: everything in struct ml_gitrange is borrowed; commits given
 * to the callbacks are valid during the call only.
 */
#ifndef MERGELETTER_GITRANGE_H
#define MERGELETTER_GITRANGE_H

#include <git2.h>
#include <stddef.h>

#include "mergeletter/util/str.h"

struct ml_error;

struct ml_gitrange {
	git_repository *git;
	const char *path; /* as given, for messages */
	/* 1 when c (a merge in the range) is a PR's merge whose other parents
	 * bring only that PR's own commits; else 0 */
	int (*own_commits)(void *ud, git_commit *c);
	/* 1 when c, one of those own commits, is still to be visited */
	int (*trusted)(void *ud, git_commit *c);
	/* each commit of the range that is not a PR's own, newest first; 0,
	 * or -1 with err set */
	int (*visit)(void *ud, git_commit *c, struct ml_error *err);
	void *ud;
};

/* Walk from..to. 0, or -1 with err set (ML_EXIT_SOURCE for a history that
 * cannot be read, a shallow clone that does not reach FROM included). */
int gitrange_walk(const struct ml_gitrange *r, const git_oid *from, const git_oid *to,
		  struct ml_error *err);

/* Every author address of the commits that from reaches and hide does not
 * (hide NULL: none; every parent, at most max commits), lowercase, sorted
 * (strcmp), each once, into out: the identities a release's new
 * contributors do not have. With wanted (sorted, lowercase) only those of
 * wanted are kept, and the walk ends once all of them are found (a release
 * whose authors all wrote before reads little). With all, every address
 * met goes there too (sorted, each once). *nread: the commits read. 1 says
 * the walk did not end early nor at a commit it could not read: out (or
 * all) is then every address of the range (of its first max commits),
 * what a cache may keep; 0 when it did, -1 when out of memory. */
int gitrange_identities(git_repository *git, const git_oid *from, const git_oid *hide, size_t max,
			const struct ml_strv *wanted, struct ml_strv *out, struct ml_strv *all,
			size_t *nread);

#endif
