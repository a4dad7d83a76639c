/* check_feedback.c - feedback to creditors: the code a run determines for
 * each signal (policy codes, skips, exclusions, no follow-up, the defaults),
 * the code and day the outcomes give (help accepted at once, the latest
 * outcome after 28 days, 6 when none, never before the run), the file
 * names; then `vroeg feedback` through the binary: a small month whose
 * every file is written out here, given once as the days pass, in both
 * dialects; generated months and the example city, whose files hold each
 * creditor's own signals and nothing else; --again byte for byte; a file
 * of the same name never written over; a batch interrupted after its
 * record finished by the next call, leftovers of one interrupted before it
 * removed, a kill at any moment, a file that cannot be written midway;
 * signals a run did not see, runs recorded before runs kept their codes;
 * purge and forget taking the feedback records with them. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compile.h"
#include "faults.h"
#include "feedback.h"
#include "run.h"
#include "store.h"
#include "support.h"

static vr_date day(const char *s)
{
	vr_date d;
	ck_assert_msg(vr_date_parse(s, strlen(s), &d), "%s", s);
	return d;
}

/* ---------------------------------------------- what a run determines -- */

static const char codes_policy[] =
	"policy \"codes\" version 1\n"
	"exclude \"legal person\" before counting when any legal_form = legal feedback wrongly_reported\n"
	"exclude \"outside\" before counting when any district = \"X\"\n"
	"count signal when arrears >= 100\n"
	"skip signal \"repeat\" when same creditor in previous month feedback repeat_signal\n"
	"skip signal \"tiny creditor\" when creditor = \"Z\"\n"
	"skip signal \"on a plan\" when creditor = \"W\" -> reminder\n"
	"skip signal \"old claim\" when creditor = \"V\" -> reminder feedback wrongly_reported\n"
	"exclude \"known\" when any known_debt_help feedback already_known\n"
	"exclude \"moved\" when any district = \"Y\"\n"
	"any sector = water -> water_desk\n"
	"any district = \"N\" -> nothing\n"
	"otherwise -> letter\n"
	"bucket water_desk feedback deceased\n"
	"bucket nothing no follow-up\n"
	"bucket letter\n"
	"bucket reminder\n";

static const char codes_signals[] =
	"signal_id,received,household,creditor,sector,arrears,legal_form,district,known_debt_help\n"
	/* excluded before counting, with a code: it, not the repeat's */
	"S101,2024-05-03,H1,A,rent,200,legal,,0\n"
	"S102,2024-06-03,H1,A,rent,200,legal,,0\n"
	/* excluded before counting, no code */
	"S201,2024-06-03,H2,B,rent,300,natural,X,0\n"
	/* not counted */
	"S301,2024-06-03,H3,B,rent,50,natural,,0\n"
	/* every signal above the floor a repeat: the repeat's code, and 2
	 * for the one under the floor */
	"S401,2024-05-04,H4,C,rent,200,natural,,0\n"
	"S402,2024-06-04,H4,C,rent,200,natural,,0\n"
	"S403,2024-06-05,H4,D,rent,50,natural,,0\n"
	/* skipped by a skip without a code */
	"S501,2024-06-05,H5,Z,rent,300,natural,,0\n"
	/* an exclusion with a code: for every signal */
	"S601,2024-05-06,H6,C,rent,200,natural,,0\n"
	"S602,2024-06-06,H6,C,rent,200,natural,,0\n"
	"S603,2024-06-06,H6,D,rent,300,natural,,1\n"
	/* an exclusion without one: the repeat's code, else 2 */
	"S701,2024-05-07,H7,C,rent,200,natural,,0\n"
	"S702,2024-06-07,H7,C,rent,200,natural,,0\n"
	"S703,2024-06-07,H7,D,rent,300,natural,Y,0\n"
	/* a bucket with a code: for every signal */
	"S801,2024-06-08,H8,E,water,300,natural,,0\n"
	"S802,2024-05-08,H8,C,rent,200,natural,,0\n"
	"S803,2024-06-08,H8,C,rent,200,natural,,0\n"
	/* no follow-up: 2, but the repeat's code */
	"S901,2024-06-09,H9,F,rent,300,natural,N,0\n"
	"S902,2024-05-09,H9,C,rent,200,natural,,0\n"
	"S903,2024-06-09,H9,C,rent,200,natural,N,0\n"
	/* a bucket without: the outcomes decide, under the floor and skipped
	 * without a code too; the repeat's code */
	"S1001,2024-06-10,H10,F,rent,300,natural,,0\n"
	"S1002,2024-06-10,H10,G,rent,50,natural,,0\n"
	"S1003,2024-05-10,H10,C,rent,200,natural,,0\n"
	"S1004,2024-06-10,H10,C,rent,200,natural,,0\n"
	"S1005,2024-06-10,H10,Z,rent,300,natural,,0\n"
	/* only skipped signals, the skip naming a bucket: in the bucket, so
	 * the outcomes decide; the skip's code when it has one */
	"S1101,2024-06-11,H11,W,rent,300,natural,,0\n"
	"S1201,2024-06-12,H12,V,rent,300,natural,,0\n";

static int by_id(const void *a, const void *b)
{
	return strcmp(((const store_run_signal *)a)->signal_id, ((const store_run_signal *)b)->signal_id);
}

START_TEST(a_run_determines_each_signals_code_as_the_policy_says)
{
	capture c;
	capture_start(&c);
	bc_program p;
	ck_assert_msg(compile_policy("codes.vroeg", codes_policy, strlen(codes_policy), &c.d, &p), "%s", captured(&c));
	store *s = store_open(":memory:", 0, &c.d);
	ck_assert_ptr_nonnull(s);
	FILE *in = fmemopen((void *)codes_signals, strlen(codes_signals), "r");
	store_import_counts n;
	ck_assert_msg(store_import_signals(s, in, "codes.csv", &c.d, &n) == STORE_OK, "%s", captured(&c));
	fclose(in);
	vr_month june;
	ck_assert(vr_month_parse("2024-06", 7, &june));
	run_result r;
	ck_assert_msg(run_evaluate_signals(s, &p, june, &c.d, &r), "%s", captured(&c));
	store_run_signal *v = feedback_run_signals(&r, &c.d);
	ck_assert_ptr_nonnull(v);
	qsort(v, r.nsignals, sizeof *v, by_id);
	char got[1024] = "";
	for (size_t i = 0; i < r.nsignals; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s=%d", i ? " " : "", v[i].signal_id, v[i].code);
	ck_assert_str_eq(got, "S1001=0 S1002=0 S1004=3 S1005=0 S102=1 S1101=0 S1201=1 S201=2 S301=2 S402=3 S403=2 S501=2 "
			 "S602=4 S603=4 S702=3 S703=2 S801=7 S803=7 S901=2 S903=3");
	free(v);
	run_result_free(&r);
	/* A dry-run keeps none of them. */
	ck_assert(run_evaluate(s, &p, june, &c.d, &r));
	ck_assert_int_eq(r.nsignals, 0);
	run_result_free(&r);
	store_close(s);
	bc_program_free(&p);
	capture_end(&c);
}
END_TEST

/* ------------------------------------------- what the outcomes decide -- */

typedef struct outcome_case {
	const char *received, *run;
	const char *outcomes;          /* "DATE outcome, ..." by date, then name */
	int code;
	const char *due;
} outcome_case;

static const outcome_case outcome_cases[] = {
	/* nothing known: 6, 28 days after it came */
	{ "2024-06-10", "2024-06-05", "", 6, "2024-07-08" },
	/* never before the run that decided it */
	{ "2024-06-02", "2024-07-01", "", 6, "2024-07-01" },
	/* help accepted: at once, and before anything later */
	{ "2024-06-10", "2024-06-05", "2024-06-12 help_accepted, 2024-06-20 refused", 5, "2024-06-12" },
	{ "2024-06-02", "2024-07-01", "2024-06-20 help_accepted", 5, "2024-07-01" },
	/* the latest outcome by the 28th day */
	{ "2024-06-10", "2024-06-05", "2024-06-12 not_reached, 2024-06-20 refused", 6, "2024-07-08" },
	{ "2024-06-10", "2024-06-05", "2024-06-12 not_reached, 2024-07-08 already_known", 4, "2024-07-08" },
	{ "2024-06-10", "2024-06-05", "2024-06-12 wrongly_reported", 1, "2024-07-08" },
	{ "2024-06-10", "2024-06-05", "2024-06-30 not_picked_up", 2, "2024-07-08" },
	{ "2024-06-10", "2024-06-05", "2024-06-30 reached_no_help", 6, "2024-07-08" },
	{ "2024-06-10", "2024-06-05", "2024-06-10 deceased", 7, "2024-07-08" },
	/* before it came, or after its day: not about it */
	{ "2024-06-10", "2024-06-05", "2024-06-09 help_accepted, 2024-07-09 help_accepted", 6, "2024-07-08" },
	/* a run after the 28th day widens the span to the run */
	{ "2024-06-02", "2024-07-10", "2024-07-09 help_accepted", 5, "2024-07-10" },
	/* two on one day: what is final before what was tried */
	{ "2024-06-01", "2024-06-05", "2024-06-10 deceased, 2024-06-10 not_reached", 7, "2024-06-29" },
	{ "2024-06-01", "2024-06-05", "2024-06-10 not_reached, 2024-06-10 wrongly_reported", 1, "2024-06-29" },
	{ "2024-06-01", "2024-06-05", "2024-06-10 already_known, 2024-06-10 refused", 4, "2024-06-29" },
};

START_TEST(the_outcomes_decide_code_and_day)
{
	const outcome_case *c = &outcome_cases[_i];
	vr_outcome o[8];
	size_t n = 0;
	char text[256];
	snprintf(text, sizeof text, "%s", c->outcomes);
	for (char *t = strtok(text, ","); t; t = strtok(NULL, ",")) {
		while (*t == ' ')
			t++;
		char name[32];
		ck_assert_int_eq(sscanf(t + 11, "%31s", name), 1);
		t[10] = '\0';
		const int k = vr_enum_lookup(vr_outcome_names, OUTCOME_COUNT, name, strlen(name));
		ck_assert_int_ge(k, 0);
		o[n++] = (vr_outcome){ "", day(t), (uint8_t)k };
	}
	uint8_t code;
	vr_date due;
	feedback_by_outcomes(day(c->received), day(c->run), o, n, &code, &due);
	char got[11];
	vr_date_format(due, got);
	ck_assert_msg(code == c->code && strcmp(got, c->due) == 0, "case %d: code %d due %s, want %d %s", _i, code,
		      got, c->code, c->due);
}
END_TEST

START_TEST(every_outcome_has_its_code)
{
	static const int want[OUTCOME_COUNT] = {
		[OUTCOME_NOT_PICKED_UP] = 2, [OUTCOME_NOT_REACHED] = 6, [OUTCOME_REACHED_NO_HELP] = 6,
		[OUTCOME_REFUSED] = 6, [OUTCOME_HELP_ACCEPTED] = 5, [OUTCOME_ALREADY_KNOWN] = 4,
		[OUTCOME_WRONGLY_REPORTED] = 1, [OUTCOME_DECEASED] = 7,
	};
	for (int k = 0; k < OUTCOME_COUNT; k++)
		ck_assert_int_eq(feedback_outcome_code((enum vr_outcome_kind)k), want[k]);
}
END_TEST

/* --------------------------------------------------------- file names -- */

START_TEST(file_names_are_safe_stable_and_apart)
{
	char a[FEEDBACK_NAME_MAX], b[FEEDBACK_NAME_MAX];
	feedback_file_name(1, "Menzis", a);
	ck_assert_str_eq(a, "000001-menzis-57691c148070.csv");
	feedback_file_name(12, "Menzis", b);
	ck_assert_str_eq(b, "000012-menzis-57691c148070.csv");
	feedback_file_name(1234567, "Menzis", b);
	ck_assert_str_eq(b, "1234567-menzis-57691c148070.csv");
	/* Alike but for case or punctuation: two files. */
	feedback_file_name(1, "MENZIS", b);
	ck_assert_str_ne(a, b);
	ck_assert(strncmp(b, "000001-menzis-", 14) == 0);
	/* Separators, dots, blanks, control characters, a formula: gone. */
	feedback_file_name(1, "../../etc/passwd", a);
	ck_assert(strncmp(a, "000001-etc-passwd-", 18) == 0);
	feedback_file_name(1, "=HYPERLINK(\"x\")\t\r\n.", a);
	ck_assert(strncmp(a, "000001-hyperlink-x-", 19) == 0);
	feedback_file_name(1, "Flanderijn, gerechtsdeurwaarders", a);
	ck_assert(strncmp(a, "000001-flanderijn-gerechtsdeurwaarders-", 39) == 0);
	feedback_file_name(1, "Woonstichting \xc3\x89\xc3\xa9n", a);
	ck_assert(strncmp(a, "000001-woonstichting-n-", 23) == 0);
	/* Nothing left of the name: "creditor"; each name its own hash. */
	feedback_file_name(1, "\xe2\x82\xac!", a);
	feedback_file_name(1, "...", b);
	ck_assert(strncmp(a, "000001-creditor-", 16) == 0 && strncmp(b, "000001-creditor-", 16) == 0);
	ck_assert_str_ne(a, b);
	/* The slug's limit: 40 bytes kept, the 41st cut (and a dash at the
	 * cut dropped). */
	char forty[64], more[80];
	memset(forty, 'a', 40);
	forty[40] = '\0';
	snprintf(more, sizeof more, "%.40sb", forty);
	feedback_file_name(1, forty, a);
	ck_assert_int_eq(strlen(a), 7 + 40 + 1 + 12 + 4);
	feedback_file_name(1, more, b);
	ck_assert_int_eq(strlen(b), 7 + 40 + 1 + 12 + 4);
	ck_assert(strncmp(a, b, 47) == 0 && strcmp(a + 48, b + 48) != 0);
	snprintf(more, sizeof more, "%.39s b", forty);
	feedback_file_name(1, more, b);
	ck_assert_int_eq(strlen(b), 7 + 39 + 1 + 12 + 4);
	for (const char *p = a; *p; p++)
		ck_assert(strchr("abcdefghijklmnopqrstuvwxyz0123456789-.", *p));
	ck_assert_ptr_eq(strchr(a, '.'), strrchr(a, '.'));
}
END_TEST

/* ------------------------------------------------- through the binary -- */

static char dir[64], db[128], out[160];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-feedback-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/store.db", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	ck_assert_int_eq(mkdir(out, 0700), 0);
}

static void teardown(void)
{
	shell(NULL, 0, "chmod -R u+rwx %s; rm -rf %s", dir, dir);
}

static void sql(const char *text)
{
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	char *err = NULL;
	ck_assert_msg(sqlite3_exec(h, text, NULL, NULL, &err) == SQLITE_OK, "%s: %s", text, err);
	sqlite3_close(h);
}

static long sql_int(const char *text)
{
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(h, text, -1, &st, NULL) == SQLITE_OK, "%s: %s", text, sqlite3_errmsg(h));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const long v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* Runs `vroeg ARGS` on the store; its standard output into OUT_TEXT, its
 * standard error into ERR_TEXT (either may be NULL). The exit code. */
static int vroeg_cmd(char *out_text, size_t out_size, char *err_text, size_t err_size, const char *args)
{
	char o[4096], e[4096], buf[1 << 16];
	snprintf(o, sizeof o, "%s/stdout", dir);
	snprintf(e, sizeof e, "%s/stderr", dir);
	const int rc = shell(buf, sizeof buf, "%s %s >%s 2>%s", vroeg_bin(), args, o, e);
	ck_assert_msg(buf[0] == '\0', "%s", buf);
	size_t len;
	char *text = slurp_file(o, &len);
	if (out_text)
		snprintf(out_text, out_size, "%s", text);
	free(text);
	text = slurp_file(e, &len);
	if (err_text)
		snprintf(err_text, err_size, "%s", text);
	else
		ck_assert_msg(len == 0, "%s: %s", args, text);
	free(text);
	return rc;
}

static void must(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void must(const char *fmt, ...)
{
	char args[4096], text[1 << 14];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	ck_assert_msg(shell(text, sizeof text, "%s %s", vroeg_bin(), args) == 0, "%s: %s", args, text);
}

/* The small month of tests/data/feedback: decided by a run recorded on
 * 2024-07-01, then a signal of the month that came after it. */
static void small_month(void)
{
	must("import --db %s tests/data/feedback/signals.csv", db);
	must("import --db %s --outcomes tests/data/feedback/outcomes.csv", db);
	must("run --db %s --month 2024-06 tests/data/feedback/policy.vroeg", db);
	sql("UPDATE runs SET finished = '2024-07-01T06:00:00Z'");
	must("import --db %s tests/data/feedback/late.csv", db);
}

static char *file_in(const char *in, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", in, name);
	size_t len;
	return slurp_file(path, &len);
}

static void file_is(const char *name, const char *want)
{
	char *got = file_in(out, name);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n%s\nwanted:\n%s", name, got, want);
	free(got);
}

/* The names in directory IN (hidden ones too), sorted, one a line. */
static void listing(const char *in, char *buf, size_t size)
{
	ck_assert_int_eq(shell(buf, size, "ls -A %s | LC_ALL=C sort", in), 0);
}

static const char late_warning[] =
	"vroeg: warning: 1 signal of 2024-06 came in after its run (run 1) and is not fed back: no run decided it\n";

START_TEST(feedback_is_given_on_the_day_it_is_due_and_once)
{
	small_month();
	char text[8192], err[4096], want[8192], files[4096];
	/* The run was recorded on 2024-07-01: nothing is due before. */
	char args[512];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-06-30 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(text, "no feedback due by 2024-06-30 that was not given before\n");
	ck_assert_str_eq(err, late_warning);
	/* On its day: the exclusions and the policy's codes, help accepted
	 * before it, and what 28 days had passed for. */
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	snprintf(want, sizeof want,
		 "feedback batch 1 in %s, due by 2024-07-01: 5 signals for 2 creditors\n"
		 "file                            signals  creditor\n"
		 "000001-menzis-57691c148070.csv        4  Menzis\n"
		 "000001-vitens-f36fac87bfd4.csv        1  Vitens\n", out);
	ck_assert_str_eq(text, want);
	ck_assert_str_eq(err, late_warning);
	file_is("000001-menzis-57691c148070.csv",
		"signal_id,received,code,meaning,date\n"
		"S13,2024-06-01,7,overleden,2024-07-01\n"
		"S01,2024-06-02,5,inwoner wil hulp,2024-07-01\n"
		"S06,2024-06-03,4,inwoner al bekend bij schuldhulpverlening,2024-07-01\n"
		"S08,2024-06-10,3,herhaalde melding,2024-07-01\n");
	file_is("000001-vitens-f36fac87bfd4.csv",
		"signal_id,received,code,meaning,date\n"
		"S05,2024-06-15,2,wordt niet opgepakt,2024-07-01\n");
	/* Again on the same day: nothing new. */
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(text, "no feedback due by 2024-07-01 that was not given before\n");
	/* Days later: what became due since, and only that. */
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-05 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_msg(strstr(text, "feedback batch 2 in ") && strstr(text, ": 4 signals for 3 creditors\n"), "%s", text);
	/* A creditor's name as delivered: shown as it is; its file's cells
	 * neutralised (a formula) and quoted (a comma). */
	file_is("000002-evil-corp-9a4c059187ad.csv",
		"signal_id,received,code,meaning,date\n"
		"\"'+S16\",2024-06-04,6,niet bereikt of wil geen hulp,2024-07-02\n"
		"\"S,17\",2024-06-04,6,niet bereikt of wil geen hulp,2024-07-02\n");
	file_is("000002-vitens-f36fac87bfd4.csv",
		"signal_id,received,code,meaning,date\n"
		"S02,2024-06-05,6,niet bereikt of wil geen hulp,2024-07-03\n");
	file_is("000002-woonstichting-de-key-608627ddb667.csv",
		"signal_id,received,code,meaning,date\n"
		"S04,2024-06-12,5,inwoner wil hulp,2024-07-05\n");
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-31 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	file_is("000003-menzis-57691c148070.csv",
		"signal_id,received,code,meaning,date\n"
		"S10,2024-06-08,7,overleden,2024-07-06\n"
		"S03,2024-06-20,6,niet bereikt of wil geen hulp,2024-07-18\n"
		"S11,2024-06-30,4,inwoner al bekend bij schuldhulpverlening,2024-07-28\n");
	file_is("000003-vitens-f36fac87bfd4.csv",
		"signal_id,received,code,meaning,date\n"
		"S09,2024-06-08,7,overleden,2024-07-06\n"
		"S12,2024-06-25,1,melding onterecht,2024-07-23\n");
	file_is("000003-woonstichting-de-key-608627ddb667.csv",
		"signal_id,received,code,meaning,date\n"
		"S14,2024-06-20,6,niet bereikt of wil geen hulp,2024-07-18\n");
	/* Every signal the run decided, once; the late one never. */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 15);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback WHERE signal_id = 'S15'"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM run_signals"), 15);
	snprintf(args, sizeof args, "feedback --db %s --as-of 2025-01-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(text, "no feedback due by 2025-01-01 that was not given before\n");
	listing(out, files, sizeof files);
	ck_assert_str_eq(files, "000001-menzis-57691c148070.csv\n000001-vitens-f36fac87bfd4.csv\n"
			 "000002-evil-corp-9a4c059187ad.csv\n000002-vitens-f36fac87bfd4.csv\n"
			 "000002-woonstichting-de-key-608627ddb667.csv\n000003-menzis-57691c148070.csv\n"
			 "000003-vitens-f36fac87bfd4.csv\n000003-woonstichting-de-key-608627ddb667.csv\n");
	/* Files only their owner reads. */
	struct stat st;
	char path[512];
	snprintf(path, sizeof path, "%s/000001-menzis-57691c148070.csv", out);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(the_dutch_dialect_separates_with_semicolons)
{
	small_month();
	char text[8192], err[4096], args[512];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-05 --dialect dutch --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	file_is("000001-menzis-57691c148070.csv",
		"signal_id;received;code;meaning;date\n"
		"S13;2024-06-01;7;overleden;2024-07-01\n"
		"S01;2024-06-02;5;inwoner wil hulp;2024-07-01\n"
		"S06;2024-06-03;4;inwoner al bekend bij schuldhulpverlening;2024-07-01\n"
		"S08;2024-06-10;3;herhaalde melding;2024-07-01\n");
	file_is("000001-evil-corp-9a4c059187ad.csv",
		"signal_id;received;code;meaning;date\n"
		"\"'+S16\";2024-06-04;6;niet bereikt of wil geen hulp;2024-07-02\n"
		"\"S,17\";2024-06-04;6;niet bereikt of wil geen hulp;2024-07-02\n");
	/* --again keeps the batch's dialect. */
	char again[200];
	snprintf(again, sizeof again, "%s/again", dir);
	ck_assert_int_eq(mkdir(again, 0700), 0);
	snprintf(args, sizeof args, "feedback --db %s --again 1 --out %s", db, again);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", out, again), 0);
	/* And the wrong words. */
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-05 --dialect excel --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 64);
	ck_assert_str_eq(err, "vroeg: --dialect is comma or dutch, not `excel`\n");
}
END_TEST

START_TEST(again_writes_a_batch_exactly_and_changes_nothing)
{
	small_month();
	char text[8192], err[4096], args[512], again[200];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-31 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	snprintf(again, sizeof again, "%s/again", dir);
	ck_assert_int_eq(mkdir(again, 0700), 0);
	char *before = faults_dump(db);
	snprintf(args, sizeof args, "feedback --db %s --again 1 --out %s", db, again);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	char want[1024];
	snprintf(want, sizeof want, "feedback batch 1 written again in %s: 15 signals for 4 creditors\n", again);
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
	ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", out, again), 0);
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(after);
	/* Not over the files it wrote: refused, nothing written. */
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 5);
	snprintf(want, sizeof want, "vroeg: %s/000001-evil-corp-9a4c059187ad.csv exists already: vroeg never writes "
		 "over a file; move it away (or give another --out), then run the command again; nothing was written\n",
		 again);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", out, again), 0);
	/* A batch there is not. */
	snprintf(args, sizeof args, "feedback --db %s --again 2 --out %s", db, again);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 3);
	ck_assert_str_eq(err, "vroeg: the store has no feedback batch 2\n");
	after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(the_command_line_is_checked)
{
	small_month();
	char err[4096], args[512];
	static const struct {
		const char *args, *message;
	} cases[] = {
		{ "--as-of 2024-07-01", "vroeg: feedback takes --as-of YYYY-MM-DD, or --again BATCH, and --out DIR\n" },
		{ "--out OUT", "vroeg: feedback takes --as-of YYYY-MM-DD, or --again BATCH, and --out DIR\n" },
		{ "--again 1 --as-of 2024-07-01 --out OUT",
		  "vroeg: feedback takes --as-of YYYY-MM-DD, or --again BATCH, and --out DIR\n" },
		{ "--again 1 --dialect dutch --out OUT",
		  "vroeg: feedback takes --as-of YYYY-MM-DD, or --again BATCH, and --out DIR\n" },
		{ "--again 0 --out OUT", "vroeg: --again takes the number of a batch (1, 2, ...), not `0`\n" },
		{ "--again x --out OUT", "vroeg: --again takes the number of a batch (1, 2, ...), not `x`\n" },
		{ "--as-of 2024-06-31 --out OUT", "vroeg: `2024-06-31` is not a date: write YYYY-MM-DD, e.g. 2024-07-01\n" },
		{ "--as-of 9999-12-31 --out OUT",
		  "vroeg: --as-of 9999-12-31 is later than today: feedback is given when it is due, not before\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char a[256];
		snprintf(a, sizeof a, "%s", cases[i].args);
		char *o = strstr(a, "OUT");
		snprintf(args, sizeof args, "feedback --db %s %.*s%s%s", db, o ? (int)(o - a) : (int)strlen(a), a,
			 o ? out : "", o ? o + 3 : "");
		ck_assert_int_eq(vroeg_cmd(NULL, 0, err, sizeof err, args), 64);
		ck_assert_msg(strncmp(err, cases[i].message, strlen(cases[i].message)) == 0, "%s: %s", args, err);
	}
	/* No directory: said, nothing given. */
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-01 --out %s/none", db, dir);
	ck_assert_int_eq(vroeg_cmd(NULL, 0, err, sizeof err, args), 5);
	char want[512];
	snprintf(want, sizeof want, "vroeg: cannot write feedback into %s/none: no such directory (create it first)\n",
		 dir);
	ck_assert_str_eq(err, want);
	/* Never a new store. */
	snprintf(args, sizeof args, "feedback --db %s/typo.db --as-of 2024-07-01 --out %s", dir, out);
	ck_assert_int_eq(vroeg_cmd(NULL, 0, err, sizeof err, args), 5);
	snprintf(want, sizeof want, "vroeg: no store at %s/typo.db (import signals into it first)\n", dir);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 0);
	/* $VROEG_DB names the store, as for every command. */
	char text[4096];
	snprintf(args, sizeof args, "VROEG_DB=%s %s feedback --as-of 2024-07-01 --out %s 2>/dev/null", db,
		 vroeg_bin(), out);
	ck_assert_int_eq(shell(text, sizeof text, "%s", args), 0);
	ck_assert_msg(strncmp(text, "feedback batch 1 in ", 20) == 0, "%s", text);
}
END_TEST

/* A store another process holds: feedback waits, then says so, and
 * writes nothing. */
START_TEST(feedback_waits_for_a_busy_store_then_says_so)
{
	small_month();
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	char text[4096], want[512];
	snprintf(want, sizeof want, "vroeg: the store %s is busy: another vroeg command (import, run, feedback, purge, "
		 "forget) or another program holds it (waited 200 ms); try again later\n", db);
	ck_assert_int_eq(shell(text, sizeof text, "VROEG_BUSY_MS=200 %s feedback --db %s --as-of 2024-07-01 --out %s",
			       vroeg_bin(), db, out), 4);
	ck_assert_str_eq(text, want);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	listing(out, text, sizeof text);
	ck_assert_str_eq(text, "");
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 0);
}
END_TEST

START_TEST(a_file_of_the_same_name_is_never_written_over)
{
	small_month();
	char path[512], text[4096], err[4096], args[512], want[1024];
	snprintf(path, sizeof path, "%s/000001-vitens-f36fac87bfd4.csv", out);
	write_file_text(path, "someone else's\n");
	char *before = faults_dump(db);
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 5);
	snprintf(want, sizeof want, "%svroeg: %s exists already: vroeg never writes over a file; move it away (or "
		 "give another --out), then run the command again; nothing was written\n", late_warning, path);
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(text, "");
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	listing(out, text, sizeof text);
	ck_assert_str_eq(text, "000001-vitens-f36fac87bfd4.csv\n");
	file_is("000001-vitens-f36fac87bfd4.csv", "someone else's\n");
	free(before);
	free(after);
}
END_TEST

START_TEST(a_batch_stopped_after_its_record_is_finished_by_the_next_call)
{
	small_month();
	char text[8192], err[4096], args[512], keep[200];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-05 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	snprintf(keep, sizeof keep, "%s/keep", dir);
	ck_assert_int_eq(shell(text, sizeof text, "cp -a %s %s", out, keep), 0);
	/* As a call killed after its commit leaves it: batch 2 recorded, two
	 * of its files still under their hidden names (one of them spoilt:
	 * it is written again from the record), one in place. */
	ck_assert_int_eq(shell(text, sizeof text, "cd %s && mv 000002-vitens-f36fac87bfd4.csv "
			       ".000002-vitens-f36fac87bfd4.csv.part && mv 000002-evil-corp-9a4c059187ad.csv "
			       ".000002-evil-corp-9a4c059187ad.csv.part && echo half > .000002-evil-corp-9a4c059187ad.csv.part",
			       out), 0);
	char *before = faults_dump(db);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(text, "finished feedback batch 2 (2 files put in place): a call before this one stopped "
			 "after recording it\nno feedback due by 2024-07-05 that was not given before\n");
	ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", out, keep), 0);
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	/* And the one after that finds nothing to finish. */
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(text, "no feedback due by 2024-07-05 that was not given before\n");
}
END_TEST

/* Killed between giving a file its name (link) and removing its hidden
 * name: both name the one file. The next call removes the hidden name,
 * rather than refusing the name that is taken by the file itself. */
START_TEST(a_batch_stopped_between_naming_a_file_and_removing_its_hidden_name_is_finished)
{
	small_month();
	char text[8192], err[4096], args[512], keep[200];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-05 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	snprintf(keep, sizeof keep, "%s/keep", dir);
	ck_assert_int_eq(shell(text, sizeof text, "cp -a %s %s", out, keep), 0);
	ck_assert_int_eq(shell(text, sizeof text, "cd %s && ln 000001-vitens-f36fac87bfd4.csv "
			       ".000001-vitens-f36fac87bfd4.csv.part", out), 0);
	char *before = faults_dump(db);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(err, late_warning);
	ck_assert_str_eq(text, "finished feedback batch 1 (1 file put in place): a call before this one stopped "
			 "after recording it\nno feedback due by 2024-07-05 that was not given before\n");
	ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", out, keep), 0);
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	/* A hidden name beside another file of that name (not the same
	 * file) is still refused: vroeg never writes over a file. */
	ck_assert_int_eq(shell(text, sizeof text, "cd %s && echo other > .000001-vitens-f36fac87bfd4.csv.part", out),
			 0);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 5);
	ck_assert_msg(strstr(err, "/000001-vitens-f36fac87bfd4.csv its name: a file of that name exists\n"), "%s", err);
	file_is("000001-vitens-f36fac87bfd4.csv", "signal_id,received,code,meaning,date\n"
		"S02,2024-06-05,6,niet bereikt of wil geen hulp,2024-07-03\n"
		"S05,2024-06-15,2,wordt niet opgepakt,2024-07-01\n");
}
END_TEST

START_TEST(leftovers_of_a_batch_never_recorded_are_removed)
{
	small_month();
	char text[4096], err[4096], args[512], path[512];
	/* As a call killed before its commit leaves them. */
	snprintf(path, sizeof path, "%s/.000001-menzis-57691c148070.csv.part", out);
	write_file_text(path, "half a fi");
	snprintf(path, sizeof path, "%s/.000001-someone-000000000000.csv.part", out);
	write_file_text(path, "half a fi");
	/* Not vroeg's: left alone. */
	snprintf(path, sizeof path, "%s/.notes.part", out);
	write_file_text(path, "mine");
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	listing(out, text, sizeof text);
	ck_assert_str_eq(text, ".notes.part\n000001-menzis-57691c148070.csv\n000001-vitens-f36fac87bfd4.csv\n");
}
END_TEST

START_TEST(a_file_that_cannot_be_written_midway_leaves_nothing)
{
	small_month();
	char text[4096], err[4096], args[512], path[512], want[1024];
	/* The Vitens file's hidden name is taken by a directory: the Menzis
	 * file is written first, then the Vitens file fails. */
	snprintf(path, sizeof path, "%s/.000001-vitens-f36fac87bfd4.csv.part", out);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	char *before = faults_dump(db);
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 5);
	snprintf(want, sizeof want, "%svroeg: cannot write %s/000001-vitens-f36fac87bfd4.csv: Is a directory\n",
		 late_warning, out);
	ck_assert_str_eq(err, want);
	listing(out, text, sizeof text);
	ck_assert_str_eq(text, ".000001-vitens-f36fac87bfd4.csv.part\n");
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

/* In this process, with the store open: a limit on the size of a file
 * (`ulimit -f`, SIGXFSZ ignored) that the second file passes. */
START_TEST(a_full_disk_while_writing_the_files_leaves_nothing)
{
	small_month();
	capture c;
	capture_start(&c);
	int rc;
	char *before = faults_dump(db);
	store *s = cli_open_existing_store(db, &c.d, &rc);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(store_purged_before(s, &(vr_month){ 0 }, &c.d), 0);   /* the store read once */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit lim;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &lim), 0);
	const struct rlimit small = { 150, lim.rlim_max };
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
	feedback_result r;
	const enum store_status st = feedback_give(s, day("2024-07-01"), out, false, &r, &c.d);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert_int_eq(st, STORE_IO_ERROR);
	ck_assert_msg(strstr(captured(&c), "/000001-menzis-57691c148070.csv: File too large\n"), "%s", captured(&c));
	ck_assert_int_eq(r.batch, 0);
	feedback_result_free(&r);
	store_close(s);
	char text[4096];
	listing(out, text, sizeof text);
	ck_assert_str_eq(text, "");
	char *after = faults_dump(db);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	capture_end(&c);
}
END_TEST

/* --------------------------------------- generated months, the city -- */

/* Checks every file in OUT_DIR against the store: each row's five cells
 * are the signal's id and received day as imported, a code 1-7, its Dutch
 * meaning and a day; the signal is the file's creditor's; rows by
 * received, then signal_id; no household key, person, amount, district or
 * other creditor anywhere. Returns the rows. */
static long check_files(const char *store_path, const char *out_dir, long long batch)
{
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open_v2(store_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st, *creditors;
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT creditor, received, household, coalesce(person, ''), "
					    "district, arrears FROM signals WHERE signal_id = ?1", -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT DISTINCT creditor FROM signals", -1, &creditors, NULL),
			 SQLITE_OK);
	long rows = 0;
	while (sqlite3_step(creditors) == SQLITE_ROW) {
		const char *creditor = (const char *)sqlite3_column_text(creditors, 0);
		char name[FEEDBACK_NAME_MAX];
		feedback_file_name(batch, creditor, name);
		char path[512];
		snprintf(path, sizeof path, "%s/%s", out_dir, name);
		if (access(path, F_OK) != 0)
			continue;
		size_t len;
		char *text = slurp_file(path, &len);
		const char sep = strchr(text, ';') && !strchr(text, ',') ? ';' : ',';
		char header[64];
		snprintf(header, sizeof header, "signal_id%creceived%ccode%cmeaning%cdate\n", sep, sep, sep, sep);
		ck_assert_msg(strncmp(text, header, strlen(header)) == 0, "%s", path);
		char last[64] = "";
		for (char *line = strtok(text + strlen(header), "\n"); line; line = strtok(NULL, "\n")) {
			char id[32], received[16], meaning[64], date[16];
			int code, n = 0;
			char fmt[64];
			snprintf(fmt, sizeof fmt, "%%31[^%c]%c%%15[^%c]%c%%d%c%%63[^%c]%c%%15s%%n", sep, sep, sep, sep, sep,
				 sep, sep);
			ck_assert_msg(sscanf(line, fmt, id, received, &code, meaning, date, &n) == 5 &&
				      (size_t)n == strlen(line), "%s: %s", path, line);
			ck_assert_msg(code >= 1 && code <= 7 && strcmp(meaning, vr_feedback_meaning_nl[code]) == 0,
				      "%s: %s", path, line);
			vr_date due;
			ck_assert(vr_date_parse(date, strlen(date), &due));
			sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
			ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: %s is no signal", path, id);
			ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), creditor);
			ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), received);
			/* The household, its person, district and amount: not in it. */
			for (int col = 2; col <= 4; col++) {
				const char *v = (const char *)sqlite3_column_text(st, col);
				ck_assert_msg(!*v || !bytes_contain(line, strlen(line), v), "%s: %s holds %s", path, line, v);
			}
			char amount[32];
			vr_cents_format(sqlite3_column_int64(st, 5), amount);
			ck_assert_msg(!strstr(line, amount), "%s: %s holds the amount %s", path, line, amount);
			sqlite3_reset(st);
			char key[64];
			snprintf(key, sizeof key, "%s %s", received, id);
			ck_assert_msg(strcmp(last, key) < 0, "%s: %s after %s", path, key, last);
			snprintf(last, sizeof last, "%s", key);
			rows++;
		}
		free(text);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(creditors);
	sqlite3_close(h);
	return rows;
}

/* No file holds a creditor's name, a key or a district: for the example
 * city's names (those of its creditors that are words, its districts). */
static void no_names(const char *out_dir)
{
	char text[4096];
	ck_assert_int_eq(shell(text, sizeof text, "cat %s/*.csv | grep -c -i -e Menzis -e Vitens -e Staedion -e "
			       "Meerzicht -e Oosterheem -e 'H0[0-9]' -e '[0-9]\\.[0-9][0-9]'", out_dir), 1);
	ck_assert_str_eq(text, "0\n");
}

static void generated(const char *store_path, const char *dialect)
{
	char text[4096];
	const char *gen = getenv("VROEG_GEN") ? getenv("VROEG_GEN") : "build/vroeg-gen";
	ck_assert_msg(shell(text, sizeof text, "%s --seed 11 --households 3000 --end-month 2024-06 --months 3 "
			    "--run-month-signals 900 --total-signals 2400 --dialect %s --signals %s/s.csv "
			    "--outcomes %s/o.csv && %s import --db %s %s/s.csv && %s import --db %s --outcomes %s/o.csv && "
			    "%s run --db %s --month 2024-05 rules/crisis-queue.vroeg && "
			    "%s run --db %s --month 2024-06 rules/youth-route.vroeg",
			    gen, dialect, dir, dir, vroeg_bin(), store_path, dir, vroeg_bin(), store_path, dir,
			    vroeg_bin(), store_path, vroeg_bin(), store_path) == 0, "%s", text);
}

static const char *today_text(void)
{
	static char buf[16];
	const time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return buf;
}

START_TEST(generated_months_give_each_creditor_its_own_signals_in_either_dialect)
{
	char text[1 << 14], args[512], other_db[160], other_out[160];
	generated(db, "comma");
	snprintf(args, sizeof args, "feedback --db %s --as-of %s --out %s", db, today_text(), out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	/* Every signal the two runs decided, once, in its creditor's file. */
	const long decided = sql_int("SELECT count(*) FROM run_signals");
	ck_assert_int_gt(decided, 1000);
	ck_assert_int_eq(check_files(db, out, 1), decided);
	ck_assert_int_eq(sql_int("SELECT count(DISTINCT signal_id) FROM feedback"), decided);
	ck_assert_int_eq(sql_int("SELECT count(DISTINCT code) FROM feedback"), 6);
	/* The same months exported the Dutch way give the same files. */
	snprintf(other_db, sizeof other_db, "%s/other.db", dir);
	snprintf(other_out, sizeof other_out, "%s/other", dir);
	ck_assert_int_eq(mkdir(other_out, 0700), 0);
	generated(other_db, "semicolon");
	snprintf(args, sizeof args, "feedback --db %s --as-of %s --out %s", other_db, today_text(), other_out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", out, other_out), 0);
	/* And written the Dutch way: the same cells. */
	ck_assert_int_eq(shell(text, sizeof text, "rm -f %s/*.csv", other_out), 0);
	sql("DELETE FROM feedback; DELETE FROM feedback_batches");
	snprintf(args, sizeof args, "feedback --db %s --as-of %s --dialect dutch --out %s", db, today_text(), other_out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	ck_assert_int_eq(check_files(db, other_out, 1), decided);
	ck_assert_int_eq(shell(text, sizeof text, "cd %s && for f in *.csv; do tr ';' ',' < $f | cmp -s - %s/$f || "
			       "echo $f; done", other_out, out), 0);
	ck_assert_str_eq(text, "");
}
END_TEST

START_TEST(the_example_city_gives_each_creditor_its_own_signals_and_nothing_else)
{
	char text[1 << 14], args[512];
	must("import --db %s examples/city/signals.csv", db);
	must("import --db %s --outcomes examples/city/outcomes.csv", db);
	must("run --db %s --month 2024-05 rules/youth-route.vroeg", db);
	must("run --db %s --month 2024-06 rules/zoetermeer-2019-06.vroeg", db);
	snprintf(args, sizeof args, "feedback --db %s --as-of %s --out %s", db, today_text(), out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	const long decided = sql_int("SELECT count(*) FROM run_signals");
	ck_assert_int_eq(check_files(db, out, 1), decided);
	no_names(out);
	/* The field policies' codes: P7's repeat skip (3) and already_known
	 * bucket (4); P1's debt-help exclusion (4) and its no follow-up
	 * bucket (2). */
	ck_assert_int_gt(sql_int("SELECT count(*) FROM feedback AS f JOIN runs AS r ON r.id = f.run_id "
				 "WHERE r.month = '2024-05' AND f.code = 3"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback AS f JOIN signals AS s USING (signal_id) "
				 "JOIN decisions AS d ON d.run_id = f.run_id AND d.household = s.household "
				 "WHERE d.bucket IN ('already_known', 'no_action') "
				 "AND f.code <> CASE d.bucket WHEN 'already_known' THEN 4 ELSE 2 END "
				 "AND NOT (d.bucket = 'no_action' AND f.code = 3)"), 0);
	ck_assert_int_gt(sql_int("SELECT count(*) FROM feedback AS f JOIN signals AS s USING (signal_id) "
				 "JOIN decisions AS d ON d.run_id = f.run_id AND d.household = s.household "
				 "WHERE d.reason = 'known to debt help' AND f.code = 4"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback AS f JOIN signals AS s USING (signal_id) "
				 "JOIN decisions AS d ON d.run_id = f.run_id AND d.household = s.household "
				 "WHERE d.bucket = 'excluded' AND d.reason NOT IN ('known to debt help', "
				 "'same signal as last month') AND f.code <> 2"), 0);
}
END_TEST

/* -------------------------------------------- killed at any moment -- */

START_TEST(a_feedback_killed_at_any_moment_is_whole_after_the_next_call)
{
	must("import --db %s examples/city/signals.csv", db);
	must("import --db %s --outcomes examples/city/outcomes.csv", db);
	must("run --db %s --month 2024-05 rules/youth-route.vroeg", db);
	must("run --db %s --month 2024-06 rules/crisis-queue.vroeg", db);
	char text[1 << 14], copy[160], want_dir[160], args[512];
	snprintf(copy, sizeof copy, "%s/copy.db", dir);
	snprintf(want_dir, sizeof want_dir, "%s/want", dir);
	ck_assert_int_eq(shell(text, sizeof text, "cp %s %s", db, copy), 0);
	char *before = faults_dump(db);
	/* What an uninterrupted call gives (into the same directory: the
	 * batch records where it wrote). */
	snprintf(args, sizeof args, "feedback --db %s --as-of %s --out %s", db, today_text(), out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	ck_assert_int_eq(shell(text, sizeof text, "mv %s %s", out, want_dir), 0);
	char *after = faults_dump(db);
	srand((unsigned)time(NULL));
	int before_commit = 0;
	for (int attempt = 0; attempt < 16; attempt++) {
		shell(NULL, 0, "rm -rf %s %s-wal %s-shm %s && cp %s %s && mkdir %s", db, db, db, out, copy, db, out);
		const pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			freopen("/dev/null", "w", stdout);
			freopen("/dev/null", "w", stderr);
			execl(vroeg_bin(), vroeg_bin(), "feedback", "--db", db, "--as-of", today_text(), "--out", out,
			      (char *)NULL);
			_exit(127);
		}
		const long us = (long)attempt * 4000 + rand() % 4000;
		const struct timespec pause = { us / 1000000, (us % 1000000) * 1000 };
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		char *now = faults_dump(db);
		if (strcmp(now, before) == 0)
			before_commit++;
		else
			ck_assert_msg(strcmp(now, after) == 0, "the store is half changed after a kill at %ld us", us);
		free(now);
		/* The next call makes it whole: the same files, the same store. */
		snprintf(args, sizeof args, "feedback --db %s --as-of %s --out %s 2>/dev/null", db, today_text(), out);
		ck_assert_int_eq(shell(text, sizeof text, "%s %s", vroeg_bin(), args), 0);
		ck_assert_int_eq(shell(text, sizeof text, "diff -r %s %s", want_dir, out), 0);
		now = faults_dump(db);
		ck_assert_msg(strcmp(now, after) == 0, "the store differs after a kill at %ld us and another call", us);
		free(now);
	}
	ck_assert_msg(before_commit > 0, "no kill landed before the commit");
	free(before);
	free(after);
}
END_TEST

/* ------------------------------------------------ what cannot be fed back -- */

START_TEST(a_run_recorded_before_runs_kept_their_codes_is_said_so)
{
	small_month();
	/* As an earlier vroeg recorded it (the migration leaves it so). */
	sql("DELETE FROM run_signals; UPDATE runs SET feedback_kept = 0");
	char text[4096], err[4096], args[512];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-31 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(err, "vroeg: warning: the signals of 2024-06 are not fed back: its run (run 1) was recorded "
			 "by an earlier vroeg, which did not keep what each signal is fed back with\n");
	ck_assert_str_eq(text, "no feedback due by 2024-07-31 that was not given before\n");
	/* A run of the month that keeps them does. */
	must("run --db %s --month 2024-06 --replace rules/letter-for-all.vroeg", db);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 0);   /* recorded today: not due by then */
}
END_TEST

/* A signal imported after its month's run, and after that month's feedback
 * was written, is said on every call, not once: nothing records that it was
 * said, it is still not fed back, and a run with --replace still feeds it
 * back (alone: what was given is not given again), after which the warning
 * stops. Said only with the month's first feedback, it would never be said. */
START_TEST(a_late_signal_is_said_on_every_call_until_a_run_decides_it)
{
	must("import --db %s tests/data/feedback/signals.csv", db);
	must("import --db %s --outcomes tests/data/feedback/outcomes.csv", db);
	must("run --db %s --month 2024-06 tests/data/feedback/policy.vroeg", db);
	sql("UPDATE runs SET finished = '2024-07-01T06:00:00Z'");
	char text[4096], err[4096], args[512];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-31 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 15);   /* the whole month */
	must("import --db %s tests/data/feedback/late.csv", db);
	const char *const days[] = { "2024-08-01", "2024-08-02", "2024-09-30" };
	for (int i = 0; i < 3; i++) {
		snprintf(args, sizeof args, "feedback --db %s --as-of %s --out %s", db, days[i], out);
		ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
		ck_assert_str_eq(err, late_warning);
	}
	must("run --db %s --month 2024-06 --replace tests/data/feedback/policy.vroeg", db);
	sql("UPDATE runs SET finished = '2024-10-01T06:00:00Z' WHERE superseded = 0");
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-10-01 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(err, "");
	ck_assert_msg(strstr(text, "feedback batch 2 in ") && strstr(text, ": 1 signal for 1 creditor\n"), "%s", text);
	file_is("000002-menzis-57691c148070.csv",
		"signal_id,received,code,meaning,date\n"
		"S15,2024-06-28,6,niet bereikt of wil geen hulp,2024-10-01\n");
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 16);
}
END_TEST

/* ---------------------------------------------------- purge and forget -- */

START_TEST(forget_and_purge_take_the_feedback_records_with_them)
{
	small_month();
	char text[8192], err[4096], args[512], want[1024];
	snprintf(args, sizeof args, "feedback --db %s --as-of 2024-07-31 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	/* H07's June signal was fed back (batch 1, Menzis: a repeat). */
	snprintf(args, sizeof args, "forget --db %s --household H07", db);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	snprintf(want, sizeof want, "forgot household H07 in %s:\n"
		 "month      signals  outcomes  decisions month_households run_signals feedback\n"
		 "2024-05          1         0          0                1           0        0\n"
		 "2024-06          1         0          1                1           1        1\n"
		 "total            2         0          1                2           1        1\n"
		 "the figures of 2 months are frozen; the store file and its journal are wiped\n", db);
	ck_assert_str_eq(text, want);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback WHERE signal_id = 'S08'"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM run_signals WHERE signal_id = 'S08'"), 0);
	/* Written again, the batch leaves it out, and says so. */
	char again[200];
	snprintf(again, sizeof again, "%s/again", dir);
	ck_assert_int_eq(mkdir(again, 0700), 0);
	snprintf(args, sizeof args, "feedback --db %s --again 1 --out %s", db, again);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 0);
	ck_assert_str_eq(err, "vroeg: warning: 1 signal of batch 1 is left out: purge or forget removed it from the store\n");
	char *menzis = file_in(again, "000001-menzis-57691c148070.csv");
	ck_assert_msg(!strstr(menzis, "S08") && strstr(menzis, "S13,"), "%s", menzis);
	free(menzis);
	/* A purge of the month: its run's codes and its feedback go. */
	snprintf(args, sizeof args, "purge --db %s --before 2024-07 --force", db);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, NULL, 0, args), 0);
	ck_assert_msg(strstr(text, "\n2024-06         15         6         12               13          14       14\n"),
		      "%s", text);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM run_signals"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback_batches"), 1);
	/* Nothing of it left to write again. */
	snprintf(args, sizeof args, "feedback --db %s --again 1 --out %s", db, out);
	ck_assert_int_eq(vroeg_cmd(text, sizeof text, err, sizeof err, args), 3);
	ck_assert_str_eq(err, "vroeg: feedback batch 1 holds nothing any more: purge or forget removed its rows\n");
	/* And the bytes of a fed-back signal are gone from the file. */
	char wal[200];
	snprintf(wal, sizeof wal, "%s-wal", db);
	size_t len;
	char *bytes = slurp_file(db, &len);
	ck_assert(!bytes_contain(bytes, len, "S13"));
	free(bytes);
}
END_TEST

Suite *feedback_suite(void)
{
	Suite *s = suite_create("feedback");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, a_run_determines_each_signals_code_as_the_policy_says);
	tcase_add_loop_test(tc, the_outcomes_decide_code_and_day, 0,
			    (int)(sizeof outcome_cases / sizeof outcome_cases[0]));
	tcase_add_test(tc, every_outcome_has_its_code);
	tcase_add_test(tc, file_names_are_safe_stable_and_apart);
	suite_add_tcase(s, tc);
	tc = tcase_create("vroeg feedback");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, feedback_is_given_on_the_day_it_is_due_and_once);
	tcase_add_test(tc, the_dutch_dialect_separates_with_semicolons);
	tcase_add_test(tc, again_writes_a_batch_exactly_and_changes_nothing);
	tcase_add_test(tc, the_command_line_is_checked);
	tcase_add_test(tc, feedback_waits_for_a_busy_store_then_says_so);
	tcase_add_test(tc, a_file_of_the_same_name_is_never_written_over);
	tcase_add_test(tc, a_batch_stopped_after_its_record_is_finished_by_the_next_call);
	tcase_add_test(tc, a_batch_stopped_between_naming_a_file_and_removing_its_hidden_name_is_finished);
	tcase_add_test(tc, leftovers_of_a_batch_never_recorded_are_removed);
	tcase_add_test(tc, a_file_that_cannot_be_written_midway_leaves_nothing);
	tcase_add_test(tc, a_full_disk_while_writing_the_files_leaves_nothing);
	tcase_add_test(tc, generated_months_give_each_creditor_its_own_signals_in_either_dialect);
	tcase_add_test(tc, the_example_city_gives_each_creditor_its_own_signals_and_nothing_else);
	tcase_add_test(tc, a_feedback_killed_at_any_moment_is_whole_after_the_next_call);
	tcase_add_test(tc, a_run_recorded_before_runs_kept_their_codes_is_said_so);
	tcase_add_test(tc, a_late_signal_is_said_on_every_call_until_a_run_decides_it);
	tcase_add_test(tc, forget_and_purge_take_the_feedback_records_with_them);
	suite_add_tcase(s, tc);
	return s;
}
