/* check_faults.c - every write can fail, and nothing is lost: import
 * (signals and outcomes, both dialects), run, run --replace, purge, forget,
 * their wipe and the migration of an older store, each run in this process
 * with its Nth write, sync or truncate failing (a full disk, a file size
 * limit, an I/O error) and its Nth allocation by SQLite failing, for every
 * N until it gets through; after each the store is sound and exactly as
 * before (or, for a failed wipe, as after, and the message says the rows are
 * removed but not yet wiped), and the message says what happened in plain
 * words (faults.h). Feedback too, whose files must then be gone with its
 * record (or all there with it). Also: a store this user may not write, a
 * directory it may not write, a directory that is gone, and a store moved
 * while in use. */
#define _DEFAULT_SOURCE   /* setgroups, to run a command as another user */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <grp.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "faults.h"
#include "store.h"
#include "support.h"

static char dir[64], pristine[128], work[128];

/* The directory the suite runs in (the repository). */
static const char *shell_cwd(void)
{
	static char cwd[2048];
	if (!cwd[0])
		ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	return cwd;
}

/* Runs command ARGV (NULL-ended, without "vroeg") in this process. */
static int command(diag *d, const char *const *argv)
{
	static const struct { const char *name; int (*fn)(int, char **, diag *); } cmds[] = {
		{ "import", cmd_import }, { "run", cmd_run }, { "purge", cmd_purge }, { "forget", cmd_forget },
		{ "feedback", cmd_feedback },
	};
	int argc = 0;
	char *args[16];
	while (argv[argc]) {
		args[argc] = (char *)argv[argc];
		argc++;
	}
	args[argc] = NULL;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmds[i].name, argv[0]) == 0)
			return cmds[i].fn(argc, args, d);
	ck_abort_msg("no command %s", argv[0]);
	return -1;
}

/* The operations the faults are put into. */
typedef struct op_args {
	const char *argv[12];    /* "DB" stands for the store's path */
	const char *after_words; /* fault_case's */
	bool stop_at_commit;     /* fault_case's, for allocation faults */
} op_args;

static int op_command(const char *path, void *arg, diag *d)
{
	const op_args *a = arg;
	const char *argv[16];
	int i = 0;
	for (; a->argv[i]; i++)
		argv[i] = strcmp(a->argv[i], "DB") == 0 ? path : a->argv[i];
	argv[i] = NULL;
	return command(d, argv);
}

static void must(const char *const *argv)
{
	capture c;
	capture_start(&c);
	const int rc = command(&c.d, argv);
	ck_assert_msg(rc == 0, "%s: exit %d: %s", argv[0], rc, captured(&c));
	capture_end(&c);
}

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-faults-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pristine, sizeof pristine, "%s/pristine.db", dir);
	snprintf(work, sizeof work, "%s/work.db", dir);
	/* What the commands print is not what is tested here. */
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stdout));
}

static void teardown(void)
{
	shell(NULL, 0, "rm -rf %s", dir);
}

/* A store with signals, outcomes and a run of 2024-05; with ALL, the Dutch
 * dialect's files too, and a run of 2024-06. */
static void make_pristine_with(bool all)
{
	faults_install();
	must((const char *[]){ "import", "--db", pristine, "tests/data/faults/signals-a.csv", NULL });
	must((const char *[]){ "import", "--db", pristine, "--outcomes", "tests/data/faults/outcomes-a.csv", NULL });
	if (all) {
		must((const char *[]){ "import", "--db", pristine, "tests/data/faults/signals-b.csv", NULL });
		must((const char *[]){ "import", "--db", pristine, "--outcomes", "tests/data/faults/outcomes-b.csv", NULL });
	}
	must((const char *[]){ "run", "--db", pristine, "--month", "2024-05", "rules/crisis-queue.vroeg", NULL });
	if (all)
		must((const char *[]){ "run", "--db", pristine, "--month", "2024-06", "rules/crisis-queue.vroeg", NULL });
}

static void make_pristine(void)
{
	make_pristine_with(false);
}

/* The store after OP without a fault, from PRISTINE. */
static char *after_of(op_args *op)
{
	char copy[160];
	snprintf(copy, sizeof copy, "%s/after.db", dir);
	shell(NULL, 0, "cp %s %s", pristine, copy);
	capture c;
	capture_start(&c);
	ck_assert_msg(op_command(copy, op, &c.d) == 0, "%s", captured(&c));
	capture_end(&c);
	char *after = faults_dump(copy);
	shell(NULL, 0, "rm -f %s %s-wal %s-shm", copy, copy, copy);
	return after;
}

/* Every point of every kind of fault, for OP. */
static void every_fault(op_args *op)
{
	char *before = faults_dump(pristine), *after = after_of(op);
	ck_assert_str_ne(before, after);
	static const struct {
		enum fault_kind kind;
		bool persistent;
		const char *words;
	} kinds[] = {
		{ FAULT_DISK_FULL, true, "the disk is full" },
		{ FAULT_FILE_LIMIT, true, "the file size limit was reached" },
		{ FAULT_IO, false, "the disk reported an input/output error" },
		{ FAULT_ALLOC, false, "out of memory" },
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const fault_case fc = {
			.kind = kinds[k].kind, .persistent = kinds[k].persistent, .pristine = pristine,
			.path = work, .op = op_command, .arg = op, .before = before, .after = after,
			.exit_code = EXIT_STORE, .words = kinds[k].words, .after_words = op->after_words,
			.stop_at_commit = op->stop_at_commit && kinds[k].kind == FAULT_ALLOC,
		};
		const fault_report r = faults_every_point(&fc);
		ck_assert_msg(r.failed > 0, "fault %d never made %s fail", kinds[k].kind, op->argv[0]);
	}
	free(before);
	free(after);
}

START_TEST(an_import_of_signals_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "import", "--db", "DB", "tests/data/faults/signals-b.csv", NULL }, NULL, false };
	every_fault(&op);
}
END_TEST

/* The first import of signals into a store (one with outcomes only) writes
 * with a rollback journal instead of the WAL (schema_bulk_begin): whole or
 * not at all just the same. */
START_TEST(a_first_import_of_signals_fails_whole_at_every_point)
{
	faults_install();
	must((const char *[]){ "import", "--db", pristine, "--outcomes", "tests/data/faults/outcomes-a.csv", NULL });
	op_args op = { { "import", "--db", "DB", "tests/data/faults/signals-a.csv", NULL }, NULL, false };
	every_fault(&op);
}
END_TEST

START_TEST(an_import_of_outcomes_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "import", "--db", "DB", "--outcomes", "tests/data/faults/outcomes-b.csv", NULL }, NULL, false };
	every_fault(&op);
}
END_TEST

START_TEST(a_run_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "run", "--db", "DB", "--month", "2024-04", "rules/crisis-queue.vroeg", NULL }, NULL, false };
	every_fault(&op);
}
END_TEST

START_TEST(a_run_replacing_another_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "run", "--db", "DB", "--month", "2024-05", "--replace", "rules/letter-for-all.vroeg", NULL }, NULL, false };
	every_fault(&op);
}
END_TEST

START_TEST(a_purge_fails_whole_at_every_point)
{
	make_pristine_with(true);
	/* Its wipe is tested on its own, below. */
	op_args op = { { "purge", "--db", "DB", "--before", "2024-05", "--force", NULL },
		       "their bytes are not yet wiped", true };
	every_fault(&op);
}
END_TEST

START_TEST(a_forget_fails_whole_at_every_point)
{
	make_pristine_with(true);
	op_args op = { { "forget", "--db", "DB", "--household", "H000570", NULL }, "their bytes are not yet wiped",
		       true };
	every_fault(&op);
}
END_TEST

/* `vroeg feedback` into a directory emptied first; after it, the
 * directory holds the batch's files (exit 0) or nothing at all. */
static int op_feedback(const char *path, void *arg, diag *d)
{
	char out[160], list[8192], today[16];
	snprintf(out, sizeof out, "%s/feedback", dir);
	shell(NULL, 0, "rm -rf %s && mkdir %s", out, out);
	const time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	const int rc = command(d, (const char *[]){ "feedback", "--db", path, "--as-of", today, "--out", out, NULL });
	ck_assert_int_eq(shell(list, sizeof list, "ls -A %s", out), 0);
	if (rc != 0)
		ck_assert_msg(list[0] == '\0', "a failed feedback left files: %s", list);
	else
		ck_assert_msg(strstr(list, ".csv\n") && !strstr(list, ".part"), "feedback wrote: %s", list);
	return rc;
}

START_TEST(a_feedback_fails_whole_at_every_point)
{
	make_pristine_with(true);
	char *before = faults_dump(pristine);
	char copy[160];
	snprintf(copy, sizeof copy, "%s/after.db", dir);
	shell(NULL, 0, "cp %s %s", pristine, copy);
	capture c;
	capture_start(&c);
	ck_assert_msg(op_feedback(copy, NULL, &c.d) == 0, "%s", captured(&c));
	capture_end(&c);
	char *after = faults_dump(copy);
	ck_assert_str_ne(before, after);
	static const struct {
		enum fault_kind kind;
		bool persistent;
		const char *words;
	} kinds[] = {
		{ FAULT_DISK_FULL, true, "the disk is full" },
		{ FAULT_FILE_LIMIT, true, "the file size limit was reached" },
		{ FAULT_IO, false, "the disk reported an input/output error" },
		{ FAULT_ALLOC, false, "out of memory" },
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const fault_case fc = {
			.kind = kinds[k].kind, .persistent = kinds[k].persistent, .pristine = pristine,
			.path = work, .op = op_feedback, .before = before, .after = after,
			.exit_code = EXIT_STORE, .words = kinds[k].words,
			.stop_at_commit = kinds[k].kind == FAULT_ALLOC,
		};
		const fault_report r = faults_every_point(&fc);
		ck_assert_msg(r.failed > 0, "fault %d never made feedback fail", kinds[k].kind);
	}
	free(before);
	free(after);
}
END_TEST

/* The wipe that purge and forget end with, after their commit: it changes
 * no row, so whatever fails in it, the store reads as before. */
static int op_wipe(const char *path, void *arg, diag *d)
{
	int rc;
	store *s = cli_open_store(path, true, d, &rc);
	if (s)
		rc = cli_store_exit(store_wipe(s, d));
	store_close(s);
	return rc;
}

START_TEST(a_wipe_fails_harmlessly_at_every_point)
{
	make_pristine_with(true);
	/* Rows removed and committed, not yet wiped. */
	capture c;
	capture_start(&c);
	store *s = store_open(pristine, 1000, &c.d);
	ck_assert_ptr_nonnull(s);
	store_removal removed;
	vr_month m;
	ck_assert(vr_month_parse("2024-05", 7, &m));
	ck_assert_int_eq(store_begin(s, &c.d), STORE_OK);
	ck_assert_int_eq(store_purge_rows(s, m, &removed, &c.d), STORE_OK);
	ck_assert_int_eq(store_commit(s, &c.d), STORE_OK);
	ck_assert_int_gt(removed.total.signals, 0);
	store_removal_free(&removed);
	store_close(s);
	capture_end(&c);
	char *before = faults_dump(pristine);
	static const struct {
		enum fault_kind kind;
		bool persistent;
		const char *words;
	} kinds[] = {
		{ FAULT_DISK_FULL, true, "the disk is full" },
		{ FAULT_FILE_LIMIT, true, "the file size limit was reached" },
		{ FAULT_IO, false, "the disk reported an input/output error" },
		{ FAULT_ALLOC, false, "out of memory" },
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const fault_case fc = {
			.kind = kinds[k].kind, .persistent = kinds[k].persistent, .pristine = pristine,
			.path = work, .op = op_wipe, .before = before, .after = before,
			.exit_code = EXIT_STORE, .words = kinds[k].words,
		};
		const fault_report r = faults_every_point(&fc);
		ck_assert_msg(r.failed > 0, "fault %d never made the wipe fail", kinds[k].kind);
	}
	free(before);
}
END_TEST

/* Opening an older store for writing migrates it, in a transaction of its
 * own: what a command does after it is the command's. */
static int op_migrate(const char *path, void *arg, diag *d)
{
	int rc;
	store *s = cli_open_store(path, true, d, &rc);
	store_close(s);
	return rc;
}

START_TEST(a_migration_fails_whole_at_every_point)
{
	faults_install();
	size_t len;
	char *sql = slurp_file("tests/data/store/v1.sql", &len);
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(pristine, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(sql);
	char *before = faults_dump(pristine);
	shell(NULL, 0, "cp %s %s", pristine, work);
	capture c;
	capture_start(&c);
	ck_assert_int_eq(op_migrate(work, NULL, &c.d), 0);
	capture_end(&c);
	char *after = faults_dump(work);
	ck_assert_str_ne(before, after);
	static const struct {
		enum fault_kind kind;
		bool persistent;
		const char *words;
	} kinds[] = {
		{ FAULT_DISK_FULL, true, "the disk is full" },
		{ FAULT_IO, false, "the disk reported an input/output error" },
		{ FAULT_ALLOC, false, "out of memory" },
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const fault_case fc = {
			.kind = kinds[k].kind, .persistent = kinds[k].persistent, .pristine = pristine,
			.path = work, .op = op_migrate, .before = before, .after = after,
			.exit_code = EXIT_STORE, .words = kinds[k].words,
		};
		const fault_report r = faults_every_point(&fc);
		ck_assert_msg(r.failed > 0, "fault %d never made the migration fail", kinds[k].kind);
	}
	free(before);
	free(after);
}
END_TEST

/* ------------------------------------------------ the store's place -- */

/* Runs the shell command CMD as a user who is not root (nobody, when the
 * suite runs as root, which may write any file); its output into OUT. The
 * exit status. */
static int as_user(char *out, size_t size, const char *cmd)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	const pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t k;
	while (got + 1 < size && (k = read(fds[0], out + got, size - 1 - got)) > 0)
		got += (size_t)k;
	out[got] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A store that another user made, in DIR (mode DIR_MODE), itself of mode
 * MODE: the store the next commands find. */
static void store_of_another(mode_t dir_mode, mode_t mode)
{
	char out[4096];
	ck_assert_msg(shell(out, sizeof out, "%s import --db %s tests/data/faults/signals-a.csv", vroeg_bin(), work) == 0,
		      "%s", out);
	ck_assert_int_eq(chmod(work, mode), 0);
	ck_assert_int_eq(chmod(dir, dir_mode), 0);
}

START_TEST(a_store_this_user_may_not_write_is_refused_before_the_work)
{
	store_of_another(0777, 0444);
	char *before = faults_dump(work);
	char cmd[8192], out[4096];
	snprintf(cmd, sizeof cmd, "cd %s && %s run --db %s --month 2024-05 rules/crisis-queue.vroeg",
		 shell_cwd(), vroeg_bin(), work);
	ck_assert_int_eq(as_user(out, sizeof out, cmd), 5);
	char want[512];
	snprintf(want, sizeof want, "vroeg: cannot write the store %s: the file is read-only for this user "
		 "(see its owner and mode)\n", work);
	ck_assert_str_eq(out, want);
	snprintf(cmd, sizeof cmd, "cd %s && %s import --db %s --outcomes tests/data/faults/outcomes-a.csv",
		 shell_cwd(), vroeg_bin(), work);
	ck_assert_int_eq(as_user(out, sizeof out, cmd), 5);
	ck_assert_msg(strstr(out, want), "%s", out);
	/* Reading it is another matter. */
	snprintf(cmd, sizeof cmd, "%s runs --db %s", vroeg_bin(), work);
	ck_assert_int_eq(as_user(out, sizeof out, cmd), 0);
	char *after = faults_dump(work);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(a_store_in_a_directory_this_user_may_not_write_says_so)
{
	store_of_another(0755, 0666);
	char cmd[8192], out[4096];
	snprintf(cmd, sizeof cmd, "%s runs --db %s", vroeg_bin(), work);
	ck_assert_int_eq(as_user(out, sizeof out, cmd), 5);
	ck_assert_msg(strstr(out, ": its directory is not writable for this user (SQLite keeps the store's -wal "
			     "and -shm files beside it)\n"), "%s", out);
}
END_TEST

START_TEST(a_store_whose_directory_is_gone_is_not_created_elsewhere)
{
	char out[4096];
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s/gone/store.db tests/data/faults/signals-a.csv",
			       vroeg_bin(), dir), 5);
	char want[512];
	snprintf(want, sizeof want, "vroeg: cannot create the store %s/gone/store.db: its directory does not exist\n", dir);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "test -e %s/gone", dir), 1);
}
END_TEST

START_TEST(a_store_moved_away_while_in_use_takes_no_write)
{
	char out[4096], moved[160];
	ck_assert_int_eq(shell(out, sizeof out, "mkdir %s/d && %s import --db %s/d/store.db tests/data/faults/signals-a.csv",
			       dir, vroeg_bin(), dir), 0);
	char path[160];
	snprintf(path, sizeof path, "%s/d/store.db", dir);
	snprintf(moved, sizeof moved, "%s/e/store.db", dir);
	char *before = faults_dump(path);
	capture c;
	capture_start(&c);
	store *s = store_open(path, 1000, &c.d);
	ck_assert_ptr_nonnull(s);
	/* The directory is renamed (or unmounted) under the open store. */
	ck_assert_int_eq(shell(out, sizeof out, "mv %s/d %s/e", dir, dir), 0);
	FILE *in = fopen("tests/data/faults/outcomes-a.csv", "r");
	ck_assert_ptr_nonnull(in);
	store_import_counts n;
	ck_assert_int_eq(store_import_outcomes(s, in, "outcomes-a.csv", &c.d, &n), STORE_IO_ERROR);
	fclose(in);
	store_close(s);
	char want[512];
	snprintf(want, sizeof want, "vroeg: cannot write the store %s: the file was moved or deleted (or its "
		 "directory) while vroeg was using it; nothing was changed\n", path);
	ck_assert_str_eq(captured(&c), want);
	capture_end(&c);
	char *after = faults_dump(moved);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("every write can fail");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, an_import_of_signals_fails_whole_at_every_point);
	tcase_add_test(tc, a_first_import_of_signals_fails_whole_at_every_point);
	tcase_add_test(tc, an_import_of_outcomes_fails_whole_at_every_point);
	tcase_add_test(tc, a_run_fails_whole_at_every_point);
	tcase_add_test(tc, a_run_replacing_another_fails_whole_at_every_point);
	tcase_add_test(tc, a_migration_fails_whole_at_every_point);
	tcase_add_test(tc, a_purge_fails_whole_at_every_point);
	tcase_add_test(tc, a_forget_fails_whole_at_every_point);
	tcase_add_test(tc, a_wipe_fails_harmlessly_at_every_point);
	tcase_add_test(tc, a_feedback_fails_whole_at_every_point);
	suite_add_tcase(s, tc);
	tc = tcase_create("the store's place");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_store_this_user_may_not_write_is_refused_before_the_work);
	tcase_add_test(tc, a_store_in_a_directory_this_user_may_not_write_says_so);
	tcase_add_test(tc, a_store_whose_directory_is_gone_is_not_created_elsewhere);
	tcase_add_test(tc, a_store_moved_away_while_in_use_takes_no_write);
	suite_add_tcase(s, tc);
	return s;
}
