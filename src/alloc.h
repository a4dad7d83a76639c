/* alloc.h - capacity allocation (field-policies.md, "Capacity"): places in
 * each bucket by its order, ties to the lower household key; the rest overflow
 * (overflowed_from = the bucket that turned them away, the last in a chain);
 * redirects on every entry; round-robin spread over districts; back-fill of
 * spare places. Deterministic: the result depends only on the entries. */
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

/* Allocates ENTRIES (N of them) over P's buckets. V gives the key layout.
 * False only when memory runs out. */
bool alloc_run(const bc_program *p, const vm *v, alloc_entry *entries, size_t n);

/* The order buckets are filled in: every bucket before the buckets it
 * overflows or redirects to, and a back-filling bucket before its source.
 * ORDER receives p->nbuckets indexes. */
void alloc_bucket_order(const bc_program *p, uint32_t *order);

#endif
