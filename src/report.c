/* report.c - output formats for decisions and the summary. CSV and JSON are
 * for tools: exact columns, stable order, byte-for-byte reproducible; CSV
 * cells are written by the one CSV writer (csvout.h). The table is for
 * people: aligned columns, amounts in euros, text shown escaped (text.h). */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "text.h"

bool report_parse_format(const char *s, enum report_format *out)
{
	if (strcmp(s, "table") == 0)
		*out = REPORT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = REPORT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = REPORT_JSON;
	else
		return false;
	return true;
}

void report_json_string(FILE *out, const char *s)
{
	/* Control characters (DEL and C1 too) and the layout characters text.h
	 * names as \u escapes, losing nothing; a byte that is not UTF-8 (only a
	 * store changed by hand holds one) as U+FFFD, so the line stays JSON. */
	const size_t len = strlen(s);
	fputc('"', out);
	size_t from = 0, i = 0;   /* s[from..i) waits to be written as it is */
	while (i < len) {
		const unsigned char c = (unsigned char)s[i];
		if (c != '"' && c != '\\' && (unsigned char)(c - 0x20) < 0x5f) {
			i++;
			continue;
		}
		enum text_kind kind = TEXT_PLAIN;
		uint32_t cp = c;
		const size_t n = c == '"' || c == '\\' ? 1 : text_char(s + i, len - i, &kind, &cp);
		if (kind == TEXT_PLAIN && n > 1) {
			i += n;   /* ordinary UTF-8 */
			continue;
		}
		fwrite(s + from, 1, i - from, out);
		if (kind == TEXT_PLAIN)
			fprintf(out, "\\%c", c);
		else if (kind == TEXT_NOT_UTF8)
			fputs("\\ufffd", out);
		else
			fprintf(out, "\\u%04x", (unsigned)cp);   /* all at or below U+2069 */
		i += n;
		from = i;
	}
	fwrite(s + from, 1, len - from, out);
	fputc('"', out);
}

static const char *const fixed_columns[] = { "month", "household", "bucket", "reason", "rule", "overflowed_from" };
enum { NFIXED = 6 };

/* The columns of SET: the fixed ones, the labels, place and arrears, and
 * `due` when the policy has a contact term. */
static size_t ncolumns(const vr_decision_set *set)
{
	return NFIXED + set->nlabels + 2 + (set->has_due ? 1 : 0);
}

/* Cell C of row R (C counts the fixed columns, the labels, then place,
 * arrears and due), or the column's name when R is NULL; numbers and dates
 * are written into NUM. */
static const char *cell(const vr_decision_set *set, const vr_decision_row *r, size_t c,
			const char *month, char num[24])
{
	if (c == NFIXED + set->nlabels + 2) {
		if (!r)
			return "due";
		if (r->due == VR_DATE_NONE)
			num[0] = '\0';
		else
			vr_date_format(r->due, num);
		return num;
	}
	if (c >= NFIXED + set->nlabels) {
		const bool place = c == NFIXED + set->nlabels;
		if (!r)
			return place ? "place" : "arrears";
		if (!place)
			vr_cents_format(r->arrears, num);
		else if (r->place > 0)
			snprintf(num, 24, "%lld", (long long)r->place);
		else
			num[0] = '\0';
		return num;
	}
	if (!r)
		return c >= NFIXED ? set->label_names[c - NFIXED] : fixed_columns[c];
	if (c >= NFIXED)
		return r->labels[c - NFIXED];
	const char *const fixed[NFIXED] = { month, r->household, r->bucket, r->reason, r->rule,
					    r->overflowed_from };
	return fixed[c];
}

static void csv_decisions(FILE *out, const vr_decision_set *set, const char *month, bool header)
{
	const size_t ncols = ncolumns(set);
	csvout *w = malloc(sizeof *w);
	if (!w)
		return;
	csvout_init(w, out);
	char num[24];
	for (size_t c = 0; header && c < ncols; c++)
		csvout_text(w, cell(set, NULL, c, month, num));
	if (header)
		csvout_end_row(w);
	for (size_t i = 0; i < set->nrows; i++) {
		vr_decision_row buf;
		const vr_decision_row *r = vr_decision_at(set, i, &buf);
		csvout_text_repeated(w, month);
		csvout_text(w, r->household);
		/* Bucket names, reasons and rule cites repeat on every row from a
		 * handful of strings. */
		csvout_text_repeated(w, r->bucket);
		csvout_text_repeated(w, r->reason);
		csvout_text_repeated(w, r->rule);
		csvout_text_repeated(w, r->overflowed_from);
		for (size_t l = 0; l < set->nlabels; l++)
			csvout_text(w, r->labels[l]);
		if (r->place > 0)
			csvout_int(w, r->place);
		else
			csvout_empty(w);
		csvout_cents(w, r->arrears);
		if (set->has_due && r->due != VR_DATE_NONE) {
			vr_date_format(r->due, num);
			csvout_number(w, num);
		} else if (set->has_due) {
			csvout_empty(w);
		}
		csvout_end_row(w);
	}
	csvout_flush(w);
	free(w);
}

static void json_decisions(FILE *out, const vr_decision_set *set, const char *month)
{
	const size_t ncols = ncolumns(set);
	const size_t place = NFIXED + set->nlabels, arrears = place + 1, due = place + 2;
	char num[24];
	for (size_t i = 0; i < set->nrows; i++) {
		vr_decision_row buf;
		const vr_decision_row *r = vr_decision_at(set, i, &buf);
		fputc('{', out);
		for (size_t c = 0; c < ncols; c++) {
			if (c)
				fputc(',', out);
			report_json_string(out, cell(set, NULL, c, month, num));
			fputc(':', out);
			const char *v = cell(set, r, c, month, num);
			if (c == place)       /* a number, or null without one */
				fputs(v[0] ? v : "null", out);
			else if (c == arrears)
				fputs(v, out);
			else if (c == due && !v[0])
				fputs("null", out);
			else
				report_json_string(out, v);
		}
		fputs("}\n", out);
	}
}

static void table_decisions(FILE *out, const vr_decision_set *set, const char *month)
{
	const size_t ncols = ncolumns(set);
	char num[24];
	/* The widest cell of each column; without memory for them, no padding.
	 * Row by row, so each decision row is made once a pass. */
	size_t *w = calloc(ncols, sizeof *w);
	for (size_t c = 0; w && c < ncols; c++)
		w[c] = text_width(cell(set, NULL, c, month, num));
	for (size_t i = 0; w && i < set->nrows; i++) {
		vr_decision_row buf;
		const vr_decision_row *r = vr_decision_at(set, i, &buf);
		for (size_t c = 0; c < ncols; c++) {
			const size_t cw = text_width(cell(set, r, c, month, num));
			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (size_t i = 0; i <= set->nrows; i++) {   /* the header, then the rows */
		vr_decision_row buf;
		const vr_decision_row *r = i ? vr_decision_at(set, i - 1, &buf) : NULL;
		/* No blanks at the end of a line: a row whose last cells are
		 * empty (no due date) ends at its last one that is not. */
		size_t last = ncols;
		while (last > 1 && !cell(set, r, last - 1, month, num)[0])
			last--;
		for (size_t c = 0; c < last; c++) {
			const char *v = cell(set, r, c, month, num);
			text_put_padded(out, v, c + 1 == last ? 0 : (w ? w[c] : text_width(v)) + 2);
		}
		fputc('\n', out);
	}
	free(w);
}

void report_decisions_more(FILE *out, const vr_decision_set *set, enum report_format fmt)
{
	char month[8];
	vr_month_format(set->month, month);
	if (fmt == REPORT_CSV)
		csv_decisions(out, set, month, false);
	else
		report_decisions(out, set, fmt);
}

void report_decisions(FILE *out, const vr_decision_set *set, enum report_format fmt)
{
	char month[8];
	vr_month_format(set->month, month);
	if (fmt == REPORT_CSV)
		csv_decisions(out, set, month, true);
	else if (fmt == REPORT_JSON)
		json_decisions(out, set, month);
	else
		table_decisions(out, set, month);
}

/* One move between buckets in the summary, when any household made it. */
static void summary_move(FILE *out, const bc_program *p, uint32_t from, int32_t to, long n,
			 const char *why, int w)
{
	if (n == 0 || to < 0)
		return;
	char path[160];
	snprintf(path, sizeof path, "%s -> %s", p->consts[p->buckets[from].name].text,
		 p->consts[p->buckets[to].name].text);
	fputs(path, out);
	for (int i = (int)text_width(path); i < w; i++)
		fputc(' ', out);
	fprintf(out, " %10ld  %s\n", n, why);
}

/* Whether the summary has a line for rule I. Without a floor every signal
 * is above it: no household is "not counted" (one whose signals are all
 * skipped has the skip's reason). */
static bool summary_shows_rule(const bc_program *p, uint32_t i)
{
	return p->rules[i].kind != RULE_NOT_COUNTED || p->floor_fn != BC_NONE;
}

/* The summary's lines after its first: the values set, the buckets (their
 * capacity CAPACITY_MONTHS times), the moves, the rules. */
static void summary_body(FILE *out, const bc_program *p, const run_bucket_stats *buckets, const long *per_rule,
			 const char *const *cites, long capacity_months)
{
	char euros[24];
	/* Values given with --set, so a summary never passes for the policy's own. */
	bool any = false;
	for (uint32_t i = 0; i < p->nparams; i++) {
		if (!p->params[i].given)
			continue;
		char set[256];
		bc_param_format(p, i, set, sizeof set);
		fprintf(out, "%s%s", any ? ", " : "Set for this evaluation: ", set);
		any = true;
	}
	if (any)
		fputc('\n', out);
	/* The bucket column as wide as the longest name. */
	int w = 6;
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const int n = (int)text_width(p->consts[p->buckets[b].name].text);
		w = n > w ? n : w;
	}
	/* Arrivals, then departures: for every bucket, households = by rule +
	 * ovfl in + redir in + bkfl in - no place - redir out - bkfl out. */
	fprintf(out, "\n%-*s %10s %9s %7s %8s %8s %9s %8s %9s %10s %9s %14s\n", w, "bucket", "households",
		"capacity", "places", "by rule", "ovfl in", "redir in", "bkfl in", "no place", "redir out",
		"bkfl out", "arrears");
	bool moved = false;
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const run_bucket_stats *s = &buckets[b];
		const alloc_flow *f = &s->flow;
		char cap[24];
		if (p->buckets[b].capacity < 0)
			strcpy(cap, "-");
		else
			snprintf(cap, sizeof cap, "%lld", (long long)p->buckets[b].capacity * capacity_months);
		vr_cents_format(s->arrears, euros);
		const char *name = p->consts[p->buckets[b].name].text;
		fputs(name, out);
		for (int i = (int)text_width(name); i < w; i++)
			fputc(' ', out);
		fprintf(out, " %10ld %9s %7ld %8ld %8ld %9ld %8ld %9ld %10ld %9ld %14s\n", s->households, cap,
			s->places_taken, f->by_rule, f->overflow_in, f->redirect_in, f->backfill_in, f->turned_away,
			f->redirected_no_phone + f->redirected_no_email, f->backfilled_away, euros);
		moved |= f->turned_away || f->redirected_no_phone || f->redirected_no_email || f->backfill_in;
	}
	if (moved) {
		/* Where the departures went: each move with its count. */
		int mw = 5;
		for (uint32_t b = 0; b < p->nbuckets; b++)
			for (uint32_t t = 0; t < p->nbuckets; t++) {
				const int n = (int)(text_width(p->consts[p->buckets[b].name].text) +
						    text_width(p->consts[p->buckets[t].name].text)) + 4;
				mw = n > mw ? n : mw;
			}
		fprintf(out, "\n%-*s %10s  %s\n", mw, "moves", "households", "why");
		for (uint32_t b = 0; b < p->nbuckets; b++) {
			const bc_bucket *bk = &p->buckets[b];
			const alloc_flow *f = &buckets[b].flow;
			summary_move(out, p, b, bk->overflow, f->turned_away, "no place (overflow)", mw);
			summary_move(out, p, b, bk->without_phone, f->redirected_no_phone, "no phone (redirect)", mw);
			summary_move(out, p, b, bk->without_email, f->redirected_no_email, "no e-mail (redirect)", mw);
			if (bk->backfill_from >= 0)
				summary_move(out, p, (uint32_t)bk->backfill_from, (int32_t)b, f->backfill_in,
					     "spare place (back-fill)", mw);
		}
	}
	/* The rule column as wide as the widest FILE:LINE as shown (a policy
	 * may be named by a long absolute path, in any script), at least as
	 * wide as a short relative one. */
	size_t rw = 28;
	for (uint32_t i = 0; i < p->nrules; i++) {
		const size_t n = summary_shows_rule(p, i) ? text_width(cites[i]) : 0;
		rw = n > rw ? n : rw;
	}
	fputc('\n', out);
	text_put_padded(out, "rule", rw);
	fprintf(out, " %10s  %s\n", "households", "decides");
	for (uint32_t i = 0; i < p->nrules; i++) {
		if (!summary_shows_rule(p, i))
			continue;
		const bc_rule *rule = &p->rules[i];
		/* A bucket rule's bucket, or a skip's when it gives one. */
		const bool to_bucket = rule->kind == RULE_BUCKET || (rule->kind == RULE_SKIPPED && rule->bucket >= 0);
		const char *what = to_bucket ? p->consts[p->buckets[rule->bucket].name].text : p->consts[rule->reason].text;
		text_put_padded(out, cites[i], rw);
		fprintf(out, " %10ld  %s", per_rule[i], to_bucket ? "-> " : "excluded: ");
		text_put(out, what);
		fputc('\n', out);
	}
}

void report_summary(FILE *out, const run_result *r, const bc_program *p)
{
	char month[8];
	vr_month_format(r->set.month, month);
	/* The policy's name, version, reasons and file name are its author's
	 * text: shown escaped like any other (text.h). Bucket names are
	 * identifiers. */
	text_printf(out, "Policy %s%s%s, month %s: %ld households triaged, %ld excluded.",
		    p->policy_name, p->policy_version[0] ? " version " : "", p->policy_version, month,
		    r->triaged, r->excluded);
	fputc('\n', out);
	summary_body(out, p, r->buckets, r->per_rule, r->rule_cites, 1);
}

void report_summary_range(FILE *out, const run_sum *s)
{
	const bc_program *p = s->program;
	char from[8], to[8];
	vr_month_format(s->from, from);
	vr_month_format(s->to, to);
	text_printf(out, "Policy %s%s%s, months %s..%s together (%ld months): %ld households triaged, %ld excluded.",
		    p->policy_name, p->policy_version[0] ? " version " : "", p->policy_version, from, to,
		    s->months, s->triaged, s->excluded);
	fputc('\n', out);
	summary_body(out, p, s->buckets, s->per_rule, s->rule_cites, s->months);
}
