/*
 * libxml.h: libxml2 loaded when a run first parses a feed.
 *
 * feeds/libxml.c defines the libxml2 functions feeds.c calls, under their
 * own names, as forwarders that load libxml2.so.2 on first use (dlopen and
 * one dlsym table, once, under pthread_once, which also runs
 * xmlInitParser(); see util/dynlib.h), so a run without news never loads
 * libxml2 (nor ICU and libstdc++ with it). A libxml2 function that no file
 * here forwards fails to link: add it to the table in libxml.c.
 *
 * If the library cannot be loaded, each forwarder fails as libxml2 does
 * on no memory (NULL); feeds_parse() calls libxml_load() first to say why.
 */
#ifndef MERGELETTER_LIBXML_H
#define MERGELETTER_LIBXML_H

struct ml_error;

/* Load libxml2 now if it is not yet. 0, or -1 with err set to
 * "cannot load libxml2.so.2 (...): install the libxml2 package". */
int libxml_load(struct ml_error *err);

#endif
