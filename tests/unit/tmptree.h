/* tmptree.h: temporary directories for the unit tests, made and removed
 * without a shell. The test file must define _XOPEN_SOURCE 700 before any
 * include (for nftw). */
#ifndef MERGELETTER_TMPTREE_H
#define MERGELETTER_TMPTREE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static inline int tt_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf path (not following symbolic links): 0, or -1 when something
 * could not be removed. */
static inline int tt_rmtree(const char *path)
{
	return path ? nftw(path, tt_rm_one, 16, FTW_DEPTH | FTW_PHYS) : 0;
}

#endif
