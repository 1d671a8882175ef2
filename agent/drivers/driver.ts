// The driver interface of DESIGN.md: one per way of reaching devices (agent/drivers/<name>/).
// The agent only talks to drivers through it; the orchestrator never imports a driver.

import type { Device, JobResult, RuntimeConfig } from '../../proto/index.js';

/** One job as a driver sees it: a local program file and the bounds to run it within. */
export interface DriverJob {
  programPath: string;
  /** null: the runner's default method. */
  method: string | null;
  config: RuntimeConfig;
  timeoutMs: number;
  memoryLimitBytes: number;
  rtol: number | null;
  atol: number | null;
  /** An uploaded runtime build to run instead of the device's own; null: the device's. */
  runtimePath: string | null;
  /** Expected outputs to compare with (etrun --expected FILE); absent or null: none. */
  expectedPath?: string | null;
  /** Per-instruction timing (etrun --profile): the agent's separate profile launch sets it. */
  profile?: boolean;
}

/** What a run amounted to: a JobResult without the ids the agent adds. */
export type DriverOutcome = Omit<JobResult, 'jobId' | 'attempt' | 'deviceId'>;

export interface DeviceDriver {
  readonly name: string;
  /** True when run() honours DriverJob.profile and expectedPath (the agent's profile launch is skipped otherwise). */
  readonly profiles?: boolean;
  /** The devices this driver reaches now. */
  discover(): Promise<Device[]>;
  /** Temperatures, frequencies, load... before the timed block; null when unknown. */
  conditions(device: Device): Promise<Record<string, unknown> | null>;
  /** Gets the device ready for the program (push files, flash firmware); may be a no-op. */
  prepare(device: Device, programPath: string): Promise<void>;
  /** Runs one job to the end. Failures of the run are values; aborting stops it. */
  run(device: Device, job: DriverJob, signal: AbortSignal): Promise<DriverOutcome>;
  cleanup(device: Device): Promise<void>;
}

/**
 * Thrown by a driver's run() when the device or the link to it went away mid-job (a remote
 * driver's LOST): nothing is known about the run, so the agent hands the job back to be re-queued
 * instead of reporting a result.
 */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}
