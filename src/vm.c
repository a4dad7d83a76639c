/* vm.c - the evaluator. Runs verified code only (bc_verify proved operands,
 * jumps and stack depths), so the loop checks nothing per instruction. A
 * household is evaluated in three steps: count its signals (floor, skips),
 * compute its facts, run the decision function; then, for a household in a
 * bucket, its labels and the order keys of every bucket it might enter. The
 * vm and the code it runs are made by vm_prepare.c (vm_new), which this file
 * never calls: the flow goes one way. */
#include "vm_impl.h"

#include <stdlib.h>
#include <string.h>

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

HOT vm_value signal_value(const vm *v, size_t i, unsigned field)
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

/* *ACC += X for a sum of money or counts. One that does not fit marks the
 * household's decision void (vm_decide returns false) and stays at the
 * largest value, so what runs on is defined. (Counts of signals and
 * outcomes need no check: they are at most the household's number of them.) */
HOT void add_checked(vm *v, int64_t *acc, int64_t x)
{
	if (!vr_add_checked(acc, x)) {
		v->overflow = true;
		*acc = x < 0 ? INT64_MIN + 1 : INT64_MAX;
	}
}

HOT bool pred_holds(const vm *v, const vm_pred *pr, size_t i)
{
	return value_holds(v, pr, signal_value(v, i, pr->field));
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
			const vm_value x = signal_value(v, i, field);
			bool seen = false;
			for (size_t j = from; j < i && !seen; j++)
				if (in_set(v, j, set) && holds(v, fn, j, sp))
					seen = same_value(signal_value(v, j, field), x);
			acc += !seen;
			break;
		}
		case BC_SUM:
		case BC_MAX:
		case BC_MIN: {
			if (!ok)
				break;
			const int64_t x = signal_value(v, i, field).num;
			if (x == VR_MISSING)
				break;
			if (op == BC_SUM)
				add_checked(v, &acc, x);
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

static int64_t sector_total(vm *v, unsigned sector)
{
	int64_t total = 0;
	for (size_t i = 0; i < v->h->nsignals; i++)
		if (v->status[i] == VM_SIGNAL_COUNTED && v->h->signals[i].sector == sector)
			add_checked(v, &total, v->h->signals[i].arrears);
	return total;
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
				const vm_value x = in->op == VM_SFIELD_CMP ? signal_value(v, v->sig, OPERAND(0))
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
			*sp++ = signal_value(v, v->sig, OPERAND(0));
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
			if (!(--sp)->num) {
				ip = code + OPERAND(0);
				v->jumped = in;
			}
			break;
		case BC_JUMP_IF_TRUE:
			if ((--sp)->num) {
				ip = code + OPERAND(0);
				v->jumped = in;
			}
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
			const vm_value mine = signal_value(v, v->sig, OPERAND(0));
			bool found = false;
			size_t from, to;
			window(v, OPERAND(2), OPERAND(3), &from, &to);
			for (size_t i = from; i < to && !found; i++)
				found = i != v->sig && in_set(v, i, OPERAND(1)) &&
					same_value(signal_value(v, i, OPERAND(0)), mine);
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

bool vm_decide(vm *v, const vr_household *h, vr_month month, vm_decision *out)
{
	const bc_program *p = v->p;
	v->h = h;
	v->overflow = false;
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
			add_checked(v, &v->arrears, s->arrears);
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
	/* A bucket rule's bucket, or a skip's when it gives one. */
	const bc_rule *decided = &p->rules[v->decided];
	out->bucket = decided->kind == RULE_BUCKET || decided->kind == RULE_SKIPPED ? decided->bucket : -1;
	out->arrears = v->arrears;
	out->has_phone = v->has_phone;
	out->has_email = v->has_email;
	out->district = v->district;
	out->first_received = first_current < n ? h->signals[first_current].received : VR_DATE_NONE;
	out->keys = v->keys;
	out->labels = v->labels;
	if (out->bucket < 0) {
		for (uint32_t l = 0; l < p->nlabels; l++)
			v->labels[l] = (vm_value){ VR_MISSING, NULL };
		return !v->overflow;
	}
	for (uint32_t l = 0; l < p->nlabels; l++)
		v->labels[l] = vm_eval(v, p->labels[l].fn);
	for (uint32_t slot = 0; slot < v->nslots; slot++)
		v->keys[slot] = vm_eval(v, v->key_fn[slot]).num;
	return !v->overflow;
}

uint32_t vm_floor_line(vm *v, const vr_household *h, size_t i)
{
	const bc_program *p = v->p;
	if (!v->no_shortcuts || p->floor_fn == BC_NONE || i >= h->nsignals || h->nsignals > v->sig_cap)
		return 0;
	v->h = h;
	/* Run as vm_decide ran it: every signal still counted (a floor's `same`
	 * looks at the others). */
	uint8_t *status = malloc(h->nsignals);
	if (!status)
		return 0;
	memcpy(status, v->status, h->nsignals);
	memset(v->status, VM_SIGNAL_COUNTED, h->nsignals);
	v->jumped = NULL;
	const size_t saved = v->sig;
	v->sig = i;
	const bool passes = exec(v, p->floor_fn, v->stack).num == 1;
	v->sig = saved;
	memcpy(v->status, status, h->nsignals);
	free(status);
	if (passes)
		return 0;
	/* The statements are joined by jumps to "fails": the last one taken is
	 * in the statement that failed (none: the floor has one statement).
	 * Without shortcuts, instruction k of the function is its k-th in the
	 * bytecode. */
	const bc_function *f = &p->fns[p->floor_fn];
	const uint32_t k = v->jumped ? (uint32_t)(v->jumped - (v->ins + v->fn_first[p->floor_fn])) : 0;
	uint32_t pc = 0;
	for (uint32_t j = 0; j < k && pc < f->len; j++)
		pc += 1 + 2 * (uint32_t)bc_ops[p->code[f->start + pc]].operands;
	return bc_line_at(p, f->start + pc);
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
