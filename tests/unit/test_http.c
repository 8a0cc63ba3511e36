/* test_http.c: the token's origin: who may receive it, and over what. */
#include <curl/curl.h>
#include <stdlib.h>

#include "mergeletter/error.h"
#include "mergeletter/http.h"
#include "testutil.h"

/* http_new's verdict on sending token to api_url: 0 (allowed) or the exit code. */
static int verdict(const char *api_url, const char *token)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http *h = NULL;
	int code;

	o.api_url = api_url;
	o.token = token;
	code = http_new(&h, &o, &err) == 0 ? 0 : err.exit_code;
	if (code && (!err.msg || (token && strstr(err.msg, token))))
		code = -1; /* no message, or one that shows the token */
	http_free(h);
	error_clear(&err);
	return code;
}

static void cleartext_only_to_loopback(void)
{
	CHECK(verdict("https://api.github.com", "s3cr3t") == 0);
	CHECK(verdict("http://127.0.0.1:8080", "s3cr3t") == 0);
	CHECK(verdict("http://127.4.5.6", "s3cr3t") == 0);
	CHECK(verdict("http://localhost:9/api/v3", "s3cr3t") == 0);
	CHECK(verdict("http://[::1]:9", "s3cr3t") == 0);
	CHECK(verdict("http://api.github.com", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://192.0.2.1:80", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://128.0.0.1", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://localhost.example.com", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("HTTP://ghe.example.com", "s3cr3t") == ML_EXIT_USAGE);
	CHECK(verdict("http://api.github.com", NULL) == 0); /* no token, nothing to leak */
	CHECK(verdict("not a url", NULL) == ML_EXIT_USAGE);
}

static void same_origin(void)
{
	struct ml_http_opts o = ML_HTTP_OPTS_INIT;
	struct ml_error err = ML_ERROR_INIT;
	struct ml_http *h = NULL;

	o.api_url = "https://api.github.com/";
	CHECK(http_new(&h, &o, &err) == 0);
	if (!h)
		return;
	CHECK(http_same_origin(h, "https://api.github.com/repos/a/b/pulls?page=2"));
	CHECK(http_same_origin(h, "https://API.GitHub.com:443/x"));
	CHECK(!http_same_origin(h, "http://api.github.com/x"));
	CHECK(!http_same_origin(h, "https://api.github.com:8443/x"));
	CHECK(!http_same_origin(h, "https://api.github.com.evil.example/x"));
	CHECK(!http_same_origin(h, "https://evil.example/?https://api.github.com/"));
	CHECK(!http_same_origin(h, "https://user@evil.example/x"));
	CHECK(!http_same_origin(h, "//api.github.com/x"));
	CHECK(!http_same_origin(h, "garbage"));
	CHECK(!http_expired(h));
	http_free(h);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(cleartext_only_to_loopback);
	RUN(same_origin);
	curl_global_cleanup();
	return DONE();
}
