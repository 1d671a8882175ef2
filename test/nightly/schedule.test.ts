// The orchestrator's nightly schedule against a real orchestrator (SQLite file store, migration
// 5) and a real host agent running etrun: a matching minute runs the suite once, writes its
// reports and notifies; the same slot is not run again by a restarted schedule or a replica.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { Agent, HostDriver } from '../../agent/index.js';
import { FarmClient } from '../../cli/farm/client.js';
import { parseCron } from '../../cli/nightly/cron.js';
import { storeHistory } from '../../cli/nightly/history.js';
import { NightlySchedule, scheduledNight } from '../../cli/nightly/schedule.js';
import { readSuite } from '../../cli/nightly/suite.js';
import { newToken, startOrchestrator } from '../../orchestrator/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { etbench, webhookServer } from './helpers.js';

test('a matching minute runs the suite once per slot, across restarts and replicas', async (t) => {
  const dir = await tempDir(t, 'etbench-schedule-');
  const token = newToken();
  const orchestrator = await startOrchestrator({ port: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token, scopes: ['admin'] }] });
  t.teardown(() => orchestrator.close(200));
  t.is(orchestrator.store.schemaVersion >= 5, true);
  const agent = new Agent({ orchestrator: orchestrator.address, token, agentId: 'a', cacheDir: path.join(dir, 'cache'), drivers: [new HostDriver({ deviceIds: ['host'], env: process.env })] });
  const registered = new Promise<void>((resolve) => agent.once('registered', resolve));
  await agent.start();
  t.teardown(() => agent.stop());
  await registered;

  await writeFile(path.join(dir, 'suite.yaml'), 'name: sched\nprograms: [zoo:mlp]\ndevices: [host]\nconfigs: [{iterations: 5}]\ntrials: 2\n');
  const suite = await readSuite(path.join(dir, 'suite.yaml'));
  const hook = await webhookServer(t);
  const reportDir = path.join(dir, 'reports');
  let clock = Date.parse('2026-12-08T01:59:30Z');
  const nights: Date[] = [];
  const logs: string[] = [];
  const make = (): NightlySchedule => new NightlySchedule({
    suite: suite.name, cron: parseCron('0 2 * * *'), store: orchestrator.store, now: () => clock, log: (l) => logs.push(l),
    night: async (slot) => {
      nights.push(slot);
      const client = new FarmClient(orchestrator.address, token);
      try {
        await scheduledNight(client, suite, { home: ZOO_TEST_HOME, env: process.env, history: storeHistory(orchestrator.store, suite.name), reportDir, webhook: hook.url, now: () => slot });
      } finally {
        client.close();
      }
    },
  });
  const schedule = make();
  t.false(await schedule.tick(), '01:59 does not match');
  clock = Date.parse('2026-12-08T02:00:20Z');
  t.true(await schedule.tick());
  await schedule.current;
  t.false(await schedule.tick(), 'the same minute again');
  t.false(await make().tick(), 'a restarted schedule (or a replica) finds the slot claimed');
  clock = Date.parse('2026-12-08T02:01:00Z');
  t.false(await schedule.tick());
  t.deepEqual(nights.map((d) => d.toISOString()), ['2026-12-08T02:00:00.000Z']);
  t.deepEqual(logs.filter((l) => l.includes('failed')), []);

  const files = (await readdir(reportDir)).sort();
  t.is(files.length, 2);
  t.regex(files[0]!, /^sched-run-\S+\.json$/);
  const report = JSON.parse(await readFile(path.join(reportDir, files[0]!), 'utf8')) as { label: string; series: { status: string }[]; webhook: { ok: boolean } };
  t.is(report.label, 'nightly:sched:2026-12-08');
  t.deepEqual(report.series.map((s) => s.status), ['insufficient-data']);
  t.true(report.webhook.ok);
  t.is(hook.bodies.length, 1);
  // The history is in the store (migration 5), where replicas sharing it find it.
  const points = await orchestrator.store.nightlyPoints('sched');
  t.is(points.length, 1);
  t.is((JSON.parse(points[0]!.trials) as number[]).length, 2);
  t.is((JSON.parse(points[0]!.identity) as { program: string }).program, 'mlp.bpte');

  // The next day's slot runs again.
  clock = Date.parse('2026-12-09T02:00:05Z');
  t.true(await schedule.tick());
  await schedule.stop();
  t.is(nights.length, 2);
  const history = await storeHistory(orchestrator.store, 'sched').load();
  t.deepEqual(Object.values(history.series)[0]!.points.map((p) => p.at.slice(0, 10)), ['2026-12-08', '2026-12-09']);
  const second = JSON.parse(await readFile(path.join(reportDir, (await readdir(reportDir)).filter((f) => f.endsWith('.json')).find((f) => f !== files[0])!), 'utf8')) as { series: { baselineNights: number }[] };
  t.is(second.series[0]!.baselineNights, 1, 'the second night found the first in the store');
});

test('serve refuses a bad schedule before it starts', async (t) => {
  const dir = await tempDir(t, 'etbench-schedule-bad-');
  await writeFile(path.join(dir, 'suite.yaml'), 'name: s\nprograms: [zoo:mlp]\ndevices: [host]\n');
  const bad = await etbench(['serve', '--port', '0', '--nightly', path.join(dir, 'suite.yaml'), '--at', '0 25 * * *'], { ETBENCH_HOME: dir });
  t.is(bad.code, 2);
  t.regex(bad.err, /--at: hour field '25': 25 is outside 0-23/);
  const lonely = await etbench(['serve', '--port', '0', '--at', '0 2 * * *'], { ETBENCH_HOME: dir });
  t.is(lonely.code, 2);
  t.regex(lonely.err, /--at and --nightly-webhook need --nightly SUITE\.yaml/);
});
