/**
 * program/ — the TypeScript side of the ExecuTorch program format: read and
 * inspect `.pte` / `.bpte` files, write them, and build small element-wise
 * programs with planned memory. Other folders import only from this file.
 *
 *   import { readProgram, readBundled, buildElementwiseProgram, writeBundled } from '../program/index.js';
 *
 *   const info = readProgram(new Uint8Array(fs.readFileSync('model.pte')));
 *   for (const m of info.methods) console.log(m.name, m.inputs.map((i) => i.tensor?.dtype), m.plannedMemory);
 *
 *   const pte = buildElementwiseProgram({
 *     inputs: [{ name: 'x', dtype: 'float32', shape: [4] }],
 *     constants: [{ name: 'one', dtype: 'float32', shape: [], data: [1] }],
 *     ops: [{ op: 'add', self: 'x', other: 'one', out: 'y' }],
 *     outputs: ['y'],
 *   });
 *   const bpte = writeBundled(pte, [{ methodName: 'forward', testCases: [] }]);
 *   const { program, suites } = readBundled(bpte);   // throws ProgramFormatError on bad bytes
 *
 * Format spec: shared/docs/pte-format.md and bundled-program.md; user doc:
 * docs/program-format.md. The FlatBuffers code under generated/ is produced by
 * `npm run generate:schema` from native/schema/*.fbs; never edit it by hand.
 */
export { IncompatibleVersionError, ProgramFormatError } from './errors.js';
export {
  DTYPES, dtypeSize, numel, tensorBytes, tensorDataFromBytes, tensorDataFromNumbers, tensorDataToBytes,
  type DType, type TensorData,
} from './dtype.js';
export type {
  Allocation, ConstantInfo, DelegateInfo, Dynamism, ExtendedHeader, ExtraTensorInfo, InstructionInfo, IoInfo,
  MethodInfo, OperatorInfo, PlannedBuffer, ProgramInfo, SegmentInfo, TensorInfo, TensorPlacement, ValueInfo, ValueKind,
} from './types.js';
export type { BundledProgramInfo, BundledSuite, BundledTestCase, BundledValue } from './bundled-types.js';
export type { InstructionSpec, MethodSpec, OperatorSpec, ProgramSpec, TensorSpec, ValueSpec } from './spec.js';

export { readProgram } from './read/read-program.js';
export { readBundled } from './read/read-bundled.js';
export { readConstantData } from './read/read-constant.js';
export { writeProgram } from './write/write-program.js';
export { writeBundled } from './write/write-bundled.js';

export { planMemory, type MemoryPlan, type PlannedTensor } from './builder/memory-plan.js';
export type { ElementwiseGraph, GraphConstant, GraphOp, GraphTensor } from './builder/graph.js';
export { buildElementwiseProgram, elementwiseProgramSpec } from './builder/elementwise.js';
export { evaluateElementwise } from './builder/evaluate.js';
export { ensureStarterSuite, starterSuite, type StarterProgram } from './suite/starter.js';
