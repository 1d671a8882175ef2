// `etbench nightly --server` against an orchestrator whose agent has two units of one model:
// a suspected regression is rerun on the other unit before it is reported; a named run can be
// the baseline.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { Agent, HostDriver } from '../../agent/index.js';
import type { HistoryFile } from '../../cli/nightly/history.js';
import type { NightReport } from '../../cli/nightly/night.js';
import { newToken, startOrchestrator } from '../../orchestrator/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { etbench } from './helpers.js';

test('a regression on one unit is confirmed on the second unit of the same model; a run as baseline', async (t) => {
  const dir = await tempDir(t, 'etbench-nightly-server-');
  const token = newToken();
  const orchestrator = await startOrchestrator({ port: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token, scopes: ['admin'] }] });
  t.teardown(() => orchestrator.close(200));
  const agent = new Agent({ orchestrator: orchestrator.address, token, agentId: 'a', cacheDir: path.join(dir, 'cache'), drivers: [new HostDriver({ deviceIds: ['c1', 'c2'], env: process.env })] });
  const registered = new Promise<void>((resolve) => agent.once('registered', resolve));
  await agent.start();
  t.teardown(() => agent.stop());
  await registered;

  const suite = path.join(dir, 'suite.yaml');
  await writeFile(suite, 'name: two-units\nprograms: [zoo:mlp]\ndevices: [c1]\nconfigs: [{iterations: 5, warmup: 1}]\ntrials: 3\nmin_effect_pct: 10\nmax_noise_pct: 60\n');
  const history = path.join(dir, 'history.json');
  const json = path.join(dir, 'night.json');
  const common = ['--server', orchestrator.address, '--token', token, '--history', history, '--json', json];
  const first = await etbench(['nightly', suite, ...common]);
  t.is(first.code, 0, first.err);
  const night1 = JSON.parse(await readFile(json, 'utf8')) as NightReport;
  t.is(night1.series[0]!.deviceId, 'c1');
  t.regex(night1.series[0]!.unit, /:c1$/);

  const stored = JSON.parse(await readFile(history, 'utf8')) as HistoryFile;
  // Four past nights at about 0.01 ms, far below anything the MLP takes here however loaded the machine.
  for (const s of Object.values(stored.series)) s.points = Array.from({ length: 4 }, (_, i) => ({ runId: `past-${i}`, at: `2026-01-0${i + 1}T00:00:00Z`, trials: [0.01, 0.0101, 0.0099] }));
  await writeFile(history, JSON.stringify(stored));
  const second = await etbench(['nightly', suite, ...common]);
  t.is(second.code, 1, second.err + second.out);
  const night2 = JSON.parse(await readFile(json, 'utf8')) as NightReport;
  const s = night2.series[0]!;
  t.is(s.status, 'regression');
  t.is(s.confirmation!.deviceId, 'c2', 'the rerun ran on the other unit');
  t.regex(s.confirmation!.unit, /:c2$/);
  t.true(s.confirmation!.confirmed);
  t.regex(second.out, new RegExp(`rerun ${s.confirmation!.runId} on c2: \\+\\d+\\.\\d%, regression: confirmed\\.`));
  t.notRegex(second.out, /same unit/);

  // The first night's run as the baseline (its three trials), with an effect size nothing here reaches.
  const byRun = path.join(dir, 'by-run.yaml');
  await writeFile(byRun, `name: by-run\nprograms: [zoo:mlp]\ndevices: [c1]\nconfigs: [{iterations: 5, warmup: 1}]\ntrials: 3\nbaseline: {run: ${night1.runId}}\nmin_effect_pct: 500\nmax_noise_pct: 60\n`);
  const third = await etbench(['nightly', byRun, ...common.slice(0, 4), '--history', path.join(dir, 'h2.json'), '--json', json]);
  t.is(third.code, 0, third.err);
  const night3 = JSON.parse(await readFile(json, 'utf8')) as NightReport;
  t.deepEqual(night3.baseline, { run: night1.runId });
  t.is(night3.series[0]!.baselineNights, 1);
  t.deepEqual(night3.series[0]!.baselineTrials, 3);
  t.true(['no-change', 'unstable'].includes(night3.series[0]!.status), night3.series[0]!.status);
  t.regex(third.out, new RegExp(`baseline run ${night1.runId}`));
});
