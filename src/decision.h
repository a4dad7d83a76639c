/* decision.h - one household's decision as printed and recorded: the columns of
 * data-contract.md section 4, then the policy's labels, then extras (place,
 * arrears, and the due date of a contact term when the policy states one). */
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
	vr_date due;                  /* last day of its bucket's contact term, or VR_DATE_NONE */
} vr_decision_row;

/* What the output formats and the store need to know about a set of decisions.
 * The rows are stored (ROWS), or made one at a time by ROW from SOURCE, which
 * spares a month's evaluation a second copy of every household's decision. */
typedef struct vr_decision_set {
	vr_month month;
	const char *const *label_names;
	size_t nlabels;
	const vr_decision_row *rows;  /* sorted by household, byte order; or NULL */
	size_t nrows;
	void (*row)(const void *source, size_t i, vr_decision_row *out);
	const void *source;
	bool has_due;                 /* the policy has a contact term: a `due` column */
} vr_decision_set;

/* Row I of SET: the stored one, or one made in *BUF. */
static inline const vr_decision_row *vr_decision_at(const vr_decision_set *set, size_t i,
						    vr_decision_row *buf)
{
	if (set->rows)
		return &set->rows[i];
	set->row(set->source, i, buf);
	return buf;
}

#endif
