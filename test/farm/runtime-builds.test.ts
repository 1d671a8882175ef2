// Runtime builds as artifacts: a run that names an uploaded build runs that binary on devices
// of its ABI (the result names the build by its hash), other ABIs are unschedulable, and the
// build is recorded by git hash and ABI (store migration 2).

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { FarmClient } from '../../cli/farm/client.js';
import { etrunBuildPath } from '../../native/runner/index.js';
import { JobState, ResultStatus } from '../../proto/index.js';
import type { JsonRunDocument } from '../../cli/index.js';
import { BUNDLED } from '../helpers/fixtures.js';
import { buildDist, describe, runBin } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, addProgram, openRows, startAgent, startServe, waitFor } from './helpers.js';

const CONFIG = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 2, minSeconds: 0, inputs: 'random:1' };
const ABI = `${process.platform}-${process.arch}`;

test('jobs run the uploaded runtime build on devices of its ABI; the build is recorded by git hash', async (t) => {
  const dir = await tempDir(t, 'etbench-runtime-');
  const db = path.join(dir, 'farm.db');
  const serve = await startServe(t, db);
  startAgent(t, serve.address, 'rt', ['rt1'], path.join(dir, 'c'));
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  await waitFor('the device online', async () => (await client.devices()).some((d) => d.id === 'rt1' && d.state === 1));
  const program = await client.uploadProgram(addProgram(dir, 'p.pte', 16));

  // A "build" that answers --capabilities like etrun and then crashes: its signature is the
  // proof that this binary, not the agent's own etrun, ran the job.
  const fake = path.join(dir, 'etrun-bisect');
  writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "--capabilities" ]; then exec ${JSON.stringify(etrunBuildPath('release'))} --capabilities; fi\nkill -SEGV $$\n`);
  chmodSync(fake, 0o755);
  const info = await client.uploadBytes(readFileSync(fake), 'etrun-bisect', 'runtime');
  const build = { sha256: info.sha256, abi: ABI, git: 'deadbeef', version: '0.1.0', build: 'release', capabilities: undefined };

  const withBuild = await client.watch((await client.submit({ programs: [program], devices: ['rt1'], configs: [CONFIG], runtime: build })).id);
  const job = withBuild.jobs[0]!;
  t.is(job.result?.status, ResultStatus.RESULT_STATUS_CRASHED);
  t.is(job.result?.signal, 'SIGSEGV');
  t.is(job.result?.runtime?.sha256, info.sha256);
  t.is(job.runtime?.git, 'deadbeef');

  const own = await client.watch((await client.submit({ programs: [program], devices: ['rt1'], configs: [CONFIG] })).id);
  t.is(own.jobs[0]?.result?.status, ResultStatus.RESULT_STATUS_OK);
  t.is(own.jobs[0]?.result?.runtime?.sha256, '');

  const conflicting = await t.throwsAsync<import('@grpc/grpc-js').ServiceError>(client.submit({ programs: [program], devices: ['rt1'], configs: [CONFIG], runtime: { ...build, abi: 'android-arm64-v8a' } }));
  t.regex(conflicting?.details ?? '', new RegExp(`is recorded as git deadbeef for ${ABI}, not git deadbeef for android-arm64-v8a`));
  const android = await client.uploadBytes(Buffer.from('not a linux binary'), 'etrun-android', 'runtime');
  const elsewhere = await client.submit({ programs: [program], devices: ['rt1'], configs: [CONFIG], runtime: { ...build, sha256: android.sha256, abi: 'android-arm64-v8a' } });
  t.is(elsewhere.jobs[0]?.state, JobState.JOB_STATE_UNSCHEDULABLE);
  t.regex(elsewhere.jobs[0]?.reason ?? '', new RegExp(`device rt1 is ${ABI}; runtime build ${android.sha256.slice(0, 12)} is for android-arm64-v8a`));

  const rows = openRows(t, db);
  t.deepEqual(rows.prepare('SELECT version FROM schema_version WHERE version <= 2 ORDER BY version').all(), [{ version: 1 }, { version: 2 }]);
  t.deepEqual(rows.prepare('SELECT git, abi FROM runtime_builds ORDER BY abi').all(), [{ git: 'deadbeef', abi: 'android-arm64-v8a' }, { git: 'deadbeef', abi: ABI }]);
});

test('etbench run --runtime matches programs against the uploaded build\'s capabilities, not the device\'s runtime', async (t) => {
  buildDist();
  const dir = await tempDir(t, 'etbench-runtime-caps-');
  // A build that answers --capabilities with an empty portable kernel set: nothing can run on it,
  // although the host's own etrun runs the program.
  const fake = path.join(dir, 'etrun-bare');
  const caps = { runtime: { version: '0.0.1', git: 'cafe', isa: [], build: 'release' }, kernel_sets: [{ name: 'portable', operators: [] }], backends: [] };
  writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "--capabilities" ]; then echo '${JSON.stringify(caps)}'; exit 0; fi\nexit 9\n`);
  chmodSync(fake, 0o755);
  const done = await runBin('etbench', ['run', '--devices', 'all', '--programs', BUNDLED, '--runtime', fake, '--format', 'json'], { ETBENCH_HOME: dir });
  t.is(done.code, 1, describe(done));
  const [run] = (JSON.parse(done.stdout) as JsonRunDocument).runs;
  t.regex(run?.problem ?? '', /runtime build [0-9a-f]{12} \(portable kernels\) lacks operators aten::/, done.stdout);
  const own = await runBin('etbench', ['run', '--devices', 'all', '--programs', BUNDLED, '--format', 'json'], { ETBENCH_HOME: dir });
  t.is(own.code, 0, describe(own));
});
