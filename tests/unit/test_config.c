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

static void logins(void)
{
	static const char text[] =
		"{ \"sections\": [ { \"heading\": \"H\", \"repos\": [ { \"repo\": \"o/a\" } ] } ],\n"
		"  \"logins\": { \"Kim@Example.com\": \"kim\",\n"
		"              \"zoe@example.com\": \"zoe-z\" } }\n";
	static const char bad_login[] =
		"{ \"sections\": [ { \"heading\": \"H\", \"repos\": [ { \"repo\": \"o/a\" } ] } ],\n"
		"  \"logins\": {\n"
		"    \"kim@example.com\": \"not a login\" } }\n";
	static const char bad_type[] =
		"{ \"sections\": [ { \"heading\": \"H\", \"repos\": [ { \"repo\": \"o/a\" } ] } ],\n"
		"  \"logins\": [\"kim\"] }\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;
	struct ml_draft d;

	CHECK(parse(&cfg, text, &err) == 0);
	CHECK(cfg.logins.emails.n == 2);
	CHECK_STR(login_map_find(&cfg.logins, "kim@example.COM"), "kim");
	CHECK_STR(login_map_find(&cfg.logins, "zoe@example.com"), "zoe-z");
	CHECK(login_map_find(&cfg.logins, "max@example.com") == NULL);
	range_from_month(&range, "2023-08", &err);
	CHECK(draft_from_config(&d, &cfg, &range, &err) == 0);
	CHECK_STR(login_map_find(&d.logins, "zoe@example.com"), "zoe-z"); /* the draft's copy */
	draft_release(&d);
	config_release(&cfg);
	CHECK(parse(&cfg, bad_login, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE && err.msg && strstr(err.msg, "c.json:3:") &&
	      strstr(err.msg, "kim@example.com"));
	error_clear(&err);
	CHECK(parse(&cfg, bad_type, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "\"logins\" must be an object"));
	error_clear(&err);
}

/* section --config: the config's entry under what the command line sets. */
static void section_overlay(void)
{
	static const char text[] =
		"{ \"sections\": [ { \"heading\": \"H\", \"repos\": [\n"
		"  { \"repo\": \"o/a\", \"intro\": \"A.\", \"maintainers\": [\"m1\", \"m2\"], \"ref\": \"dev\" } ] } ] }\n";
	static const char two[] =
		"{ \"sections\": [ { \"heading\": \"H\", \"repos\": [ { \"repo\": \"o/a\" }, { \"repo\": \"o/b\" } ] } ] }\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_maintainer cli_m[] = { { "me", NULL, 0, 0 } };
	struct ml_repo_cfg cli, out;
	const struct ml_repo_cfg *base;

	memset(&cli, 0, sizeof cli);
	CHECK(parse(&cfg, text, &err) == 0);
	CHECK((base = config_find_repo(&cfg, NULL)) != NULL); /* the only one */
	CHECK(config_find_repo(&cfg, "O/A") == base);
	CHECK(config_find_repo(&cfg, "o/zzz") == NULL);
	CHECK(repo_cfg_overlay(&out, base, &cli) == 0); /* nothing set: the entry */
	CHECK_STR(out.intro, "A.");
	CHECK(out.nmaintainers == 2 && out.maintainers_known);
	CHECK_STR(out.ref, "dev");
	repo_cfg_release(&out);
	cli.intro = "B.";
	cli.maintainers = cli_m;
	cli.nmaintainers = 1;
	CHECK(repo_cfg_overlay(&out, base, &cli) == 0); /* the command line wins */
	CHECK_STR(out.intro, "B.");
	CHECK_STR(out.repo, "o/a");
	CHECK(out.nmaintainers == 1);
	CHECK_STR(out.maintainers[0].login, "me");
	repo_cfg_release(&out);
	CHECK(repo_cfg_overlay(&out, NULL, &cli) == 0); /* no entry: the command line alone */
	CHECK(out.repo == NULL && out.nmaintainers == 1);
	repo_cfg_release(&out);
	config_release(&cfg);
	CHECK(parse(&cfg, two, &err) == 0);
	CHECK(config_find_repo(&cfg, NULL) == NULL); /* several: name one */
	CHECK_STR(config_find_repo(&cfg, "o/b")->repo, "o/b");
	config_release(&cfg);
}

int main(void)
{
	RUN(good);
	RUN(errors);
	RUN(shipped_config);
	RUN(logins);
	RUN(section_overlay);
	return DONE();
}
