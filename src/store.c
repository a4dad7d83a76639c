/* store.c - the store handle, the household cursor and the write
 * transactions (contracts in store.h; import is in import.c, the run
 * history in store_runs.c, all SQL in schema.c).
 * The cursor streams: it steps two ordered statements (signals and outcomes
 * of the run month's households) side by side and holds one batch of
 * households (at most 256) at a time in buffers it reuses, so memory
 * depends on the largest batch, not on the store. Every value read back is
 * checked (text, dates, numbers in their ranges, enum names, a household
 * listed for the month having a signal in it): a value this program did
 * not write is reported as a damaged store, never guessed. */
#include "schema.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum store_status store_connect(const char *path, enum store_access access, int busy_ms,
				store **out, diag *d)
{
	*out = NULL;
	store *s = calloc(1, sizeof *s);
	if (!s) {
		diag_error(d, "out of memory opening the store %s", path);
		return STORE_IO_ERROR;
	}
	const enum store_status st = schema_connect(s, path, access, busy_ms, d);
	if (st != STORE_OK) {
		store_close(s);
		return st;
	}
	*out = s;
	return STORE_OK;
}

store *store_open(const char *path, int busy_ms, diag *d)
{
	store *s;
	store_connect(path, STORE_READ_WRITE, busy_ms, &s, d);
	return s;
}

void store_close(store *s)
{
	if (!s)
		return;
	if (s->db && !sqlite3_get_autocommit(s->db))
		store_rollback(s);
	schema_disconnect(s);
	schema_buf_free(&s->run_strings);
	schema_buf_free(&s->policy);
	schema_buf_free(&s->decision);
	free(s->decision_labels);
	schema_buf_free(&s->scratch);
	free(s);
}

static void month_text(vr_month month, char buf[8])
{
	vr_month_format(month, buf);
}

/* ------------------------------------------------------------ cursor -- */

/* Months of the span whose first days the cursor keeps (a received date in
 * them is converted without the calendar; one outside, as explain may read,
 * takes the long way). */
enum { CURSOR_SPAN_MAX = 64 };

/* Where a signal's strings sit in the arena until the household is whole. */
typedef struct signal_text {
	size_t id, person, creditor, district;
} signal_text;

struct store_cursor {
	store *s;
	diag *d;
	bool streaming;             /* owns sig and SQL_CURSOR_OUTCOMES; else a store_household holder */
	unsigned reads;             /* enum vr_read: the parts filled in */
	unsigned history_reads;     /* those of a signal before the run month */
	vr_date run_first;          /* first day of the run month */
	int col[SIG_NCOLS];         /* where sig returns each column (-1: not read) */
	vr_month span_month;        /* the first month the cursor reads */
	int span_months;            /* how many months month_first holds (0: none) */
	vr_date month_first[CURSOR_SPAN_MAX + 1];   /* first day of each, and of the next */
	uint64_t month_prefix[CURSOR_SPAN_MAX];     /* the bytes "YYYY-MM-" of each */
	sqlite3_stmt *sig, *out;
	bool sig_row, out_row;      /* the statement stands on a row not yet read */
	char month[8], first[11], last[11];

	schema_buf arena;           /* the current batch's strings */
	bool arena_moved;           /* since the batch began */
	size_t key, key_len;
	size_t household_signal;    /* the current household's first in signals */
	vr_signal *signals;
	signal_text *signal_text;
	size_t nsignals, signals_cap;
	vr_outcome *outcomes;
	size_t *outcome_ids;
	size_t noutcomes, outcomes_cap;
};

/* SQLite's BINARY order, which the statements' ORDER BY follows. */
static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* A value for a message: `text` (at most SIZE - 3 bytes of it, cut at a
 * character), or what it is when it is no text. */
static const char *describe(sqlite3_value *v, char *buf, size_t size)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		return "(empty)";
	case SQLITE_BLOB:
		snprintf(buf, size, "(a blob of %d byte%s)", sqlite3_value_bytes(v),
			 sqlite3_value_bytes(v) == 1 ? "" : "s");
		return buf;
	default:
		break;
	}
	const char *t = (const char *)sqlite3_value_text(v);
	size_t n = t ? strlen(t) : 0;
	if (n > size - 3) {
		n = size - 3;
		while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(buf, size, "`%.*s`", (int)n, t ? t : "");
	return buf;
}

/* The signal_id of the signal on c->sig's current row, into BUF. The
 * streaming statement selects signal_id only when the policy reads it, so
 * otherwise the household's signals are read again, in the same order and
 * snapshot, to the same place (an error path: the cost does not matter). */
static const char *current_signal_id(store_cursor *c, char *buf, size_t size)
{
	if (c->col[SIG_SIGNAL_ID] >= 0)
		return describe(sqlite3_column_value(c->sig, c->col[SIG_SIGNAL_ID]), buf, size);
	const char *id = "(not known)";
	sqlite3_stmt *one = schema_stmt(c->s, SQL_ONE_SIGNALS, c->d);
	if (!one)
		return id;
	sqlite3_bind_text(one, 1, c->first, -1, SQLITE_STATIC);
	sqlite3_bind_text(one, 2, c->arena.p + c->key, (int)c->key_len, SQLITE_STATIC);
	sqlite3_bind_text(one, 3, c->last, -1, SQLITE_STATIC);
	sqlite3_bind_int64(one, 4, c->s->imports_upto > 0 ? c->s->imports_upto : INT64_MAX);
	const size_t want = c->nsignals - c->household_signal;
	for (size_t i = 0; sqlite3_step(one) == SQLITE_ROW; i++)
		if (i == want) {
			id = describe(sqlite3_column_value(one, SIG_SIGNAL_ID), buf, size);
			break;
		}
	sqlite3_reset(one);
	sqlite3_clear_bindings(one);
	return id;
}

/* Reports column COL (NAME in the data contract) of the current row of ST
 * (c->sig or c->out), which is not EXPECTED: a value import never writes.
 * The row is named by its household and its signal_id (a signal) or date
 * (an outcome); the run stops there (exit 5). */
static int damaged(store_cursor *c, sqlite3_stmt *st, int col, const char *name, const char *expected)
{
	char value[96], row[160];
	const char *id = st == c->out ? describe(sqlite3_column_value(st, 1), row, sizeof row)
				      : current_signal_id(c, row, sizeof row);
	describe(sqlite3_column_value(st, col), value, sizeof value);
	diag_error(c->d, "the store %s is damaged: household %s, %s %s: %s %s is not %s",
		   c->s->path, c->arena.p + c->key, st == c->out ? "outcome of" : "signal", id,
		   name, value, expected);
	return -1;
}

/* The same for a number outside 0..MAX ("whole cents" for money). */
static int damaged_number(store_cursor *c, sqlite3_stmt *st, int col, const char *name,
			  int64_t max, bool money, bool optional)
{
	char expected[96];
	snprintf(expected, sizeof expected, "%s from 0 to %lld%s", money ? "whole cents" : "a whole number",
		 (long long)max, optional ? " (or empty)" : "");
	return damaged(c, st, col, name, expected);
}

/* The same for a name that is not one of NAMES. */
static int damaged_name(store_cursor *c, sqlite3_stmt *st, int col, const char *name,
			const char *const *names, int n)
{
	char expected[160];
	size_t used = (size_t)snprintf(expected, sizeof expected, "one of ");
	for (int i = 0; i < n && used < sizeof expected; i++)
		used += (size_t)snprintf(expected + used, sizeof expected - used, "%s%s", i ? ", " : "", names[i]);
	return damaged(c, st, col, name, expected);
}

/* Copies LEN bytes of T into the cursor's arena; its offset, or
 * (size_t)-1. Notes when the arena moves (read_batch points the signals at
 * their strings again). */
static inline size_t arena_add(store_cursor *c, const char *t, size_t len)
{
	schema_buf *b = &c->arena;
	if (b->len + len + 1 > b->cap) {
		const uintptr_t was = (uintptr_t)b->p;
		const size_t at = schema_buf_add(b, t, len);
		c->arena_moved |= (uintptr_t)b->p != was;
		return at;
	}
	const size_t at = b->len;
	memcpy(b->p + at, t, len);
	b->p[at + len] = '\0';
	b->len += len + 1;
	return at;
}

/* Every value the cursor reads is checked to be of the kind import writes
 * (text, a date, a number in its range, a name of its enum): a store edited
 * by hand must not decide with a value read as something else ('abc' as 0,
 * a negative amount, 31 June). The checks reuse what is read anyway: one
 * sqlite3_column_value per column, its type, then its value; a range is
 * one unsigned comparison. (Text is not searched for NUL bytes, which
 * import refuses: text is taken up to its first, as before.) */

/* Text column COL of ST: 1 text at *T, 0 NULL, -1 anything else (a number,
 * a blob). */
static inline int column_text(sqlite3_stmt *st, int col, const char **t)
{
	sqlite3_value *v = sqlite3_column_value(st, col);
	const int type = sqlite3_value_type(v);
	*t = NULL;
	if (type != SQLITE_TEXT)
		return type == SQLITE_NULL ? 0 : -1;
	*t = (const char *)sqlite3_value_text(v);
	return *t ? 1 : -1;
}

/* Integer column COL of ST: 1 read into *OUT, 0 NULL, -1 anything else. */
static inline int column_integer(sqlite3_stmt *st, int col, int64_t *out)
{
	sqlite3_value *v = sqlite3_column_value(st, col);
	const int type = sqlite3_value_type(v);
	if (type != SQLITE_INTEGER)
		return type == SQLITE_NULL ? 0 : -1;
	*out = sqlite3_value_int64(v);
	return 1;
}

/* A number column from 0 to MAX: into *OUT (VR_MISSING when it is NULL
 * and OPTIONAL); -1, reported, otherwise. */
static inline int column_number(store_cursor *c, sqlite3_stmt *st, int col, const char *name,
				int64_t max, bool money, bool optional, int64_t *out)
{
	const int k = column_integer(st, col, out);
	if (k == 1 && (uint64_t)*out <= (uint64_t)max)
		return 0;
	if (k == 0 && optional) {
		*out = VR_MISSING;
		return 0;
	}
	return damaged_number(c, st, col, name, max, money, optional);
}

/* The index of text T in NAMES, or -1; compares the first byte before
 * anything else, since this runs for every enum of every signal. */
static inline int name_index(const char *const *names, int n, const char *t)
{
	for (int i = 0; i < n; i++)
		if (names[i][0] == t[0] && strcmp(names[i], t) == 0)
			return i;
	return -1;
}

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') <= 9;
}

/* An enum column: the index of its name, or -1 (reported). */
static inline int column_enum(store_cursor *c, sqlite3_stmt *st, int col,
			      const char *const *names, int n, const char *name)
{
	const char *t;
	const int v = column_text(st, col, &t) == 1 ? name_index(names, n, t) : -1;
	return v >= 0 ? v : damaged_name(c, st, col, name, names, n);
}

/* A date column: 1 read into *OUT, 0 NULL, -1 not a date. */
static int column_date(sqlite3_stmt *st, int col, vr_date *out)
{
	const char *t;
	const int k = column_text(st, col, &t);
	if (k <= 0)
		return k;
	return vr_date_parse(t, strlen(t), out) ? 1 : -1;
}

/* The received date on the current row: 1 read, -1 not a date. The span's
 * months are known, so a date in the span is recognised by its first eight
 * bytes ("YYYY-MM-", compared as one word with its month's) and its day
 * checked against the length of its month (31 June is no day). */
static int column_received(store_cursor *c, sqlite3_stmt *st, vr_date *out)
{
	const char *t;
	if (column_text(st, c->col[SIG_RECEIVED], &t) != 1)
		return -1;
	const size_t len = strlen(t);
	if (len == 10 && is_digit(t[8]) && is_digit(t[9])) {
		/* The month the digits would say, then its prefix compared as one
		 * word: bytes that are not digits cannot match it. */
		const int k = ((t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0')) * 12 +
			      (t[5] - '0') * 10 + (t[6] - '0') - 1 - c->span_month;
		uint64_t head;
		memcpy(&head, t, sizeof head);
		if (k >= 0 && k < c->span_months && head == c->month_prefix[k]) {
			const int day = (t[8] - '0') * 10 + (t[9] - '0');
			if (day < 1 || day > c->month_first[k + 1] - c->month_first[k])
				return -1;
			*out = c->month_first[k] + day - 1;
			return 1;
		}
	}
	return vr_date_parse(t, len, out) ? 1 : -1;
}

static int out_of_memory(store_cursor *c)
{
	diag_error(c->d, "out of memory reading the store %s", c->s->path);
	return -1;
}

/* Copies text column COL (NAME) into the arena at *AT; -1 (reported) when
 * it is not text or memory runs out. */
static int column_copy(store_cursor *c, sqlite3_stmt *st, int col, const char *name, size_t *at)
{
	const char *t;
	if (column_text(st, col, &t) != 1)
		return damaged(c, st, col, name, "text");
	if ((*at = arena_add(c, t, strlen(t))) == (size_t)-1)
		return out_of_memory(c);
	return 0;
}

/* A 0/1 column into *OUT (-1 for NULL when OPTIONAL); -1, reported, for
 * anything else. */
static inline int column_flag(store_cursor *c, sqlite3_stmt *st, int col, const char *name,
			      bool optional, int8_t *out)
{
	int64_t v;
	const int k = column_integer(st, col, &v);
	if (k == 1 && (uint64_t)v <= 1) {
		*out = (int8_t)v;
		return 0;
	}
	if (k == 0 && optional) {
		*out = -1;
		return 0;
	}
	return damaged(c, st, col, name, optional ? "0, 1 or empty" : "0 or 1");
}

/* Appends the signal on the current row of c->sig. */
static int add_signal(store_cursor *c)
{
	sqlite3_stmt *st = c->sig;
	size_t cap = c->signals_cap;
	if (!schema_grow((void **)&c->signals, &cap, c->nsignals + 1, sizeof *c->signals) ||
	    !schema_grow((void **)&c->signal_text, &c->signals_cap, c->nsignals + 1,
		  sizeof *c->signal_text))
		return out_of_memory(c);
	vr_signal *g = &c->signals[c->nsignals];
	signal_text *t = &c->signal_text[c->nsignals];
	if (column_received(c, st, &g->received) != 1)
		return damaged(c, st, c->col[SIG_RECEIVED], "received", "a date YYYY-MM-DD");
	const unsigned r = g->received < c->run_first ? c->history_reads : c->reads;
	/* A part not read gets its "not read" value (household.h); EMPTY is
	 * the "" that ends the key in the arena. */
	const size_t empty = c->key + c->key_len;
	t->id = t->creditor = t->district = empty;
	t->person = c->key;
	if (r & VR_READ_SIGNAL_ID && column_copy(c, st, c->col[SIG_SIGNAL_ID], "signal_id", &t->id) < 0)
		return -1;
	if (r & VR_READ_PERSON) {
		const char *person;
		const int k = column_text(st, c->col[SIG_PERSON], &person);
		if (k < 0)
			return damaged(c, st, c->col[SIG_PERSON], "person", "text (or empty)");
		if (k && (t->person = arena_add(c, person, strlen(person))) == (size_t)-1)
			return out_of_memory(c);
	}
	if ((r & VR_READ_CREDITOR && column_copy(c, st, c->col[SIG_CREDITOR], "creditor", &t->creditor) < 0) ||
	    (r & VR_READ_DISTRICT && column_copy(c, st, c->col[SIG_DISTRICT], "district", &t->district) < 0))
		return -1;
	/* Right while the arena stays where it is (read_batch sees to it). */
	const char *a = c->arena.p;
	g->signal_id = a + t->id;
	g->person = a + t->person;
	g->creditor = a + t->creditor;
	g->district = a + t->district;
	g->birth_date = VR_DATE_NONE;
	if (r & VR_READ_BIRTH_DATE && column_date(st, c->col[SIG_BIRTH_DATE], &g->birth_date) < 0)
		return damaged(c, st, c->col[SIG_BIRTH_DATE], "birth_date", "a date YYYY-MM-DD (or empty)");
	g->installment = g->installments_missed = g->days_overdue = VR_MISSING;
	if (column_number(c, st, c->col[SIG_ARREARS], "arrears", VR_CENTS_MAX, true, false, &g->arrears) < 0 ||
	    (r & VR_READ_INSTALLMENT && column_number(c, st, c->col[SIG_INSTALLMENT], "installment",
						      VR_CENTS_MAX, true, true, &g->installment) < 0) ||
	    (r & VR_READ_INSTALLMENTS_MISSED &&
	     column_number(c, st, c->col[SIG_INSTALLMENTS_MISSED], "installments_missed",
			   VR_COUNT_MAX, false, true, &g->installments_missed) < 0) ||
	    (r & VR_READ_DAYS_OVERDUE && column_number(c, st, c->col[SIG_DAYS_OVERDUE], "days_overdue",
						       VR_COUNT_MAX, false, true, &g->days_overdue) < 0))
		return -1;
	int sector = 0, kind = 0, form = 0;
	if (r & VR_READ_SECTOR)
		sector = column_enum(c, st, c->col[SIG_SECTOR], vr_sector_names, SECTOR_COUNT, "sector");
	if (r & VR_READ_KIND && sector >= 0)
		kind = column_enum(c, st, c->col[SIG_KIND], vr_kind_names, KIND_COUNT, "kind");
	if (r & VR_READ_LEGAL_FORM && sector >= 0 && kind >= 0)
		form = column_enum(c, st, c->col[SIG_LEGAL_FORM], vr_legal_form_names, LEGAL_COUNT, "legal_form");
	if (sector < 0 || kind < 0 || form < 0)
		return -1;
	g->sector = (uint8_t)sector;
	g->kind = (uint8_t)kind;
	g->legal_form = (uint8_t)form;
	int8_t brp = -1, phone = 0, email = 0, help = 0;
	if ((r & VR_READ_BRP_MATCH && column_flag(c, st, c->col[SIG_BRP_MATCH], "brp_match", true, &brp) < 0) ||
	    (r & VR_READ_HAS_PHONE && column_flag(c, st, c->col[SIG_HAS_PHONE], "has_phone", false, &phone) < 0) ||
	    (r & VR_READ_HAS_EMAIL && column_flag(c, st, c->col[SIG_HAS_EMAIL], "has_email", false, &email) < 0) ||
	    (r & VR_READ_KNOWN_DEBT_HELP &&
	     column_flag(c, st, c->col[SIG_KNOWN_DEBT_HELP], "known_debt_help", false, &help) < 0))
		return -1;
	g->brp_match = brp;
	g->has_phone = (uint8_t)phone;
	g->has_email = (uint8_t)email;
	g->known_debt_help = (uint8_t)help;
	c->nsignals++;
	return 0;
}

/* Outcome statements return household, date, outcome, signal_id. */
static int add_outcome(store_cursor *c)
{
	sqlite3_stmt *st = c->out;
	size_t cap = c->outcomes_cap;
	if (!schema_grow((void **)&c->outcomes, &cap, c->noutcomes + 1, sizeof *c->outcomes) ||
	    !schema_grow((void **)&c->outcome_ids, &c->outcomes_cap, c->noutcomes + 1,
		  sizeof *c->outcome_ids))
		return out_of_memory(c);
	vr_outcome *o = &c->outcomes[c->noutcomes];
	if (column_copy(c, st, 3, "signal_id", &c->outcome_ids[c->noutcomes]) < 0)
		return -1;
	if (column_date(st, 1, &o->date) != 1)
		return damaged(c, st, 1, "date", "a date YYYY-MM-DD");
	const int kind = column_enum(c, st, 2, vr_outcome_names, OUTCOME_COUNT, "outcome");
	if (kind < 0)
		return -1;
	o->outcome = (uint8_t)kind;
	c->noutcomes++;
	return 0;
}

/* Steps ST; *ROW tells whether it stands on a row. False on error (reported). */
static bool step(store_cursor *c, sqlite3_stmt *st, bool *row)
{
	const int rc = sqlite3_step(st);
	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return true;
	schema_fail(c->s, "read households", c->d);
	return false;
}

/* Whether the row ST stands on is the current household's. A key that is
 * no text is another household's, which read_household then refuses. */
static bool same_household(store_cursor *c, sqlite3_stmt *st)
{
	const char *k;
	return column_text(st, c->col[SIG_HOUSEHOLD], &k) == 1 && strlen(k) == c->key_len &&
	       memcmp(k, c->arena.p + c->key, c->key_len) == 0;
}

static int outcome_cmp(const vr_outcome *a, const vr_outcome *b)
{
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->outcome != b->outcome)
		return a->outcome < b->outcome ? -1 : 1;
	return strcmp(a->signal_id, b->signal_id);
}

/* The store reads outcomes in name order; the contract is (date, outcome
 * as enum vr_outcome_kind, signal_id). A household has few outcomes and they
 * are nearly in order, so insertion sort. */
static void sort_outcomes(vr_outcome *o, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		const vr_outcome x = o[i];
		size_t j = i;
		while (j > 0 && outcome_cmp(&x, &o[j - 1]) < 0) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = x;
	}
}

/* Where a household read into the cursor's buffers sits in them, until
 * its batch is whole and pointers can be made. */
typedef struct household_at {
	size_t key, signal, nsignals, outcome, noutcomes;
} household_at;

/* Reads the household whose first signal c->sig stands on, and its
 * outcomes from c->out, after those already in the buffers; leaves both
 * statements on the next household's first row. */
static int read_household(store_cursor *c, household_at *at)
{
	const char *k;
	const bool key_ok = column_text(c->sig, c->col[SIG_HOUSEHOLD], &k) == 1;
	const size_t klen = key_ok ? strlen(k) : 0;
	c->key = arena_add(c, key_ok ? k : "", klen);
	c->key_len = klen;
	c->household_signal = c->nsignals;
	if (c->key == (size_t)-1)
		return out_of_memory(c);
	if (!key_ok)
		return damaged(c, c->sig, c->col[SIG_HOUSEHOLD], "household", "text");
	*at = (household_at){ c->key, c->nsignals, 0, c->noutcomes, 0 };
	do {
		if (add_signal(c) < 0 || !step(c, c->sig, &c->sig_row))
			return -1;
	} while (c->sig_row && same_household(c, c->sig));
	/* Listed for the run month (month_households), so import stored a
	 * signal of that month: none there means one was changed by hand. The
	 * last signal is the latest. */
	if (c->signals[c->nsignals - 1].received < c->run_first) {
		diag_error(c->d, "the store %s is damaged: household %s is listed for %s, but has no "
			   "signal received in that month", c->s->path, c->arena.p + c->key, c->month);
		return -1;
	}

	while (c->out_row) {
		const char *ok;
		if (column_text(c->out, 0, &ok) != 1)
			return damaged(c, c->out, 0, "household", "text");
		const int cmp = key_cmp(ok, strlen(ok), c->arena.p + c->key, klen);
		if (cmp > 0)
			break;
		if (cmp == 0 && add_outcome(c) < 0)
			return -1;
		if (!step(c, c->out, &c->out_row))
			return -1;
	}

	at->nsignals = c->nsignals - at->signal;
	at->noutcomes = c->noutcomes - at->outcome;
	return 1;
}

/* Reads up to MAX households into the emptied buffers, then points OUT at
 * them (the arena may have moved while they were read): how many, or -1. */
static int read_batch(store_cursor *c, vr_household *out, int max)
{
	enum { AT_MAX = 256 };
	household_at at[AT_MAX];
	if (max > AT_MAX)
		max = AT_MAX;
	c->arena.len = 0;
	c->nsignals = 0;
	c->noutcomes = 0;
	/* The arena grows (and may move) only for a household larger than any
	 * before: then the signals are pointed at their strings again. */
	c->arena_moved = false;
	int n = 0;
	while (n < max && c->sig_row)
		if (read_household(c, &at[n++]) < 0)
			return -1;
	const char *a = c->arena.p;
	for (size_t i = 0; c->arena_moved && i < c->nsignals; i++) {
		const signal_text *t = &c->signal_text[i];
		c->signals[i].signal_id = a + t->id;
		c->signals[i].person = a + t->person;
		c->signals[i].creditor = a + t->creditor;
		c->signals[i].district = a + t->district;
	}
	for (size_t i = 0; i < c->noutcomes; i++)
		c->outcomes[i].signal_id = a + c->outcome_ids[i];
	for (int k = 0; k < n; k++) {
		vr_outcome *o = c->outcomes + at[k].outcome;
		sort_outcomes(o, at[k].noutcomes);
		out[k] = (vr_household){
			.key = a + at[k].key,
			.signals = c->signals + at[k].signal, .nsignals = at[k].nsignals,
			.outcomes = o, .noutcomes = at[k].noutcomes,
		};
	}
	return n;
}

/* The span a run of MONTH reads, as the bounds of the statements'
 * BETWEEN: from 'YYYY-MM' of its first month (LOOKBACK months before
 * MONTH), which sorts before every date of that month, to 'YYYY-MM' of
 * MONTH and a byte 0xFF, which sorts after every date of MONTH and every
 * text that starts like one (0xFF is in no UTF-8 text). So a date that is
 * no real day but names a month of the span ('2024-06-31') is read, and
 * refused as damage, instead of passed over unseen. */
static void set_span(store_cursor *c, vr_month month, int lookback)
{
	month_text(month, c->month);
	month_text(month - (lookback > 0 ? lookback : 0), c->first);
	memcpy(c->last, c->month, 7);
	c->last[7] = '\xff';
	c->last[8] = '\0';
	c->run_first = vr_month_first_day(month);
}

static store_cursor *cursor_new(store *s, diag *d)
{
	store_cursor *c = calloc(1, sizeof *c);
	if (!c)
		diag_error(d, "out of memory reading the store %s", s->path);
	else {
		c->s = s;
		c->d = d;
		c->reads = c->history_reads = VR_READ_ALL;
		for (int i = 0; i < SIG_NCOLS; i++)
			c->col[i] = i;   /* SQL_ONE_SIGNALS returns every column in order */
	}
	return c;
}

store_cursor *store_households(store *s, vr_month month, int lookback, unsigned reads,
			       unsigned history_reads, diag *d)
{
	if (s->cursor_open) {
		diag_error(d, "the store %s already has a household cursor open", s->path);
		return NULL;
	}
	store_cursor *c = cursor_new(s, d);
	if (!c)
		return NULL;
	c->streaming = true;
	c->reads = reads;
	c->history_reads = history_reads & reads;
	c->span_month = month - (lookback > 0 ? lookback : 0);
	c->span_months = month - c->span_month + 1;
	if (c->span_months > CURSOR_SPAN_MAX)
		c->span_months = 0;
	for (int i = 0; i <= c->span_months && c->span_months; i++)
		c->month_first[i] = vr_month_first_day(c->span_month + i);
	for (int i = 0; i < c->span_months; i++) {
		char day[11];
		vr_date_format(c->month_first[i], day);
		memcpy(&c->month_prefix[i], day, sizeof c->month_prefix[i]);
	}
	if (!(c->out = schema_stmt(s, SQL_CURSOR_OUTCOMES, d))) {
		free(c);
		return NULL;
	}
	s->cursor_open = true;
	if (!(c->sig = schema_cursor_signals(s, reads, c->col, d))) {
		store_cursor_close(c);
		return NULL;
	}
	set_span(c, month, lookback);
	sqlite3_stmt *const both[2] = { c->sig, c->out };
	for (int i = 0; i < 2; i++) {
		sqlite3_bind_text(both[i], 1, c->month, -1, SQLITE_STATIC);
		sqlite3_bind_text(both[i], 2, c->first, -1, SQLITE_STATIC);
		sqlite3_bind_text(both[i], 3, c->last, -1, SQLITE_STATIC);
	}
	if (s->imports_upto > 0)
		sqlite3_bind_int64(c->sig, 4, s->imports_upto);
	sqlite3_bind_int64(c->out, 4, s->imports_upto > 0 ? s->imports_upto : INT64_MAX);
	/* Both statements step before either ends, so they share one read
	 * transaction: one snapshot of the store for the whole walk. Without
	 * outcomes to read, the outcome statement stands on no row. */
	if (!step(c, c->sig, &c->sig_row) ||
	    (reads & VR_READ_OUTCOMES && !step(c, c->out, &c->out_row))) {
		store_cursor_close(c);
		return NULL;
	}
	return c;
}

int store_cursor_next(store_cursor *c, vr_household *out)
{
	return store_cursor_next_batch(c, out, 1);
}

int store_cursor_next_batch(store_cursor *c, vr_household *out, int max)
{
	if (!c->streaming || !c->sig_row || max < 1)
		return 0;
	return read_batch(c, out, max);
}

void store_cursor_close(store_cursor *c)
{
	if (!c)
		return;
	if (c->streaming) {
		sqlite3_finalize(c->sig);
		sqlite3_reset(c->out);
		sqlite3_clear_bindings(c->out);
		c->s->cursor_open = false;
	}
	schema_buf_free(&c->arena);
	free(c->signals);
	free(c->signal_text);
	free(c->outcomes);
	free(c->outcome_ids);
	free(c);
}

int store_household(store *s, const char *key, vr_month month, int lookback,
		    store_cursor **holder, vr_household *out, diag *d)
{
	if (!*holder && !(*holder = cursor_new(s, d)))
		return -1;
	store_cursor *c = *holder;
	if (c->streaming) {
		diag_error(d, "store_household: the holder is a streaming cursor");
		return -1;
	}
	c->d = d;
	set_span(c, month, lookback);
	sqlite3_stmt *cur = schema_stmt(s, SQL_ONE_CURRENT, d);
	if (!cur || !schema_stmt(s, SQL_ONE_SIGNALS, d) || !schema_stmt(s, SQL_ONE_OUTCOMES, d))
		return -1;
	sqlite3_bind_text(cur, 1, c->month, -1, SQLITE_STATIC);
	sqlite3_bind_text(cur, 2, key, -1, SQLITE_STATIC);
	bool current;
	const bool ok = step(c, cur, &current);
	sqlite3_reset(cur);
	sqlite3_clear_bindings(cur);
	if (!ok)
		return -1;
	if (!current)
		return 0;
	c->sig = s->stmt[SQL_ONE_SIGNALS];
	c->out = s->stmt[SQL_ONE_OUTCOMES];
	sqlite3_stmt *const both[2] = { c->sig, c->out };
	for (int i = 0; i < 2; i++) {
		sqlite3_bind_text(both[i], 1, c->first, -1, SQLITE_STATIC);
		sqlite3_bind_text(both[i], 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(both[i], 3, c->last, -1, SQLITE_STATIC);
		sqlite3_bind_int64(both[i], 4, s->imports_upto > 0 ? s->imports_upto : INT64_MAX);
	}
	int rc = -1;
	if (step(c, c->sig, &c->sig_row) && step(c, c->out, &c->out_row))
		rc = c->sig_row ? read_batch(c, out, 1) : 0;
	for (int i = 0; i < 2; i++) {
		sqlite3_reset(both[i]);
		sqlite3_clear_bindings(both[i]);
	}
	return rc;
}

void store_read_as_of(store *s, long long imports_upto)
{
	s->imports_upto = imports_upto > 0 ? imports_upto : 0;
}

/* ------------------------------------------------------ transactions -- */

enum store_status store_begin(store *s, diag *d)
{
	if (!sqlite3_get_autocommit(s->db)) {
		diag_error(d, "the store %s already has a run transaction open", s->path);
		return STORE_IO_ERROR;
	}
	bool nested;
	return schema_write_begin(s, &nested, d);
}

enum store_status store_commit(store *s, diag *d)
{
	if (sqlite3_get_autocommit(s->db)) {
		diag_error(d, "the store %s has no run transaction to commit", s->path);
		return STORE_IO_ERROR;
	}
	return schema_write_commit(s, false, d);
}

void store_rollback(store *s)
{
	schema_write_rollback(s, false);
}
