// BenchService: the client API over the farm core.

import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import type {
  BenchServiceServer, ListDevicesResponse, ListResultsResponse, ListRunsResponse, Run, RunEvent, WatchRunRequest,
} from '../../proto/index.js';
import { RunState } from '../../proto/index.js';
import type { Authenticator, Scope } from '../auth.js';
import type { Farm } from '../farm.js';
import { matchesSelector } from '../matching.js';
import { compareRuns } from '../compare.js';
import { toServiceError } from './errors.js';

function unary<Req, Res>(auth: Authenticator, scope: Scope, body: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    const denied = auth.check(call.metadata, scope, call);
    if (denied !== null) return callback(denied);
    body(call.request, call).then((r) => callback(null, r), (e: unknown) => callback(toServiceError(e)));
  };
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
    compare: unary(auth, 'read', async (request) => compareRuns(farm, request)),
    listRuns: unary(auth, 'read', async (request): Promise<ListRunsResponse> => {
      // Newest first; the store has no time index on runs, so the newest 10,000 are filtered.
      const rows = (await farm.store.listRuns(10_000)).filter((r) => (request.sinceMs === 0 || r.createdMs >= request.sinceMs)
        && (request.untilMs === 0 || r.createdMs <= request.untilMs) && r.label.startsWith(request.labelPrefix));
      return { runs: await Promise.all(rows.slice(0, request.limit || 100).map((r) => farm.runView(r.id, request.withJobs))) };
    }),

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
