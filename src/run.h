/* run.h - evaluates a policy over one month of a store: streams households
 * through the VM, allocates capacity, and builds the decisions in household
 * order with the summary officers read. Writes nothing to the store. */
#ifndef VROEG_RUN_H
#define VROEG_RUN_H

#include "alloc.h"
#include "arena.h"
#include "bytecode.h"
#include "decision.h"
#include "diag.h"
#include "store.h"
#include "vm.h"

typedef struct run_bucket_stats {
	long households;       /* ended in the bucket (counted from the decisions) */
	long places_taken;     /* households with a place in it */
	alloc_flow flow;       /* how households arrived and left, as alloc counted */
	cents_t arrears;       /* of the households that ended in it */
} run_bucket_stats;

/* A current signal of a household, as run_evaluate_signals keeps them: what
 * feedback needs to know of it (feedback.h). */
typedef struct run_signal {
	const char *signal_id;         /* in the result's strings */
	uint32_t row;                  /* its household's row */
	uint16_t skip_rule;            /* the skip that took it out of the count, or BC_NONE */
} run_signal;

typedef struct run_result {
	const bc_program *program;     /* the program evaluated (must outlive the result) */
	arena strings;                 /* household keys, districts, "FILE:LINE" texts */
	vr_decision_set set;           /* rows in household byte order, made on demand */
	const char **row_labels;       /* nrows * nlabels */
	alloc_entry *entries;
	uint32_t *rules;               /* per row: the deciding rule */
	vr_date *received;             /* per row: its earliest current signal's day */
	int64_t *keys;
	size_t n, cap;
	run_bucket_stats *buckets;     /* per program bucket */
	long *per_rule;                /* per program rule: households decided */
	const char **rule_cites;       /* per program rule: "FILE:LINE" */
	long triaged, excluded;
	vm *vm;                        /* deciding (run_begin .. run_finish), else NULL */
	const struct run_result *shared; /* run_begin_shared .. run_finish: whose households */
	cents_t *arrears;              /* per row while shared: its arrears (no entries yet) */
	size_t nslots;                 /* order keys per household (vm_order_slots) */
	run_signal *signals;           /* run_evaluate_signals only: every current signal, */
	size_t nsignals, signals_cap;  /* by row, then (received, signal_id) */
} run_result;

/* Evaluates P over MONTH of store S into OUT (freed with run_result_free).
 * P must stay alive and unchanged while OUT is used: the decision rows are
 * made from it when asked for. False, reported to D, when the store cannot
 * be read (or is damaged), memory runs out, or a total does not fit
 * (vm_decide); OUT then holds nothing to free. */
bool run_evaluate(store *s, const bc_program *p, vr_month month, diag *d, run_result *out);
/* The same, keeping every current signal (run_result.signals) too: what a
 * recorded run needs, which a dry-run spares itself. */
bool run_evaluate_signals(store *s, const bc_program *p, vr_month month, diag *d, run_result *out);
/* The same, also recording one household's path through the buckets into
 * TRACE (alloc.h) when it is not NULL: explain's whole path. */
bool run_evaluate_traced(store *s, const bc_program *p, vr_month month, diag *d, run_result *out,
			 alloc_trace *trace);
void run_result_free(run_result *r);

/* The same a household at a time, for a caller that reads the store itself
 * (a sweep reads a month once for several programs): run_begin, run_add
 * for each household of the month in key byte order, run_finish. When one
 * returns false (reported), R has been freed (freeing it again is
 * harmless). run_evaluate is these three over the store's cursor, so a
 * household is decided the same way by both. */
bool run_begin(run_result *r, const bc_program *p, vr_month month, diag *d);
/* run_begin for P, whose households are those of SHARED (begun with
 * run_begin, and given each household before R is): P differs from
 * SHARED's program only in the values of named numbers. R keeps of a
 * household only what those values can change (its rule, arrears, order
 * keys and labels), a fifth of the memory, and takes the rest (key,
 * district, phone and e-mail, first day) from SHARED at run_finish: so a
 * sweep holds many evaluations of a month at once. SHARED must outlive R
 * and not be finished before R is. */
bool run_begin_shared(run_result *r, const bc_program *p, const run_result *shared, diag *d);
/* Decides H (needed for the call only) and keeps what R needs of it. For
 * an evaluation begun with run_begin_shared, H is the household its shared
 * evaluation was given at the same place; one that came out with other
 * contact data, district or first day would be a fault in vroeg, and is
 * refused. */
bool run_add(run_result *r, const vr_household *h, diag *d);
/* Allocates capacity and counts: R is then what run_evaluate gives. */
bool run_finish(run_result *r, diag *d);
/* Begins *DST for P with the households SRC (begun and added to, not
 * finished) decided, to be finished with run_finish. P must differ from
 * SRC's program only in the values of named numbers that are capacities
 * and nothing else (the code reads no constant of theirs): they change
 * where capacity puts a household, never what the rules decide. DST uses
 * SRC's copies of keys, districts and labels: SRC (and its program) must
 * outlive DST. */
bool run_copy_decided(run_result *dst, const run_result *src, const bc_program *p, diag *d);

/* What the months of a range add up to, for its summary: per bucket and
 * per rule the months' counts added, a household counted in each month it
 * was decided (run_sum_add, month by month, in order). */
typedef struct run_sum {
	const bc_program *program;     /* the program every month was evaluated with */
	vr_month from, to;
	long months, triaged, excluded;
	run_bucket_stats *buckets;     /* per program bucket (flow.first_district unused) */
	long *per_rule;
	const char **rule_cites;       /* per program rule: "FILE:LINE" */
	arena strings;
} run_sum;

bool run_sum_init(run_sum *s, const bc_program *p, diag *d);
/* Adds month R (evaluated with S's program). False, reported, when a
 * bucket's arrears over the months do not fit. */
bool run_sum_add(run_sum *s, const run_result *r, diag *d);
void run_sum_free(run_sum *s);

/* "FILE:LINE" of rule R, as the decisions cite it. */
const char *run_rule_cite(const run_result *r, uint32_t rule);

/* Whether P has a bucket with a contact term (its decisions have a `due`
 * column), and the due date of a household in bucket B whose earliest
 * current signal came on RECEIVED (VR_DATE_NONE when B has no term or the
 * household none: B < 0 is excluded). */
bool run_has_terms(const bc_program *p);
vr_date run_due(const bc_program *p, int32_t b, vr_date received);

#endif
