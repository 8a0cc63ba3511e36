/* test_records.c: a page's records to bytes and back, and the range filter. */
#include "mergeletter/github/records.h"

#include <stdlib.h>
#include <string.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

#define AUG 1690848000 /* 2023-08-01T00:00:00Z */
#define SEP 1693526400 /* 2023-09-01T00:00:00Z */

static void add(struct ml_page_records *r, long number, int64_t merged, const char *title,
		const char *author, int bot, const char *assoc, const char *label)
{
	struct ml_pr *pr = pr_list_add(&r->prs);

	pr->number = number;
	pr->merged_at = merged;
	pr->title = ml_strdup(title);
	pr->author = ml_strdup(author);
	pr->author_is_bot = bot;
	pr->association = assoc ? ml_strdup(assoc) : NULL;
	if (label)
		strv_push(&pr->labels, label);
}

static void page(struct ml_page_records *r)
{
	*r = (struct ml_page_records)ML_PAGE_RECORDS_INIT;
	add(r, 906, AUG + 10, "Fix `x` \xc3\xa9 [a]", "dev1", 0, "MEMBER", "enhancement");
	add(r, 905, AUG - 1, "Last of July", "dev2", 0, NULL, NULL);
	add(r, 907, SEP - 1, "Bump serde from 1 to 2", "dependabot[bot]", 1, "NONE",
	    "dependencies");
	r->items = 100;
	r->oldest_updated = AUG - 86400;
}

static void roundtrip_and_filter(void)
{
	struct ml_page_records in, out;
	struct ml_buf b = ML_BUF_INIT;
	struct ml_range aug = {AUG, SEP, 2023, 8}, jul = {AUG - 31 * 86400, AUG, 2023, 7};
	struct ml_pr_list got = {0};
	int older = -1;

	page(&in);
	CHECK(records_encode(&in, &b) == 0);
	CHECK(records_decode(b.data, b.len, &out) == 0);
	CHECK(out.items == 100 && out.oldest_updated == AUG - 86400 && out.prs.len == 3);
	CHECK(records_take(&out, &aug, "o/r", &got, &older) == 0);
	CHECK(older == 1); /* the oldest lies before August */
	CHECK(got.len == 2);
	CHECK(got.len == 2 && got.items[0].number == 906 && got.items[1].number == 907);
	if (got.len == 2) {
		CHECK_STR(got.items[0].repo, "o/r");
		CHECK_STR(got.items[0].title, "Fix `x` \xc3\xa9 [a]");
		CHECK_STR(got.items[0].association, "MEMBER");
		CHECK(got.items[0].labels.n == 1);
		CHECK_STR(got.items[0].labels.v[0], "enhancement");
		CHECK(got.items[1].author_is_bot == 1);
	}
	pr_list_release(&got);
	/* another range from the same records */
	CHECK(records_take(&out, &jul, "o/r", &got, &older) == 0);
	CHECK(older == 0 && got.len == 1 && got.items[0].number == 905);
	CHECK(got.len == 1 && got.items[0].association == NULL && got.items[0].labels.n == 0);
	pr_list_release(&got);
	records_release(&out);
	records_release(&in);
	buf_release(&b);
}

static void empty_page_is_never_older(void)
{
	struct ml_page_records in = ML_PAGE_RECORDS_INIT, out;
	struct ml_buf b = ML_BUF_INIT;
	struct ml_range aug = {AUG, SEP, 2023, 8};
	struct ml_pr_list got = {0};
	int older = -1;

	CHECK(records_encode(&in, &b) == 0);
	CHECK(records_decode(b.data, b.len, &out) == 0);
	CHECK(records_take(&out, &aug, "o/r", &got, &older) == 0);
	CHECK(older == 0 && got.len == 0);
	records_release(&out);
	buf_release(&b);
}

/* Every truncation, a wrong magic and trailing bytes are refused whole. */
static void damaged_is_refused(void)
{
	struct ml_page_records in, out;
	struct ml_buf b = ML_BUF_INIT;

	page(&in);
	CHECK(records_encode(&in, &b) == 0);
	for (size_t n = 0; n < b.len; n++) {
		CHECK(records_decode(b.data, n, &out) == -1);
		CHECK(out.prs.len == 0);
	}
	buf_add(&b, "x", 1);
	CHECK(records_decode(b.data, b.len, &out) == -1);
	b.data[0] = 'X';
	CHECK(records_decode(b.data, b.len - 1, &out) == -1);
	records_release(&in);
	buf_release(&b);
}

int main(void)
{
	RUN(roundtrip_and_filter);
	RUN(empty_page_is_never_older);
	RUN(damaged_is_refused);
	return DONE();
}
