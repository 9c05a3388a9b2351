// sluice as a child process (the real CLI) for the benches that read its CPU time and resident set
// from /proc: started on a config of one sandbox backend, and ready once a client logs in.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { freePort, type MariaDBInstance } from '../scripts/sandbox';
import { BackendConnection } from '../src/backend/connection';
import { sluiceYaml } from './sluice-config';

/** A running sluice child and one logged-in client connection to it. */
export interface SluiceChild {
  child: ChildProcess;
  pid: number;
  conn: BackendConnection;
  /** Closes the connection and stops sluice (SIGTERM), resolving once it exited. */
  stop(): Promise<void>;
}

/**
 * Writes dir/sluice.yaml (backend `db` = the sandbox, `schemas` as YAML lines), starts the CLI and
 * logs in to `database`, polling until it listens (at most 30 s). SLUICE_NODE_ARGS adds node flags
 * for the child, e.g. "--cpu-prof --cpu-prof-dir=prof".
 */
export async function startSluiceChild(db: MariaDBInstance, dir: string, opts: { threads: number; poolMax: number; schemas: string[]; database: string }): Promise<SluiceChild> {
  const port = await freePort();
  const config = path.join(dir, 'sluice.yaml');
  writeFileSync(config, sluiceYaml({
    port, threads: opts.threads, user: db.user, password: db.password,
    backend: { host: db.host, port: db.port, user: db.user, password: db.password, poolMax: opts.poolMax },
    schemas: opts.schemas,
  }));
  const nodeArgs = (process.env.SLUICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, '..', 'src', 'cli.js'), 'serve', '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  let conn: BackendConnection | null = null;
  const stop = async (): Promise<void> => {
    conn?.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const target = { name: 'sluice', host: '127.0.0.1', port, user: db.user, password: db.password, connectTimeoutMs: 2000 };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if (child.exitCode !== null) throw new Error('sluice exited before listening');
      conn = await BackendConnection.connect(target, 0, opts.database);
      return { child, pid: child.pid!, conn, stop };
    } catch (e) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw e;
      }
      await new Promise((r) => setTimeout(r, 50)); // poll interval of the readiness check
    }
  }
}
