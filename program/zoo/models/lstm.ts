// Two-layer LSTM (as torch.nn.LSTM, sequence-first): input 256, hidden 256, sequence 50,
// batch 1, zero initial state. Unrolled the way torch.export decomposes aten.lstm: the
// input projection of all steps in one addmm, then per step an addmm of the hidden state,
// the four gates sliced out, sigmoid/tanh, and the new states from mul and add; the
// layer's output is the concatenation of its hidden states.
import { ZooGraph } from '../graph.js';

const INPUT = 256;
const HIDDEN = 256;
const SEQ = 50;
const LAYERS = 2;

function layer(g: ZooGraph, x: number, l: number): number {
  const k = 1 / Math.sqrt(HIDDEN);
  const init = (r: { range(a: number, b: number): number }): number => r.range(-k, k);
  const fanIn = g.shape(x)[1]!;
  const wIh = g.tensor(`weight_ih_l${l}`, 'param', [4 * HIDDEN, fanIn], init);
  const wHh = g.tensor(`weight_hh_l${l}`, 'param', [4 * HIDDEN, HIDDEN], init);
  const bIh = g.tensor(`bias_ih_l${l}`, 'param', [4 * HIDDEN], init);
  const bHh = g.tensor(`bias_hh_l${l}`, 'param', [4 * HIDDEN], init);
  const projected = g.linearWith(x, wIh, bIh, `l${l}.input_proj`);
  let h = g.tensor(`l${l}.h0`, 'const', [1, HIDDEN], () => 0);
  let c = g.tensor(`l${l}.c0`, 'const', [1, HIDDEN], () => 0);
  const hs: number[] = [];
  for (let t = 0; t < SEQ; t++) {
    const n = `l${l}.t${t}`;
    const gates = g.add2(g.linearWith(h, wHh, bHh, `${n}.hidden_proj`), g.select(projected, 0, t, `${n}.select`), `${n}.gates`);
    const gate = (i: number, act: 'sigmoid' | 'tanh', what: string): number =>
      g.unary(act, g.slice(gates, 1, i * HIDDEN, (i + 1) * HIDDEN, `${n}.${what}.slice`), `${n}.${what}`);
    const ig = gate(0, 'sigmoid', 'input_gate');
    const fg = gate(1, 'sigmoid', 'forget_gate');
    const cg = gate(2, 'tanh', 'cell_gate');
    const og = gate(3, 'sigmoid', 'output_gate');
    c = g.add2(g.mul(fg, c, `${n}.fc`), g.mul(ig, cg, `${n}.ic`), `${n}.c`);
    h = g.mul(og, g.unary('tanh', c, `${n}.tanh_c`), `${n}.h`);
    hs.push(h);
  }
  return g.cat(hs, 0, `l${l}.stack`);
}

export function lstm(seed: number): ZooGraph {
  const g = new ZooGraph('lstm', seed);
  let x = g.reshape(g.input('x', [SEQ, 1, INPUT]), [SEQ, INPUT], 'squeeze');
  for (let l = 0; l < LAYERS; l++) x = layer(g, x, l);
  g.output(g.reshape(x, [SEQ, 1, HIDDEN], 'unsqueeze'));
  return g;
}
