/* test_github.c: Link headers, URLs and parsing of the pulls listing. */
#include <stdlib.h>
#include <string.h>

#include "mergeletter/github/github.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

static void links(void)
{
	char *s;

	s = github_link_next("<https://api.github.com/repositories/1/pulls?page=2>; rel=\"next\", "
			     "<https://api.github.com/repositories/1/pulls?page=9>; rel=\"last\"");
	CHECK_STR(s, "https://api.github.com/repositories/1/pulls?page=2");
	free(s);
	s = github_link_next(
	    "<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\", "
	    "<https://a/x?page=1>; rel=\"first\"");
	CHECK_STR(s, "https://a/x?page=3");
	free(s);
	CHECK(github_link_next(
		  "<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=1>; rel=\"first\"") ==
	      NULL);
	s = github_link_next("<https://github.blog/changelog/2025-03-06-x>; rel=\"deprecation\"; "
			     "type=\"text/html\", "
			     "<https://a/search?page=2>; rel=\"next\"");
	CHECK_STR(s, "https://a/search?page=2");
	free(s);
	CHECK(github_link_next("") == NULL);
	CHECK(github_link_next("garbage <unterminated") == NULL);
	s = github_link_rel("<https://a/x?per_page=100&page=2>; rel=\"next\", "
			    "<https://a/x?per_page=100&page=10>; rel=\"last\"",
			    "last");
	CHECK_STR(s, "https://a/x?per_page=100&page=10");
	CHECK(github_url_page(s) == 10);
	free(s);
	CHECK(github_link_rel("<https://a/x?page=2>; rel=\"next\"", "last") == NULL);
	CHECK(github_link_rel("<https://a/x?page=2>; rel=\"lastly\"", "last") == NULL);
	CHECK(github_url_page("https://a/x?per_page=100&page=3") == 3);
	CHECK(github_url_page("https://a/x?per_page=100") == 0);
	CHECK(github_url_page("https://a/x?subpage=3") == 0);
	CHECK(github_url_page("https://a/x?page=0") == 0);
	CHECK(github_url_page("https://a/x?page=-4") == 0);
	CHECK(github_url_page(NULL) == 0);
}

static void urls(void)
{
	char *s = github_pulls_url("https://api.github.com", "rust-osdev/uefi-rs");

	CHECK_STR(s, "https://api.github.com/repos/rust-osdev/uefi-rs/"
		     "pulls?state=closed&sort=updated&direction=desc&per_page=100");
	free(s);
	s = github_pulls_url("https://ghe.example.com/api/v3/", "o/r");
	CHECK_STR(s, "https://ghe.example.com/api/v3/repos/o/r/"
		     "pulls?state=closed&sort=updated&direction=desc&per_page=100");
	free(s);
	s = github_pulls_url("http://127.0.0.1:8080", "o/r");
	CHECK_STR(s, "http://127.0.0.1:8080/repos/o/r/"
		     "pulls?state=closed&sort=updated&direction=desc&per_page=100");
	free(s);
	CHECK(github_pulls_url("not a url", "o/r") == NULL);
}

#define PR(num, merged, updated, title, user, extra)                                               \
	"{\"number\": " #num ", \"title\": \"" title "\", \"user\": " user                         \
	", \"merged_at\": " merged ", \"updated_at\": \"" updated "\"" extra "}"

static void parse_page(void)
{
	const char body[] = "[" PR(
	    10, "\"2023-08-05T10:00:00Z\"", "2023-08-06T00:00:00Z", "In range",
	    "{\"login\": \"carol\", \"type\": \"User\"}",
	    ", \"labels\": [{\"name\": \"bug\"}], \"author_association\": "
	    "\"CONTRIBUTOR\"") "," PR(11, "null", "2023-08-04T00:00:00Z", "Closed unmerged",
				      "{\"login\": \"x\", \"type\": \"User\"}",
				      "") "," PR(12, "\"2023-07-31T23:59:59Z\"",
						 "2023-08-03T00:00:00Z", "July",
						 "{\"login\": \"x\", \"type\": "
						 "\"User\"}",
						 "") "," PR(13, "\"2023-08-31T23:59:59Z\"",
							    "2023-08-31T23:59:59Z", "Last second",
							    "{\"login\": "
							    "\"dependabot[bot]\", "
							    "\"type\": \"Bot\"}",
							    ", \"labels\": []") "]";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_range r;
	int older = -1;

	range_from_month(&r, "2023-08", &err);
	CHECK(github_parse_pulls(body, strlen(body), "o/r", &r, &l, &older, &err) == 0);
	CHECK(older == 0);
	CHECK(l.len == 2);
	if (l.len == 2) {
		CHECK(l.items[0].number == 10);
		CHECK_STR(l.items[0].author, "carol");
		CHECK_STR(l.items[0].repo, "o/r");
		CHECK(l.items[0].labels.n == 1);
		CHECK_STR(l.items[0].association, "CONTRIBUTOR");
		CHECK(l.items[1].number == 13 && l.items[1].author_is_bot);
	}
	pr_list_release(&l);
}

static void parse_older(void)
{
	const char body[] = "[" PR(1, "\"2023-07-01T00:00:00Z\"", "2023-07-31T23:59:59Z", "Old",
				   "{\"login\": \"x\"}", "") "]";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_range r;
	int older = 0;

	range_from_month(&r, "2023-08", &err);
	CHECK(github_parse_pulls(body, strlen(body), "o/r", &r, &l, &older, &err) == 0);
	CHECK(older == 1 && l.len == 0);
	CHECK(github_parse_pulls("[]", 2, "o/r", &r, &l, &older, &err) == 0);
	CHECK(older == 0);
	pr_list_release(&l);
}

static void expect_parse_error(const char *body, const char *want)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_range r;
	int older;

	range_from_month(&r, "2023-08", &err);
	CHECK(github_parse_pulls(body, strlen(body), "o/r", &r, &l, &older, &err) != 0);
	CHECK(err.exit_code == ML_EXIT_NETWORK);
	if (!err.msg || !strstr(err.msg, want))
		fprintf(stderr, "  message: %s\n  wanted:  %s\n", err.msg ? err.msg : "(none)",
			want),
		    t_failed_checks++;
	error_clear(&err);
	pr_list_release(&l);
}

/* A "\u0000" in one PR's body costs nothing; in a title or login it is
 * U+FFFD, so that neither is cut short ("ev\u0000il" is no login "ev"). */
static void nul_in_strings(void)
{
	static const char body[] =
	    "[{\"number\": 1, \"title\": \"A\\u0000B\", \"body\": \"x\\u0000y\", "
	    "\"user\": {\"login\": \"ev\\u0000il\", \"type\": \"User\"}, "
	    "\"labels\": [{\"name\": \"l\\u0000\"}], \"merged_at\": \"2023-08-02T00:00:00Z\", "
	    "\"updated_at\": \"2023-08-02T00:00:00Z\"}]";
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list l = {NULL, 0, 0};
	struct ml_range r;
	int older;

	range_from_month(&r, "2023-08", &err);
	CHECK(github_parse_pulls(body, strlen(body), "o/r", &r, &l, &older, &err) == 0);
	CHECK(l.len == 1);
	if (l.len == 1) {
		CHECK_STR(l.items[0].title, "A\xEF\xBF\xBD"
					    "B");
		CHECK_STR(l.items[0].author, "ev\xEF\xBF\xBDil");
		CHECK(l.items[0].labels.n == 1 &&
		      strcmp(l.items[0].labels.v[0], "l\xEF\xBF\xBD") == 0);
	}
	error_clear(&err);
	pr_list_release(&l);
}

static void parse_errors(void)
{
	expect_parse_error("[{\"number\": 1,", "not valid JSON (line 1");
	expect_parse_error("{\"message\": \"x\"}", "not a list");
	expect_parse_error("[5]", "not an object");
	expect_parse_error("[{\"title\": \"t\"}]", "\"number\"");
	expect_parse_error(
	    "[" PR(7, "\"2023-08-05T10:00:00Z\"", "2023-08-06T00:00:00Z", "t", "null", "") "]",
	    "o/r: pull request #7: field \"user\"");
	expect_parse_error("[{\"number\": 8, \"title\": \"t\", \"user\": {\"login\": \"x\"}, "
			   "\"merged_at\": \"2023-08-05T10:00:00Z\"}]",
			   "#8: field \"updated_at\"");
	expect_parse_error(
	    "[" PR(9, "\"yesterday\"", "2023-08-06T00:00:00Z", "t", "{\"login\": \"x\"}", "") "]",
	    "#9: field \"merged_at\"");
	expect_parse_error("[{\"number\": 10, \"user\": {\"login\": \"x\"}, \"merged_at\": "
			   "\"2023-08-05T10:00:00Z\", \"updated_at\": \"2023-08-06T00:00:00Z\"}]",
			   "#10: field \"title\"");
	expect_parse_error("[" PR(11, "\"2023-08-05T10:00:00Z\"", "2023-08-06T00:00:00Z", "t",
				  "{\"login\": \"x\"}", ", \"labels\": [{\"nom\": 1}]") "]",
			   "#11: field \"labels[].name\"");
}

/* A title that jansson cannot decode fails the page with a message that
 * names the repository and what jansson could not decode. */
static void undecodable_titles(void)
{
	expect_parse_error(
	    "[{\"number\": 1, \"title\": \"a\\ud800b\"}]",
	    "the answer is not valid JSON (line 1, column 34: invalid Unicode '\\uD800'");
	expect_parse_error("[{\"number\": 1, \"title\": \"\\udc00\"}]",
			   "invalid Unicode '\\uDC00'");
	expect_parse_error(
	    "[{\"number\": 1, \"title\": \"a\xff\"}]",
	    "the answer is not valid JSON (line 1, column 26: unable to decode byte 0xff");
}

static int never_called(void *ud, const struct ml_http_response *r, struct ml_error *err)
{
	(void)ud, (void)r, (void)err;
	return -1;
}

/* github_listing_next after a page of url whose Link header is link. */
static int next_of(struct ml_github *gh, struct ml_listing *l, const char *url, const char *link)
{
	struct ml_http_response r;
	struct ml_error err = ML_ERROR_INIT;
	int rc;

	memset(&r, 0, sizeof r);
	r.status = 200;
	r.url = url;
	r.link = link;
	rc = github_listing_next(gh, l, "o/r", &r, never_called, NULL, &err);
	CHECK(!err.msg);
	error_clear(&err);
	return rc;
}

static void listing_bounds(void)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_github gh;
	struct ml_listing l;
	const char *p1 = "https://api.github.com/repositories/1/pulls?page=1";

	memset(&gh, 0, sizeof gh);
	memset(&l, 0, sizeof l);
	o.api_url = gh.api_url = "https://api.github.com";
	o.token = "s3cr3t";
	CHECK(http_new(&gh.http, &o, &err) == 0);
	if (!gh.http)
		return;
	gh.max_pages = 3;
	/* the last page: no next */
	CHECK(next_of(&gh, &l, p1, NULL) == 0 && !l.failure);
	/* a next page on the same origin is queued */
	l.pages = 1;
	CHECK(next_of(&gh, &l, p1,
		      "<https://api.github.com/repositories/1/pulls?page=2>; rel=\"next\"") == 1);
	CHECK(!l.failure);
	/* a Link back to a page fetched ends the listing with a failure */
	l.pages = 2;
	CHECK(next_of(&gh, &l, p1,
		      "<https://api.github.com/repositories/1/pulls?page=1>; rel=\"next\"") == 0);
	CHECK(l.failure && strstr(l.failure, "o/r: not fetched: ") == l.failure &&
	      strstr(l.failure, "page=1, a page already fetched"));
	github_listing_release(&l);
	/* another origin: another port, scheme or host */
	CHECK(next_of(&gh, &l, p1, "<https://api.github.com:444/x>; rel=\"next\"") == 0);
	CHECK(l.failure && strstr(l.failure, "https://api.github.com:444/x, not the API's origin"));
	github_listing_release(&l);
	CHECK(next_of(&gh, &l, p1, "<http://api.github.com/x>; rel=\"next\"") == 0 && l.failure);
	github_listing_release(&l);
	CHECK(next_of(&gh, &l, p1, "<https://evil.example/x>; rel=\"next\"") == 0 && l.failure);
	github_listing_release(&l);
	/* the page cap */
	l.pages = 3;
	CHECK(next_of(&gh, &l, p1,
		      "<https://api.github.com/repositories/1/pulls?page=4>; rel=\"next\"") == 0);
	CHECK(l.failure && strstr(l.failure, "more than 3 pages"));
	github_listing_release(&l);
	http_free(gh.http);
}

int main(void)
{
	RUN(links);
	RUN(urls);
	RUN(parse_page);
	RUN(parse_older);
	RUN(parse_errors);
	RUN(nul_in_strings);
	RUN(undecodable_titles);
	RUN(listing_bounds);
	return DONE();
}
