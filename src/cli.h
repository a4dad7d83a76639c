/* cli.h - what the command implementations share: exit codes, argument
 * parsing, reading files, loading a policy (rule text or .vrb), opening the
 * store. Only main and the cmd_* files use it. */
#ifndef VROEG_CLI_H
#define VROEG_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "bytecode.h"
#include "diag.h"
#include "store.h"

/* Exit codes, for schedulers and scripts (docs/operators-guide.md). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_WARNINGS = 1,     /* lint: warnings only */
	EXIT_POLICY = 2,       /* the policy has errors, or a .vrb is refused */
	EXIT_DATA = 3,         /* bad rows, conflicts, a month run with another policy */
	EXIT_BUSY = 4,         /* another process holds the store */
	EXIT_STORE = 5,        /* cannot open or write the store */
	EXIT_USAGE = 64        /* the command line is wrong */
};

/* A command's options: --name value, --name=value, or --flag. */
typedef struct cli_args {
	int argc;
	char **argv;
	int pos;                 /* next argument to look at */
	const char *positional[64];
	int npositional;
} cli_args;

typedef struct cli_option {
	const char *name;        /* without the dashes */
	bool takes_value;
	const char **value;      /* set to the value, or "" for a flag */
} cli_option;

/* Parses ARGV against OPTIONS; positional arguments are collected. Reports an
 * unknown option or a missing value to D and returns false. */
bool cli_parse(int argc, char **argv, const cli_option *options, cli_args *out, diag *d);

/* The most cli_read_file reads: a rule file, a tests file or a compiled
 * policy is at most this many bytes (docs/language.md, "Limits"). */
#define CLI_MAX_FILE (16L << 20)

/* Reads all of PATH ("-" = standard input) into a malloc'ed, NUL-terminated
 * buffer. A file longer than CLI_MAX_FILE is refused (reported) after
 * reading one byte past the limit, so /dev/zero or a pipe that never ends
 * costs no more. */
char *cli_read_file(const char *path, size_t *len, diag *d);

/* Loads POLICY: a rule file (compiled) or a .vrb (read and verified).
 * Returns EXIT_OK or EXIT_POLICY (reported). */
int cli_load_policy(const char *path, bc_program *p, diag *d);
/* The same, reporting only errors when WARNINGS is false. */
int cli_load_policy_opt(const char *path, bc_program *p, diag *d, bool warnings);

/* Opens the store named by DB (or $VROEG_DB), creating it unless MUST_EXIST.
 * NULL after reporting. */
store *cli_open_store(const char *db, bool must_exist, diag *d);

/* The store a dry-run (or diff, or explain) reads: --db, or a private
 * in-memory one filled from --signals (and --outcomes) files. *RC gets the
 * exit code when NULL is returned. */
store *cli_dry_run_store(const char *db, const char *signals, const char *outcomes, diag *d, int *rc);

/* Parses --month: YYYY-MM, or "previous" for the month before today. */
bool cli_month(const char *s, vr_month *out, diag *d);

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
int cmd_help(int argc, char **argv, diag *d);
int cmd_diff(int argc, char **argv, diag *d);
int cmd_test(int argc, char **argv, diag *d);
int cmd_fmt(int argc, char **argv, diag *d);

/* The usage text of COMMAND (NULL: the overview), as docs/ shows it. */
const char *cli_usage(const char *command);

#endif
