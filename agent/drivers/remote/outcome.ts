// A remote job's ending, classified the way the host driver classifies a local one
// (agent/drivers/host/outcome.ts), plus LOST: the device or the link went away mid-job, so
// nothing is known about the run and the farm re-queues the job.

import { constants } from 'node:os';
import { interpretEnding, type EtrunRun, type EtrunStatus } from '../host/index.js';
import type { RunnerResult } from '../../../native/runner/index.js';
import type { JobOutput } from './shell.js';

export type RemoteRunStatus = EtrunStatus | 'LOST';

export interface RemoteRun extends Omit<EtrunRun, 'status'> {
  status: RemoteRunStatus;
}

export interface RemoteEnding {
  output: JobOutput;
  stoppedBy: 'TIMEOUT' | 'CANCEL' | null;
  timeoutMs: number | null;
  durationMs: number;
  /** Why the link broke before the job's exit marker came, or null when it did not. */
  lost: string | null;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

export function remoteOutcome(e: RemoteEnding): RemoteRun {
  const { output } = e;
  if (output.status === null) {
    const base = { exitCode: null, signal: null, result: null, stderr: output.stderr, durationMs: e.durationMs };
    if (e.stoppedBy === 'TIMEOUT') return { ...base, status: 'TIMED_OUT', problem: `timed out after ${(e.timeoutMs ?? 0) / 1000} s; the link closed before the exit status came` };
    if (e.stoppedBy === 'CANCEL') return { ...base, status: 'CANCELLED', problem: 'cancelled' };
    return { ...base, status: 'LOST', problem: `lost the device mid-job: ${e.lost ?? 'the output ended before the exit status'}` };
  }
  // The shell reports a process ended by signal N as 128 + N; etrun's own codes are 0..7.
  const signal = output.status > 128 ? (signalNames.get(output.status - 128) ?? null) : null;
  return interpretEnding({
    exitCode: signal === null ? output.status : null,
    signal,
    stdout: output.stdout,
    stderr: output.stderr,
    stoppedBy: e.stoppedBy,
    timeoutMs: e.timeoutMs,
    durationMs: e.durationMs,
  });
}

/** Fills what etrun cannot know: the device's unit id and the conditions before the timed block. */
export function stamp(run: RemoteRun, unitId: string, conditions: Record<string, unknown> | null): RemoteRun {
  if (run.result === null) return run;
  const result: RunnerResult = { ...run.result, device: { ...run.result.device, unit_id: unitId }, conditions };
  return { ...run, result };
}
