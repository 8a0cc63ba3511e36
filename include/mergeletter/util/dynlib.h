/*
 * dynlib.h: a shared library opened by its SONAME when a run first needs
 * it, and the table of the functions we call in it.
 *
 * libcurl and libxml2 are not linked (CMakeLists.txt): a month drafted
 * from a clone needs neither, and their dependencies cost more start-up
 * time than the draft itself. util/libcurl.c and feeds/libxml.c define the
 * functions we call under the libraries' own names and forward them to the
 * table dynlib_open() fills, once, under their pthread_once.
 */
#ifndef MERGELETTER_DYNLIB_H
#define MERGELETTER_DYNLIB_H

#include <stddef.h>

/* One symbol of a table: its name in the library and the offset of the
 * pointer it fills in the caller's struct of function (or data) pointers. */
struct ml_dynsym {
	const char *name;
	size_t offset;
};

/* dlopen() soname and dlsym() each of syms[0..n-1] into table + offset.
 * The library stays loaded for the process's life (never dlclose()d: its
 * global state may still hold memory, which LSan would then call leaked).
 * 0, or -1 with why (why_size bytes) saying "cannot load SONAME (dlerror):
 * install the PACKAGE package". */
int dynlib_open(const char *soname, const char *package, const struct ml_dynsym *syms, size_t n,
		void *table, char *why, size_t why_size);

#endif
