/**
 * readBundled: `.bpte` bytes → the embedded program and its test cases.
 */
import * as bp from '../generated/bundled-program-flatbuffer.js';
import { dtypeFromCode, tensorBytes, tensorDataFromBytes } from '../dtype.js';
import { IncompatibleVersionError, ProgramFormatError, within } from '../errors.js';
import type { BundledProgramInfo, BundledSuite, BundledValue } from '../bundled-types.js';
import { CheckedByteBuffer } from './checked-buffer.js';
import { list, requireField } from './fields.js';
import { BUNDLED_IDENTIFIER, checkIdentifier, checkRootOffset } from './file-header.js';
import { readProgram } from './read-program.js';

function readTensor(t: bp.Tensor): BundledValue {
  requireField(t, 1, 'sizes');
  const dtype = within('scalar_type', () => dtypeFromCode(t.scalarType()));
  const shape = list(t.sizesLength(), (i) => t.sizes(i), 'sizes');
  const dimOrder = list(t.dimOrderLength(), (i) => t.dimOrder(i), 'dim_order');
  if (shape.some((d) => d < 0)) throw new ProgramFormatError(`[${shape}] has a negative size`, { field: 'sizes' });
  if (dimOrder.length !== shape.length) {
    throw new ProgramFormatError(`has ${dimOrder.length} entries for rank ${shape.length}`, { field: 'dim_order' });
  }
  const bytes = t.dataArray() ?? new Uint8Array(0);
  const nbytes = tensorBytes(dtype, shape);
  if (bytes.length !== nbytes) {
    throw new ProgramFormatError(`${bytes.length} bytes, ${dtype}[${shape}] needs ${nbytes}`, { field: 'data' });
  }
  return { kind: 'Tensor', dtype, shape, dimOrder, data: tensorDataFromBytes(dtype, bytes) };
}

function readValue(v: bp.Value): BundledValue {
  const type = v.valType();
  const payload = <T>(obj: T): T => {
    const got = v.val(obj) as T | null;
    if (got === null) throw new ProgramFormatError(`${bp.ValueUnion[type]} payload is missing`, { offset: v.bb_pos });
    return got;
  };
  switch (type) {
    case bp.ValueUnion.Tensor:
      return readTensor(payload(new bp.Tensor()));
    case bp.ValueUnion.Int:
      return { kind: 'Int', value: payload(new bp.Int()).intVal() };
    case bp.ValueUnion.Bool:
      return { kind: 'Bool', value: payload(new bp.Bool()).boolVal() };
    case bp.ValueUnion.Double:
      return { kind: 'Double', value: payload(new bp.Double()).doubleVal() };
    default:
      throw new ProgramFormatError(`val_type ${type} is not a known bundled value (NONE is invalid)`, { offset: v.bb_pos });
  }
}

function readSuite(s: bp.BundledMethodTestSuite): BundledSuite {
  requireField(s, 0, 'method_name');
  const testCases = list(s.testCasesLength(), (i) => s.testCases(i), 'test_cases').map((c, i) =>
    within(`test_cases[${i}]`, () => ({
      inputs: list(c.inputsLength(), (j) => c.inputs(j), 'inputs').map((v, j) => within(`inputs[${j}]`, () => readValue(v))),
      expectedOutputs: list(c.expectedOutputsLength(), (j) => c.expectedOutputs(j), 'expected_outputs').map((v, j) =>
        within(`expected_outputs[${j}]`, () => readValue(v)),
      ),
    })),
  );
  return { methodName: s.methodName() ?? '', testCases };
}

/**
 * Parses a bundled program. The embedded program is parsed too (errors there
 * are reported under the `program` field of the bundle).
 * @throws ProgramFormatError (IncompatibleVersionError for `BP..` files of another version).
 */
export function readBundled(bytes: Uint8Array): BundledProgramInfo {
  checkIdentifier(bytes, BUNDLED_IDENTIFIER, 'a bundled program');
  checkRootOffset(bytes, bytes.length);
  const root = bp.BundledProgram.getRootAsBundledProgram(new CheckedByteBuffer(bytes));
  return within('bundled_program', () => {
    requireField(root, 2, 'program');
    const embedded = within('program', () => root.programArray() ?? new Uint8Array(0));
    // A copy in a fresh, 0-aligned buffer (safe for a 16-byte-aligned native loader).
    const programBytes = new Uint8Array(embedded);
    const programStart = embedded.byteOffset - bytes.byteOffset;
    const program = within('program', () => {
      try {
        return readProgram(programBytes);
      } catch (e) {
        // Offsets inside the embedded program become offsets in the bundle.
        if (e instanceof ProgramFormatError && e.offset !== null && !(e instanceof IncompatibleVersionError)) {
          throw new ProgramFormatError(e.detail, { field: e.field, offset: e.offset + programStart, cause: e });
        }
        throw e;
      }
    });
    const suites = list(root.methodTestSuitesLength(), (i) => root.methodTestSuites(i), 'method_test_suites').map((s, i) =>
      within(`method_test_suites[${i}]`, () => readSuite(s)),
    );
    for (const [i, s] of suites.entries()) {
      if (!program.methods.some((m) => m.name === s.methodName)) {
        throw new ProgramFormatError(`"${s.methodName}" is not a method of the embedded program`, {
          field: `method_test_suites[${i}].method_name`,
        });
      }
    }
    return { version: root.version(), programBytes, program, suites };
  });
}
