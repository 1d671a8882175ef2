// `etbench run --trials/--target-ci/--trial-seconds` and `etbench agent --gate/--affinity`, compiled in-process.

import test from 'ava';
import { UsageError, compileRunOptions, parseRunArgs } from '../../cli/index.js';
import { conditionOptions } from '../../cli/farm/agent-conditions.js';
import { DEFAULT_GATES } from '../../agent/trials/index.js';
import { ADD_MODEL, repoRoot } from '../helpers/fixtures.js';

const compile = (argv: string[]) => compileRunOptions(parseRunArgs(['--devices', 'all', '--programs', ADD_MODEL, ...argv]), { cwd: repoRoot, env: { ETBENCH_MCU: '0' } });

test('no trial flags: no policy, so one launch per job as before', (t) => {
  t.is(compile([]).trialPolicy, null);
});

test('--trials N, MIN..MAX and MIN.., --target-ci and --trial-seconds become the run\'s TrialPolicy', (t) => {
  t.deepEqual(compile(['--trials', '5']).trialPolicy, { minTrials: 5, maxTrials: 5, targetCiPct: 0, minSeconds: 0, maxSeconds: 0 });
  t.deepEqual(compile(['--trials', '3..20', '--target-ci', '1']).trialPolicy, { minTrials: 3, maxTrials: 20, targetCiPct: 1, minSeconds: 0, maxSeconds: 0 });
  t.deepEqual(compile(['--trials', '6..', '--target-ci', '0.5%']).trialPolicy, { minTrials: 6, maxTrials: 0, targetCiPct: 0.5, minSeconds: 0, maxSeconds: 0 });
  t.deepEqual(compile(['--target-ci', '2', '--trial-seconds', '1.5..60']).trialPolicy, { minTrials: 1, maxTrials: 0, targetCiPct: 2, minSeconds: 1.5, maxSeconds: 60 });
});

test('bad trial flags are usage errors naming the flag', (t) => {
  t.throws(() => compile(['--trials', '0']), { instanceOf: UsageError, message: /--trials must be at least 1/ });
  t.throws(() => compile(['--trials', 'many']), { instanceOf: UsageError, message: /--trials must be N or MIN\.\.MAX/ });
  t.throws(() => compile(['--trials', '2.5']), { instanceOf: UsageError, message: /--trials must be N or MIN\.\.MAX/ });
  t.throws(() => compile(['--trials', '9..3']), { instanceOf: UsageError, message: /max_trials \(3\) is below min_trials \(9\)/ });
  t.throws(() => compile(['--target-ci', '0']), { instanceOf: UsageError, message: /--target-ci must be a percentage > 0/ });
  t.throws(() => compile(['--trial-seconds', '10..5']), { instanceOf: UsageError, message: /min_seconds \(10\) is above max_seconds \(5\)/ });
});

test('agent --gate and --affinity: defaults, overrides, and usage errors', (t) => {
  const plain = conditionOptions([], undefined);
  t.is(plain.affinity, 'auto');
  t.deepEqual(plain.gates, DEFAULT_GATES);
  const custom = conditionOptions(['host:load=2'], '2,3');
  t.deepEqual(custom.affinity, [2, 3]);
  t.is(custom.gates['host']?.maxLoad, 2);
  t.is(conditionOptions([], 'off').affinity, 'off');
  t.throws(() => conditionOptions(['host:load=lots'], undefined), { instanceOf: UsageError, message: /load must be a number or none/ });
  t.throws(() => conditionOptions([], 'cpu1'), { instanceOf: UsageError, message: /--affinity must be auto, off or CPU numbers/ });
});
