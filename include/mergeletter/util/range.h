/*
 * range.h: dates and the half-open UTC time range [since, until).
 */
#ifndef MERGELETTER_RANGE_H
#define MERGELETTER_RANGE_H

#include <stdint.h>
#include <time.h>

struct ml_error;

struct ml_range {
	int64_t since; /* inclusive, seconds since the epoch, UTC */
	int64_t until; /* exclusive */
	int year;      /* the calendar month when the range is one month, else 0 */
	int month;     /* 1..12, or 0 */
};

/* "YYYY-MM" to the whole month in UTC. */
int range_from_month(struct ml_range *r, const char *month, struct ml_error *err);
/* The calendar month before the one that contains `now`. */
void range_previous_month(struct ml_range *r, int64_t now);
/* --since/--until: "YYYY-MM-DD" (midnight UTC) or full ISO 8601 times;
 * until NULL: until now (range_now()). */
int range_from_bounds(struct ml_range *r, const char *since, const char *until,
		      struct ml_error *err);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)". 0 or -1. */
int range_parse_time(const char *s, int64_t *out);
/* 1 when t lies in [since, until). */
int range_contains(const struct ml_range *r, int64_t t);
/* "August 2023" (month ranges), else "A to B", into out; returns out. */
const char *range_month_label(const struct ml_range *r, char *out, size_t outlen);
/* "2023-08-31T23:59:59Z" */
void range_format_iso(int64_t t, char *out, size_t outlen);
/* "2023-08-31" */
void range_format_date(int64_t t, char *out, size_t outlen);
/* The draft's date: SOURCE_DATE_EPOCH when set and valid, else now. */
int64_t range_now(void);

#endif
