// COM_STMT_EXECUTE packets over 16 MiB: a parameter of 17 or 33 MiB makes the client split the
// execute into several 0xffffff-byte frames. sluice reassembles it, puts the backend's statement id in,
// and must frame it again the same way for the backend, on a forwarding schema and on the sharded
// relay to one partition. Values are stored and read back intact (MD5 and bytes compared).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import * as mariadb from 'mariadb';
import { BackendConnection } from '../../src/backend/connection';
import { startBothPathsCluster, type Cluster } from '../helpers/cluster';
import { rawPackets, nextAnswer, textRows } from '../helpers/raw-packets';
import { cat, int4, lenStr } from '../protocol/helpers/wire';

const MiB = 1024 * 1024;
const TIMEOUT = { timeout: 60_000 };
let c: Cluster;

before(async () => {
  // The sandboxes run with --max-allowed-packet=64M.
  c = await startBothPathsCluster({ ddl: 'CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB)', tables: ['big'], config: { maxQueryMemoryMB: 80 } });
});

after(async () => {
  await c?.stop();
});

/** n bytes that differ along the way, so a shifted or truncated copy shows. */
function pattern(n: number, salt: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + salt + (i >> 16)) & 0xff;
  return b;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

for (const schema of ['fwd', 'shop']) {
  test(`${schema}: prepared INSERTs with a 17 MiB and a 33 MiB parameter store the values intact; the session goes on`, TIMEOUT, async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: schema });
    try {
      for (const [id, size] of [[1, 17 * MiB + 5], [2, 33 * MiB + 3]]) {
        const value = pattern(size, id);
        const [ok] = await conn.execute('INSERT INTO big (id, b) VALUES (?, ?)', [id, value]);
        assert.equal((ok as { affectedRows: number }).affectedRows, 1);
        const [rows] = await conn.execute({ sql: 'SELECT LENGTH(b), MD5(b), b FROM big WHERE id = ?', rowsAsArray: true }, [id]);
        const [[length, sum, back]] = rows as [number, string, Buffer][];
        assert.deepEqual([length, sum], [size, md5(value)], `row ${id} as stored`);
        assert.ok(back.equals(value), `row ${id} read back whole`);
      }
      const [[count]] = (await conn.query({ sql: 'SELECT COUNT(*) FROM big', rowsAsArray: true }))[0] as number[][];
      assert.equal(count, 2);
    } finally {
      await conn.query('DELETE FROM big').catch(() => {});
      await conn.end();
    }
  });

  test(`${schema}: a 33 MiB parameter sent as COM_STMT_SEND_LONG_DATA (the mariadb connector's way with a large Buffer) is stored intact`, TIMEOUT, async () => {
    const conn = await mariadb.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: schema, maxAllowedPacket: 64 * MiB });
    try {
      const value = pattern(33 * MiB + 1, 9);
      const ok = await conn.execute('INSERT INTO big (id, b) VALUES (?, ?)', [9, value]);
      assert.equal((ok as { affectedRows: number }).affectedRows, 1);
      const rows = await conn.execute<[number, string][]>({ sql: 'SELECT LENGTH(b), MD5(b) FROM big WHERE id = ?', rowsAsArray: true }, [9]);
      assert.deepEqual(rows.map(([n, sum]) => [Number(n), sum]), [[value.length, md5(value)]]);
    } finally {
      await conn.query('DELETE FROM big').catch(() => {});
      await conn.end();
    }
  });

  test(`${schema}: executes of exactly 2 x 0xffffff bytes (ending in an empty packet) pipelined with a query are answered in order`, TIMEOUT, async () => {
    const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, schema);
    try {
      const raw = rawPackets(conn);
      raw.send(cat([0x16], 'INSERT INTO big (id, b) VALUES (?, ?)'));
      const stmt = (await nextAnswer(raw, true)).packets[0].readUInt32LE(1);
      // COM_STMT_EXECUTE: id, flags, iterations, NULL bitmap, bound, types (LONG, LONG_BLOB), values.
      const head = (id: number) => cat([0x17], int4(stmt), [0], int4(1), [0], [1], [0x03, 0, 0xfb, 0], int4(id));
      const exact = 2 * 0xffffff;
      const values = [3, 4].map((id) => ({ id, value: pattern(exact - head(id).length - 9, id) })); // 9: the lenenc length
      const executes = values.map(({ id, value }) => cat(head(id), lenStr(value)));
      executes.forEach((e) => assert.equal(e.length, exact));
      raw.sendTogether([...executes, cat([0x03], 'SELECT id, LENGTH(b), MD5(b) FROM big WHERE id IN (3, 4) ORDER BY id')]);
      const got = [await nextAnswer(raw), await nextAnswer(raw), await nextAnswer(raw)];
      assert.deepEqual(got.map((a) => a.kind), ['ok', 'ok', 'rows'], got.map((a) => a.packets[0].subarray(0, 80).toString('latin1')).join(' / '));
      assert.deepEqual(textRows(got[2]), values.map(({ id, value }) => [String(id), String(value.length), md5(value)]));
    } finally {
      const check = await mysql.createConnection({ host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', database: schema });
      await check.query('DELETE FROM big');
      await check.end();
      conn.destroy();
    }
  });
}

for (const schema of ['fwd', 'shop']) {
  test(`${schema}: the answer to a command of several packets numbers its sequence ids after the command's last packet`, TIMEOUT, async () => {
    const conn = await BackendConnection.connect({ name: 'sluice', host: '127.0.0.1', port: c.port, user: 'app', password: 'pw', connectTimeoutMs: 5000 }, 0, schema);
    try {
      const raw = rawPackets(conn);
      // 17 MiB: two packets, sequence ids 0 and 1; the answer starts at 2.
      const pad = 'x'.repeat(17 * MiB);
      // An execute of an unknown statement: ERR 1243, written by sluice.
      raw.sendTogether([cat([0x17], int4(999), [0], int4(1), pad)]);
      const unknown = await nextAnswer(raw);
      assert.equal(unknown.packets[0].readUInt16LE(1), 1243);
      assert.deepEqual(raw.seqs, [2]);
      // A query: relayed from the backend (fwd), or merged from both partitions by sluice (shop).
      raw.sendTogether([cat([0x03], `SELECT id, LENGTH('${pad}') AS n FROM big ORDER BY id`)]);
      const rows = await nextAnswer(raw);
      assert.equal(rows.kind, 'rows');
      assert.deepEqual(raw.seqs.slice(1), Array.from({ length: rows.packets.length }, (_, i) => 2 + i));
    } finally {
      conn.destroy();
    }
  });
}
