/* vm_impl.h - what the files of the VM share and nobody else sees: the
 * decoded instructions, the shortcuts (vm_prepare.c makes them, vm.c runs
 * them) and the vm itself. vm.h is the VM's public surface. */
#ifndef VROEG_VM_IMPL_H
#define VROEG_VM_IMPL_H

#include <stddef.h>
#include <string.h>

#include "fields.h"
#include "vm.h"

/* The small helpers the loop calls for every instruction or signal: worth
 * inlining, which gcc declines on its own for those called from many places. */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

enum { VM_MAX_DEPTH = 16, VM_STACK = VM_MAX_DEPTH * BC_MAX_STACK };

/* An instruction decoded once, when the vm is made: its operands as numbers
 * and a jump's target as an instruction index, so the loop neither assembles
 * operand bytes nor looks up instruction lengths. */
typedef struct vm_ins {
	uint8_t op;            /* enum bc_op, or one of the fused ones below */
	uint16_t a[7];         /* operands; jump targets are indexes into the function */
} vm_ins;

/* Instructions the decoder makes of several. Of three: push a signal field
 * (or a household fact) A, push constant B, compare with comparison C. In
 * the decision function, of an aggregate or definition and the instruction
 * that takes its value as yes or no: VM_COUNTS_RULE, ANY/ALL/COUNT (op A)
 * over B..E, then RULE F else G; VM_DEF_RULE, definition A, then RULE B
 * else C; VM_DEF_JIF and VM_DEF_JIT, definition A, then a jump to B when
 * it is false (true). */
enum { VM_SFIELD_CMP = BC_OP_COUNT, VM_HFACT_CMP, VM_COUNTS_RULE, VM_DEF_RULE, VM_DEF_JIF, VM_DEF_JIT };

/* A simple predicate on one field of a signal (`kind in {...}`, `arrears >=
 * 100`, `known_debt_help`), the stuff of a diagram's tests; or, for a
 * household function, one of two shapes answered without running it. */
enum vm_pred_kind {
	PRED_NONE,     /* run the function */
	PRED_FLAG,     /* the field is yes */
	PRED_COMPARE,  /* the field compared with a constant */
	PRED_IN,       /* the field in a set of constants */
	PRED_FACT,     /* a household function that only gives a fact (`by arrears desc`) */
	PRED_AGG_CMP   /* a definition that compares one aggregate with a constant (`match`) */
};
typedef struct vm_pred {
	uint8_t kind;          /* enum vm_pred_kind */
	uint8_t op;            /* PRED_COMPARE: the comparison; PRED_IN: IN_SET or IN_TEXT */
	uint16_t field;
	uint16_t a, n;         /* PRED_COMPARE: the constant; PRED_IN: first constant, count */
	uint32_t at;           /* PRED_AGG_CMP: the aggregate's instruction in vm.ins */
} vm_pred;

/* A test of one signal that needs no function run: a byte-sized field looked
 * up in a table of what each of its 256 values gives, a number compared with
 * a constant, or any other simple predicate (text fields, age, month). */
enum vm_test_kind { TEST_BYTE, TEST_NUMBER, TEST_PRED };
typedef struct vm_test {
	uint8_t kind;          /* enum vm_test_kind */
	uint8_t op;            /* TEST_NUMBER: the comparison */
	uint16_t offset;       /* TEST_BYTE, TEST_NUMBER: of the field in vr_signal */
	int64_t k;             /* TEST_NUMBER: the constant */
	vm_pred pred;          /* TEST_PRED */
	uint8_t yes[256];      /* TEST_BYTE */
} vm_test;

/* A signal function made of such tests, joined by and / or / not, becomes a
 * decision diagram: from the root, each node's test picks the next node,
 * until a leaf says yes or no. A function of another shape has no diagram
 * and runs in exec. */
enum { LEAF_NO = -1, LEAF_YES = -2, NO_DIAGRAM = -3 };
typedef struct vm_node {
	uint16_t test;         /* index in vm.tests */
	int16_t next[2];       /* when the test fails, holds: a node, or a leaf */
} vm_node;

struct vm {
	const bc_program *p;
	vm_value stack[VM_STACK];
	vm_ins *ins;           /* every function's instructions, decoded */
	uint32_t *fn_first;    /* per function: its first instruction in ins */
	vm_pred *pred;         /* per function */
	int32_t *root;         /* per function: its diagram's root, a leaf, or NO_DIAGRAM */
	vm_test *tests;
	vm_node *nodes;
	uint32_t ntests, nnodes, tests_cap, nodes_cap;
	bool no_shortcuts;     /* vm_new_plain: every function runs in exec */

	/* window_start[k + 1]: the first signal whose months_back is at most k,
	 * for k = -1 .. max_back (the furthest any window of the program
	 * reaches). Signals come in date order, so months_back only falls along
	 * them, and a window lo..hi is the run window_start[hi + 1] ..
	 * window_start[lo]. */
	size_t *window_start;
	uint16_t max_back;

	/* Per signal, grown to the largest household seen. */
	uint8_t *status;
	uint16_t *skip_rule;
	int32_t *months_back;
	size_t sig_cap;

	/* Definitions evaluated once per household: a stamp says "this household". */
	uint32_t *memo_stamp;
	vm_value *memo;
	uint32_t stamp;

	uint32_t *slot_of_bucket;
	uint16_t *key_fn;      /* per slot: the function of that order key */
	uint32_t nslots;
	int64_t *keys;
	vm_value *labels;

	/* First days of the run month and the months before it, for the month
	 * of each signal without a calendar conversion per signal. */
	vr_month firsts_month;
	vr_date firsts[16];

	/* The household being decided. */
	const vr_household *h;
	vr_date month_first;
	cents_t arrears;
	bool has_phone, has_email;
	const char *district;
	bool any_counted;
	size_t sig;            /* current signal of a signal function */
	size_t out;            /* current outcome of an outcome function */
	uint32_t decided;      /* rule that decided */
	const vm_ins *jumped;  /* the last conditional jump exec took (vm_floor_line) */
	bool overflow;         /* a sum of this household did not fit (vm_decide) */

	void (*trace)(void *arg, uint32_t rule, bool applies);
	void *trace_arg;
};

enum { NFIRSTS = sizeof ((vm *)0)->firsts / sizeof ((vm *)0)->firsts[0] };

static inline vm_value number(int64_t n)
{
	vm_value x = { n, NULL };
	return x;
}

/* Field FIELD of signal S, the I-th of the household. */
HOT vm_value field_of(const vm *v, const vr_signal *s, size_t i, unsigned field)
{
	vm_value x = { VR_MISSING, NULL };
	switch ((enum signal_field)field) {
	case SF_SECTOR: x.num = s->sector; break;
	case SF_KIND: x.num = s->kind; break;
	case SF_CREDITOR: x.text = s->creditor; break;
	case SF_ARREARS: x.num = s->arrears; break;
	case SF_INSTALLMENT: x.num = s->installment; break;
	case SF_INSTALLMENTS_MISSED: x.num = s->installments_missed; break;
	case SF_DAYS_OVERDUE: x.num = s->days_overdue; break;
	case SF_LEGAL_FORM: x.num = s->legal_form; break;
	case SF_AGE: x.num = vr_age_on(s->birth_date, v->month_first); break;
	case SF_DISTRICT: x.text = s->district; break;
	case SF_HAS_PHONE: x.num = s->has_phone; break;
	case SF_HAS_EMAIL: x.num = s->has_email; break;
	case SF_BRP_MATCH: x.num = s->brp_match < 0 ? VR_MISSING : s->brp_match; break;
	case SF_KNOWN_DEBT_HELP: x.num = s->known_debt_help; break;
	case SF_PERSON: x.text = s->person; break;
	case SF_SIGNAL_ID: x.text = s->signal_id; break;
	case SF_MONTH: x.num = v->months_back[i]; break;
	case SF_COUNT: break;
	}
	return x;
}

HOT bool compare(enum bc_op op, vm_value a, vm_value b)
{
	if (op == BC_EQ_TEXT || op == BC_NE_TEXT) {
		const bool eq = a.text && b.text && strcmp(a.text, b.text) == 0;
		return op == BC_EQ_TEXT ? eq : !eq;
	}
	if (a.num == VR_MISSING || b.num == VR_MISSING)
		return false;
	if (op == BC_EQ)
		return a.num == b.num;
	if (op == BC_NE)
		return a.num != b.num;
	if (op == BC_LT)
		return a.num < b.num;
	if (op == BC_LE)
		return a.num <= b.num;
	if (op == BC_GT)
		return a.num > b.num;
	return a.num >= b.num;
}

/* What running simple predicate PR would give for field value X, as exec
 * computes it. */
HOT bool value_holds(const vm *v, const vm_pred *pr, vm_value x)
{
	if (pr->kind == PRED_FLAG)
		return x.num == 1;
	const bc_const *k = &v->p->consts[pr->a];
	if (pr->kind == PRED_COMPARE)
		return compare((enum bc_op)pr->op, x, (vm_value){ k->num, k->text });
	for (uint16_t j = 0; j < pr->n; j++, k++)
		if (pr->op == BC_IN_TEXT ? x.text && strcmp(x.text, k->text) == 0
					 : x.num != VR_MISSING && x.num == k->num)
			return true;
	return false;
}

#endif
