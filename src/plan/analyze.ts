// Analysis of one statement template: which tables it names and how they are laid out, which targets
// its shard key conditions allow, and the rewrite programs that produce each unit's SQL. The result
// depends on the template only (never on slot values), so the plan cache keeps it and bind.ts turns
// it into a plan for each execution.
import type { ShardedSchema } from '../config/types';
import type * as A from '../sql/ast';
import { Splicer, type Edit, type Op } from '../rewrite/program';
import { qualifierEdit, tableNameEdit } from '../rewrite/names';
import { rewriteSelect, type SelectRewrite } from '../rewrite/select';
import { rewriteUnion, type UnionRewrite } from '../rewrite/union';
import { and, ANY, keyCondition, or, valueRef, type Cond, type ValueRef } from './conditions';
import { missingShardKey, notSupported, outsideSchema, shardKeyUpdate } from './errors';
import type { ShardRule } from './placement';
import type { Template } from './template';

/** One table reference of the statement. */
export interface TableUse {
  name: string;
  alias?: string;
  /** sharded/broadcast: has a rule; plain: no rule (lives on defaultPartition); other: a CTE or another schema's table. */
  kind: 'sharded' | 'broadcast' | 'plain' | 'other';
  rule?: ShardRule;
  /** 0: the statement's own tables; more: inside a subquery, derived table or CTE. */
  depth: number;
}

/**
 * Where the units of a statement go. sharded: the targets of `rule` its condition allows (every
 * target for DDL); everywhere: each partition once (broadcast writes, DDL on broadcast tables);
 * one: a single partition (tables without rules, broadcast reads).
 */
export type Space = { k: 'sharded'; rule: ShardRule; every: boolean } | { k: 'everywhere' } | { k: 'one'; partition: number };

/** An INSERT's rows and how to route them. */
export interface InsertInfo {
  table: string;
  keyColumn: string;
  /** Per row: the key's value, or 'gen' (filled by the key generator). */
  rowKeys: (ValueRef | 'gen')[];
  /** The list id of the VALUES rows (the program keeps each unit's rows). */
  list: number;
  /** Rows needing a generated id (in order), for the computed ops `gen:ROW`. */
  genRows: number[];
  /** INSERT ... SELECT: the source must route to the one target the key value names. */
  fromSelect?: Cond;
  /**
   * INSERT ... (columns) VALUES: the key's and the generated column's positions in the column list
   * (-1: not listed), and whether the generated column is appended (plan/bulk-insert.ts splices rows by them).
   */
  values?: { keyAt: number; genAt: number; addGen: boolean };
}

export interface Analysis {
  template: Template;
  stmt: A.Statement;
  returnsRows: boolean;
  primary: boolean;
  sameChangeEverywhere: boolean;
  space: Space;
  cond: Cond;
  /** Conditions of sharded tables inside subqueries: each must allow only the unit's own target. */
  nested: { table: string; cond: Cond }[];
  /** A table without rule joined with sharded tables: every unit must be on defaultPartition. */
  plainWithSharded: string | null;
  /** UPDATE/DELETE with ORDER BY or LIMIT: refused across shards. */
  orderedWrite: boolean;
  /** Every `?` slot's program op, renames and (cut) IN lists. */
  plain: Op[];
  cut: Op[];
  /** Cut IN lists: their items' value refs, by list id. */
  lists: ValueRef[][];
  insert?: InsertInfo;
  /** The cross-shard SELECT rewrite, built on first need (undefined: not yet; null: not a plain SELECT). */
  select?: SelectRewrite | null;
  /** A UNION's per-branch routes, for the cross-shard union path (plan/union.ts). */
  union?: UnionAnalysis;
  /**
   * Decided on the first bind (undefined until then). verbatim: the plain program renders every
   * execution's own text unchanged (no renames, literals only), so a one-unit plan sends the client's
   * statement as it came. point: every execution names one target through one slot (key = value).
   */
  verbatim?: boolean;
  /** The plain program renders the statement as written when each slot prints its own source text (`?` for a marker). */
  asWritten?: boolean;
  point?: { slot: number } | null;
  /** Inputs for the lazy SELECT rewrite. */
  selectInputs?: { sel: A.Select; splicer: Splicer; base: Edit[]; isKey: (c: A.Column) => boolean; isNumericKey: (c: A.Column) => boolean };
}

/** Where one branch of a UNION goes: the targets its condition allows, one partition, or anywhere (broadcast tables, no tables). */
export type UnionBranchRoute = ({ k: 'sharded'; rule: ShardRule; cond: Cond; plain: string | null; keyGrouped: boolean } | { k: 'one'; partition: number } | { k: 'anywhere' }) & {
  /** A subquery of the branch reads a sharded table. */
  nested: boolean;
};

/** A UNION's analysis for the cross-shard path; the rewrite is built on first need. */
export interface UnionAnalysis {
  branches: UnionBranchRoute[];
  /** Every sharded table of the statement shares one layout (the single-target path may apply). */
  sameLayout: boolean;
  splicer: Splicer;
  rewrite?: UnionRewrite;
}

/** The SELECT leaves of a union tree, in order (other leaves are refused by the rewrite). */
function unionLeaves(q: A.Query, out: A.Select[] = []): A.Select[] {
  if (q.type === 'select') out.push(q);
  else if (q.type === 'union') {
    unionLeaves(q.left, out);
    unionLeaves(q.right, out);
  }
  return out;
}

const SUBQUERY_TYPES = new Set(['Subquery', 'Exists', 'InSubquery', 'Quantified', 'Derived', 'Cte']);

interface Collected {
  params: A.Param[];
  tables: { node: A.Table | A.TableName; depth: number }[];
  columns: { node: A.Column | A.Star; depth: number }[];
  ctes: Set<string>;
  selects: { sel: A.Select; depth: number }[];
}

function collect(root: unknown): Collected {
  const out: Collected = { params: [], tables: [], columns: [], ctes: new Set(), selects: [] };
  const visit = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth);
      return;
    }
    const n = node as { type?: string } & Record<string, unknown>;
    switch (n.type) {
      case 'Param':
        out.params.push(n as unknown as A.Param);
        return;
      case 'Table':
      case 'TableName':
        out.tables.push({ node: n as unknown as A.Table, depth });
        break;
      case 'Column':
      case 'Star':
        out.columns.push({ node: n as unknown as A.Column, depth });
        return;
      case 'Cte':
        out.ctes.add((n as unknown as A.Cte).name.toLowerCase());
        break;
      case 'select':
        out.selects.push({ sel: n as unknown as A.Select, depth });
        break;
    }
    const deeper = n.type !== undefined && SUBQUERY_TYPES.has(n.type);
    for (const [k, v] of Object.entries(n)) {
      if (typeof v !== 'object' || v === null) continue;
      visit(v, deeper && k === 'query' ? depth + 1 : depth);
    }
  };
  visit(root, 0);
  return out;
}

/** Rule lookup by table name, case-insensitively (cached per schema object). */
const ruleMaps = new WeakMap<ShardedSchema, Map<string, ShardedSchema['tables'][string]>>();
function ruleOf(schema: ShardedSchema, name: string): ShardedSchema['tables'][string] | undefined {
  let m = ruleMaps.get(schema);
  if (!m) {
    m = new Map(Object.entries(schema.tables).map(([k, v]) => [k.toLowerCase(), v]));
    ruleMaps.set(schema, m);
  }
  return m.get(name.toLowerCase());
}

/** Tables of FROM items at this level (not inside derived tables), with ON conditions and USING lists. */
function fromLevel(refs: A.TableRef[] | undefined, tables: A.Table[], ons: { on: A.Expr; inner: boolean }[], usings: string[][]): void {
  for (const r of refs ?? []) {
    if (r.type === 'Table') tables.push(r);
    else if (r.type === 'TableGroup') fromLevel(r.items, tables, ons, usings);
    else if (r.type === 'Join') {
      fromLevel([r.left, r.right], tables, ons, usings);
      if (r.on) ons.push({ on: r.on, inner: r.kind === 'INNER' || r.kind === 'CROSS' || r.kind === 'STRAIGHT' });
      if (r.using) usings.push(r.using);
    }
  }
}

function conjuncts(e: A.Expr | undefined, out: A.Expr[] = []): A.Expr[] {
  if (!e) return out;
  if (e.type === 'Binary' && e.op === 'AND') {
    conjuncts(e.left, out);
    conjuncts(e.right, out);
  } else out.push(e);
  return out;
}

const lc = (s: string | undefined): string | undefined => s?.toLowerCase();

/**
 * `/*+ sluice:primary *\/` anywhere in the statement sends a read to the primary. Searched in the
 * template text, which keeps comments as written, so hinted and plain statements are cached apart.
 */
const PRIMARY_HINT = /\/\*\+(?:(?!\*\/)[^])*\bsluice:primary\b/i;

/** Analyse a parsed template against a schema. */
export function analyze(template: Template, stmt: A.Statement, schema: ShardedSchema): Analysis {
  const text = template.text;
  const c = collect(stmt);
  const uses = new Map<A.Table | A.TableName, TableUse>();
  for (const { node, depth } of c.tables) {
    const use: TableUse = { name: node.name, alias: node.type === 'Table' ? node.alias : undefined, kind: 'plain', depth };
    if (node.schema !== undefined && node.schema !== schema.name) {
      // Only information_schema may stand beside the schema's own tables; any other database is refused here
      // too, not left to the default partition's backend (the session's access check refuses it first).
      if (node.schema.toLowerCase() !== 'information_schema') throw outsideSchema(node.schema, node.name, schema.name);
      use.kind = 'other';
    }
    else if (node.schema === undefined && c.ctes.has(node.name.toLowerCase())) use.kind = 'other';
    else {
      const rule = ruleOf(schema, node.name);
      if (rule?.kind === 'sharded') {
        use.kind = 'sharded';
        use.rule = rule;
      } else if (rule?.kind === 'broadcast') use.kind = 'broadcast';
    }
    uses.set(node, use);
  }
  const all = [...uses.values()];
  const sharded = all.filter((u) => u.kind === 'sharded');

  // Tables of different layouts cannot meet on one shard (the branches of a UNION each on their own).
  const layoutClash = (list: TableUse[]): [TableUse, TableUse] | null => {
    const first = list[0];
    for (const u of list) {
      if (u.rule!.name === first.rule!.name) continue;
      if (u.rule!.bindingGroup === undefined || u.rule!.bindingGroup !== first.rule!.bindingGroup) return [first, u];
    }
    return null;
  };
  const checkLayout = (list: TableUse[]): void => {
    const clash = layoutClash(list);
    if (clash)
      throw notSupported(
        `cross-shard JOIN between ${clash[0].name} and ${clash[1].name} is not supported: join tables of one bindingGroup on their shard keys, or make ${clash[1].name} a broadcast table`,
      );
  };
  if (stmt.type !== 'union') checkLayout(sharded);

  // Atomic edits: slots, physical table names, qualified columns.
  const edits: Edit[] = c.params.map((p) => ({ start: p.start, end: p.end, ops: [{ slot: p.index }] }));
  const unaliased = new Map<string, TableUse>();
  for (const [node, use] of uses) {
    if (use.kind === 'other') continue;
    const start = node.type === 'Table' ? node.nameStart : node.start;
    const end = node.type === 'Table' ? node.nameEnd : node.end;
    const e = tableNameEdit(text, start, end, node.name, use.kind === 'sharded');
    if (e) edits.push(e);
    if (!use.alias) unaliased.set(node.name.toLowerCase(), use);
  }
  for (const { node } of c.columns) {
    if (node.table === undefined) continue;
    if (node.schema !== undefined && node.schema !== schema.name) continue;
    const use = unaliased.get(node.table.toLowerCase());
    if (!use) continue;
    const e = qualifierEdit(text, node.start, node.end, node.table, use.kind === 'sharded');
    if (e) edits.push(e);
  }
  const splicer = new Splicer(text, edits);
  const plain = splicer.build(stmt.start, stmt.end);
  const whole = (ops: Op[]): Op[] => {
    const out: Op[] = [];
    if (stmt.start > 0) out.push(text.slice(0, stmt.start));
    out.push(...ops);
    if (stmt.end < text.length) out.push(text.slice(stmt.end));
    return out;
  };

  // Key columns of a level's sharded tables.
  const levelKey = (tables: A.Table[]) => {
    const mine = tables.map((t) => ({ t, use: uses.get(t)! })).filter((x) => x.use.kind === 'sharded');
    const resolve = (col: A.Column): number => {
      for (let i = 0; i < mine.length; i++) {
        const { t, use } = mine[i];
        if (lc(col.name) !== lc(use.rule!.shardKey)) continue;
        if (col.table === undefined || lc(col.table) === lc(t.alias ?? t.name)) return i;
      }
      return -1;
    };
    // mod and range keys are numbers: their values need no collation weights in a merge.
    const isNumericKey = (col: A.Column): boolean => {
      const i = resolve(col);
      return i >= 0 && (mine[i].use.rule!.algorithm === 'mod' || mine[i].use.rule!.algorithm === 'range');
    };
    return { mine, resolve, isKey: (col: A.Column) => resolve(col) >= 0, isNumericKey };
  };

  const listNodes: A.In[] = [];
  const lists: ValueRef[][] = [];
  const register = (node: A.In): number => {
    listNodes.push(node);
    lists.push(node.list.map((e) => valueRef(e)!));
    return lists.length - 1;
  };

  // The condition of one SELECT-like level, and a check that its sharded tables join on their keys.
  const levelCond = (from: A.TableRef[] | undefined, where: A.Expr | undefined, registerLists: boolean) => {
    const tables: A.Table[] = [];
    const ons: { on: A.Expr; inner: boolean }[] = [];
    const usings: string[][] = [];
    fromLevel(from, tables, ons, usings);
    const lk = levelKey(tables);
    const reg = registerLists ? register : () => -1;
    const parts = [keyCondition(where, lk.isKey, reg)];
    for (const o of ons) if (o.inner) parts.push(keyCondition(o.on, lk.isKey, reg));
    // Union-find over the level's sharded tables joined by key equality.
    const parent = lk.mine.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    const eqs = [...conjuncts(where), ...ons.flatMap((o) => conjuncts(o.on))];
    for (const e of eqs) {
      if (e.type !== 'Binary' || e.op !== '=' || e.left.type !== 'Column' || e.right.type !== 'Column') continue;
      const a = lk.resolve(e.left);
      const b = lk.resolve(e.right);
      if (a >= 0 && b >= 0) parent[find(a)] = find(b);
    }
    for (const u of usings) {
      const joined = lk.mine.map((m, i) => ({ m, i })).filter((x) => u.some((c2) => lc(c2) === lc(x.m.use.rule!.shardKey)));
      for (const x of joined) parent[find(x.i)] = find(joined[0].i);
    }
    for (let i = 1; i < lk.mine.length; i++) {
      if (find(i) === find(0)) continue;
      const a = lk.mine[0];
      const b = lk.mine[i];
      throw notSupported(
        `JOIN between ${a.t.name} and ${b.t.name} is not on their shard keys, so matching rows may sit on different shards: add ${a.t.alias ?? a.t.name}.${a.use.rule!.shardKey} = ${b.t.alias ?? b.t.name}.${b.use.rule!.shardKey} to the join condition`,
      );
    }
    return { cond: and(parts), lk, tables };
  };

  const base: Analysis = {
    template,
    stmt,
    returnsRows: false,
    primary: true,
    sameChangeEverywhere: false,
    space: { k: 'one', partition: schema.defaultPartition },
    cond: ANY,
    nested: [],
    plainWithSharded: null,
    orderedWrite: false,
    plain: whole(plain),
    cut: whole(plain),
    lists,
  };
  const firstRule = sharded[0]?.rule;
  const kinds = new Set(all.filter((u) => u.kind !== 'other').map((u) => u.kind));

  let cutEdits: Edit[] = [];
  const finishCut = (): void => {
    cutEdits = listNodes.map((node, id) => ({
      start: node.list[0].start,
      end: node.list[node.list.length - 1].end,
      ops: [{ list: id, items: node.list.map((e) => splicer.build(e.start, e.end)) }],
    }));
    base.cut = whole(splicer.compose(stmt.start, stmt.end, cutEdits));
  };
  const nestedConds = (skipDepth0: boolean): void => {
    for (const { sel, depth } of c.selects) {
      if (skipDepth0 && depth === 0) continue;
      const tables: A.Table[] = [];
      fromLevel(sel.from, tables, [], []);
      const own = tables.map((t) => uses.get(t)!).filter((u) => u.kind === 'sharded');
      if (own.length === 0) continue;
      base.nested.push({ table: own[0].name, cond: levelCond(sel.from, sel.where, false).cond });
    }
  };
  const plainCheck = (): void => {
    if (firstRule && kinds.has('plain')) base.plainWithSharded = all.find((u) => u.kind === 'plain')!.name;
  };

  switch (stmt.type) {
    case 'select':
    case 'union': {
      base.returnsRows = true;
      base.primary = stmt.lock !== undefined || PRIMARY_HINT.test(text);
      if (stmt.type === 'select' && stmt.into) base.returnsRows = false;
      if (!firstRule) {
        base.space = { k: 'one', partition: schema.defaultPartition };
        return base;
      }
      base.space = { k: 'sharded', rule: firstRule, every: false };
      plainCheck();
      if (stmt.type === 'select') {
        const top = levelCond(stmt.from, stmt.where, true);
        if (top.lk.mine.length > 0) {
          base.cond = top.cond;
          finishCut();
          base.selectInputs = { sel: stmt, splicer, base: cutEdits, isKey: top.lk.isKey, isNumericKey: top.lk.isNumericKey };
          nestedConds(true);
        } else nestedConds(false);
      } else {
        // UNION: when every branch shares one layout and they all reach the same single target, the
        // statement runs there as written; otherwise bind() takes the per-branch path (plan/union.ts).
        const branches: UnionBranchRoute[] = unionLeaves(stmt).map((sel) => {
          const own = collect(sel).tables.map((t) => uses.get(t.node)!);
          const shardedHere = own.filter((u) => u.kind === 'sharded');
          checkLayout(shardedHere);
          const plainHere = own.find((u) => u.kind === 'plain')?.name ?? null;
          const nested = own.some((u) => u.kind === 'sharded' && u.depth > 0);
          if (shardedHere.length === 0) return plainHere ? { k: 'one', partition: schema.defaultPartition, nested } : { k: 'anywhere', nested };
          const top = shardedHere.find((u) => u.depth === 0) ?? shardedHere[0];
          const level = levelCond(sel.from, sel.where, false);
          const keyGrouped = (sel.groupBy?.items ?? []).some((g) => g.expr.type === 'Column' && level.lk.isKey(g.expr));
          return { k: 'sharded', rule: top.rule!, cond: level.cond, plain: plainHere, keyGrouped, nested };
        });
        base.union = { branches, sameLayout: layoutClash(sharded) === null, splicer };
        const sides: Cond[] = [];
        for (const { sel, depth } of c.selects) if (depth === 0) sides.push(levelCond(sel.from, sel.where, false).cond);
        base.cond = or(sides);
        base.select = null;
        for (const { sel, depth } of c.selects) {
          if (depth === 0) continue;
          const tables: A.Table[] = [];
          fromLevel(sel.from, tables, [], []);
          if (tables.some((t) => uses.get(t)?.kind === 'sharded')) base.nested.push({ table: tables[0].name, cond: levelCond(sel.from, sel.where, false).cond });
        }
      }
      return base;
    }
    case 'insert':
      return analyzeInsert(stmt);
    case 'update':
    case 'delete': {
      const targetUses =
        stmt.type === 'update'
          ? (() => {
              const t: A.Table[] = [];
              fromLevel(stmt.tables, t, [], []);
              return t.map((x) => uses.get(x)!);
            })()
          : stmt.targets
            ? stmt.targets.map((tn) => all.find((u) => u.depth === 0 && lc(u.alias ?? u.name) === lc(tn.name)) ?? { name: tn.name, kind: 'plain' as const, depth: 0 })
            : (() => {
                const t: A.Table[] = [];
                fromLevel(stmt.from, t, [], []);
                return t.slice(0, 1).map((x) => uses.get(x)!);
              })();
      base.orderedWrite = stmt.orderBy !== undefined || stmt.limit !== undefined;
      if (stmt.type === 'update') {
        const tables: A.Table[] = [];
        fromLevel(stmt.tables, tables, [], []);
        const lk = levelKey(tables);
        for (const a of stmt.set) {
          const i = lk.resolve(a.column);
          if (i >= 0) throw shardKeyUpdate(lk.mine[i].t.name, lk.mine[i].use.rule!.shardKey);
        }
      }
      return writeTargets(targetUses, stmt.type === 'update' ? stmt.tables : stmt.from, stmt.where);
    }
    case 'ddl':
      return analyzeDdl(stmt);
    case 'show':
    case 'explain':
    case 'other':
    case 'lock': {
      base.returnsRows = stmt.type === 'show' || stmt.type === 'explain';
      if (firstRule || kinds.has('broadcast'))
        throw notSupported(`${stmt.type === 'other' ? stmt.keyword : stmt.type.toUpperCase()} on sharded or broadcast tables of schema ${schema.name} is not supported by sluice: run it on each partition's database directly`);
      return base;
    }
    default:
      throw notSupported(`${stmt.type.toUpperCase()} statements are handled by the session, not the sharding planner`);
  }

  function writeTargets(targets: TableUse[], from: A.TableRef[] | undefined, where: A.Expr | undefined): Analysis {
    const target = targets[0];
    if (target?.kind === 'broadcast') {
      const others = all.find((u) => u.kind !== 'broadcast' && u.kind !== 'other');
      if (others)
        throw notSupported(`a write to broadcast table ${target.name} that reads ${others.name} is not supported: every partition must make the same change, so it may only read broadcast tables`);
      base.space = { k: 'everywhere' };
      base.sameChangeEverywhere = true;
      return base;
    }
    if (!firstRule) return base;
    base.space = { k: 'sharded', rule: firstRule, every: false };
    plainCheck();
    const top = levelCond(from, where, true);
    base.cond = top.cond;
    finishCut();
    nestedConds(true);
    return base;
  }

  function analyzeInsert(ins: A.InsertStatement): Analysis {
    const target = uses.get(ins.table)!;
    if (ins.select) base.returnsRows = false;
    if (target.kind === 'broadcast' || (target.kind !== 'sharded' && !firstRule)) {
      if (target.kind === 'broadcast') {
        const others = all.find((u) => u.kind !== 'broadcast' && u.kind !== 'other');
        if (others)
          throw notSupported(`INSERT into broadcast table ${target.name} reading ${others.name} is not supported: every partition must make the same change, so it may only read broadcast tables`);
        base.space = { k: 'everywhere' };
        base.sameChangeEverywhere = true;
      }
      return base;
    }
    if (target.kind !== 'sharded')
      throw notSupported(`INSERT into ${target.name} (on partition ${schema.defaultPartition}) reading sharded table ${sharded[0].name} is not supported: rows of ${sharded[0].name} live on every partition`);
    const rule = target.rule!;
    base.space = { k: 'sharded', rule, every: false };
    const key = rule.shardKey;
    const gen = rule.keyGenerator?.column;
    const info: InsertInfo = { table: target.name, keyColumn: key, rowKeys: [], list: 0, genRows: [] };
    for (const a of ins.onDuplicate ?? []) if (lc(a.column.name) === lc(key)) throw shardKeyUpdate(target.name, key);

    const structural: Edit[] = [];
    if (ins.set) {
      const a = ins.set.find((x) => lc(x.column.name) === lc(key));
      const genMissing = gen !== undefined && !ins.set.some((x) => lc(x.column.name) === lc(gen));
      if (!a && !(genMissing && lc(gen) === lc(key))) throw missingShardKey(target.name, key, 1);
      if (genMissing) {
        const last = ins.set[ins.set.length - 1];
        structural.push({ start: last.end, end: last.end, ops: [`, ${gen} = `, { computed: 'gen:0' }] });
        info.genRows.push(0);
      }
      info.rowKeys.push(a ? rowKey(a.value, 1, target.name, key, lc(gen) === lc(key), 0, info, structural) : 'gen');
      base.cut = whole(splicer.compose(stmt.start, stmt.end, structural));
      base.insert = info;
      return base;
    }
    if (!ins.columns) throw notSupported(`INSERT into sharded table ${target.name} needs a column list naming its shard key ${key}: INSERT INTO ${target.name} (${key}, ...) VALUES ...`);
    const keyAt = ins.columns.findIndex((col) => lc(col.name) === lc(key));
    const genAt = gen === undefined ? -1 : ins.columns.findIndex((col) => lc(col.name) === lc(gen));
    const addGen = gen !== undefined && genAt < 0;
    if (keyAt < 0 && !(addGen && lc(gen) === lc(key))) throw missingShardKey(target.name, key, 1);
    if (addGen) {
      const lastCol = ins.columns[ins.columns.length - 1];
      structural.push({ start: lastCol.end, end: lastCol.end, ops: [`, ${gen}`] });
    }
    if (ins.select) {
      if (keyAt < 0 || addGen) throw insertSelect(target.name);
      const sel = ins.select;
      if (sel.type !== 'select') throw insertSelect(target.name);
      const item = sel.columns[keyAt];
      const tables: A.Table[] = [];
      fromLevel(sel.from, tables, [], []);
      const lk = levelKey(tables);
      const copiesKey = item && item.expr.type === 'Column' && lk.isKey(item.expr);
      const ref = item ? valueRef(item.expr) : null;
      if (!copiesKey && !ref) throw insertSelect(target.name);
      const src = levelCond(sel.from, sel.where, false).cond;
      info.rowKeys.push(ref ?? 'gen');
      info.fromSelect = src;
      if (!copiesKey && lk.mine.length > 0) throw insertSelect(target.name);
      base.insert = info;
      base.cut = whole(splicer.compose(stmt.start, stmt.end, structural));
      return base;
    }
    const rows = ins.values!;
    const rowOps: Op[][] = rows.map((row, r) => {
      const inner: Edit[] = [];
      const genHere = addGen || (genAt >= 0 && isNullish(row.values[genAt]));
      if (keyAt >= 0) info.rowKeys.push(rowKey(row.values[keyAt], r + 1, target.name, key, lc(gen) === lc(key), r, info, inner));
      else info.rowKeys.push('gen');
      if (genHere && !info.genRows.includes(r)) {
        info.genRows.push(r);
        if (genAt >= 0) inner.push({ start: row.values[genAt].start, end: row.values[genAt].end, ops: [{ computed: `gen:${r}` }] });
      }
      if (addGen) inner.push({ start: row.end - 1, end: row.end - 1, ops: [', ', { computed: `gen:${r}` }] });
      return splicer.compose(row.start, row.end, inner);
    });
    info.list = lists.length;
    info.values = { keyAt, genAt, addGen };
    lists.push([]);
    structural.push({ start: rows[0].start, end: rows[rows.length - 1].end, ops: [{ list: info.list, items: rowOps }] });
    base.cut = whole(splicer.compose(stmt.start, stmt.end, structural));
    base.insert = info;
    return base;
  }

  function rowKey(e: A.Expr, row: number, table: string, key: string, generated: boolean, r: number, info: InsertInfo, inner: Edit[]): ValueRef | 'gen' {
    if (isNullish(e)) {
      if (!generated) throw missingShardKey(table, key, row);
      if (!info.genRows.includes(r)) {
        info.genRows.push(r);
        inner.push({ start: e.start, end: e.end, ops: [{ computed: `gen:${r}` }] });
      }
      return 'gen';
    }
    const ref = valueRef(e);
    if (!ref) throw notSupported(`the shard key ${table}.${key} of row ${row} must be a literal or ?, so that sluice can route the row`);
    return ref;
  }

  function analyzeDdl(ddl: A.DdlStatement): Analysis {
    if (ddl.object === 'DATABASE')
      throw notSupported(`${ddl.action} DATABASE is not supported on sharded schema ${schema.name}: create or drop the partition databases on their backends`);
    if (ddl.select && firstRule) throw notSupported('CREATE TABLE ... SELECT on a sharded table is not supported: create the table, then INSERT ... SELECT within one shard');
    if (ddl.action === 'RENAME' && firstRule) throw notSupported('RENAME TABLE of a sharded table is not supported: its rule names it; create the new table and copy the rows');
    if (firstRule) {
      const layout = (r: ShardRule): number => r.tablesPerPartition;
      const other = sharded.find((u) => layout(u.rule!) !== layout(firstRule));
      if (other) throw notSupported(`DDL naming ${sharded[0].name} and ${other.name} (different tablesPerPartition) is not supported: run one statement per table`);
      if (kinds.has('broadcast') && ddl.action !== 'CREATE' && ddl.action !== 'ALTER')
        throw notSupported(`${ddl.action} naming sharded table ${sharded[0].name} and broadcast table ${all.find((u) => u.kind === 'broadcast')!.name} is not supported: run one statement per table`);
      if (kinds.has('plain')) throw notSupported(`DDL naming sharded table ${sharded[0].name} and ${all.find((u) => u.kind === 'plain')!.name} (not sharded) is not supported: run one statement per table`);
      base.space = { k: 'sharded', rule: firstRule, every: true };
    } else if (kinds.has('broadcast')) {
      if (kinds.has('plain')) throw notSupported(`DDL naming broadcast and unsharded tables together is not supported: run one statement per table`);
      base.space = { k: 'everywhere' };
      base.sameChangeEverywhere = true;
    }
    return base;
  }
}

function isNullish(e: A.Expr): boolean {
  return e.type === 'Null' || e.type === 'Default';
}

function insertSelect(table: string) {
  return notSupported(
    `INSERT ... SELECT into sharded table ${table} is supported only within one shard: select from ${table} or a table of its bindingGroup with a condition naming one shard key value, and copy the key column`,
  );
}

/** The cross-shard SELECT rewrite of an analysis, built once and kept. */
export function selectRewrite(a: Analysis): SelectRewrite | null {
  if (a.select !== undefined) return a.select;
  const inp = a.selectInputs;
  if (!inp) return (a.select = null);
  const text = a.template.text;
  const sel = rewriteSelect(inp.sel, { splicer: inp.splicer, base: inp.base, isKey: inp.isKey, isNumericKey: inp.isNumericKey, text });
  sel.ops = [text.slice(0, inp.sel.start), ...sel.ops, text.slice(inp.sel.end)].filter((op) => op !== '');
  a.select = sel;
  return sel;
}

/** The cross-shard UNION rewrite of an analysis, built once and kept. */
export function unionRewrite(a: Analysis): UnionRewrite {
  const u = a.union!;
  if (a.stmt.type !== 'union') throw new Error('BUG: union rewrite of a statement that is not a UNION');
  return (u.rewrite ??= rewriteUnion(a.stmt, u.splicer, a.template.text));
}
