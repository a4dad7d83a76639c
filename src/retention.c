/* retention.c - purge and forget (contracts in retention.h).
 *
 * One write each: the check that no run still needs what a purge would
 * remove, the freezing of the figures the removal would change, the
 * removal, the purged_before setting; committed together, so a kill at any
 * instant leaves the store entirely before or entirely after. Then the wipe
 * (VACUUM and a WAL cut to nothing), which changes no row: killed, it is
 * done by the next purge or forget.
 *
 * Which figures are frozen. Only months that are closed: up to the latest
 * month with a recorded run; a later month is still being filled, and its
 * figures are counted from the rows that are left. A purge freezes every
 * month it removes rows of (and every run month before the cut), and the
 * signal figures of the FIGURES_RETURNING_MONTHS closed months after it,
 * whose returning households look back at the months removed. A forget
 * freezes every closed month the household has a row in. */
#include "retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"

void retention_result_free(retention_result *r)
{
	store_removal_free(&r->removed);
	*r = (retention_result){ 0 };
}

/* The current runs, as purge needs them. */
typedef struct run_info {
	long long id;
	vr_month month;
	int lookback;
} run_info;

typedef struct runs {
	run_info *v;
	size_t n, cap;
	bool oom;
} runs;

static void take_run(const store_run *r, void *arg)
{
	runs *rs = arg;
	if (r->superseded)
		return;
	if (rs->n == rs->cap) {
		const size_t cap = rs->cap ? rs->cap * 2 : 16;
		run_info *v = realloc(rs->v, cap * sizeof *v);
		if (!v) {
			rs->oom = true;
			return;
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = (run_info){ r->id, r->month, r->lookback };
}

static enum store_status current_runs(store *s, runs *out, diag *d)
{
	*out = (runs){ 0 };
	const enum store_status st = store_list_runs(s, take_run, out, d);
	if (st == STORE_OK && out->oom) {
		diag_error(d, "out of memory reading the runs");
		return STORE_IO_ERROR;
	}
	return st;
}

/* The run of the latest month, or NULL. */
static const run_info *latest(const runs *rs)
{
	const run_info *last = NULL;
	for (size_t i = 0; i < rs->n; i++)
		if (!last || rs->v[i].month > last->month)
			last = &rs->v[i];
	return last;
}

/* The run that forbids a cut at BEFORE (*NEXT: as the next month's), or
 * NULL. A run of BEFORE or later reads its month and LOOKBACK before; the
 * next month's run, made with the latest run's policy, likewise. */
static const run_info *forbids(const runs *rs, vr_month before, bool *next)
{
	*next = false;
	for (size_t i = 0; i < rs->n; i++) {
		const run_info *r = &rs->v[i];
		if (r->month >= before && (r->lookback < 0 || r->month - r->lookback < before))
			return r;
	}
	const run_info *last = latest(rs);
	if (last && (last->lookback < 0 || last->month + 1 - last->lookback < before)) {
		*next = true;
		return last;
	}
	return NULL;
}

static bool check_cut(const runs *rs, vr_month before, retention_refusal *refused)
{
	bool next;
	const run_info *r = forbids(rs, before, &next);
	if (!r)
		return true;
	*refused = (retention_refusal){ r->id, r->month, r->lookback, next, 0 };
	/* The latest cut that no run forbids, when every lookback is known. */
	for (vr_month b = before - 1; r->lookback >= 0 && b > before - 12 * RETENTION_MAX_KEEP; b--) {
		bool n;
		const run_info *other = forbids(rs, b, &n);
		if (!other) {
			refused->allowed = b;
			break;
		}
		if (other->lookback < 0)
			break;
	}
	return false;
}

/* Freezes the figures of MONTH named by GROUPS, counting it. */
static enum store_status freeze(store *s, vr_month month, unsigned groups, retention_result *out, diag *d)
{
	const enum store_status st = figures_freeze_some(s, month, groups, d);
	if (st == STORE_OK)
		out->frozen++;
	return st;
}

/* Commits (or, DRY_RUN, rolls back) the write, then wipes. */
static enum store_status finish(store *s, enum store_status st, bool dry_run, retention_result *out,
				diag *d)
{
	if (st != STORE_OK || dry_run) {
		store_rollback(s);
		return st;
	}
	if ((st = store_commit(s, d)) != STORE_OK)
		return st;
	out->committed = true;
	st = store_wipe(s, d);
	out->wiped = st == STORE_OK;
	return st;
}

enum store_status retention_purge(store *s, vr_month before, int keep, bool force, bool dry_run,
				  retention_result *out, retention_refusal *refused, diag *d)
{
	*out = (retention_result){ 0 };
	enum store_status st = store_begin(s, d);
	if (st != STORE_OK)
		return st;
	runs rs;
	st = current_runs(s, &rs, d);
	if (st == STORE_OK && !force && !check_cut(&rs, before, refused))
		st = STORE_DATA_ERROR;
	store_removal plan = { 0 };
	if (st == STORE_OK)
		st = store_purgeable_rows(s, before, &plan, d);
	vr_month was = 0;
	const int purged = st == STORE_OK ? store_purged_before(s, &was, d) : 0;
	if (purged < 0)
		st = STORE_IO_ERROR;
	/* Every month with rows to remove, and every run month before the cut
	 * that an earlier purge did not reach. */
	for (size_t i = 0; i < plan.n && st == STORE_OK; i++)
		st = freeze(s, plan.months[i].month, FIGURES_ALL, out, d);
	for (size_t i = 0; i < rs.n && st == STORE_OK; i++) {
		bool listed = false;
		for (size_t k = 0; k < plan.n; k++)
			listed |= plan.months[k].month == rs.v[i].month;
		if (rs.v[i].month < before && !listed && (purged == 0 || rs.v[i].month >= was))
			st = freeze(s, rs.v[i].month, FIGURES_ALL, out, d);
	}
	/* The closed months whose returning households look back past the cut. */
	const run_info *last = latest(&rs);
	for (vr_month m = before; st == STORE_OK && plan.total.signals && last && m <= last->month &&
	     m < before + FIGURES_RETURNING_MONTHS; m++)
		st = freeze(s, m, FIGURES_SIGNALS, out, d);
	store_removal_free(&plan);
	if (st == STORE_OK)
		st = store_purge_rows(s, before, &out->removed, d);
	if (st == STORE_OK && (purged == 0 || was < before)) {
		char m[8];
		vr_month_format(before, m);
		st = store_set_setting(s, STORE_SETTING_PURGED_BEFORE, m, d);
	}
	if (st == STORE_OK && keep) {
		char v[16];
		snprintf(v, sizeof v, "%d", keep);
		st = store_set_setting(s, STORE_SETTING_RETENTION, v, d);
	}
	free(rs.v);
	return finish(s, st, dry_run, out, d);
}

enum store_status retention_forget(store *s, const char *key, bool dry_run, retention_result *out,
				   diag *d)
{
	*out = (retention_result){ 0 };
	enum store_status st = store_begin(s, d);
	if (st != STORE_OK)
		return st;
	runs rs;
	st = current_runs(s, &rs, d);
	store_removal plan = { 0 };
	if (st == STORE_OK)
		st = store_household_rows(s, key, &plan, d);
	const run_info *last = latest(&rs);
	for (size_t i = 0; i < plan.n && st == STORE_OK; i++)
		if (last && plan.months[i].month <= last->month)
			st = freeze(s, plan.months[i].month, FIGURES_ALL, out, d);
	store_removal_free(&plan);
	if (st == STORE_OK)
		st = store_forget_rows(s, key, &out->removed, d);
	free(rs.v);
	return finish(s, st, dry_run, out, d);
}

int retention_term(store *s, int *months, diag *d)
{
	char v[16];
	const int got = store_setting(s, STORE_SETTING_RETENTION, v, sizeof v, d);
	if (got != 1)
		return got;
	char *end;
	const long n = strtol(v, &end, 10);
	if (*end || end == v || n < RETENTION_MIN_KEEP || n > RETENTION_MAX_KEEP) {
		diag_error(d, "the store is damaged: its retention term is `%s`, not a number of months", v);
		return -1;
	}
	*months = (int)n;
	return 1;
}
