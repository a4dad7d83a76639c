/* check_report_cmd.c - `vroeg report` through the real binary, on the
 * example city with runs recorded for 2024-01 .. 2024-06: its command line
 * and limits, a month without a run, the file written whole, no household
 * key or amount in any format, the language from the locale, and the HTML
 * page in a real browser (chromium-headless-shell, networking off): its
 * charts and figures are in the DOM, their numbers are those of `vroeg
 * decisions`, it fetches nothing, and its screenshot is not blank. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static char dir[64], db[128];

/* `vroeg report --db DB ARGS`: its exit status and output. */
static int report(const char *args, char **out)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s report --db %s %s", vroeg_bin(), db, args);
	return run_joined(cmd, out);
}

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-report-XXXXXX");
	scratch_city_store(dir, db, sizeof db);
	char cmd[2048], *out;
	for (int m = 1; m <= 6; m++) {
		snprintf(cmd, sizeof cmd, "%s run --db %s --month 2024-%02d rules/crisis-queue.vroeg", vroeg_bin(), db, m);
		ck_assert_msg(run_joined(cmd, &out) == 0, "run: %s", out);
		free(out);
	}
}

static void teardown(void)
{
	scratch_remove(dir);
}

/* Exit CODE and MESSAGE for ARGS. */
static void refused(const char *args, int code, const char *message)
{
	char *out;
	const int rc = report(args, &out);
	ck_assert_msg(rc == code && strstr(out, message), "report %s: exit %d, %s", args, rc, out);
	free(out);
}

START_TEST(a_wrong_command_line_is_refused_with_what_to_write)
{
	refused("", 64, "give the months with --months FROM..TO or one month with --month M");
	refused("--month 2024-06 --months 2024-01..2024-06", 64, "give the months with --months");
	refused("--months 2024-06", 64, "`2024-06` is not a range of months: write FROM..TO, e.g. 2023-12..2024-06");
	refused("--months 2024-06..2024-01", 64, "`2024-06..2024-01`: the first month comes after the last");
	refused("--months 2024-1..2024-06", 64, "`2024-1` is not a month");
	refused("--month 2024-06 --format pdf", 64, "--format is table, csv, json or html");
	refused("--month 2024-06 --lang de", 64, "--lang is nl or en");
	refused("--month 2024-06 --min-count 0", 64, "--min-count is a whole number from 1 to 1000");
	refused("--month 2024-06 --min-count 5x", 64, "--min-count is a whole number from 1 to 1000");
	refused("--month 2024-06 extra", 64, "report takes no argument `extra`");
	char cmd[512], *out;
	snprintf(cmd, sizeof cmd, "%s report --db %s/nothing.db --month 2024-06", vroeg_bin(), dir);
	ck_assert_int_eq(run_joined(cmd, &out), 5);
	ck_assert_ptr_nonnull(strstr(out, "no store at"));
	free(out);
	/* A misspelt --db creates nothing. */
	snprintf(cmd, sizeof cmd, "%s/nothing.db", dir);
	ck_assert_int_ne(access(cmd, F_OK), 0);
}
END_TEST

START_TEST(the_limits_are_taken_and_one_past_them_is_refused)
{
	char *out;
	/* --min-count: 1000 is the most. */
	ck_assert_int_eq(report("--month 2024-06 --format csv --min-count 1000", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "2024-06,households,mail,,<1000\n"));
	free(out);
	refused("--month 2024-06 --min-count 1001", 64, "--min-count is a whole number from 1 to 1000");
	/* 120 months in one report, not 121. */
	ck_assert_int_eq(report("--months 2015-01..2024-12 --format csv", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "2015-01,run,,no run,0\n"));
	ck_assert_ptr_nonnull(strstr(out, "2024-12,run,,no run,0\n"));
	free(out);
	refused("--months 2014-12..2024-12", 64, "a report covers at most 120 months; 2014-12..2024-12 has 121");
}
END_TEST

START_TEST(a_month_without_a_run_still_counts_its_signals)
{
	char *out;
	ck_assert_int_eq(report("--month 2023-12 --format csv", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "month,measure,bucket,category,value\n"));
	ck_assert_ptr_nonnull(strstr(out, "2023-12,run,,no run,0\n"));
	ck_assert_ptr_nonnull(strstr(out, "2023-12,signals_total,,,900\n"));
	ck_assert_ptr_null(strstr(out, ",households,"));
	free(out);
	ck_assert_int_eq(report("--month 2023-12", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "  2023-12  no run\n"));
	free(out);
}
END_TEST

START_TEST(json_is_one_object_with_the_csv_figures)
{
	char *csv, *json;
	ck_assert_int_eq(report("--months 2024-05..2024-06 --format csv --min-count 3", &csv), 0);
	ck_assert_int_eq(report("--months 2024-05..2024-06 --format json --min-count 3", &json), 0);
	ck_assert(json[0] == '{' && strstr(json, "\"min_count\":3"));
	long lines = -1, objects = 0;
	for (const char *p = csv; (p = strchr(p, '\n')); p++)
		lines++;
	for (const char *p = json; (p = strstr(p, "{\"month\":")); p++)
		objects++;
	ck_assert_int_eq(objects, lines + 2);   /* the two months' own objects */
	ck_assert_ptr_nonnull(strstr(json, "{\"month\":\"2024-06\",\"measure\":\"households\",\"bucket\":\"mail\","
					   "\"category\":\"\",\"value\":483}"));
	ck_assert_ptr_nonnull(strstr(json, "\"value\":\"<3\"}"));
	ck_assert_ptr_nonnull(strstr(json, "\"capacity_known\":true"));
	ck_assert_ptr_nonnull(strstr(csv, "2024-06,households,mail,,483\n"));
	free(csv);
	free(json);
}
END_TEST

START_TEST(no_household_key_and_no_amount_in_any_format)
{
	/* What the decisions hold that no report may: keys and amounts. */
	char cmd[512], *decisions;
	snprintf(cmd, sizeof cmd, "%s decisions --db %s --month 2024-06 --format csv", vroeg_bin(), db);
	ck_assert_int_eq(run_joined(cmd, &decisions), 0);
	const char *const formats[] = { "table", "csv", "json", "html" };
	for (int f = 0; f < 4; f++) {
		char args[128], *out;
		snprintf(args, sizeof args, "--months 2024-01..2024-06 --format %s", formats[f]);
		ck_assert_int_eq(report(args, &out), 0);
		ck_assert_msg(!strstr(out, ",H0") && !strstr(out, ">H0") && !strstr(out, "\"H0") && !strstr(out, " H0"),
			      "a household key in the %s report", formats[f]);
		/* The month's total arrears per bucket, as the summary has them. */
		ck_assert_msg(!strstr(out, "459077.63") && !strstr(out, "101678.56") && !strstr(out, "EUR"),
			      "an amount in the %s report", formats[f]);
		/* Nor any one household's arrears. */
		int nchecked = 0;
		for (char *line = strchr(decisions, '\n'); line && line[1] && nchecked < 200; line = strchr(line + 1, '\n')) {
			const char *amount = strrchr(line + 1, ',');
			char a[32];
			const size_t n = strcspn(amount + 1, "\n");
			snprintf(a, sizeof a, "%.*s", (int)n, amount + 1);
			if (strlen(a) >= 6)   /* 1234.56: too specific to occur by chance */
				ck_assert_msg(!strstr(out, a), "the amount %s in the %s report", a, formats[f]);
			nchecked++;
		}
		free(out);
	}
	free(decisions);
}
END_TEST

START_TEST(a_file_is_written_whole_or_not_at_all)
{
	char args[512], path[256], *out;
	snprintf(path, sizeof path, "%s/r.csv", dir);
	snprintf(args, sizeof args, "--month 2024-06 --format csv -o %s", path);
	ck_assert_int_eq(report(args, &out), 0);
	ck_assert_str_eq(out, "");
	free(out);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 1000);
	snprintf(path, sizeof path, "%s/r.csv.tmp", dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(args, sizeof args, "--month 2024-06 --format csv -o %s/no/such/dir/r.csv", dir);
	ck_assert_int_eq(report(args, &out), 5);
	ck_assert_ptr_nonnull(strstr(out, "cannot write"));
	free(out);
}
END_TEST

START_TEST(the_page_language_comes_from_the_locale_unless_given)
{
	static const struct {
		const char *env, *args, *want;
	} cases[] = {
		{ "LC_ALL= LC_MESSAGES= LANG=nl_NL.UTF-8", "", "<html lang=\"nl\">" },
		{ "LC_ALL= LC_MESSAGES= LANG=nl", "", "<html lang=\"nl\">" },
		{ "LC_ALL=en_GB.UTF-8 LC_MESSAGES= LANG=nl_NL.UTF-8", "", "<html lang=\"en\">" },
		{ "LC_ALL= LC_MESSAGES=nl_BE.UTF-8 LANG=en_US.UTF-8", "", "<html lang=\"nl\">" },
		{ "LC_ALL= LC_MESSAGES= LANG=C", "", "<html lang=\"en\">" },
		{ "LC_ALL= LC_MESSAGES= LANG=nld", "", "<html lang=\"en\">" },
		{ "LC_ALL= LC_MESSAGES= LANG=nl_NL.UTF-8", "--lang en", "<html lang=\"en\">" },
		{ "LC_ALL=C LC_MESSAGES= LANG=", "--lang nl", "<html lang=\"nl\">" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char cmd[1024], *out;
		snprintf(cmd, sizeof cmd, "env %s %s report --db %s --month 2024-06 --format html %s", cases[i].env,
			 vroeg_bin(), db, cases[i].args);
		ck_assert_int_eq(run_joined(cmd, &out), 0);
		ck_assert_msg(strstr(out, cases[i].want), "%s %s: not %s", cases[i].env, cases[i].args, cases[i].want);
		if (strstr(cases[i].want, "nl"))
			ck_assert_ptr_nonnull(strstr(out, "Huishoudens per bakje"));
		else
			ck_assert_ptr_nonnull(strstr(out, "Households per bucket"));
		free(out);
	}
}
END_TEST

/* ---- the page in a browser ------------------------------------------------------- */

START_TEST(the_html_page_renders_in_a_browser_with_its_charts_and_figures)
{
	char page[256], args[512], *out;
	snprintf(page, sizeof page, "%s/r.html", dir);
	snprintf(args, sizeof args, "--months 2023-12..2024-06 --format html --lang en -o %s", page);
	ck_assert_int_eq(report(args, &out), 0);
	free(out);
	/* Nothing to fetch: no address, no script, no font, no stylesheet. */
	FILE *f = fopen(page, "r");
	ck_assert_ptr_nonnull(f);
	static char html[1 << 20];
	const size_t n = fread(html, 1, sizeof html - 1, f);
	fclose(f);
	html[n] = '\0';
	ck_assert_int_lt(n, sizeof html - 1);
	const char *const forbidden[] = { "http://", "https://", "<script", "src=", "href=", "url(", "@import",
					  "<link", "<img", "<iframe" };
	for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++)
		ck_assert_msg(!strstr(html, forbidden[i]), "the page has `%s`", forbidden[i]);

	char *dom = chromium_render(page, dir, "--dump-dom");
	ck_assert_ptr_nonnull(strstr(dom, "<html lang=\"en\">"));
	const char *const charts[] = { "id=\"chart-signals\"", "id=\"chart-households\"", "id=\"chart-capacity-1\"",
				       "id=\"chart-capacity-2\"", "id=\"chart-outcomes-1\"" };
	for (size_t i = 0; i < sizeof charts / sizeof *charts; i++)
		ck_assert_msg(strstr(dom, charts[i]), "no %s in the page", charts[i]);
	int svgs = 0;
	for (const char *p = dom; (p = strstr(p, "<svg class=\"chart\"")); p++)
		svgs++;
	ck_assert_int_ge(svgs, 12);
	ck_assert_ptr_nonnull(strstr(dom, "Crisis queue and capacity overflow"));
	ck_assert_ptr_nonnull(strstr(dom, "no run recorded"));
	/* Each bucket's bar and table cell say what `vroeg decisions` counts. */
	char cmd[512], *decisions;
	snprintf(cmd, sizeof cmd, "%s decisions --db %s --month 2024-06 --format csv", vroeg_bin(), db);
	ck_assert_int_eq(run_joined(cmd, &decisions), 0);
	const char *const buckets[] = { "crisis", "already_known", "register_check", "home_visit", "phone", "mail",
					"letter", "excluded" };
	for (size_t b = 0; b < sizeof buckets / sizeof *buckets; b++) {
		char want[128];
		long count = 0;   /* rows whose third field (bucket) it is */
		for (const char *p = strchr(decisions, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
			const char *third = strchr(strchr(p + 1, ',') + 1, ',') + 1;
			count += strncmp(third, buckets[b], strlen(buckets[b])) == 0 && third[strlen(buckets[b])] == ',';
		}
		ck_assert_int_gt(count, 0);
		snprintf(want, sizeof want, "<title>%s, 2024-06: %ld</title>", buckets[b], count);
		ck_assert_msg(strstr(dom, want), "the households chart lacks %s", want);
		/* The households table: the bucket's row ends with its count in June. */
		snprintf(want, sizeof want, "<td class=\"sub\">%s</td>", buckets[b]);
		const char *row = strstr(dom, want);
		ck_assert_ptr_nonnull(row);
		const char *end = strstr(row, "</tr>");
		snprintf(want, sizeof want, "<td>%ld</td>", count);
		ck_assert_msg(end && strncmp(end - strlen(want), want, strlen(want)) == 0,
			      "the households table row of %s does not end with %ld", buckets[b], count);
	}
	free(decisions);
	ck_assert_ptr_nonnull(strstr(dom, "<title>capacity, 2024-06: 30</title>"));
	free(dom);

	/* A screenshot that is not blank: far larger than one of an empty page. */
	char png[256], blank_png[256], blank[256], shot[512];
	snprintf(png, sizeof png, "%s/r.png", dir);
	snprintf(blank_png, sizeof blank_png, "%s/blank.png", dir);
	snprintf(blank, sizeof blank, "%s/blank.html", dir);
	f = fopen(blank, "w");
	fputs("<!DOCTYPE html><html><body></body></html>\n", f);
	fclose(f);
	snprintf(shot, sizeof shot, "--screenshot=%s", png);
	free(chromium_render(page, dir, shot));
	snprintf(shot, sizeof shot, "--screenshot=%s", blank_png);
	free(chromium_render(blank, dir, shot));
	const long size = file_size(png), empty = file_size(blank_png);
	ck_assert_msg(empty > 0 && size > 5 * empty && size > 100000, "screenshot %ld bytes, an empty page's %ld", size,
		      empty);
	f = fopen(png, "rb");
	unsigned char sig[8];
	ck_assert_int_eq(fread(sig, 1, 8, f), 8);
	fclose(f);
	ck_assert_int_eq(memcmp(sig, "\x89PNG\r\n\x1a\n", 8), 0);
}
END_TEST

Suite *report_cmd_suite(void)
{
	Suite *s = suite_create("report_cmd");
	TCase *tc = tcase_create("report_cmd");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, a_wrong_command_line_is_refused_with_what_to_write);
	tcase_add_test(tc, the_limits_are_taken_and_one_past_them_is_refused);
	tcase_add_test(tc, a_month_without_a_run_still_counts_its_signals);
	tcase_add_test(tc, json_is_one_object_with_the_csv_figures);
	tcase_add_test(tc, no_household_key_and_no_amount_in_any_format);
	tcase_add_test(tc, a_file_is_written_whole_or_not_at_all);
	tcase_add_test(tc, the_page_language_comes_from_the_locale_unless_given);
	tcase_add_test(tc, the_html_page_renders_in_a_browser_with_its_charts_and_figures);
	suite_add_tcase(s, tc);
	return s;
}
