// The dashboard's op-profile read models: one result's per-operator times
// (/api/v1/results/JOB/ops) and per-operator series across runs (/api/v1/series/ops), with the
// delegate share along the series and the operators that changed at each step (op-profile.ts).

import type { Job } from '../proto/index.js';
import { matrixCell } from './dashboard-views.js';
import { RequestError, type Farm } from './farm.js';
import { opDeltas, opProfileOf, type OpDeltaReport, type OpProfile } from './op-profile.js';
import { validTiming } from './valid-timing.js';
import { changePoints, median } from './verdicts/index.js';

function runnerDoc(job: Job): unknown {
  const text = job.result?.runnerJson ?? '';
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** One job's op profile; 404 for an unknown job, `profile: null` (with why) when it has none. */
export async function resultOpsView(farm: Farm, jobId: string): Promise<unknown> {
  const row = await farm.store.getJob(jobId);
  if (row === null) throw new RequestError(`no job '${jobId}'`, 'not-found');
  const job = await farm.jobView(row);
  const doc = runnerDoc(job);
  const profile = opProfileOf(doc);
  const why = profile !== null ? null : job.result === undefined ? 'the job has no result yet'
    : 'the run was not profiled (submit it with --profile, SubmitRunRequest.profile), or its profile launch failed (the agent logs why)';
  return { ...matrixCell(job), runId: job.runId, validTiming: validTiming(job.result), profile, why };
}

export interface OpSeriesPoint {
  runId: string;
  createdMs: number;
  jobId: string;
  totalMs: number;
  delegateFraction: number | null;
  /** ms per execute by operator (delegates by backend id). */
  operators: Record<string, number>;
  /** Against the previous point of the series; null for the first. */
  changes: Pick<OpDeltaReport, 'slower' | 'fallback'> | null;
}

export interface OpSeriesQuery {
  /** Program name or a sha256 prefix. */
  program: string;
  deviceId: string | null;
  method: string | null;
  runs: number;
}

/**
 * Per-operator time of one program over the newest `runs` runs, oldest first, one series per
 * (program, method, device, config). Only valid timings with an op profile are points.
 */
export async function opSeriesView(farm: Farm, q: OpSeriesQuery): Promise<unknown> {
  if (q.program === '') throw new RequestError('query parameter program is required (a program name or sha256 prefix)');
  const runs = (await farm.store.listRuns(q.runs)).reverse();
  const series = new Map<string, { program: string; sha256: string; method: string; deviceId: string; config: string; points: OpSeriesPoint[]; last: OpProfile | null }>();
  const wanted = (p: { name: string; sha256: string } | undefined): boolean =>
    p !== undefined && (p.name === q.program || (q.program.length >= 6 && p.sha256.startsWith(q.program)));
  for (const run of runs) {
    // Only runs that submitted the program are read job by job.
    if (!run.request.programs.some(wanted)) continue;
    for (const job of (await farm.runView(run.id)).jobs) {
      const p = job.program;
      if (p === undefined || !wanted(p)) continue;
      if ((q.deviceId !== null && job.deviceId !== q.deviceId) || (q.method !== null && job.method !== q.method)) continue;
      if (!validTiming(job.result)) continue;
      const profile = opProfileOf(runnerDoc(job));
      if (profile === null) continue;
      const cell = matrixCell(job);
      const id = JSON.stringify([p.sha256, job.method, job.deviceId, JSON.stringify(job.config)]);
      let s = series.get(id);
      if (s === undefined) series.set(id, (s = { program: cell.program, sha256: p.sha256, method: job.method, deviceId: job.deviceId, config: cell.config, points: [], last: null }));
      const changes = s.last === null ? null : (({ slower, fallback }) => ({ slower, fallback }))(opDeltas(s.last, profile));
      s.points.push({
        runId: run.id, createdMs: run.createdMs, jobId: job.id, totalMs: profile.totalMsPerExecute, delegateFraction: profile.delegateFraction,
        operators: Object.fromEntries(profile.operators.map((o) => [o.operator, o.msPerExecute])), changes,
      });
      s.last = profile;
    }
  }
  return { series: [...series.values()].map(({ last: _last, ...rest }) => {
    const operators = operatorNames(rest.points);
    return { ...rest, operators, drifts: operatorDrifts(rest.points, operators.slice(0, DRIFT_OPERATORS)) };
  }) };
}

/** Slow drifts are looked for in this many operators (the slowest); each costs a permutation test. */
const DRIFT_OPERATORS = 20;
/** Points on each side of a change point (verdicts' changePoints minSize). */
const DRIFT_MIN_SIZE = 5;

export interface OpDrift {
  operator: string;
  /** The first point of the new level. */
  runId: string;
  jobId: string;
  beforeMs: number;
  afterMs: number;
}

/**
 * Per-operator level shifts over the series (E-divisive change points, orchestrator/verdicts),
 * which catch an operator that got slower over several runs rather than in one step.
 */
export function operatorDrifts(points: readonly Pick<OpSeriesPoint, 'runId' | 'jobId' | 'operators'>[], operators: readonly string[]): OpDrift[] {
  if (points.length < 2 * DRIFT_MIN_SIZE) return [];
  const out: OpDrift[] = [];
  for (const operator of operators) {
    if (points.some((p) => p.operators[operator] === undefined)) continue;
    const values = points.map((p) => p.operators[operator]!);
    const cuts = changePoints(values, { minSize: DRIFT_MIN_SIZE, seed: 1 });
    for (let i = 0; i < cuts.length; i++) {
      const at = cuts[i]!;
      const before = values.slice(i === 0 ? 0 : cuts[i - 1]!, at);
      const after = values.slice(at, cuts[i + 1] ?? values.length);
      out.push({ operator, runId: points[at]!.runId, jobId: points[at]!.jobId, beforeMs: median(before), afterMs: median(after) });
    }
  }
  return out;
}

/** Every operator of a series, slowest (in its newest point) first. */
function operatorNames(points: readonly OpSeriesPoint[]): string[] {
  const newest = points.at(-1)?.operators ?? {};
  const names = new Set(points.flatMap((p) => Object.keys(p.operators)));
  return [...names].sort((a, b) => (newest[b] ?? -1) - (newest[a] ?? -1) || a.localeCompare(b));
}

/** Two results' op profiles side by side: opDeltas of B against A (400 when either has none). */
export async function opCompareView(farm: Farm, a: string, b: string): Promise<unknown> {
  const side = async (jobId: string): Promise<{ cell: unknown; profile: OpProfile }> => {
    const row = await farm.store.getJob(jobId);
    if (row === null) throw new RequestError(`no job '${jobId}'`, 'not-found');
    const job = await farm.jobView(row);
    const profile = opProfileOf(runnerDoc(job));
    if (profile === null) throw new RequestError(`job ${jobId} has no op profile (submit its run with --profile)`);
    return { cell: { ...matrixCell(job), runId: job.runId }, profile };
  };
  const [A, B] = [await side(a), await side(b)];
  return { a: { ...(A.cell as object), profile: A.profile }, b: { ...(B.cell as object), profile: B.profile }, ...opDeltas(A.profile, B.profile) };
}
