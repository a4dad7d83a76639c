/* explain.h - one household's path through a policy over a month: what
 * `vroeg explain` prints, and the decision it comes to, which is the one a
 * run of the same policy over the same data records. */
#ifndef VROEG_EXPLAIN_H
#define VROEG_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "bytecode.h"
#include "decision.h"
#include "diag.h"
#include "run.h"
#include "store.h"

typedef struct explainer explainer;

/* Evaluates P over MONTH of S once, for explaining its households one by
 * one. TEXT (LEN bytes) is the rule text whose lines are quoted, or NULL (a
 * .vrb). The path through the buckets (each no place, redirect, back-fill)
 * is printed for household TRACED (NULL: none; the others get the bucket the
 * rule sent them to). S, P, TEXT and TRACED must outlive the explainer.
 * NULL after reporting. */
explainer *explain_new(store *s, const bc_program *p, vr_month month, const char *text,
		       size_t len, const char *traced, diag *d);
/* Prints the path of household KEY to OUT (NULL: prints nothing) and points
 * *ROW at the decision the policy comes to (valid until the next call):
 * 1 explained, 0 the household has no signal in the month, -1 an error
 * (reported). */
int explain_household(explainer *e, const char *key, FILE *out, const vr_decision_row **row, diag *d);
void explain_free(explainer *e);

/* A decision in one line: "mail, overflowed from home_visit (FILE:LINE)",
 * "excluded, reason \"legal person\" (FILE:LINE)", with ", place N". */
void explain_describe(FILE *out, const vr_decision_row *row);
/* Whether two decisions are the same in every column (NLABELS labels). */
bool explain_same(const vr_decision_row *a, const vr_decision_row *b, size_t nlabels);

#endif
