/* tooling.c: the candidate rule, its search queries, and the fetch. */
#include "mergeletter/github/tooling.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/github/search.h"
#include "mergeletter/model/filter.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/progress.h"

#define TITLE_WORDS_PER_QUERY 6 /* GitHub allows five AND/OR/NOT operators */

struct tooling_source {
	struct ml_tooling_fetch *tf;
	const struct ml_tooling_source *cfg;
	struct ml_strv scopes;
	struct ml_search_fetch *searches; /* one per scope: scopes never share a query */
	size_t nsearches;
	struct ml_pulls_fetch pulls; /* the fallback */
	int pulls_started;
	struct ml_pr_list found; /* search items and pulls, duplicates included */
};

static int is_word_byte(unsigned char c)
{
	return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The end of word matched at t (past its last byte), or NULL. */
static const char *match_at(const char *t, const char *word)
{
	const char *w = word;

	while (*w) {
		if (*w == ' ') {
			if (!is_space(*t))
				return NULL;
			while (is_space(*t))
				t++;
			while (*w == ' ')
				w++;
			continue;
		}
		if (lower(*t) != lower(*w))
			return NULL;
		t++;
		w++;
	}
	return t;
}

int tooling_title_has(const char *title, const char *word)
{
	if (!title || !word || !*word)
		return 0;
	for (const char *t = title; *t; t++) {
		const char *end;

		if (t > title && is_word_byte((unsigned char)t[-1]) &&
		    is_word_byte((unsigned char)word[0]))
			continue;
		end = match_at(t, word);
		if (!end)
			continue;
		if (is_word_byte((unsigned char)*end) && is_word_byte((unsigned char)end[-1]))
			continue;
		return 1;
	}
	return 0;
}

int tooling_is_rollup(const char *title)
{
	regex_t re;
	int hit;

	if (!title ||
	    regcomp(&re, "^rollup of [0-9]+ pull requests?$", REG_EXTENDED | REG_ICASE | REG_NOSUB))
		return 0;
	hit = regexec(&re, title, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

int tooling_is_candidate(const struct ml_tooling_source *src, const struct ml_filter *filter,
			 const struct ml_pr *pr)
{
	if (tooling_is_rollup(pr->title) || (filter && filter_is_bump(filter, pr)))
		return 0;
	for (size_t i = 0; i < src->labels.n; i++)
		if (strv_contains_case(&pr->labels, src->labels.v[i]))
			return 1;
	for (size_t i = 0; i < src->title_words.n; i++)
		if (tooling_title_has(pr->title, src->title_words.v[i]))
			return 1;
	return 0;
}

/* ---- queries ---- */

/* The length of the whole query of scope s. */
static size_t query_len(const char *s, const struct ml_range *range)
{
	char *q = search_query_string(&s, 0, 1, range->since, range->until);
	size_t n = q ? strlen(q) : (size_t)-1;

	free(q);
	return n;
}

/* Push b as a scope when it passes the prefix, and start b again. */
static int flush(struct ml_buf *b, size_t prefix, const char *suffix, struct ml_strv *out)
{
	int rc = 0;

	if (b->len > prefix)
		rc = buf_puts(b, suffix) < 0 || strv_push(out, b->data) < 0 ? -1 : 0;
	buf_setlen(b, prefix);
	return rc;
}

/* Append term (with its separator) to the scope being built in b, first
 * flushing b when the term would not fit. */
static int add_term(struct ml_buf *b, size_t prefix, const char *sep, const char *term,
		    const char *suffix, int *nterms, int max_terms, const struct ml_range *range,
		    struct ml_strv *out, struct ml_error *err)
{
	size_t mark = b->len;

	for (int attempt = 0; attempt < 2; attempt++) {
		int first = b->len == prefix;

		if (!first && *nterms >= max_terms)
			goto next;
		if ((!first && buf_puts(b, sep) < 0) || buf_puts(b, term) < 0 ||
		    buf_puts(b, suffix) < 0)
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		if (query_len(b->data, range) <= SEARCH_QUERY_MAX) {
			buf_setlen(b, b->len - strlen(suffix));
			(*nterms)++;
			return 0;
		}
		buf_setlen(b, mark);
		if (first)
			return error_set(err, ML_EXIT_USAGE,
					 "tooling: the search term '%s' does not fit in GitHub's "
					 "%d characters; shorten it",
					 term, SEARCH_QUERY_MAX);
	next:
		if (flush(b, prefix, suffix, out) < 0)
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		*nterms = 0;
		mark = prefix;
	}
	return 0;
}

int tooling_scopes(const struct ml_tooling_source *src, const struct ml_range *range,
		   struct ml_strv *out, struct ml_error *err)
{
	struct ml_buf b = ML_BUF_INIT, term = ML_BUF_INIT;
	size_t prefix;
	int n = 0, rc = -1;

	if (buf_printf(&b, "repo:%s label:", src->repo) < 0)
		goto oom;
	prefix = b.len;
	for (size_t i = 0; i < src->labels.n; i++) {
		const char *l = src->labels.v[i];

		buf_reset(&term);
		if ((strchr(l, ' ') ? buf_printf(&term, "\"%s\"", l) : buf_puts(&term, l)) < 0)
			goto oom;
		if (add_term(&b, prefix, ",", term.data, "", &n, 1 << 30, range, out, err) < 0)
			goto done;
	}
	if (flush(&b, prefix, "", out) < 0)
		goto oom;
	buf_reset(&b);
	if (buf_printf(&b, "repo:%s ", src->repo) < 0)
		goto oom;
	prefix = b.len;
	n = 0;
	for (size_t i = 0; i < src->title_words.n; i++) {
		buf_reset(&term);
		if (buf_printf(&term, "\"%s\"", src->title_words.v[i]) < 0)
			goto oom;
		if (add_term(&b, prefix, " OR ", term.data, " in:title", &n, TITLE_WORDS_PER_QUERY,
			     range, out, err) < 0)
			goto done;
	}
	if (flush(&b, prefix, " in:title", out) < 0)
		goto oom;
	rc = 0;
	goto done;
oom:
	error_set(err, ML_EXIT_FAILURE, "out of memory");
done:
	buf_release(&b);
	buf_release(&term);
	return rc;
}

/* ---- fetching ---- */

/* Search could not answer: list the source's pulls instead (once). */
static int source_incomplete(void *ud, const char *scope, const char *why, struct ml_error *err)
{
	struct tooling_source *s = ud;

	(void)scope;
	if (s->pulls_started)
		return 0;
	s->pulls_started = 1;
	progress_warn(s->tf->gh->progress,
		      "tooling: search cannot answer for %s (%s); listing its pulls instead",
		      s->cfg->repo, why ? why : "incomplete results");
	s->pulls.gh = s->tf->gh;
	s->pulls.repo = s->cfg->repo;
	s->pulls.range = s->tf->range;
	s->pulls.out = &s->found;
	return github_pulls_start(&s->pulls, err);
}

int tooling_fetch_start(struct ml_tooling_fetch *tf, struct ml_error *err)
{
	const struct ml_tooling_cfg *cfg = tf->cfg;

	if (!cfg->nsources)
		return 0;
	if (!(tf->sources = calloc(cfg->nsources, sizeof *tf->sources)))
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	tf->nsources = cfg->nsources;
	for (size_t i = 0; i < cfg->nsources; i++) {
		struct tooling_source *s = &tf->sources[i];

		s->tf = tf;
		s->cfg = &cfg->sources[i];
		if (tooling_scopes(s->cfg, tf->range, &s->scopes, err) < 0)
			return -1;
		if (!(s->searches = calloc(s->scopes.n, sizeof *s->searches)))
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		for (size_t j = 0; j < s->scopes.n; j++) {
			struct ml_search_fetch *sf = &s->searches[s->nsearches++];

			sf->gh = tf->gh;
			sf->scopes = (const char *const *)&s->scopes.v[j];
			sf->nscopes = 1;
			sf->range = tf->range;
			sf->out = &s->found;
			sf->fallback = source_incomplete;
			sf->ud = s;
			if (search_fetch_start(sf, err) < 0)
				return -1;
			tf->queries++;
		}
	}
	return 0;
}

static int has_number(const struct ml_pr_list *l, long number)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].number == number)
			return 1;
	return 0;
}

int tooling_fetch_finish(struct ml_tooling_fetch *tf, const struct ml_filter *filter,
			 struct ml_pr_list *out, struct ml_error *err)
{
	for (size_t i = 0; i < tf->nsources; i++) {
		struct tooling_source *s = &tf->sources[i];
		struct ml_pr_list picked = {0};

		for (size_t j = 0; j < s->found.len; j++) {
			struct ml_pr *src = &s->found.items[j], *dst;

			if (!range_contains(tf->range, src->merged_at) ||
			    has_number(&picked, src->number) ||
			    !tooling_is_candidate(s->cfg, filter, src))
				continue;
			if (!(dst = pr_list_add(&picked))) {
				pr_list_release(&picked);
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			}
			*dst = *src;
			memset(src, 0, sizeof *src);
			free(dst->repo);
			dst->repo = ml_strdup(s->cfg->repo);
			if (!dst->repo) {
				pr_list_release(&picked);
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			}
		}
		pr_list_sort(&picked);
		if (pr_list_take(out, &picked) < 0) {
			pr_list_release(&picked);
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		}
	}
	return 0;
}

void tooling_fetch_release(struct ml_tooling_fetch *tf)
{
	for (size_t i = 0; i < tf->nsources; i++) {
		struct tooling_source *s = &tf->sources[i];

		for (size_t j = 0; j < s->nsearches; j++)
			search_fetch_release(&s->searches[j]);
		free(s->searches);
		strv_release(&s->scopes);
		pr_list_release(&s->found);
		github_pulls_release(&s->pulls);
	}
	free(tf->sources);
	tf->sources = NULL;
	tf->nsources = 0;
}
