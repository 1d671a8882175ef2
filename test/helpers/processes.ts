// Running the package's bin shims in child processes, as a user's shell would.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/<name>.js ...args` from the repository root; never rejects on a failing exit. */
export function runBin(name: 'etbench' | 'etrun', args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 110_000): Promise<Finished> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(repoRoot, 'bin', `${name}.js`), ...args],
      // The embedded farm leaves out the emulated MCU unless a test asks for it (ETBENCH_MCU=1):
      // otherwise every `--devices all` would build firmware for each program.
      { cwd: repoRoot, env: { ...process.env, ETBENCH_MCU: '0', ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
    );
  });
}

// The directories tsconfig.build.json compiles: its "include" patterns, each "<dir>/**/*.ts".
function buildSources(): string[] {
  const config = JSON.parse(readFileSync(path.join(repoRoot, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  return config.include.map((pattern) => {
    const dir = pattern.replace(/\/\*\*\/\*\.ts$/, '');
    if (dir === pattern) throw new Error(`tsconfig.build.json: include "${pattern}" is not of the form <dir>/**/*.ts`);
    return dir;
  });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles the TypeScript to dist/ (what bin/etbench.js loads) so the shim runs this checkout's
 * code, not a stale build. Type errors elsewhere do not stop the emit; `npm run typecheck`
 * reports them. Test files run in parallel processes and several call this: one compiles at a
 * time (a lock directory), and dist/ is rewritten only when a source is newer than the last
 * build, because tsc rewriting dist/ while another process's etbench imports it made that
 * import fail (CI: "does not provide an export named 'BenchServiceClient'"). */
export function buildDist(): void {
  const lock = path.join(repoRoot, 'dist.build-lock');
  const stamp = path.join(repoRoot, 'dist', '.build-stamp');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed process is stale after the longest build.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is held by another process for over 5 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    const newest = Math.max(...buildSources().map((d) => newestSource(path.join(repoRoot, d))));
    if (!existsSync(stamp) || statSync(stamp).mtimeMs < newest) {
      const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'ignore' });
      if (existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) writeFileSync(stamp, '');
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
    throw new Error('tsc -p tsconfig.build.json did not produce dist/cli/main.js: run `npm run build` and read its errors');
  }
}

export const describe = (f: Finished): string => `exit ${String(f.code)} signal ${String(f.signal)}\nstderr:\n${f.stderr}\nstdout:\n${f.stdout.slice(0, 4000)}`;
