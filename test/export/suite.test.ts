// The real-exporter suite (`etbench export --suite real`): every program, portable,
// XNNPACK-delegated and int8, must run on our runtime, pass its bundled cases (PyTorch eager's
// outputs) within the tolerances the exporter measured, with the portable and with the
// optimized kernels, and agree with ExecuTorch's own runtime within the same tolerance. The only
// programs allowed not to run are those EXCEPTIONS names, each with the exit code and message
// etrun must give and the reason (docs/export.md, "Where our runtime stands").
//
// The programs are generated once and cached in $ETBENCH_HOME/export-suite (default
// ./.etbench/export-suite). `npm test` (and CI, from a cold cache) checks the portable variant of
// every model (7 programs, a few minutes); ETB_EXPORT_SUITE_VARIANTS=portable,xnnpack,int8 checks
// all 21 (a cold cache exports for 15-30 minutes on 2 cores: a nightly job, not the CI budget).

import path from 'node:path';
import test from 'ava';
import type { CrosscheckReport } from '../../cli/crosscheck/index.js';
import { SUITE_MODELS, SUITE_VARIANTS, exportSuiteDir, readSuiteManifest, type SuiteEntry, type SuiteManifest } from '../../cli/export/index.js';
import { tolerancesFor } from '../../program/index.js';
import { repoRoot } from '../helpers/fixtures.js';
import { etbench, etrun, show, withPython, type CliRun, type EtrunRun } from './helpers.js';

interface Exception {
  code: number;
  message: RegExp;
  why: string;
}

/**
 * Programs our runtime refuses, by design, and how it must refuse them. None at present:
 * llama_kv.xnnpack and llama_kv.int8 (dynamic prompt length inside XNNPACK delegates) run since
 * XnnpackBackend re-shapes its graphs.
 */
const EXCEPTIONS: Readonly<Record<string, Exception>> = {};

const KERNEL_SETS = ['portable', 'optimized'] as const;

withPython('export suite', () => {
  const dir = exportSuiteDir(process.env, repoRoot);
  let generated: CliRun = { code: -1, stdout: '', stderr: '' };
  let manifest: SuiteManifest | null = null;
  let cross: CrosscheckReport = { tolerance: { atol: 0, rtol: 0 }, kernels: '', checks: [] };
  const runs = new Map<string, EtrunRun>();
  const asked = (process.env['ETB_EXPORT_SUITE_VARIANTS'] ?? 'portable').split(',');
  const variants = SUITE_VARIANTS.filter((v) => asked.includes(v));
  const names = SUITE_MODELS.flatMap((m) => variants.map((v) => `${m.name}.${v}`));
  const entries = (): SuiteEntry[] => (manifest?.entries ?? []).filter((e) => names.includes(e.name));

  test.serial.before(async (t) => {
    t.timeout(3_600_000);
    generated = await etbench(['export', '--suite', 'real', '--variants', variants.join(','), '--out', dir]);
    manifest = readSuiteManifest(dir);
    const files = names.map((n) => path.join(dir, `${n}.bpte`));
    const done = await etbench(['crosscheck', ...files, '--inputs', 'bundled:0', '--json']);
    cross = JSON.parse(done.stdout) as CrosscheckReport;
    for (const entry of entries()) {
      const tolerance = tolerancesFor(entry.file);
      const bounds = ['--rtol', String(tolerance?.rtol ?? 1e-5), '--atol', String(tolerance?.atol ?? 1e-8)];
      for (const kernels of KERNEL_SETS) runs.set(`${entry.name} ${kernels}`, etrun(entry.file, [...bounds, '--kernels', kernels]));
    }
  });

  test.serial('the suite writes every program, portable, XNNPACK and int8, with its report in suite.json', (t) => {
    t.is(generated.code, 0, show(generated));
    t.deepEqual(entries().map((e) => e.name), names);
    for (const entry of entries()) {
      t.is(entry.report.error, null, `${entry.name}: ${JSON.stringify(entry.report.error)}`);
      t.is(entry.file, path.join(dir, `${entry.name}.bpte`));
      t.deepEqual(entry.report.delegates, entry.variant === 'portable' ? [] : ['XnnpackBackend'], entry.name);
      t.true(entry.report.executorch?.ran, `ExecuTorch ran ${entry.name} at export`);
      t.truthy(tolerancesFor(entry.file), `${entry.name}.tolerances.json`);
      t.deepEqual(entry.etrun.missing?.operators, [], `${entry.name}: export found no operator etrun lacks`);
      t.deepEqual(entry.etrun.missing?.backends, [], `${entry.name}: export found no backend etrun lacks`);
    }
  });

  for (const kernels of KERNEL_SETS) {
    test.serial(`every program passes its bundled cases on etrun (${kernels} kernels), or fails as its exception says`, (t) => {
      for (const entry of entries()) {
        const run = runs.get(`${entry.name} ${kernels}`)!;
        const exception = EXCEPTIONS[entry.name];
        if (exception !== undefined) {
          t.is(run.code, exception.code, `${entry.name} (${exception.why}): ${run.stderr}`);
          t.regex(run.result?.error?.message ?? '', exception.message, entry.name);
          continue;
        }
        t.is(run.code, 0, `${entry.name}: ${run.stderr.slice(-2000)} ${JSON.stringify(run.result?.error)}`);
        const correctness = run.result?.correctness ?? [];
        t.true(correctness.length > 0 && correctness.every((c) => c.pass), `${entry.name}: ${JSON.stringify(correctness)}`);
      }
    });
  }

  test.serial('ExecuTorch runs every program, and etrun agrees with it within tolerance', (t) => {
    t.deepEqual(cross.checks.map((c) => path.basename(c.program)), names.map((n) => `${n}.bpte`));
    for (const check of cross.checks) {
      const name = path.basename(check.program, '.bpte');
      t.like(check.executorch, { exitCode: 0, error: null }, name);
      t.true((check.executorch.outputs ?? 0) > 0, name);
      const exception = EXCEPTIONS[name];
      if (exception !== undefined) {
        t.is(check.etrun.exitCode, exception.code, `${name}: ${JSON.stringify(check.etrun)}`);
        continue;
      }
      t.is(check.etrun.exitCode, 0, `${name}: ${JSON.stringify(check.etrun)}`);
      t.is(check.outputs.length, check.executorch.outputs ?? -1, name);
      // The float programs' atol is at least 1e-5 (their rtol) times the largest expected value,
      // so atol + rtol * |expected| never exceeds twice the atol; the int8 ones' atol is two
      // output steps.
      const bound = 2 * (tolerancesFor(check.program)?.atol ?? 0);
      for (const o of check.outputs) t.true(typeof o.maxAbsDiff === 'number' && o.maxAbsDiff <= bound, `${name} output ${o.output}: ${String(o.maxAbsDiff)} > ${bound}`);
    }
  });
});
