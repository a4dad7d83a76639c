/* check_faults.c - every write can fail, and nothing is lost: import
 * (signals and outcomes, both dialects), run, run --replace and the
 * migration of an older store, each run in this process with its Nth write,
 * sync or truncate failing (a full disk, a file size limit, an I/O error)
 * and its Nth allocation by SQLite failing, for every N until it gets
 * through; after each the store is sound and exactly as before, and the
 * message says what happened in plain words (faults.h). Also: a read-only
 * store, a store whose directory is gone, a store moved while in use, and a
 * store held by another process past the busy timeout. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "faults.h"
#include "store.h"
#include "support.h"

static char dir[64], pristine[128], work[128];

/* Runs command ARGV (NULL-ended, without "vroeg") in this process. */
static int command(diag *d, const char *const *argv)
{
	static const struct { const char *name; int (*fn)(int, char **, diag *); } cmds[] = {
		{ "import", cmd_import }, { "run", cmd_run },
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
	const char *argv[12];   /* "--db" is followed by the store's path */
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

/* A store with signals, outcomes and a run of 2024-05. */
static void make_pristine(void)
{
	faults_install();
	must((const char *[]){ "import", "--db", pristine, "tests/data/faults/signals-a.csv", NULL });
	must((const char *[]){ "import", "--db", pristine, "--outcomes", "tests/data/faults/outcomes-a.csv", NULL });
	must((const char *[]){ "run", "--db", pristine, "--month", "2024-05", "rules/crisis-queue.vroeg", NULL });
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
		const fault_report r = faults_every_point(kinds[k].kind, kinds[k].persistent, pristine, work,
							  op_command, op, before, after, EXIT_STORE, kinds[k].words);
		ck_assert_msg(r.failed > 0, "fault %d never made %s fail", kinds[k].kind, op->argv[0]);
		fprintf(stderr, "%s %s: kind %d: %ld points, %ld failed\n", op->argv[0], op->argv[3], kinds[k].kind,
			r.runs, r.failed);
	}
	free(before);
	free(after);
}

START_TEST(an_import_of_signals_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "import", "--db", "DB", "tests/data/faults/signals-b.csv", NULL } };
	every_fault(&op);
}
END_TEST

START_TEST(an_import_of_outcomes_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "import", "--db", "DB", "--outcomes", "tests/data/faults/outcomes-b.csv", NULL } };
	every_fault(&op);
}
END_TEST

START_TEST(a_run_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "run", "--db", "DB", "--month", "2024-04", "rules/crisis-queue.vroeg", NULL } };
	every_fault(&op);
}
END_TEST

START_TEST(a_run_replacing_another_fails_whole_at_every_point)
{
	make_pristine();
	op_args op = { { "run", "--db", "DB", "--month", "2024-05", "--replace", "rules/letter-for-all.vroeg", NULL } };
	every_fault(&op);
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
		const fault_report r = faults_every_point(kinds[k].kind, kinds[k].persistent, pristine, work,
							  op_migrate, NULL, before, after, EXIT_STORE, kinds[k].words);
		ck_assert_msg(r.failed > 0, "fault %d never made the migration fail", kinds[k].kind);
	}
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
	tcase_add_test(tc, an_import_of_outcomes_fails_whole_at_every_point);
	tcase_add_test(tc, a_run_fails_whole_at_every_point);
	tcase_add_test(tc, a_run_replacing_another_fails_whole_at_every_point);
	tcase_add_test(tc, a_migration_fails_whole_at_every_point);
	suite_add_tcase(s, tc);
	return s;
}
