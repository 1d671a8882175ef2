// Orchestrator and agents as separate OS processes on loopback: several agents with several
// devices complete a run with exact accounting asserted on the store's rows; an unschedulable
// program is reported; wrong tokens, missing scopes and an incompatible protocol are refused.

import path from 'node:path';
import test from 'ava';
import { Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { FarmClient } from '../../cli/farm/client.js';
import { ensureStarterSuite } from '../../program/index.js';
import { AgentServiceClient, JobState, RunState, channelOptions, type OrchestratorMessage } from '../../proto/index.js';
import { writeVendorProgram } from '../helpers/vendor-program.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, openRows, startAgent, startServe, waitFor } from './helpers.js';

const ITERATIONS = 5;

test.serial('three agents with two devices each complete a run; every job has exactly one accepted result and its samples', async (t) => {
  const dir = await tempDir(t, 'etbench-farm-');
  const db = path.join(dir, 'farm.db');
  const serve = await startServe(t, db);
  const agents = [1, 2, 3].map((i) => startAgent(t, serve.address, `agent${i}`, [`a${i}-d1`, `a${i}-d2`], path.join(dir, `cache${i}`)));
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  await waitFor('six devices online', async () => (await client.devices()).filter((d) => d.state === 1).length === 6);

  const suite = await ensureStarterSuite(path.join(dir, 'suite'));
  const programs = await Promise.all(suite.map((f) => client.uploadProgram(f)));
  const unsupported = await client.uploadProgram(await writeVendorProgram(dir));
  const run = await client.submit({
    programs: [...programs, unsupported], devices: ['kind=host'],
    configs: [{ kernels: 'portable', backends: [], threads: 0, warmup: 1, hasWarmup: true, iterations: ITERATIONS, minSeconds: 0, inputs: '' }],
  });
  const perDevice = programs.length + 1;
  t.is(run.total, 6 * perDevice);
  const final = await client.watch(run.id);
  t.is(final.state, RunState.RUN_STATE_DONE);
  t.is(final.done, 6 * programs.length, JSON.stringify(final.jobs.filter((j) => j.state !== JobState.JOB_STATE_DONE).map((j) => [j.deviceId, j.reason])));
  t.is(final.unschedulable, 6);
  for (const job of final.jobs.filter((j) => j.state === JobState.JOB_STATE_UNSCHEDULABLE)) {
    t.regex(job.reason, /lacks delegates VendorBackend/);
    t.is(job.program?.name, 'vendor.pte');
  }
  for (const job of final.jobs.filter((j) => j.state === JobState.JOB_STATE_DONE)) {
    t.is(job.stats?.n, job.result?.samplesMs.length);
    t.true((job.stats?.p50 ?? 0) > 0);
    t.true(job.result?.correctnessPassed);
  }

  // Exact accounting on the rows themselves.
  const rows = openRows(t, db);
  const jobs = rows.prepare(`SELECT state, COUNT(*) AS n FROM jobs WHERE run_id = ? GROUP BY state ORDER BY state`).all(run.id);
  t.deepEqual(jobs, [{ state: 'done', n: 6 * programs.length }, { state: 'unschedulable', n: 6 }]);
  t.deepEqual(rows.prepare(`SELECT DISTINCT attempt FROM jobs WHERE run_id = ? AND state = 'done'`).all(run.id), [{ attempt: 1 }]);
  const results = rows.prepare(`SELECT r.job_id, r.accepted, j.device_id, r.device_id AS ran_on FROM results r JOIN jobs j ON j.id = r.job_id WHERE j.run_id = ?`).all(run.id) as
    { job_id: string; accepted: number; device_id: string; ran_on: string }[];
  t.is(results.length, 6 * programs.length);
  t.true(results.every((r) => r.accepted === 1 && r.device_id === r.ran_on));
  t.is(new Set(results.map((r) => r.job_id)).size, results.length);
  const perDeviceRows = rows.prepare(`SELECT lease_device AS device, COUNT(*) AS n FROM jobs WHERE run_id = ? AND state = 'done' GROUP BY lease_device`).all(run.id) as
    { device: string; n: number }[];
  t.deepEqual(perDeviceRows.map((r) => r.device).sort(), ['a1-d1', 'a1-d2', 'a2-d1', 'a2-d2', 'a3-d1', 'a3-d2']);
  t.true(perDeviceRows.every((r) => r.n === programs.length));
  const samples = rows.prepare(`SELECT COUNT(*) AS n FROM samples s JOIN jobs j ON j.id = s.job_id WHERE j.run_id = ?`).get(run.id) as { n: number };
  const expectedSamples = final.jobs.reduce((a, j) => a + (j.result?.samplesMs.length ?? 0), 0);
  t.is(samples.n, expectedSamples);
  t.true(expectedSamples >= 6 * programs.length * ITERATIONS);
  for (const agent of agents) t.is(agent.child.exitCode, null, agent.output());

  // Compare: a run against itself is a ratio of 1 for every series.
  const comparison = await client.compare(run.id, run.id);
  t.is(comparison.series.length, 6 * programs.length);
  t.true(comparison.series.every((s) => s.ratio === 1));
  // Identical trials on both sides: never a regression, whatever the trial count.
  t.true(comparison.series.every((s) => s.verdict !== 'regression' && s.verdict !== 'improvement' && !s.discovery));
});

test.serial('wrong tokens and missing scopes are refused with clear statuses; so is another protocol version', async (t) => {
  const dir = await tempDir(t, 'etbench-farm-');
  const serve = await startServe(t, path.join(dir, 'farm.db'));
  const wrong = new FarmClient(serve.address, 'not-a-token');
  const reader = new FarmClient(serve.address, TOKENS.read);
  const agentToken = new FarmClient(serve.address, TOKENS.agent);
  t.teardown(() => [wrong, reader, agentToken].forEach((c) => c.close()));
  const denied = await t.throwsAsync<ServiceError>(wrong.devices());
  t.is(denied?.code, status.UNAUTHENTICATED);
  t.regex(denied?.details ?? '', /token not recognised/);
  t.deepEqual(await reader.devices(), []);
  const noScope = await t.throwsAsync<ServiceError>(reader.submit({ programs: [], devices: ['all'] }));
  t.is(noScope?.code, status.PERMISSION_DENIED);
  t.regex(noScope?.details ?? '', /lacks the 'submit' scope/);
  const agentCannotRead = await t.throwsAsync<ServiceError>(agentToken.devices());
  t.is(agentCannotRead?.code, status.PERMISSION_DENIED);

  // An agent with a wrong token stops with the reason instead of retrying forever.
  const agent = startAgent(t, serve.address, 'bad', ['x'], path.join(dir, 'cache'), ['--token', 'nope']);
  const exit = await agent.exited;
  t.is(exit.code, 1);
  t.regex(agent.output(), /refused this agent: token not recognised/);

  // A raw Connect with another protocol version gets FAILED_PRECONDITION naming both versions.
  const raw = new AgentServiceClient(serve.address, credentials.createInsecure(), channelOptions());
  t.teardown(() => raw.close());
  const md = new Metadata();
  md.set('authorization', `Bearer ${TOKENS.agent}`);
  const call = raw.connect(md);
  const error = await new Promise<ServiceError>((resolve) => {
    call.on('data', (_m: OrchestratorMessage) => undefined);
    call.on('error', resolve);
    call.write({ kind: { $case: 'register', value: { protocolVersion: 99, agentId: 'old', hostname: 'h', agentVersion: '0', runtime: undefined, devices: [] } } });
  });
  t.is(error.code, status.FAILED_PRECONDITION);
  t.regex(error.details, /protocol version 99 is not supported: this orchestrator speaks version 1/);
});
