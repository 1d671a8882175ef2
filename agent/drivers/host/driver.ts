// The host driver behind the DeviceDriver interface: this machine, one etrun child process per
// job, bounded in time (SIGTERM then SIGKILL) and address space (ulimit -v).

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { DeviceState, ResultStatus, type Device } from '../../../proto/index.js';
import type { DeviceDriver, DriverJob, DriverOutcome } from '../driver.js';
import { chooseCpus, findTaskset, type AffinitySetting } from './affinity.js';
import { hostConditions } from './conditions.js';
import { schedulingCapabilities, type EtrunCapabilities } from './capabilities.js';
import type { ResourceLimits, RunAsUser } from './limits.js';
import { locateEtrun } from './locate.js';
import type { EtrunRun } from './outcome.js';
import { runEtrun } from './run-etrun.js';

export interface HostDriverOptions {
  /** Device ids to advertise; several share this machine (tests, or one per NUMA node). Default ['host']. */
  deviceIds?: readonly string[];
  etrunPath?: string | null;
  env?: NodeJS.ProcessEnv;
  tags?: Readonly<Record<string, string>>;
  /** CPU pinning of etrun (affinity.ts); default 'auto'. */
  affinity?: AffinitySetting;
  /** Where /proc and /sys are read for conditions; default '/' (tests point it at a fake tree). */
  conditionsRoot?: string;
  /** Limits on each etrun beside the job's memory bound (limits.ts), and the user it runs as. */
  limits?: ResourceLimits;
  runAs?: RunAsUser | null;
}

function machineId(): string {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id !== '') return id;
    } catch {
      // next
    }
  }
  return os.hostname();
}

async function capabilities(etrun: string, env: NodeJS.ProcessEnv): Promise<EtrunCapabilities> {
  const child = spawn(etrun, ['--capabilities'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${etrun} --capabilities exited ${String(code)}`);
  return JSON.parse(Buffer.concat(out).toString('utf8')) as EtrunCapabilities;
}

/** EtrunRun (the host driver's classification) to the wire's outcome. */
export function outcomeOf(run: EtrunRun, memoryLimited: boolean): DriverOutcome {
  const r = run.result;
  const checks = r?.correctness ?? null;
  let status: ResultStatus;
  switch (run.status) {
    case 'OK': status = ResultStatus.RESULT_STATUS_OK; break;
    case 'FAILED': status = run.exitCode === 7 && memoryLimited ? ResultStatus.RESULT_STATUS_MEMORY_LIMIT : ResultStatus.RESULT_STATUS_FAILED; break;
    case 'CRASHED': status = memoryLimited && /bad_alloc|out of memory|Cannot allocate/i.test(run.stderr) ? ResultStatus.RESULT_STATUS_MEMORY_LIMIT : ResultStatus.RESULT_STATUS_CRASHED; break;
    case 'TIMED_OUT': status = ResultStatus.RESULT_STATUS_TIMED_OUT; break;
    case 'CANCELLED': status = ResultStatus.RESULT_STATUS_CANCELLED; break;
    case 'INVALID_OUTPUT': status = ResultStatus.RESULT_STATUS_INVALID_OUTPUT; break;
  }
  return {
    status,
    exitCode: run.exitCode ?? -1,
    signal: run.signal ?? '',
    problem: run.problem ?? '',
    samplesMs: r?.latency_ms?.samples ?? [],
    batch: r?.latency_ms?.batch ?? 0,
    correctnessChecked: checks !== null && checks.length > 0,
    correctnessPassed: checks !== null && checks.length > 0 && checks.every((c) => c.pass),
    loadMs: r?.load_ms ?? 0,
    initMs: r?.init_ms ?? 0,
    peakRssBytes: r?.memory?.peak_rss_bytes ?? 0,
    plannedBytes: r?.memory?.planned_bytes.reduce((a, b) => a + b, 0) ?? 0,
    trialsJson: r?.trials == null ? '' : JSON.stringify(r.trials),
    conditionsJson: r?.conditions == null ? '' : JSON.stringify(r.conditions),
    runnerJson: r === null ? '' : JSON.stringify(r),
    durationMs: run.durationMs,
    runtime: r === null ? undefined : { version: r.runtime.version, git: r.runtime.git, abi: `${process.platform}-${process.arch}`, build: r.runtime.build, sha256: '', capabilities: undefined },
  };
}

export class HostDriver implements DeviceDriver {
  readonly name = 'host';
  readonly profiles = true;
  private etrun: string | null = null;

  constructor(private readonly options: HostDriverOptions = {}) {}

  private async binary(): Promise<string> {
    this.etrun ??= await locateEtrun({ etrunPath: this.options.etrunPath ?? null, env: this.options.env ?? process.env });
    return this.etrun;
  }

  async discover(): Promise<Device[]> {
    const caps = await capabilities(await this.binary(), this.options.env ?? process.env);
    const unit = machineId();
    const cpus = os.cpus();
    const platform = process.platform;
    return (this.options.deviceIds ?? ['host']).map((id) => ({
      id,
      unitId: id === 'host' ? unit : `${unit}:${id}`,
      kind: 'host',
      state: DeviceState.DEVICE_STATE_ONLINE,
      os: platform,
      arch: process.arch,
      cpuModel: cpus[0]?.model ?? '',
      features: caps.runtime.isa,
      cores: cpus.length,
      memoryBytes: os.totalmem(),
      tags: { kind: 'host', os: platform, arch: process.arch, ...this.options.tags },
      runtime: { version: caps.runtime.version, git: caps.runtime.git, abi: `${platform}-${process.arch}`, build: caps.runtime.build, sha256: '', capabilities: undefined },
      capabilities: schedulingCapabilities(caps),
      agentId: '',
      lastSeenMs: 0,
    }));
  }

  async conditions(): Promise<Record<string, unknown> | null> {
    return { ...(await hostConditions(this.options.conditionsRoot ?? '/')), free_memory_bytes: os.freemem() };
  }

  async prepare(): Promise<void> {}

  async run(_device: Device, job: DriverJob, signal: AbortSignal): Promise<DriverOutcome> {
    const c = job.config;
    const taskset = findTaskset(this.options.env ?? process.env);
    const chosen = chooseCpus(this.options.affinity ?? 'auto', c.threads || 1, (this.options.deviceIds ?? ['host']).length);
    const affinity = taskset === null && chosen.cpus !== null ? { cpus: null, how: null, why: 'taskset not found' } : chosen;
    const run = await runEtrun({
      program: job.programPath,
      method: job.method,
      kernels: c.kernels === '' ? null : (c.kernels as 'portable' | 'optimized'),
      backends: c.backends.length > 0 ? c.backends : null,
      threads: c.threads || null,
      warmup: c.hasWarmup ? c.warmup : null,
      iterations: c.iterations || null,
      minSeconds: c.minSeconds || null,
      inputs: c.inputs === '' ? null : c.inputs === 'bundled' ? 'bundled' : c.inputs.startsWith('random:') ? { random: Number(c.inputs.slice(7)) } : null,
      rtol: job.rtol,
      atol: job.atol,
      expected: job.expectedPath ?? null,
      profile: job.profile === true,
      timeoutMs: job.timeoutMs,
      memoryLimitBytes: job.memoryLimitBytes > 0 ? job.memoryLimitBytes : null,
      signal,
      etrunPath: job.runtimePath ?? (await this.binary()),
      env: this.options.env ?? process.env,
      cpus: affinity.cpus,
      tasksetPath: taskset,
      limits: this.options.limits, runAs: this.options.runAs ?? null,
    });
    const outcome = outcomeOf(run, job.memoryLimitBytes > 0);
    // The pinning is part of the conditions the timed block ran under.
    return { ...outcome, conditionsJson: JSON.stringify({ ...(outcome.conditionsJson === '' ? {} : JSON.parse(outcome.conditionsJson) as object), affinity }) };
  }

  async cleanup(): Promise<void> {}
}
