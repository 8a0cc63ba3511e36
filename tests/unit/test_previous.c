/* test_previous.c: reading a published issue back into the config model.
 *
 * The posts below are this file's own, in the three shapes seen in the
 * newsletter's history: intro and lead-in in one paragraph (2023-08),
 * news paragraphs between the intro and the lead-in (2023-09), hard-wrapped
 * intros with the lead-in apart (2026-06). */
#include <stdio.h>
#include <stdlib.h>

#include "mergeletter/document/previous.h"
#include "mergeletter/emit/markdown.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

/* 2023-08 shape: the lead-in ends the intro's paragraph. */
static const char shape_a[] =
    "+++\n"
    "title = \"This Month in Kernel Land: March 2024\"\n"
    "date = 2024-04-05\n"
    "\n"
    "[extra]\n"
    "month = \"March 2024\"\n"
    "editors = [\"ed-one\", \"ed-two\"]\n"
    "+++\n"
    "\n"
    "Welcome to a new issue.\n"
    "\n"
    "## Announcements, News, and Blog Posts\n"
    "\n"
    "### Summer of Kernels\n"
    "\n"
    "- [A post](https://example.com/post)\n"
    "\n"
    "## `kern` Projects\n"
    "\n"
    "In this section, we look at the projects of the [`kern`](https://github.com/kern/about) org.\n"
    "\n"
    "<!--\n"
    "    Please use the following template:\n"
    "\n"
    "    ### [`repo_name`](https://github.com/kern/repo_name)\n"
    "    <span class=\"maintainers\">Maintained by "
    "[@maintainer_1](https://github.com/maintainer_1)</span>\n"
    "-->\n"
    "\n"
    "### [`pager`](https://github.com/kern/pager)\n"
    "<span class=\"maintainers\">Maintained by [@alice](https://github.com/alice), "
    "[@bob](https://github.com/orgs/kern/people/bob), and "
    "[@carol](https://github.com/carol)</span>\n"
    "\n"
    "The `pager` crate maps pages, e.g. for [UEFI](https://en.wikipedia.org/wiki/UEFI). It is "
    "fast. This month, we merged the following PRs:\n"
    "\n"
    "- [Map huge pages](https://github.com/kern/pager/pull/12)\n"
    "- [Unmap, too](https://github.com/kern/pager/pull/13)\n"
    "\n"
    "<!---\n"
    "- [build(deps): bump x from 1 to 2](https://github.com/kern/pager/pull/14)\n"
    "--->\n"
    "\n"
    "Thanks to [@dave](https://github.com/dave) for their contribution!\n"
    "\n"
    "### [`serial`](https://github.com/kern/serial)\n"
    "<span class=\"maintainers\">Maintained by [@alice](https://github.com/alice)</span>\n"
    "\n"
    "The `serial` crate drives UARTs \xE2\x80\x93 the old kind. We merged the following change "
    "this month:\n"
    "\n"
    "- [Fix baud rate](https://github.com/kern/serial/pull/3)\n"
    "\n"
    "<!--\n"
    "    tables had only dependency updates this month:\n"
    "    - [build(deps): bump y from 1 to 2](https://github.com/kern/tables/pull/9)\n"
    "-->\n"
    "\n"
    "## Other Projects\n"
    "\n"
    "In this section, we describe other projects.\n"
    "\n"
    "### [`erin/tiny-os`](https://github.com/erin/tiny-os)\n"
    "<span class=\"maintainers\">(Section written by [@erin](https://github.com/erin))</span>\n"
    "\n"
    "<img width=\"128\" align=\"right\" src=\"https://example.com/logo.svg\" />\n"
    "\n"
    "I published a tiny OS:\n"
    "\n"
    "```rust\n"
    "## not a heading\n"
    "fn main() {}\n"
    "```\n"
    "\n"
    "### [`erin/blog`](https://github.com/erin/blog)\n"
    "<span class=\"maintainers\">(Section written by [@erin](https://github.com/erin))</span>\n"
    "\n"
    "We merged the following changes to the [_blog_](https://blog.example.com/) this month:\n"
    "\n"
    "- [Typo](https://github.com/erin/blog/pull/7)\n"
    "\n"
    "## Join Us?\n"
    "\n"
    "Join us.\n";

/* 2023-09 shape: intro, then that month's news, then the lead-in. */
static const char shape_b[] =
    "+++\n"
    "title = \"This Month in Kernel Land: April 2024\"\n"
    "[extra]\n"
    "month = \"April 2024\"\n"
    "editors = [\"ed-one\"]\n"
    "+++\n"
    "\n"
    "## `kern` Projects\n"
    "\n"
    "In this section, we look at our projects.\n"
    "\n"
    "### [`boot`](https://github.com/kern/boot)\n"
    "<span class=\"maintainers\">Maintained by [@bob](https://github.com/bob)</span>\n"
    "\n"
    "The [boot](https://crates.io/crates/boot) crate went from `0.1` \n"
    "to `0.2`. The release adds things.\n"
    "\n"
    "Thanks to [@zed](https://github.com/zed) for their "
    "[contribution](https://github.com/kern/boot/pull/172)\n"
    "that fixed it.\n"
    "\n"
    "### [`tables`](https://github.com/kern/tables)\n"
    "<span class=\"maintainers\">Maintained by [@carol](https://github.com/carol)</span>\n"
    "\n"
    "The `tables` crate parses firmware tables.\n"
    "\n"
    "This month, a new major version was published.\n"
    "It allocates less.\n"
    "\n"
    "More news - many thanks!\n"
    "\n"
    "We merged the following changes this month:\n"
    "\n"
    "- [Parse more](https://github.com/kern/tables/pull/191)\n"
    "- [Sleep opcode](https://github.com/kern/tables/commit/133001e)\n"
    "\n"
    "Thanks to [@yan](https://github.com/yan) for their contributions!\n";

/* 2026-06 shape: hard-wrapped intros, lead-in apart, nested lists, CRLF. */
static const char shape_c[] =
    "+++\r\n"
    "title = \"This Month in Kernel Land: June 2026\"\r\n"
    "[extra]\r\n"
    "month = \"June 2026\"\r\n"
    "editors = [\"ed-one\"]\r\n"
    "+++\r\n"
    "\r\n"
    "## `kern` Projects\r\n"
    "\r\n"
    "In this section, we look at our projects.\r\n"
    "\r\n"
    "### [`uefi-kit`](https://github.com/kern/uefi-kit)\r\n"
    "<span class=\"maintainers\">Maintained by [@alice](https://github.com/alice) and "
    "[@bob](https://github.com/bob)</span>\r\n"
    "\r\n"
    "`uefi` makes it easy to develop Rust software that leverages safe, convenient,\r\n"
    "and performant abstractions for UEFI functionality.\r\n"
    "\r\n"
    "We merged the following PRs this month:\r\n"
    "\r\n"
    "- [Feat: IoMmu protocol](https://github.com/kern/uefi-kit/pull/1728)\r\n"
    "\r\n"
    "<!-- - [chore(deps): update x action to v1](https://github.com/kern/uefi-kit/pull/1961) "
    "-->\r\n"
    "\r\n"
    "### [`loader`](https://github.com/kern/loader)\r\n"
    "<span class=\"maintainers\">Maintained by [@bob](https://github.com/bob)</span>\r\n"
    "\r\n"
    "The `loader` crate loads ELF files. The following changes landed in early July, but we "
    "mention them already:\r\n"
    "\r\n"
    "- Nightlies renamed an ABI. This adjusts the targets.\r\n"
    "  - [Change `rustc-abi`](https://github.com/kern/loader/pull/569)\r\n"
    "- [Bump uefi](https://github.com/kern/loader/pull/566)\r\n"
    "\r\n"
    "<!--\r\n"
    "    pager had only dependency updates this month:\r\n"
    "    - pager #590 (Bump actions/checkout from 6 to 7)\r\n"
    "-->\r\n"
    "\r\n"
    "## Other Projects\r\n"
    "\r\n"
    "### [`erin/blog`](https://github.com/erin/blog)\r\n"
    "<span class=\"maintainers\">(Section written by [@erin](https://github.com/erin))</span>\r\n"
    "\r\n"
    "We merged the following changes to the blog. These landed in early July, but we mention "
    "them:\r\n"
    "\r\n"
    "- [Fix target spec](https://github.com/erin/blog/pull/1484)\r\n";

struct parsed {
	struct ml_config cfg;
	char *warnings;
	size_t wlen;
};

static void parse(struct parsed *p, const char *text, const char *path)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_progress progress;
	FILE *w = open_memstream(&p->warnings, &p->wlen);

	progress_init(&progress, w, 0, 0);
	CHECK(previous_parse(&p->cfg, text, strlen(text), path, &progress, &err) == 0);
	CHECK(err.msg == NULL);
	fclose(w);
}

static void parsed_release(struct parsed *p)
{
	config_release(&p->cfg);
	free(p->warnings);
}

static const struct ml_repo_cfg *repo(const struct ml_config *cfg, size_t s, size_t r)
{
	if (s >= cfg->nsections || r >= cfg->sections[s].nrepos)
		return NULL;
	return &cfg->sections[s].repos[r];
}

/* The repository's section as markdown.c writes it, with one PR listed,
 * up to the list sentence: what a carried-over section shows. */
static char *render_top(const struct ml_repo_cfg *rc)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range range;
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_pr *pr;
	char *cut;

	range_from_month(&range, "2024-05", &err);
	if (draft_single(&d, rc, &range, &err) < 0)
		return NULL;
	pr = pr_list_add(&d.sections[0].repos[0].prs);
	pr->repo = ml_strdup(rc->repo);
	pr->number = 1;
	pr->title = ml_strdup("A change");
	pr->author = ml_strdup("alice");
	markdown_section(&out, &d, &d.sections[0].repos[0]);
	draft_release(&d);
	cut = out.data ? strstr(out.data, "We merged the following PR this month:") : NULL;
	if (cut)
		*cut = '\0';
	return buf_detach(&out);
}

/* The carried-over top of a section renders as in the original post. */
static void check_renders_as_original(const struct ml_repo_cfg *rc, const char *original)
{
	char *top = render_top(rc);

	CHECK(top != NULL && *top != '\0');
	if (top && !strstr(original, top))
		fprintf(stderr, "not in the original:\n%s\n", top);
	CHECK(top && strstr(original, top));
	free(top);
}

static void shape_2023_08(void)
{
	struct parsed p = {0};
	const struct ml_repo_cfg *r;

	parse(&p, shape_a, "a.md");
	CHECK_STR(p.cfg.title, "This Month in Kernel Land");
	CHECK(p.cfg.editors.n == 2 && strcmp(p.cfg.editors.v[1], "ed-two") == 0);
	CHECK(p.cfg.nsections == 2); /* news and "Join Us?" hold no repository */
	CHECK_STR(p.cfg.sections[0].heading, "`kern` Projects");
	CHECK_STR(p.cfg.sections[0].intro, "In this section, we look at the projects of the "
					   "[`kern`](https://github.com/kern/about) org.");
	CHECK_STR(p.cfg.sections[1].heading, "Other Projects");
	CHECK(p.cfg.sections[0].nrepos == 3 && p.cfg.sections[1].nrepos == 2);

	r = repo(&p.cfg, 0, 0); /* the template comment's heading is not a repository */
	CHECK(r && strcmp(r->repo, "kern/pager") == 0 && r->name == NULL && r->line == 29);
	CHECK_STR(r->intro, "The `pager` crate maps pages, e.g. for "
			    "[UEFI](https://en.wikipedia.org/wiki/UEFI). It is fast.");
	CHECK(r->intro_sep == NULL);
	CHECK(r->maintainers_known && r->nmaintainers == 3);
	CHECK_STR(r->maintainers[0].login, "alice");
	CHECK(r->maintainers[0].url == NULL);
	CHECK_STR(r->maintainers[1].url, "https://github.com/orgs/kern/people/bob");
	CHECK(repo_cfg_is_maintainer(r, "carol") && !repo_cfg_is_maintainer(r, "dave"));
	check_renders_as_original(r, shape_a);

	r = repo(&p.cfg, 0, 1);
	CHECK_STR(r->intro, "The `serial` crate drives UARTs \xE2\x80\x93 the old kind.");
	check_renders_as_original(r, shape_a);

	r = repo(&p.cfg, 0, 2); /* only bumps, in markdown.c's comment: kept, nothing known */
	CHECK(r && strcmp(r->repo, "kern/tables") == 0 && r->line == 50);
	CHECK(r && !r->maintainers_known && !r->intro && !r->maintainers_line);

	r = repo(&p.cfg, 1, 0); /* free text: heading and line only, with a warning */
	CHECK(r && strcmp(r->repo, "erin/tiny-os") == 0);
	CHECK_STR(r->name, "erin/tiny-os");
	CHECK(r->intro == NULL && r->maintainers_known);
	CHECK_STR(r->maintainers_line, "<span class=\"maintainers\">(Section written by "
				       "[@erin](https://github.com/erin))</span>");
	CHECK(
	    p.warnings &&
	    strstr(
		p.warnings,
		"warning: a.md:59: erin/tiny-os: no list of PRs; the intro is not carried over\n"));

	r = repo(&p.cfg, 1, 1); /* the lead-in is the whole paragraph: no intro */
	CHECK(r && strcmp(r->repo, "erin/blog") == 0 && r->intro == NULL);
	check_renders_as_original(r, shape_a);
	/* the only warning */
	CHECK(p.warnings && strchr(p.warnings, '\n') == strrchr(p.warnings, '\n'));
	parsed_release(&p);
}

static void shape_2023_09(void)
{
	struct parsed p = {0};
	const struct ml_repo_cfg *r;

	parse(&p, shape_b, "b.md");
	CHECK_STR(p.cfg.title, "This Month in Kernel Land");
	CHECK(p.cfg.nsections == 1 && p.cfg.sections[0].nrepos == 2);
	r = repo(&p.cfg, 0, 0); /* news and a thanks with a PR link, but no list */
	CHECK(r && strcmp(r->repo, "kern/boot") == 0 && r->intro == NULL);
	CHECK(p.warnings && strstr(p.warnings, "b.md:12: kern/boot: no list of PRs"));
	r = repo(&p.cfg, 0, 1); /* the first paragraph; the news between is not carried */
	CHECK_STR(r->intro, "The `tables` crate parses firmware tables.");
	CHECK_STR(r->intro_sep, "\n\n");
	check_renders_as_original(r, shape_b);
	parsed_release(&p);
}

static void shape_2026_06(void)
{
	struct parsed p = {0};
	const struct ml_repo_cfg *r;
	struct ml_buf lf = ML_BUF_INIT;

	parse(&p, shape_c, "c.md");
	for (const char *s = shape_c; *s; s++)
		if (*s != '\r')
			buf_add(&lf, s, 1);
	/* only bumps, named without a link: not guessed */
	CHECK_STR(p.warnings,
		  "warning: c.md:34: pager: had only dependency updates, but the comment links "
		  "to none of its PRs; it is not carried over\n");
	CHECK(p.cfg.nsections == 2 && p.cfg.sections[0].nrepos == 2);
	CHECK(p.cfg.sections[1].intro == NULL); /* a heading straight after */
	r = repo(&p.cfg, 0, 0);
	CHECK_STR(r->intro,
		  "`uefi` makes it easy to develop Rust software that leverages safe, convenient,\n"
		  "and performant abstractions for UEFI functionality.");
	CHECK_STR(r->intro_sep, "\n\n");
	CHECK(r->nmaintainers == 2);
	check_renders_as_original(r, lf.data);
	r = repo(&p.cfg, 0, 1); /* "The following ..." leads in; the nested list is the PR list */
	CHECK_STR(r->intro, "The `loader` crate loads ELF files.");
	CHECK(r->intro_sep == NULL);
	check_renders_as_original(r, lf.data);
	r = repo(&p.cfg, 1, 0); /* "We merged ... blog. These landed ...:" is all lead-in */
	CHECK(r && r->intro == NULL);
	buf_release(&lf);
	parsed_release(&p);
}

/* What cannot be read is a warning naming the line, and left out. */
/* A maintainers line's "[@text](url)" that is no GitHub login (40
 * characters, a double dash) names no maintainer. */
static void not_a_login(void)
{
	static const char text[] =
	    "## Our Projects\n\n### [`a`](https://github.com/o/a)\n"
	    "<span class=\"maintainers\">Maintained by [@m](https://github.com/m), "
	    "[@abcdefghijabcdefghijabcdefghijabcdefghij](https://github.com/x) and "
	    "[@a--b](https://github.com/y)</span>\n\n"
	    "We merged the following PRs this month:\n\n- [One](https://github.com/o/a/pull/1)\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;

	CHECK(previous_parse(&cfg, text, sizeof text - 1, "prev.md", NULL, &err) == 0);
	CHECK(cfg.nsections == 1 && cfg.sections[0].nrepos == 1);
	if (cfg.nsections == 1 && cfg.sections[0].nrepos == 1) {
		CHECK(cfg.sections[0].repos[0].nmaintainers == 1);
		CHECK_STR(cfg.sections[0].repos[0].maintainers[0].login, "m");
	}
	config_release(&cfg);
}

/* An empty "##" heading: its repositories are left out, with a warning;
 * the parts around it are read. */
static void empty_part_heading(void)
{
	static const char text[] = "## Ours\n\n### [`a`](https://github.com/o/a)\n\n"
				   "We merged the following PRs this month:\n\n- [x](u)\n\n"
				   "##   \n\n### [`b`](https://github.com/o/b)\n\n"
				   "## Theirs\n\n### [`c`](https://github.com/o/c)\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;

	CHECK(previous_parse(&cfg, text, sizeof text - 1, "prev.md", NULL, &err) == 0);
	CHECK(cfg.nsections == 2);
	if (cfg.nsections == 2) {
		CHECK_STR(cfg.sections[0].heading, "Ours");
		CHECK_STR(cfg.sections[1].heading, "Theirs");
		CHECK(cfg.sections[0].nrepos == 1 && cfg.sections[1].nrepos == 1);
	}
	config_release(&cfg);
}

/* A text holding a NUL byte is refused with the line, not read short. */
static void nul_byte(void)
{
	static const char text[] = "+++\ntitle = \"T: May 2024\"\n+++\n\n## \0Our Projects\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;

	CHECK(previous_parse(&cfg, text, sizeof text - 1, "prev.md", NULL, &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE && err.msg &&
	      strstr(err.msg, "prev.md:5: a NUL byte"));
	error_clear(&err);
}

static void failures(void)
{
	static const char text[] =
	    "+++\n"
	    "title = \"Broken: May 2024\"\n"
	    "editors = [\"ed\", 3]\n"
	    "+++\n"
	    "## Our Projects\n"
	    "\n"
	    "### [`site`](https://example.com/site)\n"
	    "\n"
	    "Text.\n"
	    "\n"
	    "### [`a`](https://github.com/o/a)\n"
	    "<span class=\"maintainers\">Maintained by [@x](https://github.com/x)\n"
	    "\n"
	    "The `a` crate. We merged the following PRs this month:\n"
	    "\n"
	    "- [One](https://github.com/o/a/pull/1)\n"
	    "\n"
	    "### [`b`](https://github.com/o/b)\n"
	    "\n"
	    "The `b` crate.\n"
	    "Here is what we did\n"
	    "- [One](https://github.com/o/b/pull/1)\n"
	    "\n"
	    "### [`a`](https://github.com/o/a)\n"
	    "<span class=\"maintainers\">Maintained by the team</span>\n";
	struct parsed p = {0};
	const struct ml_repo_cfg *r;

	parse(&p, text, "bad.md");
	CHECK(p.warnings != NULL);
	if (!p.warnings)
		return;
	CHECK(strstr(p.warnings, "warning: bad.md:3: cannot read this front matter line"));
	CHECK(p.cfg.editors.n == 1);
	CHECK_STR(p.cfg.title, "Broken");
	CHECK(strstr(p.warnings,
		     "warning: bad.md:7: the heading does not link to a GitHub repository"));
	CHECK(strstr(p.warnings,
		     "warning: bad.md:12: o/a: the maintainers line does not end with </span>"));
	CHECK(strstr(p.warnings, "warning: bad.md:18: o/b: no maintainers line under the heading"));
	CHECK(strstr(p.warnings,
		     "warning: bad.md:22: o/b: no sentence ending in ':' leads into the PR list"));
	CHECK(strstr(
	    p.warnings,
	    "warning: bad.md:24: o/a: a second section; the one of line 11 is carried over"));
	CHECK(p.cfg.nsections == 1 && p.cfg.sections[0].nrepos == 2);
	r = repo(&p.cfg, 0, 0);
	CHECK(r && !r->maintainers_known && r->maintainers_line == NULL);
	CHECK_STR(r->intro, "The `a` crate.");
	r = repo(&p.cfg, 0, 1);
	CHECK(r && r->intro == NULL && !r->maintainers_known);
	parsed_release(&p);

	parse(&p, "+++\ntitle = \"x\"\n## Not closed\n", "open.md");
	CHECK(p.warnings && strstr(p.warnings, "open.md:1: the front matter has no closing"));
	CHECK(p.cfg.title == NULL && p.cfg.nsections == 0);
	parsed_release(&p);
}

/* The text the editor wrote last wins (the previous issue's intros and
 * maintainers lines over the config's); the config's repositories all
 * appear, and the issue's other ones are added. */
static void merge(void)
{
	static const char config[] =
	    "{ \"title\": \"Config Title\", \"sections\": [\n"
	    "  { \"heading\": \"`kern` Projects\", \"repos\": [\n"
	    "    { \"repo\": \"kern/pager\", \"maintainers\": [\"zoe\"], "
	    "\"intro\": \"Config intro.\" },\n"
	    "    { \"repo\": \"Kern/Serial\" }, { \"repo\": \"kern/new\" } ] } ] }\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct parsed p = {0};
	const struct ml_repo_cfg *r;

	parse(&p, shape_a, "a.md");
	CHECK(config_parse(&cfg, config, strlen(config), "c.json", &err) == 0);
	CHECK(previous_merge(&cfg, &p.cfg, &err) == 0);
	CHECK_STR(cfg.title, "Config Title");
	CHECK(cfg.editors.n == 2); /* the config has none */
	CHECK(cfg.nsections == 2);
	CHECK_STR(cfg.sections[0].intro, p.cfg.sections[0].intro);
	r = repo(&cfg, 0, 0);
	/* last month's intro and maintainers line, not the config's older ones */
	CHECK_STR(r->intro, "The `pager` crate maps pages, e.g. for "
			    "[UEFI](https://en.wikipedia.org/wiki/UEFI). It is fast.");
	CHECK(r->maintainers_line && strstr(r->maintainers_line, "[@alice]"));
	/* the config's maintainer and the line's: none of them is thanked */
	CHECK(r->nmaintainers == 4 && strcmp(r->maintainers[0].login, "zoe") == 0 &&
	      strcmp(r->maintainers[3].login, "carol") == 0);
	/* in the config, not in last month's issue: still drafted */
	r = repo(&cfg, 0, 2);
	CHECK_STR(r->repo, "kern/new");
	CHECK(r->intro == NULL && r->maintainers_line == NULL);
	r = repo(&cfg, 0, 1); /* no maintainers, no intro in the config: carried over */
	CHECK_STR(r->repo, "Kern/Serial");
	CHECK_STR(r->intro, "The `serial` crate drives UARTs \xE2\x80\x93 the old kind.");
	CHECK(r->maintainers_known && r->nmaintainers == 1 && r->maintainers_line);
	CHECK(cfg.sections[0].nrepos == 4);
	CHECK_STR(cfg.sections[1].heading, "Other Projects");
	CHECK(cfg.sections[1].nrepos == 2 && cfg.sections[1].repos[0].line == 0);
	CHECK(previous_repo_count(&cfg) == 6);
	config_release(&cfg);
	parsed_release(&p);
}

int main(void)
{
	RUN(shape_2023_08);
	RUN(shape_2023_09);
	RUN(shape_2026_06);
	RUN(failures);
	RUN(merge);
	RUN(nul_byte);
	RUN(not_a_login);
	RUN(empty_part_heading);
	return DONE();
}
