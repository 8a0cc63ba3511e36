/* test_json_out.c: --format json writes the document's frame itself and
 * dumps each value where it sits (json_out.c). The property, over seeded
 * drafts: the text parses, and jansson's own layout of what it parsed
 * (JSON_INDENT(2), the order kept) is the same text, byte for byte. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/emit/json_out.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

static unsigned long rnd(unsigned long *state)
{
	*state = *state * 6364136223846793005UL + 1442695040888963407UL;
	return *state >> 33;
}

/* Text that JSON must escape, or not: quotes, backslashes, a newline,
 * a tab, a control byte, non-ASCII. */
static char *text(unsigned long *st, const char *stem)
{
	static const char *const bits[] = {
	    "",	      "\"quoted\"",  "back\\slash",  "two\nlines",    "tab\there",
	    "bell\a", "caf\xc3\xa9", "\xe2\x9c\x93", "  {\"x\": [1]}"};
	char buf[256];

	snprintf(buf, sizeof buf, "%s %s%s", stem, bits[rnd(st) % 9], bits[rnd(st) % 9]);
	return ml_strdup(buf);
}

static void add_prs(struct ml_pr_list *l, const char *repo, unsigned long *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ml_pr *pr = pr_list_add(l);

		pr->repo = ml_strdup(repo);
		pr->number = (long)(1 + rnd(st) % 5000);
		pr->title = text(st, "Title");
		pr->author = rnd(st) % 5 ? text(st, "login") : NULL;
		pr->author_is_bot = rnd(st) % 7 == 0;
		pr->is_bump = rnd(st) % 4 == 0;
		pr->merged_at = 1690848000 + (int64_t)(rnd(st) % 2600000);
		for (unsigned long k = rnd(st) % 3; k > 0; k--)
			strv_push(&pr->labels, k == 1 ? "bug" : "label \"x\"");
		for (unsigned long k = rnd(st) % 2; k > 0; k--)
			strv_push(&pr->coauthors, "co-author");
		if (rnd(st) % 3 == 0)
			pr->association = ml_strdup("FIRST_TIME_CONTRIBUTOR");
	}
}

static int one_draft(struct ml_draft *d, unsigned long *st)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_maintainer m[2] = {{(char *)"alice", NULL, 0, 0},
				     {(char *)"bob", (char *)"https://example.com/bob", 0, 0}};
	struct ml_repo_cfg rc;
	struct ml_range range;
	struct ml_draft_section *s;

	memset(&rc, 0, sizeof rc);
	rc.repo = (char *)"o/first";
	rc.maintainers_known = 1;
	if (range_from_month(&range, "2023-08", &err) < 0 || draft_single(d, &rc, &range, &err) < 0)
		return -1;
	s = &d->sections[0];
	if (rnd(st) % 2)
		s->heading = text(st, "Heading");
	for (unsigned long k = rnd(st) % 4; k > 0; k--) {
		struct ml_draft_repo *r;

		rc.repo = (char *)(k == 1 ? "o/second" : k == 2 ? "o/third" : "o/fourth");
		rc.name = (char *)(k % 2 ? "A \"name\"" : NULL);
		rc.intro = (char *)(k == 2 ? "An intro\nof two lines" : NULL);
		rc.maintainers = m;
		rc.nmaintainers = k % 3;
		if (!(r = draft_add_repo(s, &rc)))
			return -1;
		if (rnd(st) % 5 == 0)
			r->failure = text(st, "o/x: not fetched:");
	}
	for (size_t i = 0; i < s->nrepos; i++)
		add_prs(&s->repos[i].prs, s->repos[i].info.repo, st,
			rnd(st) % 2 ? rnd(st) % 40 : 0);
	if (rnd(st) % 4 == 0)
		s->failure = text(st, "section failure");
	if (rnd(st) % 3 == 0 &&
	    draft_set_refs(d, "v1.0.0", rnd(st) % 2 ? "v1.1.0" : NULL, &err) < 0)
		return -1;
	if (rnd(st) % 3 == 0) {
		d->tooling_heading = text(st, "Tooling");
		add_prs(&d->tooling, "o/tool", st, rnd(st) % 4);
	}
	if (rnd(st) % 3 == 0) {
		d->news.heading = text(st, "News");
		for (unsigned long k = rnd(st) % 3; k > 0; k--)
			news_add(&d->news, text(st, "Entry"),
				 ml_strdup("https://example.com/a?b=\"c\""), 1691000000,
				 (int)(k % 2));
		if (rnd(st) % 2)
			strv_push(&d->news.failures, "https://example.com/feed: not fetched: 404");
	}
	return 0;
}

static void frame_is_jansson_layout(void)
{
	size_t prs = 0, bytes = 0;

	for (unsigned long seed = 1; seed <= 300; seed++) {
		unsigned long st = seed;
		struct ml_draft d;
		struct ml_buf out = ML_BUF_INIT;
		json_t *back = NULL;
		char *again = NULL;
		json_error_t jerr;

		memset(&d, 0, sizeof d);
		CHECK(one_draft(&d, &st) == 0);
		for (size_t i = 0; i < d.nsections; i++)
			for (size_t j = 0; j < d.sections[i].nrepos; j++)
				prs += d.sections[i].repos[j].prs.len;
		CHECK(json_out_draft(&out, &d, NULL, NULL) == 0);
		bytes += out.len;
		back = out.data ? json_loadb(out.data, out.len, 0, &jerr) : NULL;
		CHECK(back != NULL);
		if (back)
			again = json_dumps(back, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		CHECK(again != NULL && out.len == strlen(again) + 1 &&
		      memcmp(out.data, again, out.len - 1) == 0 && out.data[out.len - 1] == '\n');
		if (again &&
		    (out.len != strlen(again) + 1 || memcmp(out.data, again, out.len - 1))) {
			fprintf(
			    stderr,
			    "  seed %lu: the text differs from jansson's layout:\n%s\n---\n%s\n",
			    seed, buf_str(&out), again);
			seed = 300; /* one is enough to read */
		}
		free(again);
		json_decref(back);
		buf_release(&out);
		draft_release(&d);
	}
	fprintf(stderr, "  300 drafts, %zu PRs, %zu bytes of JSON\n", prs, bytes);
}

struct chunks {
	struct ml_buf all;
	size_t calls;
	int fail; /* the flush fails from its first call */
};

static int collect(void *ud, const char *data, size_t len)
{
	struct chunks *c = ud;

	c->calls++;
	return c->fail ? -1 : buf_add(&c->all, data, len);
}

/* A draft of thousands of PRs goes out in pieces as it is written; the
 * pieces and what is left are the text written whole; a flush that fails
 * fails the draft. */
static void large_draft_flushed_in_pieces(void)
{
	for (int fail = 0; fail <= 1; fail++) {
		unsigned long st = 7;
		struct ml_draft d;
		struct ml_buf whole = ML_BUF_INIT, rest = ML_BUF_INIT;
		struct chunks c = {ML_BUF_INIT, 0, fail};

		memset(&d, 0, sizeof d);
		CHECK(one_draft(&d, &st) == 0);
		add_prs(&d.sections[0].repos[0].prs, "o/first", &st, 3000);
		CHECK(json_out_draft(&whole, &d, NULL, NULL) == 0);
		if (!fail) {
			CHECK(json_out_draft(&rest, &d, collect, &c) == 0);
			CHECK(c.calls >= 4 && whole.len > 4 * 64 * 1024);
			CHECK(buf_add(&c.all, rest.data, rest.len) == 0);
			CHECK(c.all.len == whole.len &&
			      memcmp(c.all.data, whole.data, whole.len) == 0);
		} else {
			CHECK(json_out_draft(&rest, &d, collect, &c) == -1);
			CHECK(c.calls == 1);
		}
		buf_release(&whole);
		buf_release(&rest);
		buf_release(&c.all);
		draft_release(&d);
	}
}

int main(void)
{
	RUN(frame_is_jansson_layout);
	RUN(large_draft_flushed_in_pieces);
	return DONE();
}
