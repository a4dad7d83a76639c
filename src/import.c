/* import.c - signals and outcomes CSV into the store (data-contract.md
 * sections 1 and 2; contract in store.h).
 * One pass, one write transaction: every row is checked and every problem
 * reported as FILE:LINE: column: what is wrong, in line order. Good signals
 * are held in a batch and stored a batch at a time, sorted by the table's
 * key, in one statement that reads them where they lie (schema_rows.c),
 * while the next batch is read in a thread of its own. Duplicates and
 * conflicts, in the file or with the store, are found by the store's own
 * unique keys and then compared, as if the rows had gone in one by one in
 * file order. A batch's messages (its
 * bad rows' and its conflicts') are told once it is stored, in line order.
 * If any row was bad the transaction is rolled back and nothing of the
 * file is stored. Memory is bounded by the batch, not the file; the hot
 * path allocates nothing once the buffers have grown: a row's values are
 * copied from the reader's record into the batch's arena, which is reused.
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
#include "mailbox.h"
#include "schema.h"
#include "text.h"

#include <pthread.h>
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

/* Messages about rows are held, then told in line order (tell_held): a
 * batch of signals is stored sorted by key, so its conflicts are found out
 * of line order, after the bad rows among them were read. */
typedef struct held_message {
	long line;
	size_t at;                  /* of "column\0message\0" in said */
} held_message;

typedef struct messages {
	schema_buf said;            /* "column\0message\0" each */
	held_message *held;         /* where each is and the line it is about */
	size_t n, cap;
	bool lost;                  /* one could not be held: out of memory */
} messages;

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
	int date_col;               /* the column a row's month is read from */
	vr_date kept_from;          /* the first day a purge left (0: never purged) */
	char kept_month[8];
	/* The reader's (for signals, in its own thread: see store_signals) */
	long line;                  /* the current record's */
	bool row_bad;
	messages *told;             /* where the current row's problems go */
	int rc;                     /* csv_next's last */
	bool out_of_memory;         /* holding a row failed: reading stopped */
	/* The writer's (the thread that has the store) */
	long long import_id;
	store_import_counts counts;
	messages own;               /* outcomes' (signals' are their batch's) */
	struct batch *batches[2];   /* one read while the other is stored */
	mailbox full, empty;        /* batches to store, and stored ones back */
} import;

/* ---------------------------------------------------------- messages -- */

/* Holds message MSG (LEN bytes) about line LINE, column COL. Out of
 * memory, M is marked lost (tell_held fails the import): the reader may
 * not tell it now, in its own thread. */
static void hold_message(messages *m, long line, const char *col, const char *msg, size_t len)
{
	const size_t before = m->said.len;
	if (m->n == m->cap) {
		const size_t cap = m->cap ? 2 * m->cap : 64;
		held_message *h = realloc(m->held, cap * sizeof *h);
		if (h) {
			m->held = h;
			m->cap = cap;
		}
	}
	if (m->n < m->cap && schema_buf_add(&m->said, col, strlen(col)) != (size_t)-1 &&
	    schema_buf_add(&m->said, msg, len) != (size_t)-1) {
		m->held[m->n++] = (held_message){ .line = line, .at = before };
		return;
	}
	m->said.len = before;
	m->lost = true;
}

static void messages_free(messages *m)
{
	schema_buf_free(&m->said);
	free(m->held);
}

static void hold_messagef(messages *m, long line, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* hold_message of the text FMT makes, however long (it may quote a long id). */
static void hold_messagef(messages *m, long line, const char *col, const char *fmt, ...)
{
	char small[1024];
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	const int n = vsnprintf(small, sizeof small, fmt, ap);
	char *msg = n >= (int)sizeof small ? malloc((size_t)n + 1) : NULL;
	if (msg)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	va_end(again);
	va_end(ap);
	if (n >= 0)
		hold_message(m, line, col, msg ? msg : small, msg ? (size_t)n : strlen(small));
	free(msg);
}

static int by_line(const void *a, const void *b)
{
	const held_message *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;   /* as held: a row's in field order */
}

/* Tells the messages M holds, in line order; false (said) when one was
 * lost for want of memory. */
static bool tell_held(import *im, messages *m)
{
	if (m->n > 1)   /* none held: m->held may be NULL, which qsort may not take */
		qsort(m->held, m->n, sizeof *m->held, by_line);
	for (size_t k = 0; k < m->n; k++) {
		const char *col = m->said.p + m->held[k].at;
		diag_row(im->d, im->name, m->held[k].line, col, "%s", col + strlen(col) + 1);
	}
	m->n = 0;
	m->said.len = 0;
	if (!m->lost)
		return true;
	m->lost = false;
	diag_error(im->d, "out of memory importing %s: a message about its rows could not be kept", im->name);
	return false;
}

/* ---------------------------------------------------------- checking -- */

static void problem(import *im, const char *col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Notes a problem of the current row in column COL (held: see tell_held). */
static void problem(import *im, const char *col, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->row_bad = true;
	hold_message(im->told, im->line, col, msg, strlen(msg));
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
 * has any problem, all of them held (tell_held). */
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
	/* A purged month stays purged: an old file imported again (or a
	 * creditor's cumulative file) does not bring its rows back. */
	const value *date = &vals[im->date_col];
	if (!im->row_bad && im->kept_from && date->i < im->kept_from)
		problem(im, im->cols[im->date_col].name, "`%.*s` is before %s, the first month the store keeps "
			"(the months before it were purged): leave the row out", (int)date->len, date->s,
			im->kept_month);
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
 * or a conflict (held in TOLD about LINE, the row rejected). */
static enum store_status compare_stored(import *im, messages *told, long line, const value *v, bool *found)
{
	store *s = im->s;
	sqlite3_stmt *st = schema_stmt(s, SQL_SIGNAL_BY_ID, im->d);
	*found = false;
	if (!st)
		return STORE_IO_ERROR;
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
		const long stored_line = (long)sqlite3_column_int64(st, SIG_NCOLS);
		const long long from = sqlite3_column_int64(st, SIG_NCOLS + 1);
		const char *file = (const char *)sqlite3_column_text(st, SIG_NCOLS + 2);
		im->counts.rejected++;
		if (from == im->import_id)
			hold_messagef(told, line, "signal_id",
				      "`%.*s` is also on line %ld, with another %s",
				      (int)v[SIG_SIGNAL_ID].len, v[SIG_SIGNAL_ID].s, stored_line, differs);
		else
			hold_messagef(told, line, "signal_id",
				      "`%.*s` is stored already (from %s, line %ld) with another %s",
				      (int)v[SIG_SIGNAL_ID].len, v[SIG_SIGNAL_ID].s,
				      file ? file : "an earlier import", stored_line, differs);
	}
	sqlite3_reset(st);
	return STORE_OK;
}

static enum store_status add_month_household(import *im, const value *v)
{
	sqlite3_stmt *mh = schema_stmt(im->s, SQL_MONTH_HOUSEHOLD_INSERT, im->d);
	if (!mh)
		return STORE_IO_ERROR;
	sqlite3_bind_text(mh, 1, v[SIG_RECEIVED].s, 7, SQLITE_STATIC);
	bind_value(mh, 2, &v[SIG_HOUSEHOLD]);
	const int rc = sqlite3_step(mh);
	sqlite3_reset(mh);
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(im->s, "import", im->d);
}

/* Stores one normalised signal on its own: added, or (*FOUND) identical or
 * a conflict. This is the path of rows whose id may be stored (a batch
 * statement met one), so it looks first: re-importing a file costs a
 * lookup per row, not a failed insert and a lookup. */
static enum store_status store_signal(import *im, messages *told, long line, const value *v, bool *found)
{
	store *s = im->s;
	enum store_status result = compare_stored(im, told, line, v, found);
	if (result != STORE_OK || *found)
		return result;
	sqlite3_stmt *st = schema_stmt(s, SQL_SIGNAL_INSERT, im->d);
	if (!st)
		return STORE_IO_ERROR;
	for (int c = 0; c < SIG_NCOLS; c++)
		bind_value(st, c + 1, &v[c]);
	sqlite3_bind_int64(st, SIG_NCOLS + 1, im->import_id);
	sqlite3_bind_int64(st, SIG_NCOLS + 2, line);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return schema_fail(s, "import", im->d);
	im->counts.added++;
	return add_month_household(im, v);
}

/* ------------------------------------------------------------ batches -- */

/* Signals are stored a batch at a time, the batch sorted by key. A file
 * comes in date order and the table is keyed by household, so rows stored
 * as they come land all over the table: a page fetched for one is cold
 * again by the time the next row needs it. Sorted, a batch sweeps the
 * table once, in order. (A file sorted whole would sweep it once, but
 * scatter the signal_id index instead, whose rows come in id order; sorted
 * a batch at a time, a batch's ids stay among the last pages of the
 * index. bench/README.md has the measurements.) A batch ends at
 * IMPORT_BATCH_ROWS rows, or sooner when its rows fill IMPORT_BATCH_BYTES
 * or its held messages IMPORT_MESSAGE_BYTES: that bounds import's memory,
 * whatever the size of the file. */
#define IMPORT_BATCH_ROWS SCHEMA_IMPORT_BATCH
/* The first batch is small: the store waits for it, and starts sooner. */
#define IMPORT_FIRST_BATCH_ROWS 2048
#define IMPORT_BATCH_BYTES ((size_t)16 << 20)
#define IMPORT_MESSAGE_BYTES ((size_t)4 << 20)

/* A held value, in 16 bytes: an integer, an enum's name (its number in I),
 * or text by offset into the batch's arena (which may move as it grows). */
typedef struct held {
	int64_t i;
	uint32_t off;
	unsigned len : 29, null : 1, text : 1, name : 1;
} held;

/* A held row: where it starts in the file, and its values. */
typedef struct held_row {
	long line;
	bool repeat;           /* its id is on an earlier line of the batch */
	held v[SIG_NCOLS];
} held_row;

/* A row's place in key order: (household, received, signal_id), as the
 * table orders them; HEAD, the household's first 8 bytes, settles most.
 * AT is where the row is in the arena. */
typedef struct sort_key {
	uint64_t head;
	const char *household, *id;
	uint32_t hlen, idlen;
	int32_t day;
	uint32_t at;
} sort_key;

/* The id lookup that finds repeats: open addressing, a row's number in
 * line order + 1 in a slot (0: empty), at most half full. */
#define ID_SLOTS (2 * IMPORT_BATCH_ROWS)

/* A month ('YYYY-MM', the first 7 bytes of a received date) and household
 * that rows a batch statement added have, in the batch's arena. */
typedef struct pair {
	const char *month, *household;
	uint32_t hlen;
} pair;

/* A row is its held_row and then its text, together in the arena (8-byte
 * aligned), so that reading it in key order, scattered over the batch,
 * fetches few cache lines and nothing else. */
typedef struct batch {
	uint32_t rows;         /* it is full at this many */
	messages told;         /* about its rows: bad ones, then conflicts */
	long bad;              /* rows rejected as they were read */
	schema_buf arena;
	uint32_t *at;          /* where each row starts in the arena, in line order */
	sort_key *order;       /* the rows that are not repeats, in key order */
	uint32_t nwaiting;
	pair *pair;            /* months and households to add */
	uint32_t *slot;
	uint32_t n;
} batch;

static void batch_free(batch *b)
{
	if (!b)
		return;
	messages_free(&b->told);
	schema_buf_free(&b->arena);
	free(b->at), free(b->order), free(b->pair), free(b->slot);
	free(b);
}

static batch *batch_new(void)
{
	batch *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->at = malloc(IMPORT_BATCH_ROWS * sizeof *b->at);
	b->order = malloc(IMPORT_BATCH_ROWS * sizeof *b->order);
	b->pair = malloc(IMPORT_BATCH_ROWS * sizeof *b->pair);
	b->slot = calloc(ID_SLOTS, sizeof *b->slot);
	b->rows = IMPORT_BATCH_ROWS;
	if (!b->at || !b->order || !b->pair || !b->slot) {
		batch_free(b);
		return NULL;
	}
	return b;
}

/* Is the batch full: rows, text or held messages? */
static bool batch_full(const batch *b)
{
	return b->n == b->rows || b->arena.len >= IMPORT_BATCH_BYTES ||
		b->told.said.len >= IMPORT_MESSAGE_BYTES;
}

static held_row *row_at(const batch *b, uint32_t at)
{
	return (held_row *)(void *)(b->arena.p + at);
}

/* Makes room for LEN more bytes at the end of B, left as they are. */
static bool grow(schema_buf *b, size_t len)
{
	if (b->len + len <= b->cap) {
		b->len += len;
		return true;
	}
	size_t cap = b->cap ? b->cap : 65536;
	while (cap < b->len + len)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	b->len += len;
	return true;
}

/* Holds the row of LINE, values V, in B; false when out of memory. */
static bool hold(batch *b, long line, const value *v)
{
	held_row h = { .line = line };
	const size_t at = (b->arena.len + 7) & ~(size_t)7;
	if (at + sizeof h > UINT32_MAX || !grow(&b->arena, at + sizeof h - b->arena.len))
		return false;
	for (int c = 0; c < SIG_NCOLS; c++) {
		held *x = &h.v[c];
		*x = (held){ .null = v[c].null, .i = v[c].i, .len = (unsigned)v[c].len };
		if (v[c].null || !v[c].s)
			continue;
		if (signal_columns[c].type == T_ENUM) {
			x->name = 1;
			continue;
		}
		x->text = 1;
		x->off = (uint32_t)b->arena.len;
		if (b->arena.len + v[c].len > UINT32_MAX || !grow(&b->arena, v[c].len))
			return false;
		memcpy(b->arena.p + x->off, v[c].s, v[c].len);
	}
	memcpy(b->arena.p + at, &h, sizeof h);
	b->at[b->n++] = (uint32_t)at;
	return true;
}

/* Row H of the batch as values pointing into the arena. */
static void unhold(const batch *b, const held_row *h, value *v)
{
	for (int c = 0; c < SIG_NCOLS; c++) {
		const held *x = &h->v[c];
		v[c] = (value){ .null = x->null, .i = x->i, .len = x->len,
				.s = x->text ? b->arena.p + x->off
				   : x->name ? signal_columns[c].names[x->i] : NULL };
	}
}

static const char *held_text(const batch *b, const held_row *h, int c)
{
	return b->arena.p + h->v[c].off;
}

/* FNV-1a: ids are short. */
static uint32_t id_hash(const char *s, uint32_t len)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Marks each row whose id is on an earlier line of the batch a repeat:
 * within a batch, the first line of an id is the one stored (or compared
 * with the store), as if the rows went in one by one in file order. */
static void find_repeats(batch *b)
{
	memset(b->slot, 0, ID_SLOTS * sizeof *b->slot);
	for (uint32_t r = 0; r < b->n; r++) {
		held_row *h = row_at(b, b->at[r]);
		const char *id = held_text(b, h, SIG_SIGNAL_ID);
		const uint32_t len = h->v[SIG_SIGNAL_ID].len;
		uint32_t k = id_hash(id, len) & (ID_SLOTS - 1);
		h->repeat = false;
		for (; b->slot[k]; k = (k + 1) & (ID_SLOTS - 1)) {
			const held_row *q = row_at(b, b->at[b->slot[k] - 1]);
			if (q->v[SIG_SIGNAL_ID].len == len && memcmp(held_text(b, q, SIG_SIGNAL_ID), id, len) == 0) {
				h->repeat = true;
				break;
			}
		}
		if (!h->repeat)
			b->slot[k] = r + 1;
	}
}

static int text_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	const int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

static int by_key(const void *pa, const void *pb)
{
	const sort_key *a = pa, *b = pb;
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	int c = text_cmp(a->household, a->hlen, b->household, b->hlen);
	if (c == 0)
		c = (a->day > b->day) - (a->day < b->day);
	return c ? c : text_cmp(a->id, a->idlen, b->id, b->idlen);
}

/* The rows that are not repeats, in key order, into b->order; returns how
 * many. */
static uint32_t sort_waiting(batch *b)
{
	uint32_t n = 0;
	for (uint32_t r = 0; r < b->n; r++) {
		const held_row *h = row_at(b, b->at[r]);
		if (h->repeat)
			continue;
		const char *household = held_text(b, h, SIG_HOUSEHOLD);
		const uint32_t hlen = h->v[SIG_HOUSEHOLD].len;
		uint64_t head = 0;
		for (uint32_t i = 0; i < 8; i++)
			head = head << 8 | (i < hlen ? (unsigned char)household[i] : 0);
		b->order[n++] = (sort_key){ .head = head, .household = household, .hlen = hlen,
					    .day = (int32_t)h->v[SIG_RECEIVED].i,
					    .id = held_text(b, h, SIG_SIGNAL_ID),
					    .idlen = h->v[SIG_SIGNAL_ID].len, .at = b->at[r] };
	}
	qsort(b->order, n, sizeof *b->order, by_key);
	return n;
}

/* Stores the row of B at AT on its own (store_signal). */
static enum store_status store_held(import *im, batch *b, uint32_t at, bool *found)
{
	const held_row *h = row_at(b, at);
	value v[SIG_NCOLS];
	unhold(b, h, v);
	return store_signal(im, &b->told, h->line, v, found);
}

/* Rows fetched ahead of the one handed to SQLite: in key order they lie
 * all over the batch, and waiting for each in turn would cost more than
 * handing it over. */
enum { FETCH_AHEAD = 4 };

static void fetch(const batch *b, uint32_t at)
{
#if defined(__GNUC__)
	const char *p = b->arena.p + at;
	for (size_t k = 0; k < sizeof(held_row) + 128; k += 64)
		__builtin_prefetch(p + k);
#else
	(void)b, (void)at;
#endif
}

/* What import_rows hands SQLite: the rows of B from ORDER[FROM] on. */
typedef struct feed {
	const batch *b;
	uint32_t from;
	long long import_id;
} feed;

/* Column COL of row ROW of a feed (schema_rows), as it lies in the arena. */
static void signal_column(void *ctx, long row, int col, sqlite3_context *out)
{
	const feed *f = ctx;
	const batch *b = f->b;
	const uint32_t i = f->from + (uint32_t)row;
	if (col == 0 && i + FETCH_AHEAD < b->nwaiting)
		fetch(b, b->order[i + FETCH_AHEAD].at);
	const held_row *h = row_at(b, b->order[i].at);
	if (col >= SIG_NCOLS) {
		sqlite3_result_int64(out, col == SIG_NCOLS ? f->import_id : h->line);
		return;
	}
	const held *x = &h->v[col];
	if (x->null)
		sqlite3_result_null(out);
	else if (x->text)
		sqlite3_result_text(out, b->arena.p + x->off, (int)x->len, SQLITE_STATIC);
	else if (x->name)
		sqlite3_result_text(out, signal_columns[col].names[x->i], (int)x->len, SQLITE_STATIC);
	else
		sqlite3_result_int64(out, x->i);
}

/* Inserts rows ORDER[FROM..) in one statement, until a stored id stops it
 * (OR FAIL). Returns how many went in, or -1; the months and households of
 * those go to b->pair[*NPAIRS...], each once (in key order a household's
 * rows of a month are together). */
static long insert_rows(import *im, batch *b, uint32_t from, uint32_t *npairs)
{
	store *s = im->s;
	sqlite3_stmt *st = schema_stmt(s, SQL_SIGNAL_INSERT_BATCH, im->d);
	if (!st)
		return -1;
	feed f = { .b = b, .from = from, .import_id = im->import_id };
	schema_rows *rows = &s->rows[SCHEMA_ROWS_SIGNALS];
	rows->n = b->nwaiting - from;
	rows->ctx = &f;
	rows->column = signal_column;
	const int rc = sqlite3_step(st);
	const long done = rc == SQLITE_DONE ? rows->n : sqlite3_changes(s->db);
	sqlite3_reset(st);
	rows->n = 0;
	rows->ctx = NULL;
	if (rc != SQLITE_DONE && (sqlite3_extended_errcode(s->db) & 0xff) != SQLITE_CONSTRAINT) {
		schema_fail(s, "import", im->d);
		return -1;
	}
	for (long k = 0; k < done; k++) {
		const held_row *h = row_at(b, b->order[from + (uint32_t)k].at);
		const pair p = { .month = held_text(b, h, SIG_RECEIVED), .household = held_text(b, h, SIG_HOUSEHOLD),
				 .hlen = h->v[SIG_HOUSEHOLD].len };
		const pair *last = *npairs ? &b->pair[*npairs - 1] : NULL;
		if (!last || last->hlen != p.hlen || memcmp(last->month, p.month, 7) != 0 ||
		    memcmp(last->household, p.household, p.hlen) != 0)
			b->pair[(*npairs)++] = p;
	}
	im->counts.added += done;
	return done;
}

static void pair_column(void *ctx, long row, int col, sqlite3_context *out)
{
	const pair *p = (const pair *)ctx + row;
	if (col == 0)
		sqlite3_result_text(out, p->month, 7, SQLITE_STATIC);
	else
		sqlite3_result_text(out, p->household, (int)p->hlen, SQLITE_STATIC);
}

/* Adds the NPAIRS months and households noted, in one statement. */
static enum store_status add_month_households(import *im, const batch *b, uint32_t npairs)
{
	store *s = im->s;
	sqlite3_stmt *st = schema_stmt(s, SQL_MONTH_HOUSEHOLD_INSERT_BATCH, im->d);
	if (!st)
		return STORE_IO_ERROR;
	schema_rows *rows = &s->rows[SCHEMA_ROWS_PAIRS];
	rows->n = npairs;
	rows->ctx = b->pair;
	rows->column = pair_column;
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	rows->n = 0;
	rows->ctx = NULL;
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(s, "import", im->d);
}

/* After a stored id stopped a statement, rows go one by one, looking their
 * id up first, until this many in a row were new: a file imported again, or
 * partly, meets stored ids all the time, and a statement that stops early
 * at each of them costs more than a lookup. */
enum { ALONE_STREAK = SCHEMA_ALONE_STREAK };

/* Stores batch B, which read_batch sorted: the rows in key order, in
 * one statement (import_rows), a row whose id is stored (and some
 * after it, see ALONE_STREAK) one by one; the months and households the
 * statements added; then the repeats, in line order. Then tells the
 * batch's messages, in line order, and empties it for the reader. */
static enum store_status write_batch(import *im, batch *b)
{
	const uint32_t n = b->nwaiting;
	enum store_status result = STORE_OK;
	uint32_t npairs = 0, streak = ALONE_STREAK;
	for (uint32_t i = 0; result == STORE_OK && i < n;) {
		if (streak >= ALONE_STREAK) {
			const long done = insert_rows(im, b, i, &npairs);
			if (done < 0) {
				result = STORE_IO_ERROR;
				break;
			}
			i += (uint32_t)done;
			if (i == n)
				break;
			streak = 0;
		}
		/* The row whose stored id stopped a statement, and the rows after
		 * it until ALONE_STREAK of them in a row were new. */
		bool found;
		result = store_held(im, b, b->order[i++].at, &found);
		streak = found ? 0 : streak + 1;
	}
	if (result == STORE_OK)
		result = add_month_households(im, b, npairs);
	bool stored;
	for (uint32_t r = 0; result == STORE_OK && r < b->n; r++)
		if (row_at(b, b->at[r])->repeat)
			result = store_held(im, b, b->at[r], &stored);
	im->counts.rejected += b->bad;
	if (!tell_held(im, &b->told) && result == STORE_OK)
		result = STORE_IO_ERROR;
	b->n = b->nwaiting = 0;
	b->rows = IMPORT_BATCH_ROWS;
	b->bad = 0;
	b->arena.len = 0;
	return result;
}

/* ------------------------------------------------- reading and storing -- */

/* Signals are read and checked in one thread and stored in another, a
 * batch at a time: while the store takes one batch, the next is read,
 * checked and sorted. Each side has its own part of `import`; a batch
 * goes from one to the other through a mailbox, which orders what one
 * wrote before what the other reads. Messages stay in line order: a
 * batch's are told when it is stored, and batches are stored in the order
 * they were read. Memory holds two batches, still bounded by the batch. */

/* Reads rows into B until it is full or the file ends, then marks its
 * repeats and sorts it for write_batch. False at the end of the file, or
 * when reading stopped (im->rc < 0: the reader's problem; out of memory). */
static bool read_batch(import *im, batch *b)
{
	value vals[MAX_COLUMNS];
	im->told = &b->told;
	bool more = true;
	while (!batch_full(b)) {
		if ((im->rc = csv_next(im->csv)) <= 0) {
			more = false;
			break;
		}
		if (!check_row(im, vals)) {
			b->bad++;
			continue;
		}
		normalise_signal(vals);
		if (!hold(b, im->line, vals)) {
			im->out_of_memory = true;
			b->n = 0;   /* its messages are still told */
			more = false;
			break;
		}
	}
	find_repeats(b);
	b->nwaiting = sort_waiting(b);
	return more;
}

/* The reader's thread: batches read, handed to the writer, taken back
 * empty, until the file ends or the writer closes the mailboxes. */
static void *reader(void *arg)
{
	import *im = arg;
	batch *b = im->batches[0];
	for (;;) {
		const bool more = read_batch(im, b);
		if (!mailbox_put(&im->full, b) || !more || !(b = mailbox_take(&im->empty)))
			break;
	}
	mailbox_close(&im->empty);
	mailbox_close(&im->full);
	return NULL;
}

/* Reads and stores the signals, the reading in a thread of its own (or,
 * when none can be started, taking turns with the storing). */
static enum store_status store_signals(import *im)
{
	for (int k = 0; k < 2; k++)
		if (!(im->batches[k] = batch_new())) {
			diag_error(im->d, "out of memory importing %s", im->name);
			return STORE_IO_ERROR;
		}
	im->batches[0]->rows = IMPORT_FIRST_BATCH_ROWS;
	enum store_status result = STORE_OK;
	bool threaded = false;
	pthread_t thread;
	if (mailbox_init(&im->full)) {
		if (mailbox_init(&im->empty)) {
			threaded = mailbox_put(&im->empty, im->batches[1]) &&
				pthread_create(&thread, NULL, reader, im) == 0;
			if (!threaded)
				mailbox_destroy(&im->empty);
		}
		if (!threaded)
			mailbox_destroy(&im->full);
	}
	if (!threaded) {
		for (bool more = true; more && result == STORE_OK;) {
			more = read_batch(im, im->batches[0]);
			result = write_batch(im, im->batches[0]);
		}
		return result;
	}
	for (batch *b; (b = mailbox_take(&im->full));) {
		result = write_batch(im, b);
		if (result != STORE_OK)
			break;
		mailbox_put(&im->empty, b);   /* refused once the reader is done */
	}
	/* After a failure, the reader stops at its next batch. */
	mailbox_close(&im->full);
	mailbox_close(&im->empty);
	pthread_join(thread, NULL);
	mailbox_destroy(&im->full);
	mailbox_destroy(&im->empty);
	return result;
}

/* Stores one checked outcome row: added, or identical to a stored one. */
static enum store_status store_outcome(import *im, value *v)
{
	store *s = im->s;
	if (v[OUT_SIGNAL_ID].null)
		v[OUT_SIGNAL_ID] = (value){ .s = "", .len = 0 };
	sqlite3_stmt *st = schema_stmt(s, SQL_OUTCOME_INSERT, im->d);
	if (!st)
		return STORE_IO_ERROR;
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
	sqlite3_stmt *st = schema_stmt(im->s, SQL_IMPORT_INSERT, im->d);
	if (!st)
		return STORE_IO_ERROR;
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
	sqlite3_stmt *st = schema_stmt(im->s, im->counts.added ? SQL_IMPORT_FINISH : SQL_IMPORT_DELETE, im->d);
	if (!st)
		return STORE_IO_ERROR;
	sqlite3_bind_int64(st, 1, im->import_id);
	if (im->counts.added) {
		sqlite3_bind_int64(st, 2, im->counts.added);
		sqlite3_bind_int64(st, 3, im->counts.identical);
	}
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(im->s, "import", im->d);
}

/* Reads and stores the outcomes, a row at a time: they are few. */
static enum store_status store_outcomes(import *im)
{
	enum store_status result = STORE_OK;
	value vals[MAX_COLUMNS];
	im->told = &im->own;
	while (result == STORE_OK && (im->rc = csv_next(im->csv)) > 0) {
		if (check_row(im, vals))
			result = store_outcome(im, vals);
		else
			im->counts.rejected++;
		if (!tell_held(im, &im->own) && result == STORE_OK)
			result = STORE_IO_ERROR;
	}
	return result;
}

static enum store_status run_import(store *s, FILE *in, const char *name, diag *d,
				    store_import_counts *counts, bool signals)
{
	import im = {
		.s = s, .d = d, .name = name,
		.cols = signals ? signal_columns : outcome_columns,
		.ncols = signals ? SIG_NCOLS : OUT_NCOLS,
		.date_col = signals ? SIG_RECEIVED : OUT_DATE,
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
	const bool bulk = signals && schema_bulk_begin(s);
	bool nested;
	enum store_status result = schema_write_begin(s, &nested, d);
	if (result != STORE_OK) {
		if (bulk)
			schema_bulk_end(s);
		csv_close(im.csv);
		return result;
	}
	vr_month kept;
	const int purged = store_purged_before(s, &kept, d);
	if (purged < 0)
		result = STORE_IO_ERROR;
	if (purged == 1) {
		im.kept_from = vr_month_first_day(kept);
		vr_month_format(kept, im.kept_month);
	}
	schema_cache_for_import(s, true);
	if (result == STORE_OK)
		result = begin_import(&im, signals ? "signals" : "outcomes");
	if (result == STORE_OK)
		result = signals ? store_signals(&im) : store_outcomes(&im);
	if (im.out_of_memory) {
		diag_error(d, "out of memory importing %s", name);
		result = STORE_IO_ERROR;
	}
	if (result == STORE_OK && im.rc < 0) {
		if (ferror(in)) {
			diag_error(d, "cannot read %s", name);
			result = STORE_IO_ERROR;
		} else {
			diag_row(d, name, csv_line(im.csv), "row", "%s", csv_problem(im.csv));
			im.counts.rejected++;
		}
	}
	for (int k = 0; k < 2; k++)
		batch_free(im.batches[k]);
	messages_free(&im.own);
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
	if (bulk)
		schema_bulk_end(s);
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
