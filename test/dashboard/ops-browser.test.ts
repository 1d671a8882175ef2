// The op-profile and kernel-validation pages in a real headless Chromium against an in-process
// farm holding results the test made: a profiled run's result page shows its operator table,
// the per-operator series page lists the runs, and the kernels page shows the suite cases with
// the failing one named. Screenshots go to test-output/dashboard/.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { chromium } from 'playwright-core';
import { writeOpSuites } from '../../program/suite/ops/write.js';
import { repoRoot } from '../helpers/fixtures.js';
import { addProgram } from '../farm/helpers.js';
import { startGatedFarm, WRONG_SEED } from '../orchestrator/gated-farm.js';

const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, 'test-output', 'dashboard');
const config = (inputs: string) => ({ kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: true, iterations: 3, minSeconds: 0, inputs });

test('op profile on the result page, the operator series and the kernel validation page', async (t) => {
  if (!existsSync(CHROMIUM)) return t.fail(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set $CHROMIUM)`);
  mkdirSync(SHOTS, { recursive: true });
  const farm = await startGatedFarm(t, true);
  const ref = await farm.client.uploadProgram(addProgram(farm.dir, 'shown.pte', 2000));
  const profiled = [];
  for (let i = 0; i < 2; i++) profiled.push(await farm.client.watch((await farm.client.submit({ programs: [ref], devices: ['host'], configs: [config('random:2')], profile: true })).id));
  const ops = writeOpSuites(path.join(farm.dir, 'ops'), { filter: 'aten::relu.out' }).files.filter((f) => /__(f32_edge|i8_edge)\.bpte$/.test(f));
  const cases = await Promise.all(ops.map((f) => farm.client.uploadProgram(f)));
  await farm.client.watch((await farm.client.submit({ programs: cases, devices: ['host'], configs: [config('')] })).id);
  const f32 = cases.find((c) => c.name.endsWith('f32_edge.bpte'))!;
  await farm.client.watch((await farm.client.submit({ programs: [f32], devices: ['host'], configs: [config(`random:${WRONG_SEED}`)] })).id);

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const jobId = profiled[1]!.jobs[0]!.id;
  await page.goto(`${farm.http}/?token=${farm.token}#/results/${jobId}`);
  await page.locator('#ops td', { hasText: 'aten::add.out' }).waitFor({ timeout: 15_000 });
  t.regex(await page.locator('#ops tbody tr').first().innerText(), /aten::add\.out\s+kernel\s+–\s+5\s+.+\s+100\.0 %/);
  await page.screenshot({ path: path.join(SHOTS, 'ops-laptop.png'), fullPage: true });

  await page.locator('#op-profile a').click();
  await page.locator('table.op-series').waitFor({ timeout: 10_000 });
  t.is(await page.locator('table.op-series tbody tr').count(), 2);
  await page.locator('table.op-series a', { hasText: 'side by side' }).click();
  await page.locator('#op-compare td', { hasText: 'aten::add.out' }).waitFor({ timeout: 10_000 });

  await page.goto(`${farm.http}/#/kernels`);
  await page.locator('#kernels').waitFor({ timeout: 15_000 });
  const text = await page.locator('#kernels').innerText();
  t.regex(text, /aten::relu\.out\s+float32\s+host\s+portable\s+1\s+0\s+1\s+0\s+0\s+.*f32_edge \(failed\)/);
  t.regex(text, /aten::relu\.out\s+int8\s+host\s+portable\s+1\s+1\s+0/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, 'kernels-phone.png'), fullPage: true });
  t.deepEqual(errors, []);
});
