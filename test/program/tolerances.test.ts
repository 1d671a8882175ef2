// Per-case tolerances: the manifest beside a suite's .bpte files, tolerancesFor() picking the
// entry for a program, and etrun applying the result through --rtol/--atol.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import {
  DEFAULT_TOLERANCE, ProgramBuilder, ToleranceManifestError, formatToleranceManifest, parseToleranceManifest, tolerancesFor,
} from '../../program/index.js';
import { describeRun, etrun, tempDir, writeTemp } from './etrun.js';

test('tolerancesFor: <stem>.tolerances.json first, then manifest.json; loosest pair over the cases', async (t) => {
  const dir = await tempDir(t);
  const program = path.join(dir, 'add.bpte');
  t.is(tolerancesFor(program), null, 'no manifest: etrun defaults apply');
  await writeTemp(dir, 'manifest.json', formatToleranceManifest([
    { file: 'add.bpte', method: 'forward', cases: [{ rtol: 1e-3, atol: 1e-6 }, { rtol: 1e-4, atol: 1e-5 }] },
    { file: 'add.bpte', method: 'other', cases: [{ rtol: 0.5, atol: 0 }] },
    { file: 'mul.bpte', method: 'forward', cases: [{ rtol: 0, atol: 0 }] },
  ]));
  t.deepEqual(tolerancesFor(program), {
    manifest: path.join(dir, 'manifest.json'),
    method: 'forward',
    cases: [{ rtol: 1e-3, atol: 1e-6 }, { rtol: 1e-4, atol: 1e-5 }],
    rtol: 1e-3,
    atol: 1e-5,
  });
  t.like(tolerancesFor(program, 'other'), { rtol: 0.5, atol: 0 });
  t.like(tolerancesFor(path.join(dir, 'mul.bpte')), { rtol: 0, atol: 0 });
  t.is(tolerancesFor(program, 'missing'), null);
  t.is(tolerancesFor(path.join(dir, 'sub.bpte')), null);
  // A per-program file wins, and may leave `file` out.
  await writeTemp(dir, 'add.tolerances.json', JSON.stringify({ method: 'forward', cases: [{ rtol: 0.25, atol: 0.125 }] }));
  t.like(tolerancesFor(program), { manifest: path.join(dir, 'add.tolerances.json'), rtol: 0.25, atol: 0.125 });
  // With no cases the defaults stand.
  await writeTemp(dir, 'empty.tolerances.json', JSON.stringify([{ method: 'forward', cases: [] }]));
  t.like(tolerancesFor(path.join(dir, 'empty.pte')), { rtol: DEFAULT_TOLERANCE.rtol, atol: DEFAULT_TOLERANCE.atol });
});

test('malformed manifests are ToleranceManifestErrors naming the file and the entry', async (t) => {
  const bad: [string, RegExp][] = [
    ['{', /not JSON/],
    ['[{"method": "forward"}]', /entry 0: cases must be a list/],
    ['[{"method": "forward", "cases": [{"rtol": -1, "atol": 0}]}]', /entry 0: cases\[0\] must be \{rtol, atol\}/],
    ['[{"method": "", "cases": []}]', /entry 0: method must be a non-empty string/],
    ['[{"method": "f", "cases": []}, {"method": "f", "cases": []}]', /method 'f' is listed twice/],
    ['[3]', /entry 0 must be an object/],
  ];
  for (const [text, message] of bad) t.throws(() => parseToleranceManifest(text, 'm.json'), { instanceOf: ToleranceManifestError, message });
  const dir = await tempDir(t);
  await writeTemp(dir, 'x.tolerances.json', '[');
  const e = t.throws(() => tolerancesFor(path.join(dir, 'x.bpte')), { instanceOf: ToleranceManifestError });
  t.is(e?.path, path.join(dir, 'x.tolerances.json'));
  await mkdir(path.join(dir, 'sub', 'manifest.json'), { recursive: true });
  t.throws(() => tolerancesFor(path.join(dir, 'sub', 'y.bpte')), { instanceOf: ToleranceManifestError, message: /cannot be read/ });
});

test.serial('a suite built with per-case tolerances passes on etrun only with the manifest applied', async (t) => {
  const dir = await tempDir(t);
  const b = new ProgramBuilder();
  const m = b.method('forward');
  m.output(m.call('aten::mul.Scalar_out', { self: m.input({ dtype: 'float32', shape: [3] }), other: 3 }));
  // Expected values off by 1e-4 relative: wrong at ExecuTorch's default rtol 1e-5, fine at 1e-3.
  b.testCase('forward', { inputs: [[1, 2, 3]], expectedOutputs: [[3, 6, 9]], rtol: 1e-5 });
  b.testCase('forward', { inputs: [[1, 1, 1]], expectedOutputs: [[3.0003, 3.0003, 3.0003]], rtol: 1e-3 });
  const built = b.build();
  t.deepEqual(built.tolerances, [{ method: 'forward', cases: [{ rtol: 1e-5, atol: 1e-8 }, { rtol: 1e-3, atol: 1e-8 }] }]);
  const file = await writeTemp(dir, 'scale.bpte', built.bpte!);
  await writeTemp(dir, 'scale.tolerances.json', formatToleranceManifest(built.tolerances));
  const strict = etrun([file, '--iterations', '1', '--warmup', '0']);
  t.is(strict.code, 6, describeRun(strict));
  const tol = tolerancesFor(file)!;
  t.like(tol, { rtol: 1e-3, atol: 1e-8 });
  const loose = etrun([file, '--iterations', '1', '--warmup', '0', '--rtol', String(tol.rtol), '--atol', String(tol.atol)]);
  t.is(loose.code, 0, describeRun(loose));
});
