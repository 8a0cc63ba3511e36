/* markdown.c: the newsletter's markdown, with safe escaping of titles. */
#include "mergeletter/markdown.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/range.h"
#include "mergeletter/str.h"

#define GITHUB_WEB "https://github.com"

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* The title as one line of valid UTF-8: whitespace runs (newlines too)
 * become one space, control characters go, invalid bytes become U+FFFD. */
static int one_line(struct ml_buf *out, const char *title)
{
	const unsigned char *s = (const unsigned char *)title;
	size_t n = strlen(title), i = 0;
	int space = 0;

	while (i < n) {
		size_t l;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			space = out->len > 0;
			i++;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7F) {
			i++;
			continue;
		}
		if (space && buf_add(out, " ", 1) < 0)
			return -1;
		space = 0;
		l = utf8_len(s + i, n - i);
		if (l == 0) {
			if (buf_puts(out, "\xEF\xBF\xBD") < 0)
				return -1;
			i++;
			continue;
		}
		if (buf_add(out, s + i, l) < 0)
			return -1;
		i += l;
	}
	return 0;
}

static size_t backtick_run(const char *s)
{
	size_t n = 0;

	while (s[n] == '`')
		n++;
	return n;
}

/* The end of the code span opened by a run of n backticks at s (just past
 * its closing run), or NULL when the run is never closed. */
static const char *code_span_end(const char *s, size_t n)
{
	const char *p = s + n;

	while ((p = strchr(p, '`')) != NULL) {
		size_t m = backtick_run(p);

		if (m == n)
			return p + m;
		p += m;
	}
	return NULL;
}

int markdown_link_text(struct ml_buf *out, const char *title)
{
	struct ml_buf line = ML_BUF_INIT;
	const char *p;
	int rc = -1;

	if (one_line(&line, title ? title : "") < 0)
		goto done;
	p = line.data ? line.data : "";
	while (*p) {
		if (*p == '`') {
			size_t n = backtick_run(p);
			const char *end = code_span_end(p, n);

			if (end) { /* code spans bind tighter than link brackets */
				if (buf_add(out, p, (size_t)(end - p)) < 0)
					goto done;
				p = end;
				continue;
			}
			/* an unclosed run is literal text */
			for (size_t i = 0; i < n; i++)
				if (buf_puts(out, "\\`") < 0)
					goto done;
			p += n;
			continue;
		}
		if (*p == '[' || *p == ']' || *p == '<' || *p == '\\') {
			if (buf_add(out, "\\", 1) < 0)
				goto done;
		}
		if (buf_add(out, p, 1) < 0)
			goto done;
		p++;
	}
	rc = 0;
done:
	buf_release(&line);
	return rc;
}

int markdown_comment_text(struct ml_buf *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		/* "-->" and "--!>" would end the comment early (a nested "<!--" is
		 * harmless: CommonMark and browsers end a comment at the first "-->"). */
		if (p[0] == '-' && p[1] == '-' && p[2] == '>') {
			if (buf_puts(out, "--&gt;") < 0)
				return -1;
			p += 2;
		} else if (p[0] == '-' && p[1] == '-' && p[2] == '!' && p[3] == '>') {
			if (buf_puts(out, "--!&gt;") < 0)
				return -1;
			p += 3;
		} else if (buf_add(out, p, 1) < 0) {
			return -1;
		}
	}
	return 0;
}

static int user_link(struct ml_buf *out, const char *login, const char *url)
{
	if (url)
		return buf_printf(out, "[@%s](%s)", login, url);
	return buf_printf(out, "[@%s](" GITHUB_WEB "/%s)", login, login);
}

/* "a", "a and b", "a, b, and c" */
static int list_sep(struct ml_buf *out, size_t i, size_t n)
{
	if (i == 0)
		return 0;
	if (n == 2)
		return buf_puts(out, " and ");
	return buf_puts(out, i == n - 1 ? ", and " : ", ");
}

static int pr_item(struct ml_buf *out, const struct ml_pr *pr, int commented)
{
	struct ml_buf item = ML_BUF_INIT;
	int rc = -1;

	if (buf_puts(&item, "- [") < 0 || markdown_link_text(&item, pr->title) < 0 ||
	    buf_printf(&item, "](" GITHUB_WEB "/%s/pull/%ld)", pr->repo, pr->number) < 0)
		goto done;
	if (commented)
		rc = buf_puts(out, "<!-- ") < 0 || markdown_comment_text(out, item.data) < 0 ||
			     buf_puts(out, " -->\n") < 0
			     ? -1
			     : 0;
	else
		rc = buf_printf(out, "%s\n", item.data);
done:
	buf_release(&item);
	return rc;
}

static const char *repo_display(const struct ml_draft_repo *r)
{
	const char *slash;

	if (r->info.name)
		return r->info.name;
	slash = strchr(r->info.repo, '/');
	return slash ? slash + 1 : r->info.repo;
}

static int heading(struct ml_buf *out, const struct ml_draft_repo *r)
{
	return buf_printf(out, "### [`%s`](" GITHUB_WEB "/%s)\n", repo_display(r), r->info.repo);
}

static int maintainers_line(struct ml_buf *out, const struct ml_draft_repo *r)
{
	const struct ml_repo_cfg *rc = &r->info;

	if (rc->nmaintainers == 0) {
		if (rc->maintainers_known)
			return 0;
		return buf_puts(out,
				"<!-- TODO: maintainers: <span class=\"maintainers\">Maintained by [@login](" GITHUB_WEB "/login)</span> -->\n");
	}
	if (buf_puts(out, "<span class=\"maintainers\">Maintained by ") < 0)
		return -1;
	for (size_t i = 0; i < rc->nmaintainers; i++)
		if (list_sep(out, i, rc->nmaintainers) < 0 ||
		    user_link(out, rc->maintainers[i].login, rc->maintainers[i].url) < 0)
			return -1;
	return buf_puts(out, "</span>\n");
}

static int list_sentence(struct ml_buf *out, const struct ml_draft *d, size_t listed)
{
	const char *what = listed == 1 ? "PR" : "PRs";

	if (d->range.month)
		return buf_printf(out, "We merged the following %s this month:\n", what);
	{
		char a[16], b[16];

		range_format_date(d->range.since, a, sizeof a);
		range_format_date(d->range.until - 1, b, sizeof b);
		return buf_printf(out, "We merged the following %s from %s to %s:\n", what, a, b);
	}
}

static int thanks_line(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	struct ml_strref who;
	size_t contributions = 0;
	int rc = -1;

	if (draft_thanks(r, d->deps_mode, &who) < 0)
		return -1;
	if (who.n == 0) {
		rc = 0;
		goto done;
	}
	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];
		int counted = 0;

		if (!draft_pr_listed(pr, d->deps_mode) || pr->author_is_bot)
			continue;
		for (size_t j = 0; j < who.n && !counted; j++) {
			counted = pr->author && ml_strcaseeq(pr->author, who.v[j]);
			counted |= strv_contains_case(&pr->coauthors, who.v[j]);
		}
		contributions += counted;
	}
	if (buf_puts(out, "\nThanks to ") < 0)
		goto done;
	for (size_t i = 0; i < who.n; i++)
		if (list_sep(out, i, who.n) < 0 || user_link(out, who.v[i], NULL) < 0)
			goto done;
	rc = buf_printf(out, " for their %s!\n",
			contributions == 1 ? "contribution" : "contributions");
done:
	strref_release(&who);
	return rc;
}

/* Authors that a source could not know: say so instead of guessing. */
static int unknown_authors(struct ml_buf *out, const struct ml_draft *d,
			   const struct ml_draft_repo *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (!draft_pr_listed(pr, d->deps_mode) || pr->author || pr->author_is_bot)
			continue;
		if (buf_puts(out, n++ ? ", " : "\n<!-- TODO: the authors of these PRs are unknown; add them to the thanks line: ") < 0 ||
		    buf_printf(out, "#%ld", pr->number) < 0)
			return -1;
	}
	return n ? buf_puts(out, " -->\n") : 0;
}

static int only_bumps(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	if (buf_printf(out, "<!--\n    %s had only dependency updates", repo_display(r)) < 0 ||
	    buf_puts(out, d->range.month ? " this month:\n" : " in this period:\n") < 0)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++) {
		struct ml_buf item = ML_BUF_INIT;
		const struct ml_pr *pr = &r->prs.items[i];
		int rc = buf_puts(&item, "    - [") < 0 || markdown_link_text(&item, pr->title) < 0 ||
			 buf_printf(&item, "](" GITHUB_WEB "/%s/pull/%ld)\n", pr->repo,
				    pr->number) < 0 ||
			 markdown_comment_text(out, item.data) < 0;

		buf_release(&item);
		if (rc)
			return -1;
	}
	return buf_puts(out, "-->\n");
}

/* "<!-- mergeletter: FAILURE -->": what could not be fetched, in its place. */
static int failure_note(struct ml_buf *out, const char *failure)
{
	return buf_puts(out, "<!-- mergeletter: ") < 0 || markdown_comment_text(out, failure) < 0 ||
			       buf_puts(out, " -->\n") < 0
		       ? -1
		       : 0;
}

int markdown_section(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	size_t listed = 0, bumps = 0;

	if (r->failure)
		return failure_note(out, r->failure);
	for (size_t i = 0; i < r->prs.len; i++) {
		if (draft_pr_listed(&r->prs.items[i], d->deps_mode))
			listed++;
		else
			bumps++;
	}
	if (listed == 0) {
		if (bumps && d->deps_mode == ML_DEPS_COMMENT)
			return only_bumps(out, d, r);
		return 0;
	}
	if (heading(out, r) < 0 || maintainers_line(out, r) < 0 || buf_puts(out, "\n") < 0)
		return -1;
	if (r->info.intro && buf_printf(out, "%s ", r->info.intro) < 0)
		return -1;
	if (list_sentence(out, d, listed) < 0 || buf_puts(out, "\n") < 0)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++)
		if (draft_pr_listed(&r->prs.items[i], d->deps_mode) &&
		    pr_item(out, &r->prs.items[i], 0) < 0)
			return -1;
	if (bumps && d->deps_mode == ML_DEPS_COMMENT) {
		if (buf_puts(out, "\n") < 0)
			return -1;
		for (size_t i = 0; i < r->prs.len; i++)
			if (!draft_pr_listed(&r->prs.items[i], d->deps_mode) &&
			    pr_item(out, &r->prs.items[i], 1) < 0)
				return -1;
	}
	if (thanks_line(out, d, r) < 0 || unknown_authors(out, d, r) < 0)
		return -1;
	return 0;
}

/* ---- the whole issue ---- */

static const char welcome[] =
	"Welcome to a new issue of _\"%s\"_. In these posts, we give a regular overview of notable changes in the Rust operating system development ecosystem.\n"
	"\n"
	"<!-- more -->\n"
	"\n"
	"This series is openly developed [on GitHub](https://github.com/rust-osdev/homepage/). Feel free to open pull requests there with content you would like to see in the next issue. If you find some issues on this page, please report them by [creating an issue](https://github.com/rust-osdev/homepage/issues/new) or using our <a href=\"#comment-form\">_comment form_</a> at the bottom of this page.\n"
	"\n"
	"<!--\n"
	"    This is a draft for the upcoming \"%s (%s)\" post.\n"
	"    Feel free to create pull requests against the `next` branch to add your\n"
	"    content here.\n"
	"    Please take a look at the past posts on https://rust-osdev.com/ to see the\n"
	"    general structure of these posts.\n"
	"-->\n"
	"\n";

static const char announcements[] =
	"## Announcements, News, and Blog Posts\n"
	"\n"
	"Here we collect news, blog posts, etc. related to OS development in Rust.\n"
	"\n"
	"<!--\n"
	"Please follow this template:\n"
	"\n"
	"- [Title](https://example.com)\n"
	"  - (optional) Some additional context\n"
	"-->\n"
	"\n"
	"\n"
	"## Infrastructure and Tooling\n"
	"\n"
	"In this section, we collect recent updates to `rustc`, `cargo`, and other tooling that are relevant to Rust OS development.\n"
	"\n"
	"<!--\n"
	"    Please use the following template:\n"
	"\n"
	"- [Title](https://example.com)\n"
	"  - (optional) Some additional context\n"
	"-->\n"
	"\n"
	"\n";

static const char projects_template[] =
	"<!--\n"
	"    Please use the following template:\n"
	"\n"
	"    ### [`repo_name`](https://github.com/rust-osdev/repo_name)\n"
	"    <span class=\"maintainers\">Maintained by [@maintainer_1](https://github.com/maintainer_1)</span>\n"
	"\n"
	"    The `repo_name` crate ...<<short introduction>>...\n"
	"\n"
	"    We merged the following changes this month:\n"
	"    <<changelog, either in list or text form>>\n"
	"-->\n";

static const char other_heading[] = "Other Projects";

static const char other_intro[] =
	"In this section, we describe updates to Rust OS projects that are not directly related to the `rust-osdev` organization. Feel free to [create a pull request](https://github.com/rust-osdev/homepage/pulls) with the updates of your OS project for the next post.\n";

static const char other_template[] =
	"<!--\n"
	"    Please use the following template:\n"
	"\n"
	"    ### [`owner_name/repo_name`](https://github.com/rust-osdev/owner_name/repo_name)\n"
	"    <span class=\"maintainers\">(Section written by [@your_github_name](https://github.com/your_github_name))</span>\n"
	"\n"
	"    ...<<your project updates>>...\n"
	"-->\n";

static const char join_us[] =
	"## Join Us?\n"
	"\n"
	"Are you interested in Rust-based operating system development? Our `rust-osdev` organization is always open to new members and new projects. Just let us know if you want to join! A good way for getting in touch is our [Zulip chat](https://rust-osdev.zulipchat.com).\n";

/* A TOML basic string. */
static int toml_string(struct ml_buf *out, const char *s)
{
	if (buf_add(out, "\"", 1) < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int rc;

		if (*p == '"' || *p == '\\')
			rc = buf_printf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7F)
			rc = buf_printf(out, "\\u%04X", *p);
		else
			rc = buf_add(out, p, 1);
		if (rc < 0)
			return -1;
	}
	return buf_add(out, "\"", 1);
}

static int front_matter(struct ml_buf *out, const struct ml_draft *d, const char *title,
			const char *month)
{
	struct ml_buf full = ML_BUF_INIT;
	char date[16];
	int rc = -1;

	range_format_date(d->date, date, sizeof date);
	if (buf_printf(&full, "%s: %s", title, month) < 0 || buf_puts(out, "+++\ntitle = ") < 0 ||
	    toml_string(out, full.data) < 0 || buf_printf(out, "\ndate = %s\n\n[extra]\nmonth = ", date) < 0 ||
	    toml_string(out, month) < 0 || buf_puts(out, "\neditors = [") < 0)
		goto done;
	for (size_t i = 0; i < d->editors.n; i++)
		if ((i && buf_puts(out, ", ") < 0) || toml_string(out, d->editors.v[i]) < 0)
			goto done;
	rc = buf_puts(out, "]\n+++\n\n");
done:
	buf_release(&full);
	return rc;
}

static int write_repos(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_section *s)
{
	for (size_t j = 0; j < s->nrepos; j++) {
		size_t before = out->len;

		if (markdown_section(out, d, &s->repos[j]) < 0)
			return -1;
		if (out->len != before && buf_puts(out, "\n") < 0)
			return -1;
	}
	if (s->failure && (failure_note(out, s->failure) < 0 || buf_puts(out, "\n") < 0))
		return -1;
	return 0;
}

int markdown_issue(struct ml_buf *out, const struct ml_draft *d)
{
	const char *title = d->title ? d->title : "This Month in Rust OSDev";
	const struct ml_draft_section *other = NULL;
	char month[64];

	range_month_label(&d->range, month, sizeof month);
	if (front_matter(out, d, title, month) < 0 || buf_printf(out, welcome, title, title, month) < 0 ||
	    buf_puts(out, announcements) < 0)
		return -1;
	for (size_t i = 0; i < d->nsections; i++) {
		const struct ml_draft_section *s = &d->sections[i];

		if (s->heading && strcmp(s->heading, other_heading) == 0) {
			other = s;
			continue;
		}
		if (buf_printf(out, "## %s\n\n", s->heading ? s->heading : "Projects") < 0 ||
		    (s->intro && buf_printf(out, "%s\n\n", s->intro) < 0) ||
		    buf_puts(out, projects_template) < 0 || buf_puts(out, "\n") < 0 ||
		    write_repos(out, d, s) < 0 || buf_puts(out, "\n") < 0)
			return -1;
	}
	if (buf_printf(out, "## %s\n\n%s\n", other_heading, other_intro) < 0 ||
	    (other && write_repos(out, d, other) < 0) || buf_puts(out, other_template) < 0 ||
	    buf_puts(out, "\n\n") < 0 || buf_puts(out, join_us) < 0)
		return -1;
	return 0;
}
