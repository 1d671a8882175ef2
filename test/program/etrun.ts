/**
 * Running the real runtime (build/native/release/etrun) on programs the tests
 * write: a temporary folder per test, and one spawn helper that parses the
 * JSON document. Tests that use it are test.serial (they spawn processes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { validateRunnerResult, type RunnerResult } from '../../native/runner/index.js';
import { repoRoot } from './helpers.js';

export const ETRUN = path.join(repoRoot, 'build', 'native', 'release', 'etrun');

export interface EtrunOutput {
  dtype: string;
  shape: number[];
  data: (number | boolean | string)[];
}

export interface EtrunRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The JSON document (null when stdout is not one). */
  doc: {
    outputs: EtrunOutput[] | null;
    correctness: { pass: boolean; max_abs_err: number | string }[] | null;
    error: { code: number; name: string; message: string } | null;
    memory: { planned_bytes: number[]; method_allocator_bytes: number } | null;
  } | null;
}

export function etrun(args: readonly string[]): EtrunRun {
  if (!existsSync(ETRUN)) throw new Error(`${ETRUN} does not exist. Run \`npm run build\``);
  const done = spawnSync(ETRUN, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 << 20 });
  if (done.error) throw done.error;
  let doc: EtrunRun['doc'] = null;
  try {
    doc = JSON.parse(done.stdout) as EtrunRun['doc'];
  } catch {
    doc = null;
  }
  return { code: done.status, stdout: done.stdout, stderr: done.stderr, doc };
}

/** etrun with its document checked against the runner contract's schema (doc null when it is not one). */
export function etrunChecked(args: readonly string[]): Omit<EtrunRun, 'doc'> & { doc: RunnerResult | null } {
  const run = etrun(args);
  let doc: RunnerResult | null = null;
  try {
    doc = validateRunnerResult(JSON.parse(run.stdout));
  } catch {
    doc = null;
  }
  return { ...run, doc };
}

/** One short run: random inputs (seed 3), outputs printed, one execute timed, no warmup. */
export const QUICK = ['--inputs', 'random:3', '--print-outputs', '--iterations', '1', '--warmup', '0'];

export function describeRun(r: EtrunRun): string {
  return `exit ${String(r.code)}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(0, 3000)}`;
}

/** A fresh folder for one test's files, removed when the test ends. */
export async function tempDir(t: ExecutionContext, prefix = 'etbench-program-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function writeTemp(dir: string, name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}
