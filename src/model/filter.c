/* filter.c: recognise dependency bumps by author, label and title. */
#include "mergeletter/model/filter.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

/* POSIX extended, matched case-insensitively against the whole title. */
static const char *const default_title_patterns[] = {
    "^[a-z]+\\(deps(-dev)?\\)!?:",     /* build(deps): bump …, chore(deps): update … */
    "^deps(\\([^)]*\\))?!?:",	       /* deps: bump … */
    "^bump [^ ]+ from [^ ]+ to [^ ]+", /* dependabot without a prefix */
    "^update rust crate [^ ]+ to ",    /* renovate */
    "^update [^ ]+ (action|digest|docker tag|dependency|crate|module|package) to ",
    "^update (all )?(non-major )?dependencies",
    "^lock file maintenance",
};

/* What a title must hold for each pattern above to match it (see
 * needle_absent()), so that most titles are told apart without regexec():
 * alternatives separated by "|", "^" for "begins with". */
static const char *const default_title_needles[] = {
    "(deps",
    "^deps",
    "^bump ",
    "^update rust crate ",
    "^update ",
    "^update ",
    "^lock file maintenance",
};

/* A bot's PR that changes the bump bots' own configuration, not a
 * dependency (Renovate's onboarding "Configure Renovate", "chore(config):
 * migrate renovate config", "Update dependabot.yml"): a real change. The
 * title rules above are checked first, so "Bump dependabot/fetch-metadata
 * from 1 to 2" stays a bump. */
static const char *const config_change_patterns[] = {
    "(renovate|dependabot)[^ ]*\\.(json5?|ya?ml)",
    "(configure|migrate|onboard)[a-z]* (the )?([^ ]+ )?(renovate|dependabot)",
    "(renovate|dependabot) (bot )?(config|configuration|settings|preset|interval|schedule)",
};

static const char *const config_change_needles[] = {
    "renovate|dependabot",
    "renovate|dependabot",
    "renovate|dependabot",
};

static const char *const default_labels[] = {"dependencies"};

/* A release's housekeeping, by title: the release PR and branch syncs. */
static const char *const housekeeping_patterns[] = {
    /* "Release v0.14.11", "Release uefi-0.38.0", "release: 1.2.0", "Prepare release 1.2" */
    "^(chore(\\([^)]*\\))?!?: *)?(prepare (for )?(the )?)?release:? *[`'\"]?([a-z0-9_-]+[ "
    "-])?v?[0-9]+\\.[0-9]+",
    "^(chore|build)\\(release\\)!?:",					 /* chore(release): 1.2.0 */
    "^(chore(\\([^)]*\\))?!?: *)?bump (the )?(crate |package )?version", /* bump version to 1.2.0 */
    "^(chore(\\([^)]*\\))?!?: *)?(prepare|cut) (the )?v?[0-9]+\\.[0-9]+[^ ]* release",
    "^v?[0-9]+\\.[0-9]+\\.[0-9]+[^ ]*$", /* a title that is only the version */
    /* "Update `next` with the latest changes from `master`", "Merge main into next" */
    "^(update|sync|merge) [`'\"]?(main|master|next|develop|dev|stable|trunk)[`'\"]? "
    "(with|into|from|and) ",
    "^merge (branch|remote-tracking branch) ",
};

static const char *const housekeeping_needles[] = {
    "release", "^chore(release)|^build(release)", "version", "release",
    ".",       "^update |^sync |^merge ",	  "^merge ",
};

#define COUNT(a) (sizeof(a) / sizeof *(a))
_Static_assert(COUNT(default_title_needles) == COUNT(default_title_patterns),
	       "a needle for each title pattern");
_Static_assert(COUNT(config_change_needles) == COUNT(config_change_patterns),
	       "a needle for each config change pattern");
_Static_assert(COUNT(housekeeping_needles) == COUNT(housekeeping_patterns),
	       "a needle for each housekeeping pattern");

/* A long-lived branch of the repository: its PRs are syncs. */
#define LONG_LIVED_BRANCH                                                                          \
	"^(main|master|next|develop|development|dev|stable|trunk|staging|release([/-].*)?|"        \
	"maint(enance)?([/-].*)?|v?[0-9]+(\\.([0-9]+|x))*(-stable)?)$"

struct ml_filter {
	regex_t *res;	      /* bump title patterns, then config_change_patterns, then
			       * housekeeping patterns, then the long-lived branch */
	const char **needles; /* of each of res, or NULL (a pattern of the config) */
	int no_needles;	      /* filter_use_needles(f, 0): every title to regexec() */
	size_t nres;
	size_t ntitle; /* res[0..ntitle) are bump titles */
	size_t nconf;  /* res[ntitle..nconf) are config changes */
	struct ml_strv labels;
	struct ml_strv authors;
};

/* Bounds on a title pattern, checked on its text before regcomp(): glibc
 * copies a repeated subexpression once per repetition ("a+" is "aa*",
 * "x{1,100}" is 100 copies of x), so nested or stacked repetitions
 * multiply, and "a++++++++++++++++++++" alone takes gigabytes. */
#define PATTERN_MAX_LEN 200
#define PATTERN_MAX_REPEATS 20
#define PATTERN_MAX_SIZE 1000 /* steps (atoms) after expanding every repetition */
#define PATTERN_MAX_NESTING 3 /* repetitions of repetitions: "((a*)+){2}", "x*++" */

/* The factor by which a repetition operator at p multiplies its operand,
 * and in *len its length; 0 when p holds none (a "{" that is no bound is
 * an ordinary character). */
static size_t repeat_factor(const char *p, size_t *len)
{
	unsigned long m = 0, n = 0;
	const char *q = p + 1;
	int comma = 0;

	*len = 1;
	if (*p == '*' || *p == '+' || *p == '?')
		return 2;
	if (*p != '{' || !isdigit((unsigned char)*q))
		return 0;
	for (; isdigit((unsigned char)*q); q++) /* saturated: past the bound is too much */
		m = m > PATTERN_MAX_SIZE ? m : m * 10 + (unsigned long)(*q - '0');
	if (*q == ',') {
		comma = 1;
		for (q++; isdigit((unsigned char)*q); q++)
			n = n > PATTERN_MAX_SIZE ? n : n * 10 + (unsigned long)(*q - '0');
	}
	if (*q != '}')
		return 0;
	*len = (size_t)(q + 1 - p);
	if (!comma)
		n = m;
	else if (q[-1] == ',')
		n = m + 1; /* "{m,}": m copies and a star */
	return n > m ? n : m > 0 ? m : 1;
}

/* The "]" that closes the bracket expression opened at p, or NULL. */
static const char *bracket_end(const char *p)
{
	const char *q = p + 1;

	q += *q == '^';
	q += *q == ']'; /* a leading "]" is a member */
	while (*q && *q != ']') {
		const char *close;

		/* "[:alpha:]", "[.x.]", "[=e=]" hold a "]" of their own */
		if (q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=') &&
		    (close = strchr(q + 2, ']')) != NULL) {
			q = close + 1;
			continue;
		}
		q++;
	}
	return *q ? q : NULL;
}

/* NULL when pat is within the bounds, else why not. */
static const char *pattern_check(const char *pat)
{
	/* per open group: its size, its last atom's, how deeply repetitions nest
	 * in its last atom and in the whole group */
	size_t size[PATTERN_MAX_LEN + 2], last[PATTERN_MAX_LEN + 2];
	size_t nest_last[PATTERN_MAX_LEN + 2], nest[PATTERN_MAX_LEN + 2];
	size_t depth = 0, repeats = 0;

	if (strlen(pat) > PATTERN_MAX_LEN)
		return "longer than 200 characters; shorten it";
	size[0] = last[0] = nest_last[0] = nest[0] = 0;
	for (const char *p = pat; *p;) {
		size_t factor, len, atom = 1;

		if ((factor = repeat_factor(p, &len)) > 0) {
			if (++repeats > PATTERN_MAX_REPEATS)
				return "more than 20 repetitions (*, +, ?, {m,n}); simplify it";
			atom = last[depth] * factor; /* both at most the bound: no overflow */
			size[depth] += atom - last[depth];
			last[depth] = atom;
			if (++nest_last[depth] > PATTERN_MAX_NESTING)
				return "repetitions nested more than 3 deep (x*++, ((a+)*)+): "
				       "regcomp() takes seconds; simplify it";
			if (nest_last[depth] > nest[depth])
				nest[depth] = nest_last[depth];
			p += len;
		} else if (*p == '(') {
			depth++;
			size[depth] = last[depth] = nest_last[depth] = nest[depth] = 0;
			p++;
			continue;
		} else if (*p == ')' && depth > 0) {
			size_t inner = nest[depth];

			atom = size[depth] ? size[depth] : 1;
			depth--;
			size[depth] += atom;
			last[depth] = atom;
			nest_last[depth] = inner;
			if (inner > nest[depth])
				nest[depth] = inner;
			p++;
		} else if (*p == '|') {
			last[depth] = nest_last[depth] = 0;
			p++;
			continue;
		} else {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '[') /* one atom; unclosed: regcomp() says so */
				p = bracket_end(p) ? bracket_end(p) : p + strlen(p) - 1;
			size[depth] += 1;
			last[depth] = 1;
			nest_last[depth] = 0;
			p++;
		}
		if (size[depth] > PATTERN_MAX_SIZE || last[depth] > PATTERN_MAX_SIZE)
			return "its repetitions expand it past 1000 steps (nested or stacked "
			       "repetitions multiply: (a{1,100}){1,100}, a++); simplify it";
	}
	return NULL;
}

int filter_pattern_compile(regex_t *re, const char *pat, const char **why)
{
	if ((*why = pattern_check(pat)) != NULL)
		return -1;
	if (regcomp(re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
		*why = "not a valid POSIX extended regular expression; correct it";
		return -1;
	}
	return 0;
}

static int add_pattern(struct ml_filter *f, const char *pat, const char *needle,
		       struct ml_error *err)
{
	const char *why;

	if (filter_pattern_compile(&f->res[f->nres], pat, &why) < 0)
		return error_set(err, ML_EXIT_USAGE, "bump title pattern \"%s\": %s", pat, why);
	f->needles[f->nres++] = needle;
	return 0;
}

int filter_new(struct ml_filter **out, const struct ml_bump_rules *extra, struct ml_error *err)
{
	size_t ndef = sizeof default_title_patterns / sizeof *default_title_patterns;
	size_t nextra = extra ? extra->title_patterns.n : 0;
	size_t nconf = sizeof config_change_patterns / sizeof *config_change_patterns;
	size_t nhouse = sizeof housekeeping_patterns / sizeof *housekeeping_patterns;
	struct ml_filter *f = calloc(1, sizeof *f);
	int rc = -1;

	*out = NULL;
	if (!f || !(f->res = calloc(ndef + nextra + nconf + nhouse + 1, sizeof *f->res)) ||
	    !(f->needles = calloc(ndef + nextra + nconf + nhouse + 1, sizeof *f->needles))) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ndef; i++)
		if (add_pattern(f, default_title_patterns[i], default_title_needles[i], err) < 0)
			goto done;
	for (size_t i = 0; i < nextra; i++)
		if (add_pattern(f, extra->title_patterns.v[i], NULL, err) < 0)
			goto done;
	f->ntitle = f->nres;
	for (size_t i = 0; i < nconf; i++)
		if (add_pattern(f, config_change_patterns[i], config_change_needles[i], err) < 0)
			goto done;
	f->nconf = f->nres;
	for (size_t i = 0; i < nhouse; i++)
		if (add_pattern(f, housekeeping_patterns[i], housekeeping_needles[i], err) < 0)
			goto done;
	if (add_pattern(f, LONG_LIVED_BRANCH, NULL, err) < 0)
		goto done;
	if (strv_push_all(&f->labels, default_labels,
			  sizeof default_labels / sizeof *default_labels) < 0 ||
	    (extra && (strv_push_all(&f->labels, (const char *const *)extra->labels.v,
				     extra->labels.n) < 0 ||
		       strv_push_all(&f->authors, (const char *const *)extra->authors.v,
				     extra->authors.n) < 0))) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	*out = f;
	f = NULL;
	rc = 0;
done:
	filter_free(f);
	return rc;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* 1 when s holds none of needles' alternatives ("a|^b": a anywhere, or s
 * beginning with b), ASCII letters in either case: the patterns are
 * matched with REG_ICASE in the C locale (the program sets no other),
 * where only ASCII letters have another case. NULL needles: 0. */
static int needle_absent(const char *s, const char *needles)
{
	for (const char *alt = needles; alt && *alt;) {
		size_t n = strcspn(alt, "|");

		if (*alt == '^') {
			if (strncasecmp(s, alt + 1, n - 1) == 0)
				return 0;
		} else {
			for (const char *p = s; *p; p++)
				if (ascii_lower((unsigned char)*p) ==
					ascii_lower((unsigned char)*alt) &&
				    strncasecmp(p, alt, n) == 0)
					return 0;
		}
		alt += n + (alt[n] == '|');
	}
	return needles != NULL;
}

static int title_matches(const struct ml_filter *f, const char *title, size_t from, size_t to)
{
	for (size_t i = from; title && i < to; i++)
		if ((f->no_needles || !needle_absent(title, f->needles[i])) &&
		    regexec(&f->res[i], title, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int filter_is_bump(const struct ml_filter *f, const struct ml_pr *pr)
{
	if (title_matches(f, pr->title, 0, f->ntitle))
		return 1;
	if (title_matches(f, pr->title, f->ntitle, f->nconf))
		return 0; /* the bots' own configuration: no dependency changes */
	if (pr->author_is_bot || pr_login_is_bot(pr->author))
		return 1;
	if (pr->author && strv_contains_case(&f->authors, pr->author))
		return 1;
	for (size_t i = 0; i < pr->labels.n; i++)
		if (strv_contains_case(&f->labels, pr->labels.v[i]))
			return 1;
	return 0;
}

void filter_apply(const struct ml_filter *f, struct ml_pr_list *l)
{
	for (size_t i = 0; i < l->len; i++) {
		pr_title_bound(&l->items[i]); /* draft_check() warns about it */
		l->items[i].is_bump = filter_is_bump(f, &l->items[i]);
	}
}

/* 1 when head ("OWNER/BRANCH") is a long-lived branch of repo ("owner/name"). */
static int head_is_sync(const struct ml_filter *f, const char *head, const char *repo)
{
	const char *slash = head ? strchr(head, '/') : NULL,
		   *rslash = repo ? strchr(repo, '/') : NULL;
	size_t n = slash ? (size_t)(slash - head) : 0;

	if (!slash || !rslash || (size_t)(rslash - repo) != n || strncasecmp(head, repo, n) != 0)
		return 0;
	return regexec(&f->res[f->nres - 1], slash + 1, 0, NULL, 0) == 0;
}

int filter_is_housekeeping(const struct ml_filter *f, const struct ml_pr *pr)
{
	return title_matches(f, pr->title, f->nconf, f->nres - 1) ||
	       head_is_sync(f, pr->head, pr->repo);
}

/* The title that a revert's title names ('Revert "TITLE"'), in out (its
 * trailing " (#N)" of a squash dropped, *number set to N, else 0); 0 when
 * title is not a revert's. */
static int revert_target(const char *title, struct ml_buf *out, long *number)
{
	static const char prefix[] = "Revert \"";
	size_t n = title ? strlen(title) : 0, end;

	*number = 0;
	if (n < sizeof prefix + 1 || strncasecmp(title, prefix, sizeof prefix - 1) != 0 ||
	    title[n - 1] != '"')
		return 0;
	end = n - 1;
	buf_setlen(out, 0);
	if (buf_add(out, title + sizeof prefix - 1, end - (sizeof prefix - 1)) < 0)
		return 0;
	if (out->len > 4 && out->data[out->len - 1] == ')') { /* "TITLE (#N)" */
		size_t i = out->len - 1;
		long num = 0, scale = 1;

		while (i > 0 && isdigit((unsigned char)out->data[i - 1]) && scale < 1000000000L) {
			num += (out->data[--i] - '0') * scale;
			scale *= 10;
		}
		if (num > 0 && i >= 3 && out->data[i - 1] == '#' && out->data[i - 2] == '(' &&
		    out->data[i - 3] == ' ') {
			*number = num;
			buf_setlen(out, i - 3);
		}
	}
	return 1;
}

/* Set aside both PRs of every revert pair of l. */
static void mark_reverts(struct ml_pr_list *l)
{
	struct ml_buf target = ML_BUF_INIT;
	long number;

	for (size_t i = 0; i < l->len; i++) {
		if (!revert_target(l->items[i].title, &target, &number))
			continue;
		for (size_t j = 0; j < l->len; j++) {
			struct ml_pr *o = &l->items[j];

			if (j == i || !o->title)
				continue;
			if ((number && o->number == number) || strcmp(o->title, target.data) == 0) {
				o->is_bump = 1;
				l->items[i].is_bump = 1;
				break;
			}
		}
	}
	buf_release(&target);
}

void filter_apply_release(const struct ml_filter *f, struct ml_pr_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		l->items[i].is_bump =
		    filter_is_bump(f, &l->items[i]) || filter_is_housekeeping(f, &l->items[i]);
	mark_reverts(l);
}

void filter_use_needles(struct ml_filter *f, int on)
{
	f->no_needles = !on;
}

void filter_free(struct ml_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nres; i++)
		regfree(&f->res[i]);
	free(f->res);
	free(f->needles);
	strv_release(&f->labels);
	strv_release(&f->authors);
	free(f);
}
