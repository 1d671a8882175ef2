// The web UI in a real headless Chromium (Debian's, driven by playwright-core) against a real
// farm: the fleet table shows the device, a running run's matrix fills in without a reload and
// shows the p50 computed here from the raw samples, and the runs page shows progress.
// Screenshots at a laptop and a phone width go to test-output/dashboard/.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { chromium } from 'playwright-core';
import { repoRoot } from '../helpers/fixtures.js';
import { TOKENS, getJson, percentile, shownMs, startFarm, submitRun } from './helpers.js';

const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, 'test-output', 'dashboard');

test('fleet, live run matrix with the right p50, runs page, at laptop and phone widths', async (t) => {
  if (!existsSync(CHROMIUM)) return t.fail(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set $CHROMIUM)`);
  mkdirSync(SHOTS, { recursive: true });
  const farm = await startFarm(t, 'b1');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(`${farm.http}/?token=${TOKENS.read}#/`);
  await page.locator('#fleet td', { hasText: /^b1$/ }).waitFor({ timeout: 15_000 });
  t.regex(await page.locator('#fleet tbody tr').first().innerText(), /b1\s+host\s+online/);
  await page.screenshot({ path: path.join(SHOTS, 'fleet-laptop.png'), fullPage: true });

  // A run of 3 jobs, ~0.8 s each: open its matrix while it runs; cells fill in by themselves.
  const { runId, proc } = await submitRun(t, farm, 'b1', 3, 0.8);
  await page.goto(`${farm.http}/#/runs/${runId}`);
  await page.locator('#matrix').waitFor({ timeout: 15_000 });
  const navigations: string[] = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  const pendingAtOpen = await page.locator('#matrix a.cell').count();
  t.true(pendingAtOpen < 3, `${pendingAtOpen} cells finished when the page opened`);
  await page.waitForFunction(() => document.querySelectorAll('#matrix a.cell').length === 3, undefined, { timeout: 30_000 });
  await page.locator('#run-summary', { hasText: 'done' }).waitFor({ timeout: 10_000 });
  t.deepEqual(navigations, [], 'no reload');
  t.is((await proc.exited).code, 0, proc.output());

  // The p50 of each cell is the nearest-rank median of the raw samples, computed here.
  const matrix = await getJson<{ cells: { jobId: string }[] }>(`${farm.http}/api/v1/runs/${runId}/matrix`);
  const text = await page.locator('#matrix').innerText();
  for (const cell of matrix.cells) {
    const { samplesMs } = await getJson<{ samplesMs: number[] }>(`${farm.http}/api/v1/results/${cell.jobId}`);
    t.true(text.includes(`p50 ${shownMs(percentile(samplesMs, 50))}`), `p50 ${shownMs(percentile(samplesMs, 50))} of ${cell.jobId} on the page:\n${text}`);
  }
  await page.screenshot({ path: path.join(SHOTS, 'run-laptop.png'), fullPage: true });

  // Click through to a result: statistics and the distribution chart.
  await page.locator('#matrix a.cell').first().click();
  await page.locator('#distribution canvas').waitFor({ timeout: 10_000 });
  t.regex(await page.locator('#stats').innerText(), /p50/);

  // Runs page and a phone width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${farm.http}/#/runs`);
  await page.locator(`#runs tr[data-run="${runId}"]`, { hasText: '3 / 3' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: path.join(SHOTS, 'runs-phone.png'), fullPage: true });

  // Cancel from the runs page: needs the submit scope, so the read token's refusal shows first.
  const long = await submitRun(t, farm, 'b1', 2, 30);
  page.on('dialog', (d) => void d.dismiss());
  await page.reload(); // the same address: goto would not render the list again
  const row = page.locator(`#runs tr[data-run="${long.runId}"]`);
  const refused = page.waitForEvent('dialog');
  await row.locator('button.cancel').click();
  t.regex((await refused).message(), /403.*submit/);
  await page.goto(`${farm.http}/?token=${TOKENS.submit}#/runs`);
  await row.locator('button.cancel').click();
  await row.locator('td.state', { hasText: 'cancelled' }).waitFor({ timeout: 15_000 });
  t.is((await getJson<{ state: string }>(`${farm.http}/api/v1/runs/${long.runId}/matrix`)).state, 'RUN_STATE_CANCELLED');
  t.deepEqual(errors, []);
});
