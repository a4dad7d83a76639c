/* cond.h - what one checked condition says about another, for lint: whether
 * two are the same, whether one is an amount band, and, over the rules of a
 * policy, the first earlier rule that applies whenever a rule would (so that
 * rule can never apply). Sound, not complete: a "no" proves nothing. */
#ifndef VROEG_COND_H
#define VROEG_COND_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"

/* Whether A and B are written the same (after checking: names, values,
 * operators, windows). NULL is the same only as NULL. */
bool cond_same(const ast_expr *a, const ast_expr *b);

/* Whether E compares a value that is never missing with constants ("arrears
 * < 250", "500 < arrears", "rent between 100 and 500"): *SUBJECT is the value,
 * [*LO, *HI] (inclusive) the values for which E holds. */
bool cond_band(const ast_expr *e, const ast_expr **subject, int64_t *lo, int64_t *hi);

/* Work allowed per rule in cond_first_implied (candidates looked at and pairs
 * of sub-conditions compared): a policy of thousands of rules that share
 * conditions is checked in bounded time, at the cost of perhaps missing a
 * rule that can never apply (docs/language.md, "Limits"). */
enum { COND_WORK_PER_RULE = 10000 };

/* For each of the N conditions CONDS[i] that is not NULL: the smallest j < i,
 * CONDS[j] not NULL, such that CONDS[j] holds whenever CONDS[i] does, by the
 * shapes this module knows (the same condition; CONDS[i] is CONDS[j] and
 * more; CONDS[j] is CONDS[i] or more; a band inside an earlier band), or -1.
 * The result (N entries) is allocated in A. Near-linear in the number of
 * rules for the policies people write; never more than COND_WORK_PER_RULE
 * steps a rule. */
int *cond_first_implied(arena *a, ast_expr *const *conds, int n);

#endif
