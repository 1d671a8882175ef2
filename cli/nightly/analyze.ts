// Tonight's series against their baselines: verdicts with the false discovery rate controlled
// across the night (Benjamini-Hochberg), correctness failures kept out of the timings, noisy
// series marked unstable, and a change-point scan over each series' nightly history.

import type { NightPoint } from './history.js';
import type { SeriesIdentity, SeriesPoint } from './series.js';
import { changePoints, compareTrials, median, nightVerdicts, type Verdict } from './verdicts.js';

/** regression: confirmed by a rerun; suspected: significant tonight, not confirmed (or not yet
 * rerun); invalid: the jobs failed or their outputs were wrong, so they are not timings. */
export type SeriesStatus = 'regression' | 'suspected' | 'improvement' | 'no-change' | 'unstable' | 'insufficient-data' | 'invalid';

export interface Drift {
  /** The first night of the new level. */
  runId: string;
  at: string;
  beforeMs: number;
  afterMs: number;
  ratio: number;
}

export interface Confirmation {
  runId: string;
  deviceId: string;
  unit: string;
  verdict: Verdict;
  confirmed: boolean;
}

export interface SeriesReport extends SeriesIdentity {
  key: string;
  status: SeriesStatus;
  problem: string | null;
  trials: number[];
  baselineTrials: number;
  baselineNights: number;
  verdict: Verdict | null;
  discovery: boolean;
  confirmation: Confirmation | null;
  drift: Drift | null;
}

export interface AnalyzeOptions {
  q: number;
  minEffectPct: number;
  maxNoisePct: number;
}

/** The baseline of one series: its past nights (window) or one named run's trials. */
export type BaselineOf = (key: string) => NightPoint[];

export function analyzeNight(points: readonly SeriesPoint[], baselineOf: BaselineOf, options: AnalyzeOptions): { series: SeriesReport[]; expectedFalseAlarms: number; judged: number } {
  // Each series alone first: the suite's noise limit and the data there is decide which series
  // can be judged at all; only those enter the night's false-discovery control.
  const own = new Map(points.filter((p) => p.problem === null && p.trials.length > 0).map((p) => [p.key,
    compareTrials(baselineOf(p.key).flatMap((n) => n.trials), p.trials, { minEffectPct: options.minEffectPct, alpha: 1, maxNoisePct: options.maxNoisePct })]));
  const judged = points.filter((p) => {
    const kind = own.get(p.key)?.kind;
    return kind !== undefined && kind !== 'unstable' && kind !== 'insufficient-data';
  });
  const night = nightVerdicts(judged.map((p) => ({ key: p.key, baseline: baselineOf(p.key).flatMap((n) => n.trials), candidate: p.trials })), { q: options.q, minEffectPct: options.minEffectPct });
  const byKey = new Map(night.results.map((r) => [r.key, r]));
  const series = points.map((p): SeriesReport => {
    const { jobIds: _jobs, ...identity } = p;
    const base = baselineOf(p.key);
    const report: SeriesReport = {
      ...identity, status: 'invalid', problem: p.problem, baselineTrials: base.reduce((s, n) => s + n.trials.length, 0), baselineNights: base.length,
      verdict: null, discovery: false, confirmation: null, drift: null,
    };
    const alone = own.get(p.key);
    if (p.problem !== null || alone === undefined) return { ...report, problem: p.problem ?? 'no timings' };
    const r = byKey.get(p.key);
    if (r === undefined) return { ...report, status: alone.kind as SeriesStatus, verdict: alone };
    const effect = options.minEffectPct / 100;
    const discovery = r.discovery && Math.abs(r.verdict.ratio - 1) > effect;
    const status: SeriesStatus = !discovery ? 'no-change' : r.verdict.ratio > 1 ? 'suspected' : 'improvement';
    return { ...report, status, verdict: { ...r.verdict, noisePct: alone.noisePct }, discovery };
  });
  return { series, expectedFalseAlarms: night.expectedFalseAlarms, judged: judged.length };
}

/** A rerun's trials against the same baseline: the regression stands when it is still one. */
export function confirm(report: SeriesReport, baseline: readonly number[], rerun: readonly number[], options: AnalyzeOptions): { verdict: Verdict; confirmed: boolean } {
  const verdict = compareTrials(baseline, rerun, { minEffectPct: options.minEffectPct, alpha: options.q, maxNoisePct: options.maxNoisePct });
  return { verdict, confirmed: verdict.kind === 'regression' && report.status === 'suspected' };
}

/** The latest level shift in a series' nightly medians (history plus tonight), or null. */
export function driftOf(nights: readonly NightPoint[], minSize = 3): Drift | null {
  const medians = nights.map((n) => median(n.trials));
  if (medians.length < 2 * minSize) return null;
  const cuts = changePoints(medians, { minSize });
  const at = cuts.at(-1);
  if (at === undefined) return null;
  const before = median(medians.slice(cuts.at(-2) ?? 0, at));
  const after = median(medians.slice(at));
  return { runId: nights[at]!.runId, at: nights[at]!.at, beforeMs: before, afterMs: after, ratio: after / before };
}
