// Dashboard test helpers: a real `etbench serve` with a real agent (one host device), runs
// submitted with `etbench run --orchestrator` as their own processes, and HTTP calls with tokens.

import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, addProgram, spawnEtbench, startAgent, startServe, waitFor, type Proc, type ServeProc } from '../farm/helpers.js';

export { TOKENS, waitFor };

export interface Farm {
  dir: string;
  serve: ServeProc;
  http: string;
  agent: Proc;
}

export async function startFarm(t: ExecutionContext, device: string, extra: readonly string[] = []): Promise<Farm> {
  const dir = await tempDir(t, 'etbench-dashboard-');
  const serve = await startServe(t, path.join(dir, 'farm.db'), 0, extra);
  const http = `http://127.0.0.1:${serve.httpPort}`;
  const agent = startAgent(t, serve.address, 'dash-agent', [device], path.join(dir, 'cache'));
  await waitFor('the device online', async () => {
    const body = (await (await fetch(`${http}/api/v1/fleet`, auth(TOKENS.read))).json()) as { devices: { id: string; state: string }[] };
    return body.devices.some((d) => d.id === device && d.state === 'DEVICE_STATE_ONLINE');
  }, 60_000);
  return { dir, serve, http, agent };
}

export function auth(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { authorization: `Bearer ${token}` } };
}

export async function getJson<T>(url: string, token: string = TOKENS.read): Promise<T> {
  const res = await fetch(url, auth(token));
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Submits `count` programs to the device, each timing for at least `seconds`, and resolves with
 * the run id once the orchestrator lists it (the run goes on in the background).
 */
export async function submitRun(t: ExecutionContext, farm: Farm, device: string, count: number, seconds: number): Promise<{ runId: string; proc: Proc }> {
  const before = new Set((await getJson<{ runs: { id: string }[] }>(`${farm.http}/api/v1/runs`)).runs.map((r) => r.id));
  const programs = Array.from({ length: count }, (_, i) => addProgram(farm.dir, `add-${before.size}-${i}.pte`, 256 + i));
  const proc = spawnEtbench(t, ['run', '--orchestrator', farm.serve.address, '--devices', device, '--programs', ...programs, '--min-seconds', String(seconds),
    '--warmup', '0'], { ETBENCH_TOKEN: TOKENS.submit, ETBENCH_HOME: farm.dir });
  const runId = await waitFor('the run to be listed', async () =>
    (await getJson<{ runs: { id: string }[] }>(`${farm.http}/api/v1/runs`)).runs.map((r) => r.id).find((id) => !before.has(id)), 60_000);
  return { runId, proc };
}

/** Nearest-rank percentile, computed here independently of the orchestrator. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** How the UI prints a time (dashboard/src/dom.ts), so the test can find its own numbers on the page. */
export function shownMs(v: number): string {
  return v < 1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(3)} ms`;
}
