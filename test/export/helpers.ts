// Shared by the export tests: the CLI in-process with captured output, the Python environment
// they need (and the skip-or-fail rule when it is missing), and a small etrun runner.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';
import { etrunBuildPath, validateRunnerResult, type RunnerResult } from '../../native/runner/index.js';
import { repoRoot } from '../helpers/fixtures.js';

export { PYTHON, withPython } from '../helpers/python.js';
export const ETRUN = etrunBuildPath('release');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `etbench ...args` in this process, output captured. */
export async function etbench(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stderrIsTTY: false,
    cwd: repoRoot,
    env: { ...process.env, ...env },
    signal: null,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

export const show = (r: CliRun): string => `exit ${r.code}\nstderr:\n${r.stderr.slice(-4000)}\nstdout:\n${r.stdout.slice(0, 4000)}`;

export interface EtrunRun {
  code: number | null;
  stderr: string;
  result: RunnerResult | null;
}

/** etrun on a program with its default inputs (bundled for a .bpte), one iteration. */
export function etrun(file: string, extra: readonly string[] = []): EtrunRun {
  if (!existsSync(ETRUN)) throw new Error(`${ETRUN} does not exist. Run \`npm run build\``);
  const done = spawnSync(ETRUN, [file, '--iterations', '1', '--warmup', '0', ...extra], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  if (done.error) throw done.error;
  const result = done.stdout.trim() === '' ? null : validateRunnerResult(JSON.parse(done.stdout));
  return { code: done.status, stderr: done.stderr, result };
}

