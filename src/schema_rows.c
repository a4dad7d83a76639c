/* schema_rows.c - rows from memory as a table SQLite reads (schema_rows.h):
 * the eponymous virtual tables import_rows and import_pairs. A statement
 * `INSERT ... SELECT ... FROM import_rows` stores a whole batch of held
 * rows in one step, each value handed over where it lies: no parameter is
 * bound, no row of VALUES evaluated (bench/README.md, import). */
#include "schema_rows.h"

#include <string.h>

typedef struct rows_vtab {
	sqlite3_vtab base;
	const schema_rows *rows;
} rows_vtab;

typedef struct rows_cursor {
	sqlite3_vtab_cursor base;
	const schema_rows *rows;
	long at;
} rows_cursor;

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **err)
{
	(void)argc, (void)argv, (void)err;
	const schema_rows *rows = aux;
	const int rc = sqlite3_declare_vtab(db, rows->declaration);
	if (rc != SQLITE_OK)
		return rc;
	rows_vtab *v = sqlite3_malloc(sizeof *v);
	if (!v)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof *v);
	v->rows = rows;
	*out = &v->base;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

/* One way to read it: every row, in order. */
static int rows_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	info->estimatedCost = 1e6;
	info->estimatedRows = 1000000;
	return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	rows_cursor *c = sqlite3_malloc(sizeof *c);
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	c->rows = ((rows_vtab *)v)->rows;
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idx_str, int argc, sqlite3_value **argv)
{
	(void)idx, (void)idx_str, (void)argc, (void)argv;
	((rows_cursor *)cur)->at = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	((rows_cursor *)cur)->at++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	const rows_cursor *c = (const rows_cursor *)cur;
	return c->at >= c->rows->n;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *out, int col)
{
	const rows_cursor *c = (const rows_cursor *)cur;
	c->rows->column(c->rows->ctx, c->at, col, out);
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = ((const rows_cursor *)cur)->at;
	return SQLITE_OK;
}

/* Eponymous-only (no xCreate): the table exists by the module's name in
 * every schema of the connection and cannot be created or dropped. */
static const sqlite3_module rows_module = {
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xDestroy = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

bool schema_rows_register(sqlite3 *db, schema_rows rows[SCHEMA_ROWS_COUNT])
{
	static const char *const names[SCHEMA_ROWS_COUNT] = {
		[SCHEMA_ROWS_SIGNALS] = "import_rows",
		[SCHEMA_ROWS_PAIRS] = "import_pairs",
	};
	static const char *const declarations[SCHEMA_ROWS_COUNT] = {
		[SCHEMA_ROWS_SIGNALS] = "CREATE TABLE x (signal_id, received, household, person, creditor, "
			"sector, kind, arrears, installment, installments_missed, days_overdue, legal_form, "
			"birth_date, district, has_phone, has_email, brp_match, known_debt_help, import_id, line)",
		[SCHEMA_ROWS_PAIRS] = "CREATE TABLE x (month, household)",
	};
	for (int k = 0; k < SCHEMA_ROWS_COUNT; k++) {
		rows[k].declaration = declarations[k];
		if (sqlite3_create_module_v2(db, names[k], &rows_module, &rows[k], NULL) != SQLITE_OK)
			return false;
	}
	return true;
}
