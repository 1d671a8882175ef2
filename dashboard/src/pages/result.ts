// One result: statistics, the distribution of its raw samples (histogram) and their order
// (a drift shows), and the conditions the device reported.

import uPlot from 'uplot';
import { get } from '../api.js';
import { bytes, h, ms, table } from '../dom.js';
import { opProfileSection } from './ops.js';

interface Result {
  jobId: string; runId: string; program: string; method: string; deviceId: string; config: string; status: string; correctness: string | null;
  samplesMs: number[]; stats: { n: number; min: number; p50: number; p90: number; p99: number; mean: number; stddev: number } | null;
  peakRssBytes: number | null; plannedBytes: number | null; loadMs: number | null; initMs: number | null; conditions: unknown; problem: string;
}

function histogram(samples: number[], bins: number): [number[], number[]] {
  // A loop, not Math.min(...samples): a time-boxed run of a microsecond program holds ~10^5
  // samples, more arguments than a call stack takes.
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of samples) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const s of samples) counts[Math.min(bins - 1, Math.floor((s - lo) / width))]! += 1;
  return [counts.map((_, i) => lo + (i + 0.5) * width), counts];
}

export async function resultPage(jobId: string, app: HTMLElement): Promise<void> {
  const r = await get<Result>(`/api/v1/results/${jobId}`);
  const s = r.stats;
  app.append(h('h1', {}, `${r.program} on ${r.deviceId}`),
    h('p', {}, h('a', { href: `#/runs/${r.runId}` }, 'back to the run'), ` · ${r.method} · ${r.config} · ${r.status} · correctness ${r.correctness ?? '–'}`),
    r.problem ? h('p', { class: 'failed' }, r.problem) : '',
    r.correctness === 'failed' ? h('p', { class: 'failed', id: 'invalid' }, 'A correctness check failed: this result is not a timing (no statistics, left out of trends and comparisons).') : '',
    table(['n', 'min', 'p50', 'p90', 'p99', 'mean', 'stddev', 'peak memory', 'planned', 'load', 'init'], [[
      s?.n ?? 0, ms(s?.min), ms(s?.p50), ms(s?.p90), ms(s?.p99), ms(s?.mean), ms(s?.stddev), bytes(r.peakRssBytes), bytes(r.plannedBytes), ms(r.loadMs), ms(r.initMs),
    ]], { id: 'stats' }));
  const width = Math.min(900, app.clientWidth - 20);
  if (r.samplesMs.length > 0) {
    const [x, y] = histogram(r.samplesMs, Math.min(40, Math.max(5, Math.ceil(Math.sqrt(r.samplesMs.length)))));
    const dist = h('div', { id: 'distribution' });
    app.append(h('h2', {}, 'Sample distribution'), dist);
    new uPlot({ width, height: 220, scales: { x: { time: false } }, series: [{ label: 'ms' }, { label: 'samples', stroke: '#36c', fill: '#36c4', paths: uPlot.paths.bars!({ size: [0.9] }) }] },
      [x, y], dist);
    const order = h('div', { id: 'samples' });
    app.append(h('h2', {}, 'Samples in order'), order);
    new uPlot({ width, height: 180, scales: { x: { time: false } }, series: [{ label: 'execute' }, { label: 'ms', stroke: '#c63', points: { show: true } }] },
      [r.samplesMs.map((_, i) => i + 1), r.samplesMs], order);
  }
  app.append(h('h2', {}, 'Conditions'), h('pre', { id: 'conditions' }, JSON.stringify(r.conditions, null, 2)), await opProfileSection(jobId));
}
