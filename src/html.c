/* html.c - a self-contained HTML page and its inline SVG charts (html.h).
 * Every text that comes in is escaped on the way out; numbers are written
 * by this file. Geometry is in SVG user units on a fixed view box, which
 * the page scales to its width, on screen and on A4. */
#include "html.h"

#include <stdbool.h>
#include <string.h>

void html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out); break;
		}
	}
}

/* The style: fonts the system has (no web font), sober colours, and for
 * paper an A4 page whose charts and tables do not break in two. Colours
 * of the SVG print as they are; print-color-adjust keeps the rest. */
static const char style[] =
	"*{box-sizing:border-box}"
	"html{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,Helvetica,sans-serif;"
	"font-size:14px;line-height:1.4;color:#1a1a1a;background:#fff;max-width:980px;"
	"margin:24px auto;padding:0 20px}"
	"h1{font-size:24px;margin:0 0 4px}"
	"h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid #0b4f8a}"
	"h3{font-size:15px;margin:18px 0 6px}"
	"p{margin:6px 0}"
	".lead{color:#444}"
	"figure{margin:14px 0 18px;break-inside:avoid}"
	".grid{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}"
	"figcaption{font-weight:bold;font-size:14px;margin-bottom:4px}"
	"svg.chart{width:100%;height:auto;display:block}"
	"svg.chart text{font-family:inherit;font-size:11px;fill:#333}"
	"svg.chart text.total{font-size:10px;fill:#111}"
	"svg.chart text.empty{font-size:10px;fill:#888}"
	".legend{list-style:none;margin:4px 0;padding:0;display:flex;flex-wrap:wrap;gap:2px 16px;"
	"font-size:12px}"
	".legend li{display:flex;align-items:center;gap:5px}"
	".note{font-size:12px;color:#555}"
	"table{border-collapse:collapse;font-size:12px;margin:6px 0 14px;width:100%}"
	"th,td{padding:2px 6px;border-bottom:1px solid #e3e3e3;text-align:right;white-space:nowrap}"
	"th{background:#eef3f8;font-weight:bold}"
	"th:first-child,td:first-child{text-align:left;white-space:normal}"
	"table.runs th,table.runs td{text-align:left}"
	"td.group{font-weight:bold;background:#f7f7f7}"
	"td.sub{padding-left:20px}"
	"td.none{color:#999}"
	".small{font-size:12px;color:#555}"
	"@media print{"
	"@page{size:A4;margin:14mm 12mm}"
	"body{max-width:none;margin:0;padding:0;font-size:11px}"
	"h1{font-size:19px}h2{font-size:15px;margin-top:18px;break-after:avoid}"
	"h3{break-after:avoid}"
	"table{font-size:9.5px}"
	"tr,figure{break-inside:avoid}"
	"}";

void html_page_start(FILE *out, const char *lang, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"", out);
	html_text(out, lang);
	fputs("\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      /* Nothing may be fetched: a policy the browser enforces too. */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n<title>", out);
	html_text(out, title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
}

void html_page_end(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}

/* Colour-blind-safe (Okabe and Ito, then Tol's muted), for series that
 * bring none. */
static const char *const palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288",
	"#88CCEE", "#117733", "#882255", "#DDCC77", "#44AA99", "#AA4499", "#999933",
};
enum { NPALETTE = sizeof palette / sizeof *palette };

/* The view box (a compact chart's for half a page's width) and the
 * margins of the plot inside it. */
enum { VW = 720, VH = 260, COMPACT_VW = 400, COMPACT_VH = 240, LEFT = 54, RIGHT = 10, TOP = 16, BOTTOM = 30 };

/* A round step (1, 2, 2.5 or 5 times a power of ten) for four or five
 * gridlines up to MAX. */
static int64_t nice_step(int64_t max)
{
	const int64_t want = max / 5 + (max % 5 != 0);
	for (int64_t p = 1; p < INT64_MAX / 100; p *= 10) {
		const int64_t steps[] = { p, 2 * p, p >= 10 ? 25 * p / 10 : 2 * p, 5 * p };
		for (int i = 0; i < 4; i++)
			if (steps[i] >= want)
				return steps[i];
	}
	return want;
}

static void put_number(FILE *out, int64_t v)
{
	fprintf(out, "%lld", (long long)v);
}

/* Coordinates with one decimal: integers only, so the file is the same on
 * every machine. C10 is ten times the coordinate. */
static void put_coord(FILE *out, int64_t c10)
{
	if (c10 < 0) {
		fputc('-', out);
		c10 = -c10;
	}
	fprintf(out, "%lld.%lld", (long long)(c10 / 10), (long long)(c10 % 10));
}

static const char *series_color(const html_chart *c, size_t s, size_t *next)
{
	if (c->series[s].color)
		return c->series[s].color;
	return palette[(*next)++ % NPALETTE];
}

/* The value of series S in column K as a chart draws it (HTML_NONE: not). */
static int64_t value_at(const html_chart *c, size_t s, size_t k)
{
	const int64_t v = c->series[s].values[k];
	return v == HTML_NONE || v < 0 ? HTML_NONE : v;
}

static void rect(FILE *out, int64_t x10, int64_t y10, int64_t w10, int64_t h10, const char *fill,
		 const char *series, const char *column, const char *value)
{
	fputs("<rect x=\"", out);
	put_coord(out, x10);
	fputs("\" y=\"", out);
	put_coord(out, y10);
	fputs("\" width=\"", out);
	put_coord(out, w10);
	fputs("\" height=\"", out);
	put_coord(out, h10);
	fprintf(out, "\" fill=\"%s\"><title>", fill);
	html_text(out, series);
	fputs(", ", out);
	html_text(out, column);
	fputs(": ", out);
	html_text(out, value);
	fputs("</title></rect>", out);
}

/* The swatches of C's series (and its mark), as a list. */
static void legend(FILE *out, const html_chart *c)
{
	fputs("<ul class=\"legend\">", out);
	size_t next = 0;
	for (size_t s = 0; s < c->nseries; s++) {
		const char *color = series_color(c, s, &next);
		fprintf(out, "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" "
			"fill=\"%s\"/></svg>", color);
		html_text(out, c->series[s].name);
		fputs("</li>", out);
	}
	if (c->limit && c->limit_name) {
		fputs("<li><svg width=\"18\" height=\"12\" aria-hidden=\"true\"><line x1=\"0\" x2=\"18\" y1=\"6\" "
		      "y2=\"6\" stroke=\"#111\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/></svg>", out);
		html_text(out, c->limit_name);
		fputs("</li>", out);
	}
	fputs("</ul>\n", out);
}

void html_write_legend(FILE *out, const html_chart *c)
{
	legend(out, c);
}

void html_write_chart(FILE *out, const html_chart *c)
{
	const bool share = c->layout == HTML_STACKED_SHARE, grouped = c->layout == HTML_GROUPED;
	const int vw = c->compact ? COMPACT_VW : VW;
	const int64_t plot_w = vw - LEFT - RIGHT;
	const int64_t band10 = plot_w * 10 / (int64_t)(c->ncolumns ? c->ncolumns : 1);
	/* Labels too close side by side (a month's seven characters take 56
	 * units; longer labels, a sweep's values, in proportion): they slant,
	 * and take more room under the plot, the more the longer they are. */
	size_t longest = 7;
	for (size_t k = 0; k < c->ncolumns; k++)
		longest = strlen(c->columns[k]) > longest ? strlen(c->columns[k]) : longest;
	const bool slant = band10 < 80 * (int64_t)longest;
	const int extra = slant ? 20 + 4 * (int)(longest - 7) : 0;
	const int bottom = BOTTOM + extra;
	const int vh = (c->compact ? COMPACT_VH : VH) + extra;
	const int64_t plot_h = vh - TOP - bottom;
	/* The top of the axis: the tallest column (or bar, or mark). */
	int64_t max = 0;
	for (size_t k = 0; k < c->ncolumns; k++) {
		int64_t sum = 0;
		for (size_t s = 0; s < c->nseries; s++) {
			const int64_t v = value_at(c, s, k);
			if (v == HTML_NONE)
				continue;
			sum += v;
			if (grouped && v > max)
				max = v;
		}
		if (!grouped && sum > max)
			max = sum;
		if (c->limit && c->limit[k] != HTML_NONE && c->limit[k] > max)
			max = c->limit[k];
	}
	int64_t step = share ? 25 : nice_step(max);
	int64_t top = share ? 100 : (max + step - 1) / step * step;
	if (top == 0)
		top = step;
	fputs("<figure", out);
	if (c->id) {
		fputs(" id=\"", out);
		html_text(out, c->id);
		fputc('"', out);
	}
	fputs("><figcaption>", out);
	html_text(out, c->title);
	fprintf(out, "</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", vw, vh);
	html_text(out, c->title);
	fputs("\">\n", out);
	/* Gridlines and the axis' numbers. */
	for (int64_t v = 0; v <= top; v += step) {
		const int64_t y10 = (TOP + plot_h - plot_h * v / top) * 10;
		fputs("<line x1=\"", out);
		put_coord(out, LEFT * 10);
		fputs("\" x2=\"", out);
		put_coord(out, (vw - RIGHT) * 10);
		fputs("\" y1=\"", out);
		put_coord(out, y10);
		fputs("\" y2=\"", out);
		put_coord(out, y10);
		fprintf(out, "\" stroke=\"%s\" stroke-width=\"1\"/>", v ? "#e0e0e0" : "#555");
		fputs("<text x=\"", out);
		put_coord(out, (LEFT - 6) * 10);
		fputs("\" y=\"", out);
		put_coord(out, y10 + 35);
		fputs("\" text-anchor=\"end\">", out);
		put_number(out, v);
		if (share)
			html_text(out, c->share_suffix ? c->share_suffix : "%");
		fputs("</text>\n", out);
	}
	for (size_t k = 0; k < c->ncolumns; k++) {
		const int64_t x0 = LEFT * 10 + band10 * (int64_t)k;
		size_t next = 0;
		int64_t whole = 0;
		for (size_t s = 0; s < c->nseries; s++) {
			const int64_t v = value_at(c, s, k);
			whole += v == HTML_NONE ? 0 : v;
		}
		if (share && c->totals && c->totals[k] != HTML_NONE && c->totals[k] > 0)
			whole = c->totals[k];
		int64_t base = 0;    /* stacked so far, in tenths of a unit of height */
		bool drawn = false;
		const int64_t bar10 = grouped ? band10 * 8 / 10 / (int64_t)(c->nseries ? c->nseries : 1)
					      : band10 * 6 / 10;
		for (size_t s = 0; s < c->nseries; s++) {
			const char *color = series_color(c, s, &next);
			const int64_t v = value_at(c, s, k);
			if (v == HTML_NONE || (share && whole == 0))
				continue;
			drawn = true;
			char text[48];
			snprintf(text, sizeof text, "%lld", (long long)v);
			int64_t h10;
			if (share) {
				/* Thousandths of the whole, so the title can say the share. */
				const int64_t permille = (v * 2000 + whole) / (2 * whole);
				snprintf(text, sizeof text, "%lld (%lld.%lld%%)", (long long)v, (long long)(permille / 10),
					 (long long)(permille % 10));
				h10 = plot_h * 10 * v / whole;
			} else {
				h10 = plot_h * 10 * v / top;
			}
			int64_t x10, y10;
			if (grouped) {
				x10 = x0 + band10 / 10 + bar10 * (int64_t)s;
				y10 = (TOP + plot_h) * 10 - h10;
			} else {
				x10 = x0 + (band10 - bar10) / 2;
				y10 = (TOP + plot_h) * 10 - base - h10;
				base += h10;
			}
			if (h10 > 0)
				rect(out, x10, y10, bar10, h10, color, c->series[s].name, c->columns[k], text);
			else
				/* A zero still carries its title, for a reader and for tests. */
				rect(out, x10, (TOP + plot_h) * 10, bar10, 0, color, c->series[s].name, c->columns[k], text);
		}
		if (!share && !grouped && whole > 0) {
			/* The column's total above it. */
			fputs("<text class=\"total\" x=\"", out);
			put_coord(out, x0 + band10 / 2);
			fputs("\" y=\"", out);
			put_coord(out, (TOP + plot_h) * 10 - base - 30);
			fputs("\" text-anchor=\"middle\">", out);
			put_number(out, whole);
			fputs("</text>", out);
		}
		/* A word where nothing is drawn ("no run"), when the column is
		 * wide enough for one. */
		if (!drawn && c->notes && c->notes[k] && band10 >= 450) {
			fputs("<text class=\"empty\" x=\"", out);
			put_coord(out, x0 + band10 / 2);
			fputs("\" y=\"", out);
			put_coord(out, (TOP + plot_h) * 10 - 60);
			fputs("\" text-anchor=\"middle\">", out);
			html_text(out, c->notes[k]);
			fputs("</text>", out);
		}
		if (c->limit && c->limit[k] != HTML_NONE) {
			const int64_t y10 = (TOP + plot_h) * 10 - plot_h * 10 * c->limit[k] / top;
			fputs("<line x1=\"", out);
			put_coord(out, x0 + band10 / 20);
			fputs("\" x2=\"", out);
			put_coord(out, x0 + band10 - band10 / 20);
			fputs("\" y1=\"", out);
			put_coord(out, y10);
			fputs("\" y2=\"", out);
			put_coord(out, y10);
			fputs("\" stroke=\"#111\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"><title>", out);
			html_text(out, c->limit_name ? c->limit_name : "");
			fputs(", ", out);
			html_text(out, c->columns[k]);
			fprintf(out, ": %lld</title></line>", (long long)c->limit[k]);
		}
		const int64_t lx = x0 + band10 / 2, ly = (TOP + plot_h + 16) * 10;
		fputs("<text x=\"", out);
		put_coord(out, lx);
		fputs("\" y=\"", out);
		put_coord(out, ly);
		if (slant) {
			fputs("\" text-anchor=\"end\" transform=\"rotate(-40 ", out);
			put_coord(out, lx);
			fputc(' ', out);
			put_coord(out, ly);
			fputs(")\">", out);
		} else {
			fputs("\" text-anchor=\"middle\">", out);
		}
		html_text(out, c->columns[k]);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
	if (!c->no_legend)
		legend(out, c);
	if (c->note) {
		fputs("<p class=\"note\">", out);
		html_text(out, c->note);
		fputs("</p>\n", out);
	}
	fputs("</figure>\n", out);
}
