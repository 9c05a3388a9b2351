// The parser, one statement family at a time: the tree's shape and spans.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/sql';
import { parse, parseMany, printSql, stripSpans } from '../../src/sql';

/** Parses, checks that the printed form parses to the same tree, returns the tree without spans. */
function p<S extends A.Statement = A.Statement>(sql: string, opts?: A.ParseOptions): S {
  const st = parse(sql, opts);
  assert.deepEqual(stripSpans(parse(printSql(st), opts)), stripSpans(st), `round trip of ${sql}: ${printSql(st)}`);
  return stripSpans(st) as S;
}
const col = (name: string, table?: string): A.Column => (table ? { type: 'Column', table, name } : { type: 'Column', name }) as A.Column;
const num = (value: string) => ({ type: 'Number', value }) as A.NumberLit;

describe('parser: SELECT', () => {
  it('parses the sysbench point select', () => {
    assert.deepEqual(p('SELECT c FROM sbtest1 WHERE id=?'), {
      type: 'select',
      columns: [{ type: 'SelectItem', expr: col('c') }],
      from: [{ type: 'Table', name: 'sbtest1' }],
      where: { type: 'Binary', op: '=', left: col('id'), right: { type: 'Param', index: 0 } },
    });
  });

  it('reads select items: *, t.*, aliases with and without AS, string aliases', () => {
    const st = p<A.Select>("SELECT *, t.*, db.t.*, a AS x, b y, c 'z', d AS `w w` FROM t");
    assert.deepEqual(
      st.columns.map((c) => [c.expr.type, c.alias]),
      [['Star', undefined], ['Star', undefined], ['Star', undefined], ['Column', 'x'], ['Column', 'y'], ['Column', 'z'], ['Column', 'w w']],
    );
    assert.deepEqual(st.columns[2].expr, { type: 'Star', schema: 'db', table: 't' });
  });

  it('keeps non-reserved keywords usable as names', () => {
    const st = p<A.Select>('SELECT status, date, name, `select` FROM log AS user WHERE status = 1');
    assert.deepEqual(st.columns.map((c) => (c.expr as A.Column).name), ['status', 'date', 'name', 'select']);
    assert.equal((st.from![0] as A.Table).alias, 'user');
  });

  it('reads modifiers, DISTINCT, hints, FROM DUAL', () => {
    const st = p<A.Select>('SELECT /*+ MAX_EXECUTION_TIME(100) */ DISTINCT SQL_CALC_FOUND_ROWS SQL_NO_CACHE a FROM DUAL');
    assert.equal(st.distinct, 'DISTINCT');
    assert.deepEqual(st.modifiers, ['SQL_CALC_FOUND_ROWS', 'SQL_NO_CACHE']);
    assert.deepEqual(st.hints, [{ type: 'Hint', text: 'MAX_EXECUTION_TIME(100)' }]);
    assert.equal(st.dual, true);
  });

  it('reads joins of every kind with ON and USING, comma joins and nested joins', () => {
    const st = p<A.Select>(
      'SELECT * FROM a, b JOIN c ON b.x = c.x LEFT OUTER JOIN d USING (y, z) RIGHT JOIN e ON 1 CROSS JOIN f ON 1 STRAIGHT_JOIN g ON 1 NATURAL LEFT JOIN h INNER JOIN i ON 1',
    );
    assert.equal(st.from!.length, 2);
    const kinds: string[] = [];
    let j = st.from![1];
    while (j.type === 'Join') {
      kinds.unshift(j.kind);
      j = j.left;
    }
    assert.deepEqual(kinds, ['INNER', 'LEFT', 'RIGHT', 'CROSS', 'STRAIGHT', 'NATURAL LEFT', 'INNER']);
    const nested = p<A.Select>('SELECT * FROM t1 JOIN t2 JOIN t3 ON t2.a = t3.a ON t1.a = t2.a');
    const top = nested.from![0] as A.Join;
    assert.equal(top.right.type, 'Join');
    assert.deepEqual(top.on, { type: 'Binary', op: '=', left: col('a', 't1'), right: col('a', 't2') });
  });

  it('reads index hints, partitions and derived tables', () => {
    const st = p<A.Select>(
      'SELECT * FROM t PARTITION (p0, p1) AS x USE INDEX (i1) FORCE KEY FOR ORDER BY (PRIMARY), (SELECT 1 AS n) AS d (m), LATERAL (SELECT 2) AS l',
    );
    const t = st.from![0] as A.Table;
    assert.deepEqual(t.partitions, ['p0', 'p1']);
    assert.deepEqual(t.indexHints, [
      { type: 'IndexHint', action: 'USE', indexes: ['i1'] },
      { type: 'IndexHint', action: 'FORCE', for: 'ORDER BY', indexes: ['PRIMARY'] },
    ]);
    const d = st.from![1] as A.Derived;
    assert.deepEqual([d.type, d.alias, d.columns], ['Derived', 'd', ['m']]);
    assert.equal((st.from![2] as A.Derived).lateral, true);
  });

  it('reads GROUP BY WITH ROLLUP, HAVING, ORDER BY positions, every LIMIT form, locking', () => {
    const st = p<A.Select>('SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP HAVING COUNT(*) > 1 ORDER BY 2 DESC, a LIMIT 5 OFFSET 10 FOR UPDATE OF t SKIP LOCKED');
    assert.equal(st.groupBy!.rollup, true);
    assert.deepEqual(st.orderBy!.map((o) => [o.expr, o.direction]), [[num('2'), 'DESC'], [col('a'), undefined]]);
    assert.deepEqual(st.limit, { type: 'Limit', count: num('5'), offset: num('10'), offsetKeyword: true });
    assert.deepEqual(st.lock, { type: 'Lock', mode: 'UPDATE', of: [{ type: 'TableName', name: 't' }], wait: 'SKIP LOCKED' });
    assert.deepEqual(p<A.Select>('SELECT 1 LIMIT 10, 5').limit, { type: 'Limit', count: num('5'), offset: num('10') });
    assert.equal(p<A.Select>('SELECT 1 FROM t LOCK IN SHARE MODE').lock!.mode, 'LOCK IN SHARE MODE');
    assert.equal(p<A.Select>('SELECT 1 FROM t FOR SHARE NOWAIT').lock!.wait, 'NOWAIT');
  });

  it('reads UNION chains with ALL/DISTINCT, parenthesized operands, ORDER BY/LIMIT of the whole', () => {
    const st = p<A.Union>('(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL SELECT b FROM u UNION DISTINCT SELECT c FROM v ORDER BY 1 LIMIT 3');
    assert.equal(st.type, 'union');
    assert.equal(st.quantifier, 'DISTINCT');
    assert.equal((st.left as A.Union).quantifier, 'ALL');
    assert.deepEqual(((st.left as A.Union).left as A.Select).limit, { type: 'Limit', count: num('1') });
    assert.deepEqual(st.limit, { type: 'Limit', count: num('3') });
    const mixed = p<A.Union>('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4');
    assert.equal(mixed.op, 'EXCEPT');
    assert.equal(((mixed.left as A.Union).right as A.Union).op, 'INTERSECT');
  });

  it('reads CTEs, recursive ones with column lists', () => {
    const st = p<A.Select>('WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), s AS (SELECT 2) SELECT * FROM r, s');
    assert.equal(st.with!.recursive, true);
    assert.deepEqual(st.with!.ctes.map((c) => [c.name, c.columns]), [['r', ['n']], ['s', undefined]]);
  });

  it('reads subqueries: scalar, IN, EXISTS, ANY/ALL, row comparisons', () => {
    const st = p<A.Select>(
      'SELECT (SELECT MAX(x) FROM u) FROM t WHERE a IN (SELECT a FROM u) AND EXISTS (SELECT 1) AND b > ALL (SELECT b FROM u) AND (c, d) = (SELECT c, d FROM u LIMIT 1)',
    );
    assert.equal(st.columns[0].expr.type, 'Subquery');
    const conds: string[] = [];
    const flat = (e: A.Expr): void => {
      if (e.type === 'Binary' && e.op === 'AND') {
        flat(e.left);
        flat(e.right);
      } else conds.push(e.type === 'Binary' ? e.right.type : e.type);
    };
    flat(st.where!);
    assert.deepEqual(conds, ['InSubquery', 'Exists', 'Quantified', 'Subquery']);
  });

  it('reads functions: aggregates, GROUP_CONCAT, CAST/CONVERT, CASE, EXTRACT, TRIM, SUBSTRING, window functions', () => {
    const st = p<A.Select>(
      "SELECT COUNT(DISTINCT a, b), GROUP_CONCAT(DISTINCT x ORDER BY y DESC SEPARATOR '|'), CAST(a AS DECIMAL(10,2)), CONVERT(b, UNSIGNED INTEGER), CONVERT(c USING utf8mb4), CASE WHEN a THEN 1 ELSE 2 END, EXTRACT(YEAR FROM d), TRIM(LEADING 'x' FROM s), SUBSTRING(s FROM 2 FOR 3), ROW_NUMBER() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), SUM(x) OVER w, CURRENT_TIMESTAMP, NOW(6), db.fn(1) FROM t WINDOW w AS (ORDER BY a)",
    );
    const [count, gc, cast, conv, convUsing, cs, ex, trim, sub, rn, sumOver, ts, now, fn] = st.columns.map((c) => c.expr);
    assert.deepEqual(count, { type: 'Call', name: 'COUNT', args: [col('a'), col('b')], distinct: true });
    assert.deepEqual((gc as A.Call).separator, '|');
    assert.deepEqual((cast as A.Cast).dataType, { type: 'DataType', name: 'DECIMAL', params: ['10', '2'] });
    assert.deepEqual((conv as A.Cast).dataType!.name, 'UNSIGNED INTEGER');
    assert.equal((convUsing as A.Cast).using, 'utf8mb4');
    assert.equal(cs.type, 'Case');
    assert.deepEqual(ex, { type: 'Extract', unit: 'YEAR', expr: col('d') });
    assert.deepEqual(trim, { type: 'Trim', spec: 'LEADING', remove: { type: 'String', value: 'x' }, expr: col('s') });
    assert.deepEqual((sub as A.Call).args, [col('s'), num('2'), num('3')]);
    assert.deepEqual((rn as A.Call).over!.frame, {
      type: 'Frame', unit: 'ROWS', from: { type: 'FrameBound', kind: 'UNBOUNDED PRECEDING' }, to: { type: 'FrameBound', kind: 'CURRENT ROW' },
    });
    assert.deepEqual((sumOver as A.Call).over, { type: 'Window', name: 'w', ref: true });
    assert.deepEqual(ts, { type: 'Call', name: 'CURRENT_TIMESTAMP', args: [], bare: true });
    assert.equal((now as A.Call).args.length, 1);
    assert.equal((fn as A.Call).schema, 'db');
  });

  it('reads literals: concatenated strings, introducers, hex/bit, typed literals, booleans', () => {
    const st = p<A.Select>("SELECT 'a' 'b', _utf8mb4'x' COLLATE utf8mb4_bin, N'n', X'1F', 0x1F, b'1', 0b1, DATE '2020-01-01', TRUE, NULL, -1, 1.5e3");
    const [s, coll, n, x, hx, bs, bn, d, t, nul, neg, f] = st.columns.map((c) => c.expr);
    assert.deepEqual(s, { type: 'String', value: 'ab' });
    assert.deepEqual(coll, { type: 'Collate', expr: { type: 'String', value: 'x', charset: 'utf8mb4' }, collation: 'utf8mb4_bin' });
    assert.deepEqual(n, { type: 'String', value: 'n', national: true });
    assert.deepEqual([x, hx, bs, bn], [
      { type: 'Hex', value: '1F', form: 'X' }, { type: 'Hex', value: '1F', form: '0x' },
      { type: 'Bit', value: '1', form: 'B' }, { type: 'Bit', value: '1', form: '0b' },
    ]);
    assert.deepEqual(d, { type: 'TypedLiteral', dataType: 'DATE', value: '2020-01-01' });
    assert.deepEqual([t, nul], [{ type: 'Bool', value: true }, { type: 'Null' }]);
    assert.deepEqual(neg, { type: 'Unary', op: '-', operand: num('1') });
    assert.deepEqual(f, num('1.5e3'));
  });

  it('reads variables and JSON paths', () => {
    const st = p<A.Select>("SELECT @a := 1, @@session.sql_mode, @@version, doc->'$.a', doc->>'$.b'");
    assert.deepEqual(st.columns[0].expr, {
      type: 'Binary', op: ':=', left: { type: 'Variable', scope: 'USER', name: 'a', system: false }, right: num('1'),
    });
    assert.deepEqual(st.columns[1].expr, { type: 'Variable', scope: 'SESSION', name: 'sql_mode', system: true });
    assert.deepEqual(st.columns[2].expr, { type: 'Variable', scope: 'DEFAULT', name: 'version', system: true });
    assert.equal((st.columns[4].expr as A.Binary).op, '->>');
  });

  it('reads double-quoted text as identifiers under ANSI_QUOTES', () => {
    const st = p<A.Select>('SELECT "a b" FROM "t"', { ansiQuotes: true });
    assert.deepEqual(st.columns[0].expr, col('a b'));
    assert.equal((st.from![0] as A.Table).name, 't');
  });

  it('numbers ? markers in text order', () => {
    const st = parse('SELECT ? FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?, ?') as A.Select;
    assert.deepEqual(A.placeholders(st).map((x) => x.index), [0, 1, 2, 3, 4, 5]);
    assert.equal((st.limit!.offset as A.Param).index, 4);
  });
});

describe('parser: INSERT / REPLACE / UPDATE / DELETE', () => {
  it('reads INSERT with many rows, IGNORE, ON DUPLICATE KEY UPDATE with VALUES()', () => {
    const st = p<A.InsertStatement>('INSERT IGNORE INTO db.t (a, b) VALUES (1, DEFAULT), (?, ?) ON DUPLICATE KEY UPDATE b = VALUES(b), c = c + 1');
    assert.equal(st.ignore, true);
    assert.deepEqual([st.table.schema, st.table.name], ['db', 't']);
    assert.deepEqual(st.columns, [col('a'), col('b')]);
    assert.deepEqual(st.values![0].values, [num('1'), { type: 'Default' }]);
    assert.equal(st.values!.length, 2);
    assert.deepEqual(st.onDuplicate![0].value, { type: 'Call', name: 'VALUES', args: [col('b')] });
  });

  it('reads INSERT ... SET, INSERT ... SELECT, REPLACE, row aliases', () => {
    assert.deepEqual(p<A.InsertStatement>('INSERT t SET a = 1, b = 2').set!.length, 2);
    assert.equal(p<A.InsertStatement>('INSERT INTO t (a) SELECT x FROM u WHERE y').select!.type, 'select');
    assert.equal(p<A.InsertStatement>('INSERT INTO t (SELECT x FROM u)').select!.type, 'select');
    assert.equal(p<A.InsertStatement>("REPLACE LOW_PRIORITY INTO t VALUES (1, 'x')").verb, 'REPLACE');
    const alias = p<A.InsertStatement>('INSERT INTO t (a, b) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE b = new.b');
    assert.equal(alias.rowAlias, 'new');
  });

  it('reads single- and multi-table UPDATE with ORDER BY and LIMIT', () => {
    const one = p<A.UpdateStatement>('UPDATE LOW_PRIORITY IGNORE t SET a = a + 1, b = DEFAULT WHERE id = 3 ORDER BY id LIMIT 1');
    assert.deepEqual([one.lowPriority, one.ignore, one.set.length, one.limit!.count], [true, true, 2, num('1')]);
    const multi = p<A.UpdateStatement>('UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = t2.b WHERE t2.c > 0');
    assert.equal(multi.tables[0].type, 'Join');
    assert.deepEqual(multi.set[0].column, col('a', 't1'));
  });

  it('reads single- and multi-table DELETE in both multi-table forms', () => {
    const one = p<A.DeleteStatement>('DELETE QUICK FROM t WHERE id = 1 ORDER BY id LIMIT 10');
    assert.deepEqual([one.quick, one.targets, (one.from[0] as A.Table).name], [true, undefined, 't']);
    const m1 = p<A.DeleteStatement>('DELETE t1, t2.* FROM t1 JOIN t2 ON t1.id = t2.id WHERE t1.x = 1');
    assert.deepEqual(m1.targets!.map((t) => t.name), ['t1', 't2']);
    const m2 = p<A.DeleteStatement>('DELETE FROM t1, t2 USING t1 JOIN t2 WHERE t1.id = t2.id');
    assert.deepEqual([m2.using, m2.targets!.length], [true, 2]);
  });
});

describe('parser: transactions, SET, USE', () => {
  it('reads BEGIN, START TRANSACTION, COMMIT, ROLLBACK, savepoints', () => {
    const t = (s: string) => p<A.TransactionStatement>(s);
    assert.deepEqual(t('BEGIN'), { type: 'transaction', action: 'BEGIN' });
    assert.deepEqual(t('START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT').characteristics, ['READ ONLY', 'WITH CONSISTENT SNAPSHOT']);
    assert.deepEqual(t('COMMIT WORK AND NO CHAIN RELEASE'), { type: 'transaction', action: 'COMMIT', work: true, chain: false, release: true });
    assert.deepEqual(t('ROLLBACK TO SAVEPOINT sp1'), { type: 'transaction', action: 'ROLLBACK', savepoint: 'sp1' });
    assert.deepEqual(t('SAVEPOINT sp1'), { type: 'transaction', action: 'SAVEPOINT', savepoint: 'sp1' });
    assert.deepEqual(t('RELEASE SAVEPOINT sp1'), { type: 'transaction', action: 'RELEASE', savepoint: 'sp1' });
  });

  it('reads every SET form, carrying GLOBAL/SESSION over to later assignments', () => {
    const st = p<A.SetStatement>("SET @a = 1, @@session.autocommit = 0, GLOBAL max_connections = 10, wait_timeout = 5, sql_mode = '', x = ON");
    assert.deepEqual(
      st.items.map((i) => {
        const v = (i as A.SetVariable).variable;
        return `${v.scope}:${v.name}:${v.system}`;
      }),
      ['USER:a:false', 'SESSION:autocommit:true', 'GLOBAL:max_connections:false', 'GLOBAL:wait_timeout:false', 'GLOBAL:sql_mode:false', 'GLOBAL:x:false'],
    );
    assert.deepEqual((st.items[5] as A.SetVariable).value, { type: 'Keyword', name: 'ON' });
    assert.deepEqual(p<A.SetStatement>('SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci').items[0], { type: 'SetNames', charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' });
    assert.deepEqual(p<A.SetStatement>('SET NAMES DEFAULT').items[0], { type: 'SetNames' });
    assert.deepEqual(p<A.SetStatement>('SET CHARACTER SET utf8').items[0], { type: 'SetCharset', charset: 'utf8' });
    assert.deepEqual(p<A.SetStatement>('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE').items[0], {
      type: 'SetTransaction', scope: 'SESSION', isolation: 'READ COMMITTED', access: 'READ WRITE',
    });
  });

  it('reads USE', () => {
    assert.deepEqual(p('USE `my db`'), { type: 'use', database: 'my db' });
  });
});

describe('parser: utility statements', () => {
  it('reads SHOW forms', () => {
    assert.deepEqual(p("SHOW FULL TABLES FROM db LIKE 'a%'"), { type: 'show', what: 'TABLES', full: true, database: 'db', like: 'a%' });
    assert.deepEqual(p('SHOW COLUMNS FROM t FROM db'), { type: 'show', what: 'COLUMNS', table: { type: 'TableName', name: 't' }, database: 'db' });
    assert.deepEqual(p('SHOW CREATE TABLE db.t'), { type: 'show', what: 'CREATE TABLE', table: { type: 'TableName', schema: 'db', name: 't' } });
    assert.deepEqual(p("SHOW GLOBAL VARIABLES WHERE Variable_name = 'x'").type, 'show');
    assert.deepEqual(p('SHOW WARNINGS LIMIT 5'), { type: 'show', what: 'WARNINGS', limit: { type: 'Limit', count: num('5') } });
    for (const w of ['DATABASES', 'STATUS', 'PROCESSLIST', 'ERRORS', 'ENGINES', 'COLLATION', 'PLUGINS', 'PRIVILEGES'])
      assert.equal((p(`SHOW ${w}`) as A.ShowStatement).what, w);
    assert.equal((p('SHOW KEYS IN t') as A.ShowStatement).what, 'INDEX');
    assert.equal(p('SHOW GRANTS FOR CURRENT_USER').type, 'other');
  });

  it('reads EXPLAIN / DESCRIBE of statements and tables', () => {
    assert.deepEqual(p('EXPLAIN FORMAT=JSON SELECT 1'), {
      type: 'explain', verb: 'EXPLAIN', format: 'JSON', statement: { type: 'select', columns: [{ type: 'SelectItem', expr: num('1') }] },
    });
    assert.equal((p('EXPLAIN ANALYZE SELECT 1') as A.ExplainStatement).analyze, true);
    assert.deepEqual(p('DESCRIBE t c'), { type: 'explain', verb: 'DESCRIBE', table: { type: 'TableName', name: 't' }, column: 'c' });
    assert.equal((p('DESC UPDATE t SET a = 1') as A.ExplainStatement).statement!.type, 'update');
  });

  it('reads KILL, PREPARE, EXECUTE, DEALLOCATE', () => {
    assert.deepEqual(p('KILL QUERY 42'), { type: 'kill', target: 'QUERY', id: num('42') });
    assert.deepEqual(p("PREPARE s FROM 'SELECT ?'"), { type: 'prepare', action: 'PREPARE', name: 's', from: { type: 'String', value: 'SELECT ?' } });
    assert.deepEqual((p('EXECUTE s USING @a, @b') as A.PrepareStatement).using!.length, 2);
    assert.deepEqual(p('DEALLOCATE PREPARE s'), { type: 'prepare', action: 'DEALLOCATE', name: 's' });
    assert.deepEqual(p('DROP PREPARE s'), { type: 'prepare', action: 'DEALLOCATE', name: 's', drop: true });
  });

  it('reads LOCK / UNLOCK TABLES and XA', () => {
    const l = p<A.LockTablesStatement>('LOCK TABLES t1 READ LOCAL, t2 AS x WRITE, t3 LOW_PRIORITY WRITE');
    assert.deepEqual(l.tables.map((t) => [t.table.name, t.mode]), [['t1', 'READ LOCAL'], ['t2', 'WRITE'], ['t3', 'LOW_PRIORITY WRITE']]);
    assert.deepEqual(p('UNLOCK TABLES'), { type: 'lock', action: 'UNLOCK', tables: [] });
    assert.deepEqual(p("XA START 'g', 'b', 1 JOIN"), {
      type: 'xa', action: 'START', xid: [{ type: 'String', value: 'g' }, { type: 'String', value: 'b' }, num('1')], option: 'JOIN',
    });
    assert.deepEqual(p("XA COMMIT 'g' ONE PHASE"), { type: 'xa', action: 'COMMIT', xid: [{ type: 'String', value: 'g' }], option: 'ONE PHASE' });
    assert.deepEqual(p('XA RECOVER'), { type: 'xa', action: 'RECOVER' });
  });
});

describe('parser: DDL', () => {
  it('reads CREATE TABLE: columns, constraints (with FOREIGN KEY parents), options, LIKE, AS SELECT', () => {
    const st = p<A.DdlStatement>(
      "CREATE TABLE IF NOT EXISTS db.t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, name VARCHAR(64) CHARACTER SET utf8mb4 DEFAULT '', p INT REFERENCES parent (id), PRIMARY KEY (id), CONSTRAINT fk FOREIGN KEY (p) REFERENCES db2.parent2 (id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    );
    assert.deepEqual([st.action, st.object, st.ifNotExists], ['CREATE', 'TABLE', true]);
    assert.deepEqual(st.tables.map((t) => `${t.schema ?? ''}.${t.name}`), ['db.t', '.parent', 'db2.parent2']);
    assert.deepEqual(st.columns!.map((c) => [c.name, c.dataType.name, c.options]), [
      ['id', 'BIGINT', 'NOT NULL AUTO_INCREMENT'], ['name', 'VARCHAR', "DEFAULT ''"], ['p', 'INT', 'REFERENCES parent (id)'],
    ]);
    assert.equal(st.constraints!.length, 2);
    assert.equal(st.options, 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
    assert.deepEqual(p<A.DdlStatement>('CREATE TEMPORARY TABLE t2 LIKE t1').like, { type: 'TableName', name: 't1' });
    assert.equal(p<A.DdlStatement>('CREATE TABLE t3 AS SELECT * FROM t1').select!.type, 'select');
  });

  it('reads ALTER (with RENAME TO), DROP, TRUNCATE, RENAME TABLE', () => {
    const alter = p<A.DdlStatement>('ALTER TABLE t ADD COLUMN c INT, DROP INDEX i, RENAME TO t2');
    assert.deepEqual(alter.alterations, ['ADD COLUMN c INT', 'DROP INDEX i', 'RENAME TO t2']);
    assert.deepEqual(alter.tables.map((t) => t.name), ['t', 't2']);
    const drop = p<A.DdlStatement>('DROP TEMPORARY TABLE IF EXISTS a, db.b CASCADE');
    assert.deepEqual([drop.temporary, drop.ifExists, drop.tables.length, drop.options], [true, true, 2, 'CASCADE']);
    assert.deepEqual(p<A.DdlStatement>('TRUNCATE t').tables, [{ type: 'TableName', name: 't' }]);
    const ren = p<A.DdlStatement>('RENAME TABLE a TO b, c TO d');
    assert.deepEqual(ren.tables.map((t) => t.name), ['a', 'b', 'c', 'd']);
  });

  it('reads CREATE/DROP INDEX and CREATE/DROP DATABASE', () => {
    const ci = p<A.DdlStatement>('CREATE UNIQUE INDEX i USING BTREE ON t (a, b(10) DESC)');
    assert.deepEqual([ci.object, ci.indexKind, ci.index, ci.tables[0].name, ci.indexParts, ci.options], ['INDEX', 'UNIQUE', 'i', 't', '(a, b(10) DESC)', 'USING BTREE']);
    assert.deepEqual(p<A.DdlStatement>('DROP INDEX i ON db.t').tables[0], { type: 'TableName', schema: 'db', name: 't' });
    assert.deepEqual(p('CREATE DATABASE IF NOT EXISTS d CHARACTER SET utf8mb4'), {
      type: 'ddl', action: 'CREATE', object: 'DATABASE', tables: [], ifNotExists: true, database: 'd', options: 'CHARACTER SET utf8mb4',
    });
    assert.deepEqual(p('DROP SCHEMA IF EXISTS d'), { type: 'ddl', action: 'DROP', object: 'DATABASE', tables: [], schemaWord: true, ifExists: true, database: 'd' });
  });
});

describe('parser: other statements', () => {
  it('keeps unknown-but-plausible statements as kind other, with their first keyword and tables', () => {
    const g = p<A.OtherStatement>("GRANT SELECT ON db.t TO 'u'@'%'");
    assert.deepEqual([g.type, g.keyword, g.tables, g.text], ['other', 'GRANT', [{ type: 'TableName', schema: 'db', name: 't' }], "GRANT SELECT ON db.t TO 'u'@'%'"]);
    assert.deepEqual(p<A.OtherStatement>('ANALYZE TABLE a, b').tables.map((t) => t.name), ['a', 'b']);
    assert.deepEqual(p<A.OtherStatement>("LOAD DATA INFILE 'f' INTO TABLE t").tables.map((t) => t.name), ['t']);
    assert.equal(p<A.OtherStatement>('CREATE VIEW v AS SELECT * FROM t').keyword, 'CREATE');
    assert.equal(p<A.OtherStatement>('CALL p(1, 2)').keyword, 'CALL');
    assert.equal(p<A.OtherStatement>('FLUSH TABLES').keyword, 'FLUSH');
  });

  it('takes a stored program body as one statement', () => {
    const [st, next] = parseMany('CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END');
    assert.equal(st.type, 'other');
    assert.equal(next, undefined);
  });
});

describe('parser: several statements and spans', () => {
  it('splits on ; outside strings and comments', () => {
    const sts = parseMany("SELECT ';'; /* ; */ SELECT 2;; UPDATE t SET a = 1");
    assert.deepEqual(sts.map((s) => s.type), ['select', 'select', 'update']);
  });

  it('stamps every node with offsets into the original text', () => {
    const sql = 'SELECT  t.a AS x , COUNT(*) FROM  db.tbl   t WHERE t.a IN (1, ?)';
    const st = parse(sql) as A.Select;
    const text = (n: A.Span) => sql.slice(n.start, n.end);
    assert.equal(text(st), sql);
    assert.equal(text(st.columns[0]), 't.a AS x');
    assert.equal(text(st.columns[1].expr), 'COUNT(*)');
    const t = st.from![0] as A.Table;
    assert.equal(text(t), 'db.tbl   t');
    assert.equal(sql.slice(t.nameStart, t.nameEnd), 'db.tbl');
    assert.equal(text(st.where!), 't.a IN (1, ?)');
    assert.equal(text((st.where as A.In).list[1]), '?');
  });

  it('gives the same tree with the moo lexer and the fast scanner', () => {
    const sql = "SELECT a, 'x' 'y', 0x1F, @@session.x FROM t /* c */ WHERE b = ? -- tail";
    assert.deepEqual(parse(sql, { lexer: 'fast' }), parse(sql, { lexer: 'moo' }));
  });
});
