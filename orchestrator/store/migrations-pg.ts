// The PostgreSQL schema, migration for migration beside migrations.ts (same version numbers and
// names, so either engine's schema_version says the same thing). Times are BIGINT milliseconds
// (they overflow INTEGER); blobs are BYTEA. Never edit a released migration; add the next one in
// both files.

import { MIGRATIONS, type Migration } from './migrations.js';

const SQL: Record<number, string> = {
  1: `
    CREATE TABLE runs (
      id TEXT PRIMARY KEY,
      created_ms BIGINT NOT NULL,
      label TEXT NOT NULL DEFAULT '',
      state TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled')),
      priority INTEGER NOT NULL DEFAULT 0,
      request BYTEA NOT NULL,
      -- Insertion order, the tie-break for runs created in the same millisecond (SQLite's rowid).
      ord BIGSERIAL
    );
    CREATE INDEX runs_created ON runs (created_ms DESC, ord DESC);
    CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      run_id TEXT NOT NULL REFERENCES runs(id),
      seq INTEGER NOT NULL,
      program BYTEA NOT NULL,
      program_sha256 TEXT NOT NULL,
      method TEXT NOT NULL DEFAULT '',
      device_id TEXT,
      selector TEXT NOT NULL DEFAULT '',
      config BYTEA NOT NULL,
      config_key TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed', 'cancelled', 'unschedulable')),
      attempt INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL,
      lease_agent TEXT,
      lease_device TEXT,
      lease_expires_ms BIGINT,
      reason TEXT NOT NULL DEFAULT '',
      timeout_ms BIGINT NOT NULL,
      memory_limit_bytes BIGINT NOT NULL,
      created_ms BIGINT NOT NULL,
      updated_ms BIGINT NOT NULL,
      first_leased_ms BIGINT
    );
    CREATE INDEX jobs_queue ON jobs (state, priority DESC, created_ms, seq);
    CREATE INDEX jobs_device_queue ON jobs (device_id, state, priority DESC, created_ms, seq);
    CREATE INDEX jobs_run ON jobs (run_id, seq);
    CREATE INDEX jobs_run_state ON jobs (run_id, state);
    CREATE INDEX jobs_lease ON jobs (state, lease_expires_ms);
    CREATE TABLE results (
      job_id TEXT NOT NULL REFERENCES jobs(id),
      attempt INTEGER NOT NULL,
      device_id TEXT NOT NULL,
      status TEXT NOT NULL,
      accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
      received_ms BIGINT NOT NULL,
      result BYTEA NOT NULL,
      PRIMARY KEY (job_id, attempt)
    );
    -- At most one accepted result per job, whichever replica ingests it.
    CREATE UNIQUE INDEX results_one_accepted ON results (job_id) WHERE accepted = 1;
    CREATE TABLE samples (
      job_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      value_ms DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (job_id, attempt, idx),
      FOREIGN KEY (job_id, attempt) REFERENCES results (job_id, attempt)
    );
    CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      unit_id TEXT NOT NULL,
      agent_id TEXT NOT NULL,
      last_seen_ms BIGINT NOT NULL,
      device BYTEA NOT NULL
    );
    CREATE TABLE artifacts (
      sha256 TEXT PRIMARY KEY,
      size BIGINT NOT NULL,
      name TEXT NOT NULL,
      kind TEXT NOT NULL,
      created_ms BIGINT NOT NULL
    );
  `,
  2: `
    CREATE TABLE runtime_builds (
      sha256 TEXT PRIMARY KEY,
      git TEXT NOT NULL,
      abi TEXT NOT NULL,
      version TEXT NOT NULL,
      build TEXT NOT NULL,
      created_ms BIGINT NOT NULL
    );
    CREATE INDEX runtime_builds_git ON runtime_builds (git, abi);
    ALTER TABLE jobs ADD COLUMN runtime BYTEA;
  `,
  3: `
    CREATE TABLE sample_summaries (
      job_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      n INTEGER NOT NULL,
      min_ms DOUBLE PRECISION NOT NULL,
      p50_ms DOUBLE PRECISION NOT NULL,
      p90_ms DOUBLE PRECISION NOT NULL,
      p99_ms DOUBLE PRECISION NOT NULL,
      mean_ms DOUBLE PRECISION NOT NULL,
      stddev_ms DOUBLE PRECISION NOT NULL,
      compacted_ms BIGINT NOT NULL,
      PRIMARY KEY (job_id, attempt),
      FOREIGN KEY (job_id, attempt) REFERENCES results (job_id, attempt)
    );
    CREATE INDEX results_received ON results (received_ms);
  `,
  5: `
    CREATE TABLE nightly_slots (
      suite TEXT NOT NULL,
      slot_ms BIGINT NOT NULL,
      claimed_ms BIGINT NOT NULL,
      PRIMARY KEY (suite, slot_ms)
    );
    CREATE TABLE nightly_points (
      suite TEXT NOT NULL,
      series_key TEXT NOT NULL,
      run_id TEXT NOT NULL,
      at_ms BIGINT NOT NULL,
      identity TEXT NOT NULL,
      trials TEXT NOT NULL,
      PRIMARY KEY (suite, series_key, run_id)
    );
  `,
  7: `
    CREATE TABLE audit (
      id BIGSERIAL PRIMARY KEY,
      time_ms BIGINT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      object_id TEXT NOT NULL,
      outcome TEXT NOT NULL,
      detail TEXT NOT NULL,
      peer TEXT NOT NULL
    );
    CREATE INDEX audit_time ON audit (time_ms);
  `,
};

/** The SQLite migrations' versions and names with PostgreSQL's SQL; a missing one is a bug here. */
export const PG_MIGRATIONS: readonly Migration[] = MIGRATIONS.map((m) => {
  const sql = SQL[m.version];
  if (sql === undefined) throw new Error(`migration ${m.version} (${m.name}) has no PostgreSQL version in migrations-pg.ts`);
  return { ...m, sql };
});
