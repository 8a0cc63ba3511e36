/* fuzz_search.c: search_parse(), one page of GET /search/issues. */
#include "fuzz.h"

#include "mergeletter/github/search.h"
#include "mergeletter/model/config.h"
#include "mergeletter/util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* August 2023, the month of the seeds */
	const struct ml_range range = {1690848000, 1693526400, 2023, 8};
	struct ml_pr_list out = {0};
	struct ml_error err = ML_ERROR_INIT;
	long total = -1;
	int incomplete = -1;

	if (search_parse((const char *)data, size, &range, &out, &total, &incomplete, &err) == 0) {
		FUZZ_ASSERT(err.msg == NULL && (incomplete == 0 || incomplete == 1));
		for (size_t i = 0; i < out.len; i++) {
			const struct ml_pr *pr = &out.items[i];

			FUZZ_ASSERT(pr->number > 0 && pr->title && pr->author);
			FUZZ_ASSERT(pr->repo && repo_name_valid(pr->repo));
			FUZZ_ASSERT(range_contains(&range, pr->merged_at));
		}
	} else {
		FUZZ_ASSERT(err.msg != NULL && err.exit_code != ML_EXIT_OK);
	}
	pr_list_release(&out);
	error_clear(&err);
	return 0;
}
