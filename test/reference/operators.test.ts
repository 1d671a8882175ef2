/**
 * Unit checks of the reference operators that the PyTorch goldens do not
 * reach: the ops.yaml coverage of the dispatch table, CMSIS-NN requantization
 * and rounding corners, cortex_m::pad in physical order, the prim ops.
 */
import fs from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { defaultOpsYamlPath, evaluate, REFERENCE_OPS, requantize, toPhysical, type RefTensor } from '../../program/index.js';

const i8 = (shape: number[], data: number[], dimOrder = shape.map((_, i) => i)): RefTensor => ({ dtype: 'int8', shape, dimOrder, data });

/** Schema argument count (return excluded) straight from the schema text. */
function schemaArity(schema: string): number {
  const params = /\((.*)\)\s*->/.exec(schema)?.[1] ?? '';
  return params.split(',').map((p) => p.trim()).filter((p) => p !== '' && p !== '*').length;
}

test('every operator of native/kernels/ops.yaml has a reference with the schema arity', (t) => {
  const entries = parse(fs.readFileSync(defaultOpsYamlPath(), 'utf8')) as { op: string; schema: string }[];
  t.true(entries.length >= 21);
  for (const { op, schema } of entries) {
    const ref = REFERENCE_OPS[op];
    t.truthy(ref, `${op} has no reference`);
    if (ref !== undefined) t.is(ref.arity, schemaArity(schema), op);
  }
});

test('requantize: CMSIS-NN double rounding, ties away from zero on the right shift', (t) => {
  t.is(requantize(100, 2 ** 30, 0), 50);
  t.is(requantize(3, 2 ** 30, -1), 1); // 1.5 → 2 after the high multiply's own rounding: (3·2^30 + 2^30) >> 31 = 2, 2/2 = 1
  t.is(requantize(1, 2 ** 30, -1), 1); // high = 1 (0.5 rounded up), 1/2 = 0.5 → 1
  t.is(requantize(-3, 2 ** 30, -1), -1); // high = -1, -0.5 → -1
  t.is(requantize(-5, 2 ** 30, -2), -1); // high = -2, -0.5 → -1
  t.is(requantize(-6, 2 ** 30, -2), -1); // high = -2 (−3 + 0.5 floored), -0.5 → -1
  t.is(requantize(5, 2 ** 30, 2), 10); // left shift first: 20 · 0.5
  t.is(requantize(2 ** 30, 2 ** 31 - 1, 1), -(2 ** 31) + 1); // the int32 left shift wraps first: 2^31 → −2^31
});

test('quantize_per_tensor rounds half to even in float32 and clamps; dequantize is one float32 multiply', (t) => {
  const x: RefTensor = { dtype: 'float32', shape: [6], dimOrder: [0], data: [2.5, 3.5, -2.5, 1000, -1000, 0.49999997] };
  const q = evaluate('cortex_m::quantize_per_tensor.out', [x, 1, 3n, -128n, 127n, 1n, i8([6], [0, 0, 0, 0, 0, 0])]) as RefTensor;
  t.deepEqual(q.data, [5, 7, 1, 127, -128, 3]);
  const d = evaluate('cortex_m::dequantize_per_tensor.out', [q, 0.1, 3n, -128n, 127n, 1n,
    { dtype: 'float32', shape: [6], dimOrder: [0], data: [0, 0, 0, 0, 0, 0] }]) as RefTensor;
  t.deepEqual(d.data, [2, 4, -2, 124, -131, 0].map((k) => Math.fround(k * Math.fround(0.1))));
});

test('pad works in physical (NHWC) order', (t) => {
  // logical NCHW [1,2,1,2], channels-last: memory is (w0: c0 c1), (w1: c0 c1)
  const input = i8([1, 2, 1, 2], [1, 2, 3, 4], [0, 2, 3, 1]);
  const out = i8([1, 2, 1, 3], [0, 0, 0, 0, 0, 0], [0, 2, 3, 1]);
  const r = evaluate('cortex_m::pad.out', [input, [0, 0, 1, 0], [0, 0, 0, 0], -7n, out]) as RefTensor;
  t.deepEqual(r.data, [-7, 1, 2, -7, 3, 4]);
  t.deepEqual(toPhysical(r.data as number[], r.shape, r.dimOrder), [-7, -7, 1, 3, 2, 4]);
});

test('avg_pool2d excludes padding taps and rounds half away from zero', (t) => {
  const input = i8([1, 1, 2, 2], [-1, -2, 3, 127], [0, 2, 3, 1]);
  const args = (k: number[], p: number[], out: RefTensor) => [input, k, [1, 1], p, false, 0n, 0n, 0n, i8([0], []), out];
  const whole = evaluate('cortex_m::quantized_avg_pool2d.out', args([2, 2], [0, 0], i8([1, 1, 1, 1], [0]))) as RefTensor;
  t.deepEqual(whole.data, [32]); // 127/4 = 31.75 → 32
  const row = evaluate('cortex_m::quantized_avg_pool2d.out', args([1, 2], [0, 0], i8([1, 1, 2, 1], [0, 0]))) as RefTensor;
  t.deepEqual(row.data, [-2, 65]); // -1.5 → -2, 65
  const padded = evaluate('cortex_m::quantized_avg_pool2d.out', args([2, 2], [1, 1], i8([1, 1, 3, 3], new Array(9).fill(0)))) as RefTensor;
  t.deepEqual(padded.data, [-1, -2, -2, 1, 32, 63, 3, 65, 127]);
});

test('linear takes activation_max before activation_min and uses kernel_sum in place of bias', (t) => {
  const x = i8([1, 2], [10, -20]);
  const w = i8([2, 2], [1, 2, 3, 4]);
  const bias: RefTensor = { dtype: 'int32', shape: [2], dimOrder: [0], data: [5, -5] };
  const out = i8([1, 2], [0, 0]);
  const plain = evaluate('cortex_m::quantized_linear.out', [x, w, bias, null, 1n, 0n, 0n, [2 ** 30], [1], 20n, -128n, out]) as RefTensor;
  // acc = 5 + 11·1 − 19·2 = −22 and −5 + 33 − 76 = −48; ×2^1, ×0.5 → −22, −48; clamp at max 20
  t.deepEqual(plain.data, [-22, -48]);
  const kernelSum: RefTensor = { dtype: 'int32', shape: [2], dimOrder: [0], data: [5 + 3, -5 + 7] };
  const mve = evaluate('cortex_m::quantized_linear.out', [x, w, null, kernelSum, 1n, 0n, 0n, [2 ** 30], [1], 20n, -128n, out]) as RefTensor;
  t.deepEqual(mve.data, plain.data);
});

test('prim ops: sym_size, sym_numel, et_view and Python scalar semantics', (t) => {
  const x: RefTensor = { dtype: 'float32', shape: [2, 3, 4], dimOrder: [0, 1, 2], data: Array.from({ length: 24 }, (_, i) => i) };
  t.is(evaluate('aten::sym_size.int', [x, -1n]), 4n);
  t.is(evaluate('aten::sym_numel', [x]), 24n);
  const v = evaluate('executorch_prim::et_view.default', [x, [6, -1]]) as RefTensor;
  t.deepEqual(v.shape, [6, 4]);
  t.deepEqual(v.data, x.data);
  t.is(evaluate('executorch_prim::floordiv.Scalar', [-7n, 2n]), -4n);
  t.is(evaluate('executorch_prim::mod.Scalar', [-7n, 2n]), 1n);
  t.is(evaluate('executorch_prim::floordiv.Scalar', [1, 0.1]), 9);
  t.is(evaluate('executorch_prim::add.Scalar', [2n ** 63n - 1n, 1n]), -(2n ** 63n));
  t.is(evaluate('executorch_prim::truediv.Scalar', [2n ** 53n + 1n, 1n]), 2 ** 53);
  t.is(evaluate('executorch_prim::eq.Scalar', [2n ** 53n + 1n, 2 ** 53]), false);
  t.throws(() => evaluate('executorch_prim::mod.Scalar', [1n, 0n]), { name: 'ReferenceOpError' });
  t.throws(() => evaluate('aten::nope.out', []), { name: 'ReferenceOpError' });
});
