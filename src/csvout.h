/* csvout.h - the one CSV writer. Every CSV vroeg writes (decisions, diff,
 * and any new CSV output) goes through it, so how a cell is written is
 * decided once, here:
 *
 * - a text cell (csvout_text) is written as it is, unless
 *   - it holds `,` `;` or `"`: then it is quoted, a `"` doubled (RFC 4180;
 *     `;` for spreadsheets set to the Dutch list separator);
 *   - it begins with `=` `+` `-` `@`, a tab or a carriage return, after
 *     any apostrophes: then it is quoted with one apostrophe put in front,
 *     so a spreadsheet shows it as text and never runs it as a formula
 *     (OWASP, "CSV injection"). A tool gets the value back by removing one
 *     apostrophe from a cell that begins with apostrophes followed by one of
 *     those characters (`'=X` is `=X`, `''=X` is `'=X`; `'s-Hertogenbosch`
 *     is as written);
 *   - it holds control characters other than a tab, or bytes that are not
 *     UTF-8 (import refuses both, so only a store changed by hand holds
 *     them): each is written as its escape (text.h: `\r`, `\x1b`, `\u0085`),
 *     never raw.
 * - a number cell (csvout_number, csvout_int, csvout_cents) is written as
 *   given: vroeg's own formatting of a number, which stays a number in a
 *   spreadsheet, negative ones included.
 *
 * A row's cells are separated by `,` (or `;`, csvout_set_separator: the
 * Dutch spreadsheet dialect) and the row ended by LF. The quoting above is
 * the same for both, so a cell reads back alike in either.
 *
 * Usage: csvout_init, then per row csvout_text/_number... and
 * csvout_end_row, and csvout_flush at the end. The writer gathers output in
 * its own buffer and writes it in 64 KiB pieces: a national month is over a
 * million cells, and stdio locks the stream on every call. For a few cells
 * straight to a stream, csvout_field writes one text cell. */
#ifndef VROEG_CSVOUT_H
#define VROEG_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

#define CSVOUT_BUFFER 65536   /* a pipe takes 64 KiB at once */
#define CSVOUT_MEMO 64

typedef struct csvout {
	FILE *f;
	bool mid_row;          /* a cell was written in this row: the next needs a separator */
	char sep;              /* `,`, or `;` */
	bool failed;           /* a write to F fell short */
	size_t len;            /* bytes waiting in buf */
	/* What csvout_text_repeated learned about a string, by its address:
	 * its length when written as it is, or (size_t)-1. */
	struct { const char *s; size_t len; } memo[CSVOUT_MEMO];
	char buf[CSVOUT_BUFFER];
} csvout;

/* W writes to F, which stays the caller's, separating cells by `,`. W is
 * large: keep one per output. */
void csvout_init(csvout *w, FILE *f);
/* Separates the cells W writes from now on by SEP: `,` or `;`. */
void csvout_set_separator(csvout *w, char sep);

/* One text cell of the current row: any text, from anywhere. */
void csvout_text(csvout *w, const char *s);
/* The same, for strings that repeat by address (a policy's bucket names,
 * reasons, rule cites): what the writer finds about S is remembered by its
 * address, so S must not change while W is in use. */
void csvout_text_repeated(csvout *w, const char *s);
/* One number cell, written as given: S must be a number vroeg formatted. */
void csvout_number(csvout *w, const char *s);
void csvout_int(csvout *w, int64_t n);
/* An amount in euros with a decimal point (vr_cents_format). */
void csvout_cents(csvout *w, cents_t cents);
/* An empty cell. */
void csvout_empty(csvout *w);
/* Ends the current row. */
void csvout_end_row(csvout *w);

/* Writes what is buffered to the stream; false when any write to it fell
 * short since csvout_init. */
bool csvout_flush(csvout *w);

/* Writes S to F as one text cell, as csvout_text would (no separator, no
 * line end). */
void csvout_field(FILE *f, const char *s);

#endif
