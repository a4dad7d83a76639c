/* check_ranges.c - `--month FROM..TO` through the real binary, on the
 * example city: a dry-run of a range prints each month byte for byte as a
 * dry-run of that month alone does (decisions and summary, in every
 * format, for several policies; CSV with one header), then the months
 * together; a diff of a range prints each month's diff and the months
 * together; the range's limit, taken and one past it; run refuses a range,
 * and the commands that take one month say so. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "support.h"

static char dir[64], db[128];

/* Runs `vroeg ARGS`: its exit status, standard output into *OUT and
 * standard error into *ERR (either may be NULL; the caller frees them). */
static int vr(const char *args, char **out, char **err)
{
	char errfile[128], cmd[4096];
	snprintf(errfile, sizeof errfile, "%s/stderr.txt", dir);
	snprintf(cmd, sizeof cmd, "%s %s 2>%s", vroeg_bin(), args, errfile);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char *o = slurp_stream(p, NULL);
	const int status = pclose(p);
	FILE *f = fopen(errfile, "r");
	ck_assert_ptr_nonnull(f);
	char *e = slurp_stream(f, NULL);
	fclose(f);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-ranges-XXXXXX");
	scratch_city_store(dir, db, sizeof db);
}

static void teardown(void)
{
	scratch_remove(dir);
}

/* A growable text. */
typedef struct text {
	char *s;
	size_t n;
} text;

static void add_n(text *t, const char *s, size_t len)
{
	t->s = realloc(t->s, t->n + len + 1);
	ck_assert_ptr_nonnull(t->s);
	memcpy(t->s + t->n, s, len);
	t->n += len;
	t->s[t->n] = '\0';
}

static void add(text *t, const char *s)
{
	add_n(t, s, strlen(s));
}

/* The example city's months: 2023-12 .. 2024-06. */
static const char *const months[] = { "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06" };
enum { NMONTHS = 7 };

static const char *const policies[] = { "rules/crisis-queue.vroeg", "rules/zoetermeer-2019-06.vroeg",
					"rules/district-teams.vroeg", "rules/backfill-visits.vroeg",
					"rules/amount-and-contact.vroeg", "rules/youth-route.vroeg" };

/* The number before WORD in S (as in "894 households triaged"). */
static long number_before(const char *s, const char *word)
{
	const char *at = strstr(s, word);
	ck_assert_msg(at != NULL, "no `%s` in %s", word, s);
	while (at > s && at[-1] == ' ')
		at--;
	while (at > s && at[-1] >= '0' && at[-1] <= '9')
		at--;
	return strtol(at, NULL, 10);
}

START_TEST(a_dry_run_of_a_range_prints_each_month_as_a_dry_run_of_that_month)
{
	static const char *const formats[] = { "table", "csv", "json" };
	for (size_t p = 0; p < sizeof policies / sizeof *policies; p++)
		for (size_t f = 0; f < 3; f++) {
			/* Each month alone: stdout and stderr as a range must repeat them. */
			text out = { 0 }, err = { 0 };
			long triaged = 0;
			for (int m = 0; m < NMONTHS; m++) {
				char args[512], *o, *e;
				snprintf(args, sizeof args, "dry-run --db %s --month %s --format %s %s", db, months[m],
					 formats[f], policies[p]);
				ck_assert_int_eq(vr(args, &o, &e), 0);
				/* A table: a block per month, a blank line between; CSV: the
				 * header once; JSON: the lines one after the other. The
				 * summary (on stderr for CSV and JSON) likewise. */
				const char *rows = o;
				if (f == 1 && m > 0)
					rows = strchr(o, '\n') + 1;
				if (f == 0 && m > 0)
					add(&out, "\n");
				add(&out, rows);
				/* The policy's warnings come once, before everything. */
				const char *summary = strstr(f == 0 ? o : e, "Policy ");
				ck_assert_ptr_nonnull(summary);
				if (f != 0) {
					if (m == 0)
						add(&err, e);
					else {
						add(&err, "\n");
						add(&err, summary);
					}
				}
				triaged += number_before(summary, " households triaged");
				free(o);
				free(e);
			}
			char args[512], *o, *e;
			snprintf(args, sizeof args, "dry-run --db %s --month 2023-12..2024-06 --format %s %s", db,
				 formats[f], policies[p]);
			ck_assert_int_eq(vr(args, &o, &e), 0);
			const char *together = f == 0 ? o : e;
			const size_t head = f == 0 ? out.n : err.n;
			const char *want = f == 0 ? out.s : err.s;
			ck_assert_msg(strncmp(together, want, head) == 0, "%s --format %s: the months differ from dry-runs of "
				      "each month alone", policies[p], formats[f]);
			if (f != 0)
				ck_assert_msg(strcmp(o, out.s) == 0, "%s --format %s: the decisions differ from dry-runs of each "
					      "month alone", policies[p], formats[f]);
			/* Then a blank line and the months together. */
			const char *rest = together + head;
			ck_assert_msg(strncmp(rest, "\nPolicy ", 8) == 0, "%s", rest);
			ck_assert_ptr_nonnull(strstr(rest, ", months 2023-12..2024-06 together (7 months): "));
			ck_assert_int_eq(number_before(rest, " households triaged"), triaged);
			free(o);
			free(e);
			free(out.s);
			free(err.s);
		}
}
END_TEST

START_TEST(the_summary_of_a_range_adds_up_its_months)
{
	char args[512], *o;
	long households = 0, places = 0, moved = 0, rule17 = 0;
	for (int m = 1; m < NMONTHS; m++) {
		snprintf(args, sizeof args, "dry-run --db %s --month %s --summary rules/crisis-queue.vroeg", db, months[m]);
		ck_assert_int_eq(vr(args, &o, NULL), 0);
		const char *mail = strstr(o, "\nmail ");
		ck_assert_ptr_nonnull(mail);
		households += strtol(mail + 5, NULL, 10);
		const char *visit = strstr(o, "\nhome_visit ");
		char *end;
		strtol(visit + 11, &end, 10);   /* households */
		strtol(end, &end, 10);          /* capacity */
		places += strtol(end, NULL, 10);
		moved += number_before(strstr(o, "home_visit -> mail"), "  no place (overflow)");
		rule17 += number_before(strstr(o, "crisis-queue.vroeg:17 "), "  -> letter");
		free(o);
	}
	snprintf(args, sizeof args, "dry-run --db %s --month 2024-01..2024-06 --summary rules/crisis-queue.vroeg", db);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	const char *together = strstr(o, "months 2024-01..2024-06 together (6 months)");
	ck_assert_ptr_nonnull(together);
	const char *mail = strstr(together, "\nmail ");
	ck_assert_int_eq(strtol(mail + 5, NULL, 10), households);
	/* A capacity of 30 a month is 180 over six; its places add up. */
	const char *visit = strstr(together, "\nhome_visit ");
	char *end;
	strtol(visit + 11, &end, 10);
	ck_assert_int_eq(strtol(end, &end, 10), 180);
	ck_assert_int_eq(strtol(end, NULL, 10), places);
	ck_assert_int_eq(places, 180);
	ck_assert_int_eq(number_before(strstr(together, "home_visit -> mail"), "  no place (overflow)"), moved);
	ck_assert_int_eq(number_before(strstr(together, "crisis-queue.vroeg:17 "), "  -> letter"), rule17);
	free(o);
}
END_TEST

START_TEST(a_diff_of_a_range_prints_each_month_and_the_months_together)
{
	const char *const pair = "rules/zoetermeer-2018.vroeg rules/zoetermeer-2019-06.vroeg";
	text table = { 0 }, csv = { 0 }, json = { 0 };
	long changed = 0, decisions = 0;
	for (int m = 0; m < NMONTHS; m++) {
		char args[512], *o;
		snprintf(args, sizeof args, "diff --db %s --month %s %s", db, months[m], pair);
		ck_assert_int_eq(vr(args, &o, NULL), 0);
		if (m > 0)
			add(&table, "\n");
		add(&table, o);
		changed += strtol(o + 9, NULL, 10);
		decisions += number_before(o, " households change");
		free(o);
		/* CSV and JSON: the same rows, each with its month first. */
		snprintf(args, sizeof args, "diff --db %s --month %s --format csv %s", db, months[m], pair);
		ck_assert_int_eq(vr(args, &o, NULL), 0);
		for (const char *line = o; *line;) {
			const char *nl = strchr(line, '\n');
			if (line != o) {
				add(&csv, months[m]);
				add(&csv, ",");
			}
			if (line != o || m == 0) {
				if (line == o)
					add(&csv, "month,");
				add_n(&csv, line, (size_t)(nl - line) + 1);
			}
			line = nl + 1;
		}
		free(o);
		snprintf(args, sizeof args, "diff --db %s --month %s --format json %s", db, months[m], pair);
		ck_assert_int_eq(vr(args, &o, NULL), 0);
		for (char *line = o; *line;) {
			char *nl = strchr(line, '\n');
			*nl = '\0';
			add(&json, "{\"month\":\"");
			add(&json, months[m]);
			add(&json, "\",");
			add(&json, line + 1);
			add(&json, "\n");
			line = nl + 1;
		}
		free(o);
	}
	ck_assert_int_gt(changed, 0);
	char args[512], *o;
	snprintf(args, sizeof args, "diff --db %s --month 2023-12..2024-06 %s", db, pair);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	ck_assert_msg(strncmp(o, table.s, table.n) == 0, "the months differ from diffs of each month alone");
	char want[256];
	snprintf(want, sizeof want, "\n2023-12..2024-06 together (7 months): %ld of %ld household decisions change.\n\n"
		 "Households by bucket, old (rows) to new (columns):\n", changed, decisions);
	ck_assert_msg(strncmp(o + table.n, want, strlen(want)) == 0, "%s", o + table.n);
	/* A capacity of 20 (old) and 25 (new) a month, over seven. */
	ck_assert_ptr_nonnull(strstr(o + table.n, "\nhome_visit                140/140      175/175 "));
	free(o);
	snprintf(args, sizeof args, "diff --db %s --month 2023-12..2024-06 --format csv %s", db, pair);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	ck_assert_str_eq(o, csv.s);
	free(o);
	snprintf(args, sizeof args, "diff --db %s --month 2023-12..2024-06 --format json %s", db, pair);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	ck_assert_str_eq(o, json.s);
	free(o);
	free(table.s);
	free(csv.s);
	free(json.s);
}
END_TEST

/* Exit CODE and MESSAGE (on standard error) for `vroeg ARGS`. */
static void refused(const char *args, int code, const char *message)
{
	char *o, *e;
	const int rc = vr(args, &o, &e);
	ck_assert_msg(rc == code && strstr(e, message), "%s: exit %d, %s", args, rc, e);
	ck_assert_str_eq(o, "");
	free(o);
	free(e);
}

START_TEST(a_range_is_at_most_120_months)
{
	char args[512], *o, *e;
	snprintf(args, sizeof args, "dry-run --db %s --month 2015-01..2024-12 --summary rules/letter-for-all.vroeg", db);
	ck_assert_int_eq(vr(args, &o, &e), 0);
	ck_assert_ptr_nonnull(strstr(o, "month 2015-01: 0 households triaged"));
	ck_assert_ptr_nonnull(strstr(o, "month 2024-06: 894 households triaged"));
	ck_assert_ptr_nonnull(strstr(o, "months 2015-01..2024-12 together (120 months): 5283 households triaged"));
	free(o);
	free(e);
	snprintf(args, sizeof args, "dry-run --db %s --month 2014-12..2024-12 rules/letter-for-all.vroeg", db);
	refused(args, 64, "vroeg: a dry-run covers at most 120 months; 2014-12..2024-12 has 121\n");
	snprintf(args, sizeof args, "diff --db %s --month 2015-01..2024-12 rules/letter-for-all.vroeg "
		 "rules/crisis-queue.vroeg", db);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	ck_assert_ptr_nonnull(strstr(o, "2015-01..2024-12 together (120 months): "));
	free(o);
	snprintf(args, sizeof args, "diff --db %s --month 2014-12..2024-12 rules/letter-for-all.vroeg "
		 "rules/crisis-queue.vroeg", db);
	refused(args, 64, "vroeg: a diff covers at most 120 months; 2014-12..2024-12 has 121\n");
	snprintf(args, sizeof args, "dry-run --db %s --month 2024-06..2024-01 rules/letter-for-all.vroeg", db);
	refused(args, 64, "vroeg: `2024-06..2024-01`: the first month comes after the last\n");
	snprintf(args, sizeof args, "dry-run --db %s --month 2024-01..2024-6 rules/letter-for-all.vroeg", db);
	refused(args, 64, "vroeg: `2024-6` is not a month: write YYYY-MM, e.g. 2024-03, or `previous`\n");
}
END_TEST

START_TEST(run_and_the_one_month_commands_refuse_a_range)
{
	char args[512], before[4096], *o;
	snprintf(args, sizeof args, "runs --db %s", db);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	snprintf(before, sizeof before, "%s", o);
	free(o);
	snprintf(args, sizeof args, "run --db %s --month 2024-01..2024-06 rules/crisis-queue.vroeg", db);
	refused(args, 64, "vroeg: run records the decisions of one month: give --month YYYY-MM "
		"(`2024-01..2024-06` is a range; dry-run, diff and sweep try a range of months)\n");
	snprintf(args, sizeof args, "runs --db %s", db);
	ck_assert_int_eq(vr(args, &o, NULL), 0);
	ck_assert_str_eq(o, before);   /* nothing recorded */
	free(o);
	snprintf(args, sizeof args, "explain --db %s --month 2024-01..2024-06 --household H000006 "
		 "rules/crisis-queue.vroeg", db);
	refused(args, 64, "vroeg: `2024-01..2024-06` is a range of months: this command takes one month, YYYY-MM "
		"(dry-run, diff and sweep take a range)\n");
	snprintf(args, sizeof args, "decisions --db %s --month 2024-01..2024-06", db);
	refused(args, 64, "is a range of months: this command takes one month");
}
END_TEST

Suite *ranges_suite(void)
{
	Suite *s = suite_create("ranges");
	TCase *tc = tcase_create("ranges");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, a_dry_run_of_a_range_prints_each_month_as_a_dry_run_of_that_month);
	tcase_add_test(tc, the_summary_of_a_range_adds_up_its_months);
	tcase_add_test(tc, a_diff_of_a_range_prints_each_month_and_the_months_together);
	tcase_add_test(tc, a_range_is_at_most_120_months);
	tcase_add_test(tc, run_and_the_one_month_commands_refuse_a_range);
	suite_add_tcase(s, tc);
	return s;
}
