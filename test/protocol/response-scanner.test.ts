import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseScanner, ResponseKind } from '../../src/protocol/response-scanner';
import { cat, int1, int2, int4, packet, packets, ok, err, eof, columnDef, textRow, resultSet, type Piece } from './helpers/wire';
import { everySplit, cutsAt, around, type Split } from './helpers/split';

const MAX = 0xffffff;
const MORE = 0x0008; // SERVER_MORE_RESULTS_EXISTS
const AUTOCOMMIT = 0x0002;

interface Expect {
  status?: number;
  warnings?: number;
  err?: Buffer | null;
  ok?: Buffer | null;
  infile?: Buffer | null;
  resultSets?: number;
}

interface Case {
  name: string;
  kind: ResponseKind;
  deprecateEof: boolean;
  payloads: Buffer[];
  expect: Expect;
}

/** The bytes of the next response on the same connection, appended to check the end is exact. */
const NEXT = packet(ok({ affectedRows: 9 }), 1);

const scanner = new ResponseScanner(); // one scanner, reused for every response as a connection does

/** Scans the chunks; returns the absolute offset just past the response (-1 if it never ended). */
function scanSplit(c: Case, split: Split): number {
  scanner.begin(c.kind, c.deprecateEof);
  let base = 0;
  for (const chunk of split.chunks) {
    const r = scanner.scan(chunk);
    if (r >= 0) {
      assert.ok(scanner.done, `${c.name}, ${split.name}: done after the end`);
      return base + r;
    }
    assert.equal(scanner.done, false, `${c.name}, ${split.name}: not done before the end`);
    base += chunk.length;
  }
  return -1;
}

function checkResult(c: Case, where: string): void {
  const e = c.expect;
  if (e.status !== undefined) assert.equal(scanner.status, e.status, `${where}: status`);
  if (e.warnings !== undefined) assert.equal(scanner.warnings, e.warnings, `${where}: warnings`);
  if (e.err !== undefined) assert.deepEqual(scanner.err, e.err, `${where}: err`);
  if (e.ok !== undefined) assert.deepEqual(scanner.ok, e.ok, `${where}: ok`);
  assert.deepEqual(scanner.infile, e.infile ?? null, `${where}: infile`);
  if (e.resultSets !== undefined) assert.equal(scanner.resultSets, e.resultSets, `${where}: resultSets`);
}

/** Runs a case over the given splits of its stream, with and without the next response behind it. */
function run(c: Case, splits: (stream: Buffer) => Iterable<Split>): number {
  const body = packets(c.payloads, 1);
  let n = 0;
  for (const stream of [body, Buffer.concat([body, NEXT])]) {
    for (const split of splits(stream)) {
      const where = `${c.name}, ${split.name}${stream === body ? '' : ' + next'}`;
      assert.equal(scanSplit(c, split), body.length, `${where}: end offset`);
      checkResult(c, where);
      n++;
    }
  }
  return n;
}

const BOTH = [false, true];

/** Column names c0..c(n-1). */
const cols = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

function endOf(deprecateEof: boolean, status: number, warnings = 0): Buffer {
  return deprecateEof ? ok({ status, warnings }, 0xfe) : eof(status, warnings);
}

test('OK, ERR and an empty result set, split at every offset', () => {
  const okp = ok({ affectedRows: 3, lastInsertId: 300, status: AUTOCOMMIT, warnings: 2, info: 'Records: 3  Duplicates: 0  Warnings: 2' });
  const errp = err(1146, '42S02', "Table 'shop.nope' doesn't exist");
  for (const de of BOTH) {
    run({ name: `OK de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: [okp],
      expect: { status: AUTOCOMMIT, warnings: 2, ok: okp, err: null, resultSets: 0 } }, everySplit);
    run({ name: `ERR de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: [errp],
      expect: { err: errp, resultSets: 0 } }, everySplit);
    const empty = resultSet(['a'], [], { deprecateEof: de, status: 0x22 });
    run({ name: `empty result de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: empty,
      expect: { status: 0x22, err: null, ok: empty[empty.length - 1], resultSets: 1 } }, everySplit);
  }
});

test('result sets with N columns and rows (NULLs, empty values), with and without DEPRECATE_EOF', () => {
  for (const de of BOTH) {
    for (const [ncols, nrows] of [[1, 1], [3, 4], [12, 2]]) {
      const rows = Array.from({ length: nrows }, (_, r) => cols(ncols).map((_, c): Piece | null => (c === r ? null : c % 3 === 0 ? '' : `v${r}.${c}`)));
      const payloads = resultSet(cols(ncols), rows, { deprecateEof: de, status: AUTOCOMMIT | 0x20, warnings: 1 });
      run({ name: `${ncols}x${nrows} de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads,
        expect: { status: AUTOCOMMIT | 0x20, warnings: 1, err: null, ok: payloads[payloads.length - 1], resultSets: 1 } }, everySplit);
    }
  }
});

test('multi-results: result sets and OKs chained by MORE_RESULTS_EXISTS, ending with a plain OK', () => {
  for (const de of BOTH) {
    const last = ok({ status: AUTOCOMMIT, affectedRows: 0 });
    const payloads = [
      ...resultSet(['a', 'b'], [['1', '2'], [null, 'x']], { deprecateEof: de, status: AUTOCOMMIT | MORE }),
      ok({ affectedRows: 5, status: AUTOCOMMIT | MORE }),
      ...resultSet(['c'], [], { deprecateEof: de, status: AUTOCOMMIT | MORE }),
      ...resultSet(['d'], [['4']], { deprecateEof: de, status: AUTOCOMMIT | MORE, warnings: 3 }),
      last, // the closing OK of a CALL
    ];
    run({ name: `multi de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads,
      expect: { status: AUTOCOMMIT, err: null, ok: last, resultSets: 3 } }, everySplit);
    // The last result set carries no MORE_RESULTS flag: the response ends with it.
    const two = [
      ok({ affectedRows: 1, status: MORE }),
      ...resultSet(['x'], [['1']], { deprecateEof: de, status: AUTOCOMMIT }),
    ];
    run({ name: `ok then result de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: two,
      expect: { status: AUTOCOMMIT, err: null, ok: two[two.length - 1], resultSets: 1 } }, everySplit);
  }
});

test('ERR in the middle of rows and after a first result of a multi-statement', () => {
  const e = err(1317, '70100', 'Query execution was interrupted');
  for (const de of BOTH) {
    const rs = resultSet(['a', 'b'], [['1', '2'], ['3', '4']], { deprecateEof: de });
    const midRows = [...rs.slice(0, -1), e]; // the end marker is replaced by the ERR
    run({ name: `mid-rows de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: midRows,
      expect: { err: e, resultSets: 1 } }, everySplit);
    const second = [...resultSet(['a'], [['1']], { deprecateEof: de, status: MORE }), e];
    run({ name: `second statement fails de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: second,
      expect: { err: e, resultSets: 1 } }, everySplit);
  }
});

test('rows whose first byte is 0xfc or 0xfd (long first values) are rows, not end markers', () => {
  for (const de of BOTH) {
    const v300 = Buffer.alloc(300, 0x61); // lenenc prefix 0xfc
    const small = resultSet(['a', 'b'], [[v300, null], ['x', v300]], { deprecateEof: de, status: AUTOCOMMIT });
    assert.equal(small[de ? 3 : 4][0], 0xfc);
    run({ name: `0xfc row de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: small,
      expect: { status: AUTOCOMMIT, err: null, resultSets: 1 } }, everySplit);

    const v70k = Buffer.alloc(70_000, 0x62); // lenenc prefix 0xfd
    const big = resultSet(['a'], [[v70k], ['y'], [v70k]], { deprecateEof: de, status: AUTOCOMMIT });
    const body = packets(big, 1);
    // Cut near every packet boundary and at a sample of offsets inside the long rows.
    const bounds: number[] = [];
    for (let pos = 0; pos < body.length; pos += 4 + body.readUIntLE(pos, 3)) bounds.push(pos, pos + 4);
    const inside = Array.from({ length: 50 }, (_, i) => Math.floor(((i + 0.5) / 50) * body.length));
    const n = run({ name: `0xfd row de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: big,
      expect: { status: AUTOCOMMIT, err: null, resultSets: 1 } }, (s) => cutsAt(s, [...around(bounds, 2), ...inside]));
    assert.ok(n > 100);
  }
});

test('rows of exactly 0xffffff bytes and over 16 MiB (first byte 0xfe) span continuation packets', () => {
  const exact = Buffer.alloc(MAX - 4, 0x63); // 0xfd + 3 length bytes + value = exactly 0xffffff
  const huge = Buffer.alloc((16 << 20) + 10, 0x64); // 0xfe + 8 length bytes: the row starts with 0xfe
  assert.equal(textRow([exact]).length, MAX);
  assert.equal(textRow([huge])[0], 0xfe);
  for (const de of BOTH) {
    const payloads = resultSet(['a', 'b'], [[exact, null], [huge, '1'], ['z', null]], { deprecateEof: de, status: AUTOCOMMIT | 0x10 });
    const body = packets(payloads, 1);
    const bounds: number[] = [];
    for (let pos = 0; pos < body.length; pos += 4 + body.readUIntLE(pos, 3)) bounds.push(pos, pos + 4);
    const n = run({ name: `16 MiB rows de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads,
      expect: { status: AUTOCOMMIT | 0x10, err: null, ok: payloads[payloads.length - 1], resultSets: 1 } },
    (s) => cutsAt(s, around(bounds, 2)));
    assert.ok(n > 50);
  }
});

test('LOCAL INFILE request ends the response with infile set', () => {
  const req = cat([0xfb], '/tmp/data.csv');
  for (const de of BOTH) {
    run({ name: `infile de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads: [req],
      expect: { infile: req, err: null, resultSets: 0 } }, everySplit);
  }
});

/** PREPARE_OK: 0x00, statement id, columns, params, filler, warnings. */
const prepareOk = (id: number, ncols: number, nparams: number, warnings = 0) =>
  cat([0], int4(id), int2(ncols), int2(nparams), int1(0), int2(warnings));

test('PREPARE responses: params and columns, with and without DEPRECATE_EOF, and ERR', () => {
  for (const de of BOTH) {
    for (const [ncols, nparams] of [[2, 3], [0, 2], [2, 0], [0, 0]]) {
      const head = prepareOk(7, ncols, nparams, 1);
      const payloads = [head];
      if (nparams) {
        payloads.push(...Array.from({ length: nparams }, () => columnDef({ name: '?', type: 0xfd })));
        if (!de) payloads.push(eof(AUTOCOMMIT));
      }
      if (ncols) {
        payloads.push(...cols(ncols).map((name) => columnDef({ name, table: 't' })));
        if (!de) payloads.push(eof(AUTOCOMMIT));
      }
      run({ name: `prepare ${ncols} cols ${nparams} params de=${de}`, kind: ResponseKind.Prepare, deprecateEof: de, payloads,
        expect: { ok: head, err: null, resultSets: 0 } }, everySplit);
    }
    const e = err(1064, '42000', 'You have an error in your SQL syntax');
    run({ name: `prepare error de=${de}`, kind: ResponseKind.Prepare, deprecateEof: de, payloads: [e], expect: { err: e } }, everySplit);
  }
});

test('COM_FIELD_LIST: column definitions until EOF (or OK-as-EOF), or ERR', () => {
  for (const de of BOTH) {
    const defs = ['id', 'name', 'total'].map((name) => columnDef({ name, table: 'users', schema: 'shop' }));
    const end = endOf(de, AUTOCOMMIT);
    run({ name: `field list de=${de}`, kind: ResponseKind.FieldList, deprecateEof: de, payloads: [...defs, end],
      expect: { status: AUTOCOMMIT, err: null, ok: end } }, everySplit);
    run({ name: `empty field list de=${de}`, kind: ResponseKind.FieldList, deprecateEof: de, payloads: [end],
      expect: { status: AUTOCOMMIT, err: null } }, everySplit);
    const e = err(1146, '42S02', "Table 'shop.x' doesn't exist");
    run({ name: `field list error de=${de}`, kind: ResponseKind.FieldList, deprecateEof: de, payloads: [e], expect: { err: e } }, everySplit);
  }
});

test('COM_STATISTICS: one string packet; simple commands: one OK or ERR', () => {
  const stats = Buffer.from('Uptime: 12  Threads: 1  Questions: 5  Slow queries: 0  Opens: 17  Open tables: 10  Queries per second avg: 0.416');
  run({ name: 'statistics', kind: ResponseKind.Statistics, deprecateEof: false, payloads: [stats], expect: { err: null } }, everySplit);
  // A statistics string may begin with any byte, even one that looks like a header.
  const odd = cat([0xff], 'Uptime');
  run({ name: 'statistics 0xff', kind: ResponseKind.Statistics, deprecateEof: true, payloads: [odd], expect: { resultSets: 0 } }, everySplit);
  const pong = ok({ status: AUTOCOMMIT });
  run({ name: 'ping', kind: ResponseKind.Simple, deprecateEof: true, payloads: [pong], expect: { ok: pong, status: AUTOCOMMIT } }, everySplit);
  const e = err(1049, '42000', "Unknown database 'x'");
  run({ name: 'init db error', kind: ResponseKind.Simple, deprecateEof: false, payloads: [e], expect: { err: e } }, everySplit);
});

test('warnings and status of the end marker are read in both EOF forms', () => {
  for (const de of BOTH) {
    const payloads = resultSet(['a'], [['1']], { deprecateEof: de, status: AUTOCOMMIT | 0x20, warnings: 3 });
    run({ name: `warnings de=${de}`, kind: ResponseKind.Result, deprecateEof: de, payloads,
      expect: { status: AUTOCOMMIT | 0x20, warnings: 3 } }, (s) => [{ name: 'whole', chunks: [s] }]);
  }
});

test('scan(chunk, start) begins at an offset and the scanner is reusable after begin()', () => {
  const garbage = Buffer.from([1, 2, 3, 4, 5]);
  const body = packets([ok({ status: AUTOCOMMIT })], 1);
  scanner.begin(ResponseKind.Simple, false);
  assert.equal(scanner.scan(Buffer.concat([garbage, body, NEXT]), garbage.length), garbage.length + body.length);
  assert.equal(scanner.status, AUTOCOMMIT);
  scanner.begin(ResponseKind.Result, false);
  assert.equal(scanner.done, false);
  assert.equal(scanner.ok, null);
  assert.equal(scanner.scan(Buffer.alloc(0)), -1);
});
