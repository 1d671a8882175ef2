// Firmware per program, built once and cached by content hash under
// $ETBENCH_HOME/mcu/<key>/ (default .etbench/): the key covers the program
// bytes and every source file and script the firmware is made from, so an
// edit to the runtime rebuilds and an unchanged checkout reuses.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBundled, readProgram, type ProgramInfo } from '../../../program/index.js';
import { packagePath } from '../../runner/paths.js';

export interface Firmware {
  elf: string;
  /** The cache key (hex). */
  key: string;
  /** True when an earlier build was reused. */
  cached: boolean;
  /** Operators the program calls, which the firmware registers. */
  operators: string[];
  sha256: string;
}

/** The program inside `.pte` or `.bpte` bytes. */
export function programInfoOf(bytes: Uint8Array): ProgramInfo {
  const bundled = bytes.length >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === 'BP08';
  return bundled ? readBundled(bytes).program : readProgram(bytes);
}

/** Every operator any method of the program calls, sorted. */
export function programOperators(bytes: Uint8Array): string[] {
  const names = new Set<string>();
  for (const m of programInfoOf(bytes).methods) for (const op of m.operators) names.add(op.qualifiedName);
  return [...names].sort();
}

export function etbenchHome(): string {
  return path.resolve(process.env['ETBENCH_HOME'] ?? '.etbench');
}

function listFiles(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (entry !== 'test') listFiles(full, out);
    } else if (/\.(cpp|h|S|ld|json|yaml)$/.test(entry)) out.push(full);
  }
}

let sourcesDigest: string | null = null;

/** Hash of everything the firmware is compiled from. */
function firmwareSourcesDigest(): string {
  if (sourcesDigest !== null) return sourcesDigest;
  const files: string[] = [];
  for (const dir of ['runtime', 'kernels', 'mcu', 'runner', 'schema']) {
    const full = packagePath('native', dir);
    if (existsSync(full)) listFiles(full, files);
  }
  files.push(packagePath('native', 'sources.json'), packagePath('native', 'build.mjs'), packagePath('scripts', 'generate-kernels.mjs'));
  const h = createHash('sha256');
  for (const f of files) h.update(path.relative(packagePath(), f)).update('\0').update(readFileSync(f)).update('\0');
  sourcesDigest = h.digest('hex');
  return sourcesDigest;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    pid = NaN;
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    // Just created, pid not written yet (or the lock vanished): young locks count as held.
    try {
      return Date.now() - statSync(lock).mtimeMs < 5_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` holding a lock directory, so processes (parallel test files, agents) never compile into
 * the shared build/native/mcu/ objects at once. A lock whose holder process is gone is removed. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = packagePath('build', 'native', 'mcu.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (!holderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

type BuildFirmware = (o: { program: string; ops: string[]; sha256: string; outDir: string }) => Promise<string>;

/**
 * The firmware for `programPath`, built if no cached build matches.
 * @throws Error when the program cannot be read or the build fails (the compiler's output is on stderr).
 */
export async function ensureFirmware(programPath: string): Promise<Firmware> {
  const bytes = new Uint8Array(readFileSync(programPath));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // A program the reader rejects still gets a firmware (with no kernels), so the firmware's own
  // verification reports it in a document (exit 3), as etrun does on a host.
  let operators: string[] = [];
  try {
    operators = programOperators(bytes);
  } catch {
    operators = [];
  }
  const key = createHash('sha256').update(sha256).update(firmwareSourcesDigest()).digest('hex').slice(0, 32);
  const outDir = path.join(etbenchHome(), 'mcu', key);
  const elf = path.join(outDir, 'firmware.elf');
  if (existsSync(elf)) return { elf, key, cached: true, operators, sha256 };
  const { buildFirmware } = (await import(pathToFileURL(packagePath('native', 'build.mjs')).href)) as { buildFirmware: BuildFirmware };
  return withBuildLock(async () => {
    if (existsSync(elf)) return { elf, key, cached: true, operators, sha256 };
    // Link a private copy so the cache entry does not depend on the caller's file staying put.
    mkdirSync(outDir, { recursive: true });
    const copy = path.join(outDir, 'program.bin');
    copyFileSync(programPath, copy);
    await buildFirmware({ program: copy, ops: operators, sha256, outDir });
    return { elf, key, cached: false, operators, sha256 };
  });
}

/** Builds the core-only image (`node native/build.mjs mcu-core`) under the build lock; returns its ELF path. */
export async function buildCoreOnly(): Promise<string> {
  const { buildTarget } = (await import(pathToFileURL(packagePath('native', 'build.mjs')).href)) as { buildTarget: (name: string) => Promise<string> };
  return withBuildLock(() => buildTarget('mcu-core'));
}
