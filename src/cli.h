/* cli.h - what the command implementations share: exit codes, argument
 * parsing, reading files, loading a policy (rule text or .vrb), opening the
 * store, the month, and checking that standard output was written. Only
 * main and the cmd_* files use it. */
#ifndef VROEG_CLI_H
#define VROEG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "bytecode.h"
#include "diag.h"
#include "store.h"

/* Exit codes, for schedulers and scripts (docs/operators-guide.md). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_WARNINGS = 1,     /* lint: warnings only */
	EXIT_POLICY = 2,       /* the policy has errors or cannot be read, or a .vrb is refused */
	EXIT_DATA = 3,         /* bad rows, conflicts, a month run with another policy,
				* a data file (signals, outcomes, tests) that cannot be read */
	EXIT_BUSY = 4,         /* another process holds the store, at open or later */
	EXIT_STORE = 5,        /* cannot open or write the store */
	EXIT_OUTPUT = 5,       /* cannot write standard output or an output file:
				* like the store, a disk or a path to look at */
	EXIT_USAGE = 64        /* the command line is wrong */
};

/* The most `--set NAME=VALUE` one command line gives (docs/operators-guide.md). */
enum { CLI_MAX_SETS = 64 };

/* The values of a repeatable option, in the order given. */
typedef struct cli_many {
	const char *v[CLI_MAX_SETS];
	int n;
} cli_many;

/* A command's options: --name value, --name=value, or --flag. */
typedef struct cli_args {
	int argc;
	char **argv;
	int pos;                 /* next argument to look at */
	const char *positional[64];
	int npositional;
	cli_many many;           /* the values of the repeatable option (`--set`) */
} cli_args;

typedef struct cli_option {
	const char *name;        /* without the dashes */
	bool takes_value;
	const char **value;      /* set to the value, or "" for a flag; NULL (with
				  * TAKES_VALUE): repeatable, its values go to cli_args.many */
} cli_option;

/* Parses ARGV against OPTIONS; positional arguments are collected. Reports an
 * unknown option or a missing value to D and returns false. */
bool cli_parse(int argc, char **argv, const cli_option *options, cli_args *out, diag *d);

/* Opens the input file PATH for reading ("-": standard input). NULL after
 * reporting why ("cannot open PATH: reason", "cannot read PATH: Is a
 * directory"). */
FILE *cli_open_input(const char *path, diag *d);
/* Closes what cli_open_input opened (standard input stays open). */
void cli_close_input(FILE *f);

/* The most cli_read_file reads: a rule file, a tests file or a compiled
 * policy is at most this many bytes (docs/language.md, "Limits"). */
#define CLI_MAX_FILE (16L << 20)

/* Reads all of PATH ("-" = standard input) into a malloc'ed, NUL-terminated
 * buffer; NULL after reporting why, with the reason. A file longer than
 * CLI_MAX_FILE is refused (reported) after reading one byte past the limit,
 * so /dev/zero or a pipe that never ends costs no more. */
char *cli_read_file(const char *path, size_t *len, diag *d);

/* Applies each `--set NAME=VALUE` of SETS to P (bc_program_set_text), a
 * name at most once. EXIT_OK, or EXIT_USAGE after reporting the first that
 * is wrong (an unknown name, with a suggestion; a value not of its kind). */
int cli_apply_sets(bc_program *p, const cli_many *sets, diag *d);

/* The named numbers of P that a `--set` changed, as a JSON array of
 * "NAME=VALUE" (bc_param_format), in the order of the policy: what a run
 * records (store_run.settings). "[]" when none. Malloc'ed; NULL when memory
 * runs out. */
char *cli_settings_json(const bc_program *p);

/* Loads POLICY: a rule file (compiled) or a .vrb (read and verified).
 * Returns EXIT_OK or EXIT_POLICY (reported). */
int cli_load_policy(const char *path, bc_program *p, diag *d);
/* The same, reporting only errors when WARNINGS is false. */
int cli_load_policy_opt(const char *path, bc_program *p, diag *d, bool warnings);
/* cli_load_policy, keeping the bytes it was loaded from (the file is read
 * once): on EXIT_OK *TEXT (malloc'ed, NUL-ended; the caller frees it) holds
 * the rule text or the .vrb's bytes and *LEN their length. */
int cli_load_policy_text(const char *path, bc_program *p, char **text, size_t *len, diag *d);
/* Whether BYTES are a compiled policy (.vrb) rather than rule text. */
bool cli_is_bytecode(const char *bytes, size_t len);

/* Opens the store named by DB (or $VROEG_DB): for WRITE (import, run)
 * creating and migrating it, else read-only (it must be a vroeg store
 * already, and nothing in it changes). `:memory:` and SQLite URIs
 * (`file:...`) are refused: a store must be a file that keeps what is
 * written. NULL after reporting, with *RC the exit code. */
store *cli_open_store(const char *db, bool write, diag *d, int *rc);
/* cli_open_store for writing a store that exists already (purge, forget):
 * a misspelt name is an error, not a new empty store. */
store *cli_open_existing_store(const char *db, diag *d, int *rc);

/* The store a dry-run (or diff, or explain) reads: --db, or a private
 * in-memory one filled from --signals (and --outcomes) files. *RC gets the
 * exit code when NULL is returned. */
store *cli_dry_run_store(const char *db, const char *signals, const char *outcomes, diag *d, int *rc);

/* A month a purge removed has nothing left to decide (dry-run, run,
 * sweep, diff): EXIT_DATA after saying so (EXIT_STORE when the store cannot
 * say), else EXIT_OK, after a warning when the LOOKBACK months before
 * MONTH that the policy reads reach a purged month. */
int cli_refuse_purged(store *s, vr_month month, int lookback, diag *d);

/* Parses --month: YYYY-MM, or "previous" for the month before today, where
 * today is taken in UTC. A range (FROM..TO) is refused as not one month. */
bool cli_month(const char *s, vr_month *out, diag *d);

/* The most months one command covers with a range (dry-run, diff, sweep;
 * report has the same, FIGURES_MAX_MONTHS): ten years, month by month. */
enum { CLI_MAX_MONTHS = 120 };

/* Parses --month of a command that takes a range: one month as cli_month
 * reads it (*FROM = *TO), or FROM..TO, each side read so, the first not
 * after the last and at most CLI_MAX_MONTHS months. *RANGE says whether S
 * was written as a range. WHAT names the command in the message past the
 * limit ("a dry-run covers at most 120 months; ..."). */
bool cli_month_range(const char *s, const char *what, vr_month *from, vr_month *to, bool *range, diag *d);
/* The same, with NOW as the present moment. */
bool cli_month_at(const char *s, time_t now, vr_month *out, diag *d);

/* Flushes standard output: 0 when everything written to it so far has
 * reached it, else the errno of the failure. */
int cli_output_error(void);
/* After a command that returned RC: flushes and closes standard output.
 * When not all of it could be written and the command had succeeded (RC 0
 * or 1), reports "cannot write the output: reason" and returns
 * EXIT_OUTPUT; otherwise RC (a command that failed has said why). */
int cli_finish_output(int rc, diag *d);
/* Writes a command's result with WRITE(out, CTX) to OUTPUT: standard output
 * when OUTPUT is NULL or "-" (checked by main), else a regular file written
 * whole or not at all (outfile.h), never one of the NINPUTS files INPUTS the
 * command read. WHAT names the result in the message when WRITE runs out of
 * memory ("the report"). EXIT_OK, EXIT_USAGE for a refused path, else
 * EXIT_OUTPUT, said on D. */
int cli_write_output(const char *output, const char *const *inputs, size_t ninputs,
		     bool (*write)(FILE *out, const void *ctx), const void *ctx, const char *what, diag *d);

/* The language of a page (report and sweep's html): GIVEN (`--lang nl`
 * or `en`), else Dutch when the locale (LC_ALL, else LC_MESSAGES, else
 * LANG: the first that is set) is `nl` or `nl_*`. False, reported, for
 * another --lang. */
bool cli_lang(const char *given, bool *dutch, diag *d);

/* Maps a store status to an exit code. */
int cli_store_exit(enum store_status st);

int cmd_lint(int argc, char **argv, diag *d);
int cmd_compile(int argc, char **argv, diag *d);
int cmd_disasm(int argc, char **argv, diag *d);
int cmd_import(int argc, char **argv, diag *d);
int cmd_dry_run(int argc, char **argv, diag *d);
int cmd_run(int argc, char **argv, diag *d);
int cmd_runs(int argc, char **argv, diag *d);
int cmd_decisions(int argc, char **argv, diag *d);
int cmd_explain(int argc, char **argv, diag *d);
int cmd_show(int argc, char **argv, diag *d);
int cmd_purge(int argc, char **argv, diag *d);
int cmd_forget(int argc, char **argv, diag *d);
int cmd_feedback(int argc, char **argv, diag *d);
int cmd_help(int argc, char **argv, diag *d);
int cmd_diff(int argc, char **argv, diag *d);
int cmd_test(int argc, char **argv, diag *d);
int cmd_fmt(int argc, char **argv, diag *d);
int cmd_report(int argc, char **argv, diag *d);
int cmd_sweep(int argc, char **argv, diag *d);

/* The usage text of COMMAND (NULL: the overview), as docs/ shows it. */
const char *cli_usage(const char *command);

#endif
