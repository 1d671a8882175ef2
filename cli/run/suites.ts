// The named suites `etbench run --suite` takes when --programs is omitted:
//   zoo      the model zoo's bundled programs (default), generated on first use under $ETBENCH_HOME/zoo
//   ops      the operator suites (program/suite/ops), written to $ETBENCH_HOME/suite-ops with their manifest
//   starter  the small starter programs, written to $ETBENCH_HOME/suite
// $ETBENCH_ZOO_MODELS (comma-separated model names) narrows the zoo, for tests and quick looks.

import path from 'node:path';
import { ensureStarterSuite } from '../../program/index.js';
import { writeOpSuites } from '../../program/suite/ops/write.js';
import { ensureZoo, ZOO_MODELS } from '../../program/zoo/index.js';
import { UsageError } from '../errors.js';

export type SuiteName = 'zoo' | 'ops' | 'starter';
export const SUITES: readonly SuiteName[] = ['zoo', 'ops', 'starter'];
export const DEFAULT_SUITE: SuiteName = 'zoo';

/** $ETBENCH_HOME resolved against cwd, defaulting to ./.etbench. */
export function etbenchHomeOf(env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env['ETBENCH_HOME'];
  return path.resolve(cwd, home !== undefined && home !== '' ? home : '.etbench');
}

function zooModels(env: NodeJS.ProcessEnv): string[] | undefined {
  const list = env['ETBENCH_ZOO_MODELS'];
  if (list === undefined || list.trim() === '') return undefined;
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known = new Set(ZOO_MODELS.map((m) => m.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new UsageError(`ETBENCH_ZOO_MODELS: no zoo model named ${unknown.join(', ')}; the zoo has ${[...known].join(', ')}`);
  return names;
}

/** Writes (or reuses) the suite's programs under home and returns their paths, in suite order. */
export async function loadSuite(name: SuiteName, home: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  switch (name) {
    case 'starter':
      return ensureStarterSuite(path.join(home, 'suite'));
    case 'ops':
      return writeOpSuites(path.join(home, 'suite-ops')).files;
    case 'zoo': {
      const models = zooModels(env);
      return ensureZoo({ home, bundled: true, ...(models === undefined ? {} : { models }) }).map((m) => m.bpte ?? m.pte);
    }
  }
}
