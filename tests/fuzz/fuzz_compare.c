/* fuzz_compare.c: a comparison's commits from the network to PRs,
 * compare_read_commits() (compare.h), on a compare answer's "commits".
 *
 * Input: a JSON array of commit objects (the whole input; anything else is
 * not looked at further).
 *
 * Invariants: no crash, no leak; a refusal is a network error that names
 * the repository and leaves nothing behind; each PR once, with a positive
 * number, the repository, a one-line title; every SHA asked about is one
 * of the input's commits, once. */
#include "fuzz.h"

#include <jansson.h>

#include "mergeletter/github/compare.h"
#include "mergeletter/github/github.h"
#include "mergeletter/util/error.h"

/* 1 when the array holds a commit whose "sha" is s. */
static int has_sha(json_t *commits, const char *s)
{
	size_t i;
	json_t *c;

	json_array_foreach(commits, i, c)
	{
		const char *sha = json_string_value(json_object_get(c, "sha"));

		if (sha && strcmp(sha, s) == 0)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_pr_list out = {0};
	struct ml_strv ask = {0};
	json_t *root = json_loadb((const char *)data, size, GITHUB_JSON_FLAGS, NULL);

	if (!json_is_array(root)) {
		json_decref(root);
		return 0;
	}
	if (compare_read_commits("o/r", root, &out, &ask, &err) < 0) {
		FUZZ_ASSERT(err.exit_code == ML_EXIT_NETWORK && strncmp(err.msg, "o/r: ", 5) == 0);
		FUZZ_ASSERT(out.len == 0 && ask.n == 0);
	}
	for (size_t i = 0; i < out.len; i++) {
		const struct ml_pr *pr = &out.items[i];

		FUZZ_ASSERT(pr->number > 0 && pr->repo && strcmp(pr->repo, "o/r") == 0);
		FUZZ_ASSERT(pr->title && !strchr(pr->title, '\n'));
		for (size_t k = i + 1; k < out.len; k++)
			FUZZ_ASSERT(out.items[k].number != pr->number);
	}
	for (size_t i = 0; i < ask.n; i++) {
		FUZZ_ASSERT(has_sha(root, ask.v[i]));
		for (size_t k = i + 1; k < ask.n; k++)
			FUZZ_ASSERT(strcmp(ask.v[i], ask.v[k]) != 0);
	}
	pr_list_release(&out);
	strv_release(&ask);
	error_clear(&err);
	json_decref(root);
	return 0;
}
