/*
 * gitmsg.h: what a commit message alone says of a pull request: the
 * subjects GitHub writes when it merges one, and the logins that
 * addresses carry. No repository is read here: the git source
 * (gitsource.h) and the login evidence (gitlogins.h) both build on it.
 *
 *   "Merge pull request #906 from LOGIN/BRANCH" + a body whose first line
 *   is the title (GitHub's merge commit, also what its merge queue writes
 *   with the merge method);
 *   "TITLE (#906)" (GitHub's squash commit; its merge queue's squash);
 *   "Merge #77" and batches "Merge #12 #34" with a body line
 *   "12: TITLE r=REVIEWER a=AUTHOR" for each (bors-ng);
 *   "Auto merge of #77 - LOGIN:BRANCH, r=REVIEWER" and "Rollup merge of
 *   #77 - LOGIN:BRANCH, ..." + the title as the body's first line (homu).
 *
 * Ownership: strings returned are newly allocated and freed by the
 * caller; a struct ml_git_message owns its title and co-authors and
 * borrows `from` from the message it was parsed from.
 */
#ifndef MERGELETTER_GITMSG_H
#define MERGELETTER_GITMSG_H

#include <stddef.h>

#include "mergeletter/util/str.h"

/* "Merge pull request #906 from LOGIN/BRANCH" (the subject line s[0..n)):
 * 1 with the number and LOGIN/BRANCH (a pointer into s and its length),
 * else 0. */
int gitmsg_merge_subject(const char *s, size_t n, long *number, const char **from, size_t *fromlen);

/* The login of a GitHub noreply address ("12345+login@users.noreply.github.com"
 * or "login@users.noreply.github.com"), or NULL for any other address. */
char *gitmsg_noreply_login(const char *email);

enum gitmsg_kind {
	GITMSG_NONE = 0, /* not a PR commit */
	GITMSG_MERGE,	 /* GitHub's merge commit */
	GITMSG_SQUASH,	 /* "TITLE (#N)" */
	GITMSG_BORS,	 /* bors-ng's "Merge #N [#M...]" */
	GITMSG_HOMU	 /* homu's "Auto merge of #N - LOGIN:BRANCH" / "Rollup merge of" */
};

/* One more PR of a bors batch. */
struct ml_git_batch_pr {
	long number;
	char *title;  /* owned, one line */
	char *author; /* owned: the login of "a=", or NULL */
};

/* What a commit message alone says of a PR, before the repository is
 * asked for authors. */
struct ml_git_message {
	long number;		  /* the PR number; 0: not a PR commit */
	int merge;		  /* 1: GitHub's merge commit, else 0 */
	char *title;		  /* owned: the PR title, one line */
	const char *from;	  /* merge: "LOGIN/BRANCH" of the subject, pointing into the */
	size_t fromlen;		  /* message (borrowed), fromlen bytes; else NULL */
	struct ml_strv coauthors; /* owned: logins of Co-authored-by noreply addresses */
	enum gitmsg_kind kind;
	char *author;		      /* owned: the login the message names (homu's LOGIN, bors's
				       * "a="), or NULL */
	struct ml_git_batch_pr *more; /* owned: a bors batch's PRs after the first */
	size_t nmore;
};

/* The subject (and for bors, the batch lines of the body; m zeroed by the
 * caller): 1 for a PR commit, with everything but the co-authors set; 0
 * for another commit (m->number 0); -1 when out of memory. */
int gitmsg_parse_subject(struct ml_git_message *m, const char *msg);

/* Parse a commit message (NUL-terminated), co-authors included. 0, with
 * m->number 0 when it is not a PR commit; -1 only when out of memory (m is
 * left empty). Release m with gitmsg_release(). */
int gitmsg_parse(struct ml_git_message *m, const char *msg);
void gitmsg_release(struct ml_git_message *m);

/* Call fn(ud, name, email) for every "Co-authored-by: Name <email>" line
 * of msg, in order (name and email NUL-terminated, valid during the call).
 * Stops at the first non-zero return of fn and returns it; -1 when out of
 * memory; else 0. */
int gitmsg_each_coauthor(const char *msg, int (*fn)(void *ud, const char *name, const char *email),
			 void *ud);

#endif
