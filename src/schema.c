/* schema.c - every line of SQL the store runs: the schema as migration steps
 * keyed by PRAGMA user_version, and the statements prepared once per store,
 * at their first use. Also opening a store file safely (only a regular file;
 * mode 0600, WAL, foreign keys, a busy timeout; whose database it is read
 * before anything is written, so a database that is not ours or is newer
 * than we know is left exactly as it was; read-only commands open it
 * read-only; a file this user may not write is refused before any work) and
 * the write-transaction helpers: the busy message, a commit refused to a
 * store moved away while open, and what SQLite's errors mean in plain words
 * (a full disk, a file size limit, an I/O error, no memory, a read-only
 * file or directory).
 *
 * Layout, chosen for the two hot paths:
 * - signals is WITHOUT ROWID, keyed (household, received, signal_id): the
 *   cursor's read, a household's signals in date order, is table order;
 *   signal_id is unique through its own index, which import probes;
 * - month_households lists, per 'YYYY-MM', the households with a signal
 *   received that month (kept by import), so the cursor walks exactly the run
 *   month's households in key order and seeks each one's signals;
 * - money is INTEGER cents, dates ISO TEXT 'YYYY-MM-DD' (text order is date
 *   order), enum values their names as written in files. Names are not
 *   CHECKed here, so a new sector needs no table rebuild: import validates
 *   them and the cursor refuses an unknown one. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* 'vroe': marks the file as a vroeg store, so no other database is mistaken
 * for one (or migrated into one). */
#define APPLICATION_ID 1987145573
#define APPLICATION_ID_TEXT "1987145573"

/* Step N brings user_version from N to N + 1, in the same transaction as the
 * version bump. Never edit a released step: add one. */
static const char *const migrations[] = {
	/* 1: signals, outcomes, their imports; runs and their decisions. */
	"CREATE TABLE imports (\n"
	"  id        INTEGER PRIMARY KEY,\n"
	"  kind      TEXT NOT NULL CHECK (kind IN ('signals', 'outcomes')),\n"
	"  name      TEXT NOT NULL,\n"            /* the file as named to import */
	"  imported  TEXT NOT NULL,\n"            /* ISO 8601 UTC */
	"  added     INTEGER NOT NULL DEFAULT 0,\n"
	"  identical INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE signals (\n"
	"  household           TEXT NOT NULL,\n"
	"  received            TEXT NOT NULL,\n"
	"  signal_id           TEXT NOT NULL,\n"
	"  person              TEXT,\n"            /* NULL: the household key */
	"  creditor            TEXT NOT NULL,\n"
	"  sector              TEXT NOT NULL,\n"
	"  kind                TEXT NOT NULL,\n"
	"  arrears             INTEGER NOT NULL CHECK (arrears >= 0),\n"
	"  installment         INTEGER CHECK (installment >= 0),\n"
	"  installments_missed INTEGER CHECK (installments_missed >= 0),\n"
	"  days_overdue        INTEGER CHECK (days_overdue >= 0),\n"
	"  legal_form          TEXT NOT NULL,\n"
	"  birth_date          TEXT,\n"
	"  district            TEXT NOT NULL,\n"   /* '' when not given */
	"  has_phone           INTEGER NOT NULL CHECK (has_phone IN (0, 1)),\n"
	"  has_email           INTEGER NOT NULL CHECK (has_email IN (0, 1)),\n"
	"  brp_match           INTEGER CHECK (brp_match IN (0, 1)),\n" /* NULL: not checked */
	"  known_debt_help     INTEGER NOT NULL CHECK (known_debt_help IN (0, 1)),\n"
	"  import_id           INTEGER NOT NULL,\n"    /* imports.id, kept by import */
	"  line                INTEGER NOT NULL,\n" /* where the row starts in that file */
	"  PRIMARY KEY (household, received, signal_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE UNIQUE INDEX signals_by_id ON signals (signal_id);\n"
	"CREATE TABLE month_households (\n"
	"  month     TEXT NOT NULL,\n"             /* 'YYYY-MM' */
	"  household TEXT NOT NULL,\n"
	"  PRIMARY KEY (month, household)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE outcomes (\n"
	"  household TEXT NOT NULL,\n"
	"  date      TEXT NOT NULL,\n"
	"  outcome   TEXT NOT NULL,\n"
	"  signal_id TEXT NOT NULL,\n"             /* '' when not given */
	"  import_id INTEGER NOT NULL,\n"
	"  line      INTEGER NOT NULL,\n"
	"  PRIMARY KEY (household, date, outcome, signal_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE runs (\n"
	"  id             INTEGER PRIMARY KEY,\n"
	"  month          TEXT NOT NULL,\n"        /* 'YYYY-MM' */
	"  policy_name    TEXT NOT NULL,\n"
	"  policy_version TEXT NOT NULL,\n"
	"  source_sha256  TEXT NOT NULL,\n"
	"  started        TEXT NOT NULL,\n"        /* ISO 8601 UTC */
	"  finished       TEXT NOT NULL,\n"
	"  households     INTEGER NOT NULL CHECK (households >= 0),\n"
	"  superseded     INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),\n"
	"  label_names    TEXT NOT NULL DEFAULT '[]'\n" /* JSON array of the policy's labels */
	");\n"
	"CREATE UNIQUE INDEX runs_one_current_per_month ON runs (month) WHERE superseded = 0;\n"
	"CREATE TABLE decisions (\n"
	"  run_id          INTEGER NOT NULL REFERENCES runs (id),\n"
	"  household       TEXT NOT NULL,\n"
	"  bucket          TEXT NOT NULL,\n"
	"  reason          TEXT NOT NULL,\n"
	"  rule            TEXT NOT NULL,\n"
	"  overflowed_from TEXT NOT NULL,\n"
	"  labels          TEXT NOT NULL,\n"       /* JSON array, in label_names order */
	"  arrears         INTEGER NOT NULL,\n"    /* cents */
	"  place           INTEGER NOT NULL,\n"
	"  PRIMARY KEY (run_id, household)\n"
	") WITHOUT ROWID;\n"
	"PRAGMA application_id = " APPLICATION_ID_TEXT ";\n"
	"PRAGMA user_version = 1;\n",

	/* 2: month figures (figures.h) kept apart from the rows they count: a
	 * run's decision figures, frozen as it is recorded (capacity and moves
	 * need the program, which a later report does not have), and a month's
	 * signal and outcome figures, frozen before its rows are purged. run_id
	 * 0 holds a month's own figures (its signals), not a run's. Counts only:
	 * never a household key or an amount. */
	"CREATE TABLE month_figures (\n"
	"  month    TEXT NOT NULL,\n"               /* 'YYYY-MM' */
	"  run_id   INTEGER NOT NULL,\n"            /* runs.id, or 0 */
	"  measure  TEXT NOT NULL,\n"
	"  bucket   TEXT NOT NULL,\n"               /* '' when none */
	"  category TEXT NOT NULL,\n"               /* '' when none */
	"  value    INTEGER NOT NULL,\n"
	"  PRIMARY KEY (month, run_id, measure, bucket, category)\n"
	") WITHOUT ROWID;\n"
	"PRAGMA user_version = 2;\n",

	/* 3: the audit trail. A run keeps the policy it was made with, in
	 * run_policies: the rule text as given (or a .vrb's bytes, which have
	 * none), the name its rules are cited by, the hash of its compiled
	 * form, how far back it reads, the last import it could read, and the
	 * `--set` values it was given (settings: a JSON array of "NAME=VALUE",
	 * the values as the language writes them); so that its decisions can
	 * be explained later from the store alone. A run recorded before has no
	 * row there.
	 * superseded_by names the run that replaced a superseded one (for
	 * earlier runs: the next run of the month, as --replace always made
	 * it). store_settings holds what is set once for a store, such as its
	 * retention term. */
	"CREATE TABLE run_policies (\n"
	"  run_id         INTEGER PRIMARY KEY REFERENCES runs (id),\n"
	"  form           TEXT NOT NULL CHECK (form IN ('source', 'bytecode')),\n"
	"  policy         BLOB NOT NULL,\n"
	"  source_name    TEXT NOT NULL,\n"
	"  program_sha256 TEXT NOT NULL,\n"
	"  lookback       INTEGER NOT NULL CHECK (lookback >= 0),\n"
	"  imports_upto   INTEGER NOT NULL,\n"
	"  settings       TEXT NOT NULL DEFAULT '[]'\n" /* JSON array */
	");\n"
	"ALTER TABLE runs ADD COLUMN superseded_by INTEGER REFERENCES runs (id);\n"
	"UPDATE runs SET superseded_by = (SELECT min(n.id) FROM runs AS n\n"
	"  WHERE n.month = runs.month AND n.id > runs.id) WHERE superseded = 1;\n"
	"CREATE TABLE store_settings (\n"
	"  name  TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"PRAGMA user_version = 3;\n",

	/* 4: contact terms. Whether a run's policy had a contact term (has_due:
	 * its decisions have a due column), and each decision's due date
	 * ('YYYY-MM-DD', '' when none). Earlier runs had none. */
	"ALTER TABLE runs ADD COLUMN has_due INTEGER NOT NULL DEFAULT 0 CHECK (has_due IN (0, 1));\n"
	"ALTER TABLE decisions ADD COLUMN due TEXT NOT NULL DEFAULT '';\n"
	"PRAGMA user_version = 4;\n",

	/* 5: feedback to creditors (feedback.h). run_signals keeps, per
	 * signal of a run's month that the run saw, the code the run
	 * determined (0: the outcomes decide, later); runs.feedback_kept says
	 * a run recorded them (earlier runs did not). feedback_batches and
	 * feedback record what `vroeg feedback` wrote: each signal once (its
	 * primary key), with the run that decided it, its code, the day it
	 * became due and the file it went into, so that a batch can be
	 * written again exactly. Outcomes are looked up by the signal they
	 * name, too. */
	"CREATE TABLE run_signals (\n"
	"  run_id    INTEGER NOT NULL REFERENCES runs (id),\n"
	"  signal_id TEXT NOT NULL,\n"
	"  code      INTEGER NOT NULL CHECK (code BETWEEN 0 AND 7),\n"
	"  PRIMARY KEY (run_id, signal_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX run_signals_by_signal ON run_signals (signal_id);\n"
	"ALTER TABLE runs ADD COLUMN feedback_kept INTEGER NOT NULL DEFAULT 0 CHECK (feedback_kept IN (0, 1));\n"
	"CREATE TABLE feedback_batches (\n"
	"  id      INTEGER PRIMARY KEY,\n"
	"  as_of   TEXT NOT NULL,\n"             /* 'YYYY-MM-DD' */
	"  written TEXT NOT NULL,\n"             /* ISO 8601 UTC */
	"  dialect TEXT NOT NULL CHECK (dialect IN ('comma', 'dutch')),\n"
	"  dir     TEXT NOT NULL,\n"             /* where its files were written, absolute */
	"  given   INTEGER NOT NULL CHECK (given > 0)\n" /* signals fed back in it */
	");\n"
	"CREATE TABLE feedback (\n"
	"  signal_id TEXT PRIMARY KEY,\n"
	"  batch     INTEGER NOT NULL REFERENCES feedback_batches (id),\n"
	"  run_id    INTEGER NOT NULL REFERENCES runs (id),\n"
	"  creditor  TEXT NOT NULL,\n"
	"  received  TEXT NOT NULL,\n"
	"  code      INTEGER NOT NULL CHECK (code BETWEEN 1 AND 7),\n"
	"  date      TEXT NOT NULL,\n"           /* the day it became due */
	"  file      TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX feedback_by_batch ON feedback (batch, file, received, signal_id);\n"
	"CREATE INDEX outcomes_by_signal ON outcomes (signal_id) WHERE signal_id <> '';\n"
	"PRAGMA user_version = 5;\n",
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* The signal columns in schema_signal_col order, as import binds them. */
#define SIGNAL_COLUMNS \
	"signal_id, received, household, person, creditor, sector, kind, " \
	"arrears, installment, installments_missed, days_overdue, legal_form, " \
	"birth_date, district, has_phone, has_email, brp_match, known_debt_help"

/* The same columns of table alias T, as stored. */
#define SIGNAL_COLUMNS_AS_STORED(t) \
	t".signal_id, "t".received, "t".household, "t".person, "t".creditor, " \
	t".sector, "t".kind, "t".arrears, "t".installment, " \
	t".installments_missed, "t".days_overdue, "t".legal_form, " \
	t".birth_date, "t".district, "t".has_phone, "t".has_email, " \
	t".brp_match, "t".known_debt_help"

/* A run with its policy's metadata (not the policy: SQL_RUN_POLICY). */
#define RUN_SELECT \
	"SELECT r.id, r.month, r.policy_name, r.policy_version, r.source_sha256, " \
	"r.started, r.finished, r.households, r.superseded, r.label_names, " \
	"coalesce(p.form, 'none'), coalesce(p.source_name, ''), " \
	"coalesce(p.program_sha256, ''), p.lookback, p.imports_upto, " \
	"coalesce(p.settings, '[]'), r.superseded_by, r.has_due, r.feedback_kept " \
	"FROM runs AS r LEFT JOIN run_policies AS p ON p.run_id = r.id "

static const char *const statements[SQL_COUNT] = {
	[SQL_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	[SQL_SAVEPOINT] = "SAVEPOINT vroeg_write",
	[SQL_RELEASE] = "RELEASE vroeg_write",
	[SQL_ROLLBACK_TO] = "ROLLBACK TO vroeg_write",

	/* ?1 kind, ?2 file name */
	[SQL_IMPORT_INSERT] =
		"INSERT INTO imports (kind, name, imported) "
		"VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
	/* ?1 id, ?2 added, ?3 identical */
	[SQL_IMPORT_FINISH] = "UPDATE imports SET added = ?2, identical = ?3 WHERE id = ?1",
	[SQL_IMPORT_DELETE] = "DELETE FROM imports WHERE id = ?1",

	/* ?1..?18 the columns, ?19 import id, ?20 line (import has looked
	 * the signal_id up first). */
	[SQL_SIGNAL_INSERT] =
		"INSERT INTO signals (" SIGNAL_COLUMNS ", import_id, line) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
		"?14, ?15, ?16, ?17, ?18, ?19, ?20)",
	/* ?1 signal_id -> the columns, line, import id, import file name */
	[SQL_SIGNAL_BY_ID] =
		"SELECT " SIGNAL_COLUMNS_AS_STORED("s") ", s.line, s.import_id, i.name "
		"FROM signals AS s LEFT JOIN imports AS i ON i.id = s.import_id "
		"WHERE s.signal_id = ?1",
	/* ?1 'YYYY-MM', ?2 household */
	[SQL_MONTH_HOUSEHOLD_INSERT] =
		"INSERT OR IGNORE INTO month_households (month, household) VALUES (?1, ?2)",
	/* Every row import hands over as import_rows (schema_rows.c).
	 * OR FAIL: a row already stored stops the statement there, keeping
	 * the rows before it (sqlite3_changes counts them) and costing no
	 * statement journal; import then takes the rest one by one. */
	[SQL_SIGNAL_INSERT_BATCH] =
		"INSERT OR FAIL INTO signals (" SIGNAL_COLUMNS ", import_id, line) "
		"SELECT " SIGNAL_COLUMNS ", import_id, line FROM import_rows",
	[SQL_MONTH_HOUSEHOLD_INSERT_BATCH] =
		"INSERT OR IGNORE INTO month_households (month, household) "
		"SELECT month, household FROM import_pairs",
	/* ?1 household, ?2 date, ?3 outcome, ?4 signal_id or '', ?5 import, ?6 line */
	[SQL_OUTCOME_INSERT] =
		"INSERT INTO outcomes (household, date, outcome, signal_id, import_id, line) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",

	/* Outcomes are few: one pass over them in key order beats a seek
	 * per household; the cursor skips the households not in the month
	 * as it merges this stream with the signals (?1 is not used). */
	[SQL_CURSOR_OUTCOMES] =
		"SELECT household, date, outcome, signal_id FROM outcomes "
		"WHERE date BETWEEN ?2 AND ?3 AND import_id <= ?4 "
		"ORDER BY household, date, outcome, signal_id",
	/* One household: ?1 'YYYY-MM' or first day, ?2 key, ?3 last day,
	 * ?4 the last import read (store_read_as_of) */
	[SQL_ONE_CURRENT] =
		"SELECT 1 FROM month_households WHERE month = ?1 AND household = ?2",
	[SQL_ONE_SIGNALS] =
		"SELECT " SIGNAL_COLUMNS_AS_STORED("s") " FROM signals AS s "
		"WHERE s.household = ?2 AND s.received BETWEEN ?1 AND ?3 "
		"AND s.import_id <= ?4 ORDER BY s.received, s.signal_id",
	[SQL_ONE_OUTCOMES] =
		"SELECT household, date, outcome, signal_id FROM outcomes "
		"WHERE household = ?2 AND date BETWEEN ?1 AND ?3 AND import_id <= ?4 "
		"ORDER BY date, outcome, signal_id",

	/* ?1 'YYYY-MM' */
	[SQL_RUN_CURRENT] = RUN_SELECT "WHERE r.month = ?1 AND r.superseded = 0",
	[SQL_RUN_LIST] = RUN_SELECT "ORDER BY r.id",
	/* ?1 id */
	[SQL_RUN_BY_ID] = RUN_SELECT "WHERE r.id = ?1",
	[SQL_RUN_POLICY] = "SELECT policy FROM run_policies WHERE run_id = ?1",
	[SQL_RUN_SUPERSEDE] = "UPDATE runs SET superseded = 1 WHERE id = ?1",
	/* ?1..?9 the columns after id, in RUN_SELECT order, ?10 has_due */
	[SQL_RUN_INSERT] =
		"INSERT INTO runs (month, policy_name, policy_version, source_sha256, "
		"started, finished, households, superseded, label_names, has_due) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* ?1 run id, ?2 form, ?3 policy, ?4 source_name, ?5 program_sha256,
	 * ?6 lookback, ?7 settings; imports_upto is the last import so far,
	 * which is all a run can have read, since it holds the write lock. */
	[SQL_RUN_POLICY_INSERT] =
		"INSERT INTO run_policies (run_id, form, policy, source_name, program_sha256, "
		"lookback, settings, imports_upto) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"(SELECT coalesce(max(id), 0) FROM imports))",
	/* ?1 the new run, ?2 its month: the runs of the month it supersedes
	 * (store_supersede marked them; only the current run is ever marked). */
	[SQL_RUN_LINK_SUPERSEDED] =
		"UPDATE runs SET superseded_by = ?1 "
		"WHERE month = ?2 AND superseded = 1 AND superseded_by IS NULL AND id < ?1",
	/* ?1 run id, ?2 household, ?3 bucket, ?4 reason, ?5 rule,
	 * ?6 overflowed_from, ?7 labels, ?8 arrears, ?9 place, ?10 due */
	[SQL_DECISION_INSERT] =
		"INSERT INTO decisions (run_id, household, bucket, reason, rule, "
		"overflowed_from, labels, arrears, place, due) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* ?1 run id: in household byte order (the key order) */
	[SQL_DECISIONS_OF_RUN] =
		"SELECT household, bucket, reason, rule, overflowed_from, labels, "
		"arrears, place, due FROM decisions WHERE run_id = ?1 ORDER BY household",
	/* ?1 run id, ?2 household */
	[SQL_DECISION_ONE] =
		"SELECT household, bucket, reason, rule, overflowed_from, labels, "
		"arrears, place, due FROM decisions WHERE run_id = ?1 AND household = ?2",

	/* Store settings (store_purge.c): ?1 name, ?2 value */
	[SQL_SETTING_GET] = "SELECT value FROM store_settings WHERE name = ?1",
	[SQL_SETTING_SET] =
		"INSERT INTO store_settings (name, value) VALUES (?1, ?2) "
		"ON CONFLICT (name) DO UPDATE SET value = excluded.value",

	/* Retention (store_purge.c). Purge: ?1 the first day, ?2 'YYYY-MM'
	 * of the first month kept. Each count gives a month and its rows. */
	[SQL_PURGE_COUNT_SIGNALS] =
		"SELECT substr(received, 1, 7), count(*) FROM signals WHERE received < ?1 GROUP BY 1",
	[SQL_PURGE_COUNT_OUTCOMES] =
		"SELECT substr(date, 1, 7), count(*) FROM outcomes WHERE date < ?1 GROUP BY 1",
	[SQL_PURGE_COUNT_DECISIONS] =
		"SELECT r.month, count(*) FROM decisions AS d JOIN runs AS r ON r.id = d.run_id "
		"WHERE r.month < ?2 GROUP BY 1",
	[SQL_PURGE_COUNT_MONTH_HOUSEHOLDS] =
		"SELECT month, count(*) FROM month_households WHERE month < ?2 GROUP BY 1",
	[SQL_PURGE_SIGNALS] = "DELETE FROM signals WHERE received < ?1",
	[SQL_PURGE_OUTCOMES] = "DELETE FROM outcomes WHERE date < ?1",
	[SQL_PURGE_DECISIONS] =
		"DELETE FROM decisions WHERE run_id IN (SELECT id FROM runs WHERE month < ?2)",
	[SQL_PURGE_MONTH_HOUSEHOLDS] = "DELETE FROM month_households WHERE month < ?2",
	/* Forget: ?1 the household (signals and outcomes are keyed by it). */
	[SQL_FORGET_COUNT_SIGNALS] =
		"SELECT substr(received, 1, 7), count(*) FROM signals WHERE household = ?1 GROUP BY 1",
	[SQL_FORGET_COUNT_OUTCOMES] =
		"SELECT substr(date, 1, 7), count(*) FROM outcomes WHERE household = ?1 GROUP BY 1",
	[SQL_FORGET_COUNT_DECISIONS] =
		"SELECT r.month, count(*) FROM decisions AS d JOIN runs AS r ON r.id = d.run_id "
		"WHERE d.household = ?1 GROUP BY 1",
	[SQL_FORGET_COUNT_MONTH_HOUSEHOLDS] =
		"SELECT month, count(*) FROM month_households WHERE household = ?1 GROUP BY 1",
	[SQL_FORGET_SIGNALS] = "DELETE FROM signals WHERE household = ?1",
	[SQL_FORGET_OUTCOMES] = "DELETE FROM outcomes WHERE household = ?1",
	[SQL_FORGET_DECISIONS] = "DELETE FROM decisions WHERE household = ?1",
	[SQL_FORGET_MONTH_HOUSEHOLDS] = "DELETE FROM month_households WHERE household = ?1",
	/* The feedback records of the same rows (store_purge.c): a run's
	 * codes go with its month, feedback given with its signal's month;
	 * forget finds them by the household's signals, so it removes them
	 * before the signals. */
	[SQL_PURGE_COUNT_RUN_SIGNALS] =
		"SELECT r.month, count(*) FROM run_signals AS x JOIN runs AS r ON r.id = x.run_id "
		"WHERE r.month < ?2 GROUP BY 1",
	[SQL_PURGE_COUNT_FEEDBACK] =
		"SELECT substr(received, 1, 7), count(*) FROM feedback WHERE received < ?1 GROUP BY 1",
	[SQL_PURGE_RUN_SIGNALS] =
		"DELETE FROM run_signals WHERE run_id IN (SELECT id FROM runs WHERE month < ?2)",
	[SQL_PURGE_FEEDBACK] = "DELETE FROM feedback WHERE received < ?1",
	[SQL_FORGET_COUNT_RUN_SIGNALS] =
		"SELECT r.month, count(*) FROM run_signals AS x JOIN runs AS r ON r.id = x.run_id "
		"WHERE x.signal_id IN (SELECT signal_id FROM signals WHERE household = ?1) GROUP BY 1",
	[SQL_FORGET_COUNT_FEEDBACK] =
		"SELECT substr(received, 1, 7), count(*) FROM feedback "
		"WHERE signal_id IN (SELECT signal_id FROM signals WHERE household = ?1) GROUP BY 1",
	[SQL_FORGET_RUN_SIGNALS] =
		"DELETE FROM run_signals WHERE signal_id IN (SELECT signal_id FROM signals WHERE household = ?1)",
	[SQL_FORGET_FEEDBACK] =
		"DELETE FROM feedback WHERE signal_id IN (SELECT signal_id FROM signals WHERE household = ?1)",
	/* Wiping: deleted cells zeroed as they go; then the file rebuilt from
	 * the live rows, and the WAL, which still holds old page images,
	 * copied back and cut to nothing. */
	[SQL_SECURE_DELETE] = "PRAGMA secure_delete = ON",
	[SQL_VACUUM] = "VACUUM",
	[SQL_CHECKPOINT_TRUNCATE] = "PRAGMA wal_checkpoint(TRUNCATE)",

	/* Feedback to creditors (store_feedback.c). A run's codes: ?1 run
	 * id, ?2 signal_id, ?3 code (0: by the outcomes). */
	[SQL_RUN_SIGNAL_INSERT] =
		"INSERT INTO run_signals (run_id, signal_id, code) VALUES (?1, ?2, ?3)",
	[SQL_RUN_FEEDBACK_KEPT] = "UPDATE runs SET feedback_kept = 1 WHERE id = ?1",
	/* The signals of the current runs that recorded their codes and whose
	 * feedback is not yet given, by creditor, received, signal_id. */
	[SQL_FEEDBACK_PENDING] =
		"SELECT r.id, r.month, substr(r.finished, 1, 10), x.code, s.signal_id, s.received, "
		"s.household, s.creditor FROM runs AS r "
		"JOIN run_signals AS x ON x.run_id = r.id "
		"JOIN signals AS s ON s.signal_id = x.signal_id "
		"WHERE r.superseded = 0 AND r.feedback_kept = 1 "
		"AND NOT EXISTS (SELECT 1 FROM feedback AS f WHERE f.signal_id = x.signal_id) "
		"ORDER BY s.creditor, s.received, s.signal_id",
	/* ?1 household, ?2 signal_id, ?3 first, ?4 last day: the outcomes of
	 * the household, and those naming the signal under another key, in
	 * the span; by date, then outcome. (signal_id <> '' lets the partial
	 * index serve the second half.) */
	[SQL_FEEDBACK_OUTCOMES] =
		"SELECT date, outcome FROM outcomes WHERE household = ?1 AND date BETWEEN ?3 AND ?4 "
		"UNION ALL SELECT date, outcome FROM outcomes WHERE signal_id = ?2 AND signal_id <> '' "
		"AND household <> ?1 AND date BETWEEN ?3 AND ?4 ORDER BY 1, 2",
	/* Per current run that recorded its codes: how many signals of its
	 * month it did not see (imported after it). */
	[SQL_FEEDBACK_UNSEEN] =
		"SELECT r.id, r.month, count(*) FROM runs AS r "
		"JOIN month_households AS m ON m.month = r.month "
		"JOIN signals AS s ON s.household = m.household "
		"AND s.received BETWEEN r.month || '-01' AND r.month || '-31' "
		"WHERE r.superseded = 0 AND r.feedback_kept = 1 "
		"AND NOT EXISTS (SELECT 1 FROM run_signals AS x WHERE x.run_id = r.id AND x.signal_id = s.signal_id) "
		"GROUP BY r.id ORDER BY r.month",
	/* ?1 as_of, ?2 dialect, ?3 dir, ?4 given */
	[SQL_FEEDBACK_BATCH_INSERT] =
		"INSERT INTO feedback_batches (as_of, written, dialect, dir, given) "
		"VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?2, ?3, ?4)",
	[SQL_FEEDBACK_BATCH_LATEST] =
		"SELECT id, as_of, written, dialect, dir, given FROM feedback_batches ORDER BY id DESC LIMIT 1",
	/* ?1 id */
	[SQL_FEEDBACK_BATCH_BY_ID] =
		"SELECT id, as_of, written, dialect, dir, given FROM feedback_batches WHERE id = ?1",
	/* ?1 signal_id, ?2 batch, ?3 run, ?4 creditor, ?5 received, ?6 code,
	 * ?7 date, ?8 file */
	[SQL_FEEDBACK_INSERT] =
		"INSERT INTO feedback (signal_id, batch, run_id, creditor, received, code, date, file) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* ?1 batch: its rows as its files hold them */
	[SQL_FEEDBACK_OF_BATCH] =
		"SELECT signal_id, creditor, received, code, date, file, run_id FROM feedback "
		"WHERE batch = ?1 ORDER BY file, received, signal_id",

	/* Month figures (store_figures.c). ?1 'YYYY-MM', ?2 run id or 0,
	 * ?3 measure, ?4 bucket, ?5 category, ?6 value */
	[SQL_FIGURE_INSERT] =
		"INSERT INTO month_figures (month, run_id, measure, bucket, category, value) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* ?1 first, ?2 last 'YYYY-MM' */
	[SQL_FIGURES_OF_MONTHS] =
		"SELECT month, run_id, measure, bucket, category, value FROM month_figures "
		"WHERE month BETWEEN ?1 AND ?2 ORDER BY month, run_id, measure, bucket, category",
	/* One pass over every signal in table order (there is no index by
	 * date, and a seek per household and month would cost more than the
	 * whole scan): a household's signals come together, in date order,
	 * which is what new-or-returning needs. The caller skips the months it
	 * does not count, cheaper than a text comparison in SQL per row. */
	[SQL_FIGURES_SIGNALS] =
		"SELECT household, received, sector, creditor FROM signals "
		"ORDER BY household, received",
	/* ?1 run id; merged with SQL_FIGURES_OUTCOMES by household */
	[SQL_FIGURES_DECISIONS] =
		"SELECT household, bucket FROM decisions WHERE run_id = ?1 ORDER BY household",
	/* ?1 first, ?2 last day; each household's first outcome first */
	[SQL_FIGURES_OUTCOMES] =
		"SELECT household, outcome FROM outcomes WHERE date BETWEEN ?1 AND ?2 "
		"ORDER BY household, date, outcome",
};

/* The cursor's signals statement reads the parts a program uses (enum
 * vr_read) and no other column, which spares decoding and copying them for
 * every signal. ?1 'YYYY-MM', ?2 first day, ?3 last day: the month's
 * households in key order, each household's signals in the span by
 * (received, signal_id). CROSS JOIN keeps month_households the outer loop,
 * so the order comes from the indexes and nothing is sorted. */
static const struct {
	const char *expr;
	unsigned read;     /* 0: always read */
} cursor_columns[SIG_NCOLS] = {
	[SIG_SIGNAL_ID] = { "s.signal_id", VR_READ_SIGNAL_ID },
	[SIG_RECEIVED] = { "s.received", 0 },
	[SIG_HOUSEHOLD] = { "s.household", 0 },
	[SIG_PERSON] = { "s.person", VR_READ_PERSON },
	[SIG_CREDITOR] = { "s.creditor", VR_READ_CREDITOR },
	[SIG_SECTOR] = { "s.sector", VR_READ_SECTOR },
	[SIG_KIND] = { "s.kind", VR_READ_KIND },
	[SIG_ARREARS] = { "s.arrears", 0 },
	[SIG_INSTALLMENT] = { "s.installment", VR_READ_INSTALLMENT },
	[SIG_INSTALLMENTS_MISSED] = { "s.installments_missed", VR_READ_INSTALLMENTS_MISSED },
	[SIG_DAYS_OVERDUE] = { "s.days_overdue", VR_READ_DAYS_OVERDUE },
	[SIG_LEGAL_FORM] = { "s.legal_form", VR_READ_LEGAL_FORM },
	[SIG_BIRTH_DATE] = { "s.birth_date", VR_READ_BIRTH_DATE },
	[SIG_DISTRICT] = { "s.district", VR_READ_DISTRICT },
	[SIG_HAS_PHONE] = { "s.has_phone", VR_READ_HAS_PHONE },
	[SIG_HAS_EMAIL] = { "s.has_email", VR_READ_HAS_EMAIL },
	[SIG_BRP_MATCH] = { "s.brp_match", VR_READ_BRP_MATCH },
	[SIG_KNOWN_DEBT_HELP] = { "s.known_debt_help", VR_READ_KNOWN_DEBT_HELP },
};

sqlite3_stmt *schema_cursor_signals(store *s, unsigned reads, int col[SIG_NCOLS], diag *d)
{
	char sql[1024];
	size_t len = (size_t)snprintf(sql, sizeof sql, "SELECT ");
	int n = 0;
	for (int i = 0; i < SIG_NCOLS; i++) {
		col[i] = -1;
		if (cursor_columns[i].read && !(reads & cursor_columns[i].read))
			continue;
		col[i] = n;
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s", n++ ? ", " : "",
					cursor_columns[i].expr);
	}
	/* Bounded (store_read_as_of) only when asked: a run reads everything,
	 * and the condition would cost it a test per signal. */
	len += (size_t)snprintf(sql + len, sizeof sql - len, "%s%s%s",
				" FROM month_households AS m CROSS JOIN signals AS s"
				" WHERE m.month = ?1 AND s.household = m.household"
				" AND s.received BETWEEN ?2 AND ?3",
				s->imports_upto > 0 ? " AND s.import_id <= ?4" : "",
				" ORDER BY m.household, s.received, s.signal_id");
	sqlite3_stmt *st = NULL;
	if (len >= sizeof sql) {   /* the columns above fit; this guards edits */
		diag_error(d, "internal error: the cursor statement is longer than %zu bytes", sizeof sql);
		return NULL;
	}
	if (sqlite3_prepare_v2(s->db, sql, (int)len, &st, NULL) != SQLITE_OK) {
		schema_fail(s, "prepare the household cursor", d);
		return NULL;
	}
	return st;
}

int schema_version(void)
{
	return NMIGRATIONS;
}

bool schema_buf_append(schema_buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
	return true;
}

size_t schema_buf_add(schema_buf *b, const char *s, size_t len)
{
	const size_t at = b->len;
	if (!schema_buf_append(b, s, len) || !schema_buf_append(b, "", 1))
		return (size_t)-1;
	return at;
}

bool schema_grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t cap2 = *cap ? *cap * 2 : 16;
	while (cap2 < need)
		cap2 *= 2;
	void *q = realloc(*p, cap2 * size);
	if (!q)
		return false;
	*p = q;
	*cap = cap2;
	return true;
}

void schema_buf_free(schema_buf *b)
{
	free(b->p);
	*b = (schema_buf){ 0 };
}

static bool is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static void report_busy(store *s, diag *d)
{
	diag_error(d, "the store %s is busy: another vroeg command (import, run, feedback, purge, forget) "
		   "or another program holds it (waited %d ms); try again later", s->path, s->busy_ms);
}

const char *schema_cause(int rc, int err)
{
	/* The system's own reason first: it names the disk, the limit or the
	 * permission that SQLite only calls an I/O error. */
	switch (err) {
	case ENOSPC: return "the disk is full";
#ifdef EDQUOT
	case EDQUOT: return "the disk quota is used up";
#endif
	case EFBIG: return "the file size limit was reached (see `ulimit -f` of the account that runs vroeg)";
	case EROFS: return "the file system is read-only";
	case EACCES: case EPERM: return "no permission to write there";
	case ENOENT: return "the file or its directory is gone";
	case EIO: return "the disk reported an input/output error";
	case ENOMEM: return "the computer ran out of memory";
	default: break;
	}
	switch (rc) {
	case SQLITE_FULL: return "the disk is full";
	case SQLITE_NOMEM: case SQLITE_IOERR_NOMEM: return "the computer ran out of memory";
	case SQLITE_READONLY_DBMOVED: return "the store file was moved or deleted while vroeg was using it";
	case SQLITE_READONLY_ROLLBACK:
		return "a write to it was cut off (its -journal file holds what to undo), which a command that "
		       "only reads may not undo: run the import again (or any import or run on this store), "
		       "which undoes it first";
	case SQLITE_READONLY_DIRECTORY: case SQLITE_READONLY_CANTINIT:
		return "its directory is not writable for this user (SQLite keeps the store's -wal and "
		       "-shm files beside it)";
	case SQLITE_IOERR_FSYNC: case SQLITE_IOERR_DIR_FSYNC:
		return "the disk did not confirm a write (sync failed)";
	default: break;
	}
	switch (rc & 0xff) {
	case SQLITE_READONLY: return "the store is read-only (no permission to write the file or its directory)";
	case SQLITE_CORRUPT: return "the store file is damaged";
	case SQLITE_CANTOPEN: return "the file cannot be opened";
	case SQLITE_PERM: return "no permission";
	case SQLITE_IOERR: return "the disk reported an error";
	default: return NULL;
	}
}

/* The errno of the last failed write or sync of the store's files: its
 * journal (the WAL, where a transaction is written) or the file itself.
 * sqlite3_system_errno reads errno when the error is reported, by when
 * other calls may have changed it (a file size limit came out as a plain
 * "disk I/O error"); each file keeps its own. 0 when none is known. */
static int file_errno(store *s)
{
	int err = 0;
	sqlite3_file *journal = NULL;
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) == SQLITE_OK &&
	    journal && journal->pMethods &&
	    journal->pMethods->xFileControl(journal, SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK && err)
		return err;
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_LAST_ERRNO, &err) == SQLITE_OK && err)
		return err;
	return 0;
}

/* The connection's last error in plain words, else SQLite's own. */
static const char *last_cause(store *s)
{
	const int rc = sqlite3_extended_errcode(s->db);
	int err = 0;
	if ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_FULL) {
		err = file_errno(s);
		if (!err)
			err = sqlite3_system_errno(s->db);
	}
	const char *c = schema_cause(rc, err);
	return c ? c : sqlite3_errmsg(s->db);
}

enum store_status schema_fail(store *s, const char *doing, diag *d)
{
	const int rc = sqlite3_extended_errcode(s->db);
	if (is_busy(rc)) {
		report_busy(s, d);
		return STORE_BUSY;
	}
	if (rc == SQLITE_NOTADB) {
		diag_error(d, "%s is not a vroeg store (not an SQLite database)", s->path);
		return STORE_IO_ERROR;
	}
	diag_error(d, "cannot %s in the store %s: %s", doing, s->path, last_cause(s));
	return (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_DATA_ERROR : STORE_IO_ERROR;
}

/* Runs a statement that returns no rows; the sqlite result code. */
static int run(store *s, enum schema_stmt which)
{
	sqlite3_stmt *st = s->stmt[which];
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

enum store_status schema_write_begin(store *s, bool *nested, diag *d)
{
	*nested = !sqlite3_get_autocommit(s->db);
	const int rc = run(s, *nested ? SQL_SAVEPOINT : SQL_BEGIN_IMMEDIATE);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	if (is_busy(rc)) {
		report_busy(s, d);
		return STORE_BUSY;
	}
	return schema_fail(s, "start a write", d);
}

enum store_status schema_write_commit(store *s, bool nested, diag *d)
{
	if (!nested) {
		/* A store moved or deleted (or its directory) while open would
		 * take the commit into a file nobody can find again. */
		int moved = 0;
		if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved) {
			diag_error(d, "cannot write the store %s: the file was moved or deleted (or its "
				   "directory) while vroeg was using it; nothing was changed", s->path);
			schema_write_rollback(s, nested);
			return STORE_IO_ERROR;
		}
	}
	if (run(s, nested ? SQL_RELEASE : SQL_COMMIT) == SQLITE_DONE)
		return STORE_OK;
	const enum store_status st = schema_fail(s, "save the changes", d);
	schema_write_rollback(s, nested);
	return st;
}

void schema_write_rollback(store *s, bool nested)
{
	if (nested) {
		run(s, SQL_ROLLBACK_TO);
		run(s, SQL_RELEASE);
	} else if (!sqlite3_get_autocommit(s->db)) {
		run(s, SQL_ROLLBACK);
	}
}

/* The page cache. Reading needs little: the cursor walks the tables in key
 * order and visits each page once, so SQLite's default 2 MiB is enough
 * (8 and 32 MiB measured no faster on the national month). An import
 * stores signals by household while they arrive in date order, so it keeps
 * touching pages all over the table; 128 MiB holds most of them, which
 * spares writing pages to the WAL twice and reading them back.
 * (PRAGMA cache_size acts when it is prepared, so these run through exec.) */
#define CACHE_NORMAL "PRAGMA cache_size = -2048"
#define CACHE_IMPORT "PRAGMA cache_size = -" STRINGIFY(SCHEMA_IMPORT_CACHE_KIB)

void schema_cache_for_import(store *s, bool importing)
{
	/* A cache size that cannot be set only costs speed. */
	sqlite3_exec(s->db, importing ? CACHE_IMPORT : CACHE_NORMAL, NULL, NULL, NULL);
}

/* The journal mode PRAGMA SQL sets: true when it is MODE afterwards. */
static bool journal_mode(store *s, const char *sql, const char *mode)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	const bool ok = sqlite3_step(st) == SQLITE_ROW &&
		strcmp((const char *)sqlite3_column_text(st, 0), mode) == 0;
	sqlite3_finalize(st);
	return ok;
}

bool schema_bulk_begin(store *s)
{
	if (!sqlite3_get_autocommit(s->db) || sqlite3_db_readonly(s->db, "main") != 0)
		return false;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT EXISTS (SELECT 1 FROM signals)", -1, &st, NULL) != SQLITE_OK)
		return false;
	const bool empty = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
	sqlite3_finalize(st);
	if (!empty)
		return false;
	/* Leaving WAL needs the store to itself: with a reader in it, keep
	 * WAL at once rather than wait for the reader. */
	sqlite3_busy_timeout(s->db, 0);
	const bool switched = journal_mode(s, "PRAGMA journal_mode = DELETE", "delete");
	sqlite3_busy_timeout(s->db, s->busy_ms);
	return switched;
}

void schema_bulk_end(store *s)
{
	/* When this fails (a reader arrived, the disk is full), the store
	 * stays in rollback mode, whole, until the next writer's connect. */
	journal_mode(s, "PRAGMA journal_mode = WAL", "wal");
}

/* The integer a one-off query (a PRAGMA) returns; false on error. */
static bool query_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	const int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Settings of this connection only; nothing here is stored in the file.
 * synchronous FULL: a committed run or import survives a power cut;
 * commits are few, so the extra fsync costs nothing that matters. The WAL
 * shrinks back to 64 MiB after a large import. */
static enum store_status configure(store *s, diag *d)
{
	static const char *const settings =
		"PRAGMA foreign_keys = ON;"
		"PRAGMA synchronous = FULL;"
		CACHE_NORMAL ";"
		"PRAGMA journal_size_limit = 67108864;";
	if (sqlite3_exec(s->db, settings, NULL, NULL, NULL) != SQLITE_OK)
		return schema_fail(s, "configure the connection", d);
	return STORE_OK;
}

/* Reads whose database this is, writing nothing: an empty file (no schema
 * version, application id or table) is nobody's, anything else must carry
 * our application id. Refuses a store newer than this program; unless
 * CREATING, an empty file; and, when not WRITING, a store that needs a
 * migration (read-only commands create and change nothing). *VERSION gets
 * the schema version. */
static enum store_status claim(store *s, bool writing, bool creating, int *version, diag *d)
{
	int app, tables;
	if (!query_int(s->db, "PRAGMA user_version", version) ||
	    !query_int(s->db, "PRAGMA application_id", &app) ||
	    !query_int(s->db, "SELECT count(*) FROM sqlite_master", &tables))
		return schema_fail(s, "read the schema version", d);
	const bool empty = *version == 0 && app == 0 && tables == 0;
	if (empty && !creating) {
		diag_error(d, "%s is not a vroeg store: it is empty (import signals into it first)", s->path);
		return STORE_IO_ERROR;
	}
	if (!empty && app != APPLICATION_ID) {
		diag_error(d, "%s is an SQLite database but not a vroeg store", s->path);
		return STORE_IO_ERROR;
	}
	if (*version > NMIGRATIONS) {
		diag_error(d, "the store %s has schema version %d, newer than this vroeg "
			   "knows (%d): use a newer vroeg", s->path, *version, NMIGRATIONS);
		return STORE_IO_ERROR;
	}
	if (*version < NMIGRATIONS && !writing) {
		diag_error(d, "the store %s has schema version %d, older than this vroeg's (%d): "
			   "an import or a run updates it", s->path, *version, NMIGRATIONS);
		return STORE_IO_ERROR;
	}
	return STORE_OK;
}

/* What a writer keeps in the file, set only once claim has found it ours
 * (or empty). A new store gets 16 KiB pages (this does nothing to one that
 * has tables): a month's read seeks into `signals` once per household, and
 * with four times as many cells to a page there are about a quarter as many
 * pages to fetch (the national month reads about 12% faster, and an import
 * gains as much). Then WAL: readers do not wait for a writer. */
static enum store_status set_file_mode(store *s, diag *d)
{
	if (sqlite3_exec(s->db, "PRAGMA page_size = " STRINGIFY(SCHEMA_PAGE_SIZE), NULL, NULL, NULL) != SQLITE_OK)
		return schema_fail(s, "set the page size", d);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
		return schema_fail(s, "switch to WAL mode", d);
	const int rc = sqlite3_step(st);
	const char *mode = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	const bool ok = mode && (strcmp(mode, "wal") == 0 || strcmp(mode, "memory") == 0);
	sqlite3_finalize(st);
	if (ok)
		return STORE_OK;
	if (rc != SQLITE_ROW)
		return schema_fail(s, "switch to WAL mode", d);
	diag_error(d, "cannot switch the store %s to WAL mode", s->path);
	return STORE_IO_ERROR;
}

/* Brings the schema up to date, in one write transaction. */
static enum store_status migrate(store *s, diag *d)
{
	/* The statements are prepared after the schema exists, so this one
	 * transaction runs its control statements directly. */
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return schema_fail(s, "start migrating", d);
	/* Another process may have migrated while we waited for the lock. */
	int version;
	bool ok = query_int(s->db, "PRAGMA user_version", &version);
	for (int step = version; ok && step < NMIGRATIONS; step++) {
		if (sqlite3_exec(s->db, migrations[step], NULL, NULL, NULL) != SQLITE_OK) {
			char doing[64];
			snprintf(doing, sizeof doing, "migrate to schema version %d", step + 1);
			const enum store_status st = schema_fail(s, doing, d);
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return st;
		}
	}
	if (!ok || sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		const enum store_status st = schema_fail(s, "migrate", d);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return st;
	}
	return STORE_OK;
}

sqlite3_stmt *schema_stmt(store *s, enum schema_stmt which, diag *d)
{
	if (s->stmt[which])
		return s->stmt[which];
	const char *sql = statements[which];
	if ((which == SQL_SIGNAL_INSERT_BATCH || which == SQL_MONTH_HOUSEHOLD_INSERT_BATCH) &&
	    !s->rows_registered) {
		if (!schema_rows_register(s->db, s->rows)) {
			schema_fail(s, "prepare a statement", d);
			return NULL;
		}
		s->rows_registered = true;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[which], NULL) != SQLITE_OK) {
		schema_fail(s, "prepare a statement", d);
		s->stmt[which] = NULL;
	}
	return s->stmt[which];
}

/* The statements that end a transaction are prepared at once: a rollback
 * must not depend on a prepare that could fail. The others wait for their
 * first use (schema_stmt), so a command prepares only what it runs. */
static enum store_status prepare_control(store *s, diag *d)
{
	static const enum schema_stmt control[] = {
		SQL_BEGIN_IMMEDIATE, SQL_COMMIT, SQL_ROLLBACK, SQL_SAVEPOINT, SQL_RELEASE, SQL_ROLLBACK_TO,
	};
	for (size_t i = 0; i < sizeof control / sizeof control[0]; i++)
		if (!schema_stmt(s, control[i], d))
			return STORE_IO_ERROR;
	return STORE_OK;
}

/* The store's file: a regular file, or, when CREATING, none yet, which is
 * then created with mode 0600 so the store (and its WAL and shm files,
 * which sqlite creates with the database's mode) is never readable by
 * others; an existing file keeps the mode its owner gave it. Anything else
 * (a directory, a device, a fifo) is refused: sqlite would take it for an
 * empty database, and a writer would put its WAL beside it. */
static enum store_status check_file(const char *path, bool creating, diag *d)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode))
			return STORE_OK;
		diag_error(d, "%s is not a vroeg store (not a regular file)", path);
		return STORE_IO_ERROR;
	}
	if (errno == ENOENT && !creating) {
		diag_error(d, "no store at %s (import signals into it first)", path);
		return STORE_IO_ERROR;
	}
	const int fd = errno == ENOENT ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
	if (fd < 0 && errno == ENOENT) {
		diag_error(d, "cannot create the store %s: its directory does not exist", path);
		return STORE_IO_ERROR;
	}
	if (fd < 0) {
		diag_error(d, "cannot open the store %s: %s", path, strerror(errno));
		return STORE_IO_ERROR;
	}
	close(fd);
	return STORE_OK;
}

static bool on_read_only_fs(const char *path)
{
	return access(path, W_OK) != 0 && errno == EROFS;
}

enum store_status schema_connect(store *s, const char *path, enum store_access access,
				 int busy_ms, diag *d)
{
	s->busy_ms = busy_ms < 0 ? 0 : busy_ms;
	s->path = strdup(path);
	if (!s->path) {
		diag_error(d, "out of memory opening the store %s", path);
		return STORE_IO_ERROR;
	}
	const bool memory = strcmp(path, ":memory:") == 0;
	const bool writing = memory || access != STORE_READ_ONLY;
	const bool creating = memory || access == STORE_READ_WRITE;
	enum store_status st = memory ? STORE_OK : check_file(path, creating, d);
	if (st != STORE_OK)
		return st;
	/* This SQLite may take a name that starts with "file:" for a URI
	 * (mode=memory, another file...) even without SQLITE_OPEN_URI;
	 * "./" in front keeps it the file the caller named. */
	const bool uri_like = strncmp(path, "file:", 5) == 0;
	char *name = malloc(strlen(path) + 3);
	if (!name) {
		diag_error(d, "out of memory opening the store %s", path);
		return STORE_IO_ERROR;
	}
	strcpy(name, uri_like ? "./" : "");
	strcat(name, path);
	const int rc = sqlite3_open_v2(name, &s->db,
				       (writing ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
				       SQLITE_OPEN_NOMUTEX, NULL);
	free(name);
	if (rc != SQLITE_OK) {
		const char *c = s->db ? last_cause(s) : schema_cause(rc, 0);
		diag_error(d, "cannot open the store %s: %s", path, c ? c : sqlite3_errstr(rc));
		return STORE_IO_ERROR;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_ms);
	/* SQLite opens a file it may not write read-only, and says so only at
	 * the first write: after a month's evaluation, for a run. */
	if (writing && !memory && sqlite3_db_readonly(s->db, "main") == 1) {
		diag_error(d, "cannot write the store %s: %s", path, on_read_only_fs(path) ? "it is on a read-only file system"
			   : "the file is read-only for this user (see its owner and mode)");
		return STORE_IO_ERROR;
	}
	int version = 0;
	st = claim(s, writing, creating, &version, d);
	if (st == STORE_OK)
		st = configure(s, d);
	/* Before the migration, so that once it is committed nothing is left
	 * that could fail: a command that fails to open leaves the store as it
	 * was, or migrated and whole. */
	if (st == STORE_OK)
		st = prepare_control(s, d);
	if (st == STORE_OK && writing)
		st = set_file_mode(s, d);
	if (st == STORE_OK && writing && version < NMIGRATIONS)
		st = migrate(s, d);
	return st;
}

void schema_disconnect(store *s)
{
	for (int i = 0; i < SQL_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	memset(s->stmt, 0, sizeof s->stmt);
	sqlite3_close(s->db);
	s->db = NULL;
	s->rows_registered = false;
	free(s->path);
	s->path = NULL;
}
