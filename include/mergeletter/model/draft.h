/*
 * draft.h: the model the emitters read: sections of repositories, each
 * with the PRs merged in the range.
 *
 * A struct ml_draft owns copies of everything it holds; draft_release()
 * releases it. Sources fill each repository's `prs`.
 */
#ifndef MERGELETTER_DRAFT_H
#define MERGELETTER_DRAFT_H

#include "mergeletter/model/config.h"
#include "mergeletter/model/news.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/util/range.h"
#include <stddef.h>

struct ml_error;
struct ml_template;

struct ml_draft_repo {
	struct ml_repo_cfg info;
	struct ml_pr_list prs;
	char *description; /* from the API (org discovery), or NULL */
	int fetched;	   /* the source filled prs */
	char *failure;	   /* "REPO: not fetched: WHY" when its source failed, else NULL */
};

struct ml_draft_section {
	char *heading;
	char *intro;
	char *org;		/* the owner whose repositories are listed, or NULL */
	int user;		/* org is a user account, not an organisation */
	struct ml_strv exclude; /* the owner's repositories left out, by name */
	struct ml_draft_repo *repos;
	size_t nrepos;
	char *failure; /* "org 'NAME': not fetched: WHY" when its listing failed */
};

struct ml_draft {
	char *title; /* NULL for a single section */
	struct ml_strv editors;
	struct ml_range range;
	char *from_ref;		    /* a ref range FROM..to_ref for the clones, or NULL */
	char *to_ref;		    /* NULL: each clone's "ref" (or its default branch) */
	struct ml_login_map logins; /* the config's "logins", for the clones */
	int64_t date;		    /* the day the draft is made */
	enum ml_deps_mode deps_mode;
	struct ml_draft_section *sections;
	size_t nsections;
	const struct ml_template *tmpl; /* borrowed; NULL: the built-in one */
	char *tooling_heading;		/* NULL: no tooling part configured */
	struct ml_pr_list tooling;	/* candidates: each source in turn, merge order */
	struct ml_news news;		/* news.heading NULL: no news part configured */
	char *web; /* the web base links go to (no trailing '/'); NULL: github.com */
};

/* A draft with the config's sections and repositories, no PRs yet. */
int draft_from_config(struct ml_draft *d, const struct ml_config *cfg, const struct ml_range *range,
		      struct ml_error *err);
/* A draft of one section holding one repository. */
int draft_single(struct ml_draft *d, const struct ml_repo_cfg *rc, const struct ml_range *range,
		 struct ml_error *err);
/* Append a repository to a section (org discovery); returns it or NULL. */
struct ml_draft_repo *draft_add_repo(struct ml_draft_section *s, const struct ml_repo_cfg *rc);
/* Read the clones between two refs (from..to, to NULL: each clone's tip);
 * copies both. */
int draft_set_refs(struct ml_draft *d, const char *from, const char *to, struct ml_error *err);
/* The range's name: "Changes in TO" ("Changes since FROM" without TO) for
 * a ref range, else range_month_label(); into out, returns out. */
const char *draft_range_label(const struct ml_draft *d, char *out, size_t outlen);
/* Find a repository anywhere in the draft (case-insensitive), or NULL. */
struct ml_draft_repo *draft_find_repo(struct ml_draft *d, const char *repo);
/* The web base of the draft's links: d->web, else "https://github.com". */
const char *draft_web(const struct ml_draft *d);
void draft_release(struct ml_draft *d);
/* What the emitters will show as escaped text instead of markup (a login
 * that is not a valid GitHub login), and the titles pr_title_bound()
 * shortened: one message each, without the
 * "warning: " prefix, appended to warnings. 0, or -1 when out of memory. */
int draft_check(const struct ml_draft *d, struct ml_strv *warnings);
/* Call fn for every failure of the draft (sections' first, in order);
 * returns how many there are, or -1 when fn fails. */
int draft_each_failure(const struct ml_draft *d, int (*fn)(void *ud, const char *failure),
		       void *ud);

/* The thanks list of one repository: non-maintainer, non-bot authors (and
 * co-authors) of the listed PRs, in order of first appearance. The strings
 * are borrowed from r; strref_release() frees the vector. */
int draft_thanks(const struct ml_draft_repo *r, enum ml_deps_mode mode, struct ml_strref *out);
/* 1 when the PR is listed (not hidden in the bump comment or dropped). */
int draft_pr_listed(const struct ml_pr *pr, enum ml_deps_mode mode);

#endif
