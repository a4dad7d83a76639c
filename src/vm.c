/* vm.c - the evaluator. Runs verified code only (bc_verify proved operands,
 * jumps and stack depths), so the loop checks nothing per instruction. A
 * household is evaluated in three steps: count its signals (floor, skips),
 * compute its facts, run the decision function; then, for a household in a
 * bucket, its labels and the order keys of every bucket it might enter. */
#include "vm.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

enum { VM_MAX_DEPTH = 16, VM_STACK = VM_MAX_DEPTH * BC_MAX_STACK };

/* The small helpers the loop calls for every instruction or signal: worth
 * inlining, which gcc declines on its own for those called from many places. */
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

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

/* Functions of a shape common enough to be answered without running them.
 * Signal functions that only look at one field of the signal (`kind in
 * {...}`, `arrears >= 100`, `known_debt_help`): aggregates call these for
 * every signal. And two household shapes, below. */
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

	void (*trace)(void *arg, uint32_t rule, bool applies);
	void *trace_arg;
};

static bool is_comparison(enum bc_op op)
{
	return op == BC_EQ || op == BC_NE || op == BC_LT || op == BC_LE || op == BC_GT ||
	       op == BC_GE || op == BC_EQ_TEXT || op == BC_NE_TEXT;
}

static bool is_aggregate(enum bc_op op)
{
	return op == BC_ANY || op == BC_ALL || op == BC_COUNT || op == BC_DISTINCT ||
	       op == BC_SUM || op == BC_MAX || op == BC_MIN;
}

/* The operand of IN that holds a jump target, or NULL. */
static uint16_t *jump_operand(vm_ins *in)
{
	switch (in->op) {
	case BC_JUMP: case BC_JUMP_IF_FALSE: case BC_JUMP_IF_TRUE:
		return &in->a[0];
	case BC_RULE: case VM_DEF_JIF: case VM_DEF_JIT:
		return &in->a[1];
	case VM_DEF_RULE:
		return &in->a[2];
	case VM_COUNTS_RULE:
		return &in->a[6];
	default:
		return NULL;
	}
}

/* Fuses, in the decision function INS (LEN instructions), an aggregate or
 * definition with the RULE or conditional jump after it, where no jump
 * lands between them; the new length. TARGET and NEW_INDEX are scratch. */
static uint32_t fuse_rules(vm_ins *ins, uint32_t len, uint8_t *target, uint32_t *new_index)
{
	memset(target, 0, len);
	for (uint32_t i = 0; i < len; i++) {
		const uint16_t *to = jump_operand(&ins[i]);
		if (to)
			target[*to] = 1;
	}
	uint32_t out = 0;
	for (uint32_t i = 0; i < len; out++) {
		new_index[i] = out;
		const vm_ins a = ins[i];
		const vm_ins b = i + 1 < len ? ins[i + 1] : (vm_ins){ BC_OP_COUNT, { 0 } };
		const bool joins = i + 1 < len && !target[i + 1];
		const bool counts = a.op == BC_ANY || a.op == BC_ALL || a.op == BC_COUNT;
		if (joins && counts && b.op == BC_RULE)
			ins[out] = (vm_ins){ VM_COUNTS_RULE, { a.op, a.a[0], a.a[1], a.a[2], a.a[3], b.a[0], b.a[1] } };
		else if (joins && a.op == BC_DEF && b.op == BC_RULE)
			ins[out] = (vm_ins){ VM_DEF_RULE, { a.a[0], b.a[0], b.a[1] } };
		else if (joins && a.op == BC_DEF && (b.op == BC_JUMP_IF_FALSE || b.op == BC_JUMP_IF_TRUE))
			ins[out] = (vm_ins){ b.op == BC_JUMP_IF_FALSE ? VM_DEF_JIF : VM_DEF_JIT, { a.a[0], b.a[0] } };
		else {
			ins[out] = a;
			i++;
			continue;
		}
		new_index[i + 1] = out;
		i += 2;
	}
	for (uint32_t i = 0; i < out; i++) {
		uint16_t *to = jump_operand(&ins[i]);
		if (to)
			*to = (uint16_t)new_index[*to];
	}
	return out;
}

/* Where a jump to instruction T of INS (LEN of them) may go instead without
 * changing what happens: past a chain of unconditional jumps, and past a
 * `CONST k` + conditional jump pair (what `and` / `or` compile to), whose
 * outcome k decides. */
static uint16_t jump_destination(const bc_program *p, const vm_ins *ins, uint32_t len, uint16_t t)
{
	for (uint32_t steps = 0; steps < len && t < len; steps++) {
		const vm_ins *at = &ins[t];
		if (at->op == BC_JUMP) {
			t = at->a[0];
			continue;
		}
		if (at->op == BC_CONST && t + 1u < len && !p->consts[at->a[0]].text &&
		    (ins[t + 1].op == BC_JUMP_IF_FALSE || ins[t + 1].op == BC_JUMP_IF_TRUE)) {
			const bool yes = p->consts[at->a[0]].num != 0;
			const bool jumps = ins[t + 1].op == BC_JUMP_IF_TRUE ? yes : !yes;
			t = jumps ? ins[t + 1].a[0] : (uint16_t)(t + 2);
			continue;
		}
		break;
	}
	return t;
}

/* Retargets every jump of INS to its final destination. Jumps only go
 * forward (the verifier saw to that), so each destination is later than
 * the jump and the walk ends. */
static void thread_jumps(const bc_program *p, vm_ins *ins, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (ins[i].op == BC_JUMP || ins[i].op == BC_JUMP_IF_FALSE || ins[i].op == BC_JUMP_IF_TRUE)
			ins[i].a[0] = jump_destination(p, ins, len, ins[i].a[0]);
}

static int32_t build_diagram(vm *v, const vm_ins *ins, uint32_t len);

/* Decodes P's code into V->ins. P is verified: whole instructions, jumps to
 * instruction starts within their function. */
static bool decode(vm *v, const bc_program *p)
{
	v->ins = calloc(p->ncode + 1, sizeof *v->ins);   /* at most one per byte */
	v->fn_first = calloc(p->nfns + 1, sizeof *v->fn_first);
	v->pred = calloc(p->nfns + 1, sizeof *v->pred);
	v->root = calloc(p->nfns + 1, sizeof *v->root);
	uint32_t *index_of = calloc(p->ncode + 1, sizeof *index_of);   /* byte -> instruction */
	uint32_t *new_index = calloc(p->ncode + 1, sizeof *new_index);
	uint8_t *target = calloc(p->ncode + 1, 1);
	if (!v->ins || !v->fn_first || !v->pred || !v->root || !index_of || !new_index || !target) {
		free(index_of);
		free(new_index);
		free(target);
		return false;
	}
	uint32_t n = 0;
	for (uint32_t fn = 0; fn < p->nfns; fn++) {
		const bc_function *f = &p->fns[fn];
		const uint8_t *code = p->code + f->start;
		const uint32_t first = n;
		v->fn_first[fn] = first;
		for (uint32_t pc = 0; pc < f->len; n++) {
			const enum bc_op op = (enum bc_op)code[pc];
			index_of[f->start + pc] = n - first;
			v->ins[n].op = (uint8_t)op;
			for (int k = 0; k < bc_ops[op].operands && k < 5; k++)
				v->ins[n].a[k] = bc_operand(code, pc + 1 + 2 * (uint32_t)k);
			pc += 1 + 2 * (uint32_t)bc_ops[op].operands;
		}
		vm_ins *ins = v->ins + first;
		const uint32_t len = n - first;
		memset(target, 0, len);
		for (uint32_t i = 0; i < len; i++) {
			uint16_t *to = jump_operand(&ins[i]);
			if (to) {
				*to = (uint16_t)index_of[f->start + *to];
				target[*to] = 1;
			}
		}
		v->root[fn] = NO_DIAGRAM;
		if (v->no_shortcuts) {
			n = first + len;
			continue;
		}
		if (f->kind == FN_HOUSEHOLD && ins[0].op == BC_HFACT && ins[1].op == BC_RETURN)
			v->pred[fn] = (vm_pred){ PRED_FACT, 0, ins[0].a[0], 0, 0, 0 };
		/* Fuse `field, constant, comparison` into one instruction where
		 * no jump lands inside it. */
		uint32_t out = 0;
		for (uint32_t i = 0; i < len; out++) {
			new_index[i] = out;
			const bool fusable = (ins[i].op == BC_SFIELD || ins[i].op == BC_HFACT) &&
				i + 2 < len && ins[i + 1].op == BC_CONST &&
				is_comparison((enum bc_op)ins[i + 2].op) && !target[i + 1] && !target[i + 2];
			if (fusable) {
				const vm_ins fused = {
					(uint8_t)(ins[i].op == BC_SFIELD ? VM_SFIELD_CMP : VM_HFACT_CMP),
					{ ins[i].a[0], ins[i + 1].a[0], ins[i + 2].op, 0, 0 },
				};
				ins[out] = fused;
				i += 3;
			} else {
				ins[out] = ins[i];
				i++;
			}
		}
		for (uint32_t i = 0; i < out; i++) {
			uint16_t *to = jump_operand(&ins[i]);
			if (to)
				*to = (uint16_t)new_index[*to];
		}
		thread_jumps(p, ins, out);
		if (f->kind == FN_DECISION)
			out = fuse_rules(ins, out, target, new_index);
		if (f->kind == FN_HOUSEHOLD && out >= 4 && is_aggregate((enum bc_op)ins[0].op) &&
		    ins[1].op == BC_CONST && is_comparison((enum bc_op)ins[2].op) && ins[3].op == BC_RETURN)
			v->pred[fn] = (vm_pred){ PRED_AGG_CMP, ins[2].op, 0, ins[1].a[0], 0, first };
		if (f->kind == FN_SIGNAL)
			v->root[fn] = build_diagram(v, ins, out);
		n = first + out;
	}
	free(index_of);
	free(new_index);
	free(target);
	for (uint32_t i = 0; i < n; i++) {
		const vm_ins *in = &v->ins[i];
		uint16_t hi = 0;
		if (in->op == BC_ANY || in->op == BC_ALL || in->op == BC_COUNT || in->op == BC_SAME)
			hi = in->a[3];
		else if (in->op == VM_COUNTS_RULE)
			hi = in->a[4];
		else if (in->op == BC_DISTINCT || in->op == BC_SUM || in->op == BC_MAX || in->op == BC_MIN)
			hi = in->a[4];
		if (hi > v->max_back)
			v->max_back = hi;
	}
	v->window_start = calloc((size_t)v->max_back + 2, sizeof *v->window_start);
	return v->window_start != NULL;
}

static vm *make_vm(const bc_program *p, bool no_shortcuts)
{
	vm *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->p = p;
	v->no_shortcuts = no_shortcuts;
	if (!decode(v, p)) {
		vm_free(v);
		return NULL;
	}
	v->firsts_month = INT32_MIN;
	v->memo_stamp = calloc(p->nfns + 1, sizeof *v->memo_stamp);
	v->memo = calloc(p->nfns + 1, sizeof *v->memo);
	v->slot_of_bucket = calloc(p->nbuckets + 1, sizeof *v->slot_of_bucket);
	v->labels = calloc(p->nlabels + 1, sizeof *v->labels);
	for (uint32_t b = 0; v->slot_of_bucket && b < p->nbuckets; b++) {
		v->slot_of_bucket[b] = v->nslots;
		v->nslots += p->buckets[b].norder + p->buckets[b].nbackfill_order;
	}
	v->keys = calloc(v->nslots + 1, sizeof *v->keys);
	v->key_fn = calloc(v->nslots + 1, sizeof *v->key_fn);
	if (!v->memo_stamp || !v->memo || !v->slot_of_bucket || !v->labels || !v->keys || !v->key_fn) {
		vm_free(v);
		return NULL;
	}
	for (uint32_t b = 0, slot = 0; b < p->nbuckets; b++) {
		const bc_bucket *bk = &p->buckets[b];
		for (uint8_t k = 0; k < bk->norder; k++)
			v->key_fn[slot++] = bk->order[k].fn;
		for (uint8_t k = 0; k < bk->nbackfill_order; k++)
			v->key_fn[slot++] = bk->backfill_order[k].fn;
	}
	return v;
}

vm *vm_new(const bc_program *p)
{
	return make_vm(p, false);
}

vm *vm_new_plain(const bc_program *p)
{
	return make_vm(p, true);
}

void vm_free(vm *v)
{
	if (!v)
		return;
	free(v->status);
	free(v->skip_rule);
	free(v->months_back);
	free(v->memo_stamp);
	free(v->memo);
	free(v->slot_of_bucket);
	free(v->keys);
	free(v->key_fn);
	free(v->labels);
	free(v->ins);
	free(v->fn_first);
	free(v->pred);
	free(v->root);
	free(v->tests);
	free(v->nodes);
	free(v->window_start);
	free(v);
}

uint32_t vm_order_slot(const vm *v, uint32_t bucket)
{
	return v->slot_of_bucket[bucket];
}

uint32_t vm_order_slots(const vm *v)
{
	return v->nslots;
}

void vm_set_trace(vm *v, void (*fn)(void *arg, uint32_t rule, bool applies), void *arg)
{
	v->trace = fn;
	v->trace_arg = arg;
}

enum vm_signal_status vm_signal(const vm *v, size_t i, uint32_t *skip_rule)
{
	if (skip_rule)
		*skip_rule = v->skip_rule[i];
	return (enum vm_signal_status)v->status[i];
}

static bool grow_signals(vm *v, size_t n)
{
	if (n <= v->sig_cap)
		return true;
	size_t cap = v->sig_cap ? v->sig_cap : 16;
	while (cap < n)
		cap *= 2;
	uint8_t *status = realloc(v->status, cap * sizeof *status);
	if (status)
		v->status = status;
	uint16_t *skip = realloc(v->skip_rule, cap * sizeof *skip);
	if (skip)
		v->skip_rule = skip;
	int32_t *back = realloc(v->months_back, cap * sizeof *back);
	if (back)
		v->months_back = back;
	if (!status || !skip || !back)
		return false;
	v->sig_cap = cap;
	return true;
}

enum { NFIRSTS = sizeof ((vm *)0)->firsts / sizeof ((vm *)0)->firsts[0] };

/* firsts[0] is the first day after the run month MONTH; firsts[k] the first
 * day of the month k-1 before it. */
static void set_firsts(vm *v, vr_month month)
{
	if (v->firsts_month != month) {
		for (int k = 0; k < NFIRSTS; k++)
			v->firsts[k] = vr_month_first_day(month + 1 - k);
		v->firsts_month = month;
	}
}

/* Months between the month of DAY and MONTH (0 = the run month); set_firsts
 * has been called for MONTH. */
HOT int32_t months_back(const vm *v, vr_month month, vr_date day)
{
	for (int k = 0; k < NFIRSTS; k++)
		if (day >= v->firsts[k])
			return k - 1;   /* -1: after the run month, in no window */
	return month - vr_month_of(day);
}

/* The statuses (enum vm_signal_status, as bits) of the signals in SET. */
HOT unsigned set_statuses(unsigned set)
{
	enum {
		COUNTED = 1u << VM_SIGNAL_COUNTED | 1u << VM_SIGNAL_HISTORY_COUNTED,
		ALL = 1u << VM_SIGNAL_HISTORY_COUNTED | 1u << VM_SIGNAL_HISTORY_BELOW |
		      1u << VM_SIGNAL_COUNTED | 1u << VM_SIGNAL_BELOW_FLOOR | 1u << VM_SIGNAL_SKIPPED
	};
	switch ((enum bc_signal_set)set) {
	case SET_COUNTED:
		return COUNTED;
	case SET_ALL:
		return ALL;
	case SET_FLOOR:
		return COUNTED | 1u << VM_SIGNAL_SKIPPED;
	}
	return 0;
}

HOT bool in_set(const vm *v, size_t i, unsigned set)
{
	return set_statuses(set) >> v->status[i] & 1u;
}

/* The signals in window LO..HI: FROM .. TO - 1. */
HOT void window(const vm *v, unsigned lo, unsigned hi, size_t *from, size_t *to)
{
	*from = v->window_start[hi + 1];
	*to = v->window_start[lo];
}

static vm_value number(int64_t n)
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

HOT vm_value signal_field(const vm *v, size_t i, unsigned field)
{
	return field_of(v, &v->h->signals[i], i, field);
}

static bool same_value(vm_value a, vm_value b)
{
	if (a.text || b.text)
		return a.text && b.text && strcmp(a.text, b.text) == 0;
	return a.num != VR_MISSING && a.num == b.num;
}

static vm_value exec(vm *v, uint16_t fn, vm_value *sp);

HOT bool compare(enum bc_op op, vm_value a, vm_value b);

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

HOT bool pred_holds(const vm *v, const vm_pred *pr, size_t i)
{
	return value_holds(v, pr, signal_field(v, i, pr->field));
}

HOT bool test_holds(const vm *v, const vm_test *t, size_t i)
{
	const vr_signal *s = &v->h->signals[i];
	switch ((enum vm_test_kind)t->kind) {
	case TEST_BYTE:
		return t->yes[((const unsigned char *)s)[t->offset]];
	case TEST_NUMBER: {
		const int64_t x = *(const int64_t *)(const void *)((const char *)s + t->offset);
		return compare((enum bc_op)t->op, number(x), number(t->k));
	}
	case TEST_PRED:
		break;
	}
	return pred_holds(v, &t->pred, i);
}

/* Whether signal I passes the diagram from ROOT (a node or a leaf). */
HOT bool diagram_holds(const vm *v, int32_t at, size_t i)
{
	while (at >= 0) {
		const vm_node *n = &v->nodes[at];
		at = n->next[test_holds(v, &v->tests[n->test], i)];
	}
	return at == LEAF_YES;
}

HOT bool holds(vm *v, uint16_t fn, size_t i, vm_value *sp)
{
	if (fn == BC_NONE)
		return true;
	if (v->root[fn] != NO_DIAGRAM)
		return diagram_holds(v, v->root[fn], i);
	const size_t saved = v->sig;
	v->sig = i;
	const bool r = exec(v, fn, sp).num == 1;
	v->sig = saved;
	return r;
}

static int32_t outcome_months_back(const vm *v, size_t i)
{
	const vr_month run = vr_month_of(v->month_first);
	return run - vr_month_of(v->h->outcomes[i].date);
}

static bool outcome_holds(vm *v, uint16_t fn, size_t i, vm_value *sp)
{
	if (fn == BC_NONE)
		return true;
	const size_t saved = v->out;
	v->out = i;
	const bool r = exec(v, fn, sp).num == 1;
	v->out = saved;
	return r;
}

/* ANY, ALL or COUNT (OP) over the signals of SET in window LO..HI that
 * satisfy FN: the most common aggregates, with a loop of their own. */
HOT vm_value count_signals(vm *v, enum bc_op op, uint16_t fn, unsigned set, unsigned lo, unsigned hi,
			   vm_value *sp)
{
	size_t from, to;
	window(v, lo, hi, &from, &to);
	const unsigned statuses = set_statuses(set);
	const int32_t root = fn == BC_NONE ? LEAF_YES : v->root[fn];
	int64_t n = 0;
	for (size_t i = from; i < to; i++) {
		if (!(statuses >> v->status[i] & 1u))
			continue;
		const bool ok = root != NO_DIAGRAM ? diagram_holds(v, root, i) : holds(v, fn, i, sp);
		if (op == BC_ANY && ok)
			return number(1);
		if (op == BC_ALL && !ok)
			return number(0);
		n += ok;
	}
	return number(op == BC_ANY ? 0 : op == BC_ALL ? 1 : n);
}

/* Aggregates over the signals of SET in window LO..HI that satisfy FN. */
static vm_value aggregate(vm *v, enum bc_op op, unsigned field, uint16_t fn,
			  unsigned set, unsigned lo, unsigned hi, vm_value *sp)
{
	if (op == BC_ANY || op == BC_ALL || op == BC_COUNT)
		return count_signals(v, op, fn, set, lo, hi, sp);
	size_t from, to;
	window(v, lo, hi, &from, &to);
	int64_t acc = op == BC_MAX || op == BC_MIN ? VR_MISSING : 0;
	for (size_t i = from; i < to; i++) {
		if (!in_set(v, i, set))
			continue;
		const bool ok = holds(v, fn, i, sp);
		switch (op) {
		case BC_ANY: case BC_ALL: case BC_COUNT:   /* above */
			break;
		case BC_DISTINCT: {
			if (!ok)
				break;
			/* Counted once: at its first occurrence among the selected signals. */
			const vm_value x = signal_field(v, i, field);
			bool seen = false;
			for (size_t j = from; j < i && !seen; j++)
				if (in_set(v, j, set) && holds(v, fn, j, sp))
					seen = same_value(signal_field(v, j, field), x);
			acc += !seen;
			break;
		}
		case BC_SUM:
		case BC_MAX:
		case BC_MIN: {
			if (!ok)
				break;
			const int64_t x = signal_field(v, i, field).num;
			if (x == VR_MISSING)
				break;
			if (op == BC_SUM)
				acc += x;
			else if (acc == VR_MISSING || (op == BC_MAX ? x > acc : x < acc))
				acc = x;
			break;
		}
		case BC_CONST: case BC_SFIELD: case BC_OFIELD: case BC_HFACT: case BC_SECTOR_TOTAL:
		case BC_DEF: case BC_NOT: case BC_EQ: case BC_NE: case BC_LT: case BC_LE: case BC_GT:
		case BC_GE: case BC_EQ_TEXT: case BC_NE_TEXT: case BC_BETWEEN: case BC_IN_SET:
		case BC_IN_TEXT: case BC_IS_MISSING: case BC_JUMP: case BC_JUMP_IF_FALSE:
		case BC_JUMP_IF_TRUE: case BC_OANY: case BC_OALL: case BC_OCOUNT: case BC_SAME:
		case BC_RETURN: case BC_RULE: case BC_DECIDE: case BC_COUNTED: case BC_OP_COUNT:
			break;
		}
	}
	return number(acc);
}

/* What a PRED_AGG_CMP definition gives, as exec would compute it. */
static vm_value aggregate_compared(vm *v, const vm_pred *pr, vm_value *sp)
{
	const vm_ins *in = &v->ins[pr->at];
	const enum bc_op op = (enum bc_op)in->op;
	const vm_value x = op == BC_ANY || op == BC_ALL || op == BC_COUNT
		? aggregate(v, op, 0, in->a[0], in->a[1], in->a[2], in->a[3], sp)
		: aggregate(v, op, in->a[0], in->a[1], in->a[2], in->a[3], in->a[4], sp);
	const bc_const *k = &v->p->consts[pr->a];
	return number(compare((enum bc_op)pr->op, x, (vm_value){ k->num, k->text }));
}

static vm_value outcome_aggregate(vm *v, enum bc_op op, uint16_t fn, unsigned lo, unsigned hi, vm_value *sp)
{
	int64_t acc = op == BC_OALL ? 1 : 0;
	for (size_t i = 0; i < v->h->noutcomes; i++) {
		const int32_t back = outcome_months_back(v, i);
		if (back < (int32_t)lo || back > (int32_t)hi)
			continue;
		const bool ok = outcome_holds(v, fn, i, sp);
		if (op == BC_OANY && ok)
			return number(1);
		if (op == BC_OALL && !ok)
			return number(0);
		if (op == BC_OCOUNT)
			acc += ok;
	}
	return number(acc);
}

static vm_value household_fact(const vm *v, unsigned fact)
{
	vm_value x = { VR_MISSING, NULL };
	switch ((enum household_fact)fact) {
	case HF_ARREARS: x.num = v->arrears; break;
	case HF_HAS_PHONE: x.num = v->has_phone; break;
	case HF_HAS_EMAIL: x.num = v->has_email; break;
	case HF_DISTRICT: x.text = v->district; break;
	case HF_HOUSEHOLD: x.text = v->h->key; break;
	case HF_COUNT: break;
	}
	return x;
}

static int64_t sector_total(const vm *v, unsigned sector)
{
	int64_t total = 0;
	for (size_t i = 0; i < v->h->nsignals; i++)
		if (v->status[i] == VM_SIGNAL_COUNTED && v->h->signals[i].sector == sector)
			total += v->h->signals[i].arrears;
	return total;
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

/* ------------------------------------------------------- diagrams -- */

/* The offset in vr_signal of a field held in one byte, or -1. */
static int byte_field_offset(unsigned field)
{
	switch ((enum signal_field)field) {
	case SF_SECTOR: return (int)offsetof(vr_signal, sector);
	case SF_KIND: return (int)offsetof(vr_signal, kind);
	case SF_LEGAL_FORM: return (int)offsetof(vr_signal, legal_form);
	case SF_HAS_PHONE: return (int)offsetof(vr_signal, has_phone);
	case SF_HAS_EMAIL: return (int)offsetof(vr_signal, has_email);
	case SF_BRP_MATCH: return (int)offsetof(vr_signal, brp_match);
	case SF_KNOWN_DEBT_HELP: return (int)offsetof(vr_signal, known_debt_help);
	case SF_CREDITOR: case SF_ARREARS: case SF_INSTALLMENT: case SF_INSTALLMENTS_MISSED:
	case SF_DAYS_OVERDUE: case SF_AGE: case SF_DISTRICT: case SF_PERSON: case SF_SIGNAL_ID:
	case SF_MONTH: case SF_COUNT:
		break;
	}
	return -1;
}

/* The offset in vr_signal of a field held as an int64_t, or -1. */
static int number_field_offset(unsigned field)
{
	switch ((enum signal_field)field) {
	case SF_ARREARS: return (int)offsetof(vr_signal, arrears);
	case SF_INSTALLMENT: return (int)offsetof(vr_signal, installment);
	case SF_INSTALLMENTS_MISSED: return (int)offsetof(vr_signal, installments_missed);
	case SF_DAYS_OVERDUE: return (int)offsetof(vr_signal, days_overdue);
	case SF_SECTOR: case SF_KIND: case SF_CREDITOR: case SF_LEGAL_FORM: case SF_AGE:
	case SF_DISTRICT: case SF_HAS_PHONE: case SF_HAS_EMAIL: case SF_BRP_MATCH:
	case SF_KNOWN_DEBT_HELP: case SF_PERSON: case SF_SIGNAL_ID: case SF_MONTH: case SF_COUNT:
		break;
	}
	return -1;
}

/* Adds the test of simple predicate PR; its index, or -1 out of memory. */
static int add_test(vm *v, vm_pred pr)
{
	if (v->ntests == v->tests_cap) {
		const uint32_t cap = v->tests_cap ? v->tests_cap * 2 : 8;
		vm_test *t = realloc(v->tests, cap * sizeof *t);
		if (!t)
			return -1;
		v->tests = t;
		v->tests_cap = cap;
	}
	vm_test *t = &v->tests[v->ntests];
	memset(t, 0, sizeof *t);
	t->kind = TEST_PRED;
	t->pred = pr;
	const int byte = byte_field_offset(pr.field), num = number_field_offset(pr.field);
	const bc_const *k = &v->p->consts[pr.a];
	if (byte >= 0) {
		/* Each byte value's answer, from the field value exec would see. */
		t->kind = TEST_BYTE;
		t->offset = (uint16_t)byte;
		for (unsigned b = 0; b < 256; b++) {
			vr_signal sig;
			memset(&sig, 0, sizeof sig);
			((unsigned char *)&sig)[byte] = (unsigned char)b;
			t->yes[b] = value_holds(v, &pr, field_of(v, &sig, 0, pr.field));
		}
	} else if (num >= 0 && pr.kind == PRED_COMPARE && !k->text && is_comparison((enum bc_op)pr.op) &&
		   pr.op != BC_EQ_TEXT && pr.op != BC_NE_TEXT) {
		t->kind = TEST_NUMBER;
		t->offset = (uint16_t)num;
		t->op = pr.op;
		t->k = k->num;
	}
	return (int)v->ntests++;
}

/* A walk of a signal function's paths keeps, for each stack slot, a
 * constant or "test T, negated or not". A conditional jump on a test
 * becomes a node, a RETURN a leaf (or a last node). Another instruction, a
 * text constant or a function too large to be worth it: no diagram. */
enum { DIAGRAM_MAX_NODES = 64, DIAGRAM_MAX_WALKS = 256, DIAGRAM_MAX_STACK = 8 };

typedef struct sym {
	bool is_test, neg;
	uint16_t test;
	int64_t num;
} sym;

typedef struct diagram_builder {
	vm *v;
	const vm_ins *ins;
	uint32_t len, nodes, walks;
	bool failed;
} diagram_builder;

static int32_t give_up(diagram_builder *b)
{
	b->failed = true;
	return LEAF_NO;
}

/* A node testing T that goes to NO when it fails, YES when it holds. */
static int32_t branch(diagram_builder *b, uint16_t t, int32_t no, int32_t yes)
{
	if (no == yes)
		return no;
	vm *v = b->v;
	if (b->failed || ++b->nodes > DIAGRAM_MAX_NODES || v->nnodes >= INT16_MAX)
		return give_up(b);
	if (v->nnodes == v->nodes_cap) {
		const uint32_t cap = v->nodes_cap ? v->nodes_cap * 2 : 16;
		vm_node *n = realloc(v->nodes, cap * sizeof *n);
		if (!n)
			return give_up(b);
		v->nodes = n;
		v->nodes_cap = cap;
	}
	v->nodes[v->nnodes] = (vm_node){ t, { (int16_t)no, (int16_t)yes } };
	return (int32_t)v->nnodes++;
}

static int32_t push_test(diagram_builder *b, sym *st, int *depth, vm_pred pr)
{
	const int t = add_test(b->v, pr);
	if (t < 0 || *depth == DIAGRAM_MAX_STACK)
		return give_up(b);
	st[(*depth)++] = (sym){ true, false, (uint16_t)t, 0 };
	return 0;
}

/* The diagram of the function's rest from instruction IP with stack STACK. */
static int32_t walk(diagram_builder *b, uint32_t ip, const sym *stack, int depth)
{
	sym st[DIAGRAM_MAX_STACK];
	memcpy(st, stack, (size_t)depth * sizeof *st);
	if (++b->walks > DIAGRAM_MAX_WALKS)
		return give_up(b);
	const bc_program *p = b->v->p;
	while (!b->failed && ip < b->len) {
		const vm_ins *in = &b->ins[ip++];
		const vm_ins *next = ip < b->len ? &b->ins[ip] : NULL;
		switch (in->op) {
		case VM_SFIELD_CMP:
			push_test(b, st, &depth, (vm_pred){ PRED_COMPARE, (uint8_t)in->a[2], in->a[0], in->a[1], 0, 0 });
			break;
		case BC_SFIELD:
			/* A field alone is the predicate's value only where RETURN
			 * takes it (== 1) or IN_SET / IN_TEXT tests it. */
			if (next && (next->op == BC_IN_SET || next->op == BC_IN_TEXT)) {
				push_test(b, st, &depth, (vm_pred){ PRED_IN, next->op, in->a[0], next->a[0], next->a[1], 0 });
				ip++;
			} else if (next && next->op == BC_RETURN)
				push_test(b, st, &depth, (vm_pred){ PRED_FLAG, 0, in->a[0], 0, 0, 0 });
			else
				return give_up(b);
			break;
		case BC_CONST:
			if (p->consts[in->a[0]].text || depth == DIAGRAM_MAX_STACK)
				return give_up(b);
			st[depth++] = (sym){ false, false, 0, p->consts[in->a[0]].num };
			break;
		case BC_NOT:
			if (!depth)
				return give_up(b);
			if (st[depth - 1].is_test)
				st[depth - 1].neg = !st[depth - 1].neg;
			else
				st[depth - 1].num = !st[depth - 1].num;
			break;
		case BC_JUMP:
			ip = in->a[0];
			break;
		case BC_JUMP_IF_FALSE:
		case BC_JUMP_IF_TRUE: {
			if (!depth)
				return give_up(b);
			const sym x = st[--depth];
			const bool jumps_on = in->op == BC_JUMP_IF_TRUE;
			if (!x.is_test) {
				if ((x.num != 0) == jumps_on)
					ip = in->a[0];
				break;
			}
			/* A test's value is 1 when it holds (0 when negated). */
			const int32_t jumped = walk(b, in->a[0], st, depth);
			const int32_t fell = walk(b, ip, st, depth);
			return branch(b, x.test, x.neg == jumps_on ? jumped : fell,
				      x.neg != jumps_on ? jumped : fell);
		}
		case BC_RETURN: {
			if (!depth)
				return give_up(b);
			const sym x = st[depth - 1];
			if (!x.is_test)
				return x.num == 1 ? LEAF_YES : LEAF_NO;
			return branch(b, x.test, x.neg ? LEAF_YES : LEAF_NO, x.neg ? LEAF_NO : LEAF_YES);
		}
		default:
			return give_up(b);
		}
	}
	return give_up(b);
}

/* The root of the decoded signal function INS (LEN instructions), or
 * NO_DIAGRAM. The tests and nodes of a failed attempt are dropped. */
static int32_t build_diagram(vm *v, const vm_ins *ins, uint32_t len)
{
	const uint32_t ntests = v->ntests, nnodes = v->nnodes;
	diagram_builder b = { v, ins, len, 0, 0, false };
	const sym none[1] = { { false, false, 0, 0 } };
	const int32_t root = walk(&b, 0, none, 0);
	if (!b.failed)
		return root;
	v->ntests = ntests;
	v->nnodes = nnodes;
	return NO_DIAGRAM;
}

/* The value of definition F for this household, worked out once; SP is
 * free stack for running it. */
static vm_value def_value(vm *v, uint16_t f, vm_value *sp)
{
	if (v->memo_stamp[f] != v->stamp) {
		v->memo[f] = v->pred[f].kind == PRED_AGG_CMP ? aggregate_compared(v, &v->pred[f], sp)
							     : exec(v, f, sp);
		v->memo_stamp[f] = v->stamp;
	}
	return v->memo[f];
}

#define OPERAND(k) (in->a[k])

/* Runs function FN with its stack starting at SP. For the decision function
 * the result is meaningless; the decision is in v->decided. */
static vm_value exec(vm *v, uint16_t fn, vm_value *sp)
{
	const bc_program *p = v->p;
	const vm_ins *const code = v->ins + v->fn_first[fn];
	const vm_ins *ip = code;
	for (;;) {
		const vm_ins *in = ip++;
		if (in->op >= BC_OP_COUNT) {
			bool yes;
			switch (in->op) {
			case VM_SFIELD_CMP:
			case VM_HFACT_CMP: {
				const bc_const *k = &p->consts[OPERAND(1)];
				const vm_value x = in->op == VM_SFIELD_CMP ? signal_field(v, v->sig, OPERAND(0))
									   : household_fact(v, OPERAND(0));
				*sp++ = number(compare((enum bc_op)OPERAND(2), x, (vm_value){ k->num, k->text }));
				continue;
			}
			case VM_COUNTS_RULE:
				yes = count_signals(v, (enum bc_op)OPERAND(0), OPERAND(1), OPERAND(2), OPERAND(3),
						    OPERAND(4), sp).num != 0;
				if (v->trace)
					v->trace(v->trace_arg, OPERAND(5), yes);
				if (!yes)
					ip = code + OPERAND(6);
				continue;
			case VM_DEF_RULE:
				yes = def_value(v, OPERAND(0), sp).num != 0;
				if (v->trace)
					v->trace(v->trace_arg, OPERAND(1), yes);
				if (!yes)
					ip = code + OPERAND(2);
				continue;
			case VM_DEF_JIF:
			case VM_DEF_JIT:
				yes = def_value(v, OPERAND(0), sp).num != 0;
				if (yes == (in->op == VM_DEF_JIT))
					ip = code + OPERAND(1);
				continue;
			default:
				return number(0);
			}
		}
		const enum bc_op op = (enum bc_op)in->op;
		switch (op) {
		case BC_CONST: {
			const bc_const *k = &p->consts[OPERAND(0)];
			sp->num = k->num;
			sp->text = k->text;
			sp++;
			break;
		}
		case BC_SFIELD:
			*sp++ = signal_field(v, v->sig, OPERAND(0));
			break;
		case BC_OFIELD: {
			const vr_outcome *o = &v->h->outcomes[v->out];
			vm_value x = { VR_MISSING, NULL };
			if (OPERAND(0) == OF_OUTCOME)
				x.num = o->outcome;
			else
				x.text = o->signal_id;
			*sp++ = x;
			break;
		}
		case BC_HFACT:
			*sp++ = household_fact(v, OPERAND(0));
			break;
		case BC_SECTOR_TOTAL:
			*sp++ = number(sector_total(v, OPERAND(0)));
			break;
		case BC_DEF:
			*sp = def_value(v, OPERAND(0), sp);
			sp++;
			break;
		case BC_NOT:
			sp[-1].num = !sp[-1].num;
			break;
		case BC_EQ: case BC_NE: case BC_LT: case BC_LE: case BC_GT: case BC_GE:
		case BC_EQ_TEXT: case BC_NE_TEXT:
			sp--;
			sp[-1] = number(compare(op, sp[-1], sp[0]));
			break;
		case BC_BETWEEN: {
			sp -= 2;
			const int64_t x = sp[-1].num, lo = sp[0].num, hi = sp[1].num;
			sp[-1] = number(x != VR_MISSING && lo != VR_MISSING && hi != VR_MISSING && lo <= x && x <= hi);
			break;
		}
		case BC_IN_SET:
		case BC_IN_TEXT: {
			const uint16_t first = OPERAND(0), n = OPERAND(1);
			const vm_value x = sp[-1];
			bool found = false;
			for (uint16_t k = 0; k < n && !found; k++) {
				const bc_const *c = &p->consts[first + k];
				found = op == BC_IN_TEXT ? x.text && strcmp(x.text, c->text) == 0
							 : x.num != VR_MISSING && x.num == c->num;
			}
			sp[-1] = number(found);
			break;
		}
		case BC_IS_MISSING:
			sp[-1] = number(!sp[-1].text && sp[-1].num == VR_MISSING);
			break;
		case BC_JUMP:
			ip = code + OPERAND(0);
			break;
		case BC_JUMP_IF_FALSE:
			if (!(--sp)->num)
				ip = code + OPERAND(0);
			break;
		case BC_JUMP_IF_TRUE:
			if ((--sp)->num)
				ip = code + OPERAND(0);
			break;
		case BC_ANY: case BC_ALL: case BC_COUNT:
			*sp = count_signals(v, op, OPERAND(0), OPERAND(1), OPERAND(2), OPERAND(3), sp + 1);
			sp++;
			break;
		case BC_DISTINCT: case BC_SUM: case BC_MAX: case BC_MIN:
			*sp = aggregate(v, op, OPERAND(0), OPERAND(1), OPERAND(2), OPERAND(3), OPERAND(4), sp + 1);
			sp++;
			break;
		case BC_OANY: case BC_OALL: case BC_OCOUNT:
			*sp = outcome_aggregate(v, op, OPERAND(0), OPERAND(1), OPERAND(2), sp + 1);
			sp++;
			break;
		case BC_SAME: {
			const vm_value mine = signal_field(v, v->sig, OPERAND(0));
			bool found = false;
			size_t from, to;
			window(v, OPERAND(2), OPERAND(3), &from, &to);
			for (size_t i = from; i < to && !found; i++)
				found = i != v->sig && in_set(v, i, OPERAND(1)) &&
					same_value(signal_field(v, i, OPERAND(0)), mine);
			*sp++ = number(found);
			break;
		}
		case BC_RETURN:
			return sp[-1];
		case BC_RULE: {
			const bool applies = (--sp)->num;
			if (v->trace)
				v->trace(v->trace_arg, OPERAND(0), applies);
			if (!applies)
				ip = code + OPERAND(1);
			break;
		}
		case BC_DECIDE:
			v->decided = OPERAND(0);
			return number(0);
		case BC_COUNTED:
			if (!v->any_counted) {
				v->decided = BC_NONE;
				return number(0);
			}
			break;
		case BC_OP_COUNT:
			return number(0);
		}
	}
}

/* The status of a signal BACK months before the run month that passes
 * the floor or not. */
static uint8_t counted_status(int32_t back, bool floor)
{
	if (back < 0)   /* after the run month: ignored */
		return VM_SIGNAL_HISTORY_BELOW;
	if (back > 0)
		return floor ? VM_SIGNAL_HISTORY_COUNTED : VM_SIGNAL_HISTORY_BELOW;
	return floor ? VM_SIGNAL_COUNTED : VM_SIGNAL_BELOW_FLOOR;
}

/* The exclusion of a household none of whose current signals counts: a skip's
 * reason when every signal above the floor was skipped, else "not counted". */
static uint32_t not_counted_rule(const vm *v, size_t first_current)
{
	const bc_program *p = v->p;
	for (uint32_t k = 0; k < p->nskips; k++)
		for (size_t i = first_current; i < v->h->nsignals; i++)
			if (v->status[i] == VM_SIGNAL_SKIPPED && v->skip_rule[i] == p->skips[k])
				return p->skips[k];
	for (uint32_t r = 0; r < p->nrules; r++)
		if (p->rules[r].kind == RULE_NOT_COUNTED)
			return r;
	return 0;
}

void vm_decide(vm *v, const vr_household *h, vr_month month, vm_decision *out)
{
	const bc_program *p = v->p;
	v->h = h;
	set_firsts(v, month);
	v->month_first = v->firsts[1];
	if (++v->stamp == 0) {
		memset(v->memo_stamp, 0, sizeof *v->memo_stamp * p->nfns);
		v->stamp = 1;
	}
	if (!grow_signals(v, h->nsignals)) {
		/* Out of memory: decide on no signals rather than read past buffers. */
		static const vr_household none = { "", NULL, 0, NULL, 0 };
		h = v->h = &none;
	}

	/* Count: the floor for every signal, then the skips for current ones.
	 * A floor that runs as code may look at other signals (`same`), so it
	 * waits until every signal has its month and a status to be seen with;
	 * a diagram looks at its own signal only and goes along. */
	const size_t n = h->nsignals;
	const bool floor_alone = p->floor_fn == BC_NONE || v->root[p->floor_fn] != NO_DIAGRAM;
	size_t first_current = n;
	int level = v->max_back;   /* window_start[level + 1] is the next to find */
	for (size_t i = 0; i < n; i++) {
		const int32_t back = months_back(v, month, h->signals[i].received);
		v->months_back[i] = back;
		for (; level >= -1 && back <= level; level--)
			v->window_start[level + 1] = i;
		if (back == 0 && first_current == n)
			first_current = i;
		v->skip_rule[i] = BC_NONE;
		v->status[i] = floor_alone ? counted_status(back, holds(v, p->floor_fn, i, v->stack))
					   : VM_SIGNAL_COUNTED;
	}
	for (; level >= -1; level--)
		v->window_start[level + 1] = n;
	for (size_t i = 0; i < n && !floor_alone; i++)
		v->status[i] = counted_status(v->months_back[i], holds(v, p->floor_fn, i, v->stack));
	for (size_t i = first_current; i < n && p->nskips; i++) {
		if (v->status[i] != VM_SIGNAL_COUNTED || v->months_back[i] != 0)
			continue;
		for (uint32_t k = 0; k < p->nskips; k++)
			if (holds(v, p->rules[p->skips[k]].fn, i, v->stack)) {
				v->status[i] = VM_SIGNAL_SKIPPED;
				v->skip_rule[i] = p->skips[k];
				break;
			}
	}

	/* Facts of the household. Signals are sorted by (received, signal_id), so
	 * the latest current signal is the last. */
	v->arrears = 0;
	v->has_phone = v->has_email = v->any_counted = false;
	v->district = "";
	for (size_t i = first_current; i < h->nsignals && v->months_back[i] == 0; i++) {
		const vr_signal *s = &h->signals[i];
		if (v->status[i] == VM_SIGNAL_COUNTED) {
			v->arrears += s->arrears;
			v->any_counted = true;
		}
		v->has_phone = v->has_phone || s->has_phone;
		v->has_email = v->has_email || s->has_email;
		v->district = s->district;
	}

	v->decided = BC_NONE;
	exec(v, p->decision_fn, v->stack);
	if (v->decided == BC_NONE)
		v->decided = not_counted_rule(v, first_current);

	out->rule = v->decided;
	out->bucket = p->rules[v->decided].kind == RULE_BUCKET ? p->rules[v->decided].bucket : -1;
	out->arrears = v->arrears;
	out->has_phone = v->has_phone;
	out->has_email = v->has_email;
	out->district = v->district;
	out->keys = v->keys;
	out->labels = v->labels;
	if (out->bucket < 0) {
		for (uint32_t l = 0; l < p->nlabels; l++)
			v->labels[l] = (vm_value){ VR_MISSING, NULL };
		return;
	}
	for (uint32_t l = 0; l < p->nlabels; l++)
		v->labels[l] = vm_eval(v, p->labels[l].fn);
	for (uint32_t slot = 0; slot < v->nslots; slot++)
		v->keys[slot] = vm_eval(v, v->key_fn[slot]).num;
}

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

vm_value vm_eval(vm *v, uint16_t fn)
{
	if (v->pred[fn].kind == PRED_FACT)
		return household_fact(v, v->pred[fn].field);
	if (v->memo_stamp[fn] == v->stamp)
		return v->memo[fn];
	const vm_value x = exec(v, fn, v->stack);
	v->memo[fn] = x;
	v->memo_stamp[fn] = v->stamp;
	return x;
}
