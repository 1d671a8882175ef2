/**
 * The starter default suite: what `etbench run --devices all` runs when no
 * --programs are given, until the model zoo lands. Four small bundled programs
 * built only from aten::add.out, aten::mul.out and
 * dim_order_ops::_clone_dim_order.out, each with two seeded test cases whose
 * expected outputs come from the TypeScript reference (float32 rounding per op).
 */
import fs from 'node:fs';
import path from 'node:path';
import { numel, tensorDataFromNumbers, type DType, type TensorData } from '../dtype.js';
import { buildElementwiseProgram } from '../builder/elementwise.js';
import { evaluateElementwise } from '../builder/evaluate.js';
import { resolveGraph, type ElementwiseGraph, type GraphConstant } from '../builder/graph.js';
import type { BundledTestCase, BundledValue } from '../bundled-types.js';
import { writeBundled } from '../write/write-bundled.js';

export interface StarterProgram {
  /** File stem, e.g. `add_broadcast_f32`. */
  name: string;
  /** The `.bpte` bytes. */
  bytes: Uint8Array;
}

const CASES_PER_PROGRAM = 2;

/** mulberry32: tiny, fast and identical on every platform, so suites are byte-stable. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded values: floats uniform in [-1, 1), ints in [-100, 100]. */
function values(dtype: DType, count: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: count }, () => (dtype.startsWith('float') ? next() * 2 - 1 : Math.floor(next() * 201) - 100));
}

function constant(name: string, dtype: DType, shape: number[], data: number[]): GraphConstant {
  return { name, dtype, shape, data };
}

function residualChain(): ElementwiseGraph {
  const n = 1024;
  const constants: GraphConstant[] = [];
  const ops: ElementwiseGraph['ops'] = [];
  let h = 'x';
  // h = h + h * scale_i, eight times: 16 ops whose intermediates die quickly,
  // so the planner has to reuse arena bytes. Scales stay small to keep values bounded.
  for (let i = 0; i < 8; i++) {
    constants.push(constant(`scale${i}`, 'float32', [n], values('float32', n, 1000 + i).map((v) => v * 0.25)));
    ops.push({ op: 'mul', self: h, other: `scale${i}`, out: `t${i}` });
    ops.push({ op: 'add', self: h, other: `t${i}`, out: `h${i}` });
    h = `h${i}`;
  }
  ops.push({ op: 'clone', self: h, out: 'y' });
  return { inputs: [{ name: 'x', dtype: 'float32', shape: [1, n] }], constants, ops, outputs: ['y'] };
}

/** The graphs, by name. Kept in one table so adding a program is one entry. */
function graphs(): { name: string; graph: ElementwiseGraph }[] {
  return [
    {
      name: 'add_broadcast_f32',
      graph: {
        inputs: [{ name: 'x', dtype: 'float32', shape: [64, 256] }],
        constants: [constant('bias', 'float32', [256], values('float32', 256, 7))],
        ops: [{ op: 'add', self: 'x', other: 'bias', out: 'y' }],
        outputs: ['y'],
      },
    },
    {
      name: 'mul_add_f32',
      graph: {
        inputs: [{ name: 'x', dtype: 'float32', shape: [1, 4096] }],
        // 0-d constants, like the real AddModel's 1.0: they broadcast over x.
        constants: [constant('a', 'float32', [], [3]), constant('b', 'float32', [], [2])],
        ops: [
          { op: 'mul', self: 'x', other: 'a', out: 'ax' },
          { op: 'add', self: 'ax', other: 'b', out: 'y' },
        ],
        outputs: ['y'],
      },
    },
    {
      name: 'add_i32',
      graph: {
        inputs: [
          { name: 'x', dtype: 'int32', shape: [2, 2] },
          { name: 'y', dtype: 'int32', shape: [2, 2] },
        ],
        constants: [],
        ops: [{ op: 'add', self: 'x', other: 'y', out: 'z' }],
        outputs: ['z'],
      },
    },
    { name: 'residual_chain_f32', graph: residualChain() },
  ];
}

function tensorValue(dtype: DType, shape: number[], data: TensorData): BundledValue {
  return { kind: 'Tensor', dtype, shape, dimOrder: shape.map((_, i) => i), data };
}

function testCases(graph: ElementwiseGraph, seed: number): BundledTestCase[] {
  const tensors = resolveGraph(graph);
  return Array.from({ length: CASES_PER_PROGRAM }, (_, c) => {
    const inputs: Record<string, TensorData> = {};
    graph.inputs.forEach((t, i) => {
      inputs[t.name] = tensorDataFromNumbers(t.dtype, values(t.dtype, numel(t.shape), seed * 100 + c * 10 + i));
    });
    const outputs = evaluateElementwise(graph, inputs);
    return {
      inputs: graph.inputs.map((t) => tensorValue(t.dtype, t.shape, inputs[t.name]!)),
      expectedOutputs: graph.outputs.map((name, i): BundledValue => {
        const t = tensors.get(name)!;
        return { kind: 'Tensor', dtype: t.dtype, shape: t.shape, dimOrder: t.dimOrder, data: outputs[i]! };
      }),
    };
  });
}

/** Builds the starter suite in memory. Deterministic: same bytes on every call and machine. */
export function starterSuite(): StarterProgram[] {
  return graphs().map(({ name, graph }, i) => ({
    name,
    bytes: writeBundled(buildElementwiseProgram(graph), [{ methodName: 'forward', testCases: testCases(graph, i + 1) }]),
  }));
}

/**
 * Writes the starter suite into `dir` (created if needed) as `<name>.bpte`,
 * rewriting a file only when its bytes differ (so a cache folder survives
 * upgrades), and returns the paths in suite order.
 */
export function ensureStarterSuite(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return starterSuite().map(({ name, bytes }) => {
    const file = path.join(dir, `${name}.bpte`);
    let current: Buffer | null = null;
    try {
      current = fs.readFileSync(file);
    } catch {
      current = null;
    }
    if (current === null || !current.equals(bytes)) {
      // Write then rename, so a concurrent reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, file);
    }
    return file;
  });
}
