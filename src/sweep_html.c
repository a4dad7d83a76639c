/* sweep_html.c - a sweep as one self-contained HTML page, in the month
 * report's look (the html module draws and escapes, figures_html.c's page
 * layout): for each bucket with a capacity, demand and places against the
 * capacity per variant, a chart per month, for an officer choosing a value;
 * then the households per bucket and the exclusions per reason of each
 * variant. In Dutch or English; bucket names, reasons and the named
 * numbers are the policy's own words. Counts of households only. */
#include "sweep.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"

typedef struct words {
	const char *lang, *title, *lead, *version, *one_variant, *variants, *decided, *privacy;
	const char *capacity, *capacity_note, *demand, *places, *capacity_limit, *turned_away, *redirected;
	const char *backfilled, *per_month, *by_variant, *too_many;
	const char *households, *households_chart, *households_note, *excluded, *excluded_reasons;
	const char *footer;
} words;

static const words english = {
	"en", "Capacity planning", "Policy %s%s%s, %s: %zu %s of %s.", " version ", "variant", "variants",
	"Each variant is decided exactly as vroeg dry-run --set decides with its values, from the signals "
	"in the store.",
	"Counts of households only: no household, person or amount appears on this page.",
	"Demand and capacity",
	"Demand counts the households the rules sent to the bucket, before capacity, overflow, redirects and "
	"back-fill; places are those given. The dashed line is the capacity.",
	"demand (sent by a rule)", "places given", "capacity", "turned away for want of a place",
	"redirected (no phone or e-mail)", "back-filled into a spare place", "per month", "by",
	"Too many variants to draw side by side: the table has them all.",
	"Households per bucket", "households per bucket",
	"A cell: the households that end in the bucket, and in brackets the demand where that differs.",
	"Excluded, per reason", "excluded, per reason",
	"Made by vroeg sweep. A variant is one combination of the values tried.",
};

static const words dutch = {
	"nl", "Capaciteitsplanning", "Beleid %s%s%s, %s: %zu %s van %s.", " versie ", "variant",
	"varianten",
	"Elke variant wordt precies zo besloten als vroeg dry-run --set met zijn waarden besluit, uit de "
	"signalen in de store.",
	"Alleen aantallen huishoudens: geen huishouden, persoon of bedrag staat op deze pagina.",
	"Vraag en capaciteit",
	"Vraag telt de huishoudens die de regels naar het bakje stuurden, vóór capaciteit, overloop, "
	"doorverwijzing en aanvulling; plaatsen zijn de gegeven plaatsen. De stippellijn is de capaciteit.",
	"vraag (door een regel gestuurd)", "plaatsen gegeven", "capaciteit", "geen plaats (overloop)",
	"doorverwezen (geen telefoon of e-mail)", "aangevuld op een vrije plaats", "per maand", "naar",
	"Te veel varianten om naast elkaar te tekenen: de tabel heeft ze allemaal.",
	"Huishoudens per bakje", "huishoudens per bakje",
	"Een cel: de huishoudens die in het bakje eindigen, en tussen haakjes de vraag waar die verschilt.",
	"Uitgesloten, per reden", "uitgesloten, per reden",
	"Gemaakt door vroeg sweep. Een variant is één combinatie van de geprobeerde waarden.",
};

/* Columns a chart draws at most: one per variant. */
enum { CHART_MAX_VARIANTS = 60 };

static const char GREY[] = "#9e9e9e";

typedef struct page {
	FILE *out;
	const sweep *sw;
	const words *w;
	size_t nmonths;
	char (*months)[8];
	const char **month_texts;
	char (*labels)[160];        /* per variant: its values, "50.00 / 30" */
	const char **columns;       /* per variant: labels[v] */
	char (*settings)[256];      /* per variant: "floor=50.00, visits=30" */
	char names[256];            /* "floor / visits" */
} page;

static void h2(const page *pg, const char *id, const char *title)
{
	fprintf(pg->out, "<h2 id=\"%s\">", id);
	html_text(pg->out, title);
	fputs("</h2>\n", pg->out);
}

static void para(const page *pg, const char *cls, const char *text)
{
	fprintf(pg->out, "<p class=\"%s\">", cls);
	html_text(pg->out, text);
	fputs("</p>\n", pg->out);
}

static int64_t figure(const page *pg, size_t v, vr_month m, enum figures_measure measure, const char *bucket,
		      const char *category)
{
	const figures_row *f = figures_find(&pg->sw->figures[v], m, measure, bucket, category);
	return f ? f->value : 0;
}

/* The table's head: an empty corner and the months. */
static void table_head(const page *pg)
{
	fputs("<table>\n<thead><tr><th></th>", pg->out);
	for (size_t k = 0; k < pg->nmonths; k++) {
		fputs("<th>", pg->out);
		html_text(pg->out, pg->months[k]);
		fputs("</th>", pg->out);
	}
	fputs("</tr></thead>\n<tbody>\n", pg->out);
}

static void group_row(const page *pg, const char *text)
{
	fprintf(pg->out, "<tr><td class=\"group\" colspan=\"%zu\">", pg->nmonths + 1);
	html_text(pg->out, text);
	fputs("</td></tr>\n", pg->out);
}

/* A row: LABEL (with the arrow and TO when given), a cell per month. */
static void row(const page *pg, const char *measure, const char *label, const char *to, const int64_t *values,
		const int64_t *demand)
{
	fprintf(pg->out, "<tr data-measure=\"%s\"><td class=\"sub\">", measure);
	html_text(pg->out, label);
	if (to) {
		fputs(" &rarr; ", pg->out);
		html_text(pg->out, to);
	}
	fputs("</td>", pg->out);
	for (size_t k = 0; k < pg->nmonths; k++) {
		if (demand && demand[k] != values[k])
			fprintf(pg->out, "<td>%lld (%lld)</td>", (long long)values[k], (long long)demand[k]);
		else
			fprintf(pg->out, "<td>%lld</td>", (long long)values[k]);
	}
	fputs("</tr>\n", pg->out);
}

/* Per month, the values of one figure of variant V. */
static void month_values(const page *pg, size_t v, enum figures_measure m, const char *bucket, const char *category,
			 int64_t *out)
{
	for (size_t k = 0; k < pg->nmonths; k++)
		out[k] = figure(pg, v, pg->sw->from + (vr_month)k, m, bucket, category);
}

static const char *bucket_name(const bc_program *p, int32_t b)
{
	return p->consts[p->buckets[b].name].text;
}

/* For bucket B (with a capacity): a chart per month of demand and places
 * against the capacity, a column per variant; and its table. */
static void capacity_bucket(const page *pg, uint32_t b, size_t index, int64_t *scratch)
{
	const sweep *sw = pg->sw;
	const bc_program *p = sw->program;
	const char *name = bucket_name(p, (int32_t)b);
	FILE *out = pg->out;
	fputs("<h3>", out);
	html_text(out, name);
	fputs("</h3>\n", out);
	int64_t *demand = scratch, *places = scratch + sw->nvariants, *cap = scratch + 2 * sw->nvariants;
	if (sw->nvariants > CHART_MAX_VARIANTS) {
		para(pg, "small", pg->w->too_many);
	} else {
		if (pg->nmonths > 1)
			fputs("<div class=\"grid\">\n", out);
		for (size_t k = 0; k < pg->nmonths; k++) {
			const vr_month m = sw->from + (vr_month)k;
			for (size_t v = 0; v < sw->nvariants; v++) {
				demand[v] = figure(pg, v, m, FM_DEMAND, name, "");
				places[v] = figure(pg, v, m, FM_PLACES, name, "");
				const figures_row *c = figures_find(&sw->figures[v], m, FM_CAPACITY, name, "");
				cap[v] = c ? c->value : HTML_NONE;
			}
			const html_series series[] = {
				{ pg->w->demand, demand, "#9ecae1" },
				{ pg->w->places, places, "#0b4f8a" },
			};
			char title[512], id[64];
			snprintf(title, sizeof title, "%s, %s: %s %s", name, pg->months[k], pg->w->by_variant, pg->names);
			snprintf(id, sizeof id, "chart-capacity-%zu-%zu", index + 1, k + 1);
			const html_chart c = { .id = id, .title = title, .columns = pg->columns,
					       .ncolumns = sw->nvariants, .series = series, .nseries = 2,
					       .layout = HTML_GROUPED, .limit = cap, .limit_name = pg->w->capacity_limit,
					       .compact = pg->nmonths > 1 };
			html_write_chart(out, &c);
		}
		if (pg->nmonths > 1)
			fputs("</div>\n", out);
	}
	const bc_bucket *bk = &p->buckets[b];
	int64_t *values = scratch;   /* reused: the charts are drawn */
	table_head(pg);
	for (size_t v = 0; v < sw->nvariants; v++) {
		group_row(pg, pg->settings[v]);
		month_values(pg, v, FM_DEMAND, name, "", values);
		row(pg, "demand", pg->w->demand, NULL, values, NULL);
		month_values(pg, v, FM_CAPACITY, name, "", values);
		row(pg, "capacity", pg->w->capacity_limit, NULL, values, NULL);
		month_values(pg, v, FM_PLACES, name, "", values);
		row(pg, "places", pg->w->places, NULL, values, NULL);
		if (bk->overflow >= 0) {
			month_values(pg, v, FM_TURNED_AWAY, name, bucket_name(p, bk->overflow), values);
			row(pg, "turned_away", pg->w->turned_away, bucket_name(p, bk->overflow), values, NULL);
		}
		const int32_t redirects[] = { bk->without_phone,
					      bk->without_email == bk->without_phone ? -1 : bk->without_email };
		for (int j = 0; j < 2; j++) {
			if (redirects[j] < 0)
				continue;
			month_values(pg, v, FM_REDIRECTED, name, bucket_name(p, redirects[j]), values);
			row(pg, "redirected", pg->w->redirected, bucket_name(p, redirects[j]), values, NULL);
		}
		if (bk->backfill_from >= 0) {
			month_values(pg, v, FM_BACKFILLED, bucket_name(p, bk->backfill_from), name, values);
			row(pg, "backfilled", pg->w->backfilled, NULL, values, NULL);
		}
	}
	fputs("</tbody>\n</table>\n", out);
}

static void capacity_section(const page *pg, int64_t *scratch)
{
	const bc_program *p = pg->sw->program;
	size_t n = 0;
	for (uint32_t b = 0; b < p->nbuckets; b++)
		n += p->buckets[b].capacity >= 0;
	if (!n)
		return;
	h2(pg, "capacity", pg->w->capacity);
	para(pg, "small", pg->w->capacity_note);
	for (uint32_t b = 0, i = 0; b < p->nbuckets; b++)
		if (p->buckets[b].capacity >= 0)
			capacity_bucket(pg, b, i++, scratch);
}

/* Per month, the households per bucket of each variant, stacked; and the
 * table, with the demand. */
static void households_section(const page *pg, int64_t *scratch)
{
	const sweep *sw = pg->sw;
	const bc_program *p = sw->program;
	FILE *out = pg->out;
	h2(pg, "households", pg->w->households);
	const size_t nb = p->nbuckets + 1;
	if (sw->nvariants > CHART_MAX_VARIANTS) {
		para(pg, "small", pg->w->too_many);
	} else {
		html_series *series = calloc(nb, sizeof *series);
		if (!series)
			return;
		if (pg->nmonths > 1)
			fputs("<div class=\"grid\">\n", out);
		for (size_t k = 0; k < pg->nmonths; k++) {
			const vr_month m = sw->from + (vr_month)k;
			for (size_t b = 0; b < nb; b++) {
				const char *name = b < p->nbuckets ? bucket_name(p, (int32_t)b) : "excluded";
				int64_t *values = scratch + b * sw->nvariants;
				for (size_t v = 0; v < sw->nvariants; v++)
					values[v] = figure(pg, v, m, FM_HOUSEHOLDS, name, "");
				series[b] = (html_series){ name, values, b < p->nbuckets ? NULL : GREY };
			}
			char title[512], id[64];
			snprintf(title, sizeof title, "%s, %s: %s %s", pg->w->households_chart, pg->months[k],
				 pg->w->by_variant, pg->names);
			snprintf(id, sizeof id, "chart-households-%zu", k + 1);
			const html_chart c = { .id = id, .title = title, .columns = pg->columns, .ncolumns = sw->nvariants,
					       .series = series, .nseries = nb, .layout = HTML_STACKED,
					       .compact = pg->nmonths > 1 };
			html_write_chart(out, &c);
		}
		if (pg->nmonths > 1)
			fputs("</div>\n", out);
		free(series);
	}
	para(pg, "small", pg->w->households_note);
	int64_t *values = scratch, *demand = scratch + pg->nmonths;
	table_head(pg);
	for (size_t v = 0; v < sw->nvariants; v++) {
		group_row(pg, pg->settings[v]);
		for (size_t b = 0; b < nb; b++) {
			const bool excluded = b == p->nbuckets;
			const char *name = excluded ? "excluded" : bucket_name(p, (int32_t)b);
			month_values(pg, v, FM_HOUSEHOLDS, name, "", values);
			if (excluded)
				memcpy(demand, values, pg->nmonths * sizeof *demand);
			else
				month_values(pg, v, FM_DEMAND, name, "", demand);
			row(pg, "households", name, NULL, values, demand);
		}
	}
	fputs("</tbody>\n</table>\n", out);
	h2(pg, "excluded", pg->w->excluded);
	table_head(pg);
	for (size_t v = 0; v < sw->nvariants; v++) {
		group_row(pg, pg->settings[v]);
		for (uint32_t r = 0; r < p->nrules; r++) {
			if (p->rules[r].bucket >= 0)
				continue;
			const char *why = p->consts[p->rules[r].reason].text;
			bool seen = false;
			for (uint32_t q = 0; q < r && !seen; q++)
				seen = p->rules[q].bucket < 0 && strcmp(p->consts[p->rules[q].reason].text, why) == 0;
			if (seen || !figures_find(&sw->figures[v], sw->from, FM_EXCLUDED, "", why))
				continue;
			month_values(pg, v, FM_EXCLUDED, "", why, values);
			row(pg, "excluded", why, NULL, values, NULL);
		}
	}
	fputs("</tbody>\n</table>\n", out);
}

bool sweep_write_html(FILE *out, const sweep *sw, enum figures_lang lang)
{
	const words *w = lang == FIGURES_NL ? &dutch : &english;
	const bc_program *p = sw->program;
	page pg = { .out = out, .sw = sw, .w = w, .nmonths = (size_t)(sw->to - sw->from) + 1 };
	pg.months = calloc(pg.nmonths, sizeof *pg.months);
	pg.labels = calloc(sw->nvariants, sizeof *pg.labels);
	pg.columns = calloc(sw->nvariants, sizeof *pg.columns);
	pg.settings = calloc(sw->nvariants, sizeof *pg.settings);
	/* Room for every chart's values at once: a series per bucket. */
	const size_t nscratch = (p->nbuckets + 1) * sw->nvariants + 2 * pg.nmonths + 3 * sw->nvariants;
	int64_t *scratch = calloc(nscratch, sizeof *scratch);
	bool ok = pg.months && pg.labels && pg.columns && pg.settings && scratch;
	for (size_t k = 0; ok && k < pg.nmonths; k++)
		vr_month_format(sw->from + (vr_month)k, pg.months[k]);
	for (size_t v = 0; ok && v < sw->nvariants; v++) {
		size_t a = 0, b = 0;
		for (size_t k = 0; k < sw->nnames; k++) {
			char value[32];
			sweep_value_text(sw, v, k, value);
			a += (size_t)snprintf(pg.labels[v] + a, sizeof pg.labels[v] - a, "%s%s", k ? " / " : "", value);
			b += (size_t)snprintf(pg.settings[v] + b, sizeof pg.settings[v] - b, "%s%s=%s", k ? ", " : "",
					      sweep_name_text(sw, k), value);
			a = a < sizeof pg.labels[v] ? a : sizeof pg.labels[v] - 1;
			b = b < sizeof pg.settings[v] ? b : sizeof pg.settings[v] - 1;
		}
		pg.columns[v] = pg.labels[v];
	}
	if (ok) {
		size_t a = 0;
		for (size_t k = 0; k < sw->nnames && a < sizeof pg.names - 1; k++)
			a += (size_t)snprintf(pg.names + a, sizeof pg.names - a, "%s%s", k ? " / " : "", sweep_name_text(sw, k));
		char range[32], title[512], lead[1024], values[512];
		if (pg.nmonths == 1)
			snprintf(range, sizeof range, "%s", pg.months[0]);
		else
			snprintf(range, sizeof range, "%s..%s", pg.months[0], pg.months[pg.nmonths - 1]);
		size_t n = 0;
		for (size_t k = 0; k < sw->nnames && n < sizeof values - 1; k++) {
			n += (size_t)snprintf(values + n, sizeof values - n, "%s%s (", k ? " x " : "", sweep_name_text(sw, k));
			for (size_t i = 0; i < sw->names[k].nvalues && n < sizeof values - 1; i++) {
				char value[32];
				n += (size_t)snprintf(values + n, sizeof values - n, "%s%s", i ? ", " : "",
						      bc_param_format_value(p, sw->names[k].param, sw->names[k].values[i], value));
			}
			if (n < sizeof values - 1)
				n += (size_t)snprintf(values + n, sizeof values - n, ")");
		}
		snprintf(title, sizeof title, "%s: %s, %s", w->title, pg.names, range);
		snprintf(lead, sizeof lead, w->lead, p->policy_name, p->policy_version[0] ? w->version : "",
			 p->policy_version, range, sw->nvariants, sw->nvariants == 1 ? w->one_variant : w->variants, values);
		html_page_start(out, w->lang, title);
		fputs("<h1>", out);
		html_text(out, title);
		fputs("</h1>\n", out);
		para(&pg, "lead", lead);
		para(&pg, "lead", w->decided);
		para(&pg, "lead", w->privacy);
		capacity_section(&pg, scratch);
		households_section(&pg, scratch);
		para(&pg, "small", w->footer);
		html_page_end(out);
	}
	free(pg.months);
	free(pg.labels);
	free(pg.columns);
	free(pg.settings);
	free(scratch);
	return ok;
}
