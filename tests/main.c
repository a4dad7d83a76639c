/* main.c - the test runner: every Check suite in one run. Suites are listed by
 * the build (suites.inc), one per tests/check_NAME.c. */
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name##_suite(void);
#include "tests/suites.inc"
#undef SUITE

int main(void)
{
	SRunner *runner = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(runner, name##_suite());
#include "tests/suites.inc"
#undef SUITE
	srunner_run_all(runner, CK_NORMAL);
	const int failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
