/*
 * update.h: the editor's living draft. A file mergeletter writes ends with
 * one bookkeeping comment, the trailer:
 *
 *   <!-- mergeletter: offered rust-osdev/uefi-rs#906,909; rust-osdev/x86_64#1; digest sha256:HEX
 * -->
 *
 * (the PRs the file has ever shown, "edited; " when it holds text
 * mergeletter did not generate, and the SHA-256 of the text above it with
 * LF line ends). With it, -o refuses to clobber a changed file, --update
 * merges what is new into the editor's text, and --finalize strips
 * mergeletter's comments for publishing.
 *
 * The update_render* functions are pure: texts and the draft in, text out.
 * update_write and update_finalize_file read and write through file.c.
 * Every ml_buf and ml_strv is caller-owned; the draft is only read.
 */
#ifndef MERGELETTER_UPDATE_H
#define MERGELETTER_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/str.h"

struct ml_error;

struct ml_update_opts {
	int issue;   /* the file is a whole issue (else one repository's section) */
	int update;  /* --update: merge into the existing file */
	int force;   /* --force: overwrite whatever is there */
	int64_t now; /* for the "drafted" note of a month that is not over */
};

/* The new text of the output file. `old` is the existing file (NULL when
 * there is none). Without update and force, an existing file must be
 * unchanged since mergeletter wrote it; with update, it must carry a
 * trailer. Errors are usage errors (exit 2) that name the way out. Notes
 * for stderr (one line each, no prefix) are appended to `notes`. */
int update_render(struct ml_buf *out, const char *old, size_t oldlen, const struct ml_draft *d,
		  const struct ml_update_opts *o, struct ml_strv *notes, struct ml_error *err);
/* The text without mergeletter's bookkeeping: the trailer and every
 * "<!-- mergeletter: ... -->" note; the front matter's date becomes
 * `today` unless the editor changed it (it differs from the date the
 * trailer says mergeletter wrote). Returns 1 when something was removed,
 * 0 when the text had no trailer (already final; out holds the text). */
int update_finalize(struct ml_buf *out, const char *text, size_t len, int64_t today,
		    struct ml_strv *notes, struct ml_error *err);

/* 1 (and a note, ending in hint when not NULL) when the draft's range is
 * not over at `now`, else 0; -1 when out of memory. */
int update_month_open(const struct ml_draft *d, int64_t now, const char *hint,
		      struct ml_strv *notes);

/* The refusals that depend on the file at path alone, for a run to make
 * before any request: 0 when update_write() may write it (it is missing, a
 * device, unchanged since written, or --update finds its trailer, or
 * --force); else -1 with update_render()'s usage error (the file
 * finalized, changed, without a trailer, damaged) or the read's error (a
 * directory, unreadable), prefixed with the path. */
int update_check_target(const char *path, const struct ml_update_opts *o, struct ml_error *err);
/* update_render against the file at path, written atomically. */
int update_write(const char *path, const struct ml_draft *d, const struct ml_update_opts *o,
		 struct ml_strv *notes, struct ml_error *err);
/* update_finalize on the file at path, rewritten in place; today is
 * range_now() (SOURCE_DATE_EPOCH when set). */
int update_finalize_file(const char *path, struct ml_strv *notes, struct ml_error *err);

#endif
