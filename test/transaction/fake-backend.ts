// Stand-ins for the backend side of a transaction: connections that record what ran on them (in one
// log shared by all, so the order across partitions shows) and fail on request, a pool that records
// what came back to it, and the open() a session passes to lend().
import type { BackendConnection } from '../../src/backend/connection';
import { SqlError } from '../../src/protocol/errors';
import type { MemberConnection, OpenMember, TransactionStrategy } from '../../src/transaction/strategy';

/** A connection of partition `partition`: query() records `p<partition>: <sql>` and answers, or fails as `failOn` says. */
export class FakeConnection {
  stateKey = '';
  /** Statements that fail on this connection: the text (or a pattern of it) and the error. */
  failOn: { sql: RegExp; err: SqlError }[] = [];
  constructor(readonly partition: number, private readonly log: string[]) {}

  query(sql: string | Buffer): Promise<{ ok: object }> {
    const text = typeof sql === 'string' ? sql : sql.toString('latin1');
    this.log.push(`p${this.partition}: ${text}`);
    const failure = this.failOn.find((f) => f.sql.test(text));
    return failure ? Promise.reject(failure.err) : Promise.resolve({ ok: {} });
  }
}

/** Partitions' connections and where they went back: one per partition, made on first open. */
export class FakeBackends {
  /** Every statement run, in order, as `p<partition>: <sql>`. */
  readonly log: string[] = [];
  readonly released: number[] = [];
  readonly discarded: number[] = [];
  readonly conns = new Map<number, FakeConnection>();
  /** Partitions whose open() fails with this error (the pool could not connect). */
  readonly unreachable = new Map<number, SqlError>();

  conn(partition: number): FakeConnection {
    let c = this.conns.get(partition);
    if (!c) this.conns.set(partition, (c = new FakeConnection(partition, this.log)));
    return c;
  }

  /** What the session passes to lend() for `partition`: its connection and a pool recording release and discard. */
  open(partition: number): OpenMember {
    return () => {
      const err = this.unreachable.get(partition);
      if (err) return Promise.reject(err);
      const member: MemberConnection = {
        conn: this.conn(partition) as unknown as BackendConnection,
        pool: {
          release: (c) => { this.released.push((c as unknown as FakeConnection).partition); },
          discard: (c) => { this.discarded.push((c as unknown as FakeConnection).partition); },
        },
      };
      return Promise.resolve(member);
    };
  }
}

/** Names a partition as the session does. */
export const describePartition = (p: number): string => `partition ${p} (b${p}/shop_${p})`;

/** Lends the partition's connection to a statement, as a promise of the fake connection. */
export function borrow(trx: TransactionStrategy, backends: FakeBackends, partition: number): Promise<FakeConnection> {
  return new Promise((resolve, reject) => trx.lend(partition, backends.open(partition), (err, conn) => (err ? reject(err) : resolve(conn as unknown as FakeConnection))));
}

/** Lets pending promise callbacks run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
