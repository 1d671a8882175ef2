// DS-CNN keyword spotter (Zhang et al. 2017, "Hello Edge", the small variant as in ARM's
// ML-KWS): input 1x1x49x10 MFCCs, a 10x4 stride-2 convolution then four depthwise-separable
// blocks of 64 channels, average pool, 12 classes.
import { ZooGraph } from '../graph.js';

export function dsCnn(seed: number): ZooGraph {
  const g = new ZooGraph('ds_cnn', seed);
  let x = g.input('x', [1, 1, 49, 10]);
  x = g.conv2d(x, { name: 'conv1', out: 64, kernel: [10, 4], stride: 2, padding: [5, 1], bias: true });
  x = g.unary('relu', g.batchNorm(x, 'bn1'), 'relu1');
  for (let i = 1; i <= 4; i++) {
    x = g.conv2d(x, { name: `dw${i}`, out: 64, kernel: [3, 3], groups: 64, bias: true });
    x = g.unary('relu', g.batchNorm(x, `dw${i}.bn`), `dw${i}.relu`);
    x = g.conv2d(x, { name: `pw${i}`, out: 64, kernel: [1, 1], bias: true });
    x = g.unary('relu', g.batchNorm(x, `pw${i}.bn`), `pw${i}.relu`);
  }
  x = g.reshape(g.meanHW(x, 'avgpool'), [1, 64], 'flatten');
  g.output(g.linear(x, 12, 'fc'));
  return g;
}
