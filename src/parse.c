/* parse.c - runs the reentrant scanner and pure parser over one rule file.
 * No state outlives the call except the tree, which lives in the arena.
 * A UTF-8 byte order mark is skipped (positions count from after it); a file
 * in UTF-16 is refused as a whole, before any scanning. */
#include "parse.h"

#include "parser.h"
#include "lexer.h"
#include "utf8.h"

ast_file *parse_rules(arena *a, diag *d, const char *name, const char *text, size_t len)
{
	/* Editors on Windows often start a UTF-8 file with a byte order mark. */
	const size_t bom = utf8_bom(text, len);
	text += bom;
	len -= bom;
	ast_file *file = arena_alloc(a, sizeof *file);
	file->source.name = name;
	file->source.text = text;
	file->source.len = len;
	file->tail = &file->stmts;

	const enum utf8_utf16 utf16 = utf8_utf16(text, len);
	if (utf16 != UTF16_NO) {
		/* Quoting its first line would only show the NULs. */
		const diag_source unquoted = { name, NULL, 0 };
		diag_at(d, &unquoted, (diag_loc){ 1, 1, 1, 1 }, DIAG_ERROR, "this file is UTF-16 (%s); save it as UTF-8",
			utf16 == UTF16_BOM ? "it starts with a UTF-16 byte order mark" : "every other byte is NUL");
		return file;
	}
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
