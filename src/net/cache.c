/* cache.c: the on-disk ETag cache, one atomically written file per entry.
 *
 * Entry format (text header, blank line, data):
 *   mergeletter-cache 2
 *   url URL
 *   status 200
 *   etag W/"..."      (line absent when none)
 *   link <...>; rel="next"  (line absent when none)
 *   modified DATE     (Last-Modified; line absent when none)
 *   kind body|records
 *   length N          (of the data: deflated with zlib)
 *   raw M             (of the data once inflated)
 *   sha256 HEX        (of the data)
 *
 *   DATA (exactly N bytes)
 *
 * Format 1 (read only): no kind and raw lines, the body as it came.
 */
#include "mergeletter/net/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/sha256.h"
#include "mergeletter/util/str.h"

#define MAGIC1 "mergeletter-cache 1\n"
#define MAGIC "mergeletter-cache 2\n"
#define RAW_MAX (1ULL << 31) /* larger is not an entry of ours */

struct ml_cache {
	char *dir;
	struct ml_progress *progress;
	unsigned long long max_bytes; /* 0: unbounded */
	int noted_old;		      /* the note on format-1 entries was given */
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
	struct ml_error why = ML_ERROR_INIT;
	int rc = -1;

	*out = NULL;
	if (!c)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	c->progress = progress;
	c->dir = dir ? ml_strdup(dir) : default_dir();
	if (!c->dir) {
		error_set(err, ML_EXIT_USAGE,
			  "cache: neither XDG_CACHE_HOME nor HOME is set; give --cache-dir DIR or "
			  "--no-cache");
		goto done;
	}
	if (mkdirs(c->dir) < 0) {
		error_set(err, ML_EXIT_FAILURE,
			  "cache: cannot create '%s': %s; give --cache-dir DIR or --no-cache",
			  c->dir, strerror(errno));
		goto done;
	}
	if (file_dir_private(c->dir, &why) < 0) {
		error_set(err, ML_EXIT_USAGE,
			  "cache: %s, so anyone could plant or read entries there; make it yours "
			  "and private (chmod 700), give --cache-dir DIR, or --no-cache",
			  why.msg);
		goto done;
	}
	*out = c;
	c = NULL;
	rc = 0;
done:
	error_clear(&why);
	cache_free(c);
	return rc;
}

struct ml_cache *cache_open_quietly(const char *dir)
{
	struct ml_cache *c = NULL;
	struct ml_error ignored = ML_ERROR_INIT;

	if (cache_open(&c, dir, NULL, &ignored) < 0)
		c = NULL;
	error_clear(&ignored);
	return c;
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

/* A number line's value; 0 when valid. */
static int take_number(const char **p, const char *end, const char *name, unsigned long long *out)
{
	char *v = take_line(p, end, name), *stop;
	int rc = -1;

	if (v && *v) {
		*out = strtoull(v, &stop, 10);
		rc = *stop ? -1 : 0;
	}
	free(v);
	return rc;
}

/* Inflate n bytes at p into e->body (raw bytes); 0 when whole. In one
 * call with Z_FINISH (the size is known): zlib then needs no window of its
 * own (uncompress() asks for 32 KB, some fresh pages a run where a page
 * fault is not cheap). */
static int inflate_into(const char *p, size_t n, unsigned long long raw, struct ml_cache_entry *e)
{
	z_stream z;
	int rc;

	if (raw > RAW_MAX || n > RAW_MAX || !(e->body = malloc((size_t)raw + 1)))
		return -1;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)e->body;
	z.avail_out = (uInt)raw;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (rc != Z_STREAM_END || z.total_out != raw || z.avail_in != 0)
		return -1;
	e->body[raw] = '\0';
	e->len = (size_t)raw;
	return 0;
}

/* data deflated into *out (newly allocated, *outlen long): what
 * compress2() writes, with a window and a hash table no larger than the
 * data needs. zlib's defaults take some 256 KB, which for an entry of a
 * few KB are a mapping of fresh pages to fault in, each time. 0, or -1
 * when out of memory. */
static int deflate_new(const char *data, size_t len, Bytef **out, uLongf *outlen)
{
	z_stream z;
	int wbits = 9, rc;

	*out = NULL;
	while (wbits < 15 && (1UL << wbits) < len + 262) /* the window, and zlib's lookahead */
		wbits++;
	memset(&z, 0, sizeof z);
	if (len > RAW_MAX || deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, wbits, wbits - 7,
					  Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	*outlen = deflateBound(&z, (uLong)len);
	if ((*out = malloc(*outlen))) {
		z.next_in = (Bytef *)data;
		z.avail_in = (uInt)len;
		z.next_out = *out;
		z.avail_out = (uInt)*outlen;
	}
	rc = *out ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc == Z_STREAM_END)
		return 0;
	free(*out);
	*out = NULL;
	return -1;
}

/* Parse a whole entry file of either format; 0 when valid. */
static int entry_parse(const char *data, size_t len, const char *url, struct ml_cache_entry *e,
		       int *old)
{
	const char *p = data, *end = data + len;
	char *v = NULL, *kind = NULL, *stop;
	char hex[ML_SHA256_HEX_LEN + 1];
	unsigned long long blen, raw = 0;
	int rc = -1;

	*old = len >= sizeof MAGIC1 - 1 && memcmp(p, MAGIC1, sizeof MAGIC1 - 1) == 0;
	if (!*old && (len < sizeof MAGIC - 1 || memcmp(p, MAGIC, sizeof MAGIC - 1) != 0))
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
	if (!*old) {
		if (!(kind = take_line(&p, end, "kind")) ||
		    (strcmp(kind, "body") != 0 && strcmp(kind, "records") != 0))
			goto done;
		e->records = strcmp(kind, "records") == 0;
	}
	if (take_number(&p, end, "length", &blen) < 0 ||
	    (!*old && take_number(&p, end, "raw", &raw) < 0))
		goto done;
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
	if (*old) {
		if (!(e->body = ml_strndup(p, (size_t)blen)))
			goto done;
		e->len = (size_t)blen;
	} else if (inflate_into(p, (size_t)blen, raw, e) < 0) {
		goto done;
	}
	rc = 0;
done:
	free(v);
	free(kind);
	if (rc < 0)
		cache_entry_release(e);
	return rc;
}

int cache_get(struct ml_cache *c, const char *url, const char *accept, struct ml_cache_entry *e)
{
	struct ml_error err = ML_ERROR_INIT;
	char *path = NULL, *data = NULL;
	size_t len = 0;
	int rc = 0, old = 0;

	*e = (struct ml_cache_entry)ML_CACHE_ENTRY_INIT;
	if (!c || !(path = entry_path(c, url, accept)))
		goto done;
	switch (file_read_own(path, &data, &len, &err)) {
	case 0:
		goto done;
	case -1: /* a FIFO, a symbolic link, another's file: never read, removed */
		progress_note(c->progress, "cache: %s; discarded the entry", err.msg);
		unlink(path);
		goto done;
	}
	if (entry_parse(data, len, url, e, &old) < 0) {
		progress_warn(c->progress, "cache: entry '%s' for %s is corrupt; discarded it",
			      path, url);
		unlink(path);
		goto done;
	}
	if (old && !c->noted_old) {
		c->noted_old = 1;
		progress_note(c->progress,
			      "cache: %s holds entries of an older format; they are read as they "
			      "are and stored compactly when next fetched",
			      c->dir);
	}
	utimensat(AT_FDCWD, path, NULL, 0); /* used now: the last to be trimmed */
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
	Bytef *z = NULL;
	uLongf zlen = 0;
	int rc = -1;

	if (!c)
		return 0;
	if (deflate_new(e->body ? e->body : "", e->len, &z, &zlen) < 0) {
		progress_warn(c->progress, "cache: cannot store %s (out of memory)", url);
		goto done;
	}
	sha256_hex((const char *)z, zlen, hex);
	if (!(path = entry_path(c, url, accept)) || buf_puts(&entry, MAGIC) < 0 ||
	    put_line(&entry, "url", url) < 0 || buf_printf(&entry, "status %ld\n", e->status) < 0 ||
	    put_line(&entry, "etag", e->etag) < 0 || put_line(&entry, "link", e->link) < 0 ||
	    put_line(&entry, "modified", e->modified) < 0 ||
	    buf_printf(&entry, "kind %s\nlength %lu\nraw %zu\nsha256 %s\n\n",
		       e->records ? "records" : "body", (unsigned long)zlen, e->len, hex) < 0 ||
	    buf_add(&entry, z, zlen) < 0) {
		progress_warn(c->progress, "cache: cannot store %s (out of memory or a bad header)",
			      url);
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
	free(z);
	return rc;
}

int cache_put_text(struct ml_cache *c, const char *key, const char *text, size_t len)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;

	e.status = 200;
	e.body = (char *)(text ? text : "");
	e.len = text ? len : 0;
	return cache_put(c, key, "", &e);
}

void cache_set_max(struct ml_cache *c, unsigned long long max_bytes)
{
	if (c)
		c->max_bytes = max_bytes;
}

struct trim_file {
	char name[ML_SHA256_HEX_LEN + 1];
	unsigned long long size;
	struct timespec used;
};

static int cmp_used(const void *a, const void *b)
{
	const struct trim_file *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int is_entry_name(const char *name)
{
	size_t n = strspn(name, "0123456789abcdef");

	return n == ML_SHA256_HEX_LEN && name[n] == '\0';
}

/* Remove the least recently used entries until the rest fit max_bytes. */
static void cache_trim(struct ml_cache *c)
{
	DIR *d = opendir(c->dir);
	struct dirent *de;
	struct trim_file *v = NULL;
	size_t n = 0, cap = 0;
	unsigned long long total = 0;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (!is_entry_name(de->d_name) || fstatat(dirfd(d), de->d_name, &st, 0) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n == cap) {
			struct trim_file *nv = realloc(v, (cap = cap ? 2 * cap : 256) * sizeof *v);

			if (!nv)
				goto done;
			v = nv;
		}
		memcpy(v[n].name, de->d_name, sizeof v[n].name);
		v[n].size = (unsigned long long)st.st_size;
		v[n].used = st.st_mtim;
		total += v[n].size;
		n++;
	}
	if (total <= c->max_bytes)
		goto done;
	qsort(v, n, sizeof *v, cmp_used);
	for (size_t i = 0; i < n && total > c->max_bytes; i++)
		if (unlinkat(dirfd(d), v[i].name, 0) == 0)
			total -= v[i].size;
done:
	free(v);
	closedir(d);
}

void cache_free(struct ml_cache *c)
{
	if (!c)
		return;
	if (c->max_bytes)
		cache_trim(c);
	free(c->dir);
	free(c);
}
