// The version announced when serverVersion is unset and no backend answers at start: the fallback,
// with a warning that says how to choose one (the case with backends is in the client matrix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { backendsVersion } from '../../src/server/announced-version';
import { resolveConfig, DEFAULTS } from '../../src/config';

test('no backend answers: the fallback version is announced, with a warning naming the key', async () => {
  // A port that refuses: bound, then closed.
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  server.close();
  const config = resolveConfig({
    users: [{ user: 'app', password: 'pw', schemas: ['app'] }],
    backends: { db1: { host: '127.0.0.1', port, user: 'u', password: 'p', pool: { connectTimeoutMs: 2000 } } },
    schemas: { app: { backend: 'db1', database: 'd' } },
  });
  const warnings: string[] = [];
  const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
  assert.equal(await backendsVersion(config, logger), DEFAULTS.serverVersion);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /no backend answered at start.*set serverVersion/);
});
