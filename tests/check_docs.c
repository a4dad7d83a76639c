/* check_docs.c - the docs describe the program that exists: every command's
 * usage text (`vroeg help CMD`) stands verbatim in the operator's guide,
 * every command is in the man page and the README's list, the language reference lists exactly
 * the scanner's keywords as reserved, and the tests file has a reference
 * that `vroeg help test` and the other guides point to, whose whole tests
 * files are valid; the benchmark's knobs are documented with the script's
 * defaults. (tools/doctest.c runs the docs' command blocks.) */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "support.h"

static const char *const commands[] = { "lint", "compile", "disasm", "test", "fmt", "import", "dry-run",
					"run", "runs", "decisions", "explain", "show", "diff", "report", "sweep",
					"purge", "forget", "feedback" };

static char *slurp(const char *cmd_or_path, bool is_cmd)
{
	FILE *f = is_cmd ? popen(cmd_or_path, "r") : fopen(cmd_or_path, "r");
	ck_assert_ptr_nonnull(f);
	char *buf = slurp_stream(f, NULL);
	if (is_cmd)
		pclose(f);
	else
		fclose(f);
	return buf;
}

START_TEST(every_usage_text_is_in_the_operators_guide)
{
	const char *v = getenv("VROEG") ? getenv("VROEG") : "build/vroeg";
	char *guide = slurp("docs/operators-guide.md", false);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		char cmd[512];
		snprintf(cmd, sizeof cmd, "%s help %s", v, commands[i]);
		char *usage = slurp(cmd, true);
		ck_assert_msg(usage[0] != '\0', "no usage for %s", commands[i]);
		/* Line by line: the guide may wrap its own prose around them. */
		for (char *line = strtok(usage, "\n"); line; line = strtok(NULL, "\n"))
			ck_assert_msg(strstr(guide, line), "docs/operators-guide.md lacks this line of `vroeg help %s`:\n%s",
				      commands[i], line);
		free(usage);
	}
	free(guide);
}
END_TEST

START_TEST(every_command_is_in_the_man_page)
{
	char *man = slurp("docs/vroeg.1", false);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		/* troff writes a hyphen as \- */
		char want[64];
		size_t k = 0;
		snprintf(want, sizeof want, "vroeg %s", commands[i]);
		char escaped[128];
		for (const char *c = want; *c && k + 2 < sizeof escaped; c++) {
			if (*c == '-')
				escaped[k++] = '\\';
			escaped[k++] = *c;
		}
		escaped[k] = '\0';
		ck_assert_msg(strstr(man, escaped) || strstr(man, want), "docs/vroeg.1 has no `%s`", want);
	}
	free(man);
}
END_TEST

/* Every command `vroeg help` lists (an indented line `  NAME ...`) is one
 * this suite holds the guide and the man page to, and has its line
 * `vroeg NAME ...` in the README's list of commands: a new command cannot
 * reach the help without reaching the docs. */
START_TEST(every_command_of_the_help_is_in_the_readme_and_checked_here)
{
	const char *v = getenv("VROEG") ? getenv("VROEG") : "build/vroeg";
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s help", v);
	char *help = slurp(cmd, true), *readme = slurp("README.md", false);
	const char *list = strstr(readme, "\n## Commands\n");
	ck_assert_msg(list, "README.md has no section `## Commands`");
	int seen = 0;
	for (char *line = strtok(help, "\n"); line; line = strtok(NULL, "\n")) {
		const size_t n = strspn(line + 2, "abcdefghijklmnopqrstuvwxyz-");
		if (strncmp(line, "  ", 2) != 0 || n == 0 || (line[2 + n] != ' ' && line[2 + n] != '\0'))
			continue;
		char name[64], want[80];
		snprintf(name, sizeof name, "%.*s", (int)n, line + 2);
		snprintf(want, sizeof want, "\nvroeg %s ", name);
		ck_assert_msg(strstr(list, want), "README.md's commands lack `vroeg %s`", name);
		bool known = strcmp(name, "help") == 0;
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			known = known || strcmp(commands[i], name) == 0;
		ck_assert_msg(known, "`vroeg help` lists %s: add it to commands[] in tests/check_docs.c", name);
		seen++;
	}
	ck_assert_int_gt(seen, (int)(sizeof commands / sizeof commands[0]));
	free(help);
	free(readme);
}
END_TEST

/* Whether WORD (LEN bytes) is a whole word of the blank-separated LIST. */
static bool listed(const char *list, const char *word, size_t len)
{
	for (const char *p = list; (p = strstr(p, word)); p++) {
		const bool starts = p == list || p[-1] == ' ' || p[-1] == '\n';
		const char end = p[len];
		if (starts && (end == ' ' || end == '\n' || end == '\0'))
			return true;
	}
	return false;
}

START_TEST(the_reserved_words_in_the_reference_are_the_scanners_keywords)
{
	char *lexer = slurp("grammar/lexer.l", false);
	char *ref = slurp("docs/language.md", false);
	/* The list: from "Keywords are reserved" to the closing backtick after
	 * the first opening one. */
	char *from = strstr(ref, "**Keywords are reserved**");
	ck_assert_ptr_nonnull(from);
	char *open = strchr(from, '`');
	ck_assert_ptr_nonnull(open);
	char *close = strchr(open + 1, '`');
	ck_assert_ptr_nonnull(close);
	*close = '\0';
	const char *list = open + 1;
	/* The scanner's keywords: rules that are a quoted word and a return. */
	int n = 0;
	for (char *line = strtok(lexer, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] != '"')
			continue;
		const size_t len = strspn(line + 1, "abcdefghijklmnopqrstuvwxyz-");
		if (len == 0 || line[1 + len] != '"' || (line[2 + len] != ' ' && line[2 + len] != '\t'))
			continue;
		line[1 + len] = '\0';
		ck_assert_msg(listed(list, line + 1, len), "docs/language.md does not list the keyword `%s` as reserved",
			      line + 1);
		n++;
	}
	ck_assert_int_ge(n, 50);
	/* And nothing else: count the words of the list. */
	int words = 0;
	for (const char *p = list; *p;) {
		p += strspn(p, " \n");
		if (*p) {
			words++;
			p += strcspn(p, " \n");
		}
	}
	ck_assert_msg(words == n, "docs/language.md lists %d reserved words, the scanner has %d keywords", words, n);
	free(lexer);
	free(ref);
}
END_TEST

START_TEST(the_tests_file_has_a_reference_the_help_and_guides_point_to)
{
	const char *v = getenv("VROEG") ? getenv("VROEG") : "build/vroeg";
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s help test", v);
	char *usage = slurp(cmd, true);
	ck_assert_msg(strstr(usage, "docs/tests.md"), "`vroeg help test` does not name docs/tests.md:\n%s", usage);
	ck_assert_msg(strstr(usage, "no phone and no e-mail"), "`vroeg help test` does not warn about phone and e-mail");
	free(usage);
	static const char *const pointing[] = { "docs/language.md", "docs/changing-a-policy.md", "docs/operators-guide.md" };
	for (size_t i = 0; i < sizeof pointing / sizeof *pointing; i++) {
		char *doc = slurp(pointing[i], false);
		ck_assert_msg(strstr(doc, "(tests.md)"), "%s does not link to tests.md", pointing[i]);
		free(doc);
	}
	/* Every line form of a test is in the reference, and so are the
	 * defaults that surprise. */
	char *ref = slurp("docs/tests.md", false);
	static const char *const forms[] = {
		"month YYYY-MM", "test \"NAME\"", "household KEY", "households N PREFIX",
		"signal CREDITOR SECTOR ARREARS [field=value ...] [flag ...]", "outcome OUTCOME YYYY-MM-DD",
		"capacity BUCKET N", "expect BUCKET [place=N] [overflowed_from=BUCKET] [LABEL=VALUE ...]",
		"expect excluded \"REASON\"", "expect KEY BUCKET", "expect N in BUCKET", "**no phone**",
		"**no e-mail address**", "`received=`", "`months_ago=`", "`kind=`", "`legal_form=`", "`installment=`",
		"`installments_missed=`", "`days_overdue=`", "`birth_date=`", "`age=`", "`district=`", "`person=`",
		"`brp_match=`", "`id=`", "`known_debt_help`", "`legal`"
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
		ck_assert_msg(strstr(ref, forms[i]), "docs/tests.md lacks `%s`", forms[i]);
	/* Its whole tests files (a block that starts with the month) run
	 * against P2 without a mistake. */
	int files = 0;
	for (char *block = strstr(ref, "```\nmonth "); block; block = strstr(block + 1, "```\nmonth ")) {
		char *body = block + 4, *end = strstr(body, "```");
		ck_assert_ptr_nonnull(end);
		char path[] = "/tmp/vroeg-doc-tests-XXXXXX";
		const int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		FILE *f = fdopen(fd, "w");
		fwrite(body, 1, (size_t)(end - body), f);
		fclose(f);
		snprintf(cmd, sizeof cmd, "%s test rules/crisis-queue.vroeg %s 2>&1", v, path);
		FILE *p = popen(cmd, "r");
		char out[8192];
		const size_t n = fread(out, 1, sizeof out - 1, p);
		out[n] = '\0';
		const int status = pclose(p);
		remove(path);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a tests file of docs/tests.md fails:\n%s", out);
		files++;
	}
	ck_assert_int_ge(files, 1);
	free(ref);
}
END_TEST

/* bench/README.md's knobs: every variable bench/run.sh reads has a row in the
 * table, with the script's default where that is a number, and the prose
 * that gives a default (`NAME` rounds (default N)) gives the script's. */
START_TEST(the_bench_knobs_are_the_scripts)
{
	char *script = slurp("bench/run.sh", false);
	char *readme = slurp("bench/README.md", false);
	int knobs = 0;
	for (const char *p = script; (p = strstr(p, "${VROEG_BENCH_")); p++) {
		char name[64];
		const size_t len = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		ck_assert_uint_lt(len, sizeof name);
		memcpy(name, p + 2, len);
		name[len] = '\0';
		if (strncmp(p + 2 + len, ":-", 2) != 0)
			continue;
		const char *dflt = p + 2 + len + 2;
		const size_t dlen = strspn(dflt, "0123456789");
		char row[160];
		if (dlen > 0 && dflt[dlen] == '}')
			snprintf(row, sizeof row, "| `%s` | %.*s |", name, (int)dlen, dflt);
		else
			snprintf(row, sizeof row, "| `%s` |", name);
		ck_assert_msg(strstr(readme, row), "bench/README.md's knobs lack `%s`", row);
		char prose[160];
		snprintf(prose, sizeof prose, "`%s` rounds (default ", name);
		for (const char *q = readme; dlen > 0 && (q = strstr(q, prose)); q++)
			ck_assert_msg(strncmp(q + strlen(prose), dflt, dlen) == 0 && q[strlen(prose) + dlen] == ')',
				      "bench/README.md gives another default for %s than bench/run.sh (%.*s)", name, (int)dlen,
				      dflt);
		knobs++;
	}
	ck_assert_int_ge(knobs, 8);
	free(script);
	free(readme);
}
END_TEST

Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("docs");
	tcase_add_test(tc, every_usage_text_is_in_the_operators_guide);
	tcase_add_test(tc, every_command_is_in_the_man_page);
	tcase_add_test(tc, every_command_of_the_help_is_in_the_readme_and_checked_here);
	tcase_add_test(tc, the_reserved_words_in_the_reference_are_the_scanners_keywords);
	tcase_add_test(tc, the_tests_file_has_a_reference_the_help_and_guides_point_to);
	tcase_add_test(tc, the_bench_knobs_are_the_scripts);
	suite_add_tcase(s, tc);
	return s;
}
