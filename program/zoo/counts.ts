/**
 * Parameter and multiply-add counts of a zoo graph, counted the way the
 * published figures are: parameters are trained tensors (batch-norm running
 * statistics excluded, as in `sum(p.numel() for p in model.parameters())`);
 * multiply-adds are those of convolutions, linear layers and matrix products.
 */
import type { ZooGraph } from './graph.js';

export interface ZooCounts {
  params: number;
  macs: number;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function countGraph(g: ZooGraph): ZooCounts {
  const shape = (v: number): number[] => g.values[v]!.shape;
  let params = 0;
  const seen = new Set<number>();
  let macs = 0;
  for (const node of g.nodes) {
    for (const v of node.inputs) {
      if (g.values[v]!.role === 'param' && !seen.has(v)) {
        seen.add(v);
        params += numel(shape(v));
      }
    }
    switch (node.op.op) {
      case 'conv2d': {
        const [, cin, kh, kw] = shape(node.inputs[1]!) as [number, number, number, number];
        macs += numel(shape(node.output)) * cin * kh * kw;
        break;
      }
      case 'linear': {
        const [m, k] = shape(node.inputs[0]!) as [number, number];
        macs += m * k * shape(node.inputs[1]!)[0]!;
        break;
      }
      case 'bmm': {
        const [b, m, k] = shape(node.inputs[0]!) as [number, number, number];
        macs += b * m * k * shape(node.inputs[1]!)[2]!;
        break;
      }
      default:
        break;
    }
  }
  return { params, macs };
}
