/**
 * What `readProgram` returns: a plain-data description of a `.pte` file (no
 * FlatBuffers objects, safe to JSON.stringify apart from bigint Int values).
 * Field names follow the schema in native/schema/program.fbs, in camelCase.
 */
import type { DType } from './dtype.js';

/** The optional `eh00` extended header (pte-format.md §1.2). */
export interface ExtendedHeader {
  /** Bytes from offset 8, magic included; 24 in old files, 32 today. */
  headerLength: number;
  /** Bytes of the flatbuffer part, counted from byte 0. */
  programSize: number;
  /** Absolute offset of the first segment; 0 when there are none. */
  segmentBaseOffset: number;
  /** Bytes from segmentBaseOffset to the end of the last segment; 0 when header_length is 24. */
  segmentDataSize: number;
}

export type Dynamism = 'static' | 'dynamic_bound' | 'dynamic_unbound';

/**
 * Where a tensor's bytes come from at load time (pte-format.md §5):
 * `constant` (file data), `planned` (arena slot), `planned_initialized` (arena
 * slot filled from mutable_data_segments), `unplanned` (caller supplies it),
 * `external` (named data map, keyed by fully qualified name).
 */
export type TensorPlacement = 'constant' | 'planned' | 'planned_initialized' | 'unplanned' | 'external';

export interface Allocation {
  /** 1-based arena id (arena index = memoryId − 1). */
  memoryId: number;
  /** Byte offset inside the arena (low | high << 32). */
  offset: number;
}

export interface ExtraTensorInfo {
  mutableDataSegmentsIndex: number;
  fullyQualifiedName: string | null;
  location: 'segment' | 'external';
  deviceType: 'cpu' | 'cuda';
  deviceIndex: number;
}

export interface TensorInfo {
  dtype: DType;
  /** Logical sizes (an upper bound when dynamism is dynamic_bound). */
  shape: number[];
  /** Physical order of the logical dims, outermost first. */
  dimOrder: number[];
  dynamism: Dynamism;
  requiresGrad: boolean;
  /** Index into the constant table (constant_segment.offsets or constant_buffer); 0 = none. */
  dataBufferIndex: number;
  allocation: Allocation | null;
  placement: TensorPlacement;
  nbytes: number;
  extra: ExtraTensorInfo | null;
}

/** One entry of a method's value table, decoded. */
export type ValueInfo =
  | { kind: 'Null' }
  | { kind: 'Int'; value: bigint }
  | { kind: 'Bool'; value: boolean }
  | { kind: 'Double'; value: number }
  | { kind: 'String'; value: string }
  | { kind: 'Tensor'; tensor: TensorInfo }
  /** Items are value-table indices of Int values (the boxed-list quirk). */
  | { kind: 'IntList'; items: number[] }
  | { kind: 'DoubleList'; items: number[] }
  | { kind: 'BoolList'; items: boolean[] }
  /** Items are value-table indices of Tensor values. */
  | { kind: 'TensorList'; items: number[] }
  /** Items are value-table indices of Tensor or Null values. */
  | { kind: 'OptionalTensorList'; items: number[] };

export type ValueKind = ValueInfo['kind'];

/** A method input or output: its value index, kind and, for tensors, the tensor. */
export interface IoInfo {
  valueIndex: number;
  kind: ValueKind;
  tensor: TensorInfo | null;
}

export type InstructionInfo =
  | { kind: 'KernelCall'; opIndex: number; args: number[] }
  | { kind: 'DelegateCall'; delegateIndex: number; args: number[] }
  | { kind: 'MoveCall'; moveFrom: number; moveTo: number }
  | { kind: 'JumpFalseCall'; condValueIndex: number; destinationInstruction: number }
  | { kind: 'FreeCall'; valueIndex: number };

export interface OperatorInfo {
  name: string;
  overload: string;
  /** Registry key: `name.overload`, or `name` for the default overload. */
  qualifiedName: string;
  /** KernelCalls in this method that use the operator. */
  count: number;
}

export interface DelegateInfo {
  /** Backend registry name, e.g. `XnnpackBackend`. */
  id: string;
  location: 'inline' | 'segment';
  /** Index into backend_delegate_data (inline) or segments (segment). */
  index: number;
  /** Absolute file offset of the payload, or null when it cannot be located. */
  payloadOffset: number | null;
  payloadSize: number;
  compileSpecKeys: string[];
  /** Each compile spec's key and where its opaque value bytes are in the file. */
  compileSpecs: CompileSpecInfo[];
}

export interface CompileSpecInfo {
  key: string;
  /** Absolute file offset of the value bytes (0 when the value is empty). */
  valueOffset: number;
  valueSize: number;
}

export interface PlannedBuffer {
  /** 1-based, as in AllocationDetails.memory_id. */
  memoryId: number;
  size: number;
  deviceType: 'cpu' | 'cuda';
  deviceIndex: number;
}

export interface MethodInfo {
  name: string;
  inputs: IoInfo[];
  outputs: IoInfo[];
  values: ValueInfo[];
  /** One list per chain; nearly every method has exactly one chain. */
  chains: InstructionInfo[][];
  instructionCount: number;
  operators: OperatorInfo[];
  delegates: DelegateInfo[];
  /** non_const_buffer_sizes without the reserved entry 0. */
  plannedMemory: PlannedBuffer[];
  containerMeta: { encodedInputs: string; encodedOutputs: string } | null;
}

export interface SegmentInfo {
  /** Relative to the header's segment_base_offset. */
  offset: number;
  size: number;
  /** Absolute file offset, or null when the file has no extended header (nothing is loadable). */
  fileOffset: number | null;
}

export interface ConstantInfo {
  /** `segment`: constant_segment; `legacy_buffer`: inline constant_buffer; `none`: no constants. */
  storage: 'segment' | 'legacy_buffer' | 'none';
  /** constant_segment.segment_index, or null when there is no constant segment table. */
  segmentIndex: number | null;
  /** constant_segment.offsets, entry 0 being the reserved placeholder. */
  offsets: number[];
  /** Where the legacy constant_buffer entries' bytes are (entry 0 is the empty placeholder). */
  legacyBuffers: { fileOffset: number; size: number }[];
}

export interface ProgramInfo {
  identifier: string;
  /** Program.version (0 in every real file). */
  version: number;
  fileSize: number;
  header: ExtendedHeader | null;
  methods: MethodInfo[];
  segments: SegmentInfo[];
  constants: ConstantInfo;
  mutableDataSegments: { segmentIndex: number; offsets: number[] }[];
  namedData: { key: string; segmentIndex: number }[];
  /** Sizes of Program.backend_delegate_data entries (inline delegate payloads). */
  inlineDelegateDataSizes: number[];
}
