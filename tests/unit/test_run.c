/* test_run.c: a whole run, from plain options to the written file, without
 * argv: run_section() on a clone made here, written with -o and updated. */
#define _GNU_SOURCE /* asprintf */
#include <dlfcn.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>

#include "gittest.h"
#include "mergeletter/run/run.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "testutil.h"

#define COMMIT(msg, when) (&(struct gt_commit){msg, NULL, when, 0, NULL})

/* main with two merged PRs in August 2023, one of them a bump. */
static char *make_clone(void)
{
	char *dir = gt_tmpdir();
	git_repository *r = gt_init(dir, 0);
	git_oid tip, side;

	tip = gt_commit(r, COMMIT("Initial commit\n", "2023-07-01T12:00:00Z"), NULL, NULL);
	side = gt_commit(r, COMMIT("Add the frobnicator\n", "2023-08-02T12:00:00Z"), &tip, NULL);
	tip = gt_commit(r,
			COMMIT("Merge pull request #7 from alice/frob\n\nAdd the frobnicator\n",
			       "2023-08-03T12:00:00Z"),
			&tip, &side);
	side = gt_commit(r, COMMIT("Bump serde from 1.0.1 to 1.0.2\n", "2023-08-04T12:00:00Z"),
			 &tip, NULL);
	tip = gt_commit(r,
			COMMIT("Merge pull request #8 from dependabot/cargo/serde\n\n"
			       "Bump serde from 1.0.1 to 1.0.2\n",
			       "2023-08-05T12:00:00Z"),
			&tip, &side);
	gt_ref(r, "refs/heads/main", &tip);
	gt_symref(r, "HEAD", "refs/heads/main");
	git_repository_free(r);
	return dir;
}

static char *slurp(const char *path)
{
	struct ml_error err = ML_ERROR_INIT;
	char *text = NULL;
	size_t len = 0;

	if (file_read(path, &text, &len, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		error_clear(&err);
		return NULL;
	}
	return text;
}

/* The editor rewords the PR's title in the file. */
static void edit_title(const char *path)
{
	struct ml_error err = ML_ERROR_INIT;
	char *text = slurp(path), *at = text ? strstr(text, "frobnicator]") : NULL;
	char *edited = NULL;

	CHECK(at != NULL);
	if (!at) {
		free(text);
		return;
	}
	*at = '\0';
	CHECK(asprintf(&edited, "%sfrobnicator, reworded]%s", text, at + strlen("frobnicator]")) >
	      0);
	CHECK(file_write_atomic(path, edited, strlen(edited), &err) == 0);
	error_clear(&err);
	free(edited);
	free(text);
}

static void section_from_options_to_file(void)
{
	char *clone = make_clone(), *out = NULL, *first = NULL, *second = NULL;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_run_opts o;

	memset(&o, 0, sizeof o);
	o.command = ML_RUN_SECTION;
	o.repo = "rust-osdev/frob";
	o.git = clone;
	o.month = "2023-08";
	o.max_wait = -1;
	o.quiet = 1;
	CHECK(asprintf(&out, "%s/draft.md", clone) > 0);
	o.output = out;
	CHECK(run_section(&o, &err) == 0);
	CHECK(err.msg == NULL);
	first = slurp(out);
	CHECK(first &&
	      strstr(first, "[Add the frobnicator](https://github.com/rust-osdev/frob/pull/7)"));
	CHECK(first && strstr(first, "[@alice](https://github.com/alice)"));
	CHECK(first && strstr(first, "<!-- - [Bump serde")); /* the bump, set aside */
	CHECK(o.output == out);

	/* written by us and unedited: a second run writes it again, the same */
	CHECK(run_section(&o, &err) == 0);
	second = slurp(out);
	CHECK(first && second && strcmp(first, second) == 0);
	free(second);

	/* edited: refused without --update, and the edit survives --update */
	edit_title(out);
	CHECK(run_section(&o, &err) == -1);
	CHECK(err.exit_code == ML_EXIT_USAGE);
	error_clear(&err);
	o.update = 1;
	CHECK(run_section(&o, &err) == 0);
	second = slurp(out);
	CHECK(second && strstr(second, "[Add the frobnicator, reworded]"));
	CHECK(second && !strstr(second, "[Add the frobnicator]"));
	error_clear(&err);
	free(first);
	free(second);
	free(out);
	gt_rmtree(clone);
}

static void errors_come_back_with_their_exit_code(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_run_opts o;

	memset(&o, 0, sizeof o);
	o.command = ML_RUN_SECTION;
	o.repo = "rust-osdev/frob";
	o.git = "/nonexistent/clone";
	o.month = "2023-08";
	o.max_wait = -1;
	o.quiet = 1;
	CHECK(run_section(&o, &err) == -1);
	CHECK(err.exit_code == ML_EXIT_SOURCE);
	CHECK(err.msg && strstr(err.msg, "/nonexistent/clone"));
	error_clear(&err);

	o.git = NULL;
	o.month = "2023-13";
	CHECK(run_section(&o, &err) == -1);
	CHECK(err.exit_code == ML_EXIT_USAGE);
	error_clear(&err);
}

/* After the runs above, all from a clone: neither libcurl nor libxml2, nor
 * their dependencies, were loaded (util/libcurl.h, feeds/libxml.h;
 * RTLD_NOLOAD never loads); with libgit2 linked statically, neither a
 * shared libgit2 nor its Kerberos, TLS or SSH libraries (libgit2_link.h). */
static void clone_runs_load_neither_library(void)
{
	static const char *const sonames[] = {
	    "libcurl.so.4",	"libxml2.so.2",
#ifdef ML_LIBGIT2_STATIC
	    "libgit2.so.1.5",	"libgssapi_krb5.so.2", "libkrb5.so.3",
	    "libmbedtls.so.14", "libssh2.so.1",	       "libcrypto.so.3",
#endif
	};

	for (size_t i = 0; i < sizeof sonames / sizeof *sonames; i++) {
		void *h = dlopen(sonames[i], RTLD_NOW | RTLD_NOLOAD);

		if (h) {
			fprintf(stderr, "%s was loaded\n", sonames[i]);
			dlclose(h);
		}
		CHECK(h == NULL);
	}
}

int main(void)
{
	git_libgit2_init();
	RUN(section_from_options_to_file);
	RUN(clone_runs_load_neither_library);
	RUN(errors_come_back_with_their_exit_code);
	git_libgit2_shutdown();
	return DONE();
}
