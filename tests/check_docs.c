/* check_docs.c - the docs describe the program that exists: every command's
 * usage text (`vroeg help CMD`) stands verbatim in the operator's guide,
 * every command is in the man page, and the language reference lists exactly
 * the scanner's keywords as reserved. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const commands[] = { "lint", "compile", "disasm", "test", "fmt", "import", "dry-run",
					"run", "runs", "decisions", "explain", "show", "diff", "report", "sweep",
					"purge", "forget" };

static char *slurp(const char *cmd_or_path, bool is_cmd)
{
	FILE *f = is_cmd ? popen(cmd_or_path, "r") : fopen(cmd_or_path, "r");
	ck_assert_ptr_nonnull(f);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = '\0';
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

Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("docs");
	tcase_add_test(tc, every_usage_text_is_in_the_operators_guide);
	tcase_add_test(tc, every_command_is_in_the_man_page);
	tcase_add_test(tc, the_reserved_words_in_the_reference_are_the_scanners_keywords);
	suite_add_tcase(s, tc);
	return s;
}
