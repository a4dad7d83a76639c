/* check_calendar.c - the days a contact term counts: Easter, the Atw
 * holidays of several years, and due dates in days, weeks and working days. */
#include <check.h>
#include <string.h>

#include "calendar.h"

static vr_date day(const char *s)
{
	vr_date d;
	ck_assert_msg(vr_date_parse(s, strlen(s), &d), "%s", s);
	return d;
}

static const char *text(vr_date d)
{
	static char buf[11];
	vr_date_format(d, buf);
	return buf;
}

/* Easter Sunday as the published tables give it. */
START_TEST(easter_2000_to_2030_and_the_extremes)
{
	static const char *const easter[] = {
		"2000-04-23", "2001-04-15", "2002-03-31", "2003-04-20", "2004-04-11", "2005-03-27",
		"2006-04-16", "2007-04-08", "2008-03-23", "2009-04-12", "2010-04-04", "2011-04-24",
		"2012-04-08", "2013-03-31", "2014-04-20", "2015-04-05", "2016-03-27", "2017-04-16",
		"2018-04-01", "2019-04-21", "2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09",
		"2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01",
		"2030-04-21",
	};
	for (int y = 2000; y <= 2030; y++)
		ck_assert_str_eq(text(cal_easter(y)), easter[y - 2000]);
	/* The earliest and latest Easter a Gregorian year can have. */
	ck_assert_str_eq(text(cal_easter(1818)), "1818-03-22");
	ck_assert_str_eq(text(cal_easter(2285)), "2285-03-22");
	ck_assert_str_eq(text(cal_easter(1943)), "1943-04-25");
	ck_assert_str_eq(text(cal_easter(2038)), "2038-04-25");
}
END_TEST

START_TEST(weekdays)
{
	ck_assert_int_eq(cal_weekday(day("1970-01-01")), 3);   /* Thursday */
	ck_assert_int_eq(cal_weekday(day("2024-06-03")), 0);   /* Monday */
	ck_assert_int_eq(cal_weekday(day("2024-06-09")), 6);   /* Sunday */
	ck_assert_int_eq(cal_weekday(day("1969-12-31")), 2);   /* before the epoch */
	ck_assert_int_eq(cal_weekday(day("1800-01-01")), 2);
}
END_TEST

/* Every holiday of 2024, by name, and nothing else in the year. */
START_TEST(the_holidays_of_2024)
{
	static const struct { const char *day, *name; } want[] = {
		{ "2024-01-01", "Nieuwjaarsdag" },   { "2024-03-29", "Goede Vrijdag" },
		{ "2024-04-01", "Tweede Paasdag" },  { "2024-04-27", "Koningsdag" },
		{ "2024-05-05", "Bevrijdingsdag" },  { "2024-05-09", "Hemelvaartsdag" },
		{ "2024-05-20", "Tweede Pinksterdag" }, { "2024-12-25", "Eerste Kerstdag" },
		{ "2024-12-26", "Tweede Kerstdag" },
	};
	int found = 0;
	for (vr_date d = day("2024-01-01"); d <= day("2024-12-31"); d++) {
		const char *name = cal_holiday(d);
		if (!name)
			continue;
		ck_assert_int_lt(found, (int)(sizeof want / sizeof want[0]));
		ck_assert_str_eq(text(d), want[found].day);
		ck_assert_str_eq(name, want[found].name);
		found++;
	}
	ck_assert_int_eq(found, (int)(sizeof want / sizeof want[0]));
}
END_TEST

/* Koningsdag moves to the 26th when the 27th is a Sunday (2014, 2025);
 * before 2014 it was Koninginnedag, 30 April or the 29th. */
START_TEST(kings_day_on_a_sunday)
{
	ck_assert_str_eq(cal_holiday(day("2014-04-26")), "Koningsdag");
	ck_assert_ptr_null(cal_holiday(day("2014-04-27")));
	ck_assert_str_eq(cal_holiday(day("2025-04-26")), "Koningsdag");
	ck_assert_ptr_null(cal_holiday(day("2025-04-27")));
	ck_assert_str_eq(cal_holiday(day("2031-04-26")), "Koningsdag");   /* the 27th a Sunday again */
	ck_assert_str_eq(cal_holiday(day("2026-04-27")), "Koningsdag");
	ck_assert_ptr_null(cal_holiday(day("2026-04-26")));
	ck_assert_str_eq(cal_holiday(day("2013-04-30")), "Koninginnedag");
	ck_assert_str_eq(cal_holiday(day("2006-04-29")), "Koninginnedag");   /* the 30th a Sunday */
	ck_assert_ptr_null(cal_holiday(day("2006-04-30")));
	ck_assert_ptr_null(cal_holiday(day("2013-04-27")));
}
END_TEST

/* Hemelvaart is Easter + 39 and Tweede Pinksterdag Easter + 50, across years
 * whose Easter falls early and late. */
START_TEST(moving_holidays_follow_easter)
{
	static const struct { const char *ascension, *whit_monday, *good_friday; } years[] = {
		{ "2008-05-01", "2008-05-12", "2008-03-21" },   /* Easter 23 March */
		{ "2011-06-02", "2011-06-13", "2011-04-22" },   /* Easter 24 April */
		{ "2025-05-29", "2025-06-09", "2025-04-18" },
		{ "2030-05-30", "2030-06-10", "2030-04-19" },
	};
	for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
		ck_assert_str_eq(cal_holiday(day(years[i].ascension)), "Hemelvaartsdag");
		ck_assert_str_eq(cal_holiday(day(years[i].whit_monday)), "Tweede Pinksterdag");
		ck_assert_str_eq(cal_holiday(day(years[i].good_friday)), "Goede Vrijdag");
	}
	/* Easter Sunday and Whit Sunday are Sundays, not holidays of the Atw. */
	ck_assert_ptr_null(cal_holiday(day("2024-03-31")));
	ck_assert_ptr_null(cal_holiday(day("2024-05-19")));
}
END_TEST

START_TEST(working_days)
{
	ck_assert(cal_is_working_day(day("2024-06-03")));
	ck_assert(!cal_is_working_day(day("2024-06-08")));   /* Saturday */
	ck_assert(!cal_is_working_day(day("2024-06-09")));   /* Sunday */
	ck_assert(!cal_is_working_day(day("2024-05-09")));   /* Hemelvaartsdag, a Thursday */
	ck_assert(cal_is_working_day(day("2024-05-10")));    /* the Friday after: no decree counted */
}
END_TEST

/* The day of receipt does not count; the term ends on its last day. */
START_TEST(due_dates)
{
	/* Calendar days and weeks: plain addition, weekends and holidays included. */
	ck_assert_str_eq(text(cal_due(day("2024-06-03"), CAL_DAYS, 10)), "2024-06-13");
	ck_assert_str_eq(text(cal_due(day("2024-12-24"), CAL_DAYS, 2)), "2024-12-26");
	ck_assert_str_eq(text(cal_due(day("2024-06-03"), CAL_WEEKS, 4)), "2024-07-01");
	ck_assert_str_eq(text(cal_due(day("2024-02-01"), CAL_WEEKS, 4)), "2024-02-29");
	/* Working days: Friday to Wednesday over a weekend. */
	ck_assert_str_eq(text(cal_due(day("2024-06-07"), CAL_WORKING_DAYS, 3)), "2024-06-12");
	/* Received on a Saturday: Monday is the first working day. */
	ck_assert_str_eq(text(cal_due(day("2024-06-08"), CAL_WORKING_DAYS, 1)), "2024-06-10");
	/* Easter 2024: Good Friday and Easter Monday skipped. */
	ck_assert_str_eq(text(cal_due(day("2024-03-28"), CAL_WORKING_DAYS, 3)), "2024-04-04");
	/* Christmas 2024: the 25th and 26th skipped. */
	ck_assert_str_eq(text(cal_due(day("2024-12-24"), CAL_WORKING_DAYS, 3)), "2024-12-31");
	/* Koningsdag 2025 on Saturday the 26th; the 27th a Sunday. */
	ck_assert_str_eq(text(cal_due(day("2025-04-25"), CAL_WORKING_DAYS, 1)), "2025-04-28");
	/* Ascension Day 2024 (Thursday 9 May). */
	ck_assert_str_eq(text(cal_due(day("2024-05-08"), CAL_WORKING_DAYS, 1)), "2024-05-10");
	/* Over the turn of a year: Nieuwjaarsdag 2025 is a Wednesday. */
	ck_assert_str_eq(text(cal_due(day("2024-12-31"), CAL_WORKING_DAYS, 1)), "2025-01-02");
	/* The longest terms. */
	ck_assert_str_eq(text(cal_due(day("2024-01-01"), CAL_DAYS, CAL_MAX_DAYS)), "2025-01-01");
	ck_assert_str_eq(text(cal_due(day("2024-01-01"), CAL_WEEKS, CAL_MAX_WEEKS)), "2024-12-30");
	/* 2024 has 262 weekdays of which 7 are holidays (Koningsdag and 5 May
	 * fell on a weekend): 255 working days from 2 January. */
	ck_assert_str_eq(text(cal_due(day("2024-01-01"), CAL_WORKING_DAYS, 255)), "2024-12-31");
	ck_assert_int_eq(cal_max_term(CAL_WORKING_DAYS), 260);
	ck_assert_int_eq(cal_max_term(CAL_NONE), 0);
}
END_TEST

START_TEST(unit_words)
{
	ck_assert_str_eq(cal_unit_words(CAL_WORKING_DAYS, 3), "working days");
	ck_assert_str_eq(cal_unit_words(CAL_WORKING_DAYS, 1), "working day");
	ck_assert_str_eq(cal_unit_words(CAL_WEEKS, 4), "weeks");
	ck_assert_str_eq(cal_unit_words(CAL_DAYS, 1), "day");
}
END_TEST

Suite *calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("calendar");
	tcase_add_test(tc, easter_2000_to_2030_and_the_extremes);
	tcase_add_test(tc, weekdays);
	tcase_add_test(tc, the_holidays_of_2024);
	tcase_add_test(tc, kings_day_on_a_sunday);
	tcase_add_test(tc, moving_holidays_follow_easter);
	tcase_add_test(tc, working_days);
	tcase_add_test(tc, due_dates);
	tcase_add_test(tc, unit_words);
	suite_add_tcase(s, tc);
	return s;
}
