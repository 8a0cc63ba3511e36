/*
 * file.h: reading whole files and writing output atomically.
 */
#ifndef MERGELETTER_FILE_H
#define MERGELETTER_FILE_H

#include <stddef.h>

struct ml_error;

enum ml_file_flags {
	ML_FILE_PRIVATE = 1, /* mode 0600 (else an existing file's mode, or 0666 & ~umask) */
	ML_FILE_NOSYNC = 2,  /* no fsync: atomic against a killed run, not a power cut */
};

/* Write data to path through a temporary file in the same directory and
 * rename(2); on failure the old file is left untouched. */
int file_write_atomic(const char *path, const char *data, size_t len, struct ml_error *err);
/* The same with enum ml_file_flags. */
int file_write_atomic_flags(const char *path, const char *data, size_t len, int flags,
			    struct ml_error *err);
/* Write data to stdout and check the write and the flush. */
int file_write_stdout(const char *data, size_t len, struct ml_error *err);
/* Read a whole file; *out is NUL-terminated and owned by the caller. */
int file_read(const char *path, char **out, size_t *len, struct ml_error *err);
/* Read a file that nothing can block or redirect: opened with O_NOFOLLOW
 * and O_NONBLOCK, then fstat(): 1 when read (*out NUL-terminated, the
 * caller's); 0 when path does not exist; -1 (err set, exit code 1) when it
 * is a symbolic link, not a regular file (a FIFO, a device, a directory),
 * not owned by this user, or unreadable. */
int file_read_own(const char *path, char **out, size_t *len, struct ml_error *err);
/* 0 when the directory path (symbolic links followed) is owned by this
 * user and not world-writable; -1 (err set, exit code 2) otherwise. */
int file_dir_private(const char *path, struct ml_error *err);
/* The same, but a missing file is no error: returns 1 when read, 0 when
 * path does not exist (*out NULL), -1 on error. */
int file_read_optional(const char *path, char **out, size_t *len, struct ml_error *err);

#endif
