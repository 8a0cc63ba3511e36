/*
 * compare.h: the PRs of a ref range through the API, by reachability.
 *
 * BASE...HEAD is what `git log BASE..HEAD` lists (every parent): GitHub's
 * compare endpoint (GET /repos/{o}/{r}/compare/{base}...{head}, 100
 * commits a page, followed by its Link). The commits are read as the
 * clone's are (gitrange.h, gitmsg.h): a PR's merge from a fork, a bors or a
 * homu merge brings its own commits, which are not PRs unless GitHub made
 * them; every other commit names its PRs in its message (GitHub's merge
 * and squash subjects, its merge queue's, bors batches, homu). Only a
 * commit whose message names no PR is asked about
 * (GET /repos/{o}/{r}/commits/{sha}/pulls: a rebase merge, a direct push),
 * and its merged PRs into this repository join the set.
 *
 * The records are then filled from GitHub (title, author, labels,
 * association; a first-time contributor's association marks the PR as
 * their first): by the pulls listing (newest update first) back to the
 * earliest commit of the set, bounded to a quarter as many pages as there
 * are PRs to fill, and one GET /repos/{o}/{r}/pulls/{n} for each PR that
 * the listing did not give (for fewer than 8 PRs, those alone). A number
 * that GitHub does not know as a PR (an issue named "(#N)") is dropped. A
 * PR's merged_at is the committer time of the commit that names it (as
 * from a clone), its head the "LOGIN/BRANCH" of GitHub's merge subject,
 * else the PR's own head; each PR once (the newest commit's), in merge
 * order.
 *
 * Ownership: out owns what is appended; everything else is borrowed.
 */
#ifndef MERGELETTER_COMPARE_H
#define MERGELETTER_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "mergeletter/github/github.h"
#include "mergeletter/model/pr.h"

struct ml_error;

/* What compare_fetch() found, for the range and for --verbose. */
struct ml_compare_stats {
	int64_t base_time; /* BASE's committer time */
	int64_t head_time; /* HEAD's (the range's newest commit without a child in it), or
			      base_time when the range is empty */
	size_t commits;	   /* in the range */
	size_t pages;	   /* compare pages */
	size_t lookups;	   /* commits/{sha}/pulls requests */
	size_t listed;	   /* pulls listing pages */
	size_t fetched;	   /* pulls/{n} requests */
	size_t unfilled;   /* PRs GitHub did not describe (a failed request): listed from
			      their commit's message */
};

/* Append the PRs of base...head (head: "HEAD" for the default branch) of
 * repo to out, running the client's engine until they are known. An
 * unknown ref is an ML_EXIT_NETWORK error that names it. */
int compare_fetch(struct ml_github *gh, const char *repo, const char *base, const char *head,
		  struct ml_pr_list *out, struct ml_compare_stats *stats, struct ml_error *err);

/* "{api}/repos/{repo}/compare/{base}...{head}?per_page=N" (each ref's
 * segments percent-encoded), newly allocated, or NULL. */
char *compare_url(const char *api_url, const char *repo, const char *base, const char *head,
		  int per_page);

/* The part that reads commits alone (for tests and compare_fetch()): the
 * PRs that a comparison's commits (commits: a JSON array of GitHub commit
 * objects, borrowed) name, as above, appended to out in merge order with
 * what the messages say (not yet filled from GitHub); the SHAs of the
 * commits that name no PR (and are not a PR's own) onto ask, newest first.
 * 0, or -1 with err set (a malformed commit: ML_EXIT_NETWORK). */
int compare_read_commits(const char *repo, json_t *commits, struct ml_pr_list *out,
			 struct ml_strv *ask, struct ml_error *err);

#endif
