// MLP 784-1024-1024-10 with ReLU: 1,863,690 parameters.
import { ZooGraph } from '../graph.js';

export function mlp(seed: number): ZooGraph {
  const g = new ZooGraph('mlp', seed);
  let x = g.input('x', [1, 784]);
  x = g.unary('relu', g.linear(x, 1024, 'fc1', { gain: 1 }), 'relu1');
  x = g.unary('relu', g.linear(x, 1024, 'fc2', { gain: 1 }), 'relu2');
  g.output(g.linear(x, 10, 'fc3'));
  return g;
}
