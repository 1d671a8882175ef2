// Two orchestrator replicas (`etbench serve` processes) sharing one PostgreSQL and one artifact
// directory, each with its own simulated agents. A run submitted to replica A is executed by the
// agents of both; each job has exactly one accepted result, which the database's own unique
// index guarantees. Replica B learns of A's run only through LISTEN/NOTIFY (no polling), and A's
// watcher learns of jobs B finished the same way. Then B is SIGKILLed mid-run: its leases expire
// and A's agents finish every job, still exactly once.

import test, { type ExecutionContext } from 'ava';
import path from 'node:path';
import pg from 'pg';
import { FarmClient } from '../../cli/farm/client.js';
import { ProgramBuilder } from '../../program/index.js';
import type { Run } from '../../proto/index.js';
import { postgresMissing, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ROOT_FLAGS, TOKENS, TOKEN_SPEC, spawnEtbench, waitFor, type Proc } from './helpers.js';

const missing = postgresMissing();
if (missing !== null) console.log(`replica tests skipped: ${missing}`);
const pgTest = missing === null ? test.serial : test.serial.skip;

async function serve(t: ExecutionContext, store: string, artifacts: string): Promise<Proc & { address: string }> {
  const proc = spawnEtbench(t, ['serve', '--port', '0', '--http-port', '0', '--host', '127.0.0.1', '--store', store, '--artifacts', artifacts,
    '--tokens', TOKEN_SPEC, '--lease-ms', '3000', '--heartbeat-ms', '300']);
  const port = await waitFor('serve to listen', () => {
    if (proc.child.exitCode !== null) throw new Error(`serve exited: ${proc.output()}`);
    return /listening on [^:]+:(\d+)/.exec(proc.output())?.[1];
  }, 40_000);
  return { ...proc, address: `127.0.0.1:${port}` };
}

function simAgent(t: ExecutionContext, address: string, id: string, dir: string, jobMs: number): Proc {
  return spawnEtbench(t, ['agent', '--orchestrator', address, '--token', TOKENS.agent, '--id', id, '--host-devices', '', '--sim', '2',
    '--sim-job-ms', String(jobMs), '--cache', path.join(dir, id), ...ROOT_FLAGS]);
}

/** A program without operators: every simulated device (whose runtime reports no kernels) can take it. */
function identityProgram(): Uint8Array {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  m.output(m.input({ dtype: 'float32', shape: [4] }));
  return b.build().pte;
}

interface Fixture { db: pg.Client; a: Proc & { address: string }; b: Proc & { address: string }; client: FarmClient; dir: string }

async function twoReplicas(t: ExecutionContext, jobMs: number): Promise<Fixture> {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const url = await server.createDatabase('farm');
  const dir = await tempDir(t, 'etbench-replicas-');
  const artifacts = path.join(dir, 'shared-artifacts');
  const [a, b] = await Promise.all([serve(t, url, artifacts), serve(t, url, artifacts)]);
  simAgent(t, a.address, 'agent-a', dir, jobMs);
  simAgent(t, b.address, 'agent-b', dir, jobMs);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  t.teardown(() => db.end());
  await waitFor('four sim devices registered', async () => Number((await db.query('SELECT COUNT(*) AS n FROM devices')).rows[0].n) === 4, 40_000);
  const client = new FarmClient(a.address, TOKENS.admin);
  t.teardown(() => client.close());
  return { db, a, b, client, dir };
}

/** Configurations that differ only in iterations, on the default kernel set (sim devices report none). */
const configs = (count: number): { kernels: string; backends: string[]; threads: number; warmup: number; hasWarmup: boolean; iterations: number; minSeconds: number; inputs: string }[] =>
  Array.from({ length: count }, (_, i) => ({ kernels: '', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: i + 1, minSeconds: 0, inputs: '' }));

/** Watches the run on A until it finishes; on a timeout, fails with the jobs' rows and the processes' output. */
async function finished(t: ExecutionContext, f: Fixture, runId: string, timeoutMs: number): Promise<Run> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
  const run = await Promise.race([f.client.watch(runId, () => undefined, timeoutMs), late]);
  clearTimeout(timer);
  if (run !== null) return run;
  const rows = (await f.db.query('SELECT id, state, attempt, lease_agent, reason FROM jobs WHERE run_id = $1 ORDER BY seq', [runId])).rows;
  throw new Error(`run not finished after ${timeoutMs} ms: ${JSON.stringify(rows)}\nA:\n${f.a.output().slice(-2000)}\nB:\n${f.b.output().slice(-2000)}`);
}

async function submit(f: Fixture, jobs: number): Promise<string> {
  const info = await f.client.uploadBytes(identityProgram(), 'identity.pte');
  const program = { sha256: info.sha256, name: 'identity.pte', size: info.size, methods: [], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' };
  const run = await f.client.submit({ programs: [program], devices: ['any:kind=sim'], configs: configs(jobs), label: 'replicas' });
  return run.id;
}

/** Asserts exactly-once from the rows, and that the database itself forbids a second accepted result. */
async function assertExactlyOnce(t: ExecutionContext, db: pg.Client, runId: string, jobs: number): Promise<string[]> {
  const rows = (await db.query(`SELECT j.id, j.state, j.lease_agent, COUNT(r.job_id) FILTER (WHERE r.accepted = 1) AS accepted
    FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.run_id = $1 GROUP BY j.id, j.state, j.lease_agent`, [runId])).rows;
  t.is(rows.length, jobs);
  t.deepEqual(rows.filter((r) => r.state !== 'done' || Number(r.accepted) !== 1), [], 'every job done with exactly one accepted result');
  const index = (await db.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'results_one_accepted'`)).rows[0]?.indexdef as string;
  t.regex(index, /UNIQUE INDEX .* \(job_id\) WHERE \(accepted = 1\)/);
  const victim = rows[0]!.id as string;
  const attempt = (await db.query(`SELECT attempt FROM results WHERE job_id = $1 AND accepted = 1`, [victim])).rows[0].attempt as number;
  const second = await db.query(`INSERT INTO results (job_id, attempt, device_id, status, accepted, received_ms, result)
    VALUES ($1, $2, 'x', 'OK', 1, 0, ''::bytea)`, [victim, attempt + 100]).then(() => 'inserted', (e: { code?: string }) => e.code);
  t.is(second, '23505');
  return rows.map((r) => r.lease_agent as string);
}

pgTest('a run submitted to replica A runs on the agents of both replicas, each job exactly once', async (t) => {
  const f = await twoReplicas(t, 150);
  const jobs = 24;
  const started = Date.now();
  const runId = await submit(f, jobs);
  // The watcher is on A; the last job may well be finished by B, which A hears through NOTIFY.
  const run = await finished(t, f, runId, 30_000);
  t.log(`${jobs} jobs on 2 replicas x 2 sim devices: ${Date.now() - started} ms`);
  t.is(run.done, jobs, JSON.stringify(run.jobs.slice(0, 2).map((j) => [j.state, j.reason])));
  const agents = await assertExactlyOnce(t, f.db, runId, jobs);
  const byAgent = { a: agents.filter((x) => x === 'agent-a').length, b: agents.filter((x) => x === 'agent-b').length };
  t.log(`jobs by agents of replica A: ${byAgent.a}, of replica B: ${byAgent.b}`);
  t.true(byAgent.a > 0 && byAgent.b > 0, `both replicas' agents ran jobs: ${JSON.stringify(byAgent)}`);
  t.is(byAgent.a + byAgent.b, jobs);
  t.is(Number((await f.db.query('SELECT COUNT(*) AS n FROM results')).rows[0].n), jobs, 'no retries were needed');
  // B sees the same run (shared store), although it was submitted to A.
  const viaB = new FarmClient(f.b.address, TOKENS.read);
  t.teardown(() => viaB.close());
  t.is((await viaB.getRun(runId)).done, jobs);
});

pgTest('SIGKILL of replica B mid-run: its jobs are leased again through A and every job completes exactly once', async (t) => {
  const f = await twoReplicas(t, 400);
  const jobs = 16;
  const runId = await submit(f, jobs);
  await waitFor('replica B\'s agent to hold a lease', async () =>
    Number((await f.db.query(`SELECT COUNT(*) AS n FROM jobs WHERE run_id = $1 AND state = 'leased' AND lease_agent = 'agent-b'`, [runId])).rows[0].n) > 0, 20_000);
  f.b.child.kill('SIGKILL');
  await f.b.exited;
  const run = await finished(t, f, runId, 40_000);
  t.is(run.done, jobs);
  await assertExactlyOnce(t, f.db, runId, jobs);
  const retried = Number((await f.db.query(`SELECT COUNT(*) AS n FROM jobs WHERE run_id = $1 AND attempt > 1`, [runId])).rows[0].n);
  t.log(`jobs leased again after the kill: ${retried}`);
  t.true(retried > 0, 'the jobs B\'s agent held were leased again');
});

pgTest('a run cancelled through replica A stops the job that an agent connected to replica B is running (LISTEN/NOTIFY)', async (t) => {
  // Jobs far longer than the test: only a cancel that reaches B's agent ends them in time.
  const f = await twoReplicas(t, 60_000);
  const runId = await submit(f, 4);
  await waitFor('every job leased, some to replica B\'s agent', async () => {
    const rows = (await f.db.query(`SELECT lease_agent FROM jobs WHERE run_id = $1 AND state = 'leased'`, [runId])).rows;
    return rows.length === 4 && rows.some((r) => r.lease_agent === 'agent-b');
  }, 20_000);
  const cancelledAt = Date.now();
  await f.client.cancelRun(runId);
  // The agents report each stopped job; results arrive only once the job really stopped.
  await waitFor('results of the stopped jobs of both agents', async () =>
    Number((await f.db.query(`SELECT COUNT(*) AS n FROM results r JOIN jobs j ON j.id = r.job_id WHERE j.run_id = $1`, [runId])).rows[0].n) === 4, 15_000);
  t.log(`all four jobs stopped ${Date.now() - cancelledAt} ms after the cancel`);
  const rows = (await f.db.query(`SELECT r.device_id, r.status, j.state FROM results r JOIN jobs j ON j.id = r.job_id WHERE j.run_id = $1`, [runId])).rows;
  t.true(rows.some((r) => String(r.device_id).startsWith('agent-b-')), JSON.stringify(rows));
  t.deepEqual(rows.filter((r) => r.status !== 'RESULT_STATUS_CANCELLED' || r.state !== 'cancelled'), [], JSON.stringify(rows));
  t.true(Date.now() - cancelledAt < 30_000);
});
