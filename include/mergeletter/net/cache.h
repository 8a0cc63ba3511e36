/*
 * cache.h: the on-disk response cache for conditional requests.
 *
 * One file per response, named by the SHA-256 of (URL, Accept): keyed by
 * the request alone, so that runs with different tokens (each CI run gets
 * a new GITHUB_TOKEN) share the entries. The server decides: a stored
 * body is used only when GitHub answers the If-None-Match of its ETag
 * with 304, which means the body is the same for the token that asked
 * (only --offline reads entries without asking). The token is never
 * stored; the entries stay private (files 0600 in a directory created
 * 0700), since they may hold private repositories' data. An entry holds
 * the status, ETag, Last-Modified, Link and either the body or the records
 * a callback made of it (records.h), deflated with zlib, with their length
 * and checksum; it is written to a temporary file and renamed into place,
 * so a killed run leaves either the old entry or the new one. A corrupt
 * entry is reported through the progress facility, removed, and treated as
 * a miss. Entries of the previous format (whole bodies, not deflated) are
 * read as they are, with one note a run. The cache holds at most
 * cache_set_max() bytes: a hit marks its entry used, and cache_free()
 * removes the least recently used entries past the bound.
 *
 * cache_open() returns a struct ml_cache that cache_free() releases.
 * cache_get() fills a caller-owned entry whose strings cache_entry_release()
 * frees; cache_put() copies what it needs.
 */
#ifndef MERGELETTER_CACHE_H
#define MERGELETTER_CACHE_H

#include <stddef.h>

struct ml_error;
struct ml_progress;
struct ml_cache;

struct ml_cache_entry {
	long status;
	char *etag; /* NULL when the response had none */
	char *link; /* NULL when the response had none */
	char *body; /* NUL-terminated */
	size_t len;
	int records;	/* body holds a page's records (records.h), not the response body */
	char *modified; /* Last-Modified, NULL when the response had none */
};

#define ML_CACHE_ENTRY_INIT                                                                        \
	{                                                                                          \
		0, NULL, NULL, NULL, 0, 0, NULL                                                    \
	}
#define ML_CACHE_DEFAULT_MAX_MB 200

/* dir NULL: $XDG_CACHE_HOME/mergeletter, else $HOME/.cache/mergeletter.
 * The directory is created (mode 0700) when missing.
 * progress (borrowed, may be NULL) receives the warnings. */
int cache_open(struct ml_cache **out, const char *dir, struct ml_progress *progress,
	       struct ml_error *err);
/* The cache of dir for a reader that can do without one (a clone's reads
 * kept between runs): NULL when it cannot be opened, and nothing said, as
 * a run without it is only slower. */
struct ml_cache *cache_open_quietly(const char *dir);
const char *cache_path(const struct ml_cache *c);
/* 1 and *e filled on a hit; 0 on a miss (or a corrupt entry, removed). */
int cache_get(struct ml_cache *c, const char *url, const char *accept, struct ml_cache_entry *e);
/* Store a response; 0, or -1 after a warning (the run goes on). */
int cache_put(struct ml_cache *c, const char *url, const char *accept,
	      const struct ml_cache_entry *e);
/* Keep text of our own (not a response) under key: cache_put() of a 200
 * with no Accept. c NULL: nothing kept. 0, or -1 after a warning. */
int cache_put_text(struct ml_cache *c, const char *key, const char *text, size_t len);
void cache_entry_release(struct ml_cache_entry *e);
/* The bound on the entries' total size (bytes; 0: none), kept at cache_free(). */
void cache_set_max(struct ml_cache *c, unsigned long long max_bytes);
void cache_free(struct ml_cache *c);

#endif
