// The main thread: the listening socket, the worker slots, the metrics endpoint, graceful shutdown.
// The CLI calls startServer(); tests call it with port 0 and close() it.
import net from 'node:net';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SluiceConfig } from '../config/types';
import { createLogger } from '../logger';
import { Metrics } from '../metrics/shared-metrics';
import { SlabPool } from '../memory/slab-pool';
import { BackendHealth } from '../health/backend-health';
import { BackendProbe } from '../health/backend-probe';
import { Acceptor } from './acceptor';
import { serveMetrics, type MetricsEndpoint } from './metrics-endpoint';
import { WorkerSlots, type SlotStatus } from './worker-slots';
import { checkGrants } from '../backend/grant-check';
import { backendsVersion } from './announced-version';

export interface StartOptions {
  /** Install SIGTERM/SIGINT handlers: graceful close, then exit 0 (the CLI sets this). */
  handleSignals?: boolean;
  /** Serve /metrics on this port (0 = any free port) instead of config.metricsPort. */
  metricsPort?: number;
  /** Use this logger instead of createLogger(config.logLevel). */
  logger?: Logger;
  /** Module exporting createWorkerRuntime to use in workers instead of src/session/runtime (tests). */
  runtimeModule?: string;
}

/** A started sluice. */
export interface RunningServer {
  /** The bound address (the real port when config.listen.port was 0). */
  address: { host: string; port: number };
  /** The /metrics address, when served. */
  metricsAddress?: { host: string; port: number };
  metrics: Metrics;
  /** The global buffer pool (main's handle): its stats, and for tests memory to take from it. */
  slabPool: SlabPool;
  workerCount: number;
  /** Per-slot readiness and open connections. */
  workers(): SlotStatus[];
  /** The worker thread serving slot n now; undefined while it is being replaced. */
  workerThread(slot: number): Worker | undefined;
  /** Stop accepting, stop every worker (sessions get config.shutdownTimeoutMs), close the pool. */
  close(): Promise<void>;
}

export async function startServer(config: SluiceConfig, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  // Unset serverVersion: announce what the backends are (the workers get it with the config).
  if (config.serverVersion === null) config = { ...config, serverVersion: await backendsVersion(config, logger) };
  const metrics = Metrics.create({ workers: config.threads, backends: Object.keys(config.backends) });
  // The pool's data pages are committed by the OS only when first used: creating it costs no RSS.
  const slabPool = SlabPool.create(config.bufferPoolMB, metrics.writer(metrics.mainRow));
  // Workers mark backends down when a connect fails; main's probe marks them up when they answer.
  const health = BackendHealth.create(Object.keys(config.backends));
  let acceptor: Acceptor | undefined;
  const slots = new WorkerSlots({
    threads: config.threads,
    config,
    metrics,
    slabPool,
    health,
    logger,
    runtimeModule: opts.runtimeModule,
    onReady: () => acceptor?.retryHeld(),
  });
  await slots.start();
  const probe = new BackendProbe(config, health, logger);
  acceptor = new Acceptor(slots, config.maxConnectionsPerWorker, metrics.writer(metrics.mainRow), logger);

  // noDelay is set on the accepted socket, so the worker's dup (same socket) has it too.
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, acceptor.onConnection);
  let endpoint: MetricsEndpoint | undefined;
  try {
    server.listen({ host: config.listen.host, port: config.listen.port });
    await once(server, 'listening');
    const metricsPort = opts.metricsPort ?? (config.metricsPort > 0 ? config.metricsPort : undefined);
    if (metricsPort !== undefined) endpoint = await serveMetrics(metrics, health, metricsPort);
  } catch (err) {
    server.close();
    probe.stop();
    await slots.stop(0);
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'listening socket error'));
  const bound = server.address() as net.AddressInfo;
  const address = { host: bound.address, port: bound.port };
  logger.info({ address, threads: config.threads, metrics: endpoint?.address }, 'sluice listening');
  if (logger.isLevelEnabled('warn')) warnAboutGrants(config, logger);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      acceptor!.dropHeld();
      await slots.stop(config.shutdownTimeoutMs);
      probe.stop();
      await closed;
      await endpoint?.close();
      removeSignalHandlers();
      logger.info('sluice stopped');
    })());

  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const removeSignalHandlers = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  if (opts.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return {
    address,
    metricsAddress: endpoint?.address,
    metrics,
    slabPool,
    workerCount: config.threads,
    workers: () => slots.status(),
    workerThread: (slot) => slots.thread(slot),
    close,
  };
}

/** Logs each backend account's grants beyond what sluice needs (one warn line per finding); start-up does not wait. */
function warnAboutGrants(config: SluiceConfig, logger: Logger): void {
  checkGrants(config).then((reports) => {
    for (const r of reports) {
      const fields = { backend: r.account.backend, account: r.account.target.user, key: r.account.key };
      for (const finding of r.findings) logger.warn(fields, `backend account ${r.account.target.user} on ${r.account.backend} ${finding}`);
      if (r.unchecked !== null) logger.info({ ...fields, err: r.unchecked }, 'backend account grants not checked');
    }
  }, (err: unknown) => logger.info({ err }, 'backend account grants not checked'));
}
