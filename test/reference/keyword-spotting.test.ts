/**
 * The reference runs the real KeywordSpotting program (cortex_m int8 ops,
 * CMSIS-NN requantization) and reproduces the int8 logits and float scores of
 * fixtures/executorch/keyword_spotting_inputs/expected_outputs_reference.json
 * exactly, for all ten words.
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { readProgram, referenceRun, type RefTensor } from '../../program/index.js';
import { fixture, KEYWORD_SPOTTING } from '../helpers/fixtures.js';

const LABELS = ['silence', 'unknown', 'yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
const inputsDir = fixture('executorch', 'keyword_spotting_inputs');
const expected: Record<string, { int8: number[]; float: number[]; argmax: string }> = JSON.parse(
  fs.readFileSync(path.join(inputsDir, 'expected_outputs_reference.json'), 'utf8'),
);
const bytes = new Uint8Array(fs.readFileSync(KEYWORD_SPOTTING));
const method = readProgram(bytes).methods.find((m) => m.name === 'forward')!;
const inputTensor = method.inputs[0]!.tensor!;

test('the expected-outputs file lists the ten words', (t) => {
  t.deepEqual(Object.keys(expected).sort(), ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes']);
});

for (const word of Object.keys(expected)) {
  test(`KeywordSpotting "${word}": int8 logits and scores exact`, (t) => {
    const input: { label: string; shape: number[]; dtype: string; values: number[] } = JSON.parse(
      fs.readFileSync(path.join(inputsDir, `mfcc_${word}.json`), 'utf8'),
    );
    const raw = fs.readFileSync(path.join(inputsDir, `mfcc_${word}.f32`));
    const f32 = Array.from(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4));
    t.deepEqual(input.values.map(Math.fround), f32, 'the .json and .f32 inputs agree');
    let logits: number[] | null = null;
    const [scores] = referenceRun(bytes, 'forward', [
      { dtype: 'float32', shape: input.shape, dimOrder: inputTensor.dimOrder, data: f32 },
    ], {
      onInstruction: (_chain, _index, op, result) => {
        if (op === 'cortex_m::quantized_linear.out') logits = (result as RefTensor).data as number[];
      },
    });
    const want = expected[word]!;
    t.deepEqual(logits, want.int8);
    t.deepEqual((scores as RefTensor).shape, [1, 12]);
    t.deepEqual((scores as RefTensor).data, want.float);
    const data = (scores as RefTensor).data as number[];
    t.is(LABELS[data.indexOf(Math.max(...data))], want.argmax);
    t.is(want.argmax, input.label);
  });
}
