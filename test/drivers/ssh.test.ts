// The ssh driver against a real OpenSSH server on loopback (test/helpers/sshd.ts): the "board" is
// this machine, so its etrun is the host build (build/native/release/etrun) and facts can be
// compared with what this machine says directly. Skips without sshd, never when CI=true.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { SshError, createSshDriver, type SshBoardConfig, type SshDevice } from '../../agent/drivers/ssh/index.js';
import { ADD_MODEL, BUNDLED, repoRoot } from '../helpers/fixtures.js';
import { sshToolsMissing, startRelay, startSshd, type Sshd } from '../helpers/sshd.js';

const missing = sshToolsMissing();
const ci = process.env.CI === 'true';
const sshTest = missing.length === 0 || ci ? test.serial : test.serial.skip;
if (missing.length > 0) {
  console.log(`ssh driver tests: ${missing.join(', ')} not installed (apt-get install openssh-server); ${ci ? 'CI=true: running anyway, so they fail' : 'skipped'}`);
}

let sshd: Sshd;
let dir: string;

test.before(async () => {
  if (missing.length > 0 && !ci) return;
  if (!existsSync(path.join(repoRoot, 'build', 'native', 'release', 'etrun'))) {
    execFileSync(process.execPath, [path.join(repoRoot, 'native', 'build.mjs'), 'etrun'], { cwd: repoRoot, stdio: 'ignore' });
  }
  dir = await mkdtemp(path.join(tmpdir(), 'etb-sshd-'));
  sshd = await startSshd(dir);
});

test.after.always(async () => {
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const board = (over: Partial<SshBoardConfig> = {}): SshBoardConfig => ({
  host: '127.0.0.1', port: sshd.port, username: sshd.username, privateKey: sshd.clientKey, scratch: path.join(dir, 'board'), ...over,
});

const open: Array<{ close(): void }> = [];
test.afterEach.always(() => {
  for (const d of open.splice(0)) d.close();
});

async function ready(config: SshBoardConfig) {
  const driver = createSshDriver({ boards: [config] });
  const [device] = await driver.discover();
  open.push(driver);
  if (device?.state !== 'ready') throw new Error(`board not ready: ${device?.state} ${device?.problem}`);
  return { driver, device };
}

/** etrun processes of this test's scratch folder still alive on the "board" (this machine). */
function etrunsUnder(folder: string): string[] {
  const r = spawnSync('pgrep', ['-af', `^${folder}/runtime/`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.includes('pgrep'));
}

sshTest('discover: a ready board whose unit_id is its host key fingerprint, the same on every reconnect', async (t) => {
  const first = await ready(board());
  t.is(first.device.unitId, `ssh:${sshd.hostFingerprint}`);
  t.regex(sshd.hostFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  t.is(first.device.tags.kind, 'board');
  t.is(first.device.tags.arch, process.arch === 'x64' ? 'x86_64' : 'aarch64');
  first.driver.close();
  const second = await ready(board());
  t.is(second.device.unitId, first.device.unitId);
  // Pinning another fingerprint refuses the board.
  const pinned = createSshDriver({ boards: [board({ hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })] });
  const [refused] = await pinned.discover();
  t.is(refused?.state, 'host-key-mismatch');
  t.regex(refused?.problem ?? '', /is not the pinned SHA256:AAAA/);
  second.driver.close();
});

sshTest('facts and conditions come from the board\'s /proc and /sys', async (t) => {
  const { driver, device } = await ready(board());
  const facts = await driver.facts(device);
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  t.is(facts.cores, (cpuinfo.match(/^processor\s*:/gm) ?? []).length);
  t.is(facts.arch, execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
  t.is(facts.os, 'linux');
  t.is(facts.kernel, execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
  const memKb = Number(/MemTotal:\s*(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  t.is(facts.mem_total_bytes, memKb * 1024);
  t.is(facts.host_key, sshd.hostFingerprint);
  const conditions = await driver.conditions(device);
  t.is(conditions.load_avg?.length, 3);
  t.true(conditions.load_avg!.every((x) => x >= 0));
  driver.close();
});

sshTest('prepare pushes etrun once per build; the bundled program runs and passes its correctness checks', async (t) => {
  const { driver, device } = await ready(board({ scratch: path.join(dir, 'run') }));
  const first = await driver.prepare(device, null, { path: BUNDLED });
  t.deepEqual(first.pushed, { runtime: true, program: true });
  t.is(first.etrun, `${path.join(dir, 'run')}/runtime/${first.runtime.sha256}/etrun`);
  const again = await driver.prepare(device, null, { path: BUNDLED });
  t.deepEqual(again.pushed, { runtime: false, program: false });
  const run = await driver.run(device, { prepared: again, iterations: 3, timeoutMs: 30_000 });
  t.is(run.status, 'OK', `${run.problem}\n${run.stderr}`);
  t.is(run.exitCode, 0);
  t.true((run.result?.correctness?.length ?? 0) > 0);
  t.true(run.result!.correctness!.every((c) => c.pass));
  t.is(run.result?.device.unit_id, device.unitId);
  t.is(run.result?.program.path, again.program);
  t.is(run.result?.latency_ms?.samples.length, 3);
  t.truthy((run.result?.conditions as { load_avg?: unknown } | null)?.load_avg);
  // A failing run is a value with the contract's name: an unknown method is a usage/program error.
  const bad = await driver.run(device, { prepared: again, method: 'no_such_method', timeoutMs: 30_000 });
  t.is(bad.status, 'FAILED');
  t.not(bad.exitCode, 0);
  await driver.cleanup(device);
  t.false(existsSync(path.join(dir, 'run', 'jobs')));
  t.true(existsSync(first.etrun), 'the per-build etrun cache survives cleanup');
  driver.close();
});

sshTest('a job over its time bound is killed on the board; an aborted one is cancelled', async (t) => {
  const scratch = path.join(dir, 'slow');
  const { driver, device } = await ready(board({ scratch }));
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  const started = Date.now();
  const run = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 1500 });
  t.is(run.status, 'TIMED_OUT', `${run.problem}`);
  t.true(Date.now() - started < 15_000);
  t.deepEqual(etrunsUnder(scratch), []);
  const abort = new AbortController();
  let runningAtAbort: string[] = [];
  void (async () => {
    for (let i = 0; i < 200 && etrunsUnder(scratch).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    runningAtAbort = etrunsUnder(scratch);
    abort.abort();
  })();
  const cancelled = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 60_000 }, abort.signal);
  t.is(cancelled.status, 'CANCELLED');
  t.is(runningAtAbort.length, 1, 'etrun was running on the board when the job was aborted');
  t.deepEqual(etrunsUnder(scratch), []);
  // Aborted before etrun even started (the stop comes before its pid): still killed, not left behind.
  const early = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 60_000 }, AbortSignal.abort());
  t.is(early.status, 'CANCELLED');
  t.deepEqual(etrunsUnder(scratch), []);
  driver.close();
});

sshTest('a key the board does not know is refused with a clear error', async (t) => {
  const driver = createSshDriver({ boards: [board({ privateKey: sshd.wrongKey })] });
  const [device] = await driver.discover();
  t.is(device?.state, 'auth-refused');
  t.is(device?.unitId, null);
  t.regex(device?.problem ?? '', /refused public-key authentication with .*wrong_key/);
  const err = await t.throwsAsync(driver.facts(device as SshDevice));
  t.true(err instanceof SshError);
  t.is((err as SshError).failure, 'AUTH_REFUSED');
});

sshTest('a connection lost mid-job is reported as LOST (so the farm re-queues the job), and the driver reconnects', async (t) => {
  const relay = await startRelay(sshd.port);
  t.teardown(() => relay.close());
  const { driver, device } = await ready(board({ port: relay.port, scratch: path.join(dir, 'lost') }));
  const prepared = await driver.prepare(device, null, { path: ADD_MODEL });
  // Cut the link once etrun runs on the board (not at a fixed time: a loaded machine is slow to start it).
  void (async () => {
    for (let i = 0; i < 200 && etrunsUnder(path.join(dir, 'lost')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    relay.cut();
  })();
  const started = Date.now();
  const run = await driver.run(device, { prepared, minSeconds: 120, iterations: 10_000_000, timeoutMs: 60_000 });
  t.is(run.status, 'LOST', `${run.status}: ${run.problem}`);
  t.regex(run.problem ?? '', /lost the device mid-job/);
  t.is(run.result, null);
  t.true(Date.now() - started < 20_000);
  // The lost job's etrun still runs on the board (nothing told it to stop)...
  t.is(etrunsUnder(path.join(dir, 'lost')).length, 1);
  // ...until the next job reconnects through the relay: it kills that orphan first, then runs.
  const next = await driver.run(device, { prepared, iterations: 2, timeoutMs: 30_000 });
  t.is(next.status, 'OK', `${next.problem}`);
  t.deepEqual(etrunsUnder(path.join(dir, 'lost')), []);
  driver.close();
});

sshTest('watch() reports the board ready, then unreachable when its link is gone', async (t) => {
  const relay = await startRelay(sshd.port);
  const driver = createSshDriver({ boards: [board({ port: relay.port, scratch: path.join(dir, 'watch') })] });
  open.push(driver);
  const states: string[] = [];
  const watcher = driver.watch((devices) => states.push(devices[0]!.state), { intervalMs: 200 });
  t.teardown(() => watcher.stop());
  const until = async (state: string): Promise<void> => {
    for (let i = 0; i < 100 && !states.includes(state); i++) await new Promise((r) => setTimeout(r, 100));
  };
  await until('ready');
  t.is(states[0], 'ready');
  await relay.close();
  await until('unreachable');
  t.deepEqual(states, ['ready', 'unreachable']);
});
