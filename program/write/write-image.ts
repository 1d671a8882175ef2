/**
 * writeProgramImage: ProgramImage → `.pte` bytes. Builds the flatbuffer, then
 * inserts the `eh00` header and appends the segments at aligned offsets the way
 * the exporter does (file-layout.ts). Deterministic: the same image gives the
 * same bytes.
 */
import * as flatbuffers from 'flatbuffers';
import {
  BackendDelegateInlineData, Buffer as BufferTable, DataSegment, NamedData, Program, SubsegmentOffsets,
} from '../generated/executorch-flatbuffer.js';
import { ProgramFormatError, within } from '../errors.js';
import type { ProgramImage, SubsegmentImage } from '../image.js';
import { DEFAULT_SEGMENT_ALIGNMENT, assembleFile, checkAlignment, layoutSegments } from './file-layout.js';
import { writeMethod } from './write-method.js';

/** `Buffer.storage` and `BackendDelegateInlineData.data` are `force_align: 16` in the schema. */
const INLINE_DATA_ALIGNMENT = 16;

export interface WriteImageOptions {
  /** Alignment of each segment in the file; exporter default 128. */
  segmentAlignment?: number;
}

/** A [ubyte] vector whose first element is `alignment`-aligned in the finished buffer (see write-bundled.ts). */
export function alignedByteVector(b: flatbuffers.Builder, data: Uint8Array, alignment: number): flatbuffers.Offset {
  b.prep(alignment, data.length);
  return b.createByteVector(data);
}

function checkIndices(image: ProgramImage): void {
  const segments = image.segments.length;
  const segment = (index: number, field: string): void => {
    if (!Number.isInteger(index) || index < 0 || index >= segments) {
      throw new ProgramFormatError(`segment index ${index} is out of range (${segments} segments)`, { field });
    }
  };
  const constantOffsets = image.constantSegment?.offsets.length ?? 0;
  if (image.constantSegment !== null && constantOffsets > 1) segment(image.constantSegment.segmentIndex, 'constantSegment.segmentIndex');
  image.mutableDataSegments.forEach((m, i) => segment(m.segmentIndex, `mutableDataSegments[${i}].segmentIndex`));
  image.namedData.forEach((n, i) => segment(n.segmentIndex, `namedData[${i}].segmentIndex`));
  image.methods.forEach((m, mi) =>
    m.delegates.forEach((d, di) => {
      const field = `methods[${mi}].delegates[${di}].processed.index`;
      if (d.processed.location === 'segment') segment(d.processed.index, field);
      else if (d.processed.index < 0 || d.processed.index >= image.backendDelegateData.length) {
        throw new ProgramFormatError(`${d.processed.index} is out of range (${image.backendDelegateData.length} inline payloads)`, { field });
      }
    }),
  );
}

function subsegment(b: flatbuffers.Builder, s: SubsegmentImage): flatbuffers.Offset {
  const offsets = SubsegmentOffsets.createOffsetsVector(b, s.offsets.map((o) => BigInt(o)));
  return SubsegmentOffsets.createSubsegmentOffsets(b, s.segmentIndex, offsets);
}

/**
 * Encodes `image` as a `.pte` file.
 * @throws ProgramFormatError when a segment or payload index points nowhere.
 */
export function writeProgramImage(image: ProgramImage, options: WriteImageOptions = {}): Uint8Array {
  const segmentAlignment = options.segmentAlignment ?? DEFAULT_SEGMENT_ALIGNMENT;
  checkAlignment(segmentAlignment, 'segmentAlignment');
  checkIndices(image);
  const layout = layoutSegments(image.segments.map((s) => s.length), segmentAlignment);

  const b = new flatbuffers.Builder(1024);
  const plans = image.methods.map((m, i) => within(`methods[${i}]`, () => writeMethod(b, m)));
  const executionPlan = Program.createExecutionPlanVector(b, plans);
  const constantBuffer =
    image.constantBuffer.length === 0
      ? 0
      : Program.createConstantBufferVector(
          b,
          image.constantBuffer.map((data) =>
            BufferTable.createBuffer(b, alignedByteVector(b, data, INLINE_DATA_ALIGNMENT)),
          ),
        );
  const inlineData =
    image.backendDelegateData.length === 0
      ? 0
      : Program.createBackendDelegateDataVector(
          b,
          image.backendDelegateData.map((data) =>
            BackendDelegateInlineData.createBackendDelegateInlineData(b, alignedByteVector(b, data, INLINE_DATA_ALIGNMENT)),
          ),
        );
  const segments = Program.createSegmentsVector(
    b,
    layout.map((s) => DataSegment.createDataSegment(b, BigInt(s.offset), BigInt(s.size))),
  );
  const constantSegment = image.constantSegment === null ? 0 : subsegment(b, image.constantSegment);
  const mutable =
    image.mutableDataSegments.length === 0
      ? 0
      : Program.createMutableDataSegmentsVector(b, image.mutableDataSegments.map((m) => subsegment(b, m)));
  const namedData =
    image.namedData.length === 0
      ? 0
      : Program.createNamedDataVector(
          b,
          image.namedData.map((n) => NamedData.createNamedData(b, b.createString(n.key), n.segmentIndex)),
        );

  Program.startProgram(b);
  Program.addVersion(b, image.version);
  Program.addExecutionPlan(b, executionPlan);
  if (constantBuffer !== 0) Program.addConstantBuffer(b, constantBuffer);
  if (inlineData !== 0) Program.addBackendDelegateData(b, inlineData);
  Program.addSegments(b, segments);
  if (constantSegment !== 0) Program.addConstantSegment(b, constantSegment);
  if (mutable !== 0) Program.addMutableDataSegments(b, mutable);
  if (namedData !== 0) Program.addNamedData(b, namedData);
  Program.finishProgramBuffer(b, Program.endProgram(b));
  return assembleFile(b.asUint8Array(), image.segments, layout, segmentAlignment, image.headerLength);
}
