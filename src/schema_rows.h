/* schema_rows.h - rows in memory that SQLite reads as a table, inside the
 * store module (schema.h): the eponymous virtual tables import_rows and
 * import_pairs (schema_rows.c). Import sets N and COLUMN of one, then
 * steps SQL_SIGNAL_INSERT_BATCH (which reads SCHEMA_ROWS_SIGNALS: the
 * columns in schema_signal_col order, then import id and line) or
 * SQL_MONTH_HOUSEHOLD_INSERT_BATCH (SCHEMA_ROWS_PAIRS: month, household).
 * COLUMN puts column COL of row ROW (0 <= ROW < N) in OUT with
 * sqlite3_result_*; text may be SQLITE_STATIC: it is copied into the store
 * before the statement's step returns. */
#ifndef VROEG_SCHEMA_ROWS_H
#define VROEG_SCHEMA_ROWS_H

#include <sqlite3.h>
#include <stdbool.h>

enum schema_rows_of { SCHEMA_ROWS_SIGNALS, SCHEMA_ROWS_PAIRS, SCHEMA_ROWS_COUNT };

typedef struct schema_rows {
	const char *declaration;   /* set by schema_rows_register */
	long n;
	void *ctx;
	void (*column)(void *ctx, long row, int col, sqlite3_context *out);
} schema_rows;

/* Makes the tables known to connection DB, each reading its element of
 * ROWS (which must outlive the connection); false when SQLite could not
 * (out of memory). schema_stmt calls it before it prepares a statement
 * that reads them. */
bool schema_rows_register(sqlite3 *db, schema_rows rows[SCHEMA_ROWS_COUNT]);

#endif
