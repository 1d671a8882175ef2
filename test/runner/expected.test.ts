// etrun --expected FILE against the real binary: the document another run printed with
// --print-outputs passes, a changed value fails with exit 6 and the error in `correctness`,
// tolerances decide, a bundled program's own checks merge with the file's, and a file for
// another program (wrong number of outputs) or no file at all is exit 3 naming it.

import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { etrunBuildPath, validateRunnerResult } from '../../native/runner/index.js';
import { addProgram } from '../farm/helpers.js';
import { BUNDLED } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const ETRUN = etrunBuildPath('release');
const etrun = (args: string[]) => {
  const r = spawnSync(ETRUN, [...args, '--iterations', '2', '--warmup', '0'], { encoding: 'utf8' });
  return { code: r.status, doc: r.stdout.trim() === '' ? null : validateRunnerResult(JSON.parse(r.stdout)), stderr: r.stderr };
};

test('--expected: the same outputs pass, a changed value fails with exit 6, tolerances decide', async (t) => {
  const dir = await tempDir(t, 'etbench-expected-');
  const program = addProgram(dir, 'add.pte', 64);
  const expected = path.join(dir, 'expected.json');
  t.is(etrun([program, '--inputs', 'random:3', '--print-outputs', '--json', expected]).code, 0);

  const same = etrun([program, '--inputs', 'random:3', '--expected', expected]);
  t.is(same.code, 0, same.stderr);
  t.deepEqual(same.doc?.correctness?.map((c) => [c.output, c.pass, c.max_abs_err]), [[0, true, 0]]);
  t.is(etrun([program, '--inputs', 'random:4', '--expected', expected]).code, 6, 'other inputs, other outputs');

  const doc = JSON.parse(await readFile(expected, 'utf8')) as { outputs: { data: number[] }[] };
  const data = doc.outputs[0]!.data;
  data[5] = data[5]! + 0.001;
  const nudged = path.join(dir, 'nudged.json');
  await writeFile(nudged, JSON.stringify(doc.outputs)); // a bare list works too
  const wrong = etrun([program, '--inputs', 'random:3', '--expected', nudged]);
  t.is(wrong.code, 6);
  t.false(wrong.doc?.correctness?.[0]?.pass);
  t.true(Math.abs(Number(wrong.doc?.correctness?.[0]?.max_abs_err ?? 0) - 0.001) < 1e-6);
  t.regex(wrong.stderr, /expected output 0: values differ/);
  t.is(etrun([program, '--inputs', 'random:3', '--expected', nudged, '--atol', '0.01']).code, 0, 'within the tolerance');
});

test('--expected merges with a bundled program\'s checks; a file of another shape or none is exit 3', async (t) => {
  const dir = await tempDir(t, 'etbench-expected-');
  const expected = path.join(dir, 'bundled.json');
  t.is(etrun([BUNDLED, '--print-outputs', '--json', expected]).code, 0);
  const both = etrun([BUNDLED, '--expected', expected]);
  t.is(both.code, 0, both.stderr);
  const outputs = (JSON.parse(await readFile(expected, 'utf8')) as { outputs: unknown[] }).outputs.length;
  t.is(both.doc?.correctness?.length, outputs, 'one entry per output, not one per check');

  await writeFile(path.join(dir, 'two.json'), JSON.stringify([]));
  const count = etrun([BUNDLED, '--expected', path.join(dir, 'two.json')]);
  t.is(count.code, 3);
  t.regex(count.stderr, /expected outputs hold 0 tensors, the method returns/);
  const missing = etrun([BUNDLED, '--expected', path.join(dir, 'nope.json')]);
  t.is(missing.code, 3);
  t.regex(missing.stderr, /cannot read expected outputs file .*nope\.json/);
  const noValue = spawnSync(ETRUN, [BUNDLED, '--expected'], { encoding: 'utf8' });
  t.is(noValue.status, 2, 'a flag without its value is a usage error');
  t.regex(noValue.stderr, /--expected needs a value/);
});
