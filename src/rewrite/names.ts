// Logical names to physical names: the atomic edits for table references and qualified columns.
import type { Edit, Op } from './program';

/**
 * Offsets where each dotted part of a name written at text[start, end) begins: `shop`.users .x ->
 * [start of shop, start of users, start of x]. Dots inside back quotes do not count.
 */
export function nameParts(text: string, start: number, end: number): number[] {
  const parts = [start];
  let quoted = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 96 /* ` */) quoted = !quoted;
    else if (c === 46 /* . */ && !quoted) {
      let j = i + 1;
      while (j < end && /\s/.test(text[j])) j++;
      parts.push(j);
    }
  }
  return parts;
}

/** The physical-name op for a sharded table written at text[at…]. */
export function tableOp(text: string, at: number, name: string): Op {
  return { table: name, quoted: text.charCodeAt(at) === 96 };
}

/**
 * Edit of a table name written at text[start, end) (`[schema.]name`): a sharded table becomes its
 * physical name, and a logical-schema qualifier is dropped (the executor's connection already uses
 * the partition's database). Returns null when nothing changes.
 */
export function tableNameEdit(text: string, start: number, end: number, name: string, sharded: boolean): Edit | null {
  const parts = nameParts(text, start, end);
  const last = parts[parts.length - 1];
  if (sharded) return { start, end, ops: [tableOp(text, last, name)] };
  if (parts.length === 1) return null;
  return { start, end: last, ops: [] };
}

/**
 * Edit of the qualifier of a column or star written at text[start, end) (`[[schema.]table.]name`):
 * the table part becomes the physical name (sharded) and a schema part is dropped.
 */
export function qualifierEdit(text: string, start: number, end: number, table: string, sharded: boolean): Edit | null {
  const parts = nameParts(text, start, end);
  if (parts.length < 2) return null;
  const tablePart = parts[parts.length - 2];
  const namePart = parts[parts.length - 1];
  if (sharded) return { start, end: namePart, ops: [tableOp(text, tablePart, table), '.'] };
  if (parts.length === 2) return null;
  return { start, end: tablePart, ops: [] };
}
