// BenchService: the client API over the farm core.

import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import type {
  BenchServiceServer, CompareResponse, ListDevicesResponse, ListResultsResponse, Run, RunEvent, SeriesComparison, WatchRunRequest,
} from '../../proto/index.js';
import { RunState } from '../../proto/index.js';
import type { Authenticator, Scope } from '../auth.js';
import type { Farm } from '../farm.js';
import { matchesSelector } from '../matching.js';
import { nearestRank } from '../stats.js';
import { toServiceError } from './errors.js';

function unary<Req, Res>(auth: Authenticator, scope: Scope, body: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    const denied = auth.check(call.metadata, scope, call);
    if (denied !== null) return callback(denied);
    body(call.request, call).then((r) => callback(null, r), (e: unknown) => callback(toServiceError(e)));
  };
}

function median(samples: readonly number[]): number {
  return nearestRank([...samples].sort((a, b) => a - b), 50);
}

/** Ratio of medians per series (program, method, device, config) present in both runs. */
async function compare(farm: Farm, runA: string, runB: string): Promise<CompareResponse> {
  const series = async (runId: string): Promise<Map<string, { key: Omit<SeriesComparison, 'medianAMs' | 'medianBMs' | 'ratio'>; samples: number[] }>> => {
    const map = new Map<string, { key: Omit<SeriesComparison, 'medianAMs' | 'medianBMs' | 'ratio'>; samples: number[] }>();
    for (const job of (await farm.runView(runId)).jobs) {
      const result = job.result;
      // A result whose correctness failed is invalid and is never a timing.
      if (result === undefined || result.status !== 1 || (result.correctnessChecked && !result.correctnessPassed)) continue;
      const key = { program: job.program?.name || job.program?.sha256 || '', method: job.method, deviceId: job.deviceId, configKey: JSON.stringify(job.config) };
      const id = JSON.stringify([job.program?.sha256, key.method, key.deviceId, key.configKey]);
      const entry = map.get(id) ?? { key, samples: [] };
      entry.samples.push(...result.samplesMs);
      map.set(id, entry);
    }
    return map;
  };
  const [a, b] = await Promise.all([series(runA), series(runB)]);
  const out: SeriesComparison[] = [];
  for (const [id, entryA] of a) {
    const entryB = b.get(id);
    if (entryB === undefined || entryA.samples.length === 0 || entryB.samples.length === 0) continue;
    const medianAMs = median(entryA.samples);
    const medianBMs = median(entryB.samples);
    out.push({ ...entryA.key, medianAMs, medianBMs, ratio: medianBMs / medianAMs });
  }
  return { series: out };
}

export function benchService(farm: Farm, auth: Authenticator): BenchServiceServer {
  return {
    submitRun: unary(auth, 'submit', async (request, call) => {
      const run = await farm.submitRun(request);
      auth.recordAction(call.metadata, call, 'submit', run.id);
      return farm.runView(run.id);
    }),
    getRun: unary(auth, 'read', async (request) => farm.runView(request.runId)),
    cancelRun: unary(auth, 'submit', async (request, call): Promise<Run> => {
      await farm.cancelRun(request.runId);
      auth.recordAction(call.metadata, call, 'cancel', request.runId);
      return farm.runView(request.runId);
    }),
    listDevices: unary(auth, 'read', async (request): Promise<ListDevicesResponse> => ({
      devices: (await farm.devices()).filter((d) => request.selector === '' || matchesSelector(d, request.selector)),
    })),
    listResults: unary(auth, 'read', async (request): Promise<ListResultsResponse> => {
      const runIds = request.runId !== '' ? [request.runId] : (await farm.store.listRuns(1)).map((r) => r.id);
      const jobs = (await Promise.all(runIds.map((id) => farm.runView(id)))).flatMap((r) => r.jobs);
      return { jobs: request.limit > 0 ? jobs.slice(0, request.limit) : jobs };
    }),
    compare: unary(auth, 'read', async (request) => compare(farm, request.runA, request.runB)),

    watchRun(call: ServerWritableStream<WatchRunRequest, RunEvent>): void {
      const denied = auth.check(call.metadata, 'read', call);
      if (denied !== null) {
        call.emit('error', denied);
        return;
      }
      const topic = `run:${call.request.runId}`;
      const onEvent = (event: RunEvent): void => {
        if (call.writableEnded) return;
        call.write(event);
        if (event.finished) finish();
      };
      const finish = (): void => {
        farm.events.off(topic, onEvent);
        if (!call.writableEnded) call.end();
      };
      // Subscribe first, then send the current state, so no change falls in between.
      farm.events.on(topic, onEvent);
      call.on('cancelled', finish);
      farm.runView(call.request.runId).then((run) => {
        if (call.writableEnded) return;
        for (const job of run.jobs) call.write({ runId: run.id, job, phase: '', finished: false, run: undefined });
        const ended = run.state !== RunState.RUN_STATE_RUNNING;
        call.write({ runId: run.id, job: undefined, phase: '', finished: ended, run: { ...run, jobs: [] } });
        if (ended) finish();
      }, (e: unknown) => {
        farm.events.off(topic, onEvent);
        call.emit('error', toServiceError(e));
      });
    },
  };
}
