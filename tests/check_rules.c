/* check_rules.c - the field policies under rules/ (and the example policies
 * under examples/policies/, held to the same standard) as a whole: each lints
 * clean under --strict (P1's two files carry exactly their one true warning,
 * the no_action route, and P7 its one, households of only repeats get no
 * offer), each passes its own tests file reaching every rule, bucket, reason
 * and path, and each is in the canonical layout. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "support.h"

/* Runs CMD; returns its exit status and its combined output in OUT. */
static int run(const char *cmd, char *out, size_t size)
{
	char full[2048];
	snprintf(full, sizeof full, "%s 2>&1", cmd);
	FILE *p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	const size_t n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	const int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

typedef void (*per_file)(const char *path);

/* Calls FN on every rule file of DIR; how many. */
static int each_file_in(const char *dirname, per_file fn)
{
	DIR *dir = opendir(dirname);
	ck_assert_ptr_nonnull(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		const size_t len = strlen(e->d_name);
		if (len < 7 || strcmp(e->d_name + len - 6, ".vroeg") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dirname, e->d_name);
		fn(path);
		n++;
	}
	closedir(dir);
	return n;
}

/* The field policies (rules/) and the example policies
 * (examples/policies/), which are held to the same standard. */
static int each_rule_file(per_file fn)
{
	const int fields = each_file_in("rules", fn);
	ck_assert_int_ge(each_file_in("examples/policies", fn), 2);
	return fields;
}

static void lint_one(const char *path)
{
	char cmd[1024], out[16384];
	snprintf(cmd, sizeof cmd, "%s lint --strict %s", vroeg_bin(), path);
	const int rc = run(cmd, out, sizeof out);
	if (strstr(path, "zoetermeer")) {
		/* As published: one warning, about the no_action route. */
		ck_assert_msg(rc == 2 && count(out, "warning:") == 1 && strstr(out, "`no_action`") && count(out, "error:") == 0,
			      "%s: expected exactly the no_action warning, got (exit %d):\n%s", path, rc, out);
	} else if (strstr(path, "youth-route")) {
		/* As published: one warning, households of only repeats are excluded. */
		ck_assert_msg(rc == 2 && count(out, "warning:") == 1 && count(out, "error:") == 0 &&
			      strstr(out, "households whose signals are all skipped here are excluded (\"same signal as last month\")"),
			      "%s: expected exactly the skip's warning, got (exit %d):\n%s", path, rc, out);
	} else {
		ck_assert_msg(rc == 0 && out[0] == '\0', "%s: lint --strict exit %d:\n%s", path, rc, out);
	}
}

static void test_one(const char *path)
{
	char cmd[1024], out[65536];
	snprintf(cmd, sizeof cmd, "%s test %s", vroeg_bin(), path);
	const int rc = run(cmd, out, sizeof out);
	ck_assert_msg(rc == 0 && strstr(out, " 0 failed"), "%s: vroeg test exit %d:\n%s", path, rc, out);
	ck_assert_msg(strstr(out, "every rule, bucket, reason and path is reached"),
		      "%s: tests leave parts of the policy unreached:\n%s", path, out);
}

static void fmt_one(const char *path)
{
	char cmd[1024], out[4096];
	snprintf(cmd, sizeof cmd, "%s fmt --check %s", vroeg_bin(), path);
	const int rc = run(cmd, out, sizeof out);
	ck_assert_msg(rc == 0, "%s is not in the canonical layout (run vroeg fmt):\n%s", path, out);
}

START_TEST(every_field_policy_lints_strict_or_carries_its_one_warning)
{
	ck_assert_int_ge(each_rule_file(lint_one), 9);
}
END_TEST

START_TEST(every_field_policy_passes_its_tests_and_reaches_every_rule)
{
	ck_assert_int_ge(each_rule_file(test_one), 9);
}
END_TEST

START_TEST(every_field_policy_is_formatted)
{
	ck_assert_int_ge(each_rule_file(fmt_one), 9);
}
END_TEST

START_TEST(every_field_policy_names_its_field_policy)
{
	static const char *const wanted[] = { "field policy P1:", "field policy P1-2019-06:", "field policy P2:",
					      "field policy P3:", "field policy P4:", "field policy P5:",
					      "field policy P6:", "field policy P7:", "field policy P8:" };
	char cmd[256], out[65536];
	snprintf(cmd, sizeof cmd, "head -q -n 3 rules/*.vroeg");
	run(cmd, out, sizeof out);
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		ck_assert_msg(count(out, wanted[i]) == 1, "no single rule file says `%s`", wanted[i]);
}
END_TEST

START_TEST(the_users_own_examples_are_valid_rules)
{
	char path[] = "/tmp/vroeg-examples-XXXXXX";
	const int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("policy \"The user's examples\"\n"
	      "exclude \"legal person\" before counting when any legal_form = legal\n"
	      "match when >= 2 creditors within 3 months\n"
	      "rent > 575 -> home_visit\n"
	      "match -> home_visit\n"
	      "otherwise -> letter\n"
	      "bucket home_visit\n"
	      "bucket letter\n", f);
	fclose(f);
	char cmd[1024], out[4096];
	snprintf(cmd, sizeof cmd, "%s compile %s -o %s.vrb && %s disasm %s.vrb", vroeg_bin(), path, path, vroeg_bin(), path);
	const int rc = run(cmd, out, sizeof out);
	ck_assert_msg(rc == 0, "the examples do not compile (exit %d):\n%s", rc, out);
	ck_assert_msg(strstr(out, "SECTOR_TOTAL"), "`rent > 575` should read the rent arrears:\n%s", out);
	snprintf(cmd, sizeof cmd, "%s.vrb", path);
	remove(cmd);
	remove(path);
}
END_TEST

Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("field policies");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_field_policy_lints_strict_or_carries_its_one_warning);
	tcase_add_test(tc, every_field_policy_passes_its_tests_and_reaches_every_rule);
	tcase_add_test(tc, every_field_policy_is_formatted);
	tcase_add_test(tc, every_field_policy_names_its_field_policy);
	tcase_add_test(tc, the_users_own_examples_are_valid_rules);
	suite_add_tcase(s, tc);
	return s;
}
