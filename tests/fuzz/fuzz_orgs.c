/* fuzz_orgs.c: an owner's repository listing from the network,
 * orgs_parse_repos() (orgs.h), for an organisation with an exclusion.
 *
 * Input: a listing page (the whole input; JSON from GitHub).
 *
 * Invariants: no crash, no leak; a refusal is an error with a message; every
 * repository kept is a valid "owner/name", pushed in the range, not the
 * excluded one, and its description (when any) a C string; the count of
 * repositories left out is never negative. */
#include "fuzz.h"

#include "mergeletter/github/orgs.h"
#include "mergeletter/model/config.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"

#define SINCE 1690848000 /* 2023-08-01 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_strv exclude = {0};
	struct ml_owner owner = {"o", 0, &exclude};
	struct ml_org_repos out = {0};
	int older = 0, skipped = 0, rc;

	FUZZ_ASSERT(strv_push(&exclude, "skip") == 0);
	rc =
	    orgs_parse_repos((const char *)data, size, &owner, SINCE, &out, &older, &skipped, &err);
	if (rc != 0)
		FUZZ_ASSERT(err.msg && err.msg[0]);
	FUZZ_ASSERT(skipped >= 0);
	for (size_t i = 0; i < out.n; i++) {
		FUZZ_ASSERT(out.v[i].repo && repo_name_valid(out.v[i].repo));
		FUZZ_ASSERT(out.v[i].pushed_at >= SINCE);
		FUZZ_ASSERT(strcasecmp(out.v[i].repo, "o/skip") != 0);
	}
	orgs_repos_release(&out);
	strv_release(&exclude);
	error_clear(&err);
	return 0;
}
