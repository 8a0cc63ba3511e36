/* releases.c: the latest release through the API (see releases.h). */
#include "mergeletter/github/releases.h"

#include <stdlib.h>
#include <string.h>

#include "mergeletter/git/gitrelease.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

struct latest {
	struct ml_github *gh;
	const char *repo;
	char *tag;	/* the answer, or NULL */
	int no_release; /* releases/latest answered 404 */
};

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

/* The highest release among the tags of a page, prereleases skipped. */
static int on_tags(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct latest *l = ud;
	struct ml_semver best = {0}, v;
	json_t *root = NULL, *item;
	const char *found = NULL;
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

		if (!name || !gitrelease_parse(name, &v) || v.pre)
			continue;
		if (!found || gitrelease_compare(&v, &best) > 0) {
			found = name;
			best = v;
		}
	}
	if (found && !(l->tag = ml_strdup(found)))
		rc = error_oom(err);
	json_decref(root);
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
	struct latest l = {gh, repo, NULL, 0};

	*tag = NULL;
	if (github_get(gh, repo_url(gh->api_url, repo, "releases/latest"), on_latest, &l, err) <
		0 ||
	    http_run(gh->http, err) < 0)
		goto fail;
	if (l.no_release &&
	    (github_get(gh, repo_url(gh->api_url, repo, "tags"), on_tags, &l, err) < 0 ||
	     http_run(gh->http, err) < 0))
		goto fail;
	if (!l.tag)
		return error_set(err, ML_EXIT_NETWORK,
				 "%s: no release on GitHub (no latest release, no release tag such "
				 "as v1.2.3 among the first 100 tags); give --from REF",
				 repo);
	*tag = l.tag;
	return 0;
fail:
	free(l.tag);
	return -1;
}
