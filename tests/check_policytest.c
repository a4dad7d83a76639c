/* check_policytest.c - the `vroeg test` file format: a signal's numbers are
 * read within their ranges (months_ago, age, amounts, counts), at the limit
 * and one past it, and a number past its range is a tests-file error naming
 * the line, the field and the range, never arithmetic that overflows. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "policytest.h"

static const char policy[] =
	"policy \"T\"\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"any months_ago >= 1000 in previous 1000 months -> old\n"
	"any age >= 150 -> aged\n"
	"otherwise -> other\n"
	"bucket old\nbucket aged\nbucket other\n";

typedef struct ran {
	bool ok;
	policytest_result res;
	char *out, *errs;
	size_t out_len, errs_len;
} ran;

/* Runs the tests TEXT (one test whose signal line is line 4, and a current
 * signal after it) against the policy above. */
static void run_tests(ran *r, const char *signal_line, const char *expect)
{
	char text[512];
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n  %s\n  signal B health 10\n  expect %s\n",
		 signal_line, expect);
	bc_program p;
	diag quiet;
	diag_init(&quiet, NULL);
	ck_assert(compile_policy("t.vroeg", policy, strlen(policy), &quiet, &p));
	FILE *out = open_memstream(&r->out, &r->out_len);
	FILE *errs = open_memstream(&r->errs, &r->errs_len);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(errs);
	diag d;
	diag_init(&d, errs);
	r->ok = policytest_run(&p, "t.tests", text, strlen(text), out, &d, &r->res);
	fclose(out);
	fclose(errs);
	bc_program_free(&p);
}

static void ran_free(ran *r)
{
	free(r->out);
	free(r->errs);
}

static void expect_pass(const char *signal_line, const char *bucket)
{
	ran r;
	run_tests(&r, signal_line, bucket);
	ck_assert_msg(r.ok && r.res.tests == 1 && r.res.failed == 0, "%s: %s%s", signal_line, r.errs, r.out);
	ran_free(&r);
}

static void expect_error(const char *signal_line, const char *message)
{
	ran r;
	run_tests(&r, signal_line, "other");
	ck_assert_msg(!r.ok, "%s: accepted", signal_line);
	char want[512];
	snprintf(want, sizeof want, "vroeg: t.tests:4: %s\n", message);
	ck_assert_str_eq(r.errs, want);
	ck_assert_int_eq(r.res.tests, 0);
	ran_free(&r);
}

START_TEST(months_ago_and_age_are_read_within_their_ranges)
{
	expect_pass("signal A rent 200 months_ago=1000", "old");
	expect_pass("signal A rent 200 months_ago=1200", "other");   /* beyond every window */
	expect_pass("signal A rent 200 months_ago=0", "other");
	expect_error("signal A rent 200 months_ago=1201",
		     "`months_ago=1201`: months_ago is a whole number from 0 to 1200");
	expect_error("signal A rent 200 months_ago=2147483648",
		     "`months_ago=2147483648`: months_ago is a whole number from 0 to 1200");
	expect_error("signal A rent 200 months_ago=99999999999999999999999",
		     "`months_ago=99999999999999999999999`: months_ago is a whole number from 0 to 1200");
	expect_pass("signal A rent 200 age=150", "aged");
	expect_error("signal A rent 200 age=151", "`age=151`: age is a whole number from 0 to 150");
	expect_error("signal A rent 200 age=2147483648", "`age=2147483648`: age is a whole number from 0 to 150");
	expect_error("signal A rent 200 age=-1", "`age=-1`: age is a whole number from 0 to 150");
}
END_TEST

START_TEST(amounts_and_counts_are_read_as_import_reads_them)
{
	expect_pass("signal A rent 1000000000.00 installment=1000000000 days_overdue=1000000000 "
		    "installments_missed=1000000000", "other");
	expect_error("signal A rent 1000000000.01",
		     "`1000000000.01` is more than the largest amount a signal may have, 1000000000.00");
	expect_error("signal A rent 92233720368547749.99",
		     "`92233720368547749.99` is more than the largest amount a signal may have, 1000000000.00");
	expect_error("signal A rent 12.345",
		     "`12.345` is not an amount (euros with at most 2 decimals, like 212.85)");
	expect_error("signal A rent 10 installment=1000000001",
		     "`installment=1000000001` is more than the largest amount a signal may have, 1000000000.00");
	expect_error("signal A rent 10 days_overdue=1000000001",
		     "`days_overdue=1000000001`: days_overdue is a whole number from 0 to 1000000000");
	expect_error("signal A rent 10 installments_missed=1000000001",
		     "`installments_missed=1000000001`: installments_missed is a whole number from 0 to 1000000000");
	expect_error("signal A rent 10 brp_match=2", "`brp_match=2`: brp_match is a whole number from 0 to 1");
}
END_TEST

Suite *policytest_suite(void)
{
	Suite *s = suite_create("policytest");
	TCase *tc = tcase_create("fields");
	tcase_add_test(tc, months_ago_and_age_are_read_within_their_ranges);
	tcase_add_test(tc, amounts_and_counts_are_read_as_import_reads_them);
	suite_add_tcase(s, tc);
	return s;
}
