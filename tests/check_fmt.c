/* check_fmt.c - the formatter on bucket statements: clauses aligned in a run
 * of buckets and kept word for word (`capacity unlimited` too), continuation
 * lines under the clauses, trailing comments kept, and formatting twice gives
 * what formatting once gave. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

/* Formats TEXT, asserts the result is WANT and that formatting WANT again
 * leaves it as it is. */
static void formats_to(const char *text, const char *want)
{
	size_t len = 0;
	char *once = fmt_rules(text, strlen(text), &len);
	ck_assert_ptr_nonnull(once);
	ck_assert_uint_eq(len, strlen(once));
	ck_assert_msg(strcmp(once, want) == 0, "formatting:\n%s\nexpected:\n%s\ngot:\n%s", text, want, once);
	char *twice = fmt_rules(once, len, &len);
	ck_assert_ptr_nonnull(twice);
	ck_assert_msg(strcmp(twice, once) == 0, "formatting again changes:\n%s\ninto:\n%s", once, twice);
	free(once);
	free(twice);
}

START_TEST(bucket_clauses_are_aligned_and_kept)
{
	formats_to("bucket home_visit capacity 30   by arrears desc overflow mail\n"
		   "bucket   mail    capacity   unlimited\n"
		   "bucket letter capacity unlimited   # a letter can always be sent\n",
		   "bucket home_visit  capacity 30 by arrears desc overflow mail\n"
		   "bucket mail        capacity unlimited\n"
		   "bucket letter      capacity unlimited  # a letter can always be sent\n");
}
END_TEST

START_TEST(capacity_unlimited_on_a_continuation_line_stays_there)
{
	formats_to("bucket phone capacity 50 overflow letter\n"
		   "   without phone -> mail\n"
		   "bucket mail\n"
		   "  capacity unlimited\n"
		   "bucket letter capacity\n"
		   "      unlimited\n",
		   "bucket phone   capacity 50 overflow letter\n"
		   "               without phone -> mail\n"
		   "bucket mail\n"
		   "               capacity unlimited\n"
		   "bucket letter  capacity\n"
		   "               unlimited\n");
}
END_TEST

/* The clauses of named numbers, contact terms, feedback codes and a
 * rotating spread are kept word for word. */
START_TEST(the_new_clauses_are_kept)
{
	formats_to("define   floor =  EUR 100\n"
		   "count signal when arrears >=   floor\n"
		   "skip signal \"again\" when same creditor in previous month   feedback   repeat_signal\n"
		   "exclude \"known\" when any known_debt_help feedback 4\n"
		   ">=  least creditors within 3 months -> visit\n"
		   "bucket visit capacity   visits spread over district rotating within 3 working days overflow letter\n"
		   "bucket letter within 4 weeks   feedback already_known\n"
		   "bucket mail within 1 working day\n",
		   "define floor = EUR 100\n"
		   "count signal when arrears >= floor\n"
		   "skip signal \"again\" when same creditor in previous month feedback repeat_signal\n"
		   "exclude \"known\" when any known_debt_help feedback 4\n"
		   ">= least creditors within 3 months -> visit\n"
		   "bucket visit   capacity visits spread over district rotating within 3 working days overflow letter\n"
		   "bucket letter  within 4 weeks feedback already_known\n"
		   "bucket mail    within 1 working day\n");
}
END_TEST

Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc = tcase_create("buckets");
	tcase_add_test(tc, bucket_clauses_are_aligned_and_kept);
	tcase_add_test(tc, capacity_unlimited_on_a_continuation_line_stays_there);
	tcase_add_test(tc, the_new_clauses_are_kept);
	suite_add_tcase(s, tc);
	return s;
}
