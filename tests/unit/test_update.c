/* test_update.c: the trailer, never clobbering, --update over a corpus of
 * edited drafts (tests/update/NAME/edited.md -> expected.md), the property
 * update(update(x)) == update(x), the month's note, and --finalize.
 *
 * ML_UPDATE_WRITE=1 rewrites tests/update/base.md and every expected.md
 * from the actual output (review the diff before committing it). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergeletter/document/update.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

#define MID 1692144000 /* 2023-08-16 */
#define END 1693958400 /* 2023-09-06 */

static const char config_json[] =
    "{ \"title\": \"This Month in Example OSDev\", \"editors\": [\"ed\"],\n"
    "  \"sections\": [\n"
    "    { \"heading\": \"`example` Projects\", \"intro\": \"Projects of the example org.\",\n"
    "      \"repos\": [\n"
    "        { \"repo\": \"example/alpha\", \"maintainers\": [\"maint\"], \"intro\": \"The `alpha` "
    "crate does a.\" },\n"
    "        { \"repo\": \"example/beta\", \"maintainers\": [\"maint\"], \"intro\": \"The `beta` "
    "crate does b.\" },\n"
    "        { \"repo\": \"example/gamma\", \"maintainers\": [\"maint\"], \"intro\": \"The `gamma` "
    "crate does c.\" } ] },\n"
    "    { \"heading\": \"Other Projects\",\n"
    "      \"repos\": [ { \"repo\": \"other/delta\", \"maintainers\": [\"dmaint\"], \"intro\": "
    "\"Delta is an OS.\" } ] } ] }\n";

struct fact {
	const char *repo;
	long number;
	const char *title;
	const char *author;
	int bump;
	const char *merged; /* day of August 2023 */
};

/* The month as GitHub has it at its end; by MID only the first half merged. */
static const struct fact facts[] = {
    {"example/alpha", 1, "Add foo", "alice", 0, "2023-08-02"},
    {"example/alpha", 2, "build(deps): bump x from 1 to 2", "dependabot[bot]", 1, "2023-08-03"},
    {"example/alpha", 3, "Fix `bar` [again]", "bob", 0, "2023-08-05"},
    {"example/beta", 10, "Beta start", "carol", 0, "2023-08-04"},
    {"other/delta", 20, "Delta thing", "dave", 0, "2023-08-10"},
    {"example/alpha", 4, "Add baz", "erin", 0, "2023-08-20"},
    {"example/alpha", 5, "build(deps): bump y from 3 to 4", "dependabot[bot]", 1, "2023-08-21"},
    {"example/gamma", 30, "Gamma first", "gina", 0, "2023-08-22"},
    {"example/beta", 11, "Beta more", "frank", 0, "2023-08-25"},
    {"other/delta", 21, "Delta more", "alice", 0, "2023-08-28"},
};

static struct ml_draft_repo *find_repo(struct ml_draft *d, const char *repo)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			if (ml_strcaseeq(d->sections[i].repos[j].info.repo, repo))
				return &d->sections[i].repos[j];
	return NULL;
}

/* The draft of August 2023 as seen at `now`. */
static void model(struct ml_draft *d, int64_t now)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;

	CHECK(config_parse(&cfg, config_json, strlen(config_json), "test.json", &err) == 0);
	CHECK(range_from_month(&range, "2023-08", &err) == 0);
	CHECK(draft_from_config(d, &cfg, &range, &err) == 0);
	d->date = now;
	for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
		struct ml_draft_repo *r = find_repo(d, facts[i].repo);
		struct ml_pr *pr;
		int64_t t;

		CHECK(range_parse_time(facts[i].merged, &t) == 0);
		if (t > now)
			continue;
		pr = pr_list_add(&r->prs);
		pr->repo = ml_strdup(facts[i].repo);
		pr->number = facts[i].number;
		pr->title = ml_strdup(facts[i].title);
		pr->author = ml_strdup(facts[i].author);
		pr->author_is_bot = facts[i].bump;
		pr->is_bump = facts[i].bump;
		pr->merged_at = t;
	}
	config_release(&cfg);
}

static char *path_of(const char *rel)
{
	struct ml_buf b = ML_BUF_INIT;
	const char *root = getenv("ML_SOURCE_DIR");

	buf_printf(&b, "%s/tests/update/%s", root ? root : ".", rel);
	return buf_detach(&b);
}

static char *slurp(const char *path, size_t *len)
{
	struct ml_error err = ML_ERROR_INIT;
	char *s = NULL;

	if (file_read(path, &s, len, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		error_clear(&err);
		return NULL;
	}
	return s;
}

/* Compare with a file of the corpus, or rewrite it under ML_UPDATE_WRITE. */
static void check_file(const char *got, size_t len, const char *rel)
{
	char *path = path_of(rel), *want;
	size_t wlen = 0;

	if (getenv("ML_UPDATE_WRITE")) {
		struct ml_error err = ML_ERROR_INIT;

		CHECK(file_write_atomic(path, got, len, &err) == 0);
		fprintf(stderr, "UPDATED %s\n", path);
		free(path);
		return;
	}
	want = slurp(path, &wlen);
	CHECK(want != NULL);
	if (want && (wlen != len || memcmp(want, got, len) != 0)) {
		fprintf(stderr, "%s differs; got:\n%.*s\n", path, (int)len, got);
		CHECK(!"output equals the corpus file");
	}
	free(want);
	free(path);
}

static int render(struct ml_buf *out, const char *old, size_t oldlen, int64_t now, int update,
		  int force, struct ml_error *err)
{
	struct ml_draft d;
	struct ml_update_opts o = {1, update, force, now};
	int rc;

	model(&d, now);
	rc = update_render(out, old, oldlen, &d, &o, NULL, err);
	draft_release(&d);
	return rc;
}

static void fresh_mid_month(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf out = ML_BUF_INIT;

	CHECK(render(&out, NULL, 0, MID, 0, 0, &err) == 0);
	CHECK(strstr(out.data, "+++\n\n<!-- mergeletter: drafted 2023-08-16; PRs merged later will "
			       "be added by --update -->\n\nWelcome") != NULL);
	CHECK(strstr(out.data, "\n<!-- mergeletter: offered example/alpha#1,2,3; example/beta#10; "
			       "other/delta#20; digest sha256:") != NULL);
	check_file(out.data, out.len, "base.md");
	buf_release(&out);
}

/* Every edited draft of the corpus, updated at the month's end. */
static void corpus(void)
{
	char *dir = path_of("");
	DIR *dp = opendir(dir);
	struct dirent *e;
	int cases = 0;
	char *bpath = path_of("base.md"), *base;
	size_t blen = 0;

	base = slurp(bpath, &blen);
	CHECK(base != NULL);
	CHECK(dp != NULL);
	while (base && dp && (e = readdir(dp)) != NULL) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_buf once = ML_BUF_INIT, twice = ML_BUF_INIT, rel = ML_BUF_INIT;
		char *path, *text;
		size_t len = 0;

		if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
			continue;
		buf_printf(&rel, "%s/edited.md", e->d_name);
		path = path_of(rel.data);
		text = slurp(path, &len);
		free(path);
		CHECK(text != NULL);
		if (!text) {
			buf_release(&rel);
			continue;
		}
		cases++;
		if (render(&once, text, len, END, 1, 0, &err) < 0)
			fprintf(stderr, "%s: %s\n", e->d_name, err.msg);
		CHECK(err.msg == NULL);
		buf_reset(&rel);
		buf_printf(&rel, "%s/expected.md", e->d_name);
		check_file(once.data, once.len, rel.data);
		/* every PR of the month is there, unless the editor deleted it */
		for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
			char link[128];

			snprintf(link, sizeof link, "github.com/%s/pull/%ld)", facts[i].repo,
				 facts[i].number);
			CHECK(strstr(once.data, link) ||
			      (strstr(base, link) && !strstr(text, link)));
			CHECK(!strstr(text, link) || strstr(once.data, link));
		}
		/* the property: a second --update changes no byte */
		CHECK(render(&twice, once.data, once.len, END, 1, 0, &err) == 0);
		CHECK(twice.len == once.len && memcmp(twice.data, once.data, once.len) == 0);
		if (twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0)
			fprintf(stderr, "%s: a second --update changed the text:\n%s\n", e->d_name,
				twice.data);
		/* and an edited file is never clobbered by a plain -o */
		buf_reset(&twice);
		if (strcmp(e->d_name, "unedited") != 0) {
			CHECK(render(&twice, once.data, once.len, END, 0, 0, &err) < 0);
			CHECK(err.exit_code == ML_EXIT_USAGE && strstr(err.msg, "--update") &&
			      strstr(err.msg, "--force"));
		}
		error_clear(&err);
		free(text);
		buf_release(&once);
		buf_release(&twice);
		buf_release(&rel);
	}
	if (dp)
		closedir(dp);
	free(dir);
	free(base);
	free(bpath);
	CHECK(cases >= 8);
}

static void no_clobber(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf mid = ML_BUF_INIT, out = ML_BUF_INIT, edited = ML_BUF_INIT;
	const char *notours = "# My notes\n\nhand-written\n";

	CHECK(render(&mid, NULL, 0, MID, 0, 0, &err) == 0);
	/* unchanged: simply rewritten, as a fresh draft of today */
	CHECK(render(&out, mid.data, mid.len, END, 0, 0, &err) == 0);
	CHECK(strstr(out.data, "drafted") == NULL && strstr(out.data, "Gamma first") != NULL);
	/* one byte changed: refused, naming both ways out */
	buf_add(&edited, mid.data, mid.len);
	edited.data[strstr(edited.data, "Add foo") - edited.data] = 'a';
	buf_reset(&out);
	CHECK(render(&out, edited.data, edited.len, END, 0, 0, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE);
	CHECK(err.msg && strstr(err.msg, "--update") && strstr(err.msg, "--force"));
	error_clear(&err);
	/* not ours (no trailer): refused by -o and by --update; --force writes */
	CHECK(render(&out, notours, strlen(notours), END, 0, 0, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "--force") && strstr(err.msg, "--update"));
	error_clear(&err);
	CHECK(render(&out, notours, strlen(notours), END, 1, 0, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE && strstr(err.msg, "no mergeletter trailer"));
	error_clear(&err);
	CHECK(render(&out, notours, strlen(notours), END, 0, 1, &err) == 0);
	CHECK(strncmp(out.data, "+++\n", 4) == 0);
	/* a damaged trailer is named as such */
	buf_reset(&out);
	buf_reset(&edited);
	buf_printf(&edited, "text\n\n<!-- mergeletter: offered a/b#x; digest sha256:00 -->\n");
	CHECK(render(&out, edited.data, edited.len, END, 1, 0, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "damaged"));
	error_clear(&err);
	buf_release(&mid);
	buf_release(&out);
	buf_release(&edited);
}

static void month_note(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf mid = ML_BUF_INIT, later = ML_BUF_INIT, end = ML_BUF_INIT;
	struct ml_strv notes = {NULL, 0, 0};
	struct ml_draft d;
	struct ml_update_opts o = {1, 1, 0, MID + 86400};

	CHECK(render(&mid, NULL, 0, MID, 0, 0, &err) == 0);
	/* a later --update inside the month dates the note anew */
	model(&d, MID + 86400);
	CHECK(update_render(&later, mid.data, mid.len, &d, &o, &notes, &err) == 0);
	draft_release(&d);
	CHECK(strstr(later.data, "drafted 2023-08-17;") != NULL);
	CHECK(strstr(later.data, "drafted 2023-08-16;") == NULL);
	CHECK(notes.n == 1 && strstr(notes.v[0], "August 2023 is not over"));
	/* after the month: the note and its blank line go */
	CHECK(render(&end, later.data, later.len, END, 1, 0, &err) == 0);
	CHECK(strstr(end.data, "drafted") == NULL);
	CHECK(strstr(end.data, "+++\n\nWelcome") != NULL);
	strv_release(&notes);
	buf_release(&mid);
	buf_release(&later);
	buf_release(&end);
}

static void update_missing_file(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf a = ML_BUF_INIT, b = ML_BUF_INIT;

	CHECK(render(&a, NULL, 0, END, 1, 0, &err) == 0);
	CHECK(render(&b, NULL, 0, END, 0, 0, &err) == 0);
	CHECK_STR(a.data, b.data);
	buf_release(&a);
	buf_release(&b);
}

static void finalize(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_strv notes = {NULL, 0, 0};
	struct ml_buf mid = ML_BUF_INIT, fin = ML_BUF_INIT, again = ML_BUF_INIT, out = ML_BUF_INIT;
	char *path = path_of("thanks-rewritten/expected.md"), *text;
	size_t len = 0;

	CHECK(render(&mid, NULL, 0, MID, 0, 0, &err) == 0);
	CHECK(update_finalize(&fin, mid.data, mid.len, END, &notes, &err) == 1);
	CHECK(strstr(fin.data, "mergeletter") == NULL);
	/* every other comment stays: the template's, the bumps' */
	CHECK(strstr(fin.data, "<!-- more -->") != NULL);
	CHECK(strstr(fin.data, "<!-- - [build(deps): bump x from 1 to 2]") != NULL);
	CHECK(strstr(fin.data, "Please use the following template") != NULL);
	CHECK(strstr(fin.data, "+++\n\nWelcome") != NULL);
	CHECK(fin.len > 0 && fin.data[fin.len - 1] == '\n' && fin.data[fin.len - 2] != '\n');
	CHECK(notes.n == 2 && strstr(notes.v[0], "before its month ended"));
	/* the front matter's date becomes the day of --finalize */
	CHECK(strstr(fin.data, "\ndate = 2023-09-06\n") != NULL);
	CHECK(notes.n == 2 && strstr(notes.v[1], "date 2023-08-16 is now 2023-09-06"));
	strv_release(&notes);
	/* unless the editor changed it */
	{
		struct ml_buf edited = ML_BUF_INIT;
		char *p = strstr(mid.data, "date = 2023-08-16");

		buf_add(&edited, mid.data, (size_t)(p - mid.data));
		buf_puts(&edited, "date = 2023-09-01");
		buf_puts(&edited, p + strlen("date = 2023-08-16"));
		buf_reset(&out);
		CHECK(update_finalize(&out, edited.data, edited.len, END, &notes, &err) == 1);
		CHECK(out.data && strstr(out.data, "\ndate = 2023-09-01\n") != NULL);
		CHECK(notes.n == 2 && strstr(notes.v[1], "2023-09-01 was set by hand"));
		strv_release(&notes);
		buf_release(&edited);
		buf_reset(&out);
	}
	/* final is final: no trailer, nothing to do; --update refuses it */
	CHECK(update_finalize(&again, fin.data, fin.len, END, &notes, &err) == 0);
	CHECK_STR(again.data, fin.data);
	CHECK(render(&out, fin.data, fin.len, END, 1, 0, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "finalized"));
	error_clear(&err);
	/* an unanswered "also thank" note is removed and reported */
	text = slurp(path, &len);
	CHECK(text && strstr(text, "<!-- mergeletter: also thank @erin -->"));
	buf_reset(&fin);
	CHECK(text && update_finalize(&fin, text, len, END, &notes, &err) == 1);
	CHECK(fin.data && strstr(fin.data, "also thank") == NULL);
	CHECK(notes.n == 2 && strstr(notes.v[0], "also thank @erin"));
	/* a trailer of an older version does not say which date it wrote */
	CHECK(fin.data && strstr(fin.data, "\ndate = 2023-08-16\n") != NULL);
	CHECK(notes.n == 2 && strstr(notes.v[1], "date is left as it is"));
	strv_release(&notes);
	free(text);
	free(path);
	buf_release(&mid);
	buf_release(&fin);
	buf_release(&again);
	buf_release(&out);
}

/* One repository's section (the section command): a month of bumps only,
 * then more bumps, then its first real PR: the comment becomes its section. */
static void section_bumps_then_first_pr(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_repo_cfg rc;
	struct ml_range range;
	struct ml_draft d;
	struct ml_buf a = ML_BUF_INIT, b = ML_BUF_INIT, c = ML_BUF_INIT, fresh = ML_BUF_INIT;
	struct ml_update_opts o = {0, 1, 0, END};
	struct ml_draft_repo *r;
	struct ml_pr *pr;
	static const char *titles[] = {"build(deps): bump a", "build(deps): bump b", "Real work"};

	memset(&rc, 0, sizeof rc);
	rc.repo = "o/solo";
	rc.maintainers_known = 1;
	CHECK(range_from_month(&range, "2023-08", &err) == 0);
	CHECK(draft_single(&d, &rc, &range, &err) == 0);
	r = &d.sections[0].repos[0];
	for (long n = 1; n <= 3; n++) {
		pr = pr_list_add(&r->prs);
		pr->repo = ml_strdup("o/solo");
		pr->number = n;
		pr->title = ml_strdup(titles[n - 1]);
		pr->author = ml_strdup(n < 3 ? "renovate[bot]" : "zed");
		pr->author_is_bot = pr->is_bump = n < 3;
		if (n == 1) /* the first draft sees #1 alone, the second #2 too */
			CHECK(update_render(&a, NULL, 0, &d, &o, NULL, &err) == 0);
		if (n == 2)
			CHECK(update_render(&b, a.data, a.len, &d, &o, NULL, &err) == 0);
	}
	CHECK(strstr(a.data, "<!--\n    solo had only dependency updates this month:\n    - "
			     "[build(deps): bump a]") == a.data);
	CHECK(strstr(b.data, "bump a](https://github.com/o/solo/pull/1)\n    - [build(deps): bump "
			     "b](https://github.com/o/solo/pull/2)\n-->\n") != NULL);
	CHECK(update_render(&c, b.data, b.len, &d, &o, NULL, &err) == 0);
	/* the comment of bumps became the section, with them: a fresh draft's */
	CHECK(update_render(&fresh, NULL, 0, &d, &o, NULL, &err) == 0);
	CHECK_STR(c.data, fresh.data);
	CHECK(strstr(c.data, "had only") == NULL);
	CHECK(strstr(c.data, "offered o/solo#1,2,3; digest") != NULL);
	buf_reset(&b);
	CHECK(update_render(&b, c.data, c.len, &d, &o, NULL, &err) == 0);
	CHECK_STR(b.data, c.data);
	draft_release(&d);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	buf_release(&fresh);
}

/* An Enterprise Server's draft links to its own pages, and --update finds
 * its sections and PRs there. */
static void enterprise_links(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf a = ML_BUF_INIT, b = ML_BUF_INIT, c = ML_BUF_INIT;
	struct ml_update_opts first = {1, 0, 0, MID}, later = {1, 1, 0, END};
	struct ml_draft d;
	const char *p;
	int headings = 0;

	model(&d, MID);
	d.web = ml_strdup("https://ghe.example.com");
	CHECK(update_render(&a, NULL, 0, &d, &first, NULL, &err) == 0);
	draft_release(&d);
	/* (the template's own text links to the homepage's repository on github.com) */
	CHECK(a.data && strstr(a.data, "github.com/example") == NULL &&
	      strstr(a.data, "github.com/maint)") == NULL);
	CHECK(a.data && strstr(a.data, "[@maint](https://ghe.example.com/maint)") != NULL);
	CHECK(a.data && strstr(a.data, "](https://ghe.example.com/example/alpha/pull/1)") != NULL);
	model(&d, END);
	d.web = ml_strdup("https://ghe.example.com");
	CHECK(update_render(&b, a.data, a.len, &d, &later, NULL, &err) == 0);
	for (p = b.data; p && (p = strstr(p, "(https://ghe.example.com/example/alpha)\n")); p++)
		headings++;
	CHECK(headings == 1); /* the later PRs joined the section, none was doubled */
	CHECK(b.data && strstr(b.data, "github.com/example") == NULL);
	CHECK(update_render(&c, b.data, b.len, &d, &later, NULL, &err) == 0);
	CHECK_STR(c.data, b.data);
	draft_release(&d);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	error_clear(&err);
}

/* A part without an intro whose repositories arrive late (issue 19, point
 * 4): the draft of day 10 has none of them in the part, only p/b's bump in
 * its "only dependency updates" comment. */
static const char placed_json[] =
    "{ \"title\": \"T\", \"sections\": [ { \"heading\": \"Projects\", \"repos\": [\n"
    "  { \"repo\": \"p/a\", \"maintainers\": [\"m\"] }, { \"repo\": \"p/b\", \"maintainers\": "
    "[\"m\"] },\n"
    "  { \"repo\": \"p/c\", \"maintainers\": [\"m\"] } ] } ] }\n";

static void placed_draft(struct ml_draft *d, int day)
{
	static const struct {
		const char *repo;
		int day, bump;
	} prs[] = {{"p/b", 3, 1}, {"p/c", 12, 0}, {"p/b", 14, 0}, {"p/a", 15, 0}, {"p/b", 16, 1}};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;

	CHECK(config_parse(&cfg, placed_json, strlen(placed_json), "p.json", &err) == 0);
	CHECK(range_from_month(&range, "2023-08", &err) == 0);
	CHECK(draft_from_config(d, &cfg, &range, &err) == 0);
	config_release(&cfg);
	for (size_t i = 0; i < sizeof prs / sizeof *prs; i++) {
		struct ml_pr *pr;

		if (prs[i].day > day)
			continue;
		pr = pr_list_add(&find_repo(d, prs[i].repo)->prs);
		pr->repo = ml_strdup(prs[i].repo);
		pr->number = (long)i + 1;
		pr->title = ml_strdup(prs[i].bump ? "build(deps): bump z" : "Work");
		pr->author = ml_strdup(prs[i].bump ? "dependabot[bot]" : "zoe");
		pr->author_is_bot = pr->is_bump = prs[i].bump;
		pr->merged_at = 1690848000 + (int64_t)prs[i].day * 86400;
	}
}

static int placed_render(struct ml_buf *out, const char *old, int day)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_update_opts o = {1, old != NULL, 0, 1690848000 + (int64_t)day * 86400};
	struct ml_draft d;
	int rc;

	placed_draft(&d, day);
	rc = update_render(out, old, old ? strlen(old) : 0, &d, &o, NULL, &err);
	draft_release(&d);
	error_clear(&err);
	return rc;
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void new_sections_placed(void)
{
	struct ml_buf a = ML_BUF_INIT, b = ML_BUF_INIT, c = ML_BUF_INIT, fresh = ML_BUF_INIT;
	const char *template_end, *pa, *pb, *pc;

	CHECK(placed_render(&a, NULL, 10) == 0);
	CHECK(a.data && strstr(a.data, "    b had only dependency updates this month:\n"));
	CHECK(placed_render(&b, a.data, 20) == 0);
	CHECK(placed_render(&c, b.data, 25) == 0);
	CHECK(placed_render(&fresh, NULL, 25) == 0);
	template_end =
	    b.data ? strstr(b.data, "<<changelog, either in list or text form>>\n-->\n") : 0;
	pa = b.data ? strstr(b.data, "### [`a`]") : NULL;
	pb = b.data ? strstr(b.data, "### [`b`]") : NULL;
	pc = b.data ? strstr(b.data, "### [`c`]") : NULL;
	/* after the template's comment, not inside it; in config order */
	CHECK(template_end && pa && pb && pc && template_end < pa && pa < pb && pb < pc);
	/* the note of bumps is gone; its bump is in b's section, beside the new one */
	CHECK(b.data && !strstr(b.data, "had only dependency updates"));
	CHECK(b.data &&
	      strstr(b.data, "- [Work](https://github.com/p/b/pull/3)\n\n<!-- - "
			     "[build(deps): bump z](https://github.com/p/b/pull/1) -->\n<!-- "
			     "- [build(deps): bump z](https://github.com/p/b/pull/5) -->\n"));
	/* one section each, on the next update too; the same as a fresh draft */
	CHECK(c.data && count(c.data, "\n### [`") == 3);
	CHECK(c.data && fresh.data &&
	      strcmp(strstr(c.data, "## Projects"), strstr(fresh.data, "## Projects")) == 0);
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
	buf_release(&fresh);
}

/* A section the editor moved stays; a new one goes after those the config
 * puts before it, where the editor put them. */
static void moved_section_stays(void)
{
	struct ml_buf a = ML_BUF_INIT, moved = ML_BUF_INIT, b = ML_BUF_INIT;
	const char *c, *pa, *pb;

	CHECK(placed_render(&a, NULL, 14) == 0); /* c and b (with its bump) */
	c = a.data ? strstr(a.data, "### [`c`]") : NULL;
	pb = a.data ? strstr(a.data, "### [`b`]") : NULL;
	CHECK(c && pb && c > pb);
	/* the editor puts c first */
	if (c && pb) {
		buf_add(&moved, a.data, (size_t)(pb - a.data));
		buf_add(&moved, c, (size_t)(strstr(c, "\n\n\n") + 2 - c));
		buf_add(&moved, pb, (size_t)(c - pb));
		buf_puts(&moved, strstr(c, "\n\n\n") + 2);
	}
	CHECK(placed_render(&b, moved.data, 25) == 0);
	c = b.data ? strstr(b.data, "### [`c`]") : NULL;
	pa = b.data ? strstr(b.data, "### [`a`]") : NULL;
	pb = b.data ? strstr(b.data, "### [`b`]") : NULL;
	CHECK(c && pa && pb && c < pb && pa < pb);
	CHECK(b.data && count(b.data, "\n### [`") == 3);
	buf_release(&a);
	buf_release(&moved);
	buf_release(&b);
}

/* The refusals a run makes from the file alone, before any request. */
static void check_target(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf mid = ML_BUF_INIT, fin = ML_BUF_INIT, path = ML_BUF_INIT;
	struct ml_update_opts plain = {1, 0, 0, END}, update = {1, 1, 0, END},
			      force = {1, 0, 1, END};
	const char *tmp = getenv("TMPDIR");

	buf_printf(&path, "%s/ml-check-target-%ld.md", tmp ? tmp : "/tmp", (long)getpid());
	CHECK(render(&mid, NULL, 0, MID, 0, 0, &err) == 0);
	/* missing: anything goes */
	remove(path.data);
	CHECK(update_check_target(path.data, &update, &err) == 0);
	CHECK(update_check_target(path.data, &plain, &err) == 0);
	/* as written: -o and --update */
	CHECK(file_write_atomic(path.data, mid.data, mid.len, &err) == 0);
	CHECK(update_check_target(path.data, &plain, &err) == 0);
	CHECK(update_check_target(path.data, &update, &err) == 0);
	/* edited: -o refuses, naming both ways out and the file */
	CHECK(file_write_atomic(path.data, "edited\n", 7, &err) == 0);
	CHECK(update_check_target(path.data, &plain, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE && strstr(err.msg, path.data) &&
	      strstr(err.msg, "--force"));
	error_clear(&err);
	/* finalized: --update refuses; --force writes */
	CHECK(update_finalize(&fin, mid.data, mid.len, END, NULL, &err) == 1);
	CHECK(file_write_atomic(path.data, fin.data, fin.len, &err) == 0);
	CHECK(update_check_target(path.data, &update, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE && strstr(err.msg, "finalized"));
	error_clear(&err);
	CHECK(update_check_target(path.data, &force, &err) == 0);
	remove(path.data);
	/* a directory cannot be read */
	CHECK(update_check_target(tmp ? tmp : "/tmp", &update, &err) < 0);
	CHECK(err.msg != NULL);
	error_clear(&err);
	buf_release(&mid);
	buf_release(&fin);
	buf_release(&path);
}

/* A draft whose line ends are mixed (an editor's tool wrote CRLF on some
 * lines, or a stray CR): every line keeps its own ending, the update adds
 * the month's PRs, and a second update changes no byte. */
static void mixed_line_ends(void)
{
	static const char *const edits[][2] = {
	    {"Welcome", "\r"},	 /* one line in CRLF */
	    {"Welcome", "\r\r"}, /* a stray CR before a CRLF */
	    {"## Other", "\r"},	 /* a part's heading in CRLF */
	};

	for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_buf fresh = ML_BUF_INIT, text = ML_BUF_INIT, once = ML_BUF_INIT,
			      twice = ML_BUF_INIT, line = ML_BUF_INIT;
		const char *at, *nl;

		CHECK(render(&fresh, NULL, 0, MID, 0, 0, &err) == 0);
		at = strstr(fresh.data, edits[e][0]);
		CHECK(at != NULL);
		if (!at)
			continue;
		nl = strchr(at, '\n');
		buf_add(&text, fresh.data, (size_t)(nl - fresh.data));
		buf_puts(&text, edits[e][1]);
		buf_puts(&text, nl);
		buf_add(&line, at, (size_t)(nl - at));
		buf_puts(&line, edits[e][1]);
		buf_puts(&line, "\n");
		CHECK(render(&once, text.data, text.len, END, 1, 0, &err) == 0);
		CHECK(err.msg == NULL);
		CHECK(strstr(buf_str(&once), buf_str(&line)) != NULL);
		CHECK(strstr(buf_str(&once), "github.com/example/alpha/pull/4)") != NULL);
		CHECK(count(buf_str(&once), "## Other Projects") == 1);
		CHECK(render(&twice, once.data, once.len, END, 1, 0, &err) == 0);
		CHECK(twice.len == once.len && memcmp(twice.data, once.data, once.len) == 0);
		error_clear(&err);
		buf_release(&fresh);
		buf_release(&text);
		buf_release(&once);
		buf_release(&twice);
		buf_release(&line);
	}
}

int main(void)
{
	RUN(fresh_mid_month);
	RUN(corpus);
	RUN(no_clobber);
	RUN(month_note);
	RUN(update_missing_file);
	RUN(finalize);
	RUN(section_bumps_then_first_pr);
	RUN(enterprise_links);
	RUN(new_sections_placed);
	RUN(moved_section_stays);
	RUN(check_target);
	RUN(mixed_line_ends);
	return DONE();
}
