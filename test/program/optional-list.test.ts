// The exporter writes an absent tensor in a Tensor?[] list (the `None`s of `cache[:, :, pos]`)
// as value index -1. The reader, the writer and the runtime accept it there and nowhere else.
import test from 'ava';
import { elementwiseProgramSpec, readProgram, writeProgram, type ElementwiseGraph, type ProgramSpec } from '../../program/index.js';
import { describeRun, etrun, QUICK, tempDir, writeTemp } from './etrun.js';

const X_PLUS_ONE: ElementwiseGraph = {
  inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3] }],
  constants: [{ name: 'one', dtype: 'float32', shape: [], data: [1] }],
  ops: [{ op: 'add', self: 'x', other: 'one', out: 'y' }],
  outputs: ['y'],
};

/** X_PLUS_ONE plus one extra (unused) list value whose items are [-1, input, -1]. */
function withList(kind: 'OptionalTensorList' | 'TensorList'): ProgramSpec {
  const spec = elementwiseProgramSpec(X_PLUS_ONE);
  const method = spec.methods[0];
  if (method === undefined) throw new Error('no method');
  const input = method.inputs[0] ?? 0;
  return { ...spec, methods: [{ ...method, values: [...method.values, { kind, items: [-1, input, -1] }] }] };
}

test.serial('an optional tensor list with -1 items reads back and runs', async (t) => {
  const bytes = writeProgram(withList('OptionalTensorList'));
  const values = readProgram(bytes).methods[0]?.values ?? [];
  t.deepEqual(values.at(-1), { kind: 'OptionalTensorList', items: [-1, 0, -1] });
  const dir = await tempDir(t);
  const run = etrun([await writeTemp(dir, 'optional.pte', bytes), ...QUICK]);
  t.is(run.code, 0, describeRun(run));
});

test('a plain tensor list with -1 is refused by the writer', (t) => {
  t.throws(() => writeProgram(withList('TensorList')), { message: /items\[0\]/ });
});
