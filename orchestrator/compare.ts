// `etbench compare RUN_A RUN_B`: per series (program, method, device, config) present in both
// runs, the trial-level comparison of B against A (orchestrator/verdicts) and Benjamini-Hochberg
// across the comparison's series. Kept apart from the gRPC glue in services/bench-service.ts.

import type { CompareRequest, CompareResponse, Job, JobResult, SeriesComparison } from '../proto/index.js';
import type { Farm } from './farm.js';
import { nearestRank } from './stats.js';
import { median, nightVerdicts, VERDICT_DEFAULTS } from './verdicts/index.js';

const DEFAULT_Q = 0.05;

/**
 * The trial medians of one result (contract 1 of issue 10): the runner's `trials` records when
 * the agent ran trials, otherwise the whole result is one trial whose value is the median of its
 * samples. The integrator may replace this with trialMedians() from orchestrator/trials.ts.
 */
export function resultTrialMedians(result: JobResult): number[] {
  if (result.trialsJson !== '') {
    try {
      const trials = JSON.parse(result.trialsJson) as unknown;
      if (Array.isArray(trials)) {
        const medians = trials.map((t) => (t !== null && typeof t === 'object' ? (t as { median_ms?: unknown }).median_ms : undefined));
        if (medians.length > 0 && medians.every((m): m is number => typeof m === 'number' && Number.isFinite(m) && m > 0)) return medians;
      }
    } catch {
      // Not JSON: fall back to the samples, as for a result without trials.
    }
  }
  // A median of 0 (no timer on the device) is no trial: verdicts need positive times.
  const m = result.samplesMs.length > 0 ? median(result.samplesMs) : NaN;
  return Number.isFinite(m) && m > 0 ? [m] : [];
}

type Key = Pick<SeriesComparison, 'program' | 'method' | 'deviceId' | 'configKey'>;

/** Valid results only: a failed run or a failed correctness check is never a timing. */
function valid(job: Job): JobResult | null {
  const r = job.result;
  if (r === undefined || r.status !== 1 || (r.correctnessChecked && !r.correctnessPassed)) return null;
  return r;
}

async function seriesOf(farm: Farm, runId: string): Promise<Map<string, { key: Key; samples: number[]; trials: number[] }>> {
  const map = new Map<string, { key: Key; samples: number[]; trials: number[] }>();
  for (const job of (await farm.runView(runId)).jobs) {
    const result = valid(job);
    if (result === null) continue;
    const key = { program: job.program?.name || job.program?.sha256 || '', method: job.method, deviceId: job.deviceId, configKey: JSON.stringify(job.config) };
    const id = JSON.stringify([job.program?.sha256, key.method, key.deviceId, key.configKey]);
    const entry = map.get(id) ?? { key, samples: [], trials: [] };
    entry.samples.push(...result.samplesMs);
    entry.trials.push(...resultTrialMedians(result));
    map.set(id, entry);
  }
  return map;
}

export async function compareRuns(farm: Farm, request: Pick<CompareRequest, 'runA' | 'runB' | 'minEffectPct' | 'fdrQ'>): Promise<CompareResponse> {
  const q = request.fdrQ > 0 ? request.fdrQ : DEFAULT_Q;
  const minEffectPct = request.minEffectPct > 0 ? request.minEffectPct : VERDICT_DEFAULTS.minEffectPct;
  const [a, b] = await Promise.all([seriesOf(farm, request.runA), seriesOf(farm, request.runB)]);
  const pairs: { key: Key; a: { samples: number[]; trials: number[] }; b: { samples: number[]; trials: number[] } }[] = [];
  for (const [id, entryA] of a) {
    const entryB = b.get(id);
    if (entryB === undefined || entryA.samples.length === 0 || entryB.samples.length === 0) continue;
    pairs.push({ key: entryA.key, a: entryA, b: entryB });
  }
  const night = nightVerdicts(pairs.map((p, i) => ({ key: String(i), baseline: p.a.trials, candidate: p.b.trials })), { q, minEffectPct });
  const series = pairs.map((p, i): SeriesComparison => {
    const { verdict, discovery } = night.results[i]!;
    // The pooled samples' medians keep the runner contract's nearest-rank definition.
    const medianAMs = nearestRank([...p.a.samples].sort((x, y) => x - y), 50);
    const medianBMs = nearestRank([...p.b.samples].sort((x, y) => x - y), 50);
    return {
      ...p.key, medianAMs, medianBMs, ratio: medianBMs / medianAMs,
      ciLo: verdict.ci[0], ciHi: verdict.ci[1], pValue: verdict.pValue, verdict: verdict.kind,
      trialsA: verdict.baselineTrials, trialsB: verdict.candidateTrials, noisePct: verdict.noisePct, discovery,
    };
  });
  return { series, expectedFalseAlarms: night.expectedFalseAlarms, fdrQ: q, minEffectPct };
}
