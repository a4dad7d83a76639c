/* main.c - the vroeg command line: dispatches to a command and turns its
 * result into the exit code, after checking that all its standard output
 * was written. Only main writes to the terminal on its own behalf; library
 * code reports through the diag sink set up here. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv, diag *d);
} command;

static const command commands[] = {
	{ "lint", cmd_lint },           { "compile", cmd_compile },
	{ "disasm", cmd_disasm },       { "import", cmd_import },
	{ "dry-run", cmd_dry_run },     { "run", cmd_run },
	{ "runs", cmd_runs },           { "decisions", cmd_decisions },
	{ "explain", cmd_explain },     { "diff", cmd_diff },
	{ "show", cmd_show },           { "test", cmd_test },
	{ "fmt", cmd_fmt },             { "report", cmd_report },
	{ "purge", cmd_purge },         { "forget", cmd_forget },
	{ "sweep", cmd_sweep },         { "feedback", cmd_feedback },
	{ "help", cmd_help },
};

static int run_command(int argc, char **argv, diag *d)
{
	if (argc < 2) {
		fputs(cli_usage(NULL), stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(1, argv, d);
	if (strcmp(argv[1], "--version") == 0) {
		puts("vroeg 0.1");
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		for (int j = 2; j < argc; j++)
			if (strcmp(argv[j], "--help") == 0) {
				fputs(cli_usage(commands[i].name), stdout);
				return EXIT_OK;
			}
		const int rc = commands[i].run(argc - 1, argv + 1, d);
		diag_finish(d);
		return rc;
	}
	const char *names[sizeof commands / sizeof commands[0]];
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		names[i] = commands[i].name;
	const char *s = diag_suggest(argv[1], names, sizeof names / sizeof names[0]);
	diag_error(d, "no command `%s`%s%s%s; `vroeg help` lists them", argv[1],
		   s ? " (did you mean `" : "", s ? s : "", s ? "`?)" : "");
	return EXIT_USAGE;
}

/* A standard file descriptor the caller closed is opened on /dev/null:
 * else the next file opened (a rule file rewritten by fmt, a compiled
 * policy) would take its number, and output or messages meant for the
 * terminal would be written into it. (open takes the lowest free number,
 * so going up from 0 gives each its own.) */
static bool open_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	if (!open_standard_fds())
		return EXIT_OUTPUT;   /* nowhere safe to say so */
	diag d;
	diag_init(&d, stderr);
	d.max_errors = 100;
	d.max_warnings = 100;
	/* Every command's output is checked here, once: a full disk or a
	 * closed pipe is an error, never an exit 0 with nothing written. */
	return cli_finish_output(run_command(argc, argv, &d), &d);
}
