/* fuzz.h: what every libFuzzer harness in tests/fuzz shares.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput() for one entry point
 * of the library. Built with clang and -DML_FUZZ=ON it links libFuzzer;
 * in the normal build it links driver.c, which feeds it each file of the
 * seed corpus tests/fuzz/corpus/NAME/ (a regression test). A harness
 * frees everything it allocates (a leak is a finding) and abort()s when
 * an invariant of the output does not hold.
 */
#ifndef MERGELETTER_FUZZ_H
#define MERGELETTER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (newly allocated; stops at the
 * first NUL byte for the functions that take C strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An invariant that must hold: a crash the fuzzer reports, with its line. */
#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#endif
