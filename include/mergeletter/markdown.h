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
/* Append text made safe inside an HTML comment (no "-->" or "--!>"). */
int markdown_comment_text(struct ml_buf *out, const char *text);

#endif
