/* check_vm.c - decisions for one household at a time, against the reading
 * rules of field-policies.md: floors (history too), skips and their
 * exclusion reason, windows and their edges, missing values, ages, the
 * household facts (district, phone), distinct creditors, sector totals,
 * aggregates, outcomes, labels and definitions. Policies are compiled from
 * text; households are built by hand. Aggregate values are read exactly
 * through order keys, which the VM computes for every household in a bucket. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "vm.h"

#define HEAD "policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal\n"
#define N(a) (sizeof (a) / sizeof *(a))
#define EUR(x) ((cents_t)(x) * 100)

typedef struct policy {
	bc_program p;
	vm *v;
	vm *plain;          /* vm_new_plain: the oracle every decision is checked against */
	vm_decision dec;
	char last[160];
} policy;

static void load(policy *pl, const char *text)
{
	memset(pl, 0, sizeof *pl);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	diag d;
	diag_init(&d, f);
	const bool ok = compile_policy("t.vroeg", text, strlen(text), &d, &pl->p);
	fclose(f);
	ck_assert_msg(ok, "policy does not compile:\n%s\n%s", text, out);
	free(out);
	pl->v = vm_new(&pl->p);
	pl->plain = vm_new_plain(&pl->p);
	ck_assert_ptr_nonnull(pl->v);
	ck_assert_ptr_nonnull(pl->plain);
}

static void unload(policy *pl)
{
	vm_free(pl->plain);
	vm_free(pl->v);
	bc_program_free(&pl->p);
}

static vr_date day(const char *s)
{
	vr_date d;
	ck_assert_msg(vr_date_parse(s, strlen(s), &d), "bad date %s", s);
	return d;
}

static vr_month month_of(const char *s)
{
	vr_month m;
	ck_assert_msg(vr_month_parse(s, strlen(s), &m), "bad month %s", s);
	return m;
}

/* A signal with every optional field left empty. */
static vr_signal sig(const char *id, const char *received, const char *creditor, enum vr_sector sector, cents_t arrears)
{
	vr_signal s;
	memset(&s, 0, sizeof s);
	s.signal_id = id;
	s.person = "P1";
	s.creditor = creditor;
	s.district = "";
	s.received = day(received);
	s.birth_date = VR_DATE_NONE;
	s.arrears = arrears;
	s.installment = VR_MISSING;
	s.installments_missed = VR_MISSING;
	s.days_overdue = VR_MISSING;
	s.sector = (uint8_t)sector;
	s.kind = KIND_EARLY;
	s.legal_form = LEGAL_NATURAL;
	s.brp_match = -1;
	return s;
}

static vr_outcome outcome(const char *date, enum vr_outcome_kind k)
{
	vr_outcome o = { "", day(date), (uint8_t)k };
	return o;
}

/* The vm's shortcuts decide as the code is written: the plain vm decides H
 * the same in every part a run keeps, and counts the same signals. */
static void same_as_written(policy *pl, const vr_household *h, vr_month m)
{
	vm_decision plain;
	ck_assert(vm_decide(pl->plain, h, m, &plain));
	const vm_decision *d = &pl->dec;
	ck_assert_uint_eq(d->rule, plain.rule);
	ck_assert_int_eq(d->bucket, plain.bucket);
	ck_assert_int_eq(d->arrears, plain.arrears);
	ck_assert_int_eq(d->has_phone, plain.has_phone);
	ck_assert_int_eq(d->has_email, plain.has_email);
	ck_assert_str_eq(d->district, plain.district);
	for (uint32_t k = 0; d->bucket >= 0 && k < vm_order_slots(pl->v); k++)
		ck_assert_int_eq(d->keys[k], plain.keys[k]);
	for (uint32_t l = 0; l < pl->p.nlabels; l++) {
		ck_assert_int_eq(d->labels[l].num, plain.labels[l].num);
		ck_assert(!d->labels[l].text == !plain.labels[l].text);
		if (d->labels[l].text)
			ck_assert_str_eq(d->labels[l].text, plain.labels[l].text);
	}
	for (size_t i = 0; i < h->nsignals; i++) {
		uint32_t skip, plain_skip;
		ck_assert_int_eq(vm_signal(pl->v, i, &skip), vm_signal(pl->plain, i, &plain_skip));
		ck_assert_uint_eq(skip, plain_skip);
	}
}

/* Decides household KEY in month RUN; returns "bucket" or "excluded: reason".
 * The signals must be as household.h requires: sorted by (received,
 * signal_id), none after the run month. */
static const char *decide_full(policy *pl, const char *key, const vr_signal *s, size_t n,
			       const vr_outcome *o, size_t no, const char *run)
{
	const vr_month m = month_of(run);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(vr_month_of(s[i].received) <= m, "signal %s is after the run month", s[i].signal_id);
		if (i > 0)
			ck_assert_msg(s[i - 1].received < s[i].received ||
				      (s[i - 1].received == s[i].received && strcmp(s[i - 1].signal_id, s[i].signal_id) < 0),
				      "signals out of order at %s", s[i].signal_id);
	}
	const vr_household h = { key, s, n, o, no };
	ck_assert(vm_decide(pl->v, &h, m, &pl->dec));
	same_as_written(pl, &h, m);
	const bc_program *p = &pl->p;
	ck_assert_uint_lt(pl->dec.rule, p->nrules);
	const bc_rule *r = &p->rules[pl->dec.rule];
	if (pl->dec.bucket < 0)
		snprintf(pl->last, sizeof pl->last, "excluded: %s", p->consts[r->reason].text);
	else
		snprintf(pl->last, sizeof pl->last, "%s", p->consts[p->buckets[pl->dec.bucket].name].text);
	return pl->last;
}

static const char *decide(policy *pl, const vr_signal *s, size_t n, const char *run)
{
	return decide_full(pl, "H1", s, n, NULL, 0, run);
}

static int bucket_index(const policy *pl, const char *name)
{
	for (uint32_t b = 0; b < pl->p.nbuckets; b++)
		if (strcmp(pl->p.consts[pl->p.buckets[b].name].text, name) == 0)
			return (int)b;
	ck_abort_msg("no bucket %s", name);
	return -1;
}

/* Order key K of bucket NAME for the last household decided. */
static int64_t key(const policy *pl, const char *name, int k)
{
	return pl->dec.keys[vm_order_slot(pl->v, (uint32_t)bucket_index(pl, name)) + (uint32_t)k];
}

static const char *label(const policy *pl, uint32_t l)
{
	ck_assert_uint_lt(l, pl->p.nlabels);
	return pl->dec.labels[l].text;
}

/* ---- floors and exclusions ------------------------------------------------------- */

START_TEST(a_signal_below_the_floor_is_not_counted)
{
	policy pl;
	load(&pl, HEAD "count signal when arrears >= 100\notherwise -> letter\nbucket letter\n");
	vr_signal below[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, 9999) };
	ck_assert_str_eq(decide(&pl, below, 1, "2024-06"), "excluded: not counted");
	/* The exclusion is cited at the floor's line. */
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 3);
	ck_assert_int_eq(vm_signal(pl.v, 0, NULL), VM_SIGNAL_BELOW_FLOOR);

	vr_signal at[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, 10000) };
	ck_assert_str_eq(decide(&pl, at, 1, "2024-06"), "letter");
	ck_assert_int_eq(pl.dec.arrears, 10000);

	/* Arrears are the counted signals' total only. */
	vr_signal mixed[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, 9999),
			      sig("S2", "2024-06-11", "Eneco", SECTOR_ENERGY, 20000) };
	ck_assert_str_eq(decide(&pl, mixed, 2, "2024-06"), "letter");
	ck_assert_int_eq(pl.dec.arrears, 20000);
	ck_assert_int_eq(vm_signal(pl.v, 0, NULL), VM_SIGNAL_BELOW_FLOOR);
	ck_assert_int_eq(vm_signal(pl.v, 1, NULL), VM_SIGNAL_COUNTED);
	unload(&pl);
}
END_TEST

/* household.h asks for no signal after the run month; the VM still ignores
 * one handed to it, in counting, the household's facts and every window. */
START_TEST(a_signal_after_the_run_month_counts_for_nothing)
{
	policy pl;
	load(&pl, HEAD "match -> visit\notherwise -> letter\nbucket visit\nbucket letter\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, EUR(50)),
			  sig("S2", "2024-07-01", "Eneco", SECTOR_ENERGY, EUR(900)) };
	const vr_household h = { "H1", s, 2, NULL, 0 };
	vm_decide(pl.v, &h, month_of("2024-06"), &pl.dec);
	ck_assert_int_lt(pl.dec.bucket, (int32_t)pl.p.nbuckets);
	ck_assert_str_eq(pl.p.consts[pl.p.buckets[pl.dec.bucket].name].text, "letter");
	ck_assert_int_eq(pl.dec.arrears, EUR(50));
	ck_assert_int_eq(vm_signal(pl.v, 1, NULL), VM_SIGNAL_HISTORY_BELOW);
	unload(&pl);
}
END_TEST

START_TEST(several_count_statements_must_all_hold)
{
	policy pl;
	load(&pl, HEAD "count signal when sector in {rent, health}\ncount signal when arrears >= 50\notherwise -> letter\nbucket letter\n");
	vr_signal s1[] = { sig("S1", "2024-06-10", "Woonstad", SECTOR_RENT, EUR(60)) };
	ck_assert_str_eq(decide(&pl, s1, 1, "2024-06"), "letter");
	vr_signal s2[] = { sig("S1", "2024-06-10", "Woonstad", SECTOR_RENT, EUR(40)) };
	ck_assert_str_eq(decide(&pl, s2, 1, "2024-06"), "excluded: not counted");
	vr_signal s3[] = { sig("S1", "2024-06-10", "Eneco", SECTOR_ENERGY, EUR(600)) };
	ck_assert_str_eq(decide(&pl, s3, 1, "2024-06"), "excluded: not counted");
	unload(&pl);
}
END_TEST

START_TEST(floors_apply_to_history_months)
{
	policy pl;
	load(&pl, HEAD "count signal when arrears >= 100\nrecidive -> visit\notherwise -> letter\nbucket visit\nbucket letter\n");
	vr_signal below[] = { sig("S0", "2024-05-15", "Vitens", SECTOR_WATER, 9999),
			      sig("S1", "2024-06-10", "Eneco", SECTOR_ENERGY, 20000) };
	ck_assert_str_eq(decide(&pl, below, 2, "2024-06"), "letter");
	ck_assert_int_eq(vm_signal(pl.v, 0, NULL), VM_SIGNAL_HISTORY_BELOW);
	vr_signal above[] = { sig("S0", "2024-05-15", "Vitens", SECTOR_WATER, 10000),
			      sig("S1", "2024-06-10", "Eneco", SECTOR_ENERGY, 20000) };
	ck_assert_str_eq(decide(&pl, above, 2, "2024-06"), "visit");
	ck_assert_int_eq(vm_signal(pl.v, 0, NULL), VM_SIGNAL_HISTORY_COUNTED);
	/* History never adds to the household's arrears. */
	ck_assert_int_eq(pl.dec.arrears, 20000);
	unload(&pl);

	/* A history creditor below the floor makes no match within 3 months. */
	load(&pl, HEAD "count signal when arrears >= 100\ncreditors within 3 months >= 2 -> visit\notherwise -> letter\nbucket visit\nbucket letter\n");
	ck_assert_str_eq(decide(&pl, below, 2, "2024-06"), "letter");
	ck_assert_str_eq(decide(&pl, above, 2, "2024-06"), "visit");
	unload(&pl);
}
END_TEST

START_TEST(a_policy_without_a_floor_counts_every_signal)
{
	policy pl;
	load(&pl, HEAD "otherwise -> letter\nbucket letter\n");
	ck_assert_uint_eq(pl.p.floor_fn, BC_NONE);
	vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, 1) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "letter");
	ck_assert_int_eq(pl.dec.arrears, 1);
	unload(&pl);
}
END_TEST

START_TEST(the_legal_person_exclusion_comes_before_counting)
{
	policy pl;
	load(&pl, HEAD "count signal when arrears >= 100\notherwise -> letter\nbucket letter\n");
	/* Below the floor, yet excluded as a legal person, not as not counted. */
	vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, 500) };
	s[0].legal_form = LEGAL_LEGAL;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "excluded: legal person");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 2);
	/* Any current signal about a legal person is enough. */
	vr_signal two[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, 50000),
			    sig("S2", "2024-06-11", "Eneco", SECTOR_ENERGY, 50000) };
	two[1].legal_form = LEGAL_LEGAL;
	ck_assert_str_eq(decide(&pl, two, 2, "2024-06"), "excluded: legal person");
	/* A legal-person signal of an earlier month is not current. */
	two[1].legal_form = LEGAL_NATURAL;
	two[0].legal_form = LEGAL_LEGAL;
	two[0].received = day("2024-05-31");
	ck_assert_str_eq(decide(&pl, two, 2, "2024-06"), "letter");
	unload(&pl);
}
END_TEST

START_TEST(an_exclusion_among_the_rules_decides_in_its_place)
{
	policy pl;
	load(&pl, HEAD "any kind = eviction -> crisis\nexclude \"register mismatch\" when any brp_match = 0\notherwise -> letter\nbucket crisis\nbucket letter\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "Woonstad", SECTOR_RENT, 50000) };
	s[0].brp_match = 0;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "excluded: register mismatch");
	ck_assert_int_eq(pl.dec.bucket, -1);
	s[0].kind = KIND_EVICTION;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "crisis");
	unload(&pl);
}
END_TEST

/* ---- skips --------------------------------------------------------------------------- */

static const char p7_skip[] =
	HEAD
	"count signal when arrears > 100\n"
	"skip signal \"same signal as last month\" when same creditor in previous month\n"
	"otherwise -> letter\n"
	"bucket letter\n";

START_TEST(a_repeat_of_last_month_is_skipped_with_the_skip_reason)
{
	policy pl;
	load(&pl, p7_skip);
	vr_signal s[] = { sig("S0", "2024-05-20", "Menzis", SECTOR_HEALTH, EUR(150)),
			  sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(200)) };
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "excluded: same signal as last month");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 4);
	uint32_t skip_rule = 0;
	ck_assert_int_eq(vm_signal(pl.v, 1, &skip_rule), VM_SIGNAL_SKIPPED);
	ck_assert_uint_eq(skip_rule, pl.dec.rule);
	unload(&pl);
}
END_TEST

START_TEST(a_repeat_of_a_signal_below_the_floor_is_not_skipped)
{
	policy pl;
	load(&pl, p7_skip);
	vr_signal s[] = { sig("S0", "2024-05-20", "Menzis", SECTOR_HEALTH, EUR(50)),
			  sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(200)) };
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "letter");
	ck_assert_int_eq(pl.dec.arrears, EUR(200));
	unload(&pl);
}
END_TEST

START_TEST(a_repeat_below_the_floor_is_not_counted_not_skipped)
{
	policy pl;
	load(&pl, p7_skip);
	vr_signal s[] = { sig("S0", "2024-05-20", "Menzis", SECTOR_HEALTH, EUR(150)),
			  sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(50)) };
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "excluded: not counted");
	ck_assert_int_eq(vm_signal(pl.v, 1, NULL), VM_SIGNAL_BELOW_FLOOR);
	unload(&pl);
}
END_TEST

START_TEST(when_every_signal_above_the_floor_repeats_the_skip_reason_wins)
{
	/* One repeat above the floor, one new signal below it: nothing counts,
	 * and what is above the floor is all repeats. */
	policy pl;
	load(&pl, p7_skip);
	vr_signal s[] = { sig("S0", "2024-05-20", "Menzis", SECTOR_HEALTH, EUR(150)),
			  sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(200)),
			  sig("S2", "2024-06-04", "Vitens", SECTOR_WATER, EUR(20)) };
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "excluded: same signal as last month");
	unload(&pl);
}
END_TEST

START_TEST(a_new_creditor_beside_a_repeat_is_counted_alone)
{
	policy pl;
	load(&pl, p7_skip);
	vr_signal s[] = { sig("S0", "2024-05-20", "Menzis", SECTOR_HEALTH, EUR(150)),
			  sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(200)),
			  sig("S2", "2024-06-04", "Vitens", SECTOR_WATER, EUR(300)) };
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "letter");
	ck_assert_int_eq(pl.dec.arrears, EUR(300));
	ck_assert_int_eq(vm_signal(pl.v, 1, NULL), VM_SIGNAL_SKIPPED);
	ck_assert_int_eq(vm_signal(pl.v, 2, NULL), VM_SIGNAL_COUNTED);
	unload(&pl);
}
END_TEST

START_TEST(only_last_month_and_only_the_same_creditor_bytes_repeat)
{
	policy pl;
	load(&pl, p7_skip);
	vr_signal two_back[] = { sig("S0", "2024-04-30", "Menzis", SECTOR_HEALTH, EUR(150)),
				 sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(200)) };
	ck_assert_str_eq(decide(&pl, two_back, 2, "2024-06"), "letter");
	vr_signal other_case[] = { sig("S0", "2024-05-20", "menzis", SECTOR_HEALTH, EUR(150)),
				   sig("S1", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(200)) };
	ck_assert_str_eq(decide(&pl, other_case, 2, "2024-06"), "letter");
	vr_signal first_day[] = { sig("S0", "2024-05-01", "Menzis", SECTOR_HEALTH, EUR(150)),
				  sig("S1", "2024-06-30", "Menzis", SECTOR_HEALTH, EUR(200)) };
	ck_assert_str_eq(decide(&pl, first_day, 2, "2024-06"), "excluded: same signal as last month");
	unload(&pl);
}
END_TEST

/* ---- windows --------------------------------------------------------------------------- */

START_TEST(within_n_months_includes_the_run_month_and_n_minus_1_before)
{
	policy pl;
	load(&pl, HEAD "creditors within 3 months >= 2 -> match3\notherwise -> other\nbucket match3\nbucket other\n");
	vr_signal two_back[] = { sig("S0", "2024-04-01", "Vitens", SECTOR_WATER, EUR(100)),
				 sig("S1", "2024-06-15", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, two_back, 2, "2024-06"), "match3");
	vr_signal three_back[] = { sig("S0", "2024-03-31", "Vitens", SECTOR_WATER, EUR(100)),
				   sig("S1", "2024-06-15", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, three_back, 2, "2024-06"), "other");
	vr_signal same_month[] = { sig("S0", "2024-06-01", "Vitens", SECTOR_WATER, EUR(100)),
				   sig("S1", "2024-06-30", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, same_month, 2, "2024-06"), "match3");
	/* Across a year end. */
	vr_signal year[] = { sig("S0", "2023-11-30", "Vitens", SECTOR_WATER, EUR(100)),
			     sig("S1", "2024-01-02", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, year, 2, "2024-01"), "match3");
	unload(&pl);
}
END_TEST

START_TEST(in_previous_n_months_excludes_the_run_month)
{
	policy pl;
	load(&pl, HEAD "signals in previous 6 months >= 1 -> recid\notherwise -> other\nbucket recid\nbucket other\n");
	vr_signal current_only[] = { sig("S0", "2024-06-01", "Vitens", SECTOR_WATER, EUR(100)),
				     sig("S1", "2024-06-15", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, current_only, 2, "2024-06"), "other");
	vr_signal six_back[] = { sig("S0", "2023-12-01", "Vitens", SECTOR_WATER, EUR(100)),
				 sig("S1", "2024-06-15", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, six_back, 2, "2024-06"), "recid");
	vr_signal seven_back[] = { sig("S0", "2023-11-30", "Vitens", SECTOR_WATER, EUR(100)),
				   sig("S1", "2024-06-15", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, seven_back, 2, "2024-06"), "other");
	vr_signal one_back[] = { sig("S0", "2024-05-31", "Vitens", SECTOR_WATER, EUR(100)),
				 sig("S1", "2024-06-01", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, one_back, 2, "2024-06"), "recid");
	unload(&pl);
}
END_TEST

START_TEST(without_a_window_an_aggregate_sees_the_run_month)
{
	policy pl;
	load(&pl, HEAD "any sector = rent -> rent\nsignals >= 2 -> many\notherwise -> other\nbucket rent\nbucket many\nbucket other\n");
	vr_signal s[] = { sig("S0", "2024-05-31", "Woonstad", SECTOR_RENT, EUR(900)),
			  sig("S1", "2024-06-15", "Eneco", SECTOR_ENERGY, EUR(100)) };
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "other");
	unload(&pl);
}
END_TEST

/* ---- missing values ------------------------------------------------------------------------- */

START_TEST(an_amount_range_includes_both_ends)
{
	policy pl;
	load(&pl, HEAD "arrears between 100 and 500 -> inside\notherwise -> outside\nbucket inside\nbucket outside\n");
	static const struct { cents_t arrears; const char *want; } cases[] = {
		{ 9999, "outside" }, { 10000, "inside" }, { 50000, "inside" }, { 50001, "outside" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, cases[i].arrears) };
		ck_assert_msg(strcmp(decide(&pl, s, 1, "2024-06"), cases[i].want) == 0, "%lld cents: got %s",
			      (long long)cases[i].arrears, pl.last);
	}
	unload(&pl);
}
END_TEST

START_TEST(a_comparison_with_a_missing_value_is_false)
{
	policy pl;
	load(&pl, HEAD
		"any days_overdue < 30 -> lt\n"
		"any days_overdue >= 30 -> ge\n"
		"any days_overdue != 30 -> ne\n"
		"any days_overdue between 0 and 10000 -> btw\n"
		"any installments_missed in {0, 1, 2} -> inset\n"
		"any days_overdue is missing -> absent\n"
		"otherwise -> other\n"
		"bucket lt\nbucket ge\nbucket ne\nbucket btw\nbucket inset\nbucket absent\nbucket other\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, EUR(100)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "absent");
	s[0].days_overdue = 10;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "lt");
	s[0].days_overdue = 30;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "ge");
	unload(&pl);

	load(&pl, HEAD "not any days_overdue < 30 -> notlt\nany days_overdue is known -> isknown\notherwise -> other\nbucket notlt\nbucket isknown\nbucket other\n");
	s[0].days_overdue = VR_MISSING;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "notlt");
	s[0].days_overdue = 10;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "isknown");
	unload(&pl);
}
END_TEST

START_TEST(text_is_never_missing_an_empty_district_is_a_district)
{
	policy pl;
	load(&pl, HEAD "district is missing -> nodistrict\nany creditor is missing -> nocreditor\nany age is missing -> noage\notherwise -> other\n"
		"bucket nodistrict\nbucket nocreditor\nbucket noage\nbucket other\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, EUR(100)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "noage");
	s[0].birth_date = day("1980-01-01");
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "other");
	unload(&pl);
}
END_TEST

START_TEST(an_unchecked_brp_match_is_neither_0_nor_1)
{
	policy pl;
	load(&pl, HEAD
		"any brp_match = 0 -> zero\n"
		"any brp_match = 1 -> one\n"
		"any brp_match != 0 -> nonzero\n"
		"any brp_match is missing -> unchecked\n"
		"otherwise -> other\n"
		"bucket zero\nbucket one\nbucket nonzero\nbucket unchecked\nbucket other\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "Vitens", SECTOR_WATER, EUR(100)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "unchecked");
	s[0].brp_match = 0;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "zero");
	s[0].brp_match = 1;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "one");
	unload(&pl);

	/* A flag used as a condition means "is 1". */
	load(&pl, HEAD "any brp_match -> flag\notherwise -> notflag\nbucket flag\nbucket notflag\n");
	s[0].brp_match = -1;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "notflag");
	s[0].brp_match = 0;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "notflag");
	s[0].brp_match = 1;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "flag");
	unload(&pl);
}
END_TEST

/* ---- ages ------------------------------------------------------------------------------- */

START_TEST(ages_are_taken_on_the_first_day_of_the_run_month)
{
	policy pl;
	load(&pl, HEAD "any age between 18 and 27 -> youth\notherwise -> other\nbucket youth\nbucket other\n");
	static const struct { const char *born; const char *want; } cases[] = {
		{ "2006-06-01", "youth" },   /* 18 on the first day */
		{ "2006-05-31", "youth" },
		{ "2006-06-02", "other" },   /* 17 on the first day, 18 later in the month */
		{ "2006-06-15", "other" },
		{ "1996-06-02", "youth" },   /* 27: 28 only from the second */
		{ "1996-06-01", "other" },   /* 28 on the first day */
		{ "1990-01-01", "other" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		vr_signal s[] = { sig("S1", "2024-06-20", "DUO", SECTOR_OTHER, EUR(100)) };
		s[0].birth_date = day(cases[i].born);
		ck_assert_msg(strcmp(decide(&pl, s, 1, "2024-06"), cases[i].want) == 0,
			      "born %s: got %s, want %s", cases[i].born, pl.last, cases[i].want);
	}
	vr_signal unknown[] = { sig("S1", "2024-06-20", "DUO", SECTOR_OTHER, EUR(100)) };
	ck_assert_str_eq(decide(&pl, unknown, 1, "2024-06"), "other");
	unload(&pl);
}
END_TEST

/* ---- household facts ---------------------------------------------------------------------- */

static const char district_policy[] =
	HEAD
	"count signal when arrears >= 100\n"
	"district = \"Noord\" -> noord\n"
	"district = \"\" -> none\n"
	"otherwise -> other\n"
	"bucket noord\nbucket none\nbucket other\n";

START_TEST(the_district_is_the_latest_current_signals)
{
	policy pl;
	load(&pl, district_policy);
	vr_signal later[] = { sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(200)),
			      sig("S2", "2024-06-20", "B", SECTOR_RENT, EUR(200)) };
	later[0].district = "Zuid";
	later[1].district = "Noord";
	ck_assert_str_eq(decide(&pl, later, 2, "2024-06"), "noord");
	ck_assert_str_eq(pl.dec.district, "Noord");
	later[0].district = "Noord";
	later[1].district = "Zuid";
	ck_assert_str_eq(decide(&pl, later, 2, "2024-06"), "other");
	ck_assert_str_eq(pl.dec.district, "Zuid");
	unload(&pl);
}
END_TEST

START_TEST(on_the_same_day_the_district_is_the_highest_signal_ids)
{
	/* Byte order: "S10" < "S9", so S9 is the latest. */
	policy pl;
	load(&pl, district_policy);
	vr_signal s[] = { sig("S10", "2024-06-05", "A", SECTOR_RENT, EUR(200)),
			  sig("S9", "2024-06-05", "B", SECTOR_RENT, EUR(200)) };
	s[0].district = "Noord";
	s[1].district = "Zuid";
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "other");
	ck_assert_str_eq(pl.dec.district, "Zuid");
	unload(&pl);
}
END_TEST

START_TEST(the_district_comes_from_a_current_signal_counted_or_not)
{
	policy pl;
	load(&pl, district_policy);
	vr_signal s[] = { sig("S0", "2024-05-20", "A", SECTOR_RENT, EUR(200)),
			  sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(200)),
			  sig("S2", "2024-06-20", "B", SECTOR_RENT, EUR(20)) };
	s[0].district = "Zuid";
	s[1].district = "Zuid";
	s[2].district = "Noord";   /* below the floor, but the latest current signal */
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "noord");
	/* History does not supply it: the empty district is a district. */
	s[0].district = "Noord";
	s[1].district = "";
	s[2].district = "";
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "none");
	ck_assert_str_eq(pl.dec.district, "");
	unload(&pl);
}
END_TEST

START_TEST(a_phone_from_any_current_signal_counted_or_not)
{
	policy pl;
	load(&pl, HEAD "count signal when arrears >= 100\nhas_phone -> phone\nhas_email -> email\notherwise -> other\nbucket phone\nbucket email\nbucket other\n");
	vr_signal s[] = { sig("S0", "2024-05-20", "A", SECTOR_RENT, EUR(200)),
			  sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(200)),
			  sig("S2", "2024-06-20", "B", SECTOR_RENT, EUR(20)) };
	s[2].has_phone = 1;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "phone");
	ck_assert(pl.dec.has_phone);
	ck_assert(!pl.dec.has_email);
	s[2].has_phone = 0;
	s[0].has_phone = 1;   /* history only */
	s[0].has_email = 1;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "other");
	ck_assert(!pl.dec.has_phone);
	s[2].has_email = 1;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "email");
	ck_assert(pl.dec.has_email);
	unload(&pl);
}
END_TEST

START_TEST(the_household_key_is_a_fact)
{
	policy pl;
	load(&pl, HEAD "household = \"H100\" -> hundred\notherwise -> other\nbucket hundred\nbucket other\n");
	vr_signal s[] = { sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(200)) };
	ck_assert_str_eq(decide_full(&pl, "H100", s, 1, NULL, 0, "2024-06"), "hundred");
	ck_assert_str_eq(decide_full(&pl, "H10", s, 1, NULL, 0, "2024-06"), "other");
	unload(&pl);
}
END_TEST

/* ---- creditors, sectors, aggregates -------------------------------------------------------- */

START_TEST(distinct_creditors_compare_byte_by_byte)
{
	policy pl;
	load(&pl, HEAD "match -> m\nsingle -> s\notherwise -> o\nbucket m\nbucket s\nbucket o\n");
	vr_signal s[] = { sig("S1", "2024-06-01", "Menzis", SECTOR_HEALTH, EUR(200)),
			  sig("S2", "2024-06-02", "menzis", SECTOR_HEALTH, EUR(200)) };
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "m");
	s[1].creditor = "Menzis";
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "s");
	s[1].creditor = "Menzis ";
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "m");
	unload(&pl);
}
END_TEST

START_TEST(rent_is_the_total_of_counted_current_rent_signals)
{
	policy pl;
	load(&pl, HEAD "count signal when arrears >= 10\nrent > 575 -> home_visit\notherwise -> letter\nbucket home_visit\nbucket letter\n");
	vr_signal s[] = { sig("S0", "2024-05-01", "Woonstad", SECTOR_RENT, EUR(5000)),
			  sig("S1", "2024-06-01", "Woonstad", SECTOR_RENT, EUR(300)),
			  sig("S2", "2024-06-02", "Eneco", SECTOR_ENERGY, EUR(5000)),
			  sig("S3", "2024-06-03", "Vestia", SECTOR_RENT, 27500),
			  sig("S4", "2024-06-04", "Vestia", SECTOR_RENT, 999) };
	/* 300 + 275.00 = 575.00: not over 575; history, energy and the signal
	 * below the floor do not add. */
	ck_assert_str_eq(decide(&pl, s, 5, "2024-06"), "letter");
	s[3].arrears = 27501;
	ck_assert_str_eq(decide(&pl, s, 5, "2024-06"), "home_visit");
	unload(&pl);
}
END_TEST

START_TEST(the_design_card_policy_decides_as_read)
{
	policy pl;
	load(&pl, HEAD
		"match when >= 2 creditors within 3 months\n"
		"match -> home_visit\n"
		"rent > 575 -> home_visit\n"
		"otherwise -> letter\n"
		"bucket home_visit\nbucket letter\n");
	vr_signal one[] = { sig("S1", "2024-06-01", "Woonstad", SECTOR_RENT, 57500) };
	ck_assert_str_eq(decide(&pl, one, 1, "2024-06"), "letter");
	one[0].arrears = 57501;
	ck_assert_str_eq(decide(&pl, one, 1, "2024-06"), "home_visit");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 5);
	vr_signal two[] = { sig("S0", "2024-04-10", "Eneco", SECTOR_ENERGY, EUR(10)),
			    sig("S1", "2024-06-01", "Woonstad", SECTOR_RENT, EUR(10)) };
	ck_assert_str_eq(decide(&pl, two, 2, "2024-06"), "home_visit");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 4);
	two[0].received = day("2024-03-31");
	ck_assert_str_eq(decide(&pl, two, 2, "2024-06"), "letter");
	unload(&pl);
}
END_TEST

/* Order keys as probes: each key is an aggregate whose value we read. */
static const char probes[] =
	HEAD
	"count signal when arrears >= 10\n"
	"otherwise -> a\n"
	"bucket a capacity 1 overflow z by total arrears desc, max arrears desc, min arrears desc, total arrears with sector = rent desc\n"
	"bucket b capacity 1 overflow z by max days_overdue desc, min days_overdue desc, total installment desc, months with signals within 12 months desc\n"
	"bucket c capacity 1 overflow z by creditors within 12 months desc, sectors desc, signals in previous 6 months desc, outcomes in previous 3 months desc\n"
	"bucket d capacity 1 overflow z by rent desc, arrears desc, max age desc, min age desc\n"
	"bucket e capacity 1 overflow z by months with signals in previous 6 months desc, total arrears in previous 6 months desc, signals with sector = rent within 12 months desc, outcomes with outcome = refused in previous 12 months desc\n"
	"bucket f capacity 1 overflow z by outcomes desc, outcomes within 2 months desc, outcomes with outcome = refused within 12 months desc\n"
	"bucket z\n";

START_TEST(aggregates_over_counted_signals_have_exact_values)
{
	policy pl;
	load(&pl, probes);
	vr_signal s[] = { sig("S0", "2023-12-20", "Woonstad", SECTOR_RENT, EUR(700)),
			  sig("S1", "2024-03-02", "Woonstad", SECTOR_RENT, EUR(600)),
			  sig("S2", "2024-03-25", "Eneco", SECTOR_ENERGY, EUR(5)),     /* below the floor */
			  sig("S3", "2024-04-10", "Menzis", SECTOR_HEALTH, EUR(100)),
			  sig("S4", "2024-06-01", "Woonstad", SECTOR_RENT, 12345),
			  sig("S5", "2024-06-02", "Eneco", SECTOR_ENERGY, EUR(50)),
			  sig("S6", "2024-06-03", "Vitens", SECTOR_WATER, 999) };      /* below the floor */
	s[4].days_overdue = 40;
	s[4].installment = EUR(700);
	s[4].birth_date = day("1990-06-01");
	s[5].days_overdue = 10;
	s[5].birth_date = day("2000-01-15");
	const vr_outcome o[] = { outcome("2023-08-01", OUTCOME_REFUSED),
				 outcome("2024-03-01", OUTCOME_REFUSED),
				 outcome("2024-04-15", OUTCOME_NOT_REACHED),
				 outcome("2024-06-02", OUTCOME_REFUSED) };
	ck_assert_str_eq(decide_full(&pl, "H1", s, N(s), o, N(o), "2024-06"), "a");
	ck_assert_int_eq(key(&pl, "a", 0), 12345 + EUR(50));   /* total arrears: counted current */
	ck_assert_int_eq(key(&pl, "a", 1), 12345);             /* max arrears */
	ck_assert_int_eq(key(&pl, "a", 2), EUR(50));           /* min arrears: S6 is below the floor */
	ck_assert_int_eq(key(&pl, "a", 3), 12345);             /* total with sector = rent */
	ck_assert_int_eq(key(&pl, "b", 0), 40);
	ck_assert_int_eq(key(&pl, "b", 1), 10);
	ck_assert_int_eq(key(&pl, "b", 2), EUR(700));          /* a missing installment adds nothing */
	ck_assert_int_eq(key(&pl, "b", 3), 4);                 /* 2023-12, 2024-03, 2024-04, 2024-06 */
	ck_assert_int_eq(key(&pl, "c", 0), 3);                 /* Woonstad, Menzis, Eneco (S2 is below) */
	ck_assert_int_eq(key(&pl, "c", 1), 2);                 /* rent, energy this month */
	ck_assert_int_eq(key(&pl, "c", 2), 3);                 /* S0, S1, S3: S2 below the floor */
	ck_assert_int_eq(key(&pl, "c", 3), 2);                 /* 2024-03-01, 2024-04-15 */
	ck_assert_int_eq(key(&pl, "d", 0), 12345);
	ck_assert_int_eq(key(&pl, "d", 1), 12345 + EUR(50));
	ck_assert_int_eq(key(&pl, "d", 2), 34);
	ck_assert_int_eq(key(&pl, "d", 3), 24);
	ck_assert_int_eq(key(&pl, "e", 0), 3);                 /* 2023-12, 2024-03, 2024-04 */
	ck_assert_int_eq(key(&pl, "e", 1), EUR(700 + 600 + 100));
	ck_assert_int_eq(key(&pl, "e", 2), 3);
	ck_assert_int_eq(key(&pl, "e", 3), 2);                 /* 2023-08 is 10 months back, 2024-06 is this month */
	ck_assert_int_eq(key(&pl, "f", 0), 1);                 /* this month: 2024-06-02 */
	ck_assert_int_eq(key(&pl, "f", 1), 1);                 /* within 2 months: 2024-05 and 2024-06 */
	ck_assert_int_eq(key(&pl, "f", 2), 3);                 /* refused, in the 12 months up to this one */
	unload(&pl);
}
END_TEST

START_TEST(max_and_min_of_nothing_are_missing_and_compare_false)
{
	policy pl;
	load(&pl, probes);
	vr_signal s[] = { sig("S1", "2024-06-01", "Woonstad", SECTOR_RENT, EUR(100)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "a");
	ck_assert(key(&pl, "b", 0) == VR_MISSING);
	ck_assert(key(&pl, "b", 1) == VR_MISSING);
	ck_assert_int_eq(key(&pl, "b", 2), 0);              /* a total of nothing is 0 */
	ck_assert(key(&pl, "d", 2) == VR_MISSING);
	unload(&pl);

	load(&pl, HEAD "max days_overdue > 0 -> gt\nmax days_overdue is missing -> none\notherwise -> other\nbucket gt\nbucket none\nbucket other\n");
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "none");
	s[0].days_overdue = 3;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "gt");
	unload(&pl);
}
END_TEST

START_TEST(months_with_signals_counts_distinct_months)
{
	/* P4: recidive in at least 2 distinct months of the previous 6. */
	policy pl;
	load(&pl, HEAD "months with signals in previous 6 months >= 2 -> review\notherwise -> other\nbucket review\nbucket other\n");
	vr_signal same[] = { sig("S0", "2024-04-01", "A", SECTOR_RENT, EUR(10)),
			     sig("S1", "2024-04-30", "B", SECTOR_RENT, EUR(10)),
			     sig("S2", "2024-06-01", "C", SECTOR_RENT, EUR(10)) };
	ck_assert_str_eq(decide(&pl, same, 3, "2024-06"), "other");
	vr_signal two[] = { sig("S0", "2024-03-31", "A", SECTOR_RENT, EUR(10)),
			    sig("S1", "2024-04-01", "A", SECTOR_RENT, EUR(10)),
			    sig("S2", "2024-06-01", "C", SECTOR_RENT, EUR(10)) };
	ck_assert_str_eq(decide(&pl, two, 3, "2024-06"), "review");
	unload(&pl);
}
END_TEST

START_TEST(any_and_all_range_over_counted_current_signals)
{
	policy pl;
	load(&pl, HEAD "count signal when arrears >= 10\nall sector = rent -> allrent\nany sector = rent -> somerent\notherwise -> other\nbucket allrent\nbucket somerent\nbucket other\n");
	vr_signal s[] = { sig("S0", "2024-05-01", "E", SECTOR_ENERGY, EUR(100)),
			  sig("S1", "2024-06-01", "W", SECTOR_RENT, EUR(100)),
			  sig("S2", "2024-06-02", "E", SECTOR_ENERGY, EUR(5)) };
	/* History and the signal below the floor do not count against "all". */
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "allrent");
	s[2].arrears = EUR(10);
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "somerent");
	unload(&pl);
}
END_TEST

START_TEST(text_fields_compare_exactly)
{
	policy pl;
	load(&pl, HEAD
		"any creditor in {\"Menzis\", \"Vitens\"} -> listed\n"
		"district != \"Noord\" and any creditor = \"CJIB\" -> cjib\n"
		"otherwise -> other\n"
		"bucket listed\nbucket cjib\nbucket other\n");
	vr_signal s[] = { sig("S1", "2024-06-01", "Vitens", SECTOR_WATER, EUR(100)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "listed");
	s[0].creditor = "VITENS";
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "other");
	s[0].creditor = "CJIB";
	s[0].district = "Zuid";
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "cjib");
	s[0].district = "Noord";
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "other");
	unload(&pl);
}
END_TEST

/* Conditions on one signal joined by and / or / not run as decision diagrams
 * (docs/bytecode.md); over every combination of the values they test,
 * missing ones included, each household decides as the plain vm decides it
 * (decide_full checks that for every test here). */
START_TEST(compound_signal_conditions_decide_as_written)
{
	policy pl;
	load(&pl, HEAD
		"count signal when not (arrears < 100 and sector != water) or kind = eviction\n"
		"any ((brp_match = 0 or not known_debt_help) and sector in {rent, energy}) -> a\n"
		"any (creditor = \"Eneco\" and not (installments_missed >= 2)) -> b\n"
		"all (brp_match or has_phone) -> c\n"
		">= 2 signals with (days_overdue > 30 or days_overdue is missing) -> d\n"
		"otherwise -> other\n"
		"bucket a\nbucket b\nbucket c\nbucket d\nbucket other\n");
	static const enum vr_sector sectors[] = { SECTOR_RENT, SECTOR_HEALTH, SECTOR_WATER, SECTOR_ENERGY };
	static const cents_t arrears[] = { 9999, 10000 };
	static const int8_t brp[] = { -1, 0, 1 };
	static const int64_t missed[] = { VR_MISSING, 1, 2 };
	static const int64_t overdue[] = { VR_MISSING, 31 };
	static const char *const creditors[] = { "Eneco", "ENECO" };
	size_t decided[5] = { 0 };
	for (size_t a = 0; a < N(sectors); a++)
	for (size_t b = 0; b < N(arrears); b++)
	for (size_t c = 0; c < N(brp); c++)
	for (size_t d = 0; d < N(missed); d++)
	for (size_t e = 0; e < N(overdue); e++)
	for (unsigned flags = 0; flags < 16; flags++) {
		vr_signal s[2] = {
			sig("S1", "2024-06-03", creditors[flags & 1], sectors[a], arrears[b]),
			sig("S2", "2024-06-10", "Vitens", SECTOR_WATER, EUR(50)),
		};
		s[0].kind = flags & 2 ? KIND_EVICTION : KIND_EARLY;
		s[0].known_debt_help = flags & 4 ? 1 : 0;
		s[0].has_phone = flags & 8 ? 1 : 0;
		s[0].brp_match = brp[c];
		s[0].installments_missed = missed[d];
		s[0].days_overdue = overdue[e];
		s[1].brp_match = brp[(c + 1) % N(brp)];
		s[1].days_overdue = overdue[(e + d) % N(overdue)];
		const char *got = decide(&pl, s, 2, "2024-06");
		for (size_t k = 0; k < 5; k++)
			decided[k] += strcmp(got, (const char *[]){ "a", "b", "c", "d", "other" }[k]) == 0;
		decide(&pl, s, 1, "2024-06");
	}
	for (size_t k = 0; k < 5; k++)   /* every rule is reached */
		ck_assert_msg(decided[k] > 0, "rule %zu never decides", k);

	/* And by hand: a EUR 99.99 health signal counts only as an eviction. */
	vr_signal one[] = { sig("S1", "2024-06-03", "Eneco", SECTOR_HEALTH, 9999) };
	one[0].installments_missed = 2;
	one[0].brp_match = 1;
	ck_assert_str_eq(decide(&pl, one, 1, "2024-06"), "excluded: not counted");
	one[0].kind = KIND_EVICTION;
	ck_assert_str_eq(decide(&pl, one, 1, "2024-06"), "c");
	one[0].installments_missed = VR_MISSING;   /* missing: not >= 2, so not (...) holds */
	ck_assert_str_eq(decide(&pl, one, 1, "2024-06"), "b");
	unload(&pl);
}
END_TEST

START_TEST(explain_learns_which_count_statement_a_signal_fails)
{
	policy pl;
	load(&pl, HEAD
		"count signal when sector in {rent, health, energy, water}\n"   /* line 3 */
		"count signal when arrears >= 50\n"                              /* line 4 */
		"count signal when days_overdue <= 100 or days_overdue is missing\n"
		"otherwise -> letter\nbucket letter\n");
	vr_signal s[] = {
		sig("S1", "2024-05-10", "Menzis", SECTOR_HEALTH, EUR(20)),
		sig("S2", "2024-06-01", "Gemeente", SECTOR_MUNICIPAL_TAX, EUR(20)),
		sig("S3", "2024-06-02", "Menzis", SECTOR_HEALTH, EUR(20)),
		sig("S4", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(80)),
		sig("S5", "2024-06-04", "Menzis", SECTOR_HEALTH, EUR(80)),
	};
	s[3].days_overdue = 101;
	s[4].days_overdue = 100;
	decide(&pl, s, N(s), "2024-06");
	const vr_household h = { "H1", s, N(s), NULL, 0 };
	const uint32_t want[] = { 4, 3, 4, 5, 0 };   /* the first it fails, as written */
	for (size_t i = 0; i < N(s); i++)
		ck_assert_msg(vm_floor_line(pl.plain, &h, i) == want[i], "signal %zu: line %u, want %u", i,
			      vm_floor_line(pl.plain, &h, i), want[i]);
	/* The answer leaves the decision as it was. */
	ck_assert_int_eq(vm_signal(pl.plain, 0, NULL), VM_SIGNAL_HISTORY_BELOW);
	ck_assert_int_eq(vm_signal(pl.plain, 4, NULL), VM_SIGNAL_COUNTED);
	/* A vm with shortcuts cannot tell. */
	ck_assert_uint_eq(vm_floor_line(pl.v, &h, 1), 0);
	unload(&pl);
}
END_TEST

/* ---- outcomes ------------------------------------------------------------------------------------- */

START_TEST(outcomes_in_previous_months_exclude_the_run_month)
{
	/* P1: declined (refused or reached without help) in the previous 3 months. */
	policy pl;
	load(&pl, HEAD "exclude \"declined recently\" when any outcome in {refused, reached_no_help} in previous 3 months\notherwise -> letter\nbucket letter\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "A", SECTOR_RENT, EUR(100)) };
	static const struct { const char *date; enum vr_outcome_kind k; const char *want; } cases[] = {
		{ "2024-06-02", OUTCOME_REFUSED, "letter" },                    /* the run month */
		{ "2024-05-31", OUTCOME_REFUSED, "excluded: declined recently" },
		{ "2024-03-01", OUTCOME_REACHED_NO_HELP, "excluded: declined recently" },  /* 3 back */
		{ "2024-02-29", OUTCOME_REFUSED, "letter" },                    /* 4 back */
		{ "2024-05-01", OUTCOME_HELP_ACCEPTED, "letter" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		const vr_outcome o[] = { outcome(cases[i].date, cases[i].k) };
		ck_assert_msg(strcmp(decide_full(&pl, "H1", s, 1, o, 1, "2024-06"), cases[i].want) == 0,
			      "outcome on %s: got %s", cases[i].date, pl.last);
	}
	unload(&pl);
}
END_TEST

START_TEST(all_and_count_over_outcomes)
{
	policy pl;
	load(&pl, HEAD "all outcome = refused in previous 3 months and outcomes in previous 3 months >= 2 -> stubborn\notherwise -> other\nbucket stubborn\nbucket other\n");
	vr_signal s[] = { sig("S1", "2024-06-10", "A", SECTOR_RENT, EUR(100)) };
	const vr_outcome both[] = { outcome("2024-04-01", OUTCOME_REFUSED), outcome("2024-05-01", OUTCOME_REFUSED) };
	ck_assert_str_eq(decide_full(&pl, "H1", s, 1, both, 2, "2024-06"), "stubborn");
	const vr_outcome mixed[] = { outcome("2024-04-01", OUTCOME_REFUSED), outcome("2024-05-01", OUTCOME_NOT_REACHED) };
	ck_assert_str_eq(decide_full(&pl, "H1", s, 1, mixed, 2, "2024-06"), "other");
	const vr_outcome one[] = { outcome("2024-05-01", OUTCOME_REFUSED) };
	ck_assert_str_eq(decide_full(&pl, "H1", s, 1, one, 1, "2024-06"), "other");
	unload(&pl);
}
END_TEST

/* ---- labels and definitions -------------------------------------------------------------------- */

static const char p8[] =
	"policy \"Mortgage arrears experiment\" version 1 effective 2022-01\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when sector != mortgage or installments_missed >= 2\n"
	"exclude \"no mortgage signal\" when not any sector = mortgage\n"
	"otherwise -> home_visit\n"
	"bucket home_visit\n"
	"label multiplicity = multiple when any sector != mortgage, else single\n"
	"label sequence     = consecutive when any sector != mortgage in previous 6 months,\n"
	"                     else non_consecutive\n";

START_TEST(labels_are_computed_for_households_in_a_bucket)
{
	policy pl;
	load(&pl, p8);
	ck_assert_uint_eq(pl.p.nlabels, 2);
	vr_signal s[] = { sig("S0", "2023-12-01", "Menzis", SECTOR_HEALTH, EUR(100)),
			  sig("S1", "2024-06-01", "ING", SECTOR_MORTGAGE, EUR(2000)),
			  sig("S2", "2024-06-02", "Eneco", SECTOR_ENERGY, EUR(100)) };
	s[1].installments_missed = 2;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "home_visit");
	ck_assert_str_eq(label(&pl, 0), "multiple");
	ck_assert_str_eq(label(&pl, 1), "consecutive");     /* 2023-12 is 6 months back */

	ck_assert_str_eq(decide(&pl, s + 1, 1, "2024-06"), "home_visit");
	ck_assert_str_eq(label(&pl, 0), "single");
	ck_assert_str_eq(label(&pl, 1), "non_consecutive");

	s[0].received = day("2023-11-30");
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "home_visit");
	ck_assert_str_eq(label(&pl, 1), "non_consecutive");
	unload(&pl);
}
END_TEST

START_TEST(an_excluded_household_has_no_labels)
{
	policy pl;
	load(&pl, p8);
	vr_signal s[] = { sig("S1", "2024-06-01", "ING", SECTOR_MORTGAGE, EUR(2000)),
			  sig("S2", "2024-06-02", "Eneco", SECTOR_ENERGY, EUR(100)) };
	s[0].installments_missed = 3;
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "home_visit");   /* labels set ... */
	ck_assert_str_eq(label(&pl, 0), "multiple");
	s[0].installments_missed = 1;   /* one missed installment: not counted */
	ck_assert_str_eq(decide(&pl, s, 2, "2024-06"), "excluded: no mortgage signal");
	ck_assert_ptr_null(label(&pl, 0));                                /* ... and cleared */
	ck_assert_ptr_null(label(&pl, 1));
	/* Missing installments_missed: the mortgage signal does not count. */
	s[0].installments_missed = VR_MISSING;
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "excluded: not counted");
	ck_assert_ptr_null(label(&pl, 0));
	unload(&pl);
}
END_TEST

START_TEST(a_label_without_else_may_have_no_value)
{
	policy pl;
	load(&pl, HEAD "otherwise -> a\nbucket a\nlabel big = yes when arrears > 1000\n");
	vr_signal s[] = { sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(2000)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "a");
	ck_assert_str_eq(label(&pl, 0), "yes");
	s[0].arrears = EUR(10);
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "a");
	ck_assert_ptr_null(label(&pl, 0));
	unload(&pl);
}
END_TEST

START_TEST(a_definition_holds_for_one_household_only)
{
	/* Definitions are evaluated once per household: the value of the
	 * previous household must never leak into the next. */
	policy pl;
	load(&pl, HEAD "define big = arrears > 1000\nbig and match -> both\nbig -> big\notherwise -> small\nbucket both\nbucket big\nbucket small\nlabel size = large when big, else modest\n");
	vr_signal large[] = { sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(2000)) };
	vr_signal small[] = { sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(20)) };
	for (int round = 0; round < 3; round++) {
		ck_assert_str_eq(decide(&pl, large, 1, "2024-06"), "big");
		ck_assert_str_eq(label(&pl, 0), "large");
		ck_assert_str_eq(decide(&pl, small, 1, "2024-06"), "small");
		ck_assert_str_eq(label(&pl, 0), "modest");
	}
	/* vm_eval gives the memoized value of the household just decided. */
	uint16_t big_fn = BC_NONE;
	for (uint32_t i = 0; i < pl.p.ndefs; i++) {
		const bc_function *fn = &pl.p.fns[pl.p.defs[i]];
		if (fn->name != BC_NONE && strcmp(pl.p.consts[fn->name].text, "big") == 0)
			big_fn = pl.p.defs[i];
	}
	ck_assert_uint_ne(big_fn, BC_NONE);
	ck_assert_int_eq(vm_eval(pl.v, big_fn).num, 0);
	ck_assert_str_eq(decide(&pl, large, 1, "2024-06"), "big");
	ck_assert_int_eq(vm_eval(pl.v, big_fn).num, 1);
	unload(&pl);
}
END_TEST

/* ---- the trace ------------------------------------------------------------------------------------ */

typedef struct trace_log {
	uint32_t rules[16];
	bool applies[16];
	int n;
} trace_log;

static void record(void *arg, uint32_t rule, bool applies)
{
	trace_log *t = arg;
	if (t->n < 16) {
		t->rules[t->n] = rule;
		t->applies[t->n] = applies;
		t->n++;
	}
}

START_TEST(the_trace_sees_every_rule_tried_in_order)
{
	policy pl;
	load(&pl, HEAD "match -> m\nany sector = rent -> r\nsingle -> s\notherwise -> o\nbucket m\nbucket r\nbucket s\nbucket o\n");
	trace_log t = { { 0 }, { false }, 0 };
	vm_set_trace(pl.v, record, &t);
	vr_signal s[] = { sig("S1", "2024-06-01", "A", SECTOR_RENT, EUR(20)) };
	ck_assert_str_eq(decide(&pl, s, 1, "2024-06"), "r");
	/* legal person (no), match (no), rent (yes). */
	ck_assert_int_eq(t.n, 3);
	ck_assert(!t.applies[0] && !t.applies[1] && t.applies[2]);
	ck_assert_uint_eq(t.rules[2], pl.dec.rule);
	ck_assert_uint_lt(t.rules[0], t.rules[1]);
	ck_assert_uint_lt(t.rules[1], t.rules[2]);
	unload(&pl);
}
END_TEST

/* ---- every instruction ----------------------------------------------------------------------------- */

static const char every_op[] =
	HEAD
	"count signal when arrears >= 10 or sector = water\n"
	"skip signal \"again\" when same creditor in previous month\n"
	"define big = arrears > 1000\n"
	"big and rent > 500 -> r_big_rent\n"
	"any outcome = refused in previous 3 months -> r_refused\n"
	"all outcome != help_accepted in previous 3 months and outcomes in previous 3 months >= 2 -> r_outcomes\n"
	"any kind in {eviction, cak} -> r_kind\n"
	"all sector = health and signals >= 3 -> r_health\n"
	"not any creditor in {\"Menzis\", \"Vitens\"} and district != \"Noord\" and any creditor = \"CJIB\" -> r_cjib\n"
	"any days_overdue is missing and total arrears < 20 -> r_small\n"
	"max arrears <= 30 and min arrears >= 12 -> r_range\n"
	"creditors within 3 months >= 2 -> r_match\n"
	"any arrears between 10 and 20 -> r_between\n"
	"otherwise -> r_other\n"
	"bucket r_big_rent\nbucket r_refused\nbucket r_outcomes\nbucket r_kind\nbucket r_health\nbucket r_cjib\n"
	"bucket r_small\nbucket r_range\nbucket r_match\nbucket r_between\nbucket r_other\n";

START_TEST(every_opcode_is_generated_by_some_policy_line)
{
	policy pl;
	load(&pl, every_op);
	bool seen[BC_OP_COUNT] = { false };
	const bc_program *p = &pl.p;
	for (uint32_t f = 0; f < p->nfns; f++) {
		const uint8_t *code = p->code + p->fns[f].start;
		for (uint32_t pc = 0; pc < p->fns[f].len;) {
			ck_assert_uint_lt(code[pc], BC_OP_COUNT);
			seen[code[pc]] = true;
			pc += 1 + 2 * (uint32_t)bc_ops[code[pc]].operands;
		}
	}
	for (int op = 0; op < BC_OP_COUNT; op++)
		ck_assert_msg(seen[op], "no line of the policy generates %s", bc_ops[op].name);
	unload(&pl);
}
END_TEST

START_TEST(every_opcode_runs_in_some_decision)
{
	policy pl;
	load(&pl, every_op);
	vr_signal big_rent[] = { sig("S1", "2024-06-01", "Woonstad", SECTOR_RENT, EUR(1200)) };
	ck_assert_str_eq(decide(&pl, big_rent, 1, "2024-06"), "r_big_rent");
	big_rent[0].sector = SECTOR_ENERGY;
	ck_assert_str_eq(decide(&pl, big_rent, 1, "2024-06"), "r_other");

	vr_signal plain[] = { sig("S1", "2024-06-01", "Menzis", SECTOR_HEALTH, EUR(50)) };
	plain[0].days_overdue = 5;
	const vr_outcome refused[] = { outcome("2024-04-01", OUTCOME_REFUSED) };
	ck_assert_str_eq(decide_full(&pl, "H1", plain, 1, refused, 1, "2024-06"), "r_refused");
	const vr_outcome two[] = { outcome("2024-04-01", OUTCOME_NOT_REACHED), outcome("2024-05-01", OUTCOME_NOT_PICKED_UP) };
	ck_assert_str_eq(decide_full(&pl, "H1", plain, 1, two, 2, "2024-06"), "r_outcomes");
	const vr_outcome helped[] = { outcome("2024-04-01", OUTCOME_NOT_REACHED), outcome("2024-05-01", OUTCOME_HELP_ACCEPTED) };
	ck_assert_str_eq(decide_full(&pl, "H1", plain, 1, helped, 2, "2024-06"), "r_other");

	plain[0].kind = KIND_CAK;
	ck_assert_str_eq(decide(&pl, plain, 1, "2024-06"), "r_kind");
	plain[0].kind = KIND_EARLY;

	vr_signal health[] = { sig("S1", "2024-06-01", "Menzis", SECTOR_HEALTH, EUR(50)),
			       sig("S2", "2024-06-02", "Menzis", SECTOR_HEALTH, EUR(50)),
			       sig("S3", "2024-06-03", "Menzis", SECTOR_HEALTH, EUR(50)) };
	for (int i = 0; i < 3; i++)
		health[i].days_overdue = 5;
	ck_assert_str_eq(decide(&pl, health, 3, "2024-06"), "r_health");

	vr_signal cjib[] = { sig("S1", "2024-06-01", "CJIB", SECTOR_OTHER, EUR(50)) };
	cjib[0].district = "Zuid";
	cjib[0].days_overdue = 5;
	ck_assert_str_eq(decide(&pl, cjib, 1, "2024-06"), "r_cjib");
	cjib[0].district = "Noord";
	ck_assert_str_eq(decide(&pl, cjib, 1, "2024-06"), "r_other");

	vr_signal small[] = { sig("S1", "2024-06-01", "Menzis", SECTOR_ENERGY, EUR(11)) };
	ck_assert_str_eq(decide(&pl, small, 1, "2024-06"), "r_small");
	small[0].days_overdue = 5;
	ck_assert_str_eq(decide(&pl, small, 1, "2024-06"), "r_between");

	vr_signal range[] = { sig("S1", "2024-06-01", "Menzis", SECTOR_ENERGY, EUR(12)),
			      sig("S2", "2024-06-02", "Menzis", SECTOR_ENERGY, EUR(30)) };
	range[0].days_overdue = range[1].days_overdue = 5;
	ck_assert_str_eq(decide(&pl, range, 2, "2024-06"), "r_range");

	vr_signal match[] = { sig("S0", "2024-04-01", "Vitens", SECTOR_ENERGY, EUR(12)),
			      sig("S1", "2024-06-01", "Menzis", SECTOR_ENERGY, EUR(40)) };
	match[1].days_overdue = 5;
	ck_assert_str_eq(decide(&pl, match, 2, "2024-06"), "r_match");

	/* A water signal counts at any amount; a repeat of last month is skipped. */
	vr_signal water[] = { sig("S1", "2024-06-01", "Menzis", SECTOR_WATER, 500) };
	water[0].days_overdue = 5;
	ck_assert_str_eq(decide(&pl, water, 1, "2024-06"), "r_other");
	vr_signal repeat[] = { sig("S0", "2024-05-01", "Menzis", SECTOR_ENERGY, EUR(40)),
			       sig("S1", "2024-06-01", "Menzis", SECTOR_ENERGY, EUR(40)) };
	ck_assert_str_eq(decide(&pl, repeat, 2, "2024-06"), "excluded: again");
	unload(&pl);
}
END_TEST

/* ---- a field policy end to end -------------------------------------------------------------------- */

static const char p2[] =
	"policy \"Crisis queue and capacity overflow\" version 1\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when arrears >= 100 or sector = water\n"
	"any kind in {eviction, end_of_supply}                 -> crisis\n"
	"any known_debt_help                                   -> already_known\n"
	"any brp_match = 0                                     -> register_check\n"
	"match                                                 -> home_visit\n"
	"single and recidive and arrears > 500                 -> home_visit\n"
	"single and any sector = rent                          -> phone\n"
	"single and recidive and arrears between 100 and 500   -> phone\n"
	"single and arrears > 300                              -> phone\n"
	"otherwise                                             -> letter\n"
	"bucket crisis\nbucket already_known\nbucket register_check\n"
	"bucket home_visit      capacity 30  by arrears desc  overflow mail\n"
	"bucket phone           capacity 50  by arrears desc  overflow letter\n"
	"                       without phone -> mail\n"
	"bucket mail\nbucket letter\n";

START_TEST(p2_decides_each_rule_in_order)
{
	policy pl;
	load(&pl, p2);
	vr_signal s[] = { sig("S0", "2024-02-01", "Eneco", SECTOR_ENERGY, EUR(150)),
			  sig("S1", "2024-06-01", "Vitens", SECTOR_WATER, EUR(5)),
			  sig("S2", "2024-06-02", "Eneco", SECTOR_ENERGY, EUR(99)) };
	/* A water signal counts at any amount: single, arrears 5, recidive. */
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "letter");
	ck_assert_int_eq(pl.dec.arrears, EUR(5));
	s[2].arrears = EUR(100);   /* now two creditors: a match */
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "home_visit");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 7);
	s[2].arrears = EUR(99);
	s[1].arrears = EUR(150);   /* single, recidive, 150: between 100 and 500 */
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "phone");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 10);
	s[1].arrears = EUR(501);
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "home_visit");
	ck_assert_uint_eq(pl.p.rules[pl.dec.rule].line, 8);
	s[1].known_debt_help = 1;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "already_known");
	s[1].kind = KIND_END_OF_SUPPLY;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "crisis");
	/* A signal below the floor is no evidence: its kind does not count. */
	s[1].kind = KIND_EARLY;
	s[1].known_debt_help = 0;
	s[2].kind = KIND_EVICTION;
	ck_assert_str_eq(decide(&pl, s, 3, "2024-06"), "home_visit");
	unload(&pl);
}
END_TEST

/* A sum that does not fit in 64 bits (a household's arrears, a sector's, a
 * `total` of money or of a count) voids the decision: vm_decide says so and
 * a run stops, where the sum once wrapped (two signals of 9.2e16 euros gave
 * arrears of -16.18 and a place in home_visit). Up to INT64_MAX the sum is
 * exact. The store refuses amounts that could get there (types.h). */
START_TEST(a_sum_past_64_bits_voids_the_decision_and_is_never_wrapped)
{
	const vr_month m = month_of("2024-06");
	const int64_t half = INT64_MAX / 2 + 1;
	policy pl;
	load(&pl, HEAD "total installment > 100 -> visit\ntotal days_overdue > 5 -> visit\nrent > 100 -> visit\n"
		   "otherwise -> letter\nbucket visit\nbucket letter\n");
	vr_signal arrears[] = { sig("B1", "2024-06-03", "Alpha", SECTOR_RENT, half),
				sig("B2", "2024-06-04", "Beta", SECTOR_RENT, half) };
	vr_signal installment[] = { sig("B1", "2024-06-03", "Alpha", SECTOR_RENT, EUR(10)),
				    sig("B2", "2024-06-04", "Beta", SECTOR_RENT, EUR(10)) };
	installment[0].installment = installment[1].installment = half;
	vr_signal days[] = { sig("B1", "2024-06-03", "Alpha", SECTOR_RENT, EUR(10)),
			     sig("B2", "2024-06-04", "Beta", SECTOR_RENT, EUR(10)) };
	days[0].days_overdue = days[1].days_overdue = half;
	const vr_signal *over[] = { arrears, installment, days };
	for (size_t k = 0; k < N(over); k++) {
		const vr_household h = { "HBIG", over[k], 2, NULL, 0 };
		ck_assert_msg(!vm_decide(pl.v, &h, m, &pl.dec), "case %zu decided", k);
		ck_assert_msg(!vm_decide(pl.plain, &h, m, &pl.dec), "case %zu decided (plain)", k);
	}
	/* At the limit the sums are exact, and the next household is decided
	 * as if none had overflowed before it. */
	vr_signal fits[] = { sig("B1", "2024-06-03", "Alpha", SECTOR_RENT, INT64_MAX - 1),
			     sig("B2", "2024-06-04", "Beta", SECTOR_RENT, 1) };
	fits[0].installment = INT64_MAX - 1;
	fits[1].installment = 1;
	const vr_household h = { "HMAX", fits, 2, NULL, 0 };
	ck_assert(vm_decide(pl.v, &h, m, &pl.dec));
	ck_assert(pl.dec.arrears == INT64_MAX);
	ck_assert_str_eq(decide(&pl, fits, 2, "2024-06"), "visit");
	vr_signal small[] = { sig("S1", "2024-06-03", "Alpha", SECTOR_HEALTH, EUR(10)) };
	ck_assert_str_eq(decide(&pl, small, 1, "2024-06"), "letter");
	unload(&pl);
}
END_TEST

Suite *vm_suite(void)
{
	Suite *s = suite_create("vm");
	TCase *tc = tcase_create("counting");
	tcase_add_test(tc, a_signal_below_the_floor_is_not_counted);
	tcase_add_test(tc, a_sum_past_64_bits_voids_the_decision_and_is_never_wrapped);
	tcase_add_test(tc, several_count_statements_must_all_hold);
	tcase_add_test(tc, a_signal_after_the_run_month_counts_for_nothing);
	tcase_add_test(tc, floors_apply_to_history_months);
	tcase_add_test(tc, a_policy_without_a_floor_counts_every_signal);
	tcase_add_test(tc, the_legal_person_exclusion_comes_before_counting);
	tcase_add_test(tc, an_exclusion_among_the_rules_decides_in_its_place);
	tcase_add_test(tc, a_repeat_of_last_month_is_skipped_with_the_skip_reason);
	tcase_add_test(tc, a_repeat_of_a_signal_below_the_floor_is_not_skipped);
	tcase_add_test(tc, a_repeat_below_the_floor_is_not_counted_not_skipped);
	tcase_add_test(tc, when_every_signal_above_the_floor_repeats_the_skip_reason_wins);
	tcase_add_test(tc, a_new_creditor_beside_a_repeat_is_counted_alone);
	tcase_add_test(tc, only_last_month_and_only_the_same_creditor_bytes_repeat);
	suite_add_tcase(s, tc);

	tc = tcase_create("windows");
	tcase_add_test(tc, within_n_months_includes_the_run_month_and_n_minus_1_before);
	tcase_add_test(tc, in_previous_n_months_excludes_the_run_month);
	tcase_add_test(tc, without_a_window_an_aggregate_sees_the_run_month);
	tcase_add_test(tc, outcomes_in_previous_months_exclude_the_run_month);
	tcase_add_test(tc, all_and_count_over_outcomes);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, an_amount_range_includes_both_ends);
	tcase_add_test(tc, a_comparison_with_a_missing_value_is_false);
	tcase_add_test(tc, text_is_never_missing_an_empty_district_is_a_district);
	tcase_add_test(tc, an_unchecked_brp_match_is_neither_0_nor_1);
	tcase_add_test(tc, ages_are_taken_on_the_first_day_of_the_run_month);
	tcase_add_test(tc, the_district_is_the_latest_current_signals);
	tcase_add_test(tc, on_the_same_day_the_district_is_the_highest_signal_ids);
	tcase_add_test(tc, the_district_comes_from_a_current_signal_counted_or_not);
	tcase_add_test(tc, a_phone_from_any_current_signal_counted_or_not);
	tcase_add_test(tc, the_household_key_is_a_fact);
	tcase_add_test(tc, distinct_creditors_compare_byte_by_byte);
	tcase_add_test(tc, rent_is_the_total_of_counted_current_rent_signals);
	tcase_add_test(tc, the_design_card_policy_decides_as_read);
	tcase_add_test(tc, aggregates_over_counted_signals_have_exact_values);
	tcase_add_test(tc, max_and_min_of_nothing_are_missing_and_compare_false);
	tcase_add_test(tc, months_with_signals_counts_distinct_months);
	tcase_add_test(tc, any_and_all_range_over_counted_current_signals);
	tcase_add_test(tc, text_fields_compare_exactly);
	tcase_add_test(tc, compound_signal_conditions_decide_as_written);
	tcase_add_test(tc, explain_learns_which_count_statement_a_signal_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("labels");
	tcase_add_test(tc, labels_are_computed_for_households_in_a_bucket);
	tcase_add_test(tc, an_excluded_household_has_no_labels);
	tcase_add_test(tc, a_label_without_else_may_have_no_value);
	tcase_add_test(tc, a_definition_holds_for_one_household_only);
	tcase_add_test(tc, the_trace_sees_every_rule_tried_in_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("programs");
	tcase_add_test(tc, every_opcode_is_generated_by_some_policy_line);
	tcase_add_test(tc, every_opcode_runs_in_some_decision);
	tcase_add_test(tc, p2_decides_each_rule_in_order);
	suite_add_tcase(s, tc);
	return s;
}
