// The adb driver through adbkit and the real adb server (Debian `adb`, on a free loopback port) to
// a fake phone that speaks the device side of the adb transport (test/helpers/fake-adbd): the phone
// is the one part this machine cannot have. Its ABI is x86_64, so the host etrun "runs on the
// phone" (inside the fake's sandbox folder). Skips without adb, never when CI=true.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { createAdbDriver, type AdbDevice, type AdbDriver } from '../../agent/drivers/adb/index.js';
import { ADD_MODEL, BUNDLED, repoRoot } from '../helpers/fixtures.js';
import { adbMissing, startAdbServer, type AdbServer } from '../helpers/adb-server.js';
import { FakeAdbDevice } from '../helpers/fake-adbd/device.js';

const ci = process.env.CI === 'true';
const missing = adbMissing();
const adbTest = !missing || ci ? test.serial : test.serial.skip;
if (missing) console.log(`adb driver tests: adb not installed (apt-get install adb); ${ci ? 'CI=true: running anyway, so they fail' : 'skipped'}`);

let dir: string;
let server: AdbServer;
let driver: AdbDriver;
const fakes: FakeAdbDevice[] = [];

const CPUS = Math.max(2, os.cpus().length);
const PROPS = {
  'ro.product.model': 'Fake Pixel', 'ro.product.manufacturer': 'Etbench', 'ro.product.name': 'fakepixel',
  'ro.product.cpu.abi': 'x86_64', 'ro.soc.manufacturer': 'Qualcomm', 'ro.soc.model': 'SM8650',
  'ro.build.version.release': '14', 'ro.build.version.sdk': '34',
};

async function phone(name: string, options: { authorized?: boolean; emulator?: string; props?: Record<string, string> } = {}): Promise<FakeAdbDevice> {
  const fake = await FakeAdbDevice.start({ sandbox: path.join(dir, name), ...options, props: { ...PROPS, ...options.props } });
  fakes.push(fake);
  fake.writeFile('/sys/class/thermal/thermal_zone0/type', 'cpu-thermal\n');
  fake.writeFile('/sys/class/thermal/thermal_zone0/temp', '38000\n');
  fake.writeFile('/sys/class/power_supply/battery/type', 'Battery\n');
  fake.writeFile('/sys/class/power_supply/battery/capacity', '87\n');
  fake.writeFile('/sys/class/power_supply/battery/temp', '291\n');
  fake.writeFile('/sys/class/power_supply/battery/status', 'Charging\n');
  // The last CPU is the "big" one: pinning then names a CPU this machine has.
  for (let cpu = 0; cpu < CPUS; cpu++) {
    const base = `/sys/devices/system/cpu/cpu${cpu}/cpufreq`;
    fake.writeFile(`${base}/cpuinfo_max_freq`, cpu === CPUS - 1 ? '3300000\n' : '2000000\n');
    fake.writeFile(`${base}/cpuinfo_min_freq`, '300000\n');
    fake.writeFile(`${base}/scaling_governor`, 'schedutil\n');
    fake.writeFile(`${base}/scaling_cur_freq`, '1200000\n');
  }
  const said = await server.connect(fake.port);
  if (options.authorized !== false && !said.includes('connected to')) throw new Error(`adb connect: ${said}`);
  return fake;
}

async function ready(fake: FakeAdbDevice): Promise<AdbDevice> {
  for (let i = 0; i < 50; i++) {
    const device = (await driver.discover()).find((d) => d.id === fake.serial);
    if (device?.state === 'device') return device;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${fake.serial} never became ready`);
}

// The arm64 phone runs the static aarch64 etrun under qemu-aarch64 (the fake swaps an aarch64
// executable it receives for a script that execs the emulator on it, as binfmt_misc would). The
// test builds it (`node native/build.mjs etrun-aarch64`; incremental, and locked against the
// aarch64 test building it at the same time) where the cross compiler is installed, and in CI.
const ETRUN_AARCH64 = path.join(repoRoot, 'build', 'native', 'aarch64', 'etrun');
const qemuMissing = spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status !== 0;
const crossMissing = spawnSync('aarch64-linux-gnu-g++', ['--version'], { stdio: 'ignore' }).status !== 0;
const armTest = ci || (!missing && !qemuMissing && !crossMissing) ? test.serial : test.serial.skip;
if (!ci && (qemuMissing || crossMissing)) {
  console.log(`adb arm64 phone test: skipped (${qemuMissing ? 'qemu-aarch64' : 'aarch64-linux-gnu-g++'} not installed: apt-get install qemu-user g++-aarch64-linux-gnu)`);
}

function buildEtrunAarch64(): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'native', 'build.mjs'), 'etrun-aarch64'], { cwd: repoRoot, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0 || !existsSync(ETRUN_AARCH64)) throw new Error(`etrun-aarch64 did not build:\n${r.stderr.slice(-3000)}`);
}

const etrunsUnder = (sandbox: string): string[] =>
  spawnSync('pgrep', ['-af', `^${sandbox}/data/local/tmp/etbench/runtime/`], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.trim() !== '');

test.before(async () => {
  if (missing && !ci) return;
  if (!existsSync(path.join(repoRoot, 'build', 'native', 'release', 'etrun'))) {
    execFileSync(process.execPath, [path.join(repoRoot, 'native', 'build.mjs'), 'etrun'], { cwd: repoRoot, stdio: 'ignore' });
  }
  dir = await mkdtemp(path.join(tmpdir(), 'etb-adb-'));
  server = await startAdbServer(dir);
  driver = createAdbDriver({ port: server.port });
});

test.after.always(async () => {
  for (const f of fakes) await f.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

adbTest('discover and facts: the phone through the real adb server, unit_id = serial, props, /sys thermal and battery', async (t) => {
  const fake = await phone('facts');
  const device = await ready(fake);
  t.is(device.unitId, fake.serial);
  t.deepEqual(device.tags, { kind: 'phone', os: 'android', soc: 'Qualcomm SM8650', abi: 'x86_64', model: 'Fake Pixel', android: '14' });
  const facts = await driver.facts(device);
  t.is(facts.model, 'Fake Pixel');
  t.is(facts.android_version, '14');
  t.is(facts.sdk, 34);
  t.is(facts.cpu_max_khz[`cpu${CPUS - 1}`], 3300000);
  t.is(facts.thermal_zones.thermal_zone0, 'cpu-thermal');
  const c = await driver.conditions(device);
  t.deepEqual(c.temperatures_c, { 'thermal_zone0 (cpu-thermal)': 38 });
  t.deepEqual(c.battery, { capacity_pct: 87, temperature_c: 29.1, status: 'Charging' });
  t.is(c.governors.cpu0, 'schedutil');
  t.is(c.cur_khz.cpu0, 1200000);
  // The server spoke protocol 1.0.0.0 with this device, so its payloads carried checksums, all verified.
  t.true(fake.log.checksummed > 0);
  t.deepEqual(fake.log.errors, []);
});

adbTest('prepare pushes etrun once per sha256; adb shell runs the bundled program, correctness passes; cleanup', async (t) => {
  const fake = await phone('run');
  const device = await ready(fake);
  const prepared = await driver.prepare(device, null, { path: BUNDLED });
  t.deepEqual(prepared.pushed, { runtime: true, program: true });
  t.regex(prepared.etrun, /^\/data\/local\/tmp\/etbench\/runtime\/[0-9a-f]{64}\/etrun$/);
  t.true(existsSync(fake.sandbox.local(prepared.etrun)));
  const again = await driver.prepare(device, null, { path: BUNDLED });
  t.deepEqual(again.pushed, { runtime: false, program: false });
  t.is(fake.log.sent.filter((p) => p.startsWith(`${prepared.etrun}`)).length, 1);
  const run = await driver.run(device, { prepared: again, iterations: 3, pinBigCores: true, timeoutMs: 30_000 });
  t.is(run.status, 'OK', `${run.problem}\n${run.stderr}`);
  t.true((run.result?.correctness?.length ?? 0) > 0 && run.result!.correctness!.every((c) => c.pass));
  t.is(run.result?.program.path, again.program);
  t.is(run.result?.device.unit_id, fake.serial);
  t.is(run.result?.latency_ms?.samples.length, 3);
  t.deepEqual((run.result?.conditions as { battery?: unknown }).battery, { capacity_pct: 87, temperature_c: 29.1, status: 'Charging' });
  t.true(fake.log.services.some((s) => s.includes(`'taskset' '${(1n << BigInt(CPUS - 1)).toString(16)}'`)), 'pinned to the big core');
  await driver.cleanup(device);
  t.false(existsSync(fake.sandbox.local('/data/local/tmp/etbench/jobs')));
  t.true(existsSync(fake.sandbox.local(prepared.etrun)));
});

adbTest('a job waits until the phone cools below the threshold, and records the wait', async (t) => {
  const fake = await phone('hot');
  const device = await ready(fake);
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  fake.writeFile('/sys/class/thermal/thermal_zone0/temp', '55000\n');
  setTimeout(() => fake.writeFile('/sys/class/thermal/thermal_zone0/temp', '35000\n'), 1500);
  const run = await driver.run(device, { prepared, iterations: 2, coolBelowC: 40, timeoutMs: 30_000 });
  t.is(run.status, 'OK', `${run.problem}`);
  const cooldown = (run.result?.conditions as { cooldown: { reached: boolean; waited_ms: number; temperature_c: number } }).cooldown;
  t.true(cooldown.reached);
  t.true(cooldown.waited_ms >= 1000, `waited ${cooldown.waited_ms} ms`);
  t.is(cooldown.temperature_c, 35);
  // A phone that stays hot: the wait gives up after its bound, the job runs, the record says so.
  fake.writeFile('/sys/class/thermal/thermal_zone0/temp', '70000\n');
  const hot = await driver.run(device, { prepared, iterations: 2, coolBelowC: 40, coolTimeoutMs: 1000, timeoutMs: 30_000 });
  t.is(hot.status, 'OK');
  t.false((hot.result?.conditions as { cooldown: { reached: boolean } }).cooldown.reached);
});

adbTest('a job over its time bound is killed on the phone; so is one aborted before it started', async (t) => {
  const fake = await phone('slow');
  const device = await ready(fake);
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  const started = Date.now();
  const run = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 1500 });
  t.is(run.status, 'TIMED_OUT', `${run.problem}`);
  t.true(Date.now() - started < 15_000);
  t.deepEqual(etrunsUnder(fake.sandbox.root), []);
  // Aborted before etrun even started (the stop comes before its pid): still killed, not left behind.
  const early = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 60_000 }, AbortSignal.abort());
  t.is(early.status, 'CANCELLED');
  t.deepEqual(etrunsUnder(fake.sandbox.root), []);
});

adbTest('an unauthorized phone is listed with that state and what to do', async (t) => {
  const fake = await phone('locked', { authorized: false });
  let device: AdbDevice | undefined;
  for (let i = 0; i < 50 && device?.state !== 'unauthorized'; i++) {
    device = (await driver.discover()).find((d) => d.id === fake.serial);
    await new Promise((r) => setTimeout(r, 100));
  }
  t.is(device?.state, 'unauthorized');
  t.regex(device?.problem ?? '', /Allow USB debugging/);
  t.is(device?.tags.abi, undefined, 'nothing is read from a phone that has not authorized us');
});

adbTest('unplugging mid-job: the job is LOST (to be re-queued) and watch() sees the phone go', async (t) => {
  const fake = await phone('unplug');
  const device = await ready(fake);
  const seen: string[] = [];
  const watcher = await driver.watch((d) => { if (d.id === fake.serial) seen.push(d.state); });
  t.teardown(() => watcher.stop());
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  // Pull the cable once etrun runs on the phone (not at a fixed time: a loaded machine is slow to start it).
  void (async () => {
    for (let i = 0; i < 200 && etrunsUnder(fake.sandbox.root).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    await fake.unplug();
  })();
  const started = Date.now();
  const run = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 60_000 });
  t.is(run.status, 'LOST', `${run.status}: ${run.problem}`);
  t.regex(run.problem ?? '', /lost the device mid-job.*(offline|gone)/);
  t.is(run.result, null);
  t.true(Date.now() - started < 20_000);
  for (let i = 0; i < 50 && !seen.some((s) => s === 'offline' || s === 'gone'); i++) await new Promise((r) => setTimeout(r, 100));
  t.true(seen.some((s) => s === 'offline' || s === 'gone'), `states seen: ${seen.join(', ')}`);
  t.is(seen[0], 'device', 'watch() reports the devices present when it starts');
  const now = (await driver.discover()).find((d) => d.id === fake.serial);
  t.not(now?.state, 'device');
  // Plugged back in: the server reconnects on its own and watch() reports it ready again.
  const unpluggedAt = seen.length;
  await fake.replug();
  for (let i = 0; i < 150 && !seen.slice(unpluggedAt).includes('device'); i++) await new Promise((r) => setTimeout(r, 100));
  t.true(seen.slice(unpluggedAt).includes('device'), `states seen: ${seen.join(', ')}`);
  // The lost job's etrun kept running on the phone; the next job kills it before it runs.
  t.is(etrunsUnder(fake.sandbox.root).length, 1);
  const next = await driver.run(await ready(fake), { prepared, iterations: 2, timeoutMs: 30_000 });
  t.is(next.status, 'OK', `${next.problem}`);
  t.deepEqual(etrunsUnder(fake.sandbox.root), []);
});

armTest('an arm64-v8a phone gets the static aarch64 etrun, which runs the bundled program there', async (t) => {
  t.timeout(900_000);
  buildEtrunAarch64();
  const fake = await phone('arm64', { emulator: 'qemu-aarch64', props: { 'ro.product.cpu.abi': 'arm64-v8a' } });
  const device = await ready(fake);
  t.is(device.tags.abi, 'arm64-v8a');
  const prepared = await driver.prepare(device, null, { path: BUNDLED });
  t.is(prepared.runtime.arch, 'aarch64');
  t.is(prepared.runtime.path, ETRUN_AARCH64);
  const pushed = fake.sandbox.aarch64Twin(fake.sandbox.local(`${prepared.etrun}.part`));
  t.true(readFileSync(pushed).equals(readFileSync(ETRUN_AARCH64)), 'the pushed file is the aarch64 build');
  const run = await driver.run(device, { prepared, iterations: 2, timeoutMs: 60_000 });
  t.is(run.status, 'OK', `${run.problem}\n${run.stderr}`);
  t.is(run.result?.device.arch, 'aarch64');
  t.true(run.result!.correctness!.every((c) => c.pass));
  // What the farm schedules with comes from the phone's own build, not the host's etrun.
  const caps = JSON.parse(await driver.runtimeCapabilities(device)) as { runtime: { isa: string[] }; kernel_sets: { name: string }[] };
  t.deepEqual(caps.runtime.isa, ['neon']);
  t.true(caps.kernel_sets.some((k) => k.name === 'optimized'));
});
