/* faults.c - the suites' fault injection (contracts in faults.h). The shim
 * VFS wraps every file the default VFS opens; its writes, syncs and
 * truncates pass through a counter, and the armed one (and, persistent,
 * each after it) fails the way the unix VFS reports that failure, with the
 * errno it would have seen (SQLITE_FCNTL_LAST_ERRNO answers it, as unix's
 * does). The allocator counts SQLite's mallocs and reallocs the same way.
 * State is per process: Check runs each test in a process of its own. */
#include "faults.h"

#include <check.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static struct {
	bool installed;
	sqlite3_vfs *real;              /* the VFS the shim wraps */
	sqlite3_mem_methods mem;        /* SQLite's own allocator */
	enum fault_kind kind;
	long countdown;                 /* operations to go; 1 = the next fails */
	bool persistent, fired;
	int last_errno;                 /* of the last injected failure */
	long changes;                   /* writes and truncates that went through */
	long counted;                   /* operations of the armed class since faults_arm */
} F;

/* The operations a fault counts. */
enum op_class { OP_ALLOC, OP_WRITE, OP_SYNC };

/* Whether the next operation of class OP fails. A full disk and a file
 * size limit fail writes; an I/O error fails writes, syncs and truncates. */
static bool fail_now(enum op_class op)
{
	bool counts = false;
	switch (F.kind) {
	case FAULT_NONE: break;
	case FAULT_DISK_FULL: case FAULT_FILE_LIMIT: counts = op == OP_WRITE; break;
	case FAULT_IO: counts = op != OP_ALLOC; break;
	case FAULT_ALLOC: counts = op == OP_ALLOC; break;
	}
	if (!counts)
		return false;
	F.counted++;
	if (F.fired && F.persistent)
		return true;
	if (F.countdown <= 0 || --F.countdown > 0)
		return false;
	F.fired = true;
	return true;
}

/* ------------------------------------------------------------- memory -- */

static void *fault_malloc(int n)
{
	return fail_now(OP_ALLOC) ? NULL : F.mem.xMalloc(n);
}

static void *fault_realloc(void *p, int n)
{
	return fail_now(OP_ALLOC) ? NULL : F.mem.xRealloc(p, n);
}

/* ---------------------------------------------------------------- VFS -- */

typedef struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;             /* follows this struct */
} shim_file;

static sqlite3_file *real_file(sqlite3_file *f)
{
	return ((shim_file *)f)->real;
}

/* The failure of a write as the unix VFS reports it. */
static int write_failure(void)
{
	switch (F.kind) {
	case FAULT_DISK_FULL:
		F.last_errno = ENOSPC;
		return SQLITE_FULL;
	case FAULT_FILE_LIMIT:
		F.last_errno = EFBIG;
		return SQLITE_IOERR_WRITE;
	case FAULT_IO: case FAULT_NONE: case FAULT_ALLOC:
		break;
	}
	F.last_errno = EIO;
	return SQLITE_IOERR_WRITE;
}

static int shim_close(sqlite3_file *f)
{
	return real_file(f)->pMethods->xClose(real_file(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return real_file(f)->pMethods->xRead(real_file(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fail_now(OP_WRITE))
		return write_failure();
	F.changes++;
	return real_file(f)->pMethods->xWrite(real_file(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fail_now(OP_SYNC)) {
		F.last_errno = EIO;
		return SQLITE_IOERR_TRUNCATE;
	}
	F.changes++;
	return real_file(f)->pMethods->xTruncate(real_file(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
	if (fail_now(OP_SYNC)) {
		F.last_errno = EIO;
		return SQLITE_IOERR_FSYNC;
	}
	/* Not passed on: what is tested is what vroeg and SQLite do when a
	 * sync fails, not the disk; thousands of real syncs would only make
	 * the suite slow. */
	return SQLITE_OK;
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return real_file(f)->pMethods->xFileSize(real_file(f), size);
}

static int shim_lock(sqlite3_file *f, int level)
{
	return real_file(f)->pMethods->xLock(real_file(f), level);
}

static int shim_unlock(sqlite3_file *f, int level)
{
	return real_file(f)->pMethods->xUnlock(real_file(f), level);
}

static int shim_check_reserved(sqlite3_file *f, int *out)
{
	return real_file(f)->pMethods->xCheckReservedLock(real_file(f), out);
}

static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
	if (op == SQLITE_FCNTL_LAST_ERRNO && F.fired) {
		*(int *)arg = F.last_errno;
		return SQLITE_OK;
	}
	return real_file(f)->pMethods->xFileControl(real_file(f), op, arg);
}

static int shim_sector_size(sqlite3_file *f)
{
	return real_file(f)->pMethods->xSectorSize(real_file(f));
}

static int shim_device_characteristics(sqlite3_file *f)
{
	return real_file(f)->pMethods->xDeviceCharacteristics(real_file(f));
}

static int shim_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
	return real_file(f)->pMethods->xShmMap(real_file(f), page, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return real_file(f)->pMethods->xShmLock(real_file(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
	real_file(f)->pMethods->xShmBarrier(real_file(f));
}

static int shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return real_file(f)->pMethods->xShmUnmap(real_file(f), delete_flag);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return real_file(f)->pMethods->xFetch(real_file(f), off, n, out);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return real_file(f)->pMethods->xUnfetch(real_file(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
	3, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_file_size,
	shim_lock, shim_unlock, shim_check_reserved, shim_file_control, shim_sector_size,
	shim_device_characteristics, shim_shm_map, shim_shm_lock, shim_shm_barrier,
	shim_shm_unmap, shim_fetch, shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	shim_file *s = (shim_file *)f;
	s->real = (sqlite3_file *)(s + 1);
	s->base.pMethods = NULL;
	const int rc = F.real->xOpen(F.real, name, s->real, flags, out_flags);
	if (rc == SQLITE_OK) {
		ck_assert_int_ge(s->real->pMethods->iVersion, 3);
		s->base.pMethods = &shim_methods;
	}
	return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	return F.real->xDelete(F.real, name, 0);   /* no sync, as shim_sync */
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return F.real->xAccess(F.real, name, flags, out);
}

static int shim_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return F.real->xFullPathname(F.real, name, n, out);
}

static void *shim_dlopen(sqlite3_vfs *vfs, const char *name)
{
	return F.real->xDlOpen(F.real, name);
}

static void shim_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	F.real->xDlError(F.real, n, out);
}

static void (*shim_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	return F.real->xDlSym(F.real, h, sym);
}

static void shim_dlclose(sqlite3_vfs *vfs, void *h)
{
	F.real->xDlClose(F.real, h);
}

static int shim_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return F.real->xRandomness(F.real, n, out);
}

static int shim_sleep(sqlite3_vfs *vfs, int us)
{
	return F.real->xSleep(F.real, us);
}

static int shim_current_time(sqlite3_vfs *vfs, double *out)
{
	return F.real->xCurrentTime(F.real, out);
}

static int shim_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return F.fired ? F.last_errno : F.real->xGetLastError(F.real, n, out);
}

static int shim_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return F.real->xCurrentTimeInt64(F.real, out);
}

static sqlite3_vfs shim_vfs = {
	.iVersion = 2, .zName = "vroeg-faults",
	.xOpen = shim_open, .xDelete = shim_delete, .xAccess = shim_access,
	.xFullPathname = shim_full_pathname, .xDlOpen = shim_dlopen, .xDlError = shim_dlerror,
	.xDlSym = shim_dlsym, .xDlClose = shim_dlclose, .xRandomness = shim_randomness,
	.xSleep = shim_sleep, .xCurrentTime = shim_current_time, .xGetLastError = shim_last_error,
	.xCurrentTimeInt64 = shim_current_time64,
};

void faults_install(void)
{
	if (F.installed)
		return;
	ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
	ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &F.mem), SQLITE_OK);
	sqlite3_mem_methods counting = F.mem;
	counting.xMalloc = fault_malloc;
	counting.xRealloc = fault_realloc;
	ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_MALLOC, &counting), SQLITE_OK);
	ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
	F.real = sqlite3_vfs_find(NULL);
	ck_assert_ptr_nonnull(F.real);
	shim_vfs.mxPathname = F.real->mxPathname;
	shim_vfs.szOsFile = (int)sizeof(shim_file) + F.real->szOsFile;
	ck_assert_int_eq(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
	F.installed = true;
}

void faults_arm(enum fault_kind kind, long n, bool persistent)
{
	F.kind = n > 0 ? kind : FAULT_NONE;
	F.countdown = n;
	F.persistent = persistent;
	F.fired = false;
	F.last_errno = 0;
	F.changes = 0;
	F.counted = 0;
}

bool faults_fired(void)
{
	return F.fired;
}

long faults_counted(void)
{
	return F.counted;
}

/* ---------------------------------------------------------------- dump -- */

typedef struct lines {
	char **v;
	size_t n, cap;
} lines;

static void push(lines *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		ck_assert_ptr_nonnull(l->v);
	}
	l->v[l->n++] = s;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool clock_column(const char *name)
{
	return strcmp(name, "started") == 0 || strcmp(name, "finished") == 0 || strcmp(name, "imported") == 0 ||
	       strcmp(name, "written") == 0;
}

char *faults_dump(const char *path)
{
	const enum fault_kind kind = F.kind;
	F.kind = FAULT_NONE;    /* the dump itself must not fail */
	sqlite3 *db;
	const char *vfs = F.real ? F.real->zName : NULL;
	/* Read-write, as the next vroeg that writes opens it: a transaction
	 * whose rollback a persistent fault stopped (a hot journal) is rolled
	 * back now, as SQLite promises. */
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, vfs), SQLITE_OK);
	lines l = { 0 };
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK, "%s: %s", path,
		      sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_msg(strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0, "integrity_check: %s",
		      sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
					    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", table);
		sqlite3_stmt *rows;
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &rows, NULL), SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			char *line = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&line, &len);
			fprintf(f, "%s:", table);
			for (int c = 0; c < sqlite3_column_count(rows); c++) {
				if (clock_column(sqlite3_column_name(rows, c)))
					continue;
				const unsigned char *v = sqlite3_column_text(rows, c);
				fprintf(f, "|%s", v ? (const char *)v : "NULL");
			}
			fclose(f);
			push(&l, line);
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(st);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	char version[64];
	snprintf(version, sizeof version, "~user_version %d", sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	push(&l, strdup(version));
	qsort(l.v, l.n, sizeof *l.v, by_text);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	for (size_t i = 0; i < l.n; i++) {
		fprintf(f, "%s\n", l.v[i]);
		free(l.v[i]);
	}
	fclose(f);
	free(l.v);
	F.kind = kind;
	return out;
}

/* ---------------------------------------------------------------- driver -- */

static void restore(const char *bytes, size_t len, const char *path)
{
	char p[512];
	const char *const suffix[] = { "-wal", "-shm", "-journal" };
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The first line of TEXT that differs from OTHER, for a failure message. */
static const char *first_difference(const char *text, const char *other)
{
	while (*text && *text == *other) {
		text++;
		other++;
	}
	return text;
}

fault_report faults_every_point(const fault_case *c)
{
	faults_install();
	fault_report r = { 0, 0 };
	size_t len;
	char *bytes = slurp_file(c->pristine, &len);
	bool changed = true;
	for (long n = 1;; n++) {
		ck_assert_msg(n < 100000, "the operation never got past its faults");
		/* A run that wrote nothing left the file as it was (every change
		 * to a file goes through the shim's writes and truncates), so
		 * neither a copy nor a dump is needed: most allocation faults
		 * strike while the store is opened. */
		if (changed)
			restore(bytes, len, c->path);
		char *messages = NULL;
		size_t messages_len = 0;
		FILE *out = open_memstream(&messages, &messages_len);
		diag d;
		diag_init(&d, out);
		faults_arm(c->kind, n, c->persistent);
		const int rc = c->op(c->path, c->arg, &d);
		const bool fired = faults_fired();
		changed = F.changes > 0;
		faults_arm(FAULT_NONE, 0, false);
		fclose(out);
		char *now = changed ? faults_dump(c->path) : strdup(c->before);
		const bool as_after = strcmp(now, c->after) == 0;
		r.runs++;
		if (rc == 0) {
			ck_assert_msg(as_after, "fault %d at %ld: exit 0 but the store is not as after:\n%s",
				      c->kind, n, first_difference(now, c->after));
		} else {
			r.failed++;
			ck_assert_msg(fired, "fault %d at %ld: exit %d without the fault: %s", c->kind, n, rc, messages);
			ck_assert_msg(rc == c->exit_code, "fault %d at %ld: exit %d, not %d: %s", c->kind, n, rc,
				      c->exit_code, messages);
			ck_assert_msg(strstr(messages, c->words), "fault %d at %ld: no \"%s\" in: %s", c->kind, n,
				      c->words, messages);
			if (c->after_words && as_after)
				ck_assert_msg(strstr(messages, c->after_words), "fault %d at %ld: the store is as after, "
					      "but no \"%s\" in: %s", c->kind, n, c->after_words, messages);
			else
				ck_assert_msg(strcmp(now, c->before) == 0, "fault %d at %ld (%s): the store changed:\n%s",
					      c->kind, n, messages, first_difference(now, c->before));
		}
		free(now);
		free(messages);
		if (!fired || (c->stop_at_commit && as_after))
			break;
	}
	free(bytes);
	return r;
}
