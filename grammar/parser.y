/* parser.y - the grammar of the policy language. A pure, reentrant LALR(1)
 * parser with locations; its actions only build tree nodes (one call each).
 * Each statement is one line (indented lines continue it), so after a syntax
 * error the parser resynchronises at the next line and reports every error in
 * a file in one pass. Semantic values live in the compilation's arena, so
 * values dropped during recovery need no destructor. */

%code requires {
#include "ast.h"
#include "parse.h"
typedef void *yyscan_t;

/* Locations are diag_loc (line, col, end_line, end_col): a rule spans from its
 * first symbol to its last; an empty rule sits where the previous one ended. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                      \
	do {                                                             \
		if (N) {                                                 \
			(Cur).line = YYRHSLOC(Rhs, 1).line;              \
			(Cur).col = YYRHSLOC(Rhs, 1).col;                \
			(Cur).end_line = YYRHSLOC(Rhs, N).end_line;      \
			(Cur).end_col = YYRHSLOC(Rhs, N).end_col;        \
		} else {                                                 \
			(Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line; \
			(Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col;    \
		}                                                        \
	} while (0)

/* A token's text and, for numbers, its value (cents for amounts). */
struct parse_token {
	const char *text;
	int64_t num;
};
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include <limits.h>
#include <string.h>

#include "hint.h"

#define A (ctx->arena)

static ast_window no_window(diag_loc loc)
{
	ast_window w = { WIN_THIS_MONTH, 1, false, NULL, loc };
	return w;
}

/* The checker refuses a window past its limit; here it only has to fit. */
static ast_window window(enum ast_window_kind kind, int64_t months, diag_loc loc)
{
	ast_window w = { kind, months > INT_MAX ? INT_MAX : (int)months, true, NULL, loc };
	return w;
}

/* A window whose length is a name: kept for the checker to refuse. */
static ast_window named_window(enum ast_window_kind kind, const char *name, diag_loc loc)
{
	ast_window w = { kind, 1, true, name, loc };
	return w;
}

static ast_feedback feedback(const char *name, int64_t number, diag_loc loc)
{
	ast_feedback f = { true, name, number, loc, 0 };
	return f;
}

static ast_name name(const char *text, diag_loc loc)
{
	ast_name n = { text, loc };
	return n;
}

static ast_stmt *stmt(parse_ctx *ctx, enum ast_stmt_kind kind, diag_loc loc)
{
	return ast_stmt_new(A, kind, loc);
}

/* A bucket's clauses, a label's cases and a bucket's order keys are put in
 * front of their list, one step each however long it grows, and the list
 * is turned round once complete. */
static ast_clause *clauses_in_order(ast_clause *c)
{
	ast_clause *done = NULL;
	while (c) {
		ast_clause *next = c->next;
		c->next = done;
		done = c;
		c = next;
	}
	return done;
}

static ast_label_case *cases_in_order(ast_label_case *c)
{
	ast_label_case *done = NULL;
	while (c) {
		ast_label_case *next = c->next;
		c->next = done;
		done = c;
		c = next;
	}
	return done;
}

static ast_order_key *keys_in_order(ast_order_key *k)
{
	ast_order_key *done = NULL;
	while (k) {
		ast_order_key *next = k->next;
		k->next = done;
		done = k;
		k = next;
	}
	return done;
}

/* Opens a parenthesis or a `not` at LOC; false (reported) past the limit. */
static bool nest_in(parse_ctx *ctx, diag_loc loc)
{
	if (++ctx->nesting <= PARSE_MAX_NESTING)
		return true;
	diag_at(ctx->diag, &ctx->file->source, loc, DIAG_ERROR,
		"parentheses and `not` nested more than %d deep; split the condition with `define`", PARSE_MAX_NESTING);
	return false;
}

static void yyerror(YYLTYPE *loc, yyscan_t scanner, parse_ctx *ctx, const char *msg)
{
	(void)scanner;
	diag_at(ctx->diag, &ctx->file->source, *loc, DIAG_ERROR, "%s", msg);
}
}

%define api.pure full
%define api.location.type {diag_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {parse_ctx *ctx}
%expect 0

%initial-action {
	@$.line = @$.end_line = 1;
	@$.col = @$.end_col = 1;
}

%union {
	struct parse_token tok;
	ast_expr *expr;
	ast_stmt *stmt;
	ast_clause *clause;
	ast_order_key *order;
	ast_label_case *label_case;
	ast_window window;
	enum ast_cmp cmp;
	enum ast_agg agg;
	ast_feedback feedback;
	enum ast_term_unit unit;
}

%token <tok> IDENT "name" STRING "text in quotes" INT "number" DECIMAL "amount"
%token <tok> MONEY "amount in euros" MONTH_LIT "month (YYYY-MM)"
%token NEWLINE "end of line"
%token ARROW "->" EQ "=" NE "!=" LT "<" LE "<=" GT ">" GE ">="
%token LPAREN "(" RPAREN ")" LBRACE "{" RBRACE "}" COMMA ","
%token POLICY "policy" VERSION "version" EFFECTIVE "effective"
%token EXCLUDE "exclude" BEFORE "before" COUNTING "counting" WHEN "when"
%token COUNT "count" SIGNAL "signal" SKIP "skip" DEFINE "define"
%token OTHERWISE "otherwise" BUCKET "bucket" CAPACITY "capacity" BY "by"
%token UNLIMITED "unlimited"
%token ASC "asc" DESC "desc" OVERFLOW "overflow" TO "to" WITHOUT "without"
%token SPREAD "spread" OVER "over" BACKFILL "backfill" FROM "from"
%token NO "no" FOLLOW_UP "follow-up" LABEL "label" ELSE "else"
%token AND "and" OR "or" NOT "not" IN "in" IS "is" MISSING "missing"
%token KNOWN "known" BETWEEN "between" ANY "any" ALL "all"
%token CREDITORS "creditors" SECTORS "sectors" SIGNALS "signals"
%token MONTHS "months" MONTH "month" WITH "with" OUTCOMES "outcomes"
%token TOTAL "total" MAX "max" MIN "min" SAME "same" WITHIN "within"
%token THIS "this" IN_PREVIOUS "in previous"
%token FEEDBACK "feedback" ROTATING "rotating" WORKING "working"
%token DAYS "days" DAY "day" WEEKS "weeks" WEEK "week"

%type <expr> expr cond value aggregate set set_items with_opt scond svalue literal
%type <stmt> stmt bucket_head label_head
%type <clause> clause
%type <order> order_keys order_key
%type <label_case> label_case
%type <window> window window_opt
%type <cmp> cmp
%type <agg> field_agg
%type <tok> version
%type <feedback> feedback feedback_opt
%type <unit> term_unit

/* "backfill from X by ..." orders the back-fill, not the bucket. */
%precedence BACKFILL_PLAIN
%precedence BY
/* "any x = 1" takes the comparison: a condition's operator binds to the value
 * next to it, never to the aggregate around it. */
%precedence SCOND_PLAIN
%precedence EQ NE LT LE GT GE BETWEEN IN IS
%left OR
%left AND
%precedence NOT

%%

file:
	%empty
	| file line
	;

/* Each line starts with nothing open, even after an error inside parentheses. */
line:
	NEWLINE                 { ctx->nesting = 0; }
	| stmt NEWLINE          { ast_append(ctx->file, $1); ctx->nesting = 0; }
	| error NEWLINE         { yyerrok; ctx->nesting = 0; }
	;

stmt:
	POLICY STRING version
		{ $$ = stmt(ctx, S_POLICY, @$); $$->name = name($2.text, @2); $$->version = $3.text; }
	| POLICY STRING version EFFECTIVE MONTH_LIT
		{ $$ = stmt(ctx, S_POLICY, @$); $$->name = name($2.text, @2); $$->version = $3.text;
		  $$->effective = (vr_month)$5.num; $$->has_effective = true; }
	| EXCLUDE STRING BEFORE COUNTING WHEN expr feedback_opt
		{ $$ = stmt(ctx, S_EXCLUDE_BEFORE, @$); $$->reason = $2.text; $$->reason_loc = @2; $$->cond = $6;
		  $$->feedback = $7; }
	| EXCLUDE STRING WHEN expr feedback_opt
		{ $$ = stmt(ctx, S_EXCLUDE, @$); $$->reason = $2.text; $$->reason_loc = @2; $$->cond = $4;
		  $$->feedback = $5; }
	| COUNT SIGNAL WHEN expr
		{ $$ = stmt(ctx, S_COUNT, @$); $$->cond = $4; }
	| SKIP SIGNAL STRING WHEN expr feedback_opt
		{ $$ = stmt(ctx, S_SKIP, @$); $$->reason = $3.text; $$->reason_loc = @3; $$->cond = $5;
		  $$->feedback = $6; }
	| SKIP SIGNAL STRING WHEN expr ARROW IDENT feedback_opt
		{ $$ = stmt(ctx, S_SKIP, @$); $$->reason = $3.text; $$->reason_loc = @3; $$->cond = $5;
		  $$->name = name($7.text, @7); $$->feedback = $8; }
	| DEFINE IDENT EQ expr
		{ $$ = stmt(ctx, S_DEFINE, @$); $$->name = name($2.text, @2); $$->cond = $4; $$->define_form = true; }
	| IDENT WHEN expr
		{ $$ = stmt(ctx, S_DEFINE, @$); $$->name = name($1.text, @1); $$->cond = $3; }
	| expr ARROW IDENT
		{ $$ = stmt(ctx, S_RULE, @$); $$->name = name($3.text, @3); $$->cond = $1; }
	| OTHERWISE ARROW IDENT
		{ $$ = stmt(ctx, S_RULE, @$); $$->name = name($3.text, @3); }
	| bucket_head           { $$ = $1; $$->clauses = clauses_in_order($$->clauses); }
	| label_head            { $$ = $1; $$->cases = cases_in_order($$->cases); }
	;

feedback_opt:
	%empty                  { $$ = (ast_feedback){ false, NULL, 0, @$, 0 }; }
	| feedback
	;

feedback:
	FEEDBACK INT            { $$ = feedback(NULL, $2.num, @2); }
	| FEEDBACK IDENT        { $$ = feedback($2.text, 0, @2); }
	;

version:
	%empty                  { $$.text = ""; $$.num = 0; }
	| VERSION STRING        { $$ = $2; }
	| VERSION INT           { $$ = $2; }
	| VERSION DECIMAL       { $$ = $2; }
	| VERSION MONTH_LIT     { $$ = $2; }
	;

bucket_head:
	BUCKET IDENT
		{ $$ = stmt(ctx, S_BUCKET, @$); $$->name = name($2.text, @2); }
	| bucket_head clause
		{ $$ = $1; $2->next = $$->clauses; $$->clauses = $2; $$->loc = ast_span($$->loc, @2); }
	;

clause:
	CAPACITY INT
		{ $$ = ast_clause_new(A, CL_CAPACITY, @$); $$->capacity = $2.num; }
	| CAPACITY UNLIMITED
		{ $$ = ast_clause_new(A, CL_CAPACITY, @$); $$->capacity = -1; $$->unlimited = true; }
	| CAPACITY IDENT
		{ $$ = ast_clause_new(A, CL_CAPACITY, @$); $$->capacity = -1; $$->capacity_name = name($2.text, @2); }
	| BY order_keys
		{ $$ = ast_clause_new(A, CL_ORDER, @$); $$->order = keys_in_order($2); }
	| OVERFLOW IDENT
		{ $$ = ast_clause_new(A, CL_OVERFLOW, @$); $$->target = name($2.text, @2); }
	| OVERFLOW TO IDENT
		{ $$ = ast_clause_new(A, CL_OVERFLOW, @$); $$->target = name($3.text, @3); }
	| WITHOUT IDENT ARROW IDENT
		{ $$ = ast_clause_new(A, CL_WITHOUT, @$); $$->what = name($2.text, @2); $$->target = name($4.text, @4); }
	| SPREAD OVER IDENT
		{ $$ = ast_clause_new(A, CL_SPREAD, @$); $$->what = name($3.text, @3); }
	| SPREAD OVER IDENT ROTATING
		{ $$ = ast_clause_new(A, CL_SPREAD, @$); $$->what = name($3.text, @3); $$->rotating = true; }
	| WITHIN INT term_unit
		{ $$ = ast_clause_new(A, CL_TERM, @$); $$->term = $2.num; $$->unit = $3; }
	| feedback
		{ $$ = ast_clause_new(A, CL_FEEDBACK, @$); $$->feedback = $1; }
	| BACKFILL FROM IDENT %prec BACKFILL_PLAIN
		{ $$ = ast_clause_new(A, CL_BACKFILL, @$); $$->target = name($3.text, @3); }
	| BACKFILL FROM IDENT BY order_keys
		{ $$ = ast_clause_new(A, CL_BACKFILL, @$); $$->target = name($3.text, @3); $$->order = keys_in_order($5); }
	| NO FOLLOW_UP
		{ $$ = ast_clause_new(A, CL_NO_FOLLOW_UP, @$); }
	;

term_unit:
	DAYS                    { $$ = TERM_DAYS; }
	| DAY                   { $$ = TERM_DAYS; }
	| WEEKS                 { $$ = TERM_WEEKS; }
	| WEEK                  { $$ = TERM_WEEKS; }
	| WORKING DAYS          { $$ = TERM_WORKING_DAYS; }
	| WORKING DAY           { $$ = TERM_WORKING_DAYS; }
	| MONTHS                { $$ = TERM_MONTHS; }
	| MONTH                 { $$ = TERM_MONTHS; }
	;

order_keys:
	order_key
	| order_keys COMMA order_key
		{ $$ = $3; $$->next = $1; }
	;

order_key:
	value ASC               { $$ = ast_order_key_new(A, $1, false); }
	| value DESC            { $$ = ast_order_key_new(A, $1, true); }
	;

label_head:
	LABEL IDENT EQ label_case
		{ $$ = stmt(ctx, S_LABEL, @$); $$->name = name($2.text, @2); $$->cases = $4; }
	| label_head COMMA label_case
		{ $$ = $1; $3->next = $$->cases; $$->cases = $3; $$->loc = ast_span($$->loc, @3); }
	;

label_case:
	IDENT WHEN expr
		{ $$ = arena_alloc(A, sizeof *$$); $$->value = name($1.text, @1); $$->cond = $3; }
	| ELSE IDENT
		{ $$ = arena_alloc(A, sizeof *$$); $$->value = name($2.text, @2); }
	;

expr:
	expr OR expr            { $$ = ast_binary(A, E_OR, $1, $3, @$); }
	| expr AND expr         { $$ = ast_binary(A, E_AND, $1, $3, @$); }
	| not expr %prec NOT    { $$ = ast_not(A, $2, @$); ctx->nesting--; }
	| cond
	;

cond:
	value
	| value cmp value       { $$ = ast_compare(A, $2, $1, $3, @$); }
	| cmp INT aggregate
		{ $$ = ast_compare(A, $1, $3, ast_number(A, E_INT, $2.num, @2), @$); }
	| cmp IDENT aggregate
		{ $$ = ast_compare(A, $1, $3, ast_name_ref(A, $2.text, @2), @$); }
	| value BETWEEN value AND value
		{ $$ = ast_between(A, $1, $3, $5, @$); }
	| value IN set          { $$ = ast_in(A, $1, $3, false, @$); }
	| value NOT IN set      { $$ = ast_in(A, $1, $4, true, @$); }
	| value IS MISSING      { $$ = ast_missing(A, $1, false, @$); }
	| value IS KNOWN        { $$ = ast_missing(A, $1, true, @$); }
	;

/* A `not` or a `(` that opens one more level; past the limit, the rest of
 * the line is skipped (the error is reported, once). */
not:
	NOT                     { if (!nest_in(ctx, @1)) YYERROR; }
	;

lparen:
	LPAREN                  { if (!nest_in(ctx, @1)) YYERROR; }
	;

cmp:
	EQ { $$ = CMP_EQ; } | NE { $$ = CMP_NE; } | LT { $$ = CMP_LT; }
	| LE { $$ = CMP_LE; } | GT { $$ = CMP_GT; } | GE { $$ = CMP_GE; }
	;

value:
	literal
	| lparen expr RPAREN    { $$ = $2; ctx->nesting--; }
	| aggregate
	| SAME IDENT window
		{ $$ = ast_aggregate(A, AGG_SAME, NULL, $2.text, @2, $3, @$); }
	;

literal:
	IDENT                   { $$ = ast_name_ref(A, $1.text, @$); }
	| INT                   { $$ = ast_number(A, E_INT, $1.num, @$); }
	| DECIMAL               { $$ = ast_number(A, E_DECIMAL, $1.num, @$); }
	| MONEY                 { $$ = ast_number(A, E_MONEY, $1.num, @$); }
	| STRING                { $$ = ast_string(A, $1.text, @$); }
	;

/* The condition of "any", "all" and "with" is about one signal (or outcome):
 * it takes no aggregate but "same", except inside parentheses, so that
 * "any sector = rent and arrears > 575" reads as
 * "(any sector = rent) and arrears > 575". */
scond:
	svalue %prec SCOND_PLAIN
	| svalue cmp svalue     { $$ = ast_compare(A, $2, $1, $3, @$); }
	| svalue BETWEEN svalue AND svalue
		{ $$ = ast_between(A, $1, $3, $5, @$); }
	| svalue IN set         { $$ = ast_in(A, $1, $3, false, @$); }
	| svalue NOT IN set     { $$ = ast_in(A, $1, $4, true, @$); }
	| svalue IS MISSING     { $$ = ast_missing(A, $1, false, @$); }
	| svalue IS KNOWN       { $$ = ast_missing(A, $1, true, @$); }
	;

svalue:
	literal
	| lparen expr RPAREN    { $$ = $2; ctx->nesting--; }
	| SAME IDENT window
		{ $$ = ast_aggregate(A, AGG_SAME, NULL, $2.text, @2, $3, @$); }
	;

set:
	LBRACE set_items RBRACE { $$ = $2; }
	;

set_items:
	literal                 { $$ = ast_set_item(A, NULL, $1); }
	| set_items COMMA literal { $$ = ast_set_item(A, $1, $3); }
	;

aggregate:
	ANY scond window_opt
		{ $$ = ast_aggregate(A, AGG_ANY, $2, NULL, @$, $3, @$); }
	| ALL scond window_opt
		{ $$ = ast_aggregate(A, AGG_ALL, $2, NULL, @$, $3, @$); }
	| CREDITORS window_opt
		{ $$ = ast_aggregate(A, AGG_CREDITORS, NULL, NULL, @$, $2, @$); }
	| SECTORS window_opt
		{ $$ = ast_aggregate(A, AGG_SECTORS, NULL, NULL, @$, $2, @$); }
	| SIGNALS with_opt window_opt
		{ $$ = ast_aggregate(A, AGG_SIGNALS, $2, NULL, @$, $3, @$); }
	| MONTHS WITH SIGNALS with_opt window_opt
		{ $$ = ast_aggregate(A, AGG_MONTHS, $4, NULL, @$, $5, @$); }
	| OUTCOMES with_opt window_opt
		{ $$ = ast_aggregate(A, AGG_OUTCOMES, $2, NULL, @$, $3, @$); }
	| field_agg IDENT with_opt window_opt
		{ $$ = ast_aggregate(A, $1, $3, $2.text, @2, $4, @$); }
	;

field_agg:
	TOTAL { $$ = AGG_TOTAL; } | MAX { $$ = AGG_MAX; } | MIN { $$ = AGG_MIN; }
	;

with_opt:
	%empty  { $$ = NULL; }
	| WITH scond            { $$ = $2; }
	;

window_opt:
	%empty  { $$ = no_window(@$); }
	| window
	;

window:
	THIS MONTH              { $$ = window(WIN_THIS_MONTH, 1, @$); }
	| WITHIN INT MONTHS     { $$ = window(WIN_WITHIN, $2.num, @$); }
	| WITHIN INT MONTH      { $$ = window(WIN_WITHIN, $2.num, @$); }
	| IN_PREVIOUS INT MONTHS { $$ = window(WIN_PREVIOUS, $2.num, @$); }
	| IN_PREVIOUS MONTH     { $$ = window(WIN_PREVIOUS, 1, @$); }
	| WITHIN IDENT MONTHS   { $$ = named_window(WIN_WITHIN, $2.text, @2); }
	| IN_PREVIOUS IDENT MONTHS { $$ = named_window(WIN_PREVIOUS, $2.text, @2); }
	;

%%

/* Bison names tokens by their aliases, quoted: show them as `->`, not "->". */
static void print_symbol(FILE *out, yysymbol_kind_t sym)
{
	const char *n = yysymbol_name(sym);
	size_t len = strlen(n);
	if (len >= 2 && n[0] == '"' && n[len - 1] == '"') {
		n++;
		len -= 2;
	}
	const bool keyword = sym != YYSYMBOL_IDENT && sym != YYSYMBOL_STRING &&
		sym != YYSYMBOL_INT && sym != YYSYMBOL_DECIMAL && sym != YYSYMBOL_MONEY &&
		sym != YYSYMBOL_MONTH_LIT && sym != YYSYMBOL_NEWLINE && sym != YYSYMBOL_YYEOF;
	fprintf(out, keyword ? "`%.*s`" : "%.*s", (int)len, n);
}

/* "unexpected X; expected A, B or C", with the parser's exact (LAC) set. */
static int yyreport_syntax_error(const yypcontext_t *pctx, yyscan_t scanner, parse_ctx *ctx)
{
	(void)scanner;
	/* A phrasing the language spells otherwise: say how. */
	char hint[512];
	diag_loc where = *yypcontext_location(pctx);
	if (hint_syntax(&ctx->file->source, &where, hint, sizeof hint)) {
		diag_at(ctx->diag, &ctx->file->source, where, DIAG_ERROR, "%s", hint);
		return 0;
	}
	enum { MAX_EXPECTED = 8 };
	yysymbol_kind_t expected[MAX_EXPECTED];
	int n = yypcontext_expected_tokens(pctx, expected, MAX_EXPECTED);
	if (n < 0)
		return n;
	char *msg = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&msg, &size);
	if (!out)
		return YYENOMEM;
	fputs("unexpected ", out);
	print_symbol(out, yypcontext_token(pctx));
	if (n > 0 && n < MAX_EXPECTED) {
		fputs("; expected ", out);
		for (int i = 0; i < n; i++) {
			if (i)
				fputs(i == n - 1 ? " or " : ", ", out);
			print_symbol(out, expected[i]);
		}
	}
	fclose(out);
	diag_at(ctx->diag, &ctx->file->source, *yypcontext_location(pctx), DIAG_ERROR, "%s", msg);
	free(msg);
	return 0;
}
