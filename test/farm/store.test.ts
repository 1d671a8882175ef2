// The SQLite store: migrations, conditional leases, expiry with bounded retries, idempotent
// result ingestion with the one-accepted-result-per-job constraint, raw samples kept.
import test from 'ava';
import path from 'node:path';
import { JobResult, ResultStatus, type ProgramRef, type RuntimeConfig, type SubmitRunRequest } from '../../proto/index.js';
import { ArtifactError, ArtifactStore, MIGRATIONS, SqliteStore, computeStats, nearestRank, sha256Of } from '../../orchestrator/index.js';
import type { NewJob } from '../../orchestrator/store/store.js';
import { tempDir } from '../helpers/temp-dir.js';

const program: ProgramRef = { sha256: 'a'.repeat(64), name: 'p.pte', size: 1, methods: ['forward'], operators: [], delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0 };
const config: RuntimeConfig = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: '' };
const request: SubmitRunRequest = { programs: [program], methods: [], devices: ['all'], configs: [], priority: 0, timeoutMs: 0, memoryLimitBytes: 0, label: '', maxAttempts: 0, runtime: undefined };

function job(id: string, maxAttempts = 2): NewJob {
  return { id, seq: Number(id.slice(1)), program, method: '', deviceId: 'd1', selector: 'all', config, configKey: 'k', runtime: null, state: 'queued', reason: '', maxAttempts, timeoutMs: 1000, memoryLimitBytes: 1 };
}

async function storeWithRun(t: import('ava').ExecutionContext): Promise<SqliteStore> {
  const dir = await tempDir(t, 'etbench-store-');
  const store = new SqliteStore(path.join(dir, 'farm.db'));
  t.teardown(() => store.close());
  await store.createRun({ id: 'r1', createdMs: 1, label: '', state: 'running', priority: 0, request }, [job('j1'), job('j2')]);
  return store;
}

const ok = (jobId: string, attempt: number, samples: number[]): JobResult =>
  JobResult.fromPartial({ jobId, attempt, deviceId: 'd1', status: ResultStatus.RESULT_STATUS_OK, samplesMs: samples });

test('migrations run once and record their version; reopening the file keeps the data', async (t) => {
  const dir = await tempDir(t, 'etbench-store-');
  const file = path.join(dir, 'farm.db');
  const a = new SqliteStore(file);
  t.is(a.schemaVersion, MIGRATIONS.at(-1)!.version);
  await a.createRun({ id: 'r1', createdMs: 1, label: 'x', state: 'running', priority: 0, request }, [job('j1')]);
  await a.close();
  const b = new SqliteStore(file);
  t.is((b.handle.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n, MIGRATIONS.length);
  t.is((await b.jobsOfRun('r1')).length, 1);
  await b.close();
});

test('a lease is a conditional update: the second taker of a queued job gets nothing', async (t) => {
  const store = await storeWithRun(t);
  const first = await store.leaseJob('j1', 'agent-a', 'd1', 100, 0);
  t.is(first?.attempt, 1);
  t.is(await store.leaseJob('j1', 'agent-b', 'd1', 100, 0), null);
  t.is((await store.getJob('j1'))?.leaseAgent, 'agent-a');
});

test('heartbeats renew only the leases of busy devices; expired leases requeue, then fail after the last attempt', async (t) => {
  const store = await storeWithRun(t);
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

test('results are ingested idempotently on (job, attempt); a stale attempt is never accepted; samples are kept', async (t) => {
  const store = await storeWithRun(t);
  await store.leaseJob('j1', 'a', 'd1', 100, 0);
  await store.expireLeases(200);
  await store.leaseJob('j1', 'b', 'd1', 1000, 210);
  const stale = await store.ingestResult(ok('j1', 1, [9]), 220);
  t.false(stale.accepted);
  const first = await store.ingestResult(ok('j1', 2, [3, 1, 2]), 230);
  t.true(first.accepted && first.changed);
  t.is(first.job?.state, 'done');
  const again = await store.ingestResult(ok('j1', 2, [3, 1, 2]), 240);
  t.true(again.accepted);
  t.false(again.changed);
  t.deepEqual((await store.acceptedResult('j1'))?.samples, [3, 1, 2]);
  const rows = store.handle.prepare('SELECT job_id, COUNT(*) AS n FROM results WHERE accepted = 1 GROUP BY job_id').all();
  t.deepEqual(rows, [{ job_id: 'j1', n: 1 }]);
  // The constraint itself, not only the code path, forbids a second accepted result.
  const insert = (): unknown => store.handle.prepare(`INSERT INTO results (job_id, attempt, device_id, status, accepted, received_ms, result) VALUES ('j1', 9, 'd1', 'OK', 1, 0, x'')`).run();
  t.throws(insert, { any: true, code: 'SQLITE_CONSTRAINT_UNIQUE' } as never);
  t.true(await store.finishRunIfDone('r1') === false);
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
