/*
 * news.h: the news model: the "Announcements, News, and Blog Posts" part
 * of a draft, as the feeds fill it and the emitters read it.
 *
 * struct ml_news owns everything in it; news_release() empties it.
 */
#ifndef MERGELETTER_NEWS_H
#define MERGELETTER_NEWS_H

#include "mergeletter/util/str.h"
#include <stddef.h>
#include <stdint.h>

struct ml_news_entry {
	char *title;  /* one line of text, not yet escaped */
	char *link;   /* absolute http(s), safe as a markdown link destination */
	int64_t date; /* seconds since the epoch, UTC */
	int offer;    /* the feed is "offer": list the entry in a comment */
};

struct ml_news {
	char *heading;		       /* NULL: no news part configured */
	struct ml_news_entry *entries; /* date order once sorted */
	size_t nentries;
	struct ml_strv failures; /* "URL: not fetched: why", config order */
};

/* Append an entry; title and link are taken over (freed on failure too).
 * 0, or -1 when out of memory. */
int news_add(struct ml_news *n, char *title, char *link, int64_t date, int offer);
/* Move from's entries to the end of into, but once per page: an entry
 * whose link an entry of into already has (equal but for a trailing '/':
 * the same post in two feeds, or twice in one) is dropped, and the one kept
 * is listed rather than offered when either was. from keeps only its
 * failures. 0, or -1 when out of memory (from is left to release). */
int news_merge(struct ml_news *into, struct ml_news *from);
/* Stable sort by date (oldest first). */
void news_sort(struct ml_news *n);
void news_release(struct ml_news *n);

#endif
