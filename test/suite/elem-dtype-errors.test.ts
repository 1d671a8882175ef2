// Unsupported dtype combinations of the elementwise family fail when the method loads — exit code
// 4 (unsupported) — with a message naming the operator and the dtypes, from the Node addon and
// from etrun alike. Each combination is one ATen refuses too (or one it would cast unsafely).
import test from 'ava';
import { EtRuntimeError, loadProgram } from '../../native/node/index.js';
import { OperatorRegistry, ProgramBuilder, type DType } from '../../program/index.js';
import { describeRun, etrun, tempDir, writeTemp } from '../program/etrun.js';

interface Bad {
  op: string;
  inputs: Record<string, DType>;
  scalars?: Record<string, number | boolean | string | null>;
  out: DType;
  /** Dtype names the message must mention. */
  names: string[];
}

const BAD: Bad[] = [
  { op: 'aten::neg.out', inputs: { self: 'bool' }, out: 'bool', names: ['bool'] },
  { op: 'aten::sub.out', inputs: { self: 'bool', other: 'float32' }, out: 'float32', names: ['bool', 'float32'] },
  { op: 'aten::sigmoid.out', inputs: { self: 'int32' }, out: 'int32', names: ['int32', 'float32'] },
  { op: 'aten::div.out', inputs: { self: 'int64', other: 'int64' }, out: 'int64', names: ['int64', 'float32'] },
  { op: 'aten::div.out_mode', inputs: { self: 'bool', other: 'bool' }, scalars: { rounding_mode: 'floor' }, out: 'bool', names: ['bool'] },
  { op: 'aten::relu.out', inputs: { self: 'float32' }, out: 'int32', names: ['float32', 'int32'] },
  { op: 'aten::clamp.out', inputs: { self: 'int32' }, scalars: { min: 0.5, max: null }, out: 'int32', names: ['int32', 'float32'] },
  { op: 'aten::gelu.out', inputs: { self: 'int8' }, scalars: { approximate: 'none' }, out: 'int8', names: ['int8'] },
  { op: 'aten::bitwise_and.Tensor_out', inputs: { self: 'float32', other: 'int32' }, out: 'float32', names: ['float32', 'int32'] },
  { op: 'aten::any.all_out', inputs: { self: 'float32' }, out: 'float32', names: ['float32'] },
  { op: 'aten::where.self_out', inputs: { condition: 'uint8', self: 'float32', other: 'float32' }, out: 'float32', names: ['uint8'] },
];

// The builder would refuse dtypes ops.yaml does not list; the runtime is what is under test here.
const base = OperatorRegistry.default();
const ANY_DTYPE = new OperatorRegistry(base.names().map((n) => ({ ...base.get(n)!, dtypes: null })));

function build(bad: Bad): Uint8Array {
  const b = new ProgramBuilder({ operators: ANY_DTYPE });
  const m = b.method('forward');
  const args: Record<string, unknown> = {};
  for (const [name, dtype] of Object.entries(bad.inputs)) args[name] = m.input({ dtype, shape: [4] });
  Object.assign(args, bad.scalars ?? {});
  const out = m.tensor({ dtype: bad.out, shape: bad.op === 'aten::any.all_out' ? [] : [4] });
  m.call(bad.op, { ...args, out } as Parameters<typeof m.call>[1]);
  m.output(out);
  return b.build().pte;
}

test('unsupported dtype combinations fail at load with exit 4, naming the operator and dtypes', (t) => {
  for (const bad of BAD) {
    const program = loadProgram(build(bad));
    const e = t.throws(() => program.loadMethod(), { instanceOf: EtRuntimeError }, bad.op);
    t.is(e?.exitCode, 4, `${bad.op}: ${e?.message}`);
    t.true((e?.message ?? '').includes(bad.op), `${bad.op}: ${e?.message}`);
    for (const name of bad.names) t.true((e?.message ?? '').includes(name), `${bad.op} names ${name}: ${e?.message}`);
    program.close();
  }
});

test.serial('etrun exits 4 on an unsupported combination and says which', async (t) => {
  const dir = await tempDir(t);
  const r = etrun([await writeTemp(dir, 'neg-bool.pte', build(BAD[0]!)), '--iterations', '1', '--warmup', '0']);
  t.is(r.code, 4, describeRun(r));
  t.regex(r.doc?.error?.message ?? '', /aten::neg\.out.*bool/);
});
