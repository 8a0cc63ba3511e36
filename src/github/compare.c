/* compare.c: a ref range's PRs through the API (see compare.h): the
 * compare pages, the commits a PR's merge brings as its own set aside, the
 * PR numbers of the messages (gitmsg.c), the commits that name none asked
 * about, and the records filled from the pulls listing and single PRs. */
#include "mergeletter/github/compare.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/git/gitlogins.h"
#include "mergeletter/git/gitmsg.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

/* Below this many PRs to fill, one GET each beats any listing. */
#define COMPARE_LIST_MIN 8

struct commit {
	char *sha;
	struct ml_strv parents;
	char *message;
	char *committer_email;
	int64_t time;
	int skip;     /* a PR's own commit that GitHub did not make */
	int has_kids; /* a parent of another commit of the range */
	size_t *pidx; /* the parents' indices in the range (NO_COMMIT: outside it) */
	int mark;     /* scratch of reach() */
};

/* A record and how far it is filled. */
struct rec {
	struct ml_pr pr;
	int filled;
};

struct cmp {
	struct ml_github *gh;
	const char *repo, *base, *head;
	struct ml_compare_stats *stats;
	struct commit *c;
	size_t n, cap;
	struct ml_strmap by_sha; /* sha -> index + 1 */
	struct ml_listing listing;
	int not_found; /* the compare answered 404 */
	int have_base; /* stats->base_time is known (every page names the base) */
	struct rec *recs;
	size_t nrecs, capr;
};

struct fill_one {
	struct cmp *c;
	long number; /* pulls/{n}; 0: commits/{sha}/pulls */
};

static void *idx_ptr(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static struct commit *find_commit(struct cmp *c, const char *sha)
{
	uintptr_t v = (uintptr_t)strmap_get(&c->by_sha, sha);

	return v ? &c->c[v - 1] : NULL;
}

static int commit_time(json_t *commit, const char *who, int64_t *t, const char **email)
{
	json_t *sig = json_object_get(json_object_get(commit, "commit"), who);
	const char *date = json_string_value(json_object_get(sig, "date"));

	if (email)
		*email = json_string_value(json_object_get(sig, "email"));
	return date && range_parse_time(date, t) == 0 ? 0 : -1;
}

/* One commit of a compare page into c. */
static int add_commit(struct cmp *c, json_t *item, struct ml_error *err)
{
	const char *sha = json_string_value(json_object_get(item, "sha")), *email = NULL;
	const char *msg =
	    json_string_value(json_object_get(json_object_get(item, "commit"), "message"));
	json_t *parents = json_object_get(item, "parents"), *p;
	struct commit *k;
	size_t i;

	if (!sha || !msg || !json_is_array(parents))
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: a commit of the comparison %s...%s has no sha, message or "
				 "parents; check --api-url",
				 c->repo, c->base ? c->base : "BASE", c->head ? c->head : "HEAD");
	if (find_commit(c, sha))
		return 0; /* a page asked twice */
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct commit *v = realloc(c->c, cap * sizeof *v);

		if (!v)
			return error_oom(err);
		c->c = v;
		c->cap = cap;
	}
	k = &c->c[c->n];
	memset(k, 0, sizeof *k);
	if (commit_time(item, "committer", &k->time, &email) < 0)
		return error_set(
		    err, ML_EXIT_NETWORK,
		    "%s: commit %s has no valid commit.committer.date; check --api-url", c->repo,
		    sha);
	if (!(k->sha = ml_strdup(sha)) || !(k->message = ml_strdup(msg)) ||
	    !(k->committer_email = ml_strdup(email ? email : "")))
		goto oom;
	json_array_foreach(parents, i, p)
	{
		const char *ps = json_string_value(json_object_get(p, "sha"));

		if (ps && strv_push(&k->parents, ps) < 0)
			goto oom;
	}
	if (strmap_put(&c->by_sha, k->sha, idx_ptr(c->n)) < 0)
		goto oom;
	c->n++;
	return 0;
oom:
	free(k->sha);
	free(k->message);
	free(k->committer_email);
	strv_release(&k->parents);
	return error_oom(err);
}

static int on_compare_page(void *ud, const struct ml_http_response *r, struct ml_error *err);

/* A compare page's commits into c. */
static int compare_page(struct cmp *c, const struct ml_http_response *r, struct ml_error *err)
{
	json_t *root = NULL, *commits, *item;
	size_t i;
	int rc = github_json_load(r->body, r->len, r->parsed, &root, err);

	if (rc != 0)
		return rc;
	commits = json_object_get(root, "commits");
	rc = -1;
	if (!json_is_array(commits)) {
		error_set(err, ML_EXIT_NETWORK,
			  "%s: GitHub's answer to the comparison %s...%s has no list of commits; "
			  "check --api-url",
			  c->repo, c->base, c->head);
		goto done;
	}
	if (!c->have_base && commit_time(json_object_get(root, "base_commit"), "committer",
					 &c->stats->base_time, NULL) < 0) {
		error_set(err, ML_EXIT_NETWORK,
			  "%s: GitHub's answer to the comparison %s...%s has no valid "
			  "base_commit.commit.committer.date; check --api-url",
			  c->repo, c->base, c->head);
		goto done;
	}
	c->have_base = 1;
	json_array_foreach(commits, i, item)
	{
		if (add_commit(c, item, err) < 0)
			goto done;
	}
	rc = 0;
done:
	json_decref(root);
	return rc;
}

/* A compare page: its commits; the pages after it go out side by side
 * once the first one's Link names the last (github_listing_more()). */
static int on_compare_page(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct cmp *c = ud;
	int rc = 0;

	if (!r->failed && r->status == 404)
		c->not_found = 1;
	else if (!c->listing.failure)
		rc = github_listing_answer(c->gh, &c->listing, c->repo, "repository", 0, r, err);
	if (rc == 0 && !c->not_found && !c->listing.failure) {
		rc = compare_page(c, r, err);
		if (rc != 0 &&
		    (rc = github_listing_parse_failed(&c->listing, c->repo, rc, err)) != 0)
			return rc; /* retried (still outstanding), or the run stops */
	}
	if (rc < 0)
		return -1;
	c->listing.outstanding--;
	if (c->not_found || c->listing.failure || rc != 0)
		return 0;
	c->listing.pages++;
	c->stats->pages++;
	return github_listing_more(c->gh, &c->listing, c->repo, r, on_compare_page, c, err);
}

/* "/repos/{repo}/compare/{base}...{head}" (each ref's segments
 * percent-encoded) + "?per_page=100". */
char *compare_url(const char *api_url, const char *repo, const char *base, const char *head,
		  int per_page)
{
	char pp[32];
	const char *query[] = {pp};
	struct ml_buf path = ML_BUF_INIT;
	const char *refs[2] = {base, head};
	char *out = NULL;
	int bad = buf_printf(&path, "/repos/%s/compare/", repo) < 0;

	for (int k = 0; k < 2 && !bad; k++) {
		for (const char *p = refs[k]; !bad && *p;) {
			size_t n = strcspn(p, "/");
			char *seg = curl_easy_escape(NULL, p, (int)n);

			bad = !seg || buf_add(&path, seg, strlen(seg)) < 0;
			curl_free(seg);
			p += n;
			if (*p == '/' && !bad) {
				bad = buf_add(&path, "/", 1) < 0;
				p++;
			}
		}
		if (k == 0 && !bad)
			bad = buf_add(&path, "...", 3) < 0;
	}
	snprintf(pp, sizeof pp, "per_page=%d", per_page);
	if (!bad)
		out = github_api_url(api_url, path.data, query, 1);
	buf_release(&path);
	return out;
}

/* ---- the commits that are PRs' own ---- */

#define NO_COMMIT SIZE_MAX

/* Mark (with tag) every commit of the range that commit i reaches, not
 * going past those marked stop. */
static int reach(struct cmp *c, size_t i, int tag, int stop, size_t **stack, size_t *cap)
{
	size_t top = 0;

	if (i == NO_COMMIT || c->c[i].mark == tag || c->c[i].mark == stop)
		return 0;
	if (*cap == 0 && !(*stack = malloc((*cap = 64) * sizeof **stack)))
		return -1;
	c->c[i].mark = tag;
	(*stack)[top++] = i;
	while (top) {
		struct commit *t = &c->c[(*stack)[--top]];

		for (size_t j = 0; j < t->parents.n; j++) {
			size_t p = t->pidx[j];

			if (p == NO_COMMIT || c->c[p].mark == tag || c->c[p].mark == stop)
				continue;
			c->c[p].mark = tag;
			if (top == *cap) {
				size_t *v = realloc(*stack, 2 * *cap * sizeof *v);

				if (!v)
					return -1;
				*stack = v;
				*cap *= 2;
			}
			(*stack)[top++] = p;
		}
	}
	return 0;
}

/* Each commit's parents as indices of the range; has_kids. */
static int index_parents(struct cmp *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct commit *k = &c->c[i];

		if (!(k->pidx = malloc((k->parents.n ? k->parents.n : 1) * sizeof *k->pidx)))
			return -1;
		for (size_t j = 0; j < k->parents.n; j++) {
			struct commit *p = find_commit(c, k->parents.v[j]);

			k->pidx[j] = p ? (size_t)(p - c->c) : NO_COMMIT;
			if (p)
				p->has_kids = 1;
		}
	}
	return 0;
}

/* As the clone's pr_own_commits(): a PR merge whose other parents bring
 * only that PR's commits (bors, homu, a merge from another owner's branch). */
static int own_commits(const struct cmp *c, const struct commit *k)
{
	struct ml_git_message m = {0};
	const char *slash;
	int own = 0;

	if (k->parents.n > 1 && gitmsg_parse_subject(&m, k->message) > 0) {
		own = m.kind == GITMSG_BORS || m.kind == GITMSG_HOMU;
		if (m.kind == GITMSG_MERGE && (slash = memchr(m.from, '/', m.fromlen)))
			own = !gitlogins_is_owner(c->repo, m.from, (size_t)(slash - m.from));
	}
	gitmsg_release(&m);
	return own;
}

/* Set skip on the PRs' own commits that GitHub did not make (a merge, or
 * committed by noreply@github.com, is another PR the branch brought). */
static int mark_own(struct cmp *c, struct ml_error *err)
{
	size_t *stack = NULL, cap = 0;
	int tag = 0, rc = -1;

	if (index_parents(c) < 0)
		goto done;
	for (size_t i = 0; i < c->n; i++) {
		struct commit *k = &c->c[i];
		int first, other;

		if (!own_commits(c, k))
			continue;
		first = ++tag;
		other = ++tag;
		if (reach(c, k->pidx[0], first, -1, &stack, &cap) < 0)
			goto done;
		for (size_t j = 1; j < k->parents.n; j++)
			if (reach(c, k->pidx[j], other, first, &stack, &cap) < 0)
				goto done;
		for (size_t j = 0; j < c->n; j++) {
			struct commit *o = &c->c[j];

			if (o->mark == other && o->parents.n < 2 &&
			    !ml_strcaseeq(o->committer_email, "noreply@github.com"))
				o->skip = 1;
		}
	}
	rc = 0;
done:
	free(stack);
	return rc < 0 ? error_oom(err) : 0;
}

/* ---- records ---- */

static struct rec *rec_find(struct cmp *c, long number)
{
	for (size_t i = 0; i < c->nrecs; i++)
		if (c->recs[i].pr.number == number)
			return &c->recs[i];
	return NULL;
}

static struct rec *rec_add(struct cmp *c, long number)
{
	struct rec *r;

	if (c->nrecs == c->capr) {
		size_t cap = c->capr ? 2 * c->capr : 64;
		struct rec *v = realloc(c->recs, cap * sizeof *v);

		if (!v)
			return NULL;
		c->recs = v;
		c->capr = cap;
	}
	r = &c->recs[c->nrecs++];
	memset(r, 0, sizeof *r);
	r->pr.number = number;
	if (!(r->pr.repo = ml_strdup(c->repo))) {
		c->nrecs--;
		return NULL;
	}
	return r;
}

/* A record from the message of k for number (the first PR of m, or one of
 * its bors batch). */
static int rec_from_message(struct cmp *c, const struct commit *k, const struct ml_git_message *m,
			    long number, const char *title, struct ml_error *err)
{
	struct rec *r;

	if (rec_find(c, number))
		return 0; /* a newer commit named it already */
	if (!(r = rec_add(c, number)) || !(r->pr.title = ml_strdup(title ? title : "")))
		return error_oom(err);
	r->pr.merged_at = k->time;
	r->pr.breaking =
	    strstr(k->message, "BREAKING CHANGE") || strstr(k->message, "BREAKING-CHANGE");
	if (number == m->number && m->from && !(r->pr.head = ml_strndup(m->from, m->fromlen)))
		return error_oom(err);
	return 0;
}

static int by_newest(const void *a, const void *b)
{
	const struct commit *const *x = a, *const *y = b;

	if ((*x)->time != (*y)->time)
		return (*x)->time > (*y)->time ? -1 : 1;
	return *x > *y ? -1 : *x < *y; /* compare lists oldest first */
}

/* The PRs that the kept commits name, newest commit first; the commits that
 * name none into *ask. */
static int read_messages(struct cmp *c, struct commit ***ask, size_t *nask, struct ml_error *err)
{
	struct commit **order = malloc((c->n ? c->n : 1) * sizeof *order);
	int rc = -1;

	*ask = calloc(c->n ? c->n : 1, sizeof **ask);
	*nask = 0;
	if (!order || !*ask) {
		error_oom(err);
		goto done;
	}
	for (size_t i = 0; i < c->n; i++)
		order[i] = &c->c[i];
	qsort(order, c->n, sizeof *order, by_newest);
	for (size_t i = 0; i < c->n; i++) {
		struct ml_git_message m = {0};
		int prc;

		if (order[i]->skip)
			continue;
		prc = gitmsg_parse_subject(&m, order[i]->message);
		if (prc < 0) {
			error_oom(err);
			goto done;
		}
		if (prc == 0)
			(*ask)[(*nask)++] = order[i];
		else if (rec_from_message(c, order[i], &m, m.number, m.title, err) < 0)
			prc = -1;
		for (size_t j = 0; prc > 0 && j < m.nmore; j++)
			if (rec_from_message(c, order[i], &m, m.more[j].number, m.more[j].title,
					     err) < 0)
				prc = -1;
		gitmsg_release(&m);
		if (prc < 0)
			goto done;
	}
	rc = 0;
done:
	free(order);
	return rc;
}

/* "OWNER/BRANCH" of a PR item's head, or NULL. */
static char *item_head(json_t *item)
{
	json_t *head = json_object_get(item, "head");
	const char *owner = json_string_value(
	    json_object_get(json_object_get(json_object_get(head, "repo"), "owner"), "login"));
	const char *ref = json_string_value(json_object_get(head, "ref"));
	struct ml_buf b = ML_BUF_INIT;

	if (!owner || !ref || buf_printf(&b, "%s/%s", owner, ref) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Fill r from a PR item of GitHub (a listing's record or an item). */
static int rec_fill(struct rec *r, const struct ml_pr *from, json_t *item, struct ml_error *err)
{
	struct ml_pr tmp;
	const char *bad = NULL;

	memset(&tmp, 0, sizeof tmp);
	if (item && (bad = github_item_fill(&tmp, item)) != NULL) {
		pr_release(&tmp);
		if (!*bad)
			return error_oom(err);
		return 0; /* a broken item: the message's record stays */
	}
	if (from) { /* take the listing's fields */
		tmp.title = from->title ? ml_strdup(from->title) : NULL;
		tmp.author = from->author ? ml_strdup(from->author) : NULL;
		tmp.association = from->association ? ml_strdup(from->association) : NULL;
		tmp.author_is_bot = from->author_is_bot;
		if (strv_push_all(&tmp.labels, (const char *const *)from->labels.v,
				  from->labels.n) < 0 ||
		    (from->title && !tmp.title) || (from->author && !tmp.author) ||
		    (from->association && !tmp.association)) {
			pr_release(&tmp);
			return error_oom(err);
		}
	}
	free(r->pr.title);
	free(r->pr.author);
	free(r->pr.association);
	strv_release(&r->pr.labels);
	r->pr.title = tmp.title;
	r->pr.author = tmp.author;
	r->pr.association = tmp.association;
	r->pr.labels = tmp.labels;
	r->pr.author_is_bot = tmp.author_is_bot | pr_login_is_bot(tmp.author);
	r->pr.first_contribution =
	    tmp.association && (ml_strcaseeq(tmp.association, "FIRST_TIME_CONTRIBUTOR") ||
				ml_strcaseeq(tmp.association, "FIRST_TIMER"));
	tmp.title = tmp.author = tmp.association = NULL;
	memset(&tmp.labels, 0, sizeof tmp.labels);
	pr_release(&tmp);
	if (!r->pr.head && item && !(r->pr.head = item_head(item)))
		return error_oom(err);
	r->filled = 1;
	return 0;
}

/* The merged PRs of this repository that commits/{sha}/pulls lists. */
static int commit_pulls(struct cmp *c, json_t *root, struct ml_error *err)
{
	json_t *item;
	size_t i;

	json_array_foreach(root, i, item)
	{
		json_t *num = json_object_get(item, "number");
		const char *base = json_string_value(json_object_get(
		    json_object_get(json_object_get(item, "base"), "repo"), "full_name"));
		const char *merged = json_string_value(json_object_get(item, "merged_at"));
		struct rec *r;
		int64_t t;

		if (!json_is_integer(num) || !merged || range_parse_time(merged, &t) < 0 ||
		    (base && !ml_strcaseeq(base, c->repo)) ||
		    rec_find(c, (long)json_integer_value(num)))
			continue;
		if (!(r = rec_add(c, (long)json_integer_value(num))))
			return error_oom(err);
		r->pr.merged_at = t;
		if (rec_fill(r, NULL, item, err) < 0)
			return -1;
		if (!r->filled) /* broken: not kept */
			pr_release(&c->recs[--c->nrecs].pr);
	}
	return 0;
}

static int on_fill(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct fill_one *f = ud;
	struct cmp *c = f->c;
	json_t *root = NULL;
	int rc;

	if (!r->failed && r->status == 404 && f->number) { /* not a PR: an issue */
		struct rec *x = rec_find(c, f->number);

		if (x)
			x->pr.number = 0; /* dropped at the end */
		return 0;
	}
	if (r->failed || r->status != 200) {
		if (r->status == 401) {
			char *msg = github_api_message(r->body, r->len);

			rc = github_unauthorized(c->gh, c->repo, msg, err);
			free(msg);
			return rc;
		}
		return 0; /* the message's record stays (stats->unfilled) */
	}
	rc = github_json_load(r->body, r->len, r->parsed, &root, err);
	if (rc != 0)
		return rc;
	if (f->number) {
		struct rec *x = rec_find(c, f->number);

		rc = x && json_is_object(root) ? rec_fill(x, NULL, root, err) : 0;
	} else {
		rc = json_is_array(root) ? commit_pulls(c, root, err) : 0;
	}
	json_decref(root);
	return rc;
}

/* "/repos/{repo}/" + what + "/" + id + after */
static char *item_url(const char *api_url, const char *repo, const char *what, const char *id,
		      const char *after)
{
	struct ml_buf path = ML_BUF_INIT;
	char *out = NULL;

	if (buf_printf(&path, "/repos/%s/%s/%s%s", repo, what, id, after) == 0)
		out = github_api_url(api_url, path.data, NULL, 0);
	buf_release(&path);
	return out;
}

/* The earliest merge of the records not yet filled, or -1 when all are. */
static size_t unfilled(const struct cmp *c, int64_t *earliest)
{
	size_t n = 0;

	*earliest = INT64_MAX;
	for (size_t i = 0; i < c->nrecs; i++)
		if (!c->recs[i].filled && c->recs[i].pr.number) {
			n++;
			if (c->recs[i].pr.merged_at < *earliest)
				*earliest = c->recs[i].pr.merged_at;
		}
	return n;
}

/* The commits that name no PR asked about, and the listing back to the
 * earliest merge of the set (bounded), on one run of the engine. */
static int lookup_and_list(struct cmp *c, struct commit **ask, size_t nask, struct fill_one *fills,
			   struct ml_error *err)
{
	struct ml_pulls_fetch pf;
	struct ml_pr_list listed = {0};
	struct ml_range window = {0, INT64_MAX, 0, 0};
	int64_t earliest;
	size_t todo = unfilled(c, &earliest);
	int max_pages = c->gh->max_pages, listing = todo >= COMPARE_LIST_MIN, rc = -1;

	memset(&pf, 0, sizeof pf);
	for (size_t i = 0; i < nask; i++) {
		fills[i] = (struct fill_one){c, 0};
		if (github_get(c->gh,
			       item_url(c->gh->api_url, c->repo, "commits", ask[i]->sha, "/pulls"),
			       on_fill, &fills[i], err) < 0)
			goto done;
		c->stats->lookups++;
	}
	if (listing) { /* at most a quarter as many pages as PRs to fill */
		int bound = (int)(todo / 4 > 0 ? todo / 4 : 1);

		window.since = earliest - 86400; /* a bors PR is marked merged after its commit */
		if (max_pages <= 0 || bound < max_pages)
			c->gh->max_pages = bound;
		pf.gh = c->gh;
		pf.repo = c->repo;
		pf.range = &window;
		pf.out = &listed;
		if (github_pulls_start(&pf, err) < 0)
			goto done;
	}
	if (http_run(c->gh->http, err) < 0)
		goto done;
	c->stats->listed = (size_t)pf.listing.pages;
	for (size_t i = 0; i < listed.len; i++) {
		struct rec *r = rec_find(c, listed.items[i].number);

		if (r && !r->filled && rec_fill(r, &listed.items[i], NULL, err) < 0)
			goto done;
	}
	rc = 0;
done:
	c->gh->max_pages = max_pages;
	github_pulls_release(&pf);
	pr_list_release(&listed);
	return rc;
}

/* One GET pulls/{n} for each record the listing did not fill. */
static int fetch_missing(struct cmp *c, struct ml_error *err)
{
	int64_t earliest;
	size_t todo = unfilled(c, &earliest), k = 0;
	struct fill_one *fills = calloc(todo ? todo : 1, sizeof *fills);
	int rc = -1;

	if (!fills)
		return error_oom(err);
	for (size_t i = 0; i < c->nrecs; i++) {
		char num[32];

		if (c->recs[i].filled || !c->recs[i].pr.number)
			continue;
		snprintf(num, sizeof num, "%ld", c->recs[i].pr.number);
		fills[k] = (struct fill_one){c, c->recs[i].pr.number};
		if (github_get(c->gh, item_url(c->gh->api_url, c->repo, "pulls", num, ""), on_fill,
			       &fills[k++], err) < 0)
			goto done;
		c->stats->fetched++;
	}
	rc = k ? http_run(c->gh->http, err) : 0;
done:
	free(fills);
	return rc;
}

/* The range's head: its newest commit that no other commit of it has as
 * a parent. */
static int64_t head_time(const struct cmp *c)
{
	int64_t t = c->stats->base_time;
	int found = 0;

	for (size_t i = 0; i < c->n; i++)
		if (!c->c[i].has_kids && (!found || c->c[i].time > t)) {
			t = c->c[i].time;
			found = 1;
		}
	return t;
}

/* The records, in merge order, onto out; the numbers found not to be PRs
 * are dropped. */
static int hand_over(struct cmp *c, struct ml_pr_list *out, struct ml_error *err)
{
	struct ml_pr_list l = {0};

	for (size_t i = 0; i < c->nrecs; i++) {
		struct ml_pr *pr;

		if (!c->recs[i].pr.number) {
			pr_release(&c->recs[i].pr);
			continue;
		}
		c->stats->unfilled += !c->recs[i].filled;
		if (!(pr = pr_list_add(&l))) {
			pr_list_release(&l);
			return error_oom(err);
		}
		*pr = c->recs[i].pr;
		memset(&c->recs[i].pr, 0, sizeof c->recs[i].pr);
	}
	c->nrecs = 0;
	pr_list_sort(&l);
	if (pr_list_take(out, &l) < 0) {
		pr_list_release(&l);
		return error_oom(err);
	}
	return 0;
}

/* The compare answered 404: name the ref GitHub does not know (its commit
 * endpoint says which), else the repository. */
static int unknown_ref(struct cmp *c, struct ml_error *err)
{
	const char *refs[2] = {c->base, c->head};
	int64_t t[2];

	if (github_resolve_refs(c->gh, c->repo, refs, t, 2, err) < 0)
		return -1;
	return error_set(err, ML_EXIT_NETWORK,
			 "%s: GitHub cannot compare %s...%s (HTTP 404); check the repository's "
			 "name and that the token can read it",
			 c->repo, c->base, c->head);
}

static void cmp_release(struct cmp *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->c[i].sha);
		free(c->c[i].message);
		free(c->c[i].committer_email);
		free(c->c[i].pidx);
		strv_release(&c->c[i].parents);
	}
	free(c->c);
	for (size_t i = 0; i < c->nrecs; i++)
		pr_release(&c->recs[i].pr);
	free(c->recs);
	strmap_release(&c->by_sha);
	github_listing_release(&c->listing);
}

int compare_read_commits(const char *repo, json_t *commits, struct ml_pr_list *out,
			 struct ml_strv *ask, struct ml_error *err)
{
	struct ml_compare_stats stats;
	struct commit **kept = NULL;
	struct cmp c;
	json_t *item;
	size_t i, nask = 0;
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(&stats, 0, sizeof stats);
	c.repo = repo;
	c.stats = &stats;
	json_array_foreach(commits, i, item)
	{
		if (add_commit(&c, item, err) < 0)
			goto done;
	}
	if (mark_own(&c, err) < 0 || read_messages(&c, &kept, &nask, err) < 0)
		goto done;
	for (i = 0; i < nask; i++)
		if (strv_push(ask, kept[i]->sha) < 0) {
			error_oom(err);
			goto done;
		}
	rc = hand_over(&c, out, err);
done:
	free(kept);
	cmp_release(&c);
	return rc;
}

int compare_fetch(struct ml_github *gh, const char *repo, const char *base, const char *head,
		  struct ml_pr_list *out, struct ml_compare_stats *stats, struct ml_error *err)
{
	struct cmp c;
	struct commit **ask = NULL;
	struct fill_one *fills = NULL;
	size_t nask = 0;
	char *url = NULL;
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(stats, 0, sizeof *stats);
	c.gh = gh;
	c.repo = repo;
	c.base = base;
	c.head = head;
	c.stats = stats;
	url = compare_url(gh->api_url, repo, base, head, 100);
	if (url && strv_push(&c.listing.seen, url) < 0) {
		free(url);
		return error_oom(err);
	}
	c.listing.outstanding = 1;
	if (github_get(gh, url, on_compare_page, &c, err) < 0 || http_run(gh->http, err) < 0)
		goto done;
	if (c.not_found) {
		unknown_ref(&c, err);
		goto done;
	}
	if (c.listing.failure) {
		error_set(err, ML_EXIT_NETWORK, "%s", c.listing.failure);
		goto done;
	}
	stats->commits = c.n;
	if (mark_own(&c, err) < 0 || read_messages(&c, &ask, &nask, err) < 0)
		goto done;
	stats->head_time = head_time(&c);
	if (!(fills = calloc(nask ? nask : 1, sizeof *fills))) {
		error_oom(err);
		goto done;
	}
	if (lookup_and_list(&c, ask, nask, fills, err) < 0 || fetch_missing(&c, err) < 0 ||
	    hand_over(&c, out, err) < 0)
		goto done;
	rc = 0;
done:
	free(ask);
	free(fills);
	cmp_release(&c);
	return rc;
}
