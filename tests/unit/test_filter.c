/* test_filter.c: which PRs are dependency bumps. */
#include <ctype.h>
#include <stdio.h>
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

static int house(const struct ml_filter *f, const char *title, const char *head)
{
	struct ml_pr pr;

	memset(&pr, 0, sizeof pr);
	pr.repo = (char *)"rust-osdev/uefi-rs";
	pr.title = (char *)title;
	pr.head = (char *)head;
	return filter_is_housekeeping(f, &pr);
}

/* A release's housekeeping: release PRs and branch syncs, and not what
 * only looks like them. */
static void housekeeping(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_filter *f = NULL;
	static const char *const yes[] = {"Release v0.14.11",
					  "Release uefi-0.38.0",
					  "Release `v0.11.36`",
					  "Release multiboot2 v0.17.0",
					  "release: 1.2.0",
					  "chore(release): 1.2.0",
					  "chore: release v2.0.0",
					  "bump version to 1.2.0",
					  "Bump the crate version",
					  "Prepare 0.15.0 release",
					  "v1.2.3",
					  "Update `next` with the latest changes from `master`",
					  "Merge main into next",
					  "Sync develop with main"};
	static const char *const no[] = {
	    "Release the lock before sleeping", "Releases: document the process",
	    "Bump log from 0.4.19 to 0.4.20",	"Update the docs with examples",
	    "Fix release build on 1.72",	"Add v1.2 protocol support"};

	CHECK(filter_new(&f, NULL, &err) == 0);
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!house(f, yes[i], NULL)) {
			fprintf(stderr, "  not housekeeping: %s\n", yes[i]);
			CHECK(!"housekeeping");
		}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (house(f, no[i], NULL)) {
			fprintf(stderr, "  housekeeping: %s\n", no[i]);
			CHECK(!"not housekeeping");
		}
	/* a PR from a long-lived branch of the same repository is a sync */
	CHECK(house(f, "Big merge", "rust-osdev/next"));
	CHECK(house(f, "Big merge", "Rust-OSDev/main"));
	CHECK(house(f, "Big merge", "rust-osdev/release/0.14"));
	CHECK(house(f, "Big merge", "rust-osdev/0.14.x"));
	CHECK(!house(f, "Big merge", "rust-osdev/fix-next")); /* a topic branch */
	CHECK(!house(f, "Big merge", "alice/next"));	      /* a fork's */
	CHECK(!house(f, "Big merge", "rust-osdev"));
	filter_free(f);
}

static void add(struct ml_pr_list *l, long number, const char *title)
{
	struct ml_pr *pr = pr_list_add(l);

	pr->number = number;
	pr->repo = strdup("rust-osdev/uefi-rs");
	pr->title = strdup(title);
}

/* filter_apply_release(): bumps, housekeeping and revert pairs set aside;
 * the rest listed; filter_apply() leaves release PRs listed. */
static void release_apply(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_filter *f = NULL;
	struct ml_pr_list l = {NULL, 0, 0};
	static const int want[] = {0, 1, 1, 1, 1, 0, 0, 1};

	CHECK(filter_new(&f, NULL, &err) == 0);
	add(&l, 1, "Add x");
	add(&l, 2, "Add y");
	add(&l, 3, "Revert \"Add y\""); /* the revert button's title */
	add(&l, 4, "Add z");
	add(&l, 5, "Revert \"Add z (#4)\""); /* git revert of a squash commit */
	add(&l, 6, "Revert \"Not in this range\"");
	add(&l, 7, "Add w");
	add(&l, 8, "Release v1.0.0");
	filter_apply_release(f, &l);
	for (size_t i = 0; i < l.len; i++) {
		if (l.items[i].is_bump != want[i]) {
			fprintf(stderr, "  #%ld: is_bump %d\n", l.items[i].number,
				l.items[i].is_bump);
			CHECK(!"release_apply");
		}
	}
	filter_apply(f, &l);
	CHECK(!l.items[7].is_bump && !l.items[2].is_bump); /* the newsletter lists them */
	pr_list_release(&l);
	filter_free(f);
}

/* The needles that spare regexec() change no answer: every title of a
 * corpus built from the patterns' words, in both cases, is judged alike
 * with and without them. */
static void needles_agree(void)
{
	static const char *const heads[] = {"",
					    "chore: ",
					    "chore(deps): ",
					    "Build(Deps)!: ",
					    "fix(deps-dev): ",
					    "deps: ",
					    "DEPS(core): ",
					    "bump ",
					    "BUMP ",
					    "Update ",
					    "update rust crate ",
					    "Sync ",
					    "Merge ",
					    "merge branch ",
					    "Merge remote-tracking branch ",
					    "Release ",
					    "release: ",
					    "Prepare for the release ",
					    "chore(release): ",
					    "BUILD(RELEASE): ",
					    "chore!: bump the crate version ",
					    "Cut the ",
					    "v",
					    "Lock File Maintenance",
					    "lock file maintenance ",
					    "Revert \"",
					    "x",
					    "(deps"};
	static const char *const middles[] = {"foo from 1.0 to 2.0",
					      "renovate.json",
					      "Dependabot config",
					      "configure Renovate",
					      "main with latest",
					      "`develop` into next",
					      "1.2.0",
					      "v0.14.11 release",
					      "version to 1.2.0",
					      "",
					      "dependencies",
					      "all non-major dependencies",
					      "serde to v1",
					      "actions/checkout action to v4",
					      "uefi-0.38.0",
					      "0.1.2-rc.1",
					      "Update dependabot.yml",
					      "renovate bot schedule",
					      "migrate the renovate config"};
	static const char *const tails[] = {"", " (#906)", ".", " from main", "\""};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_filter *f = NULL;
	struct ml_pr pr;
	char title[256];
	int differ = 0;

	CHECK(filter_new(&f, NULL, &err) == 0);
	memset(&pr, 0, sizeof pr);
	pr.repo = "o/r";
	pr.title = title;
	for (size_t h = 0; f && h < sizeof heads / sizeof *heads; h++)
		for (size_t m = 0; m < sizeof middles / sizeof *middles; m++)
			for (size_t t = 0; t < sizeof tails / sizeof *tails; t++)
				for (int upper = 0; upper < 2; upper++) {
					int bump_on, house_on;

					snprintf(title, sizeof title, "%s%s%s", heads[h],
						 middles[m], tails[t]);
					for (char *p = title; upper && *p; p++)
						*p = (char)toupper((unsigned char)*p);
					filter_use_needles(f, 1);
					bump_on = filter_is_bump(f, &pr);
					house_on = filter_is_housekeeping(f, &pr);
					filter_use_needles(f, 0);
					if (bump_on != filter_is_bump(f, &pr) ||
					    house_on != filter_is_housekeeping(f, &pr)) {
						fprintf(stderr, "needles differ on \"%s\"\n",
							title);
						differ++;
					}
				}
	CHECK(differ == 0);
	filter_free(f);
}

int main(void)
{
	RUN(defaults);
	RUN(bot_config_changes);
	RUN(config_rules);
	RUN(pattern_bounds);
	RUN(housekeeping);
	RUN(release_apply);
	RUN(needles_agree);
	return DONE();
}
