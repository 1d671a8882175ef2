// etrun --inject-slowdown PCT (validation only): each execute busy-waits PCT % of its own time,
// the JSON config records it, and bad values are usage errors (exit 2).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { RUNNER_EXIT_CODES, etrunBuildPath, validateRunnerResult } from '../../native/runner/index.js';
import { regressionProgram } from '../../bench/regressions-program.js';

const ETRUN = etrunBuildPath('release');

function run(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(ETRUN)) throw new Error(`${ETRUN} does not exist. Run \`npm run build\``);
  const r = spawnSync(ETRUN, args, { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--inject-slowdown slows each execute by about PCT percent and says so in config', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-slowdown-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const program = path.join(dir, 'chain.pte');
  await writeFile(program, regressionProgram());
  const fastest = (pct: number): number => {
    const done = run([program, '--warmup', '5', '--iterations', '150', ...(pct > 0 ? ['--inject-slowdown', String(pct)] : [])]);
    t.is(done.code, RUNNER_EXIT_CODES.OK, done.stderr);
    const result = validateRunnerResult(JSON.parse(done.stdout));
    t.is(result.config.inject_slowdown_pct, pct);
    // The fastest sample: on a busy machine other processes only ever add time, so the minimum is
    // the cleanest view of the execute itself (and of the busy-wait that scales with it).
    return result.latency_ms!.min;
  };
  // Interleaved, best of three each, so a burst of load on the machine hits both sides.
  const plain: number[] = [];
  const slowed: number[] = [];
  for (let i = 0; i < 3; i++) {
    plain.push(fastest(0));
    slowed.push(fastest(50));
  }
  const ratio = Math.min(...slowed) / Math.min(...plain);
  t.true(ratio > 1.35 && ratio < 1.7, `50 % slowdown measured as ${ratio.toFixed(3)}x`);
});

test('--inject-slowdown rejects bad values with exit 2 naming the flag', (t) => {
  for (const bad of ['-1', 'abc', '1001', '']) {
    const done = run(['/nonexistent.pte', `--inject-slowdown=${bad}`]);
    t.is(done.code, RUNNER_EXIT_CODES.USAGE, `value '${bad}': ${done.stderr}`);
    t.regex(done.stderr, /--inject-slowdown/);
  }
  const help = run(['--help']);
  t.regex(help.stdout, /--inject-slowdown PCT\s+VALIDATION ONLY/);
});
