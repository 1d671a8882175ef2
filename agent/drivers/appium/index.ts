// The `appium` driver: devices where only an app may run (iOS, locked Android), reached through an
// Appium server with webdriverio. The benchmark app on the device links the runtime; the driver
// only moves files and starts the app, per the contract in docs/devices.md:
//
//   const appium = createAppiumDriver({ server: parseAppiumUrl('http://127.0.0.1:4723'), devices });
//   const [phone] = await appium.discover();                  // a session per device: facts, then closed
//   const prepared = await appium.prepare(phone, null, { path: 'model.pte' });
//   const run = await appium.run(phone, { prepared, iterations: 20 }, abort.signal);
//   if (run.status === 'LOST') requeue();                     // the server or the device went away
//
// One job is one session: push etbench/job/program.pte|.bpte and args.json, launch the app with
// etbench_job=etbench/job, poll until exit_code is there (bounded by the job's timeout; a timeout
// or an abort stops the app), pull result.json and exit_code, remove the job folder, end the session.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { archOf } from '../remote/runtime.js';
import { remoteJobArgv, remoteOutcome, stamp, type LinuxFacts, type RemoteJob, type RemotePrepared, type RemoteRun, type RuntimeBuild } from '../remote/index.js';
import type { AppiumDeviceConfig, AppiumServerConfig } from './config.js';
import { AppiumSession } from './session.js';

export { parseAppiumDevice, parseAppiumDevices, parseAppiumUrl, type AppiumDeviceConfig, type AppiumServerConfig } from './config.js';

/** ready: a session opened; offline: it did not (problem says why). */
export type AppiumDeviceState = 'ready' | 'offline';

export interface AppiumDevice {
  /** `appium:` + the UDID. */
  id: string;
  unitId: string;
  state: AppiumDeviceState;
  problem: string | null;
  tags: Record<string, string>;
  config: AppiumDeviceConfig;
}

export interface AppiumFacts extends LinuxFacts {
  udid: string;
  model: string;
  manufacturer: string;
  os_version: string;
}

export interface AppiumDriverOptions {
  server: AppiumServerConfig;
  devices: readonly AppiumDeviceConfig[];
  /** How often the driver asks for exit_code while the app runs; default 250 ms. */
  pollMs?: number;
  /** Bound on opening a session (installing the app may take a while); default 120 s. */
  sessionTimeoutMs?: number;
}

const FILES = ['program.pte', 'program.bpte', 'args.json', 'result.json.part', 'result.json', 'exit_code.part', 'exit_code'];

/** A failed pull that still found the session alive means "not written yet"; a dead session is LOST. */
async function pullIfThere(session: AppiumSession, file: string): Promise<Buffer | null | 'lost'> {
  try {
    return await session.pull(file);
  } catch {
    return (await session.alive()) ? null : 'lost';
  }
}

export function createAppiumDriver(options: AppiumDriverOptions) {
  const { server } = options;
  const pollMs = options.pollMs ?? 250;
  const factsCache = new Map<string, AppiumFacts>();
  const open = (device: AppiumDevice): Promise<AppiumSession> => AppiumSession.open(server, device.config, options.sessionTimeoutMs);

  const describe = (config: AppiumDeviceConfig, state: AppiumDeviceState, problem: string | null, tags: Record<string, string> = {}): AppiumDevice => ({
    id: `appium:${config.udid}`, unitId: config.udid, state, problem, config, tags: { kind: 'phone', os: config.platform, ...tags },
  });

  async function readFacts(config: AppiumDeviceConfig, session: AppiumSession): Promise<AppiumFacts> {
    const caps = session.capabilities;
    // XCUITest and UiAutomator2 both answer `mobile: deviceInfo`; the session's capabilities stand in.
    const info = ((await session.mobile('deviceInfo').catch(() => null)) ?? {}) as Record<string, unknown>;
    const text = (...values: unknown[]): string => (values.find((v) => typeof v === 'string' && v !== '') as string | undefined) ?? 'unknown';
    // Neither driver reports the CPU ABI; every phone either platform still supports is arm64.
    const abi = text(info['abi'], caps['deviceAbi'], config.platform === 'ios' ? 'arm64' : 'arm64-v8a');
    return {
      os: config.platform, kernel: '', arch: archOf(abi) ?? abi, cpu_model: '', cores: 0, mem_total_bytes: null,
      cpu_max_khz: {}, cpu_min_khz: {}, thermal_zones: {},
      udid: text(caps['deviceUDID'], config.udid), model: text(info['model'], caps['deviceModel']),
      manufacturer: text(info['manufacturer'], caps['deviceManufacturer'], config.platform === 'ios' ? 'Apple' : undefined),
      os_version: text(info['platformVersion'], caps['platformVersion']),
    };
  }

  /** Battery (level 0..1 -> percent, and the platform's state code) and iOS's thermal state, where the driver answers. */
  async function readConditions(session: AppiumSession): Promise<Record<string, unknown>> {
    const battery = (await session.mobile('batteryInfo').catch(() => null)) as { level?: number; state?: number } | null;
    const info = session.device.platform === 'ios' ? ((await session.mobile('deviceInfo').catch(() => null)) as { thermalState?: unknown } | null) : null;
    return {
      battery: battery === null ? null : { capacity_pct: typeof battery.level === 'number' ? Math.round(battery.level * 100) : null, state: battery.state ?? null },
      ...(info?.thermalState === undefined ? {} : { thermal_state: info.thermalState }),
    };
  }

  const driver = {
    name: 'appium',

    /** Every configured device; each is asked for its facts in a short session (offline when that fails). */
    async discover(): Promise<AppiumDevice[]> {
      return Promise.all(options.devices.map(async (config) => {
        try {
          const f = await driver.facts(describe(config, 'ready', null));
          return describe(config, 'ready', null, { model: f.model, [config.platform]: f.os_version, abi: f.arch });
        } catch (e) {
          return describe(config, 'offline', `no Appium session on ${config.udid}: ${(e as Error).message.split('\n')[0]}`);
        }
      }));
    },

    async facts(device: AppiumDevice): Promise<AppiumFacts> {
      const cached = factsCache.get(device.id);
      if (cached) return cached;
      const session = await open(device);
      try {
        const facts = await readFacts(device.config, session);
        factsCache.set(device.id, facts);
        return facts;
      } finally {
        await session.close().catch(() => undefined);
      }
    },

    /** Conditions are read inside each job's session (see run); opening one only for them would cost seconds. */
    async conditions(_device: AppiumDevice): Promise<object> {
      return {};
    },

    /** Nothing to push ahead: the app carries the runtime, and the program goes with each job's session. */
    async prepare(device: AppiumDevice, _runtimeBuild: RuntimeBuild | null, artifact: { path: string }): Promise<RemotePrepared> {
      const arch = archOf((await driver.facts(device)).arch) ?? 'aarch64';
      return {
        dir: 'etbench/job', etrun: `(the app ${device.config.app})`, program: artifact.path,
        runtime: { arch, path: '', sha256: '' }, pushed: { runtime: false, program: false },
      };
    },

    async run(device: AppiumDevice, job: RemoteJob, signal?: AbortSignal | null): Promise<RemoteRun> {
      const started = performance.now();
      const timeoutMs = job.timeoutMs ?? 120_000;
      const lost = (why: string): RemoteRun => remoteOutcome({
        output: { pid: null, status: null, stdout: '', stderr: '' }, stoppedBy: null, timeoutMs, durationMs: performance.now() - started,
        lost: `${why} (appium device ${device.unitId})`,
      });
      const notRun = (): RemoteRun => ({ status: 'FAILED', exitCode: null, signal: null, result: null, stderr: '', problem: null, durationMs: performance.now() - started });
      let session: AppiumSession;
      try {
        session = await open(device);
      } catch (e) {
        return lost(`could not open an Appium session: ${(e as Error).message.split('\n')[0]}`);
      }
      const programName = `program${path.extname(job.prepared.program) === '.bpte' ? '.bpte' : '.pte'}`;
      try {
        let conditions: Record<string, unknown>;
        try {
          conditions = await readConditions(session);
          // An app left running by a lost job would keep writing into the job folder, and
          // launching a running app starts nothing new on either platform: stop it first.
          await session.stop().catch(() => undefined);
          await session.removeJob(FILES).catch(() => undefined);
          await session.push(programName, await readFile(job.prepared.program));
          // args.json: exactly etrun's flags; the app supplies the program path itself.
          await session.push('args.json', Buffer.from(JSON.stringify(remoteJobArgv(job).slice(1))));
          await session.launch();
        } catch (e) {
          const why = (e as Error).message.split('\n')[0];
          if (!(await session.alive())) return lost(`the session died while starting the job: ${why}`);
          // The device answers but refused a step (no such app, a container it may not write): a
          // failed job, not a lost one, so the farm does not re-queue it forever.
          return { ...notRun(), status: 'FAILED', problem: `could not start the job in the app: ${why}` };
        }
        // The bound covers the app's run, not opening the session (installing an app can take a while).
        const deadline = performance.now() + timeoutMs;
        let stoppedBy: 'TIMEOUT' | 'CANCEL' | null = null;
        let exitCode: Buffer | null = null;
        for (;;) {
          const got = await pullIfThere(session, 'exit_code');
          if (got === 'lost') return lost('the Appium session stopped answering mid-job');
          // An empty file is one the app is still writing (an app that does not rename it into place).
          if (got !== null && got.toString('utf8').trim() !== '') {
            exitCode = got;
            break;
          }
          if (signal?.aborted) stoppedBy = 'CANCEL';
          else if (performance.now() >= deadline) stoppedBy = 'TIMEOUT';
          if (stoppedBy !== null) break;
          await new Promise((r) => setTimeout(r, pollMs));
        }
        if (stoppedBy !== null) {
          await session.stop().catch(() => undefined);
          const run = remoteOutcome({ output: { pid: null, status: null, stdout: '', stderr: '' }, stoppedBy, timeoutMs, durationMs: performance.now() - started, lost: null });
          return stoppedBy === 'TIMEOUT' ? { ...run, problem: `timed out after ${timeoutMs / 1000} s without the app's exit_code; the app was stopped` } : run;
        }
        const code = exitCode!.toString('utf8').trim();
        if (!/^\d{1,3}$/.test(code)) return { ...notRun(), status: 'INVALID_OUTPUT', problem: `exit_code: not an exit status: ${JSON.stringify(code.slice(0, 40))}` };
        const status = Number(code);
        const result = await pullIfThere(session, 'result.json');
        if (result === 'lost') return lost('the Appium session stopped answering while pulling result.json');
        const run = remoteOutcome({
          output: { pid: null, status, stdout: result === null ? '' : result.toString('utf8'), stderr: '' },
          stoppedBy: null, timeoutMs, durationMs: performance.now() - started, lost: null,
        });
        const named = run.status === 'INVALID_OUTPUT' ? { ...run, problem: `result.json: ${run.problem ?? 'invalid'}` } : run;
        return stamp(named, device.unitId, conditions);
      } finally {
        await session.removeJob(FILES).catch(() => undefined);
        await session.close().catch(() => undefined);
      }
    },

    /** Each job removes its own folder; nothing stays between jobs. */
    async cleanup(_device: AppiumDevice): Promise<void> {},
  };
  return driver;
}

export type AppiumDriver = ReturnType<typeof createAppiumDriver>;
