// What an OK says about the session when sluice answers a SET itself (a sharded schema): the
// SESSION_TRACK_SYSTEM_VARIABLES entries and status flags MariaDB sends (autocommit, character
// sets, time_zone; NO_BACKSLASH_ESCAPES and ANSI_QUOTES from sql_mode). Drivers read these: a client
// that escapes strings itself must know whether backslashes escape, and Connector/J and the mariadb
// connector follow autocommit and the character set from the trackers. Compared with the same SETs
// on MariaDB itself and on a forwarding schema (relayed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql2, { type ResultSetHeader } from 'mysql2/promise';
import { startBothPathsCluster, type Cluster } from '../helpers/cluster';

let c: Cluster;

before(async () => {
  c = await startBothPathsCluster({ ddl: 'CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(16))', tables: ['t'], seed: { part_0: "INSERT INTO t VALUES (2, 'b');", part_1: "INSERT INTO t VALUES (1, 'a');", fwd_db: "INSERT INTO t VALUES (1, 'a'), (2, 'b');" } });
});

after(async () => {
  await c?.stop();
});

/** Status flags that describe the session (not one statement's outcome). */
const SESSION_FLAGS = 0x2 | 0x200 | 0x8000 | 0x4000; // AUTOCOMMIT, NO_BACKSLASH_ESCAPES, ANSI_QUOTES (MariaDB), SESSION_STATE_CHANGED

const SETS = [
  'SET autocommit = 0',
  'SET NAMES latin1',
  "SET time_zone = '+01:00'",
  'SET autocommit = 1',
  "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'",
  "SET sql_mode = 'ANSI'",
  'SET character_set_results = NULL',
  "SET @@session.sql_mode = 'STRICT_ALL_TABLES', time_zone = 'SYSTEM'",
];

async function answers(port: number, user: string, password: string, database: string): Promise<string[]> {
  const conn = await mysql2.createConnection({ host: '127.0.0.1', port, user, password, database });
  try {
    const out: string[] = [];
    for (const sql of SETS) {
      const [ok] = await conn.query<ResultSetHeader>(sql);
      const changes = (ok as ResultSetHeader & { stateChanges?: { systemVariables: Record<string, string> } }).stateChanges;
      out.push(`${sql} -> flags ${ok.serverStatus & SESSION_FLAGS} vars ${JSON.stringify(changes?.systemVariables ?? {})}`);
      // A statement after it carries the session's flags too (a merged result on the sharded schema).
      const [, fields] = await conn.query('SELECT id FROM t ORDER BY id');
      assert.ok(fields);
      const [after] = await conn.query<ResultSetHeader>('DELETE FROM t WHERE id = 99');
      out.push(`  then flags ${after.serverStatus & (0x200 | 0x8000)}`);
    }
    return out;
  } finally {
    await conn.end();
  }
}

test('SETs answered by sluice on a sharded schema carry the trackers and status flags MariaDB sends', { timeout: 60_000 }, async () => {
  const db = c.dbs[0];
  const direct = await answers(db.port, db.user, db.password, 'fwd_db');
  assert.deepEqual(await answers(c.port, 'app', 'pw', 'fwd'), direct, 'forwarding');
  assert.deepEqual(await answers(c.port, 'app', 'pw', 'shop'), direct, 'sharded');
});
