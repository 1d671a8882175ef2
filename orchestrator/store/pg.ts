// The PostgreSQL engine of the store, for several orchestrator replicas sharing one database.
// Exactly-once holds in the database, not in any one process: a lease is a conditional update
// of a row locked with FOR UPDATE SKIP LOCKED (a replica never waits on a job another replica
// is taking, and never takes it too), results are keyed on (job, attempt), and a partial unique
// index allows one accepted result per job. Replicas wake each other with NOTIFY on the
// `etbench_work` channel whenever jobs become takeable or change state.

import pg from 'pg';
import { Device, JobResult, ProgramRef, ResultStatus, RuntimeBuild, RuntimeConfig, SubmitRunRequest } from '../../proto/index.js';
import { computeStats } from '../stats.js';
import { PG_MIGRATIONS } from './migrations-pg.js';
import { buildOf, bytes, jobRow, runRow, summary, type BuildRow, type JobRecord, type RunRecord, type SummaryRecord } from './rows.js';
import type { AuditEntry, DeviceActivity, IngestOutcome, JobRow, JobState, NewJob, NightlyPointRow, RunRow, RunState, Store, StoredResult } from './store.js';

export const WORK_CHANNEL = 'etbench_work';
/** Serializes migrations of replicas that start together (an arbitrary constant key). */
const MIGRATION_LOCK = 0x65746230;


// BIGINT milliseconds and sizes arrive as numbers (all below 2^53), not strings.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

type Queryable = pg.Pool | pg.PoolClient;

async function inTransaction<T>(pool: pg.Pool, body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await body(client);
    await client.query('COMMIT');
    return value;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Runs the migrations the database has not seen, one replica at a time; returns the version. */
export async function migratePg(pool: pg.Pool): Promise<number> {
  const latest = PG_MIGRATIONS.at(-1)?.version ?? 0;
  return inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)');
    const current = Number((await c.query('SELECT MAX(version) AS v FROM schema_version')).rows[0]?.v ?? 0);
    if (current > latest) throw new Error(`store schema version ${current} is newer than this etbench knows (${latest}); upgrade etbench`);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= current) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO schema_version (version, name, applied_ms) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
    }
    return latest;
  });
}

export class PgStore implements Store {
  schemaVersion = 0;
  readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private closed: Promise<void> | null = null;
  private readonly wakeups = new Set<(runId: string) => void>();

  private constructor(readonly address: string) {
    this.pool = new pg.Pool({ connectionString: address, types, max: 8 });
    // An idle client's connection dropping must not crash the orchestrator; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  /** Connects and migrates; rejects with the server's reason when the database is unreachable. */
  static async open(address: string): Promise<PgStore> {
    const store = new PgStore(address);
    try {
      store.schemaVersion = await migratePg(store.pool);
    } catch (e) {
      await store.pool.end().catch(() => undefined);
      throw new Error(`store ${redact(address)}: ${(e as Error).message}`);
    }
    return store;
  }

  /** Calls back (with the run id) when any replica changes jobs: LISTEN on a dedicated connection. */
  async onChange(callback: (runId: string) => void): Promise<void> {
    this.wakeups.add(callback);
    if (this.listener === null) await this.listen();
  }

  private wake(runId: string): void {
    for (const wake of this.wakeups) wake(runId);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.address, types });
    client.on('notification', (n) => this.wake(n.payload ?? ''));
    const lost = (): void => {
      if (this.listener !== client) return;
      this.listener = null;
      this.relisten();
    };
    client.on('error', lost);
    client.on('end', lost);
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
    } catch (e) {
      if (this.listener === client) this.listener = null;
      await client.end().catch(() => undefined);
      throw e;
    }
  }

  /** A lost listening connection is re-established every second until it works; notifications
   * sent meanwhile are gone, so the reconnect itself wakes everyone to look at the queue again. */
  private relisten(): void {
    if (this.closed !== null) return;
    setTimeout(() => {
      if (this.closed !== null || this.listener !== null) return;
      this.listen().then(() => this.wake(''), () => this.relisten());
    }, 1000).unref();
  }

  private notify(q: Queryable, runId: string): Promise<unknown> {
    // Inside a transaction the notification is delivered on commit, never for a rollback.
    return q.query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, runId]);
  }

  private async jobs(q: Queryable, sql: string, params: unknown[]): Promise<JobRow[]> {
    return ((await q.query(sql, params)).rows as JobRecord[]).map(jobRow);
  }

  async createRun(run: RunRow, jobs: readonly NewJob[]): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO runs (id, created_ms, label, state, priority, request) VALUES ($1, $2, $3, $4, $5, $6)',
        [run.id, run.createdMs, run.label, run.state, run.priority, bytes(SubmitRunRequest.encode(run.request).finish())]);
      for (const j of jobs) {
        await c.query(`INSERT INTO jobs (id, run_id, seq, program, program_sha256, method, device_id, selector, config,
          config_key, priority, state, max_attempts, reason, timeout_ms, memory_limit_bytes, created_ms, updated_ms, runtime)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
        [j.id, run.id, j.seq, bytes(ProgramRef.encode(j.program).finish()), j.program.sha256, j.method, j.deviceId, j.selector,
          bytes(RuntimeConfig.encode(j.config).finish()), j.configKey, run.priority, j.state, j.maxAttempts, j.reason, j.timeoutMs,
          j.memoryLimitBytes, run.createdMs, run.createdMs, j.runtime === null ? null : bytes(RuntimeBuild.encode(j.runtime).finish())]);
      }
      await this.notify(c, run.id);
    });
  }

  async getRun(id: string): Promise<RunRow | null> {
    const r = (await this.pool.query('SELECT * FROM runs WHERE id = $1', [id])).rows[0] as RunRecord | undefined;
    return r === undefined ? null : runRow(r);
  }

  async listRuns(limit: number): Promise<RunRow[]> {
    return ((await this.pool.query('SELECT * FROM runs ORDER BY created_ms DESC, ord DESC LIMIT $1', [limit])).rows as RunRecord[]).map(runRow);
  }

  async runsInState(state: RunState): Promise<RunRow[]> {
    return ((await this.pool.query('SELECT * FROM runs WHERE state = $1 ORDER BY created_ms, ord', [state])).rows as RunRecord[]).map(runRow);
  }

  async setRunState(id: string, state: RunState): Promise<void> {
    await this.pool.query('UPDATE runs SET state = $1 WHERE id = $2', [state, id]);
  }

  jobsOfRun(runId: string): Promise<JobRow[]> {
    return this.jobs(this.pool, 'SELECT * FROM jobs WHERE run_id = $1 ORDER BY seq', [runId]);
  }

  async getJob(id: string): Promise<JobRow | null> {
    return (await this.jobs(this.pool, 'SELECT * FROM jobs WHERE id = $1', [id]))[0] ?? null;
  }

  queuedJobsFor(deviceId: string, limit: number): Promise<JobRow[]> {
    // A plain read: the lease below is what decides, so a stale candidate only costs a retry.
    return this.jobs(this.pool, `(SELECT * FROM jobs WHERE state = 'queued' AND device_id = $1
        ORDER BY priority DESC, created_ms, seq LIMIT 1)
      UNION ALL
      (SELECT * FROM jobs WHERE state = 'queued' AND device_id IS NULL ORDER BY priority DESC, created_ms, seq LIMIT $2)
      ORDER BY priority DESC, created_ms, seq LIMIT $2`, [deviceId, limit]);
  }

  async leaseJob(jobId: string, agentId: string, deviceId: string, expiresMs: number, nowMs: number): Promise<JobRow | null> {
    // The row is locked (or skipped when another replica holds it) and re-checked to be queued:
    // of any number of concurrent takers exactly one updates it.
    const rows = await this.jobs(this.pool, `UPDATE jobs SET state = 'leased', attempt = attempt + 1, lease_agent = $1, lease_device = $2,
        lease_expires_ms = $3, updated_ms = $4, first_leased_ms = COALESCE(first_leased_ms, $4)
      WHERE id = (SELECT id FROM jobs WHERE id = $5 AND state = 'queued' FOR UPDATE SKIP LOCKED) AND state = 'queued'
      RETURNING *`, [agentId, deviceId, expiresMs, nowMs, jobId]);
    return rows[0] ?? null;
  }

  async unleaseJob(jobId: string, attempt: number, nowMs: number): Promise<boolean> {
    const r = await this.pool.query(`WITH u AS (UPDATE jobs SET state = 'queued', attempt = attempt - 1, lease_agent = NULL, lease_device = NULL,
        lease_expires_ms = NULL, updated_ms = $1 WHERE id = $2 AND state = 'leased' AND attempt = $3 RETURNING run_id)
      SELECT run_id, pg_notify($4, run_id) FROM u`, [nowMs, jobId, attempt, WORK_CHANNEL]);
    return r.rowCount === 1;
  }

  async requeueLost(jobId: string, attempt: number, nowMs: number, reason: string): Promise<'queued' | 'failed' | null> {
    return inTransaction(this.pool, async (c) => {
      const row = (await c.query(`SELECT run_id, attempt, max_attempts FROM jobs WHERE id = $1 AND state = 'leased' AND attempt = $2 FOR UPDATE`,
        [jobId, attempt])).rows[0] as { run_id: string; attempt: number; max_attempts: number } | undefined;
      if (row === undefined) return null;
      const out = row.attempt >= row.max_attempts;
      await c.query(out
        ? `UPDATE jobs SET state = 'failed', lease_expires_ms = NULL, updated_ms = $1, reason = $2 WHERE id = $3`
        : `UPDATE jobs SET state = 'queued', lease_agent = NULL, lease_device = NULL, lease_expires_ms = NULL, updated_ms = $1, reason = $2 WHERE id = $3`,
      [nowMs, out ? `${reason}; no attempts left (${row.max_attempts})` : reason, jobId]);
      await this.notify(c, row.run_id);
      return out ? 'failed' : 'queued';
    });
  }

  async renewLeases(agentId: string, deviceIds: readonly string[], expiresMs: number): Promise<number> {
    if (deviceIds.length === 0) return 0;
    const r = await this.pool.query(`UPDATE jobs SET lease_expires_ms = $1 WHERE state = 'leased' AND lease_agent = $2
      AND lease_device = ANY($3::text[])`, [expiresMs, agentId, deviceIds]);
    return r.rowCount ?? 0;
  }

  async extendLeases(expiresMs: number): Promise<void> {
    await this.pool.query(`UPDATE jobs SET lease_expires_ms = GREATEST(lease_expires_ms, $1) WHERE state = 'leased'`, [expiresMs]);
  }

  async expireLeases(nowMs: number): Promise<JobRow[]> {
    // Every replica runs this; the locked rows of one are skipped by the others.
    return inTransaction(this.pool, async (c) => {
      const expired = (await c.query(`SELECT * FROM jobs WHERE state = 'leased' AND lease_expires_ms < $1 FOR UPDATE SKIP LOCKED`, [nowMs])).rows as JobRecord[];
      const changed: JobRow[] = [];
      for (const j of expired) {
        const lost = `lease expired: agent ${j.lease_agent ?? '?'} went silent while running it on ${j.lease_device ?? '?'} (attempt ${j.attempt})`;
        const rows = j.attempt >= j.max_attempts
          ? await this.jobs(c, `UPDATE jobs SET state = 'failed', lease_expires_ms = NULL, updated_ms = $1, reason = $2
              WHERE id = $3 AND state = 'leased' AND attempt = $4 RETURNING *`, [nowMs, `${lost}; no attempts left (${j.max_attempts})`, j.id, j.attempt])
          : await this.jobs(c, `UPDATE jobs SET state = 'queued', lease_agent = NULL, lease_device = NULL, lease_expires_ms = NULL,
              updated_ms = $1, reason = $2 WHERE id = $3 AND state = 'leased' AND attempt = $4 RETURNING *`, [nowMs, lost, j.id, j.attempt]);
        if (rows[0] !== undefined) {
          changed.push(rows[0]);
          await this.notify(c, j.run_id);
        }
      }
      return changed;
    });
  }

  leasedJobsOf(agentId: string): Promise<JobRow[]> {
    return this.jobs(this.pool, `SELECT * FROM jobs WHERE state = 'leased' AND lease_agent = $1`, [agentId]);
  }

  async ingestResult(result: JobResult, nowMs: number): Promise<IngestOutcome> {
    return inTransaction(this.pool, async (c) => {
      // The job row's lock orders concurrent deliveries of results for one job (any replica).
      const record = (await c.query('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [result.jobId])).rows[0] as JobRecord | undefined;
      if (record === undefined) return { accepted: false, job: null, changed: false };
      const existing = (await c.query('SELECT accepted FROM results WHERE job_id = $1 AND attempt = $2', [result.jobId, result.attempt])).rows[0] as
        { accepted: number } | undefined;
      if (existing !== undefined) return { accepted: existing.accepted === 1, job: jobRow(record), changed: false };
      const current = record.state === 'leased' && record.attempt === result.attempt;
      const status = ResultStatus[result.status] ?? String(result.status);
      await c.query('INSERT INTO results (job_id, attempt, device_id, status, accepted, received_ms, result) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [result.jobId, result.attempt, result.deviceId, status, current ? 1 : 0, nowMs, bytes(JobResult.encode({ ...result, samplesMs: [] }).finish())]);
      if (result.samplesMs.length > 0) {
        await c.query(`INSERT INTO samples (job_id, attempt, idx, value_ms)
          SELECT $1, $2, s.i - 1, s.v FROM unnest($3::float8[]) WITH ORDINALITY AS s(v, i)`, [result.jobId, result.attempt, result.samplesMs]);
      }
      if (!current) return { accepted: false, job: jobRow(record), changed: true };
      // A run that answered is final: a crash or a wrong result is the program's answer.
      const ok = result.status === ResultStatus.RESULT_STATUS_OK;
      const job = (await this.jobs(c, `UPDATE jobs SET state = $1, reason = $2, lease_expires_ms = NULL, lease_device = $3, updated_ms = $4
        WHERE id = $5 RETURNING *`, [ok ? 'done' : 'failed', ok ? '' : result.problem || status, result.deviceId, nowMs, result.jobId]))[0]!;
      await this.notify(c, job.runId);
      return { accepted: true, job, changed: true };
    });
  }

  async acceptedResult(jobId: string): Promise<StoredResult | null> {
    const r = (await this.pool.query('SELECT attempt, result FROM results WHERE job_id = $1 AND accepted = 1', [jobId])).rows[0] as
      { attempt: number; result: Buffer } | undefined;
    if (r === undefined) return null;
    const samples = ((await this.pool.query('SELECT value_ms FROM samples WHERE job_id = $1 AND attempt = $2 ORDER BY idx', [jobId, r.attempt])).rows as
      { value_ms: number }[]).map((s) => s.value_ms);
    const result = JobResult.decode(r.result);
    result.samplesMs = samples;
    const s = (await this.pool.query('SELECT * FROM sample_summaries WHERE job_id = $1 AND attempt = $2', [jobId, r.attempt])).rows[0] as SummaryRecord | undefined;
    return { result, samples, summary: s === undefined ? null : summary(s) };
  }

  async compactSamples(receivedBeforeMs: number, nowMs: number): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      // Locked and skipped like leases, so two replicas compacting at once split the work.
      const old = (await c.query(`SELECT r.job_id, r.attempt FROM results r WHERE r.received_ms < $1
        AND EXISTS (SELECT 1 FROM samples s WHERE s.job_id = r.job_id AND s.attempt = r.attempt) FOR UPDATE OF r SKIP LOCKED`, [receivedBeforeMs])).rows as
        { job_id: string; attempt: number }[];
      for (const r of old) {
        const values = ((await c.query('SELECT value_ms FROM samples WHERE job_id = $1 AND attempt = $2', [r.job_id, r.attempt])).rows as { value_ms: number }[]).map((x) => x.value_ms);
        const st = computeStats(values);
        await c.query(`INSERT INTO sample_summaries (job_id, attempt, n, min_ms, p50_ms, p90_ms, p99_ms, mean_ms, stddev_ms, compacted_ms)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [r.job_id, r.attempt, st.n, st.min, st.p50, st.p90, st.p99, st.mean, st.stddev, nowMs]);
        await c.query('DELETE FROM samples WHERE job_id = $1 AND attempt = $2', [r.job_id, r.attempt]);
      }
      return old.length;
    });
  }

  async recordAudit(e: AuditEntry): Promise<void> {
    await this.pool.query('INSERT INTO audit (time_ms, actor, action, object_id, outcome, detail, peer) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [e.timeMs, e.actor, e.action, e.objectId, e.outcome, e.detail, e.peer]);
  }

  async auditEntries(limit: number, sinceMs = 0): Promise<AuditEntry[]> {
    const rows = (await this.pool.query(`SELECT time_ms, actor, action, object_id, outcome, detail, peer FROM audit
      WHERE time_ms >= $1 ORDER BY id DESC LIMIT $2`, [sinceMs, limit])).rows as { time_ms: string; actor: string; action: string; object_id: string; outcome: 'ok' | 'refused'; detail: string; peer: string }[];
    return rows.map((r) => ({ timeMs: Number(r.time_ms), actor: r.actor, action: r.action, objectId: r.object_id, outcome: r.outcome, detail: r.detail, peer: r.peer }));
  }

  async cancelRun(runId: string, nowMs: number): Promise<JobRow[]> {
    return inTransaction(this.pool, async (c) => {
      const leased = await this.jobs(c, `SELECT * FROM jobs WHERE run_id = $1 AND state = 'leased' FOR UPDATE`, [runId]);
      await c.query(`UPDATE jobs SET state = 'cancelled', reason = 'run cancelled', lease_expires_ms = NULL, updated_ms = $1
        WHERE run_id = $2 AND state IN ('queued', 'leased')`, [nowMs, runId]);
      await c.query(`UPDATE runs SET state = 'cancelled' WHERE id = $1 AND state = 'running'`, [runId]);
      await this.notify(c, runId);
      return leased;
    });
  }

  async finishRunIfDone(runId: string): Promise<boolean> {
    // Notified too: a replica watching the run may have heard its last result's NOTIFY before
    // this update, seen the run still running, and would otherwise never learn that it ended.
    const r = await this.pool.query(`WITH u AS (UPDATE runs SET state = 'done' WHERE id = $1 AND state = 'running'
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE run_id = $1 AND state IN ('queued', 'leased')) RETURNING id)
      SELECT pg_notify($2, id) FROM u`, [runId, WORK_CHANNEL]);
    return r.rowCount === 1;
  }

  async failJob(jobId: string, reason: string, nowMs: number): Promise<void> {
    await this.pool.query(`UPDATE jobs SET state = 'failed', reason = $1, lease_expires_ms = NULL, updated_ms = $2
      WHERE id = $3 AND state IN ('queued', 'leased')`, [reason, nowMs, jobId]);
  }

  async upsertDevice(device: Device, agentId: string, nowMs: number): Promise<void> {
    await this.pool.query(`INSERT INTO devices (id, unit_id, agent_id, last_seen_ms, device) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, agent_id = excluded.agent_id, last_seen_ms = excluded.last_seen_ms,
      device = excluded.device`, [device.id, device.unitId, agentId, nowMs, bytes(Device.encode(device).finish())]);
  }

  async touchDevices(agentId: string, nowMs: number): Promise<void> {
    await this.pool.query('UPDATE devices SET last_seen_ms = $1 WHERE agent_id = $2', [nowMs, agentId]);
  }

  async queuedDeviceIds(): Promise<string[]> {
    const rows = (await this.pool.query(`SELECT DISTINCT device_id FROM jobs WHERE state = 'queued' AND device_id IS NOT NULL`)).rows as { device_id: string }[];
    return rows.map((r) => r.device_id);
  }

  async failQueuedJobsOn(deviceId: string, reason: string, nowMs: number): Promise<JobRow[]> {
    return this.jobs(this.pool, `UPDATE jobs SET state = 'failed', reason = $1, updated_ms = $2 WHERE state = 'queued' AND device_id = $3
      RETURNING *`, [reason, nowMs, deviceId]);
  }

  async queuedPoolSelectors(): Promise<string[]> {
    const rows = (await this.pool.query(`SELECT DISTINCT selector FROM jobs WHERE state = 'queued' AND device_id IS NULL`)).rows as { selector: string }[];
    return rows.map((r) => r.selector);
  }

  async failQueuedPoolJobs(selector: string, reason: string, nowMs: number): Promise<JobRow[]> {
    return this.jobs(this.pool, `UPDATE jobs SET state = 'failed', reason = $1, updated_ms = $2
      WHERE state = 'queued' AND device_id IS NULL AND selector = $3 RETURNING *`, [reason, nowMs, selector]);
  }

  async listDevices(): Promise<{ device: Device; agentId: string; lastSeenMs: number }[]> {
    const rows = (await this.pool.query('SELECT agent_id, last_seen_ms, device FROM devices ORDER BY id')).rows as
      { agent_id: string; last_seen_ms: number; device: Buffer }[];
    return rows.map((r) => ({ device: Device.decode(r.device), agentId: r.agent_id, lastSeenMs: r.last_seen_ms }));
  }

  async recordArtifact(info: { sha256: string; size: number; name: string; kind: string }, nowMs: number): Promise<void> {
    await this.pool.query(`INSERT INTO artifacts (sha256, size, name, kind, created_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [info.sha256, info.size, info.name, info.kind, nowMs]);
  }

  async recordRuntimeBuild(build: RuntimeBuild, nowMs: number): Promise<void> {
    await this.pool.query(`INSERT INTO runtime_builds (sha256, git, abi, version, build, created_ms) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT DO NOTHING`, [build.sha256, build.git, build.abi, build.version, build.build, nowMs]);
  }

  async runtimeBuild(sha256: string): Promise<RuntimeBuild | null> {
    const row = (await this.pool.query(`SELECT sha256, git, abi, version, build FROM runtime_builds WHERE sha256 = $1`, [sha256])).rows[0] as BuildRow | undefined;
    return row === undefined ? null : buildOf(row);
  }

  async runtimeBuilds(git: string): Promise<RuntimeBuild[]> {
    return ((await this.pool.query(`SELECT sha256, git, abi, version, build FROM runtime_builds WHERE git = $1 ORDER BY created_ms DESC`, [git])).rows as BuildRow[]).map(buildOf);
  }

  async claimNightlySlot(suite: string, slotMs: number, nowMs: number): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO nightly_slots (suite, slot_ms, claimed_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [suite, slotMs, nowMs]);
    return r.rowCount === 1;
  }

  async addNightlyPoints(suite: string, points: readonly NightlyPointRow[]): Promise<void> {
    for (const p of points) {
      await this.pool.query('INSERT INTO nightly_points (suite, series_key, run_id, at_ms, identity, trials) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [suite, p.seriesKey, p.runId, p.atMs, p.identity, p.trials]);
    }
  }

  async nightlyPoints(suite: string): Promise<NightlyPointRow[]> {
    const r = await this.pool.query('SELECT series_key, run_id, at_ms, identity, trials FROM nightly_points WHERE suite = $1 ORDER BY at_ms, run_id', [suite]);
    return r.rows.map((row: Record<string, unknown>) => ({ seriesKey: String(row['series_key']), runId: String(row['run_id']), atMs: Number(row['at_ms']), identity: String(row['identity']), trials: String(row['trials']) }));
  }

  async jobCounts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, leased: 0, done: 0, failed: 0, cancelled: 0, unschedulable: 0 };
    const rows = (await this.pool.query('SELECT state, count(*)::int AS n FROM jobs GROUP BY state')).rows as { state: JobState; n: number }[];
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  async deviceActivity(): Promise<DeviceActivity[]> {
    const byDevice = new Map<string, DeviceActivity>();
    const entry = (id: string): DeviceActivity => {
      let a = byDevice.get(id);
      if (a === undefined) byDevice.set(id, (a = { deviceId: id, results: 0, failed: 0, currentJobId: null }));
      return a;
    };
    const results = (await this.pool.query(`SELECT device_id, count(*)::int AS n, sum(CASE WHEN status != 'RESULT_STATUS_OK' THEN 1 ELSE 0 END)::int AS bad
      FROM results WHERE accepted = 1 GROUP BY device_id`)).rows as { device_id: string; n: number; bad: number }[];
    for (const r of results) Object.assign(entry(r.device_id), { results: r.n, failed: r.bad });
    const leased = (await this.pool.query(`SELECT id, lease_device FROM jobs WHERE state = 'leased' AND lease_device IS NOT NULL`)).rows as { id: string; lease_device: string }[];
    for (const r of leased) entry(r.lease_device).currentJobId = r.id;
    return [...byDevice.values()];
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.wakeups.clear();
      const listener = this.listener;
      this.listener = null;
      await listener?.end().catch(() => undefined);
      await this.pool.end();
    })();
    return this.closed;
  }
}

/** The address without its password, for messages. */
export function redact(address: string): string {
  return address.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
