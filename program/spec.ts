/**
 * Input of `writeProgram`: a description of a `.pte` close to the schema, with
 * the file-level bookkeeping (constant and mutable-data tables, segments,
 * header) left to the writer. For full control over every index use
 * ProgramImage and writeProgramImage instead (program/image.ts).
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
  /**
   * Initial value of a planned mutable tensor (state kept between executes, like
   * a KV cache), exactly nbytes long. The writer puts it in
   * mutable_data_segments[0] and sets data_buffer_idx; the tensor needs an allocation.
   */
  initialData?: Uint8Array;
  /** extra_tensor_info.fully_qualified_name, e.g. `model.cache.k`. */
  name?: string;
  /** Data comes from the named data map under `name` (extra_tensor_info.location EXTERNAL). */
  external?: boolean;
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

/** A backend delegate: DelegateCall.delegateIndex refers to its position in MethodSpec.delegates. */
export interface DelegateSpec {
  /** Backend registry name, e.g. `XnnpackBackend`. */
  id: string;
  /** The processed blob handed to the backend's init. */
  payload: Uint8Array;
  /** Store the payload inline in the flatbuffer instead of in its own segment (the default). */
  inline?: boolean;
  compileSpecs?: { key: string; value: Uint8Array }[];
}

export interface MethodSpec {
  name: string;
  values: ValueSpec[];
  inputs: number[];
  outputs: number[];
  /** Written as the method's single chain. */
  instructions: InstructionSpec[];
  operators: OperatorSpec[];
  delegates?: DelegateSpec[];
  /** Arena sizes for memory ids 1, 2, ...; the reserved entry 0 is added by the writer. */
  plannedMemory: number[];
  containerMeta?: { encodedInputs: string; encodedOutputs: string };
}

export interface ProgramSpec {
  methods: MethodSpec[];
  /** Program.named_data: blobs shared by key (delegate weights, external tensors), each in a segment. */
  namedData?: { key: string; data: Uint8Array }[];
  /** Alignment of each segment in the file; exporter default 128. */
  segmentAlignment?: number;
  /** Alignment of each constant inside the constant segment; exporter default 16. */
  constantAlignment?: number;
}
