/* fuzz_markdown.c: the markdown escaping of text from the network:
 * markdown_link_text() and markdown_comment_text() on the whole input,
 * then markdown_section() of one repository whose PRs come from it.
 *
 * Input: a flags byte, then PR records separated by 0x1E, each of fields
 * separated by 0x1F: title, author (empty: unknown), a flags character
 * (bit 0: a bump, bit 1: a bot), co-authors...
 * Flags byte: bits 0-1 the deps mode, bit 2 a month (else a date range),
 * bit 3 a maintainer. */
#include "fuzz.h"

#include "mergeletter/emit/markdown.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/error.h"

static void check_link_text(const char *s)
{
	struct ml_buf out = ML_BUF_INIT;

	FUZZ_ASSERT(markdown_link_text(&out, s) == 0);
	for (size_t i = 0; i < out.len; i++) /* one line, no control characters */
		FUZZ_ASSERT((unsigned char)out.data[i] >= 0x20 && out.data[i] != 0x7F);
	buf_release(&out);
}

static void check_comment_text(const char *s)
{
	struct ml_buf out = ML_BUF_INIT;

	FUZZ_ASSERT(markdown_comment_text(&out, s) == 0);
	if (out.data) /* nothing that ends an HTML comment early */
		FUZZ_ASSERT(!strstr(out.data, "-->") && !strstr(out.data, "--!>"));
	buf_release(&out);
}

/* Split s at the first sep: s is cut there and the rest returned (NULL: none). */
static char *cut(char *s, char sep)
{
	char *p = s ? strchr(s, sep) : NULL;

	if (!p)
		return NULL;
	*p = '\0';
	return p + 1;
}

/* Add one PR from a record; 1 when its logins are valid GitHub logins. */
static int add_pr(struct ml_pr_list *prs, char *rec, long number)
{
	char *author = cut(rec, '\x1f'), *flags = cut(author, '\x1f'), *co = cut(flags, '\x1f');
	struct ml_pr *pr = pr_list_add(prs);
	int valid = 1;

	FUZZ_ASSERT(pr != NULL);
	pr->repo = strdup("octo/repo");
	pr->number = number;
	pr->merged_at = 1690848000 + number;
	pr->title = strdup(rec);
	if (author && *author) {
		pr->author = strdup(author);
		valid = pr_login_valid(author, strlen(author));
	}
	if (flags && *flags) {
		pr->is_bump = *flags & 1;
		pr->author_is_bot = (*flags & 2) != 0;
	}
	while (co) {
		char *next = cut(co, '\x1f');

		FUZZ_ASSERT(strv_push(&pr->coauthors, co) == 0);
		valid &= pr_login_valid(co, strlen(co));
		co = next;
	}
	FUZZ_ASSERT(pr->repo && pr->title);
	return valid;
}

/* Lines that the section's own markup owns keep their shape. */
static void check_section(const char *md)
{
	for (const char *line = md; *line;) {
		const char *nl = strchr(line, '\n'), *end = nl ? nl : line + strlen(line);
		const char *close;

		if (*line == '#') /* no heading but the repository's */
			FUZZ_ASSERT(strncmp(line, "### [`", 6) == 0);
		if (strncmp(line, "<!-- - [", 8) == 0) { /* a bump, commented out */
			close = strstr(line, "-->");
			FUZZ_ASSERT(close && close + 3 == end);
		}
		line = nl ? nl + 1 : end;
	}
}

static void check_render(uint8_t flags, char *records)
{
	static const enum ml_deps_mode modes[] = {ML_DEPS_COMMENT, ML_DEPS_DROP, ML_DEPS_KEEP,
						  ML_DEPS_COMMENT};
	struct ml_maintainer maint = {"maintainer", NULL, 0, 0};
	struct ml_repo_cfg rc = {0};
	struct ml_range range = {1690848000, 1693526400, 2023, 8};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf out = ML_BUF_INIT;
	struct ml_draft d;
	struct ml_draft_repo *r;
	int valid = 1;
	long number = 1;

	rc.repo = "octo/repo";
	rc.intro = "The `repo` crate does things.";
	if (flags & 8) {
		rc.maintainers = &maint;
		rc.nmaintainers = 1;
		rc.maintainers_known = 1;
	}
	if (!(flags & 4))
		range.year = range.month = 0;
	FUZZ_ASSERT(draft_single(&d, &rc, &range, &err) == 0);
	d.deps_mode = modes[flags & 3];
	r = &d.sections[0].repos[0];
	for (char *rec = records; rec; number++) {
		char *next = cut(rec, '\x1e');

		valid &= add_pr(&r->prs, rec, number);
		rec = next;
	}
	FUZZ_ASSERT(markdown_section(&out, &d, r) == 0);
	/* hostile logins are escaped text now: the layout holds for every input */
	(void)valid;
	if (out.data)
		check_section(out.data);
	buf_release(&out);
	FUZZ_ASSERT(markdown_issue(&out, &d) == 0);
	buf_release(&out);
	draft_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	check_link_text(s);
	check_comment_text(s);
	check_render(data[0], s);
	free(s);
	return 0;
}
