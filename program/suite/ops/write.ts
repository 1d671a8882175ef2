/**
 * Writes the operator suites to a folder: one `.bpte` per case and one
 * `manifest.json` holding every case's tolerance (program/suite/tolerances.ts),
 * which `etbench run` and `etrun` callers read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OperatorRegistry } from '../../builder/operators.js';
import { formatToleranceManifest, type ToleranceEntry } from '../tolerances.js';
import { buildCase } from './build.js';
import type { OpSuite } from './case.js';
import { OP_SUITES } from './cases/index.js';

export interface WrittenSuite {
  dir: string;
  /** The `.bpte` files written, in suite order. */
  files: string[];
  operators: number;
}

export interface WriteSuiteOptions {
  suites?: readonly OpSuite[];
  registry?: OperatorRegistry;
  /** Only operators whose qualified name contains this text. */
  filter?: string;
}

/** Builds every case and writes it under `dir` (created when missing; files of earlier runs are replaced). */
export function writeOpSuites(dir: string, options: WriteSuiteOptions = {}): WrittenSuite {
  const registry = options.registry ?? OperatorRegistry.default();
  const suites = (options.suites ?? OP_SUITES).filter((s) => options.filter === undefined || s.op.includes(options.filter));
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const manifest: ToleranceEntry[] = [];
  for (const suite of suites) {
    for (const c of suite.cases) {
      const built = buildCase(suite, c, registry);
      const file = `${built.stem}.bpte`;
      fs.writeFileSync(path.join(dir, file), built.bpte);
      files.push(path.join(dir, file));
      manifest.push({ file, method: 'forward', cases: [built.tolerance] });
    }
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), formatToleranceManifest(manifest));
  return { dir, files, operators: suites.length };
}
