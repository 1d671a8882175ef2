// Programs made by ProgramBuilder, run on the real runtime (build/native/release/etrun):
// planned programs compute bit-identical results to the TypeScript float32 reference (a property
// test over random element-wise graphs), mutable state persists between executes, a
// dynamic-bound input accepts a smaller shape, every method of a multi-method program runs by
// name, views keep their base alive, and a delegate the runtime lacks is refused with exit 4.

import test from 'ava';
import fc from 'fast-check';
import {
  ProgramBuilder, readProgram, readProgramImage, type DType, type MethodBuilder, type ValueRef,
} from '../../program/index.js';
import { describeRun, etrun, tempDir, writeTemp } from './etrun.js';
import { evaluate } from './reference.js';

const FAST = ['--iterations', '1', '--warmup', '0'];
const EXACT = ['--rtol', '0', '--atol', '0'];

// --- random element-wise programs ------------------------------------------------------------

type OpPick =
  | { op: 'add'; a: number; b: number; alpha: number }
  | { op: 'mul'; a: number; b: number }
  | { op: 'addScalar'; a: number; s: number; alpha: number }
  | { op: 'mulScalar'; a: number; s: number }
  | { op: 'clone'; a: number };

interface GraphPick {
  shape: number[];
  inputs: number;
  constants: { shape: 'full' | 'last' | 'scalar'; seed: number }[];
  ops: OpPick[];
  /** Extra outputs besides the last op's result (kept alive to the end). */
  extraOutputs: number[];
  seed: number;
}

// Exact powers of two (and 1) as alpha: a*y is then exact, so a fused multiply-add in the
// kernel rounds the same way as the reference's separate rounding.
const alpha = fc.constantFrom(1, 2, -1, 0.5);
const scalarValue = fc.integer({ min: -64, max: 64 }).map((n) => n / 8);
const ref = fc.nat({ max: 64 });
const opPick: fc.Arbitrary<OpPick> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), a: ref, b: ref, alpha }),
  fc.record({ op: fc.constant('mul' as const), a: ref, b: ref }),
  fc.record({ op: fc.constant('addScalar' as const), a: ref, s: scalarValue, alpha }),
  fc.record({ op: fc.constant('mulScalar' as const), a: ref, s: scalarValue }),
  fc.record({ op: fc.constant('clone' as const), a: ref }),
);
const graphPick: fc.Arbitrary<GraphPick> = fc.record({
  shape: fc.constantFrom([4], [2, 3], [3, 1, 5], [16], [1]),
  inputs: fc.integer({ min: 1, max: 3 }),
  constants: fc.array(fc.record({ shape: fc.constantFrom('full' as const, 'last' as const, 'scalar' as const), seed: fc.nat() }), { maxLength: 3 }),
  ops: fc.array(opPick, { minLength: 1, maxLength: 14 }),
  extraOutputs: fc.array(ref, { maxLength: 3 }),
  seed: fc.nat(),
});

/** Deterministic values in [-4, 4) on a 1/64 grid (exact in float32). */
function values(count: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((s >>> 8) % 512) / 64 - 4;
  });
}

const numel = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

function buildGraph(g: GraphPick): { b: ProgramBuilder; inputs: number[][] } {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const dtype: DType = 'float32';
  const pool: ValueRef[] = [];
  const inputs: number[][] = [];
  for (let i = 0; i < g.inputs; i++) {
    pool.push(m.input({ dtype, shape: g.shape }));
    inputs.push(values(numel(g.shape), g.seed + i));
  }
  g.constants.forEach((c, i) => {
    const shape = c.shape === 'full' ? g.shape : c.shape === 'last' ? [g.shape[g.shape.length - 1]!] : [];
    pool.push(m.constant({ dtype, shape, data: values(numel(shape), c.seed + 1000 * i) }));
  });
  const results: ValueRef[] = [];
  for (const op of g.ops) {
    const a = pool[op.a % pool.length]!;
    let r: ValueRef;
    if (op.op === 'add') r = m.call('aten::add.out', { self: a, other: pool[op.b % pool.length]!, alpha: op.alpha });
    else if (op.op === 'mul') r = m.call('aten::mul.out', { self: a, other: pool[op.b % pool.length]! });
    else if (op.op === 'addScalar') r = m.call('aten::add.Scalar_out', { self: a, other: m.double(op.s), alpha: op.alpha });
    else if (op.op === 'mulScalar') r = m.call('aten::mul.Scalar_out', { self: a, other: m.double(op.s) });
    else r = m.call('dim_order_ops::_clone_dim_order.out', { self: a });
    pool.push(r);
    results.push(r);
  }
  const outputs = [results[results.length - 1]!, ...g.extraOutputs.map((i) => results[i % results.length]!)];
  m.output(...new Set(outputs));
  return { b, inputs };
}

test.serial('property: planned random element-wise programs are bit-identical to the float32 reference on etrun', async (t) => {
  const dir = await tempDir(t);
  let reused = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(graphPick, async (g) => {
      const { b, inputs } = buildGraph(g);
      const { pte } = b.build();
      const expected = evaluate(readProgramImage(pte), 'forward', inputs);
      b.testCase('forward', { inputs, expectedOutputs: expected });
      const built = b.build();
      const plan = built.memory[0]!;
      if (plan.arenas[0]!.size < plan.tensors.reduce((n, x) => n + x.size, 0)) reused += 1;
      const file = await writeTemp(dir, `p${runs++}.bpte`, built.bpte!);
      const r = etrun([file, ...FAST, ...EXACT, '--print-outputs']);
      if (r.code !== 0) throw new Error(`etrun failed\n${describeRun(r)}`);
      const printed = r.doc!.outputs!.map((o) => o.data.map((x) => Number(x)));
      if (JSON.stringify(printed) !== JSON.stringify(expected)) {
        throw new Error(`outputs differ:\n${JSON.stringify(printed)}\n${JSON.stringify(expected)}`);
      }
    }),
    { numRuns: 40, seed: 20240607 },
  );
  t.true(reused > 0, 'some generated programs share arena bytes');
});

// --- mutable state ---------------------------------------------------------------------------

function accumulator(secondExpected: number[]): ProgramBuilder {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [3] });
  const state = m.mutable({ dtype: 'float32', shape: [3], initial: [10, 20, 30], name: 'acc' });
  m.call('aten::add.out', { self: state, other: x, out: state }); // state += x, in place
  m.output(m.call('aten::mul.Scalar_out', { self: state, other: 2 })); // read it back, doubled
  // Bundled cases run one after the other in one process: case 1 sees case 0's update.
  b.testCase('forward', { inputs: [[1, 2, 3]], expectedOutputs: [[22, 44, 66]] });
  b.testCase('forward', { inputs: [[1, 1, 1]], expectedOutputs: [secondExpected] });
  return b;
}

test.serial('a mutable buffer keeps its value between two executes in one etrun process', async (t) => {
  const dir = await tempDir(t);
  const built = accumulator([24, 46, 68]).build();
  // The initial value landed where the runtime reads it: mutable_data_segments[0] at offsets[idx].
  const info = readProgram(built.pte);
  const state = info.methods[0]!.values[1];
  if (state?.kind !== 'Tensor') return t.fail();
  t.is(state.tensor.placement, 'planned_initialized');
  t.is(state.tensor.extra?.fullyQualifiedName, 'acc');
  const table = info.mutableDataSegments[0]!;
  const segment = info.segments[table.segmentIndex]!;
  const at = segment.fileOffset! + table.offsets[state.tensor.dataBufferIndex]!;
  t.deepEqual([...new Float32Array(built.pte.slice(at, at + 12).buffer)], [10, 20, 30]);
  // Nothing else shares the state's bytes: it lives for the whole method.
  const plan = built.memory[0]!;
  const slot = plan.tensors.find((x) => x.role === 'mutable')!;
  t.like(slot, { firstUse: -1, lastUse: 2 });
  for (const other of plan.tensors.filter((x) => x !== slot)) {
    t.true(other.offset + other.size <= slot.offset || slot.offset + slot.size <= other.offset);
  }

  const pass = etrun([await writeTemp(dir, 'acc.bpte', built.bpte!), ...FAST, ...EXACT]);
  t.is(pass.code, 0, describeRun(pass));
  t.true(pass.doc?.correctness?.[0]?.pass);
  // Control: expecting the state to start over in case 1 is a wrong result (exit 6).
  const fail = etrun([await writeTemp(dir, 'reset.bpte', accumulator([22, 42, 62]).build().bpte!), ...FAST, ...EXACT]);
  t.is(fail.code, 6, describeRun(fail));
  // The plain .pte loads (initial data copied in) and runs.
  const plain = etrun([await writeTemp(dir, 'acc.pte', built.pte), ...FAST]);
  t.is(plain.code, 0, describeRun(plain));
});

// --- dynamic bounds --------------------------------------------------------------------------

test.serial('a dynamic_bound input is fed a smaller shape by a bundled case', async (t) => {
  const dir = await tempDir(t);
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2, 8], dynamism: 'dynamic_bound' });
  const bias = m.constant({ dtype: 'float32', shape: [], data: [0.5] });
  const y = m.call('aten::add.out', { self: x, other: bias });
  t.like(y.tensor, { shape: [2, 8], dynamism: 'dynamic_bound' });
  m.output(m.call('aten::mul.out', { self: y, other: y }));
  const square = (v: number): number => Math.fround((v + 0.5) * (v + 0.5));
  b.testCase('forward', { inputs: [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }], expectedOutputs: [{ shape: [2, 3], data: [1, 2, 3, 4, 5, 6].map(square) }] });
  b.testCase('forward', { inputs: [{ shape: [1, 8], data: [0, 1, 2, 3, 4, 5, 6, 7] }], expectedOutputs: [{ shape: [1, 8], data: [0, 1, 2, 3, 4, 5, 6, 7].map(square) }] });
  const built = b.build();
  t.is(readProgram(built.pte).methods[0]!.inputs[0]!.tensor!.dynamism, 'dynamic_bound');
  // Memory is planned for the bound.
  t.is(built.memory[0]!.tensors.find((x) => x.value === 0)!.size, 2 * 8 * 4);
  const r = etrun([await writeTemp(dir, 'dyn.bpte', built.bpte!), ...FAST, ...EXACT, '--print-outputs']);
  t.is(r.code, 0, describeRun(r));
  t.deepEqual(r.doc?.outputs?.[0]?.shape, [2, 3]);
  const second = etrun([await writeTemp(dir, 'dyn2.bpte', built.bpte!), ...FAST, '--case', '1', '--print-outputs']);
  t.deepEqual(second.doc?.outputs?.[0]?.shape, [1, 8]);
});

// --- several methods, views ------------------------------------------------------------------

function addMethod(b: ProgramBuilder, name: string, k: number): MethodBuilder {
  const m = b.method(name);
  const x = m.input({ dtype: 'int32', shape: [4] });
  m.output(m.call('aten::add.Scalar_out', { self: x, other: k }));
  b.testCase(name, { inputs: [Int32Array.of(1, 2, 3, 4)], expectedOutputs: [Int32Array.of(1 + k, 2 + k, 3 + k, 4 + k)] });
  return m;
}

test.serial('each method of a multi-method program runs with etrun --method NAME', async (t) => {
  const dir = await tempDir(t);
  const b = new ProgramBuilder();
  addMethod(b, 'forward', 1);
  addMethod(b, 'plus_ten', 10);
  // A third method: view [2, 3] as [3, 2] (et_view aliases its input), then add a bias.
  const v = b.method('reshape_add');
  const x = v.input({ dtype: 'float32', shape: [2, 3] });
  const viewed = v.call('executorch_prim::et_view.default', { self: x, size: [3, 2] });
  t.is(viewed.tensor?.shape.join(), '3,2');
  const bias = v.constant({ dtype: 'float32', shape: [2], data: [100, 200] });
  v.output(v.call('aten::add.out', { self: viewed, other: bias }));
  b.testCase('reshape_add', { inputs: [[1, 2, 3, 4, 5, 6]], expectedOutputs: [[101, 202, 103, 204, 105, 206]] });
  const built = b.build();
  // The view is unplanned (its data is x's); x stays live while the view is read.
  const plan = built.memory[2]!;
  t.is(plan.tensors.find((p) => p.value === x.index)!.lastUse, 1);
  const file = await writeTemp(dir, 'methods.bpte', built.bpte!);
  for (const [method, first] of [['forward', 2], ['plus_ten', 11], ['reshape_add', 101]] as const) {
    const r = etrun([file, '--method', method, ...FAST, ...EXACT, '--print-outputs']);
    t.is(r.code, 0, `${method}\n${describeRun(r)}`);
    t.is(r.doc?.outputs?.[0]?.data[0], first);
  }
});

// --- delegates -------------------------------------------------------------------------------

test.serial('a delegate whose backend the runtime lacks is refused with exit 4 naming the backend', async (t) => {
  const dir = await tempDir(t);
  for (const inline of [false, true]) {
    const b = new ProgramBuilder();
    const m = b.method('forward');
    const x = m.input({ dtype: 'float32', shape: [4], planned: false });
    const y = m.tensor({ dtype: 'float32', shape: [4] });
    m.delegate({ id: 'EtbenchTestBackend', payload: new Uint8Array([1, 2, 3]), compileSpecs: { mode: 'fast' }, inline }, [x], [y]);
    m.output(y);
    const r = etrun([await writeTemp(dir, `delegate-${inline}.pte`, b.build().pte), ...FAST]);
    t.is(r.code, 4, describeRun(r));
    t.regex(r.doc?.error?.message ?? '', /EtbenchTestBackend/);
  }
});
