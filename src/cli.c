/* cli.c - helpers shared by the commands: options, input files, policies
 * (and the --set values given their named numbers), the store, the month,
 * and the check that standard output was written. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "compile.h"
#include "outfile.h"
#include "report.h"

bool cli_parse(int argc, char **argv, const cli_option *options, cli_args *out, diag *d)
{
	memset(out, 0, sizeof *out);
	bool only_positional = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_positional || a[0] != '-' || a[1] == '\0' || (a[1] != '-' && a[1] != 'o')) {
			if (out->npositional == 64) {
				diag_error(d, "too many arguments");
				return false;
			}
			out->positional[out->npositional++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_positional = true;
			continue;
		}
		/* "-o FILE" is the one short option (compile's output). */
		const char *name = a[1] == 'o' && a[2] == '\0' ? "o" : a + 2;
		const char *eq = strchr(name, '=');
		const size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const cli_option *opt = NULL;
		for (const cli_option *o = options; o && o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				opt = o;
		if (!opt) {
			diag_error(d, "unknown option `%s`", a);
			return false;
		}
		if (opt->takes_value && !opt->value) {
			const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!v) {
				diag_error(d, "option `%s` needs a value", a);
				return false;
			}
			if (out->many.n == CLI_MAX_SETS) {
				diag_error(d, "at most %d `--%s` in one command", CLI_MAX_SETS, opt->name);
				return false;
			}
			out->many.v[out->many.n++] = v;
			continue;
		}
		if (!opt->takes_value) {
			if (eq) {
				diag_error(d, "option `--%s` takes no value", opt->name);
				return false;
			}
			*opt->value = "";
			continue;
		}
		if (eq) {
			*opt->value = eq + 1;
		} else if (i + 1 < argc) {
			*opt->value = argv[++i];
		} else {
			diag_error(d, "option `%s` needs a value", a);
			return false;
		}
	}
	return true;
}

FILE *cli_open_input(const char *path, diag *d)
{
	const bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		diag_error(d, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	/* A directory opens, and only its first read fails: say so now. */
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_error(d, "cannot read %s: %s", is_stdin ? "standard input" : path, strerror(EISDIR));
		cli_close_input(f);
		return NULL;
	}
	return f;
}

void cli_close_input(FILE *f)
{
	if (f && f != stdin)
		fclose(f);
}

char *cli_read_file(const char *path, size_t *len, diag *d)
{
	FILE *f = cli_open_input(path, d);
	if (!f)
		return NULL;
	/* Room for one byte past the limit, to tell "at the limit" from "over". */
	const size_t most = (size_t)CLI_MAX_FILE + 1;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int err = buf ? 0 : ENOMEM;
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			err = ferror(f) ? (errno ? errno : EIO) : 0;
			break;
		}
		if (cap == most)
			break;
		cap = cap * 2 < most ? cap * 2 : most;
		char *grown = realloc(buf, cap + 1);
		if (!grown) {
			free(buf);
			err = ENOMEM;
		}
		buf = grown;
	}
	cli_close_input(f);
	if (!buf || err) {
		free(buf);
		diag_error(d, "cannot read %s: %s", path, strerror(err));
		return NULL;
	}
	if (n > (size_t)CLI_MAX_FILE) {
		free(buf);
		diag_error(d, "%s is larger than %ld MiB, the most vroeg reads as a rule file, tests file or compiled policy; is it the right file?",
			   strcmp(path, "-") == 0 ? "<stdin>" : path, CLI_MAX_FILE >> 20);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int cli_apply_sets(bc_program *p, const cli_many *sets, diag *d)
{
	for (int i = 0; i < sets->n; i++) {
		/* The same name twice would leave one value unused, unseen. */
		const size_t len = strcspn(sets->v[i], "=");
		for (int j = 0; j < i; j++)
			if (strcspn(sets->v[j], "=") == len && strncmp(sets->v[j], sets->v[i], len) == 0) {
				diag_error(d, "--set %.*s is given twice", (int)len, sets->v[i]);
				return EXIT_USAGE;
			}
		if (!bc_program_set_text(p, sets->v[i], d))
			return EXIT_USAGE;
	}
	return EXIT_OK;
}

char *cli_settings_json(const bc_program *p)
{
	char *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);
	if (!f)
		return NULL;
	fputc('[', f);
	bool any = false;
	for (uint32_t i = 0; i < p->nparams; i++) {
		if (!p->params[i].given)
			continue;
		const int n = bc_param_format(p, i, NULL, 0);
		char *one = malloc((size_t)n + 1);
		if (!one) {
			fclose(f);
			free(json);
			return NULL;
		}
		bc_param_format(p, i, one, (size_t)n + 1);
		if (any)
			fputc(',', f);
		report_json_string(f, one);
		free(one);
		any = true;
	}
	fputc(']', f);
	if (fclose(f) != 0) {
		free(json);
		return NULL;
	}
	return json;
}

static int load_policy(const char *path, bc_program *p, diag *d, bool warnings, char **out, size_t *out_len);

int cli_load_policy(const char *path, bc_program *p, diag *d)
{
	return cli_load_policy_opt(path, p, d, true);
}

int cli_load_policy_opt(const char *path, bc_program *p, diag *d, bool warnings)
{
	char *text;
	size_t len;
	const int rc = load_policy(path, p, d, warnings, &text, &len);
	free(text);
	return rc;
}

int cli_load_policy_text(const char *path, bc_program *p, char **text, size_t *len, diag *d)
{
	return load_policy(path, p, d, true, text, len);
}

bool cli_is_bytecode(const char *bytes, size_t len)
{
	return len >= 8 && memcmp(bytes, BC_MAGIC, 8) == 0;
}

/* Reads PATH once and loads it; *TEXT keeps the bytes read (NULL on
 * failure). */
static int load_policy(const char *path, bc_program *p, diag *d, bool warnings, char **out, size_t *out_len)
{
	size_t len;
	char *text = cli_read_file(path, &len, d);
	*out = NULL;
	*out_len = 0;
	if (!text)
		return EXIT_POLICY;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	bool ok;
	if (cli_is_bytecode(text, len)) {
		ok = bc_read(p, (const uint8_t *)text, len, name, d);
	} else if (warnings) {
		ok = compile_policy(name, text, len, d, p);
	} else {
		/* Quietly first; on failure again, to report the errors. */
		diag quiet;
		diag_init(&quiet, NULL);
		ok = compile_policy(name, text, len, &quiet, p);
		if (!ok && compile_policy(name, text, len, d, p))
			bc_program_free(p);
	}
	if (!ok) {
		free(text);
		return EXIT_POLICY;
	}
	*out = text;
	*out_len = len;
	return EXIT_OK;
}

static store *open_store(const char *db, enum store_access access, diag *d, int *rc);

store *cli_open_store(const char *db, bool write, diag *d, int *rc)
{
	return open_store(db, write ? STORE_READ_WRITE : STORE_READ_ONLY, d, rc);
}

store *cli_open_existing_store(const char *db, diag *d, int *rc)
{
	return open_store(db, STORE_WRITE_EXISTING, d, rc);
}

static store *open_store(const char *db, enum store_access access, diag *d, int *rc)
{
	*rc = EXIT_USAGE;
	if (!db || !*db)
		db = getenv("VROEG_DB");
	if (!db || !*db) {
		diag_error(d, "no store: give --db FILE or set VROEG_DB");
		return NULL;
	}
	/* SQLite's own names would give a store that keeps nothing (or some
	 * other file than the one named). */
	if (strcmp(db, ":memory:") == 0) {
		diag_error(d, "`:memory:` is not a store: a store in memory keeps nothing; give the store's file name");
		return NULL;
	}
	if (strncmp(db, "file:", 5) == 0) {
		diag_error(d, "`%s` is an SQLite URI: give the store's file name (./%s for a file of that name)", db, db);
		return NULL;
	}
	/* How long a statement waits for another process; 10 s unless VROEG_BUSY_MS. */
	int busy_ms = 10000;
	const char *env = getenv("VROEG_BUSY_MS");
	if (env && *env) {
		char *end;
		const long v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 3600000)
			busy_ms = (int)v;
	}
	store *s;
	*rc = cli_store_exit(store_connect(db, access, busy_ms, &s, d));
	return s;
}

bool cli_month(const char *s, vr_month *out, diag *d)
{
	return cli_month_at(s, time(NULL), out, d);
}

bool cli_month_at(const char *s, time_t now, vr_month *out, diag *d)
{
	if (!s) {
		diag_error(d, "give the month with --month YYYY-MM (or --month previous)");
		return false;
	}
	if (strcmp(s, "previous") == 0) {
		/* The month before today in UTC, as documented: local time would
		 * make the answer depend on the server's time zone around the
		 * turn of the month. */
		struct tm tm;
		gmtime_r(&now, &tm);
		*out = (tm.tm_year + 1900) * 12 + tm.tm_mon - 1;
		return true;
	}
	if (strstr(s, "..")) {
		diag_error(d, "`%s` is a range of months: this command takes one month, YYYY-MM "
			   "(dry-run, diff and sweep take a range)", s);
		return false;
	}
	if (!vr_month_parse(s, strlen(s), out)) {
		diag_error(d, "`%s` is not a month: write YYYY-MM, e.g. 2024-03, or `previous`", s);
		return false;
	}
	return true;
}

bool cli_month_range(const char *s, const char *what, vr_month *from, vr_month *to, bool *range, diag *d)
{
	const char *dots = s ? strstr(s, "..") : NULL;
	*range = dots != NULL;
	if (!dots) {
		if (!cli_month(s, from, d))
			return false;
		*to = *from;
		return true;
	}
	char first[64];
	const size_t n = (size_t)(dots - s);
	if (n >= sizeof first) {
		diag_error(d, "`%.*s` is not a month: write YYYY-MM, e.g. 2024-03, or `previous`", (int)n, s);
		return false;
	}
	memcpy(first, s, n);
	first[n] = '\0';
	if (!cli_month(first, from, d) || !cli_month(dots + 2, to, d))
		return false;
	if (*to < *from) {
		diag_error(d, "`%s`: the first month comes after the last", s);
		return false;
	}
	if (*to - *from >= CLI_MAX_MONTHS) {
		diag_error(d, "%s covers at most %d months; %s has %d", what, CLI_MAX_MONTHS, s, (int)(*to - *from) + 1);
		return false;
	}
	return true;
}

/* A month a purge removed has nothing left to decide: EXIT_DATA (said).
 * A month after the cut whose LOOKBACK reaches before it is decided from
 * less history than the policy reads (a purge with no run recorded to
 * guard the cut, or with --force): a warning names the months, so that no
 * decision silently differs from the policy's. */
int cli_refuse_purged(store *s, vr_month month, int lookback, diag *d)
{
	vr_month before;
	const int purged = store_purged_before(s, &before, d);
	if (purged < 0)
		return EXIT_STORE;
	if (purged == 0 || month - lookback >= before)
		return EXIT_OK;
	char m[8], kept[8], back[8];
	vr_month_format(month, m);
	vr_month_format(before, kept);
	if (month >= before) {
		vr_month_format(month - lookback, back);
		diag_warning(d, "the policy reads the %d month%s before %s, back to %s, but the months before %s "
			     "were purged: a household whose decision depends on them is decided without them",
			     lookback, lookback == 1 ? "" : "s", m, back, kept);
		return EXIT_OK;
	}
	diag_error(d, "the signals of %s were purged: the store keeps the months from %s on, so %s "
		   "cannot be decided again", m, kept, m);
	return EXIT_DATA;
}

int cli_output_error(void)
{
	errno = 0;
	const bool flushed = fflush(stdout) == 0;
	if (flushed && !ferror(stdout))
		return 0;
	/* A write that failed before this flush may have left no errno. */
	return errno ? errno : EIO;
}

int cli_finish_output(int rc, diag *d)
{
	int err = cli_output_error();
	errno = 0;
	if (fclose(stdout) != 0 && !err)
		err = errno ? errno : EIO;
	if (!err || (rc != EXIT_OK && rc != EXIT_WARNINGS))
		return rc;
	diag_error(d, "cannot write the output: %s", strerror(err));
	return EXIT_OUTPUT;
}

int cli_store_exit(enum store_status st)
{
	switch (st) {
	case STORE_OK: return EXIT_OK;
	case STORE_DATA_ERROR: return EXIT_DATA;
	case STORE_BUSY: return EXIT_BUSY;
	case STORE_IO_ERROR: return EXIT_STORE;
	}
	return EXIT_STORE;
}

bool cli_lang(const char *given, bool *dutch, diag *d)
{
	if (given) {
		if (strcmp(given, "nl") != 0 && strcmp(given, "en") != 0) {
			diag_error(d, "--lang is nl or en");
			return false;
		}
		*dutch = strcmp(given, "nl") == 0;
		return true;
	}
	/* The first of LC_ALL, LC_MESSAGES and LANG that is set. */
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	*dutch = false;
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (!v || !*v)
			continue;
		*dutch = strncmp(v, "nl", 2) == 0 && strchr("_.@", v[2]);
		break;
	}
	return true;
}

int cli_write_output(const char *output, const char *const *inputs, size_t ninputs,
		     bool (*write)(FILE *out, const void *ctx), const void *ctx, const char *what, diag *d)
{
	if (!output || strcmp(output, "-") == 0) {
		if (write(stdout, ctx))
			return EXIT_OK;
		diag_error(d, "out of memory writing %s", what);
		return EXIT_OUTPUT;
	}
	enum outfile_status st;
	outfile *file = outfile_open(output, inputs, ninputs, d, &st);
	if (!file)
		return st == OUTFILE_REFUSED ? EXIT_USAGE : EXIT_OUTPUT;
	if (!write(outfile_stream(file), ctx)) {
		diag_error(d, "out of memory writing %s", what);
		outfile_abort(file);
		return EXIT_OUTPUT;
	}
	return outfile_commit(file, d) ? EXIT_OK : EXIT_OUTPUT;
}
