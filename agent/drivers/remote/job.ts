// The job a remote driver runs: etrun's arguments (the host driver's EtrunArgs, less the program,
// which `prepare` put on the device) and the limits around it.

import { buildEtrunArgs, type EtrunArgs } from '../host/index.js';
import type { RuntimeBinary } from './runtime.js';

export interface RemotePrepared {
  /** The device's scratch folder for this program. */
  dir: string;
  /** etrun on the device (in its per-build cache folder). */
  etrun: string;
  /** The program on the device. */
  program: string;
  runtime: RuntimeBinary;
  /** Whether prepare had to copy them (false: the device already had that sha256). */
  pushed: { runtime: boolean; program: boolean };
}

export interface RemoteJob extends Omit<EtrunArgs, 'program' | 'inputs'> {
  prepared: RemotePrepared;
  /** Input files would need their own upload; jobs on remote devices use bundled or seeded inputs. */
  inputs?: 'bundled' | { random: number } | null;
  /** Wall-clock bound of the run; the remote process is killed when it passes. Default 120 s. */
  timeoutMs?: number;
  /** Before the run, wait until the hottest thermal zone is at or below this (degrees Celsius). */
  coolBelowC?: number | null;
  /** Longest cool-down wait; the job then runs anyway and its conditions say so. Default 300 s. */
  coolTimeoutMs?: number;
  /** Pin etrun to the CPUs with the highest maximum clock (taskset), where there are such. */
  pinBigCores?: boolean;
}

export function remoteJobArgv(job: RemoteJob): string[] {
  return buildEtrunArgs({ ...job, program: job.prepared.program });
}
