/* cli.c: the commands, their option tables, --help, and the run of each
 * command from options to output. */
#include "mergeletter/cli.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mergeletter/buf.h"
#include "mergeletter/cache.h"
#include "mergeletter/config.h"
#include "mergeletter/draft.h"
#include "mergeletter/error.h"
#include "mergeletter/fetch.h"
#include "mergeletter/file.h"
#include "mergeletter/filter.h"
#include "mergeletter/ghenv.h"
#include "mergeletter/github.h"
#include "mergeletter/gitsource.h"
#include "mergeletter/json_out.h"
#include "mergeletter/markdown.h"
#include "mergeletter/paths.h"
#include "mergeletter/progress.h"
#include "mergeletter/range.h"
#include "mergeletter/str.h"

enum { CMD_SECTION = 1, CMD_ISSUE = 2, CMD_ALL = 3 };

enum opt_id {
	OPT_MONTH = 256, OPT_SINCE, OPT_UNTIL, OPT_MAINTAINER, OPT_INTRO, OPT_DEPS, OPT_CONFIG,
	OPT_API_URL, OPT_FORMAT, OPT_VERSION, OPT_JOBS, OPT_VIA, OPT_CACHE_DIR, OPT_NO_CACHE,
	OPT_OFFLINE, OPT_MAX_WAIT, OPT_QUIET, OPT_VERBOSE, OPT_GIT, OPT_REF, OPT_FROM, OPT_TO,
	OPT_OUTPUT = 'o', OPT_HELP = 'h',
};

struct opt_spec {
	struct option lo;
	int commands; /* CMD_* mask of the commands that take it */
};

static const struct opt_spec opt_table[] = {
	{ { "month", required_argument, NULL, OPT_MONTH }, CMD_ALL },
	{ { "since", required_argument, NULL, OPT_SINCE }, CMD_SECTION },
	{ { "until", required_argument, NULL, OPT_UNTIL }, CMD_SECTION },
	{ { "maintainer", required_argument, NULL, OPT_MAINTAINER }, CMD_SECTION },
	{ { "intro", required_argument, NULL, OPT_INTRO }, CMD_SECTION },
	{ { "git", required_argument, NULL, OPT_GIT }, CMD_SECTION },
	{ { "ref", required_argument, NULL, OPT_REF }, CMD_SECTION },
	{ { "from", required_argument, NULL, OPT_FROM }, CMD_ALL },
	{ { "to", required_argument, NULL, OPT_TO }, CMD_ALL },
	{ { "deps", required_argument, NULL, OPT_DEPS }, CMD_ALL },
	{ { "config", required_argument, NULL, OPT_CONFIG }, CMD_ALL },
	{ { "output", required_argument, NULL, OPT_OUTPUT }, CMD_ALL },
	{ { "api-url", required_argument, NULL, OPT_API_URL }, CMD_ALL },
	{ { "format", required_argument, NULL, OPT_FORMAT }, CMD_ALL },
	{ { "jobs", required_argument, NULL, OPT_JOBS }, CMD_ALL },
	{ { "via", required_argument, NULL, OPT_VIA }, CMD_ALL },
	{ { "cache-dir", required_argument, NULL, OPT_CACHE_DIR }, CMD_ALL },
	{ { "no-cache", no_argument, NULL, OPT_NO_CACHE }, CMD_ALL },
	{ { "offline", no_argument, NULL, OPT_OFFLINE }, CMD_ALL },
	{ { "max-wait", required_argument, NULL, OPT_MAX_WAIT }, CMD_ALL },
	{ { "quiet", no_argument, NULL, OPT_QUIET }, CMD_ALL },
	{ { "verbose", no_argument, NULL, OPT_VERBOSE }, CMD_ALL },
	{ { "help", no_argument, NULL, OPT_HELP }, CMD_ALL },
	{ { "version", no_argument, NULL, OPT_VERSION }, CMD_ALL },
};

#define NOPTS (sizeof opt_table / sizeof *opt_table)

struct cli_opts {
	int command;
	char *repo; /* "owner/name" (from OWNER/REPO or a URL), or NULL */
	const char *month, *since, *until;
	const char *intro;
	struct ml_strv maintainers;
	enum ml_deps_mode deps;
	const char *config;
	const char *output;
	const char *api_url;
	const char *git, *ref; /* local clone and its ref, or NULL */
	const char *from, *to; /* a ref range FROM..TO, or NULL */
	int json;
	long jobs;          /* --jobs, 0: default */
	int via;            /* enum ml_via + 1, 0: the command's default */
	const char *cache_dir;
	int no_cache, offline, quiet, verbose;
	long max_wait;      /* --max-wait, -1: default */
};

#define DEFAULT_JOBS 8
#define MAX_JOBS 64 /* GitHub asks clients to stay well under 100 */
#define DEFAULT_MAX_WAIT 60

static const char usage_text[] =
	"usage: mergeletter section OWNER/REPO [--month YYYY-MM | --since DATE [--until DATE]\n"
	"                                      | --from REF [--to REF]]\n"
	"                           [--maintainer LOGIN]... [--intro TEXT] [--deps comment|drop|keep]\n"
	"       mergeletter section [OWNER/REPO] --git PATH [--ref REF] [options]\n"
	"       mergeletter section [OWNER/REPO] --config FILE [options]\n"
	"       mergeletter issue   --config FILE [--month YYYY-MM | --from REF [--to REF]]\n"
	"                           [--deps MODE] [-o FILE]\n"
	"       mergeletter --help | --version\n";

static const char help_common[] =
	"\n"
	"Common options:\n"
	"  --month YYYY-MM     the month to draft (UTC; default: the previous month)\n"
	"  --from REF          draft the changes after REF (a tag, branch or commit): with\n"
	"                      --git exactly the merge and squash commits that\n"
	"                      'git log --first-parent REF..TO' shows; through the API the\n"
	"                      PRs merged after REF's commit time up to TO's (merge times\n"
	"                      approximate ancestry); issue: every repository needs \"git\"\n"
	"  --to REF            the end of the --from range, included (default: the ref\n"
	"                      --ref names, else the default branch)\n"
	"  --deps MODE         dependency bumps: comment (default: an HTML comment after\n"
	"                      the list), drop (left out) or keep (listed)\n"
	"  -o, --output FILE   write the draft to FILE (atomically) instead of stdout\n"
	"  --api-url URL       GitHub API (default https://api.github.com; env GITHUB_API_URL)\n"
	"  --format FORMAT     markdown (default) or json (the same data, machine-readable)\n"
	"\n"
	"Fetching:\n"
	"  --via search|pulls  find merged PRs with one search for every repository and\n"
	"                      org (default for issue), or each repository's pulls\n"
	"                      listing (default for section)\n"
	"  --jobs N            transfers in flight at most (default 8, at most 64)\n"
	"  --cache-dir DIR     the response cache (default $XDG_CACHE_HOME/mergeletter,\n"
	"                      else ~/.cache/mergeletter); re-runs send conditional\n"
	"                      requests, and a 304 costs no rate limit\n"
	"  --no-cache          neither read nor write the cache\n"
	"  --offline           answer from the cache alone; fail on anything not cached\n"
	"  --max-wait SECONDS  wait at most this long for a rate limit to reset (default 60)\n"
	"  --quiet             no progress line (it is shown only when stderr is a terminal)\n"
	"  --verbose           log each request: method, URL, status, bytes, ms, cache use\n"
	"  -h, --help          show this help\n"
	"  --version           show the version\n"
	"\n"
	"Environment:\n"
	"  GH_TOKEN, GITHUB_TOKEN   API token (without one: unauthenticated, 60 requests an hour)\n"
	"  GH_HOST                  a GitHub Enterprise Server host: the API is at\n"
	"                           https://HOST/api/v3, and repository URLs may name it\n"
	"  GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN   the token for GH_HOST\n"
	"  GITHUB_API_URL           the API URL (as --api-url; wins over GH_HOST)\n"
	"  XDG_CACHE_HOME, HOME     where the response cache lives\n"
	"  SOURCE_DATE_EPOCH        fixes the draft's date, for reproducible output\n"
	"\n"
	"Exit codes:\n"
	"  0  success\n"
	"  1  output could not be written, or an internal error\n"
	"  2  usage or config error\n"
	"  3  network or GitHub API error\n"
	"  4  local git repository error\n";

static const char help_section[] =
	"mergeletter section: draft one repository's section of the newsletter\n"
	"\n"
	"usage: mergeletter section OWNER/REPO [options]   (or https://github.com/OWNER/REPO)\n"
	"       mergeletter section [OWNER/REPO] --config FILE [options]\n"
	"       mergeletter section [OWNER/REPO] --git PATH [--ref REF] [options]\n"
	"\n"
	"Options:\n"
	"  --since DATE        start of the range, inclusive (YYYY-MM-DD or ISO 8601 time)\n"
	"  --until DATE        end of the range, exclusive (default: now)\n"
	"  --maintainer LOGIN  a maintainer (repeatable): left out of the thanks line\n"
	"  --intro TEXT        the repository's introduction sentence\n"
	"  --config FILE       settings from a JSON config (as for issue): the entry of\n"
	"                      OWNER/REPO (or the config's only repository) gives\n"
	"                      maintainers, intro, git and ref, the config its bump rules\n"
	"                      and logins; the command line wins\n"
	"  --git PATH          read the merged PRs from the local clone at PATH (a work tree\n"
	"                      or a bare repository) instead of the GitHub API: merge commits\n"
	"                      and squash commits \"Title (#N)\" on the first-parent history,\n"
	"                      no network; OWNER/REPO defaults to the origin remote's\n"
	"  --ref REF           with --git: the branch, tag or commit to read (default: the\n"
	"                      origin remote's default branch, else HEAD)\n";

static const char help_issue[] =
	"mergeletter issue: draft a whole issue of the newsletter from a config\n"
	"\n"
	"usage: mergeletter issue --config FILE [options]\n"
	"\n"
	"Options:\n"
	"  --config FILE       the newsletter's JSON config; the shipped ones are in\n"
	"                      " ML_DATADIR "/config\n"
	"                      (rust-osdev.json: This Month in Rust OSDev)\n";

static const char help_main[] =
	"mergeletter: draft newsletter posts and release notes from merged pull requests\n"
	"\n"
	"Commands:\n"
	"  section   one repository's section (for maintainers)\n"
	"  issue     a whole issue from a config (for editors)\n"
	"\n"
	"Run 'mergeletter COMMAND --help' for a command's options.\n";

static int usage_error(const char *cmd, struct ml_error *err, const char *fmt, const char *arg)
{
	struct ml_buf m = ML_BUF_INIT;
	int rc;

	buf_printf(&m, fmt, arg);
	rc = error_set(err, ML_EXIT_USAGE, "%s; see 'mergeletter %s%s--help'",
		       m.data ? m.data : "usage error", cmd ? cmd : "", cmd ? " " : "");
	buf_release(&m);
	return rc;
}

/* Parse argv (after the command name). Returns 0, 1 when help/version was
 * printed, or -1 with err set. */
static int parse_opts(struct cli_opts *o, const char *cmdname, int argc, char **argv,
		      struct ml_error *err)
{
	struct option longopts[NOPTS + 1];
	int c;

	memset(longopts, 0, sizeof longopts);
	for (size_t i = 0; i < NOPTS; i++)
		longopts[i] = opt_table[i].lo;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		const struct opt_spec *spec = NULL;

		for (size_t i = 0; i < NOPTS; i++)
			if (opt_table[i].lo.val == c)
				spec = &opt_table[i];
		if (c == ':')
			return usage_error(cmdname, err, "option '%s' needs a value", argv[optind - 1]);
		if (c == '?' || !spec)
			return usage_error(cmdname, err, "unknown option '%s'", argv[optind - 1]);
		if (!(spec->commands & o->command))
			return usage_error(cmdname, err, "option '--%s' does not apply to this command",
					   spec->lo.name);
		switch (c) {
		case OPT_HELP:
			fputs(o->command == CMD_SECTION ? help_section : help_issue, stdout);
			fputs(help_common, stdout);
			return 1;
		case OPT_VERSION:
			printf("mergeletter %s\n", ML_VERSION);
			return 1;
		case OPT_MONTH: o->month = optarg; break;
		case OPT_SINCE: o->since = optarg; break;
		case OPT_UNTIL: o->until = optarg; break;
		case OPT_INTRO: o->intro = optarg; break;
		case OPT_CONFIG: o->config = optarg; break;
		case OPT_OUTPUT: o->output = optarg; break;
		case OPT_API_URL: o->api_url = optarg; break;
		case OPT_GIT: o->git = optarg; break;
		case OPT_REF: o->ref = optarg; break;
		case OPT_FROM: o->from = optarg; break;
		case OPT_TO: o->to = optarg; break;
		case OPT_JOBS:
		case OPT_MAX_WAIT: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end || v < (c == OPT_JOBS ? 1 : 0) ||
			    v > (c == OPT_JOBS ? MAX_JOBS : 86400))
				return usage_error(cmdname, err,
						   c == OPT_JOBS ? "invalid --jobs '%s'; give 1 to 64"
								 : "invalid --max-wait '%s'; give seconds, 0 to 86400",
						   optarg);
			if (c == OPT_JOBS)
				o->jobs = v;
			else
				o->max_wait = v;
			break;
		}
		case OPT_VIA:
			if (strcmp(optarg, "search") == 0)
				o->via = ML_VIA_SEARCH + 1;
			else if (strcmp(optarg, "pulls") == 0)
				o->via = ML_VIA_PULLS + 1;
			else
				return usage_error(cmdname, err,
						   "invalid --via '%s'; use search or pulls", optarg);
			break;
		case OPT_CACHE_DIR: o->cache_dir = optarg; break;
		case OPT_NO_CACHE: o->no_cache = 1; break;
		case OPT_OFFLINE: o->offline = 1; break;
		case OPT_QUIET: o->quiet = 1; break;
		case OPT_VERBOSE: o->verbose = 1; break;
		case OPT_MAINTAINER:
			if (strv_push(&o->maintainers, optarg) < 0)
				return error_set(err, ML_EXIT_FAILURE, "out of memory");
			break;
		case OPT_DEPS:
			o->deps = deps_mode_parse(optarg);
			if (o->deps == ML_DEPS_UNSET)
				return usage_error(cmdname, err,
						   "invalid --deps '%s'; use comment, drop or keep", optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				o->json = 1;
			else if (strcmp(optarg, "markdown") != 0)
				return usage_error(cmdname, err,
						   "invalid --format '%s'; use markdown or json", optarg);
			break;
		default:
			return usage_error(cmdname, err, "unhandled option '%s'", argv[optind - 1]);
		}
	}
	if (o->command == CMD_SECTION && (optind < argc || (!o->git && !o->config))) {
		if (optind >= argc)
			return usage_error(cmdname, err,
					   "%smissing OWNER/REPO (or --git PATH, or --config FILE)", "");
		if (!(o->repo = ghenv_repo_from_arg(argv[optind])))
			return usage_error(cmdname, err,
					   "invalid repository '%s'; write it as OWNER/REPO or https://github.com/OWNER/REPO",
					   argv[optind]);
		optind++;
	}
	if (optind < argc)
		return usage_error(cmdname, err, "unexpected argument '%s'", argv[optind]);
	if (o->ref && !o->git)
		return usage_error(cmdname, err, "%s--ref needs --git PATH", "");
	if (o->command == CMD_ISSUE && !o->config)
		return usage_error(cmdname, err, "%smissing --config FILE", "");
	if (o->offline && o->no_cache)
		return usage_error(cmdname, err, "%s--offline needs the cache; drop --no-cache", "");
	if (o->month && (o->since || o->until))
		return usage_error(cmdname, err, "%s--month and --since/--until exclude each other",
				   "");
	if (o->to && !o->from)
		return usage_error(cmdname, err, "%s--to needs --from REF", "");
	if (o->from && (o->month || o->since || o->until))
		return usage_error(cmdname, err,
				   "%s--from/--to and --month/--since/--until exclude each other", "");
	return 0;
}

static int resolve_range(const struct cli_opts *o, struct ml_range *r, struct ml_error *err)
{
	memset(r, 0, sizeof *r);
	if (o->from) /* times come from the refs, once they are resolved */
		return 0;
	if (o->month)
		return range_from_month(r, o->month, err);
	if (o->since || o->until)
		return range_from_bounds(r, o->since, o->until, err);
	range_previous_month(r, range_now());
	return 0;
}

/* The cache of --cache-dir (or the default), or none. */
static int open_cache(struct ml_cache **cache, const struct cli_opts *o,
		      struct ml_progress *progress, struct ml_error *err)
{
	struct ml_error cerr = ML_ERROR_INIT;

	*cache = NULL;
	if (o->no_cache)
		return 0;
	if (cache_open(cache, o->cache_dir, progress, &cerr) == 0)
		return 0;
	if (o->offline || o->cache_dir) { /* asked for explicitly: a failure is an error */
		error_set(err, cerr.exit_code, "%s", cerr.msg);
		error_clear(&cerr);
		return -1;
	}
	progress_warn(progress, "%s; going on without a cache", cerr.msg);
	error_clear(&cerr);
	return 0;
}

/* Through the API a ref range is a time range: after FROM's commit, up to
 * and including TO's (default: the default branch's tip). */
static int resolve_api_refs(struct ml_github *gh, struct ml_draft *d, struct ml_error *err)
{
	const char *refs[2] = { d->from_ref, d->to_ref ? d->to_ref : "HEAD" };
	const char *repo = d->sections[0].repos[0].info.repo;
	int64_t t[2];

	if (github_resolve_refs(gh, repo, refs, t, 2, err) < 0)
		return -1;
	d->range.since = t[0] + 1;
	d->range.until = t[1] + 1;
	fprintf(stderr,
		"note: %s: through the API, %s..%s means the PRs merged after %s's commit time up to %s's; merge times approximate ancestry (--git PATH reads the history exactly)\n",
		repo, refs[0], refs[1], refs[0], refs[1]);
	return 0;
}

/* Fill the draft from its sources, then mark the bumps. */
static int fetch_draft(struct ml_draft *d, const struct cli_opts *o, const struct ml_config *cfg,
		       struct ml_error *err)
{
	struct ml_http_opts hopts = ML_HTTP_OPTS_INIT;
	struct ml_github gh;
	struct ml_http *http = NULL;
	struct ml_cache *cache = NULL;
	struct ml_filter *filter = NULL;
	struct ml_progress progress;
	char *api_url = NULL;
	int need_api = 0, rc = -1;

	progress_init(&progress, stderr, !o->quiet && isatty(STDERR_FILENO), o->verbose);
	for (size_t i = 0; i < d->nsections; i++) {
		need_api |= d->sections[i].org != NULL;
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			need_api |= d->sections[i].repos[j].info.git == NULL;
	}
	if (gitsource_fetch_draft(d, err) < 0)
		goto done;
	if (need_api) {
		hopts.user_agent = "mergeletter/" ML_VERSION;
		hopts.token = ghenv_token(NULL);
		if (!hopts.token && !o->offline && !o->quiet)
			fputs(ghenv_enterprise_host()
				      ? "note: no GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN set for GH_HOST; making unauthenticated requests\n"
				      : "note: no GH_TOKEN or GITHUB_TOKEN set; making unauthenticated requests (60 an hour)\n",
			      stderr);
		if (open_cache(&cache, o, &progress, err) < 0)
			goto done;
		hopts.max_parallel = o->jobs ? (int)o->jobs : DEFAULT_JOBS;
		hopts.max_wait = o->max_wait >= 0 ? o->max_wait : DEFAULT_MAX_WAIT;
		hopts.cache = cache;
		hopts.offline = o->offline;
		hopts.search_per_minute = hopts.token ? 30 : 10;
		hopts.progress = &progress;
		memset(&gh, 0, sizeof gh);
		if (!(api_url = ghenv_api_url(o->api_url))) {
			error_set(err, ML_EXIT_FAILURE, "out of memory");
			goto done;
		}
		gh.api_url = api_url;
		gh.config_path = cfg ? cfg->path : NULL;
		gh.authenticated = hopts.token != NULL;
		gh.progress = &progress;
		gh.via = o->via ? (enum ml_via)(o->via - 1)
				: o->command == CMD_ISSUE ? ML_VIA_SEARCH : ML_VIA_PULLS;
		if (http_new(&http, &hopts, err) < 0)
			goto done;
		gh.http = http;
		if (d->from_ref && resolve_api_refs(&gh, d, err) < 0)
			goto done;
		rc = fetch_run(&gh, d, err);
		progress_finish(&progress);
		if (rc < 0)
			goto done;
		rc = -1;
	}
	if (filter_new(&filter, cfg ? &cfg->bumps : NULL, err) < 0)
		goto done;
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			filter_apply(filter, &d->sections[i].repos[j].prs);
	rc = 0;
done:
	filter_free(filter);
	http_free(http);
	cache_free(cache);
	free(api_url);
	return rc;
}

/* Notes on stderr for repositories that get no section. */
static void note_empty(const struct ml_draft *d)
{
	char label[160];

	if (d->from_ref) /* "nothing merged in v1.0..v1.1" */
		snprintf(label, sizeof label, "%s..%s", d->from_ref, d->to_ref ? d->to_ref : "");
	else
		draft_range_label(d, label, sizeof label);
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			const struct ml_draft_repo *r = &d->sections[i].repos[j];
			size_t listed = 0;

			for (size_t k = 0; k < r->prs.len; k++)
				listed += draft_pr_listed(&r->prs.items[k], d->deps_mode);
			if (r->prs.len == 0)
				fprintf(stderr, "note: %s: nothing merged in %s; no section\n",
					r->info.repo, label);
			else if (listed == 0)
				fprintf(stderr, "note: %s: only dependency updates merged in %s; no section\n",
					r->info.repo, label);
		}
}

static int emit(const struct ml_draft *d, const struct cli_opts *o, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	int rc = -1;

	note_empty(d);
	if (o->json)
		rc = json_out_draft(&out, d);
	else if (o->command == CMD_ISSUE)
		rc = markdown_issue(&out, d);
	else
		rc = markdown_section(&out, d, &d->sections[0].repos[0]);
	if (rc < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory while writing the draft");
		goto done;
	}
	if (o->output)
		rc = file_write_atomic(o->output, out.data ? out.data : "", out.len, err);
	else
		rc = file_write_stdout(out.data ? out.data : "", out.len, err);
done:
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
			     const struct cli_opts *o, struct ml_error *err)
{
	const struct ml_repo_cfg *first = NULL;

	for (size_t i = 0; i < cfg->nsections; i++) {
		const struct ml_section_cfg *sc = &cfg->sections[i];

		if (sc->org)
			return error_set(err, ML_EXIT_USAGE,
					 "%s line %d: --from reads local clones only, and section \"%s\" lists an org; use --month or --since",
					 cfg->path, sc->line, sc->heading ? sc->heading : sc->org);
		for (size_t j = 0; j < sc->nrepos; j++) {
			if (!sc->repos[j].git)
				return error_set(err, ML_EXIT_USAGE,
						 "%s line %d: --from reads local clones only, and %s has no \"git\"; add its clone, or use --month or --since",
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
		return error_set(err, ML_EXIT_USAGE,
				 "%s: name the repository (OWNER/REPO): the config does not have exactly one",
				 cfg->path);
	if (repo_cfg_overlay(rc, base, cli) < 0)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	return 0;
}

static int run_section(struct cli_opts *o, struct ml_error *err)
{
	struct ml_repo_cfg cli, rc;
	struct ml_config cfg;
	struct ml_draft d;
	struct ml_range range;
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
	if (section_repo(&rc, &cli, o->config ? &cfg : NULL, err) < 0)
		goto done;
	if (o->from && rc.git && clone_range(&range, rc.git, o->from, o->to ? o->to : rc.ref, err) < 0)
		goto done;
	if (range.until) /* through the API, a ref range's times come later: all maintainers */
		repo_cfg_maintainers_during(&rc, range.since, range.until);
	if (draft_single(&d, &rc, &range, err) < 0 ||
	    (o->from && draft_set_refs(&d, o->from, o->to, err) < 0) ||
	    login_map_copy(&d.logins, &cfg.logins) < 0)
		goto done;
	if (cfg.deps_mode)
		d.deps_mode = cfg.deps_mode;
	if (o->deps)
		d.deps_mode = o->deps;
	if (fetch_draft(&d, o, o->config ? &cfg : NULL, err) < 0 || emit(&d, o, err) < 0)
		goto done;
	ret = 0;
done:
	if (!err->msg && ret < 0)
		error_set(err, ML_EXIT_FAILURE, "out of memory");
	free(cli.maintainers);
	repo_cfg_release(&rc);
	config_release(&cfg);
	draft_release(&d);
	return ret;
}

static int run_issue(struct cli_opts *o, struct ml_error *err)
{
	struct ml_config cfg;
	struct ml_draft d;
	struct ml_range range;
	int ret = -1;

	memset(&d, 0, sizeof d);
	if (resolve_range(o, &range, err) < 0)
		return -1;
	if (config_load(&cfg, o->config, err) < 0)
		return -1;
	if (o->from && issue_clone_range(&range, &cfg, o, err) < 0)
		goto done;
	if (draft_from_config(&d, &cfg, &range, err) < 0 ||
	    (o->from && draft_set_refs(&d, o->from, o->to, err) < 0))
		goto done;
	if (o->deps)
		d.deps_mode = o->deps;
	if (fetch_draft(&d, o, &cfg, err) < 0 || emit(&d, o, err) < 0)
		goto done;
	ret = 0;
done:
	draft_release(&d);
	config_release(&cfg);
	return ret;
}

static const struct {
	const char *name;
	int id;
	int (*run)(struct cli_opts *o, struct ml_error *err);
} commands[] = {
	{ "section", CMD_SECTION, run_section },
	{ "issue", CMD_ISSUE, run_issue },
};

int cli_main(int argc, char **argv)
{
	struct ml_error err = ML_ERROR_INIT;
	struct cli_opts o;
	int code = ML_EXIT_OK, rc = -1;

	memset(&o, 0, sizeof o);
	o.max_wait = -1;
	if (argc < 2) {
		fputs(usage_text, stderr);
		return ML_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(help_main, stdout);
		fputs(usage_text, stdout);
		fputs(help_common, stdout);
		return ML_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("mergeletter %s\n", ML_VERSION);
		return ML_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		o.command = commands[i].id;
		rc = parse_opts(&o, commands[i].name, argc - 1, argv + 1, &err);
		if (rc == 0) {
			curl_global_init(CURL_GLOBAL_DEFAULT);
			rc = commands[i].run(&o, &err);
			curl_global_cleanup();
		}
		break;
	}
	if (!o.command)
		error_set(&err, ML_EXIT_USAGE, "unknown command '%s'; see 'mergeletter --help'",
			  argv[1]);
	if (err.msg) {
		fprintf(stderr, "error: %s\n", err.msg);
		code = err.exit_code;
	}
	strv_release(&o.maintainers);
	free(o.repo);
	error_clear(&err);
	if (fclose(stdout) != 0 && code == ML_EXIT_OK) {
		fputs("error: cannot write to standard output\n", stderr);
		code = ML_EXIT_FAILURE;
	}
	return code;
}
