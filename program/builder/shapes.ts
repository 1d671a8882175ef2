/**
 * Shape rules for the operators whose output shape the builder can infer: it
 * checks a given out tensor against them, or creates the out tensor when the
 * caller leaves it out. Operators without a rule are not shape-checked.
 */
import { numel, type DType } from '../dtype.js';
import { ShapeMismatchError } from '../errors.js';
import type { Dynamism } from '../types.js';
import type { TensorFacts } from './values.js';

/** What a rule may know about one argument. */
export interface ArgFacts {
  tensor: TensorFacts | null;
  /** Literal items of an IntList argument (null when absent, None or symbolic). */
  ints: number[] | null;
}

export interface InferredOut {
  /** The argument (or `return`) the rule describes. */
  arg: string;
  shape: number[];
  /** null when the inputs' dtypes differ (type promotion): the caller must give the out tensor. */
  dtype: DType | null;
  dimOrder: number[];
  dynamism: Dynamism;
}

type Rule = (args: Record<string, ArgFacts | undefined>, where: string) => InferredOut;

const contiguous = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

function dynamismOf(...tensors: (TensorFacts | null | undefined)[]): Dynamism {
  return tensors.some((t) => t?.dynamism === 'dynamic_bound') ? 'dynamic_bound' : 'static';
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeMismatchError(`shapes [${a}] and [${b}] do not broadcast`, where, [...a], [...b]);
    }
    return x === 1 ? y : x;
  });
}

function tensorArg(args: Record<string, ArgFacts | undefined>, name: string): TensorFacts {
  const t = args[name]?.tensor;
  if (t === null || t === undefined) throw new Error(`rule needs tensor argument ${name}`);
  return t;
}

const binary: Rule = (args, where) => {
  const self = tensorArg(args, 'self');
  const other = tensorArg(args, 'other');
  const shape = broadcastShapes(self.shape, other.shape, where);
  return {
    arg: 'out',
    shape,
    dtype: self.dtype === other.dtype ? self.dtype : null,
    dimOrder: shape.length === self.shape.length ? [...self.dimOrder] : contiguous(shape.length),
    dynamism: dynamismOf(self, other),
  };
};

const sameAsSelf: Rule = (args) => {
  const self = tensorArg(args, 'self');
  return { arg: 'out', shape: [...self.shape], dtype: self.dtype, dimOrder: [...self.dimOrder], dynamism: self.dynamism };
};

const copyToDimOrder: Rule = (args, where) => {
  const self = tensorArg(args, 'self');
  const dimOrder = args['dim_order']?.ints ?? [...self.dimOrder];
  if (dimOrder.length !== self.shape.length) {
    throw new ShapeMismatchError(`dim_order [${dimOrder}] does not match rank ${self.shape.length}`, where, [...self.dimOrder], dimOrder);
  }
  return { arg: 'out', shape: [...self.shape], dtype: self.dtype, dimOrder, dynamism: self.dynamism };
};

const view: Rule = (args, where) => {
  const self = tensorArg(args, 'self');
  const size = args['size']?.ints;
  if (size === null || size === undefined) throw new Error('et_view needs literal sizes');
  if (numel(size) !== numel(self.shape)) {
    throw new ShapeMismatchError(`cannot view [${self.shape}] (${numel(self.shape)} elements) as [${size}]`, where, [...self.shape], size);
  }
  return { arg: 'return', shape: size, dtype: self.dtype, dimOrder: contiguous(size.length), dynamism: self.dynamism };
};

const RULES: Record<string, Rule> = {
  'aten::add.out': binary,
  'aten::mul.out': binary,
  'aten::add.Scalar_out': sameAsSelf,
  'aten::mul.Scalar_out': sameAsSelf,
  'dim_order_ops::_clone_dim_order.out': copyToDimOrder,
  'dim_order_ops::_to_dim_order_copy.out': copyToDimOrder,
  'executorch_prim::et_view.default': view,
};

/**
 * The out (or return) tensor `op` produces from `args`, or null when there is no
 * rule for `op` or the rule lacks a literal it needs (symbolic sizes).
 * @throws ShapeMismatchError when the inputs' shapes are incompatible.
 */
export function inferOut(op: string, args: Record<string, ArgFacts | undefined>, where: string): InferredOut | null {
  const rule = RULES[op];
  if (rule === undefined) return null;
  try {
    return rule(args, where);
  } catch (e) {
    if (e instanceof ShapeMismatchError) throw e;
    return null;
  }
}

/** True for ops whose return tensor shares the memory of `self` (views). */
export function isView(op: string): boolean {
  return op === 'executorch_prim::et_view.default';
}
