/*
 * libcurl.h: libcurl loaded when a run first calls it.
 *
 * util/libcurl.c defines each libcurl function we call, under its
 * documented name, as a forwarder that loads libcurl.so.4 on first use
 * (dlopen and one dlsym table, once, under pthread_once; see dynlib.h), so
 * the call sites keep libcurl's API as it is and a run from a clone never
 * loads libcurl or its ~40 dependencies. A libcurl function that no file
 * here forwards fails to link: add it to the table in libcurl.c.
 *
 * The load also runs curl_global_init(CURL_GLOBAL_DEFAULT), before any
 * other libcurl call of any thread returns. curl_global_init() itself
 * only makes sure of that; curl_global_cleanup() cleans up only what was
 * loaded (nothing for a run that never needed libcurl).
 *
 * If the library cannot be loaded, each forwarder fails the way libcurl
 * itself fails (NULL handles, CURLE_FAILED_INIT, -1 dates); callers that
 * start network work call libcurl_load() first to report why.
 */
#ifndef MERGELETTER_LIBCURL_H
#define MERGELETTER_LIBCURL_H

struct ml_error;

/* Load libcurl now if it is not yet. 0, or -1 with err set to
 * "cannot load libcurl.so.4 (...): install the libcurl4 package". */
int libcurl_load(struct ml_error *err);

#endif
