/* calendar.c - weekdays, Atw holidays and due dates (calendar.h). Dates are
 * days since 1970-01-01, a Thursday; nothing depends on the locale or the
 * time zone. Easter uses the anonymous Gregorian algorithm (Meeus/Jones/
 * Butcher), exact for every Gregorian year. */
#include "calendar.h"

int cal_max_term(enum cal_unit u)
{
	switch (u) {
	case CAL_DAYS: return CAL_MAX_DAYS;
	case CAL_WEEKS: return CAL_MAX_WEEKS;
	case CAL_WORKING_DAYS: return CAL_MAX_WORKING_DAYS;
	case CAL_NONE: case CAL_UNIT_COUNT: break;
	}
	return 0;
}

const char *cal_unit_words(enum cal_unit u, int n)
{
	switch (u) {
	case CAL_DAYS: return n == 1 ? "day" : "days";
	case CAL_WEEKS: return n == 1 ? "week" : "weeks";
	case CAL_WORKING_DAYS: return n == 1 ? "working day" : "working days";
	case CAL_NONE: case CAL_UNIT_COUNT: break;
	}
	return "";
}

vr_date cal_easter(int year)
{
	const int a = year % 19, b = year / 100, c = year % 100;
	const int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	const int h = (19 * a + b - d - g + 15) % 30;
	const int i = c / 4, k = c % 4;
	const int l = (32 + 2 * e + 2 * i - h - k) % 7;
	const int m = (a + 11 * h + 22 * l) / 451;
	const int month = (h + l - 7 * m + 114) / 31;
	const int day = (h + l - 7 * m + 114) % 31 + 1;
	return vr_date_from_ymd(year, month, day);
}

int cal_weekday(vr_date d)
{
	/* 1970-01-01 was a Thursday (3); dates before it count back. */
	const int w = (int)((d + 3) % 7);
	return w < 0 ? w + 7 : w;
}

/* The day the King's (before 2014 the Queen's) birthday is celebrated:
 * 27 April, or the 26th when the 27th is a Sunday; before 2014, 30 April,
 * or the 29th when that is a Sunday (from 1980; before, 1 May). */
static vr_date kings_day(int year)
{
	if (year >= 2014) {
		const vr_date d = vr_date_from_ymd(year, 4, 27);
		return cal_weekday(d) == 6 ? d - 1 : d;
	}
	const vr_date d = vr_date_from_ymd(year, 4, 30);
	if (cal_weekday(d) != 6)
		return d;
	return year >= 1980 ? d - 1 : d + 1;
}

const char *cal_holiday(vr_date d)
{
	int y, m, day;
	vr_date_to_ymd(d, &y, &m, &day);
	if (m == 1 && day == 1)
		return "Nieuwjaarsdag";
	if (m == 5 && day == 5)
		return "Bevrijdingsdag";
	if (m == 12 && day == 25)
		return "Eerste Kerstdag";
	if (m == 12 && day == 26)
		return "Tweede Kerstdag";
	if (m == 4 || m == 5) {
		if (d == kings_day(y))
			return y >= 2014 ? "Koningsdag" : "Koninginnedag";
	}
	/* The days that move with Easter fall between 20 March and 14 June. */
	if (m < 3 || m > 6)
		return NULL;
	const vr_date easter = cal_easter(y);
	if (d == easter - 2)
		return "Goede Vrijdag";
	if (d == easter + 1)
		return "Tweede Paasdag";
	if (d == easter + 39)
		return "Hemelvaartsdag";
	if (d == easter + 50)
		return "Tweede Pinksterdag";
	return NULL;
}

bool cal_is_working_day(vr_date d)
{
	return cal_weekday(d) < 5 && !cal_holiday(d);
}

vr_date cal_due(vr_date from, enum cal_unit u, int n)
{
	switch (u) {
	case CAL_DAYS:
		return from + n;
	case CAL_WEEKS:
		return from + 7 * n;
	case CAL_WORKING_DAYS: {
		vr_date d = from;
		for (int left = n; left > 0;)
			if (cal_is_working_day(++d))
				left--;
		return d;
	}
	case CAL_NONE: case CAL_UNIT_COUNT:
		break;
	}
	return from;
}
