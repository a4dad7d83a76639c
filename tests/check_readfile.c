/* check_readfile.c - cli_read_file, the one reader of rule files, tests files
 * and compiled policies: a file of CLI_MAX_FILE bytes is read whole, one
 * byte more is refused with a message naming the limit, and an endless
 * stream (/dev/zero) is refused without reading it all. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "support.h"

/* A file of LEN bytes: a policy line, then comment lines. */
static void write_file(const char *path, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	static const char head[] = "policy \"big\"\n";
	fwrite(head, 1, sizeof head - 1, f);
	char line[4096];
	memset(line, 'x', sizeof line);
	line[0] = '#';
	line[sizeof line - 1] = '\n';
	size_t n = sizeof head - 1;
	while (n < len) {
		const size_t k = len - n < sizeof line ? len - n : sizeof line;
		fwrite(line, 1, k, f);
		n += k;
	}
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(a_file_at_the_limit_is_read_whole)
{
	char path[] = "/tmp/vroeg-read-XXXXXX";
	close(mkstemp(path));
	write_file(path, (size_t)CLI_MAX_FILE);
	capture c;
	capture_start(&c);
	size_t len = 0;
	char *text = cli_read_file(path, &len, &c.d);
	unlink(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(len, (size_t)CLI_MAX_FILE);
	ck_assert_int_eq(text[len], '\0');
	ck_assert_int_eq(c.d.errors, 0);
	free(text);
	capture_end(&c);
}
END_TEST

START_TEST(one_byte_past_the_limit_is_refused_naming_it)
{
	char path[] = "/tmp/vroeg-read-XXXXXX";
	close(mkstemp(path));
	write_file(path, (size_t)CLI_MAX_FILE + 1);
	capture c;
	capture_start(&c);
	size_t len = 0;
	char *text = cli_read_file(path, &len, &c.d);
	unlink(path);
	ck_assert_ptr_null(text);
	ck_assert_int_eq(c.d.errors, 1);
	char want[256];
	snprintf(want, sizeof want, "vroeg: %s is larger than 16 MiB, the most vroeg reads as a rule file, "
		 "tests file or compiled policy; is it the right file?\n", path);
	ck_assert_str_eq(captured(&c), want);
	capture_end(&c);
}
END_TEST

/* Runs CMD (a shell command line); its output in OUT, its exit code back. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	const size_t n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	while (fgetc(p) != EOF)
		;
	const int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(lint_of_dev_zero_stops_at_the_limit)
{
	char cmd[512], out[4096];
	snprintf(cmd, sizeof cmd, "%s lint /dev/zero 2>&1", vroeg_bin());
	ck_assert_int_eq(run(cmd, out, sizeof out), 2);
	ck_assert_str_eq(out, "vroeg: /dev/zero is larger than 16 MiB, the most vroeg reads as a rule file, "
			 "tests file or compiled policy; is it the right file?\n1 error, 0 warnings\n");
	/* From a pipe that never ends, too. */
	snprintf(cmd, sizeof cmd, "yes '# a comment' | %s lint - 2>&1", vroeg_bin());
	ck_assert_int_eq(run(cmd, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, "vroeg: <stdin> is larger than 16 MiB"));
}
END_TEST

START_TEST(a_tests_file_has_the_same_limit)
{
	char cmd[512], out[4096];
	snprintf(cmd, sizeof cmd, "%s test rules/crisis-queue.vroeg /dev/zero 2>&1", vroeg_bin());
	const int rc = run(cmd, out, sizeof out);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(out, "vroeg: /dev/zero is larger than 16 MiB"), "got (exit %d):\n%s", rc, out);
}
END_TEST

Suite *readfile_suite(void)
{
	Suite *s = suite_create("readfile");
	TCase *tc = tcase_create("limit");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_file_at_the_limit_is_read_whole);
	tcase_add_test(tc, one_byte_past_the_limit_is_refused_naming_it);
	tcase_add_test(tc, lint_of_dev_zero_stops_at_the_limit);
	tcase_add_test(tc, a_tests_file_has_the_same_limit);
	suite_add_tcase(s, tc);
	return s;
}
