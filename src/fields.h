/* fields.h - the names a policy can use: signal fields, outcome fields and
 * household facts, each with its type. One table serves the checker (name
 * lookup, "did you mean"), the VM (field numbers) and the docs. */
#ifndef VROEG_FIELDS_H
#define VROEG_FIELDS_H

#include "ast.h"

enum signal_field {
	SF_SECTOR, SF_KIND, SF_CREDITOR, SF_ARREARS, SF_INSTALLMENT,
	SF_INSTALLMENTS_MISSED, SF_DAYS_OVERDUE, SF_LEGAL_FORM, SF_AGE,
	SF_DISTRICT, SF_HAS_PHONE, SF_HAS_EMAIL, SF_BRP_MATCH, SF_KNOWN_DEBT_HELP,
	SF_PERSON, SF_SIGNAL_ID, SF_MONTH, SF_COUNT
};

enum outcome_field { OF_OUTCOME, OF_SIGNAL_ID, OF_COUNT };

/* Facts of the household as a whole (field-policies.md, reading rules). */
enum household_fact {
	HF_ARREARS,     /* total arrears of the counted current signals */
	HF_HAS_PHONE,   /* any current signal, counted or not, has has_phone = 1 */
	HF_HAS_EMAIL,
	HF_DISTRICT,    /* from the latest current signal */
	HF_HOUSEHOLD,   /* the household key */
	HF_COUNT
};

typedef struct field_info {
	const char *name;
	enum ast_type type;
	const char *meaning;
} field_info;

extern const field_info fields_signal[SF_COUNT];
extern const field_info fields_outcome[OF_COUNT];
extern const field_info fields_household[HF_COUNT];

/* Index of NAME in TABLE (N entries), or -1. */
int fields_find(const field_info *table, int n, const char *name);

/* Whether values of type T are text (compared byte by byte). */
bool fields_type_is_text(enum ast_type t);

#endif
