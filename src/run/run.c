/* run.c: the run of each command, from its options to the written file:
 * range and refs, config and previous issue, sources, fetch, filter, emit
 * and update (see run.h). */
#include "mergeletter/run/run.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergeletter/document/homepage.h"
#include "mergeletter/document/previous.h"
#include "mergeletter/document/update.h"
#include "mergeletter/emit/json_out.h"
#include "mergeletter/emit/markdown.h"
#include "mergeletter/emit/template.h"
#include "mergeletter/feeds/feeds.h"
#include "mergeletter/git/gitsource.h"
#include "mergeletter/github/compare.h"
#include "mergeletter/github/fetch.h"
#include "mergeletter/github/github.h"
#include "mergeletter/github/releases.h"
#include "mergeletter/github/tooling.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/model/filter.h"
#include "mergeletter/model/ghenv.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"
#include "mergeletter/util/term.h"

_Static_assert(ML_RUN_MAX_JOBS == GITHUB_MAX_JOBS, "--jobs is bounded by the client's limit");

const struct ml_run_choice run_deps_choices[] = {
    {"comment", ML_DEPS_COMMENT}, {"drop", ML_DEPS_DROP}, {"keep", ML_DEPS_KEEP}, {NULL, 0}};
const struct ml_run_choice run_via_choices[] = {
    {"search", ML_VIA_SEARCH}, {"pulls", ML_VIA_PULLS}, {NULL, 0}};

static int resolve_range(const struct ml_run_opts *o, struct ml_range *r, struct ml_error *err)
{
	char day[16];

	memset(r, 0, sizeof *r);
	if (o->from || o->to) /* times come from the refs, once they are resolved */
		return 0;
	if (o->month		     ? range_from_month(r, o->month, err) < 0
	    : (o->since || o->until) ? range_from_bounds(r, o->since, o->until, err) < 0
				     : (range_previous_month(r, range_now()), 0))
		return -1;
	if (r->since <= range_now())
		return 0;
	range_format_date(range_now(), day, sizeof day);
	return error_set(err, ML_EXIT_USAGE,
			 "the %s has not begun (today is %s); draft it once it has",
			 o->month ? "month" : "range", day);
}

static void print_notes(struct ml_strv *notes)
{
	for (size_t i = 0; i < notes->n; i++)
		term_print(stderr, "note: ", "%s", notes->v[i]);
	strv_release(notes);
}

/* Through the API a ref range is what the compare endpoint lists
 * (compare.h): the section's PRs, and the range's times from its refs'
 * commits. */
static int compare_range(struct ml_github *gh, struct ml_draft *d, struct ml_error *err)
{
	struct ml_draft_repo *r = &d->sections[0].repos[0];
	const char *to = d->to_ref ? d->to_ref : r->info.ref ? r->info.ref : "HEAD";
	struct ml_compare_stats st;

	if (compare_fetch(gh, r->info.repo, d->from_ref, to, &r->prs, &st, err) < 0)
		return -1;
	d->range.since = st.base_time + 1;
	d->range.until = st.head_time + 1;
	r->fetched = 1;
	progress_log(gh->progress,
		     "%s: %s...%s: %zu commits in %zu compare page%s, %zu PRs; %zu commit "
		     "lookup%s, %zu pulls page%s, %zu single PR%s",
		     r->info.repo, d->from_ref, to, st.commits, st.pages, st.pages == 1 ? "" : "s",
		     r->prs.len, st.lookups, st.lookups == 1 ? "" : "s", st.listed,
		     st.listed == 1 ? "" : "s", st.fetched, st.fetched == 1 ? "" : "s");
	if (st.unfilled)
		progress_note(gh->progress,
			      "%s: %zu PR%s could not be read from GitHub; listed as their commits "
			      "name them (run again for their labels and authors)",
			      r->info.repo, st.unfilled, st.unfilled == 1 ? "" : "s");
	return 0;
}

/* Fill the draft from its sources, then mark the bumps. */
/* The draft links to the pages of the API's GitHub (an Enterprise
 * Server's own, by GH_HOST or --api-url). */
static int set_web(struct ml_draft *d, const struct ml_run_opts *o, struct ml_error *err)
{
	char *api = ghenv_api_url(o->api_url);

	d->web = api ? ghenv_web_url(api) : NULL;
	free(api);
	return d->web ? 0 : error_set(err, ML_EXIT_FAILURE, "out of memory");
}

/* The GitHub client for a run's options. */
static int open_client(struct ml_github *gh, const struct ml_run_opts *o,
		       const struct ml_config *cfg, struct ml_progress *progress,
		       struct ml_error *err)
{
	struct ml_github_opts gopts = ML_GITHUB_OPTS_INIT;

	gopts.api_url = o->api_url;
	gopts.config_path = cfg ? cfg->path : NULL;
	gopts.via = o->via;
	gopts.default_via = ML_VIA_DEFAULT; /* the planner's choice */
	gopts.jobs = (int)o->jobs;
	gopts.max_wait = o->max_wait;
	gopts.cache_dir = o->cache_dir;
	gopts.no_cache = o->no_cache;
	gopts.cache_max_mb = o->cache_max_mb;
	gopts.offline = o->offline;
	gopts.quiet = o->quiet;
	gopts.progress = progress;
	gopts.run_timeout_s = o->timeout;
	gopts.stall_s = o->stall_timeout;
	gopts.max_pages = (int)o->max_pages;
	return github_open(gh, &gopts, err);
}

/* Whether an org or a repository of the draft is read through the API;
 * unfetched_only: only one that nothing fetched yet (a ref range's section
 * is fetched by compare_range(), before fetch_run()). */
static int api_repos(const struct ml_draft *d, int unfetched_only)
{
	for (size_t i = 0; i < d->nsections; i++) {
		if (d->sections[i].org)
			return 1;
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			if (!d->sections[i].repos[j].info.git &&
			    !(unfetched_only && d->sections[i].repos[j].fetched))
				return 1;
	}
	return 0;
}

/* Whether any part of the draft is read through the API. */
static int needs_api(const struct ml_draft *d, const struct ml_config *parts)
{
	return (parts && (parts->tooling.nsources || parts->news.nfeeds)) || api_repos(d, 0);
}

/* Mark the bumps (and a release's housekeeping) and take the tooling
 * candidates and the news from their finished fetches. */
static int mark_draft(struct ml_draft *d, const struct ml_config *cfg, struct ml_tooling_fetch *tf,
		      struct ml_feeds_fetch *ff, struct ml_error *err)
{
	struct ml_filter *filter = NULL;
	int rc = filter_new(&filter, cfg ? &cfg->bumps : NULL, err);

	for (size_t i = 0; rc == 0 && i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			(d->from_ref ? filter_apply_release
				     : filter_apply)(filter, &d->sections[i].repos[j].prs);
	if (rc == 0 && (tooling_fetch_finish(tf, filter, &d->tooling, err) < 0 ||
			feeds_fetch_finish(ff, &d->news, err) < 0))
		rc = -1;
	filter_free(filter);
	return rc;
}

/* Fill the draft from its sources (clones, the API, tooling and feeds
 * side by side on one engine), then mark it. */
static int fetch_draft(struct ml_draft *d, const struct ml_run_opts *o, const struct ml_config *cfg,
		       struct ml_error *err)
{
	struct ml_github gh = {0};
	struct ml_progress progress;
	struct ml_tooling_fetch tf = {0};
	struct ml_feeds_fetch ff = {0};
	/* the tooling and news parts are the whole issue's */
	const struct ml_config *parts = o->command == ML_RUN_ISSUE && cfg ? cfg : NULL;
	int rc = -1;

	progress_init(&progress, stderr, !o->quiet && isatty(STDERR_FILENO), o->verbose);
	if (gitsource_fetch_draft(d, o->cache_dir, o->no_cache, err) < 0)
		goto done;
	if (needs_api(d, parts)) {
		if (open_client(&gh, o, cfg, &progress, err) < 0)
			goto done;
		if (d->from_ref && !d->range.until && compare_range(&gh, d, err) < 0)
			goto done;
		tf = (struct ml_tooling_fetch){
		    &gh, parts ? &parts->tooling : NULL, &d->range, NULL, 0, 0};
		ff = (struct ml_feeds_fetch){gh.http,	&progress, parts ? &parts->news : NULL,
					     &d->range, NULL,	   0};
		/* queued now, driven by fetch_run()'s http_run() with everything else */
		if (parts && (tooling_fetch_start(&tf, err) < 0 || feeds_fetch_start(&ff, err) < 0))
			goto done;
		rc = api_repos(d, 1) ? fetch_run(&gh, d, err) : 0;
		if (rc == 0)
			rc = http_run(gh.http, err);
		progress_finish(&progress);
		if (rc < 0)
			goto done;
	}
	rc = mark_draft(d, cfg, &tf, &ff, err);
done:
	tooling_fetch_release(&tf);
	feeds_fetch_release(&ff);
	github_close(&gh);
	return rc;
}

/* What a release's PRs that were all set aside were ("dependency updates",
 * "housekeeping" or both, then how many of each kind) into b; f NULL (a
 * month): dependency updates. */
static int set_aside_kinds(struct ml_buf *b, const struct ml_pr_list *l, const struct ml_filter *f)
{
	size_t bumps = 0, house = 0, reverts = 0;

	for (size_t i = 0; i < l->len; i++) {
		if (!f || filter_is_bump(f, &l->items[i]))
			bumps++;
		else if (filter_is_housekeeping(f, &l->items[i]))
			house++;
		else
			reverts++; /* set aside as half of a revert pair */
	}
	if (house + reverts == 0)
		return buf_puts(b, "dependency updates");
	if (buf_puts(b, bumps ? "dependency updates and housekeeping (" : "housekeeping (") < 0 ||
	    (bumps && buf_printf(b, "%zu dependency update%s%s", bumps, bumps == 1 ? "" : "s",
				 house || reverts ? ", " : "") < 0) ||
	    (house && buf_printf(b, "%zu release or branch-sync PR%s%s", house,
				 house == 1 ? "" : "s", reverts ? ", " : "") < 0) ||
	    (reverts &&
	     buf_printf(b, "%zu PR%s of revert pairs", reverts, reverts == 1 ? "" : "s") < 0))
		return -1;
	return buf_puts(b, ")");
}

/* Notes on stderr for repositories that get no section; cfg's bump rules
 * tell what a release's set-aside PRs were (the rules are compiled only
 * for a release that set all its PRs aside). */
static void note_empty(const struct ml_draft *d, const struct ml_config *cfg)
{
	struct ml_error ferr = ML_ERROR_INIT;
	struct ml_filter *filter = NULL;
	char label[160];
	int tried = 0;

	if (d->from_ref) /* "nothing merged in v1.0..v1.1" */
		snprintf(label, sizeof label, "%s..%s", d->from_ref, d->to_ref ? d->to_ref : "");
	else
		draft_range_label(d, label, sizeof label);
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			const struct ml_draft_repo *r = &d->sections[i].repos[j];
			struct ml_buf kinds = ML_BUF_INIT;
			size_t listed = 0;

			for (size_t k = 0; k < r->prs.len; k++)
				listed += draft_pr_listed(&r->prs.items[k], d->deps_mode);
			if (r->failure)
				continue; /* listed at the end */
			if (r->prs.len > 0 && listed == 0 && d->from_ref && !tried++ &&
			    filter_new(&filter, cfg ? &cfg->bumps : NULL, &ferr) < 0)
				error_clear(&ferr); /* the kinds then go unnamed */
			if (r->prs.len == 0)
				term_print(stderr, "note: ", "%s: nothing merged in %s; no section",
					   r->info.repo, label);
			else if (listed == 0 && set_aside_kinds(&kinds, &r->prs, filter) == 0)
				term_print(stderr, "note: ", "%s: only %s merged in %s; no section",
					   r->info.repo, kinds.data, label);
			buf_release(&kinds);
		}
	filter_free(filter);
}

static void print_warnings(const struct ml_strv *w)
{
	for (size_t i = 0; i < w->n; i++)
		term_print(stderr, "warning: ", "%s", w->v[i]);
}

/* Everything about -o that the file alone decides (an edited draft without
 * --update or --force, a finalized one, a directory, an unreadable file)
 * is decided here, before the first request. */
static int check_output(const struct ml_run_opts *o, struct ml_error *err)
{
	struct ml_update_opts uo = {o->command == ML_RUN_ISSUE, o->update, o->force, 0};

	if (!o->output || o->format == ML_RUN_JSON)
		return 0;
	return update_check_target(o->output, &uo, err);
}

/* json_out_draft()'s flush to standard output; ud is the run's error. */
static int to_stdout(void *ud, const char *data, size_t len)
{
	return file_write_stdout(data, len, ud);
}

static int emit(const struct ml_draft *d, const struct ml_run_opts *o, const struct ml_config *cfg,
		struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	struct ml_strv warnings = {0}, notes = {0};
	int rc = -1;

	note_empty(d, cfg);
	if (o->format != ML_RUN_JSON && draft_check(d, &warnings) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	print_warnings(&warnings);
	if (o->output && o->format != ML_RUN_JSON) {
		struct ml_update_opts uo = {o->command == ML_RUN_ISSUE, o->update, o->force,
					    d->date};

		rc = update_write(o->output, d, &uo, &notes, err);
		print_notes(&notes);
		goto done;
	}
	if (update_month_open(d, d->date, NULL, &notes) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	print_notes(&notes);
	if (o->format == ML_RUN_JSON)
		rc = json_out_draft(&out, d, o->output ? NULL : to_stdout, err);
	else if (o->command == ML_RUN_ISSUE)
		rc = markdown_issue(&out, d);
	else
		rc = markdown_section(&out, d, &d->sections[0].repos[0]);
	if (rc < 0) {
		if (!err->msg) /* else standard output failed */
			error_set(err, ML_EXIT_FAILURE, "out of memory while writing the draft");
		goto done;
	}
	if (o->output)
		rc = file_write_atomic(o->output, out.data ? out.data : "", out.len, err);
	else
		rc = file_write_stdout(out.data ? out.data : "", out.len, err);
done:
	strv_release(&warnings);
	buf_release(&out);
	return rc;
}

/* A ref range in time (for the maintainers of the time and the JSON
 * range): after FROM's commit, up to and including TO's. */
static int clone_range(struct ml_range *r, const char *git, const char *from, const char *to,
		       struct ml_error *err)
{
	int64_t a, b;

	if (gitsource_ref_times(git, from, to, &a, &b, err) < 0)
		return -1;
	r->since = a + 1;
	r->until = b + 1;
	return 0;
}

/* issue --from reads clones only: the first one gives the times. */
static int issue_clone_range(struct ml_range *r, const struct ml_config *cfg,
			     const struct ml_run_opts *o, struct ml_error *err)
{
	const struct ml_repo_cfg *first = NULL;

	for (size_t i = 0; i < cfg->nsections; i++) {
		const struct ml_section_cfg *sc = &cfg->sections[i];

		if (sc->org)
			return error_set(
			    err, ML_EXIT_USAGE,
			    "%s line %d: --from reads local clones only, and section "
			    "\"%s\" lists %s %s's repositories; use --month or --since",
			    cfg->path, sc->line, sc->heading ? sc->heading : sc->org,
			    sc->user ? "user" : "org", sc->org);
		for (size_t j = 0; j < sc->nrepos; j++) {
			if (!sc->repos[j].git)
				return error_set(
				    err, ML_EXIT_USAGE,
				    "%s line %d: --from reads local clones only, and %s has no "
				    "\"git\"; add its clone, or use --month or --since",
				    cfg->path, sc->repos[j].line, sc->repos[j].repo);
			if (!first)
				first = &sc->repos[j];
		}
	}
	if (!first)
		return error_set(err, ML_EXIT_USAGE, "%s: no repository to read", cfg->path);
	return clone_range(r, first->git, o->from, o->to ? o->to : first->ref, err);
}

/* section --config: the repository's entry (OWNER/REPO's, or the only
 * one) under what the command line sets. */
static int section_repo(struct ml_repo_cfg *rc, const struct ml_repo_cfg *cli,
			const struct ml_config *cfg, struct ml_error *err)
{
	const struct ml_repo_cfg *base = cfg ? config_find_repo(cfg, cli->repo) : NULL;

	if (cfg && !base && !cli->repo && !cli->git)
		return error_set(
		    err, ML_EXIT_USAGE,
		    "%s: name the repository (OWNER/REPO): the config does not have exactly one",
		    cfg->path);
	if (repo_cfg_overlay(rc, base, cli) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

static int add_failure(void *ud, const char *failure)
{
	return buf_printf(ud, "\n  %s", failure);
}

/* A draft was written with failures noted in it: list them, exit 5. */
static int report_partial(const struct ml_draft *d, struct ml_error *err)
{
	struct ml_buf list = ML_BUF_INIT;
	int n = draft_each_failure(d, add_failure, &list), rc = 0;

	if (n > 0)
		rc = error_set(
		    err, ML_EXIT_PARTIAL,
		    "the draft is partial: %d part%s could not be fetched (each is noted in the "
		    "draft):%s\nrun again later, or with --verbose to see the requests",
		    n, n == 1 ? "" : "s", list.data ? list.data : "");
	buf_release(&list);
	return rc;
}

/* A release command without a range: a section whose template names
 * {{version}} (the built-in release-notes, or one of the user's), with
 * none of --month, --since, --until, --from, --to. */
static int release_unranged(const struct ml_run_opts *o, const struct ml_template *t)
{
	return !o->month && !o->since && !o->until && !o->from && !o->to && t->text &&
	       strstr(t->text, "{{version}}");
}

/* Where a release starts: the release before `to`, or with to NULL the
 * latest release (the tip's); from the clone's tags (gitrelease.h), else
 * from GitHub (releases.h). *tag newly allocated. */
static int release_start(const struct ml_run_opts *o, const struct ml_config *cfg,
			 const struct ml_repo_cfg *rc, const char *to, char **tag,
			 struct ml_error *err)
{
	struct ml_github gh = {0};
	struct ml_progress progress;
	int ret;

	if (rc->git)
		return gitsource_previous_release(rc->git, to ? to : rc->ref, o->cache_dir,
						  o->no_cache, tag, err);
	progress_init(&progress, stderr, 0, o->verbose);
	ret = open_client(&gh, o, cfg, &progress, err);
	if (ret == 0)
		ret = to ? releases_previous(&gh, rc->repo, to, tag, err)
			 : releases_latest(&gh, rc->repo, tag, err);
	github_close(&gh);
	return ret;
}

static int section_run(struct ml_run_opts *o, struct ml_error *err)
{
	struct ml_template tmpl = {0};
	struct ml_repo_cfg cli, rc;
	struct ml_config cfg;
	struct ml_draft d;
	struct ml_range range;
	char *prev = NULL; /* the previous release, for --to alone */
	int ret = -1;

	memset(&cli, 0, sizeof cli);
	memset(&rc, 0, sizeof rc);
	memset(&cfg, 0, sizeof cfg);
	memset(&d, 0, sizeof d);
	if (resolve_range(o, &range, err) < 0)
		return -1;
	cli.repo = o->repo;
	cli.intro = (char *)o->intro;
	cli.git = (char *)o->git;
	cli.ref = (char *)o->ref;
	cli.maintainers_known = 1;
	cli.nmaintainers = o->maintainers.n;
	cli.maintainers = calloc(o->maintainers.n ? o->maintainers.n : 1, sizeof *cli.maintainers);
	if (!cli.maintainers)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < o->maintainers.n; i++)
		cli.maintainers[i].login = o->maintainers.v[i];
	if (o->config && config_load(&cfg, o->config, err) < 0)
		goto done;
	print_warnings(&cfg.warnings);
	if (section_repo(&rc, &cli, o->config ? &cfg : NULL, err) < 0)
		goto done;
	if (markdown_template_load(&tmpl, o->template ? o->template : cfg.template_path, err) < 0)
		goto done;
	if (release_unranged(o, &tmpl)) { /* unreleased: from the latest release to the tip */
		if (release_start(o, o->config ? &cfg : NULL, &rc, NULL, &prev, err) < 0)
			goto done;
		if (o->verbose)
			term_print(stderr, "", "latest release: %s (the notes run from it to %s)",
				   prev, rc.ref ? rc.ref : "the tip");
		o->from = prev;
		memset(&range, 0, sizeof range);
	}
	if (o->to && !o->from) { /* the previous release: the clone's tags, or GitHub's */
		if (release_start(o, o->config ? &cfg : NULL, &rc, o->to, &prev, err) < 0)
			goto done;
		if (o->verbose)
			term_print(stderr, "", "previous release: %s", prev);
		o->from = prev;
	}
	if (o->from && rc.git &&
	    clone_range(&range, rc.git, o->from, o->to ? o->to : rc.ref, err) < 0)
		goto done;
	if (range.until) /* through the API, a ref range's times come later: all maintainers */
		repo_cfg_maintainers_during(&rc, range.since, range.until);
	if (draft_single(&d, &rc, &range, err) < 0 ||
	    (o->from && draft_set_refs(&d, o->from, o->to, err) < 0))
		goto done;
	if (login_map_copy(&d.logins, &cfg.logins) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	if (cfg.deps_mode)
		d.deps_mode = cfg.deps_mode;
	if (o->deps)
		d.deps_mode = o->deps;
	d.tmpl = tmpl.text ? &tmpl : NULL;
	if (check_output(o, err) < 0 || set_web(&d, o, err) < 0 ||
	    fetch_draft(&d, o, o->config ? &cfg : NULL, err) < 0 ||
	    emit(&d, o, o->config ? &cfg : NULL, err) < 0 || report_partial(&d, err) < 0)
		goto done;
	ret = 0;
done:
	if (prev)
		o->from = NULL; /* it pointed to prev */
	free(prev);
	free(cli.maintainers);
	repo_cfg_release(&rc);
	config_release(&cfg);
	draft_release(&d);
	template_release(&tmpl);
	return ret;
}

/* The previous issue of --previous or --homepage into cfg (the config's
 * entries win); without --config, cfg is the previous issue alone. */
static int load_previous(struct ml_config *cfg, const struct ml_run_opts *o,
			 const struct ml_range *range, struct ml_error *err)
{
	struct ml_config prev;
	struct ml_progress progress;
	char *text = NULL, *name = NULL;
	size_t len = 0;
	int rc = -1;

	memset(&prev, 0, sizeof prev);
	progress_init(&progress, stderr, 0, 0);
	if (o->homepage) {
		if (homepage_previous(o->homepage, o->homepage_ref, range, &text, &len, &name,
				      err) < 0 ||
		    previous_parse(&prev, text, len, name, &progress, err) < 0)
			goto done;
	} else if (previous_load(&prev, o->previous, &progress, err) < 0) {
		goto done;
	}
	if (!o->config && previous_repo_count(&prev) == 0) {
		error_set(
		    err, ML_EXIT_USAGE,
		    "%s: no repository sections (### [`name`](https://github.com/OWNER/REPO)) in "
		    "the previous issue; give --config FILE",
		    prev.path);
		goto done;
	}
	if (!o->config) { /* the previous issue is the config */
		*cfg = prev;
		memset(&prev, 0, sizeof prev);
	}
	rc = o->config ? previous_merge(cfg, &prev, err) : 0;
done:
	free(text);
	free(name);
	config_release(&prev);
	return rc;
}

static int issue_run(struct ml_run_opts *o, struct ml_error *err)
{
	struct ml_template tmpl = {0};
	struct ml_config cfg;
	struct ml_draft d;
	struct ml_range range;
	char *draft_path = NULL;
	int ret = -1;

	memset(&d, 0, sizeof d);
	memset(&cfg, 0, sizeof cfg);
	if (resolve_range(o, &range, err) < 0)
		return -1;
	if (o->config && config_load(&cfg, o->config, err) < 0)
		return -1;
	if (o->homepage &&
	    homepage_draft_path(o->homepage, &range, o->update || o->force, &draft_path, err) < 0)
		goto done;
	if ((o->previous || o->homepage) && load_previous(&cfg, o, &range, err) < 0)
		goto done;
	if (draft_path)
		o->output = draft_path;
	print_warnings(&cfg.warnings);
	if (o->from && issue_clone_range(&range, &cfg, o, err) < 0)
		goto done;
	if (markdown_template_load(&tmpl, o->template ? o->template : cfg.template_path, err) < 0 ||
	    draft_from_config(&d, &cfg, &range, err) < 0 ||
	    (o->from && draft_set_refs(&d, o->from, o->to, err) < 0))
		goto done;
	if (o->deps)
		d.deps_mode = o->deps;
	d.tmpl = tmpl.text ? &tmpl : NULL;
	if (check_output(o, err) < 0 || set_web(&d, o, err) < 0 ||
	    fetch_draft(&d, o, &cfg, err) < 0 ||
	    (draft_path && homepage_make_dir(draft_path, err) < 0) || emit(&d, o, &cfg, err) < 0 ||
	    report_partial(&d, err) < 0)
		goto done;
	ret = 0;
done:
	if (draft_path)
		o->output = NULL;
	free(draft_path);
	draft_release(&d);
	config_release(&cfg);
	template_release(&tmpl);
	return ret;
}

/* --finalize: the file of -o, or the month's file of --homepage. */
static int finalize_run(struct ml_run_opts *o, struct ml_error *err)
{
	struct ml_strv notes = {0};
	struct ml_range range;
	char *path = NULL;
	int rc = -1;

	if (o->homepage && (resolve_range(o, &range, err) < 0 ||
			    homepage_draft_path(o->homepage, &range, 1, &path, err) < 0))
		goto done;
	rc = update_finalize_file(path ? path : o->output, &notes, err);
	print_notes(&notes);
done:
	free(path);
	return rc;
}

/* The libraries' global state lives at most as long as one run: the first
 * libcurl call loads and initialises libcurl (util/libcurl.h), the first
 * clone starts libgit2 (gitsource_begin()) and stays open for the run's
 * next question of it (gitsource_keep()); each is let go here, and what
 * the run never started costs nothing. */
static int one_run(int (*fn)(struct ml_run_opts *, struct ml_error *), struct ml_run_opts *o,
		   struct ml_error *err)
{
	int rc;

	gitsource_keep();
	rc = fn(o, err);
	gitsource_end();
	curl_global_cleanup();
	return rc;
}

int run_section(struct ml_run_opts *o, struct ml_error *err)
{
	return one_run(section_run, o, err);
}

int run_issue(struct ml_run_opts *o, struct ml_error *err)
{
	return one_run(issue_run, o, err);
}

int run_finalize(struct ml_run_opts *o, struct ml_error *err)
{
	return one_run(finalize_run, o, err);
}
