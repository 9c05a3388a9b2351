// Captures what a MariaDB server sends for a query, as raw bytes, for the replay benchmarks.
import type { BackendConnection } from '../src/backend/connection';
import { frame } from '../src/protocol/framing';
import { ResponseKind, type ResponseScanner } from '../src/protocol/response-scanner';
import { Com } from '../src/protocol/constants';

/** Sends one COM_QUERY and records the bytes of its response exactly as the socket delivered them. */
export function capture(conn: BackendConnection, sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    conn.relay(frame(Buffer.concat([Buffer.of(Com.QUERY), Buffer.from(sql)]), 0), ResponseKind.Result, {
      data: (chunk: Buffer) => chunks.push(Buffer.from(chunk)), // the relay sink sees each read's bytes
      end: (scanner: ResponseScanner) => {
        if (scanner.err) reject(new Error(`${sql}: ${scanner.err.subarray(9).toString()}`));
        else resolve(Buffer.concat(chunks));
      },
      fail: reject,
    });
  });
}
