/* test_filter.c: which PRs are dependency bumps. */
#include <stdlib.h>

#include "mergeletter/model/filter.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

static int bump(const struct ml_filter *f, const char *title, const char *author, int bot,
		const char *label)
{
	struct ml_pr pr;
	int r;

	memset(&pr, 0, sizeof pr);
	pr.title = (char *)title;
	pr.author = (char *)author;
	pr.author_is_bot = bot;
	if (label)
		strv_push(&pr.labels, label);
	r = filter_is_bump(f, &pr);
	strv_release(&pr.labels);
	return r;
}

static void defaults(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_filter *f = NULL;

	CHECK(filter_new(&f, NULL, &err) == 0);
	CHECK(bump(f, "build(deps): bump crate-ci/typos from 1.16.1 to 1.16.2", "x", 0, NULL));
	CHECK(bump(f, "chore(deps): update crate-ci/typos action to v1.47.2", "x", 0, NULL));
	CHECK(bump(f, "chore(deps): lock file maintenance", "x", 0, NULL));
	CHECK(bump(f, "Bump actions/checkout from 6 to 7", "x", 0, NULL));
	CHECK(bump(f, "Update Rust crate serde to v1.0.188", "x", 0, NULL));
	CHECK(bump(f, "fix(deps): update rust crate time to v0.3.47 [security]", "x", 0, NULL));
	CHECK(bump(f, "deps: bump uart_16550 to 0.6.0", "phip1611", 0, NULL));
	CHECK(bump(f, "Anything at all", "dependabot[bot]", 0, NULL));
	CHECK(bump(f, "Anything at all", "some-app", 1, NULL));
	CHECK(bump(f, "Anything at all", "human", 0, "dependencies"));
	CHECK(bump(f, "Anything at all", "human", 0, "Dependencies"));
	CHECK(
	    !bump(f, "Drop `memmove` and `set_mem` from boot services", "nicholasbishop", 0, NULL));
	CHECK(!bump(f, "uefi: bump from 0.20 to 0.38", "phip1611", 0, NULL));
	CHECK(!bump(f, "Update license field following SPDX 2.1", "kuzeyardabulut", 0, NULL));
	CHECK(!bump(f, "Bumpy road ahead", "x", 0, "enhancement"));
	filter_free(f);
}

static void config_rules(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_bump_rules rules;
	struct ml_filter *f = NULL;

	memset(&rules, 0, sizeof rules);
	strv_push(&rules.title_patterns, "^nix: (simplify|update)");
	strv_push(&rules.labels, "chore");
	strv_push(&rules.authors, "release-bot-human");
	CHECK(filter_new(&f, &rules, &err) == 0);
	CHECK(bump(f, "nix: simplify nix code & update", "x", 0, NULL));
	CHECK(bump(f, "Something", "x", 0, "chore"));
	CHECK(bump(f, "Something", "Release-Bot-Human", 0, NULL));
	CHECK(!bump(f, "Something", "x", 0, NULL));
	filter_free(f);
	strv_release(&rules.title_patterns);
	strv_push(&rules.title_patterns, "(unclosed");
	CHECK(filter_new(&f, &rules, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE && strstr(err.msg, "(unclosed"));
	CHECK(f == NULL);
	error_clear(&err);
	strv_release(&rules.title_patterns);
	strv_release(&rules.labels);
	strv_release(&rules.authors);
}

/* A bot's PR that changes no dependency is a real change; bump titles stay bumps. */
static void bot_config_changes(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_filter *f = NULL;

	CHECK(filter_new(&f, NULL, &err) == 0);
	CHECK(!bump(f, "Configure Renovate", "renovate[bot]", 1, NULL));
	CHECK(!bump(f, "chore(config): migrate renovate config", "renovate[bot]", 1, NULL));
	CHECK(!bump(f, "chore(config): migrate config renovate.json", "renovate[bot]", 1, NULL));
	CHECK(!bump(f, "Update dependabot.yml", "github-actions[bot]", 1, NULL));
	CHECK(!bump(f, "chore: configure dependabot", "some-app", 1, NULL));
	CHECK(!bump(f, "Add renovate.json", "renovate[bot]", 1, "dependencies"));
	CHECK(!bump(f, "github: Change dependabot interval to weekly", "nicholasbishop", 0, NULL));
	/* the same bots' bumps, by title and by author, stay bumps */
	CHECK(bump(f, "Bump dependabot/fetch-metadata from 1.6.0 to 2.0.0", "dependabot[bot]", 1,
		   NULL));
	CHECK(bump(f, "chore(deps): update renovatebot/github-action action to v40",
		   "renovate[bot]", 1, NULL));
	CHECK(bump(f, "Update dependency renovate to v37", "renovate[bot]", 1, NULL));
	CHECK(bump(f, "Pin dependencies", "renovate[bot]", 1, NULL));
	CHECK(bump(f, "chore(deps): lock file maintenance", "renovate[bot]", 1, NULL));
	filter_free(f);
}

static int compiles(const char *pat, const char *want_why)
{
	const char *why = NULL;
	regex_t re;

	if (filter_pattern_compile(&re, pat, &why) == 0) {
		regfree(&re);
		return want_why == NULL;
	}
	return want_why && why && strstr(why, want_why) != NULL;
}

/* Bounds checked on the pattern's text: what multiplies is refused. */
static void pattern_bounds(void)
{
	CHECK(compiles("^[a-z]+\\(deps(-dev)?\\)!?:", NULL));
	CHECK(compiles("[[:alpha:]]{1,900}", NULL));
	CHECK(compiles("[]{}]{1,900}x", NULL));		  /* braces in brackets are members */
	CHECK(compiles("((a{1,10}){1,10}){1,10}", NULL)); /* 1000: the bound itself */
	CHECK(compiles("(a|b{2,}){3}", NULL));
	CHECK(compiles("a{,5}", NULL) ||
	      compiles("a{,5}", "not a valid")); /* a literal '{' either way */
	CHECK(compiles("a++++++++++++++++++++", "nested more than 3 deep"));
	/* found by the config fuzzer: small, but nested repetitions take regcomp seconds */
	CHECK(!compiles("^x*+++++e", NULL));
	CHECK(!compiles("^)*++++++e)os_2+++++++t]", NULL));
	CHECK(!compiles("((((^x*)+)+)+)", NULL));
	CHECK(!compiles("((((((((((x*)*)*)*)*)*)*)*)*)*)*", NULL));
	CHECK(!compiles("^ai+++++++++++++++++++++++++++++++++++++++++++ce", NULL));
	CHECK(compiles("a++++++++++", "nested more than 3 deep"));
	CHECK(compiles("(a{1,100}){1,100}", "past 1000 steps"));
	CHECK(compiles("((a{1,10}){1,10}){1,11}", "past 1000 steps"));
	CHECK(compiles("a{1001}", "past 1000 steps"));
	CHECK(compiles("a{99999999999999999999}", "past 1000 steps"));
	CHECK(compiles("(a|aa){1,500}", "past 1000 steps"));
	CHECK(compiles("\\({1,2000}", "past 1000 steps"));
	CHECK(compiles("a?b?c?d?e?f?g?h?i?j?k?l?m?n?o?p?q?r?s?t?u?", "more than 20 repetitions"));
	CHECK(compiles("[a-", "not a valid"));
	CHECK(compiles("a{2,1}", "not a valid"));
}

int main(void)
{
	RUN(defaults);
	RUN(bot_config_changes);
	RUN(config_rules);
	RUN(pattern_bounds);
	return DONE();
}
