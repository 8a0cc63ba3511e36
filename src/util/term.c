/* term.c: messages made inert before they reach a terminal (term.h). */
#include "mergeletter/util/term.h"

#include "mergeletter/util/buf.h"

/* The length of the valid UTF-8 sequence at s (at most n bytes), its code
 * point in *cp; 0 when the bytes there are not valid UTF-8. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len;
	unsigned long c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int is_control(unsigned long cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int term_escape(struct ml_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;

	while (i < len) {
		unsigned long cp = 0;
		size_t n = utf8_seq(p + i, len - i, &cp);

		if (n > 0 && !is_control(cp)) {
			i += n;
			continue;
		}
		if (buf_add(out, s + start, i - start) < 0)
			return -1;
		if (n == 0 || cp < 0x80) {
			if (buf_printf(out, "\\x%02x", p[i]) < 0)
				return -1;
			i++;
		} else {
			if (buf_printf(out, "\\u%04lx", cp) < 0)
				return -1;
			i += n;
		}
		start = i;
	}
	return buf_add(out, s + start, len - start);
}

void term_vprint(FILE *fp, const char *prefix, const char *fmt, va_list ap)
{
	struct ml_buf msg = ML_BUF_INIT, out = ML_BUF_INIT;

	if (buf_vprintf(&msg, fmt, ap) < 0 || buf_puts(&out, prefix) < 0 ||
	    term_escape(&out, buf_str(&msg), msg.len) < 0 || buf_puts(&out, "\n") < 0) {
		buf_reset(&out);
		buf_puts(&out, prefix);
		buf_puts(&out, "(out of memory)\n");
	}
	fputs(buf_str(&out), fp);
	buf_release(&msg);
	buf_release(&out);
}

void term_print(FILE *fp, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vprint(fp, prefix, fmt, ap);
	va_end(ap);
}
