/* check_store_pages.c - the page cache memory an import reserves
 * (store_pages_for_import): where the kernel offers huge pages, an import
 * takes its pages from it and stores what it would have; once released,
 * SQLite forgets it and works on as before; too late (SQLite started) or
 * too small a file, nothing is reserved; released with a store still open,
 * the memory stays and the store goes on working. Each test runs in a
 * process of its own (Check forks), as a command does. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "support.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-pages-XXXXXX");
	temp_store(dir, path, sizeof path);
}

static void teardown(void)
{
	temp_store_remove(dir, path);
}

/* What the kernel says of transparent huge pages, read here on its own. */
static bool huge_pages_offered(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return false;
	char line[128] = "";
	const bool read = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	return read && (strstr(line, "[always]") || strstr(line, "[madvise]"));
}

enum { ROWS = 3000 };

/* A signals file of ROWS rows, one household each, over two months. */
static FILE *signals_file(void)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	fputs("signal_id,received,household,creditor,sector,arrears\n", f);
	for (int i = 0; i < ROWS; i++)
		fprintf(f, "S%06d,2024-0%d-%02d,H%06d,Vesteda,rent,%d.%02d\n", i, 5 + i % 2, 1 + i % 28,
			(i * 7919) % 100000, 100 + i, i % 100);
	rewind(f);
	return f;
}

static void import_signals(store *s)
{
	capture c;
	capture_start(&c);
	FILE *in = signals_file();
	store_import_counts n;
	ck_assert_int_eq(store_import_signals(s, in, "s.csv", &c.d, &n), STORE_OK);
	fclose(in);
	ck_assert_int_eq(n.added, ROWS);
	capture_end(&c);
}

static long stored_signals(void)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM signals", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	return n;
}

/* Pages SQLite holds in the reserved memory now, and at most so far. */
static sqlite3_int64 reserved_pages_used(sqlite3_int64 *highest)
{
	sqlite3_int64 now = 0;
	ck_assert_int_eq(sqlite3_status64(SQLITE_STATUS_PAGECACHE_USED, &now, highest, 0), SQLITE_OK);
	return now;
}

START_TEST(an_import_takes_its_pages_from_the_reserved_memory)
{
	store_pages *p = store_pages_for_import(-1);
	if (!huge_pages_offered()) {
		ck_assert_ptr_null(p);
		return;
	}
	ck_assert_ptr_nonnull(p);
	capture c;
	capture_start(&c);
	store *s = store_open(path, 1000, &c.d);
	ck_assert_ptr_nonnull(s);
	import_signals(s);
	sqlite3_int64 highest = 0;
	ck_assert_int_gt(reserved_pages_used(&highest), 0);
	store_close(s);
	ck_assert_int_eq(reserved_pages_used(&highest), 0);
	store_pages_release(p);
	/* Released: SQLite starts again on its own memory (none of the pages
	 * it reads now comes from the reserve), and finds every row the
	 * import stored. */
	sqlite3_int64 now = 0;
	ck_assert_int_eq(sqlite3_status64(SQLITE_STATUS_PAGECACHE_USED, &now, &highest, 1), SQLITE_OK);
	ck_assert_int_eq(stored_signals(), ROWS);
	ck_assert_int_eq(reserved_pages_used(&highest), 0);
	ck_assert_int_eq(highest, 0);
	capture_end(&c);
}
END_TEST

START_TEST(once_sqlite_has_started_nothing_is_reserved)
{
	ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
	ck_assert_ptr_null(store_pages_for_import(-1));
	capture c;
	capture_start(&c);
	store *s = store_open(path, 1000, &c.d);
	ck_assert_ptr_nonnull(s);
	import_signals(s);
	store_close(s);
	ck_assert_int_eq(stored_signals(), ROWS);
	capture_end(&c);
}
END_TEST

START_TEST(a_small_file_reserves_nothing)
{
	ck_assert_ptr_null(store_pages_for_import(0));
	ck_assert_ptr_null(store_pages_for_import(1 << 20));
	/* Nothing reserved has not started SQLite: a larger file still can. */
	store_pages *p = store_pages_for_import(100LL << 20);
	ck_assert(huge_pages_offered() ? p != NULL : p == NULL);
	store_pages_release(p);
}
END_TEST

START_TEST(released_with_a_store_open_the_memory_stays)
{
	store_pages *p = store_pages_for_import(-1);
	if (!p) {
		ck_assert(!huge_pages_offered());
		return;
	}
	capture c;
	capture_start(&c);
	store *s = store_open(path, 1000, &c.d);
	ck_assert_ptr_nonnull(s);
	import_signals(s);
	store_pages_release(p);
	/* Still the store's: the pages it holds are where they were. */
	sqlite3_int64 highest = 0;
	ck_assert_int_gt(reserved_pages_used(&highest), 0);
	store_import_counts n;
	FILE *in = signals_file();
	ck_assert_int_eq(store_import_signals(s, in, "s.csv", &c.d, &n), STORE_OK);
	fclose(in);
	ck_assert_int_eq(n.identical, ROWS);
	store_close(s);
	ck_assert_int_eq(stored_signals(), ROWS);
	capture_end(&c);
}
END_TEST

Suite *store_pages_suite(void)
{
	Suite *s = suite_create("store_pages");
	TCase *tc = tcase_create("store_pages");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, an_import_takes_its_pages_from_the_reserved_memory);
	tcase_add_test(tc, once_sqlite_has_started_nothing_is_reserved);
	tcase_add_test(tc, a_small_file_reserves_nothing);
	tcase_add_test(tc, released_with_a_store_open_the_memory_stays);
	suite_add_tcase(s, tc);
	return s;
}
