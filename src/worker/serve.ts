// The worker entry: the piscina task each worker thread runs for its whole life. It builds the
// worker's logger, metrics writer and session runtime, then turns every fd main hands over into a
// net.Socket for the runtime, until main asks it to stop.
import fs from 'node:fs';
import net from 'node:net';
import { threadId } from 'node:worker_threads';
import { socketFromFd } from '../memory/read-buffers';
import { createWorkerRuntime } from '../session/runtime';
import { createLogger } from '../logger';
import { Metrics } from '../metrics/shared-metrics';
import { SlabPool } from '../memory/slab-pool';
import { BackendHealth } from '../health/backend-health';
import { Counter } from '../metrics/layout';
import type { HandOff, PeerAsk, PeerQuery, PeerReply, ServeTask, ToWorker, WorkerReady } from './messages';
import type { PeerAnswer } from '../kernel/directory';

type RuntimeFactory = typeof createWorkerRuntime;

function loadRuntimeFactory(modulePath: string | undefined): RuntimeFactory {
  if (modulePath === undefined) return createWorkerRuntime;
  return (require(modulePath) as { createWorkerRuntime: RuntimeFactory }).createWorkerRuntime;
}

/** Serve client connections for worker slot task.slot until a StopRequest; piscina calls this. */
export default async function serve(task: ServeTask): Promise<void> {
  const { slot, config, port } = task;
  const table = Metrics.attach(task.metrics);
  const metrics = table.writer(slot);
  const logger = createLogger(config.logLevel).child({ worker: slot });
  const slabPool = task.slabPool && SlabPool.attach(task.slabPool, metrics);
  // slabPool: the worker's handle on the global buffer budget, for the runtime's merges and buffers.
  const health = BackendHealth.attach(task.health);
  // Questions about sessions on any worker go through main, which asks every worker (this one too).
  const asks = new Map<number, (answers: PeerAnswer[]) => void>();
  let nextAsk = 1;
  const peers = {
    ask: (question: PeerAsk['question']) => new Promise<PeerAnswer[]>((resolve) => {
      const ask = nextAsk++;
      asks.set(ask, resolve);
      port.postMessage({ ask, question } satisfies PeerAsk);
    }),
  };
  const runtimeOptions = { config, workerId: slot, logger, metrics, slabPool, health, peers };
  const runtime = loadRuntimeFactory(task.runtimeModule)(runtimeOptions);
  // One listener shared by every socket of this worker: closes are counted without a closure each.
  const countClose = () => metrics.inc(Counter.ConnectionsClosed);

  const accept = (msg: HandOff) => {
    let socket: net.Socket;
    try {
      socket = socketFromFd(msg.fd);
    } catch (err) {
      fs.close(msg.fd, () => {});
      logger.warn({ err, conn: msg.connectionId }, 'could not open a handed-off connection');
      return;
    }
    metrics.inc(Counter.ConnectionsOpened);
    socket.once('close', countClose);
    try {
      runtime.accept(socket, msg.connectionId);
    } catch (err) {
      logger.error({ err, conn: msg.connectionId }, 'BUG: runtime.accept threw');
      socket.destroy();
    }
  };

  const answer = (msg: PeerQuery) => {
    const none: PeerAnswer = msg.question.kind === 'kill' ? { kind: 'kill', outcome: 'none' } : { kind: 'processlist', rows: [] };
    (runtime.answer?.(msg.question) ?? Promise.resolve(none)).then(
      (a) => port.postMessage({ reply: msg.query, answer: a } satisfies PeerReply),
      (err: unknown) => {
        logger.error({ err }, 'BUG: answering a question about sessions failed');
        port.postMessage({ reply: msg.query, answer: none } satisfies PeerReply);
      },
    );
  };

  return new Promise<void>((resolve) => {
    port.on('message', (msg: ToWorker) => {
      if ('fd' in msg) return accept(msg);
      if ('query' in msg) return answer(msg);
      if ('answers' in msg) {
        const done = asks.get(msg.answers);
        asks.delete(msg.answers);
        return done?.(msg.list);
      }
      logger.debug({ timeoutMs: msg.timeoutMs }, 'worker stopping');
      runtime
        .shutdown(msg.timeoutMs)
        .catch((err: unknown) => logger.error({ err }, 'runtime shutdown failed'))
        .finally(() => {
          port.close();
          resolve();
        });
    });
    const ready: WorkerReady = { ready: true, threadId };
    port.postMessage(ready);
    logger.info({ threadId }, 'worker ready');
  });
}
