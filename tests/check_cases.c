/* check_cases.c - the data-driven cases: for every tests/cases/NAME.vroeg,
 * `vroeg lint tests/cases/NAME.vroeg` must write to stderr exactly what
 * tests/cases/NAME.expected holds up to its last line, and that last line is
 * `exit N` with the command's exit status. Adding a case is adding those two
 * files. The binary is $VROEG (the Makefile sets it), else build/vroeg; the
 * tests run from the top of the repository. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CASES_DIR "tests/cases"
enum { MAX_CASES = 512, MAX_NAME = 200 };

/* Collected once when the suite is built; each loop test reads one entry. */
static char case_names[MAX_CASES][MAX_NAME];
static int ncases;

extern char **environ;

static const char *vroeg_binary(void)
{
	const char *v = getenv("VROEG");
	return v && *v ? v : "build/vroeg";
}

static int by_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	const size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

static void collect_cases(void)
{
	ncases = 0;
	DIR *dir = opendir(CASES_DIR);
	if (!dir)
		return;
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL && ncases < MAX_CASES) {
		if (!has_suffix(ent->d_name, ".vroeg") || strlen(ent->d_name) >= MAX_NAME)
			continue;
		snprintf(case_names[ncases], MAX_NAME, "%.*s", (int)(strlen(ent->d_name) - 6), ent->d_name);
		ncases++;
	}
	closedir(dir);
	qsort(case_names, (size_t)ncases, sizeof case_names[0], by_name);
}

/* The whole file at PATH, NUL-terminated, or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, got, out);
	fclose(f);
	fclose(out);
	return buf;
}

/* Runs `vroeg lint PATH`; returns its stderr followed by "exit N\n". */
static char *run_lint(const char *path)
{
	int pipefd[2];
	ck_assert_int_eq(pipe(pipefd), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	char *const argv[] = { (char *)vroeg_binary(), "lint", (char *)path, NULL };
	pid_t pid;
	const int rc = posix_spawn(&pid, vroeg_binary(), &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	ck_assert_msg(rc == 0, "cannot run %s: %s (set VROEG to the vroeg binary)", vroeg_binary(), strerror(rc));

	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	char chunk[4096];
	ssize_t got;
	while ((got = read(pipefd[0], chunk, sizeof chunk)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		ck_assert_int_gt(got, 0);
		fwrite(chunk, 1, (size_t)got, out);
	}
	close(pipefd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	if (WIFEXITED(status))
		fprintf(out, "exit %d\n", WEXITSTATUS(status));
	else
		fprintf(out, "killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
	fclose(out);
	return buf;
}

/* Line number (from 1) of the first line where A and B differ. */
static int first_difference(const char *a, const char *b)
{
	int line = 1;
	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

START_TEST(each_case_lints_exactly_as_expected)
{
	const char *name = case_names[_i];
	char path[512], expected_path[512];
	snprintf(path, sizeof path, "%s/%s.vroeg", CASES_DIR, name);
	snprintf(expected_path, sizeof expected_path, "%s/%s.expected", CASES_DIR, name);
	char *expected = slurp(expected_path);
	ck_assert_msg(expected != NULL, "%s has no %s", path, expected_path);
	char *actual = run_lint(path);
	if (strcmp(expected, actual) != 0) {
		fprintf(stderr, "\n=== case %s: output differs from line %d\n--- expected (%s)\n%s--- actual (vroeg lint %s)\n%s---\n",
			name, first_difference(expected, actual), expected_path, expected, path, actual);
	}
	const bool same = strcmp(expected, actual) == 0;
	free(expected);
	free(actual);
	ck_assert_msg(same, "case %s: vroeg lint output differs (both printed above)", name);
}
END_TEST

START_TEST(there_are_cases_and_each_has_its_expected_output)
{
	ck_assert_msg(ncases >= 20, "only %d cases in %s", ncases, CASES_DIR);
	DIR *dir = opendir(CASES_DIR);
	ck_assert_ptr_nonnull(dir);
	struct dirent *ent;
	while ((ent = readdir(dir)) != NULL) {
		if (!has_suffix(ent->d_name, ".expected"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%.*s.vroeg", CASES_DIR, (int)(strlen(ent->d_name) - 9), ent->d_name);
		ck_assert_msg(access(path, R_OK) == 0, "%s/%s has no rule file %s", CASES_DIR, ent->d_name, path);
	}
	closedir(dir);
}
END_TEST

START_TEST(every_expected_output_ends_with_the_exit_status)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.expected", CASES_DIR, case_names[_i]);
	char *expected = slurp(path);
	ck_assert_msg(expected != NULL, "no %s", path);
	const size_t len = strlen(expected);
	ck_assert_msg(len > 0 && expected[len - 1] == '\n', "%s does not end with a newline", path);
	const char *last = expected + len - 1;
	while (last > expected && last[-1] != '\n')
		last--;
	int status = -1;
	char rest = 0;
	ck_assert_msg(sscanf(last, "exit %d%c", &status, &rest) == 2 && rest == '\n' &&
		      (status == 0 || status == 1 || status == 2),
		      "%s: the last line must be `exit 0`, `exit 1` or `exit 2`, not: %s", path, last);
	free(expected);
}
END_TEST

Suite *cases_suite(void)
{
	collect_cases();
	Suite *s = suite_create("cases");
	TCase *tc = tcase_create("lint");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, there_are_cases_and_each_has_its_expected_output);
	tcase_add_loop_test(tc, every_expected_output_ends_with_the_exit_status, 0, ncases);
	tcase_add_loop_test(tc, each_case_lints_exactly_as_expected, 0, ncases);
	suite_add_tcase(s, tc);
	return s;
}
