// Fleet: every device the orchestrator knows, live state, current job and failure rate.

import { get } from '../api.js';
import { ago, bytes, h, table } from '../dom.js';

interface FleetDevice {
  id: string; kind?: string; state?: string; os?: string; arch?: string; cpuModel?: string; cores?: number; memoryBytes?: string;
  agentId?: string; lastSeenMs?: string; currentJobId: string | null; results: number; failed: number; failureRate: number | null;
}

export async function fleetPage(app: HTMLElement): Promise<void> {
  const { devices } = await get<{ devices: FleetDevice[] }>('/api/v1/fleet');
  app.append(h('h1', {}, 'Fleet'), table(
    ['device', 'kind', 'state', 'os / arch', 'cpu', 'memory', 'agent', 'current job', 'last seen', 'failure rate'],
    devices.map((d) => [
      d.id, d.kind ?? '', (d.state ?? '').replace('DEVICE_STATE_', '').toLowerCase(), `${d.os ?? ''} / ${d.arch ?? ''}`,
      `${d.cpuModel ?? ''}${d.cores ? ` (${d.cores} cores)` : ''}`, bytes(Number(d.memoryBytes ?? 0)), d.agentId ?? '',
      d.currentJobId === null ? '–' : h('a', { href: `#/results/${d.currentJobId}` }, d.currentJobId.slice(0, 8)),
      ago(Number(d.lastSeenMs ?? 0)),
      d.failureRate === null ? 'no results' : `${(d.failureRate * 100).toFixed(1)} % of ${d.results}`,
    ]),
    { id: 'fleet' },
  ));
}
