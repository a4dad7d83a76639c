/* decision.h - one household's decision as printed and recorded: the columns of
 * data-contract.md section 4, then the policy's labels, then extras. */
#ifndef VROEG_DECISION_H
#define VROEG_DECISION_H

#include "types.h"

typedef struct vr_decision_row {
	const char *household;
	const char *bucket;           /* a bucket name, or "excluded" */
	const char *reason;           /* exclusion reason as the policy words it; "" otherwise */
	const char *rule;             /* "FILE:LINE" of the deciding rule */
	const char *overflowed_from;  /* "" when the household came by a rule */
	const char *const *labels;    /* nlabels values ("" = no value), in the policy's label order */
	cents_t arrears;              /* total of counted current signals */
	int64_t place;                /* 1-based place in a capacity bucket, 0 when none */
} vr_decision_row;

/* What the output formats and the store need to know about a set of decisions. */
typedef struct vr_decision_set {
	vr_month month;
	const char *const *label_names;
	size_t nlabels;
	const vr_decision_row *rows;  /* sorted by household, byte order */
	size_t nrows;
} vr_decision_set;

#endif
