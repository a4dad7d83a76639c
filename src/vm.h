/* vm.h - evaluates a verified program for one household at a time: which of
 * its signals count, which rule decides, the labels, and the order keys its
 * buckets use. A vm owns its buffers and reuses them: after the first few
 * households it allocates nothing (a household with more signals than any
 * before it grows the per-signal buffers once). */
#ifndef VROEG_VM_H
#define VROEG_VM_H

#include <stdbool.h>

#include "bytecode.h"
#include "household.h"

typedef struct vm vm;

/* A value: a number (VR_MISSING when missing) or, when text is non-NULL, text. */
typedef struct vm_value {
	int64_t num;
	const char *text;
} vm_value;

/* Where a signal stands after counting. */
enum vm_signal_status {
	VM_SIGNAL_HISTORY_COUNTED,   /* before the run month, above the floor */
	VM_SIGNAL_HISTORY_BELOW,     /* before the run month, below the floor */
	VM_SIGNAL_COUNTED,           /* current and counted */
	VM_SIGNAL_BELOW_FLOOR,       /* current, not counted: fails a `count signal` */
	VM_SIGNAL_SKIPPED            /* current, above the floor, skipped by a `skip` */
};

typedef struct vm_decision {
	uint32_t rule;          /* index in the program's rules */
	int32_t bucket;         /* the rule's bucket, or -1 when excluded */
	cents_t arrears;        /* total of counted current signals */
	bool has_phone, has_email;
	const char *district;   /* valid while the household is */
	vr_date first_received; /* of its earliest current signal: a contact term counts from it */
	const int64_t *keys;    /* order keys (vm_order_slot), valid until the next vm_decide */
	const vm_value *labels; /* one per program label; text NULL = no value */
} vm_decision;

/* NULL on allocation failure. P must stay alive and unchanged while the vm is. */
vm *vm_new(const bc_program *p);
/* The same, deciding the same, but running every function as its code is
 * written: none of the shortcuts vm_new's vm takes (fused instructions,
 * threaded jumps, signal tests as decision diagrams, functions answered
 * without running). The tests hold the two against each other. */
vm *vm_new_plain(const bc_program *p);
void vm_free(vm *v);

/* Decides household H for run month MONTH. H's signals must be sorted by
 * (received, signal_id) and none after MONTH (household.h). False when a
 * sum it made (the household's arrears, a sector's, a `total`) did not fit
 * in 64 bits: *OUT is filled but is no decision, and must not be used. With
 * amounts and counts within VR_CENTS_MAX and VR_COUNT_MAX this cannot
 * happen (types.h); the check makes it an error, never a wrapped value. */
bool vm_decide(vm *v, const vr_household *h, vr_month month, vm_decision *out);

/* The parts of a household (enum vr_read) that deciding with P reads: the
 * fields its code names, and those its buckets use (district for a spread,
 * phone and e-mail for redirects). A reader may leave the rest out. */
unsigned vm_reads(const bc_program *p);
/* Of those, the parts it reads of signals received before the run month: the
 * floor's, and those of the aggregates whose window reaches back. */
unsigned vm_history_reads(const bc_program *p);

/* First key slot of bucket B's order keys (its back-fill keys follow them). */
uint32_t vm_order_slot(const vm *v, uint32_t bucket);
uint32_t vm_order_slots(const vm *v);

/* For explain, after vm_decide: each signal's status (and for a skipped one,
 * the rule index of the skip), the value of function FN (a definition), and a
 * trace callback called for every rule tried, in order. */
enum vm_signal_status vm_signal(const vm *v, size_t i, uint32_t *skip_rule);
/* For explain, with a vm from vm_new_plain, after vm_decide of H: the source
 * line of the `count signal` statement H's signal I fails (the first as
 * written when it fails several), or 0 when it passes the floor (or V has
 * shortcuts). */
uint32_t vm_floor_line(vm *v, const vr_household *h, size_t i);
vm_value vm_eval(vm *v, uint16_t fn);
void vm_set_trace(vm *v, void (*fn)(void *arg, uint32_t rule, bool applies), void *arg);

#endif
