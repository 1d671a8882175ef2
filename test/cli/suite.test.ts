// `etbench suite ops` end to end through bin/etbench.js: the written cases run on etrun and
// pass, the manifest lists each with its tolerance, and --check finds no coverage gap.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { buildDist, describe, runBin } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

test.before(() => buildDist());

test.serial('--out DIR --filter writes one .bpte per case and a manifest; each case passes on etrun', async (t) => {
  const dir = await tempDir(t, 'etb-suite-');
  const done = await runBin('etbench', ['suite', 'ops', '--out', dir, '--filter', 'aten::flip']);
  t.is(done.code, 0, describe(done));
  const files = readdirSync(dir).filter((f) => f.endsWith('.bpte')).sort();
  t.true(files.length >= 3, files.join(','));
  t.true(files.every((f) => f.includes('flip')), files.join(','));
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as unknown;
  const text = JSON.stringify(manifest);
  for (const f of files) t.true(text.includes(f), `${f} is in the manifest`);
  for (const f of files.slice(0, 3)) {
    const run = await runBin('etrun', [path.join(dir, f), '--iterations', '1', '--warmup', '0']);
    t.is(run.code, 0, `${f}: ${describe(run)}`);
    const doc = JSON.parse(run.stdout) as { correctness: { pass: boolean }[] };
    t.true(doc.correctness.length > 0 && doc.correctness.every((c) => c.pass), `${f}: ${run.stdout.slice(0, 500)}`);
  }
});

test.serial('--check: every registered (operator, dtype) has its cases', async (t) => {
  const done = await runBin('etbench', ['suite', 'ops', '--check']);
  t.is(done.code, 0, describe(done));
  t.regex(done.stdout, /every registered \(operator, dtype\) has its cases \(\d+ operators\)/);
});

test.serial('usage errors exit 2 naming the problem', async (t) => {
  const noOut = await runBin('etbench', ['suite', 'ops']);
  t.is(noOut.code, 2, describe(noOut));
  t.regex(noOut.stderr, /--out DIR is required/);
  const wrongKind = await runBin('etbench', ['suite', 'zoo', '--out', '/tmp/x']);
  t.is(wrongKind.code, 2, describe(wrongKind));
  t.regex(wrongKind.stderr, /'ops', not 'zoo'/);
});
