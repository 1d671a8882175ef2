// A farm job (proto Job with its accepted JobResult) in the CLI's reporting terms: the plan's
// Job and the JobOutcome reporters already render.

import type { EtrunRun, EtrunStatus } from '../../agent/drivers/host/index.js';
import type { RunnerResult } from '../../native/runner/index.js';
import { JobState, ResultStatus, type Job as FarmJob } from '../../proto/index.js';
import type { Job, JobConfig, JobOutcome } from '../run/types.js';

const STATUS: Record<ResultStatus, EtrunStatus> = {
  [ResultStatus.RESULT_STATUS_UNSPECIFIED]: 'INVALID_OUTPUT',
  [ResultStatus.RESULT_STATUS_OK]: 'OK',
  [ResultStatus.RESULT_STATUS_FAILED]: 'FAILED',
  [ResultStatus.RESULT_STATUS_CRASHED]: 'CRASHED',
  [ResultStatus.RESULT_STATUS_TIMED_OUT]: 'TIMED_OUT',
  [ResultStatus.RESULT_STATUS_CANCELLED]: 'CANCELLED',
  [ResultStatus.RESULT_STATUS_INVALID_OUTPUT]: 'INVALID_OUTPUT',
  [ResultStatus.RESULT_STATUS_MEMORY_LIMIT]: 'FAILED',
  [ResultStatus.UNRECOGNIZED]: 'INVALID_OUTPUT',
};

/** True for a job the farm could not place: no device's runtime has what it needs. */
export function isUnschedulable(job: FarmJob): boolean {
  return job.state === JobState.JOB_STATE_UNSCHEDULABLE;
}

export function isFinished(job: FarmJob): boolean {
  return job.state !== JobState.JOB_STATE_QUEUED && job.state !== JobState.JOB_STATE_LEASED;
}

export function outcomeOf(job: FarmJob): JobOutcome {
  const r = job.result;
  let run: EtrunRun;
  if (r !== undefined) {
    let document: RunnerResult | null = null;
    try {
      document = r.runnerJson === '' ? null : (JSON.parse(r.runnerJson) as RunnerResult);
    } catch {
      document = null;
    }
    const memory = r.status === ResultStatus.RESULT_STATUS_MEMORY_LIMIT;
    run = {
      status: STATUS[r.status] ?? 'INVALID_OUTPUT', exitCode: memory ? 7 : r.exitCode < 0 ? null : r.exitCode, signal: (r.signal || null) as NodeJS.Signals | null,
      result: document, stderr: '', problem: r.problem || null, durationMs: r.durationMs,
    };
  } else if (isUnschedulable(job)) {
    // The contract's UNSUPPORTED: this runtime lacks an operator, dtype or backend.
    run = { status: 'FAILED', exitCode: 4, signal: null, result: null, stderr: '', problem: `unschedulable: ${job.reason}`, durationMs: 0 };
  } else if (job.state === JobState.JOB_STATE_CANCELLED) {
    run = { status: 'CANCELLED', exitCode: null, signal: null, result: null, stderr: '', problem: job.reason || 'cancelled', durationMs: 0 };
  } else {
    run = { status: 'FAILED', exitCode: null, signal: null, result: null, stderr: '', problem: job.reason || 'failed without a result', durationMs: 0 };
  }
  return { run, passed: run.status === 'OK' };
}

/** The reporters' Job for a farm job; `files` maps a program's sha256 back to the local file. */
export function planJobOf(job: FarmJob, index: number, files: ReadonlyMap<string, string>, timeoutS: number): Job {
  const c = job.config;
  const config: JobConfig = {
    kernels: (c?.kernels || 'portable') as JobConfig['kernels'],
    threads: c?.threads || null,
    warmup: c?.hasWarmup === true ? c.warmup : null,
    iterations: c?.iterations || null,
    timeoutS,
  };
  const sha = job.program?.sha256 ?? '';
  return {
    index,
    program: files.get(sha) ?? job.program?.name ?? sha,
    method: job.method === '' ? null : job.method,
    device: { id: job.deviceId || job.selector, kind: job.deviceId === 'host' ? 'host' : 'device', tags: {} },
    config,
  };
}
