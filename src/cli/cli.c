/* cli.c: the command line: one option table (getopt, command masks,
 * --help), parsed into struct ml_run_opts for run.h; the outcome mapped to
 * a message and an exit code. */
#include "mergeletter/cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mergeletter/model/ghenv.h"
#include "mergeletter/paths.h"
#include "mergeletter/run/run.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/datadir.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/libcurl.h"
#include "mergeletter/util/str.h"
#include "mergeletter/util/term.h"

enum { CMD_SECTION = ML_RUN_SECTION, CMD_ISSUE = ML_RUN_ISSUE, CMD_ALL = 3 };

/* What the command line says: the run's options, and what is answered
 * without a run. */
struct cli_opts {
	struct ml_run_opts r;
	char *config_found; /* --config NAME found in the data folder (datadir.h) */
	int help, version;
};

/* What an option's argument is and where it goes. */
enum opt_kind {
	OPT_STRING, /* const char *: the argument */
	OPT_FLAG,   /* int: set to 1 */
	OPT_LIST,   /* struct ml_strv: the argument appended */
	OPT_LONG,   /* long: a whole number in [min, max] */
	OPT_CHOICE, /* int: the value of the named choice */
};

/* The help groups, in the order --help prints them. */
enum opt_group { GROUP_COMMAND, GROUP_COMMON, GROUP_FETCH };

static const struct ml_run_choice format_choices[] = {
    {"markdown", ML_RUN_MARKDOWN}, {"json", ML_RUN_JSON}, {NULL, 0}};

/* One row per option: it drives getopt, the command masks and --help. */
struct cli_option {
	const char *name;
	char short_name; /* 0: none */
	enum opt_kind kind;
	size_t offset; /* of the field in struct cli_opts */
	int commands;  /* CMD_* mask of the commands that take it */
	enum opt_group group;
	const char *arg;		     /* the argument's name in --help, NULL for a flag */
	const char *help;		     /* lines separated by '\n' */
	long min, max;			     /* OPT_LONG */
	const struct ml_run_choice *choices; /* OPT_CHOICE */
};

#define FIELD(f) offsetof(struct cli_opts, r.f)
#define CLI_FIELD(f) offsetof(struct cli_opts, f)

static const struct cli_option options[] = {
    {"since", 0, OPT_STRING, FIELD(since), CMD_SECTION, GROUP_COMMAND, "DATE",
     "start of the range, inclusive (YYYY-MM-DD or ISO 8601 time)", 0, 0, NULL},
    {"until", 0, OPT_STRING, FIELD(until), CMD_SECTION, GROUP_COMMAND, "DATE",
     "end of the range, exclusive (default: now)", 0, 0, NULL},
    {"maintainer", 0, OPT_LIST, FIELD(maintainers), CMD_SECTION, GROUP_COMMAND, "LOGIN",
     "a maintainer (repeatable): left out of the thanks line", 0, 0, NULL},
    {"intro", 0, OPT_STRING, FIELD(intro), CMD_SECTION, GROUP_COMMAND, "TEXT",
     "the repository's introduction sentence", 0, 0, NULL},
    {"git", 0, OPT_STRING, FIELD(git), CMD_SECTION, GROUP_COMMAND, "PATH",
     "read the merged PRs from the local clone at PATH (a work tree\n"
     "or a bare repository) instead of the GitHub API: merge commits\n"
     "and squash commits \"Title (#N)\" on the first-parent history\n"
     "(a --from range: by reachability), no network; OWNER/REPO\n"
     "defaults to the origin remote's",
     0, 0, NULL},
    {"ref", 0, OPT_STRING, FIELD(ref), CMD_SECTION, GROUP_COMMAND, "REF",
     "with --git: the branch, tag or commit to read (default: the\n"
     "origin remote's default branch, else HEAD)",
     0, 0, NULL},
    {"config", 0, OPT_STRING, FIELD(config), CMD_ALL, GROUP_COMMAND, "FILE",
     "the newsletter's JSON config, or the name of a shipped one\n"
     "in " ML_DATADIR "/config (rust-osdev.json: This\n"
     "Month in Rust OSDev); for section, the entry of OWNER/REPO\n"
     "(or the config's only one) gives maintainers, intro, git\n"
     "and ref, the config its bump rules and logins; the command\n"
     "line wins",
     0, 0, NULL},
    {"previous", 0, OPT_STRING, FIELD(previous), CMD_ISSUE, GROUP_COMMAND, "FILE",
     "the last published issue: its repositories, headings,\n"
     "maintainers lines and intros carry over (they win over\n"
     "the config's); without --config, also its title and editors",
     0, 0, NULL},
    {"homepage", 0, OPT_STRING, FIELD(homepage), CMD_ISSUE, GROUP_COMMAND, "PATH",
     "a clone of the newsletter's site: the latest issue before the\n"
     "month under content/this-month/ is --previous, and the draft\n"
     "is written to content/this-month/YYYY-MM/index.md",
     0, 0, NULL},
    {"homepage-ref", 0, OPT_STRING, FIELD(homepage_ref), CMD_ISSUE, GROUP_COMMAND, "REF",
     "the site's branch to read issues from (default: the clone's\n"
     "default branch)",
     0, 0, NULL},
    {"month", 0, OPT_STRING, FIELD(month), CMD_ALL, GROUP_COMMON, "YYYY-MM",
     "the month to draft (UTC; default: the previous month, or\n"
     "for a release command what is unreleased: see --to)",
     0, 0, NULL},
    {"from", 0, OPT_STRING, FIELD(from), CMD_ALL, GROUP_COMMON, "REF",
     "draft the changes after REF (a tag, branch or commit): every\n"
     "PR whose merge, squash or bors commit TO reaches and REF does\n"
     "not, as 'git log REF..TO' (every parent), each once, in merge\n"
     "order; from the clone with --git, else from GitHub's compare\n"
     "of REF...TO; issue: every repository needs \"git\"",
     0, 0, NULL},
    {"to", 0, OPT_STRING, FIELD(to), CMD_ALL, GROUP_COMMON, "REF",
     "the end of the --from range, included (default: the ref\n"
     "--ref names, else the default branch); section with --to\n"
     "alone starts at the release before REF; a section whose\n"
     "template names {{version}} (release-notes), with neither\n"
     "--from nor --to nor a month, runs from the latest release to\n"
     "the tip (\"Unreleased\"); --verbose names the release",
     0, 0, NULL},
    {"deps", 0, OPT_CHOICE, FIELD(deps), CMD_ALL, GROUP_COMMON, "MODE",
     "dependency bumps: comment (default: an HTML comment after\n"
     "the list), drop (left out) or keep (listed)",
     0, 0, run_deps_choices},
    {"output", 'o', OPT_STRING, FIELD(output), CMD_ALL, GROUP_COMMON, "FILE",
     "write the draft to FILE (atomically) instead of stdout; an\n"
     "existing FILE is replaced only if unchanged since written",
     0, 0, NULL},
    {"update", 0, OPT_FLAG, FIELD(update), CMD_ALL, GROUP_COMMON, NULL,
     "with -o: add the PRs merged since FILE was written, keeping\n"
     "every edit (a missing FILE gets a fresh draft)",
     0, 0, NULL},
    {"force", 0, OPT_FLAG, FIELD(force), CMD_ALL, GROUP_COMMON, NULL,
     "with -o: overwrite FILE even if it was edited", 0, 0, NULL},
    {"finalize", 0, OPT_FLAG, FIELD(finalize), CMD_ALL, GROUP_COMMON, NULL,
     "with -o (or --homepage): remove mergeletter's notes and\n"
     "trailer from FILE for publishing (fetches nothing)",
     0, 0, NULL},
    {"template", 0, OPT_STRING, FIELD(template), CMD_ALL, GROUP_COMMON, "FILE",
     "the markdown template (default: the config's \"template\", else\n"
     "the built-in rust-osdev); a built-in one by name: rust-osdev,\n"
     "release-notes",
     0, 0, NULL},
    {"api-url", 0, OPT_STRING, FIELD(api_url), CMD_ALL, GROUP_COMMON, "URL",
     "GitHub API (default " GHENV_DEFAULT_API "; env GITHUB_API_URL,\n"
     "GH_HOST)",
     0, 0, NULL},
    {"format", 0, OPT_CHOICE, FIELD(format), CMD_ALL, GROUP_COMMON, "FORMAT",
     "markdown (default) or json (the same data, machine-readable)", 0, 0, format_choices},
    {"via", 0, OPT_CHOICE, FIELD(via), CMD_ALL, GROUP_FETCH, "search|pulls",
     "force one way to find merged PRs: one search for every\n"
     "repository and org, or each repository's pulls listing\n"
     "(default: the planner's choice per query; --verbose shows it)",
     0, 0, run_via_choices},
    {"jobs", 0, OPT_LONG, FIELD(jobs), CMD_ALL, GROUP_FETCH, "N",
     "transfers in flight at most (default 8, at most 64)", 1, ML_RUN_MAX_JOBS, NULL},
    {"cache-dir", 0, OPT_STRING, FIELD(cache_dir), CMD_ALL, GROUP_FETCH, "DIR",
     "the response cache (default $XDG_CACHE_HOME/mergeletter,\n"
     "else ~/.cache/mergeletter); re-runs send conditional\n"
     "requests, and a 304 costs no rate limit",
     0, 0, NULL},
    {"cache-max-mb", 0, OPT_LONG, FIELD(cache_max_mb), CMD_ALL, GROUP_FETCH, "MB",
     "bound the cache's size (default 200): the least recently\n"
     "used entries go first",
     1, 1000000, NULL},
    {"no-cache", 0, OPT_FLAG, FIELD(no_cache), CMD_ALL, GROUP_FETCH, NULL,
     "neither read nor write the cache", 0, 0, NULL},
    {"offline", 0, OPT_FLAG, FIELD(offline), CMD_ALL, GROUP_FETCH, NULL,
     "answer from the cache alone; fail on anything not cached", 0, 0, NULL},
    {"max-wait", 0, OPT_LONG, FIELD(max_wait), CMD_ALL, GROUP_FETCH, "SECONDS",
     "wait at most this long for a rate limit to reset (default 60)", 0, 86400, NULL},
    {"timeout", 0, OPT_LONG, FIELD(timeout), CMD_ALL, GROUP_FETCH, "SECONDS",
     "end the run after this long (default: none); what is not\n"
     "fetched by then is noted in a partial draft (exit 5)",
     0, 604800, NULL},
    {"stall-timeout", 0, OPT_LONG, FIELD(stall_timeout), CMD_ALL, GROUP_FETCH, "SECONDS",
     "give up a transfer that receives under 100 bytes/s for this\n"
     "long (default 30; retried like a failed connection)",
     1, 604800, NULL},
    {"max-pages", 0, OPT_LONG, FIELD(max_pages), CMD_ALL, GROUP_FETCH, "N",
     "pages of one listing at most (default 1000)", 1, 100000, NULL},
    {"quiet", 0, OPT_FLAG, FIELD(quiet), CMD_ALL, GROUP_FETCH, NULL,
     "no progress line (it is shown only when stderr is a terminal)", 0, 0, NULL},
    {"verbose", 0, OPT_FLAG, FIELD(verbose), CMD_ALL, GROUP_FETCH, NULL,
     "log each request: method, URL, status, bytes, ms, cache use", 0, 0, NULL},
    {"help", 'h', OPT_FLAG, CLI_FIELD(help), CMD_ALL, GROUP_FETCH, NULL, "show this help", 0, 0,
     NULL},
    {"version", 0, OPT_FLAG, CLI_FIELD(version), CMD_ALL, GROUP_FETCH, NULL, "show the version", 0,
     0, NULL},
};

#define NOPTS (sizeof options / sizeof *options)

static const char usage_text[] =
    "usage: mergeletter section OWNER/REPO [--month YYYY-MM | --since DATE [--until DATE]\n"
    "                                      | --from REF [--to REF]]\n"
    "                           [--maintainer LOGIN]... [--intro TEXT] [--deps comment|drop|keep]\n"
    "       mergeletter section [OWNER/REPO] --git PATH [--ref REF] [options]\n"
    "       mergeletter section [OWNER/REPO] --config FILE [options]\n"
    "       mergeletter issue   [--config FILE] [--previous FILE | --homepage PATH]\n"
    "                           [--month YYYY-MM | --from REF [--to REF]] [--deps MODE]\n"
    "                           [-o FILE [--update | --force]]\n"
    "       mergeletter issue|section (-o FILE | --homepage PATH) --finalize\n"
    "       mergeletter --help | --version\n";

static const char help_tail[] =
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
    "usage: mergeletter section OWNER/REPO [options]   (or https://github.com/OWNER/REPO)\n"
    "       mergeletter section [OWNER/REPO] --config FILE [options]\n"
    "       mergeletter section [OWNER/REPO] --git PATH [--ref REF] [options]\n";

static const char help_issue[] =
    "mergeletter issue: draft a whole issue of the newsletter from a config\n"
    "\n"
    "usage: mergeletter issue --config FILE [options]\n"
    "       mergeletter issue --previous FILE | --homepage PATH [--config FILE] [options]\n";

static const char help_main[] =
    "mergeletter: draft newsletter posts and release notes from merged pull requests\n"
    "\n"
    "Commands:\n"
    "  section   one repository's section (for maintainers)\n"
    "  issue     a whole issue from a config (for editors)\n"
    "\n"
    "Run 'mergeletter COMMAND --help' for a command's options.\n";

#define HELP_COLUMN 22

/* The option rows of one group that apply to the commands in mask. */
static void help_group(struct ml_buf *out, enum opt_group group, int mask, const char *title)
{
	int any = 0;

	for (size_t i = 0; i < NOPTS; i++) {
		const struct cli_option *op = &options[i];
		const char *h = op->help;
		size_t start, col;

		if (op->group != group || !(op->commands & mask))
			continue;
		if (!any++)
			buf_printf(out, "\n%s:\n", title);
		start = out->len;
		if (op->short_name)
			buf_printf(out, "  -%c, --%s", op->short_name, op->name);
		else
			buf_printf(out, "  --%s", op->name);
		if (op->arg)
			buf_printf(out, " %s", op->arg);
		col = out->len - start;
		if (col >= HELP_COLUMN - 1) { /* a long name: its help starts below */
			buf_puts(out, "\n");
			col = 0;
		}
		for (;;) {
			size_t n = strcspn(h, "\n");

			buf_printf(out, "%*s%.*s\n",
				   col < HELP_COLUMN ? (int)(HELP_COLUMN - col) : 1, "", (int)n, h);
			if (!h[n])
				break;
			h += n + 1;
			col = 0;
		}
	}
}

/* The --help text of a command (0: the program's). */
static void help_text(struct ml_buf *out, int command)
{
	if (command == CMD_SECTION)
		buf_puts(out, help_section);
	else if (command == CMD_ISSUE)
		buf_puts(out, help_issue);
	else {
		buf_puts(out, help_main);
		buf_puts(out, usage_text);
	}
	if (command)
		help_group(out, GROUP_COMMAND, command, "Options");
	help_group(out, GROUP_COMMON, command ? command : CMD_ALL, "Common options");
	help_group(out, GROUP_FETCH, command ? command : CMD_ALL, "Fetching");
	buf_puts(out, help_tail);
}

/* Print --help or --version to stdout. */
static int print_info(int command, int version, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	int rc;

	if (version)
		rc = buf_puts(&out, "mergeletter " ML_VERSION "\n");
	else
		help_text(&out, command), rc = out.data && datadir_in_text(&out) == 0 ? 0 : -1;
	if (rc < 0)
		rc = error_set(err, ML_EXIT_FAILURE, "out of memory");
	else
		rc = file_write_stdout(out.data, out.len, err);
	buf_release(&out);
	return rc;
}

__attribute__((format(printf, 3, 4))) static int usage_error(const char *cmd, struct ml_error *err,
							     const char *fmt, ...)
{
	struct ml_buf m = ML_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	buf_vprintf(&m, fmt, ap);
	va_end(ap);
	rc = error_set(err, ML_EXIT_USAGE, "%s; see 'mergeletter %s%s--help'",
		       m.data ? m.data : "usage error", cmd ? cmd : "", cmd ? " " : "");
	buf_release(&m);
	return rc;
}

/* Store one option's argument where its row says. */
static int opt_set(struct cli_opts *o, const struct cli_option *op, const char *arg,
		   const char *cmdname, struct ml_error *err)
{
	void *field = (char *)o + op->offset;

	switch (op->kind) {
	case OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case OPT_FLAG:
		*(int *)field = 1;
		return 0;
	case OPT_LIST:
		if (strv_push(field, arg) < 0)
			return error_set(err, ML_EXIT_FAILURE, "out of memory");
		return 0;
	case OPT_LONG: {
		char *end;
		long v = strtol(arg, &end, 10);

		if (*arg == '\0' || *end || v < op->min || v > op->max)
			return usage_error(cmdname, err,
					   "invalid --%s '%s'; give a whole number from %ld to %ld",
					   op->name, arg, op->min, op->max);
		*(long *)field = v;
		return 0;
	}
	case OPT_CHOICE: {
		struct ml_buf names = ML_BUF_INIT;
		int rc;

		for (const struct ml_run_choice *c = op->choices; c->name; c++)
			if (strcmp(arg, c->name) == 0) {
				*(int *)field = c->value;
				return 0;
			}
		for (const struct ml_run_choice *c = op->choices; c->name; c++)
			buf_printf(&names, "%s%s",
				   c == op->choices ? ""
				   : c[1].name	    ? ", "
						    : " or ",
				   c->name);
		rc = usage_error(cmdname, err, "invalid --%s '%s'; use %s", op->name, arg,
				 names.data ? names.data : "");
		buf_release(&names);
		return rc;
	}
	}
	return usage_error(cmdname, err, "unhandled option '--%s'", op->name);
}

/* The row of getopt's answer c, or NULL. */
static const struct cli_option *opt_find(int c)
{
	if (c >= 256 && (size_t)(c - 256) < NOPTS)
		return &options[c - 256];
	for (size_t i = 0; i < NOPTS; i++)
		if (options[i].short_name && options[i].short_name == c)
			return &options[i];
	return NULL;
}

/* Parse argv (after the command name). Returns 0, 1 when help/version was
 * printed, or -1 with err set. */
static int parse_opts(struct cli_opts *o, const char *cmdname, int argc, char **argv,
		      struct ml_error *err)
{
	struct option longopts[NOPTS + 1];
	char shortopts[2 * NOPTS + 2] = ":";
	size_t ns = 1;
	int c;

	memset(longopts, 0, sizeof longopts);
	for (size_t i = 0; i < NOPTS; i++) {
		longopts[i].name = options[i].name;
		longopts[i].has_arg = options[i].kind == OPT_FLAG ? no_argument : required_argument;
		longopts[i].val = 256 + (int)i;
		if (options[i].short_name) {
			shortopts[ns++] = options[i].short_name;
			if (options[i].kind != OPT_FLAG)
				shortopts[ns++] = ':';
		}
	}
	shortopts[ns] = '\0';
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_option *op = opt_find(c);

		if (c == ':')
			return usage_error(cmdname, err, "option '%s' needs a value",
					   argv[optind - 1]);
		if (c == '?' || !op)
			return usage_error(cmdname, err, "unknown option '%s'", argv[optind - 1]);
		if (!(op->commands & o->r.command))
			return usage_error(
			    cmdname, err, "option '--%s' does not apply to this command", op->name);
		if (opt_set(o, op, optarg, cmdname, err) < 0)
			return -1;
		if (o->help || o->version)
			return print_info(o->version ? 0 : o->r.command, o->version, err) < 0 ? -1
											      : 1;
	}
	if (o->r.update + o->r.force + o->r.finalize > 1)
		return usage_error(cmdname, err,
				   "--update, --force and --finalize exclude each other");
	if ((o->r.update || o->r.force || o->r.finalize) &&
	    ((!o->r.output && !o->r.homepage) || o->r.format == ML_RUN_JSON))
		return usage_error(
		    cmdname, err,
		    "--update, --force and --finalize need -o FILE (markdown) or --homepage PATH");
	if (o->r.finalize && optind == argc && !o->r.homepage_ref && !o->r.previous)
		return 0; /* works on the file alone */
	if (o->r.command == CMD_SECTION && (optind < argc || (!o->r.git && !o->r.config))) {
		if (optind >= argc)
			return usage_error(cmdname, err,
					   "missing OWNER/REPO (or --git PATH, or --config FILE)");
		if (!(o->r.repo = ghenv_repo_from_arg(argv[optind]))) {
			/* a URL is read by libcurl's parser: say so if it is missing */
			if (libcurl_load(err) < 0)
				return -1;
			return usage_error(cmdname, err,
					   "invalid repository '%s'; write it as OWNER/REPO or "
					   "https://github.com/OWNER/REPO",
					   argv[optind]);
		}
		optind++;
	}
	if (optind < argc)
		return usage_error(cmdname, err, "unexpected argument '%s'", argv[optind]);
	if (o->r.ref && !o->r.git)
		return usage_error(cmdname, err, "--ref needs --git PATH");
	if (o->r.command == CMD_ISSUE && !o->r.config && !o->r.previous && !o->r.homepage)
		return usage_error(cmdname, err,
				   "missing --config FILE (or --previous FILE, --homepage PATH)");
	if (o->r.homepage && (o->r.previous || o->r.output))
		return usage_error(cmdname, err,
				   "--homepage reads the previous issue and writes the draft "
				   "itself; drop --previous and -o");
	if (o->r.homepage_ref && !o->r.homepage)
		return usage_error(cmdname, err, "--homepage-ref needs --homepage PATH");
	if (o->r.offline && o->r.no_cache)
		return usage_error(cmdname, err, "--offline needs the cache; drop --no-cache");
	if (o->r.month && (o->r.since || o->r.until))
		return usage_error(cmdname, err, "--month and --since/--until exclude each other");
	if (o->r.to && !o->r.from && o->r.command != CMD_SECTION)
		return usage_error(cmdname, err, "--to needs --from REF");
	if ((o->r.from || o->r.to) && (o->r.month || o->r.since || o->r.until))
		return usage_error(cmdname, err,
				   "--from/--to and --month/--since/--until exclude each other");
	if (o->r.config && datadir_config(o->r.config, NULL, &o->config_found, err) < 0)
		return -1;
	o->r.config = o->r.config ? o->config_found : NULL;
	return 0;
}

static const struct {
	const char *name;
	int id;
	int (*run)(struct ml_run_opts *o, struct ml_error *err);
} commands[] = {
    {"section", CMD_SECTION, run_section},
    {"issue", CMD_ISSUE, run_issue},
};

int cli_main(int argc, char **argv)
{
	struct ml_error err = ML_ERROR_INIT;
	struct cli_opts o;
	int code = ML_EXIT_OK, rc = -1;

	memset(&o, 0, sizeof o);
	o.r.max_wait = -1;
	if (argc < 2) {
		fputs(usage_text, stderr);
		return ML_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "--version") == 0) {
		print_info(0, argv[1][2] == 'v', &err);
	} else {
		for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
			if (strcmp(argv[1], commands[i].name) != 0)
				continue;
			o.r.command = commands[i].id;
			rc = parse_opts(&o, commands[i].name, argc - 1, argv + 1, &err);
			if (rc == 0)
				rc = o.r.finalize ? run_finalize(&o.r, &err)
						  : commands[i].run(&o.r, &err);
			break;
		}
		if (!o.r.command)
			error_set(&err, ML_EXIT_USAGE,
				  "unknown command '%s'; see 'mergeletter --help'", argv[1]);
	}
	if (err.msg) {
		term_print(stderr, "error: ", "%s", err.msg);
		code = err.exit_code;
	}
	strv_release(&o.r.maintainers);
	free(o.r.repo);
	free(o.config_found);
	error_clear(&err);
	if (fclose(stdout) != 0 && code == ML_EXIT_OK) {
		fputs("error: cannot write to standard output\n", stderr);
		code = ML_EXIT_FAILURE;
	}
	return code;
}
