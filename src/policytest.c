/* policytest.c - runs policy tests (docs/tests.md). Each test is a month of
 * its own: its households (one, or several with the capacities the policy
 * gives or the test sets) are decided by the same VM and allocation as a
 * run's, so capacity, overflow, redirects, spread, back-fill and labels all
 * apply. Coverage is what the tests did: a rule is reached when it decided
 * a household of some test, a bucket when a household ended in it, a path
 * between buckets (an overflow, a redirect, a back-fill) when a household
 * took it, as the allocator counted (alloc_flow). Names and values from the
 * tests file and the policy are shown escaped (text.h). */
#include "policytest.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "policytest_impl.h"
#include "text.h"
#include "vm.h"

typedef struct runner {
	const bc_program *p;
	const char *name;
	FILE *out;
	diag *d;
	diag_source src;
	vr_month month;
	vm *v;
	policytest_result *res;
	bool *rule_hit, *bucket_hit;
	alloc_flow *taken;       /* per bucket, added up over the tests */
} runner;

/* One test's households as a run has them: entries in the order they are
 * described, and BY_KEY their indexes in key order (to find one). */
typedef struct month {
	size_t n;
	alloc_entry *entries;
	uint32_t *rules;
	const char **labels;     /* n * nlabels */
	int64_t *keys;           /* n * nslots */
	char *names;             /* the keys of households of a group */
	int *lines;              /* the `household(s)` line of each */
	size_t *by_key;
	alloc_flow *flows;
} month;

static void month_free(month *m)
{
	free(m->entries);
	free(m->rules);
	free(m->labels);
	free(m->keys);
	free(m->names);
	free(m->lines);
	free(m->by_key);
	free(m->flows);
}

static const char *bucket_name(const bc_program *p, int32_t b)
{
	return b < 0 ? "excluded" : p->consts[p->buckets[b].name].text;
}

/* Sorting indexes by key: a merge sort, as qsort takes no context. */
static void sort_by_key(size_t *ix, size_t *tmp, size_t n, const alloc_entry *e)
{
	if (n < 2)
		return;
	const size_t mid = n / 2;
	sort_by_key(ix, tmp, mid, e);
	sort_by_key(ix + mid, tmp, n - mid, e);
	size_t i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		tmp[k++] = strcmp(e[ix[j]].household, e[ix[i]].household) < 0 ? ix[j++] : ix[i++];
	while (i < mid)
		tmp[k++] = ix[i++];
	while (j < n)
		tmp[k++] = ix[j++];
	memcpy(ix, tmp, n * sizeof *ix);
}

/* Decides every household of T into M. False, reported, when memory runs
 * out, a total does not fit, or two households have one key. */
static bool decide(runner *r, const pt_test *t, month *m)
{
	const bc_program *p = r->p;
	const size_t n = (size_t)pt_count(t), nlabels = p->nlabels, nslots = vm_order_slots(r->v);
	size_t names_len = 1;
	for (size_t i = 0; i < t->nhouseholds; i++)
		if (t->households[i].width)
			names_len += (size_t)t->households[i].count *
				     (strlen(t->households[i].key) + (size_t)t->households[i].width + 1);
	m->n = n;
	m->entries = calloc(n + 1, sizeof *m->entries);
	m->rules = calloc(n + 1, sizeof *m->rules);
	m->labels = calloc(n * nlabels + 1, sizeof *m->labels);
	m->keys = calloc(n * nslots + 1, sizeof *m->keys);
	m->names = malloc(names_len);
	m->lines = calloc(n + 1, sizeof *m->lines);
	m->by_key = calloc(n + 1, sizeof *m->by_key);
	m->flows = calloc(p->nbuckets + 1, sizeof *m->flows);
	size_t *tmp = calloc(n + 1, sizeof *tmp);
	if (!m->entries || !m->rules || !m->labels || !m->keys || !m->names || !m->lines || !m->by_key ||
	    !m->flows || !tmp) {
		free(tmp);
		diag_error(r->d, "out of memory");
		return false;
	}
	size_t k = 0, used = 0;
	for (size_t i = 0; i < t->nhouseholds; i++) {
		const pt_household *h = &t->households[i];
		for (long g = 0; g < h->count; g++, k++) {
			const char *key = h->key;
			if (h->width) {
				key = pt_key(h, g, m->names + used, names_len - used);
				used += strlen(key) + 1;
			}
			const vr_household hh = { key, h->signals, h->nsignals, h->outcomes, h->noutcomes };
			vm_decision dec;
			if (!vm_decide(r->v, &hh, r->month, &dec)) {   /* cannot happen with amounts in range */
				diag_error(r->d, "%s:%d: test \"%s\": a total over the signals of household %s is more "
					   "than vroeg can count", r->name, t->line, t->name, key);
				free(tmp);
				return false;
			}
			m->entries[k] = (alloc_entry){ .household = key, .district = dec.district,
						       .rule_bucket = dec.bucket, .arrears = dec.arrears,
						       .has_phone = dec.has_phone, .has_email = dec.has_email };
			m->rules[k] = dec.rule;
			m->lines[k] = h->line;
			for (size_t l = 0; l < nlabels; l++)
				m->labels[k * nlabels + l] = dec.labels[l].text ? dec.labels[l].text : "";
			if (nslots)
				memcpy(&m->keys[k * nslots], dec.keys, nslots * sizeof *dec.keys);
		}
	}
	for (size_t i = 0; i < n; i++) {
		m->entries[i].keys = &m->keys[i * nslots];
		m->by_key[i] = i;
	}
	sort_by_key(m->by_key, tmp, n, m->entries);
	free(tmp);
	for (size_t i = 1; i < n; i++) {
		const size_t a = m->by_key[i - 1], b = m->by_key[i];
		if (strcmp(m->entries[a].household, m->entries[b].household) != 0)
			continue;
		const size_t later = m->lines[a] > m->lines[b] ? a : b, first = later == a ? b : a;
		const diag_loc loc = { m->lines[later], 1, m->lines[later], 5 };
		char key[256];
		const char *dup = m->entries[later].household;
		diag_at(r->d, &r->src, loc, DIAG_ERROR, "household `%s` is described twice in this test "
			"(first on line %d)", text_escape(dup, strlen(dup), key, sizeof key), m->lines[first]);
		return false;
	}
	return true;
}

/* The entry of household KEY (NULL: the test's one household). */
static size_t find(const month *m, const char *key)
{
	if (!key)
		return 0;
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		const size_t mid = lo + (hi - lo) / 2;
		const int c = strcmp(m->entries[m->by_key[mid]].household, key);
		if (c == 0)
			return m->by_key[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;   /* the reader made sure it is there */
}

/* Writes what E expects (WANT) and what entry I got (GOT), each field E
 * names; whether they agree. */
static bool compare(const runner *r, const month *m, const pt_expect *e, size_t i, FILE *want, FILE *got)
{
	const bc_program *p = r->p;
	const alloc_entry *x = &m->entries[i];
	const char *reason = x->bucket < 0 ? p->consts[p->rules[m->rules[i]].reason].text : "";
	bool ok = x->bucket == e->bucket && strcmp(reason, e->reason) == 0;
	fputs(bucket_name(p, e->bucket), want);
	fputs(bucket_name(p, x->bucket), got);
	if (e->bucket < 0)
		fprintf(want, " \"%s\"", e->reason);
	if (x->bucket < 0)
		fprintf(got, " \"%s\"", reason);
	if (e->place != PT_NOT_EXPECTED) {
		ok &= x->place == e->place;
		if (e->place)
			fprintf(want, " place=%lld", (long long)e->place);
		else
			fputs(" place=", want);
		if (x->place)
			fprintf(got, " place=%lld", (long long)x->place);
		else
			fputs(" place=", got);
	}
	if (e->overflowed_from != PT_NOT_EXPECTED) {
		ok &= x->overflowed_from == e->overflowed_from;
		fprintf(want, " overflowed_from=%s", e->overflowed_from < 0 ? "" : bucket_name(p, e->overflowed_from));
		fprintf(got, " overflowed_from=%s", x->overflowed_from < 0 ? "" : bucket_name(p, x->overflowed_from));
	}
	for (int l = 0; l < e->nlabels; l++) {
		const char *name = p->consts[p->labels[e->labels[l].label].name].text;
		const char *value = m->labels[i * p->nlabels + e->labels[l].label];
		ok &= strcmp(value, e->labels[l].value) == 0;
		fprintf(want, " %s=%s", name, e->labels[l].value);
		fprintf(got, " %s=%s", name, value);
	}
	return ok;
}

/* Checks every `expect` of T against M, printing each that fails; whether
 * all hold. */
static bool check(runner *r, const pt_test *t, const month *m)
{
	const bc_program *p = r->p;
	bool passed = true;
	for (size_t k = 0; k < t->nexpects; k++) {
		const pt_expect *e = &t->expects[k];
		if (e->is_count) {
			long got = 0;
			for (size_t i = 0; i < m->n; i++)
				got += m->entries[i].bucket == e->bucket;
			if (got != e->count) {
				text_printf(r->out, "%s:%d: test \"%s\" failed: expected %ld in %s, got %ld", r->name,
					    e->line, t->name, e->count, bucket_name(p, e->bucket), got);
				fputc('\n', r->out);
				passed = false;
			}
			continue;
		}
		const size_t i = find(m, e->household);
		char *want = NULL, *got = NULL;
		size_t wn = 0, gn = 0;
		FILE *fw = open_memstream(&want, &wn), *fg = open_memstream(&got, &gn);
		bool ok = false;
		if (fw && fg)
			ok = compare(r, m, e, i, fw, fg);
		if (fw)
			fclose(fw);
		if (fg)
			fclose(fg);
		if (!ok) {
			const bc_rule *rule = &p->rules[m->rules[i]];
			text_printf(r->out, "%s:%d: test \"%s\" failed: %s%s%sexpected %s, got %s (decided by %s:%u)",
				    r->name, e->line, t->name, e->household ? "household " : "", e->household ? e->household : "",
				    e->household ? ": " : "", want ? want : "?", got ? got : "?", p->source_name, rule->line);
			fputc('\n', r->out);
			passed = false;
		}
		free(want);
		free(got);
	}
	return passed;
}

/* Runs test T: decides its month, checks its expectations, adds what its
 * households reached to the coverage. */
static void run_test(runner *r, const pt_test *t)
{
	const bc_program *p = r->p;
	month m = { 0 };
	if (!decide(r, t, &m)) {
		month_free(&m);
		return;
	}
	/* The program as the test has it: its capacities in a copy. */
	bc_program q = *p;
	bc_bucket *buckets = NULL;
	if (t->ncapacities) {
		buckets = malloc(p->nbuckets * sizeof *buckets);
		if (!buckets) {
			diag_error(r->d, "out of memory");
			month_free(&m);
			return;
		}
		memcpy(buckets, p->buckets, p->nbuckets * sizeof *buckets);
		for (size_t i = 0; i < t->ncapacities; i++)
			buckets[t->capacities[i].bucket].capacity = t->capacities[i].capacity;
		q.buckets = buckets;
	}
	const bool allocated = alloc_run_flows(&q, r->v, r->month, m.entries, m.n, m.flows);
	free(buckets);
	if (!allocated) {
		diag_error(r->d, "out of memory");
		month_free(&m);
		return;
	}
	r->res->tests++;
	for (size_t i = 0; i < m.n; i++) {
		r->rule_hit[m.rules[i]] = true;
		if (m.entries[i].bucket >= 0)
			r->bucket_hit[m.entries[i].bucket] = true;
	}
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		r->taken[b].turned_away += m.flows[b].turned_away;
		r->taken[b].redirected_no_phone += m.flows[b].redirected_no_phone;
		r->taken[b].redirected_no_email += m.flows[b].redirected_no_email;
		r->taken[b].backfill_in += m.flows[b].backfill_in;
	}
	if (!check(r, t, &m))
		r->res->failed++;
	month_free(&m);
}

/* Lists to OUT (when not NULL) what no test reached: rules, exclusion
 * reasons, buckets no household ended in, and the paths between buckets
 * no household took. How many. */
static int uncovered(const runner *r, FILE *out)
{
	const bc_program *p = r->p;
	int count = 0;
	const char *sep = " ";
	for (uint32_t i = 0; i < p->nrules; i++) {
		const bc_rule *rule = &p->rules[i];
		/* Without a floor every signal is above it: no household can be
		 * "not counted" (one whose signals are all skipped has the skip's
		 * reason). */
		if (r->rule_hit[i] || (rule->kind == RULE_NOT_COUNTED && p->floor_fn == BC_NONE))
			continue;
		if (out && rule->kind == RULE_BUCKET)
			fprintf(out, "%srule line %u (-> %s)", sep, rule->line, bucket_name(p, rule->bucket));
		else if (out && rule->kind == RULE_SKIPPED && rule->bucket >= 0)
			fprintf(out, "%sskip line %u (-> %s)", sep, rule->line, bucket_name(p, rule->bucket));
		else if (out)
			text_printf(out, "%sreason \"%s\" (line %u)", sep, p->consts[rule->reason].text, rule->line);
		sep = ", ";
		count++;
	}
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		if (r->bucket_hit[b])
			continue;
		if (out)
			fprintf(out, "%sbucket %s", sep, bucket_name(p, (int32_t)b));
		sep = ", ";
		count++;
	}
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const bc_bucket *bk = &p->buckets[b];
		const alloc_flow *f = &r->taken[b];
		const char *name = bucket_name(p, (int32_t)b);
		/* A bucket without a capacity never overflows (lint says so). */
		if (bk->overflow >= 0 && bk->capacity >= 0 && !f->turned_away) {
			if (out)
				fprintf(out, "%soverflow %s -> %s (line %u)", sep, name, bucket_name(p, bk->overflow), bk->line);
			sep = ", ";
			count++;
		}
		if (bk->without_phone >= 0 && !f->redirected_no_phone) {
			if (out)
				fprintf(out, "%sredirect %s -> %s without phone (line %u)", sep, name,
					bucket_name(p, bk->without_phone), bk->line);
			sep = ", ";
			count++;
		}
		if (bk->without_email >= 0 && !f->redirected_no_email) {
			if (out)
				fprintf(out, "%sredirect %s -> %s without email (line %u)", sep, name,
					bucket_name(p, bk->without_email), bk->line);
			sep = ", ";
			count++;
		}
		if (bk->backfill_from >= 0 && !f->backfill_in) {
			if (out)
				fprintf(out, "%sback-fill %s from %s (line %u)", sep, name, bucket_name(p, bk->backfill_from),
					bk->line);
			sep = ", ";
			count++;
		}
	}
	return count;
}

static void coverage(runner *r)
{
	const int count = uncovered(r, NULL);
	r->res->uncovered = count;
	text_printf(r->out, "%s: %d passed, %d failed; %s", r->name, r->res->tests - r->res->failed, r->res->failed,
		    count ? "not reached by any test:" : "every rule, bucket, reason and path is reached");
	uncovered(r, r->out);
	fputc('\n', r->out);
}

bool policytest_run(const bc_program *p, const char *name, const char *text, size_t len,
		    FILE *out, diag *d, policytest_result *res)
{
	memset(res, 0, sizeof *res);
	runner r = { p, name, out, d, { name, text, len }, 0, vm_new(p), res,
		     calloc(p->nrules + 1, sizeof(bool)), calloc(p->nbuckets + 1, sizeof(bool)),
		     calloc(p->nbuckets + 1, sizeof(alloc_flow)) };
	const int errors = d->errors;
	if (!r.v || !r.rule_hit || !r.bucket_hit || !r.taken) {
		diag_error(d, "out of memory");
	} else {
		/* The tests file's mistakes in line order, as a rule file's: some
		 * are found only at the end of a test. */
		diag_hold(d);
		pt_reader reader;
		pt_reader_init(&reader, p, name, text, len, d);
		pt_test t;
		while (pt_read_test(&reader, &t)) {
			r.month = reader.month;
			if (!t.errors)
				run_test(&r, &t);
			pt_test_free(&t);
		}
		pt_test_free(&t);
		diag_release(d);
		if (d->errors == errors)
			coverage(&r);
	}
	vm_free(r.v);
	free(r.rule_hit);
	free(r.bucket_hit);
	free(r.taken);
	return d->errors == errors;
}
