/* check_cli.c - what the command line promises about files and exit codes,
 * through the real binary: compile and fmt write only regular files, never
 * over an input, never under a cut name, all or nothing, keeping the file's
 * mode and symbolic link; read-only commands leave another application's
 * database and an empty file byte for byte as they were; `:memory:` and URIs
 * are not stores; output that cannot be written is exit 5 for every command;
 * a busy store at open is exit 4; an input that cannot be read is exit 3 (2
 * for a policy); `--month previous` is the month before today in UTC; and
 * `--set NAME=VALUE` changes a named number for one call of dry-run, run,
 * explain, test and diff, refusing a wrong name or value as a usage error. */
#include <check.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "schema.h"
#include "support.h"

static char dir[64];
static char root[512];           /* the checkout, where the tests run */

#define POLICY "rules/crisis-queue.vroeg"
#define SIGNALS \
	"signal_id,received,household,creditor,sector,arrears\n" \
	"S1,2024-06-03,H1,Vidomes,rent,500.00\n" \
	"S2,2024-06-04,H2,Menzis,health,120.00\n"

/* DIR/NAME into BUF. */
static const char *in_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The bytes of PATH (malloc'ed, NUL-ended); *LEN their number. */
static void assert_same_bytes(const char *path, const char *want, size_t want_len, const char *after)
{
	size_t len;
	char *now = slurp_file(path, &len);
	ck_assert_msg(len == want_len && memcmp(now, want, len) == 0, "%s changed after %s", path, after);
	free(now);
}

/* The names in DIR, sorted, as one line. */
static void listing(char *out, size_t size)
{
	shell(out, size, "ls -A %s | tr '\\n' ' '", dir);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(getcwd(root, sizeof root));
	strcpy(dir, "/tmp/vroeg-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	scratch_remove(dir);
}

/* A store in DIR/store.db with SIGNALS imported, and DIR/signals.csv. */
static const char *make_store(char *db, size_t size)
{
	char csv[128], out[4096];
	write_file(in_dir(csv, sizeof csv, "signals.csv"), SIGNALS, strlen(SIGNALS));
	in_dir(db, size, "store.db");
	ck_assert_msg(shell(out, sizeof out, "%s import --db %s %s", vroeg_bin(), db, csv) == 0, "import: %s", out);
	return db;
}

/* Into PATH: DIR/ then ./ as often as it takes, then NAME, LEN bytes in all
 * (a name the system takes, however long, is DIR/NAME). */
static void long_name(char *path, const char *name, size_t len)
{
	size_t n = (size_t)sprintf(path, "%s/", dir);
	if ((len - n - strlen(name)) % 2)
		path[n++] = '/';
	while (n + strlen(name) < len) {
		memcpy(path + n, "./", 2);
		n += 2;
	}
	strcpy(path + n, name);
	ck_assert_uint_eq(strlen(path), len);
}

/* ------------------------------------------------- compile and fmt -- */

START_TEST(compile_never_writes_over_its_input)
{
	char src[128], sym[128], hard[128], out[4096];
	size_t len;
	char *policy = slurp_file(POLICY, &len);
	write_file(in_dir(src, sizeof src, "same.vroeg"), policy, len);
	ck_assert_int_eq(symlink("same.vroeg", in_dir(sym, sizeof sym, "sym.vroeg")), 0);
	ck_assert_int_eq(link(src, in_dir(hard, sizeof hard, "hard.vroeg")), 0);
	/* By name, through a symbolic link, as a hard link, from standard input. */
	const char *const outputs[] = { src, sym, hard };
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), src, outputs[i]), 64);
		char want[512];
		snprintf(want, sizeof want, "vroeg: cannot write %s: it is the same file as the input %s\n", outputs[i], src);
		ck_assert_str_eq(out, want);
		assert_same_bytes(src, policy, len, "compile -o");
	}
	ck_assert_int_eq(shell(out, sizeof out, "%s compile - -o %s < %s", vroeg_bin(), hard, src), 64);
	ck_assert_ptr_nonnull(strstr(out, "it is the same file as the input (standard input)"));
	assert_same_bytes(src, policy, len, "compile - -o");
	/* The default output of a .vrb is its own name. */
	char vrb[128];
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), src, in_dir(vrb, sizeof vrb, "p.vrb")), 0);
	size_t vlen;
	char *compiled = slurp_file(vrb, &vlen);
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s", vroeg_bin(), vrb), 64);
	assert_same_bytes(vrb, compiled, vlen, "compile of a .vrb");
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, "hard.vroeg p.vrb same.vroeg sym.vroeg ");
	free(compiled);
	free(policy);
}
END_TEST

/* Every path here is in the test's directory: a regression replaces a node
 * there, never /dev/null itself. */
START_TEST(compile_writes_only_regular_files)
{
	char fifo[128], sub[128], sym[128], dev[128], out[4096];
	ck_assert_int_eq(mkfifo(in_dir(fifo, sizeof fifo, "fifo"), 0600), 0);
	ck_assert_int_eq(mkdir(in_dir(sub, sizeof sub, "sub"), 0700), 0);
	ck_assert_int_eq(symlink("/dev/null", in_dir(sym, sizeof sym, "null.vrb")), 0);
	ck_assert_int_eq(symlink("nowhere", in_dir(dev, sizeof dev, "dangling")), 0);
	/* A device node of our own, where we may make one (as root). */
	const bool have_dev = shell(out, sizeof out, "mknod %s c 1 3", in_dir(dev, sizeof dev, "dev")) == 0;
	static const struct {
		const char *name, *what;
	} cases[] = {
		{ "null.vrb", "it is a device (through a symbolic link), not a regular file" },
		{ "fifo", "it is a fifo, not a regular file" },
		{ "sub", "it is a directory, not a regular file" },
		{ "dangling", "a symbolic link to nothing" },
		{ "dev", "it is a device, not a regular file" },   /* last: only as root */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0] - !have_dev; i++) {
		char path[128], want[512];
		in_dir(path, sizeof path, cases[i].name);
		ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), POLICY, path), 64);
		snprintf(want, sizeof want, "vroeg: cannot write %s: %s\n", path, cases[i].what);
		ck_assert_str_eq(out, want);
	}
	struct stat st;
	ck_assert_int_eq(lstat(sym, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert(!have_dev || (stat(dev, &st) == 0 && S_ISCHR(st.st_mode)));
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, have_dev ? "dangling dev fifo null.vrb sub " : "dangling fifo null.vrb sub ");
}
END_TEST

/* The old temporary name was cut to 4,095 bytes: a file of the cut name was
 * overwritten with bytecode and then deleted. */
START_TEST(compile_never_cuts_a_long_output_name)
{
	char victim[128], out[8192];
	write_file(in_dir(victim, sizeof victim, "victim"), "keep me\n", 8);
	/* DIR/././.../victim, 4,095 bytes, then ".vrb": too long for a path. */
	char *path = malloc(8192);
	long_name(path, "victim", 4095);
	assert_same_bytes(path, "keep me\n", 8, "building the name");
	strcat(path, ".vrb");
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), POLICY, path), 5);
	ck_assert_msg(strstr(out, ": File name too long\n"), "%.300s", out);
	assert_same_bytes(victim, "keep me\n", 8, "compile -o with a long name");
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, "victim ");
	free(path);
}
END_TEST

START_TEST(compile_replaces_its_output_whole_keeping_mode_and_link)
{
	char real[128], link_path[128], out[4096];
	write_file(in_dir(real, sizeof real, "real.vrb"), "old\n", 4);
	ck_assert_int_eq(chmod(real, 0640), 0);
	ck_assert_int_eq(symlink("real.vrb", in_dir(link_path, sizeof link_path, "policy.vrb")), 0);
	/* A write that fails (a 512-byte file size limit) leaves the old file
	 * and no temporary file. */
	ck_assert_int_eq(shell(out, sizeof out, "trap '' XFSZ; ulimit -f 1; exec %s compile %s -o %s", vroeg_bin(), POLICY,
			    link_path), 5);
	char want[256];
	snprintf(want, sizeof want, "vroeg: cannot write %s: File too large\n", link_path);
	ck_assert_str_eq(out, want);
	assert_same_bytes(real, "old\n", 4, "a failed compile");
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, "policy.vrb real.vrb ");
	/* Then it works: the link stays a link, its target gets the program
	 * and keeps its mode. */
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s && %s disasm %s | head -1", vroeg_bin(), POLICY,
			    link_path, vroeg_bin(), link_path), 0);
	ck_assert_str_eq(out, "policy      \"Crisis queue and capacity overflow\"\n");
	struct stat st;
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat(real, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	listing(names, sizeof names);
	ck_assert_str_eq(names, "policy.vrb real.vrb ");
}
END_TEST

START_TEST(fmt_rewrites_a_file_whole_keeping_mode_and_link)
{
	char real[128], link_path[128], out[4096];
	size_t len;
	char *policy = slurp_file(POLICY, &len);
	/* Unformatted: fmt gives back POLICY. */
	ck_assert_int_eq(shell(out, sizeof out, "sed 's/-> /->    /' %s > %s", POLICY, in_dir(real, sizeof real, "real.vroeg")), 0);
	size_t ulen;
	char *unformatted = slurp_file(real, &ulen);
	ck_assert_int_eq(chmod(real, 0600), 0);
	ck_assert_int_eq(symlink("real.vroeg", in_dir(link_path, sizeof link_path, "policy.vroeg")), 0);
	ck_assert_int_eq(shell(out, sizeof out, "trap '' XFSZ; ulimit -f 1; exec %s fmt %s", vroeg_bin(), link_path), 5);
	char want[256];
	snprintf(want, sizeof want, "vroeg: cannot write %s: File too large\n", link_path);
	ck_assert_str_eq(out, want);
	assert_same_bytes(real, unformatted, ulen, "a failed fmt");
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, "policy.vroeg real.vroeg ");
	ck_assert_int_eq(shell(out, sizeof out, "%s fmt %s", vroeg_bin(), link_path), 0);
	assert_same_bytes(real, policy, len, "fmt");
	struct stat st;
	ck_assert_int_eq(lstat(link_path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat(real, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	listing(names, sizeof names);
	ck_assert_str_eq(names, "policy.vroeg real.vroeg ");
	free(unformatted);
	free(policy);
}
END_TEST

/* The default tests file was cut to 4,095 bytes: another file was read. */
START_TEST(test_never_cuts_the_tests_file_name)
{
	char out[8192];
	char *path = malloc(8192);
	long_name(path, "pol", 4090);   /* a policy without an extension */
	char *cut = malloc(8192);
	shell(NULL, 0, "cp %s %s", POLICY, path);
	/* What the cut name would have found: a tests file that passes. */
	snprintf(cut, 8192, "%s.tests", path);
	cut[4095] = '\0';
	shell(NULL, 0, "cp rules/crisis-queue.tests '%s'", cut);
	ck_assert_int_eq(shell(out, sizeof out, "%s test %s", vroeg_bin(), path), 3);
	ck_assert_msg(strstr(out, ".tests: File name too long\n"), "%s", out);
	free(cut);
	free(path);
}
END_TEST

/* ------------------------------------------------------------ store -- */

/* The commands that only read the store, each with --db DB. */
enum { READERS = 6 };
static void read_only_commands(const char *db, char cmds[READERS][4096])
{
	snprintf(cmds[0], 4096, "%s runs --db %s", vroeg_bin(), db);
	snprintf(cmds[1], 4096, "%s decisions --db %s --month 2024-06", vroeg_bin(), db);
	snprintf(cmds[2], 4096, "%s dry-run --db %s --month 2024-06 %s", vroeg_bin(), db, POLICY);
	snprintf(cmds[3], 4096, "%s explain --db %s --month 2024-06 --household H1 %s", vroeg_bin(), db, POLICY);
	snprintf(cmds[4], 4096, "%s diff --db %s --month 2024-06 %s rules/letter-for-all.vroeg", vroeg_bin(), db, POLICY);
	snprintf(cmds[5], 4096, "%s report --db %s --month 2024-06", vroeg_bin(), db);
}

START_TEST(another_applications_database_is_left_byte_for_byte)
{
	char db[128], csv[128], out[4096];
	in_dir(db, sizeof db, "other.db");
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE accounts (id INTEGER, name TEXT);"
				      "INSERT INTO accounts VALUES (1, 'a');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	write_file(in_dir(csv, sizeof csv, "signals.csv"), SIGNALS, strlen(SIGNALS));
	size_t len;
	char *before = slurp_file(db, &len);
	char cmds[READERS + 2][4096];
	read_only_commands(db, cmds);
	snprintf(cmds[READERS], 4096, "%s import --db %s %s", vroeg_bin(), db, csv);
	snprintf(cmds[READERS + 1], 4096, "%s run --db %s --month 2024-06 %s", vroeg_bin(), db, POLICY);
	char want[256];
	snprintf(want, sizeof want, "vroeg: %s is an SQLite database but not a vroeg store\n", db);
	for (int i = 0; i < READERS + 2; i++) {
		ck_assert_int_eq(shell(out, sizeof out, "%s", cmds[i]), 5);
		ck_assert_msg(strstr(out, want), "%s: %s", cmds[i], out);
		assert_same_bytes(db, before, len, cmds[i]);
		char names[1024];
		listing(names, sizeof names);
		ck_assert_str_eq(names, "other.db signals.csv ");
	}
	free(before);
}
END_TEST

START_TEST(read_only_commands_leave_an_empty_file_empty)
{
	char db[128], out[4096];
	write_file(in_dir(db, sizeof db, "empty.db"), "", 0);
	char cmds[READERS][4096];
	read_only_commands(db, cmds);
	char want[256];
	snprintf(want, sizeof want, "vroeg: %s is not a vroeg store: it is empty (import signals into it first)\n", db);
	for (int i = 0; i < READERS; i++) {
		ck_assert_int_eq(shell(out, sizeof out, "%s", cmds[i]), 5);
		ck_assert_msg(strstr(out, want), "%s: %s", cmds[i], out);
		struct stat st;
		ck_assert_int_eq(stat(db, &st), 0);
		ck_assert_int_eq(st.st_size, 0);
		char names[1024];
		listing(names, sizeof names);
		ck_assert_str_eq(names, "empty.db ");
	}
	/* A missing store is not created either. */
	char missing[128];
	in_dir(missing, sizeof missing, "missing.db");
	read_only_commands(missing, cmds);
	for (int i = 0; i < READERS; i++)
		ck_assert_int_eq(shell(out, sizeof out, "%s", cmds[i]), 5);
	ck_assert_int_eq(access(missing, F_OK), -1);
}
END_TEST

START_TEST(a_store_in_memory_or_a_uri_is_refused)
{
	char csv[128], out[4096];
	write_file(in_dir(csv, sizeof csv, "signals.csv"), SIGNALS, strlen(SIGNALS));
	ck_assert_int_eq(shell(out, sizeof out, "cd %s && %s import --db :memory: signals.csv", dir, vroeg_bin()), 64);
	ck_assert_str_eq(out, "vroeg: `:memory:` is not a store: a store in memory keeps nothing; give the store's file name\n");
	ck_assert_int_eq(shell(out, sizeof out, "cd %s && %s run --db :memory: --month 2024-06 %s/%s", dir, vroeg_bin(),
			    root, POLICY), 64);
	ck_assert_int_eq(shell(out, sizeof out, "cd %s && %s import --db 'file:x.db?mode=memory' signals.csv", dir, vroeg_bin()), 64);
	ck_assert_str_eq(out, "vroeg: `file:x.db?mode=memory` is an SQLite URI: give the store's file name "
			 "(./file:x.db?mode=memory for a file of that name)\n");
	ck_assert_int_eq(shell(out, sizeof out, "cd %s && VROEG_DB=:memory: %s runs", dir, vroeg_bin()), 64);
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, "signals.csv ");
	/* ./file:... is a file of that name. */
	ck_assert_int_eq(shell(out, sizeof out, "cd %s && %s import --db ./file:x.db signals.csv", dir, vroeg_bin()), 0);
	listing(names, sizeof names);
	ck_assert_str_eq(names, "file:x.db signals.csv ");
	ck_assert_int_eq(shell(out, sizeof out, "cd %s && %s runs --db ./file:x.db", dir, vroeg_bin()), 0);
}
END_TEST

START_TEST(a_store_that_needs_a_migration_is_migrated_only_by_a_writer)
{
	char db[128], csv[128], out[4096];
	in_dir(db, sizeof db, "old.db");
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA application_id = 1987145573", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	size_t len;
	char *before = slurp_file(db, &len);
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s", vroeg_bin(), db), 5);
	char want[256];
	snprintf(want, sizeof want, "vroeg: the store %s has schema version 0, older than this vroeg's (%d): "
		 "an import or a run updates it\n", db, schema_version());
	ck_assert_str_eq(out, want);
	assert_same_bytes(db, before, len, "runs");
	write_file(in_dir(csv, sizeof csv, "signals.csv"), SIGNALS, strlen(SIGNALS));
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s %s && %s runs --db %s", vroeg_bin(), db, csv, vroeg_bin(), db), 0);
	free(before);
}
END_TEST

START_TEST(a_store_that_is_not_a_regular_file_is_refused)
{
	char sub[128], out[4096];
	ck_assert_int_eq(mkdir(in_dir(sub, sizeof sub, "sub.db"), 0700), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s", vroeg_bin(), sub), 5);
	char want[256];
	snprintf(want, sizeof want, "vroeg: %s is not a vroeg store (not a regular file)\n", sub);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s /dev/null", vroeg_bin(), sub), 5);
	ck_assert_str_eq(out, want);
	char names[1024];
	listing(names, sizeof names);
	ck_assert_str_eq(names, "sub.db ");
}
END_TEST

/* ------------------------------------------------------ exit codes -- */

START_TEST(output_that_cannot_be_written_is_exit_5_for_every_command)
{
	char db[128], out[4096];
	make_store(db, sizeof db);
	char vrb[128];
	in_dir(vrb, sizeof vrb, "p.vrb");
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), POLICY, vrb), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s run --db %s --month 2024-05 %s", vroeg_bin(), db, POLICY), 0);
	const char *const cmds[] = {
		"%1$s dry-run --db %2$s --month 2024-06 " POLICY,
		"%1$s dry-run --db %2$s --month 2024-06 --format csv --no-summary " POLICY,
		"%1$s runs --db %2$s",
		"%1$s decisions --db %2$s --month 2024-05 --format csv",
		"%1$s explain --db %2$s --month 2024-06 --household H1 " POLICY,
		"%1$s diff --db %2$s --month 2024-06 " POLICY " rules/letter-for-all.vroeg",
		"%1$s disasm %3$s",
		"%1$s fmt - < " POLICY,
		"%1$s test " POLICY,
		"%1$s compile " POLICY " -o -",
		"%1$s help",
		"%1$s --version",
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char cmd[1024];
		snprintf(cmd, sizeof cmd, cmds[i], vroeg_bin(), db, vrb);
		ck_assert_msg(shell(out, sizeof out, "%s > /dev/full", cmd) == 5, "%s: exit 5 expected: %s", cmd, out);
		ck_assert_msg(strstr(out, "vroeg: cannot write the output: No space left on device\n"), "%s: %s", cmd, out);
	}
	/* run: the run is recorded, and the message says so. */
	ck_assert_int_eq(shell(out, sizeof out, "%s run --db %s --month 2024-06 %s > /dev/full", vroeg_bin(), db, POLICY), 5);
	ck_assert_str_eq(out, "vroeg: cannot write the output: No space left on device; run 2 for 2024-06 is "
			 "recorded all the same (`vroeg decisions --month 2024-06` shows its decisions)\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s decisions --db %s --month 2024-06 --format csv | wc -l", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "3\n");
	/* A command that writes nothing to standard output does not fail. */
	ck_assert_int_eq(shell(out, sizeof out, "%s lint %s > /dev/full", vroeg_bin(), POLICY), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s %s/signals.csv > /dev/full", vroeg_bin(), db, dir), 0);
	/* Nor one started without a standard output. */
	ck_assert_int_eq(shell(out, sizeof out, "%s lint %s >&-", vroeg_bin(), POLICY), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s >&-", vroeg_bin(), db), 0);
}
END_TEST

START_TEST(a_store_busy_at_open_is_exit_4)
{
	char db[128], out[4096];
	make_store(db, sizeof db);
	/* Exclusive locking mode keeps even readers out of a WAL store. */
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	const char *const cmds[] = {
		"runs --db %s",
		"decisions --db %s --month 2024-06",
		"dry-run --db %s --month 2024-06 " POLICY,
		"run --db %s --month 2024-06 " POLICY,
		"import --db %s /dev/null",
	};
	char want[512];
	snprintf(want, sizeof want, "vroeg: the store %s is busy: another vroeg command (import, run, feedback, purge, forget) or another program holds it (waited 100 ms); "
		 "try again later\n", db);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char args[512];
		snprintf(args, sizeof args, cmds[i], db);
		const int rc = shell(out, sizeof out, "VROEG_BUSY_MS=100 %s %s", vroeg_bin(), args);
		ck_assert_msg(rc == 4, "%s: exit 4 expected, got %d: %s", args, rc, out);
		ck_assert_str_eq(out, want);
	}
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
}
END_TEST

START_TEST(an_input_that_cannot_be_read_is_a_data_error)
{
	char db[128], out[4096], sub[128], missing[128], want[512];
	make_store(db, sizeof db);
	ck_assert_int_eq(mkdir(in_dir(sub, sizeof sub, "sub"), 0700), 0);
	in_dir(missing, sizeof missing, "missing.csv");
	/* Data files: exit 3. */
	snprintf(want, sizeof want, "vroeg: cannot read %s: Is a directory\n", sub);
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s %s", vroeg_bin(), db, sub), 3);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s --outcomes %s", vroeg_bin(), db, sub), 3);
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --signals %s --month 2024-06 %s", vroeg_bin(), sub, POLICY), 3);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s - < %s", vroeg_bin(), db, sub), 3);
	ck_assert_str_eq(out, "vroeg: cannot read standard input: Is a directory\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s test %s %s", vroeg_bin(), POLICY, sub), 3);
	ck_assert_str_eq(out, want);
	snprintf(want, sizeof want, "vroeg: cannot open %s: No such file or directory\n", missing);
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s %s", vroeg_bin(), db, missing), 3);
	ck_assert_str_eq(out, want);
	/* A policy (rule file or .vrb): exit 2, for every command. */
	snprintf(want, sizeof want, "vroeg: cannot read %s: Is a directory\n", sub);
	const char *const cmds[] = { "lint %s", "compile %s -o -", "disasm %s", "fmt %s", "test %s",
				     "dry-run --signals /dev/null --month 2024-06 %s" };
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char args[512];
		snprintf(args, sizeof args, cmds[i], sub);
		const int rc = shell(out, sizeof out, "%s %s", vroeg_bin(), args);
		ck_assert_msg(rc == 2, "%s: exit 2 expected, got %d: %s", args, rc, out);
		ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s: %s", args, out);
	}
}
END_TEST

/* ----------------------------------------------------------- month -- */

START_TEST(previous_is_the_month_before_today_in_utc)
{
	/* 00:30 UTC on the 1st is still the last day of the month before in
	 * New York: local time would pick the month before that. */
	const char *tz = getenv("TZ");
	char *saved = tz ? strdup(tz) : NULL;
	setenv("TZ", "America/New_York", 1);
	tzset();
	static const struct {
		time_t now;
		const char *want;
	} cases[] = {
		{ 1719793800, "2024-06" },   /* 2024-07-01T00:30:00Z */
		{ 1704069000, "2023-12" },   /* 2024-01-01T00:30:00Z */
		{ 1722470399, "2024-06" },   /* 2024-07-31T23:59:59Z */
		{ 1722470400, "2024-07" },   /* 2024-08-01T00:00:00Z */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		diag d;
		diag_init(&d, NULL);
		vr_month m;
		ck_assert(cli_month_at("previous", cases[i].now, &m, &d));
		char got[8];
		vr_month_format(m, got);
		ck_assert_str_eq(got, cases[i].want);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}
END_TEST

START_TEST(messages_name_the_month_previous_stands_for)
{
	char db[128], out[4096], want[256];
	make_store(db, sizeof db);
	/* The month as this test sees it, before and after the command: the
	 * same unless the month turned meanwhile. */
	char months[2][8];
	for (int k = 0; k < 2; k++) {
		if (k == 1)
			shell(out, sizeof out, "%s decisions --db %s --month previous", vroeg_bin(), db);
		diag d;
		diag_init(&d, NULL);
		vr_month m;
		ck_assert(cli_month("previous", &m, &d));
		vr_month_format(m, months[k]);
	}
	snprintf(want, sizeof want, "vroeg: no run recorded for %s\n", months[0]);
	if (strcmp(out, want) != 0)
		snprintf(want, sizeof want, "vroeg: no run recorded for %s\n", months[1]);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month previous --household H1 %s", vroeg_bin(), db, POLICY), 3);
	ck_assert_msg(!strstr(out, "previous") && (strstr(out, months[0]) || strstr(out, months[1])), "%s", out);
}
END_TEST


/* --------------------------------------------------------- --set -- */

#define CITY "--signals examples/city/signals.csv --outcomes examples/city/outcomes.csv --month 2024-06"

/* P2 with its floor and visits named; WITH_VALUES writes 150 and 12 in. */
static void named_policy(const char *path, bool with_values)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "policy \"Named\" version 1\n"
		 "define floor = %s\n"
		 "define visits = %s\n"
		 "exclude \"legal person\" before counting when any legal_form = legal\n"
		 "count signal when arrears >= floor or sector = water\n"
		 "match                        -> home_visit\n"
		 "single and arrears > 100     -> phone\n"
		 "otherwise                    -> letter\n"
		 "bucket home_visit capacity visits by arrears desc overflow letter within 3 working days\n"
		 "bucket phone capacity unlimited\n"
		 "bucket letter capacity unlimited within 4 weeks\n",
		 with_values ? "150" : "100", with_values ? "12" : "30");
	write_file(path, text, strlen(text));
}

/* The decisions of --set are those of the file with the values written in,
 * from a rule file and from its .vrb alike; the summary says what was set. */
START_TEST(set_decides_as_the_values_written_in)
{
	char named[128], valued[128], vrb[128];
	named_policy(in_dir(named, sizeof named, "named.vroeg"), false);
	named_policy(in_dir(valued, sizeof valued, "valued.vroeg"), true);
	in_dir(vrb, sizeof vrb, "named.vrb");
	static char a[1 << 20], b[1 << 20], c[1 << 20], out[4096];
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), named, vrb), 0);
	ck_assert_int_eq(shell(a, sizeof a, "%s dry-run " CITY " --format csv --no-summary --set floor=150 --set visits=12 %s | sed 's/named.vroeg/P/'",
			    vroeg_bin(), named), 0);
	ck_assert_int_eq(shell(b, sizeof b, "%s dry-run " CITY " --format csv --no-summary %s | sed 's/valued.vroeg/P/'",
			    vroeg_bin(), valued), 0);
	ck_assert_int_eq(shell(c, sizeof c, "%s dry-run " CITY " --format csv --no-summary --set=floor=150 --set visits=12 %s | sed 's/named.vroeg/P/'",
			    vroeg_bin(), vrb), 0);
	ck_assert(strlen(a) > 10000 && strstr(a, ",due\n"));
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, c);
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run " CITY " --summary --set visits=12 %s | head -2", vroeg_bin(), named), 0);
	ck_assert_msg(strstr(out, "\nSet for this evaluation: visits=12\n"), "%s", out);
	/* explain says which value was set, and the due date. */
	ck_assert_int_eq(shell(out, sizeof out, "%s explain " CITY " --household H000022 --set 'floor=EUR 150' %s | grep -e floor -e Contact",
			    vroeg_bin(), named), 0);
	ck_assert_msg(strstr(out, "  floor                = EUR 150.00 (set for this call)\n"), "%s", out);
	ck_assert_msg(strstr(out, "Contact: "), "%s", out);
}
END_TEST

START_TEST(a_wrong_setting_is_a_usage_error_that_says_why)
{
	char named[128], out[4096];
	named_policy(in_dir(named, sizeof named, "named.vroeg"), false);
	static const struct { const char *args, *want; } bad[] = {
		{ "--set flor=150", "vroeg: --set flor: the policy names no number `flor`; did you mean `floor`?\n" },
		{ "--set floor=abc", "vroeg: --set floor=abc: `floor` is an amount of money: write it as in the policy, "
				     "e.g. 150, 150.50 or \"EUR 150\"\n" },
		{ "--set visits=1.5", "vroeg: --set visits=1.5: `visits` is a capacity (a number of households): write a whole number\n" },
		{ "--set floor=1 --set floor=2", "vroeg: --set floor is given twice\n" },
		{ "--set floor", "vroeg: --set `floor`: write NAME=VALUE, e.g. --set floor=150\n" },
		{ "--set", "vroeg: option `--set` needs a value\n" },
	};
	static const char *const commands[] = { "dry-run " CITY, "explain " CITY " --household H000022", "diff " CITY };
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			const int rc = shell(out, sizeof out, "%s %s %s %s", vroeg_bin(), commands[k], named, bad[i].args);
			ck_assert_msg(rc == 64, "%s %s: exit %d", commands[k], bad[i].args, rc);
			ck_assert_msg(strcmp(out, bad[i].want) == 0, "%s %s: %s", commands[k], bad[i].args, out);
		}
	char db[128];
	make_store(db, sizeof db);
	ck_assert_int_eq(shell(out, sizeof out, "%s run --db %s --month 2024-06 --set xyz=1 %s", vroeg_bin(), db, named), 64);
	ck_assert_str_eq(out, "vroeg: --set xyz: the policy names no number `xyz` (it names: floor, visits)\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s test --set flor=1 %s /dev/null", vroeg_bin(), named), 64);
}
END_TEST

/* At most CLI_MAX_SETS (64) settings in one command: at the limit they are
 * all applied, one more is a usage error. */
START_TEST(sixty_four_settings_and_no_more)
{
	char path[128], out[8192];
	static char text[1 << 14], args[1 << 14];
	size_t n = (size_t)snprintf(text, sizeof text, "policy \"Many\"\n"
				    "exclude \"legal person\" before counting when any legal_form = legal\n");
	size_t a = 0;
	for (int i = 0; i < CLI_MAX_SETS + 1; i++) {
		n += (size_t)snprintf(text + n, sizeof text - n, "define n%d = %d\nsignals >= n%d -> a\n", i, 100 + i, i);
		if (i < CLI_MAX_SETS)
			a += (size_t)snprintf(args + a, sizeof args - a, " --set n%d=%d", i, i + 1);
	}
	snprintf(text + n, sizeof text - n, "otherwise -> b\nbucket a\nbucket b\n");
	write_file(in_dir(path, sizeof path, "many.vroeg"), text, strlen(text));
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run " CITY " --summary%s %s", vroeg_bin(), args, path), 0);
	ck_assert_msg(strstr(out, "n0=1, ") && strstr(out, ", n63=64\n"), "%s", out);
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run " CITY " --summary%s --set n64=1 %s", vroeg_bin(), args, path), 64);
	ck_assert_str_eq(out, "vroeg: at most 64 `--set` in one command\n");
}
END_TEST

/* diff POLICY --set: the policy as written against the values set; with two
 * policies the values go to the new one. */
START_TEST(diff_compares_the_policy_with_its_values_set)
{
	char named[128], valued[128], out[1 << 16], out2[1 << 16];
	named_policy(in_dir(named, sizeof named, "named.vroeg"), false);
	named_policy(in_dir(valued, sizeof valued, "valued.vroeg"), true);
	ck_assert_int_eq(shell(out, sizeof out, "%s diff " CITY " --format csv --set floor=150 --set visits=12 %s", vroeg_bin(), named), 0);
	ck_assert_int_eq(shell(out2, sizeof out2, "%s diff " CITY " --format csv %s %s", vroeg_bin(), named, valued), 0);
	ck_assert_str_eq(out, out2);
	ck_assert_msg(strncmp(out, "household,old_bucket,new_bucket,old_reason,new_reason,old_overflowed_from,"
			      "new_overflowed_from,old_due,new_due\n", 106) == 0, "%s", out);
	ck_assert(strlen(out) > 1000);
	ck_assert_int_eq(shell(out, sizeof out, "%s diff " CITY " --format csv --set floor=150 --set visits=12 %s %s",
			    vroeg_bin(), valued, named), 0);
	ck_assert_str_eq(out, "household,old_bucket,new_bucket,old_reason,new_reason,old_overflowed_from,"
			      "new_overflowed_from,old_due,new_due\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s diff " CITY " %s", vroeg_bin(), named), 64);
	ck_assert_msg(strstr(out, "or one policy and --set NAME=VALUE"), "%s", out);
	ck_assert_int_eq(shell(out, sizeof out, "%s diff " CITY " --set floor=1 - < %s", vroeg_bin(), named), 64);
	ck_assert_str_eq(out, "vroeg: diff with one policy reads it twice: give its file, not - (standard input)\n");
}
END_TEST

/* vroeg test --set: the tests run against the values set. */
START_TEST(test_runs_against_the_values_set)
{
	char named[128], tests[128], out[4096];
	named_policy(in_dir(named, sizeof named, "named.vroeg"), false);
	static const char t[] =
		"month 2024-06\n"
		"test \"one signal of EUR 120 counts at a floor of 100\"\n"
		"  signal Vidomes rent 120.00\n"
		"  expect phone\n";
	write_file(in_dir(tests, sizeof tests, "named.tests"), t, strlen(t));
	ck_assert_int_eq(shell(out, sizeof out, "%s test %s %s", vroeg_bin(), named, tests), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s test --set floor=150 %s %s", vroeg_bin(), named, tests), 1);
	ck_assert_msg(strstr(out, "excluded"), "%s", out);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("files and exit codes");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, compile_never_writes_over_its_input);
	tcase_add_test(tc, compile_writes_only_regular_files);
	tcase_add_test(tc, compile_never_cuts_a_long_output_name);
	tcase_add_test(tc, compile_replaces_its_output_whole_keeping_mode_and_link);
	tcase_add_test(tc, fmt_rewrites_a_file_whole_keeping_mode_and_link);
	tcase_add_test(tc, test_never_cuts_the_tests_file_name);
	tcase_add_test(tc, another_applications_database_is_left_byte_for_byte);
	tcase_add_test(tc, read_only_commands_leave_an_empty_file_empty);
	tcase_add_test(tc, a_store_in_memory_or_a_uri_is_refused);
	tcase_add_test(tc, a_store_that_needs_a_migration_is_migrated_only_by_a_writer);
	tcase_add_test(tc, a_store_that_is_not_a_regular_file_is_refused);
	tcase_add_test(tc, output_that_cannot_be_written_is_exit_5_for_every_command);
	tcase_add_test(tc, a_store_busy_at_open_is_exit_4);
	tcase_add_test(tc, an_input_that_cannot_be_read_is_a_data_error);
	tcase_add_test(tc, previous_is_the_month_before_today_in_utc);
	tcase_add_test(tc, messages_name_the_month_previous_stands_for);
	suite_add_tcase(s, tc);

	tc = tcase_create("--set");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, set_decides_as_the_values_written_in);
	tcase_add_test(tc, a_wrong_setting_is_a_usage_error_that_says_why);
	tcase_add_test(tc, sixty_four_settings_and_no_more);
	tcase_add_test(tc, diff_compares_the_policy_with_its_values_set);
	tcase_add_test(tc, test_runs_against_the_values_set);
	suite_add_tcase(s, tc);
	return s;
}
