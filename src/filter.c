/* filter.c: recognise dependency bumps by author, label and title. */
#include "mergeletter/filter.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/buf.h"
#include "mergeletter/error.h"
#include "mergeletter/str.h"

/* POSIX extended, matched case-insensitively against the whole title. */
static const char *const default_title_patterns[] = {
	"^[a-z]+\\(deps(-dev)?\\)!?:",               /* build(deps): bump …, chore(deps): update … */
	"^deps(\\([^)]*\\))?!?:",                    /* deps: bump … */
	"^bump [^ ]+ from [^ ]+ to [^ ]+",           /* dependabot without a prefix */
	"^update rust crate [^ ]+ to ",              /* renovate */
	"^update [^ ]+ (action|digest|docker tag|dependency|crate|module|package) to ",
	"^update (all )?(non-major )?dependencies",
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

static const char *const default_labels[] = { "dependencies" };

struct ml_filter {
	regex_t *res; /* bump title patterns, then config_change_patterns */
	size_t nres;
	size_t ntitle; /* res[0..ntitle) are bump titles */
	struct ml_strv labels;
	struct ml_strv authors;
};

static int add_pattern(struct ml_filter *f, const char *pat, struct ml_error *err)
{
	if (regcomp(&f->res[f->nres], pat, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
		return error_set(err, ML_EXIT_USAGE,
				 "invalid bump title pattern \"%s\"; write a POSIX extended regular expression",
				 pat);
	f->nres++;
	return 0;
}

int filter_new(struct ml_filter **out, const struct ml_bump_rules *extra, struct ml_error *err)
{
	size_t ndef = sizeof default_title_patterns / sizeof *default_title_patterns;
	size_t nextra = extra ? extra->title_patterns.n : 0;
	size_t nconf = sizeof config_change_patterns / sizeof *config_change_patterns;
	struct ml_filter *f = calloc(1, sizeof *f);
	int rc = -1;

	*out = NULL;
	if (!f || !(f->res = calloc(ndef + nextra + nconf, sizeof *f->res))) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ndef; i++)
		if (add_pattern(f, default_title_patterns[i], err) < 0)
			goto done;
	for (size_t i = 0; i < nextra; i++)
		if (add_pattern(f, extra->title_patterns.v[i], err) < 0)
			goto done;
	f->ntitle = f->nres;
	for (size_t i = 0; i < nconf; i++)
		if (add_pattern(f, config_change_patterns[i], err) < 0)
			goto done;
	for (size_t i = 0; i < sizeof default_labels / sizeof *default_labels; i++)
		if (strv_push(&f->labels, default_labels[i]) < 0)
			goto oom;
	for (size_t i = 0; extra && i < extra->labels.n; i++)
		if (strv_push(&f->labels, extra->labels.v[i]) < 0)
			goto oom;
	for (size_t i = 0; extra && i < extra->authors.n; i++)
		if (strv_push(&f->authors, extra->authors.v[i]) < 0)
			goto oom;
	*out = f;
	f = NULL;
	rc = 0;
	goto done;
oom:
	error_set(err, ML_EXIT_FAILURE, "out of memory");
done:
	filter_free(f);
	return rc;
}

static int title_matches(const struct ml_filter *f, const char *title, size_t from, size_t to)
{
	for (size_t i = from; title && i < to; i++)
		if (regexec(&f->res[i], title, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int filter_is_bump(const struct ml_filter *f, const struct ml_pr *pr)
{
	if (title_matches(f, pr->title, 0, f->ntitle))
		return 1;
	if (title_matches(f, pr->title, f->ntitle, f->nres))
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
	for (size_t i = 0; i < l->len; i++)
		l->items[i].is_bump = filter_is_bump(f, &l->items[i]);
}

void filter_free(struct ml_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nres; i++)
		regfree(&f->res[i]);
	free(f->res);
	strv_release(&f->labels);
	strv_release(&f->authors);
	free(f);
}
