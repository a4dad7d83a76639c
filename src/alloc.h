/* alloc.h - capacity allocation (field-policies.md, "Capacity"): places in
 * each bucket by its order, ties to the lower household key; the rest overflow
 * (overflowed_from = the bucket that turned them away, the last in a chain);
 * redirects on every entry; round-robin spread over districts, in name order
 * or, rotating, from a district that moves with the month; back-fill of
 * spare places. Deterministic: the result depends only on the entries and
 * the month.
 * Counts, per bucket, every household that passes through it (alloc_flow),
 * and on request records one household's whole path (alloc_trace). */
#ifndef VROEG_ALLOC_H
#define VROEG_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "bytecode.h"
#include "vm.h"

typedef struct alloc_entry {
	/* In: what the rules decided. (Fields ordered by size: a month holds
	 * one entry per household.) */
	const char *household;
	const char *district;
	const int64_t *keys;       /* this household's order keys (vm_order_slots wide) */
	cents_t arrears;
	int32_t rule_bucket;       /* -1: excluded, takes no part */
	bool has_phone, has_email;
	/* Out. */
	bool backfilled;
	int32_t bucket;            /* final bucket, -1 when excluded */
	int32_t overflowed_from;   /* -1 when the household came by a rule */
	int64_t place;             /* 1-based place in a capacity bucket, 0 otherwise */
	/* Where the bucket that turned it away ranked it (for explain; with a
	 * spread over districts, the rank within its district). */
	int64_t rank, candidates;
} alloc_entry;

/* What happened at one bucket, counted as the allocator moves households
 * (a household is counted at every bucket on its path, not only where it
 * ends). Arrivals: sent by a rule (before any redirect: the demand), turned
 * away by the bucket that overflows here, redirected here, back-filled here.
 * Departures: turned away for want of a place (to the bucket's overflow),
 * redirected for having no phone or no e-mail (to that redirect's bucket),
 * taken by a bucket that back-fills from this one. For every bucket:
 *
 *   by_rule + overflow_in + redirect_in + backfill_in
 *     - turned_away - redirected_no_phone - redirected_no_email - backfilled_away
 *   = ended
 *
 * Where a departure went follows from the program: turned_away to the
 * bucket's overflow, redirected_no_phone to its `without phone` bucket, and
 * backfill_in came from its `backfill from` bucket. */
typedef struct alloc_flow {
	long by_rule, overflow_in, redirect_in, backfill_in;
	long turned_away, redirected_no_phone, redirected_no_email, backfilled_away;
	long placed;               /* places given, back-filled ones included */
	long ended;                /* households whose final bucket this is */
	/* A rotating spread: the district served first this month (one of the
	 * entries' district strings), or NULL. */
	const char *first_district;
} alloc_flow;

/* Where a rotating spread starts among NDISTRICTS districts with
 * candidates (in name order, from 0) in MONTH: the month's number (12 x
 * year + month - 1) modulo their number, so each month the next district
 * is served first. */
size_t alloc_rotation_start(vr_month month, size_t ndistricts);

/* Allocates ENTRIES (N of them) over P's buckets for run month MONTH. V
 * gives the key layout. False only when memory runs out. */
bool alloc_run(const bc_program *p, const vm *v, vr_month month, alloc_entry *entries, size_t n);

/* One step of a household's path through the buckets. A path starts with
 * the rule's bucket (ALLOC_STEP_RULE), then each move in the order it
 * happened; where it ends is the entry's bucket. */
enum alloc_step_kind {
	ALLOC_STEP_RULE,           /* a rule sent it to TO */
	ALLOC_STEP_NO_PHONE,       /* FROM redirected it to TO: no phone */
	ALLOC_STEP_NO_EMAIL,       /* FROM redirected it to TO: no e-mail address */
	ALLOC_STEP_NO_PLACE,       /* FROM had no place (it ranked RANK of CANDIDATES): on to TO */
	ALLOC_STEP_BACKFILL        /* TO gave it a spare place, taking it from FROM */
};

typedef struct alloc_step {
	uint8_t kind;              /* enum alloc_step_kind */
	int32_t from, to;          /* buckets; FROM is -1 for the rule's step */
	int64_t rank, candidates;  /* ALLOC_STEP_NO_PLACE: as alloc_entry's */
} alloc_step;

/* The path of one household, recorded as it is allocated (explain): only
 * this household's steps are kept, so a month costs nothing more. Each
 * bucket is entered at most once (the flows are acyclic), so a path has at
 * most p->nbuckets + 2 steps. */
typedef struct alloc_trace {
	const char *household;     /* in: whose path */
	alloc_step *steps;         /* in: room for p->nbuckets + 2 steps */
	size_t nsteps;             /* out; 0 when the household is not among the entries */
} alloc_trace;

/* The same, also counting into FLOWS (p->nbuckets of them, zeroed first). */
bool alloc_run_flows(const bc_program *p, const vm *v, vr_month month, alloc_entry *entries, size_t n,
		     alloc_flow *flows);
/* The same, also recording TRACE->household's path into TRACE (when TRACE
 * is not NULL). */
bool alloc_run_traced(const bc_program *p, const vm *v, vr_month month, alloc_entry *entries, size_t n,
		      alloc_flow *flows, alloc_trace *trace);

/* The order buckets are filled in: every bucket before the buckets it
 * overflows or redirects to, and a back-filling bucket before its source.
 * ORDER receives p->nbuckets indexes. */
void alloc_bucket_order(const bc_program *p, uint32_t *order);

#endif
