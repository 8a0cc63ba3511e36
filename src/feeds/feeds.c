/* feeds.c: Atom and RSS 2.0 feeds through libxml2, and their fetch.
 *
 * libxml2 ownership: xmlCtxtReadMemory() and htmlCtxtReadMemory() return
 * documents freed here with xmlFreeDoc(); xmlGetProp(), xmlNodeGetBase()
 return strings freed with xmlFree(); node names and
 * text contents are borrowed from their document.
 */
#include "mergeletter/feeds/feeds.h"

#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/feeds/libxml.h"
#include "mergeletter/net/http.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"
#include "mergeletter/util/text.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define FEEDS_ACCEPT                                                                               \
	"application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, "       \
	"*/*;q=0.5"
#define FEEDS_RETRIES 1

/* XML_PARSE_NOENT, DTDLOAD, DTDATTR and HUGE are deliberately absent. */
#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)
#define HTML_OPTIONS (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)

/* libxml2 reads no external resource at all: not even the DTDs and
 * entities that no option of ours asks for. */
static xmlParserInputPtr refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static int is_el(const xmlNode *n, const char *name, const char *ns)
{
	if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
		return 0;
	if (!ns)
		return n->ns == NULL;
	return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name, const char *ns)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (is_el(c, name, ns))
			return c;
	return NULL;
}

/* The text of n's descendants: text and CDATA only. Entity references
 * (beyond the predefined ones, which the parser turns into text) are
 * dropped, so nothing an entity names ever reaches the draft. */
static int text_of(struct ml_buf *out, const xmlNode *n, int deep)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			if (buf_puts(out, (const char *)c->content) < 0)
				return -1;
		} else if (deep && c->type == XML_ELEMENT_NODE &&
			   !is_el(c, "script", c->ns ? (const char *)c->ns->href : NULL) &&
			   !is_el(c, "style", c->ns ? (const char *)c->ns->href : NULL)) {
			if (text_of(out, c, deep) < 0)
				return -1;
		}
	}
	return 0;
}

/* HTML to its text: the HTML parser decodes its entities (once). */
static int html_text(struct ml_buf *out, const char *html)
{
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	htmlDocPtr doc = NULL;
	int rc = -1;

	if (!ctxt)
		return -1;
	doc = htmlCtxtReadMemory(ctxt, html, (int)strlen(html), NULL, "UTF-8", HTML_OPTIONS);
	if (!doc) { /* nothing the HTML parser could read: keep the text */
		rc = buf_puts(out, html);
		goto done;
	}
	rc = text_of(out, xmlDocGetRootElement(doc) ? (xmlNode *)doc : NULL, 1);
done:
	xmlFreeDoc(doc);
	htmlFreeParserCtxt(ctxt);
	return rc;
}

/* A title element's text, as one line (text_one_line()): Atom type="html"
 * and RSS titles holding markup are HTML; type="xhtml" is markup already
 * parsed; anything else is text. */
static char *title_of(const xmlNode *el, int atom)
{
	struct ml_buf raw = ML_BUF_INIT, html_out = ML_BUF_INIT, out = ML_BUF_INIT;
	xmlChar *type = atom ? xmlGetProp(el, (const xmlChar *)"type") : NULL;
	int xhtml = type && strcmp((const char *)type, "xhtml") == 0;
	int html = type && strcmp((const char *)type, "html") == 0;
	const char *text;
	char *res = NULL;

	if (text_of(&raw, el, xhtml) < 0)
		goto done;
	text = buf_str(&raw);
	if (html || (!atom && strchr(text, '<'))) {
		if (html_text(&html_out, text) < 0)
			goto done;
		text = buf_str(&html_out);
	}
	if (text_one_line(&out, text) < 0)
		goto done;
	res = out.data ? buf_detach(&out) : ml_strdup("");
done:
	xmlFree(type);
	buf_release(&raw);
	buf_release(&html_out);
	buf_release(&out);
	return res;
}

static void pct(struct ml_buf *out, unsigned char c)
{
	buf_printf(out, "%%%02X", c);
}

/* href resolved against el's base, kept only when it is http(s); the
 * result is percent-encoded where markdown would stop or break. */
static char *link_of(const xmlNode *el, const char *href)
{
	xmlChar *base = xmlNodeGetBase(el->doc, el);
	CURLU *u = curl_url();
	char *url = NULL, *scheme = NULL, *res = NULL;
	struct ml_buf out = ML_BUF_INIT;

	/* libcurl resolves href against the base (xml:base, else the feed's URL) */
	if (!u || (base && curl_url_set(u, CURLUPART_URL, (const char *)base, 0) != CURLUE_OK) ||
	    curl_url_set(u, CURLUPART_URL, href, CURLU_URLENCODE) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
		goto done;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7F || strchr("()<>\"\\`[]{}|^'", *p))
			pct(&out, *p);
		else
			buf_add(&out, p, 1);
	}
	res = buf_detach(&out);
done:
	buf_release(&out);
	curl_free(url);
	curl_free(scheme);
	curl_url_cleanup(u);
	xmlFree(base);
	return res;
}

static char *element_text(const xmlNode *el)
{
	struct ml_buf b = ML_BUF_INIT;

	if (!el || text_of(&b, el, 0) < 0) {
		buf_release(&b);
		return NULL;
	}
	if (!b.data)
		return ml_strdup("");
	return buf_detach(&b);
}

/* Trim ASCII whitespace in place. */
static char *trim(char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	n = strspn(s, " \t\r\n");
	memmove(s, s + n, strlen(s + n) + 1);
	return s;
}

static int time_iso(const xmlNode *el, int64_t *out)
{
	char *s = trim(element_text(el));
	int rc = s && range_parse_time(s, out) == 0 ? 0 : -1;

	free(s);
	return rc;
}

static int time_rfc822(const xmlNode *el, int64_t *out)
{
	char *s = trim(element_text(el));
	time_t t = s && *s ? curl_getdate(s, NULL) : -1;

	free(s);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* Keep an entry in range with a link; a missing title (title_of() gives
 * it as one trimmed line) becomes the link. */
static int keep(struct ml_news *n, const struct ml_range *range, char *title, char *link,
		int64_t date, int dated, int offer)
{
	if (!dated || !link || !range_contains(range, date)) {
		free(title);
		free(link);
		return 0;
	}
	if (!title || !*title) {
		free(title);
		if (!(title = ml_strdup(link))) {
			free(link);
			return -1;
		}
	}
	return news_add(n, title, link, date, offer);
}

static int atom_entry(const xmlNode *e, const struct ml_range *range, int offer, struct ml_news *n)
{
	const xmlNode *t = child(e, "title", ATOM_NS), *link = NULL;
	int64_t date = 0;
	int dated;
	char *href_link = NULL;

	for (const xmlNode *c = e->children; c; c = c->next) {
		xmlChar *rel;

		if (!is_el(c, "link", ATOM_NS))
			continue;
		rel = xmlGetProp(c, (const xmlChar *)"rel");
		if (!rel || strcmp((const char *)rel, "alternate") == 0) {
			if (!link)
				link = c;
		}
		xmlFree(rel);
	}
	dated = time_iso(child(e, "published", ATOM_NS), &date) == 0 ||
		time_iso(child(e, "updated", ATOM_NS), &date) == 0;
	if (link) {
		xmlChar *href = xmlGetProp(link, (const xmlChar *)"href");

		if (href)
			href_link = link_of(link, (const char *)href);
		xmlFree(href);
	}
	return keep(n, range, t ? title_of(t, 1) : NULL, href_link, date, dated, offer);
}

static int rss_item(const xmlNode *it, const struct ml_range *range, int offer, struct ml_news *n)
{
	const xmlNode *t = child(it, "title", NULL), *l = child(it, "link", NULL);
	const xmlNode *g = child(it, "guid", NULL);
	char *href = NULL, *link = NULL;
	int64_t date = 0;
	int dated = time_rfc822(child(it, "pubDate", NULL), &date) == 0 ||
		    time_iso(child(it, "date", DC_NS), &date) == 0;

	if (l && (href = trim(element_text(l))) && *href)
		link = link_of(l, href);
	free(href);
	href = NULL;
	if (!link && g) {
		xmlChar *perma = xmlGetProp(g, (const xmlChar *)"isPermaLink");

		if (!perma || strcmp((const char *)perma, "false") != 0) {
			if ((href = trim(element_text(g))) && *href)
				link = link_of(g, href);
		}
		xmlFree(perma);
		free(href);
	}
	return keep(n, range, t ? title_of(t, 0) : NULL, link, date, dated, offer);
}

int feeds_parse(const char *body, size_t len, const char *base_url, const struct ml_range *range,
		int offer, struct ml_news *n, struct ml_error *err)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNode *root, *channel;
	int rc = -1;

	if (libxml_load(err) < 0)
		return -1;
	xmlSetExternalEntityLoader(refuse_loader);
	if (len > (size_t)0x7FFFFFFF)
		return error_set(err, ML_EXIT_NETWORK, "the feed is too large");
	if (!(ctxt = xmlNewParserCtxt()))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	doc = xmlCtxtReadMemory(ctxt, body, (int)len, base_url, NULL, XML_OPTIONS);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		struct ml_buf m = ML_BUF_INIT;

		if (e && e->message)
			buf_add(&m, e->message, strcspn(e->message, "\n"));
		error_set(err, ML_EXIT_NETWORK, "not parsed: line %d: %s", e ? e->line : 0,
			  m.data ? m.data : "not well-formed XML");
		buf_release(&m);
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (is_el(root, "feed", ATOM_NS)) {
		for (xmlNode *c = root->children; c; c = c->next)
			if (is_el(c, "entry", ATOM_NS) && atom_entry(c, range, offer, n) < 0)
				goto oom;
	} else if (is_el(root, "rss", NULL) && (channel = child(root, "channel", NULL))) {
		for (xmlNode *c = channel->children; c; c = c->next)
			if (is_el(c, "item", NULL) && rss_item(c, range, offer, n) < 0)
				goto oom;
	} else {
		error_set(err, ML_EXIT_NETWORK, "not parsed: neither an Atom feed nor RSS 2.0");
		goto done;
	}
	rc = 0;
	goto done;
oom:
	error_set(err, ML_EXIT_FAILURE, "out of memory");
done:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* ---- fetching ---- */

struct feed_req {
	struct ml_feeds_fetch *ff;
	const struct ml_feed_cfg *cfg;
	struct ml_news part;
	char *failure; /* "not fetched: ..." or "not parsed: ..." */
};

/* The feed's failure: "WHAT WHY" ("not fetched: HTTP 404"), and a warning. */
static int fail(struct feed_req *r, const char *what, const char *why)
{
	struct ml_buf m = ML_BUF_INIT;

	if (buf_printf(&m, "%s%s", what, why) < 0)
		return -1;
	free(r->failure);
	r->failure = buf_detach(&m);
	progress_warn(r->ff->progress, "feed %s: %s; its entries are left out", r->cfg->url,
		      r->failure);
	return 0;
}

static int on_feed(void *ud, const struct ml_http_response *resp, struct ml_error *err)
{
	struct feed_req *r = ud;
	struct ml_error perr = ML_ERROR_INIT;
	char status[32];
	int rc = 0;

	if (resp->failed)
		rc = fail(r, "not fetched: ", resp->failed);
	else if (resp->status != 200) {
		snprintf(status, sizeof status, "HTTP %ld", resp->status);
		rc = fail(r, "not fetched: ", status);
	} else if (feeds_parse(resp->body, resp->len, resp->url, r->ff->range, r->cfg->offer,
			       &r->part, &perr) < 0) {
		if (perr.exit_code == ML_EXIT_FAILURE) {
			error_set(err, perr.exit_code, "%s", perr.msg);
			error_clear(&perr);
			return -1;
		}
		rc = fail(r, "", perr.msg);
	}
	error_clear(&perr);
	return rc < 0 ? error_set(err, ML_EXIT_FAILURE, "out of memory") : 0;
}

int feeds_fetch_start(struct ml_feeds_fetch *ff, struct ml_error *err)
{
	struct ml_http_req req = ML_HTTP_REQ_INIT;

	if (!ff->cfg->nfeeds)
		return 0;
	if (!(ff->reqs = calloc(ff->cfg->nfeeds, sizeof *ff->reqs)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	req.accept = FEEDS_ACCEPT;
	req.no_auth = 1;
	req.timeout_ms = ff->cfg->timeout_ms;
	req.max_bytes = FEEDS_MAX_BYTES;
	req.max_retries = FEEDS_RETRIES;
	for (size_t i = 0; i < ff->cfg->nfeeds; i++) {
		struct feed_req *r = &ff->reqs[ff->nreqs++];

		r->ff = ff;
		r->cfg = &ff->cfg->feeds[i];
		if (http_get_opts(ff->http, r->cfg->url, &req, on_feed, r, err) < 0)
			return -1;
	}
	return 0;
}

int feeds_fetch_finish(struct ml_feeds_fetch *ff, struct ml_news *out, struct ml_error *err)
{
	for (size_t i = 0; i < ff->nreqs; i++) {
		struct feed_req *r = &ff->reqs[i];
		struct ml_buf m = ML_BUF_INIT;

		if (r->failure) {
			if (buf_printf(&m, "%s: %s", r->cfg->url, r->failure) < 0 ||
			    strv_push(&out->failures, buf_str(&m)) < 0) {
				buf_release(&m);
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			}
			buf_release(&m);
			continue;
		}
		if (news_merge(out, &r->part) < 0)
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	news_sort(out);
	return 0;
}

void feeds_fetch_release(struct ml_feeds_fetch *ff)
{
	for (size_t i = 0; i < ff->nreqs; i++) {
		news_release(&ff->reqs[i].part);
		free(ff->reqs[i].failure);
	}
	free(ff->reqs);
	ff->reqs = NULL;
	ff->nreqs = 0;
}
