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

/* The parts of a household a reader fills in (vm_reads tells which a program
 * uses). received and arrears are always read; a part left out holds its
 * "not read" value: "" for text (the household key for person), VR_MISSING
 * for numbers, VR_DATE_NONE for the birth date, 0 for enums and flags, and no
 * outcomes. */
enum vr_read {
	VR_READ_SIGNAL_ID = 1u << 0,
	VR_READ_PERSON = 1u << 1,
	VR_READ_CREDITOR = 1u << 2,
	VR_READ_DISTRICT = 1u << 3,
	VR_READ_BIRTH_DATE = 1u << 4,
	VR_READ_INSTALLMENT = 1u << 5,
	VR_READ_INSTALLMENTS_MISSED = 1u << 6,
	VR_READ_DAYS_OVERDUE = 1u << 7,
	VR_READ_SECTOR = 1u << 8,
	VR_READ_KIND = 1u << 9,
	VR_READ_LEGAL_FORM = 1u << 10,
	VR_READ_BRP_MATCH = 1u << 11,
	VR_READ_HAS_PHONE = 1u << 12,
	VR_READ_HAS_EMAIL = 1u << 13,
	VR_READ_KNOWN_DEBT_HELP = 1u << 14,
	VR_READ_OUTCOMES = 1u << 15,
	VR_READ_ALL = (1u << 16) - 1
};

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
