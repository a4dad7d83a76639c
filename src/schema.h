/* schema.h - the inside of the store module (store.c, import.c,
 * store_runs.c, store_figures.c, store_purge.c, store_feedback.c,
 * store_pages.c): the schema version, the
 * statements a store prepares at their first use and keeps, the store
 * handle's layout, and the connection and write-transaction helpers, with
 * the plain words for what went wrong. Nothing outside the store module includes this; everyone else sees
 * the opaque `store` of store.h. The rows import hands SQLite as tables are
 * schema_rows.h's.
 *
 * All SQL text lives in schema.c: the DDL as a list of migration steps keyed
 * by PRAGMA user_version, and the text of each statement named below. */
#ifndef VROEG_SCHEMA_H
#define VROEG_SCHEMA_H

#include <sqlite3.h>
#include <stdbool.h>

#include "diag.h"
#include "schema_rows.h"
#include "store.h"

/* The statements a store prepares once, at their first use (schema_stmt),
 * and keeps; their text and parameters are in schema.c. */
enum schema_stmt {
	SQL_BEGIN_IMMEDIATE, SQL_COMMIT, SQL_ROLLBACK,
	SQL_SAVEPOINT, SQL_RELEASE, SQL_ROLLBACK_TO,
	SQL_IMPORT_INSERT, SQL_IMPORT_FINISH, SQL_IMPORT_DELETE,
	SQL_SIGNAL_INSERT, SQL_SIGNAL_BY_ID, SQL_MONTH_HOUSEHOLD_INSERT,
	SQL_SIGNAL_INSERT_BATCH, SQL_MONTH_HOUSEHOLD_INSERT_BATCH,
	SQL_OUTCOME_INSERT,
	SQL_CURSOR_OUTCOMES,
	SQL_ONE_CURRENT, SQL_ONE_SIGNALS, SQL_ONE_OUTCOMES,
	SQL_RUN_CURRENT, SQL_RUN_LIST, SQL_RUN_BY_ID, SQL_RUN_POLICY,
	SQL_RUN_SUPERSEDE, SQL_RUN_INSERT, SQL_RUN_POLICY_INSERT, SQL_RUN_LINK_SUPERSEDED,
	SQL_DECISION_INSERT, SQL_DECISIONS_OF_RUN, SQL_DECISION_ONE,
	SQL_FIGURE_INSERT, SQL_FIGURES_OF_MONTHS, SQL_FIGURES_SIGNALS,
	SQL_FIGURES_DECISIONS, SQL_FIGURES_OUTCOMES,
	SQL_SETTING_GET, SQL_SETTING_SET,
	SQL_PURGE_COUNT_SIGNALS, SQL_PURGE_COUNT_OUTCOMES, SQL_PURGE_COUNT_DECISIONS,
	SQL_PURGE_COUNT_MONTH_HOUSEHOLDS, SQL_PURGE_SIGNALS, SQL_PURGE_OUTCOMES,
	SQL_PURGE_DECISIONS, SQL_PURGE_MONTH_HOUSEHOLDS,
	SQL_FORGET_COUNT_SIGNALS, SQL_FORGET_COUNT_OUTCOMES, SQL_FORGET_COUNT_DECISIONS,
	SQL_FORGET_COUNT_MONTH_HOUSEHOLDS, SQL_FORGET_SIGNALS, SQL_FORGET_OUTCOMES,
	SQL_FORGET_DECISIONS, SQL_FORGET_MONTH_HOUSEHOLDS,
	SQL_PURGE_COUNT_RUN_SIGNALS, SQL_PURGE_COUNT_FEEDBACK, SQL_PURGE_RUN_SIGNALS, SQL_PURGE_FEEDBACK,
	SQL_FORGET_COUNT_RUN_SIGNALS, SQL_FORGET_COUNT_FEEDBACK, SQL_FORGET_RUN_SIGNALS, SQL_FORGET_FEEDBACK,
	SQL_RUN_SIGNAL_INSERT, SQL_RUN_FEEDBACK_KEPT, SQL_FEEDBACK_PENDING, SQL_FEEDBACK_OUTCOMES,
	SQL_FEEDBACK_UNSEEN, SQL_FEEDBACK_BATCH_INSERT, SQL_FEEDBACK_BATCH_LATEST, SQL_FEEDBACK_BATCH_BY_ID,
	SQL_FEEDBACK_INSERT, SQL_FEEDBACK_OF_BATCH,
	SQL_SECURE_DELETE, SQL_VACUUM, SQL_CHECKPOINT_TRUNCATE,
	SQL_COUNT
};

/* The page size of a new store, and the page cache an import keeps, in
 * KiB (schema.c says why each); store_pages.c sizes its memory by them. */
#define SCHEMA_PAGE_SIZE 16384
#define SCHEMA_IMPORT_CACHE_KIB 131072

/* After a stored id stopped a SQL_*_BATCH statement, import stores rows
 * one by one until this many in a row were new (import.c). */
#define SCHEMA_ALONE_STREAK 16

/* Import holds signals in batches of at most this many rows (fewer when
 * their text or their messages fill a few MiB first), stores each batch
 * sorted by key and then tells its messages in line order (import.c). */
#define SCHEMA_IMPORT_BATCH 32768

/* The columns of a signal, in the order SQL_SIGNAL_INSERT binds them (?1..?18,
 * then ?19 import id and ?20 line; SCHEMA_ROWS_SIGNALS has these 20) and
 * every statement that reads signals returns them (SQL_SIGNAL_BY_ID then
 * adds line, import id, file name). */
enum schema_signal_col {
	SIG_SIGNAL_ID, SIG_RECEIVED, SIG_HOUSEHOLD, SIG_PERSON, SIG_CREDITOR,
	SIG_SECTOR, SIG_KIND, SIG_ARREARS, SIG_INSTALLMENT, SIG_INSTALLMENTS_MISSED,
	SIG_DAYS_OVERDUE, SIG_LEGAL_FORM, SIG_BIRTH_DATE, SIG_DISTRICT,
	SIG_HAS_PHONE, SIG_HAS_EMAIL, SIG_BRP_MATCH, SIG_KNOWN_DEBT_HELP,
	SIG_NCOLS
};

/* The household cursor's signals statement (see schema.c), reading the
 * columns of the parts READS (enum vr_read) only; COL[SIG_x] receives where
 * it returns column SIG_x, or -1. When s->imports_upto is set it reads only
 * the signals of those imports (bind ?4). The caller finalizes it. NULL
 * after reporting why. */
sqlite3_stmt *schema_cursor_signals(store *s, unsigned reads, int col[SIG_NCOLS], diag *d);

/* A growable byte buffer, reused: strings are appended and found again by
 * offset, since growing may move them. */
typedef struct schema_buf {
	char *p;
	size_t len, cap;
} schema_buf;

/* Appends LEN bytes; the buffer is kept NUL-ended after them (the NUL is
 * not counted in len). False when out of memory. */
bool schema_buf_append(schema_buf *b, const char *s, size_t len);
/* Appends LEN bytes and a counted NUL, so the copy stays a C string after
 * later appends; returns its offset, or (size_t)-1 when out of memory. */
size_t schema_buf_add(schema_buf *b, const char *s, size_t len);
void schema_buf_free(schema_buf *b);
/* Grows the array *P of SIZE-byte items to hold NEED (doubling *CAP);
 * false when out of memory, with *P as it was. */
bool schema_grow(void **p, size_t *cap, size_t need, size_t size);

/* Rows in memory that SQLite reads as a table: schema_rows.h. */

/* The store handle (store.h's `store`). */
struct store {
	sqlite3 *db;
	char *path;                    /* as given, for messages */
	int busy_ms;
	sqlite3_stmt *stmt[SQL_COUNT];  /* NULL until schema_stmt prepares it */
	bool cursor_open;              /* SQL_CURSOR_* belong to a live cursor */
	schema_buf run_strings;        /* strings of the last run read back */
	schema_buf policy;             /* the policy of the last store_run_policy */
	schema_buf decision;           /* strings of the last store_run_decision */
	const char **decision_labels;  /* and its labels */
	size_t decision_labels_cap;
	schema_buf scratch;            /* per-call text, e.g. a labels array */
	long long imports_upto;        /* store_read_as_of: 0 reads everything */
	schema_rows rows[SCHEMA_ROWS_COUNT];  /* what import hands SQLite */
	bool rows_registered;
};

/* Statement WHICH of S, prepared now if it was not yet; NULL after
 * reporting why. */
sqlite3_stmt *schema_stmt(store *s, enum schema_stmt which, diag *d);

/* The schema version this program writes (the number of migration steps). */
int schema_version(void);

/* Opens PATH as store_connect (store.h) says: checks the file, opens it
 * (read-only, or creating it with mode 0600 first), sets the busy timeout,
 * reads whose database it is and refuses one that is not a vroeg store or
 * is newer than schema_version(); only then, when writing, sets WAL and
 * migrates an older store in one write transaction. Sets foreign keys and
 * prepares the transaction statements. On failure reports why and returns
 * STORE_BUSY or STORE_IO_ERROR; S must then still be passed to
 * schema_disconnect. */
enum store_status schema_connect(store *s, const char *path, enum store_access access,
				 int busy_ms, diag *d);
void schema_disconnect(store *s);

/* The write lock: BEGIN IMMEDIATE, or a savepoint when a transaction is
 * already open (store_begin). *NESTED records which, for the end calls.
 * STORE_BUSY after busy_ms, with a message that says who to wait for. */
enum store_status schema_write_begin(store *s, bool *nested, diag *d);
enum store_status schema_write_commit(store *s, bool nested, diag *d);
void schema_write_rollback(store *s, bool nested);

/* Sets the page cache for an import (true) or for everything else. */
void schema_cache_for_import(store *s, bool importing);

/* An import into a store that holds no signal yet (the first load) writes
 * with a rollback journal instead of the WAL: every page is new, so the
 * journal keeps next to nothing and each page is written once, where the
 * WAL writes it twice (to the WAL, then into the store). Call outside a
 * transaction. True when the store was switched, which happens only when
 * no other connection has it open (nobody waits for this); the import
 * then calls schema_bulk_end, after its commit or rollback, to go back to
 * WAL. A store left in rollback mode (a crash) is set to WAL again by the
 * next command that writes (schema_connect). */
bool schema_bulk_begin(store *s);
void schema_bulk_end(store *s);

/* Reports the connection's last error as "cannot DOING in the store PATH:
 * what went wrong" (or the busy message) and returns the status it means.
 * What went wrong is said in plain words where it can be (schema_cause),
 * else in SQLite's. */
enum store_status schema_fail(store *s, const char *doing, diag *d);
/* What SQLite's result code RC (extended) and the system's errno ERR (0:
 * none) mean, in the words of whoever keeps the server: "the disk is full",
 * "the file size limit was reached ...", "the store is read-only ...";
 * NULL when there are none better than SQLite's own message. */
const char *schema_cause(int rc, int err);

#endif
