// The store interface: everything the orchestrator keeps lives behind it, asynchronous so that a
// networked engine (PostgreSQL, for replicas) implements the same calls. Jobs and leases live
// here: a lease is a conditional update with an expiry, so two orchestrators sharing a store
// can never hand one job out twice.

import type { Device, JobResult, Stats, ProgramRef, RuntimeBuild, RuntimeConfig, SubmitRunRequest } from '../../proto/index.js';

export type JobState = 'queued' | 'leased' | 'done' | 'failed' | 'cancelled' | 'unschedulable';
export type RunState = 'running' | 'done' | 'cancelled';

export interface RunRow {
  id: string;
  createdMs: number;
  label: string;
  state: RunState;
  priority: number;
  request: SubmitRunRequest;
}

export interface NewJob {
  id: string;
  seq: number;
  program: ProgramRef;
  method: string;
  /** The device the job is bound to; null for a pool job (any device its selector matches). */
  deviceId: string | null;
  selector: string;
  config: RuntimeConfig;
  configKey: string;
  /** The uploaded runtime build the job runs; null: the device's own runtime. */
  runtime: RuntimeBuild | null;
  /** 'queued', or 'unschedulable' with the reason when no device can run it. */
  state: 'queued' | 'unschedulable';
  reason: string;
  maxAttempts: number;
  timeoutMs: number;
  memoryLimitBytes: number;
}

export interface JobRow extends Omit<NewJob, "state"> {
  runId: string;
  priority: number;
  state: JobState;
  attempt: number;
  leaseAgent: string | null;
  leaseDevice: string | null;
  leaseExpiresMs: number | null;
  createdMs: number;
  updatedMs: number;
  firstLeasedMs: number | null;
}

export interface StoredResult {
  result: JobResult;
  /** Raw samples as stored in their own rows; empty once retention compacted them. */
  samples: number[];
  /** The statistics kept when the raw samples were compacted; null while they are kept. */
  summary: Stats | null;
}

export interface IngestOutcome {
  /** True when this (job, attempt) is the job's accepted result (also on redelivery). */
  accepted: boolean;
  /** The job after ingestion; null for an unknown job. */
  job: JobRow | null;
  /** True only the first time; a redelivery changes nothing. */
  changed: boolean;
}

/** Per device: accepted results by outcome, and the job leased on it now (dashboards). */
export interface DeviceActivity {
  deviceId: string;
  results: number;
  /** Accepted results whose status is not OK. */
  failed: number;
  /** The job leased on the device now, or null. */
  currentJobId: string | null;
}

/** One night of one nightly series; identity and trials are JSON text (cli/nightly/history.ts). */
export interface NightlyPointRow {
  seriesKey: string;
  runId: string;
  atMs: number;
  identity: string;
  trials: string;
}

/** One audit-log entry: who (token name or certificate subject) did what to which object. */
export interface AuditEntry {
  timeMs: number;
  /** `token:NAME`, `cert:SUBJECT`, `anonymous`, or `unknown-token`. */
  actor: string;
  /** submit, cancel, upload, register-agent, or the refused call's name. */
  action: string;
  objectId: string;
  outcome: 'ok' | 'refused';
  /** For a refusal, why (the status message sent back). */
  detail: string;
  /** The caller's address as the orchestrator saw it. */
  peer: string;
}

export interface Store {
  readonly schemaVersion: number;
  createRun(run: RunRow, jobs: readonly NewJob[]): Promise<void>;
  getRun(id: string): Promise<RunRow | null>;
  /** Newest first. */
  listRuns(limit: number): Promise<RunRow[]>;
  runsInState(state: RunState): Promise<RunRow[]>;
  setRunState(id: string, state: RunState): Promise<void>;
  jobsOfRun(runId: string): Promise<JobRow[]>;
  getJob(id: string): Promise<JobRow | null>;
  /** Queued jobs a device might take, best first: bound to it, or pool jobs. */
  queuedJobsFor(deviceId: string, limit: number): Promise<JobRow[]>;
  /** Leases a queued job (attempt + 1); null when another taker won. */
  leaseJob(jobId: string, agentId: string, deviceId: string, expiresMs: number, nowMs: number): Promise<JobRow | null>;
  /** An offer the agent refused: back to the queue, the attempt not counted. */
  unleaseJob(jobId: string, attempt: number, nowMs: number): Promise<boolean>;
  /** A leased job whose device was lost mid-run: queued again (the attempt counts), or failed when attempts are spent. */
  requeueLost(jobId: string, attempt: number, nowMs: number, reason: string): Promise<'queued' | 'failed' | null>;
  /** Renews the leases of the jobs the agent says it is running (by device). */
  renewLeases(agentId: string, deviceIds: readonly string[], expiresMs: number): Promise<number>;
  /** Every lease's expiry pushed to at least expiresMs (the grace after a restart). */
  extendLeases(expiresMs: number): Promise<void>;
  /** Expired leases: requeued, or failed when their attempts are spent. Returns those jobs. */
  expireLeases(nowMs: number): Promise<JobRow[]>;
  leasedJobsOf(agentId: string): Promise<JobRow[]>;
  /** Idempotent on (job, attempt); only the current lease's attempt is accepted. */
  ingestResult(result: JobResult, nowMs: number): Promise<IngestOutcome>;
  acceptedResult(jobId: string): Promise<StoredResult | null>;
  /** Retention: the raw samples of results received before the cutoff are replaced by one
   * summary row each (statistics computed from them first). Returns how many results. */
  compactSamples(receivedBeforeMs: number, nowMs: number): Promise<number>;
  /** Queued jobs of the run become cancelled; returns the leased ones (to tell their agents). */
  cancelRun(runId: string, nowMs: number): Promise<JobRow[]>;
  /** Marks the run done when none of its jobs is queued or leased; true when it did. */
  finishRunIfDone(runId: string): Promise<boolean>;
  failJob(jobId: string, reason: string, nowMs: number): Promise<void>;
  upsertDevice(device: Device, agentId: string, nowMs: number): Promise<void>;
  /** Records that the agent's devices were heard from. */
  touchDevices(agentId: string, nowMs: number): Promise<void>;
  /** Devices that queued jobs are bound to. */
  queuedDeviceIds(): Promise<string[]>;
  /** Fails the queued jobs bound to a device (it has been gone too long); returns them. */
  failQueuedJobsOn(deviceId: string, reason: string, nowMs: number): Promise<JobRow[]>;
  /** Selectors of queued pool jobs (`any:SELECTOR`, stored without `any:`). */
  queuedPoolSelectors(): Promise<string[]>;
  /** Fails the queued pool jobs of a selector (every matching device is gone); returns them. */
  failQueuedPoolJobs(selector: string, reason: string, nowMs: number): Promise<JobRow[]>;
  listDevices(): Promise<{ device: Device; agentId: string; lastSeenMs: number }[]>;
  recordArtifact(info: { sha256: string; size: number; name: string; kind: string }, nowMs: number): Promise<void>;
  /** Remembers a runtime build (idempotent on its sha256). */
  recordRuntimeBuild(build: RuntimeBuild, nowMs: number): Promise<void>;
  runtimeBuild(sha256: string): Promise<RuntimeBuild | null>;
  /** Builds of a git hash (any ABI), newest first. */
  runtimeBuilds(git: string): Promise<RuntimeBuild[]>;
  /** Claims a nightly suite's scheduled slot (a cron minute); true only for the one claimer. */
  claimNightlySlot(suite: string, slotMs: number, nowMs: number): Promise<boolean>;
  /** Adds nightly series points (idempotent on suite, series key and run). */
  addNightlyPoints(suite: string, points: readonly NightlyPointRow[]): Promise<void>;
  /** A suite's nightly points, oldest first. */
  nightlyPoints(suite: string): Promise<NightlyPointRow[]>;
  /** Counts of jobs per state, over every run (the /metrics gauges). */
  jobCounts(): Promise<Record<JobState, number>>;
  /** Result counts and the current lease of every device that has any (the fleet page). */
  deviceActivity(): Promise<DeviceActivity[]>;
  recordAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; only entries at or after sinceMs when given. */
  auditEntries(limit: number, sinceMs?: number): Promise<AuditEntry[]>;
  /** Engines shared by several orchestrators call back (with a run id, or '') when another
   * replica changed jobs, so that this one dispatches and publishes without polling. */
  onChange?(callback: (runId: string) => void): Promise<void>;
  close(): Promise<void>;
}
