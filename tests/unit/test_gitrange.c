/* test_gitrange.c: a ref range of a clone means reachability (gitrange.h),
 * on histories of the shapes projects have: a `next` branch merged twice,
 * bors batches and homu merges, a maintenance branch with its own tags, a
 * revert pair, rebase merges; and generated histories from a seed. */
#define _XOPEN_SOURCE 700

#include <ctype.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "gittest.h"
#include "mergeletter/emit/markdown.h"
#include "mergeletter/emit/template.h"
#include "mergeletter/git/gitmsg.h"
#include "mergeletter/git/gitrelease.h"
#include "mergeletter/git/gitsource.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/model/filter.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

#define OWNER "rust-osdev"
#define ORIGIN "https://github.com/rust-osdev/uefi-rs.git"

/* A history being built: a clock that moves a minute a commit. */
struct hist {
	git_repository *r;
	char *dir;
	int64_t clock;
	int by_author;
};

static void hist_init(struct hist *h)
{
	memset(h, 0, sizeof *h);
	h->dir = gt_tmpdir();
	h->r = gt_init(h->dir, 1);
	h->clock = gt_time("2023-01-01T00:00:00Z");
	gt_origin(h->r, ORIGIN);
}

static void hist_done(struct hist *h)
{
	git_repository_free(h->r);
	gt_rmtree(h->dir);
}

/* A commit with up to 8 parents, by author email (committed by GitHub, or
 * by the author when h->by_author), one minute after the last. */
static git_oid hcommit(struct hist *h, const char *msg, const char *email, const git_oid *parents,
		       size_t n)
{
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL, *committer = NULL;
	git_commit *pc[8] = {NULL};
	const git_commit *pv[8];
	git_oid tree_id, id;

	h->clock += 60;
	gt_check(git_treebuilder_new(&tb, h->r, NULL), "treebuilder");
	gt_check(git_treebuilder_write(&tree_id, tb), "write tree");
	gt_check(git_tree_lookup(&tree, h->r, &tree_id), "tree lookup");
	gt_check(git_signature_new(&sig, "Some One", email ? email : "someone@example.com",
				   (git_time_t)h->clock, 0),
		 "author");
	gt_check(git_signature_new(&committer, "GitHub",
				   h->by_author && email ? email : "noreply@github.com",
				   (git_time_t)h->clock, 0),
		 "committer");
	for (size_t i = 0; i < n && i < 8; i++) {
		gt_check(git_commit_lookup(&pc[i], h->r, &parents[i]), "parent");
		pv[i] = pc[i];
	}
	gt_check(git_commit_create(&id, h->r, NULL, sig, committer, NULL, msg, tree, n, pv),
		 "commit");
	for (size_t i = 0; i < n && i < 8; i++)
		git_commit_free(pc[i]);
	git_signature_free(sig);
	git_signature_free(committer);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return id;
}

static git_oid one(struct hist *h, git_oid tip, const char *msg, const char *email)
{
	return hcommit(h, msg, email, &tip, 1);
}

static git_oid two(struct hist *h, git_oid a, git_oid b, const char *msg)
{
	git_oid p[2] = {a, b};

	return hcommit(h, msg, NULL, p, 2);
}

/* A PR from a branch: a commit on a side branch off base (whose subject
 * names issue 999 like a squash would: it is the PR's own, not a PR), then
 * GitHub's merge of it into tip. */
static git_oid fork_pr_by(struct hist *h, git_oid tip, git_oid base, const char *from, long number,
			  const char *email)
{
	char msg[256];
	git_oid side;

	h->by_author = 1;
	side = one(h, base, "Fix the thing (#999)\n", email);
	h->by_author = 0;

	snprintf(msg, sizeof msg, "Merge pull request #%ld from %s\n\nPR %ld\n", number, from,
		 number);
	return two(h, tip, side, msg);
}

static git_oid fork_pr(struct hist *h, git_oid tip, git_oid base, const char *from, long number)
{
	return fork_pr_by(h, tip, base, from, number, "someone@example.com");
}

static git_oid squash_by(struct hist *h, git_oid tip, long number, const char *email)
{
	char msg[128];

	snprintf(msg, sizeof msg, "Change %ld (#%ld)\n", number, number);
	return one(h, tip, msg, email);
}

static git_oid squash(struct hist *h, git_oid tip, long number)
{
	return squash_by(h, tip, number, "1+someone@users.noreply.github.com");
}

static void tag(struct hist *h, const char *name, const git_oid *id)
{
	char ref[128];

	snprintf(ref, sizeof ref, "refs/tags/%s", name);
	gt_ref(h->r, ref, id);
}

/* A new history whose root commit is tagged name. */
static git_oid hist_root(struct hist *h, const char *name)
{
	git_oid root;

	hist_init(h);
	root = hcommit(h, "Initial\n", NULL, NULL, 0);
	tag(h, name, &root);
	return root;
}

static int by_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The PR numbers of from..to, sorted, as "1,2,3"; NULL on an error. */
static char *range_numbers(const char *dir, const char *from, const char *to)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, to, from, OWNER "/uefi-rs", NULL, NULL, NULL, 0, NULL};
	struct ml_buf b = ML_BUF_INIT;
	long *v;

	if (gitsource_read(&q, &l, NULL, &err) < 0) {
		fprintf(stderr, "  %s..%s: %s\n", from, to, err.msg);
		error_clear(&err);
		return NULL;
	}
	v = calloc(l.len + 1, sizeof *v);
	for (size_t i = 0; i < l.len; i++)
		v[i] = l.items[i].number;
	qsort(v, l.len, sizeof *v, by_long);
	for (size_t i = 0; i < l.len; i++)
		buf_printf(&b, "%s%ld", i ? "," : "", v[i]);
	free(v);
	pr_list_release(&l);
	return b.data ? buf_detach(&b) : ml_strdup("");
}

/* The numbers of from..to that filter_apply_release() sets aside, sorted. */
static char *set_aside(const char *dir, const char *from, const char *to)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, to, from, OWNER "/uefi-rs", NULL, NULL, NULL, 0, NULL};
	struct ml_filter *f = NULL;
	struct ml_buf b = ML_BUF_INIT;

	if (filter_new(&f, NULL, &err) < 0 || gitsource_read(&q, &l, NULL, &err) < 0) {
		filter_free(f);
		error_clear(&err);
		return NULL;
	}
	pr_list_sort(&l);
	filter_apply_release(f, &l);
	for (size_t i = 0; i < l.len; i++)
		if (l.items[i].is_bump)
			buf_printf(&b, "%s%ld", b.len ? "," : "", l.items[i].number);
	filter_free(f);
	pr_list_release(&l);
	return b.data ? buf_detach(&b) : ml_strdup("");
}

/* CHECK_STR of a newly allocated string, then free it. */
#define CHECK_OWNED(expr, want)                                                                    \
	do {                                                                                       \
		char *got_ = (expr);                                                               \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)
#define CHECK_ASIDE(dir, from, to, want) CHECK_OWNED(set_aside(dir, from, to), want)

#define CHECK_RANGE(dir, from, to, want) CHECK_OWNED(range_numbers(dir, from, to), want)

/* PRs merged into `next` for months, `next` merged into main twice (once
 * through a PR from the repository's own branch, once by hand). */
static void next_merged_twice(void)
{
	struct hist h;
	git_oid m, n, v1;

	m = v1 = hist_root(&h, "v1.0");
	n = fork_pr(&h, v1, v1, "alice/a", 1);
	n = squash(&h, n, 2);
	m = squash(&h, m, 3);
	m = two(&h, m, n,
		"Merge pull request #4 from " OWNER "/next\n\nUpdate `main` with `next`\n");
	n = squash(&h, n, 5);
	m = fork_pr(&h, m, m, "bob/b", 6);
	m = two(&h, m, n, "Merge branch 'next'\n");
	tag(&h, "v2.0", &m);
	m = squash(&h, m, 7);
	gt_ref(h.r, "refs/heads/main", &m);
	gt_symref(h.r, "HEAD", "refs/heads/main");
	/* the first-parent line alone has 3, 4 and 6 */
	CHECK_RANGE(h.dir, "v1.0", "v2.0", "1,2,3,4,5,6");
	CHECK_RANGE(h.dir, "v2.0", "main", "7");
	CHECK_RANGE(h.dir, "v1.0", "main", "1,2,3,4,5,6,7");
	CHECK_ASIDE(h.dir, "v1.0", "v2.0", "4"); /* the sync PR from rust-osdev/next */
	hist_done(&h);
}

/* bors-ng merges (one PR, a batch as an octopus) and homu's. */
static void bors_and_homu(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct hist h;
	git_oid m, a, b, p[3];
	struct ml_git_query q = {NULL, "main", "v1", OWNER "/uefi-rs", NULL, NULL, NULL, 0, NULL};

	m = hist_root(&h, "v1");
	h.by_author = 1; /* the PRs' own commits, as their authors made them */
	a = one(&h, m, "wip (#998)\n", "ann@example.com");
	b = one(&h, m, "more\n", "ben@example.com");
	h.by_author = 0;
	p[0] = m;
	p[1] = a;
	p[2] = b;
	m = hcommit(&h,
		    "Merge #12 #34\n\n12: Add the thing r=max a=ann\n\nBody of 12.\n\n"
		    "34: Fix: the other r=max,kim a=ben\n\nBody.\n\nCo-authored-by: Ann "
		    "<ann@example.com>\n",
		    "bors@example.com", p, 3);
	a = one(&h, m, "single\n", "cy@example.com");
	m = two(&h, m, a, "Merge #77\n\n77: Only one r=max a=cy\n");
	a = one(&h, m, "fix\n", "dee@example.com");
	m = two(&h, m, a, "Auto merge of #80 - dee:fix-it, r=max\n\nFix it properly\n\nLonger.\n");
	gt_ref(h.r, "refs/heads/main", &m);
	q.path = h.dir;
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	CHECK(l.len == 4);
	for (size_t i = 0; i < l.len; i++) {
		const struct ml_pr *pr = &l.items[i];

		if (pr->number == 12) {
			CHECK_STR(pr->title, "Add the thing");
			CHECK_STR(pr->author, "ann");
		} else if (pr->number == 34) {
			CHECK_STR(pr->title, "Fix: the other");
			CHECK_STR(pr->author, "ben");
		} else if (pr->number == 77) {
			CHECK_STR(pr->title, "Only one");
			CHECK_STR(pr->author, "cy");
		} else if (pr->number == 80) {
			CHECK_STR(pr->title, "Fix it properly");
			CHECK_STR(pr->author, "dee");
		} else {
			CHECK(!"unexpected PR");
			fprintf(stderr, "  #%ld\n", pr->number);
		}
	}
	pr_list_release(&l);
	hist_done(&h);
}

/* A maintenance branch with its own tags: a backport there is in its
 * release, not in the next one of main. */
static void maintenance_branch(void)
{
	struct hist h;
	git_oid m, v10, mt;

	m = v10 = hist_root(&h, "v1.0");
	m = squash(&h, m, 20);
	mt = one(&h, v10, "Fix a crash (backport of #20) (#22)\n", NULL);
	tag(&h, "v1.0.1", &mt);
	m = squash(&h, m, 21);
	m = fork_pr(&h, m, v10, "eve/feature", 23);
	tag(&h, "v1.1", &m);
	mt = squash(&h, mt, 24);
	tag(&h, "v1.0.2", &mt);
	gt_ref(h.r, "refs/heads/main", &m);
	CHECK_RANGE(h.dir, "v1.0", "v1.0.1", "22");
	CHECK_RANGE(h.dir, "v1.0.1", "v1.0.2", "24");
	CHECK_RANGE(h.dir, "v1.0", "v1.1", "20,21,23");
	CHECK_RANGE(h.dir, "v1.0.1", "v1.1", "20,21,23"); /* not an ancestor: still by reach */
	CHECK_RANGE(h.dir, "v1.1", "v1.0", "");
	hist_done(&h);
}

/* A revert pair and rebase merges: each PR once. */
static void revert_and_rebase(void)
{
	struct hist h;
	git_oid m, v1;

	m = v1 = hist_root(&h, "v1");
	m = one(&h, m, "Add x (#30)\n", NULL);
	m = one(&h, m, "Revert \"Add x (#30)\" (#31)\n\nReverts " OWNER "/uefi-rs#30\n", NULL);
	/* GitHub's rebase and merge keeps each commit's message: one that
	 * names its PR counts once; one that names none cannot be told offline */
	m = one(&h, m, "Part one (#40)\n", NULL);
	m = one(&h, m, "Part two (#40)\n", NULL);
	m = one(&h, m, "Part three, no number\n", NULL);
	gt_ref(h.r, "refs/heads/main", &m);
	CHECK_RANGE(h.dir, "v1", "main", "30,31,40");
	CHECK_ASIDE(h.dir, "v1", "main", "30,31"); /* the pair, both */
	hist_done(&h);
}

static void check_previous(const char *dir, const char *to, const char *want)
{
	struct ml_error err = ML_ERROR_INIT;
	char *tag = NULL;
	int rc = gitsource_previous_release(dir, to, NULL, 1, &tag, &err);

	if (want) {
		CHECK(rc == 0);
		CHECK_STR(tag, want);
	} else {
		CHECK(rc < 0 && err.exit_code == ML_EXIT_SOURCE && strstr(err.msg, "--from"));
	}
	if (rc < 0 && want)
		fprintf(stderr, "  %s: %s\n", to ? to : "(tip)", err.msg);
	error_clear(&err);
	free(tag);
}

/* The release before a tag: the highest release tag it reaches, of its
 * prefix, prereleases only for a prerelease; the tip's latest release. */
static void previous_release(void)
{
	struct hist h;
	git_oid m, mt, root;
	struct ml_semver a, b;

	root = m = hist_root(&h, "v0.9.0");
	tag(&h, "not-a-version", &root);
	m = squash(&h, m, 1);
	tag(&h, "v1.0.0", &m);
	tag(&h, "uefi-raw-v0.5.0", &m);
	mt = squash(&h, m, 2);
	tag(&h, "v1.0.1", &mt); /* the maintenance line */
	m = squash(&h, m, 3);
	tag(&h, "v1.1.0-beta.1", &m);
	m = squash(&h, m, 4);
	tag(&h, "v1.1.0-rc.1", &m);
	tag(&h, "uefi-raw-v0.6.0", &m);
	m = squash(&h, m, 5);
	tag(&h, "v1.1.0", &m);
	tag(&h, "v1.10.0-alpha", &m); /* a same-commit prerelease: skipped */
	m = squash(&h, m, 6);
	gt_ref(h.r, "refs/heads/main", &m);
	gt_symref(h.r, "HEAD", "refs/heads/main");
	/* the same answers without and with a commit-graph, whose generations
	 * rule out the later tags without a walk */
	for (int graph = 0; graph <= 1; graph++) {
		if (graph)
			gt_commit_graph(h.r);
		check_previous(h.dir, "v1.1.0", "v1.0.0"); /* not v1.0.1: not an ancestor */
		check_previous(h.dir, "v1.0.1", "v1.0.0");
		check_previous(h.dir, "v1.1.0-rc.1", "v1.1.0-beta.1");
		check_previous(h.dir, "v1.1.0-beta.1", "v1.0.0");
		check_previous(h.dir, "uefi-raw-v0.6.0", "uefi-raw-v0.5.0");
		check_previous(h.dir, "v1.0.0", "v0.9.0");
		check_previous(h.dir, "v0.9.0", NULL);
		check_previous(h.dir, NULL,
			       "v1.1.0"); /* unreleased: the latest release to the tip */
		check_previous(h.dir, "main", "v1.1.0");
		CHECK_RANGE(h.dir, "v1.1.0", "main", "6");
	}
	CHECK(gitrelease_parse("uefi-v0.38.0", &a) && a.prefix_len == 5 && a.minor == 38);
	CHECK(gitrelease_parse("1.2", &a) && a.prefix_len == 0 && a.patch == 0 && !a.pre);
	CHECK(!gitrelease_parse("v1", &a) && !gitrelease_parse("release-x", &a));
	CHECK(!gitrelease_parse("x1.2.3", &a)); /* a version starts after a separator */
	CHECK(gitrelease_parse("1.0.0-rc.1", &a) && gitrelease_parse("1.0.0-rc.10", &b));
	CHECK(gitrelease_compare(&a, &b) < 0 && gitrelease_compare(&b, &a) > 0);
	CHECK(gitrelease_parse("1.0.0-alpha", &a) && gitrelease_parse("1.0.0-alpha.1", &b));
	CHECK(gitrelease_compare(&a, &b) < 0);
	CHECK(gitrelease_parse("1.0.0-2", &a) && gitrelease_parse("1.0.0-beta", &b));
	CHECK(gitrelease_compare(&a, &b) < 0); /* numeric below alphanumeric */
	CHECK(gitrelease_parse("1.0.0+build.5", &a) && gitrelease_parse("1.0.0", &b));
	CHECK(gitrelease_compare(&a, &b) == 0);
	hist_done(&h);
}

/* The previous release as the refs store it and as the history reaches
 * it: an annotated tag (loose, then packed with its peeled commit), a tag
 * of a tree, a release reached only through a merge (not on TO's
 * first-parent line), and one behind a commit whose clock is a day slow
 * (the line is given up before it: libgit2 answers). */
static void previous_release_shapes(void)
{
	struct hist h;
	git_oid m, side, tree_id, tag_id;
	git_treebuilder *tb = NULL;
	git_signature *who = NULL;
	git_object *target = NULL;
	git_refdb *refdb = NULL;

	m = hist_root(&h, "v1.0.0");
	m = squash(&h, m, 1);
	gt_check(git_signature_new(&who, "Rel", "rel@example.com", (git_time_t)h.clock, 0), "sig");
	gt_check(git_object_lookup(&target, h.r, &m, GIT_OBJECT_COMMIT), "lookup");
	gt_check(git_tag_create(&tag_id, h.r, "v2.0.0", target, who, "Release 2.0.0\n", 0),
		 "annotated tag");
	git_object_free(target);
	git_signature_free(who);
	gt_check(git_treebuilder_new(&tb, h.r, NULL), "treebuilder");
	gt_check(git_treebuilder_write(&tree_id, tb), "write tree");
	git_treebuilder_free(tb);
	tag(&h, "v9.0.0", &tree_id); /* names no commit */
	side = squash(&h, m, 2);
	tag(&h, "v2.1.0", &side);
	m = squash(&h, m, 3);
	m = two(&h, m, side, "Merge branch 'release-2.1'\n");
	tag(&h, "v2.2.0", &m);
	m = squash(&h, m, 4);
	tag(&h, "v2.3.0", &m);
	h.clock -= 2 * 24 * 60 * 60; /* a day and more slow */
	m = squash(&h, m, 5);
	h.clock += 2 * 24 * 60 * 60;
	m = squash(&h, m, 6);
	tag(&h, "v2.4.0", &m);
	gt_ref(h.r, "refs/heads/main", &m);
	gt_symref(h.r, "HEAD", "refs/heads/main");
	for (int packed = 0; packed < 2; packed++) {
		check_previous(h.dir, "v2.0.0", "v1.0.0");
		check_previous(h.dir, "v2.1.0", "v2.0.0"); /* annotated, on the line */
		check_previous(h.dir, "v2.2.0", "v2.1.0"); /* through the merge only */
		check_previous(h.dir, "v2.4.0", "v2.3.0"); /* behind the slow clock */
		check_previous(h.dir, NULL, "v2.4.0");
		gt_check(git_repository_refdb(&refdb, h.r), "refdb");
		gt_check(git_refdb_compress(refdb), "pack the refs");
		git_refdb_free(refdb);
	}
	hist_done(&h);
}

/* Release notes end to end from a clone: the built-in release-notes
 * template with categories, breaking changes first, conventional types
 * dropped, housekeeping set aside, new contributors, the compare link. */
static void release_notes(void)
{
	static const char want[] =
	    "## v2.0.0 (2023-01-01)\n\n"
	    "### Breaking changes\n\n"
	    "- [msr: drop the old API](https://github.com/rust-osdev/uefi-rs/pull/3)\n"
	    "- [Rework the loader](https://github.com/rust-osdev/uefi-rs/pull/5)\n\n"
	    "### Features\n\n"
	    "- [msr: add write_msr](https://github.com/rust-osdev/uefi-rs/pull/2)\n\n"
	    "### Other changes\n\n"
	    "- [Tidy up](https://github.com/rust-osdev/uefi-rs/pull/4)\n\n"
	    "### New contributors\n\n"
	    "- [@bob](https://github.com/bob) made their first contribution in "
	    "[#4](https://github.com/rust-osdev/uefi-rs/pull/4)\n\n"
	    "Thanks to [@alice](https://github.com/alice) and [@bob](https://github.com/bob) for "
	    "their contributions!\n\n"
	    "**Full Changelog**: https://github.com/rust-osdev/uefi-rs/compare/v1.0.0...v2.0.0\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_template tmpl = {0};
	struct ml_repo_cfg rc;
	struct ml_category cat;
	struct ml_draft d;
	struct ml_filter *f = NULL;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_range range = {0};
	struct hist h;
	git_oid m;

	m = hist_root(&h, "v0.1.0");
	m = one(&h, m, "Early work (#1)\n", "1+alice@users.noreply.github.com");
	tag(&h, "v1.0.0", &m);
	m = one(&h, m, "feat(msr): add write_msr (#2)\n", "1+alice@users.noreply.github.com");
	m = one(&h, m, "feat(msr)!: drop the old API (#3)\n", "1+alice@users.noreply.github.com");
	m = one(&h, m, "chore: Tidy up (#4)\n", "2+bob@users.noreply.github.com");
	m = one(&h, m, "Rework the loader (#5)\n\nBREAKING CHANGE: new entry point\n",
		"1+alice@users.noreply.github.com");
	m = one(&h, m, "Release v2.0.0 (#6)\n", "1+alice@users.noreply.github.com");
	tag(&h, "v2.0.0", &m);
	memset(&rc, 0, sizeof rc);
	memset(&cat, 0, sizeof cat);
	rc.git = h.dir;
	rc.repo = (char *)OWNER "/uefi-rs";
	rc.maintainers_known = 1;
	cat.title = (char *)"Features";
	strv_push(&cat.prefixes, "feat");
	rc.categories.v = &cat;
	rc.categories.n = 1;
	range.since = gt_time("2023-01-01T00:00:00Z");
	range.until = h.clock + 1;
	CHECK(markdown_template_load(&tmpl, "release-notes", &err) == 0);
	CHECK(draft_single(&d, &rc, &range, &err) == 0);
	CHECK(draft_set_refs(&d, "v1.0.0", "v2.0.0", &err) == 0);
	d.tmpl = &tmpl;
	d.deps_mode = ML_DEPS_DROP;
	CHECK(gitsource_fetch_draft(&d, NULL, 0, &err) == 0);
	CHECK(filter_new(&f, NULL, &err) == 0);
	filter_apply_release(f, &d.sections[0].repos[0].prs);
	CHECK(markdown_section(&out, &d, &d.sections[0].repos[0]) == 0);
	CHECK_STR(out.data, want);
	if (err.msg)
		fprintf(stderr, "  %s\n", err.msg);
	buf_release(&out);
	filter_free(f);
	draft_release(&d);
	template_release(&tmpl);
	strv_release(&cat.prefixes);
	hist_done(&h);
}

/* ---- generated histories ---- */

static unsigned long rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return (*s >> 33) & 0x7fffffff;
}

#define GEN_PRS 64
#define GEN_TAGS 6

struct gen {
	git_oid pr[GEN_PRS]; /* the commit that is PR n+1 (merge or squash) */
	size_t npr;
	git_oid tags[GEN_TAGS];
	size_t ntags;
};

static int rm_loose(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	const char *base = path + ftw->base;

	(void)sb;
	/* objects/XX/ and what is in it; not objects/pack or objects/info */
	if (flag == FTW_F && ftw->level == 2 && strlen(base) == GIT_OID_HEXSZ - 2)
		return remove(path);
	return 0;
}

/* Pack every object (libgit2's packbuilder) and drop the loose ones: a
 * run then reads one mapped pack instead of a file per object. */
static void pack(struct hist *h)
{
	git_packbuilder *pb = NULL;
	git_revwalk *rw = NULL;
	char objects[4200];

	gt_check(git_packbuilder_new(&pb, h->r), "packbuilder");
	gt_check(git_revwalk_new(&rw, h->r), "revwalk");
	gt_check(git_revwalk_push_glob(rw, "refs/*"), "push");
	gt_check(git_packbuilder_insert_walk(pb, rw), "insert");
	snprintf(objects, sizeof objects, "%sobjects", git_repository_path(h->r));
	gt_check(git_packbuilder_write(pb, NULL, 0, NULL, NULL), "pack write");
	git_revwalk_free(rw);
	git_packbuilder_free(pb);
	nftw(objects, rm_loose, 16, FTW_PHYS);
}

/* main, next and a maintenance line, with PRs of every kind, syncs, and
 * tags on main and the maintenance line. */
static void generate(struct hist *h, unsigned long seed, struct gen *g)
{
	git_oid lines[3];
	unsigned long s = seed;

	memset(g, 0, sizeof *g);
	lines[0] = lines[1] = lines[2] = hcommit(h, "Initial\n", NULL, NULL, 0);
	while (g->npr < GEN_PRS - 2) {
		unsigned long op = rnd(&s) % 10;
		size_t at = rnd(&s) % 3;
		long number = (long)g->npr + 1;
		char from[64], email[64];

		/* ten authors, some spelt in capitals: each one's first PR is
		 * somewhere in the history */
		snprintf(email, sizeof email, rnd(&s) % 4 ? "u%lu@example.com" : "U%lu@Example.COM",
			 rnd(&s) % 10);
		if (op < 4) {
			lines[at] = g->pr[g->npr++] = squash_by(h, lines[at], number, email);
		} else if (op < 7) {
			snprintf(from, sizeof from, "user%lu/topic", rnd(&s) % 5);
			lines[at] = g->pr[g->npr++] = fork_pr_by(
			    h, lines[at], (op == 6) ? lines[0] : lines[at], from, number, email);
		} else if (op == 7) { /* next into main through a PR */
			lines[0] = g->pr[g->npr++] =
			    two(h, lines[0], lines[1], "Merge pull request #0 from x/y\n");
			/* renumber: the message must name the PR */
			{
				char msg[128];

				snprintf(msg, sizeof msg,
					 "Merge pull request #%ld from " OWNER "/next\n\nSync\n",
					 number);
				h->clock -= 60;
				lines[0] = g->pr[g->npr - 1] =
				    hcommit(h, msg, NULL, (git_oid[]){lines[0], lines[1]}, 2);
			}
		} else if (op == 8) { /* by hand, both ways */
			if (rnd(&s) % 2)
				lines[0] = two(h, lines[0], lines[1], "Merge branch 'next'\n");
			else
				lines[1] =
				    two(h, lines[1], lines[0], "Merge branch 'main' into next\n");
		} else if (g->ntags < GEN_TAGS) {
			char name[32];

			g->tags[g->ntags] = lines[rnd(&s) % 2 ? 0 : 2];
			snprintf(name, sizeof name, "t%zu", g->ntags);
			tag(h, name, &g->tags[g->ntags++]);
		}
	}
	gt_ref(h->r, "refs/heads/main", &lines[0]);
	pack(h);
}

/* 1 when commit a is b or reachable from it. */
static int reaches(git_repository *r, const git_oid *b, const git_oid *a)
{
	return git_oid_equal(a, b) || git_graph_descendant_of(r, b, a) == 1;
}

#define GEN_ADDRS 32

/* The address the new-contributor check takes for PR commit id: its
 * author's, a merge's second parent's (lowercase). */
static void pr_address(git_repository *r, const git_oid *id, char *out, size_t n)
{
	git_commit *c = NULL, *head = NULL;

	gt_check(git_commit_lookup(&c, r, id), "pr commit");
	if (git_commit_parentcount(c) > 1)
		gt_check(git_commit_parent(&head, c, 1), "pr head");
	snprintf(out, n, "%s", git_commit_author(head ? head : c)->email);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	git_commit_free(head);
	git_commit_free(c);
}

/* Every author address of the commits from reaches (lowercase), by a walk
 * of its own: the oracle of "no commit that FROM reaches carries it". */
static size_t addresses(git_repository *r, const git_oid *from, char out[][64])
{
	git_revwalk *rw = NULL;
	git_oid id;
	size_t n = 0;

	gt_check(git_revwalk_new(&rw, r), "revwalk");
	gt_check(git_revwalk_push(rw, from), "push");
	while (git_revwalk_next(&id, rw) == 0) {
		git_commit *c = NULL;
		char a[64];
		size_t k;

		gt_check(git_commit_lookup(&c, r, &id), "commit");
		snprintf(a, sizeof a, "%s", git_commit_author(c)->email);
		git_commit_free(c);
		for (char *p = a; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (k = 0; k < n && strcmp(out[k], a) != 0; k++)
			;
		if (k == n && n < GEN_ADDRS)
			memcpy(out[n++], a, sizeof a);
	}
	git_revwalk_free(rw);
	return n;
}

/* Each record's first_contribution as the oracle says (known[n]: the
 * addresses FROM reaches): 1 when all agree. */
static int new_contributors_right(git_repository *r, const struct gen *g,
				  const struct ml_pr_list *l, char known[][64], size_t n)
{
	for (size_t k = 0; k < l->len; k++) {
		char a[64];
		int carried = 0;

		if (l->items[k].number < 1 || l->items[k].number > (long)g->npr)
			return 0;
		pr_address(r, &g->pr[l->items[k].number - 1], a, sizeof a);
		for (size_t i = 0; i < n; i++)
			carried |= strcmp(known[i], a) == 0;
		if (l->items[k].first_contribution != !carried)
			return 0;
	}
	return 1;
}

/* Over seeded histories (main, next and a maintenance line; every kind of
 * PR, by ten authors): every range between two tags lists each PR its TO
 * reaches and its FROM does not, once; its new contributors are those
 * whose address no commit FROM reaches carries (an oracle walk of its
 * own); and with the addresses kept from the seed's earlier ranges (the
 * incremental cache) the answers are the same, reading fewer commits. */
static void generated_histories(void)
{
	int cases = 0, failed = 0, firsts = 0;
	size_t read_fresh = 0, read_kept = 0;

	for (unsigned long seed = 1; seed <= 18; seed++) {
		struct hist h;
		struct gen *g = malloc(sizeof *g);
		char *cache = gt_tmpdir(); /* kept across the seed's ranges */

		hist_init(&h);
		generate(&h, seed, g);
		for (size_t i = 0; i + 1 < g->ntags; i++) {
			char known[GEN_ADDRS][64];
			size_t nknown = addresses(h.r, &g->tags[i], known);

			for (size_t j = i + 1; j < g->ntags; j++) {
				struct ml_error err = ML_ERROR_INIT;
				struct ml_pr_list l = {NULL, 0, 0}, lk = {NULL, 0, 0};
				char from[GIT_OID_HEXSZ + 1], to[GIT_OID_HEXSZ + 1];
				struct ml_git_stats fresh = {0}, kept = {0};
				struct ml_git_query q = {
				    h.dir, to, from, OWNER "/uefi-rs", NULL, NULL, NULL, 1, &fresh};
				struct ml_git_query qk = {
				    h.dir, to, from, OWNER "/uefi-rs", NULL, NULL, cache, 0, &kept};
				int seen[GEN_PRS] = {0}, bad = 0;

				git_oid_tostr(from, sizeof from, &g->tags[i]);
				git_oid_tostr(to, sizeof to, &g->tags[j]);
				cases++;
				if (gitsource_read(&q, &l, NULL, &err) < 0) {
					fprintf(stderr, "  seed %lu: %s\n", seed, err.msg);
					error_clear(&err);
					failed++;
					continue;
				}
				for (size_t k = 0; k < l.len; k++) {
					long n = l.items[k].number;

					if (n < 1 || n > (long)g->npr || seen[n - 1]++)
						bad = 1; /* a decoy (#999) or twice */
				}
				for (size_t k = 0; k < g->npr; k++) {
					int want = reaches(h.r, &g->tags[j], &g->pr[k]) &&
						   !reaches(h.r, &g->tags[i], &g->pr[k]);

					if (want != (seen[k] == 1))
						bad = 1;
				}
				if (!bad && !new_contributors_right(h.r, g, &l, known, nknown))
					bad = 2;
				if (gitsource_read(&qk, &lk, NULL, &err) < 0) {
					error_clear(&err);
					bad = 3;
				} else if (lk.len != l.len) {
					bad = 3;
				}
				for (size_t k = 0; !bad && k < l.len; k++) {
					if (lk.items[k].number != l.items[k].number ||
					    lk.items[k].first_contribution !=
						l.items[k].first_contribution)
						bad = 3;
					firsts += l.items[k].first_contribution;
				}
				read_fresh += fresh.identity_commits;
				read_kept += kept.identity_commits;
				if (bad) {
					fprintf(stderr, "  seed %lu: tags %zu..%zu wrong (%s)\n",
						seed, i, j,
						bad == 1   ? "the PRs"
						: bad == 2 ? "the new contributors"
							   : "with the addresses kept");
					failed++;
				}
				pr_list_release(&l);
				pr_list_release(&lk);
			}
		}
		free(g);
		hist_done(&h);
		gt_rmtree(cache);
	}
	printf("generated: %d ranges, %d wrong; %d new contributors; commits read for them: "
	       "%zu without a cache, %zu with one\n",
	       cases, failed, firsts, read_fresh, read_kept);
	CHECK(cases >= 200);
	CHECK(failed == 0);
	CHECK(firsts >= 20);		   /* the property is not about nobody */
	CHECK(read_kept < read_fresh / 2); /* the kept addresses are used */
}

/* Over seeded histories with release tags of random versions (out of
 * order in time, some prereleases, some on the maintenance line): the
 * previous release of each tag is the highest version among the release
 * tags it reaches (not on its own commit; prereleases only for a
 * prerelease), as an oracle of git_graph_descendant_of() says; without a
 * commit-graph and with one, whose generations rule tags out. */
#define GEN_RELEASES 16

static void generated_previous_releases(void)
{
	int cases = 0, failed = 0, none = 0;

	for (unsigned long seed = 1; seed <= 12; seed++) {
		struct hist h;
		struct gen *g = malloc(sizeof *g);
		char names[GEN_RELEASES][32];
		git_oid at[GEN_RELEASES];
		struct ml_semver v[GEN_RELEASES];
		unsigned long st = seed * 7919;
		size_t n = 0;

		git_odb *odb = NULL;

		hist_init(&h);
		generate(&h, seed, g);
		gt_check(git_repository_odb(&odb, h.r), "odb");
		for (size_t k = 0; k < g->npr && n < GEN_RELEASES; k++) {
			/* generate() packed what its refs reach: a PR on a line
			 * no ref reaches is gone */
			if (rnd(&st) % 2 || !git_odb_exists(odb, &g->pr[k]))
				continue;
			snprintf(names[n], sizeof names[n], "v%lu.%lu.%zu%s", rnd(&st) % 3,
				 rnd(&st) % 4, n, rnd(&st) % 4 ? "" : "-rc.1");
			at[n] = g->pr[k];
			tag(&h, names[n], &at[n]);
			CHECK(gitrelease_parse(names[n], &v[n]));
			n++;
		}
		git_odb_free(odb);
		for (int graph = 0; graph <= 1; graph++) {
			for (size_t t = 0; graph && t < n; t++) { /* the graph covers every line */
				char ref[64];

				snprintf(ref, sizeof ref, "refs/heads/release-%zu", t);
				gt_ref(h.r, ref, &at[t]);
			}
			if (graph)
				gt_commit_graph(h.r);
			for (size_t t = 0; t < n; t++) {
				struct ml_error err = ML_ERROR_INIT;
				const char *want = NULL;
				char *got = NULL;
				size_t best = n;

				for (size_t c = 0; c < n; c++) {
					if (c == t || git_oid_equal(&at[c], &at[t]) ||
					    (v[c].pre && !v[t].pre) ||
					    git_graph_descendant_of(h.r, &at[t], &at[c]) != 1)
						continue;
					if (best == n || gitrelease_compare(&v[c], &v[best]) > 0)
						best = c;
				}
				want = best < n ? names[best] : NULL;
				none += !want;
				cases++;
				if (gitsource_previous_release(h.dir, names[t], NULL, 1, &got,
							       &err) < 0) {
					got = NULL; /* "no release before": an error */
					error_clear(&err);
				}
				if (want ? !got || strcmp(got, want) != 0 : got != NULL) {
					fprintf(stderr, "  seed %lu%s: before %s: %s, not %s\n",
						seed, graph ? " (graph)" : "", names[t],
						got ? got : "none", want ? want : "none");
					failed++;
				}
				free(got);
			}
		}
		free(g);
		hist_done(&h);
	}
	printf("previous releases: %d questions, %d wrong, %d with none\n", cases, failed, none);
	CHECK(cases >= 150);
	CHECK(failed == 0);
	CHECK(none < cases / 2);
}

int main(void)
{
	git_libgit2_init();
	RUN(next_merged_twice);
	RUN(bors_and_homu);
	RUN(maintenance_branch);
	RUN(revert_and_rebase);
	RUN(previous_release);
	RUN(previous_release_shapes);
	RUN(release_notes);
	RUN(generated_histories);
	RUN(generated_previous_releases);
	gitsource_end(); /* what the library held for the "run" */
	git_libgit2_shutdown();
	return DONE();
}
