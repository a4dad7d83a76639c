/* faults.h - fault injection for the suites, SQLite's own way: a shim VFS
 * registered over the default one that makes the Nth write, sync or
 * truncate of any file fail, and an allocator under SQLite that makes its
 * Nth allocation fail; with a driver that runs an operation in this process
 * for N = 1, 2, ... until it runs without the fault being reached, and
 * checks after each that the store is sound and either exactly as before or
 * exactly as after (a suite adds an operation by writing one function).
 * Only for test processes: it replaces SQLite's allocator and default VFS. */
#ifndef VROEG_TESTS_FAULTS_H
#define VROEG_TESTS_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum fault_kind {
	FAULT_NONE,
	FAULT_DISK_FULL,    /* writes: SQLITE_FULL, as the unix VFS reports ENOSPC */
	FAULT_FILE_LIMIT,   /* writes: EFBIG (a `ulimit -f` with SIGXFSZ ignored) */
	FAULT_IO,           /* writes, syncs, truncates: EIO */
	FAULT_ALLOC         /* SQLite's allocations */
};

/* Registers the shim VFS as the default and SQLite's counting allocator
 * (SQLite is shut down and started again for it: call with no connection
 * open). Idempotent. */
void faults_install(void);
/* From now on, the Nth operation of KIND's class (writes, syncs and
 * truncates; or allocations) fails, and with PERSISTENT every one after it
 * too (a full disk stays full). N = 0 disarms. */
void faults_arm(enum fault_kind kind, long n, bool persistent);
/* Whether the armed fault was reached since faults_arm. */
bool faults_fired(void);
/* The operations of the armed kind's class seen since faults_arm. */
long faults_counted(void);

/* The store file PATH as text, for before/after comparisons: every row of
 * every table, sorted, with the columns that hold the time of day
 * (started, finished, imported, written) left out, and the schema version. Opened
 * through the real VFS as a writer opens it (which rolls back what a
 * failed transaction left); fails the test unless PRAGMA integrity_check
 * says ok. malloc'ed. */
char *faults_dump(const char *path);

/* One operation on the store at PATH, in this process: the exit code a
 * command gives; its messages go to D. */
typedef int (*fault_op)(const char *path, void *arg, diag *d);

typedef struct fault_report {
	long runs;          /* operations run with a fault armed */
	long failed;        /* of them, the ones that failed */
} fault_report;

/* One operation to put faults into, and what it must leave. */
typedef struct fault_case {
	enum fault_kind kind;
	bool persistent;
	const char *pristine;      /* the store before, copied over PATH for each run */
	const char *path;
	fault_op op;
	void *arg;
	const char *before, *after;    /* faults_dump of the store before and after OP */
	int exit_code;             /* of a failed OP */
	const char *words;         /* in its messages */
	/* An operation whose last step, after its commit, changes no row
	 * (purge's wipe) may fail there: then the store dumps as AFTER and a
	 * message holds these words too. NULL: not so. */
	const char *after_words;
	/* Stop at the first fault that leaves the store as after: what comes
	 * after the commit is the same for another operation, tested there. */
	bool stop_at_commit;
} fault_case;

/* For N = 1, 2, ...: copies PRISTINE over PATH (removing its -wal and -shm),
 * arms KIND at N and runs OP; until a run in which the fault was not
 * reached (or, STOP_AT_COMMIT, one that left the store as after). After
 * each: the exit code is 0 and the store dumps as AFTER, or it is
 * EXIT_CODE, a message holds WORDS and the store dumps as BEFORE (or as
 * AFTER, with AFTER_WORDS). Fails the test otherwise. */
fault_report faults_every_point(const fault_case *c);

#endif
