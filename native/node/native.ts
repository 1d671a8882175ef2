// The one declaration of the Node addon (native/node/addon.cpp): every function it exports, with
// exact types, and the loader that finds build/native/release/etbench_native.node.
//
//   import { loadNative } from './native.js';
//
//   const addon = loadNative();                          // throws NativeAddonMissingError if unbuilt
//   const h = addon.openProgram('/m.pte', { kernels: 'portable', data: null, backends: null, threads: 1, memoryLimit: null });
//   const method = addon.loadMethod(h, addon.defaultMethod(h));
//   const [y] = addon.run(h, { random: 7 });             // y.data is a Float32Array for float32
//   addon.closeProgram(h);
//
// Every optional value crossing the boundary is `T | null` and always present. Runtime failures
// throw EtRuntimeError (errors.ts); misuse (a value that is not a handle, a bad option) throws
// TypeError. Prefer the typed wrapper in index.ts.

import { createRequire } from 'node:module';
import { packagePath } from '../runner/index.js';
import { EtRuntimeError } from './errors.js';

/** An open program. Opaque: only the addon looks inside. */
export type ProgramHandle = { readonly __brand: 'program' };

/** PyTorch's dtype names, as the runtime prints them. */
export type Dtype =
  | 'bool' | 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'uint64'
  | 'float16' | 'bfloat16' | 'float32' | 'float64'
  | 'qint8' | 'quint8' | 'qint32' | 'quint4x2' | 'quint2x4' | 'bits16'
  | 'float8_e5m2' | 'float8_e4m3fn' | 'float8_e5m2fnuz' | 'float8_e4m3fnuz';

/** The TypedArray that carries each dtype's elements. float16, bfloat16 and bits16 travel as raw
 * 16-bit patterns; bool as 0/1 bytes; float8 and packed 4/2-bit types as raw bytes. */
export interface DtypeArrays {
  bool: Uint8Array;
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
  qint8: Int8Array;
  quint8: Uint8Array;
  qint32: Int32Array;
  quint4x2: Uint8Array;
  quint2x4: Uint8Array;
  bits16: Uint16Array;
  float8_e5m2: Uint8Array;
  float8_e4m3fn: Uint8Array;
  float8_e5m2fnuz: Uint8Array;
  float8_e4m3fnuz: Uint8Array;
}

/** A tensor by value: `data` is flat, in logical row-major order of `shape` (whatever the dim
 * order in memory). Narrowing on `dtype` narrows `data`. */
export type TypedTensor<D extends Dtype = Dtype> = { [K in D]: { dtype: K; shape: number[]; data: DtypeArrays[K] } }[D];

/** What to feed a method: explicit tensors (one per input, in order), the runner contract's seeded
 * random inputs, or a bundled program's test case. */
export type RunInputs = TypedTensor[] | { random: number | bigint } | { bundledCase: number };

export type KernelSetName = 'portable' | 'optimized';

export interface NativeOpenOptions {
  kernels: KernelSetName;
  /** External constant data (.ptd), or null. */
  data: string | null;
  /** Delegates allowed to run; null allows every backend this build has. */
  backends: string[] | null;
  threads: number;
  /** Most bytes the session may allocate for planned arenas and unplanned input/output buffers;
   * a program needing more fails with MemoryAllocationFailed (exit 7). null: the runtime's default. */
  memoryLimit: number | null;
}

/** An EValue's kind (etb::Tag). */
export type IoKind =
  | 'none' | 'tensor' | 'string' | 'double' | 'int' | 'bool'
  | 'bool_list' | 'double_list' | 'int_list' | 'tensor_list' | 'scalar_list' | 'optional_tensor_list';

/** One method input or output. dtype, shape and dimOrder are null unless kind is 'tensor'. */
export interface IoInfo {
  kind: IoKind;
  dtype: Dtype | null;
  shape: number[] | null;
  dimOrder: number[] | null;
  /** Its memory comes from a planned arena (else the caller or the program provides it). */
  planned: boolean;
}

export interface MethodInfo {
  name: string;
  inputs: IoInfo[];
  outputs: IoInfo[];
  /** Bundled test cases for this method; 0 for a plain program. */
  numCases: number;
  numInstructions: number;
  /** Bytes of each planned arena, mem_id 1 first. */
  plannedBytes: number[];
  methodAllocatorBytes: number;
}

export interface MemoryStats {
  plannedBytes: number[];
  methodAllocatorBytes: number;
  tempAllocatorPeakBytes: number;
}

/** One output compared with a bundled test case's expected value. */
export interface OutputCheck {
  output: number;
  pass: boolean;
  maxAbsErr: number;
  maxRelErr: number;
  cosine: number;
  /** Why it failed; null when it passed. */
  reason: string | null;
}

/** Time spent in one instruction over the profiled executions. */
export interface InstructionProfile {
  chain: number;
  instruction: number;
  /** The operator (`aten::add.out`) or the delegate's backend id. */
  name: string;
  kind: 'kernel' | 'delegate';
  /** The backend for a delegate instruction, else null. */
  backend: string | null;
  calls: number;
  /** Total time, nanoseconds (platform ticks on a host without a nanosecond clock). */
  totalNs: number;
}

export interface OperatorInfo {
  /** `namespace::op.overload`, e.g. `aten::add.out`. */
  name: string;
  schema: string;
  /** PyTorch dtype names the kernel accepts; empty for prim ops. */
  dtypes: string[];
}

export interface KernelSetInfo {
  /** `portable`, `prim`, `quantized`, `optimized`. */
  name: string;
  operators: OperatorInfo[];
}

export interface Capabilities {
  kernelSets: KernelSetInfo[];
  /** Backends (delegates) this build registers. */
  backends: string[];
}

export interface RuntimeVersion {
  version: string;
  git: string;
}

export type EtRuntimeErrorClass = new (code: number, codeName: string, detail: string) => Error;

/** Everything etbench_native.node exports. */
export interface NativeAddon {
  /** Registers the class runtime failures are thrown as (native.ts does this once, at load). */
  setErrorClass(errorClass: EtRuntimeErrorClass): void;
  version(): RuntimeVersion;
  capabilities(): Capabilities;
  /** Opens and verifies a .pte or .bpte from a path or from bytes (copied). */
  openProgram(source: Uint8Array | string, options: NativeOpenOptions | null): ProgramHandle;
  /** Frees the program now instead of at garbage collection; later calls throw InvalidState. */
  closeProgram(handle: ProgramHandle): void;
  programMethods(handle: ProgramHandle): string[];
  /** `forward` if present, else the only method; throws when neither exists. */
  defaultMethod(handle: ProgramHandle): string;
  isBundled(handle: ProgramHandle): boolean;
  /** Hex sha256 of the file's bytes (the whole .bpte for a bundled program). */
  programSha256(handle: ProgramHandle): string;
  /** Loads (or replaces) the program's one loaded method. */
  loadMethod(handle: ProgramHandle, name: string): MethodInfo;
  /** Sets the inputs, executes once, returns the outputs. */
  run(handle: ProgramHandle, inputs: RunInputs): TypedTensor[];
  /** Sets the case's inputs, executes, compares each output with the expected value. */
  checkBundled(handle: ProgramHandle, caseIndex: number, rtol: number, atol: number): OutputCheck[];
  /** Sets the inputs (null: bundled case 0, else random:0), executes `iterations` times with
   * per-instruction timing, one entry per executed instruction in (chain, instruction) order. */
  profile(handle: ProgramHandle, iterations: number, inputs: RunInputs | null): InstructionProfile[];
  memoryStats(handle: ProgramHandle): MemoryStats;
}

/** The addon is not built (or cannot be loaded on this platform). */
export class NativeAddonMissingError extends Error {
  override readonly name = 'NativeAddonMissingError';
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`cannot load the etbench native addon at ${path}: run \`node native/build.mjs addon\` (or \`npm run build\`)`, { cause });
    this.path = path;
  }
}

/** Where `node native/build.mjs addon` puts the addon. */
export function nativeAddonPath(): string {
  return packagePath('build', 'native', 'release', 'etbench_native.node');
}

let addon: NativeAddon | null = null;

/** Loads the addon once per process (per worker) and registers EtRuntimeError with it. */
export function loadNative(): NativeAddon {
  if (addon !== null) return addon;
  const file = nativeAddonPath();
  let loaded: NativeAddon;
  try {
    loaded = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    throw new NativeAddonMissingError(file, e);
  }
  loaded.setErrorClass(EtRuntimeError);
  addon = loaded;
  return addon;
}
