// MobileNetV3-small (Howard et al. 2019; the torchvision layout), 224x224, 1000 classes:
// 2,542,856 parameters, about 56M multiply-adds.
import { ZooGraph } from '../graph.js';

type Act = 'relu' | 'hardswish' | null;

/** The paper's rounding of channel counts to multiples of 8. */
function divisible8(v: number): number {
  const r = Math.max(8, Math.floor((v + 4) / 8) * 8);
  return r < 0.9 * v ? r + 8 : r;
}

function convBn(g: ZooGraph, x: number, name: string, out: number, kernel: number, stride: number, groups: number, act: Act): number {
  let y = g.conv2d(x, { name: `${name}.0`, out, kernel: [kernel, kernel], stride, groups });
  y = g.batchNorm(y, `${name}.1`, act === null ? [0.3, 0.6] : [0.5, 0.9]);
  return act === null ? y : g.unary(act, y, `${name}.2`);
}

function squeezeExcite(g: ZooGraph, x: number, name: string): number {
  const c = g.shape(x)[1]!;
  let s = g.meanHW(x, `${name}.avgpool`);
  s = g.unary('relu', g.conv2d(s, { name: `${name}.fc1`, out: divisible8(c / 4), kernel: [1, 1], bias: true }), `${name}.relu`);
  s = g.unary('hardsigmoid', g.conv2d(s, { name: `${name}.fc2`, out: c, kernel: [1, 1], bias: true }), `${name}.hardsigmoid`);
  return g.mul(s, x, `${name}.scale`);
}

/** input, kernel, expanded, output, squeeze-excite, activation, stride. */
const BLOCKS: [number, number, number, number, boolean, 'relu' | 'hardswish', number][] = [
  [16, 3, 16, 16, true, 'relu', 2],
  [16, 3, 72, 24, false, 'relu', 2],
  [24, 3, 88, 24, false, 'relu', 1],
  [24, 5, 96, 40, true, 'hardswish', 2],
  [40, 5, 240, 40, true, 'hardswish', 1],
  [40, 5, 240, 40, true, 'hardswish', 1],
  [40, 5, 120, 48, true, 'hardswish', 1],
  [48, 5, 144, 48, true, 'hardswish', 1],
  [48, 5, 288, 96, true, 'hardswish', 2],
  [96, 5, 576, 96, true, 'hardswish', 1],
  [96, 5, 576, 96, true, 'hardswish', 1],
];

export function mobilenetV3Small(seed: number): ZooGraph {
  const g = new ZooGraph('mobilenet_v3_small', seed);
  let x = convBn(g, g.input('x', [1, 3, 224, 224]), 'features.0', 16, 3, 2, 1, 'hardswish');
  BLOCKS.forEach(([cin, k, exp, out, se, act, stride], i) => {
    const name = `features.${i + 1}.block`;
    let y = x;
    let layer = 0;
    if (exp !== cin) y = convBn(g, y, `${name}.${layer++}`, exp, 1, 1, 1, act);
    y = convBn(g, y, `${name}.${layer++}`, exp, k, stride, exp, act);
    if (se) y = squeezeExcite(g, y, `${name}.${layer++}`);
    y = convBn(g, y, `${name}.${layer}`, out, 1, 1, 1, null);
    x = stride === 1 && cin === out ? g.add2(x, y, `features.${i + 1}.add`) : y;
  });
  x = convBn(g, x, `features.${BLOCKS.length + 1}`, 576, 1, 1, 1, 'hardswish');
  x = g.reshape(g.meanHW(x, 'avgpool'), [1, 576], 'flatten');
  x = g.unary('hardswish', g.linear(x, 1024, 'classifier.0', { gain: 1 }), 'classifier.1');
  g.output(g.linear(x, 1000, 'classifier.3'));
  return g;
}
