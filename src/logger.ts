// Logging: pino, one JSON line per event. The main thread and every worker thread build their own
// logger with createLogger(); workers add {worker: id}, sessions add {conn: id} with child().
//
// Destination: a plain pino.destination on fd 2 (stderr), synchronous. It works the same in a
// worker_thread (no transport, no extra thread): each line is one write(2) on the shared fd, so lines
// from different threads never interleave, and a worker that crashes has already written its lines.
// Events are per connection or rarer (never per query at info level), so synchronous writes are cheap.
import pino, { type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** A root logger at `level` writing JSON lines to `fd` (default 2, stderr). */
export function createLogger(level: LevelWithSilent, fd = 2): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd, sync: true }));
}
