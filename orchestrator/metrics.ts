// Prometheus metrics of the orchestrator itself (GET /metrics, no token: scrapers rarely carry
// one and nothing here names a program or a result). Job gauges are read from the store at
// scrape time, so they are right after a restart and with several orchestrators on one store.

import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Farm } from './farm.js';

export interface Metrics {
  registry: Registry;
  /** Stops listening to the farm. */
  close(): void;
}

export function farmMetrics(farm: Farm): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'etbench_orchestrator_' });
  new Gauge({
    name: 'etbench_jobs_queued', help: 'Jobs waiting for a device', registers: [registry],
    async collect() {
      this.set((await farm.store.jobCounts()).queued);
    },
  });
  new Gauge({
    name: 'etbench_jobs_running', help: 'Jobs leased to an agent now', registers: [registry],
    async collect() {
      this.set((await farm.store.jobCounts()).leased);
    },
  });
  new Gauge({
    name: 'etbench_agents_connected', help: 'Agents with an open Connect stream', registers: [registry],
    collect() {
      this.set(farm.agentCount);
    },
  });
  const dispatch = new Histogram({
    name: 'etbench_dispatch_latency_seconds', help: 'Time a job waited queued before it was leased to a device', registers: [registry],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
  });
  const onDispatch = (_job: unknown, waitedMs: number): void => dispatch.observe(Math.max(0, waitedMs) / 1000);
  farm.events.on('dispatch', onDispatch);
  return { registry, close: () => farm.events.off('dispatch', onDispatch) };
}
