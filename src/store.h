/* store.h - the SQLite signal store: schema and migrations, CSV import, the
 * household cursor the VM reads from, the run history with the policy each
 * run was made with, the month figures (kept, and counted from the rows
 * while they exist), retention (the rows of months or of a household
 * removed, and the file wiped of them), and the feedback to creditors (each
 * run's codes, what was given in which batch).
 * A store handle owns its sqlite3 connection; every statement is prepared once
 * with bound parameters. Errors are reported to the diag sink passed in. */
#ifndef VROEG_STORE_H
#define VROEG_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decision.h"
#include "diag.h"
#include "household.h"

typedef struct store store;

enum store_status {
	STORE_OK = 0,
	STORE_DATA_ERROR,   /* bad rows, conflicts, a month with a run of another policy */
	STORE_BUSY,         /* another process holds the store past the wait */
	STORE_IO_ERROR      /* cannot open, corrupt, disk full, ... */
};

/* How a command opens the store. */
enum store_access {
	STORE_READ_ONLY,    /* an existing vroeg store, opened read-only: nothing in
			     * the file can change, and nothing is created */
	STORE_READ_WRITE,   /* created (mode 0600) when absent or an empty file,
			     * switched to WAL and migrated to the current schema */
	STORE_WRITE_EXISTING /* STORE_READ_WRITE for an existing vroeg store only:
			     * what removes data never creates a store */
};

/* Opens the store at PATH into *OUT, or a private in-memory store for
 * ":memory:"; any other PATH is a file name, never an SQLite URI. PATH must
 * be a regular file (or, for STORE_READ_WRITE, absent). Whose file it is
 * (the application id; an empty file is nobody's) is read before anything is
 * written, so a file that is not a vroeg store is refused unchanged; so is
 * a store newer than this program, and, read-only, one that needs a
 * migration (an import or a run migrates it). BUSY_MS bounds how long a
 * statement waits for another process. On failure reports why, sets *OUT to
 * NULL and returns STORE_BUSY (another process holds the store) or
 * STORE_IO_ERROR. */
enum store_status store_connect(const char *path, enum store_access access, int busy_ms,
				store **out, diag *d);
/* store_connect with STORE_READ_WRITE, for callers that need no reason:
 * the store, or NULL after reporting why. */
store *store_open(const char *path, int busy_ms, diag *d);
void store_close(store *s);

/* Memory for SQLite's page cache while a command imports: huge pages where
 * the kernel offers them, which spare the page faults of filling a large
 * cache (store_pages.c says why). INPUT_BYTES is what the files to import
 * weigh together (-1: not known, standard input), which bounds what is
 * reserved. Process-wide, so call it before the process opens any store;
 * NULL when it cannot help or is too late, and then SQLite's own memory
 * serves as usual. Release after the last store is closed. */
typedef struct store_pages store_pages;
store_pages *store_pages_for_import(long long input_bytes);
void store_pages_release(store_pages *p);

typedef struct store_import_counts {
	long added, identical, rejected;
} store_import_counts;

/* Imports a signals (or outcomes) CSV read from IN, named NAME in messages.
 * All or nothing: every bad row is reported as NAME:LINE: column: problem, and
 * when any row is bad or conflicts nothing is stored (STORE_DATA_ERROR). */
enum store_status store_import_signals(store *s, FILE *in, const char *name,
				       diag *d, store_import_counts *counts);
enum store_status store_import_outcomes(store *s, FILE *in, const char *name,
					diag *d, store_import_counts *counts);

/* Streams the households with at least one signal received in MONTH, in
 * household key byte order, each with its signals received from the first day
 * of MONTH - LOOKBACK up to the end of MONTH, and its outcomes dated in the
 * same span. Fills in the parts READS (enum vr_read, household.h; VR_READ_ALL
 * for everything) of a signal of MONTH, and those of HISTORY_READS (within
 * READS) of a signal before it: leaving out what a policy does not use spares
 * most of the cursor's work. */
typedef struct store_cursor store_cursor;
store_cursor *store_households(store *s, vr_month month, int lookback, unsigned reads,
			       unsigned history_reads, diag *d);
/* 1: *out holds the next household, valid until the next call; 0: no more;
 * -1: error (reported). */
int store_cursor_next(store_cursor *c, vr_household *out);
/* The same for up to MAX (at most 256) households at once, into OUT[0..]:
 * how many (0: no more), or -1. A run reads a batch, then decides it: the
 * store's code and the VM's each stay warm in the processor's caches for a
 * batch, instead of taking turns for every household. */
int store_cursor_next_batch(store_cursor *c, vr_household *out, int max);
void store_cursor_close(store_cursor *c);
/* Loads just one household (for explain), every part of it; same contract
 * as one cursor step. */
int store_household(store *s, const char *key, vr_month month, int lookback,
		    store_cursor **holder, vr_household *out, diag *d);

/* Limits what the cursor and store_household read to the signals and
 * outcomes of the imports up to IMPORTS_UPTO (imports.id; 0 or less: all
 * of them): the store as a recorded run read it (store_run.imports_upto),
 * so that a later import does not change its explanation. */
void store_read_as_of(store *s, long long imports_upto);

/* How a recorded run kept the policy it was made with. */
enum store_policy_form {
	STORE_POLICY_NONE,      /* recorded before runs kept their policy */
	STORE_POLICY_SOURCE,    /* the rule text, byte for byte */
	STORE_POLICY_BYTECODE   /* a .vrb's bytes: it was run from one, and has no source text */
};

/* The run history. */
typedef struct store_run {
	long long id;
	vr_month month;
	const char *policy_name, *policy_version;
	const char *source_sha256;     /* 64 hex digits */
	const char *started, *finished; /* ISO 8601 UTC */
	long households;
	bool superseded;
	long long superseded_by;       /* the run that replaced it; 0 none (or not known) */
	/* The audit trail; a run recorded before it has STORE_POLICY_NONE,
	 * source_name and program_sha256 "", lookback and imports_upto -1. */
	enum store_policy_form policy_form;
	const char *source_name;       /* the name its rules are cited by ("FILE:LINE") */
	const char *program_sha256;    /* of its compiled form as a .vrb (64 hex digits) */
	int lookback;                  /* months before its month that it reads */
	long long imports_upto;        /* the last import it could read (0: none) */
	const char *settings;          /* JSON array of the "NAME=VALUE" it was run with
					* (`--set`), "[]" when none */
	bool has_due;                  /* its policy had a contact term: its decisions a due date */
	bool feedback_kept;            /* it recorded each signal's feedback code (run_signals) */
	/* store_insert_run only: the policy itself, POLICY_LEN bytes (read
	 * back with store_run_policy). */
	const void *policy;
	size_t policy_len;
} store_run;

/* A recorded run is one write transaction, taken before evaluation starts so
 * a second run waits (up to busy_ms) and then gets STORE_BUSY. */
enum store_status store_begin(store *s, diag *d);
enum store_status store_commit(store *s, diag *d);
void store_rollback(store *s);

/* The current (not superseded) run for MONTH: 1 found (*out filled, strings
 * valid until the next store call), 0 none, -1 error. */
int store_current_run(store *s, vr_month month, store_run *out, diag *d);
/* Run ID, superseded or not; the same contract. */
int store_run_by_id(store *s, long long id, store_run *out, diag *d);
/* The policy run ID kept: 1 found (*POLICY and *LEN, valid until the next
 * call), 0 none kept (STORE_POLICY_NONE), -1 error. */
int store_run_policy(store *s, long long id, const void **policy, size_t *len, diag *d);
/* Marks run ID superseded; the next run recorded for its month is what
 * superseded it (store_insert_run records which). */
enum store_status store_supersede(store *s, long long id, diag *d);
/* Inserts the run (with its policy, when run->policy is set) and its
 * decisions; sets run->id, and names it as the successor of the runs of its
 * month that were superseded. */
enum store_status store_insert_run(store *s, store_run *run,
				   const vr_decision_set *set, diag *d);

/* The decision run RUN_ID recorded for HOUSEHOLD: 1 found (*out's strings,
 * labels included, valid until the next call; *NLABELS how many), 0 the run
 * has none for it, -1 error. */
int store_run_decision(store *s, long long run_id, const char *household,
		       vr_decision_row *out, size_t *nlabels, diag *d);

/* Calls FN for each recorded run, oldest first. */
enum store_status store_list_runs(store *s, void (*fn)(const store_run *, void *),
				  void *arg, diag *d);
/* Calls FN with the decisions of the current run for MONTH (0 if none). */
enum store_status store_read_decisions(store *s, vr_month month,
				       void (*fn)(const vr_decision_set *, void *),
				       void *arg, diag *d);

/* Month figures: what a month adds up to (figures.h says what each measure
 * means; the store keeps them and counts what its rows give). */

/* One figure: VALUE for MEASURE, BUCKET and CATEGORY ("" where they do not
 * apply) in MONTH, of run RUN_ID, or of the month itself (RUN_ID 0). */
typedef struct store_figure {
	vr_month month;
	long long run_id;
	const char *measure, *bucket, *category;
	int64_t value;
} store_figure;

/* Records N figures, in one write (part of the caller's, after
 * store_begin). A figure recorded already (same month, run, measure, bucket
 * and category) is refused: STORE_DATA_ERROR, nothing recorded. */
enum store_status store_insert_figures(store *s, const store_figure *f, size_t n, diag *d);
/* Calls FN for each figure recorded for the months FROM..TO, ordered by
 * month, run, measure, bucket, category; its strings last for the call. */
enum store_status store_read_figures(store *s, vr_month from, vr_month to,
				     void (*fn)(const store_figure *, void *), void *arg, diag *d);

/* What the signals of one month add up to. */
typedef struct store_month_signals {
	vr_month month;
	long signals[SECTOR_COUNT];     /* received in the month, per sector */
	long households;                /* with a signal received in the month */
	long returning;                 /* of those, with one in the months before (see below) */
	size_t ncreditors;              /* creditors with a signal in the month */
	const char *const *creditors;   /* their names as delivered, in byte order */
	const long *creditor_signals;   /* and their signals in the month */
} store_month_signals;

/* Counts the signals received in FROM..TO, in one pass over the stored
 * signals whatever the number of months, and calls FN once per month, in
 * order (a month without signals too). A household is returning in month M
 * when it has a signal received in the RETURNING months before M. */
enum store_status store_signal_figures(store *s, vr_month from, vr_month to, int returning,
				       void (*fn)(const store_month_signals *, void *), void *arg,
				       diag *d);

/* For the households run RUN_ID decided, their first outcome dated FIRST..
 * LAST: calls FN with each bucket as recorded ("excluded" included), an
 * outcome (enum vr_outcome_kind, or -1: none in the span) and how many
 * households, where that is at least one; buckets in byte order, then
 * outcomes (-1 first). On one day, the first outcome is the first by name. */
enum store_status store_outcome_figures(store *s, long long run_id, vr_date first, vr_date last,
					void (*fn)(const char *bucket, int outcome, long households,
						   void *arg),
					void *arg, diag *d);

/* ---- retention (store_purge.c) ---- */

/* Settings kept in the store, once for all commands (store_settings). */
#define STORE_SETTING_RETENTION "retention_months"   /* purge's stored term */
#define STORE_SETTING_PURGED_BEFORE "purged_before"   /* 'YYYY-MM': nothing older is kept */

/* The value of setting NAME into BUF (SIZE bytes): 1 found, 0 not set, -1
 * an error (reported; a value longer than BUF is damage). */
int store_setting(store *s, const char *name, char *buf, size_t size, diag *d);
/* Sets NAME to VALUE, as part of the caller's write (or a write of its
 * own). */
enum store_status store_set_setting(store *s, const char *name, const char *value, diag *d);
/* The first month the store still holds rows of, when a purge has removed
 * the months before it: 1 (*OUT set), 0 never purged, -1 error. */
int store_purged_before(store *s, vr_month *out, diag *d);

/* What purge or forget removes from one month: rows per table. */
typedef struct store_removed {
	vr_month month;
	long signals, outcomes, decisions, month_households;
	long run_signals, feedback;    /* runs' feedback codes; feedback given */
} store_removed;

/* The months a removal touches, in order, and the totals. */
typedef struct store_removal {
	store_removed *months;
	size_t n, cap;
	store_removed total;           /* month unused */
} store_removal;
void store_removal_free(store_removal *r);

/* Removes, as part of the caller's write (store_begin), every signal
 * received, outcome dated, month_households row and decision of a run for a
 * month before BEFORE, with the feedback codes of those runs and the
 * feedback given on those signals; *OUT gets what, per month. Run metadata, the runs'
 * policies and the month figures stay. Deleted cells are zeroed
 * (secure_delete); store_wipe then clears the file of them. */
enum store_status store_purge_rows(store *s, vr_month before, store_removal *out, diag *d);
/* The same for every row of household KEY, of every month and run. */
enum store_status store_forget_rows(store *s, const char *key, store_removal *out, diag *d);
/* What store_forget_rows would remove, without removing it. */
enum store_status store_household_rows(store *s, const char *key, store_removal *out, diag *d);
/* What store_purge_rows would remove, without removing it. */
enum store_status store_purgeable_rows(store *s, vr_month before, store_removal *out, diag *d);

/* After a removal is committed: rebuilds the store file from its live rows
 * (VACUUM), so that no free page or free space in a page keeps the bytes of
 * a removed row, and copies the WAL back into it and cuts the WAL to
 * nothing. STORE_BUSY when another process reading the store keeps the WAL
 * from being cut (its bytes stay until the next wipe). Outside a write. */
enum store_status store_wipe(store *s, diag *d);

/* ---- feedback to creditors (store_feedback.c; feedback.h says what the
 * codes and dates mean) ---- */

/* What a run determined for one signal of its month: a code 1-7, or 0
 * when the household's outcomes decide it later. */
typedef struct store_run_signal {
	const char *signal_id;
	uint8_t code;
} store_run_signal;

/* Records the N codes of run RUN_ID's signals and marks the run as having
 * them (store_run.feedback_kept), as part of the caller's write. */
enum store_status store_insert_run_signals(store *s, long long run_id, const store_run_signal *v,
					   size_t n, diag *d);

/* A signal of a current run that recorded its codes, whose feedback is not
 * yet given. Its strings last for the call. */
typedef struct store_pending {
	long long run_id;
	vr_month month;
	vr_date run_date;              /* the day the run was recorded (UTC) */
	uint8_t code;                  /* as store_run_signal */
	const char *signal_id, *household, *creditor;
	vr_date received;
} store_pending;

/* Calls FN for each pending signal, by creditor, received, signal_id (byte
 * order); FN returns false to stop (the call then returns STORE_OK). */
enum store_status store_feedback_pending(store *s, bool (*fn)(const store_pending *, void *),
					 void *arg, diag *d);

/* Calls FN with each outcome of HOUSEHOLD, and each naming SIGNAL_ID
 * under another household key, dated FIRST..LAST, by date and then outcome
 * name (its signal_id is left ""). FN returns false when it cannot take it
 * (out of memory: reported by the caller); the call then stops. */
enum store_status store_feedback_outcomes(store *s, const char *household, const char *signal_id,
					  vr_date first, vr_date last,
					  bool (*fn)(const vr_outcome *, void *), void *arg, diag *d);

/* Calls FN for each current run that recorded its codes and did not see
 * COUNT signals of its month (imported after it), by month. */
enum store_status store_feedback_unseen(store *s, void (*fn)(long long run_id, vr_month month,
							      long count, void *arg),
					void *arg, diag *d);

/* A batch of feedback written. */
typedef struct store_batch {
	long long id;
	vr_date as_of;
	const char *written;           /* ISO 8601 UTC */
	bool dutch;                    /* the `;` dialect */
	const char *dir;               /* where its files went (absolute) */
	long given;                    /* signals fed back in it */
} store_batch;

/* Records a new batch (as_of, dutch, dir and given of *B), as part of the
 * caller's write; sets B->id. */
enum store_status store_feedback_insert_batch(store *s, store_batch *b, diag *d);
/* The latest batch (1; its strings valid until the next store call), none
 * (0) or an error (-1). */
int store_feedback_latest_batch(store *s, store_batch *out, diag *d);
/* Batch ID, the same way. */
int store_feedback_batch(store *s, long long id, store_batch *out, diag *d);

/* One signal's feedback as given. */
typedef struct store_given {
	const char *signal_id, *creditor, *file;
	vr_date received, date;
	uint8_t code;                  /* 1-7 */
	long long run_id;
} store_given;

/* Records the N rows of batch BATCH, as part of the caller's write. A
 * signal given before is refused (STORE_DATA_ERROR). */
enum store_status store_feedback_insert_given(store *s, long long batch, const store_given *v, size_t n,
					      diag *d);
/* Calls FN with the rows of batch BATCH as its files hold them: by file,
 * received, signal_id. Their strings last for the call. */
enum store_status store_feedback_given(store *s, long long batch,
				       void (*fn)(const store_given *, void *), void *arg, diag *d);

#endif
