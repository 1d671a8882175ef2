// Runs, newest first, with live progress for the ones still running and a cancel button.

import { events, get, post } from '../api.js';
import { h } from '../dom.js';

export interface RunSummary {
  id: string; label: string; state: string; createdMs: number; total: number; done: number; failed: number; unschedulable: number; cancelled: number;
}

export const finishedOf = (r: RunSummary): number => r.done + r.failed + r.unschedulable + r.cancelled;
export const stateOf = (r: RunSummary): string => r.state.replace('RUN_STATE_', '').toLowerCase();

export function progressCell(r: RunSummary): HTMLElement {
  return h('span', { class: 'progress', 'data-run': r.id }, h('progress', { max: String(r.total), value: String(finishedOf(r)) }),
    ` ${finishedOf(r)} / ${r.total}`, r.failed > 0 ? h('span', { class: 'failed' }, ` (${r.failed} failed)`) : null);
}

export function cancelButton(r: RunSummary, after: () => void): HTMLElement | null {
  if (stateOf(r) !== 'running') return null;
  const button = h('button', { class: 'cancel' }, 'cancel');
  button.addEventListener('click', () => {
    post(`/api/v1/runs/${r.id}/cancel`).then(after, (e: unknown) => alert((e as Error).message));
  });
  return button;
}

export async function runsPage(app: HTMLElement, signal: AbortSignal): Promise<void> {
  const { runs } = await get<{ runs: RunSummary[] }>('/api/v1/runs?limit=100');
  const body = h('tbody');
  const rowOf = (r: RunSummary): HTMLElement => h('tr', { 'data-run': r.id },
    h('td', {}, h('a', { href: `#/runs/${r.id}` }, r.id.slice(0, 8))), h('td', {}, r.label), h('td', { class: 'state' }, stateOf(r)),
    h('td', {}, new Date(r.createdMs).toLocaleString()), h('td', {}, progressCell(r)), h('td', {}, cancelButton(r, () => undefined)));
  for (const r of runs) {
    const row = rowOf(r);
    body.append(row);
    if (stateOf(r) === 'running') {
      let live = row;
      void events(`/api/v1/runs/${r.id}/events`, (name, data) => {
        if (name !== 'run') return;
        const next = rowOf(data as RunSummary);
        live.replaceWith(next);
        live = next;
      }, signal).catch(() => undefined);
    }
  }
  app.append(h('h1', {}, 'Runs'), h('table', { id: 'runs' },
    h('thead', {}, h('tr', {}, ...['run', 'label', 'state', 'submitted', 'progress', ''].map((t) => h('th', {}, t)))), body));
}
