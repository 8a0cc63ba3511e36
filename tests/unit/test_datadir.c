/* test_datadir.c: the shipped files' folder, found from the executable's
 * place (an install under another prefix), and --config NAME in it. */
#define _XOPEN_SOURCE 700 /* nftw, in tmptree.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergeletter/paths.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/datadir.h"
#include "mergeletter/util/error.h"
#include "testutil.h"
#include "tmptree.h"

static char root[256];

static void touch(const char *rel)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
}

static void mkdirs(const char *rel)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", root, rel);
	CHECK(mkdir(path, 0700) == 0);
}

static void found_from_the_binary(void)
{
	char exe[512], want[512], out[512];

	snprintf(exe, sizeof exe, "%s/prefix/bin/mergeletter", root);
	/* no share/mergeletter beside the binary: the configure-time default */
	CHECK_STR(datadir_path(exe, out, sizeof out), ML_DATADIR);
	mkdirs("prefix");
	mkdirs("prefix/share");
	mkdirs("prefix/share/mergeletter");
	snprintf(want, sizeof want, "%s/prefix/share/mergeletter", root);
	CHECK_STR(datadir_path(exe, out, sizeof out), want);
	/* this process (a test in the build tree): the default */
	CHECK(strlen(datadir_path(NULL, out, sizeof out)) > 0);
}

static void config_by_name(void)
{
	struct ml_error err = ML_ERROR_INIT;
	char dir[512], want[600], *path = NULL;

	snprintf(dir, sizeof dir, "%s/prefix/share/mergeletter", root);
	mkdirs("prefix/share/mergeletter/config");
	touch("prefix/share/mergeletter/config/rust-osdev.json");
	snprintf(want, sizeof want, "%s/config/rust-osdev.json", dir);
	CHECK(datadir_config("rust-osdev.json", dir, &path, &err) == 0);
	CHECK_STR(path, want);
	free(path);
	CHECK(datadir_config("rust-osdev", dir, &path, &err) == 0); /* ".json" may go */
	CHECK_STR(path, want);
	free(path);
	/* a path, or a name nowhere: as given (the load names it) */
	CHECK(datadir_config("./rust-osdev.json", dir, &path, &err) == 0);
	CHECK_STR(path, "./rust-osdev.json");
	free(path);
	CHECK(datadir_config("nowhere.json", dir, &path, &err) == 0);
	CHECK_STR(path, "nowhere.json");
	free(path);
	/* a file of that name in the current folder wins */
	CHECK(chdir(root) == 0);
	touch("rust-osdev.json");
	CHECK(datadir_config("rust-osdev.json", dir, &path, &err) == 0);
	CHECK_STR(path, "rust-osdev.json");
	free(path);
}

static void help_names_it(void)
{
	struct ml_buf b = ML_BUF_INIT;

	buf_puts(&b, "configs in " ML_DATADIR "/config\n");
	CHECK(datadir_in_text(&b) == 0);
	CHECK(b.data && strstr(b.data, "/config\n") && strncmp(b.data, "configs in /", 12) == 0);
	buf_release(&b);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, sizeof root, "%s/ml-datadir-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return 1;
	RUN(found_from_the_binary);
	RUN(config_by_name);
	RUN(help_names_it);
	if (tt_rmtree(root) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return DONE();
}
