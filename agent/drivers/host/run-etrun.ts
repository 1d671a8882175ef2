// Runs etrun once as a child process of this one and reports how it ended.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildEtrunArgs, type EtrunArgs } from './args.js';
import { limitedCommand, type ResourceLimits, type RunAsUser } from './limits.js';
import { locateEtrun } from './locate.js';
import { interpretEnding, type EtrunRun, type ProcessEnding } from './outcome.js';

export interface RunEtrunOptions extends EtrunArgs {
  /** The binary; otherwise $ETBENCH_ETRUN, otherwise build/native/release/etrun. */
  etrunPath?: string | null;
  /** Wall-clock limit; when it passes etrun gets SIGTERM, then SIGKILL after killGraceMs. */
  timeoutMs?: number | null;
  /** Time between SIGTERM and SIGKILL; default 2000 ms. */
  killGraceMs?: number;
  /** Aborting it stops the run the same way a timeout does; the run is then CANCELLED. */
  signal?: AbortSignal | null;
  /** The child's environment (and where ETBENCH_ETRUN is read); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The job's memory bound: the child's address-space limit (see limits.ts). */
  memoryLimitBytes?: number | null;
  /** Confine etrun to these CPUs with `taskset -c` (which execs etrun: the pid stays etrun's). */
  cpus?: readonly number[] | null;
  /** The taskset binary; default `taskset` on PATH. */
  tasksetPath?: string | null;
  /** The agent's other limits (CPU time, open files, core dumps); the address space comes from memoryLimitBytes. */
  limits?: ResourceLimits;
  /** Run etrun as this user (the agent runs as root). */
  runAs?: RunAsUser | null;
}

/** Keep at most this much of stderr: a runaway log must not exhaust the agent's memory. */
const STDERR_LIMIT = 1 << 20;

/**
 * Runs one etrun process to the end and classifies it (see EtrunStatus). A failure of the run
 * itself is a value; only a missing binary or a failure to start it throws.
 * @throws EtrunNotFoundError when the binary is missing or not executable.
 */
export async function runEtrun(options: RunEtrunOptions): Promise<EtrunRun> {
  const binary = await locateEtrun({ etrunPath: options.etrunPath ?? null, env: options.env ?? process.env });
  const inputs = options.inputs;
  const argv = buildEtrunArgs({
    ...options,
    program: path.resolve(options.program),
    inputs: inputs != null && typeof inputs === 'object' && 'file' in inputs ? { file: path.resolve(inputs.file) } : inputs,
  });
  const timeoutMs = options.timeoutMs ?? null;
  const timeout = timeoutMs === null ? null : AbortSignal.timeout(timeoutMs);
  const stop = AbortSignal.any([timeout, options.signal].filter((s): s is AbortSignal => s != null));

  const started = performance.now();
  // The wrappers (prlimit or sh, setpriv, taskset) exec etrun, so etrun keeps the pid and its signals are its own.
  const pinned = options.cpus != null && options.cpus.length > 0;
  const [program, programArgs] = pinned ? [options.tasksetPath ?? 'taskset', ['-c', options.cpus!.join(','), binary, ...argv]] : [binary, argv];
  const [file, args] = limitedCommand(program, programArgs, { coreDumps: false, ...options.limits, addressSpaceBytes: options.memoryLimitBytes ?? null }, options.runAs ?? null);
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_LIMIT);
  });

  let stoppedBy: ProcessEnding['stoppedBy'] = null;
  let killTimer: NodeJS.Timeout | null = null;
  const onStop = (): void => {
    stoppedBy = timeout?.aborted === true ? 'TIMEOUT' : 'CANCEL';
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs ?? 2000);
  };
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });

  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolve([code, sig]));
    });
    return interpretEnding({
      exitCode,
      signal,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr,
      stoppedBy,
      timeoutMs,
      durationMs: performance.now() - started,
    });
  } finally {
    stop.removeEventListener('abort', onStop);
    if (killTimer !== null) clearTimeout(killTimer);
  }
}
