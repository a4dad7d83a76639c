/* check_reads.c - the cursor reads only the parts of a household a policy
 * uses (vm_reads, and vm_history_reads for the signals before the run month):
 * which parts each published policy needs, what a part left out holds, and
 * that reading less changes no decision of any policy under rules/ over two
 * months of the example city; nor do the vm's shortcuts (vm_new_plain). */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "store.h"
#include "support.h"
#include "vm.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-reads-XXXXXX");
	temp_store(dir, path, sizeof path);
}

static void teardown(void)
{
	temp_store_remove(dir, path);
}

static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", file);
	char *text = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			text = realloc(text, cap);
			ck_assert_ptr_nonnull(text);
		}
		const size_t got = fread(text + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	return text;
}

static void load(const char *file, bc_program *p)
{
	size_t len;
	char *text = slurp(file, &len);
	capture c;
	capture_start(&c);
	const bool ok = compile_policy(file, text, len, &c.d, p);
	ck_assert_msg(ok, "%s does not compile:\n%s", file, captured(&c));
	capture_end(&c);
	free(text);
}

static unsigned reads_of(const char *file, unsigned *history)
{
	bc_program p;
	load(file, &p);
	const unsigned r = vm_reads(&p);
	*history = vm_history_reads(&p);
	bc_program_free(&p);
	ck_assert_msg((*history & ~r) == 0, "%s: history reads outside the reads", file);
	return r;
}

START_TEST(crisis_queue_reads_the_fields_it_names_and_the_phone_its_redirect_needs)
{
	unsigned history;
	ck_assert_uint_eq(reads_of("rules/crisis-queue.vroeg", &history),
			  VR_READ_CREDITOR | VR_READ_SECTOR | VR_READ_KIND | VR_READ_LEGAL_FORM |
			  VR_READ_BRP_MATCH | VR_READ_KNOWN_DEBT_HELP | VR_READ_HAS_PHONE);
	/* Before the run month only the floor looks (arrears, always read, and
	 * sector); recidive counts counted signals without a condition. */
	ck_assert_uint_eq(history, VR_READ_SECTOR);
}
END_TEST

START_TEST(outcomes_districts_ages_and_contact_data_are_read_when_used)
{
	unsigned h1, h7, h4;
	const unsigned p1 = reads_of("rules/zoetermeer-2018.vroeg", &h1);
	ck_assert(p1 & VR_READ_OUTCOMES);        /* declined recently */
	ck_assert(p1 & VR_READ_DISTRICT);        /* round-robin spread */
	ck_assert(p1 & VR_READ_DAYS_OVERDUE);    /* the floor */
	ck_assert(!(p1 & VR_READ_BIRTH_DATE));
	ck_assert(h1 & VR_READ_CREDITOR);        /* creditors within 3 months */
	ck_assert(h1 & VR_READ_DAYS_OVERDUE);    /* the floor */
	ck_assert(!(h1 & VR_READ_BRP_MATCH));    /* any brp_match = 0: this month */
	const unsigned p7 = reads_of("rules/youth-route.vroeg", &h7);
	ck_assert(p7 & VR_READ_BIRTH_DATE);      /* aged 18-27 */
	ck_assert(!(p7 & VR_READ_OUTCOMES));
	ck_assert(h7 & VR_READ_CREDITOR);        /* same creditor in the previous month */
	ck_assert(!(h7 & VR_READ_BIRTH_DATE));
	const unsigned p4 = reads_of("rules/amount-and-contact.vroeg", &h4);
	ck_assert(p4 & VR_READ_HAS_PHONE);
	ck_assert(p4 & VR_READ_HAS_EMAIL);
	ck_assert(!(p4 & VR_READ_DISTRICT));
}
END_TEST

static store *city_store(void)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 1000, &c.d);
	ck_assert_msg(s != NULL, "%s", captured(&c));
	store_import_counts n;
	FILE *in = fopen("examples/city/signals.csv", "rb");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(store_import_signals(s, in, "signals.csv", &c.d, &n), STORE_OK);
	fclose(in);
	in = fopen("examples/city/outcomes.csv", "rb");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(store_import_outcomes(s, in, "outcomes.csv", &c.d, &n), STORE_OK);
	fclose(in);
	capture_end(&c);
	return s;
}

/* One line per household: what the VM decided, with everything a run keeps
 * of it (rule, bucket, arrears, contact data, district when read, order
 * keys, labels). */
static void decide_month(store *s, const bc_program *p, unsigned reads, unsigned history,
			 bool plain, vr_month month, char **text, size_t *len)
{
	FILE *out = open_memstream(text, len);
	ck_assert_ptr_nonnull(out);
	capture c;
	capture_start(&c);
	vm *v = plain ? vm_new_plain(p) : vm_new(p);
	ck_assert_ptr_nonnull(v);
	store_cursor *cur = store_households(s, month, p->lookback, reads, history, &c.d);
	const vr_date run_first = vr_month_first_day(month);
	ck_assert_msg(cur != NULL, "%s", captured(&c));
	vr_household h;
	int got;
	while ((got = store_cursor_next(cur, &h)) == 1) {
		vm_decision dec;
		vm_decide(v, &h, month, &dec);
		/* The facts a policy does not use are not read, so not compared. */
		const unsigned used = vm_reads(p);
		fprintf(out, "%s rule %u bucket %d arrears %lld phone %d email %d district %s keys",
			h.key, dec.rule, dec.bucket, (long long)dec.arrears,
			used & VR_READ_HAS_PHONE ? dec.has_phone : -1,
			used & VR_READ_HAS_EMAIL ? dec.has_email : -1,
			used & VR_READ_DISTRICT ? dec.district : "-");
		for (uint32_t k = 0; dec.bucket >= 0 && k < vm_order_slots(v); k++)
			fprintf(out, " %lld", (long long)dec.keys[k]);
		for (uint32_t l = 0; l < p->nlabels; l++)
			fprintf(out, " label %s", dec.labels[l].text ? dec.labels[l].text : "-");
		for (size_t i = 0; i < h.nsignals; i++) {
			uint32_t skip;
			const enum vm_signal_status st = vm_signal(v, i, &skip);
			fprintf(out, " signal %d %u", (int)st, st == VM_SIGNAL_SKIPPED ? skip : 0);
		}
		fputc('\n', out);
		/* What a part left out holds (household.h). */
		for (size_t i = 0; i < h.nsignals && reads != VR_READ_ALL; i++) {
			const vr_signal *g = &h.signals[i];
			const unsigned r = g->received < run_first ? history : reads;
			if (!(r & VR_READ_SIGNAL_ID))
				ck_assert_str_eq(g->signal_id, "");
			if (!(r & VR_READ_PERSON))
				ck_assert_str_eq(g->person, h.key);
			if (!(r & VR_READ_CREDITOR))
				ck_assert_str_eq(g->creditor, "");
			if (!(r & VR_READ_BIRTH_DATE))
				ck_assert_int_eq(g->birth_date, VR_DATE_NONE);
			if (!(r & VR_READ_DAYS_OVERDUE))
				ck_assert(g->days_overdue == VR_MISSING);
			if (!(r & VR_READ_BRP_MATCH))
				ck_assert_int_eq(g->brp_match, -1);
			if (!(r & VR_READ_KIND))
				ck_assert_int_eq(g->kind, 0);
		}
		if (!(reads & VR_READ_OUTCOMES))
			ck_assert_uint_eq(h.noutcomes, 0);
	}
	ck_assert_msg(got == 0, "%s", captured(&c));
	store_cursor_close(cur);
	vm_free(v);
	capture_end(&c);
	fclose(out);
}

START_TEST(reading_only_what_a_policy_uses_changes_no_decision)
{
	store *s = city_store();
	glob_t g;
	ck_assert_int_eq(glob("rules/*.vroeg", 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 9);
	const char *const months[] = { "2024-06", "2024-03" };
	for (size_t i = 0; i < g.gl_pathc; i++) {
		bc_program p;
		load(g.gl_pathv[i], &p);
		const unsigned reads = vm_reads(&p), history = vm_history_reads(&p);
		ck_assert_msg(reads != VR_READ_ALL, "%s reads every part", g.gl_pathv[i]);
		for (size_t m = 0; m < sizeof months / sizeof months[0]; m++) {
			vr_month month;
			ck_assert(vr_month_parse(months[m], 7, &month));
			char *all, *some;
			size_t all_len, some_len;
			decide_month(s, &p, VR_READ_ALL, VR_READ_ALL, false, month, &all, &all_len);
			decide_month(s, &p, reads, history, false, month, &some, &some_len);
			ck_assert_uint_gt(all_len, 1000);   /* the month has households */
			ck_assert_msg(all_len == some_len && memcmp(all, some, all_len) == 0,
				      "%s, %s: reading less changed a decision", g.gl_pathv[i], months[m]);
			free(all);
			free(some);
		}
		bc_program_free(&p);
	}
	globfree(&g);
	store_close(s);
}
END_TEST

/* The vm's shortcuts (vm_new against vm_new_plain) change nothing either. */
START_TEST(the_vm_shortcuts_change_no_decision_of_any_policy)
{
	store *s = city_store();
	glob_t g;
	ck_assert_int_eq(glob("rules/*.vroeg", 0, NULL, &g), 0);
	ck_assert_uint_ge(g.gl_pathc, 9);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		bc_program p;
		load(g.gl_pathv[i], &p);
		vr_month month;
		ck_assert(vr_month_parse("2024-06", 7, &month));
		char *fast, *plain;
		size_t fast_len, plain_len;
		decide_month(s, &p, VR_READ_ALL, VR_READ_ALL, false, month, &fast, &fast_len);
		decide_month(s, &p, VR_READ_ALL, VR_READ_ALL, true, month, &plain, &plain_len);
		ck_assert_uint_gt(plain_len, 1000);
		ck_assert_msg(fast_len == plain_len && memcmp(fast, plain, plain_len) == 0,
			      "%s: the shortcuts changed a decision", g.gl_pathv[i]);
		free(fast);
		free(plain);
		bc_program_free(&p);
	}
	globfree(&g);
	store_close(s);
}
END_TEST

Suite *reads_suite(void)
{
	Suite *s = suite_create("reads");
	TCase *tc = tcase_create("reads");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, crisis_queue_reads_the_fields_it_names_and_the_phone_its_redirect_needs);
	tcase_add_test(tc, outcomes_districts_ages_and_contact_data_are_read_when_used);
	tcase_add_test(tc, reading_only_what_a_policy_uses_changes_no_decision);
	tcase_add_test(tc, the_vm_shortcuts_change_no_decision_of_any_policy);
	suite_add_tcase(s, tc);
	return s;
}
