// The pure parts of correctness gating and op profiles: validTiming's rule, the inputs a job's
// runner will use, op profiles summed per operator, opDeltas naming slower operators, and the
// fallback from delegates to portable kernels.

import test from 'ava';
import { ResultStatus, type JobResult } from '../../proto/index.js';
import { effectiveInputs } from '../../orchestrator/expected-outputs.js';
import { suiteCaseOf } from '../../orchestrator/kernel-validation.js';
import { operatorDrifts } from '../../orchestrator/op-views.js';
import { opDeltas, opProfileOf, validTiming } from '../../orchestrator/index.js';

const result = (status: ResultStatus, checked: boolean, passed: boolean): JobResult => ({
  jobId: 'j', attempt: 1, deviceId: 'd', status, exitCode: 0, signal: '', problem: '', samplesMs: [1], batch: 1, correctnessChecked: checked,
  correctnessPassed: passed, loadMs: 0, initMs: 0, peakRssBytes: 0, plannedBytes: 0, trialsJson: '', conditionsJson: '', runnerJson: '', durationMs: 0, runtime: undefined,
});

test('validTiming: OK and not failed correctness; a failed check, a failed run or no result is never a timing', (t) => {
  t.true(validTiming(result(ResultStatus.RESULT_STATUS_OK, true, true)));
  t.true(validTiming(result(ResultStatus.RESULT_STATUS_OK, false, false)), 'unchecked is a timing');
  t.false(validTiming(result(ResultStatus.RESULT_STATUS_OK, true, false)), 'checked and failed, whatever the status says');
  t.false(validTiming(result(ResultStatus.RESULT_STATUS_FAILED, true, false)));
  t.false(validTiming(result(ResultStatus.RESULT_STATUS_TIMED_OUT, false, false)));
  t.false(validTiming(undefined));
});

test('effectiveInputs: as etrun decides them; only seeded random inputs need host outputs', (t) => {
  const c = (inputs: string) => ({ kernels: '', backends: [], threads: 0, warmup: 0, hasWarmup: false, iterations: 0, minSeconds: 0, inputs });
  t.deepEqual(effectiveInputs(c(''), null), { inputs: 'random:0', needsHost: true });
  t.deepEqual(effectiveInputs(c(''), new Set(['forward'])), { inputs: 'bundled', needsHost: false });
  t.deepEqual(effectiveInputs(c('random:9'), new Set(['forward'])), { inputs: 'random:9', needsHost: true });
  t.deepEqual(effectiveInputs(c('/tmp/in.json'), null), { inputs: '/tmp/in.json', needsHost: false });
});

const doc = (entries: [string, 'kernel' | 'delegate', number][], executes = 10, delegateFraction?: number) => ({
  op_profile: entries.map(([name, kind, ns], i) => ({ chain: 0, instruction: i, name, kind, backend: kind === 'delegate' ? name : null, calls: executes, total_ns: ns })),
  delegate_fraction: delegateFraction ?? null,
});

test('opProfileOf sums instructions per operator, per execute, with shares; null without a profile', (t) => {
  const p = opProfileOf(doc([['aten::add.out', 'kernel', 1e6], ['aten::mm.out', 'kernel', 6e6], ['aten::add.out', 'kernel', 3e6]]))!;
  t.is(p.executes, 10);
  t.deepEqual(p.operators.map((o) => [o.operator, o.instructions, o.calls, o.msPerExecute, o.share]), [
    ['aten::mm.out', 1, 10, 0.6, 0.6], ['aten::add.out', 2, 20, 0.4, 0.4],
  ]);
  t.is(p.totalMsPerExecute, 1);
  t.is(p.delegateFraction, 0);
  // Executes are the most common calls: an instruction inside a loop runs more often.
  const looped = opProfileOf({ op_profile: [['a', 4], ['b', 4], ['c', 12]].map(([name, calls]) => ({ name, kind: 'kernel', backend: null, calls, total_ns: Number(calls) * 1e6 })) })!;
  t.is(looped.executes, 4);
  t.is(looped.operators.find((o) => o.operator === 'c')?.msPerExecute, 3);
  t.is(opProfileOf({ op_profile: null }), null);
  t.is(opProfileOf(null), null);
});

test('opDeltas names the operators that got slower, beyond the effect size and the noise floor', (t) => {
  const base = opProfileOf(doc([['aten::mm.out', 'kernel', 60e6], ['aten::add.out', 'kernel', 30e6], ['aten::relu.out', 'kernel', 10e6], ['aten::tiny.out', 'kernel', 1e4]]))!;
  const cand = opProfileOf(doc([['aten::mm.out', 'kernel', 90e6], ['aten::add.out', 'kernel', 31e6], ['aten::relu.out', 'kernel', 5e6], ['aten::tiny.out', 'kernel', 5e4]]))!;
  const r = opDeltas(base, cand);
  t.deepEqual(r.slower.map((d) => d.operator), ['aten::mm.out']);
  const by = Object.fromEntries(r.deltas.map((d) => [d.operator, d.change]));
  t.deepEqual(by, { 'aten::mm.out': 'slower', 'aten::add.out': 'same', 'aten::relu.out': 'faster', 'aten::tiny.out': 'same' });
  t.is(r.deltas[0]!.ratio, 1.5);
  t.false(r.fallback.detected, 'no delegates, no fallback');
});

test('a program whose delegated work falls back to portable kernels is reported', (t) => {
  const base = opProfileOf(doc([['XnnpackBackend', 'delegate', 80e6], ['aten::add.out', 'kernel', 20e6]], 10, 0.8))!;
  const fell = opProfileOf(doc([['aten::convolution.out', 'kernel', 300e6], ['aten::add.out', 'kernel', 20e6]], 10, 0))!;
  const r = opDeltas(base, fell);
  t.true(r.fallback.detected);
  t.deepEqual(r.fallback.newKernelOperators, ['aten::convolution.out']);
  t.deepEqual(r.fallback.goneDelegates, ['XnnpackBackend']);
  t.like(r.fallback, { baselineDelegateFraction: 0.8, candidateDelegateFraction: 0 });
  t.deepEqual(r.slower.map((d) => [d.operator, d.change]), [['aten::convolution.out', 'new']]);
  t.is(r.deltas.find((d) => d.operator === 'XnnpackBackend')?.change, 'gone');
  // Same delegates, a smaller delegate share: still falling back.
  const partly = opProfileOf(doc([['XnnpackBackend', 'delegate', 50e6], ['aten::add.out', 'kernel', 50e6]], 10, 0.5))!;
  t.true(opDeltas(base, partly).fallback.detected);
  t.false(opDeltas(base, base).fallback.detected);
});

test('suiteCaseOf recognises operator-suite programs by their single operator and case stem', (t) => {
  const p = (name: string, operators: string[]) => ({ program: { sha256: '', name, size: 0, methods: [], operators, delegates: [], rtol: 0, atol: 0, hasTolerances: false, plannedBytes: 0, expectedSha256: '', expectedInputs: '' } });
  t.deepEqual(suiteCaseOf(p('aten__relu.out__f32_edge.bpte', ['aten::relu.out'])), { operator: 'aten::relu.out', case: 'f32_edge', stem: 'aten__relu.out__f32_edge' });
  t.deepEqual(suiteCaseOf(p('aten___softmax.out__f32_dim.bpte', ['aten::_softmax.out']))?.case, 'f32_dim');
  t.is(suiteCaseOf(p('mlp.bpte', ['aten::relu.out'])), null);
  t.is(suiteCaseOf(p('aten__relu.out__f32_edge.bpte', ['aten::relu.out', 'aten::add.out'])), null);
  t.is(suiteCaseOf(p('aten__relu.out__f32_edge.pte', ['aten::relu.out'])), null);
});

test('operatorDrifts finds the run where one operator moved to a slower level, and only that operator', (t) => {
  const points = Array.from({ length: 16 }, (_, i) => ({
    runId: `r${i}`, jobId: `j${i}`,
    operators: { 'aten::mm.out': (i < 9 ? 1.0 : 1.3) + (i % 3) * 0.005, 'aten::add.out': 0.2 + (i % 4) * 0.002 },
  }));
  const found = operatorDrifts(points, ['aten::mm.out', 'aten::add.out']);
  t.deepEqual(found.map((d) => [d.operator, d.runId]), [['aten::mm.out', 'r9']]);
  t.true(found[0]!.afterMs / found[0]!.beforeMs > 1.25);
  t.deepEqual(operatorDrifts(points.slice(0, 9), ['aten::mm.out']), [], 'too short to split');
});
