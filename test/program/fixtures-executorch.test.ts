import test from 'ava';
import { readConstantData, readProgram, type MethodInfo, type TensorInfo, type ValueInfo } from '../../program/index.js';
import { fixture } from './helpers.js';

function onlyMethod(t: { is: (a: unknown, b: unknown) => void }, methods: MethodInfo[]): MethodInfo {
  t.is(methods.length, 1);
  return methods[0]!;
}

function tensorAt(values: ValueInfo[], index: number): TensorInfo {
  const v = values[index];
  if (v?.kind !== 'Tensor') throw new Error(`value ${index} is not a tensor`);
  return v.tensor;
}

function operatorCounts(m: MethodInfo): Record<string, number> {
  return Object.fromEntries(m.operators.map((o) => [o.qualifiedName, o.count]));
}

test('arduino AddModel: header, x + 1.0, planned arena [32]', (t) => {
  const bytes = fixture('executorch/arduino_AddModel.pte');
  const info = readProgram(bytes);
  t.deepEqual(info.header, { headerLength: 32, programSize: 1040, segmentBaseOffset: 1152, segmentDataSize: 4 });
  t.is(info.identifier, 'ET12');
  t.is(info.version, 0);
  t.is(info.fileSize, 1156);
  t.deepEqual(info.segments, [{ offset: 0, size: 4, fileOffset: 1152 }]);
  t.deepEqual(info.constants, { storage: 'segment', segmentIndex: 0, offsets: [0, 0], legacyBuffers: [] });
  const m = onlyMethod(t, info.methods);
  t.is(m.name, 'forward');
  t.is(m.instructionCount, 1);
  t.deepEqual(operatorCounts(m), { 'aten::add.out': 1 });
  t.deepEqual(m.plannedMemory, [{ memoryId: 1, size: 32, deviceType: 'cpu', deviceIndex: 0 }]);
  t.deepEqual(m.chains, [[{ kind: 'KernelCall', opIndex: 0, args: [1, 0, 3, 2, 2] }]]);
  t.deepEqual(m.values[3], { kind: 'Int', value: 1n });
  const [input] = m.inputs;
  t.is(input?.kind, 'Tensor');
  t.like(input?.tensor, { dtype: 'float32', shape: [3], dimOrder: [0], dynamism: 'static', placement: 'planned' });
  t.deepEqual(input?.tensor?.allocation, { memoryId: 1, offset: 16 });
  t.deepEqual(m.outputs[0]?.tensor?.allocation, { memoryId: 1, offset: 0 });
  const one = tensorAt(m.values, 0);
  t.like(one, { dtype: 'float32', shape: [], placement: 'constant', dataBufferIndex: 1, nbytes: 4 });
  t.deepEqual([...new Float32Array(readConstantData(bytes, info, one).buffer)], [1]);
  t.true(m.containerMeta?.encodedOutputs.startsWith('[1, '));
});

test('a Node Buffer (possibly a view into a larger pool) reads the same as a Uint8Array', (t) => {
  const plain = fixture('executorch/arduino_AddModel.pte');
  const pool = Buffer.alloc(plain.length + 100, 0xee);
  pool.set(plain, 37);
  const view = pool.subarray(37, 37 + plain.length);
  const info = readProgram(view);
  t.deepEqual(info, readProgram(plain));
  const one = tensorAt(info.methods[0]!.values, 0);
  const data = readConstantData(view, info, one);
  t.is(data.byteOffset, 0);
  t.is(data.buffer.byteLength, 4);
  t.deepEqual([...new Float32Array(data.buffer)], [1]);
});

test('arduino HelloExecuTorch is the AddModel blob', (t) => {
  t.deepEqual(readProgram(fixture('executorch/arduino_HelloExecuTorch.pte')), readProgram(fixture('executorch/arduino_AddModel.pte')));
});

test('arduino KeywordSpotting: 16 instructions, op counts, arena [16000], NHWC-ish input', (t) => {
  const bytes = fixture('executorch/arduino_KeywordSpotting.pte');
  const info = readProgram(bytes);
  t.deepEqual(info.header, { headerLength: 32, programSize: 14904, segmentBaseOffset: 14976, segmentDataSize: 39216 });
  t.is(info.constants.storage, 'segment');
  t.is(info.constants.offsets.length, 64);
  t.deepEqual(info.constants.offsets.slice(0, 3), [0, 0, 256]);
  t.deepEqual(info.segments, [{ offset: 0, size: 39216, fileOffset: 14976 }]);
  const m = onlyMethod(t, info.methods);
  t.is(m.instructionCount, 16);
  t.is(m.values.length, 289);
  t.deepEqual(operatorCounts(m), {
    'cortex_m::quantize_per_tensor.out': 1,
    'cortex_m::quantized_depthwise_conv2d.out': 5,
    'cortex_m::quantized_conv2d.out': 4,
    'dim_order_ops::_clone_dim_order.out': 2,
    'cortex_m::pad.out': 1,
    'cortex_m::quantized_avg_pool2d.out': 1,
    'cortex_m::quantized_linear.out': 1,
    'cortex_m::dequantize_per_tensor.out': 1,
  });
  t.deepEqual(m.plannedMemory.map((b) => b.size), [16000]);
  t.deepEqual(m.inputs.map((i) => i.valueIndex), [83]);
  t.like(m.inputs[0]?.tensor, { dtype: 'float32', shape: [1, 1, 49, 10], dimOrder: [0, 2, 1, 3], placement: 'planned' });
  t.like(m.outputs[0]?.tensor, { dtype: 'float32', shape: [1, 12], dimOrder: [0, 1] });
  t.is(m.outputs[0]?.valueIndex, 283);

  const kinds: Record<string, number> = {};
  for (const v of m.values) kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
  t.deepEqual(kinds, { Tensor: 111, Int: 136, IntList: 36, Double: 2, Bool: 3, Null: 1 });
  // The IntList quirk: items are value indices of Int values (stride (2, 2)).
  t.deepEqual(m.values[94], { kind: 'IntList', items: [92, 93] });
  t.deepEqual(m.values[92], { kind: 'Int', value: 2n });
  // Elided view: v257 [1,64,1,1] and v271 [1,64] share offset 8256.
  t.deepEqual(tensorAt(m.values, 257).allocation, { memoryId: 1, offset: 8256 });
  t.deepEqual(tensorAt(m.values, 271).allocation, { memoryId: 1, offset: 8256 });
  t.like(tensorAt(m.values, 84), { dtype: 'int8', allocation: { memoryId: 1, offset: 1968 } });
  const linear = m.chains[0]?.[14];
  t.like(linear, { kind: 'KernelCall', args: [271, 81, 82, 273, 274, 275, 276, 278, 280, 281, 282, 272, 272] });
  const weights = tensorAt(m.values, 81);
  t.like(weights, { dtype: 'int8', shape: [12, 64], placement: 'constant' });
  t.is(readConstantData(bytes, info, weights).length, 12 * 64);
});

test('apple add.pte: no extended header, placeholder segment is not loadable', (t) => {
  const info = readProgram(fixture('executorch/apple_tests_add.pte'));
  t.is(info.header, null);
  t.deepEqual(info.segments, [{ offset: 0, size: 0, fileOffset: null }]);
  t.deepEqual(info.constants, { storage: 'none', segmentIndex: 0, offsets: [0], legacyBuffers: [] });
  const m = onlyMethod(t, info.methods);
  t.deepEqual(operatorCounts(m), { 'aten::add.out': 1 });
  t.deepEqual(m.plannedMemory.map((b) => b.size), [48]);
  t.deepEqual(m.inputs.map((i) => i.tensor?.allocation?.offset), [0, 16]);
  t.deepEqual(m.outputs.map((o) => [o.tensor?.dtype, o.tensor?.shape, o.tensor?.allocation?.offset]), [['float32', [1], 32]]);
  t.is(m.containerMeta?.encodedInputs, 'T2#2#0(T2#1#1($,$),D0())');
});

test('ModuleLinear: legacy inline constant_buffer holds 3.0 and 2.0', (t) => {
  const bytes = fixture('executorch/ModuleLinear-no-constant-segment.pte');
  const info = readProgram(bytes);
  t.is(info.header, null);
  t.deepEqual(info.segments, []);
  t.is(info.constants.storage, 'legacy_buffer');
  t.deepEqual(info.constants.legacyBuffers.map((b) => b.size), [0, 16, 16]);
  const m = onlyMethod(t, info.methods);
  t.deepEqual(operatorCounts(m), { 'aten::mul.out': 1, 'aten::add.out': 1 });
  t.deepEqual(m.chains[0], [
    { kind: 'KernelCall', opIndex: 0, args: [0, 2, 3, 3] },
    { kind: 'KernelCall', opIndex: 1, args: [3, 1, 5, 4, 4] },
  ]);
  const floats = (i: number): number[] => [...new Float32Array(readConstantData(bytes, info, tensorAt(m.values, i)).buffer)];
  t.deepEqual(floats(0), [3, 3, 3, 3]);
  t.deepEqual(floats(1), [2, 2, 2, 2]);
  t.like(m.inputs[0]?.tensor, { dtype: 'float32', shape: [2, 2] });
});

test('bundled program embedded .pte: header length 24, int32 constants 3 and 2', (t) => {
  const bytes = fixture('executorch/module_test_bundled_program.embedded.pte');
  const info = readProgram(bytes);
  t.deepEqual(info.header, { headerLength: 24, programSize: 1584, segmentBaseOffset: 1664, segmentDataSize: 0 });
  t.deepEqual(info.segments, [{ offset: 0, size: 32, fileOffset: 1664 }]);
  t.deepEqual(info.constants.offsets, [0, 0, 16]);
  const m = onlyMethod(t, info.methods);
  t.deepEqual(operatorCounts(m), { 'aten::mul.out': 1, 'aten::add.out': 2 });
  t.is(m.instructionCount, 3);
  t.deepEqual(m.inputs.map((i) => [i.tensor?.dtype, i.tensor?.shape]), [['int32', [2, 2]], ['int32', [2, 2]]]);
  const ints = (i: number): number[] => [...new Int32Array(readConstantData(bytes, info, tensorAt(m.values, i)).buffer)];
  t.deepEqual(ints(0), [3, 3, 3, 3]);
  t.deepEqual(ints(1), [2, 2, 2, 2]);
});
