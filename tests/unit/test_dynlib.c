/* test_dynlib.c: libcurl and libxml2 are loaded only when a run first
 * needs them (util/libcurl.h, feeds/libxml.h): the network engine loads
 * libcurl, a feed's parse libxml2, and the forwarders hand each argument
 * type through. (test_run checks that a month from a clone leaves both
 * unloaded.) */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "mergeletter/feeds/feeds.h"
#include "mergeletter/model/news.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/libcurl.h"
#include "mergeletter/util/range.h"
#include "testutil.h"

/* 1 when the process has the library mapped (RTLD_NOLOAD never loads it). */
static int is_loaded(const char *soname)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_NOLOAD);

	if (h)
		dlclose(h); /* the reference NOLOAD took */
	return h != NULL;
}

/* The network engine loads libcurl, initialised, before its first call. */
static void network_engine_loads_libcurl(void)
{
	struct ml_http_opts opts = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http *h = NULL;

	CHECK(!is_loaded("libcurl.so.4"));
	CHECK(http_new(&h, &opts, &err) == 0);
	CHECK(err.msg == NULL);
	CHECK(is_loaded("libcurl.so.4"));
	http_free(h);
	CHECK(libcurl_load(&err) == 0);
	error_clear(&err);
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* Each of setopt's argument types, and getinfo's pointer, reach libcurl. */
static void forwarders_pass_each_type(void)
{
	CURL *c = curl_easy_init();
	char *back = NULL, *part = NULL;
	static char mine[] = "mine";
	CURLU *u = curl_url();

	CHECK(c != NULL);
	CHECK(curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L) == CURLE_OK);
	CHECK(curl_easy_setopt(c, CURLOPT_TIMEOUT, -1L) == CURLE_BAD_FUNCTION_ARGUMENT);
	CHECK(curl_easy_setopt(c, CURLOPT_PRIVATE, mine) == CURLE_OK);
	CHECK(curl_easy_getinfo(c, CURLINFO_PRIVATE, &back) == CURLE_OK);
	CHECK(back == mine);
	CHECK(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard) == CURLE_OK);
	CHECK(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)1 << 40) == CURLE_OK);
	CHECK(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)-1) ==
	      CURLE_BAD_FUNCTION_ARGUMENT);
	curl_easy_cleanup(c);

	CHECK(u && curl_url_set(u, CURLUPART_URL, "https://example.com:8443/a?b", 0) == CURLUE_OK);
	CHECK(u && curl_url_get(u, CURLUPART_PORT, &part, 0) == CURLUE_OK);
	CHECK_STR(part, "8443");
	curl_free(part);
	curl_url_cleanup(u);
	CHECK(curl_getdate("Sun, 06 Nov 1994 08:49:37 GMT", NULL) == 784111777);
}

/* Cleanup ends the global state; the next init starts it again. */
static void global_init_after_cleanup(void)
{
	curl_global_cleanup();
	CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
	CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
	curl_global_cleanup();
	curl_global_cleanup(); /* a second one does nothing */
}

/* A feed's parse loads libxml2; its strings are freed through xmlFree. */
static void feed_parse_loads_libxml(void)
{
	const char *xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
			  "xml:base=\"https://blog.example/\"><entry>"
			  "<title type=\"html\">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; co</title>"
			  "<link rel=\"alternate\" href=\"posts/a\"/>"
			  "<published>2023-08-02T00:00:00Z</published></entry></feed>";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range aug;
	struct ml_news n;

	memset(&n, 0, sizeof n);
	CHECK(!is_loaded("libxml2.so.2"));
	CHECK(range_from_month(&aug, "2023-08", &err) == 0);
	CHECK(feeds_parse(xml, strlen(xml), "https://blog.example/feed.xml", &aug, 0, &n, &err) ==
	      0);
	CHECK(err.msg == NULL);
	CHECK(is_loaded("libxml2.so.2"));
	CHECK(n.nentries == 1);
	if (n.nentries == 1) {
		CHECK_STR(n.entries[0].title, "Bold & co");
		CHECK_STR(n.entries[0].link, "https://blog.example/posts/a");
	}
	news_release(&n);
	error_clear(&err);
}

int main(void)
{
	RUN(network_engine_loads_libcurl); /* first: nothing has loaded libcurl yet */
	RUN(feed_parse_loads_libxml);	   /* nor libxml2 */
	RUN(forwarders_pass_each_type);
	RUN(global_init_after_cleanup);
	return DONE();
}
