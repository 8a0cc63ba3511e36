/* dynlib.c: a shared library opened on first use and its function table (see dynlib.h). */
#include "mergeletter/util/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *soname, const char *package, const char *what, char *why,
		size_t why_size)
{
	snprintf(why, why_size, "cannot load %s (%s): install the %s package", soname,
		 what ? what : "unknown error", package);
	return -1;
}

int dynlib_open(const char *soname, const char *package, const struct ml_dynsym *syms, size_t n,
		void *table, char *why, size_t why_size)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib)
		return fail(soname, package, dlerror(), why, why_size);
	for (i = 0; i < n; i++) {
		void *p;

		dlerror();
		p = dlsym(lib, syms[i].name);
		if (!p) {
			const char *e = dlerror();

			/* the handle stays open: a library half loaded may have
			 * run its constructors, and nothing calls into it */
			return fail(soname, package, e ? e : syms[i].name, why, why_size);
		}
		/* POSIX makes a data pointer from dlsym() a function pointer
		 * of the same size and representation; memcpy says so without
		 * the cast ISO C forbids */
		memcpy((char *)table + syms[i].offset, &p, sizeof p);
	}
	return 0;
}
