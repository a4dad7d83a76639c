/* check_sweep.c - `vroeg sweep` (sweep.c, sweep_text.c, sweep_html.c): on
 * the example city, every variant's decisions of every month are those of
 * `vroeg dry-run --set` with its values, row for row (the CSV of each, byte
 * for byte), whether its names change decisions (a floor) or only
 * allocation (a capacity), and when the variants take more than one read
 * of a month; its figures are those a dry-run's evaluation gives; each
 * month is read once for all variants. Through the binary: the CSV of the
 * data contract (header, order, values as the language writes them), JSON
 * lines, the table, the limits at and past them, the messages for a wrong
 * command line, a file written whole, and the HTML page in a real browser:
 * its charts' bars say the CSV's figures, it fetches nothing, and its
 * screenshot is not blank. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "report.h"
#include "run.h"
#include "support.h"
#include "sweep.h"

static char dir[64], db[128], policy[128];

/* Field policy P2 with its floor, its home visits and its phone places
 * named; the named defaults 100 and 500 are also written out as literals,
 * which a sweep must leave alone. */
static const char p2[] =
	"policy \"Crisis queue and capacity overflow\" version 1\n"
	"define floor = 100\n"
	"define big = 500\n"
	"define visits = 30\n"
	"define phone_places = 50\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"count signal when arrears >= floor or sector = water\n"
	"any kind in {eviction, end_of_supply}               -> crisis\n"
	"any known_debt_help                                 -> already_known\n"
	"any brp_match = 0                                   -> register_check\n"
	"match                                               -> home_visit\n"
	"single and recidive and arrears > big               -> home_visit\n"
	"single and any sector = rent                        -> phone\n"
	"single and recidive and arrears between 100 and 500 -> phone\n"
	"single and arrears > 300                            -> phone\n"
	"otherwise                                           -> letter\n"
	"bucket crisis\n"
	"bucket already_known   feedback already_known\n"
	"bucket register_check\n"
	"bucket home_visit      capacity visits by arrears desc overflow mail\n"
	"bucket phone           capacity phone_places by arrears desc overflow letter\n"
	"                       without phone -> mail\n"
	"bucket mail            capacity unlimited\n"
	"bucket letter          capacity unlimited\n";

/* `vroeg sweep --db DB ARGS`: its exit status, its output into *OUT. */
static int sweep_cmd(const char *args, char **out)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "%s sweep --db %s %s", vroeg_bin(), db, args);
	return run_joined(cmd, out);
}

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-sweep-XXXXXX");
	scratch_city_store(dir, db, sizeof db);
	snprintf(policy, sizeof policy, "%s/p2.vroeg", dir);
	write_file_text(policy, p2);
}

static void teardown(void)
{
	scratch_remove(dir);
}

/* ---- the library ---------------------------------------------------------------- */

static store *open_store(diag *d)
{
	store *s;
	ck_assert_int_eq(store_connect(db, STORE_READ_ONLY, 0, &s, d), STORE_OK);
	return s;
}

static void load(bc_program *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(policy, "r");
	ck_assert_ptr_nonnull(f);
	text = slurp_stream(f, NULL);
	len = strlen(text);
	fclose(f);
	diag quiet;
	diag_init(&quiet, NULL);
	ck_assert(compile_policy(policy, text, len, &quiet, p));
	free(text);
}

/* The decisions of R as `dry-run --format csv` prints them. */
static char *decisions_csv(const run_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	report_decisions(f, &r->set, REPORT_CSV);
	fclose(f);
	return text;
}

/* What each variant's evaluations are nchecked against. */
typedef struct against {
	const sweep *sw;
	store *s;
	bool binary;           /* against `vroeg dry-run --set` (else run_evaluate) */
	long seen;             /* evaluations nchecked */
	long moved;            /* households whose bucket differs from the policy as written */
	char **written;        /* per month: the policy as written, as CSV */
} against;

/* Each evaluation of variant V against a dry-run with its values: the
 * binary's CSV byte for byte, or run_evaluate's rows and figures. */
static void check_variant(void *arg, size_t v, const run_result *r, const bc_program *p)
{
	against *a = arg;
	const sweep *sw = a->sw;
	char *got = decisions_csv(r);
	if (a->binary) {
		char cmd[2048], *want, value[32];
		char month[8];
		vr_month_format(r->set.month, month);
		int n = snprintf(cmd, sizeof cmd, "%s dry-run --db %s --month %s", vroeg_bin(), db, month);
		for (size_t k = 0; k < sw->nnames; k++)
			n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --set %s=%s", sweep_name_text(sw, k),
				      sweep_value_text(sw, v, k, value));
		snprintf(cmd + n, sizeof cmd - (size_t)n, " --format csv --no-summary %s 2>/dev/null", policy);
		FILE *pipe = popen(cmd, "r");
		ck_assert_ptr_nonnull(pipe);
		want = slurp_stream(pipe, NULL);
		ck_assert_int_eq(pclose(pipe), 0);
		ck_assert_msg(strcmp(got, want) == 0, "%s: the sweep's decisions differ", cmd);
		free(want);
	} else {
		/* The program the sweep gave: the variant's values, set. */
		for (size_t k = 0; k < sw->nnames; k++) {
			const bc_param *q = &p->params[sw->names[k].param];
			ck_assert(q->given);
			ck_assert_int_eq(q->value, sw->names[k].values[sweep_value_index(sw, v, k)]);
		}
		bc_program own;
		load(&own);
		diag d;
		diag_init(&d, stderr);
		for (size_t k = 0; k < sw->nnames; k++)
			ck_assert(bc_program_set(&own, sweep_name_text(sw, k), sw->names[k].values[sweep_value_index(sw, v, k)],
						 &d));
		run_result e;
		ck_assert(run_evaluate(a->s, &own, r->set.month, &d, &e));
		char *want = decisions_csv(&e);
		ck_assert_msg(strcmp(got, want) == 0, "variant %zu, month %d: the sweep's decisions differ", v,
			      (int)r->set.month);
		/* And its figures are the evaluation's. */
		figures_list fe;
		figures_list_init(&fe);
		ck_assert(figures_from_run_counts(&fe, &e, &own));
		for (size_t i = 0; i < fe.n; i++) {
			const figures_row *x = &fe.v[i];
			const figures_row *y = figures_find(&sw->figures[v], x->month, x->measure, x->bucket, x->category);
			ck_assert_msg(y && y->value == x->value, "variant %zu: %s %s %s", v, figures_measure_names[x->measure],
				      x->bucket, x->category);
		}
		figures_list_free(&fe);
		free(want);
		run_result_free(&e);
		bc_program_free(&own);
	}
	/* The values do change decisions (else this proves little). */
	const char *base = a->written[r->set.month - sw->from];
	a->moved += strcmp(got, base) != 0;
	free(got);
	a->seen++;
}

/* Sweeps SETTINGS over FROM..TO, checking every evaluation; the reads made. */
static size_t sweep_checked(const char *const *settings, size_t n, vr_month from, vr_month to, bool binary)
{
	diag d;
	diag_init(&d, stderr);
	store *s = open_store(&d);
	bc_program p;
	load(&p);
	sweep sw;
	sweep_init(&sw, &p, from, to);
	for (size_t i = 0; i < n; i++)
		ck_assert(sweep_add(&sw, settings[i], &d));
	against a = { .sw = &sw, .s = s, .binary = binary };
	a.written = calloc((size_t)(to - from) + 1, sizeof *a.written);
	for (vr_month m = from; m <= to; m++) {
		run_result r;
		ck_assert(run_evaluate(s, &p, m, &d, &r));
		a.written[m - from] = decisions_csv(&r);
		run_result_free(&r);
	}
	ck_assert(sweep_run(&sw, s, check_variant, &a, &d));
	ck_assert_int_eq(a.seen, (long)sw.nvariants * ((long)(to - from) + 1));
	ck_assert_int_gt(a.moved, 0);
	for (vr_month m = from; m <= to; m++)
		free(a.written[m - from]);
	free(a.written);
	const size_t reads = sw.reads;
	sweep_free(&sw);
	bc_program_free(&p);
	store_close(s);
	return reads;
}

static const vr_month december = 2023 * 12 + 11, june = 2024 * 12 + 5;

/* Floors and capacities together: two names that decide, two that only
 * allocate (their variants share one deciding); every month of the city,
 * each month read once. */
START_TEST(every_variant_decides_as_a_dry_run_with_its_values)
{
	static const char *const settings[] = { "floor=50,100.50,EUR 150", "big=0,750", "visits=0,25,60",
						"phone_places=50,1" };
	ck_assert_uint_eq(sweep_checked(settings, 4, december, june, false), 7);
}
END_TEST

/* The same against the binary: the CSV of `vroeg dry-run --set`. */
START_TEST(every_variant_is_the_binarys_dry_run_with_its_values_byte_for_byte)
{
	static const char *const settings[] = { "floor=75,150", "visits=20,45" };
	ck_assert_uint_eq(sweep_checked(settings, 2, december, june, true), 7);
}
END_TEST

/* More variants that decide differently than one read takes: a month is
 * read once per group, and every variant still decides as a dry-run. */
START_TEST(more_deciding_variants_than_a_read_takes_are_decided_alike)
{
	char values[1024] = "floor=";
	for (int i = 0; i < SWEEP_READ_GROUP + 8; i++)
		snprintf(values + strlen(values), sizeof values - strlen(values), "%s%d", i ? "," : "", 20 + 10 * i);
	const char *const settings[] = { values, "visits=10,30" };
	ck_assert_uint_eq(sweep_checked(settings, 2, june - 1, june, false), 4);
}
END_TEST

START_TEST(variants_are_the_cross_product_the_first_name_slowest)
{
	bc_program p;
	load(&p);
	diag d;
	diag_init(&d, stderr);
	sweep sw;
	sweep_init(&sw, &p, june, june);
	ck_assert(sweep_add(&sw, "visits=10,20,30", &d));
	ck_assert(sweep_add(&sw, "floor=50,EUR 75.5", &d));
	ck_assert_uint_eq(sw.nvariants, 6);
	static const char *const want[6][2] = { { "10", "50.00" }, { "10", "75.50" }, { "20", "50.00" },
						{ "20", "75.50" }, { "30", "50.00" }, { "30", "75.50" } };
	char value[32];
	for (size_t v = 0; v < 6; v++)
		for (size_t k = 0; k < 2; k++)
			ck_assert_str_eq(sweep_value_text(&sw, v, k, value), want[v][k]);
	ck_assert(!sw.names[0].decides);   /* a capacity: no code reads it */
	ck_assert(sw.names[1].decides);
	sweep_free(&sw);
	bc_program_free(&p);
}
END_TEST

/* ---- through the binary ------------------------------------------------------------ */

START_TEST(the_csv_is_the_data_contracts)
{
	char *out;
	char args[512];
	snprintf(args, sizeof args, "--month 2024-05..2024-06 --set visits=30,45 --set 'floor=100,EUR 150.5' "
		 "--format csv %s", policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	/* Variants (visits slowest), then month, then bucket by name. */
	static const char *const buckets[] = { "already_known", "crisis", "excluded", "home_visit", "letter", "mail",
					       "phone", "register_check" };
	const char *at = out;
	ck_assert_msg(strncmp(at, "visits,floor,month,bucket,households,demand\n", 44) == 0, "%s", out);
	at += 44;
	static const char *const variants[] = { "30,100.00", "30,150.50", "45,100.00", "45,150.50" };
	static const char *const months[] = { "2024-05", "2024-06" };
	for (int v = 0; v < 4; v++)
		for (int m = 0; m < 2; m++)
			for (int b = 0; b < 8; b++) {
				char want[128];
				const int n = snprintf(want, sizeof want, "%s,%s,%s,", variants[v], months[m], buckets[b]);
				ck_assert_msg(strncmp(at, want, (size_t)n) == 0, "row %d %d %d: want %s, got %.60s", v, m, b,
					      want, at);
				at = strchr(at, '\n') + 1;
			}
	ck_assert_str_eq(at, "");
	/* The figures: June at visits 30 and floor 100 is the dry-run of the
	 * policy as written (docs/operators-guide.md shows its summary). */
	ck_assert_ptr_nonnull(strstr(out, "\n30,100.00,2024-06,home_visit,30,393\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n30,100.00,2024-06,mail,483,0\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n30,100.00,2024-06,letter,215,106\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n30,100.00,2024-06,excluded,36,36\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n45,100.00,2024-06,home_visit,45,393\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n45,100.00,2024-06,mail,468,0\n"));
	free(out);
}
END_TEST

/* The binary's CSV and the dry-run's summary of the same variant agree. */
START_TEST(the_figures_are_the_dry_runs_summary)
{
	char args[512], cmd[1024], *out, *summary;
	snprintf(args, sizeof args, "--month 2024-03 --set floor=80 --set phone_places=35 --format csv %s", policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	snprintf(cmd, sizeof cmd, "%s dry-run --db %s --month 2024-03 --summary --set floor=80 --set phone_places=35 %s",
		 vroeg_bin(), db, policy);
	ck_assert_int_eq(run_joined(cmd, &summary), 0);
	static const char *const buckets[] = { "crisis", "already_known", "register_check", "home_visit", "phone",
					       "mail", "letter" };
	for (int b = 0; b < 7; b++) {
		/* The summary's line: households, capacity, places, by rule. */
		char key[64];
		snprintf(key, sizeof key, "\n%s ", buckets[b]);
		const char *line = strstr(summary, key);
		ck_assert_ptr_nonnull(line);
		char *end;
		const long households = strtol(line + strlen(key), &end, 10);
		strtol(end, &end, 10);   /* capacity, or - */
		if (*end == ' ' && end[1] == '-')
			end += 2;
		while (*end == ' ' || *end == '-')
			end++;
		strtol(end, &end, 10);   /* places */
		const long by_rule = strtol(end, NULL, 10);
		char want[128];
		snprintf(want, sizeof want, "\n80.00,35,2024-03,%s,%ld,%ld\n", buckets[b], households, by_rule);
		ck_assert_msg(strstr(out, want), "no %s in\n%s", want, out);
	}
	free(out);
	free(summary);
}
END_TEST

START_TEST(json_lines_hold_the_csvs_figures_and_the_moves)
{
	char args[512], *out;
	snprintf(args, sizeof args, "--month 2024-06 --set floor=100 --set visits=30,40 --format json %s", policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	long lines = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_int_eq(lines, 2 * 8);
	ck_assert_ptr_nonnull(strstr(out, "{\"values\":{\"floor\":100.00,\"visits\":30},\"month\":\"2024-06\","
					  "\"bucket\":\"home_visit\",\"households\":30,\"demand\":393,\"capacity\":30,"
					  "\"places\":30,\"turned_away\":{\"mail\":363},\"redirected\":{},"
					  "\"backfilled_from\":{}}\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"bucket\":\"phone\",\"households\":50,\"demand\":279,\"capacity\":50,"
					  "\"places\":50,\"turned_away\":{\"letter\":109},\"redirected\":{\"mail\":120},"));
	ck_assert_ptr_nonnull(strstr(out, "\"bucket\":\"excluded\",\"households\":36,\"demand\":36,\"capacity\":null,"
					  "\"places\":null,\"reasons\":{\"legal person\":5,\"not counted\":31}}\n"));
	ck_assert_ptr_nonnull(strstr(out, "{\"values\":{\"floor\":100.00,\"visits\":40},\"month\":\"2024-06\","
					  "\"bucket\":\"home_visit\",\"households\":40,\"demand\":393,\"capacity\":40,"));
	free(out);
}
END_TEST

START_TEST(the_table_has_a_block_per_variant)
{
	char args[512], *out;
	snprintf(args, sizeof args, "--month 2024-05..2024-06 --set floor=50,150 %s", policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	ck_assert_msg(strncmp(out, "Policy Crisis queue and capacity overflow version 1, months 2024-05..2024-06: 2 "
			      "variants of floor (50.00, 150.00).\n", 103) == 0, "%s", out);
	const char *a = strstr(out, "\nfloor=50.00\n"), *b = strstr(out, "\nfloor=150.00\n");
	ck_assert(a && b && a < b);
	ck_assert_ptr_nonnull(strstr(a, "\nhome_visit "));
	ck_assert_ptr_nonnull(strstr(a, "\nmoves\n  home_visit -> mail, no place "));
	ck_assert_ptr_nonnull(strstr(b, "  not counted "));
	free(out);
}
END_TEST

/* Exit CODE and MESSAGE for ARGS. */
static void refused(const char *args, int code, const char *message)
{
	char *out;
	const int rc = sweep_cmd(args, &out);
	ck_assert_msg(rc == code && strstr(out, message), "sweep %s: exit %d, %s", args, rc, out);
	free(out);
}

START_TEST(a_wrong_command_line_is_refused_with_what_to_write)
{
	char args[1024];
	snprintf(args, sizeof args, "--month 2024-06 %s", policy);
	refused(args, 64, "vroeg: sweep needs the values to try: --set NAME=VALUE,VALUE,... for a number the policy names");
	snprintf(args, sizeof args, "--month 2024-06 --set flor=50,100 %s", policy);
	refused(args, 64, "vroeg: --set flor: the policy names no number `flor`; did you mean `floor`?\n");
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50,abc %s", policy);
	refused(args, 64, "vroeg: --set floor=abc: `floor` is an amount of money: write it as in the policy");
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50,,100 %s", policy);
	refused(args, 64, "vroeg: --set floor=: `floor` is an amount of money");
	snprintf(args, sizeof args, "--month 2024-06 --set visits=30,2.5 %s", policy);
	refused(args, 64, "vroeg: --set visits=2.5: `visits` is a capacity (a number of households): write a whole number");
	snprintf(args, sizeof args, "--month 2024-06 --set 'floor=50,EUR 50.00' %s", policy);
	refused(args, 64, "vroeg: --set floor=50,EUR 50.00: 50.00 is given twice\n");
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50 --set visits=3 --set floor=60 %s", policy);
	refused(args, 64, "vroeg: --set floor is given twice: give its values in one --set, separated by commas\n");
	snprintf(args, sizeof args, "--month 2024-06 --set floor %s", policy);
	refused(args, 64, "vroeg: --set `floor`: write NAME=VALUE,VALUE,..., e.g. --set floor=50,100,150\n");
	snprintf(args, sizeof args, "--month 2024-06..2024-01 --set floor=50 %s", policy);
	refused(args, 64, "vroeg: `2024-06..2024-01`: the first month comes after the last\n");
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50 --format pdf %s", policy);
	refused(args, 64, "vroeg: --format is table, csv, json or html\n");
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50 --lang de %s", policy);
	refused(args, 64, "vroeg: --lang is nl or en\n");
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50 %s %s", policy, policy);
	refused(args, 64, "vroeg: sweep takes one policy (a rule file or a .vrb)\n");
	/* A policy that names no numbers says how to name one. */
	refused("--month 2024-06 --set floor=50 rules/crisis-queue.vroeg", 64,
		"vroeg: --set floor: the policy names no numbers (a policy names one with `define NAME = NUMBER`)\n");
	/* The CSV's own columns cannot be a swept name. */
	char named[256], *out;
	snprintf(named, sizeof named, "%s/demand.vroeg", dir);
	FILE *f = fopen(named, "w");
	fputs("policy \"D\"\ndefine demand = 2\n>= demand creditors -> a\notherwise -> b\nbucket a\nbucket b\n", f);
	fclose(f);
	snprintf(args, sizeof args, "--month 2024-06 --set demand=1,2 %s", named);
	refused(args, 64, "vroeg: --set demand: a sweep's CSV has a column `demand` of its own; give the named number "
		"another name in the policy to sweep it\n");
	/* A store that is not there is not made (exit 5). */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s sweep --db %s/nothing.db --month 2024-06 --set floor=1 %s", vroeg_bin(), dir, policy);
	ck_assert_int_eq(run_joined(cmd, &out), 5);
	free(out);
	/* A month a purge removed is not decided again (exit 3), a range
	 * that begins in one neither; on a copy of the store. */
	snprintf(cmd, sizeof cmd, "cp %s %s/purged.db && %s purge --db %s/purged.db --before 2024-01 --force", db, dir,
		 vroeg_bin(), dir);
	ck_assert_msg(run_joined(cmd, &out) == 0, "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "%s sweep --db %s/purged.db --month 2023-12..2024-02 --set floor=50,100 %s", vroeg_bin(), dir,
		 policy);
	ck_assert_int_eq(run_joined(cmd, &out), 3);
	ck_assert_msg(strstr(out, "vroeg: the signals of 2023-12 were purged: the store keeps the months from 2024-01 on, "
			      "so 2023-12 cannot be decided again\n"), "%s", out);
	free(out);
	snprintf(cmd, sizeof cmd, "%s sweep --db %s/purged.db --month 2024-01 --set floor=50,100 --format csv %s", vroeg_bin(),
		 dir, policy);
	ck_assert_int_eq(run_joined(cmd, &out), 0);
	free(out);
}
END_TEST

START_TEST(the_limits_are_taken_and_one_past_them_is_refused)
{
	/* 1000 variants (a capacity: one deciding, allocated 1000 times). */
	char *values = malloc(8192), *args = malloc(16384), *out;
	strcpy(values, "visits=0");
	for (int i = 1; i < 1000; i++)
		snprintf(values + strlen(values), 8192 - strlen(values), ",%d", i);
	snprintf(args, 16384, "--month 2024-06 --set %s --format csv %s", values, policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	long lines = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_int_eq(lines, 1 + 1000 * 8);
	ck_assert_ptr_nonnull(strstr(out, "\n999,2024-06,home_visit,393,393\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n0,2024-06,home_visit,0,393\n"));
	free(out);
	/* Times 2 is 2000. */
	snprintf(args, 16384, "--month 2024-06 --set %s --set floor=50,100 %s", values, policy);
	refused(args, 64, "vroeg: a sweep tries at most 1000 variants (combinations of values); with floor=50,100 "
		"these are 2000\n");
	/* 1000 variants over 12 months: 12,000 evaluations. */
	snprintf(args, 16384, "--month 2023-07..2024-06 --set %s --format csv %s", values, policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	lines = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_int_eq(lines, 1 + 12000 * 8);
	free(out);
	snprintf(args, 16384, "--month 2023-06..2024-06 --set %s %s", values, policy);
	refused(args, 64, "vroeg: a sweep evaluates at most 12000 variants x months; 1000 variants over 13 months are "
		"13000: try fewer values or fewer months at a time\n");
	/* A range: 120 months, not 121. */
	snprintf(args, 16384, "--month 2015-01..2024-12 --set floor=100 --format csv %s", policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\n100.00,2015-01,crisis,0,0\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n100.00,2024-06,home_visit,30,393\n"));
	free(out);
	snprintf(args, 16384, "--month 2014-12..2024-12 --set floor=100 %s", policy);
	refused(args, 64, "vroeg: a sweep covers at most 120 months; 2014-12..2024-12 has 121\n");
	free(values);
	free(args);
}
END_TEST

START_TEST(a_file_is_written_whole_and_never_over_an_input)
{
	char args[1024], path[256], *out;
	snprintf(path, sizeof path, "%s/s.csv", dir);
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50,100 --format csv -o %s %s", path, policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	ck_assert_str_eq(out, "");
	free(out);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 500);
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50,100 -o %s/no/such/dir/s.csv %s", dir, policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 5);
	ck_assert_ptr_nonnull(strstr(out, "cannot write"));
	free(out);
	/* The policy it reads is not its output. */
	snprintf(args, sizeof args, "--month 2024-06 --set floor=50 -o %s %s", policy, policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 64);
	free(out);
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(policy, "r");
	text = slurp_stream(f, NULL);
	len = strlen(text);
	fclose(f);
	ck_assert_uint_eq(len, strlen(p2));
	free(text);
}
END_TEST

/* ---- the page in a browser ------------------------------------------------------- */

/* The <figure> of DOM whose id is ID, as a string of its own. */
static char *within(const char *dom, const char *id)
{
	char key[128];
	snprintf(key, sizeof key, "<figure id=\"%s\">", id);
	const char *from = strstr(dom, key);
	ck_assert_msg(from != NULL, "no %s in the page", key);
	const char *to = strstr(from, "</figure>");
	ck_assert_ptr_nonnull(to);
	return strndup(from, (size_t)(to - from));
}

START_TEST(the_html_page_renders_in_a_browser_with_its_charts_and_figures)
{
	char page[256], args[1024], *out;
	snprintf(page, sizeof page, "%s/s.html", dir);
	snprintf(args, sizeof args, "--month 2024-05..2024-06 --set floor=50,100,150 --set visits=30,40 --format html "
		 "--lang en -o %s %s", page, policy);
	ck_assert_int_eq(sweep_cmd(args, &out), 0);
	free(out);
	FILE *f = fopen(page, "r");
	ck_assert_ptr_nonnull(f);
	char *html = slurp_stream(f, NULL);
	fclose(f);
	const char *const forbidden[] = { "http://", "https://", "<script", "src=", "href=", "url(", "@import",
					  "<link", "<img", "<iframe" };
	for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++)
		ck_assert_msg(!strstr(html, forbidden[i]), "the page has `%s`", forbidden[i]);
	free(html);

	char *dom = chromium_render(page, dir, "--dump-dom");
	ck_assert_ptr_nonnull(strstr(dom, "<html lang=\"en\">"));
	ck_assert_ptr_nonnull(strstr(dom, "Crisis queue and capacity overflow"));
	/* Per bucket with a capacity (home_visit, phone) a chart per month;
	 * the households per month. */
	const char *const charts[] = { "id=\"chart-capacity-1-1\"", "id=\"chart-capacity-1-2\"",
				       "id=\"chart-capacity-2-1\"", "id=\"chart-capacity-2-2\"",
				       "id=\"chart-households-1\"", "id=\"chart-households-2\"" };
	for (size_t i = 0; i < sizeof charts / sizeof *charts; i++)
		ck_assert_msg(strstr(dom, charts[i]), "no %s in the page", charts[i]);
	int svgs = 0;
	for (const char *p = dom; (p = strstr(p, "<svg class=\"chart\"")); p++)
		svgs++;
	ck_assert_int_eq(svgs, 6);
	/* Six variants' labels (`100.00 / 40`) in a chart of half the page's
	 * width slant rather than run into each other. */
	char *capacity = within(dom, "chart-capacity-1-1");
	ck_assert_msg(strstr(capacity, "text-anchor=\"end\" transform=\"rotate(-40 ") &&
		      strstr(capacity, ">100.00 / 40</text>"), "%s", capacity);
	free(capacity);
	/* Each variant's bars say the CSV's demand and households; its mark the capacity. */
	char csvargs[1024], *csv;
	snprintf(csvargs, sizeof csvargs, "--month 2024-05..2024-06 --set floor=50,100,150 --set visits=30,40 "
		 "--format csv %s", policy);
	ck_assert_int_eq(sweep_cmd(csvargs, &csv), 0);
	int nchecked = 0;
	char *figure[2][2] = { { within(dom, "chart-capacity-1-1"), within(dom, "chart-capacity-1-2") },
			       { within(dom, "chart-households-1"), within(dom, "chart-households-2") } };
	for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		char floor[16], visits[16], month[8], bucket[32];
		long households, demand;
		ck_assert_int_eq(sscanf(line, "%15[^,],%15[^,],%7[^,],%31[^,],%ld,%ld", floor, visits, month, bucket,
					&households, &demand), 6);
		char want[256];
		const int m = strcmp(month, "2024-05") == 0 ? 0 : 1;
		if (strcmp(bucket, "home_visit") == 0) {
			snprintf(want, sizeof want, "<title>demand (sent by a rule), %s / %s: %ld</title>", floor, visits,
				 demand);
			ck_assert_msg(strstr(figure[0][m], want), "no %s in %s's chart", want, month);
			snprintf(want, sizeof want, "<title>capacity, %s / %s: %s</title>", floor, visits, visits);
			ck_assert_msg(strstr(figure[0][m], want), "no %s in %s's chart", want, month);
			snprintf(want, sizeof want, "<title>places given, %s / %s: %ld</title>", floor, visits, households);
			ck_assert_msg(strstr(figure[0][m], want), "no %s in %s's chart", want, month);
			nchecked++;
		}
		snprintf(want, sizeof want, "<title>%s, %s / %s: %ld</title>", bucket, floor, visits, households);
		ck_assert_msg(strstr(figure[1][m], want), "no %s in %s's chart", want, month);
	}
	ck_assert_int_eq(nchecked, 12);
	for (int i = 0; i < 2; i++)
		for (int m = 0; m < 2; m++)
			free(figure[i][m]);
	free(csv);
	free(dom);

	/* A screenshot that is not blank: far larger than one of an empty page. */
	char png[256], blank_png[256], blank[256], shot[512];
	snprintf(png, sizeof png, "%s/s.png", dir);
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
}
END_TEST

START_TEST(the_page_is_dutch_by_the_locale)
{
	char cmd[2048], *out;
	snprintf(cmd, sizeof cmd, "env LC_ALL= LC_MESSAGES= LANG=nl_NL.UTF-8 %s sweep --db %s --month 2024-06 "
		 "--set floor=50,100 --format html %s", vroeg_bin(), db, policy);
	ck_assert_int_eq(run_joined(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "<html lang=\"nl\">"));
	ck_assert_ptr_nonnull(strstr(out, "Vraag en capaciteit"));
	free(out);
}
END_TEST

Suite *sweep_suite(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, every_variant_decides_as_a_dry_run_with_its_values);
	tcase_add_test(tc, every_variant_is_the_binarys_dry_run_with_its_values_byte_for_byte);
	tcase_add_test(tc, more_deciding_variants_than_a_read_takes_are_decided_alike);
	tcase_add_test(tc, variants_are_the_cross_product_the_first_name_slowest);
	tcase_add_test(tc, the_csv_is_the_data_contracts);
	tcase_add_test(tc, the_figures_are_the_dry_runs_summary);
	tcase_add_test(tc, json_lines_hold_the_csvs_figures_and_the_moves);
	tcase_add_test(tc, the_table_has_a_block_per_variant);
	tcase_add_test(tc, a_wrong_command_line_is_refused_with_what_to_write);
	tcase_add_test(tc, the_limits_are_taken_and_one_past_them_is_refused);
	tcase_add_test(tc, a_file_is_written_whole_and_never_over_an_input);
	tcase_add_test(tc, the_html_page_renders_in_a_browser_with_its_charts_and_figures);
	tcase_add_test(tc, the_page_is_dutch_by_the_locale);
	suite_add_tcase(s, tc);
	return s;
}
