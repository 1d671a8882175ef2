// The dashboard's read models, built from the store through the farm: the fleet with failure
// rates, a run as a matrix of program x device x config, one result with its raw samples, and
// trends per series. Plain JSON objects (numbers in ms and bytes), shaped for the web UI.

import { Device, Job, JobState, ResultStatus, Run, RunState } from '../proto/index.js';
import { RequestError, type Farm } from './farm.js';
import { computeStats } from './stats.js';
import { trialMedians, trialStats } from './trials.js';
import { validTiming } from './valid-timing.js';
import { compareTrials } from './verdicts/index.js';

export interface MatrixCell {
  jobId: string;
  program: string;
  method: string;
  deviceId: string;
  config: string;
  state: string;
  status: string;
  p50Ms: number | null;
  p90Ms: number | null;
  samples: number;
  peakRssBytes: number | null;
  plannedBytes: number | null;
  /** 'passed', 'failed' or 'unchecked' (no reference output); null without a result. */
  correctness: 'passed' | 'failed' | 'unchecked' | null;
  reason: string;
}

const configLabel = (job: Job): string => {
  const c = job.config;
  if (c === undefined) return 'default';
  const parts = [c.kernels || 'portable'];
  if (c.backends.length > 0) parts.push(c.backends.join('+'));
  if (c.threads > 0) parts.push(`${c.threads}t`);
  return parts.join(' ');
};

export function matrixCell(job: Job): MatrixCell {
  const r = job.result;
  return {
    jobId: job.id, program: job.program?.name || job.program?.sha256.slice(0, 12) || '?', method: job.method, deviceId: job.deviceId,
    config: configLabel(job), state: JobState[job.state] ?? String(job.state), status: r === undefined ? '' : ResultStatus[r.status] ?? String(r.status),
    p50Ms: job.stats?.p50 ?? null, p90Ms: job.stats?.p90 ?? null, samples: job.stats?.n ?? 0,
    peakRssBytes: r === undefined ? null : Number(r.peakRssBytes), plannedBytes: r === undefined ? null : Number(r.plannedBytes),
    correctness: r === undefined ? null : !r.correctnessChecked ? 'unchecked' : r.correctnessPassed ? 'passed' : 'failed',
    reason: job.reason,
  };
}

/** Devices with their live state, current job and failure rate over their accepted results. */
export async function fleetView(farm: Farm): Promise<unknown[]> {
  const activity = new Map((await farm.store.deviceActivity()).map((a) => [a.deviceId, a]));
  return (await farm.devices()).map((d) => {
    const a = activity.get(d.id);
    return {
      ...(Device.toJSON(d) as object),
      currentJobId: a?.currentJobId ?? null,
      results: a?.results ?? 0,
      failed: a?.failed ?? 0,
      failureRate: a === undefined || a.results === 0 ? null : a.failed / a.results,
    };
  });
}

export function runSummary(run: Run): unknown {
  return {
    id: run.id, label: run.label, state: RunState[run.state] ?? String(run.state), createdMs: run.createdMs,
    total: run.total, done: run.done, failed: run.failed, unschedulable: run.unschedulable, cancelled: run.cancelled,
  };
}

export async function runMatrix(farm: Farm, runId: string): Promise<unknown> {
  const run = await farm.runView(runId);
  return { ...(runSummary(run) as object), cells: run.jobs.map(matrixCell) };
}

/** One job's accepted result with every raw sample, its statistics and its conditions. */
export async function resultView(farm: Farm, jobId: string): Promise<unknown> {
  const row = await farm.store.getJob(jobId);
  if (row === null) throw new RequestError(`no job '${jobId}'`, 'not-found');
  const job = await farm.jobView(row);
  const r = job.result;
  const parse = (text: string | undefined): unknown => {
    if (text === undefined || text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  return {
    ...matrixCell(job), runId: job.runId, attempt: job.attempt,
    samplesMs: r?.samplesMs ?? [], stats: job.stats ?? null, trialStats: trialStats(r ?? null), trialMedians: trialMedians(r ?? null),
    loadMs: r?.loadMs ?? null, initMs: r?.initMs ?? null, durationMs: r?.durationMs ?? null,
    conditions: parse(r?.conditionsJson), runner: parse(r?.runnerJson), problem: r?.problem ?? '',
    // Per-operator times, when the run was profiled: /api/v1/results/JOB/ops.
    validTiming: validTiming(r),
  };
}

export interface TrendPoint {
  runId: string;
  createdMs: number;
  jobId: string;
  p50Ms: number;
  p90Ms: number;
  peakRssBytes: number;
  /** p50 over the previous point's p50; null for the first point. */
  ratio: number | null;
  /** What the mark rests on: a verdict on trial medians, or the fixed ratio when trials are too few. */
  basis: 'verdict' | 'ratio' | null;
  /** The verdict against the series' window before this point, when there was one to judge. */
  verdict: { kind: string; ratio: number; ci: [number, number]; pValue: number } | null;
  mark: 'regression' | 'improvement' | 'unstable' | null;
}

/** Points of a series whose trial medians form the baseline of the next point. */
const TREND_WINDOW = 5;

/**
 * Series (program, method, device, config) over the newest `limit` runs, oldest first. Each
 * point is judged against the trial medians of up to TREND_WINDOW points before it with the
 * verdicts library (Mann-Whitney plus a minimum effect, as `etbench compare`); where either side
 * has fewer than 3 trials there is nothing to judge and the mark falls back to the fixed ratio
 * of p50s (`threshold`). Results whose correctness failed are not timings.
 */
export async function trendsView(farm: Farm, limit: number, threshold: number): Promise<unknown> {
  const runs = (await farm.store.listRuns(limit)).reverse();
  const series = new Map<string, { program: string; method: string; deviceId: string; config: string; points: TrendPoint[]; trials: number[][] }>();
  for (const row of runs) {
    for (const job of (await farm.runView(row.id)).jobs) {
      const r = job.result;
      if (!validTiming(r) || r.samplesMs.length === 0) continue;
      const cell = matrixCell(job);
      const id = JSON.stringify([job.program?.sha256, job.method, job.deviceId, JSON.stringify(job.config)]);
      let s = series.get(id);
      if (s === undefined) series.set(id, (s = { program: cell.program, method: job.method, deviceId: job.deviceId, config: cell.config, points: [], trials: [] }));
      const stats = job.stats ?? computeStats(r.samplesMs); // trial-aware: p50 is the median of trial medians (orchestrator/trials.ts)
      const previous = s.points.at(-1);
      const ratio = previous === undefined ? null : stats.p50 / previous.p50Ms;
      const candidate = trialMedians(r).filter((m) => m > 0);
      const baseline = s.trials.slice(-TREND_WINDOW).flat();
      const v = previous === undefined ? null : compareTrials(baseline, candidate);
      let point: Pick<TrendPoint, 'basis' | 'verdict' | 'mark'> = { basis: null, verdict: null, mark: null };
      if (v !== null && v.kind !== 'insufficient-data') {
        const mark = v.kind === 'no-change' ? null : v.kind;
        point = { basis: 'verdict', verdict: { kind: v.kind, ratio: v.ratio, ci: v.ci, pValue: v.pValue }, mark };
      } else if (ratio !== null) {
        point = { basis: 'ratio', verdict: null, mark: ratio > threshold ? 'regression' : ratio < 1 / threshold ? 'improvement' : null };
      }
      s.points.push({ runId: row.id, createdMs: row.createdMs, jobId: job.id, p50Ms: stats.p50, p90Ms: stats.p90, peakRssBytes: Number(r.peakRssBytes), ratio, ...point });
      s.trials.push(candidate);
    }
  }
  return {
    threshold, window: TREND_WINDOW,
    method: `verdict on trial medians against the previous ${TREND_WINDOW} points (orchestrator/verdicts); fixed ratio of p50s where either side has fewer than 3 trials`,
    series: [...series.values()].map(({ trials: _trials, ...rest }) => rest),
  };
}
