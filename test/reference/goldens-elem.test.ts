/**
 * The elementwise family's golden coverage (scripts/golden/cases_elem.py): every operator of the
 * `# === elementwise family` block of native/kernels/ops.yaml has at least 3 PyTorch cases for
 * each dtype it registers, its error cases name ATen's complaint, and only the libm-based
 * operators are allowed a last-bit tolerance (goldens.test.ts does the comparing).
 */
import fs from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { defaultOpsYamlPath } from '../../program/index.js';
import { loadGoldens } from './goldens.js';

/** The entries of the elementwise block of ops.yaml (up to the next section comment). */
function elementwiseOps(): { op: string; dtypes: string[] }[] {
  const text = fs.readFileSync(defaultOpsYamlPath(), 'utf8');
  const start = text.indexOf('# === elementwise family');
  const rest = text.slice(text.indexOf('\n', start) + 1);
  const next = rest.search(/^# (---|===|Prim ops)/m);
  return parse(next < 0 ? rest : rest.slice(0, next)) as { op: string; dtypes: string[] }[];
}

const LIBM_OPS = new Set(['aten::sigmoid.out', 'aten::tanh.out', 'aten::exp.out', 'aten::sqrt.out', 'aten::rsqrt.out',
  'aten::pow.Tensor_Scalar_out', 'aten::cos.out', 'aten::sin.out', 'aten::gelu.out', 'aten::log.out', 'aten::erf.out',
  'aten::elu.out', 'aten::silu.out', 'aten::pow.Tensor_Tensor_out']);

test('every elementwise operator has 3+ golden cases per registered dtype', (t) => {
  const ops = elementwiseOps();
  t.true(ops.length >= 66, `${ops.length} ops`);
  const counts = new Map<string, number>();
  for (const c of loadGoldens().cases) counts.set(`${c.op} ${c.dtype}`, (counts.get(`${c.op} ${c.dtype}`) ?? 0) + 1);
  // A quantize case is about its float input, a dequantize case about its quantized input: the
  // other dtypes those ops register (outs, scales, zero points) are reached through other arguments.
  const QUANT_INPUTS: Record<string, string[]> = {
    quantize: ['float32', 'float16', 'bfloat16'], dequantize: ['uint8', 'int8', 'int16', 'int32'],
  };
  const aboutInput = (op: string, d: string): boolean => {
    const m = /^quantized_decomposed::(quantize|dequantize)_per_/.exec(op);
    return m === null || QUANT_INPUTS[m[1]!]!.includes(d);
  };
  const short = ops.flatMap(({ op, dtypes }) =>
    dtypes.filter((d) => aboutInput(op, d) && (counts.get(`${op} ${d}`) ?? 0) < 3).map((d) => `${op} ${d}`));
  t.deepEqual(short, []);
});

test('the elementwise error goldens come from ATen rejecting the call', (t) => {
  const ops = new Set(elementwiseOps().map((e) => e.op));
  const errors = loadGoldens().cases.filter((c) => ops.has(c.op) && 'error' in c.expect);
  t.true(errors.length >= 40, `${errors.length} error cases`);
  for (const c of errors) t.truthy((c.expect as { message?: string }).message, `${c.op} ${c.note}`);
});

test('only libm-based elementwise goldens carry a tolerance: at most 4 ulps, an absolute one only for gelu and erf', (t) => {
  const ops = new Set(elementwiseOps().map((e) => e.op));
  const tolerant = loadGoldens().cases.filter((c) => ops.has(c.op) && c.ulps !== undefined);
  t.true(tolerant.length > 0);
  for (const c of tolerant) {
    t.true(LIBM_OPS.has(c.op), `${c.op} '${c.note}' has a tolerance`);
    t.true(c.ulps! <= 4, `${c.op} '${c.note}': ${c.ulps} ulps`);
    if (c.atol !== undefined) t.true(c.op === 'aten::gelu.out' || c.op === 'aten::erf.out', `${c.op} has an absolute tolerance`);
  }
});
