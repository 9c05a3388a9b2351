// The SQL front end: lexer, parser, printer, digest and the planner's helpers. Knows nothing of
// sharding or sockets.
export { tokenize } from './lexer';
export type { Token, TokenType, LexOptions } from './lexer';
export { parse, parseMany, parseExpression, setDefaultLexer } from './parser';
export type { ParseOptions } from './parser';
export { printSql, quoteIdent, quoteString } from './printer';
export type { PrintOptions } from './printer';
export { digest } from './digest';
export type { Digest, DigestOptions } from './digest';
export { SqlSyntaxError, ER_PARSE_ERROR, SQLSTATE_SYNTAX } from './errors';
export * from './ast';
export * from './inspect';
