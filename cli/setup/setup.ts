// `etbench setup python`: creates or updates the project's Python environment (.venv) by running
// scripts/setup-python.sh, whose messages stream to standard error as it works.

import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { packagePath } from '../../native/runner/index.js';
import { CancelledError, ExitError, UsageError } from '../errors.js';
import { processIo, type CliIo } from '../io.js';

export const SETUP_TARGETS = ['python'] as const;
export type SetupTarget = (typeof SETUP_TARGETS)[number];

export interface SetupOptions {
  target: SetupTarget;
  /** Delete the environment and install again. */
  force: boolean;
}

export const SETUP_HELP = `Usage: etbench setup python [--force]

Creates .venv in the package root with the pinned ExecuTorch, torch, torchvision and torchao
(exporter/requirements.txt + constraints.txt) that \`etbench export\` and \`etbench crosscheck\`
use. Does nothing when it is up to date. The first install downloads about 3 GB.
Runs scripts/setup-python.sh; PYTHON=... picks the interpreter (3.10-3.12).

  --force      delete .venv and install again
  -h, --help   this help

Exit codes: 0 ready, 1 the install failed (its messages say why), 2 usage error.
`;

/** The environment could not be set up: exit 1. */
export class SetupFailedError extends ExitError {
  override name = 'SetupFailedError';
}

/** @returns null for --help. @throws UsageError */
export function parseSetupArgs(argv: readonly string[]): SetupOptions | null {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (cause) {
    throw new UsageError(`setup: ${(cause as Error).message}`, { cause });
  }
  if (parsed.values.help === true) return null;
  const [target, ...rest] = parsed.positionals;
  if (target === undefined) throw new UsageError(`setup: what to set up is required: ${SETUP_TARGETS.join(', ')}`);
  if (!(SETUP_TARGETS as readonly string[]).includes(target)) throw new UsageError(`setup: unknown target '${target}'; choose from ${SETUP_TARGETS.join(', ')}`);
  if (rest.length > 0) throw new UsageError(`setup: unexpected argument '${rest[0]}'`);
  return { target: target as SetupTarget, force: parsed.values.force === true };
}

/**
 * @throws SetupFailedError (exit 1) when the script fails; CancelledError (130) on Ctrl-C.
 */
export async function setup(options: SetupOptions, io: CliIo = processIo()): Promise<void> {
  const script = packagePath('scripts', 'setup-python.sh');
  const child = spawn('bash', [script, ...(options.force ? ['--force'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env: io.env, cwd: packagePath() });
  child.stdout.setEncoding('utf8').on('data', (text: string) => io.stderr(text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => io.stderr(text));
  const onAbort = (): boolean => child.kill('SIGTERM');
  io.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    if (io.signal?.aborted === true) throw new CancelledError();
    if (code !== 0) throw new SetupFailedError(1, `setup python failed: ${script} exited with ${String(code)}`);
  } finally {
    io.signal?.removeEventListener('abort', onAbort);
  }
}
