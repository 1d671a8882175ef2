// Greedy generation with the Llama-style decoder: prefill a fixed prompt (T = prompt length,
// positions 0..T-1), then decode one token at a time (T = 1) with the KV cache held in the
// program's mutable buffers. Our runtime (portable kernels; optimized at 2 threads) and the
// float64 reference (a ReferenceSession, whose buffers persist between calls) must generate the
// same tokens, with the logits of every call within the model's tolerance.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { loadProgram, makeTensor, type KernelSetName } from '../../native/node/index.js';
import { ReferenceSession } from '../../program/reference/interpreter.js';
import type { RefTensor } from '../../program/reference/tensor.js';
import { ensureZoo, type ZooEntry } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

const PROMPT = [1, 523, 2047, 88, 3001, 4095];
/** Each new token costs one reference call of ~10-15 s of CPU, decode as much as prefill: every
 * call moves all 15M weights element by element through generic operators (permute, view, mm)
 * and the garbage collector. So the test keeps to a few tokens. */
const NEW_TOKENS = 4;

/** One call of forward(tokens [1, T], input_pos [T]) -> logits of the last position. */
type Step = (tokens: number[], positions: number[]) => ArrayLike<number>;

interface Generation { tokens: number[]; logits: ArrayLike<number>[] }

function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

function generate(step: Step): Generation {
  const logits = [step(PROMPT, PROMPT.map((_, i) => i))];
  const tokens = [argmax(logits[0]!)];
  while (tokens.length < NEW_TOKENS) {
    const pos = PROMPT.length + tokens.length - 1;
    logits.push(step([tokens[tokens.length - 1]!], [pos]));
    tokens.push(argmax(logits[logits.length - 1]!));
  }
  return { tokens, logits };
}

function runtimeStep(pte: string, kernels: KernelSetName, threads: number): { step: Step; close: () => void } {
  const program = loadProgram(pte, { kernels, threads });
  program.loadMethod();
  const step: Step = (tokens, positions) => {
    const [y] = program.run([makeTensor('int64', [1, tokens.length], tokens), makeTensor('int64', [positions.length], positions)]);
    if (y === undefined || y.dtype !== 'float32') throw new Error('forward returned no float32 logits');
    return y.data;
  };
  return { step, close: () => program.close() };
}

function int64(shape: number[], values: number[]): RefTensor {
  return { dtype: 'int64', shape, dimOrder: shape.map((_, i) => i), data: values.map(BigInt) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The gap between the best and second-best logit: how far a token is from flipping. */
function margin(xs: ArrayLike<number>): number {
  const best = argmax(xs);
  let second = -Infinity;
  for (let i = 0; i < xs.length; i++) if (i !== best) second = Math.max(second, xs[i]!);
  return xs[best]! - second;
}

// The reference generation is split into one serial test per call: each takes up to a minute
// on a loaded machine, and AVA stops a run that reports nothing for its global timeout.
let entry: ZooEntry | undefined;
let session: ReferenceSession | undefined;
const reference: Generation = { tokens: [], logits: [] };

function referenceCall(tokens: number[], positions: number[]): void {
  const [y] = session!.run([int64([1, tokens.length], tokens), int64([positions.length], positions)]);
  const logits = (y as RefTensor).data as number[];
  reference.logits.push(logits);
  reference.tokens.push(argmax(logits));
}

test.serial('llama: the float64 reference prefills the prompt', (t) => {
  t.timeout(300_000);
  [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: ['llama'], bundled: false });
  session = new ReferenceSession(new Uint8Array(readFileSync(entry!.pte)), 'forward');
  referenceCall(PROMPT, PROMPT.map((_, i) => i));
  t.is(reference.logits[0]!.length, 4096);
});

for (let k = 1; k < NEW_TOKENS; k++) {
  test.serial(`llama: the float64 reference decodes token ${k + 1} from its KV cache`, (t) => {
    t.timeout(300_000);
    t.is(reference.tokens.length, k, 'the earlier reference calls ran');
    referenceCall([reference.tokens[k - 1]!], [PROMPT.length + k - 1]);
  });
}

test.serial('llama: greedy generation on the runtime gives the reference tokens, with the KV cache carried between calls', (t) => {
  t.timeout(300_000);
  t.is(reference.tokens.length, NEW_TOKENS);
  const { rtol, atol } = entry!.tolerances;
  t.log(`reference: prompt [${PROMPT}] -> [${reference.tokens}] (smallest top-2 margin ${Math.min(...reference.logits.map(margin)).toExponential(2)})`);

  for (const [kernels, threads] of [['portable', 1], ['optimized', 2]] as const) {
    const { step, close } = runtimeStep(entry!.pte, kernels, threads);
    try {
      const ours = generate(step);
      t.deepEqual(ours.tokens, reference.tokens, `${kernels} kernels generated other tokens`);
      ours.logits.forEach((got, i) => {
        const want = reference.logits[i]!;
        t.is(got.length, want.length);
        let ok = true;
        for (let j = 0; j < got.length; j++) ok &&= Math.abs(got[j]! - want[j]!) <= atol + rtol * Math.abs(want[j]!);
        t.true(ok, `${kernels}, call ${i}: max |runtime - reference| ${maxAbsDiff(got, want)} exceeds rtol ${rtol}, atol ${atol}`);
      });
      t.log(`${kernels} (${threads} thread${threads > 1 ? 's' : ''}): [${ours.tokens}], max |logit diff| per call ${ours.logits.map((l, i) => maxAbsDiff(l, reference.logits[i]!).toExponential(2)).join(' ')}`);
    } finally {
      close();
    }
  }

  // The first decode call on a freshly loaded program (no prompt in the cache) gives other
  // logits; since the runtime's decode logits match the reference's, the reference too read the
  // prompt's keys and values from its persistent buffers.
  const fresh = runtimeStep(entry!.pte, 'portable', 1);
  try {
    const alone = fresh.step([reference.tokens[0]!], [PROMPT.length]);
    const moved = maxAbsDiff(alone, reference.logits[1]!);
    t.log(`decode without the prompt's cache differs by up to ${moved.toExponential(2)}`);
    t.true(moved > 1e-2);
  } finally {
    fresh.close();
  }
});
