/**
 * Generates one zoo model in memory: the `.pte` (core ATen edge operators),
 * the ONNX twin, the seeded test input and, when asked, the `.bpte` whose
 * expected outputs come from the TypeScript reference (referenceRun).
 */
import { numel } from '../dtype.js';
import { ReferenceOpError } from '../reference/errors.js';
import { referenceRun } from '../reference/interpreter.js';
import type { RefTensor } from '../reference/tensor.js';
import { formatToleranceManifest } from '../suite/tolerances.js';
import { ZOO_GENERATOR_VERSION, type ZooModelSpec } from './catalogue.js';
import { countGraph, type ZooCounts } from './counts.js';
import { ZooError } from './errors.js';
import type { ZooGraph } from './graph.js';
import { lowerToProgram } from './lower-pte.js';
import { ZooRng, fill } from './rng.js';
import { toOnnx } from './to-onnx.js';

/** One input tensor in the runner contract's input-file form (shared/docs/runner-contract.md). */
export type ZooInput =
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'int64'; shape: number[]; data: BigInt64Array };

export interface GeneratedModel {
  graph: ZooGraph;
  counts: ZooCounts;
  pte: Uint8Array;
  onnx: Uint8Array;
  inputs: ZooInput[];
}

/** The model's test inputs: its own (ZooModelSpec.inputs), else uniform in [-1, 1) from the seed, one stream per input. */
export function zooInputs(g: ZooGraph, seed: number, spec?: ZooModelSpec): ZooInput[] {
  if (spec?.inputs !== undefined) return spec.inputs(seed);
  return g.inputs.map((v, i) => {
    const rng = new ZooRng(seed, `${g.name}/input${i}`);
    const shape = g.shape(v);
    return { dtype: 'float32', shape, data: fill(numel(shape), () => rng.range(-1, 1)) };
  });
}

export function generateModel(spec: ZooModelSpec, seed: number): GeneratedModel {
  const graph = spec.build(seed);
  const doc = `etbench zoo ${spec.name} (generator ${ZOO_GENERATOR_VERSION}, seed ${seed}): ${spec.description}`;
  return { graph, counts: countGraph(graph), pte: lowerToProgram(graph).build().pte, onnx: toOnnx(graph, doc), inputs: zooInputs(graph, seed, spec) };
}

/**
 * The `.bpte` of a generated model: its program with one test case, the seeded
 * inputs and the outputs our float64 reference computes for them, plus the
 * tolerance manifest text for `<name>.tolerances.json`.
 * @throws ZooError naming the model when the reference cannot run it (an operator it lacks).
 */
export function bundleModel(spec: ZooModelSpec, model: GeneratedModel): { bpte: Uint8Array; tolerances: string } {
  const refInputs: RefTensor[] = model.inputs.map((x) => ({
    dtype: x.dtype, shape: [...x.shape], dimOrder: x.shape.map((_, i) => i), data: (x.dtype === 'int64' ? Array.from(x.data) : Array.from(x.data)) as number[] | bigint[],
  }));
  let outputs;
  try {
    outputs = referenceRun(model.pte, 'forward', refInputs);
  } catch (cause) {
    const why = cause instanceof ReferenceOpError ? cause.message : String(cause);
    throw new ZooError(`the reference cannot compute the expected outputs: ${why}`, `zoo model '${spec.name}'`, { cause });
  }
  const builder = lowerToProgram(model.graph);
  builder.testCase('forward', {
    inputs: model.inputs.map((x) => ({ shape: x.shape, data: x.data })),
    expectedOutputs: outputs.map((o, i) => {
      if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ZooError(`output ${i} is not a tensor`, `zoo model '${spec.name}'`);
      return Float32Array.from((o as RefTensor).data as number[]);
    }),
    rtol: spec.tolerance.rtol,
    atol: spec.tolerance.atol,
  });
  const built = builder.build();
  return { bpte: built.bpte!, tolerances: formatToleranceManifest(built.tolerances.map((t) => ({ ...t, file: `${spec.name}.bpte` }))) };
}
