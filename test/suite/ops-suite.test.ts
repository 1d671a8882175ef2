// The operator suites: every case builds into a one-instruction .bpte whose expected outputs come
// from the reference, and passes on the runtime's kernels (through the Node addon, in-process).

import test from 'ava';
import { loadProgram } from '../../native/node/index.js';
import { OperatorRegistry, ProgramBuilder, readBundled, type DType } from '../../program/index.js';
import { buildCase } from '../../program/suite/ops/build.js';
import { tensor, type OpSuite } from '../../program/suite/ops/case.js';
import { OP_SUITES } from '../../program/suite/ops/cases/index.js';
import { coverageGaps, formatGap } from '../../program/suite/ops/coverage.js';

/** Runs every case of `suites` on the runtime; returns the failures and the case count. */
function runSuites(suites: readonly OpSuite[], options: { kernels?: 'portable' | 'optimized'; threads?: number } = {}): { failures: string[]; cases: number } {
  const failures: string[] = [];
  let cases = 0;
  for (const suite of suites) {
    for (const c of suite.cases) {
      cases += 1;
      const label = `${suite.op} '${c.name}'`;
      try {
        const built = buildCase(suite, c);
        const program = loadProgram(built.bpte, options);
        program.loadMethod();
        const checks = program.checkBundled(0, built.tolerance.rtol, built.tolerance.atol);
        const bad = checks.filter((k) => !k.pass);
        if (bad.length > 0) failures.push(`${label}: ${JSON.stringify(bad).slice(0, 300)}`);
        program.close();
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message}`);
      }
    }
  }
  return { failures, cases };
}

test('every operator-suite case passes on the runtime against the reference', (t) => {
  const { failures, cases } = runSuites(OP_SUITES);
  t.log(`${cases} cases over ${OP_SUITES.length} operators`);
  t.deepEqual(failures, []);
});

// The optimized set (float32 GEMM/convolution, softmax, pointwise and normalization kernels,
// portable for the rest) must pass every case with the same tolerances, and give the same verdicts
// at 1 and 2 threads.
for (const threads of [1, 2]) {
  test(`every operator-suite case passes with the optimized kernels at ${threads} thread(s)`, (t) => {
    const { failures, cases } = runSuites(OP_SUITES, { kernels: 'optimized', threads });
    t.true(cases >= 1000, `${cases} cases`);
    t.deepEqual(failures, []);
  });
}

test('a case is built from the reference: a channels-last input, broadcast, bytes in the out dim order', (t) => {
  const suite: OpSuite = {
    op: 'aten::add.out',
    allows: { broadcast: true, dimOrder: true, edge: true },
    cases: [{
      name: 'nhwc',
      dtype: 'float32',
      covers: ['dim_order', 'broadcast'],
      args: {
        self: tensor('float32', [1, 2, 2, 2], { data: [0, 1, 2, 3, 4, 5, 6, 7], dimOrder: [0, 2, 3, 1] }),
        other: tensor('float32', [2, 1, 1], { data: [100, 200], constant: true }),
        alpha: 2,
      },
      outs: { out: { dtype: 'float32', shape: [1, 2, 2, 2], dimOrder: [0, 2, 3, 1] } },
    }],
  };
  const built = buildCase(suite, suite.cases[0]!);
  const bundled = readBundled(built.bpte);
  const tc = bundled.suites[0]!.testCases[0]!;
  const asFloats = (v: (typeof tc.inputs)[number]): number[] => {
    if (v.kind !== 'Tensor') throw new Error('not a tensor');
    return [...v.data].map(Number);
  };
  // Logical x[c][h][w] = 4c + 2h + w, stored channels-last: (h, w, c) order.
  t.deepEqual(asFloats(tc.inputs[0]!), [0, 4, 1, 5, 2, 6, 3, 7]);
  // y = x + 2 * other[c], channel 0 + 200, channel 1 + 400, also channels-last.
  t.deepEqual(asFloats(tc.expectedOutputs[0]!), [200, 404, 201, 405, 202, 406, 203, 407]);
  t.deepEqual(built.tolerance, { rtol: 1e-5, atol: 1e-6 });
  t.is(built.stem, 'aten__add.out__nhwc');
  t.deepEqual(buildCase(suite, suite.cases[0]!).bpte, built.bpte, 'the same case gives the same bytes');
  const program = loadProgram(built.bpte);
  program.loadMethod();
  t.true(program.checkBundled(0, built.tolerance.rtol, built.tolerance.atol).every((k) => k.pass), 'the runtime agrees');
});

test('a case that does not fit its schema is refused naming the case', (t) => {
  const suite: OpSuite = {
    op: 'aten::add.out',
    allows: { broadcast: true, dimOrder: true, edge: true },
    cases: [{ name: 'bad', dtype: 'float32', covers: [], args: { selff: tensor('float32', [2]) }, outs: { out: { dtype: 'float32', shape: [2] } } }],
  };
  t.throws(() => buildCase(suite, suite.cases[0]!), { message: /suite case aten::add\.out 'bad'.*'selff' is not an argument/ });
});

test('the coverage check names every missing case, edge, broadcast and dim-order case', (t) => {
  const registry = OperatorRegistry.fromYaml(`
- op: aten::add.out
  schema: add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)
  dtypes: [float32, int32]
  kernels: { portable: { fn: add_out } }
- op: aten::mul.out
  schema: mul.out(Tensor self, Tensor other, *, Tensor(a!) out) -> Tensor(a!)
  dtypes: [float32]
  kernels: { portable: { fn: mul_out } }
- op: aten::sym_numel
  schema: sym_numel(Tensor self) -> SymInt
  kernels: { prim: { fn: sym_numel } }
`, 'test ops');
  const add: OpSuite = {
    op: 'aten::add.out',
    allows: { broadcast: true, dimOrder: true, edge: true },
    cases: [{ name: 'a', dtype: 'float32', covers: ['broadcast'], args: {}, outs: { out: { dtype: 'float32', shape: [1] } } }],
  };
  const gaps = coverageGaps(registry, [add, { op: 'aten::gone.out', allows: add.allows, cases: [] }]).map(formatGap);
  t.deepEqual(gaps.sort(), [
    'aten::add.out (float32) has no edge case',
    'aten::add.out (int32) has no case',
    'aten::add.out has no dim-order case',
    'aten::gone.out has a suite but is not in ops.yaml',
    'aten::mul.out has no suite',
  ]);
  // A case touching int32 through another argument covers it; marking edge and dim order closes the rest.
  add.cases.push({
    name: 'b', dtype: 'float32', covers: ['edge', 'dim_order'], args: { other: tensor('int32', [1]) }, outs: { out: { dtype: 'float32', shape: [1] } },
  });
  t.deepEqual(coverageGaps(registry, [add]).map(formatGap), ['aten::mul.out has no suite']);
});

test('linalg: an unsupported dtype combination fails at load naming the operator and the dtypes', (t) => {
  const refuse = (op: string, inputs: Record<string, { dtype: DType; shape: number[] }>, args: Record<string, unknown>, out: { dtype: DType; shape: number[] }): string => {
    const b = new ProgramBuilder();
    const m = b.method('forward');
    const refs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, m.input(v)]));
    const o = m.tensor(out);
    m.call(op, { ...refs, ...args, out: o } as never);
    m.output(o);
    const program = loadProgram(b.build().pte);
    const err = t.throws(() => program.loadMethod());
    program.close();
    return err?.message ?? '';
  };
  t.regex(refuse('aten::mm.out', { self: { dtype: 'float32', shape: [2, 3] }, mat2: { dtype: 'float64', shape: [3, 2] } }, {}, { dtype: 'float32', shape: [2, 2] }),
    /aten::mm\.out: mat2 is float64 but the operator computes in float32/);
  t.regex(refuse('aten::sum.IntList_out', { self: { dtype: 'float32', shape: [2, 3] } }, { dim: [0] }, { dtype: 'int32', shape: [3] }),
    /aten::sum\.IntList_out: summing float32 into int32/);
  t.regex(refuse('aten::_softmax.out', { self: { dtype: 'float16', shape: [2, 3] } }, { dim: 1, half_to_float: true }, { dtype: 'float16', shape: [2, 3] }),
    /aten::_softmax\.out: half_to_float is not supported/);
});
