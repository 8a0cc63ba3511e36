/*
 * gitrelease.h: releases as a clone's tags tell them: which tag is the
 * release before another, and the latest one.
 *
 * A release tag is a name that ends in a semantic version, after an
 * optional prefix: "v1.2.3", "1.2", "uefi-v0.38.0", "acpi-v5.0.0-rc.1"
 * (the prefix is "uefi-", the same with or without the "v"). A
 * prerelease has a "-..." part; build metadata ("+...") is ignored.
 *
 * Ownership: the repository is borrowed; *tag is newly allocated.
 */
#ifndef MERGELETTER_GITRELEASE_H
#define MERGELETTER_GITRELEASE_H

#include <git2.h>
#include <stddef.h>

struct ml_cache;
struct ml_error;

/* A parsed release name. */
struct ml_semver {
	size_t prefix_len; /* the name's prefix, without a trailing "v" */
	unsigned long major, minor, patch;
	const char *pre; /* the prerelease part after "-" (borrowed), or NULL */
	size_t pre_len;
};

/* 1 with *v set when name is a release name, else 0. */
int gitrelease_parse(const char *name, struct ml_semver *v);
/* <0, 0, >0 as a precedes, equals, follows b (semver precedence; the
 * prefixes are not compared). */
int gitrelease_compare(const struct ml_semver *a, const struct ml_semver *b);

/* The release before `to`: the highest release tag (by version, among
 * those of to_name's prefix when to_name is a release name) whose commit
 * is an ancestor of to and not to itself, prereleases skipped unless
 * to_name is one. With to_name NULL or not a release name (a branch, the
 * tip): the latest release reachable from to, to included (its tagged
 * commit's time, then its version), prereleases skipped; cache (NULL:
 * none) keeps what the tags name for that question. With graph_allowed
 * (core.commitGraph is not false), the commit-graph's generation numbers
 * rule out the tags that cannot be to's ancestors (a later one: those of
 * later versions, when to is an old release) without a walk. 0 with *tag
 * the name, or *tag NULL when there is none; -1 with err set. */
int gitrelease_previous(git_repository *git, const git_oid *to, const char *to_name,
			struct ml_cache *cache, int graph_allowed, char **tag,
			struct ml_error *err);

/* 1 when to reaches commit id (id is to or an ancestor of it), else 0 (id
 * not a commit that can be read included). Exact, and cheap for a commit
 * on to's first-parent line: that line is read down to id's committer
 * time first, libgit2's merge bases asked only when it does not meet id. */
int gitrelease_reaches(git_repository *git, const git_oid *to, const git_oid *id);

#endif
