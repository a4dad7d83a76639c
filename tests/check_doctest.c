/* check_doctest.c - the doc test runner (tools/doctest.c, $VROEG_DOCTEST)
 * holds the docs to what the program prints: a block whose output is shown
 * holds, any other difference fails with FILE:LINE and a unified diff, exit
 * statuses are checked against `<!-- exit N -->`, `<!-- not run: ... -->`
 * is the only way not to run a block, /tmp is a scratch directory of each
 * file's own (shared by its blocks in order, with the widths of the paths
 * kept), only timestamps and today's date are forgiven, a block cannot change the
 * repository, and --update writes the printed output and nothing else.
 * Each test is a small repository of one or two markdown files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static char repo[64];

static void setup(void)
{
	strcpy(repo, "/tmp/vroeg-doctest-check-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(repo));
	ck_assert_int_eq(shell(NULL, 0, "mkdir %s/docs", repo), 0);
}

static void teardown(void)
{
	shell(NULL, 0, "rm -rf %s", repo);
}

/* The runner by an absolute name. */
static const char *doctest_bin(void)
{
	static char path[4096];
	const char *v = getenv("VROEG_DOCTEST") ? getenv("VROEG_DOCTEST") : "build/doctest";
	char cwd[2048] = "";
	if (v[0] != '/')
		ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(path, sizeof path, "%s%s%s", cwd, cwd[0] ? "/" : "", v);
	return path;
}

/* The build directory of the binary under test, absolute. */
static const char *build_dir(void)
{
	static char dir[4096];
	snprintf(dir, sizeof dir, "%s", vroeg_bin());
	char *slash = strrchr(dir, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	return dir;
}

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", repo, rel);
	write_file_text(path, text);
}

static char *get(const char *rel)
{
	char path[256];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", repo, rel);
	return slurp_file(path, &len);
}

/* Runs the runner in the repository with ARGS; its exit status, and what it
 * printed into OUT. */
static int doctest(char *out, size_t size, const char *args)
{
	return shell(out, size, "cd %s && %s --build %s %s", repo, doctest_bin(), build_dir(), args);
}

START_TEST(a_block_whose_output_is_shown_holds)
{
	char version[256], out[8192];
	ck_assert_int_eq(shell(version, sizeof version, "%s --version", vroeg_bin()), 0);
	char md[1024];
	/* build/ is the build directory under test; stderr is shown with stdout,
	 * in the order printed. */
	snprintf(md, sizeof md,
		 "# Title\n\nSome prose.\n\n```sh\nbuild/vroeg --version\necho to-stderr >&2; echo to-stdout\n```\n\n"
		 "```\n%sto-stderr\nto-stdout\n```\n",
		 version);
	put("docs/t.md", md);
	ck_assert_msg(doctest(out, sizeof out, "docs/t.md") == 0, "%s", out);
	ck_assert_msg(strstr(out, "doctest: 1 command blocks in 1 files: 1 hold, 0 do not, 0 not run"), "%s", out);
}
END_TEST

START_TEST(another_output_fails_with_file_line_and_a_unified_diff)
{
	char out[8192];
	put("docs/t.md", "Prose.\n\n```sh\necho one; echo hallo; echo three\n```\n\n```\none\nhello\nthree\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/t.md"), 1);
	ck_assert_msg(strstr(out, "docs/t.md:3: the output differs from the block shown at line 7:\n"), "%s", out);
	ck_assert_msg(strstr(out, "--- docs/t.md:3 (shown in the docs)\n+++ (printed by the commands)\n"), "%s", out);
	ck_assert_msg(strstr(out, " one\n-hello\n+hallo\n three\n"), "%s", out);
	ck_assert_msg(strstr(out, "0 hold, 1 do not"), "%s", out);
}
END_TEST

START_TEST(a_block_without_an_output_block_must_print_nothing)
{
	char out[8192];
	put("docs/t.md", "```sh\ntrue\n```\n\nThen:\n\n```sh\necho surprise\n```\n\nProse, then text:\n\n```\nsurprise\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/t.md"), 1);
	ck_assert_msg(strstr(out, "docs/t.md:7: the block printed output, and the docs show none after it:"), "%s", out);
	ck_assert_msg(strstr(out, "+surprise\n"), "%s", out);
	ck_assert_msg(strstr(out, "1 hold, 1 do not"), "%s", out);
}
END_TEST

START_TEST(the_exit_status_is_zero_or_the_one_marked)
{
	char out[8192];
	put("docs/ok.md", "<!-- exit 3 -->\n```sh\nsh -c 'exit 3'\n```\n\n```sh\ntrue\n```\n");
	ck_assert_msg(doctest(out, sizeof out, "docs/ok.md") == 0, "%s", out);
	put("docs/unmarked.md", "Fails:\n\n```sh\nfalse\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/unmarked.md"), 1);
	ck_assert_msg(strstr(out, "docs/unmarked.md:3: exit status 1, where the docs expect 0"), "%s", out);
	put("docs/wrong.md", "<!-- exit 2 -->\n\n```sh\ntrue\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/wrong.md"), 1);
	ck_assert_msg(strstr(out, "docs/wrong.md:3: exit status 0, where the docs expect 2"), "%s", out);
}
END_TEST

START_TEST(only_a_block_marked_not_run_is_not_run)
{
	char out[8192];
	put("docs/t.md", "<!-- not run: it would fail -->\n```sh\nfalse\n```\n\n```\nnothing\n```\n\n"
			 "<!-- some other comment -->\n```sh\nfalse\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/t.md"), 1);
	ck_assert_msg(strstr(out, "docs/t.md:11: exit status 1"), "%s", out);
	ck_assert_msg(!strstr(out, "docs/t.md:2:"), "%s", out);
	ck_assert_msg(strstr(out, "2 command blocks in 1 files: 0 hold, 1 do not, 1 not run"), "%s", out);
}
END_TEST

START_TEST(tmp_is_a_scratch_directory_shown_as_tmp_with_its_width)
{
	char out[8192], probe[128], md[1024];
	snprintf(probe, sizeof probe, "/tmp/vroeg-doctest-probe-%ld", (long)getpid());
	unlink(probe);
	/* printf pads the path as a table would: the column stays where the docs show it. */
	snprintf(md, sizeof md, "```sh\necho x > %s && ls %s && printf '%%-40s|\\n' %s\n```\n\n```\n%s\n%-40s|\n```\n",
		 probe, probe, probe, probe, probe);
	put("docs/t.md", md);
	ck_assert_msg(doctest(out, sizeof out, "docs/t.md") == 0, "%s", out);
	ck_assert_msg(access(probe, F_OK) != 0, "the block wrote the real %s", probe);
}
END_TEST

/* A program that writes the path it was given with one slash (as vroeg
 * feedback names its --out directory) shows it as the docs do. */
START_TEST(tmp_with_one_slash_is_shown_as_tmp)
{
	char out[8192];
	put("docs/t.md", "```sh\nd=/tmp/dir; echo \"in $(echo $d | tr -s /), $d\"\n```\n\n```\nin /tmp/dir, /tmp/dir\n```\n");
	ck_assert_msg(doctest(out, sizeof out, "docs/t.md") == 0, "%s", out);
}
END_TEST

START_TEST(the_blocks_of_a_file_run_in_order_in_its_own_directory)
{
	char out[8192];
	put("docs/a.md", "```sh\necho one > /tmp/f\n```\n\n```sh\ncat /tmp/f\n```\n\n```\none\n```\n");
	put("docs/b.md", "```sh\ntest -e /tmp/f; echo $?\n```\n\n```\n1\n```\n");
	ck_assert_msg(doctest(out, sizeof out, "docs/a.md docs/b.md") == 0, "%s", out);
	ck_assert_msg(strstr(out, "3 command blocks in 2 files: 3 hold"), "%s", out);
}
END_TEST

START_TEST(only_timestamps_and_today_are_forgiven)
{
	char out[8192];
	put("docs/stamp.md", "```sh\necho recorded 2031-12-24T23:59:59Z\n```\n\n```\nrecorded 2024-06-01T06:00:00Z\n```\n");
	ck_assert_msg(doctest(out, sizeof out, "docs/stamp.md") == 0, "%s", out);
	put("docs/date.md", "```sh\necho due 2031-12-24\n```\n\n```\ndue 2024-06-01\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/date.md"), 1);
	ck_assert_msg(strstr(out, "-due 2024-06-01\n+due 2031-12-24\n"), "%s", out);
	/* Today's date is a day from the clock: any date shown in its place. */
	put("docs/today.md", "```sh\necho \"due by $(date -u +%Y-%m-%d), received 2024-05-01\"\n```\n\n"
			     "```\ndue by 2001-02-03, received 2024-05-01\n```\n");
	ck_assert_msg(doctest(out, sizeof out, "docs/today.md") == 0, "%s", out);
	put("docs/today.md", "```sh\necho \"due by $(date -u +%Y-%m-%d), received 2024-05-01\"\n```\n\n"
			     "```\ndue by 2001-02-03, received 2024-05-02\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/today.md"), 1);
	put("docs/space.md", "```sh\necho 'a  b'\n```\n\n```\na b\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/space.md"), 1);
}
END_TEST

/* `make BUILD=build/asan test` exports BUILD to the runner: a block's own
 * make (the docs' `make install`) must not build into build/asan/asan. */
START_TEST(no_variable_from_a_make_above_reaches_a_block)
{
	char out[8192];
	put("docs/t.md", "```sh\necho \"${BUILD-unset} ${SANITIZE-unset} ${KEEP-unset}\"\n```\n\n```\nunset unset kept\n```\n");
	ck_assert_msg(shell(out, sizeof out,
			    "cd %s && BUILD=build/asan SANITIZE=1 KEEP=kept MAKEFLAGS=' -j2 --jobserver-auth=3,4 -- "
			    "BUILD=build/asan SANITIZE=1' %s --build %s docs/t.md",
			    repo, doctest_bin(), build_dir()) == 0,
		      "%s", out);
}
END_TEST

START_TEST(a_block_cannot_change_the_repository)
{
	char out[8192];
	const char *md = "```sh\necho changed >> docs/t.md && echo changed >> rules/r.vroeg && tail -1 docs/t.md\n```\n\n"
			 "```\nchanged\n```\n";
	ck_assert_int_eq(shell(NULL, 0, "mkdir %s/rules && echo rule > %s/rules/r.vroeg", repo, repo), 0);
	put("docs/t.md", md);
	ck_assert_msg(doctest(out, sizeof out, "docs/t.md") == 0, "%s", out);
	char *after = get("docs/t.md"), *rule = get("rules/r.vroeg");
	ck_assert_str_eq(after, md);
	ck_assert_str_eq(rule, "rule\n");
	free(after);
	free(rule);
}
END_TEST

START_TEST(update_writes_what_was_printed_and_nothing_else)
{
	char out[8192];
	put("docs/t.md", "# T\n\n```sh\necho new\n```\n\n```\nold\n```\n\nProse stays.\n\n"
			 "```sh\necho added\n```\n\nEnd.\n\n- item\n\n  ```sh\n  printf 'a\\n\\nb\\n'\n  ```\n\n  ```\n  x\n  ```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "--update docs/t.md"), 1);
	ck_assert_msg(strstr(out, "3 output blocks rewritten"), "%s", out);
	char *after = get("docs/t.md");
	ck_assert_str_eq(after, "# T\n\n```sh\necho new\n```\n\n```\nnew\n```\n\nProse stays.\n\n"
				"```sh\necho added\n```\n\n```\nadded\n```\n\nEnd.\n\n- item\n\n  ```sh\n  printf 'a\\n\\nb\\n'\n  ```\n\n"
				"  ```\n  a\n\n  b\n  ```\n");
	free(after);
	ck_assert_msg(doctest(out, sizeof out, "docs/t.md") == 0, "%s", out);
}
END_TEST

START_TEST(update_leaves_an_output_that_would_close_its_block)
{
	char out[8192];
	const char *md = "```sh\nprintf 'a\\n```\\n'\n```\n\n```\nx\n```\n";
	put("docs/t.md", md);
	ck_assert_int_eq(doctest(out, sizeof out, "--update docs/t.md"), 1);
	ck_assert_msg(strstr(out, "docs/t.md:1: not rewritten: the output has a line that would close its block"), "%s",
		      out);
	char *after = get("docs/t.md");
	ck_assert_str_eq(after, md);
	free(after);
}
END_TEST

START_TEST(a_block_that_hangs_is_killed)
{
	char out[8192];
	put("docs/t.md", "```sh\nsleep 60\n```\n");
	ck_assert_int_eq(doctest(out, sizeof out, "--timeout 1 docs/t.md"), 1);
	ck_assert_msg(strstr(out, "docs/t.md:1: still running after 1 s: killed"), "%s", out);
}
END_TEST

START_TEST(the_convention_is_kept)
{
	char out[8192];
	put("docs/t.md", "```bash\nfalse\n```\n\n<!-- exit 1 -->\nProse between.\n\n```sh\ntrue\n```\n\n<!-- not run: at the end -->\n");
	ck_assert_int_eq(doctest(out, sizeof out, "docs/t.md"), 1);
	ck_assert_msg(strstr(out, "docs/t.md:1: write ```sh for a command block (it runs) or ``` for text"), "%s", out);
	ck_assert_msg(strstr(out, "docs/t.md:5: a marker that stands before no ```sh block"), "%s", out);
	ck_assert_msg(strstr(out, "docs/t.md:12: a marker that stands before no ```sh block"), "%s", out);
	ck_assert_msg(strstr(out, "3 breaches of the convention"), "%s", out);
}
END_TEST

Suite *doctest_suite(void)
{
	Suite *s = suite_create("doctest");
	TCase *tc = tcase_create("runner");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_block_whose_output_is_shown_holds);
	tcase_add_test(tc, another_output_fails_with_file_line_and_a_unified_diff);
	tcase_add_test(tc, a_block_without_an_output_block_must_print_nothing);
	tcase_add_test(tc, the_exit_status_is_zero_or_the_one_marked);
	tcase_add_test(tc, only_a_block_marked_not_run_is_not_run);
	tcase_add_test(tc, tmp_is_a_scratch_directory_shown_as_tmp_with_its_width);
	tcase_add_test(tc, tmp_with_one_slash_is_shown_as_tmp);
	tcase_add_test(tc, the_blocks_of_a_file_run_in_order_in_its_own_directory);
	tcase_add_test(tc, only_timestamps_and_today_are_forgiven);
	tcase_add_test(tc, no_variable_from_a_make_above_reaches_a_block);
	tcase_add_test(tc, a_block_cannot_change_the_repository);
	tcase_add_test(tc, update_writes_what_was_printed_and_nothing_else);
	tcase_add_test(tc, update_leaves_an_output_that_would_close_its_block);
	tcase_add_test(tc, a_block_that_hangs_is_killed);
	tcase_add_test(tc, the_convention_is_kept);
	suite_add_tcase(s, tc);
	return s;
}
