/* vm_prepare.c - makes a vm for a program (vm_new, vm_free): its buffers,
 * and what the VM does with the program before it runs it
 * (docs/bytecode.md): decodes the code once, fuses common runs of
 * instructions, threads jumps, and finds the functions it can answer
 * without running them: simple definitions and order keys, and signal
 * conditions made of one-field tests, which become decision diagrams.
 * vm.c runs what this file makes and calls nothing of it. */
#include "vm_impl.h"

#include <stdlib.h>

static int32_t build_diagram(vm *v, const vm_ins *ins, uint32_t len);

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

/* Decodes P's code into V->ins and makes the shortcuts vm_new_plain (vm.h)
 * goes without (none when V->no_shortcuts): fused instructions, threaded
 * jumps, functions answered without running, signal functions as decision
 * diagrams; sets V->max_back and the window table. False out of memory. P is
 * verified: whole instructions, jumps to instruction starts within their
 * function. */
static bool prepare(vm *v, const bc_program *p)
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
	/* A node names its test in 16 bits: past that, no more diagrams. */
	if (b->v->ntests >= UINT16_MAX)
		return give_up(b);
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

/* --------------------------------------------------------- the vm -- */

static vm *make_vm(const bc_program *p, bool no_shortcuts)
{
	vm *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->p = p;
	v->no_shortcuts = no_shortcuts;
	if (!prepare(v, p)) {
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
