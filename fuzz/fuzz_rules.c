/* fuzz_rules.c - libFuzzer target for rule-file text, the untrusted input of
 * `vroeg lint`, `compile` and every run. Any bytes go through the whole
 * pipeline: parse, check, compile, verify; a program that compiles is then
 * listed, written and read back as .vrb, and run over a few households and
 * allocated. Beyond the sanitizers, it aborts when a promise breaks: a
 * compiled program must reload, every decision must name a real rule and
 * bucket, and a household read as the store's cursor reads it (only the
 * parts vm_reads and vm_history_reads name) and decided with the vm's
 * shortcuts must be decided as the plain vm (vm_new_plain) decides it read
 * in full. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "compile.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EUR(x) ((cents_t)(x) * 100)

static vr_date day(int y, int m, int d)
{
	return vr_date_from_ymd(y, m, d);
}

static vr_signal signal_of(const char *id, vr_date received, const char *creditor, uint8_t sector, cents_t arrears)
{
	vr_signal s;
	memset(&s, 0, sizeof s);
	s.signal_id = id;
	s.person = "P1";
	s.creditor = creditor;
	s.district = "";
	s.received = received;
	s.birth_date = VR_DATE_NONE;
	s.arrears = arrears;
	s.installment = VR_MISSING;
	s.installments_missed = VR_MISSING;
	s.days_overdue = VR_MISSING;
	s.sector = sector;
	s.brp_match = -1;
	return s;
}

enum { NHOUSEHOLDS = 5 };

/* A small month: history, repeats, missing and present optional fields, a
 * legal person, outcomes, several districts. Built once. */
static vr_signal sigs[NHOUSEHOLDS][4];
static vr_outcome outs[2];
static vr_household households[NHOUSEHOLDS];

static void build_households(void)
{
	static int built;
	if (built)
		return;
	built = 1;
	sigs[0][0] = signal_of("A0", day(2024, 1, 15), "Eneco", SECTOR_ENERGY, EUR(150));
	sigs[0][1] = signal_of("A1", day(2024, 5, 20), "Menzis", SECTOR_HEALTH, EUR(120));
	sigs[0][2] = signal_of("A2", day(2024, 6, 3), "Menzis", SECTOR_HEALTH, EUR(130));
	sigs[0][3] = signal_of("A3", day(2024, 6, 9), "Woonstad", SECTOR_RENT, EUR(700));
	sigs[0][3].district = "Noord";
	sigs[0][3].has_phone = 1;
	sigs[0][3].birth_date = day(2001, 6, 1);
	sigs[0][3].days_overdue = 45;
	sigs[0][3].installment = EUR(650);
	sigs[0][3].installments_missed = 1;
	sigs[0][3].brp_match = 1;
	households[0] = (vr_household){ "H100", sigs[0], 4, outs, 2 };

	sigs[1][0] = signal_of("B0", day(2024, 6, 1), "ING", SECTOR_MORTGAGE, EUR(2500));
	sigs[1][0].installments_missed = 3;
	sigs[1][0].kind = KIND_EVICTION;
	sigs[1][0].district = "Centrum";
	sigs[1][0].has_email = 1;
	households[1] = (vr_household){ "H99", sigs[1], 1, NULL, 0 };

	sigs[2][0] = signal_of("C0", day(2024, 6, 2), "Vitens", SECTOR_WATER, 999);
	sigs[2][0].brp_match = 0;
	sigs[2][0].known_debt_help = 1;
	sigs[2][1] = signal_of("C1", day(2024, 6, 2), "vitens", SECTOR_WATER, EUR(40));
	sigs[2][1].kind = KIND_END_OF_SUPPLY;
	households[2] = (vr_household){ "H2", sigs[2], 2, NULL, 0 };

	sigs[3][0] = signal_of("D0", day(2024, 6, 30), "BV Holding", SECTOR_OTHER, EUR(9000));
	sigs[3][0].legal_form = LEGAL_LEGAL;
	households[3] = (vr_household){ "H3", sigs[3], 1, NULL, 0 };

	sigs[4][0] = signal_of("E0", day(2023, 12, 31), "CJIB", SECTOR_MUNICIPAL_TAX, EUR(80));
	sigs[4][1] = signal_of("E1", day(2024, 6, 15), "CJIB", SECTOR_MUNICIPAL_TAX, EUR(80));
	sigs[4][1].kind = KIND_CAK;
	sigs[4][1].district = "Zuid";
	sigs[4][1].birth_date = day(2006, 6, 2);
	households[4] = (vr_household){ "H4", sigs[4], 2, NULL, 0 };

	outs[0] = (vr_outcome){ "A0", day(2024, 3, 1), OUTCOME_REFUSED };
	outs[1] = (vr_outcome){ "", day(2024, 6, 1), OUTCOME_HELP_ACCEPTED };
}

static void check_reload(const bc_program *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	const bool written = bc_write(p, f);
	fclose(f);
	if (!written) {
		free(buf);
		return;
	}
	diag d;
	diag_init(&d, NULL);
	bc_program back;
	memset(&back, 0, sizeof back);
	if (!bc_read(&back, (const uint8_t *)buf, len, "fuzz.vrb", &d)) {
		fprintf(stderr, "fuzz_rules: a compiled program does not reload from its .vrb\n");
		abort();
	}
	if (back.ncode != p->ncode || memcmp(back.code, p->code, p->ncode) != 0) {
		fprintf(stderr, "fuzz_rules: the reloaded program's code differs\n");
		abort();
	}
	bc_program_free(&back);
	free(buf);
}

/* H with every part the program does not read left at its "not read" value
 * (household.h), as the store's cursor gives it; SIGS holds the signals. */
static vr_household as_read(const vr_household *h, unsigned reads, unsigned history,
			    vr_date run_first, vr_signal *sigs_out)
{
	for (size_t i = 0; i < h->nsignals; i++) {
		vr_signal g = h->signals[i];
		const unsigned r = g.received < run_first ? history : reads;
		if (!(r & VR_READ_SIGNAL_ID)) g.signal_id = "";
		if (!(r & VR_READ_PERSON)) g.person = h->key;
		if (!(r & VR_READ_CREDITOR)) g.creditor = "";
		if (!(r & VR_READ_DISTRICT)) g.district = "";
		if (!(r & VR_READ_BIRTH_DATE)) g.birth_date = VR_DATE_NONE;
		if (!(r & VR_READ_INSTALLMENT)) g.installment = VR_MISSING;
		if (!(r & VR_READ_INSTALLMENTS_MISSED)) g.installments_missed = VR_MISSING;
		if (!(r & VR_READ_DAYS_OVERDUE)) g.days_overdue = VR_MISSING;
		if (!(r & VR_READ_SECTOR)) g.sector = 0;
		if (!(r & VR_READ_KIND)) g.kind = 0;
		if (!(r & VR_READ_LEGAL_FORM)) g.legal_form = 0;
		if (!(r & VR_READ_BRP_MATCH)) g.brp_match = -1;
		if (!(r & VR_READ_HAS_PHONE)) g.has_phone = 0;
		if (!(r & VR_READ_HAS_EMAIL)) g.has_email = 0;
		if (!(r & VR_READ_KNOWN_DEBT_HELP)) g.known_debt_help = 0;
		sigs_out[i] = g;
	}
	vr_household out = *h;
	out.signals = sigs_out;
	if (!(reads & VR_READ_OUTCOMES)) {
		out.outcomes = NULL;
		out.noutcomes = 0;
	}
	return out;
}

/* Decides H in full with the plain vm FULL and as read with vm PART, and
 * aborts when they differ in anything a run keeps. */
static void check_reads(const bc_program *p, vm *full, vm *part, const vr_household *h,
			vr_month month)
{
	const unsigned reads = vm_reads(p), history = vm_history_reads(p);
	if (history & ~reads)
		abort();   /* history reads are some of the reads */
	vr_signal sigs_read[8];
	if (h->nsignals > 8)
		return;
	const vr_household read = as_read(h, reads, history, vr_month_first_day(month), sigs_read);
	vm_decision a, b;
	vm_decide(full, h, month, &a);
	vm_decide(part, &read, month, &b);
	bool same = a.rule == b.rule && a.bucket == b.bucket && a.arrears == b.arrears;
	if (reads & VR_READ_HAS_PHONE)
		same = same && a.has_phone == b.has_phone;
	if (reads & VR_READ_HAS_EMAIL)
		same = same && a.has_email == b.has_email;
	if (reads & VR_READ_DISTRICT)
		same = same && strcmp(a.district, b.district) == 0;
	for (uint32_t k = 0; same && a.bucket >= 0 && k < vm_order_slots(full); k++)
		same = a.keys[k] == b.keys[k];
	for (uint32_t l = 0; same && l < p->nlabels; l++)
		same = (!a.labels[l].text && !b.labels[l].text && a.labels[l].num == b.labels[l].num) ||
		       (a.labels[l].text && b.labels[l].text && strcmp(a.labels[l].text, b.labels[l].text) == 0);
	if (!same) {
		fprintf(stderr, "fuzz_rules: household %s decided differently when read as the cursor reads it"
			" by the vm with its shortcuts\n", h->key);
		abort();
	}
}

static void run_month(const bc_program *p)
{
	build_households();
	vm *v = vm_new(p);
	if (!v)
		return;
	const uint32_t nslots = vm_order_slots(v);
	int64_t *keys = calloc((size_t)NHOUSEHOLDS * nslots + 1, sizeof *keys);
	alloc_entry entries[NHOUSEHOLDS];
	if (!keys) {
		vm_free(v);
		return;
	}
	const vr_month month = 2024 * 12 + 5;
	vm *full = vm_new_plain(p), *part = vm_new(p);
	for (int i = 0; full && part && i < NHOUSEHOLDS; i++)
		check_reads(p, full, part, &households[i], month);
	vm_free(full);
	vm_free(part);
	for (int i = 0; i < NHOUSEHOLDS; i++) {
		vm_decision dec;
		vm_decide(v, &households[i], month, &dec);
		if (dec.rule >= p->nrules)
			abort();
		const bc_rule *r = &p->rules[dec.rule];
		if (dec.bucket >= (int32_t)p->nbuckets || (dec.bucket >= 0) != (r->kind == RULE_BUCKET) ||
		    (dec.bucket >= 0 && dec.bucket != r->bucket))
			abort();
		for (uint32_t l = 0; l < p->nlabels; l++)
			if (dec.bucket < 0 && dec.labels[l].text)
				abort();   /* an excluded household has no labels */
		memset(&entries[i], 0, sizeof entries[i]);
		entries[i].household = households[i].key;
		entries[i].rule_bucket = dec.bucket;
		entries[i].arrears = dec.arrears;
		entries[i].has_phone = dec.has_phone;
		entries[i].has_email = dec.has_email;
		entries[i].district = dec.district;
		if (nslots)
			memcpy(&keys[(size_t)i * nslots], dec.keys, nslots * sizeof *keys);
		entries[i].keys = &keys[(size_t)i * nslots];
	}
	if (alloc_run(p, v, entries, NHOUSEHOLDS))
		for (int i = 0; i < NHOUSEHOLDS; i++) {
			const alloc_entry *e = &entries[i];
			if (e->bucket >= (int32_t)p->nbuckets || (e->bucket < 0) != (e->rule_bucket < 0) ||
			    e->overflowed_from >= (int32_t)p->nbuckets)
				abort();
			if (e->place > 0 && p->buckets[e->bucket].capacity >= 0 && e->place > p->buckets[e->bucket].capacity)
				abort();
		}
	free(keys);
	vm_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	diag d;
	diag_init(&d, NULL);
	bc_program p;
	if (!compile_policy("fuzz.vroeg", (const char *)data, size, &d, &p))
		return 0;
	FILE *sink = fopen("/dev/null", "w");
	if (sink) {
		bc_disasm(&p, sink);
		fclose(sink);
	}
	check_reload(&p);
	run_month(&p);
	bc_program_free(&p);
	return 0;
}
