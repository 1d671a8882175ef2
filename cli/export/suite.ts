// `etbench export --suite real`: the suite's programs, generated on first use and cached in
// $ETBENCH_HOME/export-suite (never committed). suite.json there records every entry with its
// cache key (the request plus a hash of the exporter's code and pins), its export report and
// the etrun check; an entry is exported again only when its key changed, its file is gone, its
// last export failed, or --force.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packagePath } from '../../native/runner/index.js';
import { CancelledError } from '../errors.js';
import type { CliIo } from '../io.js';
import { formatBytes } from '../reporters/index.js';
import { ExportFailedError } from './errors.js';
import { describeFailure, runExporter, type ExportReport, type ExportRequest } from './exporter.js';
import type { SuiteExportOptions } from './options.js';
import { locatePython } from './python.js';
import { driftCell, executorchCell, formatNumber, formatTable, NONE, supportCell } from './render.js';
import { checkSupport, etrunCapabilities, unsupportedWarning, type SupportCheck } from './support-check.js';
import { SUITE_MODELS, SUITE_VARIANTS, suiteEntryName, suiteRequest, suiteVariantsOf, type SuiteVariant } from './suite-models.js';

export const SUITE_MANIFEST = 'suite.json';

export interface SuiteEntry {
  /** `<model>.<variant>` */
  name: string;
  model: string;
  variant: SuiteVariant;
  /** Absolute path of the .bpte. */
  file: string;
  key: string;
  exportedAt: string;
  report: ExportReport;
  /** Recomputed on every `etbench export --suite` (etrun may have gained kernels). */
  etrun: SupportCheck;
}

export interface SuiteManifest {
  version: 1;
  suite: 'real';
  dir: string;
  entries: SuiteEntry[];
  /** What the last command did: entries exported and their wall time, entries reused. */
  lastRun: { exported: number; cached: number; failed: number; seconds: number };
}

interface Planned {
  name: string;
  model: string;
  variant: SuiteVariant;
  file: string;
  request: ExportRequest;
  key: string;
}

/** A hash of everything that decides the exporter's output besides the request. */
export function exporterFingerprint(): string {
  const hash = createHash('sha256');
  const dir = packagePath('exporter', 'etexport');
  const files = [
    packagePath('exporter', 'export.py'),
    packagePath('exporter', 'requirements.txt'),
    packagePath('exporter', 'constraints.txt'),
    ...readdirSync(dir).filter((f) => f.endsWith('.py')).sort().map((f) => path.join(dir, f)),
  ];
  for (const file of files) hash.update(path.basename(file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function plan(options: SuiteExportOptions, fingerprint: string): Planned[] {
  const planned: Planned[] = [];
  for (const model of SUITE_MODELS.filter((m) => options.models.includes(m.name))) {
    for (const variant of suiteVariantsOf(model).filter((v) => options.variants.includes(v))) {
      const name = suiteEntryName(model.name, variant);
      const file = path.join(options.outDir, `${name}.bpte`);
      const request = suiteRequest(model, variant, file);
      // Relative names in the key, so a moved checkout keeps its cache.
      const keyed = { ...request, factory: `zoo.py:${model.name}`, out: path.basename(file) };
      const key = createHash('sha256').update(JSON.stringify(keyed)).update(fingerprint).digest('hex');
      planned.push({ name, model: model.name, variant, file, request, key });
    }
  }
  return planned;
}

/** The manifest in dir, or null when there is none (or it is unreadable: then all is regenerated). */
export function readSuiteManifest(dir: string): SuiteManifest | null {
  try {
    const doc = JSON.parse(readFileSync(path.join(dir, SUITE_MANIFEST), 'utf8')) as SuiteManifest;
    return doc.version === 1 && Array.isArray(doc.entries) ? doc : null;
  } catch {
    return null;
  }
}

function current(entry: SuiteEntry | undefined, p: Planned): entry is SuiteEntry {
  if (entry === undefined || entry.key !== p.key || entry.report.error !== null) return false;
  try {
    return statSync(p.file).size === entry.report.bytes?.file;
  } catch {
    return false;
  }
}

function render(manifest: SuiteManifest, names: readonly string[]): string {
  const kernels = manifest.entries.find((e) => e.etrun.missing !== null)?.etrun.missing?.kernels ?? 'portable';
  const rows = manifest.entries
    .filter((e) => names.includes(e.name))
    .map((e) => [
      path.basename(e.file),
      formatBytes(e.report.bytes?.file),
      e.report.error === null ? formatNumber(e.report.seconds['total']) : NONE,
      e.report.error === null ? executorchCell(e.report) : `EXPORT FAILED (${e.report.error.stage})`,
      driftCell(e.report),
      supportCell(e.etrun, true),
    ]);
  return formatTable(['program', 'size', 'export s', 'ExecuTorch', 'int8 drift', `etrun (${kernels})`], rows, new Set([1, 2]));
}

async function writeManifest(dir: string, manifest: SuiteManifest): Promise<void> {
  const file = path.join(dir, SUITE_MANIFEST);
  await writeFile(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * Brings the suite in options.outDir up to date and prints it (table or the manifest as JSON).
 * @throws ExportFailedError after writing the manifest when some entries failed to export.
 */
export async function exportSuite(options: SuiteExportOptions, io: CliIo): Promise<SuiteManifest> {
  await mkdir(options.outDir, { recursive: true });
  const planned = plan(options, exporterFingerprint());
  const prior = new Map((readSuiteManifest(options.outDir)?.entries ?? []).map((e) => [e.name, e]));
  const todo = planned.filter((p) => options.force || !current(prior.get(p.name), p));
  const capabilities = etrunCapabilities(io.env);
  const started = performance.now();
  const fresh = new Map<string, ExportReport>();

  if (todo.length > 0) {
    const python = await locatePython(io.env);
    io.stderr(`etbench: exporting ${todo.length} of ${planned.length} suite programs into ${options.outDir} (${planned.length - todo.length} cached)\n`);
    await runExporter(
      todo.map((p) => p.request),
      {
        python,
        env: io.env,
        timeoutMs: options.timeoutS * 1000,
        signal: io.signal,
        onStderr: options.verbose ? (text) => io.stderr(text) : undefined,
        onReport: (report, i) => {
          fresh.set(todo[i]!.name, report);
          const how = report.error === null ? `exported in ${formatNumber(report.seconds['total'])} s` : `FAILED: ${describeFailure(report)}`;
          io.stderr(`etbench: [${i + 1}/${todo.length}] ${report.name} ${how}\n`);
        },
      },
    ).catch((e: unknown) => {
      if (io.signal?.aborted === true) throw new CancelledError();
      throw e;
    });
  }
  const seconds = (performance.now() - started) / 1000;

  const caps = await capabilities;
  const entries = new Map<string, SuiteEntry>();
  for (const [name, entry] of prior) if (existsSync(entry.file)) entries.set(name, entry);
  for (const p of planned) {
    const report = fresh.get(p.name) ?? prior.get(p.name)?.report;
    if (report === undefined) continue;
    const etrun: SupportCheck = report.error === null ? await checkSupport(p.file, caps, options.kernels) : { etrun: null, needs: null, missing: null, note: 'not exported' };
    const exportedAt = fresh.has(p.name) ? new Date().toISOString() : (prior.get(p.name)?.exportedAt ?? new Date().toISOString());
    entries.set(p.name, { name: p.name, model: p.model, variant: p.variant, file: p.file, key: p.key, exportedAt, report, etrun });
  }
  const order = SUITE_MODELS.flatMap((m) => SUITE_VARIANTS.map((v) => suiteEntryName(m.name, v)));
  const failed = [...fresh.values()].filter((r) => r.error !== null);
  const manifest: SuiteManifest = {
    version: 1,
    suite: 'real',
    dir: options.outDir,
    entries: [...entries.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)),
    lastRun: { exported: fresh.size - failed.length, cached: planned.length - todo.length, failed: failed.length, seconds: Math.round(seconds * 10) / 10 },
  };
  await writeManifest(options.outDir, manifest);

  for (const p of planned) {
    const entry = entries.get(p.name);
    const warning = entry === undefined ? null : unsupportedWarning(entry.file, entry.etrun);
    if (warning !== null) io.stderr(warning);
  }
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(manifest, null, 2)}\n`);
  } else {
    io.stdout(render(manifest, planned.map((p) => p.name)));
    const run = manifest.lastRun;
    io.stdout(`\n${planned.length} programs in ${options.outDir}: ${run.exported} exported (${run.seconds} s), ${run.cached} cached${run.failed > 0 ? `, ${run.failed} failed` : ''}; what etrun lacks is listed by name on standard error\n`);
  }
  if (failed.length > 0) throw new ExportFailedError(failed.map(describeFailure), todo.length);
  return manifest;
}
