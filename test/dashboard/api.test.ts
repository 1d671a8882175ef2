// The dashboard's HTTP API over a real `etbench serve` and a real agent running etrun on its
// host device: scopes (401/403), run events arriving while the run goes on, the run matrix and
// result numbers against percentiles computed here from the raw samples, cancel, /metrics.

import path from 'node:path';
import test from 'ava';
import { tempDir } from '../helpers/temp-dir.js';
import { startServe } from '../farm/helpers.js';
import { TOKENS, auth, getJson, percentile, startFarm, submitRun, waitFor } from './helpers.js';

interface Cell { jobId: string; state: string; p50Ms: number | null; p90Ms: number | null; samples: number; peakRssBytes: number | null; correctness: string | null; deviceId: string }

/** Reads a server-sent event stream to its end, noting when each event arrived. */
async function readEvents(url: string): Promise<{ name: string; data: Record<string, unknown>; at: number }[]> {
  const res = await fetch(url, auth(TOKENS.read));
  if (!res.ok || res.body === null) throw new Error(`events: ${res.status}`);
  const out: { name: string; data: Record<string, unknown>; at: number }[] = [];
  let buffer = '';
  for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name !== undefined && data !== undefined) out.push({ name, data: JSON.parse(data) as Record<string, unknown>, at: Date.now() });
    }
  }
  return out;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (m === null) throw new Error(`no ${name} in /metrics`);
  return Number(m[1]);
}

test('scopes, live events, matrix and results, cancel and /metrics over a real farm', async (t) => {
  const farm = await startFarm(t, 'd1');
  const { http } = farm;

  // Scopes: no token 401, a token without read 403, read ok; cancel needs submit.
  t.is((await fetch(`${http}/api/v1/fleet`)).status, 401);
  t.is((await fetch(`${http}/api/v1/fleet`, auth('not-a-token'))).status, 401);
  t.is((await fetch(`${http}/api/v1/runs`, auth(TOKENS.agent))).status, 403);
  t.is((await fetch(`${http}/healthz`)).status, 200);

  const { runId, proc } = await submitRun(t, farm, 'd1', 3, 0.6);
  const events = await readEvents(`${http}/api/v1/runs/${runId}/events`);
  const streamEnd = Date.now();
  t.is((await proc.exited).code, 0, proc.output());
  const done = events.filter((e) => e.name === 'job' && e.data['state'] === 'JOB_STATE_DONE');
  t.is(new Set(done.map((e) => e.data['jobId'])).size, 3, JSON.stringify(events.map((e) => [e.name, e.data['state']])));
  // Live, not a summary at the end: the first job finished at least one job's time (0.6 s) before the stream ended.
  t.true(streamEnd - done[0]!.at >= 500, `first done event ${streamEnd - done[0]!.at} ms before the end`);
  t.true(events.some((e) => e.name === 'job' && e.data['state'] === 'JOB_STATE_LEASED'), 'leases are announced');
  const last = events.at(-1)!;
  t.is(last.name, 'run');
  t.is(last.data['state'], 'RUN_STATE_DONE');
  t.is(last.data['done'], 3);

  // Matrix cells carry the percentiles of the raw samples (computed here), memory and correctness.
  const matrix = await getJson<{ cells: Cell[]; total: number }>(`${http}/api/v1/runs/${runId}/matrix`);
  t.is(matrix.cells.length, 3);
  for (const cell of matrix.cells) {
    const result = await getJson<{ samplesMs: number[]; conditions: unknown; runId: string }>(`${http}/api/v1/results/${cell.jobId}`);
    t.true(result.samplesMs.length >= 2, `${result.samplesMs.length} samples`);
    t.is(cell.samples, result.samplesMs.length);
    t.is(cell.p50Ms, percentile(result.samplesMs, 50));
    t.is(cell.p90Ms, percentile(result.samplesMs, 90));
    t.true((cell.peakRssBytes ?? 0) > 0);
    t.is(cell.deviceId, 'd1');
    t.not(cell.correctness, null);
    t.is(result.runId, runId);
    t.truthy(result.conditions);
  }
  t.is((await getJson<{ profile: unknown }>(`${http}/api/v1/results/${matrix.cells[0]!.jobId}/ops`)).profile, null, 'not profiled');
  t.is((await fetch(`${http}/api/v1/results/nope`, auth(TOKENS.read))).status, 404);

  // The fleet: the device with its failure rate over 3 accepted results.
  const fleet = await getJson<{ devices: { id: string; kind: string; results: number; failureRate: number; currentJobId: string | null }[] }>(`${http}/api/v1/fleet`);
  t.like(fleet.devices.find((d) => d.id === 'd1'), { kind: 'host', results: 3, failureRate: 0, currentJobId: null });

  // Trends: one series per program with one point each (one run so far).
  const trends = await getJson<{ series: { points: unknown[] }[] }>(`${http}/api/v1/trends`);
  t.is(trends.series.length, 3);

  // A long run: while one job runs and two wait, /metrics says so; then cancel (submit scope).
  const long = await submitRun(t, farm, 'd1', 3, 30);
  await waitFor('a job of the long run leased', async () =>
    (await getJson<{ cells: Cell[] }>(`${http}/api/v1/runs/${long.runId}/matrix`)).cells.some((c) => c.state === 'JOB_STATE_LEASED'));
  const busy = await (await fetch(`${http}/metrics`)).text();
  t.is(metric(busy, 'etbench_jobs_queued'), 2);
  t.is(metric(busy, 'etbench_jobs_running'), 1);
  t.is(metric(busy, 'etbench_agents_connected'), 1);
  t.is(metric(busy, 'etbench_dispatch_latency_seconds_count'), 4, 'three jobs of the first run and one of this one were dispatched');
  t.is((await fetch(`${http}/api/v1/runs/${long.runId}/cancel`, auth(TOKENS.read, { method: 'POST' }))).status, 403);
  t.is((await fetch(`${http}/api/v1/runs/${long.runId}/cancel`, { method: 'POST' })).status, 401);
  const cancelled = await fetch(`${http}/api/v1/runs/${long.runId}/cancel`, auth(TOKENS.submit, { method: 'POST' }));
  t.is(cancelled.status, 200);
  t.is(((await cancelled.json()) as { state: string }).state, 'RUN_STATE_CANCELLED');
  await waitFor('the device free again', async () => metric(await (await fetch(`${http}/metrics`)).text(), 'etbench_jobs_running') === 0, 30_000);
  const idle = await (await fetch(`${http}/metrics`)).text();
  t.is(metric(idle, 'etbench_jobs_queued'), 0);
});

test('--public-read lets anonymous requests read but not cancel; a wrong token is still refused', async (t) => {
  const dir = await tempDir(t, 'etbench-dashboard-public-');
  const serve = await startServe(t, path.join(dir, 'farm.db'), 0, ['--public-read']);
  const http = `http://127.0.0.1:${serve.httpPort}`;
  t.is((await fetch(`${http}/api/v1/fleet`)).status, 200);
  t.is((await fetch(`${http}/api/v1/runs`)).status, 200);
  t.is((await fetch(`${http}/api/v1/fleet`, auth('wrong'))).status, 401);
  t.is((await fetch(`${http}/api/v1/runs/x/cancel`, { method: 'POST' })).status, 401);
  t.is((await fetch(`${http}/api/v1/runs/x/cancel`, auth(TOKENS.submit, { method: 'POST' }))).status, 404);
  const ui = await fetch(`${http}/`);
  t.is(ui.status, 200);
  t.regex(await ui.text(), /<main id="app">/);
  // Only files inside the UI's folder: an encoded climb out of it, or a malformed escape, is 404.
  t.is((await fetch(`${http}/..%2f..%2fpackage.json`)).status, 404);
  t.is((await fetch(`${http}/%E0%A4%A.js`)).status, 404);
});
