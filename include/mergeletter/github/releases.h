/*
 * releases.h: a repository's latest release through the API, where an
 * unreleased range starts.
 *
 * GitHub's own answer first: GET /repos/{o}/{r}/releases/latest (the
 * newest published release that is neither a draft nor a prerelease).
 * A repository that tags without publishing releases answers 404; then
 * the first page of GET /repos/{o}/{r}/tags (100 tags) gives the highest
 * release tag (gitrelease.h: a semantic version after an optional prefix),
 * prereleases skipped. One request, two at most. Also the release before
 * a given one, as a clone's tags tell it (gitrelease.h), by the API.
 *
 * Ownership: *tag is newly allocated, freed by the caller.
 */
#ifndef MERGELETTER_RELEASES_H
#define MERGELETTER_RELEASES_H

#include "mergeletter/github/github.h"

struct ml_error;

/* The latest release tag of repo into *tag, running the client's engine.
 * None is an ML_EXIT_NETWORK error that says to give --from. */
int releases_latest(struct ml_github *gh, const char *repo, char **tag, struct ml_error *err);

/* The release before `to` (a release tag, for --to alone): among the first
 * 100 tags, the release tags of to's prefix (prereleases skipped unless to
 * is one), highest version first, the first that to reaches: each asked as
 * GET /repos/{o}/{r}/compare/{tag}...{to}?per_page=1 ("ahead": an
 * ancestor), at most RELEASES_TRIES of them. None is an ML_EXIT_NETWORK
 * error that says to give --from. */
#define RELEASES_TRIES 10
int releases_previous(struct ml_github *gh, const char *repo, const char *to, char **tag,
		      struct ml_error *err);

#endif
