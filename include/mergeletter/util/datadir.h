/*
 * datadir.h: the folder of the shipped configs and templates (`config/`,
 * `templates/`), as the binary was installed: found at run time relative
 * to the executable (BIN/../share/mergeletter, wherever `cmake --install
 * --prefix P` put it), else the configure-time default (ML_DATADIR).
 */
#ifndef MERGELETTER_DATADIR_H
#define MERGELETTER_DATADIR_H

#include <stddef.h>

struct ml_buf;
struct ml_error;

/* The data folder of the executable at exe (NULL: this process's, from
 * /proc/self/exe) when it exists, else ML_DATADIR; into out, returns out. */
const char *datadir_path(const char *exe, char *out, size_t outlen);
/* Where --config SPEC is: SPEC itself when it names a file or holds a '/',
 * else DATADIR/config/SPEC (or SPEC.json) when that exists, else SPEC (the
 * load names it). *path is newly allocated. datadir NULL: datadir_path().
 * 0, or -1 (err set) when out of memory. */
int datadir_config(const char *spec, const char *datadir, char **path, struct ml_error *err);
/* Replace the configure-time data folder in text (--help) with the one
 * found at run time; 0, or -1 when out of memory. */
int datadir_in_text(struct ml_buf *text);

#endif
