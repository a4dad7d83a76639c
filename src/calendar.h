/* calendar.h - the days a contact term counts: weekdays, the Dutch public
 * holidays of the Algemene termijnenwet (Atw), Easter, and the due date of a
 * term of days, weeks or working days counted from a day.
 *
 * Holidays are those of Atw art. 3: lid 1 names Nieuwjaarsdag, the second
 * Easter and Whit days (Tweede Paasdag, Tweede Pinksterdag), both Christmas
 * days, Hemelvaartsdag, the day the King's birthday is celebrated
 * (Koningsdag) and 5 May; lid 2 adds Goede Vrijdag. The days a royal decree
 * adds for a few years under lid 3 (such as the Friday after Ascension Day)
 * are not included: a term then ends a working day early, never late. */
#ifndef VROEG_CALENDAR_H
#define VROEG_CALENDAR_H

#include <stdbool.h>

#include "types.h"

/* What a contact term counts. */
enum cal_unit {
	CAL_NONE,           /* no term */
	CAL_DAYS,           /* calendar days: plain addition */
	CAL_WEEKS,          /* weeks of 7 calendar days */
	CAL_WORKING_DAYS,   /* days that are not a Saturday, Sunday or holiday */
	CAL_UNIT_COUNT
};

/* The longest term of each unit, about a year (docs/language.md, "Limits"). */
enum { CAL_MAX_DAYS = 366, CAL_MAX_WEEKS = 52, CAL_MAX_WORKING_DAYS = 260 };

/* The longest term of unit U (0 for CAL_NONE). */
int cal_max_term(enum cal_unit u);

/* The unit's words in a policy, for N of it: "working days", "week", ... */
const char *cal_unit_words(enum cal_unit u, int n);

/* Easter Sunday of YEAR (Gregorian; the anonymous algorithm of 1876). */
vr_date cal_easter(int year);

/* 0 Monday .. 6 Sunday. */
int cal_weekday(vr_date d);

/* The Dutch name of the Atw holiday on D ("Tweede Paasdag"), or NULL. */
const char *cal_holiday(vr_date d);

/* Neither a Saturday, a Sunday nor a holiday. */
bool cal_is_working_day(vr_date d);

/* The last day of a term of N units that starts the day after FROM (the day
 * the signal was received does not count): FROM + N days, FROM + 7N days,
 * or the Nth working day after FROM. N is 1 .. cal_max_term(U). */
vr_date cal_due(vr_date from, enum cal_unit u, int n);

#endif
