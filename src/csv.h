/* csv.h - a streaming RFC 4180 reader for the signals and outcomes files
 * (data-contract.md sections 1 and 2).
 *
 * What it accepts:
 * - UTF-8 with or without a leading byte order mark (the BOM is skipped);
 *   a file in UTF-16 (a UTF-16 byte order mark, or NULs in every other byte
 *   of its start) stops the reader at once, saying so;
 * - the delimiter `,` or `;`, detected from the header (the first record): the
 *   one that occurs more often outside quotes, `,` on a tie;
 * - fields quoted with `"`, a quote inside a quoted field written `""`, and
 *   line breaks inside quoted fields (kept as they are, CR LF stays CR LF);
 * - records ended by LF or CR LF; the last record needs no line end.
 * Lenient where no data is lost: a `"` inside an unquoted field is a plain
 * character, a lone CR (not before LF) outside quotes is data. Physical lines
 * that are empty (nothing, or just CR, before the LF) are skipped wherever they
 * are, so trailing empty lines are fine.
 * Problems in one record (text after a closing quote, a quote that is never
 * closed, a NUL byte) are reported with the record and do not stop the reader;
 * a record longer than CSV_MAX_RECORD bytes or a read error stops it.
 *
 * Memory: the reader owns one input buffer and one record buffer that grow to
 * the longest record and are reused; nothing is allocated per record. */
#ifndef VROEG_CSV_H
#define VROEG_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A record longer than this stops the reader: it is almost always a quote
 * that is never closed. Counted in bytes after unquoting (the quotes around
 * a field and the second of a doubled "" do not count), delimiters included,
 * the line end not. */
#define CSV_MAX_RECORD (1L << 20)

typedef struct csv_reader csv_reader;

/* One field of the current record: LEN bytes at S, followed by a NUL. QUOTED
 * tells whether it was written in quotes (an unquoted empty field and "" both
 * have LEN 0). Valid until the next csv_next. */
typedef struct csv_field {
	const char *s;
	size_t len;
	bool quoted;
} csv_field;

/* Reads from IN, which stays the caller's. Returns NULL when out of memory. */
csv_reader *csv_open(FILE *in);
void csv_close(csv_reader *r);

/* Reads the next record. 1: a record (see csv_fields, csv_line, csv_problem);
 * 0: end of input; -1: the reader stopped (csv_problem says why, csv_line
 * where the record that caused it starts). */
int csv_next(csv_reader *r);

/* The fields of the current record; *N gets their number (at least 1). */
const csv_field *csv_fields(const csv_reader *r, size_t *n);

/* The physical line (from 1) on which the current record starts. */
long csv_line(const csv_reader *r);

/* What is wrong with the current record, or NULL when nothing is. A static
 * string, e.g. "text after a closing quote". */
const char *csv_problem(const csv_reader *r);

/* The delimiter detected from the header: ',' or ';' (0 before the first
 * record). */
char csv_delimiter(const csv_reader *r);

#endif
