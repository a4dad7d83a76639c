/* store_feedback.c - feedback to creditors inside the store (contracts in
 * store.h): each run's per-signal codes recorded with it, the signals whose
 * feedback is still to give, the outcomes that decide a code, the signals
 * a run did not see, and the batches of feedback given, row by row. Text
 * read back that this program did not write (a date that is no date, a
 * code out of range) is reported as a damaged store, never guessed. */
#include "schema.h"

#include <stdio.h>
#include <string.h>

static const char *text_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

static bool column_date(sqlite3_stmt *st, int col, vr_date *out)
{
	const char *t = text_or_empty(st, col);
	return vr_date_parse(t, strlen(t), out);
}

static enum store_status damaged(store *s, const char *what, diag *d)
{
	diag_error(d, "the store %s is damaged: %s cannot be read back", s->path, what);
	return STORE_IO_ERROR;
}

/* A statement's column read as text is NULL when memory ran out: that is
 * no damage. */
static enum store_status unreadable(store *s, const char *what, diag *d)
{
	if (sqlite3_errcode(s->db) == SQLITE_NOMEM)
		return schema_fail(s, "read the feedback records", d);
	return damaged(s, what, d);
}

enum store_status store_insert_run_signals(store *s, long long run_id, const store_run_signal *v,
					   size_t n, diag *d)
{
	bool nested;
	enum store_status result = schema_write_begin(s, &nested, d);
	if (result != STORE_OK)
		return result;
	sqlite3_stmt *st = schema_stmt(s, SQL_RUN_SIGNAL_INSERT, d);
	sqlite3_stmt *kept = st ? schema_stmt(s, SQL_RUN_FEEDBACK_KEPT, d) : NULL;
	if (!kept) {
		schema_write_rollback(s, nested);
		return STORE_IO_ERROR;
	}
	for (size_t i = 0; i < n && result == STORE_OK; i++) {
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, v[i].signal_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, v[i].code);
		const int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			result = schema_fail(s, "record the feedback codes of a run", d);
	}
	sqlite3_clear_bindings(st);
	if (result == STORE_OK) {
		sqlite3_bind_int64(kept, 1, run_id);
		const int rc = sqlite3_step(kept);
		sqlite3_reset(kept);
		sqlite3_clear_bindings(kept);
		if (rc != SQLITE_DONE)
			result = schema_fail(s, "record the feedback codes of a run", d);
	}
	if (result != STORE_OK) {
		schema_write_rollback(s, nested);
		return result;
	}
	return schema_write_commit(s, nested, d);
}

enum store_status store_feedback_pending(store *s, bool (*fn)(const store_pending *, void *),
					 void *arg, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_PENDING, d);
	if (!st)
		return STORE_IO_ERROR;
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_pending p = { .run_id = sqlite3_column_int64(st, 0) };
		const char *month = text_or_empty(st, 1);
		const int code = sqlite3_column_int(st, 3);
		p.code = (uint8_t)code;
		p.signal_id = (const char *)sqlite3_column_text(st, 4);
		p.household = (const char *)sqlite3_column_text(st, 6);
		p.creditor = (const char *)sqlite3_column_text(st, 7);
		if (!p.signal_id || !p.household || !p.creditor) {
			result = unreadable(s, "a signal to feed back", d);
			break;
		}
		if (!vr_month_parse(month, strlen(month), &p.month) || !column_date(st, 2, &p.run_date) ||
		    !column_date(st, 5, &p.received) || code < 0 || code >= FEEDBACK_COUNT) {
			char what[96];
			snprintf(what, sizeof what, "the feedback code of run %lld for a signal", p.run_id);
			result = damaged(s, what, d);
			break;
		}
		if (!fn(&p, arg))
			break;
	}
	if (result == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		result = schema_fail(s, "read the signals to feed back", d);
	sqlite3_reset(st);
	return result;
}

enum store_status store_feedback_outcomes(store *s, const char *household, const char *signal_id,
					  vr_date first, vr_date last,
					  bool (*fn)(const vr_outcome *, void *), void *arg, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_OUTCOMES, d);
	if (!st)
		return STORE_IO_ERROR;
	char from[11], to[11];
	vr_date_format(first, from);
	vr_date_format(last, to);
	sqlite3_bind_text(st, 1, household, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, signal_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, to, -1, SQLITE_STATIC);
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = text_or_empty(st, 1);
		const int k = vr_enum_lookup(vr_outcome_names, OUTCOME_COUNT, name, strlen(name));
		vr_date date;
		if (k < 0 || !column_date(st, 0, &date)) {
			result = unreadable(s, "an outcome", d);
			break;
		}
		const vr_outcome o = { .signal_id = "", .date = date, .outcome = (uint8_t)k };
		if (!fn(&o, arg))
			break;
	}
	if (result == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		result = schema_fail(s, "read the outcomes", d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

enum store_status store_feedback_unseen(store *s, void (*fn)(long long run_id, vr_month month,
							      long count, void *arg),
					void *arg, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_UNSEEN, d);
	if (!st)
		return STORE_IO_ERROR;
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = text_or_empty(st, 1);
		vr_month month;
		if (!vr_month_parse(m, strlen(m), &month)) {
			result = unreadable(s, "the month of a run", d);
			break;
		}
		fn(sqlite3_column_int64(st, 0), month, (long)sqlite3_column_int64(st, 2), arg);
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "count the signals the runs did not see", d);
	sqlite3_reset(st);
	return result;
}

/* ------------------------------------------------------------ batches -- */

enum store_status store_feedback_insert_batch(store *s, store_batch *b, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_BATCH_INSERT, d);
	if (!st)
		return STORE_IO_ERROR;
	char as_of[11];
	vr_date_format(b->as_of, as_of);
	sqlite3_bind_text(st, 1, as_of, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->dutch ? "dutch" : "comma", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->dir, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, b->given);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return schema_fail(s, "record a batch of feedback", d);
	b->id = sqlite3_last_insert_rowid(s->db);
	return STORE_OK;
}

/* Steps ST for one batch, as store_feedback_latest_batch returns. */
static int read_batch(store *s, sqlite3_stmt *st, store_batch *out, diag *d)
{
	const int rc = sqlite3_step(st);
	int result = 0;
	if (rc == SQLITE_ROW) {
		store_batch b = { .id = sqlite3_column_int64(st, 0), .given = (long)sqlite3_column_int64(st, 5) };
		const char *dialect = text_or_empty(st, 3);
		const char *text[2] = { text_or_empty(st, 2), text_or_empty(st, 4) };
		size_t at[2];
		s->scratch.len = 0;
		for (int i = 0; i < 2; i++)
			at[i] = schema_buf_add(&s->scratch, text[i], strlen(text[i]));
		if (at[0] == (size_t)-1 || at[1] == (size_t)-1) {
			diag_error(d, "out of memory reading the store %s", s->path);
			result = -1;
		} else if (!column_date(st, 1, &b.as_of) ||
			   (strcmp(dialect, "comma") != 0 && strcmp(dialect, "dutch") != 0)) {
			char what[64];
			snprintf(what, sizeof what, "feedback batch %lld", b.id);
			damaged(s, what, d);
			result = -1;
		} else {
			b.dutch = strcmp(dialect, "dutch") == 0;
			b.written = s->scratch.p + at[0];
			b.dir = s->scratch.p + at[1];
			*out = b;
			result = 1;
		}
	} else if (rc != SQLITE_DONE) {
		schema_fail(s, "read the feedback batches", d);
		result = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

int store_feedback_latest_batch(store *s, store_batch *out, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_BATCH_LATEST, d);
	return st ? read_batch(s, st, out, d) : -1;
}

int store_feedback_batch(store *s, long long id, store_batch *out, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_BATCH_BY_ID, d);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return read_batch(s, st, out, d);
}

enum store_status store_feedback_insert_given(store *s, long long batch, const store_given *v, size_t n,
					      diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_INSERT, d);
	if (!st)
		return STORE_IO_ERROR;
	enum store_status result = STORE_OK;
	for (size_t i = 0; i < n && result == STORE_OK; i++) {
		char received[11], date[11];
		vr_date_format(v[i].received, received);
		vr_date_format(v[i].date, date);
		sqlite3_bind_text(st, 1, v[i].signal_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, batch);
		sqlite3_bind_int64(st, 3, v[i].run_id);
		sqlite3_bind_text(st, 4, v[i].creditor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, received, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, v[i].code);
		sqlite3_bind_text(st, 7, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, v[i].file, -1, SQLITE_STATIC);
		const int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			continue;
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
			diag_error(d, "cannot record the feedback on signal %s: it was given before", v[i].signal_id);
			result = STORE_DATA_ERROR;
		} else {
			result = schema_fail(s, "record the feedback given", d);
		}
	}
	sqlite3_clear_bindings(st);
	return result;
}

enum store_status store_feedback_given(store *s, long long batch,
				       void (*fn)(const store_given *, void *), void *arg, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_FEEDBACK_OF_BATCH, d);
	if (!st)
		return STORE_IO_ERROR;
	sqlite3_bind_int64(st, 1, batch);
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_given g = { .run_id = sqlite3_column_int64(st, 6) };
		g.signal_id = (const char *)sqlite3_column_text(st, 0);
		g.creditor = (const char *)sqlite3_column_text(st, 1);
		g.file = (const char *)sqlite3_column_text(st, 5);
		const int code = sqlite3_column_int(st, 3);
		if (!g.signal_id || !g.creditor || !g.file) {
			result = unreadable(s, "the feedback given", d);
			break;
		}
		if (!column_date(st, 2, &g.received) || !column_date(st, 4, &g.date) || code < 1 ||
		    code >= FEEDBACK_COUNT) {
			char what[64];
			snprintf(what, sizeof what, "the feedback of batch %lld", batch);
			result = damaged(s, what, d);
			break;
		}
		g.code = (uint8_t)code;
		fn(&g, arg);
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "read the feedback given", d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}
