// The operator check `etbench export` runs on every file it writes: find etrun, ask it what it
// has (once per command), and compare with what the program needs. A missing etrun is a note,
// not a failure: exporting does not need our runtime.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { locateEtrun } from '../../agent/drivers/host/index.js';
import type { KernelSet } from '../../native/runner/index.js';
import { describeUnsupported, programNeeds, programOf, readCapabilities, unsupported, type ProgramNeeds, type RuntimeCapabilities, type Unsupported } from './support.js';

export interface SupportCheck {
  /** The etrun whose capabilities were compared; null when none could be asked. */
  etrun: string | null;
  needs: ProgramNeeds | null;
  /** null when the check could not run (see note). */
  missing: Unsupported | null;
  note: string | null;
}

/** etrun's capabilities, or why they could not be read. */
export async function etrunCapabilities(env: NodeJS.ProcessEnv): Promise<RuntimeCapabilities | string> {
  try {
    return await readCapabilities(await locateEtrun({ env }));
  } catch (e) {
    return (e as Error).message.split('\n')[0] ?? String(e);
  }
}

export async function checkSupport(file: string, capabilities: RuntimeCapabilities | string, kernels: KernelSet): Promise<SupportCheck> {
  let needs: ProgramNeeds;
  try {
    needs = programNeeds(programOf(new Uint8Array(await readFile(file))));
  } catch (e) {
    return { etrun: null, needs: null, missing: null, note: `cannot read ${file}: ${(e as Error).message}` };
  }
  if (typeof capabilities === 'string') return { etrun: null, needs, missing: null, note: capabilities };
  return { etrun: capabilities.etrun, needs, missing: unsupported(needs, capabilities, kernels), note: null };
}

/** The warning for a program our runtime cannot run yet; null when it can or was not checked. */
export function unsupportedWarning(file: string, check: SupportCheck): string | null {
  if (check.missing === null) return null;
  const missing = describeUnsupported(check.missing);
  if (missing === null) return null;
  return `etbench: warning: ${path.basename(file)} needs ${missing}, which this etrun (${check.missing.kernels} kernels) lacks: it exits 4 (unsupported) on this program\n`;
}
