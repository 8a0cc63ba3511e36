/* test_cache.c: SHA-256 vectors and the on-disk ETag cache. */
#define _XOPEN_SOURCE 700 /* nftw, in tmptree.h */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/sha256.h"
#include "testutil.h"
#include "tmptree.h"

static char dir[] = "/tmp/ml-cache-test-XXXXXX";
static struct ml_progress progress;

static void vectors(void)
{
	char hex[65], *big = malloc(1000000);
	struct ml_sha256 s;
	unsigned char d[32];

	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', 1000000);
	sha256_hex(big, 1000000, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* in uneven pieces: the same digest */
	sha256_init(&s);
	for (size_t i = 0; i < 1000000;) {
		size_t n = (i * 7 + 13) % 131 + 1;

		n = n > 1000000 - i ? 1000000 - i : n;
		sha256_update(&s, big + i, n);
		i += n;
	}
	sha256_final(&s, d);
	CHECK(d[0] == 0xcd && d[31] == 0xd0);
	free(big);
}

static size_t count_files(void)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (dp && (e = readdir(dp)))
		n += e->d_name[0] != '.';
	if (dp)
		closedir(dp);
	return n;
}

static void clear_dir(void)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[512];

	while (dp && (e = readdir(dp)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (dp)
		closedir(dp);
}

/* The one entry file in dir (the test keeps only one), or "" */
static void only_file(char *out, size_t n)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	out[0] = '\0';
	while (dp && (e = readdir(dp)))
		if (e->d_name[0] != '.')
			snprintf(out, n, "%s/%s", dir, e->d_name);
	if (dp)
		closedir(dp);
}

static void roundtrip(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL, *other = NULL;
	struct ml_cache_entry in = {200, "W/\"abc\"", "<http://x/?page=2>; rel=\"next\"", "[1,2,3]",
				    7,	 0,	      "Wed, 02 Aug 2023 10:00:00 GMT"};
	struct ml_cache_entry out = ML_CACHE_ENTRY_INIT;
	const char *url = "http://127.0.0.1:1/repos/o/r/pulls?per_page=100";

	clear_dir();

	CHECK(cache_open(&c, dir, &progress, &err) == 0);
	CHECK(cache_get(c, url, "application/json", &out) == 0);
	CHECK(cache_put(c, url, "application/json", &in) == 0);
	CHECK(count_files() == 1);
	CHECK(cache_get(c, url, "application/json", &out) == 1);
	CHECK(out.status == 200 && out.len == 7);
	CHECK_STR(out.etag, "W/\"abc\"");
	CHECK_STR(out.link, "<http://x/?page=2>; rel=\"next\"");
	CHECK_STR(out.body, "[1,2,3]");
	CHECK_STR(out.modified, "Wed, 02 Aug 2023 10:00:00 GMT");
	cache_entry_release(&out);
	/* another Accept: another key; another run (whatever its token): the
	 * same key, for the server to confirm with If-None-Match */
	CHECK(cache_get(c, url, "text/plain", &out) == 0);
	CHECK(cache_open(&other, dir, &progress, &err) == 0);
	CHECK(cache_get(other, url, "application/json", &out) == 1);
	CHECK_STR(out.body, "[1,2,3]");
	cache_entry_release(&out);
	cache_free(other);
	/* no etag, no link: still stored (for --offline) */
	in.etag = NULL;
	in.link = NULL;
	in.modified = NULL;
	CHECK(cache_put(c, url, "application/json", &in) == 0);
	CHECK(cache_get(c, url, "application/json", &out) == 1);
	CHECK(out.etag == NULL && out.link == NULL && out.modified == NULL);
	cache_entry_release(&out);
	CHECK(count_files() == 1); /* replaced, and no temporary file left */
	/* text of our own: a 200 under its key with no Accept; NULL is empty */
	CHECK(cache_put_text(c, "mergeletter-test:text", "a\nb\n", 4) == 0);
	CHECK(cache_get(c, "mergeletter-test:text", "", &out) == 1);
	CHECK(out.status == 200 && out.len == 4 && out.etag == NULL);
	CHECK_STR(out.body, "a\nb\n");
	cache_entry_release(&out);
	CHECK(cache_put_text(c, "mergeletter-test:text", NULL, 9) == 0);
	CHECK(cache_get(c, "mergeletter-test:text", "", &out) == 1);
	CHECK(out.len == 0 && out.body && !*out.body);
	cache_entry_release(&out);
	CHECK(cache_put_text(NULL, "mergeletter-test:text", "x", 1) == 0);
	cache_free(c);
	error_clear(&err);
}

/* Entries may hold private repositories' data: files 0600, and a
 * directory the cache creates is 0700, whatever the umask. */
static void private_files(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_cache_entry in = {200, NULL, NULL, "{}", 2, 0, NULL};
	char path[512], sub[512];
	struct stat st;
	mode_t old = umask(0);

	clear_dir();
	CHECK(cache_open(&c, dir, &progress, &err) == 0);
	CHECK(cache_put(c, "http://h/y", "a", &in) == 0);
	only_file(path, sizeof path);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	cache_free(c);
	clear_dir();
	snprintf(sub, sizeof sub, "%s/a/b", dir);
	CHECK(cache_open(&c, sub, &progress, &err) == 0);
	CHECK(stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);
	snprintf(path, sizeof path, "%s/a", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700);
	cache_free(c);
	umask(old);
	CHECK(rmdir(sub) == 0 && rmdir(path) == 0);
	error_clear(&err);
}

/* Damage the entry in every way a killed run or a disk could; each read
 * must be a miss that removes the file, never a wrong body. */
static void corrupt_entries(void)
{
	static const char *const how[] = {"truncate", "flip", "magic", "length", "append", "empty"};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_cache_entry in = {200, "\"e\"", NULL, "{\"a\":1}", 7, 0, NULL};
	struct ml_cache_entry out = ML_CACHE_ENTRY_INIT;
	char path[512];
	FILE *log = tmpfile();
	struct ml_progress p;

	clear_dir();

	progress_init(&p, log, 0, 0);
	CHECK(cache_open(&c, dir, &p, &err) == 0);
	for (size_t i = 0; i < sizeof how / sizeof *how; i++) {
		char *data = NULL;
		size_t len = 0;
		FILE *fp;

		CHECK(cache_put(c, "http://h/y", "a", &in) == 0);
		only_file(path, sizeof path);
		CHECK(file_read(path, &data, &len, &err) == 0);
		fp = fopen(path, "wb");
		if (strcmp(how[i], "truncate") == 0)
			fwrite(data, 1, len - 3, fp);
		else if (strcmp(how[i], "flip") == 0) {
			data[len - 2] ^= 0x20;
			fwrite(data, 1, len, fp);
		} else if (strcmp(how[i], "magic") == 0) {
			data[0] = 'X';
			fwrite(data, 1, len, fp);
		} else if (strcmp(how[i], "length") == 0) {
			char *l = strstr(data, "length ") + 7;

			*l = *l == '9' ? '8' : (char)(*l + 1); /* the data is not that long */
			fwrite(data, 1, len, fp);
		} else if (strcmp(how[i], "append") == 0) {
			fwrite(data, 1, len, fp);
			fputs("junk", fp);
		}
		fclose(fp);
		free(data);
		CHECK(cache_get(c, "http://h/y", "a", &out) == 0);
		CHECK(out.body == NULL);
		CHECK(count_files() == 0);
	}
	{
		char text[4096];
		size_t n;

		rewind(log);
		n = fread(text, 1, sizeof text - 1, log);
		text[n] = '\0';
		CHECK(strstr(text, "warning: cache: entry") != NULL);
		CHECK(strstr(text, "corrupt; discarded it") != NULL);
	}
	fclose(log);
	cache_free(c);
	error_clear(&err);
}

/* A format-1 entry (whole body, not deflated) is read, with one note. */
static void old_format_is_read(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_cache_entry in = {200, "\"e\"", NULL, "[1]", 3, 0, NULL};
	struct ml_cache_entry out = ML_CACHE_ENTRY_INIT;
	char path[512], text[2048];
	FILE *log = tmpfile(), *fp;
	struct ml_progress p;
	size_t n;

	clear_dir();
	progress_init(&p, log, 0, 0);
	CHECK(cache_open(&c, dir, &p, &err) == 0);
	CHECK(cache_put(c, "http://h/old", "a", &in) == 0);
	only_file(path, sizeof path);
	fp = fopen(path, "wb");
	/* sha256("[1]") */
	fputs("mergeletter-cache 1\nurl http://h/old\nstatus 200\netag \"e\"\nlength 3\n"
	      "sha256 3ba27c2a6f6bb2d7d7d0cd6b6c1e6a9b4e6fbbd1b2bd56f1cb95df9bbd2d2a2f\n\n[1]",
	      fp);
	fclose(fp);
	CHECK(cache_get(c, "http://h/old", "a", &out) == 0); /* a wrong checksum: discarded */
	CHECK(count_files() == 0);
	{
		char hex[ML_SHA256_HEX_LEN + 1];

		sha256_hex("[1]", 3, hex);
		fp = fopen(path, "wb");
		fprintf(fp,
			"mergeletter-cache 1\nurl http://h/old\nstatus 200\netag \"e\"\nlength 3\n"
			"sha256 %s\n\n[1]",
			hex);
		fclose(fp);
	}
	CHECK(cache_get(c, "http://h/old", "a", &out) == 1);
	CHECK_STR(out.body, "[1]");
	CHECK(out.len == 3 && !out.records);
	cache_entry_release(&out);
	CHECK(cache_get(c, "http://h/old", "a", &out) == 1);
	cache_entry_release(&out);
	rewind(log);
	n = fread(text, 1, sizeof text - 1, log);
	text[n] = '\0';
	CHECK(strstr(text, "note: cache: ") != NULL && strstr(text, "older format") != NULL);
	CHECK(strstr(strstr(text, "older format") + 1, "older format") == NULL); /* once */
	fclose(log);
	cache_free(c);
	error_clear(&err);
}

/* Records (binary, with NULs) round-trip; what is stored is deflated. */
static void records_and_compression(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	static char big[20000];
	struct ml_cache_entry in = {200, NULL, NULL, NULL, 0, 1, NULL};
	struct ml_cache_entry out = ML_CACHE_ENTRY_INIT;
	char path[512];
	struct stat st;

	clear_dir();
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = i % 7 == 0 ? '\0' : (char)('a' + i % 5);
	in.body = big;
	in.len = sizeof big;
	CHECK(cache_open(&c, dir, &progress, &err) == 0);
	CHECK(cache_put(c, "http://h/r", "a", &in) == 0);
	CHECK(cache_get(c, "http://h/r", "a", &out) == 1);
	CHECK(out.records == 1 && out.len == sizeof big && memcmp(out.body, big, sizeof big) == 0);
	cache_entry_release(&out);
	only_file(path, sizeof path);
	CHECK(stat(path, &st) == 0 && st.st_size < 2000);
	/* the window and hash sized to the data: every size reads back, the
	 * empty body and data that does not compress included */
	static const size_t sizes[] = {0, 1, 250, 262, 263, 5000, 70000};
	static char noise[70000];
	unsigned x = 1;

	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (char)((x = x * 1103515245u + 12345u) >> 16);
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++)
		for (int kind = 0; kind < 2; kind++) {
			in.body = kind ? noise : big;
			in.len = sizes[k] < sizeof big || kind ? sizes[k] : sizeof big;
			CHECK(cache_put(c, "http://h/r", "a", &in) == 0);
			CHECK(cache_get(c, "http://h/r", "a", &out) == 1);
			CHECK(out.len == in.len && out.body &&
			      memcmp(out.body, in.body, in.len) == 0);
			cache_entry_release(&out);
		}
	cache_free(c);
	error_clear(&err);
}

/* Entries written just now get a last use of `second` seconds after the
 * epoch (earlier ones were given theirs already): the order of use is set,
 * not waited for, whatever the clock's granularity. */
static void set_last_use_of_new(time_t second)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char path[512];
	struct stat st;

	while (dp && (e = readdir(dp)))
		if (e->d_name[0] != '.') {
			struct timespec when[2] = {{second, 0}, {second, 0}};

			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (stat(path, &st) == 0 && st.st_mtime > 1000000)
				CHECK(utimensat(AT_FDCWD, path, when, 0) == 0);
		}
	if (dp)
		closedir(dp);
}

/* Past the bound, the least recently used entries go first. */
static void trim_least_recently_used(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_cache_entry in = {200, NULL, NULL, "x", 1, 0, NULL};
	struct ml_cache_entry out = ML_CACHE_ENTRY_INIT;
	struct stat st;
	char path[512];
	unsigned long long one;
	const char *urls[] = {"http://h/1", "http://h/2", "http://h/3", "http://h/4"};

	clear_dir();
	CHECK(cache_open(&c, dir, &progress, &err) == 0);
	CHECK(cache_put(c, urls[0], "a", &in) == 0);
	only_file(path, sizeof path);
	CHECK(stat(path, &st) == 0);
	one = (unsigned long long)st.st_size;
	set_last_use_of_new(1000);
	for (int i = 1; i < 4; i++) {
		CHECK(cache_put(c, urls[i], "a", &in) == 0);
		set_last_use_of_new(1000 + i);
	}
	CHECK(cache_get(c, urls[0], "a", &out) == 1); /* the oldest, used again: now */
	cache_entry_release(&out);
	cache_set_max(c, 2 * one + one / 2);
	cache_free(c);
	CHECK(count_files() == 2);
	CHECK(cache_open(&c, dir, &progress, &err) == 0);
	CHECK(cache_get(c, urls[0], "a", &out) == 1);
	cache_entry_release(&out);
	CHECK(cache_get(c, urls[3], "a", &out) == 1);
	cache_entry_release(&out);
	CHECK(cache_get(c, urls[1], "a", &out) == 0);
	CHECK(cache_get(c, urls[2], "a", &out) == 0);
	cache_free(c);
	error_clear(&err);
}

static void default_dir(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_buf want = ML_BUF_INIT;

	buf_printf(&want, "%s/xdg/mergeletter", dir);
	{
		struct ml_buf xdg = ML_BUF_INIT;

		buf_printf(&xdg, "%s/xdg", dir);
		setenv("XDG_CACHE_HOME", xdg.data, 1);
		buf_release(&xdg);
	}
	CHECK(cache_open(&c, NULL, &progress, &err) == 0);
	CHECK_STR(cache_path(c), want.data);
	cache_free(c);
	buf_reset(&want);
	setenv("XDG_CACHE_HOME", "relative/ignored", 1);
	setenv("HOME", dir, 1);
	buf_printf(&want, "%s/.cache/mergeletter", dir);
	CHECK(cache_open(&c, NULL, &progress, &err) == 0);
	CHECK_STR(cache_path(c), want.data);
	cache_free(c);
	buf_release(&want);
	error_clear(&err);
}

/* A FIFO, a symbolic link or a directory at an entry's place is never
 * opened for reading as an entry (a FIFO would block the run for ever):
 * a miss, with a note, and the thing removed. */
static void hostile_entries(void)
{
	static const char *const what[] = {"fifo", "symlink", "dir"};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	struct ml_cache_entry in = {200, "\"e\"", NULL, "{\"a\":1}", 7, 0, NULL};
	struct ml_cache_entry out = ML_CACHE_ENTRY_INIT;
	char path[512], target[600], text[4096];
	FILE *log = tmpfile();
	struct ml_progress p;
	size_t n;

	clear_dir();
	progress_init(&p, log, 0, 0);
	CHECK(cache_open(&c, dir, &p, &err) == 0);
	for (size_t i = 0; i < sizeof what / sizeof *what; i++) {
		time_t t0 = time(NULL);

		CHECK(cache_put(c, "http://h/f", "a", &in) == 0);
		only_file(path, sizeof path);
		snprintf(target, sizeof target, "%s.real", path);
		CHECK(rename(path, target) == 0);
		if (strcmp(what[i], "fifo") == 0)
			CHECK(mkfifo(path, 0600) == 0);
		else if (strcmp(what[i], "symlink") == 0)
			CHECK(symlink(target, path) == 0);
		else
			CHECK(mkdir(path, 0700) == 0);
		CHECK(cache_get(c, "http://h/f", "a", &out) == 0);
		CHECK(out.body == NULL);
		CHECK(time(NULL) - t0 < 5);
		if (strcmp(what[i], "dir") == 0)
			rmdir(path);
		else
			CHECK(access(path, F_OK) != 0); /* removed: the symlink, not its target */
		CHECK(access(target, F_OK) == 0);
		unlink(target);
	}
	rewind(log);
	n = fread(text, 1, sizeof text - 1, log);
	text[n] = '\0';
	CHECK(strstr(text, "is not a regular file; discarded the entry") != NULL);
	CHECK(strstr(text, "is a symbolic link; discarded the entry") != NULL);
	fclose(log);
	cache_free(c);
	error_clear(&err);
}

/* A cache directory that is world-writable, or a symbolic link to one, or
 * owned by someone else (/tmp is root's), is refused, naming the way out. */
static void hostile_dir(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_cache *c = NULL;
	char open_dir[512], link[512];

	snprintf(open_dir, sizeof open_dir, "%s/open", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	CHECK(mkdir(open_dir, 0700) == 0 && chmod(open_dir, 0777) == 0);
	CHECK(symlink(open_dir, link) == 0);
	CHECK(cache_open(&c, open_dir, &progress, &err) < 0 && c == NULL);
	CHECK(err.exit_code == ML_EXIT_USAGE && err.msg && strstr(err.msg, "world-writable") &&
	      strstr(err.msg, "--no-cache") && strstr(err.msg, "--cache-dir"));
	error_clear(&err);
	CHECK(cache_open(&c, link, &progress, &err) < 0 && c == NULL);
	CHECK(err.msg && strstr(err.msg, "world-writable"));
	error_clear(&err);
	CHECK(cache_open(&c, "/tmp", &progress, &err) < 0 && c == NULL);
	CHECK(err.msg && (geteuid() == 0 || strstr(err.msg, "owned by someone else")));
	error_clear(&err);
	CHECK(chmod(open_dir, 0700) == 0);
	CHECK(cache_open(&c, link, &progress, &err) == 0 && c != NULL);
	cache_free(c);
	unlink(link);
	rmdir(open_dir);
	error_clear(&err);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	progress_init(&progress, stderr, 0, 0);
	RUN(vectors);
	RUN(roundtrip);
	RUN(private_files);
	RUN(corrupt_entries);
	RUN(old_format_is_read);
	RUN(records_and_compression);
	RUN(trim_least_recently_used);
	RUN(default_dir);
	RUN(hostile_entries);
	RUN(hostile_dir);
	if (tt_rmtree(dir) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return DONE();
}
