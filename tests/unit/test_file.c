/* test_file.c: atomic writes, and writes to what is not a regular file. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "testutil.h"

static char dir[] = "/tmp/ml-test-file-XXXXXX";

/* -o on a FIFO (as on /dev/stdout or /dev/null) writes into it: it is never
 * replaced by a regular file through a rename. */
static void pipe_is_written_through(void)
{
	char fifo[256], got[64] = "";
	struct ml_error err = ML_ERROR_INIT;
	struct stat st;
	int fds[2], status = 0;
	pid_t pid;

	snprintf(fifo, sizeof fifo, "%s/out", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) { /* the reader: the FIFO's content into the pipe */
		FILE *in;
		char buf[64];
		size_t n;

		alarm(30); /* a hang guard: a writer that never comes ends the reader */
		in = fopen(fifo, "rb");
		n = in ? fread(buf, 1, sizeof buf, in) : 0;

		close(fds[0]);
		if (write(fds[1], buf, n) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	CHECK(file_write_atomic(fifo, "hello\n", 6, &err) == 0);
	CHECK(read(fds[0], got, sizeof got - 1) == 6);
	CHECK_STR(got, "hello\n");
	close(fds[0]);
	waitpid(pid, &status, 0);
	CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
	{
		char *text = NULL;
		size_t len = 9;

		/* nothing to read back from a pipe: it is no file to keep */
		CHECK(file_read_optional(fifo, &text, &len, &err) == 0 && !text && len == 0);
	}
	unlink(fifo);
	error_clear(&err);
}

static void regular_and_directory(void)
{
	char path[256], *text = NULL;
	struct ml_error err = ML_ERROR_INIT;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/draft.md", dir);
	CHECK(file_write_atomic(path, "one\n", 4, &err) == 0);
	CHECK(file_write_atomic(path, "two\n", 4, &err) == 0);
	CHECK(file_read_optional(path, &text, &len, &err) == 1 && len == 4);
	CHECK_STR(text, "two\n");
	free(text);
	unlink(path);
	CHECK(file_write_atomic(dir, "x", 1, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "is a directory"));
	error_clear(&err);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(pipe_is_written_through);
	RUN(regular_and_directory);
	rmdir(dir);
	return DONE();
}
