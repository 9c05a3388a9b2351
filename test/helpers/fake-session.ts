// A fake client session for kernel unit tests: a StatementContext whose answers are recorded, over
// fake backend pools whose connections record what they are sent. No sockets, no servers.
import { EventEmitter } from 'node:events';
import type { StatementContext, WorkerServices } from '../../src/kernel/context';
import { Relay } from '../../src/kernel/relay';
import { BackendLease } from '../../src/execute/backend-lease';
import { SessionState } from '../../src/backend/session-state';
import type { SchemaConfig, ShardedSchema, UserConfig } from '../../src/config/types';
import { SqlError } from '../../src/protocol/errors';
import type { ResponseKind } from '../../src/protocol/response-scanner';
import type { RelaySink } from '../../src/backend/connection';

/** A backend connection that records the commands it is given; the test answers through `sink`. */
export class FakeConnection {
  stateKey = '';
  database = '';
  closed = false;
  readonly sent: { framed: Buffer; kind: ResponseKind }[] = [];
  readonly queries: string[] = [];
  sink: RelaySink | null = null;
  constructor(readonly backend: string) {}
  relay(framed: Buffer, kind: ResponseKind, sink: RelaySink): void {
    this.sent.push({ framed, kind });
    this.sink = sink;
  }
  async query(sql: Buffer | string): Promise<{ rows: string[][]; ok: null }> {
    this.queries.push(sql.toString());
    return { rows: [], ok: null };
  }
  async command(_com: number, arg?: string): Promise<void> {
    this.queries.push(`COM ${arg ?? ''}`);
  }
  forgetStatements(): void {}
  hold(): void {}
  unhold(): void {}
}

/** A backend pool of fake connections: counts what is acquired, released and discarded. */
export class FakePool {
  readonly target: { name: string };
  acquired = 0;
  released: FakeConnection[] = [];
  discarded: FakeConnection[] = [];
  /** Set to make acquire fail with this error. */
  failWith: SqlError | null = null;
  last: FakeConnection | null = null;
  constructor(name: string) {
    this.target = { name };
  }
  acquire(_profile: number, _key: string, database: string, cb: (err: SqlError | null, conn: FakeConnection | null) => void): void {
    if (this.failWith) return cb(this.failWith, null);
    this.acquired++;
    const conn = new FakeConnection(this.target.name);
    conn.database = database; // a pooled connection already in the database: no INIT_DB round trip
    this.last = conn;
    cb(null, conn);
  }
  release(conn: FakeConnection): void { this.released.push(conn); }
  discard(conn: FakeConnection): void { this.discarded.push(conn); }
}

/** What the fake session answered. */
export interface Answers {
  oks: string[];
  errors: SqlError[];
  rows: { columns: string[]; rows: (string | null)[][] }[];
  done: number;
  closed: boolean;
}

/** A fake socket: keeps what is written; write() returns `writable`. */
export class FakeSocket extends EventEmitter {
  written: Buffer[] = [];
  writable = true;
  write(b: Buffer): boolean {
    this.written.push(b);
    return this.writable;
  }
}

export function fakeSession(opts: { schemas?: Record<string, SchemaConfig>; schema?: string; user?: Partial<UserConfig>; directory?: unknown } = {}) {
  const schemas = opts.schemas ?? { app: { kind: 'forward', name: 'app', backend: 'db1', database: 'app_db' } };
  const pools = new Map<string, FakePool>();
  const pool = (name: string) => {
    let p = pools.get(name);
    if (!p) pools.set(name, (p = new FakePool(name)));
    return p;
  };
  const answers: Answers = { oks: [], errors: [], rows: [], done: 0, closed: false };
  const metrics = { inc() {}, observe() {}, error() {}, query() {}, route() {} };
  const host = {
    schemas,
    metrics,
    pool: (name: string) => pool(name),
    readRotation: () => ({ pick: () => 'replica' }),
    health: { usable: () => true },
    maxQueryMemoryBytes: 1 << 20,
    slabPool: undefined,
    sessionCount: 1,
    directory: opts.directory ?? {},
    waitTimeoutMs: 28_800_000,
  } as unknown as WorkerServices;
  const user: UserConfig = { user: 'alice', schemas: ['*'], privileges: ['read', 'write', 'ddl'], ...opts.user } as UserConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const s: any = {
    id: 7,
    host,
    log: { info() {}, warn() {}, debug() {} },
    socket: new FakeSocket(),
    caps: 0,
    profile: 0,
    user,
    userName: user.user,
    remoteHost: () => '127.0.0.1',
    schema: opts.schema ? schemas[opts.schema] : null,
    get sharded() { return this.schema as ShardedSchema; },
    state: new SessionState(),
    userVars: new Map(),
    sqlStatements: new Map(),
    trxOpen: false,
    status: 2,
    waitTimeoutMs: 28_800_000,
    started: 0,
    busy: false,
    ended: false,
    info: null,
    readRotation: () => ({ pick: () => 'replica' }),
    health: { usable: () => true },
    begin() { this.busy = true; },
    pool: (name: string) => pool(name),
    use(name: string) { this.schema = schemas[name]; return null; },
    error(err: SqlError) { answers.errors.push(err); },
    ok(info = '') { answers.oks.push(info); },
    useOk() { answers.oks.push(`use ${this.schema?.name}`); },
    send() {},
    rows(columns: string[], rows: (string | null)[][]) { answers.rows.push({ columns, rows }); },
    writer() { throw new Error('no writer in the fake session'); },
    fail(err: SqlError) { answers.errors.push(err); this.done(); },
    done() { answers.done++; this.busy = false; this.relay.settle(); this.lease.settle(); },
    close() { answers.closed = true; this.ended = true; },
  };
  s.lease = new BackendLease(s);
  s.relay = new Relay(s);
  return { s: s as StatementContext & { socket: FakeSocket }, answers, pools, pool };
}

