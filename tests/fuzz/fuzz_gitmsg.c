/* fuzz_gitmsg.c: gitmsg_parse(), a commit message as the git
 * source reads it (merge and squash subjects, titles, Co-authored-by),
 * and the address and remote-URL helpers on the same text. */
#include "fuzz.h"

#include "mergeletter/git/gitmsg.h"
#include "mergeletter/git/gitsource.h"
#include "mergeletter/model/config.h"
#include "mergeletter/model/pr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = fuzz_cstr(data, size), *s;
	struct ml_git_message m;

	FUZZ_ASSERT(gitmsg_parse(&m, msg) == 0);
	if (m.number > 0) {
		FUZZ_ASSERT(m.title && *m.title && !strchr(m.title, '\n'));
		FUZZ_ASSERT(m.merge == (m.from != NULL));
		if (m.from)
			FUZZ_ASSERT(m.from >= msg && m.from + m.fromlen <= msg + strlen(msg));
		for (size_t i = 0; i < m.coauthors.n; i++)
			FUZZ_ASSERT(pr_login_valid(m.coauthors.v[i], strlen(m.coauthors.v[i])));
	} else {
		FUZZ_ASSERT(!m.title && m.coauthors.n == 0);
	}
	gitmsg_release(&m);
	if ((s = gitmsg_noreply_login(msg))) {
		FUZZ_ASSERT(pr_login_valid(s, strlen(s)));
		free(s);
	}
	if ((s = gitsource_repo_from_url(msg))) {
		FUZZ_ASSERT(repo_name_valid(s));
		free(s);
	}
	free(msg);
	return 0;
}
