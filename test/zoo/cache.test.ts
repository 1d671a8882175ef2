// Zoo files are a pure function of (generator version, seed): the same seed gives byte-identical
// .pte, .onnx and input files; another seed other weights; ensureZoo reuses what is on disk and
// regenerates a file that was changed.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ensureZoo, generateModel, zooDir, zooModel } from '../../program/zoo/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const hash = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

for (const name of ['mlp', 'ds_cnn', 'ds_cnn_int8', 'lstm', 'mobilenet_v3_small']) {
  test(`${name}: the same seed gives byte-identical files`, (t) => {
    const a = generateModel(zooModel(name), 42);
    const b = generateModel(zooModel(name), 42);
    t.is(hash(a.pte), hash(b.pte));
    t.is(hash(a.onnx), hash(b.onnx));
    t.deepEqual(a.inputs, b.inputs);
    const c = generateModel(zooModel(name), 43);
    t.not(hash(a.pte), hash(c.pte));
    t.not(hash(a.onnx), hash(c.onnx));
  });
}

test('ensureZoo writes once, then reuses; a changed file is generated again', async (t) => {
  const home = await tempDir(t, 'etbench-zoo-cache-');
  const first = ensureZoo({ home, models: ['ds_cnn', 'mlp'], bundled: false, seed: 5 });
  t.deepEqual(first.map((e) => e.cached), [false, false]);
  t.is(path.dirname(first[0]!.pte), zooDir(home, 5));
  t.true(first[0]!.pte.startsWith(path.join(home, 'zoo')));
  const mtime = statSync(first[0]!.pte).mtimeMs;
  const second = ensureZoo({ home, models: ['ds_cnn', 'mlp'], bundled: false, seed: 5 });
  t.deepEqual(second.map((e) => e.cached), [true, true]);
  t.is(statSync(second[0]!.pte).mtimeMs, mtime);
  t.deepEqual(second.map((e) => [e.params, e.macs]), first.map((e) => [e.params, e.macs]));

  const original = readFileSync(first[0]!.onnx);
  writeFileSync(first[0]!.onnx, 'damaged');
  const third = ensureZoo({ home, models: ['ds_cnn'], bundled: false, seed: 5 });
  t.false(third[0]!.cached);
  t.is(hash(readFileSync(third[0]!.onnx)), hash(original));

  const other = ensureZoo({ home, models: ['ds_cnn'], bundled: false, seed: 6 });
  t.not(path.dirname(other[0]!.pte), path.dirname(first[0]!.pte));
});

test('ensureZoo defaults its home to $ETBENCH_HOME and names unknown models', async (t) => {
  const home = await tempDir(t, 'etbench-zoo-home-');
  const saved = process.env['ETBENCH_HOME'];
  process.env['ETBENCH_HOME'] = home;
  t.teardown(() => {
    if (saved === undefined) delete process.env['ETBENCH_HOME'];
    else process.env['ETBENCH_HOME'] = saved;
  });
  const [entry] = ensureZoo({ models: ['ds_cnn'], bundled: false });
  t.true(entry!.pte.startsWith(path.join(home, 'zoo')));
  t.throws(() => ensureZoo({ models: ['alexnet'], bundled: false }), { message: /no zoo model named 'alexnet'/ });
});
