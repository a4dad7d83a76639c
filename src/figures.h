/* figures.h - month figures: what a month of signals, decisions and
 * outcomes adds up to, for `vroeg report` (and for sweep, feedback and
 * purge, which count the same way). A figure is a number for a measure, a
 * bucket and a category in a month (data-contract.md section 6); every
 * measure is described in docs/operators-guide.md, "Monitoring". Figures
 * are aggregates only: no household key, person or amount ever enters one.
 *
 * They come from three places:
 * - a month's evaluation (figures_from_run): what the decisions give, and
 *   what only the program knows (capacity, demand, the moves between
 *   buckets); `run` records these with the run (figures_record_run),
 *   because a later report has the decisions but not the program;
 * - a run's recorded decisions (figures_from_decisions), for runs recorded
 *   before figures were kept: capacity, demand and moves are then unknown;
 * - the store's signals and outcomes, counted while the rows exist, or as
 *   frozen by figures_freeze before a purge deletes them.
 * A month is never evaluated again to fill in a figure. */
#ifndef VROEG_FIGURES_H
#define VROEG_FIGURES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "bytecode.h"
#include "decision.h"
#include "run.h"
#include "store.h"

enum {
	FIGURES_OUTCOME_MONTHS = 3,     /* outcomes dated in the run month and the 3 after it */
	FIGURES_RETURNING_MONTHS = 12,  /* returning: a signal in the 12 months before */
	FIGURES_MAX_MONTHS = 120,       /* months in one report */
	FIGURES_MAX_MIN_COUNT = 1000    /* --min-count at most */
};

/* The measures, in the byte order of their names (figures_measure_names),
 * which is the order of the CSV. */
enum figures_measure {
	FM_BACKFILLED, FM_CAPACITY, FM_DEMAND, FM_EXCLUDED, FM_HOUSEHOLDS, FM_LABEL, FM_LABELS,
	FM_OUTCOME, FM_OVERFLOWED_FROM, FM_PLACES, FM_REACHED_SHARE, FM_REDIRECTED, FM_RUN,
	FM_SIGNALLED, FM_SIGNALLED_TOTAL, FM_SIGNALS, FM_SIGNALS_BY_CREDITOR, FM_SIGNALS_TOTAL,
	FM_TURNED_AWAY, FM_COUNT
};
extern const char *const figures_measure_names[FM_COUNT];

/* The outcomes that say the household was reached (reached_share). */
bool figures_reached(int outcome);

/* One figure. A count unless its measure is `capacity` or `run` (a setting
 * and an identity: never withheld) or `reached_share` (VALUE / OF). */
typedef struct figures_row {
	vr_month month;
	enum figures_measure measure;
	const char *bucket, *category;   /* "" when the measure has none */
	int64_t value;
	int64_t of;                      /* reached_share: the households it is a share of */
	bool withheld;                   /* published as <N (figures_report_build) */
} figures_row;

/* A growable list of figures that owns their strings. */
typedef struct figures_list {
	figures_row *v;
	size_t n, cap;
	uint32_t *slots;                 /* finds a figure by its key: row + 1, 0 = empty */
	size_t nslots;
	arena strings;
} figures_list;

void figures_list_init(figures_list *l);
void figures_list_free(figures_list *l);
/* Adds DELTA to the figure (MONTH, M, BUCKET, CATEGORY), made at 0 when it
 * is new (so a delta of 0 lists it). False when out of memory. */
bool figures_add(figures_list *l, vr_month month, enum figures_measure m, const char *bucket,
		 const char *category, int64_t delta);
/* The figure, or NULL. */
const figures_row *figures_find(const figures_list *l, vr_month month, enum figures_measure m,
				const char *bucket, const char *category);

/* The decision figures of R, P's evaluation of a month: households per
 * bucket (`excluded` too) and per exclusion reason, labels, overflowed_from,
 * places; and from the program and alloc's counts: capacity, demand,
 * turned_away, redirected, backfilled. Every bucket and reason of P is
 * listed, with 0 where no household went. */
bool figures_from_run(figures_list *l, const run_result *r, const bc_program *p);
/* The same less what only the decision rows give (labels and
 * overflowed_from): households per bucket, per exclusion reason and places
 * from the run's own counts, without a pass over its households, for a
 * sweep that counts many evaluations of a month. */
bool figures_from_run_counts(figures_list *l, const run_result *r, const bc_program *p);
/* What recorded decisions give: households per bucket and per exclusion
 * reason, labels, overflowed_from, places (buckets and reasons that occur). */
bool figures_from_decisions(figures_list *l, const vr_decision_set *set);

/* Records the decision figures of run RUN_ID (R, evaluated with P) in the
 * store, as part of the run's write. */
enum store_status figures_record_run(store *s, long long run_id, const run_result *r,
				     const bc_program *p, diag *d);

/* One month of a report and the run that decided it. */
typedef struct figures_month {
	vr_month month;
	bool has_run;
	long long run_id;
	const char *policy_name, *policy_version, *source_sha256;
	bool flows_known;     /* capacity, demand and moves were recorded with the run */
} figures_month;

typedef struct figures_report {
	vr_month from, to;
	int min_count;
	figures_month *months;           /* to - from + 1 */
	size_t nmonths;
	figures_list rows;               /* by month, measure, bucket, category (byte order) */
} figures_report;

/* Gathers the figures of the months FROM..TO (at most FIGURES_MAX_MONTHS):
 * frozen ones where the store has them, the rest counted from its rows, and
 * the shares; marks withheld every count from 1 to MIN_COUNT - 1, and every
 * share one of whose counts is withheld. */
enum store_status figures_report_build(store *s, vr_month from, vr_month to, int min_count,
				       figures_report *out, diag *d);
void figures_report_free(figures_report *r);

/* Freezes the figures of MONTH the store would otherwise count from rows
 * (its signals; its run's decisions when they were recorded without
 * figures, and outcomes), so that a report gives the same figures after a
 * purge has deleted the rows. Figures frozen before are kept as they are. */
enum store_status figures_freeze(store *s, vr_month month, diag *d);
/* The same for some of them: the figures of its signals (counted, per
 * sector and creditor, new and returning), of its run's decisions, of their
 * outcomes. A purge freezes the signal figures of the months after its cut,
 * whose returning households it would otherwise change. */
enum figures_groups { FIGURES_SIGNALS = 1, FIGURES_DECISIONS = 2, FIGURES_OUTCOMES = 4, FIGURES_ALL = 7 };
enum store_status figures_freeze_some(store *s, vr_month month, unsigned groups, diag *d);

/* The figures as a trend: one line per measure, bucket and category, with
 * a cell per month of the report (NULL: no such figure that month), in the
 * order a reader takes them (signals, decisions, outcomes). */
typedef struct figures_line {
	enum figures_measure measure;
	const char *bucket, *category;
	const figures_row **cells;
} figures_line;
/* The lines of R into *OUT (freed with figures_lines_free); false when out
 * of memory. */
bool figures_lines(const figures_report *r, figures_line **out, size_t *n);
void figures_lines_free(figures_line *lines, size_t n);
/* False for an outcome no household of the bucket had in any month of the
 * line: tables for people leave it out (the CSV and JSON keep it). */
bool figures_line_says_something(const figures_line *l, size_t nmonths);

/* Writing a report. */
enum figures_format { FIGURES_TABLE, FIGURES_CSV, FIGURES_JSON, FIGURES_HTML };
enum figures_lang { FIGURES_EN, FIGURES_NL };

bool figures_parse_format(const char *s, enum figures_format *out);
/* A figure as published: the count, the share (4 decimals), or "<N" when
 * withheld. BUF holds at least 32 bytes. */
const char *figures_value_text(const figures_row *f, int min_count, char *buf);
/* The same for a reader: a share as a percentage ("33.3%"), "-" for no
 * figure (F NULL). */
const char *figures_cell_text(const figures_row *f, int min_count, char *buf);
/* Writes R as a table (for a terminal, in English), CSV or JSON
 * (figures_text.c); FIGURES_HTML gives the table. False when out of
 * memory. */
bool figures_write_text(FILE *out, const figures_report *r, enum figures_format fmt);
/* Writes R as one HTML page in LANG (figures_html.c). False when out of
 * memory. */
bool figures_write_html(FILE *out, const figures_report *r, enum figures_lang lang);

#endif
