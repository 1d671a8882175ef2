// The `qemu` driver: the emulated microcontroller (Cortex-M55 on QEMU's mps3-an547) as a device
// of the farm, following DESIGN.md's driver interface. Self-contained: it exports the functions;
// wiring them into the agent's driver registry is the agent's job.
//
//   import { qemuDriver } from './agent/drivers/qemu/index.js';
//
//   const [device] = qemuDriver.discover();                  // [] without the toolchain
//   const prepared = await qemuDriver.prepare(device, null, { path: 'kws.pte' });  // builds the firmware
//   const run = await qemuDriver.run(device, { prepared, inputs: 'random:0' }, abort.signal);
//   if (run.status === 'OK') console.log(run.result?.cycles);  // emulated instructions
//
// A job's result is the runner contract's document from the firmware (native/mcu, docs/mcu.md):
// `cycles` carries the measurement; the time fields are null.

import { ensureFirmware, mcuToolchain, runFirmware, type Firmware } from '../../../native/mcu/index.js';
import { validateRunnerResult, type RunnerResult } from '../../../native/runner/index.js';

export interface QemuDevice {
  id: string;
  /** Stable across runs: an emulator has no serial number, so the board model names the unit. */
  unitId: string;
  tags: Record<string, string>;
}

export interface QemuPrepared {
  program: string;
  firmware: Firmware;
}

export interface QemuJob {
  prepared: QemuPrepared;
  method?: string | null;
  inputs?: string | null;
  caseIndex?: number | null;
  rtol?: number | null;
  atol?: number | null;
  iterations?: number | null;
  printOutputs?: boolean;
  timeoutMs?: number;
}

export type QemuRunStatus = 'OK' | 'FAILED' | 'CRASHED' | 'TIMEOUT';

export interface QemuRun {
  status: QemuRunStatus;
  exitCode: number | null;
  result: RunnerResult | null;
  stderr: string;
  /** Why the run is not OK, for people; null when OK. */
  problem: string | null;
}

const DEVICE: QemuDevice = {
  id: 'qemu-mps3-an547',
  unitId: 'qemu:mps3-an547:cortex-m55',
  tags: { kind: 'mcu', cpu: 'cortex-m55', board: 'mps3-an547', emulator: 'qemu' },
};

/** Fault exit of the firmware (native/mcu/board.h). */
const FAULT_EXIT = 134;

export const qemuDriver = {
  name: 'qemu',
  /** One emulated device when arm-none-eabi-gcc and qemu-system-arm are installed. */
  discover(): QemuDevice[] {
    return mcuToolchain().ok ? [DEVICE] : [];
  },
  facts(_device: QemuDevice): Record<string, string | number> {
    return { os: 'none', arch: 'armv8.1-m.main', cpu_model: 'Cortex-M55 (QEMU mps3-an547)', cores: 1, counter: 'emulated-instructions' };
  },
  /** An emulator has no temperature or frequency worth recording. */
  conditions(_device: QemuDevice): null {
    return null;
  },
  /** Builds (or reuses) the program's firmware; `runtimeBuild` is unused: the firmware is built from this checkout. */
  async prepare(_device: QemuDevice, _runtimeBuild: unknown, artifact: { path: string }): Promise<QemuPrepared> {
    return { program: artifact.path, firmware: await ensureFirmware(artifact.path) };
  },
  async run(_device: QemuDevice, job: QemuJob, signal?: AbortSignal): Promise<QemuRun> {
    const r = await runFirmware(job.prepared.firmware.elf, job.prepared.program, {
      method: job.method ?? null, inputs: job.inputs ?? null, caseIndex: job.caseIndex ?? null, rtol: job.rtol ?? null,
      atol: job.atol ?? null, iterations: job.iterations ?? null, printOutputs: job.printOutputs ?? false,
      timeoutMs: job.timeoutMs ?? 120_000, ...(signal ? { signal } : {}),
    }).catch((e: unknown) => ({ code: null, timedOut: false, result: null, text: null, stderr: String((e as Error).message), ram: null }));
    if (r.timedOut) return { status: 'TIMEOUT', exitCode: null, result: null, stderr: r.stderr, problem: 'the emulation ran past its time limit' };
    if (r.code === FAULT_EXIT || r.code === null) {
      return { status: 'CRASHED', exitCode: r.code, result: null, stderr: r.stderr, problem: 'the firmware faulted or QEMU was stopped' };
    }
    let result: RunnerResult | null = null;
    try {
      result = r.result === null ? null : validateRunnerResult(r.result);
    } catch (e) {
      return { status: 'FAILED', exitCode: r.code, result: null, stderr: r.stderr, problem: `invalid document: ${(e as Error).message}` };
    }
    if (r.code === 0 && result !== null) return { status: 'OK', exitCode: 0, result, stderr: r.stderr, problem: null };
    return { status: 'FAILED', exitCode: r.code, result, stderr: r.stderr, problem: result?.error?.message ?? `exit ${r.code}` };
  },
  cleanup(_device: QemuDevice): void {},
};
