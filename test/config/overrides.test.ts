// Command-line overrides replace configuration keys and are checked like them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, applyOverrides, resolveConfig } from '../../src/config';
import { baseConfig } from './fixtures';

const config = resolveConfig({ ...baseConfig(), threads: 3, bufferPoolMB: 128, maxQueryMemoryMB: 100 });

test('overrides replace the keys they name and leave the rest', () => {
  const next = applyOverrides(config, { listen: '[::1]:4000', threads: 8, bufferPoolMB: 512, logLevel: 'debug', metricsPort: 9104 });
  assert.deepEqual(next.listen, { host: '::1', port: 4000 });
  assert.equal(next.threads, 8);
  assert.equal(next.bufferPoolMB, 512);
  assert.equal(next.maxQueryMemoryMB, 100);
  assert.equal(next.logLevel, 'debug');
  assert.equal(next.metricsPort, 9104);
  assert.deepEqual(next.schemas, config.schemas);
  assert.equal(config.threads, 3, 'the original is not changed');
  assert.deepEqual(config.listen, { host: '127.0.0.1', port: 3306 });
});

test('no overrides give an equal configuration', () => {
  assert.deepEqual(applyOverrides(config, {}), config);
});

test('a smaller buffer pool lowers maxQueryMemoryMB to fit', () => {
  const next = applyOverrides(config, { bufferPoolMB: 32 });
  assert.equal(next.bufferPoolMB, 32);
  assert.equal(next.maxQueryMemoryMB, 32);
});

test('bad override values are reported like file keys, all at once', () => {
  assert.throws(
    () => applyOverrides(config, { listen: 'nowhere', threads: 0, bufferPoolMB: 1.5, logLevel: 'loud', metricsPort: 70000 }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.problems, [
        'listen: must be "HOST:PORT" or "[IPv6]:PORT" (got "nowhere")',
        'threads: must be an integer 1-1024 (got 0)',
        'bufferPoolMB: must be an integer 16-1048576 (got 1.5)',
        'logLevel: must be one of fatal, error, warn, info, debug, trace (got "loud")',
        'metricsPort: must be an integer 0-65535 (got 70000)',
      ]);
      return true;
    },
  );
});
