// Pipelined commands: a client may send many commands in one write without waiting for answers
// (Connector/J's executeBatch, the mariadb connector's batch()). sluice answers each, in order, on
// every path: forwarding and sharded, text and prepared, commands it answers itself, commands that
// have no answer (COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE), and errors. A hang fails by timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BackendConnection } from '../../src/backend/connection';
import { startBothPathsCluster, type Cluster } from '../helpers/cluster';
import { rawPackets, nextAnswer, textRows, type Answer, type RawPackets } from '../helpers/raw-packets';
import { cat, int2, int4, lenStr } from '../protocol/helpers/wire';

const TIMEOUT = { timeout: 30_000 };
let c: Cluster;

before(async () => {
  c = await startBothPathsCluster({
    ddl: 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64), b LONGBLOB)',
    tables: ['t'],
    seed: {
      fwd_db: "INSERT INTO t (id, v) VALUES (1, 'one'), (2, 'two'), (3, 'three');",
      part_0: "INSERT INTO t (id, v) VALUES (2, 'two');",
      part_1: "INSERT INTO t (id, v) VALUES (1, 'one'), (3, 'three');",
    },
  });
});

after(async () => {
  await c?.stop();
});

const query = (sql: string) => Buffer.concat([Buffer.from([0x03]), Buffer.from(sql, 'utf8')]);
const prepare = (sql: string) => Buffer.concat([Buffer.from([0x16]), Buffer.from(sql, 'utf8')]);
const stmtCommand = (com: number, id: number) => cat([com], int4(id));
const PING = Buffer.from([0x0e]);
const MD5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** A parameter of an execute: an INT, a string, or null for one sent as long data (omitted here). */
type Param = number | string | null;

/** COM_STMT_EXECUTE binding `params` with their types (LONG, VAR_STRING, BLOB for long data). */
function execute(stmtId: number, params: Param[]): Buffer {
  const types = params.map((p) => (typeof p === 'number' ? [0x03, 0] : p === null ? [0xfc, 0] : [0xfd, 0])).flat();
  const values = params.map((p) => (typeof p === 'number' ? int4(p) : p === null ? Buffer.alloc(0) : lenStr(p)));
  return cat([0x17], int4(stmtId), [0], int4(1), Buffer.alloc((params.length + 7) >> 3), [1], types, ...values);
}

/** COM_STMT_SEND_LONG_DATA: a piece of parameter `param`'s value. */
const longData = (stmtId: number, param: number, data: Buffer) => cat([0x18], int4(stmtId), int2(param), data);

function connect(schema: string): Promise<BackendConnection> {
  return BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, schema);
}

/** What one answer must be: an OK, an ERR with this errno, these text rows, or binary rows of one string column. */
type Expect = 'ok' | { err: number } | { rows: (string | null)[][] } | { binary: string[] } | 'prepared';

/** The values of binary rows of one non-NULL string column: a lenenc string after the header and NULL bitmap. */
const binaryValues = (a: Answer) => a.packets.slice(3, -1).map((p) => p.toString('utf8', 3, 3 + p[2]));

/** Reads answers as they arrive, one per entry of `expected` (PREPARE_OK where it says 'prepared'). */
async function answers(raw: RawPackets, expected: Expect[]): Promise<Answer[]> {
  const got: Answer[] = [];
  for (const e of expected) got.push(await nextAnswer(raw, e === 'prepared'));
  return got;
}

function check(got: Answer[], expected: Expect[]): void {
  expected.forEach((e, i) => {
    const a = got[i];
    const what = `answer ${i}: ${a.packets[0].subarray(0, 60).toString('latin1')}`;
    if (e === 'ok' || e === 'prepared') return assert.equal(a.kind, 'ok', what);
    if ('err' in e) {
      assert.equal(a.kind, 'err', what);
      return assert.equal(a.packets[0].readUInt16LE(1), e.err, what);
    }
    assert.equal(a.kind, 'rows', what);
    if ('binary' in e) return assert.deepEqual(binaryValues(a), e.binary, what);
    assert.deepEqual(textRows(a), e.rows, what);
  });
  assert.equal(got.length, expected.length);
}

for (const schema of ['fwd', 'shop']) {
  test(`${schema}: text commands pipelined in one write are answered in order (relayed, merged, and answered by sluice)`, TIMEOUT, async () => {
    const conn = await connect(schema);
    try {
      const raw = rawPackets(conn);
      const sent: Buffer[] = [];
      const expected: Expect[] = [];
      const names = ['one', 'two', 'three'];
      for (let round = 0; round < 4; round++) {
        for (let id = 1; id <= 3; id++) {
          sent.push(query(`SELECT v FROM t WHERE id = ${id}`));
          expected.push({ rows: [[names[id - 1]]] });
        }
        sent.push(PING, query('SELECT COUNT(*) FROM t'), query('SELECT * FROM no_such_table'), query('SELECT DATABASE()'));
        expected.push('ok', { rows: [['3']] }, { err: 1146 }, { rows: [[schema]] });
        sent.push(cat([0x02], schema), query('BEGIN'), query('SELECT id FROM t WHERE id = 2'), query('COMMIT'), query(`SELECT ${round}`));
        expected.push('ok', 'ok', { rows: [['2']] }, 'ok', { rows: [[String(round)]] });
      }
      raw.sendTogether(sent);
      check(await answers(raw, expected), expected);
    } finally {
      conn.destroy();
    }
  });

  test(`${schema}: prepared executes, resets and closes pipelined in one write are answered in order`, TIMEOUT, async () => {
    const conn = await connect(schema);
    try {
      const raw = rawPackets(conn);
      raw.sendTogether([prepare('SELECT v FROM t WHERE id = ?'), prepare('SELECT v FROM t WHERE id > ? ORDER BY id')]);
      const [point, range] = (await answers(raw, ['prepared', 'prepared'])).map((a) => a.packets[0].readUInt32LE(1));
      const sent: Buffer[] = [];
      const expected: Expect[] = [];
      for (let round = 0; round < 3; round++) {
        sent.push(execute(point, [1]), execute(point, [2]), execute(range, [1]), stmtCommand(0x1a, point), PING, execute(point, [3]));
        expected.push({ binary: ['one'] }, { binary: ['two'] }, { binary: ['two', 'three'] }, 'ok', 'ok', { binary: ['three'] });
      }
      // A statement closed mid-pipeline: COM_STMT_CLOSE has no answer; the execute after it is ERR 1243.
      sent.push(stmtCommand(0x19, range), execute(range, [0]), query('SELECT 7'));
      expected.push({ err: 1243 }, { rows: [['7']] });
      // PREPARE then EXECUTE of "the statement just prepared" (id 0xffffffff, MariaDB's extension that
      // mariadb-connector-nodejs pipelines), then its close by that id: the last prepared statement runs,
      // and after the close an execute of its own id is 1243.
      sent.push(prepare('SELECT v FROM t WHERE id = ?'), execute(0xffffffff, [1]), execute(0xffffffff, [3]), stmtCommand(0x19, 0xffffffff), execute(range + 1, [1]), query('SELECT 8'));
      expected.push('prepared', { binary: ['one'] }, { binary: ['three'] }, { err: 1243 }, { rows: [['8']] });
      // A prepare that fails leaves no "last prepared" statement: the execute pipelined after it must
      // not run the one prepared before it (MariaDB answers 1243), even with a statement still open.
      sent.push(prepare('SELECT v FROM t WHERE id = ?'), prepare('KILL 1'), execute(0xffffffff, [1]), execute(point, [2]));
      expected.push('prepared', { err: 1295 }, { err: 1243 }, { binary: ['two'] });
      raw.sendTogether(sent);
      check(await answers(raw, expected), expected);
    } finally {
      conn.destroy();
    }
  });

  // In a transaction a sharded execute is planned and run by sluice (its long data inlined in SQL);
  // outside one, this INSERT goes to its one partition as sent, long data first.
  for (const inTransaction of [false, true]) {
    test(`${schema}: long data, executes and a close pipelined in one write store each row's own data${inTransaction ? ', in a transaction' : ''}`, TIMEOUT, async () => {
      const conn = await connect(schema);
      try {
        const raw = rawPackets(conn);
        raw.send(prepare('INSERT INTO t (id, v, b) VALUES (?, ?, ?)'));
        const [stmt] = (await answers(raw, ['prepared'])).map((a) => a.packets[0].readUInt32LE(1));
        const rows = [10, 11, 12, 13, 14, 15].map((id) => ({ id, data: Buffer.from(`row ${id}: `.repeat(2000 + id)) }));
        const sent: Buffer[] = inTransaction ? [query('BEGIN')] : [];
        const expected: Expect[] = inTransaction ? ['ok'] : [];
        for (const { id, data } of rows) {
          const half = data.length >> 1;
          sent.push(longData(stmt, 2, data.subarray(0, half)), longData(stmt, 2, data.subarray(half)), execute(stmt, [id, `v${id}`, null]));
          expected.push('ok');
        }
        if (inTransaction) sent.push(query('COMMIT'));
        sent.push(stmtCommand(0x19, stmt), query('SELECT id, v, MD5(b) FROM t WHERE id >= 10 ORDER BY id'), query('DELETE FROM t WHERE id >= 10'));
        expected.push(...(inTransaction ? ['ok' as const] : []), { rows: rows.map(({ id, data }) => [String(id), `v${id}`, MD5(data)]) }, 'ok');
        raw.sendTogether(sent);
        check(await answers(raw, expected), expected);
      } finally {
        conn.destroy();
      }
    });
  }
}
