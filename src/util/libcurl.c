/*
 * libcurl.c: the libcurl functions we call, forwarded to libcurl.so.4
 * loaded on first use (see libcurl.h).
 *
 * Why forwarders under libcurl's own names rather than a table of function
 * pointers at the call sites: the twenty call sites in model/, net/,
 * github/ and document/ stay libcurl's documented API, so they read (and
 * are reviewed) against libcurl's manual, and this one file is the whole
 * price of loading late. CURL_DISABLE_TYPECHECK keeps curl.h's checking
 * macros off our definitions (the call sites still get them). The variadic
 * setopt and getinfo forward their one argument by the option's type range,
 * as libcurl reads it: long, object pointer, function pointer, curl_off_t,
 * blob pointer; getinfo always takes a pointer.
 *
 * The executable exports none of these names (no -rdynamic), so libcurl's
 * own calls never land here.
 */
#define CURL_DISABLE_TYPECHECK
#include "mergeletter/util/libcurl.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "mergeletter/util/dynlib.h"
#include "mergeletter/util/error.h"

#define LIBCURL_SONAME "libcurl.so.4"

static struct api {
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	CURLHcode (*easy_header)(CURL *, const char *, size_t, unsigned int, int,
				 struct curl_header **);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
	time_t (*getdate)(const char *, const time_t *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
	CURLMcode (*multi_wakeup)(CURLM *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLU *(*url)(void);
	void (*url_cleanup)(CURLU *);
	CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
	CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
} api;

#define SYM(f)                                                                                     \
	{                                                                                          \
		"curl_" #f, offsetof(struct api, f)                                                \
	}
static const struct ml_dynsym syms[] = {
    SYM(global_init),
    SYM(global_cleanup),
    SYM(easy_init),
    SYM(easy_cleanup),
    SYM(easy_setopt),
    SYM(easy_getinfo),
    SYM(easy_header),
    SYM(easy_strerror),
    SYM(easy_escape),
    SYM(free),
    SYM(getdate),
    SYM(slist_append),
    SYM(slist_free_all),
    SYM(multi_init),
    SYM(multi_cleanup),
    SYM(multi_setopt),
    SYM(multi_add_handle),
    SYM(multi_remove_handle),
    SYM(multi_perform),
    SYM(multi_poll),
    SYM(multi_wakeup),
    SYM(multi_info_read),
    SYM(url),
    SYM(url_cleanup),
    SYM(url_get),
    SYM(url_set),
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int loaded; /* 1: api is filled and libcurl initialised */
static atomic_int live;	  /* 1: curl_global_init() is in force */
static char why[512];	  /* the load's failure, written once */

static void load_once(void)
{
	if (dynlib_open(LIBCURL_SONAME, "libcurl4", syms, sizeof syms / sizeof *syms, &api, why,
			sizeof why) < 0)
		return;
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(why, sizeof why, "could not initialise libcurl");
		return;
	}
	atomic_store(&live, 1);
	atomic_store(&loaded, 1);
}

/* 0 once libcurl is loaded and initialised, -1 when it cannot be. */
static int load(void)
{
	pthread_once(&once, load_once);
	return atomic_load(&loaded) ? 0 : -1;
}

int libcurl_load(struct ml_error *err)
{
	if (load() == 0)
		return 0;
	return error_set(err, ML_EXIT_FAILURE, "%s", why);
}

CURLcode curl_global_init(long flags)
{
	CURLcode rc;

	if (load() < 0)
		return CURLE_FAILED_INIT;
	if (atomic_exchange(&live, 1))
		return CURLE_OK;
	if ((rc = api.global_init(flags)) != CURLE_OK)
		atomic_store(&live, 0);
	return rc;
}

void curl_global_cleanup(void)
{
	if (atomic_load(&loaded) && atomic_exchange(&live, 0))
		api.global_cleanup();
}

/* A handle after curl_global_cleanup() (the next run in the same process)
 * starts the global state again, as libcurl's own curl_easy_init() does,
 * but counted here, so the run's cleanup ends it. */
CURL *curl_easy_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ? NULL : api.easy_init();
}

void curl_easy_cleanup(CURL *curl)
{
	if (curl && load() == 0)
		api.easy_cleanup(curl);
}

/* The one argument of a setopt, read as its option's type range says. */
union optarg {
	long l;
	void *p;
	void (*f)(void);
	curl_off_t o;
};

enum optkind { OPT_LONG, OPT_POINTER, OPT_FUNCTION, OPT_OFF_T };

static enum optkind optarg_read(int option, va_list *ap, union optarg *a)
{
	if (option < CURLOPTTYPE_OBJECTPOINT) {
		a->l = va_arg(*ap, long);
		return OPT_LONG;
	}
	if (option < CURLOPTTYPE_FUNCTIONPOINT) {
		a->p = va_arg(*ap, void *);
		return OPT_POINTER;
	}
	if (option < CURLOPTTYPE_OFF_T) {
		a->f = va_arg(*ap, void (*)(void));
		return OPT_FUNCTION;
	}
	if (option < CURLOPTTYPE_BLOB) {
		a->o = va_arg(*ap, curl_off_t);
		return OPT_OFF_T;
	}
	a->p = va_arg(*ap, void *); /* struct curl_blob * */
	return OPT_POINTER;
}

#define FORWARD_OPT(fn, handle, option, kind, a)                                                   \
	((kind) == OPT_LONG	  ? fn(handle, option, (a).l)                                      \
	 : (kind) == OPT_POINTER  ? fn(handle, option, (a).p)                                      \
	 : (kind) == OPT_FUNCTION ? fn(handle, option, (a).f)                                      \
				  : fn(handle, option, (a).o))

CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	union optarg a;
	enum optkind kind;
	va_list ap;

	if (load() < 0)
		return CURLE_FAILED_INIT;
	va_start(ap, option);
	kind = optarg_read((int)option, &ap, &a);
	va_end(ap);
	return FORWARD_OPT(api.easy_setopt, curl, option, kind, a);
}

CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	void *p;
	va_list ap;

	if (load() < 0)
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	p = va_arg(ap, void *);
	va_end(ap);
	return api.easy_getinfo(curl, info, p);
}

CURLHcode curl_easy_header(CURL *easy, const char *name, size_t index, unsigned int origin,
			   int request, struct curl_header **hout)
{
	if (load() < 0)
		return CURLHE_BAD_ARGUMENT;
	return api.easy_header(easy, name, index, origin, request, hout);
}

const char *curl_easy_strerror(CURLcode code)
{
	return load() < 0 ? "libcurl could not be loaded" : api.easy_strerror(code);
}

char *curl_easy_escape(CURL *curl, const char *string, int length)
{
	return load() < 0 ? NULL : api.easy_escape(curl, string, length);
}

void curl_free(void *p)
{
	if (p && load() == 0)
		api.free(p);
}

time_t curl_getdate(const char *p, const time_t *unused)
{
	return load() < 0 ? (time_t)-1 : api.getdate(p, unused);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
	return load() < 0 ? NULL : api.slist_append(list, data);
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (list && load() == 0)
		api.slist_free_all(list);
}

CURLM *curl_multi_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ? NULL : api.multi_init();
}

CURLMcode curl_multi_cleanup(CURLM *multi)
{
	if (!multi || load() < 0)
		return CURLM_BAD_HANDLE;
	return api.multi_cleanup(multi);
}

CURLMcode curl_multi_setopt(CURLM *multi, CURLMoption option, ...)
{
	union optarg a;
	enum optkind kind;
	va_list ap;

	if (load() < 0)
		return CURLM_BAD_HANDLE;
	va_start(ap, option);
	kind = optarg_read((int)option, &ap, &a);
	va_end(ap);
	return FORWARD_OPT(api.multi_setopt, multi, option, kind, a);
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *curl)
{
	return load() < 0 ? CURLM_BAD_HANDLE : api.multi_add_handle(multi, curl);
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *curl)
{
	return load() < 0 ? CURLM_BAD_HANDLE : api.multi_remove_handle(multi, curl);
}

CURLMcode curl_multi_perform(CURLM *multi, int *running)
{
	return load() < 0 ? CURLM_BAD_HANDLE : api.multi_perform(multi, running);
}

CURLMcode curl_multi_poll(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds,
			  int timeout_ms, int *ret)
{
	if (load() < 0)
		return CURLM_BAD_HANDLE;
	return api.multi_poll(multi, extra_fds, extra_nfds, timeout_ms, ret);
}

CURLMcode curl_multi_wakeup(CURLM *multi)
{
	return load() < 0 ? CURLM_BAD_HANDLE : api.multi_wakeup(multi);
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *msgs_in_queue)
{
	return load() < 0 ? NULL : api.multi_info_read(multi, msgs_in_queue);
}

CURLU *curl_url(void)
{
	return load() < 0 ? NULL : api.url();
}

void curl_url_cleanup(CURLU *handle)
{
	if (handle && load() == 0)
		api.url_cleanup(handle);
}

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags)
{
	return load() < 0 ? CURLUE_BAD_HANDLE : api.url_get(handle, what, part, flags);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags)
{
	return load() < 0 ? CURLUE_BAD_HANDLE : api.url_set(handle, what, part, flags);
}
