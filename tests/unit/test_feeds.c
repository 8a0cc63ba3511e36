/* test_feeds.c: the Atom and RSS parser, its hardening, and the news order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mergeletter/feeds/feeds.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "testutil.h"

static struct ml_range aug;

static int parse(const char *xml, struct ml_news *n, struct ml_error *err)
{
	memset(n, 0, sizeof *n);
	return feeds_parse(xml, strlen(xml), "https://blog.example/feed.xml", &aug, 0, n, err);
}

static void atom(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n;
	const char *xml =
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://blog.example/\">\n"
	    "<title>Blog</title>\n"
	    "<entry><title>Late</title><link href=\"/late\"/>"
	    "<published>2023-08-31T23:59:59Z</published><updated>2023-09-02T00:00:00Z</updated></"
	    "entry>\n"
	    "<entry><title type=\"html\">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co</title>"
	    "<link rel=\"self\" href=\"https://x.example/self\"/><link rel=\"alternate\" "
	    "href=\"posts/a b(1)\"/>"
	    "<updated>2023-08-02T10:00:00+02:00</updated></entry>\n"
	    "<entry><title>Text &amp;lt;kept&amp;gt;</title><link href=\"javascript:alert(1)\"/>"
	    "<published>2023-08-03T00:00:00Z</published></entry>\n"
	    "<entry><title>September</title><link "
	    "href=\"/sep\"/><published>2023-09-01T00:00:00Z</published></entry>\n"
	    "<entry><title>July</title><link "
	    "href=\"/jul\"/><published>2023-07-31T23:59:59Z</published></entry>\n"
	    "<entry><title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">An "
	    "<em>xhtml</em> title</div></title>"
	    "<link "
	    "href=\"https://other.example/x\"/><published>2023-08-10T00:00:00Z</published></"
	    "entry>\n"
	    "</feed>\n";

	CHECK(parse(xml, &n, &err) == 0);
	CHECK(n.nentries == 3);
	news_sort(&n);
	if (n.nentries == 3) {
		CHECK_STR(n.entries[0].title, "Bold & co");
		CHECK_STR(n.entries[0].link, "https://blog.example/posts/a%20b%281%29");
		CHECK_STR(n.entries[1].title, "An xhtml title");
		CHECK_STR(n.entries[1].link, "https://other.example/x");
		CHECK_STR(n.entries[2].title, "Late");
		CHECK_STR(n.entries[2].link, "https://blog.example/late");
	}
	news_release(&n);
	error_clear(&err);
}

static void rss(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n;
	const char *xml =
	    "<?xml version=\"1.0\"?>\n"
	    "<rss version=\"2.0\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>News</title>\n"
	    "<item><title>Second &amp;amp; "
	    "&lt;i&gt;it&lt;/i&gt;</title><link>https://news.example/2</link>"
	    "<pubDate>Tue, 15 Aug 2023 12:00:00 GMT</pubDate></item>\n"
	    "<item><title>First</title><guid>https://news.example/1</guid>"
	    "<pubDate>Tue, 01 Aug 2023 01:00:00 +0200</pubDate></item>\n"
	    "<item><title>Zone</title><link>https://news.example/z</link>"
	    "<pubDate>Thu, 31 Aug 2023 23:30:00 -0100</pubDate></item>\n"
	    "<item><title>Dc</title><link>https://news.example/dc</"
	    "link><dc:date>2023-08-20T00:00:00Z</dc:date></item>\n"
	    "<item><title>No date</title><link>https://news.example/nd</link></item>\n"
	    "<item><title>Bad link</title><link>file:///etc/passwd</link><pubDate>Tue, 15 Aug 2023 "
	    "12:00:00 GMT</pubDate></item>\n"
	    "<item><title>Not permalink</title><guid "
	    "isPermaLink=\"false\">https://news.example/np</guid>"
	    "<pubDate>Tue, 15 Aug 2023 12:00:00 GMT</pubDate></item>\n"
	    "</channel></rss>\n";

	CHECK(parse(xml, &n, &err) == 0);
	news_sort(&n);
	CHECK(n.nentries == 2);
	if (n.nentries == 2) {
		/* 2023-07-31T23:00Z (first) and 2023-09-01T00:30Z (zone) are out */
		CHECK_STR(n.entries[0].title, "Second & it");
		CHECK_STR(n.entries[1].title, "Dc");
	}
	news_release(&n);
	error_clear(&err);
}

static void broken(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n;

	CHECK(parse("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>", &n, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "not parsed: line") != NULL);
	news_release(&n);
	error_clear(&err);
	CHECK(parse("<html><body>hi</body></html>", &n, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "neither an Atom feed nor RSS 2.0") != NULL);
	news_release(&n);
	error_clear(&err);
}

/* An external entity naming a local file never reaches the entries. */
static void external_entity(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n;
	char path[] = "/tmp/ml-feeds-secret-XXXXXX", xml[2048];
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("SECRET-CONTENT", f);
	fclose(f);
	snprintf(xml, sizeof xml,
		 "<?xml version=\"1.0\"?>\n"
		 "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file://%s\"><!ENTITY %% pe SYSTEM "
		 "\"file://%s\">]>\n"
		 "<rss version=\"2.0\"><channel><item><title>Leak &xxe; here</title>"
		 "<link>https://x.example/&xxe;</link><pubDate>Tue, 15 Aug 2023 12:00:00 "
		 "GMT</pubDate></item>"
		 "</channel></rss>\n",
		 path, path);
	CHECK(parse(xml, &n, &err) == 0);
	CHECK(n.nentries == 1);
	if (n.nentries == 1) {
		CHECK_STR(n.entries[0].title, "Leak here");
		CHECK_STR(n.entries[0].link, "https://x.example/");
	}
	news_release(&n);
	error_clear(&err);
	remove(path);
}

/* Nested entity expansion is a broken feed, found quickly. */
static void billion_laughs(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n;
	const char *xml =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY a "
	    "\"lollollollollollollollollollol\">\n"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c "
	    "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
	    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY e "
	    "\"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
	    "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n<!ENTITY g "
	    "\"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
	    "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n<!ENTITY i "
	    "\"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
	    "<!ENTITY j \"&i;&i;&i;&i;&i;&i;&i;&i;&i;&i;\">\n]>\n"
	    "<rss version=\"2.0\"><channel><item><title>&j;</title><link>https://x.example/</link>"
	    "<pubDate>Tue, 15 Aug 2023 12:00:00 GMT</pubDate></item></channel></rss>\n";
	clock_t t0 = clock();

	CHECK(parse(xml, &n, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "not parsed") != NULL);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	for (size_t i = 0; i < n.nentries; i++)
		CHECK(strlen(n.entries[i].title) < 100000);
	news_release(&n);
	error_clear(&err);
}

/* A title from a feed is one line of text: whitespace runs (tab, newline)
 * become one space, control characters (C0, C1, bidi) go. */
static void one_line_titles(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news n;
	const char *xml =
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
	    "<entry><title>\n  Two\tlines&#10;and &#x9B;31mcolour&#x202E;  </title>"
	    "<link href=\"https://x.example/a\"/>"
	    "<published>2023-08-05T10:00:00Z</published></entry>"
	    "<entry><title type=\"html\">&lt;p&gt;An&lt;br&gt;\nHTML&amp;#9;title&lt;/p&gt;"
	    "</title><link href=\"https://x.example/b\"/>"
	    "<published>2023-08-06T10:00:00Z</published></entry></feed>";

	CHECK(parse(xml, &n, &err) == 0);
	CHECK(n.nentries == 2);
	if (n.nentries == 2) {
		CHECK_STR(n.entries[0].title, "Two lines and 31mcolour");
		CHECK_STR(n.entries[1].title, "An HTML title");
	}
	news_release(&n);
	error_clear(&err);
}

/* A blog's Atom and RSS feeds carry the same post: it is listed once. */
static void same_post_in_two_feeds(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_news atom_part, rss_part, all;
	const char *a = "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
			"<entry><title>Post</title><link href=\"https://blog.example/post/\"/>"
			"<published>2023-08-03T00:00:00Z</published></entry>"
			"<entry><title>Only here</title><link href=\"https://blog.example/a\"/>"
			"<published>2023-08-04T00:00:00Z</published></entry></feed>";
	const char *r = "<rss version=\"2.0\"><channel>"
			"<item><title>Post (RSS)</title><link>https://blog.example/post</link>"
			"<pubDate>Thu, 03 Aug 2023 00:00:00 GMT</pubDate></item>"
			"<item><title>Post again</title><link>https://blog.example/post</link>"
			"<pubDate>Thu, 03 Aug 2023 00:00:00 GMT</pubDate></item>"
			"<item><title>Other</title><link>https://blog.example/b</link>"
			"<pubDate>Fri, 04 Aug 2023 00:00:00 GMT</pubDate></item></channel></rss>";

	memset(&atom_part, 0, sizeof atom_part);
	memset(&rss_part, 0, sizeof rss_part);
	memset(&all, 0, sizeof all);
	CHECK(feeds_parse(a, strlen(a), "https://blog.example/atom.xml", &aug, 1, &atom_part,
			  &err) == 0);
	CHECK(feeds_parse(r, strlen(r), "https://blog.example/rss.xml", &aug, 0, &rss_part, &err) ==
	      0);
	CHECK(news_merge(&all, &atom_part) == 0 && news_merge(&all, &rss_part) == 0);
	CHECK(all.nentries == 3);
	if (all.nentries == 3) {
		/* the first feed's entry stays, listed since the RSS one is */
		CHECK_STR(all.entries[0].title, "Post");
		CHECK(all.entries[0].offer == 0);
		CHECK_STR(all.entries[1].title, "Only here");
		CHECK(all.entries[1].offer == 1);
		CHECK_STR(all.entries[2].title, "Other");
	}
	news_release(&atom_part);
	news_release(&rss_part);
	news_release(&all);
	error_clear(&err);
}

int main(void)
{
	struct ml_error err = ML_ERROR_INIT;

	if (range_from_month(&aug, "2023-08", &err) < 0)
		return 1;
	RUN(atom);
	RUN(rss);
	RUN(broken);
	RUN(external_entity);
	RUN(billion_laughs);
	RUN(same_post_in_two_feeds);
	RUN(one_line_titles);
	return DONE();
}
