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
/* Append a PR title as link text: one line, brackets, '<', backslash and an
 * '&' that would start an entity escaped outside code spans; control and
 * bidi control characters (U+202A..U+202E, U+2066..U+2069) removed. */
int markdown_link_text(struct ml_buf *out, const char *title);
/* Append untrusted text (an org listing's description) as the start of a
 * paragraph: escaped as link text, and a leading block marker ("#", "-",
 * "1." ...) escaped too, so that it cannot start a heading or a list. */
int markdown_text(struct ml_buf *out, const char *text);
/* Append text made safe inside an HTML comment (no "-->" or "--!>"). */
int markdown_comment_text(struct ml_buf *out, const char *text);

#endif
