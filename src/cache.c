/* cache.c: the on-disk ETag cache, one atomically written file per entry.
 *
 * Entry format (text header, blank line, raw body):
 *   mergeletter-cache 1
 *   url URL
 *   status 200
 *   etag W/"..."      (line absent when none)
 *   link <...>; rel="next"  (line absent when none)
 *   modified DATE     (Last-Modified; line absent when none)
 *   length N
 *   sha256 HEX        (of the body)
 *
 *   BODY (exactly N bytes)
 */
#include "mergeletter/cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mergeletter/buf.h"
#include "mergeletter/error.h"
#include "mergeletter/file.h"
#include "mergeletter/progress.h"
#include "mergeletter/str.h"
#include "mergeletter/sha256.h"

#define MAGIC "mergeletter-cache 1\n"

struct ml_cache {
	char *dir;
	struct ml_progress *progress;
};

/* mkdir -p with mode 0700 for the directories it creates. */
static int mkdirs(const char *path)
{
	char *p = ml_strdup(path);
	int rc = -1;

	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			goto done;
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		goto done;
	rc = 0;
done:
	free(p);
	return rc;
}

static char *default_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct ml_buf b = ML_BUF_INIT;

	/* The XDG spec says relative paths are invalid and to be ignored. */
	if (xdg && xdg[0] == '/')
		buf_printf(&b, "%s/mergeletter", xdg);
	else if (home && *home)
		buf_printf(&b, "%s/.cache/mergeletter", home);
	return buf_detach(&b);
}

int cache_open(struct ml_cache **out, const char *dir, struct ml_progress *progress,
	       struct ml_error *err)
{
	struct ml_cache *c = calloc(1, sizeof *c);
	int rc = -1;

	*out = NULL;
	if (!c)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	c->progress = progress;
	c->dir = dir ? ml_strdup(dir) : default_dir();
	if (!c->dir) {
		error_set(err, ML_EXIT_USAGE,
			  "cache: neither XDG_CACHE_HOME nor HOME is set; give --cache-dir DIR or --no-cache");
		goto done;
	}
	if (mkdirs(c->dir) < 0) {
		error_set(err, ML_EXIT_FAILURE, "cache: cannot create '%s': %s; give --cache-dir DIR or --no-cache",
			  c->dir, strerror(errno));
		goto done;
	}
	*out = c;
	c = NULL;
	rc = 0;
done:
	cache_free(c);
	return rc;
}

const char *cache_path(const struct ml_cache *c)
{
	return c ? c->dir : NULL;
}

static char *entry_path(const struct ml_cache *c, const char *url, const char *accept)
{
	struct ml_buf key = ML_BUF_INIT, path = ML_BUF_INIT;
	char hex[ML_SHA256_HEX_LEN + 1];

	if (buf_printf(&key, "%s\n%s", url, accept ? accept : "") < 0)
		return NULL;
	sha256_hex(key.data, key.len, hex);
	buf_release(&key);
	if (buf_printf(&path, "%s/%s", c->dir, hex) < 0)
		return NULL;
	return buf_detach(&path);
}

void cache_entry_release(struct ml_cache_entry *e)
{
	if (!e)
		return;
	free(e->etag);
	free(e->link);
	free(e->modified);
	free(e->body);
	*e = (struct ml_cache_entry)ML_CACHE_ENTRY_INIT;
}

/* The value of header line "NAME VALUE\n" at *p, advancing *p; NULL when
 * the next line is not NAME. */
static char *take_line(const char **p, const char *end, const char *name)
{
	size_t n = strlen(name);
	const char *nl;

	if ((size_t)(end - *p) <= n || strncmp(*p, name, n) != 0 || (*p)[n] != ' ')
		return NULL;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl)
		return NULL;
	{
		char *v = ml_strndup(*p + n + 1, (size_t)(nl - *p - n - 1));

		*p = nl + 1;
		return v;
	}
}

/* Parse a whole entry file; 0 when valid. */
static int entry_parse(const char *data, size_t len, const char *url, struct ml_cache_entry *e)
{
	const char *p = data, *end = data + len;
	char *v = NULL, *stop;
	char hex[ML_SHA256_HEX_LEN + 1];
	unsigned long long blen;
	int rc = -1;

	if (len < sizeof MAGIC - 1 || memcmp(p, MAGIC, sizeof MAGIC - 1) != 0)
		return -1;
	p += sizeof MAGIC - 1;
	if (!(v = take_line(&p, end, "url")) || strcmp(v, url) != 0)
		goto done;
	free(v);
	if (!(v = take_line(&p, end, "status")))
		goto done;
	e->status = strtol(v, &stop, 10);
	if (*stop || e->status < 100 || e->status > 599)
		goto done;
	free(v);
	v = NULL;
	e->etag = take_line(&p, end, "etag");
	e->link = take_line(&p, end, "link");
	e->modified = take_line(&p, end, "modified");
	if (!(v = take_line(&p, end, "length")))
		goto done;
	blen = strtoull(v, &stop, 10);
	if (*stop || !*v)
		goto done;
	free(v);
	if (!(v = take_line(&p, end, "sha256")) || strlen(v) != ML_SHA256_HEX_LEN)
		goto done;
	if (p >= end || *p != '\n')
		goto done;
	p++;
	if ((unsigned long long)(end - p) != blen)
		goto done;
	sha256_hex(p, (size_t)blen, hex);
	if (strcmp(hex, v) != 0)
		goto done;
	if (!(e->body = ml_strndup(p, (size_t)blen)))
		goto done;
	e->len = (size_t)blen;
	rc = 0;
done:
	free(v);
	if (rc < 0)
		cache_entry_release(e);
	return rc;
}

int cache_get(struct ml_cache *c, const char *url, const char *accept, struct ml_cache_entry *e)
{
	struct ml_error err = ML_ERROR_INIT;
	char *path = NULL, *data = NULL;
	size_t len = 0;
	int rc = 0;

	*e = (struct ml_cache_entry)ML_CACHE_ENTRY_INIT;
	if (!c || !(path = entry_path(c, url, accept)))
		goto done;
	if (access(path, F_OK) < 0)
		goto done;
	if (file_read(path, &data, &len, &err) < 0) {
		progress_warn(c->progress, "cache: %s; ignored the entry", err.msg);
		goto done;
	}
	if (entry_parse(data, len, url, e) < 0) {
		progress_warn(c->progress, "cache: entry '%s' for %s is corrupt; discarded it", path,
			      url);
		unlink(path);
		goto done;
	}
	rc = 1;
done:
	error_clear(&err);
	free(data);
	free(path);
	return rc;
}

/* One header line; values never hold a newline (libcurl strips them). */
static int put_line(struct ml_buf *b, const char *name, const char *value)
{
	if (!value)
		return 0;
	if (strchr(value, '\n'))
		return -1;
	return buf_printf(b, "%s %s\n", name, value);
}

int cache_put(struct ml_cache *c, const char *url, const char *accept,
	      const struct ml_cache_entry *e)
{
	struct ml_buf entry = ML_BUF_INIT;
	struct ml_error err = ML_ERROR_INIT;
	char hex[ML_SHA256_HEX_LEN + 1];
	char *path = NULL;
	int rc = -1;

	if (!c)
		return 0;
	sha256_hex(e->body ? e->body : "", e->len, hex);
	if (!(path = entry_path(c, url, accept)) || buf_puts(&entry, MAGIC) < 0 ||
	    put_line(&entry, "url", url) < 0 || buf_printf(&entry, "status %ld\n", e->status) < 0 ||
	    put_line(&entry, "etag", e->etag) < 0 || put_line(&entry, "link", e->link) < 0 ||
	    put_line(&entry, "modified", e->modified) < 0 ||
	    buf_printf(&entry, "length %zu\nsha256 %s\n\n", e->len, hex) < 0 ||
	    buf_add(&entry, e->body ? e->body : "", e->len) < 0) {
		progress_warn(c->progress, "cache: cannot store %s (out of memory or a bad header)", url);
		goto done;
	}
	/* entries may hold private repositories' data: 0600; no fsync, as a
	 * lost entry only costs a request */
	if (file_write_atomic_flags(path, entry.data, entry.len, ML_FILE_PRIVATE | ML_FILE_NOSYNC,
				    &err) < 0) {
		progress_warn(c->progress, "cache: %s; the run goes on uncached", err.msg);
		goto done;
	}
	rc = 0;
done:
	error_clear(&err);
	buf_release(&entry);
	free(path);
	return rc;
}

void cache_free(struct ml_cache *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c);
}
