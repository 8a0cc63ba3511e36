/* test_pr.c: titles past ML_PR_TITLE_MAX characters are shortened on a
 * character boundary, with an ellipsis. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/model/pr.h"
#include "mergeletter/util/buf.h"
#include "testutil.h"

static size_t chars_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* For 300 titles from seed 7, of 990 to 1010 characters of one to four
 * bytes each: a title of at most 1000 characters is untouched; a longer
 * one becomes its first 999 characters and "…" (1000 in all, valid
 * UTF-8), with title_cut its first length. */
static void shortened_on_a_boundary(void)
{
	static const char *const pieces[] = {"a", "\xc3\xa9", "\xe2\x80\x93", "\xf0\x9f\x98\x80"};
	uint64_t seed = 7;
	int bad = 0, cut = 0;

	for (int round = 0; round < 300; round++) {
		struct ml_buf b = ML_BUF_INIT;
		struct ml_pr pr = {0};
		size_t n = 990 + rng(&seed) % 21;
		char *orig;

		for (size_t i = 0; i < n; i++)
			buf_puts(&b, pieces[rng(&seed) % 4]);
		orig = strdup(buf_str(&b));
		pr.title = buf_detach(&b);
		if (pr_title_bound(&pr) != (n > ML_PR_TITLE_MAX))
			bad++;
		if (n <= ML_PR_TITLE_MAX) {
			bad += strcmp(pr.title, orig) != 0 || pr.title_cut != 0;
		} else {
			size_t keep = strlen(pr.title) - 3;

			cut++;
			bad += chars_of(pr.title) != ML_PR_TITLE_MAX || pr.title_cut != n ||
			       strcmp(pr.title + keep, "\xe2\x80\xa6") != 0 ||
			       memcmp(pr.title, orig, keep) != 0 ||
			       (orig[keep] & 0xc0) == 0x80; /* cut where a character begins */
		}
		free(orig);
		pr_release(&pr);
	}
	CHECK(bad == 0);
	CHECK(cut > 100);
}

static void fifty_megabytes(void)
{
	struct ml_pr pr = {0};
	size_t n = 50u * 1024 * 1024;

	pr.title = malloc(n + 1);
	CHECK(pr.title != NULL);
	if (!pr.title)
		return;
	memset(pr.title, 'x', n);
	pr.title[n] = '\0';
	CHECK(pr_title_bound(&pr) == 1);
	CHECK(strlen(pr.title) == 999 + 3 && pr.title_cut == n);
	pr_release(&pr);
}

int main(void)
{
	RUN(shortened_on_a_boundary);
	RUN(fifty_megabytes);
	return DONE();
}
