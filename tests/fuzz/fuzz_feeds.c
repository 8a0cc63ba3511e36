/* fuzz_feeds.c: the Atom and RSS reader, feeds_parse(), on a feed body from
 * the network (the whole input), then news_merge() of its entries twice.
 *
 * Invariants: no crash, no leak; a broken feed is an error with a message;
 * every entry's title is one line of valid UTF-8 without control
 * characters, its link an absolute http(s) URL with nothing that ends or
 * breaks a markdown link destination, its date in the range; merging the
 * same entries again adds none. */
#include "fuzz.h"

#include "mergeletter/feeds/feeds.h"
#include "mergeletter/model/news.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

static void check_title(const char *t)
{
	const unsigned char *s = (const unsigned char *)t;
	size_t n = strlen(t);

	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t len = ml_utf8_seq(s + i, n - i, &cp);

		FUZZ_ASSERT(len > 0);
		FUZZ_ASSERT(cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F));
		i += len;
	}
}

static void check_link(const char *l)
{
	FUZZ_ASSERT(strncmp(l, "http://", 7) == 0 || strncmp(l, "https://", 8) == 0);
	for (const unsigned char *p = (const unsigned char *)l; *p; p++)
		FUZZ_ASSERT(*p > 0x20 && *p < 0x7F && !strchr("()<>\"\\`[]{}|^'", *p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 2000-01-01 .. 2038-01-01: any date a feed can carry that a month can */
	const struct ml_range range = {946684800, 2145916800, 0, 0};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n, all, again;
	size_t count;

	memset(&n, 0, sizeof n);
	memset(&all, 0, sizeof all);
	memset(&again, 0, sizeof again);
	if (feeds_parse((const char *)data, size, "https://blog.example/feed.xml", &range, size & 1,
			&n, &err) < 0) {
		FUZZ_ASSERT(err.msg && err.msg[0]);
		FUZZ_ASSERT(n.nentries == 0 || n.entries);
	}
	for (size_t i = 0; i < n.nentries; i++) {
		FUZZ_ASSERT(n.entries[i].title && n.entries[i].link);
		check_title(n.entries[i].title);
		check_link(n.entries[i].link);
		FUZZ_ASSERT(n.entries[i].date >= range.since && n.entries[i].date < range.until);
	}
	/* the same entries merged twice are listed once */
	FUZZ_ASSERT(news_merge(&all, &n) == 0);
	count = all.nentries;
	for (size_t i = 0; i < count; i++)
		FUZZ_ASSERT(news_add(&again, ml_strdup(all.entries[i].title),
				     ml_strdup(all.entries[i].link), all.entries[i].date, 0) == 0);
	FUZZ_ASSERT(news_merge(&all, &again) == 0);
	FUZZ_ASSERT(all.nentries == count);
	news_release(&n);
	news_release(&all);
	news_release(&again);
	error_clear(&err);
	return 0;
}
