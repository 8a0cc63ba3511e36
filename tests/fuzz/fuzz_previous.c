/* fuzz_previous.c: reading a published issue back, previous_parse(), and
 * previous_merge() of what it read into a config, twice.
 *
 * Input: the previous issue's markdown (the whole input).
 *
 * Invariants: no crash, no leak; the parse refuses only a text holding a
 * NUL byte (a usage error);
 * every section it read has a heading and every repository a valid
 * "owner/name" and valid maintainers' logins; the merge keeps every
 * repository of the config, in its place, with each repository once; a
 * second merge of the same issue changes nothing the first did not. */
#include "fuzz.h"

#include "mergeletter/document/previous.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/pr.h"
#include "mergeletter/util/error.h"

static const char config_json[] =
    "{ \"title\": \"This Month in Example\", \"sections\": [\n"
    "  { \"heading\": \"`ex` Projects\", \"intro\": \"Ours.\", \"repos\": [\n"
    "    { \"repo\": \"ex/a\", \"maintainers\": [\"m\"] }, { \"repo\": \"ex/b\" } ] },\n"
    "  { \"heading\": \"Other Projects\", \"repos\": [ { \"repo\": \"other/c\" } ] } ] }\n";

static size_t total_repos(const struct ml_config *c)
{
	size_t n = 0;

	for (size_t s = 0; s < c->nsections; s++)
		n += c->sections[s].nrepos;
	return n;
}

/* Each repository once (case as GitHub treats names: insensitive). */
static void check_once(const struct ml_config *c)
{
	for (size_t s = 0; s < c->nsections; s++)
		for (size_t r = 0; r < c->sections[s].nrepos; r++)
			for (size_t t = s; t < c->nsections; t++)
				for (size_t q = t == s ? r + 1 : 0; q < c->sections[t].nrepos; q++)
					FUZZ_ASSERT(strcasecmp(c->sections[s].repos[r].repo,
							       c->sections[t].repos[q].repo) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_config prev, cfg, again;
	size_t n;

	memset(&prev, 0, sizeof prev);
	memset(&cfg, 0, sizeof cfg);
	memset(&again, 0, sizeof again);
	if (previous_parse(&prev, (const char *)data, size, "prev.md", NULL, &err) < 0) {
		/* refused: only a text holding a NUL byte, with a usage error */
		FUZZ_ASSERT(memchr(data, '\0', size) && err.exit_code == ML_EXIT_USAGE);
		error_clear(&err);
		return 0;
	}
	for (size_t s = 0; s < prev.nsections; s++) {
		FUZZ_ASSERT(prev.sections[s].heading && prev.sections[s].heading[0]);
		for (size_t r = 0; r < prev.sections[s].nrepos; r++) {
			const struct ml_repo_cfg *rc = &prev.sections[s].repos[r];

			FUZZ_ASSERT(rc->repo && repo_name_valid(rc->repo));
			for (size_t m = 0; m < rc->nmaintainers; m++)
				FUZZ_ASSERT(pr_login_valid(rc->maintainers[m].login,
							   strlen(rc->maintainers[m].login)));
		}
	}
	check_once(&prev);
	FUZZ_ASSERT(config_parse(&cfg, config_json, strlen(config_json), "c.json", &err) == 0);
	FUZZ_ASSERT(config_parse(&again, config_json, strlen(config_json), "c.json", &err) == 0);
	FUZZ_ASSERT(previous_merge(&cfg, &prev, &err) == 0);
	check_once(&cfg);
	/* the config's own repositories stay first in their sections */
	FUZZ_ASSERT(cfg.nsections >= 2 && cfg.sections[0].nrepos >= 2);
	FUZZ_ASSERT(strcmp(cfg.sections[0].repos[0].repo, "ex/a") == 0);
	FUZZ_ASSERT(strcmp(cfg.sections[0].repos[1].repo, "ex/b") == 0);
	FUZZ_ASSERT(strcmp(cfg.sections[1].repos[0].repo, "other/c") == 0);
	n = total_repos(&cfg);
	/* merged twice: the same repositories */
	FUZZ_ASSERT(previous_merge(&again, &prev, &err) == 0);
	FUZZ_ASSERT(previous_merge(&again, &prev, &err) == 0);
	FUZZ_ASSERT(total_repos(&again) == n && again.nsections == cfg.nsections);
	config_release(&prev);
	config_release(&cfg);
	config_release(&again);
	error_clear(&err);
	return 0;
}
