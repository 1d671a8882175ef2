/**
 * Post-training calibration for the zoo's int8 models: a plain float64
 * forward pass over the layers those models use (conv2d, batch norm, ReLU,
 * average pool, reshape, linear) that records each value's range, as PT2E's
 * observers do during `prepare_pt2e` calibration. Not a reference: only the
 * quantization parameters depend on it.
 */
import { ZooError } from './errors.js';
import type { ZooGraph } from './graph.js';

export interface Range {
  min: number;
  max: number;
}

function conv(x: Float64Array, xs: number[], w: ArrayLike<number>, ws: number[], b: ArrayLike<number> | null, os: number[], stride: number[], pad: number[], groups: number): Float64Array {
  const [, c, h, wd] = xs as [number, number, number, number];
  const [oc, icg, kh, kw] = ws as [number, number, number, number];
  const [, , oh, ow] = os as [number, number, number, number];
  const out = new Float64Array(oc * oh * ow);
  const ocg = oc / groups;
  for (let o = 0; o < oc; o++) {
    const g = Math.floor(o / ocg);
    for (let y = 0; y < oh; y++) {
      for (let z = 0; z < ow; z++) {
        let s = b === null ? 0 : b[o]!;
        for (let i = 0; i < icg; i++) {
          const ci = g * icg + i;
          for (let p = 0; p < kh; p++) {
            const iy = y * stride[0]! - pad[0]! + p;
            if (iy < 0 || iy >= h) continue;
            for (let q = 0; q < kw; q++) {
              const ix = z * stride[1]! - pad[1]! + q;
              if (ix < 0 || ix >= wd) continue;
              s += x[(ci * h + iy) * wd + ix]! * w[((o * icg + i) * kh + p) * kw + q]!;
            }
          }
        }
        out[(o * oh + y) * ow + z] = s;
      }
    }
  }
  void c;
  return out;
}

/** The range of every activation of `g` over `inputs` (batch 1). */
export function calibrate(g: ZooGraph, inputs: readonly Float32Array[][]): Map<number, Range> {
  const ranges = new Map<number, Range>();
  for (const sample of inputs) {
    const vals = new Map<number, Float64Array>();
    const get = (v: number): Float64Array => {
      const value = g.values[v]!;
      if (value.data !== null) return Float64Array.from(value.data);
      const x = vals.get(v);
      if (x === undefined) throw new ZooError('used before it was computed', `calibration of '${g.name}', value ${value.name}`);
      return x;
    };
    g.inputs.forEach((v, i) => vals.set(v, Float64Array.from(sample[i]!)));
    for (const node of g.nodes) {
      const op = node.op;
      const x = get(node.inputs[0]!);
      const xs = g.shape(node.inputs[0]!);
      const os = g.shape(node.output);
      let y: Float64Array;
      switch (op.op) {
        case 'conv2d':
          y = conv(x, xs, get(node.inputs[1]!), g.shape(node.inputs[1]!), node.inputs[2] === undefined ? null : get(node.inputs[2]), os, op.stride, op.padding, op.groups);
          break;
        case 'batchnorm': {
          const [gamma, beta, mean, variance] = node.inputs.slice(1).map(get) as [Float64Array, Float64Array, Float64Array, Float64Array];
          const hw = xs[2]! * xs[3]!;
          y = x.map((v, i) => {
            const c = Math.floor(i / hw);
            return ((v - mean[c]!) / Math.sqrt(variance[c]! + op.eps)) * gamma[c]! + beta[c]!;
          });
          break;
        }
        case 'relu':
          y = x.map((v) => Math.max(0, v));
          break;
        case 'meanHW': {
          const hw = xs[2]! * xs[3]!;
          y = new Float64Array(xs[1]!);
          x.forEach((v, i) => (y[Math.floor(i / hw)]! += v / hw));
          break;
        }
        case 'reshape':
          y = x;
          break;
        case 'linear': {
          const w = get(node.inputs[1]!);
          const [o, k] = g.shape(node.inputs[1]!) as [number, number];
          const b = node.inputs[2] === undefined ? null : get(node.inputs[2]);
          y = new Float64Array(o);
          for (let j = 0; j < o; j++) {
            let s = b === null ? 0 : b[j]!;
            for (let p = 0; p < k; p++) s += x[p]! * w[j * k + p]!;
            y[j] = s;
          }
          break;
        }
        default:
          throw new ZooError(`calibration does not support ${op.op}`, `model '${g.name}'`);
      }
      vals.set(node.output, y);
      const r = ranges.get(node.output) ?? { min: Infinity, max: -Infinity };
      for (const v of y) {
        r.min = Math.min(r.min, v);
        r.max = Math.max(r.max, v);
      }
      ranges.set(node.output, r);
    }
  }
  return ranges;
}

/** Asymmetric int8 parameters covering `r` (and 0), as PT2E's MinMax observer picks them. */
export function affineInt8(r: Range): { scale: number; zeroPoint: number } {
  const min = Math.min(r.min, 0);
  const max = Math.max(r.max, 0);
  const scale = Math.fround(Math.max((max - min) / 255, 1e-8));
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale, zeroPoint };
}

/** Symmetric per-tensor int8 weights: scale max|w| / 127, zero point 0. */
export function symmetricInt8(w: ArrayLike<number>): { scale: number; data: Int8Array } {
  let m = 0;
  for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(w[i]!));
  const scale = Math.fround(Math.max(m / 127, 1e-8));
  return { scale, data: Int8Array.from({ length: w.length }, (_, i) => Math.max(-127, Math.min(127, Math.round(w[i]! / scale)))) };
}
