// CPU affinity for etrun on this machine: the scheduler moving a timed process between cores
// (cold caches, another core's clock) is one source of run-to-run spread, so the host driver pins
// etrun to fixed CPUs with taskset where it can, and records which in the result.

import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** 'auto': pin when this driver advertises one device; 'off'; or the CPU numbers to use. */
export type AffinitySetting = 'auto' | 'off' | readonly number[];

/** What a result records: the CPUs etrun was confined to, and how; null fields when not pinned. */
export interface AffinityRecord {
  cpus: number[] | null;
  how: 'taskset' | null;
  why: string;
}

/** taskset on PATH, or null (not Linux, or util-linux missing). */
export function findTaskset(env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform !== 'linux') return null;
  for (const dir of (env['PATH'] ?? '/usr/bin:/bin').split(':')) {
    const file = path.join(dir, 'taskset');
    if (dir !== '' && existsSync(file)) return file;
  }
  return null;
}

/**
 * The CPUs to pin a job to. Auto takes the highest-numbered `threads` CPUs (cpu0 takes most
 * interrupts on many machines), and only for a single advertised device: several host devices
 * share this machine and would otherwise be pinned onto the same cores.
 */
export function chooseCpus(setting: AffinitySetting, threads: number, devices: number, cpuCount = os.cpus().length): AffinityRecord {
  if (setting === 'off') return { cpus: null, how: null, why: 'affinity off' };
  if (setting !== 'auto') return { cpus: [...setting], how: 'taskset', why: 'configured' };
  if (devices > 1) return { cpus: null, how: null, why: `${devices} host devices share this machine` };
  const n = Math.max(1, threads);
  if (cpuCount < 1 || n > cpuCount) return { cpus: null, how: null, why: `${n} threads on ${cpuCount} CPUs` };
  return { cpus: Array.from({ length: n }, (_, i) => cpuCount - n + i), how: 'taskset', why: 'auto: the last CPUs' };
}
