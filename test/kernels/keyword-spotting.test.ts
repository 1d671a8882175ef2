// The real KeywordSpotting program (int8 DS-CNN, cortex_m:: operators with CMSIS-NN semantics)
// run end to end by the release etrun on the ten MFCC inputs beside the fixture. The reference
// scores come from an independent integer re-implementation (shared/docs/ops-in-real-files.md
// 2.5): every score must be bit-identical as float32, and the argmax must name the spoken word.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { etrunBuildPath, validateRunnerResult } from '../../native/runner/index.js';
import { readProgram } from '../../program/index.js';
import { KEYWORD_SPOTTING, fixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const ETRUN = etrunBuildPath('release');
const LABELS = ['silence', 'unknown', 'yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const WORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const INPUT_SHAPE = [1, 1, 49, 10];
// The last instruction, cortex_m::dequantize_per_tensor.out: scale (a float32 in the program) and zero point.
const OUTPUT_SCALE = Math.fround(0.15429316461086273);
const OUTPUT_ZERO_POINT = 23;

interface Reference {
  int8: number[];
  float: number[];
  argmax: string;
}
interface MfccInput {
  label: string;
  shape: number[];
  dtype: string;
  values: number[];
}

const inputsDir = fixture('executorch', 'keyword_spotting_inputs');
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(inputsDir, file), 'utf8'));
const references = readJson('expected_outputs_reference.json') as Record<string, Reference>;
const mfcc = (word: string): MfccInput => readJson(`mfcc_${word}.json`) as MfccInput;

function argmax(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? -Infinity)) best = i;
  });
  return best;
}

test('the reference covers the ten words, and its scores are its int8 logits dequantized in float32', (t) => {
  t.deepEqual(Object.keys(references).sort(), [...WORDS].sort());
  for (const word of WORDS) {
    const ref = references[word];
    if (ref === undefined) return t.fail(`no reference for ${word}`);
    t.is(ref.argmax, word);
    t.is(ref.int8.length, 12);
    t.deepEqual(ref.float.map(Math.fround), ref.int8.map((q) => Math.fround(Math.fround(q - OUTPUT_ZERO_POINT) * OUTPUT_SCALE)), word);
  }
});

test('the input is f32[1,1,49,10] in dim order [0,2,1,3], whose memory order is the .f32 files\' frame-major order', (t) => {
  const method = readProgram(new Uint8Array(readFileSync(KEYWORD_SPOTTING))).methods.find((m) => m.name === 'forward');
  const input = method?.inputs[0]?.tensor;
  t.deepEqual(input?.shape, INPUT_SHAPE);
  t.deepEqual(input?.dimOrder, [0, 2, 1, 3]);
  t.is(input?.dtype, 'float32');
  // With C = 1 the dim order [0,2,1,3] lays memory out exactly like [0,1,2,3], so the logical
  // row-major `data` of an inputs file and the raw input buffer hold the floats in one order.
  for (const word of WORDS) {
    const json = mfcc(word);
    t.deepEqual(json.shape, INPUT_SHAPE);
    t.is(json.label, word);
    const raw = readFileSync(path.join(inputsDir, `mfcc_${word}.f32`));
    const floats = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    t.deepEqual(Array.from(floats), json.values.map(Math.fround), word);
  }
});

for (const word of WORDS) {
  test(`"${word}": etrun's scores equal the reference bit for bit and the argmax is "${word}"`, async (t) => {
    if (!existsSync(ETRUN)) return t.fail(`${ETRUN} does not exist: run \`node native/build.mjs etrun\``);
    const ref = references[word];
    if (ref === undefined) return t.fail(`no reference for ${word}`);
    const dir = await tempDir(t, 'etbench-kws-');
    const inputsFile = path.join(dir, `${word}.json`);
    await writeFile(inputsFile, JSON.stringify([{ dtype: 'float32', shape: INPUT_SHAPE, data: mfcc(word).values }]));
    const run = spawnSync(ETRUN, [KEYWORD_SPOTTING, '--inputs', inputsFile, '--print-outputs', '--iterations', '1', '--warmup', '0'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const explain = `exit ${String(run.status)}\nstderr:\n${run.stderr}\nstdout:\n${run.stdout.slice(0, 2000)}`;
    t.is(run.status, 0, explain);
    const result = validateRunnerResult(JSON.parse(run.stdout));
    t.is(result.error, null, explain);
    const output = result.outputs?.[0];
    t.is(result.outputs?.length, 1);
    t.is(output?.dtype, 'float32');
    t.deepEqual(output?.shape, [1, 12]);
    const scores = (output?.data ?? []).map(Number);
    t.is(scores.length, 12);
    t.deepEqual(scores, scores.map(Math.fround), 'etrun prints float32 values exactly');
    t.deepEqual(scores.map(Math.fround), ref.float.map(Math.fround), `scores for "${word}"`);
    t.is(LABELS[argmax(scores)], word);
  });
}
