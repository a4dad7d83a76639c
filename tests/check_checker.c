/* check_checker.c - the semantic pass: names (with suggestions), types,
 * buckets, the rule list as a whole (no household falls through), and the
 * warnings about what is legal but probably wrong. Each test checks the exact
 * diagnostic a policy officer would read. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calendar.h"
#include "checker.h"
#include "compile.h"
#include "parse.h"
#include "support.h"

/* The head of most policies here: lines 1 and 2, so rules start on line 3. */
#define HEAD "policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal\n"


/* Checks TEXT and compares everything it reports with WANT. */
static void expect(const char *text, int errors, int warnings, const char *want)
{
	checked c;
	check_text(&c, text);
	ck_assert_msg(strcmp(messages(&c), want) == 0, "for policy:\n%s\nexpected:\n%s\ngot:\n%s", text, want, messages(&c));
	ck_assert_int_eq(c.d.errors, errors);
	ck_assert_int_eq(c.d.warnings, warnings);
	done(&c);
}

/* ---- names ------------------------------------------------------------------ */

START_TEST(unknown_name_suggests_the_field_meant)
{
	expect(HEAD "arrers > 100 -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: unknown name `arrers`; did you mean `arrears`?\n"
		"  arrers > 100 -> a\n"
		"  ^~~~~~\n");
}
END_TEST

START_TEST(unknown_name_far_from_every_name_gets_no_suggestion)
{
	expect(HEAD "zzzzzz -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: unknown name `zzzzzz`\n"
		"  zzzzzz -> a\n"
		"  ^~~~~~\n");
}
END_TEST

START_TEST(misspelled_definition_suggests_the_definition)
{
	expect(HEAD "define heavy = arrears > 1000\nheavyy -> a\nmach -> a\nheavy -> a\notherwise -> a\nbucket a\n", 2, 0,
		"t.vroeg:4:1: error: unknown name `heavyy`; did you mean `heavy`?\n"
		"  heavyy -> a\n"
		"  ^~~~~~\n"
		"t.vroeg:5:1: error: unknown name `mach`; did you mean `match`?\n"
		"  mach -> a\n"
		"  ^~~~\n");
}
END_TEST

START_TEST(misspelled_bucket_suggests_the_bucket)
{
	expect(HEAD "arrears > 100 -> leter\notherwise -> letter\nbucket letter\n", 1, 0,
		"t.vroeg:3:18: error: unknown bucket `leter`; did you mean `letter`?\n"
		"  arrears > 100 -> leter\n"
		"                   ^~~~~\n");
}
END_TEST

START_TEST(undefined_bucket_says_how_to_declare_it)
{
	expect(HEAD "arrears > 100 -> home_visit\notherwise -> letter\nbucket letter\n", 1, 0,
		"t.vroeg:3:18: error: unknown bucket `home_visit`; declare it with `bucket home_visit`\n"
		"  arrears > 100 -> home_visit\n"
		"                   ^~~~~~~~~~\n");
}
END_TEST

START_TEST(misspelled_sector_suggests_the_sector)
{
	expect(HEAD "any sector = rnt -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:14: error: `rnt` is not a sector; did you mean `rent`?\n"
		"  any sector = rnt -> a\n"
		"               ^~~\n");
	expect(HEAD "any sector = house -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:14: error: `house` is not a sector (one of: rent, mortgage, health, energy, water, municipal_tax, other)\n"
		"  any sector = house -> a\n"
		"               ^~~~~\n");
}
END_TEST

START_TEST(misspelled_signal_field_in_same_suggests_the_field)
{
	expect(HEAD "skip signal \"s\" when same creditr in previous month\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:27: error: `creditr` is not a signal field; did you mean `creditor`?\n"
		"  skip signal \"s\" when same creditr in previous month\n"
		"                            ^~~~~~~\n");
}
END_TEST

START_TEST(a_bare_word_compared_with_text_asks_for_quotes)
{
	expect(HEAD "any creditor = Menzis -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:16: error: `Menzis` is not a name I know; text is written in quotes: \"Menzis\"\n"
		"  any creditor = Menzis -> a\n"
		"                 ^~~~~~\n");
}
END_TEST

/* ---- types --------------------------------------------------------------------- */

START_TEST(a_count_is_not_money)
{
	expect(HEAD "creditors > 575.50 -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: cannot compare a count with an amount of money\n"
		"  creditors > 575.50 -> a\n"
		"  ^~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "arrears > creditors -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: cannot compare an amount of money with a count\n"
		"  arrears > creditors -> a\n"
		"  ^~~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "signals > EUR 3 -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: cannot compare a count with an amount of money\n"
		"  signals > EUR 3 -> a\n"
		"  ^~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(days_are_not_money)
{
	expect(HEAD "any days_overdue > EUR 30 -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:5: error: cannot compare a number of days with an amount of money\n"
		"  any days_overdue > EUR 30 -> a\n"
		"      ^~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(money_is_not_text)
{
	expect(HEAD "arrears = \"rent\" -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: cannot compare an amount of money with text\n"
		"  arrears = \"rent\" -> a\n"
		"  ^~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(enums_compare_only_for_equality)
{
	expect(HEAD "any sector > rent -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:5: error: a sector can only be compared with = or !=\n"
		"  any sector > rent -> a\n"
		"      ^~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(a_flag_is_zero_or_one)
{
	expect(HEAD "any brp_match = 2 -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:17: error: a flag is 0 or 1, never 2\n"
		"  any brp_match = 2 -> a\n"
		"                  ^\n");
}
END_TEST

START_TEST(a_rule_needs_a_condition_not_a_number)
{
	expect(HEAD "creditors -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: expected a condition, but this is a count\n"
		"  creditors -> a\n"
		"  ^~~~~~~~~\n");
}
END_TEST

START_TEST(whole_euros_compared_with_money_become_cents)
{
	checked c;
	check_text(&c, HEAD "rent > 575 -> a\ncreditors >= 2 -> a\nany arrears between 5 and 7.5 -> a\notherwise -> a\nbucket a\n");
	ck_assert_msg(c.d.errors == 0, "%s", messages(&c));
	const ast_expr *e = stmt_at(c.file, 2)->cond;
	ck_assert_int_eq(e->u.cmp.lhs->type, TY_MONEY);
	ck_assert_int_eq(e->u.cmp.rhs->kind, E_MONEY);
	ck_assert_int_eq(e->u.cmp.rhs->u.number, 57500);
	e = stmt_at(c.file, 3)->cond;
	ck_assert_int_eq(e->u.cmp.rhs->kind, E_INT);
	ck_assert_int_eq(e->u.cmp.rhs->u.number, 2);
	e = stmt_at(c.file, 4)->cond->u.agg.cond;
	ck_assert_int_eq(e->kind, E_BETWEEN);
	ck_assert_int_eq(e->u.between.lo->kind, E_MONEY);
	ck_assert_int_eq(e->u.between.lo->u.number, 500);
	ck_assert_int_eq(e->u.between.hi->u.number, 750);
	done(&c);
}
END_TEST

/* ---- scopes ------------------------------------------------------------------ */

START_TEST(a_signal_field_at_household_level_needs_any_or_all)
{
	expect(HEAD "sector = rent -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: `sector` is a field of each signal; say `any sector ...` or `all sector ...`\n"
		"  sector = rent -> a\n"
		"  ^~~~~~\n");
}
END_TEST

/* When one side of a comparison is wrong, the other side must not get a
 * second, false error ("unknown name `natural`": natural is a legal form). */
START_TEST(one_wrong_side_of_a_comparison_gives_one_error)
{
	expect(HEAD "legal_form = natural -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: `legal_form` is a field of each signal; say `any legal_form ...` or `all legal_form ...`\n"
		"  legal_form = natural -> a\n"
		"  ^~~~~~~~~~\n");
}
END_TEST

START_TEST(a_household_name_inside_any_is_refused)
{
	expect(HEAD "any match -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:5: error: `match` is about the whole household; a condition on one signal cannot use it\n"
		"  any match -> a\n"
		"      ^~~~~\n");
}
END_TEST

START_TEST(same_belongs_in_a_skip)
{
	expect(HEAD "count signal when same creditor in previous month\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:19: error: `same` compares one signal with earlier ones: it belongs in a `skip signal` condition\n"
		"  count signal when same creditor in previous month\n"
		"                    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "any same creditor in previous month -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:5: error: `same` compares one signal with earlier ones: it belongs in a `skip signal` condition\n"
		"  any same creditor in previous month -> a\n"
		"      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(a_definition_can_only_use_definitions_above_it)
{
	expect(HEAD "define early = late and arrears > 5\ndefine late = arrears > 100\nearly -> a\nlate -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:16: error: `late` is defined below this line; a definition can only use the definitions above it\n"
		"  define early = late and arrears > 5\n"
		"                 ^~~~\n");
}
END_TEST

START_TEST(before_counting_the_arrears_are_not_known)
{
	expect("policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal or arrears > 100\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:2:71: error: before counting, the household's `arrears` (a total of counted signals) is not known yet; say `any arrears ...`\n"
		"  exclude \"legal person\" before counting when any legal_form = legal or arrears > 100\n"
		"                                                                        ^~~~~~~\n");
}
END_TEST

/* Not "`match` is defined below this line": match is built in, and the
 * reason it cannot be used is that it depends on the counted signals. */
START_TEST(before_counting_a_definition_cannot_be_used)
{
	expect("policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal or match\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:2:71: error: before counting, `match` cannot be used: it depends on the counted signals\n"
		"  exclude \"legal person\" before counting when any legal_form = legal or match\n"
		"                                                                        ^~~~~\n");
}
END_TEST

START_TEST(a_definition_may_not_take_a_field_name_or_be_given_twice)
{
	expect(HEAD "define arrears = 3\ndefine big = arrears > 9\ndefine big = arrears > 10\nbig -> a\notherwise -> a\nbucket a\n", 2, 0,
		"t.vroeg:3:8: error: `arrears` is already a field or a sector; choose another name\n"
		"  define arrears = 3\n"
		"         ^~~~~~~\n"
		"t.vroeg:5:8: error: `big` is defined twice (first on line 4)\n"
		"  define big = arrears > 10\n"
		"         ^~~\n");
}
END_TEST

START_TEST(a_policy_may_redefine_a_built_in)
{
	checked c;
	check_text(&c, HEAD "match when >= 2 creditors within 3 months\nmatch -> a\notherwise -> a\nbucket a\n");
	ck_assert_msg(c.d.errors == 0 && c.d.warnings == 0, "%s", messages(&c));
	int live = 0;
	for (int i = 0; i < c.pol->ndefs; i++)
		if (strcmp(c.pol->defs[i].name, "match") == 0) {
			live++;
			ck_assert(!c.pol->defs[i].builtin);
		}
	ck_assert_int_eq(live, 1);
	ck_assert_int_eq(c.pol->lookback, 6);   /* the built-in recidive still looks 6 months back */
	done(&c);
}
END_TEST

/* ---- buckets ------------------------------------------------------------------- */

START_TEST(a_bucket_is_declared_once)
{
	expect(HEAD "otherwise -> a\nbucket a\nbucket b overflow a\nbucket a capacity 2\n", 1, 1,
		"t.vroeg:6:8: error: bucket `a` is declared twice (first on line 4)\n"
		"  bucket a capacity 2\n"
		"         ^\n"
		"t.vroeg:5:10: warning: bucket `b` has no capacity, so nothing ever overflows\n"
		"  bucket b overflow a\n"
		"           ^~~~~~~~~~\n");
}
END_TEST

START_TEST(excluded_is_not_a_bucket)
{
	expect(HEAD "arrears > 100 -> excluded\notherwise -> a\nbucket a\nbucket excluded\n", 2, 0,
		"t.vroeg:6:8: error: `excluded` is reserved for exclusions; choose another bucket name\n"
		"  bucket excluded\n"
		"         ^~~~~~~~\n"
		"t.vroeg:3:18: error: `excluded` is not a bucket; write `exclude \"reason\" when ...`\n"
		"  arrears > 100 -> excluded\n"
		"                   ^~~~~~~~\n");
}
END_TEST

START_TEST(buckets_may_not_overflow_in_a_cycle)
{
	expect(HEAD "otherwise -> a\nbucket a capacity 3 overflow b\nbucket b capacity 2 overflow c\nbucket c capacity 1 overflow a\n", 1, 0,
		"t.vroeg:4:8: error: buckets flow in a cycle (a -> b -> c -> a): a policy may not overflow, redirect or back-fill in a circle\n"
		"  bucket a capacity 3 overflow b\n"
		"         ^\n");
	/* A redirect closes a cycle as surely as an overflow. */
	expect(HEAD "otherwise -> a\nbucket a capacity 3 overflow b\nbucket b without phone -> a\n", 1, 0,
		"t.vroeg:4:8: error: buckets flow in a cycle (a -> b -> a): a policy may not overflow, redirect or back-fill in a circle\n"
		"  bucket a capacity 3 overflow b\n"
		"         ^\n");
	expect(HEAD "otherwise -> d\nbucket d overflow d capacity 1\n", 1, 0,
		"t.vroeg:4:19: error: bucket `d` cannot overflow into itself\n"
		"  bucket d overflow d capacity 1\n"
		"                    ^\n");
}
END_TEST

START_TEST(a_capacity_needs_an_overflow)
{
	/* Even a capacity of 0: everyone needs somewhere to go. */
	expect(HEAD "otherwise -> a\nbucket a capacity 0\n", 1, 0,
		"t.vroeg:4:8: error: bucket `a` has a capacity but no overflow: the households that get no place would have no bucket (add `overflow BUCKET`)\n"
		"  bucket a capacity 0\n"
		"         ^\n");
	expect(HEAD "otherwise -> a\nbucket a capacity 3\n", 1, 0,
		"t.vroeg:4:8: error: bucket `a` has a capacity but no overflow: the households that get no place would have no bucket (add `overflow BUCKET`)\n"
		"  bucket a capacity 3\n"
		"         ^\n");
}
END_TEST

START_TEST(an_overflow_without_capacity_is_a_warning)
{
	expect(HEAD "otherwise -> a\nbucket a overflow b\nbucket b\n", 0, 1,
		"t.vroeg:4:10: warning: bucket `a` has no capacity, so nothing ever overflows\n"
		"  bucket a overflow b\n"
		"           ^~~~~~~~~~\n");
}
END_TEST

START_TEST(bucket_clauses_are_checked)
{
	expect(HEAD "otherwise -> a\nbucket a capacity 1 overflow b\nbucket b without phon -> a spread over wijk\nbucket c backfill from a\n", 3, 1,
		"t.vroeg:5:18: error: a redirect is `without phone -> BUCKET` or `without email -> BUCKET`; did you mean `phone`?\n"
		"  bucket b without phon -> a spread over wijk\n"
		"                   ^~~~\n"
		"t.vroeg:5:40: error: places can be spread over `district` only\n"
		"  bucket b without phon -> a spread over wijk\n"
		"                                         ^~~~\n"
		"t.vroeg:5:8: warning: bucket `b` spreads places but has no capacity, so every household gets one\n"
		"  bucket b without phon -> a spread over wijk\n"
		"         ^\n"
		"t.vroeg:6:8: error: bucket `c` back-fills spare places but has no capacity\n"
		"  bucket c backfill from a\n"
		"         ^\n");
}
END_TEST

START_TEST(a_repeated_bucket_clause_is_reported_where_it_is_repeated)
{
	expect(HEAD "otherwise -> a\nbucket a capacity 1 overflow b capacity 2\nbucket b\n", 1, 0,
		"t.vroeg:4:32: error: `capacity` is given twice for bucket `a`\n"
		"  bucket a capacity 1 overflow b capacity 2\n"
		"                                 ^~~~~~~~~~\n");
}
END_TEST

START_TEST(capacity_unlimited_is_a_capacity_given_once)
{
	/* Either a number or unlimited: both is a capacity given twice. */
	expect(HEAD "otherwise -> a\nbucket a capacity 1 overflow b capacity unlimited\nbucket b capacity unlimited\n", 1, 0,
		"t.vroeg:4:32: error: `capacity` is given twice for bucket `a`\n"
		"  bucket a capacity 1 overflow b capacity unlimited\n"
		"                                 ^~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "otherwise -> a\nbucket a capacity unlimited capacity 5\n", 1, 0,
		"t.vroeg:4:29: error: `capacity` is given twice for bucket `a`\n"
		"  bucket a capacity unlimited capacity 5\n"
		"                              ^~~~~~~~~~\n");
}
END_TEST

START_TEST(capacity_unlimited_is_no_capacity_to_the_other_clauses)
{
	/* No overflow is needed; nothing overflows; a spread gives every
	 * household a place; there are no spare places to back-fill. */
	expect(HEAD "otherwise -> a\nbucket a capacity unlimited\n", 0, 0, "");
	expect(HEAD "otherwise -> a\nbucket a capacity unlimited overflow b\nbucket b capacity unlimited\n", 0, 1,
		"t.vroeg:4:29: warning: bucket `a` has no capacity, so nothing ever overflows\n"
		"  bucket a capacity unlimited overflow b\n"
		"                              ^~~~~~~~~~\n");
	expect(HEAD "otherwise -> a\nbucket a capacity unlimited spread over district\n", 0, 1,
		"t.vroeg:4:8: warning: bucket `a` spreads places but has no capacity, so every household gets one\n"
		"  bucket a capacity unlimited spread over district\n"
		"         ^\n");
	expect(HEAD "otherwise -> a\nbucket a\nbucket c capacity unlimited backfill from a\n", 1, 0,
		"t.vroeg:5:8: error: bucket `c` back-fills spare places but has no capacity\n"
		"  bucket c capacity unlimited backfill from a\n"
		"         ^\n");
}
END_TEST

START_TEST(an_overflow_target_without_a_capacity_is_warned)
{
	/* One warning per bucket that overflows into it, at the target. */
	expect(HEAD "match -> a\nany sector = rent -> b\notherwise -> c\n"
		"bucket a capacity 30 overflow mail\nbucket b capacity 5 overflow mail\nbucket c\nbucket mail\n", 0, 2,
		"t.vroeg:9:8: warning: bucket `mail` has no capacity but takes the overflow of `a` (capacity 30, line 6): "
		"every household `a` turns away lands here without limit; write `capacity unlimited` on `mail` if that is meant\n"
		"  bucket mail\n"
		"         ^~~~\n"
		"t.vroeg:9:8: warning: bucket `mail` has no capacity but takes the overflow of `b` (capacity 5, line 7): "
		"every household `b` turns away lands here without limit; write `capacity unlimited` on `mail` if that is meant\n"
		"  bucket mail\n"
		"         ^~~~\n");
	/* A rule of its own does not change that the overflow has no limit. */
	checked c;
	check_text(&c, HEAD "match -> a\notherwise -> mail\nbucket a capacity 30 overflow mail\nbucket mail\n");
	ck_assert_int_eq(c.d.warnings, 1);
	ck_assert_ptr_nonnull(strstr(messages(&c), "takes the overflow of `a`"));
	done(&c);
	/* A target with a capacity of its own, or unlimited on purpose: fine. */
	expect(HEAD "match -> a\notherwise -> b\nbucket a capacity 30 overflow b\nbucket b capacity 50 overflow mail\n"
		"bucket mail capacity unlimited\n", 0, 0, "");
	/* A bucket nothing sends to is warned for that, and sends nothing on. */
	expect(HEAD "otherwise -> c\nbucket a capacity 30 overflow mail\nbucket c\nbucket mail\n", 0, 2,
		"t.vroeg:4:8: warning: no rule, overflow or redirect sends households to bucket `a`\n"
		"  bucket a capacity 30 overflow mail\n"
		"         ^\n"
		"t.vroeg:6:8: warning: no rule, overflow or redirect sends households to bucket `mail`\n"
		"  bucket mail\n"
		"         ^~~~\n");
}
END_TEST

START_TEST(a_bucket_reached_only_by_redirects_is_warned)
{
	expect(HEAD "match -> a\notherwise -> b\nbucket a without phone -> card\nbucket b without email -> card\nbucket card\n", 0, 1,
		"t.vroeg:7:8: warning: bucket `card` is reached only by redirects (line 5: `without phone -> card`; "
		"line 6: `without email -> card`) and no rule of its own; "
		"write `capacity unlimited` on it if every such household is meant to go there\n"
		"  bucket card\n"
		"         ^~~~\n");
	/* A rule of its own, or unlimited on purpose: fine. */
	expect(HEAD "match -> a\nany sector = rent -> card\notherwise -> b\nbucket a without phone -> card\nbucket b\nbucket card\n",
	       0, 0, "");
	expect(HEAD "match -> a\notherwise -> b\nbucket a without phone -> card\nbucket b\nbucket card capacity unlimited\n",
	       0, 0, "");
	/* Only the overflow warning for a bucket that also takes an overflow. */
	checked c;
	check_text(&c, HEAD "match -> a\notherwise -> b\nbucket a capacity 3 overflow mail\nbucket b without phone -> mail\n"
		"bucket mail\n");
	ck_assert_msg(c.d.warnings == 1 && strstr(messages(&c), "takes the overflow of `a`"), "%s", messages(&c));
	done(&c);
	/* Many redirects: the first three are named. */
	expect(HEAD "match -> a\notherwise -> b\nbucket a without phone -> x without email -> x\n"
		"bucket b without phone -> x without email -> x\nbucket x\n", 0, 1,
		"t.vroeg:7:8: warning: bucket `x` is reached only by redirects (line 5: `without phone -> x`; "
		"line 5: `without email -> x`; line 6: `without phone -> x`; and 1 more) and no rule of its own; "
		"write `capacity unlimited` on it if every such household is meant to go there\n"
		"  bucket x\n"
		"         ^\n");
}
END_TEST

/* BUG (checker.c, check_bucket): CL_WITHOUT is exempt from the "given twice"
 * check (so that `without phone` and `without email` can both be given), so
 * the same redirect given twice, "without phone -> b without phone -> c", is
 * not reported: the last one silently wins, and lint then says that nothing
 * sends households to `b`. */
START_TEST(the_same_redirect_given_twice_is_an_error)
{
	checked c;
	check_text(&c, HEAD "otherwise -> a\nbucket a without phone -> b without phone -> c\nbucket b\nbucket c\n");
	ck_assert_msg(c.d.errors == 1, "a second `without phone` is not reported:\n%s", messages(&c));
	done(&c);
	/* Both redirects, one of each, are fine. */
	expect(HEAD "otherwise -> a\nbucket a without phone -> b without email -> c\nbucket b capacity unlimited\nbucket c capacity unlimited\n",
	       0, 0, "");
}
END_TEST

START_TEST(buckets_are_resolved_to_indexes)
{
	checked c;
	check_text(&c, HEAD "match -> visit\notherwise -> letter\n"
		"bucket visit capacity 4 overflow phone\n"
		"bucket phone capacity 2 overflow letter without phone -> letter\n"
		"bucket letter capacity unlimited\n"
		"bucket spare capacity 3 overflow letter backfill from letter spread over district\n");
	ck_assert_int_eq(c.d.errors, 0);
	const chk_policy *p = c.pol;
	ck_assert_int_eq(p->nbuckets, 4);
	ck_assert_int_eq(p->nrules, 2);
	ck_assert_int_eq(p->rule_bucket[0], 0);
	ck_assert_int_eq(p->rule_bucket[1], 2);
	ck_assert_int_eq(p->buckets[0].capacity, 4);
	ck_assert_int_eq(p->buckets[0].overflow, 1);
	ck_assert_int_eq(p->buckets[1].without_phone, 2);
	ck_assert_int_eq(p->buckets[1].without_email, -1);
	ck_assert_int_eq(p->buckets[2].capacity, -1);
	ck_assert(p->buckets[2].unlimited);
	ck_assert(!p->buckets[0].unlimited && !p->buckets[3].unlimited);
	ck_assert_int_eq(p->buckets[3].backfill_from, 2);
	ck_assert(p->buckets[3].spread);
	done(&c);
}
END_TEST

/* ---- the rules as a whole ------------------------------------------------------- */

START_TEST(rules_without_otherwise_can_fall_through)
{
	expect(HEAD "match -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: a household can fall through every rule without a bucket; end the rules with `otherwise -> BUCKET`\n"
		"  match -> a\n"
		"  ^~~~~~~~~~\n");
}
END_TEST

START_TEST(bands_that_leave_a_gap_name_the_amount)
{
	expect(HEAD "arrears < 250 -> a\narrears > 250 -> b\nbucket a\nbucket b\n", 1, 0,
		"t.vroeg:4:1: error: a household can fall through every rule without a bucket: the last bands leave EUR 250.00 uncovered; cover it or end with `otherwise -> BUCKET`\n"
		"  arrears > 250 -> b\n"
		"  ^~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "arrears > 100 -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:1: error: a household can fall through every rule without a bucket: the last bands leave EUR 0.00 uncovered; cover it or end with `otherwise -> BUCKET`\n"
		"  arrears > 100 -> a\n"
		"  ^~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "arrears < 250.50 -> a\narrears >= 250.60 -> b\nbucket a\nbucket b\n", 1, 0,
		"t.vroeg:4:1: error: a household can fall through every rule without a bucket: the last bands leave EUR 250.50 uncovered; cover it or end with `otherwise -> BUCKET`\n"
		"  arrears >= 250.60 -> b\n"
		"  ^~~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(bands_that_cover_every_amount_end_the_rules)
{
	/* P4: email below 250, phone 250-500, home visit above 500. */
	checked c;
	check_text(&c, HEAD "any kind = end_of_supply -> urgent\n"
		"arrears < 250 -> email\narrears between 250 and 500 -> phone\narrears > 500 -> visit\n"
		"bucket urgent\nbucket email\nbucket phone\nbucket visit\n");
	ck_assert_msg(c.d.errors == 0 && c.d.warnings == 0, "%s", messages(&c));
	ck_assert((c.pol->cover_end >= 0));
	done(&c);

	/* Counts are bands too; "500 < arrears" reads as "arrears > 500". */
	check_text(&c, HEAD "creditors < 2 -> a\ncreditors >= 2 -> b\nbucket a\nbucket b\n");
	ck_assert_msg(c.d.errors == 0 && c.d.warnings == 0, "%s", messages(&c));
	ck_assert((c.pol->cover_end >= 0));
	done(&c);
	check_text(&c, HEAD "arrears <= 500 -> a\n500 < arrears -> b\nbucket a\nbucket b\n");
	ck_assert_msg(c.d.errors == 0 && c.d.warnings == 0, "%s", messages(&c));
	ck_assert((c.pol->cover_end >= 0));
	done(&c);
}
END_TEST

START_TEST(bands_on_a_value_that_can_be_missing_do_not_end_the_rules)
{
	/* max days_overdue is missing when no signal says it: every band fails. */
	expect(HEAD "max days_overdue < 30 -> a\nmax days_overdue >= 30 -> b\nbucket a\nbucket b\n", 1, 0,
		"t.vroeg:4:1: error: a household can fall through every rule without a bucket; end the rules with `otherwise -> BUCKET`\n"
		"  max days_overdue >= 30 -> b\n"
		"  ^~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(overlapping_bands_are_a_warning)
{
	expect(HEAD "arrears <= 250 -> a\narrears between 250 and 500 -> b\narrears > 500 -> c\nbucket a\nbucket b\nbucket c\n", 0, 1,
		"t.vroeg:4:1: warning: this band overlaps the one on line 3: at EUR 250.00 the rule on line 3 applies first\n"
		"  arrears between 250 and 500 -> b\n"
		"  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(a_gap_between_bands_before_otherwise_is_a_warning)
{
	expect(HEAD "arrears < 250 -> a\narrears between 260 and 500 -> b\nany kind = cak -> c\notherwise -> c\nbucket a\nbucket b\nbucket c\n", 0, 1,
		"t.vroeg:3:1: warning: these bands leave EUR 250.00 uncovered: no band on lines 3-4 takes it\n"
		"  arrears < 250 -> a\n"
		"  ^~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(a_rule_after_otherwise_never_applies)
{
	expect(HEAD "otherwise -> a\nmatch -> b\nbucket a\nbucket b\n", 0, 1,
		"t.vroeg:4:1: warning: this rule can never apply: `otherwise` on line 3 applies first to every household\n"
		"  match -> b\n"
		"  ^~~~~~~~~~\n");
}
END_TEST

START_TEST(a_repeated_condition_never_applies)
{
	expect(HEAD "any sector = rent and match -> a\nany sector = rent and match -> b\notherwise -> a\nbucket a\nbucket b\n", 0, 1,
		"t.vroeg:4:1: warning: this rule can never apply: the rule on line 3 has the same condition and comes first\n"
		"  any sector = rent and match -> b\n"
		"  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	/* A different window is a different condition. */
	expect(HEAD "signals in previous 3 months >= 1 -> a\nsignals in previous 6 months >= 1 -> a\notherwise -> a\nbucket a\n", 0, 0, "");
}
END_TEST

START_TEST(a_rule_implied_by_an_earlier_one_never_applies)
{
	expect(HEAD "match -> a\nmatch and any sector = rent -> b\narrears > 500 -> a\narrears > 1000 -> b\nsingle or match -> a\notherwise -> b\nbucket a\nbucket b\n", 0, 2,
		"t.vroeg:4:1: warning: this rule can never apply: whenever its condition holds, so does the one on line 3, which comes first\n"
		"  match and any sector = rent -> b\n"
		"  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
		"t.vroeg:6:1: warning: this rule can never apply: whenever its condition holds, so does the one on line 5, which comes first\n"
		"  arrears > 1000 -> b\n"
		"  ^~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(a_rule_after_bands_that_take_every_value_never_applies)
{
	checked c;
	check_text(&c, HEAD "arrears < 250 -> a\narrears >= 250 -> b\nany kind = cak -> a\notherwise -> b\nbucket a\nbucket b\n");
	ck_assert_str_eq(messages(&c),
		"t.vroeg:5:1: warning: this rule can never apply: the bands on lines 3-4 take every value first\n"
		"  any kind = cak -> a\n"
		"  ^~~~~~~~~~~~~~~~~~~\n");
	ck_assert_int_eq(c.pol->cover_end, 1);
	done(&c);
}
END_TEST

START_TEST(an_unused_definition_is_a_warning)
{
	expect(HEAD "define big = arrears > 1000\ndefine huge = arrears > 5000\nhuge -> a\notherwise -> a\nbucket a\n", 0, 1,
		"t.vroeg:3:8: warning: `big` is defined but never used\n"
		"  define big = arrears > 1000\n"
		"         ^~~\n");
}
END_TEST

START_TEST(a_definition_used_only_as_an_order_key_is_used)
{
	expect(HEAD "define owed = total arrears within 3 months\notherwise -> a\nbucket a capacity 1 by owed desc overflow b\n"
	       "bucket b capacity unlimited\n", 0, 0, "");
}
END_TEST

START_TEST(a_policy_without_the_legal_person_exclusion_is_warned)
{
	expect("policy \"T\"\notherwise -> a\nbucket a\n", 0, 1,
		"t.vroeg:1:1: warning: this policy never excludes legal persons; signals about them may not be followed up (add `exclude \"legal person\" before counting when any legal_form = legal`)\n"
		"  policy \"T\"\n"
		"  ^~~~~~~~~~\n");
	/* Excluding them later, among the rules, is not "before counting". */
	expect("policy \"T\"\nexclude \"legal person\" when any legal_form = legal\notherwise -> a\nbucket a\n", 0, 1,
		"t.vroeg:1:1: warning: this policy never excludes legal persons; signals about them may not be followed up (add `exclude \"legal person\" before counting when any legal_form = legal`)\n"
		"  policy \"T\"\n"
		"  ^~~~~~~~~~\n");
}
END_TEST

/* Mentioning legal_form is not enough: excluding only households ALL of
 * whose signals are legal, or excluding natural persons, still follows up
 * signals about legal persons, which field-policies.md forbids. */
START_TEST(an_exclusion_that_lets_legal_persons_through_is_warned)
{
	static const char *const texts[] = {
		"policy \"T\"\nexclude \"legal person\" before counting when all legal_form = legal\notherwise -> a\nbucket a\n",
		"policy \"T\"\nexclude \"legal person\" before counting when any legal_form = natural\notherwise -> a\nbucket a\n",
	};
	for (size_t i = 0; i < 2; i++) {
		checked c;
		check_text(&c, texts[i]);
		ck_assert_msg(c.d.warnings == 1, "no warning for:\n%s", texts[i]);
		done(&c);
	}
}
END_TEST

START_TEST(a_bucket_with_no_follow_up_is_warned)
{
	expect(HEAD "match -> a\notherwise -> none\nbucket a\nbucket none no follow-up\n", 0, 1,
		"t.vroeg:6:8: warning: households in bucket `none` get no offer of help; since 2021 the law (Wgs) requires an offer on every signal picked up\n"
		"  bucket none no follow-up\n"
		"         ^~~~\n");
}
END_TEST

START_TEST(a_bucket_nothing_sends_to_is_warned)
{
	expect(HEAD "otherwise -> a\nbucket a\nbucket b\n", 0, 1,
		"t.vroeg:5:8: warning: no rule, overflow or redirect sends households to bucket `b`\n"
		"  bucket b\n"
		"         ^\n");
	/* An overflow or a redirect sends households there; a back-fill source
	 * is not sent to by back-filling. */
	expect(HEAD "otherwise -> a\nbucket a capacity 1 overflow b without email -> c\nbucket b capacity unlimited\n"
	       "bucket c capacity unlimited\n", 0, 0, "");
}
END_TEST

START_TEST(a_file_checked_after_one_with_errors_gets_its_bucket_warnings)
{
	/* lint checks many files into one sink: the warnings given only to a
	 * file without errors look at that file's errors, not at the sink's. */
	checked c;
	check_text(&c, HEAD "otherwise -> nowhere\nbucket a\n");
	ck_assert_int_eq(c.d.errors, 1);
	ck_assert_int_eq(c.d.warnings, 0);
	static const char second[] = HEAD "match -> a\notherwise -> a\nbucket a capacity 2 overflow b\nbucket b\nbucket c\n";
	ast_file *f = parse_rules(&c.a, &c.d, "u.vroeg", second, sizeof second - 1);
	check_policy(&c.a, &c.d, f);
	ck_assert_int_eq(c.d.errors, 1);
	ck_assert_msg(c.d.warnings == 2 && strstr(messages(&c), "u.vroeg:6:8: warning: bucket `b` has no capacity but takes") &&
		      strstr(messages(&c), "u.vroeg:7:8: warning: no rule, overflow or redirect sends households to bucket `c`"),
		      "%s", messages(&c));
	done(&c);
}
END_TEST

START_TEST(outcomes_of_the_run_month_are_warned)
{
	expect(HEAD "any outcome = refused -> a\notherwise -> a\nbucket a\n", 0, 1,
		"t.vroeg:3:1: warning: outcomes of the run month itself are rarely recorded yet; did you mean `in previous N months`?\n"
		"  any outcome = refused -> a\n"
		"  ^~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(a_window_is_at_least_a_month)
{
	expect(HEAD "signals within 0 months > 1 -> a\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:3:9: error: a window is at least 1 month\n"
		"  signals within 0 months > 1 -> a\n"
		"          ^~~~~~~~~~~~~~~\n");
}
END_TEST

START_TEST(labels_are_declared_once_with_else_last)
{
	expect(HEAD "otherwise -> a\nbucket a\nlabel l = x when arrears > 5, else y\nlabel l = x when arrears > 5\nlabel m = else y, x when match\n", 2, 0,
		"t.vroeg:6:7: error: label `l` is declared twice (first on line 5)\n"
		"  label l = x when arrears > 5\n"
		"        ^\n"
		"t.vroeg:7:16: error: `else` must be the last case of a label\n"
		"  label m = else y, x when match\n"
		"                 ^\n");
}
END_TEST

START_TEST(a_file_without_a_policy_line_is_an_error)
{
	expect("exclude \"legal person\" before counting when any legal_form = legal\notherwise -> a\nbucket a\n", 1, 0,
		"t.vroeg:1:1: error: a rule file starts with `policy \"NAME\"` (and optionally `version` and `effective YYYY-MM`)\n"
		"  exclude \"legal person\" before counting when any legal_form = legal\n"
		"  ^\n");
}
END_TEST

START_TEST(the_window_the_policy_reaches_is_its_lookback)
{
	checked c;
	check_text(&c, HEAD "any outcome = refused in previous 9 months -> a\notherwise -> a\nbucket a\n");
	ck_assert_int_eq(c.d.errors, 0);
	ck_assert_int_eq(c.pol->lookback, 9);
	done(&c);
	check_text(&c, HEAD "creditors within 12 months >= 2 -> a\notherwise -> a\nbucket a\n");
	ck_assert_int_eq(c.pol->lookback, 11);
	done(&c);
}
END_TEST

/* Every published field policy checks without an error. */
START_TEST(the_field_policies_check)
{
	DIR *dir = opendir("rules");
	ck_assert_msg(dir != NULL, "run the tests from the top of the repository");
	int n = 0;
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL) {
		const size_t len = strlen(ent->d_name);
		if (len < 7 || strcmp(ent->d_name + len - 6, ".vroeg") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "rules/%s", ent->d_name);
		FILE *f = fopen(path, "rb");
		ck_assert_ptr_nonnull(f);
		char *text = malloc(1 << 16);
		const size_t got = fread(text, 1, (1 << 16) - 1, f);
		text[got] = '\0';
		fclose(f);
		checked c;
		check_text(&c, text);
		ck_assert_msg(c.d.errors == 0, "%s:\n%s", path, messages(&c));
		done(&c);
		free(text);
		n++;
	}
	closedir(dir);
	ck_assert_int_ge(n, 8);
}
END_TEST

/* ---- limits ------------------------------------------------------------------ */

/* A policy whose definitions d1..dN each use the one before; the rule uses dN. */
static char *definition_chain(int n, const char *first)
{
	size_t size = (size_t)n * 64 + 1024, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, HEAD "d1 when %s\n", first);
	for (int k = 2; k <= n; k++)
		len += (size_t)snprintf(t + len, size - len, "d%d when d%d or arrears > %d\n", k, k - 1, k);
	snprintf(t + len, size - len, "d%d -> a\notherwise -> a\nbucket a\n", n);
	return t;
}

static bool compiles(const char *text, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	diag d;
	diag_init(&d, f);
	bc_program p;
	const bool ok = compile_policy("t.vroeg", text, strlen(text), &d, &p);
	if (ok)
		bc_program_free(&p);
	fclose(f);
	return ok;
}

START_TEST(definitions_nest_to_the_limit_and_no_further)
{
	char *out = NULL;
	char *text = definition_chain(CHK_MAX_DEF_NESTING, "arrears > 1");
	ck_assert_msg(compiles(text, &out), "%s", out);
	free(out);
	free(text);
	/* One more: an error at the definition that goes past the limit, said
	 * once, not an internal error of the verifier. */
	text = definition_chain(CHK_MAX_DEF_NESTING + 3, "arrears > 1");
	ck_assert(!compiles(text, &out));
	ck_assert_str_eq(out,
		"t.vroeg:18:1: error: `d16` nests 16 levels deep (it uses `d15`); definitions nest at most 15 levels "
		"(each definition used, and each condition of `any`, `all` or `with`, is a level)\n"
		"  d16 when d15 or arrears > 16\n"
		"  ^~~\n");
	free(out);
	free(text);
}
END_TEST

START_TEST(a_condition_of_any_is_a_level_of_nesting)
{
	char *out = NULL;
	char *text = definition_chain(CHK_MAX_DEF_NESTING, "any arrears > 1");
	ck_assert(!compiles(text, &out));
	const char *want = "t.vroeg:17:1: error: `d15` nests 16 levels deep (it uses `d14`);";
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	free(out);
	free(text);
	text = definition_chain(CHK_MAX_DEF_NESTING - 1, "any arrears > 1");
	ck_assert_msg(compiles(text, &out), "%s", out);
	free(out);
	free(text);
}
END_TEST

START_TEST(a_window_is_at_most_1000_months)
{
	/* (Checked in passes: the skip before the rules.) */
	expect(HEAD "signals within 1000 months > 1 -> a\nsignals in previous 1001 months > 1 -> a\n"
	       "skip signal \"again\" when same creditor in previous 5000 months\notherwise -> a\nbucket a\n", 2, 0,
		"t.vroeg:5:40: error: a window is at most 1000 months\n"
		"  skip signal \"again\" when same creditor in previous 5000 months\n"
		"                                         ^~~~~~~~~~~~~~~~~~~~~~~\n"
		"t.vroeg:4:9: error: a window is at most 1000 months\n"
		"  signals in previous 1001 months > 1 -> a\n"
		"          ^~~~~~~~~~~~~~~~~~~~~~~\n");
}
END_TEST

/* Bands that cover every amount end the rules however many there are. */
START_TEST(many_bands_that_cover_every_amount_end_the_rules)
{
	enum { N = 960 };
	size_t size = N * 64 + 512, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, HEAD);
	for (int k = 0; k < N - 1; k++)
		len += (size_t)snprintf(t + len, size - len, "arrears between %d and %d.99 -> a\n", 10 * k, 10 * k + 9);
	snprintf(t + len, size - len, "arrears >= %d -> a\nbucket a\n", 10 * (N - 1));
	expect(t, 0, 0, "");
	free(t);
}
END_TEST

/* The first overlap in rule order, as the plain comparison of every pair of
 * bands finds it, on generated runs of bands. */
START_TEST(overlaps_among_many_bands_are_those_every_pair_shows)
{
	uint64_t rng = 42;
	for (int round = 0; round < 200; round++) {
		const int n = 2 + (int)(round % 60);
		int64_t lo[64], hi[64];
		size_t size = 64 * 64 + 512, len = 0;
		char *t = malloc(size);
		ck_assert_ptr_nonnull(t);
		len += (size_t)snprintf(t + len, size - len, HEAD);
		for (int k = 0; k < n; k++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			/* Mostly disjoint, now and then wider or empty. */
			const int kind = (int)(rng >> 60);
			int a = 10 * k, b = 10 * k + 9;
			if (kind == 0)
				a -= 25, b += 3;
			else if (kind == 1)
				a += 5, b = a - 3;   /* "between 15 and 12": takes nothing */
			else if (kind == 2)
				a += 2, b -= 2;
			if (a < 0)
				a = 0;
			lo[k] = a, hi[k] = b;
			len += (size_t)snprintf(t + len, size - len, "creditors between %d and %d -> a\n", a, b);
		}
		snprintf(t + len, size - len, "otherwise -> a\nbucket a\n");
		int wi = -1, wj = -1;
		for (int i = 1; i < n && wi < 0; i++)
			for (int j = 0; j < i; j++)
				if (lo[j] <= hi[i] && lo[i] <= hi[j] && !(lo[j] <= lo[i] && hi[i] <= hi[j])) {
					wi = i, wj = j;
					break;
				}
		checked c;
		check_text(&c, t);
		const char *got = strstr(messages(&c), "this band overlaps");
		if (wi < 0) {
			ck_assert_msg(!got, "round %d: no overlap, but:\n%s", round, messages(&c));
		} else {
			char want[256];
			snprintf(want, sizeof want, "t.vroeg:%d:1: warning: this band overlaps the one on line %d: at %lld the rule",
				 wi + 3, wj + 3, (long long)(lo[wi] > lo[wj] ? lo[wi] : lo[wj]));
			ck_assert_msg(strstr(messages(&c), want), "round %d: want %s\ngot:\n%s", round, want, messages(&c));
		}
		done(&c);
		free(t);
	}
}
END_TEST

/* Peak memory (KiB) of `vroeg lint` of TEXT: the test's only child, so
 * getrusage of RUSAGE_CHILDREN is the child's own. */
static long lint_peak_kb(const char *text)
{
	char path[] = "/tmp/vroeg-big-XXXXXX";
	const int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	const char *v = getenv("VROEG") ? getenv("VROEG") : "build/vroeg";
	char *argv[] = { (char *)v, "lint", path, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	extern char **environ;
	pid_t pid;
	ck_assert_int_eq(posix_spawn(&pid, v, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	struct rusage ru;
	ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
	unlink(path);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) <= 2, "lint ended with status %d", status);
	return ru.ru_maxrss;
}

/* Generous: a few times what the policy text takes. Before the checker's
 * arrays grew by doubling, these took 1.6, 4.7 and 2.2 GB. */
enum { BIG_POLICY_KB = 256 * 1024 };

START_TEST(twenty_thousand_rules_take_little_memory)
{
	enum { N = 20000 };
	size_t size = (size_t)N * 64 + 4096, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, HEAD);
	for (int k = 0; k < N; k++)
		len += (size_t)snprintf(t + len, size - len, "single and arrears between %d and %d.99 -> b%d\n", 10 * k, 10 * k + 9, k % 50);
	len += (size_t)snprintf(t + len, size - len, "otherwise -> b0\n");
	for (int k = 0; k < 50; k++)
		len += (size_t)snprintf(t + len, size - len, "bucket b%d\n", k);
	const long kb = lint_peak_kb(t);
	ck_assert_msg(kb < BIG_POLICY_KB, "lint of 20,000 rules peaked at %ld KiB", kb);
	free(t);
}
END_TEST

START_TEST(twenty_thousand_definitions_take_little_memory)
{
	enum { N = 20000 };
	size_t size = (size_t)N * 64 + 4096, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, HEAD "d0 when arrears > 1\n");
	/* Each uses one four times closer to the top: a few levels deep. */
	for (int k = 1; k < N; k++)
		len += (size_t)snprintf(t + len, size - len, "d%d when d%d or arrears > %d\n", k, k / 4, k);
	len += (size_t)snprintf(t + len, size - len, "d%d -> a\notherwise -> a\nbucket a\n", N - 1);
	const long kb = lint_peak_kb(t);
	ck_assert_msg(kb < BIG_POLICY_KB, "lint of 20,000 definitions peaked at %ld KiB", kb);
	free(t);
}
END_TEST

START_TEST(eight_thousand_chained_buckets_take_little_memory)
{
	enum { N = 8000 };
	size_t size = (size_t)N * 64 + 4096, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, HEAD "otherwise -> b0\n");
	/* Declared last to first, so no bucket is reached before the one above it. */
	len += (size_t)snprintf(t + len, size - len, "bucket b%d capacity unlimited\n", N - 1);
	for (int k = N - 2; k >= 0; k--)
		len += (size_t)snprintf(t + len, size - len, "bucket b%d capacity 10 overflow b%d\n", k, k + 1);
	const long kb = lint_peak_kb(t);
	ck_assert_msg(kb < BIG_POLICY_KB, "lint of 8,000 chained buckets peaked at %ld KiB", kb);
	free(t);
}
END_TEST


/* ---- named numbers, contact terms, feedback codes, rotation ------------------ */

/* A named number stands where a number of its kind can: in a floor, a skip,
 * an exclusion before counting, a `with` condition, `>= N creditors`, a
 * capacity; above or below its definition. Its kind comes from its first
 * use (whole euros become cents). */
START_TEST(a_named_number_stands_where_a_number_of_its_kind_can)
{
	checked c;
	check_text(&c, HEAD
		   "exclude \"big\" before counting when any arrears > floor\n"
		   "define floor = 100\n"
		   "define old = 3\n"
		   "define visits = 30\n"
		   "define overdue = 90\n"
		   "define adult = 18\n"
		   "count signal when arrears >= floor and (days_overdue <= overdue or days_overdue is missing)\n"
		   "skip signal \"s\" when same creditor in previous month and arrears < floor -> a\n"
		   ">= old creditors within 3 months -> a\n"
		   "signals with arrears > floor within 3 months >= old -> a\n"
		   "any age between adult and 27 -> a\n"
		   "otherwise -> a\n"
		   "bucket a capacity visits overflow b\nbucket b capacity unlimited\n");
	ck_assert_msg(c.d.errors == 0 && c.d.warnings == 0, "%s", messages(&c));
	static const struct { const char *name; enum ast_type kind; int64_t value; } want[] = {
		{ "floor", TY_MONEY, 10000 }, { "old", TY_COUNT, 3 }, { "visits", TY_COUNT, 30 },
		{ "overdue", TY_DAYS, 90 }, { "adult", TY_YEARS, 18 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const chk_def *def = NULL;
		for (int k = 0; k < c.pol->ndefs; k++)
			if (strcmp(c.pol->defs[k].name, want[i].name) == 0)
				def = &c.pol->defs[k];
		ck_assert_ptr_nonnull(def);
		ck_assert(def->param);
		ck_assert_int_eq(def->type, want[i].kind);
		ck_assert_int_eq(def->value, want[i].value);
	}
	ck_assert_int_eq(c.pol->buckets[0].capacity, 30);
	ck_assert_int_ge(c.pol->buckets[0].capacity_param, 0);
	done(&c);
}
END_TEST

/* Used as one kind and then as another: an error at the later use in the
 * file, naming the line of the other, whichever the checker met first. */
START_TEST(a_named_number_has_one_kind)
{
	expect(HEAD "define floor = 100\narrears > floor -> a\ncreditors >= floor -> a\notherwise -> a\nbucket a\n", 1, 0,
	       "t.vroeg:5:14: error: `floor` is an amount of money on line 4, and a count here: a named number stands for one kind of value\n"
	       "  creditors >= floor -> a\n"
	       "               ^~~~~\n");
	/* The floor is checked before the rules, yet the rule is the earlier line. */
	expect(HEAD "define floor = 100\narrears > floor -> a\ncount signal when days_overdue > floor\notherwise -> a\nbucket a\n", 1, 0,
	       "t.vroeg:5:34: error: `floor` is an amount of money on line 4, and a number of days here: a named number stands for one kind of value\n"
	       "  count signal when days_overdue > floor\n"
	       "                                   ^~~~~\n");
	/* Written as money, it is money. */
	expect(HEAD "define floor = EUR 100\ncreditors >= floor -> a\notherwise -> a\nbucket a\n", 1, 0,
	       "t.vroeg:4:1: error: cannot compare a count with an amount of money\n"
	       "  creditors >= floor -> a\n"
	       "  ^~~~~~~~~~~~~~~~~~\n");
	expect(HEAD "define visits = 30\ncreditors >= visits -> a\notherwise -> a\n"
	       "bucket a capacity visits overflow b\nbucket b capacity unlimited\n", 0, 0, "");
	expect(HEAD "define floor = 100\narrears > floor -> a\notherwise -> a\nbucket a capacity floor overflow b\nbucket b\n", 1, 0,
	       "t.vroeg:6:19: error: `floor` is an amount of money on line 4, and a count here: a named number stands for one kind of value\n"
	       "  bucket a capacity floor overflow b\n"
	       "                    ^~~~~\n");
	expect(HEAD "define floor = 10.50\notherwise -> a\nbucket a capacity floor overflow b\nbucket b\n", 1, 0,
	       "t.vroeg:5:19: error: a capacity is a number of households; `floor` is an amount of money\n"
	       "  bucket a capacity floor overflow b\n"
	       "                    ^~~~~\n");
}
END_TEST

/* Where a named number cannot stand, the message says why. */
START_TEST(a_named_number_is_a_number_of_a_kind_and_nothing_else)
{
	expect(HEAD "define floor = 100\n"
	       "any brp_match = floor -> a\n"
	       "any days_overdue in {1, floor} -> a\n"
	       "floor -> a\n"
	       "otherwise -> a\n"
	       "bucket a by floor desc\n", 4, 0,
	       "t.vroeg:8:13: error: `floor` is a named number, the same for every household: it cannot order places\n"
	       "  bucket a by floor desc\n"
	       "              ^~~~~\n"
	       "t.vroeg:4:17: error: `floor` is a named number: it stands for an amount, a count, a number of days or an age, not a 0/1 flag\n"
	       "  any brp_match = floor -> a\n"
	       "                  ^~~~~\n"
	       "t.vroeg:5:25: error: a set lists values written out; `floor` is a named number (compare with it: `... >= floor`)\n"
	       "  any days_overdue in {1, floor} -> a\n"
	       "                          ^~~~~\n"
	       "t.vroeg:6:1: error: expected a condition, but this is a number\n"
	       "  floor -> a\n"
	       "  ^~~~~\n");
	expect(HEAD "define floor = 100\n"
	       "define low = floor\n"
	       "x when 5\n"
	       "signals within floor months >= 1 -> a\n"
	       "otherwise -> a\nbucket a\n", 3, 2,
	       "t.vroeg:4:8: error: `low` only renames the named number `floor`; use `floor` itself\n"
	       "  define low = floor\n"
	       "         ^~~\n"
	       "t.vroeg:5:1: error: `x` is only a number; name a number with `define x = ...`\n"
	       "  x when 5\n"
	       "  ^\n"
	       "t.vroeg:6:16: error: a window's length is written as a number of months (`within 3 months`); "
	       "`floor` cannot set it: named numbers stand for amounts, counts, days, ages and capacities\n"
	       "  signals within floor months >= 1 -> a\n"
	       "                 ^~~~~\n"
	       "t.vroeg:4:8: warning: `low` is defined but never used\n"
	       "  define low = floor\n"
	       "         ^~~\n"
	       "t.vroeg:5:1: warning: `x` is defined but never used\n"
	       "  x when 5\n"
	       "  ^\n");
	expect(HEAD "define visits = 30\notherwise -> a\nbucket a capacity vists overflow b\nbucket b capacity nothing overflow c\n"
	       "bucket c\n", 2, 1,
	       "t.vroeg:5:19: error: `vists` is not a named number; did you mean `visits`?\n"
	       "  bucket a capacity vists overflow b\n"
	       "                    ^~~~~\n"
	       "t.vroeg:6:19: error: `nothing` is not a named number: a capacity is a whole number (`capacity 30`), "
	       "`capacity unlimited`, or a name given one with `define nothing = 30`\n"
	       "  bucket b capacity nothing overflow c\n"
	       "                    ^~~~~~~\n"
	       "t.vroeg:3:8: warning: `visits` is defined but never used\n"
	       "  define visits = 30\n"
	       "         ^~~~~~\n");
}
END_TEST

START_TEST(a_contact_term_is_days_weeks_or_working_days_up_to_a_year)
{
	checked c;
	check_text(&c, HEAD "otherwise -> a\n"
		   "bucket a within 3 working days overflow b capacity 5\n"
		   "bucket b within 4 weeks\n"
		   "bucket c within 1 day\n"
		   "bucket d within 1 working day\nbucket e within 1 week\nbucket f within 366 days\n");
	ck_assert_int_eq(c.d.errors, 0);
	static const int unit[] = { CAL_WORKING_DAYS, CAL_WEEKS, CAL_DAYS, CAL_WORKING_DAYS, CAL_WEEKS, CAL_DAYS };
	static const int term[] = { 3, 4, 1, 1, 1, 366 };
	for (int b = 0; b < 6; b++) {
		ck_assert_int_eq(c.pol->buckets[b].term_unit, unit[b]);
		ck_assert_int_eq(c.pol->buckets[b].term, term[b]);
	}
	done(&c);
	expect(HEAD "otherwise -> a\n"
	       "bucket a within 0 days\n"
	       "bucket b within 261 working days\n"
	       "bucket c within 53 weeks\n"
	       "bucket d within 2 months\n"
	       "bucket e within 367 days within 1 week\n"
	       "bucket f no follow-up within 3 days\n", 7, 0,
	       "t.vroeg:4:10: error: a contact term is at least 1 day\n"
	       "  bucket a within 0 days\n"
	       "           ^~~~~~~~~~~~~\n"
	       "t.vroeg:5:10: error: a contact term is at most 260 working days (about a year)\n"
	       "  bucket b within 261 working days\n"
	       "           ^~~~~~~~~~~~~~~~~~~~~~~\n"
	       "t.vroeg:6:10: error: a contact term is at most 52 weeks (about a year)\n"
	       "  bucket c within 53 weeks\n"
	       "           ^~~~~~~~~~~~~~~\n"
	       "t.vroeg:7:10: error: a contact term is counted in days, weeks or working days "
	       "(the Wgs norm: `within 4 weeks`; `within 3 working days` when urgent)\n"
	       "  bucket d within 2 months\n"
	       "           ^~~~~~~~~~~~~~~\n"
	       "t.vroeg:8:10: error: a contact term is at most 366 days (about a year)\n"
	       "  bucket e within 367 days within 1 week\n"
	       "           ^~~~~~~~~~~~~~~\n"
	       "t.vroeg:8:26: error: `within` is given twice for bucket `e`\n"
	       "  bucket e within 367 days within 1 week\n"
	       "                           ^~~~~~~~~~~~~\n"
	       "t.vroeg:9:8: error: bucket `f` has no follow-up, so it has no contact term\n"
	       "  bucket f no follow-up within 3 days\n"
	       "         ^\n");
}
END_TEST

START_TEST(a_feedback_code_is_one_of_the_seven)
{
	checked c;
	check_text(&c, HEAD "exclude \"x\" when any known_debt_help feedback already_known\n"
		   "skip signal \"s\" when same creditor in previous month feedback 3\n"
		   "otherwise -> a\nbucket a feedback 7\n");
	ck_assert_int_eq(c.d.errors, 0);
	ck_assert_int_eq(c.pol->rules[0]->feedback.code, FEEDBACK_ALREADY_KNOWN);
	ck_assert_int_eq(c.pol->skips[0]->feedback.code, FEEDBACK_REPEAT_SIGNAL);
	ck_assert_int_eq(c.pol->before[0]->feedback.code, FEEDBACK_NONE);
	ck_assert_int_eq(c.pol->buckets[0].feedback, FEEDBACK_DECEASED);
	done(&c);
#define CODES "(the codes: 1 wrongly_reported, 2 not_picked_up, 3 repeat_signal, 4 already_known, 5 help_accepted, " \
	      "6 not_reached_or_no_help, 7 deceased)"
	expect(HEAD "exclude \"x\" when any known_debt_help feedback 8\n"
	       "otherwise -> a\n"
	       "bucket a feedback allready_known\n"
	       "bucket b feedback zzz feedback 4\n"
	       "bucket c feedback 0\n", 5, 0,
	       "t.vroeg:5:19: error: `allready_known` is not a feedback code; did you mean `already_known`? " CODES "\n"
	       "  bucket a feedback allready_known\n"
	       "                    ^~~~~~~~~~~~~~\n"
	       "t.vroeg:6:19: error: `zzz` is not a feedback code " CODES "\n"
	       "  bucket b feedback zzz feedback 4\n"
	       "                    ^~~\n"
	       "t.vroeg:6:23: error: `feedback` is given twice for bucket `b`\n"
	       "  bucket b feedback zzz feedback 4\n"
	       "                        ^~~~~~~~~~\n"
	       "t.vroeg:7:19: error: `0` is not a feedback code " CODES "\n"
	       "  bucket c feedback 0\n"
	       "                    ^\n"
	       "t.vroeg:3:47: error: `8` is not a feedback code " CODES "\n"
	       "  exclude \"x\" when any known_debt_help feedback 8\n"
	       "                                                ^\n");
#undef CODES
}
END_TEST

START_TEST(a_spread_may_rotate)
{
	checked c;
	check_text(&c, HEAD "otherwise -> a\nbucket a capacity 3 spread over district rotating overflow b\n"
		   "bucket b spread over district\n");
	ck_assert(c.pol->buckets[0].spread && c.pol->buckets[0].rotating);
	ck_assert(c.pol->buckets[1].spread && !c.pol->buckets[1].rotating);
	done(&c);
	expect(HEAD "otherwise -> a\nbucket a spread over wijk rotating\n", 1, 1,
	       "t.vroeg:4:22: error: places can be spread over `district` only\n"
	       "  bucket a spread over wijk rotating\n"
	       "                       ^~~~\n"
	       "t.vroeg:4:8: warning: bucket `a` spreads places but has no capacity, so every household gets one\n"
	       "  bucket a spread over wijk rotating\n"
	       "         ^\n");
}
END_TEST

Suite *checker_suite(void)
{
	Suite *s = suite_create("checker");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, unknown_name_suggests_the_field_meant);
	tcase_add_test(tc, unknown_name_far_from_every_name_gets_no_suggestion);
	tcase_add_test(tc, misspelled_definition_suggests_the_definition);
	tcase_add_test(tc, misspelled_bucket_suggests_the_bucket);
	tcase_add_test(tc, undefined_bucket_says_how_to_declare_it);
	tcase_add_test(tc, misspelled_sector_suggests_the_sector);
	tcase_add_test(tc, misspelled_signal_field_in_same_suggests_the_field);
	tcase_add_test(tc, a_bare_word_compared_with_text_asks_for_quotes);
	suite_add_tcase(s, tc);

	tc = tcase_create("types");
	tcase_add_test(tc, a_count_is_not_money);
	tcase_add_test(tc, days_are_not_money);
	tcase_add_test(tc, money_is_not_text);
	tcase_add_test(tc, enums_compare_only_for_equality);
	tcase_add_test(tc, a_flag_is_zero_or_one);
	tcase_add_test(tc, a_rule_needs_a_condition_not_a_number);
	tcase_add_test(tc, whole_euros_compared_with_money_become_cents);
	suite_add_tcase(s, tc);

	tc = tcase_create("scopes");
	tcase_add_test(tc, a_signal_field_at_household_level_needs_any_or_all);
	tcase_add_test(tc, one_wrong_side_of_a_comparison_gives_one_error);
	tcase_add_test(tc, a_household_name_inside_any_is_refused);
	tcase_add_test(tc, same_belongs_in_a_skip);
	tcase_add_test(tc, a_definition_can_only_use_definitions_above_it);
	tcase_add_test(tc, before_counting_the_arrears_are_not_known);
	tcase_add_test(tc, before_counting_a_definition_cannot_be_used);
	tcase_add_test(tc, a_definition_may_not_take_a_field_name_or_be_given_twice);
	tcase_add_test(tc, a_policy_may_redefine_a_built_in);
	suite_add_tcase(s, tc);

	tc = tcase_create("buckets");
	tcase_add_test(tc, a_bucket_is_declared_once);
	tcase_add_test(tc, excluded_is_not_a_bucket);
	tcase_add_test(tc, buckets_may_not_overflow_in_a_cycle);
	tcase_add_test(tc, a_capacity_needs_an_overflow);
	tcase_add_test(tc, an_overflow_without_capacity_is_a_warning);
	tcase_add_test(tc, bucket_clauses_are_checked);
	tcase_add_test(tc, a_repeated_bucket_clause_is_reported_where_it_is_repeated);
	tcase_add_test(tc, the_same_redirect_given_twice_is_an_error);
	tcase_add_test(tc, capacity_unlimited_is_a_capacity_given_once);
	tcase_add_test(tc, capacity_unlimited_is_no_capacity_to_the_other_clauses);
	tcase_add_test(tc, an_overflow_target_without_a_capacity_is_warned);
	tcase_add_test(tc, a_bucket_reached_only_by_redirects_is_warned);
	tcase_add_test(tc, buckets_are_resolved_to_indexes);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_test(tc, rules_without_otherwise_can_fall_through);
	tcase_add_test(tc, bands_that_leave_a_gap_name_the_amount);
	tcase_add_test(tc, bands_that_cover_every_amount_end_the_rules);
	tcase_add_test(tc, bands_on_a_value_that_can_be_missing_do_not_end_the_rules);
	tcase_add_test(tc, overlapping_bands_are_a_warning);
	tcase_add_test(tc, a_gap_between_bands_before_otherwise_is_a_warning);
	tcase_add_test(tc, a_rule_after_otherwise_never_applies);
	tcase_add_test(tc, a_repeated_condition_never_applies);
	tcase_add_test(tc, a_rule_implied_by_an_earlier_one_never_applies);
	tcase_add_test(tc, a_rule_after_bands_that_take_every_value_never_applies);
	suite_add_tcase(s, tc);

	tc = tcase_create("warnings");
	tcase_add_test(tc, an_unused_definition_is_a_warning);
	tcase_add_test(tc, a_definition_used_only_as_an_order_key_is_used);
	tcase_add_test(tc, a_policy_without_the_legal_person_exclusion_is_warned);
	tcase_add_test(tc, an_exclusion_that_lets_legal_persons_through_is_warned);
	tcase_add_test(tc, a_bucket_with_no_follow_up_is_warned);
	tcase_add_test(tc, a_bucket_nothing_sends_to_is_warned);
	tcase_add_test(tc, a_file_checked_after_one_with_errors_gets_its_bucket_warnings);
	tcase_add_test(tc, outcomes_of_the_run_month_are_warned);
	tcase_add_test(tc, a_window_is_at_least_a_month);
	tcase_add_test(tc, labels_are_declared_once_with_else_last);
	tcase_add_test(tc, a_file_without_a_policy_line_is_an_error);
	tcase_add_test(tc, the_window_the_policy_reaches_is_its_lookback);
	tcase_add_test(tc, the_field_policies_check);
	suite_add_tcase(s, tc);

	tc = tcase_create("named numbers, terms, feedback");
	tcase_add_test(tc, a_named_number_stands_where_a_number_of_its_kind_can);
	tcase_add_test(tc, a_named_number_has_one_kind);
	tcase_add_test(tc, a_named_number_is_a_number_of_a_kind_and_nothing_else);
	tcase_add_test(tc, a_contact_term_is_days_weeks_or_working_days_up_to_a_year);
	tcase_add_test(tc, a_feedback_code_is_one_of_the_seven);
	tcase_add_test(tc, a_spread_may_rotate);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, definitions_nest_to_the_limit_and_no_further);
	tcase_add_test(tc, a_condition_of_any_is_a_level_of_nesting);
	tcase_add_test(tc, a_window_is_at_most_1000_months);
	tcase_add_test(tc, many_bands_that_cover_every_amount_end_the_rules);
	tcase_add_test(tc, overlaps_among_many_bands_are_those_every_pair_shows);
	tcase_add_test(tc, twenty_thousand_rules_take_little_memory);
	tcase_add_test(tc, twenty_thousand_definitions_take_little_memory);
	tcase_add_test(tc, eight_thousand_chained_buckets_take_little_memory);
	suite_add_tcase(s, tc);
	return s;
}
