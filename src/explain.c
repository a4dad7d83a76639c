/* explain.c - one household's path through a policy, for the officer who
 * must answer "why this queue?": its signals and whether each counts (and
 * which floor or skip stops it), its facts and definitions, every rule tried
 * in order, and what capacity did (contracts in explain.h). The month is
 * evaluated once, since a household's place depends on all the others; then
 * each household is decided again on the plain VM with a trace of the rules,
 * which decides as the VM a run uses. Keys, ids, creditors, districts and
 * labels come from creditors' files or the store: they are shown escaped
 * (text.h), as is the policy's own text. */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "fields.h"
#include "path.h"
#include "text.h"
#include "vm.h"

typedef struct trace_ctx {
	bool tried[4096];
	bool applies[4096];
} trace_ctx;

static void on_rule(void *arg, uint32_t rule, bool applies)
{
	trace_ctx *t = arg;
	if (rule < 4096) {
		t->tried[rule] = true;
		t->applies[rule] = applies;
	}
}

/* Line LINE of TEXT, trimmed, into BUF. */
static const char *source_line(const char *text, size_t len, uint32_t line, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!text)
		return buf;
	const char *p = text, *end = text + len;
	for (uint32_t l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	size_t n = (size_t)(eol - p);
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void print_value(FILE *out, const bc_function *fn, vm_value x)
{
	char buf[24];
	if (x.text) {
		text_printf(out, "\"%s\"", x.text);
	} else if (x.num == VR_MISSING) {
		fputs("missing", out);
	} else if (fn->type == TY_BOOL) {
		fputs(x.num ? "yes" : "no", out);
	} else if (fn->type == TY_MONEY) {
		vr_cents_format(x.num, buf);
		fprintf(out, "EUR %s", buf);
	} else {
		fprintf(out, "%lld", (long long)x.num);
	}
}

static const char *status_text(enum vm_signal_status st)
{
	switch (st) {
	case VM_SIGNAL_HISTORY_COUNTED: return "earlier month, above the floor";
	case VM_SIGNAL_HISTORY_BELOW: return "earlier month, below the floor";
	case VM_SIGNAL_COUNTED: return "counted";
	case VM_SIGNAL_BELOW_FLOOR: return "not counted: fails a `count signal` floor";
	case VM_SIGNAL_SKIPPED: return "not counted: skipped";
	}
	return "?";
}

static void print_path(FILE *out, const bc_program *p, vm *v, const vr_household *h,
		       vr_month month, const char *text, size_t len, const run_result *r,
		       const alloc_trace *trace)
{
	trace_ctx *t = calloc(1, sizeof *t);
	if (!t)
		return;
	vm_set_trace(v, on_rule, t);
	vm_decision dec;
	vm_decide(v, h, month, &dec);
	vm_set_trace(v, NULL, NULL);
	char month_buf[8], day[11], euros[24], line[512];
	vr_month_format(month, month_buf);
	/* Keys, ids, creditors, districts and labels come from creditors' files
	 * or the store: shown escaped (text.h), as is the policy's own text. */
	text_printf(out, "Household %s, month %s, policy \"%s\" (%s)", h->key, month_buf, p->policy_name, p->source_name);
	fputs("\n\n", out);
	fprintf(out, "Signals (the run month and the %u before it):\n", p->lookback);
	/* Columns as wide as this household's longest id and creditor. */
	size_t id_width = 12, creditor_width = 16;
	for (size_t i = 0; i < h->nsignals; i++) {
		const size_t id = text_width(h->signals[i].signal_id);
		const size_t cr = text_width(h->signals[i].creditor);
		id_width = id > id_width ? id : id_width;
		creditor_width = cr > creditor_width ? cr : creditor_width;
	}
	for (size_t i = 0; i < h->nsignals; i++) {
		const vr_signal *s = &h->signals[i];
		uint32_t skip;
		const enum vm_signal_status st = vm_signal(v, i, &skip);
		vr_date_format(s->received, day);
		vr_cents_format(s->arrears, euros);
		fputs("  ", out);
		text_put_padded(out, s->signal_id, id_width);
		fprintf(out, " %s  ", day);
		text_put_padded(out, s->creditor, creditor_width);
		fprintf(out, " %-13s %10s  %s", vr_sector_names[s->sector], euros, status_text(st));
		/* Which of the `count signal` statements it fails. */
		const uint32_t floor = st == VM_SIGNAL_BELOW_FLOOR || st == VM_SIGNAL_HISTORY_BELOW
			? vm_floor_line(v, h, i) : 0;
		if (floor) {
			source_line(text, len, floor, line, sizeof line);
			text_printf(out, " (%s:%u%s%s)", p->source_name, floor, line[0] ? ": " : "", line);
		}
		if (st == VM_SIGNAL_SKIPPED)
			text_printf(out, " (\"%s\", %s:%u)", p->consts[p->rules[skip].reason].text, p->source_name,
				    p->rules[skip].line);
		fputc('\n', out);
	}
	if (h->noutcomes) {
		fprintf(out, "Outcomes:\n");
		for (size_t i = 0; i < h->noutcomes; i++) {
			vr_date_format(h->outcomes[i].date, day);
			fprintf(out, "  %s  %s\n", day, vr_outcome_names[h->outcomes[i].outcome]);
		}
	}
	vr_cents_format(dec.arrears, euros);
	fputc('\n', out);
	text_printf(out, "Household: arrears EUR %s (counted current signals), phone %s, e-mail %s, district \"%s\"",
		    euros, dec.has_phone ? "yes" : "no", dec.has_email ? "yes" : "no", dec.district);
	fputc('\n', out);
	if (p->ndefs) {
		fprintf(out, "\nDefinitions:\n");
		for (uint32_t i = 0; i < p->ndefs; i++) {
			const bc_function *fn = &p->fns[p->defs[i]];
			fprintf(out, "  %-20s = ", p->consts[fn->name].text);
			print_value(out, fn, vm_eval(v, p->defs[i]));
			fputc('\n', out);
		}
	}
	if (p->nparams) {
		fprintf(out, "\nNamed numbers:\n");
		for (uint32_t i = 0; i < p->nparams; i++) {
			const bc_param *q = &p->params[i];
			fprintf(out, "  %-20s = ", p->consts[q->name].text);
			if (q->kind == TY_MONEY) {
				vr_cents_format(q->value, euros);
				fprintf(out, "EUR %s", euros);
			} else {
				fprintf(out, "%lld", (long long)q->value);
			}
			fprintf(out, "%s\n", q->given ? " (set for this call)" : "");
		}
	}
	fprintf(out, "\nRules, in order (the first that applies decides):\n");
	for (uint32_t i = 0; i < p->nrules; i++) {
		const bc_rule *rule = &p->rules[i];
		const char *verdict;
		if (i == dec.rule)
			verdict = "DECIDES";
		else if (rule->kind == RULE_NOT_COUNTED || rule->kind == RULE_SKIPPED)
			verdict = "no";
		else if (!t->tried[i])
			verdict = "not tried";
		else
			verdict = t->applies[i] ? "yes" : "no";
		text_printf(out, "  %s:%-4u %-9s %s", p->source_name, rule->line, verdict,
			    rule->kind == RULE_NOT_COUNTED ? "(no current signal counted -> excluded \"not counted\")"
			    : source_line(text, len, rule->line, line, sizeof line));
		fputc('\n', out);
	}
	free(t);
	const bc_rule *rule = &p->rules[dec.rule];
	if (dec.bucket < 0) {
		fputc('\n', out);
		text_printf(out, "Decision: excluded, reason \"%s\" (%s:%u)", p->consts[rule->reason].text,
			    p->source_name, rule->line);
		fputc('\n', out);
		return;
	}
	const alloc_entry *e = NULL;
	for (size_t i = 0; r && i < r->n && !e; i++)
		if (strcmp(r->entries[i].household, h->key) == 0)
			e = &r->entries[i];
	fputc('\n', out);
	if (!e || !trace || trace->nsteps == 0) {
		fprintf(out, "Rule sends the household to: %s\n", p->consts[p->buckets[dec.bucket].name].text);
		return;
	}
	/* Every bucket it passed through, and why it left each. */
	const char **first = calloc(p->nbuckets + 1, sizeof *first);
	for (uint32_t b = 0; first && b < p->nbuckets; b++)
		first[b] = r->buckets[b].flow.first_district;
	path_print(out, p, e, trace, rule, first);
	free(first);
	const bc_bucket *final = &p->buckets[e->bucket];
	if (final->term_unit != CAL_NONE && dec.first_received != VR_DATE_NONE) {
		char due[11];
		vr_date_format(dec.first_received, day);
		vr_date_format(run_due(p, e->bucket, dec.first_received), due);
		fprintf(out, "Contact: %s within %u %s of %s (its earliest signal this month): due %s\n",
			p->consts[final->name].text, final->term,
			cal_unit_words((enum cal_unit)final->term_unit, final->term), day, due);
	}
	for (uint32_t l = 0; l < p->nlabels; l++) {
		text_printf(out, "Label %s: %s", p->consts[p->labels[l].name].text, dec.labels[l].text ? dec.labels[l].text : "");
		fputc('\n', out);
	}
}

struct explainer {
	store *s;
	const bc_program *p;
	vr_month month;
	const char *text;
	size_t len;
	vm *v;
	run_result r;
	alloc_trace trace;          /* the traced household's path (steps NULL: none) */
	store_cursor *holder;
	vr_decision_row row;
};

explainer *explain_new(store *s, const bc_program *p, vr_month month, const char *text,
		       size_t len, const char *traced, diag *d)
{
	explainer *e = calloc(1, sizeof *e);
	if (!e) {
		diag_error(d, "out of memory");
		return NULL;
	}
	*e = (explainer){ .s = s, .p = p, .month = month, .text = text, .len = len };
	/* The plain vm can tell which floor a signal fails (vm_floor_line). */
	if (!(e->v = vm_new_plain(p))) {
		diag_error(d, "out of memory");
		free(e);
		return NULL;
	}
	/* The path through the buckets is recorded as the month is allocated,
	 * for the one household whose path is printed. */
	if (traced) {
		e->trace.household = traced;
		e->trace.steps = malloc((p->nbuckets + 2) * sizeof *e->trace.steps);
	}
	if (!run_evaluate_traced(s, p, month, d, &e->r, e->trace.steps ? &e->trace : NULL)) {
		free(e->trace.steps);
		vm_free(e->v);
		free(e);
		return NULL;
	}
	return e;
}

/* The index of KEY among the evaluated households (in byte order), or -1. */
static long find(const run_result *r, const char *key)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		const size_t mid = lo + (hi - lo) / 2;
		const int c = strcmp(r->entries[mid].household, key);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int explain_household(explainer *e, const char *key, FILE *out, const vr_decision_row **row, diag *d)
{
	vr_household h;
	const int got = store_household(e->s, key, e->month, e->p->lookback, &e->holder, &h, d);
	if (got != 1)
		return got;
	const long i = find(&e->r, key);
	if (i < 0) {
		diag_error(d, "internal error: household %s is in the month but was not evaluated", key);
		return -1;
	}
	if (out)
		print_path(out, e->p, e->v, &h, e->month, e->text, e->len, &e->r,
			   e->trace.steps && strcmp(e->trace.household, key) == 0 ? &e->trace : NULL);
	*row = vr_decision_at(&e->r.set, (size_t)i, &e->row);
	return 1;
}

void explain_free(explainer *e)
{
	if (!e)
		return;
	if (e->holder)
		store_cursor_close(e->holder);
	run_result_free(&e->r);
	free(e->trace.steps);
	vm_free(e->v);
	free(e);
}

void explain_describe(FILE *out, const vr_decision_row *row)
{
	if (strcmp(row->bucket, "excluded") == 0)
		text_printf(out, "excluded, reason \"%s\"", row->reason);
	else
		text_put(out, row->bucket);
	if (row->overflowed_from[0])
		text_printf(out, ", overflowed from %s", row->overflowed_from);
	if (row->place > 0)
		fprintf(out, ", place %lld", (long long)row->place);
	text_printf(out, " (%s)", row->rule);
}

bool explain_same(const vr_decision_row *a, const vr_decision_row *b, size_t nlabels)
{
	if (strcmp(a->household, b->household) || strcmp(a->bucket, b->bucket) ||
	    strcmp(a->reason, b->reason) || strcmp(a->rule, b->rule) ||
	    strcmp(a->overflowed_from, b->overflowed_from) || a->arrears != b->arrears ||
	    a->place != b->place)
		return false;
	for (size_t l = 0; l < nlabels; l++)
		if (strcmp(a->labels[l], b->labels[l]))
			return false;
	return true;
}
