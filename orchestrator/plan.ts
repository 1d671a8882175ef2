// A run's expansion into jobs: program x method x target x configuration, where a target is one
// device (`all`, an id, KEY=VALUE) or a pool (`any:SELECTOR`). Capability matching happens here,
// so a job no target can run is created unschedulable, with the reasons, instead of waiting.

import { DeviceState, type Device, type ProgramRef, type RuntimeBuild, type RuntimeConfig, type SubmitRunRequest } from '../proto/index.js';
import type { FarmOptions } from './farm.js';
import { RequestError } from './errors.js';
import { configKey, incapability, matchesSelector, poolSelector, runtimeMismatch } from './matching.js';
import type { NewJob } from './store/store.js';

const DEFAULT_CONFIG: RuntimeConfig = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: '' };

interface Target {
  /** The device the jobs are bound to; null for a pool. */
  deviceId: string | null;
  selector: string;
  devices: Device[];
}

/** @throws RequestError when a selector matches no device. */
function targetsOf(selectors: readonly string[], known: readonly Device[]): Target[] {
  const targets: Target[] = [];
  const seen = new Set<string>();
  for (const raw of selectors.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '')) {
    const pool = poolSelector(raw);
    // `all` and tags mean the devices there now; an id may name one that is away (its jobs
    // wait up to offlineFailMs for it).
    const byId = pool === null && known.some((d) => d.id === raw);
    const matching = known.filter((d) => matchesSelector(d, pool ?? raw) && (byId || d.state !== DeviceState.DEVICE_STATE_OFFLINE));
    if (matching.length === 0) {
      throw new RequestError(`no device matches '${raw}'; known devices: ${known.map((d) => d.id).join(', ') || 'none (no agent has registered)'}`);
    }
    if (pool !== null) targets.push({ deviceId: null, selector: pool, devices: matching });
    else {
      for (const d of matching) {
        if (seen.has(d.id)) continue;
        seen.add(d.id);
        targets.push({ deviceId: d.id, selector: raw, devices: [d] });
      }
    }
  }
  return targets;
}

/**
 * The run's jobs, in order: target, program, method, configuration.
 * @throws RequestError for a selector matching nothing or a method a program lacks.
 */
export function expandRun(
  runId: string, request: SubmitRunRequest, programs: readonly ProgramRef[], known: readonly Device[], runtime: RuntimeBuild | null,
  options: Pick<FarmOptions, 'defaultMaxAttempts' | 'defaultTimeoutMs' | 'defaultMemoryLimitBytes'>,
): NewJob[] {
  const configs = request.configs.length > 0 ? request.configs : [DEFAULT_CONFIG];
  const methods = request.methods.length > 0 ? request.methods : [''];
  const jobs: NewJob[] = [];
  for (const target of targetsOf(request.devices, known)) {
    for (const program of programs) {
      for (const method of methods) {
        if (method !== '' && !program.methods.includes(method)) {
          throw new RequestError(`program ${program.name} has no method '${method}' (it has ${program.methods.join(', ')})`);
        }
        for (const config of configs) {
          const reasons = target.devices.map((d) => runtimeMismatch(d, runtime) ?? incapability(d, program, config, runtime));
          const capable = reasons.some((r) => r === null);
          jobs.push({
            id: `${runId}-${jobs.length + 1}`, seq: jobs.length + 1, program, method, deviceId: target.deviceId, selector: target.selector,
            config, configKey: configKey(config), runtime, state: capable ? 'queued' : 'unschedulable',
            reason: capable ? '' : reasons.filter((r): r is string => r !== null).join('; '),
            maxAttempts: request.maxAttempts || options.defaultMaxAttempts,
            timeoutMs: request.timeoutMs || options.defaultTimeoutMs,
            memoryLimitBytes: Number(request.memoryLimitBytes) || options.defaultMemoryLimitBytes,
          });
        }
      }
    }
  }
  return jobs;
}
