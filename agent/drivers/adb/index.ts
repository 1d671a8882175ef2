// The `adb` driver: Android phones behind an adb server (adbkit) as devices of the farm, following
// DESIGN.md's driver interface like agent/drivers/qemu. Self-contained: it exports the
// functions; wiring them into the agent's driver registry is the agent's job.
//
//   const adb = createAdbDriver({ port: 5037 });
//   const watcher = await adb.watch((device) => console.log(device.id, device.state));  // plug/unplug
//   const [phone] = (await adb.discover()).filter((d) => d.state === 'device');
//   const prepared = await adb.prepare(phone, null, { path: 'model.pte' });          // adb push, once per sha256
//   const run = await adb.run(phone, { prepared, iterations: 20, coolBelowC: 40 }, abort.signal);
//   if (run.status === 'LOST') requeue();                                             // unplugged mid-job
//
// On the phone: /data/local/tmp/etbench/runtime/<sha256>/etrun (kept: pushed once per build) and
// /data/local/tmp/etbench/jobs/<program sha256>/<program> (removed by cleanup).

import path from 'node:path';
import {
  CONDITION_FILES, FACT_FILES, bigCoreMask, jobCommand, killCommand, killOrphansCommand, linuxConditions, linuxFacts, parseJobOutput,
  parseProbe, pickRuntime, probeCommand, remoteJobArgv, remoteOutcome, sha256File, shQuote, stamp, waitCool,
  type Cooldown, type LinuxConditions, type LinuxFacts, type RemoteJob, type RemotePrepared, type RemoteRun,
  type RuntimeBuild,
} from '../remote/index.js';
import { Adb, check, exists, openShell, push, readToEnd, shell, type DeviceClient } from './client.js';

export type { RemoteJob as AdbJob, RemotePrepared as AdbPrepared, RemoteRun as AdbRun } from '../remote/index.js';

/** adb's states ("device" is ready), plus "gone" once the server no longer lists the serial. */
export type AdbDeviceState = 'device' | 'offline' | 'unauthorized' | 'emulator' | 'unknown' | 'gone';

export interface AdbDevice {
  /** The adb serial. */
  id: string;
  /** The serial names the physical unit (for a phone on USB it is burnt in; over TCP it is host:port). */
  unitId: string;
  state: AdbDeviceState;
  /** What to do about a state that is not "device", for people. */
  problem: string | null;
  tags: Record<string, string>;
}

export interface AndroidFacts extends LinuxFacts {
  serial: string;
  model: string;
  manufacturer: string;
  soc: string;
  abi: string;
  android_version: string;
  sdk: number | null;
}

export interface AdbDriverOptions {
  /** The adb server; default 127.0.0.1:5037 (or $ANDROID_ADB_SERVER_PORT). */
  host?: string;
  port?: number;
  /** The phone's working folder; default /data/local/tmp/etbench (writable by the shell user). */
  scratch?: string;
}

/** A device as `adb devices` lists it. */
interface AdbListed {
  id: string;
  type: string;
}

const PROBLEM: Partial<Record<AdbDeviceState, string>> = {
  unauthorized: 'USB debugging is not authorized: accept the "Allow USB debugging?" prompt on the phone',
  offline: 'the device is offline: replug it, or `adb reconnect`',
  gone: 'the adb server no longer lists the device (unplugged)',
  unknown: 'adb reports an unknown state',
};

function stateOf(type: string): AdbDeviceState {
  return (['device', 'offline', 'unauthorized', 'emulator'] as const).find((s) => s === type) ?? 'unknown';
}

const socOf = (p: Record<string, string>): string => {
  const model = p['ro.soc.model'];
  if (model) return p['ro.soc.manufacturer'] ? `${p['ro.soc.manufacturer']} ${model}` : model;
  return p['ro.board.platform'] || p['ro.hardware'] || 'unknown';
};


/** Pushes a file unless it is there; beside it and renamed, so an interrupted push is never taken for a cached copy. */
async function putOnce(phone: DeviceClient, local: string, remote: string, mode: number): Promise<boolean> {
  if (await exists(phone, remote)) return false;
  await check(phone, `mkdir -p ${shQuote(path.posix.dirname(remote))}`);
  await push(phone, local, `${remote}.part`, mode);
  await check(phone, `chmod ${mode.toString(8)} ${shQuote(`${remote}.part`)} && mv -f ${shQuote(`${remote}.part`)} ${shQuote(remote)}`);
  return true;
}

export function createAdbDriver(options: AdbDriverOptions = {}) {
  const port = options.port ?? Number(process.env.ANDROID_ADB_SERVER_PORT ?? 5037);
  const client = Adb.createClient({ host: options.host ?? '127.0.0.1', port });
  const scratch = options.scratch ?? '/data/local/tmp/etbench';
  const factsCache = new Map<string, AndroidFacts>();
  const dc = (device: AdbDevice): DeviceClient => client.getDevice(device.id);

  const describe = (id: string, state: AdbDeviceState, tags: Record<string, string> = {}): AdbDevice => ({
    id, unitId: id, state, problem: PROBLEM[state] ?? null, tags: { kind: 'phone', os: 'android', ...tags },
  });

  async function currentState(id: string): Promise<AdbDeviceState> {
    const listed = (await client.listDevices() as AdbListed[]).find((d) => d.id === id);
    return listed ? stateOf(listed.type) : 'gone';
  }

  /** Pids of etrun left running by LOST jobs (a pulled cable stops nothing on the phone), killed on the next contact. */
  const orphans = new Map<string, number[]>();
  async function killOrphans(device: AdbDevice): Promise<void> {
    const pids = orphans.get(device.id);
    if (!pids) return;
    await check(dc(device), killOrphansCommand(pids, `${scratch}/runtime/`));
    orphans.delete(device.id);
  }

  async function probe(device: AdbDevice, files: readonly string[], cpuinfo: boolean) {
    return parseProbe(await shell(dc(device), probeCommand(files, cpuinfo)));
  }

  const driver = {
    name: 'adb',

    /** Every device the adb server lists, ready or not; ready ones carry their tags. */
    async discover(): Promise<AdbDevice[]> {
      return Promise.all((await client.listDevices() as AdbListed[]).map(async (d) => {
        const state = stateOf(d.type);
        const device = describe(d.id, state);
        if (state !== 'device' && state !== 'emulator') return device;
        try {
          const f = await driver.facts(device);
          return describe(d.id, state, { soc: f.soc, abi: f.abi, model: f.model, android: f.android_version });
        } catch (e) {
          // It went away (or stopped answering) between the list and the questions: not ready.
          return { ...describe(d.id, 'offline'), problem: `listed as ready but reading its facts failed: ${(e as Error).message}` };
        }
      }));
    },

    /**
     * Follows plug and unplug: onChange gets every device once, then each whose state changed
     * ("gone" when the server drops it). The server's track-devices stream is the prompt signal,
     * but it does not report every transition (adb 29 keeps a TCP device it lost as "offline"
     * without telling trackers), so the list is also polled every `pollMs`.
     */
    async watch(onChange: (device: AdbDevice) => void, { pollMs = 1000 } = {}): Promise<{ stop(): void }> {
      const known = new Map<string, AdbDeviceState>();
      let stopped = false;
      const refresh = async (): Promise<void> => {
        const listed = await (client.listDevices() as Promise<AdbListed[]>).catch(() => null);
        if (listed === null || stopped) return;
        const now = new Map(listed.map((d) => [d.id, stateOf(d.type)]));
        for (const [id, state] of now) {
          if (known.get(id) !== state) onChange(describe(id, state));
        }
        for (const id of known.keys()) {
          if (!now.has(id)) {
            factsCache.delete(id);
            onChange(describe(id, 'gone'));
          }
        }
        known.clear();
        for (const [id, state] of now) known.set(id, state);
      };
      const tracker = await client.trackDevices();
      tracker.on('changeSet', () => void refresh());
      tracker.on('error', () => undefined);
      const timer = setInterval(() => void refresh(), pollMs);
      await refresh();
      return {
        stop: () => {
          stopped = true;
          clearInterval(timer);
          tracker.end();
        },
      };
    },

    async facts(device: AdbDevice): Promise<AndroidFacts> {
      const cached = factsCache.get(device.id);
      if (cached) return cached;
      const props = (await dc(device).getProperties()) as Record<string, string>;
      const linux = linuxFacts(await probe(device, FACT_FILES, true));
      const sdk = Number(props['ro.build.version.sdk']);
      const facts: AndroidFacts = {
        ...linux,
        os: 'android',
        serial: device.id,
        model: props['ro.product.model'] ?? 'unknown',
        manufacturer: props['ro.product.manufacturer'] ?? 'unknown',
        soc: socOf(props),
        abi: props['ro.product.cpu.abi'] ?? linux.arch,
        android_version: props['ro.build.version.release'] ?? 'unknown',
        sdk: Number.isFinite(sdk) && props['ro.build.version.sdk'] ? sdk : null,
      };
      factsCache.set(device.id, facts);
      return facts;
    },

    async conditions(device: AdbDevice): Promise<LinuxConditions> {
      return linuxConditions(await probe(device, CONDITION_FILES, false));
    },

    /** Pushes the etrun for the phone's ABI (unless that sha256 is there) and the program. */
    async prepare(device: AdbDevice, runtimeBuild: RuntimeBuild | null, artifact: { path: string }): Promise<RemotePrepared> {
      const phone = dc(device);
      const runtime = await pickRuntime((await driver.facts(device)).abi, runtimeBuild);
      const put = (local: string, remote: string, mode: number): Promise<boolean> => putOnce(phone, local, remote, mode);
      const etrun = `${scratch}/runtime/${runtime.sha256}/etrun`;
      const program = `${scratch}/jobs/${await sha256File(artifact.path)}/${path.basename(artifact.path)}`;
      const pushedRuntime = await put(runtime.path, etrun, 0o755);
      const pushedProgram = await put(artifact.path, program, 0o644);
      return { dir: path.posix.dirname(program), etrun, program, runtime, pushed: { runtime: pushedRuntime, program: pushedProgram } };
    },

    /** `etrun --capabilities` of the build this driver runs on the phone (pushed if absent). */
    async runtimeCapabilities(device: AdbDevice): Promise<string> {
      const phone = dc(device);
      const runtime = await pickRuntime((await driver.facts(device)).abi, null);
      const etrun = `${scratch}/runtime/${runtime.sha256}/etrun`;
      await putOnce(phone, runtime.path, etrun, 0o755);
      return check(phone, `${shQuote(etrun)} --capabilities`);
    },

    /** Runs etrun with `adb shell`; killed on timeout or abort; LOST when the phone goes away mid-job. */
    async run(device: AdbDevice, job: RemoteJob, signal?: AbortSignal | null): Promise<RemoteRun> {
      const started = performance.now();
      const phone = dc(device);
      const lostRun = async (why: string): Promise<RemoteRun> => {
        const state = await currentState(device.id).catch(() => 'unknown' as const);
        return remoteOutcome({
          output: { pid: null, status: null, stdout: '', stderr: '' }, stoppedBy: null, timeoutMs: null,
          durationMs: performance.now() - started, lost: `${why} (device ${device.id} is now ${state})`,
        });
      };
      let before: LinuxConditions;
      let cooldown: Cooldown | null = null;
      try {
        await killOrphans(device);
        if (job.coolBelowC != null) {
          cooldown = await waitCool(async () => (await driver.conditions(device)).max_temperature_c, job.coolBelowC, {
            timeoutMs: job.coolTimeoutMs ?? 300_000, pollMs: 500, signal: signal ?? null,
          });
        }
        before = await driver.conditions(device);
      } catch (e) {
        return lostRun((e as Error).message);
      }
      const mask = job.pinBigCores === true ? bigCoreMask(await driver.facts(device)) : null;
      const command = jobCommand(job.prepared.dir, job.prepared.etrun, remoteJobArgv(job), mask === null ? [] : ['taskset', mask]);

      const timeoutMs = job.timeoutMs ?? 120_000;
      const timeout = AbortSignal.timeout(timeoutMs);
      const stop = AbortSignal.any([timeout, ...(signal ? [signal] : [])]);
      let stoppedBy: 'TIMEOUT' | 'CANCEL' | null = null;
      let seen = '';
      let stream: Awaited<ReturnType<typeof openShell>> | null = null;
      let killed = false;
      let fallback: NodeJS.Timeout | null = null;
      // Closing the shell stream need not stop the process on a phone: kill it by pid, as soon
      // as both the stop and the pid are there (the pid may arrive after the stop).
      const tryKill = (): void => {
        const pid = parseJobOutput(seen).pid;
        if (stoppedBy === null || killed || pid === null) return;
        killed = true;
        void shell(phone, killCommand(pid)).catch(() => stream?.destroy());
      };
      const onStop = (): void => {
        stoppedBy = timeout.aborted ? 'TIMEOUT' : 'CANCEL';
        tryKill();
        // Should the pid never come or the kill never land (the link is dying), stop waiting.
        fallback = setTimeout(() => stream?.destroy(), 15_000);
      };
      if (stop.aborted) onStop();
      else stop.addEventListener('abort', onStop, { once: true });
      try {
        stream = await openShell(phone, command);
        const text = await readToEnd(stream, (c) => {
          if (seen.length < 4096) seen += c;
          tryKill();
        });
        const output = parseJobOutput(text);
        if (output.status === null && stoppedBy === null && output.pid !== null) orphans.set(device.id, [...(orphans.get(device.id) ?? []), output.pid]);
        const lost = output.status === null && stoppedBy === null
          ? `the shell stream ended before the exit status (device ${device.id} is now ${await currentState(device.id).catch(() => 'unknown')})`
          : null;
        const run = remoteOutcome({ output, stoppedBy, timeoutMs, durationMs: performance.now() - started, lost });
        return stamp(run, device.unitId, { ...before, ...(cooldown ? { cooldown } : {}) });
      } catch (e) {
        return lostRun((e as Error).message);
      } finally {
        stop.removeEventListener('abort', onStop);
        if (fallback !== null) clearTimeout(fallback);
      }
    },

    /** Removes the phone's job folder (programs); the per-build etrun cache stays. */
    async cleanup(device: AdbDevice): Promise<void> {
      await killOrphans(device);
      await check(dc(device), `rm -rf ${shQuote(`${scratch}/jobs`)}`);
    },
  };
  return driver;
}

export type AdbDriver = ReturnType<typeof createAdbDriver>;
