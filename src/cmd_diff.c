/* cmd_diff.c - `vroeg diff`: evaluates two versions of a policy over the same
 * month and shows what changes: a matrix of households moving between
 * buckets, capacity use before and after, and the households that change.
 * CSV through the one writer (csvout.h); household keys in the table shown
 * escaped (text.h). `--set NAME=VALUE` changes named numbers of the new
 * version; with one policy, it is the old version as written and the new
 * one with the values set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvout.h"
#include "report.h"
#include "run.h"
#include "text.h"

static bool same_labels(const vr_decision_set *a, const vr_decision_row *ra,
			const vr_decision_set *b, const vr_decision_row *rb)
{
	/* Labels are compared by name: a label only one side has differs when
	 * the side that has it gives it a value. */
	for (size_t i = 0; i < a->nlabels; i++) {
		const char *other = "";
		for (size_t j = 0; j < b->nlabels; j++)
			if (strcmp(a->label_names[i], b->label_names[j]) == 0)
				other = rb->labels[j];
		if (strcmp(ra->labels[i], other) != 0)
			return false;
	}
	for (size_t j = 0; j < b->nlabels; j++) {
		bool found = false;
		for (size_t i = 0; i < a->nlabels; i++)
			found = found || strcmp(a->label_names[i], b->label_names[j]) == 0;
		if (!found && rb->labels[j][0])
			return false;
	}
	return true;
}

/* A row's due date as it is printed: none without a term. */
static vr_date due_of(const vr_decision_set *set, const vr_decision_row *r)
{
	return set->has_due ? r->due : VR_DATE_NONE;
}

static bool row_changed(const vr_decision_set *a, const vr_decision_row *ra,
			const vr_decision_set *b, const vr_decision_row *rb)
{
	return strcmp(ra->bucket, rb->bucket) != 0 || strcmp(ra->reason, rb->reason) != 0 ||
	       strcmp(ra->overflowed_from, rb->overflowed_from) != 0 || !same_labels(a, ra, b, rb) ||
	       due_of(a, ra) != due_of(b, rb);
}

/* The due date as text ("" without one) into BUF. */
static const char *due_text(const vr_decision_set *set, const vr_decision_row *r, char buf[11])
{
	buf[0] = '\0';
	if (due_of(set, r) != VR_DATE_NONE)
		vr_date_format(r->due, buf);
	return buf;
}

/* The fixed columns of the households that change: old_due and new_due
 * when either version has a contact term. */
static const char *const fixed[] = { "household", "old_bucket", "new_bucket", "old_reason",
				     "new_reason", "old_overflowed_from", "new_overflowed_from",
				     "old_due", "new_due" };

static size_t nfixed(const run_result *o, const run_result *n)
{
	return o->set.has_due || n->set.has_due ? 9 : 7;
}

/* Buckets in the order of first appearance: old policy's, then new ones. */
typedef struct names {
	const char *v[512];
	size_t n;
} names;

static size_t name_index(names *ns, const char *s)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], s) == 0)
			return i;
	if (ns->n < 512)
		ns->v[ns->n++] = s;
	return ns->n - 1;
}

static void print_csv(const run_result *o, const run_result *n)
{
	const size_t nf = nfixed(o, n);
	csvout *w = malloc(sizeof *w);
	if (!w)
		return;
	csvout_init(w, stdout);
	for (size_t c = 0; c < nf; c++)
		csvout_text(w, fixed[c]);
	for (int side = 0; side < 2; side++) {
		const vr_decision_set *set = side ? &n->set : &o->set;
		for (size_t l = 0; l < set->nlabels; l++) {
			char name[256];
			snprintf(name, sizeof name, "%s_%s", side ? "new" : "old", set->label_names[l]);
			csvout_text(w, name);
		}
	}
	csvout_end_row(w);
	for (size_t i = 0; i < o->set.nrows && i < n->set.nrows; i++) {
		vr_decision_row abuf, bbuf;
		const vr_decision_row *a = vr_decision_at(&o->set, i, &abuf);
		const vr_decision_row *b = vr_decision_at(&n->set, i, &bbuf);
		if (!row_changed(&o->set, a, &n->set, b))
			continue;
		char old_due[11], new_due[11];
		const char *f[9] = { a->household, a->bucket, b->bucket, a->reason, b->reason,
				     a->overflowed_from, b->overflowed_from, due_text(&o->set, a, old_due),
				     due_text(&n->set, b, new_due) };
		for (size_t c = 0; c < nf; c++)
			if (c < 7)
				csvout_text(w, f[c]);
			else if (f[c][0])
				csvout_number(w, f[c]);
			else
				csvout_empty(w);
		for (size_t l = 0; l < o->set.nlabels; l++)
			csvout_text(w, a->labels[l]);
		for (size_t l = 0; l < n->set.nlabels; l++)
			csvout_text(w, b->labels[l]);
		csvout_end_row(w);
	}
	csvout_flush(w);
	free(w);
}

static void print_json(const run_result *o, const run_result *n)
{
	const size_t nf = nfixed(o, n);
	for (size_t i = 0; i < o->set.nrows && i < n->set.nrows; i++) {
		vr_decision_row abuf, bbuf;
		const vr_decision_row *a = vr_decision_at(&o->set, i, &abuf);
		const vr_decision_row *b = vr_decision_at(&n->set, i, &bbuf);
		if (!row_changed(&o->set, a, &n->set, b))
			continue;
		char old_due[11], new_due[11];
		const char *f[9] = { a->household, a->bucket, b->bucket, a->reason, b->reason,
				     a->overflowed_from, b->overflowed_from, due_text(&o->set, a, old_due),
				     due_text(&n->set, b, new_due) };
		fputc('{', stdout);
		for (size_t c = 0; c < nf; c++) {
			if (c)
				fputc(',', stdout);
			report_json_string(stdout, fixed[c]);
			fputc(':', stdout);
			if (c >= 7 && !f[c][0])
				fputs("null", stdout);
			else
				report_json_string(stdout, f[c]);
		}
		for (int side = 0; side < 2; side++) {
			const run_result *r = side ? n : o;
			const vr_decision_row *row = side ? b : a;
			for (size_t l = 0; l < r->set.nlabels; l++) {
				printf(",\"%s_", side ? "new" : "old");
				fputs(r->set.label_names[l], stdout);
				fputs("\":", stdout);
				report_json_string(stdout, row->labels[l]);
			}
		}
		fputs("}\n", stdout);
	}
}

static void print_table(const run_result *o, const bc_program *po, const run_result *n, const bc_program *pn)
{
	names ns = { .n = 0 };
	for (uint32_t b = 0; b < po->nbuckets; b++)
		name_index(&ns, po->consts[po->buckets[b].name].text);
	for (uint32_t b = 0; b < pn->nbuckets; b++)
		name_index(&ns, pn->consts[pn->buckets[b].name].text);
	name_index(&ns, "excluded");
	const size_t k = ns.n;
	long *matrix = calloc(k * k + 1, sizeof *matrix);
	if (!matrix)
		return;
	size_t changed = 0;
	for (size_t i = 0; i < o->set.nrows && i < n->set.nrows; i++) {
		vr_decision_row abuf, bbuf;
		const vr_decision_row *a = vr_decision_at(&o->set, i, &abuf);
		const vr_decision_row *b = vr_decision_at(&n->set, i, &bbuf);
		matrix[name_index(&ns, a->bucket) * k + name_index(&ns, b->bucket)]++;
		changed += row_changed(&o->set, a, &n->set, b);
	}
	char month[8];
	vr_month_format(o->set.month, month);
	printf("%s: %zu of %zu households change decision.\n\n", month, changed, o->set.nrows);
	printf("Households by bucket, old (rows) to new (columns):\n%-20s", "");
	for (size_t c = 0; c < k; c++)
		printf(" %14.14s", ns.v[c]);
	putchar('\n');
	for (size_t r = 0; r < k; r++) {
		long row_total = 0;
		for (size_t c = 0; c < k; c++)
			row_total += matrix[r * k + c];
		if (!row_total)
			continue;
		printf("%-20.20s", ns.v[r]);
		for (size_t c = 0; c < k; c++)
			printf(" %14ld", matrix[r * k + c]);
		putchar('\n');
	}
	printf("\nCapacity use:\n%-20s %12s %12s %12s %12s\n", "bucket", "old places", "new places",
	       "old total", "new total");
	for (size_t b = 0; b + 1 < k; b++) {
		long op = 0, np = 0, ot = 0, nt = 0;
		char ocap[32] = "-", ncap[32] = "-";
		for (uint32_t x = 0; x < po->nbuckets; x++)
			if (strcmp(po->consts[po->buckets[x].name].text, ns.v[b]) == 0) {
				op = o->buckets[x].places_taken;
				ot = o->buckets[x].households;
				if (po->buckets[x].capacity >= 0)
					snprintf(ocap, sizeof ocap, "%ld/%lld", op, (long long)po->buckets[x].capacity);
			}
		for (uint32_t x = 0; x < pn->nbuckets; x++)
			if (strcmp(pn->consts[pn->buckets[x].name].text, ns.v[b]) == 0) {
				np = n->buckets[x].places_taken;
				nt = n->buckets[x].households;
				if (pn->buckets[x].capacity >= 0)
					snprintf(ncap, sizeof ncap, "%ld/%lld", np, (long long)pn->buckets[x].capacity);
			}
		printf("%-20.20s %12s %12s %12ld %12ld\n", ns.v[b], ocap, ncap, ot, nt);
	}
	free(matrix);
	if (!changed)
		return;
	printf("\nHouseholds that change:\n%-14s %-18s %-18s %s\n", "household", "old", "new", "new rule");
	for (size_t i = 0; i < o->set.nrows && i < n->set.nrows; i++) {
		vr_decision_row abuf, bbuf;
		const vr_decision_row *a = vr_decision_at(&o->set, i, &abuf);
		const vr_decision_row *b = vr_decision_at(&n->set, i, &bbuf);
		if (!row_changed(&o->set, a, &n->set, b))
			continue;
		char old_desc[160], new_desc[160], old_due[11], new_due[11];
		due_text(&o->set, a, old_due);
		due_text(&n->set, b, new_due);
		snprintf(old_desc, sizeof old_desc, "%s%s%s%s%s", a->bucket, a->overflowed_from[0] ? "<-" : "",
			 a->overflowed_from, old_due[0] ? " due " : "", old_due);
		snprintf(new_desc, sizeof new_desc, "%s%s%s%s%s", b->bucket, b->overflowed_from[0] ? "<-" : "",
			 b->overflowed_from, new_due[0] ? " due " : "", new_due);
		/* The household key is a creditor's text: shown escaped. */
		text_put_padded(stdout, a->household, 14);
		printf(" %-18s %-18s ", old_desc, new_desc);
		text_put(stdout, b->rule);
		putchar('\n');
	}
}

int cmd_diff(int argc, char **argv, diag *d)
{
	const char *db = NULL, *signals = NULL, *outcomes = NULL, *month_text = NULL, *format = "table";
	const cli_option opts[] = {
		{ "db", true, &db }, { "signals", true, &signals }, { "outcomes", true, &outcomes },
		{ "month", true, &month_text }, { "format", true, &format }, { "set", true, NULL },
		{ NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	enum report_format fmt;
	vr_month month;
	/* One policy with --set: as written (old) against the values set (new). */
	const bool one = a.npositional == 1 && a.many.n > 0;
	if (a.npositional != 2 && !one) {
		diag_error(d, "diff takes two policies, OLD and NEW (either may be - for standard input), "
			   "or one policy and --set NAME=VALUE\n%s", cli_usage("diff"));
		return EXIT_USAGE;
	}
	const char *old_path = a.positional[0], *new_path = one ? a.positional[0] : a.positional[1];
	if (strcmp(old_path, "-") == 0 && strcmp(new_path, "-") == 0) {
		diag_error(d, one ? "diff with one policy reads it twice: give its file, not - (standard input)"
			      : "only one of OLD and NEW can be read from standard input");
		return EXIT_USAGE;
	}
	if (!report_parse_format(format, &fmt)) {
		diag_error(d, "--format is table, csv or json");
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	bc_program po, pn;
	if (cli_load_policy(old_path, &po, d) != EXIT_OK)
		return EXIT_POLICY;
	/* The same file twice says its warnings once. */
	if (cli_load_policy_opt(new_path, &pn, d, !one) != EXIT_OK) {
		bc_program_free(&po);
		return EXIT_POLICY;
	}
	int rc = cli_apply_sets(&pn, &a.many, d);
	if (rc != EXIT_OK) {
		bc_program_free(&po);
		bc_program_free(&pn);
		return rc;
	}
	store *s = cli_dry_run_store(db, signals, outcomes, d, &rc);
	run_result ro, rn;
	if (s && run_evaluate(s, &po, month, d, &ro)) {
		if (run_evaluate(s, &pn, month, d, &rn)) {
			if (fmt == REPORT_TABLE)
				print_table(&ro, &po, &rn, &pn);
			else if (fmt == REPORT_CSV)
				print_csv(&ro, &rn);
			else
				print_json(&ro, &rn);
			run_result_free(&rn);
		} else {
			rc = EXIT_STORE;
		}
		run_result_free(&ro);
	} else if (s) {
		rc = EXIT_STORE;
	}
	if (s)
		store_close(s);
	bc_program_free(&po);
	bc_program_free(&pn);
	/* Exit 2 on an error in either policy; the store and the input files
	 * give the codes every command gives (a busy store is 4). */
	return rc;
}
