// Trial-level statistics. A trial is one process launch of the runner (agent/trials/); its
// samples are not independent of each other (same process, same caches, same clock state), so
// comparisons and the headline median work on trial medians, while every raw sample stays stored
// and the tail percentiles are taken over all of them.
//
//   const medians = trialMedians(job.result);     // [m0, m1, ...]; a result without trials: [median(samples)]
//   const s = trialStats(job.result);             // { trials, median_ms, trimmed_mean_ms, p90_ms, p99_ms, ci_ms, ... }
//
// What Stats (Job.stats, `etbench results`, the dashboard) shows: with two or more trials, p50
// is the median of trial medians; n, min, p90, p99, mean and stddev are over every sample. With
// one trial (or none recorded) every field is over the samples, as before trials existed.

import { TrialPolicyError, compileTrialPolicy, median, medianInterval, type TrialRecord } from '../agent/trials/index.js';

export { median };
import type { JobResult, Stats, TrialPolicy } from '../proto/index.js';
import { RequestError } from './errors.js';
import { computeStats, nearestRank } from './stats.js';
import { trimmedMean } from './verdicts/index.js';

export { trimmedMean };

/** One trial as stored in trials_json (the shared trial-record contract; written by agent/trials). */
export type StoredTrial = Omit<TrialRecord, 'duration_ms'> & { duration_ms?: number };

type ResultLike = Pick<JobResult, 'trialsJson' | 'samplesMs'>;

/** The trial records of a result; [] when it has none (or they cannot be read). */
export function trialsOf(result: Pick<JobResult, 'trialsJson'> | undefined | null): StoredTrial[] {
  if (result == null || result.trialsJson === '') return [];
  try {
    const parsed = JSON.parse(result.trialsJson) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((t): t is StoredTrial => typeof t === 'object' && t !== null && Number.isFinite((t as StoredTrial).median_ms));
  } catch {
    return [];
  }
}

/**
 * Per-trial medians of a result, in trial order. A result without trial records counts as one
 * trial whose median is the median of its samples; a result without samples has none.
 */
export function trialMedians(result: ResultLike | undefined | null): number[] {
  if (result == null) return [];
  const trials = trialsOf(result);
  if (trials.length > 0) return trials.map((t) => t.median_ms);
  return result.samplesMs.length > 0 ? [median(result.samplesMs)] : [];
}

export interface TrialStats {
  trials: number;
  median_ms: number;
  /** 10% trimmed mean of the trial medians. */
  trimmed_mean_ms: number;
  /** Nearest-rank percentiles over every sample of every trial. */
  p90_ms: number;
  p99_ms: number;
  /** Distribution-free 95% interval of the median of trial medians; null below 6 trials. */
  ci_ms: [number, number] | null;
  /** Spread of the trial medians: (max - min) / median, percent. */
  spread_pct: number;
  /** Total time the conditions gate waited before the trials. */
  waited_ms: number;
}

/** Trial-level statistics of a result; null when it has no samples. */
export function trialStats(result: ResultLike | undefined | null): TrialStats | null {
  const medians = trialMedians(result);
  if (medians.length === 0 || result == null) return null;
  const all = [...result.samplesMs].sort((a, b) => a - b);
  const m = median(medians);
  const ci = medianInterval(medians);
  return {
    trials: medians.length, median_ms: m, trimmed_mean_ms: trimmedMean(medians),
    p90_ms: all.length > 0 ? nearestRank(all, 90) : NaN, p99_ms: all.length > 0 ? nearestRank(all, 99) : NaN,
    ci_ms: ci === null ? null : [ci.lo, ci.hi], spread_pct: m > 0 ? ((Math.max(...medians) - Math.min(...medians)) / m) * 100 : 0,
    waited_ms: trialsOf(result).reduce((a, t) => a + (Number.isFinite(t.waited_ms) ? t.waited_ms : 0), 0),
  };
}

/** Job.stats for a result: the samples' statistics with p50 the median of trial medians once there are two or more trials. */
export function resultStats(result: ResultLike, samples: readonly number[]): Stats {
  const stats = computeStats(samples);
  const medians = trialMedians(result);
  return medians.length >= 2 ? { ...stats, p50: median(medians) } : stats;
}

/**
 * Job.stats of a stored result. Retention compacts the sample rows to a summary, but trial
 * records keep their samples in trials_json, so a result with trials is still summarised the
 * trial way after compaction.
 */
export function storedStats(stored: { result: ResultLike; samples: readonly number[]; summary: Stats | null }): Stats | undefined {
  if (stored.samples.length > 0) return resultStats(stored.result, stored.samples);
  const fromTrials = trialsOf(stored.result).flatMap((t) => (Array.isArray(t.samples_ms) ? t.samples_ms : []));
  if (fromTrials.length > 0) return resultStats(stored.result, fromTrials);
  return stored.summary ?? undefined;
}

/**
 * Checks a submitted trial policy the way the agent will compile it.
 * @throws RequestError naming the field that is out of range.
 */
export function checkTrialPolicy(policy: TrialPolicy | undefined): void {
  try {
    compileTrialPolicy(policy);
  } catch (e) {
    if (e instanceof TrialPolicyError) throw new RequestError(e.message);
    throw e;
  }
}
