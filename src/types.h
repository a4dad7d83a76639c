/* types.h - the domain types every module shares: money, dates, months, enums.
 * Money is integer cents, dates are days since 1970-01-01 (proleptic Gregorian),
 * months are year*12 + (month-1). No floating point anywhere. */
#ifndef VROEG_TYPES_H
#define VROEG_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t cents_t;    /* euro cents */
typedef int32_t vr_date;    /* days since 1970-01-01 */
typedef int32_t vr_month;   /* year * 12 + (month - 1) */

/* The value of an optional field that was left empty. Any comparison with it is
 * false (field-policies.md, "missing values"). */
#define VR_MISSING INT64_MIN
#define VR_DATE_NONE INT32_MIN

enum vr_sector {
	SECTOR_RENT, SECTOR_MORTGAGE, SECTOR_HEALTH, SECTOR_ENERGY, SECTOR_WATER,
	SECTOR_MUNICIPAL_TAX, SECTOR_OTHER, SECTOR_COUNT
};
enum vr_kind { KIND_EARLY, KIND_END_OF_SUPPLY, KIND_EVICTION, KIND_CAK, KIND_COUNT };
enum vr_legal_form { LEGAL_NATURAL, LEGAL_LEGAL, LEGAL_COUNT };
enum vr_outcome_kind {
	OUTCOME_NOT_PICKED_UP, OUTCOME_NOT_REACHED, OUTCOME_REACHED_NO_HELP,
	OUTCOME_REFUSED, OUTCOME_HELP_ACCEPTED, OUTCOME_ALREADY_KNOWN,
	OUTCOME_WRONGLY_REPORTED, OUTCOME_DECEASED, OUTCOME_COUNT
};

/* Names as written in files and policies ("rent", "end_of_supply", ...). */
extern const char *const vr_sector_names[SECTOR_COUNT];
extern const char *const vr_kind_names[KIND_COUNT];
extern const char *const vr_legal_form_names[LEGAL_COUNT];
extern const char *const vr_outcome_names[OUTCOME_COUNT];

/* The national feedback codes a creditor may be told about its signal
 * (data-contract.md section 5), 1 to 7; 0 is "none stated" (the default of
 * `vroeg feedback`). A policy names a code by number or by its name here;
 * vr_feedback_meaning_nl is the meaning in the words of the feedback files. */
enum vr_feedback {
	FEEDBACK_NONE, FEEDBACK_WRONGLY_REPORTED, FEEDBACK_NOT_PICKED_UP, FEEDBACK_REPEAT_SIGNAL,
	FEEDBACK_ALREADY_KNOWN, FEEDBACK_HELP_ACCEPTED, FEEDBACK_NOT_REACHED_OR_NO_HELP,
	FEEDBACK_DECEASED, FEEDBACK_COUNT
};
extern const char *const vr_feedback_names[FEEDBACK_COUNT];       /* [0] is "" */
extern const char *const vr_feedback_meaning_nl[FEEDBACK_COUNT];  /* [0] is "" */

/* Index of NAME (LEN bytes) in TABLE of N names, or -1. */
int vr_enum_lookup(const char *const *table, int n, const char *name, size_t len);

/* Dates. vr_date_parse accepts exactly YYYY-MM-DD with a real calendar day
 * (years 1800..9999) and returns false otherwise. */
bool vr_date_parse(const char *s, size_t len, vr_date *out);
vr_date vr_date_from_ymd(int y, int m, int d);
void vr_date_to_ymd(vr_date date, int *y, int *m, int *d);
/* Writes "YYYY-MM-DD" and a NUL into buf (11 bytes). */
void vr_date_format(vr_date date, char buf[11]);

vr_month vr_month_of(vr_date date);
vr_date vr_month_first_day(vr_month month);
/* Accepts exactly YYYY-MM (years 1800..9999). */
bool vr_month_parse(const char *s, size_t len, vr_month *out);
/* Writes "YYYY-MM" and a NUL into buf (8 bytes). */
void vr_month_format(vr_month month, char buf[8]);

/* Whole years of age on DAY for someone born on BIRTH (VR_MISSING if BIRTH is
 * VR_DATE_NONE or after DAY). Born on 29 February: a year is complete on 1 March
 * in non-leap years. */
int64_t vr_age_on(vr_date birth, vr_date day);

/* The largest amount one signal may hold (arrears, installment):
 * EUR 1,000,000,000.00, checked where amounts enter (import, the store's
 * cursor, policy tests). Why it is safe: every sum of money vroeg makes (a
 * household's arrears, `total`, a sector's arrears, a bucket's total) adds
 * amounts of one month's signals, and to pass INT64_MAX cents (about 9.2e18)
 * it would take more than 92 million signals at this maximum - ten times the
 * households of the Netherlands. The sums are checked all the same
 * (vr_add_checked): a defined error, never a wrapped value. */
#define VR_CENTS_MAX INT64_C(100000000000)
/* The largest whole number of a count field (installments_missed,
 * days_overdue): one billion, so that their sums cannot overflow either. */
#define VR_COUNT_MAX INT64_C(1000000000)

/* *ACC += X; false (and *ACC unchanged) when the sum does not fit. */
static inline bool vr_add_checked(int64_t *acc, int64_t x)
{
	int64_t sum;
	if (__builtin_add_overflow(*acc, x, &sum))
		return false;
	*acc = sum;
	return true;
}

/* Money text to cents: "212.85", "212,85" (when comma_decimal), "575", "€575",
 * "EUR 575". At most two decimals, no sign, no thousands separators. Returns
 * false on anything else or on overflow. */
bool vr_cents_parse(const char *s, size_t len, bool comma_decimal, cents_t *out);

/* The same, telling an amount above MAX (written correctly, however many
 * digits) from text that is not an amount. */
enum vr_amount { VR_AMOUNT_OK, VR_AMOUNT_BAD, VR_AMOUNT_TOO_LARGE };
enum vr_amount vr_amount_parse(const char *s, size_t len, bool comma_decimal, cents_t max,
			       cents_t *out);
/* Writes "1234.56" (or "-0.05") into buf (at least 24 bytes); its length. */
size_t vr_cents_format(cents_t cents, char *buf);

#endif
