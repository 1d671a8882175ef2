// The farm's commands as a user runs them, each its own process: `etbench serve --port 0`,
// `etbench agent`, `etbench run --orchestrator` (exit codes 0/1/2, --format junit --out),
// `devices`, `results`, `compare`.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { ensureStarterSuite } from '../../program/index.js';
import { writeVendorProgram } from '../helpers/vendor-program.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TOKENS, spawnEtbench, startAgent, startServe, waitFor, type Proc } from './helpers.js';

async function finish(p: Proc): Promise<{ code: number | null; out: string }> {
  const { code } = await p.exited;
  return { code, out: p.output() };
}

test('serve, agent, run --orchestrator, devices, results and compare work together', async (t) => {
  const dir = await tempDir(t, 'etbench-cli-farm-');
  const serve = await startServe(t, path.join(dir, 'farm.db'));
  t.regex(serve.output(), /listening on 127\.0\.0\.1:\d+/);
  startAgent(t, serve.address, 'cli-agent', ['c1', 'c2'], path.join(dir, 'cache'));
  const env = { ETBENCH_TOKEN: TOKENS.submit, ETBENCH_HOME: dir };
  const common = ['--orchestrator', serve.address];
  await waitFor('both devices online', async () => /c2\s+host\s+online/.test((await finish(spawnEtbench(t, ['devices', ...common], env))).out), 60_000);

  const suite = await ensureStarterSuite(path.join(dir, 'suite'));
  const report = path.join(dir, 'report.xml');
  const first = await finish(spawnEtbench(t, ['run', ...common, '--devices', 'kind=host', '--programs', ...suite, '--iterations', '3', '--format', 'junit', '--out', report], env));
  t.is(first.code, 0, first.out);
  const runA = /run (run-\S+) submitted/.exec(first.out)?.[1];
  t.truthy(runA, first.out);
  const xml = readFileSync(report, 'utf8');
  t.regex(xml, new RegExp(`tests="${suite.length * 2}" failures="0"`));
  t.regex(xml, /classname="c1"/);
  t.regex(xml, /classname="c2"/);

  const second = await finish(spawnEtbench(t, ['run', ...common, '--devices', 'c1', '--programs', ...suite, '--iterations', '3', '--format', 'json'], env));
  t.is(second.code, 0, second.out);
  const runB = /run (run-\S+) submitted/.exec(second.out)?.[1]!;
  const document = JSON.parse(second.out.slice(second.out.indexOf('{'))) as { runs: { device: string; status: string }[] };
  t.deepEqual(document.runs.map((r) => [r.device, r.status]), suite.map(() => ['c1', 'OK']));

  const results = await finish(spawnEtbench(t, ['results', runB, ...common], env));
  t.is(results.code, 0, results.out);
  t.is(results.out.trim().split('\n').filter((l) => /\sdone\s*$/.test(l)).length, suite.length);
  const compare = await finish(spawnEtbench(t, ['compare', runA!, runB, ...common, '--format', 'json'], env));
  t.is(compare.code, 0, compare.out);
  const compared = JSON.parse(compare.out) as { series: { deviceId: string; ratio: number; verdict: string; trialsA: number; trialsB: number; ciLo: number | null }[]; fdrQ: number };
  const series = compared.series;
  t.is(series.length, suite.length, 'only the c1 series are in both runs');
  t.true(series.every((s) => s.deviceId === 'c1' && s.ratio > 0));
  t.is(compared.fdrQ, 0.05);
  // Every result is at least one trial; under 3 trials a side nothing can be judged.
  t.true(series.every((s) => s.trialsA >= 1 && s.trialsB >= 1), compare.out);
  t.true(series.every((s) => (s.trialsA < 3 || s.trialsB < 3 ? s.verdict === 'insufficient-data' : ['regression', 'improvement', 'no-change', 'unstable'].includes(s.verdict))), compare.out);
  const table = await finish(spawnEtbench(t, ['compare', runA!, runB, ...common], env));
  t.is(table.code, 0, table.out);
  t.regex(table.out, /B\/A\s+95% CI\s+p\s+trials A\/B\s+noise %\s+verdict/);
  t.regex(table.out, /FDR q=0\.05 across \d+ series/);
  const badFdr = await finish(spawnEtbench(t, ['compare', runA!, runB, ...common, '--fdr', '2'], env));
  t.is(badFdr.code, 2, badFdr.out);
  t.regex(badFdr.out, /--fdr must be a rate in \(0, 1\), got '2'/);

  const gate = await finish(spawnEtbench(t, ['compare', runA!, runB, ...common, '--fail-on-regression', '--threshold', '0.000001'], env));
  t.is(gate.code, 3, gate.out);
  t.regex(gate.out, new RegExp(`${suite.length} series slower than 0\\.000001x`));
  const relaxed = await finish(spawnEtbench(t, ['compare', runA!, runB, ...common, '--fail-on-regression', '--threshold', '1000'], env));
  t.is(relaxed.code, 0, relaxed.out);

  // The read-only HTTP API answers with the same data, with the same tokens.
  const http = `http://127.0.0.1:${serve.httpPort}`;
  t.deepEqual(await (await fetch(`${http}/healthz`)).json(), { ok: true });
  t.is((await fetch(`${http}/api/v1/devices`)).status, 401);
  t.is((await fetch(`${http}/api/v1/devices`, { headers: { authorization: `Bearer ${TOKENS.agent}` } })).status, 403);
  const read = { headers: { authorization: `Bearer ${TOKENS.read}` } };
  const devices = (await (await fetch(`${http}/api/v1/devices`, read)).json()) as { devices: { id: string }[] };
  t.deepEqual(devices.devices.map((d) => d.id).sort(), ['c1', 'c2']);
  const runJson = (await (await fetch(`${http}/api/v1/runs/${runB}`, read)).json()) as { id: string; jobs: { stats: { p50: number } }[] };
  t.is(runJson.id, runB);
  t.is(runJson.jobs.length, suite.length);
  t.true(runJson.jobs.every((j) => j.stats.p50 > 0));
  const runs = (await (await fetch(`${http}/api/v1/runs?limit=10`, read)).json()) as { runs: { id: string }[] };
  t.deepEqual(runs.runs.map((r) => r.id), [runB, runA]);
  t.is((await fetch(`${http}/api/v1/runs/no-such-run`, read)).status, 404);

  // A program no device can run: exit 1, named on stderr. A selector matching nothing: exit 2.
  const linear = await writeVendorProgram(dir);
  const failing = await finish(spawnEtbench(t, ['run', ...common, '--devices', 'c1', '--programs', linear], env));
  t.is(failing.code, 1, failing.out);
  t.regex(failing.out, /1 of 1 jobs failed:\n\s+vendor\.pte .* on c1: unschedulable: .*VendorBackend/);
  const usage = await finish(spawnEtbench(t, ['run', ...common, '--devices', 'kind=phone', '--programs', linear], env));
  t.is(usage.code, 2, usage.out);
  t.regex(usage.out, /no device matches 'kind=phone'/);
  const noOrchestrator = await finish(spawnEtbench(t, ['agent'], env));
  t.is(noOrchestrator.code, 2);
  t.regex(noOrchestrator.out, /--orchestrator HOST:PORT is required/);
});

test('agent driver flags: a bad --ssh, --adb or --drivers is a usage error naming it', async (t) => {
  const common = ['agent', '--orchestrator', '127.0.0.1:1', '--token', TOKENS.agent];
  const ssh = await finish(spawnEtbench(t, [...common, '--ssh', 'no-user-here']));
  t.is(ssh.code, 2, ssh.out);
  t.regex(ssh.out, /--ssh must be USER@HOST\[:PORT\], got 'no-user-here'/);
  const adb = await finish(spawnEtbench(t, [...common, '--adb', 'localhost']));
  t.is(adb.code, 2, adb.out);
  t.regex(adb.out, /--adb must be HOST:PORT of an adb server, got 'localhost'/);
  const drivers = await finish(spawnEtbench(t, [...common, '--drivers', 'host,jtag']));
  t.is(drivers.code, 2, drivers.out);
  t.regex(drivers.out, /--drivers: unknown driver 'jtag' \(host, qemu\)/);
});
