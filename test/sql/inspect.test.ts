// The planner's helpers over parsed statements.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/sql';
import { parse, printSql } from '../../src/sql';

/** A condition tree printed compactly: leaves as `col op value` SQL. */
function show(c: A.ColumnCondition): string {
  switch (c.op) {
    case 'AND':
    case 'OR':
      return '(' + c.args.map(show).join(` ${c.op} `) + ')';
    case 'NOT':
      return 'NOT ' + show(c.arg);
    case 'TRUE':
      return 'TRUE';
    case 'IN':
    case 'NOT IN':
      return `${printSql(c.column)} ${c.op} (${c.values.map((v) => printSql(v)).join(', ')})`;
    case 'BETWEEN':
    case 'NOT BETWEEN':
      return `${printSql(c.column)} ${c.op} ${printSql(c.low)} AND ${printSql(c.high)}`;
    case 'IS NULL':
    case 'IS NOT NULL':
      return `${printSql(c.column)} ${c.op}`;
    default:
      return `${printSql(c.column)} ${c.op} ${printSql(c.value)}`;
  }
}

describe('inspect: tables', () => {
  it('lists tables with schema, alias, name span, context and depth', () => {
    const sql = 'SELECT * FROM db.orders AS o JOIN users u ON u.id = o.uid WHERE o.id IN (SELECT oid FROM items)';
    const tables = A.tablesOf(parse(sql));
    assert.deepEqual(
      tables.map((t) => [t.schema, t.name, t.alias, sql.slice(t.start, t.end), sql.slice(t.refStart, t.refEnd), t.context, t.depth]),
      [
        ['db', 'orders', 'o', 'db.orders', 'db.orders AS o', 'from', 0],
        [undefined, 'users', 'u', 'users', 'users u', 'from', 0],
        [undefined, 'items', undefined, 'items', 'items', 'from', 1],
      ],
    );
  });

  it('tells CTE references from tables and names every statement kind\'s tables', () => {
    const cte = A.tablesOf(parse('WITH c AS (SELECT * FROM t) SELECT * FROM c'));
    assert.deepEqual(cte.map((t) => [t.name, t.cte, t.depth]), [['t', false, 1], ['c', true, 0]]);
    const ctx = (sql: string) => A.tablesOf(parse(sql)).map((t) => `${t.name}:${t.context}`);
    assert.deepEqual(ctx('INSERT INTO t SELECT * FROM u'), ['t:insert', 'u:from']);
    assert.deepEqual(ctx('UPDATE t1, t2 SET t1.a = t2.a'), ['t1:from', 't2:from']);
    assert.deepEqual(ctx('DELETE t1 FROM t1 JOIN t2 ON 1'), ['t1:delete', 't1:from', 't2:from']);
    assert.deepEqual(ctx('RENAME TABLE a TO b'), ['a:ddl', 'b:ddl']);
    assert.deepEqual(ctx('LOCK TABLES t READ'), ['t:lock']);
    assert.deepEqual(ctx('SHOW CREATE TABLE t'), ['t:show']);
    assert.deepEqual(ctx('OPTIMIZE TABLE t'), ['t:other']);
  });
});

describe('inspect: column conditions', () => {
  const cond = (where: string, column = 'k', qualifiers?: string[]) =>
    show(A.columnConditions((parse('SELECT * FROM t WHERE ' + where) as A.Select).where, A.columnNamed(column, qualifiers)));

  it('turns =, IN, BETWEEN, ranges and IS NULL into leaves with the column on the left', () => {
    assert.equal(cond('k = ?'), 'k = ?');
    assert.equal(cond('5 < k'), 'k > 5');
    assert.equal(cond('k IN (1, ?, -2)'), 'k IN (1, ?, -2)');
    assert.equal(cond('k BETWEEN 1 AND 9'), 'k BETWEEN 1 AND 9');
    assert.equal(cond('k IS NULL'), 'k IS NULL');
    assert.equal(cond('k NOT IN (1)'), 'k NOT IN (1)');
  });

  it('keeps AND/OR/NOT structure and marks unrelated parts TRUE', () => {
    assert.equal(cond('k = 1 AND x = 2'), 'k = 1');
    assert.equal(cond('k = 1 OR x = 2'), 'TRUE');
    assert.equal(cond('(k = 1 OR k = 2) AND (k > 0 AND x < 3)'), '((k = 1 OR k = 2) AND k > 0)');
    assert.equal(cond('NOT k = 1'), 'NOT k = 1');
    assert.equal(cond('k = k + 1'), 'TRUE');
  });

  it('picks columns by qualifier', () => {
    assert.equal(cond('a.k = 1 AND b.k = 2', 'k', ['a']), 'a.k = 1');
  });
});

describe('inspect: select items, grouping, ordering, limits', () => {
  it('describes select items with aggregates and labels', () => {
    const sql = 'SELECT u.*, id, COUNT(*) AS n, SUM(a) / COUNT(a), ROW_NUMBER() OVER () FROM t GROUP BY id';
    const items = A.selectItems(parse(sql) as A.Select, sql);
    assert.deepEqual(
      items.map((i) => [i.star, i.starTable, i.column?.name, i.aggregates.map((c) => c.name), i.label]),
      [
        [true, 'u', undefined, [], 'u.*'],
        [false, undefined, 'id', [], 'id'],
        [false, undefined, undefined, ['COUNT'], 'n'],
        [false, undefined, undefined, ['SUM', 'COUNT'], 'SUM(a) / COUNT(a)'],
        [false, undefined, undefined, [], 'ROW_NUMBER() OVER ()'],
      ],
    );
  });

  it('gives GROUP BY / ORDER BY positions and columns, and LIMIT values or markers', () => {
    const st = parse('SELECT a, b FROM t GROUP BY 1, b WITH ROLLUP ORDER BY 2 DESC LIMIT ?, 10') as A.Select;
    const g = A.groupByOf(st);
    assert.deepEqual([g.items.map((i) => [i.position, i.column?.name]), g.rollup], [[[1, undefined], [undefined, 'b']], true]);
    assert.deepEqual(A.orderByOf(st).map((o) => [o.position, o.desc]), [[2, true]]);
    const l = A.limitOf(st)!;
    assert.deepEqual([l.count, l.offset], [{ value: 10 }, { param: 0 }]);
    assert.equal(A.limitOf(parse('SELECT 1') as A.Select), undefined);
  });
});

describe('inspect: INSERT and placeholders', () => {
  it('gives INSERT columns, rows and a row\'s value for a column', () => {
    const st = parse('INSERT INTO t (id, name) VALUES (1, ?), (2, ?)') as A.InsertStatement;
    const info = A.insertInfo(st);
    assert.deepEqual([info.table.name, info.columns, info.rows!.length], ['t', ['id', 'name'], 2]);
    const v = A.insertValue(st, 1, 'ID')!;
    assert.deepEqual(A.stripSpans(v), { type: 'Number', value: '2' });
    assert.equal('INSERT INTO t (id, name) VALUES (1, ?), (2, ?)'.slice(v.start, v.end), '2');
    const set = parse('INSERT INTO t SET id = 5') as A.InsertStatement;
    assert.deepEqual(A.insertInfo(set).columns, ['id']);
    assert.equal((A.insertValue(set, 0, 'id') as A.NumberLit).value, '5');
  });

  it('lists ? markers in order', () => {
    const st = parse('UPDATE t SET a = ? WHERE b IN (?, ?) LIMIT ?');
    assert.deepEqual(A.placeholders(st).map((p) => p.index), [0, 1, 2, 3]);
  });

  it('tells read-only statements', () => {
    assert.equal(A.isReadOnly(parse('SELECT 1')), true);
    assert.equal(A.isReadOnly(parse('SELECT 1 FROM t FOR UPDATE')), false);
    assert.equal(A.isReadOnly(parse('SHOW TABLES')), true);
    assert.equal(A.isReadOnly(parse('UPDATE t SET a = 1')), false);
  });
});
