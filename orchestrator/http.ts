// The orchestrator's HTTP side: the JSON API (docs/dashboard.md), server-sent run events, the
// Prometheus /metrics and the web UI's static files. The same tokens and scopes as gRPC
// (`Authorization: Bearer TOKEN`); `publicRead` lets requests without a token read (never
// write). A request with a token that is wrong is refused even then: a typo should not look
// like success.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import { Device, Run, RunState } from '../proto/index.js';
import type { Authenticator, Scope } from './auth.js';
import { authMetadata, httpCallInfo } from './http-caller.js';
import { fleetView, matrixCell, resultView, runMatrix, runSummary, trendsView } from './dashboard-views.js';
import { RequestError, type Farm } from './farm.js';
import { farmMetrics } from './metrics.js';
import { kernelValidationView } from './kernel-validation.js';
import { opCompareView, opSeriesView, resultOpsView } from './op-views.js';
import { serveStatic } from './static-files.js';

export interface HttpOptions {
  /** Anonymous requests may use the read scope. */
  publicRead?: boolean;
  /** The built web UI; null: no UI (the API still answers). */
  uiDir?: string | null;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function numberParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new RequestError(`query parameter ${name} must be a number from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** Server-sent events of one run: a snapshot, then each job change, until the run ends. */
async function runEvents(farm: Farm, runId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const snapshot = await farm.runView(runId);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const write = (event: string, data: unknown): void => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const topic = `run:${runId}`;
  const finish = (): void => {
    farm.events.off(topic, onEvent);
    clearInterval(ping);
    if (!res.writableEnded) res.end();
  };
  const onEvent = (event: { job?: Parameters<typeof matrixCell>[0]; run?: Run; phase: string; finished: boolean }): void => {
    if (event.job !== undefined) write('job', { ...matrixCell(event.job), phase: event.phase });
    if (event.run !== undefined) write('run', runSummary(event.run));
    if (event.finished) finish();
  };
  farm.events.on(topic, onEvent);
  // Comments keep proxies from closing an idle stream.
  const ping = setInterval(() => !res.writableEnded && res.write(': ping\n\n'), 15_000);
  req.on('close', finish);
  for (const job of snapshot.jobs) write('job', { ...matrixCell(job), phase: '' });
  write('run', runSummary(snapshot));
  if (snapshot.state !== RunState.RUN_STATE_RUNNING) finish();
}

export function httpHandler(farm: Farm, auth: Authenticator, options: HttpOptions = {}): {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): void;
} {
  const metrics = farmMetrics(farm);
  const allowed = (req: IncomingMessage, res: ServerResponse, scope: Scope): boolean => {
    const header = req.headers.authorization;
    if (header === undefined && options.publicRead === true && scope === 'read') return true;
    const metadata = new Metadata();
    if (typeof header === 'string') metadata.set('authorization', header);
    const denied = auth.check(metadata, scope, httpCallInfo(req));
    if (denied === null) return true;
    const retry = denied.metadata.get('retry-after')[0];
    if (retry !== undefined) res.setHeader('retry-after', String(retry));
    send(res, denied.code === 16 ? 401 : denied.code === 8 ? 429 : 403, { error: denied.details });
    return false;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://orchestrator');
    const path = url.pathname;
    if (path === '/healthz') return send(res, 200, { ok: true });
    if (path === '/metrics') {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'only GET for the UI' });
      // The UI's files are public: they hold no data; the API calls they make carry the token.
      if (options.uiDir != null && serveStatic(options.uiDir, path, res)) return;
      return send(res, 404, { error: `no route ${path}` });
    }
    const cancel = /^\/api\/v1\/runs\/([A-Za-z0-9_-]+)\/cancel$/.exec(path);
    if (req.method === 'POST' && cancel !== null) {
      if (!allowed(req, res, 'submit')) return;
      await farm.cancelRun(cancel[1]!);
      auth.recordAction(authMetadata(req), httpCallInfo(req), 'cancel', cancel[1]!);
      return send(res, 200, runSummary(await farm.runView(cancel[1]!, false)));
    }
    if (req.method === 'GET' && path === '/api/v1/audit') {
      if (!allowed(req, res, 'admin')) return;
      return send(res, 200, { entries: await farm.store.auditEntries(numberParam(url, 'limit', 100, 1, 10_000), numberParam(url, 'since', 0, 0, Number.MAX_SAFE_INTEGER)) });
    }
    if (req.method !== 'GET') return send(res, 405, { error: `${req.method} ${path}: only GET here (POST /api/v1/runs/RUN_ID/cancel cancels)` });
    if (!allowed(req, res, 'read')) return;
    if (path === '/api/v1/devices') return send(res, 200, { devices: (await farm.devices()).map((d) => Device.toJSON(d)) });
    if (path === '/api/v1/fleet') return send(res, 200, { devices: await fleetView(farm) });
    if (path === '/api/v1/runs') {
      const limit = numberParam(url, 'limit', 50, 1, 500);
      const runs = await Promise.all((await farm.store.listRuns(limit)).map((r) => farm.runView(r.id, false)));
      return send(res, 200, { runs: runs.map((r) => ({ ...(Run.toJSON(r) as object), ...(runSummary(r) as object) })) });
    }
    if (path === '/api/v1/trends') return send(res, 200, await trendsView(farm, numberParam(url, 'runs', 50, 1, 500), numberParam(url, 'threshold', 1.1, 1, 100)));
    if (path === '/api/v1/kernels') return send(res, 200, await kernelValidationView(farm, numberParam(url, 'runs', 50, 1, 500)));
    if (path === '/api/v1/series/ops') {
      const param = (name: string): string | null => url.searchParams.get(name) || null;
      return send(res, 200, await opSeriesView(farm, { program: param('program') ?? '', deviceId: param('device'), method: param('method'), runs: numberParam(url, 'runs', 50, 1, 500) }));
    }
    if (path === '/api/v1/ops/compare') {
      const [a, b] = [url.searchParams.get('a'), url.searchParams.get('b')];
      if (a === null || b === null) throw new RequestError('query parameters a and b (job ids) are required');
      return send(res, 200, await opCompareView(farm, a, b));
    }
    let m = /^\/api\/v1\/runs\/([A-Za-z0-9_-]+)(\/matrix|\/events)?$/.exec(path);
    if (m !== null) {
      if (m[2] === '/matrix') return send(res, 200, await runMatrix(farm, m[1]!));
      if (m[2] === '/events') return runEvents(farm, m[1]!, req, res);
      return send(res, 200, Run.toJSON(await farm.runView(m[1]!)));
    }
    m = /^\/api\/v1\/results\/([A-Za-z0-9_-]+)(\/ops)?$/.exec(path);
    if (m !== null) {
      if (m[2] === '/ops') return send(res, 200, await resultOpsView(farm, m[1]!));
      return send(res, 200, await resultView(farm, m[1]!));
    }
    return send(res, 404, { error: `no route ${path}` });
  };

  return {
    handle(req, res): void {
      route(req, res).catch((e: unknown) => {
        if (res.headersSent) return void res.end();
        if (e instanceof RequestError) send(res, e.kind === 'not-found' ? 404 : 400, { error: e.message });
        else send(res, 500, { error: (e as Error).message });
      });
    },
    close: () => metrics.close(),
  };
}

/** Listens on host:port (0 picks one); resolves with the server and its port. */
export async function startHttpApi(farm: Farm, auth: Authenticator, host: string, port: number, options: HttpOptions = {}): Promise<{ server: Server; port: number }> {
  const handler = httpHandler(farm, auth, options);
  const server = createServer((req, res) => handler.handle(req, res));
  server.on('close', () => handler.close());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : port };
}
