/* test_markdown.c: title escaping, comments, and the section template. */
#include <stdlib.h>

#include "mergeletter/emit/markdown.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

static char *link_text(const char *title)
{
	struct ml_buf b = ML_BUF_INIT;

	markdown_link_text(&b, title);
	return buf_detach(&b);
}

static char *comment_text(const char *text)
{
	struct ml_buf b = ML_BUF_INIT;

	markdown_comment_text(&b, text);
	return buf_detach(&b);
}

#define CHECK_LINK(title, want)                                                                    \
	do {                                                                                       \
		char *got_ = link_text(title);                                                     \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

static void escaping(void)
{
	CHECK_LINK("Drop `memmove` and `set_mem` from boot services",
		   "Drop `memmove` and `set_mem` from boot services");
	CHECK_LINK("`RacyCell<T>`: Data race allowed on T",
		   "`RacyCell<T>`: Data race allowed on T");
	CHECK_LINK("Fix [foo] and ]bar[", "Fix \\[foo\\] and \\]bar\\[");
	CHECK_LINK("code `a]b` stays", "code `a]b` stays");
	CHECK_LINK("``double `tick` span`` ok", "``double `tick` span`` ok");
	CHECK_LINK("unclosed ` tick [x]", "unclosed \\` tick \\[x\\]");
	CHECK_LINK("a < b and <script>", "a \\< b and \\<script>");
	CHECK_LINK("Fix\nthings\r\n  here ", "Fix things here");
	CHECK_LINK("C:\\path *stars*", "C:\\\\path *stars*");
	CHECK_LINK("Überarbeitung – naïve café 日本", "Überarbeitung – naïve café 日本");
	CHECK_LINK("bad \xC3\x28 byte", "bad \xEF\xBF\xBD( byte");
	CHECK_LINK("bell\a char", "bell char");
	CHECK_LINK("", "");
}

static void entities_and_bidi(void)
{
	/* an '&' that would start a character reference is escaped */
	CHECK_LINK("Show &lt; as text", "Show \\&lt; as text");
	CHECK_LINK("&#60; &#x3C; &#X3c; &amp;", "\\&#60; \\&#x3C; \\&#X3c; \\&amp;");
	CHECK_LINK("A & B, &amp no semicolon, &; &#; &#x;",
		   "A & B, &amp no semicolon, &; &#; &#x;");
	CHECK_LINK("&#12345678; too long", "&#12345678; too long");
	CHECK_LINK("in code `&lt;` stays", "in code `&lt;` stays");
	/* bidi embeddings, overrides and isolates go; their neighbours stay */
	CHECK_LINK("abc\xE2\x80\xAE"
		   "def\xE2\x80\xAC",
		   "abcdef");
	CHECK_LINK("\xE2\x80\xAA"
		   "a\xE2\x80\xAB"
		   "b\xE2\x80\xAD"
		   "c",
		   "abc");
	CHECK_LINK("\xE2\x81\xA6x\xE2\x81\xA7y\xE2\x81\xA8z\xE2\x81\xA9", "xyz");
	CHECK_LINK("a \xE2\x80\xAE b", "a b");
	CHECK_LINK("keep \xE2\x80\xAF\xE2\x81\xA5 these", "keep \xE2\x80\xAF\xE2\x81\xA5 these");
	/* C1 controls (U+009B is a terminal's CSI) go; U+00A0 stays */
	CHECK_LINK("a\xC2\x9B"
		   "31mb\xC2\x80\xC2\x9F"
		   "c\xC2\xA0",
		   "a31mbc\xC2\xA0");
}

static char *text(const char *s)
{
	struct ml_buf b = ML_BUF_INIT;

	markdown_text(&b, s);
	return buf_detach(&b);
}

#define CHECK_TEXT(in, want)                                                                       \
	do {                                                                                       \
		char *got_ = text(in);                                                             \
		CHECK_STR(got_ ? got_ : "", want);                                                 \
		free(got_);                                                                        \
	} while (0)

static void paragraph_text(void)
{
	CHECK_TEXT("Rust bindings for `UEFI`", "Rust bindings for `UEFI`");
	CHECK_TEXT("# Heading", "\\# Heading");
	CHECK_TEXT("  ## indented", "\\## indented");
	CHECK_TEXT("- item", "\\- item");
	CHECK_TEXT("+ item", "\\+ item");
	CHECK_TEXT("* item", "\\* item");
	CHECK_TEXT("> quote", "\\> quote");
	CHECK_TEXT("~~~ fence", "\\~~~ fence");
	CHECK_TEXT("___", "\\___");
	CHECK_TEXT("12. item", "12\\. item");
	CHECK_TEXT("3) item", "3\\) item");
	CHECK_TEXT("2023 was good", "2023 was good");
	CHECK_TEXT("line\n## injected\n<script>x</script> [l](u)",
		   "line ## injected \\<script>x\\</script> \\[l\\](u)");
	CHECK_TEXT("", "");
}

static void comments(void)
{
	char *s = comment_text("- [ends --> early](u) and --!> and <!-- nest");

	CHECK_STR(s, "- [ends --&gt; early](u) and --!&gt; and <!-- nest");
	CHECK(strstr(s, "-->") == NULL);
	free(s);
	s = comment_text("a --- b -> c");
	CHECK_STR(s, "a --- b -> c");
	free(s);
}

static struct ml_pr *add(struct ml_draft_repo *r, long n, const char *title, const char *author,
			 int bot, int bump)
{
	struct ml_pr *pr = pr_list_add(&r->prs);

	pr->repo = ml_strdup(r->info.repo);
	pr->number = n;
	pr->title = ml_strdup(title);
	pr->author = ml_strdup(author);
	pr->author_is_bot = bot;
	pr->is_bump = bump;
	pr->merged_at = 1690848000 + n;
	return pr;
}

static void section(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_maintainer m[2] = {{"alice", NULL, 0, 0},
				     {"bob", "https://example.com/bob", 0, 0}};
	struct ml_repo_cfg rc;
	struct ml_range range;
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft_repo *r;

	memset(&rc, 0, sizeof rc);
	rc.repo = "o/proj";
	rc.intro = "The `proj` crate does things.";
	rc.maintainers = m;
	rc.nmaintainers = 2;
	rc.maintainers_known = 1;
	range_from_month(&range, "2023-08", &err);
	CHECK(draft_single(&d, &rc, &range, &err) == 0);
	r = &d.sections[0].repos[0];
	add(r, 1, "First", "carol", 0, 0);
	add(r, 2, "build(deps): bump x from 1 to 2", "dependabot[bot]", 1, 1);
	add(r, 3, "Second", "Alice", 0, 0);
	add(r, 4, "Third -->", "dave", 0, 0);
	add(r, 5, "Fourth", "carol", 0, 0);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK_STR(out.data,
		  "### [`proj`](https://github.com/o/proj)\n"
		  "<span class=\"maintainers\">Maintained by [@alice](https://github.com/alice) "
		  "and [@bob](https://example.com/bob)</span>\n"
		  "\n"
		  "The `proj` crate does things. We merged the following PRs this month:\n"
		  "\n"
		  "- [First](https://github.com/o/proj/pull/1)\n"
		  "- [Second](https://github.com/o/proj/pull/3)\n"
		  "- [Third -->](https://github.com/o/proj/pull/4)\n"
		  "- [Fourth](https://github.com/o/proj/pull/5)\n"
		  "\n"
		  "<!-- - [build(deps): bump x from 1 to 2](https://github.com/o/proj/pull/2) -->\n"
		  "\n"
		  "Thanks to [@carol](https://github.com/carol) and "
		  "[@dave](https://github.com/dave) for their contributions!\n");
	/* drop: no comment; keep: the bump is listed, but a bot is never thanked */
	buf_reset(&out);
	d.deps_mode = ML_DEPS_DROP;
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data, "bump x") == NULL);
	buf_reset(&out);
	d.deps_mode = ML_DEPS_KEEP;
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data, "- [build(deps): bump x from 1 to 2](") != NULL);
	CHECK(strstr(out.data, "dependabot") == NULL || strstr(out.data, "[@dependabot") == NULL);
	buf_release(&out);
	draft_release(&d);
}

/* A month's draft of one repository without maintainers. */
static struct ml_draft_repo *one_repo(struct ml_draft *d, const char *repo)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_repo_cfg rc;
	struct ml_range range;

	memset(&rc, 0, sizeof rc);
	rc.repo = (char *)repo;
	rc.maintainers_known = 1;
	range_from_month(&range, "2023-08", &err);
	if (draft_single(d, &rc, &range, &err) < 0)
		return NULL;
	return &d->sections[0].repos[0];
}

static void singular_and_lists(void)
{
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft_repo *r = one_repo(&d, "o/one");

	CHECK(r != NULL);
	add(r, 7, "Only one", "erin", 0, 0);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data, "We merged the following PR this month:\n") != NULL);
	CHECK(strstr(out.data,
		     "Thanks to [@erin](https://github.com/erin) for their contribution!\n"));
	CHECK(strstr(out.data, "maintainers") == NULL);
	add(r, 8, "Two", "frank", 0, 0);
	add(r, 9, "Three", "grace", 0, 0);
	buf_reset(&out);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data,
		     "[@erin](https://github.com/erin), [@frank](https://github.com/frank), and "
		     "[@grace](https://github.com/grace) for their contributions!"));
	buf_release(&out);
	draft_release(&d);
}

static void only_bumps_and_empty(void)
{
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft_repo *r = one_repo(&d, "o/quiet");

	CHECK(r != NULL);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(out.len == 0);
	add(r, 3, "Bump y from 1 to 2 -->", "dependabot[bot]", 1, 1);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK_STR(out.data,
		  "<!--\n    quiet had only dependency updates this month:\n"
		  "    - [Bump y from 1 to 2 --&gt;](https://github.com/o/quiet/pull/3)\n-->\n");
	buf_reset(&out);
	d.deps_mode = ML_DEPS_DROP;
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(out.len == 0);
	buf_release(&out);
	draft_release(&d);
}

static void unknown_author(void)
{
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft_repo *r = one_repo(&d, "o/git");
	struct ml_pr *pr;

	CHECK(r != NULL);
	add(r, 1, "Known", "heidi", 0, 0);
	add(r, 2, "Unknown", NULL, 0, 0);
	pr = add(r, 3, "Co-authored", "ivan", 0, 0);
	strv_push(&pr->coauthors, "judy");
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(
	    out.data,
	    "Thanks to [@heidi](https://github.com/heidi), [@ivan](https://github.com/ivan), and "
	    "[@judy](https://github.com/judy) for their contributions!\n"));
	CHECK(strstr(out.data, "<!-- TODO: the authors of these PRs are unknown; add them to the "
			       "thanks line: #2 -->"));
	buf_release(&out);
	draft_release(&d);
}

/* Logins from a source: a link only when valid, else escaped text. */
static void hostile_logins(void)
{
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft_repo *r = one_repo(&d, "o/h");
	struct ml_pr *pr;

	CHECK(r != NULL);
	add(r, 1, "One", "x)<img src=x onerror=alert(1)>", 0, 0);
	add(r, 2, "Two", "evil\n## Heading", 0, 0);
	pr = add(r, 3, "Three", "good-one", 0, 0);
	strv_push(&pr->coauthors, "a--b");
	add(r, 4, "Four", "[x](javascript:alert(1))", 0, 0);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data, "\nThanks to @x)\\<img src=x onerror=alert(1)>, @evil ## Heading, "
			       "[@good-one](https://github.com/good-one), @a--b, and "
			       "@\\[x\\](javascript:alert(1)) for their contributions!\n") != NULL);
	CHECK(strstr(out.data, "\n#") == NULL);
	CHECK(strstr(out.data, ")<img") == NULL); /* only as "\\<img" */
	buf_release(&out);
	draft_release(&d);
}

/* A discovered repository's description is text, a configured intro markup. */
static void descriptions(void)
{
	struct ml_draft d;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft_repo *r = one_repo(&d, "o/desc");

	CHECK(r != NULL);
	add(r, 1, "One", "erin", 0, 0);
	r->info.intro = ml_strdup("# Big <b>news</b>\n- [click](javascript:x)");
	r->description = ml_strdup(r->info.intro);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data,
		     "\n\n\\# Big \\<b>news\\</b> - \\[click\\](javascript:x) We merged") != NULL);
	free(r->description);
	r->description = NULL;
	buf_reset(&out);
	CHECK(markdown_section(&out, &d, r) == 0);
	CHECK(strstr(out.data, "\n\n# Big <b>news</b>\n- [click](javascript:x) We merged") != NULL);
	buf_release(&out);
	draft_release(&d);
}

int main(void)
{
	RUN(escaping);
	RUN(entities_and_bidi);
	RUN(paragraph_text);
	RUN(hostile_logins);
	RUN(descriptions);
	RUN(comments);
	RUN(section);
	RUN(singular_and_lists);
	RUN(only_bumps_and_empty);
	RUN(unknown_author);
	return DONE();
}
