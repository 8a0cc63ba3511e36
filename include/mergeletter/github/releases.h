/*
 * releases.h: a repository's latest release through the API, where an
 * unreleased range starts.
 *
 * GitHub's own answer first: GET /repos/{o}/{r}/releases/latest (the
 * newest published release that is neither a draft nor a prerelease).
 * A repository that tags without publishing releases answers 404; then
 * the first page of GET /repos/{o}/{r}/tags (100 tags) gives the highest
 * release tag (gitrelease.h: a semantic version after an optional prefix),
 * prereleases skipped. One request, two at most.
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

#endif
