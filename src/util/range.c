/* range.c: months, dates and ISO 8601 times to a UTC half-open range. */
#include "mergeletter/util/range.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mergeletter/util/error.h"

static const char *const month_names[] = {
    "January", "February", "March",	"April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* Seconds since the epoch of a UTC calendar time (fields may overflow:
 * timegm() normalises them, so a 60th second is the next minute's first). */
static int64_t utc_time(int y, int mo, int d, int h, int mi, int sec)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm);
}

/* The UTC calendar time of t; 0, or -1 when it cannot be represented. */
static int utc_fields(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	return gmtime_r(&tt, tm) ? 0 : -1;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

/* Read exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int64_t month_start(int y, int m)
{
	return utc_time(y, m, 1, 0, 0, 0);
}

static void set_month(struct ml_range *r, int y, int m)
{
	r->year = y;
	r->month = m;
	r->since = month_start(y, m);
	r->until = m == 12 ? month_start(y + 1, 1) : month_start(y, m + 1);
}

int range_from_month(struct ml_range *r, const char *s, struct ml_error *err)
{
	const char *p = s;
	int y, m;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &m) < 0 || *p || m < 1 ||
	    m > 12 || y < 1970)
		return error_set(err, ML_EXIT_USAGE,
				 "invalid --month '%s'; use YYYY-MM, e.g. --month 2023-08", s);
	set_month(r, y, m);
	return 0;
}

void range_previous_month(struct ml_range *r, int64_t now)
{
	struct tm tm;
	int y, m;

	if (utc_fields(now, &tm) < 0)
		utc_fields(0, &tm);
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	if (--m == 0) {
		m = 12;
		y--;
	}
	set_month(r, y, m);
}

int range_parse_time(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	int64_t t;

	if (!s || digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (digits(&p, 2, &oh) < 0)
				return -1;
			if (*p == ':')
				p++;
			if (digits(&p, 2, &om) < 0 || oh > 23 || om > 59)
				return -1;
		} else {
			return -1; /* a time without a zone is ambiguous */
		}
	}
	if (*p)
		return -1;
	t = utc_time(y, mo, d, h, mi, sec) - sign * (oh * 3600 + om * 60);
	if (t < 0)
		return -1; /* before 1970: no merge, and not a time the formatters print */
	*out = t;
	return 0;
}

int range_from_bounds(struct ml_range *r, const char *since, const char *until,
		      struct ml_error *err)
{
	int64_t a, b;

	if (!since)
		return error_set(err, ML_EXIT_USAGE,
				 "--until needs --since; give both, or use --month");
	if (range_parse_time(since, &a) < 0)
		return error_set(err, ML_EXIT_USAGE,
				 "invalid --since '%s'; use YYYY-MM-DD or an ISO 8601 time such as "
				 "2023-08-01T00:00:00Z",
				 since);
	if (!until)
		b = range_now() + 1; /* until now, this second included */
	else if (range_parse_time(until, &b) < 0)
		return error_set(err, ML_EXIT_USAGE,
				 "invalid --until '%s'; use YYYY-MM-DD or an ISO 8601 time such as "
				 "2023-09-01T00:00:00Z",
				 until);
	if (b <= a)
		return error_set(err, ML_EXIT_USAGE,
				 "--until '%s' is not after --since '%s'; --since is inclusive, "
				 "--until exclusive",
				 until ? until : "now", since);
	r->since = a;
	r->until = b;
	r->year = r->month = 0;
	/* A range that is exactly one calendar month counts as that month. */
	{
		struct tm tm;
		int y, m;

		if (utc_fields(a, &tm) == 0 && a % 86400 == 0 && tm.tm_mday == 1) {
			y = tm.tm_year + 1900;
			m = tm.tm_mon + 1;
			if (b == (m == 12 ? month_start(y + 1, 1) : month_start(y, m + 1))) {
				r->year = y;
				r->month = m;
			}
		}
	}
	return 0;
}

int range_contains(const struct ml_range *r, int64_t t)
{
	return t >= r->since && t < r->until;
}

const char *range_month_label(const struct ml_range *r, char *out, size_t outlen)
{
	if (r->month >= 1 && r->month <= 12)
		snprintf(out, outlen, "%s %d", month_names[r->month - 1], r->year);
	else {
		char a[16], b[16];

		range_format_date(r->since, a, sizeof a);
		range_format_date(r->until - 1, b, sizeof b);
		snprintf(out, outlen, "%s to %s", a, b);
	}
	return out;
}

/* t as an ISO date (and time), or zeros when t is out of the calendar. */
static void format_utc(int64_t t, int with_time, char *out, size_t outlen)
{
	struct tm tm;
	size_t n = 0;

	if (utc_fields(t, &tm) == 0 && tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999)
		n = with_time ? strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm)
			      : strftime(out, outlen, "%Y-%m-%d", &tm);
	if (n == 0)
		snprintf(out, outlen, "%s", with_time ? "0000-00-00T00:00:00Z" : "0000-00-00");
}

void range_format_iso(int64_t t, char *out, size_t outlen)
{
	format_utc(t, 1, out, outlen);
}

void range_format_date(int64_t t, char *out, size_t outlen)
{
	format_utc(t, 0, out, outlen);
}

int64_t range_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");

	if (s && *s) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && !*end && v >= 0)
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}
