/* help.c - usage text for each command; docs/operators-guide.md and
 * docs/vroeg.1 carry the same text. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct usage {
	const char *command;
	const char *text;
} usage;

static const usage usages[] = {
	{ NULL,
	  "usage: vroeg COMMAND [OPTIONS] [ARGS]\n"
	  "\n"
	  "Policies:\n"
	  "  lint [--strict] FILE...         check rule files; exit 0 clean, 1 warnings, 2 errors\n"
	  "  compile FILE [-o OUT.vrb]       compile a rule file to bytecode\n"
	  "  disasm FILE.vrb                 list a compiled policy with its source lines\n"
	  "  test POLICY [TESTS]             run a policy's tests (default POLICY.tests)\n"
	  "  fmt [--check] FILE...           rewrite rule files in the canonical layout\n"
	  "Data:\n"
	  "  import --db DB [--outcomes] FILE...   import creditors' signals (or outcomes) CSV; - = stdin\n"
	  "Retention:\n"
	  "  purge --db DB [--before M | --keep N] [--force]   remove the months before a cut\n"
	  "  forget --db DB --household H          remove every trace of one household\n"
	  "Months:\n"
	  "  dry-run --db DB --month M POLICY      decisions for a month, writing nothing\n"
	  "  dry-run --signals F [--outcomes F] --month M POLICY   the same without a store\n"
	  "  run --db DB --month M|previous [--replace] POLICY     decide and record a month\n"
	  "  runs --db DB                          the run history\n"
	  "  decisions --db DB --month M           a recorded month's decisions\n"
	  "  explain --db DB --month M --household H [POLICY] one household's path\n"
	  "  show --db DB --month M [--source]     the policy a recorded run was made with\n"
	  "  diff --db DB --month M OLD NEW        what changing a policy does to a month\n"
	  "  report --db DB --months FROM..TO      the months' figures: table, csv, json, html\n"
	  "  sweep --db DB --month M --set N=V,V... POLICY   try values of named numbers\n"
	  "Creditors:\n"
	  "  feedback --db DB --as-of D --out DIR  the feedback that became due, a file each\n"
	  "  help [COMMAND]                        this text, or a command's\n"
	  "\n"
	  "POLICY is a rule file (.vroeg) or a compiled policy (.vrb). DB may also be\n"
	  "given as $VROEG_DB. dry-run, run, explain, diff and test take --set NAME=VALUE\n"
	  "(repeatable): a number the policy names, given another value for that call.\n"
	  "dry-run, diff and sweep take a range of months, --month FROM..TO.\n"
	  "Exit codes: 0 ok, 1 lint warnings, 2 policy error, 3 data error, 4 store busy,\n"
	  "5 store or output error, 64 usage error.\n" },
	{ "lint",
	  "usage: vroeg lint [--strict] FILE...\n"
	  "Checks each rule file: syntax, names, types and units, buckets, rules.\n"
	  "Messages read FILE:LINE:COL: error|warning: message, then the line and a caret.\n"
	  "Exit 0 when clean, 1 with warnings only (2 with --strict), 2 with errors.\n" },
	{ "compile",
	  "usage: vroeg compile FILE [-o OUT.vrb]\n"
	  "Compiles a rule file to a versioned bytecode file (default: FILE with .vrb).\n"
	  "The file records the policy's name and version and the SHA-256 of its source.\n"
	  "Exit 2 when the policy has errors. OUT is replaced all or nothing; it must be\n"
	  "a regular file (or new) and not FILE itself (exit 64). -o - is standard output.\n" },
	{ "disasm",
	  "usage: vroeg disasm FILE.vrb\n"
	  "Prints a compiled policy: constants, named numbers, buckets, rules and every\n"
	  "function's instructions with their source lines. A damaged file is refused\n"
	  "(exit 2).\n" },
	{ "import",
	  "usage: vroeg import --db DB [--outcomes] FILE...\n"
	  "Imports a signals CSV (with --outcomes: an outcomes CSV) into the store; - reads\n"
	  "standard input. Either dialect: `,` with `.` decimals, or `;` with `,` decimals.\n"
	  "All or nothing per file: every bad row is reported as FILE:LINE: column: problem\n"
	  "and then nothing of the file is stored (exit 3). Re-importing a file changes\n"
	  "nothing; a signal_id stored with other content is a conflict (exit 3).\n" },
	{ "dry-run",
	  "usage: vroeg dry-run --db DB --month YYYY-MM [--format table|csv|json] POLICY\n"
	  "       vroeg dry-run --signals FILE [--outcomes FILE] --month YYYY-MM POLICY\n"
	  "       (both also [--set NAME=VALUE]... and --month FROM..TO)\n"
	  "Evaluates POLICY over the month and prints the decisions and a summary; writes\n"
	  "nothing. With csv or json the decisions go to standard output and the summary to\n"
	  "standard error. --summary prints only the summary, --no-summary only decisions.\n"
	  "--month FROM..TO (at most 120 months) decides each month as a dry-run of that\n"
	  "month alone and prints them in order (csv with one header row; the month column\n"
	  "tells them apart), each with its summary, then a summary of the months together.\n"
	  "--set NAME=VALUE gives a number the policy names (`define NAME = ...`) another\n"
	  "value, written as in the policy (150, 150.50, \"EUR 150\"); at most 64. An unknown\n"
	  "name or a value of the wrong kind is a usage error (exit 64).\n" },
	{ "run",
	  "usage: vroeg run --db DB --month YYYY-MM|previous [--replace] [--format F]\n"
	  "                 [--set NAME=VALUE]... POLICY\n"
	  "Evaluates POLICY over the month and records the run and its decisions in one\n"
	  "transaction. The same month with the same policy again reports the recorded run\n"
	  "and changes nothing; with another policy it is refused (exit 3) unless --replace,\n"
	  "which keeps the earlier run in the history, marked superseded. A second run on the\n"
	  "same store waits up to 10 s, then exits 4. --set as for dry-run; the run records\n"
	  "the values it was given.\n" },
	{ "runs",
	  "usage: vroeg runs --db DB\n"
	  "Lists every recorded run, oldest first, superseded ones included, each with the\n"
	  "run that superseded it.\n" },
	{ "decisions",
	  "usage: vroeg decisions --db DB --month YYYY-MM [--format table|csv|json]\n"
	  "Prints the recorded decisions of the month's current run, as dry-run does.\n" },
	{ "explain",
	  "usage: vroeg explain --db DB --month YYYY-MM --household KEY [POLICY]\n"
	  "       vroeg explain --signals FILE [--outcomes FILE] --month YYYY-MM --household KEY POLICY\n"
	  "       (both also [--set NAME=VALUE]...)\n"
	  "Shows one household's path: its signals and whether each counts (and why not),\n"
	  "the household's facts, definitions and named numbers, every rule tried in order,\n"
	  "every bucket it passed through with the policy line of each step (the rule, no\n"
	  "place, a redirect, a back-fill) to where it ended and its place, and the contact\n"
	  "term's due date. --set as for dry-run. When the month has a recorded run,\n"
	  "explain reads the data as that run read it and ends with the recorded decision;\n"
	  "without POLICY it explains with the policy (and the --set values) the run kept.\n"
	  "A POLICY that is not the run's is said to be so, with both decisions.\n" },
	{ "show",
	  "usage: vroeg show --db DB --month YYYY-MM|previous [--source]\n"
	  "       vroeg show --db DB --run N [--source]\n"
	  "Prints a recorded run (the month's current run, or run N of `vroeg runs`) and\n"
	  "the policy it was made with, as the store kept it: the rule text byte for byte,\n"
	  "or for a run made from a compiled policy (.vrb) the listing of that program.\n"
	  "--source prints only the rule text (exit 3 when the run kept none).\n" },
	{ "diff",
	  "usage: vroeg diff --db DB --month YYYY-MM [--format table|csv|json] OLD NEW\n"
	  "       vroeg diff --signals FILE [--outcomes FILE] --month YYYY-MM OLD NEW\n"
	  "       vroeg diff ... [--set NAME=VALUE]... POLICY\n"
	  "       (each also --month FROM..TO: each month, then the months together)\n"
	  "Evaluates both versions of a policy over the same month. The table shows how\n"
	  "many households move from bucket to bucket, capacity use before and after, and\n"
	  "the households that change. csv and json give only the households that change:\n"
	  "household,old_bucket,new_bucket,old_reason,new_reason,old_overflowed_from,\n"
	  "new_overflowed_from (then old_due,new_due when either has a contact term), then\n"
	  "old_LABEL and new_LABEL columns. Either policy may be - (standard input).\n"
	  "--set gives named numbers of NEW other values; with one POLICY, the policy as\n"
	  "written is OLD and the same with the values set is NEW. Exit 0 when the\n"
	  "comparison ran, 2 when a policy has an error; the store and input files give\n"
	  "the exit codes of the other commands. Over a range of months, each csv and json\n"
	  "row begins with its month.\n" },
	{ "test",
	  "usage: vroeg test [--set NAME=VALUE]... POLICY [TESTS]\n"
	  "Runs the tests of a policy (default: the policy's name with .tests), written as\n"
	  "docs/tests.md describes: each test one household or a month of them, with the\n"
	  "bucket, place or count each must get. A test signal has no phone and no e-mail\n"
	  "unless it says `phone` or `email`. A failure reads FILE:LINE: test \"NAME\"\n"
	  "failed: expected X, got Y (decided by RULE). The last line names the rules,\n"
	  "buckets, exclusion reasons and paths between buckets that no test reaches.\n"
	  "Exit 0 when all pass, 1 when one fails, 2 on a policy error, 3 on a mistake in\n"
	  "the tests file (FILE:LINE:COL: error: ..., as lint reports a rule file's).\n"
	  "--set runs the tests against other values of named numbers (as for dry-run).\n" },
	{ "fmt",
	  "usage: vroeg fmt [--check] FILE...\n"
	  "Rewrites each rule file in the one canonical layout: single spaces, `->` aligned\n"
	  "in a run of rules, bucket clauses aligned, continuation lines under the clauses,\n"
	  "comments kept, at most one blank line. Meaning never changes (both versions are\n"
	  "compiled and compared) and formatting twice changes nothing. - formats standard\n"
	  "input to standard output. --check changes nothing and exits 1 when a file is not\n"
	  "formatted (for CI); a file with errors is left alone (exit 2).\n" },
	{ "report",
	  "usage: vroeg report --db DB --months FROM..TO [--format table|csv|json|html]\n"
	  "       vroeg report --db DB --month YYYY-MM [--format F] [-o FILE] [--lang nl|en]\n"
	  "                    [--min-count N]\n"
	  "Adds up what the store recorded for each month: signals per sector and creditor,\n"
	  "households with a signal (new or returning); the run's households per bucket and\n"
	  "per exclusion reason, capacity, demand, the moves between buckets, labels; the\n"
	  "first outcome per bucket and the share reached. A month without a run shows its\n"
	  "signals. csv: month,measure,bucket,category,value; html: one page with charts that\n"
	  "fetches nothing (--lang, default from the locale). Counts only; --min-count N\n"
	  "writes counts from 1 to N-1 as <N. -o writes FILE whole or not at all.\n" },
	{ "sweep",
	  "usage: vroeg sweep --db DB --month M|FROM..TO --set NAME=V1,V2,... POLICY\n"
	  "       vroeg sweep --signals FILE [--outcomes FILE] --month M|FROM..TO --set ... POLICY\n"
	  "       (both also [--set NAME2=...]... [--format table|csv|json|html] [-o FILE]\n"
	  "       [--lang nl|en])\n"
	  "Tries every combination of the values given to numbers the policy names (the\n"
	  "variants; the first name varies slowest) over each month, each decided exactly\n"
	  "as dry-run --set with those values decides it, reading each month once for up\n"
	  "to 32 variants that decide differently. Per variant, month and bucket: the\n"
	  "households that end there, the demand (sent there by a rule), capacity, places,\n"
	  "where the others went; the exclusions per reason. csv: the names, then\n"
	  "month,bucket,households,demand (money as 150.00); json: a line per row with the\n"
	  "rest; html: one page with a chart of demand against capacity per variant, that\n"
	  "fetches nothing. Values as for --set, separated by commas (150.50, not 150,50).\n"
	  "At most 1000 variants, and 12000 variants x months.\n"
	  "Writes nothing to the store; -o writes FILE whole or not at all.\n" },
	{ "purge",
	  "usage: vroeg purge --db DB [--before YYYY-MM | --keep MONTHS] [--force] [--dry-run]\n"
	  "Removes every signal received, outcome dated and decision of a run for a month\n"
	  "before the cut, and the feedback records of them, in one transaction, after\n"
	  "freezing the month figures `report` shows; runs, their policies and the figures\n"
	  "stay. Then wipes the store file and its journal of the removed bytes. --keep N\n"
	  "cuts N months before this month and keeps N in the store, so that later\n"
	  "`vroeg purge --db DB` cuts the same way. Refused (exit 3) when a run's policy\n"
	  "still reads a month it would remove, naming the latest cut it may make, unless\n"
	  "--force. Prints what it removed.\n" },
	{ "forget",
	  "usage: vroeg forget --db DB --household KEY [--dry-run]\n"
	  "Removes every trace of one household (signals, outcomes, decisions of every\n"
	  "run, feedback records), in one transaction, after freezing the figures of the\n"
	  "months it appears in, then wipes the store file and its journal of the removed\n"
	  "bytes. Prints what it removed per month; a key the store does not hold removes\n"
	  "nothing (exit 0).\n" },
	{ "feedback",
	  "usage: vroeg feedback --db DB --as-of YYYY-MM-DD --out DIR [--dialect comma|dutch]\n"
	  "       vroeg feedback --db DB --again BATCH --out DIR\n"
	  "Writes the feedback to creditors that is due by the day given and was not given\n"
	  "before, as one batch: a CSV file per creditor in DIR, named BATCH-NAME-HASH.csv,\n"
	  "with a row per signal (signal_id,received,code,meaning,date); only months with\n"
	  "a recorded run are fed back. All or nothing: the files are written under hidden\n"
	  "names, the batch is recorded, then the files are named, never over a file that\n"
	  "exists; a call stopped after the record is finished by the next. --dialect\n"
	  "dutch separates with `;`. --again writes batch BATCH again, exactly, into DIR.\n"
	  "Prints each file and its creditor.\n" },
	{ "help",
	  "usage: vroeg help [COMMAND]\n" },
};

const char *cli_usage(const char *command)
{
	for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++) {
		if (!command && !usages[i].command)
			return usages[i].text;
		if (command && usages[i].command && strcmp(command, usages[i].command) == 0)
			return usages[i].text;
	}
	return NULL;
}

int cmd_help(int argc, char **argv, diag *d)
{
	if (argc < 2) {
		fputs(cli_usage(NULL), stdout);
		return EXIT_OK;
	}
	const char *text = cli_usage(argv[1]);
	if (!text) {
		diag_error(d, "no command `%s`; `vroeg help` lists them", argv[1]);
		return EXIT_USAGE;
	}
	fputs(text, stdout);
	return EXIT_OK;
}
