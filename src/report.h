/* report.h - printing decisions (data-contract.md section 4: a readable
 * table, CSV with the contract's columns first, or JSON lines) and the
 * summary of a month's evaluation. Text from data is never printed raw: the
 * table escapes it (text.h), CSV neutralises formulas (csvout.h), JSON
 * escapes control characters. */
#ifndef VROEG_REPORT_H
#define VROEG_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bytecode.h"
#include "decision.h"
#include "run.h"

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

bool report_parse_format(const char *s, enum report_format *out);
void report_decisions(FILE *out, const vr_decision_set *set, enum report_format fmt);
/* The next month of a range: as report_decisions, but CSV without its
 * header row (the first month's gave it; the month column tells them
 * apart). A table is a block of its own, with its header. */
void report_decisions_more(FILE *out, const vr_decision_set *set, enum report_format fmt);
/* Per bucket: households, capacity, places taken, how households arrived
 * (by rule, overflow, redirect, back-fill) and left (no place, redirect,
 * back-fill), which add up to the households, and their total arrears; then
 * each move between two buckets with its count; per rule: households
 * decided (exclusions with their reason). */
void report_summary(FILE *out, const run_result *r, const bc_program *p);
/* The same for the months of a range together: each count the months'
 * added, a capacity (and so its places) once a month. */
void report_summary_range(FILE *out, const run_sum *s);

/* Writes S as a JSON string, quotes included: `"` and `\` escaped, and as
 * \uNNNN every control character (C0, DEL, C1) and layout character
 * (text.h); a byte that is not UTF-8 as \ufffd. (CSV: csvout.h.) */
void report_json_string(FILE *out, const char *s);

#endif
