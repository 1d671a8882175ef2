// A nightly series: one program method, on one physical device unit, with one runtime config and
// one runtime build (issue 10: the key a result is compared within). Each finished job of a run
// contributes its trial medians to its series; failed correctness never does.

import { createHash } from 'node:crypto';
import type { Device, Job } from '../../proto/index.js';
import { invalidTimingReason } from '../../orchestrator/valid-timing.js';
import { trialMedians } from '../../orchestrator/trials.js';

export interface SeriesIdentity {
  program: string;
  /** The program artifact's sha256. */
  programSha: string;
  method: string;
  /** The physical unit (Device.unit_id), or the device id when the driver knows no unit. */
  unit: string;
  deviceId: string;
  configKey: string;
  /** The uploaded runtime build's sha256, or 'device' for the device's own runtime. */
  build: string;
}

export interface SeriesPoint extends SeriesIdentity {
  key: string;
  /** One median per trial (process launch), in ms. */
  trials: number[];
  /** 'ok', or why the jobs are not timings (correctness failed, crashed, unschedulable...). */
  problem: string | null;
  jobIds: string[];
}

/** The canonical config text: what changes a timing, in a fixed order. */
export function configText(c: Job['config']): string {
  if (c === undefined) return 'default';
  return JSON.stringify([c.kernels || 'portable', [...c.backends].sort(), c.threads, c.hasWarmup ? c.warmup : null, c.iterations, c.minSeconds, c.inputs]);
}

export function seriesKey(id: Omit<SeriesIdentity, 'program' | 'deviceId'>): string {
  const text = [id.programSha, id.method || 'default', id.unit, id.configKey, id.build].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Per-trial medians of a job's accepted result (orchestrator/trials.ts; contract 1 of issue 10). */
export function trialMediansOf(job: Job): number[] {
  return trialMedians(job.result);
}

/** Why a job is not a timing, or null when it is one. */
export function problemOf(job: Job): string | null {
  const r = job.result;
  if (r === undefined) return job.reason || 'no result';
  // The farm's one rule (orchestrator/valid-timing.ts); the runner's own problem says more.
  const invalid = invalidTimingReason(r);
  if (invalid !== null) return r.problem === '' ? invalid : `${invalid}: ${r.problem}`;
  if (r.samplesMs.length === 0) return 'no samples';
  // The verdicts need positive times; a zero median is a broken clock or an empty program.
  if (!trialMediansOf(job).every((m) => Number.isFinite(m) && m > 0)) return 'a trial median is not a positive time';
  return null;
}

/** Groups a run's jobs into series; `devices` supplies each device's physical unit. */
export function seriesOfRun(jobs: readonly Job[], devices: ReadonlyMap<string, Device>): SeriesPoint[] {
  const out = new Map<string, SeriesPoint>();
  for (const job of jobs) {
    const device = devices.get(job.deviceId);
    const identity: SeriesIdentity = {
      program: job.program?.name ?? '', programSha: job.program?.sha256 ?? '', method: job.method, unit: device?.unitId || job.deviceId || job.selector,
      deviceId: job.deviceId || job.selector, configKey: configText(job.config), build: job.runtime?.sha256 || 'device',
    };
    const key = seriesKey(identity);
    const point = out.get(key) ?? { ...identity, key, trials: [], problem: null, jobIds: [] };
    out.set(key, point);
    point.jobIds.push(job.id);
    const problem = problemOf(job);
    // One invalid launch makes the night's series invalid: its other timings are suspect too.
    if (problem !== null) point.problem ??= problem;
    else point.trials.push(...trialMediansOf(job));
  }
  return [...out.values()];
}
