/*
 * merge.h: merging a draft's records into an existing text (--update):
 * new PRs into the lists of their repositories' sections, new sections in
 * their parts, bumps beside the bumps, the thanks lines; nothing the
 * editor wrote, moved or deleted is touched (see update.h).
 */
#ifndef MERGELETTER_MERGE_H
#define MERGELETTER_MERGE_H

#include "mergeletter/document/doc.h"
#include "mergeletter/document/trailer.h"
#include "mergeletter/model/draft.h"

/* Record in `now` the PRs the text offers from now on, and edit doc (its
 * text the body above the trailer) to show those `old` did not offer.
 * old NULL: doc is a fresh draft; every PR it shows is offered. issue: the
 * text is a whole issue (else one repository's section). 0, or -1 when out
 * of memory. */
int merge_draft(struct ml_doc *doc, const struct ml_draft *d, int issue,
		const struct ml_trailer *old, struct ml_trailer *now);

#endif
