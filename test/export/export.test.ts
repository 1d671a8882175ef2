// `etbench export` and `etbench crosscheck` end to end with the real ExecuTorch exporter:
//
// - x*2+y exported portable runs on etrun with its bundled cases passing (exit 0), and the
//   cross-check finds its outputs identical to ExecuTorch's;
// - a conv module exported portable: etrun has its operators, runs it, and its outputs are
//   within float rounding of ExecuTorch's (not bit for bit: another summation order);
// - the same conv delegated to XNNPACK: our XnnpackBackend runs it, its bundled cases pass and
//   it stays within float rounding of ExecuTorch's runtime (more in test/backends/xnnpack-export);
// - int8 (PT2E, XNNPACK quantizer): the report carries the drift against the float model.
//
// Three Python processes in all (importing torch + ExecuTorch takes 15-30 s each): the CLI
// export of conv and one batch of the other exports run side by side, then one cross-check.
// Needs .venv (`npm run setup:python`) and etrun (`npm run build`).

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { renderCrosscheck, type CrosscheckReport } from '../../cli/crosscheck/index.js';
import { locatePython, runExporter, type ExportReport, type ExportRequest } from '../../cli/export/index.js';
import { tolerancesFor } from '../../program/index.js';
import { etbench, etrun, show, withPython, type CliRun } from './helpers.js';

const MODELS = `
import torch


class Tiny(torch.nn.Module):
    def forward(self, x, y):
        return x * 2 + y


def tiny():
    return Tiny()


def conv():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU())
`;

withPython('export', () => {
  let dir = '';
  let cliConv: CliRun = { code: -1, stdout: '', stderr: '' };
  let reports: ExportReport[] = [];
  let cross: CliRun = { code: -1, stdout: '', stderr: '' };
  let crossReport: CrosscheckReport = { tolerance: { atol: 0, rtol: 0 }, kernels: '', checks: [] };
  const file = (name: string): string => path.join(dir, name);

  test.serial.before(async (t) => {
    t.timeout(600_000);
    dir = await mkdtemp(path.join(tmpdir(), 'etbench-export-test-'));
    await writeFile(file('models.py'), MODELS);
    const request = (name: string, factory: string, inputs: number[][], more: Partial<ExportRequest> = {}): ExportRequest => ({
      factory: `${file('models.py')}:${factory}`,
      inputs: inputs.map((shape) => ({ shape, dtype: 'float32' })),
      out: file(name),
      xnnpack: false,
      quantize: null,
      seed: 0,
      cases: 2,
      calibration: 4,
      verify: true,
      name: null,
      ...more,
    });
    const python = await locatePython(process.env);
    [cliConv, reports] = await Promise.all([
      etbench(['export', `${file('models.py')}:conv`, '--input-shape', '1,3,8,8', '--out', file('conv.bpte')]),
      runExporter(
        [
          request('tiny.bpte', 'tiny', [[2, 3], [2, 3]]),
          request('conv-xnnpack.bpte', 'conv', [[1, 3, 8, 8]], { xnnpack: true }),
          request('conv-int8.bpte', 'conv', [[1, 3, 8, 8]], { xnnpack: true, quantize: 'int8' }),
          request('missing.bpte', 'no_such_function', [[1]]),
        ],
        { python },
      ),
    ]);
    const programs = ['tiny.bpte', 'conv.bpte', 'conv-xnnpack.bpte', 'conv-int8.bpte'].map(file);
    cross = await etbench(['crosscheck', ...programs, '--inputs', 'random:0', '--inputs', 'bundled:1', '--json']);
    crossReport = JSON.parse(cross.stdout) as CrosscheckReport;
  });
  test.after.always(() => (dir === '' ? undefined : rm(dir, { recursive: true, force: true })));

  const report = (name: string): ExportReport => {
    const found = reports.find((r) => path.basename(r.out) === name);
    if (found === undefined) throw new Error(`no report for ${name}`);
    return found;
  };
  const checks = (name: string) => crossReport.checks.filter((c) => path.basename(c.program) === name);

  test.serial('x*2+y portable: operators etrun has, bundled cases pass on etrun (exit 0)', (t) => {
    const tiny = report('tiny.bpte');
    t.is(tiny.error, null, JSON.stringify(tiny.error));
    t.deepEqual(tiny.delegates, []);
    t.true(tiny.operators?.some((o) => o.name === 'aten::mul.out' || o.name === 'aten::mul.Scalar_out'), JSON.stringify(tiny.operators));
    t.true(tiny.executorch?.ran, 'ExecuTorch ran the exported program');
    const tolerances = tolerancesFor(file('tiny.bpte'));
    t.truthy(tolerances, 'tiny.tolerances.json was written beside it');
    const run = etrun(file('tiny.bpte'), ['--rtol', String(tolerances?.rtol), '--atol', String(tolerances?.atol)]);
    t.is(run.code, 0, run.stderr);
    t.is(run.result?.correctness?.length, 1, 'one output checked');
    t.true(run.result?.correctness?.every((c) => c.pass && c.max_abs_err === 0), JSON.stringify(run.result?.correctness));
    t.is(run.result?.config.inputs, 'bundled');
  });

  test.serial('x*2+y portable: the cross-check finds identical outputs on random and bundled inputs', (t) => {
    const tiny = checks('tiny.bpte');
    t.deepEqual(tiny.map((c) => c.inputs), ['random:0', 'bundled:1']);
    for (const c of tiny) {
      t.like(c, { agree: true, identical: true, problem: null }, c.inputs);
      t.like(c.etrun, { exitCode: 0, error: null, outputs: 1 });
      t.like(c.executorch, { exitCode: 0, error: null, outputs: 1 });
      t.like(c.outputs[0], { dtype: 'float32', shape: [2, 3], maxAbsDiff: 0, identical: true });
    }
  });

  test.serial('conv portable: etrun has every operator, runs it and passes its bundled cases; within float rounding of ExecuTorch', (t) => {
    t.is(cliConv.code, 0, show(cliConv));
    t.regex(cliConv.stdout, /^exported conv \(portable\) to .*conv\.bpte/m);
    t.regex(cliConv.stdout, /operators\s+aten::convolution\.out x1, aten::relu\.out x1/);
    t.notRegex(cliConv.stderr, /lacks/);
    const tolerances = tolerancesFor(file('conv.bpte'));
    const run = etrun(file('conv.bpte'), ['--rtol', String(tolerances?.rtol), '--atol', String(tolerances?.atol)]);
    t.is(run.code, 0, run.stderr);
    t.true(run.result?.correctness?.every((c) => c.pass) ?? false, JSON.stringify(run.result?.correctness));
    for (const c of checks('conv.bpte')) {
      // Exact comparison: our convolution sums in another order than ExecuTorch's portable one.
      t.like(c, { agree: false, identical: false }, c.inputs);
      t.like(c.etrun, { exitCode: 0, error: null, outputs: 1 });
      t.like(c.executorch, { exitCode: 0, error: null, outputs: 1 }, 'ExecuTorch runs it');
      t.true(Number(c.outputs[0]?.maxAbsDiff ?? 1) < 1e-5, JSON.stringify(c.outputs));
    }
  });

  test.serial('conv XNNPACK: one delegate; our XnnpackBackend runs it within float rounding of ExecuTorch', (t) => {
    const xnn = report('conv-xnnpack.bpte');
    t.is(xnn.error, null, JSON.stringify(xnn.error));
    t.deepEqual(xnn.delegates, ['XnnpackBackend']);
    t.deepEqual(xnn.operators, [], 'everything is inside the delegate');
    t.true(xnn.executorch?.ran);
    const tolerances = tolerancesFor(file('conv-xnnpack.bpte'));
    const run = etrun(file('conv-xnnpack.bpte'), ['--rtol', String(tolerances?.rtol), '--atol', String(tolerances?.atol)]);
    t.is(run.code, 0, run.stderr);
    t.true(run.result?.correctness?.every((c) => c.pass) ?? false, JSON.stringify(run.result?.correctness));
    for (const c of checks('conv-xnnpack.bpte')) {
      t.like(c.etrun, { exitCode: 0, error: null, outputs: 1 });
      t.like(c.executorch, { exitCode: 0, error: null, outputs: 1 });
      t.true(Number(c.outputs[0]?.maxAbsDiff ?? 1) < 1e-5, JSON.stringify(c.outputs));
    }
  });

  test.serial('int8 XNNPACK: drift against the float model is reported, and small', (t) => {
    const q = report('conv-int8.bpte');
    t.is(q.error, null, JSON.stringify(q.error));
    t.deepEqual(q.delegates, ['XnnpackBackend']);
    t.is(q.drift?.measured_on, 'executorch');
    const drift = q.drift?.outputs[0];
    t.truthy(drift);
    const err = Number(drift?.max_abs_err);
    t.true(err > 0 && err < 0.1 * (drift?.float_max_abs ?? 0), `max abs err ${err} of ${drift?.float_max_abs}`);
    t.true(Number(drift?.cosine) > 0.99 && Number(drift?.cosine) <= 1, `cosine ${drift?.cosine}`);
    t.true(q.seconds['quantize']! > 0, 'the PT2E stage ran');
    t.true((q.bytes?.pte ?? 0) < (report('conv-xnnpack.bpte').bytes?.pte ?? 0) * 2);
    const tolerance = q.tolerances?.[0];
    t.truthy(tolerance);
    t.true((tolerance?.atol ?? 0) >= (drift?.float_max_abs ?? 0) / 200, 'the int8 tolerance leaves room for a rounding step');
    for (const c of checks('conv-int8.bpte')) t.like(c.executorch, { exitCode: 0, error: null, outputs: 1 });
  });

  test.serial('a factory that does not exist is a report naming the stage, and the batch goes on', (t) => {
    const missing = report('missing.bpte');
    t.like(missing.error, { stage: 'load', name: 'AttributeError' });
    t.regex(missing.error?.message ?? '', /has no function no_such_function/);
    t.is(reports.length, 4);
  });

  test.serial('crosscheck exits 1 and lists what disagreed', (t) => {
    t.is(cross.code, 1, show(cross));
    // conv and conv-xnnpack differ in float rounding from ExecuTorch (exact comparison); conv-int8 is identical.
    t.regex(cross.stderr, /4 of 8 checks disagree: conv\.bpte random:0, conv\.bpte bundled:1, conv-xnnpack\.bpte random:0, conv-xnnpack\.bpte bundled:1/);
    t.is(crossReport.checks.length, 8);
  });

  test.serial('the crosscheck table shows each side and the largest difference per output', (t) => {
    const table = renderCrosscheck(crossReport);
    t.regex(table, /^program\s+inputs\s+etrun\s+ExecuTorch\s+output\s+tensor\s+max abs diff\s+result$/m);
    t.regex(table, /^tiny\.bpte\s+random:0\s+ok\s+ok\s+0\s+float32\[2,3\]\s+0\s+identical$/m);
    t.regex(table, /^conv\.bpte\s+random:0\s+ok\s+ok\s+0\s+float32\[1,8,8,8\]\s+\S+\s+DIFFERS \(\d+ of 512\)$/m);
    t.regex(table, /^conv-xnnpack\.bpte random:0: output 0: \d+ of 512 elements differ, max abs diff /m);
    t.regex(table, /^conv-int8\.bpte\s+random:0\s+ok\s+ok\s+0\s+float32\[1,8,8,8\]\s+0\s+identical$/m);
    t.regex(table, /8 checks \(exact, etrun portable kernels\): 4 agree, 4 disagree/);
  });

  test.serial('bundled inputs on a plain .pte are a usage error', async (t) => {
    await writeFile(file('plain.pte'), (await readFile(file('tiny.bpte'))).subarray(0, 0));
    const done = await etbench(['crosscheck', file('plain.pte'), '--inputs', 'bundled']);
    t.is(done.code, 2, show(done));
    t.regex(done.stderr, /--inputs bundled: .*plain\.pte is not a bundled program/);
  });
});
