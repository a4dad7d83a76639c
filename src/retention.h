/* retention.h - what the store keeps and for how long: `vroeg purge`
 * removes every row of the months before a cut, `vroeg forget` every row of
 * one household, each in one write, after freezing the month figures they
 * would change (figures.h), so the trend `vroeg report` shows stays as it
 * was; then the store file and its WAL are wiped of the removed rows'
 * bytes. Run metadata and the policies runs kept stay. */
#ifndef VROEG_RETENTION_H
#define VROEG_RETENTION_H

#include <stdbool.h>

#include "diag.h"
#include "store.h"

enum {
	RETENTION_MIN_KEEP = 1,      /* months --keep takes at least */
	RETENTION_MAX_KEEP = 1200    /* and at most (a century) */
};

/* What purge or forget did. */
typedef struct retention_result {
	store_removal removed;       /* rows per month and table */
	size_t frozen;               /* months whose figures were frozen now */
	bool committed;              /* the removal is in the store */
	bool wiped;                  /* and the file and its WAL were wiped */
} retention_result;
void retention_result_free(retention_result *r);

/* Why a cut is refused: a run whose policy reads the months it would
 * remove. */
typedef struct retention_refusal {
	long long run_id;
	vr_month run_month;
	int lookback;                /* -1: not known (recorded before runs kept it) */
	bool next_month;             /* the next month's run, if made with that policy */
	vr_month allowed;            /* the latest cut no run forbids; 0 when none is known */
} retention_refusal;

/* Purges the months before BEFORE (retention.h's opening comment). Unless
 * FORCE, refuses (STORE_DATA_ERROR, *REFUSED filled, nothing done) when a
 * current run of BEFORE or later, or the next month's run with the latest
 * policy, reads a month before BEFORE. With DRY_RUN does everything but
 * commit and wipe. The store setting purged_before becomes BEFORE (or stays
 * later); KEEP (RETENTION_MIN_KEEP..RETENTION_MAX_KEEP, or 0: none) becomes
 * the retention term, in the same write. */
enum store_status retention_purge(store *s, vr_month before, int keep, bool force, bool dry_run,
				  retention_result *out, retention_refusal *refused, diag *d);
/* Removes every row of household KEY. */
enum store_status retention_forget(store *s, const char *key, bool dry_run, retention_result *out,
				   diag *d);

/* The retention term kept in the store (months): 1 (*MONTHS set), 0 none,
 * -1 error. */
int retention_term(store *s, int *months, diag *d);

#endif
