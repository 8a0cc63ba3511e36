/* test_buf.c: a buffer with storage is a NUL-terminated string at every moment. */
#include <stdlib.h>

#include "mergeletter/util/buf.h"
#include "testutil.h"

/* Fill and free a block of the size buf_grow() asks first, so that a grow
 * that forgot the NUL would most likely hand back these bytes (and under
 * ASan, whose fresh blocks are never zeroed, certainly garbage). */
static void dirty_heap(void)
{
	char *p = malloc(64);

	if (p) {
		memset(p, 'x', 64);
		free(p);
	}
}

static void grow_of_empty_is_the_empty_string(void)
{
	struct ml_buf b = ML_BUF_INIT;

	dirty_heap();
	CHECK(buf_grow(&b, 1) == 0);
	CHECK(b.data != NULL);
	CHECK(b.len == 0);
	CHECK_STR(b.data, "");
	buf_release(&b);

	dirty_heap();
	CHECK(buf_grow(&b, 0) == 0);
	CHECK_STR(b.data, "");
	buf_release(&b);
}

static void grow_keeps_the_string(void)
{
	struct ml_buf b = ML_BUF_INIT;

	CHECK(buf_puts(&b, "abc") == 0);
	CHECK(buf_grow(&b, 1000) == 0); /* moves the block */
	CHECK_STR(b.data, "abc");
	CHECK(b.len == 3);
	buf_release(&b);
}

static void every_append_terminates(void)
{
	struct ml_buf b = ML_BUF_INIT;

	CHECK_STR(buf_str(&b), ""); /* no storage yet */
	CHECK(buf_add(&b, "", 0) == 0);
	CHECK_STR(b.data, "");
	CHECK(buf_printf(&b, "%d-%s", 42, "x") == 0);
	CHECK_STR(b.data, "42-x");
	CHECK(buf_add(&b, "yz", 1) == 0);
	CHECK_STR(b.data, "42-xy");
	buf_setlen(&b, 2);
	CHECK_STR(b.data, "42");
	CHECK(b.len == 2);
	buf_setlen(&b, 1000); /* past the storage: clamped, still terminated */
	CHECK(b.len < b.cap);
	CHECK(b.data[b.len] == '\0');
	buf_reset(&b);
	CHECK_STR(buf_str(&b), "");
	buf_release(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	buf_setlen(&b, 5); /* no storage: nothing to set */
	CHECK(b.len == 0);
}

static void detach_of_empty_is_a_string(void)
{
	struct ml_buf b = ML_BUF_INIT;
	char *s = buf_detach(&b);

	CHECK_STR(s, "");
	free(s);
}

int main(void)
{
	RUN(grow_of_empty_is_the_empty_string);
	RUN(grow_keeps_the_string);
	RUN(every_append_terminates);
	RUN(detach_of_empty_is_a_string);
	return DONE();
}
