/**
 * Serializes one method (ExecutionPlan) from its MethodImage: values, chains,
 * operators, delegates and planned-memory sizes. Also holds the index checks
 * for MethodSpec, so a bad spec fails in the writer and not inside a runtime.
 */
import type * as flatbuffers from 'flatbuffers';
import {
  BackendDelegate, BackendDelegateDataReference, Chain, CompileSpec, ContainerMetadata, DataLocation, DelegateCall,
  DeviceType, ExecutionPlan, FreeCall, Instruction, InstructionArguments, JumpFalseCall, KernelCall, MoveCall,
  NonConstBufferDevice, Operator,
} from '../generated/executorch-flatbuffer.js';
import { ProgramFormatError } from '../errors.js';
import type { ChainImage, DelegateImage, MethodImage } from '../image.js';
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
    if (v.kind === 'TensorList') v.items.forEach((x, j) => value(`values[${i}].items[${j}]`, x));
    // In an optional list, -1 is the exporter's spelling of an absent tensor.
    if (v.kind === 'OptionalTensorList') v.items.forEach((x, j) => x !== -1 && value(`values[${i}].items[${j}]`, x));
  });
  const delegates = m.delegates?.length ?? 0;
  m.instructions.forEach((instr, i) => {
    const where = `instructions[${i}]`;
    if (instr.kind === 'KernelCall') {
      if (instr.opIndex < 0 || instr.opIndex >= m.operators.length) {
        throw new ProgramFormatError(`op_index ${instr.opIndex} is out of range`, { field: `${field}.${where}` });
      }
      instr.args.forEach((a, j) => value(`${where}.args[${j}]`, a));
    } else if (instr.kind === 'DelegateCall') {
      if (instr.delegateIndex < 0 || instr.delegateIndex >= delegates) {
        throw new ProgramFormatError(`delegate_index ${instr.delegateIndex} is out of range (${delegates} delegates)`, {
          field: `${field}.${where}`,
        });
      }
      instr.args.forEach((a, j) => value(`${where}.args[${j}]`, a));
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

function writeChain(b: flatbuffers.Builder, c: ChainImage): flatbuffers.Offset {
  const instructions = Chain.createInstructionsVector(b, c.instructions.map((instr) => writeInstruction(b, instr)));
  return Chain.createChain(b, Chain.createInputsVector(b, c.inputs), Chain.createOutputsVector(b, c.outputs), instructions, 0);
}

function writeDelegate(b: flatbuffers.Builder, d: DelegateImage): flatbuffers.Offset {
  const id = b.createString(d.id);
  const location = d.processed.location === 'inline' ? DataLocation.INLINE : DataLocation.SEGMENT;
  const specs = BackendDelegate.createCompileSpecsVector(
    b,
    d.compileSpecs.map((s) => CompileSpec.createCompileSpec(b, b.createString(s.key), CompileSpec.createValueVector(b, s.value))),
  );
  const processed = BackendDelegateDataReference.createBackendDelegateDataReference(b, location, d.processed.index);
  BackendDelegate.startBackendDelegate(b);
  BackendDelegate.addId(b, id);
  BackendDelegate.addProcessed(b, processed);
  BackendDelegate.addCompileSpecs(b, specs);
  return BackendDelegate.endBackendDelegate(b);
}

/** Writes the ExecutionPlan table. */
export function writeMethod(b: flatbuffers.Builder, m: MethodImage): flatbuffers.Offset {
  const name = b.createString(m.name);
  const meta = m.containerMeta
    ? ContainerMetadata.createContainerMetadata(b, b.createString(m.containerMeta.encodedInputs), b.createString(m.containerMeta.encodedOutputs))
    : 0;
  const values = ExecutionPlan.createValuesVector(b, m.values.map((v) => writeValue(b, v)));
  const inputs = ExecutionPlan.createInputsVector(b, m.inputs);
  const outputs = ExecutionPlan.createOutputsVector(b, m.outputs);
  const chains = ExecutionPlan.createChainsVector(b, m.chains.map((c) => writeChain(b, c)));
  const operators = ExecutionPlan.createOperatorsVector(
    b,
    m.operators.map((op) => Operator.createOperator(b, b.createString(op.name), b.createString(op.overload))),
  );
  const delegates = ExecutionPlan.createDelegatesVector(b, m.delegates.map((d) => writeDelegate(b, d)));
  const sizes = ExecutionPlan.createNonConstBufferSizesVector(b, m.nonConstBufferSizes.map((s) => BigInt(s)));
  const devices =
    m.nonConstBufferDevice === null
      ? 0
      : ExecutionPlan.createNonConstBufferDeviceVector(
          b,
          m.nonConstBufferDevice.map((d) =>
            NonConstBufferDevice.createNonConstBufferDevice(
              b,
              d.bufferIndex,
              d.deviceType === 'cuda' ? DeviceType.CUDA : DeviceType.CPU,
              d.deviceIndex,
            ),
          ),
        );

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
  if (devices !== 0) ExecutionPlan.addNonConstBufferDevice(b, devices);
  return ExecutionPlan.endExecutionPlan(b);
}
