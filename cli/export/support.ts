// Whether our runtime can run a program, decided before anything runs: the operators and
// delegate backends the program needs (read with program/) against what `etrun --capabilities`
// says this build has.

import { execFile } from 'node:child_process';
import { readBundled, readProgram, type ProgramInfo } from '../../program/index.js';
import type { KernelSet } from '../../native/runner/index.js';

/** What one etrun build has: the operators of each kernel set, and its backends. */
export interface RuntimeCapabilities {
  etrun: string;
  kernelSets: Map<string, Set<string>>;
  backends: Set<string>;
}

/** What a program needs from a runtime, over all its methods. */
export interface ProgramNeeds {
  operators: string[];
  backends: string[];
}

/** The part of ProgramNeeds a runtime lacks; both lists empty when it can run the program. */
export interface Unsupported {
  kernels: KernelSet;
  operators: string[];
  backends: string[];
}

interface CapabilitiesDocument {
  kernel_sets: { name: string; operators: { name: string }[] }[];
  backends: string[];
}

/** Parses `etrun --capabilities` output. @throws Error when it is not that document. */
export function parseCapabilities(etrun: string, stdout: string): RuntimeCapabilities {
  const doc = JSON.parse(stdout) as CapabilitiesDocument;
  if (!Array.isArray(doc.kernel_sets) || !Array.isArray(doc.backends)) throw new Error(`${etrun} --capabilities: no kernel_sets/backends`);
  return {
    etrun,
    kernelSets: new Map(doc.kernel_sets.map((s) => [s.name, new Set(s.operators.map((o) => o.name))])),
    backends: new Set(doc.backends),
  };
}

/** Runs `etrun --capabilities`. @throws Error when it fails or prints something else. */
export function readCapabilities(etrun: string): Promise<RuntimeCapabilities> {
  return new Promise((resolve, reject) => {
    execFile(etrun, ['--capabilities'], { timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout) => {
      if (error) return reject(new Error(`${etrun} --capabilities failed: ${error.message}`, { cause: error }));
      try {
        resolve(parseCapabilities(etrun, stdout));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

function isBundled(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'BP08';
}

/** The program inside a .pte or .bpte. @throws ProgramFormatError for malformed bytes. */
export function programOf(bytes: Uint8Array): ProgramInfo {
  return isBundled(bytes) ? readBundled(bytes).program : readProgram(bytes);
}

/** Operators (`namespace::name.overload`) and delegate backend ids, sorted, without repeats. */
export function programNeeds(program: ProgramInfo): ProgramNeeds {
  const operators = new Set<string>();
  const backends = new Set<string>();
  for (const method of program.methods) {
    for (const op of method.operators) operators.add(op.qualifiedName);
    for (const delegate of method.delegates) backends.add(delegate.id);
  }
  return { operators: [...operators].sort(), backends: [...backends].sort() };
}

/**
 * What `needs` asks for that the runtime lacks with this kernel set. Every configuration has the
 * prim and quantized kernels; `optimized` overrides portable kernels and falls back to them.
 */
export function unsupported(needs: ProgramNeeds, capabilities: RuntimeCapabilities, kernels: KernelSet = 'portable'): Unsupported {
  const sets = ['prim', 'quantized', 'portable', ...(kernels === 'optimized' ? ['optimized'] : [])];
  const have = (op: string): boolean => sets.some((s) => capabilities.kernelSets.get(s)?.has(op) === true);
  return {
    kernels,
    operators: needs.operators.filter((op) => !have(op)),
    backends: needs.backends.filter((b) => !capabilities.backends.has(b)),
  };
}

/** `operators a, b; backends XnnpackBackend`, or null when nothing is missing. */
export function describeUnsupported(missing: Unsupported): string | null {
  const parts = [];
  if (missing.operators.length > 0) parts.push(`operator${missing.operators.length === 1 ? '' : 's'} ${missing.operators.join(', ')}`);
  if (missing.backends.length > 0) parts.push(`backend${missing.backends.length === 1 ? '' : 's'} ${missing.backends.join(', ')}`);
  return parts.length === 0 ? null : parts.join('; ');
}
