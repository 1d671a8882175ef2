/**
 * The reference against PyTorch: every case in goldens.json (ATen's own
 * out-variants, see scripts/golden/make-goldens.py) must match exactly —
 * integers and bools by value, floats bit for bit (NaN = NaN, -0 ≠ +0) — in
 * logical order and in storage order; a case with `tol` (an accumulating
 * operator of the linalg family) matches its floats within that tolerance.
 */
import test from 'ava';
import { evaluate, ReferenceOpError, toPhysical, type RefTensor, type RefValue } from '../../program/index.js';
import { decodeArg, decodeElements, decodeScalar, firstDifference, loadGoldens, sameElement, type GoldenCase } from './goldens.js';

const goldens = loadGoldens();

/** Null when the reference agrees with the golden, else what differs. */
function check(c: GoldenCase): string | null {
  const args = c.args.map(decodeArg);
  let result: RefValue;
  try {
    result = evaluate(c.op, args);
  } catch (e) {
    if ('error' in c.expect && e instanceof ReferenceOpError) return null;
    return `threw ${String(e)}`;
  }
  const { expect } = c;
  if ('error' in expect) return `expected ${expect.error}, got ${String(result)}`;
  if ('value' in expect) {
    const want = decodeScalar(expect.value);
    if (typeof want !== typeof result) return `expected ${typeof want} ${String(want)}, got ${typeof result} ${String(result)}`;
    return typeof want === 'boolean' ? (want === result ? null : `${String(result)} != ${String(want)}`)
      : sameElement(result as number | bigint, want) ? null : `${String(result)} != ${String(want)}`;
  }
  if ('tensors' in expect) {
    if (!Array.isArray(result) || result.length !== expect.tensors.length) return `expected ${expect.tensors.length} tensors`;
    const why = expect.tensors.map((e, i) => compare(result[i] as RefTensor, e, c)).find((w) => w !== null);
    return why ?? null;
  }
  return compare(result as RefTensor, expect, c);
}

function compare(t: RefTensor, expect: Extract<GoldenCase['expect'], { dtype: unknown }>, c: GoldenCase): string | null {
  if (t.dtype !== expect.dtype) return `dtype ${t.dtype} != ${expect.dtype}`;
  if (t.shape.join() !== expect.shape.join()) return `shape [${t.shape}] != [${expect.shape}]`;
  if (t.dimOrder.join() !== expect.dimOrder.join()) return `dim order [${t.dimOrder}] != [${expect.dimOrder}]`;
  const near = { tol: c.tol, ulps: c.ulps, dtype: c.ulpsOf ?? expect.dtype, atol: c.atol };
  const logical = firstDifference(t.data, decodeElements(expect.dtype, expect.data!), near);
  if (logical !== null) return `logical ${logical}`;
  const memory = firstDifference(toPhysical(t.data as (number | bigint)[], t.shape, t.dimOrder), decodeElements(expect.dtype, expect.memory!), near);
  return memory === null ? null : `memory ${memory}`;
}

const groups = new Map<string, GoldenCase[]>();
for (const c of goldens.cases) {
  const key = `${c.op} ${c.dtype}`;
  groups.set(key, [...(groups.get(key) ?? []), c]);
}

test('the golden file covers every aten and dim-order op for all ten dtypes, 3+ cases each', (t) => {
  const ops = ['aten::add.out', 'aten::add.Scalar_out', 'aten::mul.out', 'aten::mul.Scalar_out',
    'dim_order_ops::_clone_dim_order.out', 'dim_order_ops::_to_dim_order_copy.out'];
  const dtypes = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64'];
  for (const op of ops) for (const dtype of dtypes) t.true((groups.get(`${op} ${dtype}`)?.length ?? 0) >= 3, `${op} ${dtype}`);
});

for (const [key, cases] of groups) {
  test(`matches PyTorch ${goldens.torch}: ${key} (${cases.length} cases)`, (t) => {
    const failures = cases.flatMap((c) => {
      const why = check(c);
      return why === null ? [] : [`${c.note}: ${why}`];
    });
    t.deepEqual(failures, []);
  });
}
