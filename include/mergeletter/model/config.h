/*
 * config.h: the JSON config of a newsletter (read with jansson).
 *
 * config_load() fills a struct ml_config that owns every string in it;
 * config_release() releases it. Errors name the file with line:column;
 * warnings are collected in cfg->warnings, never printed.
 */
#ifndef MERGELETTER_CONFIG_H
#define MERGELETTER_CONFIG_H

#include "mergeletter/model/pr.h"
#include <stddef.h>
#include <stdint.h>

struct ml_error;

enum ml_deps_mode {
	ML_DEPS_UNSET = 0,
	ML_DEPS_COMMENT, /* bumps go into an HTML comment after the list */
	ML_DEPS_DROP,	 /* bumps are left out */
	ML_DEPS_KEEP,	 /* bumps are listed with the rest */
};

struct ml_maintainer {
	char *login;
	char *url;     /* NULL: https://github.com/LOGIN */
	int64_t since; /* first moment of the first month maintained, 0: always */
	int64_t until; /* first moment after the last month maintained, 0: still */
};

/* A heading of release notes: the PRs with one of its labels, or whose
 * title starts with one of its conventional-commit prefixes ("fix:",
 * "fix(scope):", "fix!:"), case-insensitive. */
struct ml_category {
	char *title;
	struct ml_strv labels;
	struct ml_strv prefixes;
};

/* The categories of a list, in order; none: one flat list. */
struct ml_categories {
	struct ml_category *v;
	size_t n;
	char *default_title; /* the rest; NULL: "Other changes" */
};

struct ml_repo_cfg {
	char *repo;	 /* "owner/name" */
	char *name;	 /* heading text; NULL: the repository's name */
	char *intro;	 /* NULL when unknown */
	char *intro_sep; /* what goes between intro and the list sentence; NULL: " " */
	struct ml_maintainer *maintainers;
	size_t nmaintainers;
	int maintainers_known;	/* 0: discovered repository, no maintainers line known */
	char *maintainers_line; /* a previous issue's line, emitted as is; NULL: built */
	char *git;		/* local clone path, or NULL */
	char *ref;		/* ref to read in the clone, or NULL */
	int line;		/* line of the entry in the config file, 0 when not from a file */
	struct ml_categories categories; /* its own, else its section's, else the config's */
};

struct ml_section_cfg {
	char *heading;		/* "`rust-osdev` Projects" */
	char *intro;		/* paragraph under the heading, or NULL */
	char *org;		/* discovery: list this owner's repositories, or NULL */
	int user;		/* org is a user account ("user": NAME), not an organisation */
	struct ml_strv exclude; /* the owner's repositories left out, by name ("NAME") */
	struct ml_repo_cfg *repos;
	size_t nrepos;
	int line;
	struct ml_categories categories; /* inherited by its repositories */
};

struct ml_bump_rules {
	struct ml_strv title_patterns; /* POSIX extended regexes, case-insensitive */
	struct ml_strv labels;
	struct ml_strv authors;
};

/* "tooling": merged PRs of toolchain repositories offered as candidates. */
struct ml_tooling_source {
	char *repo;		    /* "owner/name" */
	struct ml_strv labels;	    /* any of them makes a candidate */
	struct ml_strv title_words; /* words or phrases, whole words, case-insensitive */
};

struct ml_tooling_cfg {
	char *heading; /* NULL: no "tooling" in the config */
	struct ml_tooling_source *sources;
	size_t nsources;
};

/* "news": the month's entries of Atom and RSS feeds. */
struct ml_feed_cfg {
	char *url;
	int offer; /* entries go into per-line comments, for the editor to pick */
};

struct ml_news_cfg {
	char *heading; /* NULL: no "news" in the config */
	struct ml_feed_cfg *feeds;
	size_t nfeeds;
	long timeout_ms; /* per feed ("timeout_seconds", default 20) */
};

#define ML_TOOLING_HEADING "Infrastructure and Tooling"
#define ML_NEWS_HEADING "Announcements, News, and Blog Posts"

/* "logins": {"e-mail": "login"}: who wrote a commit, for a clone whose
 * history cannot tell. Parallel vectors; addresses compare
 * case-insensitively. */
struct ml_login_map {
	struct ml_strv emails;
	struct ml_strv logins;
};

struct ml_config {
	char *path;
	char *title; /* "This Month in Rust OSDev" */
	struct ml_strv editors;
	struct ml_section_cfg *sections;
	size_t nsections;
	struct ml_bump_rules bumps;
	enum ml_deps_mode deps_mode;
	char *template_path; /* "template", relative to the config file; NULL: built in */
	struct ml_categories categories; /* inherited by every section */
	struct ml_tooling_cfg tooling;
	struct ml_news_cfg news;
	struct ml_strv warnings; /* "FILE:LINE: ..." (unknown keys, repeated
				  * repositories), for the caller to show */
	struct ml_login_map logins;
};

int config_load(struct ml_config *cfg, const char *path, struct ml_error *err);
/* Parse a config from memory; `path` names it in messages. */
int config_parse(struct ml_config *cfg, const char *text, size_t len, const char *path,
		 struct ml_error *err);
void config_release(struct ml_config *cfg);

/* The login of an e-mail address in the map, or NULL (borrowed). */
const char *login_map_find(const struct ml_login_map *m, const char *email);
/* Append a pair (copies both); 0 or -1 when out of memory. */
int login_map_add(struct ml_login_map *m, const char *email, const char *login);
/* dst gets copies of src's pairs. */
int login_map_copy(struct ml_login_map *dst, const struct ml_login_map *src);
void login_map_release(struct ml_login_map *m);

/* The entry of repo ("owner/name", case-insensitive) in the config, or with
 * repo NULL the config's only repository; NULL when there is none (or,
 * for NULL, several). Borrowed from cfg. */
const struct ml_repo_cfg *config_find_repo(const struct ml_config *cfg, const char *repo);
/* dst: a copy of base (may be NULL) with what over sets in its place: its
 * non-NULL strings, and its maintainers when it has any. */
int repo_cfg_overlay(struct ml_repo_cfg *dst, const struct ml_repo_cfg *base,
		     const struct ml_repo_cfg *over);
/* Copy src into dst (dst owns its copies). */
int repo_cfg_copy(struct ml_repo_cfg *dst, const struct ml_repo_cfg *src);
void repo_cfg_release(struct ml_repo_cfg *rc);
/* Keep only the maintainers active at some time in [since, until). */
void repo_cfg_maintainers_during(struct ml_repo_cfg *rc, int64_t since, int64_t until);
/* 1 when login is one of rc's maintainers (case-insensitive). */
int repo_cfg_is_maintainer(const struct ml_repo_cfg *rc, const char *login);
/* The index in c->v of the first category pr belongs to; c->n for the rest. */
size_t categories_match(const struct ml_categories *c, const struct ml_pr *pr);
/* The title of category i (c->n: the default one). */
const char *categories_title(const struct ml_categories *c, size_t i);
int categories_copy(struct ml_categories *dst, const struct ml_categories *src);
void categories_release(struct ml_categories *c);
/* 1 when s is a valid "owner/name". */
int repo_name_valid(const char *s);
/* Parse "comment" | "drop" | "keep"; ML_DEPS_UNSET when unknown. */
enum ml_deps_mode deps_mode_parse(const char *s);
/* The name deps_mode_parse() reads; ML_DEPS_UNSET is the default, "comment". */
const char *deps_mode_name(enum ml_deps_mode m);

#endif
