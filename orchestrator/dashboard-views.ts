// The dashboard's read models, built from the store through the farm: the fleet with failure
// rates, a run as a matrix of program x device x config, one result with its raw samples, and
// trends per series. Plain JSON objects (numbers in ms and bytes), shaped for the web UI.

import { Device, Job, JobState, ResultStatus, Run, RunState } from '../proto/index.js';
import { RequestError, type Farm } from './farm.js';
import { computeStats } from './stats.js';

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
    samplesMs: r?.samplesMs ?? [], stats: job.stats ?? null,
    loadMs: r?.loadMs ?? null, initMs: r?.initMs ?? null, durationMs: r?.durationMs ?? null,
    conditions: parse(r?.conditionsJson), runner: parse(r?.runnerJson), problem: r?.problem ?? '',
    // The store keeps latency samples per execute, not per operator: no op profile yet.
    opProfile: null,
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
  /** 'regression' when ratio > threshold, 'improvement' when ratio < 1/threshold. */
  mark: 'regression' | 'improvement' | null;
}

/**
 * Series (program, method, device, config) over the newest `limit` runs, oldest first. Marks are
 * the fixed-threshold ratio of medians that `etbench compare --fail-on-regression --threshold` uses: trends
 * carry no verdicts (compare does, orchestrator/compare.ts). Results whose correctness failed are not timings.
 */
export async function trendsView(farm: Farm, limit: number, threshold: number): Promise<unknown> {
  const runs = (await farm.store.listRuns(limit)).reverse();
  const series = new Map<string, { program: string; method: string; deviceId: string; config: string; points: TrendPoint[] }>();
  for (const row of runs) {
    for (const job of (await farm.runView(row.id)).jobs) {
      const r = job.result;
      if (r === undefined || r.status !== ResultStatus.RESULT_STATUS_OK || (r.correctnessChecked && !r.correctnessPassed) || r.samplesMs.length === 0) continue;
      const cell = matrixCell(job);
      const id = JSON.stringify([job.program?.sha256, job.method, job.deviceId, JSON.stringify(job.config)]);
      let s = series.get(id);
      if (s === undefined) series.set(id, (s = { program: cell.program, method: job.method, deviceId: job.deviceId, config: cell.config, points: [] }));
      const stats = computeStats(r.samplesMs);
      const previous = s.points.at(-1);
      const ratio = previous === undefined ? null : stats.p50 / previous.p50Ms;
      const mark = ratio === null ? null : ratio > threshold ? 'regression' : ratio < 1 / threshold ? 'improvement' : null;
      s.points.push({ runId: row.id, createdMs: row.createdMs, jobId: job.id, p50Ms: stats.p50, p90Ms: stats.p90, peakRssBytes: Number(r.peakRssBytes), ratio, mark });
    }
  }
  return { threshold, method: 'ratio of p50 to the previous run of the series (fixed threshold, not statistical)', series: [...series.values()] };
}
