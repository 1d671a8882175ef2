// The orchestrator's read-only HTTP API (JSON), for dashboards and scripts. The same tokens as
// gRPC (`Authorization: Bearer TOKEN`, read scope); /healthz needs none.
//
//   GET /healthz                 {"ok":true}
//   GET /api/v1/devices          {"devices":[Device...]}
//   GET /api/v1/runs?limit=N     {"runs":[Run without jobs...]}   newest first, N <= 500
//   GET /api/v1/runs/RUN_ID      Run with its jobs, results and statistics
//
// Bodies are the protocol's messages in their canonical JSON form (proto/).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import { Device, Run } from '../proto/index.js';
import type { Authenticator } from './auth.js';
import { RequestError, type Farm } from './farm.js';

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function route(farm: Farm, auth: Authenticator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://orchestrator');
  if (req.method !== 'GET') return send(res, 405, { error: 'only GET' });
  if (url.pathname === '/healthz') return send(res, 200, { ok: true });
  const metadata = new Metadata();
  if (typeof req.headers.authorization === 'string') metadata.set('authorization', req.headers.authorization);
  const denied = auth.check(metadata, 'read');
  if (denied !== null) return send(res, denied.code === 16 ? 401 : 403, { error: denied.details });
  if (url.pathname === '/api/v1/devices') return send(res, 200, { devices: (await farm.devices()).map((d) => Device.toJSON(d)) });
  if (url.pathname === '/api/v1/runs') {
    const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
    const runs = await Promise.all((await farm.store.listRuns(limit)).map((r) => farm.runView(r.id, false)));
    return send(res, 200, { runs: runs.map((r) => Run.toJSON(r)) });
  }
  const match = /^\/api\/v1\/runs\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
  if (match !== null) return send(res, 200, Run.toJSON(await farm.runView(match[1]!)));
  return send(res, 404, { error: `no route ${url.pathname}` });
}

/** Listens on host:port (0 picks one); resolves with the server and its port. */
export async function startHttpApi(farm: Farm, auth: Authenticator, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    route(farm, auth, req, res).catch((e: unknown) => {
      if (e instanceof RequestError) send(res, e.kind === 'not-found' ? 404 : 400, { error: e.message });
      else send(res, 500, { error: (e as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : port };
}
