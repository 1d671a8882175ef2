// Scheduling rules on a simulated fleet (in-process orchestrator, agents on real gRPC
// connections): priorities, cancellation, jobs bound to a vanished device, unschedulable pool
// jobs and selectors that match nothing.

import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { status, type ServiceError } from '@grpc/grpc-js';
import { JobState, RunState, type ProgramRef } from '../../proto/index.js';
import type { SqliteStore } from '../../orchestrator/index.js';
import { waitFor } from './helpers.js';
import { configs, startSimFleet, type SimFleet } from './sim-fleet.js';

async function upload(fleet: SimFleet): Promise<ProgramRef> {
  const info = await fleet.client.uploadBytes(fleet.program, 'add.pte');
  return { ...info, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0 };
}

test('a high-priority run overtakes the queue of a low-priority one on the same device', async (t) => {
  const fleet = await startSimFleet(1, 40);
  t.teardown(() => fleet.close());
  const program = await upload(fleet);
  const low = await fleet.client.submit({ programs: [program], devices: ['sim-1'], configs: configs(10), priority: 0 });
  await new Promise((r) => setTimeout(r, 60));
  const high = await fleet.client.submit({ programs: [program], devices: ['sim-1'], configs: configs(1), priority: 10 });
  await fleet.client.watch(high.id);
  await fleet.client.watch(low.id);
  const db = (fleet.orchestrator.store as SqliteStore).handle;
  const order = db.prepare(`SELECT run_id FROM jobs ORDER BY first_leased_ms, rowid`).all() as { run_id: string }[];
  const position = order.findIndex((r) => r.run_id === high.id);
  t.true(position >= 1 && position <= 3, `high-priority job leased at position ${position} of 11`);
});

test('cancelling a run cancels its queued jobs and stops the running one', async (t) => {
  const fleet = await startSimFleet(1, 200);
  t.teardown(() => fleet.close());
  const program = await upload(fleet);
  const run = await fleet.client.submit({ programs: [program], devices: ['sim-1'], configs: configs(20) });
  const cancelled = new Promise<string>((resolve) => fleet.agents[0]!.once('result', (r: { problem: string }) => resolve(r.problem)));
  await new Promise((r) => setTimeout(r, 100));
  const after = await fleet.client.cancelRun(run.id);
  t.is(after.state, RunState.RUN_STATE_CANCELLED);
  t.is(await cancelled, 'cancelled');
  const final = await fleet.client.getRun(run.id);
  t.is(final.cancelled, 20);
  t.true(final.jobs.every((j) => j.state === JobState.JOB_STATE_CANCELLED));
  const db = (fleet.orchestrator.store as SqliteStore).handle;
  t.deepEqual(db.prepare(`SELECT COUNT(*) AS n FROM results WHERE accepted = 1`).get(), { n: 0 });
});

test('jobs bound to a device that went away fail with the reason after the offline limit', async (t) => {
  const fleet = await startSimFleet(2, 1, { offlineFailMs: 300, leaseMs: 400, heartbeatIntervalMs: 100 });
  t.teardown(() => fleet.close());
  const program = await upload(fleet);
  await fleet.agents[1]!.stop();
  // `all` means the devices there now; naming the absent one by id queues jobs for it. Wait until
  // the orchestrator sees exactly sim-1 online (on a loaded machine a heartbeat can be late).
  await waitFor('only sim-1 online', async () => {
    const online = (await fleet.client.devices()).filter((d) => d.state === 1).map((d) => d.id);
    return online.length === 1 && online[0] === 'sim-1';
  }, 20_000);
  const online = await fleet.client.submit({ programs: [program], devices: ['all'], configs: configs(1) });
  t.is(online.total, 1);
  const run = await fleet.client.submit({ programs: [program], devices: ['sim-1', 'sim-2'], configs: configs(2) });
  const final = await fleet.client.watch(run.id);
  t.is(final.state, RunState.RUN_STATE_DONE);
  t.is(final.done, 2);
  t.is(final.failed, 2);
  for (const job of final.jobs.filter((j) => j.state === JobState.JOB_STATE_FAILED)) {
    t.is(job.deviceId, 'sim-2');
    t.regex(job.reason, /device sim-2 has been offline for \d+ s/);
  }
});

test('a pool job whose every matching device went away fails with the reason after the offline limit', async (t) => {
  const fleet = await startSimFleet(2, 1500, { offlineFailMs: 300, leaseMs: 400, heartbeatIntervalMs: 100 });
  t.teardown(() => fleet.close());
  const program = await upload(fleet);
  // sim-2 takes the bound job (1.5 s); the pool job any:sim-2 waits for it, then sim-2 goes away.
  const run = await fleet.client.submit({ programs: [program], devices: ['sim-2', 'any:sim-2'], configs: configs(1) });
  await waitFor('sim-2 busy', async () => (await fleet.client.devices()).find((d) => d.id === 'sim-2')?.state === 2, 20_000);
  await fleet.agents[1]!.stop();
  const final = await fleet.client.watch(run.id);
  t.is(final.state, RunState.RUN_STATE_DONE);
  const pool = final.jobs.find((j) => j.selector === 'sim-2' && j.deviceId !== 'sim-2');
  t.is(pool?.state, JobState.JOB_STATE_FAILED, JSON.stringify(final.jobs.map((j) => [j.selector, j.deviceId, j.state, j.reason])));
  t.regex(pool?.reason ?? '', /no device matching sim-2 has been online for \d+ s \(limit 0 s\)/);
});

test('a pool job no device can run is unschedulable; a selector matching nothing is refused', async (t) => {
  const fleet = await startSimFleet(2, 1);
  t.teardown(() => fleet.close());
  const program = await upload(fleet);
  const run = await fleet.client.submit({ programs: [program], devices: ['any:kind=sim'], configs: [{ ...configs(1)[0]!, kernels: 'optimized' }] });
  t.is(run.state, RunState.RUN_STATE_DONE);
  t.is(run.unschedulable, 1);
  t.regex(run.jobs[0]?.reason ?? '', /device sim-1's runtime has no 'optimized' kernel set; device sim-2's/);
  const error = await t.throwsAsync<ServiceError>(fleet.client.submit({ programs: [program], devices: ['kind=phone'] }));
  t.is(error?.code, status.INVALID_ARGUMENT);
  t.regex(error?.details ?? '', /no device matches 'kind=phone'; known devices: sim-1, sim-2/);
});

test('a second agent claiming a device another connected agent has is refused, and keeps retrying', async (t) => {
  const fleet = await startSimFleet(1, 1);
  t.teardown(() => fleet.close());
  const { Agent, SimDriver } = await import('../../agent/index.js');
  const lines: string[] = [];
  const intruder = new Agent({
    orchestrator: fleet.orchestrator.address, token: 'fleet-token', agentId: 'intruder', cacheDir: path.join(tmpdir(), `etbench-intruder-${process.pid}`),
    drivers: [new SimDriver({ deviceIds: ['sim-1'], capabilities: { kernelSets: [], backends: [] } })], backoffMinMs: 50, backoffMaxMs: 100,
    log: (line) => lines.push(line),
  });
  t.teardown(() => intruder.stop());
  await intruder.start();
  await waitFor('two refusals', () => lines.filter((l) => /device sim-1 is already registered by connected agent sim-agent-1\); reconnecting/.test(l)).length >= 2, 10_000);
  const devices = await fleet.client.devices();
  t.deepEqual(devices.map((d) => [d.id, d.agentId]), [['sim-1', 'sim-agent-1']]);

  // The same agent id twice: the second connection waits too.
  const twinLines: string[] = [];
  const twin = new Agent({
    orchestrator: fleet.orchestrator.address, token: 'fleet-token', agentId: 'sim-agent-1', cacheDir: path.join(tmpdir(), `etbench-twin-${process.pid}`),
    drivers: [new SimDriver({ deviceIds: ['other'], capabilities: { kernelSets: [], backends: [] } })], backoffMinMs: 50, backoffMaxMs: 100,
    log: (line) => twinLines.push(line),
  });
  t.teardown(() => twin.stop());
  await twin.start();
  await waitFor('a refusal', () => twinLines.some((l) => /agent id sim-agent-1 is already connected; give each agent its own --id/.test(l)), 10_000);
  t.deepEqual((await fleet.client.devices()).map((d) => d.id), ['sim-1']);
});
