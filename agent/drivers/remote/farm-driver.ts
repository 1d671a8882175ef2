// The ssh and adb drivers (agent/drivers/ssh, agent/drivers/adb) behind the agent's DeviceDriver
// interface. Both push this checkout's etrun for the device's architecture and ask it
// `--capabilities` there, so a device's capabilities are what its own build can run (the host
// etrun's stand in only when the device cannot be asked). A LOST run (the link or the
// device went away mid-job) becomes a DeviceLostError, which the agent turns into a re-queue.

import { DeviceState, ResultStatus, type Capabilities, type Device } from '../../../proto/index.js';
import { schedulingCapabilities, type EtrunCapabilities } from '../host/capabilities.js';
import { outcomeOf } from '../host/driver.js';
import { DeviceLostError, type DeviceDriver, type DriverJob, type DriverOutcome } from '../driver.js';
import type { LinuxFacts } from './probe.js';
import type { RemoteJob, RemotePrepared } from './job.js';
import type { RemoteRun } from './outcome.js';
import type { RuntimeBuild } from './runtime.js';

/** What the ssh and adb drivers have in common. */
export interface RemoteDriverLike<D extends { id: string; unitId: string | null; state: string; problem: string | null; tags: Record<string, string> }> {
  name: string;
  discover(): Promise<D[]>;
  facts(device: D): Promise<LinuxFacts & { soc?: string; model?: string }>;
  conditions(device: D): Promise<object>;
  /** The device's own `etrun --capabilities` output (the build this driver pushes there). */
  runtimeCapabilities?(device: D): Promise<string>;
  prepare(device: D, runtimeBuild: RuntimeBuild | null, artifact: { path: string }): Promise<RemotePrepared>;
  run(device: D, job: RemoteJob, signal?: AbortSignal | null): Promise<RemoteRun>;
  cleanup(device: D): Promise<void>;
  close?(): void;
}

export interface RemoteFarmDriverOptions {
  /** The farm kind of its devices: board (ssh) or phone (adb). */
  kind: string;
  /** The host etrun's capabilities, for devices whose runtime is this checkout's build. */
  hostCapabilities: Capabilities;
  /** The driver's ready state (ssh: ready, adb: device). */
  readyState: string;
}

const ARCH_ABI: Record<string, string> = { x86_64: 'linux-x64', aarch64: 'linux-arm64', arm64: 'linux-arm64' };

export class RemoteFarmDriver<D extends { id: string; unitId: string | null; state: string; problem: string | null; tags: Record<string, string> }> implements DeviceDriver {
  readonly name: string;
  private readonly known = new Map<string, D>();
  private readonly prepared = new Map<string, RemotePrepared>();

  constructor(private readonly remote: RemoteDriverLike<D>, private readonly options: RemoteFarmDriverOptions) {
    this.name = remote.name;
  }

  async discover(): Promise<Device[]> {
    const found = await this.remote.discover();
    const devices: Device[] = [];
    for (const d of found) {
      this.known.set(d.id, d);
      const ready = d.state === this.options.readyState;
      const facts = ready ? await this.remote.facts(d).catch(() => null) : null;
      const arch = facts?.arch ?? d.tags['arch'] ?? '';
      const asked = ready ? await this.askCapabilities(d) : null;
      devices.push({
        id: d.id, unitId: d.unitId ?? `${this.name}:${d.id}`, kind: this.options.kind,
        state: ready ? DeviceState.DEVICE_STATE_ONLINE : d.state === 'unauthorized' || d.state === 'auth-refused' ? DeviceState.DEVICE_STATE_UNAUTHORIZED : DeviceState.DEVICE_STATE_OFFLINE,
        os: facts?.os ?? d.tags['os'] ?? 'linux', arch, cpuModel: facts?.cpu_model ?? '', features: asked?.isa ?? [], cores: facts?.cores ?? 0,
        memoryBytes: facts?.mem_total_bytes ?? 0,
        tags: { ...d.tags, kind: this.options.kind, ...(arch === '' ? {} : { arch }), ...(facts?.soc ? { soc: facts.soc } : {}) },
        runtime: { version: '', git: '', abi: ARCH_ABI[arch] ?? arch, build: 'this checkout', sha256: '', capabilities: undefined },
        capabilities: asked?.capabilities ?? this.options.hostCapabilities,
        agentId: '', lastSeenMs: 0,
      });
    }
    return devices;
  }

  /**
   * What the etrun on the device says it can run; null (the host's answer stands in) when it
   * cannot be asked: no build for its architecture here, or the device did not answer.
   */
  private async askCapabilities(d: D): Promise<{ capabilities: Capabilities; isa: string[] } | null> {
    if (this.remote.runtimeCapabilities === undefined) return null;
    try {
      const doc = JSON.parse(await this.remote.runtimeCapabilities(d)) as EtrunCapabilities;
      return { capabilities: schedulingCapabilities(doc), isa: Array.isArray(doc.runtime?.isa) ? doc.runtime.isa : [] };
    } catch {
      return null;
    }
  }

  async conditions(device: Device): Promise<Record<string, unknown> | null> {
    return (await this.remote.conditions(this.device(device)).catch(() => null)) as Record<string, unknown> | null;
  }

  async prepare(device: Device, programPath: string): Promise<void> {
    this.prepared.set(`${device.id}\0${programPath}`, await this.remote.prepare(this.device(device), null, { path: programPath }));
  }

  async run(device: Device, job: DriverJob, signal: AbortSignal): Promise<DriverOutcome> {
    const d = this.device(device);
    const prepared = this.prepared.get(`${device.id}\0${job.programPath}`) ?? (await this.remote.prepare(d, null, { path: job.programPath }));
    const c = job.config;
    const run = await this.remote.run(d, {
      prepared, method: job.method, kernels: c.kernels === '' ? null : (c.kernels as 'portable' | 'optimized'),
      backends: c.backends.length > 0 ? c.backends : null, threads: c.threads || null, warmup: c.hasWarmup ? c.warmup : null,
      iterations: c.iterations || null, minSeconds: c.minSeconds || null,
      inputs: c.inputs === '' ? null : c.inputs === 'bundled' ? 'bundled' : c.inputs.startsWith('random:') ? { random: Number(c.inputs.slice(7)) } : null,
      rtol: job.rtol, atol: job.atol, timeoutMs: job.timeoutMs,
    }, signal);
    if (run.status === 'LOST') throw new DeviceLostError(run.problem ?? `${device.id} went away mid-job`);
    const outcome = outcomeOf({ ...run, status: run.status }, false);
    const abi = ARCH_ABI[prepared.runtime.arch] ?? prepared.runtime.arch;
    return { ...outcome, status: signal.aborted ? ResultStatus.RESULT_STATUS_CANCELLED : outcome.status, runtime: outcome.runtime === undefined ? undefined : { ...outcome.runtime, abi } };
  }

  async cleanup(device: Device): Promise<void> {
    const d = this.known.get(device.id);
    if (d !== undefined) await this.remote.cleanup(d).catch(() => undefined);
    for (const key of [...this.prepared.keys()]) if (key.startsWith(`${device.id}\0`)) this.prepared.delete(key);
  }

  close(): void {
    this.remote.close?.();
  }

  private device(device: Device): D {
    const d = this.known.get(device.id);
    if (d === undefined) throw new Error(`${this.name} driver does not know device ${device.id}`);
    return d;
  }
}
