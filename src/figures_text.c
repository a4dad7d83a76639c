/* figures_text.c - writing a report's figures as CSV (data-contract.md
 * section 6: month,measure,bucket,category,value), as one JSON object, or
 * as a table for a terminal (a line per figure, a column per month). Every
 * text cell of the CSV goes through the one CSV writer (csvout.h: a creditor
 * named like a formula stays text), every JSON string through
 * report_json_string; a withheld count is written as <N. */
#include "figures.h"

#include <string.h>

#include "csvout.h"
#include "report.h"

bool figures_parse_format(const char *s, enum figures_format *out)
{
	static const char *const names[] = { "table", "csv", "json", "html" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum figures_format)i;
			return true;
		}
	return false;
}

static void write_csv(FILE *out, const figures_report *r)
{
	csvout w;
	csvout_init(&w, out);
	static const char *const header[] = { "month", "measure", "bucket", "category", "value" };
	for (size_t c = 0; c < 5; c++)
		csvout_text(&w, header[c]);
	csvout_end_row(&w);
	char month[8], value[32];
	for (size_t i = 0; i < r->rows.n; i++) {
		const figures_row *f = &r->rows.v[i];
		vr_month_format(f->month, month);
		csvout_text(&w, month);
		csvout_text_repeated(&w, figures_measure_names[f->measure]);
		csvout_text_repeated(&w, f->bucket);
		csvout_text(&w, f->category);
		csvout_number(&w, figures_value_text(f, r->min_count, value));
		csvout_end_row(&w);
	}
	csvout_flush(&w);
}

static void write_json(FILE *out, const figures_report *r)
{
	char month[8], value[32];
	vr_month_format(r->from, month);
	fputs("{\"from\":", out);
	report_json_string(out, month);
	vr_month_format(r->to, month);
	fputs(",\"to\":", out);
	report_json_string(out, month);
	fprintf(out, ",\"min_count\":%d,\n\"months\":[\n", r->min_count);
	for (size_t k = 0; k < r->nmonths; k++) {
		const figures_month *m = &r->months[k];
		vr_month_format(m->month, month);
		fputs("{\"month\":", out);
		report_json_string(out, month);
		fputs(",\"run\":", out);
		if (!m->has_run) {
			fputs("null", out);
		} else {
			fprintf(out, "{\"id\":%lld,\"policy\":", m->run_id);
			report_json_string(out, m->policy_name);
			fputs(",\"version\":", out);
			report_json_string(out, m->policy_version);
			fputs(",\"source_sha256\":", out);
			report_json_string(out, m->source_sha256);
			fprintf(out, ",\"capacity_known\":%s}", m->flows_known ? "true" : "false");
		}
		fputs(k + 1 < r->nmonths ? "},\n" : "}\n", out);
	}
	fputs("],\n\"figures\":[\n", out);
	for (size_t i = 0; i < r->rows.n; i++) {
		const figures_row *f = &r->rows.v[i];
		vr_month_format(f->month, month);
		fputs("{\"month\":", out);
		report_json_string(out, month);
		fputs(",\"measure\":", out);
		report_json_string(out, figures_measure_names[f->measure]);
		fputs(",\"bucket\":", out);
		report_json_string(out, f->bucket);
		fputs(",\"category\":", out);
		report_json_string(out, f->category);
		fputs(",\"value\":", out);
		const char *v = figures_value_text(f, r->min_count, value);
		if (f->withheld)
			report_json_string(out, v);
		else
			fputs(v, out);
		fputs(i + 1 < r->rows.n ? "},\n" : "}\n", out);
	}
	fputs("]}\n", out);
}

/* ---- table ----------------------------------------------------------------- */

/* The heading over a measure's lines ("" for lines under the one before). */
static const char *heading(enum figures_measure m)
{
	switch (m) {
	case FM_SIGNALS_TOTAL: return "";
	case FM_SIGNALS: return "";
	case FM_SIGNALS_BY_CREDITOR: return "signals per creditor";
	case FM_SIGNALLED_TOTAL: return "";
	case FM_SIGNALLED: return "";
	case FM_HOUSEHOLDS: return "households per bucket";
	case FM_EXCLUDED: return "excluded, per reason";
	case FM_CAPACITY: return "capacity";
	case FM_PLACES: return "places given";
	case FM_DEMAND: return "demand (sent by a rule)";
	case FM_TURNED_AWAY: return "turned away for want of a place";
	case FM_REDIRECTED: return "redirected (no phone, no e-mail)";
	case FM_BACKFILLED: return "back-filled (a spare place)";
	case FM_OVERFLOWED_FROM: return "ended after an overflow";
	case FM_LABEL: return "labels";
	case FM_LABELS: return "labels combined";
	case FM_OUTCOME: return "first outcome, run month and 3 after";
	case FM_REACHED_SHARE: return "share reached";
	case FM_RUN: case FM_COUNT: break;
	}
	return "";
}

/* A line's label, into BUF. */
static const char *line_label(const figures_line *l, char *buf, size_t size)
{
	switch (l->measure) {
	case FM_SIGNALS_TOTAL: snprintf(buf, size, "signals received"); break;
	case FM_SIGNALLED_TOTAL: snprintf(buf, size, "households with a signal"); break;
	case FM_SIGNALS: case FM_SIGNALLED: case FM_SIGNALS_BY_CREDITOR: case FM_EXCLUDED:
		snprintf(buf, size, "  %s", l->category);
		break;
	case FM_TURNED_AWAY: case FM_REDIRECTED: case FM_BACKFILLED:
		snprintf(buf, size, "  %s -> %s", l->bucket, l->category);
		break;
	case FM_OVERFLOWED_FROM:
		snprintf(buf, size, "  %s -> %s", l->category, l->bucket);
		break;
	case FM_LABEL: case FM_LABELS: case FM_OUTCOME:
		snprintf(buf, size, "  %s: %s", l->bucket, l->category);
		break;
	case FM_HOUSEHOLDS: case FM_CAPACITY: case FM_PLACES: case FM_DEMAND: case FM_REACHED_SHARE:
	case FM_RUN: case FM_COUNT:
		snprintf(buf, size, "  %s", l->bucket);
		break;
	}
	return buf;
}

static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void pad_to(FILE *out, const char *s, size_t w, bool right)
{
	if (right)
		for (size_t i = width(s); i < w; i++)
			fputc(' ', out);
	fputs(s, out);
	if (!right)
		for (size_t i = width(s); i < w; i++)
			fputc(' ', out);
}

/* Months side by side, this many to a block, so a line fits a terminal. */
enum { TABLE_MONTHS = 6, TABLE_CELL = 9 };

static bool write_table(FILE *out, const figures_report *r)
{
	figures_line *lines;
	size_t n;
	if (!figures_lines(r, &lines, &n))
		return false;
	char from[8], to[8], label[512], value[32];
	vr_month_format(r->from, from);
	vr_month_format(r->to, to);
	fprintf(out, "Report %s .. %s", from, to);
	if (r->min_count > 1)
		fprintf(out, " (counts under %d shown as <%d)", r->min_count, r->min_count);
	fputs("\n\nRuns\n", out);
	for (size_t k = 0; k < r->nmonths; k++) {
		const figures_month *m = &r->months[k];
		vr_month_format(m->month, from);
		if (!m->has_run)
			fprintf(out, "  %s  no run\n", from);
		else
			fprintf(out, "  %s  run %lld: %s%s%s (source %.12s)%s\n", from, m->run_id, m->policy_name,
				m->policy_version[0] ? " version " : "", m->policy_version, m->source_sha256,
				m->flows_known ? "" : "; capacity, demand and moves not recorded");
	}
	size_t lw = 8;
	for (size_t i = 0; i < n; i++) {
		lw = width(line_label(&lines[i], label, sizeof label)) > lw ? width(label) : lw;
		lw = width(heading(lines[i].measure)) > lw ? width(heading(lines[i].measure)) : lw;
	}
	/* Blocks of equal size: 7 months are 4 and 3, not 6 and 1. */
	const size_t nblocks = (r->nmonths + TABLE_MONTHS - 1) / TABLE_MONTHS;
	const size_t per = (r->nmonths + nblocks - 1) / nblocks;
	for (size_t first = 0; first < r->nmonths; first += per) {
		const size_t last = first + per < r->nmonths ? first + per : r->nmonths;
		fputc('\n', out);
		pad_to(out, "", lw, false);
		for (size_t k = first; k < last; k++) {
			vr_month_format(r->months[k].month, from);
			pad_to(out, from, TABLE_CELL, true);
		}
		fputc('\n', out);
		for (size_t i = 0; i < n; i++) {
			const figures_line *l = &lines[i];
			if (!figures_line_says_something(l, r->nmonths))
				continue;
			const char *h = heading(l->measure);
			if (h[0] && (i == 0 || lines[i - 1].measure != l->measure))
				fprintf(out, "%s\n", h);
			pad_to(out, line_label(l, label, sizeof label), lw, false);
			for (size_t k = first; k < last; k++)
				pad_to(out, figures_cell_text(l->cells[k], r->min_count, value), TABLE_CELL, true);
			fputc('\n', out);
		}
	}
	fputs("\n-: no such figure that month (no run, a bucket the run did not have, or not recorded)\n", out);
	figures_lines_free(lines, n);
	return true;
}

bool figures_write_text(FILE *out, const figures_report *r, enum figures_format fmt)
{
	switch (fmt) {
	case FIGURES_CSV:
		write_csv(out, r);
		return true;
	case FIGURES_JSON:
		write_json(out, r);
		return true;
	case FIGURES_TABLE: case FIGURES_HTML:
		break;
	}
	return write_table(out, r);
}
