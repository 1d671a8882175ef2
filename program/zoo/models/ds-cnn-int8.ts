// The int8 DS-CNN: the float DS-CNN (ds-cnn.ts) quantized as PT2E does it without a delegate:
// batch norms folded into the convolutions, weights symmetric int8 per tensor behind
// dequantize_per_tensor, activations calibrated (min/max over seeded inputs) and passed through
// quantize_per_tensor / dequantize_per_tensor after each fused conv+ReLU, the pool and the
// classifier. Convolutions and the linear layer compute in float on dequantized values, exactly
// the graph the exporter leaves for the portable and quantized kernel libraries.
import { numel } from '../../dtype.js';
import { affineInt8, calibrate, symmetricInt8 } from '../calibrate.js';
import { ZooGraph } from '../graph.js';
import { ZooRng, fill } from '../rng.js';
import { dsCnn } from './ds-cnn.js';

const CALIBRATION_SAMPLES = 8;

export function dsCnnInt8(seed: number): ZooGraph {
  const f = dsCnn(seed);
  const samples = Array.from({ length: CALIBRATION_SAMPLES }, (_, s) => {
    const rng = new ZooRng(seed, `ds_cnn_int8/calibration${s}`);
    return f.inputs.map((v) => fill(numel(f.shape(v)), () => rng.range(-1, 1)));
  });
  const ranges = calibrate(f, samples);
  const inputRange = { min: -1, max: 1 };
  const q = new ZooGraph('ds_cnn_int8', seed);
  const map = new Map<number, number>();
  const qdq = (v: number, r: { min: number; max: number }, name: string): number => {
    const { scale, zeroPoint } = affineInt8(r);
    return q.dequantize(q.quantize(v, scale, zeroPoint, `${name}.quantize`), scale, zeroPoint, `${name}.dequantize`);
  };
  const int8Weight = (name: string, shape: number[], w: ArrayLike<number>): number => {
    const { scale, data } = symmetricInt8(w);
    return q.dequantize(q.constant(name, 'param', shape, data), scale, 0, `${name}.dequantize`);
  };
  map.set(f.inputs[0]!, qdq(q.input('x', f.shape(f.inputs[0]!)), inputRange, 'x'));
  f.nodes.forEach((node, i) => {
    const name = f.values[node.output]!.name;
    const x = map.get(node.inputs[0]!)!;
    const op = node.op;
    if (op.op === 'conv2d') {
      const bn = f.nodes[i + 1]!;
      if (bn.op.op !== 'batchnorm' || bn.inputs[0] !== node.output) throw new Error(`${name}: a conv must be followed by its batch norm`);
      const eps = bn.op.eps;
      const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((v) => f.values[v]!.data!);
      const w = f.values[node.inputs[1]!]!;
      const bias = node.inputs[2] === undefined ? null : f.values[node.inputs[2]]!.data!;
      const perOut = numel(w.shape) / w.shape[0]!;
      const k = Array.from({ length: w.shape[0]! }, (_, o) => gamma![o]! / Math.sqrt(variance![o]! + eps));
      const folded = Float64Array.from(w.data!, (v, j) => v * k[Math.floor(j / perOut)]!);
      const foldedBias = Float32Array.from(k, (s, o) => ((bias?.[o] ?? 0) - mean![o]!) * s + beta![o]!);
      const inputs = [x, int8Weight(`${name}.weight`, w.shape, folded), q.constant(`${name}.bias`, 'param', [w.shape[0]!], foldedBias)];
      map.set(bn.output, q.node(op, inputs, f.shape(node.output), name));
    } else if (op.op === 'batchnorm') {
      // folded into the convolution above
    } else if (op.op === 'relu' || op.op === 'meanHW' || op.op === 'linear') {
      let y: number;
      if (op.op === 'linear') {
        const w = f.values[node.inputs[1]!]!;
        const b = f.values[node.inputs[2]!]!;
        y = q.node(op, [x, int8Weight(`${name}.weight`, w.shape, w.data!), q.constant(`${name}.bias`, 'param', b.shape, b.data!)], f.shape(node.output), name);
      } else {
        y = q.node(op, [x], f.shape(node.output), name);
      }
      map.set(node.output, qdq(y, ranges.get(node.output)!, name));
    } else {
      map.set(node.output, q.node(op, [x], f.shape(node.output), name));
    }
  });
  q.output(map.get(f.outputs[0]!)!);
  return q;
}
