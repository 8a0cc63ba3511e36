/* gitsource.c: merged PRs from a local clone's first-parent history (libgit2).
 *
 * The walk follows first parents from the tip by hand. For each commit it
 * needs the committer time and the first parent, and it takes them from
 * the commit-graph file (objects/info/commit-graph, see commitgraph.h)
 * when that covers the commit, else from the raw header of the object
 * (git_odb_read). libgit2 1.5's git_revwalk does not read the commit-graph
 * (measured: a first-parent revwalk of 200k commits takes 2.5 s with or
 * without one) and would need a git_commit_lookup() for the time anyway;
 * the hand walk also tells a shallow clone's boundary from a damaged
 * repository. Commits inside the range are read whole (git_commit_lookup),
 * once each but for the first of a run that the graph does not cover. See
 * bench/README.md for figures.
 *
 * The graph changes where the facts come from, never the steps: the same
 * loop and the same stop rule run on them, so the walk finds the same PRs
 * with or without it. Its facts are checked against the objects for the
 * first commit it answers for and for every commit of the range (read
 * anyway); on any difference the walk starts again without the graph.
 * It is not used in a shallow clone, nor with core.commitGraph=false.
 * Like git, the reader trusts a well-formed graph for the commits outside
 * the range (their objects are not read at all).
 *
 * Where it stops: committer times along the first-parent chain are not
 * strictly monotonic (a pusher's skewed clock; a fast-forwarded branch
 * that brings older commits along). So the walk goes on past the start of
 * the range and stops only after STOP_RUN consecutive first-parent commits
 * that are all older than since - STOP_SLACK. A PR commit of the range
 * behind a longer run of older commits would be missed; on repositories
 * that merge through GitHub every merge and squash commit carries the
 * time of the merge, so there is none.
 */
#include "mergeletter/git/gitsource.h"

#include <ctype.h>
#include <errno.h>
#include <git2.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/git/commitgraph.h"
#include "mergeletter/git/gitlogins.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/ghenv.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

#define STOP_SLACK (24 * 60 * 60) /* one day of clock skew */
#define STOP_RUN 32		  /* consecutive commits that old */
#define NOREPLY_DOMAIN "users.noreply.github.com"
#define MERGE_PREFIX "Merge pull request #"
#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z: later is damage */
#define TIME_ERROR "committer time out of range (malformed commit)"

struct walk {
	git_repository *git;
	const char *path; /* as given, for messages */
	const char *repo; /* "owner/name" for the records */
	char *origin;	  /* "owner/name" of the origin remote, or NULL */
	const struct ml_range *range;
	struct ml_pr_list *out;	     /* records are appended here */
	size_t start;		     /* out->len before the walk */
	int graph_allowed;	     /* core.commitGraph is not false */
	struct ml_gitlogins *logins; /* who wrote what the commits do not name */
};

/* The facts of one PR commit, before they become a record. */
struct pr_facts {
	long number;
	char *title;
	char *author;
	int bot;
	struct ml_strv coauthors;
};

static int git_fail(struct ml_error *err, const char *path, const char *what)
{
	const git_error *e = git_error_last();

	return error_set(err, ML_EXIT_SOURCE, "'%s': %s: %s", path, what,
			 e && e->message ? e->message : "unknown libgit2 error");
}

static int oom(struct ml_error *err)
{
	return error_set(err, ML_EXIT_FAILURE, "out of memory");
}

/* ---- names and addresses ---- */

char *gitsource_noreply_login(const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL, *start = email, *plus;

	if (!at || !ml_strcaseeq(at + 1, NOREPLY_DOMAIN))
		return NULL;
	plus = memchr(email, '+', (size_t)(at - email));
	if (plus) { /* "ID+login": the ID is digits */
		if (plus == email)
			return NULL;
		for (const char *p = email; p < plus; p++)
			if (!isdigit((unsigned char)*p))
				return NULL;
		start = plus + 1;
	}
	if (!pr_login_valid(start, (size_t)(at - start)))
		return NULL;
	return ml_strndup(start, (size_t)(at - start));
}

static int host_is_github(const char *host, size_t n)
{
	static const char *const names[] = {"github.com", "www.github.com"};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t m = strlen(names[i]);
		size_t j = 0;

		while (j < m && j < n && tolower((unsigned char)host[j]) == names[i][j])
			j++;
		if (j == m && n == m)
			return 1;
	}
	return 0;
}

char *gitsource_repo_from_url(const char *url)
{
	const char *scheme, *host, *host_end, *path;

	if (!url)
		return NULL;
	scheme = strstr(url, "://");
	if (scheme) { /* scheme://[user[:pass]@]host[:port]/owner/name */
		const char *auth = scheme + 3, *slash = strchr(auth, '/'), *at;

		if (!slash)
			return NULL;
		host = auth;
		for (at = auth; at < slash; at++)
			if (*at == '@')
				host = at + 1;
		host_end = memchr(host, ':', (size_t)(slash - host));
		if (!host_end)
			host_end = slash;
		path = slash + 1;
	} else { /* scp-like: [user@]host:owner/name */
		const char *colon = strchr(url, ':'), *at;

		if (!colon)
			return NULL;
		host = url;
		for (at = url; at < colon; at++)
			if (*at == '@')
				host = at + 1;
		host_end = colon;
		path = colon + 1;
		while (*path == '/')
			path++;
	}
	if (!host_is_github(host, (size_t)(host_end - host)))
		return NULL;
	return ghenv_repo_from_path(path);
}

/* 1 when login is the owner of the configured or the origin repository. */
static int is_owner(const struct walk *w, const char *login, size_t n)
{
	return gitlogins_is_owner(w->repo, login, n) || gitlogins_is_owner(w->origin, login, n);
}

/* The login of an author that the commit does not name: .mailmap, the
 * config's map, the history (gitlogins.h); NULL when nothing agrees. */
static char *author_login(struct walk *w, const char *name, const char *email, int *oom_out)
{
	char *login = gitsource_noreply_login(email);

	if (!login && w && gitlogins_resolve(w->logins, name, email, &login) < 0)
		*oom_out = 1;
	return login;
}

/* ---- commit messages ---- */

static size_t line_len(const char *s)
{
	size_t n = strcspn(s, "\n");

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

int gitsource_merge_subject(const char *s, size_t n, long *number, const char **from,
			    size_t *fromlen)
{
	size_t i = sizeof MERGE_PREFIX - 1;
	long num = 0;

	if (n <= i || memcmp(s, MERGE_PREFIX, i) != 0 || !isdigit((unsigned char)s[i]))
		return 0;
	for (; i < n && isdigit((unsigned char)s[i]); i++) {
		num = num * 10 + (s[i] - '0');
		if (num > 1000000000L)
			return 0;
	}
	if (n - i < 7 || memcmp(s + i, " from ", 6) != 0)
		return 0;
	i += 6;
	*from = s + i;
	*fromlen = 0;
	while (i + *fromlen < n && s[i + *fromlen] != ' ')
		(*fromlen)++;
	*number = num;
	return num > 0;
}

/* "TITLE (#906)": 1 with the number and the title's length, else 0. */
static int parse_squash_subject(const char *s, size_t n, long *number, size_t *titlelen)
{
	size_t i = n, digits_end;
	long num = 0, scale = 1;

	if (n < 5 || s[n - 1] != ')')
		return 0;
	digits_end = --i;
	while (i > 0 && isdigit((unsigned char)s[i - 1]) && digits_end - i < 9)
		i--;
	if (i == digits_end || i < 3 || s[i - 1] != '#' || s[i - 2] != '(')
		return 0;
	for (size_t j = digits_end; j > i; j--, scale *= 10)
		num += (s[j - 1] - '0') * scale;
	i -= 2;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	*number = num;
	*titlelen = i;
	return num > 0 && i > 0;
}

/* The first non-blank line after the subject: a merge commit's PR title. */
static char *merge_title(const char *msg)
{
	for (const char *p = next_line(msg); *p; p = next_line(p)) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (line_len(q) > 0)
			return ml_strndup(q, line_len(q));
	}
	return NULL;
}

/* Add the login of name <email> to v unless it is the author's or there
 * already; w NULL: only what the address itself says (noreply). */
static int add_coauthor(struct walk *w, struct ml_strv *v, const char *author, const char *name,
			const char *email)
{
	int failed = 0, rc = 0;
	char *login = author_login(w, name, email, &failed);

	if (login && !(author && ml_strcaseeq(author, login)) && !strv_contains_case(v, login))
		rc = strv_push(v, login);
	free(login);
	return failed ? -1 : rc;
}

/* Every "Co-authored-by: Name <email>" line whose address names a login. */
static int scan_coauthors(struct walk *w, struct ml_strv *v, const char *author, const char *msg)
{
	static const char key[] = "co-authored-by:";

	for (const char *p = msg; *p; p = next_line(p)) {
		size_t n = line_len(p);
		const char *lt, *gt, *name = p + sizeof key - 1, *name_end;
		char *email = NULL, *who = NULL;
		int rc = -1;

		if (n < sizeof key || strncasecmp(p, key, sizeof key - 1) != 0)
			continue;
		lt = memchr(p, '<', n);
		gt = lt ? memchr(lt, '>', n - (size_t)(lt - p)) : NULL;
		if (!gt)
			continue;
		while (name < lt && (*name == ' ' || *name == '\t'))
			name++;
		for (name_end = lt;
		     name_end > name && (name_end[-1] == ' ' || name_end[-1] == '\t');)
			name_end--;
		if ((email = ml_strndup(lt + 1, (size_t)(gt - lt - 1))) &&
		    (who = ml_strndup(name, (size_t)(name_end - name))))
			rc = add_coauthor(w, v, author, who, email);
		free(email);
		free(who);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The subject of a PR commit: its number and title, and for a merge
 * commit the "LOGIN/BRANCH" it names (borrowed from msg). 1 for a PR
 * commit, 0 for another, -1 when out of memory. */
static int parse_subject(const char *msg, struct ml_git_message *m)
{
	size_t n = line_len(msg), titlelen;

	if (gitsource_merge_subject(msg, n, &m->number, &m->from, &m->fromlen)) {
		m->merge = 1;
		m->title = merge_title(msg);
		if (!m->title && !(m->title = ml_strndup(msg, n))) /* no body: keep the subject */
			return -1;
		return 1;
	}
	m->from = NULL;
	m->fromlen = 0;
	if (!parse_squash_subject(msg, n, &m->number, &titlelen)) {
		m->number = 0;
		return 0;
	}
	return (m->title = ml_strndup(msg, titlelen)) ? 1 : -1;
}

int gitsource_parse_message(struct ml_git_message *m, const char *msg)
{
	int rc;

	memset(m, 0, sizeof *m);
	rc = parse_subject(msg, m);
	if (rc > 0 && scan_coauthors(NULL, &m->coauthors, NULL, msg) < 0)
		rc = -1;
	if (rc < 0)
		gitsource_message_release(m);
	return rc < 0 ? -1 : 0;
}

void gitsource_message_release(struct ml_git_message *m)
{
	free(m->title);
	strv_release(&m->coauthors);
	memset(m, 0, sizeof *m);
}

/* The author of a merge commit's PR: LOGIN of "from LOGIN/BRANCH", unless
 * that is the repository's owner (a same-repository branch): then the
 * merged branch's author, from a noreply address. The tip of the merged
 * branch also lends its co-authors. */
static int merge_author(struct walk *w, git_commit *c, const char *from, size_t fromlen,
			struct pr_facts *f, struct ml_error *err)
{
	const char *slash = memchr(from, '/', fromlen);
	size_t loginlen = slash ? (size_t)(slash - from) : 0;
	git_commit *tip = NULL;
	int rc = -1;

	if (slash) {
		const char *branch = slash + 1;
		size_t blen = fromlen - loginlen - 1;

		f->bot = (blen > 11 && strncmp(branch, "dependabot/", 11) == 0) ||
			 (blen > 9 && strncmp(branch, "renovate/", 9) == 0);
	}
	if (slash && pr_login_valid(from, loginlen) && !is_owner(w, from, loginlen) &&
	    !(f->author = ml_strndup(from, loginlen)))
		return oom(err);
	if (git_commit_parentcount(c) < 2 || git_commit_parent(&tip, c, 1) < 0) {
		git_error_clear(); /* e.g. beyond a shallow boundary: the author stays unknown */
		return 0;
	}
	if (!f->author) {
		int failed = 0;

		f->author = author_login(w, git_commit_author(tip)->name,
					 git_commit_author(tip)->email, &failed);
		if (failed) {
			oom(err);
			goto done;
		}
	}
	if (scan_coauthors(w, &f->coauthors, f->author, git_commit_message(tip)) < 0) {
		oom(err);
		goto done;
	}
	rc = 0;
done:
	git_commit_free(tip);
	return rc;
}

/* The message of c converted to UTF-8 from the charset that its "encoding"
 * header names (newly allocated in *out), or *out NULL when the message is
 * to be read as it is: no header, UTF-8 already, a charset that iconv does
 * not know, or bytes that are not in it (the emitter then shows U+FFFD for
 * what is not UTF-8). 0, or -1 when out of memory. */
static int message_utf8(git_commit *c, char **out)
{
	const char *enc = git_commit_message_encoding(c), *msg = git_commit_message(c);
	size_t inlen = strlen(msg), cap = 2 * inlen + 16;
	char *buf;
	iconv_t cd;
	int rc = 0, e;

	*out = NULL;
	if (!enc || ml_strcaseeq(enc, "UTF-8") || ml_strcaseeq(enc, "UTF8"))
		return 0;
	if ((cd = iconv_open("UTF-8", enc)) == (iconv_t)-1)
		return 0;
	for (;;) { /* from the start, with twice the room while it is too small */
		char *in = (char *)msg, *o;
		size_t inleft = inlen, outleft = cap - 1;

		if (!(buf = o = malloc(cap))) {
			rc = -1;
			break;
		}
		if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 &&
		    iconv(cd, NULL, NULL, &o, &outleft) != (size_t)-1) {
			*o = '\0';
			*out = buf;
			break;
		}
		e = errno;
		free(buf);
		if (e != E2BIG || cap > SIZE_MAX / 2)
			break; /* not in that charset: read it as it is */
		cap *= 2;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return rc;
}

/* Turn one commit's message (in UTF-8) into facts; *is_pr is 0 when it is
 * not a PR commit. */
static int parse_facts(struct walk *w, git_commit *c, const char *msg, struct pr_facts *f,
		       int *is_pr, struct ml_error *err)
{
	struct ml_git_message m = {0};
	int rc = parse_subject(msg, &m);

	*is_pr = rc > 0;
	if (rc <= 0)
		return rc < 0 ? oom(err) : 0;
	f->number = m.number;
	f->title = m.title;
	if (m.merge) {
		if (merge_author(w, c, m.from, m.fromlen, f, err) < 0)
			return -1;
	} else {
		int failed = 0;

		f->author = author_login(w, git_commit_author(c)->name, git_commit_author(c)->email,
					 &failed);
		if (failed)
			return oom(err);
	}
	f->bot |= pr_login_is_bot(f->author);
	if (scan_coauthors(w, &f->coauthors, f->author, msg) < 0)
		return oom(err);
	return 0;
}

/* Turn one commit into facts; *is_pr is 0 when it is not a PR commit. */
static int read_facts(struct walk *w, git_commit *c, struct pr_facts *f, int *is_pr,
		      struct ml_error *err)
{
	char *converted = NULL;
	int rc;

	*is_pr = 0;
	if (message_utf8(c, &converted) < 0)
		return oom(err);
	rc = parse_facts(w, c, converted ? converted : git_commit_message(c), f, is_pr, err);
	free(converted);
	return rc;
}

static int read_commit(struct walk *w, git_commit *c, struct ml_error *err)
{
	struct pr_facts f;
	struct ml_pr *pr;
	int is_pr, rc = -1;

	memset(&f, 0, sizeof f);
	if (read_facts(w, c, &f, &is_pr, err) < 0)
		goto done;
	rc = 0;
	if (!is_pr)
		goto done;
	rc = -1;
	if (!(pr = pr_list_add(w->out))) {
		oom(err);
		goto done;
	}
	pr->repo = ml_strdup(w->repo);
	pr->number = f.number;
	pr->merged_at = (int64_t)git_commit_time(c);
	pr->title = f.title;
	pr->author = f.author;
	pr->author_is_bot = f.bot;
	pr->coauthors = f.coauthors;
	memset(&f, 0, sizeof f);
	if (!pr->repo) {
		oom(err);
		goto done;
	}
	rc = 0;
done:
	free(f.title);
	free(f.author);
	strv_release(&f.coauthors);
	return rc;
}

/* ---- the walk ---- */

/* 1 when id is listed in the repository's "shallow" file (a grafted root). */
static int is_grafted(git_repository *git, const git_oid *id)
{
	struct ml_buf path = ML_BUF_INIT;
	char line[128], hex[GIT_OID_HEXSZ + 1];
	FILE *fp = NULL;
	int found = 0;

	git_oid_tostr(hex, sizeof hex, id);
	if (buf_printf(&path, "%sshallow", git_repository_commondir(git)) < 0 ||
	    !(fp = fopen(path.data, "r")))
		goto done;
	while (!found && fgets(line, sizeof line, fp))
		found = strncmp(line, hex, GIT_OID_HEXSZ) == 0;
done:
	if (fp)
		fclose(fp);
	buf_release(&path);
	return found;
}

static int shallow_error(const struct walk *w, int64_t ends, struct ml_error *err)
{
	char end[16], since[16];

	range_format_date(ends, end, sizeof end);
	range_format_date(w->range->since, since, sizeof since);
	return error_set(err, ML_EXIT_SOURCE,
			 "'%s': the shallow clone does not reach back to %s: history ends at %s; "
			 "fetch more with git fetch --deepen (or --unshallow)",
			 w->path, since, end);
}

/* What the walk needs of a commit, read from its raw header: no full parse
 * and no object cache for the thousands of commits outside the range. */
struct commit_head {
	int64_t time;	/* committer time */
	git_oid parent; /* the first parent, when nparents > 0 */
	unsigned nparents;
};

static int read_head(git_odb *odb, const git_oid *id, struct commit_head *h)
{
	git_odb_object *obj = NULL;
	const char *p, *end;
	int have_time = 0, rc;

	memset(h, 0, sizeof *h);
	if ((rc = git_odb_read(&obj, odb, id)) < 0)
		return rc;
	rc = -1;
	if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT)
		goto done;
	p = git_odb_object_data(obj);
	end = p + git_odb_object_size(obj);
	while (p < end && *p != '\n') { /* header lines, up to the blank line */
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;

		if (!eol)
			eol = end;
		if (eol - p > 7 && memcmp(p, "parent ", 7) == 0) {
			if (h->nparents++ == 0 &&
			    git_oid_fromstrn(&h->parent, p + 7, (size_t)(eol - p - 7)) < 0)
				goto done;
		} else if (eol - p > 10 && memcmp(p, "committer ", 10) == 0) {
			for (q = eol; q > p && q[-1] != '>'; q--)
				;
			while (q < eol && *q == ' ')
				q++;
			for (h->time = 0; q < eol && *q >= '0' && *q <= '9'; q++) {
				if (h->time > (TIME_MAX - (*q - '0')) / 10) {
					git_error_set_str(GIT_ERROR_OBJECT, TIME_ERROR);
					rc = -2; /* not "malformed commit" below */
					goto done;
				}
				h->time = h->time * 10 + (*q - '0');
			}
			have_time = q < eol && *q == ' ';
		}
		p = eol + 1;
	}
	rc = have_time ? 0 : -1;
done:
	if (rc == -1)
		git_error_set_str(GIT_ERROR_OBJECT, "malformed commit");
	rc = rc < 0 ? -1 : rc;
	git_odb_object_free(obj);
	return rc;
}

/* The facts of one commit from the graph, when it has them: 1, else 0
 * (a commit whose time git could not parse is stored with time 0; it is
 * read from its object instead). -1 for a malformed entry. */
static int graph_head(const struct ml_commit_graph *g, uint32_t pos, struct commit_head *h,
		      uint32_t *parent_pos)
{
	struct ml_cg_entry e;

	if (commit_graph_entry(g, pos, &e) < 0)
		return -1;
	if (e.time == 0)
		return 0;
	memset(h, 0, sizeof *h);
	h->time = e.time;
	h->nparents = e.nparents;
	if (e.nparents > 0)
		git_oid_fromraw(&h->parent, commit_graph_id(g, e.parent));
	*parent_pos = e.parent;
	return 1;
}

/* 1 when what the graph says of a commit is what its object says. */
static int graph_agrees(const struct commit_head *h, int64_t time, unsigned nparents,
			const git_oid *parent)
{
	return h->time == time && h->nparents == (nparents > 2 ? 2 : nparents) &&
	       (nparents == 0 || git_oid_equal(&h->parent, parent));
}

static int head_from_commit(git_commit *c, struct commit_head *h)
{
	memset(h, 0, sizeof *h);
	if (git_commit_time(c) < 0 || git_commit_time(c) > TIME_MAX) {
		git_error_set_str(GIT_ERROR_OBJECT, TIME_ERROR);
		return -1;
	}
	h->time = (int64_t)git_commit_time(c);
	h->nparents = git_commit_parentcount(c);
	if (h->nparents > 0)
		git_oid_cpy(&h->parent, git_commit_parent_id(c, 0));
	return 0;
}

#define GRAPH_MISMATCH 1 /* walk_first_parent(): the graph is not to be trusted */

/* Walk from tip. With a commit-graph (g not NULL), the facts of the
 * commits it covers come from it: no object is read outside the range.
 * The steps and the stop rule are the same either way; a commit that the
 * graph does not cover (newer than the graph) is read from its object.
 * What the graph says is checked against the objects for the first commit
 * it answers and for every commit of the range (which is read anyway);
 * on a difference the walk returns GRAPH_MISMATCH and the caller walks
 * again without the graph. */
static int walk_first_parent(struct walk *w, const git_oid *tip, const struct ml_commit_graph *g,
			     struct ml_error *err)
{
	const int shallow = git_repository_is_shallow(w->git) == 1;
	const int64_t since = w->range->since, old = since - STOP_SLACK;
	struct commit_head h, check;
	git_odb *odb = NULL;
	git_commit *c = NULL;
	git_oid id;
	int64_t child = 0; /* committer time of the commit whose parent id is */
	uint32_t pos = 0, parent_pos = 0;
	int run = 0, rc = -1, e, in_graph, from_graph, checked = 0, was_in_range = 0;

	/* each commit is read once: caching them only costs memory and time */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, (size_t)0);
	if (git_repository_odb(&odb, w->git) < 0) {
		git_fail(err, w->path, "cannot open the object database");
		goto done;
	}
	git_oid_cpy(&id, tip);
	in_graph = g && commit_graph_find(g, id.id, &pos);
	for (;;) {
		from_graph = in_graph ? graph_head(g, pos, &h, &parent_pos) : 0;
		if (from_graph < 0) {
			rc = GRAPH_MISMATCH;
			goto done;
		}
		if (from_graph &&
		    !checked) { /* one object read: is this graph about these commits? */
			checked = 1;
			if (read_head(odb, &id, &check) < 0) {
				git_error_clear();
				rc = GRAPH_MISMATCH;
				goto done;
			}
			if (!graph_agrees(&h, check.time, check.nparents, &check.parent)) {
				rc = GRAPH_MISMATCH;
				goto done;
			}
		}
		if (!from_graph) {
			/* the previous commit was in the range: this one likely is too,
			 * so read it whole at once rather than its header and then it */
			if (was_in_range && git_commit_lookup(&c, w->git, &id) == 0) {
				e = head_from_commit(c, &h);
			} else {
				git_error_clear();
				e = read_head(odb, &id, &h);
			}
			if (e == GIT_ENOTFOUND && shallow && !git_oid_equal(&id, tip)) {
				git_error_clear(); /* beyond the boundary (libgit2 < 1.7 keeps its
						      parent) */
				if (child >= since) {
					shallow_error(w, child, err);
					goto done;
				}
				break;
			}
			if (e < 0) {
				git_fail(
				    err, w->path,
				    "cannot read the history (damaged repository? try git fsck)");
				goto done;
			}
		}
		was_in_range = range_contains(w->range, h.time);
		if (was_in_range) {
			if (!c && git_commit_lookup(&c, w->git, &id) < 0) {
				/* from the graph, this is the first read of the object */
				git_fail(err, w->path,
					 from_graph ? "cannot read the history (damaged "
						      "repository? try git fsck)"
						    : "cannot read a commit");
				goto done;
			}
			if (from_graph &&
			    !graph_agrees(&h, (int64_t)git_commit_time(c),
					  git_commit_parentcount(c), git_commit_parent_id(c, 0))) {
				rc = GRAPH_MISMATCH;
				goto done;
			}
			if (read_commit(w, c, err) < 0)
				goto done;
		}
		git_commit_free(c);
		c = NULL;
		run = h.time < old ? run + 1 : 0;
		if (run >= STOP_RUN)
			break;
		if (h.nparents == 0) {
			if (shallow && h.time >= since && is_grafted(w->git, &id)) {
				shallow_error(w, h.time, err);
				goto done;
			}
			break; /* the root commit */
		}
		child = h.time;
		git_oid_cpy(&id, &h.parent);
		if (from_graph)
			pos = parent_pos; /* a parent of a graph commit is in the graph */
		else
			in_graph = g && commit_graph_find(g, id.id, &pos);
	}
	rc = 0;
done:
	git_commit_free(c);
	git_odb_free(odb);
	return rc;
}

static int by_number(const void *a, const void *b)
{
	const struct ml_pr *const *x = a, *const *y = b;

	if ((*x)->number != (*y)->number)
		return (*x)->number < (*y)->number ? -1 : 1;
	return *x < *y ? -1 : *x > *y; /* the earlier record (the newer commit) first */
}

/* The walk appends newest first: put the records in merge order (so that
 * pr_list_sort() has nothing to do) and keep one record per number, the
 * newest commit's (a number seen twice is a revert or a cherry-pick). */
static int finish_records(struct walk *w)
{
	struct ml_pr *items = w->out->items + w->start, **order = NULL;
	size_t n = w->out->len - w->start, kept = 0;

	if (n < 2)
		return 0;
	if (!(order = malloc(n * sizeof *order)))
		return -1;
	for (size_t i = 0; i < n; i++)
		order[i] = &items[i];
	qsort(order, n, sizeof *order, by_number);
	for (size_t i = 1; i < n; i++)
		if (order[i]->number == order[i - 1]->number)
			order[i]->number = 0; /* marked: PR numbers start at 1 */
	free(order);
	for (size_t i = 0; i < n; i++) { /* drop the marked */
		if (items[i].number == 0)
			pr_release(&items[i]);
		else
			items[kept++] = items[i];
	}
	for (size_t i = 0; i < kept / 2; i++) { /* newest first to oldest first */
		struct ml_pr tmp = items[i];

		items[i] = items[kept - 1 - i];
		items[kept - 1 - i] = tmp;
	}
	w->out->len = w->start + kept;
	return 0;
}

/* -1 (err set) when ref name resolves to a commit that cannot be read:
 * the clone is damaged, not empty; else 0. */
static int ref_damaged(struct walk *w, const char *name, struct ml_error *err)
{
	git_reference *ref = NULL, *direct = NULL;
	char hex[GIT_OID_HEXSZ + 1] = "";

	if (git_reference_dwim(&ref, w->git, name) == 0 && git_reference_resolve(&direct, ref) == 0)
		git_oid_tostr(hex, sizeof hex, git_reference_target(direct));
	git_reference_free(direct);
	git_reference_free(ref);
	git_error_clear();
	if (!hex[0])
		return 0;
	return error_set(
	    err, ML_EXIT_SOURCE,
	    "'%s': %s names commit %s, which cannot be read: the pack under "
	    "objects/pack is truncated or corrupt (or the object is missing); check with "
	    "git -C '%s' fsck, and clone the repository again",
	    w->path, name, hex, w->path);
}

static int resolve_tip(struct walk *w, const char *ref, git_oid *tip, struct ml_error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	struct ml_buf remote_ref = ML_BUF_INIT;
	int rc = -1, e;

	if (ref) {
		e = git_revparse_single(&obj, w->git, ref);
		if (e == GIT_ENOTFOUND &&
		    buf_printf(&remote_ref, "refs/remotes/origin/%s", ref) == 0) {
			git_error_clear(); /* a branch only known as origin/REF */
			e = git_revparse_single(&obj, w->git, remote_ref.data);
		}
		if (e == GIT_ENOTFOUND && ref_damaged(w, ref, err) < 0)
			goto done;
		if (e == GIT_ENOTFOUND || e == GIT_EINVALIDSPEC || e == GIT_EAMBIGUOUS) {
			error_set(err, ML_EXIT_SOURCE,
				  "'%s': ref '%s' not found; list the refs with git -C '%s' "
				  "show-ref, or fetch it",
				  w->path, ref, w->path);
			goto done;
		}
	} else {
		e = git_revparse_single(&obj, w->git, "refs/remotes/origin/HEAD");
		if (e == GIT_ENOTFOUND) {
			git_error_clear();
			e = git_revparse_single(&obj, w->git, "HEAD");
		}
		if (e == GIT_ENOTFOUND && ref_damaged(w, "HEAD", err) < 0)
			goto done;
		if (e == GIT_ENOTFOUND || e == GIT_EUNBORNBRANCH) {
			error_set(err, ML_EXIT_SOURCE,
				  "'%s': the repository has no commits on HEAD; fetch it, or name "
				  "a ref with --ref (\"ref\" in the config)",
				  w->path);
			goto done;
		}
	}
	if (e < 0) {
		git_fail(err, w->path, "cannot resolve the ref");
		goto done;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
		error_set(err, ML_EXIT_SOURCE,
			  "'%s': ref '%s' does not point to a commit; name a branch", w->path,
			  ref ? ref : "HEAD");
		goto done;
	}
	git_oid_cpy(tip, git_object_id(peeled));
	rc = 0;
done:
	git_object_free(peeled);
	git_object_free(obj);
	buf_release(&remote_ref);
	return rc;
}

/* From the config: the origin remote's repository (read directly:
 * git_remote_lookup() of libgit2 1.5 leaks PCRE2 match data, fixed by
 * libgit2 PR #6382, and nothing here needs url.*.insteadOf rewriting),
 * and whether core.commitGraph allows the commit-graph (as in git, it
 * does unless set to false). */
static void read_config(struct walk *w)
{
	git_config *cfg = NULL;
	const char *url = NULL;
	int on = 1;

	if (git_repository_config_snapshot(&cfg, w->git) < 0) {
		git_error_clear();
		return;
	}
	if (git_config_get_string(&url, cfg, "remote.origin.url") < 0)
		git_error_clear();
	else
		w->origin = gitsource_repo_from_url(url);
	if (git_config_get_bool(&on, cfg, "core.commitGraph") < 0) {
		git_error_clear();
		on = 1;
	}
	w->graph_allowed = on;
	git_config_free(cfg);
}

/* The commit-graph to walk with, or NULL: none in a shallow clone (git
 * writes none there, and the walk must find the boundary by reading
 * objects). -1 only when out of memory. */
static int open_graph(struct walk *w, struct ml_commit_graph **g, struct ml_error *err)
{
	struct ml_buf objects = ML_BUF_INIT;
	int rc;

	*g = NULL;
	if (!w->graph_allowed || git_repository_is_shallow(w->git) != 0)
		return 0;
	if (buf_printf(&objects, "%sobjects", git_repository_commondir(w->git)) < 0)
		return oom(err);
	rc = commit_graph_open(g, objects.data);
	buf_release(&objects);
	return rc < 0 ? oom(err) : 0;
}

/* The records the walk appended since it began: gone. */
static void drop_records(struct walk *w)
{
	while (w->out->len > w->start)
		pr_release(&w->out->items[--w->out->len]);
}

/* What libgit2 lets a reader of history skip: re-hashing every object it
 * inflates (zlib's checksum of each object still catches corruption; a
 * SHA-1 collision is not this tool's concern). The global and system
 * config stay (safe.directory lives there). The CA certificates that
 * libgit2 1.5 parses in git_libgit2_init() cannot be skipped: see
 * bench/README.md. */
static void gitsource_tune(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

/* Open the clone at path and read its config into w; w->repo is repo, else
 * the origin's, which must be known when need_repo is set. */
static int open_repo(struct walk *w, const char *path, const char *repo, int need_repo,
		     struct ml_error *err)
{
	int e;

	gitsource_tune();
	e = git_repository_open_ext(&w->git, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);

	if (e == GIT_ENOTFOUND) {
		git_error_clear();
		return error_set(err, ML_EXIT_SOURCE,
				 "'%s': not a git repository; give the path of a clone (its work "
				 "tree or a bare repository)",
				 path);
	}
	if (e < 0)
		return git_fail(err, path, "cannot open the repository");
	read_config(w);
	w->repo = repo ? repo : w->origin;
	if (!w->repo && need_repo)
		return error_set(err, ML_EXIT_SOURCE,
				 "'%s': cannot tell which GitHub repository this is (no origin "
				 "remote on github.com); give OWNER/REPO (\"repo\" in the config)",
				 path);
	return 0;
}

static int by_oid(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

/* Exactly the commits of `git log --first-parent FROM..TO`: the
 * first-parent chain from TO up to the first commit that FROM reaches.
 * Which commits FROM reaches comes from a revwalk over every parent
 * (push TO, hide FROM), as in git, where a hidden commit hides all of its
 * parents; libgit2's first-parent simplification would hide only along
 * first parents, so the chain is followed here against that set. */
static int walk_between(struct walk *w, const git_oid *from, const git_oid *to,
			struct ml_error *err)
{
	git_revwalk *rw = NULL;
	git_commit *c = NULL;
	git_oid *set = NULL, id;
	size_t n = 0, cap = 0;
	int rc = -1, e;

	if (git_revwalk_new(&rw, w->git) < 0 || git_revwalk_push(rw, to) < 0 ||
	    git_revwalk_hide(rw, from) < 0) {
		git_fail(err, w->path, "cannot walk the history");
		goto done;
	}
	while ((e = git_revwalk_next(&id, rw)) == 0) {
		if (n == cap) {
			git_oid *v = realloc(set, (cap = cap ? 2 * cap : 256) * sizeof *v);

			if (!v) {
				oom(err);
				goto done;
			}
			set = v;
		}
		git_oid_cpy(&set[n++], &id);
	}
	if (e != GIT_ITEROVER) {
		git_fail(err, w->path,
			 git_repository_is_shallow(w->git) == 1
			     ? "cannot walk the history (the shallow clone may not reach back to "
			       "the start ref; fetch more with git fetch --deepen)"
			     : "cannot walk the history (damaged repository? try git fsck)");
		goto done;
	}
	if (n > 1)
		qsort(set, n, sizeof *set, by_oid);
	git_oid_cpy(&id, to);
	while (n && bsearch(&id, set, n, sizeof *set, by_oid)) {
		if (git_commit_lookup(&c, w->git, &id) < 0) {
			git_fail(err, w->path, "cannot read a commit");
			goto done;
		}
		if (read_commit(w, c, err) < 0)
			goto done;
		if (git_commit_parentcount(c) == 0)
			break;
		git_oid_cpy(&id, git_commit_parent_id(c, 0));
		git_commit_free(c);
		c = NULL;
	}
	rc = 0;
done:
	git_commit_free(c);
	free(set);
	git_revwalk_free(rw);
	return rc;
}

int gitsource_read(const struct ml_git_query *q, struct ml_pr_list *out, char **repo_out,
		   struct ml_error *err)
{
	struct walk w;
	struct ml_commit_graph *graph = NULL;
	git_oid tip, from;
	int rc = -1, e;

	memset(&w, 0, sizeof w);
	w.path = q->path;
	w.range = q->range;
	w.out = out;
	w.start = out->len;
	if (repo_out)
		*repo_out = NULL;
	/* libgit2 is started here, not by main: its TLS setup parses every CA
	 * certificate, which API-only runs need not pay for. */
	git_libgit2_init();
	if (open_repo(&w, q->path, q->repo, 1, err) < 0 || resolve_tip(&w, q->ref, &tip, err) < 0)
		goto done;
	if (gitlogins_new(&w.logins, w.git, &tip, w.repo, w.origin, q->logins) < 0) {
		oom(err);
		goto done;
	}
	if (q->from) {
		if (resolve_tip(&w, q->from, &from, err) < 0 ||
		    walk_between(&w, &from, &tip, err) < 0)
			goto done;
	} else {
		if (open_graph(&w, &graph, err) < 0)
			goto done;
		e = walk_first_parent(&w, &tip, graph, err);
		if (e == GRAPH_MISMATCH) { /* a damaged or foreign commit-graph: without it */
			drop_records(&w);
			e = walk_first_parent(&w, &tip, NULL, err);
		}
		if (e < 0)
			goto done;
	}
	if (finish_records(&w) < 0) {
		oom(err);
		goto done;
	}
	if (repo_out && !(*repo_out = ml_strdup(w.repo))) {
		oom(err);
		goto done;
	}
	rc = 0;
done:
	if (rc < 0) /* leave out as it was */
		drop_records(&w);
	commit_graph_free(graph);
	gitlogins_free(w.logins);
	free(w.origin);
	git_repository_free(w.git);
	git_libgit2_shutdown();
	return rc;
}

int gitsource_fetch(const char *path, const char *ref, const char *repo,
		    const struct ml_range *range, struct ml_pr_list *out, char **repo_out,
		    struct ml_error *err)
{
	struct ml_git_query q = {path, ref, NULL, repo, range, NULL};

	return gitsource_read(&q, out, repo_out, err);
}

/* The committer time of the commit a ref names. */
static int ref_time(struct walk *w, const char *ref, int64_t *t, struct ml_error *err)
{
	git_commit *c = NULL;
	git_oid id;

	if (resolve_tip(w, ref, &id, err) < 0)
		return -1;
	if (git_commit_lookup(&c, w->git, &id) < 0)
		return git_fail(err, w->path, "cannot read a commit");
	*t = (int64_t)git_commit_time(c);
	git_commit_free(c);
	return 0;
}

int gitsource_ref_times(const char *path, const char *from, const char *to, int64_t *from_time,
			int64_t *to_time, struct ml_error *err)
{
	struct walk w;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.path = path;
	git_libgit2_init();
	if (open_repo(&w, path, NULL, 0, err) == 0 && ref_time(&w, from, from_time, err) == 0 &&
	    ref_time(&w, to, to_time, err) == 0)
		rc = 0;
	free(w.origin);
	git_repository_free(w.git);
	git_libgit2_shutdown();
	return rc;
}

int gitsource_fetch_draft(struct ml_draft *d, struct ml_error *err)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			struct ml_draft_repo *r = &d->sections[i].repos[j];
			char *used = NULL;
			struct ml_git_query q = {r->info.git,  r->info.ref, d->from_ref,
						 r->info.repo, &d->range,   &d->logins};

			if (!r->info.git)
				continue;
			if (d->to_ref)
				q.ref = d->to_ref;
			if (gitsource_read(&q, &r->prs, r->info.repo ? NULL : &used, err) < 0)
				return -1;
			if (used)
				r->info.repo = used;
			pr_list_sort(&r->prs);
			r->fetched = 1;
		}
	return 0;
}
