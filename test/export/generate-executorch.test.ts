// etrun --generate on a decoder exported by ExecuTorch's own pipeline (test/export/tiny_lm.py):
// with the exporter's defaults the KV cache is a mutated buffer with neither an initial value
// nor a name, so etrun finds it from the instruction stream (read before written). Its greedy
// tokens must be eager PyTorch's from a fresh cache, with a warmup repetition run first (a
// runner that did not reset the cache would generate the "stale" tokens), and the reported
// KV-cache memory must be that one buffer.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { repoRoot } from '../helpers/fixtures.js';
import { etrun, PYTHON, withPython } from './helpers.js';

const SCRIPT = path.join(repoRoot, 'test', 'export', 'tiny_lm.py');

withPython('etrun --generate on an ExecuTorch export', () => {
  test('greedy tokens equal eager PyTorch, the cache is found and reset between repetitions', async (t) => {
    t.timeout(600_000);
    const dir = await mkdtemp(path.join(tmpdir(), 'etbench-tiny-lm-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const pte = path.join(dir, 'tiny_lm.pte');
    const prompt = [1, 2, 3, 4];
    const made = spawnSync(PYTHON, [SCRIPT, pte, prompt.join(','), '8'], { encoding: 'utf8', timeout: 580_000 });
    t.is(made.status, 0, made.stderr.slice(-3000));
    const eager = JSON.parse(made.stdout.trim().split('\n').at(-1)!) as { tokens: number[]; stale: number[]; cache_bytes: number };
    t.notDeepEqual(eager.stale, eager.tokens, 'the model is sensitive to rows left in the cache');

    const r = etrun(pte, ['--generate', `${prompt.length},8`, '--prompt', prompt.join(','), '--warmup', '1', '--iterations', '2']);
    t.is(r.code, 0, r.stderr);
    const g = r.result!.generation!;
    t.deepEqual(g.tokens, eager.tokens);
    t.true(g.repeatable);
    t.is(g.kv_cache_bytes, eager.cache_bytes, 'the cache buffer only, not the activations its views share');
    t.is(g.vocab_size, 32);
    t.is(g.max_seq_len, 16);
  });
});
