/* fuzz_range.c: range_parse_time(), range_from_month() and
 * range_from_bounds() (input: "SINCE\nUNTIL"), with round trips through
 * the formatters. */
#include "fuzz.h"

#include "mergeletter/util/error.h"
#include "mergeletter/util/range.h"

#define YEAR0 (-62167219200LL)	 /* 0000-01-01T00:00:00Z */
#define YEAR10000 253402300800LL /* 10000-01-01T00:00:00Z */

/* What range_format_iso() and range_format_date() print parses back. */
static void round_trip(int64_t t)
{
	char iso[64], date[32];
	int64_t back;

	if (t < YEAR0 || t >= YEAR10000)
		return;
	range_format_iso(t, iso, sizeof iso);
	FUZZ_ASSERT(range_parse_time(iso, &back) == 0 && back == t);
	range_format_date(t, date, sizeof date);
	FUZZ_ASSERT(range_parse_time(date, &back) == 0 && back <= t && t - back < 86400);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *nl = strchr(s, '\n'), label[96];
	struct ml_error err = ML_ERROR_INIT;
	struct ml_range r;
	int64_t t;

	if (range_parse_time(s, &t) == 0)
		round_trip(t);
	if (range_from_month(&r, s, &err) == 0) {
		FUZZ_ASSERT(r.since < r.until && r.month >= 1 && r.month <= 12);
		round_trip(r.since);
		range_month_label(&r, label, sizeof label);
	} else {
		FUZZ_ASSERT(err.exit_code == ML_EXIT_USAGE && err.msg);
	}
	error_clear(&err);
	if (nl) {
		*nl = '\0';
		if (range_from_bounds(&r, s, nl + 1, &err) == 0) {
			FUZZ_ASSERT(r.since < r.until);
			FUZZ_ASSERT(range_contains(&r, r.since) && !range_contains(&r, r.until));
			range_month_label(&r, label, sizeof label);
		} else {
			FUZZ_ASSERT(err.exit_code == ML_EXIT_USAGE && err.msg);
		}
		error_clear(&err);
	}
	free(s);
	return 0;
}
