// The Weir language: schema, source, table and pipeline declarations.
//
// The parse tree never leaves the frontend: frontend/AstBuilder.cpp turns it
// into the AST (frontend/AST.h), and semantic rules live in frontend/Sema*.cpp,
// so this grammar stays permissive where a precise diagnostic is better given
// later (e.g. a select item that is neither `name = expr` nor a column).
//
// Only operators and the literal words are reserved. Declaration and step
// words (`schema`, `key`, `join`, ...) are soft keywords: they may also name
// columns, sources and functions, which keeps common column names such as
// `source`, `key` or `window` usable and lets new step, clause and
// declaration words (`window`, `emit`, `late`, `event_time`, `watermark`,
// `trigger`, `ttl`) arrive without breaking existing programs. Window kinds
// and clause values (`tumbling`, `final`, `drop`, `to`, ...) and trigger
// kinds (`realtime`, `every`, ...) are plain identifiers checked by Sema.
grammar Weir;

module : decl* EOF ;

decl
  : schemaDecl
  | sourceDecl
  | tableDecl
  | pipelineDecl
  | triggerDecl
  ;

schemaDecl : SCHEMA name=ident '{' (fieldDecl (',' fieldDecl)* ','?)? '}' ;
fieldDecl  : name=ident ':' typeRef ;
typeRef    : name=ident nullable='?'? ;

// `event_time ts watermark 5s` after the connector. Tables take the clause
// too, so Sema can say why it does not apply to them.
sourceDecl : SOURCE name=ident ':' schema=ident '=' connector eventTime? ';' ;
tableDecl  : TABLE name=ident ':' schema=ident '=' connector eventTime? ';' ;
eventTime  : EVENT_TIME column=ident (WATERMARK delay=expr)? ;

// `trigger available_now;`, `trigger realtime;`, `trigger every 30s;`: the
// kind is a plain identifier and the interval any expression, so Sema can
// say what is wrong with `trigger sometimes;` or `trigger every;`.
triggerDecl : TRIGGER kind=ident interval=expr? ';' ;

pipelineDecl : PIPELINE name=ident '=' input=ident ('|' step)+ ';' ;

step
  : WHERE expr                                         # whereStep
  | SELECT selectItem (',' selectItem)*                # selectStep
  | KEY BY selectItem (',' selectItem)*                # keyByStep
  | AGGREGATE selectItem (',' selectItem)* (TTL ttl=expr)? # aggregateStep
  | WINDOW windowCall windowClause*                    # windowStep
  | LEFT? JOIN table=ident ON expr                     # joinStep
  | SINK connector                                     # sinkStep
  ;

// `name = expr`, or an expression whose name is implied (a column reference).
selectItem : (name=ident '=')? expr ;

connector    : kind=ident '(' (argument (',' argument)*)? ')' ;
// A connector's or a window's argument: positional or `name = value`.
argument     : (name=ident '=')? expr ;

// `tumbling(1m)`, `hopping(size = 10m, slide = 1m)`, ...: Sema checks the kind
// and its arguments. The clauses may come in any order (Sema rejects repeats);
// `emit final|updates`, `late drop|late to CONNECTOR`.
windowCall   : kind=ident '(' (argument (',' argument)*)? ')' ;
windowClause
  : EMIT policy=ident                                  # emitClause
  | LATE action=ident connector?                       # lateClause
  ;

// Alternatives are listed from the tightest binding to the loosest.
expr
  : primary                                            # primaryExpr
  | op='-' expr                                        # negateExpr
  | expr op=('*' | '/' | '%') expr                     # multiplicativeExpr
  | expr op=('+' | '-') expr                           # additiveExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr # comparisonExpr
  | op=NOT expr                                        # notExpr
  | expr op=AND expr                                   # andExpr
  | expr op=OR expr                                    # orExpr
  ;

primary
  : literal                                            # literalPrimary
  | callee=ident '(' (expr (',' expr)*)? ')'           # callPrimary
  | prefix=ident STRING                                # prefixedLiteralPrimary
  | qualifier=ident '.' name=ident                     # qualifiedNamePrimary
  | name=ident                                         # namePrimary
  | '(' expr ')'                                       # parenPrimary
  ;

literal
  : INT
  | FLOAT
  | DURATION
  | STRING
  | TRUE_LIT
  | FALSE_LIT
  | NULL_LIT
  ;

ident
  : IDENT
  | SCHEMA | SOURCE | TABLE | PIPELINE
  | WHERE | SELECT | KEY | BY | AGGREGATE | LEFT | JOIN | ON | SINK
  | WINDOW | EMIT | LATE | EVENT_TIME | WATERMARK | TRIGGER | TTL
  ;

// ------------------------------------------------------------------ lexer

SCHEMA    : 'schema' ;
SOURCE    : 'source' ;
TABLE     : 'table' ;
PIPELINE  : 'pipeline' ;
WHERE     : 'where' ;
SELECT    : 'select' ;
KEY       : 'key' ;
BY        : 'by' ;
AGGREGATE : 'aggregate' ;
LEFT      : 'left' ;
JOIN      : 'join' ;
ON        : 'on' ;
SINK      : 'sink' ;
// Soft keywords too; they stay between SCHEMA and TTL (SyntaxErrors.cpp
// treats that token range as identifiers).
WINDOW     : 'window' ;
EMIT       : 'emit' ;
LATE       : 'late' ;
EVENT_TIME : 'event_time' ;
WATERMARK  : 'watermark' ;
TRIGGER    : 'trigger' ;
TTL        : 'ttl' ;
AND       : 'and' ;
OR        : 'or' ;
NOT       : 'not' ;
TRUE_LIT      : 'true' ;
FALSE_LIT     : 'false' ;
NULL_LIT      : 'null' ;

LBRACE : '{' ;
RBRACE : '}' ;
LPAREN : '(' ;
RPAREN : ')' ;
COMMA  : ',' ;
COLON  : ':' ;
SEMI   : ';' ;
PIPE   : '|' ;
DOT    : '.' ;
QUESTION : '?' ;
ASSIGN : '=' ;
EQ     : '==' ;
NE     : '!=' ;
LT     : '<' ;
LE     : '<=' ;
GT     : '>' ;
GE     : '>=' ;
PLUS   : '+' ;
MINUS  : '-' ;
STAR   : '*' ;
SLASH  : '/' ;
PERCENT : '%' ;

// A number with a unit suffix: 250ms, 5s, 10m, 1h, 2d. Listed before
// BAD_NUMBER so that equal-length matches are durations.
DURATION : DIGITS ('ms' | 's' | 'm' | 'h' | 'd') ;
FLOAT    : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT      : DIGITS ;
// `5sec`, `1.5s`, `12abc`: a number run into letters. The frontend reports it
// as an invalid number instead of a confusing syntax error.
BAD_NUMBER : (DIGITS ('.' DIGITS)? EXPONENT?) [a-zA-Z_] [a-zA-Z_0-9]* ;

IDENT  : [a-zA-Z_] [a-zA-Z_0-9]* ;

STRING : '"' ( ~["\\\r\n] | '\\' ~[\r\n] )* '"' ;
// 'text': reported by the frontend (strings take double quotes).
SINGLE_QUOTED_STRING : '\'' ~['\r\n]* '\'' ;
// A string that reaches the end of its line: reported by the frontend.
UNTERMINATED_STRING : '"' ( ~["\\\r\n] | '\\' ~[\r\n] )* '\\'? ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
UNTERMINATED_BLOCK_COMMENT : '/*' .*? EOF ;
WS : [ \t\r\n\f]+ -> skip ;

// Anything else: one character the frontend reports as unexpected.
UNKNOWN_CHAR : . ;

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
