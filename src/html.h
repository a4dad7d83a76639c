/* html.h - writing one self-contained HTML page: every text given is
 * escaped, styles are inline, charts are inline SVG. The page makes no
 * request of any kind (no script, no font, no image, no link to fetch):
 * it holds municipal data and may be opened on a machine without internet. */
#ifndef VROEG_HTML_H
#define VROEG_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes S escaped for text and for a quoted attribute value (& < > " '). */
void html_text(FILE *out, const char *s);

/* The page's head (LANG as in <html lang>, the TITLE) with its style, for
 * a screen and for A4 paper, and the opening of its body; then the end. */
void html_page_start(FILE *out, const char *lang, const char *title);
void html_page_end(FILE *out);

/* A value a chart leaves out (not known, or withheld). */
#define HTML_NONE INT64_MIN

typedef struct html_series {
	const char *name;
	const int64_t *values;     /* one per column; HTML_NONE: not drawn */
	const char *color;         /* "#rrggbb", or NULL for the next of the palette */
} html_series;

enum html_layout {
	HTML_STACKED,              /* a column per x, the series stacked */
	HTML_STACKED_SHARE,        /* the same as parts of each column's total, 0-100% */
	HTML_GROUPED               /* the series side by side */
};

typedef struct html_chart {
	const char *id;            /* the figure's id attribute */
	const char *title;         /* its caption */
	const char *const *columns;/* x labels */
	size_t ncolumns;
	const html_series *series;
	size_t nseries;
	enum html_layout layout;
	const int64_t *totals;     /* HTML_STACKED_SHARE: each column's whole (NULL: the sum drawn) */
	const int64_t *limit;      /* per column, a mark across it (a capacity); NULL or HTML_NONE: none */
	const char *limit_name;
	const char *share_suffix;  /* "%" */
	const char *note;          /* a line under the chart, or NULL */
	bool compact;              /* drawn for half a page's width (small multiples) */
	const char *const *notes;  /* per column, a word written where nothing is drawn (NULL: none) */
	bool no_legend;            /* charts that share one (html_write_legend) */
} html_chart;

/* Writes C as a <figure>: caption, SVG (axis, gridlines, bars each with a
 * <title> naming series, column and value), legend, note. */
void html_write_chart(FILE *out, const html_chart *c);
/* C's legend alone, for a group of charts with the same series. */
void html_write_legend(FILE *out, const html_chart *c);

#endif
