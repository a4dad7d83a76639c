/* checker.h - the semantic pass: resolves every name, gives every expression a
 * type (money, counts, days, ages, flags, text and enums do not mix), checks
 * buckets (targets, capacities, overflow cycles) and the rules (no household
 * falls through), and warns about what is legal but probably wrong. */
#ifndef VROEG_CHECKER_H
#define VROEG_CHECKER_H

#include "arena.h"
#include "ast.h"
#include "bytecode.h"
#include "diag.h"

typedef struct chk_def {
	const char *name;
	ast_stmt *stmt;
	enum ast_type type;
	bool builtin;
	bool used;
	int nest;            /* levels of functions its value takes, itself included */
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
	bool unlimited;      /* "capacity unlimited": no limit, on purpose (capacity -1) */
	bool spread, no_follow_up;
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
