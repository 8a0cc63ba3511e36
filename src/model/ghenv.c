/* ghenv.c: the API URL, the token and repository arguments as gh reads
 * them from the environment (see ghenv.h). */
#include "mergeletter/model/ghenv.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/model/config.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/str.h"

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int is_dotcom(const char *host)
{
	return ml_strcaseeq(host, "github.com") || ml_strcaseeq(host, "www.github.com");
}

const char *ghenv_enterprise_host(void)
{
	const char *host = env_nonempty("GH_HOST");

	return host && !is_dotcom(host) ? host : NULL;
}

char *ghenv_api_url(const char *flag)
{
	const char *url = flag ? flag : env_nonempty("GITHUB_API_URL");
	const char *host = ghenv_enterprise_host();
	struct ml_buf b = ML_BUF_INIT;

	if (url)
		return ml_strdup(url);
	if (!host)
		return ml_strdup(GHENV_DEFAULT_API);
	if (buf_printf(&b, "https://%s/api/v3", host) < 0)
		return NULL;
	return buf_detach(&b);
}

const char *ghenv_token(const char **name_out)
{
	static const char *const dotcom[] = {"GH_TOKEN", "GITHUB_TOKEN"};
	static const char *const enterprise[] = {"GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"};
	const char *const *names = ghenv_enterprise_host() ? enterprise : dotcom;

	for (size_t i = 0; i < 2; i++) {
		const char *v = env_nonempty(names[i]);

		if (v) {
			if (name_out)
				*name_out = names[i];
			return v;
		}
	}
	return NULL;
}

char *ghenv_repo_from_path(const char *path)
{
	size_t n;
	char *out;

	while (*path == '/')
		path++;
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n > 4 && strncmp(path + n - 4, ".git", 4) == 0)
		n -= 4;
	out = ml_strndup(path, n);
	if (out && !repo_name_valid(out)) {
		free(out);
		out = NULL;
	}
	return out;
}

/* 1 when s holds "/api/v3", in any case: a path that ends so has it. */
static int names_api_v3(const char *s)
{
	for (; *s; s++)
		if (strncasecmp(s, "/api/v3", 7) == 0)
			return 1;
	return 0;
}

char *ghenv_web_url(const char *api_url)
{
	CURLU *u;
	char *path = NULL, *base = NULL, *out = NULL;
	size_t n;

	/* api.github.com's pages need no URL parser (nor libcurl loaded:
	 * util/libcurl.h), as no URL without "/api/v3" names pages above it */
	if (!api_url || !names_api_v3(api_url))
		return ml_strdup(GHENV_DEFAULT_WEB);
	if (!(u = curl_url()))
		return NULL;
	if (api_url && curl_url_set(u, CURLUPART_URL, api_url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
		n = strlen(path);
		n -= n > 0 && path[n - 1] == '/';
		if (n >= 7 && strncasecmp(path + n - 7, "/api/v3", 7) == 0) {
			path[n - 7] = '\0'; /* the pages live above the API */
			if (curl_url_set(u, CURLUPART_PATH, *path ? path : "/", 0) == CURLUE_OK &&
			    curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
			    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK &&
			    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
			    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
			    curl_url_get(u, CURLUPART_URL, &base, 0) == CURLUE_OK) {
				n = strlen(base);
				out = ml_strndup(base, n - (n > 0 && base[n - 1] == '/'));
			}
		}
	}
	if (!out && !base)
		out = ml_strdup(GHENV_DEFAULT_WEB);
	curl_free(path);
	curl_free(base);
	curl_url_cleanup(u);
	return out;
}

/* 1 when the URL's host (and port) is the GH_HOST host, which may carry a
 * port ("ghe.example.com:8443"). */
static int is_enterprise(CURLU *u, const char *host, const char *ghe)
{
	struct ml_buf hp = ML_BUF_INIT;
	char *port = NULL;
	int rc;

	if (!ghe)
		return 0;
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	rc = buf_printf(&hp, port ? "%s:%s" : "%s", host, port) == 0 &&
	     (ml_strcaseeq(buf_str(&hp), ghe) || (!port && ml_strcaseeq(host, ghe)));
	curl_free(port);
	buf_release(&hp);
	return rc;
}

char *ghenv_repo_from_arg(const char *arg)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *path = NULL, *out = NULL;

	if (!arg)
		return NULL;
	if (repo_name_valid(arg))
		return ml_strdup(arg);
	if (!(u = curl_url()))
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, arg, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
	    (ml_strcaseeq(scheme, "https") || ml_strcaseeq(scheme, "http")) &&
	    (is_dotcom(host) || is_enterprise(u, host, ghenv_enterprise_host())))
		out = ghenv_repo_from_path(path);
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_url_cleanup(u);
	return out;
}
