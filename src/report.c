/* report.c - output formats for decisions and the summary. CSV and JSON are
 * for tools: exact columns, stable order, byte-for-byte reproducible. The
 * table is for people: aligned columns, amounts in euros. */
#include "report.h"

#include <string.h>

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

void report_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n;")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Display width of UTF-8 text: one column per code point. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void pad(FILE *out, const char *s, size_t w)
{
	fputs(s, out);
	for (size_t i = width(s); i < w; i++)
		fputc(' ', out);
}

static const char *const fixed_columns[] = { "month", "household", "bucket", "reason", "rule", "overflowed_from" };
enum { NFIXED = 6 };

static void row_fields(const vr_decision_set *set, size_t i, const char **f, char *month,
		       char *place, char *arrears)
{
	const vr_decision_row *r = &set->rows[i];
	f[0] = month;
	f[1] = r->household;
	f[2] = r->bucket;
	f[3] = r->reason;
	f[4] = r->rule;
	f[5] = r->overflowed_from;
	for (size_t l = 0; l < set->nlabels; l++)
		f[NFIXED + l] = r->labels[l];
	if (r->place > 0)
		snprintf(place, 24, "%lld", (long long)r->place);
	else
		place[0] = '\0';
	vr_cents_format(r->arrears, arrears);
	f[NFIXED + set->nlabels] = place;
	f[NFIXED + set->nlabels + 1] = arrears;
}

void report_decisions(FILE *out, const vr_decision_set *set, enum report_format fmt)
{
	char month[8];
	vr_month_format(set->month, month);
	const size_t ncols = NFIXED + set->nlabels + 2;
	const char *head[NFIXED + 64 + 2];
	const char *f[NFIXED + 64 + 2];
	const size_t nl = set->nlabels > 64 ? 64 : set->nlabels;
	for (size_t c = 0; c < NFIXED; c++)
		head[c] = fixed_columns[c];
	for (size_t l = 0; l < nl; l++)
		head[NFIXED + l] = set->label_names[l];
	head[NFIXED + nl] = "place";
	head[NFIXED + nl + 1] = "arrears";
	char place[24], arrears[24];

	if (fmt == REPORT_CSV) {
		for (size_t c = 0; c < ncols; c++) {
			if (c)
				fputc(',', out);
			report_csv_field(out, head[c]);
		}
		fputc('\n', out);
		for (size_t i = 0; i < set->nrows; i++) {
			row_fields(set, i, f, month, place, arrears);
			for (size_t c = 0; c < ncols; c++) {
				if (c)
					fputc(',', out);
				report_csv_field(out, f[c]);
			}
			fputc('\n', out);
		}
		return;
	}
	if (fmt == REPORT_JSON) {
		for (size_t i = 0; i < set->nrows; i++) {
			row_fields(set, i, f, month, place, arrears);
			fputc('{', out);
			for (size_t c = 0; c < ncols; c++) {
				if (c)
					fputc(',', out);
				report_json_string(out, head[c]);
				fputc(':', out);
				if (c == ncols - 2)
					fputs(set->rows[i].place > 0 ? place : "null", out);
				else if (c == ncols - 1)
					fputs(arrears, out);
				else
					report_json_string(out, f[c]);
			}
			fputs("}\n", out);
		}
		return;
	}
	size_t w[NFIXED + 64 + 2];
	for (size_t c = 0; c < ncols; c++)
		w[c] = width(head[c]);
	for (size_t i = 0; i < set->nrows; i++) {
		row_fields(set, i, f, month, place, arrears);
		for (size_t c = 0; c < ncols; c++)
			if (width(f[c]) > w[c])
				w[c] = width(f[c]);
	}
	for (size_t c = 0; c < ncols; c++) {
		pad(out, head[c], c + 1 < ncols ? w[c] + 2 : 0);
	}
	fputc('\n', out);
	for (size_t i = 0; i < set->nrows; i++) {
		row_fields(set, i, f, month, place, arrears);
		for (size_t c = 0; c < ncols; c++)
			pad(out, f[c], c + 1 < ncols ? w[c] + 2 : 0);
		fputc('\n', out);
	}
}

void report_summary(FILE *out, const run_result *r, const bc_program *p)
{
	char month[8], euros[24];
	vr_month_format(r->set.month, month);
	fprintf(out, "Policy %s%s%s, month %s: %ld households triaged, %ld excluded.\n",
		p->policy_name, p->policy_version[0] ? " version " : "", p->policy_version, month,
		r->triaged, r->excluded);
	fprintf(out, "\n%-22s %10s %9s %7s %8s %8s %8s %8s %8s %14s\n", "bucket", "households", "capacity",
		"places", "by rule", "redirect", "backfill", "ovfl in", "ovfl out", "arrears");
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const run_bucket_stats *s = &r->buckets[b];
		char cap[24];
		if (p->buckets[b].capacity < 0)
			strcpy(cap, "-");
		else
			snprintf(cap, sizeof cap, "%lld", (long long)p->buckets[b].capacity);
		vr_cents_format(s->arrears, euros);
		/* by rule: sent here by a rule (some may leave by redirect, back-fill
		 * or overflow); redirect, backfill, ovfl in: how others arrived. */
		fprintf(out, "%-22s %10ld %9s %7ld %8ld %8ld %8ld %8ld %8ld %14s\n", p->consts[p->buckets[b].name].text,
			s->households, cap, s->places_taken, s->by_rule, s->redirected_in, s->backfilled_in,
			s->overflow_in, s->overflow_out, euros);
	}
	fprintf(out, "\n%-28s %10s  %s\n", "rule", "households", "decides");
	for (uint32_t i = 0; i < p->nrules; i++) {
		const bc_rule *rule = &p->rules[i];
		/* Without a floor or a skip every signal counts: no such exclusion. */
		if (rule->kind == RULE_NOT_COUNTED && p->floor_fn == BC_NONE && p->nskips == 0)
			continue;
		const char *what = rule->kind == RULE_BUCKET ? p->consts[p->buckets[rule->bucket].name].text
							     : p->consts[rule->reason].text;
		fprintf(out, "%-28s %10ld  %s%s\n", run_rule_cite(r, i), r->per_rule[i],
			rule->kind == RULE_BUCKET ? "-> " : "excluded: ", what);
	}
}
