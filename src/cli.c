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
#include "mergeletter/github.h"
#include "mergeletter/gitsource.h"
#include "mergeletter/json_out.h"
#include "mergeletter/markdown.h"
#include "mergeletter/progress.h"
#include "mergeletter/range.h"
#include "mergeletter/str.h"

#define DEFAULT_API_URL "https://api.github.com"

enum { CMD_SECTION = 1, CMD_ISSUE = 2, CMD_ALL = 3 };

enum opt_id {
	OPT_MONTH = 256, OPT_SINCE, OPT_UNTIL, OPT_MAINTAINER, OPT_INTRO, OPT_DEPS, OPT_CONFIG,
	OPT_API_URL, OPT_FORMAT, OPT_VERSION, OPT_JOBS, OPT_VIA, OPT_CACHE_DIR, OPT_NO_CACHE,
	OPT_OFFLINE, OPT_MAX_WAIT, OPT_QUIET, OPT_VERBOSE, OPT_GIT, OPT_REF, OPT_TIMEOUT,
	OPT_STALL_TIMEOUT, OPT_MAX_PAGES,
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
	{ { "deps", required_argument, NULL, OPT_DEPS }, CMD_ALL },
	{ { "config", required_argument, NULL, OPT_CONFIG }, CMD_ISSUE },
	{ { "output", required_argument, NULL, OPT_OUTPUT }, CMD_ALL },
	{ { "api-url", required_argument, NULL, OPT_API_URL }, CMD_ALL },
	{ { "format", required_argument, NULL, OPT_FORMAT }, CMD_ALL },
	{ { "jobs", required_argument, NULL, OPT_JOBS }, CMD_ALL },
	{ { "via", required_argument, NULL, OPT_VIA }, CMD_ALL },
	{ { "cache-dir", required_argument, NULL, OPT_CACHE_DIR }, CMD_ALL },
	{ { "no-cache", no_argument, NULL, OPT_NO_CACHE }, CMD_ALL },
	{ { "offline", no_argument, NULL, OPT_OFFLINE }, CMD_ALL },
	{ { "max-wait", required_argument, NULL, OPT_MAX_WAIT }, CMD_ALL },
	{ { "timeout", required_argument, NULL, OPT_TIMEOUT }, CMD_ALL },
	{ { "stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT }, CMD_ALL },
	{ { "max-pages", required_argument, NULL, OPT_MAX_PAGES }, CMD_ALL },
	{ { "quiet", no_argument, NULL, OPT_QUIET }, CMD_ALL },
	{ { "verbose", no_argument, NULL, OPT_VERBOSE }, CMD_ALL },
	{ { "help", no_argument, NULL, OPT_HELP }, CMD_ALL },
	{ { "version", no_argument, NULL, OPT_VERSION }, CMD_ALL },
};

#define NOPTS (sizeof opt_table / sizeof *opt_table)

struct cli_opts {
	int command;
	const char *repo;
	const char *month, *since, *until;
	const char *intro;
	struct ml_strv maintainers;
	enum ml_deps_mode deps;
	const char *config;
	const char *output;
	const char *api_url;
	const char *git, *ref; /* local clone and its ref, or NULL */
	int json;
	long jobs;          /* --jobs, 0: default */
	int via;            /* enum ml_via + 1, 0: the command's default */
	const char *cache_dir;
	int no_cache, offline, quiet, verbose;
	long max_wait;      /* --max-wait, -1: default */
	long timeout;       /* --timeout, 0: none */
	long stall_timeout; /* --stall-timeout, 0: default */
	long max_pages;     /* --max-pages, 0: default */
};

#define DEFAULT_JOBS 8
#define MAX_JOBS 64 /* GitHub asks clients to stay well under 100 */
#define DEFAULT_MAX_WAIT 60

static const char usage_text[] =
	"usage: mergeletter section OWNER/REPO [--month YYYY-MM | --since DATE --until DATE]\n"
	"                           [--maintainer LOGIN]... [--intro TEXT] [--deps comment|drop|keep]\n"
	"       mergeletter section [OWNER/REPO] --git PATH [--ref REF] [options]\n"
	"       mergeletter issue   --config FILE [--month YYYY-MM] [--deps MODE] [-o FILE]\n"
	"       mergeletter --help | --version\n";

static const char help_common[] =
	"\n"
	"Common options:\n"
	"  --month YYYY-MM     the month to draft (UTC; default: the previous month)\n"
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
	"  --timeout SECONDS   end the run after this long (default: none); what is not\n"
	"                      fetched by then is noted in a partial draft (exit 5)\n"
	"  --stall-timeout S   give up a transfer that receives under 100 bytes/s for S\n"
	"                      seconds (default 30; retried like a failed connection)\n"
	"  --max-pages N       pages of one listing at most (default 1000)\n"
	"  --quiet             no progress line (it is shown only when stderr is a terminal)\n"
	"  --verbose           log each request: method, URL, status, bytes, ms, cache use\n"
	"  -h, --help          show this help\n"
	"  --version           show the version\n"
	"\n"
	"Environment:\n"
	"  GH_TOKEN, GITHUB_TOKEN   API token (without one: unauthenticated, 60 requests an hour)\n"
	"  SOURCE_DATE_EPOCH        fixes the draft's date, for reproducible output\n"
	"\n"
	"Exit codes:\n"
	"  0  success\n"
	"  1  output could not be written, or an internal error\n"
	"  2  usage or config error\n"
	"  3  network or GitHub API error: nothing could be fetched\n"
	"  4  local git repository error\n"
	"  5  partial draft: some repositories could not be fetched; the draft notes\n"
	"     each in an HTML comment, and stderr lists them\n"
	"\n"
	"Bounds: 15 s to connect, 60 s per transfer, 50 MB per answer, 3 retries of a\n"
	"5xx, a broken answer or a failed connection; a Link to a page already fetched\n"
	"or to another origin ends that listing as a failure. The token is sent only to\n"
	"the --api-url's scheme, host and port, and over http only to a loopback address.\n";

static const char help_section[] =
	"mergeletter section: draft one repository's section of the newsletter\n"
	"\n"
	"usage: mergeletter section OWNER/REPO [options]\n"
	"       mergeletter section [OWNER/REPO] --git PATH [--ref REF] [options]\n"
	"\n"
	"Options:\n"
	"  --since DATE        start of the range, inclusive (YYYY-MM-DD or ISO 8601 time)\n"
	"  --until DATE        end of the range, exclusive\n"
	"  --maintainer LOGIN  a maintainer (repeatable): left out of the thanks line\n"
	"  --intro TEXT        the repository's introduction sentence\n"
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
	"  --config FILE       the newsletter's JSON config (see config/rust-osdev.json)\n";

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
		case OPT_TIMEOUT:
		case OPT_STALL_TIMEOUT:
		case OPT_MAX_PAGES: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end || v < (c == OPT_TIMEOUT ? 0 : 1) ||
			    v > (c == OPT_MAX_PAGES ? 100000 : 604800))
				return usage_error(cmdname, err,
						   c == OPT_MAX_PAGES ? "invalid --max-pages '%s'; give 1 to 100000"
						   : c == OPT_TIMEOUT ? "invalid --timeout '%s'; give seconds, 0 (none) to 604800"
								      : "invalid --stall-timeout '%s'; give seconds, 1 to 604800",
						   optarg);
			if (c == OPT_TIMEOUT)
				o->timeout = v;
			else if (c == OPT_STALL_TIMEOUT)
				o->stall_timeout = v;
			else
				o->max_pages = v;
			break;
		}
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
	if (o->command == CMD_SECTION && (optind < argc || !o->git)) {
		if (optind >= argc)
			return usage_error(cmdname, err, "%smissing OWNER/REPO (or --git PATH)", "");
		o->repo = argv[optind++];
		if (!repo_name_valid(o->repo))
			return usage_error(cmdname, err,
					   "invalid repository '%s'; write it as OWNER/REPO", o->repo);
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
	return 0;
}

static int resolve_range(const struct cli_opts *o, struct ml_range *r, struct ml_error *err)
{
	if (o->month)
		return range_from_month(r, o->month, err);
	if (o->since || o->until)
		return range_from_bounds(r, o->since, o->until, err);
	range_previous_month(r, range_now());
	return 0;
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The cache of --cache-dir (or the default), or none. */
static int open_cache(struct ml_cache **cache, const struct cli_opts *o, const char *token,
		      struct ml_progress *progress, struct ml_error *err)
{
	struct ml_error cerr = ML_ERROR_INIT;

	*cache = NULL;
	if (o->no_cache)
		return 0;
	if (cache_open(cache, o->cache_dir, token, progress, &cerr) == 0)
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
		hopts.token = env_nonempty("GH_TOKEN");
		if (!hopts.token)
			hopts.token = env_nonempty("GITHUB_TOKEN");
		if (!hopts.token && !o->offline && !o->quiet)
			fputs("note: no GH_TOKEN or GITHUB_TOKEN set; making unauthenticated requests (60 an hour)\n",
			      stderr);
		if (open_cache(&cache, o, hopts.token, &progress, err) < 0)
			goto done;
		hopts.max_parallel = o->jobs ? (int)o->jobs : DEFAULT_JOBS;
		hopts.max_wait = o->max_wait >= 0 ? o->max_wait : DEFAULT_MAX_WAIT;
		hopts.cache = cache;
		hopts.offline = o->offline;
		hopts.search_per_minute = hopts.token ? 30 : 10;
		hopts.progress = &progress;
		hopts.run_timeout_s = o->timeout;
		if (o->stall_timeout)
			hopts.stall_s = o->stall_timeout;
		memset(&gh, 0, sizeof gh);
		gh.api_url = o->api_url ? o->api_url : env_nonempty("GITHUB_API_URL");
		if (!gh.api_url)
			gh.api_url = DEFAULT_API_URL;
		hopts.api_url = gh.api_url;
		gh.max_pages = (int)o->max_pages;
		gh.config_path = cfg ? cfg->path : NULL;
		gh.authenticated = hopts.token != NULL;
		gh.progress = &progress;
		gh.via = o->via ? (enum ml_via)(o->via - 1)
				: o->command == CMD_ISSUE ? ML_VIA_SEARCH : ML_VIA_PULLS;
		if (http_new(&http, &hopts, err) < 0)
			goto done;
		gh.http = http;
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
	return rc;
}

/* Notes on stderr for repositories that get no section. */
static void note_empty(const struct ml_draft *d)
{
	char label[64];

	range_month_label(&d->range, label, sizeof label);
	for (size_t i = 0; i < d->nsections; i++)
		for (size_t j = 0; j < d->sections[i].nrepos; j++) {
			const struct ml_draft_repo *r = &d->sections[i].repos[j];
			size_t listed = 0;

			for (size_t k = 0; k < r->prs.len; k++)
				listed += draft_pr_listed(&r->prs.items[k], d->deps_mode);
			if (r->failure)
				continue; /* listed at the end */
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
		rc = error_set(err, ML_EXIT_PARTIAL,
			       "the draft is partial: %d part%s could not be fetched (each is noted in the draft):%s\nrun again later, or with --verbose to see the requests",
			       n, n == 1 ? "" : "s", list.data ? list.data : "");
	buf_release(&list);
	return rc;
}

static int run_section(struct cli_opts *o, struct ml_error *err)
{
	struct ml_repo_cfg rc;
	struct ml_draft d;
	struct ml_range range;
	int ret = -1;

	memset(&rc, 0, sizeof rc);
	memset(&d, 0, sizeof d);
	if (resolve_range(o, &range, err) < 0)
		return -1;
	rc.repo = (char *)o->repo;
	rc.intro = (char *)o->intro;
	rc.git = (char *)o->git;
	rc.ref = (char *)o->ref;
	rc.maintainers_known = 1;
	rc.nmaintainers = o->maintainers.n;
	rc.maintainers = calloc(o->maintainers.n ? o->maintainers.n : 1, sizeof *rc.maintainers);
	if (!rc.maintainers)
		return error_set(err, ML_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < o->maintainers.n; i++)
		rc.maintainers[i].login = o->maintainers.v[i];
	if (draft_single(&d, &rc, &range, err) < 0)
		goto done;
	if (o->deps)
		d.deps_mode = o->deps;
	if (fetch_draft(&d, o, NULL, err) < 0 || emit(&d, o, err) < 0 ||
	    report_partial(&d, err) < 0)
		goto done;
	ret = 0;
done:
	free(rc.maintainers);
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
	if (draft_from_config(&d, &cfg, &range, err) < 0)
		goto done;
	if (o->deps)
		d.deps_mode = o->deps;
	if (fetch_draft(&d, o, &cfg, err) < 0 || emit(&d, o, err) < 0 ||
	    report_partial(&d, err) < 0)
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
	error_clear(&err);
	if (fclose(stdout) != 0 && code == ML_EXIT_OK) {
		fputs("error: cannot write to standard output\n", stderr);
		code = ML_EXIT_FAILURE;
	}
	return code;
}
