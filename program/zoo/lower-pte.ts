/**
 * Lowers a zoo graph into one `forward` method of a ProgramBuilder with the
 * core ATen edge operators the real exporter emits for the same PyTorch code
 * (shared/docs/portable-op-coverage.md): convolution, batch norm without
 * training, linear as permute_copy + addmm (mm without bias), view/permute as
 * copies, hardswish and hardsigmoid decomposed into add/clamp/mul/div.
 */
import { ProgramBuilder } from '../builder/program-builder.js';
import type { MethodBuilder } from '../builder/method-builder.js';
import type { ValueRef } from '../builder/values.js';
import { ZooError } from './errors.js';
import type { Dim, ZooGraph, ZooNode } from './graph.js';
import { zooOperators } from './registry.js';

interface Lowering {
  m: MethodBuilder;
  g: ZooGraph;
  refs: ValueRef[];
  /** The run-time size of T (aten::sym_size.int of the input that has it), made on first use. */
  seq: ValueRef | null;
}

/** An IntList argument: sizes, with T as the symbolic Int read at run time. */
function sizes(l: Lowering, dims: readonly Dim[]): ValueRef {
  if (!dims.includes('T')) return l.m.intList(dims as number[]);
  if (l.seq === null) {
    const s = l.g.seq!;
    l.seq = l.m.call('aten::sym_size.int', { self: l.refs[s.input]!, dim: s.axis });
  }
  return l.m.intList(dims.map((d) => (d === 'T' ? l.seq! : d)));
}

function lowerNode(l: Lowering, node: ZooNode): ValueRef {
  const { m, g, refs } = l;
  const [x, a, b] = node.inputs.map((v) => refs[v]!);
  const shape = g.shape(node.output);
  const dynamic = g.dyn(node.output) >= 0;
  const out = (s: number[] = shape, dtype: 'float32' | 'int64' = 'float32'): ValueRef =>
    m.tensor({ dtype, shape: s, dynamism: dynamic && s === shape ? 'dynamic_bound' : 'static' });
  const op = node.op;
  switch (op.op) {
    case 'conv2d':
      return m.call('aten::convolution.out', {
        input: x!, weight: a!, bias: b ?? null, stride: op.stride, padding: op.padding, dilation: op.dilation,
        transposed: false, output_padding: [0, 0], groups: op.groups, out: out(),
      });
    case 'batchnorm': {
      const [, w, bias, mean, variance] = node.inputs.map((v) => refs[v]!);
      const outs = { out0: out(), out1: out([0]), out2: out([0]) };
      m.call('aten::_native_batch_norm_legit_no_training.out', {
        input: x!, weight: w!, bias: bias!, running_mean: mean!, running_var: variance!, momentum: 0.1, eps: op.eps, ...outs,
      });
      return outs.out0;
    }
    case 'layernorm': {
      const stats = [...shape.slice(0, -1), 1];
      const outs = { out0: out(), out1: out(stats), out2: out(stats) };
      m.call('aten::native_layer_norm.out', { input: x!, normalized_shape: [shape.at(-1)!], weight: a!, bias: b!, eps: op.eps, ...outs });
      return outs.out0;
    }
    case 'relu':
      return m.call('aten::relu.out', { self: x!, out: out() });
    case 'relu6':
      return m.call('aten::hardtanh.out', { self: x!, min_val: 0, max_val: 6, out: out() });
    case 'hardsigmoid':
    case 'hardswish': {
      // torch._decomp: hardsigmoid(x) = clamp(clamp(x + 3, min=0), max=6) / 6; hardswish(x) = x * (the same) / 6.
      let t = m.call('aten::add.Scalar_out', { self: x!, other: 3, out: out() });
      t = m.call('aten::clamp.out', { self: t, min: 0, max: null, out: out() });
      t = m.call('aten::clamp.out', { self: t, min: null, max: 6, out: out() });
      if (op.op === 'hardswish') t = m.call('aten::mul.out', { self: x!, other: t, out: out() });
      return m.call('aten::div.Scalar_out', { self: t, other: 6, out: out() });
    }
    case 'sigmoid':
      return m.call('aten::sigmoid.out', { self: x!, out: out() });
    case 'tanh':
      return m.call('aten::tanh.out', { self: x!, out: out() });
    case 'add':
      return m.call('aten::add.out', { self: x!, other: a!, out: out() });
    case 'mul':
      return m.call('aten::mul.out', { self: x!, other: a!, out: out() });
    case 'mulScalar':
      return m.call('aten::mul.Scalar_out', { self: x!, other: op.value, out: out() });
    case 'linear': {
      const [o, k] = g.shape(node.inputs[1]!) as [number, number];
      const wT = m.call('aten::permute_copy.out', { self: a!, dims: [1, 0], out: out([k, o]) });
      if (b === undefined) return m.call('aten::mm.out', { self: x!, mat2: wT, out: out() });
      return m.call('aten::addmm.out', { self: b, mat1: x!, mat2: wT, out: out() });
    }
    case 'bmm':
      return m.call('aten::bmm.out', { self: x!, mat2: a!, out: out() });
    case 'meanHW':
      // An IntList value: the schema's `int[1]` is PyTorch's shorthand, not a length limit.
      return m.call('aten::mean.out', { self: x!, dim: m.intList([-1, -2]), keepdim: true, dtype: null, out: out() });
    case 'maxpool': {
      const outs = { out: out(), indices: out(shape, 'int64') };
      m.call('aten::max_pool2d_with_indices.out', {
        self: x!, kernel_size: op.kernel, stride: op.stride, padding: op.padding, dilation: [1, 1], ceil_mode: false, ...outs,
      });
      return outs.out;
    }
    case 'reshape':
      return m.call('aten::view_copy.out', { self: x!, size: sizes(l, op.shape), out: out() });
    case 'expand':
      return m.call('aten::expand_copy.out', { self: x!, size: op.shape, implicit: false, out: out() });
    case 'sub':
      return m.call('aten::sub.out', { self: x!, other: a!, out: out() });
    case 'addScalar':
      return m.call('aten::add.Scalar_out', { self: x!, other: op.value, out: out() });
    case 'rsqrt':
      return m.call('aten::rsqrt.out', { self: x!, out: out() });
    case 'meanLast':
      return m.call('aten::mean.out', { self: x!, dim: m.intList([-1]), keepdim: true, dtype: null, out: out() });
    case 'embedding':
      return m.call('aten::embedding.out', { weight: x!, indices: a!, padding_idx: -1, scale_grad_by_freq: false, sparse: false, out: out() });
    case 'index0':
      return m.call('aten::index.Tensor_out', { self: x!, indices: [a!], out: out() });
    case 'indexPut2':
      // In place, as ExecuTorch's reinplacing leaves a KV-cache update: out is the state buffer itself.
      return m.call('aten::index_put.out', { self: x!, indices: [null, null, a!], values: b!, accumulate: false, out: x! });
    case 'permute':
      return m.call('aten::permute_copy.out', { self: x!, dims: op.dims, out: out() });
    case 'softmax':
      return m.call('aten::_softmax.out', { self: x!, dim: op.dim, half_to_float: false, out: out() });
    case 'select':
      return m.call('aten::select_copy.int_out', { self: x!, dim: op.dim, index: op.index, out: out() });
    case 'cat':
      return m.call('aten::cat.out', { tensors: node.inputs.map((v) => refs[v]!), dim: op.dim, out: out() });
    case 'unsqueeze':
      return m.call('aten::unsqueeze_copy.out', { self: x!, dim: op.dim, out: out() });
    case 'slice':
      return m.call('aten::slice_copy.Tensor_out', { self: x!, dim: op.dim, start: op.start, end: op.end, step: 1, out: out() });
    case 'quantize':
      return m.call('quantized_decomposed::quantize_per_tensor.out', {
        input: x!, scale: op.scale, zero_point: op.zeroPoint, quant_min: -128, quant_max: 127, dtype: 'int8', out: m.tensor({ dtype: 'int8', shape }),
      });
    case 'dequantize':
      return m.call('quantized_decomposed::dequantize_per_tensor.out', {
        input: x!, scale: op.scale, zero_point: op.zeroPoint, quant_min: -128, quant_max: 127, dtype: 'int8', out_dtype: null, out: out(),
      });
  }
}

/** A ProgramBuilder holding `g` as method `forward` (add test cases, then build()). */
export function lowerToProgram(g: ZooGraph): ProgramBuilder {
  const builder = new ProgramBuilder({ operators: zooOperators() });
  const m = builder.method('forward');
  const refs: ValueRef[] = [];
  for (const v of g.values) {
    const dynamism = v.dyn >= 0 ? 'dynamic_bound' : 'static';
    if (v.role === 'input') refs[v.id] = m.input({ dtype: v.dtype, shape: v.shape, dynamism });
    else if (v.role === 'state') refs[v.id] = m.mutable({ dtype: v.dtype, shape: v.shape, initial: v.data!, name: v.name });
    else if (v.data !== null) refs[v.id] = m.constant({ dtype: v.dtype, shape: v.shape, data: v.data });
  }
  const l: Lowering = { m, g, refs, seq: null };
  for (const node of g.nodes) {
    try {
      refs[node.output] = lowerNode(l, node);
    } catch (cause) {
      throw new ZooError((cause as Error).message, `model '${g.name}', node '${g.values[node.output]!.name}' (${node.op.op})`, { cause });
    }
  }
  m.output(...g.outputs.map((v) => refs[v]!));
  return builder;
}
