// The programs `etbench run` uses when --programs is omitted: the starter suite that program/
// writes on first use. Loaded lazily so a run with explicit programs never loads program/.

import path from 'node:path';

interface ProgramModule {
  /** Writes the bundled starter programs into dir (if needed) and returns their .bpte paths. */
  ensureStarterSuite(dir: string): string[];
}

// A variable specifier keeps the import lazy (and lets this compile before program/ lands).
const PROGRAM_MODULE = '../../program/index.js';

/** Where the starter suite lives: $ETBENCH_HOME/suite, ETBENCH_HOME defaulting to ./.etbench. */
export function starterSuiteDir(env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env['ETBENCH_HOME'];
  return path.resolve(cwd, home !== undefined && home !== '' ? home : '.etbench', 'suite');
}

export async function loadStarterSuite(dir: string): Promise<string[]> {
  const program = (await import(PROGRAM_MODULE)) as ProgramModule;
  return program.ensureStarterSuite(dir);
}
