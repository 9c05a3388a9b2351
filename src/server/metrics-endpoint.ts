// GET /metrics on 127.0.0.1:PORT: Prometheus text of the shared metrics (config.metricsPort).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../metrics/shared-metrics';
import type { BackendHealth } from '../health/backend-health';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../metrics/prometheus';

export interface MetricsEndpoint {
  address: { host: string; port: number };
  close(): Promise<void>;
}

/** Listen on 127.0.0.1:port (0 = any free port). */
export async function serveMetrics(metrics: Metrics, health: BackendHealth, port: number): Promise<MetricsEndpoint> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      const body = renderPrometheus(metrics.snapshot(), health.snapshot());
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /metrics\n');
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address() as AddressInfo;
  return {
    address: { host: addr.address, port: addr.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
