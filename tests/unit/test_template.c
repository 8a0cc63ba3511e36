/* test_template.c: the template engine and the built-in templates. */
#include <stdlib.h>

#include "mergeletter/emit/markdown.h"
#include "mergeletter/emit/template.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

/* Values: "a" -> "A", "empty" -> "", "block" -> "B1\nB2\n", "arg:X" -> "<X>",
 * "q" -> `say "hi"` (escaped within the front matter). */
static int value(void *ud, struct ml_buf *out, const char *name, const char *arg, int toml,
		 struct ml_error *err)
{
	(void)ud;
	if (strcmp(name, "a") == 0)
		return buf_puts(out, "A");
	if (strcmp(name, "empty") == 0)
		return 0;
	if (strcmp(name, "block") == 0)
		return buf_puts(out, "B1\nB2\n");
	if (strcmp(name, "arg") == 0)
		return buf_printf(out, "<%s>", arg);
	if (strcmp(name, "q") == 0)
		return buf_puts(out, toml ? "say \\\"hi\\\"" : "say \"hi\"");
	return error_set(err, ML_EXIT_FAILURE, "unexpected %s", name);
}

static char *render(const char *text, const char *part)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_template t;
	struct ml_buf out = ML_BUF_INIT;
	char *s = NULL;

	if (template_parse(&t, text, strlen(text), "t.md", &err) == 0) {
		const struct ml_template_part *p = template_part(&t, part);

		if (p && template_render(&out, p, value, NULL, &err) == 0)
			s = buf_detach(&out);
		template_release(&t);
	}
	buf_release(&out);
	error_clear(&err);
	return s;
}

static void inline_and_blocks(void)
{
	char *s =
	    render("x {{a}} y {{ arg:two words }}\n{{empty}}\nz\n{{block}}\n{{a}}\nend", NULL);

	CHECK_STR(s, "x A y <two words>\nz\nB1\nB2\nA\nend");
	free(s);
	s = render("crlf {{a}}\r\n{{a}}\r\n{{empty}}\r\nlast\r\n", NULL);
	CHECK_STR(s, "crlf A\r\nA\r\nlast\r\n");
	free(s);
	s = render("not {{closed\n{{a}}\n", NULL);
	CHECK_STR(s, "not {{closed\nA\n");
	free(s);
}

static void front_matter(void)
{
	char *s = render("+++\ntitle = \"{{q}}\"\n+++\n{{q}}\n+++\n{{q}}\n", NULL);

	CHECK_STR(s, "+++\ntitle = \"say \\\"hi\\\"\"\n+++\nsay \"hi\"\n+++\nsay \"hi\"\n");
	free(s);
}

static void parts(void)
{
	static const char text[] = "main {{a}}\n{{define repo}}\nrepo {{a}}\n{{end}}\n";
	char *m = render(text, NULL), *r = render(text, "repo");

	CHECK_STR(m, "main A\n");
	CHECK_STR(r, "repo A\n");
	free(m);
	free(r);
}

static void errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"a\n{{define repo}}\nx\n", "t.md:2: {{define repo}} is never closed"},
	    {"a\n{{end}}\n", "t.md:2: {{end}} without {{define NAME}}"},
	    {"{{define a}}\n{{define b}}\n{{end}}\n", "t.md:2: {{define}} inside"},
	};
	static const char *const names[] = {"a", "arg:", NULL};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_template t;

		CHECK(template_parse(&t, bad[i].text, strlen(bad[i].text), "t.md", &err) < 0);
		CHECK(err.exit_code == ML_EXIT_USAGE && err.msg && strstr(err.msg, bad[i].want));
		error_clear(&err);
	}
	{
		static const char text[] = "ok {{a}} {{arg:x}}\nline two {{nope}}\n";
		struct ml_error err = ML_ERROR_INIT;
		struct ml_template t;

		CHECK(template_parse(&t, text, strlen(text), "t.md", &err) == 0);
		CHECK(template_check(&t, template_part(&t, NULL), names, &err) < 0);
		CHECK(err.msg && strstr(err.msg, "t.md:2: unknown placeholder '{{nope}}'"));
		error_clear(&err);
		template_release(&t);
	}
}

static void builtins_are_valid(void)
{
	static const char *const names[] = {"rust-osdev", "release-notes"};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_template t;

		CHECK(template_builtin(&t, names[i], &err) == 0);
		CHECK(template_part(&t, NULL) && template_part(&t, "repo"));
		CHECK(markdown_check_template(&t, &err) == 0);
		if (err.msg)
			fprintf(stderr, "%s\n", err.msg);
		error_clear(&err);
		template_release(&t);
	}
	{
		struct ml_error err = ML_ERROR_INIT;
		struct ml_template t;

		CHECK(template_builtin(&t, "nope", &err) < 0);
		error_clear(&err);
	}
}

static void unknown_part(void)
{
	static const char text[] = "x\n{{define nope}}\ny\n{{end}}\n";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_template t;

	CHECK(template_parse(&t, text, strlen(text), "t.md", &err) == 0);
	CHECK(markdown_check_template(&t, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "t.md:2: unknown part '{{define nope}}'"));
	error_clear(&err);
	template_release(&t);
}

int main(void)
{
	RUN(inline_and_blocks);
	RUN(front_matter);
	RUN(parts);
	RUN(errors);
	RUN(builtins_are_valid);
	RUN(unknown_part);
	return DONE();
}
