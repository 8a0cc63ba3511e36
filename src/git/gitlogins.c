/* gitlogins.c: e-mail address to GitHub login from a clone: .mailmap, the
 * config's map, and merge commits whose PR commits agree (see gitlogins.h). */
#include "mergeletter/git/gitlogins.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/git/gitmsg.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/net/cache.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

enum vote_kind { VOTE_AUTHOR = 0, VOTE_MERGER = 1 };

struct vote {
	char *name;  /* as in the commit */
	char *email; /* as in the commit; canonical (.mailmap) once decide() ran */
	char *login;
	enum vote_kind kind;
	size_t count; /* PRs (or merges) that cast this same vote */
};

struct ml_gitlogins {
	git_repository *git;
	git_oid tip;
	const char *repo, *origin;
	const struct ml_login_map *config;
	git_mailmap *mailmap;
	struct ml_cache *cache; /* where the evidence is kept, or NULL */
	int learned_done;
	struct ml_login_map learned;
	struct vote *votes;
	size_t nvotes, cap;
};

int gitlogins_is_owner(const char *repo, const char *login, size_t n)
{
	const char *slash = repo ? strchr(repo, '/') : NULL;

	return slash && (size_t)(slash - repo) == n && strncasecmp(repo, login, n) == 0;
}

int gitlogins_new(struct ml_gitlogins **out, git_repository *git, const git_oid *tip,
		  const char *repo, const char *origin, const struct ml_login_map *config,
		  const struct ml_gitlogins_cache *cache)
{
	struct ml_gitlogins *l = calloc(1, sizeof *l);

	*out = NULL;
	if (!l)
		return -1;
	l->git = git;
	git_oid_cpy(&l->tip, tip);
	l->repo = repo;
	l->origin = origin;
	l->config = config;
	if (cache && cache->use)
		l->cache = cache_open_quietly(cache->dir); /* none: read everything */
	if (git_mailmap_from_repository(&l->mailmap, git) < 0) {
		git_error_clear(); /* no usable .mailmap: none */
		l->mailmap = NULL;
	}
	*out = l;
	return 0;
}

/* The address .mailmap gives for (name, email), borrowed. */
static const char *canonical(const struct ml_gitlogins *l, const char *name, const char *email)
{
	const char *rname = NULL, *remail = NULL;

	if (!l->mailmap ||
	    git_mailmap_resolve(&rname, &remail, l->mailmap, name ? name : "", email) < 0) {
		git_error_clear();
		return email;
	}
	return remail && *remail ? remail : email;
}

static int vote_add(struct ml_gitlogins *l, const char *name, const char *email, const char *login,
		    enum vote_kind kind, size_t count)
{
	struct vote *v;

	if (!email || !*email)
		return 0;
	if (l->nvotes == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		if (!(v = realloc(l->votes, cap * sizeof *v)))
			return -1;
		l->votes = v;
		l->cap = cap;
	}
	v = &l->votes[l->nvotes];
	v->name = ml_strdup(name ? name : "");
	v->email = ml_strdup(email);
	v->login = ml_strdup(login);
	v->kind = kind;
	v->count = count;
	if (!v->name || !v->email || !v->login) {
		free(v->name);
		free(v->email);
		free(v->login);
		return -1;
	}
	l->nvotes++;
	return 0;
}

/* 1 when votes[first..) hold email already (one PR's votes so far). */
static int voted_since(const struct ml_gitlogins *l, size_t first, const char *email)
{
	for (size_t i = first; email && i < l->nvotes; i++)
		if (strcasecmp(l->votes[i].email, email) == 0)
			return 1;
	return 0;
}

/* The authors of one PR's commits: the second parent and its first
 * parents down to the merge base with the first parent, at most
 * GITLOGINS_PR_COMMITS of them; one vote per address and PR. */
static int vote_pr_commits(struct ml_gitlogins *l, git_commit *merge, const char *login)
{
	git_oid id, base;
	git_commit *b = NULL;
	int64_t old;
	size_t n = 0, first = l->nvotes;
	int rc = 0;

	if (git_merge_base(&base, l->git, git_commit_parent_id(merge, 0),
			   git_commit_parent_id(merge, 1)) < 0 ||
	    git_commit_lookup(&b, l->git, &base) < 0) {
		git_error_clear(); /* unrelated, or beyond a shallow boundary: no evidence */
		return 0;
	}
	/* a first-parent line that passes the base's time without meeting it
	 * is not the PR's own: stop there (a day of clock skew allowed) */
	old = (int64_t)git_commit_time(b) - 24 * 60 * 60;
	git_commit_free(b);
	git_oid_cpy(&id, git_commit_parent_id(merge, 1));
	while (rc == 0 && n++ < GITLOGINS_PR_COMMITS && !git_oid_equal(&id, &base)) {
		git_commit *c = NULL;
		const git_signature *a;

		if (git_commit_lookup(&c, l->git, &id) < 0) {
			git_error_clear();
			break;
		}
		if ((int64_t)git_commit_time(c) < old) {
			git_commit_free(c);
			break;
		}
		a = git_commit_author(c);
		if (!voted_since(l, first, a->email))
			rc = vote_add(l, a->name, a->email, login, VOTE_AUTHOR, 1);
		if (git_commit_parentcount(c) == 0)
			n = GITLOGINS_PR_COMMITS;
		else
			git_oid_cpy(&id, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	return rc;
}

/* Evidence from one first-parent commit, when it is GitHub's merge of a
 * PR from a fork: LOGIN for the PR's commit authors, and "merged a PR of
 * LOGIN" for the merge commit's author. */
static int read_merge(struct ml_gitlogins *l, git_commit *c)
{
	const char *msg = git_commit_message(c), *from;
	size_t n = strcspn(msg, "\r\n"), fromlen, loginlen;
	const char *slash;
	const git_signature *merger = git_commit_author(c);
	char *login;
	long number;
	int rc;

	if (git_commit_parentcount(c) < 2 ||
	    !gitmsg_merge_subject(msg, n, &number, &from, &fromlen))
		return 0;
	slash = memchr(from, '/', fromlen);
	loginlen = slash ? (size_t)(slash - from) : 0;
	if (!slash || !pr_login_valid(from, loginlen) ||
	    gitlogins_is_owner(l->repo, from, loginlen) ||
	    gitlogins_is_owner(l->origin, from, loginlen))
		return 0;
	if (!(login = ml_strndup(from, loginlen)))
		return -1;
	rc = vote_add(l, merger->name, merger->email, login, VOTE_MERGER, 1);
	if (rc == 0)
		rc = vote_pr_commits(l, c, login);
	free(login);
	return rc;
}

static int by_email_kind_login(const void *a, const void *b)
{
	const struct vote *x = a, *y = b;
	int c = strcasecmp(x->email, y->email);

	if (!c)
		c = (int)x->kind - (int)y->kind;
	return c ? c : strcasecmp(x->login, y->login);
}

/* The login that the votes v[0..n) of one address name, or NULL: every
 * PR that carries the address names it, or a clear majority does (at
 * least GITLOGINS_MAJORITY percent of at least GITLOGINS_MIN_PRS PRs);
 * and the address never merged a PR of it. Votes sorted by kind, authors
 * first, then by login: one pass counts each login's run (an address with
 * thousands of PRs costs thousands of steps, not millions). */
static const char *elect(const struct vote *v, size_t n)
{
	const char *best = NULL;
	size_t prs = 0, best_count = 0, i = 0;

	while (i < n && v[i].kind == VOTE_AUTHOR) {
		size_t j = i, count = 0;

		for (; j < n && v[j].kind == VOTE_AUTHOR && ml_strcaseeq(v[j].login, v[i].login);
		     j++)
			count += v[j].count;
		prs += count;
		if (count > best_count) {
			best = v[i].login;
			best_count = count;
		}
		i = j;
	}
	if (!best || (best_count < prs &&
		      (prs < GITLOGINS_MIN_PRS || best_count * 100 < prs * GITLOGINS_MAJORITY)))
		return NULL;
	for (; i < n; i++)
		if (ml_strcaseeq(v[i].login, best))
			return NULL; /* merged a PR of that login: a maintainer's fixup */
	return best;
}

/* One mapping per address that elect() gives a login. */
static int decide(struct ml_gitlogins *l)
{
	size_t i = 0;

	for (size_t k = 0; k < l->nvotes; k++) { /* .mailmap now, so that the cache need not */
		const char *c = canonical(l, l->votes[k].name, l->votes[k].email);
		char *copy;

		if (c == l->votes[k].email)
			continue;
		if (!(copy = ml_strdup(c)))
			return -1;
		free(l->votes[k].email);
		l->votes[k].email = copy;
	}
	if (l->nvotes > 1)
		qsort(l->votes, l->nvotes, sizeof *l->votes, by_email_kind_login);
	while (i < l->nvotes) {
		size_t j = i;
		const char *login;

		while (j < l->nvotes && strcasecmp(l->votes[j].email, l->votes[i].email) == 0)
			j++;
		login = elect(&l->votes[i], j - i);
		if (login && login_map_add(&l->learned, l->votes[i].email, login) < 0)
			return -1;
		i = j;
	}
	return 0;
}

static int by_vote(const void *a, const void *b)
{
	const struct vote *x = a, *y = b;
	int c = (int)x->kind - (int)y->kind;

	if (!c)
		c = strcmp(x->email, y->email);
	if (!c)
		c = strcmp(x->login, y->login);
	return c ? c : strcmp(x->name, y->name);
}

/* One vote per (kind, name, email, login), with the count of PRs that
 * cast it: a history of thousands of PRs by a few hundred people keeps a
 * few hundred votes, in the cache and in decide(). */
static void votes_merge(struct ml_gitlogins *l)
{
	size_t out = 0;

	if (l->nvotes > 1)
		qsort(l->votes, l->nvotes, sizeof *l->votes, by_vote);
	for (size_t i = 0; i < l->nvotes; i++) {
		struct vote *v = &l->votes[i];

		if (out > 0 && by_vote(&l->votes[out - 1], v) == 0) {
			l->votes[out - 1].count += v->count;
			free(v->name);
			free(v->email);
			free(v->login);
			continue;
		}
		l->votes[out++] = *v;
	}
	l->nvotes = out;
}

static void votes_clear(struct ml_gitlogins *l)
{
	for (size_t i = 0; i < l->nvotes; i++) {
		free(l->votes[i].name);
		free(l->votes[i].email);
		free(l->votes[i].login);
	}
	free(l->votes);
	l->votes = NULL;
	l->nvotes = l->cap = 0;
}

/* The cache entry's key: the clone, and what decides which merges vote;
 * "-2": each line carries its count. */
static int cache_key(const struct ml_gitlogins *l, struct ml_buf *key)
{
	return buf_printf(key, "mergeletter-git-logins-2:%d:%s:%s:%s", GITLOGINS_MAX_COMMITS,
			  git_repository_commondir(l->git), l->repo ? l->repo : "",
			  l->origin ? l->origin : "");
}

/* One line of the entry: "A|M\tNAME\tEMAIL\tLOGIN\tCOUNT". */
static int parse_vote(struct ml_gitlogins *l, char *line)
{
	char *f[5] = {line, NULL, NULL, NULL, NULL}, *end;
	unsigned long count;

	for (int k = 1; k < 5; k++)
		if (!f[k - 1] || !(f[k] = strchr(f[k - 1], '\t')) || (*f[k]++ = '\0'))
			return 0; /* malformed: skipped */
	if ((strcmp(f[0], "A") != 0 && strcmp(f[0], "M") != 0) || !isdigit((unsigned char)*f[4]))
		return 0;
	count = strtoul(f[4], &end, 10);
	if (*end || count == 0 || count > SIZE_MAX / 2)
		return 0;
	return vote_add(l, f[1], f[2], f[3], f[0][0] == 'A' ? VOTE_AUTHOR : VOTE_MERGER,
			(size_t)count);
}

/* 1 when the commit id is younger than the tip (committer times): the tip
 * cannot descend from it, bar a skewed clock, which only costs a full read.
 * libgit2 1.5's git_graph_descendant_of() would walk the whole history
 * between them to say so (a release's notes from an old tag). */
static int newer_than_tip(struct ml_gitlogins *l, const git_oid *id)
{
	git_commit *a = NULL, *b = NULL;
	int newer = git_commit_lookup(&a, l->git, id) == 0 &&
		    git_commit_lookup(&b, l->git, &l->tip) == 0 &&
		    git_commit_time(a) > git_commit_time(b);

	git_error_clear();
	git_commit_free(a);
	git_commit_free(b);
	return newer;
}

/* The evidence cached for this clone: 1 with its votes added, *read_to
 * the commit it was read to and *count the commits it covers, when that
 * commit is the tip or an ancestor of it; 2 when it was read to another
 * line (newer, or elsewhere: left as it is); 0 when there is none; -1 when
 * out of memory. */
static int cache_load(struct ml_gitlogins *l, git_oid *read_to, size_t *count)
{
	struct ml_cache_entry e = ML_CACHE_ENTRY_INIT;
	struct ml_buf key = ML_BUF_INIT;
	char *line, *next;
	unsigned long n = 0;
	int rc = 0;

	if (!l->cache || cache_key(l, &key) < 0 || cache_get(l->cache, key.data, "", &e) != 1)
		goto done;
	if (e.len < GIT_OID_HEXSZ + 1 || git_oid_fromstrn(read_to, e.body, GIT_OID_HEXSZ) < 0 ||
	    sscanf(e.body + GIT_OID_HEXSZ, " %lu", &n) != 1) {
		git_error_clear();
		goto done; /* not ours: replaced */
	}
	if (!git_oid_equal(read_to, &l->tip) &&
	    (newer_than_tip(l, read_to) ||
	     git_graph_descendant_of(l->git, &l->tip, read_to) != 1)) {
		git_error_clear();
		rc = 2; /* another line of history: read it all */
		goto done;
	}
	*count = n;
	line = strchr(e.body, '\n');
	for (line = line ? line + 1 : NULL; rc == 0 && line && *line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if (parse_vote(l, line) < 0)
			rc = -1;
	}
	rc = rc < 0 ? -1 : 1;
done:
	cache_entry_release(&e);
	buf_release(&key);
	return rc;
}

/* Keep the votes (before decide()) as read to the tip. */
static void cache_store(struct ml_gitlogins *l, size_t count)
{
	struct ml_buf key = ML_BUF_INIT, body = ML_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	int bad = 0;

	git_oid_tostr(hex, sizeof hex, &l->tip);
	bad = cache_key(l, &key) < 0 || buf_printf(&body, "%s %zu\n", hex, count) < 0;
	for (size_t i = 0; !bad && i < l->nvotes; i++) {
		const struct vote *v = &l->votes[i];

		if (strpbrk(v->name, "\t\n") || strpbrk(v->email, "\t\n") ||
		    strpbrk(v->login, "\t\n"))
			continue;
		bad = buf_printf(&body, "%c\t%s\t%s\t%s\t%zu\n", v->kind == VOTE_AUTHOR ? 'A' : 'M',
				 v->name, v->email, v->login, v->count) < 0;
	}
	if (!bad) /* a failure only costs the next run */
		cache_put_text(l->cache, key.data, body.data, body.len);
	buf_release(&key);
	buf_release(&body);
}

/* Where the evidence is read from: the newer (committer time) of the
 * clone's HEAD and the range's tip. A login is a fact about an address,
 * not about a range: the notes of a release deep in the history learn who
 * its authors are from everything the clone knows, as this month's
 * section does, and one cached read serves both. HEAD unborn or not a
 * commit: the tip. */
static void choose_tip(struct ml_gitlogins *l)
{
	git_object *head = NULL;
	git_commit *tip = NULL;

	if (git_revparse_single(&head, l->git, "HEAD^{commit}") == 0 &&
	    git_commit_lookup(&tip, l->git, &l->tip) == 0 &&
	    git_commit_time((git_commit *)head) > git_commit_time(tip))
		git_oid_cpy(&l->tip, git_object_id(head));
	git_error_clear();
	git_commit_free(tip);
	git_object_free(head);
}

/* Read the evidence: the first-parent history from the tip (choose_tip()), at most
 * GITLOGINS_MAX_COMMITS commits, of which only those newer than what the
 * cache holds (when it holds this line of history). */
static int learn(struct ml_gitlogins *l)
{
	git_revwalk *fp = NULL;
	git_oid id, read_to;
	size_t n = 0, cached = 0;
	int rc = -1, have = 0, met = 0;

	choose_tip(l);
	l->learned_done = 1;
	if ((have = cache_load(l, &read_to, &cached)) < 0)
		goto done;
	if (have == 2) { /* kept for the runs it serves; this one reads everything */
		have = 0;
		cache_free(l->cache);
		l->cache = NULL;
	}
	if (have == 1 && git_oid_equal(&read_to, &l->tip)) {
		rc = decide(l); /* read to the tip: no revwalk (starting one costs ~20 ms) */
		goto done;
	}
	if (git_revwalk_new(&fp, l->git) < 0 || git_revwalk_push(fp, &l->tip) < 0) {
		git_error_clear(); /* no evidence */
		rc = 0;
		goto done;
	}
	git_revwalk_simplify_first_parent(fp);
	while (n < GITLOGINS_MAX_COMMITS && git_revwalk_next(&id, fp) == 0) {
		git_commit *c = NULL;
		int e;

		if (have && git_oid_equal(&id, &read_to)) {
			met = 1; /* the cache has the rest */
			break;
		}
		n++;
		if (git_commit_lookup(&c, l->git, &id) < 0)
			break;
		e = read_merge(l, c);
		git_commit_free(c);
		if (e < 0)
			goto done;
	}
	git_error_clear();  /* the end, or a shallow boundary */
	if (have && !met) { /* read to an ancestor off the first-parent line: start over */
		votes_clear(l);
		rc = have = 0;
		l->learned_done = 0;
		if (l->cache)
			cache_free(l->cache);
		l->cache = NULL;
		rc = learn(l);
		goto done;
	}
	votes_merge(l);
	if (l->cache && n > 0)
		cache_store(l, n + cached);
	rc = decide(l);
done:
	votes_clear(l);
	git_revwalk_free(fp);
	return rc;
}

int gitlogins_resolve(struct ml_gitlogins *l, const char *name, const char *email, char **login)
{
	const char *canon, *found;

	*login = NULL;
	if (!l || !email || !*email)
		return 0;
	canon = canonical(l, name, email);
	if ((*login = gitmsg_noreply_login(canon)))
		return 0;
	found = login_map_find(l->config, canon);
	if (!found)
		found = login_map_find(l->config, email);
	if (!found) {
		if (!l->learned_done && learn(l) < 0)
			return -1;
		found = login_map_find(&l->learned, canon);
	}
	if (found && !(*login = ml_strdup(found)))
		return -1;
	return 0;
}

void gitlogins_free(struct ml_gitlogins *l)
{
	if (!l)
		return;
	git_mailmap_free(l->mailmap);
	cache_free(l->cache);
	login_map_release(&l->learned);
	free(l);
}
