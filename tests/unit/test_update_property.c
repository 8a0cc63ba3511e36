/* test_update_property.c: the living draft's property over generated months.
 *
 * For every seed, a month is generated: sections (one with an intro, one
 * without, "Other Projects" placed by the template), repositories in
 * config order, PRs merged on random days (real ones, bumps, maintainers'
 * own), and three days a <= b <= c (c may be after the month). Then, with
 * the date line of the front matter set aside (--finalize sets it):
 *
 *   update(update(fresh(a), b), c) == fresh(c)                (no edits)
 *   update(update(E(fresh(a)), b), c) == E(fresh(c))           (edits)
 *
 * where E is an editor's edit: a deleted PR, a reworded title, an added
 * sentence, a section moved to another part. A second update changes no
 * byte. ML_UPDATE_SEEDS=N runs N seeds (default 300), ML_UPDATE_SEED=S
 * only seed S. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/document/update.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

#define AUG1 1690848000 /* 2023-08-01 00:00 UTC */
#define DAY 86400
#define MAXREPOS 12
#define MAXPRS 48

struct gen_pr {
	int repo;
	long number;
	int day; /* merged on day `day` of August (noon) */
	int bump;
	const char *author;
};

struct month {
	unsigned long long rng;
	struct ml_buf config;
	char repos[MAXREPOS][32];
	int nrepos;
	struct gen_pr prs[MAXPRS];
	int nprs;
	int a, b, c; /* the days of the three runs */
};

static unsigned gen_next(struct month *m)
{
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return (unsigned)(m->rng >> 11);
}

static int gen_pick(struct month *m, int n)
{
	return (int)(gen_next(m) % (unsigned)n);
}

static const char *const authors[] = {"alice", "bob", "carol", "maint"};

static void gen_repos(struct month *m, const char *owner, int n)
{
	for (int i = 0; i < n && m->nrepos < MAXREPOS; i++) {
		snprintf(m->repos[m->nrepos], sizeof m->repos[0], "%s/r%d", owner, m->nrepos);
		buf_printf(&m->config,
			   "%s{ \"repo\": \"%s\", \"maintainers\": [\"maint\"], \"intro\": \"The "
			   "`r%d` crate.\" }",
			   i ? ", " : "", m->repos[m->nrepos], m->nrepos);
		m->nrepos++;
	}
}

static void month_generate(struct month *m, unsigned seed)
{
	int maint_only;

	memset(m, 0, sizeof *m);
	m->rng = 0x9E3779B97F4A7C15ull ^ ((unsigned long long)seed * 0x100000001B3ull);
	for (int i = 0; i < 4; i++)
		gen_next(m);
	maint_only = gen_pick(m, 6) == 0;
	buf_puts(&m->config, "{ \"title\": \"This Month in Gen\", \"editors\": [\"ed\"],\n"
			     "  \"sections\": [\n    { \"heading\": \"`ex` Projects\"");
	if (gen_pick(m, 2))
		buf_puts(&m->config, ", \"intro\": \"Projects of the ex org.\"");
	buf_puts(&m->config, ", \"repos\": [");
	gen_repos(m, "ex", 1 + gen_pick(m, 4));
	buf_puts(&m->config, "] },\n    { \"heading\": \"More Projects\", \"repos\": [");
	gen_repos(m, "more", 1 + gen_pick(m, 3));
	buf_puts(&m->config, "] },\n    { \"heading\": \"Other Projects\", \"repos\": [");
	gen_repos(m, "other", 1 + gen_pick(m, 3));
	buf_puts(&m->config, "] } ] }\n");
	for (int r = 0; r < m->nrepos; r++) {
		int kind = gen_pick(m, 5), n = gen_pick(m, 5), late = gen_pick(m, 4) == 0;

		for (int k = 0; k < n && m->nprs < MAXPRS; k++) {
			struct gen_pr *p = &m->prs[m->nprs++];

			p->repo = r;
			p->number = 100 * (r + 1) + k;
			/* a repository whose first PR comes late; one with bumps first */
			p->day = late ? 20 + gen_pick(m, 12) : 1 + gen_pick(m, 31);
			p->bump = kind == 0 ? (k == 0 || p->day < 15) : gen_pick(m, 4) == 0;
			if (kind == 0 && !p->bump && p->day < 15)
				p->day += 15;
			p->author = p->bump	 ? "dependabot[bot]"
				    : maint_only ? "maint"
						 : authors[gen_pick(m, 4)];
		}
	}
	m->a = 1 + gen_pick(m, 30);
	m->b = m->a + gen_pick(m, 6);
	m->c = m->b + gen_pick(m, 8);
}

/* The draft of the month as GitHub has it at the end of day `day`. */
static int month_draft(struct ml_draft *d, const struct month *m, int day)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config cfg;
	struct ml_range range;
	int64_t now = AUG1 + (int64_t)day * DAY - 1;

	if (config_parse(&cfg, m->config.data, m->config.len, "gen.json", &err) < 0) {
		fprintf(stderr, "%s\n%s\n", err.msg, m->config.data);
		error_clear(&err);
		return -1;
	}
	CHECK(range_from_month(&range, "2023-08", &err) == 0);
	CHECK(draft_from_config(d, &cfg, &range, &err) == 0);
	config_release(&cfg);
	d->date = now;
	for (int i = 0; i < m->nprs; i++) {
		const struct gen_pr *g = &m->prs[i];
		struct ml_draft_repo *r = draft_find_repo(d, m->repos[g->repo]);
		int64_t t = AUG1 + (int64_t)(g->day - 1) * DAY + DAY / 2;
		struct ml_pr *pr;
		char title[64];

		if (t > now || !r)
			continue;
		pr = pr_list_add(&r->prs);
		snprintf(title, sizeof title, g->bump ? "build(deps): bump x%ld" : "Change %ld",
			 g->number);
		pr->repo = ml_strdup(m->repos[g->repo]);
		pr->number = g->number;
		pr->title = ml_strdup(title);
		pr->author = ml_strdup(g->author);
		pr->author_is_bot = pr->is_bump = g->bump;
		pr->merged_at = t;
	}
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			pr_list_sort(&d->sections[i].repos[j].prs);
	return 0;
}

/* fresh (old NULL) or --update on the day; 0 or -1. */
static int month_render(struct ml_buf *out, const struct month *m, const char *old, int day)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_update_opts o = {1, old != NULL, 0, AUG1 + (int64_t)day * DAY - 1};
	struct ml_draft d;
	int rc;

	if (month_draft(&d, m, day) < 0)
		return -1;
	rc = update_render(out, old, old ? strlen(old) : 0, &d, &o, NULL, &err);
	if (rc < 0)
		fprintf(stderr, "update_render: %s\n", err.msg);
	error_clear(&err);
	draft_release(&d);
	return rc;
}

/* The text with the front matter's date line set aside. */
static char *undated(const char *s)
{
	struct ml_buf b = ML_BUF_INIT;
	const char *p = strstr(s, "\ndate = ");
	const char *e = p ? strchr(p + 1, '\n') : NULL;

	if (p && e)
		buf_printf(&b, "%.*s\ndate = DAY%s", (int)(p - s), s, e);
	else
		buf_puts(&b, s);
	return buf_detach(&b);
}

/* ---- the editor's edits, applied the same way to any text ---- */

enum edit { EDIT_NONE, EDIT_DELETE, EDIT_REWORD, EDIT_SENTENCE, EDIT_MOVE, EDIT_COUNT };

/* The start of the line holding needle, or NULL. */
static const char *line_with(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	while (p && p > s && p[-1] != '\n')
		p--;
	return p;
}

/* The start of the line before the one at p (p itself when first). */
static const char *line_before(const char *s, const char *p)
{
	const char *q = p > s ? p - 1 : p;

	while (q > s && q[-1] != '\n')
		q--;
	return q;
}

static const char *line_after(const char *p)
{
	const char *e = strchr(p, '\n');

	return e ? e + 1 : p + strlen(p);
}

/* s with [from, to) replaced by with. */
static char *splice(const char *s, const char *from, const char *to, const char *with)
{
	struct ml_buf b = ML_BUF_INIT;

	buf_add(&b, s, (size_t)(from - s));
	buf_puts(&b, with);
	buf_puts(&b, to);
	return buf_detach(&b);
}

/* Past the last non-blank line of the repository's section at h: before
 * its next heading of level 2 or 3, a "<!--" line after a blank line, or
 * the trailer. */
static const char *section_stop(const char *h)
{
	const char *p = line_after(h), *last = p;

	while (*p && strncmp(p, "## ", 3) != 0 && strncmp(p, "### ", 4) != 0 &&
	       strncmp(p, "\n<!--\n", 6) != 0 &&
	       strncmp(p, "\n<!-- mergeletter: offered", 26) != 0) {
		p = line_after(p);
		if (p[-1] == '\n' && p - 1 > h && p[-2] != '\n')
			last = p;
	}
	return last;
}

/* Apply edit e with target k (a PR number or a repository index) to s;
 * NULL when it does not apply. */
static char *edit_apply(const char *s, const struct month *m, enum edit e, long k)
{
	char needle[128];
	const char *p, *q;

	switch (e) {
	case EDIT_DELETE:
		snprintf(needle, sizeof needle, "- [Change %ld](", k);
		p = line_with(s, needle);
		/* one of a list's items (the last one of a list is not this edit) */
		if (!p || p[0] != '-' ||
		    (strncmp(line_after(p), "- [", 3) != 0 &&
		     (p == s || strncmp(line_before(s, p), "- [", 3) != 0)))
			return NULL;
		return splice(s, p, line_after(p), "");
	case EDIT_REWORD:
		snprintf(needle, sizeof needle, "- [Change %ld](", k);
		p = line_with(s, needle);
		if (!p || p[0] != '-')
			return NULL;
		snprintf(needle, sizeof needle, "- [Change %ld, reworded by the editor](", k);
		return splice(s, p, strchr(p, '(') + 1, needle);
	case EDIT_SENTENCE:
		snprintf(needle, sizeof needle, "](https://github.com/%s)\n", m->repos[k]);
		p = line_with(s, needle);
		if (!p || strncmp(p, "### ", 4) != 0)
			return NULL;
		p = line_after(line_after(p)); /* past the maintainers line */
		return splice(s, p, p, "\nA sentence the editor added.\n");
	case EDIT_MOVE: {
		/* a section of the first two parts to the end of "Other Projects",
		 * after its template comment */
		struct ml_buf b = ML_BUF_INIT;
		const char *to = strstr(s, "\n\n\n## Join Us?");

		snprintf(needle, sizeof needle, "](https://github.com/%s)\n", m->repos[k]);
		p = line_with(s, needle);
		if (!p || strncmp(p, "### ", 4) != 0 || strncmp(m->repos[k], "other/", 6) == 0 ||
		    !to)
			return NULL;
		q = section_stop(p);
		buf_add(&b, s, (size_t)(p - s));
		buf_add(&b, *q == '\n' ? q + 1 : q, (size_t)(to + 1 - q) - (*q == '\n'));
		buf_puts(&b, "\n");
		buf_add(&b, p, (size_t)(q - p));
		buf_puts(&b, to + 1);
		return buf_detach(&b);
	}
	default:
		return ml_strdup(s);
	}
}

/* The first line where a and b differ, for the report. */
static void report(unsigned seed, const char *what, const struct month *m, const char *got,
		   const char *want)
{
	size_t i = 0, line = 1, from = 0;

	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			from = i + 1;
		}
		i++;
	}
	fprintf(stderr,
		"seed %u (%s; days %d, %d, %d): differs at line %zu:\n  got:  %.*s\n  want: %.*s\n"
		"config:\n%s\n--- got ---\n%s\n--- want ---\n%s\n",
		seed, what, m->a, m->b, m->c, line, (int)(strcspn(got + from, "\n")), got + from,
		(int)(strcspn(want + from, "\n")), want + from, m->config.data, got, want);
}

static unsigned applied[EDIT_COUNT];		 /* seeds where the edit applied */
static unsigned bumps_then_section, part_filled; /* months that show the cases */

/* Count the cases the month shows between its first draft and its last. */
static void coverage(const struct month *m, const char *a, const char *c)
{
	static const char *const parts[] = {"## `ex` Projects\n", "## More Projects\n",
					    "## Other Projects\n", "## Join Us?"};
	int bumps = 0, filled = 0;

	for (int r = 0; r < m->nrepos; r++) {
		char note[64], heading[64];

		snprintf(note, sizeof note, "    r%d had only dependency updates", r);
		snprintf(heading, sizeof heading, "### [`r%d`]", r);
		bumps |= strstr(a, note) && strstr(c, heading);
	}
	for (int i = 0; i < 3; i++) {
		const char *pa = strstr(a, parts[i]), *ea = strstr(a, parts[i + 1]);
		const char *pc = strstr(c, parts[i]), *ec = strstr(c, parts[i + 1]);
		const char *ha = pa ? strstr(pa, "\n### ") : NULL,
			   *hc = pc ? strstr(pc, "\n### ") : NULL;

		filled |= (!ha || ha > ea) && hc && hc < ec;
	}
	bumps_then_section += (unsigned)bumps;
	part_filled += (unsigned)filled;
}

/* One edit of one month: 0 when the property holds. */
static int check_edit(unsigned seed, const struct month *mp, const struct ml_buf *fap,
		      const struct ml_buf *fcp, enum edit e)
{
	const struct month *m = mp;
	struct ml_buf ub = ML_BUF_INIT, uc = ML_BUF_INIT, again = ML_BUF_INIT;
	char *ea = NULL, *ec = NULL, *got = NULL, *want = NULL;
	int rc = -1;
	long k = 0;

	/* the edit's target: tried from a seeded start until one applies */
	for (int tries = 0; e != EDIT_NONE && tries < MAXPRS + MAXREPOS && !ea; tries++) {
		int n = e == EDIT_DELETE || e == EDIT_REWORD ? m->nprs : m->nrepos;
		int i = n ? (int)((seed + (unsigned)tries) % (unsigned)n) : 0;

		k = e == EDIT_DELETE || e == EDIT_REWORD ? (n ? m->prs[i].number : 0) : i;
		ea = n ? edit_apply(fap->data, m, e, k) : NULL;
	}
	if (e == EDIT_NONE)
		ea = ml_strdup(fap->data);
	if (!ea) { /* nothing to edit in this month */
		rc = 0;
		goto done;
	}
	applied[e]++;
	if (e == EDIT_NONE)
		coverage(m, fap->data, fcp->data);
	ec = edit_apply(fcp->data, m, e, k);
	if (!ec || month_render(&ub, m, ea, m->b) < 0 || month_render(&uc, m, ub.data, m->c) < 0 ||
	    month_render(&again, m, uc.data, m->c) < 0)
		goto done;
	got = undated(uc.data);
	want = undated(ec);
	if (e != EDIT_NONE) { /* the trailer says "edited"; its digest differs */
		char *t = strstr(got, "\n<!-- mergeletter: offered ");
		char *u = strstr(want, "\n<!-- mergeletter: offered ");

		if (t)
			*t = '\0';
		if (u)
			*u = '\0';
	} else {
		char *t = strstr(got, "digest sha256:"), *u = strstr(want, "digest sha256:");

		if (t)
			*t = '\0';
		if (u)
			*u = '\0';
	}
	if (getenv("ML_UPDATE_DEBUG") && strcmp(got, want) != 0) { /* the texts, into files here */
		const char *names[] = {"a.md", "edited-a.md", "b.md",
				       "c.md", "fresh-c.md",  "edited-fresh-c.md"};
		const char *texts[] = {fap->data, ea, ub.data, uc.data, fcp->data, ec};

		for (size_t i = 0; i < 6; i++) {
			FILE *f = fopen(names[i], "w");

			if (f) {
				fputs(texts[i], f);
				fclose(f);
			}
		}
	}
	if (strcmp(got, want) != 0) {
		static const char *const names[] = {"no edits", "a deleted PR", "a reworded title",
						    "an added sentence", "a moved section"};

		report(seed, names[e], m, got, want);
		goto done;
	}
	if (strcmp(again.data, uc.data) != 0) {
		report(seed, "a second update", m, again.data, uc.data);
		goto done;
	}
	rc = 0;
done:
	buf_release(&ub);
	buf_release(&uc);
	buf_release(&again);
	free(ea);
	free(ec);
	free(got);
	free(want);
	return rc;
}

/* One seed, every edit: how many failed. */
static unsigned check_seed(unsigned seed)
{
	struct month m;
	struct ml_buf fa = ML_BUF_INIT, fc = ML_BUF_INIT;
	unsigned failed = 0;

	month_generate(&m, seed);
	if (month_render(&fa, &m, NULL, m.a) < 0 || month_render(&fc, &m, NULL, m.c) < 0)
		failed++;
	for (int e = EDIT_NONE; e < EDIT_COUNT && !failed; e++)
		failed += check_edit(seed, &m, &fa, &fc, (enum edit)e) < 0;
	buf_release(&m.config);
	buf_release(&fa);
	buf_release(&fc);
	return failed;
}

static void property(void)
{
	const char *env = getenv("ML_UPDATE_SEEDS"), *one = getenv("ML_UPDATE_SEED");
	unsigned n = env ? (unsigned)strtoul(env, NULL, 10) : 300, failed = 0, from = 1;

	if (one) {
		from = (unsigned)strtoul(one, NULL, 10);
		n = 1;
	}
	for (unsigned seed = from; seed < from + n && failed < 3; seed++)
		failed += check_seed(seed);
	CHECK(failed == 0);
	printf("%u seeds; applied: %u unedited, %u deleted PR, %u reworded title, %u added "
	       "sentence, %u moved section\n",
	       n, applied[0], applied[1], applied[2], applied[3], applied[4]);
	printf("months where a repository's only bumps became a section: %u; where a part "
	       "without a section got one: %u\n",
	       bumps_then_section, part_filled);
	/* each edit, and each case of the issue, in many months */
	for (int e = 0; e < EDIT_COUNT && n >= 100; e++)
		CHECK(applied[e] >= n / 3);
	CHECK(n < 100 || (bumps_then_section >= n / 10 && part_filled >= n / 10));
}

int main(void)
{
	RUN(property);
	return DONE();
}
