/* gittest.h: build small git repositories with libgit2 for the unit tests.
 *
 * Every commit has the empty tree; what matters to the git source is the
 * graph, the messages, the authors and the committer times. Helpers abort
 * the test program on a libgit2 failure (a broken fixture is not a test
 * result). The test file must define _XOPEN_SOURCE 700 before any include
 * (for nftw) and call git_libgit2_init() first.
 */
#ifndef MERGELETTER_GITTEST_H
#define MERGELETTER_GITTEST_H

#include <git2.h>
#include <git2/sys/commit_graph.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergeletter/util/range.h"
#include "tmptree.h"

static inline void gt_check(int rc, const char *what)
{
	const git_error *e;

	if (rc >= 0)
		return;
	e = git_error_last();
	fprintf(stderr, "fixture: %s: %s\n", what, e && e->message ? e->message : "failed");
	abort();
}

/* A new empty directory under $TMPDIR (newly allocated path). */
static inline char *gt_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *path = malloc(4096);

	if (!path)
		abort();
	snprintf(path, 4096, "%s/ml-gittest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(path))
		abort();
	return path;
}

/* rm -rf path, then free it. */
static inline void gt_rmtree(char *path)
{
	if (!path)
		return;
	tt_rmtree(path);
	free(path);
}

static inline git_repository *gt_init(const char *path, int bare)
{
	git_repository *repo = NULL;

	gt_check(git_repository_init(&repo, path, (unsigned)bare), "init");
	return repo;
}

/* Seconds since the epoch of an ISO time with an offset ("2023-08-01T01:30:00+02:00"). */
static inline int64_t gt_time(const char *iso)
{
	int64_t t = 0;

	if (range_parse_time(iso, &t) < 0) {
		fprintf(stderr, "fixture: bad time %s\n", iso);
		abort();
	}
	return t;
}

struct gt_commit {
	const char *message;
	const char *author_email; /* NULL: "someone@example.com" */
	const char *when;	  /* committer (and author) time, ISO with offset */
	int tz_minutes;		  /* the offset recorded in the commit */
	const char *ref;	  /* ref to move to the new commit, or NULL */
};

/* Create a commit with the given parents (0 to 2); returns its id. */
static inline git_oid gt_commit(git_repository *repo, const struct gt_commit *c, const git_oid *p1,
				const git_oid *p2)
{
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_commit *parents[2] = {NULL, NULL};
	const git_commit *pv[2];
	git_oid tree_id, id;
	size_t n = 0;
	int64_t t = gt_time(c->when);

	gt_check(git_treebuilder_new(&tb, repo, NULL), "treebuilder");
	gt_check(git_treebuilder_write(&tree_id, tb), "write tree");
	gt_check(git_tree_lookup(&tree, repo, &tree_id), "tree lookup");
	gt_check(git_signature_new(&author, "Some One",
				   c->author_email ? c->author_email : "someone@example.com",
				   (git_time_t)t, c->tz_minutes),
		 "author");
	gt_check(git_signature_new(&committer, "GitHub", "noreply@github.com", (git_time_t)t,
				   c->tz_minutes),
		 "committer");
	if (p1)
		gt_check(git_commit_lookup(&parents[n++], repo, p1), "parent 1");
	if (p2)
		gt_check(git_commit_lookup(&parents[n++], repo, p2), "parent 2");
	pv[0] = parents[0];
	pv[1] = parents[1];
	gt_check(
	    git_commit_create(&id, repo, NULL, author, committer, NULL, c->message, tree, n, pv),
	    "commit");
	if (c->ref) {
		git_reference *ref = NULL;

		gt_check(git_reference_create(&ref, repo, c->ref, &id, 1, NULL), "ref");
		git_reference_free(ref);
	}
	git_commit_free(parents[0]);
	git_commit_free(parents[1]);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return id;
}

/* Write a commit object from raw text with git_odb_write(), for what
 * libgit2 will not create (an "encoding" header, an impossible time): the
 * empty tree, the parent when given, then `rest` (the other headers, a
 * blank line and the message). Returns its id. */
static inline git_oid gt_raw_commit(git_repository *repo, const git_oid *parent, const char *rest)
{
	git_treebuilder *tb = NULL;
	git_odb *odb = NULL;
	char tree_hex[GIT_OID_HEXSZ + 1], parent_hex[GIT_OID_HEXSZ + 1], text[4096];
	git_oid tree_id, id;
	int n;

	gt_check(git_treebuilder_new(&tb, repo, NULL), "treebuilder");
	gt_check(git_treebuilder_write(&tree_id, tb), "write tree");
	git_oid_tostr(tree_hex, sizeof tree_hex, &tree_id);
	if (parent)
		git_oid_tostr(parent_hex, sizeof parent_hex, parent);
	n = snprintf(text, sizeof text, "tree %s\n%s%s%s%s", tree_hex, parent ? "parent " : "",
		     parent ? parent_hex : "", parent ? "\n" : "", rest);
	if (n < 0 || (size_t)n >= sizeof text)
		abort();
	gt_check(git_repository_odb(&odb, repo), "odb");
	gt_check(git_odb_write(&id, odb, text, (size_t)n, GIT_OBJECT_COMMIT), "odb write");
	git_odb_free(odb);
	git_treebuilder_free(tb);
	return id;
}

static inline void gt_ref(git_repository *repo, const char *name, const git_oid *id)
{
	git_reference *ref = NULL;

	gt_check(git_reference_create(&ref, repo, name, id, 1, NULL), "ref");
	git_reference_free(ref);
}

static inline void gt_symref(git_repository *repo, const char *name, const char *target)
{
	git_reference *ref = NULL;

	gt_check(git_reference_symbolic_create(&ref, repo, name, target, 1, NULL), "symref");
	git_reference_free(ref);
}

/* Set the origin remote's URL (through the config: git_remote_create() of
 * libgit2 1.5 leaks PCRE2 match data, libgit2 PR #6382). */
static inline void gt_origin(git_repository *repo, const char *url)
{
	git_config *cfg = NULL;

	gt_check(git_repository_config(&cfg, repo), "config");
	gt_check(git_config_set_string(cfg, "remote.origin.url", url), "remote url");
	gt_check(git_config_set_string(cfg, "remote.origin.fetch",
				       "+refs/heads/*:refs/remotes/origin/*"),
		 "remote fetch");
	git_config_free(cfg);
}

/* Delete a loose object, as if it were never fetched. */
static inline void gt_drop_object(git_repository *repo, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], path[4096];

	git_oid_tostr(hex, sizeof hex, id);
	snprintf(path, sizeof path, "%sobjects/%.2s/%s", git_repository_path(repo), hex, hex + 2);
	if (remove(path) != 0) {
		fprintf(stderr, "fixture: cannot remove %s\n", path);
		abort();
	}
}

/* Mark id as the boundary of a shallow clone. */
static inline void gt_shallow(git_repository *repo, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], path[4096];
	FILE *fp;

	git_oid_tostr(hex, sizeof hex, id);
	snprintf(path, sizeof path, "%sshallow", git_repository_path(repo));
	if (!(fp = fopen(path, "w")) || fprintf(fp, "%s\n", hex) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "fixture: cannot write %s\n", path);
		abort();
	}
}

/* Write objects/info/commit-graph covering every commit reachable from the
 * branches (as `git commit-graph write --reachable` would). */
static inline void gt_commit_graph(git_repository *repo)
{
	git_commit_graph_writer *w = NULL;
	git_commit_graph_writer_options opts;
	git_revwalk *walk = NULL;
	char dir[4096];

	gt_check(
	    git_commit_graph_writer_options_init(&opts, GIT_COMMIT_GRAPH_WRITER_OPTIONS_VERSION),
	    "graph options");
	snprintf(dir, sizeof dir, "%sobjects/info", git_repository_path(repo));
	gt_check(git_commit_graph_writer_new(&w, dir), "graph writer");
	gt_check(git_revwalk_new(&walk, repo), "revwalk");
	gt_check(git_revwalk_push_glob(walk, "refs/heads/*"), "revwalk push");
	gt_check(git_commit_graph_writer_add_revwalk(w, walk), "graph add");
	gt_check(git_commit_graph_writer_commit(w, &opts), "graph write");
	git_revwalk_free(walk);
	git_commit_graph_writer_free(w);
}

/* Set a boolean in the repository's config. */
static inline void gt_config_bool(git_repository *repo, const char *name, int value)
{
	git_config *cfg = NULL;

	gt_check(git_repository_config(&cfg, repo), "config");
	gt_check(git_config_set_bool(cfg, name, value), "config set");
	git_config_free(cfg);
}

#endif
