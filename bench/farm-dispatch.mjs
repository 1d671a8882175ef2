#!/usr/bin/env node
// The farm's scheduling overheads with simulated agents (docs/farm.md):
//
//   npm run bench:farm                          # 20 agents, 2000 jobs, 100 single-job runs
//   npm run bench:farm -- --agents 50 --jobs 5000 --probes 200
//
// - dispatch: jobs/s offered to agents while a run of --jobs jobs drains (sim jobs take 0 ms,
//   so the farm, not the devices, is the bottleneck); also the run's end-to-end jobs/s;
// - ingestion: results/s the store accepts (lease + ingest of a result with 20 samples, the
//   store alone, then through the gRPC stream as part of the end-to-end figure);
// - submit to first dispatch: p50/p99 from the client's SubmitRun call to the agent receiving
//   the offer, over --probes single-job runs on an idle fleet.
// Everything is one process on loopback: orchestrator, agents (one connection each), client.
import { parseArgs } from 'node:util';
import { configs, startSimFleet } from '../test/farm/sim-fleet.ts';
import { JobResult, ResultStatus } from '../proto/index.ts';
import { SqliteStore } from '../orchestrator/index.ts';

const { values } = parseArgs({
  options: { agents: { type: 'string', default: '20' }, jobs: { type: 'string', default: '2000' }, probes: { type: 'string', default: '100' } },
});
const agentCount = Number(values.agents);
const jobCount = Number(values.jobs);
const probes = Number(values.probes);
const rank = (sorted, p) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];

const fleet = await startSimFleet(agentCount, 0);
const program = await fleet.client.uploadBytes(fleet.program, 'add.pte');
const ref = { ...program, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false };

// 1. Dispatch and end to end.
const perDevice = Math.ceil(jobCount / agentCount);
let offers = 0;
let lastOffer = 0;
for (const a of fleet.agents) a.on('offer', () => { offers += 1; lastOffer = performance.now(); });
const t0 = performance.now();
const run = await fleet.client.submit({ programs: [ref], devices: ['kind=sim'], configs: configs(perDevice) });
await fleet.client.watch(run.id);
const t1 = performance.now();
const dispatchRate = offers / ((lastOffer - t0) / 1000);
const endToEnd = run.total / ((t1 - t0) / 1000);

// 2. Submit to first dispatch, one single-job run at a time on the idle fleet.
const latencies = [];
for (let i = 0; i < probes; i += 1) {
  const agent = fleet.agents[i % agentCount];
  const offered = new Promise((resolve) => agent.once('offer', () => resolve(performance.now())));
  const start = performance.now();
  const probe = await fleet.client.submit({ programs: [ref], devices: [`sim-${(i % agentCount) + 1}`], configs: configs(1) });
  latencies.push((await offered) - start);
  await fleet.client.watch(probe.id);
}
latencies.sort((a, b) => a - b);
await fleet.close();

// 3. Store ingestion alone.
const store = new SqliteStore(':memory:');
const n = 5000;
const jobs = Array.from({ length: n }, (_, i) => ({
  id: `j${i}`, seq: i, program: ref, method: '', deviceId: 'd', selector: 'all', config: configs(1)[0], configKey: 'k', runtime: null, state: 'queued',
  reason: '', maxAttempts: 3, timeoutMs: 1000, memoryLimitBytes: 1,
}));
await store.createRun({ id: 'r', createdMs: 0, label: '', state: 'running', priority: 0, request: { programs: [], methods: [], devices: [], configs: [], priority: 0, timeoutMs: 0, memoryLimitBytes: 0, label: '', maxAttempts: 0 } }, jobs);
const samples = Array.from({ length: 20 }, (_, i) => 1 + i / 100);
const s0 = performance.now();
for (let i = 0; i < n; i += 1) {
  await store.leaseJob(`j${i}`, 'a', 'd', 1e12, 0);
  await store.ingestResult(JobResult.fromPartial({ jobId: `j${i}`, attempt: 1, deviceId: 'd', status: ResultStatus.RESULT_STATUS_OK, samplesMs: samples }), 1);
}
const ingestRate = n / ((performance.now() - s0) / 1000);
await store.close();

const report = {
  agents: agentCount, jobs: run.total,
  dispatch_jobs_per_s: Math.round(dispatchRate), end_to_end_jobs_per_s: Math.round(endToEnd),
  store_ingest_results_per_s: Math.round(ingestRate),
  submit_to_first_dispatch_ms: { p50: +rank(latencies, 50).toFixed(2), p99: +rank(latencies, 99).toFixed(2), n: latencies.length },
};
console.log(JSON.stringify(report, null, 2));
