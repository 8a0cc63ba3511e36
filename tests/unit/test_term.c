/* test_term.c: term_escape() leaves no control character, and changes
 * nothing that needs no escape. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/term.h"
#include "testutil.h"

static char *escaped(const char *s, size_t len)
{
	struct ml_buf b = ML_BUF_INIT;

	CHECK(term_escape(&b, s, len) == 0);
	return buf_detach(&b);
}

static void test_examples(void)
{
	static const char osc[] = "\x1b]0;pwned\x07\x1b[2J";
	char *e = escaped(osc, sizeof osc - 1);

	CHECK_STR(e, "\\x1b]0;pwned\\x07\\x1b[2J");
	free(e);
	e = escaped("tab\tnew\nline \xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80",
		    strlen("tab\tnew\nline \xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80"));
	CHECK_STR(e, "tab\tnew\nline \xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80");
	free(e);
	e = escaped("a\rb\x7f"
		    "c\xc2\x9b"
		    "d\xff\xc3",
		    10);
	CHECK_STR(e, "a\\x0db\\x7fc\\u009bd\\xff\\xc3");
	free(e);
	e = escaped("nul\0byte", 8);
	CHECK_STR(e, "nul\\x00byte");
	free(e);
	/* an overlong ESC and a surrogate are not UTF-8 */
	e = escaped("\xc0\x9b\xed\xa0\x80", 5);
	CHECK_STR(e, "\\xc0\\x9b\\xed\\xa0\\x80");
	free(e);
}

/* What a terminal must never see: a C0 control but tab and newline, DEL,
 * a C1 control (raw or UTF-8 encoded), or bytes that are not UTF-8. */
static int inert(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || n == 0 || i + n > len)
			return 0;
		for (size_t k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		if (c == 0xc2 && s[i + 1] < 0xa0)
			return 0;
		i += n - 1;
	}
	return 1;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* For 500 strings from seed 22 (random bytes, and control-heavy
 * well-formed pieces): the escaped text is inert, and a text of pieces
 * that was inert comes out unchanged. */
static void test_property(void)
{
	static const char *const pieces[] = {"a",
					     " ",
					     "\t",
					     "\n",
					     "\x1b",
					     "\x07",
					     "\x7f",
					     "\xc2\x85",
					     "\xc3\xa9",
					     "\xe2\x80\x93",
					     "\xf0\x9f\x98\x80",
					     "\x9b",
					     "\\",
					     "%s",
					     "\xff",
					     "\r"};
	uint64_t seed = 22;
	int bad = 0, same = 0;

	for (int round = 0; round < 500; round++) {
		unsigned char in[96];
		size_t len = 0, n = rng(&seed) % (round % 2 ? 6 : 40);
		char *e;

		for (size_t i = 0; i < n && len + 4 < sizeof in; i++) {
			if (round % 2) {
				const char *p =
				    pieces[rng(&seed) % (sizeof pieces / sizeof *pieces)];

				memcpy(in + len, p, strlen(p));
				len += strlen(p);
			} else {
				in[len++] = (unsigned char)rng(&seed);
			}
		}
		e = escaped((const char *)in, len);
		if (!e || !inert((const unsigned char *)e, strlen(e))) {
			fprintf(stderr, "round %d: not inert: %s\n", round, e ? e : "(null)");
			bad++;
		}
		/* pieces are well-formed: there inert() and UTF-8 agree */
		if (e && round % 2 && inert(in, len) &&
		    (strlen(e) != len || memcmp(e, in, len) != 0))
			bad++;
		same += e && round % 2 && inert(in, len);
		free(e);
	}
	CHECK(bad == 0);
	CHECK(same > 20); /* the second property was exercised */
}

static void test_print(void)
{
	char out[256] = {0};
	FILE *fp = fmemopen(out, sizeof out - 1, "w");

	CHECK(fp != NULL);
	if (!fp)
		return;
	term_print(fp, "warning: ", "search: %s", "bad \x1b[2Jquery");
	fclose(fp);
	CHECK_STR(out, "warning: search: bad \\x1b[2Jquery\n");
}

int main(void)
{
	RUN(test_examples);
	RUN(test_property);
	RUN(test_print);
	return DONE();
}
