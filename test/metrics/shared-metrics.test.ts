import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Metrics } from '../../src/metrics/shared-metrics';
import { BackendCounter, Counter } from '../../src/metrics/layout';
import { renderPrometheus } from '../../src/metrics/prometheus';

async function runWriter(metrics: Metrics, row: number, rounds: number): Promise<void> {
  const w = new Worker(path.join(__dirname, 'fixtures/counter-worker.js'), {
    workerData: { shared: metrics.shared, row, rounds },
  });
  // Both listeners first: a worker that ends delivers its last message and 'exit' in one turn.
  const [[msg], [code]] = await Promise.all([once(w, 'message'), once(w, 'exit')]);
  assert.equal(msg, 'done');
  assert.equal(code, 0);
}

test('two worker_threads write their own rows; main reads exact per-worker values and sums', async () => {
  const metrics = Metrics.create({ workers: 2, backends: ['db1', 'db2'] });
  await Promise.all([runWriter(metrics, 0, 100_000), runWriter(metrics, 1, 50_000)]);
  metrics.writer(metrics.mainRow).inc(Counter.ConnectionsRefused);
  assert.deepEqual(metrics.writer(0).backends, ['db1', 'db2']);

  const snap = metrics.snapshot();
  assert.equal(snap.workers[0].queries, 100_000);
  assert.equal(snap.workers[1].queries, 50_000);
  assert.equal(snap.total.counters.querySelect, 75_000);
  assert.equal(snap.total.counters.queryInsert, 75_000);
  assert.equal(snap.total.counters.routeSingle, 150_000);
  assert.equal(snap.total.counters.bytesIn, 15_000_000);
  assert.equal(snap.total.counters.connectionsRefused, 1);
  assert.equal(snap.main.counters.connectionsRefused, 1);
  assert.equal(snap.workers[0].connectionsCurrent, 2);
  assert.equal(snap.total.connectionsCurrent, 4);
  assert.equal(snap.total.errors['1045'], 2);
  assert.equal(snap.total.errors.other, 2);
  assert.deepEqual(snap.total.backends.db2, { connects: 0, connectFailures: 0, poolWaits: 14, connectionsOpen: 0, connectionsIdle: 0 });
  assert.deepEqual(snap.total.backends.db1, { connects: 0, connectFailures: 0, poolWaits: 0, connectionsOpen: 0, connectionsIdle: 0 });

  const lat = snap.total.histograms.queryLatency;
  assert.equal(lat.count, 150_000);
  assert.equal(lat.max, 200);
  assert.equal(lat.sum, 100_000 * 100 + 50_000 * 200);
  assert.ok(Math.abs(lat.p50 - 100) <= 100 / 32, `p50 ${lat.p50}`);
  assert.ok(Math.abs(lat.p90 - 200) <= 200 / 32, `p90 ${lat.p90}`);
  assert.equal(snap.workers[1].histograms.queryLatency.count, 50_000);

  assert.equal(metrics.connections(0), 2);
  metrics.resetConnections(0);
  assert.equal(metrics.connections(0), 0);
  assert.equal(metrics.snapshot().workers[0].counters.connectionsOpened, 3);
});

test('Prometheus exposition: every sample line parses and the key series carry the values', () => {
  const metrics = Metrics.create({ workers: 2, backends: ['db"1'] });
  const w = metrics.writer(1);
  w.inc(Counter.ConnectionsOpened, 5);
  w.query(0);
  w.error(1064);
  w.observe(0, 1500);
  // Pool gauges of two workers: 3 open / 1 idle and 2 open / 2 idle -> 2 busy, 3 idle in all.
  w.backendGauge(0, BackendCounter.ConnectionsOpen, 3);
  w.backendGauge(0, BackendCounter.ConnectionsIdle, 1);
  metrics.writer(0).backendGauge(0, BackendCounter.ConnectionsOpen, 2);
  metrics.writer(0).backendGauge(0, BackendCounter.ConnectionsIdle, 2);
  const text = renderPrometheus(metrics.snapshot());
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-z_]+)(\{[a-z]+="(?:[^"\\]|\\.)*"(?:,[a-z]+="(?:[^"\\]|\\.)*")*\})? (\S+)$/.exec(line);
    assert.ok(m, `bad line: ${line}`);
    assert.ok(!Number.isNaN(Number(m[3])), `bad value: ${line}`);
    samples.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  assert.equal(samples.get('sluice_connections_current'), 5);
  assert.equal(samples.get('sluice_worker_connections_current{worker="1"}'), 5);
  assert.equal(samples.get('sluice_worker_connections_current{worker="0"}'), 0);
  assert.equal(samples.get('sluice_queries_total{kind="select"}'), 1);
  assert.equal(samples.get('sluice_errors_total{errno="1064"}'), 1);
  assert.equal(samples.get('sluice_backend_connects_total{backend="db\\"1"}'), 0);
  assert.equal(samples.get('sluice_backend_connections{backend="db\\"1",state="busy"}'), 2);
  assert.equal(samples.get('sluice_backend_connections{backend="db\\"1",state="idle"}'), 3);
  assert.equal(samples.get('sluice_query_duration_seconds_count'), 1);
  assert.equal(samples.get('sluice_query_duration_seconds_bucket{le="0.001024"}'), 0);
  assert.equal(samples.get('sluice_query_duration_seconds_bucket{le="0.002048"}'), 1);
  assert.equal(samples.get('sluice_query_duration_seconds_bucket{le="+Inf"}'), 1);
});
