/* figures_html.c - a report's figures as one self-contained HTML page (the
 * html module draws and escapes): the policy per month, then signals,
 * decisions, capacity and outcomes, each a chart with its table under it,
 * in Dutch or English. Bucket names, reasons and label values are the
 * policy's own words and are not translated. A withheld count is shown as
 * <N and is not drawn. */
#include "figures.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"

/* The page's words in one language. */
typedef struct words {
	const char *lang, *title, *through, *lead, *withheld, *not_drawn, *none_cell;
	const char *runs, *month, *policy, *version, *source, *run, *no_run, *no_run_short, *changed;
	const char *not_recorded;
	const char *signals, *signals_chart, *signals_received, *households_signalled, *new_, *returning;
	const char *creditors, *creditors_note;
	const char *decisions, *households_chart, *excluded_reasons;
	const char *capacity, *capacity_chart, *demand, *places, *capacity_limit, *capacity_note;
	const char *moves, *turned_away, *redirected, *backfilled, *overflowed_from, *labels, *labels_combined;
	const char *outcomes, *outcomes_lead, *outcomes_chart, *share_reached, *households;
	const char *sectors[SECTOR_COUNT], *outcome_names[OUTCOME_COUNT + 1];
	const char *footer;
} words;

static const words english = {
	"en", "Early warning: monitoring report", "through",
	"Figures from the store: imported signals, the recorded runs and their decisions, and the "
	"outcomes recorded since. Counts of households and signals only: no household, person or "
	"amount appears in this report.",
	"Counts from 1 to %d are shown as <%d.", "Counts that are withheld are not drawn.", "-",
	"Policy per month", "Month", "Policy", "Version", "Source (SHA-256)", "Run", "no run recorded",
	"no run", "policy changed", "capacity, demand and moves not recorded with this run",
	"Signals", "Signals received per sector", "signals received", "households with a signal",
	"new (no signal in the 12 months before)", "returning",
	"Signals per creditor", "Creditors as they deliver their names.",
	"Decisions", "Households per bucket", "excluded, per reason",
	"Capacity", "capacity used and available", "demand (sent by a rule)", "places given", "capacity",
	"Demand counts the households the rules sent to the bucket, before capacity, overflow, "
	"redirects and back-fill.",
	"Where households went", "turned away for want of a place", "redirected (no phone or e-mail)",
	"back-filled into a spare place", "ended after an overflow", "labels", "labels combined",
	"Outcomes", "For the households a run put in each bucket: the first outcome recorded in the run "
	"month or the 3 months after it. Reached: help accepted, help refused, or reached without need "
	"of help. The charts count the households with an outcome; the tables give those without one "
	"yet and the share reached.", "households by first outcome", "share reached", "households",
	{ "rent", "mortgage", "health insurance", "energy", "water", "municipal tax", "other" },
	{ "not picked up", "not reached", "reached, no help", "help refused", "help accepted",
	  "already known", "wrongly reported", "deceased", "no outcome yet" },
	"-: no such figure that month (no run, a bucket the run did not have, or not recorded).",
};

static const words dutch = {
	"nl", "Vroegsignalering: monitorrapport", "t/m",
	"Cijfers uit de store: ingelezen signalen, de vastgelegde runs met hun besluiten, en de "
	"sindsdien vastgelegde uitkomsten. Alleen aantallen huishoudens en signalen: geen huishouden, "
	"persoon of bedrag staat in dit rapport.",
	"Aantallen van 1 tot en met %d staan er als <%d.", "Achtergehouden aantallen zijn niet getekend.",
	"-",
	"Beleid per maand", "Maand", "Beleid", "Versie", "Bron (SHA-256)", "Run", "geen run vastgelegd",
	"geen run", "beleid gewijzigd", "capaciteit, vraag en verplaatsingen niet vastgelegd bij deze run",
	"Signalen", "Ontvangen signalen per sector", "signalen ontvangen", "huishoudens met een signaal",
	"nieuw (geen signaal in de 12 maanden ervoor)", "terugkerend",
	"Signalen per schuldeiser", "Schuldeisers zoals zij hun naam aanleveren.",
	"Besluiten", "Huishoudens per bakje", "uitgesloten, per reden",
	"Capaciteit", "capaciteit gebruikt en beschikbaar", "vraag (door een regel gestuurd)",
	"plaatsen gegeven", "capaciteit",
	"Vraag telt de huishoudens die de regels naar het bakje stuurden, vóór capaciteit, overloop, "
	"doorverwijzing en aanvulling.",
	"Waar huishoudens heen gingen", "geen plaats (overloop)", "doorverwezen (geen telefoon of e-mail)",
	"aangevuld op een vrije plaats", "geëindigd na een overloop", "labels", "labels gecombineerd",
	"Uitkomsten", "Voor de huishoudens die een run in elk bakje zette: de eerste uitkomst vastgelegd "
	"in de runmaand of de 3 maanden erna. Bereikt: hulp aanvaard, hulp geweigerd, of bereikt zonder "
	"hulpvraag. De grafieken tellen de huishoudens met een uitkomst; de tabellen geven ook die nog "
	"zonder uitkomst en het aandeel bereikt.", "huishoudens naar eerste uitkomst", "aandeel bereikt",
	"huishoudens",
	{ "huur", "hypotheek", "zorgverzekering", "energie", "water", "gemeentelijke belastingen", "overig" },
	{ "niet opgepakt", "niet bereikt", "bereikt, geen hulp", "hulp geweigerd", "hulp aanvaard",
	  "al bekend", "onterecht gemeld", "overleden", "nog geen uitkomst" },
	"-: geen cijfer die maand (geen run, een bakje dat de run niet had, of niet vastgelegd).",
};

/* Colours that mean the same on every page. */
static const char GREY[] = "#9e9e9e";
static const char *const outcome_colors[OUTCOME_COUNT] = {
	"#CC79A7", "#D55E00", "#56B4E9", "#E69F00", "#009E73", "#0072B2", "#DDCC77", "#332288",
};

typedef struct page {
	FILE *out;
	const figures_report *r;
	const words *w;
	const char **months;          /* "YYYY-MM" per month */
	const char **no_run;          /* per month: "no run" when it has none, else NULL */
	figures_line *lines;
	size_t nlines;
	bool any_withheld;
} page;

/* The category of a line as a reader reads it. */
static const char *category_words(const page *pg, enum figures_measure m, const char *c)
{
	if (m == FM_SIGNALS) {
		const int s = vr_enum_lookup(vr_sector_names, SECTOR_COUNT, c, strlen(c));
		return s < 0 ? c : pg->w->sectors[s];
	}
	if (m == FM_OUTCOME) {
		const int o = vr_enum_lookup(vr_outcome_names, OUTCOME_COUNT, c, strlen(c));
		return o < 0 ? pg->w->outcome_names[OUTCOME_COUNT] : pg->w->outcome_names[o];
	}
	if (m == FM_SIGNALLED)
		return strcmp(c, "new") == 0 ? pg->w->new_ : pg->w->returning;
	return c;
}

/* The values of figure (M, BUCKET, CATEGORY) per month, as a chart draws
 * them: HTML_NONE where there is none or it is withheld. */
static int64_t *values_of(const page *pg, enum figures_measure m, const char *bucket, const char *category)
{
	int64_t *v = malloc(pg->r->nmonths * sizeof *v);
	for (size_t k = 0; v && k < pg->r->nmonths; k++) {
		const figures_row *f = figures_find(&pg->r->rows, pg->r->months[k].month, m, bucket, category);
		v[k] = f && !f->withheld ? f->value : HTML_NONE;
	}
	return v;
}

/* The distinct buckets (or, with BY_CATEGORY, categories) of measure M's
 * lines, in line order. */
static size_t keys_of(const page *pg, enum figures_measure m, bool by_category, const char **keys)
{
	size_t n = 0;
	for (size_t i = 0; i < pg->nlines; i++) {
		const figures_line *l = &pg->lines[i];
		if (l->measure != m)
			continue;
		const char *k = by_category ? l->category : l->bucket;
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(keys[j], k) == 0;
		if (!seen)
			keys[n++] = k;
	}
	return n;
}

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

/* The heading of a group of lines in a table ("" for none). */
static const char *group_words(const page *pg, enum figures_measure m)
{
	const words *w = pg->w;
	switch (m) {
	case FM_HOUSEHOLDS: return w->households_chart;
	case FM_EXCLUDED: return w->excluded_reasons;
	case FM_CAPACITY: return w->capacity_limit;
	case FM_PLACES: return w->places;
	case FM_DEMAND: return w->demand;
	case FM_TURNED_AWAY: return w->turned_away;
	case FM_REDIRECTED: return w->redirected;
	case FM_BACKFILLED: return w->backfilled;
	case FM_OVERFLOWED_FROM: return w->overflowed_from;
	case FM_LABEL: return w->labels;
	case FM_LABELS: return w->labels_combined;
	case FM_REACHED_SHARE: return w->share_reached;
	case FM_SIGNALS_BY_CREDITOR: case FM_SIGNALS: case FM_SIGNALS_TOTAL: case FM_SIGNALLED:
	case FM_SIGNALLED_TOTAL: case FM_OUTCOME: case FM_RUN: case FM_COUNT:
		break;
	}
	return "";
}

/* A line's first cell: its words, and whether it sits under a heading. */
static void line_words(const page *pg, const figures_line *l, FILE *out)
{
	const char *cat = category_words(pg, l->measure, l->category);
	switch (l->measure) {
	case FM_SIGNALS_TOTAL: html_text(out, pg->w->signals_received); return;
	case FM_SIGNALLED_TOTAL: html_text(out, pg->w->households_signalled); return;
	case FM_TURNED_AWAY: case FM_REDIRECTED: case FM_BACKFILLED:
		html_text(out, l->bucket);
		fputs(" &rarr; ", out);
		html_text(out, l->category);
		return;
	case FM_OVERFLOWED_FROM:
		html_text(out, l->category);
		fputs(" &rarr; ", out);
		html_text(out, l->bucket);
		return;
	case FM_LABEL: case FM_LABELS:
		html_text(out, l->bucket);
		fputs(": ", out);
		html_text(out, l->category);
		return;
	case FM_SIGNALS: case FM_SIGNALLED: case FM_SIGNALS_BY_CREDITOR: case FM_EXCLUDED: case FM_OUTCOME:
		html_text(out, cat);
		return;
	case FM_HOUSEHOLDS: case FM_CAPACITY: case FM_PLACES: case FM_DEMAND: case FM_REACHED_SHARE:
	case FM_RUN: case FM_COUNT:
		break;
	}
	html_text(out, l->bucket);
}

/* Months per table, so a table fits a page. */
enum { HTML_TABLE_MONTHS = 12 };

/* A table of the lines whose measure is one of MS (and, when BUCKET is
 * given, whose bucket it is), a column per month. */
static void table(const page *pg, const enum figures_measure *ms, size_t nms, const char *bucket)
{
	FILE *out = pg->out;
	char value[32];
	/* Blocks of equal size: 14 months are two tables of 7, not 12 and 2. */
	const size_t nblocks = (pg->r->nmonths + HTML_TABLE_MONTHS - 1) / HTML_TABLE_MONTHS;
	const size_t per = (pg->r->nmonths + nblocks - 1) / nblocks;
	for (size_t first = 0; first < pg->r->nmonths; first += per) {
		const size_t last = first + per < pg->r->nmonths ? first + per : pg->r->nmonths;
		bool any = false;
		for (size_t i = 0; i < pg->nlines; i++) {
			const figures_line *l = &pg->lines[i];
			bool wanted = false;
			for (size_t j = 0; j < nms; j++)
				wanted |= l->measure == ms[j];
			if (!wanted || (bucket && strcmp(l->bucket, bucket) != 0))
				continue;
			if (!figures_line_says_something(l, pg->r->nmonths))
				continue;
			if (!any) {
				fputs("<table>\n<thead><tr><th></th>", out);
				for (size_t k = first; k < last; k++) {
					fputs("<th>", out);
					html_text(out, pg->months[k]);
					fputs("</th>", out);
				}
				fputs("</tr></thead>\n<tbody>\n", out);
				any = true;
			}
			/* Under a bucket's own heading, its share needs no group. */
			const bool own = bucket && l->measure == FM_REACHED_SHARE;
			const char *g = own ? "" : group_words(pg, l->measure);
			const bool grouped = g[0] != '\0';
			if (grouped && (i == 0 || pg->lines[i - 1].measure != l->measure ||
					(bucket && strcmp(pg->lines[i - 1].bucket, bucket) != 0))) {
				fprintf(out, "<tr><td class=\"group\" colspan=\"%zu\">", last - first + 1);
				html_text(out, g);
				fputs("</td></tr>\n", out);
			}
			const bool sub = grouped || l->measure == FM_SIGNALS || l->measure == FM_SIGNALLED;
			fprintf(out, "<tr data-measure=\"%s\"><td%s>", figures_measure_names[l->measure],
				sub ? " class=\"sub\"" : "");
			if (own)
				html_text(out, pg->w->share_reached);
			else
				line_words(pg, l, out);
			fputs("</td>", out);
			for (size_t k = first; k < last; k++) {
				const figures_row *f = l->cells[k];
				fputs(f ? "<td>" : "<td class=\"none\">", out);
				html_text(out, figures_cell_text(f, pg->r->min_count, value));
				fputs("</td>", out);
			}
			fputs("</tr>\n", out);
		}
		if (any)
			fputs("</tbody>\n</table>\n", out);
	}
}

static void runs_table(const page *pg)
{
	const words *w = pg->w;
	FILE *out = pg->out;
	h2(pg, "policy", w->runs);
	fputs("<table class=\"runs\">\n<thead><tr>", out);
	const char *const heads[] = { w->month, w->policy, w->version, w->source, w->run };
	for (size_t i = 0; i < 5; i++) {
		fputs("<th>", out);
		html_text(out, heads[i]);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	const figures_month *prev = NULL;
	for (size_t k = 0; k < pg->r->nmonths; k++) {
		const figures_month *m = &pg->r->months[k];
		fputs("<tr><td>", out);
		html_text(out, pg->months[k]);
		fputs("</td>", out);
		if (!m->has_run) {
			fputs("<td colspan=\"4\" class=\"none\">", out);
			html_text(out, w->no_run);
			fputs("</td></tr>\n", out);
			continue;
		}
		fputs("<td>", out);
		html_text(out, m->policy_name);
		if (prev && (strcmp(prev->policy_name, m->policy_name) != 0 ||
			     strcmp(prev->source_sha256, m->source_sha256) != 0)) {
			fputs(" <strong>(", out);
			html_text(out, w->changed);
			fputs(")</strong>", out);
		}
		if (!m->flows_known) {
			fputs("<br><span class=\"small\">", out);
			html_text(out, w->not_recorded);
			fputs("</span>", out);
		}
		fputs("</td><td>", out);
		html_text(out, m->policy_version);
		fprintf(out, "</td><td><code>%.12s</code></td><td>%lld</td></tr>\n", m->source_sha256, m->run_id);
		prev = m;
	}
	fputs("</tbody>\n</table>\n", out);
}

/* A stacked chart of measure M over its buckets (or categories), one series
 * each; the last key gets COLOR_LAST when it is LAST_KEY. */
static void stacked(const page *pg, const char *id, const char *title, enum figures_measure m, bool by_category,
		    const char *last_key)
{
	const char **keys = malloc((pg->nlines + 1) * sizeof *keys);
	if (!keys)
		return;
	const size_t n = keys_of(pg, m, by_category, keys);
	html_series *series = calloc(n + 1, sizeof *series);
	for (size_t i = 0; series && i < n; i++) {
		series[i].name = by_category ? category_words(pg, m, keys[i]) : keys[i];
		series[i].values = values_of(pg, m, by_category ? "" : keys[i], by_category ? keys[i] : "");
		series[i].color = last_key && strcmp(keys[i], last_key) == 0 ? GREY : NULL;
	}
	if (series && n) {
		const html_chart c = { .id = id, .title = title, .columns = pg->months, .ncolumns = pg->r->nmonths,
				       .series = series, .nseries = n, .layout = HTML_STACKED,
				       .note = pg->any_withheld ? pg->w->not_drawn : NULL,
				       .notes = m == FM_HOUSEHOLDS ? pg->no_run : NULL };
		html_write_chart(pg->out, &c);
	}
	for (size_t i = 0; series && i < n; i++)
		free((void *)series[i].values);
	free(series);
	free(keys);
}

static void signals_section(const page *pg)
{
	h2(pg, "signals", pg->w->signals);
	stacked(pg, "chart-signals", pg->w->signals_chart, FM_SIGNALS, true, NULL);
	static const enum figures_measure ms[] = { FM_SIGNALS_TOTAL, FM_SIGNALS, FM_SIGNALLED_TOTAL, FM_SIGNALLED };
	table(pg, ms, 4, NULL);
	fputs("<h3>", pg->out);
	html_text(pg->out, pg->w->creditors);
	fputs("</h3>\n", pg->out);
	para(pg, "small", pg->w->creditors_note);
	static const enum figures_measure cr[] = { FM_SIGNALS_BY_CREDITOR };
	table(pg, cr, 1, NULL);
}

static void decisions_section(const page *pg)
{
	h2(pg, "decisions", pg->w->decisions);
	stacked(pg, "chart-households", pg->w->households_chart, FM_HOUSEHOLDS, false, "excluded");
	static const enum figures_measure ms[] = { FM_HOUSEHOLDS, FM_EXCLUDED };
	table(pg, ms, 2, NULL);
}

/* Per bucket with a capacity (or places, for older runs): demand and
 * places given, the capacity as a mark. */
static void capacity_section(const page *pg)
{
	const char **keys = malloc((pg->nlines + 1) * sizeof *keys);
	if (!keys)
		return;
	size_t n = keys_of(pg, FM_CAPACITY, false, keys);
	const char **more = malloc((pg->nlines + 1) * sizeof *more);
	const size_t nmore = more ? keys_of(pg, FM_PLACES, false, more) : 0;
	for (size_t i = 0; i < nmore; i++) {
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(keys[j], more[i]) == 0;
		if (!seen)
			keys[n++] = more[i];
	}
	free(more);
	h2(pg, "capacity", pg->w->capacity);
	if (n)
		fputs("<div class=\"grid\">\n", pg->out);
	for (size_t i = 0; i < n; i++) {
		int64_t *demand = values_of(pg, FM_DEMAND, keys[i], ""), *places = values_of(pg, FM_PLACES, keys[i], "");
		int64_t *cap = values_of(pg, FM_CAPACITY, keys[i], "");
		if (demand && places && cap) {
			const html_series series[] = {
				{ pg->w->demand, demand, "#9ecae1" },
				{ pg->w->places, places, "#0b4f8a" },
			};
			char title[256], id[64];
			snprintf(title, sizeof title, "%s: %s", keys[i], pg->w->capacity_chart);
			snprintf(id, sizeof id, "chart-capacity-%zu", i + 1);
			const html_chart c = { .id = id, .title = title, .columns = pg->months,
					       .ncolumns = pg->r->nmonths, .series = series, .nseries = 2,
					       .layout = HTML_GROUPED, .limit = cap, .limit_name = pg->w->capacity_limit,
					       .compact = true, .notes = pg->no_run,
					       .note = pg->any_withheld ? pg->w->not_drawn : NULL };
			html_write_chart(pg->out, &c);
		}
		free(demand);
		free(places);
		free(cap);
	}
	if (n)
		fputs("</div>\n", pg->out);
	para(pg, "small", pg->w->capacity_note);
	static const enum figures_measure ms[] = { FM_CAPACITY, FM_PLACES, FM_DEMAND };
	table(pg, ms, 3, NULL);
	fputs("<h3>", pg->out);
	html_text(pg->out, pg->w->moves);
	fputs("</h3>\n", pg->out);
	static const enum figures_measure mv[] = { FM_TURNED_AWAY, FM_REDIRECTED, FM_BACKFILLED, FM_OVERFLOWED_FROM,
						   FM_LABEL, FM_LABELS };
	table(pg, mv, 6, NULL);
	free(keys);
}

/* Per bucket: its households with an outcome, by their first outcome. */
static void outcomes_section(const page *pg)
{
	h2(pg, "outcomes", pg->w->outcomes);
	para(pg, "lead", pg->w->outcomes_lead);
	const char **keys = malloc((pg->nlines + 1) * sizeof *keys);
	if (!keys)
		return;
	const size_t n = keys_of(pg, FM_OUTCOME, false, keys);
	if (n) {
		/* One legend for the charts, which all have the outcomes. */
		html_series series[OUTCOME_COUNT];
		for (int o = 0; o < OUTCOME_COUNT; o++)
			series[o] = (html_series){ pg->w->outcome_names[o], NULL, outcome_colors[o] };
		const html_chart c = { .series = series, .nseries = OUTCOME_COUNT };
		html_write_legend(pg->out, &c);
		fputs("<div class=\"grid\">\n", pg->out);
	}
	for (size_t i = 0; i < n; i++) {
		html_series series[OUTCOME_COUNT];
		bool ok = true;
		for (int o = 0; o < OUTCOME_COUNT; o++) {
			series[o] = (html_series){ pg->w->outcome_names[o],
						   values_of(pg, FM_OUTCOME, keys[i], vr_outcome_names[o]),
						   outcome_colors[o] };
			ok &= series[o].values != NULL;
		}
		char title[256], id[64];
		snprintf(title, sizeof title, "%s: %s", keys[i], pg->w->outcomes_chart);
		snprintf(id, sizeof id, "chart-outcomes-%zu", i + 1);
		if (ok) {
			const html_chart c = { .id = id, .title = title, .columns = pg->months,
					       .ncolumns = pg->r->nmonths, .series = series, .nseries = OUTCOME_COUNT,
					       .layout = HTML_STACKED, .compact = true, .no_legend = true,
					       .notes = pg->no_run,
					       .note = pg->any_withheld ? pg->w->not_drawn : NULL };
			html_write_chart(pg->out, &c);
		}
		for (int o = 0; o < OUTCOME_COUNT; o++)
			free((void *)series[o].values);
	}
	if (n)
		fputs("</div>\n", pg->out);
	for (size_t i = 0; i < n; i++) {
		fputs("<h3>", pg->out);
		html_text(pg->out, keys[i]);
		fputs("</h3>\n", pg->out);
		static const enum figures_measure ms[] = { FM_OUTCOME, FM_REACHED_SHARE };
		table(pg, ms, 2, keys[i]);
	}
	free(keys);
}

bool figures_write_html(FILE *out, const figures_report *r, enum figures_lang lang)
{
	const words *w = lang == FIGURES_NL ? &dutch : &english;
	page pg = { out, r, w, calloc(r->nmonths + 1, sizeof *pg.months), calloc(r->nmonths + 1, sizeof *pg.no_run),
		    NULL, 0, false };
	char (*month_text)[8] = calloc(r->nmonths + 1, sizeof *month_text);
	if (!pg.months || !pg.no_run || !month_text || !figures_lines(r, &pg.lines, &pg.nlines)) {
		free(pg.months);
		free(pg.no_run);
		free(month_text);
		return false;
	}
	for (size_t k = 0; k < r->nmonths; k++) {
		vr_month_format(r->months[k].month, month_text[k]);
		pg.months[k] = month_text[k];
		pg.no_run[k] = r->months[k].has_run ? NULL : w->no_run_short;
	}
	for (size_t i = 0; i < r->rows.n; i++)
		pg.any_withheld |= r->rows.v[i].withheld;
	char title[256];
	snprintf(title, sizeof title, "%s %s %s %s", w->title, pg.months[0], w->through, pg.months[r->nmonths - 1]);
	html_page_start(out, w->lang, title);
	fputs("<h1>", out);
	html_text(out, title);
	fputs("</h1>\n", out);
	para(&pg, "lead", w->lead);
	if (r->min_count > 1) {
		char line[160];
		snprintf(line, sizeof line, w->withheld, r->min_count - 1, r->min_count);
		para(&pg, "lead", line);
	}
	runs_table(&pg);
	signals_section(&pg);
	decisions_section(&pg);
	capacity_section(&pg);
	outcomes_section(&pg);
	para(&pg, "small", w->footer);
	html_page_end(out);
	figures_lines_free(pg.lines, pg.nlines);
	free(pg.months);
	free(pg.no_run);
	free(month_text);
	return true;
}
