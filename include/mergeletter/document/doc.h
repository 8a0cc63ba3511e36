/*
 * doc.h: a draft's text as lines, the document model the update reads:
 * which lines are hidden (inside a multi-line HTML comment or a fenced code
 * block), which open a comment, the markdown headings outside both, where a
 * repository's section ends; and the edits an update makes (text inserted
 * before a line, a line replaced or dropped), applied by doc_render().
 *
 * A struct ml_doc borrows its text (LF line ends, newline-terminated or
 * empty), which must outlive it; doc_release() frees what it owns.
 */
#ifndef MERGELETTER_DOC_H
#define MERGELETTER_DOC_H

#include <stddef.h>

#include "mergeletter/util/buf.h"

/* mergeletter's bookkeeping notes: "<!-- mergeletter: ... -->" */
#define DOC_NOTE_START "<!-- mergeletter: "
#define DOC_TRAILER_START "<!-- mergeletter: offered "
#define DOC_DRAFTED_START "<!-- mergeletter: drafted "
#define DOC_THANK_START "<!-- mergeletter: also thank "
#define DOC_NOTE_END " -->"
/* the comment a repository with only bumps gets instead of a section */
#define DOC_ONLY_BUMPS " had only dependency updates"

struct ml_doc_line {
	size_t off, len;
	int hidden; /* inside a multi-line comment or a fenced code block */
	int opens;  /* opens a multi-line comment */
	int cr;	    /* ends in CR LF in a text that is not all CRLF: the CR is
		     * kept on output but is not part of the line's text */
};

struct ml_doc {
	const char *s;
	size_t len;
	struct ml_doc_line *l;
	size_t n;
	struct ml_buf *ins;  /* n + 1: text inserted before line i */
	struct ml_buf *late; /* n + 1: new sections, after ins[i] */
	char **repl;	     /* n: a replacement line (without newline), or NULL */
	unsigned char *drop;
};

/* ---- text helpers (s[0..n), not NUL-terminated) ---- */

/* 1 when a[0..n) and b[0..n) are equal but for ASCII case. */
int doc_eq_ci(const char *a, const char *b, size_t n);
/* The first case-insensitive occurrence of needle in s[0..n), or NULL. */
const char *doc_find_ci(const char *s, size_t n, const char *needle);
int doc_prefix(const char *s, size_t n, const char *prefix);
int doc_suffix(const char *s, size_t n, const char *suffix);
/* Append the text with LF line ends; *crlf is set when its first line ends
 * in CRLF. */
int doc_to_lf(struct ml_buf *out, const char *s, size_t n, int *crlf);
/* Append LF text with CRLF line ends when crlf, else as it is. */
int doc_from_lf(struct ml_buf *out, const char *s, size_t n, int crlf);

/* ---- the document ---- */

int doc_open(struct ml_doc *d, const char *s, size_t n);
void doc_release(struct ml_doc *d);
/* Line i (without its newline). */
const char *doc_line(const struct ml_doc *d, size_t i, size_t *len);
int doc_blank(const struct ml_doc *d, size_t i);
int doc_starts(const struct ml_doc *d, size_t i, const char *prefix);
int doc_is(const struct ml_doc *d, size_t i, const char *text);
/* 1 when line i holds needle (case-insensitive). */
int doc_has(const struct ml_doc *d, size_t i, const char *needle);
/* 1..6 for a markdown heading outside comments and code, else 0. */
int doc_heading(const struct ml_doc *d, size_t i);
/* A bookkeeping note of ours (prefix ... DOC_NOTE_END) on a line of its own. */
int doc_note(const struct ml_doc *d, size_t i, const char *prefix);
/* Where the block of a repository heading at h ends: the next heading of
 * its level or above, or a multi-line comment after a blank line (an
 * "only dependency updates" block, a template), or limit. */
size_t doc_section_end(const struct ml_doc *d, size_t h, size_t limit);
/* Just past the last non-blank line in [from, to), at least from. */
size_t doc_content_end(const struct ml_doc *d, size_t from, size_t to);

/* ---- parts and the repositories' blocks in them ---- */

/* The part "## HEADING" outside comments and code: its heading's line *p,
 * and *end the line of the next heading of level 1 or 2 (or d->n). 0 when
 * there is none. */
int doc_part(const struct ml_doc *d, const char *heading, size_t *p, size_t *end);
/* How many blocks (paragraphs; comments and code blocks whole) of the part
 * [p, end) come before its first repository's block. */
size_t doc_part_lead(const struct ml_doc *d, size_t p, size_t end);
/* The line past the part's first `lead` blocks that are not a
 * repository's (p + 1 when lead is 0). */
size_t doc_part_after_lead(const struct ml_doc *d, size_t p, size_t end, size_t lead);
/* A repository's "only dependency updates" comment in [from, to): the
 * "<!--" line as is, the PRs' lines, "-->", one of them holding link (the
 * start of its PR links, "HOST/OWNER/NAME/pull/"): [*start, *stop). */
int doc_bumps_block(const struct ml_doc *d, const char *link, size_t from, size_t to, size_t *start,
		    size_t *stop);
/* A repository's block in [from, to): its section (the first heading
 * holding `heading`, "](WEB/OWNER/NAME)"), else its bumps comment;
 * [*start, *stop), stop past its last non-blank line. 0 when none. */
int doc_repo_block(const struct ml_doc *d, const char *heading, const char *link, size_t from,
		   size_t to, size_t *start, size_t *stop);

/* The front matter's date (TOML "+++" or YAML "---" on the first line, a
 * line "date = VALUE" or "date: VALUE" before the closing one): its line,
 * and the value's offset and length in it (quotes aside). 0 when none. */
int doc_front_date(const struct ml_doc *d, size_t *line, size_t *off, size_t *len);

/* ---- edits, applied by doc_render ---- */

/* Text (whole lines) inserted before line slot (d->n: at the end). */
int doc_insert(struct ml_doc *d, size_t slot, const char *text);
/* Line i replaced by text[0..len) (without its newline). */
int doc_replace(struct ml_doc *d, size_t i, const char *text, size_t len);
/* Append the text with the edits applied. */
int doc_render(struct ml_buf *out, const struct ml_doc *d);

#endif
