/* cond.c - comparing checked conditions (contract in cond.h).
 *
 * "B implies A" is decided on the shape of the trees: B and A the same; B an
 * `and` one side of which implies A; A an `or` one side of which B implies; B
 * an `or` both sides of which imply A; A an `and` both sides of which B
 * implies; or two bands on the same value, B's inside A's. Sub-pairs are
 * remembered, so a pair of conditions costs at most the product of their
 * sizes, never the exponential number of ways through them.
 *
 * Finding, for every rule, the first earlier rule it implies would compare
 * every pair of rules. An index narrows it down. Cut a condition at its
 * `and`s into conjuncts; its leaves are what is left below its `and`s and
 * `or`s. If B implies A then, for every conjunct of A, some leaf of B implies
 * some leaf of that conjunct (for a band: lies inside it). So each earlier
 * rule is filed under the leaves of one conjunct, the one whose leaves are
 * rarest; a band leaf is filed by its value and interval, in a merge-sort
 * tree (points by lower end; each node its points by upper end) that finds
 * the intervals holding a given one without looking at the others. A later
 * rule then only meets the rules filed under its own leaves. Rules that are
 * one band (`arrears between 100 and 200`), the bulk of a large generated
 * policy, need not even that: their own trees give the first rule holding
 * the band straight away. */
#include "cond.h"

#include <stdlib.h>
#include <string.h>

#include "fields.h"

bool cond_same(const ast_expr *a, const ast_expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case E_OR: case E_AND:
		return cond_same(a->u.bin.lhs, b->u.bin.lhs) && cond_same(a->u.bin.rhs, b->u.bin.rhs);
	case E_NOT:
		return cond_same(a->u.operand, b->u.operand);
	case E_CMP:
		return a->u.cmp.op == b->u.cmp.op && cond_same(a->u.cmp.lhs, b->u.cmp.lhs) &&
		       cond_same(a->u.cmp.rhs, b->u.cmp.rhs);
	case E_BETWEEN:
		return cond_same(a->u.between.value, b->u.between.value) &&
		       cond_same(a->u.between.lo, b->u.between.lo) && cond_same(a->u.between.hi, b->u.between.hi);
	case E_IN:
		if (a->u.in.nitems != b->u.in.nitems || a->u.in.negated != b->u.in.negated ||
		    !cond_same(a->u.in.value, b->u.in.value))
			return false;
		for (int i = 0; i < a->u.in.nitems; i++)
			if (!cond_same(a->u.in.items[i], b->u.in.items[i]))
				return false;
		return true;
	case E_MISSING:
		return a->u.missing.known == b->u.missing.known && cond_same(a->u.missing.value, b->u.missing.value);
	case E_NAME:
		return strcmp(a->u.name.text, b->u.name.text) == 0;
	case E_INT: case E_DECIMAL: case E_MONEY:
		return a->u.number == b->u.number;
	case E_STRING:
		return strcmp(a->u.string, b->u.string) == 0;
	case E_AGG: {
		int alo, ahi, blo, bhi;
		ast_window_range(a->u.agg.window, &alo, &ahi);
		ast_window_range(b->u.agg.window, &blo, &bhi);
		return a->u.agg.agg == b->u.agg.agg && alo == blo && ahi == bhi &&
		       cond_same(a->u.agg.cond, b->u.agg.cond) &&
		       (a->u.agg.field == b->u.agg.field ||
			(a->u.agg.field && b->u.agg.field && strcmp(a->u.agg.field, b->u.agg.field) == 0));
	}
	}
	return false;
}

/* ---- bands ----------------------------------------------------------------- */

static bool constant(const ast_expr *e, int64_t *v)
{
	if (e->kind != E_INT && e->kind != E_DECIMAL && e->kind != E_MONEY)
		return false;
	*v = e->u.number;
	return true;
}

/* Bands only end the rules on values that always exist: a missing value
 * would fail every comparison and fall through. */
static bool never_missing(const ast_expr *e)
{
	if (e->kind == E_NAME)
		return (e->u.name.ref == REF_HOUSEHOLD_FACT && e->u.name.index == HF_ARREARS) ||
		       e->u.name.ref == REF_SECTOR_TOTAL;
	if (e->kind == E_AGG)
		return e->u.agg.agg == AGG_CREDITORS || e->u.agg.agg == AGG_SECTORS || e->u.agg.agg == AGG_SIGNALS ||
		       e->u.agg.agg == AGG_MONTHS || e->u.agg.agg == AGG_OUTCOMES ||
		       (e->u.agg.agg == AGG_TOTAL && e->type == TY_MONEY);
	return false;
}

bool cond_band(const ast_expr *e, const ast_expr **subject, int64_t *lo, int64_t *hi)
{
	int64_t c, d;
	if (!e)
		return false;
	if (e->kind == E_BETWEEN) {
		if (!constant(e->u.between.lo, &c) || !constant(e->u.between.hi, &d) ||
		    !never_missing(e->u.between.value))
			return false;
		*subject = e->u.between.value;
		*lo = c;
		*hi = d;
		return true;
	}
	if (e->kind != E_CMP || e->u.cmp.op == CMP_NE)
		return false;
	enum ast_cmp op = e->u.cmp.op;
	if (constant(e->u.cmp.rhs, &c) && !constant(e->u.cmp.lhs, &d)) {
		*subject = e->u.cmp.lhs;
	} else if (constant(e->u.cmp.lhs, &c) && !constant(e->u.cmp.rhs, &d)) {
		*subject = e->u.cmp.rhs;   /* "500 < arrears": mirror the operator */
		op = op == CMP_LT ? CMP_GT : op == CMP_GT ? CMP_LT : op == CMP_LE ? CMP_GE : op == CMP_GE ? CMP_LE : op;
	} else {
		return false;
	}
	if (!never_missing(*subject))
		return false;
	*lo = 0;
	*hi = INT64_MAX;
	switch (op) {
	case CMP_LT: *hi = c - 1; break;
	case CMP_LE: *hi = c; break;
	case CMP_GT: *lo = c == INT64_MAX ? c : c + 1; break;
	case CMP_GE: *lo = c; break;
	case CMP_EQ: *lo = *hi = c; break;
	case CMP_NE: return false;
	}
	return true;
}

/* ---- hashing: equal (cond_same) conditions hash equal ----------------------- */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
	return h * 0xFF51AFD7ED558CCDull;
}

static uint64_t hash_text(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ull;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ull;
	return h;
}

static uint64_t hash_expr(const ast_expr *e)
{
	if (!e)
		return 0x5bd1e995;
	uint64_t h = mix(0, (uint64_t)e->kind + 1);
	switch (e->kind) {
	case E_OR: case E_AND:
		return mix(mix(h, hash_expr(e->u.bin.lhs)), hash_expr(e->u.bin.rhs));
	case E_NOT:
		return mix(h, hash_expr(e->u.operand));
	case E_CMP:
		return mix(mix(mix(h, (uint64_t)e->u.cmp.op), hash_expr(e->u.cmp.lhs)), hash_expr(e->u.cmp.rhs));
	case E_BETWEEN:
		return mix(mix(mix(h, hash_expr(e->u.between.value)), hash_expr(e->u.between.lo)),
			   hash_expr(e->u.between.hi));
	case E_IN:
		h = mix(mix(mix(h, (uint64_t)e->u.in.nitems), e->u.in.negated), hash_expr(e->u.in.value));
		for (int i = 0; i < e->u.in.nitems; i++)
			h = mix(h, hash_expr(e->u.in.items[i]));
		return h;
	case E_MISSING:
		return mix(mix(h, e->u.missing.known), hash_expr(e->u.missing.value));
	case E_NAME:
		return mix(h, hash_text(e->u.name.text));
	case E_INT: case E_DECIMAL: case E_MONEY:
		return mix(h, (uint64_t)e->u.number);
	case E_STRING:
		return mix(h, hash_text(e->u.string));
	case E_AGG: {
		int lo, hi;
		ast_window_range(e->u.agg.window, &lo, &hi);
		h = mix(mix(mix(h, (uint64_t)e->u.agg.agg), (uint64_t)lo), (uint64_t)hi);
		return mix(mix(h, hash_expr(e->u.agg.cond)), hash_text(e->u.agg.field));
	}
	}
	return h;
}

/* ---- a map from 64-bit keys to ints (open addressing, no removal) ---------- */

typedef struct u64map {
	uint64_t *keys;
	int *vals;
	unsigned char *used;
	size_t mask;
} u64map;

static void map_init(u64map *m, arena *a, size_t entries)
{
	size_t size = 16;
	while (size < 2 * entries)
		size *= 2;
	m->keys = arena_alloc(a, size * sizeof *m->keys);
	m->vals = arena_alloc(a, size * sizeof *m->vals);
	m->used = arena_alloc(a, size);
	m->mask = size - 1;
}

/* The slot of KEY: where it is, or the free slot where it would go. */
static size_t map_slot(const u64map *m, uint64_t key)
{
	size_t s = (size_t)(key ^ key >> 29) & m->mask;
	while (m->used[s] && m->keys[s] != key)
		s = (s + 1) & m->mask;
	return s;
}

/* ---- the work of one rule -------------------------------------------------- */

typedef struct memo {
	const ast_expr *b, *a;
	uint32_t gen;
	bool implies;
} memo;

typedef struct shadow {
	arena scratch;
	memo *memo;       /* pairs of sub-conditions compared for the current rule */
	size_t memo_size; /* 0 until needed, then a power of two */
	size_t memo_used; /* entries of the current generation */
	uint32_t gen;     /* memo entries of other generations are free */
	int work;         /* left for the current rule */
} shadow;

static bool is_andor(const ast_expr *e)
{
	return e->kind == E_AND || e->kind == E_OR;
}

static bool leaf_implies(const ast_expr *b, const ast_expr *a)
{
	if (cond_same(b, a))
		return true;
	const ast_expr *sa, *sb;
	int64_t alo, ahi, blo, bhi;
	return cond_band(a, &sa, &alo, &ahi) && cond_band(b, &sb, &blo, &bhi) && cond_same(sa, sb) &&
	       alo <= blo && bhi <= ahi;
}

static size_t memo_slot(const shadow *sh, const ast_expr *b, const ast_expr *a)
{
	const uint64_t k = mix((uint64_t)(uintptr_t)b, (uint64_t)(uintptr_t)a);
	const size_t mask = sh->memo_size - 1;
	size_t s = (size_t)(k >> 17) & mask;
	while (sh->memo[s].gen == sh->gen && (sh->memo[s].b != b || sh->memo[s].a != a))
		s = (s + 1) & mask;
	return s;
}

/* Makes room for one more entry: the table starts small (most policies
 * compare few compound conditions) and doubles, keeping this generation's. */
static void memo_room(shadow *sh)
{
	if (2 * (sh->memo_used + 1) <= sh->memo_size)
		return;
	const memo *old = sh->memo;
	const size_t old_size = sh->memo_size;
	sh->memo_size = old_size ? 2 * old_size : 256;
	sh->memo = arena_alloc(&sh->scratch, sizeof *sh->memo * sh->memo_size);
	for (size_t i = 0; i < old_size; i++)
		if (old[i].gen == sh->gen)
			sh->memo[memo_slot(sh, old[i].b, old[i].a)] = old[i];
}

/* Whether B implies A; false, too, once the rule's work is spent. */
static bool implies(shadow *sh, const ast_expr *b, const ast_expr *a)
{
	if (sh->work <= 0)
		return false;
	sh->work--;
	if (!is_andor(b) && !is_andor(a))
		return leaf_implies(b, a);
	if (sh->memo_size) {
		const size_t s = memo_slot(sh, b, a);
		if (sh->memo[s].gen == sh->gen)
			return sh->memo[s].implies;
	}
	const bool r = (b->kind == E_AND && (implies(sh, b->u.bin.lhs, a) || implies(sh, b->u.bin.rhs, a))) ||
		       (a->kind == E_OR && (implies(sh, b, a->u.bin.lhs) || implies(sh, b, a->u.bin.rhs))) ||
		       (b->kind == E_OR && implies(sh, b->u.bin.lhs, a) && implies(sh, b->u.bin.rhs, a)) ||
		       (a->kind == E_AND && implies(sh, b, a->u.bin.lhs) && implies(sh, b, a->u.bin.rhs));
	memo_room(sh);
	sh->memo[memo_slot(sh, b, a)] = (memo){ b, a, sh->gen, r };
	sh->memo_used++;
	return r;
}

/* ---- the leaves of the rules ------------------------------------------------ */

/* A leaf of a rule's condition, and where it is filed. */
typedef struct leaf {
	const ast_expr *e;
	uint64_t key;       /* not a band: its hash */
	int cls;            /* a band: the class of its value (equal values, one class); else -1 */
	int64_t lo, hi;     /* a band: its interval */
} leaf;

typedef struct leaves {
	leaf *v;
	size_t n;
} leaves;

static size_t count_leaves(const ast_expr *e)
{
	return is_andor(e) ? count_leaves(e->u.bin.lhs) + count_leaves(e->u.bin.rhs) : 1;
}

/* Appends the leaves of E, left to right (L has room): those of one
 * conjunct are then next to each other. */
static void collect_leaves(leaves *l, const ast_expr *e)
{
	if (is_andor(e)) {
		collect_leaves(l, e->u.bin.lhs);
		collect_leaves(l, e->u.bin.rhs);
	} else {
		l->v[l->n++] = (leaf){ .e = e, .cls = -1 };
	}
}

/* Values of bands, each a class of equal (cond_same) expressions. */
typedef struct classes {
	u64map by_hash;         /* hash -> first class of that hash */
	const ast_expr **value; /* per class */
	int *next_same_hash;    /* per class: another class of the same hash, or -1 */
	int n;
} classes;

static int class_of(classes *c, const ast_expr *value)
{
	const uint64_t h = hash_expr(value);
	const size_t s = map_slot(&c->by_hash, h);
	if (c->by_hash.used[s]) {
		int k = c->by_hash.vals[s];
		for (;;) {
			if (cond_same(c->value[k], value))
				return k;
			if (c->next_same_hash[k] < 0)
				break;
			k = c->next_same_hash[k];
		}
		c->next_same_hash[k] = c->n;
	} else {
		c->by_hash.used[s] = 1;
		c->by_hash.keys[s] = h;
		c->by_hash.vals[s] = c->n;
	}
	c->value[c->n] = value;
	c->next_same_hash[c->n] = -1;
	return c->n++;
}

/* ---- intervals holding an interval: a merge-sort tree ------------------------ */

typedef struct point {
	int cls;
	int64_t lo, hi;
	int j;
} point;

static int by_int(const void *x, const void *y)
{
	const int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

static int by_class_lo(const void *x, const void *y)
{
	const point *a = x, *b = y;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return (a->j > b->j) - (a->j < b->j);
}

/* The points of one class, by lower end; node v of the tree (1 the root,
 * size + p the leaf of point p) keeps its points in the pool at
 * [start[v], end[v]), by upper end descending, with beside each its rule
 * index (a tree to list them, FOR_MIN false) or the least rule index so far
 * (a tree to find the first, FOR_MIN true). */
typedef struct tree {
	int m, size;
	const point *pts;
	int *start, *end;
	int64_t *hi;
	int *j;
} tree;

static void tree_build(arena *a, tree *t, const point *pts, int m, bool for_min)
{
	t->m = m;
	t->pts = pts;
	t->size = 1;
	int levels = 1;
	while (t->size < m) {
		t->size *= 2;
		levels++;
	}
	t->start = arena_alloc(a, sizeof *t->start * (size_t)(2 * t->size));
	t->end = arena_alloc(a, sizeof *t->end * (size_t)(2 * t->size));
	const size_t pool = (size_t)m * (size_t)levels;
	t->hi = arena_alloc(a, sizeof *t->hi * pool);
	t->j = arena_alloc(a, sizeof *t->j * pool);
	/* Level by level from the leaves; a node's points are its children's,
	 * merged (a rule index of a child's pool is then its least so far, when
	 * FOR_MIN, so the merge takes the least of the two). */
	int at = 0;
	for (int first = t->size; first >= 1; first /= 2) {
		for (int v = first; v < 2 * first; v++) {
			t->start[v] = at;
			if (first == t->size) {
				const int p = v - t->size;
				if (p < m) {
					t->hi[at] = pts[p].hi;
					t->j[at] = pts[p].j;
					at++;
				}
			} else {
				int x = t->start[2 * v], y = t->start[2 * v + 1];
				const int xe = t->end[2 * v], ye = t->end[2 * v + 1];
				while (x < xe || y < ye) {
					const bool left = y == ye || (x < xe && t->hi[x] >= t->hi[y]);
					const int from = left ? x++ : y++;
					t->hi[at] = t->hi[from];
					t->j[at] = t->j[from];
					at++;
				}
			}
			t->end[v] = at;
			if (for_min && first != t->size)
				for (int k = t->start[v] + 1; k < at; k++)
					if (t->j[k - 1] < t->j[k])
						t->j[k] = t->j[k - 1];
		}
	}
}

/* The points of node V with an upper end of at least HI: the first how many. */
static int node_count(const tree *t, int v, int64_t hi)
{
	int a = t->start[v], b = t->end[v];
	while (a < b) {
		const int mid = a + (b - a) / 2;
		if (t->hi[mid] >= hi)
			a = mid + 1;
		else
			b = mid;
	}
	return a - t->start[v];
}

/* The nodes that together hold the points with a lower end of at most LO
 * (at most two a level); returns how many were written to NODES. */
static int prefix_nodes(const tree *t, int64_t lo, int *nodes)
{
	int a = 0, b = t->m;
	while (a < b) {
		const int mid = a + (b - a) / 2;
		if (t->pts[mid].lo <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	int n = 0;
	for (int l = t->size, r = t->size + a; l < r; l /= 2, r /= 2) {
		if (l & 1)
			nodes[n++] = l++;
		if (r & 1)
			nodes[n++] = --r;
	}
	return n;
}

enum { MAX_NODES = 64 };   /* two a level of a tree of up to 2^31 points */

/* The least rule index of the points holding [LO, HI], or INT32_MAX. */
static int tree_min(const tree *t, int64_t lo, int64_t hi)
{
	int nodes[MAX_NODES], best = INT32_MAX;
	const int n = prefix_nodes(t, lo, nodes);
	for (int i = 0; i < n; i++) {
		const int k = node_count(t, nodes[i], hi);
		if (k > 0 && t->j[t->start[nodes[i]] + k - 1] < best)
			best = t->j[t->start[nodes[i]] + k - 1];
	}
	return best;
}

/* Appends to OUT the rule indexes below LIMIT of the points holding [LO, HI];
 * each point looked at costs a unit of the rule's work. */
static void tree_holding(const tree *t, int64_t lo, int64_t hi, int limit, shadow *sh, int *out, int *n)
{
	int nodes[MAX_NODES];
	const int nn = prefix_nodes(t, lo, nodes);
	for (int i = 0; i < nn; i++) {
		const int k = node_count(t, nodes[i], hi);
		for (int q = t->start[nodes[i]]; q < t->start[nodes[i]] + k && sh->work > 0; q++, sh->work--)
			if (t->j[q] < limit)
				out[(*n)++] = t->j[q];
	}
}

/* ---- one-band rules a condition implies ------------------------------------ */

/* A band an earlier one-band rule must hold for a condition to imply it. */
typedef struct alt {
	int cls;
	int64_t lo, hi;
} alt;

enum { MAX_ALTS = 16 };

/* The bands one of which a one-band rule must hold for E to imply it (B and C
 * imply a band when either does; B or C when both do: the band then holds
 * their hull), written to OUT; their number, or -1 when there are more than
 * CAP. Walks E's leaves in the order collect_leaves gave them, from *K. */
static int alternatives(const ast_expr *e, const leaf *lv, size_t *k, alt *out, int cap)
{
	if (e->kind == E_AND) {
		const int n1 = alternatives(e->u.bin.lhs, lv, k, out, cap);
		const int used = n1 < 0 ? 0 : n1;
		const int n2 = alternatives(e->u.bin.rhs, lv, k, out + used, cap - used);
		return n1 < 0 || n2 < 0 ? -1 : n1 + n2;
	}
	if (e->kind == E_OR) {
		alt l[MAX_ALTS], r[MAX_ALTS];
		const int nl = alternatives(e->u.bin.lhs, lv, k, l, MAX_ALTS);
		const int nr = alternatives(e->u.bin.rhs, lv, k, r, MAX_ALTS);
		if (nl < 0 || nr < 0)
			return -1;
		int n = 0;
		for (int x = 0; x < nl; x++)
			for (int y = 0; y < nr; y++) {
				if (l[x].cls != r[y].cls)
					continue;
				if (n == cap)
					return -1;
				out[n++] = (alt){ l[x].cls, l[x].lo < r[y].lo ? l[x].lo : r[y].lo,
						  l[x].hi > r[y].hi ? l[x].hi : r[y].hi };
			}
		return n;
	}
	const leaf *f = &lv[(*k)++];
	if (f->cls < 0)
		return 0;
	if (cap < 1)
		return -1;
	out[0] = (alt){ f->cls, f->lo, f->hi };
	return 1;
}

/* ---- filing the rules -------------------------------------------------------- */

/* A rule filed under the hash of a leaf that is not a band. */
typedef struct reg {
	uint64_t key;
	int j;
} reg;

static int by_key_j(const void *x, const void *y)
{
	const reg *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->j > b->j) - (a->j < b->j);
}

/* The leaf ranges of E's conjuncts, from leaf *K on, appended to RANGES
 * (pairs of start and end). */
static void conjuncts(const ast_expr *e, size_t *k, size_t *ranges, size_t *n)
{
	if (e->kind == E_AND) {
		conjuncts(e->u.bin.lhs, k, ranges, n);
		conjuncts(e->u.bin.rhs, k, ranges, n);
		return;
	}
	ranges[2 * *n] = *k;
	*k += count_leaves(e);
	ranges[2 * *n + 1] = *k;
	(*n)++;
}

/* Trees for the points of each class (POINTS sorted by class, then lower end). */
static tree *trees_for(arena *a, const point *points, int n, int nclasses, bool for_min)
{
	tree *t = arena_alloc(a, sizeof *t * (size_t)(nclasses + 1));
	for (int i = 0; i < n;) {
		int e = i;
		while (e < n && points[e].cls == points[i].cls)
			e++;
		tree_build(a, &t[points[i].cls], points + i, e - i, for_min);
		i = e;
	}
	return t;
}

/* ---- the search -------------------------------------------------------------- */

/* Cursors over the filed lists, by their next rule index: a binary heap. */
typedef struct heap {
	size_t *pos;     /* into the sorted registrations */
	int n;
} heap;

static void heap_down(heap *h, const reg *regs, int at)
{
	for (;;) {
		int m = at;
		const int l = 2 * at + 1, r = l + 1;
		if (l < h->n && regs[h->pos[l]].j < regs[h->pos[m]].j)
			m = l;
		if (r < h->n && regs[h->pos[r]].j < regs[h->pos[m]].j)
			m = r;
		if (m == at)
			return;
		const size_t t = h->pos[m];
		h->pos[m] = h->pos[at];
		h->pos[at] = t;
		at = m;
	}
}

int *cond_first_implied(arena *a, ast_expr *const *conds, int n)
{
	int *first = arena_alloc(a, sizeof *first * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		first[i] = -1;
	shadow sh = { .gen = 0 };
	arena_init(&sh.scratch);

	/* Every rule's leaves; rule i has [from[i], from[i + 1]). */
	size_t nleaves = 0;
	for (int i = 0; i < n; i++)
		nleaves += conds[i] ? count_leaves(conds[i]) : 0;
	leaves lv = { arena_alloc(&sh.scratch, sizeof *lv.v * (nleaves + 1)), 0 };
	size_t *from = arena_alloc(&sh.scratch, sizeof *from * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		from[i] = lv.n;
		if (conds[i])
			collect_leaves(&lv, conds[i]);
	}
	from[n] = lv.n;

	/* Bands by the class of their value; other leaves by hash, with how
	 * often each hash occurs. */
	classes cl = { .n = 0 };
	map_init(&cl.by_hash, &sh.scratch, lv.n);
	cl.value = arena_alloc(&sh.scratch, sizeof *cl.value * (lv.n + 1));
	cl.next_same_hash = arena_alloc(&sh.scratch, sizeof *cl.next_same_hash * (lv.n + 1));
	u64map freq;
	map_init(&freq, &sh.scratch, lv.n);
	for (size_t k = 0; k < lv.n; k++) {
		leaf *f = &lv.v[k];
		const ast_expr *subject;
		if (cond_band(f->e, &subject, &f->lo, &f->hi)) {
			f->cls = class_of(&cl, subject);
			continue;
		}
		f->key = hash_expr(f->e);
		const size_t s = map_slot(&freq, f->key);
		if (!freq.used[s]) {
			freq.used[s] = 1;
			freq.keys[s] = f->key;
		}
		freq.vals[s]++;
	}

	/* File every rule: a one-band rule by its band; any other under the
	 * leaves of its conjunct that fewest rules share (a band counts as
	 * rare: only bands holding it will find it). */
	point *pure = arena_alloc(&sh.scratch, sizeof *pure * (size_t)(n + 1));
	point *filed = arena_alloc(&sh.scratch, sizeof *filed * (lv.n + 1));
	reg *regs = arena_alloc(&sh.scratch, sizeof *regs * (lv.n + 1));
	size_t *ranges = arena_alloc(&sh.scratch, sizeof *ranges * 2 * (lv.n + 1));
	int npure = 0, nfiled = 0;
	size_t nregs = 0;
	for (int j = 0; j < n; j++) {
		if (!conds[j])
			continue;
		if (!is_andor(conds[j]) && lv.v[from[j]].cls >= 0) {
			const leaf *f = &lv.v[from[j]];
			pure[npure++] = (point){ f->cls, f->lo, f->hi, j };
			continue;
		}
		size_t k = from[j], nconj = 0;
		conjuncts(conds[j], &k, ranges, &nconj);
		size_t best = 0;
		uint64_t best_cost = UINT64_MAX;
		for (size_t c = 0; c < nconj; c++) {
			uint64_t cost = 0;
			for (size_t q = ranges[2 * c]; q < ranges[2 * c + 1]; q++)
				cost += lv.v[q].cls >= 0 ? 1 : (uint64_t)freq.vals[map_slot(&freq, lv.v[q].key)];
			if (cost < best_cost) {
				best_cost = cost;
				best = c;
			}
		}
		for (size_t q = ranges[2 * best]; q < ranges[2 * best + 1]; q++) {
			const leaf *f = &lv.v[q];
			if (f->cls >= 0)
				filed[nfiled++] = (point){ f->cls, f->lo, f->hi, j };
			else
				regs[nregs++] = (reg){ f->key, j };
		}
	}
	if (npure)
		qsort(pure, (size_t)npure, sizeof *pure, by_class_lo);
	if (nfiled)
		qsort(filed, (size_t)nfiled, sizeof *filed, by_class_lo);
	if (nregs)
		qsort(regs, nregs, sizeof *regs, by_key_j);
	const tree *pure_trees = trees_for(&sh.scratch, pure, npure, cl.n, true);
	const tree *filed_trees = trees_for(&sh.scratch, filed, nfiled, cl.n, false);
	u64map list_at;   /* hash -> its first registration */
	map_init(&list_at, &sh.scratch, nregs);
	for (size_t r = 0; r < nregs; r++) {
		const size_t s = map_slot(&list_at, regs[r].key);
		if (!list_at.used[s]) {
			list_at.used[s] = 1;
			list_at.keys[s] = regs[r].key;
			list_at.vals[s] = (int)r;
		}
	}

	int *cand = arena_alloc(&sh.scratch, sizeof *cand * (size_t)((nfiled < COND_WORK_PER_RULE ? nfiled : COND_WORK_PER_RULE) + 1));
	heap h = { arena_alloc(&sh.scratch, sizeof *h.pos * (lv.n + 1)), 0 };
	for (int i = 0; i < n; i++) {
		if (!conds[i])
			continue;
		sh.gen++;
		sh.memo_used = 0;
		sh.work = COND_WORK_PER_RULE;
		/* The first one-band rule holding a band this condition needs. */
		int best = INT32_MAX;
		alt alts[MAX_ALTS];
		size_t k = from[i];
		const int nalts = alternatives(conds[i], lv.v, &k, alts, MAX_ALTS);
		for (int x = 0; x < nalts; x++) {
			const int q = pure_trees[alts[x].cls].m ? tree_min(&pure_trees[alts[x].cls], alts[x].lo, alts[x].hi) : INT32_MAX;
			if (q < i && q < best)
				best = q;
		}
		/* Earlier than that: the rules filed under this rule's leaves, in
		 * order, until one is implied. */
		const int limit = best < i ? best : i;
		int nc = 0;
		h.n = 0;
		for (size_t q = from[i]; q < from[i + 1]; q++) {
			const leaf *f = &lv.v[q];
			if (f->cls >= 0) {
				if (filed_trees[f->cls].m)
					tree_holding(&filed_trees[f->cls], f->lo, f->hi, limit, &sh, cand, &nc);
				continue;
			}
			const size_t s = map_slot(&list_at, f->key);
			if (list_at.used[s])
				h.pos[h.n++] = (size_t)list_at.vals[s];
		}
		if (nc > 1)
			qsort(cand, (size_t)nc, sizeof *cand, by_int);
		for (int x = h.n / 2; x-- > 0;)
			heap_down(&h, regs, x);
		int c = 0, tried = -1;
		while (sh.work > 0) {
			const int from_tree = c < nc ? cand[c] : INT32_MAX;
			const int from_list = h.n ? regs[h.pos[0]].j : INT32_MAX;
			const int j = from_tree < from_list ? from_tree : from_list;
			if (j >= limit)
				break;
			if (from_tree <= from_list) {
				c++;
			} else {
				const size_t next = h.pos[0] + 1;
				if (next < nregs && regs[next].key == regs[h.pos[0]].key)
					h.pos[0] = next;
				else
					h.pos[0] = h.pos[--h.n];
				heap_down(&h, regs, 0);
			}
			if (j == tried)
				continue;
			tried = j;
			sh.work--;
			if (cond_same(conds[i], conds[j]) || implies(&sh, conds[i], conds[j])) {
				best = j;
				break;
			}
		}
		first[i] = best < i ? best : -1;
	}
	arena_free(&sh.scratch);
	return first;
}
