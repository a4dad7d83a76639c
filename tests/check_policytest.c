/* check_policytest.c - the `vroeg test` file format (docs/tests.md): a
 * signal's numbers are read within their ranges (months_ago, age, amounts,
 * counts), at the limit and one past it, and a number past its range is a
 * tests-file error naming the line, the field and the range, never
 * arithmetic that overflows. Mistakes are reported as a rule file's are,
 * checked against the policy (a misspelt bucket, label, reason, kind or
 * field; a household no run would decide). A test may be a small month:
 * several households, N alike from one line, a capacity of its own, and
 * expectations of places, overflowed_from and counts; coverage counts only
 * what a household reached, paths between buckets included. */
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

/* Runs the tests TEXT against POLICY_TEXT. */
static void run_text(ran *r, const char *policy_text, const char *text)
{
	bc_program p;
	diag quiet;
	diag_init(&quiet, NULL);
	ck_assert(compile_policy("t.vroeg", policy_text, strlen(policy_text), &quiet, &p));
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

/* Runs the tests TEXT (one test whose signal line is line 4, and a current
 * signal after it) against the policy above. */
static void run_tests(ran *r, const char *signal_line, const char *expect)
{
	char text[512];
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n  %s\n  signal B health 10\n  expect %s\n",
		 signal_line, expect);
	run_text(r, policy, text);
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

/* The first line of R's messages is an error on line LINE with MESSAGE,
 * and there is no other error. */
static void assert_error(const ran *r, int line, const char *message)
{
	ck_assert_msg(!r->ok, "accepted: %s", r->out);
	char want[64];
	snprintf(want, sizeof want, "t.tests:%d:", line);
	ck_assert_msg(strncmp(r->errs, want, strlen(want)) == 0, "expected an error on line %d, got:\n%s", line, r->errs);
	const char *msg = strstr(r->errs, ": error: ");
	const char *eol = strchr(r->errs, '\n');
	ck_assert_msg(msg && eol && msg < eol, "not an error: %s", r->errs);
	msg += strlen(": error: ");
	ck_assert_msg((size_t)(eol - msg) == strlen(message) && strncmp(msg, message, strlen(message)) == 0,
		      "expected `%s`, got:\n%s", message, r->errs);
	ck_assert_msg(!strstr(eol, "error:"), "more than one error:\n%s", r->errs);
}

static void expect_error(const char *signal_line, const char *message)
{
	ran r;
	run_tests(&r, signal_line, "other");
	assert_error(&r, 4, message);
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


START_TEST(a_value_in_quotes_holds_blanks)
{
	ran r;
	run_text(&r,
		 "policy \"D\"\n"
		 "exclude \"legal person\" before counting when any legal_form = legal\n"
		 "district = \"'t Oude Dorp\" -> old_village\n"
		 "otherwise -> letter\n"
		 "bucket old_village\nbucket letter\n",
		 "month 2024-06\n\n"
		 "test \"a district with blanks\"\n  signal \"De Goede Woning\" rent 10 district=\"'t Oude Dorp\"\n  expect old_village\n"
		 "test \"another\"\n  signal A rent 10 district=Oude\n  expect letter\n"
		 "test \"legal\"\n  signal A rent 10 legal\n  expect excluded \"legal person\"\n");
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ck_assert_str_eq(r.out, "t.tests: 3 passed, 0 failed; every rule, bucket, reason and path is reached\n");
	ran_free(&r);
}
END_TEST

/* ---- a month in a test: places, overflow, redirects, back-fill, counts ---- */

static const char capacity_policy[] =
	"policy \"Capacity\"\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when arrears >= 100\n"
	"match             -> home_visit\n"
	"any sector = rent -> phone\n"
	"otherwise         -> letter\n"
	"label size = big when arrears > 1000, else small\n"
	"bucket home_visit  capacity 2 by arrears desc overflow phone\n"
	"                   backfill from letter\n"
	"bucket phone       capacity 3 by arrears desc overflow letter\n"
	"                   without phone -> letter\n"
	"bucket letter      capacity unlimited\n";

/* Five matches for two home visits: the rest overflow to phone, and the
 * one without a phone on to letter. */
static const char five_matches[] =
	"month 2024-06\n"
	"\n"
	"test \"two visits; the rest to phone, without a phone to letter\"\n"
	"  household A\n"
	"    signal Menzis health 950 phone\n"
	"    signal Eneco energy 100\n"
	"  households 3 B\n"
	"    signal Menzis health 500 phone\n"
	"    signal Eneco energy 100\n"
	"  household C\n"
	"    signal Menzis health 400\n"
	"    signal Eneco energy 100\n"
	"  expect 2 in home_visit\n"
	"  expect A home_visit place=1 overflowed_from= size=big\n"
	"  expect B1 home_visit place=2 size=small\n"
	"  expect B2 phone place=1 overflowed_from=home_visit\n"
	"  expect B3 phone place=2 overflowed_from=home_visit\n"
	"  expect C letter place= overflowed_from=home_visit\n"
	"  expect 2 in phone\n"
	"  expect 1 in letter\n";

START_TEST(a_test_of_several_households_gets_places_overflow_and_redirects)
{
	ran r;
	run_text(&r, capacity_policy, five_matches);
	ck_assert_msg(r.ok && r.res.tests == 1 && r.res.failed == 0, "%s%s", r.errs, r.out);
	/* Coverage counts what households reached: the phone rule, the phone
	 * bucket's overflow and the back-fill were not. */
	ck_assert_str_eq(r.out, "t.tests: 1 passed, 0 failed; not reached by any test: reason \"legal person\" (line 2), "
			 "reason \"not counted\" (line 3), rule line 5 (-> phone), rule line 6 (-> letter), "
			 "back-fill home_visit from letter (line 8), overflow phone -> letter (line 10)\n");
	ran_free(&r);
}
END_TEST

START_TEST(a_test_can_set_a_capacity_of_its_own)
{
	ran r;
	run_text(&r, capacity_policy,
		 "month 2024-06\n"
		 "\n"
		 "test \"no home visits this month; one phone call\"\n"
		 "  capacity home_visit 0\n"
		 "  capacity phone 1\n"
		 "  households 12 M\n"
		 "    signal Menzis health 500 phone\n"
		 "    signal Eneco energy 100\n"
		 "  expect 0 in home_visit\n"
		 "  expect 1 in phone\n"
		 "  expect 11 in letter\n"
		 "  expect M01 phone place=1 overflowed_from=home_visit\n"
		 "  expect M12 letter overflowed_from=phone\n");
	ck_assert_msg(r.ok && r.res.tests == 1 && r.res.failed == 0, "%s%s", r.errs, r.out);
	ck_assert_ptr_null(strstr(r.out, "overflow home_visit -> phone"));
	ck_assert_ptr_null(strstr(r.out, "overflow phone -> letter"));
	ran_free(&r);
}
END_TEST

START_TEST(spare_places_are_back_filled_in_a_test)
{
	ran r;
	run_text(&r, capacity_policy,
		 "month 2024-06\n"
		 "\n"
		 "test \"a spare home visit goes to the highest letter\"\n"
		 "  household M\n"
		 "    signal Menzis health 500\n"
		 "    signal Eneco energy 100\n"
		 "  household L1\n"
		 "    signal Menzis health 300\n"
		 "  household L2\n"
		 "    signal Menzis health 200\n"
		 "  expect M home_visit place=1\n"
		 "  expect L1 home_visit place=2 overflowed_from=\n"
		 "  expect L2 letter\n");
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ck_assert_ptr_null(strstr(r.out, "back-fill"));
	ran_free(&r);
}
END_TEST

START_TEST(a_failing_expectation_names_the_household_and_what_it_got)
{
	ran r;
	run_text(&r, capacity_policy,
		 "month 2024-06\n"
		 "\n"
		 "test \"wrong on purpose\"\n"
		 "  household A\n"
		 "    signal Menzis health 950 phone\n"
		 "    signal Eneco energy 100\n"
		 "  households 2 B\n"
		 "    signal Menzis health 500\n"
		 "    signal Eneco energy 100\n"
		 "  expect 3 in home_visit\n"
		 "  expect B2 phone overflowed_from=home_visit\n"
		 "  expect A home_visit place=2 size=small\n"
		 "\n"
		 "test \"one household\"\n"
		 "  signal Vidomes rent 300\n"
		 "  expect phone\n");
	ck_assert(r.ok);
	ck_assert_int_eq(r.res.tests, 2);
	ck_assert_int_eq(r.res.failed, 2);
	ck_assert_msg(strstr(r.out, "t.tests:10: test \"wrong on purpose\" failed: expected 3 in home_visit, got 2\n"
				    "t.tests:11: test \"wrong on purpose\" failed: household B2: expected phone "
				    "overflowed_from=home_visit, got letter overflowed_from=home_visit (decided by t.vroeg:4)\n"
				    "t.tests:12: test \"wrong on purpose\" failed: household A: expected home_visit place=2 "
				    "size=small, got home_visit place=1 size=big (decided by t.vroeg:4)\n"
				    "t.tests:16: test \"one household\" failed: expected phone, got letter (decided by t.vroeg:5)\n"),
		      "%s", r.out);
	/* A rule sent the household to phone; it did not end there. */
	ck_assert_ptr_nonnull(strstr(r.out, "bucket phone"));
	ck_assert_ptr_null(strstr(r.out, "redirect phone"));
	ran_free(&r);
}
END_TEST

START_TEST(every_part_reached_is_full_coverage)
{
	char text[4096];
	snprintf(text, sizeof text, "%s"
		 "\n"
		 "test \"a legal person\"\n  signal A health 500 legal\n  expect excluded \"legal person\"\n"
		 "test \"under the floor\"\n  signal A health 99.99\n  expect excluded \"not counted\"\n"
		 "test \"rent\"\n  signal A rent 500 phone\n  expect phone\n"
		 "test \"a letter\"\n  capacity home_visit 0\n  signal A health 500\n  expect letter\n"
		 "test \"phone full\"\n  capacity phone 0\n  signal A rent 500 phone\n  expect letter overflowed_from=phone\n"
		 "test \"back-fill\"\n  household L\n    signal A health 500\n  expect L home_visit\n",
		 five_matches);
	ran r;
	run_text(&r, capacity_policy, text);
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ck_assert_str_eq(r.out, "t.tests: 7 passed, 0 failed; every rule, bucket, reason and path is reached\n");
	ran_free(&r);
}
END_TEST

/* ---- mistakes in a tests file are errors, checked against the policy ------ */

static void expect_mistake(const char *lines, int line, const char *message)
{
	char text[2048];
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s", lines);
	ran r;
	run_text(&r, capacity_policy, text);
	assert_error(&r, line, message);
	ck_assert_msg(r.res.tests == 0 && r.out[0] == '\0', "a test ran: %s", r.out);
	ran_free(&r);
}

START_TEST(a_misspelt_bucket_is_an_error_with_the_line_and_a_caret)
{
	ran r;
	run_text(&r, capacity_policy, "month 2024-06\n\ntest \"t\"\n  signal A health 500\n  expect leter\n");
	ck_assert_str_eq(r.errs, "t.tests:5:10: error: no bucket `leter`; did you mean `letter`?\n"
				 "    expect leter\n"
				 "           ^~~~~\n");
	ck_assert_int_eq(r.res.tests, 0);
	ran_free(&r);
	expect_mistake("  signal A health 500\n  expect blue\n", 5,
		       "no bucket `blue` in the policy (its buckets: home_visit, phone, letter)");
	expect_mistake("  household A\n    signal A health 500\n  expect A leter\n", 6,
		       "no bucket `leter`; did you mean `letter`?");
	expect_mistake("  signal A health 500\n  expect 1 in hom_visit\n", 5,
		       "no bucket `hom_visit`; did you mean `home_visit`?");
	expect_mistake("  signal A health 500\n  expect letter overflowed_from=phon\n", 5,
		       "no bucket `phon`; did you mean `phone`?");
	expect_mistake("  capacity hom_visit 3\n  signal A health 500\n  expect letter\n", 4,
		       "no bucket `hom_visit`; did you mean `home_visit`?");
}
END_TEST

START_TEST(a_misspelt_label_or_reason_is_an_error_not_a_failing_test)
{
	expect_mistake("  signal A health 500\n  expect letter sise=big\n", 5, "no label `sise`; did you mean `size`?");
	expect_mistake("  signal A health 500\n  expect letter colour=big\n", 5, "no label `colour` in the policy (its labels: size)");
	expect_mistake("  signal A health 50\n  expect excluded \"not countd\"\n", 5,
		       "no exclusion reason \"not countd\"; did you mean \"not counted\"?");
	expect_mistake("  signal A health 50\n  expect excluded\n", 5,
		       "an exclusion is expected with its reason: `expect excluded \"not counted\"`");
}
END_TEST

START_TEST(a_wrong_value_or_field_of_a_signal_names_what_it_takes)
{
	expect_mistake("  signal A health 500 kind=evict\n  expect letter\n", 4,
		       "`evict` is not a signal kind (one of: early, end_of_supply, eviction, cak)");
	expect_mistake("  signal A health 500 kind=evictoin\n  expect letter\n", 4,
		       "`evictoin` is not a signal kind; did you mean `eviction`?");
	expect_mistake("  signal A helth 500\n  expect letter\n", 4, "`helth` is not a sector; did you mean `health`?");
	expect_mistake("  signal A health 500 kindd=early\n  expect letter\n", 4,
		       "`kindd` is not a field of a test signal; did you mean `kind`?");
	expect_mistake("  signal A health 500 phone=1\n  expect letter\n", 4,
		       "`phone` is a flag: write `phone` alone, without a value (a test signal has no phone unless it says so)");
	expect_mistake("  signal A health 500 kind\n  expect letter\n", 4, "`kind` takes a value: `kind=...`");
	expect_mistake("  signal A health 500 received=2024-06-31\n  expect letter\n", 4,
		       "`2024-06-31` is not a date (write YYYY-MM-DD)");
	expect_mistake("  signal A health 500\n  outcome refusd 2024-05-01\n  expect letter\n", 5,
		       "`refusd` is not an outcome; did you mean `refused`?");
	expect_mistake("  sigal A health 500\n  expect letter\n", 4, "`sigal` is not a line of a test; did you mean `signal`?");
	expect_mistake("  signal A health 500\n  expect letter\n  capacity letter 3\n", 6,
		       "bucket `letter` has no capacity in the policy; a test can change a capacity, not give one");
	expect_mistake("  signal \"A health 500\n  expect letter\n", 4, "text `\"A health 500` has no closing quote on its line");
}
END_TEST

START_TEST(a_household_in_a_test_is_one_a_run_would_decide)
{
	expect_mistake("  signal A health 500 months_ago=1\n  expect letter\n", 3,
		       "test \"t\": its household has no signal in 2024-06, so no run would decide it; give it a signal of the month");
	expect_mistake("  signal A health 500 received=2024-07-01\n  expect letter\n", 3,
		       "test \"t\": its household has no signal, so no run would decide it; give it a signal of the month");
	expect_mistake("  household A\n    signal A health 500\n  household B\n    outcome refused 2024-05-02\n"
		       "  expect A letter\n", 6,
		       "household `B` has no signal, so no run would decide it; give it a signal of the month");
	expect_mistake("  household A\n    signal A health 500\n  expect Z letter\n", 6, "no household `Z` in this test");
	expect_mistake("  households 3 B\n    signal A health 500\n  household B2\n    signal A health 500\n"
		       "  expect B1 letter\n", 6, "household `B2` is described twice in this test (first on line 4)");
	expect_mistake("  expect letter\n", 3, "test \"t\": its household has no signal, so no run would decide it; "
		       "give it a signal of the month");
	expect_mistake("  household A\n    signal A health 500\n  expect letter\n", 6,
		       "in a test of several households, say whose decision: `expect HOUSEHOLD BUCKET` (or `expect N in BUCKET`)");
	expect_mistake("  signal A health 500\n  household B\n    signal A health 500\n  expect B letter\n", 5,
		       "this test already describes its one household (the lines above); in a test of several "
		       "households, every household has its own `household` line");
}
END_TEST

/* Without a floor every signal counts: no household can be "not counted",
 * so coverage does not ask for one, skips or not. */
START_TEST(coverage_asks_for_nothing_a_household_cannot_get)
{
	ran r;
	run_text(&r,
		 "policy \"No floor\"\n"
		 "exclude \"legal person\" before counting when any legal_form = legal\n"
		 "skip signal \"repeat\" when same creditor in previous month\n"
		 "otherwise -> letter\n"
		 "bucket letter\n",
		 "month 2024-06\n\n"
		 "test \"legal\"\n  signal A health 5 legal\n  expect excluded \"legal person\"\n"
		 "test \"repeat\"\n  signal A health 5\n  signal A health 5 months_ago=1\n  expect excluded \"repeat\"\n"
		 "test \"letter\"\n  signal A health 5\n  expect letter\n");
	ck_assert_msg(r.ok, "%s", r.errs);
	ck_assert_str_eq(r.out, "t.tests: 3 passed, 0 failed; every rule, bucket, reason and path is reached\n");
	ran_free(&r);
}
END_TEST

/* A household whose signals are all repeats goes where the skip says
 * (`-> reminder`), decided by the skip's line, with no reason; one with a
 * counted signal beside its repeat goes through the rules. */
START_TEST(a_skip_with_a_bucket_gives_its_households_an_offer)
{
	static const char skip_policy[] =
		"policy \"Repeats\"\n"
		"exclude \"legal person\" before counting when any legal_form = legal\n"
		"count signal when arrears > 100\n"
		"skip signal \"same signal as last month\" when same creditor in previous month -> reminder\n"
		"otherwise -> letter\n"
		"bucket letter\n"
		"bucket reminder\n";
	ran r;
	run_text(&r, skip_policy,
		 "month 2024-06\n\n"
		 "test \"only a repeat: a reminder\"\n  signal A health 500\n  signal A health 400 months_ago=1\n"
		 "  expect reminder\n"
		 "test \"a repeat and a new creditor: the rules\"\n  signal A health 500\n  signal A health 400 months_ago=1\n"
		 "  signal B energy 200\n  expect letter\n");
	ck_assert_msg(r.ok && r.res.tests == 2 && r.res.failed == 0, "%s%s", r.errs, r.out);
	ck_assert_str_eq(r.out, "t.tests: 2 passed, 0 failed; not reached by any test: reason \"legal person\" (line 2), "
			 "reason \"not counted\" (line 3)\n");
	ran_free(&r);
	/* Not a reason any more: expecting the exclusion is a mistake. */
	run_text(&r, skip_policy, "month 2024-06\n\ntest \"t\"\n  signal A health 500\n  signal A health 400 months_ago=1\n"
		 "  expect excluded \"same signal as last month\"\n");
	assert_error(&r, 6, "the skip on line 4 sends its households to `reminder`, it does not exclude them: "
		     "`expect reminder`");
	ran_free(&r);
	/* Unreached, it is named as the skip it is. */
	run_text(&r, skip_policy, "month 2024-06\n\ntest \"t\"\n  signal A health 500\n  expect letter\n");
	ck_assert_msg(strstr(r.out, "skip line 4 (-> reminder), bucket reminder"), "%s", r.out);
	ran_free(&r);
}
END_TEST

/* ---- limits ---------------------------------------------------------------- */

static void with_households(ran *r, const char *lines)
{
	char text[512];
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s  expect 0 in phone\n", lines);
	run_text(r, capacity_policy, text);
}

START_TEST(a_test_has_at_most_its_households_signals_outcomes_and_words)
{
	ran r;
	with_households(&r, "  households 100000 H\n    signal A health 500\n");
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ran_free(&r);
	with_households(&r, "  households 100001 H\n    signal A health 500\n");
	assert_error(&r, 4, "write `households N PREFIX`: N households alike (N from 1 to 100000), keyed PREFIX1 to PREFIXN");
	ran_free(&r);
	with_households(&r, "  households 99999 H\n    signal A health 500\n  household X\n    signal A health 500\n");
	ck_assert_msg(r.ok, "%s", r.errs);
	ran_free(&r);
	with_households(&r, "  households 99999 H\n    signal A health 500\n  households 2 X\n    signal A health 500\n");
	assert_error(&r, 6, "a test describes at most 100000 households");
	ran_free(&r);

	char lines[8192] = "", one[64];
	for (int i = 0; i < 64; i++) {
		snprintf(one, sizeof one, "  signal C%d health 100\n", i);
		strcat(lines, one);
	}
	char text[16384];
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s  expect home_visit\n", lines);
	run_text(&r, capacity_policy, text);
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ran_free(&r);
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s  signal X health 1\n  expect home_visit\n", lines);
	run_text(&r, capacity_policy, text);
	assert_error(&r, 68, "a household of a test has at most 64 signals");
	ran_free(&r);

	strcpy(lines, "  signal A health 500\n");
	for (int i = 0; i < 32; i++)
		strcat(lines, "  outcome refused 2024-05-01\n");
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s  expect home_visit\n", lines);
	run_text(&r, capacity_policy, text);
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ran_free(&r);
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s  outcome refused 2024-05-01\n  expect home_visit\n", lines);
	run_text(&r, capacity_policy, text);
	assert_error(&r, 37, "a household of a test has at most 32 outcomes");
	ran_free(&r);

	/* A test's capacity: as a count, up to one billion. */
	run_text(&r, capacity_policy, "month 2024-06\n\ntest \"t\"\n  capacity home_visit 1000000000\n"
		 "  signal A rent 500\n  expect letter\n");
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ran_free(&r);
	run_text(&r, capacity_policy, "month 2024-06\n\ntest \"t\"\n  capacity home_visit 1000000001\n"
		 "  signal A rent 500\n  expect letter\n");
	assert_error(&r, 4, "`1000000001`: a capacity is a whole number from 0 to 1000000000");
	ran_free(&r);

	/* 32 words: `signal`, its three and 28 flags. */
	strcpy(lines, "  signal A health 500");
	for (int i = 0; i < 28; i++)
		strcat(lines, " phone");
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s\n  expect home_visit\n", lines);
	run_text(&r, capacity_policy, text);
	ck_assert_msg(r.ok && r.res.failed == 0, "%s%s", r.errs, r.out);
	ran_free(&r);
	snprintf(text, sizeof text, "month 2024-06\n\ntest \"t\"\n%s email\n  expect home_visit\n", lines);
	run_text(&r, capacity_policy, text);
	assert_error(&r, 4, "a line of a tests file holds at most 32 words");
	ran_free(&r);
}
END_TEST

Suite *policytest_suite(void)
{
	Suite *s = suite_create("policytest");
	TCase *tc = tcase_create("fields");
	tcase_add_test(tc, months_ago_and_age_are_read_within_their_ranges);
	tcase_add_test(tc, amounts_and_counts_are_read_as_import_reads_them);
	tcase_add_test(tc, a_value_in_quotes_holds_blanks);
	suite_add_tcase(s, tc);
	tc = tcase_create("months");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_test_of_several_households_gets_places_overflow_and_redirects);
	tcase_add_test(tc, a_test_can_set_a_capacity_of_its_own);
	tcase_add_test(tc, spare_places_are_back_filled_in_a_test);
	tcase_add_test(tc, a_failing_expectation_names_the_household_and_what_it_got);
	tcase_add_test(tc, every_part_reached_is_full_coverage);
	tcase_add_test(tc, coverage_asks_for_nothing_a_household_cannot_get);
	tcase_add_test(tc, a_skip_with_a_bucket_gives_its_households_an_offer);
	tcase_add_test(tc, a_test_has_at_most_its_households_signals_outcomes_and_words);
	suite_add_tcase(s, tc);
	tc = tcase_create("mistakes");
	tcase_add_test(tc, a_misspelt_bucket_is_an_error_with_the_line_and_a_caret);
	tcase_add_test(tc, a_misspelt_label_or_reason_is_an_error_not_a_failing_test);
	tcase_add_test(tc, a_wrong_value_or_field_of_a_signal_names_what_it_takes);
	tcase_add_test(tc, a_household_in_a_test_is_one_a_run_would_decide);
	suite_add_tcase(s, tc);
	return s;
}
