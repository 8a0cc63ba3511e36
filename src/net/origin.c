/* origin.c: the API URL's origin and the loopback rule (origin.h). */
#include "mergeletter/net/origin.h"

#include <arpa/inet.h>
#include <string.h>

#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

static int loopback(const char *host)
{
	struct in_addr a4;

	if (ml_strcaseeq(host, "localhost") || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

/* A URL's scheme, host and port, newly allocated by libcurl; 0 or -1. */
static int url_origin(CURLU *u, char **scheme, char **host, char **port)
{
	*scheme = *host = *port = NULL;
	if (curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		curl_free(*scheme);
		curl_free(*host);
		curl_free(*port);
		*scheme = *host = *port = NULL;
		return -1;
	}
	return 0;
}

/* Parse the API URL; with a token, refuse plain http to anything but a
 * loopback address. */
int origin_parse(CURLU **out, const char *api_url, int has_token, struct ml_error *err)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	if (!(*out = curl_url()) || curl_url_set(*out, CURLUPART_URL, api_url, 0) != CURLUE_OK ||
	    url_origin(*out, &scheme, &host, &port) < 0) {
		error_set(err, ML_EXIT_USAGE,
			  "invalid API URL '%s'; give --api-url as https://host[/path]", api_url);
		goto done;
	}
	if (has_token && ml_strcaseeq(scheme, "http") && !loopback(host)) {
		error_set(err, ML_EXIT_USAGE,
			  "refusing to send the token in cleartext to %s: --api-url is plain http "
			  "and not a loopback address; use https://",
			  host);
		goto done;
	}
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return rc;
}

int origin_same(CURLU *origin, const char *url)
{
	char *s1 = NULL, *h1 = NULL, *p1 = NULL, *s2 = NULL, *h2 = NULL, *p2 = NULL;
	CURLU *u = curl_url();
	int same = 0;

	if (!origin)
		return 1;
	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    url_origin(u, &s1, &h1, &p1) == 0 && url_origin(origin, &s2, &h2, &p2) == 0)
		same = ml_strcaseeq(s1, s2) && ml_strcaseeq(h1, h2) && strcmp(p1, p2) == 0;
	curl_free(s1);
	curl_free(h1);
	curl_free(p1);
	curl_free(s2);
	curl_free(h2);
	curl_free(p2);
	curl_url_cleanup(u);
	return same;
}
