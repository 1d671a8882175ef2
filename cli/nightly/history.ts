// The stored nightly history: per series, each night's trial medians (valid timings only).
// Two homes: a JSON file ($ETBENCH_HOME/nightly/SUITE.json by default) for `etbench nightly`, so
// that a suite run on the embedded farm, whose store lives only as long as the run, still has its
// past nights; and the orchestrator's store (migration 5) for the schedule, so that replicas
// sharing a store share the history too.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NightlyPointRow, Store } from '../../orchestrator/store/store.js';
import type { SeriesIdentity, SeriesPoint } from './series.js';

export interface NightPoint {
  runId: string;
  /** ISO time the night's run was submitted. */
  at: string;
  trials: number[];
}

export interface SeriesHistory {
  identity: SeriesIdentity;
  points: NightPoint[];
}

export interface HistoryFile {
  version: 1;
  suite: string;
  series: Record<string, SeriesHistory>;
}

export function emptyHistory(suite: string): HistoryFile {
  return { version: 1, suite, series: {} };
}

export async function loadHistory(file: string, suite: string): Promise<HistoryFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyHistory(suite);
    throw e;
  }
  const doc = JSON.parse(text) as HistoryFile;
  if (doc.version !== 1 || typeof doc.series !== 'object') throw new Error(`${file}: not a nightly history file (version 1)`);
  return doc;
}

/** The last `n` nights' trial medians of a series, oldest first, each night's list kept apart. */
export function windowOf(history: HistoryFile, key: string, n: number): NightPoint[] {
  return (history.series[key]?.points ?? []).slice(-n);
}

/** Adds tonight's valid series (a run already recorded is not added twice). */
export function appendNight(history: HistoryFile, runId: string, at: string, points: readonly SeriesPoint[]): void {
  for (const p of points) {
    if (p.problem !== null || p.trials.length === 0) continue;
    const { key, trials, problem: _p, jobIds: _j, ...identity } = p;
    const entry = history.series[key] ?? { identity, points: [] };
    history.series[key] = entry;
    if (entry.points.some((x) => x.runId === runId)) continue;
    entry.points.push({ runId, at, trials: [...trials] });
  }
}

/** Writes atomically (temp file, rename) so a crash never leaves half a history. */
export async function saveHistory(file: string, history: HistoryFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(history, null, 1)}\n`);
  await rename(temp, file);
}

/** Where a suite's history is kept: load it before a night, save it after. */
export interface HistoryBackend {
  /** For messages: the file, or "the orchestrator's store". */
  where: string;
  load(): Promise<HistoryFile>;
  save(history: HistoryFile): Promise<void>;
}

export function fileHistory(file: string, suite: string): HistoryBackend {
  return { where: file, load: () => loadHistory(file, suite), save: (history) => saveHistory(file, history) };
}

export function storeHistory(store: Pick<Store, 'addNightlyPoints' | 'nightlyPoints'>, suite: string): HistoryBackend {
  return {
    where: "the orchestrator's store",
    async load() {
      const history = emptyHistory(suite);
      for (const row of await store.nightlyPoints(suite)) {
        const entry = history.series[row.seriesKey] ?? { identity: JSON.parse(row.identity) as SeriesIdentity, points: [] };
        history.series[row.seriesKey] = entry;
        entry.points.push({ runId: row.runId, at: new Date(row.atMs).toISOString(), trials: JSON.parse(row.trials) as number[] });
      }
      return history;
    },
    // Every point is offered; the store keeps the ones it does not have (idempotent per run).
    async save(history) {
      const rows: NightlyPointRow[] = Object.entries(history.series).flatMap(([seriesKey, s]) => s.points.map((p) => ({
        seriesKey, runId: p.runId, atMs: Date.parse(p.at), identity: JSON.stringify(s.identity), trials: JSON.stringify(p.trials),
      })));
      await store.addNightlyPoints(suite, rows);
    },
  };
}
