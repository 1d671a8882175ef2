// The real-exporter suite (`etbench export --suite real`): every program, portable,
// XNNPACK-delegated and int8, must run on our runtime, pass its bundled cases (PyTorch eager's
// outputs) within the tolerances the exporter measured, with the portable and with the
// optimized kernels, and agree with ExecuTorch's own runtime within the same tolerance. The only
// programs allowed not to run are those EXCEPTIONS names, each with the exit code and message
// etrun must give and the reason (docs/export.md, "Where our runtime stands").
//
// The programs are generated once and cached in $ETBENCH_HOME/export-suite (default
// ./.etbench/export-suite). `npm test` (and CI, from a cold cache) checks DEFAULT_PROGRAMS: every
// model portable and XNNPACK-delegated, and int8 where its export is quick (docs/export.md, "What
// CI checks", has the measured times). ETB_EXPORT_SUITE_VARIANTS=portable,xnnpack,int8 checks
// those variants of every model (all 21: a cold cache exports for about 10 minutes on a quiet
// 2-core machine, 42 on the loaded development VM).

import path from 'node:path';
import test from 'ava';
import type { CrosscheckReport } from '../../cli/crosscheck/index.js';
import { SUITE_MODELS, SUITE_VARIANTS, exportSuiteDir, readSuiteManifest, type SuiteEntry, type SuiteManifest, type SuiteVariant } from '../../cli/export/index.js';
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

/**
 * int8 programs in which ExecuTorch's XNNPACKQuantizer quantized nothing, so they equal their
 * float model (measured: drift 6.7e-8). `torch.export` keeps nn.LSTM as one aten.lstm.input
 * node, which the quantizer has no annotation for; to_edge decomposes it later, in float.
 */
const NOT_QUANTIZED: ReadonlySet<string> = new Set(['lstm.int8']);

/**
 * What a plain run (and CI, from a cold cache) checks: every model portable and XNNPACK-delegated,
 * and int8 where the export takes under a minute. Left out (ETB_EXPORT_SUITE_VARIANTS=int8 runs
 * them): mobilenet_v2.int8, mobilenet_v3_small.int8, lstm.int8 and llama_kv.int8, whose XNNPACK
 * lowering alone takes minutes (docs/export.md, "What CI checks").
 */
const DEFAULT_PROGRAMS: Readonly<Record<string, readonly SuiteVariant[]>> = {
  mobilenet_v2: ['portable', 'xnnpack'],
  resnet18: ['portable', 'xnnpack', 'int8'],
  mobilenet_v3_small: ['portable', 'xnnpack'],
  transformer_encoder: ['portable', 'xnnpack', 'int8'],
  lstm: ['portable', 'xnnpack'],
  ds_cnn: ['portable', 'xnnpack', 'int8'],
  llama_kv: ['portable', 'xnnpack'],
};

/** `<model>.<variant>` names to check, in suite order: ETB_EXPORT_SUITE_VARIANTS's, or DEFAULT_PROGRAMS. */
function selectedNames(env: NodeJS.ProcessEnv): string[] {
  const asked = env['ETB_EXPORT_SUITE_VARIANTS']?.split(',').map((v) => v.trim());
  return SUITE_MODELS.flatMap((m) => SUITE_VARIANTS.filter((v) => (asked ?? DEFAULT_PROGRAMS[m.name] ?? []).includes(v)).map((v) => `${m.name}.${v}`));
}

/** One `etbench export --suite` per set of variants (each call imports torch once, when it exports). */
function exportCalls(names: readonly string[]): { models: string[]; variants: string[] }[] {
  const byVariants = new Map<string, string[]>();
  for (const m of SUITE_MODELS) {
    const variants = SUITE_VARIANTS.filter((v) => names.includes(`${m.name}.${v}`)).join(',');
    if (variants !== '') byVariants.set(variants, [...(byVariants.get(variants) ?? []), m.name]);
  }
  return [...byVariants].map(([variants, models]) => ({ models, variants: variants.split(',') }));
}

const KERNEL_SETS = ['portable', 'optimized'] as const;

withPython('export suite', () => {
  const dir = exportSuiteDir(process.env, repoRoot);
  let generated: CliRun = { code: -1, stdout: '', stderr: '' };
  let manifest: SuiteManifest | null = null;
  let cross: CrosscheckReport = { tolerance: { atol: 0, rtol: 0 }, kernels: '', checks: [] };
  const runs = new Map<string, EtrunRun>();
  const names = selectedNames(process.env);
  const entries = (): SuiteEntry[] => (manifest?.entries ?? []).filter((e) => names.includes(e.name));

  test.serial.before(async (t) => {
    t.timeout(3_600_000);
    for (const call of exportCalls(names)) {
      generated = await etbench(['export', '--suite', 'real', '--models', call.models.join(','), '--variants', call.variants.join(','), '--out', dir]);
      if (generated.code !== 0) break;
    }
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
    t.true(names.length > 0, 'ETB_EXPORT_SUITE_VARIANTS names no variant (portable, xnnpack, int8)');
    t.log(`${names.length} programs: ${names.join(', ')}`);
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
          const flip = run.code === 0 ? ' It runs now: remove it from EXCEPTIONS (and from docs/export.md).' : '';
          t.is(run.code, exception.code, `${entry.name} (${exception.why}):${flip} ${run.stderr}`);
          t.regex(run.result?.error?.message ?? '', exception.message, entry.name);
          continue;
        }
        t.is(run.code, 0, `${entry.name}: ${run.stderr.slice(-2000)} ${JSON.stringify(run.result?.error)}`);
        const correctness = run.result?.correctness ?? [];
        t.true(correctness.length > 0 && correctness.every((c) => c.pass), `${entry.name}: ${JSON.stringify(correctness)}`);
      }
    });
  }

  test.serial('int8 programs are quantized (drift from the float model), except those NOT_QUANTIZED names', (t) => {
    const int8 = entries().filter((e) => e.variant === 'int8');
    if (int8.length === 0) return t.pass('no int8 program selected');
    for (const entry of int8) {
      const drift = entry.report.drift;
      t.is(drift?.measured_on, 'executorch', entry.name);
      const worst = Math.max(...(drift?.outputs ?? []).map((o) => Number(o.max_abs_err ?? Number.NaN)));
      const scale = Math.max(...(drift?.outputs ?? []).map((o) => o.float_max_abs));
      // int8 rounding moves an output by at least a fraction of a step (scale / 255); float
      // re-association moves it by float32 rounding (about 1e-7 of it).
      if (NOT_QUANTIZED.has(entry.name)) t.true(worst <= 1e-5 * scale, `${entry.name} drifts ${worst} of ${scale}: it is quantized now; remove it from NOT_QUANTIZED`);
      else t.true(worst >= 1e-3 * scale, `${entry.name} drifts only ${worst} of ${scale}: nothing was quantized?`);
    }
  });

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
