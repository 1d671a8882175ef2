// The fixed program of bench/regressions.ts and its tests: a chain of elementwise multiplies and
// adds over 2^15 floats, written by our own program writer (no zoo, no Python), about 1 ms per
// execute on a desktop core with the portable kernels.

import { buildElementwiseProgram, type ElementwiseGraph } from '../program/index.js';

export function regressionProgram(elements = 1 << 15, ops = 8): Uint8Array {
  const graph: ElementwiseGraph = {
    inputs: [{ name: 'x', dtype: 'float32', shape: [elements] }],
    constants: [{ name: 'a', dtype: 'float32', shape: [], data: [0.999] }, { name: 'b', dtype: 'float32', shape: [], data: [0.001] }],
    ops: Array.from({ length: ops }, (_, i) => ({ op: i % 2 === 0 ? 'mul' as const : 'add' as const, self: i === 0 ? 'x' : `t${i - 1}`, other: i % 2 === 0 ? 'a' : 'b', out: `t${i}` })),
    outputs: [`t${ops - 1}`],
  };
  return buildElementwiseProgram(graph);
}
