// ProgramBuilder without a runtime: what it writes (every argument kind, boxed int lists, return
// slots, mutable state, dynamic bounds, delegates, named data, several methods, memory ids), that
// the same calls give the same bytes, and that bad input fails at build time with a typed error
// naming what and where.

import test from 'ava';
import {
  OperatorRegistry, ProgramBuildError, ProgramBuilder, ShapeMismatchError, UnknownDTypeError, UnknownOperatorError,
  readBundled, readProgram, type DType, type MethodInfo, type ValueInfo,
} from '../../program/index.js';

const TEST_OPS = OperatorRegistry.fromYaml(`
- op: test::everything.out
  schema: everything.out(Tensor self, int i, float f, bool b, int[] sizes, int? maybe, Tensor? weight, Tensor[] parts, Tensor?[] indices, Scalar s, str mode, float[] scales, bool[] flags, ScalarType dtype, int[2] stride=1, *, bool keep=True, Tensor(a!) out) -> Tensor(a!)
  dtypes: [float32, int64]
- op: test::minmax.out
  schema: minmax.out(Tensor self, *, Tensor(a!) min, Tensor(b!) max) -> (Tensor(a!) min, Tensor(b!) max)
- op: test::split.out
  schema: split.out(Tensor self, int parts, *, Tensor(a!)[] out) -> ()
- op: test::count
  schema: count(Tensor self) -> SymInt
`, 'test ops');

function value(m: MethodInfo, index: number): ValueInfo {
  const v = m.values[index];
  if (v === undefined) throw new Error(`no value ${index}`);
  return v;
}

/** The Int values an IntList points at (the boxed-list convention), as numbers. */
function ints(m: MethodInfo, index: number): number[] {
  const list = value(m, index);
  if (list.kind !== 'IntList') throw new Error(`v${index} is ${list.kind}`);
  return list.items.map((i) => {
    const v = value(m, i);
    if (v.kind !== 'Int') throw new Error(`item v${i} is ${v.kind}, not Int`);
    return Number(v.value);
  });
}

test('every argument kind is written as the schema says; IntList items are Int values', (t) => {
  const b = new ProgramBuilder({ operators: TEST_OPS });
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2, 3] });
  const w = m.constant({ dtype: 'float32', shape: [3], data: [1, 2, 3] });
  const symbolic = m.int(7);
  const out = m.tensor({ dtype: 'float32', shape: [2, 3] });
  const ret = m.call('test::everything.out', {
    self: x, i: 5, f: 0.25, b: true, sizes: [2, symbolic, 4n], maybe: null, weight: w, parts: [x, w], indices: [x, null],
    s: 0.5, mode: 'mean', scales: [1.5, -2], flags: [true, false], dtype: 'float32', out,
  });
  t.is(ret, out);
  const info = readProgram(b.build().pte);
  const fwd = info.methods[0]!;
  const call = fwd.chains[0]![0]!;
  if (call.kind !== 'KernelCall') return t.fail();
  // 17 schema arguments in schema order, then the return slot (= out for an .out op).
  t.is(call.args.length, 18);
  t.is(call.args[17], call.args[16]);
  const [self, i, f, bo, sizes, maybe, weight, parts, indices, s, mode, scales, flags, dtype, stride, keep, o] = call.args.map((a) => a);
  t.is(self, x.index);
  t.deepEqual(value(fwd, i!), { kind: 'Int', value: 5n });
  t.deepEqual(value(fwd, f!), { kind: 'Double', value: 0.25 });
  t.deepEqual(value(fwd, bo!), { kind: 'Bool', value: true });
  t.deepEqual(ints(fwd, sizes!), [2, 7, 4]);
  t.is((value(fwd, sizes!) as { items: number[] }).items[1], symbolic.index, 'a symbolic int is referenced, not copied');
  t.deepEqual(value(fwd, maybe!), { kind: 'Null' });
  t.is(weight, w.index);
  t.deepEqual(value(fwd, parts!), { kind: 'TensorList', items: [x.index, w.index] });
  const opt = value(fwd, indices!);
  t.is(opt.kind, 'OptionalTensorList');
  if (opt.kind === 'OptionalTensorList') {
    t.is(opt.items[0], x.index);
    t.deepEqual(value(fwd, opt.items[1]!), { kind: 'Null' });
  }
  t.deepEqual(value(fwd, s!), { kind: 'Double', value: 0.5 });
  t.deepEqual(value(fwd, mode!), { kind: 'String', value: 'mean' });
  t.deepEqual(value(fwd, scales!), { kind: 'DoubleList', items: [1.5, -2] });
  t.deepEqual(value(fwd, flags!), { kind: 'BoolList', items: [true, false] });
  t.deepEqual(value(fwd, dtype!), { kind: 'Int', value: 6n }, 'ScalarType FLOAT');
  t.deepEqual(ints(fwd, stride!), [1, 1], 'int[2] stride=1 default expands to two items');
  t.deepEqual(value(fwd, keep!), { kind: 'Bool', value: true }, 'keyword-only default materialised');
  t.is(o, out.index);
  t.deepEqual(fwd.operators.map((op) => [op.name, op.overload, op.count]), [['test::everything', 'out', 1]]);
});

test('return slots: several outs → a TensorList of them; a list out → another list; functional → a fresh value', (t) => {
  const b = new ProgramBuilder({ operators: TEST_OPS });
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [4] });
  const [lo, hi] = [m.tensor({ dtype: 'float32', shape: [] }), m.tensor({ dtype: 'float32', shape: [] })];
  const pair = m.call('test::minmax.out', { self: x, min: lo, max: hi });
  const halves = m.tensorList([m.tensor({ dtype: 'float32', shape: [2] }), m.tensor({ dtype: 'float32', shape: [2] })]);
  const split = m.call('test::split.out', { self: x, parts: 2, out: halves });
  const count = m.call('test::count', [x]);
  t.is(pair.kind, 'TensorList');
  t.is(split.kind, 'TensorList');
  t.not(split.index, halves.index);
  t.is(count.kind, 'Int');
  m.output(lo, hi);
  const fwd = readProgram(b.build().pte).methods[0]!;
  const [c0, c1, c2] = fwd.chains[0]!;
  t.deepEqual(c0, { kind: 'KernelCall', opIndex: 0, args: [x.index, lo.index, hi.index, pair.index] });
  t.deepEqual(value(fwd, pair.index), { kind: 'TensorList', items: [lo.index, hi.index] });
  t.deepEqual(value(fwd, split.index), value(fwd, halves.index));
  t.like(c1, { kind: 'KernelCall', args: [x.index, c1?.kind === 'KernelCall' ? c1.args[1] : -1, halves.index, split.index] });
  t.deepEqual(c2, { kind: 'KernelCall', opIndex: 2, args: [x.index, count.index] });
});

test('real operators: inferred out tensors, _clone_dim_order dim_order as boxed ints, sym_size returns an Int', (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [1, 3, 2, 2] });
  const nhwc = m.call('dim_order_ops::_clone_dim_order.out', { self: x, dim_order: [0, 2, 3, 1] });
  t.like(nhwc.tensor, { shape: [1, 3, 2, 2], dimOrder: [0, 2, 3, 1], dtype: 'float32' });
  const size = m.call('aten::sym_size.int', { self: x, dim: 1 });
  t.is(size.kind, 'Int');
  m.output(nhwc);
  const fwd = readProgram(b.build().pte).methods[0]!;
  const [clone, sym] = fwd.chains[0]!;
  if (clone?.kind !== 'KernelCall' || sym?.kind !== 'KernelCall') return t.fail();
  t.deepEqual(value(fwd, clone.args[1]!), { kind: 'Bool', value: false }, 'non_blocking default');
  t.deepEqual(ints(fwd, clone.args[2]!), [0, 2, 3, 1]);
  t.is(clone.args.length, 5);
  t.is(sym.args.length, 3);
  t.like(fwd.outputs[0]?.tensor, { dimOrder: [0, 2, 3, 1], placement: 'planned' });
});

function sample(): ProgramBuilder {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [8] });
  const k = m.constant({ dtype: 'float32', shape: [8], data: Float32Array.from({ length: 8 }, (_, i) => i / 3) });
  const state = m.mutable({ dtype: 'int64', shape: [2], initial: [2n ** 40n, -1n], name: 'steps' });
  const y = m.call('aten::mul.out', { self: x, other: k });
  m.call('aten::add.Scalar_out', { self: state, other: 1, out: state });
  m.output(m.call('aten::add.out', { self: y, other: x }), state);
  const g = b.method('get_scale');
  g.output(g.call('aten::mul.Scalar_out', { self: g.input({ dtype: 'int32', shape: [] }), other: 3 }));
  b.testCase('forward', { inputs: [new Float32Array(8)], expectedOutputs: [new Float32Array(8), BigInt64Array.of(2n ** 40n + 1n, 0n)], rtol: 1e-3 });
  b.testCase('forward', { inputs: [new Float32Array(8)] });
  b.testCase('get_scale', { inputs: [Int32Array.of(2)], expectedOutputs: [Int32Array.of(6)] });
  return b;
}

test('the same calls give the same bytes; .bpte carries the cases; tolerances for the manifest', (t) => {
  const a = sample().build();
  const b = sample().build();
  t.deepEqual(a.pte, b.pte);
  t.deepEqual(a.bpte, b.bpte);
  const bundle = readBundled(a.bpte!);
  t.deepEqual(bundle.programBytes, a.pte);
  t.deepEqual(bundle.suites.map((s) => [s.methodName, s.testCases.length]), [['forward', 2], ['get_scale', 1]]);
  t.deepEqual(bundle.suites[0]!.testCases[1]!.expectedOutputs, []);
  t.deepEqual(a.tolerances, [{ method: 'forward', cases: [{ rtol: 1e-3, atol: 1e-8 }, { rtol: 1e-5, atol: 1e-8 }] }]);
});

test('mutable state: planned with an initial value in mutable_data_segments[0], alive for the whole method', (t) => {
  const built = sample().build();
  const info = readProgram(built.pte);
  const fwd = info.methods[0]!;
  const state = value(fwd, 2);
  if (state.kind !== 'Tensor') return t.fail();
  t.like(state.tensor, { dtype: 'int64', placement: 'planned_initialized', dataBufferIndex: 1, extra: { fullyQualifiedName: 'steps' } });
  t.is(info.mutableDataSegments.length, 1);
  const table = info.mutableDataSegments[0]!;
  const seg = info.segments[table.segmentIndex]!;
  const at = seg.fileOffset! + table.offsets[1]!;
  t.deepEqual([...new BigInt64Array(built.pte.slice(at, at + 16).buffer)], [2n ** 40n, -1n]);
  t.like(built.memory[0]!.tensors.find((p) => p.value === 2), { role: 'mutable', name: 'steps', firstUse: -1, lastUse: 3 });
  // Constants are numbered apart from mutable data.
  t.like(value(fwd, 1), { kind: 'Tensor', tensor: { placement: 'constant', dataBufferIndex: 1 } });
});

test('memory is planned per memory id and reported; the program records each arena size', (t) => {
  const b = new ProgramBuilder({ alignment: 64 });
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [10], memoryId: 2 });
  const y = m.call('aten::mul.out', { self: x, other: x });
  const z = m.call('aten::add.out', { self: y, other: y, out: m.tensor({ dtype: 'float32', shape: [10], memoryId: 2 }) });
  m.output(m.call('aten::mul.out', { self: z, other: z }));
  const { pte, memory } = b.build();
  const plan = memory[0]!;
  t.deepEqual(plan.arenas.map((a) => a.memoryId), [1, 2]);
  t.true(plan.tensors.every((p) => p.offset % 64 === 0));
  t.deepEqual(plan.tensors.map((p) => [p.value, p.memoryId, p.firstUse, p.lastUse]), [
    [0, 2, -1, 0], [1, 1, 0, 1], [2, 2, 1, 2], [4, 1, 2, 3],
  ]);
  // x is dead after instruction 0 and z is born at 1: they share arena 2's bytes. y (0..1) and
  // the output (2..3) share arena 1's.
  const [px, py, pz, pout] = plan.tensors;
  t.is(px!.offset, pz!.offset);
  t.is(py!.offset, pout!.offset);
  t.deepEqual(plan.arenas.map((a) => a.size), [64, 64]);
  const info = readProgram(pte);
  t.deepEqual(info.methods[0]!.plannedMemory.map((a) => a.size), plan.arenas.map((a) => a.size));
  t.deepEqual(info.methods[0]!.inputs[0]!.tensor!.allocation, { memoryId: 2, offset: px!.offset });
});

test('delegates (segment and inline payloads, compile specs), named data and external tensors', (t) => {
  const b = new ProgramBuilder();
  const weights = new Uint8Array(64).fill(7);
  b.namedData('w', weights).namedData('w_again', weights).namedData('bias', new Uint8Array(Float32Array.of(1, 2).buffer));
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2], planned: false });
  const bias = m.external({ dtype: 'float32', shape: [2], key: 'bias' });
  const y = m.tensor({ dtype: 'float32', shape: [2] });
  const z = m.tensor({ dtype: 'float32', shape: [2] });
  const payload = new Uint8Array([0, 0, 0, 0, 0x58, 0x48, 0x30, 0x30]);
  t.is(m.delegate({ id: 'XnnpackBackend', payload, compileSpecs: { threads: '4', blob: new Uint8Array(3) } }, [x, bias], [y]), 0);
  t.is(m.delegate({ id: 'InlineBackend', payload: new Uint8Array([9]), inline: true }, [y], [z]), 1);
  m.output(z);
  const pte = b.build().pte;
  const info = readProgram(pte);
  const fwd = info.methods[0]!;
  t.deepEqual(fwd.chains[0], [
    { kind: 'DelegateCall', delegateIndex: 0, args: [x.index, bias.index, y.index] },
    { kind: 'DelegateCall', delegateIndex: 1, args: [y.index, z.index] },
  ]);
  const [seg, inline] = fwd.delegates;
  t.like(seg, { id: 'XnnpackBackend', location: 'segment', payloadSize: 8, compileSpecKeys: ['threads', 'blob'] });
  t.deepEqual(seg!.compileSpecs.map((s) => [s.key, s.valueSize]), [['threads', 1], ['blob', 3]]);
  t.deepEqual(pte.slice(seg!.payloadOffset!, seg!.payloadOffset! + 8), payload);
  const spec = seg!.compileSpecs[0]!;
  t.is(Buffer.from(pte.subarray(spec.valueOffset, spec.valueOffset + 1)).toString(), '4');
  t.like(inline, { id: 'InlineBackend', location: 'inline', index: 0, payloadSize: 1 });
  t.deepEqual(info.inlineDelegateDataSizes, [1]);
  // Identical blobs share one segment.
  const [w, again, biasEntry] = info.namedData;
  t.is(w!.segmentIndex, again!.segmentIndex);
  t.not(w!.segmentIndex, biasEntry!.segmentIndex);
  t.deepEqual(info.namedData.map((n) => n.key), ['w', 'w_again', 'bias']);
  t.like(value(fwd, bias.index), { kind: 'Tensor', tensor: { placement: 'external', extra: { fullyQualifiedName: 'bias', location: 'external' } } });
  t.is(fwd.inputs[0]!.tensor!.placement, 'unplanned');
});

// --- errors ----------------------------------------------------------------------------------

test('an unknown dtype is an UnknownDTypeError naming the method and the value', (t) => {
  const m = new ProgramBuilder().method('forward');
  const e = t.throws(() => m.input({ dtype: 'float33' as DType, shape: [2] }), { instanceOf: UnknownDTypeError });
  t.is(e?.dtype, 'float33');
  t.is(e?.where, "method 'forward', input 0");
  t.regex(e?.message ?? '', /^method 'forward', input 0: unknown dtype 'float33'/);
  const x = m.input({ dtype: 'float32', shape: [2] });
  const b = new ProgramBuilder({ operators: TEST_OPS }).method('f');
  const y = b.input({ dtype: 'float32', shape: [1] });
  const args = { self: y, i: 1, f: 1, b: false, sizes: [], maybe: null, weight: null, parts: [], indices: [], s: 1, mode: '', scales: [], flags: [], out: y };
  t.throws(() => b.call('test::everything.out', { ...args, dtype: 'half' }), {
    instanceOf: UnknownDTypeError, message: "method 'f', call 0 (test::everything.out), argument 'dtype': unknown dtype 'half' (use a PyTorch name such as float32, int64, bool)",
  });
  t.truthy(x);
});

test('shape mismatches are ShapeMismatchErrors naming the call and argument', (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2, 3] });
  const wrong = m.tensor({ dtype: 'float32', shape: [3, 2] });
  const e = t.throws(() => m.call('aten::add.out', { self: x, other: x, out: wrong }), { instanceOf: ShapeMismatchError });
  t.is(e?.where, "method 'forward', call 0 (aten::add.out), argument 'out'");
  t.deepEqual([e?.expected, e?.actual], [[2, 3], [3, 2]]);
  t.throws(() => m.call('aten::mul.out', { self: x, other: m.input({ dtype: 'float32', shape: [4] }) }), {
    instanceOf: ShapeMismatchError, message: /call 0 \(aten::mul\.out\): shapes \[2,3\] and \[4\] do not broadcast/,
  });
  t.throws(() => m.constant({ dtype: 'float32', shape: [2, 2], data: [1, 2, 3] }), {
    instanceOf: ShapeMismatchError, message: /constant v\d+: 3 values given, shape \[2,2\] holds 4/,
  });
  t.throws(() => m.constant({ dtype: 'int32', shape: [2], data: Float32Array.of(1, 2) }), { instanceOf: ProgramBuildError, message: /Float32Array given for int32/ });
  t.throws(() => m.call('executorch_prim::et_view.default', { self: x, size: [5] }), { instanceOf: ShapeMismatchError, message: /cannot view \[2,3\]/ });
  t.throws(() => m.tensor({ dtype: 'float32', shape: [2, 2], dimOrder: [0, 0] }), { instanceOf: ShapeMismatchError, message: /not a permutation/ });

  const d = new ProgramBuilder();
  const dm = d.method('forward');
  dm.output(dm.call('aten::mul.Scalar_out', { self: dm.input({ dtype: 'float32', shape: [4], dynamism: 'dynamic_bound' }), other: 2 }));
  d.testCase('forward', { inputs: [{ shape: [5], data: [1, 2, 3, 4, 5] }] });
  const over = t.throws(() => d.build(), { instanceOf: ShapeMismatchError });
  t.is(over?.where, "test case 0 of method 'forward', input 0");
  t.regex(over?.message ?? '', /shape \[5\] must be within the bound \[4\] \(dynamic_bound\)/);
});

test('an operator not in ops.yaml is an UnknownOperatorError naming it and where it was called', (t) => {
  const m = new ProgramBuilder().method('forward');
  const x = m.input({ dtype: 'float32', shape: [2] });
  m.call('aten::add.out', { self: x, other: x });
  const e = t.throws(() => m.call('aten::conv2d.out', { self: x }), { instanceOf: UnknownOperatorError });
  t.is(e?.operator, 'aten::conv2d.out');
  t.is(e?.where, "method 'forward', call 1 (aten::conv2d.out)");
  t.regex(
    t.throws(() => m.call('aten::add.Tensor', [x, x]))?.message ?? '',
    /unknown operator 'aten::add\.Tensor' .*overloads that exist: aten::add\.out, aten::add\.Scalar_out/,
  );
});

test('other bad calls are ProgramBuildErrors that say what is wrong and where', (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [2] });
  const cases: [() => unknown, RegExp][] = [
    [() => m.call('aten::add.out', { self: x, other: x, beta: 2 }), /call 0 \(aten::add\.out\): unknown argument 'beta' \(aten::add\.out takes self, other, alpha, out\)/],
    [() => m.call('aten::sym_size.int', { self: x }), /argument 'dim': required argument is missing/],
    [() => m.call('aten::sym_size.int', { self: x, dim: x }), /argument 'dim': a Tensor value \(v0\) does not fit int/],
    [() => m.call('aten::sym_size.int', { self: 3, dim: 0 }), /argument 'self': Tensor needs a tensor value, got number/],
    [() => { const q = m.input({ dtype: 'qint8', shape: [2] }); return m.call('aten::add.out', { self: q, other: q }); }, /argument 'self': qint8 is not supported/],
    [() => m.call('aten::add.out', { self: x, other: x, out: m.constant({ dtype: 'float32', shape: [2], data: [0, 0] }) }), /argument 'out': v\d+ is a constant/],
    [() => m.call('aten::add.out', { self: x, other: m.input({ dtype: 'int32', shape: [2] }) }), /argument 'out': the out tensor is missing/],
    [() => b.method('other').output(x), /method 'other', output 0: value comes from method 'forward'/],
    [() => b.method('forward'), /method 'forward': is defined twice/],
    [() => m.int(1.5), /1\.5 is not an integer/],
  ];
  for (const [fn, message] of cases) t.throws(fn, { instanceOf: ProgramBuildError, message });
  const c = new ProgramBuilder();
  c.method('forward').input({ dtype: 'float32', shape: [2] });
  c.testCase('missing', { inputs: [] });
  t.throws(() => c.build(), { instanceOf: ProgramBuildError, message: "test case 0 of method 'missing': no such method" });
  const d = new ProgramBuilder();
  d.method('forward').input({ dtype: 'float32', shape: [2] });
  d.testCase('forward', { inputs: [] });
  t.throws(() => d.build(), { message: "test case 0 of method 'forward': 0 inputs given, the method has 1" });
  t.throws(() => new ProgramBuilder().build(), { instanceOf: ProgramBuildError, message: 'program: has no methods' });
});
