// Statement templates, the --sql file format and the COM_STMT_EXECUTE encoder, without a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, fillText, preparedShape, rng } from '../../src/loadgen/template';
import { parseMix, builtinMix, WORKLOADS } from '../../src/loadgen/workloads';
import { executeCommand, queryCommand } from '../../src/loadgen/commands';
import { parseTarget, share } from '../../src/loadgen/options';

const scope = { tables: 3, tableSize: 50 };

test('fillText: values in range, one name one value per statement, table2 follows table', () => {
  const t = compileTemplate('SELECT {id}, {id}, {k}, {int:-2:2} FROM sbtest{table} JOIN sbtest{table2} x', scope);
  const random = rng(42);
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const sql = fillText(t, scope, random, []);
    const m = /^SELECT (\d+), (\d+), (\d+), (-?\d+) FROM sbtest(\d) JOIN sbtest(\d) x$/.exec(sql);
    assert.ok(m, sql);
    const [id, id2, k, small, table, table2] = m.slice(1).map(Number);
    assert.equal(id, id2);
    assert.ok(id >= 1 && id <= 50 && k >= 1 && k <= 50, sql);
    assert.ok(small >= -2 && small <= 2, sql);
    assert.equal(table2, (table % 3) + 1);
    seen.add(`${table}`);
  }
  assert.deepEqual([...seen].sort(), ['1', '2', '3']);
});

test('fillText: sysbench strings and random strings have their lengths and no quotes', () => {
  const t = compileTemplate("INSERT INTO t VALUES ('{c}', '{pad}', '{str:5}', {unknown})", scope);
  const sql = fillText(t, scope, rng(1), []);
  const m = /^INSERT INTO t VALUES \('([0-9-]+)', '([0-9-]+)', '([A-Za-z0-9]+)', \{unknown\}\)$/.exec(sql);
  assert.ok(m, sql);
  assert.equal(m[1].length, 120);
  assert.equal(m[2].length, 60);
  assert.equal(m[3].length, 5);
  assert.match(m[1], /^\d{11}-\d{11}-/);
});

test('preparedShape: value placeholders become ?, quoted ones lose their quotes, tables stay text', () => {
  const t = compileTemplate("UPDATE sbtest{table} SET c='{c}', pad = '{pad}' WHERE id BETWEEN {id} AND {id}+9 AND k={k}", scope);
  const shape = preparedShape(t, 2, scope);
  assert.equal(shape.sql, 'UPDATE sbtest2 SET c=?, pad = ? WHERE id BETWEEN ? AND ?+9 AND k=?');
  assert.deepEqual(shape.params, [0, 1, 2, 2, 3]);
  assert.deepEqual(preparedShape(compileTemplate('SELECT 1', scope), 1, scope), { sql: 'SELECT 1', params: [] });
  assert.equal(preparedShape(compileTemplate('SELECT * FROM sbtest{table} a JOIN sbtest{table2} b', scope), 3, scope).sql,
    'SELECT * FROM sbtest3 a JOIN sbtest1 b');
});

test('parseMix: weights, default weight, comments; bad lines name their line', () => {
  assert.deepEqual(parseMix('# mix\n\n5\tSELECT 1\nSELECT 2\n0.5\t SELECT 3\n'), [
    { weight: 5, sql: 'SELECT 1' }, { weight: 1, sql: 'SELECT 2' }, { weight: 0.5, sql: 'SELECT 3' },
  ]);
  assert.throws(() => parseMix('SELECT 1\n0\tSELECT 2\n', 'm.sql'), /^Error: m\.sql:2: the weight must be a positive number$/);
  assert.throws(() => parseMix('# only a comment\n', 'm.sql'), /m\.sql: no statements/);
  for (const w of WORKLOADS) assert.ok(builtinMix(w).length > 0, w);
});

/** An independent COM_STMT_EXECUTE encoder, written from the protocol documentation. */
function expectedExecute(id: number, values: (number | string)[]): Buffer {
  const body: number[] = [0x17, id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, (id >>> 24) & 0xff, 0, 1, 0, 0, 0];
  if (values.length > 0) {
    for (let i = 0; i < Math.ceil(values.length / 8); i++) body.push(0);
    body.push(1);
    for (const v of values) body.push(typeof v === 'number' ? 0x08 : 0xfd, 0);
    for (const v of values) {
      if (typeof v === 'number') {
        const b = Buffer.alloc(8);
        b.writeBigInt64LE(BigInt(v));
        body.push(...b);
      } else {
        const s = Buffer.from(v);
        if (s.length < 251) body.push(s.length);
        else body.push(0xfc, s.length & 0xff, s.length >> 8);
        body.push(...s);
      }
    }
  }
  return Buffer.from([body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, 0, ...body]);
}

test('executeCommand matches an independent encoding (no params, ints, negative ints, long strings)', () => {
  for (const values of [[], [7], [1, 'abc'], [-5, 2 ** 40], ['x'.repeat(300), 9, 'é'], Array.from({ length: 9 }, (_, i) => i)]) {
    assert.deepEqual(executeCommand(0x01020304, values), expectedExecute(0x01020304, values), JSON.stringify(values).slice(0, 60));
  }
});

test('queryCommand frames COM_QUERY with sequence 0', () => {
  assert.deepEqual(queryCommand('SELECT 1'), Buffer.from([9, 0, 0, 0, 0x03, ...Buffer.from('SELECT 1')]));
});

test('share splits exactly; parseTarget reads HOST:PORT', () => {
  assert.deepEqual([0, 1, 2].map((i) => share(10, 3, i)), [4, 3, 3]);
  assert.deepEqual(parseTarget('db.local:3307'), { name: 'db.local:3307', host: 'db.local', port: 3307 });
  assert.deepEqual(parseTarget('3307', 'x'), { name: 'x', host: '127.0.0.1', port: 3307 });
  assert.throws(() => parseTarget('host:99999'), /is not HOST:PORT/);
});
