/* fuzz_pulls.c: github_parse_pulls(), one page of GET /repos/{o}/{r}/pulls,
 * and github_api_message() on the same body. */
#include "fuzz.h"

#include "mergeletter/github/github.h"
#include "mergeletter/util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* August 2023, the month of the seeds */
	const struct ml_range range = {1690848000, 1693526400, 2023, 8};
	struct ml_pr_list out = {0};
	struct ml_error err = ML_ERROR_INIT;
	const char *body = (const char *)data;
	int older = -1;
	char *msg;

	if (github_parse_pulls(body, size, "octo/repo", &range, &out, &older, &err) == 0) {
		FUZZ_ASSERT(err.msg == NULL && (older == 0 || older == 1));
		for (size_t i = 0; i < out.len; i++) {
			const struct ml_pr *pr = &out.items[i];

			FUZZ_ASSERT(pr->number > 0 && pr->title && pr->author);
			FUZZ_ASSERT(pr->repo && strcmp(pr->repo, "octo/repo") == 0);
			FUZZ_ASSERT(range_contains(&range, pr->merged_at));
		}
	} else {
		FUZZ_ASSERT(err.msg != NULL && err.exit_code != ML_EXIT_OK);
	}
	pr_list_release(&out);
	error_clear(&err);
	msg = github_api_message(body, size);
	FUZZ_ASSERT(msg != NULL);
	free(msg);
	return 0;
}
