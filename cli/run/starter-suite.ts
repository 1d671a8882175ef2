// The programs `etbench run` uses when --programs is omitted: the starter suite that program/
// writes on first use.

import path from 'node:path';
import { ensureStarterSuite } from '../../program/index.js';

/** Where the starter suite lives: $ETBENCH_HOME/suite, ETBENCH_HOME defaulting to ./.etbench. */
export function starterSuiteDir(env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env['ETBENCH_HOME'];
  return path.resolve(cwd, home !== undefined && home !== '' ? home : '.etbench', 'suite');
}

/** Writes the bundled starter programs into dir (if needed) and returns their .bpte paths. */
export async function loadStarterSuite(dir: string): Promise<string[]> {
  return ensureStarterSuite(dir);
}
