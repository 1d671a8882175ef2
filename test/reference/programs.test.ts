/**
 * referenceRun on whole programs: the real element-wise ExecuTorch files (their
 * documented results and the bundled program's own expected outputs), and
 * the interpreter's memory model (planned aliasing, views, prim ops).
 */
import fs from 'node:fs';
import test from 'ava';
import { readBundled, referenceRun, toLogical, type RefTensor, type RefValue } from '../../program/index.js';
import { ADD_MODEL, APPLE_ADD, BUNDLED, MODULE_LINEAR } from '../helpers/fixtures.js';

const f32 = (shape: number[], data: number[]): RefTensor => ({ dtype: 'float32', shape, dimOrder: shape.map((_, i) => i), data });
const run = (file: string, inputs: RefValue[]): RefValue[] => referenceRun(new Uint8Array(fs.readFileSync(file)), 'forward', inputs);

test('AddModel: x + 1 with a zero-dim constant', (t) => {
  const [out] = run(ADD_MODEL, [f32([3], [1, 2, 3])]);
  t.deepEqual((out as RefTensor).data, [2, 3, 4]);
});

test('apple add.pte (no extended header): x + y', (t) => {
  const [out] = run(APPLE_ADD, [f32([1], [0.1]), f32([1], [0.2])]);
  t.deepEqual((out as RefTensor).data, [Math.fround(Math.fround(0.1) + Math.fround(0.2))]);
});

test('ModuleLinear (legacy inline constant_buffer): 3x + 2', (t) => {
  const [out] = run(MODULE_LINEAR, [f32([2, 2], [1, -2, 0.5, 10])]);
  t.deepEqual((out as RefTensor).data, [5, -4, 3.5, 32]);
});

test('the bundled program: every test case of its suite', (t) => {
  const bundle = readBundled(new Uint8Array(fs.readFileSync(BUNDLED)));
  const suite = bundle.suites[0]!;
  t.true(suite.testCases.length > 0);
  const logical = (v: (typeof suite.testCases)[number]['inputs'][number]): RefValue => {
    if (v.kind !== 'Tensor') return v.value;
    const data = Array.from(v.data as Int32Array);
    return { dtype: v.dtype, shape: v.shape, dimOrder: v.dimOrder, data: toLogical(data, v.shape, v.dimOrder) };
  };
  for (const c of suite.testCases) {
    const outputs = referenceRun(bundle.programBytes, suite.methodName, c.inputs.map(logical));
    t.deepEqual(outputs.map((o) => (o as RefTensor).data), c.expectedOutputs.map((o) => (logical(o) as RefTensor).data));
  }
  const x: RefTensor = { dtype: 'int32', shape: [2, 2], dimOrder: [0, 1], data: [1, -2, 2147483647, 5] };
  const y: RefTensor = { dtype: 'int32', shape: [2, 2], dimOrder: [0, 1], data: [0, 1, 1, -5] };
  const [out] = referenceRun(bundle.programBytes, suite.methodName, [x, y]);
  // 3x + 2 + y with int32 wraparound
  t.deepEqual((out as RefTensor).data, [5, -3, ((3 * 2147483647 + 3) | 0), 12]);
});

test('a method input count mismatch and an unknown method are ReferenceOpErrors', (t) => {
  t.throws(() => run(ADD_MODEL, []), { name: 'ReferenceOpError' });
  t.throws(() => referenceRun(new Uint8Array(fs.readFileSync(ADD_MODEL)), 'nope', []), { name: 'ReferenceOpError' });
});

test('mutable state with a stored initial value starts from it (a KV cache written by the builder)', async (t) => {
  const { ProgramBuilder } = await import('../../program/index.js');
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [3] });
  const state = m.mutable({ dtype: 'float32', shape: [3], initial: new Float32Array([10, 20, 30]) });
  m.output(m.call('aten::add.out', { self: x, other: state }));
  const [out] = referenceRun(b.build().pte, 'forward', [f32([3], [1, 2, 3])]);
  t.deepEqual((out as RefTensor).data, [11, 22, 33]);
});

test('a ReferenceSession keeps mutable state between runs; referenceRun starts from the stored value each time', async (t) => {
  const { ProgramBuilder, ReferenceSession } = await import('../../program/index.js');
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [3] });
  const state = m.mutable({ dtype: 'float32', shape: [3], initial: new Float32Array([10, 20, 30]) });
  m.output(m.call('aten::add.out', { self: x, other: state, out: state }));
  const pte = b.build().pte;
  const session = new ReferenceSession(pte, 'forward');
  t.deepEqual((session.run([f32([3], [1, 2, 3])])[0] as RefTensor).data, [11, 22, 33]);
  t.deepEqual((session.run([f32([3], [1, 2, 3])])[0] as RefTensor).data, [12, 24, 36]);
  t.deepEqual((referenceRun(pte, 'forward', [f32([3], [1, 2, 3])])[0] as RefTensor).data, [11, 22, 33]);
  t.throws(() => new ReferenceSession(pte, 'nope'), { name: 'ReferenceOpError' });
});
