/* doctest.c - runs every command block of the docs and compares what it
 * prints with the output block shown after it (as cram does), so the docs
 * cannot drift from the program. `doctest [--build DIR] [--update] [--keep]
 * [--timeout S] FILE...`, from the top of the repository; exit 0 when every block holds,
 * 1 when one does not (or the markdown breaks the convention), 2 when the
 * blocks cannot be run at all. `make test` runs it over the docs.
 *
 * The convention (README.md, "Docs that stay true", says it for writers):
 * - A block fenced ```sh is a command block, and it runs, in /bin/sh, unless
 *   the line before its fence (blank lines aside) is `<!-- not run: WHY -->`.
 *   ```bash, ```shell and ```console are refused, so that no block meant to
 *   run is silently taken for text.
 * - The block fenced ``` (no language) right after it, blank lines aside, is
 *   its output: standard output and standard error together, as a terminal
 *   shows them. Without one, the block must print nothing.
 * - The last command's exit status is 0, or N where the line before the
 *   fence is `<!-- exit N -->`.
 * - The blocks of one file run in order, each in a new shell (no `cd` or
 *   variable carries over), in a scratch directory of that file's own: the
 *   repository's docs/, rules/ and examples/ copied (a block cannot change
 *   the repository), its other files linked, build/ the build directory
 *   under test (--build, default build; so `make install` installs the
 *   binary under test). `/tmp/NAME` in a command names a file of the
 *   scratch directory: it runs as `tmp//NAME`, of the same length so that
 *   tables keep their columns, and is shown as `/tmp/NAME` again (so is
 *   `tmp/NAME`, where a program wrote the path with one slash).
 * - Compared exactly, after only this: a timestamp YYYY-MM-DDThh:mm:ssZ
 *   matches any other; today's date (UTC) printed matches any date shown
 *   in its place (a day the program took from the clock, as a run's); and
 *   the scratch directory's and the repository's paths are left out. Every other difference fails, with FILE:LINE of the
 *   ```sh fence and a unified diff.
 * The shell runs with LC_ALL=C, TZ=UTC, umask 022, SIGPIPE as a terminal has
 * it, no VROEG_DB and no make variables from a make above it. --update writes what the commands printed
 * into the output blocks that differ (adding one where a block printed
 * something and shows nothing): review it with git diff. --keep leaves the
 * scratch directories behind and names them. */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A block that runs longer than this (or --timeout S) hangs; the slowest in
 * the docs takes a second under the sanitizers. */
enum { DOCTEST_BLOCK_TIMEOUT_S = 300 };

/* Copied into each scratch directory; every other top-level entry is linked. */
static const char *const copied[] = { "docs", "rules", "examples" };
/* Fence languages that look like commands but are not run: refused. */
static const char *const not_sh[] = { "bash", "shell", "console", "shell-session", "zsh", "sh-session" };
static const char stamp_mask[] = "YYYY-MM-DDThh:mm:ssZ";
static const char today_mask[] = "YYYY-MM-DD";

typedef struct text {
	char *s;
	size_t n, cap;
} text;

typedef struct line {
	const char *s;
	size_t n; /* without the '\n' */
} line;

typedef struct block {
	size_t open, close; /* the lines of its fences, from 0 */
	size_t indent;      /* of its opening fence */
	bool run;
	int want_exit;
	bool has_out;
	size_t out_open, out_close;
	size_t out_indent;
} block;

typedef struct doc {
	const char *path;
	char *buf;
	line *lines;
	size_t nlines;
	bool ends_nl; /* the last line has its '\n' */
	block *blocks;
	size_t nblocks;
	int errors; /* breaches of the convention */
} doc;

typedef struct options {
	const char *root;  /* the repository's top, absolute */
	char *build;       /* the build directory, absolute */
	bool update, keep;
	int timeout_s;
} options;

typedef struct tally {
	int blocks, passed, failed, not_run, updated, errors;
} tally;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("doctest: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

static void text_add(text *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		t->cap = (t->n + n + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static void text_adds(text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* FMT's text, malloc'ed: paths of any length. */
static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xrealloc(NULL, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The whole of PATH, NUL-ended, or NULL (errno set). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	text t = { 0 };
	text_add(&t, "", 0);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		text_add(&t, chunk, got);
	const bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(t.s);
		return NULL;
	}
	*len = t.n;
	return t.s;
}

static bool write_whole(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	const bool ok = fwrite(s, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

/* ---- reading the markdown ---- */

static size_t leading_spaces(line l)
{
	size_t k = 0;
	while (k < l.n && l.s[k] == ' ')
		k++;
	return k;
}

static bool blank(line l)
{
	for (size_t k = 0; k < l.n; k++)
		if (l.s[k] != ' ' && l.s[k] != '\t' && l.s[k] != '\r')
			return false;
	return true;
}

/* A fence opening: its backtick count (>= 3), its indent and its language
 * (the first word after the backticks, into LANG); 0 when L is none. */
static size_t fence_open(line l, size_t *indent, char *lang, size_t lang_size)
{
	const size_t in = leading_spaces(l);
	size_t k = in;
	while (k < l.n && l.s[k] == '`')
		k++;
	const size_t ticks = k - in;
	if (ticks < 3 || memchr(l.s + k, '`', l.n - k))
		return 0;
	while (k < l.n && l.s[k] == ' ')
		k++;
	size_t w = 0;
	while (k < l.n && l.s[k] != ' ' && l.s[k] != '\r' && w + 1 < lang_size)
		lang[w++] = l.s[k++];
	lang[w] = '\0';
	*indent = in;
	return ticks;
}

static bool fence_close(line l, size_t ticks)
{
	size_t k = leading_spaces(l), n = 0;
	while (k < l.n && l.s[k] == '`')
		k++, n++;
	while (k < l.n && (l.s[k] == ' ' || l.s[k] == '\r'))
		k++;
	return n >= ticks && k == l.n;
}

/* The line closing the fence opened at OPEN with TICKS backticks, or
 * NLINES when it is never closed. */
static size_t find_close(const doc *d, size_t open, size_t ticks)
{
	size_t i = open + 1;
	while (i < d->nlines && !fence_close(d->lines[i], ticks))
		i++;
	return i;
}

enum marker_kind { MARK_NONE, MARK_NOT_RUN, MARK_EXIT };

/* Whether L is one of our two markers: `<!-- not run: WHY -->` or
 * `<!-- exit N -->` (N into *EXIT_CODE). Other comments are not ours. */
static enum marker_kind marker(line l, int *exit_code)
{
	size_t a = leading_spaces(l), b = l.n;
	while (b > a && (l.s[b - 1] == ' ' || l.s[b - 1] == '\r'))
		b--;
	if (b - a < 9 || memcmp(l.s + a, "<!--", 4) != 0 || memcmp(l.s + b - 3, "-->", 3) != 0)
		return MARK_NONE;
	char body[128];
	size_t n = b - a - 7;
	if (n >= sizeof body)
		n = sizeof body - 1;
	memcpy(body, l.s + a + 4, n);
	body[n] = '\0';
	char *s = body + strspn(body, " ");
	for (char *e = s + strlen(s); e > s && e[-1] == ' '; e--)
		e[-1] = '\0';
	if (strncmp(s, "not run:", 8) == 0 && s[8 + strspn(s + 8, " ")] != '\0')
		return MARK_NOT_RUN;
	int code, used = 0;
	if (sscanf(s, "exit %d%n", &code, &used) == 1 && s[used] == '\0' && code >= 0 && code <= 255) {
		*exit_code = code;
		return MARK_EXIT;
	}
	return MARK_NONE;
}

static void convention_error(doc *d, size_t i, const char *what)
{
	fprintf(stdout, "%s:%zu: %s\n", d->path, i + 1, what);
	d->errors++;
}

static void add_block(doc *d, const block *b)
{
	d->blocks = xrealloc(d->blocks, (d->nblocks + 1) * sizeof *d->blocks);
	d->blocks[d->nblocks++] = *b;
}

/* Finds the command blocks of D, their markers and output blocks. */
static void parse_doc(doc *d)
{
	enum marker_kind pending = MARK_NONE;
	size_t pending_line = 0;
	int pending_exit = 0;
	for (size_t i = 0; i < d->nlines; i++) {
		const line l = d->lines[i];
		if (blank(l))
			continue;
		int code = 0;
		const enum marker_kind m = marker(l, &code);
		if (m != MARK_NONE) {
			if (pending != MARK_NONE)
				convention_error(d, pending_line, "a marker that stands before no ```sh block");
			pending = m, pending_line = i, pending_exit = code;
			continue;
		}
		char lang[32];
		size_t indent, ticks = fence_open(l, &indent, lang, sizeof lang);
		if (ticks == 0) {
			if (pending != MARK_NONE)
				convention_error(d, pending_line, "a marker that stands before no ```sh block");
			pending = MARK_NONE;
			continue;
		}
		const size_t close = find_close(d, i, ticks);
		if (close == d->nlines) {
			convention_error(d, i, "a fence that is never closed");
			return;
		}
		if (strcmp(lang, "sh") != 0) {
			for (size_t k = 0; k < sizeof not_sh / sizeof *not_sh; k++)
				if (strcmp(lang, not_sh[k]) == 0)
					convention_error(d, i, "write ```sh for a command block (it runs) or ``` for text");
			if (pending != MARK_NONE)
				convention_error(d, pending_line, "a marker that stands before no ```sh block");
			pending = MARK_NONE;
			i = close;
			continue;
		}
		block b = { .open = i, .close = close, .indent = indent, .run = pending != MARK_NOT_RUN,
			    .want_exit = pending == MARK_EXIT ? pending_exit : 0 };
		pending = MARK_NONE;
		size_t j = close + 1;
		while (j < d->nlines && blank(d->lines[j]))
			j++;
		size_t out_ticks = j < d->nlines ? fence_open(d->lines[j], &b.out_indent, lang, sizeof lang) : 0;
		if (out_ticks > 0 && lang[0] == '\0') {
			b.has_out = true;
			b.out_open = j;
			b.out_close = find_close(d, j, out_ticks);
			if (b.out_close == d->nlines) {
				convention_error(d, j, "a fence that is never closed");
				return;
			}
			i = b.out_close;
		} else {
			i = close;
		}
		add_block(d, &b);
	}
	if (pending != MARK_NONE)
		convention_error(d, pending_line, "a marker that stands before no ```sh block");
}

static bool load_doc(doc *d, const char *path)
{
	size_t len;
	*d = (doc){ .path = path, .buf = slurp(path, &len) };
	if (!d->buf)
		return false;
	for (const char *p = d->buf; p < d->buf + len;) {
		const char *nl = memchr(p, '\n', (size_t)(d->buf + len - p));
		const size_t n = nl ? (size_t)(nl - p) : (size_t)(d->buf + len - p);
		d->lines = xrealloc(d->lines, (d->nlines + 1) * sizeof *d->lines);
		d->lines[d->nlines++] = (line){ p, n };
		p += n + (nl != NULL);
	}
	d->ends_nl = len > 0 && d->buf[len - 1] == '\n';
	parse_doc(d);
	return true;
}

/* Lines FROM..TO (exclusive) of D, each without up to INDENT leading
 * spaces, each ended by '\n'. */
static void block_text(const doc *d, size_t from, size_t to, size_t indent, text *out)
{
	text_add(out, "", 0);
	for (size_t i = from; i < to; i++) {
		line l = d->lines[i];
		const size_t cut = leading_spaces(l) < indent ? leading_spaces(l) : indent;
		text_add(out, l.s + cut, l.n - cut);
		text_add(out, "\n", 1);
	}
}

/* ---- paths and normalising ---- */

static bool path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._-~/", c);
}

/* S with every FROM that starts a path (not inside one) replaced by TO. */
static void replace_at_path_start(const char *s, const char *from, const char *to, text *out)
{
	const size_t n = strlen(from);
	text_add(out, "", 0);
	for (const char *p = s; *p;) {
		if (strncmp(p, from, n) == 0 && (p == s || !path_char(p[-1]))) {
			text_adds(out, to);
			p += n;
		} else {
			text_add(out, p, 1);
			p++;
		}
	}
}

static void replace_all(const char *s, const char *from, const char *to, text *out)
{
	const size_t n = strlen(from);
	text_add(out, "", 0);
	for (const char *p = s; *p;) {
		const char *hit = n ? strstr(p, from) : NULL;
		if (!hit) {
			text_adds(out, p);
			break;
		}
		text_add(out, p, (size_t)(hit - p));
		text_adds(out, to);
		p = hit + n;
	}
}

/* What the commands printed, as the docs show it: the scratch directory's
 * and the repository's paths left out, tmp// back to /tmp/, a last line
 * ended. */
static void as_shown(const char *raw, const char *work, const char *root, text *out)
{
	char *work_tmp = xprintf("%s/tmp//", work), *work_top = xprintf("%s/", work), *top = xprintf("%s/", root);
	text a = { 0 }, b = { 0 };
	replace_all(raw, work_tmp, "/tmp/", &a);
	replace_all(a.s, work_top, "", &b);
	free(a.s), a = (text){ 0 };
	replace_all(b.s, top, "", &a);
	free(b.s), b = (text){ 0 };
	replace_at_path_start(a.s, "tmp//", "/tmp/", &b);
	replace_at_path_start(b.s, "tmp/", "/tmp/", out);
	if (out->n > 0 && out->s[out->n - 1] != '\n')
		text_add(out, "\n", 1);
	free(a.s), free(b.s);
	free(work_tmp), free(work_top), free(top);
}

static bool digits(const char *s, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	return true;
}

static bool is_date(const char *p)
{
	return digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && p[7] == '-' && digits(p + 8, 2);
}

/* Today's date (UTC), printed in GOT, masked there, and the date WANT shows
 * at the same place masked too, in place: a day from the clock. Where the
 * texts before differ in length, they differ anyway. */
static void mask_today(char *got, char *want)
{
	char today[16];
	const time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || strftime(today, sizeof today, "%Y-%m-%d", &tm) != sizeof today_mask - 1)
		return;
	const size_t want_len = strlen(want);
	for (char *p = got; (p = strstr(p, today)); p += sizeof today_mask - 1) {
		const size_t at = (size_t)(p - got);
		memcpy(p, today_mask, sizeof today_mask - 1);
		if (at + sizeof today_mask - 1 <= want_len && is_date(want + at))
			memcpy(want + at, today_mask, sizeof today_mask - 1);
	}
}

/* S with every timestamp YYYY-MM-DDThh:mm:ssZ masked, in place. */
static void mask_stamps(char *s)
{
	for (char *p = s; strlen(p) >= sizeof stamp_mask - 1; p++) {
		if (digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && p[7] == '-' && digits(p + 8, 2) && p[10] == 'T' &&
		    digits(p + 11, 2) && p[13] == ':' && digits(p + 14, 2) && p[16] == ':' && digits(p + 17, 2) && p[19] == 'Z')
			memcpy(p, stamp_mask, sizeof stamp_mask - 1);
	}
}

/* ---- running ---- */

/* Unsets the variables a make above set on its command line (`make
 * BUILD=build/asan test`): make exports them to its recipes and names them
 * in MAKEFLAGS (`-j2 -- BUILD=build/asan`), and a `make install` in a block
 * must build what a reader's make would. */
static void unset_make_variables(void)
{
	const char *flags = getenv("MAKEFLAGS");
	if (!flags)
		return;
	char *copy = strdup(flags);
	for (char *save = NULL, *w = copy ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		const size_t n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
		if (n > 0 && w[n] == '=') {
			w[n] = '\0';
			unsetenv(w);
		}
	}
	free(copy);
}

/* Runs ARGV in CWD (NULL: here), standard input /dev/null, standard output
 * and error into the file OUT (NULL: ours), in a process group of its own so
 * that a timeout ends all of it. The wait status, or -1 when it could not be
 * started; *TIMED_OUT when it ran past TIMEOUT_S seconds and was killed. */
static int spawn(char *const argv[], const char *cwd, const char *out, int timeout_s, bool *timed_out)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	fflush(stdout);
	fflush(stderr);
	*timed_out = false;
	const pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		const int in = open("/dev/null", O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0 || (cwd && chdir(cwd) != 0))
			_exit(127);
		if (out) {
			const int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
				_exit(127);
		}
		umask(022);
		/* As at a terminal: `vroeg ... | head` ends vroeg quietly, even
		 * under a parent that ignores SIGPIPE. */
		signal(SIGPIPE, SIG_DFL);
		setenv("LC_ALL", "C", 1);
		setenv("TZ", "UTC", 1);
		unset_make_variables();
		static const char *const drop[] = { "VROEG_DB", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "GNUMAKEFLAGS",
						    "MAKEOVERRIDES", "CDPATH", "ENV" };
		for (size_t k = 0; k < sizeof drop / sizeof *drop; k++)
			unsetenv(drop[k]);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_s;
	for (;;) {
		int status;
		const pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		struct timespec now, left;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0)
			left.tv_sec--, left.tv_nsec += 1000000000L;
		if (left.tv_sec < 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			*timed_out = true;
			return status;
		}
		/* SIGCHLD is blocked: it waits here until a child ends. */
		sigtimedwait(&chld, NULL, &left);
	}
}

static bool run_quiet(char *const argv[])
{
	bool late;
	const int st = spawn(argv, NULL, NULL, DOCTEST_BLOCK_TIMEOUT_S, &late);
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Makes the directory PATH (freed); false when it cannot. */
static bool make_dir(char *path)
{
	const bool ok = mkdir(path, 0700) == 0;
	free(path);
	return ok;
}

/* A scratch directory for one file: DIR (made, malloc'ed), DIR/w (WORK) the
 * directory the blocks run in, laid out as the header says. */
static bool make_scratch(const options *o, char **dir, char **work)
{
	const char *tmp = getenv("TMPDIR");
	*dir = xprintf("%s/vroeg-doctest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	*work = NULL;
	if (!mkdtemp(*dir))
		return false;
	*work = xprintf("%s/w", *dir);
	char *link = xprintf("%s/build", *work);
	bool ok = mkdir(*work, 0700) == 0 && make_dir(xprintf("%s/tmp", *work)) && symlink(o->build, link) == 0;
	free(link);
	DIR *top = ok ? opendir(o->root) : NULL;
	if (!top)
		return false;
	for (struct dirent *e; ok && (e = readdir(top));) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "build") == 0)
			continue;
		char *target = xprintf("%s/%s", o->root, e->d_name), *path = xprintf("%s/%s", *work, e->d_name);
		bool copy = false;
		for (size_t k = 0; k < sizeof copied / sizeof *copied; k++)
			copy = copy || strcmp(e->d_name, copied[k]) == 0;
		if (copy) {
			char *const argv[] = { "cp", "-R", target, path, NULL };
			ok = run_quiet(argv);
		} else {
			ok = symlink(target, path) == 0;
		}
		free(target), free(path);
	}
	closedir(top);
	return ok;
}

static void remove_scratch(const char *dir)
{
	char *const argv[] = { "rm", "-rf", (char *)dir, NULL };
	if (!run_quiet(argv))
		fprintf(stderr, "doctest: could not remove %s\n", dir);
}

/* Prints a unified diff of WANT (the docs) and GOT (the commands). */
static void show_diff(const char *dir, const char *where, const char *want, const char *got)
{
	char *a = xprintf("%s/shown", dir), *b = xprintf("%s/printed", dir);
	char *label = xprintf("%s (shown in the docs)", where);
	if (write_whole(a, want, strlen(want)) && write_whole(b, got, strlen(got))) {
		char *const argv[] = { "diff", "-u", "--label", label, "--label", "(printed by the commands)", a, b, NULL };
		bool late;
		spawn(argv, NULL, NULL, DOCTEST_BLOCK_TIMEOUT_S, &late);
	} else {
		printf("(cannot write the diff's files in %s)\n", dir);
	}
	free(a), free(b), free(label);
}

/* Runs block B of D in the scratch directory; true when it holds. What it
 * printed (as shown) goes to SHOWN, for --update. */
static bool run_block(const options *o, const doc *d, const block *b, const char *dir, const char *work, text *shown,
		      bool *output_differs)
{
	text cmd = { 0 }, script = { 0 }, want = { 0 };
	block_text(d, b->open + 1, b->close, b->indent, &cmd);
	replace_at_path_start(cmd.s, "/tmp/", "tmp//", &script);
	char *script_path = xprintf("%s/script.sh", dir), *out_path = xprintf("%s/output", dir);
	char *where = xprintf("%s:%zu", d->path, b->open + 1);
	bool ok = write_whole(script_path, script.s, script.n);
	bool late = false;
	int st = -1;
	if (ok) {
		char *const argv[] = { "/bin/sh", script_path, NULL };
		st = spawn(argv, work, out_path, o->timeout_s, &late);
	}
	size_t len = 0;
	char *raw = ok && st >= 0 ? slurp(out_path, &len) : NULL;
	free(script_path), free(out_path);
	if (!raw) {
		printf("%s: cannot run the block in %s\n", where, work);
		free(cmd.s), free(script.s), free(where);
		*output_differs = false;
		return false;
	}
	as_shown(raw, work, o->root, shown);
	if (b->has_out)
		block_text(d, b->out_open + 1, b->out_close, b->out_indent, &want);
	else
		text_add(&want, "", 0);
	char *got = strdup(shown->s), *wanted = strdup(want.s);
	if (!got || !wanted)
		exit(2);
	mask_stamps(got);
	mask_stamps(wanted);
	mask_today(got, wanted);
	*output_differs = strcmp(got, wanted) != 0;
	ok = true;
	if (late) {
		printf("%s: still running after %d s: killed\n", where, o->timeout_s);
		ok = false;
	} else if (WIFSIGNALED(st)) {
		printf("%s: the shell was killed by signal %d\n", where, WTERMSIG(st));
		ok = false;
	} else if (WEXITSTATUS(st) != b->want_exit) {
		if (b->want_exit == 0)
			printf("%s: exit status %d, where the docs expect 0 (a block that fails on purpose has "
			       "<!-- exit %d --> before it)\n",
			       where, WEXITSTATUS(st), WEXITSTATUS(st));
		else
			printf("%s: exit status %d, where the docs expect %d\n", where, WEXITSTATUS(st), b->want_exit);
		ok = false;
	}
	if (*output_differs) {
		if (b->has_out)
			printf("%s: the output differs from the block shown at line %zu:\n", where, b->out_open + 1);
		else
			printf("%s: the block printed output, and the docs show none after it:\n", where);
		show_diff(dir, where, wanted, got);
		ok = false;
	}
	free(got), free(wanted), free(raw), free(where);
	free(cmd.s), free(script.s), free(want.s);
	return ok;
}

/* Whether S has a line that begins (after blanks) with ```. */
static bool has_fence(const char *s)
{
	for (const char *p = s; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncmp(p + strspn(p, " "), "```", 3) == 0)
			return true;
	return false;
}

static void copy_lines(const doc *d, size_t from, size_t to, text *t)
{
	for (size_t i = from; i < to; i++) {
		text_add(t, d->lines[i].s, d->lines[i].n);
		if (i + 1 < d->nlines || d->ends_nl)
			text_add(t, "\n", 1);
	}
}

/* TEXT's lines into T, each after INDENT spaces (an empty one without). */
static void add_indented(text *t, const char *s, size_t indent)
{
	for (const char *p = s; *p;) {
		const char *nl = strchr(p, '\n');
		const size_t n = nl ? (size_t)(nl - p) : strlen(p);
		for (size_t k = 0; k < indent && n > 0; k++)
			text_add(t, " ", 1);
		text_add(t, p, n);
		text_add(t, "\n", 1);
		p += n + (nl != NULL);
	}
}

/* Writes D again, the output block of each block K with NEW_OUT[K] holding
 * that text (added after the block where it has none). */
static bool write_updated(const doc *d, char **new_out)
{
	text t = { 0 };
	text_add(&t, "", 0);
	size_t at = 0;
	for (size_t k = 0; k < d->nblocks; k++) {
		const block *b = &d->blocks[k];
		if (!new_out[k])
			continue;
		if (b->has_out) {
			copy_lines(d, at, b->out_open + 1, &t);
			add_indented(&t, new_out[k], b->out_indent);
			at = b->out_close;
		} else {
			char fence[64];
			snprintf(fence, sizeof fence, "%*s```\n", (int)b->indent, "");
			copy_lines(d, at, b->close + 1, &t);
			text_adds(&t, "\n");
			text_adds(&t, fence);
			add_indented(&t, new_out[k], b->indent);
			text_adds(&t, fence);
			at = b->close + 1;
		}
	}
	copy_lines(d, at, d->nlines, &t);
	char *tmp = xprintf("%s.doctest-new", d->path);
	const bool ok = write_whole(tmp, t.s, t.n) && rename(tmp, d->path) == 0;
	free(tmp), free(t.s);
	return ok;
}

/* Runs the blocks of the file PATH in order; adds to *T. False when the
 * blocks could not be run at all. */
static bool run_file(const options *o, const char *path, tally *t)
{
	doc d;
	if (!load_doc(&d, path)) {
		printf("doctest: cannot read %s: %s\n", path, strerror(errno));
		return false;
	}
	t->errors += d.errors;
	bool ok = true;
	char *dir = NULL, *work = NULL;
	char **new_out = calloc(d.nblocks + 1, sizeof *new_out);
	if (!new_out)
		exit(2);
	bool any_run = false;
	for (size_t k = 0; k < d.nblocks; k++)
		any_run = any_run || d.blocks[k].run;
	if (any_run && !make_scratch(o, &dir, &work)) {
		printf("doctest: cannot make a scratch directory for %s: %s\n", path, strerror(errno));
		if (work)
			remove_scratch(dir);
		ok = false;
		any_run = false;
	}
	bool updates = false;
	for (size_t k = 0; k < d.nblocks; k++) {
		const block *b = &d.blocks[k];
		t->blocks++;
		if (!b->run) {
			t->not_run++;
			continue;
		}
		if (!any_run)
			continue;
		text shown = { 0 };
		bool differs;
		if (run_block(o, &d, b, dir, work, &shown, &differs)) {
			t->passed++;
		} else {
			t->failed++;
		}
		if (differs && o->update && has_fence(shown.s)) {
			printf("%s:%zu: not rewritten: the output has a line that would close its block\n", path,
			       b->open + 1);
			free(shown.s);
		} else if (differs && o->update) {
			new_out[k] = shown.s;
			updates = true;
			t->updated++;
		} else {
			free(shown.s);
		}
	}
	if (updates && !write_updated(&d, new_out)) {
		printf("doctest: cannot write %s: %s\n", path, strerror(errno));
		ok = false;
	}
	if (any_run) {
		if (o->keep)
			printf("doctest: %s ran in %s\n", path, work);
		else
			remove_scratch(dir);
	}
	free(dir), free(work);
	for (size_t k = 0; k < d.nblocks; k++)
		free(new_out[k]);
	free(new_out);
	free(d.blocks);
	free(d.lines);
	free(d.buf);
	return ok;
}

static int usage(void)
{
	fputs("usage: doctest [--build DIR] [--update] [--keep] [--timeout S] FILE...\n"
	      "Runs the ```sh blocks of each markdown FILE and compares their output with the\n"
	      "``` block shown after each (tools/doctest.c says the whole convention).\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static char root[4096];
	options o = { .root = root, .timeout_s = DOCTEST_BLOCK_TIMEOUT_S };
	const char *build = "build";
	int first = 1;
	for (; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
		if (strcmp(argv[first], "--update") == 0)
			o.update = true;
		else if (strcmp(argv[first], "--keep") == 0)
			o.keep = true;
		else if (strcmp(argv[first], "--build") == 0 && first + 1 < argc)
			build = argv[++first];
		else if (strcmp(argv[first], "--timeout") == 0 && first + 1 < argc && atoi(argv[first + 1]) > 0)
			o.timeout_s = atoi(argv[++first]);
		else
			return usage();
	}
	if (first == argc || !getcwd(root, sizeof root))
		return usage();
	o.build = build[0] == '/' ? xprintf("%s", build) : xprintf("%s/%s", root, build);
	struct stat st;
	if (stat(o.build, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "doctest: no build directory %s\n", o.build);
		return 2;
	}
	/* Blocked, so that spawn can wait for a child with a timeout. */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	tally t = { 0 };
	bool ran = true;
	for (int k = first; k < argc; k++)
		ran = run_file(&o, argv[k], &t) && ran;
	printf("doctest: %d command blocks in %d files: %d hold, %d do not, %d not run", t.blocks, argc - first,
	       t.passed, t.failed, t.not_run);
	if (t.errors)
		printf("; %d breaches of the convention", t.errors);
	if (o.update)
		printf("; %d output blocks rewritten", t.updated);
	printf("\n");
	free(o.build);
	if (!ran)
		return 2;
	return t.failed || t.errors ? 1 : 0;
}
