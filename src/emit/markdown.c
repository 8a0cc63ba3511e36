/* markdown.c: the newsletter's markdown, with safe escaping of titles. */
#include "mergeletter/emit/markdown.h"
#include "mergeletter/emit/relnotes.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergeletter/emit/template.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"
#include "mergeletter/util/text.h"

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

/* 1 when the '&' at s starts what CommonMark reads as a character
 * reference: "&name;", "&#123;" or "&#x1F;". */
static int starts_entity(const char *s)
{
	size_t i = 1, digits = 0;
	int hex = 0;

	if (s[i] == '#') {
		i++;
		if (s[i] == 'x' || s[i] == 'X')
			hex = 1, i++;
		while (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))
			i++, digits++;
		return digits > 0 && digits <= (hex ? 6u : 7u) && s[i] == ';';
	}
	while (isalnum((unsigned char)s[i]))
		i++;
	return i > 1 && s[i] == ';';
}

int markdown_link_text(struct ml_buf *out, const char *title)
{
	struct ml_buf line = ML_BUF_INIT;
	const char *p;
	int rc = -1;

	if (text_one_line(&line, title ? title : "") < 0)
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
		if (*p == '[' || *p == ']' || *p == '<' || *p == '\\' ||
		    (*p == '&' && starts_entity(p))) {
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

int markdown_text(struct ml_buf *out, const char *text)
{
	struct ml_buf t = ML_BUF_INIT;
	size_t digits = 0;
	int rc = -1;

	if (markdown_link_text(&t, text) < 0)
		goto done;
	if (!t.data) {
		rc = 0;
		goto done;
	}
	while (digits < 9 && isdigit((unsigned char)t.data[digits]))
		digits++;
	if (digits && (t.data[digits] == '.' || t.data[digits] == ')'))
		rc = buf_add(out, t.data, digits) < 0 || buf_puts(out, "\\") < 0 ||
			     buf_puts(out, t.data + digits) < 0
			 ? -1
			 : 0;
	else if (buf_str(&t)[0] && strchr("#>-+*=_~|", buf_str(&t)[0]))
		rc = buf_printf(out, "\\%s", buf_str(&t));
	else
		rc = buf_puts(out, buf_str(&t));
done:
	buf_release(&t);
	return rc;
}

/* A maintainer from the config (trusted). */
static int user_link(struct ml_buf *out, const char *web, const char *login, const char *url)
{
	if (url)
		return buf_printf(out, "[@%s](%s)", login, url);
	return buf_printf(out, "[@%s](%s/%s)", login, web, login);
}

/* A login from a source: a link when it is a valid GitHub login, else
 * escaped text (draft_check() warns about it). */
static int source_user_link(struct ml_buf *out, const char *web, const char *login)
{
	if (!pr_login_valid(login, strlen(login)))
		return buf_puts(out, "@") < 0 ? -1 : markdown_link_text(out, login);
	return user_link(out, web, login, NULL);
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

int markdown_pr_item(struct ml_buf *out, const char *web, const struct ml_pr *pr,
		     enum ml_item_style style)
{
	struct ml_buf item = ML_BUF_INIT;
	int rc = -1;

	if (buf_puts(&item, style == ML_ITEM_IN_COMMENT ? "    - [" : "- [") < 0 ||
	    markdown_link_text(&item, pr->title) < 0 ||
	    buf_printf(&item, "](%s/%s/pull/%ld)", web, pr->repo, pr->number) < 0)
		goto done;
	if (style == ML_ITEM_COMMENT)
		rc = buf_puts(out, "<!-- ") < 0 || markdown_comment_text(out, buf_str(&item)) < 0 ||
			     buf_puts(out, " -->\n") < 0
			 ? -1
			 : 0;
	else if (style == ML_ITEM_IN_COMMENT)
		rc = markdown_comment_text(out, item.data) < 0 || buf_puts(out, "\n") < 0 ? -1 : 0;
	else
		rc = buf_printf(out, "%s\n", buf_str(&item));
done:
	buf_release(&item);
	return rc;
}

static int pr_item(struct ml_buf *out, const char *web, const struct ml_pr *pr, int commented)
{
	return markdown_pr_item(out, web, pr, commented ? ML_ITEM_COMMENT : ML_ITEM_LIST);
}

static const char *repo_display(const struct ml_draft_repo *r)
{
	const char *slash;

	if (r->info.name)
		return r->info.name;
	slash = strchr(r->info.repo, '/');
	return slash ? slash + 1 : r->info.repo;
}

static int heading(struct ml_buf *out, const char *web, const struct ml_draft_repo *r)
{
	return buf_printf(out, "### [`%s`](%s/%s)\n", repo_display(r), web, r->info.repo);
}

static int maintainers_line(struct ml_buf *out, const char *web, const struct ml_draft_repo *r)
{
	const struct ml_repo_cfg *rc = &r->info;

	if (rc->maintainers_line) /* carried over from a previous issue */
		return buf_printf(out, "%s\n", rc->maintainers_line);
	if (rc->nmaintainers == 0) {
		if (rc->maintainers_known)
			return 0;
		return buf_printf(
		    out,
		    "<!-- TODO: maintainers: <span class=\"maintainers\">Maintained by "
		    "[@login](%s/login)</span> -->\n",
		    web);
	}
	if (buf_puts(out, "<span class=\"maintainers\">Maintained by ") < 0)
		return -1;
	for (size_t i = 0; i < rc->nmaintainers; i++)
		if (list_sep(out, i, rc->nmaintainers) < 0 ||
		    user_link(out, web, rc->maintainers[i].login, rc->maintainers[i].url) < 0)
			return -1;
	return buf_puts(out, "</span>\n");
}

static int list_sentence(struct ml_buf *out, const struct ml_draft *d, size_t listed)
{
	const char *what = listed == 1 ? "PR" : "PRs";

	if (d->range.month)
		return buf_printf(out, "We merged the following %s this month:", what);
	if (d->from_ref && d->to_ref)
		return buf_printf(out, "We merged the following %s between %s and %s:", what,
				  d->from_ref, d->to_ref);
	if (d->from_ref)
		return buf_printf(out, "We merged the following %s since %s:", what, d->from_ref);
	{
		char a[16], b[16];

		range_format_date(d->range.since, a, sizeof a);
		range_format_date(d->range.until - 1, b, sizeof b);
		return buf_printf(out, "We merged the following %s from %s to %s:", what, a, b);
	}
}

int markdown_thanks(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	struct ml_strref who;
	struct ml_strmap thanked = {0};
	size_t contributions = 0;
	int rc = -1;

	if (draft_thanks(r, d->deps_mode, &who) < 0)
		return -1;
	if (who.n == 0) {
		rc = 0;
		goto done;
	}
	for (size_t i = 0; i < who.n; i++)
		if (strmap_put(&thanked, who.v[i], (void *)who.v[i]) < 0)
			goto done;
	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];
		int counted;

		if (!draft_pr_listed(pr, d->deps_mode) || pr->author_is_bot)
			continue;
		counted = pr->author && strmap_get(&thanked, pr->author);
		for (size_t j = 0; j < pr->coauthors.n && !counted; j++)
			counted = strmap_get(&thanked, pr->coauthors.v[j]) != NULL;
		contributions += counted;
	}
	if (buf_puts(out, "Thanks to ") < 0)
		goto done;
	for (size_t i = 0; i < who.n; i++)
		if (list_sep(out, i, who.n) < 0 ||
		    source_user_link(out, draft_web(d), who.v[i]) < 0)
			goto done;
	rc = buf_printf(out, " for their %s!\n",
			contributions == 1 ? "contribution" : "contributions");
done:
	strmap_release(&thanked);
	strref_release(&who);
	return rc;
}

static int thanks_line(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	struct ml_buf line = ML_BUF_INIT;
	int rc = markdown_thanks(&line, d, r);

	if (rc == 0 && line.len)
		rc = buf_puts(out, "\n") < 0 || buf_add(out, line.data, line.len) < 0 ? -1 : 0;
	buf_release(&line);
	return rc;
}

/* Authors that a source could not know: say so instead of guessing; not
 * for a PR from the repository's own branch (a maintainer's). */
static int unknown_authors(struct ml_buf *out, const struct ml_draft *d,
			   const struct ml_draft_repo *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (!draft_pr_listed(pr, d->deps_mode) || pr->author || pr->author_is_bot ||
		    pr_from_own_branch(pr))
			continue;
		if (buf_puts(out, n++ ? ", "
				      : "\n<!-- TODO: the authors of these PRs are unknown; add "
					"them to the thanks line: ") < 0 ||
		    buf_printf(out, "#%ld", pr->number) < 0)
			return -1;
	}
	return n ? buf_puts(out, " -->\n") : 0;
}

static int only_bumps(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	/* a release also sets aside its housekeeping (filter.h); the words
	 * start with DOC_ONLY_BUMPS, which the update and --previous look for */
	if (buf_printf(out, "<!--\n    %s had only dependency updates", repo_display(r)) < 0 ||
	    buf_puts(out, d->from_ref	   ? " or housekeeping in this range:\n"
			  : d->range.month ? " this month:\n"
					   : " in this period:\n") < 0)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++)
		if (markdown_pr_item(out, draft_web(d), &r->prs.items[i], ML_ITEM_IN_COMMENT) < 0)
			return -1;
	return buf_puts(out, "-->\n");
}

/* ---- templates ---- */

/* What a placeholder is rendered within. */
struct render {
	const struct ml_draft *d;
	const struct ml_template *t;	  /* the draft's template, or the built-in one */
	struct ml_template builtin;	  /* for the parts t does not define */
	const struct ml_draft_section *s; /* within {{sections}} */
	const struct ml_draft_repo *r;	  /* within a repository's part */
	int in_category;		  /* within a category's part */
	size_t category;		  /* which one (categories.n: the rest) */
	struct ml_strref named;		  /* sections placed by {{section:HEADING}} */
};

static const char *const main_names[] = {
    "title",	"month", "date",    "editors",	    "range",	       "sections",
    "section:", "news",	 "tooling", "news_heading", "tooling_heading", NULL};
static const char *const section_names[] = {"heading", "intro", "repos", "month", "range", NULL};
static const char *const repo_names[] = {"heading",
					 "maintainers",
					 "intro",
					 "changes",
					 "list",
					 "bumps",
					 "thanks",
					 "unknown_authors",
					 "name",
					 "repo",
					 "url",
					 "month",
					 "range",
					 "version",
					 "date",
					 "compare",
					 "new_contributors",
					 NULL};
static const char *const category_names[] = {"title", "list", NULL};

static const struct {
	const char *part;
	const char *const *names;
} parts[] = {
    {NULL, main_names},
    {"section", section_names},
    {"repo", repo_names},
    {"category", category_names},
};

int markdown_check_template(const struct ml_template *t, struct ml_error *err)
{
	for (size_t i = 0; i < t->nparts; i++) {
		const char *const *names = NULL;

		for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
			if (parts[k].part
				? t->parts[i].name && strcmp(parts[k].part, t->parts[i].name) == 0
				: !t->parts[i].name)
				names = parts[k].names;
		if (!names)
			return error_set(
			    err, ML_EXIT_USAGE,
			    "%s:%d: unknown part '{{define %s}}'; known: section, repo, category",
			    t->path, t->parts[i].line - 1, t->parts[i].name);
		if (template_check(t, &t->parts[i], names, err) < 0)
			return -1;
	}
	return 0;
}

int markdown_template_load(struct ml_template *t, const char *spec, struct ml_error *err)
{
	int rc;

	memset(t, 0, sizeof *t);
	if (!spec)
		return 0;
	if (strchr(spec, '/') || access(spec, F_OK) == 0)
		rc = template_load(t, spec, err);
	else if ((rc = template_builtin(t, spec, err)) < 0) {
		error_clear(err);
		rc = error_set(err, ML_EXIT_USAGE,
			       "template '%s': no such file, nor a built-in template (rust-osdev, "
			       "release-notes)",
			       spec);
	}
	if (rc == 0 && (rc = markdown_check_template(t, err)) < 0)
		template_release(t);
	return rc;
}

static int render_open(struct render *rd, const struct ml_draft *d)
{
	struct ml_error err = ML_ERROR_INIT;

	memset(rd, 0, sizeof *rd);
	rd->d = d;
	if (template_builtin(&rd->builtin, "rust-osdev", &err) < 0) {
		error_clear(&err);
		return -1;
	}
	rd->t = d->tmpl ? d->tmpl : &rd->builtin;
	return 0;
}

static void render_close(struct render *rd)
{
	template_release(&rd->builtin);
	strref_release(&rd->named);
}

static const struct ml_template_part *part_of(const struct render *rd, const char *name)
{
	const struct ml_template_part *p = template_part(rd->t, name);

	return p ? p : template_part(&rd->builtin, name);
}

static int render_part(struct ml_buf *out, struct render *rd, const char *name);

/* Text into a TOML basic string's body (without the quotes). */
static int toml_text(struct ml_buf *out, const char *s)
{
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
	return 0;
}

static int text_value(struct ml_buf *out, const char *s, int toml)
{
	return toml ? toml_text(out, s) : buf_puts(out, s);
}

static int editors_value(struct ml_buf *out, const struct ml_draft *d, int toml)
{
	for (size_t i = 0; i < d->editors.n; i++)
		if ((i && buf_puts(out, ", ") < 0) ||
		    (toml ? buf_puts(out, "\"") < 0 || toml_text(out, d->editors.v[i]) < 0 ||
				buf_puts(out, "\"") < 0
			  : buf_printf(out, "[@%s](%s/%s)", d->editors.v[i], draft_web(d),
				       d->editors.v[i]) < 0))
			return -1;
	return 0;
}

/* The range as the heading of a release or an issue says it. */
static const char *range_label(const struct ml_draft *d, char *buf, size_t n)
{
	return draft_range_label(d, buf, n);
}

/* {{range}}: what a release's heading names, "uefi-v0.39.0" ("v1..HEAD"
 * without --to), else the month or the dates. */
static const char *range_name(const struct ml_draft *d, char *buf, size_t n)
{
	if (d->to_ref)
		snprintf(buf, n, "%s", d->to_ref);
	else if (d->from_ref)
		snprintf(buf, n, "%s..HEAD", d->from_ref);
	else
		range_month_label(&d->range, buf, n);
	return buf;
}

static const char *issue_title(const struct ml_draft *d)
{
	return d->title ? d->title : "This Month in Rust OSDev";
}

static int write_repos(struct ml_buf *out, struct render *rd, const struct ml_draft_section *s);

/* "- [Title](url)", or in a comment of its own for the editor to pick. */
static int link_item(struct ml_buf *out, const char *title, const char *url, int commented)
{
	struct ml_buf item = ML_BUF_INIT;
	int rc = -1;

	if (buf_puts(&item, "- [") < 0 || markdown_link_text(&item, title) < 0 ||
	    buf_printf(&item, "](%s)", url) < 0)
		goto done;
	if (commented)
		rc = buf_puts(out, "<!-- ") < 0 || markdown_comment_text(out, buf_str(&item)) < 0 ||
			     buf_puts(out, " -->\n") < 0
			 ? -1
			 : 0;
	else
		rc = buf_printf(out, "%s\n", buf_str(&item));
done:
	buf_release(&item);
	return rc;
}

/* {{news}}: a blank line, the failed feeds' notes, then the entries, oldest
 * first; nothing when there is neither. */
static int news_entries(struct ml_buf *out, const struct ml_news *n)
{
	if ((n->failures.n || n->nentries) && buf_puts(out, "\n") < 0)
		return -1;
	for (size_t i = 0; i < n->failures.n; i++)
		if (buf_puts(out, "<!-- mergeletter: feed ") < 0 ||
		    markdown_comment_text(out, n->failures.v[i]) < 0 || buf_puts(out, " -->\n") < 0)
			return -1;
	for (size_t i = 0; i < n->nentries; i++)
		if (link_item(out, n->entries[i].title, n->entries[i].link, n->entries[i].offer) <
		    0)
			return -1;
	return 0;
}

/* {{tooling}}: a blank line and every candidate in a comment of its own. */
static int tooling_candidates(struct ml_buf *out, const struct ml_draft *d)
{
	if (d->tooling.len && buf_puts(out, "\n") < 0)
		return -1;
	for (size_t i = 0; i < d->tooling.len; i++)
		if (pr_item(out, draft_web(d), &d->tooling.items[i], 1) < 0)
			return -1;
	return 0;
}

static int main_value(struct render *rd, struct ml_buf *out, const char *name, const char *arg,
		      int toml)
{
	const struct ml_draft *d = rd->d;
	char label[64];

	if (strcmp(name, "title") == 0)
		return text_value(out, issue_title(d), toml);
	if (strcmp(name, "month") == 0)
		return text_value(out, range_label(d, label, sizeof label), toml);
	if (strcmp(name, "date") == 0) {
		range_format_date(d->date, label, sizeof label);
		return buf_puts(out, label);
	}
	if (strcmp(name, "editors") == 0)
		return editors_value(out, d, toml);
	if (strcmp(name, "news_heading") == 0)
		return buf_puts(out, d->news.heading ? d->news.heading : ML_NEWS_HEADING);
	if (strcmp(name, "tooling_heading") == 0)
		return buf_puts(out, d->tooling_heading ? d->tooling_heading : ML_TOOLING_HEADING);
	if (strcmp(name, "news") == 0)
		return news_entries(out, &d->news);
	if (strcmp(name, "tooling") == 0)
		return tooling_candidates(out, d);
	if (strcmp(name, "section") == 0) {
		for (size_t i = 0; i < d->nsections; i++)
			if (d->sections[i].heading && strcmp(d->sections[i].heading, arg) == 0)
				return write_repos(out, rd, &d->sections[i]);
		return 0;
	}
	if (strcmp(name, "sections") == 0) {
		for (size_t i = 0; i < d->nsections; i++) {
			const char *h = d->sections[i].heading;

			if (h && strref_contains_case(&rd->named, h))
				continue;
			rd->s = &d->sections[i];
			if (render_part(out, rd, "section") < 0)
				return -1;
			rd->s = NULL;
		}
		return 0;
	}
	return -1;
}

const char *markdown_part_heading(const struct ml_draft_section *s)
{
	return s->heading ? s->heading : "Projects";
}

static int section_value(struct render *rd, struct ml_buf *out, const char *name)
{
	const struct ml_draft_section *s = rd->s;

	if (strcmp(name, "heading") == 0)
		return buf_puts(out, markdown_part_heading(s));
	if (strcmp(name, "intro") == 0)
		return s->intro ? buf_printf(out, "%s\n\n", s->intro) : 0;
	if (strcmp(name, "repos") == 0)
		return write_repos(out, rd, s);
	return -1;
}

/* A PR under a category: its title without the conventional type. */
static int category_item(struct ml_buf *out, const struct render *rd, const struct ml_pr *pr)
{
	struct ml_buf title = ML_BUF_INIT;
	struct ml_pr shown = *pr;
	int rc = -1;

	if (relnotes_title(&title, pr->title, &rd->r->info.categories, rd->category) == 0) {
		shown.title = title.data;
		rc = pr_item(out, draft_web(rd->d), &shown, 0);
	}
	buf_release(&title);
	return rc;
}

/* The listed PRs (or, commented, the bumps); within a category, only its own. */
static int list_items(struct ml_buf *out, const struct render *rd, int commented)
{
	const struct ml_draft_repo *r = rd->r;

	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (draft_pr_listed(pr, rd->d->deps_mode) != !commented)
			continue;
		if (rd->in_category && relnotes_category(&r->info.categories, pr) != rd->category)
			continue;
		if ((rd->in_category ? category_item(out, rd, pr)
				     : pr_item(out, draft_web(rd->d), pr, commented)) < 0)
			return -1;
	}
	return 0;
}

/* The listed PRs under their categories, in the template's "category"
 * part, breaking changes first (relnotes.h); empty categories are left
 * out. */
static int category_lists(struct ml_buf *out, struct render *rd)
{
	const struct ml_draft_repo *r = rd->r;
	const struct ml_categories *c = &r->info.categories;
	int rc = 0, shown = 0;

	for (size_t at = 0; at <= c->n + 1 && rc == 0; at++) {
		size_t n = 0, k = relnotes_category_at(c, at);

		for (size_t i = 0; i < r->prs.len; i++)
			n += draft_pr_listed(&r->prs.items[i], rd->d->deps_mode) &&
			     relnotes_category(c, &r->prs.items[i]) == k;
		if (!n)
			continue;
		if (shown++ && buf_puts(out, "\n") < 0)
			return -1;
		rd->in_category = 1;
		rd->category = k;
		rc = render_part(out, rd, "category");
		rd->in_category = 0;
	}
	return rc;
}

static int category_value(struct render *rd, struct ml_buf *out, const char *name)
{
	if (strcmp(name, "title") == 0)
		return buf_puts(out,
				relnotes_category_title(&rd->r->info.categories, rd->category));
	if (strcmp(name, "list") == 0)
		return list_items(out, rd, 0);
	return -1;
}

/* {{intro}}: the intro and what separates it from the list sentence; an
 * intro from the org listing is text, not markup. */
static int repo_intro(struct ml_buf *out, const struct ml_draft_repo *r)
{
	if (!r->info.intro)
		return 0;
	if ((r->description ? markdown_text(out, r->info.intro) : buf_puts(out, r->info.intro)) < 0)
		return -1;
	return buf_puts(out, r->info.intro_sep ? r->info.intro_sep : " ");
}

static int repo_value(struct render *rd, struct ml_buf *out, const char *name)
{
	const struct ml_draft *d = rd->d;
	const struct ml_draft_repo *r = rd->r;
	size_t listed = 0, bumps = 0;
	int rel = relnotes_value(out, d, r, name);

	if (rel)
		return rel < 0 ? -1 : 0;
	for (size_t i = 0; i < r->prs.len; i++) {
		if (draft_pr_listed(&r->prs.items[i], d->deps_mode))
			listed++;
		else
			bumps++;
	}
	if (strcmp(name, "heading") == 0)
		return heading(out, draft_web(d), r);
	if (strcmp(name, "maintainers") == 0)
		return maintainers_line(out, draft_web(d), r);
	if (strcmp(name, "intro") == 0)
		return repo_intro(out, r);
	if (strcmp(name, "changes") == 0)
		return list_sentence(out, d, listed);
	if (strcmp(name, "list") == 0)
		return r->info.categories.n ? category_lists(out, rd) : list_items(out, rd, 0);
	if (strcmp(name, "bumps") == 0) {
		if (!bumps || d->deps_mode != ML_DEPS_COMMENT)
			return 0;
		return buf_puts(out, "\n") < 0 ? -1 : list_items(out, rd, 1);
	}
	if (strcmp(name, "thanks") == 0)
		return thanks_line(out, d, r);
	if (strcmp(name, "unknown_authors") == 0)
		return unknown_authors(out, d, r);
	if (strcmp(name, "name") == 0)
		return buf_puts(out, repo_display(r));
	if (strcmp(name, "repo") == 0)
		return buf_puts(out, r->info.repo);
	if (strcmp(name, "url") == 0)
		return buf_printf(out, "%s/%s", draft_web(d), r->info.repo);
	return -1;
}

static int value(void *ud, struct ml_buf *out, const char *name, const char *arg, int toml,
		 struct ml_error *err)
{
	struct render *rd = ud;
	char label[64];
	int rc;

	(void)err;
	if (strcmp(name, "month") == 0)
		rc = text_value(out, range_label(rd->d, label, sizeof label), toml);
	else if (strcmp(name, "range") == 0)
		rc = text_value(out, range_name(rd->d, label, sizeof label), toml);
	else if (rd->in_category)
		rc = category_value(rd, out, name);
	else if (rd->r)
		rc = repo_value(rd, out, name);
	else if (rd->s)
		rc = section_value(rd, out, name);
	else
		rc = main_value(rd, out, name, arg, toml);
	return rc < 0 ? error_set(err, ML_EXIT_FAILURE, "out of memory") : 0;
}

static int render_part(struct ml_buf *out, struct render *rd, const char *name)
{
	const struct ml_template_part *p = part_of(rd, name);
	struct ml_error err = ML_ERROR_INIT;
	int rc;

	if (!p)
		return -1;
	rc = template_render(out, p, value, rd, &err);
	error_clear(&err);
	return rc;
}

/* "<!-- mergeletter: FAILURE -->": what could not be fetched, in its place. */
static int failure_note(struct ml_buf *out, const char *failure)
{
	return buf_puts(out, "<!-- mergeletter: ") < 0 || markdown_comment_text(out, failure) < 0 ||
		       buf_puts(out, " -->\n") < 0
		   ? -1
		   : 0;
}

static int repo_section(struct ml_buf *out, struct render *rd, const struct ml_draft_repo *r)
{
	const struct ml_draft *d = rd->d;
	size_t listed = 0, bumps = 0;
	int rc;

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
	rd->r = r;
	rc = render_part(out, rd, "repo");
	rd->r = NULL;
	return rc;
}

int markdown_section(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r)
{
	struct render rd;
	int rc;

	if (render_open(&rd, d) < 0)
		return -1;
	rc = repo_section(out, &rd, r);
	render_close(&rd);
	return rc;
}

/* ---- the whole issue ---- */

static int write_repos(struct ml_buf *out, struct render *rd, const struct ml_draft_section *s)
{
	for (size_t j = 0; j < s->nrepos; j++) {
		size_t before = out->len;

		if (repo_section(out, rd, &s->repos[j]) < 0)
			return -1;
		if (out->len != before && buf_puts(out, "\n") < 0)
			return -1;
	}
	if (s->failure && (failure_note(out, s->failure) < 0 || buf_puts(out, "\n") < 0))
		return -1;
	return 0;
}

/* The headings that the main part places with {{section:HEADING}}. */
static int named_sections(struct render *rd, const struct ml_template_part *p)
{
	static const char key[] = "{{section:";
	const char *q = p->text, *end = p->text + p->len;

	while (q < end && (q = strstr(q, key)) != NULL && q < end) {
		const char *h = q + sizeof key - 1, *close = strstr(h, "}}");

		if (!close || close > end)
			break;
		for (size_t i = 0; i < rd->d->nsections; i++) {
			const char *heading = rd->d->sections[i].heading;

			if (heading && strlen(heading) == (size_t)(close - h) &&
			    strncmp(heading, h, (size_t)(close - h)) == 0 &&
			    strref_push(&rd->named, heading) < 0)
				return -1;
		}
		q = close;
	}
	return 0;
}

int markdown_issue(struct ml_buf *out, const struct ml_draft *d)
{
	struct render rd;
	int rc = -1;

	if (render_open(&rd, d) < 0)
		return -1;
	if (named_sections(&rd, part_of(&rd, NULL)) == 0)
		rc = render_part(out, &rd, NULL);
	render_close(&rd);
	return rc;
}
