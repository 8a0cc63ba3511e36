/* test_config.c: loading, validation and error positions. */
#include <stdlib.h>
#include <time.h>

#include "mergeletter/util/buf.h"

#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/error.h"
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
	    "    { \"repo\": \"o/a\", \"maintainers\": [\"m1\", {\"login\": \"m2\", \"url\": "
	    "\"https://x/m2\"}],\n"
	    "      \"intro\": \"Intro – dash\" },\n"
	    "    { \"repo\": \"o/b\", \"maintainers\": [{\"login\": \"old\", \"until\": "
	    "\"2023-12\"}, {\"login\": \"new\", \"since\": \"2024-01\"}] }\n"
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
		fprintf(stderr, "  message: %s\n  wanted:  %s\n", err.msg ? err.msg : "(none)",
			want),
		    t_failed_checks++;
	error_clear(&err);
}

static void errors(void)
{
	expect_error("{\n  \"title\": \"x\"\n  \"sections\": []\n}", "c.json:3:");
	expect_error("[]", "c.json:1:1: the config must be a JSON object");
	expect_error("{\"sections\": []}", "non-empty \"sections\"");
	expect_error("{\n\"sections\": [ {\n\"heading\": \"H\", \"repos\": [ {\"repo\": \"not a "
		     "repo\"} ] } ] }",
		     "c.json:3: invalid repository \"not a repo\"");
	/* a value written with escapes is found where it stands (not line 0) */
	expect_error("{\n\"sections\": [ {\n\"heading\": \"H\", \"repos\": [\n{\"repo\": "
		     "\"\\u001b[2Jx\"} ] } ] }",
		     "c.json:4: invalid repository \"\x1b[2Jx\"");
	expect_error(
	    "{\"sections\": [ {\"heading\": \"H\", \"repos\": [ {\"intro\": \"x\"} ] } ] }",
	    "no \"repo\"");
	expect_error("{\"sections\": [ {\"heading\": \"H\", \"repos\": [ {\"repo\": \"o/r\", "
		     "\"intro\": 5} ] } ] }",
		     "\"intro\" must be a string");
	expect_error("{\"sections\": [ {\"repos\": [] } ] }", "no \"heading\"");
	expect_error(
	    "{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": {\"mode\": \"hide\"}}",
	    "\"mode\" must be");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": "
		     "{\"title_patterns\": [\"(x\"]}}",
		     "title pattern \"(x\": not a valid POSIX extended regular expression");
	expect_error("{\"sections\": [{\"heading\": \"H\", \"repos\": [{\"repo\": \"o/r\", "
		     "\"maintainers\": [{\"login\": \"a\", \"since\": \"soon\"}]}]}]}",
		     "must be months");
	expect_error("{\"a\": 1, \"a\": 2}", "c.json:1:");
}

static void tooling_and_news(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	const char *text = "{\"sections\": [{\"heading\": \"H\"}],\n"
			   " \"tooling\": {\"sources\": [{\"repo\": \"rust-lang/rust\", "
			   "\"labels\": [\"O-riscv\"],\n"
			   "   \"title_words\": [\"calling convention\"]}]},\n"
			   " \"news\": {\"heading\": \"News\", \"timeout_seconds\": 1.5, "
			   "\"feeds\": [\"https://a.example/feed\",\n"
			   "   {\"url\": \"http://b.example/rss\", \"offer\": true}]}}";

	CHECK(config_parse(&cfg, text, strlen(text), "c.json", &err) == 0);
	CHECK_STR(cfg.tooling.heading, "Infrastructure and Tooling");
	CHECK(cfg.tooling.nsources == 1);
	if (cfg.tooling.nsources == 1) {
		CHECK_STR(cfg.tooling.sources[0].repo, "rust-lang/rust");
		CHECK_STR(cfg.tooling.sources[0].title_words.v[0], "calling convention");
	}
	CHECK_STR(cfg.news.heading, "News");
	CHECK(cfg.news.timeout_ms == 1500 && cfg.news.nfeeds == 2);
	if (cfg.news.nfeeds == 2) {
		CHECK(!cfg.news.feeds[0].offer && cfg.news.feeds[1].offer);
		CHECK_STR(cfg.news.feeds[1].url, "http://b.example/rss");
	}
	config_release(&cfg);
	/* absent: no parts */
	text = "{\"sections\": [{\"heading\": \"H\"}]}";
	CHECK(config_parse(&cfg, text, strlen(text), "c.json", &err) == 0);
	CHECK(cfg.tooling.heading == NULL && cfg.news.heading == NULL);
	config_release(&cfg);
	error_clear(&err);
	expect_error("{\"sections\": [{\"heading\": \"H\"}],\n\"news\": {\"feeds\": "
		     "[\"file:///etc/passwd\"]}}",
		     "c.json:2: feed \"file:///etc/passwd\" is not an http(s) URL");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"news\": {\"feeds\": [{\"url\": "
		     "\"https://x\", \"offer\": 1}]}}",
		     "\"offer\" must be true or false");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"news\": {\"timeout_seconds\": 0}}",
		     "\"timeout_seconds\" must be");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"tooling\": {\"sources\": "
		     "[{\"repo\": \"x\", \"labels\": [\"a\"]}]}}",
		     "a tooling source needs \"repo\"");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"tooling\": {\"sources\": "
		     "[{\"repo\": \"o/r\"}]}}",
		     "needs \"labels\" or \"title_words\"");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"tooling\": {\"sources\": "
		     "[{\"repo\": \"o/r\", \"title_words\": [\"say \\\"hi\\\"\"]}]}}",
		     "a title word must be");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"tooling\": {\"sources\": "
		     "[{\"repo\": \"o/r\", \"labels\": [\"a,b\"]}]}}",
		     "a tooling label must be");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"tooling\": {\"heading\": \"\"}}",
		     "\"heading\" must be one non-empty line");
}

/* Pathological title patterns are refused on their text, at once. */
static void pattern_bounds(void)
{
	static const char *const bad[] = {"a++++++++++++++++++++", "(a{1,100}){1,100}", "a{5000}",
					  "(((((((((((a+)+)+)+)+)+)+)+)+)+)+)"};
	struct ml_buf text = ML_BUF_INIT;
	clock_t start = clock();

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		buf_reset(&text);
		buf_printf(&text,
			   "{\"sections\": [{\"heading\": \"H\"}],\n \"dependency_bumps\": {\n"
			   "  \"title_patterns\": [\"^ok\", \"%s\"]}}",
			   bad[i]);
		expect_error(text.data, "c.json:3: title pattern");
	}
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": "
		     "{\"title_patterns\": [\"a++++++++++++\"]}}",
		     "nested more than 3 deep");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": "
		     "{\"title_patterns\": [\"(a{40}){30}\"]}}",
		     "expand it past 1000 steps");
	buf_reset(&text);
	buf_puts(&text, "{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": "
			"{\"title_patterns\": [\"");
	for (int i = 0; i < 201; i++)
		buf_puts(&text, "x");
	buf_puts(&text, "\"]}}");
	expect_error(text.data, "longer than 200 characters");
	expect_error("{\"sections\": [{\"heading\": \"H\"}], \"dependency_bumps\": "
		     "{\"title_patterns\": [\"a?b?c?d?e?f?g?h?i?j?k?l?m?n?o?p?q?r?s?t?u?\"]}}",
		     "more than 20 repetitions");
	CHECK((double)(clock() - start) / CLOCKS_PER_SEC < 0.5);
	buf_release(&text);
}

/* Unknown keys (with a suggestion when one is close) and repeated
 * repositories are warnings, collected for the caller. */
static void warnings(void)
{
	static const char text[] = "{\n"
				   "  \"title\": \"T\", \"edtors\": [\"x\"],\n"
				   "  \"sections\": [ { \"heading\": \"A\", \"repos\": [\n"
				   "    { \"repo\": \"o/a\", \"mantainers\": [\"m\"] },\n"
				   "    { \"repo\": \"o/b\", \"colour\": \"red\" } ] },\n"
				   "    { \"heading\": \"B\", \"repos\": [\n"
				   "    { \"repo\": \"O/A\" } ] } ],\n"
				   "  \"dependency_bumps\": { \"Mode\": \"drop\" }\n"
				   "}\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;

	CHECK(parse(&cfg, text, &err) == 0);
	CHECK(cfg.warnings.n == 5);
	if (cfg.warnings.n == 5) {
		CHECK_STR(cfg.warnings.v[0],
			  "c.json:2: unknown key \"edtors\" ignored; did you mean \"editors\"?");
		CHECK_STR(
		    cfg.warnings.v[1],
		    "c.json:4: unknown key \"mantainers\" ignored; did you mean \"maintainers\"?");
		CHECK_STR(cfg.warnings.v[2], "c.json:5: unknown key \"colour\" ignored");
		CHECK_STR(cfg.warnings.v[3], "c.json:7: repository \"O/A\" is listed twice (also "
					     "on line 4); remove one of the entries");
		CHECK_STR(cfg.warnings.v[4],
			  "c.json:8: unknown key \"Mode\" ignored; did you mean \"mode\"?");
	}
	config_release(&cfg);
	error_clear(&err);
}

/* CPU seconds to load a config of n repositories. */
static double load_seconds(int n)
{
	struct ml_buf text = ML_BUF_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	clock_t start;
	double s;

	buf_puts(&text, "{\"sections\": [{\"heading\": \"H\", \"repos\": [\n");
	for (int i = 0; i < n; i++)
		buf_printf(&text, "%s{\"repo\": \"owner%d/repo-%d\", \"maintainers\": [\"m%d\"]}\n",
			   i ? "," : "", i % 97, i, i);
	buf_puts(&text, "]}]}\n");
	start = clock();
	CHECK(parse(&cfg, text.data, &err) == 0);
	s = (double)(clock() - start) / CLOCKS_PER_SEC;
	CHECK(cfg.sections[0].nrepos == (size_t)n && cfg.warnings.n == 0);
	CHECK(cfg.sections[0].repos[n - 1].line == n + 1);
	config_release(&cfg);
	buf_release(&text);
	return s;
}

/* 40,000 repositories load in linear time (lines are counted once): 8
 * times the repositories take about 8 times as long, not 64 (the
 * quadratic loader took 29 s). A ratio holds under the sanitizers too. */
static void many_repos(void)
{
	double small = load_seconds(5000), big = load_seconds(40000);

	if (big / (small > 0.001 ? small : 0.001) >= 24 || big > 10)
		fprintf(stderr, "  5,000: %.3f s, 40,000: %.3f s\n", small, big);
	CHECK(big / (small > 0.001 ? small : 0.001) < 24);
	CHECK(big < 10);
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
	CHECK(cfg.tooling.nsources == 2 && cfg.tooling.sources[0].labels.n >= 5);
	CHECK(cfg.news.nfeeds >= 2 && cfg.news.timeout_ms == 20000);
	config_release(&cfg);
	error_clear(&err);
}

static void categories(void)
{
	static const char text[] =
	    "{\"categories\": [{\"title\": \"Fixes\", \"labels\": [\"Bug\"], \"prefixes\": "
	    "[\"fix\"]},\n"
	    "                 {\"title\": \"Features\", \"prefixes\": [\"feat\"]}],\n"
	    " \"sections\": [{\"heading\": \"H\", \"default_category\": \"Rest\",\n"
	    "   \"repos\": [{\"repo\": \"a/b\"}, {\"repo\": \"c/d\", \"categories\": []}]}]}";
	static const struct {
		const char *title, *label;
		size_t want;
	} prs[] = {
	    {"fix: a crash", NULL, 0},	  {"Fix(parser)!: b", NULL, 0},
	    {"feat(x): c", NULL, 1},	  {"feature: d", NULL, 2},
	    {"fixes the thing", NULL, 2}, {"fix(unclosed: e", NULL, 2},
	    {"Add a feature", "bug", 0},  {"feat: and a bug", "BUG", 0},
	};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	const struct ml_categories *c;

	CHECK(parse(&cfg, text, &err) == 0);
	c = &cfg.sections[0].repos[0].categories;
	CHECK(c->n == 2);
	CHECK_STR(categories_title(c, 2), "Rest"); /* the section's default, the config's list */
	for (size_t i = 0; i < sizeof prs / sizeof *prs; i++) {
		struct ml_pr pr = {0};

		pr.title = (char *)prs[i].title;
		if (prs[i].label)
			strv_push(&pr.labels, prs[i].label);
		CHECK(categories_match(c, &pr) == prs[i].want);
		strv_release(&pr.labels);
	}
	CHECK(cfg.sections[0].repos[1].categories.n == 2); /* an empty list inherits too */
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
	static const char text[] = "{ \"sections\": [ { \"heading\": \"H\", \"repos\": [\n"
				   "  { \"repo\": \"o/a\", \"intro\": \"A.\", \"maintainers\": "
				   "[\"m1\", \"m2\"], \"ref\": \"dev\" } ] } ] }\n";
	static const char two[] = "{ \"sections\": [ { \"heading\": \"H\", \"repos\": [ { "
				  "\"repo\": \"o/a\" }, { \"repo\": \"o/b\" } ] } ] }\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_maintainer cli_m[] = {{"me", NULL, 0, 0}};
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

/* "org" or "user" names the owner a section lists; "exclude" leaves some
 * of its repositories out, by name or owner/name. */
static void owners(void)
{
	static const char text[] = "{\n"
				   "  \"sections\": [\n"
				   "    { \"heading\": \"A\", \"org\": \"rust-osdev\",\n"
				   "      \"exclude\": [\"homepage\", \"Rust-OSDev/about\"] },\n"
				   "    { \"heading\": \"B\", \"user\": \"phil-opp\" } ]\n"
				   "}\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;
	struct ml_draft d;

	CHECK(parse(&cfg, text, &err) == 0);
	CHECK(cfg.nsections == 2);
	CHECK_STR(cfg.sections[0].org, "rust-osdev");
	CHECK(!cfg.sections[0].user && cfg.sections[0].exclude.n == 2);
	CHECK_STR(cfg.sections[0].exclude.v[0], "homepage");
	CHECK_STR(cfg.sections[0].exclude.v[1], "about");
	CHECK_STR(cfg.sections[1].org, "phil-opp");
	CHECK(cfg.sections[1].user && cfg.sections[1].exclude.n == 0);
	range_from_month(&range, "2023-08", &err);
	CHECK(draft_from_config(&d, &cfg, &range, &err) == 0);
	CHECK(d.sections[1].user && !d.sections[0].user && d.sections[0].exclude.n == 2);
	draft_release(&d);
	config_release(&cfg);

	expect_error("{\"sections\": [{\"heading\": \"H\",\n\"org\": \"o\",\n\"user\": \"u\"}]}",
		     "c.json:3: a section lists one owner's repositories: give \"org\" or "
		     "\"user\", not both");
	expect_error("{\"sections\": [{\"heading\": \"H\",\n\"user\": \"a b\"}]}",
		     "c.json:2: invalid user \"a b\"");
	expect_error("{\"sections\": [{\"heading\": \"H\", \"org\": \"o\",\n\"exclude\": [\"a\",\n"
		     "\"other/b\"]}]}",
		     "c.json:3: \"exclude\" entry \"other/b\" is not a repository of org 'o'; "
		     "write it as \"NAME\" or \"o/NAME\"");
	expect_error(
	    "{\"sections\": [{\"heading\": \"H\", \"user\": \"u\",\n\"exclude\": [\"\"]}]}",
	    "c.json:2: \"exclude\" entry \"\" is not a repository of user 'u'");
	expect_error("{\"sections\": [{\"heading\": \"H\", \"org\": \"o\",\n\"exclude\": \"a\"}]}",
		     "c.json:2: \"exclude\" must be a list of strings");
	expect_error("{\"sections\": [{\"heading\": \"H\",\n\"exclude\": [\"a\"]}]}",
		     "c.json:2: \"exclude\" leaves out repositories of the section's \"org\" or "
		     "\"user\"");
}

int main(void)
{
	RUN(good);
	RUN(owners);
	RUN(errors);
	RUN(tooling_and_news);
	RUN(pattern_bounds);
	RUN(warnings);
	RUN(many_repos);
	RUN(shipped_config);
	RUN(categories);
	RUN(logins);
	RUN(section_overlay);
	return DONE();
}
