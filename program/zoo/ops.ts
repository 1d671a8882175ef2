/**
 * The vocabulary of the zoo's model descriptions (graph.ts): value roles and
 * dtypes, and the node kinds every consumer (counts, lower-pte, to-onnx,
 * calibrate) switches over.
 */
export type ZooDType = 'float32' | 'int8' | 'int64';

/** A dimension in an op attribute: a size, or `T`, the graph's one dynamic dimension (at its bound). */
export type Dim = number | 'T';

/**
 * `param`: a trained parameter (counted); `buffer`: a batch-norm statistic or table;
 * `const`: a literal of the model; `state`: mutable state kept between calls (a KV cache).
 */
export type ValueRole = 'input' | 'param' | 'buffer' | 'const' | 'act' | 'state';

export interface ZooValue {
  id: number;
  name: string;
  role: ValueRole;
  dtype: ZooDType;
  /** Sizes; a dynamic dimension is at its bound. */
  shape: number[];
  /** The axis that is the dynamic dimension T (dynamic_bound in the program), or -1. */
  dyn: number;
  /** Set for param, buffer, const and state values (Int8Array for int8). */
  data: Float32Array | Int8Array | null;
}

export type ZooOp =
  | { op: 'conv2d'; stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number }
  | { op: 'batchnorm'; eps: number }
  | { op: 'relu' | 'relu6' | 'hardswish' | 'hardsigmoid' | 'sigmoid' | 'tanh' }
  | { op: 'add' | 'mul' | 'bmm' }
  | { op: 'mulScalar'; value: number }
  /** inputs [x (2-D), weight [out, in], bias?]: x @ weight^T + bias. */
  | { op: 'linear' }
  | { op: 'meanHW' }
  | { op: 'maxpool'; kernel: [number, number]; stride: [number, number]; padding: [number, number] }
  | { op: 'reshape'; shape: Dim[] }
  | { op: 'expand'; shape: number[] }
  | { op: 'rsqrt' | 'sub' }
  | { op: 'addScalar'; value: number }
  /** Mean over the last dimension, kept as size 1. */
  | { op: 'meanLast' }
  /** inputs [weight, indices]: rows of weight. */
  | { op: 'embedding' }
  /** inputs [table, index]: table[index] along dim 0 (aten::index.Tensor with one index). */
  | { op: 'index0' }
  /** inputs [state, positions, values]: state[:, :, positions] = values, in place (aten::index_put). */
  | { op: 'indexPut2' }
  | { op: 'permute'; dims: number[] }
  | { op: 'softmax'; dim: number }
  | { op: 'layernorm'; eps: number }
  | { op: 'select'; dim: number; index: number }
  | { op: 'cat'; dim: number }
  | { op: 'unsqueeze'; dim: number }
  | { op: 'slice'; dim: number; start: number; end: number }
  /** float32 -> int8 and back, per tensor, range [-128, 127] (quantized_decomposed semantics). */
  | { op: 'quantize' | 'dequantize'; scale: number; zeroPoint: number };

export interface ZooNode {
  op: ZooOp;
  inputs: number[];
  output: number;
}
