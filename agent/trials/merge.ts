// Several trials' outcomes as one job result: every raw sample kept (concatenated in trial order),
// the trial records (the shared trial-record contract) in trials_json and in the runner
// document's `trials`, and the document's latency summary recomputed over the trials.

import type { DriverOutcome } from '../drivers/driver.js';
import { median } from './stopping.js';

/** One process launch, as stored in trials_json (the contract every consumer reads). */
export interface TrialRecord {
  index: number;
  samples_ms: number[];
  median_ms: number;
  batch: number;
  conditions: Record<string, unknown> | null;
  waited_ms: number;
  /** Launch to exit, wall time. */
  duration_ms: number;
}

const nearestRank = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;

/**
 * The runner's latency summary over several trials: p50 is the median of the trial medians (the
 * replicate-level centre, what trial statistics compare); min, p90, p99, mean and stddev are over
 * every sample, with nearest-rank percentiles as in the runner contract.
 */
export function trialLatency(trials: readonly TrialRecord[]): Record<string, unknown> {
  const all = trials.flatMap((t) => t.samples_ms);
  const sorted = [...all].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return {
    samples: all, batch: trials[0]?.batch ?? 1, min: sorted[0] ?? 0, p50: median(trials.map((t) => t.median_ms)),
    p90: n === 0 ? 0 : nearestRank(sorted, 90), p99: n === 0 ? 0 : nearestRank(sorted, 99), mean, stddev: Math.sqrt(variance),
  };
}

const parse = (text: string): Record<string, unknown> | null => {
  if (text === '') return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
};

/**
 * The job's outcome from its trials' outcomes (all OK). Load and init are the medians over the
 * launches; peak RSS the largest; correctness passes only when it passed in every launch.
 * A single trial keeps etrun's own latency summary untouched.
 */
export function mergeTrials(outcomes: readonly DriverOutcome[], trials: readonly TrialRecord[]): DriverOutcome {
  const last = outcomes.at(-1)!;
  const first = outcomes[0]!;
  const conditions = trials[0]?.conditions ?? null;
  const document = parse(last.runnerJson);
  if (document !== null) {
    document['trials'] = trials;
    document['conditions'] = conditions;
    if (trials.length > 1) document['latency_ms'] = trialLatency(trials);
  }
  return {
    ...last,
    samplesMs: outcomes.flatMap((o) => o.samplesMs),
    batch: first.batch,
    correctnessChecked: outcomes.every((o) => o.correctnessChecked),
    correctnessPassed: outcomes.every((o) => o.correctnessPassed),
    loadMs: median(outcomes.map((o) => o.loadMs)),
    initMs: median(outcomes.map((o) => o.initMs)),
    peakRssBytes: Math.max(...outcomes.map((o) => o.peakRssBytes)),
    plannedBytes: first.plannedBytes,
    trialsJson: JSON.stringify(trials),
    conditionsJson: conditions === null ? '' : JSON.stringify(conditions),
    runnerJson: document === null ? last.runnerJson : JSON.stringify(document),
    durationMs: outcomes.reduce((a, o) => a + o.durationMs, 0),
  };
}

export { parse as parseJsonObject };
