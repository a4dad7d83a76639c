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

/* "FILE:LINE" of rule R, as the decisions cite it. */
const char *run_rule_cite(const run_result *r, uint32_t rule);

/* Whether P has a bucket with a contact term (its decisions have a `due`
 * column), and the due date of a household in bucket B whose earliest
 * current signal came on RECEIVED (VR_DATE_NONE when B has no term or the
 * household none: B < 0 is excluded). */
bool run_has_terms(const bc_program *p);
vr_date run_due(const bc_program *p, int32_t b, vr_date received);

#endif
