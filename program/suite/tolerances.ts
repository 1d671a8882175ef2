/**
 * Per-case tolerances for bundled programs. The `.bpte` format has no
 * tolerance field, so a suite carries a manifest beside its files:
 *
 *   <dir>/<stem>.tolerances.json   for <dir>/<stem>.bpte (or .pte); `file` may be left out
 *   <dir>/manifest.json            for every program in <dir>; `file` names each one
 *
 * Both hold one entry or a list of entries:
 *
 *   [{ "file": "add.bpte", "method": "forward", "cases": [{ "rtol": 1e-5, "atol": 1e-8 }, ...] }]
 *
 * `cases[i]` is the tolerance of bundled test case i. etrun checks every case
 * of a method in one run with one `--rtol`/`--atol`, so `tolerancesFor` also
 * gives the loosest pair, which is what the runner must be passed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ToleranceManifestError } from '../errors.js';

export interface CaseTolerance {
  rtol: number;
  atol: number;
}

export interface ToleranceEntry {
  /** Program file name, relative to the manifest's folder. Optional in `<stem>.tolerances.json`. */
  file?: string;
  method: string;
  cases: CaseTolerance[];
}

export interface ProgramTolerances {
  /** The manifest the entry came from. */
  manifest: string;
  method: string;
  cases: CaseTolerance[];
  /** Largest rtol over the cases: the `--rtol` for one etrun run that checks them all. */
  rtol: number;
  /** Largest atol over the cases. */
  atol: number;
}

/** ExecuTorch's defaults, also etrun's. */
export const DEFAULT_TOLERANCE: Readonly<CaseTolerance> = { rtol: 1e-5, atol: 1e-8 };

const MANIFEST = 'manifest.json';

function fail(detail: string, file: string): never {
  throw new ToleranceManifestError(detail, file);
}

function checkEntry(raw: unknown, i: number, file: string): ToleranceEntry {
  const at = `entry ${i}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${at} must be an object`, file);
  const e = raw as Record<string, unknown>;
  if (e['file'] !== undefined && (typeof e['file'] !== 'string' || e['file'] === '')) fail(`${at}: file must be a non-empty string`, file);
  if (typeof e['method'] !== 'string' || e['method'] === '') fail(`${at}: method must be a non-empty string`, file);
  if (!Array.isArray(e['cases'])) fail(`${at}: cases must be a list of {rtol, atol}`, file);
  const cases = (e['cases'] as unknown[]).map((c, j) => {
    const t = c as Record<string, unknown> | null;
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (typeof t !== 'object' || t === null || !ok(t['rtol']) || !ok(t['atol'])) {
      fail(`${at}: cases[${j}] must be {rtol, atol} with finite numbers >= 0`, file);
    }
    return { rtol: t['rtol'], atol: t['atol'] };
  });
  const entry: ToleranceEntry = { method: e['method'], cases };
  if (typeof e['file'] === 'string') entry.file = e['file'];
  return entry;
}

/**
 * Parses a manifest document (one entry or a list).
 * @throws ToleranceManifestError naming `file` and the entry.
 */
export function parseToleranceManifest(text: string, file = MANIFEST): ToleranceEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new ToleranceManifestError(`not JSON (${(cause as Error).message})`, file, { cause });
  }
  const entries = (Array.isArray(doc) ? doc : [doc]).map((e, i) => checkEntry(e, i, file));
  const seen = new Set<string>();
  for (const e of entries) {
    const key = `${e.file ?? ''}\u0000${e.method}`;
    if (seen.has(key)) fail(`${e.file ?? 'the program'} method '${e.method}' is listed twice`, file);
    seen.add(key);
  }
  return entries;
}

/** The manifest text for `entries` (stable: two-space JSON, trailing newline). */
export function formatToleranceManifest(entries: readonly ToleranceEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ToleranceManifestError(`cannot be read (${(e as Error).message})`, file, { cause: e });
  }
}

function pick(entries: ToleranceEntry[], method: string | null): ToleranceEntry | null {
  if (method !== null) return entries.find((e) => e.method === method) ?? null;
  return entries.length === 1 ? entries[0]! : (entries.find((e) => e.method === 'forward') ?? null);
}

/**
 * The tolerances for `programPath` (a `.bpte` or `.pte`) and `method` from a
 * manifest beside it: `<stem>.tolerances.json` first, then `manifest.json`.
 * With `method` null: the program's only entry, else its `forward` entry.
 * Returns null when no manifest mentions the program (etrun's defaults apply).
 * @throws ToleranceManifestError when a manifest exists but is malformed.
 */
export function tolerancesFor(programPath: string, method: string | null = null): ProgramTolerances | null {
  const dir = path.dirname(programPath);
  const base = path.basename(programPath);
  const stem = base.replace(/\.[^.]*$/, '');
  const candidates: { file: string; filter: (e: ToleranceEntry) => boolean }[] = [
    { file: path.join(dir, `${stem}.tolerances.json`), filter: (e) => e.file === undefined || e.file === base },
    { file: path.join(dir, MANIFEST), filter: (e) => e.file === base },
  ];
  for (const { file, filter } of candidates) {
    const text = readIfExists(file);
    if (text === null) continue;
    const entry = pick(parseToleranceManifest(text, file).filter(filter), method);
    if (entry === null) continue;
    const cases = entry.cases.length > 0 ? entry.cases : [DEFAULT_TOLERANCE];
    return {
      manifest: file,
      method: entry.method,
      cases: entry.cases,
      rtol: Math.max(...cases.map((c) => c.rtol)),
      atol: Math.max(...cases.map((c) => c.atol)),
    };
  }
  return null;
}
