// The Node binding (native/node/) against the real ExecuTorch fixtures in ../shared/fixtures.
// Needs build/native/release/etbench_native.node and etrun (`node native/build.mjs addon etrun`).

import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { etrunBuildPath } from '../../native/runner/index.js';
import {
  capabilities,
  EtRuntimeError,
  loadProgram,
  makeTensor,
  runtimeVersion,
  type TypedTensor,
} from '../../native/node/index.js';
import { loadNative, type ProgramHandle } from '../../native/node/native.js';
import { ProgramBuilder } from '../../program/index.js';
import { constantF32, delegated } from '../backends/xnnpack-helpers.js';
import { ADD_MODEL, APPLE_ADD, BUNDLED, fixture, KEYWORD_SPOTTING, MODULE_LINEAR, RUNNABLE_PROGRAMS } from '../helpers/fixtures.js';

const LINEAR129 = fixture('xnnpack', 'linear129.pte');

function values(t: TypedTensor | undefined): number[] {
  if (t === undefined) throw new Error('missing output');
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function bytesOf(t: TypedTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

test('AddModel: [1, 2, 3] + 1 = [2, 3, 4]', (t) => {
  const program = loadProgram(ADD_MODEL);
  t.deepEqual(program.methods(), ['forward']);
  const method = program.loadMethod();
  t.is(method.name, 'forward');
  t.deepEqual(method.inputs, [{ kind: 'tensor', dtype: 'float32', shape: [3], dimOrder: [0], planned: true }]);
  t.is(method.numCases, 0);
  const [y, ...rest] = program.run([makeTensor('float32', [3], [1, 2, 3])]);
  t.is(rest.length, 0);
  t.is(y?.dtype, 'float32');
  t.deepEqual(y?.shape, [3]);
  t.true(y?.data instanceof Float32Array);
  t.deepEqual(values(y), [2, 3, 4]);
});

test('apple add: x + y', (t) => {
  const program = loadProgram(APPLE_ADD);
  const method = program.loadMethod('forward');
  t.is(method.inputs.length, 2);
  const [y] = program.run([makeTensor('float32', [1], [1.5]), makeTensor('float32', [1], [2.25])]);
  t.deepEqual(values(y), [3.75]);
});

test('ModuleLinear: 3x + 2 on a 2x2', (t) => {
  const program = loadProgram(MODULE_LINEAR);
  const [y] = program.run([makeTensor('float32', [2, 2], [1, 2, -3, 0.5])]);
  t.deepEqual(y?.shape, [2, 2]);
  t.deepEqual(values(y), [5, 8, -7, 3.5]);
});

test('bundled program: all 10 cases pass and case 0 gives int32 [2, 2, 2, 2]', (t) => {
  const program = loadProgram(BUNDLED);
  t.true(program.isBundled);
  const method = program.loadMethod();
  t.is(method.numCases, 10);
  for (let i = 0; i < method.numCases; i++) {
    const checks = program.checkBundled(i, 1e-5, 1e-8);
    t.true(checks.length > 0, `case ${i}`);
    for (const c of checks) {
      t.true(c.pass, `case ${i} output ${c.output}: ${String(c.reason)}`);
      t.is(c.reason, null);
      t.is(c.maxAbsErr, 0);
    }
  }
  const [y] = program.runBundledCase(0);
  t.is(y?.dtype, 'int32');
  t.deepEqual(y?.shape, [2, 2]);
  t.true(y?.data instanceof Int32Array);
  t.deepEqual(values(y), [2, 2, 2, 2]);
  t.deepEqual(program.run({ bundledCase: 0 }).map(bytesOf), [bytesOf(y as TypedTensor)]);
});

test('a bundled case that does not exist, or a plain program asked for one, is a bad input (exit 3)', (t) => {
  const bundled = loadProgram(BUNDLED);
  const e1 = t.throws(() => bundled.runBundledCase(10), { instanceOf: EtRuntimeError });
  t.is(e1?.exitCode, 3);
  const plain = loadProgram(ADD_MODEL);
  const e2 = t.throws(() => plain.runBundledCase(0), { instanceOf: EtRuntimeError });
  t.is(e2?.exitCode, 3);
  t.throws(() => plain.checkBundled(0), { instanceOf: EtRuntimeError });
});

test('loading from bytes and from a path give identical outputs', (t) => {
  for (const file of RUNNABLE_PROGRAMS) {
    const fromPath = loadProgram(file);
    const fromBytes = loadProgram(new Uint8Array(readFileSync(file)));
    t.is(fromBytes.path, null);
    t.is(fromPath.sha256, fromBytes.sha256);
    t.deepEqual(fromBytes.methods(), fromPath.methods());
    t.deepEqual(fromBytes.loadMethod(), fromPath.loadMethod());
    const a = fromPath.run({ random: 7 });
    const b = fromBytes.run({ random: 7 });
    t.is(a.length, b.length, file);
    t.deepEqual(a.map((x) => [x.dtype, x.shape]), b.map((x) => [x.dtype, x.shape]), file);
    t.deepEqual(a.map(bytesOf), b.map(bytesOf), file);
  }
});

test('a BigInt seed and the same Number seed give the same random inputs', (t) => {
  const program = loadProgram(MODULE_LINEAR);
  t.deepEqual(program.run({ random: 7n }).map(bytesOf), program.run({ random: 7 }).map(bytesOf));
  t.notDeepEqual(program.run({ random: 8 }).map(bytesOf), program.run({ random: 7 }).map(bytesOf));
});

test('KeywordSpotting runs through the addon: int8 cortex_m kernels, input dim order [0,2,1,3]', (t) => {
  const program = loadProgram(KEYWORD_SPOTTING);
  const method = program.loadMethod();
  t.deepEqual(method.inputs[0]?.dimOrder, [0, 2, 1, 3]);
  const [scores] = program.run({ random: 0 });
  t.is(scores?.dtype, 'float32');
  t.deepEqual(scores?.shape, [1, 12]);
});

test('linear129 (XNNPACK-delegated fully connected 129 -> 64): zero input gives the bias, a one-hot input a filter column', (t) => {
  const bytes = new Uint8Array(readFileSync(LINEAR129));
  const d = delegated(bytes);
  const fc = d.graph.nodes[0]!.fields as Record<string, number>;
  const w = constantF32(bytes, d.graph, d.graph.values[fc.filter_id!]!);
  const b = constantF32(bytes, d.graph, d.graph.values[fc.bias_id!]!);
  const program = loadProgram(LINEAR129);
  t.deepEqual(values(program.run([makeTensor('float32', [129], new Array(129).fill(0))])[0]), Array.from(b));
  const x = new Array(129).fill(0);
  x[5] = 1;
  // One product per output: exact in float32.
  t.deepEqual(values(program.run([makeTensor('float32', [129], x)])[0]), Array.from(b, (bn, n) => Math.fround(w[n * 129 + 5]! + bn)));
});

test('a delegate for a backend this build lacks is unsupported (exit 4) and names it', (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2] });
  const y = m.tensor({ dtype: 'float32', shape: [2] });
  m.delegate({ id: 'VendorBackend', payload: new Uint8Array(4) }, [x], [y]);
  m.output(y);
  const e = t.throws(() => loadProgram(b.build().pte).loadMethod(), { instanceOf: EtRuntimeError });
  t.is(e?.exitCode, 4);
  t.regex(e?.message ?? '', /VendorBackend/);
});

test('a truncated AddModel (first 500 bytes) is a bad program (exit 3)', (t) => {
  const bytes = new Uint8Array(readFileSync(ADD_MODEL)).subarray(0, 500);
  const e = t.throws(() => loadProgram(bytes).loadMethod(), { instanceOf: EtRuntimeError });
  t.is(e?.exitCode, 3);
});

test('a program needing more than memoryLimit is a resource limit (exit 7)', (t) => {
  const e = t.throws(() => loadProgram(ADD_MODEL, { memoryLimit: 16 }).loadMethod(), { instanceOf: EtRuntimeError });
  t.is(e?.exitCode, 7, e?.message);
  t.deepEqual(values(loadProgram(ADD_MODEL, { memoryLimit: 1 << 20 }).run([makeTensor('float32', [3], [1, 2, 3])])[0]), [2, 3, 4]);
});

test('a missing file is an EtRuntimeError, not a crash', (t) => {
  const e = t.throws(() => loadProgram('/nonexistent/model.pte'), { instanceOf: EtRuntimeError });
  t.true(e !== undefined && [3, 5].includes(e.exitCode), String(e?.exitCode));
});

test('inputs that do not match the method are bad inputs (exit 3)', (t) => {
  const program = loadProgram(ADD_MODEL);
  program.loadMethod();
  const bad: Array<[string, () => unknown]> = [
    ['wrong dtype', () => program.run([makeTensor('int32', [3], [1, 2, 3])])],
    ['wrong shape', () => program.run([makeTensor('float32', [4], [1, 2, 3, 4])])],
    ['wrong rank', () => program.run([makeTensor('float32', [3, 1], [1, 2, 3])])],
    ['too few inputs', () => program.run([])],
    ['too many inputs', () => program.run([makeTensor('float32', [3], [1, 2, 3]), makeTensor('float32', [3], [1, 2, 3])])],
    ['data not matching the shape', () => program.run([{ dtype: 'float32', shape: [3], data: new Float32Array(2) }])],
    ['TypedArray not matching the dtype', () => program.run([{ dtype: 'float32', shape: [3], data: new Float64Array(3) } as unknown as TypedTensor])],
    ['unknown dtype', () => program.run([{ dtype: 'float33', shape: [3], data: new Float32Array(3) } as unknown as TypedTensor])],
  ];
  for (const [what, call] of bad) {
    const e = t.throws(call, { instanceOf: EtRuntimeError }, what);
    t.is(e?.exitCode, 3, `${what}: ${e?.message ?? ''}`);
  }
  t.deepEqual(values(program.run([makeTensor('float32', [3], [1, 2, 3])])[0]), [2, 3, 4], 'still usable afterwards');
});

test('capabilities list aten::add.out under portable', (t) => {
  const caps = capabilities();
  const portable = caps.kernelSets.find((s) => s.name === 'portable');
  const add = portable?.operators.find((o) => o.name === 'aten::add.out');
  t.truthy(add);
  t.true(add?.dtypes.includes('float32'));
  t.regex(add?.schema ?? '', /add\.out\(/);
  t.true(Array.isArray(caps.backends));
  const prim = caps.kernelSets.find((s) => s.name === 'prim');
  t.true(prim?.operators.every((o) => o.dtypes.length === 0));
});

test('version has version and git strings', (t) => {
  const v = runtimeVersion();
  t.is(typeof v.version, 'string');
  t.not(v.version, '');
  t.is(typeof v.git, 'string');
});

test('profile returns one entry per instruction with calls == iterations', (t) => {
  for (const file of [ADD_MODEL, MODULE_LINEAR, BUNDLED]) {
    const program = loadProgram(file);
    const method = program.loadMethod();
    const entries = program.profile(5);
    t.is(entries.length, method.numInstructions, file);
    for (const e of entries) {
      t.is(e.calls, 5, `${file} ${e.name}`);
      t.is(e.kind, 'kernel');
      t.is(e.backend, null);
      t.true(e.totalNs >= 0);
    }
  }
  const linear = loadProgram(MODULE_LINEAR).profile(3, { random: 1 });
  t.deepEqual(linear.map((e) => e.name), ['aten::mul.out', 'aten::add.out']);
});

test('memory stats of the loaded method', (t) => {
  const program = loadProgram(ADD_MODEL);
  const method = program.loadMethod();
  program.run({ random: 0 });
  const m = program.memory();
  t.deepEqual(m.plannedBytes, method.plannedBytes);
  t.true(m.methodAllocatorBytes > 0);
  t.true(m.tempAllocatorPeakBytes >= 0);
});

test('a closed program throws EtRuntimeError (InvalidState); a non-handle throws TypeError', (t) => {
  const program = loadProgram(ADD_MODEL);
  program.close();
  const e = t.throws(() => program.methods(), { instanceOf: EtRuntimeError });
  t.is(e?.codeName, 'InvalidState');
  const addon = loadNative();
  t.throws(() => addon.programMethods({} as ProgramHandle), { instanceOf: TypeError });
  t.throws(() => addon.openProgram(42 as unknown as string, null), { instanceOf: TypeError });
  t.throws(() => addon.run(loadProgram(ADD_MODEL) as unknown as ProgramHandle, { random: 0 }), { instanceOf: TypeError });
});

test('running before loadMethod through the raw addon is InvalidState, not a crash', (t) => {
  const addon = loadNative();
  const h = addon.openProgram(ADD_MODEL, null);
  const e = t.throws(() => addon.run(h, { random: 0 }), { instanceOf: EtRuntimeError });
  t.is(e?.codeName, 'InvalidState');
});

test('every prefix of the real programs loads or throws EtRuntimeError', (t) => {
  for (const file of [...RUNNABLE_PROGRAMS, KEYWORD_SPOTTING]) {
    const bytes = new Uint8Array(readFileSync(file));
    for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 97))) {
      try {
        const p = loadProgram(bytes.subarray(0, n));
        p.loadMethod();
        p.run({ random: 1 });
      } catch (e) {
        if (!(e instanceof EtRuntimeError)) t.fail(`${file} first ${n} bytes: ${String(e)}`);
      }
    }
  }
  t.pass();
});

// ---- the addon and etrun agree bit for bit ----

interface EtrunTensor {
  dtype: string;
  shape: number[];
  data: Array<number | string | boolean>;
}

function etrunOutputs(file: string, seed: number): Promise<EtrunTensor[]> {
  return new Promise((resolve, reject) => {
    execFile(
      etrunBuildPath('release'),
      [file, '--inputs', `random:${seed}`, '--print-outputs', '--iterations', '1', '--warmup', '0'],
      { timeout: 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`etrun failed (run \`node native/build.mjs etrun\`): ${error.message}\n${stderr}`));
        else resolve((JSON.parse(stdout) as { outputs: EtrunTensor[] }).outputs);
      },
    );
  });
}

function float32Bits(values: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(values).buffer));
}

function jsonNumber(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v === 'nan' ? Number.NaN : v === 'inf' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

for (const file of [ADD_MODEL, MODULE_LINEAR]) {
  test.serial(`etrun and the addon give bit-identical outputs for random:7 (${file.split('/').pop() ?? file})`, async (t) => {
    const expected = await etrunOutputs(file, 7);
    const actual = loadProgram(file).run({ random: 7 });
    t.is(actual.length, expected.length);
    for (const [i, e] of expected.entries()) {
      const a = actual[i];
      t.is(a?.dtype as string | undefined, e.dtype);
      t.deepEqual(a?.shape, e.shape);
      t.is(e.dtype, 'float32');
      t.deepEqual(float32Bits((a?.data ?? new Float32Array()) as Float32Array), float32Bits(e.data.map((v) => Math.fround(jsonNumber(v)))), `output ${i}`);
    }
  });
}
