// Metadata statements on a sharded schema, answered with logical names, as a client would see them
// from one MySQL holding all the rows: SHOW [FULL] TABLES lists each logical table once (not
// users_0, users_1 …), and DESCRIBE / SHOW COLUMNS / SHOW INDEX / SHOW CREATE TABLE of a sharded or
// broadcast table describe its first physical table under the logical name.
import type { ShardedSchema } from '../config/types';
import type { QueryResult } from '../backend/connection';
import type { ColumnDef } from '../protocol/packets';

/** A metadata statement to run on one partition, and how to map its answer back. */
export interface MetadataQuery {
  kind: 'tables' | 'describe' | 'create' | 'index';
  partition: number;
  /** The statement for that partition (physical table name). */
  sql: string;
  logical: string;
  physical: string;
  /** SHOW TABLES LIKE pattern, applied to the logical names (and shown in the header, as MySQL does). */
  like: RegExp | null;
  likeText: string;
}

const ident = '(`(?:[^`]|``)+`|[A-Za-z0-9_$]+)';
const DESCRIBE = new RegExp(`^\\s*(?:describe|desc|explain)\\s+${ident}(\\s+[^;]*)?\\s*;?\\s*$`, 'i');
const COLUMNS = new RegExp(`^\\s*show\\s+(full\\s+)?(?:columns|fields)\\s+(?:from|in)\\s+${ident}(\\s+[^;]*)?\\s*;?\\s*$`, 'i');
const CREATE = new RegExp(`^\\s*show\\s+create\\s+table\\s+${ident}\\s*;?\\s*$`, 'i');
const INDEX = new RegExp(`^\\s*show\\s+(?:index|indexes|keys)\\s+(?:from|in)\\s+${ident}(\\s+[^;]*)?\\s*;?\\s*$`, 'i');
const TABLES = /^\s*show\s+(full\s+)?tables(?:\s+like\s+'((?:[^'\\]|\\.|'')*)')?\s*;?\s*$/i;

const unquote = (name: string) => (name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name);

/** The metadata statement this is, with its partition and physical SQL; null when it is not one. */
export function metadataQuery(sql: string, schema: ShardedSchema): MetadataQuery | null {
  const t = TABLES.exec(sql);
  if (t) {
    return {
      kind: 'tables', partition: schema.defaultPartition, sql: t[1] ? 'SHOW FULL TABLES' : 'SHOW TABLES',
      logical: '', physical: '', like: t[2] !== undefined ? likeToRegExp(t[2]) : null, likeText: t[2] ?? '',
    };
  }
  let kind: MetadataQuery['kind'];
  let name: string;
  let build: (physical: string) => string;
  let m: RegExpExecArray | null;
  if ((m = DESCRIBE.exec(sql))) {
    const [, table, rest = ''] = m;
    [kind, name, build] = ['describe', table, (p) => `DESCRIBE \`${p}\`${rest}`];
  } else if ((m = COLUMNS.exec(sql))) {
    const [, full = '', table, rest = ''] = m;
    [kind, name, build] = ['describe', table, (p) => `SHOW ${full.toUpperCase()}COLUMNS FROM \`${p}\`${rest}`];
  } else if ((m = CREATE.exec(sql))) {
    const [, table] = m;
    [kind, name, build] = ['create', table, (p) => `SHOW CREATE TABLE \`${p}\``];
  } else if ((m = INDEX.exec(sql))) {
    const [, table, rest = ''] = m;
    [kind, name, build] = ['index', table, (p) => `SHOW INDEX FROM \`${p}\`${rest}`];
  } else {
    return null;
  }
  const logical = unquote(name);
  const rule = schema.tables[logical] ?? schema.tables[logical.toLowerCase()];
  if (!rule) return null; // a table without a rule lives on the default partition as it is: plan it normally
  const physical = rule.kind === 'sharded' && rule.tablesPerPartition > 1 ? `${rule.name}_0` : rule.name;
  return { kind, partition: 0, sql: build(physical), logical: rule.name, physical, like: null, likeText: '' };
}

/** The answer under logical names. */
export function logicalRows(q: MetadataQuery, r: QueryResult, schema: ShardedSchema): { columns: ColumnDef[]; rows: (string | null)[][] } {
  // The backend's column definitions, so drivers decode the same types as from one MariaDB.
  const columns: ColumnDef[] = r.columns.map((c) => ({ ...c }));
  if (q.kind === 'tables') {
    const name = `Tables_in_${schema.name}${q.like ? ` (${q.likeText})` : ''}`;
    columns[0] = { ...columns[0], name, orgName: name };
    const seen = new Set<string>();
    const rows: (string | null)[][] = [];
    for (const row of r.rows) {
      const name = logicalTable(row[0] ?? '', schema);
      if (seen.has(name) || (q.like && !q.like.test(name))) continue;
      seen.add(name);
      rows.push([name, ...row.slice(1)]);
    }
    rows.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
    return { columns, rows };
  }
  const rows = r.rows.map((row) => row.map((v, i) => {
    if (v === null) return v;
    if (q.kind === 'create' && i === 1) return v.replace(`\`${q.physical}\``, `\`${q.logical}\``);
    if ((q.kind === 'create' && i === 0) || (q.kind === 'index' && columns[i].name === 'Table')) return v === q.physical ? q.logical : v;
    return v;
  }));
  return { columns, rows };
}

/** users_3 -> users when users has tablesPerPartition > 3; other names unchanged. */
function logicalTable(name: string, schema: ShardedSchema): string {
  const m = /^(.*)_(\d+)$/.exec(name);
  if (!m) return name;
  const rule = schema.tables[m[1]];
  return rule && rule.kind === 'sharded' && Number(m[2]) < rule.tablesPerPartition ? m[1] : name;
}

/** A LIKE pattern ('%' any run, '_' one character, backslash escapes) as a case-insensitive RegExp. */
function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) out += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else if (ch === "'" && pattern[i + 1] === "'") { out += "'"; i++; }
    else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}
