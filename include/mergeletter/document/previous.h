/*
 * previous.h: read a published issue back into the config model, so that
 * the next month can be drafted with no per-repository config.
 *
 * previous_parse() reads an issue's markdown (Zola "+++" front matter, then
 * "## Heading" parts holding "### [`name`](https://github.com/OWNER/REPO)"
 * repository sections) into a struct ml_config that the caller owns and
 * releases with config_release():
 *  - title (without ": Month YYYY") and editors from the front matter;
 *  - one section per "##" part that holds repository sections, with the
 *    part's first paragraph as its intro;
 *  - per repository: its heading name (only when it is not the repository's
 *    name), the maintainers line as written (maintainers_line) with the
 *    logins and links in it (maintainers, so they are not thanked), and the
 *    intro: the text between the maintainers line and the sentence that
 *    leads into the PR list, with intro_sep holding what separated them.
 * The intro is the first paragraph when the lead-in sentence stands in a
 * later one (the paragraphs between are that month's news, not carried
 * over). Whatever cannot be read with certainty is left out with a warning
 * naming the file and line, through `progress`: never a wrong draft.
 * Returns -1 (err set) when out of memory, or when the text holds a NUL
 * byte (not a markdown text: a usage error naming the line).
 *
 * previous_merge() adds a previous issue to a config. The text the editor
 * wrote last wins: a config repository takes the previous issue's intro and
 * maintainers line when it has them (the config's maintainers join the
 * line's, so that none is thanked), and its name only when the config has
 * none; the config's title, editors and section intros stay (the issue's
 * fill what the config lacks). The config decides which repositories
 * appear: all of its own, and those only in the previous issue are appended
 * (to the config section of the same heading, else to a new section).
 */
#ifndef MERGELETTER_PREVIOUS_H
#define MERGELETTER_PREVIOUS_H

#include <stddef.h>

#include "mergeletter/model/config.h"

struct ml_error;
struct ml_progress;

int previous_parse(struct ml_config *out, const char *text, size_t len, const char *path,
		   struct ml_progress *progress, struct ml_error *err);
/* previous_parse() of a file. */
int previous_load(struct ml_config *out, const char *path, struct ml_progress *progress,
		  struct ml_error *err);
/* The number of repositories in cfg. */
size_t previous_repo_count(const struct ml_config *cfg);
int previous_merge(struct ml_config *cfg, const struct ml_config *prev, struct ml_error *err);

#endif
