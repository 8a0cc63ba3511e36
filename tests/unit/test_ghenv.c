/* test_ghenv.c: gh's environment conventions: API URL, token, repository URLs. */
#include <stdlib.h>

#include "mergeletter/model/ghenv.h"
#include "testutil.h"

static void clear_env(void)
{
	static const char *const names[] = {
	    "GH_HOST",	    "GITHUB_API_URL",	   "GH_TOKEN",
	    "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		unsetenv(names[i]);
}

#define CHECK_OWNED(expr, want)                                                                    \
	do {                                                                                       \
		char *got_ = (expr);                                                               \
		const char *want_ = (want);                                                        \
		if (want_)                                                                         \
			CHECK_STR(got_, want_);                                                    \
		else                                                                               \
			CHECK(got_ == NULL);                                                       \
		free(got_);                                                                        \
	} while (0)

static void api_url(void)
{
	clear_env();
	CHECK_OWNED(ghenv_api_url(NULL), "https://api.github.com");
	setenv("GH_HOST", "github.com", 1);
	CHECK_OWNED(ghenv_api_url(NULL), "https://api.github.com");
	CHECK(ghenv_enterprise_host() == NULL);
	setenv("GH_HOST", "ghe.example.com", 1);
	CHECK_STR(ghenv_enterprise_host(), "ghe.example.com");
	CHECK_OWNED(ghenv_api_url(NULL), "https://ghe.example.com/api/v3");
	setenv("GITHUB_API_URL", "http://127.0.0.1:1", 1); /* wins over GH_HOST */
	CHECK_OWNED(ghenv_api_url(NULL), "http://127.0.0.1:1");
	CHECK_OWNED(ghenv_api_url("http://flag"), "http://flag"); /* --api-url wins */
	setenv("GITHUB_API_URL", "", 1);			  /* empty: unset */
	CHECK_OWNED(ghenv_api_url(NULL), "https://ghe.example.com/api/v3");
	clear_env();
}

static void tokens(void)
{
	const char *name = NULL;

	clear_env();
	CHECK(ghenv_token(&name) == NULL);
	setenv("GITHUB_TOKEN", "b", 1);
	CHECK_STR(ghenv_token(&name), "b");
	CHECK_STR(name, "GITHUB_TOKEN");
	setenv("GH_TOKEN", "a", 1);
	CHECK_STR(ghenv_token(&name), "a");
	setenv("GH_ENTERPRISE_TOKEN", "e", 1);
	CHECK_STR(ghenv_token(NULL), "a"); /* github.com: not the Enterprise token */
	setenv("GH_HOST", "ghe.example.com", 1);
	CHECK_STR(ghenv_token(&name), "e"); /* an Enterprise host: never github.com's token */
	CHECK_STR(name, "GH_ENTERPRISE_TOKEN");
	unsetenv("GH_ENTERPRISE_TOKEN");
	CHECK(ghenv_token(NULL) == NULL);
	setenv("GITHUB_ENTERPRISE_TOKEN", "f", 1);
	CHECK_STR(ghenv_token(NULL), "f");
	clear_env();
}

static void repo_args(void)
{
	clear_env();
	CHECK_OWNED(ghenv_repo_from_arg("rust-osdev/uefi-rs"), "rust-osdev/uefi-rs");
	CHECK_OWNED(ghenv_repo_from_arg("https://github.com/rust-osdev/uefi-rs"),
		    "rust-osdev/uefi-rs");
	CHECK_OWNED(ghenv_repo_from_arg("https://github.com/rust-osdev/uefi-rs.git"),
		    "rust-osdev/uefi-rs");
	CHECK_OWNED(ghenv_repo_from_arg("https://www.github.com/rust-osdev/uefi-rs/"),
		    "rust-osdev/uefi-rs");
	CHECK_OWNED(ghenv_repo_from_arg("https://github.com/rust-osdev/uefi-rs/pulls"), NULL);
	CHECK_OWNED(ghenv_repo_from_arg("https://github.com/rust-osdev"), NULL);
	CHECK_OWNED(ghenv_repo_from_arg("https://example.com/rust-osdev/uefi-rs"), NULL);
	CHECK_OWNED(ghenv_repo_from_arg("ftp://github.com/rust-osdev/uefi-rs"), NULL);
	CHECK_OWNED(ghenv_repo_from_arg("https://ghe.example.com/team/tool"), NULL);
	setenv("GH_HOST", "ghe.example.com", 1);
	CHECK_OWNED(ghenv_repo_from_arg("https://ghe.example.com/team/tool"), "team/tool");
	CHECK_OWNED(ghenv_repo_from_arg("https://ghe.example.com:8443/team/tool"), NULL);
	setenv("GH_HOST", "ghe.example.com:8443", 1);
	CHECK_OWNED(ghenv_repo_from_arg("https://ghe.example.com:8443/team/tool"), "team/tool");
	CHECK_OWNED(ghenv_repo_from_arg("https://ghe.example.com/team/tool"), NULL);
	CHECK_OWNED(ghenv_repo_from_arg("not a repo"), NULL);
	CHECK_OWNED(ghenv_repo_from_arg(NULL), NULL);
	clear_env();
}

static void web_url(void)
{
	CHECK_OWNED(ghenv_web_url("https://api.github.com"), "https://github.com");
	CHECK_OWNED(ghenv_web_url("https://ghe.example.com/api/v3"), "https://ghe.example.com");
	CHECK_OWNED(ghenv_web_url("https://ghe.example.com:8443/api/v3/"),
		    "https://ghe.example.com:8443");
	CHECK_OWNED(ghenv_web_url("https://example.com/github/api/v3"),
		    "https://example.com/github");
	CHECK_OWNED(ghenv_web_url("https://user:pw@ghe.example.com/API/V3?x=1"),
		    "https://ghe.example.com"); /* never a credential in a link */
	CHECK_OWNED(ghenv_web_url("http://127.0.0.1:4321"), "https://github.com");
	CHECK_OWNED(ghenv_web_url("http://127.0.0.1:4321/api/v3"), "http://127.0.0.1:4321");
	CHECK_OWNED(ghenv_web_url("not a url"), "https://github.com");
	CHECK_OWNED(ghenv_web_url(NULL), "https://github.com");
}

int main(void)
{
	RUN(api_url);
	RUN(web_url);
	RUN(tokens);
	RUN(repo_args);
	return DONE();
}
