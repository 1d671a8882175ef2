import test from 'ava';
import {
  readConstantData, readProgram, writeProgram, type ProgramSpec, type TensorInfo, type ValueInfo,
} from '../../program/index.js';

const weights = new Uint8Array(Float32Array.of(1.5, -2, 0.25, 8).buffer);
const bias = new Uint8Array(Int32Array.of(7, -7, 1000).buffer);

const spec: ProgramSpec = {
  methods: [
    {
      name: 'forward',
      values: [
        /* 0 */ { kind: 'Tensor', tensor: { dtype: 'float32', shape: [2, 2], allocation: { memoryId: 1, offset: 0 } } },
        /* 1 */ { kind: 'Tensor', tensor: { dtype: 'float32', shape: [2, 2], data: weights } },
        /* 2 */ { kind: 'Tensor', tensor: { dtype: 'float32', shape: [2, 2], allocation: { memoryId: 1, offset: 16 } } },
        /* 3 */ { kind: 'Int', value: 1 },
        /* 4 */ { kind: 'Int', value: -(2n ** 40n) },
        /* 5 */ { kind: 'IntList', items: [3, 4] },
        /* 6 */ { kind: 'Null' },
        /* 7 */ { kind: 'Bool', value: true },
        /* 8 */ { kind: 'Double', value: -0.125 },
        /* 9 */ { kind: 'String', value: 'torch.uint8' },
        /* 10 */ { kind: 'DoubleList', items: [0.5, 1e300] },
        /* 11 */ { kind: 'BoolList', items: [true, false, true] },
        /* 12 */ { kind: 'TensorList', items: [0, 2] },
        /* 13 */ { kind: 'OptionalTensorList', items: [0, 6] },
        /* 14 */ {
          kind: 'Tensor',
          tensor: {
            dtype: 'int8', shape: [1, 3, 2, 2], dimOrder: [0, 2, 3, 1], dynamism: 'dynamic_bound',
            allocation: { memoryId: 2, offset: 2 ** 32 + 16 },
          },
        },
        /* 15 */ { kind: 'Tensor', tensor: { dtype: 'int32', shape: [3], data: bias } },
        /* 16 */ { kind: 'Tensor', tensor: { dtype: 'bool', shape: [] } },
      ],
      inputs: [0],
      outputs: [2, 8],
      instructions: [
        { kind: 'KernelCall', opIndex: 0, args: [0, 1, 3, 2, 2] },
        { kind: 'JumpFalseCall', condValueIndex: 7, destinationInstruction: 3 },
        { kind: 'MoveCall', moveFrom: 2, moveTo: 0 },
        { kind: 'FreeCall', valueIndex: 14 },
        { kind: 'KernelCall', opIndex: 1, args: [0, 1, 2, 2] },
      ],
      operators: [
        { name: 'aten::add', overload: 'out' },
        { name: 'aten::mul', overload: 'out' },
        { name: 'aten::unused', overload: '' },
      ],
      plannedMemory: [32, 64],
      containerMeta: { encodedInputs: 'T2#1#0(T1#1($),D0())', encodedOutputs: '$' },
    },
    {
      name: 'get_answer',
      values: [{ kind: 'Int', value: 42 }],
      inputs: [],
      outputs: [0],
      instructions: [],
      operators: [],
      plannedMemory: [],
    },
  ],
};

/** What the reader must report for a spec tensor. */
function expectedTensor(v: ProgramSpec['methods'][number]['values'][number], dataBufferIndex: number): TensorInfo | null {
  if (v.kind !== 'Tensor') return null;
  const t = v.tensor;
  const size = { float32: 4, int8: 1, int32: 4, bool: 1 }[t.dtype as 'float32'] ?? 0;
  return {
    dtype: t.dtype,
    shape: t.shape,
    dimOrder: t.dimOrder ?? t.shape.map((_, i) => i),
    dynamism: t.dynamism ?? 'static',
    requiresGrad: false,
    dataBufferIndex,
    allocation: t.allocation ?? null,
    placement: t.data ? 'constant' : t.allocation ? 'planned' : 'unplanned',
    nbytes: t.shape.reduce((n, d) => n * d, 1) * size,
    extra: null,
  };
}

test('writeProgram → readProgram keeps every field', (t) => {
  const bytes = writeProgram(spec);
  const info = readProgram(bytes);

  // File layout: eh00 header, 128-aligned segment base, one constant segment.
  const header = info.header!;
  t.is(header.headerLength, 32);
  t.is(header.segmentBaseOffset % 128, 0);
  t.true(header.segmentBaseOffset >= header.programSize && header.segmentBaseOffset - header.programSize < 128);
  t.is(header.segmentDataSize, 28);
  t.is(bytes.length, header.segmentBaseOffset + header.segmentDataSize);
  t.deepEqual(info.segments, [{ offset: 0, size: 16 + 12, fileOffset: info.header!.segmentBaseOffset }]);
  t.deepEqual(info.constants, { storage: 'segment', segmentIndex: 0, offsets: [0, 0, 16], legacyBuffers: [] });
  t.is(info.version, 0);

  const [forward, getter] = info.methods;
  const m = spec.methods[0]!;
  t.is(forward?.name, 'forward');
  const expectedValues: ValueInfo[] = m.values.map((v, i): ValueInfo => {
    if (v.kind === 'Tensor') return { kind: 'Tensor', tensor: expectedTensor(v, i === 1 ? 1 : i === 15 ? 2 : 0)! };
    if (v.kind === 'Int') return { kind: 'Int', value: BigInt(v.value) };
    return v;
  });
  t.deepEqual(forward?.values, expectedValues);
  t.deepEqual(forward?.inputs, [{ valueIndex: 0, kind: 'Tensor', tensor: expectedTensor(m.values[0]!, 0) }]);
  t.deepEqual(forward?.outputs.map((o) => [o.valueIndex, o.kind]), [[2, 'Tensor'], [8, 'Double']]);
  t.deepEqual(forward?.chains, [m.instructions]);
  t.is(forward?.instructionCount, 5);
  t.deepEqual(forward?.operators, [
    { name: 'aten::add', overload: 'out', qualifiedName: 'aten::add.out', count: 1 },
    { name: 'aten::mul', overload: 'out', qualifiedName: 'aten::mul.out', count: 1 },
    { name: 'aten::unused', overload: '', qualifiedName: 'aten::unused', count: 0 },
  ]);
  t.deepEqual(forward?.delegates, []);
  t.deepEqual(forward?.plannedMemory, [
    { memoryId: 1, size: 32, deviceType: 'cpu', deviceIndex: 0 },
    { memoryId: 2, size: 64, deviceType: 'cpu', deviceIndex: 0 },
  ]);
  t.deepEqual(forward?.containerMeta, m.containerMeta);

  // Constant bytes come back, each at a 16-aligned offset of the segment.
  const tensor = (i: number): TensorInfo => {
    const v = forward!.values[i];
    if (v?.kind !== 'Tensor') throw new Error('not a tensor');
    return v.tensor;
  };
  t.deepEqual(readConstantData(bytes, info, tensor(1)), weights);
  t.deepEqual(readConstantData(bytes, info, tensor(15)), bias);

  t.deepEqual(getter, {
    name: 'get_answer',
    inputs: [],
    outputs: [{ valueIndex: 0, kind: 'Int', tensor: null }],
    values: [{ kind: 'Int', value: 42n }],
    chains: [[]],
    instructionCount: 0,
    operators: [],
    delegates: [],
    plannedMemory: [],
    containerMeta: null,
  });
});

test('writeProgram is deterministic and writes no header without constants', (t) => {
  const noConstants: ProgramSpec = { methods: [spec.methods[1]!] };
  const a = writeProgram(noConstants);
  t.deepEqual(a, writeProgram(noConstants));
  const info = readProgram(a);
  t.is(info.header, null);
  t.deepEqual(info.segments, []);
  t.deepEqual(info.constants, { storage: 'none', segmentIndex: 0, offsets: [0], legacyBuffers: [] });
  t.deepEqual(writeProgram(spec), writeProgram(spec));
});

test('the extended header sits at bytes 8..39 and padding is zero-filled', (t) => {
  const bytes = writeProgram(spec);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  t.is(Buffer.from(bytes.subarray(4, 12)).toString('latin1'), 'ET12eh00');
  t.is(view.getUint32(12, true), 32);
  const programSize = Number(view.getBigUint64(16, true));
  const segmentBase = Number(view.getBigUint64(24, true));
  t.is(Number(view.getBigUint64(32, true)), 28);
  // The root table moved with the rest of the flatbuffer: past the header, 4-aligned.
  const root = view.getUint32(0, true);
  t.true(root >= 40 && root < programSize && root % 4 === 0);
  t.true(bytes.subarray(programSize, segmentBase).every((b) => b === 0));
  // The constant segment is weights (16 B) then bias at the next 16-aligned offset.
  t.deepEqual(bytes.subarray(segmentBase), new Uint8Array([...weights, ...bias]));
});

test('writer spec errors name the field', (t) => {
  const bad = (patch: (s: ProgramSpec) => void): string => {
    const copy = structuredClone(spec);
    patch(copy);
    return t.throws(() => writeProgram(copy), { name: 'ProgramFormatError' })?.message ?? '';
  };
  t.regex(bad((s) => { s.methods[0]!.values[5] = { kind: 'IntList', items: [7] }; }), /methods\[0\]\.values\[5\]\.items\[0\]: IntList items must be indices of Int values/);
  t.regex(bad((s) => { s.methods[0]!.inputs = [99]; }), /methods\[0\]\.inputs\[0\]: 99 is not a value index/);
  t.regex(bad((s) => { s.methods[0]!.values[1] = { kind: 'Tensor', tensor: { dtype: 'float32', shape: [3], data: weights } }; }), /values\[1\]\.tensor\.data: 16 bytes given, float32\[3\] needs 12/);
  t.regex(bad((s) => { s.methods[0]!.instructions[0] = { kind: 'KernelCall', opIndex: 9, args: [] }; }), /instructions\[0\]: op_index 9 is out of range/);
  t.regex(bad((s) => { s.segmentAlignment = 100; }), /segmentAlignment: 100 is not a power of two/);
});
