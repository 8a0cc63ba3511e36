/*
 * text.h: text from the network made safe to show as one line.
 *
 * text_one_line() appends s to out as one line of valid UTF-8: runs of
 * whitespace (tab, CR and LF too) become one space and the ends are
 * trimmed, control characters go (C0, DEL, the C1 controls some terminals
 * obey as escapes, and the bidirectional controls that reorder what a
 * reader sees: U+202A..U+202E, U+2066..U+2069), and a byte that starts no
 * valid sequence becomes U+FFFD. Titles of PRs and of feed entries pass
 * through it before any escaping for markdown.
 */
#ifndef MERGELETTER_TEXT_H
#define MERGELETTER_TEXT_H

#include "mergeletter/util/buf.h"

/* 0, or -1 when out of memory. */
int text_one_line(struct ml_buf *out, const char *s);

#endif
