// The 2-minute smoke of `npm run bench:regressions`: real etrun launches with injected slowdowns.
// It asserts the document's shape, that the knob really slows (measured ratio of the 10 % arm),
// and that the detector finds 10 % in at least half the repetitions while calling at most half
// of the unchanged ones regressions. A detector that never fires, or always fires, fails; the
// noise of a loaded 2-core machine (trial spread of a few percent) does not.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';

test('bench:regressions --smoke writes detection rates and finds a 10 % slowdown', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'etbench-bench-regressions-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'out.json');
  const started = Date.now();
  const done = spawnSync(process.execPath, ['--import=tsx', 'bench/regressions.ts', '--smoke', '--json', file], { encoding: 'utf8', timeout: 180_000 });
  t.is(done.status, 0, done.stderr);
  t.true(Date.now() - started < 150_000, `smoke took ${(Date.now() - started) / 1000} s`);
  const out = JSON.parse(await readFile(file, 'utf8')) as {
    detection: Record<string, number>; false_positive_rate: number; median_spread_pct: number; repetitions: number;
    measured_ratio: Record<string, number>; parameters: { trials: number; smoke: boolean }; raw: { baseline: number[]; candidates: Record<string, number[]> }[];
    rules: { name: string; detection: Record<string, number> }[]; verdicts: Record<string, string>[];
  };
  t.deepEqual(Object.keys(out.detection).sort(), ['10', '2', '5']);
  for (const rate of [...Object.values(out.detection), out.false_positive_rate]) t.true(rate >= 0 && rate <= 1);
  t.true(Number.isFinite(out.median_spread_pct) && out.median_spread_pct >= 0);
  t.true(out.parameters.smoke);
  t.true(out.repetitions >= 2, `${out.repetitions} repetitions`);
  t.is(out.raw.length, out.repetitions);
  for (const rep of out.raw) {
    t.is(rep.baseline.length, out.parameters.trials);
    t.deepEqual(Object.keys(rep.candidates).sort(), ['0', '10', '2', '5']);
  }
  t.true(out.rules.length > 0);
  // The knob itself: 10 % injected shows as at least 5 % slower. (No upper bound: on a machine
  // loaded far beyond its cores, the longer executes are preempted more often and a slowed arm
  // can measure well above its nominal slowdown.)
  t.true(out.measured_ratio['10']! > 1.05, `10 % arm measured at ${out.measured_ratio['10']}`);
  const why = `verdicts per repetition ${JSON.stringify(out.verdicts)}, measured ratios ${JSON.stringify(out.measured_ratio)}`;
  t.true(out.detection['10']! >= 0.5, `10 % detected in ${out.detection['10']} of repetitions; ${why}`);
  t.true(out.false_positive_rate <= 0.5, `false positive rate ${out.false_positive_rate}; ${why}`);
});
