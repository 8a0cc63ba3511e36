/*
 * markdown.h: the markdown emitter, in the newsletter's templates.
 */
#ifndef MERGELETTER_MARKDOWN_H
#define MERGELETTER_MARKDOWN_H

#include "mergeletter/buf.h"
#include "mergeletter/draft.h"

/* One repository's section; nothing is written when nothing was merged. */
int markdown_section(struct ml_buf *out, const struct ml_draft *d,
		     const struct ml_draft_repo *r);
/* A whole issue: front matter, fixed paragraphs, every section. */
int markdown_issue(struct ml_buf *out, const struct ml_draft *d);
/* Append a PR title as link text: one line, brackets and '<' escaped
 * outside code spans. */
int markdown_link_text(struct ml_buf *out, const char *title);
enum ml_item_style {
	ML_ITEM_LIST,       /* "- [Title](URL)" */
	ML_ITEM_COMMENT,    /* "<!-- - [Title](URL) -->": a bump in its comment */
	ML_ITEM_IN_COMMENT, /* "    - [Title](URL)" inside a multi-line comment */
};

/* One PR as a line of the list (or of a bump comment), with its newline. */
int markdown_pr_item(struct ml_buf *out, const struct ml_pr *pr, enum ml_item_style style);
/* The thanks line of a repository ("Thanks to ...!" and a newline), or
 * nothing when there is no one to thank. */
int markdown_thanks(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *r);
/* The "## " heading of a section's part of the issue. */
const char *markdown_part_heading(const struct ml_draft_section *s);
/* Append text made safe inside an HTML comment (no "-->" or "--!>"). */
int markdown_comment_text(struct ml_buf *out, const char *text);

#endif
