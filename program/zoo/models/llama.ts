// A Llama-style decoder (Touvron et al. 2023) in ExecuTorch's export convention
// (examples/models/llama: llama_transformer.py, attention.py, rope.py): one
// forward(tokens int64[1, T], input_pos int64[T]) with T a dynamic-bound dimension (up to the
// cache length), so prefill is a call with T = prompt length and decode a call with T = 1.
// Token embedding, RMSNorm, rotary embeddings (interleaved pairs, tables indexed by position),
// grouped-query attention over a static KV cache held in mutable buffers and written in place
// at input_pos (aten::index_put), SwiGLU feed-forward (SiLU decomposed into sigmoid and mul),
// logits of the last token. 15,242,112 parameters.
import { ZooGraph } from '../graph.js';

export const LLAMA = { vocab: 4096, dim: 384, layers: 6, heads: 6, kvHeads: 2, hidden: 1408, maxSeq: 128, eps: 1e-5 } as const;
const HD = LLAMA.dim / LLAMA.heads;

function rmsNorm(g: ZooGraph, x: number, name: string): number {
  const w = g.tensor(`${name}.weight`, 'param', [g.shape(x).at(-1)!], (r) => r.range(0.8, 1.2));
  const inv = g.rsqrt(g.addScalar(g.meanLast(g.mul(x, x, `${name}.square`), `${name}.mean`), LLAMA.eps, `${name}.eps`), `${name}.rsqrt`);
  return g.mul(g.mul(x, inv, `${name}.normalize`), w, `${name}.scale`);
}

/** x [T, heads * HD] rotated pairwise by the position tables cos, sin [T, 1, HD / 2]; returns [T, heads, HD]. */
function rope(g: ZooGraph, x: number, heads: number, cos: number, sin: number, name: string): number {
  const pairs = g.reshape(x, ['T', heads, HD / 2, 2], `${name}.pairs`);
  const re = g.select(pairs, 3, 0, `${name}.re`);
  const im = g.select(pairs, 3, 1, `${name}.im`);
  const a = g.sub(g.mul(re, cos, `${name}.re_cos`), g.mul(im, sin, `${name}.im_sin`), `${name}.rot_re`);
  const b = g.add2(g.mul(re, sin, `${name}.re_sin`), g.mul(im, cos, `${name}.im_cos`), `${name}.rot_im`);
  const stacked = g.cat([g.unsqueeze(a, 3, `${name}.stack0`), g.unsqueeze(b, 3, `${name}.stack1`)], 3, `${name}.stack`);
  return g.reshape(stacked, ['T', heads, HD], `${name}.flatten`);
}

function attention(g: ZooGraph, x: number, pos: number, cos: number, sin: number, mask: number, l: number): number {
  const n = `layers.${l}.attention`;
  const { heads, kvHeads, maxSeq } = LLAMA;
  const q = rope(g, g.linear(x, heads * HD, `${n}.wq`, { bias: false }), heads, cos, sin, `${n}.q_rope`);
  const k = rope(g, g.linear(x, kvHeads * HD, `${n}.wk`, { bias: false }), kvHeads, cos, sin, `${n}.k_rope`);
  const v = g.reshape(g.linear(x, kvHeads * HD, `${n}.wv`, { bias: false }), ['T', kvHeads, HD], `${n}.v_heads`);
  const toCache = (t: number, what: string): number => g.reshape(g.permute(t, [1, 0, 2], `${what}.transpose`), [1, kvHeads, 'T', HD], `${what}.view`);
  const kCache = g.indexPut2(g.state(`${n}.kv_cache.k_cache`, [1, kvHeads, maxSeq, HD]), pos, toCache(k, `${n}.k`), `${n}.k_update`);
  const vCache = g.indexPut2(g.state(`${n}.kv_cache.v_cache`, [1, kvHeads, maxSeq, HD]), pos, toCache(v, `${n}.v`), `${n}.v_update`);
  // Grouped-query attention: repeat_interleave of the kv heads, as unsqueeze + expand + view.
  const rep = heads / kvHeads;
  const repeat = (c: number, what: string): number =>
    g.reshape(g.expand(g.unsqueeze(c, 2, `${what}.unsqueeze`), [1, kvHeads, rep, maxSeq, HD], `${what}.expand`), [heads, maxSeq, HD], `${what}.repeat`);
  const keys = repeat(kCache, `${n}.k`);
  const values = repeat(vCache, `${n}.v`);
  const scores = g.mulScalar(g.bmm(g.permute(q, [1, 0, 2], `${n}.q_heads`), g.permute(keys, [0, 2, 1], `${n}.k_t`), `${n}.qk`), 1 / Math.sqrt(HD), `${n}.scale`);
  const probs = g.softmax(g.add2(scores, mask, `${n}.mask`), -1, `${n}.softmax`);
  const ctx = g.permute(g.bmm(probs, values, `${n}.av`), [1, 0, 2], `${n}.merge`);
  return g.linear(g.reshape(ctx, ['T', heads * HD], `${n}.merge_view`), LLAMA.dim, `${n}.wo`, { bias: false, gain: 0.5 });
}

function ropeTables(g: ZooGraph): { cos: number; sin: number } {
  const half = HD / 2;
  const cos = new Float32Array(LLAMA.maxSeq * half);
  const sin = new Float32Array(LLAMA.maxSeq * half);
  for (let p = 0; p < LLAMA.maxSeq; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * Math.fround(1 / 10000 ** ((2 * i) / HD)));
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos: g.constant('freqs_cos', 'buffer', [LLAMA.maxSeq, half], cos), sin: g.constant('freqs_sin', 'buffer', [LLAMA.maxSeq, half], sin) };
}

export function llama(seed: number): ZooGraph {
  const g = new ZooGraph('llama', seed);
  const { vocab, dim, maxSeq } = LLAMA;
  g.dynamicDim(maxSeq);
  const tokens = g.input('tokens', [1, 'T'], 'int64');
  const pos = g.input('input_pos', ['T'], 'int64');
  const tables = ropeTables(g);
  const cos = g.reshape(g.index0(tables.cos, pos, 'freqs_cos.index'), ['T', 1, HD / 2], 'freqs_cos.view');
  const sin = g.reshape(g.index0(tables.sin, pos, 'freqs_sin.index'), ['T', 1, HD / 2], 'freqs_sin.view');
  const causal = new Float32Array(maxSeq * maxSeq).map((_, i) => (i % maxSeq > Math.floor(i / maxSeq) ? -Infinity : 0));
  const mask = g.index0(g.constant('mask', 'buffer', [maxSeq, maxSeq], causal), pos, 'mask.index');
  const embedding = g.tensor('tok_embeddings.weight', 'param', [vocab, dim], (r) => r.normal());
  let h = g.reshape(g.embedding(embedding, tokens, 'tok_embeddings'), ['T', dim], 'tok_embeddings.view');
  for (let l = 0; l < LLAMA.layers; l++) {
    h = g.add2(h, attention(g, rmsNorm(g, h, `layers.${l}.attention_norm`), pos, cos, sin, mask, l), `layers.${l}.attention_residual`);
    const f = rmsNorm(g, h, `layers.${l}.ffn_norm`);
    const gate = g.linear(f, LLAMA.hidden, `layers.${l}.w1`, { bias: false });
    const silu = g.mul(gate, g.unary('sigmoid', gate, `layers.${l}.silu.sigmoid`), `layers.${l}.silu`);
    const up = g.mul(silu, g.linear(f, LLAMA.hidden, `layers.${l}.w3`, { bias: false }), `layers.${l}.swiglu`);
    h = g.add2(h, g.linear(up, dim, `layers.${l}.w2`, { bias: false, gain: 0.5 }), `layers.${l}.ffn_residual`);
  }
  const last = g.reshape(g.select(h, 0, -1, 'last_token'), [1, dim], 'last_token.view');
  g.output(g.linear(rmsNorm(g, last, 'norm'), vocab, 'output', { bias: false }));
  return g;
}
