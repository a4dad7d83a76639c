/* check_store.c - the store: opening safely (mode 0600, WAL, versions, files
 * that are not a store, read-only), the household cursor (month, lookback span, order,
 * byte-order keys, outcomes, batches), one household for explain, and the run history
 * (insert, read back, list, supersede, the busy store). */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schema.h"
#include "store.h"
#include "support.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-store-XXXXXX");
	temp_store(dir, path, sizeof path);
}

static void teardown(void)
{
	temp_store_remove(dir, path);
}

static vr_month month(const char *text)
{
	vr_month m;
	ck_assert(vr_month_parse(text, strlen(text), &m));
	return m;
}

static vr_date day(const char *text)
{
	vr_date d;
	ck_assert(vr_date_parse(text, strlen(text), &d));
	return d;
}

/* Runs SQL on the store file through a connection of its own. */
static void raw_sql(const char *file, const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(file, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long raw_int(const char *sql)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void import(store *s, const char *text, bool outcomes, capture *c)
{
	FILE *in = tmpfile();
	fputs(text, in);
	rewind(in);
	store_import_counts n;
	const enum store_status st = outcomes ? store_import_outcomes(s, in, "t.csv", &c->d, &n)
					      : store_import_signals(s, in, "t.csv", &c->d, &n);
	fclose(in);
	ck_assert_msg(st == STORE_OK, "import failed: %s", captured(c));
}

/* Reads the month 2024-03 with a lookback of 2 and READS; the cursor's
 * answer for the first household and what it reported. */
static int read_first(store *s, unsigned reads, capture *c)
{
	store_cursor *cur = store_households(s, month("2024-03"), 2, reads, reads, &c->d);
	ck_assert_ptr_nonnull(cur);
	vr_household h;
	const int got = store_cursor_next(cur, &h);
	store_cursor_close(cur);
	return got;
}

/* Every value the cursor reads is checked: a value import never writes
 * (set by hand, check constraints off) stops the read with the household,
 * the signal (or outcome) and the column, never read as something else. */
START_TEST(a_value_this_program_did_not_write_is_reported_as_damage)
{
	static const char *const damage[][2] = {
		/* a day the month does not have, after a good date of that month */
		{ "UPDATE signals SET received = '2024-02-30' WHERE signal_id = 'S2'",
		  "household H1, signal `S2`: received `2024-02-30` is not a date YYYY-MM-DD" },
		{ "UPDATE signals SET received = '2024-03-0x' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: received `2024-03-0x` is not a date YYYY-MM-DD" },
		/* past the month's last day: once outside what the cursor read */
		{ "UPDATE signals SET received = '2024-03-32' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: received `2024-03-32` is not a date YYYY-MM-DD" },
		{ "UPDATE signals SET received = '2024-01-00' WHERE signal_id = 'S1'",
		  "household H1, signal `S1`: received `2024-01-00` is not a date YYYY-MM-DD" },
		/* a real day of another month: the month's list names H1 for nothing */
		{ "UPDATE signals SET received = '2024-02-29' WHERE signal_id = 'S3'",
		  "household H1 is listed for 2024-03, but has no signal received in that month" },
		{ "UPDATE signals SET sector = 'rentt' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: sector `rentt` is not one of rent, mortgage, health, energy, water, municipal_tax, other" },
		{ "UPDATE signals SET kind = 'later' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: kind `later` is not one of early, end_of_supply, eviction, cak" },
		{ "UPDATE signals SET legal_form = x'6c6567616c' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: legal_form (a blob of 5 bytes) is not one of natural, legal" },
		{ "UPDATE signals SET birth_date = '1990-13-01' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: birth_date `1990-13-01` is not a date YYYY-MM-DD (or empty)" },
		{ "UPDATE signals SET arrears = 'abc' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: arrears `abc` is not whole cents from 0 to 100000000000" },
		{ "UPDATE signals SET arrears = -500 WHERE signal_id = 'S2'",
		  "household H1, signal `S2`: arrears `-500` is not whole cents from 0 to 100000000000" },
		{ "UPDATE signals SET arrears = 100000000001 WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: arrears `100000000001` is not whole cents from 0 to 100000000000" },
		{ "UPDATE signals SET arrears = 12.5 WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: arrears `12.5` is not whole cents from 0 to 100000000000" },
		{ "UPDATE signals SET installment = 'x' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: installment `x` is not whole cents from 0 to 100000000000 (or empty)" },
		{ "UPDATE signals SET installments_missed = -1 WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: installments_missed `-1` is not a whole number from 0 to 1000000000 (or empty)" },
		{ "UPDATE signals SET days_overdue = 1000000001 WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: days_overdue `1000000001` is not a whole number from 0 to 1000000000 (or empty)" },
		{ "UPDATE signals SET has_phone = 2 WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: has_phone `2` is not 0 or 1" },
		{ "UPDATE signals SET has_email = 'a' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: has_email `a` is not 0 or 1" },
		{ "UPDATE signals SET known_debt_help = -1 WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: known_debt_help `-1` is not 0 or 1" },
		{ "UPDATE signals SET brp_match = 'yes' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: brp_match `yes` is not 0, 1 or empty" },
		{ "UPDATE signals SET creditor = x'4d' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: creditor (a blob of 1 byte) is not text" },
		{ "UPDATE signals SET person = x'50' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: person (a blob of 1 byte) is not text (or empty)" },
		{ "UPDATE signals SET district = x'43' WHERE signal_id = 'S3'",
		  "household H1, signal `S3`: district (a blob of 1 byte) is not text" },
		{ "UPDATE signals SET signal_id = x'5333' WHERE signal_id = 'S3'",
		  "household H1, signal (a blob of 2 bytes): signal_id (a blob of 2 bytes) is not text" },
		{ "UPDATE outcomes SET date = '2024-02-30'",
		  "household H1, outcome of `2024-02-30`: date `2024-02-30` is not a date YYYY-MM-DD" },
		{ "UPDATE outcomes SET outcome = 'refusd'",
		  "household H1, outcome of `2024-02-03`: outcome `refusd` is not one of not_picked_up, not_reached, "
		  "reached_no_help, refused, help_accepted, already_known, wrongly_reported, deceased" },
		{ "UPDATE outcomes SET signal_id = x'00'",
		  "household H1, outcome of `2024-02-03`: signal_id (a blob of 1 byte) is not text" },
	};
	for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
		capture c;
		capture_start(&c);
		unlink(path);
		store *s = store_open(path, 100, &c.d);
		ck_assert_ptr_nonnull(s);
		import(s, "signal_id,received,household,person,creditor,sector,kind,arrears,installment,"
		       "installments_missed,days_overdue,legal_form,birth_date,district,has_phone,has_email,"
		       "brp_match,known_debt_help\n"
		       "S1,2024-01-01,H1,,Vidomes,rent,,10.00,5.00,1,10,,1990-01-01,Centrum,1,0,1,0\n"
		       "S2,2024-02-10,H1,P2,Vidomes,rent,,10.00,5.00,1,10,,1990-01-01,Centrum,1,0,,0\n"
		       "S3,2024-03-05,H1,P3,Menzis,health,eviction,10.00,5.00,1,10,legal,1990-01-01,Centrum,1,0,0,1\n",
		       false, &c);
		import(s, "household,date,outcome\nH1,2024-02-03,refused\n", true, &c);
		ck_assert_int_eq(read_first(s, VR_READ_ALL, &c), 1);
		char sql[256];
		snprintf(sql, sizeof sql, "PRAGMA ignore_check_constraints = 1; %s", damage[i][0]);
		raw_sql(path, sql);
		ck_assert_int_eq(read_first(s, VR_READ_ALL, &c), -1);
		char want[512];
		snprintf(want, sizeof want, "vroeg: the store %s is damaged: %s\n", path, damage[i][1]);
		ck_assert_str_eq(captured(&c), want);
		store_close(s);
		capture_end(&c);
	}
}
END_TEST

/* A policy that does not read signal_id still has the damaged row named by
 * it; a column the policy does not read is not looked at. */
START_TEST(a_damaged_row_is_named_when_the_policy_reads_no_signal_id)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	import(s, "signal_id,received,household,creditor,sector,arrears\n"
	       "S1,2024-03-01,H1,Vidomes,rent,10.00\n"
	       "S2,2024-03-05,H1,Menzis,health,10.00\n"
	       "S3,2024-03-07,H1,Menzis,health,10.00\n", false, &c);
	raw_sql(path, "UPDATE signals SET sector = 'rnet', creditor = x'00' WHERE signal_id = 'S2'");
	ck_assert_int_eq(read_first(s, 0, &c), 1);   /* creditor and sector not read */
	ck_assert_int_eq(read_first(s, VR_READ_SECTOR, &c), -1);
	char want[512];
	snprintf(want, sizeof want, "vroeg: the store %s is damaged: household H1, signal `S2`: sector `rnet` is not "
		 "one of rent, mortgage, health, energy, water, municipal_tax, other\n", path);
	ck_assert_str_eq(captured(&c), want);
	store_close(s);
	capture_end(&c);
}
END_TEST

/* ---------------------------------------------------------- opening -- */

START_TEST(a_new_store_is_private_wal_and_versioned)
{
	capture c;
	capture_start(&c);
	umask(022);
	store *s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	store_close(s);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), schema_version());
	ck_assert_int_eq(raw_int("PRAGMA application_id"), 1987145573);
	ck_assert_int_eq(raw_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	ck_assert_int_eq(raw_int("PRAGMA page_size"), 16384);
	ck_assert_str_eq(captured(&c), "");
	/* Opening again migrates nothing and keeps the data. */
	s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(an_empty_file_becomes_a_store)
{
	capture c;
	capture_start(&c);
	FILE *f = fopen(path, "w");
	fclose(f);
	store *s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	store_close(s);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), schema_version());
	capture_end(&c);
}
END_TEST

/* A store of schema version 1 (before month figures and the audit trail:
 * tests/data/store/v1.sql, as vroeg wrote it) gets the tables of the later
 * steps when it is opened, and keeps its rows. */
START_TEST(a_version_1_store_is_migrated_to_month_figures)
{
	capture c;
	capture_start(&c);
	size_t len;
	char *sql = slurp_file("tests/data/store/v1.sql", &len);
	raw_sql(path, sql);
	free(sql);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), 1);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'month_figures'"), 0);
	store *s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	store_close(s);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), schema_version());
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'month_figures'"), 1);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'run_policies'"), 1);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM signals"), 24);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM runs"), 3);
	ck_assert_str_eq(captured(&c), "");
	capture_end(&c);
}
END_TEST

static void check_no_due(const vr_decision_set *set, void *arg)
{
	(void)arg;
	ck_assert(!set->has_due);
	ck_assert_uint_eq(set->nrows, 1);
	ck_assert_int_eq(set->rows[0].due, VR_DATE_NONE);
}

/* A store of schema version 3 (before contact terms) gets a run's due
 * column and a decision's due date when it is opened; its runs read as run
 * without a term, its decisions without a due date. */
START_TEST(a_version_3_store_is_migrated_to_due_dates)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	import(s, "signal_id,received,household,creditor,sector,arrears\nS1,2024-03-03,H1,Vitens,water,10.00\n",
	       false, &c);
	store_close(s);
	raw_sql(path, "DROP TABLE feedback; DROP TABLE feedback_batches; DROP TABLE run_signals; "
		"DROP INDEX outcomes_by_signal; ALTER TABLE runs DROP COLUMN feedback_kept; "
		"ALTER TABLE runs DROP COLUMN has_due; ALTER TABLE decisions DROP COLUMN due; "
		"INSERT INTO runs (month, policy_name, policy_version, source_sha256, started, finished, "
		"households, label_names) VALUES ('2024-03', 'p', '1', 'abc', 't', 't', 1, '[]'); "
		"INSERT INTO decisions (run_id, household, bucket, reason, rule, overflowed_from, labels, "
		"arrears, place) VALUES (1, 'H1', 'letter', '', 'p:3', '', '[]', 1000, 0); "
		"PRAGMA user_version = 3");
	s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	store_run r;
	ck_assert_int_eq(store_current_run(s, month("2024-03"), &r, &c.d), 1);
	ck_assert_str_eq(r.settings, "[]");
	ck_assert(!r.has_due);
	ck_assert_int_eq(store_read_decisions(s, month("2024-03"), check_no_due, NULL, &c.d), STORE_OK);
	store_close(s);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), schema_version());
	ck_assert_str_eq(captured(&c), "");
	capture_end(&c);
}
END_TEST

START_TEST(a_newer_store_is_refused)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	store_close(s);
	raw_sql(path, "PRAGMA user_version = 99");
	ck_assert_ptr_null(store_open(path, 100, &c.d));
	char want[256];
	snprintf(want, sizeof want, "vroeg: the store %s has schema version 99, newer than this "
		 "vroeg knows (%d): use a newer vroeg\n", path, schema_version());
	ck_assert_str_eq(captured(&c), want);
	capture_end(&c);
}
END_TEST

START_TEST(other_files_are_not_taken_for_a_store)
{
	capture c;
	capture_start(&c);
	raw_sql(path, "CREATE TABLE accounts (id INTEGER)");
	ck_assert_ptr_null(store_open(path, 100, &c.d));
	char want[256];
	snprintf(want, sizeof want, "vroeg: %s is an SQLite database but not a vroeg store\n", path);
	ck_assert_str_eq(captured(&c), want);
	capture_end(&c);

	capture_start(&c);
	unlink(path);
	FILE *f = fopen(path, "w");
	fputs("signal_id,received,household\nS1,2024-03-01,H1\n", f);
	fclose(f);
	ck_assert_ptr_null(store_open(path, 100, &c.d));
	snprintf(want, sizeof want, "vroeg: %s is not a vroeg store (not an SQLite database)\n", path);
	ck_assert_str_eq(captured(&c), want);
	capture_end(&c);

	capture_start(&c);
	ck_assert_ptr_null(store_open("/nonexistent-dir/store.db", 100, &c.d));
	ck_assert_str_eq(captured(&c), "vroeg: cannot create the store /nonexistent-dir/store.db: "
			 "its directory does not exist\n");
	capture_end(&c);
}
END_TEST

START_TEST(memory_store_works)
{
	capture c;
	capture_start(&c);
	store *s = store_open(":memory:", 0, &c.d);
	ck_assert_ptr_nonnull(s);
	import(s, "signal_id,received,household,creditor,sector,arrears\n"
	       "S1,2024-03-01,H1,Menzis,health,1.00\n", false, &c);
	store_cursor *cur = store_households(s, month("2024-03"), 0, VR_READ_ALL, VR_READ_ALL, &c.d);
	vr_household h;
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "H1");
	ck_assert_int_eq(store_cursor_next(cur, &h), 0);
	store_cursor_close(cur);
	store_close(s);
	ck_assert_int_eq(access(":memory:", F_OK), -1);
	capture_end(&c);
}
END_TEST

/* Read-only: a file that is not yet a store, or not ours, is refused as it
 * is; busy at open is STORE_BUSY, as later. */
START_TEST(read_only_opening_creates_and_changes_nothing)
{
	capture c;
	capture_start(&c);
	store *s;
	ck_assert_int_eq(store_connect(path, STORE_READ_ONLY, 100, &s, &c.d), STORE_IO_ERROR);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(access(path, F_OK), -1);
	FILE *f = fopen(path, "w");
	fclose(f);
	ck_assert_int_eq(store_connect(path, STORE_READ_ONLY, 100, &s, &c.d), STORE_IO_ERROR);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	char want[512];
	snprintf(want, sizeof want, "vroeg: no store at %s (import signals into it first)\n"
		 "vroeg: %s is not a vroeg store: it is empty (import signals into it first)\n", path, path);
	ck_assert_str_eq(captured(&c), want);
	/* A store: read, not written (a write is refused by SQLite). */
	store_close(store_open(path, 100, &c.d));
	ck_assert_int_eq(store_connect(path, STORE_READ_ONLY, 100, &s, &c.d), STORE_OK);
	ck_assert_int_eq(store_begin(s, &c.d), STORE_OK);
	store_run run = { .month = month("2024-03"), .policy_name = "p", .policy_version = "1", .source_sha256 = "0",
			   .started = "t", .finished = "t" };
	const vr_decision_set none = { .month = month("2024-03") };
	ck_assert_int_eq(store_insert_run(s, &run, &none, &c.d), STORE_IO_ERROR);
	store_rollback(s);
	store_close(s);
	capture_end(&c);

	capture_start(&c);
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_connect(path, STORE_READ_ONLY, 50, &s, &c.d), STORE_BUSY);
	ck_assert_int_eq(store_connect(path, STORE_READ_WRITE, 50, &s, &c.d), STORE_BUSY);
	ck_assert_ptr_null(s);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	capture_end(&c);
}
END_TEST

/* ----------------------------------------------------------- cursor -- */

/* Run month 2024-03, lookback 2: the span is 2024-01-01 .. 2024-03-31. */
static const char *const signals_csv =
	"signal_id,received,household,person,creditor,sector,arrears,district,installment\n"
	"S0,2023-12-31,H99,,Menzis,health,1.00,,\n"          /* before the span */
	"S1,2024-01-01,H99,,Menzis,health,2.00,,\n"          /* first day of the span */
	"S3b,2024-02-10,H99,P9,Vitens,water,3.00,Noord,\n"
	"S3a,2024-02-10,H99,,Eneco,energy,4.00,,\n"
	"S5,2024-03-15,H99,,Woonbron,rent,5.00,Zuid,7.50\n"
	"S6,2024-03-31,H99,,Menzis,health,6.00,,\n"          /* last day of the month */
	"S9,2024-04-01,H99,,Menzis,health,9.00,,\n"          /* after the month */
	"S10,2024-03-01,H100,,Menzis,health,10.00,,\n"
	"S20,2024-02-20,H2,,Menzis,health,20.00,,\n"         /* history only */
	"S30,2024-03-02,h1,,Menzis,health,30.00,,\n"
	"S40,2024-03-03,\xc3\x89" "1,,Menzis,health,40.00,,\n"
	"S50,2024-04-02,H1,,Menzis,health,50.00,,\n";        /* next month only */

static const char *const outcomes_csv =
	"household,date,outcome,signal_id\n"
	"H99,2023-12-31,refused,S0\n"          /* before the span */
	"H99,2024-02-01,already_known,\n"
	"H99,2024-02-01,help_accepted,S3a\n"   /* enum order: help_accepted first */
	"H99,2024-01-05,wrongly_reported,S1\n"
	"H99,2024-01-05,deceased,\n"
	"H99,2024-04-01,refused,S9\n"          /* after the month */
	"H0,2024-03-01,refused,\n"             /* a household not triaged */
	"H2,2024-03-01,refused,\n"
	"h1,2024-03-31,not_reached,S30\n";

static store *loaded_store(capture *c)
{
	store *s = store_open(path, 100, &c->d);
	ck_assert_ptr_nonnull(s);
	import(s, signals_csv, false, c);
	import(s, outcomes_csv, true, c);
	return s;
}

static void expect_h99(const vr_household *h)
{
	ck_assert_str_eq(h->key, "H99");
	ck_assert_uint_eq(h->nsignals, 5);
	const char *const ids[] = { "S1", "S3a", "S3b", "S5", "S6" };
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(h->signals[i].signal_id, ids[i]);
	ck_assert_int_eq(h->signals[0].received, day("2024-01-01"));
	ck_assert_int_eq(h->signals[4].received, day("2024-03-31"));
	ck_assert_str_eq(h->signals[2].person, "P9");
	ck_assert_str_eq(h->signals[2].district, "Noord");
	ck_assert_str_eq(h->signals[1].person, "H99");
	ck_assert_str_eq(h->signals[1].district, "");
	ck_assert_int_eq(h->signals[3].sector, SECTOR_RENT);
	ck_assert_int_eq(h->signals[3].installment, 750);
	ck_assert(h->signals[4].installment == VR_MISSING);
	ck_assert_uint_eq(h->noutcomes, 4);
	ck_assert_int_eq(h->outcomes[0].date, day("2024-01-05"));
	ck_assert_int_eq(h->outcomes[0].outcome, OUTCOME_WRONGLY_REPORTED);
	ck_assert_str_eq(h->outcomes[0].signal_id, "S1");
	ck_assert_int_eq(h->outcomes[1].outcome, OUTCOME_DECEASED);
	ck_assert_str_eq(h->outcomes[1].signal_id, "");
	ck_assert_int_eq(h->outcomes[2].date, day("2024-02-01"));
	ck_assert_int_eq(h->outcomes[2].outcome, OUTCOME_HELP_ACCEPTED);
	ck_assert_int_eq(h->outcomes[3].outcome, OUTCOME_ALREADY_KNOWN);
}

START_TEST(cursor_walks_the_month_in_byte_order_with_the_span)
{
	capture c;
	capture_start(&c);
	store *s = loaded_store(&c);
	store_cursor *cur = store_households(s, month("2024-03"), 2, VR_READ_ALL, VR_READ_ALL, &c.d);
	ck_assert_ptr_nonnull(cur);
	vr_household h;
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "H100");
	ck_assert_uint_eq(h.nsignals, 1);
	ck_assert_uint_eq(h.noutcomes, 0);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	expect_h99(&h);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "h1");
	ck_assert_uint_eq(h.noutcomes, 1);
	ck_assert_int_eq(h.outcomes[0].outcome, OUTCOME_NOT_REACHED);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "\xc3\x89" "1");
	ck_assert_int_eq(store_cursor_next(cur, &h), 0);
	ck_assert_int_eq(store_cursor_next(cur, &h), 0);
	store_cursor_close(cur);
	ck_assert_str_eq(captured(&c), "");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(lookback_zero_reads_the_month_only)
{
	capture c;
	capture_start(&c);
	store *s = loaded_store(&c);
	store_cursor *cur = store_households(s, month("2024-03"), 0, VR_READ_ALL, VR_READ_ALL, &c.d);
	vr_household h;
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "H99");
	ck_assert_uint_eq(h.nsignals, 2);
	ck_assert_str_eq(h.signals[0].signal_id, "S5");
	ck_assert_uint_eq(h.noutcomes, 0);
	store_cursor_close(cur);
	/* A month with no signals has no households. */
	cur = store_households(s, month("2023-11"), 6, VR_READ_ALL, VR_READ_ALL, &c.d);
	ck_assert_int_eq(store_cursor_next(cur, &h), 0);
	store_cursor_close(cur);
	/* April: only H1 and H99, and H99's March signals are history now. */
	cur = store_households(s, month("2024-04"), 1, VR_READ_ALL, VR_READ_ALL, &c.d);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "H1");
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "H99");
	ck_assert_uint_eq(h.nsignals, 3);
	ck_assert_uint_eq(h.noutcomes, 1);
	ck_assert_int_eq(store_cursor_next(cur, &h), 0);
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(one_cursor_at_a_time_and_reopening_restarts)
{
	capture c;
	capture_start(&c);
	store *s = loaded_store(&c);
	store_cursor *cur = store_households(s, month("2024-03"), 2, VR_READ_ALL, VR_READ_ALL, &c.d);
	ck_assert_ptr_null(store_households(s, month("2024-03"), 2, VR_READ_ALL, VR_READ_ALL, &c.d));
	char want[256];
	snprintf(want, sizeof want, "vroeg: the store %s already has a household cursor open\n", path);
	ck_assert_str_eq(captured(&c), want);
	vr_household h;
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	store_cursor_close(cur);
	cur = store_households(s, month("2024-03"), 2, VR_READ_ALL, VR_READ_ALL, &c.d);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "H100");
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(one_household_as_the_cursor_gives_it)
{
	capture c;
	capture_start(&c);
	store *s = loaded_store(&c);
	store_cursor *holder = NULL;
	vr_household h;
	ck_assert_int_eq(store_household(s, "H99", month("2024-03"), 2, &holder, &h, &c.d), 1);
	expect_h99(&h);
	ck_assert_int_eq(store_household(s, "H2", month("2024-03"), 2, &holder, &h, &c.d), 0);
	ck_assert_int_eq(store_household(s, "nobody", month("2024-03"), 2, &holder, &h, &c.d), 0);
	ck_assert_int_eq(store_household(s, "H100", month("2024-03"), 2, &holder, &h, &c.d), 1);
	ck_assert_str_eq(h.key, "H100");
	ck_assert_uint_eq(h.nsignals, 1);
	/* While a cursor walks the month. */
	store_cursor *cur = store_households(s, month("2024-03"), 2, VR_READ_ALL, VR_READ_ALL, &c.d);
	vr_household w;
	ck_assert_int_eq(store_cursor_next(cur, &w), 1);
	ck_assert_int_eq(store_household(s, "H99", month("2024-03"), 2, &holder, &h, &c.d), 1);
	expect_h99(&h);
	ck_assert_int_eq(store_cursor_next(cur, &w), 1);
	expect_h99(&w);
	store_cursor_close(cur);
	store_cursor_close(holder);
	ck_assert_str_eq(captured(&c), "");
	store_close(s);
	capture_end(&c);
}
END_TEST

/* The cursor stays within bounded memory: its buffers are reused, so a
 * big household followed by small ones works and the walk is complete. */
START_TEST(many_households_stream_through_reused_buffers)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	fputs("signal_id,received,household,creditor,sector,arrears,district\n", out);
	for (int i = 0; i < 400; i++)
		fprintf(out, "B%d,2024-03-%02d,H0000,Creditor %d,other,1.00,D%d\n", i, i % 28 + 1, i, i);
	for (int i = 0; i < 3000; i++)
		fprintf(out, "S%d,2024-03-%02d,H%04d,Menzis,health,%d.00,\n", i, i % 28 + 1, 1 + i % 1500, i);
	fclose(out);
	import(s, text, false, &c);
	free(text);
	store_cursor *cur = store_households(s, month("2024-03"), 0, VR_READ_ALL, VR_READ_ALL, &c.d);
	vr_household h;
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_uint_eq(h.nsignals, 400);
	long households = 1, signals = 400;
	char prev[16] = "H0000";
	while (store_cursor_next(cur, &h) == 1) {
		ck_assert_int_lt(strcmp(prev, h.key), 0);
		snprintf(prev, sizeof prev, "%s", h.key);
		ck_assert_uint_eq(h.nsignals, 2);
		ck_assert_str_eq(h.signals[0].creditor, "Menzis");
		ck_assert_str_eq(h.signals[1].person, h.key);
		ck_assert_int_le(h.signals[0].received, h.signals[1].received);
		households++;
		signals += (long)h.nsignals;
	}
	ck_assert_int_eq(households, 1501);
	ck_assert_int_eq(signals, 3400);
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

/* One line per household and one per signal and outcome, as read. */
static void dump_household(FILE *out, const vr_household *h)
{
	fprintf(out, "%s %zu %zu\n", h->key, h->nsignals, h->noutcomes);
	for (size_t i = 0; i < h->nsignals; i++) {
		const vr_signal *g = &h->signals[i];
		fprintf(out, " %s %d %s %s %s %lld %d %d\n", g->signal_id, (int)g->received, g->person,
			g->creditor, g->district, (long long)g->arrears, g->sector, g->brp_match);
	}
	for (size_t i = 0; i < h->noutcomes; i++)
		fprintf(out, " outcome %d %d %s\n", (int)h->outcomes[i].date, h->outcomes[i].outcome,
			h->outcomes[i].signal_id);
}

/* The month read BATCH households at a time (1: store_cursor_next). */
static char *read_in_batches(store *s, int batch, capture *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	store_cursor *cur = store_households(s, month("2024-03"), 1, VR_READ_ALL, VR_READ_ALL, &c->d);
	ck_assert_ptr_nonnull(cur);
	vr_household h[300];
	int got;
	while ((got = batch == 1 ? store_cursor_next(cur, h) : store_cursor_next_batch(cur, h, batch)) > 0) {
		ck_assert_int_le(got, batch > 256 ? 256 : batch);
		for (int k = 0; k < got; k++)
			dump_household(out, &h[k]);
	}
	ck_assert_int_eq(got, 0);
	store_cursor_close(cur);
	fclose(out);
	return text;
}

START_TEST(households_read_in_batches_are_those_read_one_by_one)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	ck_assert_ptr_nonnull(s);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	/* Many households with few signals across two months, outcomes for
	 * some, and amid them one with many signals: the buffers grow, and may
	 * move, in the middle of a batch. */
	fputs("signal_id,received,household,person,creditor,sector,arrears,district,brp_match\n", out);
	for (int i = 0; i < 300; i++)
		fprintf(out, "B%d,2024-0%d-%02d,H0350,,Creditor %d,other,1.00,D%d,1\n", i, 2 + i % 2, i % 28 + 1, i, i);
	for (int i = 0; i < 2000; i++)
		fprintf(out, "S%d,2024-0%d-%02d,H%04d,P%d,Menzis,health,%d.00,,%s\n", i, 2 + i % 2, i % 28 + 1,
			1 + i % 700, i % 3, i, i % 5 ? "0" : "");
	fclose(out);
	import(s, text, false, &c);
	free(text);
	text = NULL;
	out = open_memstream(&text, &len);
	fputs("household,date,outcome\n", out);
	for (int i = 0; i < 500; i += 3)
		fprintf(out, "H%04d,2024-03-%02d,refused\nH%04d,2024-02-%02d,not_reached\n", i, i % 28 + 1, i, i % 28 + 1);
	fclose(out);
	import(s, text, true, &c);
	free(text);
	char *one = read_in_batches(s, 1, &c);
	ck_assert_uint_gt(strlen(one), 10000);
	const int sizes[] = { 2, 7, 32, 256, 300 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *many = read_in_batches(s, sizes[i], &c);
		ck_assert_msg(strcmp(one, many) == 0, "batches of %d read differently", sizes[i]);
		free(many);
	}
	free(one);
	store_close(s);
	ck_assert_str_eq(captured(&c), "");
	capture_end(&c);
}
END_TEST

START_TEST(reading_goes_on_while_another_connection_writes)
{
	capture c;
	capture_start(&c);
	store *writer = loaded_store(&c);
	store *reader = store_open(path, 50, &c.d);
	ck_assert_int_eq(store_begin(writer, &c.d), STORE_OK);
	store_cursor *cur = store_households(reader, month("2024-03"), 2, VR_READ_ALL, VR_READ_ALL, &c.d);
	vr_household h;
	int n = 0;
	while (store_cursor_next(cur, &h) == 1)
		n++;
	ck_assert_int_eq(n, 4);
	store_cursor_close(cur);
	store_rollback(writer);
	store_close(reader);
	store_close(writer);
	ck_assert_str_eq(captured(&c), "");
	capture_end(&c);
}
END_TEST

/* ------------------------------------------------------------- runs -- */

typedef struct runs_seen {
	int n;
	long long ids[8];
	bool superseded[8];
	char months[8][8];
	char policies[8][32];
} runs_seen;

static void see_run(const store_run *r, void *arg)
{
	runs_seen *seen = arg;
	ck_assert_int_lt(seen->n, 8);
	seen->ids[seen->n] = r->id;
	seen->superseded[seen->n] = r->superseded;
	vr_month_format(r->month, seen->months[seen->n]);
	snprintf(seen->policies[seen->n], sizeof seen->policies[0], "%s", r->policy_name);
	seen->n++;
}

typedef struct decisions_seen {
	int calls;
	size_t nrows, nlabels;
	char text[2048];
} decisions_seen;

/* Writes the set as lines "household|bucket|reason|rule|from|labels...|arrears|place". */
static void see_decisions(const vr_decision_set *set, void *arg)
{
	decisions_seen *seen = arg;
	seen->calls++;
	seen->nrows = set->nrows;
	seen->nlabels = set->nlabels;
	size_t n = 0;
	char m[8];
	vr_month_format(set->month, m);
	n += (size_t)snprintf(seen->text + n, sizeof seen->text - n, "%s", m);
	for (size_t i = 0; i < set->nlabels; i++)
		n += (size_t)snprintf(seen->text + n, sizeof seen->text - n, " %s", set->label_names[i]);
	n += (size_t)snprintf(seen->text + n, sizeof seen->text - n, "\n");
	for (size_t r = 0; r < set->nrows; r++) {
		const vr_decision_row *d = &set->rows[r];
		n += (size_t)snprintf(seen->text + n, sizeof seen->text - n, "%s|%s|%s|%s|%s",
				      d->household, d->bucket, d->reason, d->rule, d->overflowed_from);
		for (size_t i = 0; i < set->nlabels; i++)
			n += (size_t)snprintf(seen->text + n, sizeof seen->text - n, "|%s", d->labels[i]);
		n += (size_t)snprintf(seen->text + n, sizeof seen->text - n, "|%lld|%lld\n",
				      (long long)d->arrears, (long long)d->place);
	}
}

static const char *const label_names[] = { "multiplicity", "sequence" };
static const char *const labels_a[] = { "multiple", "consecutive" };
static const char *const labels_b[] = { "quote \" back\\slash\nnew line \xe2\x82\xac", "" };
static const vr_decision_row rows[] = {
	{ "H99", "home_visit", "", "p8.vroeg:12", "", labels_a, 123456, 1, VR_DATE_NONE },
	{ "H100", "excluded", "no mortgage signal", "p8.vroeg:7", "", labels_b, 0, 0, VR_DATE_NONE },
	{ "h1", "letter", "", "p8.vroeg:14", "home_visit", NULL, 5, 0, VR_DATE_NONE },
};

static store_run make_run(const char *m, const char *policy)
{
	return (store_run){ .month = month(m), .policy_name = policy, .policy_version = "2024-1",
			    .source_sha256 = "0123456789abcdef0123456789abcdef"
					     "0123456789abcdef0123456789abcdef",
			    .started = "2024-04-01T08:00:00Z", .finished = "2024-04-01T08:00:02Z",
			    .households = 3 };
}

static vr_decision_set make_set(const char *m)
{
	return (vr_decision_set){ .month = month(m), .label_names = label_names, .nlabels = 2,
				  .rows = rows, .nrows = 3 };
}

START_TEST(a_run_is_recorded_and_read_back_in_byte_order)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	store_run run = make_run("2024-03", "p8");
	const vr_decision_set set = make_set("2024-03");
	ck_assert_int_eq(store_begin(s, &c.d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &run, &set, &c.d), STORE_OK);
	ck_assert_int_eq(store_commit(s, &c.d), STORE_OK);
	ck_assert_int_gt(run.id, 0);

	store_run cur;
	ck_assert_int_eq(store_current_run(s, month("2024-03"), &cur, &c.d), 1);
	ck_assert_int_eq(cur.id, run.id);
	ck_assert_str_eq(cur.policy_name, "p8");
	ck_assert_str_eq(cur.policy_version, "2024-1");
	ck_assert_str_eq(cur.source_sha256, run.source_sha256);
	ck_assert_str_eq(cur.started, "2024-04-01T08:00:00Z");
	ck_assert_str_eq(cur.finished, "2024-04-01T08:00:02Z");
	ck_assert_int_eq(cur.households, 3);
	ck_assert(!cur.superseded);
	ck_assert_int_eq(cur.month, month("2024-03"));
	ck_assert_int_eq(store_current_run(s, month("2024-02"), &cur, &c.d), 0);

	decisions_seen seen = { 0 };
	ck_assert_int_eq(store_read_decisions(s, month("2024-03"), see_decisions, &seen, &c.d), STORE_OK);
	ck_assert_int_eq(seen.calls, 1);
	ck_assert_str_eq(seen.text,
		"2024-03 multiplicity sequence\n"
		"H100|excluded|no mortgage signal|p8.vroeg:7||quote \" back\\slash\nnew line \xe2\x82\xac||0|0\n"
		"H99|home_visit||p8.vroeg:12||multiple|consecutive|123456|1\n"
		"h1|letter||p8.vroeg:14|home_visit|||5|0\n");
	/* No run for the month: the callback is not called. */
	decisions_seen none = { 0 };
	ck_assert_int_eq(store_read_decisions(s, month("2024-02"), see_decisions, &none, &c.d), STORE_OK);
	ck_assert_int_eq(none.calls, 0);
	ck_assert_str_eq(captured(&c), "");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(a_month_has_one_current_run_and_supersede_keeps_history)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	store_run first = make_run("2024-03", "p1"), second = make_run("2024-03", "p2"),
		  other = make_run("2024-04", "p1");
	const vr_decision_set set = make_set("2024-03"), set4 = make_set("2024-04");
	ck_assert_int_eq(store_insert_run(s, &first, &set, &c.d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &other, &set4, &c.d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &second, &set, &c.d), STORE_DATA_ERROR);
	char want[256];
	snprintf(want, sizeof want, "vroeg: the store %s already has a current run for 2024-03: "
		 "supersede it first\n", path);
	ck_assert_str_eq(captured(&c), want);
	ck_assert_int_eq(store_supersede(s, first.id, &c.d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &second, &set, &c.d), STORE_OK);

	store_run cur;
	ck_assert_int_eq(store_current_run(s, month("2024-03"), &cur, &c.d), 1);
	ck_assert_int_eq(cur.id, second.id);
	ck_assert_str_eq(cur.policy_name, "p2");

	runs_seen seen = { 0 };
	ck_assert_int_eq(store_list_runs(s, see_run, &seen, &c.d), STORE_OK);
	ck_assert_int_eq(seen.n, 3);
	ck_assert_int_eq(seen.ids[0], first.id);
	ck_assert(seen.superseded[0]);
	ck_assert_str_eq(seen.months[0], "2024-03");
	ck_assert_int_eq(seen.ids[1], other.id);
	ck_assert(!seen.superseded[1]);
	ck_assert_str_eq(seen.months[1], "2024-04");
	ck_assert_int_eq(seen.ids[2], second.id);
	ck_assert_str_eq(seen.policies[2], "p2");

	ck_assert_int_eq(store_supersede(s, 999, &c.d), STORE_DATA_ERROR);
	ck_assert_ptr_nonnull(strstr(captured(&c), "has no run 999 to supersede"));
	store_close(s);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM decisions"), 9);
	capture_end(&c);
}
END_TEST

START_TEST(a_rolled_back_run_leaves_nothing)
{
	capture c;
	capture_start(&c);
	store *s = store_open(path, 100, &c.d);
	store_run run = make_run("2024-03", "p8");
	const vr_decision_set set = make_set("2024-03");
	ck_assert_int_eq(store_begin(s, &c.d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &run, &set, &c.d), STORE_OK);
	store_rollback(s);
	store_run cur;
	ck_assert_int_eq(store_current_run(s, month("2024-03"), &cur, &c.d), 0);
	/* Two decisions for one household: refused, nothing recorded. */
	const vr_decision_row twice[] = { rows[0], rows[0] };
	const vr_decision_set bad = { .month = month("2024-03"), .label_names = label_names,
				      .nlabels = 2, .rows = twice, .nrows = 2 };
	ck_assert_int_eq(store_insert_run(s, &run, &bad, &c.d), STORE_DATA_ERROR);
	ck_assert_str_eq(captured(&c), "vroeg: cannot record the run: household H99 has two decisions\n");
	ck_assert_int_eq(store_current_run(s, month("2024-03"), &cur, &c.d), 0);
	store_close(s);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM runs"), 0);
	capture_end(&c);
}
END_TEST

static double seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

START_TEST(a_second_writer_waits_then_gets_busy)
{
	capture c;
	capture_start(&c);
	store *first = store_open(path, 100, &c.d);
	store *second = store_open(path, 150, &c.d);
	ck_assert_int_eq(store_begin(first, &c.d), STORE_OK);
	const double t0 = seconds();
	ck_assert_int_eq(store_begin(second, &c.d), STORE_BUSY);
	ck_assert_double_ge(seconds() - t0, 0.1);
	char want[512];
	snprintf(want, sizeof want, "vroeg: the store %s is busy: another vroeg command (import, run, feedback, purge, forget) or another program holds it "
		 "(waited 150 ms); try again later\n", path);
	ck_assert_str_eq(captured(&c), want);
	store_run run = make_run("2024-03", "p8");
	const vr_decision_set set = make_set("2024-03");
	ck_assert_int_eq(store_insert_run(second, &run, &set, &c.d), STORE_BUSY);
	ck_assert_int_eq(store_insert_run(first, &run, &set, &c.d), STORE_OK);
	ck_assert_int_eq(store_commit(first, &c.d), STORE_OK);
	ck_assert_int_eq(store_begin(second, &c.d), STORE_OK);
	ck_assert_int_eq(store_supersede(second, run.id, &c.d), STORE_OK);
	ck_assert_int_eq(store_commit(second, &c.d), STORE_OK);
	store_close(second);
	store_close(first);
	ck_assert_int_eq(raw_int("SELECT superseded FROM runs"), 1);
	capture_end(&c);
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_new_store_is_private_wal_and_versioned);
	tcase_add_test(tc, an_empty_file_becomes_a_store);
	tcase_add_test(tc, a_version_3_store_is_migrated_to_due_dates);
	tcase_add_test(tc, a_newer_store_is_refused);
	tcase_add_test(tc, a_version_1_store_is_migrated_to_month_figures);
	tcase_add_test(tc, other_files_are_not_taken_for_a_store);
	tcase_add_test(tc, memory_store_works);
	tcase_add_test(tc, read_only_opening_creates_and_changes_nothing);
	tcase_add_test(tc, a_value_this_program_did_not_write_is_reported_as_damage);
	tcase_add_test(tc, a_damaged_row_is_named_when_the_policy_reads_no_signal_id);
	tcase_add_test(tc, cursor_walks_the_month_in_byte_order_with_the_span);
	tcase_add_test(tc, lookback_zero_reads_the_month_only);
	tcase_add_test(tc, one_cursor_at_a_time_and_reopening_restarts);
	tcase_add_test(tc, one_household_as_the_cursor_gives_it);
	tcase_add_test(tc, many_households_stream_through_reused_buffers);
	tcase_add_test(tc, households_read_in_batches_are_those_read_one_by_one);
	tcase_add_test(tc, reading_goes_on_while_another_connection_writes);
	tcase_add_test(tc, a_run_is_recorded_and_read_back_in_byte_order);
	tcase_add_test(tc, a_month_has_one_current_run_and_supersede_keeps_history);
	tcase_add_test(tc, a_rolled_back_run_leaves_nothing);
	tcase_add_test(tc, a_second_writer_waits_then_gets_busy);
	suite_add_tcase(s, tc);
	return s;
}
