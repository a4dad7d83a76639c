/* run.c - the month's evaluation: one pass over the households with a signal
 * in the month (streamed, one at a time), then capacity allocation over the
 * compact per-household results, then the decision rows (with the due date
 * of the final bucket's contact term, counted from the household's earliest
 * current signal); for a recorded run, also each current signal and the
 * skip that took it out, which feedback needs. Memory grows with the
 * month's households (and signals), never with the store. */
#include "run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "vm.h"

static const char *keep(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

static bool reserve(run_result *r, size_t nlabels, size_t nslots)
{
	if (r->n < r->cap)
		return true;
	const size_t cap = r->cap ? r->cap * 2 : 1024;
	alloc_entry *e = realloc(r->entries, cap * sizeof *e);
	if (e)
		r->entries = e;
	uint32_t *rules = realloc(r->rules, cap * sizeof *rules);
	if (rules)
		r->rules = rules;
	vr_date *received = realloc(r->received, cap * sizeof *received);
	if (received)
		r->received = received;
	const char **labels = realloc(r->row_labels, (cap * nlabels + 1) * sizeof *labels);
	if (labels)
		r->row_labels = labels;
	int64_t *keys = realloc(r->keys, (cap * nslots + 1) * sizeof *keys);
	if (keys)
		r->keys = keys;
	if (!e || !rules || !received || !labels || !keys)
		return false;
	r->cap = cap;
	return true;
}

const char *run_rule_cite(const run_result *r, uint32_t rule)
{
	return r->rule_cites[rule];
}

bool run_has_terms(const bc_program *p)
{
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (p->buckets[b].term_unit != CAL_NONE)
			return true;
	return false;
}

vr_date run_due(const bc_program *p, int32_t b, vr_date received)
{
	if (b < 0 || received == VR_DATE_NONE || p->buckets[b].term_unit == CAL_NONE)
		return VR_DATE_NONE;
	return cal_due(received, (enum cal_unit)p->buckets[b].term_unit, p->buckets[b].term);
}

/* Per rule and per bucket, from the decisions; how households moved
 * between buckets is alloc's count (FLOWS), not re-derived here: a decision
 * keeps only the last bucket that turned a household away. False, reported,
 * when a bucket's arrears do not fit (vm.h says why they cannot with amounts
 * the store accepts). */
static bool count_stats(run_result *r, const bc_program *p, const alloc_flow *flows, diag *d)
{
	for (uint32_t b = 0; b < p->nbuckets; b++)
		r->buckets[b].flow = flows[b];
	for (size_t i = 0; i < r->n; i++) {
		const alloc_entry *e = &r->entries[i];
		r->per_rule[r->rules[i]]++;
		if (e->bucket < 0) {
			r->excluded++;
			continue;
		}
		run_bucket_stats *b = &r->buckets[e->bucket];
		b->households++;
		if (!vr_add_checked(&b->arrears, e->arrears)) {
			diag_error(d, "the arrears of bucket %s add up to more than vroeg can count "
				   "(%" PRId64 " cents); the month was not decided",
				   p->consts[p->buckets[e->bucket].name].text, INT64_MAX);
			return false;
		}
		if (e->place > 0)
			b->places_taken++;
	}
	return true;
}

/* Row I of a run_result (vr_decision_set.row): made from the household's
 * entry when asked for, not kept for every household. */
static void decision_row(const void *source, size_t i, vr_decision_row *row)
{
	const run_result *r = source;
	const bc_program *p = r->program;
	const alloc_entry *e = &r->entries[i];
	const bc_rule *rule = &p->rules[r->rules[i]];
	row->household = e->household;
	row->bucket = e->bucket < 0 ? "excluded" : p->consts[p->buckets[e->bucket].name].text;
	row->reason = e->bucket < 0 ? p->consts[rule->reason].text : "";
	row->rule = r->rule_cites[r->rules[i]];
	row->overflowed_from = e->overflowed_from < 0 ? "" : p->consts[p->buckets[e->overflowed_from].name].text;
	row->labels = &r->row_labels[i * p->nlabels];
	row->arrears = e->arrears;
	row->place = e->place;
	/* Every household that ends in a bucket with a term has a due date,
	 * whether the bucket has places or not ("placed", docs/language.md). */
	row->due = run_due(p, e->bucket, r->received[i]);
}

/* Every way out of run_evaluate that fails: what R holds so far is freed. */
static bool fail(run_result *r, vm *v)
{
	vm_free(v);
	run_result_free(r);
	return false;
}

/* Keeps the current signals of household H, row ROW, as V decided it. */
static bool keep_signals(run_result *r, const vm *v, const vr_household *h, uint32_t row)
{
	for (size_t i = 0; i < h->nsignals; i++) {
		uint32_t skip;
		const enum vm_signal_status st = vm_signal(v, i, &skip);
		if (st != VM_SIGNAL_COUNTED && st != VM_SIGNAL_BELOW_FLOOR && st != VM_SIGNAL_SKIPPED)
			continue;
		if (r->nsignals == r->signals_cap) {
			const size_t cap = r->signals_cap ? r->signals_cap * 2 : 1024;
			run_signal *grown = realloc(r->signals, cap * sizeof *grown);
			if (!grown)
				return false;
			r->signals = grown;
			r->signals_cap = cap;
		}
		r->signals[r->nsignals++] = (run_signal){
			.signal_id = keep(&r->strings, h->signals[i].signal_id), .row = row,
			.skip_rule = st == VM_SIGNAL_SKIPPED ? (uint16_t)skip : BC_NONE,
		};
	}
	return true;
}

static bool evaluate(store *s, const bc_program *p, vr_month month, bool signals, alloc_trace *trace, diag *d,
		     run_result *r);

bool run_evaluate(store *s, const bc_program *p, vr_month month, diag *d, run_result *r)
{
	return evaluate(s, p, month, false, NULL, d, r);
}

bool run_evaluate_signals(store *s, const bc_program *p, vr_month month, diag *d, run_result *r)
{
	return evaluate(s, p, month, true, NULL, d, r);
}

bool run_evaluate_traced(store *s, const bc_program *p, vr_month month, diag *d, run_result *r,
			 alloc_trace *trace)
{
	return evaluate(s, p, month, false, trace, d, r);
}

static bool evaluate(store *s, const bc_program *p, vr_month month, bool signals, alloc_trace *trace, diag *d,
		     run_result *r)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->strings);
	vm *v = vm_new(p);
	r->buckets = calloc(p->nbuckets + 1, sizeof *r->buckets);
	r->per_rule = calloc(p->nrules + 1, sizeof *r->per_rule);
	r->rule_cites = calloc(p->nrules + 1, sizeof *r->rule_cites);
	if (!v || !r->buckets || !r->per_rule || !r->rule_cites) {
		diag_error(d, "out of memory");
		return fail(r, v);
	}
	for (uint32_t i = 0; i < p->nrules; i++) {
		char cite[64];
		snprintf(cite, sizeof cite, ":%u", p->rules[i].line);
		char *c = arena_alloc(&r->strings, strlen(p->source_name) + strlen(cite) + 1);
		strcpy(c, p->source_name);
		strcat(c, cite);
		r->rule_cites[i] = c;
	}
	const size_t nlabels = p->nlabels, nslots = vm_order_slots(v);
	/* Feedback names each current signal by its id, which the policy
	 * itself may not read. */
	store_cursor *cur = store_households(s, month, p->lookback,
						vm_reads(p) | (signals ? VR_READ_SIGNAL_ID : 0u),
						vm_history_reads(p), d);
	if (!cur)
		return fail(r, v);
	/* Households come in batches (store_cursor_next_batch says why; 16 and
	 * 64 measured the same as 32). */
	enum { BATCH = 32 };
	vr_household batch[BATCH];
	int got;
	bool ok = true;
	while (ok && (got = store_cursor_next_batch(cur, batch, BATCH)) > 0) {
		for (int k = 0; k < got && ok; k++) {
			if (!reserve(r, nlabels, nslots)) {
				diag_error(d, "out of memory");
				ok = false;
				break;
			}
			const vr_household *h = &batch[k];
			vm_decision dec;
			if (!vm_decide(v, h, month, &dec)) {
				diag_error(d, "household %s: a total over its signals is more than vroeg can count "
					   "(%" PRId64 "); the month was not decided", h->key, INT64_MAX);
				ok = false;
				break;
			}
			if (signals && !keep_signals(r, v, h, (uint32_t)r->n)) {
				diag_error(d, "out of memory");
				ok = false;
				break;
			}
			alloc_entry *e = &r->entries[r->n];
			memset(e, 0, sizeof *e);
			e->household = keep(&r->strings, h->key);
			e->rule_bucket = dec.bucket;
			e->arrears = dec.arrears;
			e->has_phone = dec.has_phone;
			e->has_email = dec.has_email;
			e->district = dec.district[0] ? keep(&r->strings, dec.district) : "";
			r->rules[r->n] = dec.rule;
			r->received[r->n] = dec.first_received;
			for (size_t l = 0; l < nlabels; l++)
				r->row_labels[r->n * nlabels + l] = dec.labels[l].text ? dec.labels[l].text : "";
			if (nslots)
				memcpy(&r->keys[r->n * nslots], dec.keys, nslots * sizeof *dec.keys);
			r->n++;
		}
	}
	store_cursor_close(cur);
	if (got < 0)
		ok = false;
	for (size_t i = 0; ok && i < r->n; i++)
		r->entries[i].keys = &r->keys[i * nslots];
	alloc_flow *flows = ok ? calloc(p->nbuckets + 1, sizeof *flows) : NULL;
	if (ok && (!flows || !alloc_run_traced(p, v, month, r->entries, r->n, flows, trace))) {
		diag_error(d, "out of memory");
		ok = false;
	}
	if (!ok) {
		free(flows);
		return fail(r, v);
	}
	vm_free(v);

	const char **label_names = calloc(nlabels + 1, sizeof *label_names);
	if (!label_names) {
		free(flows);
		diag_error(d, "out of memory");
		return fail(r, NULL);
	}
	for (size_t l = 0; l < nlabels; l++)
		label_names[l] = p->consts[p->labels[l].name].text;
	r->program = p;
	r->set.month = month;
	r->set.label_names = label_names;
	r->set.nlabels = nlabels;
	r->set.has_due = run_has_terms(p);
	r->set.rows = NULL;
	r->set.nrows = r->n;
	r->set.row = decision_row;
	r->set.source = r;
	r->triaged = (long)r->n;
	const bool counted = count_stats(r, p, flows, d);
	free(flows);
	if (!counted)
		return fail(r, NULL);
	return true;
}

void run_result_free(run_result *r)
{
	free((void *)r->set.label_names);
	free(r->row_labels);
	free(r->entries);
	free(r->rules);
	free(r->received);
	free(r->keys);
	free(r->buckets);
	free(r->per_rule);
	free(r->rule_cites);
	free(r->signals);
	arena_free(&r->strings);
	memset(r, 0, sizeof *r);
}
