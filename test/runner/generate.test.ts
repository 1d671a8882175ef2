// etrun --generate P,G on small language-model-shaped programs written by ProgramBuilder:
// forward(tokens [1, T], input_pos [T]) -> logits [1, V], with one mutable buffer standing in
// for the KV cache. Each call adds a constant row to the buffer and returns it, so the argmax
// (the next token) depends on how many calls ran since the buffer was last reset: after k
// calls the logits are [k, 2.5 + k/2, -10, -10], token 1 while k < 5 and token 0 from k = 5
// (the first maximum wins the tie). A runner that did not reset the buffer between
// repetitions, or did not carry it between the calls of one, generates other tokens.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ProgramBuilder } from '../../program/index.js';
import { ADD_MODEL } from '../helpers/fixtures.js';
import { etrunChecked as etrun } from '../program/etrun.js';

const BOUND = 8;

type Finished = ReturnType<typeof etrun>;

const show = (r: Finished): string => `exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`;

/** The counting decoder; `startPos` makes input_pos a [1] start position instead of [T];
 * `maxSeqLen` adds the metadata method ExecuTorch's LLM export has. */
function counter(startPos = false, maxSeqLen?: number): Uint8Array {
  const b = new ProgramBuilder();
  if (maxSeqLen !== undefined) {
    const meta = b.method('get_max_seq_len');
    meta.output(meta.int(maxSeqLen));
  }
  const m = b.method('forward');
  m.input({ dtype: 'int64', shape: [1, BOUND], dynamism: 'dynamic_bound' });
  m.input(startPos ? { dtype: 'int64', shape: [1] } : { dtype: 'int64', shape: [BOUND], dynamism: 'dynamic_bound' });
  const cache = m.mutable({ dtype: 'float32', shape: [1, 4], initial: [0, 2.5, -10, -10], name: 'layers.0.kv_cache' });
  const step = m.constant({ dtype: 'float32', shape: [1, 4], data: [1, 0.5, 0, 0] });
  m.call('aten::add.out', { self: cache, other: step, out: cache });
  m.output(m.call('aten::mul.Scalar_out', { self: cache, other: 1 }));
  return b.build().pte;
}

async function written(t: ExecutionContext, bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-generate-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'lm.pte');
  await writeFile(file, bytes);
  return file;
}

test('each repetition starts from the cache at load and carries it between its calls', async (t) => {
  const file = await written(t, counter());
  // Warmup repetitions first: without a reset the first timed one would start at k = 4.
  const r = etrun([file, '--generate', '2,3', '--warmup', '2', '--iterations', '3']);
  t.is(r.code, 0, show(r));
  const g = r.doc!.generation!;
  t.deepEqual(g.tokens, [1, 1, 1]);
  t.true(g.repeatable);
  t.is(g.kv_cache_bytes, 16, 'one float32 [1, 4] buffer');
  t.is(g.vocab_size, 4);
  t.is(g.max_seq_len, BOUND);
  t.is(g.prompt.length, 2);
  t.true(g.prompt.every((id) => Number.isInteger(id) && id >= 0 && id < 4), `prompt ${g.prompt} within the vocabulary`);
  t.is(g.ttft_ms.samples.length, 3, 'one time to first token per timed repetition');
  t.true(g.ttft_ms.p50 > 0 && g.ttft_ms.p90 >= g.ttft_ms.p50);
  t.true(Math.abs(g.prefill_tokens_per_s - 2 / (g.ttft_ms.p50 / 1000)) < 1e-6 * g.prefill_tokens_per_s, 'P / median ttft');
  t.true(g.decode_tokens_per_s! > 0);
  // latency_ms holds the decode calls: G - 1 per timed repetition.
  t.is(r.doc!.latency_ms!.samples.length, 3 * 2);
  t.is(r.doc!.sustained, null);

  // Six calls in one repetition reach k = 5 and 6: the state moved from call to call.
  const long = etrun([file, '--generate', `2,${BOUND - 2}`, '--warmup', '0', '--iterations', '2']);
  t.is(long.code, 0, show(long));
  t.deepEqual(long.doc!.generation!.tokens, [1, 1, 1, 1, 0, 0]);
  t.true(long.doc!.generation!.repeatable);
});

test('the prompt is seeded: the same seed gives the same prompt, another seed another one', async (t) => {
  const file = await written(t, counter());
  const prompt = (seed: number): number[] => {
    const r = etrun([file, '--generate', '6,1', '--inputs', `random:${seed}`, '--warmup', '0', '--iterations', '1']);
    t.is(r.code, 0, show(r));
    t.is(r.doc!.config.inputs, `random:${seed}`);
    t.is(r.doc!.generation!.decode_tokens_per_s, null, 'one generated token: no decode call');
    return r.doc!.generation!.prompt;
  };
  t.deepEqual(prompt(7), prompt(7));
  t.notDeepEqual(prompt(7), prompt(8));
  const given = etrun([file, '--generate', '3,2', '--prompt', '3,0,2', '--warmup', '0', '--iterations', '1']);
  t.is(given.code, 0, show(given));
  t.deepEqual(given.doc!.generation!.prompt, [3, 0, 2]);
});

test('a method whose input_pos is a [1] start position is driven too', async (t) => {
  const r = etrun([await written(t, counter(true)), '--generate', '4,3', '--warmup', '0', '--iterations', '1']);
  t.is(r.code, 0, show(r));
  t.deepEqual(r.doc!.generation!.tokens, [1, 1, 1]);
});

test('a get_max_seq_len() method sets the bound on P + G', async (t) => {
  const file = await written(t, counter(false, 6));
  const ok = etrun([file, '--generate', '2,4', '--warmup', '0', '--iterations', '1']);
  t.is(ok.code, 0, show(ok));
  t.is(ok.doc!.generation!.max_seq_len, 6);
  t.deepEqual(ok.doc!.generation!.tokens, [1, 1, 1, 1]);
  const over = etrun([file, '--generate', '2,5']);
  t.is(over.code, 2, show(over));
  t.regex(over.stderr, /P \+ G = 7 tokens exceed the cache's bound of 6 positions \(get_max_seq_len\(\)\)/);
});

test('P + G beyond the bound, a prompt too long for one call, a token outside the vocabulary: exit 2', async (t) => {
  const file = await written(t, counter());
  const over = etrun([file, '--generate', '3,6']);
  t.is(over.code, 2, show(over));
  t.regex(over.stderr, /P \+ G = 9 tokens exceed the cache's bound of 8 positions/);
  t.is(over.doc!.error!.code, 2);
  t.is(over.doc!.generation, null);
  const long = etrun([file, '--generate', '9,1']);
  t.is(long.code, 2, show(long));
  t.regex(long.stderr, /prompt of 9 tokens does not fit one prefill call: 'forward' takes at most 8/);
  const oov = etrun([file, '--generate', '2,1', '--prompt', '1,4']);
  t.is(oov.code, 2, show(oov));
  t.regex(oov.stderr, /prompt token 4 is outside the vocabulary of 4/);
});

test('a program that is not a language model is refused with exit 2, naming what does not fit', (t) => {
  const r = etrun([ADD_MODEL, '--generate', '4,4']);
  t.is(r.code, 2, show(r));
  t.regex(r.stderr, /--generate needs a language model's method .*'forward' (takes \d input\(s\), not 2|has input 0 float32)/);
  t.is(r.doc!.error!.name, 'InvalidArgument');
});

test('flags that do not combine with --generate are usage errors', async (t) => {
  const file = await written(t, counter());
  for (const [extra, message] of [
    [['--sustained', '1'], /--generate and --sustained do not combine/],
    [['--profile'], /--profile does not combine with --generate/],
    [['--inputs', 'bundled'], /--inputs bundled does not apply/],
    [['--prompt', '1,2,3'], /--prompt has 3 tokens but --generate asks for a prompt of 2/],
  ] as const) {
    const r = etrun([file, '--generate', '2,2', ...extra]);
    t.is(r.code, 2, show(r));
    t.regex(r.stderr, message);
  }
  for (const bad of ['2', '0,3', '2,x', '2,,3']) {
    const r = etrun([file, '--generate', bad]);
    t.is(r.code, 2, show(r));
    t.regex(r.stderr, /invalid value for --generate/);
  }
  const orphan = etrun([file, '--prompt', '1,2']);
  t.is(orphan.code, 2);
  t.regex(orphan.stderr, /--prompt needs --generate/);
});
