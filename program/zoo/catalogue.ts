/**
 * The zoo's models: how each is built, its published size, and the tolerance
 * its outputs are checked with (float32 runtimes against the float64 reference,
 * and the ONNX twin against ExecuTorch's runtime).
 */
import type { ZooInput } from './generate.js';
import type { ZooGraph } from './graph.js';
import { LLAMA, llama } from './models/llama.js';
import { ZooRng } from './rng.js';
import { dsCnn } from './models/ds-cnn.js';
import { dsCnnInt8 } from './models/ds-cnn-int8.js';
import { lstm } from './models/lstm.js';
import { mlp } from './models/mlp.js';
import { mobilenetV2 } from './models/mobilenet-v2.js';
import { mobilenetV3Small } from './models/mobilenet-v3-small.js';
import { resnet18 } from './models/resnet18.js';
import { transformerEncoder } from './models/transformer.js';

/**
 * Bumped whenever a model, its weights, its lowering or the ONNX twin changes:
 * it is part of the cache key, so old files are never reused.
 */
export const ZOO_GENERATOR_VERSION = 1;

/** The default seed of `ensureZoo` and `npm run zoo`. */
export const ZOO_DEFAULT_SEED = 20260;

export interface ZooModelSpec {
  name: string;
  build: (seed: number) => ZooGraph;
  /** Published figures (null where none is published for this exact configuration). */
  published: { params: number | null; macs: number | null };
  tolerance: { rtol: number; atol: number };
  description: string;
  /** The test inputs, when not uniform float32 in [-1, 1) at the declared shapes. */
  inputs?: (seed: number) => ZooInput[];
}

/** Prefill of the decoder: a seeded prompt of 8 tokens at positions 0..7. */
const PROMPT = 8;
function llamaPrompt(seed: number): ZooInput[] {
  const rng = new ZooRng(seed, 'llama/prompt');
  return [
    { dtype: 'int64', shape: [1, PROMPT], data: BigInt64Array.from({ length: PROMPT }, () => BigInt(Math.floor(rng.uniform() * LLAMA.vocab))) },
    { dtype: 'int64', shape: [PROMPT], data: BigInt64Array.from({ length: PROMPT }, (_, i) => BigInt(i)) },
  ];
}

export const ZOO_MODELS: readonly ZooModelSpec[] = [
  {
    name: 'mlp', build: mlp, published: { params: 1_863_690, macs: null },
    tolerance: { rtol: 1e-4, atol: 1e-5 }, description: 'MLP 784-1024-1024-10, ReLU',
  },
  {
    name: 'mobilenet_v2', build: mobilenetV2, published: { params: 3_504_872, macs: 300_000_000 },
    tolerance: { rtol: 1e-4, atol: 1e-5 }, description: 'MobileNetV2 1.0, 224x224, 1000 classes',
  },
  {
    name: 'resnet18', build: resnet18, published: { params: 11_689_512, macs: 1_820_000_000 },
    tolerance: { rtol: 1e-4, atol: 1e-5 }, description: 'ResNet-18, 224x224, 1000 classes',
  },
  {
    name: 'mobilenet_v3_small', build: mobilenetV3Small, published: { params: 2_542_856, macs: 56_000_000 },
    tolerance: { rtol: 1e-4, atol: 1e-5 }, description: 'MobileNetV3-small 1.0, 224x224, 1000 classes',
  },
  {
    name: 'ds_cnn', build: dsCnn, published: { params: null, macs: null },
    tolerance: { rtol: 1e-4, atol: 1e-5 }, description: 'DS-CNN keyword spotter (small), input 1x1x49x10, 12 classes, float32',
  },
  {
    name: 'transformer_encoder', build: transformerEncoder, published: { params: null, macs: null },
    tolerance: { rtol: 1e-4, atol: 1e-4 }, description: 'Transformer encoder, d_model 256, 4 heads, 4 layers, FF 1024, sequence 128',
  },
  {
    name: 'lstm', build: lstm, published: { params: null, macs: null },
    tolerance: { rtol: 1e-4, atol: 1e-5 }, description: 'Two-layer LSTM, input 256, hidden 256, sequence 50, unrolled',
  },
  {
    // The output is int8 dequantized: a rounding flip moves it by one step of the output scale.
    name: 'ds_cnn_int8', build: dsCnnInt8, published: { params: null, macs: null },
    tolerance: { rtol: 0, atol: 2e-3 }, description: 'DS-CNN keyword spotter, int8 (PT2E-style quantize/dequantize, batch norm folded)',
  },
  {
    name: 'llama', build: llama, published: { params: null, macs: null }, inputs: llamaPrompt,
    tolerance: { rtol: 1e-4, atol: 1e-4 },
    description: 'Llama-style decoder: vocab 4096, dim 384, 6 layers, 6 heads / 2 kv heads, SwiGLU 1408, KV cache 128; forward(tokens, input_pos)',
  },
];

export function zooModel(name: string): ZooModelSpec {
  const spec = ZOO_MODELS.find((m) => m.name === name);
  if (spec === undefined) throw new Error(`no zoo model named '${name}' (known: ${ZOO_MODELS.map((m) => m.name).join(', ')})`);
  return spec;
}
