/*
 * pr.h: the one record every source fills and every later stage reads.
 *
 * A struct ml_pr owns all its strings. A struct ml_pr_list owns its
 * items; pr_list_release() releases them. Nothing after a source knows
 * whether the record came from the GitHub API or a local clone.
 */
#ifndef MERGELETTER_PR_H
#define MERGELETTER_PR_H

#include "mergeletter/util/str.h"
#include <stddef.h>
#include <stdint.h>

struct ml_pr {
	char *repo; /* "owner/name" as configured */
	long number;
	char *title;	   /* as on GitHub; may hold any UTF-8 text */
	char *author;	   /* login, or NULL when it cannot be known (git source) */
	int author_is_bot; /* user.type == "Bot", a "[bot]" login, a bot branch */
	int64_t merged_at; /* seconds since the epoch, UTC */
	struct ml_strv labels;
	char *association;	  /* author_association, or NULL */
	struct ml_strv coauthors; /* extra contributor logins (Co-authored-by) */
	char *head;		  /* "OWNER/BRANCH" the PR came from, or NULL when not known */
	int is_bump;		  /* set by the filter (a bump, or a release's housekeeping) */
	size_t title_cut;	  /* 0, or the title's length in characters before pr_title_bound()
				     shortened it */
	int breaking;		  /* the source says so ("BREAKING CHANGE" in a commit) */
	int first_contribution;	  /* the author's first PR in the repository, when known */
};

/* Titles longer than this many characters are shortened (pr_title_bound). */
#define ML_PR_TITLE_MAX 1000

struct ml_pr_list {
	struct ml_pr *items;
	size_t len;
	size_t cap;
};

/* 1 when the login (NULL allowed) names a GitHub App: "NAME[bot]". */
int pr_login_is_bot(const char *login);
/* 1 when s[0..n) is a valid GitHub login: letters, digits and single
 * inner hyphens, at most 39 characters, optionally followed by "[bot]". */
int pr_login_valid(const char *s, size_t n);

/* A title longer than ML_PR_TITLE_MAX characters (UTF-8 sequences) is
 * cut on a character boundary and ends with an ellipsis ("…"), the whole
 * ML_PR_TITLE_MAX characters; title_cut records its first length. 1 when
 * it was shortened, else 0. */
int pr_title_bound(struct ml_pr *pr);
/* 1 when the PR came from a branch of its own repository (head
 * "OWNER/..." with OWNER the owner of pr->repo): someone with push access,
 * a maintainer, wrote it. */
int pr_from_own_branch(const struct ml_pr *pr);

/* Append a zeroed record and return it, or NULL when out of memory. */
struct ml_pr *pr_list_add(struct ml_pr_list *l);
/* Stable sort by merge time, then number. */
void pr_list_sort(struct ml_pr_list *l);
/* Move every item of src to the end of dst; src ends empty. */
int pr_list_take(struct ml_pr_list *dst, struct ml_pr_list *src);
void pr_release(struct ml_pr *pr);
void pr_list_release(struct ml_pr_list *l);

#endif
