// Throwaway MariaDB instances for tests, the demo and benchmarks: each has its own datadir in a temp
// folder, its own port on 127.0.0.1, and a TCP user `sluice`/`sluice` with all privileges.
// Readiness is awaited by polling the server's socket with the CLI, never by sleeping a fixed time.
//
// As a command:  node dist/scripts/sandbox.js start --count 2 [--replicas 1] [--state FILE]   (prints the ports)
//                (with --replicas R: each of the count servers gets R GTID replicas; a second line
//                 `replicas: PORT ...` lists them, R per primary, in the primaries' order)
//                node dist/scripts/sandbox.js stop [--state FILE]
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';

export interface MariaDBOptions {
  /** Extra mariadbd flags, e.g. ['--log-bin', '--server-id=2']. */
  extraArgs?: string[];
  /** Give up waiting for readiness after this long. */
  startTimeoutMs?: number;
  /** Run in its own process group so it outlives the starting command (the CLI's `start`). */
  detached?: boolean;
  /** The server's @@server_id (distinct within a replication topology); default: a fresh one per instance. */
  serverId?: number;
  /** Write a row-format binary log with GTIDs, so that replicas can follow this server. */
  logBin?: boolean;
}

/** A running private MariaDB server. */
export interface MariaDBInstance {
  host: string;
  port: number;
  user: string;
  password: string;
  datadir: string;
  socket: string;
  pid: number;
  /** @@server_id of this server. */
  serverId: number;
  /** Runs SQL as root over the unix socket with the mariadb CLI (batch mode); resolves stdout. */
  sql(statements: string): Promise<string>;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and removes its datadir. */
  stop(): Promise<void>;
  /** SIGKILLs the server (a crash) and resolves once it exited; the datadir stays for restart(). */
  kill(): Promise<void>;
  /** Starts the server again on the same port and datadir (after kill()); resolves once it answers. */
  restart(): Promise<void>;
}

/** A port the kernel just handed out on 127.0.0.1 (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    // The client may exit before reading stdin (server not up yet): that EPIPE is its failure, not ours.
    child.stdin!.on('error', () => {});
    if (input !== undefined) child.stdin!.end(input);
  });
}

function clientSql(socket: string, statements: string): Promise<string> {
  return run('mariadb', ['--no-defaults', '-uroot', `--socket=${socket}`, '--batch', '--skip-column-names'], statements);
}

async function waitReady(socket: string, child: ChildProcess, deadline: number, log: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}:\n${log()}`);
    try {
      await clientSql(socket, 'SELECT 1');
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`mariadbd not ready in time:\n${log()}`);
      await new Promise((r) => setTimeout(r, 50)); // poll interval of a readiness check, not a readiness guess
    }
  }
}

/** Server ids handed out to instances started without one (distinct within this process). */
let nextServerId = 1;

export async function startMariaDB(opts: MariaDBOptions = {}): Promise<MariaDBInstance> {
  const given = (opts.extraArgs ?? []).map((a) => /^--server-id=(\d+)$/.exec(a)).find((m) => m !== null);
  const serverId = given ? Number(given[1]) : opts.serverId ?? nextServerId++;
  const base = mkdtempSync(path.join(tmpdir(), 'sluice-mariadb-'));
  const datadir = path.join(base, 'data');
  const socket = path.join(base, 'sock');
  // A private tmpdir: concurrent instances bootstrapping in a shared /tmp collide on temp-table names.
  const tmp = path.join(base, 'tmp');
  mkdirSync(tmp);
  await run('mariadb-install-db', [
    '--no-defaults', `--datadir=${datadir}`, '--user=root', `--tmpdir=${tmp}`,
    '--auth-root-authentication-method=normal', '--skip-test-db',
  ]);
  const port = await freePort();
  const errLog = path.join(base, 'error.log');
  const args = [
    '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1',
    `--socket=${socket}`, '--user=root', '--skip-name-resolve', `--log-error=${errLog}`, `--tmpdir=${tmp}`,
    '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M', '--max-allowed-packet=64M',
    '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci',
    `--pid-file=${path.join(base, 'pid')}`, `--server-id=${serverId}`,
    ...(opts.logBin ? [`--log-bin=${path.join(datadir, 'binlog')}`, '--binlog-format=ROW'] : []),
    ...(opts.extraArgs ?? []),
  ];
  const log = () => (existsSync(errLog) ? readFileSync(errLog, 'utf8').split('\n').slice(-15).join('\n') : '');
  /** The running mariadbd (a new one after restart()). */
  let child = spawn('mariadbd', args, { stdio: 'ignore', detached: opts.detached ?? false });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitReady(socket, child, Date.now() + (opts.startTimeoutMs ?? 60_000), log);
    // sql_log_bin = 0: a replica must not replay the sandbox's own setup.
    await clientSql(socket,
      "SET sql_log_bin = 0; CREATE USER 'sluice'@'127.0.0.1' IDENTIFIED BY 'sluice';" +
      " GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'127.0.0.1' WITH GRANT OPTION;");
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1', port, user: 'sluice', password: 'sluice', datadir, socket, serverId,
    get pid() { return child.pid!; },
    sql: (statements) => clientSql(socket, statements),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = () => { clearTimeout(timer); rmSync(base, { recursive: true, force: true }); resolve(); };
        if (exited()) return done();
        timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', done);
        child.kill('SIGTERM');
      });
      return stopped;
    },
    kill() {
      return new Promise<void>((resolve) => {
        if (exited()) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
    async restart() {
      if (!exited()) throw new Error(`mariadbd on port ${port} is still running; kill() it first`);
      child = spawn('mariadbd', args, { stdio: 'ignore', detached: opts.detached ?? false });
      await waitReady(socket, child, Date.now() + (opts.startTimeoutMs ?? 60_000), log);
    },
  };
}

// ---- replication: a primary started with { logBin: true } and GTID replicas of it ----

/** The replication account replicas use to log in to their primary (created unlogged on the primary). */
const REPL_USER = 'repl';
const REPL_PASSWORD = 'repl';

/** SHOW SLAVE STATUS of `db` as column -> value ('NULL' for NULL); empty when it is no replica. */
export async function slaveStatus(db: MariaDBInstance): Promise<Record<string, string>> {
  // Batch output with column names: a tab-separated header line, then the row's tab-separated values.
  const out = await run('mariadb', ['--no-defaults', '-uroot', `--socket=${db.socket}`, '--batch'], 'SHOW SLAVE STATUS');
  const [names, values] = out.split('\n');
  const status: Record<string, string> = {};
  if (!values) return status;
  const cells = values.split('\t');
  names.split('\t').forEach((name, i) => { status[name] = cells[i] ?? ''; });
  return status;
}

/**
 * Starts a replica of `primary` (which must run with { logBin: true }): its own server id, GTID
 * replication over TCP from the primary's binlog start, and resolves once both the I/O and the SQL
 * thread run (polled in SHOW SLAVE STATUS; a replication error ends the wait with that error).
 */
export async function startReplica(primary: MariaDBInstance, opts: MariaDBOptions = {}): Promise<MariaDBInstance> {
  // sql_log_bin = 0: the account must not reach the replica through the binlog (its CREATE USER would clash).
  await primary.sql(
    `SET sql_log_bin = 0; CREATE USER IF NOT EXISTS '${REPL_USER}'@'127.0.0.1' IDENTIFIED BY '${REPL_PASSWORD}';` +
    ` GRANT REPLICATION SLAVE ON *.* TO '${REPL_USER}'@'127.0.0.1';`);
  const replica = await startMariaDB(opts);
  try {
    await replica.sql(
      `CHANGE MASTER TO MASTER_HOST='${primary.host}', MASTER_PORT=${primary.port}, MASTER_USER='${REPL_USER}',` +
      ` MASTER_PASSWORD='${REPL_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;`);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      const st = await slaveStatus(replica);
      if (st.Slave_IO_Running === 'Yes' && st.Slave_SQL_Running === 'Yes') break;
      const error = st.Last_IO_Error || st.Last_SQL_Error;
      if (error || Date.now() > deadline) {
        throw new Error(`replica of port ${primary.port} did not start: IO ${st.Slave_IO_Running}, SQL ${st.Slave_SQL_Running}${error ? `: ${error}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 50)); // poll interval of a status check
    }
  } catch (e) {
    await replica.stop();
    throw e;
  }
  return replica;
}

/** A GTID position "domain-server-seq,..." as domain -> sequence number. */
function gtidSeqs(pos: string): Map<string, bigint> {
  const seqs = new Map<string, bigint>();
  for (const gtid of pos.trim().split(',')) {
    const m = /^(\d+)-\d+-(\d+)$/.exec(gtid.trim());
    if (m) seqs.set(m[1], BigInt(m[2]));
  }
  return seqs;
}

/**
 * Resolves once `replica` has applied everything `primary` had logged when this was called: its
 * @@gtid_slave_pos reaches the primary's @@gtid_binlog_pos in every replication domain (polled).
 */
export async function waitCaughtUp(primary: MariaDBInstance, replica: MariaDBInstance, timeoutMs = 30_000): Promise<void> {
  const target = gtidSeqs(await primary.sql('SELECT @@gtid_binlog_pos'));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const have = gtidSeqs(await replica.sql('SELECT @@gtid_slave_pos'));
    if ([...target].every(([domain, seq]) => (have.get(domain) ?? -1n) >= seq)) return;
    if (Date.now() > deadline) {
      const st = await slaveStatus(replica);
      throw new Error(`replica not caught up in ${timeoutMs} ms: at ${[...have].join(' ')}, primary at ${[...target].join(' ')}` +
        ` (IO ${st.Slave_IO_Running}, SQL ${st.Slave_SQL_Running}${st.Last_SQL_Error ? `: ${st.Last_SQL_Error}` : ''})`);
    }
    await new Promise((r) => setTimeout(r, 20)); // poll interval of a position check
  }
}

// ---- command line: used by scripts/demo.sh and the benchmarks ----

interface StateFile { instances: { port: number; pid: number; datadir: string; socket: string }[] }

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const flag = (name: string, dflt: string) => {
    const i = rest.indexOf(name);
    return i >= 0 && rest[i + 1] ? rest[i + 1] : dflt;
  };
  const stateFile = flag('--state', path.join(process.cwd(), '.sandbox', 'state.json'));
  if (cmd === 'start') {
    const count = Number(flag('--count', '1'));
    const perPrimary = Number(flag('--replicas', '0'));
    const primaries = await Promise.all(Array.from({ length: count }, () => startMariaDB({ detached: true, logBin: perPrimary > 0 })));
    const replicas = await Promise.all(primaries.flatMap((p) => Array.from({ length: perPrimary }, () => startReplica(p, { detached: true }))));
    const instances = [...primaries, ...replicas];
    const state: StateFile = { instances: instances.map((i) => ({ port: i.port, pid: i.pid, datadir: i.datadir, socket: i.socket })) };
    mkdirSync(path.dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
    console.log(primaries.map((i) => i.port).join(' '));
    if (replicas.length > 0) console.log(`replicas: ${replicas.map((i) => i.port).join(' ')}`);
    // The servers were spawned attached; detach from them so this command can exit and they live on.
    process.exit(0);
  } else if (cmd === 'stop') {
    if (!existsSync(stateFile)) return;
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
    await Promise.all(state.instances.map(async (i) => {
      try { process.kill(i.pid, 'SIGTERM'); } catch { return; }
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        try { process.kill(i.pid, 0); } catch { break; }
        await new Promise((r) => setTimeout(r, 50));
      }
      rmSync(path.dirname(i.datadir), { recursive: true, force: true });
    }));
    rmSync(stateFile, { force: true });
  } else {
    console.error('usage: sandbox start --count N [--replicas R] [--state FILE] | stop [--state FILE]');
    process.exit(2);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => { console.error(String(e.message ?? e)); process.exit(1); });
}
