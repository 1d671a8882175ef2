// A program written by the real ExecuTorch exporter that exercises the shape family (permute,
// slice, select, cat, expand, squeeze/unsqueeze, split_with_sizes, constant_pad_nd, embedding,
// index.Tensor, index_put on a mutable buffer with [None, None, pos] indices, copy_ back into the
// buffer): the portable kernels and the reference interpreter must both reproduce PyTorch's
// outputs exactly. Module and regeneration command: fixtures/shape_mix.py.

import { readFileSync } from 'node:fs';
import test from 'ava';
import { loadProgram } from '../../native/node/index.js';
import { readBundled, referenceRun, toLogical, type RefTensor } from '../../program/index.js';

const BPTE = new Uint8Array(readFileSync(new URL('./fixtures/shape_mix.bpte', import.meta.url)));

test('the portable kernels reproduce PyTorch on a real exported shape-family program', (t) => {
  const program = loadProgram(BPTE);
  program.loadMethod();
  for (const i of [0, 1]) {
    const checks = program.checkBundled(i, 0, 0);
    t.is(checks.length, 2);
    t.true(checks.every((c) => c.pass && c.maxAbsErr === 0), JSON.stringify(checks));
  }
  program.close();
});

test('the reference interpreter reproduces PyTorch on the same program', (t) => {
  const bundled = readBundled(BPTE);
  const logical = (v: (typeof bundled.suites)[number]['testCases'][number]['inputs'][number]): RefTensor => {
    if (v.kind !== 'Tensor') throw new Error('tensor values only');
    return { dtype: v.dtype, shape: v.shape, dimOrder: v.dimOrder, data: toLogical([...v.data] as number[], v.shape, v.dimOrder) };
  };
  for (const tc of bundled.suites[0]!.testCases) {
    const outs = referenceRun(bundled.programBytes, 'forward', tc.inputs.map(logical));
    t.deepEqual(outs, tc.expectedOutputs.map(logical));
  }
});
