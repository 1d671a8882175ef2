// The records `etbench run` works with after its options are compiled: devices, jobs, outcomes.
// Reporters read them; only run.ts creates them.

import type { EtrunRun } from '../../agent/drivers/host/index.js';
import type { KernelSet } from '../../native/runner/index.js';

/** host here; whatever the farm's devices say (phone, board, mcu, sim) through an orchestrator. */
export type DeviceKind = string;

export interface Device {
  /** Stable name used in output and in --devices: `host` for this machine. */
  id: string;
  kind: DeviceKind;
  /** What --devices KEY=VALUE selectors match against, e.g. kind=host. */
  tags: Readonly<Record<string, string>>;
}

/** The runtime configuration of a job; null means etrun's default. */
export interface JobConfig {
  kernels: KernelSet;
  threads: number | null;
  warmup: number | null;
  iterations: number | null;
  timeoutS: number;
}

/** One program x method x device x config; run as one etrun process. */
export interface Job {
  /** 1-based position in the run. */
  index: number;
  /** Absolute path of the .pte or .bpte. */
  program: string;
  /** The method asked for; null lets etrun choose (forward, or the only method). */
  method: string | null;
  device: Device;
  config: JobConfig;
}

export interface RunPlan {
  jobs: readonly Job[];
  devices: readonly Device[];
}

/** How a job ended: the host driver's report, with `passed` decided once for everyone. */
export interface JobOutcome {
  run: EtrunRun;
  /** True only for status OK (exit 0: every correctness check that exists passed). */
  passed: boolean;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  /** Jobs not started because the run was interrupted. */
  skipped: number;
  /** Jobs of a suite that no selected device's runtime can run: listed, not failures. */
  unsupported?: number;
  durationMs: number;
}
