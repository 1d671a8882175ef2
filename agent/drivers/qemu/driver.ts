// The qemu driver behind the agent's DeviceDriver interface: the emulated Cortex-M55 (./index.ts)
// as one farm device of kind `mcu`. Its firmware is a selective build of the portable, quantized
// and prim kernels (native/mcu), so those sets are its capabilities, and the program must fit
// the board's program flash and its planned memory the RAM arena (tags max_program_bytes and
// max_planned_bytes, checked by capability matching).

import { DeviceState, ResultStatus, type Capabilities, type Device } from '../../../proto/index.js';
import type { DeviceDriver, DriverJob, DriverOutcome } from '../driver.js';
import { qemuDriver, type QemuDevice, type QemuPrepared, type QemuRun } from './index.js';

/** QSPI flash of the AN547 memory map (native/mcu/board/mps3_an547.ld): where the program lives. */
export const MCU_PROGRAM_FLASH_BYTES = 8 * 1024 * 1024;
/** The static arena in ISRAM0+1. */
export const MCU_ARENA_BYTES = 4 * 1024 * 1024;
/** What the arena leaves for planned buffers: less the 64 KiB temp pool and room for the method allocator. */
export const MCU_PLANNED_BYTES = MCU_ARENA_BYTES - 128 * 1024;
/** Kernel sets the firmware's selective build draws from (sources.json group `kernels`). */
const MCU_KERNEL_SETS = new Set(['portable', 'quantized', 'prim']);

export interface QemuFarmDriverOptions {
  /** The kernel sets of this checkout's runtime (the host etrun's --capabilities); only the MCU's are kept. */
  hostCapabilities: Capabilities;
}

const STATUS: Record<QemuRun['status'], ResultStatus> = {
  OK: ResultStatus.RESULT_STATUS_OK,
  FAILED: ResultStatus.RESULT_STATUS_FAILED,
  CRASHED: ResultStatus.RESULT_STATUS_CRASHED,
  TIMEOUT: ResultStatus.RESULT_STATUS_TIMED_OUT,
};

export class QemuFarmDriver implements DeviceDriver {
  readonly name = 'qemu';
  private readonly prepared = new Map<string, QemuPrepared>();

  constructor(private readonly options: QemuFarmDriverOptions) {}

  /** True when arm-none-eabi-gcc and qemu-system-arm are installed. */
  static available(): boolean {
    return qemuDriver.discover().length > 0;
  }

  async discover(): Promise<Device[]> {
    return qemuDriver.discover().map((d) => {
      const facts = qemuDriver.facts(d);
      return {
        id: d.id, unitId: d.unitId, kind: 'mcu', state: DeviceState.DEVICE_STATE_ONLINE, os: String(facts['os']), arch: String(facts['arch']),
        cpuModel: String(facts['cpu_model']), features: ['mve', 'fp'], cores: 1, memoryBytes: MCU_ARENA_BYTES,
        tags: { ...d.tags, max_program_bytes: String(MCU_PROGRAM_FLASH_BYTES), max_planned_bytes: String(MCU_PLANNED_BYTES) },
        runtime: { version: 'etrun-mcu', git: '', abi: 'none-armv8.1-m.main', build: 'firmware per program', sha256: '', capabilities: undefined },
        capabilities: { kernelSets: this.options.hostCapabilities.kernelSets.filter((k) => MCU_KERNEL_SETS.has(k.name)), backends: [] },
        agentId: '', lastSeenMs: 0,
      };
    });
  }

  async conditions(): Promise<Record<string, unknown> | null> {
    return { emulated: true };
  }

  /** Builds (or reuses from $ETBENCH_HOME/mcu) the program's firmware. */
  async prepare(device: Device, programPath: string): Promise<void> {
    this.prepared.set(`${device.id}\0${programPath}`, await qemuDriver.prepare(this.qemuDevice(device), null, { path: programPath }));
  }

  async run(device: Device, job: DriverJob, signal: AbortSignal): Promise<DriverOutcome> {
    const started = performance.now();
    const prepared = this.prepared.get(`${device.id}\0${job.programPath}`) ?? (await qemuDriver.prepare(this.qemuDevice(device), null, { path: job.programPath }));
    const c = job.config;
    const run = await qemuDriver.run(this.qemuDevice(device), {
      prepared, method: job.method, inputs: c.inputs === '' ? null : c.inputs, rtol: job.rtol, atol: job.atol,
      iterations: c.iterations || null, timeoutMs: job.timeoutMs,
    }, signal);
    const r = run.result;
    const checks = r?.correctness ?? null;
    return {
      status: signal.aborted ? ResultStatus.RESULT_STATUS_CANCELLED : STATUS[run.status],
      exitCode: run.exitCode ?? -1, signal: '', problem: run.problem ?? '',
      // An emulator has no meaningful wall-clock latency: the measurement is `cycles` in the document.
      samplesMs: r?.latency_ms?.samples ?? [], batch: r?.latency_ms?.batch ?? 0,
      correctnessChecked: checks !== null && checks.length > 0,
      correctnessPassed: checks !== null && checks.length > 0 && checks.every((k) => k.pass),
      loadMs: r?.load_ms ?? 0, initMs: r?.init_ms ?? 0, peakRssBytes: 0, plannedBytes: r?.memory?.planned_bytes.reduce((a, b) => a + b, 0) ?? 0,
      trialsJson: '', conditionsJson: '', runnerJson: r === null ? '' : JSON.stringify(r), durationMs: performance.now() - started,
      runtime: r === null ? undefined : { version: r.runtime.version, git: r.runtime.git, abi: 'none-armv8.1-m.main', build: r.runtime.build, sha256: '', capabilities: undefined },
    };
  }

  async cleanup(device: Device): Promise<void> {
    for (const key of [...this.prepared.keys()]) if (key.startsWith(`${device.id}\0`)) this.prepared.delete(key);
  }

  private qemuDevice(device: Device): QemuDevice {
    return { id: device.id, unitId: device.unitId, tags: { ...device.tags } };
  }
}
