/* check_cond.c - cond_first_implied, the search for the earlier rule that
 * makes a rule never apply, held against the plain search it replaces (every
 * earlier rule, one after the other, each compared the slow way) on
 * generated policies; and the cases that search could not afford: two rules
 * whose comparison the slow way never finishes, and a rule shadowed by one
 * thousands of lines up. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "support.h"

#define HEAD "policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal\n"

/* ---- the plain search, as the checker did it before ------------------------- */

static bool slow_implies(const ast_expr *b, const ast_expr *a)
{
	if (cond_same(b, a))
		return true;
	if (b->kind == E_AND && (slow_implies(b->u.bin.lhs, a) || slow_implies(b->u.bin.rhs, a)))
		return true;
	if (a->kind == E_OR && (slow_implies(b, a->u.bin.lhs) || slow_implies(b, a->u.bin.rhs)))
		return true;
	if (b->kind == E_OR && slow_implies(b->u.bin.lhs, a) && slow_implies(b->u.bin.rhs, a))
		return true;
	if (a->kind == E_AND && slow_implies(b, a->u.bin.lhs) && slow_implies(b, a->u.bin.rhs))
		return true;
	const ast_expr *sa, *sb;
	int64_t alo, ahi, blo, bhi;
	if (cond_band(a, &sa, &alo, &ahi) && cond_band(b, &sb, &blo, &bhi) && cond_same(sa, sb))
		return alo <= blo && bhi <= ahi;
	return false;
}

static int slow_first(ast_expr *const *conds, int i)
{
	for (int j = 0; j < i; j++)
		if (conds[j] && (cond_same(conds[j], conds[i]) || slow_implies(conds[i], conds[j])))
			return j;
	return -1;
}

/* ---- generated conditions -------------------------------------------------- */

static uint64_t rng;

static unsigned roll(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)(rng >> 33) % n;
}

static const char *const atoms[] = {
	"match", "single", "recidive", "any sector = rent", "any sector = water",
	"any kind = eviction", "creditors >= 2", "any known_debt_help",
};
static const int amounts[] = { 0, 100, 250, 500, 1000 };
static const char *const subjects[] = { "arrears", "rent", "creditors" };

static void put_leaf(char *out, size_t size)
{
	const size_t len = strlen(out);
	if (roll(2)) {
		snprintf(out + len, size - len, "%s", atoms[roll(sizeof atoms / sizeof *atoms)]);
		return;
	}
	const char *s = subjects[roll(3)];
	const int a = amounts[roll(5)], b = amounts[roll(5)];
	switch (roll(5)) {
	case 0: snprintf(out + len, size - len, "%s > %d", s, a); break;
	case 1: snprintf(out + len, size - len, "%s < %d", s, a); break;
	case 2: snprintf(out + len, size - len, "%s >= %d", s, a); break;
	case 3: snprintf(out + len, size - len, "%d <= %s", a, s); break;
	default: snprintf(out + len, size - len, "%s between %d and %d", s, a < b ? a : b, a < b ? b : a); break;
	}
}

static void put_cond(char *out, size_t size, int depth)
{
	if (depth == 0 || roll(3) == 0) {
		put_leaf(out, size);
		return;
	}
	strncat(out, "(", size - strlen(out) - 1);
	put_cond(out, size, depth - 1);
	strncat(out, roll(2) ? " and " : " or ", size - strlen(out) - 1);
	put_cond(out, size, depth - 1);
	strncat(out, ")", size - strlen(out) - 1);
}

START_TEST(the_search_finds_what_the_plain_search_finds)
{
	enum { POLICIES = 300, RULES = 40 };
	rng = 20240601;
	int shadowed = 0;
	for (int k = 0; k < POLICIES; k++) {
		static char text[RULES * 1000 + 1024];
		snprintf(text, sizeof text, HEAD);
		for (int r = 0; r < RULES; r++) {
			char cond[1000] = "";
			put_cond(cond, sizeof cond, (int)roll(4));
			const size_t len = strlen(text);
			snprintf(text + len, sizeof text - len, "%s -> a\n", cond);
		}
		strcat(text, "otherwise -> a\nbucket a\n");
		checked c;
		check_text(&c, text);
		ck_assert_msg(c.d.errors == 0, "%s\n%s", text, messages(&c));
		ast_expr *conds[RULES + 1];
		for (int r = 0; r < c.pol->nrules; r++)
			conds[r] = c.pol->rules[r]->cond;
		const int *first = cond_first_implied(&c.a, conds, c.pol->nrules);
		for (int r = 0; r < c.pol->nrules; r++) {
			const int want = conds[r] ? slow_first(conds, r) : -1;
			ck_assert_msg(first[r] == want, "policy %d, rule %d (line %d): found %d, the plain search %d\n%s",
				      k, r, r + 3, first[r], want, text);
			shadowed += want >= 0;
		}
		done(&c);
	}
	/* The generated policies do exercise it. */
	ck_assert_int_gt(shadowed, POLICIES * 3);
}
END_TEST

START_TEST(rules_left_out_are_neither_found_nor_searched_for)
{
	checked c;
	check_text(&c, HEAD "match -> a\nmatch -> a\nmatch -> a\notherwise -> a\nbucket a\n");
	ast_expr *conds[3] = { NULL, c.pol->rules[1]->cond, c.pol->rules[2]->cond };
	const int *first = cond_first_implied(&c.a, conds, 3);
	ck_assert_int_eq(first[0], -1);
	ck_assert_int_eq(first[1], -1);
	ck_assert_int_eq(first[2], 1);
	done(&c);
}
END_TEST

/* "a0 or a1 or ... -> a" then "b0 and b1 and ... -> a": the plain search
 * tries every way of splitting both, exponentially many; remembering the
 * pairs it compared makes it a few hundred steps. */
START_TEST(two_long_rules_are_compared_in_a_few_steps)
{
	static char text[8192];
	snprintf(text, sizeof text, HEAD);
	for (int side = 0; side < 2; side++) {
		for (int k = 0; k < 40; k++) {
			const size_t len = strlen(text);
			snprintf(text + len, sizeof text - len, "%sany creditor = \"%c%d\"", k ? (side ? " and " : " or ") : "",
				 side ? 'b' : 'a', k);
		}
		strcat(text, " -> a\n");
	}
	strcat(text, "otherwise -> a\nbucket a\n");
	checked c;
	check_text(&c, text);
	ck_assert_int_eq(c.d.errors, 0);
	ast_expr *conds[2] = { c.pol->rules[0]->cond, c.pol->rules[1]->cond };
	const int *first = cond_first_implied(&c.a, conds, 2);
	ck_assert_int_eq(first[1], -1);
	done(&c);
}
END_TEST

/* The same with a shadowing rule: "(x0 or ... or x39) -> a" and then
 * "x7 and (y0 and ... ) -> a" is found, however long both are. */
START_TEST(a_long_rule_implied_by_a_long_one_is_found)
{
	static char text[8192];
	snprintf(text, sizeof text, HEAD);
	for (int k = 0; k < 40; k++) {
		const size_t len = strlen(text);
		snprintf(text + len, sizeof text - len, "%sany creditor = \"x%d\"", k ? " or " : "", k);
	}
	strcat(text, " -> a\nany creditor = \"x7\"");
	for (int k = 0; k < 40; k++) {
		const size_t len = strlen(text);
		snprintf(text + len, sizeof text - len, " and any creditor = \"y%d\"", k);
	}
	strcat(text, " -> a\notherwise -> a\nbucket a\n");
	checked c;
	check_text(&c, text);
	ast_expr *conds[2] = { c.pol->rules[0]->cond, c.pol->rules[1]->cond };
	const int *first = cond_first_implied(&c.a, conds, 2);
	ck_assert_int_eq(first[1], 0);
	done(&c);
}
END_TEST

/* Thousands of disjoint bands with a repeat far down, and a band inside one
 * near the top: each found, whatever lies between. */
START_TEST(a_shadow_thousands_of_rules_up_is_found)
{
	enum { N = 5000 };
	size_t size = (size_t)N * 80 + 4096, len = 0;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, size - len, HEAD "single and any sector = water -> a\n");
	for (int k = 0; k < N; k++)
		len += (size_t)snprintf(text + len, size - len, "arrears between %d and %d.99 -> a\n", 10 * k, 10 * k + 9);
	len += (size_t)snprintf(text + len, size - len, "arrears between 20 and 25 -> a\n");
	len += (size_t)snprintf(text + len, size - len, "any sector = water and recidive and single -> a\n");
	snprintf(text + len, size - len, "otherwise -> a\nbucket a\n");
	checked c;
	check_text(&c, text);
	ck_assert_int_eq(c.pol->nrules, N + 4);
	ast_expr **conds = malloc(sizeof *conds * (size_t)c.pol->nrules);
	ck_assert_ptr_nonnull(conds);
	for (int r = 0; r < c.pol->nrules; r++)
		conds[r] = c.pol->rules[r]->cond;
	const int *first = cond_first_implied(&c.a, conds, c.pol->nrules);
	for (int r = 0; r <= N; r++)
		ck_assert_int_eq(first[r], -1);
	ck_assert_int_eq(first[N + 1], 3);   /* inside 20..29.99 */
	ck_assert_int_eq(first[N + 2], 0);   /* more than rule 0 says */
	free(conds);
	done(&c);
	free(text);
}
END_TEST

Suite *cond_suite(void)
{
	Suite *s = suite_create("cond");
	TCase *tc = tcase_create("shadow");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, the_search_finds_what_the_plain_search_finds);
	tcase_add_test(tc, rules_left_out_are_neither_found_nor_searched_for);
	tcase_add_test(tc, two_long_rules_are_compared_in_a_few_steps);
	tcase_add_test(tc, a_long_rule_implied_by_a_long_one_is_found);
	tcase_add_test(tc, a_shadow_thousands_of_rules_up_is_found);
	suite_add_tcase(s, tc);
	return s;
}
