// kill -9 of an agent mid-job and of the orchestrator mid-run, with every process separate.
// Exactly one result per job is asserted on the store's unique index, not by counting events.

import path from 'node:path';
import test from 'ava';
import { FarmClient } from '../../cli/farm/client.js';
import { JobState, RunState, type Run } from '../../proto/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, addProgram, openRows, startAgent, startServe, waitFor } from './helpers.js';

// One execute of a 1e5-element add takes about 1 ms on a loaded 2-core machine: jobs of seconds.
const SLOW = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: true, iterations: 1500, minSeconds: 0, inputs: 'random:1' };

function oneAcceptedPerJob(t: import('ava').ExecutionContext, db: string, runId: string): void {
  const rows = openRows(t, db);
  const index = rows.prepare(`SELECT sql FROM sqlite_master WHERE name = 'results_one_accepted'`).get() as { sql: string };
  t.regex(index.sql, /UNIQUE INDEX results_one_accepted ON results \(job_id\) WHERE accepted = 1/);
  const perJob = rows.prepare(`SELECT j.id, j.state, (SELECT COUNT(*) FROM results r WHERE r.job_id = j.id AND r.accepted = 1) AS accepted
    FROM jobs j WHERE j.run_id = ?`).all(runId) as { id: string; state: string; accepted: number }[];
  for (const j of perJob) t.is(j.accepted, j.state === 'done' ? 1 : 0, `${j.id} ${j.state}`);
}

async function leasedJob(client: FarmClient, runId: string): Promise<Run['jobs'][number]> {
  return waitFor('the job to be leased', async () => (await client.getRun(runId)).jobs.find((j) => j.state === JobState.JOB_STATE_LEASED));
}

test.serial('kill -9 of the agent running a pool job: the lease expires and the job completes on the other agent', async (t) => {
  const dir = await tempDir(t, 'etbench-recovery-');
  const db = path.join(dir, 'farm.db');
  const serve = await startServe(t, db);
  const agents = { p1: startAgent(t, serve.address, 'agent-p1', ['p1'], path.join(dir, 'c1')), p2: startAgent(t, serve.address, 'agent-p2', ['p2'], path.join(dir, 'c2')) };
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  await waitFor('two devices', async () => (await client.devices()).filter((d) => d.state === 1).length === 2);
  const program = await client.uploadProgram(addProgram(dir, 'slow.pte', 100_000));
  const run = await client.submit({ programs: [program], devices: ['any:kind=host'], configs: [SLOW], maxAttempts: 3 });
  t.is(run.total, 1);
  const first = await leasedJob(client, run.id);
  const victim = first.deviceId as 'p1' | 'p2';
  // Let it get into etrun, then kill the agent without any chance to say goodbye.
  await new Promise((r) => setTimeout(r, 500));
  agents[victim].child.kill('SIGKILL');
  const final = await client.watch(run.id);
  const job = final.jobs[0]!;
  t.is(job.state, JobState.JOB_STATE_DONE, job.reason);
  t.is(job.attempt, 2);
  t.is(job.deviceId, victim === 'p1' ? 'p2' : 'p1');
  t.is(job.result?.samplesMs.length, 1500);
  oneAcceptedPerJob(t, db, run.id);
});

test.serial('kill -9 of the only agent of a bound job with one attempt: the job fails with the reason, the run ends', async (t) => {
  const dir = await tempDir(t, 'etbench-recovery-');
  const db = path.join(dir, 'farm.db');
  const serve = await startServe(t, db);
  const agent = startAgent(t, serve.address, 'lonely', ['solo'], path.join(dir, 'c'));
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  await waitFor('the device', async () => (await client.devices()).length === 1);
  const program = await client.uploadProgram(addProgram(dir, 'slow.pte', 100_000));
  const run = await client.submit({ programs: [program], devices: ['solo'], configs: [SLOW], maxAttempts: 1 });
  await leasedJob(client, run.id);
  agent.child.kill('SIGKILL');
  const final = await client.watch(run.id);
  t.is(final.state, RunState.RUN_STATE_DONE);
  t.is(final.jobs[0]?.state, JobState.JOB_STATE_FAILED);
  t.regex(final.jobs[0]?.reason ?? '', /lease expired: agent lonely went silent .* no attempts left \(1\)/);
  oneAcceptedPerJob(t, db, run.id);
});

test.serial('kill -9 of the orchestrator mid-run and a restart on the same store: the run completes', async (t) => {
  const dir = await tempDir(t, 'etbench-recovery-');
  const db = path.join(dir, 'farm.db');
  const serve = await startServe(t, db, 0, ['--lease-ms', '4000']);
  startAgent(t, serve.address, 'r1', ['r1'], path.join(dir, 'c1'));
  startAgent(t, serve.address, 'r2', ['r2'], path.join(dir, 'c2'));
  const client = new FarmClient(serve.address, TOKENS.submit);
  await waitFor('two devices', async () => (await client.devices()).filter((d) => d.state === 1).length === 2);
  const programs = await Promise.all([50_000, 60_000, 70_000].map((n, i) => client.uploadProgram(addProgram(dir, `p${i}.pte`, n))));
  const run = await client.submit({ programs, devices: ['all'], configs: [{ ...SLOW, iterations: 600 }] });
  t.is(run.total, 6);
  await waitFor('a finished job', async () => (await client.getRun(run.id)).done >= 1, 60_000);
  // The watch outlives the orchestrator: it waits for it to come back on the same address.
  const watched = client.watch(run.id);
  serve.child.kill('SIGKILL');
  await serve.exited;
  await startServe(t, db, serve.port, ['--lease-ms', '4000']);
  t.teardown(() => client.close());
  const final = await watched;
  t.is(final.state, RunState.RUN_STATE_DONE);
  t.is(final.done, 6, JSON.stringify(final.jobs.map((j) => [j.id, j.state, j.reason])));
  oneAcceptedPerJob(t, db, run.id);
});
