// bin/etrun.js: the npm-installed `etrun` command forwards to the native binary.

import test from 'ava';
import { validateRunnerResult } from '../../native/runner/index.js';
import { ADD_MODEL } from '../helpers/fixtures.js';
import { describe, runBin } from '../helpers/processes.js';

test.serial('runs etrun with the same arguments and passes its stdout and exit code through', async (t) => {
  const done = await runBin('etrun', [ADD_MODEL, '--iterations', '2']);
  t.is(done.code, 0, describe(done));
  const result = validateRunnerResult(JSON.parse(done.stdout));
  t.is(result.config.iterations, 2);
});

test.serial("etrun's usage error comes back as exit 2", async (t) => {
  const done = await runBin('etrun', [ADD_MODEL, '--no-such-flag']);
  t.is(done.code, 2, describe(done));
  t.regex(done.stderr, /--no-such-flag/);
});

test.serial('--version prints and exits 0', async (t) => {
  const done = await runBin('etrun', ['--version']);
  t.is(done.code, 0, describe(done));
  t.not(done.stdout.trim(), '');
});

test.serial('a missing binary is reported with exit 2 and the fix', async (t) => {
  const done = await runBin('etrun', ['--version'], { ETBENCH_ETRUN: '/nonexistent/etrun' });
  t.is(done.code, 2, describe(done));
  t.regex(done.stderr, /\/nonexistent\/etrun is missing or not executable\. Run `npm run build`/);
});
