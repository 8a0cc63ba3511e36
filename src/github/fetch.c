/* fetch.c: the plan of a run against the GitHub API: targets, org
 * discovery, search or pulls, and the hand-over into the draft.
 *
 * Draft repositories are never added while transfers run (that would move
 * them under the callbacks' feet): every target collects its PRs in its
 * own list, and fetch_run() hands them over at the end.
 */
#include "mergeletter/github/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/github/orgs.h"
#include "mergeletter/github/plan.h"
#include "mergeletter/github/search.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"

struct fetch;

struct target {
	struct fetch *f;
	char *repo;		     /* as configured, or as the org listing spells it */
	struct ml_draft_repo *draft; /* configured; NULL when discovered */
	size_t section;		     /* a discovered repository's section */
	char *description;
	int pulls;	 /* its pulls listing was started */
	int pages_known; /* pages of its listing search says are needed */
	struct ml_pulls_fetch pf;
	struct ml_pr_list prs;
};

struct org {
	struct fetch *f;
	size_t section;
	int want_pulls; /* search was incomplete: list pulls instead */
	struct ml_org_fetch of;
};

struct fetch {
	struct ml_github *gh;
	struct ml_draft *d;
	struct target **targets;
	size_t ntargets, cap;
	struct ml_strmap by_repo;    /* target by name (case-insensitive) */
	struct ml_strmap configured; /* every configured draft repository by name */
	struct org *orgs;
	size_t norgs;
	struct ml_strv scopes;
	struct ml_search_fetch sf;
	struct ml_pr_list found; /* search items, before they go to targets */
	size_t done;
	enum ml_via via; /* the strategy of the run (the planner's or --via) */
	struct ml_planner planner;
	size_t fetched, failed; /* repositories (and org listings) */
};

static struct target *target_find(struct fetch *f, const char *repo)
{
	return strmap_get(&f->by_repo, repo);
}

static int same_owner(const char *repo, const char *org)
{
	size_t n = strlen(org);

	return strncasecmp(repo, org, n) == 0 && repo[n] == '/';
}

/* The owner an "org:NAME" or "user:NAME" scope names; NULL for "repo:". */
static const char *scope_owner(const char *scope)
{
	if (strncmp(scope, "org:", 4) == 0)
		return scope + 4;
	return strncmp(scope, "user:", 5) == 0 ? scope + 5 : NULL;
}

static struct target *target_add(struct fetch *f, const char *repo, struct ml_error *err)
{
	struct target *t;

	if (f->ntargets == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct target **v = realloc(f->targets, cap * sizeof *v);

		if (!v) {
			error_set(err, ML_EXIT_FAILURE, "out of memory");
			return NULL;
		}
		f->targets = v;
		f->cap = cap;
	}
	if (!(t = calloc(1, sizeof *t)) || !(t->repo = ml_strdup(repo)) ||
	    strmap_put(&f->by_repo, t->repo, t) < 0) {
		if (t)
			free(t->repo);
		free(t);
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		return NULL;
	}
	t->f = f;
	f->targets[f->ntargets++] = t;
	progress_repos(f->gh->progress, f->done, f->ntargets);
	return t;
}

static void target_finished(void *ud)
{
	struct target *t = ud;

	t->f->done++;
	progress_repos(t->f->gh->progress, t->f->done, t->f->ntargets);
}

static int pulls_start(struct target *t, struct ml_error *err)
{
	if (t->pulls)
		return 0;
	t->pulls = 1;
	t->pf.gh = t->f->gh;
	t->pf.repo = t->repo;
	t->pf.line = t->draft ? t->draft->info.line : 0;
	t->pf.range = &t->f->d->range;
	t->pf.out = &t->prs;
	t->pf.finished = target_finished;
	t->pf.ud = t;
	return github_pulls_start_pages(&t->pf, t->pages_known, err);
}

static int org_found(void *ud, const struct ml_org_repo *r, struct ml_error *err)
{
	struct org *o = ud;
	struct fetch *f = o->f;
	struct target *t = target_find(f, r->repo);

	if (!t) {
		if (strmap_get(&f->configured, r->repo))
			return 0; /* configured with a local clone */
		if (!(t = target_add(f, r->repo, err)))
			return -1;
		t->section = o->section;
		if (r->description && !(t->description = ml_strdup(r->description)))
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	if (f->via == ML_VIA_PULLS || o->want_pulls)
		return pulls_start(t, err);
	return 0;
}

/* Search could not answer a scope: list its pulls instead (past the
 * run's deadline, the engine fails those requests at once). */
static int scope_fallback(void *ud, const char *scope, const char *why, struct ml_error *err)
{
	struct fetch *f = ud;
	const char *owner = scope_owner(scope);

	(void)why; /* the search warned; a failing listing says its own why */

	if (!owner) {
		struct target *t = target_find(f, scope + 5);

		return t ? pulls_start(t, err) : 0;
	}
	for (size_t i = 0; i < f->norgs; i++) {
		struct org *o = &f->orgs[i];

		if (!ml_strcaseeq(o->of.owner.name, owner))
			continue;
		o->want_pulls = 1;
	}
	for (size_t i = 0; i < f->ntargets; i++)
		if (same_owner(f->targets[i]->repo, owner) && pulls_start(f->targets[i], err) < 0)
			return -1;
	return 0;
}

static int plan(struct fetch *f, struct ml_error *err)
{
	struct ml_draft *d = f->d;
	size_t norgs = 0;

	for (size_t i = 0; i < d->nsections; i++)
		norgs += d->sections[i].org != NULL;
	if (norgs && !(f->orgs = calloc(norgs, sizeof *f->orgs)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < d->nsections; i++) {
		struct ml_draft_section *s = &d->sections[i];

		for (size_t j = 0; j < s->nrepos; j++) {
			struct target *t;

			if (s->repos[j].info.repo &&
			    strmap_put(&f->configured, s->repos[j].info.repo, &s->repos[j]) < 0)
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			if (s->repos[j].info.git || s->repos[j].fetched ||
			    target_find(f, s->repos[j].info.repo))
				continue;
			if (!(t = target_add(f, s->repos[j].info.repo, err)))
				return -1;
			t->draft = &s->repos[j];
		}
		if (s->org) {
			struct org *o = &f->orgs[f->norgs++];
			struct ml_buf scope = ML_BUF_INIT;
			int dup = 0;

			o->f = f;
			o->section = i;
			o->of.gh = f->gh;
			o->of.owner.name = s->org;
			o->of.owner.user = s->user;
			o->of.owner.exclude = &s->exclude;
			o->of.since = d->range.since;
			o->of.found = org_found;
			o->of.ud = o;
			for (size_t k = 0; k < f->scopes.n; k++)
				dup |= ml_strcaseeq(scope_owner(f->scopes.v[k]), s->org);
			if (!dup &&
			    (buf_printf(&scope, "%s:%s", s->user ? "user" : "org", s->org) < 0 ||
			     strv_push(&f->scopes, buf_str(&scope)) < 0)) {
				buf_release(&scope);
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			}
			buf_release(&scope);
		}
	}
	/* repo: scopes for configured repositories that no org: or user: scope covers */
	for (size_t i = 0; i < f->ntargets; i++) {
		struct ml_buf scope = ML_BUF_INIT;
		int covered = 0;

		for (size_t k = 0; k < f->norgs; k++)
			covered |= same_owner(f->targets[i]->repo, f->orgs[k].of.owner.name);
		if (covered)
			continue;
		if (buf_printf(&scope, "repo:%s", f->targets[i]->repo) < 0 ||
		    strv_push(&f->scopes, buf_str(&scope)) < 0) {
			buf_release(&scope);
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		}
		buf_release(&scope);
	}
	return 0;
}

/* Offline, the plan is the one the run that filled the cache chose: the
 * pulls listing when the first repository's first page is cached. */
static int listing_cached(struct fetch *f, const char *const *scopes, size_t n)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	const char *repo = NULL;
	char *url;
	int hit;

	for (size_t i = 0; i < n && !repo; i++) {
		if (strncmp(scopes[i], "repo:", 5) == 0) {
			repo = scopes[i] + 5;
			continue;
		}
		for (size_t j = 0; j < f->ntargets && !repo; j++)
			if (same_owner(f->targets[j]->repo, scope_owner(scopes[i])))
				repo = f->targets[j]->repo;
	}
	if (!repo || !(url = github_pulls_url(f->gh->api_url, repo)))
		return 0;
	hit = cache_get(f->gh->cache, url, GITHUB_ACCEPT, &e);
	cache_entry_release(&e);
	free(url);
	return hit;
}

/* The repositories an org's listing will name, as far as its first page's
 * Link tells (its last page: up to 100 each); before its first page,
 * ORG_SIZE_UNKNOWN (so that an unknown org's pulls listing is never taken
 * for cheap); 1 when its listing has ended (its repositories are known). */
#define ORG_SIZE_UNKNOWN 1000
static long org_size(const struct fetch *f, const char *org)
{
	for (size_t i = 0; i < f->norgs; i++) {
		const struct ml_org_fetch *of = &f->orgs[i].of;

		if (!ml_strcaseeq(of->owner.name, org) || of->done)
			continue;
		if (of->listing.pages == 0 && !of->listing.failure)
			return ORG_SIZE_UNKNOWN;
		if (of->listing.last_page > 1)
			return (long)(of->listing.last_page - 1) * 100 + 1;
	}
	return 1;
}

/* The planner's word on a search query's first page (or on a page refused
 * because the search budget is spent): 1 to list the pulls
 * of its scopes instead. */
static int search_planned(void *ud, const char *const *scopes, size_t n, long total, int spent,
			  struct ml_error *err)
{
	struct fetch *f = ud;
	long nrepos = 0;

	(void)err;
	for (size_t i = 0; i < n; i++) {
		const char *owner = scope_owner(scopes[i]);
		long k = 0;

		if (!owner) {
			nrepos++;
			continue;
		}
		for (size_t j = 0; j < f->ntargets; j++)
			k += same_owner(f->targets[j]->repo, owner);
		nrepos += k > org_size(f, owner) ? k : org_size(f, owner);
	}
	if (f->gh->offline
		? !listing_cached(f, scopes, n)
		: planner_query(&f->planner, scopes[0], n, total, nrepos, spent) != ML_VIA_PULLS)
		return 0;
	if (n == 1 && !scope_owner(scopes[0])) {
		/* its first ceil(total / 100) pages hold merged PRs: ask them at once */
		struct target *t = target_find(f, scopes[0] + 5);

		if (t && total > 0 && total / 100 < 1000)
			t->pages_known = (int)((total + 99) / 100);
	}
	return 1;
}

/* Search or pulls for the run, before any request. */
static void choose(struct fetch *f)
{
	long queries = 0;
	char since[16], until[16], text[40];

	for (size_t i = 0; i < f->scopes.n; queries++)
		i += search_query_fit((const char *const *)f->scopes.v, i, f->scopes.n,
				      f->d->range.since, f->d->range.until);
	range_format_date(f->d->range.since, since, sizeof since);
	range_format_date(f->d->range.until, until, sizeof until);
	snprintf(text, sizeof text, "%s..%s", since, until);
	planner_init(&f->planner, f->gh);
	f->via = planner_run(&f->planner, queries, (long)f->ntargets, (long)f->norgs, text);
}

static int start(struct fetch *f, struct ml_error *err)
{
	choose(f);
	for (size_t i = 0; i < f->norgs; i++)
		if (orgs_fetch_start(&f->orgs[i].of, err) < 0)
			return -1;
	if (f->via == ML_VIA_PULLS) {
		for (size_t i = 0; i < f->ntargets; i++)
			if (pulls_start(f->targets[i], err) < 0)
				return -1;
		return 0;
	}
	if (f->scopes.n == 0)
		return 0;
	f->sf.gh = f->gh;
	f->sf.scopes = (const char *const *)f->scopes.v;
	f->sf.nscopes = f->scopes.n;
	f->sf.range = &f->d->range;
	f->sf.out = &f->found;
	f->sf.fallback = scope_fallback;
	f->sf.planned = f->gh->via == ML_VIA_DEFAULT ? search_planned : NULL;
	f->sf.ud = f;
	return search_fetch_start(&f->sf, err);
}

static int has_number(const struct ml_pr_list *l, long number)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].number == number)
			return 1;
	return 0;
}

/* Search items to their targets, under the targets' names. */
static int distribute(struct fetch *f, struct ml_error *err)
{
	for (size_t i = 0; i < f->found.len; i++) {
		struct ml_pr *src = &f->found.items[i], *dst;
		struct target *t = target_find(f, src->repo);

		/* not listed (archived, a fork), or listed by pulls instead */
		if (!t || t->pulls || has_number(&t->prs, src->number))
			continue;
		if (!(dst = pr_list_add(&t->prs)))
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		*dst = *src;
		memset(src, 0, sizeof *src);
		free(dst->repo);
		if (!(dst->repo = ml_strdup(t->repo)))
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	return 0;
}

static int cmp_target(const void *a, const void *b)
{
	const struct target *x = *(const struct target *const *)a;
	const struct target *y = *(const struct target *const *)b;

	return strcasecmp(x->repo, y->repo);
}

/* Every target's PRs into the draft; discovered repositories that merged
 * something get their place in their org's section. */
static int hand_over(struct fetch *f, struct ml_error *err)
{
	qsort(f->targets, f->ntargets, sizeof *f->targets, cmp_target);
	/* configured ones first: adding a discovered one moves its section's repos */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < f->ntargets; i++) {
			struct target *t = f->targets[i];
			struct ml_draft_repo *r = t->draft;
			struct ml_repo_cfg rc;
			const char *failure = t->pf.listing.failure;

			if ((pass == 0) != (r != NULL) || (!r && t->prs.len == 0 && !failure))
				continue;
			if (!r) {
				memset(&rc, 0, sizeof rc);
				rc.repo = t->repo;
				rc.intro = t->description;
				rc.maintainers_known = 0;
				if (!(r = draft_add_repo(&f->d->sections[t->section], &rc)) ||
				    (t->description &&
				     !(r->description = ml_strdup(t->description))))
					return error_set(err, ML_EXIT_FAILURE, "out of memory");
			}
			if (failure) { /* its section gives way to a note of the failure */
				f->failed++;
				if (!(r->failure = ml_strdup(failure)))
					return error_set(err, ML_EXIT_FAILURE, "out of memory");
				continue;
			}
			if (pr_list_take(&r->prs, &t->prs) < 0)
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			pr_list_sort(&r->prs);
			r->fetched = 1;
			f->fetched++;
		}
	}
	for (size_t i = 0; i < f->norgs; i++) {
		const char *failure = f->orgs[i].of.listing.failure;
		struct ml_draft_section *s = &f->d->sections[f->orgs[i].section];

		if (failure && !s->failure) {
			f->failed++;
			if (!(s->failure = ml_strdup(failure)))
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
		}
	}
	return 0;
}

/* Every repository failed, and no local clone gives the draft anything:
 * there is nothing to draft. */
static int nothing_fetched(struct fetch *f, struct ml_error *err)
{
	const char *first = NULL;

	for (size_t i = 0; i < f->d->nsections; i++) {
		const struct ml_draft_section *s = &f->d->sections[i];

		if (!first)
			first = s->failure;
		for (size_t j = 0; j < s->nrepos; j++) {
			if (s->repos[j].info.git)
				return 0;
			if (!first)
				first = s->repos[j].failure;
		}
	}
	if (f->failed == 0 || f->fetched > 0 || !first)
		return 0;
	if (f->failed == 1)
		return error_set(err, ML_EXIT_NETWORK, "%s", first);
	return error_set(err, ML_EXIT_NETWORK,
			 "nothing could be fetched: %zu failures, the first: %s", f->failed, first);
}

int fetch_run(struct ml_github *gh, struct ml_draft *d, struct ml_error *err)
{
	struct fetch f;
	int rc = -1;

	memset(&f, 0, sizeof f);
	f.gh = gh;
	f.d = d;
	if (plan(&f, err) < 0 || start(&f, err) < 0 || http_run(gh->http, err) < 0 ||
	    distribute(&f, err) < 0 || hand_over(&f, err) < 0 || nothing_fetched(&f, err) < 0)
		goto done;
	progress_repos(gh->progress, f.ntargets, f.ntargets);
	rc = 0;
done:
	for (size_t i = 0; i < f.ntargets; i++) {
		pr_list_release(&f.targets[i]->prs);
		github_pulls_release(&f.targets[i]->pf);
		free(f.targets[i]->repo);
		free(f.targets[i]->description);
		free(f.targets[i]);
	}
	free(f.targets);
	strmap_release(&f.by_repo);
	strmap_release(&f.configured);
	for (size_t i = 0; i < f.norgs; i++)
		orgs_fetch_release(&f.orgs[i].of);
	free(f.orgs);
	strv_release(&f.scopes);
	search_fetch_release(&f.sf);
	pr_list_release(&f.found);
	return rc;
}
