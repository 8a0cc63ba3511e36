/*
 * origin.h: the token's origin (scheme, host and port of the API URL).
 *
 * The HTTP engine sends the token only to this origin, follows redirects
 * only within it, and refuses plain http with a token unless the host is a
 * loopback address (127.0.0.0/8, ::1, localhost).
 */
#ifndef MERGELETTER_ORIGIN_H
#define MERGELETTER_ORIGIN_H

#include <curl/curl.h>

struct ml_error;

/* Parse api_url into *out (the caller frees it with curl_url_cleanup(),
 * also after a failure); with a token, refuse plain http to anything but
 * a loopback address. 0 or -1 (exit code 2). */
int origin_parse(CURLU **out, const char *api_url, int has_token, struct ml_error *err);
/* 1 when url has origin's scheme, host and port (always 1 without an origin). */
int origin_same(CURLU *origin, const char *url);

#endif
