/* sweep_text.c - a sweep's figures as CSV (data-contract.md section 7: the
 * swept names, then month,bucket,households,demand; one row per variant,
 * month and bucket, in that order, buckets by name in byte order), as JSON
 * lines (the same rows with the other figures: capacity, places, where
 * households went, exclusions per reason), or as a table for a terminal (a
 * block per variant, a column per month). Text cells go through the one
 * CSV writer (csvout.h), JSON strings through report_json_string, the
 * table's text through text.h. */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "report.h"
#include "text.h"

/* A figure's value, 0 when there is none. */
static int64_t figure(const figures_list *l, vr_month m, enum figures_measure measure, const char *bucket,
		      const char *category)
{
	const figures_row *f = figures_find(l, m, measure, bucket, category);
	return f ? f->value : 0;
}

/* What the rules sent to BUCKET: for `excluded`, every household excluded. */
static int64_t demand(const figures_list *l, vr_month m, const char *bucket)
{
	const bool excluded = strcmp(bucket, "excluded") == 0;
	return figure(l, m, excluded ? FM_HOUSEHOLDS : FM_DEMAND, bucket, "");
}

/* Each name's value in variant V, as text, into VALUES (32 bytes each). */
static void value_texts(const sweep *sw, size_t v, char (*values)[32])
{
	for (size_t k = 0; k < sw->nnames; k++)
		sweep_value_text(sw, v, k, values[k]);
}

static bool write_csv(FILE *out, const sweep *sw)
{
	const char **buckets;
	size_t nb;
	char (*values)[32] = calloc(sw->nnames + 1, sizeof *values);
	csvout *w = malloc(sizeof *w);
	if (!values || !w || !sweep_buckets(sw, &buckets, &nb)) {
		free(values);
		free(w);
		return false;
	}
	csvout_init(w, out);
	for (size_t k = 0; k < sw->nnames; k++)
		csvout_text(w, sweep_name_text(sw, k));
	static const char *const columns[] = { "month", "bucket", "households", "demand" };
	for (size_t c = 0; c < 4; c++)
		csvout_text(w, columns[c]);
	csvout_end_row(w);
	char month[8];
	for (size_t v = 0; v < sw->nvariants; v++) {
		value_texts(sw, v, values);
		const figures_list *l = &sw->figures[v];
		for (vr_month m = sw->from; m <= sw->to; m++) {
			vr_month_format(m, month);
			for (size_t b = 0; b < nb; b++) {
				for (size_t k = 0; k < sw->nnames; k++)
					csvout_number(w, values[k]);
				csvout_text(w, month);
				csvout_text_repeated(w, buckets[b]);
				csvout_int(w, figure(l, m, FM_HOUSEHOLDS, buckets[b], ""));
				csvout_int(w, demand(l, m, buckets[b]));
				csvout_end_row(w);
			}
		}
	}
	csvout_flush(w);
	free(w);
	free(values);
	free(buckets);
	return true;
}

/* The program's bucket named NAME, or NULL (`excluded`). */
static const bc_bucket *bucket_named(const bc_program *p, const char *name)
{
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (strcmp(p->consts[p->buckets[b].name].text, name) == 0)
			return &p->buckets[b];
	return NULL;
}

static const char *bucket_name(const bc_program *p, int32_t b)
{
	return p->consts[p->buckets[b].name].text;
}

/* `"KEY":{"TO":N,...}` for the figures of MEASURE from BUCKET to each of
 * the TARGETS (-1: none), with CATEGORY_IS_TARGET; back-fill is counted at
 * its source, so its key is the source. */
static void json_moves(FILE *out, const char *key, const figures_list *l, vr_month m, enum figures_measure measure,
		       const bc_program *p, const char *bucket, const int32_t *targets, size_t n)
{
	fputs(",\"", out);
	fputs(key, out);
	fputs("\":{", out);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (targets[i] < 0)
			continue;
		const char *to = bucket_name(p, targets[i]);
		/* A back-fill's figure is kept under its source bucket. */
		const figures_row *f = measure == FM_BACKFILLED ? figures_find(l, m, measure, to, bucket)
								: figures_find(l, m, measure, bucket, to);
		if (!f)
			continue;
		if (any)
			fputc(',', out);
		report_json_string(out, to);
		fprintf(out, ":%lld", (long long)f->value);
		any = true;
	}
	fputc('}', out);
}

static bool write_json(FILE *out, const sweep *sw)
{
	const bc_program *p = sw->program;
	const char **buckets;
	size_t nb;
	char (*values)[32] = calloc(sw->nnames + 1, sizeof *values);
	if (!values || !sweep_buckets(sw, &buckets, &nb)) {
		free(values);
		return false;
	}
	char month[8];
	for (size_t v = 0; v < sw->nvariants; v++) {
		value_texts(sw, v, values);
		const figures_list *l = &sw->figures[v];
		for (vr_month m = sw->from; m <= sw->to; m++) {
			vr_month_format(m, month);
			for (size_t b = 0; b < nb; b++) {
				fputs("{\"values\":{", out);
				for (size_t k = 0; k < sw->nnames; k++) {
					if (k)
						fputc(',', out);
					report_json_string(out, sweep_name_text(sw, k));
					fprintf(out, ":%s", values[k]);
				}
				fputs("},\"month\":", out);
				report_json_string(out, month);
				fputs(",\"bucket\":", out);
				report_json_string(out, buckets[b]);
				fprintf(out, ",\"households\":%lld,\"demand\":%lld",
					(long long)figure(l, m, FM_HOUSEHOLDS, buckets[b], ""),
					(long long)demand(l, m, buckets[b]));
				const figures_row *cap = figures_find(l, m, FM_CAPACITY, buckets[b], "");
				if (cap)
					fprintf(out, ",\"capacity\":%lld,\"places\":%lld", (long long)cap->value,
						(long long)figure(l, m, FM_PLACES, buckets[b], ""));
				else
					fputs(",\"capacity\":null,\"places\":null", out);
				const bc_bucket *bk = bucket_named(p, buckets[b]);
				if (bk) {
					const int32_t overflow[] = { bk->capacity >= 0 ? bk->overflow : -1 };
					const int32_t redirects[] = { bk->without_phone, bk->without_email };
					const int32_t from[] = { bk->backfill_from };
					json_moves(out, "turned_away", l, m, FM_TURNED_AWAY, p, buckets[b], overflow, 1);
					json_moves(out, "redirected", l, m, FM_REDIRECTED, p, buckets[b], redirects, 2);
					json_moves(out, "backfilled_from", l, m, FM_BACKFILLED, p, buckets[b], from, 1);
				} else {
					/* The reasons in the policy's order, each once. */
					fputs(",\"reasons\":{", out);
					bool any = false;
					for (uint32_t r = 0; r < p->nrules; r++) {
						if (p->rules[r].bucket >= 0)
							continue;
						const char *why = p->consts[p->rules[r].reason].text;
						bool seen = false;
						for (uint32_t q = 0; q < r && !seen; q++)
							seen = p->rules[q].bucket < 0 &&
							       strcmp(p->consts[p->rules[q].reason].text, why) == 0;
						const figures_row *f = figures_find(l, m, FM_EXCLUDED, "", why);
						if (seen || !f)
							continue;
						if (any)
							fputc(',', out);
						report_json_string(out, why);
						fprintf(out, ":%lld", (long long)f->value);
						any = true;
					}
					fputc('}', out);
				}
				fputs("}\n", out);
			}
		}
	}
	free(values);
	free(buckets);
	return true;
}

/* ---- table ---------------------------------------------------------------- */

/* Months side by side, this many to a block (as the report's table). */
enum { TABLE_MONTHS = 6 };

/* One line of a variant's block: its label and a cell per month. */
typedef struct line {
	enum { LINE_BUCKET, LINE_REASON, LINE_MOVE } kind;
	char label[160];
	char cap[24];
	char (*cells)[40];
} line;

static void put_padded(FILE *out, const char *s, size_t w, bool right)
{
	const size_t n = text_width(s);
	for (size_t i = n; right && i < w; i++)
		fputc(' ', out);
	text_put(out, s);
	for (size_t i = n; !right && i < w; i++)
		fputc(' ', out);
}

/* The lines of variant V: buckets (households, and the demand in brackets
 * where it differs), excluded and its reasons, the moves. *N their number. */
static line *variant_lines(const sweep *sw, size_t v, size_t nmonths, size_t *n)
{
	const bc_program *p = sw->program;
	const figures_list *l = &sw->figures[v];
	const size_t most = p->nbuckets * 4 + p->nrules + 2;
	line *lines = calloc(most, sizeof *lines);
	char (*cells)[40] = calloc(most * nmonths, sizeof *cells);
	if (!lines || !cells) {
		free(lines);
		free(cells);
		return NULL;
	}
	for (size_t i = 0; i < most; i++)
		lines[i].cells = &cells[i * nmonths];
	size_t k = 0;
	for (uint32_t b = 0; b <= p->nbuckets; b++) {
		const char *name = b < p->nbuckets ? bucket_name(p, (int32_t)b) : "excluded";
		line *ln = &lines[k++];
		ln->kind = LINE_BUCKET;
		snprintf(ln->label, sizeof ln->label, "%s", name);
		strcpy(ln->cap, "-");
		for (size_t i = 0; i < nmonths; i++) {
			const vr_month m = sw->from + (vr_month)i;
			const int64_t h = figure(l, m, FM_HOUSEHOLDS, name, ""), dm = demand(l, m, name);
			const figures_row *cap = figures_find(l, m, FM_CAPACITY, name, "");
			if (cap)
				snprintf(ln->cap, sizeof ln->cap, "%lld", (long long)cap->value);
			if (h == dm)
				snprintf(ln->cells[i], sizeof ln->cells[i], "%lld", (long long)h);
			else
				snprintf(ln->cells[i], sizeof ln->cells[i], "%lld (%lld)", (long long)h, (long long)dm);
		}
	}
	/* The reasons, each once, in the policy's order. */
	for (uint32_t r = 0; r < p->nrules; r++) {
		if (p->rules[r].bucket >= 0)
			continue;
		const char *why = p->consts[p->rules[r].reason].text;
		bool seen = false;
		for (uint32_t q = 0; q < r && !seen; q++)
			seen = p->rules[q].bucket < 0 && strcmp(p->consts[p->rules[q].reason].text, why) == 0;
		if (seen || !figures_find(l, sw->from, FM_EXCLUDED, "", why))
			continue;
		line *ln = &lines[k++];
		ln->kind = LINE_REASON;
		snprintf(ln->label, sizeof ln->label, "  %s", why);
		for (size_t i = 0; i < nmonths; i++)
			snprintf(ln->cells[i], sizeof ln->cells[i], "%lld",
				 (long long)figure(l, sw->from + (vr_month)i, FM_EXCLUDED, "", why));
	}
	/* Where households went: each move the policy has. */
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const bc_bucket *bk = &p->buckets[b];
		const char *name = bucket_name(p, (int32_t)b);
		const struct { enum figures_measure m; int32_t to; const char *why; } moves[] = {
			{ FM_TURNED_AWAY, bk->capacity >= 0 ? bk->overflow : -1, "no place" },
			{ FM_REDIRECTED, bk->without_phone,
			  bk->without_phone == bk->without_email ? "no phone or e-mail" : "no phone" },
			{ FM_REDIRECTED, bk->without_email, "no e-mail" },
		};
		for (size_t j = 0; j < 3; j++) {
			/* Two redirects to one bucket share a figure: said once. */
			if (moves[j].to < 0 || (j == 2 && bk->without_phone == bk->without_email))
				continue;
			line *ln = &lines[k++];
			ln->kind = LINE_MOVE;
			const char *to = bucket_name(p, moves[j].to);
			snprintf(ln->label, sizeof ln->label, "  %s -> %s, %s", name, to, moves[j].why);
			for (size_t i = 0; i < nmonths; i++)
				snprintf(ln->cells[i], sizeof ln->cells[i], "%lld",
					 (long long)figure(l, sw->from + (vr_month)i, moves[j].m, name, to));
		}
		if (bk->backfill_from >= 0) {
			line *ln = &lines[k++];
			ln->kind = LINE_MOVE;
			const char *from = bucket_name(p, bk->backfill_from);
			snprintf(ln->label, sizeof ln->label, "  %s -> %s, spare place", from, name);
			for (size_t i = 0; i < nmonths; i++)
				snprintf(ln->cells[i], sizeof ln->cells[i], "%lld",
					 (long long)figure(l, sw->from + (vr_month)i, FM_BACKFILLED, from, name));
		}
	}
	*n = k;
	return lines;
}

static void free_lines(line *lines)
{
	if (lines)
		free(lines[0].cells);
	free(lines);
}

static bool write_table(FILE *out, const sweep *sw)
{
	const bc_program *p = sw->program;
	const size_t nmonths = (size_t)(sw->to - sw->from) + 1;
	char from[8], to[8], value[32];
	vr_month_format(sw->from, from);
	vr_month_format(sw->to, to);
	text_printf(out, "Policy %s%s%s, ", p->policy_name, p->policy_version[0] ? " version " : "",
		    p->policy_version);
	if (nmonths == 1)
		fprintf(out, "month %s", from);
	else
		fprintf(out, "months %s..%s", from, to);
	fprintf(out, ": %zu variant%s of ", sw->nvariants, sw->nvariants == 1 ? "" : "s");
	for (size_t k = 0; k < sw->nnames; k++) {
		fprintf(out, "%s%s (", k ? " x " : "", sweep_name_text(sw, k));
		for (size_t i = 0; i < sw->names[k].nvalues; i++)
			fprintf(out, "%s%s", i ? ", " : "",
				bc_param_format_value(p, sw->names[k].param, sw->names[k].values[i], value));
		fputc(')', out);
	}
	fputs(".\nA cell: the households that end in the bucket, and in brackets the demand (households its\n"
	      "rules sent to it) where that differs; under `moves`, the households that went elsewhere.\n", out);
	/* Blocks of equal size: 7 months are 4 and 3, not 6 and 1. */
	const size_t nblocks = (nmonths + TABLE_MONTHS - 1) / TABLE_MONTHS;
	const size_t per = (nmonths + nblocks - 1) / nblocks;
	for (size_t v = 0; v < sw->nvariants; v++) {
		size_t n;
		line *lines = variant_lines(sw, v, nmonths, &n);
		if (!lines)
			return false;
		fputc('\n', out);
		for (size_t k = 0; k < sw->nnames; k++)
			fprintf(out, "%s%s=%s", k ? ", " : "", sweep_name_text(sw, k), sweep_value_text(sw, v, k, value));
		fputc('\n', out);
		size_t lw = 6, cw = 7;
		for (size_t i = 0; i < n; i++) {
			lw = text_width(lines[i].label) > lw ? text_width(lines[i].label) : lw;
			for (size_t c = 0; c < nmonths; c++)
				cw = strlen(lines[i].cells[c]) > cw ? strlen(lines[i].cells[c]) : cw;
		}
		for (size_t first = 0; first < nmonths; first += per) {
			const size_t last = first + per < nmonths ? first + per : nmonths;
			if (first)
				fputc('\n', out);
			put_padded(out, "bucket", lw, false);
			fprintf(out, "  %8s", "capacity");
			for (size_t c = first; c < last; c++) {
				vr_month_format(sw->from + (vr_month)c, from);
				fputs("  ", out);
				put_padded(out, from, cw, true);
			}
			fputc('\n', out);
			for (size_t i = 0; i < n; i++) {
				const line *ln = &lines[i];
				if (ln->kind == LINE_MOVE && lines[i - 1].kind != LINE_MOVE)
					fputs("moves\n", out);
				put_padded(out, ln->label, lw, false);
				fprintf(out, "  %8s", ln->cap[0] ? ln->cap : "");
				for (size_t c = first; c < last; c++) {
					fputs("  ", out);
					put_padded(out, ln->cells[c], cw, true);
				}
				fputc('\n', out);
			}
		}
		free_lines(lines);
	}
	return true;
}

bool sweep_write_text(FILE *out, const sweep *sw, enum figures_format fmt)
{
	switch (fmt) {
	case FIGURES_CSV:
		return write_csv(out, sw);
	case FIGURES_JSON:
		return write_json(out, sw);
	case FIGURES_TABLE: case FIGURES_HTML:
		break;
	}
	return write_table(out, sw);
}
