/* test_gitsource.c: the git source on repositories built here with libgit2. */
#define _XOPEN_SOURCE 700

#include <stdlib.h>
#include <sys/stat.h>

#include "gittest.h"
#include "mergeletter/emit/markdown.h"
#include "mergeletter/git/gitmsg.h"
#include "mergeletter/git/gitsource.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/model/filter.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/sha256.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

#define NOREPLY "@users.noreply.github.com"
#define COMMIT(msg, email, when, tz) (&(struct gt_commit){(msg), (email), (when), (tz), NULL})

/* A side-branch commit and the merge of it into tip. */
static git_oid merge(git_repository *r, git_oid tip, const char *side_email, const char *side_msg,
		     const char *msg, const char *when, int tz)
{
	git_oid side = gt_commit(r, COMMIT(side_msg, side_email, when, tz), &tip, NULL);

	return gt_commit(r, COMMIT(msg, NULL, when, tz), &tip, &side);
}

/* The history every test reads: PRs on both sides of August 2023 in UTC,
 * committed at +02:00 (and one at -07:00). Returns the tip. */
static git_oid build_history(git_repository *r)
{
	git_oid t;

	t = gt_commit(r, COMMIT("Initial commit\n", NULL, "2023-06-15T12:00:00+02:00", 120), NULL,
		      NULL);
	t = gt_commit(r,
		      COMMIT("Old thing (#1)\n", "5+old" NOREPLY, "2023-07-20T12:00:00+02:00", 120),
		      &t, NULL);
	t = merge(r, t, "2+alice" NOREPLY, "boundary work\n",
		  "Merge pull request #2 from alice/boundary\n\nJust before August\n",
		  "2023-08-01T01:30:00+02:00", 120); /* 2023-07-31T23:30Z */
	t = gt_commit(r,
		      COMMIT("First in range (#3)\n", "1234+bob" NOREPLY,
			     "2023-08-01T02:30:00+02:00", 120), /* 00:30Z */
		      &t, NULL);
	t = merge(r, t, "carol.real@example.com",
		  "Add Foo\n\nCo-authored-by: Gina <88+gina" NOREPLY ">\n",
		  "Merge pull request #4 from carol/feature\n\nAdd `Foo` support\n\nLonger text.\n",
		  "2023-08-05T10:00:00-07:00", -420);
	t = merge(r, t, "49699333+dependabot[bot]" NOREPLY, "Bump log from 0.4.19 to 0.4.20\n",
		  "Merge pull request #5 from rust-osdev/dependabot/cargo/log-0.4.20\n\nBump log "
		  "from 0.4.19 to 0.4.20\n",
		  "2023-08-10T10:00:00+02:00", 120);
	t = merge(r, t, "999+phip1611" NOREPLY, "change\n",
		  "Merge pull request #6 from rust-osdev/phip-branch\n\nMaintainer change\n",
		  "2023-08-12T10:00:00+02:00", 120);
	t = merge(r, t, "real@example.com", "change\n",
		  "Merge pull request #7 from rust-osdev/some-branch\n\nUnknown merge author\n",
		  "2023-08-14T10:00:00+02:00", 120);
	t = gt_commit(r,
		      COMMIT("Improve docs (#8)\n\n* docs\n\nCo-authored-by: Eve <77+eve" NOREPLY
			     ">\nCo-authored-by: Frank <frank@example.com>\n",
			     "dave@example.com", "2023-08-15T10:00:00+02:00", 120),
		      &t, NULL);
	t = merge(r, t, NULL, "wip\n", "Merge branch 'main' into x\n", "2023-08-16T10:00:00+02:00",
		  120);
	t = gt_commit(r, COMMIT("Fix typo\n", NULL, "2023-08-17T10:00:00+02:00", 120), &t, NULL);
	t = merge(r, t, "29139614+renovate[bot]" NOREPLY, "Update serde\n",
		  "Merge pull request #10 from rust-osdev/renovate/serde\n\nUpdate serde\n",
		  "2023-08-18T10:00:00+02:00", 120);
	t = gt_commit(r,
		      COMMIT("Last in range (#11)\n", "1234+bob" NOREPLY,
			     "2023-09-01T01:59:59+02:00", 120), /* 2023-08-31T23:59:59Z */
		      &t, NULL);
	t = gt_commit(
	    r, COMMIT("After range (#12)\n", "1234+bob" NOREPLY, "2023-09-01T02:00:00+02:00", 120),
	    &t, NULL);
	t = gt_commit(r,
		      COMMIT("Later (#13)\n", "1234+bob" NOREPLY, "2023-09-10T10:00:00+02:00", 120),
		      &t, NULL);
	return t;
}

/* A clone of rust-osdev/uefi-rs on branch main; *tip_out gets the tip. */
static char *make_repo(int bare, const char *origin_url, git_oid *tip_out)
{
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, bare);
	git_oid tip;

	if (origin_url)
		gt_origin(r, origin_url);
	tip = build_history(r);
	gt_ref(r, "refs/heads/main", &tip);
	gt_symref(r, "HEAD", "refs/heads/main");
	if (tip_out)
		*tip_out = tip;
	git_repository_free(r);
	return dir;
}

static struct ml_range august(void)
{
	struct ml_range range;
	struct ml_error err = ML_ERROR_INIT;

	range_from_month(&range, "2023-08", &err);
	return range;
}

static const struct ml_pr *find(const struct ml_pr_list *l, long number)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].number == number)
			return &l->items[i];
	return NULL;
}

static void check_error(int rc, struct ml_error *err, const char *needle)
{
	CHECK(rc == -1);
	CHECK(err->exit_code == ML_EXIT_SOURCE);
	CHECK(err->msg && strstr(err->msg, needle));
	if (!err->msg || !strstr(err->msg, needle))
		fprintf(stderr, "  message: %s\n  wanted:  %s\n", err->msg ? err->msg : "(none)",
			needle);
	error_clear(err);
}

static char *numbers(const struct ml_pr_list *l)
{
	struct ml_buf b = ML_BUF_INIT;

	for (size_t i = 0; i < l->len; i++)
		buf_printf(&b, "%s%ld", i ? "," : "", l->items[i].number);
	return b.data ? buf_detach(&b) : ml_strdup("");
}

#define CHECK_NUMBERS(list, want)                                                                  \
	do {                                                                                       \
		char *got_ = numbers(list);                                                        \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void merges_and_squashes(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = make_repo(0, "https://github.com/rust-osdev/uefi-rs.git", NULL), *used = NULL;
	const struct ml_pr *pr;

	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, &used, &err) == 0);
	CHECK_STR(used, "rust-osdev/uefi-rs");
	pr_list_sort(&l);
	CHECK_NUMBERS(&l, "3,4,5,6,7,8,10,11");
	if ((pr = find(&l, 3))) {
		CHECK_STR(pr->repo, "rust-osdev/uefi-rs");
		CHECK_STR(pr->title, "First in range");
		CHECK_STR(pr->author, "bob");
		CHECK(pr->merged_at == gt_time("2023-08-01T00:30:00Z"));
		CHECK(!pr->author_is_bot && pr->coauthors.n == 0);
	}
	if ((pr = find(&l, 4))) {
		CHECK_STR(pr->title, "Add `Foo` support");
		CHECK_STR(pr->author, "carol"); /* from "from carol/feature" */
		CHECK(pr->coauthors.n == 1 && strcmp(pr->coauthors.v[0], "gina") == 0);
		CHECK(pr->merged_at == gt_time("2023-08-05T17:00:00Z"));
	}
	if ((pr = find(&l, 5))) { /* same-repo dependabot branch */
		CHECK_STR(pr->title, "Bump log from 0.4.19 to 0.4.20");
		CHECK_STR(pr->author, "dependabot[bot]");
		CHECK(pr->author_is_bot);
	}
	if ((pr = find(&l, 6))) { /* a maintainer's same-repo branch */
		CHECK_STR(pr->author, "phip1611");
		CHECK(!pr->author_is_bot);
	}
	if ((pr = find(&l, 7))) { /* same-repo branch, no noreply address */
		CHECK_STR(pr->title, "Unknown merge author");
		CHECK(pr->author == NULL && !pr->author_is_bot);
	}
	if ((pr = find(&l, 8))) { /* squash without noreply, with co-authors */
		CHECK_STR(pr->title, "Improve docs");
		CHECK(pr->author == NULL);
		CHECK(pr->coauthors.n == 1 && strcmp(pr->coauthors.v[0], "eve") == 0);
	}
	if ((pr = find(&l, 10))) {
		CHECK_STR(pr->author, "renovate[bot]");
		CHECK(pr->author_is_bot);
	}
	if ((pr = find(&l, 11)))
		CHECK(pr->merged_at == gt_time("2023-08-31T23:59:59Z"));
	free(used);
	pr_list_release(&l);
	gt_rmtree(dir);
}

static void draft_and_markdown(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_repo_cfg rc;
	struct ml_draft d;
	struct ml_filter *f = NULL;
	struct ml_buf out = ML_BUF_INIT;
	char *dir = make_repo(0, "git@github.com:rust-osdev/uefi-rs.git", NULL);

	memset(&rc, 0, sizeof rc);
	rc.git = dir; /* no "repo": the origin names it */
	rc.maintainers_known = 1;
	CHECK(draft_single(&d, &rc, &range, &err) == 0);
	CHECK(gitsource_fetch_draft(&d, NULL, 0, &err) == 0);
	CHECK(filter_new(&f, NULL, &err) == 0);
	filter_apply(f, &d.sections[0].repos[0].prs);
	CHECK_STR(d.sections[0].repos[0].info.repo, "rust-osdev/uefi-rs");
	CHECK(markdown_section(&out, &d, &d.sections[0].repos[0]) == 0);
	CHECK(out.data &&
	      strstr(out.data, "### [`uefi-rs`](https://github.com/rust-osdev/uefi-rs)\n"));
	CHECK(out.data &&
	      strstr(out.data,
		     "- [First in range](https://github.com/rust-osdev/uefi-rs/pull/3)\n"
		     "- [Add `Foo` support](https://github.com/rust-osdev/uefi-rs/pull/4)\n"));
	CHECK(out.data &&
	      strstr(out.data, "<!-- - [Bump log from 0.4.19 to "
			       "0.4.20](https://github.com/rust-osdev/uefi-rs/pull/5) -->\n"));
	CHECK(
	    out.data &&
	    strstr(out.data,
		   "Thanks to [@bob](https://github.com/bob), [@carol](https://github.com/carol), "
		   "[@gina](https://github.com/gina), [@phip1611](https://github.com/phip1611), "
		   "and [@eve](https://github.com/eve) for their contributions!\n"));
	/* not #7: from the repository's own branch, a maintainer's */
	CHECK(out.data && strstr(out.data, "<!-- TODO: the authors of these PRs are unknown; add "
					   "them to the thanks line: #8 -->\n"));
	CHECK(err.msg == NULL);
	buf_release(&out);
	filter_free(f);
	draft_release(&d);
	gt_rmtree(dir);
}

static void bare_refs_and_tags(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = make_repo(1, "ssh://git@github.com/rust-osdev/uefi-rs", NULL);
	git_repository *r = NULL;
	git_oid root, rel;
	git_object *target = NULL;
	git_signature *sig = NULL;

	gt_check(git_repository_open(&r, dir), "open");
	root = gt_commit(r, COMMIT("Initial\n", NULL, "2023-06-01T00:00:00Z", 0), NULL, NULL);
	rel =
	    gt_commit(r, COMMIT("Release fix (#20)\n", "3+rel" NOREPLY, "2023-08-20T00:00:00Z", 0),
		      &root, NULL);
	gt_ref(r, "refs/heads/release", &rel);
	gt_check(git_object_lookup(&target, r, &rel, GIT_OBJECT_COMMIT), "lookup");
	gt_check(git_signature_new(&sig, "T", "t@example.com", 1700000000, 0), "sig");
	{
		git_oid tag;

		gt_check(git_tag_create(&tag, r, "v1.0", target, sig, "v1.0\n", 0), "tag");
	}
	git_signature_free(sig);
	git_object_free(target);
	git_repository_free(r);

	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK(l.len == 8); /* HEAD of the bare repository: main */
	pr_list_release(&l);
	CHECK(gitsource_fetch(dir, "release", NULL, &range, &l, NULL, &err) == 0);
	CHECK_NUMBERS(&l, "20");
	CHECK(l.len == 1 && strcmp(l.items[0].author, "rel") == 0);
	pr_list_release(&l);
	CHECK(gitsource_fetch(dir, "v1.0", NULL, &range, &l, NULL, &err) == 0); /* annotated tag */
	CHECK_NUMBERS(&l, "20");
	pr_list_release(&l);
	check_error(gitsource_fetch(dir, "nope", NULL, &range, &l, NULL, &err), &err,
		    "ref 'nope' not found");
	CHECK(l.len == 0);
	gt_rmtree(dir);
}

static void origin_default_branch(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	git_oid tip, topic;
	char *dir = make_repo(0, "https://github.com/rust-osdev/uefi-rs", &tip);
	git_repository *r = NULL;

	/* main only as origin/main; HEAD on a topic branch without PRs */
	gt_check(git_repository_open(&r, dir), "open");
	topic = gt_commit(r, COMMIT("topic\n", NULL, "2023-08-20T00:00:00Z", 0), NULL, NULL);
	gt_ref(r, "refs/heads/topic", &topic);
	gt_symref(r, "HEAD", "refs/heads/topic");
	gt_ref(r, "refs/remotes/origin/main", &tip);
	{
		git_reference *main_ref = NULL;

		gt_check(git_reference_lookup(&main_ref, r, "refs/heads/main"), "lookup");
		gt_check(git_reference_delete(main_ref), "delete");
		git_reference_free(main_ref);
	}
	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK(l.len == 0); /* no origin/HEAD yet: HEAD */
	gt_symref(r, "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
	git_repository_free(r);
	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK(l.len == 8);
	pr_list_release(&l);
	CHECK(gitsource_fetch(dir, "main", NULL, &range, &l, NULL, &err) == 0); /* origin/main */
	CHECK(l.len == 8);
	pr_list_release(&l);
	CHECK(gitsource_fetch(dir, "topic", NULL, &range, &l, NULL, &err) == 0);
	CHECK(l.len == 0);
	CHECK(err.msg == NULL);
	gt_rmtree(dir);
}

static void configured_repo_wins(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = make_repo(0, "https://github.com/rust-osdev/uefi-rs.git", NULL), *used = NULL;
	const struct ml_pr *pr;

	CHECK(gitsource_fetch(dir, NULL, "someone/fork", &range, &l, &used, &err) == 0);
	CHECK_STR(used, "someone/fork");
	CHECK(l.len == 8 && strcmp(l.items[0].repo, "someone/fork") == 0);
	if ((pr = find(&l, 6))) /* rust-osdev is still the origin's owner */
		CHECK_STR(pr->author, "phip1611");
	free(used);
	pr_list_release(&l);
	gt_rmtree(dir);

	/* no origin: the repository must be named */
	dir = make_repo(0, NULL, NULL);
	check_error(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err), &err,
		    "(no origin remote on github.com); give OWNER/REPO");
	CHECK(gitsource_fetch(dir, NULL, "rust-osdev/uefi-rs", &range, &l, NULL, &err) == 0);
	if ((pr = find(&l, 5)))
		CHECK_STR(pr->author, "dependabot[bot]");
	pr_list_release(&l);
	gt_rmtree(dir);

	/* a remote elsewhere than GitHub names no repository either */
	dir = make_repo(0, "https://gitlab.com/rust-osdev/uefi-rs.git", NULL);
	check_error(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err), &err,
		    "no origin remote on github.com");
	gt_rmtree(dir);
}

static void not_a_repository(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = gt_tmpdir();
	git_repository *r;

	check_error(gitsource_fetch(dir, NULL, "o/r", &range, &l, NULL, &err), &err,
		    "not a git repository");
	check_error(gitsource_fetch("/nonexistent/ml-test", NULL, "o/r", &range, &l, NULL, &err),
		    &err, "not a git repository");
	r = gt_init(dir, 0); /* a repository without commits */
	git_repository_free(r);
	check_error(gitsource_fetch(dir, NULL, "o/r", &range, &l, NULL, &err), &err,
		    "has no commits on HEAD");
	CHECK(l.len == 0);
	gt_rmtree(dir);
}

/* A shallow clone whose history starts at 2023-08-14 (its grafted root). */
static void shallow_clone(void)
{
	struct ml_range range = august(), late;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	git_oid old, edge, t;

	gt_origin(r, "https://github.com/o/r");
	old =
	    gt_commit(r, COMMIT("Old (#1)\n", NULL, "2023-07-10T12:00:00+02:00", 120), NULL, NULL);
	edge =
	    gt_commit(r, COMMIT("Edge (#2)\n", NULL, "2023-08-14T12:00:00+02:00", 120), &old, NULL);
	t = gt_commit(r, COMMIT("New (#3)\n", NULL, "2023-08-20T12:00:00+02:00", 120), &edge, NULL);
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	gt_drop_object(r, &old);
	gt_shallow(r, &edge);
	git_repository_free(r);

	check_error(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err), &err,
		    "history ends at 2023-08-14; fetch more with git fetch --deepen");
	CHECK(l.len == 0);
	/* a range that the history does reach */
	CHECK(range_from_bounds(&late, "2023-08-15", "2023-09-01", &err) == 0);
	CHECK(gitsource_fetch(dir, NULL, NULL, &late, &l, NULL, &err) == 0);
	CHECK_NUMBERS(&l, "3");
	pr_list_release(&l);
	CHECK(err.msg == NULL);
	gt_rmtree(dir);
}

/* Non-monotonic committer times are walked through; a run of old commits
 * ends the walk before the whole history is read. */
static void stop_rule(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	git_oid t, lost;

	gt_origin(r, "https://github.com/o/r");
	lost = gt_commit(r, COMMIT("Lost (#1)\n", NULL, "2023-08-02T00:00:00Z", 0), NULL, NULL);
	t = gt_commit(r, COMMIT("Hidden (#2)\n", NULL, "2023-08-03T00:00:00Z", 0), &lost, NULL);
	/* 40 commits from July: more than the stop rule's run */
	for (int i = 0; i < 40; i++)
		t = gt_commit(r, COMMIT("old\n", NULL, "2023-07-01T00:00:00Z", 0), &t, NULL);
	t = gt_commit(r, COMMIT("In range (#3)\n", NULL, "2023-08-04T00:00:00Z", 0), &t, NULL);
	/* a few skewed commits from before the range, then more of the range */
	for (int i = 0; i < 5; i++)
		t = gt_commit(r, COMMIT("skewed\n", NULL, "2023-07-15T00:00:00Z", 0), &t, NULL);
	t = gt_commit(r, COMMIT("Also in range (#4)\n", NULL, "2023-08-05T00:00:00Z", 0), &t, NULL);
	/* a cherry-pick that repeats a number: one record, the newest commit's */
	t = gt_commit(r, COMMIT("In range again (#3)\n", NULL, "2023-08-06T00:00:00Z", 0), &t,
		      NULL);
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	gt_drop_object(r, &lost); /* reading it would fail: the walk must stop before */
	git_repository_free(r);

	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK_NUMBERS(&l, "4,3"); /* in merge order already */
	CHECK(l.len == 2 && strcmp(l.items[1].title, "In range again") == 0);
	pr_list_release(&l);
	CHECK(err.msg == NULL);
	/* a range that needs the missing commit: a damaged repository */
	{
		struct ml_range july;

		range_from_month(&july, "2023-07", &err);
		CHECK(gitsource_fetch(dir, NULL, NULL, &july, &l, NULL, &err) == -1);
		CHECK(err.exit_code == ML_EXIT_SOURCE && err.msg && strstr(err.msg, "git fsck"));
		error_clear(&err);
	}
	gt_rmtree(dir);
}

/* A repository o/r whose root is the raw commit `rest` and whose main
 * branch a commit of 2023-08-20 on it; the directory, to gt_rmtree(). */
static char *raw_repo(const char *rest, int graph)
{
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 1);
	git_oid root, t;

	gt_origin(r, "https://github.com/o/r");
	root = gt_raw_commit(r, NULL, rest);
	t = gt_raw_commit(r, &root, /* 2023-08-20T12:00:00Z (libgit2 would look up the root) */
			  "author A <a@example.com> 1692532800 +0000\n"
			  "committer A <a@example.com> 1692532800 +0000\n\nTip (#9)\n");
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	if (graph)
		gt_commit_graph(r);
	git_repository_free(r);
	return dir;
}

/* The "encoding" header: the message is converted to UTF-8. */
static void commit_encoding(void)
{
	static const char *const encodings[] = {"ISO-8859-1", "latin1", "UTF-8"};
	static const char *const titles[] = {"Caf\xE9 na\xEFve \xFC"
					     "ber (#7)",
					     "Caf\xE9 na\xEFve \xFC"
					     "ber (#7)",
					     "Caf\xC3\xA9 na\xC3\xAFve \xC3\xBC"
					     "ber (#7)"};
	struct ml_range range = august();

	for (size_t i = 0; i < 3; i++) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_pr_list l = {NULL, 0, 0};
		struct ml_buf rest = ML_BUF_INIT;
		char *dir;

		buf_printf(&rest,
			   "author A <5+alice" NOREPLY "> 1691582400 +0000\n"
			   "committer GitHub <noreply@github.com> 1691582400 +0000\n"
			   "encoding %s\n\n%s\n\nCo-authored-by: J\xF6rg <6+joerg" NOREPLY ">\n",
			   encodings[i], titles[i]);
		dir = raw_repo(rest.data, 0);
		CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
		CHECK(err.msg == NULL);
		CHECK(l.len == 2);
		if (l.len == 2) {
			CHECK_STR(l.items[0].title, "Caf\xC3\xA9 na\xC3\xAFve \xC3\xBC"
						    "ber");
			CHECK_STR(l.items[0].author, "alice");
			CHECK(l.items[0].coauthors.n == 1);
		}
		pr_list_release(&l);
		buf_release(&rest);
		error_clear(&err);
		gt_rmtree(dir);
	}
}

/* An unknown encoding leaves the bytes as they are (the emitter replaces
 * what is not UTF-8); the walk goes on. */
static void commit_encoding_unknown(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = raw_repo("author A <a@example.com> 1691582400 +0000\n"
			     "committer A <a@example.com> 1691582400 +0000\n"
			     "encoding no-such-charset\n\nPlain title (#7)\n",
			     0);

	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK(l.len == 2 && strcmp(l.items[0].title, "Plain title") == 0);
	pr_list_release(&l);
	error_clear(&err);
	gt_rmtree(dir);
}

/* A committer time that does not fit (or is past year 9999) below the tip:
 * a damaged repository, exit 4, whether the walk reads the commit's header
 * or libgit2's parse of it (after a commit of the range). */
static void commit_time_out_of_range(void)
{
	static const char *const times[] = {"99999999999999999999999", "9223372036854775808",
					    "253402300800"};
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_buf rest = ML_BUF_INIT;
	char *dir;

	for (size_t i = 0; i < 3; i++) {
		buf_reset(&rest);
		buf_printf(&rest,
			   "author A <a@example.com> %s +0000\n"
			   "committer A <a@example.com> %s +0000\n\nFuture (#7)\n",
			   times[i], times[i]);
		dir = raw_repo(rest.data, 0);
		check_error(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err), &err,
			    "committer time out of range");
		CHECK(l.len == 0);
		gt_rmtree(dir);
	}
	/* with a commit-graph (34-bit times: libgit2 writes it wrapped), a commit
	 * outside the range is taken from the graph and never read, as in git */
	dir = raw_repo(rest.data, 1);
	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK_NUMBERS(&l, "9");
	pr_list_release(&l);
	error_clear(&err);
	gt_rmtree(dir);
	buf_release(&rest);
}

/* ---- the commit-graph ---- */

static uint32_t be32_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Change the graph's entry of commit id: its first parent becomes
 * parent (when not NULL), or its time becomes time. */
static void patch_graph(const char *dir, const git_oid *id, const git_oid *parent, int64_t time)
{
	char path[4096];
	unsigned char *m;
	long size;
	size_t oidl = 0, cdat = 0, n, pos = SIZE_MAX, ppos = SIZE_MAX;
	FILE *fp;

	snprintf(path, sizeof path, "%s/.git/objects/info/commit-graph", dir);
	fp = fopen(path, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET))
		abort();
	if (!(m = malloc((size_t)size)) || fread(m, 1, (size_t)size, fp) != (size_t)size)
		abort();
	fclose(fp);
	for (unsigned i = 0; i < m[6]; i++) {
		const unsigned char *e = m + 8 + 12 * i;

		if (memcmp(e, "OIDL", 4) == 0)
			oidl = be32_at(e + 8);
		if (memcmp(e, "CDAT", 4) == 0)
			cdat = be32_at(e + 8);
	}
	n = (cdat - oidl) / 20; /* OIDL comes right before CDAT */
	for (size_t i = 0; i < n; i++) {
		if (memcmp(m + oidl + 20 * i, id->id, 20) == 0)
			pos = i;
		if (parent && memcmp(m + oidl + 20 * i, parent->id, 20) == 0)
			ppos = i;
	}
	if (!oidl || !cdat || pos == SIZE_MAX || (parent && ppos == SIZE_MAX))
		abort();
	if (parent)
		put_be32(m + cdat + 36 * pos + 20, (uint32_t)ppos);
	else {
		put_be32(m + cdat + 36 * pos + 28,
			 (be32_at(m + cdat + 36 * pos + 28) & ~3u) | (uint32_t)(time >> 32));
		put_be32(m + cdat + 36 * pos + 32, (uint32_t)time);
	}
	chmod(path, 0644);
	if (!(fp = fopen(path, "wb")) || fwrite(m, 1, (size_t)size, fp) != (size_t)size ||
	    fclose(fp) != 0)
		abort();
	free(m);
}

struct skewed {
	git_oid tip, pr4, pr2, root, old, mid; /* old: one of the commits the walk
						* passes after the range; mid: the
						* tip when the stale graph is written */
};

/* Committer times that go back and forth around the start of August 2023
 * (since - one day = 2023-07-31T00:00:00Z is the stop rule's "old"):
 * from the root up, PR #1 in range behind 32 old commits (both walks stop
 * before it), PR #2 at exactly the start of the range behind 31 old
 * commits (one fewer than the stop rule's run), #3 a second before the
 * range, #4, 20 skewed commits, one exactly at since - one day (not old:
 * the run starts again), 20 more, #5, a merge #8, then (after mid) #7 at
 * the last second of August and #6 at the first of September. */
static struct skewed skewed_history(git_repository *r, int graph_at_mid)
{
	struct skewed s;
	git_oid t, side;

	gt_origin(r, "https://github.com/o/r");
	s.root = t = gt_commit(r, COMMIT("root\n", NULL, "2023-06-01T00:00:00Z", 0), NULL, NULL);
	t = gt_commit(r, COMMIT("Behind the run (#1)\n", NULL, "2023-08-02T00:00:00Z", 0), &t,
		      NULL);
	for (int i = 0; i < 32; i++) {
		t = gt_commit(r, COMMIT("old\n", NULL, "2023-07-30T23:59:59Z", 0), &t, NULL);
		if (i == 16)
			s.old = t;
	}
	s.pr2 = t =
	    gt_commit(r, COMMIT("At the start (#2)\n", NULL, "2023-08-01T00:00:00Z", 0), &t, NULL);
	for (int i = 0; i < 31; i++)
		t = gt_commit(r, COMMIT("old\n", NULL, "2023-07-30T23:59:59Z", 0), &t, NULL);
	t = gt_commit(r, COMMIT("A second before (#3)\n", NULL, "2023-07-31T23:59:59Z", 0), &t,
		      NULL);
	s.pr4 = t =
	    gt_commit(r, COMMIT("Fourth (#4)\n", NULL, "2023-08-03T00:00:00Z", 0), &t, NULL);
	for (int i = 0; i < 41; i++)
		t = gt_commit(r,
			      COMMIT("skewed\n", NULL,
				     i == 20 ? "2023-07-31T00:00:00Z" : "2023-07-15T00:00:00Z", 0),
			      &t, NULL);
	t = gt_commit(r, COMMIT("Fifth (#5)\n", NULL, "2023-08-10T00:00:00Z", 0), &t, NULL);
	side =
	    gt_commit(r, COMMIT("side\n", "9+alice" NOREPLY, "2023-08-11T00:00:00Z", 0), &t, NULL);
	s.mid = t = gt_commit(r,
			      COMMIT("Merge pull request #8 from alice/x\n\nEighth\n", NULL,
				     "2023-08-12T00:00:00Z", 0),
			      &t, &side);
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	if (graph_at_mid)
		gt_commit_graph(r);
	t = gt_commit(r, COMMIT("Last second (#7)\n", NULL, "2023-08-31T23:59:59Z", 0), &t, NULL);
	s.tip = gt_commit(r, COMMIT("September (#6)\n", NULL, "2023-09-01T00:00:00Z", 0), &t, NULL);
	gt_ref(r, "refs/heads/main", &s.tip);
	return s;
}

static void fetch_august(const char *dir, const char *want)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	const struct ml_pr *pr;

	CHECK(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err) == 0);
	CHECK(err.msg == NULL);
	if (err.msg)
		fprintf(stderr, "  error: %s\n", err.msg);
	error_clear(&err);
	CHECK_NUMBERS(&l, want);
	if ((pr = find(&l, 8))) {
		CHECK_STR(pr->author, "alice");
		CHECK_STR(pr->title, "Eighth");
		CHECK(pr->merged_at == gt_time("2023-08-12T00:00:00Z"));
	}
	if ((pr = find(&l, 2)))
		CHECK(pr->merged_at == gt_time("2023-08-01T00:00:00Z"));
	pr_list_release(&l);
}

#define SKEWED_WANT "2,4,5,8,7"

/* The walk with a commit-graph finds what the walk without finds, on
 * times skewed at the boundary, and it reads no object outside the range. */
static void graph_walk(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	struct skewed s = skewed_history(r, 0);

	fetch_august(dir, SKEWED_WANT); /* no graph */
	gt_commit_graph(r);
	fetch_august(dir, SKEWED_WANT);
	/* an object the walk passes but does not need: the graph answers for it */
	gt_drop_object(r, &s.old);
	fetch_august(dir, SKEWED_WANT);
	/* unless core.commitGraph is false, as in git */
	gt_config_bool(r, "core.commitGraph", 0);
	check_error(gitsource_fetch(dir, NULL, NULL, &range, &l, NULL, &err), &err, "git fsck");
	CHECK(l.len == 0);
	pr_list_release(&l); /* the records made before the error are gone, not the list's memory */
	gt_config_bool(r, "core.commitGraph", 1);
	fetch_august(dir, SKEWED_WANT);
	git_repository_free(r);
	gt_rmtree(dir);
}

/* A graph older than the tip: the newer commits are read from objects. */
static void graph_stale(void)
{
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	struct skewed s = skewed_history(r, 1);

	gt_drop_object(r, &s.old); /* the graph covers it */
	fetch_august(dir, SKEWED_WANT);
	git_repository_free(r);
	gt_rmtree(dir);
}

/* A graph that disagrees with the objects is dropped and the walk done
 * again without it; a graph that is not one is ignored. */
static void graph_damaged(void)
{
	char *dir = gt_tmpdir(), path[4096];
	git_repository *r = gt_init(dir, 0);
	struct skewed s = skewed_history(r, 0);
	FILE *fp;

	gt_commit_graph(r);
	/* the tip's time moved into the range: caught by the first check */
	patch_graph(dir, &s.tip, NULL, gt_time("2023-08-20T00:00:00Z"));
	fetch_august(dir, SKEWED_WANT);
	/* an in-range commit whose first parent would be the root (a walk
	 * that believed it would miss #2): caught when the commit is read */
	gt_commit_graph(r);
	patch_graph(dir, &s.pr4, &s.root, 0);
	fetch_august(dir, SKEWED_WANT);
	/* not a commit-graph at all */
	snprintf(path, sizeof path, "%s/.git/objects/info/commit-graph", dir);
	chmod(path, 0644);
	if (!(fp = fopen(path, "r+b")) || fputs("JUNK", fp) < 0 || fclose(fp) != 0)
		abort();
	fetch_august(dir, SKEWED_WANT);
	git_repository_free(r);
	gt_rmtree(dir);
}

/* Releases tagged on main: v1.0 (annotated) on the merge of #10, v1.1
 * (lightweight) on the squash of #13; #11 is committed before v1.0 in time
 * (a skewed clock): ranges go by ancestry, never by time. Branch "rel"
 * merged main at #11 into an old line: what rel reaches is hidden even
 * through a second parent, as in git. */
static char *make_release_repo(void)
{
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	git_object *target = NULL;
	git_signature *sig = NULL;
	git_oid t, root, v10, s11, rel, tag;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	root = gt_commit(r, COMMIT("Initial\n", NULL, "2023-06-01T00:00:00Z", 0), NULL, NULL);
	t = gt_commit(r, COMMIT("Old (#9)\n", "1+bob" NOREPLY, "2023-07-01T00:00:00Z", 0), &root,
		      NULL);
	v10 = merge(r, t, "2+alice" NOREPLY, "release\n",
		    "Merge pull request #10 from alice/release\n\nRelease 1.0\n",
		    "2023-08-10T00:00:00Z", 0);
	s11 =
	    gt_commit(r, COMMIT("Skewed clock (#11)\n", "1+bob" NOREPLY, "2023-08-09T00:00:00Z", 0),
		      &v10, NULL);
	t = merge(r, s11, "3+carol" NOREPLY, "work\n",
		  "Merge pull request #12 from carol/work\n\nCarol's work\n",
		  "2023-08-12T00:00:00Z", 0);
	t = gt_commit(r, COMMIT("Release 1.1 (#13)\n", "1+bob" NOREPLY, "2023-08-13T00:00:00Z", 0),
		      &t, NULL);
	gt_ref(r, "refs/tags/v1.1", &t);
	t = gt_commit(r, COMMIT("After (#14)\n", "1+bob" NOREPLY, "2023-08-14T00:00:00Z", 0), &t,
		      NULL);
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	rel =
	    gt_commit(r, COMMIT("Merge branch 'main' into rel\n", NULL, "2023-08-11T00:00:00Z", 0),
		      &root, &s11);
	gt_ref(r, "refs/heads/rel", &rel);
	gt_check(git_object_lookup(&target, r, &v10, GIT_OBJECT_COMMIT), "lookup");
	gt_check(git_signature_new(&sig, "T", "t@example.com", 1700000000, 0), "sig");
	gt_check(git_tag_create(&tag, r, "v1.0", target, sig, "v1.0\n", 0), "tag");
	git_signature_free(sig);
	git_object_free(target);
	git_repository_free(r);
	return dir;
}

static void between(const char *dir, const char *from, const char *to, const char *want)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, to, from, NULL, NULL, NULL, NULL, 0, NULL};

	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	CHECK(err.msg == NULL);
	if (err.msg)
		fprintf(stderr, "  %s..%s: %s\n", from, to ? to : "", err.msg);
	CHECK_NUMBERS(&l, want);
	error_clear(&err);
	pr_list_release(&l);
}

static void ref_ranges(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	char *dir = make_release_repo();
	struct ml_git_query q = {dir, NULL, "v1.0", NULL, NULL, NULL, NULL, 0, NULL};
	int64_t a = 0, b = 0;

	between(dir, "v1.0", "v1.1", "11,12,13");  /* not v1.0's #10, but v1.1's #13 */
	between(dir, "v1.0", NULL, "11,12,13,14"); /* --to defaults to the default branch */
	between(dir, "v1.0", "main", "11,12,13,14");
	between(dir, "v1.1", "v1.0", ""); /* backwards: nothing */
	between(dir, "v1.1", "v1.1", "");
	between(dir, "rel", "v1.1", "12,13"); /* #11 is reached through rel's 2nd parent */
	between(dir, "v1.0^", "v1.0", "10");
	q.from = "nope";
	check_error(gitsource_read(&q, &l, NULL, &err), &err, "ref 'nope' not found");
	q.from = "v1.0";
	q.ref = "v9";
	check_error(gitsource_read(&q, &l, NULL, &err), &err, "ref 'v9' not found");
	CHECK(l.len == 0);
	CHECK(gitsource_ref_times(dir, "v1.0", "v1.1", &a, &b, &err) == 0);
	CHECK(a == gt_time("2023-08-10T00:00:00Z") && b == gt_time("2023-08-13T00:00:00Z"));
	CHECK(gitsource_ref_times(dir, "v1.0", NULL, &a, &b, &err) == 0);
	CHECK(b == gt_time("2023-08-14T00:00:00Z"));
	check_error(gitsource_ref_times(dir, "v0", NULL, &a, &b, &err), &err, "ref 'v0' not found");
	gt_rmtree(dir);
}

/* A fork or same-repository PR: commits by the given authors (in order)
 * on a side branch from tip, merged by merger. */
static git_oid pr_merge(git_repository *r, git_oid tip, const char *from, long number,
			const char *const *authors, const char *merger, const char *when)
{
	char msg[256];
	git_oid side = tip;

	for (const char *const *a = authors; *a; a++) {
		git_oid p = side;

		side = gt_commit(r, COMMIT("work\n", *a, when, 0), &p, NULL);
	}
	snprintf(msg, sizeof msg, "Merge pull request #%ld from %s\n\nPR %ld\n", number, from,
		 number);
	return gt_commit(r, COMMIT(msg, merger, when, 0), &tip, &side);
}

static git_oid squash(git_repository *r, git_oid tip, const char *msg, const char *author,
		      const char *when)
{
	return gt_commit(r, COMMIT(msg, author, when, 0), &tip, NULL);
}

#define AUTHORS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *make_logins_repo(void)
{
	char *dir = gt_tmpdir(), path[4200];
	git_repository *r = gt_init(dir, 0);
	FILE *fp;
	git_oid t;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	t = gt_commit(r, COMMIT("Initial\n", NULL, "2023-07-01T00:00:00Z", 0), NULL, NULL);
	t = pr_merge(r, t, "zoe/feat", 1, AUTHORS("zoe@example.com"), "max@example.com",
		     "2023-08-01T00:00:00Z");
	t = pr_merge(r, t, "rust-osdev/zoe-branch", 2, AUTHORS("zoe@example.com"),
		     "max@example.com", "2023-08-02T00:00:00Z");
	/* the maintainer pushes a fix onto yan's branch, then merges it */
	t = pr_merge(r, t, "yan/fix", 3, AUTHORS("yan@example.com", "max@example.com"),
		     "max@example.com", "2023-08-03T00:00:00Z");
	t = squash(r, t, "Max's change (#4)\n", "max@example.com", "2023-08-04T00:00:00Z");
	/* one address in the PRs of two logins: no mapping */
	t = pr_merge(r, t, "ann/x", 5, AUTHORS("shared@example.com"), "max@example.com",
		     "2023-08-05T00:00:00Z");
	t = pr_merge(r, t, "bea/y", 6, AUTHORS("shared@example.com"), "max@example.com",
		     "2023-08-06T00:00:00Z");
	t = squash(r, t, "Shared (#7)\n", "shared@example.com", "2023-08-07T00:00:00Z");
	t = squash(r, t, "Zoe's old address (#8)\n", "zoe@old.example", "2023-08-08T00:00:00Z");
	t = squash(r, t, "Quinn at work (#9)\n", "quinn@work.example", "2023-08-09T00:00:00Z");
	t = squash(r, t, "Kim (#10)\n", "kim@example.com", "2023-08-10T00:00:00Z");
	t = squash(r, t,
		   "Kim and Zoe (#11)\n\nCo-authored-by: Zoe Z <zoe@example.com>\n"
		   "Co-authored-by: S <shared@example.com>\n",
		   "kim@example.com", "2023-08-11T00:00:00Z");
	t = pr_merge(r, t, "rust-osdev/lee-branch", 12, AUTHORS("lee@example.com"),
		     "max@example.com", "2023-08-12T00:00:00Z");
	/* lee merges lee's own fork PR: who merged is no evidence either way */
	t = pr_merge(r, t, "lee/z", 13, AUTHORS("lee@example.com"), "lee@example.com",
		     "2023-08-13T00:00:00Z");
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	snprintf(path, sizeof path, "%s/.mailmap", dir);
	if (!(fp = fopen(path, "w")) ||
	    fputs("Zoe <zoe@example.com> <zoe@old.example>\n"
		  "<9+quinn" NOREPLY "> <quinn@work.example>\n",
		  fp) < 0 ||
	    fclose(fp) != 0)
		abort();
	git_repository_free(r);
	return dir;
}

static void check_author(const struct ml_pr_list *l, long number, const char *want)
{
	const struct ml_pr *pr = find(l, number);

	CHECK(pr != NULL);
	if (!pr)
		return;
	if (want)
		CHECK_STR(pr->author, want);
	else if (pr->author)
		fprintf(stderr, "  #%ld: author %s, wanted none\n", number, pr->author);
	CHECK(want || !pr->author);
}

static void logins_offline(void)
{
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_login_map map;
	char *dir = make_logins_repo();
	struct ml_git_query q = {dir, NULL, NULL, NULL, &range, NULL, NULL, 0, NULL};
	const struct ml_pr *pr;

	memset(&map, 0, sizeof map);
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	CHECK_NUMBERS(&l, "1,2,3,4,5,6,7,8,9,10,11,12,13");
	check_author(&l, 1, "zoe");
	check_author(&l, 2, "zoe"); /* same-repo branch: zoe@ learned from #1 */
	check_author(&l, 3, "yan");
	check_author(&l, 4, NULL);    /* max fixed yan's PR and merged it: not yan */
	check_author(&l, 7, NULL);    /* shared@ wrote PRs of ann and bea */
	check_author(&l, 8, "zoe");   /* .mailmap to zoe@example.com, learned */
	check_author(&l, 9, "quinn"); /* .mailmap to a noreply address */
	check_author(&l, 10, NULL);   /* no config map */
	check_author(&l, 12, NULL);   /* lee merged lee's PR: no evidence */
	if ((pr = find(&l, 11)))
		CHECK(pr->coauthors.n == 1 && strcmp(pr->coauthors.v[0], "zoe") == 0);
	pr_list_release(&l);
	CHECK(login_map_add(&map, "KIM@example.com", "kim") == 0);
	q.logins = &map;
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	check_author(&l, 10, "kim"); /* the config's map, addresses case-insensitive */
	check_author(&l, 11, "kim");
	check_author(&l, 4, NULL);
	pr_list_release(&l);
	login_map_release(&map);
	CHECK(err.msg == NULL);
	gt_rmtree(dir);
}

/* Offline logins by clear majority: 4 of 5 PRs carrying an address from
 * one login (80%) name it; 2 of 3 do not; a PR with many commits of the
 * address is one vote; merges of the repository's own branches none. */
static void logins_majority(void)
{
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, NULL, NULL, NULL, &range, NULL, NULL, 0, NULL};
	static const char *const pats[] = {"pat/a", "pat/b", "quo/c", "rust-osdev/x"};
	git_oid t;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	t = gt_commit(r, COMMIT("Initial\n", NULL, "2023-07-01T00:00:00Z", 0), NULL, NULL);
	for (long i = 1; i <= 4; i++)
		t = pr_merge(r, t, "zed/f", i, AUTHORS("zed@example.com"), "max@example.com",
			     "2023-07-02T00:00:00Z");
	/* zed co-wrote another's PR, with many commits: one vote for "other" */
	t = pr_merge(r, t, "other/g", 5,
		     AUTHORS("zed@example.com", "zed@example.com", "zed@example.com"),
		     "max@example.com", "2023-07-03T00:00:00Z");
	/* pat: 2 of 3 from one login; the organisation's own branch gives no vote */
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++)
		t = pr_merge(r, t, pats[i], (long)i + 6, AUTHORS("pat@example.com"),
			     "max@example.com", "2023-07-04T00:00:00Z");
	t = squash(r, t, "Zed's fix (#20)\n", "zed@example.com", "2023-08-02T00:00:00Z");
	t = squash(r, t, "Pat's fix (#21)\n", "pat@example.com", "2023-08-03T00:00:00Z");
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	git_repository_free(r);
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	check_author(&l, 20, "zed"); /* 4 of 5 */
	check_author(&l, 21, NULL);  /* 2 of 3: not clear */
	pr_list_release(&l);
	gt_rmtree(dir);
}

/* The login evidence is kept in the cache, keyed by the commit it was read
 * to: a later run reads only newer commits (proved by deleting an old
 * PR's commit: only the cache still knows what it said). */
static void logins_cached(void)
{
	char *dir = gt_tmpdir(), *cache = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, NULL, NULL, NULL, &range, NULL, cache, 0, NULL};
	git_commit *merge = NULL;
	git_oid t, side;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	t = gt_commit(r, COMMIT("Initial\n", NULL, "2023-07-01T00:00:00Z", 0), NULL, NULL);
	t = pr_merge(r, t, "zoe/feat", 1, AUTHORS("zoe@example.com"), "max@example.com",
		     "2023-07-02T00:00:00Z");
	gt_check(git_commit_lookup(&merge, r, &t), "lookup");
	git_oid_cpy(&side, git_commit_parent_id(merge, 1));
	git_commit_free(merge);
	t = squash(r, t, "Zoe (#2)\n", "zoe@example.com", "2023-08-02T00:00:00Z");
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	check_author(&l, 2, "zoe");
	pr_list_release(&l);
	t = squash(r, t, "Zoe again (#3)\n", "zoe@example.com", "2023-08-03T00:00:00Z");
	gt_ref(r, "refs/heads/main", &t);
	gt_drop_object(r, &side); /* the evidence of #1, gone from the clone */
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	check_author(&l, 3, "zoe"); /* from the cache, with only #3 read */
	pr_list_release(&l);
	q.no_cache = 1;
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	check_author(&l, 3, NULL); /* without it: nothing to tell */
	pr_list_release(&l);
	CHECK(err.msg == NULL);
	git_repository_free(r);
	gt_rmtree(dir);
	gt_rmtree(cache);
}

/* The evidence comes from the newer of HEAD and the range's tip: an old
 * release learns who its author is from a later merge, and the month's
 * cached read serves it (proved by deleting that merge's PR commit). */
static void logins_from_head(void)
{
	char *dir = gt_tmpdir(), *cache = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	struct ml_range range = august();
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, NULL, NULL, NULL, &range, NULL, cache, 0, NULL};
	git_commit *merge = NULL;
	git_oid t, side;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	t = gt_commit(r, COMMIT("Initial\n", NULL, "2023-06-01T00:00:00Z", 0), NULL, NULL);
	gt_ref(r, "refs/tags/v1.0.0", &t);
	t = squash(r, t, "Zoe's first (#1)\n", "zoe@example.com", "2023-06-02T00:00:00Z");
	gt_ref(r, "refs/tags/v1.1.0", &t);
	t = pr_merge(r, t, "zoe/feat", 2, AUTHORS("zoe@example.com"), "max@example.com",
		     "2023-08-02T00:00:00Z");
	gt_check(git_commit_lookup(&merge, r, &t), "lookup");
	git_oid_cpy(&side, git_commit_parent_id(merge, 1));
	git_commit_free(merge);
	t = squash(r, t, "Zoe again (#3)\n", "zoe@example.com", "2023-08-03T00:00:00Z");
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0); /* the month: reads and keeps */
	check_author(&l, 3, "zoe");
	pr_list_release(&l);
	gt_drop_object(r, &side);
	q.ref = "v1.1.0";
	q.from = "v1.0.0";
	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	check_author(&l, 1, "zoe"); /* from the cache: #2's commit is gone */
	pr_list_release(&l);
	CHECK(err.msg == NULL);
	git_repository_free(r);
	gt_rmtree(dir);
	gt_rmtree(cache);
}

/* A release's new contributors: an address that nothing FROM reaches
 * carries. When that took reading FROM's whole history, every address it
 * reaches is kept under FROM's commit (the entry checked, then replaced
 * by one without old@: the next run reads it, not the history). */
static void new_contributors_cached(void)
{
	char *dir = gt_tmpdir(), *cache = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_query q = {dir, "v1.1.0", "v1.0.0", NULL, NULL, NULL, cache, 0, NULL};
	struct ml_cache *c = NULL;
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	char key[4600], hex[GIT_OID_HEXSZ + 1];
	git_oid t;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	t = gt_commit(r, COMMIT("Initial\n", "old@example.com", "2023-06-01T00:00:00Z", 0), NULL,
		      NULL);
	t = squash(r, t, "First (#1)\n", "someone@example.com", "2023-06-02T00:00:00Z");
	gt_ref(r, "refs/tags/v1.0.0", &t);
	git_oid_tostr(hex, sizeof hex, &t);
	snprintf(key, sizeof key, "mergeletter-git-identities:200000:%s:%s",
		 git_repository_commondir(r), hex);
	t = squash(r, t, "Old hand (#2)\n", "Old@Example.com", "2023-06-03T00:00:00Z");
	t = squash(r, t, "Newcomer (#3)\n", "new@example.com", "2023-06-04T00:00:00Z");
	gt_ref(r, "refs/tags/v1.1.0", &t);
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");
	for (int round = 0; round < 3; round++) {
		CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
		CHECK(l.len == 2 && find(&l, 2) && find(&l, 3));
		if (find(&l, 2) && find(&l, 3)) {
			/* round 0: the root commit has old@; round 1: the entry says
			 * not; round 2: a damaged (unsorted) entry that has it */
			CHECK(find(&l, 2)->first_contribution == (round == 1));
			CHECK(find(&l, 3)->first_contribution);
		}
		pr_list_release(&l);
		if (round == 2)
			break;
		CHECK(cache_open(&c, cache, NULL, &err) == 0);
		if (round == 0) {
			CHECK(c && cache_get(c, key, "", &e) == 1);
			CHECK_STR(e.body, "old@example.com\nsomeone@example.com\n");
			cache_entry_release(&e);
		}
		e.status = 200;
		e.body = (char *)(round == 0 ? "someone@example.com\n"
					     : "zed@example.com\nold@example.com\naa@example.com\n"
					       "bb@example.com\ncc@example.com\n");
		e.len = strlen(e.body);
		CHECK(c && cache_put(c, key, "", &e) == 0);
		cache_free(c);
	}
	CHECK(err.msg == NULL);
	git_repository_free(r);
	gt_rmtree(dir);
	gt_rmtree(cache);
}

/* The cache file of the addresses kept for commit id: garbage (the
 * cache's checksum no longer matches: no entry). */
static void damage_identities(git_repository *r, const char *cache, const git_oid *id)
{
	char key[4600], hex[GIT_OID_HEXSZ + 1], name[ML_SHA256_HEX_LEN + 1], path[4800];
	FILE *fp;

	git_oid_tostr(hex, sizeof hex, id);
	snprintf(key, sizeof key, "mergeletter-git-identities:200000:%s:%s\n",
		 git_repository_commondir(r), hex);
	sha256_hex(key, strlen(key), name);
	snprintf(path, sizeof path, "%s/%s", cache, name);
	CHECK((fp = fopen(path, "r+")) != NULL);
	if (fp) {
		fseek(fp, -4, SEEK_END);
		fputs("junk", fp);
		fclose(fp);
	}
}

/* One release of read_release(): how many commits the new contributors
 * took, and whether PR numbers[i] was a first contribution (want[i]). */
static size_t read_release(const char *dir, const char *cache, const char *from, const char *to,
			   const long *numbers, const int *want, size_t n)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_git_stats stats = {0};
	struct ml_git_query q = {dir, to, from, NULL, NULL, NULL, cache, 0, &stats};

	CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
	CHECK(l.len == n);
	for (size_t i = 0; i < n; i++) {
		const struct ml_pr *pr = find(&l, numbers[i]);

		CHECK(pr && pr->first_contribution == want[i]);
		if (pr && pr->first_contribution != want[i])
			fprintf(stderr, "  %s..%s: #%ld %s\n", from, to, numbers[i],
				want[i] ? "is new" : "is not new");
	}
	pr_list_release(&l);
	CHECK(err.msg == NULL);
	error_clear(&err);
	return stats.identity_commits;
}

/* The next release's first run reads only the commits between the
 * releases: FROM's addresses are the last FROM's kept ones (an ancestor)
 * and those of what FROM reaches and it does not. Never those of a kept
 * FROM that is not an ancestor (a side branch's, here kept last and made
 * itself from v1.0.0's), nor a damaged entry (then the history is read). */
static void new_contributors_incremental(void)
{
	char *dir = gt_tmpdir(), *cache = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	static const long r1[] = {3, 4, 5}, r2[] = {6, 7, 8, 10}, rs[] = {3, 4, 5, 6, 7, 8, 10};
	static const int w1[] = {1, 0, 1}, w2[] = {0, 1, 0, 1}, ws[] = {1, 0, 1, 1, 1, 0, 0};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	char key[4600];
	git_oid t, v10, v11, side;

	gt_origin(r, "https://github.com/rust-osdev/uefi-rs.git");
	t = gt_commit(r, COMMIT("Initial\n", "old@example.com", "2023-06-01T00:00:00Z", 0), NULL,
		      NULL);
	t = squash(r, t, "One (#1)\n", "a@example.com", "2023-06-02T00:00:00Z");
	v10 = gt_raw_commit(r, &t, /* an address as libgit2 reads it: trimmed */
			    "author Bee < B@Example.com  > 1685750400 +0000\n"
			    "committer GitHub <noreply@github.com> 1685750400 +0000\n\nTwo (#2)\n");
	gt_ref(r, "refs/tags/v1.0.0", &v10);
	side = squash(r, v10, "Side (#9)\n", "x@example.com", "2023-06-04T00:00:00Z");
	gt_ref(r, "refs/tags/side", &side);
	t = squash(r, v10, "Three (#3)\n", "c@example.com", "2023-06-05T00:00:00Z");
	t = squash(r, t, "Four (#4)\n", "A@example.com", "2023-06-06T00:00:00Z");
	v11 = squash(r, t, "Five (#5)\n", "d@example.com", "2023-06-07T00:00:00Z");
	gt_ref(r, "refs/tags/v1.1.0", &v11);
	t = squash(r, v11, "Six (#6)\n", "c@example.com", "2023-06-08T00:00:00Z");
	t = squash(r, t, "Seven (#7)\n", "e@example.com", "2023-06-09T00:00:00Z");
	t = squash(r, t, "Eight (#8)\n", "b@example.com", "2023-06-10T00:00:00Z");
	t = squash(r, t, "Ten (#10)\n", "x@example.com", "2023-06-11T00:00:00Z");
	gt_ref(r, "refs/tags/v1.2.0", &t);
	gt_ref(r, "refs/heads/main", &t);
	gt_symref(r, "HEAD", "refs/heads/main");

	/* v1.0.0's history read to its end (c@ is new): kept */
	CHECK(read_release(dir, cache, "v1.0.0", "v1.1.0", r1, w1, 3) == 3);
	/* the side branch's, from v1.0.0's: its one commit read, x@ kept */
	CHECK(read_release(dir, cache, "side", "v1.2.0", rs, ws, 7) == 1);
	/* the next release: v1.1.0's own commits only, not side's addresses */
	CHECK(read_release(dir, cache, "v1.1.0", "v1.2.0", r2, w2, 4) == 3);
	CHECK(read_release(dir, cache, "v1.1.0", "v1.2.0", r2, w2, 4) == 0); /* kept */
	/* damaged: v1.1.0's entry and its base's; the history is read */
	damage_identities(r, cache, &v11);
	damage_identities(r, cache, &v10);
	CHECK(read_release(dir, cache, "v1.1.0", "v1.2.0", r2, w2, 4) == 6);
	/* an index of garbage: no base (and v1.0.0's entry is still damaged) */
	CHECK(cache_open(&c, cache, NULL, &err) == 0);
	snprintf(key, sizeof key, "mergeletter-git-identities-index:200000:%s",
		 git_repository_commondir(r));
	e.status = 200;
	e.body = (char *)"zz\nnot a commit id\n0123456789012345678901234567890123456789x\n";
	e.len = strlen(e.body);
	CHECK(c && cache_put(c, key, "", &e) == 0);
	cache_free(c);
	CHECK(read_release(dir, cache, "v1.0.0", "v1.1.0", r1, w1, 3) == 3);
	git_repository_free(r);
	gt_rmtree(dir);
	gt_rmtree(cache);
}

/* libgit2_link.c stands in for mbedtls_x509_crt_parse_file() so that libgit2's
 * start-up parses no certificate; any other call must reach mbedTLS's
 * own, which refuses a file that is not there (-0x3E00, the PK layer's
 * file I/O error) before it touches the chain. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);

static void certificates_pass_through(void)
{
	long chain[64] = {0};
	int rc = mbedtls_x509_crt_parse_file(chain, "/nonexistent/ca-certificates.crt");

	CHECK(rc != 0);
	if (rc == 0)
		fprintf(stderr, "  parsed nothing and said so is fine: not passed on to mbedTLS\n");
}

/* libgit2_link.c stands in for libssh2_init() too, so that libgit2's start-up
 * does not start libssh2 (and OpenSSL); any other call reaches libssh2's
 * own, which starts it and says so (0; the stand-in's fallback, when
 * libssh2's cannot be found, is -1). */
int libssh2_init(int flags);

static void ssh_pass_through(void)
{
	CHECK(libssh2_init(0) == 0);
}

/* libgit2 starts once a run: the first call keeps a reference that
 * gitsource_end() drops (git_libgit2_init() returns the count). */
static void libgit2_held_for_the_run(void)
{
	struct ml_error err = ML_ERROR_INIT;
	char *dir = make_release_repo();
	int64_t a = 0, b = 0;
	int base;

	gitsource_end();	       /* what the tests before held */
	base = git_libgit2_init() - 1; /* main()'s own */
	git_libgit2_shutdown();
	CHECK(gitsource_ref_times(dir, "v1.0", "v1.1", &a, &b, &err) == 0);
	CHECK(gitsource_ref_times(dir, "v1.0", NULL, &a, &b, &err) == 0);
	CHECK(git_libgit2_init() == base + 2); /* held once, however many calls */
	git_libgit2_shutdown();
	gitsource_end();
	CHECK(git_libgit2_init() == base + 1);
	git_libgit2_shutdown();
	gitsource_end(); /* twice: nothing more to drop */
	CHECK(git_libgit2_init() == base + 1);
	git_libgit2_shutdown();
	gt_rmtree(dir);
}

/* A run keeps the clone it opened for its next question (gitsource_keep()):
 * the same answers as each call opening it anew, another clone taking its
 * place, an error on the kept one, and gitsource_end() letting it go (the
 * ASan build would see a clone that stayed open). */
static void clone_kept_for_the_run(void)
{
	struct ml_error err = ML_ERROR_INIT;
	char *dir = make_release_repo(), *other = make_release_repo(), *tag = NULL;
	struct ml_git_query q = {dir, "v1.1", "v1.0", NULL, NULL, NULL, NULL, 1, NULL};
	struct ml_pr_list l = {NULL, 0, 0};
	int64_t a = 0, b = 0, a2 = 0, b2 = 0;

	gitsource_end();
	CHECK(gitsource_ref_times(dir, "v1.0", "v1.1", &a, &b, &err) == 0);
	gitsource_keep();
	for (int i = 0; i < 2; i++) {
		CHECK(gitsource_ref_times(dir, "v1.0", "v1.1", &a2, &b2, &err) == 0);
		CHECK(a2 == a && b2 == b);
		CHECK(gitsource_previous_release(dir, "v1.1", NULL, 1, &tag, &err) == 0);
		CHECK_STR(tag, "v1.0");
		free(tag);
		tag = NULL;
		CHECK(gitsource_read(&q, &l, NULL, &err) == 0);
		CHECK(l.len == 3 && find(&l, 11) && find(&l, 12) && find(&l, 13));
		pr_list_release(&l);
		q.from = "nope";
		check_error(gitsource_read(&q, &l, NULL, &err), &err, "ref 'nope' not found");
		q.from = "v1.0";
		q.path = i == 0 ? other : dir; /* the other clone, then the first again */
	}
	gitsource_end();
	CHECK(gitsource_ref_times(dir, "v1.0", "v1.1", &a2, &b2, &err) == 0 && a2 == a);
	CHECK(err.msg == NULL);
	gt_rmtree(dir);
	gt_rmtree(other);
}

/* The tip's latest release peels every release tag: what each names is
 * kept in the cache (the entry written once, then read), a tag added or
 * moved is peeled again, and an entry of garbage is no entry. */
static void latest_release_cached(void)
{
	struct ml_error err = ML_ERROR_INIT;
	char *dir = make_release_repo(), *cache = gt_tmpdir(), *tag = NULL, key[4200];
	git_repository *r = NULL;
	struct ml_cache *c = NULL;
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	git_object *head = NULL;

	gt_check(git_repository_open(&r, dir), "open");
	snprintf(key, sizeof key, "mergeletter-git-tag-commits:%s", git_repository_commondir(r));
	for (int round = 0; round < 4; round++) {
		CHECK(gitsource_previous_release(dir, NULL, cache, 0, &tag, &err) == 0);
		CHECK_STR(tag, round < 2 ? "v1.1" : "v1.2");
		free(tag);
		tag = NULL;
		CHECK(cache_open(&c, cache, NULL, &err) == 0);
		CHECK(c && cache_get(c, key, "", &e) == 1);
		CHECK(e.body && strlen(e.body) == (round < 2 ? 2 : 3) * (2 * GIT_OID_HEXSZ + 13));
		cache_entry_release(&e);
		if (round == 1) { /* a release at the tip */
			gt_check(git_revparse_single(&head, r, "main"), "main");
			gt_ref(r, "refs/tags/v1.2", git_object_id(head));
			git_object_free(head);
		}
		if (round == 2) {
			e.status = 200;
			e.body = (char *)"junk\n";
			e.len = strlen(e.body);
			CHECK(c && cache_put(c, key, "", &e) == 0);
			memset(&e, 0, sizeof e);
		}
		cache_free(c);
	}
	CHECK(err.msg == NULL);
	git_repository_free(r);
	gt_rmtree(dir);
	gt_rmtree(cache);
}

static void urls_and_addresses(void)
{
	static const char *const good[] = {
	    "https://github.com/o/r.git",
	    "https://github.com/o/r",
	    "https://github.com/o/r/",
	    "http://GitHub.com/o/r.git",
	    "git@github.com:o/r.git",
	    "git@github.com:o/r",
	    "ssh://git@github.com/o/r",
	    "ssh://git@github.com:22/o/r.git",
	    "git://github.com/o/r.git",
	    "https://x-access-token:abc@github.com/o/r.git",
	    "github.com:o/r",
	};
	static const char *const bad[] = {
	    "https://gitlab.com/o/r.git",
	    "/home/me/r",
	    "../r",
	    "https://github.com/o",
	    "https://github.com/o/r/tree/main",
	    "git@github.com:o",
	    "https://github.com.evil.org/o/r",
	    "",
	    "file:///srv/o/r.git",
	};
	char *s;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		s = gitsource_repo_from_url(good[i]);
		CHECK_STR(s, "o/r");
		free(s);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		s = gitsource_repo_from_url(bad[i]);
		CHECK(s == NULL);
		if (s)
			fprintf(stderr, "  %s gave %s\n", bad[i], s);
		free(s);
	}
	s = gitsource_repo_from_url("https://github.com/rust-osdev/uefi-rs.git");
	CHECK_STR(s, "rust-osdev/uefi-rs");
	free(s);

	s = gitmsg_noreply_login("12345+nicholasbishop@users.noreply.github.com");
	CHECK_STR(s, "nicholasbishop");
	free(s);
	s = gitmsg_noreply_login("phil-opp@Users.NoReply.GitHub.com");
	CHECK_STR(s, "phil-opp");
	free(s);
	s = gitmsg_noreply_login("49699333+dependabot[bot]@users.noreply.github.com");
	CHECK_STR(s, "dependabot[bot]");
	free(s);
	CHECK(gitmsg_noreply_login("phil@example.com") == NULL);
	CHECK(gitmsg_noreply_login("noreply@github.com") == NULL);
	CHECK(gitmsg_noreply_login("x12+login@users.noreply.github.com") == NULL);
	CHECK(gitmsg_noreply_login("+login@users.noreply.github.com") == NULL);
	CHECK(gitmsg_noreply_login("bad_name@users.noreply.github.com") == NULL);
	CHECK(gitmsg_noreply_login("@users.noreply.github.com") == NULL);
	CHECK(gitmsg_noreply_login(NULL) == NULL);
}

/* The message parser alone: the kinds of subject, titles, co-authors. */
static void message_parser(void)
{
	struct ml_git_message m;

	CHECK(gitmsg_parse(&m, "Merge pull request #906 from octo/fix-x\n\n  Fix x  \r\n") == 0);
	CHECK(m.number == 906 && m.merge == 1);
	CHECK_STR(m.title, "Fix x");
	CHECK(m.from && m.fromlen == 10 && strncmp(m.from, "octo/fix-x", 10) == 0);
	gitmsg_release(&m);
	CHECK(m.title == NULL && m.number == 0);

	CHECK(gitmsg_parse(&m, "Merge pull request #7 from a/b") == 0);
	CHECK(m.number == 7);
	CHECK_STR(m.title, "Merge pull request #7 from a/b"); /* no body: the subject */
	gitmsg_release(&m);

	CHECK(gitmsg_parse(&m, "Add y (#12)\n\nCo-authored-by: A <1+al@users.noreply.github.com>\n"
			       "co-authored-by: B <AL@users.noreply.github.com>\n"
			       "Co-authored-by: C <c@example.com>\n") == 0);
	CHECK(m.number == 12 && m.merge == 0 && m.from == NULL);
	CHECK_STR(m.title, "Add y");
	CHECK(m.coauthors.n == 1);
	if (m.coauthors.n == 1)
		CHECK_STR(m.coauthors.v[0], "al");
	gitmsg_release(&m);

	/* a merge subject with #0 that ends like a squash: a squash, with no "from" */
	CHECK(gitmsg_parse(&m, "Merge pull request #0 from a/b (#5)") == 0);
	CHECK(m.number == 5 && m.merge == 0 && m.from == NULL && m.fromlen == 0);
	gitmsg_release(&m);

	/* not PR commits: the number stays 0 and nothing is owned */
	static const char *const no[] = {"",
					 "Fix (#0)",
					 "(#5)",
					 "Merge pull request #0 from a/b",
					 "Merge pull request #x from a/b",
					 "Title (#1234567890)",
					 "Merge branch 'main'"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		CHECK(gitmsg_parse(&m, no[i]) == 0);
		CHECK(m.number == 0 && m.title == NULL && m.coauthors.n == 0);
		gitmsg_release(&m);
	}
}

int main(void)
{
	git_libgit2_init();
	RUN(merges_and_squashes);
	RUN(draft_and_markdown);
	RUN(bare_refs_and_tags);
	RUN(origin_default_branch);
	RUN(configured_repo_wins);
	RUN(not_a_repository);
	RUN(shallow_clone);
	RUN(commit_encoding);
	RUN(commit_encoding_unknown);
	RUN(commit_time_out_of_range);
	RUN(stop_rule);
	RUN(graph_walk);
	RUN(graph_stale);
	RUN(graph_damaged);
	RUN(urls_and_addresses);
	RUN(ref_ranges);
	RUN(logins_offline);
	RUN(logins_majority);
	RUN(logins_cached);
	RUN(logins_from_head);
	RUN(libgit2_held_for_the_run);
	RUN(clone_kept_for_the_run);
	RUN(latest_release_cached);
	RUN(new_contributors_cached);
	RUN(new_contributors_incremental);
	RUN(certificates_pass_through);
	RUN(ssh_pass_through);
	RUN(message_parser);
	gitsource_end(); /* what the library held for the "run" */
	git_libgit2_shutdown();
	return DONE();
}
