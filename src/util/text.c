/* text.c: text from the network as one safe line (text.h). */
#include "mergeletter/util/text.h"

#include "mergeletter/util/str.h"

#include <string.h>

/* 1 for a code point a reader must not get: C1 controls (U+0080..U+009F,
 * which some terminals obey as escapes) and the bidirectional controls that
 * can reorder what a reader sees, U+202A..U+202E (embeddings, overrides)
 * and U+2066..U+2069 (isolates). */
static int is_hidden_control(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int text_one_line(struct ml_buf *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;
	int started = 0, space = 0;

	while (i < n) {
		unsigned long cp;
		size_t l;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			space = started;
			i++;
			continue;
		}
		if (s[i] < 0x20 || s[i] == 0x7F) {
			i++;
			continue;
		}
		l = ml_utf8_seq(s + i, n - i, &cp);
		if (l && is_hidden_control(cp)) {
			i += l;
			continue;
		}
		if (space && buf_add(out, " ", 1) < 0)
			return -1;
		space = 0;
		started = 1;
		if (l == 0) { /* a byte that starts no valid sequence */
			if (buf_puts(out, "\xEF\xBF\xBD") < 0)
				return -1;
			i++;
			continue;
		}
		if (buf_add(out, s + i, l) < 0)
			return -1;
		i += l;
	}
	return 0;
}
