// The agent: one Connect stream to the orchestrator, reconnecting with backoff; advertises its
// drivers' devices, runs offered jobs one per device through the driver interface, streams
// progress, and keeps every result until the orchestrator acknowledges it (so results made
// while the orchestrator was down are delivered when it is back).

import { EventEmitter } from 'node:events';
import os from 'node:os';
import { Metadata, credentials, status, type ChannelCredentials, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import {
  AgentServiceClient, ArtifactServiceClient, LOST_PREFIX, PROTOCOL_VERSION, ResultStatus, channelOptions,
  type AgentMessage, type Device, type JobOffer, type JobResult, type OrchestratorMessage,
} from '../proto/index.js';
import { ArtifactCache } from './cache.js';
import { DeviceLostError, type DeviceDriver, type DriverJob } from './drivers/driver.js';
import { profileLaunch, withOpProfile } from './profile.js';
import { DEFAULT_GATES, compileTrialPolicy, runTrials, type GateTable, type TrialsSummary } from './trials/index.js';

/** The job's conditions (its first trial's) with how the trials ended, for people reading one result. */
function withSummary(conditionsJson: string, summary: TrialsSummary): string {
  let conditions: Record<string, unknown> = {};
  try {
    conditions = conditionsJson === '' ? {} : (JSON.parse(conditionsJson) as Record<string, unknown>);
  } catch {
    // a driver's unreadable record: the summary alone
  }
  return JSON.stringify({ ...conditions, trials: summary });
}

export interface AgentOptions {
  /** HOST:PORT of the orchestrator. */
  orchestrator: string;
  token: string;
  /** Stable per installation: the orchestrator recognises its leases by it. */
  agentId?: string;
  drivers: readonly DeviceDriver[];
  cacheDir: string;
  /** Reconnect backoff bounds; the delay doubles from min to max, with jitter. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** How long a download waits for an unreachable orchestrator; default 60 s. */
  fetchPatienceMs?: number;
  /** Extra time past a job's own timeout before the agent gives up on its driver. */
  jobGraceMs?: number;
  log?: (line: string) => void;
  /** Conditions thresholds per device kind (agent/trials/gate.ts); default DEFAULT_GATES. */
  gates?: GateTable;
  /** TLS (mutual, with a client certificate) to the orchestrator; default plaintext. */
  channelCredentials?: ChannelCredentials;
}

/** Errors that reconnecting cannot fix: the agent stops and says why. */
const FATAL = new Set<number>([status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.FAILED_PRECONDITION, status.INVALID_ARGUMENT]);

interface Running {
  offer: JobOffer;
  abort: AbortController;
}

export class Agent extends EventEmitter {
  readonly id: string;
  private readonly cache: ArtifactCache;
  private readonly agentClient: AgentServiceClient;
  private readonly artifactClient: ArtifactServiceClient;
  private readonly metadata: Metadata;
  private devices = new Map<string, { device: Device; driver: DeviceDriver }>();
  private readonly running = new Map<string, Running>(); // by device id
  /** Results not yet acknowledged, by `job/attempt`. */
  private readonly outbox = new Map<string, JobResult>();
  private call: ClientDuplexStream<AgentMessage, OrchestratorMessage> | null = null;
  private registered = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private backoff: number;
  private stopped = false;
  private fatal: Error | null = null;

  constructor(private readonly options: AgentOptions) {
    super();
    this.id = options.agentId ?? `${os.hostname()}-${process.pid}`;
    this.cache = new ArtifactCache(options.cacheDir);
    const channel = options.channelCredentials ?? credentials.createInsecure();
    this.agentClient = new AgentServiceClient(options.orchestrator, channel, channelOptions());
    this.artifactClient = new ArtifactServiceClient(options.orchestrator, channel, channelOptions());
    this.metadata = new Metadata();
    this.metadata.set('authorization', `Bearer ${options.token}`);
    this.backoff = options.backoffMinMs ?? 200;
  }

  private log(line: string): void {
    this.options.log?.(`agent ${this.id}: ${line}`);
  }

  /** Discovers devices and connects; resolves once the first discovery is done. */
  async start(): Promise<void> {
    await this.discover();
    this.connect();
  }

  private async discover(): Promise<void> {
    const found = new Map<string, { device: Device; driver: DeviceDriver }>();
    for (const driver of this.options.drivers) {
      for (const device of await driver.discover()) found.set(device.id, { device, driver });
    }
    this.devices = found;
  }

  /** Resolves when the agent stops for good: stop() or a fatal refusal (rejects with it). */
  finished(): Promise<void> {
    if (this.stopped) return this.fatal === null ? Promise.resolve() : Promise.reject(this.fatal);
    return new Promise((resolve, reject) => this.once('stopped', (error: Error | null) => (error === null ? resolve() : reject(error))));
  }

  private send(message: AgentMessage): void {
    if (this.call !== null && this.registered) this.call.write(message);
  }

  private connect(): void {
    if (this.stopped) return;
    const call = this.agentClient.connect(this.metadata);
    this.call = call;
    this.registered = false;
    call.write({
      kind: {
        $case: 'register',
        value: {
          protocolVersion: PROTOCOL_VERSION, agentId: this.id, hostname: os.hostname(), agentVersion: '0.1.0', runtime: undefined,
          devices: [...this.devices.values()].map((d) => d.device),
        },
      },
    });
    call.on('data', (message: OrchestratorMessage) => this.onMessage(message));
    call.on('error', (error: ServiceError) => this.onDisconnect(call, error));
    call.on('end', () => this.onDisconnect(call, null));
  }

  private onMessage(message: OrchestratorMessage): void {
    const kind = message.kind;
    switch (kind?.$case) {
      case 'registered':
        this.registered = true;
        this.backoff = this.options.backoffMinMs ?? 200;
        this.log(`registered with ${this.devices.size} device(s)`);
        this.startHeartbeat(kind.value.heartbeatIntervalMs);
        // Results made while disconnected, and the current busy devices, go first.
        this.sendHeartbeat();
        for (const result of this.outbox.values()) this.send({ kind: { $case: 'result', value: result } });
        this.emit('registered');
        return;
      case 'offer':
        void this.onOffer(kind.value);
        return;
      case 'cancel': {
        for (const running of this.running.values()) {
          if (running.offer.jobId === kind.value.jobId && running.offer.attempt === kind.value.attempt) running.abort.abort();
        }
        return;
      }
      case 'resultAck':
        this.outbox.delete(`${kind.value.jobId}/${kind.value.attempt}`);
        this.emit('acked', kind.value);
        return;
      default:
        return;
    }
  }

  private startHeartbeat(intervalMs: number): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.sendHeartbeat(), Math.max(50, intervalMs));
  }

  private sendHeartbeat(): void {
    this.send({ kind: { $case: 'heartbeat', value: { sentMs: Date.now(), busyDeviceIds: [...this.running.keys()] } } });
  }

  private onDisconnect(call: ClientDuplexStream<AgentMessage, OrchestratorMessage>, error: ServiceError | null): void {
    if (this.call !== call) return;
    this.call = null;
    this.registered = false;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.stopped) return;
    if (error !== null && FATAL.has(error.code)) {
      this.log(`refused: ${error.details}`);
      this.fatal = new Error(`orchestrator refused this agent: ${error.details}`);
      void this.stop();
      return;
    }
    const delay = this.backoff * (0.75 + Math.random() / 2);
    this.backoff = Math.min(this.backoff * 2, this.options.backoffMaxMs ?? 5000);
    this.log(`disconnected (${error?.details ?? 'stream ended'}); reconnecting in ${Math.round(delay)} ms`);
    this.reconnect = setTimeout(() => this.connect(), delay);
  }

  private async onOffer(offer: JobOffer): Promise<void> {
    this.emit('offer', offer);
    const target = this.devices.get(offer.deviceId);
    const reject = (reason: string): void => this.send({ kind: { $case: 'reject', value: { jobId: offer.jobId, attempt: offer.attempt, reason } } });
    if (target === undefined) return reject(`this agent has no device '${offer.deviceId}'`);
    if (this.running.has(offer.deviceId)) return reject(`device ${offer.deviceId} is busy`);
    if (offer.program === undefined || offer.config === undefined) return reject('offer without program or config');
    const abort = new AbortController();
    this.running.set(offer.deviceId, { offer, abort });
    this.send({ kind: { $case: 'accept', value: { jobId: offer.jobId, attempt: offer.attempt } } });
    const progress = (phase: string, fraction: number): void =>
      this.send({ kind: { $case: 'progress', value: { jobId: offer.jobId, attempt: offer.attempt, phase, fraction } } });
    const started = performance.now();
    let result: JobResult;
    try {
      progress('fetching', 0);
      const programPath = await this.fetchProgram(offer.program.sha256, offer.program.name, abort.signal);
      const build = offer.runtime !== undefined && offer.runtime.sha256 !== '' ? offer.runtime : null;
      const runtimePath = build === null ? null : await this.fetchProgram(build.sha256, 'etrun', abort.signal, 'runtime');
      const expectedPath = offer.expectedSha256 === '' ? null : await this.fetchProgram(offer.expectedSha256, 'expected.json', abort.signal, 'expected');
      progress('preparing', 0.1);
      await target.driver.prepare(target.device, programPath);
      const rules = compileTrialPolicy(offer.trialPolicy);
      progress('running', 0.2);
      // Backstop: a driver that ignores its own timeout is abandoned after a grace period.
      const backstop = setTimeout(() => abort.abort(), offer.timeoutMs + (this.options.jobGraceMs ?? 10_000));
      const job: DriverJob = {
        programPath, method: offer.method === '' ? null : offer.method, config: offer.config, timeoutMs: offer.timeoutMs,
        memoryLimitBytes: Number(offer.memoryLimitBytes), rtol: offer.program.hasTolerances ? offer.program.rtol : null,
        atol: offer.program.hasTolerances ? offer.program.atol : null, runtimePath, expectedPath,
      };
      const trials = await runTrials({
        driver: target.driver, device: target.device, rules, signal: abort.signal,
        gate: (this.options.gates ?? DEFAULT_GATES)[target.device.kind] ?? null, job,
        onTrial: (i, r) => { if (r.maxTrials > 1) progress(`trial ${i + 1}/${r.maxTrials}`, 0.2 + (0.7 * i) / r.maxTrials); },
      }).finally(() => clearTimeout(backstop));
      const { summary } = trials;
      let { outcome } = trials;
      if (rules.maxTrials > 1) this.log(`job ${offer.jobId}: ${summary.trials} trial(s), stopped by ${summary.stop}`);
      // The op profile comes from a launch of its own, after the timed trials (agent/profile.ts).
      if (offer.profile && target.driver.profiles === true && outcome.status === ResultStatus.RESULT_STATUS_OK && !abort.signal.aborted) {
        progress('profiling', 0.9);
        const profile = await profileLaunch(target.driver, target.device, job, abort.signal);
        if ('problem' in profile) this.log(`job ${offer.jobId}: no op profile: ${profile.problem}`);
        else outcome = withOpProfile(outcome, profile);
      }
      result = {
        ...outcome, jobId: offer.jobId, attempt: offer.attempt, deviceId: offer.deviceId,
        // The result names the build that made it; an uploaded one by its artifact hash.
        runtime: build === null ? outcome.runtime : { ...build, ...(outcome.runtime ?? {}), sha256: build.sha256, abi: build.abi },
        conditionsJson: withSummary(outcome.conditionsJson, summary),
      };
    } catch (error) {
      if (error instanceof DeviceLostError) {
        this.running.delete(offer.deviceId);
        this.log(`lost device ${offer.deviceId} during job ${offer.jobId}: ${error.message}`);
        this.send({ kind: { $case: 'reject', value: { jobId: offer.jobId, attempt: offer.attempt, reason: `${LOST_PREFIX}${error.message}` } } });
        this.emit('lost', offer);
        return;
      }
      result = {
        jobId: offer.jobId, attempt: offer.attempt, deviceId: offer.deviceId, status: ResultStatus.RESULT_STATUS_FAILED, exitCode: -1,
        signal: '', problem: `agent could not run the job: ${(error as Error).message}`, samplesMs: [], batch: 0, correctnessChecked: false,
        correctnessPassed: false, loadMs: 0, initMs: 0, peakRssBytes: 0, plannedBytes: 0, trialsJson: '', conditionsJson: '', runnerJson: '',
        durationMs: performance.now() - started, runtime: undefined,
      };
    } finally {
      this.running.delete(offer.deviceId);
    }
    this.outbox.set(`${result.jobId}/${result.attempt}`, result);
    this.send({ kind: { $case: 'result', value: result } });
    this.emit('result', result);
  }

  /**
   * The program file, downloaded if needed. An orchestrator that is briefly away (restarting)
   * is waited for with backoff: that is not the program's failure.
   */
  private async fetchProgram(sha256: string, name: string, signal: AbortSignal, kind: 'program' | 'runtime' | 'expected' = 'program'): Promise<string> {
    let delay = 200;
    const deadline = Date.now() + (this.options.fetchPatienceMs ?? 60_000);
    for (;;) {
      try {
        return await this.cache.get(this.artifactClient, this.metadata, sha256, name, kind);
      } catch (error) {
        const code = (error as Partial<ServiceError>).code;
        const transient = code === status.UNAVAILABLE || code === status.DEADLINE_EXCEEDED || code === status.INTERNAL;
        if (!transient || Date.now() > deadline || signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 3000);
      }
    }
  }

  /** Cancels running jobs, closes the stream; pending results are lost with the process. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reconnect !== null) clearTimeout(this.reconnect);
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    for (const r of this.running.values()) r.abort.abort();
    this.call?.cancel();
    this.call = null;
    this.agentClient.close();
    this.artifactClient.close();
    for (const { device, driver } of this.devices.values()) await driver.cleanup(device).catch(() => undefined);
    this.emit('stopped', this.fatal);
  }
}
