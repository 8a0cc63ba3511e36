/* file.c: whole-file reads and atomic writes. */
#include "mergeletter/util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"

int file_read(const char *path, char **out, size_t *len, struct ml_error *err)
{
	struct ml_buf b = ML_BUF_INIT;
	char chunk[65536];
	FILE *fp = fopen(path, "rb");
	size_t n;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (!fp)
		return error_set(err, ML_EXIT_USAGE, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			error_set(err, ML_EXIT_FAILURE, "%s: out of memory", path);
			goto done;
		}
	if (ferror(fp)) {
		error_set(err, ML_EXIT_USAGE, "%s: read error", path);
		goto done;
	}
	*len = b.len;
	*out = buf_detach(&b);
	rc = 0;
done:
	buf_release(&b);
	fclose(fp);
	return rc;
}

int file_read_own(const char *path, char **out, size_t *len, struct ml_error *err)
{
	struct ml_buf b = ML_BUF_INIT;
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), rc = -1;

	*out = NULL;
	*len = 0;
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return error_set(err, ML_EXIT_FAILURE, "'%s' is a symbolic link", path);
	if (fd < 0)
		return error_set(err, ML_EXIT_FAILURE, "'%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		error_set(err, ML_EXIT_FAILURE, "'%s': %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		error_set(err, ML_EXIT_FAILURE, "'%s' is %s", path,
			  !S_ISREG(st.st_mode) ? "not a regular file" : "owned by someone else");
		goto done;
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_set(err, ML_EXIT_FAILURE, "'%s': %s", path, strerror(errno));
			goto done;
		}
		if (buf_add(&b, chunk, (size_t)n) < 0) {
			error_set(err, ML_EXIT_FAILURE, "'%s': out of memory", path);
			goto done;
		}
	}
	*len = b.len;
	*out = buf_detach(&b);
	if (!*out && (*out = calloc(1, 1)) == NULL) {
		error_set(err, ML_EXIT_FAILURE, "'%s': out of memory", path);
		goto done;
	}
	rc = 1;
done:
	buf_release(&b);
	close(fd);
	return rc;
}

int file_dir_private(const char *path, struct ml_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC), rc = -1;

	if (fd < 0)
		return error_set(err, ML_EXIT_USAGE, "'%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		error_set(err, ML_EXIT_USAGE, "'%s': %s", path, strerror(errno));
	else if (st.st_uid != geteuid())
		error_set(err, ML_EXIT_USAGE, "'%s' is owned by someone else (uid %lu)", path,
			  (unsigned long)st.st_uid);
	else if (st.st_mode & S_IWOTH)
		error_set(err, ML_EXIT_USAGE, "'%s' is world-writable (mode %04o)", path,
			  (unsigned)(st.st_mode & 07777));
	else
		rc = 0;
	close(fd);
	return rc;
}

int file_read_optional(const char *path, char **out, size_t *len, struct ml_error *err)
{
	struct stat st;

	*out = NULL;
	*len = 0;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
	} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		return 0; /* a device or a pipe (-o /dev/stdout): nothing to keep */
	}
	return file_read(path, out, len, err) < 0 ? -1 : 1;
}

int file_write_atomic(const char *path, const char *data, size_t len, struct ml_error *err)
{
	return file_write_atomic_flags(path, data, len, 0, err);
}

/* Write to a device or a pipe (-o /dev/stdout, a FIFO) as it is. */
static int write_through(const char *path, const char *data, size_t len, struct ml_error *err)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path,
				 strerror(errno));
	while (len > 0 && rc == 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path,
				       strerror(n < 0 ? errno : EIO));
		else
			data += n, len -= (size_t)n;
	}
	if (close(fd) != 0 && rc == 0)
		rc =
		    error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path, strerror(errno));
	return rc;
}

int file_write_atomic_flags(const char *path, const char *data, size_t len, int flags,
			    struct ml_error *err)
{
	struct ml_buf tmp = ML_BUF_INIT;
	struct stat st;
	FILE *fp = NULL;
	int fd = -1, rc = -1, exists = stat(path, &st) == 0;

	if (exists && S_ISDIR(st.st_mode))
		return error_set(err, ML_EXIT_FAILURE, "cannot write '%s': it is a directory",
				 path);
	if (exists && !S_ISREG(st.st_mode))
		return write_through(path, data, len, err); /* never rename over a device */
	if (buf_printf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	/* mkstemp made it 0600; unless private, keep the mode of an existing
	 * file, or give the usual 0644 under umask. */
	if (!(flags & ML_FILE_PRIVATE)) {
		if (exists) {
			fchmod(fd, st.st_mode & 07777);
		} else {
			mode_t mask = umask(0);

			umask(mask);
			fchmod(fd, 0666 & ~mask);
		}
	}
	fp = fdopen(fd, "wb");
	if (!fp) {
		error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	fd = -1;
	if (fwrite(data, 1, len, fp) != len || fflush(fp) != 0 ||
	    (!(flags & ML_FILE_NOSYNC) && fsync(fileno(fp)) != 0)) {
		error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		error_set(err, ML_EXIT_FAILURE, "cannot write '%s': %s", path, strerror(errno));
		goto done;
	}
	fp = NULL;
	if (rename(tmp.data, path) != 0) {
		error_set(err, ML_EXIT_FAILURE, "cannot replace '%s': %s", path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (fp)
		fclose(fp);
	if (fd >= 0)
		close(fd);
	if (rc < 0 && tmp.data)
		unlink(tmp.data);
	buf_release(&tmp);
	return rc;
}

int file_write_stdout(const char *data, size_t len, struct ml_error *err)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
		return error_set(err, ML_EXIT_FAILURE, "cannot write to standard output: %s",
				 strerror(errno));
	return 0;
}
