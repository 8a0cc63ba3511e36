/* fuzz_update.c: the living draft's reader and updater: update_render()
 * (--update) of a draft text with new records, then update_finalize().
 *
 * Input: a flags byte, PR records separated by 0x1E, each of fields
 * separated by 0x1F (repository digit '0'-'3', title, author, a flags
 * character: bit 0 a bump, bit 1 a bot, bit 2 offered already), then 0x1D
 * and the draft's text (the rest of the input).
 * Flags byte: bit 0 a whole issue (else repository 0's section), bits 1-2
 * the deps mode, bit 3 a trailer is appended to the text (offering the
 * records marked so, with the text's digest), bit 4 the month is not over.
 *
 * Invariants: no crash, no leak; a refusal is a usage error with a
 * message; an updated text ends in a trailer that parses, is valid UTF-8
 * without control bytes when the text was (tab, LF, and CR of CRLF
 * aside), and a second --update changes no byte; --finalize of it removes
 * its trailer. */
#include "fuzz.h"

#include "mergeletter/document/doc.h"
#include "mergeletter/document/trailer.h"
#include "mergeletter/document/update.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/sha256.h"

static const char config_json[] =
    "{ \"title\": \"T\", \"sections\": [\n"
    "  { \"heading\": \"`ex` Projects\", \"intro\": \"Ours.\", \"repos\": [\n"
    "    { \"repo\": \"ex/a\", \"maintainers\": [\"m\"] }, { \"repo\": \"ex/b\" } ] },\n"
    "  { \"heading\": \"Other Projects\", \"repos\": [\n"
    "    { \"repo\": \"other/c\", \"maintainers\": [\"m\"] }, { \"repo\": \"other/d\" } ] } ] }\n";
static const char *const repos[] = {"ex/a", "ex/b", "other/c", "other/d"};

#define AUG1 1690848000
#define SEP1 1693526400

/* Split s at the first sep: s is cut there and the rest returned (NULL: none). */
static char *cut(char *s, char sep)
{
	char *p = s ? strchr(s, sep) : NULL;

	if (!p)
		return NULL;
	*p = '\0';
	return p + 1;
}

/* 1 when s[0..n) is valid UTF-8 without control bytes but tab, LF and the
 * CR of a CRLF. */
static int clean_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = s[i] < 0x80	     ? 1
			     : (s[i] & 0xE0) == 0xC0 ? 2
			     : (s[i] & 0xF0) == 0xE0 ? 3
			     : (s[i] & 0xF8) == 0xF0 ? 4
						     : 0;
		uint32_t cp = len == 1	 ? s[i]
			      : len == 2 ? s[i] & 0x1Fu
			      : len == 3 ? s[i] & 0x0Fu
					 : s[i] & 0x07u;

		if (len == 0 || i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3Fu);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		if (cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
		    (cp < 0x20 && cp != '\t' && cp != '\n' &&
		     !(cp == '\r' && i + 1 < n && s[i + 1] == '\n')))
			return 0;
		i += len;
	}
	return 1;
}

/* The draft of the records; the offered ones into t. */
static void make_draft(struct ml_draft *d, uint8_t flags, char *records, struct ml_trailer *t)
{
	static const enum ml_deps_mode modes[] = {ML_DEPS_COMMENT, ML_DEPS_DROP, ML_DEPS_KEEP,
						  ML_DEPS_COMMENT};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;
	long number = 1;

	FUZZ_ASSERT(config_parse(&cfg, config_json, strlen(config_json), "f.json", &err) == 0);
	FUZZ_ASSERT(range_from_month(&range, "2023-08", &err) == 0);
	if (flags & 1)
		FUZZ_ASSERT(draft_from_config(d, &cfg, &range, &err) == 0);
	else
		FUZZ_ASSERT(draft_single(d, &cfg.sections[0].repos[0], &range, &err) == 0);
	config_release(&cfg);
	d->deps_mode = modes[(flags >> 1) & 3];
	d->date = AUG1 + 20 * 86400;
	for (char *rec = records; rec; number++) {
		char *next = cut(rec, '\x1e'), *title = cut(rec, '\x1f'),
		     *author = cut(title, '\x1f');
		char *pflags = cut(author, '\x1f');
		const char *repo = repos[(*rec & 0xFF) % 4];
		struct ml_draft_repo *r = draft_find_repo(d, repo);
		struct ml_pr *pr;

		rec = next;
		if (!r)
			continue;
		pr = pr_list_add(&r->prs);
		FUZZ_ASSERT(pr != NULL);
		pr->repo = strdup(repo);
		pr->number = number;
		pr->title = strdup(title ? title : "");
		pr->author = author && *author ? strdup(author) : NULL;
		pr->merged_at = AUG1 + number * 3600;
		if (pflags && *pflags) {
			pr->is_bump = *pflags & 1;
			pr->author_is_bot = (*pflags & 2) != 0;
			if (*pflags & 4)
				FUZZ_ASSERT(trailer_add(t, repo, strlen(repo), number) == 0);
		}
		FUZZ_ASSERT(pr->repo && pr->title);
	}
}

/* The text, with a trailer offering t's PRs when asked. */
static void make_text(struct ml_buf *out, const char *text, size_t len, int trailer,
		      struct ml_trailer *t)
{
	FUZZ_ASSERT(buf_add(out, text, len) == 0);
	if (!trailer)
		return;
	if (out->len && out->data[out->len - 1] != '\n')
		FUZZ_ASSERT(buf_puts(out, "\n") == 0);
	FUZZ_ASSERT(trailer_write(out, t, out->data ? out->data : "", out->len) == 0);
}

/* The last line of s[0..n) that is a trailer (NULL: none), *len its length. */
static const char *last_trailer(const char *s, size_t n, size_t *len)
{
	const char *last = NULL, *end = s + n;
	size_t m = strlen(DOC_TRAILER_START), k = strlen(DOC_NOTE_END);

	for (const char *line = s; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line)), *e = nl ? nl : end;

		while (e > line && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - line) >= m + k && memcmp(line, DOC_TRAILER_START, m) == 0 &&
		    memcmp(e - k, DOC_NOTE_END, k) == 0) {
			last = line;
			*len = (size_t)(e - line);
		}
		line = nl ? nl + 1 : end;
	}
	return last;
}

/* 1 when s[0..n) holds w[0..m). */
static int holds(const char *s, size_t n, const char *w, size_t m)
{
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(s + i, w, m) == 0)
			return 1;
	return 0;
}

static void check_updated(const struct ml_buf *out, const struct ml_draft *d,
			  const struct ml_update_opts *o, int clean)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf lf = ML_BUF_INIT, body = ML_BUF_INIT, again = ML_BUF_INIT, fin = ML_BUF_INIT;
	struct ml_trailer t;
	const char *trailer_line;
	size_t tlen = 0;
	int crlf;

	memset(&t, 0, sizeof t);
	FUZZ_ASSERT(out->data != NULL);
	if (clean)
		FUZZ_ASSERT(clean_text((const unsigned char *)out->data, out->len));
	FUZZ_ASSERT(doc_to_lf(&lf, out->data, out->len, &crlf) == 0);
	FUZZ_ASSERT(trailer_parse(lf.data, lf.len, &body, &t) == 1);
	/* a second --update changes nothing */
	FUZZ_ASSERT(update_render(&again, out->data, out->len, d, o, NULL, &err) == 0);
	FUZZ_ASSERT(again.len == out->len && memcmp(again.data, out->data, out->len) == 0);
	/* --finalize removes the trailer (the last line that is one) */
	FUZZ_ASSERT(update_finalize(&fin, out->data, out->len, SEP1, NULL, &err) == 1);
	trailer_line = last_trailer(lf.data, lf.len, &tlen);
	FUZZ_ASSERT(trailer_line != NULL);
	FUZZ_ASSERT(!holds(fin.data ? fin.data : "", fin.len, trailer_line, tlen));
	trailer_release(&t);
	buf_release(&lf);
	buf_release(&body);
	buf_release(&again);
	buf_release(&fin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_buf text = ML_BUF_INIT, out = ML_BUF_INIT;
	struct ml_strv notes = {NULL, 0, 0};
	struct ml_trailer t;
	struct ml_draft d;
	struct ml_update_opts o;
	const uint8_t *gs;
	char *records;
	int rc;

	if (size == 0)
		return 0;
	gs = memchr(data + 1, 0x1d, size - 1);
	if (!gs)
		return 0;
	memset(&t, 0, sizeof t);
	records = fuzz_cstr(data + 1, (size_t)(gs - data - 1));
	make_draft(&d, data[0], records, &t);
	make_text(&text, (const char *)gs + 1, size - (size_t)(gs + 1 - data), data[0] & 8, &t);
	o.issue = data[0] & 1;
	o.update = 1;
	o.force = 0;
	o.now = data[0] & 16 ? AUG1 + 20 * 86400 : SEP1 + 86400;
	rc = update_render(&out, text.data ? text.data : "", text.len, &d, &o, &notes, &err);
	if (rc < 0) /* a refusal names the way out */
		FUZZ_ASSERT(err.exit_code == ML_EXIT_USAGE && err.msg &&
			    strstr(err.msg, "--force"));
	else
		check_updated(&out, &d, &o,
			      clean_text((const unsigned char *)text.data, text.len) &&
				  clean_text((const unsigned char *)records, strlen(records)));
	error_clear(&err);
	strv_release(&notes);
	trailer_release(&t);
	buf_release(&text);
	buf_release(&out);
	draft_release(&d);
	free(records);
	return 0;
}
