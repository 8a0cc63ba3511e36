/* test_tooling.c: the candidate rule and its search queries. */
#include <stdlib.h>
#include <string.h>

#include "mergeletter/github/search.h"
#include "mergeletter/github/tooling.h"
#include "mergeletter/model/filter.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

static void words(void)
{
	CHECK(tooling_title_has("Add new target x86_64-unknown-none", "target"));
	CHECK(tooling_title_has("TARGET: fix", "target"));
	CHECK(tooling_title_has("fix target-feature handling", "target"));
	CHECK(tooling_title_has("`target` spec", "target"));
	CHECK(!tooling_title_has("Add targets", "target"));
	CHECK(!tooling_title_has("retarget branch", "target"));
	CHECK(!tooling_title_has("target_feature", "target"));
	CHECK(tooling_title_has("support no_std builds", "no_std"));
	CHECK(!tooling_title_has("support no_stdlib", "no_std"));
	CHECK(tooling_title_has("new calling  convention for x", "calling convention"));
	CHECK(tooling_title_has("Calling\tConvention", "calling convention"));
	CHECK(!tooling_title_has("calling conventions", "calling convention"));
	CHECK(!tooling_title_has("callingconvention", "calling convention"));
	CHECK(tooling_title_has("Fix build-std with panic=abort", "build-std"));
	CHECK(!tooling_title_has("Fix -Zbuild-std with panic=abort", "build-std"));
	CHECK(tooling_title_has("Fix -Zbuild-std with panic=abort", "-Zbuild-std"));
	CHECK(tooling_title_has("Update to LLVM 17", "llvm"));
	CHECK(!tooling_title_has("Update to LLVM17", "llvm"));
	CHECK(!tooling_title_has("", "llvm"));
	CHECK(!tooling_title_has("cr\xc3\xa9target", "target"));
}

static void rollups(void)
{
	CHECK(tooling_is_rollup("Rollup of 7 pull requests"));
	CHECK(tooling_is_rollup("rollup of 1 pull request"));
	CHECK(!tooling_is_rollup("Rollup of 7 pull requests for target x"));
	CHECK(!tooling_is_rollup("Fix rollup of targets"));
}

static void candidates(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_tooling_source src;
	struct ml_filter *f = NULL;
	struct ml_pr pr;

	memset(&src, 0, sizeof src);
	memset(&pr, 0, sizeof pr);
	strv_push(&src.labels, "O-riscv");
	strv_push(&src.title_words, "linker");
	CHECK(filter_new(&f, NULL, &err) == 0);
	pr.title = "Improve diagnostics";
	CHECK(!tooling_is_candidate(&src, f, &pr));
	strv_push(&pr.labels, "o-RISCV");
	CHECK(tooling_is_candidate(&src, f, &pr));
	strv_release(&pr.labels);
	pr.title = "Use the right linker";
	CHECK(tooling_is_candidate(&src, f, &pr));
	pr.title = "Rollup of 3 pull requests";
	strv_push(&pr.labels, "O-riscv");
	CHECK(!tooling_is_candidate(&src, f, &pr));
	pr.title = "Bump cc from 1.0.79 to 1.0.80 (linker)";
	CHECK(!tooling_is_candidate(&src, f, &pr));
	strv_release(&pr.labels);
	strv_push(&pr.labels, "dependencies");
	pr.title = "linker: update";
	CHECK(!tooling_is_candidate(&src, f, &pr));
	strv_release(&pr.labels);
	strv_release(&src.labels);
	strv_release(&src.title_words);
	filter_free(f);
	error_clear(&err);
}

static void scopes(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_tooling_source src;
	struct ml_strv out = {0};
	struct ml_range r;
	static const char *const w[] = {
	    "target", "linker", "no_std", "atomic", "LLVM", "relocation", "calling convention"};

	memset(&src, 0, sizeof src);
	CHECK(range_from_month(&r, "2023-08", &err) == 0);
	src.repo = "rust-lang/rust";
	strv_push(&src.labels, "O-x86_64");
	strv_push(&src.labels, "A-inline-assembly");
	strv_push(&src.labels, "needs triage");
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		strv_push(&src.title_words, w[i]);
	CHECK(tooling_scopes(&src, &r, &out, &err) == 0);
	CHECK(out.n == 3);
	if (out.n == 3) {
		CHECK_STR(out.v[0],
			  "repo:rust-lang/rust label:O-x86_64,A-inline-assembly,\"needs triage\"");
		CHECK_STR(out.v[1], "repo:rust-lang/rust \"target\" OR \"linker\" OR \"no_std\" OR "
				    "\"atomic\" OR \"LLVM\" OR \"relocation\" in:title");
		CHECK_STR(out.v[2], "repo:rust-lang/rust \"calling convention\" in:title");
	}
	strv_release(&out);
	/* long words: every query within 256 characters */
	strv_release(&src.title_words);
	strv_release(&src.labels);
	for (int i = 0; i < 12; i++) {
		char word[64];

		memset(word, 'a' + i, 50);
		word[50] = '\0';
		strv_push(&src.title_words, word);
	}
	CHECK(tooling_scopes(&src, &r, &out, &err) == 0);
	CHECK(out.n >= 4);
	for (size_t i = 0; i < out.n; i++) {
		const char *s = out.v[i];
		char *q = search_query_string(&s, 0, 1, r.since, r.until);

		CHECK(q && strlen(q) <= SEARCH_QUERY_MAX);
		CHECK(strstr(s, " in:title") != NULL);
		free(q);
	}
	strv_release(&out);
	strv_release(&src.title_words);
	error_clear(&err);
}

int main(void)
{
	RUN(words);
	RUN(rollups);
	RUN(candidates);
	RUN(scopes);
	return DONE();
}
