/* test_str.c: the string helpers; the case-insensitive string map. */
#include <stdio.h>
#include <stdlib.h>

#include "mergeletter/util/str.h"
#include "testutil.h"

static void strmap(void)
{
	struct ml_strmap m = {0};
	static char keys[5000][16];
	int values[5000];

	CHECK(strmap_get(&m, "absent") == NULL);
	for (int i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof keys[i], "Owner/Repo-%d", i);
		values[i] = i;
		CHECK(strmap_put(&m, keys[i], &values[i]) == 0);
	}
	CHECK(m.n == 5000 && m.cap >= 10000);
	CHECK(strmap_get(&m, "owner/repo-4242") == &values[4242]); /* any case */
	CHECK(strmap_get(&m, "OWNER/REPO-0") == &values[0]);
	CHECK(strmap_get(&m, "owner/repo-5000") == NULL);
	CHECK(strmap_put(&m, "OWNER/repo-7", &values[1]) == 0); /* replaces */
	CHECK(m.n == 5000 && strmap_get(&m, "owner/repo-7") == &values[1]);
	strmap_release(&m);
	CHECK(m.n == 0 && strmap_get(&m, "owner/repo-7") == NULL);
}

int main(void)
{
	RUN(strmap);
	return DONE();
}
