// Bisect: the binary search over candidate builds (pure), and `etbench bisect` end to end with
// four real uploaded runtime builds, all the real etrun behind a wrapper script; builds 3 and 4
// pass it --inject-slowdown 400, so they are about five times slower.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { Agent, HostDriver } from '../../agent/index.js';
import { FarmClient } from '../../cli/farm/client.js';
import { bisectBuilds, candidatesBetween } from '../../cli/nightly/bisect.js';
import { suiteFiles } from '../../cli/nightly/night.js';
import { parseSuite } from '../../cli/nightly/suite.js';
import { compareTrials } from '../../cli/nightly/verdicts.js';
import { etrunBuildPath } from '../../native/runner/index.js';
import { newToken, startOrchestrator } from '../../orchestrator/index.js';
import type { Run, RuntimeBuild } from '../../proto/index.js';
import { ZOO_TEST_HOME } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';
import { etbench } from './helpers.js';

const ABI = `${process.platform}-${process.arch}`;
const build = (i: number): RuntimeBuild => ({ sha256: `sha${i}`, git: `g${i}`, abi: ABI, version: '', build: '', capabilities: undefined });

test('the search probes log2(n) builds and names the first slow one', async (t) => {
  const candidates = Array.from({ length: 9 }, (_, i) => build(i));
  const firstSlow = 6;
  const probed: number[] = [];
  const times = (b: RuntimeBuild): number[] => [1, 1.01, 0.99, 1.02, 0.98].map((x) => x * (Number(b.git.slice(1)) >= firstSlow ? 1.5 : 1));
  const measure = async (good: RuntimeBuild, b: RuntimeBuild): Promise<{ good: number[]; candidate: number[] }> => {
    t.is(good.git, 'g0');
    probed.push(Number(b.git.slice(1)));
    return { good: times(good), candidate: times(b) };
  };
  const outcome = await bisectBuilds(candidates, measure, (g, c) => compareTrials(g, c));
  t.is(outcome.problem, null);
  t.is(outcome.firstSlow?.git, 'g6');
  t.is(outcome.lastGood?.git, 'g5');
  t.deepEqual(probed, [8, 4, 6, 5]);
  const flat = [1, 1.01, 0.99, 1.02, 0.98];
  const none = await bisectBuilds(candidates, async () => ({ good: flat, candidate: flat }), (g, c) => compareTrials(g, c));
  t.is(none.firstSlow, null);
  t.regex(none.problem!, /not slower than the good run's here \(no-change, ratio 1\.000\)/);
});

test('candidates: builds in order of first appearance between the runs, same ABI, cut at the ends', (t) => {
  const run = (ms: number, ...builds: RuntimeBuild[]): Run => ({
    id: `r${ms}`, createdMs: ms, label: '', state: 2, total: 0, done: 0, failed: 0, unschedulable: 0, cancelled: 0,
    jobs: builds.map((b) => ({ id: '', runId: '', method: '', deviceId: '', selector: '', state: 3, attempt: 1, reason: '', runtime: b, program: undefined, config: undefined, result: undefined, stats: undefined })),
  });
  const arm = { ...build(9), abi: 'android-arm64-v8a' };
  const runs = [run(40, build(4)), run(10, build(0)), run(20, build(1), arm), run(30, build(2), build(1)), run(35, build(3))];
  t.deepEqual(candidatesBetween(runs, build(1), build(3)).map((b) => b.git), ['g1', 'g2', 'g3']);
  t.deepEqual(candidatesBetween(runs, build(0), build(4)).map((b) => b.git), ['g0', 'g1', 'g2', 'g3', 'g4']);
  t.deepEqual(candidatesBetween(runs, build(3), build(1)).map((b) => b.git), ['g3', 'g1'], 'out of order: just the two ends');
});

test('etbench bisect finds the first slow build among real uploaded etrun builds', async (t) => {
  const dir = await tempDir(t, 'etbench-bisect-');
  const token = newToken();
  const orchestrator = await startOrchestrator({ port: 0, store: `sqlite:${path.join(dir, 'farm.db')}`, tokens: [{ token, scopes: ['admin'] }] });
  t.teardown(() => orchestrator.close(200));
  const agent = new Agent({ orchestrator: orchestrator.address, token, agentId: 'a', cacheDir: path.join(dir, 'cache'), drivers: [new HostDriver({ deviceIds: ['host'], env: process.env })] });
  const registered = new Promise<void>((resolve) => agent.once('registered', resolve));
  await agent.start();
  t.teardown(() => agent.stop());
  await registered;
  const client = new FarmClient(orchestrator.address, token);
  t.teardown(() => client.close());

  const etrun = JSON.stringify(etrunBuildPath('release'));
  const builds: RuntimeBuild[] = [];
  for (let i = 1; i <= 4; i += 1) {
    const file = path.join(dir, `etrun-g${i}`);
    const slow = i >= 3;
    // The slowed builds are etrun with its validation knob: each execute busy-waits four times its own time.
    writeFileSync(file, slow
      ? `#!/bin/sh\n# build g${i}\nif [ "$1" = "--capabilities" ]; then exec ${etrun} "$@"; fi\nexec ${etrun} --inject-slowdown 400 "$@"\n`
      : `#!/bin/sh\n# build g${i}\nexec ${etrun} "$@"\n`);
    chmodSync(file, 0o755);
    const info = await client.uploadBytes(readFileSync(file), `etrun-g${i}`, 'runtime');
    builds.push({ sha256: info.sha256, abi: ABI, git: `g${i}`, version: '', build: 'release', capabilities: undefined });
  }
  const [mlp] = suiteFiles(parseSuite('name: x\nprograms: [zoo:mlp]\ndevices: [host]\n', dir), ZOO_TEST_HOME);
  const ref = await client.uploadProgram(mlp!);
  const config = { kernels: 'portable', backends: [], threads: 0, warmup: 2, hasWarmup: true, iterations: 5, minSeconds: 0, inputs: '' };
  // Four nightly runs, each with the build of its day.
  const runs: string[] = [];
  for (const b of builds) {
    const run = await client.watch((await client.submit({ programs: [ref], devices: ['host'], configs: [config], runtime: b, label: `nightly:bisect:${b.git}` })).id);
    t.is(run.done, 1);
    runs.push(run.id);
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct creation times
  }
  const r = await etbench(['bisect', '--good', runs[0]!, '--bad', runs[3]!, '--program', 'zoo:mlp', '--trials', '5', '--min-effect-pct', '30', '--orchestrator', orchestrator.address, '--token', token, '--format', 'json']);
  t.is(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { candidates: RuntimeBuild[]; firstSlow: RuntimeBuild; lastGood: RuntimeBuild; steps: { index: number; slow: boolean; trials: number[]; goodTrials: number[]; verdict: { ratio: number } }[] };
  t.deepEqual(doc.candidates.map((b) => b.git), ['g1', 'g2', 'g3', 'g4']);
  t.is(doc.firstSlow.git, 'g3');
  t.is(doc.firstSlow.sha256, builds[2]!.sha256);
  t.is(doc.lastGood.git, 'g2');
  t.deepEqual(doc.steps.map((s) => [s.index, s.slow]), [[3, true], [1, false], [2, true]]);
  t.true(doc.steps[0]!.verdict.ratio > 3, String(doc.steps[0]!.verdict.ratio));
  t.true(doc.steps.every((s) => s.trials.length === 5 && s.goodTrials.length === 5));

  const backwards = await etbench(['bisect', '--good', runs[3]!, '--bad', runs[0]!, '--program', 'zoo:mlp', '--orchestrator', orchestrator.address, '--token', token]);
  t.is(backwards.code, 2);
  t.regex(backwards.err, /must be older than the bad run/);
});
