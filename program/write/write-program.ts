/**
 * writeProgram: ProgramSpec → `.pte` bytes. Constant tensors of all methods go
 * into one constant segment (offsets[0] is the reserved placeholder, each tensor
 * at a 16-aligned offset) behind an `eh00` header, like the exporter's output.
 */
import * as flatbuffers from 'flatbuffers';
import { DataSegment, Program, SubsegmentOffsets } from '../generated/executorch-flatbuffer.js';
import { within } from '../errors.js';
import type { ProgramSpec } from '../spec.js';
import { DEFAULT_SEGMENT_ALIGNMENT, alignUp, assembleFile, checkAlignment, layoutSegments } from './file-layout.js';
import { checkMethodSpec, writeMethod } from './write-method.js';
import { checkTensorSpec } from './write-value.js';

const DEFAULT_CONSTANT_ALIGNMENT = 16;

interface ConstantTable {
  /** constant_segment.offsets, placeholder first. */
  offsets: number[];
  segment: Uint8Array;
  /** data_buffer_idx per method and value index (0 = not a constant). */
  indexOf: (method: number, value: number) => number;
}

function collectConstants(spec: ProgramSpec, alignment: number): ConstantTable {
  const offsets = [0];
  const chunks: { offset: number; data: Uint8Array }[] = [];
  const index = new Map<string, number>();
  let end = 0;
  spec.methods.forEach((m, mi) =>
    m.values.forEach((v, vi) => {
      if (v.kind !== 'Tensor' || v.tensor.data === undefined) return;
      const offset = alignUp(end, alignment);
      chunks.push({ offset, data: v.tensor.data });
      end = offset + v.tensor.data.length;
      index.set(`${mi}:${vi}`, offsets.length);
      offsets.push(offset);
    }),
  );
  const segment = new Uint8Array(end);
  for (const c of chunks) segment.set(c.data, c.offset);
  return { offsets, segment, indexOf: (mi, vi) => index.get(`${mi}:${vi}`) ?? 0 };
}

/**
 * Builds a `.pte` file from `spec`. Deterministic: the same spec gives the same bytes.
 * @throws ProgramFormatError naming the spec field when indices, shapes or
 *   constant data sizes are inconsistent.
 */
export function writeProgram(spec: ProgramSpec): Uint8Array {
  const segmentAlignment = spec.segmentAlignment ?? DEFAULT_SEGMENT_ALIGNMENT;
  const constantAlignment = spec.constantAlignment ?? DEFAULT_CONSTANT_ALIGNMENT;
  checkAlignment(segmentAlignment, 'segmentAlignment');
  checkAlignment(constantAlignment, 'constantAlignment');
  spec.methods.forEach((m, mi) => {
    const field = `methods[${mi}]`;
    checkMethodSpec(m, field);
    m.values.forEach((v, vi) => {
      if (v.kind === 'Tensor') checkTensorSpec(v.tensor, `${field}.values[${vi}].tensor`);
    });
  });

  const constants = collectConstants(spec, constantAlignment);
  const segmentPayloads = constants.segment.length > 0 ? [constants.segment] : [];
  const layout = layoutSegments(segmentPayloads.map((s) => s.length), segmentAlignment);

  const b = new flatbuffers.Builder(1024);
  const plans = spec.methods.map((m, mi) =>
    within(`methods[${mi}]`, () => writeMethod(b, m, (vi) => constants.indexOf(mi, vi))),
  );
  const executionPlan = Program.createExecutionPlanVector(b, plans);
  const segments = Program.createSegmentsVector(
    b,
    layout.map((s) => DataSegment.createDataSegment(b, BigInt(s.offset), BigInt(s.size))),
  );
  // With no constants the table still says "placeholder only" ([0]), which the
  // loader reads as "no constants" without touching any segment.
  const constantOffsets = SubsegmentOffsets.createOffsetsVector(b, constants.offsets.map((o) => BigInt(o)));
  const constantSegment = SubsegmentOffsets.createSubsegmentOffsets(b, 0, constantOffsets);

  Program.startProgram(b);
  Program.addVersion(b, 0);
  Program.addExecutionPlan(b, executionPlan);
  Program.addSegments(b, segments);
  Program.addConstantSegment(b, constantSegment);
  Program.finishProgramBuffer(b, Program.endProgram(b));
  return assembleFile(b.asUint8Array(), segmentPayloads, layout, segmentAlignment);
}
