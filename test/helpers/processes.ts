// Running the package's bin shims in child processes, as a user's shell would.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

/** Compiles the TypeScript to dist/ (what bin/etbench.js loads) so the shim runs this checkout's
 * code, not a stale build. Type errors elsewhere do not stop the emit; `npm run typecheck`
 * reports them. */
export function buildDist(): void {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'ignore' });
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
    throw new Error('tsc -p tsconfig.build.json did not produce dist/cli/main.js: run `npm run build` and read its errors');
  }
}

export const describe = (f: Finished): string => `exit ${String(f.code)} signal ${String(f.signal)}\nstderr:\n${f.stderr}\nstdout:\n${f.stdout.slice(0, 4000)}`;
