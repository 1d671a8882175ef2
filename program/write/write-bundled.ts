/**
 * writeBundled: a `.pte` plus test suites → `.bpte` bytes (a plain flatbuffer,
 * no extended header). The generated TypeScript builders ignore `force_align`,
 * so the two aligned byte vectors are prepared by hand with Builder.prep.
 */
import * as flatbuffers from 'flatbuffers';
import * as bp from '../generated/bundled-program-flatbuffer.js';
import { dtypeCode, tensorBytes, tensorDataToBytes } from '../dtype.js';
import { ProgramFormatError } from '../errors.js';
import type { BundledSuite, BundledValue } from '../bundled-types.js';

/** BundledProgram.version written by current ExecuTorch. */
const BUNDLED_VERSION = 2;
const PROGRAM_ALIGNMENT = 32;
const TENSOR_DATA_ALIGNMENT = 16;

/** A [ubyte] vector whose first element is `alignment`-aligned in the finished buffer. */
function alignedBytes(b: flatbuffers.Builder, data: Uint8Array, alignment: number): flatbuffers.Offset {
  // prep pads so that `data.length` bytes written next end up aligned; the
  // length prefix then lands right before them. finish() pads the whole buffer
  // to the largest alignment seen, so end-relative alignment holds from byte 0.
  b.prep(alignment, data.length);
  return b.createByteVector(data);
}

function writeValue(b: flatbuffers.Builder, v: BundledValue, field: string): flatbuffers.Offset {
  let type: bp.ValueUnion;
  let payload: flatbuffers.Offset;
  switch (v.kind) {
    case 'Tensor': {
      const bytes = tensorDataToBytes(v.data);
      const nbytes = tensorBytes(v.dtype, v.shape);
      if (bytes.length !== nbytes) {
        throw new ProgramFormatError(`${bytes.length} bytes given, ${v.dtype}[${v.shape}] needs ${nbytes}`, {
          field: `${field}.data`,
        });
      }
      if (v.dimOrder.length !== v.shape.length) {
        throw new ProgramFormatError(`rank ${v.shape.length} needs ${v.shape.length} entries`, { field: `${field}.dimOrder` });
      }
      const data = alignedBytes(b, bytes, TENSOR_DATA_ALIGNMENT);
      const sizes = bp.Tensor.createSizesVector(b, v.shape);
      const dimOrder = bp.Tensor.createDimOrderVector(b, v.dimOrder);
      type = bp.ValueUnion.Tensor;
      payload = bp.Tensor.createTensor(b, dtypeCode(v.dtype), sizes, data, dimOrder);
      break;
    }
    case 'Int':
      type = bp.ValueUnion.Int;
      payload = bp.Int.createInt(b, v.value);
      break;
    case 'Bool':
      type = bp.ValueUnion.Bool;
      payload = bp.Bool.createBool(b, v.value);
      break;
    case 'Double':
      type = bp.ValueUnion.Double;
      payload = bp.Double.createDouble(b, v.value);
      break;
  }
  return bp.Value.createValue(b, type, payload);
}

/**
 * Builds a `.bpte`. `programBytes` is embedded byte for byte (32-byte aligned,
 * so a runtime can parse it in place); suites are not checked against the
 * program here — readBundled does that.
 */
export function writeBundled(programBytes: Uint8Array, suites: readonly BundledSuite[]): Uint8Array {
  const b = new flatbuffers.Builder(programBytes.length + 1024);
  const suiteOffsets = suites.map((s, si) => {
    const cases = s.testCases.map((c, ci) => {
      const field = `suites[${si}].testCases[${ci}]`;
      const inputs = c.inputs.map((v, i) => writeValue(b, v, `${field}.inputs[${i}]`));
      const outputs = c.expectedOutputs.map((v, i) => writeValue(b, v, `${field}.expectedOutputs[${i}]`));
      return bp.BundledMethodTestCase.createBundledMethodTestCase(
        b,
        bp.BundledMethodTestCase.createInputsVector(b, inputs),
        bp.BundledMethodTestCase.createExpectedOutputsVector(b, outputs),
      );
    });
    return bp.BundledMethodTestSuite.createBundledMethodTestSuite(
      b,
      b.createString(s.methodName),
      bp.BundledMethodTestSuite.createTestCasesVector(b, cases),
    );
  });
  const suiteVector = bp.BundledProgram.createMethodTestSuitesVector(b, suiteOffsets);
  const program = alignedBytes(b, programBytes, PROGRAM_ALIGNMENT);
  const root = bp.BundledProgram.createBundledProgram(b, BUNDLED_VERSION, suiteVector, program);
  bp.BundledProgram.finishBundledProgramBuffer(b, root);
  return b.asUint8Array().slice();
}
