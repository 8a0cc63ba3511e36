/*
 * markdown.h: the markdown emitter, through a template (template.h): the
 * draft's, else the built-in templates/rust-osdev.md. A template's main
 * part is the whole issue; its parts "section" (one configured section,
 * within {{sections}}), "repo" (one repository's section) and "category"
 * (one category of a repository's list) default to the built-in ones.
 *
 * Placeholders (a block is one alone on its line; see template.h):
 *  main:     {{title}} {{month}} {{range}} {{date}} {{editors}}
 *            {{news_heading}} {{news}} {{tooling_heading}} {{tooling}}
 *            (the last two: a blank line and the entries, or nothing)
 *            {{sections}} (every section not placed by name)
 *            {{section:HEADING}} (that section's repositories)
 *  section:  {{heading}} {{intro}} (its paragraph and a blank line)
 *            {{repos}}
 *  repo:     {{heading}} {{maintainers}} {{intro}} (followed by a space)
 *            {{changes}} ("We merged the following PRs this month:")
 *            {{list}} {{bumps}} {{thanks}} {{unknown_authors}} (the
 *            last three start with the blank line that sets them apart)
 *            {{name}} {{repo}} {{url}}
 *  category: {{title}} {{list}}
 * {{month}} and {{range}} work in every part: {{month}} is "August 2023"
 * (or "Changes in uefi-v0.39.0" for a ref range), {{range}} what a
 * release's heading names ("uefi-v0.39.0", or the month). Within the TOML front matter values are
 * escaped.
 */
#ifndef MERGELETTER_MARKDOWN_H
#define MERGELETTER_MARKDOWN_H

#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"

struct ml_error;
struct ml_template;

/* Every part and placeholder of t is one the emitter knows; else an
 * error naming the file and line. */
int markdown_check_template(const struct ml_template *t, struct ml_error *err);
/* Load the template that spec names: a file, else a built-in template
 * ("rust-osdev", "release-notes"), and check it. spec NULL: *t is left
 * empty (the built-in default). */
int markdown_template_load(struct ml_template *t, const char *spec, struct ml_error *err);
/* One repository's section; nothing is written when nothing was merged. */
int markdown_section(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r);
/* A whole issue: front matter, fixed paragraphs, every section. */
int markdown_issue(struct ml_buf *out, const struct ml_draft *d);
/* Append a PR title as link text: one line, brackets, '<', backslash and an
 * '&' that would start an entity escaped outside code spans; control and
 * bidi control characters (U+202A..U+202E, U+2066..U+2069) removed. */
int markdown_link_text(struct ml_buf *out, const char *title);
/* Append untrusted text (an org listing's description) as the start of a
 * paragraph: escaped as link text, and a leading block marker ("#", "-",
 * "1." ...) escaped too, so that it cannot start a heading or a list. */
int markdown_text(struct ml_buf *out, const char *text);
enum ml_item_style {
	ML_ITEM_LIST,	    /* "- [Title](URL)" */
	ML_ITEM_COMMENT,    /* "<!-- - [Title](URL) -->": a bump in its comment */
	ML_ITEM_IN_COMMENT, /* "    - [Title](URL)" inside a multi-line comment */
};

/* One PR as a line of the list (or of a bump comment), with its newline. */
int markdown_pr_item(struct ml_buf *out, const char *web, const struct ml_pr *pr,
		     enum ml_item_style style);
/* The thanks line of a repository ("Thanks to ...!" and a newline), or
 * nothing when there is no one to thank. */
int markdown_thanks(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r);
/* The "## " heading of a section's part of the issue. */
const char *markdown_part_heading(const struct ml_draft_section *s);
/* Append text made safe inside an HTML comment (no "-->" or "--!>"). */
int markdown_comment_text(struct ml_buf *out, const char *text);

#endif
