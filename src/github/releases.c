/* releases.c: the latest release through the API (see releases.h). */
#include "mergeletter/github/releases.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/git/gitrelease.h"
#include "mergeletter/github/compare.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

struct latest {
	struct ml_github *gh;
	const char *repo;
	char *tag;	/* the answer, or NULL */
	int no_release; /* releases/latest answered 404 */
	/* releases_previous(): */
	const char *to;	      /* the release to find the one before */
	struct ml_strv cands; /* release tags before it, highest first */
	int ahead;	      /* the compare of a candidate said "ahead" */
};

static char *repo_url(const char *api_url, const char *repo, const char *after);

/* An answer that is neither a 200 nor an expected 404: the run's error. */
static int answer_failed(struct latest *l, const struct ml_http_response *r, const char *what,
			 struct ml_error *err)
{
	char *msg;

	if (r->failed)
		return error_set(err, ML_EXIT_NETWORK, "%s: %s: %s", l->repo, what, r->failed);
	msg = github_api_message(r->body, r->len);
	if (r->status == 401)
		github_unauthorized(l->gh, l->repo, msg, err);
	else
		error_set(err, ML_EXIT_NETWORK,
			  "%s: %s: GitHub answered HTTP %ld%s%s; check the name", l->repo, what,
			  r->status, msg && *msg ? ": " : "", msg ? msg : "");
	free(msg);
	return -1;
}

static int on_latest(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct latest *l = ud;
	json_t *root = NULL;
	const char *tag;
	int rc;

	if (!r->failed && r->status == 404) {
		l->no_release = 1;
		return 0;
	}
	if (r->failed || r->status != 200)
		return answer_failed(l, r, "the latest release", err);
	if ((rc = github_json_load(r->body, r->len, r->parsed, &root, err)) != 0)
		return rc;
	tag = json_string_value(json_object_get(root, "tag_name"));
	rc = 0;
	if (!tag)
		rc = error_set(err, ML_EXIT_NETWORK,
			       "%s: GitHub's latest release has no tag_name; check --api-url",
			       l->repo);
	else if (!(l->tag = ml_strdup(tag)))
		rc = error_oom(err);
	json_decref(root);
	return rc;
}

/* Whether tag name is a candidate: a release tag, not a prerelease; with
 * l->to, one of its prefix below its version (a prerelease when it is one). */
static int tag_wanted(const struct latest *l, const char *name)
{
	struct ml_semver tv, v;

	if (!name || !gitrelease_parse(name, &v))
		return 0;
	if (!l->to)
		return !v.pre;
	gitrelease_parse(l->to, &tv);
	return !(v.pre && !tv.pre) && v.prefix_len == tv.prefix_len &&
	       strncasecmp(name, l->to, tv.prefix_len) == 0 && gitrelease_compare(&v, &tv) < 0;
}

/* The candidates among the tags of a page into l->cands, highest first. */
static int on_tags(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct latest *l = ud;
	json_t *root = NULL, *item;
	size_t i;
	int rc;

	if (r->failed || r->status != 200)
		return answer_failed(l, r, "the tags", err);
	rc = github_json_list(r->body, r->len, r->parsed, &root, l->repo, "tags", err);
	if (rc != 0)
		return rc;
	json_array_foreach(root, i, item)
	{
		const char *name = json_string_value(json_object_get(item, "name"));

		if (tag_wanted(l, name) && strv_push(&l->cands, name) < 0) {
			rc = error_oom(err);
			break;
		}
	}
	json_decref(root);
	for (size_t a = 1; rc == 0 && a < l->cands.n; a++) /* highest first (at most 100) */
		for (size_t b = a; b > 0; b--) {
			struct ml_semver x, y;
			char *t;

			gitrelease_parse(l->cands.v[b - 1], &x);
			gitrelease_parse(l->cands.v[b], &y);
			if (gitrelease_compare(&x, &y) >= 0)
				break;
			t = l->cands.v[b - 1];
			l->cands.v[b - 1] = l->cands.v[b];
			l->cands.v[b] = t;
		}
	return rc;
}

/* A candidate's compare with to: "ahead" when to descends from it. */
static int on_ancestry(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct latest *l = ud;
	json_t *root = NULL;
	int rc;

	if (!r->failed && r->status == 404)
		return 0; /* a tag GitHub cannot compare: not this one */
	if (r->failed || r->status != 200)
		return answer_failed(l, r, "a comparison of tags", err);
	if ((rc = github_json_load(r->body, r->len, r->parsed, &root, err)) != 0)
		return rc;
	l->ahead = ml_strcaseeq(json_string_value(json_object_get(root, "status")), "ahead");
	json_decref(root);
	return 0;
}

int releases_previous(struct ml_github *gh, const char *repo, const char *to, char **tag,
		      struct ml_error *err)
{
	struct latest l = {gh, repo, NULL, 0, to, {0}, 0};
	struct ml_semver tv;
	int rc = -1;

	*tag = NULL;
	if (!gitrelease_parse(to, &tv))
		return error_set(
		    err, ML_EXIT_USAGE,
		    "--to '%s' alone: through the API the previous release is found for "
		    "a release tag (such as v1.2.3) only; give --from REF",
		    to);
	if (github_get(gh, repo_url(gh->api_url, repo, "tags"), on_tags, &l, err) < 0 ||
	    http_run(gh->http, err) < 0)
		goto done;
	for (size_t i = 0; i < l.cands.n && i < RELEASES_TRIES && !l.ahead; i++) {
		if (github_get(gh, compare_url(gh->api_url, repo, l.cands.v[i], to, 1), on_ancestry,
			       &l, err) < 0 ||
		    http_run(gh->http, err) < 0)
			goto done;
		if (l.ahead && !(*tag = ml_strdup(l.cands.v[i]))) {
			error_oom(err);
			goto done;
		}
	}
	rc = *tag ? 0
		  : error_set(err, ML_EXIT_NETWORK,
			      "%s: no release tag before '%s' that it reaches on GitHub (among the "
			      "first 100 tags, %d tried); give --from REF",
			      repo, to, RELEASES_TRIES);
done:
	strv_release(&l.cands);
	return rc;
}

static char *repo_url(const char *api_url, const char *repo, const char *after)
{
	static const char *const query[] = {"per_page=100"};
	struct ml_buf path = ML_BUF_INIT;
	char *out = NULL;

	if (buf_printf(&path, "/repos/%s/%s", repo, after) == 0)
		out = github_api_url(api_url, path.data, strcmp(after, "tags") == 0 ? query : NULL,
				     strcmp(after, "tags") == 0);
	buf_release(&path);
	return out;
}

int releases_latest(struct ml_github *gh, const char *repo, char **tag, struct ml_error *err)
{
	struct latest l = {gh, repo, NULL, 0, NULL, {0}, 0};

	*tag = NULL;
	if (github_get(gh, repo_url(gh->api_url, repo, "releases/latest"), on_latest, &l, err) <
		0 ||
	    http_run(gh->http, err) < 0)
		goto fail;
	if (l.no_release &&
	    (github_get(gh, repo_url(gh->api_url, repo, "tags"), on_tags, &l, err) < 0 ||
	     http_run(gh->http, err) < 0))
		goto fail;
	if (!l.tag && l.cands.n && !(l.tag = ml_strdup(l.cands.v[0]))) {
		error_oom(err);
		goto fail;
	}
	strv_release(&l.cands);
	if (!l.tag)
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: no release on GitHub (no latest release, no release tag such "
				 "as v1.2.3 among the first 100 tags); give --from REF",
				 repo);
	*tag = l.tag;
	return 0;
fail:
	free(l.tag);
	strv_release(&l.cands);
	return -1;
}
