/* gitsource.c: merged PRs from a local clone (libgit2): open the clone,
 * resolve refs, and turn PR commits into records (authors from gitlogins.c,
 * messages from gitmsg.c); gitwalk.c walks a month's first-parent line.
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

#include "mergeletter/git/gitlogins.h"
#include "mergeletter/git/gitmsg.h"
#include "mergeletter/git/gitrange.h"
#include "mergeletter/git/gitrelease.h"
#include "mergeletter/git/gitwalk.h"
#include "mergeletter/git/libgit2_link.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/ghenv.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

/* At most this many commits before FROM are read for its contributors. */
#define GITSOURCE_HISTORY_MAX 200000

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
	int identities;		     /* keep each record's author address in emails */
	const char *cache_dir;	     /* where FROM's identities are kept (NULL: */
	int use_cache;		     /* the default directory); use_cache 0: nowhere */
	struct ml_strv emails;	     /* of out->items[start + i], lowercase ("" unknown) */
	struct ml_git_stats *stats;  /* what the read cost, or NULL */
	int kept;		     /* git is the run's kept clone (close_repo() keeps it) */
};

/* The facts of one PR commit, before they become a record. */
struct pr_facts {
	long number;
	char *title;
	char *head;   /* "LOGIN/BRANCH" of GitHub's merge subject, or NULL */
	int breaking; /* "BREAKING CHANGE" in the message */
	char *author;
	int bot;
	struct ml_strv coauthors;
};

/* ---- names and addresses ---- */

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
	char *login = gitmsg_noreply_login(email);

	if (!login && w && gitlogins_resolve(w->logins, name, email, &login) < 0)
		*oom_out = 1;
	return login;
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

struct coauthor_ctx {
	struct walk *w;
	struct ml_strv *v;
	const char *author;
};

static int coauthor_one(void *ud, const char *name, const char *email)
{
	struct coauthor_ctx *c = ud;

	return add_coauthor(c->w, c->v, c->author, name, email);
}

/* Every "Co-authored-by: Name <email>" line whose address names a login. */
static int scan_coauthors(struct walk *w, struct ml_strv *v, const char *author, const char *msg)
{
	struct coauthor_ctx c = {w, v, author};

	return gitmsg_each_coauthor(msg, coauthor_one, &c) != 0 ? -1 : 0;
}

/* The author of a merge commit's PR: f->author when the message named one
 * (homu, bors), else LOGIN of "from LOGIN/BRANCH" (from may be NULL),
 * unless that is the repository's owner (a same-repository branch): then
 * the merged branch's author, from a noreply address. The tip of the merged
 * branch also lends its co-authors. */
static int merge_author(struct walk *w, git_commit *c, const char *from, size_t fromlen,
			struct pr_facts *f, struct ml_error *err)
{
	const char *slash = from ? memchr(from, '/', fromlen) : NULL;
	size_t loginlen = slash ? (size_t)(slash - from) : 0;
	git_commit *tip = NULL;
	int rc = -1;

	if (slash) {
		const char *branch = slash + 1;
		size_t blen = fromlen - loginlen - 1;

		f->bot = (blen > 11 && strncmp(branch, "dependabot/", 11) == 0) ||
			 (blen > 9 && strncmp(branch, "renovate/", 9) == 0);
	}
	if (!f->author && slash && pr_login_valid(from, loginlen) && !is_owner(w, from, loginlen) &&
	    !(f->author = ml_strndup(from, loginlen)))
		return error_oom(err);
	if (git_commit_parentcount(c) < 2 || git_commit_parent(&tip, c, 1) < 0) {
		git_error_clear(); /* e.g. beyond a shallow boundary: the author stays unknown */
		return 0;
	}
	if (!f->author) {
		int failed = 0;

		f->author = author_login(w, git_commit_author(tip)->name,
					 git_commit_author(tip)->email, &failed);
		if (failed) {
			error_oom(err);
			goto done;
		}
	}
	if (scan_coauthors(w, &f->coauthors, f->author, git_commit_message(tip)) < 0) {
		error_oom(err);
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

/* The address of who wrote the PR of c: its author, or a merge's head's. */
static int keep_identity(struct walk *w, git_commit *c)
{
	git_commit *head = NULL;
	const git_signature *a = git_commit_author(c);
	char *email;
	int rc;

	if (git_commit_parentcount(c) > 1 && git_commit_parent(&head, c, 1) == 0)
		a = git_commit_author(head);
	git_error_clear();
	email = ml_strdup(a && a->email ? a->email : "");
	for (char *p = email; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	rc = email ? strv_push(&w->emails, email) : -1;
	free(email);
	git_commit_free(head);
	return rc;
}

/* Append the record of f (whose strings it takes) for commit c. */
static int add_record(struct walk *w, git_commit *c, struct pr_facts *f, struct ml_error *err)
{
	struct ml_pr *pr;

	if (w->identities && keep_identity(w, c) < 0)
		return error_oom(err);
	if (!(pr = pr_list_add(w->out)))
		return error_oom(err);
	pr->repo = ml_strdup(w->repo);
	pr->number = f->number;
	pr->merged_at = (int64_t)git_commit_time(c);
	pr->title = f->title;
	pr->author = f->author;
	pr->author_is_bot = f->bot | pr_login_is_bot(f->author);
	pr->coauthors = f->coauthors;
	pr->head = f->head;
	pr->breaking = f->breaking;
	memset(f, 0, sizeof *f);
	return pr->repo ? 0 : error_oom(err);
}

static void facts_release(struct pr_facts *f)
{
	free(f->title);
	free(f->author);
	free(f->head);
	strv_release(&f->coauthors);
	memset(f, 0, sizeof *f);
}

/* The facts of the first PR of a parsed message (taking its title and
 * author). */
static int first_facts(struct walk *w, git_commit *c, const char *msg, struct ml_git_message *m,
		       struct pr_facts *f, struct ml_error *err)
{
	f->number = m->number;
	f->title = m->title;
	f->author = m->author;
	m->title = m->author = NULL;
	if (m->from && !(f->head = ml_strndup(m->from, m->fromlen)))
		return error_oom(err);
	if (m->kind == GITMSG_SQUASH) {
		int failed = 0;

		f->author = author_login(w, git_commit_author(c)->name, git_commit_author(c)->email,
					 &failed);
		if (failed)
			return error_oom(err);
	} else if (merge_author(w, c, m->from, m->fromlen, f, err) < 0) {
		return -1;
	}
	return scan_coauthors(w, &f->coauthors, f->author, msg) < 0 ? error_oom(err) : 0;
}

/* Turn one commit's message (in UTF-8) into records: none for a commit
 * that is not a PR's, several for a bors batch. */
static int read_message(struct walk *w, git_commit *c, const char *msg, struct ml_error *err)
{
	struct ml_git_message m = {0};
	struct pr_facts f = {0};
	int rc = gitmsg_parse_subject(&m, msg);

	if (rc < 0)
		error_oom(err);
	if (rc <= 0)
		goto done;
	rc = -1;
	f.breaking = strstr(msg, "BREAKING CHANGE") || strstr(msg, "BREAKING-CHANGE");
	if (first_facts(w, c, msg, &m, &f, err) < 0 || add_record(w, c, &f, err) < 0)
		goto done;
	for (size_t i = 0; i < m.nmore; i++) {
		f.breaking = strstr(msg, "BREAKING CHANGE") || strstr(msg, "BREAKING-CHANGE");
		f.number = m.more[i].number;
		f.title = m.more[i].title;
		f.author = m.more[i].author;
		m.more[i].title = m.more[i].author = NULL;
		if (add_record(w, c, &f, err) < 0)
			goto done;
	}
	rc = 0;
done:
	facts_release(&f);
	gitmsg_release(&m);
	return rc;
}

static int read_commit(struct walk *w, git_commit *c, struct ml_error *err)
{
	char *converted = NULL;
	int rc;

	if (message_utf8(c, &converted) < 0)
		return error_oom(err);
	rc = read_message(w, c, converted ? converted : git_commit_message(c), err);
	free(converted);
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
		gitwalk_fail(err, w->path, "cannot resolve the ref");
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

/* The records the walk appended since it began: gone. */
static void drop_records(struct walk *w)
{
	while (w->out->len > w->start)
		pr_release(&w->out->items[--w->out->len]);
}

/* gitwalk visitor and restart over a struct walk. */
static int visit_commit(void *ud, git_commit *c, struct ml_error *err)
{
	return read_commit(ud, c, err);
}

static void restart_walk(void *ud)
{
	drop_records(ud);
}

/* What libgit2 lets a reader of history skip: re-hashing every object it
 * inflates (zlib's checksum of each object still catches corruption; a
 * SHA-1 collision is not this tool's concern). The global and system
 * config stay (safe.directory lives there). The CA certificates that
 * libgit2 1.5 parses in git_libgit2_init(): see libgit2_link.h. */
static void gitsource_tune(void)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

/* libgit2 for the whole run: git_libgit2_init() would parse the system's
 * CA certificates (libgit2 1.5 with mbedTLS: about 5 ms; libgit2_link_init()
 * does not), and a release
 * asks three things of a clone (the times, the previous release, the
 * records), an issue one per clone. The first start keeps a reference of
 * the run's own, which gitsource_end() drops; each call still pairs its
 * own init and shutdown. */
static int gitsource_held;

/* The clone a run reads, kept open from one question to the next while
 * gitsource_keep() is in force: a release asks three things of one clone
 * (the previous release, the range's times, the records), and opening it
 * again, with its config, refs, pack indexes and first objects, costs more
 * than the records of a one-PR release. One at a time: another clone
 * takes its place. gitsource_end() lets it go. */
static struct {
	int on;	    /* gitsource_keep() was called */
	char *path; /* as given */
	git_repository *git;
	char *origin; /* as read_config() found them */
	int graph_allowed;
} kept;

static void kept_release(void)
{
	git_repository_free(kept.git);
	free(kept.path);
	free(kept.origin);
	kept.git = NULL;
	kept.path = kept.origin = NULL;
}

void gitsource_keep(void)
{
	kept.on = 1;
}

void gitsource_begin(void)
{
	libgit2_link_init();
	if (!gitsource_held && libgit2_link_init() > 0)
		gitsource_held = 1;
}

void gitsource_end(void)
{
	kept_release();
	kept.on = 0;
	if (gitsource_held)
		git_libgit2_shutdown();
	gitsource_held = 0;
}

/* Keep libgit2 from reading the commit-graph file: libgit2 1.5 loads it
 * on the first revwalk or merge base (git_revwalk_next, git_merge_base)
 * and checks its SHA-1 trailer over the whole file first: 7.6 MB and some
 * 250 million instructions for a history of 100,000 commits, more than
 * the range's walk itself costs reading the commits' objects, which the
 * records read anyway (and the object cache then keeps). gitwalk.c reads
 * the graph itself, without the checksum. Nor does gitrelease.c need it:
 * libgit2 1.5 answers ancestry (git_graph_descendant_of) from merge bases,
 * which do not read the graph's generations; with the graph, v49.0.0 from
 * v50.0.0 there costs 42 ms instead of 20, the checksum's price. */
static void no_libgit2_graph(git_repository *git)
{
	git_odb *odb = NULL;

	if (git_repository_odb(&odb, git) == 0)
		git_odb_set_commit_graph(odb, NULL);
	git_error_clear();
	git_odb_free(odb);
}

/* Keep the clone w opened (at path) for the run's next question, when
 * gitsource_keep() is in force and libgit2 is held for the run; it stays
 * w's to close otherwise (out of memory included). */
static void keep_repo(struct walk *w, const char *path)
{
	char *p, *origin;

	if (!kept.on || !gitsource_held)
		return;
	p = ml_strdup(path);
	origin = w->origin ? ml_strdup(w->origin) : NULL;
	if (!p || (w->origin && !origin)) {
		free(p);
		free(origin);
		return;
	}
	kept_release();
	kept.path = p;
	kept.git = w->git;
	kept.origin = origin;
	kept.graph_allowed = w->graph_allowed;
	w->kept = 1;
}

/* Open the clone at path (or take the run's kept one) and read its config
 * into w; w->repo is repo, else the origin's, which must be known when
 * need_repo is set. close_repo() undoes it. */
static int open_repo(struct walk *w, const char *path, const char *repo, int need_repo,
		     struct ml_error *err)
{
	int e;

	if (kept.git && strcmp(kept.path, path) == 0) {
		w->git = kept.git;
		w->kept = 1;
		w->graph_allowed = kept.graph_allowed;
		if (kept.origin && !(w->origin = ml_strdup(kept.origin)))
			return error_oom(err);
	} else {
		gitsource_tune();
		e = git_repository_open_ext(&w->git, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
		if (e == GIT_ENOTFOUND) {
			git_error_clear();
			return error_set(
			    err, ML_EXIT_SOURCE,
			    "'%s': not a git repository; give the path of a clone (its work "
			    "tree or a bare repository)",
			    path);
		}
		if (e < 0)
			return gitwalk_fail(err, path, "cannot open the repository");
		read_config(w);
		no_libgit2_graph(w->git);
		keep_repo(w, path);
	}
	w->repo = repo ? repo : w->origin;
	if (!w->repo && need_repo)
		return error_set(err, ML_EXIT_SOURCE,
				 "'%s': cannot tell which GitHub repository this is (no origin "
				 "remote on github.com); give OWNER/REPO (\"repo\" in the config)",
				 path);
	return 0;
}

/* What open_repo() opened: closed, unless the run keeps it. */
static void close_repo(struct walk *w)
{
	free(w->origin);
	w->origin = NULL;
	if (!w->kept)
		git_repository_free(w->git);
	w->git = NULL;
}

/* gitrange's question: a PR merge whose other parents are the PR's own
 * commits: bors and homu merges, and GitHub's merge of a branch that is not
 * the repository's own (a fork's). A merge of one of the repository's
 * branches (`next` into `main`) brings in PRs instead. */
static int pr_own_commits(void *ud, git_commit *c)
{
	struct walk *w = ud;
	struct ml_git_message m = {0};
	const char *slash;
	int own = 0;

	if (gitmsg_parse_subject(&m, git_commit_message(c)) > 0) {
		own = m.kind == GITMSG_BORS || m.kind == GITMSG_HOMU;
		if (m.kind == GITMSG_MERGE && (slash = memchr(m.from, '/', m.fromlen)))
			own = !is_owner(w, m.from, (size_t)(slash - m.from));
	}
	gitmsg_release(&m);
	return own;
}

/* gitrange's other question: a commit among a PR's own that GitHub made
 * (a merge, or committed by GitHub's web-flow address): another PR that
 * the branch brought along. */
static int pr_trusted(void *ud, git_commit *c)
{
	const git_signature *who = git_commit_committer(c);

	(void)ud;
	return git_commit_parentcount(c) > 1 ||
	       (who && who->email && ml_strcaseeq(who->email, "noreply@github.com"));
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The cache entry of the addresses that FROM reaches: the clone, the
 * walk's bound and the commit. */
static int identities_key(const struct walk *w, const git_oid *from, struct ml_buf *key)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof hex, from);
	return buf_printf(key, "mergeletter-git-identities:%d:%s:%s", GITSOURCE_HISTORY_MAX,
			  git_repository_commondir(w->git), hex);
}

/* FROM's addresses as a run before kept them (one a line, sorted): 1 and
 * *known filled, 0 when none is kept, -1 when out of memory. A commit's
 * ancestors never change, so the entry never goes stale. */
static int identities_load(struct ml_cache *cache, const char *key, struct ml_strv *known)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	int rc = 0, unsorted = 0;

	if (!cache || cache_get(cache, key, "", &e) != 1)
		goto done;
	rc = 1;
	for (char *line = e.body, *next; rc == 1 && line && *line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (*line && strv_push(known, line) < 0)
			rc = -1;
		else if (*line && known->n > 1 && strcmp(known->v[known->n - 2], line) > 0)
			unsorted = 1;
	}
	if (rc == 1 && unsorted) /* kept sorted; only a damaged entry is sorted here */
		qsort(known->v, known->n, sizeof *known->v, by_str);
done:
	cache_entry_release(&e);
	return rc;
}

static void identities_store(struct ml_cache *cache, const char *key, const struct ml_strv *all)
{
	struct ml_buf body = ML_BUF_INIT;
	int bad = 0;

	for (size_t i = 0; !bad && i < all->n; i++)
		if (!strchr(all->v[i], '\n'))
			bad = buf_printf(&body, "%s\n", all->v[i]) < 0;
	if (!bad) /* a failure only costs the next run */
		cache_put_text(cache, key, body.data, body.len);
	buf_release(&body);
}

/* The clone's index of those entries: the FROMs that have one (or had:
 * the cache may have let it go since), newest first, one commit id a
 * line, at most IDENTITIES_INDEX_MAX. */
#define IDENTITIES_INDEX_MAX 16
static int index_key(const struct walk *w, struct ml_buf *key)
{
	return buf_printf(key, "mergeletter-git-identities-index:%d:%s", GITSOURCE_HISTORY_MAX,
			  git_repository_commondir(w->git));
}

/* The index's commits into ids (a line that is not a commit id is
 * skipped): how many. */
static size_t index_load(struct ml_cache *cache, const char *key, git_oid *ids)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	size_t n = 0;

	if (cache_get(cache, key, "", &e) != 1)
		return 0;
	for (char *line = e.body, *next; line && *line && n < IDENTITIES_INDEX_MAX; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (strlen(line) == GIT_OID_HEXSZ && git_oid_fromstr(&ids[n], line) == 0)
			n++;
	}
	git_error_clear();
	cache_entry_release(&e);
	return n;
}

/* from first in the index, then the others as they were. */
static void index_add(struct ml_cache *cache, const struct walk *w, const git_oid *from)
{
	struct ml_buf key = ML_BUF_INIT, body = ML_BUF_INIT;
	git_oid ids[IDENTITIES_INDEX_MAX];
	char hex[GIT_OID_HEXSZ + 1];
	size_t n, listed = 1;
	int bad = index_key(w, &key) < 0;

	n = bad ? 0 : index_load(cache, key.data, ids);
	git_oid_tostr(hex, sizeof hex, from);
	bad = bad || buf_printf(&body, "%s\n", hex) < 0;
	for (size_t i = 0; !bad && i < n && listed < IDENTITIES_INDEX_MAX; i++) {
		if (git_oid_equal(&ids[i], from))
			continue;
		git_oid_tostr(hex, sizeof hex, &ids[i]);
		bad = buf_printf(&body, "%s\n", hex) < 0;
		listed++;
	}
	if (!bad) /* a failure only costs the next run */
		cache_put_text(cache, key.data, body.data, body.len);
	buf_release(&key);
	buf_release(&body);
}

/* Of the index's commits, how many are asked whether FROM reaches them. */
#define IDENTITIES_BASES 3

struct base {
	git_oid id;
	int64_t time;
	size_t order; /* in the index */
};

/* The later commit first; the index's order (newer entry first) else. */
static int by_base_time(const void *a, const void *b)
{
	const struct base *x = a, *y = b;

	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* A kept entry that FROM's can be made from: an earlier FROM that from
 * reaches, its addresses into *known and its commit into *base: 1; 0 when
 * there is none; -1 when out of memory. The index's commits not later
 * than from (committer time; a later one is not its ancestor, bar a skewed
 * clock, which then only costs a longer walk) are asked, the latest first
 * (the nearest, the fewest commits between), at most IDENTITIES_BASES of
 * them: whether from reaches it (gitrelease_reaches(), exact: a commit
 * that is not an ancestor would lend addresses that FROM's history does
 * not carry), then whether its entry is still kept. */
static int identities_base(struct walk *w, struct ml_cache *cache, const git_oid *from,
			   git_oid *base, struct ml_strv *known)
{
	struct ml_buf key = ML_BUF_INIT;
	git_oid ids[IDENTITIES_INDEX_MAX];
	struct base b[IDENTITIES_INDEX_MAX];
	git_commit *c = NULL;
	int64_t from_time;
	size_t n, nb = 0;
	int rc = 0;

	if (git_commit_lookup(&c, w->git, from) < 0 || index_key(w, &key) < 0) {
		git_error_clear();
		rc = c ? -1 : 0;
		goto done;
	}
	from_time = (int64_t)git_commit_time(c);
	n = index_load(cache, key.data, ids);
	for (size_t i = 0; i < n; i++) {
		git_commit *k = NULL;

		if (!git_oid_equal(&ids[i], from) && git_commit_lookup(&k, w->git, &ids[i]) == 0 &&
		    (int64_t)git_commit_time(k) <= from_time) {
			git_oid_cpy(&b[nb].id, &ids[i]);
			b[nb].time = (int64_t)git_commit_time(k);
			b[nb++].order = i;
		}
		git_commit_free(k);
	}
	git_error_clear();
	if (nb > 1)
		qsort(b, nb, sizeof *b, by_base_time);
	for (size_t i = 0; rc == 0 && i < nb && i < IDENTITIES_BASES; i++) {
		if (gitrelease_reaches(w->git, from, &b[i].id) != 1)
			continue;
		buf_reset(&key);
		if (identities_key(w, &b[i].id, &key) < 0) {
			rc = -1;
			break;
		}
		if ((rc = identities_load(cache, key.data, known)) == 1)
			git_oid_cpy(base, &b[i].id);
	}
done:
	git_commit_free(c);
	buf_release(&key);
	return rc;
}

/* known gets more's strings (more emptied); both sorted (strcmp), each
 * string once, and known stays so. 0, or -1 when out of memory. */
static int add_sorted(struct ml_strv *known, struct ml_strv *more)
{
	size_t i = 0, j = 0, n = 0, cap = known->n + more->n;
	char **v;

	if (!more->n)
		return 0;
	if (!(v = malloc(cap * sizeof *v)))
		return -1;
	while (i < known->n || j < more->n) {
		int c = i == known->n ? 1 : j == more->n ? -1 : strcmp(known->v[i], more->v[j]);

		if (c == 0)
			free(more->v[j++]);
		v[n++] = c <= 0 ? known->v[i++] : more->v[j++];
	}
	free(known->v);
	known->v = v;
	known->n = n;
	known->cap = cap;
	free(more->v);
	more->v = NULL;
	more->n = more->cap = 0;
	return 0;
}

/* New contributors of FROM..: a record whose author's address no commit
 * that FROM reaches carries (see gitrange_identities()). What FROM reaches
 * is read once and kept in the cache, so that the next run from FROM (the
 * same release drafted again, the unreleased notes since the latest tag)
 * reads none of it: when an earlier FROM that FROM reaches has its
 * addresses kept (the previous release's, most often), FROM's are those
 * and the addresses of what FROM reaches and it does not (exact: its
 * ancestors are FROM's), so the next release reads the last one's commits
 * only; with none, a FROM whose history had to be read to its end (a new
 * contributor's address is found nowhere) keeps what it read. */
static int mark_first(struct walk *w, const git_oid *from, struct ml_error *err)
{
	struct ml_strv known = {0}, wanted = {0}, fresh = {0};
	struct ml_cache *cache = NULL;
	struct ml_buf key = ML_BUF_INIT;
	git_oid base;
	size_t nread = 0;
	int rc = 0, have = 0, based = 0;

	if (w->use_cache)
		cache = cache_open_quietly(w->cache_dir); /* none: read the history */
	if (cache && (identities_key(w, from, &key) < 0 ||
		      (have = identities_load(cache, key.data, &known)) < 0 ||
		      (!have && (based = identities_base(w, cache, from, &base, &known)) < 0)))
		rc = -1;
	if (rc == 0 && based) { /* the base's, and every address of from ^base */
		rc = gitrange_identities(w->git, from, &base, GITSOURCE_HISTORY_MAX, NULL, &fresh,
					 NULL, &nread);
		if (rc >= 0 && add_sorted(&known, &fresh) < 0)
			rc = -1;
	} else if (rc == 0 && !have) {
		for (size_t i = 0; rc == 0 && i < w->emails.n; i++)
			if (*w->emails.v[i])
				rc = strv_push(&wanted, w->emails.v[i]);
		if (rc == 0 && wanted.n > 1)
			qsort(wanted.v, wanted.n, sizeof *wanted.v, by_str);
		if (rc == 0)
			rc = gitrange_identities(w->git, from, NULL, GITSOURCE_HISTORY_MAX, &wanted,
						 &known, cache ? &fresh : NULL, &nread);
	}
	if (w->stats)
		w->stats->identity_commits += nread;
	if (rc == 1 && cache) { /* every address that from reaches */
		identities_store(cache, key.data, based ? &known : &fresh);
		index_add(cache, w, from);
	}
	strv_release(&wanted);
	strv_release(&fresh);
	buf_release(&key);
	cache_free(cache);
	if (rc < 0) {
		strv_release(&known);
		return error_oom(err);
	}
	for (size_t i = 0; i < w->emails.n && w->start + i < w->out->len; i++) {
		const char *e = w->emails.v[i];

		w->out->items[w->start + i].first_contribution =
		    *e && !(known.n && bsearch(&e, known.v, known.n, sizeof *known.v, by_str));
	}
	strv_release(&known);
	return 0;
}

int gitsource_read(const struct ml_git_query *q, struct ml_pr_list *out, char **repo_out,
		   struct ml_error *err)
{
	const struct ml_gitlogins_cache lcache = {q->cache_dir, !q->no_cache};
	struct walk w;
	git_oid tip, from;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.path = q->path;
	w.range = q->range;
	w.out = out;
	w.start = out->len;
	if (repo_out)
		*repo_out = NULL;
	/* libgit2 is started here, not by main: its TLS setup parses every CA
	 * certificate, which API-only runs need not pay for. */
	gitsource_begin();
	if (open_repo(&w, q->path, q->repo, 1, err) < 0 || resolve_tip(&w, q->ref, &tip, err) < 0)
		goto done;
	if (gitlogins_new(&w.logins, w.git, &tip, w.repo, w.origin, q->logins, &lcache) < 0) {
		error_oom(err);
		goto done;
	}
	if (q->from) {
		struct ml_gitrange gr = {w.git,	     w.path,	   pr_own_commits,
					 pr_trusted, visit_commit, &w};

		w.identities = 1;
		w.stats = q->stats;
		w.cache_dir = q->cache_dir;
		w.use_cache = !q->no_cache;
		if (resolve_tip(&w, q->from, &from, err) < 0 ||
		    gitrange_walk(&gr, &from, &tip, err) < 0 || mark_first(&w, &from, err) < 0)
			goto done;
	} else {
		struct ml_gitwalk gw = {w.git,	      w.path,	    w.range, w.graph_allowed,
					visit_commit, restart_walk, &w};

		if (gitwalk_range(&gw, &tip, err) < 0)
			goto done;
	}
	if (finish_records(&w) < 0) {
		error_oom(err);
		goto done;
	}
	if (repo_out && !(*repo_out = ml_strdup(w.repo))) {
		error_oom(err);
		goto done;
	}
	rc = 0;
done:
	if (rc < 0) /* leave out as it was */
		drop_records(&w);
	gitlogins_free(w.logins);
	strv_release(&w.emails);
	close_repo(&w);
	git_libgit2_shutdown();
	return rc;
}

int gitsource_fetch(const char *path, const char *ref, const char *repo,
		    const struct ml_range *range, struct ml_pr_list *out, char **repo_out,
		    struct ml_error *err)
{
	struct ml_git_query q = {path, ref, NULL, repo, range, NULL, NULL, 0, NULL};

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
		return gitwalk_fail(err, w->path, "cannot read a commit");
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
	gitsource_begin();
	if (open_repo(&w, path, NULL, 0, err) == 0 && ref_time(&w, from, from_time, err) == 0 &&
	    ref_time(&w, to, to_time, err) == 0)
		rc = 0;
	close_repo(&w);
	git_libgit2_shutdown();
	return rc;
}

int gitsource_previous_release(const char *path, const char *to, const char *cache_dir,
			       int no_cache, char **tag, struct ml_error *err)
{
	struct ml_cache *cache = NULL;
	struct walk w;
	git_oid tip;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.path = path;
	*tag = NULL;
	gitsource_begin();
	if (open_repo(&w, path, NULL, 0, err) == 0 && resolve_tip(&w, to, &tip, err) == 0) {
		if (!no_cache && !gitrelease_parse(to, &(struct ml_semver){0}))
			cache = cache_open_quietly(cache_dir); /* none: every tag is peeled */
		rc = gitrelease_previous(w.git, &tip, to, cache, w.graph_allowed, tag, err);
	}
	if (rc == 0 && !*tag)
		rc = error_set(err, ML_EXIT_SOURCE,
			       "'%s': no release tag before '%s' (a tag such as v1.2.3 that it "
			       "reaches); give --from REF",
			       path, to ? to : "the tip");
	cache_free(cache);
	close_repo(&w);
	git_libgit2_shutdown();
	return rc;
}

int gitsource_fetch_draft(struct ml_draft *d, const char *cache_dir, int no_cache,
			  struct ml_error *err)
{
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			struct ml_draft_repo *r = &d->sections[i].repos[j];
			char *used = NULL;
			struct ml_git_query q = {r->info.git,  r->info.ref, d->from_ref,
						 r->info.repo, &d->range,   &d->logins,
						 cache_dir,    no_cache,    NULL};

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
