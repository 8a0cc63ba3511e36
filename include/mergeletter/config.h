/*
 * config.h: the JSON config of a newsletter (read with jansson).
 *
 * config_load() fills a struct ml_config that owns every string in it;
 * config_release() releases it. Errors name the file with line:column.
 */
#ifndef MERGELETTER_CONFIG_H
#define MERGELETTER_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "mergeletter/pr.h"

struct ml_error;

enum ml_deps_mode {
	ML_DEPS_UNSET = 0,
	ML_DEPS_COMMENT, /* bumps go into an HTML comment after the list */
	ML_DEPS_DROP,    /* bumps are left out */
	ML_DEPS_KEEP,    /* bumps are listed with the rest */
};

struct ml_maintainer {
	char *login;
	char *url;     /* NULL: https://github.com/LOGIN */
	int64_t since; /* first moment of the first month maintained, 0: always */
	int64_t until; /* first moment after the last month maintained, 0: still */
};

struct ml_repo_cfg {
	char *repo;  /* "owner/name" */
	char *name;  /* heading text; NULL: the repository's name */
	char *intro; /* NULL when unknown */
	struct ml_maintainer *maintainers;
	size_t nmaintainers;
	int maintainers_known; /* 0: discovered repository, no maintainers line known */
	char *git;   /* local clone path, or NULL */
	char *ref;   /* ref to read in the clone, or NULL */
	int line;    /* line of the entry in the config file, 0 when not from a file */
};

struct ml_section_cfg {
	char *heading; /* "`rust-osdev` Projects" */
	char *intro;   /* paragraph under the heading, or NULL */
	char *org;     /* org discovery: list this org's repositories, or NULL */
	struct ml_repo_cfg *repos;
	size_t nrepos;
	int line;
};

struct ml_bump_rules {
	struct ml_strv title_patterns; /* POSIX extended regexes, case-insensitive */
	struct ml_strv labels;
	struct ml_strv authors;
};

/* "logins": {"e-mail": "login"}: who wrote a commit, for a clone whose
 * history cannot tell. Parallel vectors; addresses compare
 * case-insensitively. */
struct ml_login_map {
	struct ml_strv emails;
	struct ml_strv logins;
};

struct ml_config {
	char *path;
	char *title;   /* "This Month in Rust OSDev" */
	struct ml_strv editors;
	struct ml_section_cfg *sections;
	size_t nsections;
	struct ml_bump_rules bumps;
	enum ml_deps_mode deps_mode;
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
/* 1 when s is a valid "owner/name". */
int repo_name_valid(const char *s);
/* Parse "comment" | "drop" | "keep"; ML_DEPS_UNSET when unknown. */
enum ml_deps_mode deps_mode_parse(const char *s);

#endif
