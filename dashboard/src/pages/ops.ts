// Op profiles: one result's time per operator (a section of the result page), one program's
// per-operator series across runs (#/ops?program=P&device=D), with the operators that got slower
// and any fallback from delegates to portable kernels at each step, and two results side by side
// (#/ops/compare?a=JOB&b=JOB).

import { get } from '../api.js';
import { h, ms, table } from '../dom.js';

interface OperatorTime { operator: string; kind: string; backend: string | null; instructions: number; calls: number; totalNs: number; msPerExecute: number; share: number }
interface OpProfile { executes: number; totalMsPerExecute: number; delegateFraction: number | null; operators: OperatorTime[] }
interface Ops { program: string; deviceId: string; profile: OpProfile | null; why: string | null }

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

/** The result page's op-profile section. */
export async function opProfileSection(jobId: string): Promise<HTMLElement> {
  const ops = await get<Ops>(`/api/v1/results/${jobId}/ops`);
  const section = h('section', { id: 'op-profile' }, h('h2', {}, 'Op profile'));
  const p = ops.profile;
  if (p === null) {
    section.append(h('p', {}, `No op profile: ${ops.why ?? 'not recorded'}.`));
    return section;
  }
  section.append(
    h('p', {}, `${p.executes} profiled executes (a launch of their own, after the timed one) · ${ms(p.totalMsPerExecute)} per execute · delegates ${pct(p.delegateFraction)} of the time · `,
      h('a', { href: `#/ops?program=${encodeURIComponent(ops.program)}&device=${encodeURIComponent(ops.deviceId)}` }, 'this program\'s operators over runs')),
    table(['operator', 'kind', 'backend', 'calls', 'total per execute', 'share'],
      p.operators.map((o) => [o.operator, o.kind, o.backend ?? '–', o.calls, ms(o.msPerExecute), pct(o.share)]), { id: 'ops' }));
  return section;
}

interface Delta { operator: string; baselineMs: number | null; candidateMs: number | null; ratio: number | null; change: string }
interface Point {
  runId: string; createdMs: number; jobId: string; totalMs: number; delegateFraction: number | null; operators: Record<string, number>;
  changes: { slower: Delta[]; fallback: { detected: boolean; newKernelOperators: string[] } } | null;
}
interface Drift { operator: string; runId: string; jobId: string; beforeMs: number; afterMs: number }
interface Series { program: string; method: string; deviceId: string; config: string; operators: string[]; points: Point[]; drifts: Drift[] }

/** #/ops?program=P&device=D: per-operator time across runs. */
export async function opSeriesPage(query: string, app: HTMLElement): Promise<void> {
  const params = new URLSearchParams(query);
  const { series } = await get<{ series: Series[] }>(`/api/v1/series/ops?${params.toString()}`);
  app.append(h('h1', {}, `Operators of ${params.get('program') ?? '?'}${params.get('device') ? ` on ${params.get('device')}` : ''}`));
  if (series.length === 0) app.append(h('p', {}, 'No profiled results of this program (runs submitted with --profile).'));
  for (const s of series) {
    const shown = s.operators.slice(0, 12);
    const rows = s.points.map((p, i) => {
      const slower = p.changes?.slower.map((d) => `${d.operator} ${d.ratio === null ? 'new' : `${d.ratio.toFixed(2)}x`}`).join(', ') ?? '';
      const fell = p.changes?.fallback.detected === true ? `fallback: ${p.changes.fallback.newKernelOperators.join(', ') || 'delegate share fell'}` : '';
      const previous = i > 0 ? s.points[i - 1]! : null;
      return [h('a', { href: `#/results/${p.jobId}` }, p.runId.slice(0, 12)), ms(p.totalMs), pct(p.delegateFraction),
        ...shown.map((o) => ms(p.operators[o])), [slower, fell].filter((x) => x !== '').join(' · '),
        previous === null ? '' : h('a', { href: `#/ops/compare?a=${previous.jobId}&b=${p.jobId}` }, 'side by side')];
    });
    const t = table(['run', 'total', 'delegates', ...shown, 'changes vs previous', ''], rows, { class: 'op-series' });
    t.querySelectorAll('tbody tr').forEach((tr, i) => {
      const c = s.points[i]!.changes;
      if (c !== null && (c.slower.length > 0 || c.fallback.detected)) tr.classList.add('regression');
    });
    app.append(h('h2', {}, `${s.program} · ${s.method || 'forward'} on ${s.deviceId} · ${s.config}`), t);
    if (s.drifts.length > 0) {
      app.append(h('ul', { class: 'drifts' }, ...s.drifts.map((d) => h('li', { class: d.afterMs > d.beforeMs ? 'failed' : 'passed' },
        `${d.operator}: ${ms(d.beforeMs)} → ${ms(d.afterMs)} from `, h('a', { href: `#/results/${d.jobId}` }, d.runId.slice(0, 12)), ' on (change point)'))));
    }
  }
}

interface Side { jobId: string; runId: string; program: string; deviceId: string; config: string; profile: OpProfile }
interface Compare {
  a: Side; b: Side; deltas: (Delta & { kind: string })[]; slower: Delta[];
  fallback: { detected: boolean; newKernelOperators: string[]; goneDelegates: string[]; baselineDelegateFraction: number | null; candidateDelegateFraction: number | null };
}

/** #/ops/compare?a=JOB&b=JOB: two results' operators side by side, B against A. */
export async function opComparePage(query: string, app: HTMLElement): Promise<void> {
  const params = new URLSearchParams(query);
  const c = await get<Compare>(`/api/v1/ops/compare?a=${encodeURIComponent(params.get('a') ?? '')}&b=${encodeURIComponent(params.get('b') ?? '')}`);
  const name = (s: Side): HTMLElement => h('a', { href: `#/results/${s.jobId}` }, `${s.program} on ${s.deviceId} (${s.runId.slice(0, 12)})`);
  app.append(h('h1', {}, 'Operators side by side'), h('p', {}, 'A: ', name(c.a), ' · B: ', name(c.b), ` · total ${ms(c.a.profile.totalMsPerExecute)} → ${ms(c.b.profile.totalMsPerExecute)}`,
    ` · delegates ${pct(c.fallback.baselineDelegateFraction)} → ${pct(c.fallback.candidateDelegateFraction)}`));
  if (c.fallback.detected) {
    app.append(h('p', { class: 'failed', id: 'fallback' }, `Falling back from delegates: ${[...c.fallback.newKernelOperators.map((o) => `${o} now a kernel`), ...c.fallback.goneDelegates.map((d) => `${d} no longer called`)].join(', ') || 'the delegate share fell'}.`));
  }
  const t = table(['operator', 'kind', 'A per execute', 'B per execute', 'B / A', 'change'],
    c.deltas.map((d) => [d.operator, d.kind, ms(d.baselineMs), ms(d.candidateMs), d.ratio === null ? '–' : `${d.ratio.toFixed(3)}x`, d.change]), { id: 'op-compare' });
  t.querySelectorAll('tbody tr').forEach((tr, i) => {
    const change = c.deltas[i]!.change;
    if (change === 'slower' || change === 'new') tr.classList.add('regression');
    if (change === 'faster') tr.classList.add('improvement');
  });
  app.append(t);
}
