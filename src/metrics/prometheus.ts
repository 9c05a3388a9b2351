// Prometheus text exposition (format 0.0.4) of a metrics snapshot. Each family's series add up to
// the whole (labelled by kind / route / errno / backend, or unlabelled); the per-worker view is in
// separate sluice_worker_* families so that sum() over a family never counts twice.
import { COUNTER_NAMES, QUERY_KIND_NAMES, ROUTE_NAMES, Counter, HISTOGRAM_NAMES } from './layout';
import { EXPOSITION_BOUNDS } from './histogram';
import type { MetricsSnapshot, RowSnapshot } from './shared-metrics';

/** The text/plain content type Prometheus scrapes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const HISTOGRAM_HELP: Record<string, [string, string]> = {
  queryLatency: ['sluice_query_duration_seconds', 'Client statement latency.'],
  backendLatency: ['sluice_backend_duration_seconds', 'Backend round-trip latency.'],
};

/** Render `snap` as Prometheus text; `backendUp` is each backend's reachability (health/backend-health.ts). */
export function renderPrometheus(snap: MetricsSnapshot, backendUp: Record<string, boolean> = {}): string {
  const out: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const c = snap.total.counters;

  family('sluice_connections_current', 'gauge', 'Open client connections.');
  out.push(`sluice_connections_current ${snap.total.connectionsCurrent}`);
  family('sluice_connections_total', 'counter', 'Client connections accepted by workers.');
  out.push(`sluice_connections_total ${c.connectionsOpened}`);
  family('sluice_connections_refused_total', 'counter', 'Client connections refused (ERR 1040, every worker full).');
  out.push(`sluice_connections_refused_total ${c.connectionsRefused}`);

  family('sluice_queries_total', 'counter', 'Client statements by kind.');
  QUERY_KIND_NAMES.forEach((kind, k) => {
    out.push(`sluice_queries_total{kind="${kind}"} ${c[COUNTER_NAMES[Counter.QuerySelect + k]]}`);
  });
  const perWorker = (name: string, type: 'counter' | 'gauge', help: string, value: (w: RowSnapshot) => number) => {
    family(name, type, help);
    snap.workers.forEach((w, i) => out.push(`${name}{worker="${i}"} ${value(w)}`));
  };
  perWorker('sluice_worker_connections_current', 'gauge', 'Open client connections per worker.', (w) => w.connectionsCurrent);
  perWorker('sluice_worker_connections_total', 'counter', 'Client connections accepted per worker.', (w) => w.counters.connectionsOpened);
  perWorker('sluice_worker_queries_total', 'counter', 'Client statements per worker.', (w) => w.queries);

  family('sluice_queries_routed_total', 'counter', 'Client statements by route type.');
  ROUTE_NAMES.forEach((route, r) => {
    out.push(`sluice_queries_routed_total{route="${route}"} ${c[COUNTER_NAMES[Counter.RouteSingle + r]]}`);
  });

  family('sluice_errors_total', 'counter', 'Errors by MySQL errno.');
  for (const [errno, n] of Object.entries(snap.total.errors)) out.push(`sluice_errors_total{errno="${errno}"} ${n}`);

  family('sluice_client_bytes_in_total', 'counter', 'Bytes read from clients.');
  out.push(`sluice_client_bytes_in_total ${c.bytesIn}`);
  family('sluice_client_bytes_out_total', 'counter', 'Bytes written to clients.');
  out.push(`sluice_client_bytes_out_total ${c.bytesOut}`);

  const backends = Object.entries(snap.total.backends);
  const perBackend = (name: string, key: string, help: string) => {
    family(name, 'counter', help);
    for (const [b, v] of backends) out.push(`${name}{backend="${escapeLabel(b)}"} ${v[key]}`);
  };
  perBackend('sluice_backend_connects_total', 'connects', 'Backend connections opened.');
  perBackend('sluice_backend_connect_failures_total', 'connectFailures', 'Backend connection attempts that failed.');
  perBackend('sluice_backend_pool_waits_total', 'poolWaits', 'Statements that waited for a pooled backend connection.');
  family('sluice_backend_up', 'gauge', 'Backend reachable (1), or down since a connect failed until a probe connects (0).');
  for (const [b, up] of Object.entries(backendUp)) out.push(`sluice_backend_up{backend="${escapeLabel(b)}"} ${up ? 1 : 0}`);
  family('sluice_backend_connections', 'gauge', 'Open backend connections, lent to a statement (busy) or in the pool (idle).');
  for (const [b, v] of backends) {
    out.push(`sluice_backend_connections{backend="${escapeLabel(b)}",state="busy"} ${v.connectionsOpen - v.connectionsIdle}`);
    out.push(`sluice_backend_connections{backend="${escapeLabel(b)}",state="idle"} ${v.connectionsIdle}`);
  }

  family('sluice_backend_prepared_statements', 'gauge', 'Prepared statements open on backend connections (bounded by maxBackendPreparedStatements).');
  out.push(`sluice_backend_prepared_statements ${c.backendPreparedStatements}`);

  family('sluice_slab_bytes_in_use', 'gauge', 'Slab pool bytes in use.');
  out.push(`sluice_slab_bytes_in_use ${c.slabBytesInUse}`);
  family('sluice_slab_waits_total', 'counter', 'Slab allocations that waited.');
  out.push(`sluice_slab_waits_total ${c.slabWaits}`);
  family('sluice_slab_refusals_total', 'counter', 'Queries refused for exceeding their memory share.');
  out.push(`sluice_slab_refusals_total ${c.slabRefusals}`);
  family('sluice_framer_stalls_total', 'counter', 'Times packet assembly stopped reading a socket until the slab pool had room.');
  out.push(`sluice_framer_stalls_total ${c.framerStalls}`);
  family('sluice_plan_cache_bytes', 'gauge', 'Estimated heap bytes of the plan caches of all workers.');
  out.push(`sluice_plan_cache_bytes ${c.planCacheBytes}`);

  for (const h of HISTOGRAM_NAMES) {
    const [name, help] = HISTOGRAM_HELP[h];
    const s = snap.total.histograms[h];
    family(name, 'histogram', `${help} Bucket bounds are powers of two microseconds.`);
    EXPOSITION_BOUNDS.forEach((bound, i) => out.push(`${name}_bucket{le="${bound.le / 1e6}"} ${s.cumulative[i]}`));
    out.push(`${name}_bucket{le="+Inf"} ${s.count}`, `${name}_sum ${s.sum / 1e6}`, `${name}_count ${s.count}`);
  }
  out.push('');
  return out.join('\n');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
