// `etbench nightly` end to end on the embedded farm with real etrun and the zoo MLP: a first
// night without baseline, a night against a much faster stored baseline (a regression, rerun
// and confirmed: exit 1, webhook payload), and a failing webhook that costs nothing but a line.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type { HistoryFile } from '../../cli/nightly/history.js';
import type { NightReport } from '../../cli/nightly/night.js';
import { tempDir } from '../helpers/temp-dir.js';
import { etbench, webhookServer } from './helpers.js';

const SUITE = `name: mlp-nightly
programs: [zoo:mlp]
devices: [host]
configs: [{iterations: 10, warmup: 2}]
trials: 3
baseline: {window: 7}
min_effect_pct: 10
max_noise_pct: 60
`;

/**
 * Replaces the stored history by `nights` past nights whose trials sit around `ms`: far below
 * (0.01 ms) or far above (1000 ms) anything the MLP takes here however loaded the machine is
 * (about 1 to 40 ms), so the verdict does not depend on the load of this shared machine.
 */
async function rewriteHistory(file: string, ms: number, nights: number): Promise<void> {
  const history = JSON.parse(await readFile(file, 'utf8')) as HistoryFile;
  for (const series of Object.values(history.series)) {
    series.points = Array.from({ length: nights }, (_, i) => ({ runId: `past-${i}`, at: new Date(Date.UTC(2026, 0, i + 1)).toISOString(), trials: [1, 1.01, 0.99].map((x) => x * ms * (1 + i * 0.001)) }));
  }
  await writeFile(file, JSON.stringify(history));
}

test.serial('a night without baseline, then a confirmed regression against a faster baseline, reported to a webhook', async (t) => {
  const dir = await tempDir(t, 'etbench-nightly-');
  const suite = path.join(dir, 'suite.yaml');
  await writeFile(suite, SUITE);
  const history = path.join(dir, 'history.json');
  const json = path.join(dir, 'night.json');

  const first = await etbench(['nightly', suite, '--history', history, '--json', json]);
  t.is(first.code, 0, first.err);
  const night1 = JSON.parse(await readFile(json, 'utf8')) as NightReport;
  t.regex(night1.label, /^nightly:mlp-nightly:\d{4}-\d\d-\d\d$/);
  t.is(night1.series.length, 1);
  t.is(night1.series[0]!.status, 'insufficient-data');
  t.is(night1.series[0]!.trials.length, 3);
  t.true(night1.series[0]!.trials.every((x) => x > 0));
  const stored = JSON.parse(await readFile(history, 'utf8')) as HistoryFile;
  t.deepEqual(Object.values(stored.series).map((s) => s.points.map((p) => p.runId)), [[night1.runId]]);

  // Five past nights far faster than tonight can be: a large slowdown.
  await rewriteHistory(history, 0.01, 5);
  const hook = await webhookServer(t);
  const md = path.join(dir, 'night.md');
  const second = await etbench(['nightly', suite, '--history', history, '--json', json, '--report', md, '--webhook', hook.url]);
  t.is(second.code, 1, second.err + second.out);
  t.regex(second.err, /1 confirmed regressions, 0 invalid series:\n\s+mlp\.bpte default on host: \d+\.\d% slower \(confirmed\)/);
  const night2 = JSON.parse(await readFile(json, 'utf8')) as NightReport & { webhook: { ok: boolean; status: number } };
  const s = night2.series[0]!;
  t.is(s.status, 'regression');
  t.true(s.discovery);
  t.is(s.baselineNights, 5);
  t.is(s.baselineTrials, 15);
  t.true(s.verdict!.ratio > 10, String(s.verdict!.ratio));
  t.truthy(s.confirmation);
  t.true(s.confirmation!.confirmed);
  t.not(s.confirmation!.runId, night2.runId);
  t.is(s.confirmation!.deviceId, 'host', 'one unit only: the rerun is on the same one');
  t.true(night2.expectedFalseAlarms > 0 && night2.expectedFalseAlarms <= 0.05);
  t.deepEqual(night2.webhook, { url: hook.url, ok: true, status: 200, error: null });
  t.is(hook.bodies.length, 1);
  const posted = hook.bodies[0] as { method: string; contentType: string; body: NightReport };
  t.is(posted.method, 'POST');
  t.is(posted.contentType, 'application/json');
  t.is(posted.body.schema, 'etbench.nightly.v1');
  t.is(posted.body.runId, night2.runId);
  t.is(posted.body.series[0]!.status, 'regression');
  const markdown = await readFile(md, 'utf8');
  t.is(markdown, second.out);
  t.regex(markdown, /\*\*1 confirmed regression\*\*/);
  t.regex(markdown, /Expected false alarms tonight: 0\.05 \(Benjamini-Hochberg at q = 0\.05 over the 1 series judged; 1 discoveries\)/);
  t.regex(markdown, /\| mlp\.bpte \| default \| host \| [\d.]+ \| \+\d+\.\d% \|.*REGRESSION \(confirmed\) \|/);
  t.regex(markdown, /rerun run-\S+ on host \(same unit: the farm has no second one of this model\): \+\d+\.\d%, regression: confirmed/);

  // Now the past was far slower: an improvement, exit 0; the webhook's port is closed.
  await rewriteHistory(history, 1000, 5);
  const third = await etbench(['nightly', suite, '--history', history, '--json', json, '--webhook', 'http://127.0.0.1:9/none']);
  t.is(third.code, 0, third.err);
  t.regex(third.err, /webhook http:\/\/127\.0\.0\.1:9\/none failed: fetch failed/);
  const night3 = JSON.parse(await readFile(json, 'utf8')) as NightReport & { webhook: { ok: boolean; error: string } };
  t.is(night3.series[0]!.status, 'improvement');
  t.is(night3.series[0]!.confirmation, null, 'improvements are not rerun');
  t.false(night3.webhook.ok);
  t.regex(third.out, /0 confirmed regressions\*\*, 0 unconfirmed, 1 improvements/);
});

test('a bad suite file is a usage error naming the field', async (t) => {
  const dir = await tempDir(t, 'etbench-nightly-bad-');
  const suite = path.join(dir, 'bad.yaml');
  await writeFile(suite, 'name: x\nprograms: [a.pte]\ndevices: [host]\nbaseline: {window: 0}\n');
  const r = await etbench(['nightly', suite]);
  t.is(r.code, 2);
  t.regex(r.err, /bad\.yaml: baseline\.window: expected an integer >= 1, got 0/);
});
