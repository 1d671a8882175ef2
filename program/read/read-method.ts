/**
 * Decodes one ExecutionPlan (a method): value table, I/O, instructions,
 * operators with use counts, delegates and planned memory.
 */
import {
  DataLocation, DelegateCall, ExecutionPlan, FreeCall, Instruction, InstructionArguments, JumpFalseCall,
  KernelCall, MoveCall,
} from '../generated/executorch-flatbuffer.js';
import { ProgramFormatError, within } from '../errors.js';
import type {
  DelegateInfo, InstructionInfo, IoInfo, MethodInfo, OperatorInfo, PlannedBuffer, SegmentInfo, ValueInfo,
} from '../types.js';
import { viewOffset } from './checked-buffer.js';
import { list, requireField, safeNumber } from './fields.js';
import { checkValueReferences, deviceName, readValue } from './read-value.js';

/** Program-level facts a method needs to locate its delegate payloads. */
export interface PayloadIndex {
  /** Absolute offset and size of each backend_delegate_data entry. */
  inline: { offset: number; size: number }[];
  segments: SegmentInfo[];
  /** The flatbuffer part of the file (to turn byte views into file offsets). */
  flatbuffer: Uint8Array;
}

function readInstruction(instr: Instruction): InstructionInfo {
  const type = instr.instrArgsType();
  const payload = <T>(obj: T): T => {
    const got = instr.instrArgs(obj) as T | null;
    if (got === null) throw new ProgramFormatError(`${InstructionArguments[type]} payload is missing`);
    return got;
  };
  switch (type) {
    case InstructionArguments.KernelCall: {
      const call = payload(new KernelCall());
      return { kind: 'KernelCall', opIndex: call.opIndex(), args: list(call.argsLength(), (i) => call.args(i), 'args') };
    }
    case InstructionArguments.DelegateCall: {
      const call = payload(new DelegateCall());
      const args = list(call.argsLength(), (i) => call.args(i), 'args');
      return { kind: 'DelegateCall', delegateIndex: call.delegateIndex(), args };
    }
    case InstructionArguments.MoveCall: {
      const call = payload(new MoveCall());
      return { kind: 'MoveCall', moveFrom: call.moveFrom(), moveTo: call.moveTo() };
    }
    case InstructionArguments.JumpFalseCall: {
      const call = payload(new JumpFalseCall());
      return {
        kind: 'JumpFalseCall',
        condValueIndex: call.condValueIndex(),
        destinationInstruction: call.destinationInstruction(),
      };
    }
    case InstructionArguments.FreeCall:
      return { kind: 'FreeCall', valueIndex: payload(new FreeCall()).valueIndex() };
    default:
      throw new ProgramFormatError(`instr_args_type ${type} is not a known instruction (NONE is invalid)`);
  }
}

/** Every index an instruction holds must point into the tables it names. */
function checkInstruction(instr: InstructionInfo, valueCount: number, opCount: number, delegateCount: number): void {
  const value = (field: string, v: number): void => {
    if (v < 0 || v >= valueCount) throw new ProgramFormatError(`${field} ${v} is not a value index (${valueCount} values)`);
  };
  switch (instr.kind) {
    case 'KernelCall':
      if (instr.opIndex < 0 || instr.opIndex >= opCount) {
        throw new ProgramFormatError(`op_index ${instr.opIndex} is out of range (${opCount} operators)`);
      }
      instr.args.forEach((a, i) => value(`args[${i}]`, a));
      break;
    case 'DelegateCall':
      if (instr.delegateIndex < 0 || instr.delegateIndex >= delegateCount) {
        throw new ProgramFormatError(`delegate_index ${instr.delegateIndex} is out of range (${delegateCount} delegates)`);
      }
      instr.args.forEach((a, i) => value(`args[${i}]`, a));
      break;
    case 'MoveCall':
      value('move_from', instr.moveFrom);
      value('move_to', instr.moveTo);
      break;
    case 'JumpFalseCall':
      value('cond_value_index', instr.condValueIndex);
      break;
    case 'FreeCall':
      value('value_index', instr.valueIndex);
      break;
  }
}

function readDelegates(plan: ExecutionPlan, payloads: PayloadIndex): DelegateInfo[] {
  return list(plan.delegatesLength(), (i) => plan.delegates(i), 'delegates').map((d, i) =>
    within(`delegates[${i}]`, () => {
      const processed = d.processed();
      if (processed === null) throw new ProgramFormatError('required field is missing', { field: 'processed' });
      const index = processed.index();
      const location = processed.location();
      if (location !== DataLocation.INLINE && location !== DataLocation.SEGMENT) {
        throw new ProgramFormatError(`unknown value ${location}`, { field: 'processed.location' });
      }
      const inline = location === DataLocation.INLINE;
      let payloadOffset: number | null;
      let payloadSize: number;
      if (inline) {
        const data = payloads.inline[index];
        if (data === undefined) {
          throw new ProgramFormatError(`${index} is out of range for backend_delegate_data`, { field: 'processed.index' });
        }
        payloadOffset = data.offset;
        payloadSize = data.size;
      } else {
        const segment = payloads.segments[index];
        if (segment === undefined) {
          throw new ProgramFormatError(`${index} is out of range (${payloads.segments.length} segments)`, {
            field: 'processed.index',
          });
        }
        payloadOffset = segment.fileOffset;
        payloadSize = segment.size;
      }
      const specs = list(d.compileSpecsLength(), (j) => d.compileSpecs(j), 'compile_specs');
      const compileSpecs = specs.map((s, j) =>
        within(`compile_specs[${j}]`, () => {
          const value = s.valueArray();
          return {
            key: s.key() ?? '',
            valueOffset: value === null || value.length === 0 ? 0 : viewOffset(value, payloads.flatbuffer),
            valueSize: value?.length ?? 0,
          };
        }),
      );
      return {
        id: d.id() ?? '',
        location: inline ? 'inline' : 'segment',
        index,
        payloadOffset,
        payloadSize,
        compileSpecKeys: compileSpecs.map((s) => s.key),
        compileSpecs,
      };
    }),
  );
}

function readPlannedMemory(plan: ExecutionPlan): PlannedBuffer[] {
  requireField(plan, 8, 'non_const_buffer_sizes');
  const sizes = list(plan.nonConstBufferSizesLength(), (i) => plan.nonConstBufferSizes(i), 'non_const_buffer_sizes');
  const devices = list(plan.nonConstBufferDeviceLength(), (i) => plan.nonConstBufferDevice(i), 'non_const_buffer_device');
  return sizes.slice(1).map((size, j) => {
    const memoryId = j + 1;
    const device = devices.find((d) => d.bufferIdx() === memoryId) ?? null;
    return {
      memoryId,
      size: safeNumber(size, `non_const_buffer_sizes[${memoryId}]`),
      deviceType: device === null ? 'cpu' : within('non_const_buffer_device', () => deviceName(device.deviceType())),
      deviceIndex: device === null ? 0 : device.deviceIndex(),
    };
  });
}

function readOperators(plan: ExecutionPlan, chains: InstructionInfo[][]): OperatorInfo[] {
  const ops = list(plan.operatorsLength(), (i) => plan.operators(i), 'operators').map((op) => {
    const name = op.name() ?? '';
    const overload = op.overload() ?? '';
    return { name, overload, qualifiedName: overload === '' ? name : `${name}.${overload}`, count: 0 };
  });
  for (const instr of chains.flat()) {
    if (instr.kind === 'KernelCall') {
      const op = ops[instr.opIndex];
      if (op !== undefined) op.count += 1;
    }
  }
  return ops;
}

function io(values: ValueInfo[], indices: number[], field: string): IoInfo[] {
  return indices.map((valueIndex, i) => {
    const value = values[valueIndex];
    if (value === undefined) {
      throw new ProgramFormatError(`${field}[${i}] = ${valueIndex} is not a value index (${values.length} values)`);
    }
    return { valueIndex, kind: value.kind, tensor: value.kind === 'Tensor' ? value.tensor : null };
  });
}

export function readMethod(plan: ExecutionPlan, payloads: PayloadIndex): MethodInfo {
  requireField(plan, 0, 'name');
  requireField(plan, 2, 'values');
  const values = list(plan.valuesLength(), (i) => plan.values(i), 'values').map((ev, i) =>
    within(`values[${i}]`, () => readValue(ev)),
  );
  checkValueReferences(values);
  const chains = list(plan.chainsLength(), (i) => plan.chains(i), 'chains').map((chain, c) =>
    within(`chains[${c}]`, () =>
      list(chain.instructionsLength(), (i) => chain.instructions(i), 'instructions').map((instr, i) =>
        within(`instructions[${i}]`, () => readInstruction(instr)),
      ),
    ),
  );
  if (chains.length === 0) throw new ProgramFormatError('chains is empty (at least one chain is required)');
  const operators = readOperators(plan, chains);
  const delegates = readDelegates(plan, payloads);
  chains.forEach((chain, c) =>
    chain.forEach((instr, i) =>
      within(`chains[${c}].instructions[${i}]`, () =>
        checkInstruction(instr, values.length, operators.length, delegates.length),
      ),
    ),
  );
  const meta = plan.containerMetaType();
  return {
    name: plan.name() ?? '',
    inputs: io(values, list(plan.inputsLength(), (i) => plan.inputs(i), 'inputs'), 'inputs'),
    outputs: io(values, list(plan.outputsLength(), (i) => plan.outputs(i), 'outputs'), 'outputs'),
    values,
    chains,
    instructionCount: chains.reduce((n, c) => n + c.length, 0),
    operators,
    delegates,
    plannedMemory: readPlannedMemory(plan),
    containerMeta:
      meta === null ? null : { encodedInputs: meta.encodedInpStr() ?? '', encodedOutputs: meta.encodedOutStr() ?? '' },
  };
}
