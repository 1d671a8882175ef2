// `etbench agent`: the process beside the devices. Runs until SIGINT/SIGTERM, or until the
// orchestrator refuses it (wrong token, incompatible version: exit 1 with the reason).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, HostDriver, QemuFarmDriver, SimDriver, type DeviceDriver } from '../../agent/index.js';
import { createAdbDriver } from '../../agent/drivers/adb/index.js';
import { createAppiumDriver, parseAppiumDevices, parseAppiumUrl } from '../../agent/drivers/appium/index.js';
import { lookupUser, type ResourceLimits, type RunAsUser } from '../../agent/drivers/host/limits.js';
import { RemoteFarmDriver } from '../../agent/drivers/remote/farm-driver.js';
import { createSshDriver, type SshBoardConfig } from '../../agent/drivers/ssh/index.js';
import type { Capabilities } from '../../proto/index.js';
import { ExitError, UsageError } from '../errors.js';
import { conditionOptions } from './agent-conditions.js';
import type { CliIo } from '../io.js';
import { etbenchHome, resolveToken } from './home.js';
import { TLS_FLAGS, TLS_HELP, tlsCredentials } from './tls-options.js';

export const AGENT_HELP = `Usage: etbench agent --orchestrator HOST:PORT [options]

Connects to an orchestrator, advertises this machine's devices and runs the jobs it is given,
one at a time per device, each in its own etrun process. Reconnects by itself.

  --orchestrator HOST:PORT   required
  --token TOKEN              a token with the agent scope (default $ETBENCH_TOKEN, $ETBENCH_HOME/token)
  --id ID                    stable agent id (default HOSTNAME-host)
  --host-devices IDS         device ids the host driver advertises (default host); empty for none
  --drivers LIST             local drivers: host, qemu (default host; qemu is the emulated
                             Cortex-M55, kind=mcu: needs arm-none-eabi-g++ and qemu-system-arm)
  --ssh USER@HOST[:PORT]     a Linux board over SSH (kind=board); repeatable
  --ssh-key FILE             private key for --ssh (default ~/.ssh/id_ed25519)
  --adb HOST:PORT            the adb server whose phones to advertise (kind=phone)
  --appium URL               an Appium server (http://HOST:PORT) whose app-only devices to
                             advertise (kind=phone; docs/devices.md)
  --appium-device JSON       one device's Appium capabilities (platformName, appium:automationName,
                             appium:udid, appium:bundleId or appium:appPackage + appium:appActivity);
                             repeatable
  --appium-devices FILE      a JSON array of such capability objects
  --sim N                    also advertise N simulated devices (testing the farm itself)
  --sim-job-ms N             how long a simulated job takes (default 2)
  --cache DIR                artifact cache (default $ETBENCH_HOME/cache)
  --gate KIND:KEY=V,...      conditions thresholds before every trial, per device kind (repeatable):
                             temp (C), load, battery (%), charging (yes|no), timeout (s), poll (s);
                             none turns one check off, KIND:off the gate (defaults: docs/trials.md)
  --affinity auto|off|CPUS   pin the host's etrun to CPUs with taskset (auto: the last CPUs, when
                             one host device is advertised; CPUS: e.g. 2,3); default auto
  --allow-root               run even as root (refused otherwise: run the agent as an
                             unprivileged user, or give --run-as)
  --run-as USER              as root: run each etrun as USER (setpriv; the cache must be
                             readable by USER)
  --limit-cpu-s N            CPU seconds per etrun, all threads together (default 3600)
  --limit-files N            open files per etrun (default 1024); core dumps are always off
${TLS_HELP}`;

export interface AgentCommandDeps {
  /** The effective uid (tests fake root with it); default process.geteuid. */
  geteuid?: () => number;
}

export async function agentCommand(argv: readonly string[], io: CliIo, deps: AgentCommandDeps = {}): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: {
        orchestrator: { type: 'string' }, token: { type: 'string' }, id: { type: 'string' }, 'host-devices': { type: 'string' },
        drivers: { type: 'string' }, ssh: { type: 'string', multiple: true }, 'ssh-key': { type: 'string' }, adb: { type: 'string' },
        appium: { type: 'string' }, 'appium-device': { type: 'string', multiple: true }, 'appium-devices': { type: 'string' },
        sim: { type: 'string' }, 'sim-job-ms': { type: 'string' }, cache: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        gate: { type: 'string', multiple: true }, affinity: { type: 'string' }, ...TLS_FLAGS,
        'allow-root': { type: 'boolean' }, 'run-as': { type: 'string' }, 'limit-cpu-s': { type: 'string' }, 'limit-files': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError(`agent: ${(e as Error).message}`);
  }
  if (values.help === true) {
    io.stdout(AGENT_HELP);
    return;
  }
  if (values.orchestrator === undefined || !/^[^\s:]+:\d+$/.test(values.orchestrator)) {
    throw new UsageError(`--orchestrator HOST:PORT is required${values.orchestrator === undefined ? '' : `, got '${values.orchestrator}'`}`);
  }
  const token = resolveToken(values.token, io.env, io.cwd);
  const channelCredentials = tlsCredentials(values, io.env);
  const home = etbenchHome(io.env, io.cwd);
  const id = values.id ?? `${(await import('node:os')).hostname()}-host`;
  const drivers: DeviceDriver[] = [];
  const local = values.drivers === undefined ? null : values.drivers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of local ?? []) if (name !== 'host' && name !== 'qemu') throw new UsageError(`--drivers: unknown driver '${name}' (host, qemu)`);
  const hostIds = local !== null && !local.includes('host') ? [] : (values['host-devices'] ?? 'host').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const { gates, affinity } = conditionOptions(values.gate ?? [], values.affinity);
  const privileges = agentPrivileges(values, deps.geteuid?.() ?? process.geteuid?.() ?? -1);
  const host = hostIds.length > 0 ? new HostDriver({ deviceIds: hostIds, env: io.env, affinity, limits: privileges.limits, runAs: privileges.runAs }) : null;
  if (host !== null) drivers.push(host);
  // Remote and emulated devices run this checkout's runtime: they take the host etrun's kernel sets.
  let hostCaps: Capabilities | null = null;
  const hostCapabilities = async (): Promise<Capabilities> => {
    hostCaps ??= (await (host ?? new HostDriver({ env: io.env })).discover())[0]?.capabilities ?? { kernelSets: [], backends: [] };
    return hostCaps;
  };
  // Opt-in: the emulated MCU's device id is fixed, so two agents on one machine must not both claim it.
  const qemu = local !== null && local.includes('qemu');
  if (qemu) {
    if (!QemuFarmDriver.available()) throw new UsageError('--drivers qemu: arm-none-eabi-g++ and qemu-system-arm must be installed (docs/mcu.md)');
    drivers.push(new QemuFarmDriver({ hostCapabilities: await hostCapabilities() }));
  }
  const closers: (() => void)[] = [];
  if (values.ssh !== undefined && values.ssh.length > 0) {
    const key = values['ssh-key'] ?? path.join(io.env['HOME'] ?? '', '.ssh', 'id_ed25519');
    const boards = values.ssh.map((target) => sshBoard(target, key));
    const ssh = new RemoteFarmDriver(createSshDriver({ boards }), { kind: 'board', hostCapabilities: await hostCapabilities(), readyState: 'ready' });
    drivers.push(ssh);
    closers.push(() => ssh.close());
  }
  if (values.adb !== undefined) {
    const m = /^([^\s:]+):(\d+)$/.exec(values.adb);
    if (m === null) throw new UsageError(`--adb must be HOST:PORT of an adb server, got '${values.adb}'`);
    const adb = new RemoteFarmDriver(createAdbDriver({ host: m[1]!, port: Number(m[2]) }), { kind: 'phone', hostCapabilities: await hostCapabilities(), readyState: 'device' });
    drivers.push(adb);
    closers.push(() => adb.close());
  }
  const appiumDevices = values['appium-device'] ?? [];
  if (values.appium === undefined && (appiumDevices.length > 0 || values['appium-devices'] !== undefined)) {
    throw new UsageError('--appium-device and --appium-devices need --appium URL (the Appium server)');
  }
  if (values.appium !== undefined) {
    const appium = new RemoteFarmDriver(appiumDriver(values.appium, appiumDevices, values['appium-devices'], io.cwd), {
      kind: 'phone', hostCapabilities: await hostCapabilities(), readyState: 'ready',
    });
    drivers.push(appium);
  }
  const sim = values.sim === undefined ? 0 : Number(values.sim);
  if (!Number.isSafeInteger(sim) || sim < 0) throw new UsageError(`--sim must be an integer >= 0, got '${values.sim}'`);
  if (sim > 0) {
    // Simulated devices claim what this host's runtime has, so they take the same programs.
    const host = hostIds.length > 0 ? (await drivers[0]!.discover())[0]?.capabilities : undefined;
    drivers.push(new SimDriver({
      deviceIds: Array.from({ length: sim }, (_, i) => `${id}-sim${i + 1}`),
      capabilities: host ?? { kernelSets: [], backends: [] },
      jobMs: values['sim-job-ms'] === undefined ? 2 : Number(values['sim-job-ms']),
    }));
  }
  if (drivers.length === 0) throw new UsageError('no devices: give --host-devices, --drivers, --ssh, --adb, --appium or --sim');
  if (privileges.refusal !== null) {
    for (const close of closers) close();
    throw new UsageError(privileges.refusal);
  }
  const agent = new Agent({
    orchestrator: values.orchestrator, token, agentId: id, drivers, cacheDir: values.cache ?? path.join(home, 'cache', id), gates,
    log: (line) => io.stderr(`${line}\n`), channelCredentials,
  });
  await agent.start();
  const stop = (): void => void agent.stop();
  io.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGTERM', stop);
  try {
    await agent.finished();
  } catch (e) {
    throw new ExitError(1, (e as Error).message);
  } finally {
    process.off('SIGTERM', stop);
    for (const close of closers) close();
  }
}

/**
 * Root is refused without --allow-root: etrun runs programs from the network. --run-as (root
 * only) drops each etrun to that user; the limits bind every etrun either way.
 */
function agentPrivileges(values: { 'allow-root'?: boolean; 'run-as'?: string; 'limit-cpu-s'?: string; 'limit-files'?: string }, euid: number): { limits: ResourceLimits; runAs: RunAsUser | null; refusal: string | null } {
  const count = (flag: 'limit-cpu-s' | 'limit-files', fallback: number): number => {
    const raw = values[flag];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${flag} must be an integer >= 1, got '${raw}'`);
    return n;
  };
  const limits: ResourceLimits = { cpuSeconds: count('limit-cpu-s', 3600), openFiles: count('limit-files', 1024), coreDumps: false };
  const runAsName = values['run-as'];
  if (runAsName !== undefined && euid !== 0) throw new UsageError('--run-as needs the agent to run as root (it switches each etrun to that user)');
  let runAs: RunAsUser | null = null;
  if (runAsName !== undefined) {
    try {
      runAs = lookupUser(runAsName);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (runAs.uid === 0) throw new UsageError(`--run-as ${runAsName}: that is root; name an unprivileged user`);
  }
  // Reported after every usage check, so that a bad flag is named first.
  const refusal = euid === 0 && runAsName === undefined && values['allow-root'] !== true
    ? 'the agent refuses to run as root: run it as an unprivileged user, give --run-as USER to run jobs as USER, or --allow-root' : null;
  return { limits, runAs, refusal };
}

/** `user@host[:port]` and a key file as an ssh board. */
function sshBoard(target: string, key: string): SshBoardConfig {
  const m = /^([^@\s]+)@([^\s:@]+)(?::(\d+))?$/.exec(target);
  if (m === null) throw new UsageError(`--ssh must be USER@HOST[:PORT], got '${target}'`);
  return { username: m[1]!, host: m[2]!, port: m[3] === undefined ? 22 : Number(m[3]), privateKey: key };
}

/** `--appium URL` with its devices (flags and/or a file); usage errors name the flag or file and what is wrong. */
function appiumDriver(url: string, flags: readonly string[], file: string | undefined, cwd: string) {
  try {
    const server = parseAppiumUrl(url);
    let text: { name: string; text: string } | null = null;
    if (file !== undefined) {
      try {
        text = { name: file, text: readFileSync(path.resolve(cwd, file), 'utf8') };
      } catch (e) {
        throw new Error(`--appium-devices: cannot read ${file}: ${(e as Error).message}`);
      }
    }
    const devices = parseAppiumDevices(flags, text);
    if (devices.length === 0) throw new Error('--appium needs at least one --appium-device JSON or --appium-devices FILE');
    return createAppiumDriver({ server, devices });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
