import test from 'ava';
import {
  buildElementwiseProgram, evaluateElementwise, planMemory, readConstantData, readProgram, type ElementwiseGraph,
} from '../../program/index.js';

test('planMemory: overlapping lifetimes get disjoint 16-aligned ranges, others share', (t) => {
  const plan = planMemory([
    { size: 12, firstUse: -1, lastUse: 0 }, // input, read by op 0
    { size: 12, firstUse: 0, lastUse: 1 }, // op 0 output, read by op 1
    { size: 12, firstUse: 1, lastUse: 2 }, // op 1 output, graph output
  ]);
  t.deepEqual(plan.offsets, [0, 16, 0]);
  t.is(plan.arenaSize, 32);
  t.deepEqual(planMemory([]), { offsets: [], arenaSize: 0 });
  // Larger tensors are placed first and a small one fills a gap between them.
  const gap = planMemory([
    { size: 64, firstUse: 0, lastUse: 3 },
    { size: 64, firstUse: 2, lastUse: 3 },
    { size: 16, firstUse: 0, lastUse: 1 },
  ]);
  t.deepEqual(gap.offsets, [0, 64, 64]);
  t.is(gap.arenaSize, 128);
});

test('planMemory never overlaps two live tensors (randomized)', (t) => {
  let seed = 3;
  const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let round = 0; round < 50; round++) {
    const tensors = Array.from({ length: 12 }, () => {
      const firstUse = Math.floor(next() * 10) - 1;
      return { size: Math.floor(next() * 200), firstUse, lastUse: firstUse + Math.floor(next() * 5) };
    });
    const plan = planMemory(tensors);
    tensors.forEach((a, i) =>
      tensors.forEach((b, j) => {
        if (i >= j || a.size === 0 || b.size === 0) return;
        if (a.firstUse > b.lastUse || b.firstUse > a.lastUse) return;
        const [oa, ob] = [plan.offsets[i]!, plan.offsets[j]!];
        t.true(oa + a.size <= ob || ob + b.size <= oa, `tensors ${i} and ${j} overlap`);
      }),
    );
    t.true(plan.offsets.every((o) => o % 16 === 0));
  }
});

const graph: ElementwiseGraph = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 2, 2] }],
  constants: [{ name: 'k', dtype: 'float32', shape: [2], data: [0.1, 3] }],
  ops: [
    { op: 'mul', self: 'x', other: 'k', out: 'a' },
    { op: 'add', self: 'a', other: 'x', alpha: 2, out: 'b' },
    { op: 'clone', self: 'b', dimOrder: [0, 2, 3, 1], out: 'y' },
  ],
  outputs: ['y'],
};

test('buildElementwiseProgram lowers ops like the exporter (args + return slot, IntList of Int values)', (t) => {
  const bytes = buildElementwiseProgram(graph);
  const info = readProgram(bytes);
  const m = info.methods[0]!;
  t.deepEqual(m.operators.map((o) => [o.qualifiedName, o.count]), [
    ['aten::mul.out', 1], ['aten::add.out', 1], ['dim_order_ops::_clone_dim_order.out', 1],
  ]);
  const [mul, add, clone] = m.chains[0]!;
  t.is(mul?.kind === 'KernelCall' ? mul.args.length : 0, 4);
  t.is(add?.kind === 'KernelCall' ? add.args.length : 0, 5);
  if (add?.kind !== 'KernelCall' || clone?.kind !== 'KernelCall') return t.fail();
  t.is(add.args[3], add.args[4]);
  t.deepEqual(m.values[add.args[2]!], { kind: 'Int', value: 2n });
  t.deepEqual(m.values[clone.args[1]!], { kind: 'Bool', value: false });
  const dimOrder = m.values[clone.args[2]!];
  t.is(dimOrder?.kind, 'IntList');
  if (dimOrder?.kind === 'IntList') {
    t.deepEqual(dimOrder.items.map((i) => m.values[i]), [0, 2, 3, 1].map((d) => ({ kind: 'Int', value: BigInt(d) })));
  }
  t.like(m.outputs[0]?.tensor, { shape: [2, 3, 2, 2], dimOrder: [0, 2, 3, 1], placement: 'planned' });
  const k = m.values.find((v) => v.kind === 'Tensor' && v.tensor.placement === 'constant');
  if (k?.kind !== 'Tensor') return t.fail();
  t.deepEqual([...new Float32Array(readConstantData(bytes, info, k.tensor).buffer)], [Math.fround(0.1), 3]);
  t.true(m.values.every((v) => v.kind !== 'Tensor' || v.tensor.allocation === null || v.tensor.allocation.offset % 16 === 0));
});

test('evaluateElementwise rounds to float32 per op and writes outputs in their dim order', (t) => {
  const x = Float32Array.from({ length: 24 }, (_, i) => i / 7);
  const [y] = evaluateElementwise(graph, { x });
  const k = [Math.fround(0.1), 3];
  // Logical result at (n, c, h, w), then NHWC order in memory.
  const logical = (n: number, c: number, h: number, w: number): number => {
    const xi = x[((n * 3 + c) * 2 + h) * 2 + w]!;
    return Math.fround(Math.fround(xi * k[w]!) + Math.fround(2 * xi));
  };
  const expected: number[] = [];
  for (let n = 0; n < 2; n++) for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) for (let c = 0; c < 3; c++) expected.push(logical(n, c, h, w));
  t.true(y instanceof Float32Array);
  t.deepEqual([...y!], expected);
  const ints = evaluateElementwise(
    {
      inputs: [{ name: 'a', dtype: 'int32', shape: [2] }, { name: 'b', dtype: 'int32', shape: [2] }],
      constants: [],
      ops: [{ op: 'mul', self: 'a', other: 'b', out: 'c' }],
      outputs: ['c'],
    },
    { a: Int32Array.of(2 ** 30, -3), b: Int32Array.of(4, 5) },
  );
  t.deepEqual([...ints[0]!], [0, -15]);
});

test('graph errors name the op', (t) => {
  const bad: ElementwiseGraph = { ...graph, ops: [{ op: 'add', self: 'x', other: 'nope', out: 'y' }] };
  t.throws(() => buildElementwiseProgram(bad), { message: 'ops[0].other: unknown tensor "nope"' });
  const shapes: ElementwiseGraph = { ...graph, constants: [{ name: 'k', dtype: 'float32', shape: [3], data: [1, 2, 3] }] };
  t.throws(() => buildElementwiseProgram(shapes), { message: /ops\[0\]: shapes \[2,3,2,2\] and \[3\] do not broadcast/ });
});
