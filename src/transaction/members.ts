// The partitions a transaction has joined, each with one backend connection lent to one statement
// at a time (a plan may send several units to one partition, and they take turns). Strategies share
// it; what runs on a connection when its partition joins is the strategy's `join`.
import type { BackendConnection } from '../backend/connection';
import { SqlError, ErrorCode } from '../protocol/errors';
import type { Lent, MemberConnection, OpenMember } from './strategy';

interface Member {
  /** null while the partition is joining (connection being acquired, the strategy's join running). */
  conn: BackendConnection | null;
  pool: MemberConnection['pool'] | null;
  /** A statement is using the connection; others wait their turn. */
  busy: boolean;
  waiting: Lent[];
}

/** The members of one transaction, in the order they joined. */
export class TransactionMembers {
  private readonly members = new Map<number, Member>();

  /** `join` opens the transaction's part on a joining partition's connection (BEGIN, XA START, ...). */
  constructor(private readonly join: (conn: BackendConnection) => Promise<void>) {}

  /** See TransactionStrategy.lend. */
  lend(partition: number, open: OpenMember, lent: Lent): void {
    const m = this.members.get(partition);
    if (m) {
      if (m.busy) m.waiting.push(lent);
      else {
        m.busy = true;
        lent(null, m.conn);
      }
      return;
    }
    const joining: Member = { conn: null, pool: null, busy: true, waiting: [] };
    this.members.set(partition, joining);
    open()
      .then(async ({ conn, pool }) => {
        joining.conn = conn;
        joining.pool = pool;
        await this.join(conn);
      })
      .then(
        () => lent(null, joining.conn),
        (e: SqlError) => {
          this.members.delete(partition);
          if (joining.conn) joining.pool!.discard(joining.conn);
          lent(e, null);
          for (const w of joining.waiting) w(e, null);
        },
      );
  }

  /** See TransactionStrategy.takeBack. */
  takeBack(partition: number): void {
    const m = this.members.get(partition);
    if (!m) return;
    const next = m.waiting.shift();
    if (next) next(null, m.conn);
    else m.busy = false;
  }

  /** The member's connection broke: it leaves, discarded, and its waiting statements fail. False when the partition was no member. */
  broken(partition: number): boolean {
    const m = this.members.get(partition);
    if (!m) return false;
    this.members.delete(partition);
    if (m.conn) m.pool!.discard(m.conn);
    const err = new SqlError(ErrorCode.CR_SERVER_LOST, 'the transaction lost its connection to this partition');
    for (const w of m.waiting) w(err, null);
    return true;
  }

  /** Every member's connection, for a statement run on all of them. */
  connections(): BackendConnection[] {
    return [...this.members.values()].map((m) => m.conn!);
  }

  /** Takes every member out, in join order, to end the transaction on them; the caller gives their connections back. */
  takeAll(): (MemberConnection & { partition: number })[] {
    const all = [...this.members].map(([partition, m]) => ({ partition, conn: m.conn!, pool: m.pool! }));
    this.members.clear();
    return all;
  }

  /** Discards every member's connection (the session is closing): the backends roll them back. */
  discardAll(): void {
    for (const m of this.members.values()) if (m.conn) m.pool!.discard(m.conn);
    this.members.clear();
  }
}
