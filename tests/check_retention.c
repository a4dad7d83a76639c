/* check_retention.c - purge and forget through the real binary, on the
 * example city: what they remove (and print, per month and table), what
 * stays (runs, their policies, the figures `report` shows, to the byte),
 * the bytes of the removed rows gone from the store file and its WAL, the
 * refusal of a cut that a run's policy still reads, the warning of a month
 * decided without purged months its policy reads, an import that would
 * bring a purged month back, the retention term
 * kept in the store (at its limit and past it), the Dutch dialect, the
 * busy store, and a purge or forget killed at any moment leaving the store
 * entirely before or entirely after. */
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "support.h"

static char dir[64], db[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-retention-XXXXXX");
	scratch_city_store(dir, db, sizeof db);
}

static void teardown(void)
{
	scratch_remove(dir);
}

static void run_month(const char *month)
{
	char out[8192];
	ck_assert_msg(shell(out, sizeof out, "%s run --db %s --month %s rules/crisis-queue.vroeg", vroeg_bin(), db,
			    month) == 0, "run: %s", out);
}

/* The figures `report` shows for the example city's months, as CSV. */
static void report(char *out, size_t size)
{
	ck_assert_int_eq(shell(out, size, "%s report --db %s --months 2023-12..2024-06 --format csv", vroeg_bin(),
			       db), 0);
}

static long sql_int(const char *sql)
{
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const long v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void sql_text(const char *sql, char *out, size_t size)
{
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* Whether the store file or its WAL holds TEXT. */
static bool in_store_files(const char *text)
{
	char path[160];
	bool found = false;
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s%s", db, i ? "-wal" : "");
		if (access(path, F_OK) != 0)
			continue;
		size_t len;
		char *bytes = slurp_file(path, &len);
		found |= bytes_contain(bytes, len, text);
		free(bytes);
	}
	return found;
}

START_TEST(purge_removes_the_months_before_the_cut_and_keeps_the_trend)
{
	char before[1 << 16], after[1 << 16], out[1 << 14];
	run_month("2024-01");
	run_month("2024-02");
	run_month("2024-06");
	report(before, sizeof before);
	const long signals = sql_int("SELECT count(*) FROM signals WHERE received < '2024-03-01'");
	const long outcomes = sql_int("SELECT count(*) FROM outcomes WHERE date < '2024-03-01'");
	const long decisions = sql_int("SELECT count(*) FROM decisions WHERE run_id IN (1, 2)");
	ck_assert_int_gt(signals, 0);
	ck_assert_int_gt(decisions, 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-03 --force", vroeg_bin(), db), 0);
	char want[512];
	snprintf(want, sizeof want, "purged before 2024-03 in %s:\n"
		 "month      signals  outcomes  decisions month_households run_signals feedback\n2023-12 ", db);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "purge: %s", out);
	snprintf(want, sizeof want, "\ntotal    %9ld %9ld %10ld ", signals, outcomes, decisions);
	ck_assert_msg(strstr(out, want) && strstr(out, "\n2024-01 ") && strstr(out, "\n2024-02 ") &&
		      !strstr(out, "\n2024-03 ") && strstr(out, "store file and its journal are wiped\n"), "purge: %s", out);
	/* Gone, and what stays. */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM signals WHERE received < '2024-03-01'"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM outcomes WHERE date < '2024-03-01'"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM month_households WHERE month < '2024-03'"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM decisions WHERE run_id IN (1, 2)"), 0);
	ck_assert_int_gt(sql_int("SELECT count(*) FROM decisions WHERE run_id = 3"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM runs"), 3);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM run_policies"), 3);
	report(after, sizeof after);
	ck_assert_str_eq(before, after);
	/* The history says which runs' decisions went. */
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s | grep -c 'decisions purged'", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "2\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s decisions --db %s --month 2024-02", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: the decisions of 2024-02 were purged: the store keeps the months from 2024-03 on\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-01 --household H000022", vroeg_bin(),
			       db), 3);
	ck_assert_str_eq(out, "vroeg: the signals of 2024-01 were purged: the store keeps the months from 2024-03 on, "
			 "so no household of 2024-01 can be explained\n");
	/* An import does not bring a purged month back: the old file is refused. */
	const long kept = sql_int("SELECT count(*) FROM signals");
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s examples/city/signals.csv 2>&1 | sed -n '1p;$p'",
			       vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "examples/city/signals.csv:2: received: `2023-12-01` is before 2024-03, the first month the "
			 "store keeps (the months before it were purged): leave the row out\n"
			 "examples/city/signals.csv: 0 added, 3800 identical, 2700 rejected; nothing stored\n");
	ck_assert_int_eq(sql_int("SELECT count(*) FROM signals"), kept);
	ck_assert_int_eq(shell(out, sizeof out, "%s run --db %s --month 2024-02 --replace rules/letter-for-all.vroeg",
			       vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: the signals of 2024-02 were purged: the store keeps the months from 2024-03 on, "
			 "so 2024-02 cannot be decided again\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --db %s --month 2024-01 rules/crisis-queue.vroeg",
			       vroeg_bin(), db), 3);
	/* Again: nothing left to remove, and the figures as they were. */
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-03 --force", vroeg_bin(), db), 0);
	snprintf(want, sizeof want, "nothing to purge before 2024-03 in %s\nThe store file and its journal are wiped\n", db);
	ck_assert_str_eq(out, want);
	report(after, sizeof after);
	ck_assert_str_eq(before, after);
}
END_TEST

START_TEST(purge_refuses_a_cut_that_a_policy_still_reads)
{
	char out[4096];
	run_month("2024-06");
	char *before = faults_dump(db);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-04", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: purge --before 2024-04 would remove signals and outcomes that the policy of run 1 "
			 "for 2024-06 reads (it looks back 6 months); it may purge up to 2023-11 (--before 2023-12), "
			 "or give --force to purge all the same\n");
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(after);
	/* The cut it names is taken. */
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2023-12", vroeg_bin(), db), 0);
	free(before);
}
END_TEST

START_TEST(purge_refuses_what_the_next_month_will_read)
{
	char out[4096];
	run_month("2024-01");
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-03", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: purge --before 2024-03 would remove signals and outcomes that the next run, for "
			 "2024-02, reads with the policy of run 1 (it looks back 6 months); it may purge up to 2023-06 "
			 "(--before 2023-07), or give --force to purge all the same\n");
	/* --dry-run shows what --force would do, and changes nothing. */
	char *before = faults_dump(db);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-03 --force --dry-run", vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "would purge before 2024-03 in ") && strstr(out, "\nnothing was changed (--dry-run)\n"),
		      "dry run: %s", out);
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

/* A purge with no run recorded has nothing to guard its cut, which may take
 * months that a later month's policy reads (P2's recidive, P7's repeat, P8's
 * `consecutive` look back): that month is then decided without them, and
 * every command that decides it says so. The look-back reaching the cut's
 * month is whole (no warning); one month further is not. diff refuses a
 * purged month as dry-run does, instead of showing 0 of 0 households. */
START_TEST(a_month_decided_without_purged_months_its_policy_reads_says_so)
{
	char out[8192];
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-03", vroeg_bin(), db), 0);
	const char *warn_06 = "vroeg: warning: the policy reads the 6 months before 2024-06, back to 2023-12, but the "
			      "months before 2024-03 were purged: a household whose decision depends on them is "
			      "decided without them\n";
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --db %s --month 2024-06 --format csv --no-summary "
			       "rules/crisis-queue.vroeg >/dev/null", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, warn_06);
	ck_assert_int_eq(shell(out, sizeof out, "%s run --db %s --month 2024-06 rules/crisis-queue.vroeg >/dev/null",
			       vroeg_bin(), db), 0);
	ck_assert_str_eq(out, warn_06);
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000022 >/dev/null",
			       vroeg_bin(), db), 0);
	ck_assert_str_eq(out, warn_06);
	ck_assert_int_eq(shell(out, sizeof out, "%s diff --db %s --month 2024-06 rules/crisis-queue.vroeg "
			       "rules/crisis-queue.vroeg >/dev/null", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, warn_06);
	ck_assert_int_eq(shell(out, sizeof out, "sed -e 's/^count signal when arrears >= 100 or sector = water/define "
			       "floor = 100\\ncount signal when arrears >= floor or sector = water/' "
			       "rules/crisis-queue.vroeg > %s/floor.vroeg && %s sweep --db %s --month 2024-06 "
			       "--set floor=50,100 %s/floor.vroeg >/dev/null", dir, vroeg_bin(), db, dir), 0);
	ck_assert_str_eq(out, warn_06);
	/* A range says it for its first month, the one that reaches farthest. */
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --db %s --month 2024-06..2024-09 --format csv "
			       "--no-summary rules/crisis-queue.vroeg >/dev/null", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, warn_06);
	/* At the limit: 2024-09 reads back to 2024-03, all kept. One past it. */
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --db %s --month 2024-09 --format csv --no-summary "
			       "rules/crisis-queue.vroeg >/dev/null", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --db %s --month 2024-08 --format csv --no-summary "
			       "rules/crisis-queue.vroeg >/dev/null", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "vroeg: warning: the policy reads the 6 months before 2024-08, back to 2024-02, but the "
			 "months before 2024-03 were purged: a household whose decision depends on them is decided "
			 "without them\n");
	/* The purged month itself: diff refuses it as dry-run does. */
	ck_assert_int_eq(shell(out, sizeof out, "%s diff --db %s --month 2024-02 rules/crisis-queue.vroeg "
			       "rules/letter-for-all.vroeg", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: the signals of 2024-02 were purged: the store keeps the months from 2024-03 on, "
			 "so 2024-02 cannot be decided again\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s diff --db %s --month 2024-02..2024-04 rules/crisis-queue.vroeg "
			       "rules/letter-for-all.vroeg", vroeg_bin(), db), 3);
}
END_TEST

/* The month of today, as purge takes it (UTC). */
static int this_month(void)
{
	const time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

START_TEST(a_retention_term_kept_in_the_store_cuts_each_time_the_same_way)
{
	char out[4096], want[512], m[16];
	/* No term yet. */
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s", vroeg_bin(), db), 64);
	ck_assert_str_eq(out, "vroeg: the store keeps no retention term: give --before YYYY-MM, or --keep MONTHS once "
			 "(the store keeps it for the next purges)\n");
	/* The limits of --keep: 1200 months, not 1201, not 0. */
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --keep 1201", vroeg_bin(), db), 64);
	ck_assert_str_eq(out, "vroeg: --keep takes a number of months from 1 to 1200, not `1201`\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --keep 0", vroeg_bin(), db), 64);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --keep 1200", vroeg_bin(), db), 0);
	const int now = this_month();
	snprintf(m, sizeof m, "%04d-%02d", (now - 1200) / 12, (now - 1200) % 12 + 1);
	snprintf(want, sizeof want, "nothing to purge before %s in %s\n", m, db);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	/* A term that cuts at 2024-03, kept; then purge without a cut. */
	const int keep = now - (2024 * 12 + 2);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --keep %d", vroeg_bin(), db, keep), 0);
	snprintf(want, sizeof want, "purged before 2024-03 in %s:\n", db);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM signals WHERE received < '2024-03-01'"), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s", vroeg_bin(), db), 0);
	snprintf(want, sizeof want, "nothing to purge before 2024-03 in %s\n", db);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	/* A term whose cut is refused is not kept: the kept one still cuts at
	 * 2024-03 (which a run of 2024-06 now forbids in its turn). */
	run_month("2024-06");
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --keep %d", vroeg_bin(), db, keep - 3), 3);
	ck_assert_msg(strstr(out, "vroeg: purge --before 2024-06 would remove"), "%s", out);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s", vroeg_bin(), db), 3);
	ck_assert_msg(strstr(out, "vroeg: purge --before 2024-03 would remove"), "%s", out);
	/* The command line. */
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --keep 3 --before 2024-01", vroeg_bin(), db), 64);
	snprintf(m, sizeof m, "%04d-%02d", (now + 1) / 12, (now + 1) % 12 + 1);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before %s", vroeg_bin(), db, m), 64);
	ck_assert_msg(strstr(out, "it is later than this month"), "%s", out);
}
END_TEST

START_TEST(purged_bytes_are_gone_from_the_file_and_its_wal)
{
	char household[64], signal[64], out[8192];
	sql_text("SELECT household FROM signals GROUP BY household HAVING max(received) < '2024-03-01' "
		 "AND household NOT IN (SELECT household FROM outcomes WHERE date >= '2024-03-01') ORDER BY 1 LIMIT 1",
		 household, sizeof household);
	sql_text("SELECT signal_id FROM signals WHERE received < '2024-01-01' AND signal_id NOT IN "
		 "(SELECT signal_id FROM outcomes) ORDER BY 1 LIMIT 1", signal, sizeof signal);
	ck_assert_msg(in_store_files(household) && in_store_files(signal), "%s and %s should be in the store first",
		      household, signal);
	/* A reader keeps the WAL from being removed when purge closes. */
	sqlite3 *reader;
	ck_assert_int_eq(sqlite3_open(db, &reader), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(reader, "SELECT count(*) FROM runs", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-03", vroeg_bin(), db), 0);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", db);
	ck_assert_int_eq(access(wal, F_OK), 0);
	ck_assert_msg(!in_store_files(household), "household %s is still in the store file or its WAL", household);
	ck_assert_msg(!in_store_files(signal), "signal %s is still in the store file or its WAL", signal);
	sqlite3_close(reader);
}
END_TEST

START_TEST(forget_erases_every_trace_and_keeps_the_figures)
{
	char before[1 << 16], after[1 << 16], out[1 << 14], key[64];
	run_month("2024-05");
	run_month("2024-06");
	/* A household with signals, outcomes and decisions. */
	sql_text("SELECT d.household FROM decisions AS d WHERE d.household IN (SELECT household FROM outcomes) "
		 "ORDER BY 1 LIMIT 1", key, sizeof key);
	char q[256];
	snprintf(q, sizeof q, "SELECT count(*) FROM signals WHERE household = '%s'", key);
	const long signals = sql_int(q);
	snprintf(q, sizeof q, "SELECT count(*) FROM outcomes WHERE household = '%s'", key);
	const long outcomes = sql_int(q);
	snprintf(q, sizeof q, "SELECT count(*) FROM decisions WHERE household = '%s'", key);
	const long decisions = sql_int(q);
	ck_assert_int_gt(outcomes, 0);
	report(before, sizeof before);
	ck_assert(in_store_files(key));
	ck_assert_int_eq(shell(out, sizeof out, "%s forget --db %s --household %s", vroeg_bin(), db, key), 0);
	char want[512];
	snprintf(want, sizeof want, "forgot household %s in %s:\nmonth      signals  outcomes  decisions month_households run_signals feedback\n",
		 key, db);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "forget: %s", out);
	snprintf(want, sizeof want, "\ntotal    %9ld %9ld %10ld ", signals, outcomes, decisions);
	ck_assert_msg(strstr(out, want), "forget: %s", out);
	report(after, sizeof after);
	ck_assert_str_eq(before, after);
	ck_assert_msg(!in_store_files(key), "%s is still in the store file or its WAL", key);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM runs"), 2);
	/* Again: nothing left of it. */
	ck_assert_int_eq(shell(out, sizeof out, "%s forget --db %s --household %s", vroeg_bin(), db, key), 0);
	snprintf(want, sizeof want, "no trace of household %s in %s; nothing removed\n", key, db);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "forget: %s", out);
}
END_TEST

START_TEST(forget_takes_a_household_the_dutch_dialect_brought)
{
	char out[4096];
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s tests/data/store/nl-export.csv", vroeg_bin(), db), 0);
	ck_assert(in_store_files("HH-1001"));
	ck_assert_int_eq(shell(out, sizeof out, "%s forget --db %s --household HH-1001", vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "\n2024-03          2         0          0                1           0        0\n"), "forget: %s", out);
	ck_assert(!in_store_files("HH-1001"));
	ck_assert(!in_store_files("Eneco; Zakelijk"));
	ck_assert(in_store_files("HH-0999"));
}
END_TEST

START_TEST(purge_and_forget_never_create_a_store)
{
	char out[4096], want[512];
	snprintf(want, sizeof want, "vroeg: no store at %s/typo.db (import signals into it first)\n", dir);
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s/typo.db --keep 24", vroeg_bin(), dir), 5);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "%s forget --db %s/typo.db --household H1", vroeg_bin(), dir), 5);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "test -e %s/typo.db", dir), 1);
}
END_TEST

START_TEST(purge_and_forget_wait_for_a_busy_store_then_say_so)
{
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	char out[4096], want[512];
	snprintf(want, sizeof want, "vroeg: the store %s is busy: another vroeg command (import, run, feedback, purge, forget) or "
		 "another program holds it (waited 200 ms); try again later\n", db);
	ck_assert_int_eq(shell(out, sizeof out, "VROEG_BUSY_MS=200 %s purge --db %s --before 2024-01", vroeg_bin(), db), 4);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "VROEG_BUSY_MS=200 %s forget --db %s --household H000022", vroeg_bin(), db), 4);
	ck_assert_str_eq(out, want);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
}
END_TEST

/* Runs ARGV (the binary's arguments) and kills it after a while, ATTEMPTS
 * times, from the store as it was; each time the store must read entirely
 * as before or entirely as after, and be sound (faults_dump checks it). */
static void killed_at_any_moment(const char *const *argv, int step_us)
{
	char copy[160], out[4096];
	snprintf(copy, sizeof copy, "%s/copy.db", dir);
	ck_assert_int_eq(shell(out, sizeof out, "cp %s %s", db, copy), 0);
	char *before = faults_dump(db);
	ck_assert_int_eq(shell(out, sizeof out, "cp %s %s/done.db", copy, dir), 0);
	char done[160];
	snprintf(done, sizeof done, "%s/done.db", dir);
	char args[512] = "";
	for (int i = 0; argv[i]; i++)
		snprintf(args + strlen(args), sizeof args - strlen(args), " %s", strcmp(argv[i], "DB") ? argv[i] : done);
	ck_assert_int_eq(shell(out, sizeof out, "%s%s", vroeg_bin(), args), 0);
	char *after = faults_dump(done);
	ck_assert_str_ne(before, after);
	srand((unsigned)time(NULL));
	int interrupted = 0;
	for (int attempt = 0; attempt < 16; attempt++) {
		shell(NULL, 0, "rm -f %s-wal %s-shm && cp %s %s", db, db, copy, db);
		const pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			const char *a[16];
			int n = 0;
			a[n++] = vroeg_bin();
			for (int i = 0; argv[i]; i++)
				a[n++] = strcmp(argv[i], "DB") ? argv[i] : db;
			a[n] = NULL;
			freopen("/dev/null", "w", stdout);
			freopen("/dev/null", "w", stderr);
			execv(vroeg_bin(), (char *const *)a);
			_exit(127);
		}
		const long us = (long)attempt * step_us + rand() % step_us;
		const struct timespec pause = { us / 1000000, (us % 1000000) * 1000 };
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		char *now = faults_dump(db);
		if (strcmp(now, before) == 0)
			interrupted++;
		else
			ck_assert_msg(strcmp(now, after) == 0, "the store is half changed after a kill at %ld us", us);
		free(now);
	}
	ck_assert_msg(interrupted > 0, "no kill landed before the commit");
	free(before);
	free(after);
}

START_TEST(a_purge_killed_at_any_moment_leaves_the_store_before_or_after)
{
	run_month("2024-06");
	killed_at_any_moment((const char *const[]){ "purge", "--db", "DB", "--before", "2024-03", "--force", NULL }, 2500);
}
END_TEST

START_TEST(a_forget_killed_at_any_moment_leaves_the_store_before_or_after)
{
	run_month("2024-06");
	killed_at_any_moment((const char *const[]){ "forget", "--db", "DB", "--household", "H000022", NULL }, 2500);
}
END_TEST

Suite *retention_suite(void)
{
	Suite *s = suite_create("retention");
	TCase *tc = tcase_create("purge and forget");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, purge_removes_the_months_before_the_cut_and_keeps_the_trend);
	tcase_add_test(tc, purge_refuses_a_cut_that_a_policy_still_reads);
	tcase_add_test(tc, purge_refuses_what_the_next_month_will_read);
	tcase_add_test(tc, a_month_decided_without_purged_months_its_policy_reads_says_so);
	tcase_add_test(tc, a_retention_term_kept_in_the_store_cuts_each_time_the_same_way);
	tcase_add_test(tc, purged_bytes_are_gone_from_the_file_and_its_wal);
	tcase_add_test(tc, forget_erases_every_trace_and_keeps_the_figures);
	tcase_add_test(tc, forget_takes_a_household_the_dutch_dialect_brought);
	tcase_add_test(tc, purge_and_forget_never_create_a_store);
	tcase_add_test(tc, purge_and_forget_wait_for_a_busy_store_then_say_so);
	tcase_add_test(tc, a_purge_killed_at_any_moment_leaves_the_store_before_or_after);
	tcase_add_test(tc, a_forget_killed_at_any_moment_leaves_the_store_before_or_after);
	suite_add_tcase(s, tc);
	return s;
}
