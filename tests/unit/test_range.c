/* test_range.c: months, dates and ISO times. */
#include <stdlib.h>

#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"
#include "testutil.h"

static void month_bounds(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range r;
	char buf[64];

	CHECK(range_from_month(&r, "2023-08", &err) == 0);
	CHECK(r.since == 1690848000); /* 2023-08-01T00:00:00Z */
	CHECK(r.until == 1693526400); /* 2023-09-01T00:00:00Z */
	CHECK_STR(range_month_label(&r, buf, sizeof buf), "August 2023");
	CHECK(range_from_month(&r, "2023-12", &err) == 0);
	range_format_iso(r.until, buf, sizeof buf);
	CHECK_STR(buf, "2024-01-01T00:00:00Z");
	CHECK(range_from_month(&r, "2024-02", &err) == 0);
	CHECK(r.until - r.since == 29 * 86400);
}

static void month_errors(void)
{
	static const char *const bad[] = {"2023-13",	"2023-00", "August",  "2023-8",
					  "2023-08-01", "",	   "20230-1", "2023-08x"};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct ml_error err = ML_ERROR_INIT;
		struct ml_range r;

		CHECK(range_from_month(&r, bad[i], &err) < 0);
		CHECK(err.exit_code == ML_EXIT_USAGE);
		CHECK(err.msg && strstr(err.msg, "--month"));
		error_clear(&err);
	}
}

static void previous_month(void)
{
	struct ml_range r;

	range_previous_month(&r, 1693958400); /* 2023-09-06 */
	CHECK(r.year == 2023 && r.month == 8);
	range_previous_month(&r, 1704067200 + 5); /* 2024-01-01 */
	CHECK(r.year == 2023 && r.month == 12);
}

static void iso_times(void)
{
	int64_t t;

	CHECK(range_parse_time("2023-08-31T23:59:59Z", &t) == 0 && t == 1693526399);
	CHECK(range_parse_time("2023-09-01T02:00:00+02:00", &t) == 0 && t == 1693526400);
	CHECK(range_parse_time("2023-08-31T19:00:00-0500", &t) == 0 && t == 1693526400);
	CHECK(range_parse_time("2023-08-31T23:59:59.123Z", &t) == 0 && t == 1693526399);
	CHECK(range_parse_time("2023-09-01", &t) == 0 && t == 1693526400);
	CHECK(range_parse_time("2023-02-29", &t) < 0);
	CHECK(range_parse_time("2023-08-31T23:59:59", &t) < 0); /* no zone */
	CHECK(range_parse_time("2023-08-31T24:00:00Z", &t) < 0);
	CHECK(range_parse_time(NULL, &t) < 0);
	CHECK(range_parse_time("1969-12-31T23:59:59Z", &t) < 0);      /* before the epoch */
	CHECK(range_parse_time("0000-01-01T00:00:00+23:59", &t) < 0); /* found by fuzz_range */
	CHECK(range_parse_time("1970-01-01T00:00:00Z", &t) == 0 && t == 0);
}

static void bounds(void)
{
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range r;

	CHECK(range_from_bounds(&r, "2023-08-01", "2023-09-01", &err) == 0);
	CHECK(r.month == 8 && r.year == 2023); /* a whole month counts as that month */
	CHECK(range_contains(&r, 1690848000) && !range_contains(&r, 1693526400));
	CHECK(range_from_bounds(&r, "2023-08-01", "2023-08-15T12:00:00Z", &err) == 0);
	CHECK(r.month == 0);
	CHECK(range_from_bounds(&r, "2023-08-15", "2023-08-01", &err) < 0);
	CHECK(err.exit_code == ML_EXIT_USAGE);
	error_clear(&err);
	setenv("SOURCE_DATE_EPOCH", "1693958400", 1);		     /* 2023-09-06 */
	CHECK(range_from_bounds(&r, "2023-08-15", NULL, &err) == 0); /* --since alone: until now */
	CHECK(r.since == 1692057600 && r.until == 1693958401 && r.month == 0);
	CHECK(range_from_bounds(&r, "2023-09-07", NULL, &err) < 0); /* after now */
	CHECK(err.msg && strstr(err.msg, "now"));
	error_clear(&err);
	CHECK(range_from_bounds(&r, NULL, "2023-09-01", &err) < 0);
	CHECK(err.msg && strstr(err.msg, "--until needs --since"));
	error_clear(&err);
	unsetenv("SOURCE_DATE_EPOCH");
	CHECK(range_from_bounds(&r, "yesterday", "2023-09-01", &err) < 0);
	CHECK(err.msg && strstr(err.msg, "--since"));
	error_clear(&err);
}

int main(void)
{
	RUN(month_bounds);
	RUN(month_errors);
	RUN(previous_month);
	RUN(iso_times);
	RUN(bounds);
	return DONE();
}
