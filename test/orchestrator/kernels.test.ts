// The kernel validation view over real operator-suite runs: cases written by writeOpSuites, run
// on the host through an in-process farm, aggregated per (operator, dtype, device, config) with
// pass/fail counts and error magnitudes; a case's newest result is the one that counts.

import path from 'node:path';
import test from 'ava';
import { writeOpSuites } from '../../program/suite/ops/write.js';
import { startGatedFarm, WRONG_SEED } from './gated-farm.js';

interface Row { operator: string; dtype: string; deviceId: string; config: string; cases: number; passed: number; failed: number; unsupported: number; errors: number; maxAbsErr: number | null; problems: { case: string; outcome: string; jobId: string }[] }

test('operator-suite results aggregate per operator, dtype and device; a failing case is named with its error', async (t) => {
  const farm = await startGatedFarm(t);
  const written = writeOpSuites(path.join(farm.dir, 'ops'), { filter: 'aten::relu.out' });
  const pick = ['f32_edge', 'f32_channels_last', 'i8_edge'].map((c) => written.files.find((f) => f.endsWith(`__${c}.bpte`))!);
  const refs = await Promise.all(pick.map((f) => farm.client.uploadProgram(f)));
  const bundled = await farm.client.submit({ programs: refs, devices: ['host'], configs: [{ kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: true, iterations: 2, minSeconds: 0, inputs: '' }] });
  await farm.client.watch(bundled.id);

  let view = await farm.get<{ cases: number; rows: Row[] }>('/api/v1/kernels');
  t.is(view.cases, 3);
  t.deepEqual(view.rows.map((r) => [r.operator, r.dtype, r.deviceId, r.config, r.cases, r.passed, r.failed]), [
    ['aten::relu.out', 'float32', 'host', 'portable', 2, 2, 0],
    ['aten::relu.out', 'int8', 'host', 'portable', 1, 1, 0],
  ]);
  t.is(view.rows[0]!.maxAbsErr, 0, 'relu is exact against the float64 reference');

  // The f32 edge case again, on seeded inputs whose expected outputs are wrong: its newest result fails.
  const wrong = await farm.client.submit({ programs: [refs[0]!], devices: ['host'], configs: [{ kernels: 'portable', backends: [], threads: 0, warmup: 0, hasWarmup: true, iterations: 2, minSeconds: 0, inputs: `random:${WRONG_SEED}` }] });
  const run = await farm.client.watch(wrong.id);
  view = await farm.get<{ cases: number; rows: Row[] }>('/api/v1/kernels');
  const f32 = view.rows.find((r) => r.dtype === 'float32')!;
  t.like(f32, { cases: 2, passed: 1, failed: 1, unsupported: 0, errors: 0 });
  t.deepEqual(f32.problems.map((p) => [p.case, p.outcome, p.jobId]), [['f32_edge', 'failed', run.jobs[0]!.id]]);
  t.true((f32.maxAbsErr ?? 0) >= 0.99, `max abs err ${f32.maxAbsErr}`);
  t.is(view.rows.find((r) => r.dtype === 'int8')?.passed, 1);
});
