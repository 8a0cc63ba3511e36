/* merge.c: merging the new records of a draft into the editor's text. */
#include "mergeletter/document/merge.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/document/doc.h"
#include "mergeletter/document/trailer.h"
#include "mergeletter/emit/markdown.h"

static int login_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '[' || c == ']';
}

/* 1 when s[0..n) names "@login" (case-insensitive, whole login). */
static int mentions(const char *s, size_t n, const char *login)
{
	size_t m = strlen(login);

	for (size_t i = 0; i + m < n; i++)
		if (s[i] == '@' && doc_eq_ci(s + i + 1, login, m) &&
		    (i + 1 + m == n || !login_char(s[i + 1 + m])))
			return 1;
	return 0;
}

/* ---- the draft side ---- */

/* 1 when the draft writes the PR somewhere (list or bump comment). */
static int pr_shown(const struct ml_pr *pr, enum ml_deps_mode mode)
{
	return draft_pr_listed(pr, mode) || mode == ML_DEPS_COMMENT;
}

/* A shallow view of r holding the PRs for which keep() is true; free its
 * prs.items alone. */
struct view_ctx {
	const struct ml_trailer *offered;
	const struct ml_pr_list *extra;
};

static int view_keep(const struct view_ctx *c, const struct ml_pr *pr)
{
	if (c->offered && trailer_has(c->offered, pr->repo, pr->number))
		return 1;
	for (size_t i = 0; c->extra && i < c->extra->len; i++)
		if (c->extra->items[i].number == pr->number)
			return 1;
	return 0;
}

static int repo_view(struct ml_draft_repo *v, const struct ml_draft_repo *r,
		     const struct view_ctx *c)
{
	*v = *r;
	memset(&v->prs, 0, sizeof v->prs);
	v->prs.items = calloc(r->prs.len ? r->prs.len : 1, sizeof *v->prs.items);
	if (!v->prs.items)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++)
		if (view_keep(c, &r->prs.items[i]))
			v->prs.items[v->prs.len++] = r->prs.items[i];
	v->prs.cap = v->prs.len;
	return 0;
}

/* Where the draft's links go, without the scheme: "github.com" (an
 * editor's http:// or www. link to a page says the same). */
static const char *web_host(const struct ml_draft *d)
{
	const char *web = draft_web(d), *p = strstr(web, "://");

	return p ? p + 3 : web;
}

/* Every PR the text links to anywhere ("HOST/OWNER/REPO/pull/N"), an
 * editor's hand-written items too, into a set. */
static int text_links(struct ml_trailer *set, const struct ml_draft *d, const char *s, size_t n)
{
	char host[256];
	const char *p = s, *end = s + n;
	size_t hn = (size_t)snprintf(host, sizeof host, "%s/", web_host(d));

	if (hn >= sizeof host)
		return 0; /* no link of such a host is recognised */
	while ((p = doc_find_ci(p, (size_t)(end - p), host)) != NULL) {
		const char *repo = p + hn, *q = repo, *pull;
		long v = 0;
		int slashes = 0;

		p = repo;
		while (q < end && slashes < 3 &&
		       (isalnum((unsigned char)*q) || (*q && strchr("-_./", *q))))
			slashes += *q++ == '/';
		pull = q - 1;
		if (slashes < 3 || pull - repo < 6 || memcmp(pull - 5, "/pull/", 6) != 0 ||
		    q == end || !isdigit((unsigned char)*q))
			continue;
		pull -= 5;
		while (q < end && isdigit((unsigned char)*q) && v < 100000000)
			v = v * 10 + (*q++ - '0');
		if (trailer_add(set, repo, (size_t)(pull - repo), v) < 0)
			return -1;
	}
	return 0;
}

/* The first heading that links to the repository, or d->n. */
static size_t find_repo_heading(const struct ml_doc *d, const char *web, const char *repo)
{
	char needle[600];

	snprintf(needle, sizeof needle, "](%s/%s)", web, repo);
	for (size_t i = 0; i < d->n; i++)
		if (doc_heading(d, i) && doc_has(d, i, needle))
			return i;
	return d->n;
}

struct merge {
	struct ml_doc *doc;
	const struct ml_draft *d;
	int issue; /* the file is a whole issue */
	const struct ml_trailer *old;
	struct ml_trailer *now;
	struct ml_trailer linked; /* the PRs the text links to */
	struct ml_buf fresh_text; /* a fresh draft of d (an issue), where new */
	struct ml_doc fresh;	  /* sections go in a part without any yet */
};

/* The block of repository r in lines [from, to) (doc_repo_block). */
static int repo_block(const struct merge *m, const struct ml_draft_repo *r, size_t from, size_t to,
		      size_t *start, size_t *stop)
{
	char heading[600], link[600];

	snprintf(heading, sizeof heading, "](%s/%s)", draft_web(m->d), r->info.repo);
	snprintf(link, sizeof link, "%s/%s/pull/", web_host(m->d), r->info.repo);
	return doc_repo_block(m->doc, heading, link, from, to, start, stop);
}

/* Where a new section (or bumps block) of the repository j of section s
 * goes in its part: after every one the config puts before it, else before
 * every one the config puts after it (as the editor ordered them), else where a fresh draft puts
 * the part's first (after the blocks that lead the part), else at the end. *before: the block goes
 * before the line (else after the one before). */
static size_t new_slot(struct merge *m, const struct ml_draft_section *s, size_t j, int *before)
{
	const struct ml_doc *doc = m->doc;
	size_t p, end, fp, fend, start, stop, after = doc->n, first = doc->n;
	const char *heading = markdown_part_heading(s);

	*before = 0;
	if (!m->issue || !doc_part(doc, heading, &p, &end))
		return doc_content_end(doc, 0, doc->n);
	for (size_t k = 0; k < s->nrepos; k++)
		if (k != j && repo_block(m, &s->repos[k], p, end, &start, &stop)) {
			if (k < j && (after == doc->n || stop > after))
				after = stop;
			if (k > j && (first == doc->n || start < first))
				first = start;
		}
	*before = after == doc->n && first != doc->n;
	if (after != doc->n || first != doc->n)
		return *before ? first : after;
	if (!doc_part(&m->fresh, heading, &fp, &fend))
		return doc_content_end(doc, p + 1, end);
	return doc_part_after_lead(doc, p, end, doc_part_lead(&m->fresh, fp, fend));
}

/* A repository's "only dependency updates" comment, when it gets a section:
 * the section takes its place, with its bumps. 1 when replaced, 0 when
 * there is none. */
static int replace_bumps_block(struct merge *m, const struct ml_draft_repo *r,
			       const struct ml_pr_list *fresh)
{
	struct ml_draft_repo v = *r;
	struct ml_buf block = ML_BUF_INIT;
	char link[600], item[700];
	size_t start, stop;
	int rc = -1;

	snprintf(link, sizeof link, "%s/%s/pull/", web_host(m->d), r->info.repo);
	if (!doc_bumps_block(m->doc, link, 0, m->doc->n, &start, &stop))
		return 0;
	memset(&v.prs, 0, sizeof v.prs);
	v.prs.items = calloc(r->prs.len, sizeof *v.prs.items);
	if (!v.prs.items)
		return -1;
	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];
		int keep = 0;

		for (size_t k = 0; k < fresh->len && !keep; k++)
			keep = fresh->items[k].number == pr->number;
		snprintf(item, sizeof item, "%s%ld)", link, pr->number);
		for (size_t k = start + 2; k + 1 < stop && !keep; k++)
			keep = doc_has(m->doc, k, item);
		if (keep)
			v.prs.items[v.prs.len++] = *pr;
	}
	if (markdown_section(&block, m->d, &v) < 0 ||
	    buf_puts(&m->doc->late[start], buf_str(&block)) < 0)
		goto done;
	memset(m->doc->drop + start, 1, stop - start);
	rc = 1;
done:
	free(v.prs.items);
	buf_release(&block);
	return rc;
}

/* The thanks line of a view, without its newline ("" when none). */
static int thanks_of(struct ml_buf *out, const struct ml_draft *d, const struct ml_draft_repo *v)
{
	if (markdown_thanks(out, d, v) < 0 || buf_grow(out, 1) < 0)
		return -1;
	if (out->len && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	return 0;
}

/* "<!-- mergeletter: also thank @a, @b -->" naming who `all` thanks and
 * `prev` did not, unless the text already names them; "" when no one. */
static int also_thank(struct ml_buf *out, const struct ml_draft *d,
		      const struct ml_draft_repo *prev, const struct ml_draft_repo *all,
		      const char *seen, size_t seenlen)
{
	struct ml_strref was, is;
	size_t k = 0;
	int rc = -1;

	memset(&was, 0, sizeof was);
	memset(&is, 0, sizeof is);
	if (draft_thanks(prev, d->deps_mode, &was) < 0 || draft_thanks(all, d->deps_mode, &is) < 0)
		goto done;
	for (size_t i = 0; i < is.n; i++) {
		if (strref_contains_case(&was, is.v[i]) || mentions(seen, seenlen, is.v[i]))
			continue;
		if (buf_printf(out, "%s@%s", k++ ? ", " : DOC_THANK_START, is.v[i]) < 0)
			goto done;
	}
	rc = k ? buf_puts(out, DOC_NOTE_END) : 0;
done:
	strref_release(&was);
	strref_release(&is);
	return rc;
}

/* The thanks line of an existing section: regenerate it where the editor
 * left it as generated, else name the newcomers in a note beside it. */
static int merge_thanks(struct merge *m, const struct ml_draft_repo *r,
			const struct ml_pr_list *fresh, size_t h, size_t end, size_t tail)
{
	struct view_ctx cprev = {m->old, NULL}, call = {m->old, fresh};
	struct ml_draft_repo prev, all;
	struct ml_buf pt = ML_BUF_INIT, at = ML_BUF_INIT, note = ML_BUF_INIT;
	size_t t = end, n = 0;
	const char *s = "";
	int rc = -1;

	memset(&prev, 0, sizeof prev);
	memset(&all, 0, sizeof all);
	for (size_t i = h + 1; i < end && t == end; i++)
		if (!m->doc->l[i].hidden && doc_starts(m->doc, i, "Thanks to "))
			t = i;
	if (repo_view(&prev, r, &cprev) < 0 || repo_view(&all, r, &call) < 0 ||
	    thanks_of(&pt, m->d, &prev) < 0 || thanks_of(&at, m->d, &all) < 0)
		goto done;
	if (strcmp(buf_str(&pt), buf_str(&at)) == 0) {
		rc = 0;
		goto done;
	}
	if (t != end)
		s = doc_line(m->doc, t, &n);
	if (t != end && n == pt.len && memcmp(s, pt.data, n) == 0) {
		rc = doc_replace(m->doc, t, at.data, at.len);
		goto done;
	}
	if (t == end && pt.len == 0) { /* no one to thank before: the line is new */
		rc = buf_printf(&note, "\n%s\n", buf_str(&at)) < 0
			 ? -1
			 : doc_insert(m->doc, tail, note.data);
		goto done;
	}
	if (t != end && t + 1 < m->doc->n && doc_note(m->doc, t + 1, DOC_THANK_START)) {
		size_t nn;
		const char *ns = doc_line(m->doc, t + 1, &nn);
		struct ml_buf seen = ML_BUF_INIT;

		if (buf_add(&seen, s, n) < 0 || buf_add(&seen, ns, nn) < 0 ||
		    also_thank(&note, m->d, &prev, &all, seen.data, seen.len) < 0) {
			buf_release(&seen);
			goto done;
		}
		buf_release(&seen);
		rc = 0;
		if (note.len) { /* one note: the old names, then the new ones */
			struct ml_buf merged = ML_BUF_INIT;

			rc = buf_add(&merged, ns, nn - strlen(DOC_NOTE_END)) < 0 ||
				     buf_printf(&merged, ", %s",
						buf_str(&note) + strlen(DOC_THANK_START)) < 0 ||
				     doc_replace(m->doc, t + 1, merged.data, merged.len) < 0
				 ? -1
				 : 0;
			buf_release(&merged);
		}
		goto done;
	}
	if (also_thank(&note, m->d, &prev, &all, s, n) < 0)
		goto done;
	rc = 0;
	if (note.len && t != end) /* beside the editor's line */
		rc = buf_puts(&note, "\n") < 0 ? -1 : doc_insert(m->doc, t + 1, buf_str(&note));
	else if (note.len) /* the editor removed the line: where it stood */
		rc = buf_puts(&note, "\n") < 0 || doc_insert(m->doc, tail, "\n") < 0
			 ? -1
			 : doc_insert(m->doc, tail, note.data);
done:
	free(prev.prs.items);
	free(all.prs.items);
	buf_release(&pt);
	buf_release(&at);
	buf_release(&note);
	return rc;
}

/* The PR lines of fresh in one style; listed selects list items or bumps. */
static int items_of(struct ml_buf *out, const struct ml_draft *d, const struct ml_pr_list *fresh,
		    int listed, enum ml_item_style style)
{
	for (size_t i = 0; i < fresh->len; i++)
		if (draft_pr_listed(&fresh->items[i], d->deps_mode) == listed &&
		    (listed || d->deps_mode == ML_DEPS_COMMENT) &&
		    markdown_pr_item(out, draft_web(d), &fresh->items[i], style) < 0)
			return -1;
	return 0;
}

/* "We merged the following PR ..." as generated for one PR, now that there are more. */
static int plural_sentence(struct ml_doc *doc, size_t h, size_t end)
{
	static const char one[] = "We merged the following PR ";

	for (size_t i = h + 1; i < end; i++) {
		size_t n;
		const char *s = doc_line(doc, i, &n);
		const char *p = doc->l[i].hidden || doc->repl[i] ? NULL : doc_find_ci(s, n, one);
		struct ml_buf b = ML_BUF_INIT;
		int rc;

		if (!p || memcmp(p, one, sizeof one - 1) != 0)
			continue;
		rc = buf_add(&b, s, (size_t)(p - s) + sizeof one - 2) < 0 ||
			     buf_puts(&b, "s ") < 0 ||
			     buf_add(&b, p + sizeof one - 1,
				     n - (size_t)(p - s) - (sizeof one - 1)) < 0 ||
			     doc_replace(doc, i, b.data, b.len) < 0
			 ? -1
			 : 0;
		buf_release(&b);
		return rc;
	}
	return 0;
}

/* New PRs (fresh) into the repository's existing section at heading h;
 * known adds the PRs the editor linked by hand, for the thanks line. */
static int merge_into_section(struct merge *m, const struct ml_draft_repo *r,
			      const struct ml_pr_list *fresh, const struct ml_pr_list *known,
			      size_t h)
{
	struct ml_doc *doc = m->doc;
	size_t end = doc_section_end(doc, h, doc->n), tail = doc_content_end(doc, h + 1, end);
	size_t last_item = end, last_bump = end, first_other = end, listed;
	struct ml_buf items = ML_BUF_INIT, bumps = ML_BUF_INIT, block = ML_BUF_INIT;
	char link[600];
	int rc = -1;

	snprintf(link, sizeof link, "%s/%s/pull/", web_host(m->d), r->info.repo);
	for (size_t i = h + 1; i < end; i++) {
		if (doc->l[i].hidden)
			continue;
		if (doc_starts(doc, i, "- ") || doc_starts(doc, i, "* ") ||
		    doc_starts(doc, i, "+ "))
			last_item = i;
		else if (doc_starts(doc, i, "<!-- - [") && doc_has(doc, i, link))
			last_bump = i;
		if ((doc_starts(doc, i, "<!-- - [") || doc_starts(doc, i, "Thanks to ")) &&
		    first_other == end)
			first_other = i;
	}
	if (items_of(&items, m->d, fresh, 1, ML_ITEM_LIST) < 0 ||
	    items_of(&bumps, m->d, fresh, 0, ML_ITEM_COMMENT) < 0 || buf_grow(&items, 1) < 0)
		goto done;
	listed = items.len;
	if (last_bump != end && bumps.len && doc_insert(doc, last_bump + 1, bumps.data) < 0)
		goto done;
	/* bumps without a comment yet: after the list and a blank line */
	if (last_bump == end && bumps.len &&
	    (((items.len || last_item != end) && buf_puts(&items, "\n") < 0) ||
	     buf_puts(&items, buf_str(&bumps)) < 0))
		goto done;
	if (last_item != end) {
		size_t slot = last_item + 1;

		while (slot < end && !doc_blank(doc, slot) && !doc->l[slot].hidden &&
		       (doc_starts(doc, slot, " ") || doc_starts(doc, slot, "\t")))
			slot++;
		if (items.len && doc_insert(doc, slot, items.data) < 0)
			goto done;
	} else if (items.len) { /* no list yet: before the bumps and thanks */
		size_t at = first_other != end ? first_other : tail;

		/* where a deleted list left two blank lines: between them */
		while (at > h + 2 && doc_blank(doc, at - 1) && doc_blank(doc, at - 2))
			at--;
		if (buf_printf(&block, "%s%s%s", at > 0 && !doc_blank(doc, at - 1) ? "\n" : "",
			       items.data, at < end && !doc_blank(doc, at) ? "\n" : "") < 0 ||
		    doc_insert(doc, at, block.data) < 0)
			goto done;
	}
	if (listed && plural_sentence(doc, h, end) < 0)
		goto done;
	rc = merge_thanks(m, r, known, h, end, tail);
done:
	buf_release(&items);
	buf_release(&bumps);
	buf_release(&block);
	return rc;
}

/* New bumps of a repository without a section: after its last bump line
 * anywhere (a one-line comment, or inside an "only dependency updates"
 * block), in the same style. Returns 1 when placed, 0 when there is none. */
static int merge_bumps_only(struct merge *m, const struct ml_draft_repo *r,
			    const struct ml_pr_list *fresh)
{
	struct ml_buf bumps = ML_BUF_INIT;
	char link[600];
	size_t at = m->doc->n;
	int rc;

	snprintf(link, sizeof link, "%s/%s/pull/", web_host(m->d), r->info.repo);
	for (size_t i = 0; i < m->doc->n; i++)
		if (doc_has(m->doc, i, link) &&
		    ((m->doc->l[i].hidden && doc_starts(m->doc, i, "    - [")) ||
		     (!m->doc->l[i].hidden && doc_starts(m->doc, i, "<!-- - ["))))
			at = i;
	if (at == m->doc->n)
		return 0;
	rc = items_of(&bumps, m->d, fresh, 0,
		      m->doc->l[at].hidden ? ML_ITEM_IN_COMMENT : ML_ITEM_COMMENT) < 0 ||
		     buf_grow(&bumps, 1) < 0 || doc_insert(m->doc, at + 1, bumps.data) < 0
		 ? -1
		 : 1;
	buf_release(&bumps);
	return rc;
}

static int merge_repo(struct merge *m, const struct ml_draft_section *s, size_t j)
{
	const struct ml_draft_repo *r = &s->repos[j];
	struct ml_pr_list fresh, known;
	struct ml_draft_repo v;
	struct ml_buf block = ML_BUF_INIT;
	size_t h, slot, listed = 0;
	int before, rc = -1;

	memset(&fresh, 0, sizeof fresh);
	memset(&known, 0, sizeof known);
	memset(&v, 0, sizeof v);
	fresh.items = calloc(r->prs.len ? r->prs.len : 1, sizeof *fresh.items);
	known.items = calloc(r->prs.len ? r->prs.len : 1, sizeof *known.items);
	if (!fresh.items || !known.items)
		goto done;
	for (size_t i = 0; i < r->prs.len; i++) {
		const struct ml_pr *pr = &r->prs.items[i];

		if (!pr_shown(pr, m->d->deps_mode) || trailer_has(m->old, pr->repo, pr->number))
			continue;
		/* new to the file, or linked by the editor already: offered from now on */
		known.items[known.len++] = *pr;
		if (trailer_add(m->now, pr->repo, strlen(pr->repo), pr->number) < 0)
			goto done;
		if (trailer_has(&m->linked, pr->repo, pr->number))
			continue;
		fresh.items[fresh.len++] = *pr;
		listed += draft_pr_listed(pr, m->d->deps_mode);
	}
	rc = 0;
	if (known.len == 0)
		goto done;
	h = find_repo_heading(m->doc, draft_web(m->d), r->info.repo);
	if (h != m->doc->n) {
		rc = merge_into_section(m, r, &fresh, &known, h);
		goto done;
	}
	if (fresh.len == 0)
		goto done;
	if (!listed && (rc = merge_bumps_only(m, r, &fresh)) != 0) {
		rc = rc < 0 ? -1 : 0;
		goto done;
	}
	if (listed && (rc = replace_bumps_block(m, r, &fresh)) != 0) {
		rc = rc < 0 ? -1 : 0;
		goto done;
	}
	/* a section (or a block of bumps) of its own, in config order in its part */
	v = *r;
	v.prs = fresh;
	slot = new_slot(m, s, j, &before);
	rc = (!before && buf_puts(&block, "\n") < 0) || markdown_section(&block, m->d, &v) < 0 ||
		     (before && buf_puts(&block, "\n") < 0) ||
		     buf_puts(&m->doc->late[slot], block.data) < 0
		 ? -1
		 : 0;
done:
	free(fresh.items);
	free(known.items);
	buf_release(&block);
	return rc;
}

int merge_draft(struct ml_doc *doc, const struct ml_draft *d, int issue,
		const struct ml_trailer *old, struct ml_trailer *now)
{
	struct merge m;
	int rc = -1;

	memset(&m, 0, sizeof m);
	m.doc = doc;
	m.d = d;
	m.issue = issue;
	m.old = old;
	m.now = now;
	if (old &&
	    (text_links(&m.linked, d, doc->s, doc->len) < 0 ||
	     (issue && (markdown_issue(&m.fresh_text, d) < 0 || buf_grow(&m.fresh_text, 1) < 0 ||
			doc_open(&m.fresh, m.fresh_text.data, m.fresh_text.len) < 0))))
		goto done;
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			const struct ml_draft_repo *r = &d->sections[i].repos[j];

			if (old && merge_repo(&m, &d->sections[i], j) < 0)
				goto done;
			for (size_t k = 0; !old && k < r->prs.len; k++)
				if (pr_shown(&r->prs.items[k], d->deps_mode) &&
				    trailer_add(now, r->info.repo, strlen(r->info.repo),
						r->prs.items[k].number) < 0)
					goto done;
		}
	rc = 0;
done:
	trailer_release(&m.linked);
	doc_release(&m.fresh);
	buf_release(&m.fresh_text);
	return rc;
}
