/**
 * The linalg family's golden coverage (scripts/golden/cases_linalg.py): every operator of the
 * `# --- linalg ---` block of native/kernels/ops.yaml has at least 3 PyTorch cases with a value
 * (not an error) for each dtype it registers; float cases carry a tolerance no looser than the
 * operator suites' own, so a dropped generator, op or dtype shows up here. The values themselves
 * are checked against the reference by goldens.test.ts.
 */
import fs from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { defaultOpsYamlPath } from '../../program/index.js';
import { loadGoldens } from './goldens.js';

/** The ops of the `# --- linalg ---` block of ops.yaml with their registered dtypes. */
function linalgOps(): { op: string; dtypes: string[] }[] {
  const text = fs.readFileSync(defaultOpsYamlPath(), 'utf8');
  const start = text.indexOf('# --- linalg ---');
  const rest = text.slice(text.indexOf('\n', start) + 1);
  const next = rest.search(/^# --- /m);
  return parse(next < 0 ? rest : rest.slice(0, next)) as { op: string; dtypes: string[] }[];
}

const goldens = loadGoldens().cases;

test('every linalg-family operator has 3+ golden values per registered dtype', (t) => {
  const ops = linalgOps();
  t.true(ops.length >= 14, `${ops.length} ops`);
  const counts = new Map<string, number>();
  for (const c of goldens) if (!('error' in c.expect)) counts.set(`${c.op} ${c.dtype}`, (counts.get(`${c.op} ${c.dtype}`) ?? 0) + 1);
  const short = ops.flatMap(({ op, dtypes }) => dtypes.filter((d) => (counts.get(`${op} ${d}`) ?? 0) < 3).map((d) => `${op} ${d}`));
  t.deepEqual(short, []);
});

test('linalg float goldens carry a tolerance within the suites\' (integers stay exact)', (t) => {
  const ops = new Set(linalgOps().map((e) => e.op));
  const mine = goldens.filter((c) => ops.has(c.op));
  const limit: Record<string, number> = { float16: 1e-2, bfloat16: 2e-2, float32: 2e-5, float64: 1e-9 };
  for (const c of mine) {
    if (limit[c.dtype] === undefined) t.is(c.tol, undefined, `${c.op} ${c.dtype} ${c.note}`);
    else t.true(c.tol !== undefined && c.tol.rtol <= limit[c.dtype]! && c.tol.atol <= limit[c.dtype]!, `${c.op} ${c.dtype} ${c.note}`);
  }
  t.true(mine.length >= 300, `${mine.length} cases`);
});

test('the linalg error goldens come from ATen rejecting the call', (t) => {
  const ops = new Set(linalgOps().map((e) => e.op));
  const errors = goldens.filter((c) => ops.has(c.op) && 'error' in c.expect);
  t.true(errors.length >= 10, `${errors.length} error cases`);
  for (const c of errors) t.truthy((c.expect as { message?: string }).message, `${c.op} ${c.note}`);
});
