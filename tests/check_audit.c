/* check_audit.c - the audit trail of recorded runs: a run keeps the policy it
 * was made with (rule text byte for byte, or a .vrb's bytes), `show` prints
 * it, `explain` without a policy explains the recorded decision from it and
 * agrees with `decisions` for every household of a month, also after the
 * rule file changed and later imports; with another policy it says so and
 * shows both decisions; `runs` names the run that superseded another; a
 * store of schema version 1 keeps working and its runs ask for the policy. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "explain.h"
#include "store.h"
#include "support.h"

static char dir[64], db[128], policy[128];
/* The SHA-256 of rules/crisis-queue.vroeg, the policy the runs here use. */
static char p2_sha[65];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-audit-XXXXXX");
	scratch_city_store(dir, db, sizeof db);
	snprintf(policy, sizeof policy, "%s/policy.vroeg", dir);
	char out[4096];
	ck_assert_msg(shell(out, sizeof out, "cp rules/crisis-queue.vroeg %s", policy) == 0, "setup: %s", out);
	ck_assert_int_eq(shell(out, sizeof out, "sha256sum < rules/crisis-queue.vroeg"), 0);
	memcpy(p2_sha, out, 64);
	p2_sha[64] = '\0';
}

static void teardown(void)
{
	scratch_remove(dir);
}

static void run_month(const char *month, const char *file, const char *extra)
{
	char out[8192];
	ck_assert_msg(shell(out, sizeof out, "%s run --db %s --month %s %s %s", vroeg_bin(), db, month,
			    extra, file) == 0, "run: %s", out);
}

START_TEST(show_prints_the_policy_a_run_kept_byte_for_byte)
{
	char out[1 << 14], want[256], got[256];
	run_month("2024-06", policy, "");
	/* The file changes after the run: the store keeps what decided. */
	shell(NULL, 0, "cp rules/letter-for-all.vroeg %s", policy);
	ck_assert_int_eq(shell(want, sizeof want, "sha256sum < rules/crisis-queue.vroeg"), 0);
	ck_assert_int_eq(shell(got, sizeof got, "%s show --db %s --month 2024-06 --source | sha256sum",
			       vroeg_bin(), db), 0);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-06", vroeg_bin(), db), 0);
	char kept[128];
	snprintf(kept, sizeof kept, "rule text with SHA-256 %s", p2_sha);
	ck_assert_msg(strstr(out, "run         1 (current)\n") && strstr(out, "month       2024-06\n") &&
		      strstr(out, kept) &&
		      strstr(out, "program     SHA-256 ") &&
		      strstr(out, "\n\n# field policy P2: municipality with a crisis queue"), "show: %s", out);
	/* A run by its number, and one that is not there. */
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --run 1 | head -1", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "run         1 (current)\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --run 7", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: no run 7 in the store: `vroeg runs` lists them\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-05", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: no run recorded for 2024-05\n");
}
END_TEST

typedef struct agree_ctx {
	store *s;
	explainer *e;
	size_t checked, differ;
	char first[256];
} agree_ctx;

static void explain_each(const vr_decision_set *set, void *arg)
{
	agree_ctx *c = arg;
	capture cap;
	capture_start(&cap);
	for (size_t i = 0; i < set->nrows; i++) {
		vr_decision_row buf;
		const vr_decision_row *rec = vr_decision_at(set, i, &buf);
		const vr_decision_row *row;
		ck_assert_msg(explain_household(c->e, rec->household, NULL, &row, &cap.d) == 1,
			      "%s: %s", rec->household, captured(&cap));
		c->checked++;
		if (!explain_same(row, rec, set->nlabels) && c->differ++ == 0)
			snprintf(c->first, sizeof c->first, "%s: recorded %s (%s), explained %s (%s)", rec->household,
				 rec->bucket, rec->rule, row->bucket, row->rule);
	}
	capture_end(&cap);
}

START_TEST(explain_from_the_kept_policy_agrees_with_decisions_for_every_household)
{
	char out[1 << 15];
	run_month("2024-06", policy, "");
	/* Afterwards the rule file changes, and a late signal arrives that
	 * would send H000022 (recorded: mail) to the crisis queue. */
	shell(NULL, 0, "cp rules/letter-for-all.vroeg %s", policy);
	char late[160];
	snprintf(late, sizeof late, "%s/late.csv", dir);
	write_file_text(late, "signal_id,received,household,creditor,sector,kind,arrears\n"
			"LATE1,2024-06-29,H000022,Woonbron,rent,eviction,900.00\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s import --db %s %s", vroeg_bin(), db, late), 0);

	capture c;
	capture_start(&c);
	store *s;
	ck_assert_int_eq(store_connect(db, STORE_READ_ONLY, 1000, &s, &c.d), STORE_OK);
	vr_month m;
	ck_assert(vr_month_parse("2024-06", 7, &m));
	store_run run;
	ck_assert_int_eq(store_current_run(s, m, &run, &c.d), 1);
	bc_program p;
	char *text;
	size_t len;
	bool same;
	ck_assert_int_eq(audit_load_policy(s, &run, &p, &text, &len, &same, &c.d), 1);
	ck_assert(same);
	ck_assert_str_eq(p.policy_name, "Crisis queue and capacity overflow");
	store_read_as_of(s, run.imports_upto);
	agree_ctx a = { .s = s };
	a.e = explain_new(s, &p, m, text, len, NULL, &c.d);
	ck_assert_msg(a.e != NULL, "%s", captured(&c));
	ck_assert_int_eq(store_read_decisions(s, m, explain_each, &a, &c.d), STORE_OK);
	ck_assert_uint_eq(a.checked, 894);
	ck_assert_msg(a.differ == 0, "%zu of %zu differ; first %s", a.differ, a.checked, a.first);
	explain_free(a.e);
	free(text);
	bc_program_free(&p);
	store_close(s);
	capture_end(&c);

	/* The command says what it explains, and that it agrees. */
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000022",
			       vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "Explained with the policy the run kept, over the data run 1 read (imports 1 to 2).") &&
		      strstr(out, "policy \"Crisis queue and capacity overflow\"") &&
		      strstr(out, "Decision: mail, overflowed from home_visit\n") &&
		      strstr(out, "Recorded by run 1: mail, overflowed from home_visit (") &&
		      !strstr(out, "LATE1") && !strstr(out, "does not come to"), "explain: %s", out);
}
END_TEST

START_TEST(explain_with_another_policy_says_so_and_shows_both_decisions)
{
	char out[1 << 15];
	run_month("2024-06", policy, "");
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000022 "
			       "rules/letter-for-all.vroeg", vroeg_bin(), db), 0);
	char want[512];
	snprintf(want, sizeof want, "The policy given is not the one run 1 recorded for this month:\n"
		 "  given:    \"Everyone gets a letter\" 1 (rules/letter-for-all.vroeg, source 0ba3a2d33b3d)\n"
		 "  recorded: \"Crisis queue and capacity overflow\" 1 (%s, source %.12s",
		 policy, p2_sha);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "explain: %s", out);
	snprintf(want, sizeof want, "Recorded decision (run 1): mail, overflowed from home_visit (%s:12)\n"
		 "The given policy decides:  letter, overflowed from home_visit (rules/letter-for-all.vroeg:8)\n",
		 policy);
	ck_assert_msg(strstr(out, want), "explain: %s", out);
	ck_assert_msg(strstr(out, "policy \"Everyone gets a letter\" (rules/letter-for-all.vroeg)"), "explain: %s", out);
	/* The policy the run used, given as a file: no such notice. */
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000022 "
			       "rules/crisis-queue.vroeg", vroeg_bin(), db), 0);
	ck_assert_msg(!strstr(out, "is not the one") && strstr(out, "Recorded by run 1: mail"), "explain: %s", out);
}
END_TEST

START_TEST(explain_without_a_policy_needs_a_recorded_run)
{
	char out[4096];
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000022",
			       vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: no run recorded for 2024-06: give the POLICY to explain what it decides\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --signals examples/city/signals.csv --month 2024-06 "
			       "--household H000022", vroeg_bin()), 64);
}
END_TEST

START_TEST(runs_names_the_run_that_superseded_another)
{
	char out[8192];
	run_month("2024-06", policy, "");
	run_month("2024-05", policy, "");
	run_month("2024-06", "rules/letter-for-all.vroeg", "--replace");
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s | sed 's/^\\([0-9]*\\) .*  \\(superseded.*\\)$/\\1 \\2/;t;s/^\\([0-9]*\\) .*[0-9a-f]$/\\1/'",
			       vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "run   month   policy                           version    started              finished              triaged  source\n"
			 "1 superseded by run 3\n2\n3\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --run 1 | head -1", vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "run         1 (superseded by run 3)\n");
}
END_TEST

START_TEST(a_run_from_a_vrb_keeps_the_program_that_decided)
{
	char out[1 << 15], vrb[160];
	snprintf(vrb, sizeof vrb, "%s/policy.vrb", dir);
	ck_assert_int_eq(shell(out, sizeof out, "%s compile %s -o %s", vroeg_bin(), policy, vrb), 0);
	run_month("2024-06", vrb, "");
	shell(NULL, 0, "rm %s %s", vrb, policy);
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-06", vroeg_bin(), db), 0);
	char sha_line[64];
	snprintf(sha_line, sizeof sha_line, "sha256      %.12s", p2_sha);
	ck_assert_msg(strstr(out, "run from a compiled policy (.vrb)") && strstr(out, "lookback    6 months") &&
		      strstr(out, sha_line), "show: %s", out);
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-06 --source", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: run 1 kept no rule text: it was run from a compiled policy (.vrb); "
			 "`vroeg show` without --source lists it\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000022",
			       vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "Recorded by run 1: mail, overflowed from home_visit") &&
		      !strstr(out, "does not come to"), "explain: %s", out);
}
END_TEST

START_TEST(show_prints_the_settings_a_run_was_given)
{
	char out[1 << 14];
	capture c;
	capture_start(&c);
	store *s = store_open(db, 1000, &c.d);
	ck_assert_ptr_nonnull(s);
	static const char text[] = "policy \"P\" version 1\notherwise -> letter\nbucket letter\n";
	store_run run = { .month = 2024 * 12 + 5, .policy_name = "P", .policy_version = "1", .source_sha256 = "00",
			  .started = "t", .finished = "t", .policy_form = STORE_POLICY_SOURCE, .policy = text,
			  .policy_len = sizeof text - 1, .source_name = "p.vroeg", .program_sha256 = "11",
			  .settings = "[\"capacity home_visit 40\"]" };
	ck_assert_int_eq(store_begin(s, &c.d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &run, NULL, &c.d), STORE_OK);
	ck_assert_int_eq(store_commit(s, &c.d), STORE_OK);
	store_close(s);
	capture_end(&c);
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-06", vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "\nsettings    [\"capacity home_visit 40\"]\n\npolicy \"P\" version 1\n"), "show: %s", out);
	/* A run without settings has no such line. */
	run_month("2024-05", policy, "");
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-05", vroeg_bin(), db), 0);
	ck_assert_msg(!strstr(out, "settings"), "show: %s", out);
}
END_TEST

/* A store as vroeg wrote it at schema version 1 (tests/data/store/v1.sql). */
static void make_v1_store(void)
{
	size_t len;
	char *sql = slurp_file("tests/data/store/v1.sql", &len);
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	free(sql);
}

START_TEST(a_store_of_schema_1_keeps_working_and_its_runs_ask_for_the_policy)
{
	char out[1 << 14];
	shell(NULL, 0, "rm -f %s*", db);
	make_v1_store();
	/* A read-only command does not migrate; a run does. */
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s", vroeg_bin(), db), 5);
	run_month("2024-04", "rules/crisis-queue.vroeg", "");
	ck_assert_int_eq(shell(out, sizeof out, "%s runs --db %s | sed 1d | sed 's/^\\([0-9]*\\) .*  \\(superseded.*\\)$/\\1 \\2/;t;s/^\\([0-9]*\\) .*[0-9a-f]$/\\1/'",
			       vroeg_bin(), db), 0);
	ck_assert_str_eq(out, "1 superseded by run 2\n2\n3\n4\n");
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-06", vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "source      not kept: the run was recorded before vroeg kept the policy of each run; "
			     "the rule file with SHA-256 0ba3a2d33b3d"), "show: %s", out);
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-06 --source", vroeg_bin(), db), 3);
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000411",
			       vroeg_bin(), db), 3);
	ck_assert_msg(strstr(out, "vroeg: run 2 for 2024-06 was recorded before vroeg kept the policy of each run: "
			     "give the rule file it was run with (source SHA-256 0ba3a2d33b3d"), "explain: %s", out);
	/* Given the file, it explains, and agrees with the record. */
	ck_assert_int_eq(shell(out, sizeof out, "%s explain --db %s --month 2024-06 --household H000411 "
			       "rules/letter-for-all.vroeg", vroeg_bin(), db), 0);
	ck_assert_msg(strstr(out, "Recorded by run 2: ") && !strstr(out, "does not come to") &&
		      !strstr(out, "is not the one"), "explain: %s", out);
	/* Purge cannot tell how far back such a run reads. */
	ck_assert_int_eq(shell(out, sizeof out, "%s purge --db %s --before 2024-06", vroeg_bin(), db), 3);
	ck_assert_str_eq(out, "vroeg: purge --before 2024-06 would remove signals and outcomes that the policy of run 2 "
			 "for 2024-06 reads (how far back is not known: it was recorded before runs kept that); give "
			 "--force to purge all the same\n");
	/* The run recorded now keeps its policy. */
	ck_assert_int_eq(shell(out, sizeof out, "%s show --db %s --month 2024-04 --source | cmp - rules/crisis-queue.vroeg",
			       vroeg_bin(), db), 0);
}
END_TEST

Suite *audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("audit trail");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, show_prints_the_policy_a_run_kept_byte_for_byte);
	tcase_add_test(tc, explain_from_the_kept_policy_agrees_with_decisions_for_every_household);
	tcase_add_test(tc, explain_with_another_policy_says_so_and_shows_both_decisions);
	tcase_add_test(tc, explain_without_a_policy_needs_a_recorded_run);
	tcase_add_test(tc, runs_names_the_run_that_superseded_another);
	tcase_add_test(tc, a_run_from_a_vrb_keeps_the_program_that_decided);
	tcase_add_test(tc, show_prints_the_settings_a_run_was_given);
	tcase_add_test(tc, a_store_of_schema_1_keeps_working_and_its_runs_ask_for_the_policy);
	suite_add_tcase(s, tc);
	return s;
}
