/* test_compare.c: a comparison's commits to PRs by reachability (compare.h):
 * a fork's merge and a bors batch bring their own commits, which are not
 * PRs; a merge of the repository's own `next` brings its PRs in; each PR
 * once, the newest commit's; the commits naming no PR are asked about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/github/compare.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

/* A commit object as the compare endpoint lists it; sha and parents by
 * number (the history's own small numbers). */
static json_t *commit(int sha, const int *parents, size_t np, long t, const char *committer,
		      const char *message)
{
	char hex[41], date[32];
	json_t *ps = json_array();
	time_t tt = (time_t)t;

	for (size_t i = 0; i < np; i++) {
		snprintf(hex, sizeof hex, "%040x", parents[i]);
		json_array_append_new(ps, json_pack("{s:s}", "sha", hex));
	}
	snprintf(hex, sizeof hex, "%040x", sha);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&tt));
	return json_pack("{s:s, s:{s:s, s:{s:s, s:s, s:s}}, s:o}", "sha", hex, "commit", "message",
			 message, "committer", "name", "x", "email", committer, "date", date,
			 "parents", ps);
}

#define GH "noreply@github.com"
#define T0 1700000000L

static void history(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list out = {0};
	struct ml_strv ask = {0};
	json_t *c = json_array();
	char hex[41];
	/* 1 is the base, outside the range */
	const int p1[] = {1}, p2[] = {2}, p3[] = {2, 3}, p5[] = {5}, p6[] = {5, 6}, p4[] = {4},
		  p8[] = {8}, p10[] = {8, 9, 10}, p11[] = {11, 7}, p12[] = {12}, p13[] = {13};
	static const long want[] = {6, 7, 8, 9, 10, 11, 12, 5};

	json_array_append_new(c, commit(2, p1, 1, T0 + 2, GH, "Add a (#5)\n"));
	json_array_append_new(/* the contributor's own, "an issue" */
			      c,
			      commit(3, p2, 1, T0 + 3, "alice@example.com", "Fix parser (#3)\n"));
	json_array_append_new(
	    c, commit(4, p3, 2, T0 + 4, GH, "Merge pull request #6 from alice/topic\n\nTopic\n"));
	json_array_append_new(c, commit(5, p2, 1, T0 + 5, GH, "Next thing (#7)\n")); /* on next */
	json_array_append_new(c, commit(6, p5, 1, T0 + 6, "bob@example.com", "wip\n"));
	json_array_append_new(
	    c, commit(7, p6, 2, T0 + 7, GH, "Merge pull request #8 from bob/x\n\nNext merge\n"));
	json_array_append_new(c, commit(8, p4, 1, T0 + 8, "m@example.com", "Fix a typo\n"));
	json_array_append_new(c, commit(9, p8, 1, T0 + 9, "carol@example.com", "work 9\n"));
	json_array_append_new(c, commit(10, p8, 1, T0 + 9, "dave@example.com", "work 10\n"));
	json_array_append_new(c,
			      commit(11, p10, 3, T0 + 10, "bors@example.com",
				     "Merge #9 #10\n\n9: Nine r=m a=carol\n10: Ten r=m a=dave\n"));
	json_array_append_new(
	    c, commit(12, p11, 2, T0 + 11, GH, "Merge pull request #11 from acme/next\n\nSync\n"));
	json_array_append_new(c, commit(13, p12, 1, T0 + 12, GH, "Revert \"Add a\" (#12)\n"));
	json_array_append_new(c,
			      commit(14, p13, 1, T0 + 13, GH, "Add a (#5)\n")); /* picked again */

	CHECK(compare_read_commits("acme/widget", c, &out, &ask, &err) == 0);
	CHECK(out.len == sizeof want / sizeof *want);
	for (size_t i = 0; i < out.len && i < sizeof want / sizeof *want; i++)
		CHECK(out.items[i].number == want[i]);
	if (out.len == 8) {
		CHECK_STR(out.items[0].head, "alice/topic");
		CHECK_STR(out.items[0].title, "Topic");
		CHECK_STR(out.items[3].title, "Nine");
		CHECK(out.items[3].head == NULL && out.items[3].merged_at == T0 + 10);
		CHECK_STR(out.items[5].head, "acme/next");
		CHECK(out.items[7].merged_at == T0 + 13); /* the newest commit's */
		CHECK(strcmp(out.items[0].repo, "acme/widget") == 0);
	}
	snprintf(hex, sizeof hex, "%040x", 8);
	CHECK(ask.n == 1 && ask.n && strcmp(ask.v[0], hex) == 0);
	pr_list_release(&out);
	strv_release(&ask);
	json_decref(c);
}

static void malformed(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list out = {0};
	struct ml_strv ask = {0};
	json_t *c = json_array();

	json_array_append_new(c, json_pack("{s:s}", "sha", "abc"));
	CHECK(compare_read_commits("o/r", c, &out, &ask, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_NETWORK && err.msg && strstr(err.msg, "o/r: a commit"));
	CHECK(out.len == 0 && ask.n == 0);
	error_clear(&err);
	json_decref(c);
}

int main(void)
{
	RUN(history);
	RUN(malformed);
	return DONE();
}
