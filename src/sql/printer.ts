import type { Node } from './ast';
export interface PrintOptions { parens?: boolean }
export function printSql(node: Node, opts?: PrintOptions): string { throw new Error('TODO'); }
