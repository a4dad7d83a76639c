/* run.c - the month's evaluation: one pass over the households with a signal
 * in the month (streamed, one at a time, from the store's cursor or from a
 * caller that reads the store once for several evaluations), then capacity
 * allocation over the compact per-household results, then the decision rows
 * (with the due date of the final bucket's contact term, counted from the
 * household's earliest current signal); for a recorded run, also each
 * current signal and the skip that took it out, which feedback needs.
 * Memory grows with the month's households (and signals), never with the
 * store. */
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

/* Room for one more household. An evaluation that shares its households
 * (run_begin_shared) keeps their arrears instead of entries and days. */
static bool reserve(run_result *r, size_t nlabels, size_t nslots)
{
	if (r->n < r->cap)
		return true;
	const size_t cap = r->cap ? r->cap * 2 : 1024;
	bool ok = true;
	if (r->shared) {
		cents_t *arrears = realloc(r->arrears, cap * sizeof *arrears);
		if (arrears)
			r->arrears = arrears;
		ok = arrears != NULL;
	} else {
		alloc_entry *e = realloc(r->entries, cap * sizeof *e);
		if (e)
			r->entries = e;
		vr_date *received = realloc(r->received, cap * sizeof *received);
		if (received)
			r->received = received;
		ok = e && received;
	}
	uint32_t *rules = realloc(r->rules, cap * sizeof *rules);
	if (rules)
		r->rules = rules;
	const char **labels = realloc(r->row_labels, (cap * nlabels + 1) * sizeof *labels);
	if (labels)
		r->row_labels = labels;
	int64_t *keys = realloc(r->keys, (cap * nslots + 1) * sizeof *keys);
	if (keys)
		r->keys = keys;
	if (!ok || !rules || !labels || !keys)
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

/* "FILE:LINE" of each of P's rules into CITES, kept in A. */
static void cite_rules(const bc_program *p, arena *a, const char **cites)
{
	for (uint32_t i = 0; i < p->nrules; i++) {
		char cite[64];
		snprintf(cite, sizeof cite, ":%u", p->rules[i].line);
		char *c = arena_alloc(a, strlen(p->source_name) + strlen(cite) + 1);
		strcpy(c, p->source_name);
		strcat(c, cite);
		cites[i] = c;
	}
}

/* Every way out of an evaluation that fails: what R holds so far is freed. */
static bool fail(run_result *r)
{
	run_result_free(r);
	return false;
}

bool run_begin(run_result *r, const bc_program *p, vr_month month, diag *d)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->strings);
	r->program = p;
	r->set.month = month;
	r->vm = vm_new(p);
	r->buckets = calloc(p->nbuckets + 1, sizeof *r->buckets);
	r->per_rule = calloc(p->nrules + 1, sizeof *r->per_rule);
	r->rule_cites = calloc(p->nrules + 1, sizeof *r->rule_cites);
	if (!r->vm || !r->buckets || !r->per_rule || !r->rule_cites) {
		diag_error(d, "out of memory");
		return fail(r);
	}
	cite_rules(p, &r->strings, r->rule_cites);
	r->nslots = vm_order_slots(r->vm);
	return true;
}

bool run_begin_shared(run_result *r, const bc_program *p, const run_result *shared, diag *d)
{
	if (!run_begin(r, p, shared->set.month, d))
		return false;
	r->shared = shared;
	return true;
}

/* Whether decision DEC of household I of R agrees with its shared
 * evaluation in what no named number changes (vm_decide takes them from
 * the current signals, counted or not). */
static bool agrees(const run_result *r, size_t i, const vm_decision *dec)
{
	const alloc_entry *e = &r->shared->entries[i];
	return i < r->shared->n && e->has_phone == dec->has_phone && e->has_email == dec->has_email &&
	       r->shared->received[i] == dec->first_received && strcmp(e->district, dec->district) == 0;
}

bool run_add(run_result *r, const vr_household *h, diag *d)
{
	const bc_program *p = r->program;
	const size_t nlabels = p->nlabels, nslots = r->nslots;
	if (!reserve(r, nlabels, nslots)) {
		diag_error(d, "out of memory");
		return fail(r);
	}
	vm_decision dec;
	if (!vm_decide(r->vm, h, r->set.month, &dec)) {
		diag_error(d, "household %s: a total over its signals is more than vroeg can count "
			   "(%" PRId64 "); the month was not decided", h->key, INT64_MAX);
		return fail(r);
	}
	if (r->shared) {
		if (!agrees(r, r->n, &dec)) {
			diag_error(d, "household %s: decided with other values, its contact data, district or first "
				   "day came out otherwise (a fault in vroeg); the month was not decided", h->key);
			return fail(r);
		}
		r->arrears[r->n] = dec.arrears;
	} else {
		alloc_entry *e = &r->entries[r->n];
		memset(e, 0, sizeof *e);
		e->household = keep(&r->strings, h->key);
		e->district = dec.district[0] ? keep(&r->strings, dec.district) : "";
		e->rule_bucket = dec.bucket;
		e->arrears = dec.arrears;
		e->has_phone = dec.has_phone;
		e->has_email = dec.has_email;
		r->received[r->n] = dec.first_received;
	}
	r->rules[r->n] = dec.rule;
	for (size_t l = 0; l < nlabels; l++)
		r->row_labels[r->n * nlabels + l] = dec.labels[l].text ? dec.labels[l].text : "";
	if (nslots)
		memcpy(&r->keys[r->n * nslots], dec.keys, nslots * sizeof *dec.keys);
	r->n++;
	return true;
}

/* The entries and days of an evaluation that shares its households: each
 * household's from the shared evaluation, with R's rule and arrears. */
static bool unshare(run_result *r)
{
	const bc_program *p = r->program;
	const run_result *sh = r->shared;
	r->entries = malloc((r->n + 1) * sizeof *r->entries);
	r->received = malloc((r->n + 1) * sizeof *r->received);
	if (!r->entries || !r->received)
		return false;
	for (size_t i = 0; i < r->n; i++) {
		const alloc_entry *s = &sh->entries[i];
		const bc_rule *rule = &p->rules[r->rules[i]];
		r->entries[i] = (alloc_entry){
			.household = s->household, .district = s->district, .arrears = r->arrears[i],
			/* As vm_decide gives it: a bucket rule's, or a skip's. */
			.rule_bucket = rule->kind == RULE_BUCKET || rule->kind == RULE_SKIPPED ? rule->bucket : -1,
			.has_phone = s->has_phone, .has_email = s->has_email,
		};
		r->received[i] = sh->received[i];
	}
	free(r->arrears);
	r->arrears = NULL;
	r->shared = NULL;
	return true;
}

/* run_finish, also recording TRACE's household's path when TRACE is not
 * NULL. */
static bool finish(run_result *r, alloc_trace *trace, diag *d)
{
	const bc_program *p = r->program;
	if (r->shared && !unshare(r)) {
		diag_error(d, "out of memory");
		return fail(r);
	}
	for (size_t i = 0; i < r->n; i++)
		r->entries[i].keys = &r->keys[i * r->nslots];
	alloc_flow *flows = calloc(p->nbuckets + 1, sizeof *flows);
	const char **label_names = calloc(p->nlabels + 1, sizeof *label_names);
	if (!flows || !label_names || !alloc_run_traced(p, r->vm, r->set.month, r->entries, r->n, flows, trace)) {
		free(flows);
		free(label_names);
		diag_error(d, "out of memory");
		return fail(r);
	}
	vm_free(r->vm);
	r->vm = NULL;
	for (size_t l = 0; l < p->nlabels; l++)
		label_names[l] = p->consts[p->labels[l].name].text;
	r->set.label_names = label_names;
	r->set.nlabels = p->nlabels;
	r->set.has_due = run_has_terms(p);
	r->set.rows = NULL;
	r->set.nrows = r->n;
	r->set.row = decision_row;
	r->set.source = r;
	r->triaged = (long)r->n;
	const bool counted = count_stats(r, p, flows, d);
	free(flows);
	return counted || fail(r);
}

bool run_finish(run_result *r, diag *d)
{
	return finish(r, NULL, d);
}

/* A malloc'ed copy of the N elements of SIZE bytes at SRC (NULL for none;
 * *OK false when memory runs out). */
static void *copy_array(const void *src, size_t n, size_t size, bool *ok)
{
	if (n == 0)
		return NULL;
	void *p = malloc(n * size);
	if (p)
		memcpy(p, src, n * size);
	else
		*ok = false;
	return p;
}

bool run_copy_decided(run_result *dst, const run_result *src, const bc_program *p, diag *d)
{
	if (!(src->shared ? run_begin_shared(dst, p, src->shared, d) : run_begin(dst, p, src->set.month, d)))
		return false;
	const size_t n = src->n;
	bool ok = true;
	if (src->shared) {
		dst->arrears = copy_array(src->arrears, n, sizeof *src->arrears, &ok);
	} else {
		dst->entries = copy_array(src->entries, n, sizeof *src->entries, &ok);
		dst->received = copy_array(src->received, n, sizeof *src->received, &ok);
	}
	dst->rules = copy_array(src->rules, n, sizeof *src->rules, &ok);
	dst->row_labels = copy_array(src->row_labels, n * p->nlabels, sizeof *src->row_labels, &ok);
	dst->keys = copy_array(src->keys, n * dst->nslots, sizeof *src->keys, &ok);
	if (!ok) {
		diag_error(d, "out of memory");
		return fail(dst);
	}
	dst->n = dst->cap = n;
	return true;
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

/* run_evaluate, keeping the current signals too when SIGNALS, and tracing
 * TRACE's household when it is not NULL. */
static bool evaluate(store *s, const bc_program *p, vr_month month, bool signals, alloc_trace *trace, diag *d,
		     run_result *r)
{
	if (!run_begin(r, p, month, d))
		return false;
	/* Feedback names each current signal by its id, which the policy
	 * itself may not read. */
	store_cursor *cur = store_households(s, month, p->lookback, vm_reads(p) | (signals ? VR_READ_SIGNAL_ID : 0u),
					     vm_history_reads(p), d);
	if (!cur)
		return fail(r);
	/* Households come in batches (store_cursor_next_batch says why; 16 and
	 * 64 measured the same as 32). */
	enum { BATCH = 32 };
	vr_household batch[BATCH];
	int got;
	bool ok = true;
	while (ok && (got = store_cursor_next_batch(cur, batch, BATCH)) > 0)
		for (int k = 0; k < got && ok; k++) {
			ok = run_add(r, &batch[k], d);
			/* The vm still holds the household it decided. */
			if (ok && signals && !keep_signals(r, r->vm, &batch[k], (uint32_t)(r->n - 1))) {
				diag_error(d, "out of memory");
				store_cursor_close(cur);
				return fail(r);
			}
		}
	store_cursor_close(cur);
	if (!ok)
		return false;   /* run_add freed R */
	if (got < 0)
		return fail(r);
	return finish(r, trace, d);
}

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

void run_result_free(run_result *r)
{
	vm_free(r->vm);
	free((void *)r->set.label_names);
	free(r->row_labels);
	free(r->entries);
	free(r->rules);
	free(r->received);
	free(r->arrears);
	free(r->signals);
	free(r->keys);
	free(r->buckets);
	free(r->per_rule);
	free(r->rule_cites);
	arena_free(&r->strings);
	memset(r, 0, sizeof *r);
}

bool run_sum_init(run_sum *s, const bc_program *p, diag *d)
{
	memset(s, 0, sizeof *s);
	arena_init(&s->strings);
	s->program = p;
	s->buckets = calloc(p->nbuckets + 1, sizeof *s->buckets);
	s->per_rule = calloc(p->nrules + 1, sizeof *s->per_rule);
	s->rule_cites = calloc(p->nrules + 1, sizeof *s->rule_cites);
	if (!s->buckets || !s->per_rule || !s->rule_cites) {
		diag_error(d, "out of memory");
		run_sum_free(s);
		return false;
	}
	cite_rules(p, &s->strings, s->rule_cites);
	return true;
}

bool run_sum_add(run_sum *s, const run_result *r, diag *d)
{
	const bc_program *p = s->program;
	if (s->months == 0)
		s->from = r->set.month;
	s->to = r->set.month;
	s->months++;
	s->triaged += r->triaged;
	s->excluded += r->excluded;
	for (uint32_t i = 0; i < p->nrules; i++)
		s->per_rule[i] += r->per_rule[i];
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		run_bucket_stats *t = &s->buckets[b];
		const run_bucket_stats *m = &r->buckets[b];
		t->households += m->households;
		t->places_taken += m->places_taken;
		alloc_flow *f = &t->flow;
		const alloc_flow *g = &m->flow;
		f->by_rule += g->by_rule;
		f->overflow_in += g->overflow_in;
		f->redirect_in += g->redirect_in;
		f->backfill_in += g->backfill_in;
		f->turned_away += g->turned_away;
		f->redirected_no_phone += g->redirected_no_phone;
		f->redirected_no_email += g->redirected_no_email;
		f->backfilled_away += g->backfilled_away;
		f->placed += g->placed;
		f->ended += g->ended;
		if (!vr_add_checked(&t->arrears, m->arrears)) {
			diag_error(d, "the arrears of bucket %s over the months add up to more than vroeg can count "
				   "(%" PRId64 " cents)", p->consts[p->buckets[b].name].text, INT64_MAX);
			return false;
		}
	}
	return true;
}

void run_sum_free(run_sum *s)
{
	free(s->buckets);
	free(s->per_rule);
	free(s->rule_cites);
	arena_free(&s->strings);
	memset(s, 0, sizeof *s);
}
