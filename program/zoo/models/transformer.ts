// Transformer encoder (Vaswani et al. 2017, as torch.nn.TransformerEncoderLayer: post-norm,
// ReLU feed-forward): d_model 256, 4 heads, 4 layers, feed-forward 1024, sequence 128, batch 1.
// Attention is lowered as the exporter decomposes scaled_dot_product_attention: bmm, scale,
// _softmax, bmm.
import { ZooGraph } from '../graph.js';

const D = 256;
const HEADS = 4;
const LAYERS = 4;
const FF = 1024;
const SEQ = 128;

function attention(g: ZooGraph, x: number, name: string): number {
  const hd = D / HEADS;
  const qkv = g.linear(x, 3 * D, `${name}.in_proj`);
  const heads = (i: number, dims: number[], what: string): number =>
    g.permute(g.reshape(g.slice(qkv, 1, i * D, (i + 1) * D, `${name}.${what}`), [SEQ, HEADS, hd], `${name}.${what}.view`), dims, `${name}.${what}.permute`);
  const q = heads(0, [1, 0, 2], 'q');
  const kT = heads(1, [1, 2, 0], 'k');
  const v = heads(2, [1, 0, 2], 'v');
  const scores = g.mulScalar(g.bmm(q, kT, `${name}.qk`), 1 / Math.sqrt(hd), `${name}.scale`);
  const ctx = g.bmm(g.softmax(scores, -1, `${name}.softmax`), v, `${name}.av`);
  const merged = g.reshape(g.permute(ctx, [1, 0, 2], `${name}.merge`), [SEQ, D], `${name}.merge.view`);
  return g.linear(merged, D, `${name}.out_proj`);
}

export function transformerEncoder(seed: number): ZooGraph {
  const g = new ZooGraph('transformer_encoder', seed);
  let x = g.reshape(g.input('x', [1, SEQ, D]), [SEQ, D], 'squeeze');
  for (let i = 0; i < LAYERS; i++) {
    const name = `layers.${i}`;
    x = g.layerNorm(g.add2(x, attention(g, x, `${name}.self_attn`), `${name}.add1`), `${name}.norm1`);
    const ff = g.linear(g.unary('relu', g.linear(x, FF, `${name}.linear1`, { gain: 1 }), `${name}.relu`), D, `${name}.linear2`);
    x = g.layerNorm(g.add2(x, ff, `${name}.add2`), `${name}.norm2`);
  }
  g.output(g.reshape(x, [1, SEQ, D], 'unsqueeze'));
  return g;
}
