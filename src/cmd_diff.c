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

/* The households that change, one row each; with a range (MONTH_COLUMN),
 * each row begins with its month, and only the first month (HEADER) has
 * the header row. */
static void print_csv(const run_result *o, const run_result *n, bool month_column, bool header)
{
	const size_t nf = nfixed(o, n);
	csvout *w = malloc(sizeof *w);
	if (!w)
		return;
	csvout_init(w, stdout);
	char month[8];
	vr_month_format(o->set.month, month);
	if (month_column && header)
		csvout_text(w, "month");
	for (size_t c = 0; header && c < nf; c++)
		csvout_text(w, fixed[c]);
	for (int side = 0; header && side < 2; side++) {
		const vr_decision_set *set = side ? &n->set : &o->set;
		for (size_t l = 0; l < set->nlabels; l++) {
			char name[256];
			snprintf(name, sizeof name, "%s_%s", side ? "new" : "old", set->label_names[l]);
			csvout_text(w, name);
		}
	}
	if (header)
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
		if (month_column)
			csvout_text_repeated(w, month);
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

static void print_json(const run_result *o, const run_result *n, bool month_column)
{
	const size_t nf = nfixed(o, n);
	char month[8];
	vr_month_format(o->set.month, month);
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
		if (month_column) {
			fputs("\"month\":", stdout);
			report_json_string(stdout, month);
		}
		for (size_t c = 0; c < nf; c++) {
			if (c || month_column)
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

/* What the table counts, in a month or over the months of a range:
 * households from each old bucket to each new one, and capacity use. */
typedef struct counts {
	names ns;                /* the old version's buckets, then the new one's, then excluded */
	long *matrix;            /* ns.n x ns.n: old (row) to new (column) */
	long *places[2], *total[2];   /* per name: places taken and households, old [0] and new [1] */
	size_t changed, rows;
	long months;
	vr_month from, to;
} counts;

static bool counts_init(counts *c, const bc_program *po, const bc_program *pn)
{
	memset(c, 0, sizeof *c);
	for (uint32_t b = 0; b < po->nbuckets; b++)
		name_index(&c->ns, po->consts[po->buckets[b].name].text);
	for (uint32_t b = 0; b < pn->nbuckets; b++)
		name_index(&c->ns, pn->consts[pn->buckets[b].name].text);
	name_index(&c->ns, "excluded");
	const size_t k = c->ns.n;
	c->matrix = calloc(k * k + 1, sizeof *c->matrix);
	for (int side = 0; side < 2; side++) {
		c->places[side] = calloc(k + 1, sizeof *c->places[side]);
		c->total[side] = calloc(k + 1, sizeof *c->total[side]);
	}
	return c->matrix && c->places[0] && c->places[1] && c->total[0] && c->total[1];
}

static void counts_free(counts *c)
{
	free(c->matrix);
	for (int side = 0; side < 2; side++) {
		free(c->places[side]);
		free(c->total[side]);
	}
}

/* Adds the month O (evaluated with PO) and N (with PN) to C. */
static void count_month(counts *c, const run_result *o, const bc_program *po, const run_result *n,
			const bc_program *pn)
{
	const size_t k = c->ns.n;
	for (size_t i = 0; i < o->set.nrows && i < n->set.nrows; i++) {
		vr_decision_row abuf, bbuf;
		const vr_decision_row *a = vr_decision_at(&o->set, i, &abuf);
		const vr_decision_row *b = vr_decision_at(&n->set, i, &bbuf);
		c->matrix[name_index(&c->ns, a->bucket) * k + name_index(&c->ns, b->bucket)]++;
		c->changed += row_changed(&o->set, a, &n->set, b);
	}
	c->rows += o->set.nrows;
	for (int side = 0; side < 2; side++) {
		const bc_program *p = side ? pn : po;
		const run_result *r = side ? n : o;
		for (uint32_t x = 0; x < p->nbuckets; x++) {
			const size_t at = name_index(&c->ns, p->consts[p->buckets[x].name].text);
			c->places[side][at] += r->buckets[x].places_taken;
			c->total[side][at] += r->buckets[x].households;
		}
	}
	if (c->months++ == 0)
		c->from = o->set.month;
	c->to = o->set.month;
}

/* The matrix and the capacity use of C; a capacity counts once a month. */
static void print_counts(const counts *c, const bc_program *po, const bc_program *pn)
{
	const size_t k = c->ns.n;
	printf("Households by bucket, old (rows) to new (columns):\n%-20s", "");
	for (size_t col = 0; col < k; col++)
		printf(" %14.14s", c->ns.v[col]);
	putchar('\n');
	for (size_t r = 0; r < k; r++) {
		long row_total = 0;
		for (size_t col = 0; col < k; col++)
			row_total += c->matrix[r * k + col];
		if (!row_total)
			continue;
		printf("%-20.20s", c->ns.v[r]);
		for (size_t col = 0; col < k; col++)
			printf(" %14ld", c->matrix[r * k + col]);
		putchar('\n');
	}
	printf("\nCapacity use:\n%-20s %12s %12s %12s %12s\n", "bucket", "old places", "new places",
	       "old total", "new total");
	for (size_t b = 0; b + 1 < k; b++) {
		char cap[2][32] = { "-", "-" };
		for (int side = 0; side < 2; side++) {
			const bc_program *p = side ? pn : po;
			for (uint32_t x = 0; x < p->nbuckets; x++)
				if (strcmp(p->consts[p->buckets[x].name].text, c->ns.v[b]) == 0 && p->buckets[x].capacity >= 0)
					snprintf(cap[side], sizeof cap[side], "%ld/%lld", c->places[side][b],
						 (long long)p->buckets[x].capacity * c->months);
		}
		printf("%-20.20s %12s %12s %12ld %12ld\n", c->ns.v[b], cap[0], cap[1], c->total[0][b], c->total[1][b]);
	}
}

/* The households of month O / N that change. */
static void print_changes(const run_result *o, const run_result *n)
{
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

/* One month's table: what changes, capacity use, the households. */
static bool print_table(const run_result *o, const bc_program *po, const run_result *n, const bc_program *pn)
{
	counts c;
	if (!counts_init(&c, po, pn)) {
		counts_free(&c);
		return false;
	}
	count_month(&c, o, po, n, pn);
	char month[8];
	vr_month_format(o->set.month, month);
	printf("%s: %zu of %zu households change decision.\n\n", month, c.changed, c.rows);
	print_counts(&c, po, pn);
	if (c.changed)
		print_changes(o, n);
	counts_free(&c);
	return true;
}

/* The months of a range together. */
static void print_total(const counts *c, const bc_program *po, const bc_program *pn)
{
	char from[8], to[8];
	vr_month_format(c->from, from);
	vr_month_format(c->to, to);
	printf("%s..%s together (%ld months): %zu of %zu household decisions change.\n\n", from, to, c->months,
	       c->changed, c->rows);
	print_counts(c, po, pn);
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
	vr_month from, to;
	bool range;
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
	if (!cli_month_range(month_text, "a diff", &from, &to, &range, d))
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
	/* A purge cuts every month before a month: the first of a range says,
	 * for the policy that looks farther back. */
	const int lookback = po.lookback > pn.lookback ? po.lookback : pn.lookback;
	if (s && (rc = cli_refuse_purged(s, from, lookback, d)) != EXIT_OK) {
		store_close(s);
		s = NULL;
	}
	counts total;
	if (s && range && !counts_init(&total, &po, &pn)) {
		diag_error(d, "out of memory");
		rc = EXIT_STORE;
	}
	/* Each month as a diff of that month alone; a range adds the months
	 * together. */
	for (vr_month m = from; s && m <= to && rc == EXIT_OK; m++) {
		run_result ro, rn;
		if (!run_evaluate(s, &po, m, d, &ro)) {
			rc = EXIT_STORE;
			break;
		}
		if (!run_evaluate(s, &pn, m, d, &rn)) {
			run_result_free(&ro);
			rc = EXIT_STORE;
			break;
		}
		if (fmt == REPORT_TABLE) {
			if (m != from)
				putchar('\n');
			if (!print_table(&ro, &po, &rn, &pn)) {
				diag_error(d, "out of memory");
				rc = EXIT_STORE;
			}
			if (range)
				count_month(&total, &ro, &po, &rn, &pn);
		} else if (fmt == REPORT_CSV) {
			print_csv(&ro, &rn, range, m == from);
		} else {
			print_json(&ro, &rn, range);
		}
		run_result_free(&rn);
		run_result_free(&ro);
	}
	if (s && range && rc == EXIT_OK && fmt == REPORT_TABLE) {
		putchar('\n');
		print_total(&total, &po, &pn);
	}
	if (s && range)
		counts_free(&total);
	if (s)
		store_close(s);
	bc_program_free(&po);
	bc_program_free(&pn);
	/* Exit 2 on an error in either policy; the store and the input files
	 * give the codes every command gives (a busy store is 4). */
	return rc;
}
