/* fuzz_csv.c - libFuzzer target for the signals and outcomes CSV files, the
 * creditors' untrusted input of `vroeg import`. Any bytes are imported
 * through the real import (store_import_signals, then
 * store_import_outcomes) into one scratch in-memory store, inside a
 * transaction rolled back after each input, so every input meets an empty
 * store. Either dialect: the reader detects it from the bytes. Beyond the
 * sanitizers, it aborts when a promise breaks:
 * - all or nothing: a refused file adds nothing, and says why (at least one
 *   message); an accepted file reports nothing and counts every record it
 *   has (as the reader counts them) as added or identical;
 * - importing the same bytes again adds nothing: every row is identical;
 * - no message hands a terminal a raw control character, DEL, C1 or a byte
 *   that is not UTF-8: whatever the input, messages quote it escaped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "store.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *open_bytes(const uint8_t *data, size_t size)
{
	static char empty[1];
	return size ? fmemopen((void *)data, size, "rb") : fmemopen(empty, 1, "rb");
}

/* Records after the header, as the reader sees them. */
static long records(const uint8_t *data, size_t size)
{
	FILE *in = open_bytes(data, size);
	if (!in)
		return -1;
	if (size == 0)
		getc(in);   /* the one byte of the empty stand-in */
	csv_reader *r = csv_open(in);
	long n = -1;
	if (r && csv_next(r) > 0)
		for (n = 0; csv_next(r) > 0; n++)
			;
	csv_close(r);
	fclose(in);
	return n;
}

/* Every byte of TEXT shows as itself on a terminal: printable ASCII, a line
 * break, or UTF-8 that is neither a control nor a layout character. */
static void check_shown(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (text[i] == '\n') {
			i++;
			continue;
		}
		enum text_kind kind;
		uint32_t cp;
		const size_t n = text_char(text + i, len - i, &kind, &cp);
		if (kind != TEXT_PLAIN) {
			fprintf(stderr, "fuzz_csv: a message holds a raw character 0x%x:\n%.*s\n", (unsigned)cp,
				(int)len, text);
			abort();
		}
		i += n;
	}
}

static enum store_status import(store *s, const uint8_t *data, size_t size, bool outcomes,
				store_import_counts *counts, long *errors)
{
	FILE *in = open_bytes(data, size);
	if (!in)
		return STORE_IO_ERROR;
	if (size == 0)
		getc(in);
	char *text = NULL;
	size_t len = 0;
	FILE *msgs = open_memstream(&text, &len);
	diag d;
	diag_init(&d, msgs);
	const enum store_status st = outcomes ? store_import_outcomes(s, in, "fuzz.csv", &d, counts)
					      : store_import_signals(s, in, "fuzz.csv", &d, counts);
	fclose(in);
	if (msgs) {
		fclose(msgs);
		check_shown(text, len);
		free(text);
	}
	*errors = d.errors;
	return st;
}

static void check_import(store *s, const uint8_t *data, size_t size, bool outcomes, long nrecords)
{
	store_import_counts first, again;
	long errors;
	diag d;
	diag_init(&d, NULL);
	if (store_begin(s, &d) != STORE_OK)
		abort();
	const enum store_status st = import(s, data, size, outcomes, &first, &errors);
	if (st == STORE_IO_ERROR) {   /* out of memory: nothing to hold it to */
		store_rollback(s);
		return;
	}
	if (st == STORE_DATA_ERROR && (first.added != 0 || errors == 0)) {
		fprintf(stderr, "fuzz_csv: a refused file added %ld rows, with %ld messages\n", first.added, errors);
		abort();
	}
	if (st == STORE_OK) {
		if (errors != 0 || first.rejected != 0 ||
		    (nrecords >= 0 && first.added + first.identical != nrecords)) {
			fprintf(stderr, "fuzz_csv: an accepted file: %ld added, %ld identical, %ld rejected, "
				"%ld messages; the reader counts %ld records\n", first.added, first.identical,
				first.rejected, errors, nrecords);
			abort();
		}
		const enum store_status st2 = import(s, data, size, outcomes, &again, &errors);
		if (st2 != STORE_OK || again.added != 0 || again.identical != first.added + first.identical) {
			fprintf(stderr, "fuzz_csv: imported again: status %d, %ld added, %ld identical "
				"(first %ld added, %ld identical)\n", (int)st2, again.added, again.identical,
				first.added, first.identical);
			abort();
		}
	}
	store_rollback(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static store *s;
	if (!s) {
		diag d;
		diag_init(&d, NULL);
		s = store_open(":memory:", 0, &d);
		if (!s)
			abort();
	}
	const long nrecords = records(data, size);
	check_import(s, data, size, false, nrecords);
	check_import(s, data, size, true, nrecords);
	return 0;
}
