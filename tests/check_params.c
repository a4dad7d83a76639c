/* check_params.c - named numbers in a compiled program (bytecode_params.c):
 * setting one decides exactly as the policy with that number written in,
 * for every household of every month of the example city, on several
 * policies; a named number's constant is its own (a literal of the same
 * value keeps its value); capacities follow; a .vrb keeps its named numbers
 * and can be set as well; the values are read as the language writes them,
 * and a wrong name or value is refused with a message that says why. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "compile.h"
#include "run.h"
#include "vm.h"

#define HEAD "policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal\n"

/* Capture of what a call reports. */
typedef struct sink {
	char *text;
	size_t len;
	FILE *f;
	diag d;
} sink;

static void sink_open(sink *s)
{
	memset(s, 0, sizeof *s);
	s->f = open_memstream(&s->text, &s->len);
	ck_assert_ptr_nonnull(s->f);
	diag_init(&s->d, s->f);
}

static const char *sink_text(sink *s)
{
	fflush(s->f);
	return s->text;
}

static void sink_close(sink *s)
{
	fclose(s->f);
	free(s->text);
}

static void compile_ok(const char *text, bc_program *p)
{
	sink s;
	sink_open(&s);
	const bool ok = compile_policy("t.vroeg", text, strlen(text), &s.d, p);
	ck_assert_msg(ok, "does not compile:\n%s\n%s", text, sink_text(&s));
	sink_close(&s);
}

/* ---- a policy written with named numbers, and the same with values ------------ */

/* A template: `@name@` is a use of a named number; a line `define name = V`
 * defines it. Expanded with named numbers it reads `name`; expanded with
 * VALUES (`name=text` each) the uses read the text and each define line is
 * a comment, so the lines stay where they were (rules cite them). */
static char *expand(const char *tmpl, const char *const *values, size_t nvalues)
{
	size_t cap = strlen(tmpl) * 2 + 256, n = 0;
	char *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	for (const char *c = tmpl; *c;) {
		ck_assert_uint_lt(n + 128, cap);
		if (values && strncmp(c, "define ", 7) == 0 && (c == tmpl || c[-1] == '\n')) {
			const char *eol = strchr(c, '\n');
			n += (size_t)snprintf(out + n, cap - n, "# a named number");
			c = eol ? eol : c + strlen(c);
			continue;
		}
		if (*c != '@') {
			out[n++] = *c++;
			continue;
		}
		const char *end = strchr(c + 1, '@');
		ck_assert_ptr_nonnull(end);
		const size_t len = (size_t)(end - c - 1);
		const char *with = NULL;
		for (size_t i = 0; values && i < nvalues; i++)
			if (strncmp(values[i], c + 1, len) == 0 && values[i][len] == '=')
				with = values[i] + len + 1;
		if (values)
			ck_assert_msg(with != NULL, "no value for %.*s", (int)len, c + 1);
		n += (size_t)snprintf(out + n, cap - n, "%.*s", with ? (int)strlen(with) : (int)len, with ? with : c + 1);
		c = end + 1;
	}
	out[n] = '\0';
	return out;
}

static store *city(void)
{
	diag d;
	diag_init(&d, stderr);
	store *s = store_open(":memory:", 0, &d);
	ck_assert_ptr_nonnull(s);
	store_import_counts counts;
	FILE *in = fopen("examples/city/signals.csv", "rb");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(store_import_signals(s, in, "signals.csv", &d, &counts), STORE_OK);
	fclose(in);
	in = fopen("examples/city/outcomes.csv", "rb");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(store_import_outcomes(s, in, "outcomes.csv", &d, &counts), STORE_OK);
	fclose(in);
	return s;
}

/* Every row and every count of A and B alike; the number of rows that
 * differ from the policy as written (BASE) is added to *MOVED. */
static void same_month(const run_result *a, const run_result *b, const run_result *base, const char *what,
		       long *moved)
{
	ck_assert_uint_eq(a->set.nrows, b->set.nrows);
	ck_assert_uint_eq(a->set.nlabels, b->set.nlabels);
	ck_assert_int_eq(a->set.has_due, b->set.has_due);
	for (size_t i = 0; i < a->set.nrows; i++) {
		vr_decision_row ab, bb, cb;
		const vr_decision_row *x = vr_decision_at(&a->set, i, &ab), *y = vr_decision_at(&b->set, i, &bb);
		const vr_decision_row *z = vr_decision_at(&base->set, i, &cb);
		ck_assert_str_eq(x->household, y->household);
		ck_assert_msg(strcmp(x->bucket, y->bucket) == 0 && strcmp(x->reason, y->reason) == 0 &&
			      strcmp(x->rule, y->rule) == 0 && strcmp(x->overflowed_from, y->overflowed_from) == 0 &&
			      x->place == y->place && x->arrears == y->arrears && x->due == y->due,
			      "%s, %s: set %s %s %s from %s #%lld due %d; written %s %s %s from %s #%lld due %d", what,
			      x->household, x->bucket, x->reason, x->rule, x->overflowed_from, (long long)x->place,
			      (int)x->due, y->bucket, y->reason, y->rule, y->overflowed_from, (long long)y->place,
			      (int)y->due);
		for (size_t l = 0; l < a->set.nlabels; l++)
			ck_assert_str_eq(x->labels[l], y->labels[l]);
		*moved += strcmp(x->bucket, z->bucket) != 0 || x->place != z->place || x->due != z->due;
	}
	ck_assert_int_eq(a->excluded, b->excluded);
	for (uint32_t r = 0; r < a->program->nrules; r++)
		ck_assert_int_eq(a->per_rule[r], b->per_rule[r]);
	for (uint32_t k = 0; k < a->program->nbuckets; k++) {
		ck_assert_int_eq(a->buckets[k].households, b->buckets[k].households);
		ck_assert_int_eq(a->buckets[k].places_taken, b->buckets[k].places_taken);
		ck_assert_int_eq(a->buckets[k].flow.turned_away, b->buckets[k].flow.turned_away);
		ck_assert_int_eq(a->buckets[k].flow.redirected_no_phone, b->buckets[k].flow.redirected_no_phone);
	}
}

/* For each month of the city: TMPL compiled with its named numbers and then
 * VALUES set, against TMPL with VALUES written in. Returns how many
 * decisions the values changed against the policy as written. */
static long set_decides_as_written(store *s, const char *tmpl, const char *const *values, size_t n)
{
	char *named = expand(tmpl, NULL, 0), *written = expand(tmpl, values, n);
	bc_program pn, pw, base;
	compile_ok(named, &pn);
	compile_ok(named, &base);
	compile_ok(written, &pw);
	ck_assert_uint_gt(pn.nparams, 0);
	ck_assert_uint_eq(pw.nparams, 0);
	sink e;
	sink_open(&e);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(bc_program_set_text(&pn, values[i], &e.d), "%s: %s", values[i], sink_text(&e));
	sink_close(&e);
	long moved = 0;
	diag d;
	diag_init(&d, stderr);
	for (vr_month m = 2023 * 12 + 11; m <= 2024 * 12 + 5; m++) {
		run_result a, b, c;
		ck_assert(run_evaluate(s, &pn, m, &d, &a));
		ck_assert(run_evaluate(s, &pw, m, &d, &b));
		ck_assert(run_evaluate(s, &base, m, &d, &c));
		char what[64];
		snprintf(what, sizeof what, "%s month %d", values[0], m);
		same_month(&a, &b, &c, what, &moved);
		run_result_free(&a);
		run_result_free(&b);
		run_result_free(&c);
	}
	bc_program_free(&pn);
	bc_program_free(&pw);
	bc_program_free(&base);
	free(named);
	free(written);
	return moved;
}

/* P2 with its floor, thresholds and capacities named. The named defaults
 * (100, 500) are also written as literals in the `between` rule: setting
 * the named ones must leave those alone. */
static const char crisis[] =
	"policy \"Crisis queue and capacity overflow\" version 1\n"
	"define floor = 100\n"
	"define big = 500\n"
	"define visits = 30\n"
	"define phone_places = 50\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when arrears >= @floor@ or sector = water\n"
	"any kind in {eviction, end_of_supply}               -> crisis\n"
	"any known_debt_help                                 -> already_known\n"
	"any brp_match = 0                                   -> register_check\n"
	"match                                               -> home_visit\n"
	"single and recidive and arrears > @big@             -> home_visit\n"
	"single and any sector = rent                        -> phone\n"
	"single and recidive and arrears between 100 and 500 -> phone\n"
	"single and arrears > 300                            -> phone\n"
	"otherwise                                           -> letter\n"
	"bucket crisis within 3 working days\n"
	"bucket already_known feedback already_known\n"
	"bucket register_check\n"
	"bucket home_visit capacity @visits@ by arrears desc overflow mail within 4 weeks\n"
	"bucket phone capacity @phone_places@ by arrears desc overflow letter\n"
	"             without phone -> mail\n"
	"bucket mail capacity unlimited\n"
	"bucket letter capacity unlimited\n";

/* P1 with a rotating spread, its floor, the age of a claim and the
 * creditors of a match named (`>= min_creditors creditors`). */
static const char zoetermeer[] =
	"policy \"Zoetermeer pilot\" version \"2018\" effective 2018-09\n"
	"define floor = 50\n"
	"define max_days = 100\n"
	"define min_creditors = 2\n"
	"define visits = 20\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when sector in {rent, health, energy, water}\n"
	"count signal when arrears >= @floor@\n"
	"count signal when days_overdue <= @max_days@ or days_overdue is missing\n"
	"match when >= @min_creditors@ creditors this month or >= @min_creditors@ creditors within 3 months\n"
	"exclude \"register mismatch\" when any brp_match = 0\n"
	"exclude \"known to debt help\" when any known_debt_help feedback already_known\n"
	"exclude \"declined recently\" when any outcome in {refused, reached_no_help} in previous 3 months\n"
	"match     -> home_visit\n"
	"otherwise -> letter\n"
	"bucket home_visit capacity @visits@ spread over district rotating by arrears desc overflow reserve\n"
	"                  within 3 working days\n"
	"bucket reserve capacity unlimited within 4 weeks\n"
	"bucket letter within 10 days\n";

/* P7 with its floor (a decimal amount set), the youth route's age and the
 * home visits named; a label that compares with a named number. */
static const char youth[] =
	"policy \"Youth route\" version 1\n"
	"define floor = 100\n"
	"define youth_max = 27\n"
	"define visits = 15\n"
	"define heavy = 1000\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when arrears > @floor@\n"
	"skip signal \"same signal as last month\" when same creditor in previous month feedback repeat_signal\n"
	"any known_debt_help                  -> already_known\n"
	"any age between 18 and @youth_max@   -> youth_worker\n"
	"arrears > @heavy@ or match           -> home_visit\n"
	"arrears > 500                        -> phone\n"
	"otherwise                            -> letter\n"
	"bucket already_known\n"
	"bucket youth_worker\n"
	"bucket home_visit capacity @visits@ by arrears desc overflow phone\n"
	"bucket phone capacity unlimited\n"
	"bucket letter\n"
	"label weight = heavy when arrears > @heavy@, else light\n";

START_TEST(set_decides_as_the_policy_with_the_values_written_in)
{
	store *s = city();
	static const char *const crisis_a[] = { "floor=150", "big=700", "visits=12", "phone_places=80" };
	static const char *const crisis_b[] = { "floor=0", "big=0", "visits=0", "phone_places=1" };
	static const char *const crisis_c[] = { "floor=100.50", "big=499.99", "visits=31", "phone_places=50" };
	static const char *const zoe_a[] = { "floor=75", "max_days=60", "min_creditors=3", "visits=25" };
	static const char *const zoe_b[] = { "floor=EUR 40", "max_days=365", "min_creditors=1", "visits=3" };
	static const char *const youth_a[] = { "floor=250.50", "youth_max=23", "visits=40", "heavy=800" };
	/* Each set of values changes decisions (else the test would prove little). */
	ck_assert_int_gt(set_decides_as_written(s, crisis, crisis_a, 4), 0);
	ck_assert_int_gt(set_decides_as_written(s, crisis, crisis_b, 4), 0);
	ck_assert_int_gt(set_decides_as_written(s, crisis, crisis_c, 4), 0);
	ck_assert_int_gt(set_decides_as_written(s, zoetermeer, zoe_a, 4), 0);
	ck_assert_int_gt(set_decides_as_written(s, zoetermeer, zoe_b, 4), 0);
	ck_assert_int_gt(set_decides_as_written(s, youth, youth_a, 4), 0);
	store_close(s);
}
END_TEST

/* The compiler never shares a named number's constant with a literal of the
 * same value, nor writes the value into the code: after a change, the named
 * uses read the new value and the literal ones their own. */
START_TEST(a_named_numbers_constant_is_its_own)
{
	bc_program p;
	compile_ok(HEAD "define floor = 100\n"
		   "count signal when arrears >= floor\n"
		   "arrears > 100 -> a\n"
		   "any arrears >= floor -> b\n"
		   "otherwise -> c\n"
		   "bucket a\nbucket b\nbucket c\n", &p);
	ck_assert_uint_eq(p.nparams, 1);
	const uint32_t own = p.params[0].konst;
	ck_assert_uint_ne(own, BC_NONE);
	ck_assert_int_eq(p.consts[own].num, 10000);
	/* Exactly one other constant holds 10000: the literal's. */
	uint32_t literal = BC_NONE;
	for (uint32_t k = 0; k < p.nconsts; k++)
		if (k != own && !p.consts[k].text && p.consts[k].num == 10000) {
			ck_assert_uint_eq(literal, BC_NONE);
			literal = k;
		}
	ck_assert_uint_ne(literal, BC_NONE);
	sink s;
	sink_open(&s);
	ck_assert(bc_program_set(&p, "floor", 15000, &s.d));
	sink_close(&s);
	ck_assert_int_eq(p.consts[own].num, 15000);
	ck_assert_int_eq(p.consts[literal].num, 10000);
	ck_assert_int_eq(p.params[0].value, 15000);
	ck_assert(p.params[0].given);
	/* Still a program the verifier accepts. */
	sink_open(&s);
	ck_assert_msg(bc_verify(&p, &s.d), "%s", sink_text(&s));
	sink_close(&s);
	bc_program_free(&p);
}
END_TEST

/* One signal of EUR 120 and one of EUR 60 from another creditor. */
static const vr_signal two[] = {
	{ "S1", "H", "A", "", 0, VR_DATE_NONE, 12000, VR_MISSING, VR_MISSING, VR_MISSING, 0, 0, 0, -1, 1, 1, 0 },
	{ "S2", "H", "B", "", 0, VR_DATE_NONE, 6000, VR_MISSING, VR_MISSING, VR_MISSING, 0, 0, 0, -1, 1, 1, 0 },
};

static const char *decide(const bc_program *p, bool plain)
{
	vm *v = plain ? vm_new_plain(p) : vm_new(p);
	ck_assert_ptr_nonnull(v);
	const vr_household h = { "H", two, 2, NULL, 0 };
	vm_decision dec;
	ck_assert(vm_decide(v, &h, vr_month_of(0), &dec));
	const char *b = dec.bucket < 0 ? "excluded" : p->consts[p->buckets[dec.bucket].name].text;
	vm_free(v);
	return b;
}

/* The VM turns `arrears >= floor` into a decision diagram with the value in
 * it when the vm is made; a vm made after the change uses the new value,
 * and decides as the plain vm that runs the code. */
START_TEST(a_vm_made_after_a_change_uses_the_new_value)
{
	bc_program p;
	compile_ok(HEAD "define floor = 100\n"
		   "count signal when arrears >= floor\n"
		   "match -> two\notherwise -> one\nbucket two\nbucket one\n", &p);
	ck_assert_str_eq(decide(&p, false), "one");
	sink s;
	sink_open(&s);
	ck_assert(bc_program_set_text(&p, "floor=50", &s.d));
	ck_assert(decide(&p, false) == decide(&p, true));
	ck_assert_str_eq(decide(&p, false), "two");
	ck_assert(bc_program_set_text(&p, "floor=EUR 120.01", &s.d));
	ck_assert_str_eq(decide(&p, false), "excluded");
	ck_assert_str_eq(decide(&p, true), "excluded");
	sink_close(&s);
	bc_program_free(&p);
}
END_TEST

START_TEST(a_capacity_follows_its_named_number)
{
	bc_program p;
	compile_ok(HEAD "define visits = 30\n"
		   "otherwise -> a\n"
		   "bucket a capacity visits overflow b\nbucket b capacity visits overflow c\nbucket c\n", &p);
	ck_assert_int_eq(p.buckets[0].capacity, 30);
	ck_assert_uint_eq(p.buckets[0].capacity_param, 1);
	ck_assert_uint_eq(p.buckets[2].capacity_param, 0);
	ck_assert_uint_eq(p.params[0].konst, BC_NONE);   /* no code reads it */
	ck_assert_int_eq(p.params[0].kind, TY_COUNT);
	sink s;
	sink_open(&s);
	ck_assert(bc_program_set_text(&p, "visits=0", &s.d));
	ck_assert_int_eq(p.buckets[0].capacity, 0);
	ck_assert_int_eq(p.buckets[1].capacity, 0);
	ck_assert_int_eq(p.buckets[2].capacity, -1);
	ck_assert(bc_verify(&p, &s.d));
	sink_close(&s);
	bc_program_free(&p);
}
END_TEST

/* Written to a .vrb and read back, the named numbers are there, and a set
 * decides as it does on the program compiled from the text. */
START_TEST(a_compiled_policy_keeps_its_named_numbers)
{
	char *named = expand(crisis, NULL, 0);
	bc_program p, q;
	compile_ok(named, &p);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert(bc_write(&p, f));
	fclose(f);
	sink s;
	sink_open(&s);
	ck_assert_msg(bc_read(&q, (const uint8_t *)buf, len, "t.vrb", &s.d), "%s", sink_text(&s));
	ck_assert_uint_eq(q.nparams, p.nparams);
	for (uint32_t i = 0; i < p.nparams; i++) {
		ck_assert_str_eq(q.consts[q.params[i].name].text, p.consts[p.params[i].name].text);
		ck_assert_int_eq(q.params[i].kind, p.params[i].kind);
		ck_assert_int_eq(q.params[i].value, p.params[i].value);
		ck_assert_uint_eq(q.params[i].konst, p.params[i].konst);
		ck_assert_uint_eq(q.params[i].line, p.params[i].line);
	}
	for (uint32_t b = 0; b < p.nbuckets; b++) {
		ck_assert_uint_eq(q.buckets[b].capacity_param, p.buckets[b].capacity_param);
		ck_assert_uint_eq(q.buckets[b].term_unit, p.buckets[b].term_unit);
		ck_assert_uint_eq(q.buckets[b].term, p.buckets[b].term);
		ck_assert_uint_eq(q.buckets[b].feedback, p.buckets[b].feedback);
	}
	static const char *const values[] = { "floor=150", "big=700", "visits=12", "phone_places=80" };
	for (size_t i = 0; i < 4; i++) {
		ck_assert(bc_program_set_text(&p, values[i], &s.d));
		ck_assert(bc_program_set_text(&q, values[i], &s.d));
	}
	sink_close(&s);
	store *st = city();
	diag d;
	diag_init(&d, stderr);
	run_result a, b;
	ck_assert(run_evaluate(st, &p, 2024 * 12 + 5, &d, &a));
	ck_assert(run_evaluate(st, &q, 2024 * 12 + 5, &d, &b));
	long moved = 0;
	same_month(&a, &b, &a, "vrb", &moved);
	run_result_free(&a);
	run_result_free(&b);
	store_close(st);
	bc_program_free(&p);
	bc_program_free(&q);
	free(buf);
	free(named);
}
END_TEST

/* Values as the language writes them, in each named number's kind. */
START_TEST(values_are_read_as_the_language_writes_them)
{
	bc_program p;
	compile_ok(HEAD "define floor = 100\ndefine overdue = 30\ndefine adult = 18\ndefine n = 2\ndefine cap = 5\n"
		   "define spare = 7\n"
		   "count signal when arrears >= floor and (days_overdue <= overdue or days_overdue is missing)\n"
		   "any age >= adult -> a\n>= n creditors -> a\notherwise -> b\n"
		   "bucket a capacity cap overflow b\nbucket b\n", &p);
	ck_assert_uint_eq(p.nparams, 6);
	ck_assert_int_eq(p.params[bc_param_find(&p, "floor")].kind, TY_MONEY);
	ck_assert_int_eq(p.params[bc_param_find(&p, "overdue")].kind, TY_DAYS);
	ck_assert_int_eq(p.params[bc_param_find(&p, "adult")].kind, TY_YEARS);
	ck_assert_int_eq(p.params[bc_param_find(&p, "n")].kind, TY_COUNT);
	ck_assert_int_eq(p.params[bc_param_find(&p, "cap")].kind, TY_COUNT);
	ck_assert_int_eq(p.params[bc_param_find(&p, "spare")].kind, TY_NUMBER);   /* never used */
	ck_assert_int_eq(bc_param_find(&p, "nothing"), -1);
	int64_t v;
	sink s;
	sink_open(&s);
	const uint32_t floor = (uint32_t)bc_param_find(&p, "floor"), days = (uint32_t)bc_param_find(&p, "overdue");
	static const struct { const char *text; int64_t cents; } money[] = {
		{ "150", 15000 }, { "150.5", 15050 }, { "150.50", 15050 }, { "EUR 150", 15000 },
		{ "\xe2\x82\xac" "150", 15000 }, { "0", 0 }, { "0.01", 1 },
	};
	for (size_t i = 0; i < sizeof money / sizeof money[0]; i++) {
		ck_assert_msg(bc_param_parse(&p, floor, money[i].text, &v, &s.d), "%s", money[i].text);
		ck_assert_int_eq(v, money[i].cents);
	}
	ck_assert(bc_param_parse(&p, days, "90", &v, &s.d));
	ck_assert_int_eq(v, 90);
	ck_assert(bc_param_parse(&p, days, "9223372036854775807", &v, &s.d));
	ck_assert_str_eq(sink_text(&s), "");
	static const char *const bad_money[] = { "", "abc", "1.234", "-5", "150,50", "1e3" };
	for (size_t i = 0; i < sizeof bad_money / sizeof bad_money[0]; i++)
		ck_assert_msg(!bc_param_parse(&p, floor, bad_money[i], &v, &s.d), "%s", bad_money[i]);
	static const char *const bad_whole[] = { "", "1.5", "EUR 3", "-1", "9223372036854775808", "3x" };
	for (size_t i = 0; i < sizeof bad_whole / sizeof bad_whole[0]; i++)
		ck_assert_msg(!bc_param_parse(&p, days, bad_whole[i], &v, &s.d), "%s", bad_whole[i]);
	sink_close(&s);

	char text[64];
	sink_open(&s);
	ck_assert(bc_program_set_text(&p, "floor=99.9", &s.d));
	bc_param_format(&p, floor, text, sizeof text);
	ck_assert_str_eq(text, "floor=99.90");
	bc_param_format(&p, days, text, sizeof text);
	ck_assert_str_eq(text, "overdue=30");
	sink_close(&s);
	bc_program_free(&p);
}
END_TEST

static void refused(bc_program *p, const char *setting, const char *want)
{
	sink s;
	sink_open(&s);
	ck_assert_msg(!bc_program_set_text(p, setting, &s.d), "%s accepted", setting);
	ck_assert_str_eq(sink_text(&s), want);
	sink_close(&s);
}

START_TEST(a_wrong_name_or_value_is_refused_with_the_reason)
{
	bc_program p;
	compile_ok(HEAD "define floor = 100\ndefine visits = 30\ndefine overdue = 30\n"
		   "count signal when arrears >= floor and (days_overdue <= overdue or days_overdue is missing)\n"
		   "otherwise -> a\nbucket a capacity visits overflow b\nbucket b\n", &p);
	refused(&p, "flor=150", "vroeg: --set flor: the policy names no number `flor`; did you mean `floor`?\n");
	refused(&p, "xyz=1", "vroeg: --set xyz: the policy names no number `xyz` (it names: floor, visits, overdue)\n");
	refused(&p, "floor=abc",
		"vroeg: --set floor=abc: `floor` is an amount of money: write it as in the policy, e.g. 150, 150.50 or \"EUR 150\"\n");
	refused(&p, "visits=2.5", "vroeg: --set visits=2.5: `visits` is a capacity (a number of households): write a whole number\n");
	refused(&p, "overdue=-3", "vroeg: --set overdue=-3: `overdue` is a number of days: write a whole number\n");
	refused(&p, "floor", "vroeg: --set `floor`: write NAME=VALUE, e.g. --set floor=150\n");
	refused(&p, "=5", "vroeg: --set `=5`: write NAME=VALUE, e.g. --set floor=150\n");
	sink s;
	sink_open(&s);
	ck_assert(!bc_program_set(&p, "overdue", -1, &s.d));
	ck_assert_str_eq(sink_text(&s), "vroeg: --set overdue: -1 is below 0; a named number is never negative\n");
	sink_close(&s);
	/* Refused values change nothing. */
	ck_assert_int_eq(p.params[0].value, 10000);
	ck_assert_int_eq(p.buckets[0].capacity, 30);
	bc_program_free(&p);

	compile_ok(HEAD "otherwise -> a\nbucket a\n", &p);
	refused(&p, "floor=1", "vroeg: --set floor: the policy names no numbers (a policy names one with `define NAME = NUMBER`)\n");
	bc_program_free(&p);
}
END_TEST

/* A copy shares nothing: setting a value in it leaves the original as it
 * was, each decides by its own values, and freeing one leaves the other
 * whole (ASan would see a shared array freed twice). */
START_TEST(a_copy_of_a_program_has_values_of_its_own)
{
	bc_program p, q;
	compile_ok(HEAD "define floor = 100\ndefine visits = 2\n"
		   "count signal when arrears >= floor\n"
		   "match -> two\notherwise -> one\nbucket two capacity visits overflow one\nbucket one\n", &p);
	ck_assert(bc_program_copy(&q, &p));
	ck_assert_ptr_ne(q.consts, p.consts);
	ck_assert_ptr_ne(q.code, p.code);
	ck_assert_ptr_ne(q.policy_name, p.policy_name);
	ck_assert_str_eq(q.policy_name, p.policy_name);
	ck_assert_str_eq(q.source_name, "t.vroeg");
	ck_assert_uint_eq(q.ncode, p.ncode);
	ck_assert_int_eq(memcmp(q.code, p.code, p.ncode), 0);
	sink s;
	sink_open(&s);
	ck_assert(bc_program_set_text(&q, "floor=50", &s.d));
	ck_assert(bc_program_set_text(&q, "visits=7", &s.d));
	ck_assert(bc_verify(&q, &s.d));
	sink_close(&s);
	ck_assert_int_eq(p.params[0].value, 10000);
	ck_assert(!p.params[0].given);
	ck_assert_int_eq(p.buckets[0].capacity, 2);
	ck_assert_int_eq(q.buckets[0].capacity, 7);
	ck_assert_str_eq(decide(&p, false), "one");
	ck_assert_str_eq(decide(&q, false), "two");
	bc_program_free(&p);
	ck_assert_str_eq(decide(&q, true), "two");
	bc_program_free(&q);
}
END_TEST

Suite *params_suite(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("params");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, set_decides_as_the_policy_with_the_values_written_in);
	tcase_add_test(tc, a_named_numbers_constant_is_its_own);
	tcase_add_test(tc, a_vm_made_after_a_change_uses_the_new_value);
	tcase_add_test(tc, a_capacity_follows_its_named_number);
	tcase_add_test(tc, a_compiled_policy_keeps_its_named_numbers);
	tcase_add_test(tc, values_are_read_as_the_language_writes_them);
	tcase_add_test(tc, a_wrong_name_or_value_is_refused_with_the_reason);
	tcase_add_test(tc, a_copy_of_a_program_has_values_of_its_own);
	suite_add_tcase(s, tc);
	return s;
}
