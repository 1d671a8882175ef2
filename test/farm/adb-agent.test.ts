// `etbench agent --adb HOST:PORT` end to end: a real adb server (Debian `adb`) on loopback with a
// fake phone speaking the device side of the adb protocol (test/helpers/fake-adbd), an
// `etbench serve` and an agent as separate processes. The agent registers the phone as a
// kind=phone device with its serial as unit id; a run submitted to the farm runs on it, passes,
// and its result carries the phone's conditions (battery, thermal zone). Skips without adb, never
// when CI=true.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { FarmClient } from '../../cli/farm/client.js';
import { ResultStatus } from '../../proto/index.js';
import { adbMissing, startAdbServer, type AdbServer } from '../helpers/adb-server.js';
import { FakeAdbDevice } from '../helpers/fake-adbd/device.js';
import { BUNDLED } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, startAgent, startServe, waitFor } from './helpers.js';

const ci = process.env['CI'] === 'true';
const missing = adbMissing();
const adbTest = !missing || ci ? test.serial : test.serial.skip;
if (missing) console.log(`adb agent test: adb not installed (apt-get install adb); ${ci ? 'CI=true: running anyway, so it fails' : 'skipped'}`);

let server: AdbServer | undefined;
let fake: FakeAdbDevice | undefined;
let dir = '';
test.after.always(async () => {
  await fake?.close();
  await server?.stop();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

adbTest('an agent with --adb registers a kind=phone device and completes a job on it through the farm', async (t) => {
  dir = await mkdtemp(path.join(tmpdir(), 'etb-adb-agent-'));
  server = await startAdbServer(dir);
  fake = await FakeAdbDevice.start({
    sandbox: path.join(dir, 'phone'),
    props: { 'ro.product.model': 'Fake Pixel', 'ro.product.cpu.abi': 'x86_64', 'ro.soc.model': 'SM8650', 'ro.build.version.release': '14' },
  });
  fake.writeFile('/sys/class/thermal/thermal_zone0/type', 'cpu-thermal\n');
  fake.writeFile('/sys/class/thermal/thermal_zone0/temp', '36000\n');
  fake.writeFile('/sys/class/power_supply/battery/type', 'Battery\n');
  fake.writeFile('/sys/class/power_supply/battery/capacity', '91\n');
  fake.writeFile('/sys/class/power_supply/battery/status', 'Charging\n');
  const said = await server.connect(fake.port);
  t.true(said.includes('connected to'), said);

  const work = await tempDir(t, 'etbench-adb-agent-');
  const serve = await startServe(t, path.join(work, 'farm.db'));
  startAgent(t, serve.address, 'adb-agent', [], path.join(work, 'cache'), ['--adb', `127.0.0.1:${server.port}`]);
  const client = new FarmClient(serve.address, TOKENS.submit);
  t.teardown(() => client.close());
  const phone = await waitFor('the phone online', async () => (await client.devices()).find((d) => d.kind === 'phone' && d.state === 1), 60_000);
  t.is(phone.unitId, fake.serial);
  t.is(phone.tags['soc'], 'SM8650');
  t.true(phone.capabilities!.kernelSets.some((k) => k.name === 'portable' && k.operators.length > 0), 'capabilities asked of the etrun on the phone');

  const program = await client.uploadProgram(BUNDLED);
  const config = { kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 3, minSeconds: 0, inputs: '' };
  const run = await client.watch((await client.submit({ programs: [program], devices: ['kind=phone'], configs: [config] })).id);
  const job = run.jobs[0]!;
  t.is(job.deviceId, phone.id);
  t.is(job.result?.status, ResultStatus.RESULT_STATUS_OK, job.result?.problem);
  t.true(job.result?.correctnessChecked && job.result.correctnessPassed);
  t.is(job.result?.samplesMs.length, 3);
  const conditions = JSON.parse(job.result?.conditionsJson || 'null') as { battery?: { capacity_pct: number }; max_temperature_c?: number } | null;
  t.is(conditions?.battery?.capacity_pct, 91, job.result?.conditionsJson);
  t.is(conditions?.max_temperature_c, 36);
});
