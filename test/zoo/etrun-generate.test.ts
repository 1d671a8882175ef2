// etrun --generate on the zoo's Llama-style decoder: with the prompt of llama-tokens.test.ts it
// generates the tokens our runtime and the float64 reference generate there, through the
// binary a benchmark run starts, and reports the generation record of the runner contract.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import test from 'ava';
import { etrunBuildPath, validateRunnerResult } from '../../native/runner/index.js';
import { ensureZoo } from '../../program/zoo/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';

const run = promisify(execFile);
const PROMPT = [1, 523, 2047, 88, 3001, 4095];
/** What test/zoo/llama-tokens.test.ts gets from the runtime and the reference for PROMPT. */
const EXPECTED = [3932, 2282, 3950, 1288];

test.serial('llama: etrun --generate 6,4 --prompt ... generates the reference tokens and reports the generation', async (t) => {
  t.timeout(300_000);
  const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: ['llama'], bundled: false });
  for (const [kernels, threads] of [['portable', '1'], ['optimized', '2']] as const) {
    const args = [entry!.pte, '--generate', `${PROMPT.length},${EXPECTED.length}`, '--prompt', PROMPT.join(','),
      '--kernels', kernels, '--threads', threads, '--warmup', '1', '--iterations', '2'];
    const { stdout } = await run(etrunBuildPath(), args, { maxBuffer: 64 << 20, timeout: 280_000 });
    const result = validateRunnerResult(JSON.parse(stdout));
    t.is(result.error, null);
    const g = result.generation!;
    t.deepEqual(g.tokens, EXPECTED, `${kernels} kernels`);
    t.deepEqual(g.prompt, PROMPT);
    t.true(g.repeatable, 'the second repetition, after a KV-cache reset, generated the same tokens');
    t.is(g.vocab_size, 4096);
    t.is(g.max_seq_len, 128);
    // 12 caches (6 layers x k, v) of [1, 2, 128, 64] float32 (docs/zoo.md).
    t.is(g.kv_cache_bytes, 12 * 2 * 128 * 64 * 4);
    t.is(g.ttft_ms.samples.length, 2);
    t.true(g.prefill_tokens_per_s > 0 && g.decode_tokens_per_s! > 0);
    t.is(result.latency_ms!.samples.length, 2 * (EXPECTED.length - 1), 'latency_ms: the decode calls');
    t.log(`${kernels} (${threads} thread(s)): ttft p50 ${g.ttft_ms.p50.toFixed(1)} ms, prefill ${g.prefill_tokens_per_s.toFixed(1)} tok/s, decode ${g.decode_tokens_per_s!.toFixed(1)} tok/s`);
  }
});

test.serial('llama: P + G beyond the cache bound of 128 is a usage error naming the bound', async (t) => {
  t.timeout(120_000);
  const [entry] = ensureZoo({ home: ZOO_TEST_HOME, models: ['llama'], bundled: false });
  const error = await t.throwsAsync(run(etrunBuildPath(), [entry!.pte, '--generate', '100,29'], { maxBuffer: 64 << 20 }));
  const failed = error as Error & { code?: number; stderr?: string; stdout?: string };
  t.is(failed.code, 2);
  t.regex(failed.stderr ?? '', /P \+ G = 129 tokens exceed the cache's bound of 128 positions/);
  t.is(validateRunnerResult(JSON.parse(failed.stdout ?? '')).error?.code, 2);
});
