/* checker.h - the semantic pass: resolves every name, gives every expression a
 * type (money, counts, days, ages, flags, text and enums do not mix) and each
 * named number one kind, checks buckets (targets, capacities, overflow
 * cycles, contact terms, feedback codes) and the rules (no household falls
 * through), and warns about what is legal but probably wrong. */
#ifndef VROEG_CHECKER_H
#define VROEG_CHECKER_H

#include "arena.h"
#include "ast.h"
#include "bytecode.h"
#include "diag.h"

/* A definition, or a named number (`define floor = 100`): a number a policy
 * names so that it can be changed in one place, or for one call (`--set`).
 * A named number written as a whole number takes its kind from its first
 * use (money, a count, days, an age); written with decimals or `EUR` it is
 * money. Every other use must be of the same kind. */
typedef struct chk_def {
	const char *name;
	ast_stmt *stmt;
	enum ast_type type;  /* a named number's kind: TY_NUMBER until a use fixes it */
	bool builtin;
	bool used;
	int nest;            /* levels of functions its value takes, itself included */
	bool param;          /* a named number */
	int64_t value;       /* a named number's value in its kind's unit (cents for money) */
	diag_loc kind_loc;   /* the use that fixed its kind */
} chk_def;

/* The most levels a definition may nest: a definition that uses another is
 * one level more than it, a condition of `any`, `all` or `with` inside is a
 * level of its own, and the rule that uses the definition adds one more,
 * which the VM (BC_MAX_NESTING) must have room for. */
enum { CHK_MAX_DEF_NESTING = BC_MAX_NESTING - 1 };

/* A window reaches at most this many months back (`within 1000 months`). */
enum { CHK_MAX_WINDOW = 1000 };

typedef struct chk_bucket {
	const char *name;
	ast_stmt *stmt;
	int overflow, without_phone, without_email, backfill_from;  /* indexes or -1 */
	int64_t capacity;                                           /* -1: none */
	int capacity_param;  /* the named number giving the capacity (a definition), or -1 */
	bool unlimited;      /* "capacity unlimited": no limit, on purpose (capacity -1) */
	bool spread, rotating, no_follow_up;
	int term_unit, term; /* contact term: enum cal_unit (CAL_NONE) and its length */
	int feedback;        /* enum vr_feedback, 0 when not stated */
	ast_order_key *order, *backfill_order;
	bool reached;        /* some rule, skip, overflow or redirect sends households here */
} chk_bucket;

/* The checked policy: the statements sorted by role, in source order. */
typedef struct chk_policy {
	ast_file *file;
	ast_stmt *header;
	ast_stmt **before;   int nbefore;   /* exclude ... before counting */
	ast_stmt **counts;   int ncounts;   /* count signal when */
	ast_stmt **skips;    int nskips;    /* skip signal ... when */
	int *skip_bucket;                   /* per skip: where a household of only its
					     * signals goes (`-> BUCKET`), or -1: excluded */
	chk_def *defs;       int ndefs;     /* built-ins first, then the file's */
	ast_stmt **rules;    int nrules;    /* rules and exclusions, in order */
	int *rule_bucket;                   /* per rule: bucket index, or -1 */
	chk_bucket *buckets; int nbuckets;
	ast_stmt **labels;   int nlabels;
	int lookback;                       /* months back the farthest window reaches */
	int cover_end;                      /* last rule of bands covering every value, or -1 */
} chk_policy;

/* Checks FILE (parsed without errors). The built-in definitions (match, single,
 * recidive) come from their own source, parsed here. Reports to D; the result
 * is meaningful only when D counts no new errors. */
chk_policy *check_policy(arena *a, diag *d, ast_file *file);

/* The built-in definitions, as policy text (also quoted in docs). */
extern const char check_prelude[];

#endif
