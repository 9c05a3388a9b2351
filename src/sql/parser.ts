import type { Statement } from './ast';
export interface ParseOptions { ansiQuotes?: boolean }
export function parse(sql: string, opts?: ParseOptions): Statement { throw new Error('TODO'); }
export function parseMany(sql: string, opts?: ParseOptions): Statement[] { throw new Error('TODO'); }
