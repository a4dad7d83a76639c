/* diag.c - the diagnostic sink: formats positions, quotes source lines, counts
 * errors and warnings, and suggests the name a misspelling probably meant. */
#include "diag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const severity_names[] = { "error", "warning", "note" };

void diag_init(diag *d, FILE *out)
{
	memset(d, 0, sizeof *d);
	d->out = out;
}

static void count(diag *d, enum diag_severity sev)
{
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
}

static bool quiet(const diag *d, enum diag_severity sev)
{
	return !d->out || (sev == DIAG_ERROR && d->max_errors > 0 && d->errors > d->max_errors);
}

/* Prints line LINE of SRC and a caret line under columns COL..END_COL. */
static void quote(FILE *out, const diag_source *src, diag_loc loc)
{
	if (!src || !src->text || loc.line < 1)
		return;
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < loc.line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		p = nl + 1;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	fprintf(out, "  %.*s\n  ", (int)(eol - p), p);
	/* Keep tabs as tabs so the caret lines up under the column. */
	for (int c = 1; c < loc.col && p + c - 1 < eol; c++)
		fputc(p[c - 1] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	if (loc.end_line == loc.line)
		for (int c = loc.col + 1; c < loc.end_col && p + c - 1 < eol; c++)
			fputc('~', out);
	fputc('\n', out);
}

void diag_at(diag *d, const diag_source *src, diag_loc loc,
	     enum diag_severity sev, const char *fmt, ...)
{
	count(d, sev);
	if (quiet(d, sev)) {
		if (d->out && sev == DIAG_ERROR && d->errors == d->max_errors + 1)
			fprintf(d->out, "%s: too many errors; the rest are counted, not shown\n",
				src && src->name ? src->name : "<input>");
		return;
	}
	fprintf(d->out, "%s:%d:%d: %s: ", src && src->name ? src->name : "<input>",
		loc.line, loc.col, severity_names[sev]);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	quote(d->out, src, loc);
}

void diag_row(diag *d, const char *file, long line, const char *column,
	      const char *fmt, ...)
{
	count(d, DIAG_ERROR);
	if (!d->out)   /* every bad row is reported: no cap here */
		return;
	fprintf(d->out, "%s:%ld: %s: ", file, line, column);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

static void plain(diag *d, enum diag_severity sev, const char *fmt, va_list ap)
{
	count(d, sev);
	if (quiet(d, sev))
		return;
	fputs(sev == DIAG_WARNING ? "vroeg: warning: " : "vroeg: ", d->out);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
}

void diag_error(diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	plain(d, DIAG_ERROR, fmt, ap);
	va_end(ap);
}

void diag_warning(diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	plain(d, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* Levenshtein distance, capped: names are short identifiers. */
static size_t distance(const char *a, const char *b)
{
	const size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 64;
	size_t row[64];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			const size_t above = row[j];
			const size_t subst = diagonal + (a[i - 1] != b[j - 1]);
			size_t best = above + 1 < row[j - 1] + 1 ? above + 1 : row[j - 1] + 1;
			row[j] = subst < best ? subst : best;
			diagonal = above;
		}
	}
	return row[lb];
}

const char *diag_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = 0;
	const size_t limit = strlen(word) <= 4 ? 1 : strlen(word) / 3 + 1;
	for (size_t i = 0; i < n; i++) {
		const size_t dist = distance(word, candidates[i]);
		if (dist <= limit && (!best || dist < best_d)) {
			best = candidates[i];
			best_d = dist;
		}
	}
	return best;
}
