/* term.c: messages made inert before they reach a terminal (term.h). */
#include "mergeletter/util/term.h"

#include "mergeletter/util/buf.h"
#include "mergeletter/util/str.h"

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
		size_t n = ml_utf8_seq(p + i, len - i, &cp);

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
