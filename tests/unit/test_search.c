/* test_search.c: search queries, splitting, parsing, and the org listing parser. */
#include <stdlib.h>
#include <string.h>

#include "mergeletter/github/orgs.h"
#include "mergeletter/github/search.h"
#include "mergeletter/util/error.h"
#include "testutil.h"

#define AUG1 1690848000 /* 2023-08-01T00:00:00Z */
#define SEP1 1693526400 /* 2023-09-01T00:00:00Z */

static void queries(void)
{
	const char *scopes[] = {"org:rust-osdev", "repo:a/b"};
	char *q;

	q = search_query_string(scopes, 0, 2, AUG1, SEP1);
	CHECK_STR(q, "is:pr is:merged merged:2023-08-01..2023-08-31 org:rust-osdev repo:a/b");
	free(q);
	/* bounds that are not midnights: exact times, the end inclusive */
	q = search_query_string(scopes, 1, 1, AUG1 + 3600, SEP1 - 1800);
	CHECK_STR(q, "is:pr is:merged merged:2023-08-01T01:00:00Z..2023-08-31T23:29:59Z repo:a/b");
	free(q);
}

static void fitting(void)
{
	const char *scopes[20];
	char names[20][40];
	size_t total = 0, nq = 0;

	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof names[i], "repo:rust-osdev/repository-%02d", i);
		scopes[i] = names[i];
	}
	for (size_t i = 0; i < 20;) {
		size_t n = search_query_fit(scopes, i, 20, AUG1, SEP1);
		char *q = search_query_string(scopes, i, n, AUG1, SEP1);

		CHECK(strlen(q) <= SEARCH_QUERY_MAX);
		/* one more scope would not have fitted */
		if (i + n < 20)
			CHECK(strlen(q) + 1 + strlen(scopes[i + n]) > SEARCH_QUERY_MAX);
		free(q);
		total += n;
		nq++;
		i += n;
	}
	CHECK(total == 20);
	CHECK(nq == 3);
}

static void splitting(void)
{
	int64_t mid = search_split_point(AUG1, SEP1);

	CHECK(mid == AUG1 + 15 * 86400); /* a midnight: short dates in both halves */
	CHECK(search_split_point(AUG1, AUG1 + 86400) == AUG1 + 43200);
	CHECK(search_split_point(AUG1, AUG1 + 1) == AUG1); /* cannot be halved */
}

static void urls(void)
{
	struct ml_owner osdev = {"rust-osdev", 0, NULL}, phil = {"phil-opp", 1, NULL};
	char *u = search_url("http://127.0.0.1:8080/api/", "is:pr repo:a/b", 3);

	CHECK_STR(
	    u,
	    "http://127.0.0.1:8080/api/search/issues?q=is%3apr%20repo%3aa%2fb&per_page=100&page=3");
	free(u);
	u = orgs_repos_url("https://api.github.com", &osdev);
	CHECK_STR(u, "https://api.github.com/orgs/rust-osdev/"
		     "repos?type=sources&sort=pushed&direction=desc&per_page=100");
	free(u);
	u = orgs_repos_url("https://api.github.com", &phil);
	CHECK_STR(u, "https://api.github.com/users/phil-opp/"
		     "repos?type=owner&sort=pushed&direction=desc&per_page=100");
	free(u);
}

static const char page[] =
    "{\"total_count\":4,\"incomplete_results\":false,\"items\":["
    "{\"number\":7,\"title\":\"Fix `x`\",\"user\":{\"login\":\"alice\",\"type\":\"User\"},"
    " \"labels\":[{\"name\":\"bug\"}],\"author_association\":\"MEMBER\","
    " \"repository_url\":\"https://api.github.com/repos/Rust-OSDev/uefi-rs\","
    " \"pull_request\":{\"merged_at\":\"2023-08-05T10:00:00Z\"}},"
    "{\"number\":8,\"title\":\"Bump\",\"user\":{\"login\":\"dependabot[bot]\",\"type\":\"Bot\"},"
    " \"labels\":[],\"repository_url\":\"https://ghe.example/api/v3/repos/o/r\","
    " \"pull_request\":{\"merged_at\":\"2023-08-31T23:59:59Z\"}},"
    "{\"number\":9,\"title\":\"late\",\"user\":{\"login\":\"bob\"},\"labels\":[],"
    " \"repository_url\":\"https://api.github.com/repos/o/r\","
    " \"pull_request\":{\"merged_at\":\"2023-09-01T00:00:00Z\"}},"
    "{\"number\":10,\"title\":\"closed\",\"user\":{\"login\":\"bob\"},\"labels\":[],"
    " \"repository_url\":\"https://api.github.com/repos/o/r\","
    " \"pull_request\":{\"merged_at\":null}}]}";

static void parsing(void)
{
	struct ml_range r = {AUG1, SEP1, 2023, 8};
	struct ml_pr_list l = {0};
	struct ml_error err = ML_ERROR_INIT;
	long total = 0;
	int incomplete = 1;

	CHECK(search_parse(page, strlen(page), &r, &l, &total, &incomplete, &err) == 0);
	CHECK(total == 4 && incomplete == 0);
	CHECK(l.len == 2);
	if (l.len == 2) {
		CHECK_STR(l.items[0].repo, "Rust-OSDev/uefi-rs");
		CHECK(l.items[0].number == 7 && !l.items[0].author_is_bot);
		CHECK_STR(l.items[0].association, "MEMBER");
		CHECK(l.items[0].labels.n == 1);
		CHECK_STR(l.items[1].repo, "o/r"); /* an API URL with a path prefix */
		CHECK(l.items[1].author_is_bot);
	}
	pr_list_release(&l);
	{
		const char *inc = "{\"total_count\":0,\"incomplete_results\":true,\"items\":[]}";

		CHECK(search_parse(inc, strlen(inc), &r, &l, &total, &incomplete, &err) == 0);
	}
	CHECK(incomplete == 1);
	CHECK(search_parse("[]", 2, &r, &l, &total, &incomplete, &err) != 0);
	CHECK(err.exit_code == 3 && strstr(err.msg, "--via pulls"));
	error_clear(&err);
	{
		const char *nouser = "{\"total_count\":1,\"items\":[{\"number\":1,\"title\":\"t\","
				     "\"pull_request\":{\"merged_at\":\"2023-08-02T00:00:00Z\"}}]}";

		CHECK(search_parse(nouser, strlen(nouser), &r, &l, &total, &incomplete, &err) < 0);
	}
	CHECK(err.msg && strstr(err.msg, "\"user\""));
	error_clear(&err);
	pr_list_release(&l);
}

static const char org_page[] =
    "[{\"full_name\":\"rust-osdev/x86_64\",\"description\":\"Library\",\"archived\":false,"
    "  \"fork\":false,\"pushed_at\":\"2023-08-30T10:00:00Z\"},"
    " {\"full_name\":\"rust-osdev/old\",\"description\":\"\",\"archived\":true,"
    "  \"fork\":false,\"pushed_at\":\"2023-08-20T10:00:00Z\"},"
    " {\"full_name\":\"rust-osdev/forked\",\"description\":null,\"archived\":false,"
    "  \"fork\":true,\"pushed_at\":\"2023-08-10T10:00:00Z\"},"
    " {\"full_name\":\"rust-osdev/vga\",\"description\":null,\"archived\":false,"
    "  \"fork\":false,\"pushed_at\":\"2023-08-01T00:00:00Z\"},"
    " {\"full_name\":\"rust-osdev/stale\",\"description\":\"x\",\"archived\":false,"
    "  \"fork\":false,\"pushed_at\":\"2023-07-31T23:59:59Z\"},"
    " {\"full_name\":\"rust-osdev/after-stale\",\"archived\":false,"
    "  \"fork\":false,\"pushed_at\":\"2023-07-01T00:00:00Z\"}]";

static void org_listing(void)
{
	struct ml_org_repos l = {0};
	struct ml_error err = ML_ERROR_INIT;
	struct ml_strv exclude = {0};
	struct ml_owner owner = {"rust-osdev", 0, NULL};
	int older = 0, skipped = 0;

	CHECK(orgs_parse_repos(org_page, strlen(org_page), &owner, AUG1, &l, &older, &skipped,
			       &err) == 0);
	CHECK(older == 1 && skipped == 2);
	CHECK(l.n == 2);
	if (l.n == 2) {
		CHECK_STR(l.v[0].repo, "rust-osdev/x86_64");
		CHECK_STR(l.v[0].description, "Library");
		CHECK_STR(l.v[1].repo, "rust-osdev/vga");
		CHECK(l.v[1].description == NULL);
	}
	orgs_repos_release(&l);
	/* the config's exclusions are left out too, by name, whatever the case */
	CHECK(strv_push(&exclude, "X86_64") == 0 && strv_push(&exclude, "other") == 0);
	owner.exclude = &exclude;
	skipped = 0;
	CHECK(orgs_parse_repos(org_page, strlen(org_page), &owner, AUG1, &l, &older, &skipped,
			       &err) == 0);
	CHECK(older == 1 && skipped == 3 && l.n == 1);
	if (l.n == 1)
		CHECK_STR(l.v[0].repo, "rust-osdev/vga");
	orgs_repos_release(&l);
	strv_release(&exclude);
	owner.name = "o";
	CHECK(orgs_parse_repos("{}", 2, &owner, AUG1, &l, &older, &skipped, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "org 'o'"));
	error_clear(&err);
	owner.user = 1;
	CHECK(orgs_parse_repos("{}", 2, &owner, AUG1, &l, &older, &skipped, &err) < 0);
	CHECK(err.msg && strstr(err.msg, "user 'o'"));
	error_clear(&err);
}

int main(void)
{
	RUN(queries);
	RUN(fitting);
	RUN(splitting);
	RUN(urls);
	RUN(parsing);
	RUN(org_listing);
	return DONE();
}
