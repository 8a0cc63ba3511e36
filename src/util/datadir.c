/* datadir.c: the shipped files' folder, found from the executable. */
#include "mergeletter/util/datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergeletter/paths.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *datadir_path(const char *exe, char *out, size_t outlen)
{
	char self[PATH_MAX];
	const char *rel = ML_DATADIR_FROM_BIN;
	ssize_t n;
	char *slash;

	snprintf(out, outlen, "%s", ML_DATADIR);
	if (exe)
		n = (ssize_t)snprintf(self, sizeof self, "%s", exe);
	else
		n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || (size_t)n >= sizeof self || rel[0] == '/')
		return out;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return out;
	*slash = '\0'; /* the executable's folder */
	for (; strncmp(rel, "../", 3) == 0; rel += 3) {
		if (!(slash = strrchr(self, '/')))
			return out;
		*slash = '\0';
	}
	if ((size_t)snprintf(self + strlen(self), sizeof self - strlen(self), "/%s", rel) <
		sizeof self - strlen(self) &&
	    is_dir(self))
		snprintf(out, outlen, "%s", self);
	return out;
}

int datadir_config(const char *spec, const char *datadir, char **path, struct ml_error *err)
{
	static const char *const suffixes[] = {"", ".json"};
	struct ml_buf b = ML_BUF_INIT;
	char dir[PATH_MAX];

	*path = NULL;
	if (!datadir)
		datadir = datadir_path(NULL, dir, sizeof dir);
	for (size_t i = 0; i < 2 && !strchr(spec, '/') && !is_file(spec) && spec[0] && !*path;
	     i++) {
		buf_reset(&b);
		if (buf_printf(&b, "%s/config/%s%s", datadir, spec, suffixes[i]) < 0)
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		if (is_file(buf_str(&b)))
			*path = buf_detach(&b);
	}
	buf_release(&b);
	if (!*path && !(*path = ml_strdup(spec)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

int datadir_in_text(struct ml_buf *text)
{
	struct ml_buf out = ML_BUF_INIT;
	char dir[PATH_MAX];
	const char *s = buf_str(text), *p;
	size_t n = strlen(ML_DATADIR);

	datadir_path(NULL, dir, sizeof dir);
	if (!s || strcmp(dir, ML_DATADIR) == 0)
		return 0;
	while ((p = strstr(s, ML_DATADIR)) != NULL) {
		if (buf_add(&out, s, (size_t)(p - s)) < 0 || buf_puts(&out, dir) < 0)
			goto oom;
		s = p + n;
	}
	if (buf_puts(&out, s) < 0)
		goto oom;
	buf_release(text);
	*text = out;
	return 0;
oom:
	buf_release(&out);
	return -1;
}
