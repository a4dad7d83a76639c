/* parse.c - runs the reentrant scanner and pure parser over one rule file.
 * No state outlives the call except the tree, which lives in the arena. */
#include "parse.h"

#include "parser.h"
#include "lexer.h"

ast_file *parse_rules(arena *a, diag *d, const char *name, const char *text, size_t len)
{
	ast_file *file = arena_alloc(a, sizeof *file);
	file->source.name = name;
	file->source.text = text;
	file->source.len = len;
	file->tail = &file->stmts;

	parse_ctx ctx = { .arena = a, .diag = d, .file = file, .line = 1, .col = 1 };
	yyscan_t scanner;
	if (yylex_init_extra(&ctx, &scanner) != 0) {
		diag_error(d, "%s: cannot start the scanner", name);
		return file;
	}
	YY_BUFFER_STATE buf = yy_scan_bytes(text, (int)len, scanner);
	const int rc = yyparse(scanner, &ctx);
	yy_delete_buffer(buf, scanner);
	yylex_destroy(scanner);
	if (rc == 2)
		diag_error(d, "%s: out of memory while parsing", name);
	else if (rc != 0 && d->errors == 0)
		diag_error(d, "%s: cannot parse", name);
	return file;
}
