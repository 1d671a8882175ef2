// The appium driver through webdriverio and a real Appium server (npm `appium`, APPIUM_HOME in the
// test's folder) to our loopback Appium driver (test/helpers/appium-loopback, installed with
// `appium driver install --source=local`): it plays an app-only phone whose app container is a
// sandbox folder and whose benchmark app is a stand-in script running etrun. Skips when Appium is
// not installed, never when CI=true.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { DeviceLostError } from '../../agent/drivers/driver.js';
import { RemoteFarmDriver } from '../../agent/drivers/remote/farm-driver.js';
import { createAppiumDriver, parseAppiumDevice, parseAppiumUrl, type AppiumDevice, type AppiumDriver } from '../../agent/drivers/appium/index.js';
import { ADD_MODEL, BUNDLED, repoRoot } from '../helpers/fixtures.js';
import { appiumHome, appiumMissing, ensureEtrun, startAppium, type AppiumServer } from '../helpers/appium-server.js';

const ci = process.env['CI'] === 'true';
const missing = appiumMissing();
const appiumTest = missing === null || ci ? test.serial : test.serial.skip;
if (missing !== null) console.log(`appium driver tests: ${missing}; ${ci ? 'CI=true: running anyway, so they fail' : 'skipped'}`);

let dir = '';
let home = '';
let server: AppiumServer | undefined;
const servers: AppiumServer[] = [];

/** The loopback phone's capabilities, as a user would give them with --appium-device. */
function caps(udid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    platformName: 'Android', 'appium:automationName': 'EtbenchLoopback', 'appium:udid': udid,
    'appium:appPackage': 'org.etbench.app', 'appium:appActivity': '.BenchActivity',
    'appium:deviceModel': 'Loopback Pixel', 'appium:platformVersion': '14', 'appium:etbenchAbi': 'x86_64', 'appium:etbenchBattery': 0.77,
    'appium:etbenchSandbox': path.join(dir, udid), ...extra,
  };
}

function driverFor(s: AppiumServer, ...devices: Record<string, unknown>[]): AppiumDriver {
  return createAppiumDriver({ server: parseAppiumUrl(s.url), devices: devices.map((c, i) => parseAppiumDevice(c, `device ${i}`)), pollMs: 100 });
}

async function readyDevice(driver: AppiumDriver): Promise<AppiumDevice> {
  const [device] = await driver.discover();
  if (device?.state !== 'ready') throw new Error(`not ready: ${device?.problem}`);
  return device;
}

/** pids of processes whose command line names the folder (the app stand-in and its etrun). */
const running = (folder: string): number[] =>
  spawnSync('pgrep', ['-f', folder], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.trim() !== '').map(Number);

const jobFolder = (udid: string): string => path.join(dir, udid, 'org.etbench.app', 'etbench', 'job');

test.before(async () => {
  if (missing !== null && !ci) return;
  ensureEtrun('x86_64');
  dir = await mkdtemp(path.join(tmpdir(), 'etb-appium-'));
  home = await appiumHome(dir);
  server = await startAppium(home);
  servers.push(server);
});

test.after.always(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  if (dir !== '') {
    // An app a lost job left running (its server was killed) would otherwise outlive the test.
    for (const pid of running(dir)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await rm(dir, { recursive: true, force: true });
  }
});

appiumTest('a full run through the real Appium server: facts from the session, the bundled checks pass, the job folder is removed', async (t) => {
  const driver = driverFor(server!, caps('LOOP-OK'));
  const device = await readyDevice(driver);
  t.is(device.id, 'appium:LOOP-OK');
  t.is(device.unitId, 'LOOP-OK');
  t.deepEqual(device.tags, { kind: 'phone', os: 'android', model: 'Loopback Pixel', android: '14', abi: 'x86_64' });
  const facts = await driver.facts(device);
  t.is(facts.manufacturer, 'Etbench');
  const prepared = await driver.prepare(device, null, { path: BUNDLED });
  const run = await driver.run(device, { prepared, kernels: 'portable', iterations: 3, timeoutMs: 60_000 });
  t.is(run.status, 'OK', `${run.problem}\n${run.stderr}\n${server!.log().slice(-2000)}`);
  const checks = run.result?.correctness ?? [];
  t.true(checks.length > 0 && checks.every((c) => c.pass), JSON.stringify(checks));
  t.is(run.result?.latency_ms?.samples.length, 3);
  t.is(run.result?.device.unit_id, 'LOOP-OK');
  t.deepEqual((run.result?.conditions as { battery: unknown } | null)?.battery, { capacity_pct: 77, state: 2 });
  // Everything the job pushed or the app wrote is gone once the session ends.
  t.deepEqual(existsSync(jobFolder('LOOP-OK')) ? readdirSync(jobFolder('LOOP-OK')) : [], []);
});

appiumTest('a job over its timeout is stopped: TIMED_OUT and the app no longer runs', async (t) => {
  const driver = driverFor(server!, caps('LOOP-SLOW'));
  const device = await readyDevice(driver);
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  const t0 = Date.now();
  const run = await driver.run(device, { prepared, minSeconds: 60, iterations: 10_000_000, timeoutMs: 1_500 });
  t.is(run.status, 'TIMED_OUT', run.problem ?? '');
  t.is(run.problem, "timed out after 1.5 s without the app's exit_code; the app was stopped");
  t.true(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
  // SIGKILLed processes vanish from the table a moment later.
  for (let i = 0; i < 20 && running(path.join(dir, 'LOOP-SLOW')).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.deepEqual(running(path.join(dir, 'LOOP-SLOW')), [], 'terminateApp stopped the app and its etrun');
});

appiumTest('a malformed result.json gives INVALID_OUTPUT naming the file', async (t) => {
  const driver = driverFor(server!, caps('LOOP-BROKEN', { 'appium:etbenchFault': 'malformed-result' }));
  const device = await readyDevice(driver);
  const run = await driver.run(device, { prepared: await driver.prepare(device, null, { path: ADD_MODEL }), iterations: 1, timeoutMs: 60_000 });
  t.is(run.status, 'INVALID_OUTPUT');
  t.regex(run.problem ?? '', /^result\.json: /);
  t.is(run.result, null);
});

appiumTest('an exit_code that is not a number is INVALID_OUTPUT naming it; an app that will not launch is FAILED, not LOST', async (t) => {
  const bad = driverFor(server!, caps('LOOP-BADCODE', { 'appium:etbenchFault': 'bad-exit-code' }));
  const device = await readyDevice(bad);
  const run = await bad.run(device, { prepared: await bad.prepare(device, null, { path: ADD_MODEL }), iterations: 1, timeoutMs: 60_000 });
  t.is(run.status, 'INVALID_OUTPUT');
  t.is(run.problem, 'exit_code: not an exit status: "done"');
  const absent = driverFor(server!, caps('LOOP-NOAPP', { 'appium:etbenchFault': 'not-installed' }));
  const phone = await readyDevice(absent);
  const refused = await absent.run(phone, { prepared: await absent.prepare(phone, null, { path: ADD_MODEL }), iterations: 1, timeoutMs: 60_000 });
  t.is(refused.status, 'FAILED');
  t.regex(refused.problem ?? '', /^could not start the job in the app: .*the app org\.etbench\.app is not installed/);
});

appiumTest('the Appium server killed mid-job: LOST, promptly', async (t) => {
  const doomed = await startAppium(home);
  servers.push(doomed);
  const driver = driverFor(doomed, caps('LOOP-LOST'));
  const device = await readyDevice(driver);
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  const pending = driver.run(device, { prepared, minSeconds: 60, iterations: 10_000_000, timeoutMs: 120_000 });
  // Kill it once the app runs (its etrun names the sandbox), so the loss is mid-job.
  for (let i = 0; i < 100 && running(path.join(dir, 'LOOP-LOST')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.true(running(path.join(dir, 'LOOP-LOST')).length > 0, 'the app started');
  const t0 = Date.now();
  doomed.kill();
  const run = await pending;
  t.is(run.status, 'LOST', run.problem ?? '');
  t.regex(run.problem ?? '', /LOOP-LOST/);
  t.true(Date.now() - t0 < 10_000, `noticed after ${Date.now() - t0} ms`);
  // The app the lost job started still runs on the "phone"; the next job (through another server)
  // terminates it before launching, so it runs and nothing is left behind.
  t.true(running(path.join(dir, 'LOOP-LOST')).length > 0, 'the lost job left its app running');
  const next = await driverFor(server!, caps('LOOP-LOST')).run(device, { prepared, iterations: 2, timeoutMs: 60_000 });
  t.is(next.status, 'OK', next.problem ?? '');
  t.is(next.result?.config.iterations, 2, 'the result is the new job\'s');
  t.deepEqual(running(path.join(dir, 'LOOP-LOST')), []);
});

appiumTest('an abort mid-job stops the app: CANCELLED', async (t) => {
  const driver = driverFor(server!, caps('LOOP-ABORT'));
  const device = await readyDevice(driver);
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  const run = await driver.run(device, { prepared, minSeconds: 60, iterations: 10_000_000, timeoutMs: 60_000 }, AbortSignal.timeout(1_500));
  t.is(run.status, 'CANCELLED', run.problem ?? '');
  for (let i = 0; i < 20 && running(path.join(dir, 'LOOP-ABORT')).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.deepEqual(running(path.join(dir, 'LOOP-ABORT')), []);
});

appiumTest('discover: a device the server cannot open a session on is offline with the reason', async (t) => {
  const driver = driverFor(server!, caps('LOOP-NONE', { 'appium:automationName': 'NoSuchAutomation' }));
  const [device] = await driver.discover();
  t.is(device?.state, 'offline');
  t.regex(device?.problem ?? '', /no Appium session on LOOP-NONE: .*NoSuchAutomation/i);
});

appiumTest('no server at the URL: the device is offline, and a job there is LOST (re-queued), not failed', async (t) => {
  const gone = await startAppium(home);
  servers.push(gone);
  const driver = driverFor(gone, caps('LOOP-GONE'));
  const device = await readyDevice(driver);
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  // As the agent sees it: the farm adapter turns LOST into DeviceLostError, which re-queues the job.
  const farm = new RemoteFarmDriver(driver, { kind: 'phone', hostCapabilities: { kernelSets: [], backends: [] }, readyState: 'ready' });
  const [farmDevice] = await farm.discover();
  t.like(farmDevice, { id: 'appium:LOOP-GONE', unitId: 'LOOP-GONE', kind: 'phone', os: 'android', arch: 'x86_64' });
  await gone.stop();
  const run = await driver.run(device, { prepared, iterations: 1, timeoutMs: 30_000 });
  t.is(run.status, 'LOST');
  t.regex(run.problem ?? '', /could not open an Appium session.*LOOP-GONE/);
  const config = { kernels: '', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 1, minSeconds: 0, inputs: '' };
  await t.throwsAsync(farm.run(farmDevice!, {
    programPath: ADD_MODEL, method: null, config, timeoutMs: 30_000, memoryLimitBytes: 0, rtol: null, atol: null, runtimePath: null,
  }, new AbortController().signal), { instanceOf: DeviceLostError });
  const [again] = await driverFor(gone, caps('LOOP-GONE')).discover();
  t.is(again?.state, 'offline');
  t.regex(again?.problem ?? '', /^no Appium session on LOOP-GONE: /);
});

// The arm64 phone's app "links" the static aarch64 etrun, which runs under qemu-aarch64; the test
// builds it where the cross compiler is installed (and in CI, where .ci/run installs it).
const ETRUN_AARCH64 = path.join(repoRoot, 'build', 'native', 'aarch64', 'etrun');
const qemuMissing = spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status !== 0;
const crossMissing = !existsSync(ETRUN_AARCH64) && spawnSync('aarch64-linux-gnu-g++', ['--version'], { stdio: 'ignore' }).status !== 0;
const armTest = ci || (missing === null && !qemuMissing && !crossMissing) ? test.serial : test.serial.skip;
if (!ci && (qemuMissing || crossMissing)) {
  console.log(`appium arm64 test: skipped (${qemuMissing ? 'qemu-aarch64' : 'aarch64-linux-gnu-g++'} not installed: apt-get install qemu-user g++-aarch64-linux-gnu)`);
}

armTest('an arm64 phone: the app runs the aarch64 runtime (under qemu-aarch64 here) and the result says so', async (t) => {
  t.timeout(900_000);
  ensureEtrun('aarch64');
  const driver = driverFor(server!, caps('LOOP-ARM', { 'appium:etbenchAbi': 'arm64-v8a' }));
  const device = await readyDevice(driver);
  t.is(device.tags['abi'], 'aarch64');
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  t.is(prepared.runtime.arch, 'aarch64');
  const run = await driver.run(device, { prepared, iterations: 2, timeoutMs: 120_000 });
  t.is(run.status, 'OK', run.problem ?? '');
  t.is(run.result?.device.arch, 'aarch64');
});
