/* search.c: the search query builder, splitter, page fetcher and parser.
 *
 * jansson ownership: json_loadb() returns a new reference released here
 * with json_decref(); json_object_get()/json_array_get() borrow.
 */
#include "mergeletter/github/search.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/model/config.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"

#define DAY 86400

struct search_query {
	struct ml_search_fetch *f;
	size_t first, nscopes; /* its scopes in f->scopes */
	int64_t since, until;
	char *q;
	int dropped;	/* split or incomplete: ignore its pages */
	int root;	/* over the whole range (not a half of a split) */
	int have_total; /* its first page was parsed */
	long total;	/* what its first page said it holds */
	int waits;	/* pages asked again after the search budget's reset */
};

static void bound(struct ml_buf *b, int64_t t, int whole_days)
{
	char s[32];

	if (whole_days)
		range_format_date(t, s, sizeof s);
	else
		range_format_iso(t, s, sizeof s);
	buf_puts(b, s);
}

char *search_query_string(const char *const *scopes, size_t first, size_t n, int64_t since,
			  int64_t until)
{
	struct ml_buf b = ML_BUF_INIT;
	int days = since % DAY == 0 && until % DAY == 0;

	/* merged:A..B is inclusive at both ends */
	buf_puts(&b, "is:pr is:merged merged:");
	bound(&b, since, days);
	buf_puts(&b, "..");
	bound(&b, days ? until - DAY : until - 1, days);
	for (size_t i = first; i < first + n; i++)
		buf_printf(&b, " %s", scopes[i]);
	if (!b.data) /* an allocation failed on the way */
		return NULL;
	return buf_detach(&b);
}

size_t search_query_fit(const char *const *scopes, size_t first, size_t nscopes, int64_t since,
			int64_t until)
{
	char *base = search_query_string(scopes, first, 0, since, until);
	size_t len = base ? strlen(base) : 0, n = 0;

	free(base);
	while (first + n < nscopes && len + 1 + strlen(scopes[first + n]) <= SEARCH_QUERY_MAX) {
		len += 1 + strlen(scopes[first + n]);
		n++;
	}
	return n ? n : 1;
}

char *search_url(const char *api_url, const char *q, int page)
{
	struct ml_buf qs = ML_BUF_INIT, pg = ML_BUF_INIT;
	char *enc = curl_easy_escape(NULL, q, 0), *out = NULL;
	const char *parts[3];

	if (!enc || buf_printf(&qs, "q=%s", enc) < 0 || buf_printf(&pg, "page=%d", page) < 0)
		goto done;
	parts[0] = qs.data;
	parts[1] = "per_page=100";
	parts[2] = pg.data;
	out = github_api_url(api_url, "/search/issues", parts, 3);
done:
	curl_free(enc);
	buf_release(&qs);
	buf_release(&pg);
	return out;
}

int64_t search_split_point(int64_t since, int64_t until)
{
	int64_t mid = since + (until - since) / 2, day = mid - mid % DAY;

	if (until - since >= 2 * DAY && day > since)
		return day;
	return until - since >= 2 ? mid : since;
}

static int item_error(struct ml_error *err, long number, const char *field)
{
	return error_set(err, ML_EXIT_NETWORK,
			 "search: item #%ld: field \"%s\" is missing, null or of the wrong type in "
			 "GitHub's answer; retry, or use --via pulls",
			 number, field);
}

/* "https://api.github.com/repos/OWNER/NAME" -> "OWNER/NAME" */
static char *repo_from_url(const char *url)
{
	const char *p = strstr(url, "/repos/");
	const char *last = NULL;

	while (p) { /* the last "/repos/" (an API path prefix may hold one) */
		last = p;
		p = strstr(p + 1, "/repos/");
	}
	if (!last)
		return NULL;
	last += strlen("/repos/");
	return repo_name_valid(last) ? ml_strdup(last) : NULL;
}

static int parse_item(json_t *item, const struct ml_range *range, struct ml_pr_list *out,
		      struct ml_error *err)
{
	json_t *num = json_object_get(item, "number"), *pull, *v;
	const char *bad;
	long number;
	int64_t merged_at;
	struct ml_pr *pr;

	if (!json_is_integer(num) || json_integer_value(num) <= 0)
		return item_error(err, 0, "number");
	number = (long)json_integer_value(num);
	pull = json_object_get(item, "pull_request");
	if (!json_is_object(pull))
		return 0; /* an issue, not a pull request */
	v = json_object_get(pull, "merged_at");
	if (json_is_null(v) || !v)
		return 0;
	if (!json_is_string(v) || range_parse_time(json_string_value(v), &merged_at) < 0)
		return item_error(err, number, "pull_request.merged_at");
	if (!range_contains(range, merged_at))
		return 0;
	if (github_item_add(out, item, number, merged_at, &bad, err) < 0)
		return -1;
	if (bad)
		return item_error(err, number, bad);
	pr = &out->items[out->len - 1];
	v = json_object_get(item, "repository_url");
	if (!github_json_is_text(v) || !(pr->repo = repo_from_url(json_string_value(v))))
		return item_error(err, number, "repository_url");
	return 0;
}

static int parse_page(const char *body, size_t len, void *parsed, const struct ml_range *range,
		      struct ml_pr_list *out, long *total, int *incomplete, size_t *nitems,
		      struct ml_error *err)
{
	json_t *root = NULL, *items, *item;
	size_t i;
	int rc;

	*total = 0;
	*incomplete = 0;
	*nitems = 0;
	if ((rc = github_json_load(body, len, parsed, &root, err)) != 0)
		return rc;
	rc = -1;
	items = json_object_get(root, "items");
	if (!json_is_integer(json_object_get(root, "total_count")) || !json_is_array(items)) {
		error_set(err, ML_EXIT_NETWORK,
			  "search: GitHub's answer has no total_count and items; check --api-url, "
			  "or use --via pulls");
		goto done;
	}
	*total = (long)json_integer_value(json_object_get(root, "total_count"));
	*incomplete = json_is_true(json_object_get(root, "incomplete_results"));
	*nitems = json_array_size(items);
	json_array_foreach(items, i, item)
	{
		if (!json_is_object(item)) {
			error_set(err, ML_EXIT_NETWORK,
				  "search: GitHub's answer holds an item that is not an object; "
				  "retry, or use --via pulls");
			goto done;
		}
		if (parse_item(item, range, out, err) < 0)
			goto done;
	}
	rc = 0;
done:
	json_decref(root);
	return rc;
}

int search_parse(const char *body, size_t len, const struct ml_range *range, struct ml_pr_list *out,
		 long *total, int *incomplete, struct ml_error *err)
{
	size_t nitems;

	return parse_page(body, len, NULL, range, out, total, incomplete, &nitems, err);
}

/* ---- fetching ---- */

static int query_add(struct ml_search_fetch *f, size_t first, size_t n, int64_t since,
		     int64_t until, struct ml_error *err);

static int on_page(void *ud, const struct ml_http_response *r, struct ml_error *err);

static int queue_page(struct search_query *sq, int page, struct ml_error *err)
{
	return github_get(sq->f->gh, search_url(sq->f->gh->api_url, sq->q, page), on_page, sq, err);
}

/* Search cannot answer sq: drop it, and hand its scopes to the caller's
 * fallback (the pulls listing), with why (or NULL: incomplete results). */
static int fall_back(struct search_query *sq, const char *why, struct ml_error *err)
{
	struct ml_search_fetch *f = sq->f;

	sq->dropped = 1;
	for (size_t i = sq->first; i < sq->first + sq->nscopes; i++)
		if (f->fallback && f->fallback(f->ud, f->scopes[i], why, err) < 0)
			return -1;
	return 0;
}

/* A non-200 answer or a failed request: 1 when handled (sq fell back), -1 to stop. */
static int on_failure(struct search_query *sq, const struct ml_http_response *r,
		      struct ml_error *err)
{
	struct ml_search_fetch *f = sq->f;
	struct ml_buf why = ML_BUF_INIT;
	char *msg = r->failed ? NULL : github_api_message(r->body, r->len);
	int rc;

	if (r->status == 401 && !r->failed) {
		rc = github_unauthorized(f->gh, "search", msg, err);
		free(msg);
		return rc;
	}
	/* GitHub says 422 when a scope names a repository it does not know; a
	 * server may not offer search at all; or it failed: list the scopes'
	 * pulls, whose errors name the repository. */
	if (r->failed)
		buf_printf(&why, "failed: %s", r->failed);
	else
		buf_printf(&why, "answered HTTP %ld%s%s", r->status, msg && *msg ? ": " : "",
			   msg ? msg : "");
	free(msg);
	if (!r->timed_out)
		progress_warn(f->gh->progress,
			      "search %s; listing the pulls of its repositories instead",
			      why.data ? why.data : "failed");
	rc = fall_back(sq, why.data ? why.data : "search failed", err) < 0 ? -1 : 1;
	buf_release(&why);
	return rc;
}

/* The first page of sq gave total: split it, believe it, or fall back. */
static int first_page(struct search_query *sq, long total, size_t nitems, struct ml_error *err)
{
	struct ml_search_fetch *f = sq->f;
	int64_t mid = search_split_point(sq->since, sq->until);

	sq->have_total = 1;
	sq->total = total;
	if (total > SEARCH_RESULTS_MAX &&
	    (nitems < SEARCH_PER_PAGE || f->splits >= SEARCH_SPLITS_MAX)) {
		/* a total_count that its own page, or the split budget, belies */
		progress_warn(
		    f->gh->progress,
		    "search claims %ld results for '%s' (%zu on its first page, %d splits so far); "
		    "not believable, listing the pulls of its repositories instead",
		    total, sq->q, nitems, f->splits);
		return fall_back(sq, NULL, err) < 0 ? -1 : 1;
	}
	if (total > SEARCH_RESULTS_MAX && mid > sq->since) {
		sq->dropped = 1;
		f->splits++;
		return query_add(f, sq->first, sq->nscopes, sq->since, mid, err) < 0 ||
			       query_add(f, sq->first, sq->nscopes, mid, sq->until, err) < 0
			   ? -1
			   : 1;
	}
	if (total > SEARCH_RESULTS_MAX)
		total = SEARCH_RESULTS_MAX; /* one second holds more: keep what is reachable */
	for (int p = 2; (long)(p - 1) * SEARCH_PER_PAGE < total; p++)
		if (queue_page(sq, p, err) < 0)
			return -1;
	return 0;
}

/* What sq holds as far as known: its first page's total_count, else the
 * copy of its first page that an earlier run left in the cache (the same
 * query, the same URL); -1 when neither says. */
static long known_total(const struct search_query *sq)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	json_t *root = NULL, *v;
	char *url;
	long total = -1;

	if (sq->have_total)
		return sq->total;
	if (!(url = search_url(sq->f->gh->api_url, sq->q, 1)))
		return -1;
	if (cache_get(sq->f->gh->cache, url, GITHUB_ACCEPT, &e) && !e.records &&
	    (root = json_loadb(e.body, e.len, 0, NULL)) &&
	    json_is_integer(v = json_object_get(root, "total_count")) && json_integer_value(v) >= 0)
		total = (long)json_integer_value(v);
	json_decref(root);
	cache_entry_release(&e);
	free(url);
	return total;
}

/* GitHub refused a page of sq: the search budget is spent. The planner
 * weighs waiting for its reset against the pulls listing: 1 when the pulls
 * are listed or the page is asked again (the engine holds it until the
 * reset), 0 when the refusal is a failure like another (asked again too
 * often), -1 to stop. */
static int on_spent(struct search_query *sq, const struct ml_http_response *r, struct ml_error *err)
{
	struct ml_search_fetch *f = sq->f;
	long total = known_total(sq);
	/* each of its pages may be refused once, and once more after a reset
	 * that another client spent */
	long pages = total > SEARCH_PER_PAGE ? (total + SEARCH_PER_PAGE - 1) / SEARCH_PER_PAGE : 1;
	int moved;
	char *url;

	if (sq->waits >= 2 * pages)
		return 0;
	moved = f->planned(f->ud, f->scopes + sq->first, sq->nscopes, total, 1, err);
	if (moved < 0)
		return -1;
	if (moved)
		return fall_back(sq, NULL, err) < 0 ? -1 : 1;
	sq->waits++;
	if (!(url = ml_strdup(r->url)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return github_get(f->gh, url, on_page, sq, err) < 0 ? -1 : 1;
}

static int on_page(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct search_query *sq = ud;
	struct ml_search_fetch *f = sq->f;
	struct ml_pr_list items = {0};
	long total = 0;
	size_t nitems = 0;
	int incomplete = 0, rc;

	if (sq->dropped)
		return 0;
	if (!r->failed && (r->status == 403 || r->status == 429) && r->rl_remaining == 0 &&
	    f->planned && (rc = on_spent(sq, r, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (r->failed || r->status != 200)
		return on_failure(sq, r, err) < 0 ? -1 : 0;
	rc = parse_page(r->body, r->len, r->parsed, f->range, &items, &total, &incomplete, &nitems,
			err);
	if (rc == ML_HTTP_BROKEN)
		goto done;
	if (rc < 0) {
		if (err->exit_code == ML_EXIT_FAILURE)
			goto done;
		progress_warn(f->gh->progress, "%s; listing the pulls of its repositories instead",
			      err->msg);
		error_clear(err);
		rc = fall_back(sq, NULL, err);
		goto done;
	}
	f->pages++;
	progress_page(f->gh->progress);
	if (!incomplete && sq->root && !sq->have_total && f->planned) {
		/* the planner may rather list the pulls of these scopes */
		int moved = f->planned(f->ud, f->scopes + sq->first, sq->nscopes, total, 0, err);

		if (moved < 0) {
			rc = -1;
			goto done;
		}
		incomplete = moved;
	}
	if (incomplete) {
		rc = fall_back(sq, NULL, err);
		goto done;
	}
	if (!sq->have_total && (rc = first_page(sq, total, nitems, err)) != 0) {
		rc = rc < 0 ? -1 : 0;
		goto done;
	}
	rc =
	    pr_list_take(f->out, &items) < 0 ? error_set(err, ML_EXIT_FAILURE, "out of memory") : 0;
done:
	pr_list_release(&items);
	return rc;
}

static int query_add(struct ml_search_fetch *f, size_t first, size_t n, int64_t since,
		     int64_t until, struct ml_error *err)
{
	struct search_query **v = realloc(f->queries, (f->nqueries + 1) * sizeof *v), *sq;

	if (!v)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	f->queries = v;
	if (!(sq = calloc(1, sizeof *sq)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	f->queries[f->nqueries++] = sq;
	sq->f = f;
	sq->first = first;
	sq->nscopes = n;
	sq->since = since;
	sq->until = until;
	if (!(sq->q = search_query_string(f->scopes, first, n, since, until)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	if (strlen(sq->q) <= SEARCH_QUERY_MAX)
		return queue_page(sq, 1, err);
	/* A split range's bounds are times, longer than dates: share the
	 * scopes among queries that fit, and a scope that fits in none goes
	 * to the pulls listing. */
	sq->dropped = 1;
	if (n == 1)
		return fall_back(sq, NULL, err);
	for (size_t i = first; i < first + n;) {
		size_t k = search_query_fit(f->scopes, i, first + n, since, until);

		if (k >= n) /* never the same query again */
			k = n - 1;

		if (query_add(f, i, k, since, until, err) < 0)
			return -1;
		i += k;
	}
	return 0;
}

int search_fetch_start(struct ml_search_fetch *f, struct ml_error *err)
{
	for (size_t i = 0; i < f->nscopes;) {
		size_t n =
		    search_query_fit(f->scopes, i, f->nscopes, f->range->since, f->range->until);

		if (query_add(f, i, n, f->range->since, f->range->until, err) < 0)
			return -1;
		f->queries[f->nqueries - 1]->root = 1;
		i += n;
	}
	return 0;
}

void search_fetch_release(struct ml_search_fetch *f)
{
	for (size_t i = 0; i < f->nqueries; i++) {
		free(f->queries[i]->q);
		free(f->queries[i]);
	}
	free(f->queries);
	f->queries = NULL;
	f->nqueries = 0;
}
