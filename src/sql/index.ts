// The SQL front end: lexer, parser, printer, digest and the planner's helpers. Knows nothing of
// sharding or sockets.
export { tokenize } from './lexer';
export type { Token, TokenType, LexOptions } from './lexer';
export { parse, parseMany } from './parser';
export type { ParseOptions } from './parser';
export { printSql } from './printer';
export type { PrintOptions } from './printer';
export { digest } from './digest';
export type { Digest } from './digest';
export { SqlSyntaxError } from './errors';
export * from './ast';
export * from './inspect';
