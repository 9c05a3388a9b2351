// BackendHealth: the shared up/down table. Workers mark down, main's probe marks up, and a probe
// that connected before a newer failure does not undo it. Shared with a real worker thread.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { BackendHealth } from '../../src/health/backend-health';

describe('BackendHealth', () => {
  it('starts with every backend up and finds them by name', () => {
    const h = BackendHealth.create(['p', 'r1', 'r2']);
    assert.deepEqual(h.snapshot(), { p: true, r1: true, r2: true });
    assert.equal(h.index('r2'), 2);
    assert.equal(h.index('nope'), -1);
  });

  it('a failed connect marks down; a probe that saw that state marks up again', () => {
    const h = BackendHealth.create(['p', 'r1']);
    h.markDown(1);
    assert.deepEqual(h.snapshot(), { p: true, r1: false });
    const seen = h.state(1);
    assert.equal(h.markUp(1, seen), true);
    assert.equal(h.up(1), true);
    h.markDown(1);
    assert.equal(h.up(1), false, 'down again after a new failure');
  });

  it('a probe that started before a newer failure leaves the backend down', () => {
    const h = BackendHealth.create(['r1']);
    h.markDown(0);
    const seen = h.state(0); // the probe starts connecting
    h.markDown(0); // meanwhile a worker's connect fails
    assert.equal(h.markUp(0, seen), false);
    assert.equal(h.up(0), false);
    assert.equal(h.markUp(0, h.state(0)), true, 'the next probe brings it back');
  });

  it('a worker thread attached to the table sees and makes the same changes', async () => {
    const h = BackendHealth.create(['p', 'r1']);
    h.markDown(1);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { BackendHealth } = require(${JSON.stringify(require.resolve('../../src/health/backend-health'))});
      const h = BackendHealth.attach(workerData);
      const sawDown = !h.up(1);
      h.markDown(0);
      parentPort.postMessage(sawDown);`;
    const worker = new Worker(code, { eval: true, workerData: h.shared });
    const sawDown = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await worker.terminate();
    assert.equal(sawDown, true);
    assert.deepEqual(h.snapshot(), { p: false, r1: false });
  });
});
