/* update.c: writing the living draft: never clobbering, --update (the
 * merge itself is merge.c), and --finalize. */
#include "mergeletter/document/update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mergeletter/document/doc.h"
#include "mergeletter/document/merge.h"
#include "mergeletter/document/trailer.h"
#include "mergeletter/emit/markdown.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/sha256.h"

int update_month_open(const struct ml_draft *d, int64_t now, const char *hint,
		      struct ml_strv *notes)
{
	struct ml_buf msg = ML_BUF_INIT;
	char day[16], label[64];
	int rc;

	if (d->range.until <= now)
		return 0;
	range_format_date(now, day, sizeof day);
	range_month_label(&d->range, label, sizeof label);
	rc = buf_printf(&msg, "%s is not over: the draft holds the PRs merged until %s%s",
			d->range.month ? label : "the range", day, hint ? hint : "") < 0 ||
		     (notes && strv_push(notes, buf_str(&msg)) < 0)
		 ? -1
		 : 1;
	buf_release(&msg);
	return rc;
}

/* The note of a month that is not over, under the front matter; gone once it is. */
static int note_month(struct ml_doc *doc, const struct ml_draft *d, const struct ml_update_opts *o,
		      struct ml_strv *notes)
{
	struct ml_buf note = ML_BUF_INIT;
	char day[16];
	size_t found = 0, close = doc->n;
	int over = d->range.until <= o->now, rc = -1;

	range_format_date(o->now, day, sizeof day);
	if (!over &&
	    (buf_printf(&note,
			DOC_DRAFTED_START
			"%s; PRs merged later will be added by --update" DOC_NOTE_END,
			day) < 0 ||
	     update_month_open(d, o->now, "; run the same command with --update after it ends",
			       notes) < 0))
		goto done;
	/* every such note (a text pasted twice has two): dated anew, or gone */
	for (size_t i = 0; i < doc->n; i++) {
		size_t n;
		const char *s = doc_line(doc, i, &n);

		/* ours even inside a comment the editor left open */
		if (!doc_prefix(s, n, DOC_DRAFTED_START) || !doc_suffix(s, n, DOC_NOTE_END))
			continue;
		found++;
		if (!over && doc_replace(doc, i, note.data, note.len) < 0)
			goto done;
		if (over) {
			doc->drop[i] = 1;
			if (i + 1 < doc->n && doc_blank(doc, i + 1))
				doc->drop[i + 1] = 1;
		}
	}
	if (over || found) {
		rc = 0;
		goto done;
	}
	if (doc->n && doc_is(doc, 0, "+++"))
		for (size_t i = 1; i < doc->n && close == doc->n; i++)
			if (doc_is(doc, i, "+++"))
				close = i;
	if (buf_puts(&note, "\n\n") < 0)
		goto done;
	if (close == doc->n) /* no front matter: at the top */
		rc = doc_insert(doc, 0, note.data);
	else
		rc = doc_insert(doc, close + 1 + (close + 1 < doc->n && doc_blank(doc, close + 1)),
				note.data);
done:
	buf_release(&note);
	return rc;
}

/* ---- the three ways to write ---- */

static int oom(struct ml_error *err)
{
	return error_set(err, ML_EXIT_FAILURE, "out of memory while writing the draft");
}

/* body (LF, newline-terminated) + the trailer, with the file's line ends. */
static int finish(struct ml_buf *out, const struct ml_doc *doc, struct ml_trailer *t, int crlf)
{
	struct ml_buf text = ML_BUF_INIT;
	size_t body;
	int rc = -1;

	if (doc_render(&text, doc) < 0)
		goto done;
	body = text.len;
	if (trailer_write(&text, t, text.data, body) < 0 ||
	    doc_from_lf(out, text.data, text.len, crlf) < 0)
		goto done;
	rc = 0;
done:
	buf_release(&text);
	return rc;
}

/* The file's new text from a body: a fresh draft's (old NULL: everything
 * shown is offered), or the existing file's, merged with what is new. */
static int render_body(struct ml_buf *out, const char *text, size_t len,
		       const struct ml_trailer *old, const struct ml_draft *d,
		       const struct ml_update_opts *o, int crlf, struct ml_strv *notes)
{
	struct ml_buf body = ML_BUF_INIT;
	struct ml_trailer now;
	struct ml_doc doc;
	char hex[ML_SHA256_HEX_LEN + 1];
	size_t line, off, dlen;
	int rc = -1;

	memset(&now, 0, sizeof now);
	memset(&doc, 0, sizeof doc);
	if (buf_add(&body, text, len) < 0 ||
	    (body.len && body.data[body.len - 1] != '\n' && buf_puts(&body, "\n") < 0) ||
	    buf_grow(&body, 1) < 0 || doc_open(&doc, body.data, body.len) < 0)
		goto done;
	for (size_t i = 0; old && i < old->n; i++)
		if (trailer_add(&now, old->v[i].repo, strlen(old->v[i].repo), old->v[i].number) < 0)
			goto done;
	if (old) {
		sha256_hex(text, len, hex);
		now.edited = old->edited || strcmp(hex, old->digest) != 0;
	}
	if (old) {
		memcpy(now.date, old->date, sizeof now.date);
	} else if (doc_front_date(&doc, &line, &off, &dlen) && dlen == sizeof now.date - 1) {
		memcpy(now.date, doc.s + doc.l[line].off + off,
		       dlen); /* what --finalize may change */
		now.date[dlen] = '\0';
	}
	if (merge_draft(&doc, d, o->issue, old, &now) < 0)
		goto done;
	if (note_month(&doc, d, o, notes) < 0 || finish(out, &doc, &now, crlf) < 0)
		goto done;
	rc = 0;
done:
	doc_release(&doc);
	buf_release(&body);
	trailer_release(&now);
	return rc;
}

static int render_fresh(struct ml_buf *out, const struct ml_draft *d,
			const struct ml_update_opts *o, int crlf, struct ml_strv *notes,
			struct ml_error *err)
{
	struct ml_buf body = ML_BUF_INIT;
	int rc = o->issue ? markdown_issue(&body, d)
			  : markdown_section(&body, d, &d->sections[0].repos[0]);

	if (rc == 0)
		rc =
		    render_body(out, body.data ? body.data : "", body.len, NULL, d, o, crlf, notes);
	buf_release(&body);
	return rc < 0 ? oom(err) : 0;
}

/* What the existing file (lf: its text with LF line ends) allows, without
 * --force: 1 merging into it (--update; body and t filled), 0 a fresh
 * draft over it (unchanged since written), -1 nothing (err: the usage
 * error that names the way out). */
static int target_verdict(const struct ml_buf *lf, const struct ml_update_opts *o,
			  struct ml_buf *body, struct ml_trailer *t, struct ml_error *err)
{
	char hex[ML_SHA256_HEX_LEN + 1];
	int found = trailer_parse(lf->data ? lf->data : "", lf->len, body, t);

	if (found == -2)
		return oom(err);
	if (found < 0)
		return error_set(err, ML_EXIT_USAGE,
				 "its mergeletter trailer (the line \"<!-- mergeletter: offered "
				 "...\") is damaged; repair it from the file's history, or use "
				 "--force to overwrite the file");
	if (!found)
		return error_set(
		    err, ML_EXIT_USAGE,
		    o->update ? "it has no mergeletter trailer (it was finalized, or mergeletter "
				"did not write it), so --update cannot merge into it; use --force "
				"to overwrite it, or write to another file"
			      : "it exists and mergeletter did not write it (no mergeletter "
				"trailer; finalized?); --update cannot merge into it; use --force "
				"to overwrite it, or write to another file");
	if (o->update)
		return 1;
	sha256_hex(body->data, body->len, hex);
	if (t->edited || strcmp(hex, t->digest) != 0)
		return error_set(err, ML_EXIT_USAGE,
				 "it has changed since mergeletter wrote it; use --update to add "
				 "the new PRs and keep the edits, or --force to overwrite it");
	return 0;
}

int update_render(struct ml_buf *out, const char *old, size_t oldlen, const struct ml_draft *d,
		  const struct ml_update_opts *o, struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf lf = ML_BUF_INIT, body = ML_BUF_INIT;
	struct ml_trailer t;
	int crlf = 0, rc;

	memset(&t, 0, sizeof t);
	if (!old)
		return render_fresh(out, d, o, 0, notes, err);
	if (doc_to_lf(&lf, old, oldlen, &crlf) < 0)
		return oom(err);
	rc = o->force ? 0 : target_verdict(&lf, o, &body, &t, err);
	if (rc == 1)
		rc =
		    render_body(out, body.data, body.len, &t, d, o, crlf, notes) < 0 ? oom(err) : 0;
	else if (rc == 0)
		rc = render_fresh(out, d, o, crlf, notes, err);
	buf_release(&lf);
	buf_release(&body);
	trailer_release(&t);
	return rc;
}

int update_check_target(const char *path, const struct ml_update_opts *o, struct ml_error *err)
{
	struct ml_buf lf = ML_BUF_INIT, body = ML_BUF_INIT;
	struct ml_trailer t;
	char *old = NULL;
	size_t oldlen = 0;
	struct stat st;
	int crlf, rc;

	memset(&t, 0, sizeof t);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return error_set(err, ML_EXIT_USAGE,
				 "'%s' is a directory; give -o the draft's file (for example "
				 "%s/draft.md)",
				 path, path);
	rc = file_read_optional(path, &old, &oldlen, err);
	if (rc > 0 && !o->force)
		rc = doc_to_lf(&lf, old, oldlen, &crlf) < 0
			 ? oom(err)
			 : target_verdict(&lf, o, &body, &t, err);
	if (rc < 0)
		error_prefix(err, "'%s'", path);
	free(old);
	buf_release(&lf);
	buf_release(&body);
	trailer_release(&t);
	return rc < 0 ? -1 : 0;
}

/* The front matter's date of a text being finalized: today's when it is
 * still the one mergeletter wrote (the trailer's), else left, with a note. */
static int finalize_date(struct ml_doc *doc, const struct ml_trailer *t, int64_t today,
			 struct ml_strv *notes)
{
	struct ml_buf line = ML_BUF_INIT, msg = ML_BUF_INIT;
	char day[16];
	size_t i, off, n, len;
	const char *s;
	int rc = -1;

	if (!doc_front_date(doc, &i, &off, &len))
		return 0;
	s = doc_line(doc, i, &n);
	range_format_date(today, day, sizeof day);
	if (!t->date[0])
		rc = buf_printf(&msg,
				"line %zu: the front matter's date is left as it is (the trailer "
				"does not say which date mergeletter wrote: an older version's)",
				i + 1);
	else if (len != strlen(t->date) || memcmp(s + off, t->date, len) != 0)
		rc = buf_printf(
		    &msg, "line %zu: the front matter's date %.*s was set by hand; left as it is",
		    i + 1, (int)len, s + off);
	else if (buf_add(&line, s, off) < 0 || buf_puts(&line, day) < 0 ||
		 buf_add(&line, s + off + len, n - off - len) < 0 ||
		 doc_replace(doc, i, line.data, line.len) < 0)
		goto done;
	else
		rc = strcmp(day, t->date) == 0
			 ? 0
			 : buf_printf(&msg,
				      "line %zu: the front matter's date %s is now %s, the day of "
				      "--finalize",
				      i + 1, t->date, day);
	if (rc >= 0 && msg.len && notes)
		rc = strv_push(notes, buf_str(&msg));
	rc = rc < 0 ? -1 : 0;
done:
	buf_release(&line);
	buf_release(&msg);
	return rc;
}

int update_finalize(struct ml_buf *out, const char *text, size_t len, int64_t today,
		    struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf lf = ML_BUF_INIT, body = ML_BUF_INIT;
	struct ml_trailer t;
	struct ml_doc doc;
	int crlf, found, rc = -1;

	memset(&doc, 0, sizeof doc);
	memset(&t, 0, sizeof t);
	if (doc_to_lf(&lf, text, len, &crlf) < 0)
		return oom(err);
	found = trailer_parse(lf.data, lf.len, &body, &t);
	if (found == -2)
		goto fail;
	if (found < 0) {
		error_set(err, ML_EXIT_USAGE,
			  "its mergeletter trailer (the line \"<!-- mergeletter: offered ...\") is "
			  "damaged; repair it, or "
			  "remove it and the \"<!-- mergeletter: \" notes by hand");
		goto done;
	}
	if (found == 0) {
		rc = buf_add(out, text, len) < 0 ? oom(err) : 0;
		goto done;
	}
	if ((body.len && body.data[body.len - 1] != '\n' && buf_puts(&body, "\n") < 0) ||
	    doc_open(&doc, body.data, body.len) < 0)
		goto fail;
	for (size_t i = 0; i < doc.n; i++) {
		struct ml_buf msg = ML_BUF_INIT;
		size_t n;
		const char *s = doc_line(&doc, i, &n);
		int w;

		if (!doc_note(&doc, i, DOC_NOTE_START))
			continue;
		doc.drop[i] = 1;
		if (doc_note(&doc, i, DOC_DRAFTED_START)) {
			if (i + 1 < doc.n && doc_blank(&doc, i + 1))
				doc.drop[i + 1] = 1;
			w = buf_printf(&msg,
				       "line %zu: the draft was made before its month ended "
				       "(%.*s); PRs merged since are not in it",
				       i + 1,
				       (int)(n - strlen(DOC_DRAFTED_START) - strlen(DOC_NOTE_END)),
				       s + strlen(DOC_DRAFTED_START));
		} else {
			w = buf_printf(&msg, "line %zu: removed \"%.*s\"", i + 1, (int)n, s);
		}
		if (w < 0 || (notes && strv_push(notes, buf_str(&msg)) < 0)) {
			buf_release(&msg);
			goto fail;
		}
		buf_release(&msg);
	}
	if (finalize_date(&doc, &t, today, notes) < 0)
		goto fail;
	{
		struct ml_buf plain = ML_BUF_INIT;

		if (doc_render(&plain, &doc) < 0 ||
		    doc_from_lf(out, plain.data, plain.len, crlf) < 0) {
			buf_release(&plain);
			goto fail;
		}
		buf_release(&plain);
	}
	rc = 1;
	goto done;
fail:
	oom(err);
done:
	doc_release(&doc);
	buf_release(&lf);
	buf_release(&body);
	trailer_release(&t);
	return rc;
}

int update_write(const char *path, const struct ml_draft *d, const struct ml_update_opts *o,
		 struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	char *old = NULL;
	size_t oldlen = 0;
	int rc = file_read_optional(path, &old, &oldlen, err);

	if (rc < 0)
		return -1;
	rc = update_render(&out, rc ? old : NULL, oldlen, d, o, notes, err);
	if (rc < 0)
		error_prefix(err, "'%s'", path);
	else if (rc == 0 && (!old || oldlen != out.len || memcmp(old, out.data, oldlen) != 0))
		rc = file_write_atomic(path, out.data ? out.data : "", out.len, err);
	free(old);
	buf_release(&out);
	return rc;
}

int update_finalize_file(const char *path, struct ml_strv *notes, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	char *text = NULL;
	size_t len = 0;
	int rc = file_read(path, &text, &len, err);

	if (rc == 0) {
		rc = update_finalize(&out, text, len, range_now(), notes, err);
		if (rc == 0 && notes &&
		    strv_push(notes,
			      "it has no mergeletter trailer: already final; left as it is") < 0)
			rc = oom(err);
		else if (rc == 1)
			rc = file_write_atomic(path, out.data ? out.data : "", out.len, err);
		if (rc < 0)
			error_prefix(err, "'%s'", path);
	}
	free(text);
	buf_release(&out);
	return rc;
}
