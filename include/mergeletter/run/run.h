/*
 * run.h: the run of each command, from plain options to the written file.
 *
 * run_section(), run_issue() and run_finalize() take a struct
 * ml_run_opts (no argv: the command line, a test or another program fills
 * it) and do everything between: the range and its refs, the config and
 * the previous issue, the choice of sources (a clone, the API, tooling
 * and feeds), the fetch, the bump filter, the emitters and the living
 * draft (-o, --update, --finalize). Warnings and notes go to stderr as
 * they arise; the outcome is the return value: 0, or -1 with err set to
 * the message and exit code (enum ml_exit) for the caller to report.
 *
 * The options are the caller's and only borrowed: strings are not copied
 * and must outlive the call; `output` may be pointed elsewhere during a
 * run (--homepage) and is restored before it returns.
 */
#ifndef MERGELETTER_RUN_H
#define MERGELETTER_RUN_H

#include "mergeletter/util/str.h"

struct ml_error;

#define ML_RUN_MAX_JOBS 64 /* --jobs at most: github.h's GITHUB_MAX_JOBS */

enum ml_run_command { ML_RUN_SECTION = 1, ML_RUN_ISSUE = 2 };
enum ml_run_format { ML_RUN_MARKDOWN = 0, ML_RUN_JSON };

struct ml_run_opts {
	int command; /* enum ml_run_command */
	char *repo;  /* "owner/name", or NULL (owned by the caller) */
	const char *month, *since, *until;
	const char *intro;
	struct ml_strv maintainers;
	int deps; /* enum ml_deps_mode; 0: the config's */
	const char *config;
	const char *previous;		     /* --previous FILE */
	const char *homepage, *homepage_ref; /* --homepage PATH, --homepage-ref REF */
	const char *output;
	int update, force, finalize; /* what -o does with an existing file */
	const char *api_url;
	const char *git, *ref; /* local clone and its ref, or NULL */
	const char *from, *to; /* a ref range FROM..TO, or NULL */
	int format;	       /* enum ml_run_format */
	long jobs;	       /* --jobs, 0: default */
	int via;	       /* enum ml_via; 0: the planner's choice */
	const char *cache_dir;
	int no_cache, offline, quiet, verbose;
	long max_wait;	    /* --max-wait, -1: default */
	long cache_max_mb;  /* --cache-max-mb, 0: default */
	long timeout;	    /* --timeout, 0: none */
	long stall_timeout; /* --stall-timeout, 0: default */
	long max_pages;	    /* --max-pages, 0: default */
	const char *template;
};

/* The names of the --deps and --via values, NULL-terminated. */
struct ml_run_choice {
	const char *name;
	int value;
};
extern const struct ml_run_choice run_deps_choices[];
extern const struct ml_run_choice run_via_choices[];

/* Draft one repository's section (o->repo, o->git or o->config). */
int run_section(struct ml_run_opts *o, struct ml_error *err);
/* Draft a whole issue (o->config, o->previous or o->homepage). */
int run_issue(struct ml_run_opts *o, struct ml_error *err);
/* Finalize the file of o->output, or the month's file of o->homepage. */
int run_finalize(struct ml_run_opts *o, struct ml_error *err);

#endif
