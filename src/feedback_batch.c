/* feedback_batch.c - `vroeg feedback`'s batch (contracts in feedback.h): the
 * feedback due and not yet given gathered from the store, one CSV file per
 * creditor written to a hidden temporary name and synced, the batch
 * recorded in one transaction, then each file given its name; an
 * interrupted batch finished by the next call; a batch written again.
 *
 * Why this order. The record is the truth: a file can always be written
 * again from it, byte for byte, while a file without a record would be
 * feedback given that the next call gives again. So the files are complete
 * and on disk (temporary names, synced, and the directory synced) before
 * the record is committed, and take their names only after. Killed before
 * the commit: hidden leftovers of a batch the store does not know, which
 * the next call into the directory removes. Killed after it: hidden
 * complete files of the latest batch, which the next call writes again
 * from the record and puts in place (a hidden name that already is the
 * file in place, killed between link and unlink, is only removed). A name
 * is never taken over: link(2) gives a file its name only while no file
 * has it.
 *
 * Temporary names are ".NAME.part", fixed rather than random, so that the
 * next call can find them; one call at a time holds the store's write lock
 * for the whole of its work, so no two calls of one store write them at
 * once. (Two stores writing into one directory is not supported.)
 * outfile.h does not serve here: it replaces a file by renaming over it,
 * under a random temporary name, with the umask's mode; feedback must never
 * take an existing name, must find its temporary files again after a kill,
 * and is for the creditor's eyes only (0600). */
/* realpath is XSI: the build's _POSIX_C_SOURCE alone does not declare it. */
#define _XOPEN_SOURCE 700

#include "feedback.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "csvout.h"

/* One signal's feedback in a file. */
typedef struct row {
	const char *signal_id, *creditor;
	vr_date received, date;
	uint8_t code;
	long long run_id;
	size_t file;                   /* index in the batch's files */
} row;

/* A file with its rows: rows[first .. first + file.rows). */
typedef struct file_rows {
	feedback_file file;
	size_t first;
} file_rows;

/* What one call gathers. */
typedef struct batch {
	arena *mem;                    /* the strings; handed to the result */
	row *rows;
	size_t n, cap;
	file_rows *files;
	size_t nfiles, files_cap;
	bool oom;
} batch;

static void batch_free(batch *b)
{
	free(b->rows);
	free(b->files);
	if (b->mem) {
		arena_free(b->mem);
		free(b->mem);
	}
	*b = (batch){ 0 };
}

void feedback_result_free(feedback_result *r)
{
	free(r->files);
	if (r->mem) {
		arena_free(r->mem);
		free(r->mem);
	}
	*r = (feedback_result){ 0 };
}

static const char *keep(batch *b, const char *s)
{
	return arena_strndup(b->mem, s, strlen(s));
}

static row *add_row(batch *b)
{
	if (b->n == b->cap) {
		const size_t cap = b->cap ? b->cap * 2 : 256;
		row *v = realloc(b->rows, cap * sizeof *v);
		if (!v) {
			b->oom = true;
			return NULL;
		}
		b->rows = v;
		b->cap = cap;
	}
	return &b->rows[b->n++];
}

/* The file of the rows from FIRST on, named for their creditor. */
static file_rows *add_file(batch *b, long long id, const char *creditor, size_t first)
{
	if (b->nfiles == b->files_cap) {
		const size_t cap = b->files_cap ? b->files_cap * 2 : 16;
		file_rows *v = realloc(b->files, cap * sizeof *v);
		if (!v) {
			b->oom = true;
			return NULL;
		}
		b->files = v;
		b->files_cap = cap;
	}
	file_rows *f = &b->files[b->nfiles++];
	*f = (file_rows){ .file = { .creditor = creditor }, .first = first };
	feedback_file_name(id, creditor, f->file.name);
	return f;
}

/* ------------------------------------------------------------- paths -- */

/* "DIR/NAME", or with PART "DIR/.NAME.part"; malloc'ed (NULL: no memory). */
static char *path_in(const char *dir, const char *name, bool part)
{
	const size_t len = strlen(dir) + strlen(name) + 8;
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s/%s%s%s", dir, part ? "." : "", name, part ? ".part" : "");
	return p;
}

/* DIR as an absolute name, when it is a directory; malloc'ed, or NULL
 * after saying why. */
static char *absolute_dir(const char *dir, diag *d)
{
	char *abs = realpath(dir, NULL);
	struct stat st;
	if (!abs) {
		diag_error(d, "cannot write feedback into %s: %s", dir,
			   errno == ENOENT ? "no such directory (create it first)" : strerror(errno));
		return NULL;
	}
	if (stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
		diag_error(d, "cannot write feedback into %s: it is not a directory", dir);
		free(abs);
		return NULL;
	}
	return abs;
}

/* Makes the names given in DIR durable; a directory that cannot be synced
 * (some file systems) still holds them. */
static void sync_dir(const char *dir)
{
	const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* ------------------------------------------------------------- files -- */

/* The CSV of N rows: the contract's header, then one line a row. */
static bool write_csv(FILE *f, const row *rows, size_t n, bool dutch)
{
	csvout *w = malloc(sizeof *w);
	if (!w) {
		errno = ENOMEM;
		return false;
	}
	csvout_init(w, f);
	if (dutch)
		csvout_set_separator(w, ';');
	static const char *const header[] = { "signal_id", "received", "code", "meaning", "date" };
	for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
		csvout_text(w, header[i]);
	csvout_end_row(w);
	for (size_t i = 0; i < n; i++) {
		char received[11], date[11];
		vr_date_format(rows[i].received, received);
		vr_date_format(rows[i].date, date);
		csvout_text(w, rows[i].signal_id);
		csvout_text(w, received);
		csvout_int(w, rows[i].code);
		csvout_text_repeated(w, vr_feedback_meaning_nl[rows[i].code]);
		csvout_text(w, date);
		csvout_end_row(w);
	}
	const bool ok = csvout_flush(w);
	free(w);
	return ok;
}

/* Writes the N rows of file NAME to its temporary file in DIR, made anew
 * (mode 0600: it holds what creditors may know of their signals, no one
 * else), then synced and closed. A temporary file left by an earlier call
 * that was interrupted is replaced. False after saying why. */
static bool write_temp(const char *dir, const char *name, const row *rows, size_t n, bool dutch, diag *d)
{
	char *part = path_in(dir, name, true);
	if (!part) {
		diag_error(d, "out of memory");
		return false;
	}
	int err = 0;
	if (unlink(part) != 0 && errno != ENOENT)
		err = errno;
	const int fd = err ? -1 : open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (!err && fd < 0)
		err = errno;
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (fd >= 0 && !f) {
		err = errno;
		close(fd);
	}
	if (f) {
		errno = 0;
		bool ok = write_csv(f, rows, n, dutch) && fflush(f) == 0;
		if (!ok)
			err = errno ? errno : EIO;
		if (ok && fsync(fileno(f)) != 0) {
			ok = false;
			err = errno;
		}
		if (fclose(f) != 0 && ok)
			err = errno ? errno : EIO;
	}
	if (err) {
		if (fd >= 0)
			unlink(part);
		diag_error(d, "cannot write %s/%s: %s", dir, name, strerror(err));
	}
	free(part);
	return err == 0;
}

/* Removes the temporary file of NAME in DIR. */
static void remove_temp(const char *dir, const char *name)
{
	char *part = path_in(dir, name, true);
	if (part)
		unlink(part);
	free(part);
}

/* Gives the temporary file of NAME in DIR its name, never over an existing
 * file. False after saying why (the temporary file stays). */
static bool place(const char *dir, const char *name, diag *d)
{
	char *part = path_in(dir, name, true), *final = path_in(dir, name, false);
	bool ok = part && final;
	int err = ok ? 0 : ENOMEM;
	if (ok && link(part, final) != 0) {
		err = errno;
		/* A file system without hard links: take the name when it is
		 * free (a file made in the instant between is the one risk). */
		struct stat st;
		if ((err == EPERM || err == ENOTSUP || err == ENOSYS || err == EMLINK) && lstat(final, &st) != 0 &&
		    errno == ENOENT)
			err = rename(part, final) == 0 ? 0 : errno;
		ok = err == 0;
	} else if (ok) {
		unlink(part);
	}
	if (!ok)
		diag_error(d, "cannot give %s/%s its name: %s", dir, name,
			   err == EEXIST ? "a file of that name exists" : strerror(err));
	free(part);
	free(final);
	return ok;
}

/* Whether NAME (a directory entry) is the temporary file of a batch's
 * file; *BATCH gets its number. */
static bool temp_of_batch(const char *name, long long *number)
{
	const size_t len = strlen(name);
	if (name[0] != '.' || len < 12 || strcmp(name + len - 9, ".csv.part") != 0)
		return false;
	char *end;
	errno = 0;
	const long long n = strtoll(name + 1, &end, 10);
	if (end == name + 1 || *end != '-' || name[1] < '0' || name[1] > '9' || errno)
		return false;
	*number = n;
	return true;
}

/* Removes from DIR the temporary files of batches after LATEST: written by
 * a call that was interrupted before it recorded them. Only regular
 * files: anything else of such a name is left alone (and writing over it
 * fails, with a message). */
static void remove_leftovers(const char *dir, long long latest)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	const struct dirent *e;
	while ((e = readdir(dp))) {
		long long n;
		struct stat st;
		if (!temp_of_batch(e->d_name, &n) || n <= latest)
			continue;
		char *p = path_in(dir, e->d_name, false);
		if (p && lstat(p, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p);
		free(p);
	}
	closedir(dp);
}

/* Whether DIR holds a temporary file of batch ID. */
static bool has_temps(const char *dir, long long id)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return false;
	bool found = false;
	const struct dirent *e;
	while (!found && (e = readdir(dp))) {
		long long n;
		found = temp_of_batch(e->d_name, &n) && n == id;
	}
	closedir(dp);
	return found;
}

/* ------------------------------------------------- a recorded batch -- */

/* Collects the rows of a recorded batch, by file (store_feedback_given). */
static void take_given(const store_given *g, void *arg)
{
	batch *b = arg;
	const bool same_file = b->nfiles && strcmp(b->files[b->nfiles - 1].file.name, g->file) == 0;
	if (!same_file) {
		if (strlen(g->file) >= FEEDBACK_NAME_MAX) {
			b->oom = true;       /* not a name this program writes: said by the caller */
			return;
		}
		if (b->nfiles == b->files_cap) {
			const size_t cap = b->files_cap ? b->files_cap * 2 : 16;
			file_rows *v = realloc(b->files, cap * sizeof *v);
			if (!v) {
				b->oom = true;
				return;
			}
			b->files = v;
			b->files_cap = cap;
		}
		file_rows *f = &b->files[b->nfiles++];
		*f = (file_rows){ .file = { .creditor = keep(b, g->creditor) }, .first = b->n };
		strcpy(f->file.name, g->file);
	}
	row *r = add_row(b);
	if (!r)
		return;
	*r = (row){ keep(b, g->signal_id), b->files[b->nfiles - 1].file.creditor, g->received, g->date, g->code,
		    g->run_id, b->nfiles - 1 };
	b->files[b->nfiles - 1].file.rows++;
}

/* Reads batch ID's rows into B. */
static enum store_status read_batch_rows(store *s, long long id, batch *b, diag *d)
{
	b->mem = malloc(sizeof *b->mem);
	if (!b->mem) {
		diag_error(d, "out of memory");
		return STORE_IO_ERROR;
	}
	arena_init(b->mem);
	const enum store_status st = store_feedback_given(s, id, take_given, b, d);
	if (st == STORE_OK && b->oom) {
		diag_error(d, "out of memory reading feedback batch %lld (or a file name this vroeg does not write)",
			   id);
		return STORE_IO_ERROR;
	}
	return st;
}

/* Writes file F of B to its temporary name in DIR. */
static bool write_file(const char *dir, const batch *b, const file_rows *f, bool dutch, diag *d)
{
	return write_temp(dir, f->file.name, b->rows + f->first, (size_t)f->file.rows, dutch, d);
}

/* When the latest batch was recorded and a call stopped before its files
 * were all in place (its temporary files are in its directory), writes
 * those files again from the record and puts them in place. *LATEST gets
 * its number (0: none). */
static enum store_status finish_latest(store *s, long long *latest, feedback_result *out, diag *d)
{
	store_batch sb;
	const int got = store_feedback_latest_batch(s, &sb, d);
	*latest = 0;
	if (got <= 0)
		return got < 0 ? STORE_IO_ERROR : STORE_OK;
	*latest = sb.id;
	if (!has_temps(sb.dir, sb.id))
		return STORE_OK;
	char *dir = strdup(sb.dir);
	const bool dutch = sb.dutch;
	batch b = { 0 };
	enum store_status st = dir ? read_batch_rows(s, sb.id, &b, d) : STORE_IO_ERROR;
	if (!dir)
		diag_error(d, "out of memory");
	for (size_t i = 0; i < b.nfiles && st == STORE_OK; i++) {
		char *part = path_in(dir, b.files[i].file.name, true);
		char *final = path_in(dir, b.files[i].file.name, false);
		struct stat ps, fs;
		const bool pending = part && final && lstat(part, &ps) == 0;
		/* Killed between link() and unlink(): both names are the one
		 * file, which is in place; only the hidden name is left over. */
		const bool named = pending && lstat(final, &fs) == 0 && S_ISREG(ps.st_mode) &&
				   ps.st_dev == fs.st_dev && ps.st_ino == fs.st_ino;
		if (named)
			unlink(part);
		free(part);
		free(final);
		if (named)
			out->nfinished++;
		if (!pending || named)
			continue;
		if (!write_file(dir, &b, &b.files[i], dutch, d)) {
			st = STORE_IO_ERROR;
			break;
		}
		sync_dir(dir);
		if (!place(dir, b.files[i].file.name, d)) {
			st = STORE_IO_ERROR;
			break;
		}
		out->nfinished++;
	}
	if (st == STORE_OK) {
		sync_dir(dir);
		out->finished = sb.id;
	} else if (dir) {
		diag_error(d, "feedback batch %lld is recorded, but its files are not all in %s yet; nothing more "
			   "was given: put right what is said above and run `vroeg feedback` again", sb.id, dir);
	}
	batch_free(&b);
	free(dir);
	return st;
}

/* ------------------------------------------------------ what is due -- */

typedef struct gather {
	store *s;
	vr_date as_of;
	batch *b;
	vr_outcome *outcomes;          /* one signal's, reused */
	size_t noutcomes, outcomes_cap;
	bool oom;
	enum store_status st;
	diag *d;
} gather;

static bool take_outcome(const vr_outcome *o, void *arg)
{
	gather *g = arg;
	if (g->noutcomes == g->outcomes_cap) {
		const size_t cap = g->outcomes_cap ? g->outcomes_cap * 2 : 64;
		vr_outcome *v = realloc(g->outcomes, cap * sizeof *v);
		if (!v) {
			g->oom = true;
			return false;
		}
		g->outcomes = v;
		g->outcomes_cap = cap;
	}
	g->outcomes[g->noutcomes++] = *o;
	return true;
}

/* One pending signal: kept when its feedback is due by AS_OF. */
static bool take_pending(const store_pending *p, void *arg)
{
	gather *g = arg;
	uint8_t code = p->code;
	vr_date due = p->run_date;
	if (code == FEEDBACK_NONE) {
		g->noutcomes = 0;
		g->st = store_feedback_outcomes(g->s, p->household, p->signal_id, p->received,
						feedback_window_end(p->received, p->run_date), take_outcome, g, g->d);
		if (g->st == STORE_OK && g->oom) {
			diag_error(g->d, "out of memory");
			g->st = STORE_IO_ERROR;
		}
		if (g->st != STORE_OK)
			return false;
		feedback_by_outcomes(p->received, p->run_date, g->outcomes, g->noutcomes, &code, &due);
	}
	if (due > g->as_of)
		return true;
	batch *b = g->b;
	const bool same_creditor = b->n && strcmp(b->rows[b->n - 1].creditor, p->creditor) == 0;
	const char *creditor = same_creditor ? b->rows[b->n - 1].creditor : keep(b, p->creditor);
	row *r = add_row(b);
	if (!r)
		return false;
	*r = (row){ keep(b, p->signal_id), creditor, p->received, due, code, p->run_id, 0 };
	return true;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const file_rows *)x)->file.name, ((const file_rows *)y)->file.name);
}

/* Splits B's rows (by creditor) into files of batch ID, in name order;
 * two creditors whose names come out alike are refused. */
static bool make_files(batch *b, long long id, diag *d)
{
	for (size_t i = 0; i < b->n; i++) {
		if (i == 0 || b->rows[i].creditor != b->rows[i - 1].creditor) {
			if (!add_file(b, id, b->rows[i].creditor, i)) {
				diag_error(d, "out of memory");
				return false;
			}
		}
		b->files[b->nfiles - 1].file.rows++;
	}
	qsort(b->files, b->nfiles, sizeof *b->files, by_name);
	for (size_t i = 0; i < b->nfiles; i++) {
		for (long k = 0; k < b->files[i].file.rows; k++)
			b->rows[b->files[i].first + (size_t)k].file = i;
		if (i && strcmp(b->files[i].file.name, b->files[i - 1].file.name) == 0) {
			diag_error(d, "the creditors `%s` and `%s` get the same file name %s; nothing was written",
				   b->files[i - 1].file.creditor, b->files[i].file.creditor, b->files[i].file.name);
			return false;
		}
	}
	return true;
}

/* Refuses a batch one of whose names is taken in DIR. */
static bool names_free(const char *dir, const batch *b, diag *d)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		char *p = path_in(dir, b->files[i].file.name, false);
		struct stat st;
		const bool taken = !p || lstat(p, &st) == 0 || errno != ENOENT;
		free(p);
		if (taken) {
			diag_error(d, "%s/%s exists already: vroeg never writes over a file; move it away (or give "
				   "another --out), then run the command again; nothing was written", dir,
				   b->files[i].file.name);
			return false;
		}
	}
	return true;
}

/* Writes every file of B to its temporary name in DIR and syncs DIR; on
 * failure removes those written. */
static bool write_temps(const char *dir, const batch *b, bool dutch, diag *d)
{
	for (size_t i = 0; i < b->nfiles; i++)
		if (!write_file(dir, b, &b->files[i], dutch, d)) {
			for (size_t k = 0; k < i; k++)
				remove_temp(dir, b->files[k].file.name);
			return false;
		}
	sync_dir(dir);
	return true;
}

static void remove_temps(const char *dir, const batch *b)
{
	for (size_t i = 0; i < b->nfiles; i++)
		remove_temp(dir, b->files[i].file.name);
}

/* The files of B into OUT, which takes B's strings. */
static bool hand_over(batch *b, char *dir, feedback_result *out, diag *d)
{
	out->files = malloc((b->nfiles + 1) * sizeof *out->files);
	if (!out->files) {
		diag_error(d, "out of memory");
		return false;
	}
	for (size_t i = 0; i < b->nfiles; i++)
		out->files[i] = b->files[i].file;
	out->nfiles = b->nfiles;
	out->given = (long)b->n;
	/* The directory's name lives with the strings. */
	out->dir = arena_strndup(b->mem, dir, strlen(dir));
	out->mem = b->mem;
	b->mem = NULL;
	return true;
}

/* ------------------------------------------------------------ notices -- */

typedef struct old_runs {
	diag *d;
	vr_month purged_before;        /* 0: never purged */
} old_runs;

static void say_old_run(const store_run *r, void *arg)
{
	const old_runs *o = arg;
	if (r->superseded || r->feedback_kept || r->households == 0 || r->month < o->purged_before)
		return;
	char m[8];
	vr_month_format(r->month, m);
	diag_warning(o->d, "the signals of %s are not fed back: its run (run %lld) was recorded by an earlier "
		     "vroeg, which did not keep what each signal is fed back with", m, r->id);
}

static void say_unseen(long long run_id, vr_month month, long count, void *arg)
{
	char m[8];
	vr_month_format(month, m);
	diag_warning(arg, "%ld signal%s of %s came in after its run (run %lld) and %s not fed back: no run "
		     "decided %s", count, count == 1 ? "" : "s", m, run_id, count == 1 ? "is" : "are",
		     count == 1 ? "it" : "them");
}

static enum store_status notices(store *s, diag *d)
{
	old_runs o = { d, 0 };
	const int purged = store_purged_before(s, &o.purged_before, d);
	if (purged < 0)
		return STORE_IO_ERROR;
	enum store_status st = store_list_runs(s, say_old_run, &o, d);
	if (st == STORE_OK)
		st = store_feedback_unseen(s, say_unseen, d, d);
	return st;
}

/* ---------------------------------------------------------------- give -- */

enum store_status feedback_give(store *s, vr_date as_of, const char *dir, bool dutch,
				feedback_result *out, diag *d)
{
	*out = (feedback_result){ 0 };
	char *abs = absolute_dir(dir, d);
	if (!abs)
		return STORE_IO_ERROR;
	enum store_status st = store_begin(s, d);
	if (st != STORE_OK) {
		free(abs);
		return st;
	}
	long long latest = 0;
	batch b = { 0 };
	store_given *given = NULL;
	gather g = { .s = s, .as_of = as_of, .b = &b, .st = STORE_OK, .d = d };
	store_batch sb = { .as_of = as_of, .dutch = dutch, .dir = abs };
	bool temps = false;
	st = finish_latest(s, &latest, out, d);
	if (st == STORE_OK) {
		remove_leftovers(abs, latest);
		st = notices(s, d);
	}
	if (st == STORE_OK) {
		b.mem = malloc(sizeof *b.mem);
		if (b.mem)
			arena_init(b.mem);
		if (!b.mem) {
			diag_error(d, "out of memory");
			st = STORE_IO_ERROR;
		}
	}
	if (st == STORE_OK) {
		st = store_feedback_pending(s, take_pending, &g, d);
		if (st == STORE_OK)
			st = g.st;
		if (st == STORE_OK && b.oom) {
			diag_error(d, "out of memory");
			st = STORE_IO_ERROR;
		}
	}
	if (st != STORE_OK || b.n == 0)
		goto done;   /* nothing to record: the write is rolled back */
	sb.given = (long)b.n;
	st = store_feedback_insert_batch(s, &sb, d);
	if (st == STORE_OK && (!make_files(&b, sb.id, d) || !names_free(abs, &b, d)))
		st = STORE_IO_ERROR;
	if (st == STORE_OK && !(temps = write_temps(abs, &b, dutch, d)))
		st = STORE_IO_ERROR;
	if (st == STORE_OK && !(given = malloc(b.n * sizeof *given))) {
		diag_error(d, "out of memory");
		st = STORE_IO_ERROR;
	}
	if (st == STORE_OK) {
		for (size_t i = 0; i < b.n; i++) {
			const row *r = &b.rows[i];
			given[i] = (store_given){ r->signal_id, r->creditor, b.files[r->file].file.name, r->received,
						  r->date, r->code, r->run_id };
		}
		st = store_feedback_insert_given(s, sb.id, given, b.n, d);
	}
	if (st == STORE_OK)
		st = store_commit(s, d);
	if (st != STORE_OK) {
		if (temps)
			remove_temps(abs, &b);
		goto done;
	}
	/* Recorded: from here on, what fails is finished by the next call. */
	out->batch = sb.id;
	for (size_t i = 0; i < b.nfiles; i++)
		if (!place(abs, b.files[i].file.name, d)) {
			diag_error(d, "feedback batch %lld is recorded, but not all its files are in place; "
				   "`vroeg feedback` finishes it the next time it runs", sb.id);
			st = STORE_IO_ERROR;
			break;
		}
	sync_dir(abs);
	if (!hand_over(&b, abs, out, d) && st == STORE_OK)
		st = STORE_IO_ERROR;
done:
	store_rollback(s);   /* nothing when committed */
	free(given);
	free(g.outcomes);
	batch_free(&b);
	free(abs);
	return st;
}

/* --------------------------------------------------------------- again -- */

enum store_status feedback_again(store *s, long long id, const char *dir, feedback_result *out, diag *d)
{
	*out = (feedback_result){ 0 };
	store_batch sb;
	const int got = store_feedback_batch(s, id, &sb, d);
	if (got <= 0) {
		if (got == 0)
			diag_error(d, "the store has no feedback batch %lld", id);
		return got == 0 ? STORE_DATA_ERROR : STORE_IO_ERROR;
	}
	const bool dutch = sb.dutch;
	const long recorded = sb.given;
	char *abs = absolute_dir(dir, d);
	if (!abs)
		return STORE_IO_ERROR;
	batch b = { 0 };
	enum store_status st = read_batch_rows(s, id, &b, d);
	if (st == STORE_OK && b.n == 0) {
		diag_error(d, "feedback batch %lld holds nothing any more: purge or forget removed its rows", id);
		st = STORE_DATA_ERROR;
	}
	if (st == STORE_OK && (!names_free(abs, &b, d) || !write_temps(abs, &b, dutch, d)))
		st = STORE_IO_ERROR;
	/* All or nothing here too: a name that cannot be taken takes back
	 * those taken before it. */
	size_t placed = 0;
	while (st == STORE_OK && placed < b.nfiles) {
		if (!place(abs, b.files[placed].file.name, d)) {
			for (size_t k = 0; k < placed; k++) {
				char *p = path_in(abs, b.files[k].file.name, false);
				if (p)
					unlink(p);
				free(p);
			}
			remove_temps(abs, &b);
			st = STORE_IO_ERROR;
			break;
		}
		placed++;
	}
	if (st == STORE_OK) {
		sync_dir(abs);
		out->batch = id;
		out->dropped = recorded - (long)b.n;
		if (!hand_over(&b, abs, out, d))
			st = STORE_IO_ERROR;
	}
	batch_free(&b);
	free(abs);
	return st;
}
