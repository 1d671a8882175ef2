// Trends: p50 and p90 per series over runs, with regressions and improvements marked. A mark is
// the server's verdict on trial medians against the points before it; where trials are too few
// to judge, it is the fixed ratio to the previous run (the server's threshold), and says so.

import uPlot from 'uplot';
import { get } from '../api.js';
import { bytes, h, ms, table } from '../dom.js';

interface Point {
  runId: string; createdMs: number; jobId: string; p50Ms: number; p90Ms: number; peakRssBytes: number; ratio: number | null; mark: string | null;
  basis: 'verdict' | 'ratio' | null; verdict: { kind: string; ratio: number; ci: [number, number]; pValue: number } | null;
}

/** The mark with what it rests on: the verdict's p and interval, or the fixed ratio. */
function markText(p: Point, threshold: number): string {
  if (p.mark === null) return p.verdict === null ? '' : 'no change';
  if (p.basis === 'verdict' && p.verdict !== null) {
    return `${p.mark} (p ${p.verdict.pValue.toPrecision(2)}, ratio ${p.verdict.ci[0].toFixed(3)}–${p.verdict.ci[1].toFixed(3)})`;
  }
  return `${p.mark} (fixed ${threshold}x ratio: too few trials to judge)`;
}
interface Series { program: string; method: string; deviceId: string; config: string; points: Point[] }

export async function trendsPage(app: HTMLElement): Promise<void> {
  const data = await get<{ threshold: number; method: string; series: Series[] }>('/api/v1/trends?runs=100');
  app.append(h('h1', {}, 'Trends'), h('p', {}, `Marked: ${data.method} (threshold ${data.threshold}x).`));
  const width = Math.min(900, app.clientWidth - 20);
  for (const s of data.series) {
    const section = h('section', { class: 'series' }, h('h2', {}, `${s.program} · ${s.method} on ${s.deviceId} · ${s.config}`));
    app.append(section);
    const x = s.points.map((p) => p.createdMs / 1000);
    const marked = (kind: string): (number | null)[] => s.points.map((p) => (p.mark === kind ? p.p50Ms : null));
    const chart = h('div', { class: 'chart' });
    section.append(chart);
    new uPlot({
      width, height: 200,
      series: [{}, { label: 'p50 ms', stroke: '#36c' }, { label: 'p90 ms', stroke: '#9ac' },
        { label: 'regression', stroke: '#c00', width: 0, points: { show: true, size: 10, fill: '#c00' } },
        { label: 'improvement', stroke: '#080', width: 0, points: { show: true, size: 10, fill: '#080' } }],
    }, [x, s.points.map((p) => p.p50Ms), s.points.map((p) => p.p90Ms), marked('regression'), marked('improvement')], chart);
    const rows = s.points.map((p) => [h('a', { href: `#/runs/${p.runId}` }, p.runId.slice(0, 8)), new Date(p.createdMs).toLocaleString(),
      h('a', { href: `#/results/${p.jobId}` }, ms(p.p50Ms)), ms(p.p90Ms), bytes(p.peakRssBytes), p.ratio === null ? '–' : `${p.ratio.toFixed(3)}x`, markText(p, data.threshold)]);
    const t = table(['run', 'when', 'p50', 'p90', 'memory', 'vs previous', 'mark'], rows, { class: 'trend' });
    t.querySelectorAll('tbody tr').forEach((tr, i) => {
      const mark = s.points[i]!.mark;
      if (mark !== null) tr.classList.add(mark);
    });
    section.append(t);
  }
  if (data.series.length === 0) app.append(h('p', {}, 'No successful results yet.'));
}
