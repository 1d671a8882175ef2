// The real KeywordSpotting program (int8 DS-CNN, cortex_m:: operators) on the emulated
// Cortex-M55: every MFCC input arrives at run time over semihosting, is labelled with its word,
// and the scores (int8 logits dequantized) equal the host etrun's and the reference bit for bit.

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KEYWORD_SPOTTING, fixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { mcuTest, runOnHost, runOnMcu } from './helpers.js';

const LABELS = ['silence', 'unknown', 'yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const WORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const SHAPE = [1, 1, 49, 10];
const OUTPUT_SCALE = Math.fround(0.15429316461086273);
const OUTPUT_ZERO_POINT = 23;

const inputsDir = fixture('executorch', 'keyword_spotting_inputs');
const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(inputsDir, file), 'utf8'));
const references = readJson('expected_outputs_reference.json') as Record<string, { int8: number[]; argmax: string }>;
const mfcc = (word: string): number[] => (readJson(`mfcc_${word}.json`) as { values: number[] }).values;

const argmax = (v: readonly number[]): number => v.reduce((best, x, i) => (x > (v[best] ?? -Infinity) ? i : best), 0);
/** The int8 logit behind each score: the last instruction computes (q - 23) * scale in float32. */
const int8Of = (scores: readonly number[]): number[] => scores.map((s) => Math.round(s / OUTPUT_SCALE) + OUTPUT_ZERO_POINT);

async function inputsFile(dir: string, name: string, values: number[]): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify([{ dtype: 'float32', shape: SHAPE, data: values }]));
  return file;
}

mcuTest('the KeywordSpotting firmware registers only the eight operators the program calls', async (t) => {
  const run = await runOnMcu(KEYWORD_SPOTTING, { inputs: 'random:1' });
  t.is(run.code, 0, run.explain);
  const { ensureFirmware } = await import('../../native/mcu/index.js');
  const fw = await ensureFirmware(KEYWORD_SPOTTING);
  t.true(fw.cached, 'the second call reuses the cached build');
  t.deepEqual(fw.operators, [
    'cortex_m::dequantize_per_tensor.out', 'cortex_m::pad.out', 'cortex_m::quantize_per_tensor.out', 'cortex_m::quantized_avg_pool2d.out',
    'cortex_m::quantized_conv2d.out', 'cortex_m::quantized_depthwise_conv2d.out', 'cortex_m::quantized_linear.out',
    'dim_order_ops::_clone_dim_order.out',
  ]);
  const registration = readFileSync(path.join(path.dirname(fw.elf), 'selected_kernels.cpp'), 'utf8');
  t.is(registration.match(/#define ETB_OP_/g)?.length, 8);
  t.notRegex(registration, /aten_add/);
});

for (const word of WORDS) {
  mcuTest(`"${word}" on the emulated Cortex-M55: labelled "${word}", int8 logits equal the host etrun's and the reference`, async (t) => {
    const dir = await tempDir(t, 'etbench-mcu-kws-');
    const file = await inputsFile(dir, word, mfcc(word));
    const mcu = await runOnMcu(KEYWORD_SPOTTING, { inputs: file, printOutputs: true });
    t.is(mcu.code, 0, mcu.explain);
    const doc = mcu.doc;
    if (doc === null) return t.fail(mcu.explain);
    t.is(doc.error, null);
    t.is(doc.config.inputs, file);
    t.is(doc.program.path, KEYWORD_SPOTTING);
    t.true(Number.isInteger(doc.cycles) && (doc.cycles ?? 0) > 1_000_000, `cycles = emulated instructions: ${String(doc.cycles)}`);
    t.is(doc.latency_ms, null, 'no time is reported on the emulated MCU');
    t.deepEqual(doc.memory?.planned_bytes, [16000]);
    const scores = (doc.outputs?.[0]?.data ?? []).map(Number);
    t.is(scores.length, 12);
    t.deepEqual(int8Of(scores), references[word]?.int8, 'int8 logits equal the reference');
    t.is(LABELS[argmax(scores)], word);
    const host = runOnHost(KEYWORD_SPOTTING, ['--inputs', file, '--print-outputs']);
    t.is(host.code, 0, host.explain);
    t.deepEqual(scores, (host.doc?.outputs?.[0]?.data ?? []).map(Number), 'identical to the host etrun, bit for bit');
  });
}

mcuTest('a perturbed input changes the logits: inputs really arrive at run time', async (t) => {
  const dir = await tempDir(t, 'etbench-mcu-kws-');
  const values = mfcc('yes');
  const perturbed = values.map((v, i) => (i % 7 === 0 ? v + 25 : v));
  const a = await runOnMcu(KEYWORD_SPOTTING, { inputs: await inputsFile(dir, 'yes', values), printOutputs: true });
  const b = await runOnMcu(KEYWORD_SPOTTING, { inputs: await inputsFile(dir, 'perturbed', perturbed), printOutputs: true });
  t.is(a.code, 0, a.explain);
  t.is(b.code, 0, b.explain);
  const la = int8Of((a.doc?.outputs?.[0]?.data ?? []).map(Number));
  const lb = int8Of((b.doc?.outputs?.[0]?.data ?? []).map(Number));
  t.notDeepEqual(la, lb);
  const host = runOnHost(KEYWORD_SPOTTING, ['--inputs', path.join(dir, 'perturbed.json'), '--print-outputs']);
  t.deepEqual(lb, int8Of((host.doc?.outputs?.[0]?.data ?? []).map(Number)), 'the perturbed logits equal the host etrun\'s');
});
