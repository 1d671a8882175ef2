// The nightly suite file (docs/nightly.md): programs x methods x configs x device selectors,
// how many trials each series gets, the baseline to compare with, and the alerting thresholds.
// Every problem names the field it is in.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RuntimeConfig } from '../../proto/index.js';

export type Baseline = { window: number } | { run: string };

export interface NightlySuite {
  name: string;
  /** Files resolved against the suite file's folder, or `zoo:NAME`. */
  programs: string[];
  methods: string[];
  configs: RuntimeConfig[];
  devices: string[];
  /** Process launches per series per night (each one a trial). */
  trials: number;
  baseline: Baseline;
  /** Smallest slowdown (percent) worth alerting on. */
  minEffectPct: number;
  /** False discovery rate across the night's series. */
  q: number;
  /** A series whose baseline spreads more than this (percent) is unstable, not alerted. */
  maxNoisePct: number;
  /** Whether a suspected regression is run again before it is reported as one. */
  confirm: boolean;
  timeoutS: number;
}

export class SuiteError extends Error {}

const KNOWN = new Set(['name', 'programs', 'methods', 'configs', 'devices', 'trials', 'baseline', 'min_effect_pct', 'q', 'max_noise_pct', 'confirm', 'timeout_s']);
const CONFIG_KEYS = new Set(['kernels', 'backends', 'threads', 'warmup', 'iterations', 'min_seconds', 'inputs']);

function strings(value: unknown, field: string, required: boolean): string[] {
  if (value === undefined && !required) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) {
    throw new SuiteError(`${field}: expected a non-empty list of strings`);
  }
  return list as string[];
}

function number(value: unknown, field: string, fallback: number, check: (n: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !check(value)) throw new SuiteError(`${field}: expected ${what}, got ${JSON.stringify(value)}`);
  return value;
}

const nonNegativeInt = (n: number): boolean => Number.isInteger(n) && n >= 0;

function config(raw: unknown, at: string): RuntimeConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SuiteError(`${at}: expected a mapping like {kernels: portable, iterations: 20}`);
  const c = raw as Record<string, unknown>;
  const unknown = Object.keys(c).filter((k) => !CONFIG_KEYS.has(k));
  if (unknown.length > 0) throw new SuiteError(`${at}: unknown key ${unknown.join(', ')} (known: ${[...CONFIG_KEYS].join(', ')})`);
  const kernels = c['kernels'] ?? 'portable';
  if (kernels !== 'portable' && kernels !== 'optimized') throw new SuiteError(`${at}.kernels: expected portable or optimized, got ${JSON.stringify(kernels)}`);
  if (c['inputs'] !== undefined && typeof c['inputs'] !== 'string') throw new SuiteError(`${at}.inputs: expected a string`);
  return {
    kernels, backends: strings(c['backends'], `${at}.backends`, false), threads: number(c['threads'], `${at}.threads`, 0, nonNegativeInt, 'an integer >= 0'),
    warmup: number(c['warmup'], `${at}.warmup`, 0, nonNegativeInt, 'an integer >= 0'), hasWarmup: c['warmup'] !== undefined,
    iterations: number(c['iterations'], `${at}.iterations`, 0, nonNegativeInt, 'an integer >= 0'),
    minSeconds: number(c['min_seconds'], `${at}.min_seconds`, 0, (n) => n >= 0, 'a number >= 0'), inputs: (c['inputs'] as string | undefined) ?? '',
  };
}

function baseline(raw: unknown): Baseline {
  if (raw === undefined) return { window: 7 };
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const b = raw as Record<string, unknown>;
    const keys = Object.keys(b);
    if (keys.length === 1 && keys[0] === 'window') return { window: number(b['window'], 'baseline.window', 7, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1') };
    if (keys.length === 1 && keys[0] === 'run' && typeof b['run'] === 'string' && b['run'] !== '') return { run: b['run'] };
  }
  throw new SuiteError(`baseline: expected {window: N} (the last N nights of each series) or {run: RUN_ID}, got ${JSON.stringify(raw)}`);
}

/** Parses a suite's text; `dir` is where relative program paths are resolved. */
export function parseSuite(text: string, dir: string): NightlySuite {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new SuiteError(`not valid YAML: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new SuiteError('expected a mapping with name, programs, devices, ...');
  const d = doc as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) throw new SuiteError(`unknown key ${unknown.join(', ')} (known: ${[...KNOWN].join(', ')})`);
  const name = d['name'];
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) throw new SuiteError(`name: expected letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}`);
  const configs = d['configs'] === undefined ? [config({}, 'configs[0]')] : Array.isArray(d['configs']) && d['configs'].length > 0
    ? d['configs'].map((c, i) => config(c, `configs[${i}]`)) : (() => { throw new SuiteError('configs: expected a non-empty list of mappings'); })();
  const confirm = d['confirm'] ?? true;
  if (typeof confirm !== 'boolean') throw new SuiteError('confirm: expected true or false');
  return {
    name,
    programs: strings(d['programs'], 'programs', true).map((p) => (p.startsWith('zoo:') ? p : path.resolve(dir, p))),
    methods: strings(d['methods'], 'methods', false),
    configs,
    devices: strings(d['devices'], 'devices', true),
    trials: number(d['trials'], 'trials', 5, (n) => Number.isInteger(n) && n >= 1 && n <= 100, 'an integer from 1 to 100'),
    baseline: baseline(d['baseline']),
    minEffectPct: number(d['min_effect_pct'], 'min_effect_pct', 3, (n) => n >= 0, 'a number >= 0'),
    q: number(d['q'], 'q', 0.05, (n) => n > 0 && n < 1, 'a number between 0 and 1'),
    maxNoisePct: number(d['max_noise_pct'], 'max_noise_pct', 10, (n) => n > 0, 'a number > 0'),
    confirm,
    timeoutS: number(d['timeout_s'], 'timeout_s', 300, (n) => n > 0, 'a number of seconds > 0'),
  };
}

export async function readSuite(file: string): Promise<NightlySuite> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new SuiteError(`${file}: ${(e as Error).message}`);
  }
  try {
    return parseSuite(text, path.dirname(path.resolve(file)));
  } catch (e) {
    throw new SuiteError(`${file}: ${(e as Error).message}`);
  }
}
