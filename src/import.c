/* import.c - signals and outcomes CSV into the store (data-contract.md
 * sections 1 and 2; contract in store.h).
 * One pass, one write transaction: every row is checked and every problem
 * reported as FILE:LINE: column: what is wrong, in line order; good rows are
 * inserted as they come, 64 to a statement (so duplicates and conflicts, in
 * the file or with the store, are found by the store's own unique keys and
 * then compared); if any row was bad the transaction is rolled back and
 * nothing of the file is stored. The hot path allocates nothing once its
 * buffers have grown: a row's text is copied from the reader's record into
 * the batch's arena, which is reused.
 *
 * Values are stored normalised, so that rows meaning the same thing are
 * identical: defaults filled in (kind early, legal_form natural, flags 0,
 * district ""), `person` NULL when empty or equal to the household.
 *
 * Whitespace: nothing is trimmed from a value (` 212.85` is not an amount,
 * `Menzis ` is another creditor than `Menzis`), except that an unquoted field
 * of only spaces and tabs counts as empty, which is what a spreadsheet means
 * by a blank cell. A quoted field is always taken as written (`" "` is a
 * space). Header names are matched after trimming spaces around them.
 *
 * Creditors' text is untrusted (text.h): a text field that is not UTF-8 or
 * holds a control character (a tab only inside quotes) is a bad row, and
 * every message quoting a value shows it escaped. */
#include "csv.h"
#include "schema.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum value_type {
	T_TEXT,      /* any UTF-8 text */
	T_DATE,      /* YYYY-MM-DD, a real day */
	T_MONEY,     /* euros, >= 0, at most two decimals -> cents */
	T_COUNT,     /* whole number >= 0 */
	T_FLAG,      /* 0 or 1, empty = 0 */
	T_TRISTATE,  /* 0, 1 or empty (NULL) */
	T_ENUM       /* one of names; empty = names[dflt] (dflt < 0: no default) */
};

typedef struct column {
	const char *name;
	enum value_type type;
	bool required;
	const char *const *names;
	int nnames;
	int dflt;
} column;

/* In schema_signal_col order: the bind order of SQL_SIGNAL_INSERT. */
static const column signal_columns[SIG_NCOLS] = {
	[SIG_SIGNAL_ID] = { "signal_id", T_TEXT, true, NULL, 0, 0 },
	[SIG_RECEIVED] = { "received", T_DATE, true, NULL, 0, 0 },
	[SIG_HOUSEHOLD] = { "household", T_TEXT, true, NULL, 0, 0 },
	[SIG_PERSON] = { "person", T_TEXT, false, NULL, 0, 0 },
	[SIG_CREDITOR] = { "creditor", T_TEXT, true, NULL, 0, 0 },
	[SIG_SECTOR] = { "sector", T_ENUM, true, vr_sector_names, SECTOR_COUNT, -1 },
	[SIG_KIND] = { "kind", T_ENUM, false, vr_kind_names, KIND_COUNT, KIND_EARLY },
	[SIG_ARREARS] = { "arrears", T_MONEY, true, NULL, 0, 0 },
	[SIG_INSTALLMENT] = { "installment", T_MONEY, false, NULL, 0, 0 },
	[SIG_INSTALLMENTS_MISSED] = { "installments_missed", T_COUNT, false, NULL, 0, 0 },
	[SIG_DAYS_OVERDUE] = { "days_overdue", T_COUNT, false, NULL, 0, 0 },
	[SIG_LEGAL_FORM] = { "legal_form", T_ENUM, false, vr_legal_form_names,
			     LEGAL_COUNT, LEGAL_NATURAL },
	[SIG_BIRTH_DATE] = { "birth_date", T_DATE, false, NULL, 0, 0 },
	[SIG_DISTRICT] = { "district", T_TEXT, false, NULL, 0, 0 },
	[SIG_HAS_PHONE] = { "has_phone", T_FLAG, false, NULL, 0, 0 },
	[SIG_HAS_EMAIL] = { "has_email", T_FLAG, false, NULL, 0, 0 },
	[SIG_BRP_MATCH] = { "brp_match", T_TRISTATE, false, NULL, 0, 0 },
	[SIG_KNOWN_DEBT_HELP] = { "known_debt_help", T_FLAG, false, NULL, 0, 0 },
};

/* In the bind order of SQL_OUTCOME_INSERT. */
enum { OUT_HOUSEHOLD, OUT_DATE, OUT_OUTCOME, OUT_SIGNAL_ID, OUT_NCOLS };
static const column outcome_columns[OUT_NCOLS] = {
	[OUT_HOUSEHOLD] = { "household", T_TEXT, true, NULL, 0, 0 },
	[OUT_DATE] = { "date", T_DATE, true, NULL, 0, 0 },
	[OUT_OUTCOME] = { "outcome", T_ENUM, true, vr_outcome_names, OUTCOME_COUNT, -1 },
	[OUT_SIGNAL_ID] = { "signal_id", T_TEXT, false, NULL, 0, 0 },
};

#define MAX_COLUMNS SIG_NCOLS

/* Unknown (or unnamed) header columns warned about one by one; the rest are
 * counted in one more warning (docs/operators-guide.md). */
enum { IMPORT_UNKNOWN_SHOWN = 10 };

/* One checked value: NULL, an integer, or text (LEN bytes at S, which stay
 * valid until the next record). */
typedef struct value {
	bool null;
	int64_t i;
	const char *s;
	size_t len;
} value;

typedef struct import {
	store *s;
	diag *d;
	const char *name;
	csv_reader *csv;
	const column *cols;
	int ncols;
	int field_of[MAX_COLUMNS];  /* field index of each column, -1 when absent */
	int order[MAX_COLUMNS];     /* the columns in the file's order, absent ones last */
	size_t nfields;             /* fields in the header */
	bool comma_decimal;         /* `;` files may write 212,85 */
	long line;                  /* the current record's */
	bool row_bad;
	schema_buf held_problems;   /* the current row's: "column\0message\0"... */
	long long import_id;
	store_import_counts counts;
	struct batch *batch;        /* signals waiting for the next batch insert */
} import;

/* ---------------------------------------------------------- checking -- */

static void problem(import *im, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Notes a problem of the current row in column COL. It is reported once
 * the row is checked (report_row), after the conflicts that signals of
 * earlier lines, still waiting in a batch, may have: messages come in line
 * order. */
static void problem(import *im, const char *col, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->row_bad = true;
	const size_t before = im->held_problems.len;
	if (schema_buf_add(&im->held_problems, col, strlen(col)) == (size_t)-1 ||
	    schema_buf_add(&im->held_problems, msg, strlen(msg)) == (size_t)-1) {
		im->held_problems.len = before;
		diag_row(im->d, im->name, im->line, col, "%s", msg); /* out of memory: say it now */
	}
}

/* Reports the problems problem() noted for the current row. */
static void report_row(import *im)
{
	const char *p = im->held_problems.p, *end = p + im->held_problems.len;
	while (p < end) {
		const char *msg = p + strlen(p) + 1;
		diag_row(im->d, im->name, im->line, p, "%s", msg);
		p = msg + strlen(msg) + 1;
	}
	im->held_problems.len = 0;
}

/* The value of F as a message quotes it: escaped (text.h), cut when long. */
enum { QUOTED_MAX = 256 };
static const char *quoted(const csv_field *f, char buf[QUOTED_MAX])
{
	return text_escape(f->s, f->len, buf, QUOTED_MAX);
}

/* Notes what a text field may not hold (text.h): bytes that are not UTF-8,
 * control characters (a tab only inside quotes). False when F has any. */
static bool check_text(import *im, const column *c, const csv_field *f)
{
	size_t at;
	const enum text_kind bad = text_check(f->s, f->len, f->quoted, &at);
	if (bad == TEXT_PLAIN)
		return true;
	char q[QUOTED_MAX];
	if (bad == TEXT_NOT_UTF8) {
		problem(im, c->name, "`%s` is not valid UTF-8 text (save the file as UTF-8)", quoted(f, q));
		return false;
	}
	enum text_kind kind;
	uint32_t cp;
	char esc[TEXT_ESCAPE_MAX];
	text_char(f->s + at, f->len - at, &kind, &cp);
	text_escape_char(kind, cp, esc);
	problem(im, c->name, "control character %s in `%s`: text may not hold control characters%s",
		esc, quoted(f, q), cp == '\t' ? " (a tab only inside quotes)" : "");
	return false;
}

/* A whole number >= 0; one beyond VR_COUNT_MAX (of however many digits)
 * reads as VR_COUNT_MAX + 1, for the caller to call too large. */
static bool parse_count(const char *s, size_t len, int64_t *out)
{
	if (len == 0)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v <= VR_COUNT_MAX)
			v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool is_blank(const csv_field *f)
{
	if (f->quoted)
		return false;
	for (size_t i = 0; i < f->len; i++)
		if (f->s[i] != ' ' && f->s[i] != '\t')
			return false;
	return true;
}

/* "one of a, b, c" for an enum's names, into BUF. */
static const char *name_list(const column *c, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < c->nnames && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", c->names[i]);
	return buf;
}

static void enum_problem(import *im, const column *c, const csv_field *f)
{
	char list[256], word[64], hint[96] = "";
	const size_t wlen = f->len < sizeof word - 1 ? f->len : sizeof word - 1;
	memcpy(word, f->s, wlen);
	word[wlen] = '\0';
	const char *guess = diag_suggest(word, c->names, (size_t)c->nnames);
	if (guess)
		snprintf(hint, sizeof hint, " (did you mean `%s`?)", guess);
	char q[QUOTED_MAX];
	problem(im, c->name, "unknown value `%s`%s; expected one of %s",
		quoted(f, q), hint, name_list(c, list, sizeof list));
}

/* Checks field F (NULL: the column is not in the file) for column C into
 * *V; false, with the problem noted, when it is bad. */
static bool check(import *im, const column *c, const csv_field *f, value *v)
{
	*v = (value){ .null = true };
	char q[QUOTED_MAX];
	if (!f || f->len == 0 || is_blank(f)) {
		if (c->required) {
			problem(im, c->name, "required but empty");
			return false;
		}
		if (c->type == T_FLAG) {
			*v = (value){ .i = 0 };
		} else if (c->type == T_ENUM) {
			*v = (value){ .i = c->dflt, .s = c->names[c->dflt],
				      .len = strlen(c->names[c->dflt]) };
		}
		return true;
	}
	switch (c->type) {
	case T_TEXT:
		if (!check_text(im, c, f))
			return false;
		*v = (value){ .s = f->s, .len = f->len };
		return true;
	case T_DATE: {
		vr_date day;
		if (!vr_date_parse(f->s, f->len, &day)) {
			problem(im, c->name, "`%s` is not a date: expected YYYY-MM-DD, a real day",
				quoted(f, q));
			return false;
		}
		*v = (value){ .s = f->s, .len = f->len, .i = day };
		return true;
	}
	case T_MONEY: {
		/* A sign is not part of an amount: "-5" is negative, "-0" has a
		 * sign it must not have, "-x" is no amount at all. */
		const bool minus = f->s[0] == '-';
		const char *t = f->s + minus;
		const size_t tlen = f->len - minus;
		cents_t cents = 0;
		enum vr_amount got = vr_amount_parse(t, tlen, im->comma_decimal, VR_CENTS_MAX, &cents);
		if (got == VR_AMOUNT_BAD && im->comma_decimal)
			got = vr_amount_parse(t, tlen, false, VR_CENTS_MAX, &cents);
		if (minus && got != VR_AMOUNT_BAD) {
			if (got == VR_AMOUNT_OK && cents == 0)
				problem(im, c->name, "`%.*s` has a minus sign: amounts are written without a sign (write 0)",
					(int)f->len, f->s);
			else
				problem(im, c->name, "`%.*s` is negative: amounts are 0 or more",
					(int)f->len, f->s);
			return false;
		}
		if (got == VR_AMOUNT_TOO_LARGE) {
			char max[24];
			vr_cents_format(VR_CENTS_MAX, max);
			problem(im, c->name, "`%.*s` is more than the largest amount a signal may have, %s",
				(int)f->len, f->s, max);
			return false;
		}
		if (got == VR_AMOUNT_BAD) {
			problem(im, c->name, "`%.*s` is not an amount%s", (int)f->len, f->s,
				im->comma_decimal
				? ": expected euros with at most 2 decimals, like 212,85 or 212.85"
				: ": expected euros with at most 2 decimals, like 212.85");
			return false;
		}
		*v = (value){ .i = cents };
		return true;
	}
	case T_COUNT:
		if (!parse_count(f->s, f->len, &v->i)) {
			problem(im, c->name, "`%s` is not a whole number (0 or more)", quoted(f, q));
			return false;
		}
		if (v->i > VR_COUNT_MAX) {
			problem(im, c->name, "`%.*s` is more than the largest number allowed, %lld",
				(int)f->len, f->s, (long long)VR_COUNT_MAX);
			return false;
		}
		v->null = false;
		return true;
	case T_FLAG:
	case T_TRISTATE:
		if (f->len != 1 || (f->s[0] != '0' && f->s[0] != '1')) {
			problem(im, c->name, "`%s` is not 0 or 1%s", quoted(f, q),
				c->type == T_TRISTATE ? " (or empty: not checked)" : "");
			return false;
		}
		*v = (value){ .i = f->s[0] - '0' };
		return true;
	case T_ENUM: {
		const int k = vr_enum_lookup(c->names, c->nnames, f->s, f->len);
		if (k < 0) {
			enum_problem(im, c, f);
			return false;
		}
		*v = (value){ .i = k, .s = c->names[k], .len = strlen(c->names[k]) };
		return true;
	}
	}
	return false;
}

/* Checks the current record into VALS (one per column); false when the row
 * has any problem, all of them noted for report_row. */
static bool check_row(import *im, value *vals)
{
	size_t n;
	const csv_field *f = csv_fields(im->csv, &n);
	im->line = csv_line(im->csv);
	im->row_bad = false;
	const char *why = csv_problem(im->csv);
	if (why)
		problem(im, "row", "%s", why);
	if (n != im->nfields) {
		problem(im, "row", "%zu field%s, but the header has %zu",
			n, n == 1 ? "" : "s", im->nfields);
		return false;
	}
	for (int k = 0; k < im->ncols; k++) {
		const int c = im->order[k], at = im->field_of[c];
		check(im, &im->cols[c], at < 0 ? NULL : &f[at], &vals[c]);
	}
	return !im->row_bad;
}

/* ------------------------------------------------------------ header -- */

static const char *trim(const char *s, size_t len, size_t *out_len)
{
	while (len && *s == ' ')
		s++, len--;
	while (len && s[len - 1] == ' ')
		len--;
	*out_len = len;
	return s;
}

/* Reads the header and maps the columns; false (reported) when the file
 * cannot be imported: no header, a column named twice, a required one missing. */
static bool read_header(import *im)
{
	const int rc = csv_next(im->csv);
	if (rc <= 0) {
		if (rc == 0)
			diag_row(im->d, im->name, 1, "header",
				 "the file is empty; expected a header row naming the columns");
		else
			diag_row(im->d, im->name, csv_line(im->csv), "header", "%s",
				 csv_problem(im->csv));
		return false;
	}
	const long line = csv_line(im->csv);
	im->comma_decimal = csv_delimiter(im->csv) == ';';
	size_t n;
	const csv_field *f = csv_fields(im->csv, &n);
	im->nfields = n;
	for (int c = 0; c < im->ncols; c++)
		im->field_of[c] = -1;
	bool ok = true;
	if (csv_problem(im->csv)) {
		diag_row(im->d, im->name, line, "header", "%s", csv_problem(im->csv));
		ok = false;
	}
	const char *names[MAX_COLUMNS];
	for (int c = 0; c < im->ncols; c++)
		names[c] = im->cols[c].name;
	/* A header of a million unknown columns is told in a few lines: the
	 * first IMPORT_UNKNOWN_SHOWN, then how many more; a column named twice
	 * once, however often it repeats. */
	size_t unknown = 0;
	bool repeated[MAX_COLUMNS] = { false };
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *name = trim(f[i].s, f[i].len, &len);
		int c = 0;
		while (len && c < im->ncols && !(strlen(names[c]) == len && memcmp(names[c], name, len) == 0))
			c++;
		if (len == 0 || c == im->ncols) {
			if (unknown++ >= IMPORT_UNKNOWN_SHOWN)
				continue;
			if (len == 0) {
				diag_warning(im->d, "%s:%ld: column %zu: has no name, ignored", im->name, line, i + 1);
				continue;
			}
			char word[64], hint[96] = "";
			snprintf(word, sizeof word, "%.*s", (int)len, name);
			const char *guess = diag_suggest(word, names, (size_t)im->ncols);
			if (guess)
				snprintf(hint, sizeof hint, " (did you mean `%s`?)", guess);
			char q[QUOTED_MAX];
			diag_warning(im->d, "%s:%ld: column `%s`: unknown column, ignored%s",
				     im->name, line, text_escape(name, len, q, sizeof q), hint);
		} else if (im->field_of[c] >= 0) {
			if (!repeated[c])
				diag_row(im->d, im->name, line, "header",
					 "column `%s` appears twice (fields %d and %zu)",
					 names[c], im->field_of[c] + 1, i + 1);
			repeated[c] = true;
			ok = false;
		} else {
			im->field_of[c] = (int)i;
		}
	}
	if (unknown > IMPORT_UNKNOWN_SHOWN)
		diag_warning(im->d, "%s:%ld: ... and %zu more unknown columns, ignored", im->name, line,
			     unknown - IMPORT_UNKNOWN_SHOWN);
	/* Problems of a row are reported in the order of its fields. */
	int k = 0;
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < im->ncols; c++)
			if (im->field_of[c] == (int)i)
				im->order[k++] = c;
	for (int c = 0; c < im->ncols; c++)
		if (im->field_of[c] < 0)
			im->order[k++] = c;
	char missing[512] = "";
	size_t mlen = 0;
	int nmissing = 0;
	for (int c = 0; c < im->ncols; c++) {
		if (im->cols[c].required && im->field_of[c] < 0 && mlen < sizeof missing) {
			mlen += (size_t)snprintf(missing + mlen, sizeof missing - mlen, "%s`%s`",
						 nmissing ? ", " : "", names[c]);
			nmissing++;
		}
	}
	if (nmissing) {
		diag_row(im->d, im->name, line, "header", "missing required column%s %s",
			 nmissing == 1 ? "" : "s", missing);
		ok = false;
	}
	return ok;
}

/* ----------------------------------------------------------- storing -- */

static void bind_value(sqlite3_stmt *st, int param, const value *v)
{
	if (v->null)
		sqlite3_bind_null(st, param);
	else if (v->s)
		sqlite3_bind_text(st, param, v->s, (int)v->len, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, param, v->i);
}

/* The normalised signal: defaults in, person NULL when it is the household. */
static void normalise_signal(value *v)
{
	if (v[SIG_DISTRICT].null)
		v[SIG_DISTRICT] = (value){ .s = "", .len = 0 };
	const value *h = &v[SIG_HOUSEHOLD], *p = &v[SIG_PERSON];
	if (!p->null && p->len == h->len && memcmp(p->s, h->s, h->len) == 0)
		v[SIG_PERSON] = (value){ .null = true };
}

/* Does the stored column COL of ST hold V? */
static bool same_value(sqlite3_stmt *st, int col, const value *v)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return v->null;
	if (v->null)
		return false;
	if (!v->s)
		return sqlite3_column_int64(st, col) == v->i;
	const void *t = sqlite3_column_blob(st, col);
	return (size_t)sqlite3_column_bytes(st, col) == v->len &&
		(v->len == 0 || memcmp(t, v->s, v->len) == 0);
}

/* Looks the signal's id up among the stored signals (in the store or
 * earlier in this file). *FOUND false: not stored. Found: counted identical,
 * or a conflict (reported, the row rejected). */
static enum store_status compare_stored(import *im, const value *v, bool *found)
{
	store *s = im->s;
	sqlite3_stmt *st = s->stmt[SQL_SIGNAL_BY_ID];
	sqlite3_bind_text(st, 1, v[SIG_SIGNAL_ID].s, (int)v[SIG_SIGNAL_ID].len, SQLITE_STATIC);
	const int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? STORE_OK : schema_fail(s, "import", im->d);
	}
	char differs[400] = "";
	size_t n = 0;
	for (int c = 0; c < SIG_NCOLS; c++)
		if (!same_value(st, c, &v[c]) && n < sizeof differs)
			n += (size_t)snprintf(differs + n, sizeof differs - n, "%s%s",
					      n ? ", " : "", signal_columns[c].name);
	if (n == 0) {
		im->counts.identical++;
	} else {
		const long line = (long)sqlite3_column_int64(st, SIG_NCOLS);
		const long long from = sqlite3_column_int64(st, SIG_NCOLS + 1);
		const char *file = (const char *)sqlite3_column_text(st, SIG_NCOLS + 2);
		im->counts.rejected++;
		if (from == im->import_id)
			diag_row(im->d, im->name, im->line, "signal_id",
				 "`%.*s` is also on line %ld, with another %s",
				 (int)v[SIG_SIGNAL_ID].len, v[SIG_SIGNAL_ID].s, line, differs);
		else
			diag_row(im->d, im->name, im->line, "signal_id",
				 "`%.*s` is stored already (from %s, line %ld) with another %s",
				 (int)v[SIG_SIGNAL_ID].len, v[SIG_SIGNAL_ID].s,
				 file ? file : "an earlier import", line, differs);
	}
	sqlite3_reset(st);
	return STORE_OK;
}

static enum store_status add_month_household(import *im, const value *v)
{
	sqlite3_stmt *mh = im->s->stmt[SQL_MONTH_HOUSEHOLD_INSERT];
	sqlite3_bind_text(mh, 1, v[SIG_RECEIVED].s, 7, SQLITE_STATIC);
	bind_value(mh, 2, &v[SIG_HOUSEHOLD]);
	const int rc = sqlite3_step(mh);
	sqlite3_reset(mh);
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(im->s, "import", im->d);
}

/* Stores one normalised signal on its own: added, identical or a conflict.
 * This is the path of rows whose id may be stored (a batch met one), so it
 * looks first: re-importing a file costs a lookup per row, not a failed
 * insert and a lookup. */
static enum store_status store_signal(import *im, const value *v)
{
	store *s = im->s;
	bool found;
	enum store_status result = compare_stored(im, v, &found);
	if (result != STORE_OK || found)
		return result;
	sqlite3_stmt *st = s->stmt[SQL_SIGNAL_INSERT];
	for (int c = 0; c < SIG_NCOLS; c++)
		bind_value(st, c + 1, &v[c]);
	sqlite3_bind_int64(st, SIG_NCOLS + 1, im->import_id);
	sqlite3_bind_int64(st, SIG_NCOLS + 2, im->line);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return schema_fail(s, "import", im->d);
	im->counts.added++;
	return add_month_household(im, v);
}

/* Signals wait here, copied out of the reader's buffer, until a batch is
 * full; text is kept by offset since the arena may move as it grows. */
typedef struct held {
	int64_t i;
	size_t off, len;
	bool null, text;
} held;

typedef struct batch {
	schema_buf arena;
	held v[SCHEMA_BATCH_ROWS][SIG_NCOLS];
	long line[SCHEMA_BATCH_ROWS];
	int n;
} batch;

static bool hold(import *im, const value *v)
{
	batch *b = im->batch;
	for (int c = 0; c < SIG_NCOLS; c++) {
		held *h = &b->v[b->n][c];
		*h = (held){ .null = v[c].null, .text = v[c].s != NULL, .i = v[c].i, .len = v[c].len };
		if (h->text && (h->off = schema_buf_add(&b->arena, v[c].s, v[c].len)) == (size_t)-1)
			return false;
	}
	b->line[b->n++] = im->line;
	return true;
}

/* Row R of the batch as values pointing into the arena. */
static void unhold(const batch *b, int r, value *v)
{
	for (int c = 0; c < SIG_NCOLS; c++) {
		const held *h = &b->v[r][c];
		v[c] = (value){ .null = h->null, .i = h->i, .len = h->len,
				.s = h->text ? b->arena.p + h->off : NULL };
	}
}

/* Inserts a full batch in one statement; returns how many of its rows went
 * in (all, or those before the first one whose id is stored), or -1. */
static int insert_batch(import *im)
{
	store *s = im->s;
	batch *b = im->batch;
	sqlite3_stmt *st = s->stmt[SQL_SIGNAL_INSERT_BATCH];
	sqlite3_stmt *mh = s->stmt[SQL_MONTH_HOUSEHOLD_INSERT_BATCH];
	value v[SIG_NCOLS];
	for (int r = 0; r < SCHEMA_BATCH_ROWS; r++) {
		const int p = r * (SIG_NCOLS + 2);
		unhold(b, r, v);
		for (int c = 0; c < SIG_NCOLS; c++)
			bind_value(st, p + c + 1, &v[c]);
		sqlite3_bind_int64(st, p + SIG_NCOLS + 1, im->import_id);
		sqlite3_bind_int64(st, p + SIG_NCOLS + 2, b->line[r]);
		sqlite3_bind_text(mh, 2 * r + 1, v[SIG_RECEIVED].s, 7, SQLITE_STATIC);
		bind_value(mh, 2 * r + 2, &v[SIG_HOUSEHOLD]);
	}
	int rc = sqlite3_step(st);
	const int done = rc == SQLITE_DONE ? SCHEMA_BATCH_ROWS : sqlite3_changes(s->db);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && (sqlite3_extended_errcode(s->db) & 0xff) != SQLITE_CONSTRAINT) {
		schema_fail(s, "import", im->d);
		return -1;
	}
	if (done == SCHEMA_BATCH_ROWS) {
		rc = sqlite3_step(mh);
		sqlite3_reset(mh);
		if (rc != SQLITE_DONE) {
			schema_fail(s, "import", im->d);
			return -1;
		}
	} else {
		for (int r = 0; r < done; r++) {
			unhold(b, r, v);
			if (add_month_household(im, v) != STORE_OK)
				return -1;
		}
	}
	im->counts.added += done;
	return done;
}

/* Stores the held signals: a full batch in one statement, the rest (and a
 * batch that met a stored id, from that row on) one by one. */
static enum store_status flush(import *im)
{
	batch *b = im->batch;
	int from = 0;
	if (b->n == SCHEMA_BATCH_ROWS && (from = insert_batch(im)) < 0)
		return STORE_IO_ERROR;
	enum store_status result = STORE_OK;
	const long line = im->line;
	value v[SIG_NCOLS];
	for (int r = from; result == STORE_OK && r < b->n; r++) {
		unhold(b, r, v);
		im->line = b->line[r];
		result = store_signal(im, v);
	}
	im->line = line;
	b->n = 0;
	b->arena.len = 0;
	return result;
}

/* Takes a checked signal row: held for the next batch. */
static enum store_status take_signal(import *im, value *v)
{
	normalise_signal(v);
	if (!hold(im, v)) {
		diag_error(im->d, "out of memory importing %s", im->name);
		return STORE_IO_ERROR;
	}
	return im->batch->n == SCHEMA_BATCH_ROWS ? flush(im) : STORE_OK;
}

/* Stores one checked outcome row: added, or identical to a stored one. */
static enum store_status store_outcome(import *im, value *v)
{
	store *s = im->s;
	if (v[OUT_SIGNAL_ID].null)
		v[OUT_SIGNAL_ID] = (value){ .s = "", .len = 0 };
	sqlite3_stmt *st = s->stmt[SQL_OUTCOME_INSERT];
	for (int c = 0; c < OUT_NCOLS; c++)
		bind_value(st, c + 1, &v[c]);
	sqlite3_bind_int64(st, OUT_NCOLS + 1, im->import_id);
	sqlite3_bind_int64(st, OUT_NCOLS + 2, im->line);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return schema_fail(s, "import", im->d);
	if (sqlite3_changes(s->db) == 0)
		im->counts.identical++;
	else
		im->counts.added++;
	return STORE_OK;
}

/* Records this import (its id marks the rows it adds) at the start; at the
 * end, its counts, or nothing at all when it added nothing. */
static enum store_status begin_import(import *im, const char *kind)
{
	sqlite3_stmt *st = im->s->stmt[SQL_IMPORT_INSERT];
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, im->name, -1, SQLITE_STATIC);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return schema_fail(im->s, "import", im->d);
	im->import_id = sqlite3_last_insert_rowid(im->s->db);
	return STORE_OK;
}

static enum store_status finish_import(import *im)
{
	sqlite3_stmt *st = im->s->stmt[im->counts.added ? SQL_IMPORT_FINISH : SQL_IMPORT_DELETE];
	sqlite3_bind_int64(st, 1, im->import_id);
	if (im->counts.added) {
		sqlite3_bind_int64(st, 2, im->counts.added);
		sqlite3_bind_int64(st, 3, im->counts.identical);
	}
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(im->s, "import", im->d);
}

static enum store_status run_import(store *s, FILE *in, const char *name, diag *d,
				    store_import_counts *counts, bool signals)
{
	import im = {
		.s = s, .d = d, .name = name,
		.cols = signals ? signal_columns : outcome_columns,
		.ncols = signals ? SIG_NCOLS : OUT_NCOLS,
	};
	*counts = (store_import_counts){ 0 };
	im.csv = csv_open(in);
	if (!im.csv) {
		diag_error(d, "out of memory importing %s", name);
		return STORE_IO_ERROR;
	}
	if (!read_header(&im)) {
		csv_close(im.csv);
		return ferror(in) ? STORE_IO_ERROR : STORE_DATA_ERROR;
	}
	bool nested;
	enum store_status result = schema_write_begin(s, &nested, d);
	if (result != STORE_OK) {
		csv_close(im.csv);
		return result;
	}
	schema_cache_for_import(s, true);
	result = begin_import(&im, signals ? "signals" : "outcomes");
	if (result == STORE_OK && signals && !(im.batch = calloc(1, sizeof *im.batch))) {
		diag_error(d, "out of memory importing %s", name);
		result = STORE_IO_ERROR;
	}
	value vals[MAX_COLUMNS];
	int rc = 0;
	while (result == STORE_OK && (rc = csv_next(im.csv)) > 0) {
		if (check_row(&im, vals)) {
			result = signals ? take_signal(&im, vals) : store_outcome(&im, vals);
			continue;
		}
		if (im.batch && im.batch->n)
			result = flush(&im);
		report_row(&im);
		im.counts.rejected++;
	}
	if (result == STORE_OK && im.batch)
		result = flush(&im);
	if (result == STORE_OK && rc < 0) {
		if (ferror(in)) {
			diag_error(d, "cannot read %s", name);
			result = STORE_IO_ERROR;
		} else {
			diag_row(d, name, csv_line(im.csv), "row", "%s", csv_problem(im.csv));
			im.counts.rejected++;
		}
	}
	if (im.batch) {
		schema_buf_free(&im.batch->arena);
		free(im.batch);
	}
	schema_buf_free(&im.held_problems);
	csv_close(im.csv);
	if (result == STORE_OK && im.counts.rejected)
		result = STORE_DATA_ERROR;
	if (result == STORE_OK)
		result = finish_import(&im);
	if (result == STORE_OK)
		result = schema_write_commit(s, nested, d);
	else
		schema_write_rollback(s, nested);
	schema_cache_for_import(s, false);
	if (result != STORE_OK)
		im.counts.added = 0;  /* nothing of the file is stored */
	*counts = im.counts;
	return result;
}

enum store_status store_import_signals(store *s, FILE *in, const char *name,
				       diag *d, store_import_counts *counts)
{
	return run_import(s, in, name, d, counts, true);
}

enum store_status store_import_outcomes(store *s, FILE *in, const char *name,
					diag *d, store_import_counts *counts)
{
	return run_import(s, in, name, d, counts, false);
}
