/* cmd_run.c - evaluating a policy over a month: dry-run (writes nothing;
 * also over a range of months, each decided as a month alone, with a
 * summary of them together) and run (one month, recorded with its month
 * figures, once per month and policy, with the policy it was made with kept
 * beside its decisions, and what each signal of the month is fed back
 * with). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "calendar.h"
#include "cli.h"
#include "feedback.h"
#include "figures.h"
#include "path.h"
#include "report.h"
#include "run.h"
#include "sha256.h"
#include "text.h"

store *cli_dry_run_store(const char *db, const char *signals, const char *outcomes, diag *d, int *rc)
{
	*rc = EXIT_OK;
	if (!signals)
		return cli_open_store(db, false, d, rc);
	if (db) {
		diag_error(d, "give either --db or --signals, not both");
		*rc = EXIT_USAGE;
		return NULL;
	}
	store *s = store_open(":memory:", 0, d);
	if (!s) {
		*rc = EXIT_STORE;
		return NULL;
	}
	const char *files[2] = { signals, outcomes };
	for (int i = 0; i < 2 && files[i]; i++) {
		FILE *in = cli_open_input(files[i], d);
		if (!in) {
			*rc = EXIT_DATA;
			store_close(s);
			return NULL;
		}
		store_import_counts counts;
		const enum store_status st = i == 0 ? store_import_signals(s, in, files[i], d, &counts)
						    : store_import_outcomes(s, in, files[i], d, &counts);
		const bool unread = ferror(in);
		cli_close_input(in);
		if (st != STORE_OK) {
			*rc = st == STORE_IO_ERROR && unread ? EXIT_DATA : cli_store_exit(st);
			store_close(s);
			return NULL;
		}
	}
	return s;
}

/* The decisions and summary of one month of a dry-run: the first of a
 * range (or the only month) as a single month's dry-run prints them, the
 * next ones the same, less the CSV header. */
static void dry_run_month(const run_result *r, const bc_program *p, enum report_format fmt, bool first,
			  bool summary, bool no_summary)
{
	/* Tools read CSV and JSON from standard output: the summary goes to
	 * standard error then, unless it is all that was asked for. */
	FILE *sum_out = no_summary ? NULL : fmt == REPORT_TABLE || summary ? stdout : stderr;
	/* A blank line between the months' blocks (on each stream). */
	if (!first && fmt == REPORT_TABLE && !summary)
		putchar('\n');
	else if (!first && sum_out)
		fputc('\n', sum_out);
	if (!summary) {
		if (first)
			report_decisions(stdout, &r->set, fmt);
		else
			report_decisions_more(stdout, &r->set, fmt);
	}
	if (sum_out) {
		if (fmt == REPORT_TABLE && !summary)
			fputc('\n', sum_out);
		report_summary(sum_out, r, p);
	}
}

int cmd_dry_run(int argc, char **argv, diag *d)
{
	const char *db = NULL, *signals = NULL, *outcomes = NULL, *month_text = NULL;
	const char *format = "table", *summary = NULL, *no_summary = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "signals", true, &signals }, { "outcomes", true, &outcomes },
		{ "month", true, &month_text }, { "format", true, &format },
		{ "summary", false, &summary }, { "no-summary", false, &no_summary },
		{ "set", true, NULL }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	enum report_format fmt;
	vr_month from, to;
	bool range;
	if (a.npositional != 1) {
		diag_error(d, "dry-run takes one policy (a rule file or a .vrb)\n%s", cli_usage("dry-run"));
		return EXIT_USAGE;
	}
	if (!report_parse_format(format, &fmt)) {
		diag_error(d, "--format is table, csv or json");
		return EXIT_USAGE;
	}
	if (!cli_month_range(month_text, "a dry-run", &from, &to, &range, d))
		return EXIT_USAGE;
	if (outcomes && !signals) {
		diag_error(d, "--outcomes goes with --signals (with --db the store has the outcomes)");
		return EXIT_USAGE;
	}
	bc_program p;
	int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	if ((rc = cli_apply_sets(&p, &a.many, d)) != EXIT_OK) {
		bc_program_free(&p);
		return rc;
	}
	store *s = cli_dry_run_store(db, signals, outcomes, d, &rc);
	/* A purge cuts every month before a month: the first of a range says. */
	if (s && (rc = cli_refuse_purged(s, from, p.lookback, d)) != EXIT_OK) {
		store_close(s);
		s = NULL;
	}
	if (!s) {
		bc_program_free(&p);
		return rc;
	}
	/* Each month is decided as a dry-run of that month alone decides it;
	 * a range adds a summary of the months together. */
	run_sum sum;
	if (range && !run_sum_init(&sum, &p, d)) {
		store_close(s);
		bc_program_free(&p);
		return EXIT_STORE;
	}
	for (vr_month m = from; m <= to && rc == EXIT_OK; m++) {
		run_result r;
		if (!run_evaluate(s, &p, m, d, &r)) {
			rc = EXIT_STORE;
			break;
		}
		dry_run_month(&r, &p, fmt, m == from, summary, no_summary);
		if (range && !run_sum_add(&sum, &r, d))
			rc = EXIT_STORE;
		run_result_free(&r);
	}
	if (range && rc == EXIT_OK && !no_summary) {
		FILE *out = fmt == REPORT_TABLE || summary ? stdout : stderr;
		fputc('\n', out);
		report_summary_range(out, &sum);
	}
	if (range)
		run_sum_free(&sum);
	store_close(s);
	bc_program_free(&p);
	return rc;
}

static void now_iso(char buf[32])
{
	const time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cmd_run(int argc, char **argv, diag *d)
{
	const char *db = NULL, *month_text = NULL, *replace = NULL, *format = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "month", true, &month_text }, { "replace", false, &replace },
		{ "format", true, &format }, { "set", true, NULL }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	enum report_format fmt = REPORT_TABLE;
	vr_month month;
	if (a.npositional != 1) {
		diag_error(d, "run takes one policy (a rule file or a .vrb)\n%s", cli_usage("run"));
		return EXIT_USAGE;
	}
	if (format && !report_parse_format(format, &fmt)) {
		diag_error(d, "--format is table, csv or json");
		return EXIT_USAGE;
	}
	if (month_text && strstr(month_text, "..")) {
		diag_error(d, "run records the decisions of one month: give --month YYYY-MM (`%s` is a range; "
			   "dry-run, diff and sweep try a range of months)", month_text);
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	bc_program p;
	char *policy;
	size_t policy_len;
	int rc = cli_load_policy_text(a.positional[0], &p, &policy, &policy_len, d);
	if (rc != EXIT_OK)
		return rc;
	if ((rc = cli_apply_sets(&p, &a.many, d)) != EXIT_OK) {
		free(policy);
		bc_program_free(&p);
		return rc;
	}
	/* The hash of the program that decides: with the values --set gave. */
	char month_buf[8], sha[65], program_sha[65], started[32], finished[32];
	if (!audit_program_hash(&p, program_sha, d)) {
		free(policy);
		bc_program_free(&p);
		return EXIT_STORE;
	}
	store *s = cli_open_store(db, true, d, &rc);
	if (s && (rc = cli_refuse_purged(s, month, p.lookback, d)) != EXIT_OK) {
		store_close(s);
		s = NULL;
	}
	if (!s) {
		free(policy);
		bc_program_free(&p);
		return rc;
	}
	vr_month_format(month, month_buf);
	sha256_hex(p.source_sha256, sha);
	now_iso(started);
	/* The values --set gave are part of what decided: recorded with the run. */
	char *settings = cli_settings_json(&p);
	if (!settings) {
		diag_error(d, "out of memory");
		store_close(s);
		free(policy);
		bc_program_free(&p);
		return EXIT_STORE;
	}
	/* The write lock is taken before evaluation: a second run waits, then
	 * fails as busy, and nothing is half-recorded. */
	enum store_status st = store_begin(s, d);
	if (st != STORE_OK) {
		store_close(s);
		free(policy);
		bc_program_free(&p);
		free(settings);
		return cli_store_exit(st);
	}
	store_run existing;
	const int found = store_current_run(s, month, &existing, d);
	if (found < 0) {
		rc = EXIT_STORE;
		goto rollback;
	}
	const bool same_policy = found == 1 && strcmp(existing.source_sha256, sha) == 0 &&
				 strcmp(existing.policy_name, p.policy_name) == 0;
	if (same_policy && !replace && strcmp(existing.settings, settings) != 0) {
		/* The same text with other values decides otherwise: as another policy. */
		diag_error(d, "%s was already run with this policy and other values (run %lld: --set %s, "
			   "now %s); use --replace to record this one and keep that run in the history "
			   "as superseded", month_buf, existing.id, existing.settings, settings);
		rc = EXIT_DATA;
		goto rollback;
	}
	if (same_policy && !replace) {
		/* The time is the store's text: shown escaped. */
		text_printf(stdout, "%s was already run with this policy (run %lld, %s, %ld households); nothing changed",
			    month_buf, existing.id, existing.finished, existing.households);
		putchar('\n');
		rc = EXIT_OK;
		goto rollback;
	}
	if (found == 1 && !replace) {
		diag_error(d, "%s was already run with another policy (run %lld: \"%s\" %s, source %.12s); "
			   "use --replace to record this one and keep that run in the history as superseded",
			   month_buf, existing.id, existing.policy_name, existing.policy_version, existing.source_sha256);
		rc = EXIT_DATA;
		goto rollback;
	}
	run_result r;
	if (!run_evaluate_signals(s, &p, month, d, &r)) {
		rc = EXIT_STORE;
		goto rollback;
	}
	if (r.n == 0)
		diag_warning(d, "no household has a signal in %s: is the month's signals file imported?", month_buf);
	if (found == 1 && (st = store_supersede(s, existing.id, d)) != STORE_OK) {
		run_result_free(&r);
		rc = cli_store_exit(st);
		goto rollback;
	}
	now_iso(finished);
	/* The run keeps the policy exactly as given: the rule text, or the
	 * .vrb's bytes, which are the program that decided. */
	store_run run = {
		.month = month, .policy_name = p.policy_name, .policy_version = p.policy_version,
		.source_sha256 = sha, .started = started, .finished = finished, .households = (long)r.n,
		.policy_form = cli_is_bytecode(policy, policy_len) ? STORE_POLICY_BYTECODE : STORE_POLICY_SOURCE,
		.policy = policy, .policy_len = policy_len, .source_name = p.source_name,
		.program_sha256 = program_sha, .lookback = p.lookback, .settings = settings,
	};
	st = store_insert_run(s, &run, &r.set, d);
	/* What each signal is fed back with, in the same transaction: the
	 * feedback of later months is computed from it, without the policy. */
	if (st == STORE_OK) {
		store_run_signal *codes = feedback_run_signals(&r, d);
		st = codes ? store_insert_run_signals(s, run.id, codes, r.nsignals, d) : STORE_IO_ERROR;
		free(codes);
	}
	/* The decision figures in the same transaction: capacity and the moves
	 * between buckets need the program, which a later report has not. */
	if (st == STORE_OK)
		st = figures_record_run(s, run.id, &r, &p, d);
	if (st == STORE_OK)
		st = store_commit(s, d);
	if (st != STORE_OK) {
		run_result_free(&r);
		rc = cli_store_exit(st);
		goto rollback;
	}
	if (format)
		report_decisions(stdout, &r.set, fmt);
	else {
		printf("recorded run %lld for %s: %ld households, %ld excluded\n", run.id, month_buf, r.triaged, r.excluded);
		report_summary(stdout, &r, &p);
	}
	/* The run is committed: an output that cannot be written is an error
	 * (exit 5) that must not read as "nothing recorded". */
	const int err = cli_output_error();
	if (err)
		diag_error(d, "cannot write the output: %s; run %lld for %s is recorded all the same "
			   "(`vroeg decisions --month %s` shows its decisions)", strerror(err), run.id, month_buf, month_buf);
	run_result_free(&r);
	store_close(s);
	free(policy);
	bc_program_free(&p);
	free(settings);
	return err ? EXIT_OUTPUT : EXIT_OK;
rollback:
	store_rollback(s);
	store_close(s);
	free(policy);
	bc_program_free(&p);
	free(settings);
	return rc;
}
