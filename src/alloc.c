/* alloc.c - fills buckets in flow order. Every household enters its rule's
 * bucket (after redirects); each bucket in turn sorts its candidates, gives
 * its places (round-robin over the districts when it spreads, starting at
 * the month's district when it rotates), sends the rest to its overflow
 * (after that bucket's redirects), and back-fills spare places from its
 * back-fill source. Each move is counted where it happens, at the bucket
 * left and the bucket entered (alloc_flow), and recorded as a step when it
 * is the traced household's (alloc_trace). */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* Sorting a bucket's candidates: each candidate's order keys are turned into
 * words whose unsigned order is the bucket's order (direction applied, a
 * missing key last), so the comparison reads two small arrays and never the
 * program. Ties go to the lower household key; when the entries come in key
 * order (as a run streams them), the lower index is the lower key. */
typedef struct sort_ctx {
	const alloc_entry *e;
	const int32_t *cand;       /* position -> entry index */
	const uint64_t *words;     /* position * nkeys + k */
	uint32_t nkeys;
	bool by_district;          /* district first (for the round-robin spread) */
	bool in_key_order;         /* entries sorted by household key */
} sort_ctx;

/* VR_MISSING is INT64_MIN, so real keys map onto 0 .. UINT64_MAX - 1. */
static uint64_t sort_word(int64_t x, bool descending)
{
	if (x == VR_MISSING)
		return UINT64_MAX;
	const uint64_t u = (uint64_t)x + (UINT64_C(1) << 63);   /* >= 1, order kept */
	return descending ? UINT64_MAX - u : u - 1;
}

static int cmp_positions(const sort_ctx *c, int32_t pa, int32_t pb)
{
	const alloc_entry *a = &c->e[c->cand[pa]], *b = &c->e[c->cand[pb]];
	if (c->by_district) {
		const int d = strcmp(a->district, b->district);
		if (d)
			return d;
	}
	const uint64_t *x = &c->words[(size_t)pa * c->nkeys], *y = &c->words[(size_t)pb * c->nkeys];
	for (uint32_t k = 0; k < c->nkeys; k++)
		if (x[k] != y[k])
			return x[k] < y[k] ? -1 : 1;
	if (c->in_key_order)
		return c->cand[pa] < c->cand[pb] ? -1 : c->cand[pa] > c->cand[pb];
	return strcmp(a->household, b->household);   /* ties: the lower key, byte order */
}

/* A stable merge sort of positions: qsort takes no context without global state. */
static void sort_positions(int32_t *pos, int32_t *tmp, size_t n, const sort_ctx *c)
{
	if (n < 2)
		return;
	const size_t mid = n / 2;
	sort_positions(pos, tmp, mid, c);
	sort_positions(pos + mid, tmp, n - mid, c);
	if (cmp_positions(c, pos[mid - 1], pos[mid]) <= 0)
		return;   /* already in order */
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		tmp[k++] = cmp_positions(c, pos[j], pos[i]) < 0 ? pos[j++] : pos[i++];
	while (i < mid)
		tmp[k++] = pos[i++];
	while (j < n)
		tmp[k++] = pos[j++];
	memcpy(pos, tmp, n * sizeof *pos);
}

/* A stable LSD radix sort of N positions by one key word each: the common
 * case (one order key, no spread, entries in key order, so that ties keep
 * the lower key by keeping the lower index). A byte every word shares is
 * skipped. */
static void radix_positions(int32_t *pos, int32_t *tmp, size_t n, const uint64_t *words)
{
	static const size_t B = 256;
	size_t count[8][256];
	memset(count, 0, sizeof count);
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++)
			count[b][(words[i] >> (8 * b)) & 0xFF]++;
	for (int b = 0; b < 8; b++) {
		size_t at = 0;
		bool trivial = false;
		for (size_t k = 0; k < B; k++) {
			const size_t c = count[b][k];
			trivial |= c == n;
			count[b][k] = at;
			at += c;
		}
		if (trivial)
			continue;
		for (size_t i = 0; i < n; i++)
			tmp[count[b][(words[pos[i]] >> (8 * b)) & 0xFF]++] = pos[i];
		memcpy(pos, tmp, n * sizeof *pos);
	}
}

/* Scratch space for sorting up to N candidates. */
typedef struct sorter {
	int32_t *pos, *tmp, *sorted;
	uint64_t *words;           /* N * BC_MAX_ORDER */
	bool in_key_order;
} sorter;

/* Sorts CAND (NC entry indexes) into bucket B's order, or its back-fill
 * order when BACKFILL; with BY_DISTRICT, by district first. */
static void sort_candidates(sorter *so, const bc_program *p, const vm *v, const alloc_entry *e,
			    int32_t *cand, size_t nc, uint32_t b, bool backfill, bool by_district)
{
	const bc_bucket *bk = &p->buckets[b];
	uint32_t slot = vm_order_slot(v, b);
	const bc_order_key *keys = bk->order;
	uint32_t nkeys = bk->norder;
	if (backfill && bk->nbackfill_order) {
		slot += bk->norder;
		keys = bk->backfill_order;
		nkeys = bk->nbackfill_order;
	}
	for (size_t i = 0; i < nc; i++) {
		uint64_t *w = &so->words[i * (nkeys ? nkeys : 1)];
		if (nkeys == 0)   /* default: arrears descending */
			w[0] = sort_word(e[cand[i]].arrears, true);
		for (uint32_t k = 0; k < nkeys; k++)
			w[k] = sort_word(e[cand[i]].keys[slot + k], keys[k].descending);
		so->pos[i] = (int32_t)i;
	}
	const sort_ctx c = { e, cand, so->words, nkeys ? nkeys : 1, by_district, so->in_key_order };
	if (c.nkeys == 1 && !by_district && so->in_key_order)
		radix_positions(so->pos, so->tmp, nc, so->words);
	else
		sort_positions(so->pos, so->tmp, nc, &c);
	for (size_t i = 0; i < nc; i++)
		so->sorted[i] = cand[so->pos[i]];
	memcpy(cand, so->sorted, nc * sizeof *cand);
}

/* Adds a step to TRACE (when it is the traced household's: not NULL). */
static void step(alloc_trace *trace, enum alloc_step_kind kind, int32_t from, int32_t to, int64_t rank,
		 int64_t candidates)
{
	if (trace)
		trace->steps[trace->nsteps++] = (alloc_step){ (uint8_t)kind, from, to, rank, candidates };
}

/* TRACE when entry I is the traced one, else NULL. */
static alloc_trace *trace_of(alloc_trace *trace, size_t traced, size_t i)
{
	return i == traced ? trace : NULL;
}

/* The bucket a household bound for B ends up in, after B's redirects (and
 * those of where they lead), each step counted in FLOWS unless it is NULL,
 * and recorded in TRACE unless it is NULL. The verifier proved the
 * redirects acyclic. */
static int32_t enter(const bc_program *p, const alloc_entry *e, int32_t b, alloc_flow *flows,
		     alloc_trace *trace)
{
	for (uint32_t steps = 0; steps <= p->nbuckets; steps++) {
		const bc_bucket *bk = &p->buckets[b];
		int32_t next;
		enum alloc_step_kind why;
		if (bk->without_phone >= 0 && !e->has_phone) {
			next = bk->without_phone;
			why = ALLOC_STEP_NO_PHONE;
		} else if (bk->without_email >= 0 && !e->has_email) {
			next = bk->without_email;
			why = ALLOC_STEP_NO_EMAIL;
		} else {
			return b;
		}
		if (flows) {
			if (why == ALLOC_STEP_NO_PHONE)
				flows[b].redirected_no_phone++;
			else
				flows[b].redirected_no_email++;
			flows[next].redirect_in++;
		}
		step(trace, why, b, next, 0, 0);
		b = next;
	}
	return b;
}

void alloc_bucket_order(const bc_program *p, uint32_t *order)
{
	const uint32_t nb = p->nbuckets;
	/* Depth first with a stack of its own (a policy may chain thousands of
	 * buckets): a bucket goes after everything downstream of it, and the
	 * list is reversed at the end. */
	uint8_t *seen = calloc(nb + 1, 1);
	uint8_t *edge = calloc(nb + 1, 1);          /* per bucket: the next edge to follow */
	uint32_t *stack = malloc((nb + 1) * sizeof *stack);
	if (!seen || !edge || !stack) {
		for (uint32_t b = 0; b < nb; b++)
			order[b] = b;
		free(seen);
		free(edge);
		free(stack);
		return;
	}
	uint32_t n = 0;
	/* Declaration order decides between buckets that do not depend on each other. */
	for (uint32_t s = nb; s-- > 0;) {
		if (seen[s])
			continue;
		uint32_t top = 0;
		stack[top++] = s;
		seen[s] = 1;
		while (top > 0) {
			const uint32_t b = stack[top - 1];
			const bc_bucket *bk = &p->buckets[b];
			const int32_t next[4] = { bk->overflow, bk->without_phone, bk->without_email, bk->backfill_from };
			if (edge[b] == 4) {
				order[n++] = b;
				top--;
				continue;
			}
			const int32_t t = next[edge[b]++];
			if (t >= 0 && !seen[t]) {
				seen[t] = 1;
				stack[top++] = (uint32_t)t;
			}
		}
	}
	for (uint32_t i = 0; i < n / 2; i++) {
		const uint32_t t = order[i];
		order[i] = order[n - 1 - i];
		order[n - 1 - i] = t;
	}
	free(seen);
	free(edge);
	free(stack);
}

size_t alloc_rotation_start(vr_month month, size_t ndistricts)
{
	if (ndistricts == 0)
		return 0;
	const int64_t k = (int64_t)ndistricts, r = (int64_t)month % k;
	return (size_t)(r < 0 ? r + k : r);
}

/* Gives CAP places to the sorted candidates, round-robin over districts when
 * SPREAD: one place per district per round, districts in name order, or
 * from the district alloc_rotation_start names for MONTH when ROTATING.
 * Writes the chosen ones' indexes, in the order places are given, to
 * CHOSEN; *FIRST gets the index (in CAND) of the first district's first
 * candidate, or -1. */
static size_t choose(const alloc_entry *e, const int32_t *cand, size_t n, int64_t cap,
		     bool spread, bool rotating, vr_month month, int32_t *chosen, size_t *starts,
		     int32_t *first)
{
	*first = -1;
	if (!spread) {
		const size_t k = (int64_t)n < cap ? n : (size_t)cap;
		memcpy(chosen, cand, k * sizeof *chosen);
		return k;
	}
	/* CAND is sorted by district, then order: find where each district starts. */
	size_t ndistricts = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(e[cand[i]].district, e[cand[i - 1]].district) != 0)
			starts[ndistricts++] = i;
	starts[ndistricts] = n;
	const size_t start = rotating ? alloc_rotation_start(month, ndistricts) : 0;
	if (ndistricts)
		*first = cand[starts[start]];
	size_t given = 0;
	for (size_t round = 0; (int64_t)given < cap; round++) {
		bool any = false;
		for (size_t k = 0; k < ndistricts && (int64_t)given < cap; k++) {
			const size_t d = (start + k) % ndistricts;
			if (starts[d] + round < starts[d + 1]) {
				chosen[given++] = cand[starts[d] + round];
				any = true;
			}
		}
		if (!any)
			break;
	}
	return given;
}

bool alloc_run(const bc_program *p, const vm *v, vr_month month, alloc_entry *entries, size_t n)
{
	alloc_flow *flows = calloc(p->nbuckets + 1, sizeof *flows);
	const bool ok = flows && alloc_run_flows(p, v, month, entries, n, flows);
	free(flows);
	return ok;
}

bool alloc_run_flows(const bc_program *p, const vm *v, vr_month month, alloc_entry *entries, size_t n,
		     alloc_flow *flows)
{
	return alloc_run_traced(p, v, month, entries, n, flows, NULL);
}

bool alloc_run_traced(const bc_program *p, const vm *v, vr_month month, alloc_entry *entries, size_t n,
		      alloc_flow *flows, alloc_trace *trace)
{
	uint32_t *order = malloc((p->nbuckets + 1) * sizeof *order);
	int32_t *cand = malloc((n + 1) * sizeof *cand);
	int32_t *chosen = malloc((n + 1) * sizeof *chosen);
	size_t *starts = malloc((n + 2) * sizeof *starts);
	uint8_t *placed = calloc(n + 1, 1);
	sorter so = {
		.pos = malloc((n + 1) * sizeof *so.pos),
		.tmp = malloc((n + 1) * sizeof *so.tmp),
		.sorted = malloc((n + 1) * sizeof *so.sorted),
		.words = malloc((n + 1) * BC_MAX_ORDER * sizeof *so.words),
		.in_key_order = true,
	};
	bool ok = order && cand && chosen && starts && placed && so.pos && so.tmp &&
		  so.sorted && so.words;
	for (size_t i = 1; ok && i < n && so.in_key_order; i++)
		so.in_key_order = strcmp(entries[i - 1].household, entries[i].household) < 0;
	if (!ok) {
		free(order); free(cand); free(chosen); free(starts); free(placed);
		free(so.pos); free(so.tmp); free(so.sorted); free(so.words);
		return false;
	}
	memset(flows, 0, p->nbuckets * sizeof *flows);
	/* The traced household's index, or n. */
	size_t traced = n;
	if (trace) {
		trace->nsteps = 0;
		for (size_t i = 0; i < n && traced == n; i++)
			if (strcmp(entries[i].household, trace->household) == 0)
				traced = i;
	}
	for (size_t i = 0; i < n; i++) {
		alloc_entry *e = &entries[i];
		e->overflowed_from = -1;
		e->place = 0;
		e->backfilled = false;
		e->rank = e->candidates = 0;
		e->bucket = -1;
		if (e->rule_bucket >= 0) {
			flows[e->rule_bucket].by_rule++;
			alloc_trace *t = trace_of(trace, traced, i);
			step(t, ALLOC_STEP_RULE, -1, e->rule_bucket, 0, 0);
			e->bucket = enter(p, e, e->rule_bucket, flows, t);
		}
	}
	alloc_bucket_order(p, order);
	for (uint32_t oi = 0; oi < p->nbuckets; oi++) {
		const uint32_t b = order[oi];
		const bc_bucket *bk = &p->buckets[b];
		if (bk->capacity < 0)
			continue;
		size_t nc = 0;
		for (size_t i = 0; i < n; i++)
			if (entries[i].bucket == (int32_t)b)
				cand[nc++] = (int32_t)i;
		const bool by_district = bk->spread != SPREAD_NONE;
		sort_candidates(&so, p, v, entries, cand, nc, b, false, by_district);
		int32_t first;
		const size_t given = choose(entries, cand, nc, bk->capacity, by_district,
					    bk->spread == SPREAD_DISTRICT_ROTATING, month, chosen, starts, &first);
		if (bk->spread == SPREAD_DISTRICT_ROTATING && first >= 0)
			flows[b].first_district = entries[first].district;
		for (size_t k = 0; k < given; k++) {
			entries[chosen[k]].place = (int64_t)k + 1;
			placed[chosen[k]] = 1;
		}
		flows[b].placed += (long)given;
		size_t group = 0;   /* with a spread: where the candidate's district starts */
		for (size_t k = 0; k < nc; k++) {
			alloc_entry *e = &entries[cand[k]];
			if (by_district && k > 0 && strcmp(e->district, entries[cand[k - 1]].district) != 0)
				group = k;
			if (placed[cand[k]])
				continue;
			/* Its rank in the bucket's order; with a spread, within its district. */
			e->rank = (int64_t)(k - group) + 1;
			e->candidates = (int64_t)nc;
			e->overflowed_from = (int32_t)b;
			flows[b].turned_away++;
			flows[bk->overflow].overflow_in++;
			alloc_trace *t = trace_of(trace, traced, (size_t)cand[k]);
			step(t, ALLOC_STEP_NO_PLACE, (int32_t)b, bk->overflow, e->rank, e->candidates);
			e->bucket = enter(p, e, bk->overflow, flows, t);
		}
		/* Back-fill: spare places go to the households a rule sent to the
		 * source bucket and that are still there. */
		int64_t spare = bk->capacity - (int64_t)given;
		if (spare > 0 && bk->backfill_from >= 0) {
			size_t nb = 0;
			for (size_t i = 0; i < n; i++) {
				const alloc_entry *e = &entries[i];
				if (e->bucket == bk->backfill_from && e->rule_bucket == bk->backfill_from &&
				    e->overflowed_from < 0 && enter(p, e, (int32_t)b, NULL, NULL) == (int32_t)b)
					cand[nb++] = (int32_t)i;
			}
			sort_candidates(&so, p, v, entries, cand, nb, b, true, false);
			for (size_t k = 0; k < nb && spare > 0; k++, spare--) {
				alloc_entry *e = &entries[cand[k]];
				e->bucket = (int32_t)b;
				e->place = (int64_t)given + (int64_t)k + 1;
				e->backfilled = true;
				placed[cand[k]] = 1;
				flows[b].backfill_in++;
				flows[b].placed++;
				flows[bk->backfill_from].backfilled_away++;
				step(trace_of(trace, traced, (size_t)cand[k]), ALLOC_STEP_BACKFILL, bk->backfill_from,
				     (int32_t)b, 0, 0);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (entries[i].bucket >= 0)
			flows[entries[i].bucket].ended++;
	free(order); free(cand); free(chosen); free(starts); free(placed);
	free(so.pos); free(so.tmp); free(so.sorted); free(so.words);
	return true;
}
