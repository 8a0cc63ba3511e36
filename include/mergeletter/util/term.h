/*
 * term.h: the one way out to the terminal.
 *
 * Text that reaches stderr or stdout as a message (warnings, errors,
 * notes, the --verbose log, the progress line) may hold bytes from the
 * network, a config, a clone or a file. term_escape() makes it inert: a
 * byte below 0x20 other than tab and newline, DEL (0x7f), a C1 control
 * (U+0080-U+009F) and a byte that is not part of valid UTF-8 are shown
 * escaped, "\x1b", "\x7f", "\u009b", "\xff", so that no server can set a
 * terminal's title, clear its screen or move its cursor. Everything else
 * (printable ASCII, valid UTF-8, tab, newline) passes as it is.
 *
 * term_print() and term_vprint() format a message, escape it and write
 * PREFIX MESSAGE "\n" to a stream: every message line goes through them.
 */
#ifndef MERGELETTER_TERM_H
#define MERGELETTER_TERM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct ml_buf;

/* Append the len bytes of s to out, escaped; 0, or -1 when out of memory. */
int term_escape(struct ml_buf *out, const char *s, size_t len);
/* PREFIX (ours, written as is) then the formatted message, escaped, and a
 * newline. A message that cannot be formatted is written as "(out of memory)". */
void term_print(FILE *fp, const char *prefix, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void term_vprint(FILE *fp, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
