/* compile.c - code generation from the checked tree to a bc_program.
 * Each function is generated into a buffer of its own and gets its index only
 * when finished, so a function always refers to functions before it (the
 * verifier's guarantee that evaluation ends). A named number is never folded
 * into the code: its uses read a constant of its own, so bc_program_set can
 * change it after compiling. Every table it fills stays
 * within the operands' reach (BC_MAX_TABLE, BC_MAX_CODE): a policy that would
 * pass one is an error at the construct that does, never a value cut to 16
 * bits. The result is verified before it is handed out. */
#include "compile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "fields.h"
#include "parse.h"
#include "sha256.h"

typedef struct fnbuf {
	uint8_t *code;
	uint32_t n, cap;
	bc_line *lines;
	uint32_t nlines, lines_cap;
	int line;
} fnbuf;

typedef struct cg {
	bc_program *p;
	chk_policy *pol;
	diag *d;
	diag_source src;      /* for errors at a construct */
	diag_loc loc;         /* the construct being compiled */
	uint32_t consts_cap, fns_cap, code_cap, lines_cap, rules_cap;
	int *def_fn;          /* checker definition index -> function index */
	int *param_of_def;    /* checker definition index -> named number index, or -1 */
	uint8_t *own;         /* per constant: a named number's own, never found by value */
	uint32_t own_cap;
	bool failed;
	bool over_limit;      /* a limit was reported (once: the rest would repeat it) */
	/* The constants by value, so a shared one is found without a search
	 * through all of them: per slot the index of the first constant of its
	 * value, plus one (0 = empty); size 0 or a power of two, at most half full. */
	uint32_t *const_at;
	uint32_t const_at_size;
} cg;

/* Reports, once, that the construct at LOC passes a limit of the bytecode. */
static void over_limit(cg *g, diag_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void over_limit(cg *g, diag_loc loc, const char *fmt, ...)
{
	g->failed = true;
	if (g->over_limit)
		return;
	g->over_limit = true;
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_at(g->d, &g->src, loc, DIAG_ERROR, "%s", msg);
}

static void *grow(void *ptr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return ptr;
	uint32_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *q = realloc(ptr, (size_t)c * elem);
	if (!q) {
		fputs("vroeg: out of memory\n", stderr);
		abort();
	}
	*cap = c;
	return q;
}

static char *dup(const char *s)
{
	const size_t n = strlen(s) + 1;
	char *c = malloc(n);
	if (!c) {
		fputs("vroeg: out of memory\n", stderr);
		abort();
	}
	memcpy(c, s, n);
	return c;
}

static uint64_t const_hash(int64_t num, const char *text)
{
	uint64_t h = (uint64_t)num * 0x9E3779B97F4A7C15ull ^ (text ? 0x51ED27 : 0);
	for (; text && *text; text++)
		h = (h ^ (unsigned char)*text) * 0x100000001B3ull;
	return h ^ h >> 29;
}

static bool const_is(const bc_const *c, int64_t num, const char *text)
{
	return c->num == num && (text ? c->text && strcmp(c->text, text) == 0 : !c->text);
}

/* The slot of the first constant NUM/TEXT, or the empty slot where it would go. */
static uint32_t const_slot(const cg *g, int64_t num, const char *text)
{
	const uint32_t mask = g->const_at_size - 1;
	uint32_t s = (uint32_t)const_hash(num, text) & mask;
	while (g->const_at[s] && !const_is(&g->p->consts[g->const_at[s] - 1], num, text))
		s = (s + 1) & mask;
	return s;
}

static void const_index_grow(cg *g)
{
	free(g->const_at);
	g->const_at_size = g->const_at_size ? 2 * g->const_at_size : 256;
	g->const_at = calloc(g->const_at_size, sizeof *g->const_at);
	if (!g->const_at) {
		fputs("vroeg: out of memory\n", stderr);
		abort();
	}
	/* In index order, so each value keeps its first constant. */
	for (uint32_t i = 0; i < g->p->nconsts; i++) {
		if (i < g->own_cap && g->own[i])
			continue;
		const uint32_t s = const_slot(g, g->p->consts[i].num, g->p->consts[i].text);
		if (!g->const_at[s])
			g->const_at[s] = i + 1;
	}
}

static uint32_t add_const(cg *g, int64_t num, const char *text, bool shared)
{
	bc_program *p = g->p;
	if (2 * (p->nconsts + 1) > g->const_at_size)
		const_index_grow(g);
	const uint32_t s = const_slot(g, num, text);
	if (shared && g->const_at[s])
		return g->const_at[s] - 1;
	if (p->nconsts == BC_MAX_TABLE) {
		over_limit(g, g->loc, "the policy has more constants than vroeg can compile: at most %d "
			   "numbers, texts and set items (a number or text used again counts once)", BC_MAX_TABLE);
		return 0;
	}
	p->consts = grow(p->consts, &g->consts_cap, p->nconsts + 1, sizeof *p->consts);
	p->consts[p->nconsts].num = num;
	p->consts[p->nconsts].text = text ? dup(text) : NULL;
	if (!g->const_at[s])
		g->const_at[s] = p->nconsts + 1;
	return p->nconsts++;
}

static uint32_t text_const(cg *g, const char *text)
{
	return add_const(g, 0, text, true);
}

/* A constant of its own for a named number: no literal of the same value
 * ever shares it (add_const does not find it), so changing the named
 * number changes nothing else. */
static uint32_t own_const(cg *g, int64_t num)
{
	bc_program *p = g->p;
	if (p->nconsts == BC_MAX_TABLE) {
		over_limit(g, g->loc, "the policy has more constants than vroeg can compile: at most %d "
			   "numbers, texts and set items (a number or text used again counts once)", BC_MAX_TABLE);
		return 0;
	}
	p->consts = grow(p->consts, &g->consts_cap, p->nconsts + 1, sizeof *p->consts);
	p->consts[p->nconsts].num = num;
	p->consts[p->nconsts].text = NULL;
	const uint32_t cap = g->own_cap;
	g->own = grow(g->own, &g->own_cap, p->nconsts + 1, 1);
	memset(g->own + cap, 0, g->own_cap - cap);
	g->own[p->nconsts] = 1;
	return p->nconsts++;
}

static void emit_byte(fnbuf *f, uint8_t b)
{
	f->code = grow(f->code, &f->cap, f->n + 1, 1);
	f->code[f->n++] = b;
}

static void emit_u16(fnbuf *f, uint32_t v)
{
	emit_byte(f, (uint8_t)(v & 0xff));
	emit_byte(f, (uint8_t)(v >> 8 & 0xff));
}

static void mark_line(fnbuf *f, int line)
{
	if (line <= 0 || line == f->line)
		return;
	f->line = line;
	f->lines = grow(f->lines, &f->lines_cap, f->nlines + 1, sizeof *f->lines);
	f->lines[f->nlines].pc = f->n;
	f->lines[f->nlines].line = (uint32_t)line;
	f->nlines++;
}

static void op0(fnbuf *f, enum bc_op op)
{
	emit_byte(f, (uint8_t)op);
}

static void op1(fnbuf *f, enum bc_op op, uint32_t a)
{
	emit_byte(f, (uint8_t)op);
	emit_u16(f, a);
}

static void opn(fnbuf *f, enum bc_op op, int n, const uint32_t *operands)
{
	emit_byte(f, (uint8_t)op);
	for (int i = 0; i < n; i++)
		emit_u16(f, operands[i]);
}

/* Emits a jump with a target to be patched; returns where the operand is. */
static uint32_t jump(fnbuf *f, enum bc_op op)
{
	op1(f, op, 0);
	return f->n - 2;
}

static void patch(fnbuf *f, uint32_t at)
{
	f->code[at] = (uint8_t)(f->n & 0xff);
	f->code[at + 1] = (uint8_t)(f->n >> 8 & 0xff);
}

/* Appends a finished function, the code of the construct at AT, to the
 * program and returns its index. */
static uint16_t finish(cg *g, fnbuf *f, enum bc_fn_kind kind, enum ast_type type, const char *name,
		       diag_loc at)
{
	bc_program *p = g->p;
	if (f->n > BC_MAX_CODE)
		over_limit(g, at, "this compiles to more code than one function of vroeg holds (%d bytes); "
			   "make it shorter", BC_MAX_CODE);
	if (p->nfns == BC_MAX_TABLE) {
		over_limit(g, at, "the policy has more conditions than vroeg can compile: at most %d functions "
			   "(each definition, label and order key, and each condition of an `any`, `all`, `with`, "
			   "`count signal` or `skip`, is one)", BC_MAX_TABLE);
		free(f->code);
		free(f->lines);
		memset(f, 0, sizeof *f);
		return 0;
	}
	p->fns = grow(p->fns, &g->fns_cap, p->nfns + 1, sizeof *p->fns);
	bc_function *fn = &p->fns[p->nfns];
	memset(fn, 0, sizeof *fn);
	fn->kind = (uint8_t)kind;
	fn->type = (uint8_t)type;
	fn->start = p->ncode;
	fn->len = f->n;
	fn->name = name ? text_const(g, name) : BC_NONE;
	p->code = grow(p->code, &g->code_cap, p->ncode + f->n, 1);
	memcpy(p->code + p->ncode, f->code, f->n);
	p->lines = grow(p->lines, &g->lines_cap, p->nlines + f->nlines, sizeof *p->lines);
	for (uint32_t i = 0; i < f->nlines; i++) {
		p->lines[p->nlines].pc = fn->start + f->lines[i].pc;
		p->lines[p->nlines].line = f->lines[i].line;
		p->nlines++;
	}
	p->ncode += f->n;
	free(f->code);
	free(f->lines);
	memset(f, 0, sizeof *f);
	return (uint16_t)(p->nfns++);
}

static void emit_value(cg *g, fnbuf *f, const ast_expr *e);

/* A condition: a yes/no, where a 0/1 flag means "is 1". */
static void emit_cond(cg *g, fnbuf *f, const ast_expr *e)
{
	emit_value(g, f, e);
	if (e->type == TY_FLAG) {
		op1(f, BC_CONST, add_const(g, 1, NULL, true));
		op0(f, BC_EQ);
	}
}

/* A function of one signal (or outcome) holding condition E. */
static uint16_t cond_fn(cg *g, const ast_expr *e, enum bc_fn_kind kind)
{
	fnbuf f = { 0 };
	mark_line(&f, e->loc.line);
	emit_cond(g, &f, e);
	op0(&f, BC_RETURN);
	return finish(g, &f, kind, TY_BOOL, NULL, e->loc);
}

static uint16_t opt_cond_fn(cg *g, const ast_expr *e, enum bc_fn_kind kind)
{
	return e ? cond_fn(g, e, kind) : BC_NONE;
}

static void emit_agg(cg *g, fnbuf *f, const ast_expr *e)
{
	int lo, hi;
	ast_window_range(e->u.agg.window, &lo, &hi);
	const uint32_t set = (uint32_t)e->u.agg.set;
	uint32_t ops[5];
	switch (e->u.agg.agg) {
	case AGG_ANY:
	case AGG_ALL:
		if (e->u.agg.over_outcomes) {
			ops[0] = cond_fn(g, e->u.agg.cond, FN_OUTCOME);
			ops[1] = (uint32_t)lo;
			ops[2] = (uint32_t)hi;
			opn(f, e->u.agg.agg == AGG_ANY ? BC_OANY : BC_OALL, 3, ops);
			return;
		}
		ops[0] = cond_fn(g, e->u.agg.cond, FN_SIGNAL);
		ops[1] = set;
		ops[2] = (uint32_t)lo;
		ops[3] = (uint32_t)hi;
		opn(f, e->u.agg.agg == AGG_ANY ? BC_ANY : BC_ALL, 4, ops);
		return;
	case AGG_SIGNALS:
		ops[0] = opt_cond_fn(g, e->u.agg.cond, FN_SIGNAL);
		ops[1] = set;
		ops[2] = (uint32_t)lo;
		ops[3] = (uint32_t)hi;
		opn(f, BC_COUNT, 4, ops);
		return;
	case AGG_OUTCOMES:
		ops[0] = opt_cond_fn(g, e->u.agg.cond, FN_OUTCOME);
		ops[1] = (uint32_t)lo;
		ops[2] = (uint32_t)hi;
		opn(f, BC_OCOUNT, 3, ops);
		return;
	case AGG_CREDITORS:
	case AGG_SECTORS:
	case AGG_MONTHS:
	case AGG_TOTAL:
	case AGG_MAX:
	case AGG_MIN: {
		enum bc_op op = BC_DISTINCT;
		uint32_t field = SF_CREDITOR;
		if (e->u.agg.agg == AGG_SECTORS)
			field = SF_SECTOR;
		else if (e->u.agg.agg == AGG_MONTHS)
			field = SF_MONTH;
		else if (e->u.agg.agg != AGG_CREDITORS) {
			field = (uint32_t)e->u.agg.field_index;
			op = e->u.agg.agg == AGG_TOTAL ? BC_SUM : e->u.agg.agg == AGG_MAX ? BC_MAX : BC_MIN;
		}
		ops[0] = field;
		ops[1] = opt_cond_fn(g, e->u.agg.cond, FN_SIGNAL);
		ops[2] = set;
		ops[3] = (uint32_t)lo;
		ops[4] = (uint32_t)hi;
		opn(f, op, 5, ops);
		return;
	}
	case AGG_SAME:
		ops[0] = (uint32_t)e->u.agg.field_index;
		ops[1] = set;
		ops[2] = (uint32_t)lo;
		ops[3] = (uint32_t)hi;
		opn(f, BC_SAME, 4, ops);
		return;
	}
}

static enum bc_op cmp_op(enum ast_cmp c, bool text)
{
	switch (c) {
	case CMP_EQ: return text ? BC_EQ_TEXT : BC_EQ;
	case CMP_NE: return text ? BC_NE_TEXT : BC_NE;
	case CMP_LT: return BC_LT;
	case CMP_LE: return BC_LE;
	case CMP_GT: return BC_GT;
	case CMP_GE: return BC_GE;
	}
	return BC_EQ;
}

static void emit_value(cg *g, fnbuf *f, const ast_expr *e)
{
	mark_line(f, e->loc.line);
	g->loc = e->loc;
	switch (e->kind) {
	case E_OR:
	case E_AND: {
		/* Short circuit: the right side runs only when the left does not decide. */
		const bool is_or = e->kind == E_OR;
		emit_cond(g, f, e->u.bin.lhs);
		const uint32_t decided = jump(f, is_or ? BC_JUMP_IF_TRUE : BC_JUMP_IF_FALSE);
		emit_cond(g, f, e->u.bin.rhs);
		const uint32_t end = jump(f, BC_JUMP);
		patch(f, decided);
		op1(f, BC_CONST, add_const(g, is_or ? 1 : 0, NULL, true));
		patch(f, end);
		return;
	}
	case E_NOT:
		emit_cond(g, f, e->u.operand);
		op0(f, BC_NOT);
		return;
	case E_CMP:
		emit_value(g, f, e->u.cmp.lhs);
		emit_value(g, f, e->u.cmp.rhs);
		op0(f, cmp_op(e->u.cmp.op, fields_type_is_text(e->u.cmp.lhs->type)));
		return;
	case E_BETWEEN:
		emit_value(g, f, e->u.between.value);
		emit_value(g, f, e->u.between.lo);
		emit_value(g, f, e->u.between.hi);
		op0(f, BC_BETWEEN);
		return;
	case E_IN: {
		emit_value(g, f, e->u.in.value);
		g->loc = e->loc;
		if (e->u.in.nitems > BC_MAX_TABLE) {
			over_limit(g, e->loc, "a set holds at most %d items; this one has %d",
				   BC_MAX_TABLE, e->u.in.nitems);
			return;
		}
		const bool text = fields_type_is_text(e->u.in.value->type);
		/* The set's members are consecutive constants, not shared. */
		uint32_t first = 0;
		for (int i = 0; i < e->u.in.nitems; i++) {
			const ast_expr *item = e->u.in.items[i];
			const uint32_t k = text ? add_const(g, 0, item->u.string, false)
				: add_const(g, item->kind == E_NAME ? item->u.name.index : item->u.number, NULL, false);
			if (i == 0)
				first = k;
		}
		const uint32_t ops[2] = { first, (uint32_t)e->u.in.nitems };
		opn(f, text ? BC_IN_TEXT : BC_IN_SET, 2, ops);
		if (e->u.in.negated)
			op0(f, BC_NOT);
		return;
	}
	case E_MISSING:
		emit_value(g, f, e->u.missing.value);
		op0(f, BC_IS_MISSING);
		if (e->u.missing.known)
			op0(f, BC_NOT);
		return;
	case E_NAME:
		switch (e->u.name.ref) {
		case REF_SIGNAL_FIELD: op1(f, BC_SFIELD, (uint32_t)e->u.name.index); return;
		case REF_OUTCOME_FIELD: op1(f, BC_OFIELD, (uint32_t)e->u.name.index); return;
		case REF_HOUSEHOLD_FACT: op1(f, BC_HFACT, (uint32_t)e->u.name.index); return;
		case REF_SECTOR_TOTAL: op1(f, BC_SECTOR_TOTAL, (uint32_t)e->u.name.index); return;
		case REF_DEFINITION: op1(f, BC_DEF, (uint32_t)g->def_fn[e->u.name.index]); return;
		case REF_ENUM_VALUE: op1(f, BC_CONST, add_const(g, e->u.name.index, NULL, true)); return;
		case REF_PARAM: {
			/* Never its value: its own constant, patchable (bc_program_set). */
			bc_param *q = &g->p->params[g->param_of_def[e->u.name.index]];
			if (q->konst == BC_NONE)
				q->konst = own_const(g, q->value);
			op1(f, BC_CONST, q->konst);
			return;
		}
		case REF_NONE: break;
		}
		g->failed = true;
		return;
	case E_INT:
	case E_DECIMAL:
	case E_MONEY:
		op1(f, BC_CONST, add_const(g, e->u.number, NULL, true));
		return;
	case E_STRING:
		op1(f, BC_CONST, text_const(g, e->u.string));
		return;
	case E_AGG:
		emit_agg(g, f, e);
		return;
	}
}

static uint16_t value_fn(cg *g, const ast_expr *e, enum ast_type type, const char *name)
{
	fnbuf f = { 0 };
	mark_line(&f, e->loc.line);
	if (type == TY_BOOL)
		emit_cond(g, &f, e);
	else
		emit_value(g, &f, e);
	op0(&f, BC_RETURN);
	return finish(g, &f, FN_HOUSEHOLD, type, name, e->loc);
}

/* A rule of the statement at LOC (the not-counted exclusion and skips are
 * rules too). */
static uint32_t add_rule(cg *g, enum bc_rule_kind kind, diag_loc loc, int bucket, const char *reason,
			 uint16_t fn, int feedback)
{
	bc_program *p = g->p;
	if (p->nrules == BC_MAX_TABLE) {
		over_limit(g, loc, "the policy has more rules than vroeg can compile: at most %d rules, "
			   "exclusions and skips", BC_MAX_TABLE);
		return 0;
	}
	const int line = loc.line;
	g->loc = loc;
	p->rules = grow(p->rules, &g->rules_cap, p->nrules + 1, sizeof *p->rules);
	bc_rule *r = &p->rules[p->nrules];
	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)kind;
	r->line = (uint32_t)line;
	r->bucket = bucket;
	r->reason = reason ? text_const(g, reason) : BC_NONE;
	r->fn = fn;
	r->feedback = (uint8_t)feedback;
	return p->nrules++;
}

/* Reports a function of several statements (the floor, the decision
 * function) whose code has grown past BC_MAX_CODE at the statement at LOC. */
static void code_limit(cg *g, const fnbuf *f, diag_loc loc, const char *what)
{
	if (f->n > BC_MAX_CODE)
		over_limit(g, loc, "the %s up to here compile to more code than one function of vroeg "
			   "holds (%d bytes); put shared conditions in a `define`", what, BC_MAX_CODE);
}

static void *must_calloc(size_t n, size_t size)
{
	void *q = calloc(n + 1, size);
	if (!q) {
		fputs("vroeg: out of memory\n", stderr);
		abort();
	}
	return q;
}

static void gen_floor_and_skips(cg *g)
{
	chk_policy *pol = g->pol;
	bc_program *p = g->p;
	p->floor_fn = BC_NONE;
	if (pol->ncounts > 0) {
		fnbuf f = { 0 };
		uint32_t *fails = must_calloc((size_t)pol->ncounts, sizeof *fails);
		for (int i = 0; i < pol->ncounts; i++) {
			mark_line(&f, pol->counts[i]->loc.line);
			emit_cond(g, &f, pol->counts[i]->cond);
			fails[i] = jump(&f, BC_JUMP_IF_FALSE);
			code_limit(g, &f, pol->counts[i]->loc, "`count signal` statements");
		}
		op1(&f, BC_CONST, add_const(g, 1, NULL, true));
		op0(&f, BC_RETURN);
		for (int i = 0; i < pol->ncounts; i++)
			patch(&f, fails[i]);
		free(fails);
		op1(&f, BC_CONST, add_const(g, 0, NULL, true));
		op0(&f, BC_RETURN);
		p->floor_fn = finish(g, &f, FN_SIGNAL, TY_BOOL, NULL, pol->counts[pol->ncounts - 1]->loc);
	}
	/* The not-counted exclusion is cited at the first floor. */
	const diag_loc first = { 1, 1, 1, 1 };
	add_rule(g, RULE_NOT_COUNTED, pol->ncounts ? pol->counts[0]->loc :
		 pol->header ? pol->header->loc : first, -1, "not counted", BC_NONE, 0);
	p->skips = must_calloc((size_t)pol->nskips, sizeof *p->skips);
	for (int i = 0; i < pol->nskips; i++) {
		const uint16_t fn = cond_fn(g, pol->skips[i]->cond, FN_SIGNAL);
		p->skips[p->nskips++] = (uint16_t)add_rule(g, RULE_SKIPPED, pol->skips[i]->loc, pol->skip_bucket[i],
							   pol->skips[i]->reason, fn, pol->skips[i]->feedback.code);
	}
}

/* The named numbers, in the order of the file. Their constants are made
 * at their first use in the code (gen_defs and after). */
static void gen_params(cg *g)
{
	chk_policy *pol = g->pol;
	bc_program *p = g->p;
	g->param_of_def = must_calloc((size_t)pol->ndefs, sizeof *g->param_of_def);
	p->params = must_calloc((size_t)pol->ndefs, sizeof *p->params);
	for (int i = 0; i < pol->ndefs; i++) {
		const chk_def *def = &pol->defs[i];
		g->param_of_def[i] = -1;
		if (!def->param)
			continue;
		g->loc = def->stmt->loc;
		g->param_of_def[i] = (int)p->nparams;
		bc_param *q = &p->params[p->nparams++];
		q->name = text_const(g, def->name);
		q->line = (uint32_t)def->stmt->loc.line;
		q->kind = (uint8_t)def->type;
		q->value = def->value;
		q->konst = BC_NONE;
	}
}

static void gen_defs(cg *g)
{
	chk_policy *pol = g->pol;
	bc_program *p = g->p;
	g->def_fn = must_calloc((size_t)pol->ndefs, sizeof *g->def_fn);
	p->defs = must_calloc((size_t)pol->ndefs, sizeof *p->defs);
	for (int i = 0; i < pol->ndefs; i++) {
		const chk_def *def = &pol->defs[i];
		if (!def->name[0] || def->param)
			continue;   /* a built-in the policy replaced, or a named number */
		g->def_fn[i] = value_fn(g, def->stmt->cond, def->type, def->name);
		p->defs[p->ndefs++] = (uint16_t)g->def_fn[i];
	}
}

static void gen_decision(cg *g)
{
	chk_policy *pol = g->pol;
	bc_program *p = g->p;
	fnbuf f = { 0 };
	/* Exclusions before counting come first; their rules precede the others. */
	uint32_t *before_rule = must_calloc((size_t)pol->nbefore, sizeof *before_rule);
	for (int i = 0; i < pol->nbefore; i++)
		before_rule[i] = add_rule(g, RULE_EXCLUDE_BEFORE, pol->before[i]->loc, -1, pol->before[i]->reason,
					  BC_NONE, pol->before[i]->feedback.code);
	gen_floor_and_skips(g);
	uint32_t *rule_index = must_calloc((size_t)pol->nrules, sizeof *rule_index);
	for (int i = 0; i < pol->nrules; i++) {
		const ast_stmt *r = pol->rules[i];
		rule_index[i] = r->kind == S_EXCLUDE
			? add_rule(g, RULE_EXCLUDE, r->loc, -1, r->reason, BC_NONE, r->feedback.code)
			: add_rule(g, RULE_BUCKET, r->loc, pol->rule_bucket[i], NULL, BC_NONE, 0);
	}
	for (int i = 0; i < pol->nbefore; i++) {
		mark_line(&f, pol->before[i]->loc.line);
		emit_cond(g, &f, pol->before[i]->cond);
		const uint32_t ops[2] = { before_rule[i], 0 };
		opn(&f, BC_RULE, 2, ops);
		const uint32_t next = f.n - 2;
		op1(&f, BC_DECIDE, before_rule[i]);
		patch(&f, next);
		code_limit(g, &f, pol->before[i]->loc, "exclusions");
	}
	free(before_rule);
	op0(&f, BC_COUNTED);
	bool ended = false;
	diag_loc last = pol->header ? pol->header->loc : (diag_loc){ 1, 1, 1, 1 };
	/* Rules after bands that take every value are never reached. */
	const int nrules = pol->cover_end >= 0 ? pol->cover_end + 1 : pol->nrules;
	for (int i = 0; i < nrules && !ended; i++) {
		const ast_stmt *r = pol->rules[i];
		last = r->loc;
		mark_line(&f, r->loc.line);
		if (!r->cond) {
			op1(&f, BC_DECIDE, rule_index[i]);
			ended = true;
		} else {
			emit_cond(g, &f, r->cond);
			const uint32_t ops[2] = { rule_index[i], 0 };
			opn(&f, BC_RULE, 2, ops);
			const uint32_t next = f.n - 2;
			op1(&f, BC_DECIDE, rule_index[i]);
			patch(&f, next);
		}
		code_limit(g, &f, r->loc, "rules");
	}
	if (!ended && pol->cover_end >= 0) {
		/* Bands covering every value of a value that is never missing: no
		 * household gets here; the verifier still wants every path to end. */
		op1(&f, BC_DECIDE, rule_index[pol->cover_end]);
		ended = true;
	}
	free(rule_index);
	if (!ended)
		g->failed = true;   /* the checker requires "otherwise" or covering bands */
	p->decision_fn = finish(g, &f, FN_DECISION, TY_UNKNOWN, NULL, last);
}

static int order_keys(cg *g, const ast_order_key *keys, bc_order_key *out)
{
	int n = 0;
	for (const ast_order_key *k = keys; k && n < BC_MAX_ORDER; k = k->next, n++) {
		out[n].fn = value_fn(g, k->expr, k->expr->type, NULL);
		out[n].descending = k->descending;
	}
	return n;
}

static void gen_buckets(cg *g)
{
	chk_policy *pol = g->pol;
	bc_program *p = g->p;
	p->buckets = calloc((size_t)pol->nbuckets + 1, sizeof *p->buckets);
	if (!p->buckets)
		abort();
	for (int i = 0; i < pol->nbuckets; i++) {
		const chk_bucket *b = &pol->buckets[i];
		bc_bucket *o = &p->buckets[i];
		g->loc = b->stmt->loc;
		o->name = text_const(g, b->name);
		o->line = (uint32_t)b->stmt->loc.line;
		o->capacity = b->capacity;
		o->overflow = b->overflow;
		o->without_phone = b->without_phone;
		o->without_email = b->without_email;
		o->backfill_from = b->backfill_from;
		o->spread = !b->spread ? SPREAD_NONE : b->rotating ? SPREAD_DISTRICT_ROTATING : SPREAD_DISTRICT;
		o->no_follow_up = b->no_follow_up;
		o->feedback = (uint8_t)b->feedback;
		o->term_unit = (uint8_t)b->term_unit;
		o->term = (uint16_t)b->term;
		o->capacity_param = b->capacity_param >= 0 ? (uint16_t)(g->param_of_def[b->capacity_param] + 1) : 0;
		o->norder = (uint8_t)order_keys(g, b->order, o->order);
		o->nbackfill_order = (uint8_t)order_keys(g, b->backfill_order, o->backfill_order);
	}
	p->nbuckets = (uint32_t)pol->nbuckets;
}

static void gen_labels(cg *g)
{
	chk_policy *pol = g->pol;
	bc_program *p = g->p;
	p->labels = calloc((size_t)pol->nlabels + 1, sizeof *p->labels);
	if (!p->labels)
		abort();
	for (int i = 0; i < pol->nlabels; i++) {
		const ast_stmt *l = pol->labels[i];
		fnbuf f = { 0 };
		mark_line(&f, l->loc.line);
		bool has_else = false;
		for (const ast_label_case *c = l->cases; c; c = c->next) {
			g->loc = l->loc;
			if (!c->cond) {
				op1(&f, BC_CONST, text_const(g, c->value.text));
				op0(&f, BC_RETURN);
				has_else = true;
				break;
			}
			emit_cond(g, &f, c->cond);
			const uint32_t next = jump(&f, BC_JUMP_IF_FALSE);
			g->loc = l->loc;
			op1(&f, BC_CONST, text_const(g, c->value.text));
			op0(&f, BC_RETURN);
			patch(&f, next);
		}
		g->loc = l->loc;
		if (!has_else) {
			op1(&f, BC_CONST, add_const(g, VR_MISSING, NULL, true));
			op0(&f, BC_RETURN);
		}
		p->labels[i].fn = finish(g, &f, FN_HOUSEHOLD, TY_TEXT, l->name.text, l->loc);
		p->labels[i].name = text_const(g, l->name.text);
	}
	p->nlabels = (uint32_t)pol->nlabels;
}

static bool compile_held(const char *name, const char *text, size_t len, diag *d, bc_program *out);

bool compile_policy(const char *name, const char *text, size_t len, diag *d, bc_program *out)
{
	/* The parser and the checker's passes find problems out of line
	 * order; they are told in line order. */
	diag_hold(d);
	const bool ok = compile_held(name, text, len, d, out);
	diag_release(d);
	return ok;
}

static bool compile_held(const char *name, const char *text, size_t len, diag *d, bc_program *out)
{
	memset(out, 0, sizeof *out);
	const int errors_before = d->errors;
	arena a;
	arena_init(&a);
	ast_file *file = parse_rules(&a, d, name, text, len);
	chk_policy *pol = NULL;
	if (d->errors == errors_before)
		pol = check_policy(&a, d, file);
	if (!pol || d->errors != errors_before) {
		arena_free(&a);
		return false;
	}
	cg g = { .p = out, .pol = pol, .d = d, .src = { name, text, len }, .loc = pol->header->loc };
	out->policy_name = dup(pol->header->name.text);
	out->policy_version = dup(pol->header->version ? pol->header->version : "");
	out->source_name = dup(name);
	out->effective = pol->header->has_effective ? pol->header->effective : -1;
	sha256(text, len, out->source_sha256);
	out->lookback = (uint16_t)(pol->lookback > 1200 ? 1200 : pol->lookback);
	gen_params(&g);
	gen_defs(&g);
	gen_decision(&g);
	gen_buckets(&g);
	gen_labels(&g);
	free(g.def_fn);
	free(g.param_of_def);
	free(g.own);
	free(g.const_at);
	arena_free(&a);
	if (g.failed || !bc_verify(out, d)) {
		if (!g.failed)
			diag_error(d, "%s: internal error: the compiled policy failed verification", name);
		bc_program_free(out);
		memset(out, 0, sizeof *out);
		return false;
	}
	return true;
}
