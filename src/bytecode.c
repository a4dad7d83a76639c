/* bytecode.c - the opcode table, the verifier and the .vrb file format.
 * bc_verify proves a program safe before the VM runs it (bounds, operands,
 * jumps, stack depths, call nesting, table consistency); bc_read parses a file
 * without ever reading outside it or allocating more than its bytes justify,
 * then verifies what it parsed; it reads format 1 (before named numbers,
 * contact terms and feedback codes) and 2, and writes 2. Nothing here
 * prints: problems go to the diag. */
#include "bytecode.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "calendar.h"
#include "fields.h"
#include "types.h"

const bc_opinfo bc_ops[BC_OP_COUNT] = {
#define BC_INFO(name, nops, pops, pushes, doc) [BC_##name] = { #name, nops, pops, pushes, doc },
	BC_OPCODES(BC_INFO)
#undef BC_INFO
};

enum {
	MAX_MONTHS_BACK = 1200,   /* a window or the lookback reaches 100 years at most */
	MONTH_MIN = 1800 * 12,    /* the months vr_month_parse accepts */
	MONTH_MAX = 9999 * 12 + 11
};

void bc_program_free(bc_program *p)
{
	if (!p)
		return;
	free(p->policy_name);
	free(p->policy_version);
	free(p->source_name);
	if (p->consts)
		for (uint32_t i = 0; i < p->nconsts; i++)
			free((char *)p->consts[i].text);
	free(p->consts);
	free(p->fns);
	free(p->code);
	free(p->lines);
	free(p->buckets);
	free(p->rules);
	free(p->labels);
	free(p->skips);
	free(p->defs);
	free(p->params);
	memset(p, 0, sizeof *p);
}

uint32_t bc_line_at(const bc_program *p, uint32_t pc)
{
	/* The last entry at or before PC: lines are sorted by pc (verified). */
	uint32_t lo = 0, hi = p->nlines;
	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;
		if (p->lines[mid].pc <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? 0 : p->lines[lo - 1].line;
}

uint32_t bc_crc32(const uint8_t *data, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xFFFFFFFFu;
}

/* ---- verification ---- */

typedef struct vctx {
	bc_program *p;
	diag *d;
	const char *name;     /* the file, or the program's source, for messages */
	const char *what;     /* "corrupted: " or "invalid bytecode: " */
	uint8_t *role;        /* per function: ROLE_* bits from the tables */
	uint8_t *nest;        /* per function: its call depth, once verified */
	int16_t *depth;       /* per offset of the function being verified */
	uint32_t *texts;      /* texts[c]: how many of constants 0..c-1 are text */
} vctx;

enum { ROLE_FLOOR = 1, ROLE_SKIP = 2 };
enum { NOT_START = -2, UNREACHED = -1 };

static bool fail(const vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(const vctx *v, const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_error(v->d, "%s: %s%s", v->name, v->what, msg);
	return false;
}

/* "a signal function": the kind with its article, for messages. */
static const char *kind_name(unsigned kind)
{
	switch ((enum bc_fn_kind)kind) {
	case FN_DECISION: return "the decision";
	case FN_SIGNAL: return "a signal";
	case FN_OUTCOME: return "an outcome";
	case FN_HOUSEHOLD: return "a household";
	}
	return "an unknown";
}

static bool is_text(const bc_program *p, uint32_t c)
{
	return c < p->nconsts && p->consts[c].text != NULL;
}

static bool is_fn(const bc_program *p, uint32_t f, enum bc_fn_kind kind)
{
	return f < p->nfns && p->fns[f].kind == kind;
}

/* Where an instruction is, for messages: "fn 3 at 12 (JUMP)". */
typedef struct at {
	uint32_t fn, pc;
	const char *op;
} at;

#define AT_FMT "fn %u at %u (%s): "
#define AT_ARGS(a) (a).fn, (a).pc, (a).op

static bool check_window(const vctx *v, at a, uint16_t lo, uint16_t hi)
{
	if (lo > hi)
		return fail(v, AT_FMT "window months %u..%u is backwards", AT_ARGS(a), lo, hi);
	if (hi > v->p->lookback)
		return fail(v, AT_FMT "window reaches %u months back, beyond the program's lookback of %u",
			    AT_ARGS(a), hi, v->p->lookback);
	return true;
}

static bool check_set(const vctx *v, at a, uint16_t set)
{
	if (set > SET_FLOOR)
		return fail(v, AT_FMT "signal set %u does not exist", AT_ARGS(a), set);
	return true;
}

/* A function operand: an earlier function of KIND (or BC_NONE when allowed);
 * raises the caller's call depth to one more than the callee's. */
static bool check_call(const vctx *v, at a, uint16_t f, enum bc_fn_kind kind, bool none_ok)
{
	if (f == BC_NONE) {
		if (none_ok)
			return true;
		return fail(v, AT_FMT "needs a function, not \"every %s\"", AT_ARGS(a),
			    kind == FN_OUTCOME ? "outcome" : "signal");
	}
	if (f >= a.fn)
		return fail(v, AT_FMT "refers to fn %u; a function may only use functions before it",
			    AT_ARGS(a), f);
	if (v->p->fns[f].kind != kind)
		return fail(v, AT_FMT "refers to fn %u, %s function; it needs %s function",
			    AT_ARGS(a), f, kind_name(v->p->fns[f].kind), kind_name(kind));
	if (v->nest[a.fn] < v->nest[f] + 1)
		v->nest[a.fn] = (uint8_t)(v->nest[f] + 1);
	if (v->nest[a.fn] > BC_MAX_NESTING)
		return fail(v, AT_FMT "functions nest more than %d deep", AT_ARGS(a), BC_MAX_NESTING);
	return true;
}

static bool is_numeric_field(uint16_t f)
{
	return f == SF_ARREARS || f == SF_INSTALLMENT || f == SF_INSTALLMENTS_MISSED ||
	       f == SF_DAYS_OVERDUE || f == SF_AGE || f == SF_MONTH;
}

/* Checks the operands of the instruction at offset A.pc of function A.fn, and
 * that its opcode may appear in a function of that kind. */
static bool check_operands(const vctx *v, at a, enum bc_op op, uint32_t abs)
{
	const bc_program *p = v->p;
	const unsigned kind = p->fns[a.fn].kind;
	uint16_t o[5] = { 0 };
	for (int k = 0; k < bc_ops[op].operands; k++)
		o[k] = bc_operand(p->code, abs + 1 + 2 * (uint32_t)k);
	const bool household = kind == FN_HOUSEHOLD || kind == FN_DECISION;

	switch (op) {
	case BC_CONST:
		if (o[0] >= p->nconsts)
			return fail(v, AT_FMT "constant %u does not exist (%u constants)", AT_ARGS(a), o[0], p->nconsts);
		return true;
	case BC_SFIELD:
		if (kind != FN_SIGNAL)
			return fail(v, AT_FMT "belongs only in signal functions", AT_ARGS(a));
		if (o[0] >= SF_COUNT)
			return fail(v, AT_FMT "signal field %u does not exist", AT_ARGS(a), o[0]);
		return true;
	case BC_OFIELD:
		if (kind != FN_OUTCOME)
			return fail(v, AT_FMT "belongs only in outcome functions", AT_ARGS(a));
		if (o[0] >= OF_COUNT)
			return fail(v, AT_FMT "outcome field %u does not exist", AT_ARGS(a), o[0]);
		return true;
	case BC_HFACT:
		if (!household)
			return fail(v, AT_FMT "belongs only in household and decision functions", AT_ARGS(a));
		if (o[0] >= HF_COUNT)
			return fail(v, AT_FMT "household fact %u does not exist", AT_ARGS(a), o[0]);
		return true;
	case BC_SECTOR_TOTAL:
		if (!household)
			return fail(v, AT_FMT "belongs only in household and decision functions", AT_ARGS(a));
		if (o[0] >= SECTOR_COUNT)
			return fail(v, AT_FMT "sector %u does not exist", AT_ARGS(a), o[0]);
		return true;
	case BC_DEF:
		if (!household)
			return fail(v, AT_FMT "belongs only in household and decision functions", AT_ARGS(a));
		return check_call(v, a, o[0], FN_HOUSEHOLD, false);
	case BC_ANY:
	case BC_ALL:
	case BC_COUNT:
		if (!household)
			return fail(v, AT_FMT "belongs only in household and decision functions", AT_ARGS(a));
		return check_call(v, a, o[0], FN_SIGNAL, op == BC_COUNT) && check_set(v, a, o[1]) &&
		       check_window(v, a, o[2], o[3]);
	case BC_DISTINCT:
	case BC_SUM:
	case BC_MAX:
	case BC_MIN:
		if (!household)
			return fail(v, AT_FMT "belongs only in household and decision functions", AT_ARGS(a));
		if (o[0] >= SF_COUNT)
			return fail(v, AT_FMT "signal field %u does not exist", AT_ARGS(a), o[0]);
		if (op != BC_DISTINCT && !is_numeric_field(o[0]))
			return fail(v, AT_FMT "signal field %s is not a number", AT_ARGS(a), fields_signal[o[0]].name);
		return check_call(v, a, o[1], FN_SIGNAL, true) && check_set(v, a, o[2]) &&
		       check_window(v, a, o[3], o[4]);
	case BC_OANY:
	case BC_OALL:
	case BC_OCOUNT:
		if (!household)
			return fail(v, AT_FMT "belongs only in household and decision functions", AT_ARGS(a));
		return check_call(v, a, o[0], FN_OUTCOME, op == BC_OCOUNT) && check_window(v, a, o[1], o[2]);
	case BC_SAME:
		if (kind != FN_SIGNAL)
			return fail(v, AT_FMT "belongs only in signal functions", AT_ARGS(a));
		if (o[0] >= SF_COUNT)
			return fail(v, AT_FMT "signal field %u does not exist", AT_ARGS(a), o[0]);
		/* The floor decides what is above the floor and counted, and a skip
		 * what is counted: neither may depend on its own result. */
		if (v->role[a.fn] & ROLE_FLOOR)
			return fail(v, AT_FMT "the floor function cannot compare with other signals", AT_ARGS(a));
		if ((v->role[a.fn] & ROLE_SKIP) && o[1] == SET_COUNTED)
			return fail(v, AT_FMT "a skip function cannot look at the counted signals", AT_ARGS(a));
		return check_set(v, a, o[1]) && check_window(v, a, o[2], o[3]);
	case BC_IN_SET:
	case BC_IN_TEXT:
		if (o[1] == 0)
			return fail(v, AT_FMT "an empty set", AT_ARGS(a));
		if ((uint32_t)o[0] + o[1] > p->nconsts)
			return fail(v, AT_FMT "constants %u..%u do not exist (%u constants)", AT_ARGS(a),
				    o[0], (unsigned)o[0] + o[1] - 1, p->nconsts);
		/* Counted, not scanned: a hostile file may repeat a set of 65535. */
		const uint32_t texts = v->texts[o[0] + o[1]] - v->texts[o[0]];
		if (texts == (op == BC_IN_TEXT ? o[1] : 0u))
			return true;
		for (uint32_t c = o[0];; c++)
			if (is_text(p, c) != (op == BC_IN_TEXT))
				return fail(v, AT_FMT "constant %u is not %s", AT_ARGS(a), c,
					    op == BC_IN_TEXT ? "text" : "a number");
	case BC_RULE:
	case BC_DECIDE:
		if (kind != FN_DECISION)
			return fail(v, AT_FMT "belongs only in the decision function", AT_ARGS(a));
		if (o[0] >= p->nrules)
			return fail(v, AT_FMT "rule %u does not exist (%u rules)", AT_ARGS(a), o[0], p->nrules);
		return true;
	case BC_COUNTED:
		if (kind != FN_DECISION)
			return fail(v, AT_FMT "belongs only in the decision function", AT_ARGS(a));
		return true;
	case BC_RETURN:
		if (kind == FN_DECISION)
			return fail(v, AT_FMT "the decision function ends in DECIDE, not RETURN", AT_ARGS(a));
		return true;
	case BC_NOT: case BC_EQ: case BC_NE: case BC_LT: case BC_LE: case BC_GT: case BC_GE:
	case BC_EQ_TEXT: case BC_NE_TEXT: case BC_BETWEEN: case BC_IS_MISSING:
	case BC_JUMP: case BC_JUMP_IF_FALSE: case BC_JUMP_IF_TRUE:
		return true;   /* jumps are checked with the stack, once every start is known */
	case BC_OP_COUNT:
		break;         /* refused before: not an opcode */
	}
	return fail(v, AT_FMT "unknown opcode", AT_ARGS(a));
}

/* Records depth D at offset TARGET, reached from the instruction at A. */
static bool flow_to(const vctx *v, at a, uint32_t target, uint32_t len, int d)
{
	if (target >= len)
		return fail(v, AT_FMT "jump to %u, outside the function (%u bytes)", AT_ARGS(a), target, len);
	if (target <= a.pc)
		return fail(v, AT_FMT "jump back to %u; jumps only go forward", AT_ARGS(a), target);
	if (v->depth[target] == NOT_START)
		return fail(v, AT_FMT "jump to %u, inside an instruction", AT_ARGS(a), target);
	if (v->depth[target] == UNREACHED)
		v->depth[target] = (int16_t)d;
	else if (v->depth[target] != d)
		return fail(v, AT_FMT "reaches %u with %d values on the stack, another path with %d",
			    AT_ARGS(a), target, d, v->depth[target]);
	return true;
}

/* Follows every path through function I in offset order (jumps only go
 * forward, so every way into an instruction is seen before it). */
static bool check_stack(vctx *v, uint32_t i)
{
	bc_function *f = &v->p->fns[i];
	const uint8_t *code = v->p->code + f->start;
	int max = 0;
	v->depth[0] = 0;
	for (uint32_t pc = 0; pc < f->len;) {
		const enum bc_op op = (enum bc_op)code[pc];
		const at a = { i, pc, bc_ops[op].name };
		const uint32_t next = pc + 1 + 2 * (uint32_t)bc_ops[op].operands;
		const int d = v->depth[pc];
		if (d == UNREACHED)
			return fail(v, AT_FMT "no path reaches this instruction", AT_ARGS(a));
		if (d < bc_ops[op].pops)
			return fail(v, AT_FMT "pops %d, the stack holds %d", AT_ARGS(a), bc_ops[op].pops, d);
		const int nd = d - bc_ops[op].pops + bc_ops[op].pushes;
		if (nd > BC_MAX_STACK)
			return fail(v, AT_FMT "the stack grows beyond %d values", AT_ARGS(a), BC_MAX_STACK);
		if (nd > max)
			max = nd;
		bool falls = true;
		switch (op) {
		case BC_JUMP:
			if (!flow_to(v, a, bc_operand(code, pc + 1), f->len, nd))
				return false;
			falls = false;
			break;
		case BC_JUMP_IF_FALSE:
		case BC_JUMP_IF_TRUE:
			if (!flow_to(v, a, bc_operand(code, pc + 1), f->len, nd))
				return false;
			break;
		case BC_RULE:
			if (nd != 0)
				return fail(v, AT_FMT "leaves %d on the stack; each rule starts on an empty one", AT_ARGS(a), nd);
			if (!flow_to(v, a, bc_operand(code, pc + 3), f->len, nd))
				return false;
			break;
		case BC_RETURN:
			if (d != 1)
				return fail(v, AT_FMT "needs exactly one value on the stack, has %d", AT_ARGS(a), d);
			falls = false;
			break;
		case BC_DECIDE:
		case BC_COUNTED:
			if (d != 0)
				return fail(v, AT_FMT "needs an empty stack, has %d values", AT_ARGS(a), d);
			falls = op != BC_DECIDE;
			break;
		case BC_CONST: case BC_SFIELD: case BC_OFIELD: case BC_HFACT: case BC_SECTOR_TOTAL:
		case BC_DEF: case BC_NOT: case BC_EQ: case BC_NE: case BC_LT: case BC_LE: case BC_GT:
		case BC_GE: case BC_EQ_TEXT: case BC_NE_TEXT: case BC_BETWEEN: case BC_IN_SET:
		case BC_IN_TEXT: case BC_IS_MISSING: case BC_ANY: case BC_ALL: case BC_COUNT:
		case BC_DISTINCT: case BC_SUM: case BC_MAX: case BC_MIN: case BC_OANY: case BC_OALL:
		case BC_OCOUNT: case BC_SAME:
			break;
		case BC_OP_COUNT:
			return fail(v, AT_FMT "unknown opcode", AT_ARGS(a));
		}
		if (falls) {
			if (next >= f->len)
				return fail(v, AT_FMT "runs off the end of the function", AT_ARGS(a));
			if (v->depth[next] == UNREACHED)
				v->depth[next] = (int16_t)nd;
			else if (v->depth[next] != nd)
				return fail(v, AT_FMT "reaches %u with %d values on the stack, another path with %d",
					    AT_ARGS(a), next, nd, v->depth[next]);
		}
		pc = next;
	}
	f->max_stack = (uint16_t)max;
	return true;
}

/* Decodes function I, checks every operand, then every path's stack. */
static bool verify_fn(vctx *v, uint32_t i)
{
	const bc_program *p = v->p;
	const bc_function *f = &p->fns[i];
	for (uint32_t k = 0; k < f->len; k++)
		v->depth[k] = NOT_START;
	v->nest[i] = 1;
	for (uint32_t pc = 0; pc < f->len;) {
		const uint8_t op = p->code[f->start + pc];
		if (op >= BC_OP_COUNT)
			return fail(v, "fn %u at %u: unknown opcode %u", i, pc, op);
		const at a = { i, pc, bc_ops[op].name };
		const uint32_t size = 1 + 2 * (uint32_t)bc_ops[op].operands;
		if (size > f->len - pc)
			return fail(v, AT_FMT "operands run past the end of the function", AT_ARGS(a));
		v->depth[pc] = UNREACHED;
		if (!check_operands(v, a, (enum bc_op)op, f->start + pc))
			return false;
		pc += size;
	}
	return check_stack(v, i);
}

/* Functions own disjoint code, so verifying them all is linear in the code
 * (a hostile file cannot make each of many functions span all of it). */
static bool check_disjoint(const vctx *v)
{
	const bc_program *p = v->p;
	if (p->ncode == 0)
		return true;
	uint16_t *owner = malloc(sizeof *owner * p->ncode);
	if (!owner)
		return fail(v, "out of memory");
	for (uint32_t k = 0; k < p->ncode; k++)
		owner[k] = BC_NONE;
	bool ok = true;
	for (uint32_t i = 0; i < p->nfns && ok; i++)
		for (uint32_t k = p->fns[i].start; k < p->fns[i].start + p->fns[i].len && ok; k++) {
			if (owner[k] != BC_NONE)
				ok = fail(v, "fn %u: its code overlaps fn %u's", i, owner[k]);
			owner[k] = (uint16_t)i;
		}
	free(owner);
	return ok;
}

static bool check_header_and_fns(const vctx *v)
{
	const bc_program *p = v->p;
	if (p->lookback > MAX_MONTHS_BACK)
		return fail(v, "lookback of %u months is more than %d", p->lookback, MAX_MONTHS_BACK);
	if (p->effective != -1 && (p->effective < MONTH_MIN || p->effective > MONTH_MAX))
		return fail(v, "effective month %ld is not a month between 1800 and 9999", (long)p->effective);
	/* Operands reach BC_MAX_TABLE entries of each table (bytecode.h). */
	if (p->nconsts > BC_MAX_TABLE)
		return fail(v, "%u constants; at most %d", p->nconsts, BC_MAX_TABLE);
	if (p->nfns > BC_MAX_TABLE)
		return fail(v, "%u functions; at most %d", p->nfns, BC_MAX_TABLE);
	if (p->nrules > BC_MAX_TABLE)
		return fail(v, "%u rules; at most %d", p->nrules, BC_MAX_TABLE);
	uint32_t decisions = 0;
	for (uint32_t i = 0; i < p->nfns; i++) {
		const bc_function *f = &p->fns[i];
		if (f->kind > FN_HOUSEHOLD)
			return fail(v, "fn %u: kind %u does not exist", i, f->kind);
		if (f->type > TY_NUMBER)
			return fail(v, "fn %u: type %u does not exist", i, f->type);
		if (f->len == 0)
			return fail(v, "fn %u: empty", i);
		if (f->len > BC_MAX_CODE)
			return fail(v, "fn %u: %u bytes of code; at most %d", i, f->len, BC_MAX_CODE);
		if (f->start > p->ncode || f->len > p->ncode - f->start)
			return fail(v, "fn %u: bytes %u..+%u lie outside the code (%u bytes)", i, f->start, f->len, p->ncode);
		if (f->name != BC_NONE && !is_text(p, f->name))
			return fail(v, "fn %u: its name, constant %u, is not text", i, f->name);
		decisions += f->kind == FN_DECISION;
	}
	if (decisions != 1)
		return fail(v, "%u decision functions; a program has exactly one", decisions);
	if (!check_disjoint(v))
		return false;
	if (!is_fn(p, p->decision_fn, FN_DECISION))
		return fail(v, "decision_fn %u is not the decision function", p->decision_fn);
	if (p->floor_fn != BC_NONE && !is_fn(p, p->floor_fn, FN_SIGNAL))
		return fail(v, "floor_fn %u is not a signal function", p->floor_fn);
	return true;
}

static bool check_order(const vctx *v, uint32_t b, const char *which, const bc_order_key *keys, unsigned n)
{
	if (n > BC_MAX_ORDER)
		return fail(v, "bucket %u: %u %s keys; at most %d", b, n, which, BC_MAX_ORDER);
	for (unsigned k = 0; k < n; k++) {
		if (!is_fn(v->p, keys[k].fn, FN_HOUSEHOLD))
			return fail(v, "bucket %u: %s key %u, fn %u, is not a household function", b, which, k, keys[k].fn);
		if (keys[k].descending > 1)
			return fail(v, "bucket %u: %s key %u: descending is %u, not 0 or 1", b, which, k, keys[k].descending);
	}
	return true;
}

static int32_t bucket_edge(const bc_bucket *b, unsigned e)
{
	switch (e) {
	case 0: return b->overflow;
	case 1: return b->without_phone;
	case 2: return b->without_email;
	default: return b->backfill_from;
	}
}

/* Overflows, redirects and back-fills may not lead back to where they started
 * (buckets are filled in the order households flow through them). Depth-first
 * search with an explicit stack: a hostile file may chain many buckets. */
static bool check_bucket_graph(const vctx *v)
{
	const bc_program *p = v->p;
	const uint32_t n = p->nbuckets;
	if (n == 0)
		return true;
	uint8_t *state = calloc(n, 2);          /* [0,n): 0 new, 1 open, 2 done; [n,2n): next edge */
	uint32_t *stack = malloc(sizeof *stack * n);
	if (!state || !stack) {
		free(state);
		free(stack);
		return fail(v, "out of memory");
	}
	uint8_t *edge = state + n;
	bool ok = true;
	for (uint32_t s = 0; s < n && ok; s++) {
		if (state[s])
			continue;
		uint32_t top = 0;
		stack[top++] = s;
		state[s] = 1;
		while (top > 0 && ok) {
			const uint32_t b = stack[top - 1];
			if (edge[b] == 4) {
				state[b] = 2;
				top--;
				continue;
			}
			const int32_t t = bucket_edge(&p->buckets[b], edge[b]++);
			if (t < 0)
				continue;
			if (state[t] == 1)
				ok = fail(v, "bucket %u: its overflow, redirects and back-fill lead back to bucket %u", b, (unsigned)t);
			else if (state[t] == 0) {
				state[t] = 1;
				stack[top++] = (uint32_t)t;
			}
		}
	}
	free(state);
	free(stack);
	return ok;
}

static bool check_target(const vctx *v, uint32_t b, const char *which, int32_t t)
{
	if (t != -1 && (t < 0 || (uint32_t)t >= v->p->nbuckets))
		return fail(v, "bucket %u: %s target %ld does not exist", b, which, (long)t);
	return true;
}

static bool check_buckets(const vctx *v)
{
	const bc_program *p = v->p;
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const bc_bucket *k = &p->buckets[b];
		if (!is_text(p, k->name))
			return fail(v, "bucket %u: its name, constant %u, is not text", b, k->name);
		if (k->capacity < -1)
			return fail(v, "bucket %u: capacity %lld", b, (long long)k->capacity);
		if (!check_target(v, b, "overflow", k->overflow) ||
		    !check_target(v, b, "without-phone", k->without_phone) ||
		    !check_target(v, b, "without-email", k->without_email) ||
		    !check_target(v, b, "back-fill", k->backfill_from))
			return false;
		if (k->spread > SPREAD_DISTRICT_ROTATING)
			return fail(v, "bucket %u: spread %u does not exist", b, k->spread);
		if (k->no_follow_up > 1)
			return fail(v, "bucket %u: no_follow_up is %u, not 0 or 1", b, k->no_follow_up);
		if (k->feedback >= FEEDBACK_COUNT)
			return fail(v, "bucket %u: feedback code %u does not exist", b, k->feedback);
		if (k->term_unit >= CAL_UNIT_COUNT)
			return fail(v, "bucket %u: term unit %u does not exist", b, k->term_unit);
		if (k->term_unit == CAL_NONE ? k->term != 0
		    : k->term < 1 || k->term > cal_max_term((enum cal_unit)k->term_unit))
			return fail(v, "bucket %u: a term of %u %s", b, k->term,
				    cal_unit_words((enum cal_unit)k->term_unit, k->term));
		if (k->term_unit != CAL_NONE && k->no_follow_up)
			return fail(v, "bucket %u: no follow-up, yet a contact term", b);
		if (k->capacity_param) {
			const uint32_t i = k->capacity_param - 1u;
			if (i >= p->nparams)
				return fail(v, "bucket %u: named number %u does not exist", b, i);
			const bc_param *q = &p->params[i];
			if (q->kind != TY_COUNT || q->value != k->capacity)
				return fail(v, "bucket %u: capacity %lld is not named number %u (%lld)", b,
					    (long long)k->capacity, i, (long long)q->value);
		}
		if (!check_order(v, b, "order", k->order, k->norder) ||
		    !check_order(v, b, "back-fill order", k->backfill_order, k->nbackfill_order))
			return false;
	}
	return check_bucket_graph(v);
}

/* The rules' table, and the tables that count its rules: one not-counted
 * exclusion (a household none of whose signals counts gets it), and the
 * skips listing exactly the skip rules, in order (each names the reason
 * of the households its skip leaves with nothing counted). */
static bool check_rules(const vctx *v)
{
	const bc_program *p = v->p;
	uint32_t not_counted = 0, skips = 0;
	for (uint32_t r = 0; r < p->nrules; r++) {
		not_counted += p->rules[r].kind == RULE_NOT_COUNTED;
		if (p->rules[r].kind == RULE_SKIPPED &&
		    (skips >= p->nskips || p->skips[skips++] != r))
			return fail(v, "rule %u: a skip rule that the skips do not list in rule order", r);
	}
	if (not_counted != 1)
		return fail(v, "%u not-counted rules; a program has exactly one", not_counted);
	if (skips != p->nskips)
		return fail(v, "%u skips listed for %u skip rules", p->nskips, skips);
	for (uint32_t r = 0; r < p->nrules; r++) {
		const bc_rule *k = &p->rules[r];
		if (k->kind > RULE_BUCKET)
			return fail(v, "rule %u: kind %u does not exist", r, k->kind);
		if (k->feedback >= FEEDBACK_COUNT)
			return fail(v, "rule %u: feedback code %u does not exist", r, k->feedback);
		if (k->feedback && (k->kind == RULE_NOT_COUNTED || k->kind == RULE_BUCKET))
			return fail(v, "rule %u: only exclusions and skips state a feedback code", r);
		if (k->kind == RULE_BUCKET) {
			if (k->bucket < 0 || (uint32_t)k->bucket >= p->nbuckets)
				return fail(v, "rule %u: bucket %ld does not exist", r, (long)k->bucket);
			continue;
		}
		/* A skip may send its households to a bucket; an older vroeg
		 * refuses such a program here rather than exclude them. */
		if (k->kind == RULE_SKIPPED && k->bucket != -1 && (k->bucket < 0 || (uint32_t)k->bucket >= p->nbuckets))
			return fail(v, "rule %u: bucket %ld does not exist", r, (long)k->bucket);
		if (k->kind != RULE_SKIPPED && k->bucket != -1)
			return fail(v, "rule %u: an exclusion has bucket -1, not %ld", r, (long)k->bucket);
		if (!is_text(p, k->reason))
			return fail(v, "rule %u: its reason, constant %u, is not text", r, k->reason);
		if (k->kind == RULE_SKIPPED) {
			if (!is_fn(p, k->fn, FN_SIGNAL))
				return fail(v, "rule %u: its skip, fn %u, is not a signal function", r, k->fn);
			v->role[k->fn] |= ROLE_SKIP;
		}
	}
	return true;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_number(const void *a, const void *b)
{
	const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Named numbers: a text name each, no two alike (bc_param_find finds one);
 * a kind and a value that fit; a constant of its own holding the value. */
static bool check_params(const vctx *v)
{
	const bc_program *p = v->p;
	if (p->nparams > BC_MAX_TABLE)
		return fail(v, "%u named numbers; at most %d", p->nparams, BC_MAX_TABLE);
	for (uint32_t i = 0; i < p->nparams; i++) {
		const bc_param *q = &p->params[i];
		if (!is_text(p, q->name))
			return fail(v, "named number %u: its name, constant %u, is not text", i, q->name);
		if (q->kind != TY_MONEY && q->kind != TY_COUNT && q->kind != TY_DAYS && q->kind != TY_YEARS &&
		    q->kind != TY_NUMBER)
			return fail(v, "named number %u: kind %u is not a number's", i, q->kind);
		if (q->value < 0)
			return fail(v, "named number %u: value %lld is negative", i, (long long)q->value);
		if (q->konst == BC_NONE)
			continue;
		if (q->konst >= p->nconsts || p->consts[q->konst].text || p->consts[q->konst].num != q->value)
			return fail(v, "named number %u: constant %u does not hold its value %lld", i, q->konst,
				    (long long)q->value);
	}
	if (p->nparams < 2)
		return true;
	/* Names and constants each once: sorted copies, neighbours compared. */
	const char **names = malloc(sizeof *names * p->nparams);
	uint32_t *konsts = malloc(sizeof *konsts * p->nparams);
	bool ok = names && konsts;
	if (!ok)
		fail(v, "out of memory");
	uint32_t nk = 0;
	for (uint32_t i = 0; ok && i < p->nparams; i++) {
		names[i] = p->consts[p->params[i].name].text;
		if (p->params[i].konst != BC_NONE)
			konsts[nk++] = p->params[i].konst;
	}
	if (ok) {
		qsort(names, p->nparams, sizeof *names, by_text);
		qsort(konsts, nk, sizeof *konsts, by_number);
	}
	for (uint32_t k = 1; ok && k < p->nparams; k++)
		if (strcmp(names[k - 1], names[k]) == 0)
			ok = fail(v, "two named numbers are called %s", names[k]);
	for (uint32_t k = 1; ok && k < nk; k++)
		if (konsts[k - 1] == konsts[k])
			ok = fail(v, "two named numbers read constant %u", konsts[k]);
	free(names);
	free(konsts);
	return ok;
}

static bool check_tables(const vctx *v)
{
	const bc_program *p = v->p;
	if (p->floor_fn != BC_NONE)
		v->role[p->floor_fn] |= ROLE_FLOOR;
	if (!check_params(v))
		return false;
	if (!check_buckets(v) || !check_rules(v))
		return false;
	for (uint32_t l = 0; l < p->nlabels; l++) {
		if (!is_text(p, p->labels[l].name))
			return fail(v, "label %u: its name, constant %u, is not text", l, p->labels[l].name);
		if (!is_fn(p, p->labels[l].fn, FN_HOUSEHOLD))
			return fail(v, "label %u: fn %u is not a household function", l, p->labels[l].fn);
	}
	for (uint32_t k = 0; k < p->ndefs; k++)
		if (!is_fn(p, p->defs[k], FN_HOUSEHOLD))
			return fail(v, "definition %u: fn %u is not a household function", k, p->defs[k]);
	for (uint32_t l = 0; l < p->nlines; l++) {
		if (p->lines[l].pc >= p->ncode)
			return fail(v, "line entry %u: offset %u is outside the code", l, p->lines[l].pc);
		if (l > 0 && p->lines[l].pc < p->lines[l - 1].pc)
			return fail(v, "line entry %u: offsets are not in order", l);
	}
	return true;
}

static bool verify(bc_program *p, diag *d, const char *name, const char *what)
{
	vctx v = { p, d, name, what, NULL, NULL, NULL, NULL };
	if (!check_header_and_fns(&v))
		return false;
	uint32_t longest = 1;
	for (uint32_t i = 0; i < p->nfns; i++)
		if (p->fns[i].len > longest)
			longest = p->fns[i].len;
	v.role = calloc(p->nfns, 2);
	v.depth = malloc(sizeof *v.depth * longest);
	v.texts = malloc(sizeof *v.texts * ((size_t)p->nconsts + 1));
	bool ok = v.role && v.depth && v.texts;
	if (!ok)
		fail(&v, "out of memory");
	if (ok) {
		v.nest = v.role + p->nfns;
		v.texts[0] = 0;
		for (uint32_t c = 0; c < p->nconsts; c++)
			v.texts[c + 1] = v.texts[c] + (p->consts[c].text != NULL);
		ok = check_tables(&v);
	}
	for (uint32_t i = 0; ok && i < p->nfns; i++)
		ok = verify_fn(&v, i);
	free(v.role);
	free(v.depth);
	free(v.texts);
	return ok;
}

bool bc_verify(bc_program *p, diag *d)
{
	const char *name = p->source_name && p->source_name[0] ? p->source_name : "program";
	return verify(p, d, name, "invalid bytecode: ");
}

/* ---- writing ---- */

typedef struct wbuf {
	uint8_t *b;
	size_t n, cap;
	bool oom;
} wbuf;

static void put(wbuf *w, const void *data, size_t n)
{
	if (w->oom)
		return;
	if (n > w->cap - w->n) {
		size_t cap = w->cap ? w->cap : 256;
		while (n > cap - w->n)
			cap *= 2;
		uint8_t *b = realloc(w->b, cap);
		if (!b) {
			w->oom = true;
			return;
		}
		w->b = b;
		w->cap = cap;
	}
	if (n)
		memcpy(w->b + w->n, data, n);
	w->n += n;
}

static void put_le(wbuf *w, uint64_t x, int bytes)
{
	uint8_t b[8];
	for (int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(x >> (8 * i));
	put(w, b, (size_t)bytes);
}

static void put_u8(wbuf *w, uint8_t x) { put_le(w, x, 1); }
static void put_u16(wbuf *w, uint16_t x) { put_le(w, x, 2); }
static void put_u32(wbuf *w, uint32_t x) { put_le(w, x, 4); }
static void put_i32(wbuf *w, int32_t x) { put_le(w, (uint32_t)x, 4); }
static void put_i64(wbuf *w, int64_t x) { put_le(w, (uint64_t)x, 8); }

static void put_str(wbuf *w, const char *s)
{
	const size_t n = s ? strlen(s) : 0;
	if (n > UINT32_MAX) {
		w->oom = true;
		return;
	}
	put_u32(w, (uint32_t)n);
	put(w, s, n);
}

static void put_keys(wbuf *w, const bc_order_key *keys, uint8_t n)
{
	if (n > BC_MAX_ORDER)
		n = BC_MAX_ORDER;   /* never read past the array; such a program fails verification anyway */
	put_u8(w, n);
	for (unsigned k = 0; k < n; k++) {
		put_u16(w, keys[k].fn);
		put_u8(w, keys[k].descending);
	}
}

bool bc_write(const bc_program *p, FILE *out)
{
	wbuf w = { NULL, 0, 0, false };
	put(&w, BC_MAGIC, 8);
	put_u32(&w, BC_FORMAT_VERSION);
	put_u32(&w, 0);   /* total length, filled in below */
	put_str(&w, p->policy_name);
	put_str(&w, p->policy_version);
	put_str(&w, p->source_name);
	put_i32(&w, p->effective);
	put(&w, p->source_sha256, 32);
	put_u16(&w, p->lookback);
	put_u16(&w, p->floor_fn);
	put_u16(&w, p->decision_fn);

	put_u32(&w, p->nconsts);
	for (uint32_t i = 0; i < p->nconsts; i++) {
		put_u8(&w, p->consts[i].text != NULL);
		if (p->consts[i].text)
			put_str(&w, p->consts[i].text);
		else
			put_i64(&w, p->consts[i].num);
	}
	put_u32(&w, p->nfns);
	for (uint32_t i = 0; i < p->nfns; i++) {
		const bc_function *f = &p->fns[i];
		put_u8(&w, f->kind);
		put_u8(&w, f->type);
		put_u32(&w, f->start);
		put_u32(&w, f->len);
		put_u32(&w, f->name);
	}
	put_u32(&w, p->ncode);
	put(&w, p->code, p->ncode);
	put_u32(&w, p->nlines);
	for (uint32_t i = 0; i < p->nlines; i++) {
		put_u32(&w, p->lines[i].pc);
		put_u32(&w, p->lines[i].line);
	}
	put_u32(&w, p->nbuckets);
	for (uint32_t i = 0; i < p->nbuckets; i++) {
		const bc_bucket *b = &p->buckets[i];
		put_u32(&w, b->name);
		put_u32(&w, b->line);
		put_i64(&w, b->capacity);
		put_i32(&w, b->overflow);
		put_i32(&w, b->without_phone);
		put_i32(&w, b->without_email);
		put_i32(&w, b->backfill_from);
		put_u8(&w, b->spread);
		put_u8(&w, b->no_follow_up);
		put_u8(&w, b->feedback);
		put_u8(&w, b->term_unit);
		put_u16(&w, b->term);
		put_u16(&w, b->capacity_param);
		put_keys(&w, b->order, b->norder);
		put_keys(&w, b->backfill_order, b->nbackfill_order);
	}
	put_u32(&w, p->nrules);
	for (uint32_t i = 0; i < p->nrules; i++) {
		const bc_rule *r = &p->rules[i];
		put_u8(&w, r->kind);
		put_u32(&w, r->line);
		put_i32(&w, r->bucket);
		put_u32(&w, r->reason);
		put_u16(&w, r->fn);
		put_u8(&w, r->feedback);
	}
	put_u32(&w, p->nlabels);
	for (uint32_t i = 0; i < p->nlabels; i++) {
		put_u32(&w, p->labels[i].name);
		put_u16(&w, p->labels[i].fn);
	}
	put_u32(&w, p->nskips);
	for (uint32_t i = 0; i < p->nskips; i++)
		put_u16(&w, p->skips[i]);
	put_u32(&w, p->ndefs);
	for (uint32_t i = 0; i < p->ndefs; i++)
		put_u16(&w, p->defs[i]);
	put_u32(&w, p->nparams);
	for (uint32_t i = 0; i < p->nparams; i++) {
		const bc_param *q = &p->params[i];
		put_u32(&w, q->name);
		put_u32(&w, q->line);
		put_u8(&w, q->kind);
		put_i64(&w, q->value);
		put_u32(&w, q->konst);
	}

	bool ok = !w.oom && w.n + 4 <= UINT32_MAX;
	if (ok) {
		const uint32_t total = (uint32_t)(w.n + 4);
		for (int i = 0; i < 4; i++)
			w.b[12 + i] = (uint8_t)(total >> (8 * i));
		put_u32(&w, bc_crc32(w.b, w.n));
		ok = !w.oom && fwrite(w.b, 1, w.n, out) == w.n && fflush(out) == 0;
	}
	free(w.b);
	return ok;
}

/* ---- reading ---- */

enum { HEADER_SIZE = 16, CRC_SIZE = 4 };

typedef struct reader {
	uint32_t version;     /* the file's format: what its sections hold */
	const uint8_t *data;
	size_t pos, end;      /* end: where the sections stop, before the checksum */
	bool failed;
	diag *d;
	const char *name;
	const char *section;  /* what is being read, for messages */
} reader;

static void corrupt(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void corrupt(reader *r, const char *fmt, ...)
{
	if (r->failed)
		return;
	r->failed = true;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_error(r->d, "%s: corrupted: %s", r->name, msg);
}

static bool need(reader *r, size_t n)
{
	if (r->failed)
		return false;
	if (n > r->end - r->pos) {
		corrupt(r, "%s run past the end of the file", r->section);
		return false;
	}
	return true;
}

static uint64_t get_le(reader *r, int bytes)
{
	if (!need(r, (size_t)bytes))
		return 0;
	uint64_t x = 0;
	for (int i = 0; i < bytes; i++)
		x |= (uint64_t)r->data[r->pos + (size_t)i] << (8 * i);
	r->pos += (size_t)bytes;
	return x;
}

static uint8_t get_u8(reader *r) { return (uint8_t)get_le(r, 1); }
static uint16_t get_u16(reader *r) { return (uint16_t)get_le(r, 2); }
static uint32_t get_u32(reader *r) { return (uint32_t)get_le(r, 4); }

static int32_t get_i32(reader *r)
{
	const uint32_t u = get_u32(r);
	int32_t x;
	memcpy(&x, &u, sizeof x);
	return x;
}

static int64_t get_i64(reader *r)
{
	const uint64_t u = get_le(r, 8);
	int64_t x;
	memcpy(&x, &u, sizeof x);
	return x;
}

static char *get_str(reader *r)
{
	const uint32_t n = get_u32(r);
	if (!need(r, n))
		return NULL;
	const uint8_t *s = r->data + r->pos;
	if (memchr(s, 0, n)) {
		corrupt(r, "%s: a text contains a NUL byte", r->section);
		return NULL;
	}
	char *t = malloc((size_t)n + 1);
	if (!t) {
		corrupt(r, "out of memory");
		return NULL;
	}
	memcpy(t, s, n);
	t[n] = '\0';
	r->pos += n;
	return t;
}

/* A count of elements at least MIN_SIZE bytes each, refused when the bytes
 * left cannot hold them, then an array for them (NULL when empty). */
static void *get_array(reader *r, const char *section, size_t min_size, size_t elem, uint32_t *count)
{
	r->section = section;
	*count = 0;
	const uint32_t n = get_u32(r);
	if (r->failed)
		return NULL;
	if (n > (r->end - r->pos) / min_size) {
		corrupt(r, "%u %s cannot fit in the %zu bytes left", n, section, r->end - r->pos);
		return NULL;
	}
	if (n == 0)
		return NULL;
	void *a = calloc(n, elem);
	if (!a) {
		corrupt(r, "out of memory");
		return NULL;
	}
	*count = n;
	return a;
}

static void get_keys(reader *r, bc_order_key *keys, uint8_t *n)
{
	*n = get_u8(r);
	if (*n > BC_MAX_ORDER) {
		corrupt(r, "%u order keys; at most %d", *n, BC_MAX_ORDER);
		*n = 0;
		return;
	}
	for (unsigned k = 0; k < *n; k++) {
		keys[k].fn = get_u16(r);
		keys[k].descending = get_u8(r);
	}
}

static void read_sections(reader *r, bc_program *p)
{
	r->section = "the header";
	p->policy_name = get_str(r);
	p->policy_version = get_str(r);
	p->source_name = get_str(r);
	p->effective = get_i32(r);
	if (need(r, 32)) {
		memcpy(p->source_sha256, r->data + r->pos, 32);
		r->pos += 32;
	}
	p->lookback = get_u16(r);
	p->floor_fn = get_u16(r);
	p->decision_fn = get_u16(r);

	p->consts = get_array(r, "constants", 5, sizeof *p->consts, &p->nconsts);
	for (uint32_t i = 0; i < p->nconsts && !r->failed; i++) {
		const uint8_t tag = get_u8(r);
		if (tag == 1)
			p->consts[i].text = get_str(r);
		else if (tag == 0)
			p->consts[i].num = get_i64(r);
		else
			corrupt(r, "constant %u has tag %u (0 number, 1 text)", i, tag);
	}
	p->fns = get_array(r, "functions", 14, sizeof *p->fns, &p->nfns);
	for (uint32_t i = 0; i < p->nfns && !r->failed; i++) {
		bc_function *f = &p->fns[i];
		f->kind = get_u8(r);
		f->type = get_u8(r);
		f->start = get_u32(r);
		f->len = get_u32(r);
		f->name = get_u32(r);
	}
	p->code = get_array(r, "code", 1, 1, &p->ncode);
	if (p->ncode && need(r, p->ncode)) {
		memcpy(p->code, r->data + r->pos, p->ncode);
		r->pos += p->ncode;
	}
	p->lines = get_array(r, "line entries", 8, sizeof *p->lines, &p->nlines);
	for (uint32_t i = 0; i < p->nlines && !r->failed; i++) {
		p->lines[i].pc = get_u32(r);
		p->lines[i].line = get_u32(r);
	}
	const bool v2 = r->version >= 2;
	p->buckets = get_array(r, "buckets", v2 ? 42 : 36, sizeof *p->buckets, &p->nbuckets);
	for (uint32_t i = 0; i < p->nbuckets && !r->failed; i++) {
		bc_bucket *b = &p->buckets[i];
		b->name = get_u32(r);
		b->line = get_u32(r);
		b->capacity = get_i64(r);
		b->overflow = get_i32(r);
		b->without_phone = get_i32(r);
		b->without_email = get_i32(r);
		b->backfill_from = get_i32(r);
		b->spread = get_u8(r);
		b->no_follow_up = get_u8(r);
		if (v2) {
			b->feedback = get_u8(r);
			b->term_unit = get_u8(r);
			b->term = get_u16(r);
			b->capacity_param = get_u16(r);
		}
		get_keys(r, b->order, &b->norder);
		get_keys(r, b->backfill_order, &b->nbackfill_order);
	}
	p->rules = get_array(r, "rules", v2 ? 16 : 15, sizeof *p->rules, &p->nrules);
	for (uint32_t i = 0; i < p->nrules && !r->failed; i++) {
		bc_rule *k = &p->rules[i];
		k->kind = get_u8(r);
		k->line = get_u32(r);
		k->bucket = get_i32(r);
		k->reason = get_u32(r);
		k->fn = get_u16(r);
		if (v2)
			k->feedback = get_u8(r);
	}
	p->labels = get_array(r, "labels", 6, sizeof *p->labels, &p->nlabels);
	for (uint32_t i = 0; i < p->nlabels && !r->failed; i++) {
		p->labels[i].name = get_u32(r);
		p->labels[i].fn = get_u16(r);
	}
	p->skips = get_array(r, "skips", 2, sizeof *p->skips, &p->nskips);
	for (uint32_t i = 0; i < p->nskips && !r->failed; i++)
		p->skips[i] = get_u16(r);
	p->defs = get_array(r, "definitions", 2, sizeof *p->defs, &p->ndefs);
	for (uint32_t i = 0; i < p->ndefs && !r->failed; i++)
		p->defs[i] = get_u16(r);
	if (v2) {
		p->params = get_array(r, "named numbers", 21, sizeof *p->params, &p->nparams);
		for (uint32_t i = 0; i < p->nparams && !r->failed; i++) {
			bc_param *q = &p->params[i];
			q->name = get_u32(r);
			q->line = get_u32(r);
			q->kind = get_u8(r);
			q->value = get_i64(r);
			q->konst = get_u32(r);
		}
	}
	if (!r->failed && r->pos != r->end)
		corrupt(r, "unread bytes (%zu) after the last section", r->end - r->pos);
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Magic, format version, stated length and checksum; sets *END to where the
 * sections stop. */
static bool check_envelope(const uint8_t *data, size_t len, const char *name, diag *d, size_t *end,
			   uint32_t *version_out)
{
	const size_t magic = sizeof BC_MAGIC - 1;
	if (len == 0) {
		diag_error(d, "%s: not a vroeg bytecode file (it is empty)", name);
		return false;
	}
	if (memcmp(data, BC_MAGIC, len < magic ? len : magic) != 0) {
		diag_error(d, "%s: not a vroeg bytecode file", name);
		return false;
	}
	if (len < HEADER_SIZE) {
		diag_error(d, "%s: truncated (%zu bytes, less than a header)", name, len);
		return false;
	}
	const uint32_t version = le32(data + 8);
	if (version < BC_FORMAT_OLDEST || version > BC_FORMAT_VERSION) {
		diag_error(d, "%s: made by another version of vroeg (format %lu, this vroeg reads %d to %d)",
			   name, (unsigned long)version, BC_FORMAT_OLDEST, BC_FORMAT_VERSION);
		return false;
	}
	*version_out = version;
	const uint32_t stated = le32(data + 12);
	if (stated < HEADER_SIZE + CRC_SIZE) {
		diag_error(d, "%s: corrupted: stated length %lu is less than a header", name, (unsigned long)stated);
		return false;
	}
	if (len < stated) {
		diag_error(d, "%s: truncated (%zu of %lu bytes)", name, len, (unsigned long)stated);
		return false;
	}
	if (len > stated) {
		diag_error(d, "%s: corrupted: trailing bytes (%zu) after the program", name, len - stated);
		return false;
	}
	*end = stated - CRC_SIZE;
	if (bc_crc32(data, *end) != le32(data + *end)) {
		diag_error(d, "%s: corrupted (checksum mismatch)", name);
		return false;
	}
	return true;
}

bool bc_read(bc_program *p, const uint8_t *data, size_t len, const char *name, diag *d)
{
	memset(p, 0, sizeof *p);
	if (!name)
		name = "<input>";
	size_t end;
	uint32_t version;
	if (!check_envelope(data, len, name, d, &end, &version))
		return false;
	reader r = { version, data, HEADER_SIZE, end, false, d, name, "the header" };
	read_sections(&r, p);
	if (r.failed || !verify(p, d, name, "corrupted: ")) {
		bc_program_free(p);
		return false;
	}
	return true;
}
