/**
 * Input of `writeProgram`: a description of a `.pte` close to the schema, with
 * the file-level bookkeeping (constant table, segments, header) left to the writer.
 */
import type { DType } from './dtype.js';
import type { Allocation, Dynamism, InstructionInfo } from './types.js';

export interface TensorSpec {
  dtype: DType;
  shape: number[];
  /** Defaults to contiguous [0, 1, ..., rank-1]. */
  dimOrder?: number[];
  /** Defaults to static. */
  dynamism?: Dynamism;
  /** Arena slot of a planned tensor; leave out for constants and caller-supplied tensors. */
  allocation?: Allocation | null;
  /**
   * Constant data, exactly nbytes long. The writer puts it in the constant segment
   * and sets data_buffer_idx; a tensor with data must not have an allocation.
   */
  data?: Uint8Array;
}

/** One value-table entry. Same kinds and item meanings as the reader's ValueInfo. */
export type ValueSpec =
  | { kind: 'Null' }
  | { kind: 'Int'; value: bigint | number }
  | { kind: 'Bool'; value: boolean }
  | { kind: 'Double'; value: number }
  | { kind: 'String'; value: string }
  | { kind: 'Tensor'; tensor: TensorSpec }
  /** Items are value indices of Int values, not literal integers. */
  | { kind: 'IntList'; items: number[] }
  | { kind: 'DoubleList'; items: number[] }
  | { kind: 'BoolList'; items: boolean[] }
  | { kind: 'TensorList'; items: number[] }
  | { kind: 'OptionalTensorList'; items: number[] };

export type InstructionSpec = InstructionInfo;

export interface OperatorSpec {
  /** e.g. `aten::add`. */
  name: string;
  /** e.g. `out`; empty string for the default overload. */
  overload: string;
}

export interface MethodSpec {
  name: string;
  values: ValueSpec[];
  inputs: number[];
  outputs: number[];
  /** Written as the method's single chain. */
  instructions: InstructionSpec[];
  operators: OperatorSpec[];
  /** Arena sizes for memory ids 1, 2, ...; the reserved entry 0 is added by the writer. */
  plannedMemory: number[];
  containerMeta?: { encodedInputs: string; encodedOutputs: string };
}

export interface ProgramSpec {
  methods: MethodSpec[];
  /** Alignment of each segment in the file; exporter default 128. */
  segmentAlignment?: number;
  /** Alignment of each constant inside the constant segment; exporter default 16. */
  constantAlignment?: number;
}
