/* opdoc.c - prints the opcode table of docs/bytecode.md from bc_ops, the
 * table the X-macro in bytecode.h generates, so the docs cannot drift from the
 * instruction set. `opdoc` prints the table; `opdoc FILE` prints FILE with the
 * text between its opcode markers replaced by the current table (compare it
 * with FILE to find drift, or write it back to regenerate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"

static const char begin_marker[] = "<!-- opcodes:begin -->";
static const char end_marker[] = "<!-- opcodes:end -->";

static void print_table(FILE *out)
{
	fputs("| opcode | operands | pops | pushes | meaning |\n", out);
	fputs("|---|---|---|---|---|\n", out);
	for (int op = 0; op < BC_OP_COUNT; op++) {
		fprintf(out, "| `%s` | ", bc_ops[op].name);
		if (bc_ops[op].operands == 0)
			fputs("-", out);
		for (int k = 0; k < bc_ops[op].operands; k++)
			fprintf(out, "%s%c", k ? " " : "", 'A' + k);
		fprintf(out, " | %d | %d | ", bc_ops[op].pops, bc_ops[op].pushes);
		for (const char *c = bc_ops[op].meaning; *c; c++) {
			if (*c == '|')
				fputc('\\', out);
			fputc(*c, out);
		}
		fputs(" |\n", out);
	}
}

/* The whole of file PATH, NUL-terminated, or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			char *grown = realloc(text, cap);
			if (!grown) {
				free(text);
				fclose(f);
				return NULL;
			}
			text = grown;
		}
		const size_t n = fread(text + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	const int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		print_table(stdout);
		return EXIT_SUCCESS;
	}
	if (argc != 2) {
		fputs("usage: opdoc [docs/bytecode.md]\n", stderr);
		return 2;
	}
	char *text = slurp(argv[1]);
	if (!text) {
		fprintf(stderr, "opdoc: cannot read %s\n", argv[1]);
		return EXIT_FAILURE;
	}
	char *begin = strstr(text, begin_marker);
	char *end = begin ? strstr(begin, end_marker) : NULL;
	if (!end) {
		fprintf(stderr, "opdoc: %s has no %s ... %s\n", argv[1], begin_marker, end_marker);
		free(text);
		return EXIT_FAILURE;
	}
	begin += strlen(begin_marker);
	fwrite(text, 1, (size_t)(begin - text), stdout);
	fputc('\n', stdout);
	print_table(stdout);
	fputs(end, stdout);
	free(text);
	return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
