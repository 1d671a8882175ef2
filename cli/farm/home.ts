// Where etbench keeps its state ($ETBENCH_HOME, default ./.etbench) and how clients find a
// token: --token, then $ETBENCH_TOKEN, then the file `etbench serve` writes into the home.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

export function etbenchHome(env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env['ETBENCH_HOME'];
  return path.resolve(cwd, home !== undefined && home !== '' ? home : '.etbench');
}

export const TOKEN_FILE = 'token';

/** @throws UsageError when no token can be found. */
export function resolveToken(given: string | null | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (given != null && given !== '') return given;
  const fromEnv = env['ETBENCH_TOKEN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = path.join(etbenchHome(env, cwd), TOKEN_FILE);
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token !== '') return token;
  } catch {
    // below
  }
  throw new UsageError(`no token: pass --token, set ETBENCH_TOKEN, or run where ${file} exists (\`etbench serve\` writes it)`);
}
