/* check_types.c - dates, months, ages and money text: the domain types every
 * decision rests on. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "types.h"

START_TEST(date_parse_accepts_real_days_only)
{
	vr_date d;
	ck_assert(vr_date_parse("2024-02-29", 10, &d));
	ck_assert(!vr_date_parse("2023-02-29", 10, &d));
	ck_assert(!vr_date_parse("2024-13-01", 10, &d));
	ck_assert(!vr_date_parse("2024-04-31", 10, &d));
	ck_assert(!vr_date_parse("2024-4-01", 9, &d));
	ck_assert(!vr_date_parse("2024/04/01", 10, &d));
	ck_assert(vr_date_parse("1970-01-01", 10, &d));
	ck_assert_int_eq(d, 0);
	char buf[11];
	vr_date_parse("2000-12-31", 10, &d);
	vr_date_format(d, buf);
	ck_assert_str_eq(buf, "2000-12-31");
}
END_TEST

START_TEST(months_round_trip)
{
	vr_month m;
	ck_assert(vr_month_parse("2024-01", 7, &m));
	char buf[8];
	vr_month_format(m - 1, buf);
	ck_assert_str_eq(buf, "2023-12");
	ck_assert(!vr_month_parse("2024-00", 7, &m));
	vr_date d;
	vr_date_parse("2024-01-31", 10, &d);
	ck_assert_int_eq(vr_month_of(d), m);
}
END_TEST

START_TEST(age_counts_whole_years_on_the_day)
{
	vr_date birth, day;
	vr_date_parse("2006-03-01", 10, &birth);
	vr_date_parse("2024-03-01", 10, &day);
	ck_assert_int_eq(vr_age_on(birth, day), 18);
	vr_date_parse("2006-03-02", 10, &birth);
	ck_assert_int_eq(vr_age_on(birth, day), 17);
	vr_date_parse("2004-02-29", 10, &birth);
	vr_date_parse("2023-02-28", 10, &day);
	ck_assert_int_eq(vr_age_on(birth, day), 18);
	ck_assert(vr_age_on(VR_DATE_NONE, day) == VR_MISSING);
}
END_TEST

START_TEST(cents_parse_both_dialects_exactly)
{
	cents_t c;
	ck_assert(vr_cents_parse("212.85", 6, false, &c));
	ck_assert_int_eq(c, 21285);
	ck_assert(vr_cents_parse("212,85", 6, true, &c));
	ck_assert_int_eq(c, 21285);
	ck_assert(!vr_cents_parse("212,85", 6, false, &c));
	ck_assert(vr_cents_parse("575", 3, false, &c));
	ck_assert_int_eq(c, 57500);
	ck_assert(vr_cents_parse("0.1", 3, false, &c));
	ck_assert_int_eq(c, 10);
	ck_assert(!vr_cents_parse("1.234", 5, false, &c));
	ck_assert(!vr_cents_parse("-1", 2, false, &c));
	ck_assert(!vr_cents_parse("1.", 2, false, &c));
	ck_assert(!vr_cents_parse("", 0, false, &c));
	ck_assert(!vr_cents_parse("99999999999999999999", 20, false, &c));
	ck_assert(vr_cents_parse("\xe2\x82\xac" "575", 6, false, &c));
	ck_assert_int_eq(c, 57500);
	ck_assert(vr_cents_parse("EUR 575.50", 10, false, &c));
	ck_assert_int_eq(c, 57550);
	char buf[24];
	vr_cents_format(5, buf);
	ck_assert_str_eq(buf, "0.05");
	vr_cents_format(-123456, buf);
	ck_assert_str_eq(buf, "-1234.56");
}
END_TEST

/* An amount beyond the maximum is told apart from text that is no amount,
 * however many digits it has; the maximum itself is an amount. */
START_TEST(amounts_past_the_maximum_are_too_large_not_malformed)
{
	cents_t c = -1;
	ck_assert_int_eq(vr_amount_parse("1000000000.00", 13, false, VR_CENTS_MAX, &c), VR_AMOUNT_OK);
	ck_assert_int_eq(c, VR_CENTS_MAX);
	ck_assert_int_eq(vr_amount_parse("1000000000,00", 13, true, VR_CENTS_MAX, &c), VR_AMOUNT_OK);
	ck_assert_int_eq(vr_amount_parse("1000000000.01", 13, false, VR_CENTS_MAX, &c), VR_AMOUNT_TOO_LARGE);
	ck_assert_int_eq(vr_amount_parse("1000000001", 10, false, VR_CENTS_MAX, &c), VR_AMOUNT_TOO_LARGE);
	ck_assert_int_eq(vr_amount_parse("92233720368547749.99", 20, false, VR_CENTS_MAX, &c), VR_AMOUNT_TOO_LARGE);
	ck_assert_int_eq(vr_amount_parse("99999999999999999999999999.5", 28, false, VR_CENTS_MAX, &c),
			 VR_AMOUNT_TOO_LARGE);
	ck_assert_int_eq(vr_amount_parse("EUR 2000000000", 14, false, VR_CENTS_MAX, &c), VR_AMOUNT_TOO_LARGE);
	/* still no amount, whatever its size */
	ck_assert_int_eq(vr_amount_parse("99999999999.999", 15, false, VR_CENTS_MAX, &c), VR_AMOUNT_BAD);
	ck_assert_int_eq(vr_amount_parse("9999999999x", 11, false, VR_CENTS_MAX, &c), VR_AMOUNT_BAD);
	ck_assert_int_eq(vr_amount_parse("-0", 2, false, VR_CENTS_MAX, &c), VR_AMOUNT_BAD);
	/* a small maximum */
	ck_assert_int_eq(vr_amount_parse("0.05", 4, false, 5, &c), VR_AMOUNT_OK);
	ck_assert_int_eq(vr_amount_parse("0.06", 4, false, 5, &c), VR_AMOUNT_TOO_LARGE);
	ck_assert_int_eq(vr_amount_parse("5", 1, false, 5, &c), VR_AMOUNT_TOO_LARGE);
	/* vr_cents_parse: anything that fits in 64 bits */
	ck_assert(vr_cents_parse("92233720368547758.07", 20, false, &c));
	ck_assert(c == INT64_MAX);
	ck_assert(!vr_cents_parse("92233720368547758.08", 20, false, &c));
}
END_TEST

/* The maximum amount leaves room for any month's sums; a sum that does not
 * fit is refused, never wrapped. */
START_TEST(checked_sums_refuse_what_does_not_fit)
{
	ck_assert(INT64_MAX / VR_CENTS_MAX > 90000000);
	int64_t acc = INT64_MAX - 1;
	ck_assert(vr_add_checked(&acc, 1));
	ck_assert(acc == INT64_MAX);
	ck_assert(!vr_add_checked(&acc, 1));
	ck_assert(acc == INT64_MAX);
	acc = INT64_MIN + 1;
	ck_assert(!vr_add_checked(&acc, -2));
	ck_assert(acc == INT64_MIN + 1);
}
END_TEST

/* The national feedback codes, 1 to 7, with their names in a policy and
 * their meaning as the feedback files write it (data-contract.md, 5). */
START_TEST(feedback_codes_have_a_name_and_a_dutch_meaning)
{
	static const char *const want[FEEDBACK_COUNT][2] = {
		{ "", "" },
		{ "wrongly_reported", "melding onterecht" },
		{ "not_picked_up", "wordt niet opgepakt" },
		{ "repeat_signal", "herhaalde melding" },
		{ "already_known", "inwoner al bekend bij schuldhulpverlening" },
		{ "help_accepted", "inwoner wil hulp" },
		{ "not_reached_or_no_help", "niet bereikt of wil geen hulp" },
		{ "deceased", "overleden" },
	};
	ck_assert_int_eq(FEEDBACK_COUNT, 8);
	for (int c = 0; c < FEEDBACK_COUNT; c++) {
		ck_assert_str_eq(vr_feedback_names[c], want[c][0]);
		ck_assert_str_eq(vr_feedback_meaning_nl[c], want[c][1]);
	}
	ck_assert_int_eq(vr_enum_lookup(vr_feedback_names, FEEDBACK_COUNT, "repeat_signal", 13), FEEDBACK_REPEAT_SIGNAL);
}
END_TEST

Suite *types_suite(void)
{
	Suite *s = suite_create("types");
	TCase *tc = tcase_create("types");
	tcase_add_test(tc, date_parse_accepts_real_days_only);
	tcase_add_test(tc, months_round_trip);
	tcase_add_test(tc, age_counts_whole_years_on_the_day);
	tcase_add_test(tc, cents_parse_both_dialects_exactly);
	tcase_add_test(tc, amounts_past_the_maximum_are_too_large_not_malformed);
	tcase_add_test(tc, checked_sums_refuse_what_does_not_fit);
	tcase_add_test(tc, feedback_codes_have_a_name_and_a_dutch_meaning);
	suite_add_tcase(s, tc);
	return s;
}
