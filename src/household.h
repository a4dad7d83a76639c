/* household.h - one household's data as the VM reads it: its signals and
 * outcomes up to the end of the run month, as far back as the policy looks.
 * Filled by the store (store.h) or by tests; read-only to the VM. */
#ifndef VROEG_HOUSEHOLD_H
#define VROEG_HOUSEHOLD_H

#include "types.h"

typedef struct vr_signal {
	const char *signal_id;
	const char *person;     /* never NULL; the household key when the file left it empty */
	const char *creditor;
	const char *district;   /* "" when not given */
	vr_date received;
	vr_date birth_date;     /* VR_DATE_NONE when not given */
	cents_t arrears;
	cents_t installment;    /* VR_MISSING when not given */
	int64_t installments_missed; /* VR_MISSING when not given */
	int64_t days_overdue;   /* VR_MISSING when not given */
	uint8_t sector;         /* enum vr_sector */
	uint8_t kind;           /* enum vr_kind */
	uint8_t legal_form;     /* enum vr_legal_form */
	int8_t brp_match;       /* 0, 1, or -1 for "not checked" */
	uint8_t has_phone, has_email, known_debt_help;
} vr_signal;

typedef struct vr_outcome {
	const char *signal_id;  /* "" when not given */
	vr_date date;
	uint8_t outcome;        /* enum vr_outcome_kind */
} vr_outcome;

/* Signals are sorted by (received, signal_id) and outcomes by date; none lies
 * after the run month. The strings live as long as the household is current
 * (the store reuses its buffers for the next one). */
typedef struct vr_household {
	const char *key;
	const vr_signal *signals;
	size_t nsignals;
	const vr_outcome *outcomes;
	size_t noutcomes;
} vr_household;

#endif
