/**
 * The shape family's golden coverage (scripts/golden/cases_shape.py): every operator it
 * registers in native/kernels/ops.yaml has at least 3 PyTorch cases for each of the ten dtypes,
 * and its error cases name ATen's complaint, so a dropped generator or op shows up here.
 */
import fs from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { defaultOpsYamlPath } from '../../program/index.js';
import { loadGoldens } from './goldens.js';

const DTYPES = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64'];

/** The ops of the `# --- shape ---` block of ops.yaml. */
function shapeOps(): string[] {
  const text = fs.readFileSync(defaultOpsYamlPath(), 'utf8');
  const start = text.indexOf('# --- shape ---');
  const rest = text.slice(text.indexOf('\n', start) + 1);
  const next = rest.search(/^# --- /m);
  const block = parse(next < 0 ? rest : rest.slice(0, next)) as { op: string }[];
  return block.map((e) => e.op);
}

test('every shape-family operator has 3+ golden cases per dtype', (t) => {
  const ops = shapeOps();
  t.true(ops.length >= 34, `${ops.length} ops`);
  const counts = new Map<string, number>();
  for (const c of loadGoldens().cases) counts.set(`${c.op} ${c.dtype}`, (counts.get(`${c.op} ${c.dtype}`) ?? 0) + 1);
  const short = ops.flatMap((op) => DTYPES.filter((d) => (counts.get(`${op} ${d}`) ?? 0) < 3).map((d) => `${op} ${d}`));
  t.deepEqual(short, []);
});

test('the shape-family error goldens come from ATen rejecting the call', (t) => {
  const ops = new Set(shapeOps());
  const errors = loadGoldens().cases.filter((c) => ops.has(c.op) && 'error' in c.expect);
  t.true(errors.length >= 100);
  for (const c of errors) t.truthy((c.expect as { message?: string }).message, `${c.op} ${c.note}`);
});
