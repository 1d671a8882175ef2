// Versioned schema migrations, shared in spirit by every engine: migration N runs once, in
// order, inside a transaction, and schema_version records it. Never edit a released migration;
// add the next one.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, jobs with leases, results with raw samples, devices, artifacts',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled')),
        priority INTEGER NOT NULL DEFAULT 0,
        request BLOB NOT NULL
      );
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id),
        seq INTEGER NOT NULL,
        program BLOB NOT NULL,
        program_sha256 TEXT NOT NULL,
        method TEXT NOT NULL DEFAULT '',
        device_id TEXT,
        selector TEXT NOT NULL DEFAULT '',
        config BLOB NOT NULL,
        config_key TEXT NOT NULL,
        priority INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed', 'cancelled', 'unschedulable')),
        attempt INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        lease_agent TEXT,
        lease_device TEXT,
        lease_expires_ms INTEGER,
        reason TEXT NOT NULL DEFAULT '',
        timeout_ms INTEGER NOT NULL,
        memory_limit_bytes INTEGER NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        first_leased_ms INTEGER
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
        received_ms INTEGER NOT NULL,
        result BLOB NOT NULL,
        PRIMARY KEY (job_id, attempt)
      );
      -- At most one accepted result per job, whatever the redeliveries and retries.
      CREATE UNIQUE INDEX results_one_accepted ON results (job_id) WHERE accepted = 1;
      CREATE TABLE samples (
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        value_ms REAL NOT NULL,
        PRIMARY KEY (job_id, attempt, idx),
        FOREIGN KEY (job_id, attempt) REFERENCES results (job_id, attempt)
      );
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        device BLOB NOT NULL
      );
      CREATE TABLE artifacts (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'runtime builds as artifacts (by git hash and ABI); the build a job runs',
    sql: `
      CREATE TABLE runtime_builds (
        sha256 TEXT PRIMARY KEY,
        git TEXT NOT NULL,
        abi TEXT NOT NULL,
        version TEXT NOT NULL,
        build TEXT NOT NULL,
        created_ms INTEGER NOT NULL
      );
      CREATE INDEX runtime_builds_git ON runtime_builds (git, abi);
      ALTER TABLE jobs ADD COLUMN runtime BLOB;
    `,
  },
  {
    version: 3,
    name: 'retention: raw samples of old results compacted to one summary row',
    sql: `
      CREATE TABLE sample_summaries (
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        n INTEGER NOT NULL,
        min_ms REAL NOT NULL,
        p50_ms REAL NOT NULL,
        p90_ms REAL NOT NULL,
        p99_ms REAL NOT NULL,
        mean_ms REAL NOT NULL,
        stddev_ms REAL NOT NULL,
        compacted_ms INTEGER NOT NULL,
        PRIMARY KEY (job_id, attempt),
        FOREIGN KEY (job_id, attempt) REFERENCES results (job_id, attempt)
      );
      CREATE INDEX results_received ON results (received_ms);
    `,
  },
  {
    version: 5,
    name: 'nightly schedule: each scheduled slot of a suite claimed once (restarts and replicas); the series history',
    sql: `
      CREATE TABLE nightly_slots (
        suite TEXT NOT NULL,
        slot_ms INTEGER NOT NULL,
        claimed_ms INTEGER NOT NULL,
        PRIMARY KEY (suite, slot_ms)
      );
      CREATE TABLE nightly_points (
        suite TEXT NOT NULL,
        series_key TEXT NOT NULL,
        run_id TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        identity TEXT NOT NULL,
        trials TEXT NOT NULL,
        PRIMARY KEY (suite, series_key, run_id)
      );
    `,
  },
  {
    version: 7,
    name: 'audit log: who did what to which object, and every refused attempt',
    sql: `
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time_ms INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        object_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        detail TEXT NOT NULL,
        peer TEXT NOT NULL
      );
      CREATE INDEX audit_time ON audit (time_ms);
    `,
  },
];
