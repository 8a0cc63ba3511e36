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

static const char *const default_labels[] = { "dependencies" };

struct ml_filter {
	regex_t *res;
	size_t nres;
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
	struct ml_filter *f = calloc(1, sizeof *f);
	int rc = -1;

	*out = NULL;
	if (!f || !(f->res = calloc(ndef + nextra, sizeof *f->res))) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ndef; i++)
		if (add_pattern(f, default_title_patterns[i], err) < 0)
			goto done;
	for (size_t i = 0; i < nextra; i++)
		if (add_pattern(f, extra->title_patterns.v[i], err) < 0)
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

int filter_is_bump(const struct ml_filter *f, const struct ml_pr *pr)
{
	if (pr->author_is_bot || pr_login_is_bot(pr->author))
		return 1;
	if (pr->author && strv_contains_case(&f->authors, pr->author))
		return 1;
	for (size_t i = 0; i < pr->labels.n; i++)
		if (strv_contains_case(&f->labels, pr->labels.v[i]))
			return 1;
	for (size_t i = 0; pr->title && i < f->nres; i++)
		if (regexec(&f->res[i], pr->title, 0, NULL, 0) == 0)
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
