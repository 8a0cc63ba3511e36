/* test_config.c: loading, validation and error positions. */
#include <stdlib.h>

#include "mergeletter/config.h"
#include "mergeletter/draft.h"
#include "mergeletter/error.h"
#include "testutil.h"

static int parse(struct ml_config *cfg, const char *text, struct ml_error *err)
{
	return config_parse(cfg, text, strlen(text), "c.json", err);
}

static void good(void)
{
	static const char text[] =
		"{\n"
		"  \"title\": \"This Month\",\n"
		"  \"editors\": [\"ed\"],\n"
		"  \"sections\": [ { \"heading\": \"H\", \"repos\": [\n"
		"    { \"repo\": \"o/a\", \"maintainers\": [\"m1\", {\"login\": \"m2\", \"url\": \"https://x/m2\"}],\n"
		"      \"intro\": \"Intro – dash\" },\n"
		"    { \"repo\": \"o/b\", \"maintainers\": [{\"login\": \"old\", \"until\": \"2023-12\"}, {\"login\": \"new\", \"since\": \"2024-01\"}] }\n"
		"  ] } ],\n"
		"  \"dependency_bumps\": { \"mode\": \"drop\", \"title_patterns\": [\"^nix:\"] }\n"
		"}\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;
	struct ml_draft d;

	CHECK(parse(&cfg, text, &err) == 0);
	CHECK_STR(cfg.title, "This Month");
	CHECK(cfg.nsections == 1 && cfg.sections[0].nrepos == 2);
	CHECK_STR(cfg.sections[0].repos[0].repo, "o/a");
	CHECK(cfg.sections[0].repos[0].line == 5);
	CHECK_STR(cfg.sections[0].repos[0].maintainers[1].url, "https://x/m2");
	CHECK_STR(cfg.sections[0].repos[0].intro, "Intro – dash");
	CHECK(cfg.deps_mode == ML_DEPS_DROP);
	CHECK(cfg.bumps.title_patterns.n == 1);
	/* maintainers by term */
	range_from_month(&range, "2023-08", &err);
	CHECK(draft_from_config(&d, &cfg, &range, &err) == 0);
	CHECK(d.sections[0].repos[1].info.nmaintainers == 1);
	CHECK_STR(d.sections[0].repos[1].info.maintainers[0].login, "old");
	draft_release(&d);
	range_from_month(&range, "2024-01", &err);
	CHECK(draft_from_config(&d, &cfg, &range, &err) == 0);
	CHECK_STR(d.sections[0].repos[1].info.maintainers[0].login, "new");
	draft_release(&d);
	config_release(&cfg);
}

static void expect_error(const char *text, const char *want)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;

	CHECK(parse(&cfg, text, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE);
	if (!err.msg || !strstr(err.msg, want))
		fprintf(stderr, "  message: %s\n  wanted:  %s\n", err.msg ? err.msg : "(none)", want),
			t_failed_checks++;
	error_clear(&err);
}

static void errors(void)
{
	expect_error("{\n  \"title\": \"x\"\n  \"sections\": []\n}", "c.json:3:");
	expect_error("[]", "c.json:1:1: the config must be a JSON object");
	expect_error("{\"sections\": []}", "non-empty \"sections\"");
	expect_error("{\n\"sections\": [ {\n\"heading\": \"H\", \"repos\": [ {\"repo\": \"not a repo\"} ] } ] }",
		     "c.json:3: invalid repository \"not a repo\"");
	expect_error("{\"sections\": [ {\"heading\": \"H\", \"repos\": [ {\"intro\": \"x\"} ] } ] }",
		     "no \"repo\"");
	expect_error("{\"sections\": [ {\"heading\": \"H\", \"repos\": [ {\"repo\": \"o/r\", \"intro\": 5} ] } ] }",
		     "\"intro\" must be a string");
	expect_error("{\"sections\": [ {\"repos\": [] } ] }", "no \"heading\"");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": {\"mode\": \"hide\"}}",
		     "\"mode\" must be");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": {\"title_patterns\": [\"(x\"]}}",
		     "invalid title pattern \"(x\"");
	expect_error("{\"sections\": [{\"heading\": \"H\", \"repos\": [{\"repo\": \"o/r\", \"maintainers\": [{\"login\": \"a\", \"since\": \"soon\"}]}]}]}",
		     "must be months");
	expect_error("{\"a\": 1, \"a\": 2}", "c.json:1:");
}

/* Title patterns that would make regcomp() take gigabytes are refused,
 * naming the line and the limit; reasonable ones still compile. */
static void pattern_bounds(void)
{
	static const char *const bad[] = {
		"a++++++++++++++++++++", "^ai+++++++++++++++++++++++++++++++++++++++++++ce",
		"(a{1,100}){1,100}", "((((((((((x*)*)*)*)*)*)*)*)*)*)*", "a{1001}", "a{1000,}",
		"^x*+++++e", "^)*++++++e)os_2+++++++t]", "((((^x*)+)+)+)",
	};
	static const char *const good[] = {
		"^(build|chore)\\\\(deps\\\\): bump .* from .* to .*$", "[[:alpha:]]{1,40}[]x]+",
		"v?[0-9]+(\\\\.[0-9]+){0,3}", "a{1000}", "(((a)))", "[(]{2}", "^((x*)+)?e",
	};
	char text[1024];

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(text, sizeof text,
			 "{\"sections\": [{\"heading\": \"H\"}],\n\"dependency_bumps\": {\n\"title_patterns\": [\"%s\"]}}",
			 bad[i]);
		expect_error(text, "c.json:3: title pattern");
		expect_error(text, "repeats too much (limits: 1000 atoms");
	}
	snprintf(text, sizeof text,
		 "{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": {\"title_patterns\": [\"%0300d\"]}}",
		 0);
	expect_error(text, "longer than 256 characters");
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_config cfg;

		snprintf(text, sizeof text,
			 "{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": {\"title_patterns\": [\"%s\"]}}",
			 good[i]);
		CHECK(parse(&cfg, text, &err) == 0);
		if (err.msg)
			fprintf(stderr, "  %s\n", err.msg);
		config_release(&cfg);
		error_clear(&err);
	}
}

static void shipped_config(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	char path[4096];
	const char *root = getenv("ML_SOURCE_DIR");

	snprintf(path, sizeof path, "%s/config/rust-osdev.json", root ? root : ".");
	CHECK(config_load(&cfg, path, &err) == 0);
	if (err.msg)
		fprintf(stderr, "%s\n", err.msg);
	CHECK(cfg.nsections >= 1 && cfg.sections[0].nrepos >= 5);
	config_release(&cfg);
	error_clear(&err);
}

int main(void)
{
	RUN(good);
	RUN(errors);
	RUN(pattern_bounds);
	RUN(shipped_config);
	return DONE();
}
