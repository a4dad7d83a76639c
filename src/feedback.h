/* feedback.h - feedback to creditors (data-contract.md section 5): which
 * code each signal of a recorded run is fed back with and the day it
 * becomes due, the file each creditor's feedback goes into (a safe name made
 * from its name), and `vroeg feedback`'s batch: the feedback due and not yet
 * given, written all or nothing and recorded once, or an earlier batch
 * written again exactly.
 *
 * What a run determines (feedback_run_code) for each current signal of a
 * household: the code the policy states on the household's decision (its
 * bucket, or its `exclude ... before counting` or `exclude ... when`); else
 * the code of the skip that took the signal out of the count (not for an
 * exclusion before counting, which comes before any skip); else the
 * default: 2 (not picked up) for an excluded household (a skip's exclusion
 * and `not counted` included) and for a bucket marked `no follow-up`; else,
 * in a bucket, the outcomes decide (0). So every signal of a household that
 * is offered help, one under the floor or skipped included, is fed back by
 * what became of the offer: the codes speak of the resident, whom the offer
 * reaches whichever signal brought it. A code the run determines is due on
 * the day the run was recorded.
 *
 * What the outcomes decide (feedback_by_outcomes), for a signal received on
 * R whose run was recorded on day RUN: the window is R up to D = the later
 * of R + FEEDBACK_TERM_DAYS and RUN (feedback is never due before the run
 * that decided the signal). The household's outcomes dated in the window
 * (and those naming the signal): the first `help_accepted` gives 5, due on
 * its date (or RUN, when later); else the latest outcome, due on D (of
 * two on one day, what is final about the resident before what was tried:
 * deceased, wrongly_reported, already_known, refused, reached_no_help,
 * not_reached, not_picked_up); else 6 (not reached or no help), due on D. */
#ifndef VROEG_FEEDBACK_H
#define VROEG_FEEDBACK_H

#include <stdbool.h>

#include "bytecode.h"
#include "diag.h"
#include "run.h"
#include "store.h"

enum {
	/* Without an outcome that says more, a signal is fed back this many
	 * days after it was received (the field's "after 28 days"). */
	FEEDBACK_TERM_DAYS = 28,
	/* The most bytes of a creditor's name a file name keeps. */
	FEEDBACK_SLUG_MAX = 40,
	/* Hex digits of the SHA-256 of the creditor's name in a file name. */
	FEEDBACK_HASH_DIGITS = 12,
	/* A file name: "NNNNNN-" (more digits past batch 999999), the slug, "-",
	 * the digits, ".csv", and a NUL. */
	FEEDBACK_NAME_MAX = 24 + FEEDBACK_SLUG_MAX + FEEDBACK_HASH_DIGITS + 5
};

/* The code a run determines for a current signal (see above): 1 to 7, or
 * FEEDBACK_NONE (0) when the outcomes decide. RULE decided the household
 * into BUCKET (a bucket index, or -1: excluded); SKIP_RULE is the skip that
 * took the signal out of the count, or BC_NONE. */
uint8_t feedback_run_code(const bc_program *p, uint32_t rule, int32_t bucket, uint32_t skip_rule);

/* The codes of every current signal R kept (run_evaluate_signals), as a
 * recorded run stores them: R->nsignals entries, whose strings are R's;
 * malloc'ed; NULL when memory runs out (reported). */
store_run_signal *feedback_run_signals(const run_result *r, diag *d);

/* The code an outcome is fed back with: help_accepted 5, already_known 4,
 * wrongly_reported 1, deceased 7, refused, reached_no_help and not_reached
 * 6, not_picked_up 2. */
uint8_t feedback_outcome_code(enum vr_outcome_kind k);

/* The last day of the window of a signal received on RECEIVED whose run was
 * recorded on RUN_DATE. */
vr_date feedback_window_end(vr_date received, vr_date run_date);

/* The code and due day of a signal the outcomes decide, from the N outcomes
 * dated in its window, by date and then outcome name. */
void feedback_by_outcomes(vr_date received, vr_date run_date, const vr_outcome *o, size_t n,
			  uint8_t *code, vr_date *due);

/* The name of the file CREDITOR's feedback of batch BATCH goes into:
 * "NNNNNN-SLUG-HASH.csv", where NNNNNN is the batch number (six digits at
 * least), SLUG the creditor's name in lower case with each run of anything
 * but an ASCII letter or digit made one `-`, without one at either end,
 * cut to FEEDBACK_SLUG_MAX bytes ("creditor" when nothing is left), and
 * HASH the first FEEDBACK_HASH_DIGITS hex digits of the SHA-256 of the name
 * as delivered. So the name is the same in every batch but its number, two
 * names alike but for case or punctuation get two files, and it never holds
 * a path separator, a dot but the one before "csv", a blank or a control
 * character, nor is it a name a system reserves. */
void feedback_file_name(long long batch, const char *creditor, char out[FEEDBACK_NAME_MAX]);

/* A file a batch wrote. */
typedef struct feedback_file {
	char name[FEEDBACK_NAME_MAX];
	const char *creditor;
	long rows;
} feedback_file;

/* What a call did. */
typedef struct feedback_result {
	long long batch;               /* the batch written; 0: nothing was due */
	const char *dir;               /* where (absolute) */
	long given;                    /* signals fed back in it */
	feedback_file *files;          /* in name order */
	size_t nfiles;
	long long finished;            /* an interrupted earlier batch finished first; 0 none */
	size_t nfinished;              /* its files put in place now */
	long dropped;                  /* --again: rows purge or forget removed since */
	void *mem;                     /* what the strings live in */
} feedback_result;
void feedback_result_free(feedback_result *r);

/* Gives the feedback that is due by AS_OF and not given yet: one file per
 * creditor in the directory DIR (`;`-separated when DUTCH), recorded as one
 * new batch. First finishes the latest batch when a call was interrupted
 * after recording it and before its files were in place. All or nothing:
 * the files are written to hidden temporary names (".NAME.part") beside
 * their names and synced; then the batch is recorded, in one transaction;
 * then each is given its name, never over an existing file. A failure
 * before the commit removes the temporary files and records nothing; a
 * failure (or a kill) after it leaves the temporary files of a recorded
 * batch, which the next call puts in place. A file of a name the batch
 * would write that exists already is refused before anything is written.
 * Says (warnings) which months' signals cannot be fed back: signals a run
 * did not see, and runs recorded before runs kept their codes; on every
 * call, since it holds until a run of the month decides them (nothing
 * records that it was said). */
enum store_status feedback_give(store *s, vr_date as_of, const char *dir, bool dutch,
				feedback_result *out, diag *d);

/* Writes batch BATCH again into DIR, exactly as it was written (its file
 * names, dialect and rows, less what purge or forget removed since:
 * OUT->dropped), all or nothing; never over an existing file. Changes
 * nothing in the store. STORE_DATA_ERROR when there is no such batch. */
enum store_status feedback_again(store *s, long long batch, const char *dir, feedback_result *out,
				 diag *d);

#endif
