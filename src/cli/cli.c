/* cli.c: the commands, their option tables, --help, and the run of each
 * command from options to output. */
#include "mergeletter/cli/cli.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
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
#include "mergeletter/github/fetch.h"
#include "mergeletter/github/github.h"
#include "mergeletter/github/tooling.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/draft.h"
#include "mergeletter/model/filter.h"
#include "mergeletter/model/ghenv.h"
#include "mergeletter/paths.h"
#include "mergeletter/util/buf.h"
#include "mergeletter/util/datadir.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/file.h"
#include "mergeletter/util/progress.h"
#include "mergeletter/util/range.h"
#include "mergeletter/util/str.h"

enum { CMD_SECTION = 1, CMD_ISSUE = 2, CMD_ALL = 3 };

struct cli_opts {
	int command;
	char *repo; /* "owner/name" (from OWNER/REPO or a URL), or NULL */
	const char *month, *since, *until;
	const char *intro;
	struct ml_strv maintainers;
	int deps; /* enum ml_deps_mode; ML_DEPS_UNSET: the config's */
	const char *config;
	char *config_found;   /* --config NAME found in the data folder (datadir.h) */
	const char *previous; /* --previous FILE */
	const char *homepage, *homepage_ref; /* --homepage PATH, --homepage-ref REF */
	const char *output;
	int update, force, finalize; /* what -o does with an existing file */
	const char *api_url;
	const char *git, *ref; /* local clone and its ref, or NULL */
	const char *from, *to; /* a ref range FROM..TO, or NULL */
	int format;	       /* enum cli_format */
	long jobs;	       /* --jobs, 0: default */
	int via;	       /* enum ml_via; ML_VIA_DEFAULT: the command's */
	const char *cache_dir;
	int no_cache, offline, quiet, verbose;
	long max_wait;	    /* --max-wait, -1: default */
	long cache_max_mb;  /* --cache-max-mb, 0: default */
	long timeout;	    /* --timeout, 0: none */
	long stall_timeout; /* --stall-timeout, 0: default */
	long max_pages;	    /* --max-pages, 0: default */
	const char *template;
	int help, version;
};

enum cli_format { FORMAT_MARKDOWN = 0, FORMAT_JSON };

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

struct opt_choice {
	const char *name;
	int value;
};

static const struct opt_choice deps_choices[] = {
    {"comment", ML_DEPS_COMMENT}, {"drop", ML_DEPS_DROP}, {"keep", ML_DEPS_KEEP}, {NULL, 0}};
static const struct opt_choice via_choices[] = {
    {"search", ML_VIA_SEARCH}, {"pulls", ML_VIA_PULLS}, {NULL, 0}};
static const struct opt_choice format_choices[] = {
    {"markdown", FORMAT_MARKDOWN}, {"json", FORMAT_JSON}, {NULL, 0}};

/* One row per option: it drives getopt, the command masks and --help. */
struct cli_option {
	const char *name;
	char short_name; /* 0: none */
	enum opt_kind kind;
	size_t offset; /* of the field in struct cli_opts */
	int commands;  /* CMD_* mask of the commands that take it */
	enum opt_group group;
	const char *arg;		  /* the argument's name in --help, NULL for a flag */
	const char *help;		  /* lines separated by '\n' */
	long min, max;			  /* OPT_LONG */
	const struct opt_choice *choices; /* OPT_CHOICE */
};

#define FIELD(f) offsetof(struct cli_opts, f)

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
     "and squash commits \"Title (#N)\" on the first-parent history,\n"
     "no network; OWNER/REPO defaults to the origin remote's",
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
     "the month to draft (UTC; default: the previous month)", 0, 0, NULL},
    {"from", 0, OPT_STRING, FIELD(from), CMD_ALL, GROUP_COMMON, "REF",
     "draft the changes after REF (a tag, branch or commit): with\n"
     "--git exactly the merge and squash commits that\n"
     "'git log --first-parent REF..TO' shows; through the API the\n"
     "PRs merged after REF's commit time up to TO's (merge times\n"
     "approximate ancestry); issue: every repository needs \"git\"",
     0, 0, NULL},
    {"to", 0, OPT_STRING, FIELD(to), CMD_ALL, GROUP_COMMON, "REF",
     "the end of the --from range, included (default: the ref\n"
     "--ref names, else the default branch)",
     0, 0, NULL},
    {"deps", 0, OPT_CHOICE, FIELD(deps), CMD_ALL, GROUP_COMMON, "MODE",
     "dependency bumps: comment (default: an HTML comment after\n"
     "the list), drop (left out) or keep (listed)",
     0, 0, deps_choices},
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
     "GitHub API (default " GITHUB_API_URL "; env GITHUB_API_URL,\n"
     "GH_HOST)",
     0, 0, NULL},
    {"format", 0, OPT_CHOICE, FIELD(format), CMD_ALL, GROUP_COMMON, "FORMAT",
     "markdown (default) or json (the same data, machine-readable)", 0, 0, format_choices},
    {"via", 0, OPT_CHOICE, FIELD(via), CMD_ALL, GROUP_FETCH, "search|pulls",
     "force one way to find merged PRs: one search for every\n"
     "repository and org, or each repository's pulls listing\n"
     "(default: the planner's choice per query; --verbose shows it)",
     0, 0, via_choices},
    {"jobs", 0, OPT_LONG, FIELD(jobs), CMD_ALL, GROUP_FETCH, "N",
     "transfers in flight at most (default 8, at most 64)", 1, GITHUB_MAX_JOBS, NULL},
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
    {"help", 'h', OPT_FLAG, FIELD(help), CMD_ALL, GROUP_FETCH, NULL, "show this help", 0, 0, NULL},
    {"version", 0, OPT_FLAG, FIELD(version), CMD_ALL, GROUP_FETCH, NULL, "show the version", 0, 0,
     NULL},
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

		for (const struct opt_choice *c = op->choices; c->name; c++)
			if (strcmp(arg, c->name) == 0) {
				*(int *)field = c->value;
				return 0;
			}
		for (const struct opt_choice *c = op->choices; c->name; c++)
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
		if (!(op->commands & o->command))
			return usage_error(
			    cmdname, err, "option '--%s' does not apply to this command", op->name);
		if (opt_set(o, op, optarg, cmdname, err) < 0)
			return -1;
		if (o->help || o->version)
			return print_info(o->version ? 0 : o->command, o->version, err) < 0 ? -1
											    : 1;
	}
	if (o->update + o->force + o->finalize > 1)
		return usage_error(cmdname, err,
				   "--update, --force and --finalize exclude each other");
	if ((o->update || o->force || o->finalize) &&
	    ((!o->output && !o->homepage) || o->format == FORMAT_JSON))
		return usage_error(
		    cmdname, err,
		    "--update, --force and --finalize need -o FILE (markdown) or --homepage PATH");
	if (o->finalize && optind == argc && !o->homepage_ref && !o->previous)
		return 0; /* works on the file alone */
	if (o->command == CMD_SECTION && (optind < argc || (!o->git && !o->config))) {
		if (optind >= argc)
			return usage_error(cmdname, err,
					   "missing OWNER/REPO (or --git PATH, or --config FILE)");
		if (!(o->repo = ghenv_repo_from_arg(argv[optind])))
			return usage_error(cmdname, err,
					   "invalid repository '%s'; write it as OWNER/REPO or "
					   "https://github.com/OWNER/REPO",
					   argv[optind]);
		optind++;
	}
	if (optind < argc)
		return usage_error(cmdname, err, "unexpected argument '%s'", argv[optind]);
	if (o->ref && !o->git)
		return usage_error(cmdname, err, "--ref needs --git PATH");
	if (o->command == CMD_ISSUE && !o->config && !o->previous && !o->homepage)
		return usage_error(cmdname, err,
				   "missing --config FILE (or --previous FILE, --homepage PATH)");
	if (o->homepage && (o->previous || o->output))
		return usage_error(cmdname, err,
				   "--homepage reads the previous issue and writes the draft "
				   "itself; drop --previous and -o");
	if (o->homepage_ref && !o->homepage)
		return usage_error(cmdname, err, "--homepage-ref needs --homepage PATH");
	if (o->offline && o->no_cache)
		return usage_error(cmdname, err, "--offline needs the cache; drop --no-cache");
	if (o->month && (o->since || o->until))
		return usage_error(cmdname, err, "--month and --since/--until exclude each other");
	if (o->to && !o->from)
		return usage_error(cmdname, err, "--to needs --from REF");
	if (o->from && (o->month || o->since || o->until))
		return usage_error(cmdname, err,
				   "--from/--to and --month/--since/--until exclude each other");
	if (o->config && datadir_config(o->config, NULL, &o->config_found, err) < 0)
		return -1;
	o->config = o->config ? o->config_found : NULL;
	return 0;
}

static int resolve_range(const struct cli_opts *o, struct ml_range *r, struct ml_error *err)
{
	char day[16];

	memset(r, 0, sizeof *r);
	if (o->from) /* times come from the refs, once they are resolved */
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
		fprintf(stderr, "note: %s\n", notes->v[i]);
	strv_release(notes);
}

/* Through the API a ref range is a time range: after FROM's commit, up to
 * and including TO's (default: the default branch's tip). */
static int resolve_api_refs(struct ml_github *gh, struct ml_draft *d, struct ml_error *err)
{
	const char *refs[2] = {d->from_ref, d->to_ref ? d->to_ref : "HEAD"};
	const char *repo = d->sections[0].repos[0].info.repo;
	int64_t t[2];

	if (github_resolve_refs(gh, repo, refs, t, 2, err) < 0)
		return -1;
	d->range.since = t[0] + 1;
	d->range.until = t[1] + 1;
	progress_note(
	    gh->progress,
	    "%s: through the API, %s..%s means the PRs merged after %s's commit time up to %s's; "
	    "merge times approximate ancestry (--git PATH reads the history exactly)",
	    repo, refs[0], refs[1], refs[0], refs[1]);
	return 0;
}

/* Fill the draft from its sources, then mark the bumps. */
/* The draft links to the pages of the API's GitHub (an Enterprise
 * Server's own, by GH_HOST or --api-url). */
static int set_web(struct ml_draft *d, const struct cli_opts *o, struct ml_error *err)
{
	char *api = ghenv_api_url(o->api_url);

	d->web = api ? ghenv_web_url(api) : NULL;
	free(api);
	return d->web ? 0 : error_set(err, ML_EXIT_FAILURE, "out of memory");
}

static int fetch_draft(struct ml_draft *d, const struct cli_opts *o, const struct ml_config *cfg,
		       struct ml_error *err)
{
	struct ml_github_opts gopts = ML_GITHUB_OPTS_INIT;
	struct ml_github gh = {0};
	struct ml_filter *filter = NULL;
	struct ml_progress progress;
	struct ml_tooling_fetch tf = {0};
	struct ml_feeds_fetch ff = {0};
	const struct ml_config *parts;
	int need_api, rc = -1;

	progress_init(&progress, stderr, !o->quiet && isatty(STDERR_FILENO), o->verbose);
	/* the tooling and news parts are the whole issue's */
	parts = o->command == CMD_ISSUE && cfg ? cfg : NULL;
	need_api = parts && (parts->tooling.nsources || parts->news.nfeeds);
	for (size_t i = 0; i < d->nsections; i++) {
		need_api |= d->sections[i].org != NULL;
		for (size_t j = 0; j < d->sections[i].nrepos; j++)
			need_api |= d->sections[i].repos[j].info.git == NULL;
	}
	if (gitsource_fetch_draft(d, err) < 0)
		goto done;
	if (need_api) {
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
		gopts.progress = &progress;
		gopts.run_timeout_s = o->timeout;
		gopts.stall_s = o->stall_timeout;
		gopts.max_pages = (int)o->max_pages;
		if (github_open(&gh, &gopts, err) < 0)
			goto done;
		if (d->from_ref && !d->range.until && resolve_api_refs(&gh, d, err) < 0)
			goto done;
		tf = (struct ml_tooling_fetch){
		    &gh, parts ? &parts->tooling : NULL, &d->range, NULL, 0, 0};
		ff = (struct ml_feeds_fetch){gh.http,	&progress, parts ? &parts->news : NULL,
					     &d->range, NULL,	   0};
		/* queued now, driven by fetch_run()'s http_run() with everything else */
		if (parts && (tooling_fetch_start(&tf, err) < 0 || feeds_fetch_start(&ff, err) < 0))
			goto done;
		rc = fetch_run(&gh, d, err);
		if (rc == 0)
			rc = http_run(gh.http, err);
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
	if (tooling_fetch_finish(&tf, filter, &d->tooling, err) < 0 ||
	    feeds_fetch_finish(&ff, &d->news, err) < 0)
		goto done;
	rc = 0;
done:
	tooling_fetch_release(&tf);
	feeds_fetch_release(&ff);
	filter_free(filter);
	github_close(&gh);
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
			if (r->failure)
				continue; /* listed at the end */
			if (r->prs.len == 0)
				fprintf(stderr, "note: %s: nothing merged in %s; no section\n",
					r->info.repo, label);
			else if (listed == 0)
				fprintf(
				    stderr,
				    "note: %s: only dependency updates merged in %s; no section\n",
				    r->info.repo, label);
		}
}

static void print_warnings(const struct ml_strv *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "warning: %s\n", w->v[i]);
}

static int emit(const struct ml_draft *d, const struct cli_opts *o, struct ml_error *err)
{
	struct ml_buf out = ML_BUF_INIT;
	struct ml_strv warnings = {0}, notes = {0};
	int rc = -1;

	note_empty(d);
	if (o->format != FORMAT_JSON && draft_check(d, &warnings) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	print_warnings(&warnings);
	if (o->output && o->format != FORMAT_JSON) {
		struct ml_update_opts uo = {o->command == CMD_ISSUE, o->update, o->force, d->date};

		rc = update_write(o->output, d, &uo, &notes, err);
		print_notes(&notes);
		goto done;
	}
	if (update_month_open(d, d->date, NULL, &notes) < 0) {
		error_set(err, ML_EXIT_FAILURE, "out of memory");
		goto done;
	}
	print_notes(&notes);
	if (o->format == FORMAT_JSON)
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
			     const struct cli_opts *o, struct ml_error *err)
{
	const struct ml_repo_cfg *first = NULL;

	for (size_t i = 0; i < cfg->nsections; i++) {
		const struct ml_section_cfg *sc = &cfg->sections[i];

		if (sc->org)
			return error_set(err, ML_EXIT_USAGE,
					 "%s line %d: --from reads local clones only, and section "
					 "\"%s\" lists an org; use --month or --since",
					 cfg->path, sc->line, sc->heading ? sc->heading : sc->org);
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

static int run_section(struct cli_opts *o, struct ml_error *err)
{
	struct ml_template tmpl = {0};
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
	print_warnings(&cfg.warnings);
	if (section_repo(&rc, &cli, o->config ? &cfg : NULL, err) < 0)
		goto done;
	if (o->from && rc.git &&
	    clone_range(&range, rc.git, o->from, o->to ? o->to : rc.ref, err) < 0)
		goto done;
	if (range.until) /* through the API, a ref range's times come later: all maintainers */
		repo_cfg_maintainers_during(&rc, range.since, range.until);
	if (markdown_template_load(&tmpl, o->template ? o->template : cfg.template_path, err) < 0 ||
	    draft_single(&d, &rc, &range, err) < 0 ||
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
	if (set_web(&d, o, err) < 0 || fetch_draft(&d, o, o->config ? &cfg : NULL, err) < 0 ||
	    emit(&d, o, err) < 0 || report_partial(&d, err) < 0)
		goto done;
	ret = 0;
done:
	free(cli.maintainers);
	repo_cfg_release(&rc);
	config_release(&cfg);
	draft_release(&d);
	template_release(&tmpl);
	return ret;
}

/* The previous issue of --previous or --homepage into cfg (the config's
 * entries win); without --config, cfg is the previous issue alone. */
static int load_previous(struct ml_config *cfg, const struct cli_opts *o,
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
	if (!o->config) {
		*cfg = prev;
		memset(&prev, 0, sizeof prev);
	} else if (previous_merge(cfg, &prev, err) < 0) {
		goto done;
	}
	rc = 0;
done:
	config_release(&prev);
	free(text);
	free(name);
	return rc;
}

static int run_issue(struct cli_opts *o, struct ml_error *err)
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
	if (set_web(&d, o, err) < 0 || fetch_draft(&d, o, &cfg, err) < 0 ||
	    (draft_path && homepage_make_dir(draft_path, err) < 0) || emit(&d, o, err) < 0 ||
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
static int run_finalize(struct cli_opts *o, struct ml_error *err)
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

static const struct {
	const char *name;
	int id;
	int (*run)(struct cli_opts *o, struct ml_error *err);
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
	o.max_wait = -1;
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
			o.command = commands[i].id;
			rc = parse_opts(&o, commands[i].name, argc - 1, argv + 1, &err);
			if (rc == 0) {
				curl_global_init(CURL_GLOBAL_DEFAULT);
				rc =
				    o.finalize ? run_finalize(&o, &err) : commands[i].run(&o, &err);
				curl_global_cleanup();
			}
			break;
		}
		if (!o.command)
			error_set(&err, ML_EXIT_USAGE,
				  "unknown command '%s'; see 'mergeletter --help'", argv[1]);
	}
	if (err.msg) {
		fprintf(stderr, "error: %s\n", err.msg);
		code = err.exit_code;
	}
	strv_release(&o.maintainers);
	free(o.repo);
	free(o.config_found);
	error_clear(&err);
	if (fclose(stdout) != 0 && code == ML_EXIT_OK) {
		fputs("error: cannot write to standard output\n", stderr);
		code = ML_EXIT_FAILURE;
	}
	return code;
}
