// Profiling inside the XnnpackBackend (issue 14, item 4): with `etrun --profile`, every node of a
// delegate is an op_profile entry (kind "delegate", backend "XnnpackBackend", named by its XNN
// kind, in graph order, just before the delegate's own entry), the node times make up nearly all
// of the DelegateCall's time, and delegate_fraction is the delegates' share of the execute time.
// Needs build/native/release/etrun.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunnerResult } from '../../native/runner/index.js';
import { ProgramBuilder } from '../../program/index.js';
import { partitionXnnpack } from '../../program/partition/index.js';
import { writeProgram } from '../../program/write/write-program.js';
import { fixturesDir } from '../program/helpers.js';
import { describeRun, etrunChecked, tempDir, writeTemp } from '../program/etrun.js';
import { delegated } from './xnnpack-helpers.js';

type Entry = NonNullable<RunnerResult['op_profile']>[number];
// Enough executes that one preemption (tens of microseconds on a loaded CI machine) is a
// small part of the total: linear129's delegate takes under a microsecond per execute, and
// at 20 executes a single stall outside the nodes broke the 50 % share (CI, 09ad5d0).
const ITERATIONS = 2000;
const PROFILE = ['--profile', '--iterations', String(ITERATIONS), '--warmup', '1', '--inputs', 'random:0'];

function profileOf(t: { fail(m: string): void }, file: string): RunnerResult | null {
  const r = etrunChecked([file, ...PROFILE]);
  if (r.code !== 0 || r.doc === null || r.doc.op_profile === null) {
    t.fail(describeRun(r));
    return null;
  }
  return r.doc;
}

for (const name of ['conv3x3.pte', 'linear129.pte', 'quantized_linear.pte']) {
  test.serial(`${name}: each XNN node is an op_profile entry and the nodes make up the delegate's time`, (t) => {
    const file = path.join(fixturesDir, 'xnnpack', name);
    const kinds = delegated(new Uint8Array(readFileSync(file))).graph.nodes.map((n) => n.kind);
    const doc = profileOf(t, file);
    if (doc === null) return;
    const entries = doc.op_profile!;
    // The program is one DelegateCall: its nodes in graph order, then the delegate's own entry.
    t.deepEqual(entries.map((e) => e.name), [...kinds, 'XnnpackBackend']);
    for (const e of entries) {
      t.like(e, { chain: 0, instruction: 0, kind: 'delegate', backend: 'XnnpackBackend', calls: ITERATIONS });
    }
    const nodes = entries.slice(0, -1).reduce((a, e) => a + e.total_ns, 0);
    const delegate = entries.reduce((a, e) => a + e.total_ns, 0);
    t.true(nodes > 0);
    // The rest is binding the arguments: small next to the nodes' work.
    t.true(nodes >= 0.5 * delegate, `nodes ${nodes} ns of the delegate's ${delegate} ns`);
    t.is(doc.delegate_fraction, 1);
    t.log(`${name}: nodes ${(100 * nodes / delegate).toFixed(1)} % of the delegate's ${(delegate / ITERATIONS / 1e3).toFixed(1)} us per execute`);
  });
}

test.serial('a program split around a kernel: delegate_fraction is the delegates\' share, below 1', async (t) => {
  const b = new ProgramBuilder();
  const m = b.method('forward');
  const x = m.input({ dtype: 'float32', shape: [64, 96] });
  const w = m.constant({ dtype: 'float32', shape: [96, 96], data: Float32Array.from({ length: 96 * 96 }, (_, i) => ((i * 37) % 101) / 101 - 0.5) });
  const bias = m.constant({ dtype: 'float32', shape: [96], data: Float32Array.from({ length: 96 }, (_, i) => i / 96 - 0.5) });
  const t1 = m.call('aten::addmm.out', { self: bias, mat1: x, mat2: w, out: m.tensor({ dtype: 'float32', shape: [64, 96] }) });
  const t2 = m.call('aten::relu.out', { self: t1, out: m.tensor({ dtype: 'float32', shape: [64, 96] }) });
  const s = m.call('aten::sigmoid.out', { self: t2, out: m.tensor({ dtype: 'float32', shape: [64, 96] }) });
  const y = m.call('aten::mul.out', { self: s, other: t1, out: m.tensor({ dtype: 'float32', shape: [64, 96] }) });
  m.output(y);
  const { spec, report } = partitionXnnpack(b.build().spec);
  t.is(report.delegates, 2);
  const dir = await tempDir(t, 'etbench-xnn-profile-');
  const doc = profileOf(t, await writeTemp(dir, 'split.pte', writeProgram(spec)));
  if (doc === null) return;
  const entries: Entry[] = doc.op_profile!;
  const at = (i: number): string[] => entries.filter((e) => e.instruction === i).map((e) => `${e.kind}:${e.name}`);
  t.deepEqual(at(0), ['delegate:XNNFullyConnected', 'delegate:XNNClamp', 'delegate:XnnpackBackend']);
  t.deepEqual(at(1), ['kernel:aten::sigmoid.out']);
  t.deepEqual(at(2), ['delegate:XNNMultiply', 'delegate:XnnpackBackend']);
  const total = entries.reduce((a, e) => a + e.total_ns, 0);
  const inDelegates = entries.filter((e) => e.kind === 'delegate').reduce((a, e) => a + e.total_ns, 0);
  const fraction = doc.delegate_fraction!;
  t.true(fraction > 0 && fraction < 1, `delegate_fraction ${fraction}`);
  t.true(Math.abs(fraction - inDelegates / total) < 1e-9, `${fraction} vs ${inDelegates / total}`);
  t.log(`split program: delegate_fraction ${fraction.toFixed(3)}`);
});
