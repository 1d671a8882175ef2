// Conditions read from a fake /proc and /sys tree (the host driver's local probe, parsed by the
// remote drivers' parser) and the gate before a trial: it waits while the device is too hot,
// then runs; or gives up at its bound and says so. Timeouts here are short on purpose.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { HostDriver } from '../../agent/index.js';
import { hostConditions, localProbe } from '../../agent/drivers/host/conditions.js';
import { CONDITION_FILES } from '../../agent/drivers/remote/index.js';
import {
  DEFAULT_GATES, GateSpecError, gateBlockers, parseGateSpecs, passGate, runTrials, SINGLE_LAUNCH, type GateThresholds,
} from '../../agent/trials/index.js';
import type { DeviceDriver, DriverOutcome } from '../../agent/index.js';
import { ResultStatus, type Device } from '../../proto/index.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Writes a file of the fake tree atomically (a gate polling it never sees it half written). */
async function put(root: string, file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(`${path.join(root, file)}.part`, `${text}\n`);
  await rename(`${path.join(root, file)}.part`, path.join(root, file));
}

/** A two-cluster board: cpu0 little (powersave), cpu1 big (performance, capped at 1.8 GHz), two zones, a battery. */
async function fakeTree(root: string, tempMilli: number): Promise<void> {
  await put(root, 'proc/loadavg', '0.42 0.30 0.10 1/200 999');
  const cpu = 'sys/devices/system/cpu';
  await put(root, `${cpu}/cpu0/cpufreq/scaling_governor`, 'powersave');
  await put(root, `${cpu}/cpu0/cpufreq/scaling_cur_freq`, '600000');
  await put(root, `${cpu}/cpu0/cpufreq/scaling_min_freq`, '300000');
  await put(root, `${cpu}/cpu0/cpufreq/scaling_max_freq`, '1400000');
  await put(root, `${cpu}/cpu1/cpufreq/scaling_governor`, 'performance');
  await put(root, `${cpu}/cpu1/cpufreq/scaling_cur_freq`, '1800000');
  await put(root, `${cpu}/cpu1/cpufreq/scaling_min_freq`, '500000');
  await put(root, `${cpu}/cpu1/cpufreq/scaling_max_freq`, '1800000');
  await put(root, `${cpu}/cpufreq/policy0/scaling_governor`, 'not a cpu: never matched');
  await put(root, 'sys/class/thermal/thermal_zone0/type', 'cpu-thermal');
  await put(root, 'sys/class/thermal/thermal_zone0/temp', String(tempMilli));
  await put(root, 'sys/class/thermal/thermal_zone1/type', 'gpu-thermal');
  await put(root, 'sys/class/thermal/thermal_zone1/temp', '41000');
  await put(root, 'sys/class/power_supply/battery/type', 'Battery');
  await put(root, 'sys/class/power_supply/battery/capacity', '64');
  await put(root, 'sys/class/power_supply/battery/status', 'Discharging');
}

test('conditions of a fake /proc and /sys: governors, clocks with their bounds, zones, battery, load', async (t) => {
  const root = await tempDir(t, 'etb-cond-');
  await fakeTree(root, 52500);
  const probe = await localProbe(CONDITION_FILES, root);
  t.is(probe.files.get('/sys/class/thermal/thermal_zone0/temp'), '52500', 'files are keyed by their path on the device');
  const c = await hostConditions(root);
  t.deepEqual(c.load_avg, [0.42, 0.3, 0.1]);
  t.deepEqual(c.governors, { cpu0: 'powersave', cpu1: 'performance' });
  t.deepEqual(c.cur_khz, { cpu0: 600000, cpu1: 1800000 });
  t.deepEqual(c.scaling_min_khz, { cpu0: 300000, cpu1: 500000 });
  t.deepEqual(c.scaling_max_khz, { cpu0: 1400000, cpu1: 1800000 });
  t.deepEqual(c.temperatures_c, { 'thermal_zone0 (cpu-thermal)': 52.5, 'thermal_zone1 (gpu-thermal)': 41 });
  t.is(c.max_temperature_c, 52.5);
  t.deepEqual(c.battery, { capacity_pct: 64, temperature_c: null, status: 'Discharging' });
  // The host driver reports the same record (plus free memory) when pointed at the tree.
  const driver = new HostDriver({ conditionsRoot: root });
  const viaDriver = await driver.conditions();
  t.like(viaDriver, { max_temperature_c: 52.5, governors: { cpu1: 'performance' } });
  t.true(typeof viaDriver?.['free_memory_bytes'] === 'number');
  // An empty tree is unknown conditions, not an error.
  const empty = await hostConditions(await tempDir(t, 'etb-cond-empty-'));
  t.deepEqual([empty.load_avg, empty.max_temperature_c, empty.battery], [null, null, null]);
});

test('gate blockers per threshold: temperature, load, battery level and charger', (t) => {
  const phone = DEFAULT_GATES['phone']!;
  const c = { max_temperature_c: 45, load_avg: [3, 2, 1], battery: { capacity_pct: 12, status: 'Discharging' } };
  t.deepEqual(gateBlockers(c, phone), ['temperature 45 C > 40 C', 'battery 12% < 20%', 'battery Discharging, not on a charger']);
  t.deepEqual(gateBlockers({ ...c, max_temperature_c: 39, battery: { capacity_pct: 80, status: 'Full' } }, phone), []);
  t.deepEqual(gateBlockers(c, { ...DEFAULT_GATES['host']!, maxLoad: 2 }), ['load average 3 > 2'], 'the host default ignores the battery; load only when set');
  t.deepEqual(gateBlockers(null, phone), [], 'unknown conditions never block');
});

test('--gate specs override one kind at a time and name what is wrong', (t) => {
  const table = parseGateSpecs(['host:load=1.5,timeout=10', 'phone:off', 'board:temp=none']);
  t.like(table['host'], { maxLoad: 1.5, timeoutMs: 10_000, maxTemperatureC: 85 });
  t.like(table['phone'], { maxTemperatureC: null, minBatteryPct: null, requireCharging: false });
  t.like(table['board'], { maxTemperatureC: null, timeoutMs: DEFAULT_GATES['board']!.timeoutMs });
  t.like(parseGateSpecs(['sim:temp=30'])['sim'], { maxTemperatureC: 30 });
  t.throws(() => parseGateSpecs(['host:heat=3']), { instanceOf: GateSpecError, message: /unknown key 'heat'/ });
  t.throws(() => parseGateSpecs(['host:temp=hot']), { message: /temp must be a number or none, got 'hot'/ });
  t.throws(() => parseGateSpecs(['phone:charging=maybe']), { message: /charging must be yes or no/ });
  t.throws(() => parseGateSpecs(['temp=40']), { message: /expected KIND:key=value/ });
});

const hot: GateThresholds = { ...DEFAULT_GATES['board']!, maxTemperatureC: 50, timeoutMs: 3000, pollMs: 50 };

test('the gate waits while the tree is too hot, then passes once it cools', async (t) => {
  const root = await tempDir(t, 'etb-gate-');
  await fakeTree(root, 60000);
  const cool = setTimeout(() => void put(root, 'sys/class/thermal/thermal_zone0/temp', '45000'), 300);
  const outcome = await passGate('board', async () => ({ ...(await hostConditions(root)) }), hot);
  clearTimeout(cool);
  t.false(outcome.gate.timed_out);
  t.true(outcome.gate.waited_ms >= 250, String(outcome.gate.waited_ms));
  t.deepEqual(outcome.gate.waited_for, ['temperature 60 C > 50 C']);
  t.is(outcome.conditions?.['max_temperature_c'], 45);
});

test('the gate gives up at its bound and the trial runs anyway, marked timed out', async (t) => {
  const root = await tempDir(t, 'etb-gate-hot-');
  await fakeTree(root, 60000);
  const outcome = await passGate('board', async () => ({ ...(await hostConditions(root)) }), { ...hot, timeoutMs: 300 });
  t.true(outcome.gate.timed_out);
  t.true(outcome.gate.waited_ms >= 200 && outcome.gate.waited_ms < 2000, String(outcome.gate.waited_ms));
  t.is(outcome.conditions?.['max_temperature_c'], 60);
});

test('every trial record carries its conditions and how long its gate waited', async (t) => {
  const root = await tempDir(t, 'etb-gate-trials-');
  await fakeTree(root, 60000);
  const cool = setTimeout(() => void put(root, 'sys/class/thermal/thermal_zone0/temp', '45000'), 200);
  t.teardown(() => clearTimeout(cool));
  const host = new HostDriver({ conditionsRoot: root });
  let runs = 0;
  const ok = (samples: number[]): DriverOutcome => ({
    status: ResultStatus.RESULT_STATUS_OK, exitCode: 0, signal: '', problem: '', samplesMs: samples, batch: 1, correctnessChecked: false,
    correctnessPassed: false, loadMs: 1, initMs: 1, peakRssBytes: 10, plannedBytes: 5, trialsJson: '', conditionsJson: '{"affinity":{"cpus":[1]}}',
    runnerJson: '', durationMs: 1, runtime: undefined,
  });
  const driver: DeviceDriver = {
    name: 'fake', discover: async () => [], conditions: () => host.conditions(), prepare: async () => undefined, cleanup: async () => undefined,
    run: async () => ok([1 + runs++, 2, 3]),
  };
  const device = { id: 'b1', kind: 'board' } as Device;
  const { outcome, trials } = await runTrials({
    driver, device, rules: { ...SINGLE_LAUNCH, minTrials: 2, maxTrials: 2 }, gate: hot, signal: new AbortController().signal,
    job: { programPath: 'x.pte', method: null, config: { kernels: '', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs: '' }, timeoutMs: 10_000, memoryLimitBytes: 0, rtol: null, atol: null, runtimePath: null },
  });
  t.is(trials.length, 2);
  t.true(trials[0]!.waited_ms >= 150, 'the first trial waited for the board to cool');
  t.like(trials[1]!.conditions, { gate: { waited_for: [], timed_out: false } }, 'the second did not wait (its first reading passed)');
  t.like(trials[0]!.conditions, { gate: { waited_for: ['temperature 60 C > 50 C'] } });
  t.like(trials[0]!.conditions, { max_temperature_c: 45, affinity: { cpus: [1] }, gate: { kind: 'board', timed_out: false } });
  t.deepEqual(trials.map((tr) => tr.median_ms), [2, 2]);
  t.deepEqual(outcome.samplesMs, [1, 2, 3, 2, 2, 3]);
  t.deepEqual(JSON.parse(outcome.trialsJson).map((r: { index: number; waited_ms: number }) => r.index), [0, 1]);
});

test('host CPU pinning: the last CPUs for one device, nothing for several, configured CPUs as given', async (t) => {
  const { chooseCpus } = await import('../../agent/drivers/host/affinity.js');
  t.deepEqual(chooseCpus('auto', 1, 1, 8), { cpus: [7], how: 'taskset', why: 'auto: the last CPUs' });
  t.deepEqual(chooseCpus('auto', 2, 1, 8).cpus, [6, 7]);
  t.is(chooseCpus('auto', 1, 2, 8).cpus, null, 'two host devices would share the core');
  t.is(chooseCpus('auto', 16, 1, 8).cpus, null);
  t.is(chooseCpus('off', 1, 1, 8).cpus, null);
  t.deepEqual(chooseCpus([0, 2], 1, 3, 8).cpus, [0, 2]);
});
