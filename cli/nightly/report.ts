// The night's report for people (markdown, for CI logs) and the webhook payload (JSON).

import type { SeriesReport } from './analyze.js';
import type { NightReport } from './night.js';

const STATUS_TEXT: Record<SeriesReport['status'], string> = {
  regression: 'REGRESSION (confirmed)', suspected: 'suspected regression, not confirmed by the rerun', improvement: 'improvement',
  'no-change': 'no change', unstable: 'unstable (too noisy to judge; not alerted)', 'insufficient-data': 'not enough baseline yet', invalid: 'INVALID (not a timing)',
};

const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');
const pct = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%` : '-');

function row(s: SeriesReport): string {
  const v = s.verdict;
  const median = s.trials.length > 0 ? [...s.trials].sort((a, b) => a - b)[s.trials.length >> 1]! : NaN;
  const ci = v === null || !Number.isFinite(v.ci[0]) ? '-' : `${pct(v.ci[0])} .. ${pct(v.ci[1])}`;
  const what = s.status === 'invalid' ? `${STATUS_TEXT.invalid}: ${s.problem ?? ''}` : STATUS_TEXT[s.status];
  const cells = [s.program, s.method || 'default', s.deviceId, ms(median), v === null ? '-' : pct(v.ratio), ci, v === null ? '-' : v.pValue.toPrecision(2),
    v === null ? '-' : `${v.noisePct.toFixed(1)}%`, `${s.trials.length} / ${s.baselineTrials} (${s.baselineNights} night${s.baselineNights === 1 ? '' : 's'})`, what];
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

export function renderMarkdown(r: NightReport): string {
  const lines = [
    `## Nightly ${r.suite}: run ${r.runId}`,
    '',
    `${r.at}. ${r.series.length} series; baseline ${'window' in r.baseline ? `the last ${r.baseline.window} nights of each series` : `run ${r.baseline.run}`}; `
      + `false discovery rate q = ${r.q}, minimum effect ${r.minEffectPct}%, noise limit ${r.maxNoisePct}%.`,
    `Expected false alarms tonight: ${r.expectedFalseAlarms.toFixed(2)} (Benjamini-Hochberg at q = ${r.q} over the ${r.judged} series judged; ${r.series.filter((s) => s.discovery).length} discoveries).`,
    '',
    `**${r.counts.regression} confirmed regression${r.counts.regression === 1 ? '' : 's'}**, ${r.counts.suspected} unconfirmed, ${r.counts.improvement} improvements, ${r.counts['no-change']} unchanged, `
      + `${r.counts.unstable} unstable, ${r.counts['insufficient-data']} without enough baseline, ${r.counts.invalid} invalid.`,
    '',
    '| program | method | device | median ms | change | 95% CI | p | noise | trials / baseline | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.series.map(row),
  ];
  const confirmations = r.series.filter((s) => s.confirmation !== null);
  if (confirmations.length > 0) {
    lines.push('', '### Reruns of suspected regressions', '');
    for (const s of confirmations) {
      const c = s.confirmation!;
      lines.push(`- ${s.program} ${s.method || 'default'} on ${s.deviceId}: rerun ${c.runId} on ${c.deviceId}${c.unit === s.unit ? ' (same unit: the farm has no second one of this model)' : ''}: `
        + `${pct(c.verdict.ratio)}, ${c.verdict.kind}: ${c.confirmed ? 'confirmed' : 'not confirmed'}.`);
    }
  }
  const drifts = r.series.filter((s) => s.drift !== null);
  if (drifts.length > 0) {
    lines.push('', '### Slow drifts (change points in the nightly history)', '');
    for (const s of drifts) {
      const d = s.drift!;
      lines.push(`- ${s.program} ${s.method || 'default'} on ${s.deviceId}: level changed at run ${d.runId} (${d.at.slice(0, 10)}): ${ms(d.beforeMs)} -> ${ms(d.afterMs)} ms (${pct(d.ratio)}).`);
    }
  }
  return `${lines.join('\n')}\n`;
}
