// Bounds and bad input at the farm's edges, with the orchestrator and agents as processes: a
// runaway program is stopped by the time bound and a memory hog by the memory bound; a crashing
// runtime is reported with its signal and the agent carries on; corrupt and truncated uploads
// are rejected (and a truncated one resumes).

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { status, type ServiceError } from '@grpc/grpc-js';
import { FarmClient } from '../../cli/farm/client.js';
import { etrunBuildPath } from '../../native/runner/index.js';
import { sha256Of } from '../../orchestrator/index.js';
import { JobState, ResultStatus } from '../../proto/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, addProgram, startAgent, startServe, waitFor } from './helpers.js';

const CONFIG = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: 'random:1' };

test('a runaway program is stopped by the time bound, a memory hog by the memory bound', async (t) => {
  const dir = await tempDir(t, 'etbench-bounds-');
  const serve = await startServe(t, path.join(dir, 'farm.db'));
  const agent = startAgent(t, serve.address, 'bounded', ['b1'], path.join(dir, 'c'));
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  await waitFor('the device', async () => (await client.devices()).length === 1);

  const slow = await client.uploadProgram(addProgram(dir, 'runaway.pte', 100_000));
  const started = Date.now();
  const runaway = await client.watch((await client.submit({
    programs: [slow], devices: ['b1'], configs: [{ ...CONFIG, iterations: 10_000_000 }], timeoutMs: 1500,
  })).id);
  const job = runaway.jobs[0]!;
  t.is(job.state, JobState.JOB_STATE_FAILED);
  t.is(job.result?.status, ResultStatus.RESULT_STATUS_TIMED_OUT);
  t.is(job.result?.signal, 'SIGTERM');
  t.regex(job.reason, /the job's time bound of 1\.5 s ran out: .*timed out after 1\.\d+ s/);
  t.true(Date.now() - started < 20_000);

  // 100M float32 elements: 400 MB of input and as much planned output, under a 256 MiB bound.
  const hog = await client.uploadProgram(addProgram(dir, 'hog.pte', 100_000_000));
  const hogged = await client.watch((await client.submit({
    programs: [hog], devices: ['b1'], configs: [{ ...CONFIG, iterations: 1 }], memoryLimitBytes: 256 * 1024 * 1024,
  })).id);
  const hogJob = hogged.jobs[0]!;
  t.is(hogJob.state, JobState.JOB_STATE_FAILED);
  t.is(hogJob.result?.status, ResultStatus.RESULT_STATUS_MEMORY_LIMIT, `${hogJob.result?.problem}`);
  t.is(agent.child.exitCode, null, 'the agent survives both');
});

test('a runtime crash is a result naming the signal, and the agent takes the next job', async (t) => {
  const dir = await tempDir(t, 'etbench-bounds-');
  const fake = path.join(dir, 'etrun-crash.sh');
  writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "--capabilities" ]; then exec ${JSON.stringify(etrunBuildPath('release'))} --capabilities; fi\nkill -SEGV $$\n`);
  chmodSync(fake, 0o755);
  const serve = await startServe(t, path.join(dir, 'farm.db'));
  // The agent's host driver runs whatever ETBENCH_ETRUN names.
  const crashy = startAgent(t, serve.address, 'crashy', ['k1'], path.join(dir, 'c'), [], { ETBENCH_ETRUN: fake });
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  await waitFor('the device online', async () => (await client.devices()).some((d) => d.id === 'k1' && d.state === 1));
  const programs = await Promise.all([1, 2].map((i) => client.uploadProgram(addProgram(dir, `p${i}.pte`, 10 + i))));
  const run = await client.watch((await client.submit({ programs, devices: ['k1'], configs: [CONFIG] })).id);
  t.is(run.jobs.length, 2);
  for (const job of run.jobs) {
    t.is(job.result?.status, ResultStatus.RESULT_STATUS_CRASHED);
    t.is(job.result?.signal, 'SIGSEGV');
    t.regex(job.reason, /crashed with SIGSEGV/);
  }
  t.is(crashy.child.exitCode, null);
});

test('corrupt and truncated uploads are rejected; a truncated upload resumes where it stopped', async (t) => {
  const dir = await tempDir(t, 'etbench-bounds-');
  const serve = await startServe(t, path.join(dir, 'farm.db'));
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  const data = readFileSync(addProgram(dir, 'x.pte', 4));
  const sha = sha256Of(data);

  const corrupt = Buffer.from(data);
  corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
  const bad = await t.throwsAsync<ServiceError>(client.uploadChunks(sha, corrupt, 0, corrupt.length, 'x.pte'));
  t.is(bad?.code, status.INVALID_ARGUMENT);
  t.regex(bad?.details ?? '', /upload rejected: content hashes to [0-9a-f]{64}, not the declared/);

  const half = data.subarray(0, 500);
  const cut = await t.throwsAsync<ServiceError>(client.uploadChunks(sha, half, 0, data.length, 'x.pte'));
  t.is(cut?.code, status.INVALID_ARGUMENT);
  t.regex(cut?.details ?? '', new RegExp(`truncated: 500 of ${data.length} bytes`));
  const notThere = await t.throwsAsync<ServiceError>(client.submit({ programs: [{ sha256: sha, name: 'x.pte', size: 0, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' }], devices: ['all'] }));
  t.is(notThere?.code, status.NOT_FOUND);

  // uploadBytes asks for the status, then sends only the rest.
  const info = await client.uploadBytes(data, 'x.pte');
  t.is(info.sha256, sha);
  const wrongOffset = await t.throwsAsync<ServiceError>(client.uploadChunks(sha256Of(Buffer.from('zz')), Buffer.from('zz'), 1, 2, 'z'));
  t.regex(wrongOffset?.details ?? '', /at offset 1, but 0 bytes are received/);
});
