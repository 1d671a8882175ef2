// A client of an orchestrator's BenchService and ArtifactService: uploads programs (resuming a
// partial upload), submits runs, watches them, lists devices and results.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Metadata, credentials, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import {
  ARTIFACT_CHUNK_BYTES, ArtifactServiceClient, BenchServiceClient, channelOptions,
  type ArtifactInfo, type ArtifactStatus, type CompareResponse, type ListDevicesResponse, type ListResultsResponse, type ListRunsResponse, type Device, type Job, type ProgramRef, type Run, type RunEvent, type SubmitRunRequest,
} from '../../proto/index.js';

/** Promise form of a unary call: `call(done)` starts it with the node-style callback. */
function unary<Res>(call: (done: (error: ServiceError | null, response: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    call((error, response) => (error ? reject(error) : resolve(response)));
  });
}

export class FarmClient {
  private readonly bench: BenchServiceClient;
  private readonly artifacts: ArtifactServiceClient;
  private readonly metadata = new Metadata();

  /** channel: TLS credentials (cli/farm/tls-options.ts); default plaintext. */
  constructor(readonly address: string, token: string, channel: ChannelCredentials = credentials.createInsecure()) {
    this.bench = new BenchServiceClient(address, channel, channelOptions());
    this.artifacts = new ArtifactServiceClient(address, channel, channelOptions());
    this.metadata.set('authorization', `Bearer ${token}`);
  }

  close(): void {
    this.bench.close();
    this.artifacts.close();
  }

  /** Uploads bytes unless the orchestrator has them; resumes where an earlier upload stopped. */
  async uploadBytes(data: Uint8Array, name: string, kind = 'program'): Promise<ArtifactInfo> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const state = await unary<ArtifactStatus>((done) => this.artifacts.status({ sha256 }, this.metadata, done));
    if (state.complete) return { sha256, size: data.length, name, kind };
    return this.uploadChunks(sha256, data, Number(state.receivedBytes), data.length, name, kind);
  }

  /** The raw chunked upload: `sha256` is what the client claims (tests send wrong ones). */
  uploadChunks(sha256: string, data: Uint8Array, from: number, totalSize: number, name: string, kind = 'program'): Promise<ArtifactInfo> {
    return new Promise((resolve, reject) => {
      const call = this.artifacts.upload(this.metadata, (error, info) => (error ? reject(error) : resolve(info)));
      let offset = from;
      do {
        const chunk = data.subarray(offset, offset + ARTIFACT_CHUNK_BYTES);
        call.write({ sha256, totalSize, offset, data: Buffer.from(chunk), name, kind });
        offset += chunk.length;
      } while (offset < data.length);
      call.end();
    });
  }

  async uploadProgram(file: string, tolerances?: { rtol: number; atol: number } | null): Promise<ProgramRef> {
    const data = await readFile(file);
    const info = await this.uploadBytes(data, path.basename(file));
    return {
      sha256: info.sha256, name: path.basename(file), size: data.length, methods: [], operators: [], delegates: [],
      rtol: tolerances?.rtol ?? 0, atol: tolerances?.atol ?? 0, hasTolerances: tolerances != null, plannedBytes: 0, expectedSha256: '', expectedInputs: '',
    };
  }

  submit(request: Partial<SubmitRunRequest>): Promise<Run> {
    const full: SubmitRunRequest = {
      programs: [], methods: [], devices: [], configs: [], priority: 10, timeoutMs: 0, memoryLimitBytes: 0, label: '', maxAttempts: 0, runtime: undefined, trialPolicy: undefined, profile: false, noHostExpected: false,
      ...request,
    };
    return unary<Run>((done) => this.bench.submitRun(full, this.metadata, done));
  }

  getRun(runId: string): Promise<Run> {
    return unary<Run>((done) => this.bench.getRun({ runId }, this.metadata, done));
  }

  cancelRun(runId: string): Promise<Run> {
    return unary<Run>((done) => this.bench.cancelRun({ runId }, this.metadata, done));
  }

  async devices(selector = ''): Promise<Device[]> {
    return (await unary<ListDevicesResponse>((done) => this.bench.listDevices({ selector }, this.metadata, done))).devices;
  }

  async results(runId = '', limit = 0): Promise<Job[]> {
    return (await unary<ListResultsResponse>((done) => this.bench.listResults({ runId, limit }, this.metadata, done))).jobs;
  }

  /** Runs created in [sinceMs, untilMs] (0: unbounded), newest first. */
  async listRuns(request: { sinceMs?: number; untilMs?: number; labelPrefix?: string; limit?: number; withJobs?: boolean }): Promise<Run[]> {
    const full = { sinceMs: 0, untilMs: 0, labelPrefix: '', limit: 0, withJobs: false, ...request };
    return (await unary<ListRunsResponse>((done) => this.bench.listRuns(full, this.metadata, done))).runs;
  }

  /** minEffectPct and fdrQ: 0 (the default) lets the orchestrator choose (1 % and 0.05). */
  compare(runA: string, runB: string, opts: { minEffectPct?: number; fdrQ?: number } = {}): Promise<CompareResponse> {
    return unary<CompareResponse>((done) => this.bench.compare({ runA, runB, minEffectPct: opts.minEffectPct ?? 0, fdrQ: opts.fdrQ ?? 0 }, this.metadata, done));
  }

  /**
   * Streams the run's events until it finishes; resolves with the final run (with jobs). An
   * orchestrator that goes away (restarts) is waited for, up to patienceMs, and watched again.
   */
  async watch(runId: string, onEvent: (event: RunEvent) => void = () => undefined, patienceMs = 120_000): Promise<Run> {
    const deadline = Date.now() + patienceMs;
    for (;;) {
      try {
        await this.watchOnce(runId, onEvent);
        return await this.getRun(runId);
      } catch (error) {
        const code = (error as Partial<ServiceError>).code;
        if (code !== status.UNAVAILABLE || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private watchOnce(runId: string, onEvent: (event: RunEvent) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const call = this.bench.watchRun({ runId }, this.metadata);
      let finished = false;
      call.on('data', (event: RunEvent) => {
        onEvent(event);
        if (event.finished) finished = true;
      });
      call.on('error', reject);
      call.on('end', () => (finished ? resolve() : reject(Object.assign(new Error(`watch of ${runId} ended before the run finished`), { code: status.UNAVAILABLE }))));
    });
  }

  /** Waits until the orchestrator answers (it may still be starting). */
  async waitReady(timeoutMs = 10_000): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.bench.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
    });
  }
}
