// How `etbench compare` shows a CompareResponse and which series fail --fail-on-regression.

import type { CompareResponse, SeriesComparison } from '../../proto/index.js';
import { NONE, formatMs, renderGrid } from './grid.js';

const fixed = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : NONE);

function pText(p: number): string {
  if (!Number.isFinite(p)) return NONE;
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

export function compareTable(response: CompareResponse): string {
  const confidence = Math.round((1 - response.fdrQ) * 100);
  const grid = renderGrid(
    ['program', 'method', 'device', 'median A ms', 'median B ms', 'B/A', `${confidence}% CI`, 'p', 'trials A/B', 'noise %', 'verdict'],
    response.series.map((s) => [
      s.program, s.method || NONE, s.deviceId, formatMs(s.medianAMs), formatMs(s.medianBMs), s.ratio.toFixed(3),
      Number.isFinite(s.ciLo) ? `${s.ciLo.toFixed(3)}-${s.ciHi.toFixed(3)}` : NONE, pText(s.pValue), `${s.trialsA}/${s.trialsB}`,
      fixed(s.noisePct, 1), verdictText(s),
    ]),
  );
  const alerts = response.series.filter((s) => s.discovery).length;
  return `${grid}verdicts on trial medians (Mann-Whitney U, bootstrap CI of the ratio, min effect ${response.minEffectPct} %); ` +
    `FDR q=${response.fdrQ} across ${response.series.length} series: ${alerts} alert(s), expected false alarms ${response.expectedFalseAlarms.toFixed(2)}\n`;
}

/** The verdict; a regression or improvement that Benjamini-Hochberg did not keep is marked so. */
function verdictText(s: SeriesComparison): string {
  if ((s.verdict === 'regression' || s.verdict === 'improvement') && !s.discovery) return `${s.verdict} (not kept by FDR)`;
  return s.verdict || NONE;
}

/**
 * Series that fail --fail-on-regression: a 'regression' verdict kept by Benjamini-Hochberg; and
 * the old ratio gate: every series above an explicit --threshold, or, without one, a series that
 * cannot be judged ('insufficient-data': fewer than 3 trials a side) whose B/A exceeds 1.10.
 */
export function failingSeries(series: readonly SeriesComparison[], threshold: number | undefined): { regressed: string[]; overThreshold: string[]; limit: number } {
  const name = (s: SeriesComparison): string => `${s.program} ${s.method || 'default'} on ${s.deviceId}: ${s.ratio.toFixed(3)}x`;
  const limit = threshold ?? 1.1;
  const regressed = series.filter((s) => s.verdict === 'regression' && s.discovery);
  const overThreshold = series.filter((s) => !regressed.includes(s) && s.ratio > limit && (threshold !== undefined || s.verdict === 'insufficient-data'));
  return {
    regressed: regressed.map((s) => `${name(s)} (CI ${s.ciLo.toFixed(3)}-${s.ciHi.toFixed(3)}, p ${pText(s.pValue)})`),
    overThreshold: overThreshold.map(name),
    limit,
  };
}
