// Stops a statement running on a backend connection the way MySQL allows it: KILL QUERY (or KILL
// CONNECTION) of its backend thread id, sent on a separate, short-lived connection to the same
// server, since the connection running the statement is busy until it ends.
import { BackendConnection, type BackendTarget } from '../backend/connection';

/**
 * Sends `KILL QUERY|CONNECTION <thread>` for `conn` to its server. The connection is marked killed
 * first: the pool never hands it out again (a KILL QUERY arriving after the statement ended could
 * otherwise hit the next user's statement on that thread). Settles once the server has answered;
 * failures are swallowed (the thread may already be gone).
 */
export async function killOnBackend(target: BackendTarget, conn: BackendConnection, what: 'QUERY' | 'CONNECTION'): Promise<void> {
  conn.killed = true;
  if (conn.threadId === 0) return; // (a closed connection's thread may still run its statement)
  let killer: BackendConnection | null = null;
  try {
    killer = await BackendConnection.connect(target, 0, null);
    await killer.query(`KILL ${what} ${conn.threadId}`);
  } catch {
    // unknown thread (it ended), or the server is unreachable: nothing left to stop there
  } finally {
    killer?.close();
  }
}
