/* previous.c: read a published issue back into the config model. */
#include "mergeletter/document/previous.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/model/pr.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/libcurl.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/str.h"

#define GITHUB_WEB "https://github.com/"
#define MAINTAINERS_OPEN "<span class=\"maintainers\">"

enum line_kind {
	K_BLANK, /* empty, or an HTML comment */
	K_TEXT,
	K_CODE, /* a fence or inside one */
	K_H2,
	K_H3,
	K_OTHER, /* a deeper heading */
};

struct line {
	const char *s;
	size_t n; /* without the line ending */
	int no;	  /* 1-based */
	enum line_kind kind;
};

enum block_kind { B_TEXT, B_LIST, B_CODE, B_OTHER };

struct block {
	enum block_kind kind;
	size_t first, last; /* line indexes, inclusive */
};

struct parser {
	const char *path;
	struct ml_progress *progress;
	struct line *lines;
	size_t nlines;
	struct ml_config *cfg;
};

/* The first occurrence of needle[0..m) in s[0..n), or NULL (memmem is not POSIX). */
static const char *mem_find(const char *s, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

static void warn_at(const struct parser *p, int line, const char *what, const char *subject)
{
	if (subject)
		progress_warn(p->progress, "%s:%d: %s: %s", p->path, line, subject, what);
	else
		progress_warn(p->progress, "%s:%d: %s", p->path, line, what);
}

static int starts(const struct line *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->n >= n && memcmp(l->s, prefix, n) == 0;
}

static size_t rtrim_len(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static const char *skip_spaces(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Split into lines (LF or CRLF) and classify them, following HTML
 * comments and code fences. */
static int split_lines(struct parser *p, const char *text, size_t len)
{
	size_t cap = 64;
	int in_comment = 0, in_fence = 0;

	p->lines = malloc(cap * sizeof *p->lines);
	if (!p->lines)
		return -1;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct line *l;
		const char *lead;

		if (p->nlines == cap) {
			struct line *v = realloc(p->lines, (cap *= 2) * sizeof *v);

			if (!v)
				return -1;
			p->lines = v;
		}
		l = &p->lines[p->nlines++];
		l->s = text + i;
		l->n = end - i;
		if (l->n && l->s[l->n - 1] == '\r')
			l->n--;
		l->no = (int)p->nlines;
		i = end + 1;
		lead = skip_spaces(l->s, l->s + l->n);
		if (in_comment) {
			l->kind = K_BLANK;
			in_comment = !mem_find(l->s, l->n, "-->", 3);
		} else if ((size_t)(l->s + l->n - lead) >= 3 &&
			   (memcmp(lead, "```", 3) == 0 || memcmp(lead, "~~~", 3) == 0)) {
			l->kind = K_CODE;
			in_fence = !in_fence;
		} else if (in_fence) {
			l->kind = K_CODE;
		} else if (rtrim_len(l->s, l->n) == (size_t)(lead - l->s)) {
			l->kind = K_BLANK;
		} else if (starts(l, "<!--")) {
			l->kind = K_BLANK;
			in_comment = !mem_find(l->s + 4, l->n - 4, "-->", 3);
		} else if (starts(l, "## ")) {
			l->kind = K_H2;
		} else if (starts(l, "### ")) {
			l->kind = K_H3;
		} else if (starts(l, "#### ") || starts(l, "# ")) {
			l->kind = K_OTHER;
		} else {
			l->kind = K_TEXT;
		}
	}
	return 0;
}

/* The lines first..last joined with "\n" (trailing blanks of the last line dropped). */
static char *join_lines(const struct parser *p, size_t first, size_t last)
{
	struct ml_buf b = ML_BUF_INIT;

	for (size_t i = first; i <= last; i++) {
		const struct line *l = &p->lines[i];
		size_t n = i == last ? rtrim_len(l->s, l->n) : l->n;

		if ((i > first && buf_add(&b, "\n", 1) < 0) || buf_add(&b, l->s, n) < 0) {
			buf_release(&b);
			return NULL;
		}
	}
	return buf_detach(&b);
}

/* ---- front matter ---- */

/* A TOML value of the front matter (a basic string or an array of them,
 * which are JSON too), through jansson. NULL when it is neither. */
static json_t *front_value(const char *s, size_t n)
{
	json_error_t jerr;

	return json_loadb(s, n, JSON_DECODE_ANY, &jerr);
}

static int front_matter(struct parser *p, size_t *body, char **month)
{
	struct ml_config *cfg = p->cfg;
	size_t i;

	*body = 0;
	if (p->nlines == 0 || p->lines[0].n != 3 || memcmp(p->lines[0].s, "+++", 3) != 0)
		return 0;
	for (i = 1; i < p->nlines; i++) {
		const struct line *l = &p->lines[i];
		const char *eq = memchr(l->s, '=', l->n), *v;
		size_t klen;
		json_t *val;
		int bad = 0;

		if (l->n == 3 && memcmp(l->s, "+++", 3) == 0)
			break;
		if (!eq)
			continue;
		klen = rtrim_len(l->s, (size_t)(eq - l->s));
		if (!((klen == 5 && memcmp(l->s, "title", 5) == 0) ||
		      (klen == 7 && memcmp(l->s, "editors", 7) == 0) ||
		      (klen == 5 && memcmp(l->s, "month", 5) == 0)))
			continue;
		v = skip_spaces(eq + 1, l->s + l->n);
		val = front_value(v, rtrim_len(v, (size_t)(l->s + l->n - v)));
		if (klen == 7 && json_is_array(val)) {
			size_t k;
			json_t *e;

			json_array_foreach(val, k, e)
			{
				if (!json_is_string(e))
					bad = 1;
				else if (strv_push(&cfg->editors, json_string_value(e)) < 0)
					bad = -1;
			}
		} else if (klen == 5 && json_is_string(val)) {
			char **dst = l->s[0] == 't' ? &cfg->title : month;

			free(*dst);
			if (!(*dst = ml_strdup(json_string_value(val))))
				bad = -1;
		} else {
			bad = 1;
		}
		json_decref(val);
		if (bad < 0)
			return -1;
		if (bad)
			warn_at(p, l->no,
				"cannot read this front matter line; it is not carried over", NULL);
	}
	if (i == p->nlines) {
		warn_at(p, 1, "the front matter has no closing \"+++\"; it is not carried over",
			NULL);
		strv_release(&cfg->editors);
		free(cfg->title);
		cfg->title = NULL;
		return 0;
	}
	*body = i + 1;
	return 0;
}

/* "This Month in Rust OSDev: August 2023" -> "This Month in Rust OSDev". */
static void title_without_month(char *title, const char *month)
{
	size_t n = strlen(title), m = month ? strlen(month) : 0;
	char *colon;

	if (m && n > m + 2 && strcmp(title + n - m, month) == 0 &&
	    memcmp(title + n - m - 2, ": ", 2) == 0) {
		title[n - m - 2] = '\0';
		return;
	}
	colon = strstr(title, ": ");
	while (colon && strstr(colon + 2, ": "))
		colon = strstr(colon + 2, ": ");
	if (colon)
		*colon = '\0';
}

/* ---- repository sections ---- */

/* "https://github.com/OWNER/REPO" (a trailing "/" or ".git" allowed) to
 * "OWNER/REPO" through libcurl's URL parser; NULL when it is not one. */
static char *repo_from_link(const char *url, size_t n)
{
	CURLU *u = curl_url();
	char *s = ml_strndup(url, n), *host = NULL, *path = NULL, *repo = NULL;
	size_t len;

	if (!u || !s || curl_url_set(u, CURLUPART_URL, s, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto done;
	if (strcasecmp(host, "github.com") != 0 && strcasecmp(host, "www.github.com") != 0)
		goto done;
	len = strlen(path);
	if (len && path[len - 1] == '/')
		path[--len] = '\0';
	if (len > 4 && strcmp(path + len - 4, ".git") == 0)
		path[len - 4] = '\0';
	if (repo_name_valid(path + 1))
		repo = ml_strdup(path + 1);
done:
	curl_free(host);
	curl_free(path);
	curl_url_cleanup(u);
	free(s);
	return repo;
}

/* "### [`name`](https://github.com/OWNER/REPO)": 0 with *repo and *name
 * (NULL when the name is the repository's), 1 when the heading is not a
 * link to a repository, -1 when out of memory. */
static int parse_heading(const struct line *l, char **repo, char **name, int *is_link)
{
	const char *s = l->s + 4, *end = l->s + rtrim_len(l->s, l->n), *close, *url_end;
	const char *n0, *n1, *slash;

	*repo = *name = NULL;
	*is_link = 0;
	s = skip_spaces(s, end);
	if (s >= end || *s != '[')
		return 1;
	*is_link = 1;
	close = mem_find(s, (size_t)(end - s), "](", 2);
	if (!close || end[-1] != ')')
		return 1;
	url_end = end - 1;
	n0 = s + 1;
	n1 = close;
	if (n1 - n0 >= 2 && *n0 == '`' && n1[-1] == '`')
		n0++, n1--;
	if (!(*repo = repo_from_link(close + 2, (size_t)(url_end - close - 2))))
		return 1;
	slash = strchr(*repo, '/');
	if ((size_t)(n1 - n0) == strlen(slash + 1) && memcmp(n0, slash + 1, (size_t)(n1 - n0)) == 0)
		return 0;
	if (!(*name = ml_strndup(n0, (size_t)(n1 - n0)))) {
		free(*repo);
		*repo = NULL;
		return -1;
	}
	return 0;
}

static int add_maintainer(struct ml_repo_cfg *rc, const char *login, size_t ln, const char *url,
			  size_t un)
{
	struct ml_maintainer *v = realloc(rc->maintainers, (rc->nmaintainers + 1) * sizeof *v);
	struct ml_maintainer *m;

	if (!v)
		return -1;
	rc->maintainers = v;
	m = &v[rc->nmaintainers];
	memset(m, 0, sizeof *m);
	if (!(m->login = ml_strndup(login, ln)))
		return -1;
	rc->nmaintainers++;
	if (un == strlen(GITHUB_WEB) + ln && memcmp(url, GITHUB_WEB, strlen(GITHUB_WEB)) == 0 &&
	    memcmp(url + strlen(GITHUB_WEB), login, ln) == 0)
		return 0; /* the default link */
	return (m->url = ml_strndup(url, un)) ? 0 : -1;
}

/* The logins and links "[@login](url)" of a maintainers line. */
static int parse_maintainers(struct ml_repo_cfg *rc, const char *s, size_t n)
{
	const char *end = s + n, *p = s;

	while ((p = mem_find(p, (size_t)(end - p), "[@", 2)) != NULL) {
		const char *login = p + 2, *q = login, *url, *close;

		while (q < end && (*q == '-' || (*q >= '0' && *q <= '9') ||
				   (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
			q++;
		p = q;
		if (!pr_login_valid(login, (size_t)(q - login)) || end - q < 2 ||
		    memcmp(q, "](", 2) != 0)
			continue; /* not a GitHub login: text, not a maintainer */
		url = q + 2;
		close = memchr(url, ')', (size_t)(end - url));
		if (!close)
			break;
		if (add_maintainer(rc, login, (size_t)(q - login), url, (size_t)(close - url)) < 0)
			return -1;
		p = close;
	}
	return 0;
}

static int is_list_item(const struct line *l)
{
	const char *s = skip_spaces(l->s, l->s + l->n);
	size_t rest = (size_t)(l->s + l->n - s);

	if (rest >= 2 && (*s == '-' || *s == '*' || *s == '+') && s[1] == ' ')
		return 1;
	while (rest && *s >= '0' && *s <= '9')
		s++, rest--;
	return s != skip_spaces(l->s, l->s + l->n) && rest >= 2 && (*s == '.' || *s == ')') &&
	       s[1] == ' ';
}

/* The blocks (paragraphs, lists, code) of lines [from, to). */
static size_t find_blocks(const struct parser *p, size_t from, size_t to, struct block *out)
{
	size_t n = 0;
	int open = 0;

	for (size_t i = from; i < to; i++) {
		const struct line *l = &p->lines[i];
		enum block_kind k;

		if (l->kind == K_BLANK) {
			open = 0;
			continue;
		}
		k = l->kind == K_CODE ? B_CODE : l->kind == K_TEXT ? B_TEXT : B_OTHER;
		if (k == B_TEXT && is_list_item(l))
			k = B_LIST;
		/* a list goes on over its continuation lines; a list item interrupts a paragraph */
		if (open && (out[n - 1].kind == k || (out[n - 1].kind == B_LIST && k == B_TEXT))) {
			out[n - 1].last = i;
			continue;
		}
		out[n].kind = k;
		out[n].first = out[n].last = i;
		n++;
		open = 1;
	}
	return n;
}

static int block_has_pr_link(const struct parser *p, const struct block *b)
{
	for (size_t i = b->first; i <= b->last; i++) {
		const struct line *l = &p->lines[i];
		const char *gh = mem_find(l->s, l->n, GITHUB_WEB, strlen(GITHUB_WEB));

		if (gh && (mem_find(gh, (size_t)(l->s + l->n - gh), "/pull/", 6) ||
			   mem_find(gh, (size_t)(l->s + l->n - gh), "/commit/", 8)))
			return 1;
	}
	return 0;
}

static int contains_case(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return 1;
	return 0;
}

/* In a paragraph that ends with the lead-in sentence, where the text
 * before it ends (*intro_end) and where the lead-in starts (*lead): the
 * first sentence saying "we merged", else the first saying "the
 * following", else the last. Sentences end at ". ", "! " or "? " outside
 * code spans and link targets. */
static const char *const lead_words[] = {"we merged", "the following"};

static void find_lead(const char *t, size_t n, size_t *intro_end, size_t *lead)
{
	size_t ends[64], starts_[64], count = 1, pick = SIZE_MAX;
	int code = 0, target = 0;

	ends[0] = starts_[0] = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (t[i] == '`')
			code = !code;
		else if (!code && t[i] == ']' && t[i + 1] == '(')
			target = 1;
		else if (target && t[i] == ')')
			target = 0;
		else if (!code && !target && t[i] && strchr(".!?", t[i]) &&
			 (t[i + 1] == ' ' || t[i + 1] == '\n') && count < 64) {
			size_t s = i + 1;

			while (s < n && (t[s] == ' ' || t[s] == '\n'))
				s++;
			ends[count] = i + 1;
			starts_[count++] = s;
		}
	}
	for (size_t w = 0; w < sizeof lead_words / sizeof *lead_words && pick == SIZE_MAX; w++)
		for (size_t k = 0; k < count && pick == SIZE_MAX; k++) {
			size_t e = k + 1 < count ? ends[k + 1] : n;

			if (contains_case(t + starts_[k], e - starts_[k], lead_words[w]))
				pick = k;
		}
	if (pick == SIZE_MAX)
		pick = count - 1;
	*intro_end = ends[pick];
	*lead = starts_[pick];
}

static int ends_with_colon(const struct line *l)
{
	size_t n = rtrim_len(l->s, l->n);

	return n && l->s[n - 1] == ':';
}

/* The intro of a repository section whose body is the blocks b[0..nb). */
static int take_intro(const struct parser *p, struct ml_repo_cfg *rc, const struct block *b,
		      size_t nb, int heading_line)
{
	size_t list = nb, intro_end, lead;
	const struct block *lb;
	char *text;

	for (size_t i = 0; i < nb && list == nb; i++)
		if (b[i].kind == B_LIST && block_has_pr_link(p, &b[i]))
			list = i;
	if (list == nb) {
		warn_at(p, heading_line, "no list of PRs; the intro is not carried over", rc->repo);
		return 0;
	}
	lb = list ? &b[list - 1] : NULL;
	if (!lb || lb->kind != B_TEXT || !ends_with_colon(&p->lines[lb->last])) {
		warn_at(p, p->lines[b[list].first].no,
			"no sentence ending in ':' leads into the PR list; the intro is not "
			"carried over",
			rc->repo);
		return 0;
	}
	if (list - 1 > 0) { /* the intro is the first paragraph, the lead-in stands apart */
		if (b[0].kind != B_TEXT || p->lines[b[0].first].s[0] == '<') {
			warn_at(p, p->lines[b[0].first].no,
				"the first paragraph is not text; the intro is not carried over",
				rc->repo);
			return 0;
		}
		rc->intro = join_lines(p, b[0].first, b[0].last);
		rc->intro_sep = ml_strdup("\n\n");
		return rc->intro && rc->intro_sep ? 0 : -1;
	}
	if (!(text = join_lines(p, lb->first, lb->last)))
		return -1;
	find_lead(text, strlen(text), &intro_end, &lead);
	if (intro_end > 0) {
		rc->intro = ml_strndup(text, intro_end);
		if (!rc->intro ||
		    (!(lead - intro_end == 1 && text[intro_end] == ' ') &&
		     !(rc->intro_sep = ml_strndup(text + intro_end, lead - intro_end)))) {
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

static struct ml_repo_cfg *find_repo(struct ml_config *cfg, const char *repo)
{
	for (size_t i = 0; i < cfg->nsections; i++)
		for (size_t j = 0; j < cfg->sections[i].nrepos; j++)
			if (ml_strcaseeq(cfg->sections[i].repos[j].repo, repo))
				return &cfg->sections[i].repos[j];
	return NULL;
}

static struct ml_section_cfg *config_add_section(struct ml_config *cfg, const char *heading,
						 const char *intro, int line)
{
	struct ml_section_cfg *v = realloc(cfg->sections, (cfg->nsections + 1) * sizeof *v), *s;

	if (!v)
		return NULL;
	cfg->sections = v;
	s = &v[cfg->nsections++];
	memset(s, 0, sizeof *s);
	s->line = line;
	if (!(s->heading = ml_strdup(heading)) || (intro && !(s->intro = ml_strdup(intro))))
		return NULL;
	return s;
}

/* Append an empty repository to a section; NULL when out of memory. */
static struct ml_repo_cfg *section_add_repo(struct ml_section_cfg *s)
{
	struct ml_repo_cfg *v = realloc(s->repos, (s->nrepos + 1) * sizeof *v);

	if (!v)
		return NULL;
	s->repos = v;
	memset(&v[s->nrepos], 0, sizeof *v);
	return &v[s->nrepos++];
}

struct part {
	size_t line;			/* index of the "##" line */
	char *intro;			/* its first paragraph */
	struct ml_section_cfg *section; /* made on its first repository */
};

/* A new repository in the part's section (made on the first). */
static struct ml_repo_cfg *part_add_repo(struct parser *p, struct part *part)
{
	const struct line *l = &p->lines[part->line];

	if (!part->section) {
		char *heading = ml_strndup(l->s + 3, rtrim_len(l->s, l->n) - 3);

		part->section =
		    heading ? config_add_section(p->cfg, heading, part->intro, l->no) : NULL;
		free(heading);
		if (!part->section)
			return NULL;
	}
	return section_add_repo(part->section);
}

/* The comment at line index c, "<!-- NAME had only dependency updates this
 * month: - [title](https://github.com/OWNER/REPO/pull/N) -->" as
 * markdown.c writes it: the repository stays in the issue (with no
 * maintainers line known). Without a link, a warning. */
static int only_bumps_comment(struct parser *p, struct part *part, size_t c)
{
	size_t last = c, said_at = 0;
	int said = 0;
	char *repo = NULL;

	for (; last < p->nlines; last++) {
		const struct line *l = &p->lines[last];
		size_t skip = last == c ? 4 : 0;

		if (!said && contains_case(l->s, l->n, "had only dependency")) {
			said = 1;
			said_at = last;
		}
		if (mem_find(l->s + skip, l->n - skip, "-->", 3))
			break;
	}
	if (!said)
		return 0;
	for (size_t i = c; i <= last && i < p->nlines && !repo; i++) {
		const struct line *l = &p->lines[i];
		const char *gh = mem_find(l->s, l->n, GITHUB_WEB, strlen(GITHUB_WEB)), *pull;

		pull = gh ? mem_find(gh, (size_t)(l->s + l->n - gh), "/pull/", 6) : NULL;
		if (pull)
			repo = repo_from_link(gh, (size_t)(pull - gh));
	}
	if (!repo) {
		const struct line *l = &p->lines[said_at];
		const char *start = skip_spaces(l->s, l->s + l->n), *end = start;
		char *name;

		while (end < l->s + l->n && *end != ' ')
			end++;
		if (!(name = ml_strndup(start, (size_t)(end - start))))
			return -1;
		warn_at(p, l->no,
			"had only dependency updates, but the comment links to none of its PRs; it "
			"is not carried over",
			name);
		free(name);
		return 0;
	}
	if (!find_repo(p->cfg, repo)) {
		struct ml_repo_cfg *rc = part_add_repo(p, part);

		if (!rc) {
			free(repo);
			return -1;
		}
		rc->repo = repo;
		rc->line = p->lines[c].no;
		return 0;
	}
	free(repo);
	return 0;
}

/* The repository section under the "###" line at index h, up to index end. */
static int parse_repo(struct parser *p, struct part *part, size_t h, size_t end)
{
	const struct line *hl = &p->lines[h], *part_line = &p->lines[part->line];
	struct block *blocks = NULL;
	struct ml_repo_cfg *rc, *dup;
	char *repo = NULL, *name = NULL;
	size_t i = h + 1, nb;
	int is_link, rc_ = -1, r = parse_heading(hl, &repo, &name, &is_link);

	if (r < 0)
		return -1;
	if (r > 0) {
		/* a sub-heading of news is no repository; a repository-like one is worth a word */
		if (is_link && contains_case(part_line->s, part_line->n, "project"))
			warn_at(p, hl->no,
				"the heading does not link to a GitHub repository "
				"(https://github.com/OWNER/REPO); the section is not carried over",
				NULL);
		return 0;
	}
	if ((dup = find_repo(p->cfg, repo)) != NULL) {
		struct ml_buf m = ML_BUF_INIT;

		buf_printf(&m, "a second section; the one of line %d is carried over", dup->line);
		warn_at(p, hl->no, m.data ? m.data : "a second section", repo);
		buf_release(&m);
		rc_ = 0;
		goto done;
	}
	if (!(rc = part_add_repo(p, part)))
		goto done;
	rc->repo = repo;
	rc->name = name;
	repo = name = NULL;
	rc->line = hl->no;
	while (i < end && p->lines[i].kind == K_BLANK)
		i++;
	if (i < end && starts(&p->lines[i], MAINTAINERS_OPEN)) {
		const struct line *ml = &p->lines[i];
		size_t n = rtrim_len(ml->s, ml->n);

		if (n >= 7 && memcmp(ml->s + n - 7, "</span>", 7) == 0) {
			if (!(rc->maintainers_line = ml_strndup(ml->s, n)) ||
			    parse_maintainers(rc, ml->s, n) < 0)
				goto done;
			rc->maintainers_known = 1;
			if (rc->nmaintainers == 0)
				warn_at(p, ml->no,
					"no [@login](link) in the maintainers line; the thanks "
					"line may thank a maintainer",
					rc->repo);
		} else {
			warn_at(p, ml->no,
				"the maintainers line does not end with </span>; it is not carried "
				"over",
				rc->repo);
		}
		i++;
	} else {
		warn_at(p, hl->no, "no maintainers line under the heading", rc->repo);
	}
	if (!(blocks = calloc(end - i + 1, sizeof *blocks)))
		goto done;
	nb = find_blocks(p, i, end, blocks);
	rc_ = take_intro(p, rc, blocks, nb, hl->no);
done:
	free(blocks);
	free(repo);
	free(name);
	return rc_;
}

/* The first paragraph under a "##" line, when it is text. */
static char *part_intro(const struct parser *p, size_t h2)
{
	size_t i = h2 + 1, last;

	while (i < p->nlines && p->lines[i].kind == K_BLANK)
		i++;
	if (i >= p->nlines || p->lines[i].kind != K_TEXT || p->lines[i].s[0] == '<' ||
	    is_list_item(&p->lines[i]))
		return NULL;
	for (last = i; last + 1 < p->nlines && p->lines[last + 1].kind == K_TEXT; last++)
		;
	return join_lines(p, i, last);
}

static int parse_body(struct parser *p, size_t from)
{
	struct part part = {0, NULL, NULL};
	int have_part = 0, rc = -1;

	for (size_t i = from; i < p->nlines; i++) {
		size_t end;

		if (p->lines[i].kind == K_H2) {
			free(part.intro);
			part.line = i;
			part.section = NULL;
			part.intro = NULL;
			/* "## " and nothing: no heading for a section to keep */
			have_part = rtrim_len(p->lines[i].s, p->lines[i].n) > 3;
			if (!have_part)
				warn_at(p, p->lines[i].no,
					"an empty \"##\" heading; the repositories under it are "
					"left out",
					NULL);
			else
				part.intro = part_intro(p, i);
			continue;
		}
		if (!have_part)
			continue;
		if (p->lines[i].kind == K_BLANK && starts(&p->lines[i], "<!--") &&
		    only_bumps_comment(p, &part, i) < 0)
			goto done;
		if (p->lines[i].kind != K_H3)
			continue;
		for (end = i + 1;
		     end < p->nlines && p->lines[end].kind != K_H2 && p->lines[end].kind != K_H3;
		     end++)
			;
		if (parse_repo(p, &part, i, end) < 0)
			goto done;
	}
	rc = 0;
done:
	free(part.intro);
	return rc;
}

int previous_parse(struct ml_config *out, const char *text, size_t len, const char *path,
		   struct ml_progress *progress, struct ml_error *err)
{
	struct parser p;
	const char *nul;
	char *month = NULL;
	size_t body = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	/* its sections are found by their links, read by libcurl's URL
	 * parser: a missing libcurl is said, not taken for no sections */
	if (libcurl_load(err) < 0)
		return -1;
	nul = memchr(text, '\0', len);
	if (nul) { /* every string read from it would stop there */
		size_t line = 1;

		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		return error_set(err, ML_EXIT_USAGE,
				 "%s:%zu: a NUL byte: not a markdown text; give --previous the "
				 "published issue's .md file",
				 path, line);
	}
	p.path = path;
	p.progress = progress;
	p.cfg = out;
	if (!(out->path = ml_strdup(path)) || split_lines(&p, text, len) < 0 ||
	    front_matter(&p, &body, &month) < 0 || parse_body(&p, body) < 0)
		goto done;
	if (out->title)
		title_without_month(out->title, month);
	rc = 0;
done:
	if (rc < 0) {
		config_release(out);
		error_set(err, ML_EXIT_FAILURE, "out of memory");
	}
	free(month);
	free(p.lines);
	return rc;
}

int previous_load(struct ml_config *out, const char *path, struct ml_progress *progress,
		  struct ml_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (file_read(path, &text, &len, err) < 0) {
		error_prefix(err, "cannot read the previous issue");
		return -1;
	}
	rc = previous_parse(out, text, len, path, progress, err);
	free(text);
	return rc;
}

size_t previous_repo_count(const struct ml_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nsections; i++)
		n += cfg->sections[i].nrepos;
	return n;
}

/* Move the maintainers of src that dst does not name to the end of dst's
 * (so that neither list's logins are thanked). */
static int union_maintainers(struct ml_repo_cfg *dst, struct ml_repo_cfg *src)
{
	struct ml_maintainer *v =
	    realloc(dst->maintainers, (dst->nmaintainers + src->nmaintainers + 1) * sizeof *v);

	if (!v)
		return -1;
	dst->maintainers = v;
	for (size_t i = 0; i < src->nmaintainers; i++) {
		int known = 0;

		for (size_t k = 0; k < dst->nmaintainers && !known; k++)
			known = ml_strcaseeq(dst->maintainers[k].login, src->maintainers[i].login);
		if (known)
			continue;
		dst->maintainers[dst->nmaintainers++] = src->maintainers[i];
		memset(&src->maintainers[i], 0, sizeof src->maintainers[i]);
	}
	return 0;
}

/* A config repository and the previous issue's: the text the editor wrote
 * last wins (the issue's intro and maintainers line over the config's);
 * the config's name and maintainers (not thanked) stay. */
static int fill_repo(struct ml_repo_cfg *dst, const struct ml_repo_cfg *src)
{
	struct ml_repo_cfg copy;
	int rc = 0;

	if (repo_cfg_copy(&copy, src) < 0)
		return -1;
	if (!dst->name) {
		dst->name = copy.name;
		copy.name = NULL;
	}
	if (copy.intro) {
		free(dst->intro);
		free(dst->intro_sep);
		dst->intro = copy.intro;
		dst->intro_sep = copy.intro_sep;
		copy.intro = copy.intro_sep = NULL;
	}
	if (copy.maintainers_line) {
		free(dst->maintainers_line);
		dst->maintainers_line = copy.maintainers_line;
		copy.maintainers_line = NULL;
		dst->maintainers_known = 1;
		rc = union_maintainers(dst, &copy);
	} else if (!dst->maintainers_known && copy.maintainers_known) {
		struct ml_maintainer *m = dst->maintainers;
		size_t n = dst->nmaintainers;

		dst->maintainers = copy.maintainers;
		dst->nmaintainers = copy.nmaintainers;
		dst->maintainers_known = 1;
		copy.maintainers = m;
		copy.nmaintainers = n;
	}
	repo_cfg_release(&copy);
	return rc;
}

int previous_merge(struct ml_config *cfg, const struct ml_config *prev, struct ml_error *err)
{
	if ((!cfg->title && prev->title && !(cfg->title = ml_strdup(prev->title))))
		goto oom;
	if (cfg->editors.n == 0)
		for (size_t i = 0; i < prev->editors.n; i++)
			if (strv_push(&cfg->editors, prev->editors.v[i]) < 0)
				goto oom;
	for (size_t i = 0; i < prev->nsections; i++) {
		const struct ml_section_cfg *ps = &prev->sections[i];
		struct ml_section_cfg *cs = NULL;

		for (size_t k = 0; k < cfg->nsections && !cs; k++)
			if (cfg->sections[k].heading &&
			    strcmp(cfg->sections[k].heading, ps->heading) == 0)
				cs = &cfg->sections[k];
		if (!cs && !(cs = config_add_section(cfg, ps->heading, ps->intro, 0)))
			goto oom;
		if (!cs->intro && ps->intro && !(cs->intro = ml_strdup(ps->intro)))
			goto oom;
		for (size_t j = 0; j < ps->nrepos; j++) {
			struct ml_repo_cfg *have = find_repo(cfg, ps->repos[j].repo), *add;

			if (have) {
				if (fill_repo(have, &ps->repos[j]) < 0)
					goto oom;
				continue;
			}
			if (!(add = section_add_repo(cs)))
				goto oom;
			if (repo_cfg_copy(add, &ps->repos[j]) < 0) {
				cs->nrepos--;
				goto oom;
			}
			add->line = 0; /* its line is in another file than the config's */
		}
	}
	return 0;
oom:
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}
