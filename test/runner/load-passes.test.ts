/**
 * The load-time passes of the optimized kernel set (native/runtime/passes,
 * docs/optimized-kernels.md "Load-time passes"), on hand-written programs run
 * by the real etrun: what folds and fuses shows in the op profile, what must
 * not stays, and every result equals the portable kernels' (which run the
 * program exactly as written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { etrunBuildPath, validateRunnerResult, type RunnerResult } from '../../native/runner/index.js';
import { tensorDataToBytes, writeProgram, type InstructionSpec, type MethodSpec, type ValueSpec } from '../../program/index.js';

const ETRUN = etrunBuildPath('release');

/** Builds a method's value table and instructions one value at a time. */
class MethodBuilder {
  values: ValueSpec[] = [];
  instructions: InstructionSpec[] = [];
  operators: { name: string; overload: string }[] = [];
  private offset = 0;

  add(v: ValueSpec): number {
    this.values.push(v);
    return this.values.length - 1;
  }
  offsetOf(value: number): number {
    const v = this.values[value];
    const offset = v?.kind === 'Tensor' ? v.tensor.allocation?.offset : undefined;
    if (offset === undefined) throw new Error(`value ${value} is not a planned tensor`);
    return offset;
  }
  /** A planned float32 (or int64, int8) tensor with its own arena slot (or at `at`, sharing bytes on purpose). */
  planned(shape: number[], at?: number, dtype: 'float32' | 'int64' | 'int8' = 'float32'): number {
    const bytes = { float32: 4, int64: 8, int8: 1 }[dtype] * shape.reduce((a, b) => a * b, 1);
    const offset = at ?? this.offset;
    if (at === undefined) this.offset += Math.ceil(bytes / 64) * 64;
    return this.add({ kind: 'Tensor', tensor: { dtype, shape, allocation: { memoryId: 1, offset } } });
  }
  /** A constant float32 tensor with deterministic, varied values. */
  constant(shape: number[], seed: number, positive = false): number {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.8 + (positive ? 1 : 0));
    return this.add({ kind: 'Tensor', tensor: { dtype: 'float32', shape, data: tensorDataToBytes(data).slice() } });
  }
  int(v: number): number {
    return this.add({ kind: 'Int', value: v });
  }
  ints(items: number[]): number {
    return this.add({ kind: 'IntList', items: items.map((v) => this.int(v)) });
  }
  call(op: string, overload: string, args: number[]): void {
    let index = this.operators.findIndex((o) => o.name === op && o.overload === overload);
    if (index < 0) index = this.operators.push({ name: op, overload }) - 1;
    this.instructions.push({ kind: 'KernelCall', opIndex: index, args });
  }
  /** out = op(args..., out), with the out repeated as the return slot. */
  out(op: string, overload: string, args: number[], out: number): number {
    this.call(op, overload, [...args, out, out]);
    return out;
  }
  method(inputs: number[], outputs: number[]): MethodSpec {
    return {
      name: 'forward', values: this.values, inputs, outputs, instructions: this.instructions,
      operators: this.operators, plannedMemory: [Math.max(64, this.offset)],
    };
  }
}

interface Ran {
  result: RunnerResult;
  profile: string[];
}

async function runRaw(t: ExecutionContext, method: MethodSpec, kernels: 'portable' | 'optimized'): Promise<{ status: number | null; stdout: string; stderr: string }> {
  if (!existsSync(ETRUN)) throw new Error(`${ETRUN} does not exist. Run \`npm run build\``);
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-passes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'm.pte');
  await writeFile(file, writeProgram({ methods: [method] }));
  return spawnSync(ETRUN, [file, '--kernels', kernels, '--inputs', 'random:7', '--iterations', '1', '--warmup', '0',
    '--profile', '--print-outputs'], { encoding: 'utf8', timeout: 60_000 });
}

async function run(t: ExecutionContext, method: MethodSpec, kernels: 'portable' | 'optimized'): Promise<Ran> {
  const done = await runRaw(t, method, kernels);
  if (done.status !== 0) throw new Error(`etrun --kernels ${kernels} exited ${String(done.status)}: ${done.stderr}${done.stdout}`);
  const result = validateRunnerResult(JSON.parse(done.stdout));
  const profile = (result.op_profile ?? []).slice().sort((a, b) => a.instruction - b.instruction).map((e) => e.name);
  return { result, profile };
}

/** Runs both kernel sets; asserts equal outputs; returns the optimized run's profile. */
async function compare(t: ExecutionContext, method: MethodSpec): Promise<Ran> {
  const portable = await run(t, method, 'portable');
  const optimized = await run(t, method, 'optimized');
  const want = portable.result.outputs ?? [];
  const got = optimized.result.outputs ?? [];
  t.is(got.length, want.length);
  want.forEach((w, i) => {
    t.deepEqual(got[i]?.shape, w.shape);
    w.data.forEach((e, k) => {
      const a = Number(got[i]?.data[k]), b = Number(e);
      t.true(Math.abs(a - b) <= 1e-5 + 1e-5 * Math.abs(b), `output ${i}[${k}]: optimized ${a}, portable ${b}`);
    });
  });
  return optimized;
}

/** x[3, 4] @ permute(W[5, 4]) + bias[5], as the exporter writes a linear layer. */
function linearByPermute(b: MethodBuilder, x: number, seed: number): { wt: number; y: number } {
  const w = b.constant([5, 4], seed);
  const bias = b.constant([5], seed + 1);
  const wt = b.out('aten::permute_copy', 'out', [w, b.ints([1, 0])], b.planned([4, 5]));
  const y = b.out('aten::addmm', 'out', [bias, x, wt, b.int(1), b.int(1)], b.planned([3, 5]));
  return { wt, y };
}

test.serial('a permute of a constant folds at load: the profile has no permute_copy, results equal portable', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const { y } = linearByPermute(b, x, 1);
  const { profile } = await compare(t, b.method([x], [y]));
  t.deepEqual(profile, ['aten::addmm.out']);
  const portable = await run(t, b.method([x], [y]), 'portable');
  t.deepEqual(portable.profile, ['aten::permute_copy.out', 'aten::addmm.out'], 'portable runs the program as written');
});

/** Two steps of an unrolled loop: addmm(x, permute(view(C))) twice, C the same constant or two. */
function twoSteps(sameWeight: boolean): MethodSpec {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const bias = b.constant([5], 4);
  const flat = b.constant([20], 3);
  const ys = [0, 1].map((step) => {
    const source = step === 1 && !sameWeight ? b.constant([20], 8) : flat;
    const w = b.out('aten::view_copy', 'out', [source, b.ints([5, 4])], b.planned([5, 4]));
    const wt = b.out('aten::permute_copy', 'out', [w, b.ints([1, 0])], b.planned([4, 5]));
    return b.out('aten::addmm', 'out', [bias, x, wt, b.int(1), b.int(1)], b.planned([3, 5]));
  });
  return b.method([x], ys);
}

test.serial('chains fold (a permute of a view of a constant); identical folds share their bytes', async (t) => {
  const same = await compare(t, twoSteps(true));
  t.deepEqual(same.profile, ['aten::addmm.out', 'aten::addmm.out']);
  const different = await compare(t, twoSteps(false));
  t.deepEqual(different.profile, ['aten::addmm.out', 'aten::addmm.out']);
  // Two more folded [5, 4] float tensors (80 bytes each) when the steps differ; none when they repeat.
  const extra = (different.result.memory?.method_allocator_bytes ?? 0) - (same.result.memory?.method_allocator_bytes ?? 0);
  t.true(extra >= 160, `the second, different step folded ${extra} more bytes`);
});

/**
 * `steps` addmm of x[2, 128] with a [128, 128] constant weight (64 KiB packed): every step on
 * one weight, or each on its own constant with the same values (distinct bytes to the runtime).
 */
function packedSteps(steps: number, shared: boolean): MethodSpec {
  const b = new MethodBuilder();
  const x = b.planned([2, 128]);
  const one = b.constant([128, 128], 21);
  const ys = Array.from({ length: steps }, () => {
    const w = shared ? one : b.constant([128, 128], 21);
    return b.out('aten::addmm', 'out', [b.constant([128], 22), x, w, b.int(1), b.int(1)], b.planned([2, 128]));
  });
  return b.method([x], ys);
}

test.serial('instructions with one constant weight share one pack; distinct weights each pack their own', async (t) => {
  const bytes = async (m: MethodSpec) => (await compare(t, m)).result.memory?.method_allocator_bytes ?? 0;
  const single = await bytes(packedSteps(1, true));
  const sharedThree = await bytes(packedSteps(3, true));
  const distinctThree = await bytes(packedSteps(3, false));
  const pack = 128 * 128 * 4;
  t.log(`method allocator: 1 step ${single}, 3 on one weight ${sharedThree}, 3 on distinct weights ${distinctThree}`);
  t.true(single >= pack, `one addmm holds its ${pack}-byte pack (${single} bytes)`);
  // Two more steps on the same weight add their state and tensors, far less than a pack each.
  t.true(sharedThree - single < pack / 4, `two more steps on one weight added ${sharedThree - single} bytes`);
  t.true(distinctThree - single >= 2 * pack, `two more distinct weights added ${distinctThree - single} bytes`);
});

test.serial('a dequantized constant weight folds, then its transpose: a QDQ linear packs float weights once', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const q = b.add({ kind: 'Tensor', tensor: { dtype: 'int8', shape: [5, 4], data: new Uint8Array(Int8Array.from({ length: 20 }, (_, i) => (i * 37) % 255 - 127).buffer) } });
  const w = b.out('quantized_decomposed::dequantize_per_tensor', 'out', [q, b.add({ kind: 'Double', value: 0.02 }), b.int(3),
    b.int(-128), b.int(127), b.int(1), b.add({ kind: 'Null' })], b.planned([5, 4]));
  const wt = b.out('aten::permute_copy', 'out', [w, b.ints([1, 0])], b.planned([4, 5]));
  const y = b.out('aten::addmm', 'out', [b.constant([5], 40), x, wt, b.int(1), b.int(1)], b.planned([3, 5]));
  const { profile } = await compare(t, b.method([x], [y]));
  t.deepEqual(profile, ['aten::addmm.out']);
});

test.serial('must not fold: the permute is a method output', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const { wt, y } = linearByPermute(b, x, 5);
  const { profile } = await compare(t, b.method([x], [y, wt]));
  t.deepEqual(profile, ['aten::permute_copy.out', 'aten::addmm.out']);
});

test.serial('must not fold: the out value is written again later', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const { wt, y } = linearByPermute(b, x, 6);
  // wt rewritten from another weight, then read again.
  b.out('aten::permute_copy', 'out', [b.constant([5, 4], 9), b.ints([1, 0])], wt);
  const y2 = b.out('aten::addmm', 'out', [b.constant([5], 10), x, wt, b.int(1), b.int(1)], b.planned([3, 5]));
  const { profile } = await compare(t, b.method([x], [y, y2]));
  t.deepEqual(profile, ['aten::permute_copy.out', 'aten::addmm.out', 'aten::permute_copy.out', 'aten::addmm.out']);
});

test.serial('must not fold: a value a FreeCall releases (the constant would lose its bytes)', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const { wt, y } = linearByPermute(b, x, 8);
  b.instructions.push({ kind: 'FreeCall', valueIndex: wt });
  // etrun executes more than once; the freed out has no bytes on the second execute. Folded,
  // the addmm would read a released constant instead: the same failure must be the permute's.
  for (const kernels of ['portable', 'optimized'] as const) {
    const done = await runRaw(t, b.method([x], [y]), kernels);
    t.is(done.status, 5, `${kernels}: ${done.stderr}`);
    t.regex(done.stderr, /aten::permute_copy\.out: argument 2 \(out\) has no memory/, kernels);
  }
});

test.serial('must not fold: an out whose planned bytes another value reads without anyone writing it (an alias)', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const wt = b.out('aten::permute_copy', 'out', [b.constant([5, 4], 12), b.ints([1, 0])], b.planned([4, 5]));
  // `alias` is never written: it sees whatever the permute wrote into the same bytes.
  const alias = b.planned([4, 5], b.offsetOf(wt));
  const y = b.out('aten::addmm', 'out', [b.constant([5], 13), x, alias, b.int(1), b.int(1)], b.planned([3, 5]));
  const { profile, result } = await compare(t, b.method([x], [y]));
  t.deepEqual(profile, ['aten::permute_copy.out', 'aten::addmm.out']);
  t.true((result.outputs?.[0]?.data ?? []).some((v) => Number(v) !== 0));
});

test.serial('must not fold: a permute of a non-constant input', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const w = b.planned([5, 4]);
  const wt = b.out('aten::permute_copy', 'out', [w, b.ints([1, 0])], b.planned([4, 5]));
  const y = b.out('aten::addmm', 'out', [b.constant([5], 2), x, wt, b.int(1), b.int(1)], b.planned([3, 5]));
  const { profile } = await compare(t, b.method([x, w], [y]));
  t.deepEqual(profile, ['aten::permute_copy.out', 'aten::addmm.out']);
});

test.serial('must not fold: a JumpFalse can skip the permute', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const cond = b.add({ kind: 'Bool', value: true });
  // 0: jump_false(cond) -> 2 (never taken: cond is true), 1: permute, 2: addmm.
  b.instructions.push({ kind: 'JumpFalseCall', condValueIndex: cond, destinationInstruction: 2 });
  const { y } = linearByPermute(b, x, 7);
  const { profile } = await compare(t, b.method([x], [y]));
  t.deepEqual(profile, ['jump_false', 'aten::permute_copy.out', 'aten::addmm.out']);
});

test.serial('addmm + relu fuse: the profile names the fused kernel and results equal portable', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const { y } = linearByPermute(b, x, 11);
  const z = b.out('aten::relu', 'out', [y], b.planned([3, 5]));
  const { profile, result } = await compare(t, b.method([x], [z]));
  t.deepEqual(profile, ['aten::addmm.out+relu']);
  const data = (result.outputs?.[0]?.data ?? []).map(Number);
  t.true(data.some((v) => v > 0) && data.every((v) => v >= 0), 'relu applied');
});

test.serial('conv + relu fuse on a convolution with one output pixel (squeeze-excite: the transposed small-M path)', async (t) => {
  const b = new MethodBuilder();
  // image [1, 8, 1, 1] -> 1x1 conv to 6 channels -> relu: at most 4 output pixels takes the
  // optimized convolution's transposed path, which must apply the fused clamp too.
  const img = b.planned([1, 8, 1, 1]);
  const conv = b.out('aten::convolution', 'out', [img, b.constant([6, 8, 1, 1], 41), b.constant([6], 42), b.ints([1, 1]),
    b.ints([0, 0]), b.ints([1, 1]), b.add({ kind: 'Bool', value: false }), b.ints([0, 0]), b.int(1)], b.planned([1, 6, 1, 1]));
  const r = b.out('aten::relu', 'out', [conv], b.planned([1, 6, 1, 1]));
  const { profile, result } = await compare(t, b.method([img], [r]));
  t.deepEqual(profile, ['aten::convolution.out+relu']);
  const data = (result.outputs?.[0]?.data ?? []).map(Number);
  t.true(data.some((v) => v > 0) && data.every((v) => v >= 0), `relu applied: ${data.join(', ')}`);
});

test.serial('linear + hardtanh, mm + clamp(max only) and conv + relu fuse', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const none = b.add({ kind: 'Null' });
  const lin = b.out('aten::linear', 'out', [x, b.constant([6, 4], 12), b.constant([6], 13)], b.planned([3, 6]));
  const h = b.out('aten::hardtanh', 'out', [lin, b.add({ kind: 'Double', value: -0.25 }), b.add({ kind: 'Double', value: 0.3 })], b.planned([3, 6]));
  const mm = b.out('aten::mm', 'out', [h, b.constant([6, 2], 14)], b.planned([3, 2]));
  const c = b.out('aten::clamp', 'out', [mm, none, b.add({ kind: 'Double', value: 0.05 })], b.planned([3, 2]));
  // conv: image [1, 2, 5, 5], weight [3, 2, 3, 3], padding 1; and a depthwise one after it.
  const img = b.planned([1, 2, 5, 5]);
  const conv = b.out('aten::convolution', 'out', [img, b.constant([3, 2, 3, 3], 15), b.constant([3], 16), b.ints([1, 1]),
    b.ints([1, 1]), b.ints([1, 1]), b.add({ kind: 'Bool', value: false }), b.ints([0, 0]), b.int(1)], b.planned([1, 3, 5, 5]));
  const r = b.out('aten::relu', 'out', [conv], b.planned([1, 3, 5, 5]));
  const dw = b.out('aten::convolution', 'out', [r, b.constant([3, 1, 3, 3], 17), none, b.ints([1, 1]),
    b.ints([1, 1]), b.ints([1, 1]), b.add({ kind: 'Bool', value: false }), b.ints([0, 0]), b.int(3)], b.planned([1, 3, 5, 5]));
  const r6 = b.out('aten::hardtanh', 'out', [dw, b.int(0), b.int(6)], b.planned([1, 3, 5, 5]));
  const { profile, result } = await compare(t, b.method([x, img], [c, r6]));
  t.deepEqual(profile, ['aten::linear.out+hardtanh', 'aten::mm.out+clamp', 'aten::convolution.out+relu', 'aten::convolution.out+hardtanh']);
  t.true((result.outputs?.[0]?.data ?? []).map(Number).every((v) => v <= Math.fround(0.05)));
});

test.serial('must not fuse: the GEMM out is a method output, or read twice, or the activation out overlaps its input', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 4]);
  const a = linearByPermute(b, x, 21);
  const ra = b.out('aten::relu', 'out', [a.y], b.planned([3, 5]));
  const c = linearByPermute(b, x, 22);
  const rc = b.out('aten::relu', 'out', [c.y], b.planned([3, 5]));
  const sum = b.out('aten::add', 'out', [rc, c.y, b.int(1)], b.planned([3, 5]));
  // The relu's out shares bytes with the addmm's input x2 (dead after the
  // addmm, so a planner may reuse them): writing it from the GEMM would
  // clobber what the GEMM reads.
  const x2 = b.out('aten::clone', 'out', [x, b.add({ kind: 'Null' })], b.planned([3, 4]));
  const d = linearByPermute(b, x2, 23);
  const rd = b.out('aten::relu', 'out', [d.y], b.planned([3, 5], b.offsetOf(x2)));
  const last = b.out('aten::clone', 'out', [rd, b.add({ kind: 'Null' })], b.planned([3, 5]));
  const { profile } = await compare(t, b.method([x], [a.y, ra, sum, last]));
  t.deepEqual(profile, ['aten::addmm.out', 'aten::relu.out', 'aten::addmm.out', 'aten::relu.out', 'aten::add.out',
    'aten::clone.out', 'aten::addmm.out', 'aten::relu.out', 'aten::clone.out']);
});

/**
 * conv(img[1, 2, 6, 6], W[4, 2, 3, 3], b) -> batch norm (constant statistics) -> relu, as
 * torchvision models export. `normOutAt` plans the norm's out over the image's bytes (dead
 * after the convolution), as planners do; `midIsOutput` makes the convolution's out visible.
 */
function convNormRelu(normOutAt: 'own' | 'image', midIsOutput = false): MethodSpec {
  const b = new MethodBuilder();
  const img = b.planned([1, 2, 6, 6]);
  const f = (v: boolean) => b.add({ kind: 'Bool', value: v });
  const mid = b.out('aten::convolution', 'out', [img, b.constant([4, 2, 3, 3], 31), b.constant([4], 32), b.ints([1, 1]),
    b.ints([1, 1]), b.ints([1, 1]), f(false), b.ints([0, 0]), b.int(1)], b.planned([1, 4, 6, 6]));
  const out0 = b.planned([1, 4, 6, 6], normOutAt === 'image' ? b.offsetOf(img) : undefined);
  const out1 = b.planned([0]);
  const out2 = b.planned([0]);
  const outs = b.add({ kind: 'TensorList', items: [out0, out1, out2] });
  b.call('aten::_native_batch_norm_legit_no_training', 'out', [mid, b.constant([4], 33), b.constant([4], 34), b.constant([4], 35),
    b.constant([4], 36, true), b.add({ kind: 'Double', value: 0.1 }), b.add({ kind: 'Double', value: 1e-5 }), out0, out1, out2, outs]);
  const r = b.out('aten::relu', 'out', [out0], b.planned([1, 4, 6, 6]));
  return b.method([img], midIsOutput ? [r, mid] : [r]);
}

test.serial('conv + batch norm + relu become one fused convolution, also when the norm out overlaps the image', async (t) => {
  for (const at of ['own', 'image'] as const) {
    const { profile, result } = await compare(t, convNormRelu(at));
    t.deepEqual(profile, ['aten::convolution.out+relu'], `norm out at ${at}`);
    const data = (result.outputs?.[0]?.data ?? []).map(Number);
    t.true(data.some((v) => v > 0) && data.some((v) => v === 0), 'some channels positive, some clamped');
  }
});

test.serial('must not fold a batch norm whose input is also a method output', async (t) => {
  const { profile } = await compare(t, convNormRelu('own', true));
  t.deepEqual(profile, ['aten::convolution.out', 'aten::_native_batch_norm_legit_no_training.out', 'aten::relu.out']);
});

test.serial('add + relu fuse (a residual join), also with the relu out on the bytes of the dead input; add + hardtanh too', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([2, 3, 4, 5]);
  const y = b.planned([2, 3, 4, 5]);
  const sq = b.out('aten::mul', 'out', [x, x], b.planned([2, 3, 4, 5]));
  const sum = b.out('aten::add', 'out', [y, sq, b.int(1)], b.planned([2, 3, 4, 5]));
  // The relu's out on the bytes of sq, dead after the add: the add reads each element before writing it.
  const r = b.out('aten::relu', 'out', [sum], b.planned([2, 3, 4, 5], b.offsetOf(sq)));
  const sum2 = b.out('aten::add', 'out', [r, y, b.add({ kind: 'Double', value: 1 })], b.planned([2, 3, 4, 5]));
  const h = b.out('aten::hardtanh', 'out', [sum2, b.add({ kind: 'Double', value: -0.5 }), b.add({ kind: 'Double', value: 0.75 })],
    b.planned([2, 3, 4, 5]));
  const { profile, result } = await compare(t, b.method([x, y], [r, h]));
  t.deepEqual(profile, ['aten::mul.out', 'aten::add.out+relu', 'aten::add.out+hardtanh']);
  const relu = (result.outputs?.[0]?.data ?? []).map(Number);
  t.true(relu.some((v) => v > 0) && relu.some((v) => v === 0) && relu.every((v) => v >= 0), 'relu applied');
  const ht = (result.outputs?.[1]?.data ?? []).map(Number);
  t.true(ht.some((v) => v === 0.75) && ht.every((v) => v >= -0.5 && v <= 0.75), 'hardtanh applied');
});

test.serial('must not fuse an add: alpha 2, a broadcast operand, a method-output sum, an out partly over an input', async (t) => {
  const b = new MethodBuilder();
  const x = b.planned([3, 5]);
  const y = b.planned([3, 5]);
  const scaled = b.out('aten::add', 'out', [x, y, b.int(2)], b.planned([3, 5]));
  const r1 = b.out('aten::relu', 'out', [scaled], b.planned([3, 5]));
  const biased = b.out('aten::add', 'out', [r1, b.constant([5], 31), b.int(1)], b.planned([3, 5]));
  const r2 = b.out('aten::relu', 'out', [biased], b.planned([3, 5]));
  const seen = b.out('aten::add', 'out', [r2, y, b.int(1)], b.planned([3, 5]));
  const r3 = b.out('aten::relu', 'out', [seen], b.planned([3, 5]));
  // [3, 5] floats fill 60 of their slot's 64 bytes: an out 4 bytes into the copy overlaps it
  // shifted, so the add would overwrite elements of its input it has yet to read.
  const copy = b.out('aten::clone', 'out', [r3, b.add({ kind: 'Null' })], b.planned([3, 5]));
  const last = b.out('aten::add', 'out', [copy, x, b.int(1)], b.planned([3, 5]));
  const r4 = b.out('aten::relu', 'out', [last], b.planned([3, 5], b.offsetOf(copy) + 4));
  const { profile } = await compare(t, b.method([x, y], [seen, r3, r4]));
  t.deepEqual(profile, ['aten::add.out', 'aten::relu.out', 'aten::add.out', 'aten::relu.out', 'aten::add.out',
    'aten::relu.out', 'aten::clone.out', 'aten::add.out', 'aten::relu.out']);
});

/** A constant float32 tensor holding `values` (shape [] for one value when `scalar`). */
function floats(b: MethodBuilder, values: number[], scalar = false): number {
  return b.add({ kind: 'Tensor', tensor: { dtype: 'float32', shape: scalar ? [] : [values.length], data: tensorDataToBytes(Float32Array.from(values)).slice() } });
}

/** Outputs of both kernel sets bit for bit equal (the fused kernels do the decomposition's float32 operations). */
function sameBits(t: ExecutionContext, a: Ran, b: Ran): void {
  const bits = (r: Ran) => (r.result.outputs ?? []).map((o) => o.data.map((v) => Object.is(Number(v), -0) ? '-0' : String(v)));
  t.deepEqual(bits(a), bits(b));
}

test.serial('the decomposed hardswish and hardsigmoid each become one fused instruction, bit for bit equal', async (t) => {
  const b = new MethodBuilder();
  const shape = [2, 3, 4, 5];
  const input = b.planned(shape);
  // Scaled so the clamp's both bounds are reached (random inputs lie in [-1, 1)).
  const x = b.out('aten::mul', 'out', [input, floats(b, [9])], b.planned(shape));
  // The zoo's form: add.Scalar, clamp(min 0), clamp(max 6), mul by x, div.Scalar.
  const a = b.out('aten::add', 'Scalar_out', [x, b.int(3), b.int(1)], b.planned(shape));
  const lo = b.out('aten::clamp', 'out', [a, b.int(0), b.add({ kind: 'Null' })], b.planned(shape));
  const hi = b.out('aten::clamp', 'out', [lo, b.add({ kind: 'Null' }), b.int(6)], b.planned(shape));
  const prod = b.out('aten::mul', 'out', [hi, x], b.planned(shape));
  const swish = b.out('aten::div', 'Scalar_out', [prod, b.int(6)], b.planned(shape));
  // The real exporter's form: add.out and div.out by lifted one-element constants; a hardtanh as the clamp.
  const a2 = b.out('aten::add', 'out', [x, floats(b, [3], true), b.int(1)], b.planned(shape));
  const c2 = b.out('aten::hardtanh', 'out', [a2, b.add({ kind: 'Double', value: 0 }), b.add({ kind: 'Double', value: 6 })], b.planned(shape));
  const sigmoid = b.out('aten::div', 'out', [c2, floats(b, [6], true)], b.planned(shape));
  const method = b.method([input], [swish, sigmoid]);
  const optimized = await compare(t, method);
  t.deepEqual(optimized.profile, ['aten::mul.out', 'fused::hardswish', 'fused::hardsigmoid']);
  sameBits(t, optimized, await run(t, method, 'portable'));
  const hs = (optimized.result.outputs?.[0]?.data ?? []).map(Number);
  t.true(hs.some((v) => v === 0) && hs.some((v) => v > 6) && hs.some((v) => v < 0), 'both bounds reached');
});

test.serial('must not fuse a hardswish: a step seen outside, other bounds, another addend, a different multiplier', async (t) => {
  const b = new MethodBuilder();
  const shape = [3, 5];
  const input = b.planned(shape);
  const x = b.out('aten::mul', 'out', [input, floats(b, [9])], b.planned(shape));
  const swish = (three: number, top: number, mulBy: number | null): number => {
    const a = b.out('aten::add', 'Scalar_out', [x, b.int(three), b.int(1)], b.planned(shape));
    const c = b.out('aten::clamp', 'out', [a, b.int(0), b.int(top)], b.planned(shape));
    const m = b.out('aten::mul', 'out', [c, mulBy ?? x], b.planned(shape));
    return b.out('aten::div', 'Scalar_out', [m, b.int(6)], b.planned(shape));
  };
  const s1 = swish(2, 6, null);      // x + 2
  const s2 = swish(3, 5, null);      // clamp(0, 5)
  const s3 = swish(3, 6, input);     // times another tensor
  const a = b.out('aten::add', 'Scalar_out', [x, b.int(3), b.int(1)], b.planned(shape));
  const c = b.out('aten::clamp', 'out', [a, b.int(0), b.int(6)], b.planned(shape));
  const m = b.out('aten::mul', 'out', [c, x], b.planned(shape));
  const s4 = b.out('aten::div', 'Scalar_out', [m, b.int(6)], b.planned(shape));
  // The clamp's out is a method output: the caller sees it.
  const { profile } = await compare(t, b.method([input], [s1, s2, s3, s4, c]));
  t.false(profile.some((n) => n.startsWith('fused::')), profile.join(', '));
  t.is(profile.filter((n) => n === 'aten::div.Scalar_out').length, 4);
});

test.serial('conv + batch norm + decomposed hardswish: the hardswish fuses first, so the norm (read twice before) folds', async (t) => {
  const b = new MethodBuilder();
  const img = b.planned([1, 2, 6, 6]);
  const f = (v: boolean) => b.add({ kind: 'Bool', value: v });
  const mid = b.out('aten::convolution', 'out', [img, b.constant([4, 2, 3, 3], 41), b.constant([4], 42), b.ints([1, 1]),
    b.ints([1, 1]), b.ints([1, 1]), f(false), b.ints([0, 0]), b.int(1)], b.planned([1, 4, 6, 6]));
  // The norm's out on the image's bytes (dead after the convolution), as MobileNetV3's planner leaves it:
  // the convolution cannot write it, so the fold must forward its own out to the norm's one reader.
  const normOut = b.planned([1, 4, 6, 6], b.offsetOf(img));
  const [mean, invstd] = [b.planned([0]), b.planned([0])];
  const outs = b.add({ kind: 'TensorList', items: [normOut, mean, invstd] });
  b.call('aten::_native_batch_norm_legit_no_training', 'out', [mid, b.constant([4], 43), b.constant([4], 44), b.constant([4], 45),
    b.constant([4], 46, true), b.add({ kind: 'Double', value: 0.1 }), b.add({ kind: 'Double', value: 1e-5 }), normOut,
    mean, invstd, outs]);
  const shape = [1, 4, 6, 6];
  const a = b.out('aten::add', 'Scalar_out', [normOut, b.int(3), b.int(1)], b.planned(shape));
  const c = b.out('aten::clamp', 'out', [a, b.int(0), b.int(6)], b.planned(shape));
  const m = b.out('aten::mul', 'out', [normOut, c], b.planned(shape));
  const y = b.out('aten::div', 'Scalar_out', [m, b.int(6)], b.planned(shape));
  const { profile } = await compare(t, b.method([img], [y]));
  t.deepEqual(profile, ['aten::convolution.out', 'fused::hardswish']);
});

/** max_pool2d_with_indices(x[1, 3, 9, 11], 3x3 / 2, padding 1), then relu of the pooled values. */
function maxPool(indicesIsOutput: boolean): MethodSpec {
  const b = new MethodBuilder();
  const x = b.planned([1, 3, 9, 11]);
  const out = b.planned([1, 3, 5, 6]);
  const indices = b.planned([1, 3, 5, 6], undefined, 'int64');
  const outs = b.add({ kind: 'TensorList', items: [out, indices] });
  b.call('aten::max_pool2d_with_indices', 'out', [x, b.ints([3, 3]), b.ints([2, 2]), b.ints([1, 1]), b.ints([1, 1]),
    b.add({ kind: 'Bool', value: false }), out, indices, outs]);
  const y = b.out('aten::relu', 'out', [out], b.planned([1, 3, 5, 6]));
  return b.method([x], indicesIsOutput ? [y, indices] : [y]);
}

test.serial('a max pool whose indices nobody reads leaves them unwritten and says so; indices the caller sees are written', async (t) => {
  const hidden = await compare(t, maxPool(false));
  t.deepEqual(hidden.profile, ['aten::max_pool2d_with_indices.out(indices unread)', 'aten::relu.out']);
  // compare() checks the indices output against the portable kernel's too.
  const shown = await compare(t, maxPool(true));
  t.deepEqual(shown.profile, ['aten::max_pool2d_with_indices.out', 'aten::relu.out']);
  t.is(shown.result.outputs?.length, 2);
});

/** An int8 per-tensor quantize (float32 -> int8) or dequantize (int8 -> float32) step. */
function quantize(b: MethodBuilder, x: number, shape: number[], scale: number, zp: number): number {
  return b.out('quantized_decomposed::quantize_per_tensor', 'out', [x, b.add({ kind: 'Double', value: scale }), b.int(zp),
    b.int(-128), b.int(127), b.int(1)], b.planned(shape, undefined, 'int8'));
}
function dequantize(b: MethodBuilder, q: number, shape: number[], scale: number, zp: number): number {
  return b.out('quantized_decomposed::dequantize_per_tensor', 'out', [q, b.add({ kind: 'Double', value: scale }), b.int(zp),
    b.int(-128), b.int(127), b.int(1), b.add({ kind: 'Null' })], b.planned(shape));
}

interface QConv { cin: number; cout: number; k: number; pad: number; groups: number; relu: boolean; hw: [number, number] }

/**
 * dequantize(x_q) -> convolution with a dequantized int8 constant weight -> [relu] -> quantize, as PT2E
 * writes a quantized convolution that is not delegated. Returns the int8 out and the convolution's float out.
 */
function qdqConv(b: MethodBuilder, xq: number, c: QConv, seed: number, scales: [number, number], between?: () => void): { yq: number; conv: number } {
  const [h, w] = c.hw;
  const x = dequantize(b, xq, [1, c.cin, h, w], scales[0], -3);
  const wshape = [c.cout, c.cin / c.groups, c.k, c.k];
  const n = wshape.reduce((a, v) => a * v, 1);
  const wq = b.add({ kind: 'Tensor', tensor: { dtype: 'int8', shape: wshape,
    data: new Uint8Array(Int8Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 255) - 127).buffer) } });
  const wf = b.out('quantized_decomposed::dequantize_per_tensor', 'out', [wq, b.add({ kind: 'Double', value: 0.01 }), b.int(0),
    b.int(-128), b.int(127), b.int(1), b.add({ kind: 'Null' })], b.planned(wshape));
  between?.();
  const shape = [1, c.cout, h, w];
  const conv = b.out('aten::convolution', 'out', [x, wf, b.constant([c.cout], seed), b.ints([1, 1]), b.ints([c.pad, c.pad]),
    b.ints([1, 1]), b.add({ kind: 'Bool', value: false }), b.ints([0, 0]), b.int(c.groups)], b.planned(shape));
  const y = c.relu ? b.out('aten::relu', 'out', [conv], b.planned(shape)) : conv;
  return { yq: quantize(b, y, shape, scales[1], c.relu ? -128 : 2), conv };
}

/** Runs both kernel sets on a program with int8 outputs: each element within one step; returns the optimized run and how many differ. */
async function compareInt8(t: ExecutionContext, method: MethodSpec): Promise<Ran & { differ: number; total: number }> {
  const portable = await run(t, method, 'portable');
  const optimized = await run(t, method, 'optimized');
  let differ = 0, total = 0;
  (portable.result.outputs ?? []).forEach((w, i) => {
    w.data.forEach((e, k) => {
      const a = Number(optimized.result.outputs?.[i]?.data[k]), b = Number(e);
      t.true(Math.abs(a - b) <= 1, `output ${i}[${k}]: optimized ${a}, portable ${b}`);
      differ += a === b ? 0 : 1;
      total++;
    });
  });
  return { ...optimized, differ, total };
}

test.serial('an int8 QDQ chain (conv + relu, depthwise, 1x1) runs as fused int8 convolutions within one step of the float graph', async (t) => {
  const b = new MethodBuilder();
  const hw: [number, number] = [6, 5];
  const input = b.planned([1, 4, ...hw]);
  const q0 = quantize(b, input, [1, 4, ...hw], 0.02, -3);
  const c1 = qdqConv(b, q0, { cin: 4, cout: 8, k: 3, pad: 1, groups: 1, relu: true, hw }, 1, [0.02, 0.05]);
  const c2 = qdqConv(b, c1.yq, { cin: 8, cout: 8, k: 3, pad: 1, groups: 8, relu: true, hw }, 2, [0.05, 0.04]);
  const c3 = qdqConv(b, c2.yq, { cin: 8, cout: 6, k: 1, pad: 0, groups: 1, relu: false, hw }, 3, [0.04, 0.03]);
  const r = await compareInt8(t, b.method([input], [c3.yq]));
  t.deepEqual(r.profile, ['quantized_decomposed::quantize_per_tensor.out', 'fused::quantized_conv2d', 'fused::quantized_conv2d',
    'fused::quantized_conv2d']);
  t.is(r.total, 6 * 30);
  // Integer sums are exact; only outputs that the float graph rounds the other way move, by one step.
  t.true(r.differ * 10 <= r.total, `${r.differ} of ${r.total} outputs differ by one step`);
  const data = (r.result.outputs?.[0]?.data ?? []).map(Number);
  t.true(new Set(data).size > 10, 'outputs vary');
});

test.serial('must not fuse: an instruction between the dequantize and the convolution writes over the int8 input', async (t) => {
  const b = new MethodBuilder();
  const hw: [number, number] = [6, 5];
  const input = b.planned([1, 4, ...hw]);
  const q0 = quantize(b, input, [1, 4, ...hw], 0.02, -3);
  let clobber = -1;
  // Once the dequantize has read q0 its bytes are free to the plan: here a relu writes over them.
  const c1 = qdqConv(b, q0, { cin: 4, cout: 8, k: 3, pad: 1, groups: 1, relu: true, hw }, 1, [0.02, 0.05], () => {
    clobber = b.out('aten::relu', 'out', [input], b.planned([1, 4, ...hw], b.offsetOf(q0)));
  });
  const r = await compareInt8(t, b.method([input], [c1.yq, clobber]));
  t.deepEqual(r.profile, ['quantized_decomposed::quantize_per_tensor.out', 'quantized_decomposed::dequantize_per_tensor.out',
    'aten::relu.out', 'aten::convolution.out+relu', 'quantized_decomposed::quantize_per_tensor.out']);
});

test.serial('must not fuse: the convolution\'s float out is a method output', async (t) => {
  const b = new MethodBuilder();
  const hw: [number, number] = [6, 5];
  const input = b.planned([1, 4, ...hw]);
  const q0 = quantize(b, input, [1, 4, ...hw], 0.02, -3);
  const c1 = qdqConv(b, q0, { cin: 4, cout: 8, k: 1, pad: 0, groups: 1, relu: false, hw }, 4, [0.02, 0.05]);
  const r = await compareInt8(t, b.method([input], [c1.yq, c1.conv]));
  t.false(r.profile.includes('fused::quantized_conv2d'), r.profile.join(', '));
  t.true(r.profile.includes('aten::convolution.out'));
});
