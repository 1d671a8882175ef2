// MobileNetV2 (Sandler et al. 2018; the torchvision layout), 224x224, 1000 classes:
// 3,504,872 parameters, about 300M multiply-adds.
import { ZooGraph } from '../graph.js';

function convBn(g: ZooGraph, x: number, name: string, out: number, kernel: number, stride: number, groups: number, relu6: boolean): number {
  let y = g.conv2d(x, { name: `${name}.0`, out, kernel: [kernel, kernel], stride, groups });
  y = g.batchNorm(y, `${name}.1`, relu6 ? [0.5, 0.9] : [0.3, 0.6]);
  return relu6 ? g.unary('relu6', y, `${name}.2`) : y;
}

/** Expansion t, output channels c, repeats n, first stride s. */
const SETTINGS: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export function mobilenetV2(seed: number): ZooGraph {
  const g = new ZooGraph('mobilenet_v2', seed);
  let x = convBn(g, g.input('x', [1, 3, 224, 224]), 'features.0', 32, 3, 2, 1, true);
  let cin = 32;
  let index = 1;
  for (const [t, c, n, s] of SETTINGS) {
    for (let i = 0; i < n; i++) {
      const name = `features.${index++}.conv`;
      const stride = i === 0 ? s : 1;
      const hidden = cin * t;
      let y = x;
      let layer = 0;
      if (t !== 1) y = convBn(g, y, `${name}.${layer++}`, hidden, 1, 1, 1, true);
      y = convBn(g, y, `${name}.${layer++}`, hidden, 3, stride, hidden, true);
      y = convBn(g, y, `${name}.${layer}`, c, 1, 1, 1, false);
      x = stride === 1 && cin === c ? g.add2(x, y, `${name}.add`) : y;
      cin = c;
    }
  }
  x = convBn(g, x, `features.${index}`, 1280, 1, 1, 1, true);
  x = g.reshape(g.meanHW(x, 'pool'), [1, 1280], 'flatten');
  g.output(g.linear(x, 1000, 'classifier.1'));
  return g;
}
