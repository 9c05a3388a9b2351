// The client matrix for the command-line tools: the `mariadb` CLI in batch mode (text protocol; on the
// forwarding schema also SQL-level PREPARE/EXECUTE) and `mariadb-dump` of a forwarding schema, whose
// output must load back through sluice into a fresh database and dump the same again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mariadbCli } from '../helpers/mariadb-cli';
import {
  useMatrixCluster, largeValue, CANONICAL_SQL, FORWARD_SCHEMA, SHARDED_SCHEMA, RESTORE_SCHEMA, USER, PASSWORD,
  BIG, DEC, DBL, STR, DATETIME, BLOB_HEX, SMALL,
} from './scenario';
import { runProcess } from './processes';

const cluster = useMatrixCluster('mariadb-client');

const cli = (sql: string, database: string) =>
  mariadbCli(cluster().port, USER, PASSWORD, sql, database, ['--skip-column-names', '--default-character-set=utf8mb4', '--force']);

/** The session as one batch; parameters are SQL-level PREPARE/EXECUTE where `prepare`, literals otherwise. */
function script(base: number, prepare: boolean): string {
  const large = largeValue().toString('latin1');
  const typed = `${BIG}, ${DEC}, ${DBL}, '${STR}', '${DATETIME}', X'${BLOB_HEX}', ${SMALL}`;
  const nulls = 'NULL, NULL, NULL, NULL, NULL, NULL, NULL';
  const insert = 'INSERT INTO typed (id, i, d, f, s, dt, b, n) VALUES';
  const writes = prepare
    ? `PREPARE ins FROM '${insert} (?, ?, ?, ?, ?, ?, ?, ?)';
       SET @a = ${base + 1}, @b = ${base + 2};
       EXECUTE ins USING @a, ${typed};
       EXECUTE ins USING @b, ${nulls};
       DEALLOCATE PREPARE ins;
       PREPARE sel FROM "${CANONICAL_SQL}";
       EXECUTE sel USING @a, @b;
       DEALLOCATE PREPARE sel;`
    : `${insert} (${base + 1}, ${typed});
       ${insert} (${base + 2}, ${nulls});
       ${CANONICAL_SQL.replace('?, ?', `${base + 1}, ${base + 2}`)};`;
  return `SELECT id, name FROM items ORDER BY id;
    ${writes}
    START TRANSACTION;
    INSERT INTO typed (id, s) VALUES (${base + 3}, 'tx');
    SELECT COUNT(*) FROM typed WHERE id = ${base + 3};
    ROLLBACK;
    SELECT COUNT(*) FROM typed WHERE id = ${base + 3};
    SELECT * FROM no_such_table;
    SELECT 42;
    INSERT INTO typed (id, big) VALUES (${base + 4}, '${large}');
    SELECT LENGTH(big), MD5(big), big FROM typed WHERE id = ${base + 4};
  `;
}

function expected(base: number): string {
  const large = largeValue();
  return [
    '1\tapple', '2\tpear', '3\tplum',
    `${base + 1}\t${base + 1}|${BIG}|${DEC}|${DBL}|${STR}|${DATETIME}|${BLOB_HEX.toUpperCase()}|${SMALL}`,
    `${base + 2}\t${base + 2}|N|N|N|N|N|N|N`,
    '1', '0', '42',
    `${large.length}\t${createHash('md5').update(large).digest('hex')}\t${large.toString('latin1')}`,
    '',
  ].join('\n');
}

async function session(database: string, base: number, prepare: boolean): Promise<void> {
  const r = await cli(script(base, prepare), database);
  // --force goes on after the one error, which the CLI reports with the statement.
  assert.match(r.stderr, /^-+\nSELECT \* FROM no_such_table\n-+\n\nERROR 1146 \(42S02\) at line \d+: Table '\w+\.no_such_table' doesn't exist\n$/);
  assert.equal(r.stdout, expected(base));
}

test('mariadb CLI with SQL PREPARE/EXECUTE on a forwarding schema', () => session(FORWARD_SCHEMA, 100, true));
test('mariadb CLI on a sharded schema', () => session(SHARDED_SCHEMA, 200, false));

const CLIENT = ['--no-defaults', '-h127.0.0.1', `-u${USER}`, `-p${PASSWORD}`, '--skip-ssl', '--default-character-set=utf8mb4'];

/** The dump as latin1 text, so the raw bytes of binary columns survive into the reload. */
const dump = (database: string) =>
  runProcess('mariadb-dump', [...CLIENT, `-P${cluster().port}`, '--skip-dump-date', '--no-tablespaces', '--single-transaction', database], { encoding: 'latin1' });

test('mariadb-dump of a forwarding schema loads back through sluice into a fresh database and matches', async () => {
  // The CLI session above left NULLs, binary bytes and a 3 MB value in fwd.typed; dump them too.
  const first = await dump(FORWARD_SCHEMA);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /CREATE TABLE `typed`/);
  assert.match(first.stdout, /INSERT INTO `items` VALUES\n\(1,'apple'\),\n\(2,'pear'\),\n\(3,'plum'\);/);
  const load = await runProcess('mariadb', [...CLIENT, `-P${cluster().port}`, RESTORE_SCHEMA], { input: Buffer.from(first.stdout, 'latin1') });
  assert.equal(load.code, 0, load.stderr);
  const again = await dump(RESTORE_SCHEMA);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.replace(`Database: ${RESTORE_SCHEMA}`, `Database: ${FORWARD_SCHEMA}`), first.stdout);
  // And the stored bytes agree, checked on the backend itself.
  const sums = await cluster().dbs[0].sql('CHECKSUM TABLE fwd_db.items, restore_db.items, fwd_db.typed, restore_db.typed');
  const [items, itemsBack, typed, typedBack] = sums.trim().split('\n').map((l) => l.split('\t')[1]);
  assert.equal(itemsBack, items);
  assert.equal(typedBack, typed);
  assert.equal(await cluster().dbs[0].sql(`SELECT HEX(b) FROM restore_db.typed WHERE id = 101`), `${BLOB_HEX.toUpperCase()}\n`);
  assert.equal(await cluster().dbs[0].sql('SELECT LENGTH(big) FROM restore_db.typed WHERE id = 104'), `${largeValue().length}\n`);
});
