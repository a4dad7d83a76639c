/* sweep.c - the variants of a sweep and their evaluation (sweep.h).
 *
 * A variant is a copy of the program with its values set
 * (bc_program_copy, bc_program_set), decided through run.c's household-at-
 * a-time evaluation, the same code run_evaluate uses, so each variant's
 * decisions are those of `dry-run --set`. What differs is how the month is
 * read: once, in batches of households, each batch decided by every
 * deciding variant's vm while it is in memory.
 *
 * Variants whose deciding names (those the code reads) have the same
 * values make one class: its households are decided once, and each of its
 * variants is allocated from a copy of those decisions with its own
 * capacities (run_copy_decided). The first class of a read keeps a
 * compact entry per household of the month (run.h), the others only what
 * their values change (run_begin_shared: a rule, arrears and order keys
 * a household), each made whole in turn to be allocated; classes are
 * decided SWEEP_READ_GROUP at a time per read of the month, so memory stays
 * at that many months' entries however many variants are tried, at the
 * cost of a further read per group past the first. */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "vm.h"

void sweep_init(sweep *sw, const bc_program *p, vr_month from, vr_month to)
{
	memset(sw, 0, sizeof *sw);
	sw->program = p;
	sw->from = from;
	sw->to = to;
	sw->nvariants = 1;
}

void sweep_free(sweep *sw)
{
	for (size_t k = 0; k < sw->nnames; k++)
		free(sw->names[k].values);
	free(sw->names);
	for (size_t v = 0; sw->figures && v < sw->nvariants; v++)
		figures_list_free(&sw->figures[v]);
	free(sw->figures);
	memset(sw, 0, sizeof *sw);
}

const char *sweep_name_text(const sweep *sw, size_t k)
{
	const bc_program *p = sw->program;
	return p->consts[p->params[sw->names[k].param].name].text;
}

size_t sweep_value_index(const sweep *sw, size_t v, size_t k)
{
	/* Mixed radix, the last name the fastest digit. */
	for (size_t j = sw->nnames; j-- > k + 1;)
		v /= sw->names[j].nvalues;
	return v % sw->names[k].nvalues;
}

const char *sweep_value_text(const sweep *sw, size_t v, size_t k, char buf[32])
{
	const sweep_name *n = &sw->names[k];
	return bc_param_format_value(sw->program, n->param, n->values[sweep_value_index(sw, v, k)], buf);
}

/* Reads the comma-separated VALUES of named number I into NAME->values. */
static bool parse_values(const sweep *sw, uint32_t i, const char *values, sweep_name *name, diag *d)
{
	const size_t most = strlen(values) / 2 + 1;   /* commas + 1, at most */
	name->values = malloc(most * sizeof *name->values);
	if (!name->values) {
		diag_error(d, "out of memory");
		return false;
	}
	const char *pname = sw->program->consts[sw->program->params[i].name].text;
	for (const char *v = values;; v++) {
		const size_t len = strcspn(v, ",");
		char *one = strndup(v, len);
		int64_t value;
		const bool ok = one && bc_param_parse(sw->program, i, one, &value, d);
		if (!one)
			diag_error(d, "out of memory");
		free(one);
		if (!ok)
			return false;
		for (size_t j = 0; j < name->nvalues; j++)
			if (name->values[j] == value) {
				char text[32];
				diag_error(d, "--set %s=%s: %s is given twice", pname, values,
					   bc_param_format_value(sw->program, i, value, text));
				return false;
			}
		name->values[name->nvalues++] = value;
		v += len;
		if (!*v)
			return true;
	}
}

bool sweep_add(sweep *sw, const char *setting, diag *d)
{
	const char *eq = strchr(setting, '=');
	if (!eq || eq == setting) {
		diag_error(d, "--set `%s`: write NAME=VALUE,VALUE,..., e.g. --set floor=50,100,150", setting);
		return false;
	}
	char *pname = strndup(setting, (size_t)(eq - setting));
	if (!pname) {
		diag_error(d, "out of memory");
		return false;
	}
	const int i = bc_param_lookup(sw->program, pname, d);
	bool ok = i >= 0;
	for (size_t k = 0; ok && k < sw->nnames; k++)
		if (sw->names[k].param == (uint32_t)i) {
			diag_error(d, "--set %s is given twice: give its values in one --set, separated by commas", pname);
			ok = false;
		}
	if (ok && (strcmp(pname, "households") == 0 || strcmp(pname, "demand") == 0)) {
		diag_error(d, "--set %s: a sweep's CSV has a column `%s` of its own; give the named number another "
			   "name in the policy to sweep it", pname, pname);
		ok = false;
	}
	free(pname);
	if (!ok)
		return false;
	sweep_name name = { .param = (uint32_t)i, .decides = sw->program->params[i].konst != BC_NONE };
	if (!parse_values(sw, (uint32_t)i, eq + 1, &name, d)) {
		free(name.values);
		return false;
	}
	const size_t variants = sw->nvariants * name.nvalues;
	const long months = (long)(sw->to - sw->from) + 1;
	if (variants > SWEEP_MAX_VARIANTS) {
		diag_error(d, "a sweep tries at most %d variants (combinations of values); with %s these are %zu",
			   SWEEP_MAX_VARIANTS, setting, variants);
		free(name.values);
		return false;
	}
	if ((long)variants * months > SWEEP_MAX_EVALUATIONS) {
		diag_error(d, "a sweep evaluates at most %d variants x months; %zu variants over %ld months are %ld: "
			   "try fewer values or fewer months at a time", SWEEP_MAX_EVALUATIONS, variants, months,
			   (long)variants * months);
		free(name.values);
		return false;
	}
	sweep_name *names = realloc(sw->names, (sw->nnames + 1) * sizeof *names);
	if (!names) {
		diag_error(d, "out of memory");
		free(name.values);
		return false;
	}
	sw->names = names;
	sw->names[sw->nnames++] = name;
	sw->nvariants = variants;
	return true;
}

bool sweep_buckets(const sweep *sw, const char ***names, size_t *n)
{
	const bc_program *p = sw->program;
	const char **v = malloc((p->nbuckets + 1) * sizeof *v);
	if (!v)
		return false;
	/* Insertion in byte order: a policy has a handful of buckets. */
	size_t k = 0;
	for (uint32_t b = 0; b <= p->nbuckets; b++) {
		const char *name = b < p->nbuckets ? p->consts[p->buckets[b].name].text : "excluded";
		size_t at = k;
		while (at > 0 && strcmp(v[at - 1], name) > 0) {
			v[at] = v[at - 1];
			at--;
		}
		v[at] = name;
		k++;
	}
	*names = v;
	*n = k;
	return true;
}

/* ---- evaluation ------------------------------------------------------------- */

/* The class of variant V: the index of its deciding names' values, the
 * first such name the slowest digit. */
static size_t class_of(const sweep *sw, size_t v)
{
	size_t c = 0;
	for (size_t k = 0; k < sw->nnames; k++)
		if (sw->names[k].decides)
			c = c * sw->names[k].nvalues + sweep_value_index(sw, v, k);
	return c;
}

static size_t nclasses(const sweep *sw)
{
	size_t n = 1;
	for (size_t k = 0; k < sw->nnames; k++)
		if (sw->names[k].decides)
			n *= sw->names[k].nvalues;
	return n;
}

/* *OUT: the program with variant V's values. */
static bool variant_program(const sweep *sw, size_t v, bc_program *out, diag *d)
{
	if (!bc_program_copy(out, sw->program)) {
		diag_error(d, "out of memory");
		return false;
	}
	for (size_t k = 0; k < sw->nnames; k++) {
		const sweep_name *n = &sw->names[k];
		const char *name = sw->program->consts[sw->program->params[n->param].name].text;
		/* The values were read as the named number's kind: this holds. */
		if (!bc_program_set(out, name, n->values[sweep_value_index(sw, v, k)], d)) {
			bc_program_free(out);
			return false;
		}
	}
	return true;
}

/* One group of classes in one month: each class's program (that of its
 * first variant) and its evaluation. */
typedef struct group {
	size_t first, n;                   /* classes first .. first + n - 1 */
	size_t rep[SWEEP_READ_GROUP];      /* each class's first variant */
	size_t members[SWEEP_READ_GROUP];  /* each class's number of variants */
	bc_program prog[SWEEP_READ_GROUP];
	run_result eval[SWEEP_READ_GROUP];
	size_t nprog, neval;               /* made so far */
} group;

static void group_free(group *g)
{
	/* The first class keeps the households' keys and districts the
	 * others use: it goes last. */
	for (size_t i = g->neval; i-- > 0;)
		run_result_free(&g->eval[i]);
	for (size_t i = 0; i < g->nprog; i++)
		bc_program_free(&g->prog[i]);
	g->neval = g->nprog = 0;
}

/* Reads month M once and decides it for every class of G. */
static bool decide_month(sweep *sw, store *s, group *g, vr_month m, diag *d)
{
	for (size_t i = 0; i < g->n; i++) {
		if (!variant_program(sw, g->rep[i], &g->prog[i], d))
			return false;
		g->nprog++;
		/* The first class keeps the households; the others only what
		 * their values change (run_begin_shared). */
		if (!(i == 0 ? run_begin(&g->eval[0], &g->prog[0], m, d)
			     : run_begin_shared(&g->eval[i], &g->prog[i], &g->eval[0], d)))
			return false;
		g->neval++;
	}
	const bc_program *p = sw->program;
	store_cursor *cur = store_households(s, m, p->lookback, vm_reads(p), vm_history_reads(p), d);
	if (!cur)
		return false;
	sw->reads++;
	enum { BATCH = 32 };   /* as run_evaluate reads */
	vr_household batch[BATCH];
	int got = 0;
	bool ok = true;
	/* A batch is valid until the next is read (store.h): every class
	 * decides it now, one class after the other, so each vm's code and
	 * tables stay warm for the batch. */
	while (ok && (got = store_cursor_next_batch(cur, batch, BATCH)) > 0) {
		for (size_t i = 0; i < g->n && ok; i++)
			for (int k = 0; k < got && ok; k++)
				ok = run_add(&g->eval[i], &batch[k], d);
	}
	store_cursor_close(cur);
	return ok && got == 0;
}

typedef void each_fn(void *arg, size_t variant, const run_result *r, const bc_program *p);

/* Adds the figures of variant V's evaluation R (with program P). */
static bool count(sweep *sw, size_t v, const run_result *r, const bc_program *p, each_fn *each, void *arg, diag *d)
{
	if (!figures_from_run_counts(&sw->figures[v], r, p)) {
		diag_error(d, "out of memory");
		return false;
	}
	if (each)
		each(arg, v, r, p);
	return true;
}

/* Allocates and counts every variant of G's class I from its deciding. */
static bool allocate_class(sweep *sw, group *g, size_t i, each_fn *each, void *arg, diag *d)
{
	const size_t c = g->first + i;
	if (g->members[i] == 1) {
		const bool ok = run_finish(&g->eval[i], d) && count(sw, g->rep[i], &g->eval[i], &g->prog[i], each, arg, d);
		/* Done with: its memory serves the next class (the first class
		 * keeps the households the others take, and goes last). */
		if (i > 0)
			run_result_free(&g->eval[i]);
		return ok;
	}
	bool ok = true;
	for (size_t v = g->rep[i]; ok && v < sw->nvariants; v++) {
		if (class_of(sw, v) != c)
			continue;
		bc_program p;
		if (!variant_program(sw, v, &p, d))
			return false;
		run_result r;
		ok = run_copy_decided(&r, &g->eval[i], &p, d) && run_finish(&r, d) && count(sw, v, &r, &p, each, arg, d);
		run_result_free(&r);
		bc_program_free(&p);
	}
	if (i > 0)
		run_result_free(&g->eval[i]);
	return ok;
}

bool sweep_run(sweep *sw, store *s, each_fn *each, void *arg, diag *d)
{
	sw->figures = calloc(sw->nvariants, sizeof *sw->figures);
	group *g = malloc(sizeof *g);
	if (!sw->figures || !g) {
		free(g);
		diag_error(d, "out of memory");
		return false;
	}
	for (size_t v = 0; v < sw->nvariants; v++)
		figures_list_init(&sw->figures[v]);
	const size_t classes = nclasses(sw);
	bool ok = true;
	for (vr_month m = sw->from; ok && m <= sw->to; m++)
		for (size_t first = 0; ok && first < classes; first += SWEEP_READ_GROUP) {
			memset(g, 0, sizeof *g);
			g->first = first;
			g->n = classes - first < SWEEP_READ_GROUP ? classes - first : SWEEP_READ_GROUP;
			for (size_t v = 0; v < sw->nvariants; v++) {
				const size_t c = class_of(sw, v);
				if (c < first || c >= first + g->n)
					continue;
				if (g->members[c - first]++ == 0)
					g->rep[c - first] = v;
			}
			ok = decide_month(sw, s, g, m, d);
			for (size_t i = 0; ok && i < g->n; i++)
				ok = allocate_class(sw, g, i, each, arg, d);
			group_free(g);
		}
	free(g);
	return ok;
}
