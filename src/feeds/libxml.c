/*
 * libxml.c: the libxml2 functions feeds.c calls, forwarded to libxml2.so.2
 * loaded on first use (see libxml.h; util/libcurl.c does the same for
 * libcurl, and says why forwarders rather than a table at the call sites).
 *
 * xmlFree is no function but a global variable of libxml2 (a pointer to
 * its deallocator), or, where libxml2 keeps allocators per thread, a macro
 * for (*(__xmlFree())). Ours is a variable of the same type that frees
 * through the library's own variable, read at each call; the per-thread
 * form forwards __xmlFree() instead.
 */
#include "mergeletter/feeds/libxml.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "mergeletter/util/dynlib.h"
#include "mergeletter/util/error.h"

static struct api {
	void (*InitParser)(void);
	void (*SetExternalEntityLoader)(xmlExternalEntityLoader);
	xmlParserCtxtPtr (*NewParserCtxt)(void);
	void (*FreeParserCtxt)(xmlParserCtxtPtr);
	xmlDocPtr (*CtxtReadMemory)(xmlParserCtxtPtr, const char *, int, const char *, const char *,
				    int);
	xmlErrorPtr (*CtxtGetLastError)(void *);
	xmlNodePtr (*DocGetRootElement)(const xmlDoc *);
	void (*FreeDoc)(xmlDocPtr);
	xmlChar *(*GetProp)(const xmlNode *, const xmlChar *);
	xmlChar *(*NodeGetBase)(const xmlDoc *, const xmlNode *);
	htmlParserCtxtPtr (*htmlNewParserCtxt)(void);
	void (*htmlFreeParserCtxt)(htmlParserCtxtPtr);
	htmlDocPtr (*htmlCtxtReadMemory)(htmlParserCtxtPtr, const char *, int, const char *,
					 const char *, int);
#ifdef xmlFree
	xmlFreeFunc *(*Free)(void); /* __xmlFree */
#else
	xmlFreeFunc *Free; /* the library's variable */
#endif
} api;

#define XML(f)                                                                                     \
	{                                                                                          \
		"xml" #f, offsetof(struct api, f)                                                  \
	}
#define HTML(f)                                                                                    \
	{                                                                                          \
#f, offsetof(struct api, f)                                                        \
	}
static const struct ml_dynsym syms[] = {
    XML(InitParser),
    XML(SetExternalEntityLoader),
    XML(NewParserCtxt),
    XML(FreeParserCtxt),
    XML(CtxtReadMemory),
    XML(CtxtGetLastError),
    XML(DocGetRootElement),
    XML(FreeDoc),
    XML(GetProp),
    XML(NodeGetBase),
    HTML(htmlNewParserCtxt),
    HTML(htmlFreeParserCtxt),
    HTML(htmlCtxtReadMemory),
#ifdef xmlFree
    {"__xmlFree", offsetof(struct api, Free)},
#else
    XML(Free),
#endif
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int loaded;
static char why[512];

static void load_once(void)
{
	if (dynlib_open("libxml2.so.2", "libxml2", syms, sizeof syms / sizeof *syms, &api, why,
			sizeof why) < 0)
		return;
	api.InitParser(); /* before any thread parses (xmlInitParser's rule) */
	atomic_store(&loaded, 1);
}

static int load(void)
{
	pthread_once(&once, load_once);
	return atomic_load(&loaded) ? 0 : -1;
}

int libxml_load(struct ml_error *err)
{
	if (load() == 0)
		return 0;
	return error_set(err, ML_EXIT_FAILURE, "%s", why);
}

/* Only what the library allocated comes here, so it is loaded. */
static void free_forward(void *p)
{
	if (!p || load() < 0)
		return;
#ifdef xmlFree
	(*api.Free())(p);
#else
	(*api.Free)(p);
#endif
}

#ifdef xmlFree
xmlFreeFunc *__xmlFree(void)
{
	static xmlFreeFunc forward = free_forward;

	return &forward;
}
#else
xmlFreeFunc xmlFree = free_forward;
#endif

void xmlSetExternalEntityLoader(xmlExternalEntityLoader f)
{
	if (load() == 0)
		api.SetExternalEntityLoader(f);
}

xmlParserCtxtPtr xmlNewParserCtxt(void)
{
	return load() < 0 ? NULL : api.NewParserCtxt();
}

void xmlFreeParserCtxt(xmlParserCtxtPtr ctxt)
{
	if (ctxt && load() == 0)
		api.FreeParserCtxt(ctxt);
}

xmlDocPtr xmlCtxtReadMemory(xmlParserCtxtPtr ctxt, const char *buffer, int size, const char *URL,
			    const char *encoding, int options)
{
	return load() < 0 ? NULL : api.CtxtReadMemory(ctxt, buffer, size, URL, encoding, options);
}

xmlErrorPtr xmlCtxtGetLastError(void *ctx)
{
	return load() < 0 ? NULL : api.CtxtGetLastError(ctx);
}

xmlNodePtr xmlDocGetRootElement(const xmlDoc *doc)
{
	return load() < 0 ? NULL : api.DocGetRootElement(doc);
}

void xmlFreeDoc(xmlDocPtr cur)
{
	if (cur && load() == 0)
		api.FreeDoc(cur);
}

xmlChar *xmlGetProp(const xmlNode *node, const xmlChar *name)
{
	return load() < 0 ? NULL : api.GetProp(node, name);
}

xmlChar *xmlNodeGetBase(const xmlDoc *doc, const xmlNode *cur)
{
	return load() < 0 ? NULL : api.NodeGetBase(doc, cur);
}

htmlParserCtxtPtr htmlNewParserCtxt(void)
{
	return load() < 0 ? NULL : api.htmlNewParserCtxt();
}

void htmlFreeParserCtxt(htmlParserCtxtPtr ctxt)
{
	if (ctxt && load() == 0)
		api.htmlFreeParserCtxt(ctxt);
}

htmlDocPtr htmlCtxtReadMemory(htmlParserCtxtPtr ctxt, const char *buffer, int size, const char *URL,
			      const char *encoding, int options)
{
	return load() < 0 ? NULL
			  : api.htmlCtxtReadMemory(ctxt, buffer, size, URL, encoding, options);
}
