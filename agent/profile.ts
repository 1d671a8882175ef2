// Op profiles without distorting timings (issue 10): a job that asks for a profile gets one more
// runner launch after its timed trials, with --profile and a few iterations, and the op profile
// (op_profile, delegate_fraction) of that launch is put into the result's runner document. The
// timed samples never come from a launch that read the clock per instruction. The document stays
// a valid runner document (no keys of our own): readers count the profiled executes from the
// instructions' calls (orchestrator/op-profile.ts).

import type { Device, RuntimeConfig } from '../proto/index.js';
import type { DeviceDriver, DriverJob, DriverOutcome } from './drivers/driver.js';

/** Iterations of the profile launch: enough to average per-instruction times, short to run. */
export const PROFILE_ITERATIONS = 5;

export interface OpProfileDoc {
  op_profile: unknown[];
  delegate_fraction: number | null;
}

/** The config of the profile launch: the job's, with a short fixed loop. */
export function profileConfig(config: RuntimeConfig): RuntimeConfig {
  return { ...config, warmup: 1, hasWarmup: true, iterations: PROFILE_ITERATIONS, minSeconds: 0 };
}

/** The op profile in a runner document (JSON text), or null when it has none. */
export function opProfileOf(runnerJson: string): OpProfileDoc | null {
  if (runnerJson === '') return null;
  try {
    const doc = JSON.parse(runnerJson) as { op_profile?: unknown; delegate_fraction?: unknown };
    if (!Array.isArray(doc.op_profile)) return null;
    return { op_profile: doc.op_profile, delegate_fraction: typeof doc.delegate_fraction === 'number' ? doc.delegate_fraction : null };
  } catch {
    return null;
  }
}

/** The timed outcome with the profile launch's op profile in its runner document. */
export function withOpProfile(timed: DriverOutcome, profile: OpProfileDoc): DriverOutcome {
  if (timed.runnerJson === '') return timed;
  const doc = JSON.parse(timed.runnerJson) as Record<string, unknown>;
  return { ...timed, runnerJson: JSON.stringify({ ...doc, op_profile: profile.op_profile, delegate_fraction: profile.delegate_fraction }) };
}

/** Runs the profile launch on the device; its failure is reported, never the job's failure. */
export async function profileLaunch(driver: DeviceDriver, device: Device, job: DriverJob, signal: AbortSignal): Promise<OpProfileDoc | { problem: string }> {
  try {
    const outcome = await driver.run(device, { ...job, config: profileConfig(job.config), profile: true }, signal);
    return opProfileOf(outcome.runnerJson) ?? { problem: `the profile launch gave no op_profile (${outcome.problem || 'the driver does not profile'})` };
  } catch (error) {
    return { problem: `the profile launch failed: ${(error as Error).message}` };
  }
}
