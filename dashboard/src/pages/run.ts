// One run as a matrix: a row per program, method and config, a column per device; each cell
// p50 / p90, peak memory and correctness, linking to the result. Cells update live.

import { events, get } from '../api.js';
import { bytes, h, ms } from '../dom.js';
import { cancelButton, progressCell, stateOf, type RunSummary } from './runs.js';

export interface Cell {
  jobId: string; program: string; method: string; deviceId: string; config: string; state: string; status: string;
  p50Ms: number | null; p90Ms: number | null; samples: number; peakRssBytes: number | null; correctness: string | null; reason: string;
}

function cellContent(c: Cell): HTMLElement {
  const state = c.state.replace('JOB_STATE_', '').toLowerCase();
  if (c.p50Ms === null) return h('span', { class: state === 'failed' ? 'failed' : '' }, state, c.reason ? ` — ${c.reason}` : '');
  return h('a', { href: `#/results/${c.jobId}`, class: 'cell' },
    `p50 ${ms(c.p50Ms)} · p90 ${ms(c.p90Ms)}`, h('br'), `mem ${bytes(c.peakRssBytes)} · `,
    h('span', { class: c.correctness ?? '' }, c.correctness ?? ''));
}

export async function runPage(runId: string, app: HTMLElement, signal: AbortSignal): Promise<void> {
  const run = await get<RunSummary & { cells: Cell[] }>(`/api/v1/runs/${runId}/matrix`);
  const devices = [...new Set(run.cells.map((c) => c.deviceId))].sort();
  const rowKey = (c: Cell): string => [c.program, c.method, c.config].filter((x) => x !== '').join(' · ');
  const rows = [...new Set(run.cells.map(rowKey))];
  const slots = new Map<string, HTMLElement>();
  const matrix = h('table', { id: 'matrix' }, h('thead', {}, h('tr', {}, h('th', {}, 'program · method · config'), ...devices.map((d) => h('th', {}, d)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, h('th', {}, r), ...devices.map((d) => {
      const td = h('td', { 'data-device': d });
      slots.set(`${r}\n${d}`, td);
      return td;
    })))));
  const put = (c: Cell): void => slots.get(`${rowKey(c)}\n${c.deviceId}`)?.replaceChildren(cellContent(c));
  run.cells.forEach(put);
  const summary = h('p', { id: 'run-summary' });
  const showSummary = (r: RunSummary): void => summary.replaceChildren(`${r.label || r.id} — ${stateOf(r)} `, progressCell(r), ' ',
    cancelButton(r, () => undefined) ?? '');
  showSummary(run);
  app.append(h('h1', {}, `Run ${run.id.slice(0, 8)}`), summary, matrix);
  if (stateOf(run) === 'running') {
    void events(`/api/v1/runs/${runId}/events`, (name, data) => {
      if (name === 'job') put(data as Cell);
      else if (name === 'run') showSummary(data as RunSummary);
    }, signal).catch(() => undefined);
  }
}
