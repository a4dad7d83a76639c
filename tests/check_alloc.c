/* check_alloc.c - capacity allocation (field-policies.md, "Capacity"):
 * places by the bucket's order with ties to the lower household key,
 * overflow chains, redirects and what they do to overflowed_from, the
 * round-robin spread over districts (in name order, or rotating with the
 * month), back-fill, order keys, and the flow
 * counters (every move counted where it happens; arrivals - departures =
 * households, on every field policy over every month of the example city),
 * and the path of one household, step by step, as explain shows it.
 * Policies are compiled from text for their bucket tables; the households'
 * entries are written by hand (order keys in the VM's slot layout), except
 * where a test says it runs the VM or a month. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include "alloc.h"
#include "compile.h"
#include "run.h"

#define HEAD "policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal\n"
#define N(a) (sizeof (a) / sizeof *(a))
#define EUR(x) ((cents_t)(x) * 100)
#define MAX_KEYS 16

typedef struct fixture {
	bc_program p;
	vm *v;
	vr_month month;            /* the run month: 2024-06 unless a test says */
	int64_t keys[32][MAX_KEYS];
	char where[32][128];
} fixture;

static void load(fixture *fx, const char *text)
{
	memset(fx, 0, sizeof *fx);
	fx->month = 2024 * 12 + 5;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	diag d;
	diag_init(&d, f);
	const bool ok = compile_policy("t.vroeg", text, strlen(text), &d, &fx->p);
	fclose(f);
	ck_assert_msg(ok, "policy does not compile:\n%s\n%s", text, out);
	free(out);
	fx->v = vm_new(&fx->p);
	ck_assert_ptr_nonnull(fx->v);
	ck_assert_uint_le(vm_order_slots(fx->v), MAX_KEYS);
}

static void unload(fixture *fx)
{
	vm_free(fx->v);
	bc_program_free(&fx->p);
}

static int32_t bucket(const fixture *fx, const char *name)
{
	for (uint32_t b = 0; b < fx->p.nbuckets; b++)
		if (strcmp(fx->p.consts[fx->p.buckets[b].name].text, name) == 0)
			return (int32_t)b;
	ck_abort_msg("no bucket %s", name);
	return -1;
}

static const char *bucket_name(const fixture *fx, int32_t b)
{
	return b < 0 ? "excluded" : fx->p.consts[fx->p.buckets[b].name].text;
}

/* Entry I: household KEY, sent by a rule to bucket TO (NULL: excluded). */
static alloc_entry entry(fixture *fx, size_t i, const char *key, const char *to, cents_t arrears)
{
	ck_assert_uint_lt(i, 32);
	alloc_entry e;
	memset(&e, 0, sizeof e);
	e.household = key;
	e.rule_bucket = to ? bucket(fx, to) : -1;
	e.arrears = arrears;
	e.has_phone = true;
	e.has_email = true;
	e.district = "";
	e.keys = fx->keys[i];
	return e;
}

/* Order key K of bucket B for entry I. */
static void set_key(fixture *fx, size_t i, const char *b, uint32_t k, int64_t value)
{
	fx->keys[i][vm_order_slot(fx->v, (uint32_t)bucket(fx, b)) + k] = value;
}

static void run(fixture *fx, alloc_entry *e, size_t n)
{
	ck_assert(alloc_run(&fx->p, fx->v, fx->month, e, n));
	for (size_t i = 0; i < n; i++) {
		char *w = fx->where[i];
		int len = snprintf(w, 128, "%s", bucket_name(fx, e[i].bucket));
		if (e[i].place > 0)
			len += snprintf(w + len, (size_t)(128 - len), " #%lld", (long long)e[i].place);
		if (e[i].overflowed_from >= 0)
			len += snprintf(w + len, (size_t)(128 - len), " from %s", bucket_name(fx, e[i].overflowed_from));
		if (e[i].backfilled)
			snprintf(w + len, (size_t)(128 - len), " backfilled");
	}
}

/* Sets every order key of bucket B (its order and its back-fill order) to
 * each entry's arrears, as the VM does for "by arrears ...". */
static void arrears_keys(fixture *fx, const alloc_entry *e, size_t n, const char *b)
{
	const bc_bucket *bk = &fx->p.buckets[bucket(fx, b)];
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < (uint32_t)(bk->norder + bk->nbackfill_order); k++)
			set_key(fx, i, b, k, e[i].arrears);
}

#define EXPECT(fx, e, i, want) \
	ck_assert_msg(strcmp((fx).where[i], (want)) == 0, "%s: got \"%s\", want \"%s\"", (e)[i].household, (fx).where[i], (want))

/* The district a rotating spread of bucket B served first, from flows F. */
#define FIRST(fx, f, b) ((f)[bucket(&(fx), (b))].first_district)

/* ---- places and ties ------------------------------------------------------------- */

START_TEST(places_go_by_arrears_descending_ties_to_the_lower_key)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> visit\nbucket visit capacity 2 overflow letter\nbucket letter\n");
	alloc_entry e[] = {
		entry(&fx, 0, "H99", "visit", EUR(500)),
		entry(&fx, 1, "H100", "visit", EUR(500)),
		entry(&fx, 2, "H5", "visit", EUR(400)),
		entry(&fx, 3, "H1", "visit", EUR(600)),
	};
	run(&fx, e, N(e));
	EXPECT(fx, e, 3, "visit #1");
	EXPECT(fx, e, 1, "visit #2");          /* "H100" < "H99" byte by byte */
	EXPECT(fx, e, 0, "letter from visit");
	EXPECT(fx, e, 2, "letter from visit");
	/* explain tells where the full bucket ranked those it turned away. */
	ck_assert_int_eq(e[0].rank, 3);
	ck_assert_int_eq(e[2].rank, 4);
	ck_assert_int_eq(e[2].candidates, 4);
	unload(&fx);
}
END_TEST

START_TEST(the_result_does_not_depend_on_the_entry_order)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> visit\nbucket visit capacity 1 overflow letter\nbucket letter\n");
	alloc_entry a[] = { entry(&fx, 0, "H100", "visit", EUR(500)), entry(&fx, 1, "H99", "visit", EUR(500)) };
	run(&fx, a, 2);
	EXPECT(fx, a, 0, "visit #1");
	alloc_entry b[] = { entry(&fx, 0, "H99", "visit", EUR(500)), entry(&fx, 1, "H100", "visit", EUR(500)) };
	run(&fx, b, 2);
	EXPECT(fx, b, 1, "visit #1");
	EXPECT(fx, b, 0, "letter from visit");
	unload(&fx);
}
END_TEST

/* Thousands of candidates, many with equal arrears: entries in key order
 * take the radix sort, the same entries shuffled take the merge sort; both
 * must give every household the same place, rank and overflow. */
START_TEST(a_large_bucket_sorts_the_same_whichever_way_the_entries_come)
{
	enum { N_ENTRIES = 3000 };
	fixture fx;
	load(&fx, HEAD "otherwise -> visit\nbucket visit capacity 700 overflow phone\n"
	     "bucket phone capacity 900 by arrears asc overflow letter\nbucket letter\n");
	static alloc_entry sorted[N_ENTRIES], shuffled[N_ENTRIES];
	static char keys[N_ENTRIES][16];
	static int64_t slots[N_ENTRIES][MAX_KEYS];
	unsigned seed = 12345;
	for (size_t i = 0; i < N_ENTRIES; i++) {
		snprintf(keys[i], sizeof keys[i], "H%05zu", i);   /* in byte order */
		seed = seed * 1103515245u + 12345u;
		memset(&sorted[i], 0, sizeof sorted[i]);
		sorted[i].household = keys[i];
		sorted[i].rule_bucket = bucket(&fx, "visit");
		sorted[i].arrears = EUR(10) * (cents_t)((seed >> 16) % 50);   /* many ties */
		sorted[i].has_phone = sorted[i].has_email = true;
		sorted[i].district = "";
		/* the phone bucket's key (arrears asc), some missing */
		slots[i][vm_order_slot(fx.v, (uint32_t)bucket(&fx, "phone"))] =
			(seed >> 8) % 7 == 0 ? VR_MISSING : sorted[i].arrears;
		sorted[i].keys = slots[i];
	}
	for (size_t i = 0; i < N_ENTRIES; i++)   /* a fixed permutation, not in key order */
		shuffled[i] = sorted[(i * 1237) % N_ENTRIES];
	ck_assert(alloc_run(&fx.p, fx.v, fx.month, sorted, N_ENTRIES));
	ck_assert(alloc_run(&fx.p, fx.v, fx.month, shuffled, N_ENTRIES));
	long placed = 0;
	for (size_t i = 0; i < N_ENTRIES; i++) {
		const alloc_entry *a = &shuffled[i], *b = &sorted[(i * 1237) % N_ENTRIES];
		ck_assert_str_eq(a->household, b->household);
		ck_assert_msg(a->bucket == b->bucket && a->place == b->place &&
			      a->overflowed_from == b->overflowed_from && a->rank == b->rank,
			      "%s: %s #%lld rank %lld against %s #%lld rank %lld", a->household,
			      bucket_name(&fx, a->bucket), (long long)a->place, (long long)a->rank,
			      bucket_name(&fx, b->bucket), (long long)b->place, (long long)b->rank);
		placed += a->place > 0;
	}
	ck_assert_int_eq(placed, 700 + 900);
	/* The first place is the highest arrears, the lowest key among equals. */
	for (size_t i = 0; i < N_ENTRIES; i++)
		if (sorted[i].bucket == bucket(&fx, "visit") && sorted[i].place == 1) {
			for (size_t j = 0; j < N_ENTRIES; j++)
				ck_assert(sorted[j].arrears < sorted[i].arrears ||
					  (sorted[j].arrears == sorted[i].arrears && j >= i));
		}
	unload(&fx);
}
END_TEST

START_TEST(zero_capacity_overflows_everyone)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> visit\nbucket visit capacity 0 overflow letter\nbucket letter\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "visit", EUR(900)), entry(&fx, 1, "H2", "visit", EUR(1)) };
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "letter from visit");
	EXPECT(fx, e, 1, "letter from visit");
	unload(&fx);
}
END_TEST

START_TEST(a_bucket_without_capacity_takes_everyone_without_places)
{
	fixture fx;
	load(&fx, HEAD "match -> visit\notherwise -> letter\nbucket visit capacity 1 overflow letter\nbucket letter\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "letter", EUR(900)), entry(&fx, 1, "H2", "letter", EUR(1)),
			    entry(&fx, 2, "H3", NULL, EUR(5000)) };
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "letter");
	EXPECT(fx, e, 1, "letter");
	EXPECT(fx, e, 2, "excluded");           /* takes no part */
	unload(&fx);
}
END_TEST

/* ---- overflow ----------------------------------------------------------------------- */

static const char chain[] =
	HEAD "match -> a\nsingle -> b\notherwise -> c\n"
	"bucket a capacity 1 overflow b\n"
	"bucket b capacity 1 overflow c\n"
	"bucket c\n";

static const char chain_reversed[] =
	HEAD "match -> a\nsingle -> b\notherwise -> c\n"
	"bucket c\n"
	"bucket b capacity 1 overflow c\n"
	"bucket a capacity 1 overflow b\n";

START_TEST(in_an_overflow_chain_overflowed_from_is_the_last_bucket)
{
	const char *const texts[] = { chain, chain_reversed };
	for (int t = 0; t < 2; t++) {
		fixture fx;
		load(&fx, texts[t]);
		alloc_entry e[] = {
			entry(&fx, 0, "A1", "a", EUR(300)),
			entry(&fx, 1, "A2", "a", EUR(200)),
			entry(&fx, 2, "B1", "b", EUR(250)),
		};
		run(&fx, e, N(e));
		EXPECT(fx, e, 0, "a #1");
		EXPECT(fx, e, 2, "b #1");           /* b's own candidate outranks the overflow */
		EXPECT(fx, e, 1, "c from b");       /* turned away by a, then by b */
		unload(&fx);
	}
}
END_TEST

START_TEST(overflowed_households_compete_with_the_targets_own_by_its_order)
{
	fixture fx;
	load(&fx, chain);
	alloc_entry e[] = {
		entry(&fx, 0, "A1", "a", EUR(300)),
		entry(&fx, 1, "A2", "a", EUR(200)),
		entry(&fx, 2, "B1", "b", EUR(150)),
	};
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "a #1");
	EXPECT(fx, e, 1, "b #1 from a");
	EXPECT(fx, e, 2, "c from b");           /* came by a rule, turned away by b */
	unload(&fx);
}
END_TEST

/* ---- redirects ----------------------------------------------------------------------- */

START_TEST(a_redirect_after_an_overflow_keeps_overflowed_from)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> a\nbucket a capacity 0 overflow b\nbucket b without phone -> mail\nbucket mail\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "a", EUR(100)), entry(&fx, 1, "H2", "a", EUR(100)) };
	e[0].has_phone = false;
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "mail from a");
	EXPECT(fx, e, 1, "b from a");
	unload(&fx);
}
END_TEST

START_TEST(a_redirect_from_a_rule_leaves_overflowed_from_empty)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> b\nbucket b without phone -> mail\nbucket mail\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "b", EUR(100)) };
	e[0].has_phone = false;
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "mail");
	ck_assert_int_eq(e[0].overflowed_from, -1);
	unload(&fx);
}
END_TEST

START_TEST(a_redirected_household_takes_no_place_where_it_was_bound)
{
	/* P2: bound for phone without a phone goes to mail, before places are given. */
	fixture fx;
	load(&fx, HEAD "otherwise -> phone\nbucket phone capacity 1 overflow letter without phone -> mail\nbucket mail\nbucket letter\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "phone", EUR(900)), entry(&fx, 1, "H2", "phone", EUR(100)),
			    entry(&fx, 2, "H3", "phone", EUR(50)) };
	e[0].has_phone = false;
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "mail");
	EXPECT(fx, e, 1, "phone #1");
	EXPECT(fx, e, 2, "letter from phone");
	unload(&fx);
}
END_TEST

START_TEST(redirects_follow_each_other)
{
	/* P4: email without an address, or phone without a number: personal card. */
	fixture fx;
	load(&fx, HEAD "otherwise -> phone\n"
		"bucket phone without phone -> email\n"
		"bucket email without email -> card\n"
		"bucket card\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "phone", EUR(1)), entry(&fx, 1, "H2", "phone", EUR(1)),
			    entry(&fx, 2, "H3", "phone", EUR(1)) };
	e[0].has_phone = false;
	e[1].has_phone = false;
	e[1].has_email = false;
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "email");
	EXPECT(fx, e, 1, "card");
	EXPECT(fx, e, 2, "phone");
	unload(&fx);
}
END_TEST

/* ---- spread over districts ------------------------------------------------------------ */

static const char spread[] =
	HEAD "otherwise -> visit\n"
	"bucket visit capacity 5 spread over district by arrears desc overflow reserve\n"
	"bucket reserve\n";

static size_t spread_entries(fixture *fx, alloc_entry *e)
{
	static const struct { const char *key, *district; int euros; } hh[] = {
		{ "X0", "", 200 },
		{ "C1", "Centrum", 300 }, { "C2", "Centrum", 200 }, { "C3", "Centrum", 100 },
		{ "N1", "Noord", 900 }, { "N2", "Noord", 800 }, { "N3", "Noord", 700 },
	};
	for (size_t i = 0; i < N(hh); i++) {
		e[i] = entry(fx, i, hh[i].key, "visit", EUR(hh[i].euros));
		e[i].district = hh[i].district;
	}
	return N(hh);
}

START_TEST(places_go_round_robin_over_districts_in_name_order)
{
	fixture fx;
	load(&fx, spread);
	alloc_entry e[8];
	const size_t n = spread_entries(&fx, e);
	run(&fx, e, n);
	EXPECT(fx, e, 0, "visit #1");    /* "" sorts first */
	EXPECT(fx, e, 1, "visit #2");
	EXPECT(fx, e, 4, "visit #3");
	EXPECT(fx, e, 2, "visit #4");    /* second round: "" has no one left */
	EXPECT(fx, e, 5, "visit #5");
	EXPECT(fx, e, 3, "reserve from visit");
	EXPECT(fx, e, 6, "reserve from visit");
	/* With a spread, the rank is within the district. */
	ck_assert_int_eq(e[3].rank, 3);
	ck_assert_int_eq(e[6].rank, 3);
	ck_assert_int_eq(e[6].candidates, 7);
	unload(&fx);
}
END_TEST

START_TEST(the_last_rounds_places_go_to_the_first_districts)
{
	fixture fx;
	char text[512];
	snprintf(text, sizeof text, "%s", spread);
	char *cap = strstr(text, "capacity 5");
	ck_assert_ptr_nonnull(cap);
	cap[9] = '4';
	load(&fx, text);
	alloc_entry e[8];
	const size_t n = spread_entries(&fx, e);
	run(&fx, e, n);
	EXPECT(fx, e, 2, "visit #4");    /* Centrum before Noord */
	EXPECT(fx, e, 5, "reserve from visit");
	unload(&fx);
}
END_TEST

START_TEST(district_names_sort_byte_by_byte)
{
	/* "Zuid" < "centrum": capitals sort first. */
	fixture fx;
	load(&fx, HEAD "otherwise -> visit\nbucket visit capacity 2 spread over district overflow reserve\nbucket reserve\n");
	alloc_entry e[] = { entry(&fx, 0, "L1", "visit", EUR(1000)), entry(&fx, 1, "Z1", "visit", EUR(10)),
			    entry(&fx, 2, "N1", "visit", EUR(20)) };
	e[0].district = "centrum";
	e[1].district = "Zuid";
	e[2].district = "Noord";
	run(&fx, e, N(e));
	EXPECT(fx, e, 2, "visit #1");
	EXPECT(fx, e, 1, "visit #2");
	EXPECT(fx, e, 0, "reserve from visit");
	unload(&fx);
}
END_TEST

START_TEST(within_a_district_ties_go_to_the_lower_key)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> visit\nbucket visit capacity 2 spread over district overflow reserve\nbucket reserve\n");
	alloc_entry e[] = { entry(&fx, 0, "H99", "visit", EUR(50)), entry(&fx, 1, "H100", "visit", EUR(50)),
			    entry(&fx, 2, "H7", "visit", EUR(10)) };
	e[2].district = "Noord";
	run(&fx, e, N(e));
	EXPECT(fx, e, 1, "visit #1");
	EXPECT(fx, e, 2, "visit #2");
	EXPECT(fx, e, 0, "reserve from visit");
	unload(&fx);
}
END_TEST

/* A rotating spread starts at district (month number) mod (districts with
 * candidates): 2024-06 is month 24293, so of "", Centrum and Noord (3) it
 * starts at Noord (24293 mod 3 = 2); 2024-07 at "", 2024-08 at Centrum. */
START_TEST(a_rotating_spread_starts_at_the_months_district)
{
	fixture fx;
	char text[512];
	snprintf(text, sizeof text, "%s", spread);
	char *at = strstr(text, "spread over district");
	ck_assert_ptr_nonnull(at);
	memcpy(at, "spread over district rotating by arrears desc overflow reserve\nbucket reserve\n",
	       sizeof "spread over district rotating by arrears desc overflow reserve\nbucket reserve\n");
	load(&fx, text);
	alloc_entry e[8];
	size_t n = spread_entries(&fx, e);
	alloc_flow f[2];
	ck_assert(alloc_run_flows(&fx.p, fx.v, fx.month, e, n, f));
	ck_assert_str_eq(FIRST(fx, f, "visit"), "Noord");
	run(&fx, e, n);
	EXPECT(fx, e, 4, "visit #1");    /* Noord first */
	EXPECT(fx, e, 0, "visit #2");    /* then "" and Centrum, wrapping round */
	EXPECT(fx, e, 1, "visit #3");
	EXPECT(fx, e, 5, "visit #4");    /* second round: Noord, ("" empty), Centrum */
	EXPECT(fx, e, 2, "visit #5");
	EXPECT(fx, e, 6, "reserve from visit");
	EXPECT(fx, e, 3, "reserve from visit");

	fx.month = 2024 * 12 + 6;         /* 2024-07: name order, as without rotation */
	n = spread_entries(&fx, e);
	ck_assert(alloc_run_flows(&fx.p, fx.v, fx.month, e, n, f));
	ck_assert_str_eq(FIRST(fx, f, "visit"), "");
	run(&fx, e, n);
	EXPECT(fx, e, 0, "visit #1");
	EXPECT(fx, e, 1, "visit #2");
	EXPECT(fx, e, 4, "visit #3");

	fx.month = 2024 * 12 + 7;         /* 2024-08: Centrum first */
	n = spread_entries(&fx, e);
	run(&fx, e, n);
	EXPECT(fx, e, 1, "visit #1");
	EXPECT(fx, e, 4, "visit #2");
	EXPECT(fx, e, 0, "visit #3");
	EXPECT(fx, e, 2, "visit #4");
	EXPECT(fx, e, 5, "visit #5");
	unload(&fx);
}
END_TEST

/* Ten places for thirteen districts of one candidate each: in name order
 * the same three get nothing every month; rotating, over thirteen months
 * every district gets a place in ten of them. */
START_TEST(rotating_over_the_months_every_district_has_its_turn)
{
	static const char *const districts[13] = {
		"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
	};
	for (int rotating = 0; rotating < 2; rotating++) {
		fixture fx;
		load(&fx, rotating
		     ? HEAD "otherwise -> visit\nbucket visit capacity 10 spread over district rotating overflow reserve\nbucket reserve\n"
		     : HEAD "otherwise -> visit\nbucket visit capacity 10 spread over district overflow reserve\nbucket reserve\n");
		int served[13] = { 0 };
		for (int m = 0; m < 13; m++) {
			fx.month = 2024 * 12 + m;
			alloc_entry e[13];
			for (size_t i = 0; i < 13; i++) {
				char key[8];
				snprintf(key, sizeof key, "H%zu", i);
				e[i] = entry(&fx, i, strdup(key), "visit", EUR(100));
				e[i].district = districts[i];
			}
			run(&fx, e, 13);
			for (size_t i = 0; i < 13; i++) {
				served[i] += e[i].place > 0;
				free((char *)e[i].household);
			}
		}
		for (size_t i = 0; i < 13; i++)
			ck_assert_msg(served[i] == (rotating ? 10 : i < 10 ? 13 : 0), "%s %s: served %d of 13 months",
				      rotating ? "rotating" : "in name order", districts[i], served[i]);
		unload(&fx);
	}
	ck_assert_uint_eq(alloc_rotation_start(2024 * 12 + 5, 13), 9);   /* 24293 mod 13 */
	ck_assert_uint_eq(alloc_rotation_start(2024 * 12 + 5, 0), 0);
	ck_assert_uint_eq(alloc_rotation_start(2024 * 12 + 5, 1), 0);
}
END_TEST

/* ---- back-fill ---------------------------------------------------------------------------- */

static const char p6[] =
	HEAD "match or any sector = rent -> home_visit\notherwise -> letter\n"
	"bucket home_visit capacity 3 by arrears desc overflow letter\n"
	"                  backfill from letter by arrears desc\n"
	"bucket letter\n";

START_TEST(spare_places_are_back_filled_from_the_rule_sent_households)
{
	fixture fx;
	load(&fx, p6);
	alloc_entry e[] = {
		entry(&fx, 0, "V1", "home_visit", EUR(500)),
		entry(&fx, 1, "L1", "letter", EUR(100)),
		entry(&fx, 2, "L2", "letter", EUR(300)),
		entry(&fx, 3, "L3", "letter", EUR(200)),
	};
	arrears_keys(&fx, e, N(e), "home_visit");
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "home_visit #1");
	EXPECT(fx, e, 2, "home_visit #2 backfilled");
	EXPECT(fx, e, 3, "home_visit #3 backfilled");
	EXPECT(fx, e, 1, "letter");
	ck_assert_int_eq(e[2].overflowed_from, -1);
	unload(&fx);
}
END_TEST

START_TEST(no_spare_places_no_back_fill)
{
	fixture fx;
	load(&fx, p6);
	alloc_entry e[] = {
		entry(&fx, 0, "V1", "home_visit", EUR(500)), entry(&fx, 1, "V2", "home_visit", EUR(400)),
		entry(&fx, 2, "V3", "home_visit", EUR(300)), entry(&fx, 3, "V4", "home_visit", EUR(200)),
		entry(&fx, 4, "L1", "letter", EUR(9000)),
	};
	arrears_keys(&fx, e, N(e), "home_visit");
	run(&fx, e, N(e));
	EXPECT(fx, e, 3, "letter from home_visit");
	EXPECT(fx, e, 4, "letter");
	unload(&fx);
}
END_TEST

START_TEST(households_that_overflowed_into_the_source_are_not_back_filled)
{
	fixture fx;
	load(&fx, HEAD "match -> crowded\nany sector = rent -> home_visit\notherwise -> letter\n"
		"bucket crowded capacity 0 overflow letter\n"
		"bucket home_visit capacity 2 overflow letter backfill from letter\n"
		"bucket letter\n");
	alloc_entry e[] = {
		entry(&fx, 0, "X1", "crowded", EUR(9000)),
		entry(&fx, 1, "L1", "letter", EUR(100)),
	};
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "letter from crowded");
	EXPECT(fx, e, 1, "home_visit #1 backfilled");
	unload(&fx);
}
END_TEST

START_TEST(back_fill_respects_the_buckets_redirects)
{
	fixture fx;
	load(&fx, HEAD "any sector = rent -> home_visit\notherwise -> letter\n"
		"bucket home_visit capacity 2 overflow letter backfill from letter without phone -> letter\n"
		"bucket letter\n");
	alloc_entry e[] = { entry(&fx, 0, "L1", "letter", EUR(900)), entry(&fx, 1, "L2", "letter", EUR(100)) };
	e[0].has_phone = false;
	run(&fx, e, N(e));
	EXPECT(fx, e, 0, "letter");
	EXPECT(fx, e, 1, "home_visit #1 backfilled");
	unload(&fx);
}
END_TEST

START_TEST(back_fill_by_its_own_order_or_else_the_buckets)
{
	/* The bucket orders by arrears ascending; without its own order the
	 * back-fill uses that one. */
	fixture fx;
	load(&fx, HEAD "any sector = rent -> home_visit\notherwise -> letter\n"
		"bucket home_visit capacity 1 by arrears asc overflow letter backfill from letter\n"
		"bucket letter\n");
	alloc_entry e[] = { entry(&fx, 0, "L1", "letter", EUR(900)), entry(&fx, 1, "L2", "letter", EUR(100)) };
	set_key(&fx, 0, "home_visit", 0, EUR(900));
	set_key(&fx, 1, "home_visit", 0, EUR(100));
	run(&fx, e, N(e));
	EXPECT(fx, e, 1, "home_visit #1 backfilled");
	EXPECT(fx, e, 0, "letter");
	unload(&fx);

	load(&fx, HEAD "any sector = rent -> home_visit\notherwise -> letter\n"
		"bucket home_visit capacity 1 by arrears asc overflow letter backfill from letter by arrears desc\n"
		"bucket letter\n");
	alloc_entry f[] = { entry(&fx, 0, "L1", "letter", EUR(900)), entry(&fx, 1, "L2", "letter", EUR(100)) };
	set_key(&fx, 0, "home_visit", 0, EUR(900));
	set_key(&fx, 1, "home_visit", 0, EUR(100));
	set_key(&fx, 0, "home_visit", 1, EUR(900));
	set_key(&fx, 1, "home_visit", 1, EUR(100));
	run(&fx, f, N(f));
	EXPECT(fx, f, 0, "home_visit #1 backfilled");
	EXPECT(fx, f, 1, "letter");
	unload(&fx);
}
END_TEST

/* ---- order keys ---------------------------------------------------------------------------- */

START_TEST(several_order_keys_each_with_its_direction)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> q\nbucket q capacity 3 by max days_overdue desc, arrears asc overflow r\nbucket r\n");
	static const struct { const char *key; int64_t days; int euros; } hh[] = {
		{ "E1", 90, 500 }, { "E2", 90, 300 }, { "E3", 120, 900 }, { "E4", VR_MISSING, 1 }, { "E5", 30, 1 },
	};
	alloc_entry e[N(hh)];
	for (size_t i = 0; i < N(hh); i++) {
		e[i] = entry(&fx, i, hh[i].key, "q", EUR(hh[i].euros));
		set_key(&fx, i, "q", 0, hh[i].days);
		set_key(&fx, i, "q", 1, EUR(hh[i].euros));
	}
	run(&fx, e, N(e));
	EXPECT(fx, e, 2, "q #1");
	EXPECT(fx, e, 1, "q #2");
	EXPECT(fx, e, 0, "q #3");
	EXPECT(fx, e, 4, "r from q");
	EXPECT(fx, e, 3, "r from q");
	unload(&fx);
}
END_TEST

START_TEST(a_missing_key_sorts_last_in_either_direction)
{
	const char *const texts[] = {
		HEAD "otherwise -> q\nbucket q capacity 2 by max days_overdue asc overflow r\nbucket r\n",
		HEAD "otherwise -> q\nbucket q capacity 2 by max days_overdue desc overflow r\nbucket r\n",
	};
	for (int t = 0; t < 2; t++) {
		fixture fx;
		load(&fx, texts[t]);
		alloc_entry e[] = { entry(&fx, 0, "A", "q", 0), entry(&fx, 1, "B", "q", 0), entry(&fx, 2, "C", "q", 0) };
		set_key(&fx, 0, "q", 0, VR_MISSING);
		set_key(&fx, 1, "q", 0, 10);
		set_key(&fx, 2, "q", 0, 20);
		run(&fx, e, N(e));
		EXPECT(fx, e, 0, "r from q");
		unload(&fx);
	}
}
END_TEST

START_TEST(keys_computed_by_the_vm_order_the_places)
{
	/* End to end: the VM computes "max days_overdue" per household; the
	 * household without any days_overdue comes last although it owes most. */
	fixture fx;
	load(&fx, HEAD "otherwise -> q\nbucket q capacity 2 by max days_overdue asc overflow r\nbucket r\n");
	static const struct { const char *key; int64_t days; int euros; } hh[] = {
		{ "H1", VR_MISSING, 5000 }, { "H2", 40, 10 }, { "H3", 20, 10 },
	};
	alloc_entry e[N(hh)];
	for (size_t i = 0; i < N(hh); i++) {
		vr_signal s;
		memset(&s, 0, sizeof s);
		s.signal_id = "S1";
		s.person = hh[i].key;
		s.creditor = "Vitens";
		s.district = "";
		vr_date_parse("2024-06-03", 10, &s.received);
		s.birth_date = VR_DATE_NONE;
		s.arrears = EUR(hh[i].euros);
		s.installment = s.installments_missed = VR_MISSING;
		s.days_overdue = hh[i].days;
		s.sector = SECTOR_WATER;
		s.brp_match = -1;
		const vr_household h = { hh[i].key, &s, 1, NULL, 0 };
		vm_decision dec;
		vm_decide(fx.v, &h, 2024 * 12 + 5, &dec);
		e[i] = entry(&fx, i, hh[i].key, "q", dec.arrears);
		ck_assert_int_eq(dec.bucket, e[i].rule_bucket);
		memcpy(fx.keys[i], dec.keys, vm_order_slots(fx.v) * sizeof *dec.keys);
	}
	run(&fx, e, N(e));
	EXPECT(fx, e, 2, "q #1");
	EXPECT(fx, e, 1, "q #2");
	EXPECT(fx, e, 0, "r from q");
	unload(&fx);
}
END_TEST

/* ---- flow order ------------------------------------------------------------------------------ */

START_TEST(buckets_fill_before_the_buckets_they_send_to)
{
	fixture fx;
	load(&fx, HEAD "match -> a\nsingle -> src\notherwise -> d\n"
		"bucket d\n"
		"bucket src\n"
		"bucket c without email -> d\n"
		"bucket b capacity 1 overflow c\n"
		"bucket a capacity 1 overflow b backfill from src\n");
	uint32_t order[5];
	alloc_bucket_order(&fx.p, order);
	int pos[5];
	for (int i = 0; i < 5; i++)
		pos[order[i]] = i;
	const int a = bucket(&fx, "a"), b = bucket(&fx, "b"), c = bucket(&fx, "c"), d = bucket(&fx, "d"),
		  src = bucket(&fx, "src");
	ck_assert_int_lt(pos[a], pos[b]);
	ck_assert_int_lt(pos[b], pos[c]);
	ck_assert_int_lt(pos[c], pos[d]);
	ck_assert_int_lt(pos[a], pos[src]);
	unload(&fx);
}
END_TEST


/* ---- flow counters ------------------------------------------------------------------------ */

/* Runs E counting flows into F (per bucket, by name). */
static void run_flows(fixture *fx, alloc_entry *e, size_t n, alloc_flow *f)
{
	ck_assert(alloc_run_flows(&fx->p, fx->v, fx->month, e, n, f));
}

#define FLOW(fx, f, b) (&(f)[bucket(&(fx), (b))])

START_TEST(a_household_is_counted_at_every_bucket_on_its_path)
{
	/* Turned away by a, then redirected by b for want of a phone: both
	 * buckets count it leaving, b and mail count it arriving. */
	fixture fx;
	load(&fx, HEAD "otherwise -> a\nbucket a capacity 0 overflow b\nbucket b without phone -> mail\nbucket mail\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "a", EUR(100)), entry(&fx, 1, "H2", "a", EUR(100)) };
	e[0].has_phone = false;
	alloc_flow f[3];
	run_flows(&fx, e, N(e), f);
	const alloc_flow *a = FLOW(fx, f, "a"), *b = FLOW(fx, f, "b"), *mail = FLOW(fx, f, "mail");
	ck_assert_int_eq(a->by_rule, 2);
	ck_assert_int_eq(a->turned_away, 2);
	ck_assert_int_eq(a->ended, 0);
	ck_assert_int_eq(b->overflow_in, 2);
	ck_assert_int_eq(b->redirected_no_phone, 1);
	ck_assert_int_eq(b->ended, 1);
	ck_assert_int_eq(mail->redirect_in, 1);
	ck_assert_int_eq(mail->overflow_in, 0);   /* its overflowed_from says a; it came by redirect */
	ck_assert_int_eq(mail->ended, 1);
	unload(&fx);
}
END_TEST

START_TEST(every_bucket_of_an_overflow_chain_counts_whom_it_turned_away)
{
	/* overflowed_from names only b for A2; a turned it away too. */
	fixture fx;
	load(&fx, chain);
	alloc_entry e[] = {
		entry(&fx, 0, "A1", "a", EUR(300)),
		entry(&fx, 1, "A2", "a", EUR(200)),
		entry(&fx, 2, "B1", "b", EUR(250)),
	};
	alloc_flow f[3];
	run_flows(&fx, e, N(e), f);
	const alloc_flow *a = FLOW(fx, f, "a"), *b = FLOW(fx, f, "b"), *c = FLOW(fx, f, "c");
	ck_assert_int_eq(a->by_rule, 2);
	ck_assert_int_eq(a->placed, 1);
	ck_assert_int_eq(a->turned_away, 1);
	ck_assert_int_eq(b->by_rule, 1);
	ck_assert_int_eq(b->overflow_in, 1);
	ck_assert_int_eq(b->placed, 1);
	ck_assert_int_eq(b->turned_away, 1);
	ck_assert_int_eq(c->overflow_in, 1);
	ck_assert_int_eq(c->ended, 1);
	unload(&fx);
}
END_TEST

START_TEST(redirects_are_counted_by_what_the_household_lacks)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> phone\n"
		"bucket phone without phone -> email\n"
		"bucket email without email -> card\n"
		"bucket card\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "phone", EUR(1)), entry(&fx, 1, "H2", "phone", EUR(1)),
			    entry(&fx, 2, "H3", "phone", EUR(1)) };
	e[0].has_phone = false;
	e[1].has_phone = false;
	e[1].has_email = false;
	alloc_flow f[3];
	run_flows(&fx, e, N(e), f);
	ck_assert_int_eq(FLOW(fx, f, "phone")->redirected_no_phone, 2);
	ck_assert_int_eq(FLOW(fx, f, "phone")->redirected_no_email, 0);
	ck_assert_int_eq(FLOW(fx, f, "email")->redirect_in, 2);
	ck_assert_int_eq(FLOW(fx, f, "email")->redirected_no_email, 1);
	ck_assert_int_eq(FLOW(fx, f, "card")->redirect_in, 1);
	unload(&fx);
}
END_TEST

START_TEST(back_fill_is_counted_at_the_source_and_the_bucket)
{
	fixture fx;
	load(&fx, p6);
	alloc_entry e[] = {
		entry(&fx, 0, "V1", "home_visit", EUR(500)),
		entry(&fx, 1, "L1", "letter", EUR(100)),
		entry(&fx, 2, "L2", "letter", EUR(300)),
		entry(&fx, 3, "L3", "letter", EUR(200)),
	};
	arrears_keys(&fx, e, N(e), "home_visit");
	alloc_flow f[2];
	run_flows(&fx, e, N(e), f);
	const alloc_flow *hv = FLOW(fx, f, "home_visit"), *letter = FLOW(fx, f, "letter");
	ck_assert_int_eq(hv->by_rule, 1);
	ck_assert_int_eq(hv->backfill_in, 2);
	ck_assert_int_eq(hv->placed, 3);
	ck_assert_int_eq(hv->ended, 3);
	ck_assert_int_eq(letter->by_rule, 3);
	ck_assert_int_eq(letter->backfilled_away, 2);
	ck_assert_int_eq(letter->ended, 1);
	unload(&fx);
}
END_TEST

/* ---- one household's path ------------------------------------------------------ */

/* Runs E tracing household KEY; its steps into STEPS. */
static size_t trace(fixture *fx, alloc_entry *e, size_t n, const char *key, alloc_step *steps)
{
	alloc_flow f[8];
	alloc_trace t = { key, steps, 99 };
	ck_assert_uint_le(fx->p.nbuckets, 8);
	ck_assert(alloc_run_traced(&fx->p, fx->v, fx->month, e, n, f, &t));
	ck_assert_uint_le(t.nsteps, fx->p.nbuckets + 2);
	return t.nsteps;
}

static void assert_step(const fixture *fx, const alloc_step *s, enum alloc_step_kind kind, const char *from,
			const char *to, int64_t rank, int64_t candidates)
{
	ck_assert_int_eq(s->kind, kind);
	ck_assert_str_eq(s->from < 0 ? "-" : bucket_name(fx, s->from), from);
	ck_assert_str_eq(bucket_name(fx, s->to), to);
	ck_assert_int_eq(s->rank, rank);
	ck_assert_int_eq(s->candidates, candidates);
}

START_TEST(a_path_has_every_bucket_the_household_passed_through)
{
	fixture fx;
	load(&fx, HEAD "otherwise -> a\n"
		"bucket a capacity 1 overflow b\n"
		"bucket b capacity 1 overflow c\n"
		"bucket c without email -> d\n"
		"bucket d\n");
	alloc_entry e[] = { entry(&fx, 0, "H1", "a", EUR(300)), entry(&fx, 1, "H2", "a", EUR(200)),
			    entry(&fx, 2, "H3", "a", EUR(100)), entry(&fx, 3, "H4", NULL, EUR(1)) };
	e[2].has_email = false;
	alloc_step steps[8];
	/* Turned away twice, then redirected: four steps, each where it happened. */
	ck_assert_uint_eq(trace(&fx, e, N(e), "H3", steps), 4);
	assert_step(&fx, &steps[0], ALLOC_STEP_RULE, "-", "a", 0, 0);
	assert_step(&fx, &steps[1], ALLOC_STEP_NO_PLACE, "a", "b", 3, 3);
	assert_step(&fx, &steps[2], ALLOC_STEP_NO_PLACE, "b", "c", 2, 2);
	assert_step(&fx, &steps[3], ALLOC_STEP_NO_EMAIL, "c", "d", 0, 0);
	ck_assert_str_eq(bucket_name(&fx, e[2].bucket), "d");
	ck_assert_str_eq(bucket_name(&fx, e[2].overflowed_from), "b");
	/* A household with a place where the rule sent it: one step. */
	ck_assert_uint_eq(trace(&fx, e, N(e), "H1", steps), 1);
	assert_step(&fx, &steps[0], ALLOC_STEP_RULE, "-", "a", 0, 0);
	/* Excluded, or not in the month: no path. */
	ck_assert_uint_eq(trace(&fx, e, N(e), "H4", steps), 0);
	ck_assert_uint_eq(trace(&fx, e, N(e), "H9", steps), 0);
	unload(&fx);
}
END_TEST

START_TEST(a_path_shows_the_back_fill_and_tracing_changes_nothing)
{
	fixture fx;
	load(&fx, p6);
	alloc_entry e[] = {
		entry(&fx, 0, "V1", "home_visit", EUR(500)),
		entry(&fx, 1, "L1", "letter", EUR(100)),
		entry(&fx, 2, "L2", "letter", EUR(300)),
		entry(&fx, 3, "L3", "letter", EUR(200)),
	};
	arrears_keys(&fx, e, N(e), "home_visit");
	run(&fx, e, N(e));
	char untraced[4][128];
	memcpy(untraced, fx.where, sizeof untraced);
	alloc_step steps[4];
	ck_assert_uint_eq(trace(&fx, e, N(e), "L2", steps), 2);
	assert_step(&fx, &steps[0], ALLOC_STEP_RULE, "-", "letter", 0, 0);
	assert_step(&fx, &steps[1], ALLOC_STEP_BACKFILL, "letter", "home_visit", 0, 0);
	run(&fx, e, N(e));
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(fx.where[i], untraced[i]);
	unload(&fx);
}
END_TEST

/* Every check of one month's flows against the decisions, counted
 * independently from the entries, and the identity. */
static void check_month_flows(const char *path, const bc_program *p, const run_result *r, const char *month)
{
	long sum_turned = 0, sum_overflow_in = 0;
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const alloc_flow *f = &r->buckets[b].flow;
		const char *name = p->consts[p->buckets[b].name].text;
		long ended = 0, by_rule = 0, placed = 0, backfilled = 0, last_turned = 0;
		for (size_t i = 0; i < r->n; i++) {
			const alloc_entry *e = &r->entries[i];
			ended += e->bucket == (int32_t)b;
			by_rule += e->rule_bucket == (int32_t)b;
			placed += e->bucket == (int32_t)b && e->place > 0;
			backfilled += e->bucket == (int32_t)b && e->backfilled;
			last_turned += e->overflowed_from == (int32_t)b;
		}
		const long arrived = f->by_rule + f->overflow_in + f->redirect_in + f->backfill_in;
		const long left = f->turned_away + f->redirected_no_phone + f->redirected_no_email + f->backfilled_away;
		ck_assert_msg(arrived - left == f->ended, "%s %s %s: %ld arrived, %ld left, %ld ended", path, month,
			      name, arrived, left, f->ended);
		ck_assert_msg(f->ended == ended && ended == r->buckets[b].households, "%s %s %s: ended %ld, decisions %ld",
			      path, month, name, f->ended, ended);
		ck_assert_msg(f->by_rule == by_rule, "%s %s %s: by rule %ld, decisions %ld", path, month, name,
			      f->by_rule, by_rule);
		ck_assert_int_eq(f->placed, placed);
		ck_assert_int_eq(f->backfill_in, backfilled);
		ck_assert_msg(f->turned_away >= last_turned, "%s %s %s", path, month, name);
		/* What arrived here is what the buckets that send here sent. */
		long sent_over = 0, sent_redirected = 0, sent_back = 0;
		for (uint32_t x = 0; x < p->nbuckets; x++) {
			const bc_bucket *bx = &p->buckets[x];
			const alloc_flow *fx = &r->buckets[x].flow;
			sent_over += bx->overflow == (int32_t)b ? fx->turned_away : 0;
			sent_redirected += (bx->without_phone == (int32_t)b ? fx->redirected_no_phone : 0) +
					   (bx->without_email == (int32_t)b ? fx->redirected_no_email : 0);
			sent_back += bx->backfill_from == (int32_t)b ? fx->backfill_in : 0;
		}
		ck_assert_msg(f->overflow_in == sent_over && f->redirect_in == sent_redirected &&
			      f->backfilled_away == sent_back, "%s %s %s: arrivals do not match departures", path,
			      month, name);
		sum_turned += f->turned_away;
		sum_overflow_in += f->overflow_in;
	}
	ck_assert_int_eq(sum_turned, sum_overflow_in);
}

/* Every month of the example city under the policy at PATH, its flows
 * checked; adds to *MOVED the households moved between buckets. */
static void check_policy_flows(store *s, diag *d, const char *path, long *moved)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char text[1 << 16];
	const size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	bc_program p;
	diag quiet;   /* the field policies' lint warnings are not this test's */
	diag_init(&quiet, NULL);
	ck_assert_msg(compile_policy(path, text, n, &quiet, &p), "%s does not compile", path);
	vr_month first, last;
	ck_assert(vr_month_parse("2023-12", 7, &first));
	ck_assert(vr_month_parse("2024-06", 7, &last));
	for (vr_month month = first; month <= last; month++) {
		run_result r;
		ck_assert(run_evaluate(s, &p, month, d, &r));
		char text_month[8];
		vr_month_format(month, text_month);
		check_month_flows(path, &p, &r, text_month);
		for (uint32_t b = 0; b < p.nbuckets; b++)
			*moved += r.buckets[b].flow.turned_away + r.buckets[b].flow.redirected_no_phone +
				  r.buckets[b].flow.backfill_in;
		run_result_free(&r);
	}
	bc_program_free(&p);
}

START_TEST(arrivals_minus_departures_are_the_households_on_every_field_policy)
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
	int policies = 0;
	long moved = 0;
	/* The field policies, and the example policies beside the city. */
	static const char *const dirs[] = { "rules", "examples/policies" };
	for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
		DIR *dir = opendir(dirs[k]);
		ck_assert_ptr_nonnull(dir);
		for (struct dirent *de; (de = readdir(dir));) {
			const size_t len = strlen(de->d_name);
			if (len < 7 || strcmp(de->d_name + len - 6, ".vroeg") != 0)
				continue;
			char path[512];
			snprintf(path, sizeof path, "%s/%s", dirs[k], de->d_name);
			check_policy_flows(s, &d, path, &moved);
			policies++;
		}
		closedir(dir);
	}
	store_close(s);
	ck_assert_int_ge(policies, 11);
	ck_assert_int_gt(moved, 0);   /* the policies do move households */
}
END_TEST

/* A chain of 300,000 buckets, each overflowing into the next (built by hand:
 * a policy that long is no test of this): every bucket before the next, and
 * no stack overflow on the way (the order was a recursive search). */
START_TEST(a_chain_of_many_buckets_is_ordered_without_recursion)
{
	enum { NB = 300000 };
	bc_program p;
	memset(&p, 0, sizeof p);
	p.nbuckets = NB;
	p.buckets = calloc(NB, sizeof *p.buckets);
	uint32_t *order = malloc(NB * sizeof *order);
	uint32_t *pos = malloc(NB * sizeof *pos);
	ck_assert(p.buckets && order && pos);
	for (uint32_t b = 0; b < NB; b++) {
		/* Declared last first: bucket b overflows into b - 1. */
		p.buckets[b].overflow = b ? (int32_t)b - 1 : -1;
		p.buckets[b].without_phone = p.buckets[b].without_email = p.buckets[b].backfill_from = -1;
	}
	alloc_bucket_order(&p, order);
	for (uint32_t i = 0; i < NB; i++)
		pos[order[i]] = i;
	for (uint32_t b = 1; b < NB; b++)
		ck_assert_uint_lt(pos[b], pos[b - 1]);
	free(p.buckets);
	free(order);
	free(pos);
}
END_TEST

Suite *alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("places");
	tcase_add_test(tc, places_go_by_arrears_descending_ties_to_the_lower_key);
	tcase_add_test(tc, the_result_does_not_depend_on_the_entry_order);
	tcase_add_test(tc, a_large_bucket_sorts_the_same_whichever_way_the_entries_come);
	tcase_add_test(tc, zero_capacity_overflows_everyone);
	tcase_add_test(tc, a_bucket_without_capacity_takes_everyone_without_places);
	tcase_add_test(tc, in_an_overflow_chain_overflowed_from_is_the_last_bucket);
	tcase_add_test(tc, overflowed_households_compete_with_the_targets_own_by_its_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("redirects");
	tcase_add_test(tc, a_redirect_after_an_overflow_keeps_overflowed_from);
	tcase_add_test(tc, a_redirect_from_a_rule_leaves_overflowed_from_empty);
	tcase_add_test(tc, a_redirected_household_takes_no_place_where_it_was_bound);
	tcase_add_test(tc, redirects_follow_each_other);
	suite_add_tcase(s, tc);

	tc = tcase_create("spread");
	tcase_add_test(tc, places_go_round_robin_over_districts_in_name_order);
	tcase_add_test(tc, the_last_rounds_places_go_to_the_first_districts);
	tcase_add_test(tc, district_names_sort_byte_by_byte);
	tcase_add_test(tc, within_a_district_ties_go_to_the_lower_key);
	tcase_add_test(tc, a_rotating_spread_starts_at_the_months_district);
	tcase_add_test(tc, rotating_over_the_months_every_district_has_its_turn);
	suite_add_tcase(s, tc);

	tc = tcase_create("backfill");
	tcase_add_test(tc, spare_places_are_back_filled_from_the_rule_sent_households);
	tcase_add_test(tc, no_spare_places_no_back_fill);
	tcase_add_test(tc, households_that_overflowed_into_the_source_are_not_back_filled);
	tcase_add_test(tc, back_fill_respects_the_buckets_redirects);
	tcase_add_test(tc, back_fill_by_its_own_order_or_else_the_buckets);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_test(tc, several_order_keys_each_with_its_direction);
	tcase_add_test(tc, a_missing_key_sorts_last_in_either_direction);
	tcase_add_test(tc, keys_computed_by_the_vm_order_the_places);
	tcase_add_test(tc, buckets_fill_before_the_buckets_they_send_to);
	tcase_add_test(tc, a_chain_of_many_buckets_is_ordered_without_recursion);
	suite_add_tcase(s, tc);

	tc = tcase_create("path");
	tcase_add_test(tc, a_path_has_every_bucket_the_household_passed_through);
	tcase_add_test(tc, a_path_shows_the_back_fill_and_tracing_changes_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("flows");
	tcase_add_test(tc, a_household_is_counted_at_every_bucket_on_its_path);
	tcase_add_test(tc, every_bucket_of_an_overflow_chain_counts_whom_it_turned_away);
	tcase_add_test(tc, redirects_are_counted_by_what_the_household_lacks);
	tcase_add_test(tc, back_fill_is_counted_at_the_source_and_the_bucket);
	tcase_add_test(tc, arrivals_minus_departures_are_the_households_on_every_field_policy);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
