/* alloc.c - fills buckets in flow order. Every household enters its rule's
 * bucket (after redirects); each bucket in turn sorts its candidates, gives
 * its places, sends the rest to its overflow (after that bucket's redirects),
 * and back-fills spare places from its back-fill source. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

typedef struct sort_ctx {
	const bc_program *p;
	const vm *v;
	const alloc_entry *e;
	uint32_t bucket;
	bool backfill;         /* use the bucket's back-fill order */
	bool by_district;      /* district first (for the round-robin spread) */
} sort_ctx;

static int cmp_keys(const sort_ctx *c, const alloc_entry *a, const alloc_entry *b)
{
	const bc_bucket *bk = &c->p->buckets[c->bucket];
	uint32_t slot = vm_order_slot(c->v, c->bucket);
	const bc_order_key *keys = bk->order;
	uint8_t nkeys = bk->norder;
	if (c->backfill && bk->nbackfill_order) {
		slot += bk->norder;
		keys = bk->backfill_order;
		nkeys = bk->nbackfill_order;
	}
	if (nkeys == 0) {   /* default: arrears descending */
		if (a->arrears != b->arrears)
			return a->arrears > b->arrears ? -1 : 1;
		return 0;
	}
	for (uint8_t k = 0; k < nkeys; k++) {
		const int64_t x = a->keys[slot + k], y = b->keys[slot + k];
		if (x == y)
			continue;
		/* A missing key sorts last, whatever the direction. */
		if (x == VR_MISSING)
			return 1;
		if (y == VR_MISSING)
			return -1;
		const int r = x < y ? -1 : 1;
		return keys[k].descending ? -r : r;
	}
	return 0;
}

static int cmp_entries(const sort_ctx *c, int32_t ia, int32_t ib)
{
	const alloc_entry *a = &c->e[ia], *b = &c->e[ib];
	if (c->by_district) {
		const int d = strcmp(a->district, b->district);
		if (d)
			return d;
	}
	const int k = cmp_keys(c, a, b);
	if (k)
		return k;
	return strcmp(a->household, b->household);   /* ties: the lower key, byte order */
}

/* A stable merge sort: qsort takes no context without global state. */
static void sort_indices(int32_t *idx, int32_t *tmp, size_t n, const sort_ctx *c)
{
	if (n < 2)
		return;
	const size_t mid = n / 2;
	sort_indices(idx, tmp, mid, c);
	sort_indices(idx + mid, tmp, n - mid, c);
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		tmp[k++] = cmp_entries(c, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof *idx);
}

/* The bucket a household bound for B ends up in, after B's redirects (and
 * those of where they lead). The verifier proved the redirects acyclic. */
static int32_t enter(const bc_program *p, const alloc_entry *e, int32_t b)
{
	for (uint32_t steps = 0; steps <= p->nbuckets; steps++) {
		const bc_bucket *bk = &p->buckets[b];
		if (bk->without_phone >= 0 && !e->has_phone)
			b = bk->without_phone;
		else if (bk->without_email >= 0 && !e->has_email)
			b = bk->without_email;
		else
			return b;
	}
	return b;
}

static void visit(const bc_program *p, uint32_t b, uint8_t *seen, uint32_t *order, uint32_t *n)
{
	if (seen[b])
		return;
	seen[b] = 1;
	const bc_bucket *bk = &p->buckets[b];
	const int32_t next[4] = { bk->overflow, bk->without_phone, bk->without_email, bk->backfill_from };
	for (int i = 0; i < 4; i++)
		if (next[i] >= 0)
			visit(p, (uint32_t)next[i], seen, order, n);
	order[(*n)++] = b;   /* after everything downstream: reversed below */
}

void alloc_bucket_order(const bc_program *p, uint32_t *order)
{
	uint8_t *seen = calloc(p->nbuckets + 1, 1);
	uint32_t n = 0;
	if (!seen) {
		for (uint32_t b = 0; b < p->nbuckets; b++)
			order[b] = b;
		return;
	}
	/* Declaration order decides between buckets that do not depend on each other. */
	for (uint32_t b = p->nbuckets; b-- > 0;)
		visit(p, b, seen, order, &n);
	for (uint32_t i = 0; i < n / 2; i++) {
		const uint32_t t = order[i];
		order[i] = order[n - 1 - i];
		order[n - 1 - i] = t;
	}
	free(seen);
}

/* Gives CAP places to the sorted candidates, round-robin over districts when
 * SPREAD: districts in name order, one place each per round. Writes the
 * chosen ones' indexes, in the order places are given, to CHOSEN. */
static size_t choose(const alloc_entry *e, const int32_t *cand, size_t n, int64_t cap,
		     bool spread, int32_t *chosen, size_t *starts)
{
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
	size_t given = 0;
	for (size_t round = 0; (int64_t)given < cap; round++) {
		bool any = false;
		for (size_t d = 0; d < ndistricts && (int64_t)given < cap; d++) {
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

bool alloc_run(const bc_program *p, const vm *v, alloc_entry *entries, size_t n)
{
	uint32_t *order = malloc((p->nbuckets + 1) * sizeof *order);
	int32_t *cand = malloc((n + 1) * sizeof *cand);
	int32_t *tmp = malloc((n + 1) * sizeof *tmp);
	int32_t *chosen = malloc((n + 1) * sizeof *chosen);
	size_t *starts = malloc((n + 2) * sizeof *starts);
	uint8_t *placed = calloc(n + 1, 1);
	if (!order || !cand || !tmp || !chosen || !starts || !placed) {
		free(order); free(cand); free(tmp); free(chosen); free(starts); free(placed);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		alloc_entry *e = &entries[i];
		e->overflowed_from = -1;
		e->place = 0;
		e->backfilled = false;
		e->rank = e->candidates = 0;
		e->bucket = e->rule_bucket < 0 ? -1 : enter(p, e, e->rule_bucket);
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
		sort_ctx c = { p, v, entries, b, false, bk->spread == SPREAD_DISTRICT };
		sort_indices(cand, tmp, nc, &c);
		const size_t given = choose(entries, cand, nc, bk->capacity, c.by_district, chosen, starts);
		for (size_t k = 0; k < given; k++) {
			entries[chosen[k]].place = (int64_t)k + 1;
			placed[chosen[k]] = 1;
		}
		size_t group = 0;   /* with a spread: where the candidate's district starts */
		for (size_t k = 0; k < nc; k++) {
			alloc_entry *e = &entries[cand[k]];
			if (c.by_district && k > 0 && strcmp(e->district, entries[cand[k - 1]].district) != 0)
				group = k;
			if (placed[cand[k]])
				continue;
			/* Its rank in the bucket's order; with a spread, within its district. */
			e->rank = (int64_t)(k - group) + 1;
			e->candidates = (int64_t)nc;
			e->overflowed_from = (int32_t)b;
			e->bucket = enter(p, e, bk->overflow);
		}
		/* Back-fill: spare places go to the households a rule sent to the
		 * source bucket and that are still there. */
		int64_t spare = bk->capacity - (int64_t)given;
		if (spare > 0 && bk->backfill_from >= 0) {
			size_t nb = 0;
			for (size_t i = 0; i < n; i++) {
				const alloc_entry *e = &entries[i];
				if (e->bucket == bk->backfill_from && e->rule_bucket == bk->backfill_from &&
				    e->overflowed_from < 0 && enter(p, e, (int32_t)b) == (int32_t)b)
					cand[nb++] = (int32_t)i;
			}
			sort_ctx bc = { p, v, entries, b, true, false };
			sort_indices(cand, tmp, nb, &bc);
			for (size_t k = 0; k < nb && spare > 0; k++, spare--) {
				alloc_entry *e = &entries[cand[k]];
				e->bucket = (int32_t)b;
				e->place = (int64_t)given + (int64_t)k + 1;
				e->backfilled = true;
				placed[cand[k]] = 1;
			}
		}
	}
	free(order); free(cand); free(tmp); free(chosen); free(starts); free(placed);
	return true;
}
