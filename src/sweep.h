/* sweep.h - many values of a policy's named numbers tried over months at
 * once (`vroeg sweep`, for capacity planning): every combination of the
 * values given (the variants: the cross product, the first name varying
 * slowest), each month decided for every variant exactly as `dry-run --set`
 * with the same values decides it, and what each variant's month adds up
 * to as month figures (figures.h): households per bucket and per exclusion
 * reason, demand, capacity, places, and the moves between buckets.
 *
 * A month is read from the store once for all the variants (up to
 * SWEEP_READ_GROUP that decide differently; sweep.c says why), each batch
 * of households decided with every variant's vm while it is at hand. A
 * name the code does not read (a capacity) changes no household's
 * decision, only allocation: the variants that differ in such names alone
 * share one deciding, and are allocated each with its own capacities.
 *
 * Writers: CSV (data-contract.md section 7), JSON lines and a table
 * (sweep_text.c), one HTML page (sweep_html.c). */
#ifndef VROEG_SWEEP_H
#define VROEG_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bytecode.h"
#include "diag.h"
#include "figures.h"
#include "run.h"
#include "store.h"

enum {
	SWEEP_MAX_VARIANTS = 1000,       /* combinations of values in one sweep */
	SWEEP_MAX_EVALUATIONS = 12000,   /* variants x months: 1,000 over 12, 100 over 120 */
	SWEEP_READ_GROUP = 32            /* variants that decide differently, per read of a month */
};

/* One name swept, with its values. */
typedef struct sweep_name {
	uint32_t param;        /* the named number: an index in the program's params */
	int64_t *values;       /* in its kind's unit (cents for money), in the order given */
	size_t nvalues;
	bool decides;          /* the code reads it: its values change decisions (else it is
				* a capacity, or nothing uses it) */
} sweep_name;

typedef struct sweep {
	const bc_program *program;   /* the policy as loaded; names not swept keep its values */
	vr_month from, to;
	sweep_name *names;           /* in the order given */
	size_t nnames;
	size_t nvariants;            /* the product of the names' numbers of values */
	figures_list *figures;       /* per variant, after sweep_run: each month's figures */
	size_t reads;                /* reads of a month sweep_run made (one a month when every
				      * variant's deciding fits in one group) */
} sweep;

/* Starts a sweep of P (which must outlive it) over FROM..TO, with no name. */
void sweep_init(sweep *sw, const bc_program *p, vr_month from, vr_month to);
void sweep_free(sweep *sw);

/* Adds SETTING, `NAME=V1,V2,...`: the values of one named number, each
 * written as `--set` reads it (bc_param_parse: `150`, `150.50`,
 * `EUR 150`), separated by commas. False, reported (nothing added), when
 * P names no such number (with a suggestion), the name is swept already,
 * a value is not of its kind or comes twice, the name is `households` or
 * `demand` (the CSV's own columns), or the variants would be more than
 * SWEEP_MAX_VARIANTS, or variants x months more than
 * SWEEP_MAX_EVALUATIONS. */
bool sweep_add(sweep *sw, const char *setting, diag *d);

/* The index in name K's values of its value in variant V. */
size_t sweep_value_index(const sweep *sw, size_t v, size_t k);
/* Name K's value in variant V as `--set` and the summary write it (money
 * with two decimals: `150.00`), into BUF; returns BUF. */
const char *sweep_value_text(const sweep *sw, size_t v, size_t k, char buf[32]);
/* Name K as the policy writes it. */
const char *sweep_name_text(const sweep *sw, size_t k);

/* Decides every month for every variant, into SW->figures. EACH, when not
 * NULL, is given every variant's evaluation of every month (its decisions,
 * rows included, as run_evaluate would give them for the program with the
 * variant's values, which it is given as P), while it lasts: in month
 * order, and within a month by variant groups. False, reported, when the
 * store cannot be read, memory runs out or a total does not fit
 * (run_evaluate's reasons); the figures are then incomplete. */
bool sweep_run(sweep *sw, store *s,
	       void (*each)(void *arg, size_t variant, const run_result *r, const bc_program *p), void *arg,
	       diag *d);

/* The buckets a row is written for, in byte order of their names, with
 * `excluded` among them: *NAMES (malloc'ed; the strings are the
 * program's) and how many. False when out of memory. */
bool sweep_buckets(const sweep *sw, const char ***names, size_t *n);

/* Writes the figures: CSV, JSON lines or a table (FIGURES_HTML gives the
 * table); sweep_write_html the HTML page in LANG. False when out of
 * memory. */
bool sweep_write_text(FILE *out, const sweep *sw, enum figures_format fmt);
bool sweep_write_html(FILE *out, const sweep *sw, enum figures_lang lang);

#endif
