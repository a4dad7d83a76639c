/* store_runs.c - the run history (contracts in store.h): a run recorded with
 * its decisions and the policy it was made with, read back, listed and
 * superseded. Labels are kept as JSON arrays of strings, written and read
 * here; text read back that this program did not write is reported as a
 * damaged store, never guessed. */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void month_text(vr_month month, char buf[8])
{
	vr_month_format(month, buf);
}

/* ---------------------------------------------------------------- runs -- */

/* Appends S as a JSON string (quotes, escapes; UTF-8 passes through). */
static bool json_string(schema_buf *b, const char *s)
{
	bool ok = schema_buf_append(b, "\"", 1);
	for (const char *p = s; ok && *p; p++) {
		const unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\') {
			const char esc[2] = { '\\', (char)ch };
			ok = schema_buf_append(b, esc, 2);
		} else if (ch < 0x20) {
			char esc[8];
			snprintf(esc, sizeof esc, "\\u%04x", ch);
			ok = schema_buf_append(b, esc, 6);
		} else {
			ok = schema_buf_append(b, p, 1);
		}
	}
	return ok && schema_buf_append(b, "\"", 1);
}

/* Writes the JSON array of strings ITEMS[0..N) into B (replacing it); a
 * NULL ITEMS or item counts as "". */
static bool json_array(schema_buf *b, const char *const *items, size_t n)
{
	b->len = 0;
	bool ok = schema_buf_append(b, "[", 1);
	for (size_t i = 0; ok && i < n; i++)
		ok = (i == 0 || schema_buf_append(b, ",", 1)) &&
			json_string(b, items && items[i] ? items[i] : "");
	return ok && schema_buf_append(b, "]", 1);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at P (END bounds), or -1. */
static long hex4(const char *p, const char *end)
{
	if (end - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		const int h = hex_digit(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static bool put_utf8(schema_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return schema_buf_append(b, u, n);
}

/* A growable list of offsets into a schema_buf. */
typedef struct offsets {
	size_t *v;
	size_t n, cap;
} offsets;

static bool offsets_push(offsets *o, size_t at)
{
	if (at == (size_t)-1 || !schema_grow((void **)&o->v, &o->cap, o->n + 1, sizeof *o->v))
		return false;
	o->v[o->n++] = at;
	return true;
}

static void skip_space(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
		(*p)++;
}

/* Decodes one JSON string at *P (on its opening quote) into B, NUL-ended;
 * pushes its offset onto O. */
static bool json_decode_string(const char **p, const char *end, schema_buf *b, offsets *o)
{
	if (*p >= end || **p != '"')
		return false;
	(*p)++;
	const size_t at = b->len;
	while (*p < end && **p != '"') {
		if (**p != '\\') {
			const char *run = *p;
			while (*p < end && **p != '"' && **p != '\\')
				(*p)++;
			if (!schema_buf_append(b, run, (size_t)(*p - run)))
				return false;
			continue;
		}
		if (++*p >= end)
			return false;
		const char e = *(*p)++;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *hit = strchr(from, e);
		if (e && hit) {
			if (!schema_buf_append(b, &to[hit - from], 1))
				return false;
			continue;
		}
		if (e != 'u')
			return false;
		long cp = hex4(*p, end);
		if (cp < 0)
			return false;
		*p += 4;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (end - *p < 6 || (*p)[0] != '\\' || (*p)[1] != 'u')
				return false;
			const long lo = hex4(*p + 2, end);
			if (lo < 0xDC00 || lo > 0xDFFF)
				return false;
			*p += 6;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		}
		if (cp == 0 || !put_utf8(b, (unsigned long)cp))
			return false;
	}
	if (*p >= end)
		return false;
	(*p)++;
	return schema_buf_append(b, "", 1) && offsets_push(o, at);
}

/* Decodes a JSON array of strings (as json_array writes it) into B and O. */
static bool json_decode_array(const char *p, size_t len, schema_buf *b, offsets *o)
{
	const char *end = p + len;
	skip_space(&p, end);
	if (p >= end || *p++ != '[')
		return false;
	skip_space(&p, end);
	if (p < end && *p == ']') {
		p++;
	} else {
		for (;;) {
			skip_space(&p, end);
			if (!json_decode_string(&p, end, b, o))
				return false;
			skip_space(&p, end);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == ']') {
				p++;
				break;
			}
			return false;
		}
	}
	skip_space(&p, end);
	return p == end;
}

static const char *text_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

/* The columns of RUN_SELECT (schema.c), in order. */
enum {
	RUN_ID, RUN_MONTH, RUN_POLICY_NAME, RUN_POLICY_VERSION, RUN_SOURCE_SHA256,
	RUN_STARTED, RUN_FINISHED, RUN_HOUSEHOLDS, RUN_SUPERSEDED, RUN_LABEL_NAMES,
	RUN_POLICY_FORM, RUN_SOURCE_NAME, RUN_PROGRAM_SHA256, RUN_LOOKBACK,
	RUN_IMPORTS_UPTO, RUN_SETTINGS, RUN_SUPERSEDED_BY, RUN_HAS_DUE, RUN_FEEDBACK_KEPT
};

static const char *const policy_forms[] = {
	[STORE_POLICY_NONE] = "none", [STORE_POLICY_SOURCE] = "source",
	[STORE_POLICY_BYTECODE] = "bytecode",
};

/* Fills R from a row of RUN_SELECT; the strings are the row's. False when
 * the row holds what this program never writes. */
static bool run_from_row(sqlite3_stmt *st, store_run *r)
{
	*r = (store_run){ .id = sqlite3_column_int64(st, RUN_ID), .lookback = -1, .imports_upto = -1 };
	r->policy_name = text_or_empty(st, RUN_POLICY_NAME);
	r->policy_version = text_or_empty(st, RUN_POLICY_VERSION);
	r->source_sha256 = text_or_empty(st, RUN_SOURCE_SHA256);
	r->started = text_or_empty(st, RUN_STARTED);
	r->finished = text_or_empty(st, RUN_FINISHED);
	r->households = (long)sqlite3_column_int64(st, RUN_HOUSEHOLDS);
	r->superseded = sqlite3_column_int(st, RUN_SUPERSEDED) != 0;
	r->superseded_by = sqlite3_column_int64(st, RUN_SUPERSEDED_BY);
	r->source_name = text_or_empty(st, RUN_SOURCE_NAME);
	r->program_sha256 = text_or_empty(st, RUN_PROGRAM_SHA256);
	r->settings = text_or_empty(st, RUN_SETTINGS);
	r->has_due = sqlite3_column_int(st, RUN_HAS_DUE) != 0;
	r->feedback_kept = sqlite3_column_int(st, RUN_FEEDBACK_KEPT) != 0;
	if (sqlite3_column_type(st, RUN_LOOKBACK) != SQLITE_NULL)
		r->lookback = sqlite3_column_int(st, RUN_LOOKBACK);
	if (sqlite3_column_type(st, RUN_IMPORTS_UPTO) != SQLITE_NULL)
		r->imports_upto = sqlite3_column_int64(st, RUN_IMPORTS_UPTO);
	const char *form = text_or_empty(st, RUN_POLICY_FORM);
	bool known = false;
	for (int i = 0; i < 3 && !known; i++)
		if (strcmp(form, policy_forms[i]) == 0) {
			r->policy_form = (enum store_policy_form)i;
			known = true;
		}
	const char *month = text_or_empty(st, RUN_MONTH);
	return known && vr_month_parse(month, strlen(month), &r->month);
}

static enum store_status damaged_run(store *s, long long id, diag *d)
{
	diag_error(d, "the store %s is damaged: run %lld cannot be read back", s->path, id);
	return STORE_IO_ERROR;
}

/* Copies the strings of R into B (the store's run strings), so R outlives
 * its statement's row. */
static bool keep_run_strings(schema_buf *b, store_run *r)
{
	const char **const text[] = { &r->policy_name, &r->policy_version, &r->source_sha256,
				      &r->started, &r->finished, &r->source_name,
				      &r->program_sha256, &r->settings };
	enum { N = sizeof text / sizeof text[0] };
	size_t at[N];
	b->len = 0;
	for (size_t i = 0; i < N; i++)
		if ((at[i] = schema_buf_add(b, *text[i], strlen(*text[i]))) == (size_t)-1)
			return false;
	for (size_t i = 0; i < N; i++)
		*text[i] = b->p + at[i];
	return true;
}

/* Steps ST (bound by the caller) for one run: 1 *OUT filled, 0 none, -1
 * error. Resets ST. */
static int read_one_run(store *s, sqlite3_stmt *st, store_run *out, diag *d)
{
	const int rc = sqlite3_step(st);
	int result = 0;
	if (rc == SQLITE_ROW) {
		store_run r;
		if (!run_from_row(st, &r)) {
			damaged_run(s, r.id, d);
			result = -1;
		} else if (!keep_run_strings(&s->run_strings, &r)) {
			diag_error(d, "out of memory reading the store %s", s->path);
			result = -1;
		} else {
			*out = r;
			result = 1;
		}
	} else if (rc != SQLITE_DONE) {
		schema_fail(s, "read the runs", d);
		result = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

int store_current_run(store *s, vr_month month, store_run *out, diag *d)
{
	char m[8];
	month_text(month, m);
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_CURRENT, d);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	return read_one_run(s, st, out, d);
}

int store_run_by_id(store *s, long long id, store_run *out, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_BY_ID, d);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return read_one_run(s, st, out, d);
}

int store_run_policy(store *s, long long id, const void **policy, size_t *len, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_POLICY, d);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	const int rc = sqlite3_step(st);
	int result = 0;
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const void *blob = sqlite3_column_blob(st, 0);
		const size_t n = (size_t)sqlite3_column_bytes(st, 0);
		s->policy.len = 0;
		if (!schema_buf_append(&s->policy, blob ? blob : "", n)) {
			diag_error(d, "out of memory reading the store %s", s->path);
			result = -1;
		} else {
			*policy = s->policy.p;
			*len = n;
			result = 1;
		}
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		schema_fail(s, "read the policy of a run", d);
		result = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

enum store_status store_supersede(store *s, long long id, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_SUPERSEDE, d);
	if (!st)
		return STORE_IO_ERROR;
	sqlite3_bind_int64(st, 1, id);
	const int rc = sqlite3_step(st);
	enum store_status result = STORE_OK;
	if (rc != SQLITE_DONE)
		result = schema_fail(s, "supersede a run", d);
	else if (sqlite3_changes(s->db) == 0) {
		diag_error(d, "the store %s has no run %lld to supersede", s->path, id);
		result = STORE_DATA_ERROR;
	}
	sqlite3_reset(st);
	return result;
}

static enum store_status insert_decisions(store *s, long long run_id,
					  const vr_decision_set *set, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_DECISION_INSERT, d);
	if (!st)
		return STORE_IO_ERROR;
	for (size_t i = 0; i < set->nrows; i++) {
		vr_decision_row buf;
		const vr_decision_row *r = vr_decision_at(set, i, &buf);
		if (!json_array(&s->scratch, r->labels, set->nlabels)) {
			diag_error(d, "out of memory recording a run in the store %s", s->path);
			return STORE_IO_ERROR;
		}
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, r->household, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->bucket ? r->bucket : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->reason ? r->reason : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->rule ? r->rule : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r->overflowed_from ? r->overflowed_from : "", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 7, s->scratch.p, (int)s->scratch.len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, r->arrears);
		sqlite3_bind_int64(st, 9, r->place);
		char due[11] = "";
		if (set->has_due && r->due != VR_DATE_NONE)
			vr_date_format(r->due, due);
		sqlite3_bind_text(st, 10, due, -1, SQLITE_STATIC);   /* no copy: an allocation failure must not bind NULL */
		const int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			continue;
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
			diag_error(d, "cannot record the run: household %s has two decisions",
				   r->household);
			return STORE_DATA_ERROR;
		}
		return schema_fail(s, "record a decision", d);
	}
	sqlite3_clear_bindings(st);
	return STORE_OK;
}

/* Keeps the policy RUN was made with, as run ID's (nothing when RUN has
 * none, as a test's run may). */
static enum store_status insert_policy(store *s, long long id, const store_run *run, diag *d)
{
	if (!run->policy || run->policy_form == STORE_POLICY_NONE)
		return STORE_OK;
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_POLICY_INSERT, d);
	if (!st)
		return STORE_IO_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, policy_forms[run->policy_form], -1, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 3, run->policy, run->policy_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, run->source_name ? run->source_name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, run->program_sha256 ? run->program_sha256 : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, run->lookback > 0 ? run->lookback : 0);
	sqlite3_bind_text(st, 7, run->settings && *run->settings ? run->settings : "[]", -1, SQLITE_STATIC);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(s, "keep the policy of a run", d);
}

/* Names run ID as the successor of the runs of MONTH it superseded. */
static enum store_status link_superseded(store *s, long long id, const char *month, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_LINK_SUPERSEDED, d);
	if (!st)
		return STORE_IO_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, month, -1, SQLITE_STATIC);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? STORE_OK : schema_fail(s, "record which run superseded which", d);
}

enum store_status store_insert_run(store *s, store_run *run,
				   const vr_decision_set *set, diag *d)
{
	char m[8];
	month_text(run->month, m);
	if (set && set->month != run->month) {
		char other[8];
		month_text(set->month, other);
		diag_error(d, "cannot record a run for %s with decisions for %s", m, other);
		return STORE_DATA_ERROR;
	}
	bool nested;
	enum store_status result = schema_write_begin(s, &nested, d);
	if (result != STORE_OK)
		return result;
	if (!json_array(&s->scratch, set ? set->label_names : NULL, set ? set->nlabels : 0)) {
		diag_error(d, "out of memory recording a run in the store %s", s->path);
		schema_write_rollback(s, nested);
		return STORE_IO_ERROR;
	}
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_INSERT, d);
	if (!st) {
		schema_write_rollback(s, nested);
		return STORE_IO_ERROR;
	}
	const char *const text[] = { m, run->policy_name, run->policy_version,
				     run->source_sha256, run->started, run->finished };
	for (int i = 0; i < 6; i++)
		sqlite3_bind_text(st, i + 1, text[i] ? text[i] : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, run->households);
	sqlite3_bind_int(st, 8, run->superseded);
	sqlite3_bind_text(st, 9, s->scratch.p, (int)s->scratch.len, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, set && set->has_due);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_UNIQUE) {
			diag_error(d, "the store %s already has a current run for %s: "
				   "supersede it first", s->path, m);
			result = STORE_DATA_ERROR;
		} else {
			result = schema_fail(s, "record a run", d);
		}
	} else {
		const long long id = sqlite3_last_insert_rowid(s->db);
		result = insert_policy(s, id, run, d);
		if (result == STORE_OK)
			result = link_superseded(s, id, m, d);
		if (result == STORE_OK && set)
			result = insert_decisions(s, id, set, d);
		if (result == STORE_OK) {
			result = schema_write_commit(s, nested, d);
			if (result == STORE_OK)
				run->id = id;
			return result;
		}
	}
	schema_write_rollback(s, nested);
	return result;
}

enum store_status store_list_runs(store *s, void (*fn)(const store_run *, void *),
				  void *arg, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_LIST, d);
	if (!st)
		return STORE_IO_ERROR;
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_run r;
		if (!run_from_row(st, &r)) {
			result = damaged_run(s, r.id, d);
			break;
		}
		fn(&r, arg);
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "read the runs", d);
	sqlite3_reset(st);
	return result;
}

/* Where a decision's strings sit in the arena until all are read. */
typedef struct decision_text {
	size_t household, bucket, reason, rule, overflowed_from;
	size_t first_label;        /* index into the label offsets */
} decision_text;

typedef struct decisions_read {
	schema_buf arena;
	offsets label_names, labels;
	vr_decision_row *rows;
	decision_text *text;
	size_t nrows, cap;
} decisions_read;

static void decisions_read_free(decisions_read *r)
{
	schema_buf_free(&r->arena);
	free(r->label_names.v);
	free(r->labels.v);
	free(r->rows);
	free(r->text);
}

enum { ANY_LABELS = -1 };

/* Reads one row of SQL_DECISIONS_OF_RUN into R: a row of NLABELS labels
 * (or ANY_LABELS: as many as it has). */
static bool read_decision(decisions_read *r, sqlite3_stmt *st, size_t nlabels)
{
	size_t cap = r->cap;
	if (!schema_grow((void **)&r->rows, &cap, r->nrows + 1, sizeof *r->rows) ||
	    !schema_grow((void **)&r->text, &r->cap, r->nrows + 1, sizeof *r->text))
		return false;
	decision_text *t = &r->text[r->nrows];
	size_t *const at[5] = { &t->household, &t->bucket, &t->reason, &t->rule,
				&t->overflowed_from };
	for (int col = 0; col < 5; col++) {
		*at[col] = schema_buf_add(&r->arena, text_or_empty(st, col),
					  (size_t)sqlite3_column_bytes(st, col));
		if (*at[col] == (size_t)-1)
			return false;
	}
	t->first_label = r->labels.n;
	if (!json_decode_array(text_or_empty(st, 5), (size_t)sqlite3_column_bytes(st, 5),
			       &r->arena, &r->labels) ||
	    (nlabels != (size_t)ANY_LABELS && r->labels.n - t->first_label != nlabels))
		return false;
	r->rows[r->nrows] = (vr_decision_row){
		.arrears = sqlite3_column_int64(st, 6),
		.place = sqlite3_column_int64(st, 7),
		.due = VR_DATE_NONE,
	};
	/* A due date vroeg wrote, or none: anything else is damage. */
	const char *due = text_or_empty(st, 8);
	const size_t due_len = (size_t)sqlite3_column_bytes(st, 8);
	if (due_len && !vr_date_parse(due, due_len, &r->rows[r->nrows].due))
		return false;
	r->nrows++;
	return true;
}

enum store_status store_read_decisions(store *s, vr_month month,
				       void (*fn)(const vr_decision_set *, void *),
				       void *arg, diag *d)
{
	char m[8];
	month_text(month, m);
	decisions_read r = { 0 };
	enum store_status result = STORE_OK;
	long long run_id = 0;
	bool found = false, has_due = false;

	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_CURRENT, d);
	if (!st || !schema_stmt(s, SQL_DECISIONS_OF_RUN, d))
		return STORE_IO_ERROR;
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found = true;
		run_id = sqlite3_column_int64(st, RUN_ID);
		has_due = sqlite3_column_int(st, RUN_HAS_DUE) != 0;
		if (!json_decode_array(text_or_empty(st, RUN_LABEL_NAMES),
				       (size_t)sqlite3_column_bytes(st, RUN_LABEL_NAMES),
				       &r.arena, &r.label_names))
			result = damaged_run(s, run_id, d);
	} else if (rc != SQLITE_DONE) {
		result = schema_fail(s, "read the runs", d);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (result != STORE_OK || !found) {
		decisions_read_free(&r);
		return result;
	}

	const size_t nlabels = r.label_names.n;
	st = schema_stmt(s, SQL_DECISIONS_OF_RUN, d);
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!read_decision(&r, st, nlabels)) {
			result = damaged_run(s, run_id, d);
			break;
		}
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "read the decisions", d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);

	const char **names = NULL, **values = NULL;
	if (result == STORE_OK) {
		names = malloc((nlabels ? nlabels : 1) * sizeof *names);
		values = malloc((r.labels.n ? r.labels.n : 1) * sizeof *values);
		if (!names || !values) {
			diag_error(d, "out of memory reading the store %s", s->path);
			result = STORE_IO_ERROR;
		}
	}
	if (result == STORE_OK) {
		const char *a = r.arena.p;
		for (size_t i = 0; i < nlabels; i++)
			names[i] = a + r.label_names.v[i];
		for (size_t i = 0; i < r.labels.n; i++)
			values[i] = a + r.labels.v[i];
		for (size_t i = 0; i < r.nrows; i++) {
			const decision_text *t = &r.text[i];
			vr_decision_row *row = &r.rows[i];
			row->household = a + t->household;
			row->bucket = a + t->bucket;
			row->reason = a + t->reason;
			row->rule = a + t->rule;
			row->overflowed_from = a + t->overflowed_from;
			row->labels = values + t->first_label;
		}
		const vr_decision_set set = {
			.month = month, .label_names = names, .nlabels = nlabels,
			.rows = r.rows, .nrows = r.nrows, .has_due = has_due,
		};
		fn(&set, arg);
	}
	free(names);
	free(values);
	decisions_read_free(&r);
	return result;
}

int store_run_decision(store *s, long long run_id, const char *household,
		       vr_decision_row *out, size_t *nlabels, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_DECISION_ONE, d);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, household, -1, SQLITE_STATIC);
	decisions_read r = { 0 };
	const int rc = sqlite3_step(st);
	int result = 0;
	if (rc == SQLITE_ROW) {
		/* As many labels as the row has: the run's names are not read. */
		result = read_decision(&r, st, ANY_LABELS) ? 1 : -1;
		if (result < 0)
			damaged_run(s, run_id, d);
	} else if (rc != SQLITE_DONE) {
		schema_fail(s, "read a decision", d);
		result = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (result == 1) {
		/* Kept in the store's buffers, for the caller. */
		const decision_text *t = &r.text[0];
		schema_buf *b = &s->decision;
		b->len = 0;
		const size_t nl = r.labels.n;
		if (!schema_buf_append(b, r.arena.p, r.arena.len) ||
		    !schema_grow((void **)&s->decision_labels, &s->decision_labels_cap, nl + 1,
				 sizeof *s->decision_labels)) {
			diag_error(d, "out of memory reading the store %s", s->path);
			result = -1;
		} else {
			const char *a = b->p;
			for (size_t i = 0; i < nl; i++)
				s->decision_labels[i] = a + r.labels.v[i];
			*out = r.rows[0];
			out->household = a + t->household;
			out->bucket = a + t->bucket;
			out->reason = a + t->reason;
			out->rule = a + t->rule;
			out->overflowed_from = a + t->overflowed_from;
			out->labels = s->decision_labels;
			*nlabels = nl;
		}
	}
	decisions_read_free(&r);
	return result;
}
