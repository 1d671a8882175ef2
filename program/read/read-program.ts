/**
 * readProgram: `.pte` bytes → ProgramInfo. Checks the identifier and the
 * extended header first, then walks the flatbuffer through CheckedByteBuffer so
 * that a truncated or corrupt file ends in a ProgramFormatError naming the field.
 */
import { Program } from '../generated/executorch-flatbuffer.js';
import { ProgramFormatError, within } from '../errors.js';
import type { ConstantInfo, ExtendedHeader, ProgramInfo, SegmentInfo } from '../types.js';
import { CheckedByteBuffer, viewOffset } from './checked-buffer.js';
import { list, safeNumber } from './fields.js';
import { PROGRAM_IDENTIFIER, checkIdentifier, checkRootOffset, readExtendedHeader } from './file-header.js';
import { readMethod } from './read-method.js';

/** File position and size of a [ubyte] field from its generated `xxxArray()` view. */
function byteVector(view: Uint8Array | null, flatbuffer: Uint8Array): { fileOffset: number; size: number } {
  if (view === null || view.length === 0) return { fileOffset: 0, size: 0 };
  return { fileOffset: viewOffset(view, flatbuffer), size: view.length };
}

function readSegments(program: Program, header: ExtendedHeader | null, fileSize: number): SegmentInfo[] {
  return list(program.segmentsLength(), (i) => program.segments(i), 'segments').map((s, i) =>
    within(`segments[${i}]`, () => {
      const offset = safeNumber(s.offset(), 'offset');
      const size = safeNumber(s.size(), 'size');
      // Without an extended header there is no segment base: nothing is loadable
      // (apple add.pte carries a {0,0} placeholder segment this way).
      if (header === null || header.segmentBaseOffset === 0) return { offset, size, fileOffset: null };
      const fileOffset = header.segmentBaseOffset + offset;
      if (size > 0 && fileOffset + size > fileSize) {
        throw new ProgramFormatError(
          `segment bytes [${fileOffset}, ${fileOffset + size}) run past the end of the file (${fileSize} bytes)`,
          { offset: fileSize },
        );
      }
      return { offset, size, fileOffset };
    }),
  );
}

function readConstants(program: Program, segments: SegmentInfo[], flatbuffer: Uint8Array): ConstantInfo {
  const legacyBuffers = list(program.constantBufferLength(), (i) => program.constantBuffer(i), 'constant_buffer').map(
    (b, i) => within(`constant_buffer[${i}]`, () => byteVector(b.storageArray(), flatbuffer)),
  );
  const table = program.constantSegment();
  const segmentIndex = table === null ? null : table.segmentIndex();
  const offsets =
    table === null
      ? []
      : list(table.offsetsLength(), (i) => table.offsets(i), 'constant_segment.offsets').map((o, i) =>
          safeNumber(o, `constant_segment.offsets[${i}]`),
        );
  // Selection rule of the reference loader (pte-format.md §5.1).
  let storage: ConstantInfo['storage'] = 'none';
  if (offsets.length > 1) {
    storage = 'segment';
    const segment = segmentIndex === null ? undefined : segments[segmentIndex];
    if (segment === undefined) {
      throw new ProgramFormatError(`constant_segment.segment_index ${segmentIndex} is out of range (${segments.length} segments)`);
    }
    if (legacyBuffers.length > 1) throw new ProgramFormatError('constants are in both constant_segment and constant_buffer');
  } else if (offsets.length === 0 && legacyBuffers.length > 0) {
    storage = 'legacy_buffer';
  }
  return { storage, segmentIndex, offsets, legacyBuffers };
}

/**
 * Parses a `.pte` file. `bytes` is not modified and not retained.
 * @throws ProgramFormatError (or its subclass IncompatibleVersionError for an
 *   `ET..` file of another schema version) for anything malformed or truncated.
 */
export function readProgram(bytes: Uint8Array): ProgramInfo {
  checkIdentifier(bytes, PROGRAM_IDENTIFIER, 'an ExecuTorch program');
  const header = readExtendedHeader(bytes);
  const programSize = header?.programSize ?? bytes.length;
  checkRootOffset(bytes, programSize);
  const flatbuffer = bytes.subarray(0, programSize);
  const program = Program.getRootAsProgram(new CheckedByteBuffer(flatbuffer));
  return within('program', () => {
    const segments = readSegments(program, header, bytes.length);
    const inline = list(program.backendDelegateDataLength(), (i) => program.backendDelegateData(i), 'backend_delegate_data').map(
      (d, i) =>
        within(`backend_delegate_data[${i}]`, () => {
          const { fileOffset, size } = byteVector(d.dataArray(), flatbuffer);
          return { offset: fileOffset, size };
        }),
    );
    const methods = list(program.executionPlanLength(), (i) => program.executionPlan(i), 'execution_plan').map((plan, i) =>
      within(`execution_plan[${i}]`, () => readMethod(plan, { inline, segments, flatbuffer })),
    );
    const mutableDataSegments = list(program.mutableDataSegmentsLength(), (i) => program.mutableDataSegments(i), 'mutable_data_segments').map(
      (m, i) => ({
        segmentIndex: m.segmentIndex(),
        offsets: list(m.offsetsLength(), (j) => m.offsets(j), `mutable_data_segments[${i}].offsets`).map((o, j) =>
          safeNumber(o, `mutable_data_segments[${i}].offsets[${j}]`),
        ),
      }),
    );
    const namedData = list(program.namedDataLength(), (i) => program.namedData(i), 'named_data').map((n, i) => {
      const segmentIndex = n.segmentIndex();
      if (segmentIndex >= segments.length) {
        throw new ProgramFormatError(`named_data[${i}].segment_index ${segmentIndex} is out of range (${segments.length} segments)`);
      }
      return { key: n.key() ?? '', segmentIndex };
    });
    return {
      identifier: PROGRAM_IDENTIFIER,
      version: program.version(),
      fileSize: bytes.length,
      header,
      methods,
      segments,
      constants: readConstants(program, segments, flatbuffer),
      mutableDataSegments,
      namedData,
      inlineDelegateDataSizes: inline.map((d) => d.size),
    };
  });
}
