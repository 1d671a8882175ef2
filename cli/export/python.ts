// The project's Python environment (.venv, made by `etbench setup python`) and running the
// scripts in exporter/ with it: the real ExecuTorch exporter and ExecuTorch's own runtime.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { packagePath } from '../../native/runner/index.js';
import { ExitError } from '../errors.js';

/** Overrides the interpreter (a venv's bin/python with the pinned packages). */
export const PYTHON_ENV = 'ETBENCH_PYTHON';

/** The Python environment is missing: exit 1, with the command that creates it. */
export class PythonEnvMissingError extends ExitError {
  override name = 'PythonEnvMissingError';
  readonly python: string;

  constructor(python: string, options?: { cause?: unknown }) {
    super(1, `${python} does not exist or is not executable: run \`etbench setup python\` (installs ExecuTorch, torch and torchvision into .venv; docs/python.md)`, options);
    this.python = python;
  }
}

/** $ETBENCH_PYTHON, else .venv/bin/python in the package root. */
export function pythonPath(env: NodeJS.ProcessEnv): string {
  const fromEnv = env[PYTHON_ENV];
  return path.resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : packagePath('.venv', 'bin', 'python'));
}

/** @throws PythonEnvMissingError when the interpreter is not there. */
export async function locatePython(env: NodeJS.ProcessEnv): Promise<string> {
  const python = pythonPath(env);
  try {
    await access(python, constants.X_OK);
  } catch (cause) {
    throw new PythonEnvMissingError(python, { cause });
  }
  return python;
}

/** A script in the package's exporter/ folder. */
export function exporterScript(name: 'export.py' | 'run_executorch.py'): string {
  return packagePath('exporter', name);
}

export interface PythonRunOptions {
  python: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Wall-clock limit; then SIGTERM, and SIGKILL 5 s later. */
  timeoutMs?: number | null;
  signal?: AbortSignal | null;
  /** Called with each complete line of standard output as it arrives. */
  onLine?: (line: string) => void;
  /** Called with standard error as it arrives (torch's warnings, progress). */
  onStderr?: (text: string) => void;
}

export interface PythonRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Standard output; empty when onLine consumed it. */
  stdout: string;
  /** The last 64 KiB of standard error. */
  stderrTail: string;
  stoppedBy: 'TIMEOUT' | 'CANCEL' | null;
  durationMs: number;
}

const STDERR_TAIL = 64 << 10;

/** Runs the interpreter to the end; never rejects for the script's own failure. */
export async function runPython(options: PythonRunOptions): Promise<PythonRun> {
  const timeout = options.timeoutMs == null ? null : AbortSignal.timeout(options.timeoutMs);
  const stop = AbortSignal.any([timeout, options.signal].filter((s): s is AbortSignal => s != null));
  const started = performance.now();
  const child = spawn(options.python, [...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Unbuffered, so each report line arrives when the script writes it.
    env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' },
  });
  let stdout = '';
  let pending = '';
  let stderrTail = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (options.onLine === undefined) {
      stdout += chunk;
      return;
    }
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') options.onLine(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
    options.onStderr?.(chunk);
  });

  let stoppedBy: PythonRun['stoppedBy'] = null;
  let killTimer: NodeJS.Timeout | null = null;
  const onStop = (): void => {
    stoppedBy = timeout?.aborted === true ? 'TIMEOUT' : 'CANCEL';
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
  };
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    if (pending.trim() !== '' && options.onLine !== undefined) options.onLine(pending);
    return { code, signal, stdout, stderrTail, stoppedBy, durationMs: performance.now() - started };
  } finally {
    stop.removeEventListener('abort', onStop);
    if (killTimer !== null) clearTimeout(killTimer);
  }
}
