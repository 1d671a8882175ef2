/**
 * readProgramImage: `.pte` bytes → ProgramImage (program/image.ts), the
 * layout-free decoding that writeProgramImage turns back into a file.
 * Validation is readProgram's: this runs it first, then copies out the byte
 * payloads (segments, legacy constants, inline delegate data, compile specs)
 * and the few fields ProgramInfo summarizes rather than keeps.
 */
import { DeviceType, Program } from '../generated/executorch-flatbuffer.js';
import { ProgramFormatError, within } from '../errors.js';
import type { ChainImage, MethodImage, ProgramImage, TensorImage, ValueImage } from '../image.js';
import type { MethodInfo, ProgramInfo, TensorInfo, ValueInfo } from '../types.js';
import { CheckedByteBuffer } from './checked-buffer.js';
import { hasField, list, safeNumber } from './fields.js';
import { readProgram } from './read-program.js';

function tensorImage(t: TensorInfo): TensorImage {
  const { dtype, shape, dimOrder, dynamism, requiresGrad, dataBufferIndex, allocation, extra } = t;
  return { dtype, shape, dimOrder, dynamism, requiresGrad, dataBufferIndex, allocation, extra };
}

function valueImage(v: ValueInfo): ValueImage {
  return v.kind === 'Tensor' ? { kind: 'Tensor', tensor: tensorImage(v.tensor) } : v;
}

function copy(bytes: Uint8Array, offset: number, size: number): Uint8Array {
  return new Uint8Array(bytes.subarray(offset, offset + size));
}

function methodImage(m: MethodInfo, program: Program, index: number, bytes: Uint8Array): MethodImage {
  const fb = program.executionPlan(index)!;
  const chains: ChainImage[] = m.chains.map((instructions, c) => {
    const chain = fb.chains(c)!;
    return {
      inputs: list(chain.inputsLength(), (i) => chain.inputs(i), `chains[${c}].inputs`),
      outputs: list(chain.outputsLength(), (i) => chain.outputs(i), `chains[${c}].outputs`),
      instructions,
    };
  });
  const devices = !hasField(fb, 9)
    ? null
      : list(fb.nonConstBufferDeviceLength(), (i) => fb.nonConstBufferDevice(i), 'non_const_buffer_device').map((d) => ({
          bufferIndex: d.bufferIdx(),
          deviceType: d.deviceType() === DeviceType.CUDA ? ('cuda' as const) : ('cpu' as const),
          deviceIndex: d.deviceIndex(),
        }));
  return {
    name: m.name,
    values: m.values.map(valueImage),
    inputs: m.inputs.map((i) => i.valueIndex),
    outputs: m.outputs.map((o) => o.valueIndex),
    chains,
    operators: m.operators.map(({ name, overload }) => ({ name, overload })),
    delegates: m.delegates.map((d) => ({
      id: d.id,
      processed: { location: d.location, index: d.index },
      compileSpecs: d.compileSpecs.map((s) => ({ key: s.key, value: copy(bytes, s.valueOffset, s.valueSize) })),
    })),
    nonConstBufferSizes: list(fb.nonConstBufferSizesLength(), (i) => fb.nonConstBufferSizes(i), 'non_const_buffer_sizes').map(
      (s, i) => safeNumber(s, `non_const_buffer_sizes[${i}]`),
    ),
    nonConstBufferDevice: devices,
    containerMeta: m.containerMeta,
  };
}

function segmentBytes(info: ProgramInfo, bytes: Uint8Array): Uint8Array[] {
  return info.segments.map((s, i) => {
    if (s.size === 0) return new Uint8Array(0);
    if (s.fileOffset === null) {
      throw new ProgramFormatError(`holds ${s.size} bytes but the file has no extended header to locate them`, {
        field: `program.segments[${i}]`,
      });
    }
    return copy(bytes, s.fileOffset, s.size);
  });
}

/**
 * Decodes a `.pte` into a ProgramImage. Byte payloads are copies; `bytes` is not retained.
 * @throws ProgramFormatError as readProgram does.
 */
export function readProgramImage(bytes: Uint8Array): ProgramImage {
  const info = readProgram(bytes);
  const programSize = info.header?.programSize ?? bytes.length;
  const program = Program.getRootAsProgram(new CheckedByteBuffer(bytes.subarray(0, programSize)));
  return within('program', () => {
    const table = program.constantSegment();
    const inlineData = list(program.backendDelegateDataLength(), (i) => program.backendDelegateData(i), 'backend_delegate_data');
    return {
      version: info.version,
      methods: info.methods.map((m, i) => within(`execution_plan[${i}]`, () => methodImage(m, program, i, bytes))),
      segments: segmentBytes(info, bytes),
      constantSegment: table === null ? null : { segmentIndex: table.segmentIndex(), offsets: info.constants.offsets },
      constantBuffer: info.constants.legacyBuffers.map((b) => copy(bytes, b.fileOffset, b.size)),
      backendDelegateData: inlineData.map((d) => new Uint8Array(d.dataArray() ?? new Uint8Array(0))),
      mutableDataSegments: info.mutableDataSegments.map((m) => ({ segmentIndex: m.segmentIndex, offsets: m.offsets })),
      namedData: info.namedData.map((n) => ({ key: n.key, segmentIndex: n.segmentIndex })),
      headerLength: info.header?.headerLength === 24 ? 24 : 32,
    };
  });
}
