// The real-exporter suite's portable programs (`etbench export --suite real --variants
// portable`): each must run on our runtime and pass its bundled cases and match ExecuTorch,
// or, until its kernels land, make etrun exit 4 naming an operator `etbench export` reported
// missing. ExecuTorch itself must run every one of them.
//
// The programs are generated once and cached in $ETBENCH_HOME/export-suite (default
// ./.etbench/export-suite): the first run exports six models (about 2 minutes on 2 cores),
// later runs reuse them until the exporter or the suite definition changes.

import path from 'node:path';
import test from 'ava';
import type { CrosscheckReport } from '../../cli/crosscheck/index.js';
import { SUITE_MODELS, exportSuiteDir, readSuiteManifest, type SuiteManifest } from '../../cli/export/index.js';
import { tolerancesFor } from '../../program/index.js';
import { repoRoot } from '../helpers/fixtures.js';
import { etbench, etrun, show, withPython, type CliRun } from './helpers.js';

withPython('export suite', () => {
  const dir = exportSuiteDir(process.env, repoRoot);
  let generated: CliRun = { code: -1, stdout: '', stderr: '' };
  let manifest: SuiteManifest | null = null;
  let cross: CrosscheckReport = { tolerance: { atol: 0, rtol: 0 }, kernels: '', checks: [] };
  const portable = (): string[] => SUITE_MODELS.map((m) => path.join(dir, `${m.name}.portable.bpte`));

  test.serial.before(async (t) => {
    t.timeout(900_000);
    generated = await etbench(['export', '--suite', 'real', '--variants', 'portable', '--out', dir]);
    manifest = readSuiteManifest(dir);
    const done = await etbench(['crosscheck', ...portable(), '--inputs', 'bundled:0', '--json']);
    cross = JSON.parse(done.stdout) as CrosscheckReport;
  });

  test.serial('the suite writes one portable .bpte per model, with its report in suite.json', (t) => {
    t.is(generated.code, 0, show(generated));
    t.regex(generated.stdout, /^program\s+size\s+export s\s+ExecuTorch\s+int8 drift\s+etrun \(portable\)$/m);
    const entries = manifest?.entries.filter((e) => e.variant === 'portable') ?? [];
    t.deepEqual(entries.map((e) => e.model), SUITE_MODELS.map((m) => m.name));
    for (const entry of entries) {
      t.is(entry.report.error, null, `${entry.name}: ${JSON.stringify(entry.report.error)}`);
      t.is(entry.file, path.join(dir, `${entry.name}.bpte`));
      t.deepEqual(entry.report.delegates, [], `${entry.name} is portable`);
      t.true((entry.report.operators?.length ?? 0) > 0, entry.name);
      t.true(entry.report.executorch?.ran, `ExecuTorch ran ${entry.name} at export`);
      t.truthy(tolerancesFor(entry.file), `${entry.name}.tolerances.json`);
      t.not(entry.etrun.missing, null, `${entry.name} was checked against etrun`);
    }
  });

  test.serial('every portable program passes on etrun, or etrun exits 4 naming an operator export reported missing', (t) => {
    for (const entry of manifest?.entries.filter((e) => e.variant === 'portable') ?? []) {
      const tolerance = tolerancesFor(entry.file);
      const run = etrun(entry.file, ['--rtol', String(tolerance?.rtol ?? 1e-5), '--atol', String(tolerance?.atol ?? 1e-8)]);
      const missing = entry.etrun.missing?.operators ?? [];
      if (run.code === 0) {
        t.deepEqual(missing, [], `${entry.name} ran, so export should have found nothing missing`);
        t.true((run.result?.correctness ?? []).length > 0 && run.result!.correctness!.every((c) => c.pass), `${entry.name}: ${JSON.stringify(run.result?.correctness)}`);
        continue;
      }
      t.is(run.code, 4, `${entry.name}: ${run.stderr}`);
      t.is(run.result?.error?.name, 'OperatorMissing', entry.name);
      t.true(missing.length > 0, `${entry.name}: etrun exits 4, so export must have reported missing operators`);
      const named = missing.filter((op) => run.result?.error?.message.includes(op));
      t.true(named.length > 0, `${entry.name}: etrun's message names one of ${missing.join(', ')}: ${run.result?.error?.message}`);
      t.regex(generated.stderr, new RegExp(`warning: ${entry.name.replace('.', '\\.')}\\.bpte needs operators .*${named[0]!.replace(/[.]/g, '\\.')}`), entry.name);
    }
  });

  test.serial('ExecuTorch runs every portable program; where etrun runs too, the outputs agree within tolerance', (t) => {
    t.is(cross.checks.length, SUITE_MODELS.length);
    for (const check of cross.checks) {
      const name = path.basename(check.program);
      t.like(check.executorch, { exitCode: 0, error: null }, name);
      t.true((check.executorch.outputs ?? 0) > 0, name);
      if (check.etrun.exitCode !== 0) {
        t.is(check.etrun.exitCode, 4, `${name}: ${JSON.stringify(check.etrun)}`);
        continue;
      }
      // A float program's atol is at least 1e-5 (its rtol) times its largest expected value, so
      // atol + rtol * |expected| never exceeds twice the atol.
      const bound = 2 * (tolerancesFor(check.program)?.atol ?? 0);
      for (const o of check.outputs) t.true(typeof o.maxAbsDiff === 'number' && o.maxAbsDiff <= bound, `${name} output ${o.output}: ${String(o.maxAbsDiff)} > ${bound}`);
    }
  });
});
