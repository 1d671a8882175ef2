// One night of a suite: upload, submit one run, wait, group the jobs into series, compare each
// with its baseline, rerun suspected regressions (on a second unit of the same model when the
// farm has one), record the night in the history and scan it for drifts. Shared by
// `etbench nightly` and the orchestrator's schedule (`etbench serve --nightly`).

import path from 'node:path';
import { ensureZoo } from '../../program/zoo/index.js';
import { tolerancesFor } from '../../program/index.js';
import { DeviceState, type Device, type ProgramRef, type Run } from '../../proto/index.js';
import type { FarmClient } from '../farm/client.js';
import { analyzeNight, confirm, driftOf, type SeriesReport } from './analyze.js';
import { appendNight, windowOf, type HistoryBackend, type NightPoint } from './history.js';
import { seriesOfRun, type SeriesPoint } from './series.js';
import type { NightlySuite } from './suite.js';

export interface NightReport {
  schema: 'etbench.nightly.v1';
  suite: string;
  label: string;
  runId: string;
  at: string;
  baseline: NightlySuite['baseline'];
  q: number;
  minEffectPct: number;
  maxNoisePct: number;
  /** Expected false discoveries among tonight's alerts (BH: q times the discoveries). */
  expectedFalseAlarms: number;
  /** Series that entered the night's false-discovery control (valid, stable, with a baseline). */
  judged: number;
  series: SeriesReport[];
  counts: Record<SeriesReport['status'], number>;
}

export interface NightOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  history: HistoryBackend;
  now?: () => Date;
  log?: (line: string) => void;
}

/** Program files of the suite; `zoo:NAME` is the zoo model's bundled program (made on first use). */
export function suiteFiles(suite: NightlySuite, home: string): string[] {
  return suite.programs.map((p) => {
    if (!p.startsWith('zoo:')) return p;
    const [entry] = ensureZoo({ home, bundled: true, models: [p.slice(4)] });
    if (entry === undefined) throw new Error(`${p}: the zoo made nothing`);
    return entry.bpte ?? entry.pte;
  });
}

async function uploadAll(client: FarmClient, files: readonly string[], method: string | null): Promise<ProgramRef[]> {
  const refs: ProgramRef[] = [];
  for (const file of files) refs.push(await client.uploadProgram(file, tolerancesFor(file, method)));
  return refs;
}

/** Another online unit of the same model (kind, CPU, model tag) as the device, or null. */
export function secondUnit(device: Device | undefined, devices: readonly Device[]): Device | null {
  if (device === undefined) return null;
  const model = (d: Device): string => [d.kind, d.cpuModel, d.tags['model'] ?? ''].join('|');
  return devices.find((d) => d.id !== device.id && d.unitId !== device.unitId && model(d) === model(device) && d.state !== DeviceState.DEVICE_STATE_OFFLINE) ?? null;
}

async function runAndWait(client: FarmClient, request: Parameters<FarmClient['submit']>[0]): Promise<Run> {
  const submitted = await client.submit(request);
  return client.watch(submitted.id);
}

function countOf(series: readonly SeriesReport[]): NightReport['counts'] {
  const counts = { regression: 0, suspected: 0, improvement: 0, 'no-change': 0, unstable: 0, 'insufficient-data': 0, invalid: 0 };
  for (const s of series) counts[s.status] += 1;
  return counts;
}

async function namedRunBaseline(client: FarmClient, runId: string, devices: ReadonlyMap<string, Device>): Promise<Map<string, NightPoint[]>> {
  const run = await client.getRun(runId);
  const at = new Date(Number(run.createdMs)).toISOString();
  return new Map(seriesOfRun(run.jobs, devices).filter((p) => p.problem === null).map((p) => [p.key, [{ runId, at, trials: p.trials }]]));
}

export async function runNight(client: FarmClient, suite: NightlySuite, options: NightOptions): Promise<NightReport> {
  const log = options.log ?? (() => undefined);
  const now = (options.now ?? (() => new Date()))();
  const label = `nightly:${suite.name}:${now.toISOString().slice(0, 10)}`;
  const files = suiteFiles(suite, options.home);
  const refs = await uploadAll(client, files, suite.methods[0] ?? null);
  // Each repeat of a program is its own job, so its own process launch: one trial. Repeats are
  // interleaved across programs so that a slow minute of the machine spreads over all series.
  const repeated = Array.from({ length: suite.trials }, () => refs).flat();
  const request = {
    programs: repeated, methods: suite.methods, devices: suite.devices, configs: suite.configs, priority: 0, label,
    timeoutMs: Math.round(suite.timeoutS * 1000),
  };
  const run = await runAndWait(client, request);
  log(`run ${run.id} (${label}): ${run.done} done, ${run.failed} failed, ${run.unschedulable} unschedulable of ${run.total}`);
  const deviceList = await client.devices();
  const devices = new Map(deviceList.map((d) => [d.id, d]));
  const points = seriesOfRun(run.jobs, devices);
  const history = await options.history.load();
  const named = 'run' in suite.baseline ? await namedRunBaseline(client, suite.baseline.run, devices) : null;
  const window = 'window' in suite.baseline ? suite.baseline.window : 0;
  const baselineOf = (key: string): NightPoint[] => named?.get(key) ?? (named === null ? windowOf(history, key, window) : []);
  const thresholds = { q: suite.q, minEffectPct: suite.minEffectPct, maxNoisePct: suite.maxNoisePct };
  const analysis = analyzeNight(points, baselineOf, thresholds);

  for (const report of analysis.series.filter((s) => s.status === 'suspected')) {
    const point = points.find((p) => p.key === report.key)!;
    await confirmOne(client, report, point, run, deviceList, baselineOf(report.key).flatMap((n) => n.trials), thresholds, suite, label);
    log(`confirmation of ${report.program} on ${report.deviceId}: ${report.confirmation?.confirmed === true ? 'confirmed' : 'not confirmed'}`);
  }

  const at = now.toISOString();
  appendNight(history, run.id, at, points);
  for (const report of analysis.series) {
    if (report.status !== 'invalid') report.drift = driftOf(history.series[report.key]?.points ?? []);
  }
  await options.history.save(history);
  return {
    schema: 'etbench.nightly.v1', suite: suite.name, label, runId: run.id, at, baseline: suite.baseline, ...thresholds,
    expectedFalseAlarms: analysis.expectedFalseAlarms, judged: analysis.judged, series: analysis.series, counts: countOf(analysis.series),
  };
}

/** Reruns one suspected series (same program, method, config and build) and records the outcome. */
async function confirmOne(
  client: FarmClient, report: SeriesReport, point: SeriesPoint, run: Run, devices: readonly Device[], baseline: readonly number[],
  thresholds: Parameters<typeof confirm>[3], suite: NightlySuite, label: string,
): Promise<void> {
  const job = run.jobs.find((j) => j.id === point.jobIds[0])!;
  const device = devices.find((d) => d.id === report.deviceId);
  const target = secondUnit(device, devices) ?? device;
  const rerun = await runAndWait(client, {
    programs: Array.from({ length: suite.trials }, () => job.program!), methods: job.method === '' ? [] : [job.method], devices: [target?.id ?? report.deviceId],
    configs: job.config === undefined ? [] : [job.config], runtime: job.runtime, priority: 0, label: `${label}:confirm`, timeoutMs: Math.round(suite.timeoutS * 1000),
  });
  const trials = seriesOfRun(rerun.jobs, new Map()).flatMap((p) => (p.problem === null ? p.trials : []));
  const { verdict, confirmed } = confirm(report, baseline, trials, thresholds);
  report.confirmation = { runId: rerun.id, deviceId: target?.id ?? report.deviceId, unit: target?.unitId ?? report.unit, verdict, confirmed };
  if (confirmed) report.status = 'regression';
}

export function historyFileFor(home: string, suite: string): string {
  return path.join(home, 'nightly', `${suite}.json`);
}
