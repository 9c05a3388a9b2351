// The server version sluice announces when the config names none: the one its backends announce,
// so that a client sees the server it really talks to and picks its features by it (MariaDB clients
// pipeline PREPARE and EXECUTE, mysql2 sends no MySQL-only JSON parameters, SELECT VERSION() agrees
// with the handshake). MariaDB 10+ greets as '5.5.5-10.11.6-MariaDB-...' (old MySQL clients parse the
// 5.5.5, MariaDB's clients strip it): the greeting's string is announced as it is.
import type { Logger } from 'pino';
import { BackendConnection, backendTarget } from '../backend/connection';
import { DEFAULTS } from '../config/defaults';
import type { SluiceConfig } from '../config/types';

/**
 * The version of the first backend that answers a connect (all are tried at once, each within its
 * connectTimeoutMs); DEFAULTS.serverVersion, with a warning, when none does.
 */
export async function backendsVersion(config: SluiceConfig, logger: Logger): Promise<string> {
  const backends = Object.values(config.backends);
  try {
    return await Promise.any(backends.map(async (b) => {
      const conn = await BackendConnection.connect(backendTarget(b), 0, null);
      conn.close();
      if (!conn.serverVersion) throw new Error(`${b.name} announced no version`);
      return conn.serverVersion;
    }));
  } catch (e) {
    const reasons = e instanceof AggregateError ? e.errors.map((x: Error) => x.message).join('; ') : (e as Error).message;
    logger.warn({ err: reasons }, `no backend answered at start: announcing server version "${DEFAULTS.serverVersion}" (set serverVersion to choose one)`);
    return DEFAULTS.serverVersion;
  }
}
