/*
 * feeds.h: "Announcements, News, and Blog Posts" from Atom and RSS 2.0
 * feeds, into the news model (news.h).
 *
 * Feeds are parsed with libxml2, hardened: no network, no DTD loaded, no
 * external entity read (entity references other than the predefined and
 * character ones are dropped from the text), libxml2's default bounds on
 * entity expansion (a "billion laughs" feed is a broken feed). An entry
 * belongs to the range when its date (Atom published, else updated; RSS
 * pubDate, an RFC 822 date, else dc:date) lies in it. Titles are reduced to
 * one line of text (HTML in them to its text, entities decoded once);
 * links are absolute http(s) URLs, percent-encoded so that they can stand
 * in a markdown link as they are.
 *
 * Feeds are fetched on the HTTP engine concurrently with everything else,
 * never with the GitHub token, bounded in size and time, conditionally
 * (ETag, Last-Modified). A feed that cannot be fetched or parsed costs its
 * own entries only: a warning, and a failure note in the model. A post
 * that two feeds carry (a blog's Atom and RSS) is listed once.
 *
 * struct ml_feeds_fetch is caller-owned; feeds_fetch_release() frees what
 * feeds_fetch_start() allocated.
 */
#ifndef MERGELETTER_FEEDS_H
#define MERGELETTER_FEEDS_H

#include "mergeletter/model/config.h"
#include "mergeletter/model/news.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"
#include <stddef.h>
#include <stdint.h>

struct ml_error;
struct ml_http;
struct ml_progress;
struct feed_req; /* private */

#define FEEDS_MAX_BYTES (8u << 20) /* a feed's body at most */

/* Parse one feed, appending its entries in range to n (offer marks them).
 * base_url resolves relative links. 0, or -1 with err set (broken feed). */
int feeds_parse(const char *body, size_t len, const char *base_url, const struct ml_range *range,
		int offer, struct ml_news *n, struct ml_error *err);
struct ml_feeds_fetch {
	struct ml_http *http;	       /* borrowed */
	struct ml_progress *progress;  /* borrowed, may be NULL */
	const struct ml_news_cfg *cfg; /* borrowed */
	const struct ml_range *range;  /* borrowed */
	/* owned */
	struct feed_req *reqs;
	size_t nreqs;
};

/* Queue every feed; http_run() drives them. */
int feeds_fetch_start(struct ml_feeds_fetch *ff, struct ml_error *err);
/* After http_run(): the entries, sorted, and the failures into out. */
int feeds_fetch_finish(struct ml_feeds_fetch *ff, struct ml_news *out, struct ml_error *err);
void feeds_fetch_release(struct ml_feeds_fetch *ff);

#endif
