/* diag.c - the diagnostic sink: formats positions, quotes source lines (a
 * window of a long one), counts errors and warnings, prints no more of each
 * than its limit and says how many it kept back, and suggests the name a
 * misspelling probably meant. Data-file and plain messages, which may quote
 * a creditor's text, a file name or a command-line word, are written with
 * text.h's escapes. */
#include "diag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "text.h"

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

/* Whether a message of SEV is counted only: no sink, or its limit reached
 * (a note goes with the message before it). Counts what it hides, and
 * what it shows against the limits. */
static bool hide(diag *d, enum diag_severity sev, const char *name)
{
	if (!d->out)
		return true;
	bool hidden = false;
	switch (sev) {
	case DIAG_ERROR:
		hidden = d->max_errors > 0 && d->shown_errors >= d->max_errors;
		if (hidden)
			d->hidden_errors++;
		else
			d->shown_errors++;
		break;
	case DIAG_WARNING:
		hidden = d->max_warnings > 0 && d->shown_warnings >= d->max_warnings;
		if (hidden)
			d->hidden_warnings++;
		else
			d->shown_warnings++;
		break;
	case DIAG_NOTE:
		return d->last_hidden;
	}
	if (hidden && name)
		d->hidden_name = name;
	d->last_hidden = hidden;
	return hidden;
}

/* "NAME: 12 more errors and 3 more warnings not shown", when some were. */
static void tell_hidden(diag *d)
{
	if (d->out && (d->hidden_errors || d->hidden_warnings)) {
		fprintf(d->out, "%s: ", d->hidden_name ? d->hidden_name : "vroeg");
		if (d->hidden_errors)
			fprintf(d->out, "%d more error%s", d->hidden_errors, d->hidden_errors == 1 ? "" : "s");
		if (d->hidden_errors && d->hidden_warnings)
			fputs(" and ", d->out);
		if (d->hidden_warnings)
			fprintf(d->out, "%d more warning%s", d->hidden_warnings, d->hidden_warnings == 1 ? "" : "s");
		fputs(" not shown\n", d->out);
	}
	d->shown_errors = d->shown_warnings = 0;
	d->hidden_errors = d->hidden_warnings = 0;
	d->hidden_name = NULL;
	d->last_hidden = false;
}

void diag_finish(diag *d)
{
	tell_hidden(d);
}

/* Writes the bytes [FROM, TO) of a source line, a control character or a
 * byte that is not UTF-8 as `?` (one byte for one, so the caret below still
 * lines up): what is printed is text. */
static void put_line(FILE *out, const char *from, const char *to)
{
	for (const char *c = from; c < to;) {
		const unsigned char b = (unsigned char)*c;
		if (b >= 0x80) {
			const size_t n = utf8_char(c, (size_t)(to - c));
			if (n == 0) {
				fputc('?', out);
				c++;
			} else {
				fwrite(c, 1, n, out);
				c += n;
			}
			continue;
		}
		fputc((b < 0x20 && b != '\t') || b == 0x7F ? '?' : b, out);
		c++;
	}
}

static bool continuation(char c)
{
	return ((unsigned char)c & 0xC0) == 0x80;
}

/* Prints line LINE of SRC and a caret line under columns COL..END_COL. A
 * line longer than DIAG_QUOTE_MAX bytes is shown as a window around the
 * caret, cut between characters, with "..." where it was cut. */
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
	const char *caret = loc.col < 1 ? p : (size_t)(loc.col - 1) < (size_t)(eol - p) ? p + loc.col - 1 : eol;
	const char *from = p, *to = eol;
	if (eol - p > DIAG_QUOTE_MAX) {
		from = caret - p > DIAG_QUOTE_MAX / 2 ? caret - DIAG_QUOTE_MAX / 2 : p;
		if (eol - from < DIAG_QUOTE_MAX)
			from = eol - DIAG_QUOTE_MAX;
		to = from + DIAG_QUOTE_MAX;
		while (from > p && continuation(*from))
			from--;
		while (to < eol && continuation(*to))
			to++;
	}
	fputs(from > p ? "  ..." : "  ", out);
	put_line(out, from, to);
	fputs(to < eol ? "...\n  " : "\n  ", out);
	if (from > p)
		fputs("   ", out);
	/* Keep tabs as tabs so the caret lines up under the column. */
	for (const char *c = from; c < caret; c++)
		fputc(*c == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	if (loc.end_line == loc.line)
		for (int c = loc.col + 1; c < loc.end_col && p + c - 1 < to; c++)
			fputc('~', out);
	fputc('\n', out);
}

/* A message diag_at kept back: where it points, and its text. */
struct diag_held {
	int line, col;
	size_t seq;
	char *text;
};

void diag_hold(diag *d)
{
	d->holding++;
}

static int held_cmp(const void *a, const void *b)
{
	const struct diag_held *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_release(diag *d)
{
	if (d->holding == 0 || --d->holding > 0)
		return;
	if (d->nheld)   /* qsort wants an array, even of none */
		qsort(d->held, d->nheld, sizeof *d->held, held_cmp);
	for (size_t i = 0; i < d->nheld; i++) {
		if (d->out)
			fputs(d->held[i].text, d->out);
		free(d->held[i].text);
	}
	free(d->held);
	d->held = NULL;
	d->nheld = d->held_cap = 0;
	tell_hidden(d);
}

/* Where a message at LINE:COL goes while held: a stream into a new held
 * entry (*TEXT to be closed by keep_end), or NULL to print it now (not
 * holding, or no memory to hold it). */
static FILE *keep_begin(diag *d, int line, int col, char **text, size_t *len)
{
	if (!d->holding || !d->out)
		return NULL;
	if (d->nheld == d->held_cap) {
		const size_t cap = d->held_cap ? d->held_cap * 2 : 16;
		struct diag_held *h = realloc(d->held, cap * sizeof *h);
		if (!h)
			return NULL;
		d->held = h;
		d->held_cap = cap;
	}
	*text = NULL;
	FILE *f = open_memstream(text, len);
	if (f)
		d->held[d->nheld] = (struct diag_held){ line, col, d->nheld, NULL };
	return f;
}

static void keep_end(diag *d, FILE *f, char *const *text)
{
	if (fclose(f) == 0 && *text) {
		d->held[d->nheld++].text = *text;
		return;
	}
	free(*text);   /* could not hold it: say it now rather than lose it */
	fputs("vroeg: out of memory holding a diagnostic back\n", d->out);
}

void diag_at(diag *d, const diag_source *src, diag_loc loc,
	     enum diag_severity sev, const char *fmt, ...)
{
	count(d, sev);
	const char *name = src && src->name ? src->name : "<input>";
	if (hide(d, sev, name))
		return;
	char *text;
	size_t len;
	FILE *f = keep_begin(d, loc.line, loc.col, &text, &len);
	FILE *out = f ? f : d->out;
	fprintf(out, "%s:%d:%d: %s: ", name, loc.line, loc.col, severity_names[sev]);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	quote(out, src, loc);
	if (f)
		keep_end(d, f, &text);
}

void diag_row(diag *d, const char *file, long line, const char *column,
	      const char *fmt, ...)
{
	count(d, DIAG_ERROR);
	if (!d->out)   /* every bad row is reported: no cap here */
		return;
	/* The file name, column and message may quote a creditor's text: shown
	 * escaped (text.h), on one line. */
	text_printf(d->out, "%s:%ld: %s: ", file, line, column);
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(d->out, false, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
}

static void plain(diag *d, enum diag_severity sev, const char *fmt, va_list ap)
{
	count(d, sev);
	if (hide(d, sev, NULL))
		return;
	fputs(sev == DIAG_WARNING ? "vroeg: warning: " : "vroeg: ", d->out);
	/* Escaped as a row's message is; a usage text after it keeps its lines. */
	text_vprintf(d->out, true, fmt, ap);
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
