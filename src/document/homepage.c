/* homepage.c: the newsletter's site repository through libgit2: the last
 * published issue before a month, and the month's draft file. */
#include "mergeletter/document/homepage.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mergeletter/git/gitsource.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

#define ISSUES_DIR "content/this-month"

static int site_fail(struct ml_error *err, const char *site, const char *what)
{
	const git_error *e = git_error_last();

	return error_set(err, ML_EXIT_SOURCE, "'%s': %s: %s", site, what,
			 e && e->message ? e->message : "unknown libgit2 error");
}

/* Open the site repository (libgit2 started; the caller shuts it down). */
static int site_open(git_repository **repo, const char *site, struct ml_error *err)
{
	int e;

	*repo = NULL;
	gitsource_begin();
	e = git_repository_open_ext(repo, site, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (e == GIT_ENOTFOUND) {
		git_error_clear();
		return error_set(err, ML_EXIT_SOURCE,
				 "'%s': not a git repository; give --homepage the path of a clone "
				 "of the newsletter's site",
				 site);
	}
	return e < 0 ? site_fail(err, site, "cannot open the repository") : 0;
}

/* "2023-08" for the month of r. */
static int month_dir(const struct ml_range *r, char *out, size_t n, struct ml_error *err)
{
	if (!r->month)
		return error_set(err, ML_EXIT_USAGE, "--homepage needs a month (--month YYYY-MM)");
	snprintf(out, n, "%04d-%02d", r->year, r->month);
	return 0;
}

static int is_month_name(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (i == 4 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	return s[7] == '\0';
}

/* The tree of ref (NULL: origin's default branch, else HEAD). */
static int site_tree(git_tree **tree, git_repository *repo, const char *site, const char *ref,
		     struct ml_error *err)
{
	git_object *obj = NULL;
	struct ml_buf remote = ML_BUF_INIT;
	int e, rc = -1;

	*tree = NULL;
	if (ref) {
		e = git_revparse_single(&obj, repo, ref);
		if (e == GIT_ENOTFOUND && buf_printf(&remote, "refs/remotes/origin/%s", ref) == 0) {
			git_error_clear(); /* a branch only known as origin/REF */
			e = git_revparse_single(&obj, repo, remote.data);
		}
	} else {
		e = git_revparse_single(&obj, repo, "refs/remotes/origin/HEAD");
		if (e == GIT_ENOTFOUND) {
			git_error_clear();
			e = git_revparse_single(&obj, repo, "HEAD");
		}
	}
	if (e == GIT_ENOTFOUND || e == GIT_EINVALIDSPEC || e == GIT_EAMBIGUOUS ||
	    e == GIT_EUNBORNBRANCH) {
		git_error_clear();
		error_set(err, ML_EXIT_SOURCE,
			  "'%s': ref '%s' not found; name a branch of the site with --homepage-ref",
			  site, ref ? ref : "HEAD");
		goto done;
	}
	if (e < 0 || git_object_peel((git_object **)tree, obj, GIT_OBJECT_TREE) < 0) {
		site_fail(err, site, "cannot read the ref");
		goto done;
	}
	rc = 0;
done:
	git_object_free(obj);
	buf_release(&remote);
	return rc;
}

int homepage_previous(const char *site, const char *ref, const struct ml_range *range, char **text,
		      size_t *len, char **name, struct ml_error *err)
{
	git_repository *repo = NULL;
	git_tree *root = NULL, *issues = NULL;
	git_tree_entry *dir = NULL;
	git_object *blob = NULL;
	struct ml_buf path = ML_BUF_INIT, label = ML_BUF_INIT;
	const char *best = NULL;
	char month[16];
	int rc = -1;

	*text = *name = NULL;
	*len = 0;
	if (month_dir(range, month, sizeof month, err) < 0 || site_open(&repo, site, err) < 0 ||
	    site_tree(&root, repo, site, ref, err) < 0)
		goto done;
	if (git_tree_entry_bypath(&dir, root, ISSUES_DIR) < 0 ||
	    git_tree_entry_type(dir) != GIT_OBJECT_TREE ||
	    git_tree_lookup(&issues, repo, git_tree_entry_id(dir)) < 0) {
		git_error_clear();
		error_set(err, ML_EXIT_SOURCE,
			  "'%s': no " ISSUES_DIR
			  "/ on '%s'; give --homepage a clone of the newsletter's site",
			  site, ref ? ref : "the default branch");
		goto done;
	}
	for (size_t i = 0; i < git_tree_entrycount(issues); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(issues, i);
		const char *n = git_tree_entry_name(e);
		git_tree *sub = NULL;
		const git_tree_entry *index;

		if (git_tree_entry_type(e) != GIT_OBJECT_TREE || !is_month_name(n) ||
		    strcmp(n, month) >= 0 || (best && strcmp(n, best) <= 0))
			continue;
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0) {
			site_fail(err, site, "cannot read a tree");
			goto done;
		}
		index = git_tree_entry_byname(sub, "index.md");
		if (index && git_tree_entry_type(index) == GIT_OBJECT_BLOB)
			best = n;
		git_tree_free(sub);
	}
	if (!best) {
		error_set(
		    err, ML_EXIT_SOURCE,
		    "'%s': no issue before %s under " ISSUES_DIR
		    "/ on '%s'; name another ref with --homepage-ref, or give --previous FILE",
		    site, month, ref ? ref : "the default branch");
		goto done;
	}
	if (buf_printf(&path, ISSUES_DIR "/%s/index.md", best) < 0 ||
	    (ref ? buf_printf(&label, "%s:%s:%s", site, ref, buf_str(&path))
		 : buf_printf(&label, "%s:%s", site, buf_str(&path))) < 0) {
		error_oom(err);
		goto done;
	}
	if (git_object_lookup_bypath(&blob, (git_object *)root, path.data, GIT_OBJECT_BLOB) < 0) {
		site_fail(err, site, "cannot read the previous issue");
		goto done;
	}
	*len = (size_t)git_blob_rawsize((git_blob *)blob);
	*text = ml_strndup(git_blob_rawcontent((git_blob *)blob), *len);
	rc = *text ? 0 : error_oom(err);
	if (rc == 0)
		*name = buf_detach(&label);
done:
	git_object_free(blob);
	git_tree_entry_free(dir);
	git_tree_free(issues);
	git_tree_free(root);
	git_repository_free(repo);
	git_libgit2_shutdown();
	buf_release(&path);
	buf_release(&label);
	return rc;
}

int homepage_make_dir(const char *path, struct ml_error *err)
{
	char *dir = ml_strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	int rc = 0;

	if (!slash) {
		free(dir);
		return dir ? 0 : error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	*slash = '\0';
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		rc = error_set(err, ML_EXIT_FAILURE, "cannot create '%s': %s; check the clone", dir,
			       strerror(errno));
	free(dir);
	return rc;
}

int homepage_draft_path(const char *site, const struct ml_range *range, int allow_changes,
			char **out, struct ml_error *err)
{
	git_repository *repo = NULL;
	struct ml_buf rel = ML_BUF_INIT, full = ML_BUF_INIT;
	unsigned int flags = 0;
	char month[16];
	int rc = -1, e;

	*out = NULL;
	if (month_dir(range, month, sizeof month, err) < 0 || site_open(&repo, site, err) < 0)
		goto done;
	if (git_repository_is_bare(repo)) {
		error_set(err, ML_EXIT_USAGE,
			  "'%s': a bare repository has no work tree to write the draft into; give "
			  "--homepage a clone with a work tree",
			  site);
		goto done;
	}
	if (buf_printf(&rel, ISSUES_DIR "/%s/index.md", month) < 0 ||
	    buf_printf(&full, "%s%s", git_repository_workdir(repo), buf_str(&rel)) < 0) {
		error_oom(err);
		goto done;
	}
	e = git_status_file(&flags, repo, rel.data);
	if (e == GIT_ENOTFOUND) { /* neither tracked nor on disk */
		git_error_clear();
		flags = GIT_STATUS_CURRENT;
	} else if (e < 0) {
		site_fail(err, site, "cannot read the status of the draft");
		goto done;
	}
	if (flags != GIT_STATUS_CURRENT && !(flags & GIT_STATUS_IGNORED) && !allow_changes) {
		error_set(
		    err, ML_EXIT_USAGE,
		    "'%s' has uncommitted changes; commit or stash them before drafting over it",
		    full.data);
		goto done;
	}
	*out = buf_detach(&full);
	rc = 0;
done:
	git_repository_free(repo);
	git_libgit2_shutdown();
	buf_release(&rel);
	buf_release(&full);
	return rc;
}
