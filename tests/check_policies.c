/* check_policies.c - golden decisions of the field policies. For every
 * directory tests/policies/NAME, runs
 *   $VROEG dry-run --signals signals.csv [--outcomes outcomes.csv]
 *          --month 2024-06 --format csv --no-summary rules/NAME.vroeg
 * and compares each household's decision (bucket, reason, overflowed_from,
 * labels) with expected.txt, which was derived by hand from the field-policy
 * spec, not from vroeg's output: the same households, the same decisions.
 * A sub-directory of tests/policies/NAME holding a signals.csv is one more
 * data set for the same policy and run month (for situations that cannot
 * happen in one month, such as P6's back-fill and its overflow).
 *
 * expected.txt: '#' starts a comment; one line per triaged household:
 *   HOUSEHOLD BUCKET [reason="..."] [from=BUCKET] [LABEL=VALUE ...]
 * Double quotes quote a value with blanks ("" inside is a quote); a missing
 * reason, from or label means the column is empty.
 *
 * One Check test case per policy, named after it; every difference is printed
 *   POLICY: household H: expected X, got Y (rule FILE:LINE)
 * and then the test fails. Runs from the repository root (as `make test` does);
 * VROEG names the binary (default build/vroeg). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "support.h"

#define POLICY_DIR "tests/policies"
#define RULES_DIR  "rules"
#define RUN_MONTH  "2024-06"
#define MAX_POLICIES 64

/* ---- growable text ---- */

typedef struct sbuf {
	char *p;
	size_t n, cap;
} sbuf;

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q) {
		perror("check_policies");
		abort();
	}
	return q;
}

static char *xstrdup(const char *s)
{
	const size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

static void sb_putn(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }
static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

/* Hands the text to the caller (who frees it) and empties B. */
static char *sb_take(sbuf *b)
{
	char *s = b->p ? b->p : xstrdup("");
	*b = (sbuf){ 0 };
	return s;
}

static bool read_fd(int fd, sbuf *b)
{
	char chunk[8192];
	for (;;) {
		const ssize_t k = read(fd, chunk, sizeof chunk);
		if (k < 0)
			return false;
		if (k == 0)
			return true;
		sb_putn(b, chunk, (size_t)k);
	}
}

static bool read_file(const char *path, sbuf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	const bool ok = read_fd(fileno(f), b);
	fclose(f);
	return ok;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- running vroeg ---- */

/* Runs ARGV; its standard output goes to OUT, its standard error to ERR.
 * Returns the exit status, or -1 when it could not run or did not exit. */
static int run_capture(char *const argv[], sbuf *out, sbuf *err)
{
	int fds[2];
	FILE *errf = tmpfile();
	if (!errf || pipe(fds) != 0) {
		if (errf)
			fclose(errf);
		return -1;
	}
	fflush(NULL);
	const pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		fclose(errf);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fileno(errf), STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s\n", argv[0]);
		_exit(127);
	}
	close(fds[1]);
	read_fd(fds[0], out);
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	rewind(errf);
	read_fd(fileno(errf), err);
	fclose(errf);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- CSV (RFC 4180: quotes, doubled quotes, LF or CRLF) ---- */

typedef struct row {
	char **f;
	size_t n;
} row;

typedef struct table {
	row *r;
	size_t n;
} table;

static void row_add(row *r, sbuf *field)
{
	r->f = xrealloc(r->f, (r->n + 1) * sizeof *r->f);
	r->f[r->n++] = sb_take(field);
}

static void table_add(table *t, row *r)
{
	t->r = xrealloc(t->r, (t->n + 1) * sizeof *t->r);
	t->r[t->n++] = *r;
	*r = (row){ 0 };
}

static void table_free(table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->r[i].n; j++)
			free(t->r[i].f[j]);
		free(t->r[i].f);
	}
	free(t->r);
	*t = (table){ 0 };
}

/* Returns false on a malformed quote. */
static bool csv_parse(const char *s, size_t len, table *t)
{
	row r = { 0 };
	sbuf field = { 0 };
	size_t i = 0;
	while (i < len) {
		bool quoted_ok = true;
		if (s[i] == '"') {
			i++;
			quoted_ok = false;
			while (i < len) {
				if (s[i] == '"' && i + 1 < len && s[i + 1] == '"') {
					sb_putc(&field, '"');
					i += 2;
				} else if (s[i] == '"') {
					i++;
					quoted_ok = true;
					break;
				} else {
					sb_putc(&field, s[i++]);
				}
			}
		} else {
			while (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
				sb_putc(&field, s[i++]);
		}
		if (!quoted_ok || (i < len && s[i] != ',' && s[i] != '\n' && s[i] != '\r')) {
			free(sb_take(&field));
			for (size_t j = 0; j < r.n; j++)
				free(r.f[j]);
			free(r.f);
			return false;
		}
		row_add(&r, &field);
		if (i < len && s[i] == ',') {
			i++;
			if (i == len)
				row_add(&r, &field);   /* a trailing empty field */
			continue;
		}
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] == '\n')
			i++;
		table_add(t, &r);
	}
	if (r.n)
		table_add(t, &r);
	return true;
}

/* ---- decisions ---- */

typedef struct label {
	char *name, *value;
} label;

typedef struct decision {
	char *household, *bucket, *reason, *from, *rule;
	label *labels;
	size_t nlabels;
	unsigned line;   /* expected.txt line, 0 for vroeg's */
} decision;

typedef struct decisions {
	decision *d;
	size_t n;
} decisions;

static void decisions_free(decisions *ds)
{
	for (size_t i = 0; i < ds->n; i++) {
		decision *d = &ds->d[i];
		free(d->household);
		free(d->bucket);
		free(d->reason);
		free(d->from);
		free(d->rule);
		for (size_t k = 0; k < d->nlabels; k++) {
			free(d->labels[k].name);
			free(d->labels[k].value);
		}
		free(d->labels);
	}
	free(ds->d);
	*ds = (decisions){ 0 };
}

static decision *decisions_add(decisions *ds)
{
	ds->d = xrealloc(ds->d, (ds->n + 1) * sizeof *ds->d);
	decision *d = &ds->d[ds->n++];
	*d = (decision){ 0 };
	return d;
}

static void label_add(decision *d, const char *name, const char *value)
{
	d->labels = xrealloc(d->labels, (d->nlabels + 1) * sizeof *d->labels);
	d->labels[d->nlabels++] = (label){ xstrdup(name), xstrdup(value) };
}

static const char *label_value(const decision *d, const char *name)
{
	for (size_t k = 0; k < d->nlabels; k++)
		if (strcmp(d->labels[k].name, name) == 0)
			return d->labels[k].value;
	return NULL;
}

static int by_household(const void *a, const void *b)
{
	return strcmp(((const decision *)a)->household, ((const decision *)b)->household);
}

/* A value as expected.txt writes it: quoted when it holds a blank, a quote or
 * '#', or is empty. */
static void put_value(sbuf *b, const char *v, bool always_quote)
{
	if (!always_quote && *v && !strpbrk(v, " \t\"#\r\n")) {
		sb_puts(b, v);
		return;
	}
	sb_putc(b, '"');
	for (; *v; v++) {
		if (*v == '"')
			sb_putc(b, '"');
		sb_putc(b, *v);
	}
	sb_putc(b, '"');
}

/* The comparable form of a decision: bucket, then reason and from when not
 * empty, then the non-empty labels in the order of LABEL_COLS, then any label
 * not among them (only an expectation can have one: it then never matches). */
static char *canonical(const decision *d, char *const *label_cols, size_t nlabel_cols)
{
	sbuf b = { 0 };
	sb_puts(&b, d->bucket);
	if (*d->reason) {
		sb_puts(&b, " reason=");
		put_value(&b, d->reason, true);
	}
	if (*d->from) {
		sb_puts(&b, " from=");
		put_value(&b, d->from, false);
	}
	for (size_t c = 0; c < nlabel_cols; c++) {
		const char *v = label_value(d, label_cols[c]);
		if (v && *v) {
			sb_putc(&b, ' ');
			sb_puts(&b, label_cols[c]);
			sb_putc(&b, '=');
			put_value(&b, v, false);
		}
	}
	for (size_t k = 0; k < d->nlabels; k++) {
		bool known = false;
		for (size_t c = 0; c < nlabel_cols && !known; c++)
			known = strcmp(d->labels[k].name, label_cols[c]) == 0;
		if (!known && *d->labels[k].value) {
			sb_putc(&b, ' ');
			sb_puts(&b, d->labels[k].name);
			sb_putc(&b, '=');
			put_value(&b, d->labels[k].value, false);
		}
	}
	return sb_take(&b);
}

/* ---- expected.txt ---- */

/* Splits LINE into at most MAX tokens (the caller frees them): blanks separate
 * tokens, double quotes quote anywhere in a token ("" is a quote inside
 * quotes), a token that starts with '#' ends the line. Sets *BAD on an
 * unclosed quote or too many tokens. */
static size_t tokenize(const char *line, char **tok, size_t max, bool *bad)
{
	size_t n = 0;
	const char *s = line;
	*bad = false;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			return n;
		if (n == max) {
			*bad = true;
			return n;
		}
		sbuf b = { 0 };
		sb_puts(&b, "");
		while (*s && *s != ' ' && *s != '\t') {
			if (*s != '"') {
				sb_putc(&b, *s++);
				continue;
			}
			for (s++;; s++) {
				if (!*s) {
					*bad = true;
					break;
				}
				if (*s == '"' && s[1] == '"') {
					sb_putc(&b, '"');
					s++;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					sb_putc(&b, *s);
				}
			}
			if (*bad)
				break;
		}
		tok[n++] = sb_take(&b);
		if (*bad)
			return n;
	}
}

/* Reads PATH into OUT. Problems go to ERRORS as PATH:LINE: what; returns
 * false when there was any. */
static bool parse_expected(const char *path, decisions *out, sbuf *errors)
{
	sbuf text = { 0 };
	if (!read_file(path, &text)) {
		sb_puts(errors, path);
		sb_puts(errors, ": cannot read\n");
		free(text.p);
		return false;
	}
	bool ok = true;
	unsigned lineno = 0;
	char msg[512];
	for (char *line = text.p, *next = NULL; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		char *tok[64];
		bool bad;
		const size_t n = tokenize(line, tok, 64, &bad);
		if (n == 0 && !bad)
			continue;
		if (bad || n < 2) {
			snprintf(msg, sizeof msg, "%s:%u: %s\n", path, lineno,
				 bad ? "unclosed quote or too many fields" : "need HOUSEHOLD BUCKET");
			sb_puts(errors, msg);
			ok = false;
		} else {
			decision *d = decisions_add(out);
			d->line = lineno;
			d->household = xstrdup(tok[0]);
			d->bucket = xstrdup(tok[1]);
			for (size_t k = 2; k < n; k++) {
				char *eq = strchr(tok[k], '=');
				if (!eq || eq == tok[k]) {
					snprintf(msg, sizeof msg, "%s:%u: `%s`: expected KEY=VALUE\n", path, lineno, tok[k]);
					sb_puts(errors, msg);
					ok = false;
					continue;
				}
				*eq = '\0';
				char **slot = strcmp(tok[k], "reason") == 0 ? &d->reason
					    : strcmp(tok[k], "from") == 0 ? &d->from : NULL;
				if (slot && *slot) {
					snprintf(msg, sizeof msg, "%s:%u: %s given twice\n", path, lineno, tok[k]);
					sb_puts(errors, msg);
					ok = false;
				} else if (slot) {
					*slot = xstrdup(eq + 1);
				} else if (label_value(d, tok[k])) {
					snprintf(msg, sizeof msg, "%s:%u: label %s given twice\n", path, lineno, tok[k]);
					sb_puts(errors, msg);
					ok = false;
				} else {
					label_add(d, tok[k], eq + 1);
				}
			}
			if (!d->reason)
				d->reason = xstrdup("");
			if (!d->from)
				d->from = xstrdup("");
			d->rule = xstrdup("");
		}
		for (size_t k = 0; k < n; k++)
			free(tok[k]);
	}
	free(text.p);
	qsort(out->d, out->n, sizeof *out->d, by_household);
	for (size_t i = 1; i < out->n; i++)
		if (strcmp(out->d[i - 1].household, out->d[i].household) == 0) {
			snprintf(msg, sizeof msg, "%s:%u: household %s listed twice\n", path, out->d[i].line,
				 out->d[i].household);
			sb_puts(errors, msg);
			ok = false;
		}
	return ok;
}

/* ---- vroeg's decisions (CSV) ---- */

static const char *const FIRST_COLUMNS[] = { "month", "household", "bucket", "reason", "rule",
					     "overflowed_from" };
#define NFIRST (sizeof FIRST_COLUMNS / sizeof FIRST_COLUMNS[0])

/* Parses the decisions CSV into OUT and the label column names (between
 * overflowed_from and place) into LABEL_COLS. */
static bool parse_actual(const sbuf *csv, decisions *out, char ***label_cols, size_t *nlabel_cols,
			 sbuf *errors)
{
	table t = { 0 };
	char msg[512];
	if (!csv_parse(csv->p ? csv->p : "", csv->n, &t) || t.n == 0) {
		sb_puts(errors, "vroeg's output is not CSV with a header\n");
		table_free(&t);
		return false;
	}
	const row *h = &t.r[0];
	bool ok = h->n >= NFIRST;
	for (size_t c = 0; ok && c < NFIRST; c++)
		ok = strcmp(h->f[c], FIRST_COLUMNS[c]) == 0;
	if (!ok) {
		sb_puts(errors, "vroeg's header does not start with month,household,bucket,reason,rule,overflowed_from\n");
		table_free(&t);
		return false;
	}
	size_t end = NFIRST;
	while (end < h->n && strcmp(h->f[end], "place") != 0)
		end++;
	*nlabel_cols = end - NFIRST;
	*label_cols = xrealloc(NULL, (*nlabel_cols + 1) * sizeof **label_cols);
	for (size_t c = NFIRST; c < end; c++)
		(*label_cols)[c - NFIRST] = xstrdup(h->f[c]);
	for (size_t i = 1; i < t.n; i++) {
		const row *r = &t.r[i];
		if (r->n != h->n) {
			snprintf(msg, sizeof msg, "vroeg's output row %zu has %zu fields, the header %zu\n", i + 1,
				 r->n, h->n);
			sb_puts(errors, msg);
			ok = false;
			continue;
		}
		if (strcmp(r->f[0], RUN_MONTH) != 0) {
			snprintf(msg, sizeof msg, "vroeg's output row %zu: month %s, not " RUN_MONTH "\n", i + 1,
				 r->f[0]);
			sb_puts(errors, msg);
			ok = false;
		}
		decision *d = decisions_add(out);
		d->household = xstrdup(r->f[1]);
		d->bucket = xstrdup(r->f[2]);
		d->reason = xstrdup(r->f[3]);
		d->rule = xstrdup(r->f[4]);
		d->from = xstrdup(r->f[5]);
		for (size_t c = NFIRST; c < end; c++)
			label_add(d, h->f[c], r->f[c]);
	}
	table_free(&t);
	/* The data contract: one row per household, sorted by household (byte order). */
	for (size_t i = 1; i < out->n; i++)
		if (strcmp(out->d[i - 1].household, out->d[i].household) > 0) {
			snprintf(msg, sizeof msg, "vroeg's rows are not sorted by household: %s after %s\n",
				 out->d[i].household, out->d[i - 1].household);
			sb_puts(errors, msg);
			ok = false;
			break;
		}
	qsort(out->d, out->n, sizeof *out->d, by_household);
	for (size_t i = 1; i < out->n; i++)
		if (strcmp(out->d[i - 1].household, out->d[i].household) == 0) {
			snprintf(msg, sizeof msg, "vroeg decided household %s twice\n", out->d[i].household);
			sb_puts(errors, msg);
			ok = false;
		}
	return ok;
}

/* ---- one fixture ---- */

static char *path_join(const char *a, const char *b)
{
	sbuf s = { 0 };
	sb_puts(&s, a);
	sb_putc(&s, '/');
	sb_puts(&s, b);
	return sb_take(&s);
}

/* Runs the fixture in DIR against rules/POLICY.vroeg; prints every mismatch
 * prefixed with NAME. Returns the number of mismatches and errors. */
static int check_fixture(const char *policy, const char *name, const char *dir)
{
	int failures = 0;
	sbuf errors = { 0 }, out = { 0 }, err = { 0 };
	decisions expected = { 0 }, actual = { 0 };
	char **label_cols = NULL;
	size_t nlabel_cols = 0;

	char *rules = path_join(RULES_DIR, policy);
	rules = xrealloc(rules, strlen(rules) + sizeof ".vroeg");
	strcat(rules, ".vroeg");
	char *signals = path_join(dir, "signals.csv");
	char *outcomes = path_join(dir, "outcomes.csv");
	char *expected_path = path_join(dir, "expected.txt");

	if (!is_file(rules) || !is_file(signals)) {
		fprintf(stderr, "%s: missing %s\n", name, is_file(rules) ? signals : rules);
		failures = 1;
		goto done;
	}
	if (!parse_expected(expected_path, &expected, &errors)) {
		fprintf(stderr, "%s: bad expected.txt:\n%s", name, errors.p);
		failures = 1;
		goto done;
	}

	char *argv[16];
	size_t argc = 0;
	argv[argc++] = xstrdup(vroeg_bin());
	argv[argc++] = xstrdup("dry-run");
	argv[argc++] = xstrdup("--signals");
	argv[argc++] = xstrdup(signals);
	if (is_file(outcomes)) {
		argv[argc++] = xstrdup("--outcomes");
		argv[argc++] = xstrdup(outcomes);
	}
	argv[argc++] = xstrdup("--month");
	argv[argc++] = xstrdup(RUN_MONTH);
	argv[argc++] = xstrdup("--format");
	argv[argc++] = xstrdup("csv");
	argv[argc++] = xstrdup("--no-summary");
	argv[argc++] = xstrdup(rules);
	argv[argc] = NULL;
	const int status = run_capture(argv, &out, &err);
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	if (status != 0) {
		fprintf(stderr, "%s: `%s dry-run ... %s` exited with status %d:\n%s\n", name, vroeg_bin(), rules,
			status, err.p ? err.p : "");
		failures = 1;
		goto done;
	}
	if (!parse_actual(&out, &actual, &label_cols, &nlabel_cols, &errors)) {
		fprintf(stderr, "%s: %s", name, errors.p);
		failures = 1;
		if (!actual.n)
			goto done;
	}

	/* Both lists are sorted by household: walk them side by side. */
	size_t i = 0, j = 0;
	while (i < expected.n || j < actual.n) {
		const int c = i == expected.n ? 1
			    : j == actual.n ? -1
			    : strcmp(expected.d[i].household, actual.d[j].household);
		const decision *e = c <= 0 ? &expected.d[i] : NULL;
		const decision *a = c >= 0 ? &actual.d[j] : NULL;
		char *es = e ? canonical(e, label_cols, nlabel_cols) : xstrdup("no decision (not triaged)");
		char *as = a ? canonical(a, label_cols, nlabel_cols) : xstrdup("no decision");
		if (strcmp(es, as) != 0) {
			fprintf(stderr, "%s: household %s: expected %s, got %s (rule %s)\n", name,
				(e ? e : a)->household, es, as, a ? a->rule : "none");
			failures++;
		}
		free(es);
		free(as);
		i += e != NULL;
		j += a != NULL;
	}

done:
	for (size_t k = 0; k < nlabel_cols; k++)
		free(label_cols[k]);
	free(label_cols);
	decisions_free(&expected);
	decisions_free(&actual);
	free(errors.p);
	free(out.p);
	free(err.p);
	free(rules);
	free(signals);
	free(outcomes);
	free(expected_path);
	return failures;
}

/* ---- the suite ---- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sub-directories of PATH (not starting with '.'), sorted byte-wise;
 * the caller frees them. */
static size_t list_dirs(const char *path, char ***names)
{
	*names = NULL;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	size_t n = 0;
	for (const struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char *full = path_join(path, de->d_name);
		if (is_dir(full)) {
			*names = xrealloc(*names, (n + 1) * sizeof **names);
			(*names)[n++] = xstrdup(de->d_name);
		}
		free(full);
	}
	closedir(d);
	if (n)
		qsort(*names, n, sizeof **names, by_name);
	return n;
}

/* Set once by policies_suite, before any test runs (and before Check forks). */
static char policy_names[MAX_POLICIES][256];

START_TEST(decisions_match_expected)
{
	const char *policy = policy_names[_i];
	char *dir = path_join(POLICY_DIR, policy);
	int failures = check_fixture(policy, policy, dir);
	/* Sub-cases: a policy whose situations cannot share one month (P6's
	 * back-fill and overflow) has more fixtures, each in a sub-directory. */
	char **subs;
	const size_t nsubs = list_dirs(dir, &subs);
	for (size_t k = 0; k < nsubs; k++) {
		char *sub = path_join(dir, subs[k]);
		char *name = path_join(policy, subs[k]);
		char *sig = path_join(sub, "signals.csv");
		if (is_file(sig))
			failures += check_fixture(policy, name, sub);
		free(sig);
		free(name);
		free(sub);
		free(subs[k]);
	}
	free(subs);
	free(dir);
	ck_assert_msg(failures == 0, "%s: %d difference(s) from expected.txt (listed above)", policy,
		      failures);
}
END_TEST

START_TEST(fixtures_are_found)
{
	ck_abort_msg("no usable policy fixtures under " POLICY_DIR
		     " (run from the repository root; at most %d policies, names under 256 bytes)",
		     MAX_POLICIES);
}
END_TEST

Suite *policies_suite(void)
{
	Suite *s = suite_create("policies");
	char **names;
	const size_t n = list_dirs(POLICY_DIR, &names);
	bool usable = n > 0 && n <= MAX_POLICIES;
	for (size_t i = 0; i < n; i++)
		usable = usable && strlen(names[i]) < sizeof policy_names[0];
	if (!usable) {
		TCase *tc = tcase_create("fixtures");
		tcase_add_test(tc, fixtures_are_found);
		suite_add_tcase(s, tc);
	}
	for (size_t i = 0; usable && i < n; i++) {
		strcpy(policy_names[i], names[i]);
		/* One test case per policy, named after it, so a failure names it. */
		TCase *tc = tcase_create(policy_names[i]);
		tcase_set_timeout(tc, 300);
		tcase_add_loop_test(tc, decisions_match_expected, (int)i, (int)i + 1);
		suite_add_tcase(s, tc);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return s;
}
