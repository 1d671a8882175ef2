// ResNet-18 (He et al. 2016; the torchvision layout), 224x224, 1000 classes:
// 11,689,512 parameters, 1.82G multiply-adds.
import { ZooGraph } from '../graph.js';

function convBn(g: ZooGraph, x: number, conv: string, bn: string, out: number, kernel: number, stride: number, gamma?: [number, number]): number {
  const y = g.conv2d(x, { name: conv, out, kernel: [kernel, kernel], stride });
  return g.batchNorm(y, bn, gamma);
}

function basicBlock(g: ZooGraph, x: number, name: string, out: number, stride: number): number {
  const cin = g.shape(x)[1]!;
  let y = g.unary('relu', convBn(g, x, `${name}.conv1`, `${name}.bn1`, out, 3, stride), `${name}.relu1`);
  // The residual branch starts small so the sum stays bounded through eight blocks.
  y = convBn(g, y, `${name}.conv2`, `${name}.bn2`, out, 3, 1, [0.2, 0.4]);
  const skip = stride !== 1 || cin !== out
    ? convBn(g, x, `${name}.downsample.0`, `${name}.downsample.1`, out, 1, stride, [0.5, 0.8])
    : x;
  return g.unary('relu', g.add2(y, skip, `${name}.add`), `${name}.relu2`);
}

export function resnet18(seed: number): ZooGraph {
  const g = new ZooGraph('resnet18', seed);
  let x = g.unary('relu', convBn(g, g.input('x', [1, 3, 224, 224]), 'conv1', 'bn1', 64, 7, 2), 'relu');
  x = g.maxPool(x, 3, 2, 1);
  [64, 128, 256, 512].forEach((c, i) => {
    x = basicBlock(g, x, `layer${i + 1}.0`, c, i === 0 ? 1 : 2);
    x = basicBlock(g, x, `layer${i + 1}.1`, c, 1);
  });
  x = g.reshape(g.meanHW(x, 'avgpool'), [1, 512], 'flatten');
  g.output(g.linear(x, 1000, 'fc'));
  return g;
}
