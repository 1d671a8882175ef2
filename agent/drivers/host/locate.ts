// Finds the etrun binary the host driver runs.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { etrunBuildPath } from '../../../native/runner/index.js';
import { EtrunNotFoundError, type EtrunSource } from './errors.js';

/** The environment variable that overrides where etrun is. */
export const ETRUN_ENV = 'ETBENCH_ETRUN';

export interface LocateEtrunOptions {
  /** Wins over everything else. */
  etrunPath?: string | null;
  /** Read for ETBENCH_ETRUN; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The etrun to run, in order: the etrunPath option, $ETBENCH_ETRUN, then the release build
 * (build/native/release/etrun under the package root). Returns an absolute path.
 * @throws EtrunNotFoundError when that file is missing, not a file, or not executable; it is
 *   not an error that falling back to the next candidate would hide.
 */
export async function locateEtrun(options: LocateEtrunOptions = {}): Promise<string> {
  const fromEnv = (options.env ?? process.env)[ETRUN_ENV];
  let candidate: string;
  let source: EtrunSource;
  if (options.etrunPath != null && options.etrunPath !== '') {
    [candidate, source] = [options.etrunPath, 'OPTION'];
  } else if (fromEnv !== undefined && fromEnv !== '') {
    [candidate, source] = [fromEnv, 'ENV'];
  } else {
    [candidate, source] = [etrunBuildPath('release'), 'BUILD'];
  }
  const absolute = path.resolve(candidate);
  try {
    if (!(await stat(absolute)).isFile()) throw new Error(`${absolute} is not a regular file`);
    await access(absolute, constants.X_OK);
  } catch (cause) {
    throw new EtrunNotFoundError(absolute, source, { cause });
  }
  return absolute;
}
