// `etbench run --trials` end to end through bin/etbench.js (embedded farm, real etrun): the JSON
// report's runner document carries the trials, stays valid against the runner schema, and its
// p50 is the median of the trial medians.

import test from 'ava';
import type { JsonRunDocument } from '../../cli/index.js';
import { validateRunnerResult } from '../../native/runner/index.js';
import { BUNDLED } from '../helpers/fixtures.js';
import { buildDist, describe, runBin } from '../helpers/processes.js';

test.before(() => buildDist());

test.serial('--trials 3 launches etrun three times per job; the report shows every trial', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', BUNDLED, '--iterations', '4', '--warmup', '1', '--trials', '3', '--format', 'json']);
  t.is(done.code, 0, describe(done));
  const run = (JSON.parse(done.stdout) as JsonRunDocument).runs[0]!;
  t.is(run.status, 'OK');
  t.deepEqual(validateRunnerResult(run.result), run.result);
  const trials = run.result!.trials as { index: number; samples_ms: number[]; median_ms: number }[];
  t.deepEqual(trials.map((x) => [x.index, x.samples_ms.length]), [[0, 4], [1, 4], [2, 4]]);
  const medians = trials.map((x) => x.median_ms).sort((a, b) => a - b);
  t.is(run.result!.latency_ms!.p50, medians[1]!);
  t.is(run.result!.latency_ms!.samples.length, 12);
  t.truthy(run.result!.conditions, 'the first trial\'s conditions are in the document');
});

test.serial('a malformed --trials is a usage error (exit 2) naming the flag', async (t) => {
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', BUNDLED, '--trials', '3..x']);
  t.is(done.code, 2, describe(done));
  t.regex(done.stderr, /--trials must be N or MIN\.\.MAX/);
});
