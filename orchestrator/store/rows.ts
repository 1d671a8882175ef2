/**
 * The rows both store engines read back (jobs, runs, result summaries) and how they become the
 * store interface's objects: the column names are the same in SQLite and PostgreSQL.
 */
import { ProgramRef, RuntimeBuild, RuntimeConfig, SubmitRunRequest, type Stats } from '../../proto/index.js';
import type { JobRow, JobState, RunRow, RunState } from './store.js';

export interface JobRecord {
  id: string; run_id: string; seq: number; program: Buffer; program_sha256: string; method: string;
  device_id: string | null; selector: string; config: Buffer; config_key: string; priority: number;
  state: JobState; attempt: number; max_attempts: number; lease_agent: string | null; lease_device: string | null;
  lease_expires_ms: number | null; reason: string; timeout_ms: number; memory_limit_bytes: number;
  created_ms: number; updated_ms: number; first_leased_ms: number | null; runtime: Buffer | null;
}

export interface RunRecord { id: string; created_ms: number; label: string; state: RunState; priority: number; request: Buffer }

export function jobRow(r: JobRecord): JobRow {
  return {
    id: r.id, runId: r.run_id, seq: r.seq, program: ProgramRef.decode(r.program), method: r.method,
    deviceId: r.device_id, selector: r.selector, config: RuntimeConfig.decode(r.config), configKey: r.config_key,
    priority: r.priority, state: r.state, attempt: r.attempt, maxAttempts: r.max_attempts, leaseAgent: r.lease_agent,
    leaseDevice: r.lease_device, leaseExpiresMs: r.lease_expires_ms, reason: r.reason, timeoutMs: r.timeout_ms,
    memoryLimitBytes: r.memory_limit_bytes, createdMs: r.created_ms, updatedMs: r.updated_ms, firstLeasedMs: r.first_leased_ms,
    runtime: r.runtime === null ? null : RuntimeBuild.decode(r.runtime),
  };
}

export function runRow(r: RunRecord): RunRow {
  return { id: r.id, createdMs: r.created_ms, label: r.label, state: r.state, priority: r.priority, request: SubmitRunRequest.decode(r.request) };
}

export interface SummaryRecord { n: number; min_ms: number; p50_ms: number; p90_ms: number; p99_ms: number; mean_ms: number; stddev_ms: number }

export const summary = (s: SummaryRecord): Stats =>
  ({ n: s.n, min: s.min_ms, p50: s.p50_ms, p90: s.p90_ms, p99: s.p99_ms, mean: s.mean_ms, stddev: s.stddev_ms });

export const bytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);


/** A runtime_builds row: the record names a build; its capabilities travel with each request. */
export type BuildRow = Omit<RuntimeBuild, 'capabilities'>;
export const buildOf = (r: BuildRow): RuntimeBuild => ({ ...r, capabilities: undefined });
