/* testutil.h: a minimal assertion harness for the unit tests.
 *
 * Each test file defines its cases as functions and runs them with RUN();
 * main returns non-zero when any check failed, and the last line printed
 * is "N passed, N failed".
 */
#ifndef MERGELETTER_TESTUTIL_H
#define MERGELETTER_TESTUTIL_H

#include <stdio.h>
#include <string.h>

static int t_failed_checks;
static int t_passed, t_failed;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			t_failed_checks++;                                                         \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                           \
			fprintf(stderr, "%s:%d: expected \"%s\"\n%*sgot      \"%s\"\n", __FILE__,  \
				__LINE__, b_ ? b_ : "(null)", (int)strlen(__FILE__) + 8, "",       \
				a_ ? a_ : "(null)");                                               \
			t_failed_checks++;                                                         \
		}                                                                                  \
	} while (0)

#define RUN(fn)                                                                                    \
	do {                                                                                       \
		int before_ = t_failed_checks;                                                     \
		fn();                                                                              \
		if (t_failed_checks == before_) {                                                  \
			t_passed++;                                                                \
		} else {                                                                           \
			t_failed++;                                                                \
			fprintf(stderr, "FAIL %s\n", #fn);                                         \
		}                                                                                  \
	} while (0)

#define DONE() (printf("%d passed, %d failed\n", t_passed, t_failed), t_failed ? 1 : 0)

#endif
