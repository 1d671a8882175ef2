/**
 * ProgramImage: everything a `.pte` says, without where its bytes sit. It is
 * what `readProgramImage` decodes and `writeProgramImage` encodes, so
 * `writeProgramImage(readProgramImage(bytes))` is a file that decodes to the
 * same image, with every segment byte-identical (only the flatbuffer layout,
 * and therefore file offsets, may differ from the original exporter's).
 *
 * Indices are the file's own: data_buffer_idx, segment indices, delegate
 * payload references and constant offsets are kept as written, so dedup'd
 * constants (`offsets: [0, 0, ...]`) and shared segments survive a rewrite.
 */
import type { DType } from './dtype.js';
import type { Allocation, Dynamism, ExtraTensorInfo, InstructionInfo } from './types.js';

/** A Tensor value exactly as stored (TensorInfo without the derived placement and nbytes). */
export interface TensorImage {
  dtype: DType;
  shape: number[];
  dimOrder: number[];
  dynamism: Dynamism;
  requiresGrad: boolean;
  dataBufferIndex: number;
  allocation: Allocation | null;
  extra: ExtraTensorInfo | null;
}

export type ValueImage =
  | { kind: 'Null' }
  | { kind: 'Int'; value: bigint }
  | { kind: 'Bool'; value: boolean }
  | { kind: 'Double'; value: number }
  | { kind: 'String'; value: string }
  | { kind: 'Tensor'; tensor: TensorImage }
  | { kind: 'IntList'; items: number[] }
  | { kind: 'DoubleList'; items: number[] }
  | { kind: 'BoolList'; items: boolean[] }
  | { kind: 'TensorList'; items: number[] }
  | { kind: 'OptionalTensorList'; items: number[] };

export interface ChainImage {
  /** Chain.inputs / outputs: unused by runtimes, empty in every real file. */
  inputs: number[];
  outputs: number[];
  instructions: InstructionInfo[];
}

export interface CompileSpecImage {
  key: string;
  value: Uint8Array;
}

export interface DelegateImage {
  id: string;
  /** INLINE: Program.backend_delegate_data[index]; SEGMENT: Program.segments[index]. */
  processed: { location: 'inline' | 'segment'; index: number };
  compileSpecs: CompileSpecImage[];
}

export interface MethodImage {
  name: string;
  values: ValueImage[];
  inputs: number[];
  outputs: number[];
  chains: ChainImage[];
  operators: { name: string; overload: string }[];
  delegates: DelegateImage[];
  /** non_const_buffer_sizes including the reserved entry 0. */
  nonConstBufferSizes: number[];
  /** non_const_buffer_device, or null when the field is absent (all CPU). */
  nonConstBufferDevice: { bufferIndex: number; deviceType: 'cpu' | 'cuda'; deviceIndex: number }[] | null;
  containerMeta: { encodedInputs: string; encodedOutputs: string } | null;
}

/** A SubsegmentOffsets table: byte offsets inside `segments[segmentIndex]`. */
export interface SubsegmentImage {
  segmentIndex: number;
  offsets: number[];
}

export interface ProgramImage {
  version: number;
  methods: MethodImage[];
  /** Payload of each Program.segments entry, in order. */
  segments: Uint8Array[];
  /** Program.constant_segment, or null when the field is absent. */
  constantSegment: SubsegmentImage | null;
  /** Legacy inline constants (Program.constant_buffer); entry 0 is the empty placeholder. */
  constantBuffer: Uint8Array[];
  /** Inline delegate payloads (Program.backend_delegate_data). */
  backendDelegateData: Uint8Array[];
  mutableDataSegments: SubsegmentImage[];
  namedData: { key: string; segmentIndex: number }[];
  /**
   * `eh00` header_length to write when the file has segment data: 32 today, 24 in
   * older files (no segment_data_size field). Files without segment data get no header.
   */
  headerLength: 24 | 32;
}
