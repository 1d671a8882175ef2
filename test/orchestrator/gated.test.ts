// Correctness-gated performance and op profiles through a real in-process farm (orchestrator,
// agent, etrun): a program without bundled outputs is checked against outputs the orchestrator
// computed on its host; a wrong expected file makes the run fail with exit 6 and the result is
// no timing anywhere (stats, matrix, trends, compare); a profiled run stores its op profile
// from a separate launch and serves it, and per-operator series follow it across runs.

import test from 'ava';
import type { Job, Run } from '../../proto/index.js';
import { ResultStatus } from '../../proto/index.js';
import { validTiming } from '../../orchestrator/index.js';
import { validateRunnerResult } from '../../native/runner/index.js';
import { addProgram } from '../farm/helpers.js';
import { startGatedFarm, WRONG_SEED, type GatedFarm } from './gated-farm.js';

const config = (inputs: string, iterations = 7) => ({ kernels: 'portable', backends: [], threads: 0, warmup: 1, hasWarmup: true, iterations, minSeconds: 0, inputs });

async function runOne(farm: GatedFarm, file: string, inputs: string, profile = false): Promise<{ run: Run; job: Job }> {
  const ref = await farm.client.uploadProgram(file);
  const submitted = await farm.client.submit({ programs: [ref], devices: ['host'], configs: [config(inputs)], profile });
  const run = await farm.client.watch(submitted.id);
  return { run, job: run.jobs[0]! };
}

test.serial('a .pte without bundled outputs is checked against host-computed outputs; a wrong expected file fails with exit 6 and is no timing', async (t) => {
  const farm = await startGatedFarm(t);
  const file = addProgram(farm.dir, 'add.pte', 300);

  const good = await runOne(farm, file, 'random:5');
  const r = good.job.result!;
  t.not(good.job.program?.expectedSha256 ?? '', '', 'the job carries the expected outputs artifact');
  t.is(good.job.program?.expectedInputs, 'random:5');
  t.is(r.status, ResultStatus.RESULT_STATUS_OK, r.problem);
  t.true(r.correctnessChecked);
  t.true(r.correctnessPassed);
  const doc = JSON.parse(r.runnerJson) as { correctness: { pass: boolean; max_abs_err: number }[] };
  t.deepEqual(doc.correctness.map((c) => [c.pass, c.max_abs_err]), [[true, 0]]);
  t.true(validTiming(r));
  t.is(good.job.stats?.n, 7);

  const bad = await runOne(farm, file, `random:${WRONG_SEED}`);
  const w = bad.job.result!;
  t.is(w.status, ResultStatus.RESULT_STATUS_FAILED);
  t.is(w.exitCode, 6, w.problem);
  t.true(w.correctnessChecked);
  t.false(w.correctnessPassed);
  t.is(w.samplesMs.length, 7, 'the samples are kept');
  t.false(validTiming(w));
  t.is(bad.job.stats, undefined, 'a wrong result has no statistics');
  const wdoc = JSON.parse(w.runnerJson) as { correctness: { pass: boolean; max_abs_err: number }[] };
  t.false(wdoc.correctness[0]!.pass);
  t.true(Math.abs(wdoc.correctness[0]!.max_abs_err - 1) < 1e-6, `max abs err ${wdoc.correctness[0]!.max_abs_err}`);

  // Excluded from the matrix's percentiles, from trends and from compare.
  const matrix = await farm.get<{ cells: { p50Ms: number | null; correctness: string }[] }>(`/api/v1/runs/${bad.run.id}/matrix`);
  t.like(matrix.cells[0], { p50Ms: null, correctness: 'failed' });
  const goodMatrix = await farm.get<{ cells: { p50Ms: number | null; correctness: string }[] }>(`/api/v1/runs/${good.run.id}/matrix`);
  t.is(goodMatrix.cells[0]!.correctness, 'passed');
  t.is(typeof goodMatrix.cells[0]!.p50Ms, 'number');
  const trends = await farm.get<{ series: { points: { jobId: string }[] }[] }>('/api/v1/trends');
  const points = trends.series.flatMap((s) => s.points.map((p) => p.jobId));
  t.true(points.includes(good.job.id));
  t.false(points.includes(bad.job.id));
  const result = await farm.get<{ validTiming: boolean; stats: unknown }>(`/api/v1/results/${bad.job.id}`);
  t.like(result, { validTiming: false, stats: null });

  // compare pairs series with the same config: run the wrong seed again, which is never a timing.
  const again = await runOne(farm, file, `random:${WRONG_SEED}`);
  t.is((await farm.client.compare(bad.run.id, again.run.id)).series.length, 0);
  const twice = await runOne(farm, file, 'random:5');
  t.is((await farm.client.compare(good.run.id, twice.run.id)).series.length, 1);

  // no_host_expected: nothing computed, the result is unchecked; a client's claim is ignored.
  const ref = await farm.client.uploadProgram(file);
  const claimed = { ...ref, expectedSha256: w.runtime?.sha256 ?? 'f'.repeat(64), expectedInputs: 'random:5' };
  const off = await farm.client.watch((await farm.client.submit({ programs: [claimed], devices: ['host'], configs: [config('random:5')], noHostExpected: true })).id);
  t.is(off.jobs[0]!.program?.expectedSha256, '');
  t.false(off.jobs[0]!.result!.correctnessChecked);
  t.true(validTiming(off.jobs[0]!.result), 'unchecked is still a timing');
});

test.serial('a profiled run stores the op profile of a separate launch; /ops and /series/ops serve it', async (t) => {
  const farm = await startGatedFarm(t);
  const file = addProgram(farm.dir, 'profiled.pte', 4000);
  const plain = await runOne(farm, file, 'random:1');
  const none = await farm.get<{ profile: unknown; why: string }>(`/api/v1/results/${plain.job.id}/ops`);
  t.is(none.profile, null);
  t.regex(none.why, /not profiled/);

  const runs = [await runOne(farm, file, 'random:1', true), await runOne(farm, file, 'random:1', true)];
  for (const { job } of runs) {
    const r = job.result!;
    t.is(r.status, ResultStatus.RESULT_STATUS_OK, r.problem);
    const doc = JSON.parse(r.runnerJson) as { config: { iterations: number }; latency_ms: { samples: number[] }; op_profile: { name: string; calls: number }[] };
    // The timed samples are the timed launch's (7 iterations); the profile is the other launch's (5 executes).
    t.is(doc.config.iterations, 7);
    t.is(doc.latency_ms.samples.length, 7);
    t.deepEqual(validateRunnerResult(doc), doc, 'still a valid runner document');
    t.deepEqual(doc.op_profile.map((o) => [o.name, o.calls]), [['aten::add.out', 5]]);
  }
  const ops = await farm.get<{ profile: { executes: number; operators: { operator: string; kind: string; backend: string | null; calls: number; share: number; msPerExecute: number }[]; delegateFraction: number | null } }>(`/api/v1/results/${runs[0]!.job.id}/ops`);
  t.is(ops.profile.executes, 5);
  t.is(ops.profile.operators.length, 1);
  t.like(ops.profile.operators[0], { operator: 'aten::add.out', kind: 'kernel', backend: null, calls: 5, share: 1 });
  t.true(ops.profile.operators[0]!.msPerExecute > 0);
  t.is(ops.profile.delegateFraction, 0);

  const series = await farm.get<{ series: { deviceId: string; operators: string[]; points: { jobId: string; operators: Record<string, number>; changes: unknown }[] }[] }>('/api/v1/series/ops?program=profiled.pte&device=host');
  t.is(series.series.length, 1);
  const s = series.series[0]!;
  t.deepEqual(s.points.map((p) => p.jobId), runs.map((r) => r.job.id), 'the unprofiled run is no point');
  t.deepEqual(s.operators, ['aten::add.out']);
  t.is(s.points[0]!.changes, null);
  t.truthy(s.points[1]!.changes);
  t.is((await fetch(`${farm.http}/api/v1/series/ops`, { headers: { authorization: 'Bearer gated-admin' } })).status, 400);

  // Two results side by side: B against A per operator.
  const cmp = await farm.get<{ a: { jobId: string; runId: string }; b: { jobId: string; runId: string }; deltas: { operator: string; baselineMs: number; candidateMs: number; change: string }[]; fallback: { detected: boolean } }>(
    `/api/v1/ops/compare?a=${runs[0]!.job.id}&b=${runs[1]!.job.id}`);
  t.deepEqual(cmp.deltas.map((d) => d.operator), ['aten::add.out']);
  t.like(cmp, { a: { jobId: runs[0]!.job.id, runId: runs[0]!.run.id }, b: { jobId: runs[1]!.job.id, runId: runs[1]!.run.id } });
  t.is(cmp.deltas[0]!.baselineMs, ops.profile.operators[0]!.msPerExecute);
  t.false(cmp.fallback.detected);
  const unprofiled = await fetch(`${farm.http}/api/v1/ops/compare?a=${plain.job.id}&b=${runs[1]!.job.id}`, { headers: { authorization: 'Bearer gated-admin' } });
  t.is(unprofiled.status, 400);
  t.regex(((await unprofiled.json()) as { error: string }).error, /has no op profile/);
});
