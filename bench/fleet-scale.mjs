#!/usr/bin/env node
// The fleet at scale (issue 15, docs/farm.md "Fleet scale"): simulated agents with several
// devices each, one run of programs x devices x configs jobs, on two orchestrator replicas
// sharing a real PostgreSQL (half the agents connected to each, the run submitted to one), and
// the same fleet on a single SQLite orchestrator beside it in the same process and run:
//
//   npm run bench:fleet                                   # 200 agents x 5 devices, 20 configs: 20,000 jobs
//   npm run bench:fleet -- --agents 50 --devices 4 --configs 10 --engines sqlite
//
// Reported per engine:
// - throughput: jobs/s from SubmitRun to the run's end (sim jobs take --job-ms, default 0, so
//   the orchestrators and the store are the bottleneck);
// - dispatch: jobs/s offered, and the queue wait of each dispatched job (time from queued to
//   offered, p50/p99: with every job queued at once this is mostly waiting for a free device);
// - dispatch latency on an idle fleet: SubmitRun of a one-job run to the agent receiving the
//   offer, p50/p99 over --probes runs (on replicas: submitted to A, half run by B's agents).
// Everything is one process on loopback except PostgreSQL; on a 2-core machine the agents'
// work competes with the orchestrators', so these are lower bounds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, SimDriver } from '../agent/index.ts';
import { FarmClient } from '../cli/farm/client.ts';
import { startOrchestrator } from '../orchestrator/index.ts';
import { ProgramBuilder } from '../program/index.ts';
import { DeviceState } from '../proto/index.ts';
import { postgresMissing, startPostgres } from '../test/helpers/postgres.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' }, devices: { type: 'string', default: '5' }, configs: { type: 'string', default: '20' },
    probes: { type: 'string', default: '50' }, 'job-ms': { type: 'string', default: '0' }, engines: { type: 'string', default: 'postgres,sqlite' },
  },
});
const agentCount = Number(values.agents);
const perAgent = Number(values.devices);
const configCount = Number(values.configs);
const probes = Number(values.probes);
const jobMs = Number(values['job-ms']);
const engines = values.engines.split(',');
const TOKEN = 'fleet-token';
const rank = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]);
const ms = (x) => +x.toFixed(1);

function identityProgram() {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  m.output(m.input({ dtype: 'float32', shape: [4] }));
  return b.build().pte;
}

const configs = (n) => Array.from({ length: n }, (_, i) => ({ kernels: '', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: i + 1, minSeconds: 0, inputs: '' }));

async function measure(engine) {
  const dir = await mkdtemp(path.join(tmpdir(), `etbench-fleet-${engine}-`));
  let pgServer = null;
  let store = `sqlite:${path.join(dir, 'farm.db')}`;
  if (engine === 'postgres') {
    const missing = postgresMissing();
    if (missing !== null) return { engine, skipped: missing };
    pgServer = await startPostgres();
    store = await pgServer.createDatabase('fleet');
  }
  const replicaCount = engine === 'postgres' ? 2 : 1;
  const farm = { leaseMs: 60_000, heartbeatIntervalMs: 5000 };
  const replicas = [];
  for (let i = 0; i < replicaCount; i += 1) {
    replicas.push(await startOrchestrator({ port: 0, store, artifactsDir: path.join(dir, 'artifacts'), tokens: [{ token: TOKEN, scopes: ['admin'] }], farm }));
  }
  const waits = [];
  let offers = 0;
  let firstOffer = 0;
  let lastOffer = 0;
  for (const r of replicas) r.farm.events.on('dispatch', (_job, waitMs) => waits.push(waitMs));
  const startedAgents = performance.now();
  const agents = [];
  for (let i = 0; i < agentCount; i += 1) {
    const agent = new Agent({
      orchestrator: replicas[i % replicaCount].address, token: TOKEN, agentId: `a${i + 1}`, cacheDir: path.join(dir, `cache${i + 1}`),
      drivers: [new SimDriver({ deviceIds: Array.from({ length: perAgent }, (_, d) => `a${i + 1}-d${d + 1}`), capabilities: { kernelSets: [], backends: [] }, jobMs })],
    });
    agent.on('offer', () => {
      offers += 1;
      lastOffer = performance.now();
      if (firstOffer === 0) firstOffer = lastOffer;
    });
    agents.push(agent);
  }
  // Connect in batches: 200 handshakes at once on two cores only measure the handshakes.
  for (let i = 0; i < agents.length; i += 20) {
    await Promise.all(agents.slice(i, i + 20).map(async (a) => {
      const registered = new Promise((resolve) => a.once('registered', resolve));
      await a.start();
      await registered;
    }));
  }
  const connectS = (performance.now() - startedAgents) / 1000;
  const client = new FarmClient(replicas[0].address, TOKEN);
  const info = await client.uploadBytes(identityProgram(), 'identity.pte');
  const ref = { sha256: info.sha256, name: 'identity.pte', size: info.size, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0 };
  // Every device registered (through either replica) before the run is planned.
  for (let waited = 0; (await client.devices('kind=sim')).filter((d) => d.state !== DeviceState.DEVICE_STATE_OFFLINE).length < agentCount * perAgent; waited += 1) {
    if (waited > 600) throw new Error('devices did not all register within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }

  console.error(`${engine}: ${agentCount} agents with ${agentCount * perAgent} devices connected in ${connectS.toFixed(1)} s`);
  const t0 = performance.now();
  const run = await client.submit({ programs: [ref], devices: ['kind=sim'], configs: configs(configCount), label: 'fleet-scale' });
  console.error(`${engine}: run of ${run.total} jobs submitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const progress = setInterval(() => console.error(`${engine}: ${offers} offers after ${((performance.now() - t0) / 1000).toFixed(0)} s`), 10_000);
  const done = await client.watch(run.id, () => undefined, 1_800_000).finally(() => clearInterval(progress));
  const t1 = performance.now();
  const sortedWaits = [...waits].sort((a, b) => a - b);

  // Idle-fleet dispatch latency: one single-job run at a time, devices alternating between replicas.
  const latencies = [];
  for (let i = 0; i < probes; i += 1) {
    const agent = agents[i % agents.length];
    const offered = new Promise((resolve) => agent.once('offer', () => resolve(performance.now())));
    const start = performance.now();
    const probe = await client.submit({ programs: [ref], devices: [`a${(i % agents.length) + 1}-d1`], configs: configs(1) });
    latencies.push((await offered) - start);
    await client.watch(probe.id);
  }
  latencies.sort((a, b) => a - b);

  client.close();
  await Promise.all(agents.map((a) => a.stop()));
  for (const r of replicas) await r.close(200);
  if (pgServer !== null) await pgServer.stop();
  await rm(dir, { recursive: true, force: true });
  return {
    engine, replicas: replicaCount, agents: agentCount, devices: agentCount * perAgent, jobs: run.total, done: done.done, failed: done.failed,
    connect_agents_s: +connectS.toFixed(1),
    run_s: +((t1 - t0) / 1000).toFixed(1),
    throughput_jobs_per_s: Math.round(run.total / ((t1 - t0) / 1000)),
    dispatch_jobs_per_s: Math.round(offers / Math.max(0.001, (lastOffer - firstOffer) / 1000)),
    queue_wait_ms: { p50: ms(rank(sortedWaits, 50)), p99: ms(rank(sortedWaits, 99)), n: sortedWaits.length },
    idle_dispatch_latency_ms: { p50: ms(rank(latencies, 50)), p99: ms(rank(latencies, 99)), n: latencies.length },
  };
}

const results = [];
for (const engine of engines) {
  const started = Date.now();
  const r = await measure(engine);
  console.error(`${engine}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  results.push(r);
}
console.log(JSON.stringify({ results }, null, 2));
