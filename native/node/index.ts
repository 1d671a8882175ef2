// The etbench runtime in-process: open a program, run it, check a bundled program, profile it.
//
//   import { loadProgram, makeTensor, EtRuntimeError } from '../native/node/index.js';
//
//   const program = loadProgram('model.pte', { kernels: 'portable' });   // path or Uint8Array
//   const method = program.loadMethod();                 // default method ('forward' or the only one)
//   const [y] = program.run([makeTensor('float32', [3], [1, 2, 3])]);   // or { random: 7 }
//   console.log(y?.dtype, y?.shape, y?.data);            // 'float32' [3] Float32Array [2, 3, 4]
//   const checks = loadProgram('m.bpte').checkBundled(0); // [{ output: 0, pass: true, ... }]
//   try { loadProgram('kws.pte').loadMethod(); }
//   catch (e) { if (e instanceof EtRuntimeError) process.exitCode = e.exitCode; }  // 4: unsupported
//   program.close();                                     // optional: frees now instead of at GC
//
// Runs are synchronous and on the calling thread. A kernel that crashes takes the process with
// it: measure untrusted programs with etrun in a child process. Docs: docs/node-api.md.

import {
  loadNative,
  type Capabilities,
  type Dtype,
  type DtypeArrays,
  type InstructionProfile,
  type KernelSetName,
  type MemoryStats,
  type MethodInfo,
  type OutputCheck,
  type ProgramHandle,
  type RunInputs,
  type RuntimeVersion,
  type TypedTensor,
} from './native.js';

export { EtRuntimeError, ET_ERROR_CODES, exitCodeForError } from './errors.js';
export { NativeAddonMissingError, nativeAddonPath } from './native.js';
export type {
  Capabilities, Dtype, DtypeArrays, InstructionProfile, IoInfo, IoKind, KernelSetInfo, KernelSetName, MemoryStats,
  MethodInfo, OperatorInfo, OutputCheck, RunInputs, RuntimeVersion, TypedTensor,
} from './native.js';

export interface LoadProgramOptions {
  /** Default 'portable'. */
  kernels?: KernelSetName;
  /** External constant data (.ptd). Default none. */
  data?: string | null;
  /** Delegates allowed to run. Default: every backend this build has. */
  backends?: string[] | null;
  /** Default 1. */
  threads?: number;
  /** Bytes the runtime may allocate for arenas and I/O buffers (exceeding it: exit 7). Default:
   * the runtime's own limit. */
  memoryLimit?: number | null;
}

/** ExecuTorch's default tolerances for bundled programs. */
export const DEFAULT_RTOL = 1e-5;
export const DEFAULT_ATOL = 1e-8;

/** Opens and verifies a program (.pte or .bpte) from a path or from its bytes. */
export function loadProgram(source: string | Uint8Array, opts: LoadProgramOptions = {}): NativeProgram {
  const handle = loadNative().openProgram(source, {
    kernels: opts.kernels ?? 'portable',
    data: opts.data ?? null,
    backends: opts.backends ?? null,
    threads: opts.threads ?? 1,
    memoryLimit: opts.memoryLimit ?? null,
  });
  return new NativeProgram(handle, typeof source === 'string' ? source : null);
}

/** The operators (by kernel set) and backends this build of the runtime has. */
export function capabilities(): Capabilities {
  return loadNative().capabilities();
}

export function runtimeVersion(): RuntimeVersion {
  return loadNative().version();
}

/** One open program with at most one loaded method. Methods that execute load the default
 * method first when none is loaded. */
export class NativeProgram {
  readonly #handle: ProgramHandle;
  #method: MethodInfo | null = null;
  /** The path it was opened from; null when opened from bytes. */
  readonly path: string | null;

  /** Use loadProgram(). */
  constructor(handle: ProgramHandle, path: string | null) {
    this.#handle = handle;
    this.path = path;
  }

  /** Method names, in program order. */
  methods(): string[] {
    return loadNative().programMethods(this.#handle);
  }

  /** 'forward' if present, else the only method. */
  defaultMethod(): string {
    return loadNative().defaultMethod(this.#handle);
  }

  get isBundled(): boolean {
    return loadNative().isBundled(this.#handle);
  }

  /** Hex sha256 of the bytes opened (the whole .bpte for a bundled program). */
  get sha256(): string {
    return loadNative().programSha256(this.#handle);
  }

  /** The loaded method, or null before loadMethod() (or after a failed one). */
  get method(): MethodInfo | null {
    return this.#method;
  }

  /** Loads `name` (default: the default method), replacing the loaded one. */
  loadMethod(name: string = this.defaultMethod()): MethodInfo {
    this.#method = null;
    this.#method = loadNative().loadMethod(this.#handle, name);
    return this.#method;
  }

  /** Executes once and returns the outputs, in logical row-major order. */
  run(inputs: RunInputs): TypedTensor[] {
    this.#ensureMethod();
    return loadNative().run(this.#handle, inputs);
  }

  /** Runs bundled test case `index` and returns the outputs (no comparison). */
  runBundledCase(index: number): TypedTensor[] {
    return this.run({ bundledCase: index });
  }

  /** Runs bundled test case `index` and compares every output with its expected value. */
  checkBundled(index: number, rtol: number = DEFAULT_RTOL, atol: number = DEFAULT_ATOL): OutputCheck[] {
    this.#ensureMethod();
    return loadNative().checkBundled(this.#handle, index, rtol, atol);
  }

  /** Executes `iterations` times with per-instruction timing. Inputs default to bundled case 0
   * for a bundled program, else random:0 (etrun's defaults). */
  profile(iterations: number, inputs: RunInputs | null = null): InstructionProfile[] {
    this.#ensureMethod();
    return loadNative().profile(this.#handle, iterations, inputs);
  }

  /** Planned arenas, method allocator use and temp allocator peak of the loaded method. */
  memory(): MemoryStats {
    this.#ensureMethod();
    return loadNative().memoryStats(this.#handle);
  }

  /** Frees the runtime's memory now; any later call throws EtRuntimeError (InvalidState). */
  close(): void {
    loadNative().closeProgram(this.#handle);
    this.#method = null;
  }

  #ensureMethod(): void {
    if (this.#method === null) this.loadMethod();
  }
}

type ArrayCtor = { new (length: number): DtypeArrays[Dtype] };

const ARRAY_CTORS: { [D in Dtype]: ArrayCtor } = {
  bool: Uint8Array, uint8: Uint8Array, int8: Int8Array, int16: Int16Array, int32: Int32Array,
  int64: BigInt64Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  float16: Uint16Array, bfloat16: Uint16Array, float32: Float32Array, float64: Float64Array,
  qint8: Int8Array, quint8: Uint8Array, qint32: Int32Array, quint4x2: Uint8Array, quint2x4: Uint8Array,
  bits16: Uint16Array, float8_e5m2: Uint8Array, float8_e4m3fn: Uint8Array, float8_e5m2fnuz: Uint8Array,
  float8_e4m3fnuz: Uint8Array,
};

/** Builds an input tensor from plain values in row-major order. Numbers go into int64/uint64
 * tensors as BigInts; booleans become 0/1. float16/bfloat16/bits16 take raw 16-bit patterns. */
export function makeTensor<D extends Dtype>(dtype: D, shape: number[], values: ArrayLike<number | bigint | boolean>): TypedTensor<D> {
  const data = new ARRAY_CTORS[dtype](values.length);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | bigint | boolean;
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    (data as { [i: number]: number | bigint })[i] = big ? BigInt(n) : Number(n);
  }
  return { dtype, shape: [...shape], data } as TypedTensor<D>;
}
