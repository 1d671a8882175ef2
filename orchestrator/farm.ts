// The orchestrator's core, independent of gRPC: runs become jobs, jobs are leased to idle
// devices of connected agents, results are ingested, and run events are published. The gRPC
// services (services/) translate calls into these methods.

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  DeviceState, JobState as PbJobState, RunState as PbRunState,
  type Device, type Job, type JobResult, type OrchestratorMessage, type ProgramRef, type Run, type RunEvent, type RuntimeBuild,
  type SubmitRunRequest,
} from '../proto/index.js';
import { LOST_PREFIX } from '../proto/index.js';
import type { ArtifactStore } from './artifacts.js';
import { incapability, matchesSelector, runtimeMismatch } from './matching.js';
import { expandRun } from './plan.js';
import { attachExpectedOutputs, bundledCaseMethods, hostEtrun, HostExpectedOutputs } from './expected-outputs.js';
import { RequestError } from './errors.js';
import { programFacts } from './program-facts.js';
import { checkTrialPolicy, storedStats } from './trials.js';
import { validTiming } from './valid-timing.js';
import type { JobRow, RunRow, Store } from './store/store.js';

export { RequestError } from './errors.js';

export interface FarmOptions {
  /** How long a lease lasts without a heartbeat naming its device. */
  leaseMs: number;
  heartbeatIntervalMs: number;
  defaultTimeoutMs: number;
  defaultMemoryLimitBytes: number;
  defaultMaxAttempts: number;
  /** A queued job bound to a device that has been offline this long fails instead of waiting. */
  offlineFailMs: number;
  /** Retention: raw samples older than this are compacted to summaries; 0 keeps them forever. */
  sampleRetentionMs: number;
  /** The etrun that computes expected outputs for programs without bundled ones
   * (expected-outputs.ts); undefined: found as hostEtrun() does; null: none are computed. */
  hostEtrun?: string | null;
  now?: () => number;
}

export const DEFAULT_FARM_OPTIONS: FarmOptions = {
  leaseMs: 30_000,
  heartbeatIntervalMs: 5_000,
  defaultTimeoutMs: 300_000,
  defaultMemoryLimitBytes: 4 * 1024 ** 3,
  defaultMaxAttempts: 3,
  offlineFailMs: 10 * 60_000,
  sampleRetentionMs: 0,
};

/** One connected agent as the farm sees it. */
export interface AgentLink {
  id: string;
  devices: Map<string, Device>;
  /** device id -> job id leased on it. */
  busy: Map<string, string>;
  send(message: OrchestratorMessage): void;
  /** Ends the agent's stream with UNAVAILABLE and the reason; the agent reconnects. */
  drop(reason: string): void;
  lastHeartbeatMs: number;
}

const STATE_TO_PB: Record<JobRow['state'], PbJobState> = {
  queued: PbJobState.JOB_STATE_QUEUED, leased: PbJobState.JOB_STATE_LEASED, done: PbJobState.JOB_STATE_DONE,
  failed: PbJobState.JOB_STATE_FAILED, cancelled: PbJobState.JOB_STATE_CANCELLED, unschedulable: PbJobState.JOB_STATE_UNSCHEDULABLE,
};
const RUN_TO_PB: Record<RunRow['state'], PbRunState> = {
  running: PbRunState.RUN_STATE_RUNNING, done: PbRunState.RUN_STATE_DONE, cancelled: PbRunState.RUN_STATE_CANCELLED,
};

export class Farm {
  readonly events = new EventEmitter();
  readonly options: FarmOptions;
  private readonly agents = new Map<string, AgentLink>();
  private dispatching: Promise<void> = Promise.resolve();
  private dispatchAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private lastCompactionMs = -Infinity;
  /** Submit time of runs not yet dispatched, for the submit-to-first-dispatch metric. */
  readonly firstDispatchMs = new Map<string, number>();
  private readonly runRequests = new Map<string, SubmitRunRequest | undefined>();
  /** Expected outputs computed on this host; null when no etrun is available. */
  readonly expectedOutputs: HostExpectedOutputs | null;

  constructor(readonly store: Store, readonly artifacts: ArtifactStore, options: Partial<FarmOptions> = {}) {
    const merged = { ...DEFAULT_FARM_OPTIONS, ...options };
    // Agents must beat several times per lease, or a healthy agent would look silent.
    this.options = { ...merged, heartbeatIntervalMs: Math.min(merged.heartbeatIntervalMs, Math.floor(merged.leaseMs / 3)) };
    this.now = this.options.now ?? Date.now;
    this.events.setMaxListeners(0);
    const etrun = this.options.hostEtrun === undefined ? hostEtrun() : this.options.hostEtrun;
    this.expectedOutputs = etrun === null ? null : new HostExpectedOutputs(artifacts, etrun);
  }

  /** Resumes after a restart: leases get one lease period of grace for their agents to return. */
  async start(): Promise<void> {
    await this.store.extendLeases(this.now() + this.options.leaseMs);
    for (const run of await this.store.runsInState('running')) await this.finishIfDone(run.id);
    // Replicas sharing the store: another one queued, requeued or finished jobs.
    await this.store.onChange?.((runId) => void this.changedElsewhere(runId).catch((e: unknown) => this.events.emit('error', e)));
    const tick = Math.max(50, Math.min(1000, Math.floor(this.options.leaseMs / 4)));
    this.timer = setInterval(() => void this.housekeeping().catch((e: unknown) => this.events.emit('error', e)), tick);
    this.timer.unref();
  }

  /** A change made by any replica (ours included): dispatch, and tell this replica's watchers. */
  private async changedElsewhere(runId: string): Promise<void> {
    if (this.timer === null) return;
    this.kick();
    if (runId === '') return;
    const run = await this.store.getRun(runId);
    // A run cancelled through another replica: its leased jobs may be on our agents.
    if (run !== null && run.state === 'cancelled') this.relayCancel(await this.store.jobsOfRun(runId));
    if (this.events.listenerCount(`run:${runId}`) === 0) return;
    const finished = run !== null && run.state !== 'running';
    // A run summary reads every job of the run, and each lease and result anywhere notifies:
    // while the run goes on, watchers here get at most one summary a second (the last change
    // included, by a trailing one).
    if (!finished) return this.publishRunSoon(runId);
    await this.publishRun(runId, true);
  }

  private readonly summaryTimers = new Map<string, NodeJS.Timeout>();

  private publishRunSoon(runId: string): void {
    if (this.summaryTimers.has(runId)) return;
    this.summaryTimers.set(runId, setTimeout(() => {
      this.summaryTimers.delete(runId);
      void this.store.getRun(runId).then((run) => this.publishRun(runId, run !== null && run.state !== 'running'))
        .catch((e: unknown) => this.events.emit('error', e));
    }, 1000).unref());
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.summaryTimers.values()) clearTimeout(t);
    this.summaryTimers.clear();
    await this.dispatching.catch(() => undefined);
  }

  // ---- runs -------------------------------------------------------------------------------

  /** Expands a run into jobs (program x method x device or pool x config) and queues them. */
  async submitRun(request: SubmitRunRequest): Promise<RunRow> {
    if (request.programs.length === 0) throw new RequestError('a run needs at least one program');
    if (request.devices.length === 0) throw new RequestError('a run needs a device selector (all, an id, KEY=VALUE or any:SELECTOR)');
    checkTrialPolicy(request.trialPolicy);
    const programs: ProgramRef[] = [];
    const bundledBy = new Map<string, Set<string> | null>();
    for (const p of request.programs) {
      let data: Buffer;
      try {
        data = await this.artifacts.read(p.sha256);
      } catch (e) {
        throw new RequestError(`program ${p.name || p.sha256}: ${(e as Error).message}; upload it first`, 'not-found');
      }
      let facts;
      try {
        facts = programFacts(data);
      } catch (e) {
        throw new RequestError(`program ${p.name || p.sha256} is not a readable .pte/.bpte: ${(e as Error).message}`);
      }
      bundledBy.set(p.sha256, bundledCaseMethods(data));
      // Expected outputs are the orchestrator's to compute, never the client's to claim.
      programs.push({
        ...p, size: data.length, methods: facts.methods, operators: facts.operators, delegates: facts.delegates, plannedBytes: facts.plannedBytes,
        expectedSha256: '', expectedInputs: '',
      });
    }
    const runtime = await this.runtimeOf(request);
    const known = (await this.store.listDevices()).map((d) => this.liveDevice(d.device, d.lastSeenMs, d.agentId));
    const now = this.now();
    const runId = `run-${now.toString(36)}-${randomUUID().slice(0, 8)}`;
    const jobs = expandRun(runId, request, programs, known, runtime, this.options);
    if (this.expectedOutputs !== null && !request.noHostExpected) await attachExpectedOutputs(jobs, bundledBy, this.expectedOutputs);
    const run: RunRow = { id: runId, createdMs: now, label: request.label, state: 'running', priority: request.priority, request };
    await this.store.createRun(run, jobs);
    this.firstDispatchMs.set(runId, -now);
    await this.finishIfDone(runId);
    this.kick();
    return run;
  }

  /** The uploaded runtime build a run asks for (checked to exist and recorded), or null. */
  private async runtimeOf(request: SubmitRunRequest): Promise<RuntimeBuild | null> {
    const build = request.runtime;
    if (build === undefined || build.sha256 === '') return null;
    if (!(await this.artifacts.has(build.sha256).catch(() => false))) {
      throw new RequestError(`runtime build ${build.sha256}: no such artifact; upload it first (kind runtime)`, 'not-found');
    }
    if (build.abi === '') throw new RequestError('runtime build: abi is required (e.g. linux-x64)');
    // A binary has one ABI and one git hash: the first record of it stands.
    const known = await this.store.runtimeBuild(build.sha256);
    if (known !== null && (known.abi !== build.abi || (build.git !== '' && known.git !== build.git))) {
      throw new RequestError(`runtime build ${build.sha256.slice(0, 12)} is recorded as git ${known.git || '?'} for ${known.abi}, not git ${build.git || '?'} for ${build.abi}`);
    }
    await this.store.recordRuntimeBuild(build, this.now());
    // The record names the build; its capabilities come with each request that names it.
    return known === null ? build : { ...known, capabilities: build.capabilities };
  }

  async cancelRun(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (run === null) throw new RequestError(`no run '${runId}'`, 'not-found');
    const leased = await this.store.cancelRun(runId, this.now());
    this.relayCancel(leased);
    await this.publishRun(runId, true);
    this.kick();
  }

  /** (job id/attempt) cancels already sent, so that a replica's own NOTIFY does not repeat them. */
  private readonly cancelsSent = new Set<string>();

  /** Tells the agents connected here to stop those of the jobs they hold (leased or just cancelled). */
  private relayCancel(jobs: readonly JobRow[]): void {
    for (const job of jobs) {
      const agent = job.leaseAgent === null ? undefined : this.agents.get(job.leaseAgent);
      // The device stays busy until the agent reports the stopped job (or stops reporting it).
      if (agent === undefined) continue;
      const key = `${job.id}/${job.attempt}`;
      if (this.cancelsSent.has(key)) continue;
      this.cancelsSent.add(key);
      if (this.cancelsSent.size > 10_000) this.cancelsSent.delete(this.cancelsSent.values().next().value!);
      agent.send({ kind: { $case: 'cancel', value: { jobId: job.id, attempt: job.attempt, reason: 'run cancelled' } } });
    }
  }

  /** The run with its jobs, each with its accepted result and statistics. */
  async runView(runId: string, withJobs = true): Promise<Run> {
    const run = await this.store.getRun(runId);
    if (run === null) throw new RequestError(`no run '${runId}'`, 'not-found');
    const rows = await this.store.jobsOfRun(runId);
    const count = (s: JobRow['state']): number => rows.filter((j) => j.state === s).length;
    return {
      id: run.id, state: RUN_TO_PB[run.state], createdMs: run.createdMs, label: run.label,
      jobs: withJobs ? await Promise.all(rows.map((j) => this.jobView(j))) : [],
      total: rows.length, done: count('done'), failed: count('failed'), unschedulable: count('unschedulable'), cancelled: count('cancelled'),
    };
  }

  async jobView(j: JobRow, withResult = true): Promise<Job> {
    const stored = withResult && (j.state === 'done' || j.state === 'failed') ? await this.store.acceptedResult(j.id) : null;
    return {
      id: j.id, runId: j.runId, program: j.program, method: j.method, deviceId: j.leaseDevice ?? j.deviceId ?? '', selector: j.selector,
      config: j.config, runtime: j.runtime ?? undefined, state: STATE_TO_PB[j.state], attempt: j.attempt, reason: j.reason, result: stored?.result,
      // Only a valid timing has statistics (valid-timing.ts): a wrong result's samples stay stored, unused.
      stats: stored === null || !validTiming(stored.result) ? undefined : storedStats(stored),
    };
  }

  private async publishJob(job: JobRow, phase = ''): Promise<void> {
    if (this.events.listenerCount(`run:${job.runId}`) === 0) return;
    const event: RunEvent = { runId: job.runId, job: await this.jobView(job, job.state === 'done' || job.state === 'failed'), phase, finished: false, run: undefined };
    this.events.emit(`run:${job.runId}`, event);
  }

  private async publishRun(runId: string, finished: boolean): Promise<void> {
    if (this.events.listenerCount(`run:${runId}`) === 0) return;
    const event: RunEvent = { runId, job: undefined, phase: '', finished, run: await this.runView(runId, false) };
    this.events.emit(`run:${runId}`, event);
  }

  private async finishIfDone(runId: string): Promise<void> {
    if (await this.store.finishRunIfDone(runId)) {
      this.firstDispatchMs.delete(runId);
      await this.publishRun(runId, true);
    }
  }

  // ---- agents -----------------------------------------------------------------------------

  /** Registers an agent's connection; replaces an older connection with the same id. */
  async attachAgent(link: AgentLink): Promise<void> {
    this.agents.set(link.id, link);
    const now = this.now();
    for (const device of link.devices.values()) await this.store.upsertDevice(device, link.id, now);
    // Jobs still leased to this agent (e.g. across an orchestrator restart) keep their devices busy.
    for (const job of await this.store.leasedJobsOf(link.id)) {
      if (job.leaseDevice !== null) link.busy.set(job.leaseDevice, job.id);
    }
    this.kick();
  }

  /** True when an agent with this id is connected and has heartbeated within a lease. */
  /** Agents connected now. */
  get agentCount(): number {
    return this.agents.size;
  }

  agentAlive(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    return agent !== undefined && this.now() - agent.lastHeartbeatMs <= this.options.leaseMs;
  }

  /** The connected agent, other than agentId, that already has one of these devices; or null. */
  conflictingAgent(agentId: string, deviceIds: readonly string[]): { agentId: string; deviceId: string } | null {
    for (const agent of this.agents.values()) {
      if (agent.id === agentId) continue;
      const clash = deviceIds.find((id) => agent.devices.has(id));
      if (clash !== undefined) return { agentId: agent.id, deviceId: clash };
    }
    return null;
  }

  detachAgent(link: AgentLink): void {
    if (this.agents.get(link.id) === link) this.agents.delete(link.id);
  }

  async updateDevices(link: AgentLink, devices: readonly Device[]): Promise<void> {
    link.devices = new Map(devices.map((d) => [d.id, d]));
    const now = this.now();
    for (const device of devices) await this.store.upsertDevice(device, link.id, now);
    this.kick();
  }

  async heartbeat(link: AgentLink, busyDeviceIds: readonly string[]): Promise<void> {
    link.lastHeartbeatMs = this.now();
    // Devices we hold busy that the agent says are idle: free them unless their job is still
    // leased (an offer may be in flight), so a refused offer or a cancelled job cannot pin a
    // device, and a refusing device is offered again at most once per heartbeat.
    let freed = false;
    for (const [deviceId, jobId] of [...link.busy]) {
      if (busyDeviceIds.includes(deviceId)) continue;
      const job = jobId === '' ? null : await this.store.getJob(jobId);
      if (job === null || job.state !== 'leased' || job.leaseDevice !== deviceId) {
        link.busy.delete(deviceId);
        freed = true;
      }
    }
    if (freed) this.kick();
    await this.store.touchDevices(link.id, link.lastHeartbeatMs);
    await this.store.renewLeases(link.id, busyDeviceIds, this.now() + this.options.leaseMs);
  }

  async rejected(link: AgentLink, jobId: string, attempt: number, reason = ''): Promise<void> {
    const job = await this.store.getJob(jobId);
    // The device rests until the agent's next heartbeat: re-offering at once could loop.
    if (job !== null && job.leaseAgent === link.id && job.leaseDevice !== null) link.busy.set(job.leaseDevice, '');
    if (reason.startsWith(LOST_PREFIX)) {
      // The device went away mid-job (LOST): nothing is known about the run, so it is run again,
      // the attempt counting towards max_attempts like an expired lease.
      const outcome = await this.store.requeueLost(jobId, attempt, this.now(), reason);
      if (outcome === 'failed') {
        const failed = await this.store.getJob(jobId);
        if (failed !== null) {
          await this.publishJob(failed);
          await this.finishIfDone(failed.runId);
        }
      }
    } else await this.store.unleaseJob(jobId, attempt, this.now());
    this.kick();
  }

  async progress(jobId: string, phase: string): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (job !== null) await this.publishJob(job, phase);
  }

  /** Ingests a result; true when it is (or already was) the job's accepted result. */
  async result(link: AgentLink, result: JobResult): Promise<boolean> {
    const outcome = await this.store.ingestResult(result, this.now());
    const job = outcome.job;
    if (job !== null && link.busy.get(result.deviceId) === job.id) link.busy.delete(result.deviceId);
    if (outcome.changed && outcome.accepted && job !== null) {
      await this.publishJob(job);
      await this.finishIfDone(job.runId);
    }
    this.kick();
    return outcome.accepted;
  }

  /** Devices known to the store, with their live state. */
  async devices(): Promise<Device[]> {
    return (await this.store.listDevices()).map((d) => this.liveDevice(d.device, d.lastSeenMs, d.agentId));
  }

  private liveDevice(stored: Device, lastSeenMs = stored.lastSeenMs, agentId = ''): Device {
    for (const agent of this.agents.values()) {
      const live = agent.devices.get(stored.id);
      if (live !== undefined) {
        const state = agent.busy.has(stored.id) ? DeviceState.DEVICE_STATE_BUSY : live.state === DeviceState.DEVICE_STATE_UNSPECIFIED ? DeviceState.DEVICE_STATE_ONLINE : live.state;
        return { ...live, state, agentId: agent.id, lastSeenMs: agent.lastHeartbeatMs };
      }
    }
    // On a store shared by replicas, a device connected to another replica is online while its
    // agent's heartbeats keep reaching the store (whether it is busy, only that replica knows).
    if (this.store.onChange !== undefined && agentId !== '' && this.now() - lastSeenMs <= this.options.leaseMs) {
      const state = stored.state === DeviceState.DEVICE_STATE_UNSPECIFIED ? DeviceState.DEVICE_STATE_ONLINE : stored.state;
      return { ...stored, state, agentId, lastSeenMs };
    }
    return { ...stored, state: DeviceState.DEVICE_STATE_OFFLINE, lastSeenMs };
  }

  // ---- scheduling -------------------------------------------------------------------------

  /** Asks for a dispatch pass; passes never overlap, and one more runs if asked meanwhile. */
  kick(): void {
    if (this.dispatchAgain) return;
    this.dispatchAgain = true;
    this.dispatching = this.dispatching.then(async () => {
      this.dispatchAgain = false;
      await this.dispatch();
    }).catch((e: unknown) => { this.events.emit('error', e); });
  }

  /** Whether jobs are being dispatched right now or soon (tests wait on it). */
  idle(): Promise<void> {
    return this.dispatching;
  }

  private async dispatch(): Promise<void> {
    for (const agent of [...this.agents.values()]) {
      for (const device of agent.devices.values()) {
        if (agent.busy.has(device.id) || this.agents.get(agent.id) !== agent) continue;
        if (device.state !== DeviceState.DEVICE_STATE_ONLINE && device.state !== DeviceState.DEVICE_STATE_UNSPECIFIED) continue;
        const candidates = await this.store.queuedJobsFor(device.id, 64);
        for (const job of candidates) {
          if (job.deviceId === null && (!matchesSelector(device, job.selector) || runtimeMismatch(device, job.runtime) !== null
            || incapability(device, job.program, job.config, job.runtime) !== null)) continue;
          const now = this.now();
          const leased = await this.store.leaseJob(job.id, agent.id, device.id, now + this.options.leaseMs, now);
          if (leased === null) continue;
          agent.busy.set(device.id, leased.id);
          // Time the job waited in the queue since it was last queued (the /metrics histogram).
          this.events.emit('dispatch', leased, now - job.updatedMs);
          const submitted = this.firstDispatchMs.get(leased.runId);
          if (submitted !== undefined && submitted < 0) {
            this.firstDispatchMs.set(leased.runId, now + submitted);
            this.events.emit('first-dispatch', leased.runId, now + submitted);
          }
          const request = await this.requestOf(leased.runId);
          agent.send({
            kind: {
              $case: 'offer',
              value: {
                jobId: leased.id, attempt: leased.attempt, runId: leased.runId, deviceId: device.id, program: leased.program,
                method: leased.method, config: leased.config, timeoutMs: leased.timeoutMs, memoryLimitBytes: leased.memoryLimitBytes,
                runtime: leased.runtime ?? undefined, trialPolicy: request?.trialPolicy,
                expectedSha256: leased.program.expectedSha256, profile: request?.profile === true,
              },
            },
          });
          await this.publishJob(leased);
          break;
        }
      }
    }
  }

  /**
   * A run's stored request (runs never change once stored): every offer of its jobs carries its
   * trial policy and whether to profile. Cached, since a run's jobs are offered one by one.
   */
  private async requestOf(runId: string): Promise<SubmitRunRequest | undefined> {
    if (this.runRequests.has(runId)) return this.runRequests.get(runId);
    const request = (await this.store.getRun(runId))?.request;
    if (this.runRequests.size >= 1024) this.runRequests.clear();
    this.runRequests.set(runId, request);
    return request;
  }

  private async housekeeping(): Promise<void> {
    const now = this.now();
    // An agent silent for a whole lease is gone even if its TCP connection lingers.
    for (const agent of [...this.agents.values()]) {
      if (now - agent.lastHeartbeatMs > this.options.leaseMs) {
        this.agents.delete(agent.id);
        agent.drop(`no heartbeat for ${now - agent.lastHeartbeatMs} ms (lease ${this.options.leaseMs} ms); reconnect`);
      }
    }
    const expired = await this.store.expireLeases(now);
    for (const job of expired) {
      for (const agent of this.agents.values()) {
        if (job.leaseDevice !== null && agent.busy.get(job.leaseDevice) === job.id) agent.busy.delete(job.leaseDevice);
      }
      // expireLeases cleared lease_device on requeue; free whichever device held it.
      for (const agent of this.agents.values()) {
        for (const [device, id] of agent.busy) if (id === job.id) agent.busy.delete(device);
      }
      await this.publishJob(job);
      await this.finishIfDone(job.runId);
    }
    if (expired.length > 0) this.kick();
    await this.failJobsOfLostDevices(now);
    // Compaction is a batch job: once a minute is plenty.
    if (this.options.sampleRetentionMs > 0 && now - this.lastCompactionMs >= 60_000) {
      this.lastCompactionMs = now;
      await this.store.compactSamples(now - this.options.sampleRetentionMs, now);
    }
  }

  private async failPoolJobsOfLostDevices(now: number): Promise<void> {
    const selectors = await this.store.queuedPoolSelectors();
    if (selectors.length === 0) return;
    const known = await this.store.listDevices();
    for (const selector of selectors) {
      const matching = known.filter((d) => matchesSelector(d.device, selector));
      if (matching.some((d) => this.isLive(d.device.id))) continue;
      const seen = Math.max(0, ...matching.map((d) => d.lastSeenMs));
      if (now - seen < this.options.offlineFailMs) continue;
      const reason = `no device matching ${selector} has been online for ${Math.round((now - seen) / 1000)} s (limit ${Math.round(this.options.offlineFailMs / 1000)} s)`;
      const failed = await this.store.failQueuedPoolJobs(selector, reason, now);
      for (const job of failed) await this.publishJob(job);
      for (const runId of new Set(failed.map((j) => j.runId))) await this.finishIfDone(runId);
    }
  }

  private isLive(deviceId: string): boolean {
    for (const agent of this.agents.values()) if (agent.devices.has(deviceId)) return true;
    return false;
  }

  /**
   * Jobs bound to a device gone for offlineFailMs fail with the reason rather than wait forever;
   * so do pool jobs once every device their selector matches has been gone that long.
   */
  private async failJobsOfLostDevices(now: number): Promise<void> {
    await this.failPoolJobsOfLostDevices(now);
    const waiting = (await this.store.queuedDeviceIds()).filter((id) => !this.isLive(id));
    if (waiting.length === 0) return;
    const lastSeen = new Map((await this.store.listDevices()).map((d) => [d.device.id, d.lastSeenMs]));
    for (const deviceId of waiting) {
      const seen = lastSeen.get(deviceId) ?? 0;
      if (now - seen < this.options.offlineFailMs) continue;
      const reason = `device ${deviceId} has been offline for ${Math.round((now - seen) / 1000)} s (limit ${Math.round(this.options.offlineFailMs / 1000)} s)`;
      const failed = await this.store.failQueuedJobsOn(deviceId, reason, now);
      for (const job of failed) await this.publishJob(job);
      for (const runId of new Set(failed.map((j) => j.runId))) await this.finishIfDone(runId);
    }
  }
}
