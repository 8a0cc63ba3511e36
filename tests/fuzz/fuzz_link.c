/* fuzz_link.c: github_link_next(), the rel="next" URL of a Link header. */
#include "fuzz.h"

#include "mergeletter/github/github.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *link = fuzz_cstr(data, size), *next = github_link_next(link);

	if (next) {
		/* the URL is what stood between a '<' and the first '>' after it */
		FUZZ_ASSERT(strchr(next, '>') == NULL);
		FUZZ_ASSERT(strstr(link, next) != NULL);
		free(next);
	}
	free(link);
	return 0;
}
