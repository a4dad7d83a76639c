/* vm_reads.c - which parts of a household a program reads (vm_reads,
 * vm_history_reads): what the store's cursor may leave out. Derived from
 * the bytecode alone. */
#include "vm.h"

#include <stdlib.h>

#include "fields.h"

/* The part of a signal field F lives in (0: received, always read). */
static unsigned field_read(unsigned f)
{
	switch ((enum signal_field)f) {
	case SF_SECTOR: return VR_READ_SECTOR;
	case SF_KIND: return VR_READ_KIND;
	case SF_CREDITOR: return VR_READ_CREDITOR;
	case SF_ARREARS: return 0;
	case SF_INSTALLMENT: return VR_READ_INSTALLMENT;
	case SF_INSTALLMENTS_MISSED: return VR_READ_INSTALLMENTS_MISSED;
	case SF_DAYS_OVERDUE: return VR_READ_DAYS_OVERDUE;
	case SF_LEGAL_FORM: return VR_READ_LEGAL_FORM;
	case SF_AGE: return VR_READ_BIRTH_DATE;
	case SF_DISTRICT: return VR_READ_DISTRICT;
	case SF_HAS_PHONE: return VR_READ_HAS_PHONE;
	case SF_HAS_EMAIL: return VR_READ_HAS_EMAIL;
	case SF_BRP_MATCH: return VR_READ_BRP_MATCH;
	case SF_KNOWN_DEBT_HELP: return VR_READ_KNOWN_DEBT_HELP;
	case SF_PERSON: return VR_READ_PERSON;
	case SF_SIGNAL_ID: return VR_READ_SIGNAL_ID;
	case SF_MONTH: return 0;
	case SF_COUNT: break;
	}
	return VR_READ_ALL;
}

static unsigned fact_read(unsigned f)
{
	switch ((enum household_fact)f) {
	case HF_DISTRICT: return VR_READ_DISTRICT;
	case HF_HAS_PHONE: return VR_READ_HAS_PHONE;
	case HF_HAS_EMAIL: return VR_READ_HAS_EMAIL;
	case HF_ARREARS: case HF_HOUSEHOLD: return 0;
	case HF_COUNT: break;
	}
	return VR_READ_ALL;
}

/* What one function reads: ALL, every part it reads when it runs, directly or
 * through the functions it calls; HISTORY, the parts it reads of signals
 * before the run month, through an aggregate (or `same`) whose window reaches
 * back. A signal function run over such a window reads all it reads there. */
typedef struct fn_reads {
	unsigned all, history;
} fn_reads;

/* Folds function FN's instructions into R[FN] from what R holds for the
 * functions it calls. P is verified, so its code is whole instructions and
 * every function index is in range. */
static void fold_reads(const bc_program *p, uint32_t fn, fn_reads *r)
{
	const bc_function *f = &p->fns[fn];
	const uint8_t *code = p->code + f->start;
	fn_reads acc = { 0, 0 };
	for (uint32_t pc = 0; pc < f->len;) {
		const enum bc_op op = (enum bc_op)code[pc];
		uint16_t a[5] = { 0, 0, 0, 0, 0 };
		for (int k = 0; k < bc_ops[op].operands && k < 5; k++)
			a[k] = bc_operand(code, pc + 1 + 2 * (uint32_t)k);
		uint16_t callee = BC_NONE, hi = 0;
		unsigned field = 0;
		switch (op) {
		case BC_SFIELD:
			acc.all |= field_read(a[0]);
			break;
		case BC_ANY: case BC_ALL: case BC_COUNT:
			callee = a[0], hi = a[3];
			break;
		case BC_DISTINCT: case BC_SUM: case BC_MAX: case BC_MIN:
			field = field_read(a[0]), callee = a[1], hi = a[4];
			break;
		case BC_SAME:
			field = field_read(a[0]), hi = a[3];
			break;
		case BC_SECTOR_TOTAL:   /* counted current signals only */
			acc.all |= VR_READ_SECTOR;
			break;
		case BC_HFACT:          /* facts come from the current signals */
			acc.all |= fact_read(a[0]);
			break;
		case BC_DEF:
			acc.all |= r[a[0]].all;
			acc.history |= r[a[0]].history;
			break;
		case BC_OFIELD:
			acc.all |= VR_READ_OUTCOMES;
			break;
		case BC_OANY: case BC_OALL: case BC_OCOUNT:
			acc.all |= VR_READ_OUTCOMES | r[a[0]].all;
			break;
		case BC_CONST: case BC_NOT: case BC_EQ: case BC_NE: case BC_LT:
		case BC_LE: case BC_GT: case BC_GE: case BC_EQ_TEXT: case BC_NE_TEXT:
		case BC_BETWEEN: case BC_IN_SET: case BC_IN_TEXT: case BC_IS_MISSING:
		case BC_JUMP: case BC_JUMP_IF_FALSE: case BC_JUMP_IF_TRUE: case BC_RETURN:
		case BC_RULE: case BC_DECIDE: case BC_COUNTED: case BC_OP_COUNT:
			break;
		}
		if (op == BC_ANY || op == BC_ALL || op == BC_COUNT || op == BC_DISTINCT ||
		    op == BC_SUM || op == BC_MAX || op == BC_MIN || op == BC_SAME) {
			const unsigned over = field | (callee == BC_NONE ? 0 : r[callee].all);
			acc.all |= over;
			if (hi >= 1)   /* the window reaches before the run month */
				acc.history |= over;
			if (callee != BC_NONE)
				acc.history |= r[callee].history;
		}
		pc += 1 + 2 * (uint32_t)bc_ops[op].operands;
	}
	r[fn] = acc;
}

/* Both sets of parts: *HISTORY gets those read of signals before the run
 * month (a subset of the result). */
static unsigned program_reads(const bc_program *p, unsigned *history)
{
	fn_reads *r = calloc(p->nfns + 1, sizeof *r);
	if (!r) {   /* no memory to find out: read everything */
		*history = VR_READ_ALL;
		return VR_READ_ALL;
	}
	/* The compiler puts callees before callers, so one pass suffices; a
	 * program from elsewhere may not, so go on until nothing changes. */
	for (bool changed = true; changed;) {
		changed = false;
		for (uint32_t fn = 0; fn < p->nfns; fn++) {
			const fn_reads before = r[fn];
			fold_reads(p, fn, r);
			changed |= r[fn].all != before.all || r[fn].history != before.history;
		}
	}
	unsigned all = 0, hist = 0;
	for (uint32_t fn = 0; fn < p->nfns; fn++) {
		all |= r[fn].all;
		hist |= r[fn].history;
	}
	/* The floor decides the status of every signal, current or not. */
	if (p->floor_fn != BC_NONE)
		hist |= r[p->floor_fn].all;
	free(r);
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const bc_bucket *bk = &p->buckets[b];
		if (bk->spread != SPREAD_NONE)
			all |= VR_READ_DISTRICT;
		if (bk->without_phone >= 0)
			all |= VR_READ_HAS_PHONE;
		if (bk->without_email >= 0)
			all |= VR_READ_HAS_EMAIL;
	}
	*history = hist & all;
	return all;
}

unsigned vm_reads(const bc_program *p)
{
	unsigned history;
	return program_reads(p, &history);
}

unsigned vm_history_reads(const bc_program *p)
{
	unsigned history;
	program_reads(p, &history);
	return history;
}

