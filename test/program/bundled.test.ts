import test from 'ava';
import { readBundled, readProgram, writeBundled, type BundledSuite } from '../../program/index.js';
import { fixture } from './helpers.js';

test('real bundled program: 10 identical int32 cases, embedded program 1696 B with header length 24', (t) => {
  const bytes = fixture('executorch/module_test_bundled_program.bpte');
  const bundle = readBundled(bytes);
  t.is(bundle.version, 2);
  t.is(bundle.programBytes.length, 1696);
  t.deepEqual(bundle.programBytes, fixture('executorch/module_test_bundled_program.embedded.pte'));
  t.is(bundle.program.header?.headerLength, 24);
  t.deepEqual(bundle.program, readProgram(bundle.programBytes));
  // A copy, not a view into the bundle.
  t.not(bundle.programBytes.buffer, bytes.buffer);
  t.is(bundle.programBytes.byteOffset, 0);

  // Same result from a Node Buffer view at an odd offset of a larger allocation.
  const pool = Buffer.alloc(bytes.length + 64);
  pool.set(bytes, 13);
  t.deepEqual(readBundled(pool.subarray(13, 13 + bytes.length)), bundle);

  t.is(bundle.suites.length, 1);
  const [suite] = bundle.suites;
  t.is(suite?.methodName, 'forward');
  t.is(suite?.testCases.length, 10);
  for (const c of suite!.testCases) {
    t.is(c.inputs.length, 2);
    for (const input of c.inputs) {
      t.like(input, { kind: 'Tensor', dtype: 'int32', shape: [2, 2], dimOrder: [0, 1] });
      if (input.kind === 'Tensor') t.deepEqual([...input.data], [0, 0, 0, 0]);
    }
    const [expected] = c.expectedOutputs;
    t.like(expected, { kind: 'Tensor', dtype: 'int32', shape: [2, 2] });
    if (expected?.kind === 'Tensor') {
      t.true(expected.data instanceof Int32Array);
      t.deepEqual([...expected.data], [2, 2, 2, 2]);
    }
  }
});

test('writeBundled round trip keeps program bytes and every value kind, with aligned vectors', (t) => {
  const program = fixture('executorch/module_test_bundled_program.embedded.pte');
  const suites: BundledSuite[] = [
    {
      methodName: 'forward',
      testCases: [
        {
          inputs: [
            { kind: 'Tensor', dtype: 'int32', shape: [2, 2], dimOrder: [0, 1], data: Int32Array.of(1, 2, 3, 4) },
            { kind: 'Tensor', dtype: 'int32', shape: [2, 2], dimOrder: [1, 0], data: Int32Array.of(-1, 0, 1, 2) },
            { kind: 'Int', value: -5n },
            { kind: 'Bool', value: true },
            { kind: 'Double', value: 0.25 },
          ],
          expectedOutputs: [
            { kind: 'Tensor', dtype: 'float32', shape: [3], dimOrder: [0], data: Float32Array.of(0.5, -1, 3) },
            { kind: 'Tensor', dtype: 'int64', shape: [], dimOrder: [], data: BigInt64Array.of(-(2n ** 40n)) },
          ],
        },
        { inputs: [], expectedOutputs: [] },
      ],
    },
  ];
  const bytes = writeBundled(program, suites);
  t.is(Buffer.from(bytes.subarray(4, 8)).toString('latin1'), 'BP08');
  const start = Buffer.from(bytes).indexOf(Buffer.from(program));
  t.true(start > 0);
  t.is(start % 32, 0, 'program vector is 32-byte aligned');
  const back = readBundled(bytes);
  t.deepEqual(back.programBytes, program);
  t.deepEqual(back.suites, suites);
  t.is(back.version, 2);
  // Tensor data vectors are 16-byte aligned: find the float payload.
  const floats = Buffer.from(Float32Array.of(0.5, -1, 3).buffer);
  t.is(Buffer.from(bytes).indexOf(floats) % 16, 0);
});

test('a suite naming a method the program lacks is rejected', (t) => {
  const program = fixture('executorch/apple_tests_add.pte');
  const bytes = writeBundled(program, [{ methodName: 'missing', testCases: [] }]);
  const err = t.throws(() => readBundled(bytes));
  t.is(err?.name, 'ProgramFormatError');
  t.regex(err?.message ?? '', /method_test_suites\[0\]\.method_name: "missing" is not a method/);
});
