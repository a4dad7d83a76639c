/* store_purge.c - retention and erasure inside the store (contracts in
 * store.h): the rows of the months before a cut (purge) or of one household
 * (forget), the feedback records of them included, counted per month and
 * deleted, the store's settings (the
 * retention term, the month before which nothing is kept), and the wipe
 * that takes the bytes of deleted rows out of the file and its WAL.
 * Deleting is part of the caller's write; the wipe comes after its commit,
 * since SQLite's VACUUM cannot run inside a transaction. */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ settings -- */

int store_setting(store *s, const char *name, char *buf, size_t size, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, SQL_SETTING_GET, d);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	const int rc = sqlite3_step(st);
	int result = 0;
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		const size_t len = v ? strlen(v) : 0;
		if (!v || len >= size) {
			diag_error(d, "the store %s is damaged: its setting %s is not a value this vroeg writes",
				   s->path, name);
			result = -1;
		} else {
			memcpy(buf, v, len + 1);
			result = 1;
		}
	} else if (rc != SQLITE_DONE) {
		schema_fail(s, "read the store's settings", d);
		result = -1;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

enum store_status store_set_setting(store *s, const char *name, const char *value, diag *d)
{
	bool nested;
	enum store_status result = schema_write_begin(s, &nested, d);
	if (result != STORE_OK)
		return result;
	sqlite3_stmt *st = schema_stmt(s, SQL_SETTING_SET, d);
	if (!st) {
		schema_write_rollback(s, nested);
		return STORE_IO_ERROR;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		result = schema_fail(s, "keep a setting", d);
		schema_write_rollback(s, nested);
		return result;
	}
	return schema_write_commit(s, nested, d);
}

int store_purged_before(store *s, vr_month *out, diag *d)
{
	char v[16];
	const int got = store_setting(s, STORE_SETTING_PURGED_BEFORE, v, sizeof v, d);
	if (got != 1)
		return got;
	if (!vr_month_parse(v, strlen(v), out)) {
		diag_error(d, "the store %s is damaged: its setting %s is `%s`, not a month",
			   s->path, STORE_SETTING_PURGED_BEFORE, v);
		return -1;
	}
	return 1;
}

/* ------------------------------------------------------------- removal -- */

void store_removal_free(store_removal *r)
{
	free(r->months);
	*r = (store_removal){ 0 };
}

/* The entry of MONTH in R, made when it is new (R stays in month order). */
static store_removed *month_of(store_removal *r, vr_month month)
{
	size_t i = 0;
	while (i < r->n && r->months[i].month < month)
		i++;
	if (i < r->n && r->months[i].month == month)
		return &r->months[i];
	if (!schema_grow((void **)&r->months, &r->cap, r->n + 1, sizeof *r->months))
		return NULL;
	memmove(&r->months[i + 1], &r->months[i], (r->n - i) * sizeof *r->months);
	r->n++;
	r->months[i] = (store_removed){ .month = month };
	return &r->months[i];
}

/* Which count a statement gives. */
enum table { T_SIGNALS, T_OUTCOMES, T_DECISIONS, T_MONTH_HOUSEHOLDS, T_RUN_SIGNALS, T_FEEDBACK, T_COUNT };

static long *count_of(store_removed *m, enum table t)
{
	switch (t) {
	case T_SIGNALS: return &m->signals;
	case T_OUTCOMES: return &m->outcomes;
	case T_DECISIONS: return &m->decisions;
	case T_RUN_SIGNALS: return &m->run_signals;
	case T_FEEDBACK: return &m->feedback;
	case T_MONTH_HOUSEHOLDS: case T_COUNT: break;
	}
	return &m->month_households;
}

/* The parameters of a purge (the first day and month kept) or a forget
 * (the household), bound to ST. */
typedef struct target {
	const char *household;      /* forget; else purge */
	char first_day[11], month[8];
} target;

static void bind_target(sqlite3_stmt *st, const target *t)
{
	if (t->household) {
		sqlite3_bind_text(st, 1, t->household, -1, SQLITE_STATIC);
		return;
	}
	/* A statement may use the month (?2) and not the day (?1). */
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_text(st, 1, t->first_day, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_text(st, 2, t->month, -1, SQLITE_STATIC);
}

/* Adds the per-month counts of statement WHICH into OUT. */
static enum store_status count(store *s, enum schema_stmt which, enum table t, const target *tg,
			       store_removal *out, diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, which, d);
	if (!st)
		return STORE_IO_ERROR;
	bind_target(st, tg);
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		vr_month month;
		if (!m && sqlite3_errcode(s->db) == SQLITE_NOMEM) {
			result = schema_fail(s, "count the rows to remove", d);
			break;
		}
		if (!m || !vr_month_parse(m, strlen(m), &month)) {
			diag_error(d, "the store %s is damaged: a row has the month `%s`", s->path, m ? m : "");
			result = STORE_IO_ERROR;
			break;
		}
		store_removed *e = month_of(out, month);
		if (!e) {
			diag_error(d, "out of memory reading the store %s", s->path);
			result = STORE_IO_ERROR;
			break;
		}
		const long n = (long)sqlite3_column_int64(st, 1);
		*count_of(e, t) += n;
		*count_of(&out->total, t) += n;
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "count the rows to remove", d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

static enum store_status run_stmt(store *s, enum schema_stmt which, const target *tg, const char *doing,
				  diag *d)
{
	sqlite3_stmt *st = schema_stmt(s, which, d);
	if (!st)
		return STORE_IO_ERROR;
	bind_target(st, tg);
	const int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : schema_fail(s, doing, d);
}

/* Counts, by enum table. */
static const enum schema_stmt purge_counts[T_COUNT] = {
	SQL_PURGE_COUNT_SIGNALS, SQL_PURGE_COUNT_OUTCOMES, SQL_PURGE_COUNT_DECISIONS,
	SQL_PURGE_COUNT_MONTH_HOUSEHOLDS, SQL_PURGE_COUNT_RUN_SIGNALS, SQL_PURGE_COUNT_FEEDBACK,
};
static const enum schema_stmt forget_counts[T_COUNT] = {
	SQL_FORGET_COUNT_SIGNALS, SQL_FORGET_COUNT_OUTCOMES, SQL_FORGET_COUNT_DECISIONS,
	SQL_FORGET_COUNT_MONTH_HOUSEHOLDS, SQL_FORGET_COUNT_RUN_SIGNALS, SQL_FORGET_COUNT_FEEDBACK,
};
/* Deletes, in the order they run: forget finds the feedback records by the
 * household's signals, so they go first. */
static const enum schema_stmt purge_deletes[T_COUNT] = {
	SQL_PURGE_RUN_SIGNALS, SQL_PURGE_FEEDBACK, SQL_PURGE_SIGNALS, SQL_PURGE_OUTCOMES,
	SQL_PURGE_DECISIONS, SQL_PURGE_MONTH_HOUSEHOLDS,
};
static const enum schema_stmt forget_deletes[T_COUNT] = {
	SQL_FORGET_RUN_SIGNALS, SQL_FORGET_FEEDBACK, SQL_FORGET_SIGNALS, SQL_FORGET_OUTCOMES,
	SQL_FORGET_DECISIONS, SQL_FORGET_MONTH_HOUSEHOLDS,
};

/* Counts (and with DELETES, deletes) the rows of TG. */
static enum store_status removal(store *s, const target *tg, const enum schema_stmt counts[T_COUNT],
				 const enum schema_stmt *deletes, store_removal *out, diag *d)
{
	*out = (store_removal){ 0 };
	enum store_status result = STORE_OK;
	for (int t = 0; t < T_COUNT && result == STORE_OK; t++)
		result = count(s, counts[t], (enum table)t, tg, out, d);
	if (result != STORE_OK || !deletes)
		return result;
	bool nested;
	if ((result = schema_write_begin(s, &nested, d)) != STORE_OK)
		return result;
	/* Zeroed as they are deleted, in the pages this write changes. */
	result = run_stmt(s, SQL_SECURE_DELETE, tg, "set secure deletion", d);
	for (int t = 0; t < T_COUNT && result == STORE_OK; t++)
		result = run_stmt(s, deletes[t], tg, "remove rows", d);
	if (result == STORE_OK)
		return schema_write_commit(s, nested, d);
	schema_write_rollback(s, nested);
	return result;
}

static target purge_target(vr_month before)
{
	target t = { .household = NULL };
	vr_date_format(vr_month_first_day(before), t.first_day);
	vr_month_format(before, t.month);
	return t;
}

enum store_status store_purge_rows(store *s, vr_month before, store_removal *out, diag *d)
{
	const target t = purge_target(before);
	return removal(s, &t, purge_counts, purge_deletes, out, d);
}

enum store_status store_purgeable_rows(store *s, vr_month before, store_removal *out, diag *d)
{
	const target t = purge_target(before);
	return removal(s, &t, purge_counts, NULL, out, d);
}

enum store_status store_forget_rows(store *s, const char *key, store_removal *out, diag *d)
{
	const target t = { .household = key };
	return removal(s, &t, forget_counts, forget_deletes, out, d);
}

enum store_status store_household_rows(store *s, const char *key, store_removal *out, diag *d)
{
	const target t = { .household = key };
	return removal(s, &t, forget_counts, NULL, out, d);
}

/* ---------------------------------------------------------------- wipe -- */

enum store_status store_wipe(store *s, diag *d)
{
	const target none = { .household = NULL };
	enum store_status result = run_stmt(s, SQL_SECURE_DELETE, &none, "set secure deletion", d);
	if (result == STORE_OK)
		result = run_stmt(s, SQL_VACUUM, &none, "wipe the removed rows", d);
	if (result != STORE_OK)
		return result;
	sqlite3_stmt *st = schema_stmt(s, SQL_CHECKPOINT_TRUNCATE, d);
	if (!st)
		return STORE_IO_ERROR;
	const int rc = sqlite3_step(st);
	/* A row: busy (1 when a reader kept the WAL from being cut), then the
	 * frames in the WAL and those copied back. */
	const bool cut = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return schema_fail(s, "empty the journal (the -wal file)", d);
	if (!cut) {
		diag_error(d, "the store %s is busy: another process reading it keeps the removed rows in its "
			   "journal (the -wal file); run the command again when it is done", s->path);
		return STORE_BUSY;
	}
	return STORE_OK;
}
