// Programs written by the real ExecuTorch exporter that exercise the shape family (shape_mix:
// permute, slice, select, cat, expand, squeeze/unsqueeze, split_with_sizes, constant_pad_nd,
// embedding, index.Tensor, index_put on a mutable buffer with [None, None, pos] indices, copy_
// back into the buffer; shape_mix2: gather, scatter src/value, flip, index_select, repeat, view,
// pixel_shuffle as view/permute, unbind/stack, split): the portable kernels and the reference
// interpreter must both reproduce PyTorch's outputs exactly. Modules and regeneration commands:
// fixtures/shape_mix.py.

import { readFileSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import { loadProgram } from '../../native/node/index.js';
import { readBundled, referenceRun, toLogical, type RefTensor } from '../../program/index.js';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

for (const [name, outputs] of [['shape_mix.bpte', 2], ['shape_mix2.bpte', 10]] as const) {
  test(`${name}: the portable kernels reproduce PyTorch exactly`, (t) => {
    const program = loadProgram(fixture(name));
    program.loadMethod();
    for (const i of [0, 1]) {
      const checks = program.checkBundled(i, 0, 0);
      t.is(checks.length, outputs);
      t.true(checks.every((c) => c.pass && c.maxAbsErr === 0), JSON.stringify(checks));
    }
    program.close();
  });

  test(`${name}: the reference interpreter reproduces PyTorch exactly`, (t) => {
    referenceMatches(t, fixture(name));
  });
}

function referenceMatches(t: ExecutionContext, bytes: Uint8Array): void {
  const bundled = readBundled(bytes);
  const logical = (v: (typeof bundled.suites)[number]['testCases'][number]['inputs'][number]): RefTensor => {
    if (v.kind !== 'Tensor') throw new Error('tensor values only');
    return { dtype: v.dtype, shape: v.shape, dimOrder: v.dimOrder, data: toLogical([...v.data] as number[], v.shape, v.dimOrder) };
  };
  for (const tc of bundled.suites[0]!.testCases) {
    const outs = referenceRun(bundled.programBytes, 'forward', tc.inputs.map(logical));
    t.deepEqual(outs, tc.expectedOutputs.map(logical));
  }
}
