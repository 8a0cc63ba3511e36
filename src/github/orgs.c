/* orgs.c: listing an organisation's source repositories for discovery.
 *
 * jansson ownership: json_loadb() returns a new reference released here
 * with json_decref(); json_object_get()/json_array_get() borrow.
 */
#include "mergeletter/github/orgs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/model/config.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

char *orgs_repos_url(const char *api_url, const struct ml_owner *owner)
{
	/* a user's listing has no "sources": its forks are skipped here */
	const char *query[] = {owner->user ? "type=owner" : "type=sources", "sort=pushed",
			       "direction=desc", "per_page=100"};

	return github_named_url(api_url, owner->user ? "/users/" : "/orgs/", owner->name, "/repos",
				query, sizeof query / sizeof *query);
}

static const char *owner_kind(const struct ml_owner *owner)
{
	return owner->user ? "user" : "org";
}

/* An exclusion of the config names full_name's repository. */
static int excluded(const struct ml_owner *owner, const char *full_name)
{
	const char *slash = strchr(full_name, '/');

	return owner->exclude && slash && strv_contains_case(owner->exclude, slash + 1);
}

void orgs_repos_release(struct ml_org_repos *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].repo);
		free(l->v[i].description);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int field_error(struct ml_error *err, const struct ml_owner *owner, const char *field)
{
	return error_set(err, ML_EXIT_NETWORK,
			 "%s '%s': a repository in GitHub's answer has no valid \"%s\"; retry, "
			 "and report it if it persists",
			 owner_kind(owner), owner->name, field);
}

static int repos_parse(const char *body, size_t len, void *parsed, const struct ml_owner *owner,
		       int64_t since, struct ml_org_repos *out, int *older, int *skipped,
		       size_t *items, struct ml_error *err)
{
	json_t *root = NULL, *item;
	char subject[160];
	size_t i;
	int rc;

	*older = 0;
	snprintf(subject, sizeof subject, "%s '%s'", owner_kind(owner), owner->name);
	if ((rc = github_json_list(body, len, parsed, &root, subject, "repositories", err)) != 0)
		return rc;
	rc = -1;
	*items = json_array_size(root);
	json_array_foreach(root, i, item)
	{
		json_t *name = json_object_get(item, "full_name"), *pushed, *desc;
		struct ml_org_repo *v, *r;
		int64_t pushed_at = 0;

		if (!github_json_is_text(name) || !repo_name_valid(json_string_value(name))) {
			field_error(err, owner, "full_name");
			goto done;
		}
		pushed = json_object_get(item, "pushed_at");
		if (json_is_string(pushed) &&
		    range_parse_time(json_string_value(pushed), &pushed_at) < 0) {
			field_error(err, owner, "pushed_at");
			goto done;
		}
		if (!json_is_string(pushed) || pushed_at < since) {
			*older = 1; /* never pushed, or before the range: nothing merged since */
			break;
		}
		if (json_is_true(json_object_get(item, "archived")) ||
		    json_is_true(json_object_get(item, "fork")) ||
		    excluded(owner, json_string_value(name))) {
			++*skipped;
			continue;
		}
		if (!(v = realloc(out->v, (out->n + 1) * sizeof *v))) {
			error_set(err, ML_EXIT_FAILURE, "out of memory");
			goto done;
		}
		out->v = v;
		r = &v[out->n];
		memset(r, 0, sizeof *r);
		desc = json_object_get(item, "description");
		r->repo = ml_strdup(json_string_value(name));
		r->description = json_is_string(desc) && *json_string_value(desc)
				     ? github_json_text(desc)
				     : NULL;
		r->pushed_at = pushed_at;
		out->n++;
		if (!r->repo ||
		    (json_is_string(desc) && *json_string_value(desc) && !r->description)) {
			error_set(err, ML_EXIT_FAILURE, "out of memory");
			goto done;
		}
	}
	rc = 0;
done:
	json_decref(root);
	return rc;
}

int orgs_parse_repos(const char *body, size_t len, const struct ml_owner *owner, int64_t since,
		     struct ml_org_repos *out, int *older, int *skipped, struct ml_error *err)
{
	size_t items;

	return repos_parse(body, len, NULL, owner, since, out, older, skipped, &items, err);
}

/* A page of the listing: its repositories found, then the pages after it
 * asked (side by side when the Link names the last page). The listing
 * ends at the first repository pushed before the range: the pages after
 * that one hold only older ones, and are dropped when they arrive (pages
 * before it may arrive later, and count). */
static int on_repos_page(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	struct ml_org_fetch *f = ud;
	struct ml_org_repos page = {0};
	size_t items = 0;
	int older = 0, rc = 1, number = github_url_page(r->url);

	if (number < 1)
		number = 1;
	if (!f->listing.failure && (!f->older || number < f->older))
		rc =
		    github_listing_answer(f->gh, &f->listing, f->subject,
					  f->owner.user ? "user" : "organisation", f->line, r, err);
	if (rc == 0) {
		int prc = repos_parse(r->body, r->len, r->parsed, &f->owner, f->since, &page,
				      &older, &f->skipped, &items, err);

		if (prc == 0)
			prc = github_page_hollow(items, r->link, err);

		if (prc != 0 &&
		    (prc = github_listing_parse_failed(&f->listing, f->subject, prc, err)) != 0) {
			rc = prc; /* retry a broken body (still outstanding), or stop */
			goto done;
		}
		if (f->listing.failure)
			rc = 1;
	}
	if (rc < 0)
		goto done;
	f->listing.outstanding--;
	if (rc == 0) {
		f->listing.pages++;
		progress_page(f->gh->progress);
		for (size_t i = 0; i < page.n; i++)
			if (f->found(f->ud, &page.v[i], err) < 0) {
				rc = -1;
				goto done;
			}
		if (older && (!f->older || number < f->older))
			f->older = number;
		if (!f->older && github_listing_more(f->gh, &f->listing, f->subject, r,
						     on_repos_page, f, err) < 0) {
			rc = -1;
			goto done;
		}
	}
	f->done = f->listing.outstanding == 0;
	rc = 0;
done:
	orgs_repos_release(&page);
	return rc;
}

int orgs_fetch_start(struct ml_org_fetch *f, struct ml_error *err)
{
	struct ml_buf subject = ML_BUF_INIT;

	if (buf_printf(&subject, "%s '%s'", owner_kind(&f->owner), f->owner.name) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	free(f->subject);
	f->subject = buf_detach(&subject);
	if (github_get(f->gh, orgs_repos_url(f->gh->api_url, &f->owner), on_repos_page, f, err) < 0)
		return -1;
	f->listing.outstanding = 1;
	return 0;
}

void orgs_fetch_release(struct ml_org_fetch *f)
{
	github_listing_release(&f->listing);
	free(f->subject);
	f->subject = NULL;
}
