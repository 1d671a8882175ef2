// `etbench agent --appium URL --appium-device JSON` end to end: a real Appium server (APPIUM_HOME in
// the test's folder) with our loopback Appium driver (test/helpers/appium-loopback), an
// `etbench serve` and an agent as separate processes. The agent registers the app-only phone as a
// kind=phone device with its UDID as unit id; a run submitted to the farm runs there through the
// app stand-in and passes the program's bundled checks. Skips without Appium, never when CI=true.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { FarmClient } from '../../cli/farm/client.js';
import { ResultStatus } from '../../proto/index.js';
import { appiumHome, appiumMissing, ensureEtrun, startAppium } from '../helpers/appium-server.js';
import { BUNDLED } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, spawnEtbench, startAgent, startServe, waitFor, type Proc } from './helpers.js';

const ci = process.env['CI'] === 'true';
const missing = appiumMissing();
const appiumTest = missing === null || ci ? test.serial : test.serial.skip;
if (missing !== null) console.log(`appium agent test: ${missing}; ${ci ? 'CI=true: running anyway, so it fails' : 'skipped'}`);

async function finish(p: Proc): Promise<{ code: number | null; out: string }> {
  const { code } = await p.exited;
  return { code, out: p.output() };
}

test('agent --appium flags: usage errors name the flag, the device and what is missing', async (t) => {
  const common = ['agent', '--orchestrator', '127.0.0.1:1', '--token', TOKENS.agent, '--host-devices', ''];
  // Two of them through the CLI; the parser's other cases are in test/drivers/appium-config.test.ts.
  const cases: [string[], RegExp][] = [
    [['--appium-device', '{"platformName":"iOS"}'], /--appium-device and --appium-devices need --appium URL/],
    [['--appium', 'http://127.0.0.1:4723', '--appium-device', '{"platformName":"iOS","appium:automationName":"XCUITest","appium:udid":"U1"}'],
      /--appium-device #1: "appium:bundleId" is missing/],
  ];
  for (const [args, expected] of cases) {
    const r = await finish(spawnEtbench(t, [...common, ...args]));
    t.is(r.code, 2, `${args.join(' ')}\n${r.out}`);
    t.regex(r.out, expected);
  }
});

appiumTest('an agent with --appium registers the app-only phone and completes a farm job on it', async (t) => {
  ensureEtrun('x86_64');
  const work = await tempDir(t, 'etbench-appium-agent-');
  const server = await startAppium(await appiumHome(work));
  t.teardown(() => server.stop());
  const devicesFile = path.join(work, 'devices.json');
  writeFileSync(devicesFile, JSON.stringify([{
    platformName: 'iOS', 'appium:automationName': 'EtbenchLoopback', 'appium:udid': '00008110-LOOPBACK',
    'appium:bundleId': 'org.etbench.bench', 'appium:deviceModel': 'iPhone15,2', 'appium:platformVersion': '17.5',
    'appium:etbenchAbi': 'x86_64', 'appium:etbenchBattery': 0.64, 'appium:etbenchSandbox': path.join(work, 'phone'),
  }]));
  const serve = await startServe(t, path.join(work, 'farm.db'));
  const agent = startAgent(t, serve.address, 'appium-agent', [], path.join(work, 'cache'), ['--appium', server.url, '--appium-devices', devicesFile]);
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  const phone = await waitFor('the phone online', async () => {
    if (agent.child.exitCode !== null) throw new Error(`agent exited: ${agent.output()}`);
    return (await client.devices()).find((d) => d.kind === 'phone' && d.state === 1);
  }, 60_000);
  t.is(phone.unitId, '00008110-LOOPBACK');
  t.is(phone.id, 'appium:00008110-LOOPBACK');
  t.is(phone.os, 'ios');
  t.is(phone.tags['model'], 'iPhone15,2');
  t.is(phone.tags['ios'], '17.5');

  const program = await client.uploadProgram(BUNDLED);
  const config = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 3, minSeconds: 0, inputs: '' };
  const run = await client.watch((await client.submit({ programs: [program], devices: ['kind=phone'], configs: [config] })).id);
  const job = run.jobs[0]!;
  t.is(job.deviceId, phone.id);
  t.is(job.result?.status, ResultStatus.RESULT_STATUS_OK, `${job.result?.problem}\n${agent.output().slice(-3000)}`);
  t.true(job.result?.correctnessChecked && job.result.correctnessPassed);
  t.is(job.result?.samplesMs.length, 3);
  const conditions = JSON.parse(job.result?.conditionsJson || 'null') as { battery?: { capacity_pct: number } } | null;
  t.is(conditions?.battery?.capacity_pct, 64, job.result?.conditionsJson);
});
