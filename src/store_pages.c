/* store_pages.c - memory for SQLite's page cache, in huge pages, while an
 * import runs (store.h: store_pages_for_import).
 *
 * An import into a new store fills its 128 MiB page cache with new pages
 * before the commit writes them. Taken from malloc, each 4 KiB of that is
 * a page fault the first time it is touched: some 37,000 for the national
 * file, a sixth of the import's time on a virtual machine, where a fault is
 * dear. The same memory in 2 MiB transparent huge pages costs about 70
 * (bench/README.md, session 7). SQLite takes such memory only for the whole
 * process and only before it starts (SQLITE_CONFIG_PAGECACHE), so this is
 * for a command that imports, around its store's whole life. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS and madvise, beyond POSIX */

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "schema.h"

struct store_pages {
	void *map;
	size_t len;
};

#define HUGE_PAGE ((size_t)2 << 20)
#define IMPORT_CACHE_BYTES ((long long)SCHEMA_IMPORT_CACHE_KIB * 1024)

/* A store holds about 1.6 times the CSV it was imported from (152 MB for
 * the national file's 96 MB), and a new store's cache is never fuller than
 * the store. Into a store that holds more already, the pages beyond the
 * reserve come from malloc, as they did before. */
#define STORE_PER_CSV 2

/* Below this the faults spared are not worth reserving for (and the
 * reservation is touched whole when SQLite takes it, used or not). */
#define PAGES_MIN_BYTES ((long long)8 << 20)

/* Free slots SQLite keeps in hand: with fewer it starts recycling pages
 * early (pcache1's memory pressure), so the cache gets these on top. */
enum { SLOTS_SPARE = 32 };

/* Whether the kernel gives huge pages to memory that asks (madvise) or to
 * all memory (always); with "never", or without the file, reserving would
 * only touch memory sooner. */
static bool huge_pages_offered(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return false;
	char line[128];
	const bool read = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	return read && (strstr(line, "[always]") || strstr(line, "[madvise]"));
}

store_pages *store_pages_for_import(long long input_bytes)
{
	long long want = IMPORT_CACHE_BYTES;
	if (input_bytes >= 0 && input_bytes < IMPORT_CACHE_BYTES / STORE_PER_CSV)
		want = input_bytes * STORE_PER_CSV;
	if (want < PAGES_MIN_BYTES || !huge_pages_offered())
		return NULL;
	int header = 0;
	if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &header) != SQLITE_OK)
		return NULL;  /* SQLite has started: too late for this process */
	const size_t slot = ((size_t)SCHEMA_PAGE_SIZE + (size_t)header + 7) & ~(size_t)7;
	const size_t slots = (size_t)want / slot + SLOTS_SPARE;
	/* One huge page more than needed, to start on a huge page boundary. */
	const size_t len = slots * slot + HUGE_PAGE;
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	char *start = (char *)(((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	store_pages *p = malloc(sizeof *p);
	if (!p || madvise(start, slots * slot, MADV_HUGEPAGE) != 0 ||
	    sqlite3_config(SQLITE_CONFIG_PAGECACHE, start, (int)slot, (int)slots) != SQLITE_OK) {
		free(p);
		munmap(map, len);
		return NULL;
	}
	*p = (store_pages){ .map = map, .len = len };
	return p;
}

void store_pages_release(store_pages *p)
{
	if (!p)
		return;
	sqlite3_int64 used = 0, highest = 0;
	/* A page still in use means a store still open: then the memory stays
	 * with SQLite until the process ends, rather than vanish under it. */
	if (sqlite3_status64(SQLITE_STATUS_PAGECACHE_USED, &used, &highest, 0) == SQLITE_OK && used == 0) {
		sqlite3_shutdown();
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
		munmap(p->map, p->len);
	}
	free(p);
}
