/* github.c: the pulls listing on top of the HTTP engine.
 *
 * jansson ownership: json_loadb() returns a new reference that this file
 * releases with json_decref(); json_object_get()/json_array_get() borrow.
 */
#include "mergeletter/github/github.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/github/records.h"
#include "mergeletter/model/ghenv.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"

/* The cache of opts->cache_dir (or the default), or none. */
static int cache_start(struct ml_github *gh, const struct ml_github_opts *opts,
		       struct ml_error *err)
{
	struct ml_error cerr = ML_ERROR_INIT;

	if (opts->no_cache)
		return 0;
	if (cache_open(&gh->cache, opts->cache_dir, opts->progress, &cerr) == 0) {
		cache_set_max(gh->cache, (unsigned long long)(opts->cache_max_mb > 0
								  ? opts->cache_max_mb
								  : ML_CACHE_DEFAULT_MAX_MB) *
					     1024 * 1024);
		return 0;
	}
	if (opts->offline || opts->cache_dir) { /* asked for explicitly: a failure is an error */
		error_set(err, cerr.exit_code, "%s", cerr.msg);
		error_clear(&cerr);
		return -1;
	}
	progress_warn(opts->progress, "%s; going on without a cache", cerr.msg);
	error_clear(&cerr);
	return 0;
}

int github_open(struct ml_github *gh, const struct ml_github_opts *opts, struct ml_error *err)
{
	struct ml_http_opts hopts = ML_HTTP_OPTS_INIT;

	memset(gh, 0, sizeof *gh);
	if (!(gh->api_url_owned = ghenv_api_url(opts->api_url)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	gh->api_url = gh->api_url_owned;
	gh->config_path = opts->config_path;
	gh->via = opts->via != ML_VIA_DEFAULT ? opts->via : opts->default_via;
	gh->progress = opts->progress;
	hopts.user_agent = "mergeletter/" ML_VERSION;
	hopts.token = ghenv_token(NULL);
	gh->authenticated = hopts.token != NULL;
	if (!hopts.token && !opts->offline && !opts->quiet)
		progress_note(opts->progress, "%s",
			      ghenv_enterprise_host()
				  ? "no GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN set for "
				    "GH_HOST; making unauthenticated requests"
				  : "no GH_TOKEN or GITHUB_TOKEN set; making unauthenticated "
				    "requests (60 an hour)");
	if (cache_start(gh, opts, err) < 0) {
		github_close(gh);
		return -1;
	}
	hopts.max_parallel = opts->jobs > 0 ? opts->jobs : GITHUB_DEFAULT_JOBS;
	hopts.max_wait = opts->max_wait >= 0 ? opts->max_wait : GITHUB_DEFAULT_MAX_WAIT;
	gh->max_wait = hopts.max_wait;
	hopts.cache = gh->cache;
	hopts.offline = opts->offline;
	gh->offline = opts->offline;
	hopts.search_per_minute = hopts.token ? 30 : 10;
	hopts.progress = opts->progress;
	hopts.search_spent_answers = gh->via == ML_VIA_DEFAULT; /* the planner lists pulls */
	hopts.api_url = gh->api_url; /* the token goes to this origin alone */
	hopts.run_timeout_s = opts->run_timeout_s;
	if (opts->stall_s)
		hopts.stall_s = opts->stall_s;
	gh->max_pages = opts->max_pages;
	if (http_new(&gh->http, &hopts, err) < 0) {
		github_close(gh);
		return -1;
	}
	return 0;
}

void github_close(struct ml_github *gh)
{
	http_free(gh->http);
	cache_free(gh->cache);
	free(gh->api_url_owned);
	gh->http = NULL;
	gh->cache = NULL;
	gh->api_url_owned = NULL;
}

char *github_api_url(const char *api_url, const char *path, const char *const *query, size_t nquery)
{
	struct ml_buf full = ML_BUF_INIT;
	CURLU *u = curl_url();
	char *base_path = NULL, *url = NULL, *out = NULL;
	size_t n;

	if (!u || curl_url_set(u, CURLUPART_URL, api_url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &base_path, 0) != CURLUE_OK)
		goto done;
	n = strlen(base_path);
	while (n > 0 && base_path[n - 1] == '/')
		n--;
	if (buf_add(&full, base_path, n) < 0 || buf_puts(&full, path) < 0 ||
	    curl_url_set(u, CURLUPART_PATH, full.data, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_QUERY, NULL, 0) != CURLUE_OK)
		goto done;
	for (size_t i = 0; i < nquery; i++)
		if (curl_url_set(u, CURLUPART_QUERY, query[i], CURLU_APPENDQUERY) != CURLUE_OK)
			goto done;
	if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
		goto done;
	out = ml_strdup(url);
done:
	curl_free(url);
	curl_free(base_path);
	curl_url_cleanup(u);
	buf_release(&full);
	return out;
}

char *github_named_url(const char *api_url, const char *before, const char *name, const char *after,
		       const char *const *query, size_t nquery)
{
	struct ml_buf path = ML_BUF_INIT;
	char *out = NULL;

	if (buf_printf(&path, "%s%s%s", before, name, after) == 0)
		out = github_api_url(api_url, path.data, query, nquery);
	buf_release(&path);
	return out;
}

char *github_pulls_url(const char *api_url, const char *repo)
{
	static const char *const query[] = {"state=closed", "sort=updated", "direction=desc",
					    "per_page=100"};

	return github_named_url(api_url, "/repos/", repo, "/pulls", query,
				sizeof query / sizeof *query);
}

/* url with its page=N query parameter set to page, newly allocated, or NULL. */
static char *url_with_page(const char *url, int page)
{
	CURLU *u = curl_url();
	char *query = NULL, *out = NULL, *save = NULL;
	struct ml_buf q = ML_BUF_INIT;

	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		goto done;
	for (char *kv = strtok_r(query, "&", &save); kv; kv = strtok_r(NULL, "&", &save))
		if (strncmp(kv, "page=", 5) != 0)
			buf_printf(&q, "%s&", kv);
	if (buf_printf(&q, "page=%d", page) < 0 ||
	    curl_url_set(u, CURLUPART_QUERY, q.data, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		goto done;
	{
		char *copy = ml_strdup(out);

		curl_free(out);
		out = copy;
	}
done:
	curl_free(query);
	curl_url_cleanup(u);
	buf_release(&q);
	return out;
}

int github_url_page(const char *url)
{
	const char *q = url ? strchr(url, '?') : NULL;

	while (q && *q) {
		q++;
		if (strncmp(q, "page=", 5) == 0) {
			long n = strtol(q + 5, NULL, 10);

			return n > 0 && n <= 1000000 ? (int)n : 0;
		}
		q = strchr(q, '&');
	}
	return 0;
}

char *github_link_next(const char *link)
{
	return github_link_rel(link, "next");
}

char *github_link_rel(const char *link, const char *rel)
{
	/* Link: <url>; rel="next", <url>; rel="last"  (other rels and params skipped) */
	const char *p = link;
	size_t rlen = strlen(rel);

	while (p && *p) {
		const char *lt = strchr(p, '<'), *gt, *end;

		if (!lt || !(gt = strchr(lt, '>')))
			return NULL;
		end = strchr(gt, ',');
		/* a comma may appear inside a quoted parameter; rel values have none */
		if (!end)
			end = gt + strlen(gt);
		for (const char *q = gt + 1; q < end; q++) {
			if (strncmp(q, "rel=", 4) != 0)
				continue;
			q += 4;
			if (*q == '"')
				q++;
			/* rel may hold several space-separated values */
			while (q < end && *q != '"' && *q != ';') {
				size_t len = strcspn(q, " \";,");

				if (len == rlen && strncmp(q, rel, rlen) == 0)
					return ml_strndup(lt + 1, (size_t)(gt - lt - 1));
				q += len;
				while (*q == ' ')
					q++;
			}
			break;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

static int field_error(struct ml_error *err, const char *repo, long number, const char *field)
{
	if (number > 0)
		return error_set(
		    err, ML_EXIT_NETWORK,
		    "%s: pull request #%ld: field \"%s\" is missing, null or of the wrong type in "
		    "GitHub's answer; retry, and report it if it persists",
		    repo, number, field);
	return error_set(err, ML_EXIT_NETWORK,
			 "%s: a pull request in GitHub's answer has no valid \"%s\"; retry, and "
			 "report it if it persists",
			 repo, field);
}

static int parse_time_field(json_t *item, const char *key, int nullable, int64_t *out, int *present)
{
	json_t *v = json_object_get(item, key);

	*present = 0;
	if (nullable && json_is_null(v))
		return 0;
	if (!json_is_string(v) || range_parse_time(json_string_value(v), out) < 0)
		return -1;
	*present = 1;
	return 0;
}

int github_json_is_text(json_t *v)
{
	return json_is_string(v) && json_string_length(v) == strlen(json_string_value(v));
}

char *github_json_text(json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	struct ml_buf b = ML_BUF_INIT;

	if (!s)
		return NULL;
	for (size_t i = 0, from = 0; i <= n; i++)
		if (i == n || s[i] == '\0') {
			if (buf_add(&b, s + from, i - from) < 0 ||
			    (i < n && buf_puts(&b, "\xEF\xBF\xBD") < 0)) {
				buf_release(&b);
				return NULL;
			}
			from = i + 1;
		}
	return b.data ? buf_detach(&b) : ml_strdup("");
}

const char *github_item_fill(struct ml_pr *pr, json_t *item)
{
	json_t *user = json_object_get(item, "user"), *labels, *v;
	size_t i;

	if (!json_is_string(json_object_get(item, "title")))
		return "title";
	if (!json_is_object(user) || !json_is_string(json_object_get(user, "login")))
		return "user";
	labels = json_object_get(item, "labels");
	if (labels && !json_is_null(labels) && !json_is_array(labels))
		return "labels";
	pr->title = github_json_text(json_object_get(item, "title"));
	pr->author = github_json_text(json_object_get(user, "login"));
	if (!pr->title || !pr->author)
		return "";
	v = json_object_get(user, "type");
	pr->author_is_bot = json_is_string(v) && strcmp(json_string_value(v), "Bot") == 0;
	v = json_object_get(item, "author_association");
	if (json_is_string(v) && !(pr->association = github_json_text(v)))
		return "";
	json_array_foreach(labels, i, v)
	{
		json_t *name = json_object_get(v, "name");
		char *label;
		int rc;

		if (!json_is_string(name))
			return "labels[].name";
		label = github_json_text(name);
		rc = label ? strv_push(&pr->labels, label) : -1;
		free(label);
		if (rc < 0)
			return "";
	}
	return NULL;
}

int github_item_add(struct ml_pr_list *out, json_t *item, long number, int64_t merged_at,
		    const char **bad, struct ml_error *err)
{
	struct ml_pr *pr = pr_list_add(out);

	*bad = NULL;
	if (!pr)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	pr->number = number;
	pr->merged_at = merged_at;
	*bad = github_item_fill(pr, item);
	if (*bad && !**bad)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

static int parse_pr(json_t *item, const char *repo, const struct ml_range *range,
		    struct ml_pr_list *out, int64_t *updated, struct ml_error *err)
{
	json_t *num = json_object_get(item, "number");
	const char *bad;
	long number;
	int64_t merged_at;
	int merged, have_updated;

	if (!json_is_object(item))
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: GitHub's answer holds a pull request that is not an object; "
				 "retry, and report it if it persists",
				 repo);
	if (!json_is_integer(num) || json_integer_value(num) <= 0)
		return field_error(err, repo, 0, "number");
	number = (long)json_integer_value(num);
	if (parse_time_field(item, "updated_at", 0, updated, &have_updated) < 0)
		return field_error(err, repo, number, "updated_at");
	if (parse_time_field(item, "merged_at", 1, &merged_at, &merged) < 0)
		return field_error(err, repo, number, "merged_at");
	if (!merged)
		return 0;
	if (github_item_add(out, item, number, merged_at, &bad, err) < 0)
		return -1;
	if (bad && range_contains(range, merged_at))
		return field_error(err, repo, number, bad);
	if (bad) /* outside the range: never shown, so neither an error nor kept */
		pr_release(&out->items[--out->len]);
	return 0;
}

static int pulls_page(const char *body, size_t len, void *parsed, const char *repo,
		      const struct ml_range *range, struct ml_page_records *pg,
		      struct ml_error *err);

/* A page's records: decoded when `cached` (data holds records), else
 * parsed from JSON and, with keep, encoded there for the cache; then the
 * PRs merged in range appended to out. */
static int page_take(const char *data, size_t len, void *parsed, int cached, struct ml_buf *keep,
		     const char *repo, const struct ml_range *range, struct ml_pr_list *out,
		     int *older, struct ml_pulls_fetch *f, struct ml_error *err)
{
	struct ml_page_records pg = ML_PAGE_RECORDS_INIT;
	int rc = -1;

	*older = 0;
	if (cached && records_decode(data, len, &pg) < 0) {
		error_set(err, ML_EXIT_FAILURE,
			  "%s: a cached page of its pull requests is unreadable; run once with "
			  "--no-cache",
			  repo);
		goto done;
	}
	if (!cached) {
		if ((rc = pulls_page(data, len, parsed, repo, range, &pg, err)) != 0)
			goto done; /* ML_HTTP_BROKEN: retry a broken body */
		rc = -1;
		if (keep && records_encode(&pg, keep) < 0)
			buf_release(keep); /* the body is cached instead */
	}
	if (records_take(&pg, range, repo, out, older) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	if (f) { /* what the next page's Link header is judged by */
		f->last_items = pg.items;
		f->last_oldest = pg.oldest_updated;
		f->last_newest = pg.newest_updated;
	}
	rc = 0;
done:
	records_release(&pg);
	return rc;
}

int github_json_load(const char *body, size_t len, void *parsed, json_t **root,
		     struct ml_error *err)
{
	json_error_t jerr;

	if (parsed) {
		*root = json_incref(parsed);
		return 0;
	}
	*root = json_loadb(body, len, GITHUB_JSON_FLAGS, &jerr);
	if (*root)
		return 0;
	error_set(err, ML_EXIT_NETWORK, "the answer is not valid JSON (line %d, column %d: %s)",
		  jerr.line, jerr.column, jerr.text);
	return ML_HTTP_BROKEN;
}

int github_json_list(const char *body, size_t len, void *parsed, json_t **root, const char *subject,
		     const char *items, struct ml_error *err)
{
	int rc = github_json_load(body, len, parsed, root, err);

	if (rc != 0 || json_is_array(*root))
		return rc;
	json_decref(*root);
	*root = NULL;
	return error_set(err, ML_EXIT_NETWORK,
			 "%s: GitHub's answer is not a list of %s; check --api-url", subject,
			 items);
}

int github_parse_pulls(const char *body, size_t len, const char *repo, const struct ml_range *range,
		       struct ml_pr_list *out, int *older, struct ml_error *err)
{
	return page_take(body, len, NULL, 0, NULL, repo, range, out, older, NULL, err);
}

int github_parse_pulls_page(const char *body, size_t len, const char *repo,
			    const struct ml_range *range, struct ml_page_records *pg,
			    struct ml_error *err)
{
	return pulls_page(body, len, NULL, repo, range, pg, err);
}

static int pulls_page(const char *body, size_t len, void *parsed, const char *repo,
		      const struct ml_range *range, struct ml_page_records *pg,
		      struct ml_error *err)
{
	json_t *root = NULL, *item;
	int64_t oldest = INT64_MAX, newest = INT64_MIN;
	size_t i;
	int rc;

	if ((rc = github_json_list(body, len, parsed, &root, repo, "pull requests", err)) != 0)
		return rc;
	rc = -1;
	json_array_foreach(root, i, item)
	{
		int64_t updated = 0;

		if (parse_pr(item, repo, range, &pg->prs, &updated, err) < 0)
			goto done;
		if (updated < oldest)
			oldest = updated;
		if (updated > newest)
			newest = updated;
	}
	pg->oldest_updated = oldest;
	pg->newest_updated = newest;
	pg->items = (long)json_array_size(root);
	rc = 0;
done:
	json_decref(root);
	return rc;
}

/* ---- fetching ---- */

/* The parse hook of every GitHub answer: on a worker thread. */
static void *json_body_parse(const char *body, size_t len)
{
	return json_loadb(body, len, GITHUB_JSON_FLAGS, NULL);
}

static void json_body_free(void *parsed)
{
	json_decref(parsed);
}

/* Queue a GET of a JSON answer, parsed by a worker (see github_get). */
static int get_json(struct ml_github *gh, const char *url, ml_http_done_fn done,
		    int (*on_link)(void *ud, const char *link), void *ud, struct ml_error *err)
{
	struct ml_http_req req = ML_HTTP_REQ_INIT;

	req.accept = GITHUB_ACCEPT;
	req.on_link = on_link;
	req.parse = json_body_parse;
	req.parsed_free = json_body_free;
	return http_get_opts(gh->http, url, &req, done, ud, err);
}

char *github_api_message(const char *body, size_t len)
{
	json_t *root = json_loadb(body, len, GITHUB_JSON_FLAGS, NULL);
	json_t *msg = json_object_get(root, "message");
	char *out = json_is_string(msg) ? github_json_text(msg) : ml_strdup("");

	json_decref(root);
	return out;
}

void github_listing_release(struct ml_listing *l)
{
	strv_release(&l->seen);
	free(l->failure);
	free(l->paged);
	memset(l, 0, sizeof *l);
}

/* Record "SUBJECT: not fetched: WHY" (the first failure wins). */
static int listing_fail(struct ml_listing *l, const char *subject, const char *why,
			struct ml_error *err)
{
	struct ml_buf b = ML_BUF_INIT;

	if (l->failure)
		return 0;
	if (buf_printf(&b, "%s: not fetched: %s", subject, why) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	l->failure = buf_detach(&b);
	return 0;
}

int github_unauthorized(const struct ml_github *gh, const char *subject, const char *msg,
			struct ml_error *err)
{
	int enterprise = ghenv_enterprise_host() != NULL;
	const char *vars = enterprise ? "GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN"
				      : "GH_TOKEN or GITHUB_TOKEN";

	if (!gh->authenticated)
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: the server requires a token (HTTP 401%s%s) and none is set; "
				 "set %s (for example to the output of 'gh auth token')",
				 subject, msg && *msg ? ": " : "", msg ? msg : "", vars);
	return error_set(err, ML_EXIT_NETWORK,
			 "%s: GitHub rejected the token (HTTP 401%s%s); check %s, or unset it to "
			 "go unauthenticated",
			 subject, msg && *msg ? ": " : "", msg ? msg : "", vars);
}

int github_listing_answer(const struct ml_github *gh, struct ml_listing *l, const char *subject,
			  const char *what, int line, const struct ml_http_response *r,
			  struct ml_error *err)
{
	char *msg;
	struct ml_buf why = ML_BUF_INIT, where = ML_BUF_INIT;
	int rc = 1;

	if (r->failed)
		return listing_fail(l, subject, r->failed, err) < 0 ? -1 : 1;
	if (r->status == 200)
		return 0;
	msg = github_api_message(r->body, r->len);
	if (r->status == 401) {
		rc = github_unauthorized(gh, subject, msg, err);
		goto done;
	}
	if (gh->config_path && line)
		buf_printf(&where, "check the name in %s line %d", gh->config_path, line);
	else
		buf_printf(&where, "check the spelling of '%s'", subject);
	if (r->status == 404)
		buf_printf(&why, "%s not found (HTTP 404); %s%s", what,
			   where.data ? where.data : "check the name",
			   strcmp(what, "repository") == 0
			       ? " (a private repository needs a token that can read it)"
			       : "");
	else
		buf_printf(&why, "GitHub answered HTTP %ld%s%s for %s", r->status,
			   msg && *msg ? ": " : "", msg ? msg : "", r->url);
	if (listing_fail(l, subject, why.data ? why.data : "out of memory", err) < 0)
		rc = -1;
done:
	free(msg);
	buf_release(&why);
	buf_release(&where);
	return rc;
}

int github_listing_parse_failed(struct ml_listing *l, const char *subject, int rc,
				struct ml_error *err)
{
	const char *why;
	size_t n = strlen(subject);

	if (rc == ML_HTTP_BROKEN)
		return ML_HTTP_BROKEN;
	if (err->exit_code == ML_EXIT_FAILURE || !err->msg)
		return -1;
	why = err->msg;
	if (strncmp(why, subject, n) == 0 && strncmp(why + n, ": ", 2) == 0)
		why += n + 2; /* the subject goes first once */
	if (listing_fail(l, subject, why, err) < 0)
		return -1;
	error_clear(err);
	return 0;
}

/* May the listing go on to next, its page after `pages` pages? 0: yes, and
 * next is recorded as seen; 1: no, why says why (a Link back to a page
 * already fetched, another origin, past --max-pages); -1: err set. */
static int listing_admit(struct ml_github *gh, struct ml_listing *l, const char *next, int pages,
			 struct ml_buf *why, struct ml_error *err)
{
	int max_pages = gh->max_pages > 0 ? gh->max_pages : ML_GITHUB_MAX_PAGES;

	if (strv_contains_case(&l->seen, next))
		buf_printf(why,
			   "the Link to the next page points back to %s, a page already fetched",
			   next);
	else if (!http_same_origin(gh->http, next))
		buf_printf(why,
			   "the Link to the next page points to %s, not the API's origin; refused",
			   next);
	else if (pages >= max_pages)
		buf_printf(why, "more than %d pages (--max-pages)", max_pages);
	else if (strv_push(&l->seen, next) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	else
		return 0;
	return 1;
}

int github_listing_next(struct ml_github *gh, struct ml_listing *l, const char *subject,
			const struct ml_http_response *r, ml_http_done_fn done, void *ud,
			struct ml_error *err)
{
	struct ml_buf why = ML_BUF_INIT;
	char *next = NULL;
	int rc = 0;

	if (!l->seen.n && strv_push(&l->seen, r->url) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	if (!r->link || !(next = github_link_next(r->link)))
		return 0;
	rc = listing_admit(gh, l, next, l->pages, &why, err);
	if (rc == 0)
		rc = get_json(gh, next, done, NULL, ud, err) < 0 ? -1 : 1;
	else if (rc == 1)
		rc = listing_fail(l, subject, why.data ? why.data : "out of memory", err) < 0 ? -1
											      : 0;
	free(next);
	buf_release(&why);
	return rc;
}

/* r's Link names its next page and a last page after it: the pages in
 * between are numbered, so they can be asked side by side. */
static int listing_widen(struct ml_listing *l, const struct ml_http_response *r,
			 struct ml_error *err)
{
	char *next = r->link ? github_link_next(r->link) : NULL;
	char *last = next ? github_link_rel(r->link, "last") : NULL;
	int np = github_url_page(next), lp = github_url_page(last);

	free(last);
	if (np < 2 || lp <= np || !(l->paged = url_with_page(next, np))) {
		free(next);
		return l->paged || np < 2 || lp <= np
			   ? 0
			   : error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	free(next);
	l->next_page = np;
	l->last_page = lp;
	return 0;
}

int github_listing_more(struct ml_github *gh, struct ml_listing *l, const char *subject,
			const struct ml_http_response *r, ml_http_done_fn done, void *ud,
			struct ml_error *err)
{
	int jobs = gh->http ? http_parallel(gh->http) : 1;
	int rc = 0;

	if (!l->seen.n && strv_push(&l->seen, r->url) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	if (!l->paged && l->pages <= 1 && listing_widen(l, r, err) < 0)
		return -1;
	if (!l->paged) { /* no last page named: one after another */
		rc = github_listing_next(gh, l, subject, r, done, ud, err);
		l->outstanding += rc == 1;
		return rc < 0 ? -1 : 0;
	}
	while (rc == 0 && !l->failure && l->outstanding < (jobs > 0 ? jobs : 1) &&
	       l->next_page <= l->last_page) {
		struct ml_buf why = ML_BUF_INIT;
		char *url = url_with_page(l->paged, l->next_page);
		int max_pages = gh->max_pages > 0 ? gh->max_pages : ML_GITHUB_MAX_PAGES;

		if (!url)
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		if (l->pages + l->outstanding >= max_pages && l->outstanding > 0) {
			free(url); /* the pages in flight may end the listing first */
			break;
		}
		rc = listing_admit(gh, l, url, l->pages + l->outstanding, &why, err);
		if (rc == 0 && (rc = get_json(gh, url, done, NULL, ud, err)) == 0) {
			l->outstanding++;
			l->next_page++;
		} else if (rc == 1) {
			rc = listing_fail(l, subject, why.data ? why.data : "out of memory", err);
		}
		free(url);
		buf_release(&why);
	}
	return rc < 0 ? -1 : 0;
}

static int on_pulls_page(void *ud, const struct ml_http_response *r, struct ml_error *err);

int github_page_hollow(size_t items, const char *link, struct ml_error *err)
{
	char *next = items == 0 && link ? github_link_next(link) : NULL;

	if (!next)
		return 0;
	free(next);
	/* GitHub never ends a page early: what this page held is lost */
	error_set(err, ML_EXIT_NETWORK,
		  "GitHub's answer is an empty page that links to a next one");
	return ML_HTTP_BROKEN;
}

static int pulls_get(struct ml_pulls_fetch *f, char *url, int follow, struct ml_error *err);
static int pulls_get_known(struct ml_pulls_fetch *f, const char *next);

/* A followed page, parsed, that did not reach before the range, and whose
 * Link names the last page: how far the range still reaches, at the pace
 * of this page (its span of updated_at), so that the pages up to there go
 * out side by side, --jobs at most (a guess past the range costs at most
 * that many pages; the last of them follows its Link as any page). The
 * listing's pages needed in all, as pages_known counts them; 0 when only
 * the next is (or its span says nothing). */
static int pulls_pages_ahead(const struct ml_pulls_fetch *f, const char *link, const char *next)
{
	char *last_url = github_link_rel(link, "last");
	int np = github_url_page(next), last = github_url_page(last_url);
	int jobs = f->gh->http ? http_parallel(f->gh->http) : 1;
	int64_t span = f->last_newest - f->last_oldest, reach = f->last_oldest - f->range->since;
	int64_t ahead;

	free(last_url);
	if (np < 2 || last <= np || f->last_items < 100 || span <= 0 || reach <= 0)
		return 0;
	ahead = reach / span + 1; /* the pages after this one; the last reaches past the range */
	if (ahead > jobs)
		ahead = jobs;
	if (ahead < 2)
		return 0;
	return np - 1 + (int)ahead < last ? np - 1 + (int)ahead : last;
}

/* Queue next (taken over), the listing's next page, when the listing's
 * bounds admit it. 1: queued; 0: refused (with record, the listing's
 * failure says why); -1: err set. */
static int pulls_next(struct ml_pulls_fetch *f, char *next, int follow, int record,
		      struct ml_error *err)
{
	struct ml_buf why = ML_BUF_INIT;
	int rc =
	    listing_admit(f->gh, &f->listing, next, f->listing.pages + f->outstanding, &why, err);

	if (rc == 0) {
		rc = pulls_get(f, next, follow, err) < 0 ? -1 : 1;
		next = NULL;
	} else if (rc == 1) {
		rc = record && listing_fail(&f->listing, f->repo,
					    why.data ? why.data : "out of memory", err) < 0
			 ? -1
			 : 0;
	}
	free(next);
	buf_release(&why);
	return rc;
}

/* A page: parse it; follow its Link unless it is one of the pages queued
 * at once that another follows; the last page in flight finishes. Once
 * the listing has failed, the pages still arriving are dropped. */
static int pulls_page_done(struct ml_pulls_fetch *f, const struct ml_http_response *r, int follow,
			   struct ml_error *err)
{
	int older = 0, rc = 1;
	char *next = NULL;

	if (!f->listing.failure)
		rc = github_listing_answer(f->gh, &f->listing, f->repo, "repository", f->line, r,
					   err);
	if (rc == 0) {
		int prc = page_take(r->body, r->len, r->parsed, r->records, r->keep, f->repo,
				    f->range, f->out, &older, f, err);

		if (prc == 0)
			prc = github_page_hollow((size_t)f->last_items, r->link, err);

		if (prc != 0 &&
		    (prc = github_listing_parse_failed(&f->listing, f->repo, prc, err)) != 0)
			return prc; /* retry a broken body (still outstanding), or stop */
		if (f->listing.failure)
			rc = 1;
	}
	if (rc < 0)
		return -1;
	f->outstanding--;
	if (rc == 0) {
		f->listing.pages++;
		progress_page(f->gh->progress);
		f->older |= older;
		if (r->link_followed) /* as its headers arrived */
			follow = 0;
		next = follow && !older && r->link ? github_link_next(r->link) : NULL;
		if (next && f->pages_known <= 1)
			f->pages_known = pulls_pages_ahead(f, r->link, next);
		/* the pages search said are needed, when no header asked them,
		 * or those the pace of this page says */
		if (next && f->pages_known > 1 && pulls_get_known(f, next)) {
			free(next);
			next = NULL;
		}
		if (next && pulls_next(f, next, 1, 1, err) < 0)
			return -1;
	}
	if (f->outstanding == 0 && f->finished)
		f->finished(f->ud);
	return 0;
}

static int on_pulls_page(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	return pulls_page_done(ud, r, 1, err);
}

static int on_pulls_part(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	return pulls_page_done(ud, r, 0, err);
}

/* Will the page now arriving end within the range (so that the one after
 * it is needed)? Judged from the last page parsed: a full page, whose span
 * of updated_at, repeated, still ends after the range's start. */
static int pulls_next_likely(const struct ml_pulls_fetch *f)
{
	int64_t span;

	if (f->last_items < 100 || f->last_newest < f->last_oldest) /* short, or no times */
		return 0;
	span = f->last_newest - f->last_oldest;
	return f->last_oldest >= f->range->since + span;
}

/* A page's Link header, before its body: once a page of the listing has
 * been parsed, none was older than the range and, at the pace of the last
 * one, this one will not be either, the next is needed too, so it is asked
 * now rather than after this one is parsed (only when this page is the
 * listing's one in flight: one page ahead at most, and when the guess is
 * wrong one page past the range is asked). The listing's bounds hold as
 * for a page followed after its body; a page they refuse is left to the
 * completion, which records why. */
static int on_pulls_link(void *ud, const char *link)
{
	struct ml_pulls_fetch *f = ud;
	struct ml_error err = ML_ERROR_INIT;
	char *next;
	int rc;

	if (f->listing.failure)
		return 0;
	if (f->pages_known > 1 && f->listing.pages == 0 && (next = github_link_next(link))) {
		rc = pulls_get_known(f, next);
		free(next);
		return rc;
	}
	if (f->listing.pages < 1 || f->older || f->outstanding > 1 || f->side_by_side ||
	    !pulls_next_likely(f) || !(next = github_link_next(link)))
		return 0;
	rc = pulls_next(f, next, 1, 0, &err) == 1;
	error_clear(&err); /* else the page's completion follows the Link */
	return rc;
}

/* A page's Link names the listing's next page: the pages from it up to
 * pages_known (and --max-pages) go out at once, under the URLs the Link
 * headers use (so the cache serves them to any plan); the last follows its
 * Link. 1 when they were queued (the next one at least). */
static int pulls_get_known(struct ml_pulls_fetch *f, const char *next)
{
	struct ml_error err = ML_ERROR_INIT;
	int max_pages = f->gh->max_pages > 0 ? f->gh->max_pages : ML_GITHUB_MAX_PAGES;
	int last = f->pages_known < max_pages ? f->pages_known : max_pages;
	int first = github_url_page(next), rc;

	if (first < 2)
		first = 2;
	rc = first <= last; /* else the next page, followed, says why the listing ends */
	for (int k = first; k <= last && rc; k++) {
		char *url = k == first ? ml_strdup(next) : url_with_page(next, k);

		/* the next page refused: its completion follows the Link and
		 * says why; a later one: the listing says why it ends there */
		rc = url && pulls_next(f, url, k == last, k > first, &err) == 1;
		f->side_by_side |= rc && k > first;
	}
	error_clear(&err);
	f->pages_known = 0;
	return rc;
}

/* Queue a page of the listing (url taken over; NULL: a bad API URL). */
static int pulls_get(struct ml_pulls_fetch *f, char *url, int follow, struct ml_error *err)
{
	int rc;

	if (!url)
		return github_get(f->gh, url, on_pulls_page, f, err);
	rc = get_json(f->gh, url, follow ? on_pulls_page : on_pulls_part,
		      follow ? on_pulls_link : NULL, f, err);
	free(url);
	f->outstanding += rc == 0;
	return rc;
}

int github_get(struct ml_github *gh, char *url, ml_http_done_fn done, void *ud,
	       struct ml_error *err)
{
	int rc;

	if (!url)
		return error_set(err, ML_EXIT_USAGE,
				 "invalid API URL '%s'; give --api-url as https://host[/path]",
				 gh->api_url);
	rc = get_json(gh, url, done, NULL, ud, err);
	free(url);
	return rc;
}

int github_pulls_start(struct ml_pulls_fetch *f, struct ml_error *err)
{
	return github_pulls_start_pages(f, 1, err);
}

int github_pulls_start_pages(struct ml_pulls_fetch *f, int pages, struct ml_error *err)
{
	char *url = github_pulls_url(f->gh->api_url, f->repo);

	f->pages_known = pages;
	if (url && strv_push(&f->listing.seen, url) < 0) {
		free(url);
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	return pulls_get(f, url, 1, err);
}

/* ---- refs ---- */

struct ref_lookup {
	struct ml_github *gh;
	const char *repo, *ref;
	int64_t *time;
};

static int on_commit(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct ref_lookup *l = ud;
	json_t *root, *date;
	int rc = -1;

	if (r->failed)
		return error_set(err, ML_EXIT_NETWORK, "%s: ref '%s': %s", l->repo, l->ref,
				 r->failed);
	if (r->status == 422 || (r->status == 404 && r->body && strstr(r->body, "No commit found")))
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: ref '%s' not found on GitHub (HTTP %ld); name a tag, a "
				 "branch or a commit SHA of the repository",
				 l->repo, l->ref, r->status);
	if (r->status == 404) /* GitHub's 404 of a repository it cannot show */
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: repository not found (HTTP 404); check the spelling of '%s' "
				 "(a private repository needs a token that can read it)",
				 l->repo, l->repo);
	if (r->status != 200) {
		char *msg = github_api_message(r->body, r->len);

		error_set(err, ML_EXIT_NETWORK, "%s: ref '%s': GitHub answered HTTP %ld%s%s",
			  l->repo, l->ref, r->status, msg && *msg ? ": " : "", msg ? msg : "");
		free(msg);
		return -1;
	}
	root = json_loadb(r->body, r->len, GITHUB_JSON_FLAGS, NULL);
	date =
	    json_object_get(json_object_get(json_object_get(root, "commit"), "committer"), "date");
	if (!json_is_string(date) || range_parse_time(json_string_value(date), l->time) < 0)
		error_set(err, ML_EXIT_NETWORK,
			  "%s: GitHub's answer for ref '%s' has no valid commit.committer.date; "
			  "check --api-url",
			  l->repo, l->ref);
	else
		rc = 0;
	json_decref(root);
	return rc;
}

/* "/repos/{repo}/commits/{ref}" with each segment of ref percent-encoded. */
static char *commit_url(const char *api_url, const char *repo, const char *ref)
{
	struct ml_buf path = ML_BUF_INIT;
	char *out = NULL;
	int bad = buf_printf(&path, "/repos/%s/commits", repo) < 0;

	for (const char *p = ref; !bad && *p;) {
		size_t n = strcspn(p, "/");
		char *seg = curl_easy_escape(NULL, p, (int)n);

		bad = !seg || buf_printf(&path, "/%s", seg) < 0;
		curl_free(seg);
		p += n;
		if (*p == '/')
			p++;
	}
	if (!bad)
		out = github_api_url(api_url, path.data, NULL, 0);
	buf_release(&path);
	return out;
}

int github_resolve_refs(struct ml_github *gh, const char *repo, const char *const *refs,
			int64_t *times, size_t n, struct ml_error *err)
{
	struct ref_lookup *l = calloc(n ? n : 1, sizeof *l);
	int rc = -1;

	if (!l)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		l[i] = (struct ref_lookup){gh, repo, refs[i], &times[i]};
		if (github_get(gh, commit_url(gh->api_url, repo, refs[i]), on_commit, &l[i], err) <
		    0)
			goto done;
	}
	rc = http_run(gh->http, err);
done:
	free(l);
	return rc;
}

void github_pulls_release(struct ml_pulls_fetch *f)
{
	github_listing_release(&f->listing);
}
