// The one mechanism that bounds an etrun process: resource limits set on the child before it
// execs etrun (address space, CPU time, open files, no core dumps) and, for an agent started as
// root, dropping to another user. With util-linux (Debian's default install) that is
// `prlimit ... -- [setpriv ...] -- etrun ...`; without prlimit a /bin/sh `ulimit` prefix sets
// the same limits. Either way each wrapper execs the next, so etrun keeps the pid the agent
// signals, and limits set before the user switch bind the unprivileged etrun too.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ResourceLimits {
  /** RLIMIT_AS: the job's memory bound; an allocation past it fails (etrun: MEMORY_LIMIT). */
  addressSpaceBytes?: number | null;
  /** RLIMIT_CPU: CPU seconds over all threads; past it the kernel sends SIGXCPU. */
  cpuSeconds?: number | null;
  /** RLIMIT_NOFILE. */
  openFiles?: number | null;
  /** Core dumps stay off (RLIMIT_CORE 0) unless this is true: a crashing job must not fill the disk. */
  coreDumps?: boolean;
}

/** A user to run etrun as (only an agent running as root can switch). */
export interface RunAsUser {
  name: string;
  uid: number;
  gid: number;
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p)) ?? null;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/**
 * The user's uid and gid from the system's user database (`id`).
 * @throws Error naming the user when it does not exist.
 */
export function lookupUser(name: string): RunAsUser {
  const id = (flag: string): number => {
    const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`--run-as: no user '${name}' on this host (${r.stderr.trim() || 'id failed'})`);
    return Number(r.stdout.trim());
  };
  return { name, uid: id('-u'), gid: id('-g') };
}

/** The file and arguments that run binary with argv under the limits (and as the user). */
export function limitedCommand(binary: string, argv: readonly string[], limits: ResourceLimits, runAs: RunAsUser | null = null,
  tools: { prlimit: string | null; setpriv: string | null } = { prlimit: PRLIMIT, setpriv: SETPRIV }): [string, string[]] {
  let command = [binary, ...argv];
  if (runAs !== null) {
    if (tools.setpriv === null) throw new Error('--run-as needs setpriv (util-linux) on this host');
    command = [tools.setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', '--', ...command];
  }
  const as = limits.addressSpaceBytes ?? null;
  const cpu = limits.cpuSeconds ?? null;
  const files = limits.openFiles ?? null;
  const core = limits.coreDumps === true ? null : 0;
  if (tools.prlimit !== null) {
    // One value sets the soft and the hard limit: etrun cannot raise them again.
    const flags = [as === null ? null : `--as=${Math.max(1, Math.floor(as))}`, cpu === null ? null : `--cpu=${Math.max(1, Math.ceil(cpu))}`,
      files === null ? null : `--nofile=${files}`, core === null ? null : '--core=0'].filter((f): f is string => f !== null);
    if (flags.length === 0) return [command[0]!, command.slice(1)];
    return [tools.prlimit, [...flags, '--', ...command]];
  }
  // sh's ulimit counts address space in KiB. Soft first: a hard limit below the current soft one is refused.
  const both = (flag: string, value: number): string => `ulimit -S${flag} ${value} && ulimit -H${flag} ${value}`;
  const steps = [as === null ? null : both('v', Math.max(1, Math.floor(as / 1024))), cpu === null ? null : both('t', Math.max(1, Math.ceil(cpu))),
    files === null ? null : both('n', files), core === null ? null : both('c', 0)].filter((s): s is string => s !== null);
  if (steps.length === 0) return [command[0]!, command.slice(1)];
  return ['/bin/sh', ['-c', `${steps.join(' && ')} && exec "$@"`, 'sh', ...command]];
}
