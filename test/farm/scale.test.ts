// 1,000 small jobs across 20 simulated agents (each its own gRPC connection, real protocol)
// all complete, each with exactly one accepted result.

import test from 'ava';
import { JobState, RunState } from '../../proto/index.js';
import type { SqliteStore } from '../../orchestrator/index.js';
import { configs, startSimFleet } from './sim-fleet.js';

test('1,000 jobs across 20 simulated agents all complete', async (t) => {
  const fleet = await startSimFleet(20);
  t.teardown(() => fleet.close());
  const program = await fleet.client.uploadBytes(fleet.program, 'add.pte');
  const started = performance.now();
  const run = await fleet.client.submit({ programs: [{ ...program, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' }], devices: ['kind=sim'], configs: configs(50) });
  t.is(run.total, 1000);
  const final = await fleet.client.watch(run.id);
  const seconds = (performance.now() - started) / 1000;
  t.log(`1000 jobs in ${seconds.toFixed(1)} s (${(1000 / seconds).toFixed(0)} jobs/s)`);
  t.is(final.state, RunState.RUN_STATE_DONE);
  t.is(final.done, 1000);
  t.true(final.jobs.every((j) => j.state === JobState.JOB_STATE_DONE && j.attempt === 1));
  const db = (fleet.orchestrator.store as SqliteStore).handle;
  t.deepEqual(db.prepare(`SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS jobs FROM results WHERE accepted = 1`).get(), { n: 1000, jobs: 1000 });
  const perDevice = db.prepare(`SELECT lease_device, COUNT(*) AS n FROM jobs GROUP BY lease_device`).all() as { n: number }[];
  t.is(perDevice.length, 20);
  t.true(perDevice.every((d) => d.n === 50));
});
