// The SQLite engine of the store (better-sqlite3: synchronous underneath, asynchronous to its
// callers). WAL mode so readers never block the writer; every multi-statement change is one
// transaction, so a kill -9 of the orchestrator leaves either all or none of it.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Device, JobResult, ProgramRef, ResultStatus, RuntimeBuild, RuntimeConfig, SubmitRunRequest } from '../../proto/index.js';
import { computeStats } from '../stats.js';
import { MIGRATIONS } from './migrations.js';
import { buildOf, bytes, jobRow, runRow, summary, type BuildRow, type JobRecord, type RunRecord, type SummaryRecord } from './rows.js';
import type { AuditEntry, DeviceActivity, IngestOutcome, JobRow, JobState, NewJob, NightlyPointRow, RunRow, RunState, Store, StoredResult } from './store.js';

/** Runs the migrations the database has not seen; returns the schema version. */
export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL)');
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
  const latest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > latest) throw new Error(`store schema version ${current} is newer than this etbench knows (${latest}); upgrade etbench`);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_ms) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    })();
  }
  return latest;
}

export class SqliteStore implements Store {
  readonly schemaVersion: number;
  private readonly db: Database.Database;

  /** Opens (creating if needed) the database file; ':memory:' for a throwaway store. */
  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.schemaVersion = migrate(this.db);
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text: preparing is most of the cost of a small statement. */
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The database handle, for tests that assert on rows. */
  get handle(): Database.Database {
    return this.db;
  }

  async createRun(run: RunRow, jobs: readonly NewJob[]): Promise<void> {
    const insertRun = this.stmt('INSERT INTO runs (id, created_ms, label, state, priority, request) VALUES (?, ?, ?, ?, ?, ?)');
    const insertJob = this.stmt(`INSERT INTO jobs (id, run_id, seq, program, program_sha256, method, device_id, selector, config,
      config_key, priority, state, max_attempts, reason, timeout_ms, memory_limit_bytes, created_ms, updated_ms, runtime)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      insertRun.run(run.id, run.createdMs, run.label, run.state, run.priority, bytes(SubmitRunRequest.encode(run.request).finish()));
      for (const j of jobs) {
        insertJob.run(j.id, run.id, j.seq, bytes(ProgramRef.encode(j.program).finish()), j.program.sha256, j.method, j.deviceId, j.selector,
          bytes(RuntimeConfig.encode(j.config).finish()), j.configKey, run.priority, j.state, j.maxAttempts, j.reason, j.timeoutMs,
          j.memoryLimitBytes, run.createdMs, run.createdMs, j.runtime === null ? null : bytes(RuntimeBuild.encode(j.runtime).finish()));
      }
    })();
  }

  async getRun(id: string): Promise<RunRow | null> {
    const r = this.stmt('SELECT * FROM runs WHERE id = ?').get(id) as RunRecord | undefined;
    return r === undefined ? null : runRow(r);
  }

  async listRuns(limit: number): Promise<RunRow[]> {
    return (this.stmt('SELECT * FROM runs ORDER BY created_ms DESC, rowid DESC LIMIT ?').all(limit) as RunRecord[]).map(runRow);
  }

  async runsInState(state: RunState): Promise<RunRow[]> {
    return (this.stmt('SELECT * FROM runs WHERE state = ? ORDER BY created_ms').all(state) as RunRecord[]).map(runRow);
  }

  async setRunState(id: string, state: RunState): Promise<void> {
    this.stmt('UPDATE runs SET state = ? WHERE id = ?').run(state, id);
  }

  async jobsOfRun(runId: string): Promise<JobRow[]> {
    return (this.stmt('SELECT * FROM jobs WHERE run_id = ? ORDER BY seq').all(runId) as JobRecord[]).map(jobRow);
  }

  async getJob(id: string): Promise<JobRow | null> {
    const r = this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as JobRecord | undefined;
    return r === undefined ? null : jobRow(r);
  }

  async queuedJobsFor(deviceId: string, limit: number): Promise<JobRow[]> {
    // Two index-friendly queries: the best job bound to the device, and pool jobs (which the
    // caller filters by selector and capability), merged in queue order.
    const bound = this.stmt(`SELECT * FROM jobs WHERE state = 'queued' AND device_id = ?
      ORDER BY priority DESC, created_ms, seq LIMIT 1`).all(deviceId) as JobRecord[];
    const pool = this.stmt(`SELECT * FROM jobs WHERE state = 'queued' AND device_id IS NULL
      ORDER BY priority DESC, created_ms, seq LIMIT ?`).all(limit) as JobRecord[];
    const order = (a: JobRecord, b: JobRecord): number => b.priority - a.priority || a.created_ms - b.created_ms || a.seq - b.seq;
    return [...bound, ...pool].sort(order).slice(0, limit).map(jobRow);
  }

  async leaseJob(jobId: string, agentId: string, deviceId: string, expiresMs: number, nowMs: number): Promise<JobRow | null> {
    const info = this.stmt(`UPDATE jobs SET state = 'leased', attempt = attempt + 1, lease_agent = ?, lease_device = ?,
      lease_expires_ms = ?, updated_ms = ?, first_leased_ms = COALESCE(first_leased_ms, ?) WHERE id = ? AND state = 'queued'`)
      .run(agentId, deviceId, expiresMs, nowMs, nowMs, jobId);
    return info.changes === 1 ? this.getJob(jobId) : null;
  }

  async unleaseJob(jobId: string, attempt: number, nowMs: number): Promise<boolean> {
    const info = this.stmt(`UPDATE jobs SET state = 'queued', attempt = attempt - 1, lease_agent = NULL, lease_device = NULL,
      lease_expires_ms = NULL, updated_ms = ? WHERE id = ? AND state = 'leased' AND attempt = ?`).run(nowMs, jobId, attempt);
    return info.changes === 1;
  }

  async requeueLost(jobId: string, attempt: number, nowMs: number, reason: string): Promise<'queued' | 'failed' | null> {
    const row = this.stmt(`SELECT attempt, max_attempts FROM jobs WHERE id = ? AND state = 'leased' AND attempt = ?`).get(jobId, attempt) as
      { attempt: number; max_attempts: number } | undefined;
    if (row === undefined) return null;
    if (row.attempt >= row.max_attempts) {
      this.stmt(`UPDATE jobs SET state = 'failed', lease_expires_ms = NULL, updated_ms = ?, reason = ? WHERE id = ? AND state = 'leased' AND attempt = ?`)
        .run(nowMs, `${reason}; no attempts left (${row.max_attempts})`, jobId, attempt);
      return 'failed';
    }
    this.stmt(`UPDATE jobs SET state = 'queued', lease_agent = NULL, lease_device = NULL, lease_expires_ms = NULL, updated_ms = ?, reason = ?
      WHERE id = ? AND state = 'leased' AND attempt = ?`).run(nowMs, reason, jobId, attempt);
    return 'queued';
  }

  async renewLeases(agentId: string, deviceIds: readonly string[], expiresMs: number): Promise<number> {
    if (deviceIds.length === 0) return 0;
    return this.stmt(`UPDATE jobs SET lease_expires_ms = ? WHERE state = 'leased' AND lease_agent = ?
      AND lease_device IN (SELECT value FROM json_each(?))`).run(expiresMs, agentId, JSON.stringify(deviceIds)).changes;
  }

  async extendLeases(expiresMs: number): Promise<void> {
    this.stmt(`UPDATE jobs SET lease_expires_ms = MAX(lease_expires_ms, ?) WHERE state = 'leased'`).run(expiresMs);
  }

  async expireLeases(nowMs: number): Promise<JobRow[]> {
    const expired = this.stmt(`SELECT * FROM jobs WHERE state = 'leased' AND lease_expires_ms < ?`).all(nowMs) as JobRecord[];
    const changed: string[] = [];
    const requeue = this.stmt(`UPDATE jobs SET state = 'queued', lease_agent = NULL, lease_device = NULL, lease_expires_ms = NULL,
      updated_ms = ?, reason = ? WHERE id = ? AND state = 'leased' AND attempt = ?`);
    const fail = this.stmt(`UPDATE jobs SET state = 'failed', lease_expires_ms = NULL, updated_ms = ?, reason = ?
      WHERE id = ? AND state = 'leased' AND attempt = ?`);
    this.db.transaction(() => {
      for (const j of expired) {
        const lost = `lease expired: agent ${j.lease_agent ?? '?'} went silent while running it on ${j.lease_device ?? '?'} (attempt ${j.attempt})`;
        const info = j.attempt >= j.max_attempts
          ? fail.run(nowMs, `${lost}; no attempts left (${j.max_attempts})`, j.id, j.attempt)
          : requeue.run(nowMs, lost, j.id, j.attempt);
        if (info.changes === 1) changed.push(j.id);
      }
    })();
    return Promise.all(changed.map(async (id) => (await this.getJob(id))!));
  }

  async leasedJobsOf(agentId: string): Promise<JobRow[]> {
    return (this.stmt(`SELECT * FROM jobs WHERE state = 'leased' AND lease_agent = ?`).all(agentId) as JobRecord[]).map(jobRow);
  }

  async ingestResult(result: JobResult, nowMs: number): Promise<IngestOutcome> {
    const outcome = this.db.transaction((): IngestOutcome => {
      const record = this.stmt('SELECT * FROM jobs WHERE id = ?').get(result.jobId) as JobRecord | undefined;
      if (record === undefined) return { accepted: false, job: null, changed: false };
      const existing = this.stmt('SELECT accepted FROM results WHERE job_id = ? AND attempt = ?').get(result.jobId, result.attempt) as
        { accepted: number } | undefined;
      if (existing !== undefined) return { accepted: existing.accepted === 1, job: jobRow(record), changed: false };
      const current = record.state === 'leased' && record.attempt === result.attempt;
      const status = ResultStatus[result.status] ?? String(result.status);
      this.stmt('INSERT INTO results (job_id, attempt, device_id, status, accepted, received_ms, result) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(result.jobId, result.attempt, result.deviceId, status, current ? 1 : 0, nowMs,
          bytes(JobResult.encode({ ...result, samplesMs: [] }).finish()));
      const insertSample = this.stmt('INSERT INTO samples (job_id, attempt, idx, value_ms) VALUES (?, ?, ?, ?)');
      result.samplesMs.forEach((v, i) => insertSample.run(result.jobId, result.attempt, i, v));
      if (!current) return { accepted: false, job: jobRow(record), changed: true };
      // A run that answered is final: a crash or a wrong result is the program's answer,
      // not a lost agent, so it is not retried.
      const ok = result.status === ResultStatus.RESULT_STATUS_OK;
      this.stmt(`UPDATE jobs SET state = ?, reason = ?, lease_expires_ms = NULL, lease_device = ?, updated_ms = ?
        WHERE id = ?`).run(ok ? 'done' : 'failed', ok ? '' : result.problem || status, result.deviceId, nowMs, result.jobId);
      return { accepted: true, job: jobRow(this.stmt('SELECT * FROM jobs WHERE id = ?').get(result.jobId) as JobRecord), changed: true };
    })();
    return outcome;
  }

  async acceptedResult(jobId: string): Promise<StoredResult | null> {
    const r = this.stmt('SELECT attempt, result FROM results WHERE job_id = ? AND accepted = 1').get(jobId) as
      { attempt: number; result: Buffer } | undefined;
    if (r === undefined) return null;
    const samples = (this.stmt('SELECT value_ms FROM samples WHERE job_id = ? AND attempt = ? ORDER BY idx').all(jobId, r.attempt) as
      { value_ms: number }[]).map((s) => s.value_ms);
    const result = JobResult.decode(r.result);
    result.samplesMs = samples;
    const s = this.stmt('SELECT * FROM sample_summaries WHERE job_id = ? AND attempt = ?').get(jobId, r.attempt) as SummaryRecord | undefined;
    return { result, samples, summary: s === undefined ? null : summary(s) };
  }

  async compactSamples(receivedBeforeMs: number, nowMs: number): Promise<number> {
    return this.db.transaction(() => {
      const old = this.stmt(`SELECT r.job_id, r.attempt FROM results r WHERE r.received_ms < ?
        AND EXISTS (SELECT 1 FROM samples s WHERE s.job_id = r.job_id AND s.attempt = r.attempt)`).all(receivedBeforeMs) as { job_id: string; attempt: number }[];
      const read = this.stmt('SELECT value_ms FROM samples WHERE job_id = ? AND attempt = ?');
      const keep = this.stmt(`INSERT INTO sample_summaries (job_id, attempt, n, min_ms, p50_ms, p90_ms, p99_ms, mean_ms, stddev_ms, compacted_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const drop = this.stmt('DELETE FROM samples WHERE job_id = ? AND attempt = ?');
      for (const r of old) {
        const st = computeStats((read.all(r.job_id, r.attempt) as { value_ms: number }[]).map((x) => x.value_ms));
        keep.run(r.job_id, r.attempt, st.n, st.min, st.p50, st.p90, st.p99, st.mean, st.stddev, nowMs);
        drop.run(r.job_id, r.attempt);
      }
      return old.length;
    })();
  }

  async cancelRun(runId: string, nowMs: number): Promise<JobRow[]> {
    return this.db.transaction(() => {
      const leased = (this.stmt(`SELECT * FROM jobs WHERE run_id = ? AND state = 'leased'`).all(runId) as JobRecord[]).map(jobRow);
      this.stmt(`UPDATE jobs SET state = 'cancelled', reason = 'run cancelled', lease_expires_ms = NULL, updated_ms = ?
        WHERE run_id = ? AND state IN ('queued', 'leased')`).run(nowMs, runId);
      this.stmt(`UPDATE runs SET state = 'cancelled' WHERE id = ? AND state = 'running'`).run(runId);
      return leased;
    })();
  }

  async finishRunIfDone(runId: string): Promise<boolean> {
    const info = this.stmt(`UPDATE runs SET state = 'done' WHERE id = ? AND state = 'running'
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE run_id = ? AND state IN ('queued', 'leased'))`).run(runId, runId);
    return info.changes === 1;
  }

  async failJob(jobId: string, reason: string, nowMs: number): Promise<void> {
    this.stmt(`UPDATE jobs SET state = 'failed', reason = ?, lease_expires_ms = NULL, updated_ms = ?
      WHERE id = ? AND state IN ('queued', 'leased')`).run(reason, nowMs, jobId);
  }

  async upsertDevice(device: Device, agentId: string, nowMs: number): Promise<void> {
    this.stmt(`INSERT INTO devices (id, unit_id, agent_id, last_seen_ms, device) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, agent_id = excluded.agent_id, last_seen_ms = excluded.last_seen_ms,
      device = excluded.device`).run(device.id, device.unitId, agentId, nowMs, bytes(Device.encode(device).finish()));
  }

  async touchDevices(agentId: string, nowMs: number): Promise<void> {
    this.stmt('UPDATE devices SET last_seen_ms = ? WHERE agent_id = ?').run(nowMs, agentId);
  }

  async queuedDeviceIds(): Promise<string[]> {
    return (this.stmt(`SELECT DISTINCT device_id FROM jobs WHERE state = 'queued' AND device_id IS NOT NULL`).all() as { device_id: string }[])
      .map((r) => r.device_id);
  }

  async failQueuedJobsOn(deviceId: string, reason: string, nowMs: number): Promise<JobRow[]> {
    return this.db.transaction(() => {
      const rows = (this.stmt(`SELECT * FROM jobs WHERE state = 'queued' AND device_id = ?`).all(deviceId) as JobRecord[]);
      this.stmt(`UPDATE jobs SET state = 'failed', reason = ?, updated_ms = ? WHERE state = 'queued' AND device_id = ?`).run(reason, nowMs, deviceId);
      return rows.map((r) => ({ ...jobRow(r), state: 'failed' as const, reason }));
    })();
  }

  async queuedPoolSelectors(): Promise<string[]> {
    return (this.stmt(`SELECT DISTINCT selector FROM jobs WHERE state = 'queued' AND device_id IS NULL`).all() as { selector: string }[])
      .map((r) => r.selector);
  }

  async failQueuedPoolJobs(selector: string, reason: string, nowMs: number): Promise<JobRow[]> {
    return this.db.transaction(() => {
      const rows = (this.stmt(`SELECT * FROM jobs WHERE state = 'queued' AND device_id IS NULL AND selector = ?`).all(selector) as JobRecord[]);
      this.stmt(`UPDATE jobs SET state = 'failed', reason = ?, updated_ms = ? WHERE state = 'queued' AND device_id IS NULL AND selector = ?`)
        .run(reason, nowMs, selector);
      return rows.map((r) => ({ ...jobRow(r), state: 'failed' as const, reason }));
    })();
  }

  async listDevices(): Promise<{ device: Device; agentId: string; lastSeenMs: number }[]> {
    const rows = this.stmt('SELECT agent_id, last_seen_ms, device FROM devices ORDER BY id').all() as
      { agent_id: string; last_seen_ms: number; device: Buffer }[];
    return rows.map((r) => ({ device: Device.decode(r.device), agentId: r.agent_id, lastSeenMs: r.last_seen_ms }));
  }

  async recordArtifact(info: { sha256: string; size: number; name: string; kind: string }, nowMs: number): Promise<void> {
    this.stmt(`INSERT OR IGNORE INTO artifacts (sha256, size, name, kind, created_ms) VALUES (?, ?, ?, ?, ?)`)
      .run(info.sha256, info.size, info.name, info.kind, nowMs);
  }

  async recordRuntimeBuild(build: RuntimeBuild, nowMs: number): Promise<void> {
    this.stmt(`INSERT OR IGNORE INTO runtime_builds (sha256, git, abi, version, build, created_ms) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(build.sha256, build.git, build.abi, build.version, build.build, nowMs);
  }

  async runtimeBuild(sha256: string): Promise<RuntimeBuild | null> {
    const row = this.stmt(`SELECT sha256, git, abi, version, build FROM runtime_builds WHERE sha256 = ?`).get(sha256) as BuildRow | undefined;
    return row === undefined ? null : buildOf(row);
  }

  async runtimeBuilds(git: string): Promise<RuntimeBuild[]> {
    return (this.stmt(`SELECT sha256, git, abi, version, build FROM runtime_builds WHERE git = ? ORDER BY created_ms DESC`).all(git) as BuildRow[]).map(buildOf);
  }

  async claimNightlySlot(suite: string, slotMs: number, nowMs: number): Promise<boolean> {
    return this.stmt('INSERT OR IGNORE INTO nightly_slots (suite, slot_ms, claimed_ms) VALUES (?, ?, ?)').run(suite, slotMs, nowMs).changes === 1;
  }

  async addNightlyPoints(suite: string, points: readonly NightlyPointRow[]): Promise<void> {
    const insert = this.stmt('INSERT OR IGNORE INTO nightly_points (suite, series_key, run_id, at_ms, identity, trials) VALUES (?, ?, ?, ?, ?, ?)');
    this.handle.transaction(() => {
      for (const p of points) insert.run(suite, p.seriesKey, p.runId, p.atMs, p.identity, p.trials);
    })();
  }

  async nightlyPoints(suite: string): Promise<NightlyPointRow[]> {
    return this.stmt(`SELECT series_key AS seriesKey, run_id AS runId, at_ms AS atMs, identity, trials FROM nightly_points WHERE suite = ? ORDER BY at_ms, run_id`).all(suite) as NightlyPointRow[];
  }

  async recordAudit(e: AuditEntry): Promise<void> {
    this.stmt('INSERT INTO audit (time_ms, actor, action, object_id, outcome, detail, peer) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.timeMs, e.actor, e.action, e.objectId, e.outcome, e.detail, e.peer);
  }

  async auditEntries(limit: number, sinceMs = 0): Promise<AuditEntry[]> {
    return (this.stmt(`SELECT time_ms AS timeMs, actor, action, object_id AS objectId, outcome, detail, peer FROM audit
      WHERE time_ms >= ? ORDER BY id DESC LIMIT ?`).all(sinceMs, limit) as AuditEntry[]).map((r) => ({ ...r, timeMs: Number(r.timeMs) }));
  }

  async jobCounts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { queued: 0, leased: 0, done: 0, failed: 0, cancelled: 0, unschedulable: 0 };
    for (const r of this.stmt('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as { state: JobState; n: number }[]) counts[r.state] = r.n;
    return counts;
  }

  async deviceActivity(): Promise<DeviceActivity[]> {
    const byDevice = new Map<string, DeviceActivity>();
    const entry = (id: string): DeviceActivity => {
      let a = byDevice.get(id);
      if (a === undefined) byDevice.set(id, (a = { deviceId: id, results: 0, failed: 0, currentJobId: null }));
      return a;
    };
    const results = this.stmt(`SELECT device_id, count(*) AS n, sum(status != 'RESULT_STATUS_OK') AS bad FROM results WHERE accepted = 1 GROUP BY device_id`)
      .all() as { device_id: string; n: number; bad: number }[];
    for (const r of results) Object.assign(entry(r.device_id), { results: r.n, failed: r.bad });
    for (const r of this.stmt(`SELECT id, lease_device FROM jobs WHERE state = 'leased' AND lease_device IS NOT NULL`).all() as { id: string; lease_device: string }[]) {
      entry(r.lease_device).currentJobId = r.id;
    }
    return [...byDevice.values()];
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
