import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ensureStarterSuite, readBundled, readConstantData, starterSuite } from '../../program/index.js';

const NAMES = ['add_broadcast_f32', 'mul_add_f32', 'add_i32', 'residual_chain_f32'];
const ALLOWED_OPS = new Set(['aten::add.out', 'aten::mul.out', 'dim_order_ops::_clone_dim_order.out']);

test('starter suite: four bundled programs with two cases each, only add/mul/clone', (t) => {
  const suite = starterSuite();
  t.deepEqual(suite.map((p) => p.name), NAMES);
  for (const { name, bytes } of suite) {
    const bundle = readBundled(bytes);
    const [method] = bundle.program.methods;
    t.is(method?.name, 'forward', name);
    t.true(method!.operators.every((o) => ALLOWED_OPS.has(o.qualifiedName)), name);
    t.is(bundle.suites.length, 1);
    const cases = bundle.suites[0]!.testCases;
    t.is(cases.length, 2, name);
    for (const c of cases) {
      t.is(c.inputs.length, method!.inputs.length);
      c.inputs.forEach((v, i) => t.like(v, { kind: 'Tensor', dtype: method!.inputs[i]!.tensor!.dtype, shape: method!.inputs[i]!.tensor!.shape }));
      t.like(c.expectedOutputs[0], { kind: 'Tensor', shape: method!.outputs[0]!.tensor!.shape });
    }
    t.notDeepEqual(cases[0]!.inputs, cases[1]!.inputs, `${name}: the two cases differ`);
  }
});

test('starter suite is deterministic', (t) => {
  const a = starterSuite();
  const b = starterSuite();
  a.forEach((p, i) => t.deepEqual(p.bytes, b[i]!.bytes, p.name));
});

test('add_broadcast_f32 expected output = x + bias in float32', (t) => {
  const bundle = readBundled(starterSuite()[0]!.bytes);
  const [c] = bundle.suites[0]!.testCases;
  const x = c!.inputs[0]!;
  const y = c!.expectedOutputs[0]!;
  if (x.kind !== 'Tensor' || y.kind !== 'Tensor') return t.fail();
  t.deepEqual(x.shape, [64, 256]);
  t.true(y.data instanceof Float32Array);
  const m = bundle.program.methods[0]!;
  const biasValue = m.values.find((v) => v.kind === 'Tensor' && v.tensor.placement === 'constant');
  if (biasValue?.kind !== 'Tensor') return t.fail();
  const bias = new Float32Array(readConstantData(bundle.programBytes, bundle.program, biasValue.tensor).buffer);
  t.is(bias.length, 256);
  const expected = Float32Array.from(x.data as Float32Array, (v, i) => Math.fround(v + bias[i % 256]!));
  t.deepEqual(y.data, expected);
  t.is(m.plannedMemory[0]?.size, 2 * 64 * 256 * 4);
});

test('mul_add_f32 is 3x + 2 with 0-d constants; add_i32 is exact int32', (t) => {
  const [, mulAdd, addI32] = starterSuite().map((p) => readBundled(p.bytes));
  const [c] = mulAdd!.suites[0]!.testCases;
  const x = c!.inputs[0]!;
  const y = c!.expectedOutputs[0]!;
  if (x.kind !== 'Tensor' || y.kind !== 'Tensor') return t.fail();
  t.deepEqual([...y.data.slice(0, 64)], [...x.data.slice(0, 64)].map((v) => Math.fround(Math.fround(Number(v) * 3) + 2)));
  t.deepEqual(mulAdd!.program.constants.offsets, [0, 0, 16]);
  const [d] = addI32!.suites[0]!.testCases;
  const [a, b] = d!.inputs;
  const z = d!.expectedOutputs[0]!;
  if (a?.kind !== 'Tensor' || b?.kind !== 'Tensor' || z.kind !== 'Tensor') return t.fail();
  t.true(z.data instanceof Int32Array);
  t.deepEqual([...z.data], [...a.data].map((v, i) => Number(v) + Number(b.data[i])));
  t.is(addI32!.program.header, null, 'no constants, so no extended header');
});

test('residual_chain_f32 reuses arena bytes', (t) => {
  const bundle = readBundled(starterSuite()[3]!.bytes);
  const m = bundle.program.methods[0]!;
  t.is(m.instructionCount, 17);
  const planned = m.values.flatMap((v) => (v.kind === 'Tensor' && v.tensor.allocation ? [v.tensor] : []));
  const total = planned.reduce((n, tensor) => n + tensor.nbytes, 0);
  t.is(planned.length, 18);
  t.true(m.plannedMemory[0]!.size <= 3 * 4096, `arena ${m.plannedMemory[0]!.size} B for ${total} B of tensors`);
});

test('ensureStarterSuite writes once and rewrites only changed files', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etbench-starter-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cache = path.join(dir, 'cache', 'starter');
  const paths = ensureStarterSuite(cache);
  t.deepEqual(paths, NAMES.map((n) => path.join(cache, `${n}.bpte`)));
  fs.writeFileSync(paths[2]!, 'stale');
  const old = new Date(Date.now() - 60_000);
  paths.forEach((p, i) => i !== 2 && fs.utimesSync(p, old, old));
  const again = ensureStarterSuite(cache);
  t.deepEqual(again, paths);
  t.deepEqual(new Uint8Array(fs.readFileSync(paths[2]!)), starterSuite()[2]!.bytes);
  paths.forEach((p, i) => {
    if (i !== 2) t.true(Math.abs(fs.statSync(p).mtimeMs - old.getTime()) < 1, `${p} was rewritten`);
  });
  t.deepEqual(fs.readdirSync(cache).sort(), NAMES.map((n) => `${n}.bpte`).sort());
});
