// The sim driver: fake devices that take real jobs over the real protocol and answer after a
// short sleep with synthetic samples. For scale tests and the dispatch benchmark only; its
// results say kind=sim so they are never mistaken for measurements.

import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceState, ResultStatus, type Capabilities, type Device } from '../../../proto/index.js';
import type { DeviceDriver, DriverJob, DriverOutcome } from '../driver.js';

export interface SimDriverOptions {
  /** Device ids this driver pretends to reach. */
  deviceIds: readonly string[];
  /** Operators and backends the fake runtime claims. */
  capabilities: Capabilities;
  /** How long one job takes; default 2 ms. */
  jobMs?: number;
  tags?: Readonly<Record<string, string>>;
}

export class SimDriver implements DeviceDriver {
  readonly name = 'sim';

  constructor(private readonly options: SimDriverOptions) {}

  async discover(): Promise<Device[]> {
    return this.options.deviceIds.map((id) => ({
      id, unitId: `sim:${id}`, kind: 'sim', state: DeviceState.DEVICE_STATE_ONLINE, os: 'sim', arch: 'sim', cpuModel: 'simulated',
      features: [], cores: 1, memoryBytes: 1 << 30, tags: { kind: 'sim', ...this.options.tags },
      runtime: { version: 'sim', git: 'sim', abi: 'sim', build: 'sim', sha256: '', capabilities: undefined }, capabilities: this.options.capabilities,
      agentId: '', lastSeenMs: 0,
    }));
  }

  async conditions(): Promise<Record<string, unknown> | null> {
    return { simulated: true };
  }

  async prepare(): Promise<void> {}

  async run(_device: Device, job: DriverJob, signal: AbortSignal): Promise<DriverOutcome> {
    const started = performance.now();
    await stat(job.programPath);
    try {
      await sleep(this.options.jobMs ?? 2, undefined, { signal });
    } catch {
      return this.outcome(ResultStatus.RESULT_STATUS_CANCELLED, 'cancelled', [], started);
    }
    return this.outcome(ResultStatus.RESULT_STATUS_OK, '', [1, 1.25, 1.5], started);
  }

  private outcome(status: ResultStatus, problem: string, samplesMs: number[], started: number): DriverOutcome {
    return {
      status, exitCode: status === ResultStatus.RESULT_STATUS_OK ? 0 : -1, signal: '', problem, samplesMs, batch: 1,
      correctnessChecked: false, correctnessPassed: false, loadMs: 0, initMs: 0, peakRssBytes: 0, plannedBytes: 0, trialsJson: '',
      conditionsJson: '', runnerJson: '', durationMs: performance.now() - started, runtime: undefined,
    };
  }

  async cleanup(): Promise<void> {}
}
