/* figures.c - gathering month figures (figures.h): from a month's
 * evaluation, from recorded decisions, from the store's counts and frozen
 * figures; the shares; withholding small counts; freezing; a figure's text
 * as published; the trend lines the writers print.
 * Counts are tallied by key (month, measure, bucket, category) through a
 * hash index, so a national month of decisions costs a few lookups per
 * household. No household key or amount is ever put in a figure. */
#include "figures.h"

#include <stdlib.h>
#include <string.h>

const char *const figures_measure_names[FM_COUNT] = {
	[FM_BACKFILLED] = "backfilled",
	[FM_CAPACITY] = "capacity",
	[FM_DEMAND] = "demand",
	[FM_EXCLUDED] = "excluded",
	[FM_HOUSEHOLDS] = "households",
	[FM_LABEL] = "label",
	[FM_LABELS] = "labels",
	[FM_OUTCOME] = "outcome",
	[FM_OVERFLOWED_FROM] = "overflowed_from",
	[FM_PLACES] = "places",
	[FM_REACHED_SHARE] = "reached_share",
	[FM_REDIRECTED] = "redirected",
	[FM_RUN] = "run",
	[FM_SIGNALLED] = "signalled",
	[FM_SIGNALLED_TOTAL] = "signalled_total",
	[FM_SIGNALS] = "signals",
	[FM_SIGNALS_BY_CREDITOR] = "signals_by_creditor",
	[FM_SIGNALS_TOTAL] = "signals_total",
	[FM_TURNED_AWAY] = "turned_away",
};

/* The category of an outcome row for a household without one in the span. */
static const char NO_OUTCOME[] = "none";

bool figures_reached(int outcome)
{
	return outcome == OUTCOME_REACHED_NO_HELP || outcome == OUTCOME_REFUSED ||
	       outcome == OUTCOME_HELP_ACCEPTED;
}

/* Where a measure's figures come from, which says how they are frozen. */
enum group { GROUP_SIGNALS, GROUP_DECISIONS, GROUP_OUTCOMES, GROUP_DERIVED };

static enum group group_of(enum figures_measure m)
{
	switch (m) {
	case FM_SIGNALLED: case FM_SIGNALLED_TOTAL: case FM_SIGNALS: case FM_SIGNALS_BY_CREDITOR:
	case FM_SIGNALS_TOTAL:
		return GROUP_SIGNALS;
	case FM_OUTCOME:
		return GROUP_OUTCOMES;
	case FM_RUN: case FM_REACHED_SHARE: case FM_COUNT:
		return GROUP_DERIVED;
	case FM_BACKFILLED: case FM_CAPACITY: case FM_DEMAND: case FM_EXCLUDED: case FM_HOUSEHOLDS:
	case FM_LABEL: case FM_LABELS: case FM_OVERFLOWED_FROM: case FM_PLACES: case FM_REDIRECTED:
	case FM_TURNED_AWAY:
		break;
	}
	return GROUP_DECISIONS;
}

/* ---------------------------------------------------------------- list -- */

void figures_list_init(figures_list *l)
{
	memset(l, 0, sizeof *l);
	arena_init(&l->strings);
}

void figures_list_free(figures_list *l)
{
	free(l->v);
	free(l->slots);
	arena_free(&l->strings);
	memset(l, 0, sizeof *l);
}

static uint32_t mix(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;   /* FNV-1a */
	return (h ^ 0xFFu) * 16777619u;
}

static uint32_t key_hash(vr_month month, enum figures_measure m, const char *bucket, const char *category)
{
	uint32_t h = (2166136261u ^ (uint32_t)month) * 16777619u;
	h = (h ^ (uint32_t)m) * 16777619u;
	return mix(mix(h, bucket), category);
}

static bool same_key(const figures_row *f, vr_month month, enum figures_measure m, const char *bucket,
		     const char *category)
{
	return f->month == month && f->measure == m && strcmp(f->bucket, bucket) == 0 &&
	       strcmp(f->category, category) == 0;
}

/* Builds the index for the rows as they are (after a sort, too). */
static bool reindex(figures_list *l, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const figures_row *f = &l->v[i];
		size_t k = key_hash(f->month, f->measure, f->bucket, f->category) & (nslots - 1);
		while (slots[k])
			k = (k + 1) & (nslots - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(l->slots);
	l->slots = slots;
	l->nslots = nslots;
	return true;
}

/* The slot of the key: a row's, or the empty one where it would go. */
static size_t slot_of(const figures_list *l, vr_month month, enum figures_measure m, const char *bucket,
		      const char *category)
{
	size_t k = key_hash(month, m, bucket, category) & (l->nslots - 1);
	while (l->slots[k] && !same_key(&l->v[l->slots[k] - 1], month, m, bucket, category))
		k = (k + 1) & (l->nslots - 1);
	return k;
}

const figures_row *figures_find(const figures_list *l, vr_month month, enum figures_measure m,
				const char *bucket, const char *category)
{
	if (!l->nslots)
		return NULL;
	const uint32_t at = l->slots[slot_of(l, month, m, bucket, category)];
	return at ? &l->v[at - 1] : NULL;
}

bool figures_add(figures_list *l, vr_month month, enum figures_measure m, const char *bucket,
		 const char *category, int64_t delta)
{
	if (!l->nslots && !reindex(l, 64))
		return false;
	size_t k = slot_of(l, month, m, bucket, category);
	if (l->slots[k]) {
		l->v[l->slots[k] - 1].value += delta;
		return true;
	}
	if (l->n == l->cap) {
		const size_t cap = l->cap ? l->cap * 2 : 64;
		figures_row *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = (figures_row){
		.month = month, .measure = m,
		.bucket = arena_strndup(&l->strings, bucket, strlen(bucket)),
		.category = arena_strndup(&l->strings, category, strlen(category)),
		.value = delta,
	};
	l->slots[k] = (uint32_t)++l->n;
	return l->n * 2 <= l->nslots || reindex(l, l->nslots * 2);
}

/* ----------------------------------------------------------- decisions -- */

/* A growable text, for categories made of several strings. */
typedef struct text {
	char *p;
	size_t len, cap;
} text;

static bool text_put(text *t, const char *s)
{
	const size_t n = strlen(s);
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 128;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p)
			return false;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n + 1);
	t->len += n;
	return true;
}

/* `label` per label value, and with two labels or more `labels`, their
 * combination ("multiplicity=multiple & sequence=consecutive": P8's
 * national monitor); a household without any label value counts in
 * neither. */
static bool add_labels(figures_list *l, const vr_decision_set *set, const vr_decision_row *row, text *t)
{
	bool any = false;
	for (size_t k = 0; k < set->nlabels; k++) {
		if (!row->labels[k][0])
			continue;
		any = true;
		t->len = 0;
		if (!text_put(t, set->label_names[k]) || !text_put(t, "=") || !text_put(t, row->labels[k]) ||
		    !figures_add(l, set->month, FM_LABEL, row->bucket, t->p, 1))
			return false;
	}
	if (set->nlabels < 2 || !any)
		return true;
	t->len = 0;
	for (size_t k = 0; k < set->nlabels; k++)
		if ((k && !text_put(t, " & ")) || !text_put(t, set->label_names[k]) || !text_put(t, "=") ||
		    !text_put(t, row->labels[k]))
			return false;
	return figures_add(l, set->month, FM_LABELS, row->bucket, t->p, 1);
}

bool figures_from_decisions(figures_list *l, const vr_decision_set *set)
{
	const vr_month m = set->month;
	text t = { 0 };
	bool ok = true;
	for (size_t i = 0; ok && i < set->nrows; i++) {
		vr_decision_row buf;
		const vr_decision_row *row = vr_decision_at(set, i, &buf);
		ok = figures_add(l, m, FM_HOUSEHOLDS, row->bucket, "", 1) &&
		     (!row->reason[0] || figures_add(l, m, FM_EXCLUDED, "", row->reason, 1)) &&
		     (!row->overflowed_from[0] ||
		      figures_add(l, m, FM_OVERFLOWED_FROM, row->bucket, row->overflowed_from, 1)) &&
		     (row->place <= 0 || figures_add(l, m, FM_PLACES, row->bucket, "", 1)) &&
		     add_labels(l, set, row, &t);
	}
	free(t.p);
	return ok;
}

/* What only the program and alloc's counts give: every bucket and reason
 * of P listed (0 where nobody went), demand, capacity, the moves. */
static bool flows(figures_list *l, const run_result *r, const bc_program *p)
{
	const vr_month m = r->set.month;
	bool ok = figures_add(l, m, FM_HOUSEHOLDS, "excluded", "", 0);
	for (uint32_t i = 0; ok && i < p->nrules; i++) {
		const bc_rule *rule = &p->rules[i];
		/* Without a floor every signal is above it: no household is "not
		 * counted". A skip with a bucket excludes no one. */
		if (rule->kind == RULE_BUCKET || (rule->kind == RULE_SKIPPED && rule->bucket >= 0) ||
		    (rule->kind == RULE_NOT_COUNTED && p->floor_fn == BC_NONE))
			continue;
		ok = figures_add(l, m, FM_EXCLUDED, "", p->consts[rule->reason].text, 0);
	}
	for (uint32_t b = 0; ok && b < p->nbuckets; b++) {
		const bc_bucket *bk = &p->buckets[b];
		const alloc_flow *f = &r->buckets[b].flow;
		const char *name = p->consts[bk->name].text;
		ok = figures_add(l, m, FM_HOUSEHOLDS, name, "", 0) &&
		     figures_add(l, m, FM_DEMAND, name, "", f->by_rule);
		if (ok && bk->capacity >= 0)
			ok = figures_add(l, m, FM_CAPACITY, name, "", bk->capacity) &&
			     figures_add(l, m, FM_PLACES, name, "", 0);
		if (ok && bk->capacity >= 0 && bk->overflow >= 0)
			ok = figures_add(l, m, FM_TURNED_AWAY, name, p->consts[p->buckets[bk->overflow].name].text,
					 f->turned_away);
		if (ok && bk->without_phone >= 0)
			ok = figures_add(l, m, FM_REDIRECTED, name, p->consts[p->buckets[bk->without_phone].name].text,
					 f->redirected_no_phone);
		if (ok && bk->without_email >= 0)
			ok = figures_add(l, m, FM_REDIRECTED, name, p->consts[p->buckets[bk->without_email].name].text,
					 f->redirected_no_email);
		if (ok && bk->backfill_from >= 0)
			ok = figures_add(l, m, FM_BACKFILLED, p->consts[p->buckets[bk->backfill_from].name].text, name,
					 f->backfill_in);
	}
	return ok;
}

bool figures_from_run(figures_list *l, const run_result *r, const bc_program *p)
{
	return flows(l, r, p) && figures_from_decisions(l, &r->set);
}

bool figures_from_run_counts(figures_list *l, const run_result *r, const bc_program *p)
{
	const vr_month m = r->set.month;
	bool ok = flows(l, r, p) && figures_add(l, m, FM_HOUSEHOLDS, "excluded", "", r->excluded);
	for (uint32_t i = 0; ok && i < p->nrules; i++)
		/* A rule that sends no household to a bucket excludes them. */
		if (p->rules[i].bucket < 0 && r->per_rule[i])
			ok = figures_add(l, m, FM_EXCLUDED, "", p->consts[p->rules[i].reason].text, r->per_rule[i]);
	for (uint32_t b = 0; ok && b < p->nbuckets; b++) {
		const char *name = p->consts[p->buckets[b].name].text;
		const run_bucket_stats *st = &r->buckets[b];
		ok = figures_add(l, m, FM_HOUSEHOLDS, name, "", st->households) &&
		     (st->places_taken == 0 || figures_add(l, m, FM_PLACES, name, "", st->places_taken));
	}
	return ok;
}

/* The figures of list L as the store keeps them, those of group G (all
 * but the derived ones when G is negative), for run RUN_ID. */
static store_figure *to_store(const figures_list *l, int g, long long run_id, size_t *n)
{
	store_figure *f = malloc((l->n + 1) * sizeof *f);
	*n = 0;
	for (size_t i = 0; f && i < l->n; i++) {
		const figures_row *row = &l->v[i];
		const enum group rg = group_of(row->measure);
		if (rg == GROUP_DERIVED || (g >= 0 && (int)rg != g))
			continue;
		f[(*n)++] = (store_figure){ row->month, run_id, figures_measure_names[row->measure], row->bucket,
					    row->category, row->value };
	}
	return f;
}

enum store_status figures_record_run(store *s, long long run_id, const run_result *r,
				     const bc_program *p, diag *d)
{
	figures_list l;
	figures_list_init(&l);
	size_t n = 0;
	store_figure *f = figures_from_run(&l, r, p) ? to_store(&l, GROUP_DECISIONS, run_id, &n) : NULL;
	enum store_status st;
	if (!f) {
		diag_error(d, "out of memory counting the figures of the run");
		st = STORE_IO_ERROR;
	} else {
		st = store_insert_figures(s, f, n, d);
	}
	free(f);
	figures_list_free(&l);
	return st;
}

/* -------------------------------------------------------------- report -- */

/* What was frozen, per month of a report. */
typedef struct frozen {
	bool signals, decisions, outcomes;
} frozen;

typedef struct build_ctx {
	figures_report *r;
	frozen *frozen;
	bool bad, oom;
	char bad_measure[64];
} build_ctx;

static int measure_of(const char *name)
{
	for (int m = 0; m < FM_COUNT; m++)
		if (strcmp(figures_measure_names[m], name) == 0)
			return m;
	return -1;
}

static void on_frozen(const store_figure *f, void *arg)
{
	build_ctx *c = arg;
	figures_report *r = c->r;
	const int m = measure_of(f->measure);
	const size_t k = (size_t)(f->month - r->from);
	if (m < 0 || group_of((enum figures_measure)m) == GROUP_DERIVED) {
		c->bad = true;
		snprintf(c->bad_measure, sizeof c->bad_measure, "%s", f->measure);
		return;
	}
	const enum group g = group_of((enum figures_measure)m);
	if (f->run_id == 0) {
		if (g != GROUP_SIGNALS)
			return;
		c->frozen[k].signals = true;
	} else {
		/* Only the current run's; a superseded run's stay in the store. */
		if (!r->months[k].has_run || f->run_id != r->months[k].run_id || g == GROUP_SIGNALS)
			return;
		if (g == GROUP_OUTCOMES)
			c->frozen[k].outcomes = true;
		else
			c->frozen[k].decisions = true;
		if (m == FM_DEMAND)
			r->months[k].flows_known = true;
	}
	if (!figures_add(&r->rows, f->month, (enum figures_measure)m, f->bucket, f->category, f->value))
		c->oom = true;
}

static void on_signals(const store_month_signals *ms, void *arg)
{
	build_ctx *c = arg;
	figures_report *r = c->r;
	if (c->frozen[ms->month - r->from].signals)
		return;
	figures_list *l = &r->rows;
	const vr_month m = ms->month;
	long total = 0;
	bool ok = true;
	for (int i = 0; i < SECTOR_COUNT; i++) {
		ok = ok && figures_add(l, m, FM_SIGNALS, "", vr_sector_names[i], ms->signals[i]);
		total += ms->signals[i];
	}
	ok = ok && figures_add(l, m, FM_SIGNALS_TOTAL, "", "", total) &&
	     figures_add(l, m, FM_SIGNALLED_TOTAL, "", "", ms->households) &&
	     figures_add(l, m, FM_SIGNALLED, "", "new", ms->households - ms->returning) &&
	     figures_add(l, m, FM_SIGNALLED, "", "returning", ms->returning);
	for (size_t i = 0; ok && i < ms->ncreditors; i++)
		ok = figures_add(l, m, FM_SIGNALS_BY_CREDITOR, "", ms->creditors[i], ms->creditor_signals[i]);
	c->oom |= !ok;
}

typedef struct month_ctx {
	build_ctx *c;
	vr_month month;
} month_ctx;

static void on_decisions(const vr_decision_set *set, void *arg)
{
	build_ctx *c = arg;
	c->oom |= !figures_from_decisions(&c->r->rows, set);
}

static void on_outcomes(const char *bucket, int outcome, long households, void *arg)
{
	month_ctx *mc = arg;
	mc->c->oom |= !figures_add(&mc->c->r->rows, mc->month, FM_OUTCOME, bucket,
				   outcome < 0 ? NO_OUTCOME : vr_outcome_names[outcome], households);
}

/* Sorting rows: month, measure (the enum is in name order), bucket,
 * category, all in byte order. */
static int row_cmp(const void *a, const void *b)
{
	const figures_row *x = a, *y = b;
	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if (x->measure != y->measure)
		return x->measure < y->measure ? -1 : 1;
	const int c = strcmp(x->bucket, y->bucket);
	return c ? c : strcmp(x->category, y->category);
}

/* The shares, outcome rows for every outcome of a bucket with households,
 * and the run of each month. */
static bool add_derived(figures_report *r)
{
	figures_list *l = &r->rows;
	for (size_t k = 0; k < r->nmonths; k++) {
		const figures_month *fm = &r->months[k];
		char what[512];
		if (fm->has_run)
			snprintf(what, sizeof what, "%s%s%s (source %.12s)", fm->policy_name,
				 fm->policy_version[0] ? " version " : "", fm->policy_version, fm->source_sha256);
		else
			snprintf(what, sizeof what, "no run");
		if (!figures_add(l, fm->month, FM_RUN, "", what, fm->has_run ? fm->run_id : 0))
			return false;
	}
	/* The households rows, collected first: adding rows moves them. */
	const size_t n = l->n;
	for (size_t i = 0; i < n; i++) {
		const figures_row h = l->v[i];
		if (h.measure != FM_HOUSEHOLDS || h.value <= 0 || !r->months[h.month - r->from].has_run)
			continue;
		if (!figures_add(l, h.month, FM_OUTCOME, h.bucket, NO_OUTCOME, 0))
			return false;
		int64_t reached = 0;
		for (int o = 0; o < OUTCOME_COUNT; o++) {
			if (!figures_add(l, h.month, FM_OUTCOME, h.bucket, vr_outcome_names[o], 0))
				return false;
			if (figures_reached(o))
				reached += figures_find(l, h.month, FM_OUTCOME, h.bucket, vr_outcome_names[o])->value;
		}
		if (!figures_add(l, h.month, FM_REACHED_SHARE, h.bucket, "", reached))
			return false;
		figures_row *share = (figures_row *)figures_find(l, h.month, FM_REACHED_SHARE, h.bucket, "");
		share->of = h.value;
	}
	return true;
}

static bool is_count(enum figures_measure m)
{
	return m != FM_CAPACITY && m != FM_RUN && m != FM_REACHED_SHARE;
}

/* Withholds counts 1 .. MIN - 1, and a share one of whose counts is. */
static void suppress(figures_list *l, int min)
{
	for (size_t i = 0; i < l->n; i++) {
		figures_row *f = &l->v[i];
		f->withheld = is_count(f->measure) && f->value >= 1 && f->value < min;
	}
	for (size_t i = 0; i < l->n; i++) {
		figures_row *f = &l->v[i];
		if (f->measure != FM_REACHED_SHARE)
			continue;
		const figures_row *h = figures_find(l, f->month, FM_HOUSEHOLDS, f->bucket, "");
		f->withheld = h && h->withheld;
		for (int o = 0; o < OUTCOME_COUNT; o++) {
			const figures_row *x = figures_find(l, f->month, FM_OUTCOME, f->bucket, vr_outcome_names[o]);
			f->withheld |= figures_reached(o) && x && x->withheld;
		}
	}
}

static enum store_status build(store *s, vr_month from, vr_month to, int min_count, figures_report *r,
			       frozen **frozen_out, diag *d)
{
	memset(r, 0, sizeof *r);
	figures_list_init(&r->rows);
	r->from = from;
	r->to = to;
	r->min_count = min_count < 1 ? 1 : min_count;
	r->nmonths = (size_t)(to - from) + 1;
	r->months = calloc(r->nmonths, sizeof *r->months);
	frozen *fz = calloc(r->nmonths, sizeof *fz);
	build_ctx c = { r, fz, false, false, "" };
	if (!r->months || !fz) {
		free(fz);
		diag_error(d, "out of memory gathering the figures");
		return STORE_IO_ERROR;
	}
	enum store_status st = STORE_OK;
	for (size_t k = 0; k < r->nmonths && st == STORE_OK; k++) {
		figures_month *fm = &r->months[k];
		fm->month = from + (vr_month)k;
		store_run run;
		const int found = store_current_run(s, fm->month, &run, d);
		if (found < 0) {
			st = STORE_IO_ERROR;
		} else if (found == 1) {
			fm->has_run = true;
			fm->run_id = run.id;
			fm->policy_name = arena_strndup(&r->rows.strings, run.policy_name, strlen(run.policy_name));
			fm->policy_version = arena_strndup(&r->rows.strings, run.policy_version,
							   strlen(run.policy_version));
			fm->source_sha256 = arena_strndup(&r->rows.strings, run.source_sha256,
							  strlen(run.source_sha256));
		}
	}
	if (st == STORE_OK)
		st = store_read_figures(s, from, to, on_frozen, &c, d);
	if (st == STORE_OK && c.bad) {
		diag_error(d, "the store is damaged: a month figure has the measure `%s`", c.bad_measure);
		st = STORE_IO_ERROR;
	}
	/* The signals, in one pass over the months not frozen. */
	vr_month lo = to + 1, hi = from - 1;
	for (size_t k = 0; k < r->nmonths; k++)
		if (!fz[k].signals) {
			lo = lo > r->months[k].month ? r->months[k].month : lo;
			hi = r->months[k].month;
		}
	if (st == STORE_OK && lo <= hi)
		st = store_signal_figures(s, lo, hi, FIGURES_RETURNING_MONTHS, on_signals, &c, d);
	for (size_t k = 0; k < r->nmonths && st == STORE_OK && !c.oom; k++) {
		const figures_month *fm = &r->months[k];
		if (!fm->has_run)
			continue;
		if (!fz[k].decisions)
			st = store_read_decisions(s, fm->month, on_decisions, &c, d);
		if (st == STORE_OK && !fz[k].outcomes) {
			month_ctx mc = { &c, fm->month };
			st = store_outcome_figures(s, fm->run_id, vr_month_first_day(fm->month),
						   vr_month_first_day(fm->month + FIGURES_OUTCOME_MONTHS + 1) - 1,
						   on_outcomes, &mc, d);
		}
	}
	if (st == STORE_OK && !c.oom && add_derived(r)) {
		qsort(r->rows.v, r->rows.n, sizeof *r->rows.v, row_cmp);
		c.oom = !reindex(&r->rows, r->rows.nslots ? r->rows.nslots : 64);
	} else if (st == STORE_OK) {
		c.oom = true;
	}
	if (st == STORE_OK && c.oom) {
		diag_error(d, "out of memory gathering the figures");
		st = STORE_IO_ERROR;
	}
	if (st == STORE_OK)
		suppress(&r->rows, r->min_count);
	if (frozen_out && st == STORE_OK)
		*frozen_out = fz;
	else
		free(fz);
	return st;
}

enum store_status figures_report_build(store *s, vr_month from, vr_month to, int min_count,
				       figures_report *out, diag *d)
{
	if (to < from || to - from >= FIGURES_MAX_MONTHS) {
		diag_error(d, "a report covers 1 to %d months", FIGURES_MAX_MONTHS);
		memset(out, 0, sizeof *out);
		figures_list_init(&out->rows);
		return STORE_DATA_ERROR;
	}
	return build(s, from, to, min_count, out, NULL, d);
}

void figures_report_free(figures_report *r)
{
	free(r->months);
	figures_list_free(&r->rows);
	memset(r, 0, sizeof *r);
}

enum store_status figures_freeze(store *s, vr_month month, diag *d)
{
	return figures_freeze_some(s, month, FIGURES_ALL, d);
}

enum store_status figures_freeze_some(store *s, vr_month month, unsigned groups, diag *d)
{
	figures_report r;
	frozen *fz = NULL;
	enum store_status st = build(s, month, month, 1, &r, &fz, d);
	if (st != STORE_OK) {
		figures_report_free(&r);
		return st;
	}
	const figures_month *fm = &r.months[0];
	store_figure *f = malloc((r.rows.n + 1) * sizeof *f);
	size_t n = 0;
	for (size_t i = 0; f && i < r.rows.n; i++) {
		const figures_row *row = &r.rows.v[i];
		const enum group g = group_of(row->measure);
		const bool take = (g == GROUP_SIGNALS && !fz->signals && groups & FIGURES_SIGNALS) ||
				  (fm->has_run && g == GROUP_DECISIONS && !fz->decisions &&
				   groups & FIGURES_DECISIONS) ||
				  (fm->has_run && g == GROUP_OUTCOMES && !fz->outcomes && groups & FIGURES_OUTCOMES);
		if (take)
			f[n++] = (store_figure){ month, g == GROUP_SIGNALS ? 0 : fm->run_id,
						 figures_measure_names[row->measure], row->bucket, row->category,
						 row->value };
	}
	if (!f) {
		diag_error(d, "out of memory freezing the figures");
		st = STORE_IO_ERROR;
	} else if (n) {
		st = store_insert_figures(s, f, n, d);
	}
	free(f);
	free(fz);
	figures_report_free(&r);
	return st;
}

/* -------------------------------------------------------------- values -- */

/* VALUE / OF rounded to 10^-DIGITS, as "0.3333" (DIGITS 4) or, with
 * PERCENT, "33.3%" (DIGITS 3): integers only, so every platform prints the
 * same. */
static const char *share_text(int64_t value, int64_t of, int digits, bool percent, char *buf)
{
	int64_t scale = 1;
	for (int i = 0; i < digits; i++)
		scale *= 10;
	const int64_t q = of > 0 ? (value * scale * 2 + of) / (2 * of) : 0;
	if (percent)
		snprintf(buf, 32, "%lld.%lld%%", (long long)(q / 10), (long long)(q % 10));
	else
		snprintf(buf, 32, "%lld.%0*lld", (long long)(q / scale), digits, (long long)(q % scale));
	return buf;
}

const char *figures_value_text(const figures_row *f, int min_count, char *buf)
{
	if (f->withheld)
		snprintf(buf, 32, "<%d", min_count);
	else if (f->measure == FM_REACHED_SHARE)
		share_text(f->value, f->of, 4, false, buf);
	else
		snprintf(buf, 32, "%lld", (long long)f->value);
	return buf;
}

const char *figures_cell_text(const figures_row *f, int min_count, char *buf)
{
	if (!f)
		return "-";
	if (f->measure == FM_REACHED_SHARE && !f->withheld)
		return share_text(f->value, f->of, 3, true, buf);
	return figures_value_text(f, min_count, buf);
}

/* --------------------------------------------------------------- lines -- */

/* Where a measure's lines come in the trend: signals, then decisions,
 * then outcomes. */
static const enum figures_measure line_order[] = {
	FM_SIGNALS_TOTAL, FM_SIGNALS, FM_SIGNALS_BY_CREDITOR, FM_SIGNALLED_TOTAL, FM_SIGNALLED,
	FM_HOUSEHOLDS, FM_EXCLUDED, FM_CAPACITY, FM_PLACES, FM_DEMAND, FM_TURNED_AWAY, FM_REDIRECTED,
	FM_BACKFILLED, FM_OVERFLOWED_FROM, FM_LABEL, FM_LABELS, FM_OUTCOME, FM_REACHED_SHARE,
};

static int line_rank(enum figures_measure m)
{
	for (size_t i = 0; i < sizeof line_order / sizeof *line_order; i++)
		if (line_order[i] == m)
			return (int)i;
	return -1;   /* not a line: run */
}

/* A category's place: sectors and outcomes in their own order (no outcome
 * last), new before returning, the rest by name. */
static int category_rank(enum figures_measure m, const char *c)
{
	if (m == FM_SIGNALS)
		return vr_enum_lookup(vr_sector_names, SECTOR_COUNT, c, strlen(c));
	if (m == FM_OUTCOME) {
		const int o = vr_enum_lookup(vr_outcome_names, OUTCOME_COUNT, c, strlen(c));
		return o < 0 ? OUTCOME_COUNT : o;
	}
	if (m == FM_SIGNALLED)
		return strcmp(c, "new") == 0 ? 0 : 1;
	return 0;
}

static int line_cmp(const void *a, const void *b)
{
	const figures_row *x = *(const figures_row *const *)a, *y = *(const figures_row *const *)b;
	const int rx = line_rank(x->measure), ry = line_rank(y->measure);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	/* `excluded` after the buckets. */
	const bool ex = strcmp(x->bucket, "excluded") == 0, ey = strcmp(y->bucket, "excluded") == 0;
	if (ex != ey)
		return ex ? 1 : -1;
	int c = strcmp(x->bucket, y->bucket);
	if (c)
		return c;
	const int cx = category_rank(x->measure, x->category), cy = category_rank(y->measure, y->category);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	c = strcmp(x->category, y->category);
	if (c)
		return c;
	return x->month < y->month ? -1 : x->month > y->month;
}

bool figures_lines(const figures_report *r, figures_line **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const figures_row **rows = malloc((r->rows.n + 1) * sizeof *rows);
	figures_line *lines = malloc((r->rows.n + 1) * sizeof *lines);
	size_t nrows = 0, nlines = 0;
	bool ok = rows && lines;
	for (size_t i = 0; ok && i < r->rows.n; i++)
		if (line_rank(r->rows.v[i].measure) >= 0)
			rows[nrows++] = &r->rows.v[i];
	if (ok)
		qsort(rows, nrows, sizeof *rows, line_cmp);
	for (size_t i = 0; ok && i < nrows; i++) {
		const figures_row *f = rows[i];
		figures_line *last = nlines ? &lines[nlines - 1] : NULL;
		if (!last || last->measure != f->measure || strcmp(last->bucket, f->bucket) != 0 ||
		    strcmp(last->category, f->category) != 0) {
			last = &lines[nlines];
			*last = (figures_line){ f->measure, f->bucket, f->category,
						calloc(r->nmonths, sizeof *last->cells) };
			if (!last->cells) {
				ok = false;
				break;
			}
			nlines++;
		}
		last->cells[f->month - r->from] = f;
	}
	free(rows);
	if (!ok) {
		figures_lines_free(lines, nlines);
		return false;
	}
	*out = lines;
	*n = nlines;
	return true;
}

bool figures_line_says_something(const figures_line *l, size_t nmonths)
{
	if (l->measure != FM_OUTCOME || strcmp(l->category, NO_OUTCOME) == 0)
		return true;
	for (size_t k = 0; k < nmonths; k++)
		if (l->cells[k] && (l->cells[k]->value || l->cells[k]->withheld))
			return true;
	return false;
}

void figures_lines_free(figures_line *lines, size_t n)
{
	for (size_t i = 0; lines && i < n; i++)
		free((void *)lines[i].cells);
	free(lines);
}
