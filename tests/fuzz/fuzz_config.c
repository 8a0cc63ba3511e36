/* fuzz_config.c: config_parse(), the JSON config loader (file:line errors,
 * unknown-key warnings, maintainers' months, title patterns). */
#include "fuzz.h"

#include "mergeletter/model/config.h"
#include "mergeletter/util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ml_config cfg;
	struct ml_error err = ML_ERROR_INIT;
	char *text = fuzz_cstr(data, size); /* config_load() hands over text NUL-terminated */

	if (config_parse(&cfg, text, size, "fuzz/config.json", &err) == 0) {
		FUZZ_ASSERT(err.msg == NULL);
		FUZZ_ASSERT(cfg.nsections > 0);
		for (size_t i = 0; i < cfg.nsections; i++) {
			FUZZ_ASSERT(cfg.sections[i].heading != NULL);
			for (size_t j = 0; j < cfg.sections[i].nrepos; j++) {
				const struct ml_repo_cfg *rc = &cfg.sections[i].repos[j];

				FUZZ_ASSERT(rc->repo || rc->git);
				FUZZ_ASSERT(!rc->repo || repo_name_valid(rc->repo));
			}
		}
		config_release(&cfg);
	} else {
		FUZZ_ASSERT(err.msg != NULL && err.exit_code != ML_EXIT_OK);
		FUZZ_ASSERT(strncmp(err.msg, "fuzz/config.json", 16) == 0 ||
			    strcmp(err.msg, "out of memory") == 0);
	}
	error_clear(&err);
	free(text);
	return 0;
}
