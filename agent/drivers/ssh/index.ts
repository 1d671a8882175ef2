// The `ssh` driver: Linux boards reached over SSH (ssh2, key authentication) as devices of the
// farm, following DESIGN.md's driver interface like agent/drivers/qemu. Self-contained: it
// exports the functions; wiring them into the agent's driver registry is the agent's job.
//
//   const ssh = createSshDriver({ boards: [{ host: 'rpi5.lab', username: 'bench', privateKey: '~/.ssh/id_ed25519' }] });
//   const [board] = await ssh.discover();                 // unitId "ssh:SHA256:..." (its host key)
//   const prepared = await ssh.prepare(board, null, { path: 'model.pte' });   // SFTP, once per sha256
//   const run = await ssh.run(board, { prepared, iterations: 20, timeoutMs: 60_000 }, abort.signal);
//   if (run.status === 'LOST') requeue();                 // the link broke mid-job
//   await ssh.cleanup(board); ssh.close();
//
// On the board: <scratch>/runtime/<sha256>/etrun (kept between jobs: pushed once per build) and
// <scratch>/jobs/<program sha256>/<program> (removed by cleanup). Nothing else is written.

import path from 'node:path';
import {
  CONDITION_FILES, FACT_FILES, bigCoreMask, jobCommand, killCommand, killOrphansCommand, linuxConditions, linuxFacts, parseJobOutput,
  parseProbe, pickRuntime, probeCommand, remoteJobArgv, remoteOutcome, sha256File, shQuote, stamp, waitCool,
  type Cooldown, type LinuxConditions, type LinuxFacts, type RemoteJob, type RemotePrepared, type RemoteRun,
  type RuntimeBuild,
} from '../remote/index.js';
import { check, connect, exec, targetOf, upload, type Connected, type SshBoard } from './connection.js';
import { SshError, type SshFailure } from './errors.js';

export { SshError, type SshFailure } from './errors.js';
export { fingerprint, type SshBoard } from './connection.js';
export type { RemoteJob as SshJob, RemotePrepared as SshPrepared, RemoteRun as SshRun } from '../remote/index.js';

export interface SshBoardConfig extends SshBoard {
  /** The device id in the farm; default "ssh:user@host:port". */
  name?: string;
  /** The board's working folder; default /tmp/etbench-agent. */
  scratch?: string;
}

export type SshDeviceState = 'ready' | 'unreachable' | 'auth-refused' | 'host-key-mismatch';

export interface SshDevice {
  id: string;
  /** "ssh:" + the host key's SHA256 fingerprint; null until the board was reached once. */
  unitId: string | null;
  state: SshDeviceState;
  /** Why the state is not ready, for people. */
  problem: string | null;
  tags: Record<string, string>;
  board: SshBoardConfig;
}

export interface SshFacts extends LinuxFacts {
  hostname: string;
  host_key: string;
}

const STATE_OF: Record<SshFailure, SshDeviceState> = {
  UNREACHABLE: 'unreachable', LOST: 'unreachable', AUTH_REFUSED: 'auth-refused', HOST_KEY_MISMATCH: 'host-key-mismatch',
};


/** Uploads a file unless it is there; beside it and renamed, so an interrupted copy is never taken for a cached one. */
async function putOnce(conn: Connected, local: string, remote: string, mode: number): Promise<boolean> {
  const there = await exec(conn, `test -f ${shQuote(remote)}`);
  if (there.code === 0) return false;
  await check(conn, `mkdir -p ${shQuote(path.posix.dirname(remote))}`);
  await upload(conn, local, `${remote}.part`, mode);
  await check(conn, `mv -f ${shQuote(`${remote}.part`)} ${shQuote(remote)}`);
  return true;
}

export function createSshDriver(options: { boards: SshBoardConfig[] }) {
  const connections = new Map<string, Connected>();
  const factsCache = new Map<string, SshFacts>();
  const idOf = (b: SshBoardConfig): string => b.name ?? `ssh:${targetOf(b)}`;
  const scratchOf = (d: SshDevice): string => d.board.scratch ?? '/tmp/etbench-agent';

  /** The open connection to a board, reconnecting when it closed; the host key must not change. */
  async function connection(device: SshDevice): Promise<Connected> {
    const open = connections.get(device.id);
    if (open && open.closed === null) return open;
    const pinned = device.board.hostKey ?? (device.unitId?.replace(/^ssh:/, '') || null);
    const conn = await connect({ ...device.board, hostKey: pinned });
    connections.set(device.id, conn);
    return conn;
  }

  /** Pids of etrun left running by LOST jobs, per device, killed on the next contact. */
  const orphans = new Map<string, number[]>();
  async function killOrphans(device: SshDevice, conn: Connected): Promise<void> {
    const pids = orphans.get(device.id);
    if (!pids) return;
    await check(conn, killOrphansCommand(pids, `${scratchOf(device)}/runtime/`));
    orphans.delete(device.id);
  }

  async function probe(device: SshDevice, files: readonly string[], cpuinfo: boolean) {
    return parseProbe(await check(await connection(device), probeCommand(files, cpuinfo)));
  }

  const driver = {
    name: 'ssh',

    /** Connects to every configured board (reusing open connections); one that cannot be reached is listed with its state. */
    async discover(): Promise<SshDevice[]> {
      return Promise.all(options.boards.map(async (board): Promise<SshDevice> => {
        const device: SshDevice = { id: idOf(board), unitId: null, state: 'unreachable', problem: null, tags: { kind: 'board', os: 'linux' }, board };
        try {
          const conn = await connection(device);
          device.unitId = `ssh:${conn.hostKey}`;
          const facts = await driver.facts(device);
          return { ...device, state: 'ready', tags: { ...device.tags, arch: facts.arch } };
        } catch (e) {
          const failure = e instanceof SshError ? e.failure : 'UNREACHABLE';
          return { ...device, state: STATE_OF[failure], problem: (e as Error).message };
        }
      }));
    },

    /** Polls the boards; calls onChange with the whole list whenever a state or unit changes. */
    watch(onChange: (devices: SshDevice[]) => void, { intervalMs = 30_000 } = {}): { stop(): void } {
      let last = '';
      let stopped = false;
      let busy = false;
      const tick = async (): Promise<void> => {
        // A slow board must not pile up discoveries: skip the tick while one is still running.
        if (busy) return;
        busy = true;
        const devices = await driver.discover().finally(() => { busy = false; });
        const key = JSON.stringify(devices.map((d) => [d.id, d.unitId, d.state]));
        if (!stopped && key !== last) {
          last = key;
          onChange(devices);
        }
      };
      const timer = setInterval(() => void tick(), intervalMs);
      void tick();
      return { stop: () => { stopped = true; clearInterval(timer); } };
    },

    async facts(device: SshDevice): Promise<SshFacts> {
      const cached = factsCache.get(device.id);
      if (cached) return cached;
      const conn = await connection(device);
      const p = await probe(device, FACT_FILES, true);
      const facts: SshFacts = { ...linuxFacts(p), hostname: (await check(conn, 'uname -n')).trim(), host_key: conn.hostKey };
      factsCache.set(device.id, facts);
      return facts;
    },

    async conditions(device: SshDevice): Promise<LinuxConditions> {
      return linuxConditions(await probe(device, CONDITION_FILES, false));
    },

    /** Uploads the etrun for the board's architecture (unless that sha256 is there) and the program. */
    async prepare(device: SshDevice, runtimeBuild: RuntimeBuild | null, artifact: { path: string }): Promise<RemotePrepared> {
      const conn = await connection(device);
      const runtime = await pickRuntime((await driver.facts(device)).arch, runtimeBuild);
      const root = scratchOf(device);
      const put = (local: string, remote: string, mode: number): Promise<boolean> => putOnce(conn, local, remote, mode);
      const etrun = `${root}/runtime/${runtime.sha256}/etrun`;
      const programSha = await sha256File(artifact.path);
      const program = `${root}/jobs/${programSha}/${path.basename(artifact.path)}`;
      const pushedRuntime = await put(runtime.path, etrun, 0o755);
      const pushedProgram = await put(artifact.path, program, 0o644);
      return { dir: path.posix.dirname(program), etrun, program, runtime, pushed: { runtime: pushedRuntime, program: pushedProgram } };
    },

    /** `etrun --capabilities` of the build this driver runs on the board (pushed if absent). */
    async runtimeCapabilities(device: SshDevice): Promise<string> {
      const conn = await connection(device);
      const runtime = await pickRuntime((await driver.facts(device)).arch, null);
      const etrun = `${scratchOf(device)}/runtime/${runtime.sha256}/etrun`;
      await putOnce(conn, runtime.path, etrun, 0o755);
      return check(conn, `${shQuote(etrun)} --capabilities`);
    },

    /** Runs etrun on the board; the remote process is killed on timeout or abort. */
    async run(device: SshDevice, job: RemoteJob, signal?: AbortSignal | null): Promise<RemoteRun> {
      const started = performance.now();
      const lostRun = (why: string): RemoteRun => remoteOutcome({
        output: { pid: null, status: null, stdout: '', stderr: '' }, stoppedBy: null, timeoutMs: null, durationMs: performance.now() - started, lost: why,
      });
      let conn: Connected;
      let before: LinuxConditions;
      let cooldown: Cooldown | null = null;
      try {
        conn = await connection(device);
        await killOrphans(device, conn);
        if (job.coolBelowC != null) {
          cooldown = await waitCool(async () => (await driver.conditions(device)).max_temperature_c, job.coolBelowC, { timeoutMs: job.coolTimeoutMs ?? 300_000, signal: signal ?? null });
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
      const closer = new AbortController();
      let killed = false;
      let fallback: NodeJS.Timeout | null = null;
      // Closing an exec channel does not stop a process without a terminal: kill it by pid, as
      // soon as both the stop and the pid are there (the pid may arrive after the stop).
      const tryKill = (): void => {
        const pid = parseJobOutput(seen).pid;
        if (stoppedBy === null || killed || pid === null) return;
        killed = true;
        void exec(conn, killCommand(pid)).catch(() => closer.abort());
      };
      const onStop = (): void => {
        stoppedBy = timeout.aborted ? 'TIMEOUT' : 'CANCEL';
        tryKill();
        // No pid within 10 s (the command never started): give up on the channel.
        fallback = setTimeout(() => { if (!killed) closer.abort(); }, 10_000);
      };
      if (stop.aborted) onStop();
      else stop.addEventListener('abort', onStop, { once: true });
      try {
        const r = await exec(conn, command, {
          onStdout: (c) => {
            if (seen.length < 4096) seen += c;
            tryKill();
          },
          signal: closer.signal,
        });
        const output = parseJobOutput(r.stdout);
        const run = remoteOutcome({
          output, stoppedBy, timeoutMs, durationMs: performance.now() - started,
          lost: conn.closed?.reason ?? (r.code === null ? 'the exec channel closed without an exit status' : null),
        });
        if (run.status === 'LOST' && output.pid !== null) orphans.set(device.id, [...(orphans.get(device.id) ?? []), output.pid]);
        return stamp(run, `ssh:${conn.hostKey}`, { ...before, ...(cooldown ? { cooldown } : {}) });
      } catch (e) {
        return lostRun((e as Error).message);
      } finally {
        stop.removeEventListener('abort', onStop);
        if (fallback !== null) clearTimeout(fallback);
      }
    },

    /** Removes the board's job folder (programs); the per-build etrun cache stays. */
    async cleanup(device: SshDevice): Promise<void> {
      const conn = await connection(device);
      await killOrphans(device, conn);
      await check(conn, `rm -rf ${shQuote(`${scratchOf(device)}/jobs`)}`);
    },

    /** Closes every connection (the agent calls it on shutdown). */
    close(): void {
      for (const c of connections.values()) c.client.end();
      connections.clear();
    },
  };
  return driver;
}

export type SshDriver = ReturnType<typeof createSshDriver>;
