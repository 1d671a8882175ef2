/**
 * referenceRun: executes one method of a `.pte` with the reference operators,
 * the way the runtime does — planned tensors live in byte arenas at their
 * planned offsets (so values planned at one offset alias, and a kernel may
 * overwrite an input it no longer needs), constants come from the file, and
 * the instructions of every chain run in order (KernelCall, MoveCall,
 * JumpFalseCall, FreeCall; a DelegateCall is an error).
 *
 *   const bytes = new Uint8Array(fs.readFileSync('model.pte'));
 *   const [scores] = referenceRun(bytes, 'forward', [{ dtype: 'float32', shape: [1, 1, 49, 10], dimOrder: [0, 2, 1, 3], data }]);
 *
 * ReferenceSession runs one method many times with its mutable buffers (KV caches) kept between runs.
 */
import { dtypeSize, numel } from '../dtype.js';
import { readConstantData, readMutableInitialData } from '../read/read-constant.js';
import { readProgram } from '../read/read-program.js';
import type { MethodInfo, ProgramInfo, TensorInfo } from '../types.js';
import { ReferenceOpError } from './errors.js';
import { referenceOp } from './evaluate.js';
import { readLogical, writeLogical } from './memory.js';
import { contiguousOrder, isTensor, type RefTensor, type RefValue } from './tensor.js';

interface TensorSlot {
  kind: 'tensor';
  info: TensorInfo;
  shape: number[];
  dimOrder: number[];
  /** Null until an unplanned tensor is given data. Shared between aliases. */
  bytes: Uint8Array | null;
}

type Slot = TensorSlot | { kind: 'value'; value: RefValue };

export interface ReferenceRunOptions {
  /** Called after each KernelCall with the instruction's chain, index, operator and result. */
  onInstruction?: (chain: number, index: number, opName: string, result: RefValue) => void;
  /** Stops a method that loops (JumpFalseCall) after this many instructions; default 10 million. */
  maxInstructions?: number;
}

type Arenas = Map<number, Uint8Array>;

/** Fresh planned arenas, with every mutable buffer that has a stored initial value (a KV cache)
 * set to it, as the runtime does when it loads a method. */
function initialArenas(bytes: Uint8Array, info: ProgramInfo, method: MethodInfo): Arenas {
  const arenas: Arenas = new Map(method.plannedMemory.map((b) => [b.memoryId, new Uint8Array(b.size)]));
  method.values.forEach((v, i) => {
    if (v.kind !== 'Tensor' || v.tensor.placement !== 'planned_initialized' || v.tensor.allocation === null) return;
    plannedBytes(arenas, v.tensor, i).set(readMutableInitialData(bytes, info, v.tensor));
  });
  return arenas;
}

function plannedBytes(arenas: Arenas, t: TensorInfo, index: number): Uint8Array {
  const arena = arenas.get(t.allocation!.memoryId);
  const end = t.allocation!.offset + t.nbytes;
  if (arena === undefined || end > arena.length) throw new ReferenceOpError(`value ${index}: allocation outside its arena`);
  return arena.subarray(t.allocation!.offset, end);
}

/** The value table of one execution: planned tensors view the (possibly persistent) arenas. */
function initialSlots(bytes: Uint8Array, info: ProgramInfo, method: MethodInfo, arenas: Arenas): Slot[] {
  return method.values.map((v, i): Slot => {
    switch (v.kind) {
      case 'Tensor': {
        const t = v.tensor;
        const slot: TensorSlot = { kind: 'tensor', info: t, shape: [...t.shape], dimOrder: [...t.dimOrder], bytes: null };
        if (t.placement === 'constant') slot.bytes = readConstantData(bytes, info, t);
        else if ((t.placement === 'planned' || t.placement === 'planned_initialized') && t.allocation !== null) {
          slot.bytes = plannedBytes(arenas, t, i);
        } else if (t.placement !== 'unplanned') {
          throw new ReferenceOpError(`value ${i}: ${t.placement} tensors are not supported by the reference`);
        }
        return slot;
      }
      case 'Null': return { kind: 'value', value: null };
      case 'Int': case 'Bool': case 'Double': case 'String': return { kind: 'value', value: v.value };
      case 'DoubleList': return { kind: 'value', value: [...v.items] };
      case 'BoolList': return { kind: 'value', value: [...v.items] };
      default: return { kind: 'value', value: null };
    }
  });
}

/** The tensor as a RefTensor; an unplanned tensor not given data yet reads as zeros (it can only be an out). */
function tensorOf(slot: TensorSlot): RefTensor {
  const { dtype } = slot.info;
  const data = slot.bytes === null
    ? (new Array(numel(slot.shape)).fill(dtype === 'int64' || dtype === 'uint64' ? 0n : 0) as number[] | bigint[])
    : readLogical(dtype, slot.shape, slot.dimOrder, slot.bytes);
  return { dtype, shape: [...slot.shape], dimOrder: [...slot.dimOrder], data };
}

function store(slot: TensorSlot, t: RefTensor, index: number): void {
  if (t.dtype !== slot.info.dtype) throw new ReferenceOpError(`value ${index}: result is ${t.dtype}, tensor is ${slot.info.dtype}`);
  const need = numel(t.shape) * dtypeSize(t.dtype);
  if (slot.bytes === null || slot.bytes.length < need) {
    if (slot.info.placement !== 'unplanned') throw new ReferenceOpError(`value ${index}: ${need} bytes exceed the planned ${slot.info.nbytes}`);
    slot.bytes = new Uint8Array(need);
  }
  slot.shape = [...t.shape];
  if (t.dimOrder.length !== slot.dimOrder.length) slot.dimOrder = contiguousOrder(t.shape.length);
  writeLogical(t.dtype, slot.shape, slot.dimOrder, t.data as (number | bigint)[], slot.bytes);
}

/** Constants decoded once per session: reading 15M weights into float64 arrays on every call
 * costs more than the arithmetic of a decode step. Operators never write to their inputs. */
type ConstantCache = Map<TensorInfo, RefTensor>;

class Machine {
  constructor(private readonly method: MethodInfo, private readonly slots: Slot[], private readonly constants: ConstantCache) {}

  private tensor(s: TensorSlot): RefTensor {
    if (s.info.placement !== 'constant') return tensorOf(s);
    let t = this.constants.get(s.info);
    if (t === undefined) this.constants.set(s.info, (t = tensorOf(s)));
    return { ...t, shape: [...t.shape], dimOrder: [...t.dimOrder] };
  }

  slot(i: number): Slot {
    const s = this.slots[i];
    if (s === undefined) throw new ReferenceOpError(`value index ${i} is out of range`);
    return s;
  }

  tensorSlot(i: number): TensorSlot {
    const s = this.slot(i);
    if (s.kind !== 'tensor') throw new ReferenceOpError(`value ${i} is not a tensor`);
    return s;
  }

  /** The value an argument index stands for, resolving list items through the table (the boxed-list quirk). */
  argument(i: number): RefValue {
    const s = this.slot(i);
    if (s.kind === 'tensor') return this.tensor(s);
    const info = this.method.values[i]!;
    if (info.kind === 'IntList') {
      return info.items.map((j) => {
        const v = this.slot(j);
        if (v.kind !== 'value' || typeof v.value !== 'bigint') throw new ReferenceOpError(`IntList item ${j} is not an Int`);
        return Number(v.value);
      });
    }
    if (info.kind === 'TensorList' || info.kind === 'OptionalTensorList') {
      return info.items.map((j) => {
        if (j === -1) return null;  // an absent optional tensor, as the exporter writes it
        const v = this.argument(j);
        return isTensor(v) ? v : null;
      });
    }
    return s.value;
  }

  /** MoveCall: the destination becomes the same EValue (a tensor is shared, not copied). */
  move(from: number, to: number): void {
    this.slots[to] = this.slot(from);
  }

  set(i: number, v: RefValue): void {
    this.slots[i] = { kind: 'value', value: v };
  }

  /**
   * A multi-output operator's reference returns its tensors in the schema's
   * return order: they go to the trailing out arguments (`out0, out1, out2`,
   * `values, indices`), or to the items of a trailing `Tensor(a!)[]` out list.
   */
  private storeOutputs(opName: string, args: number[], results: readonly unknown[]): void {
    const last = args[args.length - 1]!;
    const lastInfo = this.method.values[last];
    const targets = lastInfo?.kind === 'TensorList' ? lastInfo.items : args.slice(args.length - results.length);
    if (targets.length !== results.length) {
      throw new ReferenceOpError(`${results.length} results for ${targets.length} out tensors`, { op: opName });
    }
    results.forEach((r, k) => {
      if (!isTensor(r as RefValue)) throw new ReferenceOpError(`result ${k} is not a tensor`, { op: opName });
      store(this.tensorSlot(targets[k]!), r as RefTensor, targets[k]!);
    });
  }

  kernelCall(opName: string, args: number[]): RefValue {
    const op = referenceOp(opName);
    if (args.length !== op.arity + 1) throw new ReferenceOpError(`${args.length} arguments, expected ${op.arity} + return slot`, { op: opName });
    const result = op.fn(args.slice(0, op.arity).map((i) => this.argument(i)));
    const ret = args[op.arity]!;
    if (op.kind === 'out' && Array.isArray(result)) {
      this.storeOutputs(opName, args.slice(0, op.arity), result as readonly unknown[]);
      this.slots[ret] = { kind: 'value', value: result };
    } else if (op.kind === 'out') {
      const outIndex = args[op.outArg ?? op.arity - 1]!;
      if (!isTensor(result)) throw new ReferenceOpError('out operator returned no tensor', { op: opName });
      store(this.tensorSlot(outIndex), result, outIndex);
      this.slots[ret] = this.slot(outIndex);
    } else if (op.kind === 'view') {
      const self = this.tensorSlot(args[0]!);
      const target = this.tensorSlot(ret);
      if (!isTensor(result)) throw new ReferenceOpError('view operator returned no tensor', { op: opName });
      this.slots[ret] = { ...target, shape: result.shape, dimOrder: contiguousOrder(result.shape.length), bytes: self.bytes };
    } else {
      this.set(ret, result);
    }
    return result;
  }
}

/**
 * One loaded method of a program, run any number of times: the planned arenas persist between
 * runs, so mutable buffers (a KV cache updated by index_put) carry their state from one call to
 * the next, as on a method the runtime loaded once.
 *
 *   const session = new ReferenceSession(bytes, 'forward');
 *   const [prefill] = session.run([tokens, positions]);
 *   const [next] = session.run([oneToken, [position]]);   // sees the prefill's keys and values
 */
export class ReferenceSession {
  private readonly info: ProgramInfo;
  private readonly method: MethodInfo;
  private readonly arenas: Arenas;
  private readonly constants: ConstantCache = new Map();

  /**
   * @throws ProgramFormatError for a malformed file; ReferenceOpError for a missing method.
   */
  constructor(private readonly bytes: Uint8Array, private readonly methodName: string) {
    this.info = readProgram(bytes);
    const method = this.info.methods.find((m) => m.name === methodName);
    if (method === undefined) throw new ReferenceOpError(`no method named ${methodName}`);
    this.method = method;
    this.arenas = initialArenas(bytes, this.info, method);
  }

  /**
   * Runs the method once on `inputs` (one per method input: RefTensors in logical order, or
   * Int/Double/Bool values) and returns its outputs.
   * @throws ReferenceOpError for an operator the reference lacks, bad arguments, delegates or a
   *   runaway loop.
   */
  run(inputs: readonly RefValue[], options: ReferenceRunOptions = {}): RefValue[] {
    const { bytes, info, method, methodName } = this;
    if (inputs.length !== method.inputs.length) throw new ReferenceOpError(`${methodName} takes ${method.inputs.length} inputs, got ${inputs.length}`);
    const machine = new Machine(method, initialSlots(bytes, info, method, this.arenas), this.constants);
    method.inputs.forEach((io, k) => {
      const input = inputs[k]!;
      if (io.kind !== 'Tensor') return machine.set(io.valueIndex, input);
      if (!isTensor(input)) throw new ReferenceOpError(`input ${k} must be a tensor`);
      store(machine.tensorSlot(io.valueIndex), input, io.valueIndex);
    });
    const limit = options.maxInstructions ?? 10_000_000;
    let steps = 0;
    method.chains.forEach((chain, c) => {
      for (let pc = 0; pc < chain.length;) {
        if (++steps > limit) throw new ReferenceOpError(`more than ${limit} instructions executed`);
        const ins = chain[pc]!;
        let next = pc + 1;
        if (ins.kind === 'KernelCall') {
          const opName = method.operators[ins.opIndex]?.qualifiedName;
          if (opName === undefined) throw new ReferenceOpError(`operator index ${ins.opIndex} is out of range`);
          const result = machine.kernelCall(opName, ins.args);
          options.onInstruction?.(c, pc, opName, result);
        } else if (ins.kind === 'MoveCall') {
          machine.move(ins.moveFrom, ins.moveTo);
        } else if (ins.kind === 'JumpFalseCall') {
          const cond = machine.argument(ins.condValueIndex);
          if (typeof cond !== 'boolean') throw new ReferenceOpError(`JumpFalseCall condition ${ins.condValueIndex} is not a Bool`);
          if (!cond) next = ins.destinationInstruction;
        } else if (ins.kind === 'DelegateCall') {
          throw new ReferenceOpError('delegate calls are not supported by the reference');
        }
        pc = next;
      }
    });
    return method.outputs.map((io) => machine.argument(io.valueIndex));
  }
}

/**
 * Runs `methodName` of the program in `programBytes` once, from freshly loaded state, on
 * `inputs` and returns the method's outputs (a ReferenceSession used once).
 * @throws ProgramFormatError for a malformed file; ReferenceOpError for an
 *   operator the reference lacks, bad arguments, delegates or a runaway loop.
 */
export function referenceRun(
  programBytes: Uint8Array, methodName: string, inputs: readonly RefValue[], options: ReferenceRunOptions = {},
): RefValue[] {
  return new ReferenceSession(programBytes, methodName).run(inputs, options);
}
