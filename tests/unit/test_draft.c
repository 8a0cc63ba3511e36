/* test_draft.c: the draft model's check of what the emitters will escape. */
#include <stdlib.h>
#include <string.h>

#include "mergeletter/model/draft.h"
#include "mergeletter/util/error.h"
#include "mergeletter/util/str.h"
#include "testutil.h"

static void add(struct ml_draft_repo *r, long n, const char *author, int bump)
{
	struct ml_pr *pr = pr_list_add(&r->prs);

	pr->repo = ml_strdup(r->info.repo);
	pr->number = n;
	pr->title = ml_strdup("t");
	pr->author = ml_strdup(author);
	pr->is_bump = bump;
}

static void check_logins(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_strv w = {0};
	struct ml_repo_cfg rc;
	struct ml_range range;
	struct ml_draft d;
	struct ml_draft_repo *r;

	memset(&rc, 0, sizeof rc);
	rc.repo = "o/r";
	rc.maintainers_known = 1;
	range_from_month(&range, "2023-08", &err);
	CHECK(draft_single(&d, &rc, &range, &err) == 0);
	r = &d.sections[0].repos[0];
	add(r, 1, "fine-login", 0);
	add(r, 2, "x)<img src=x>", 0);
	add(r, 3, "evil\n## Heading\x1b[31m", 0);
	add(r, 4, "x)<img src=x>", 0); /* once per repository */
	add(r, 5, "hidden bump author", 1);
	add(r, 6, "Bot[bot]", 0);
	CHECK(draft_check(&d, &w) == 0);
	CHECK(w.n == 2);
	if (w.n == 2) {
		CHECK_STR(w.v[0], "o/r: login \"x)<img src=x>\" is not a valid GitHub login; the "
				  "thanks line shows it as plain text, without a link");
		CHECK_STR(w.v[1],
			  "o/r: login \"evil\\x0A## Heading\\x1B[31m\" is not a valid GitHub "
			  "login; the thanks line shows it as plain text, without a link");
	}
	strv_release(&w);
	/* kept bumps are thanked, so their authors are checked too */
	d.deps_mode = ML_DEPS_KEEP;
	CHECK(draft_check(&d, &w) == 0);
	CHECK(w.n == 3);
	strv_release(&w);
	draft_release(&d);
}

int main(void)
{
	RUN(check_logins);
	return DONE();
}
