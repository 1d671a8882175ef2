/**
 * Serializes one method (ExecutionPlan): values, one chain of instructions,
 * operators and planned-memory sizes.
 */
import type * as flatbuffers from 'flatbuffers';
import {
  Chain, ContainerMetadata, DelegateCall, ExecutionPlan, FreeCall, Instruction, InstructionArguments, JumpFalseCall,
  KernelCall, MoveCall, Operator,
} from '../generated/executorch-flatbuffer.js';
import { ProgramFormatError } from '../errors.js';
import type { InstructionSpec, MethodSpec } from '../spec.js';
import { writeValue } from './write-value.js';

function writeInstruction(b: flatbuffers.Builder, instr: InstructionSpec): flatbuffers.Offset {
  switch (instr.kind) {
    case 'KernelCall': {
      const args = KernelCall.createArgsVector(b, instr.args);
      return Instruction.createInstruction(b, InstructionArguments.KernelCall, KernelCall.createKernelCall(b, instr.opIndex, args));
    }
    case 'DelegateCall': {
      const args = DelegateCall.createArgsVector(b, instr.args);
      const call = DelegateCall.createDelegateCall(b, instr.delegateIndex, args);
      return Instruction.createInstruction(b, InstructionArguments.DelegateCall, call);
    }
    case 'MoveCall':
      return Instruction.createInstruction(
        b,
        InstructionArguments.MoveCall,
        MoveCall.createMoveCall(b, instr.moveFrom, instr.moveTo),
      );
    case 'JumpFalseCall':
      return Instruction.createInstruction(
        b,
        InstructionArguments.JumpFalseCall,
        JumpFalseCall.createJumpFalseCall(b, instr.condValueIndex, instr.destinationInstruction),
      );
    case 'FreeCall':
      return Instruction.createInstruction(b, InstructionArguments.FreeCall, FreeCall.createFreeCall(b, instr.valueIndex));
  }
}

/** Index checks, so a bad spec fails here and not inside a runtime. */
export function checkMethodSpec(m: MethodSpec, field: string): void {
  const n = m.values.length;
  const value = (where: string, v: number): void => {
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new ProgramFormatError(`${v} is not a value index (${n} values)`, { field: `${field}.${where}` });
    }
  };
  m.inputs.forEach((v, i) => value(`inputs[${i}]`, v));
  m.outputs.forEach((v, i) => value(`outputs[${i}]`, v));
  m.values.forEach((v, i) => {
    if (v.kind === 'IntList') {
      v.items.forEach((x, j) => {
        value(`values[${i}].items[${j}]`, x);
        if (m.values[x]?.kind !== 'Int') {
          throw new ProgramFormatError('IntList items must be indices of Int values', {
            field: `${field}.values[${i}].items[${j}]`,
          });
        }
      });
    }
    if (v.kind === 'TensorList' || v.kind === 'OptionalTensorList') v.items.forEach((x, j) => value(`values[${i}].items[${j}]`, x));
  });
  m.instructions.forEach((instr, i) => {
    const where = `instructions[${i}]`;
    if (instr.kind === 'KernelCall') {
      if (instr.opIndex < 0 || instr.opIndex >= m.operators.length) {
        throw new ProgramFormatError(`op_index ${instr.opIndex} is out of range`, { field: `${field}.${where}` });
      }
      instr.args.forEach((a, j) => value(`${where}.args[${j}]`, a));
    } else if (instr.kind === 'DelegateCall') {
      throw new ProgramFormatError('the writer does not emit delegates', { field: `${field}.${where}` });
    } else if (instr.kind === 'MoveCall') {
      value(`${where}.moveFrom`, instr.moveFrom);
      value(`${where}.moveTo`, instr.moveTo);
    } else if (instr.kind === 'JumpFalseCall') {
      value(`${where}.condValueIndex`, instr.condValueIndex);
    } else {
      value(`${where}.valueIndex`, instr.valueIndex);
    }
  });
}

/**
 * Writes the ExecutionPlan. `constantIndex(v)` gives the data_buffer_idx of
 * value v when it is a constant tensor, 0 otherwise.
 */
export function writeMethod(
  b: flatbuffers.Builder,
  m: MethodSpec,
  constantIndex: (valueIndex: number) => number,
): flatbuffers.Offset {
  const name = b.createString(m.name);
  const meta = m.containerMeta
    ? ContainerMetadata.createContainerMetadata(b, b.createString(m.containerMeta.encodedInputs), b.createString(m.containerMeta.encodedOutputs))
    : 0;
  const values = ExecutionPlan.createValuesVector(
    b,
    m.values.map((v, i) => writeValue(b, v, constantIndex(i))),
  );
  const inputs = ExecutionPlan.createInputsVector(b, m.inputs);
  const outputs = ExecutionPlan.createOutputsVector(b, m.outputs);
  const instructions = Chain.createInstructionsVector(b, m.instructions.map((instr) => writeInstruction(b, instr)));
  const chain = Chain.createChain(b, Chain.createInputsVector(b, []), Chain.createOutputsVector(b, []), instructions, 0);
  const chains = ExecutionPlan.createChainsVector(b, [chain]);
  const operators = ExecutionPlan.createOperatorsVector(
    b,
    m.operators.map((op) => Operator.createOperator(b, b.createString(op.name), b.createString(op.overload))),
  );
  const delegates = ExecutionPlan.createDelegatesVector(b, []);
  const sizes = ExecutionPlan.createNonConstBufferSizesVector(b, [0n, ...m.plannedMemory.map((s) => BigInt(s))]);

  ExecutionPlan.startExecutionPlan(b);
  ExecutionPlan.addName(b, name);
  if (meta !== 0) ExecutionPlan.addContainerMetaType(b, meta);
  ExecutionPlan.addValues(b, values);
  ExecutionPlan.addInputs(b, inputs);
  ExecutionPlan.addOutputs(b, outputs);
  ExecutionPlan.addChains(b, chains);
  ExecutionPlan.addOperators(b, operators);
  ExecutionPlan.addDelegates(b, delegates);
  ExecutionPlan.addNonConstBufferSizes(b, sizes);
  return ExecutionPlan.endExecutionPlan(b);
}
