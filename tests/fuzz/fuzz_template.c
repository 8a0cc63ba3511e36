/* fuzz_template.c: the template reader, template_parse(), then
 * template_check() and template_render() of each of its parts.
 *
 * Input: a template's text (the whole input).
 *
 * Invariants: no crash, no leak; a refused template is a usage error that
 * names the file and a line; a part that passes template_check() renders
 * without error; a part without "{{" renders to itself byte for byte. */
#include "fuzz.h"

#include "mergeletter/emit/template.h"
#include "mergeletter/util/error.h"

static const char *const names[] = {"title", "empty", "multi", "arg:", NULL};

static int value(void *ud, struct ml_buf *out, const char *name, const char *arg, int toml,
		 struct ml_error *err)
{
	(void)ud;
	(void)toml;
	(void)err;
	if (strcmp(name, "empty") == 0)
		return 0;
	if (strcmp(name, "multi") == 0)
		return buf_puts(out, "one\ntwo\n");
	if (strcmp(name, "arg") == 0)
		return buf_printf(out, "<%s>", arg);
	return buf_puts(out, "T");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_template t;

	if (template_parse(&t, (const char *)data, size, "t.md", &err) < 0) {
		FUZZ_ASSERT(err.exit_code == ML_EXIT_USAGE || err.exit_code == ML_EXIT_FAILURE);
		FUZZ_ASSERT(err.exit_code != ML_EXIT_USAGE || strncmp(err.msg, "t.md:", 5) == 0);
		error_clear(&err);
		return 0;
	}
	FUZZ_ASSERT(t.nparts >= 1);
	for (size_t i = 0; i < t.nparts; i++) {
		const struct ml_template_part *part = &t.parts[i];
		struct ml_buf out = ML_BUF_INIT;
		int plain = 1;

		for (size_t k = 0; k + 1 < part->len && plain; k++)
			plain = !(part->text[k] == '{' && part->text[k + 1] == '{');

		if (template_check(&t, part, names, &err) < 0) {
			FUZZ_ASSERT(err.exit_code == ML_EXIT_USAGE &&
				    strncmp(err.msg, "t.md:", 5) == 0);
			FUZZ_ASSERT(!plain);
			error_clear(&err);
			continue;
		}
		FUZZ_ASSERT(template_render(&out, part, value, NULL, &err) == 0);
		if (plain)
			FUZZ_ASSERT(
			    out.len == part->len &&
			    (part->len == 0 || memcmp(out.data, part->text, part->len) == 0));
		buf_release(&out);
	}
	template_release(&t);
	return 0;
}
