/* records.c: a page's records to bytes and back (see records.h).
 *
 * Serialization (integers little-endian):
 *   "MLR1", u32 items, i64 oldest_updated, i64 newest_updated, u32 count,
 *   then per PR:
 *   i64 number, i64 merged_at, u8 flags (1: bot, 2: association present),
 *   str title, str author, [str association], u32 nlabels, str label...
 *   where str is u32 length and the bytes.
 */
#include "mergeletter/github/records.h"

#include <stdlib.h>
#include <string.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/str.h"

#define MAGIC "MLR1"
#define FLAG_BOT 1
#define FLAG_ASSOC 2

void records_release(struct ml_page_records *r)
{
	pr_list_release(&r->prs);
	r->oldest_updated = INT64_MAX;
	r->newest_updated = INT64_MIN;
	r->items = 0;
}

static int put_u(struct ml_buf *b, uint64_t v, int bytes)
{
	unsigned char s[8];

	for (int i = 0; i < bytes; i++)
		s[i] = (unsigned char)(v >> (8 * i));
	return buf_add(b, s, (size_t)bytes);
}

static int put_str(struct ml_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return put_u(b, n, 4) < 0 || buf_add(b, s ? s : "", n) < 0 ? -1 : 0;
}

int records_encode(const struct ml_page_records *r, struct ml_buf *out)
{
	if (buf_add(out, MAGIC, 4) < 0 || put_u(out, (uint64_t)r->items, 4) < 0 ||
	    put_u(out, (uint64_t)r->oldest_updated, 8) < 0 ||
	    put_u(out, (uint64_t)r->newest_updated, 8) < 0 || put_u(out, r->prs.len, 4) < 0)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];
		int flags = (pr->author_is_bot ? FLAG_BOT : 0) | (pr->association ? FLAG_ASSOC : 0);

		if (put_u(out, (uint64_t)pr->number, 8) < 0 ||
		    put_u(out, (uint64_t)pr->merged_at, 8) < 0 ||
		    put_u(out, (uint64_t)flags, 1) < 0 || put_str(out, pr->title) < 0 ||
		    put_str(out, pr->author) < 0 ||
		    ((flags & FLAG_ASSOC) && put_str(out, pr->association) < 0) ||
		    put_u(out, pr->labels.n, 4) < 0)
			return -1;
		for (size_t k = 0; k < pr->labels.n; k++)
			if (put_str(out, pr->labels.v[k]) < 0)
				return -1;
	}
	return 0;
}

struct reader {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t get_u(struct reader *rd, int bytes)
{
	uint64_t v = 0;

	if (rd->bad || rd->end - rd->p < bytes) {
		rd->bad = 1;
		return 0;
	}
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)rd->p[i] << (8 * i);
	rd->p += bytes;
	return v;
}

/* A newly allocated string, or NULL (rd->bad set) when short or out of memory. */
static char *get_str(struct reader *rd)
{
	uint64_t n = get_u(rd, 4);
	char *s;

	if (rd->bad || (uint64_t)(rd->end - rd->p) < n) {
		rd->bad = 1;
		return NULL;
	}
	if (!(s = ml_strndup((const char *)rd->p, (size_t)n)))
		rd->bad = 1;
	rd->p += n;
	return s;
}

int records_decode(const char *data, size_t len, struct ml_page_records *r)
{
	struct reader rd = {(const unsigned char *)data, (const unsigned char *)data + len, 0};
	uint64_t count;

	*r = (struct ml_page_records)ML_PAGE_RECORDS_INIT;
	if (len < 4 || memcmp(data, MAGIC, 4) != 0)
		return -1;
	rd.p += 4;
	r->items = (long)get_u(&rd, 4);
	r->oldest_updated = (int64_t)get_u(&rd, 8);
	r->newest_updated = (int64_t)get_u(&rd, 8);
	count = get_u(&rd, 4);
	for (uint64_t i = 0; i < count && !rd.bad; i++) {
		struct ml_pr *pr = pr_list_add(&r->prs);
		uint64_t flags, nlabels;

		if (!pr)
			break;
		pr->number = (long)get_u(&rd, 8);
		pr->merged_at = (int64_t)get_u(&rd, 8);
		flags = get_u(&rd, 1);
		pr->author_is_bot = (flags & FLAG_BOT) != 0;
		pr->title = get_str(&rd);
		pr->author = get_str(&rd);
		if (flags & FLAG_ASSOC)
			pr->association = get_str(&rd);
		nlabels = get_u(&rd, 4);
		for (uint64_t k = 0; k < nlabels && !rd.bad; k++) {
			char *label = get_str(&rd);

			if (label && strv_push(&pr->labels, label) < 0)
				rd.bad = 1;
			free(label);
		}
	}
	if (rd.bad || r->prs.len != count || rd.p != rd.end) {
		records_release(r);
		return -1;
	}
	return 0;
}

static int pr_copy(struct ml_pr *dst, const struct ml_pr *src, const char *repo)
{
	dst->number = src->number;
	dst->merged_at = src->merged_at;
	dst->author_is_bot = src->author_is_bot;
	if (!(dst->repo = ml_strdup(repo)) || !(dst->title = ml_strdup(src->title)) ||
	    (src->author && !(dst->author = ml_strdup(src->author))) ||
	    (src->association && !(dst->association = ml_strdup(src->association))))
		return -1;
	for (size_t k = 0; k < src->labels.n; k++)
		if (strv_push(&dst->labels, src->labels.v[k]) < 0)
			return -1;
	return 0;
}

int records_take(const struct ml_page_records *r, const struct ml_range *range, const char *repo,
		 struct ml_pr_list *out, int *older)
{
	*older = r->items > 0 && r->oldest_updated < range->since;
	for (size_t i = 0; i < r->prs.len; i++) {
		struct ml_pr *pr;

		if (!range_contains(range, r->prs.items[i].merged_at))
			continue;
		if (!(pr = pr_list_add(out)) || pr_copy(pr, &r->prs.items[i], repo) < 0)
			return -1;
	}
	return 0;
}
