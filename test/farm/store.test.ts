// The store on both engines (SQLite, and PostgreSQL on a real server started for this file):
// migrations, conditional leases, expiry with bounded retries, idempotent result ingestion with
// the one-accepted-result-per-job constraint, raw samples kept, concurrent takers.
import test, { type ExecutionContext } from 'ava';
import path from 'node:path';
import { JobResult, ResultStatus, type ProgramRef, type RuntimeConfig, type SubmitRunRequest } from '../../proto/index.js';
import { ArtifactError, ArtifactStore, MIGRATIONS, PgStore, SqliteStore, computeStats, nearestRank, sha256Of, type Store } from '../../orchestrator/index.js';
import type { NewJob } from '../../orchestrator/store/store.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';

const program: ProgramRef = { sha256: 'a'.repeat(64), name: 'p.pte', size: 1, methods: ['forward'], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0 };
const config: RuntimeConfig = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: '' };
const request: SubmitRunRequest = { programs: [program], methods: [], devices: ['all'], configs: [], priority: 0, timeoutMs: 0, memoryLimitBytes: 0, label: '', maxAttempts: 0, runtime: undefined };

function job(id: string, maxAttempts = 2): NewJob {
  return { id, seq: Number(id.slice(1)), program, method: '', deviceId: 'd1', selector: 'all', config, configKey: 'k', runtime: null, state: 'queued', reason: '', maxAttempts, timeoutMs: 1000, memoryLimitBytes: 1 };
}

/** One engine as the tests see it: a fresh store, reopenable, and raw SQL for asserting on rows. */
interface Engine {
  name: 'sqlite' | 'pg';
  /** A new empty store's address. */
  fresh(t: ExecutionContext): Promise<string>;
  open(address: string): Promise<Store>;
  rows(store: Store, sql: string): Promise<Record<string, unknown>[]>;
  /** The engine's error code for a unique-constraint violation. */
  uniqueViolation: string;
  emptyBlob: string;
}

let server: PostgresServer | null = null;
let databases = 0;
const pgMissing = postgresMissing();

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    fresh: async (t) => `sqlite:${path.join(await tempDir(t, 'etbench-store-'), 'farm.db')}`,
    open: async (address) => new SqliteStore(address.slice('sqlite:'.length)),
    rows: async (store, sql) => {
      const statement = (store as SqliteStore).handle.prepare(sql);
      if (!statement.reader) return [statement.run() as unknown as Record<string, unknown>];
      return statement.all() as Record<string, unknown>[];
    },
    uniqueViolation: 'SQLITE_CONSTRAINT_PRIMARYKEY|SQLITE_CONSTRAINT_UNIQUE',
    emptyBlob: "x''",
  },
  {
    name: 'pg',
    fresh: async () => server!.createDatabase(`store_${++databases}`),
    open: (address) => PgStore.open(address),
    rows: async (store, sql) => (await (store as PgStore).pool.query(sql)).rows as Record<string, unknown>[],
    uniqueViolation: '23505',
    emptyBlob: "''::bytea",
  },
];

test.before(async () => {
  if (pgMissing !== null) {
    console.log(`store tests on pg skipped: ${pgMissing}`);
    return;
  }
  server = await startPostgres();
});
test.after.always(async () => server?.stop());

/** Registers the test once per engine, named `engine: title`. */
function both(title: string, body: (t: ExecutionContext, e: Engine) => Promise<void>): void {
  for (const engine of ENGINES) {
    const register = engine.name === 'pg' && pgMissing !== null ? test.skip : test;
    register(`${engine.name}: ${title}`, (t) => body(t, engine));
  }
}

async function opened(t: ExecutionContext, e: Engine, address?: string): Promise<Store> {
  const store = await e.open(address ?? await e.fresh(t));
  t.teardown(() => store.close());
  return store;
}

async function storeWithRun(t: ExecutionContext, e: Engine): Promise<Store> {
  const store = await opened(t, e);
  await store.createRun({ id: 'r1', createdMs: 1, label: '', state: 'running', priority: 0, request }, [job('j1'), job('j2')]);
  return store;
}

const ok = (jobId: string, attempt: number, samples: number[]): JobResult =>
  JobResult.fromPartial({ jobId, attempt, deviceId: 'd1', status: ResultStatus.RESULT_STATUS_OK, samplesMs: samples });

/** Runs the statement and returns the database's error code ('' when it succeeded). */
async function errorCode(e: Engine, store: Store, sql: string): Promise<string> {
  try {
    await e.rows(store, sql);
    return '';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

both('migrations run once and record their version; reopening keeps the data', async (t, e) => {
  const address = await e.fresh(t);
  const a = await e.open(address);
  t.is(a.schemaVersion, MIGRATIONS.at(-1)!.version);
  await a.createRun({ id: 'r1', createdMs: Date.now(), label: 'x', state: 'running', priority: 0, request }, [job('j1')]);
  await a.close();
  const b = await opened(t, e, address);
  t.is(b.schemaVersion, MIGRATIONS.at(-1)!.version);
  t.deepEqual((await e.rows(b, 'SELECT version FROM schema_version ORDER BY version')).map((r) => Number(r['version'])), MIGRATIONS.map((m) => m.version));
  t.is((await b.jobsOfRun('r1')).length, 1);
  // Milliseconds since 1970 overflow 32 bits: they must come back exact, as numbers.
  t.is(typeof (await b.getRun('r1'))!.createdMs, 'number');
  t.true((await b.getRun('r1'))!.createdMs > 2 ** 32);
});

both('a lease is a conditional update: the second taker of a queued job gets nothing', async (t, e) => {
  const store = await storeWithRun(t, e);
  const first = await store.leaseJob('j1', 'agent-a', 'd1', 100, 0);
  t.is(first?.attempt, 1);
  t.is(await store.leaseJob('j1', 'agent-b', 'd1', 100, 0), null);
  t.is((await store.getJob('j1'))?.leaseAgent, 'agent-a');
  t.true(await store.unleaseJob('j1', 1, 5));
  t.is((await store.getJob('j1'))?.attempt, 0);
});

both('two stores on one database racing for every job: each job is leased exactly once', async (t, e) => {
  const address = await e.fresh(t);
  const a = await opened(t, e, address);
  const b = await opened(t, e, address);
  const ids = Array.from({ length: 40 }, (_, i) => `j${i + 1}`);
  await a.createRun({ id: 'r1', createdMs: 1, label: '', state: 'running', priority: 0, request }, ids.map((id) => job(id)));
  const takes = await Promise.all(ids.flatMap((id) => [a.leaseJob(id, 'A', 'd1', 1e12, 1), b.leaseJob(id, 'B', 'd1', 1e12, 1)]));
  const won = takes.filter((j) => j !== null);
  t.is(won.length, ids.length);
  t.deepEqual(new Set(won.map((j) => j!.id)), new Set(ids));
  t.true(won.every((j) => j!.attempt === 1));
});

both('heartbeats renew only the leases of busy devices; expired leases requeue, then fail after the last attempt', async (t, e) => {
  const store = await storeWithRun(t, e);
  await store.leaseJob('j1', 'a', 'd1', 100, 0);
  t.is(await store.renewLeases('a', ['other'], 1000), 0);
  t.is(await store.renewLeases('a', ['d1'], 200), 1);
  t.deepEqual(await store.expireLeases(150), []);
  const requeued = await store.expireLeases(250);
  t.is(requeued[0]?.state, 'queued');
  t.regex(requeued[0]!.reason, /lease expired/);
  await store.leaseJob('j1', 'a', 'd1', 300, 260);
  const failed = await store.expireLeases(400);
  t.is(failed[0]?.state, 'failed');
  t.regex(failed[0]!.reason, /no attempts left \(2\)/);
});

both('results are ingested idempotently on (job, attempt); a stale attempt is never accepted; samples are kept', async (t, e) => {
  const store = await storeWithRun(t, e);
  await store.leaseJob('j1', 'a', 'd1', 100, 0);
  await store.expireLeases(200);
  await store.leaseJob('j1', 'b', 'd1', 1000, 210);
  const stale = await store.ingestResult(ok('j1', 1, [9]), 220);
  t.false(stale.accepted);
  const first = await store.ingestResult(ok('j1', 2, [3, 1, 2.5]), 230);
  t.true(first.accepted && first.changed);
  t.is(first.job?.state, 'done');
  const again = await store.ingestResult(ok('j1', 2, [3, 1, 2.5]), 240);
  t.true(again.accepted);
  t.false(again.changed);
  t.deepEqual((await store.acceptedResult('j1'))?.samples, [3, 1, 2.5]);
  const rows = await e.rows(store, 'SELECT job_id, COUNT(*) AS n FROM results WHERE accepted = 1 GROUP BY job_id');
  t.deepEqual(rows.map((r) => [r['job_id'], Number(r['n'])]), [['j1', 1]]);
  // The constraints themselves, not only the code path, forbid a second accepted result and a
  // second result for one (job, attempt).
  const insert = (attempt: number, accepted: number): string => `INSERT INTO results (job_id, attempt, device_id, status, accepted, received_ms, result)
    VALUES ('j1', ${attempt}, 'd1', 'OK', ${accepted}, 0, ${e.emptyBlob})`;
  t.regex(await errorCode(e, store, insert(9, 1)), new RegExp(`^(${e.uniqueViolation})$`));
  t.regex(await errorCode(e, store, insert(1, 0)), new RegExp(`^(${e.uniqueViolation})$`));
  t.is(await errorCode(e, store, insert(9, 0)), '');
  t.false(await store.finishRunIfDone('r1'));
});

both('concurrent deliveries of one result (as from two replicas) store it once', async (t, e) => {
  const address = await e.fresh(t);
  const a = await opened(t, e, address);
  const b = await opened(t, e, address);
  await a.createRun({ id: 'r1', createdMs: 1, label: '', state: 'running', priority: 0, request }, [job('j1')]);
  await a.leaseJob('j1', 'A', 'd1', 1e12, 1);
  const outcomes = await Promise.all([a, b, a, b].map((s) => s.ingestResult(ok('j1', 1, [1, 2]), 5)));
  t.true(outcomes.every((o) => o.accepted));
  t.is(outcomes.filter((o) => o.changed).length, 1);
  t.deepEqual((await e.rows(a, 'SELECT COUNT(*) AS n FROM samples')).map((r) => Number(r['n'])), [2]);
  t.true(await b.finishRunIfDone('r1'));
  t.is((await a.getRun('r1'))?.state, 'done');
});

both('cancel, device bookkeeping, runtime builds and run listing', async (t, e) => {
  const store = await storeWithRun(t, e);
  await store.createRun({ id: 'r2', createdMs: 1, label: 'second', state: 'running', priority: 0, request }, []);
  t.deepEqual((await store.listRuns(10)).map((r) => r.id), ['r2', 'r1']);
  await store.leaseJob('j1', 'a', 'd1', 100, 0);
  t.deepEqual((await store.cancelRun('r1', 5)).map((j) => j.id), ['j1']);
  t.deepEqual((await store.jobsOfRun('r1')).map((j) => j.state), ['cancelled', 'cancelled']);
  t.is((await store.getRun('r1'))?.state, 'cancelled');
  const build = { sha256: 'b'.repeat(64), git: 'abc', abi: 'linux-x64', version: '1', build: 'release', capabilities: undefined };
  await store.recordRuntimeBuild(build, 1);
  await store.recordRuntimeBuild({ ...build, abi: 'other' }, 2);
  t.deepEqual(await store.runtimeBuild(build.sha256), build);
  t.deepEqual(await store.runtimeBuilds('abc'), [build]);
  await store.recordArtifact({ sha256: build.sha256, size: 5 * 1024 ** 3, name: 'etrun', kind: 'runtime' }, 1);
  await store.recordArtifact({ sha256: build.sha256, size: 1, name: 'again', kind: 'runtime' }, 2);
  t.deepEqual((await e.rows(store, 'SELECT size, name FROM artifacts')).map((r) => [Number(r['size']), r['name']]), [[5 * 1024 ** 3, 'etrun']]);
});

both('retention: raw samples received before the cutoff become one summary row; newer ones stay raw', async (t, e) => {
  const store = await storeWithRun(t, e);
  await store.leaseJob('j1', 'a', 'd1', 1e12, 0);
  await store.leaseJob('j2', 'a', 'd1', 1e12, 0);
  await store.ingestResult(ok('j1', 1, [4, 2, 3, 1]), 1000);
  await store.ingestResult(ok('j2', 1, [7, 8]), 5000);
  t.is(await store.compactSamples(2000, 9000), 1);
  const old = await store.acceptedResult('j1');
  t.deepEqual(old?.samples, []);
  t.deepEqual(old?.summary, computeStats([4, 2, 3, 1]));
  t.deepEqual((await store.acceptedResult('j2'))?.samples, [7, 8]);
  t.is((await store.acceptedResult('j2'))?.summary, null);
  t.deepEqual((await e.rows(store, 'SELECT job_id, COUNT(*) AS n FROM samples GROUP BY job_id')).map((r) => [r['job_id'], Number(r['n'])]), [['j2', 2]]);
  // Compacting again finds nothing left to compact below the cutoff.
  t.is(await store.compactSamples(2000, 9100), 0);
  t.is(await store.compactSamples(6000, 9200), 1);
});

test('nearest-rank percentiles and sample standard deviation', (t) => {
  t.is(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  t.is(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  t.is(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), 10);
  t.is(nearestRank([7], 1), 7);
  const s = computeStats([4, 2, 3, 1]);
  t.is(s.p50, 2);
  t.is(s.min, 1);
  t.true(Math.abs(s.stddev - Math.sqrt(5 / 3)) < 1e-12);
});

test('artifacts: hash checked on write (corrupt and truncated uploads rejected) and on read', async (t) => {
  const dir = await tempDir(t, 'etbench-art-');
  const artifacts = new ArtifactStore(dir);
  const data = Buffer.from('hello artifacts');
  const sha = sha256Of(data);
  await artifacts.append(sha, 0, data.subarray(0, 5), data.length);
  t.is(await artifacts.received(sha), 5);
  await t.throwsAsync(artifacts.append(sha, 3, data.subarray(3), data.length), { instanceOf: ArtifactError, message: /resume at 5/ });
  await t.throwsAsync(artifacts.commit(sha, data.length), { message: /truncated: 5 of 15/ });
  await artifacts.append(sha, 5, data.subarray(5), data.length);
  await artifacts.commit(sha, data.length);
  t.deepEqual(await artifacts.read(sha), data);
  await t.throwsAsync(artifacts.append(sha256Of(Buffer.from('big')), 0, data, 5 * 1024 ** 3), { message: /the limit is/ });
  const bad = sha256Of(Buffer.from('other'));
  await artifacts.append(bad, 0, data, data.length);
  await t.throwsAsync(artifacts.commit(bad, data.length), { message: /hashes to/ });
  t.false(await artifacts.has(bad));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path.join(dir, sha.slice(0, 2), sha), 'tampered');
  await t.throwsAsync(artifacts.read(sha), { message: /damaged on disk/ });
});
